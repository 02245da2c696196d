/*
 * jsonschema: validation of a jansson value against a JSON Schema, and the well-formedness
 * check of a schema. See jsonschema.h for the keywords covered.
 *
 * State lives in a struct vctx made per call: the instance pointer being built (one growable
 * buffer, pushed and popped as the walk descends), the regexes compiled so far, and a depth
 * counter that bounds recursion (a "$ref": "#" loop stops at JS_MAX_DEPTH with a finding).
 * Process-wide state is limited to the UTF-8 locale used for regexes (created once under
 * pthread_once) and the table of compiled patterns (under a mutex, see rx_shared).
 */
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validators/error.h"
#include "validators/jsonschema.h"
#include "validators/strbuf.h"
#include "validators/utf8.h"

#define JS_MAX_DEPTH 256
/* Annotation beside "pattern" naming what the pattern accepts, for messages: with
 * "x-pattern-name": "a slug (...)", a mismatch reads "string 'A_B' is not a slug (...)". */
#define PATTERN_NAME "x-pattern-name"

/* ---- instance pointers (struct strbuf pushed and popped as the walk descends) ---- */

/* Appends "/" + the RFC 6901 escaped token; returns the length to pop back to. */
static size_t ptr_push_token(struct strbuf *b, const char *tok, size_t n)
{
	size_t old = b->len;

	strbuf_addch(b, '/');
	for (size_t i = 0; i < n; i++) {
		if (tok[i] == '~')
			strbuf_add(b, "~0", 2);
		else if (tok[i] == '/')
			strbuf_add(b, "~1", 2);
		else
			strbuf_addch(b, tok[i]);
	}
	return old;
}

static size_t ptr_push_index(struct strbuf *b, size_t i)
{
	char tok[32];
	int n = snprintf(tok, sizeof(tok), "%zu", i);

	return ptr_push_token(b, tok, (size_t)n);
}

/* ---- ECMA-262 patterns as POSIX extended regexes ---- */

static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;
static locale_t utf8_locale;

static void utf8_locale_init(void)
{
	utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	if (!utf8_locale)
		utf8_locale = newlocale(LC_CTYPE_MASK, "C.utf8", (locale_t)0);
}

/* Switches this thread to a UTF-8 ctype locale so '.' and brackets see code points; returns
 * what to restore (0 when no UTF-8 locale exists and regexes work on bytes). */
static locale_t utf8_enter(void)
{
	pthread_once(&utf8_once, utf8_locale_init);
	return utf8_locale ? uselocale(utf8_locale) : (locale_t)0;
}

static void utf8_leave(locale_t old)
{
	if (old)
		uselocale(old);
}

static void add_utf8(struct strbuf *b, unsigned long cp)
{
	char u[4];

	strbuf_add(b, u, utf8_encode(u, cp));
}

/* Reads one code point of src at *i (UTF-8 decoded, escapes handled by the caller). */
static unsigned long read_cp(const char *src, size_t n, size_t *i)
{
	unsigned char c = (unsigned char)src[*i];
	unsigned long cp;
	int more;

	if (c < 0x80) {
		(*i)++;
		return c;
	}
	more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
	cp = c & (0x3F >> more);
	(*i)++;
	while (more-- > 0 && *i < n) {
		cp = (cp << 6) | ((unsigned char)src[*i] & 0x3F);
		(*i)++;
	}
	return cp;
}

/* Parses \xHH, \uHHHH and \u{H...}; *i is on the letter. Returns the code point or -1. */
static long read_hex_escape(const char *src, size_t n, size_t *i)
{
	char kind = src[*i];
	size_t digits = kind == 'x' ? 2 : 4, k = *i + 1;
	long cp = 0;

	if (kind == 'u' && k < n && src[k] == '{') {
		k++;
		for (digits = 0; k < n && src[k] != '}' && digits < 6; k++, digits++) {
			if (hex_digit(src[k]) < 0)
				return -1;
			cp = cp * 16 + hex_digit(src[k]);
		}
		if (k >= n || src[k] != '}' || !digits || cp > 0x10FFFF)
			return -1;
		*i = k + 1;
		return cp;
	}
	for (size_t d = 0; d < digits; d++, k++) {
		if (k >= n || hex_digit(src[k]) < 0)
			return -1;
		cp = cp * 16 + hex_digit(src[k]);
	}
	*i = k;
	return cp;
}

static const char ere_special[] = ".[]()*+?{}|^$\\";

/* One escape (src[*i] is the character after the backslash) that stands for a single code
 * point; returns it, or -1 when the escape is a class or unsupported. */
static long escape_char(const char *src, size_t n, size_t *i, int in_bracket)
{
	char e = src[*i];

	switch (e) {
	case 'n':
		(*i)++;
		return '\n';
	case 't':
		(*i)++;
		return '\t';
	case 'r':
		(*i)++;
		return '\r';
	case 'f':
		(*i)++;
		return '\f';
	case 'v':
		(*i)++;
		return '\v';
	case 'b':
		if (!in_bracket)
			return -1;
		(*i)++;
		return '\b';
	case 'x':
	case 'u':
		return read_hex_escape(src, n, i);
	default:
		break;
	}
	if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9'))
		return -1;
	return (long)read_cp(src, n, i);
}

static void add_literal(struct strbuf *b, unsigned long cp)
{
	if (cp < 0x80 && cp && strchr(ere_special, (int)cp))
		strbuf_addch(b, '\\');
	add_utf8(b, cp);
}

/* Translates the bracket expression starting after '[' at *i. */
static int translate_bracket(const char *src, size_t n, size_t *i, struct strbuf *out,
                             const char **why)
{
	struct strbuf body = {0};
	int neg = 0, has_rb = 0, has_dash = 0, has_caret = 0, has_lb = 0, rc = 0;

	if (*i < n && src[*i] == '^') {
		neg = 1;
		(*i)++;
	}
	if (*i < n && src[*i] == ']') {
		*why = "empty character class";
		return -1;
	}
	while (*i < n && src[*i] != ']') {
		long lo, hi;
		const char *cls = NULL;

		if (src[*i] == '\\') {
			if (++*i >= n)
				break;
			switch (src[*i]) {
			case 'd':
				cls = "0-9";
				break;
			case 'w':
				cls = "A-Za-z0-9_";
				break;
			case 's':
				cls = "[:space:]";
				break;
			case 'D':
			case 'W':
			case 'S':
				*why = "negated class escape inside brackets";
				rc = -1;
				goto out;
			default:
				break;
			}
			if (cls) {
				(*i)++;
				strbuf_addstr(&body, cls);
				continue;
			}
			lo = escape_char(src, n, i, 1);
			if (lo < 0) {
				*why = "unsupported escape inside brackets";
				rc = -1;
				goto out;
			}
		} else {
			lo = (long)read_cp(src, n, i);
		}
		hi = lo;
		if (*i + 1 < n && src[*i] == '-' && src[*i + 1] != ']') {
			(*i)++;
			if (src[*i] == '\\') {
				if (++*i >= n)
					break;
				hi = escape_char(src, n, i, 1);
			} else {
				hi = (long)read_cp(src, n, i);
			}
			if (hi < 0) {
				*why = "unsupported escape inside brackets";
				rc = -1;
				goto out;
			}
			if (hi < lo) {
				*why = "character range out of order";
				rc = -1;
				goto out;
			}
		}
		if (lo == hi && lo == ']')
			has_rb = 1;
		else if (lo == hi && lo == '-')
			has_dash = 1;
		else if (lo == hi && lo == '^')
			has_caret = 1;
		else if (lo == hi && lo == '[')
			has_lb = 1;
		else {
			add_utf8(&body, (unsigned long)lo);
			if (hi != lo) {
				strbuf_addch(&body, '-');
				add_utf8(&body, (unsigned long)hi);
			}
		}
	}
	if (*i >= n) {
		*why = "unterminated character class";
		rc = -1;
		goto out;
	}
	(*i)++; /* ']' */
	if (!neg && !has_rb && !body.len && !has_lb && has_caret && !has_dash) {
		strbuf_addstr(out, "\\^");
		goto out;
	}
	strbuf_addch(out, '[');
	if (neg)
		strbuf_addch(out, '^');
	if (has_rb)
		strbuf_addch(out, ']');
	else if (!neg && !body.len && !has_lb && has_caret)
		has_caret = 2; /* would come first: put the dash before it */
	if (has_caret == 2) {
		strbuf_addstr(out, "-^");
		has_dash = 0;
		has_caret = 0;
	}
	if (body.len)
		strbuf_add(out, body.buf, body.len);
	if (has_lb)
		strbuf_addch(out, '[');
	if (has_caret)
		strbuf_addch(out, '^');
	if (has_dash)
		strbuf_addch(out, '-');
	strbuf_addch(out, ']');
out:
	if (body.oom)
		out->oom = 1;
	free(body.buf);
	return rc;
}

