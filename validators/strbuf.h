/*
 * strbuf: a growable NUL-terminated string for the library, in the manner of git's strbuf,
 * and the few allocation helpers that go with it (formatted copies, growable arrays).
 *
 * Invariants: after any call, buf is NULL (nothing added yet) or a malloc'd block of alloc
 * bytes holding len bytes of text followed by '\0'; strbuf_str() gives "" for the former.
 * The library never aborts: when an allocation fails the buffer sets oom, keeps what it held
 * and ignores every later append, so a caller appends freely and checks oom once at the end
 * (as with dw_findings). Text may hold NUL bytes when added with strbuf_add.
 *
 * Ownership: the strbuf owns buf until strbuf_detach() hands it to the caller, who frees it;
 * strbuf_release() frees it otherwise. Programs that abort on OOM wrap these (cli/cli.h).
 */
#ifndef DW_STRBUF_H
#define DW_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len, alloc;
	int oom; /* an allocation failed: the content is incomplete */
};

#define STRBUF_INIT {NULL, 0, 0, 0}

void strbuf_init(struct strbuf *sb);
/* Frees the text; the strbuf is empty again (oom cleared) and may be reused. */
void strbuf_release(struct strbuf *sb);
/* Hands the text to the caller (malloc'd, never NULL unless out of memory: then NULL and the
 * text is freed) with its length in *len when len is not NULL; the strbuf is empty again. */
char *strbuf_detach(struct strbuf *sb, size_t *len);
/* Makes room for extra more bytes; 0, or DW_NOMEM (and oom set). */
int strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t n);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Truncates to len bytes (len <= sb->len), e.g. to pop what was pushed since len was read. */
void strbuf_setlen(struct strbuf *sb, size_t len);
/* The text so far ("" when nothing was added); valid until the next append. */
const char *strbuf_str(const struct strbuf *sb);

/* The formatted text as a new malloc'd string the caller frees; NULL when out of memory. */
char *dw_strfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *dw_vstrfmt(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* A copy of s (malloc'd, the caller frees), or NULL when s is NULL; *bad set to 1 when the
 * copy fails, so that several copies can be checked at once. */
char *dw_strdup_opt(const char *s, int *bad);

/*
 * Growable arrays, as git's ALLOC_GROW: makes room in *items (an array of size-byte elements,
 * *alloc of them allocated, count in use) for one more element, doubling from first. 0, or
 * DW_NOMEM with *items and *alloc unchanged.
 */
int dw_array_grow(void **items, size_t *alloc, size_t count, size_t size, size_t first);

#endif
