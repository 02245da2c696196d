#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validators/xalloc.h"

static void oom(size_t n)
{
	fprintf(stderr, "fatal: out of memory allocating %zu bytes\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom(n * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *xstrdup(const char *s)
{
	char *d = strdup(s);
	if (!d)
		oom(strlen(s) + 1);
	return d;
}

char *xstrndup(const char *s, size_t n)
{
	char *d = strndup(s, n);
	if (!d)
		oom(n + 1);
	return d;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	char *s = dw_vstrfmt(fmt, ap);

	if (!s)
		oom(0);
	return s;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

char *xstrbuf_detach(struct strbuf *sb)
{
	char *s = strbuf_detach(sb, NULL);

	if (!s)
		oom(0);
	return s;
}

const char *xstrbuf_str(const struct strbuf *sb)
{
	if (sb->oom)
		oom(0);
	return strbuf_str(sb);
}

json_t *xjson(json_t *v)
{
	if (!v)
		oom(0);
	return v;
}
