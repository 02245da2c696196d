/*
 * protobuf: tokenizer, recursive-descent parser, semantic checks and canonical printer for
 * .proto text (protobuf.h has the AST). The whole text is tokenized first, so the parser can
 * look ahead freely; the parser builds the AST directly as jansson values.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validators/error.h"
#include "validators/protobuf.h"
#include "validators/strbuf.h"
#include "validators/utf8.h"

#define MAX_ENUM_VALUE 2147483647LL

static void add_utf8(struct strbuf *b, unsigned long cp)
{
	char o[4];

	strbuf_add(b, o, utf8_encode(o, cp));
}

/* ---- tokens ------------------------------------------------------------------------------ */

enum tok_kind { T_EOF, T_IDENT, T_INT, T_FLOAT, T_STRING, T_SYM };

struct tok {
	enum tok_kind kind;
	size_t off, len; /* the token's text */
	int line, col;
	char *str; /* T_STRING: the decoded value (NUL-terminated, slen bytes) */
	size_t slen;
	unsigned long long ival; /* T_INT */
	double fval;             /* T_FLOAT */
};

struct parser {
	const char *text;
	size_t len;
	struct tok *toks;
	size_t ntoks, pos, alloc;
	const char *base;
	struct dw_findings *out;
	const char *const *refs;
	size_t nrefs;
	const struct protobuf_import *imports; /* given with their text (protobuf_parse_with) */
	json_t *const *import_asts;            /* their ASTs, NULL for one that did not parse */
	size_t nimports;
	int failed; /* a syntax error was reported: the parse stops */
	int oom;
	int proto3, editions;
	json_t *root;
	json_t *types; /* full name -> "message" | "enum" | "package" */
};

static void vfinding(struct parser *p, enum dw_severity sev, int line, int col, const char *fmt,
                     va_list ap)
{
	struct dw_finding *x = dw_findings_vadd(p->out, sev, NULL, p->base, fmt, ap);

	if (!x) {
		p->oom = 1;
		return;
	}
	x->line = line;
	x->col = col;
}

/* A semantic error: reported, the parse goes on. */
static void serr(struct parser *p, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void serr(struct parser *p, int line, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfinding(p, DW_SEV_ERROR, line, col, fmt, ap);
	va_end(ap);
}

static void swarn(struct parser *p, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void swarn(struct parser *p, int line, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfinding(p, DW_SEV_WARNING, line, col, fmt, ap);
	va_end(ap);
}

/* A syntax error at (line, col): reported, the parse stops. Returns -1. */
static int perr_at(struct parser *p, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int perr_at(struct parser *p, int line, int col, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return -1;
	va_start(ap, fmt);
	vfinding(p, DW_SEV_ERROR, line, col, fmt, ap);
	va_end(ap);
	p->failed = 1;
	return -1;
}

/* ---- tokenizer --------------------------------------------------------------------------- */

struct lexer {
	const char *s;
	size_t n, i;
	int line, col;
};

static void lx_advance(struct lexer *lx)
{
	unsigned char c = (unsigned char)lx->s[lx->i++];

	if (c == '\n' || (c == '\r' && !(lx->i < lx->n && lx->s[lx->i] == '\n'))) {
		lx->line++;
		lx->col = 1;
	} else if ((c & 0xC0) != 0x80) {
		lx->col++;
	}
}

static int is_ident_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_ident_char(int c)
{
	return is_ident_start(c) || is_digit(c);
}

static struct tok *tok_push(struct parser *p)
{
	if (p->ntoks == p->alloc) {
		size_t na = p->alloc ? p->alloc * 2 : 256;
		struct tok *t = realloc(p->toks, na * sizeof(*t));
		if (!t) {
			p->oom = 1;
			return NULL;
		}
		p->toks = t;
		p->alloc = na;
	}
	memset(&p->toks[p->ntoks], 0, sizeof(p->toks[0]));
	return &p->toks[p->ntoks++];
}

/* Reads a string literal starting at the quote. */
static int lex_string(struct parser *p, struct lexer *lx, struct tok *t)
{
	char q = lx->s[lx->i];
	struct strbuf b = {0};

	lx_advance(lx);
	for (;;) {
		unsigned char c;
		if (lx->i >= lx->n || lx->s[lx->i] == '\n' || lx->s[lx->i] == '\r') {
			free(b.buf);
			return perr_at(p, t->line, t->col, "unterminated string");
		}
		c = (unsigned char)lx->s[lx->i];
		if (c == (unsigned char)q) {
			lx_advance(lx);
			break;
		}
		if (c == '\0') {
			free(b.buf);
			return perr_at(p, lx->line, lx->col, "NUL character in string");
		}
		if (c >= 0x80) {
			size_t k =
			    utf8_seq_len((const unsigned char *)lx->s + lx->i, lx->n - lx->i);
			if (!k) {
				int line = lx->line, col = lx->col;
				free(b.buf);
				return perr_at(p, line, col, "invalid UTF-8 in string");
			}
			strbuf_add(&b, lx->s + lx->i, k);
			for (size_t j = 0; j < k; j++)
				lx_advance(lx);
			continue;
		}
		if (c != '\\') {
			strbuf_add(&b, (const char *)&c, 1);
			lx_advance(lx);
			continue;
		}
		/* escapes: C-style, \xHH, \ooo, \uXXXX, \UXXXXXXXX */
		{
			int line = lx->line, col = lx->col;
			char e;
			lx_advance(lx);
			if (lx->i >= lx->n) {
				free(b.buf);
				return perr_at(p, t->line, t->col, "unterminated string");
			}
			e = lx->s[lx->i];
			const char *simple = strchr("abfnrtv\\'\"?", e);
			if (simple && e) {
				static const char map[] = "\a\b\f\n\r\t\v\\'\"?";
				strbuf_add(&b, &map[simple - "abfnrtv\\'\"?"], 1);
				lx_advance(lx);
			} else if (e == 'x' || e == 'X') {
				int v = 0, k = 0;
				lx_advance(lx);
				while (k < 2 && lx->i < lx->n && hex_digit(lx->s[lx->i]) >= 0) {
					v = v * 16 + hex_digit(lx->s[lx->i]);
					lx_advance(lx);
					k++;
				}
				if (!k) {
					free(b.buf);
					return perr_at(p, line, col,
					               "invalid escape '\\x' in string");
				}
				char ch = (char)v;
				strbuf_add(&b, &ch, 1);
			} else if (e >= '0' && e <= '7') {
				int v = 0, k = 0;
				while (k < 3 && lx->i < lx->n && lx->s[lx->i] >= '0' &&
				       lx->s[lx->i] <= '7') {
					v = v * 8 + (lx->s[lx->i] - '0');
					lx_advance(lx);
					k++;
				}
				if (v > 255) {
					free(b.buf);
					return perr_at(p, line, col,
					               "octal escape out of range in string");
				}
				char ch = (char)v;
				strbuf_add(&b, &ch, 1);
			} else if (e == 'u' || e == 'U') {
				int want = e == 'u' ? 4 : 8;
				unsigned long v = 0;
				lx_advance(lx);
				for (int k = 0; k < want; k++) {
					if (lx->i >= lx->n || hex_digit(lx->s[lx->i]) < 0) {
						free(b.buf);
						return perr_at(p, line, col,
						               "invalid escape '\\%c' in string "
						               "(expected %d hex digits)",
						               e, want);
					}
					v = v * 16 + (unsigned long)hex_digit(lx->s[lx->i]);
					lx_advance(lx);
				}
				if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
					free(b.buf);
					return perr_at(p, line, col,
					               "invalid code point U+%04lX in string", v);
				}
				add_utf8(&b, v);
			} else {
				free(b.buf);
				if ((unsigned char)e < 0x20 || (unsigned char)e >= 0x7f)
					return perr_at(p, line, col, "invalid escape in string");
				return perr_at(p, line, col, "invalid escape '\\%c' in string", e);
			}
		}
	}
	if (b.oom) {
		free(b.buf);
		p->oom = 1;
		return -1;
	}
	t->kind = T_STRING;
	t->str = strbuf_detach(&b, &t->slen);
	if (!t->str) {
		p->oom = 1;
		return -1;
	}
	return 0;
}

static int lex_number(struct parser *p, struct lexer *lx, struct tok *t)
{
	size_t start = lx->i;
	int is_float = 0;
	char buf[128];
	char *end;

	if (lx->s[lx->i] == '0' && lx->i + 1 < lx->n &&
	    (lx->s[lx->i + 1] == 'x' || lx->s[lx->i + 1] == 'X')) {
		lx_advance(lx);
		lx_advance(lx);
		if (lx->i >= lx->n || hex_digit(lx->s[lx->i]) < 0)
			return perr_at(p, t->line, t->col, "invalid hexadecimal number");
		while (lx->i < lx->n && hex_digit(lx->s[lx->i]) >= 0)
			lx_advance(lx);
	} else {
		while (lx->i < lx->n && is_digit(lx->s[lx->i]))
			lx_advance(lx);
		if (lx->i < lx->n && lx->s[lx->i] == '.') {
			is_float = 1;
			lx_advance(lx);
			while (lx->i < lx->n && is_digit(lx->s[lx->i]))
				lx_advance(lx);
		}
		if (lx->i < lx->n && (lx->s[lx->i] == 'e' || lx->s[lx->i] == 'E')) {
			is_float = 1;
			lx_advance(lx);
			if (lx->i < lx->n && (lx->s[lx->i] == '+' || lx->s[lx->i] == '-'))
				lx_advance(lx);
			if (lx->i >= lx->n || !is_digit(lx->s[lx->i]))
				return perr_at(p, t->line, t->col, "invalid number exponent");
			while (lx->i < lx->n && is_digit(lx->s[lx->i]))
				lx_advance(lx);
		}
	}
	if (lx->i < lx->n && (is_ident_char(lx->s[lx->i]) || lx->s[lx->i] == '.'))
		return perr_at(p, t->line, t->col, "invalid number '%.*s'",
		               (int)(lx->i - start + 1 > 40 ? 40 : lx->i - start + 1),
		               lx->s + start);
	if (lx->i - start >= sizeof(buf))
		return perr_at(p, t->line, t->col, "number too long");
	memcpy(buf, lx->s + start, lx->i - start);
	buf[lx->i - start] = '\0';
	errno = 0;
	if (is_float) {
		t->kind = T_FLOAT;
		t->fval = strtod(buf, &end);
	} else {
		int octal = buf[0] == '0' && buf[1] && buf[1] != 'x' && buf[1] != 'X';
		t->kind = T_INT;
		if (octal && strspn(buf, "01234567") != strlen(buf))
			return perr_at(p, t->line, t->col, "invalid octal number '%s'", buf);
		t->ival = strtoull(buf, &end, 0);
		if (errno == ERANGE)
			return perr_at(p, t->line, t->col,
			               "integer '%s' out of range (more than 64 bits)", buf);
	}
	return 0;
}

static int tokenize(struct parser *p)
{
	struct lexer lx = {p->text, p->len, 0, 1, 1};
	struct tok *t;

	while (!p->failed && !p->oom) {
		unsigned char c;
		/* whitespace and comments */
		while (lx.i < lx.n) {
			c = (unsigned char)lx.s[lx.i];
			if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
			    c == '\f') {
				lx_advance(&lx);
			} else if (c == '/' && lx.i + 1 < lx.n && lx.s[lx.i + 1] == '/') {
				while (lx.i < lx.n && lx.s[lx.i] != '\n' && lx.s[lx.i] != '\r')
					lx_advance(&lx);
			} else if (c == '/' && lx.i + 1 < lx.n && lx.s[lx.i + 1] == '*') {
				int line = lx.line, col = lx.col;
				lx_advance(&lx);
				lx_advance(&lx);
				while (lx.i + 1 < lx.n &&
				       !(lx.s[lx.i] == '*' && lx.s[lx.i + 1] == '/'))
					lx_advance(&lx);
				if (lx.i + 1 >= lx.n)
					return perr_at(p, line, col, "unterminated comment");
				lx_advance(&lx);
				lx_advance(&lx);
			} else {
				break;
			}
		}
		t = tok_push(p);
		if (!t)
			return -1;
		t->off = lx.i;
		t->line = lx.line;
		t->col = lx.col;
		if (lx.i >= lx.n) {
			t->kind = T_EOF;
			return 0;
		}
		c = (unsigned char)lx.s[lx.i];
		if (is_ident_start(c)) {
			t->kind = T_IDENT;
			while (lx.i < lx.n && is_ident_char(lx.s[lx.i]))
				lx_advance(&lx);
		} else if (is_digit(c) ||
		           (c == '.' && lx.i + 1 < lx.n && is_digit(lx.s[lx.i + 1]))) {
			if (lex_number(p, &lx, t))
				return -1;
		} else if (c == '"' || c == '\'') {
			if (lex_string(p, &lx, t))
				return -1;
		} else if (strchr("{}[]()<>;,=.:-+/", c) && c) {
			t->kind = T_SYM;
			lx_advance(&lx);
		} else if (c >= 0x80) {
			if (!utf8_seq_len((const unsigned char *)lx.s + lx.i, lx.n - lx.i))
				return perr_at(p, t->line, t->col, "invalid UTF-8");
			return perr_at(p, t->line, t->col, "unexpected character outside a string");
		} else if (c < 0x20 || c == 0x7f) {
			return perr_at(p, t->line, t->col, "unexpected control character 0x%02x",
			               c);
		} else {
			return perr_at(p, t->line, t->col, "unexpected character '%c'", c);
		}
		t->len = lx.i - t->off;
	}
	return -1;
}

/* ---- parser helpers ---------------------------------------------------------------------- */

static const struct tok *peek(const struct parser *p, size_t k)
{
	size_t i = p->pos + k;
	return &p->toks[i < p->ntoks ? i : p->ntoks - 1];
}

static const struct tok *next(struct parser *p)
{
	const struct tok *t = peek(p, 0);

	if (t->kind != T_EOF)
		p->pos++;
	return t;
}

static int is_sym(const struct tok *t)
{
	return t->kind == T_SYM && t->len == 1;
}

static int tok_is(const struct parser *p, const struct tok *t, const char *word)
{
	size_t n = strlen(word);

	if (t->kind != T_IDENT && t->kind != T_SYM)
		return 0;
	return t->len == n && memcmp(p->text + t->off, word, n) == 0;
}

static int sym(const struct parser *p, const struct tok *t, char c)
{
	return is_sym(t) && p->text[t->off] == c;
}

/* "'text'" or "end of input", for messages. */
static void describe(const struct parser *p, const struct tok *t, char *buf, size_t size)
{
	if (t->kind == T_EOF)
		snprintf(buf, size, "end of input");
	else
		snprintf(buf, size, "'%.*s'", (int)(t->len > 40 ? 40 : t->len), p->text + t->off);
}

static int expected(struct parser *p, const char *what)
{
	const struct tok *t = peek(p, 0);
	char got[64];

	describe(p, t, got, sizeof(got));
	return perr_at(p, t->line, t->col, "expected %s, got %s", what, got);
}

static int expect_sym(struct parser *p, char c, const char *context)
{
	char what[96];

	if (sym(p, peek(p, 0), c)) {
		next(p);
		return 0;
	}
	snprintf(what, sizeof(what), "'%c'%s%s", c, context ? " " : "", context ? context : "");
	return expected(p, what);
}

static char *tok_text(struct parser *p, const struct tok *t)
{
	char *s = malloc(t->len + 1);

	if (!s) {
		p->oom = 1;
		return NULL;
	}
	memcpy(s, p->text + t->off, t->len);
	s[t->len] = '\0';
	return s;
}

static int expect_ident(struct parser *p, const char *what, char **out)
{
	const struct tok *t = peek(p, 0);

	if (t->kind != T_IDENT)
		return expected(p, what);
	next(p);
	*out = tok_text(p, t);
	return *out ? 0 : -1;
}

/* ["."] ident {"." ident} */
static int parse_type_name(struct parser *p, const char *what, char **out)
{
	struct strbuf b = {0};
	const struct tok *t;

	*out = NULL;
	if (sym(p, peek(p, 0), '.')) {
		next(p);
		strbuf_addstr(&b, ".");
	}
	for (;;) {
		t = peek(p, 0);
		if (t->kind != T_IDENT) {
			free(b.buf);
			return expected(p, what);
		}
		next(p);
		strbuf_add(&b, p->text + t->off, t->len);
		if (!sym(p, peek(p, 0), '.'))
			break;
		next(p);
		strbuf_addstr(&b, ".");
	}
	if (b.oom) {
		free(b.buf);
		p->oom = 1;
		return -1;
	}
	*out = b.buf;
	return 0;
}

static int set_new(struct parser *p, json_t *o, const char *key, json_t *v)
{
	if (!v || json_object_set_new(o, key, v)) {
		p->oom = 1;
		return -1;
	}
	return 0;
}

static int append_new(struct parser *p, json_t *a, json_t *v)
{
	if (!v || json_array_append_new(a, v)) {
		p->oom = 1;
		return -1;
	}
	return 0;
}

static int set_pos(struct parser *p, json_t *o, const struct tok *t)
{
	if (set_new(p, o, "line", json_integer(t->line)) ||
	    set_new(p, o, "col", json_integer(t->col)))
		return -1;
	return 0;
}

/* Escapes a string literal's value for printing: "..." with C escapes. */
static void quote(struct strbuf *b, const char *s, size_t n)
{
	strbuf_addstr(b, "\"");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char tmp[8];
		switch (c) {
		case '"':
			strbuf_addstr(b, "\\\"");
			break;
		case '\\':
			strbuf_addstr(b, "\\\\");
			break;
		case '\n':
			strbuf_addstr(b, "\\n");
			break;
		case '\r':
			strbuf_addstr(b, "\\r");
			break;
		case '\t':
			strbuf_addstr(b, "\\t");
			break;
		default:
			if (c < 0x20 || c == 0x7f) {
				snprintf(tmp, sizeof(tmp), "\\%03o", c);
				strbuf_addstr(b, tmp);
			} else if (c >= 0x80) {
				size_t k = utf8_seq_len((const unsigned char *)s + i, n - i);
				if (!k) {
					snprintf(tmp, sizeof(tmp), "\\%03o", c);
					strbuf_addstr(b, tmp);
				} else {
					strbuf_add(b, s + i, k);
					i += k - 1;
				}
			} else {
				strbuf_add(b, (const char *)&c, 1);
			}
		}
	}
	strbuf_addstr(b, "\"");
}

