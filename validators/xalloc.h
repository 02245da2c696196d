/*
 * xalloc: allocation that cannot fail, for the two programs (drivewayd, driveway) only. On out
 * of memory it prints one line and aborts, as git and Redis do. libdriveway's own modules never
 * call these: a library returns DW_NOMEM and lets its caller decide.
 */
#ifndef DW_XALLOC_H
#define DW_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

#include <jansson.h>

#include "validators/strbuf.h"

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* A malloc'd formatted string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
/* The programs' side of struct strbuf (validators/strbuf.h): they append with strbuf_add*
 * and read through these, which abort when an append ran out of memory. xstrbuf_detach
 * returns the malloc'd text (never NULL; "" when empty) the caller frees; xstrbuf_str's text
 * stays owned by sb. */
char *xstrbuf_detach(struct strbuf *sb);
const char *xstrbuf_str(const struct strbuf *sb);
/* Aborts when v is NULL (a jansson constructor ran out of memory); returns v. */
json_t *xjson(json_t *v);

#endif
