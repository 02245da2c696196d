/*
 * files: the descriptor files named on the command line. A directory stands for every *.yaml,
 * *.yml and *.json file below it (hidden entries and symbolic links to directories are not
 * followed), in sorted path order so that runs are reproducible.
 *
 * Ownership: struct file_list owns its path strings; files_read returns a malloc'd buffer the
 * caller frees.
 */
#ifndef DW_FILES_H
#define DW_FILES_H

#include <stddef.h>

#include "validators/error.h"

/* Files larger than this are refused (the largest real contracts are around 15 MB). */
#define FILES_MAX_SIZE (256u * 1024 * 1024)

struct file_entry {
	char *path;
	int explicit; /* named on the command line (not found by walking a directory) */
};

struct file_list {
	struct file_entry *items;
	size_t count, alloc;
};

void file_list_init(struct file_list *l);
void file_list_release(struct file_list *l);

/* Adds path (a file, or a directory walked recursively). Returns 0 or DW_MALFORMED with
 * "cannot read 'path': reason" in err. */
int files_collect(const char *path, struct file_list *l, struct dw_error *err);

/* Reads the whole file into *buf (NUL-terminated, the NUL not counted in *len). Returns 0 or
 * DW_MALFORMED ("cannot read 'path': reason"). */
int files_read(const char *path, char **buf, size_t *len, struct dw_error *err);

/* The folder part of path ("." when there is none); malloc'd. */
char *files_dirname(const char *path);

#endif