/* A string value for the AST: the text itself when it is UTF-8, else {"literal": "\"...\""}. */
static json_t *string_value(const char *s, size_t n)
{
	struct strbuf b = {0};
	json_t *v;

	if (utf8_valid(s, n) && !memchr(s, '\0', n))
		return json_stringn(s, n);
	quote(&b, s, n);
	if (b.oom) {
		free(b.buf);
		return NULL;
	}
	v = json_pack("{s:s}", "literal", b.buf);
	free(b.buf);
	return v;
}

/* ---- constants and options --------------------------------------------------------------- */

/* Adjacent string literals concatenate. */
static int parse_strings(struct parser *p, char **out, size_t *outlen)
{
	struct strbuf b = {0};

	while (peek(p, 0)->kind == T_STRING) {
		const struct tok *t = next(p);
		strbuf_add(&b, t->str, t->slen);
	}
	if (b.oom) {
		free(b.buf);
		p->oom = 1;
		return -1;
	}
	*out = strbuf_detach(&b, outlen);
	if (!*out) {
		p->oom = 1;
		return -1;
	}
	return 0;
}

/* Text format aggregate: { key: value ... }, normalised into b. */
static int parse_aggregate(struct parser *p, struct strbuf *b, int depth);

static int parse_text_value(struct parser *p, struct strbuf *b, int depth)
{
	const struct tok *t = peek(p, 0);

	if (sym(p, t, '{') || sym(p, t, '<'))
		return parse_aggregate(p, b, depth + 1);
	if (sym(p, t, '[')) {
		int first = 1;
		next(p);
		strbuf_addstr(b, "[");
		while (!sym(p, peek(p, 0), ']')) {
			if (!first && expect_sym(p, ',', "between list values"))
				return -1;
			if (!first)
				strbuf_addstr(b, ", ");
			first = 0;
			if (parse_text_value(p, b, depth))
				return -1;
		}
		next(p);
		strbuf_addstr(b, "]");
		return 0;
	}
	if (sym(p, t, '-')) {
		next(p);
		strbuf_addstr(b, "-");
		t = peek(p, 0);
		if (t->kind != T_INT && t->kind != T_FLOAT && t->kind != T_IDENT)
			return expected(p, "a number after '-'");
	}
	if (t->kind == T_STRING) {
		char *s;
		size_t n;
		if (parse_strings(p, &s, &n))
			return -1;
		quote(b, s, n);
		free(s);
		return 0;
	}
	if (t->kind == T_INT || t->kind == T_FLOAT || t->kind == T_IDENT) {
		next(p);
		strbuf_add(b, p->text + t->off, t->len);
		return 0;
	}
	return expected(p, "a value");
}

static int parse_aggregate(struct parser *p, struct strbuf *b, int depth)
{
	const struct tok *open = next(p);
	char close = sym(p, open, '<') ? '>' : '}';
	int any = 0;

	if (depth > PROTOBUF_MAX_DEPTH)
		return perr_at(p, open->line, open->col, "option value nests deeper than %d levels",
		               PROTOBUF_MAX_DEPTH);
	strbuf_addstr(b, "{");
	while (!sym(p, peek(p, 0), close)) {
		const struct tok *t = peek(p, 0);
		strbuf_addstr(b, " ");
		any = 1;
		if (sym(p, t, '[')) {
			/* [extension.name] or [type.googleapis.com/pkg.Type] */
			next(p);
			strbuf_addstr(b, "[");
			while (!sym(p, peek(p, 0), ']')) {
				t = next(p);
				if (t->kind != T_IDENT && !sym(p, t, '.') && !sym(p, t, '/'))
					return perr_at(p, t->line, t->col,
					               "expected an extension name in '[...]'");
				strbuf_add(b, p->text + t->off, t->len);
			}
			next(p);
			strbuf_addstr(b, "]");
		} else if (t->kind == T_IDENT) {
			next(p);
			strbuf_add(b, p->text + t->off, t->len);
		} else if (t->kind == T_EOF) {
			return expected(p, close == '}' ? "'}' closing the option value"
			                                : "'>' closing the option value");
		} else {
			return expected(p, "a field name in the option value");
		}
		if (sym(p, peek(p, 0), ':')) {
			next(p);
			strbuf_addstr(b, ":");
			if (!sym(p, peek(p, 0), '{') && !sym(p, peek(p, 0), '<'))
				strbuf_addstr(b, " ");
			else
				strbuf_addstr(b, " ");
			if (parse_text_value(p, b, depth))
				return -1;
		} else if (sym(p, peek(p, 0), '{') || sym(p, peek(p, 0), '<')) {
			strbuf_addstr(b, " ");
			if (parse_aggregate(p, b, depth + 1))
				return -1;
		} else {
			return expected(p, "':' after the field name in the option value");
		}
		if (sym(p, peek(p, 0), ',') || sym(p, peek(p, 0), ';'))
			next(p);
	}
	next(p);
	strbuf_addstr(b, any ? " }" : "}");
	return b->oom ? (p->oom = 1, -1) : 0;
}