/* {n}, {n,}, {n,m} at src[i] == '{'; returns its length or 0 when it is a literal brace. */
static size_t quantifier_len(const char *src, size_t n, size_t i)
{
	size_t k = i + 1, digits = 0;

	while (k < n && src[k] >= '0' && src[k] <= '9')
		k++, digits++;
	if (!digits)
		return 0;
	if (k < n && src[k] == ',') {
		k++;
		while (k < n && src[k] >= '0' && src[k] <= '9')
			k++;
	}
	if (k < n && src[k] == '}')
		return k - i + 1;
	return 0;
}

/*
 * ECMA-262 pattern -> POSIX ERE. Classes \d \w \s and negations become bracket expressions,
 * escapes of single characters become literals, (?: becomes (, lazy quantifiers become greedy
 * (the same strings match when only a yes/no answer is needed). Lookaround, named groups and
 * \p{...} are refused with *why set.
 */
static int regex_translate(const char *src, size_t n, struct strbuf *out, const char **why)
{
	size_t i = 0;
	int after_quant = 0;

	while (i < n) {
		char c = src[i];

		if (c == '\\') {
			long cp;

			if (++i >= n) {
				*why = "trailing backslash";
				return -1;
			}
			after_quant = 0;
			switch (src[i]) {
			case 'd':
				strbuf_addstr(out, "[0-9]");
				i++;
				continue;
			case 'D':
				strbuf_addstr(out, "[^0-9]");
				i++;
				continue;
			case 'w':
				strbuf_addstr(out, "[A-Za-z0-9_]");
				i++;
				continue;
			case 'W':
				strbuf_addstr(out, "[^A-Za-z0-9_]");
				i++;
				continue;
			case 's':
				strbuf_addstr(out, "[[:space:]]");
				i++;
				continue;
			case 'S':
				strbuf_addstr(out, "[^[:space:]]");
				i++;
				continue;
			case 'b':
			case 'B':
				strbuf_addch(out, '\\');
				strbuf_addch(out, src[i++]);
				continue;
			default:
				break;
			}
			if (src[i] >= '1' && src[i] <= '9') {
				strbuf_addch(out, '\\');
				strbuf_addch(out, src[i++]);
				continue;
			}
			cp = escape_char(src, n, &i, 0);
			if (cp <= 0) {
				*why = "unsupported escape";
				return -1;
			}
			add_literal(out, (unsigned long)cp);
			continue;
		}
		if (c == '[') {
			i++;
			after_quant = 0;
			if (translate_bracket(src, n, &i, out, why))
				return -1;
			continue;
		}
		if (c == '(') {
			after_quant = 0;
			if (i + 1 < n && src[i + 1] == '?') {
				if (i + 2 < n && src[i + 2] == ':') {
					strbuf_addch(out, '(');
					i += 3;
					continue;
				}
				*why = "lookaround and named groups are not supported";
				return -1;
			}
			strbuf_addch(out, '(');
			i++;
			continue;
		}
		if (c == '*' || c == '+' || c == '?') {
			if (c == '?' && after_quant) {
				after_quant = 0; /* lazy: same match set */
				i++;
				continue;
			}
			strbuf_addch(out, c);
			after_quant = 1;
			i++;
			continue;
		}
		if (c == '{') {
			size_t q = quantifier_len(src, n, i);
			if (q) {
				strbuf_add(out, src + i, q);
				i += q;
				after_quant = 1;
				continue;
			}
			strbuf_addstr(out, "\\{");
			i++;
			after_quant = 0;
			continue;
		}
		if (c == '}') {
			strbuf_addstr(out, "\\}");
			i++;
			after_quant = 0;
			continue;
		}
		after_quant = 0;
		if ((unsigned char)c >= 0x80) {
			add_utf8(out, read_cp(src, n, &i));
			continue;
		}
		strbuf_addch(out, c);
		i++;
	}
	return 0;
}

/* Compiles pattern into re. Returns 0, -1 with *why set, or DW_NOMEM. The caller holds the
 * UTF-8 locale (utf8_enter). */
static int regex_compile(const char *pattern, size_t n, regex_t *re, const char **why)
{
	struct strbuf t = {0};
	int rc;

	if (memchr(pattern, '\0', n)) {
		*why = "NUL character in pattern";
		return -1;
	}
	rc = regex_translate(pattern, n, &t, why);
	if (!rc && t.oom)
		rc = DW_NOMEM;
	if (!rc && regcomp(re, t.buf ? t.buf : "", REG_EXTENDED | REG_NOSUB)) {
		*why = "invalid regular expression";
		rc = -1;
	}
	free(t.buf);
	return rc;
}

/* ---- per-call state ---- */

/*
 * Compiled patterns are shared process-wide: a table of at most RX_SHARED_MAX entries keyed by
 * the pattern's text, filled on first use and kept until exit, under rx_lock. glibc's regexec
 * takes the regex's own lock, so threads may match with one regex_t at once. Patterns beyond
 * the table's capacity are compiled per call and freed with it.
 */
#define RX_SHARED_MAX 256

static pthread_mutex_t rx_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	char *text;
	size_t len;
	regex_t *re;
} rx_shared[RX_SHARED_MAX];
static size_t rx_nshared;

/* The shared regex for text, or NULL. */
static regex_t *rx_shared_find(const char *text, size_t len)
{
	regex_t *re = NULL;

	pthread_mutex_lock(&rx_lock);
	for (size_t i = 0; i < rx_nshared && !re; i++)
		if (rx_shared[i].len == len && !memcmp(rx_shared[i].text, text, len))
			re = rx_shared[i].re;
	pthread_mutex_unlock(&rx_lock);
	return re;
}

