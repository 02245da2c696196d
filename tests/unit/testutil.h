/*
 * testutil: helpers the unit suites share, as static inline functions (each suite is its own
 * program and includes this after <check.h>). Files read here are malloc'd and NUL-terminated;
 * the suite frees them.
 */
#ifndef DW_TESTUTIL_H
#define DW_TESTUTIL_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

/* snprintf that must not truncate: fixture paths are short. */
#define TU_PATHF(buf, ...)                                                                         \
	ck_assert_msg(snprintf(buf, sizeof(buf), __VA_ARGS__) < (int)sizeof(buf), "path too long")

/* The repository (DRIVEWAY_ROOT, else the current folder). */
static inline const char *tu_root(void)
{
	const char *r = getenv("DRIVEWAY_ROOT");
	return r && *r ? r : ".";
}

/* The whole file at path, *len (when not NULL) its size; NULL when it cannot be read. */
static inline char *tu_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return NULL;
	}
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

/* The file dir/name below the repository (dir NULL: name alone), which must be readable: the
 * test fails otherwise. *len (when not NULL) gets its size. */
static inline char *tu_read_repo_file(const char *dir, const char *name, size_t *len)
{
	char path[1024];
	char *buf;

	if (dir)
		TU_PATHF(path, "%s/%s/%s", tu_root(), dir, name);
	else
		TU_PATHF(path, "%s/%s", tu_root(), name);
	buf = tu_read_file(path, len);
	ck_assert_msg(buf != NULL, "cannot read %s (run from the repository root)", path);
	return buf;
}

#endif
