/*
 * canon: the canonical text of a JSON value, so that two contracts that differ only in key
 * order, whitespace, escapes or number spelling (1 vs 1.0 vs 1e0) get the same fingerprint.
 * The rules follow RFC 8785 (JCS) in spirit: keys sorted by code point (UTF-8 byte order is
 * code point order), no whitespace, only '"', '\\' and control characters escaped.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validators/contract.h"
#include "validators/error.h"

struct buf {
	char *s;
	size_t len, alloc;
	int oom;
	int too_deep;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->alloc) {
		size_t a = b->alloc ? b->alloc : 256;
		char *p;
		while (a < b->len + n + 1)
			a *= 2;
		p = realloc(b->s, a);
		if (!p) {
			b->oom = 1;
			return;
		}
		b->s = p;
		b->alloc = a;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void put_string(struct buf *b, const char *s, size_t n)
{
	size_t start = 0;

	buf_add(b, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_add(b, s + start, i - start);
		start = i + 1;
		switch (c) {
		case '"':
			buf_str(b, "\\\"");
			break;
		case '\\':
			buf_str(b, "\\\\");
			break;
		case '\b':
			buf_str(b, "\\b");
			break;
		case '\f':
			buf_str(b, "\\f");
			break;
		case '\n':
			buf_str(b, "\\n");
			break;
		case '\r':
			buf_str(b, "\\r");
			break;
		case '\t':
			buf_str(b, "\\t");
			break;
		default:
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			buf_str(b, esc);
		}
	}
	buf_add(b, s + start, n - start);
	buf_add(b, "\"", 1);
}

/*
 * Reals: an integral value below 1e21 is written with all its digits and no fraction (so 1.0,
 * 1e0 and 1 agree with an integer 1; %.0f of an integral double is exact); anything else with
 * the fewest significant digits (1..17) that read back to the same double.
 */
static void put_real(struct buf *b, double d)
{
	char tmp[64];

	if (!isfinite(d)) {
		buf_str(b, "null");
		return;
	}
	if (d == 0) {
		buf_str(b, "0"); /* -0 too */
		return;
	}
	if (d == floor(d) && fabs(d) < 1e21) {
		snprintf(tmp, sizeof(tmp), "%.0f", d);
		buf_str(b, tmp);
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	buf_str(b, tmp);
}

struct member {
	const char *key;
	size_t len;
	json_t *value;
};

static int member_cmp(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->key, y->key, n);

	if (c)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

static void put_value(struct buf *b, const json_t *v, int depth);

static void put_object(struct buf *b, const json_t *v, int depth)
{
	size_t n = json_object_size(v), i = 0;
	struct member *m;
	const char *key;
	json_t *value;

	if (!n) {
		buf_str(b, "{}");
		return;
	}
	m = malloc(n * sizeof(*m));
	if (!m) {
		b->oom = 1;
		return;
	}
	json_object_foreach((json_t *)v, key, value)
	{
		m[i].key = key;
		m[i].len = json_object_iter_key_len(json_object_key_to_iter(key));
		m[i].value = value;
		i++;
	}
	qsort(m, n, sizeof(*m), member_cmp);
	buf_add(b, "{", 1);
	for (i = 0; i < n && !b->oom && !b->too_deep; i++) {
		if (i)
			buf_add(b, ",", 1);
		put_string(b, m[i].key, m[i].len);
		buf_add(b, ":", 1);
		put_value(b, m[i].value, depth + 1);
	}
	buf_add(b, "}", 1);
	free(m);
}

static void put_value(struct buf *b, const json_t *v, int depth)
{
	char tmp[32];

	if (depth > CANON_MAX_DEPTH) {
		b->too_deep = 1;
		return;
	}
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		put_object(b, v, depth);
		break;
	case JSON_ARRAY:
		buf_add(b, "[", 1);
		for (size_t i = 0; i < json_array_size(v) && !b->oom && !b->too_deep; i++) {
			if (i)
				buf_add(b, ",", 1);
			put_value(b, json_array_get(v, i), depth + 1);
		}
		buf_add(b, "]", 1);
		break;
	case JSON_STRING:
		put_string(b, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		snprintf(tmp, sizeof(tmp), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		buf_str(b, tmp);
		break;
	case JSON_REAL:
		put_real(b, json_real_value(v));
		break;
	case JSON_TRUE:
		buf_str(b, "true");
		break;
	case JSON_FALSE:
		buf_str(b, "false");
		break;
	case JSON_NULL:
		buf_str(b, "null");
		break;
	}
}

static int canon_build(const json_t *v, char **out)
{
	struct buf b = {0};

	*out = NULL;
	put_value(&b, v, 1);
	if (b.oom || b.too_deep || !b.s) {
		free(b.s);
		return b.too_deep ? DW_INVALID : DW_NOMEM;
	}
	*out = b.s;
	return 0;
}

char *canon_json(const json_t *v)
{
	char *s;

	if (!v)
		return NULL;
	canon_build(v, &s);
	return s;
}

int canon_fingerprint(const json_t *v, char out[72])
{
	char *s, hex[65];
	int rc;

	if (!v)
		return DW_INVALID;
	rc = canon_build(v, &s);
	if (rc)
		return rc;
	dw_sha256_hex(s, strlen(s), hex);
	free(s);
	snprintf(out, 72, "sha256:%s", hex);
	return 0;
}