/* Offers re to the shared table. Returns the regex to use: re (now shared), another thread's
 * copy (re is freed), or NULL when the table is full (re stays the caller's). */
static regex_t *rx_shared_add(const char *text, size_t len, regex_t *re)
{
	regex_t *got = NULL;
	char *copy;

	pthread_mutex_lock(&rx_lock);
	for (size_t i = 0; i < rx_nshared && !got; i++)
		if (rx_shared[i].len == len && !memcmp(rx_shared[i].text, text, len))
			got = rx_shared[i].re;
	if (!got && rx_nshared < RX_SHARED_MAX && (copy = malloc(len + 1))) {
		memcpy(copy, text, len);
		copy[len] = '\0';
		rx_shared[rx_nshared].text = copy;
		rx_shared[rx_nshared].len = len;
		rx_shared[rx_nshared].re = re;
		rx_nshared++;
		got = re;
	}
	pthread_mutex_unlock(&rx_lock);
	if (got && got != re) {
		regfree(re);
		free(re);
	}
	return got;
}

struct rx {
	const char *src; /* borrowed from the schema; its address is the per-call key */
	regex_t *re;     /* NULL when the pattern does not compile */
	int owned;       /* re is this call's (not shared) */
};

struct vctx {
	const json_t *root;
	int modern; /* 2019-09 and later: $ref applies beside its sibling keywords */
	struct strbuf ptr;
	struct rx *rx;
	size_t nrx, arx;
	int depth, too_deep, nomem;
};

static regex_t *regex_get(const char *src, size_t n, int *owned, int *nomem)
{
	const char *why = NULL;
	regex_t *re = rx_shared_find(src, n), *shared;
	int rc;

	*owned = 0;
	if (re)
		return re;
	re = malloc(sizeof(*re));
	if (!re) {
		*nomem = 1;
		return NULL;
	}
	rc = regex_compile(src, n, re, &why);
	if (rc) {
		if (rc == DW_NOMEM)
			*nomem = 1;
		free(re);
		return NULL;
	}
	shared = rx_shared_add(src, n, re);
	if (shared)
		return shared;
	*owned = 1;
	return re;
}

/* The compiled regex for the pattern src[0..n) (a string of the schema), or NULL when it does
 * not compile. */
static regex_t *vctx_regex(struct vctx *c, const char *src, size_t n)
{
	struct rx *x;

	for (size_t i = 0; i < c->nrx; i++)
		if (c->rx[i].src == src)
			return c->rx[i].re;
	if (c->nrx == c->arx) {
		size_t na = c->arx ? c->arx * 2 : 8;
		struct rx *p = realloc(c->rx, na * sizeof(*p));
		if (!p) {
			c->nomem = 1;
			return NULL;
		}
		c->rx = p;
		c->arx = na;
	}
	x = &c->rx[c->nrx];
	x->src = src;
	x->re = regex_get(src, n, &x->owned, &c->nomem);
	if (c->nomem)
		return NULL;
	c->nrx++;
	return x->re;
}

static void vctx_release(struct vctx *c)
{
	for (size_t i = 0; i < c->nrx; i++) {
		if (c->rx[i].owned) {
			regfree(c->rx[i].re);
			free(c->rx[i].re);
		}
	}
	free(c->rx);
	free(c->ptr.buf);
}

static int fail(struct vctx *c, struct dw_findings *out, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Adds a finding at the current instance pointer (when reporting) and returns 0 (invalid). */
static int fail(struct vctx *c, struct dw_findings *out, const char *fmt, ...)
{
	va_list ap;

	if (!out)
		return 0;
	va_start(ap, fmt);
	dw_findings_vadd(out, DW_SEV_ERROR, NULL, strbuf_str(&c->ptr), fmt, ap);
	va_end(ap);
	return 0;
}

/* ---- values in messages ---- */

struct msgbuf {
	char s[320];
};

static void str_clip(const char *s, size_t n, size_t max, struct strbuf *b)
{
	size_t i = 0;

	while (i < n && i < max) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 0x20 || ch == 0x7F)
			strbuf_addch(b, '?');
		else
			strbuf_addch(b, (char)ch);
		i++;
	}
	while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80) /* finish the code point */
		strbuf_addch(b, s[i++]);
	if (i < n)
		strbuf_addstr(b, "...");
}

static void num_text(const json_t *v, char *buf, size_t size)
{
	if (json_is_integer(v)) {
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return;
	}
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, json_real_value(v));
		if (strtod(buf, NULL) == json_real_value(v))
			return;
	}
}

/* A value as messages show it: 'text' for strings, JSON for the rest, clipped. */
static void value_text(const json_t *v, int quote, struct msgbuf *m)
{
	struct strbuf b = {0};
	char *dump;

	if (json_is_string(v)) {
		if (quote)
			strbuf_addch(&b, '\'');
		str_clip(json_string_value(v), json_string_length(v), 80, &b);
		if (quote)
			strbuf_addch(&b, '\'');
	} else if (json_is_number(v)) {
		char num[64];
		num_text(v, num, sizeof(num));
		strbuf_addstr(&b, num);
	} else {
		dump = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		if (dump) {
			str_clip(dump, strlen(dump), 80, &b);
			free(dump);
		}
	}
	snprintf(m->s, sizeof(m->s), "%s", b.buf && !b.oom ? b.buf : "value");
	free(b.buf);
}

/* ---- JSON semantics the keywords rely on ---- */

static int is_integral(const json_t *v)
{
	double d;

	if (json_is_integer(v))
		return 1;
	if (!json_is_real(v))
		return 0;
	d = json_real_value(v);
	return isfinite(d) && d >= -9.2e18 && d <= 9.2e18 && d == (double)(long long)d;
}

static int type_matches(const json_t *v, const char *t)
{
	if (!strcmp(t, "integer"))
		return is_integral(v);
	if (!strcmp(t, "number"))
		return json_is_number(v);
	if (!strcmp(t, "string"))
		return json_is_string(v);
	if (!strcmp(t, "object"))
		return json_is_object(v);
	if (!strcmp(t, "array"))
		return json_is_array(v);
	if (!strcmp(t, "boolean"))
		return json_is_boolean(v);
	if (!strcmp(t, "null"))
		return json_is_null(v);
	return 0;
}

/* -1, 0, 1: numbers compare by value whether stored as integer or real. */
static int num_cmp(const json_t *a, const json_t *b)
{
	double x, y;

	if (json_is_integer(a) && json_is_integer(b)) {
		json_int_t p = json_integer_value(a), q = json_integer_value(b);
		return p < q ? -1 : p > q;
	}
	x = json_number_value(a);
	y = json_number_value(b);
	return x < y ? -1 : x > y;
}