static int parse_constant(struct parser *p, json_t **out)
{
	const struct tok *t = peek(p, 0);
	int neg = 0;

	*out = NULL;
	if (sym(p, t, '{')) {
		struct strbuf b = {0};
		if (parse_aggregate(p, &b, 1)) {
			free(b.buf);
			return -1;
		}
		*out = json_pack("{s:s}", "aggregate", b.buf);
		free(b.buf);
		return *out ? 0 : (p->oom = 1, -1);
	}
	if (t->kind == T_STRING) {
		char *s;
		size_t n;
		if (parse_strings(p, &s, &n))
			return -1;
		*out = string_value(s, n);
		free(s);
		return *out ? 0 : (p->oom = 1, -1);
	}
	if (sym(p, t, '-') || sym(p, t, '+')) {
		neg = sym(p, t, '-');
		next(p);
		t = peek(p, 0);
		if (t->kind != T_INT && t->kind != T_FLOAT && !tok_is(p, t, "inf") &&
		    !tok_is(p, t, "nan"))
			return expected(p, "a number after the sign");
	}
	if (t->kind == T_INT) {
		next(p);
		if (t->ival <= (unsigned long long)INT64_MAX)
			*out = json_integer(neg ? -(json_int_t)t->ival : (json_int_t)t->ival);
		else if (neg && t->ival == (unsigned long long)INT64_MAX + 1)
			*out = json_integer(INT64_MIN);
		else {
			char buf[64];
			snprintf(buf, sizeof(buf), "%s%llu", neg ? "-" : "", t->ival);
			*out = json_pack("{s:s}", "literal", buf);
		}
		return *out ? 0 : (p->oom = 1, -1);
	}
	if (t->kind == T_FLOAT) {
		next(p);
		*out = json_real(neg ? -t->fval : t->fval);
		return *out ? 0 : (p->oom = 1, -1);
	}
	if (t->kind == T_IDENT) {
		char *name;
		if (!neg && tok_is(p, t, "true")) {
			next(p);
			*out = json_true();
			return 0;
		}
		if (!neg && tok_is(p, t, "false")) {
			next(p);
			*out = json_false();
			return 0;
		}
		if (parse_type_name(p, "a constant", &name))
			return -1;
		if (neg) {
			char *n2 = malloc(strlen(name) + 2);
			if (!n2) {
				free(name);
				p->oom = 1;
				return -1;
			}
			n2[0] = '-';
			memcpy(n2 + 1, name, strlen(name) + 1);
			free(name);
			name = n2;
		}
		*out = json_pack("{s:s}", "literal", name);
		free(name);
		return *out ? 0 : (p->oom = 1, -1);
	}
	return expected(p, "a constant");
}

/* optionName = ( ident | "(" ["."] fullIdent ")" ) { "." ( ident | "(" fullIdent ")" ) } */
static int parse_option_name(struct parser *p, char **out)
{
	struct strbuf b = {0};

	*out = NULL;
	for (;;) {
		if (sym(p, peek(p, 0), '(')) {
			char *name;
			next(p);
			if (parse_type_name(p, "an option name", &name)) {
				free(b.buf);
				return -1;
			}
			strbuf_addstr(&b, "(");
			strbuf_addstr(&b, name);
			strbuf_addstr(&b, ")");
			free(name);
			if (expect_sym(p, ')', "closing the option name")) {
				free(b.buf);
				return -1;
			}
		} else if (peek(p, 0)->kind == T_IDENT) {
			const struct tok *t = next(p);
			strbuf_add(&b, p->text + t->off, t->len);
		} else {
			free(b.buf);
			return expected(p, "an option name");
		}
		if (!sym(p, peek(p, 0), '.'))
			break;
		next(p);
		strbuf_addstr(&b, ".");
	}
	if (b.oom) {
		free(b.buf);
		p->oom = 1;
		return -1;
	}
	*out = b.buf;
	return 0;
}

/* name "=" constant, stored into options; a name set twice is an error. */
static int parse_option_assignment(struct parser *p, json_t *options)
{
	const struct tok *at = peek(p, 0);
	char *name;
	json_t *v;

	if (parse_option_name(p, &name))
		return -1;
	if (expect_sym(p, '=', "after the option name") || parse_constant(p, &v)) {
		free(name);
		return -1;
	}
	if (json_object_get(options, name))
		serr(p, at->line, at->col, "option '%s' is set twice", name);
	if (json_object_set_new(options, name, v))
		p->oom = 1;
	free(name);
	return p->oom ? -1 : 0;
}

/* "option" assignment ";" */
static int parse_option_statement(struct parser *p, json_t *options)
{
	next(p); /* option */
	if (parse_option_assignment(p, options))
		return -1;
	return expect_sym(p, ';', "after the option");
}

/* "[" assignment { "," assignment } "]" */
static int parse_field_options(struct parser *p, json_t *options)
{
	if (!sym(p, peek(p, 0), '['))
		return 0;
	next(p);
	for (;;) {
		if (parse_option_assignment(p, options))
			return -1;
		if (sym(p, peek(p, 0), ','))
			next(p);
		else
			break;
	}
	return expect_sym(p, ']', "closing the field options");
}

/* ---- statements -------------------------------------------------------------------------- */

static const char *const scalar_types[] = {
    "double",  "float",   "int32",    "int64",    "uint32", "uint64", "sint32", "sint64",
    "fixed32", "fixed64", "sfixed32", "sfixed64", "bool",   "string", "bytes",  NULL};

static int is_scalar(const char *t)
{
	for (size_t i = 0; scalar_types[i]; i++)
		if (strcmp(scalar_types[i], t) == 0)
			return 1;
	return 0;
}

static int is_map_key_type(const char *t)
{
	return is_scalar(t) && strcmp(t, "double") && strcmp(t, "float") && strcmp(t, "bytes");
}

static char *join_name(const char *scope, const char *name)
{
	size_t a = scope ? strlen(scope) : 0, b = strlen(name);
	char *s = malloc(a + b + 2);

	if (!s)
		return NULL;
	if (a) {
		memcpy(s, scope, a);
		s[a] = '.';
		memcpy(s + a + 1, name, b + 1);
	} else {
		memcpy(s, name, b + 1);
	}
	return s;
}

static json_t *new_container(struct parser *p, const char *name, const char *scope,
                             const struct tok *at)
{
	char *full = join_name(scope, name);
	json_t *o = full ? json_pack("{s:s, s:s}", "name", name, "fullName", full) : NULL;

	free(full);
	if (!o || set_pos(p, o, at)) {
		json_decref(o);
		p->oom = 1;
		return NULL;
	}
	return o;
}

/* Field number: an integer token; range checks are semantic. */
static int parse_number(struct parser *p, json_int_t *out, const char *what)
{
	const struct tok *t = peek(p, 0);
	int neg = 0;

	if (sym(p, t, '-')) {
		neg = 1;
		next(p);
		t = peek(p, 0);
	}
	if (t->kind != T_INT)
		return expected(p, what);
	next(p);
	if (t->ival > (unsigned long long)INT64_MAX)
		return perr_at(p, t->line, t->col, "number %llu out of range", t->ival);
	*out = neg ? -(json_int_t)t->ival : (json_int_t)t->ival;
	return 0;
}

static int parse_message(struct parser *p, json_t *list, const char *scope, int depth,
                         const struct tok *label_tok);

static json_t *message_new(struct parser *p, const char *name, const char *scope,
                           const struct tok *at)
{
	json_t *m = new_container(p, name, scope, at);

	if (!m)
		return NULL;
	if (set_new(p, m, "fields", json_array()) || set_new(p, m, "oneofs", json_array()) ||
	    set_new(p, m, "reserved", json_pack("{s:[], s:[]}", "numbers", "names")) ||
	    set_new(p, m, "extensions", json_array()) || set_new(p, m, "messages", json_array()) ||
	    set_new(p, m, "enums", json_array()) || set_new(p, m, "extends", json_array()) ||
	    set_new(p, m, "options", json_object())) {
		json_decref(m);
		return NULL;
	}
	return m;
}

/*
 * A field (after its label, which the caller consumed): type name "=" number [options] ";",
 * or a map field, or a group. oneof is the enclosing oneof's name or NULL.
 */
