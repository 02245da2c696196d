/*
 * files: the descriptor files named on the command line. A directory stands for every *.yaml,
 * *.yml and *.json file below it (hidden entries and symbolic links to directories are not
 * followed), in sorted path order so that runs are reproducible.
 *
 * Ownership: struct file_list owns its path strings; files_read returns a malloc'd buffer the
 * caller frees; files_text_doc fills a docset the caller releases.
 */
#ifndef DW_FILES_H
#define DW_FILES_H

#include <stddef.h>

#include "validators/error.h"
#include "validators/load.h"

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

/*
 * Makes the one-document set of a contract that is text, not YAML or JSON (a .proto file): its
 * root is a JSON string holding text[0..len), the document starting at line 1, column 1.
 * Returns 0 or DW_INVALID when the text is not UTF-8 (set left empty). set is released with
 * dw_docset_release.
 */
int files_text_doc(const char *text, size_t len, struct dw_docset *set);

/* The folder part of path ("." when there is none); malloc'd. */
char *files_dirname(const char *path);

#endif
