/*
 * xalloc: allocation that cannot fail, for the two programs (drivewayd, driveway) only. On out
 * of memory it prints one line and aborts, as git and Redis do. libdriveway's own modules never
 * call these: a library returns DW_NOMEM and lets its caller decide.
 */
#ifndef DW_XALLOC_H
#define DW_XALLOC_H

#include <stddef.h>

#include <jansson.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* A malloc'd formatted string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Aborts when v is NULL (a jansson constructor ran out of memory); returns v. */
json_t *xjson(json_t *v);

#endif
