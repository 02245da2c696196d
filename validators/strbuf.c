/*
 * strbuf: growable strings that report out of memory instead of aborting (see strbuf.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validators/error.h"
#include "validators/strbuf.h"

void strbuf_init(struct strbuf *sb)
{
	memset(sb, 0, sizeof(*sb));
}

void strbuf_release(struct strbuf *sb)
{
	free(sb->buf);
	strbuf_init(sb);
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
	char *s = sb->buf;

	if (sb->oom) {
		free(s);
		s = NULL;
	} else if (!s) {
		s = calloc(1, 1);
	}
	if (len)
		*len = s ? sb->len : 0;
	strbuf_init(sb);
	return s;
}

int strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t want, a;
	char *p;

	if (sb->oom)
		return DW_NOMEM;
	if (extra > (size_t)-1 - sb->len - 1)
		goto nomem;
	want = sb->len + extra + 1;
	if (want <= sb->alloc)
		return 0;
	a = sb->alloc ? sb->alloc : 64;
	while (a < want)
		a = a > (size_t)-1 / 2 ? want : a * 2;
	p = realloc(sb->buf, a);
	if (!p)
		goto nomem;
	sb->buf = p;
	sb->alloc = a;
	return 0;
nomem:
	sb->oom = 1;
	return DW_NOMEM;
}

void strbuf_add(struct strbuf *sb, const void *data, size_t n)
{
	if (strbuf_grow(sb, n))
		return;
	if (n)
		memcpy(sb->buf + sb->len, data, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addch(struct strbuf *sb, int c)
{
	char ch = (char)c;

	strbuf_add(sb, &ch, 1);
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	if (sb->oom)
		return;
	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0) {
		sb->oom = 1;
		return;
	}
	if (strbuf_grow(sb, (size_t)n))
		return;
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void strbuf_setlen(struct strbuf *sb, size_t len)
{
	if (len > sb->len)
		return;
	sb->len = len;
	if (sb->buf)
		sb->buf[len] = '\0';
}

const char *strbuf_str(const struct strbuf *sb)
{
	return sb->buf ? sb->buf : "";
}

char *dw_vstrfmt(const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_vaddf(&sb, fmt, ap);
	return strbuf_detach(&sb, NULL);
}

char *dw_strfmt(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = dw_vstrfmt(fmt, ap);
	va_end(ap);
	return s;
}

char *dw_strdup_opt(const char *s, int *bad)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*bad = 1;
	return d;
}

int dw_array_grow(void **items, size_t *alloc, size_t count, size_t size, size_t first)
{
	size_t n;
	void *p;

	if (count < *alloc)
		return 0;
	n = *alloc ? *alloc * 2 : first;
	if (n < *alloc || n > (size_t)-1 / size)
		return DW_NOMEM;
	p = realloc(*items, n * size);
	if (!p)
		return DW_NOMEM;
	*items = p;
	*alloc = n;
	return 0;
}