/* Equality as JSON Schema defines it (enum, const, uniqueItems): 1 equals 1.0. */
static int js_equal(const json_t *a, const json_t *b)
{
	if (json_is_number(a) && json_is_number(b))
		return num_cmp(a, b) == 0;
	if (json_typeof(a) != json_typeof(b))
		return 0;
	switch (json_typeof(a)) {
	case JSON_STRING:
		return json_string_length(a) == json_string_length(b) &&
		       !memcmp(json_string_value(a), json_string_value(b), json_string_length(a));
	case JSON_ARRAY:
		if (json_array_size(a) != json_array_size(b))
			return 0;
		for (size_t i = 0; i < json_array_size(a); i++)
			if (!js_equal(json_array_get(a, i), json_array_get(b, i)))
				return 0;
		return 1;
	case JSON_OBJECT: {
		const char *k;
		json_t *va;
		if (json_object_size(a) != json_object_size(b))
			return 0;
		json_object_foreach((json_t *)a, k, va)
		{
			json_t *vb = json_object_get(b, k);
			if (!vb || !js_equal(va, vb))
				return 0;
		}
		return 1;
	}
	default:
		return 1;
	}
}

/* Code points of a UTF-8 string (jansson guarantees valid UTF-8). */
static size_t utf8_len(const char *s, size_t n)
{
	size_t cps = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			cps++;
	return cps;
}

/* "#", "#/a/b" with percent-decoding (RFC 3986 fragment) then RFC 6901. NULL when the
 * reference is not local or does not resolve. */
static const json_t *ref_resolve(const json_t *root, const char *ref, int *nomem)
{
	char *dec;
	size_t j = 0;
	const json_t *r;

	if (ref[0] != '#')
		return NULL;
	ref++;
	if (!*ref)
		return root;
	if (*ref != '/')
		return NULL;
	dec = dw_fragment_decode(ref, &j);
	if (!dec) {
		*nomem = 1;
		return NULL;
	}
	r = memchr(dec, '\0', j) ? NULL : dw_pointer_get(root, dec);
	free(dec);
	return r;
}

static int schema_is_modern(const json_t *root)
{
	const char *s = json_string_value(json_object_get(root, "$schema"));

	return s && (strstr(s, "2019-09") || strstr(s, "2020-12"));
}

/* ---- validation ---- */

static int validate(struct vctx *c, const json_t *s, const json_t *in, struct dw_findings *out);

/* Validates the child at token/index with the pointer extended, then restores it. */
static int validate_key(struct vctx *c, const json_t *s, const json_t *in, const char *key,
                        struct dw_findings *out)
{
	size_t old = ptr_push_token(&c->ptr, key, strlen(key));
	int ok = validate(c, s, in, out);

	strbuf_setlen(&c->ptr, old);
	return ok;
}

static int validate_index(struct vctx *c, const json_t *s, const json_t *in, size_t i,
                          struct dw_findings *out)
{
	size_t old = ptr_push_index(&c->ptr, i);
	int ok = validate(c, s, in, out);

	strbuf_setlen(&c->ptr, old);
	return ok;
}

