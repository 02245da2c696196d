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
#include "validators/strbuf.h"

/* The text being built; too_deep stops the walk at CANON_MAX_DEPTH levels. */
struct buf {
	struct strbuf sb;
	int too_deep;
};

static void put_string(struct buf *b, const char *s, size_t n)
{
	size_t start = 0;

	strbuf_add(&b->sb, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		strbuf_add(&b->sb, s + start, i - start);
		start = i + 1;
		switch (c) {
		case '"':
			strbuf_addstr(&b->sb, "\\\"");
			break;
		case '\\':
			strbuf_addstr(&b->sb, "\\\\");
			break;
		case '\b':
			strbuf_addstr(&b->sb, "\\b");
			break;
		case '\f':
			strbuf_addstr(&b->sb, "\\f");
			break;
		case '\n':
			strbuf_addstr(&b->sb, "\\n");
			break;
		case '\r':
			strbuf_addstr(&b->sb, "\\r");
			break;
		case '\t':
			strbuf_addstr(&b->sb, "\\t");
			break;
		default:
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			strbuf_addstr(&b->sb, esc);
		}
	}
	strbuf_add(&b->sb, s + start, n - start);
	strbuf_add(&b->sb, "\"", 1);
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
		strbuf_addstr(&b->sb, "null");
		return;
	}
	if (d == 0) {
		strbuf_addstr(&b->sb, "0"); /* -0 too */
		return;
	}
	if (d == floor(d) && fabs(d) < 1e21) {
		snprintf(tmp, sizeof(tmp), "%.0f", d);
		strbuf_addstr(&b->sb, tmp);
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	strbuf_addstr(&b->sb, tmp);
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
		strbuf_addstr(&b->sb, "{}");
		return;
	}
	m = malloc(n * sizeof(*m));
	if (!m) {
		b->sb.oom = 1;
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
	strbuf_add(&b->sb, "{", 1);
	for (i = 0; i < n && !b->sb.oom && !b->too_deep; i++) {
		if (i)
			strbuf_add(&b->sb, ",", 1);
		put_string(b, m[i].key, m[i].len);
		strbuf_add(&b->sb, ":", 1);
		put_value(b, m[i].value, depth + 1);
	}
	strbuf_add(&b->sb, "}", 1);
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
		strbuf_add(&b->sb, "[", 1);
		for (size_t i = 0; i < json_array_size(v) && !b->sb.oom && !b->too_deep; i++) {
			if (i)
				strbuf_add(&b->sb, ",", 1);
			put_value(b, json_array_get(v, i), depth + 1);
		}
		strbuf_add(&b->sb, "]", 1);
		break;
	case JSON_STRING:
		put_string(b, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		snprintf(tmp, sizeof(tmp), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		strbuf_addstr(&b->sb, tmp);
		break;
	case JSON_REAL:
		put_real(b, json_real_value(v));
		break;
	case JSON_TRUE:
		strbuf_addstr(&b->sb, "true");
		break;
	case JSON_FALSE:
		strbuf_addstr(&b->sb, "false");
		break;
	case JSON_NULL:
		strbuf_addstr(&b->sb, "null");
		break;
	}
}

static int canon_build(const json_t *v, char **out)
{
	struct buf b = {0};

	*out = NULL;
	put_value(&b, v, 1);
	if (b.sb.oom || b.too_deep || !b.sb.buf) {
		strbuf_release(&b.sb);
		return b.too_deep ? DW_INVALID : DW_NOMEM;
	}
	*out = strbuf_detach(&b.sb, NULL);
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