static int parse_field(struct parser *p, json_t *msg, json_t *fields, const char *label,
                       const struct tok *label_tok, const char *oneof, const char *scope, int depth)
{
	const struct tok *start = label_tok ? label_tok : peek(p, 0);
	json_t *f = json_object(), *opts = json_object();
	char *type = NULL, *name = NULL;
	json_int_t number;
	int rc = -1;

	if (!f || !opts) {
		p->oom = 1;
		goto out;
	}
	if (tok_is(p, peek(p, 0), "map") && sym(p, peek(p, 1), '<')) {
		const struct tok *mt = next(p);
		char *key = NULL, *value = NULL;
		next(p);
		if (parse_type_name(p, "a map key type", &key)) {
			free(key);
			goto out;
		}
		if (expect_sym(p, ',', "between the map key and value types") ||
		    parse_type_name(p, "a map value type", &value) ||
		    expect_sym(p, '>', "closing the map type")) {
			free(key);
			free(value);
			goto out;
		}
		if (label)
			serr(p, label_tok->line, label_tok->col,
			     "map field cannot have the label '%s'", label);
		if (oneof)
			serr(p, mt->line, mt->col, "map fields are not allowed in oneofs");
		if (!is_map_key_type(key))
			serr(p, mt->line, mt->col,
			     "map key type '%s' is not allowed (integral or string types only)",
			     key);
		type = malloc(strlen(key) + strlen(value) + 8);
		if (type)
			snprintf(type, strlen(key) + strlen(value) + 8, "map<%s, %s>", key, value);
		if (!type ||
		    set_new(p, f, "map", json_pack("{s:s, s:s}", "key", key, "value", value))) {
			free(key);
			free(value);
			p->oom = 1;
			goto out;
		}
		free(key);
		free(value);
		if (set_new(p, f, "kind", json_string("map")))
			goto out;
	} else if (tok_is(p, peek(p, 0), "group") && peek(p, 1)->kind == T_IDENT &&
	           sym(p, peek(p, 2), '=')) {
		/* label "group" Name "=" number [options] "{" messageBody "}" */
		const struct tok *gt = next(p);
		const struct tok *nt = peek(p, 0);
		json_t *nested = json_object_get(msg, "messages");
		char *lower;
		if (p->proto3 || p->editions)
			serr(p, gt->line, gt->col, "groups are not allowed in %s",
			     p->proto3 ? "proto3" : "editions");
		if (expect_ident(p, "a group name", &type))
			goto out;
		if (type[0] < 'A' || type[0] > 'Z')
			serr(p, nt->line, nt->col,
			     "group name '%s' must start with a capital letter", type);
		lower = strdup(type);
		if (!lower) {
			p->oom = 1;
			goto out;
		}
		for (char *c = lower; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		name = lower;
		if (expect_sym(p, '=', "after the group name") ||
		    parse_number(p, &number, "a group field number") ||
		    parse_field_options(p, opts))
			goto out;
		if (!sym(p, peek(p, 0), '{')) {
			expected(p, "'{' opening the group");
			goto out;
		}
		/* The group's body is a nested message of the same name. */
		{
			json_t *m = message_new(p, type, scope, nt);
			if (!m || set_new(p, m, "group", json_true()) || append_new(p, nested, m))
				goto out;
			/* parse_message expects "message Name {": reuse its body parser. */
			if (parse_message(p, m, scope, depth + 1, NULL))
				goto out;
		}
		if (set_new(p, f, "name", json_string(name)) ||
		    set_new(p, f, "number", json_integer(number)) ||
		    set_new(p, f, "label", json_string(label ? label : "")) ||
		    set_new(p, f, "type", json_string(type)) ||
		    set_new(p, f, "kind", json_string("group")))
			goto out;
		if (oneof && set_new(p, f, "oneof", json_string(oneof)))
			goto out;
		if (set_new(p, f, "options", opts) || set_pos(p, f, start))
			goto out;
		opts = NULL;
		if (append_new(p, fields, f))
			goto out;
		f = NULL;
		rc = 0;
		goto out;
	} else {
		if (parse_type_name(p, "a field type", &type))
			goto out;
		if (set_new(p, f, "kind", json_string(is_scalar(type) ? "scalar" : "unresolved")))
			goto out;
	}
	{
		const struct tok *nt = peek(p, 0);
		if (nt->kind != T_IDENT) {
			expected(p, "a field name");
			goto out;
		}
		next(p);
		name = tok_text(p, nt);
		if (!name)
			goto out;
	}
	if (expect_sym(p, '=', "after the field name") ||
	    parse_number(p, &number, "a field number") || parse_field_options(p, opts) ||
	    expect_sym(p, ';', "after the field"))
		goto out;
	if (set_new(p, f, "name", json_string(name)) ||
	    set_new(p, f, "number", json_integer(number)) ||
	    set_new(p, f, "label", json_string(label ? label : "")) ||
	    set_new(p, f, "type", json_string(type)))
		goto out;
	if (oneof && set_new(p, f, "oneof", json_string(oneof)))
		goto out;
	if (set_new(p, f, "options", opts) || set_pos(p, f, start))
		goto out;
	opts = NULL;
	if (append_new(p, fields, f))
		goto out;
	f = NULL;
	rc = 0;
out:
	json_decref(f);
	json_decref(opts);
	free(type);
	free(name);
	return rc;
}

/* reserved: ranges or names. max_value: "max" in a range. */
static int parse_reserved(struct parser *p, json_t *reserved, json_int_t max_value)
{
	const struct tok *kw = next(p);
	json_t *numbers = json_object_get(reserved, "numbers");
	json_t *names = json_object_get(reserved, "names");

	if (peek(p, 0)->kind == T_STRING || (p->editions && peek(p, 0)->kind == T_IDENT)) {
		for (;;) {
			const struct tok *t = peek(p, 0);
			if (t->kind == T_STRING) {
				next(p);
				if (append_new(p, names, json_stringn(t->str, t->slen)))
					return -1;
			} else if (p->editions && t->kind == T_IDENT) {
				char *s = tok_text(p, next(p));
				if (!s || append_new(p, names, json_string(s))) {
					free(s);
					return -1;
				}
				free(s);
			} else {
				return expected(p, "a reserved name");
			}
			if (!sym(p, peek(p, 0), ','))
				break;
			next(p);
		}
		return expect_sym(p, ';', "after the reserved names");
	}
	for (;;) {
		json_int_t from, to;
		const struct tok *at = peek(p, 0);
		if (parse_number(p, &from, "a reserved number or name"))
			return -1;
		to = from;
		if (tok_is(p, peek(p, 0), "to")) {
			next(p);
			if (tok_is(p, peek(p, 0), "max")) {
				next(p);
				to = max_value;
			} else if (parse_number(p, &to, "a number or 'max' after 'to'")) {
				return -1;
			}
		}
		if (to < from)
			serr(p, at->line, at->col, "reserved range %lld to %lld is empty",
			     (long long)from, (long long)to);
		if (append_new(p, numbers, json_pack("[I, I]", (json_int_t)from, (json_int_t)to)))
			return -1;
		if (!sym(p, peek(p, 0), ','))
			break;
		next(p);
	}
	(void)kw;
	return expect_sym(p, ';', "after the reserved numbers");
}

static int parse_extensions(struct parser *p, json_t *msg)
{
	const struct tok *kw = next(p);
	json_t *list = json_object_get(msg, "extensions");
	json_t *opts = json_object();

	if (!opts) {
		p->oom = 1;
		return -1;
	}
	if (p->proto3)
		serr(p, kw->line, kw->col, "extension ranges are not allowed in proto3");
	for (;;) {
		json_int_t from, to;
		const struct tok *at = peek(p, 0);
		if (parse_number(p, &from, "an extension number"))
			goto fail;
		to = from;
		if (tok_is(p, peek(p, 0), "to")) {
			next(p);
			if (tok_is(p, peek(p, 0), "max")) {
				next(p);
				to = PROTOBUF_MAX_FIELD;
			} else if (parse_number(p, &to, "a number or 'max' after 'to'")) {
				goto fail;
			}
		}
		if (from < 1 || to > PROTOBUF_MAX_FIELD || to < from)
			serr(p, at->line, at->col, "invalid extension range %lld to %lld",
			     (long long)from, (long long)to);
		if (append_new(p, list, json_pack("[I, I]", from, to)))
			goto fail;
		if (!sym(p, peek(p, 0), ','))
			break;
		next(p);
	}
	if (parse_field_options(p, opts))
		goto fail;
	json_decref(opts);
	return expect_sym(p, ';', "after the extension range");
fail:
	json_decref(opts);
	return -1;
}

static int parse_enum(struct parser *p, json_t *list, const char *scope, int depth)
{
	const struct tok *kw = next(p);
	const struct tok *nt = peek(p, 0);
	char *name = NULL;
	json_t *e = NULL, *values, *opts;

	if (depth > PROTOBUF_MAX_DEPTH)
		return perr_at(p, kw->line, kw->col, "declarations nest deeper than %d levels",
		               PROTOBUF_MAX_DEPTH);
	if (expect_ident(p, "an enum name", &name))
		return -1;
	e = new_container(p, name, scope, nt);
	free(name);
	if (!e || set_new(p, e, "values", json_array()) ||
	    set_new(p, e, "reserved", json_pack("{s:[], s:[]}", "numbers", "names")) ||
	    set_new(p, e, "options", json_object()) || append_new(p, list, e))
		return -1;
	values = json_object_get(e, "values");
	opts = json_object_get(e, "options");
	if (expect_sym(p, '{', "opening the enum"))
		return -1;
	while (!sym(p, peek(p, 0), '}')) {
		const struct tok *t = peek(p, 0);
		if (t->kind == T_EOF)
			return expected(p, "'}' closing the enum");
		if (sym(p, t, ';')) {
			next(p);
		} else if (tok_is(p, t, "option") && peek(p, 1)->kind != T_SYM) {
			if (parse_option_statement(p, opts))
				return -1;
		} else if (tok_is(p, t, "option") && sym(p, peek(p, 1), '(')) {
			if (parse_option_statement(p, opts))
				return -1;
		} else if (tok_is(p, t, "reserved") && !sym(p, peek(p, 1), '=')) {
			if (parse_reserved(p, json_object_get(e, "reserved"), MAX_ENUM_VALUE))
				return -1;
		} else if (t->kind == T_IDENT) {
			json_t *v, *vopts = json_object();
			json_int_t number;
			char *vname = tok_text(p, next(p));
			if (!vname || !vopts) {
				free(vname);
				json_decref(vopts);
				p->oom = 1;
				return -1;
			}
			if (expect_sym(p, '=', "after the enum value name") ||
			    parse_number(p, &number, "an enum value number") ||
			    parse_field_options(p, vopts) ||
			    expect_sym(p, ';', "after the enum value")) {
				free(vname);
				json_decref(vopts);
				return -1;
			}
			v = json_pack("{s:s, s:I, s:o}", "name", vname, "number", number, "options",
			              vopts);
			free(vname);
			if (!v || set_pos(p, v, t) || append_new(p, values, v))
				return -1;
		} else {
			return expected(p, "an enum value, 'option', 'reserved' or '}'");
		}
	}
	next(p);
	return 0;
}

static int parse_oneof(struct parser *p, json_t *msg, const char *scope, int depth)
{
	const struct tok *kw = next(p);
	const struct tok *nt = peek(p, 0);
	json_t *o, *fields = json_object_get(msg, "fields");
	char *name;
	size_t before = json_array_size(fields);

	(void)kw;
	if (expect_ident(p, "a oneof name", &name))
		return -1;
	o = json_pack("{s:s, s:{}}", "name", name, "options");
	if (!o || set_pos(p, o, nt) || append_new(p, json_object_get(msg, "oneofs"), o)) {
		free(name);
		return -1;
	}
	if (expect_sym(p, '{', "opening the oneof")) {
		free(name);
		return -1;
	}
	while (!sym(p, peek(p, 0), '}')) {
		const struct tok *t = peek(p, 0);
		if (t->kind == T_EOF) {
			free(name);
			return expected(p, "'}' closing the oneof");
		}
		if (sym(p, t, ';')) {
			next(p);
			continue;
		}
		if (tok_is(p, t, "option") &&
		    (peek(p, 1)->kind == T_IDENT || sym(p, peek(p, 1), '(')) &&
		    !sym(p, peek(p, 2), '=')) {
			if (parse_option_statement(p, json_object_get(o, "options"))) {
				free(name);
				return -1;
			}
			continue;
		}
		if (tok_is(p, t, "required") || tok_is(p, t, "optional") ||
		    tok_is(p, t, "repeated")) {
			if (!(tok_is(p, peek(p, 1), "group") && !p->proto3))
				serr(p, t->line, t->col, "fields in oneofs must not have labels");
			next(p);
		}
		if (parse_field(p, msg, fields, NULL, NULL, name, scope, depth)) {
			free(name);
			return -1;
		}
	}
	next(p);
	if (json_array_size(fields) == before)
		serr(p, nt->line, nt->col, "oneof '%s' has no fields", name);
	free(name);
	return 0;
}

static int parse_extend(struct parser *p, json_t *list, const char *scope, int depth)
{
	const struct tok *kw = next(p);
	char *extendee;
	json_t *x, *fields, *holder;
	int rc;

	if (parse_type_name(p, "the extended message's name", &extendee))
		return -1;
	x = json_pack("{s:s, s:[]}", "extendee", extendee, "fields");
	free(extendee);
	if (!x || set_pos(p, x, kw) || append_new(p, list, x))
		return -1;
	fields = json_object_get(x, "fields");
	if (expect_sym(p, '{', "opening the extend block"))
		return -1;
	while (!sym(p, peek(p, 0), '}')) {
		const struct tok *t = peek(p, 0);
		const char *label = NULL;
		if (t->kind == T_EOF)
			return expected(p, "'}' closing the extend block");
		if (sym(p, t, ';')) {
			next(p);
			continue;
		}
		if (tok_is(p, t, "required") || tok_is(p, t, "optional") ||
		    tok_is(p, t, "repeated")) {
			label = tok_is(p, t, "required")   ? "required"
			        : tok_is(p, t, "optional") ? "optional"
			                                   : "repeated";
			next(p);
		} else {
			t = NULL;
		}
		/* a group inside an extend block gets its message in holder, which is dropped */
		holder = json_pack("{s:[]}", "messages");
		if (!holder) {
			p->oom = 1;
			return -1;
		}
		rc = parse_field(p, holder, fields, label, t, NULL, scope, depth);
		json_decref(holder);
		if (rc)
			return -1;
	}
	next(p);
	return 0;
}

static int message_body(struct parser *p, json_t *m, const char *scope, int depth);

/*
 * "message" Name "{" body "}" appended to list; or, when list is a message object (a group),
 * "{" body "}" into it.
 */
static int parse_message(struct parser *p, json_t *list, const char *scope, int depth,
                         const struct tok *label_tok)
{
	const struct tok *kw = peek(p, 0);
	json_t *m;
	char *name;
	int rc;

	(void)label_tok;
	if (depth > PROTOBUF_MAX_DEPTH)
		return perr_at(p, kw->line, kw->col, "declarations nest deeper than %d levels",
		               PROTOBUF_MAX_DEPTH);
	if (json_is_object(list)) { /* a group's body */
		char *full = strdup(json_string_value(json_object_get(list, "fullName")));
		if (!full) {
			p->oom = 1;
			return -1;
		}
		rc = expect_sym(p, '{', "opening the group");
		if (!rc)
			rc = message_body(p, list, full, depth);
		free(full);
		return rc;
	}
	next(p); /* message */
	kw = peek(p, 0);
	if (expect_ident(p, "a message name", &name))
		return -1;
	m = message_new(p, name, scope, kw);
	free(name);
	if (!m || append_new(p, list, m))
		return -1;
	if (expect_sym(p, '{', "opening the message"))
		return -1;
	name = strdup(json_string_value(json_object_get(m, "fullName")));
	if (!name) {
		p->oom = 1;
		return -1;
	}
	rc = message_body(p, m, name, depth);
	free(name);
	return rc;
}

/* The body after "{" up to and including "}". scope is the message's full name. */
static int message_body(struct parser *p, json_t *m, const char *scope, int depth)
{
	while (!sym(p, peek(p, 0), '}')) {
		const struct tok *t = peek(p, 0);
		const struct tok *t1 = peek(p, 1);
		if (p->failed || p->oom)
			return -1;
		if (t->kind == T_EOF)
			return expected(p, "'}' closing the message");
		if (sym(p, t, ';')) {
			next(p);
		} else if (tok_is(p, t, "message") && t1->kind == T_IDENT &&
		           sym(p, peek(p, 2), '{')) {
			if (parse_message(p, json_object_get(m, "messages"), scope, depth + 1,
			                  NULL))
				return -1;
		} else if (tok_is(p, t, "enum") && t1->kind == T_IDENT && sym(p, peek(p, 2), '{')) {
			if (parse_enum(p, json_object_get(m, "enums"), scope, depth + 1))
				return -1;
		} else if (tok_is(p, t, "oneof") && t1->kind == T_IDENT &&
		           sym(p, peek(p, 2), '{')) {
			if (parse_oneof(p, m, scope, depth))
				return -1;
		} else if (tok_is(p, t, "extend") && !sym(p, peek(p, 2), '=') &&
		           (t1->kind == T_IDENT || sym(p, t1, '.'))) {
			if (parse_extend(p, json_object_get(m, "extends"), scope, depth))
				return -1;
		} else if (tok_is(p, t, "option") && (t1->kind == T_IDENT || sym(p, t1, '(')) &&
		           !sym(p, peek(p, 2), '=')) {
			if (parse_option_statement(p, json_object_get(m, "options")))
				return -1;
		} else if (tok_is(p, t, "option") && t1->kind == T_IDENT &&
		           sym(p, peek(p, 2), '=') && !sym(p, peek(p, 3), '-') &&
		           peek(p, 3)->kind != T_INT) {
			/* option name = value;  (not a field of a type named "option") */
			if (parse_option_statement(p, json_object_get(m, "options")))
				return -1;
		} else if (tok_is(p, t, "reserved") &&
		           (t1->kind == T_INT || t1->kind == T_STRING || sym(p, t1, '-') ||
		            (p->editions && t1->kind == T_IDENT && !sym(p, peek(p, 2), '=')))) {
			if (parse_reserved(p, json_object_get(m, "reserved"), PROTOBUF_MAX_FIELD))
				return -1;
		} else if (tok_is(p, t, "extensions") && t1->kind == T_INT) {
			if (parse_extensions(p, m))
				return -1;
		} else {
			const char *label = NULL;
			const struct tok *lt = NULL;
			if ((tok_is(p, t, "required") || tok_is(p, t, "optional") ||
			     tok_is(p, t, "repeated")) &&
			    !sym(p, peek(p, 2), '=')) {
				lt = next(p);
				label = tok_is(p, lt, "required")   ? "required"
				        : tok_is(p, lt, "optional") ? "optional"
				                                    : "repeated";
				if (p->proto3 && strcmp(label, "required") == 0)
					serr(p, lt->line, lt->col,
					     "required fields are not allowed in proto3");
				if (p->editions && strcmp(label, "repeated") != 0)
					serr(p, lt->line, lt->col,
					     "label '%s' is not allowed in editions (use "
					     "features.field_presence)",
					     label);
			} else if (t->kind != T_IDENT && !sym(p, t, '.')) {
				return expected(p,
				                "a field, message, enum, oneof, option, reserved "
				                "or '}'");
			} else if (!p->proto3 && !p->editions &&
			           !(tok_is(p, t, "map") && sym(p, t1, '<'))) {
				serr(p, t->line, t->col,
				     "field needs a label in proto2 ('optional', 'required' or "
				     "'repeated')");
			}
			if (parse_field(p, m, json_object_get(m, "fields"), label, lt, NULL, scope,
			                depth))
				return -1;
		}
	}
	next(p);
	return 0;
}

static int parse_service(struct parser *p, json_t *list, const char *scope)
{
	const struct tok *nt;
	json_t *s, *rpcs;
	char *name;

	next(p); /* service */
	nt = peek(p, 0);
	if (expect_ident(p, "a service name", &name))
		return -1;
	s = new_container(p, name, scope, nt);
	free(name);
	if (!s || set_new(p, s, "rpcs", json_array()) || set_new(p, s, "options", json_object()) ||
	    append_new(p, list, s))
		return -1;
	rpcs = json_object_get(s, "rpcs");
	if (expect_sym(p, '{', "opening the service"))
		return -1;
	while (!sym(p, peek(p, 0), '}')) {
		const struct tok *t = peek(p, 0);
		if (t->kind == T_EOF)
			return expected(p, "'}' closing the service");
		if (sym(p, t, ';')) {
			next(p);
		} else if (tok_is(p, t, "option")) {
			if (parse_option_statement(p, json_object_get(s, "options")))
				return -1;
		} else if (tok_is(p, t, "rpc")) {
			char *rname = NULL, *in = NULL, *out = NULL;
			int in_stream = 0, out_stream = 0;
			json_t *r, *ropts;
			next(p);
			if (expect_ident(p, "an rpc name", &rname))
				return -1;
			if (expect_sym(p, '(', "opening the request type"))
				goto rpc_fail;
			if (tok_is(p, peek(p, 0), "stream") &&
			    (peek(p, 1)->kind == T_IDENT || sym(p, peek(p, 1), '.'))) {
				next(p);
				in_stream = 1;
			}
			if (parse_type_name(p, "a request type", &in) ||
			    expect_sym(p, ')', "closing the request type"))
				goto rpc_fail;
			if (!tok_is(p, peek(p, 0), "returns")) {
				expected(p, "'returns'");
				goto rpc_fail;
			}
			next(p);
			if (expect_sym(p, '(', "opening the response type"))
				goto rpc_fail;
			if (tok_is(p, peek(p, 0), "stream") &&
			    (peek(p, 1)->kind == T_IDENT || sym(p, peek(p, 1), '.'))) {
				next(p);
				out_stream = 1;
			}
			if (parse_type_name(p, "a response type", &out) ||
			    expect_sym(p, ')', "closing the response type"))
				goto rpc_fail;
			r = json_pack("{s:s, s:s, s:b, s:s, s:b, s:{}}", "name", rname, "input", in,
			              "inputStream", in_stream, "output", out, "outputStream",
			              out_stream, "options");
			free(rname);
			free(in);
			free(out);
			rname = in = out = NULL;
			if (!r || set_pos(p, r, t) || append_new(p, rpcs, r))
				return -1;
			ropts = json_object_get(r, "options");
			if (sym(p, peek(p, 0), '{')) {
				next(p);
				while (!sym(p, peek(p, 0), '}')) {
					if (sym(p, peek(p, 0), ';')) {
						next(p);
					} else if (tok_is(p, peek(p, 0), "option")) {
						if (parse_option_statement(p, ropts))
							return -1;
					} else {
						return expected(p, "'option' or '}' in the rpc");
					}
				}
				next(p);
			} else if (expect_sym(p, ';', "after the rpc")) {
				return -1;
			}
			continue;
		rpc_fail:
			free(rname);
			free(in);
			free(out);
			return -1;
		} else {
			return expected(p, "'rpc', 'option' or '}'");
		}
	}
	next(p);
	return 0;
}

static int parse_file(struct parser *p)
{
	json_t *r = p->root;
	const char *package = NULL;
	int seen_package = 0;
	size_t i = 0;

	if (tok_is(p, peek(p, 0), "syntax") || tok_is(p, peek(p, 0), "edition")) {
		const struct tok *kw = next(p);
		const struct tok *v;
		int edition = tok_is(p, kw, "edition");
		if (expect_sym(p, '=', edition ? "after 'edition'" : "after 'syntax'"))
			return -1;
		v = peek(p, 0);
		if (v->kind != T_STRING)
			return expected(p, edition ? "an edition string" : "a syntax string");
		next(p);
		if (!edition && strcmp(v->str, "proto2") && strcmp(v->str, "proto3"))
			return perr_at(p, v->line, v->col,
			               "unknown syntax '%s' (expected 'proto2' or 'proto3')",
			               v->str);
		if (edition && strcmp(v->str, "2023") && strcmp(v->str, "2024"))
			return perr_at(p, v->line, v->col,
			               "unknown edition '%s' (expected '2023' or '2024')", v->str);
		if (edition) {
			p->editions = 1;
			if (set_new(p, r, "syntax", json_string("editions")) ||
			    set_new(p, r, "edition", json_string(v->str)))
				return -1;
		} else {
			p->proto3 = strcmp(v->str, "proto3") == 0;
			if (set_new(p, r, "syntax", json_string(v->str)))
				return -1;
		}
		if (expect_sym(p, ';', edition ? "after the edition" : "after the syntax"))
			return -1;
	} else if (set_new(p, r, "syntax", json_string("proto2"))) {
		return -1;
	}
	while (peek(p, 0)->kind != T_EOF) {
		const struct tok *t = peek(p, 0);
		if (p->failed || p->oom)
			return -1;
		i++;
		if (sym(p, t, ';')) {
			next(p);
		} else if (tok_is(p, t, "import")) {
			const char *kind = "";
			const struct tok *s;
			json_t *imp;
			int ref = 0;
			next(p);
			if (tok_is(p, peek(p, 0), "public") || tok_is(p, peek(p, 0), "weak")) {
				kind = tok_is(p, peek(p, 0), "public") ? "public" : "weak";
				next(p);
			}
			s = peek(p, 0);
			if (s->kind != T_STRING)
				return expected(p, "an import path string");
			next(p);
			if (expect_sym(p, ';', "after the import"))
				return -1;
			for (size_t k = 0; k < p->nrefs; k++)
				if (p->refs[k] && strcmp(p->refs[k], s->str) == 0)
					ref = 1;
			for (size_t k = 0; k < p->nimports; k++)
				if (p->imports[k].path && strcmp(p->imports[k].path, s->str) == 0)
					ref = 1;
			imp = json_pack("{s:s, s:s, s:b}", "path", s->str, "kind", kind,
			                "reference", ref);
			if (!imp || set_pos(p, imp, t) ||
			    append_new(p, json_object_get(r, "imports"), imp))
				return -1;
		} else if (tok_is(p, t, "package")) {
			char *name;
			next(p);
			if (seen_package)
				serr(p, t->line, t->col, "package is declared twice");
			seen_package = 1;
			if (parse_type_name(p, "a package name", &name))
				return -1;
			if (name[0] == '.') {
				free(name);
				return perr_at(p, t->line, t->col,
				               "package name cannot start with '.'");
			}
			if (set_new(p, r, "package", json_string(name))) {
				free(name);
				return -1;
			}
			free(name);
			if (expect_sym(p, ';', "after the package name"))
				return -1;
		} else if (tok_is(p, t, "option")) {
			if (parse_option_statement(p, json_object_get(r, "options")))
				return -1;
		} else if (tok_is(p, t, "message")) {
			package = json_string_value(json_object_get(r, "package"));
			if (parse_message(p, json_object_get(r, "messages"), package, 1, NULL))
				return -1;
		} else if (tok_is(p, t, "enum")) {
			package = json_string_value(json_object_get(r, "package"));
			if (parse_enum(p, json_object_get(r, "enums"), package, 1))
				return -1;
		} else if (tok_is(p, t, "service")) {
			package = json_string_value(json_object_get(r, "package"));
			if (parse_service(p, json_object_get(r, "services"), package))
				return -1;
		} else if (tok_is(p, t, "extend")) {
			package = json_string_value(json_object_get(r, "package"));
			if (parse_extend(p, json_object_get(r, "extends"), package, 1))
				return -1;
		} else if (tok_is(p, t, "syntax") || tok_is(p, t, "edition")) {
			return perr_at(p, t->line, t->col,
			               "the %.*s statement must come first in the file",
			               (int)t->len, p->text + t->off);
		} else {
			return expected(p, "'message', 'enum', 'service', 'extend', 'import', "
			                   "'package', 'option' or ';'");
		}
	}
	return p->failed || p->oom ? -1 : 0;
}

/* ---- semantic checks --------------------------------------------------------------------- */

static int jint(const json_t *o, const char *key)
{
	return (int)json_integer_value(json_object_get(o, key));
}

static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int add_type(struct parser *p, const char *full, const char *kind)
{
	if (json_object_set_new(p->types, full, json_string(kind))) {
		p->oom = 1;
		return -1;
	}
	return 0;
}

static void collect_types(struct parser *p, const json_t *container, int depth)
{
	size_t i;
	const json_t *x;

	if (depth > PROTOBUF_MAX_DEPTH + 1)
		return;
	json_array_foreach(json_object_get(container, "messages"), i, x)
	{
		const char *full = jstr(x, "fullName");
		if (json_object_get(p->types, full))
			serr(p, jint(x, "line"), jint(x, "col"), "'%s' is already defined", full);
		add_type(p, full, "message");
		collect_types(p, x, depth + 1);
	}
	json_array_foreach(json_object_get(container, "enums"), i, x)
	{
		const char *full = jstr(x, "fullName");
		if (json_object_get(p->types, full))
			serr(p, jint(x, "line"), jint(x, "col"), "'%s' is already defined", full);
		add_type(p, full, "enum");
	}
}

static const struct {
	const char *name;
	const char *kind;
} well_known[] = {
    {"google.protobuf.Any", "message"},         {"google.protobuf.Api", "message"},
    {"google.protobuf.BoolValue", "message"},   {"google.protobuf.BytesValue", "message"},
    {"google.protobuf.DoubleValue", "message"}, {"google.protobuf.Duration", "message"},
    {"google.protobuf.Empty", "message"},       {"google.protobuf.Enum", "message"},
    {"google.protobuf.EnumValue", "message"},   {"google.protobuf.Field", "message"},
    {"google.protobuf.FieldMask", "message"},   {"google.protobuf.FloatValue", "message"},
    {"google.protobuf.Int32Value", "message"},  {"google.protobuf.Int64Value", "message"},
    {"google.protobuf.ListValue", "message"},   {"google.protobuf.Method", "message"},
    {"google.protobuf.Mixin", "message"},       {"google.protobuf.NullValue", "enum"},
    {"google.protobuf.Option", "message"},      {"google.protobuf.SourceContext", "message"},
    {"google.protobuf.StringValue", "message"}, {"google.protobuf.Struct", "message"},
    {"google.protobuf.Syntax", "enum"},         {"google.protobuf.Timestamp", "message"},
    {"google.protobuf.Type", "message"},        {"google.protobuf.UInt32Value", "message"},
    {"google.protobuf.UInt64Value", "message"}, {"google.protobuf.Value", "message"},
};

/* Registers the package and its parents as scopes. */
static void add_packages(struct parser *p, const char *pkg)
{
	char buf[1024];
	size_t n;

	if (!pkg || (n = strlen(pkg)) >= sizeof(buf))
		return;
	memcpy(buf, pkg, n + 1);
	for (;;) {
		char *dot;
		if (!json_object_get(p->types, buf))
			add_type(p, buf, "package");
		dot = strrchr(buf, '.');
		if (!dot)
			break;
		*dot = '\0';
	}
}

/*
 * Resolves ref seen in scope (a full name, "" at the top). Returns the kind ("message", "enum")
 * and sets *full (malloc'd), or NULL when unresolved. A name that resolves to a package is
 * unresolved.
 */
static const char *resolve(struct parser *p, const char *ref, const char *scope, char **full)
{
	size_t flen = strcspn(ref, ".");
	char *s;
	const char *kind;

	*full = NULL;
	if (ref[0] == '.') {
		kind = jstr(p->types, ref + 1);
		if (kind && strcmp(kind, "package") != 0) {
			*full = strdup(ref + 1);
			if (!*full)
				p->oom = 1;
			return kind;
		}
		return NULL;
	}
	s = strdup(scope ? scope : "");
	if (!s) {
		p->oom = 1;
		return NULL;
	}
	for (;;) {
		size_t sl = strlen(s);
		char *first = malloc(sl + flen + 2), *cand = malloc(sl + strlen(ref) + 2);
		if (!first || !cand) {
			free(first);
			free(cand);
			free(s);
			p->oom = 1;
			return NULL;
		}
		if (sl)
			snprintf(first, sl + flen + 2, "%s.%.*s", s, (int)flen, ref);
		else
			snprintf(first, flen + 1, "%.*s", (int)flen, ref);
		if (sl)
			snprintf(cand, sl + strlen(ref) + 2, "%s.%s", s, ref);
		else
			snprintf(cand, strlen(ref) + 1, "%s", ref);
		if (json_object_get(p->types, first)) {
			kind = jstr(p->types, cand);
			free(first);
			free(s);
			if (kind && strcmp(kind, "package") != 0) {
				*full = cand;
				return kind;
			}
			free(cand);
			return NULL;
		}
		free(first);
		free(cand);
		if (!sl)
			break;
		{
			char *dot = strrchr(s, '.');
			if (dot)
				*dot = '\0';
			else
				s[0] = '\0';
		}
	}
	free(s);
	return NULL;
}

/* The index of path among the imports given with their text, or -1. */
static long import_index(const struct parser *p, const char *path)
{
	for (size_t k = 0; k < p->nimports; k++)
		if (p->imports[k].path && path && strcmp(p->imports[k].path, path) == 0)
			return (long)k;
	return -1;
}

/*
 * Counts the file's imports other than google/protobuf/...: *unknown those not given at all
 * (*first the first of them), *refs those given whose types cannot be seen (a reference by
 * name only, or an imported text that does not parse). Imports given with a text that parsed
 * count in neither: their types are known, so a type found nowhere is an error.
 */
static void import_counts(struct parser *p, size_t *unknown, size_t *refs, const char **first)
{
	size_t i;
	const json_t *imp;

	*unknown = *refs = 0;
	*first = NULL;
	json_array_foreach(json_object_get(p->root, "imports"), i, imp)
	{
		const char *path = jstr(imp, "path");
		long k = import_index(p, path);
		if (strncmp(path, "google/protobuf/", 16) == 0)
			continue;
		if (k >= 0) {
			if (!p->import_asts[k])
				(*refs)++;
		} else if (json_is_true(json_object_get(imp, "reference"))) {
			(*refs)++;
		} else {
			(*unknown)++;
			if (!*first)
				*first = path;
		}
	}
}

/* Resolves a type reference for a field (or a map value) and reports it when unresolved. */
static void resolve_ref(struct parser *p, json_t *o, const char *ref, const char *scope,
                        const char *kind_key, const char *full_key, int line, int col)
{
	char *full = NULL;
	const char *kind = resolve(p, ref, scope, &full);
	size_t unknown, refs;
	const char *first;

	if (kind) {
		if (json_object_set_new(o, kind_key, json_string(kind)) ||
		    json_object_set_new(o, full_key, json_string(full)))
			p->oom = 1;
		free(full);
		return;
	}
	if (json_object_set_new(o, kind_key, json_string("unresolved")))
		p->oom = 1;
	import_counts(p, &unknown, &refs, &first);
	if (unknown)
		swarn(p, line, col,
		      "type '%s' is not defined in this file (import '%s' is not given as a "
		      "reference)",
		      ref, first);
	else if (!refs)
		serr(p, line, col, "unknown type '%s'", ref);
}

static void check_fields(struct parser *p, json_t *fields, const json_t *msg, const char *scope)
{
	const json_t *reserved = json_object_get(msg, "reserved");
	const json_t *ext = json_object_get(msg, "extensions");
	size_t i, j;
	json_t *f;

	json_array_foreach(fields, i, f)
	{
		json_int_t n = json_integer_value(json_object_get(f, "number"));
		const char *name = jstr(f, "name"), *type = jstr(f, "type");
		const char *kind = jstr(f, "kind");
		int line = jint(f, "line"), col = jint(f, "col");
		json_t *map = json_object_get(f, "map");

		if (n < 1 || n > PROTOBUF_MAX_FIELD)
			serr(p, line, col, "field number %lld of '%s' out of range (1 to %d)",
			     (long long)n, name, PROTOBUF_MAX_FIELD);
		else if (n >= 19000 && n <= 19999)
			serr(
			    p, line, col,
			    "field number %lld of '%s' is reserved for the protobuf implementation "
			    "(19000 to 19999)",
			    (long long)n, name);
		for (j = 0; j < i; j++) {
			const json_t *g = json_array_get(fields, j);
			if (json_integer_value(json_object_get(g, "number")) == n)
				serr(p, line, col,
				     "field number %lld of '%s' is already used by '%s'",
				     (long long)n, name, jstr(g, "name"));
			if (strcmp(jstr(g, "name"), name) == 0)
				serr(p, line, col, "duplicate field name '%s'", name);
		}
		if (reserved && protobuf_in_ranges(json_object_get(reserved, "numbers"), n))
			serr(p, line, col, "field '%s' uses reserved number %lld", name,
			     (long long)n);
		if (reserved && protobuf_in_names(json_object_get(reserved, "names"), name))
			serr(p, line, col, "field name '%s' is reserved", name);
		if (ext && protobuf_in_ranges(ext, n))
			serr(p, line, col, "field number %lld of '%s' is inside an extension range",
			     (long long)n, name);
		if (json_object_get(json_object_get(f, "options"), "default")) {
			if (p->proto3)
				serr(p, line, col,
				     "explicit default values are not allowed in proto3 (field "
				     "'%s')",
				     name);
			else if (strcmp(jstr(f, "label"), "repeated") == 0)
				serr(p, line, col, "repeated field '%s' cannot have a default",
				     name);
		}
		if (strcmp(kind, "unresolved") == 0)
			resolve_ref(p, f, type, scope, "kind", "typeFullName", line, col);
		if (map) {
			const char *v = jstr(map, "value");
			if (is_scalar(v)) {
				if (json_object_set_new(map, "valueKind", json_string("scalar")))
					p->oom = 1;
			} else {
				resolve_ref(p, map, v, scope, "valueKind", "valueFullName", line,
				            col);
			}
		}
		if (strcmp(jstr(f, "kind"), "group") == 0) {
			char *full = join_name(scope, type);
			if (!full || json_object_set_new(f, "typeFullName", json_string(full)))
				p->oom = 1;
			free(full);
		}
	}
}

static void check_reserved(struct parser *p, const json_t *owner, json_int_t lo, json_int_t hi)
{
	const json_t *numbers = json_object_get(json_object_get(owner, "reserved"), "numbers");
	size_t i;
	const json_t *r;

	json_array_foreach(numbers, i, r)
	{
		json_int_t a = json_integer_value(json_array_get(r, 0));
		json_int_t b = json_integer_value(json_array_get(r, 1));
		if (a < lo || b > hi)
			serr(p, jint(owner, "line"), jint(owner, "col"),
			     "reserved range %lld to %lld of '%s' is out of range (%lld to %lld)",
			     (long long)a, (long long)b, jstr(owner, "name"), (long long)lo,
			     (long long)hi);
	}
}

static void check_enum(struct parser *p, const json_t *e)
{
	const json_t *values = json_object_get(e, "values");
	const json_t *reserved = json_object_get(e, "reserved");
	int alias = json_is_true(json_object_get(json_object_get(e, "options"), "allow_alias"));
	size_t i, j;
	const json_t *v;

	check_reserved(p, e, -MAX_ENUM_VALUE - 1, MAX_ENUM_VALUE);
	if (json_array_size(values) == 0)
		serr(p, jint(e, "line"), jint(e, "col"), "enum '%s' must have at least one value",
		     jstr(e, "name"));
	else if ((p->proto3 || p->editions) &&
	         json_integer_value(json_object_get(json_array_get(values, 0), "number")) != 0)
		serr(p, jint(json_array_get(values, 0), "line"),
		     jint(json_array_get(values, 0), "col"),
		     "first value of enum '%s' must be 0 in %s", jstr(e, "name"),
		     p->proto3 ? "proto3" : "editions");
	json_array_foreach(values, i, v)
	{
		json_int_t n = json_integer_value(json_object_get(v, "number"));
		const char *name = jstr(v, "name");
		int line = jint(v, "line"), col = jint(v, "col");
		if (n < -MAX_ENUM_VALUE - 1 || n > MAX_ENUM_VALUE)
			serr(p, line, col, "enum value number %lld of '%s' out of range (32 bits)",
			     (long long)n, name);
		for (j = 0; j < i; j++) {
			const json_t *w = json_array_get(values, j);
			if (strcmp(jstr(w, "name"), name) == 0)
				serr(p, line, col, "duplicate enum value name '%s'", name);
			else if (!alias && json_integer_value(json_object_get(w, "number")) == n)
				serr(p, line, col,
				     "enum value number %lld of '%s' is already used by '%s' (set "
				     "option allow_alias = true to allow aliases)",
				     (long long)n, name, jstr(w, "name"));
		}
		if (protobuf_in_ranges(json_object_get(reserved, "numbers"), n))
			serr(p, line, col, "enum value '%s' uses reserved number %lld", name,
			     (long long)n);
		if (protobuf_in_names(json_object_get(reserved, "names"), name))
			serr(p, line, col, "enum value name '%s' is reserved", name);
	}
}

static void check_extends(struct parser *p, const json_t *container, const char *scope)
{
	size_t i;
	const json_t *x;

	json_array_foreach(json_object_get(container, "extends"), i, x)
	{
		char *full = NULL;
		const char *kind = resolve(p, jstr(x, "extendee"), scope, &full);
		size_t k;
		json_t *f;
		free(full);
		if (!kind) {
			size_t unknown, refs;
			const char *first;
			import_counts(p, &unknown, &refs, &first);
			if (!unknown && !refs &&
			    strncmp(jstr(x, "extendee"), "google.protobuf.", 16) &&
			    strncmp(jstr(x, "extendee"), ".google.protobuf.", 17))
				serr(p, jint(x, "line"), jint(x, "col"), "unknown type '%s'",
				     jstr(x, "extendee"));
		}
		json_array_foreach(json_object_get(x, "fields"), k, f)
		{
			if (strcmp(jstr(f, "kind"), "unresolved") == 0)
				resolve_ref(p, f, jstr(f, "type"), scope, "kind", "typeFullName",
				            jint(f, "line"), jint(f, "col"));
		}
	}
}

static void check_message(struct parser *p, const json_t *m, int depth)
{
	size_t i;
	const json_t *x;
	const char *scope = jstr(m, "fullName");

	if (depth > PROTOBUF_MAX_DEPTH + 1)
		return;
	check_reserved(p, m, 1, PROTOBUF_MAX_FIELD);
	check_fields(p, json_object_get(m, "fields"), m, scope);
	check_extends(p, m, scope);
	json_array_foreach(json_object_get(m, "enums"), i, x) check_enum(p, x);
	json_array_foreach(json_object_get(m, "messages"), i, x) check_message(p, x, depth + 1);
}

static void check_services(struct parser *p)
{
	size_t i, j;
	const json_t *s, *r;
	const char *pkg = jstr(p->root, "package");

	json_array_foreach(json_object_get(p->root, "services"), i, s)
	{
		json_array_foreach(json_object_get(s, "rpcs"), j, r)
		{
			const char *keys[] = {"input", "output"};
			for (size_t k = 0; k < 2; k++) {
				char *full = NULL;
				const char *kind = resolve(p, jstr(r, keys[k]), pkg, &full);
				free(full);
				if (kind && strcmp(kind, "message") != 0)
					serr(p, jint(r, "line"), jint(r, "col"),
					     "rpc '%s' %s type '%s' is not a message",
					     jstr(r, "name"), keys[k], jstr(r, keys[k]));
			}
		}
	}
}

/* Registers the messages and enums (nested ones too) of an imported file's AST; imp is the
 * import statement of this file that made them visible (the position of a conflict). */
static void collect_import_types(struct parser *p, const json_t *container, const char *path,
                                 const json_t *imp, int depth)
{
	static const char *const lists[] = {"messages", "enums"};

	if (depth > PROTOBUF_MAX_DEPTH + 1)
		return;
	for (size_t l = 0; l < 2; l++) {
		size_t i;
		const json_t *x;
		json_array_foreach(json_object_get(container, lists[l]), i, x)
		{
			const char *full = jstr(x, "fullName"), *had;
			if (!full)
				continue;
			had = jstr(p->types, full);
			if (had && strcmp(had, "package") != 0)
				serr(p, jint(imp, "line"), jint(imp, "col"),
				     "'%s' of import '%s' is already defined", full, path);
			else if (!had)
				add_type(p, full, l ? "enum" : "message");
			if (!l)
				collect_import_types(p, x, path, imp, depth + 1);
		}
	}
}

/*
 * Protobuf scoping across files: the types of each directly imported file given with its text
 * are visible, and, through "import public" in such a file, those of the files it re-exports
 * (followed with a work list, each file once). Imports are not transitive otherwise.
 */
static void add_import_types(struct parser *p)
{
	size_t i, head = 0, tail = 0;
	const json_t *imp;
	size_t *queue;
	const json_t **via;
	char *seen;

	if (!p->nimports)
		return;
	queue = calloc(p->nimports, sizeof(*queue));
	via = calloc(p->nimports, sizeof(*via));
	seen = calloc(p->nimports, 1);
	if (!queue || !via || !seen) {
		p->oom = 1;
		goto out;
	}
	json_array_foreach(json_object_get(p->root, "imports"), i, imp)
	{
		long k = import_index(p, jstr(imp, "path"));
		if (k >= 0 && p->import_asts[k] && !seen[k]) {
			seen[k] = 1;
			via[k] = imp;
			queue[tail++] = (size_t)k;
		}
	}
	while (head < tail) {
		size_t k = queue[head++];
		const json_t *ast = p->import_asts[k], *x;
		size_t j;
		add_packages(p, jstr(ast, "package"));
		collect_import_types(p, ast, p->imports[k].path, via[k], 1);
		json_array_foreach(json_object_get(ast, "imports"), j, x)
		{
			long k2 = import_index(p, jstr(x, "path"));
			const char *kind = jstr(x, "kind");
			if (k2 < 0 || !p->import_asts[k2] || seen[k2] || !kind ||
			    strcmp(kind, "public") != 0)
				continue;
			seen[k2] = 1;
			via[k2] = via[k];
			queue[tail++] = (size_t)k2;
		}
	}
out:
	free(queue);
	free(via);
	free(seen);
}

static void check_file(struct parser *p)
{
	size_t i, unknown, refs;
	const json_t *x;
	const char *first;

	p->types = json_object();
	if (!p->types) {
		p->oom = 1;
		return;
	}
	add_packages(p, jstr(p->root, "package"));
	collect_types(p, p->root, 1);
	add_import_types(p);
	json_array_foreach(json_object_get(p->root, "imports"), i, x)
	{
		if (strncmp(jstr(x, "path"), "google/protobuf/", 16) == 0) {
			add_packages(p, "google.protobuf");
			for (size_t k = 0; k < sizeof(well_known) / sizeof(well_known[0]); k++)
				if (!json_object_get(p->types, well_known[k].name))
					add_type(p, well_known[k].name, well_known[k].kind);
		}
	}
	(void)import_counts;
	import_counts(p, &unknown, &refs, &first);
	json_array_foreach(json_object_get(p->root, "messages"), i, x) check_message(p, x, 1);
	json_array_foreach(json_object_get(p->root, "enums"), i, x) check_enum(p, x);
	check_extends(p, p->root, jstr(p->root, "package"));
	check_services(p);
}

/* ---- entry points ------------------------------------------------------------------------ */

static int parse_text(const char *text, size_t len, const char *const *refs, size_t nrefs,
                      const struct protobuf_import *imports, json_t *const *import_asts,
                      size_t nimports, const char *base_pointer, struct dw_findings *out,
                      json_t **ast)
{
	struct parser p;
	size_t errors = dw_findings_errors(out);
	int rc = 0;

	*ast = NULL;
	memset(&p, 0, sizeof(p));
	p.text = text;
	p.len = len;
	p.base = base_pointer ? base_pointer : "";
	p.out = out;
	p.refs = refs;
	p.nrefs = nrefs;
	p.imports = imports;
	p.import_asts = import_asts;
	p.nimports = nimports;
	if (len > PROTOBUF_MAX_TEXT) {
		dw_findings_add(out, p.base, "protobuf schema larger than %u bytes",
		                PROTOBUF_MAX_TEXT);
		return dw_findings_oom(out) ? DW_NOMEM : DW_INVALID;
	}
	p.root = json_pack("{s:n, s:[], s:{}, s:[], s:[], s:[], s:[]}", "package", "imports",
	                   "options", "messages", "enums", "services", "extends");
	if (!p.root)
		return DW_NOMEM;
	if (tokenize(&p) == 0 && parse_file(&p) == 0)
		check_file(&p);
	for (size_t i = 0; i < p.ntoks; i++)
		free(p.toks[i].str);
	free(p.toks);
	json_decref(p.types);
	if (p.oom || dw_findings_oom(out))
		rc = DW_NOMEM;
	else if (p.failed || dw_findings_errors(out) > errors)
		rc = DW_INVALID;
	if (rc)
		json_decref(p.root);
	else
		*ast = p.root;
	return rc;
}

int protobuf_parse(const char *text, size_t len, const char *const *refs, size_t nrefs,
                   const char *base_pointer, struct dw_findings *out, json_t **ast)
{
	return parse_text(text, len, refs, nrefs, NULL, NULL, 0, base_pointer, out, ast);
}

/* Copies the errors of an imported file's parse into out, naming the import (as the finding's
 * file and in the message); its warnings are the referenced file's own business. */
static void import_errors(struct dw_findings *out, const struct dw_findings *sub, const char *path,
                          const char *base)
{
	for (size_t i = 0; i < sub->count; i++) {
		const struct dw_finding *x = &sub->items[i];
		if (x->severity != DW_SEV_ERROR)
			continue;
		dw_findings_add_at(out, DW_SEV_ERROR, NULL, path, x->line, x->col, base,
		                   "import '%s': %s", path, x->message);
	}
}

int protobuf_parse_with(const char *text, size_t len, const struct protobuf_import *imports,
                        size_t nimports, const char *base_pointer, struct dw_findings *out,
                        json_t **ast)
{
	const char **paths = NULL;
	json_t **asts = NULL;
	size_t i, errors = dw_findings_errors(out);
	int rc = 0;

	*ast = NULL;
	if (!base_pointer)
		base_pointer = "";
	if (nimports) {
		paths = calloc(nimports, sizeof(*paths));
		asts = calloc(nimports, sizeof(*asts));
		if (!paths || !asts) {
			rc = DW_NOMEM;
			goto out;
		}
	}
	for (i = 0; i < nimports; i++)
		paths[i] = imports[i].path;
	/* Each imported file is read on its own, its imports counting as given by name: what it
	 * cannot resolve is left to the files it imports (transitive references come as further
	 * entries). A file that does not parse is reported and its types stay unknown. */
	for (i = 0; i < nimports; i++) {
		struct dw_findings sub;
		int sub_rc;

		if (!imports[i].path || !imports[i].text)
			continue;
		dw_findings_init(&sub);
		sub_rc = parse_text(imports[i].text, imports[i].len, paths, nimports, NULL, NULL, 0,
		                    base_pointer, &sub, &asts[i]);
		if (sub_rc == DW_NOMEM || dw_findings_oom(&sub)) {
			dw_findings_release(&sub);
			rc = DW_NOMEM;
			goto out;
		}
		import_errors(out, &sub, imports[i].path, base_pointer);
		dw_findings_release(&sub);
	}
	rc = parse_text(text, len, NULL, 0, imports, asts, nimports, base_pointer, out, ast);
	if (rc == 0 && dw_findings_errors(out) > errors) {
		/* an imported file's errors make the contract invalid too */
		json_decref(*ast);
		*ast = NULL;
		rc = DW_INVALID;
	}
out:
	for (i = 0; asts && i < nimports; i++)
		json_decref(asts[i]);
	free(asts);
	free(paths);
	if (dw_findings_oom(out)) {
		json_decref(*ast);
		*ast = NULL;
		rc = DW_NOMEM;
	}
	return rc;
}

int protobuf_validate(const json_t *contract, const char *base, struct dw_findings *out)
{
	json_t *ast = NULL;
	int rc;

	if (!json_is_string(contract)) {
		dw_findings_add(out, base ? base : "",
		                "a protobuf contract must be a string holding the .proto text, not "
		                "%s",
		                dw_json_type_name(contract));
		return dw_findings_oom(out) ? DW_NOMEM : DW_INVALID;
	}
	rc = protobuf_parse(json_string_value(contract), json_string_length(contract), NULL, 0,
	                    base, out, &ast);
	json_decref(ast);
	return rc;
}

int protobuf_contract_ast(const json_t *contract, json_t **ast)
{
	struct dw_findings f;
	int rc;

	*ast = NULL;
	if (!json_is_string(contract))
		return DW_INVALID;
	dw_findings_init(&f);
	rc = protobuf_parse(json_string_value(contract), json_string_length(contract), NULL, 0,
	                    NULL, &f, ast);
	dw_findings_release(&f);
	return rc;
}

/* ---- canonical printer ------------------------------------------------------------------- */

static void indent(struct strbuf *b, int level)
{
	for (int i = 0; i < level; i++)
		strbuf_addstr(b, "  ");
}

static void print_value(struct strbuf *b, const json_t *v)
{
	if (json_is_string(v)) {
		quote(b, json_string_value(v), json_string_length(v));
	} else if (json_is_integer(v)) {
		strbuf_addf(b, "%lld", (long long)json_integer_value(v));
	} else if (json_is_real(v)) {
		strbuf_addf(b, "%.17g", json_real_value(v));
	} else if (json_is_boolean(v)) {
		strbuf_addstr(b, json_is_true(v) ? "true" : "false");
	} else if (json_object_get(v, "literal")) {
		strbuf_addstr(b, json_string_value(json_object_get(v, "literal")));
	} else if (json_object_get(v, "aggregate")) {
		strbuf_addstr(b, json_string_value(json_object_get(v, "aggregate")));
	}
}

static void print_options(struct strbuf *b, const json_t *opts, int level)
{
	const char *k;
	const json_t *v;

	json_object_foreach((json_t *)opts, k, v)
	{
		indent(b, level);
		strbuf_addf(b, "option %s = ", k);
		print_value(b, v);
		strbuf_addstr(b, ";\n");
	}
}

static void print_inline_options(struct strbuf *b, const json_t *opts)
{
	const char *k;
	const json_t *v;
	int first = 1;

	if (!json_object_size(opts))
		return;
	strbuf_addstr(b, " [");
	json_object_foreach((json_t *)opts, k, v)
	{
		if (!first)
			strbuf_addstr(b, ", ");
		first = 0;
		strbuf_addf(b, "%s = ", k);
		print_value(b, v);
	}
	strbuf_addstr(b, "]");
}

static void print_ranges(struct strbuf *b, const json_t *ranges, json_int_t max)
{
	size_t i;
	const json_t *r;

	json_array_foreach(ranges, i, r)
	{
		json_int_t a = json_integer_value(json_array_get(r, 0));
		json_int_t z = json_integer_value(json_array_get(r, 1));
		strbuf_addstr(b, i ? ", " : " ");
		if (a == z)
			strbuf_addf(b, "%lld", (long long)a);
		else if (z == max)
			strbuf_addf(b, "%lld to max", (long long)a);
		else
			strbuf_addf(b, "%lld to %lld", (long long)a, (long long)z);
	}
}

static void print_reserved(struct strbuf *b, const json_t *reserved, json_int_t max, int level,
                           int editions)
{
	const json_t *numbers = json_object_get(reserved, "numbers");
	const json_t *names = json_object_get(reserved, "names");
	size_t i;
	const json_t *n;

	if (json_array_size(numbers)) {
		indent(b, level);
		strbuf_addstr(b, "reserved");
		print_ranges(b, numbers, max);
		strbuf_addstr(b, ";\n");
	}
	if (json_array_size(names)) {
		indent(b, level);
		strbuf_addstr(b, "reserved");
		json_array_foreach(names, i, n)
		{
			strbuf_addstr(b, i ? ", " : " ");
			if (editions)
				strbuf_addstr(b, json_string_value(n));
			else
				quote(b, json_string_value(n), json_string_length(n));
		}
		strbuf_addstr(b, ";\n");
	}
}

static void print_enum(struct strbuf *b, const json_t *e, int level, int editions)
{
	size_t i;
	const json_t *v;

	indent(b, level);
	strbuf_addf(b, "enum %s {\n", jstr(e, "name"));
	print_options(b, json_object_get(e, "options"), level + 1);
	json_array_foreach(json_object_get(e, "values"), i, v)
	{
		indent(b, level + 1);
		strbuf_addf(b, "%s = %lld", jstr(v, "name"),
		            (long long)json_integer_value(json_object_get(v, "number")));
		print_inline_options(b, json_object_get(v, "options"));
		strbuf_addstr(b, ";\n");
	}
	print_reserved(b, json_object_get(e, "reserved"), MAX_ENUM_VALUE, level + 1, editions);
	indent(b, level);
	strbuf_addstr(b, "}\n");
}

static void print_message(struct strbuf *b, const json_t *m, int level, int editions);

static const json_t *find_group_message(const json_t *m, const char *name)
{
	size_t i;
	const json_t *x;

	json_array_foreach(json_object_get(m, "messages"), i, x)
	{
		if (json_is_true(json_object_get(x, "group")) && strcmp(jstr(x, "name"), name) == 0)
			return x;
	}
	return NULL;
}

static void print_message_body(struct strbuf *b, const json_t *m, int level, int editions);

static void print_field(struct strbuf *b, const json_t *m, const json_t *f, int level, int editions)
{
	const char *label = jstr(f, "label");

	indent(b, level);
	if (label && *label)
		strbuf_addf(b, "%s ", label);
	if (strcmp(jstr(f, "kind"), "group") == 0) {
		const json_t *g = find_group_message(m, jstr(f, "type"));
		strbuf_addf(b, "group %s = %lld", jstr(f, "type"),
		            (long long)json_integer_value(json_object_get(f, "number")));
		print_inline_options(b, json_object_get(f, "options"));
		strbuf_addstr(b, " {\n");
		if (g)
			print_message_body(b, g, level + 1, editions);
		indent(b, level);
		strbuf_addstr(b, "}\n");
		return;
	}
	strbuf_addf(b, "%s %s = %lld", jstr(f, "type"), jstr(f, "name"),
	            (long long)json_integer_value(json_object_get(f, "number")));
	print_inline_options(b, json_object_get(f, "options"));
	strbuf_addstr(b, ";\n");
}

static void print_extends(struct strbuf *b, const json_t *container, int level, int editions)
{
	size_t i, j;
	const json_t *x, *f;

	json_array_foreach(json_object_get(container, "extends"), i, x)
	{
		indent(b, level);
		strbuf_addf(b, "extend %s {\n", jstr(x, "extendee"));
		json_array_foreach(json_object_get(x, "fields"), j, f)
		    print_field(b, container, f, level + 1, editions);
		indent(b, level);
		strbuf_addstr(b, "}\n");
	}
}

static void print_message_body(struct strbuf *b, const json_t *m, int level, int editions)
{
	const json_t *fields = json_object_get(m, "fields");
	size_t i, j;
	const json_t *f, *x;

	print_options(b, json_object_get(m, "options"), level);
	json_array_foreach(fields, i, f)
	{
		const char *oneof = jstr(f, "oneof");
		int first = 1;
		if (!oneof) {
			print_field(b, m, f, level, editions);
			continue;
		}
		for (j = 0; j < i; j++) {
			const char *o2 = jstr(json_array_get(fields, j), "oneof");
			if (o2 && strcmp(o2, oneof) == 0)
				first = 0;
		}
		if (!first)
			continue;
		indent(b, level);
		strbuf_addf(b, "oneof %s {\n", oneof);
		json_array_foreach(json_object_get(m, "oneofs"), j, x)
		{
			if (strcmp(jstr(x, "name"), oneof) == 0)
				print_options(b, json_object_get(x, "options"), level + 1);
		}
		for (j = i; j < json_array_size(fields); j++) {
			const json_t *g = json_array_get(fields, j);
			const char *o2 = jstr(g, "oneof");
			if (o2 && strcmp(o2, oneof) == 0)
				print_field(b, m, g, level + 1, editions);
		}
		indent(b, level);
		strbuf_addstr(b, "}\n");
	}
	print_reserved(b, json_object_get(m, "reserved"), PROTOBUF_MAX_FIELD, level, editions);
	if (json_array_size(json_object_get(m, "extensions"))) {
		indent(b, level);
		strbuf_addstr(b, "extensions");
		print_ranges(b, json_object_get(m, "extensions"), PROTOBUF_MAX_FIELD);
		strbuf_addstr(b, ";\n");
	}
	json_array_foreach(json_object_get(m, "enums"), i, x) print_enum(b, x, level, editions);
	json_array_foreach(json_object_get(m, "messages"), i, x)
	{
		if (!json_is_true(json_object_get(x, "group")))
			print_message(b, x, level, editions);
	}
	print_extends(b, m, level, editions);
}

static void print_message(struct strbuf *b, const json_t *m, int level, int editions)
{
	if (level > PROTOBUF_MAX_DEPTH + 1)
		return;
	indent(b, level);
	strbuf_addf(b, "message %s {\n", jstr(m, "name"));
	print_message_body(b, m, level + 1, editions);
	indent(b, level);
	strbuf_addstr(b, "}\n");
}

char *protobuf_canonical(const json_t *ast)
{
	struct strbuf b = {0};
	const char *syntax = jstr(ast, "syntax"), *pkg = jstr(ast, "package");
	int editions = syntax && strcmp(syntax, "editions") == 0;
	size_t i, j;
	const json_t *x, *r;

	if (editions)
		strbuf_addf(&b, "edition = \"%s\";\n", jstr(ast, "edition"));
	else
		strbuf_addf(&b, "syntax = \"%s\";\n", syntax ? syntax : "proto2");
	if (pkg)
		strbuf_addf(&b, "package %s;\n", pkg);
	json_array_foreach(json_object_get(ast, "imports"), i, x)
	{
		const char *kind = jstr(x, "kind");
		strbuf_addf(&b, "import %s%s", kind && *kind ? kind : "", kind && *kind ? " " : "");
		quote(&b, jstr(x, "path"), strlen(jstr(x, "path")));
		strbuf_addstr(&b, ";\n");
	}
	print_options(&b, json_object_get(ast, "options"), 0);
	json_array_foreach(json_object_get(ast, "messages"), i, x)
	    print_message(&b, x, 0, editions);
	json_array_foreach(json_object_get(ast, "enums"), i, x) print_enum(&b, x, 0, editions);
	print_extends(&b, ast, 0, editions);
	json_array_foreach(json_object_get(ast, "services"), i, x)
	{
		strbuf_addf(&b, "service %s {\n", jstr(x, "name"));
		print_options(&b, json_object_get(x, "options"), 1);
		json_array_foreach(json_object_get(x, "rpcs"), j, r)
		{
			const json_t *ro = json_object_get(r, "options");
			strbuf_addf(
			    &b, "  rpc %s (%s%s) returns (%s%s)", jstr(r, "name"),
			    json_is_true(json_object_get(r, "inputStream")) ? "stream " : "",
			    jstr(r, "input"),
			    json_is_true(json_object_get(r, "outputStream")) ? "stream " : "",
			    jstr(r, "output"));
			if (json_object_size(ro)) {
				strbuf_addstr(&b, " {\n");
				print_options(&b, ro, 2);
				strbuf_addstr(&b, "  }\n");
			} else {
				strbuf_addstr(&b, ";\n");
			}
		}
		strbuf_addstr(&b, "}\n");
	}
	if (b.oom) {
		free(b.buf);
		return NULL;
	}
	return b.buf;
}

/* ---- AST queries ---- */

int protobuf_in_ranges(const json_t *ranges, json_int_t n)
{
	size_t i;
	const json_t *r;

	json_array_foreach(ranges, i, r)
	{
		if (n >= json_integer_value(json_array_get(r, 0)) &&
		    n <= json_integer_value(json_array_get(r, 1)))
			return 1;
	}
	return 0;
}

int protobuf_in_names(const json_t *names, const char *name)
{
	size_t i;
	const json_t *n;

	json_array_foreach(names, i, n)
	{
		if (strcmp(json_string_value(n), name) == 0)
			return 1;
	}
	return 0;
}
