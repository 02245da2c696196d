#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/files.h"
#include "validators/xalloc.h"

/* Directory trees deeper than this are not descended into (a guard, not a limit anyone meets). */
#define FILES_MAX_DEPTH 64

void file_list_init(struct file_list *l)
{
	memset(l, 0, sizeof(*l));
}

void file_list_release(struct file_list *l)
{
	for (size_t i = 0; i < l->count; i++)
		free(l->items[i].path);
	free(l->items);
	file_list_init(l);
}

static void list_add(struct file_list *l, const char *path, int explicit)
{
	if (l->count == l->alloc) {
		l->alloc = l->alloc ? 2 * l->alloc : 16;
		l->items = xrealloc(l->items, l->alloc * sizeof(*l->items));
	}
	l->items[l->count].path = xstrdup(path);
	l->items[l->count].explicit = explicit;
	l->count++;
}

static int has_descriptor_suffix(const char *name)
{
	size_t n = strlen(name);

	return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
	       (n > 4 && strcmp(name + n - 4, ".yml") == 0) ||
	       (n > 5 && strcmp(name + n - 5, ".json") == 0);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir);

	if (strcmp(dir, ".") == 0)
		return xstrdup(name);
	return xasprintf("%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name);
}

static int walk(const char *dir, int depth, struct file_list *l, struct dw_error *err)
{
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t count = 0, alloc = 0;
	int rc = 0;

	if (depth > FILES_MAX_DEPTH)
		return 0;
	d = opendir(dir);
	if (!d)
		return dw_error_set(err, DW_MALFORMED, "cannot read '%s': %s", dir,
		                    strerror(errno));
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (count == alloc) {
			alloc = alloc ? 2 * alloc : 32;
			names = xrealloc(names, alloc * sizeof(char *));
		}
		names[count++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (count)
		qsort(names, count, sizeof(char *), cmp_names);
	for (size_t i = 0; i < count; i++) {
		char *path = join(dir, names[i]);
		struct stat lst, st;

		if (rc == 0 && lstat(path, &lst) == 0) {
			if (S_ISDIR(lst.st_mode)) {
				rc = walk(path, depth + 1, l, err);
			} else if (has_descriptor_suffix(names[i]) && stat(path, &st) == 0 &&
			           S_ISREG(st.st_mode)) {
				/* A link to a file counts; a link to a folder is not followed
				 * (loops). */
				list_add(l, path, 0);
			}
		}
		free(path);
		free(names[i]);
	}
	free(names);
	return rc;
}

int files_collect(const char *path, struct file_list *l, struct dw_error *err)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return dw_error_set(err, DW_MALFORMED, "cannot read '%s': %s", path,
		                    strerror(errno));
	if (S_ISDIR(st.st_mode))
		return walk(path, 0, l, err);
	if (!S_ISREG(st.st_mode))
		return dw_error_set(err, DW_MALFORMED, "cannot read '%s': not a regular file",
		                    path);
	list_add(l, path, 1);
	return 0;
}

int files_read(const char *path, char **buf, size_t *len, struct dw_error *err)
{
	struct stat st;
	size_t cap, n = 0;
	char *b;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*buf = NULL;
	*len = 0;
	if (fd < 0)
		return dw_error_set(err, DW_MALFORMED, "cannot read '%s': %s", path,
		                    strerror(errno));
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		return dw_error_set(err, DW_MALFORMED, "cannot read '%s': %s", path, strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return dw_error_set(err, DW_MALFORMED, "cannot read '%s': not a regular file",
		                    path);
	}
	if ((unsigned long long)st.st_size > FILES_MAX_SIZE) {
		close(fd);
		return dw_error_set(err, DW_MALFORMED, "cannot read '%s': larger than %u MiB", path,
		                    FILES_MAX_SIZE / (1024 * 1024));
	}
	/* The size is a hint: the file may change while we read it. */
	cap = (size_t)st.st_size + 1;
	b = xmalloc(cap);
	for (;;) {
		ssize_t got;
		if (n + 1 >= cap) {
			if (cap > FILES_MAX_SIZE) {
				free(b);
				close(fd);
				return dw_error_set(err, DW_MALFORMED,
				                    "cannot read '%s': larger than %u MiB", path,
				                    FILES_MAX_SIZE / (1024 * 1024));
			}
			cap *= 2;
			b = xrealloc(b, cap);
		}
		got = read(fd, b + n, cap - n - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int e = errno;
			free(b);
			close(fd);
			return dw_error_set(err, DW_MALFORMED, "cannot read '%s': %s", path,
			                    strerror(e));
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

char *files_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

int files_text_doc(const char *text, size_t len, struct dw_docset *set)
{
	json_t *s = json_stringn(text, len);

	set->docs = NULL;
	set->count = 0;
	if (!s)
		return DW_INVALID;
	set->docs = xcalloc(1, sizeof(*set->docs));
	set->count = 1;
	set->docs[0].root = s;
	set->docs[0].line = set->docs[0].col = 1;
	return 0;
}