static int fail_key(struct vctx *c, struct dw_findings *out, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A finding at the current pointer extended with key. */
static int fail_key(struct vctx *c, struct dw_findings *out, const char *key, const char *fmt, ...)
{
	size_t old;
	va_list ap;

	if (!out)
		return 0;
	old = ptr_push_token(&c->ptr, key, strlen(key));
	va_start(ap, fmt);
	dw_findings_vadd(out, DW_SEV_ERROR, NULL, strbuf_str(&c->ptr), fmt, ap);
	va_end(ap);
	strbuf_setlen(&c->ptr, old);
	return 0;
}

static int kw_type(struct vctx *c, const json_t *t, const json_t *in, struct dw_findings *out)
{
	struct strbuf want = {0};
	size_t i;
	json_t *x;
	int ok;

	if (json_is_string(t)) {
		if (type_matches(in, json_string_value(t)))
			return 1;
		return fail(c, out, "expected %s, got %s", json_string_value(t),
		            dw_json_type_name(in));
	}
	if (!json_is_array(t))
		return 1;
	json_array_foreach(t, i, x)
	{
		if (json_is_string(x) && type_matches(in, json_string_value(x)))
			return 1;
	}
	if (!out)
		return 0;
	json_array_foreach(t, i, x)
	{
		if (!json_is_string(x))
			continue;
		if (want.len)
			strbuf_addstr(&want, i + 1 == json_array_size(t) ? " or " : ", ");
		strbuf_addstr(&want, json_string_value(x));
	}
	ok = fail(c, out, "expected %s, got %s", want.buf && !want.oom ? want.buf : "another type",
	          dw_json_type_name(in));
	free(want.buf);
	return ok;
}

static int kw_enum(struct vctx *c, const json_t *e, const json_t *in, struct dw_findings *out)
{
	struct strbuf list = {0};
	struct msgbuf m, v;
	size_t i;
	json_t *x;

	if (!json_is_array(e))
		return 1;
	json_array_foreach(e, i, x)
	{
		if (js_equal(x, in))
			return 1;
	}
	if (!out)
		return 0;
	json_array_foreach(e, i, x)
	{
		if (list.len > 400) {
			strbuf_addstr(&list, ", ...");
			break;
		}
		if (i)
			strbuf_addstr(&list, ", ");
		value_text(x, 0, &m);
		strbuf_addstr(&list, m.s);
	}
	value_text(in, 1, &v);
	fail(c, out, "value %s is not one of %s", v.s, list.buf && !list.oom ? list.buf : "");
	free(list.buf);
	return 0;
}

static int kw_number(struct vctx *c, const json_t *s, const json_t *in, struct dw_findings *out)
{
	const json_t *min = json_object_get(s, "minimum"), *max = json_object_get(s, "maximum");
	const json_t *xmin = json_object_get(s, "exclusiveMinimum");
	const json_t *xmax = json_object_get(s, "exclusiveMaximum");
	const json_t *mul = json_object_get(s, "multipleOf");
	char vn[64], bn[64];
	int ok = 1;

	num_text(in, vn, sizeof(vn));
	if (json_is_number(min)) {
		num_text(min, bn, sizeof(bn));
		if (json_is_true(xmin) ? num_cmp(in, min) <= 0 : num_cmp(in, min) < 0)
			ok = fail(c, out, "value %s is %s %s", vn,
			          json_is_true(xmin) ? "not greater than" : "less than the minimum",
			          bn);
	}
	if (json_is_number(max)) {
		num_text(max, bn, sizeof(bn));
		if (json_is_true(xmax) ? num_cmp(in, max) >= 0 : num_cmp(in, max) > 0)
			ok = fail(c, out, "value %s is %s %s", vn,
			          json_is_true(xmax) ? "not less than" : "greater than the maximum",
			          bn);
	}
	if (json_is_number(xmin) && num_cmp(in, xmin) <= 0) {
		num_text(xmin, bn, sizeof(bn));
		ok = fail(c, out, "value %s must be greater than %s", vn, bn);
	}
	if (json_is_number(xmax) && num_cmp(in, xmax) >= 0) {
		num_text(xmax, bn, sizeof(bn));
		ok = fail(c, out, "value %s must be less than %s", vn, bn);
	}
	if (json_is_number(mul) && json_number_value(mul) > 0) {
		int multiple;
		if (json_is_integer(mul) && json_is_integer(in)) {
			multiple = json_integer_value(in) % json_integer_value(mul) == 0;
		} else {
			double q = json_number_value(in) / json_number_value(mul), d;
			if (!isfinite(q))
				multiple = 0;
			else if (q > 9.0e15 || q < -9.0e15)
				multiple = 1; /* beyond 2^53 every double is an integer */
			else {
				d = q - (double)(long long)q;
				if (d > 0.5)
					d -= 1.0;
				else if (d < -0.5)
					d += 1.0;
				multiple = d < 1e-9 && d > -1e-9;
			}
		}
		if (!multiple) {
			num_text(mul, bn, sizeof(bn));
			ok = fail(c, out, "value %s is not a multiple of %s", vn, bn);
		}
	}
	return ok;
}

static int kw_string(struct vctx *c, const json_t *s, const json_t *in, struct dw_findings *out)
{
	const json_t *minl = json_object_get(s, "minLength"),
	             *maxl = json_object_get(s, "maxLength");
	const json_t *pat = json_object_get(s, "pattern");
	size_t len = utf8_len(json_string_value(in), json_string_length(in));
	int ok = 1;

	if (json_is_number(minl) && (double)len < json_number_value(minl)) {
		if (len == 0)
			ok = fail(c, out, "string is empty");
		else
			ok = fail(c, out, "string is shorter than %.0f characters (%zu)",
			          json_number_value(minl), len);
	}
	if (json_is_number(maxl) && (double)len > json_number_value(maxl))
		ok = fail(c, out, "string is longer than %.0f characters (%zu)",
		          json_number_value(maxl), len);
	if (json_is_string(pat)) {
		regex_t *re = vctx_regex(c, json_string_value(pat), json_string_length(pat));
		struct msgbuf v;
		if (!re) {
			if (!c->nomem)
				ok = fail(c, out,
				          "pattern '%s' is not a supported regular expression",
				          json_string_value(pat));
		} else if (regexec(re, json_string_value(in), 0, NULL, 0)) {
			const char *what = json_string_value(json_object_get(s, PATTERN_NAME));
			value_text(in, 1, &v);
			if (what)
				ok = fail(c, out, "string %s is not %s", v.s, what);
			else
				ok = fail(c, out, "string %s does not match pattern '%s'", v.s,
				          json_string_value(pat));
		}
	}
	return ok;
}

#define STEP(expr)                                                                                 \
	do {                                                                                       \
		if (!(expr)) {                                                                     \
			ok = 0;                                                                    \
			if (!out)                                                                  \
				return 0;                                                          \
		}                                                                                  \
	} while (0)

static int kw_contains(struct vctx *c, const json_t *s, const json_t *in, struct dw_findings *out)
{
	const json_t *con = json_object_get(s, "contains");
	const json_t *minc = json_object_get(s, "minContains");
	const json_t *maxc = json_object_get(s, "maxContains");
	size_t i, hits = 0;
	double lo = 1;
	json_t *x;

	if (!con)
		return 1;
	if (c->modern && json_is_number(minc))
		lo = json_number_value(minc);
	json_array_foreach(in, i, x)
	{
		if (validate(c, con, x, NULL))
			hits++;
	}
	if ((double)hits < lo) {
		if (hits == 0)
			return fail(c, out, "array contains no item that matches 'contains'");
		return fail(c, out, "array contains %zu matching items, fewer than %.0f", hits, lo);
	}
	if (c->modern && json_is_number(maxc) && (double)hits > json_number_value(maxc))
		return fail(c, out, "array contains %zu matching items, more than %.0f", hits,
		            json_number_value(maxc));
	return 1;
}

static int kw_array(struct vctx *c, const json_t *s, const json_t *in, struct dw_findings *out)
{
	const json_t *items = json_object_get(s, "items"),
	             *prefix = json_object_get(s, "prefixItems");
	const json_t *rest = NULL, *mini = json_object_get(s, "minItems");
	const json_t *maxi = json_object_get(s, "maxItems");
	size_t n = json_array_size(in), np = 0, i;
	int ok = 1;

	if (json_is_array(prefix)) {
		rest = items;
	} else if (json_is_array(items)) {
		prefix = items;
		rest = json_object_get(s, "additionalItems");
	} else {
		prefix = NULL;
		rest = items;
	}
	if (prefix) {
		np = json_array_size(prefix);
		for (i = 0; i < n && i < np; i++)
			STEP(validate_index(c, json_array_get(prefix, i), json_array_get(in, i), i,
			                    out));
	}
	if (rest && json_is_false(rest) && n > np) {
		size_t old = ptr_push_index(&c->ptr, np);
		STEP(fail(c, out, "unexpected item: the array takes at most %zu items", np));
		strbuf_setlen(&c->ptr, old);
	} else if (rest) {
		for (i = np; i < n; i++)
			STEP(validate_index(c, rest, json_array_get(in, i), i, out));
	}
	if (json_is_number(mini) && (double)n < json_number_value(mini))
		STEP(fail(c, out, "array has %zu items, fewer than %.0f", n,
		          json_number_value(mini)));
	if (json_is_number(maxi) && (double)n > json_number_value(maxi))
		STEP(fail(c, out, "array has %zu items, more than %.0f", n,
		          json_number_value(maxi)));
	if (json_is_true(json_object_get(s, "uniqueItems"))) {
		for (i = 1; i < n; i++) {
			for (size_t j = 0; j < i; j++) {
				if (!js_equal(json_array_get(in, i), json_array_get(in, j)))
					continue;
				if (out) {
					struct msgbuf v;
					size_t old = ptr_push_index(&c->ptr, i);
					value_text(json_array_get(in, i), 1, &v);
					fail(c, out, "duplicate item %s (same as item %zu)", v.s,
					     j);
					strbuf_setlen(&c->ptr, old);
				}
				ok = 0;
				if (!out)
					return 0;
				break;
			}
		}
	}
	STEP(kw_contains(c, s, in, out));
	return ok;
}

static int pattern_props_match(struct vctx *c, const json_t *pp, const char *key,
                               const json_t *in_val, struct dw_findings *out, int *matched)
{
	const char *pat;
	json_t *ps;
	int ok = 1;

	json_object_foreach((json_t *)pp, pat, ps)
	{
		/* the key's buffer belongs to the schema object: stable for the call */
		regex_t *re = vctx_regex(c, pat, strlen(pat));

		if (!re || regexec(re, key, 0, NULL, 0))
			continue;
		*matched = 1;
		STEP(validate_key(c, ps, in_val, key, out));
	}
	return ok;
}

static int kw_required(struct vctx *c, const json_t *req, const json_t *in, struct dw_findings *out)
{
	size_t i;
	json_t *x;
	int ok = 1;

	json_array_foreach(req, i, x)
	{
		const char *k = json_string_value(x);
		if (k && !json_object_get(in, k)) {
			STEP(fail_key(c, out, k, "missing required property '%s'", k));
		}
	}
	return ok;
}

static int kw_dependencies(struct vctx *c, const json_t *s, const json_t *in,
                           struct dw_findings *out)
{
	static const char *const kws[] = {"dependencies", "dependentRequired", "dependentSchemas"};
	int ok = 1;

	for (size_t w = 0; w < 3; w++) {
		const json_t *deps = json_object_get(s, kws[w]);
		const char *k;
		json_t *d;

		if (!json_is_object(deps))
			continue;
		json_object_foreach((json_t *)deps, k, d)
		{
			if (!json_object_get(in, k))
				continue;
			if (json_is_array(d)) {
				size_t i;
				json_t *x;
				json_array_foreach(d, i, x)
				{
					const char *need = json_string_value(x);
					if (need && !json_object_get(in, need))
						STEP(fail_key(
						    c, out, need,
						    "missing property '%s' (required by '%s')",
						    need, k));
				}
			} else {
				STEP(validate(c, d, in, out));
			}
		}
	}
	return ok;
}

static int kw_object(struct vctx *c, const json_t *s, const json_t *in, struct dw_findings *out)
{
	const json_t *props = json_object_get(s, "properties");
	const json_t *pp = json_object_get(s, "patternProperties");
	const json_t *ap = json_object_get(s, "additionalProperties");
	const json_t *pn = json_object_get(s, "propertyNames");
	const json_t *minp = json_object_get(s, "minProperties");
	const json_t *maxp = json_object_get(s, "maxProperties");
	size_t n = json_object_size(in);
	const char *k;
	json_t *v;
	int ok = 1;

	if (json_is_array(json_object_get(s, "required")))
		STEP(kw_required(c, json_object_get(s, "required"), in, out));
	json_object_foreach((json_t *)in, k, v)
	{
		const json_t *ps = json_is_object(props) ? json_object_get(props, k) : NULL;
		int matched = ps != NULL;

		if (ps)
			STEP(validate_key(c, ps, v, k, out));
		if (json_is_object(pp))
			STEP(pattern_props_match(c, pp, k, v, out, &matched));
		if (matched || !ap)
			continue;
		if (json_is_false(ap))
			STEP(fail_key(c, out, k, "unknown property '%s'", k));
		else
			STEP(validate_key(c, ap, v, k, out));
	}
	if (pn) {
		json_object_foreach((json_t *)in, k, v)
		{
			json_t *name = json_string(k);
			size_t old;
			int good;
			if (!name) {
				c->nomem = 1;
				return 0;
			}
			old = ptr_push_token(&c->ptr, k, strlen(k));
			good = validate(c, pn, name, NULL);
			if (!good)
				fail(c, out, "property name '%s' is not allowed", k);
			strbuf_setlen(&c->ptr, old);
			json_decref(name);
			STEP(good);
		}
	}
	if (json_is_number(minp) && (double)n < json_number_value(minp))
		STEP(fail(c, out, "object has %zu properties, fewer than %.0f", n,
		          json_number_value(minp)));
	if (json_is_number(maxp) && (double)n > json_number_value(maxp))
		STEP(fail(c, out, "object has %zu properties, more than %.0f", n,
		          json_number_value(maxp)));
	STEP(kw_dependencies(c, s, in, out));
	return ok;
}

/* A branch of oneOf/anyOf with its $refs followed (a few hops). */
static const json_t *branch_target(struct vctx *c, const json_t *b)
{
	for (int hops = 0; hops < 8 && json_is_object(b); hops++) {
		const char *ref = json_string_value(json_object_get(b, "$ref"));
		const json_t *t;
		if (!ref)
			return b;
		t = ref_resolve(c->root, ref, &c->nomem);
		if (!t)
			return b;
		b = t;
	}
	return b;
}

static const json_t *const_of(const json_t *ps)
{
	const json_t *e;

	if (!json_is_object(ps))
		return NULL;
	if (json_object_get(ps, "const"))
		return json_object_get(ps, "const");
	e = json_object_get(ps, "enum");
	return json_is_array(e) && json_array_size(e) == 1 ? json_array_get(e, 0) : NULL;
}

/* The property whose const value tells the branches apart ("kind"): every branch gives it a
 * const, and no two branches the same one. NULL when there is none. */
static const char *discriminator(struct vctx *c, const json_t *branches)
{
	const json_t *first = branch_target(c, json_array_get(branches, 0));
	const json_t *props = json_object_get(first, "properties");
	size_t n = json_array_size(branches);
	const char *k;
	json_t *ps;

	if (n < 2 || n > 64 || !json_is_object(props))
		return NULL;
	json_object_foreach((json_t *)props, k, ps)
	{
		const json_t *seen[64];
		int all = 1;
		for (size_t i = 0; all && i < n; i++) {
			const json_t *b = branch_target(c, json_array_get(branches, i));
			seen[i] = const_of(json_object_get(json_object_get(b, "properties"), k));
			all = seen[i] != NULL;
			for (size_t j = 0; all && j < i; j++)
				all = !js_equal(seen[i], seen[j]);
		}
		if (all)
			return k;
	}
	return NULL;
}

/* Reports why an instance fails a discriminated oneOf/anyOf: the errors of the branch its
 * discriminator picks, or what is wrong with the discriminator itself. */
static void report_discriminated(struct vctx *c, const json_t *branches, const char *k,
                                 const json_t *in, struct dw_findings *out)
{
	const json_t *val = json_is_object(in) ? json_object_get(in, k) : NULL;
	struct strbuf list = {0};
	struct msgbuf m;
	size_t i;
	json_t *b;

	if (!json_is_object(in)) {
		validate(c, json_array_get(branches, 0), in, out);
		return;
	}
	if (!val) {
		fail_key(c, out, k, "missing required property '%s'", k);
		return;
	}
	json_array_foreach(branches, i, b)
	{
		const json_t *t = branch_target(c, b);
		const json_t *cv = const_of(json_object_get(json_object_get(t, "properties"), k));
		if (js_equal(cv, val)) {
			validate(c, b, in, out);
			free(list.buf);
			return;
		}
		if (i)
			strbuf_addstr(&list, ", ");
		value_text(cv, 0, &m);
		strbuf_addstr(&list, m.s);
	}
	value_text(val, 1, &m);
	fail_key(c, out, k, "value %s is not one of %s", m.s,
	         list.buf && !list.oom ? list.buf : "");
	free(list.buf);
}

static int kw_alternatives(struct vctx *c, const json_t *branches, int one, const json_t *in,
                           struct dw_findings *out)
{
	size_t i, valid = 0, before = out ? out->count : 0;
	json_t *b;
	const char *k;

	if (!json_is_array(branches) || !json_array_size(branches))
		return 1;
	json_array_foreach(branches, i, b)
	{
		if (validate(c, b, in, NULL)) {
			valid++;
			if (!one || valid > 1)
				break;
		}
	}
	if (one ? valid == 1 : valid > 0)
		return 1;
	if (!out)
		return 0;
	if (valid > 1)
		return fail(c, out, "value matches more than one alternative of 'oneOf'");
	k = discriminator(c, branches);
	if (k)
		report_discriminated(c, branches, k, in, out);
	if (out->count == before)
		fail(c, out, "value matches none of the %zu alternatives of '%s'",
		     json_array_size(branches), one ? "oneOf" : "anyOf");
	return 0;
}

static int kw_combinators(struct vctx *c, const json_t *s, const json_t *in,
                          struct dw_findings *out)
{
	const json_t *all = json_object_get(s, "allOf"), *not = json_object_get(s, "not");
	const json_t *cond = json_object_get(s, "if");
	size_t i;
	json_t *b;
	int ok = 1;

	if (json_is_array(all)) {
		json_array_foreach(all, i, b)
		{
			STEP(validate(c, b, in, out));
		}
	}
	if (json_object_get(s, "anyOf"))
		STEP(kw_alternatives(c, json_object_get(s, "anyOf"), 0, in, out));
	if (json_object_get(s, "oneOf"))
		STEP(kw_alternatives(c, json_object_get(s, "oneOf"), 1, in, out));
	if (not &&validate(c, not, in, NULL))
		STEP(fail(c, out, "value matches the schema of 'not'"));
	if (cond) {
		const json_t *next =
		    json_object_get(s, validate(c, cond, in, NULL) ? "then" : "else");
		if (next)
			STEP(validate(c, next, in, out));
	}
	return ok;
}

static int validate_keywords(struct vctx *c, const json_t *s, const json_t *in,
                             struct dw_findings *out)
{
	const json_t *ref = json_object_get(s, "$ref"), *v;
	int ok = 1;

	if (json_is_string(ref)) {
		const json_t *t = ref_resolve(c->root, json_string_value(ref), &c->nomem);
		if (!t)
			STEP(fail(c, out, "unresolvable reference '%s'", json_string_value(ref)));
		else
			STEP(validate(c, t, in, out));
		if (!c->modern)
			return ok; /* draft-07: $ref overrides its siblings */
	}
	if ((v = json_object_get(s, "type")))
		STEP(kw_type(c, v, in, out));
	if ((v = json_object_get(s, "enum")))
		STEP(kw_enum(c, v, in, out));
	if ((v = json_object_get(s, "const")) && !js_equal(v, in)) {
		struct msgbuf a, e;
		value_text(in, 1, &a);
		value_text(v, 1, &e);
		STEP(fail(c, out, "value %s is not %s", a.s, e.s));
	}
	if (json_is_number(in))
		STEP(kw_number(c, s, in, out));
	else if (json_is_string(in))
		STEP(kw_string(c, s, in, out));
	else if (json_is_array(in))
		STEP(kw_array(c, s, in, out));
	else if (json_is_object(in))
		STEP(kw_object(c, s, in, out));
	STEP(kw_combinators(c, s, in, out));
	return ok;
}

/* Returns 1 when in is valid against s; adds findings to out when out is not NULL (when it is,
 * stops at the first failure). */
static int validate(struct vctx *c, const json_t *s, const json_t *in, struct dw_findings *out)
{
	int ok;

	if (json_is_true(s))
		return 1;
	if (json_is_false(s))
		return fail(c, out, "value is not allowed here");
	if (!json_is_object(s) || c->nomem)
		return 1;
	if (c->depth >= JS_MAX_DEPTH) {
		c->too_deep = 1;
		return 0;
	}
	c->depth++;
	ok = validate_keywords(c, s, in, out);
	c->depth--;
	return ok;
}

int jsonschema_validate(const json_t *root, const char *schema_pointer, const json_t *instance,
                        const char *base_pointer, struct dw_findings *out)
{
	struct vctx c;
	const json_t *schema;
	locale_t old;
	int ok, rc;

	memset(&c, 0, sizeof(c));
	c.root = root;
	c.modern = schema_is_modern(root);
	strbuf_addstr(&c.ptr, base_pointer ? base_pointer : "");
	if (c.ptr.oom)
		return DW_NOMEM;
	schema = dw_pointer_get(root, schema_pointer ? schema_pointer : "");
	if (!schema) {
		if (out)
			dw_findings_add(out, strbuf_str(&c.ptr),
			                "schema pointer '%s' does not resolve", schema_pointer);
		vctx_release(&c);
		return DW_INVALID;
	}
	old = utf8_enter();
	ok = validate(&c, schema, instance, out);
	utf8_leave(old);
	if (c.too_deep && out)
		dw_findings_add(out, base_pointer ? base_pointer : "",
		                "validation nested deeper than %d levels (recursive schema?)",
		                JS_MAX_DEPTH);
	rc = ok && !c.too_deep ? 0 : DW_INVALID;
	if (c.nomem || c.ptr.oom || (out && dw_findings_oom(out)))
		rc = DW_NOMEM;
	vctx_release(&c);
	return rc;
}

/* ---- well-formedness of a schema ---- */

struct cctx {
	const json_t *root;
	struct strbuf ptr;
	struct dw_findings *out;
	int depth, nomem, bad;
};

static void cfail(struct cctx *k, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void cfail(struct cctx *k, const char *key, const char *fmt, ...)
{
	size_t old = key ? ptr_push_token(&k->ptr, key, strlen(key)) : k->ptr.len;
	va_list ap;

	k->bad = 1;
	va_start(ap, fmt);
	dw_findings_vadd(k->out, DW_SEV_ERROR, NULL, strbuf_str(&k->ptr), fmt, ap);
	va_end(ap);
	strbuf_setlen(&k->ptr, old);
}

static void check_schema_at(struct cctx *k, const json_t *s);

static void check_sub(struct cctx *k, const char *key, const json_t *s)
{
	size_t old = ptr_push_token(&k->ptr, key, strlen(key));

	check_schema_at(k, s);
	strbuf_setlen(&k->ptr, old);
}

static void check_schema_array(struct cctx *k, const char *kw, const json_t *v, int nonempty)
{
	size_t old, i;
	json_t *x;

	if (!json_is_array(v) || (nonempty && !json_array_size(v))) {
		cfail(k, kw, "'%s' must be a%s array of schemas", kw,
		      nonempty ? " non-empty" : "n");
		return;
	}
	old = ptr_push_token(&k->ptr, kw, strlen(kw));
	json_array_foreach(v, i, x)
	{
		size_t o2 = ptr_push_index(&k->ptr, i);
		check_schema_at(k, x);
		strbuf_setlen(&k->ptr, o2);
	}
	strbuf_setlen(&k->ptr, old);
}

static void check_regex(struct cctx *k, const char *key, const char *pat, size_t n)
{
	const char *why = NULL;
	regex_t re;
	int rc = regex_compile(pat, n, &re, &why);

	if (rc == DW_NOMEM)
		k->nomem = 1;
	else if (rc)
		cfail(k, key, "invalid pattern '%s': %s", pat, why);
	else
		regfree(&re);
}

static int string_set_ok(const json_t *v)
{
	size_t i, j;
	json_t *x;

	if (!json_is_array(v))
		return 0;
	json_array_foreach(v, i, x)
	{
		if (!json_is_string(x))
			return 0;
		for (j = 0; j < i; j++)
			if (js_equal(x, json_array_get(v, j)))
				return 0;
	}
	return 1;
}

static int known_type(const char *t)
{
	static const char *const types[] = {"null",   "boolean", "object", "array",
	                                    "number", "string",  "integer"};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(t, types[i]))
			return 1;
	return 0;
}

static void check_type(struct cctx *k, const json_t *t)
{
	size_t i;
	json_t *x;

	if (json_is_string(t)) {
		if (!known_type(json_string_value(t)))
			cfail(k, "type", "unknown type '%s'", json_string_value(t));
		return;
	}
	if (!string_set_ok(t) || !json_array_size(t)) {
		cfail(k, "type", "'type' must be a type name or an array of unique type names");
		return;
	}
	json_array_foreach(t, i, x)
	{
		if (!known_type(json_string_value(x)))
			cfail(k, "type", "unknown type '%s'", json_string_value(x));
	}
}

static void check_schema_map(struct cctx *k, const char *kw, const json_t *v, int regex_keys)
{
	const char *key;
	json_t *x;
	size_t old;

	if (!json_is_object(v)) {
		cfail(k, kw, "'%s' must be an object of schemas", kw);
		return;
	}
	old = ptr_push_token(&k->ptr, kw, strlen(kw));
	json_object_foreach((json_t *)v, key, x)
	{
		if (regex_keys)
			check_regex(k, key, key, strlen(key));
		check_sub(k, key, x);
	}
	strbuf_setlen(&k->ptr, old);
}

static void check_ref(struct cctx *k, const json_t *ref)
{
	const char *r = json_string_value(ref);

	if (!r) {
		cfail(k, "$ref", "'$ref' must be a string");
		return;
	}
	if (r[0] != '#') {
		cfail(k, "$ref",
		      "reference '%s' is not local (only '#...' references are supported)", r);
		return;
	}
	if (r[1] && r[1] != '/') {
		cfail(k, "$ref", "anchor reference '%s' is not supported", r);
		return;
	}
	if (!ref_resolve(k->root, r, &k->nomem) && !k->nomem)
		cfail(k, "$ref", "reference '%s' does not resolve", r);
}

static void check_dependencies(struct cctx *k, const char *kw, const json_t *v)
{
	const char *key;
	json_t *x;
	size_t old;

	if (!json_is_object(v)) {
		cfail(k, kw, "'%s' must be an object", kw);
		return;
	}
	old = ptr_push_token(&k->ptr, kw, strlen(kw));
	json_object_foreach((json_t *)v, key, x)
	{
		if (json_is_array(x) || !strcmp(kw, "dependentRequired")) {
			if (!string_set_ok(x))
				cfail(k, key, "'%s' must list unique property names", key);
		} else {
			check_sub(k, key, x);
		}
	}
	strbuf_setlen(&k->ptr, old);
}

static void check_keywords(struct cctx *k, const json_t *s)
{
	static const char *const counts[] = {"minLength",   "maxLength",     "minItems",
	                                     "maxItems",    "minProperties", "maxProperties",
	                                     "minContains", "maxContains"};
	static const char *const subs[] = {"additionalProperties",
	                                   "additionalItems",
	                                   "contains",
	                                   "propertyNames",
	                                   "not",
	                                   "if",
	                                   "then",
	                                   "else",
	                                   "unevaluatedItems",
	                                   "unevaluatedProperties"};
	static const char *const strings[] = {"$schema", "$id",         "$anchor", "$comment",
	                                      "title",   "description", "format"};
	const json_t *v;

	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		v = json_object_get(s, counts[i]);
		if (v && (!is_integral(v) || json_number_value(v) < 0))
			cfail(k, counts[i], "'%s' must be a non-negative integer", counts[i]);
	}
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if ((v = json_object_get(s, subs[i])))
			check_sub(k, subs[i], v);
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		v = json_object_get(s, strings[i]);
		if (v && !json_is_string(v))
			cfail(k, strings[i], "'%s' must be a string", strings[i]);
	}
	if ((v = json_object_get(s, "type")))
		check_type(k, v);
	if ((v = json_object_get(s, "enum")) && !json_is_array(v))
		cfail(k, "enum", "'enum' must be an array");
	if ((v = json_object_get(s, "required")) && !string_set_ok(v))
		cfail(k, "required", "'required' must be an array of unique strings");
	if ((v = json_object_get(s, "uniqueItems")) && !json_is_boolean(v))
		cfail(k, "uniqueItems", "'uniqueItems' must be a boolean");
	if ((v = json_object_get(s, "pattern"))) {
		if (!json_is_string(v))
			cfail(k, "pattern", "'pattern' must be a string");
		else
			check_regex(k, "pattern", json_string_value(v), json_string_length(v));
	}
	if ((v = json_object_get(s, "minimum")) && !json_is_number(v))
		cfail(k, "minimum", "'minimum' must be a number");
	if ((v = json_object_get(s, "maximum")) && !json_is_number(v))
		cfail(k, "maximum", "'maximum' must be a number");
	if ((v = json_object_get(s, "exclusiveMinimum")) && !json_is_number(v) &&
	    !json_is_boolean(v))
		cfail(k, "exclusiveMinimum", "'exclusiveMinimum' must be a number");
	if ((v = json_object_get(s, "exclusiveMaximum")) && !json_is_number(v) &&
	    !json_is_boolean(v))
		cfail(k, "exclusiveMaximum", "'exclusiveMaximum' must be a number");
	if ((v = json_object_get(s, "multipleOf")) &&
	    (!json_is_number(v) || !(json_number_value(v) > 0)))
		cfail(k, "multipleOf", "'multipleOf' must be a number greater than 0");
	if ((v = json_object_get(s, "$ref")))
		check_ref(k, v);
}

static void check_composites(struct cctx *k, const json_t *s)
{
	static const char *const maps[] = {"properties", "$defs", "definitions",
	                                   "dependentSchemas"};
	static const char *const lists[] = {"allOf", "anyOf", "oneOf", "prefixItems"};
	const json_t *v;

	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
		if ((v = json_object_get(s, maps[i])))
			check_schema_map(k, maps[i], v, 0);
	if ((v = json_object_get(s, "patternProperties")))
		check_schema_map(k, "patternProperties", v, 1);
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		if ((v = json_object_get(s, lists[i])))
			check_schema_array(k, lists[i], v, 1);
	if ((v = json_object_get(s, "items"))) {
		if (json_is_array(v))
			check_schema_array(k, "items", v, 0);
		else
			check_sub(k, "items", v);
	}
	if ((v = json_object_get(s, "dependencies")))
		check_dependencies(k, "dependencies", v);
	if ((v = json_object_get(s, "dependentRequired")))
		check_dependencies(k, "dependentRequired", v);
}

static void check_schema_at(struct cctx *k, const json_t *s)
{
	if (json_is_boolean(s))
		return;
	if (!json_is_object(s)) {
		cfail(k, NULL, "schema must be an object or a boolean, got %s",
		      dw_json_type_name(s));
		return;
	}
	if (k->depth >= JS_MAX_DEPTH) {
		cfail(k, NULL, "schema nested deeper than %d levels", JS_MAX_DEPTH);
		return;
	}
	k->depth++;
	check_keywords(k, s);
	check_composites(k, s);
	k->depth--;
}

int jsonschema_check_schema(const json_t *schema, const char *base_pointer, struct dw_findings *out)
{
	struct cctx k;
	locale_t old;
	int rc;

	memset(&k, 0, sizeof(k));
	k.root = schema;
	k.out = out;
	strbuf_addstr(&k.ptr, base_pointer ? base_pointer : "");
	if (k.ptr.oom)
		return DW_NOMEM;
	old = utf8_enter();
	check_schema_at(&k, schema);
	utf8_leave(old);
	rc = k.bad ? DW_INVALID : 0;
	if (k.nomem || k.ptr.oom || dw_findings_oom(out))
		rc = DW_NOMEM;
	free(k.ptr.buf);
	return rc;
}
