/*
 * load: YAML and JSON text into jansson values with a position for every node (see load.h).
 *
 * Two readers share one document builder (struct docb) and one set of scalar rules:
 *  - YAML goes through libyaml's event parser. Events are folded into json_t with an explicit
 *    stack of open collections, so nesting never recurses on the C stack; the stack itself is
 *    bounded by DW_LOAD_MAX_DEPTH, and deeper subtrees are skipped by counting events.
 *  - Text that starts like JSON ('{', '[' or '"') is first read by a small JSON parser of our
 *    own. libyaml reads most JSON, but not all of it (it refuses the surrogate pairs JSON uses
 *    for characters beyond the BMP). When the JSON parser finds a syntax error the text is read
 *    as YAML instead (it may be flow-style YAML or several documents); when both fail, the error
 *    found furthest into the text is the one reported.
 * The whole text is checked for valid UTF-8 first, so both readers see well-formed characters.
 *
 * Columns count characters, not bytes, as libyaml's marks do; a UTF-8 byte order mark is not a
 * column; CR LF and a lone CR end a line.
 */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "validators/error.h"
#include "validators/load.h"
#include "validators/utf8.h"

#define TAG_PREFIX "tag:yaml.org,2002:"

/* Quoted subjects in messages are cut to this many bytes. */
#define SUBJECT_MAX 60

struct loader {
	const char *file;
	struct dw_findings *errs; /* may be NULL: errors are only counted */
	struct dw_docset *out;
	size_t alloc;		  /* allocated entries of out->docs */
	size_t nodes;		  /* nodes in the documents kept so far */
	size_t alias_nodes;	  /* nodes copied by alias expansion, all documents */
	size_t nerrs;		  /* findings reported */
};

/* A document being built. pos entries own their pointer strings. */
struct docb {
	json_t *root;
	struct dw_pos *pos;
	size_t npos, apos;
	size_t nodes;
	int line, col;
	int bad; /* an error was reported: the document is dropped at its end */
};

/* ---- findings ---- */

/* Copies at most SUBJECT_MAX bytes of s[0..len) for a message, control characters as '?', and
 * "..." when cut (never inside a UTF-8 sequence). */
static void subject(const char *s, size_t len, char *buf, size_t size)
{
	size_t n = 0, i;

	for (i = 0; i < len && n + 4 < size && i < SUBJECT_MAX; i++) {
		unsigned char c = (unsigned char)s[i];
		buf[n++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	if (i < len) {
		while (n > 0 && ((unsigned char)buf[n - 1] & 0xC0) == 0x80)
			n--;
		if (n > 0 && ((unsigned char)buf[n - 1] & 0xC0) == 0xC0)
			n--;
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
}

static void report(struct loader *ld, int line, int col, const char *pointer, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void report(struct loader *ld, int line, int col, const char *pointer, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	ld->nerrs++;
	if (!ld->errs)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	dw_findings_add_at(ld->errs, DW_SEV_ERROR, NULL, ld->file, line, col,
			   pointer ? pointer : "", "%s", msg);
}

/* ---- documents ---- */

static void docb_release(struct docb *d)
{
	for (size_t i = 0; i < d->npos; i++)
		free(d->pos[i].pointer);
	free(d->pos);
	json_decref(d->root);
	memset(d, 0, sizeof(*d));
}

/* Records pointer (taken, freed on failure) at line:col. */
static int docb_pos(struct docb *d, char *pointer, int line, int col)
{
	if (!pointer)
		return DW_NOMEM;
	if (d->npos == d->apos) {
		size_t n = d->apos ? d->apos * 2 : 16;
		struct dw_pos *p = realloc(d->pos, n * sizeof(*p));
		if (!p) {
			free(pointer);
			return DW_NOMEM;
		}
		d->pos = p;
		d->apos = n;
	}
	d->pos[d->npos].pointer = pointer;
	d->pos[d->npos].line = line;
	d->pos[d->npos].col = col;
	d->npos++;
	return 0;
}

/* Reserves k more nodes against DW_LOAD_MAX_NODES; reports and returns 1 when over. */
static int over_budget(struct loader *ld, struct docb *d, size_t k, int line, int col,
		       const char *pointer)
{
	if (ld->nodes + d->nodes + k <= DW_LOAD_MAX_NODES) {
		d->nodes += k;
		return 0;
	}
	report(ld, line, col, pointer, "document has more than %d nodes (aliases included)",
	       DW_LOAD_MAX_NODES);
	d->bad = 1;
	return 1;
}

static int pos_cmp(const void *a, const void *b)
{
	return strcmp(((const struct dw_pos *)a)->pointer, ((const struct dw_pos *)b)->pointer);
}

/* Moves a finished document into the docset, or drops it when bad or empty. */
static int docb_finish(struct loader *ld, struct docb *d, int empty)
{
	struct dw_doc *doc;

	if (d->bad || empty || !d->root) {
		docb_release(d);
		return 0;
	}
	if (ld->out->count == ld->alloc) {
		size_t n = ld->alloc ? ld->alloc * 2 : 4;
		struct dw_doc *docs = realloc(ld->out->docs, n * sizeof(*docs));
		if (!docs)
			return DW_NOMEM;
		ld->out->docs = docs;
		ld->alloc = n;
	}
	qsort(d->pos, d->npos, sizeof(*d->pos), pos_cmp);
	doc = &ld->out->docs[ld->out->count++];
	doc->root = d->root;
	doc->pos = d->pos;
	doc->npos = d->npos;
	doc->line = d->line;
	doc->col = d->col;
	ld->nodes += d->nodes;
	memset(d, 0, sizeof(*d));
	return 0;
}

void dw_docset_release(struct dw_docset *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->count; i++) {
		struct dw_doc *d = &set->docs[i];
		for (size_t j = 0; j < d->npos; j++)
			free(d->pos[j].pointer);
		free(d->pos);
		json_decref(d->root);
	}
	free(set->docs);
	memset(set, 0, sizeof(*set));
}

/* ---- scalars (YAML 1.2 core schema, section 10.3) ---- */

enum { R_OK, R_ERROR, R_NOMEM };

static int is_null(const char *s, size_t n)
{
	return n == 0 || (n == 1 && s[0] == '~') ||
	       (n == 4 && (!memcmp(s, "null", 4) || !memcmp(s, "Null", 4) ||
			   !memcmp(s, "NULL", 4)));
}

/* 1 true, 0 false, -1 neither. */
static int bool_value(const char *s, size_t n)
{
	if (n == 4 && (!memcmp(s, "true", 4) || !memcmp(s, "True", 4) || !memcmp(s, "TRUE", 4)))
		return 1;
	if (n == 5 && (!memcmp(s, "false", 5) || !memcmp(s, "False", 5) ||
		       !memcmp(s, "FALSE", 5)))
		return 0;
	return -1;
}

static int all_of(const char *s, size_t n, const char *set)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!s[i] || !strchr(set, s[i]))
			return 0;
	return 1;
}

#define DIGITS "0123456789"

/* [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+. Returns 1 with *v set, 0 when s is not an integer,
 * -1 when it is one that does not fit json_int_t. */
static int parse_int(const char *s, size_t n, json_int_t *v)
{
	const char *digits = s;
	size_t nd = n;
	int base = 10, neg = 0;
	unsigned long long acc = 0, max;

	if (n > 2 && s[0] == '0' && s[1] == 'o' && all_of(s + 2, n - 2, "01234567")) {
		base = 8;
		digits = s + 2;
		nd = n - 2;
	} else if (n > 2 && s[0] == '0' && s[1] == 'x' &&
		   all_of(s + 2, n - 2, DIGITS "abcdefABCDEF")) {
		base = 16;
		digits = s + 2;
		nd = n - 2;
	} else {
		if (n && (s[0] == '-' || s[0] == '+')) {
			neg = s[0] == '-';
			digits++;
			nd--;
		}
		if (!all_of(digits, nd, DIGITS))
			return 0;
	}
	max = neg ? (unsigned long long)LLONG_MAX + 1 : (unsigned long long)LLONG_MAX;
	for (size_t i = 0; i < nd; i++) {
		char c = digits[i];
		unsigned d = c <= '9' ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);
		if (acc > (max - d) / (unsigned)base)
			return -1;
		acc = acc * (unsigned)base + d;
	}
	if (neg)
		*v = acc == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(json_int_t)acc;
	else
		*v = (json_int_t)acc;
	return 1;
}

/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? and the specials. Returns 1 with *v set,
 * 0 when not a float, -1 when out of range, -2 for .inf/.nan, -3 when out of memory. */
static int parse_float(const char *s, size_t n, double *v)
{
	char stack[128], *buf = stack, *end;
	size_t i = 0, intd = 0, fracd = 0;
	int ret = 1;

	if (n && (s[0] == '-' || s[0] == '+'))
		i++;
	if (n - i == 4 && s[i] == '.' &&
	    (!memcmp(s + i + 1, "inf", 3) || !memcmp(s + i + 1, "Inf", 3) ||
	     !memcmp(s + i + 1, "INF", 3)))
		return -2;
	if (n == 4 && (!memcmp(s, ".nan", 4) || !memcmp(s, ".NaN", 4) || !memcmp(s, ".NAN", 4)))
		return -2;
	while (i < n && s[i] >= '0' && s[i] <= '9') {
		i++;
		intd++;
	}
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			i++;
			fracd++;
		}
	}
	if (!intd && !fracd)
		return 0;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t expd = 0;
		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			i++;
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			i++;
			expd++;
		}
		if (!expd)
			return 0;
	}
	if (i != n)
		return 0;
	if (n >= sizeof(stack)) {
		buf = malloc(n + 1);
		if (!buf)
			return -3;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	*v = strtod(buf, &end);
	if (end != buf + n)
		ret = 0;
	else if (isinf(*v) || isnan(*v))
		ret = -1;
	if (buf != stack)
		free(buf);
	return ret;
}

/* The short form of a core tag ("!!int") or the tag itself, for messages. */
static const char *tag_name(const char *tag, char *buf, size_t size)
{
	size_t plen = strlen(TAG_PREFIX);

	if (!strncmp(tag, TAG_PREFIX, plen)) {
		snprintf(buf, size, "!!%s", tag + plen);
		return buf;
	}
	return tag;
}

/* A core tag's name after TAG_PREFIX, or NULL for any other tag. */
static const char *core_tag(const char *tag)
{
	size_t plen = strlen(TAG_PREFIX);

	if (!tag || strncmp(tag, TAG_PREFIX, plen))
		return NULL;
	return tag + plen;
}

static int scalar_tag_ok(const char *tag)
{
	const char *t = core_tag(tag);

	if (!tag || !strcmp(tag, "!"))
		return 1;
	return t && (!strcmp(t, "str") || !strcmp(t, "int") || !strcmp(t, "float") ||
		     !strcmp(t, "bool") || !strcmp(t, "null"));
}

/*
 * Resolves scalar s[0..n) to a new json_t in *out. plain: written without quotes and without a
 * tag (the core schema applies); tag: the explicit tag or NULL. On R_ERROR, msg holds the
 * message.
 */
static int resolve_scalar(const char *s, size_t n, int plain, const char *tag, json_t **out,
			  char *msg, size_t msize)
{
	char subj[SUBJECT_MAX + 8], tbuf[64];
	const char *t = core_tag(tag);
	json_int_t iv = 0;
	double dv = 0;
	int r;

	*out = NULL;
	subject(s, n, subj, sizeof(subj));
	if (tag && !scalar_tag_ok(tag)) {
		subject(tag, strlen(tag), subj, sizeof(subj));
		snprintf(msg, msize, "unsupported tag '%s'", tag_name(subj, tbuf, sizeof(tbuf)));
		return R_ERROR;
	}
	if ((!plain && !t) || (t && !strcmp(t, "str"))) {
		*out = json_stringn(s, n);
		return *out ? R_OK : R_NOMEM;
	}
	if (!t || !strcmp(t, "null")) {
		if (is_null(s, n)) {
			*out = json_null();
			return R_OK;
		}
		if (t)
			goto bad_tagged;
	}
	if (!t || !strcmp(t, "bool")) {
		r = bool_value(s, n);
		if (r >= 0) {
			*out = json_boolean(r);
			return R_OK;
		}
		if (t)
			goto bad_tagged;
	}
	if (!t || !strcmp(t, "int")) {
		r = parse_int(s, n, &iv);
		if (r > 0) {
			*out = json_integer(iv);
			return *out ? R_OK : R_NOMEM;
		}
		if (r < 0) {
			snprintf(msg, msize, "integer '%s' is out of range", subj);
			return R_ERROR;
		}
		if (t)
			goto bad_tagged;
	}
	/* the float pattern also matches decimal integers, so !!float takes those */
	r = parse_float(s, n, &dv);
	if (r == -3)
		return R_NOMEM;
	if (r == -2) {
		snprintf(msg, msize, "value '%s' is not representable in JSON", subj);
		return R_ERROR;
	}
	if (r == -1) {
		snprintf(msg, msize, "number '%s' is out of range", subj);
		return R_ERROR;
	}
	if (r == 1) {
		*out = json_real(dv);
		return *out ? R_OK : R_NOMEM;
	}
	if (t)
		goto bad_tagged;
	*out = json_stringn(s, n);
	return *out ? R_OK : R_NOMEM;
bad_tagged:
	snprintf(msg, msize, "'%s' is not a valid %s", subj, tag_name(tag, tbuf, sizeof(tbuf)));
	return R_ERROR;
}

/* ---- YAML reader ---- */

enum mstate { M_KEY, M_VALUE, M_SKIP_VALUE };

/* An open collection. node and pointer are borrowed from the document being built. */
struct frame {
	json_t *node;
	const char *pointer;
	char *anchor;	   /* registered when the collection ends */
	int is_map;
	enum mstate state; /* mappings: what the next node is */
	char *key;	   /* M_VALUE: the key waiting for its value */
	size_t index;	   /* sequences: index of the next item */
	size_t nodes;	   /* nodes below this one */
	size_t height;	   /* height of the tallest child subtree */
};

struct anchor {
	char *name;
	json_t *node;
	char *text; /* scalars: their text, for use as a mapping key */
	size_t nodes, height;
};

struct yload {
	struct loader *ld;
	struct docb doc;
	struct frame *stack;
	size_t depth, astack;
	size_t skip;  /* > 0: inside a subtree that is being skipped */
	int skip_doc; /* the rest of the document is skipped (node budget spent) */
	int empty;    /* the document is only an empty scalar */
	struct anchor *anchors;
	size_t nanchors, aanchors;
	json_t *anchor_index; /* name -> index into anchors */
	int syntax;	      /* the parser stopped with a syntax error at sline:scol */
	int sline, scol;
};

static void anchors_clear(struct yload *y)
{
	for (size_t i = 0; i < y->nanchors; i++) {
		free(y->anchors[i].name);
		free(y->anchors[i].text);
		json_decref(y->anchors[i].node);
	}
	y->nanchors = 0;
	json_object_clear(y->anchor_index);
}

static void stack_clear(struct yload *y)
{
	while (y->depth) {
		struct frame *f = &y->stack[--y->depth];
		free(f->anchor);
		free(f->key);
	}
	y->skip = 0;
}

/* Registers (or redefines) anchor name for node; node is referenced, text copied. */
static int anchor_set(struct yload *y, const char *name, json_t *node, const char *text,
		      size_t tlen, size_t nodes, size_t height)
{
	json_t *idx = json_object_get(y->anchor_index, name);
	struct anchor a = { NULL, node, NULL, nodes, height };
	size_t i;

	if (text) {
		a.text = malloc(tlen + 1);
		if (!a.text)
			return DW_NOMEM;
		memcpy(a.text, text, tlen);
		a.text[tlen] = '\0';
	}
	if (idx) {
		i = (size_t)json_integer_value(idx);
		json_incref(node);
		free(y->anchors[i].text);
		json_decref(y->anchors[i].node);
		y->anchors[i].node = node;
		y->anchors[i].text = a.text;
		y->anchors[i].nodes = nodes;
		y->anchors[i].height = height;
		return 0;
	}
	if (y->nanchors == y->aanchors) {
		size_t n = y->aanchors ? y->aanchors * 2 : 8;
		struct anchor *p = realloc(y->anchors, n * sizeof(*p));
		if (!p)
			goto nomem;
		y->anchors = p;
		y->aanchors = n;
	}
	a.name = strdup(name);
	if (!a.name)
		goto nomem;
	if (json_object_set_new(y->anchor_index, name, json_integer((json_int_t)y->nanchors))) {
		free(a.name);
		goto nomem;
	}
	a.node = json_incref(node);
	y->anchors[y->nanchors++] = a;
	return 0;
nomem:
	free(a.text);
	return DW_NOMEM;
}

static struct anchor *anchor_get(struct yload *y, const char *name)
{
	json_t *idx = json_object_get(y->anchor_index, name);

	return idx ? &y->anchors[json_integer_value(idx)] : NULL;
}

static struct frame *top(struct yload *y)
{
	return y->depth ? &y->stack[y->depth - 1] : NULL;
}

static int at_key(struct yload *y)
{
	struct frame *f = top(y);

	return f && f->is_map && f->state == M_KEY;
}

/*
 * The slot the next value goes into: *pointer (new string, NULL when skipped) and *skip.
 * Returns DW_NOMEM or 0.
 */
static int value_slot(struct yload *y, char **pointer, int *skip)
{
	struct frame *f = top(y);

	*skip = 0;
	*pointer = NULL;
	if (!f)
		*pointer = strdup("");
	else if (!f->is_map)
		*pointer = dw_pointer_join_index(f->pointer, f->index);
	else if (f->state == M_SKIP_VALUE)
		*skip = 1;
	else
		*pointer = dw_pointer_join(f->pointer, f->key);
	return *skip || *pointer ? 0 : DW_NOMEM;
}

/* The slot was filled (or refused): mappings wait for a key again, sequences move on. */
static void value_done(struct yload *y)
{
	struct frame *f = top(y);

	if (!f)
		return;
	if (f->is_map) {
		free(f->key);
		f->key = NULL;
		f->state = M_KEY;
	} else {
		f->index++;
	}
}

/* Puts v (taken) into the slot; counts nodes/height of its subtree into the parent. */
static int attach(struct yload *y, json_t *v, size_t nodes, size_t height)
{
	struct frame *f = top(y);

	if (!v)
		return DW_NOMEM;
	if (!f) {
		y->doc.root = v;
		return 0;
	}
	f->nodes += nodes;
	if (height > f->height)
		f->height = height;
	if (f->is_map)
		return json_object_set_new(f->node, f->key, v) ? DW_NOMEM : 0;
	return json_array_append_new(f->node, v) ? DW_NOMEM : 0;
}

static int line_of(yaml_mark_t m)
{
	return m.line + 1 > INT_MAX ? INT_MAX : (int)m.line + 1;
}

static int col_of(yaml_mark_t m)
{
	return m.column + 1 > INT_MAX ? INT_MAX : (int)m.column + 1;
}

/* A refused value: report, consume the slot, skip its subtree when it has one. */
static void refuse(struct yload *y, int collection)
{
	y->doc.bad = 1;
	value_done(y);
	if (collection)
		y->skip = 1;
}

/* A mapping key from text s[0..n) at mark m. */
static int y_key(struct yload *y, const char *s, size_t n, const char *tag, yaml_mark_t m)
{
	struct frame *f = top(y);
	char subj[SUBJECT_MAX + 8], tbuf[64];
	char *ptr;

	f->state = M_SKIP_VALUE;
	subject(s, n, subj, sizeof(subj));
	if (tag && !scalar_tag_ok(tag)) {
		subject(tag, strlen(tag), subj, sizeof(subj));
		report(y->ld, line_of(m), col_of(m), f->pointer, "unsupported tag '%s'",
		       tag_name(subj, tbuf, sizeof(tbuf)));
		y->doc.bad = 1;
		return 0;
	}
	if (memchr(s, '\0', n)) {
		report(y->ld, line_of(m), col_of(m), f->pointer,
		       "mapping key '%s' contains a NUL character", subj);
		y->doc.bad = 1;
		return 0;
	}
	if (json_object_getn(f->node, s, n)) {
		ptr = malloc(n + 1);
		if (!ptr)
			return DW_NOMEM;
		memcpy(ptr, s, n);
		ptr[n] = '\0';
		f->key = dw_pointer_join(f->pointer, ptr);
		free(ptr);
		if (!f->key)
			return DW_NOMEM;
		report(y->ld, line_of(m), col_of(m), f->key, "duplicate key '%s'", subj);
		free(f->key);
		f->key = NULL;
		y->doc.bad = 1;
		return 0;
	}
	f->key = malloc(n + 1);
	if (!f->key)
		return DW_NOMEM;
	memcpy(f->key, s, n);
	f->key[n] = '\0';
	f->state = M_VALUE;
	return 0;
}

static int y_scalar(struct yload *y, yaml_event_t *e)
{
	const char *s = (const char *)e->data.scalar.value;
	size_t n = e->data.scalar.length;
	const char *tag = (const char *)e->data.scalar.tag;
	const char *anchor = (const char *)e->data.scalar.anchor;
	int plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !tag;
	int line = line_of(e->start_mark), col = col_of(e->start_mark);
	char msg[256], *ptr;
	json_t *v;
	int skip, rc;

	if (at_key(y)) {
		rc = y_key(y, s, n, tag, e->start_mark);
		if (rc || !anchor)
			return rc;
		v = json_stringn(s, n);
		if (!v)
			return DW_NOMEM;
		rc = anchor_set(y, anchor, v, s, n, 1, 1);
		json_decref(v);
		return rc;
	}
	rc = value_slot(y, &ptr, &skip);
	if (rc)
		return rc;
	if (skip) {
		value_done(y);
		return 0;
	}
	if (y->depth + 1 > DW_LOAD_MAX_DEPTH) {
		report(y->ld, line, col, ptr, "nesting deeper than %d levels", DW_LOAD_MAX_DEPTH);
		free(ptr);
		refuse(y, 0);
		return 0;
	}
	rc = resolve_scalar(s, n, plain, tag, &v, msg, sizeof(msg));
	if (rc == R_NOMEM) {
		free(ptr);
		return DW_NOMEM;
	}
	if (rc == R_ERROR) {
		report(y->ld, line, col, ptr, "%s", msg);
		free(ptr);
		refuse(y, 0);
		return 0;
	}
	if (over_budget(y->ld, &y->doc, 1, line, col, ptr)) {
		json_decref(v);
		free(ptr);
		y->skip_doc = 1;
		return 0;
	}
	if (!y->depth && plain && !n && !anchor &&
	    e->start_mark.index == e->end_mark.index)
		y->empty = 1;
	if (anchor && (rc = anchor_set(y, anchor, v, s, n, 1, 1))) {
		json_decref(v);
		free(ptr);
		return rc;
	}
	rc = attach(y, v, 1, 1);
	if (!rc)
		rc = docb_pos(&y->doc, ptr, line, col);
	else
		free(ptr);
	value_done(y);
	return rc;
}

static int y_alias(struct yload *y, yaml_event_t *e)
{
	const char *name = (const char *)e->data.alias.anchor;
	int line = line_of(e->start_mark), col = col_of(e->start_mark);
	char subj[SUBJECT_MAX + 8], *ptr;
	struct anchor *a = anchor_get(y, name);
	json_t *v;
	int skip, rc;

	subject(name, strlen(name), subj, sizeof(subj));
	if (at_key(y)) {
		struct frame *f = top(y);
		if (a && (json_is_string(a->node) || a->text)) {
			const char *k = a->text ? a->text : json_string_value(a->node);
			size_t kn = a->text ? strlen(a->text) : json_string_length(a->node);
			return y_key(y, k, kn, NULL, e->start_mark);
		}
		report(y->ld, line, col, f->pointer,
		       a ? "mapping key '*%s' is not a scalar" : "undefined alias '*%s'", subj);
		y->doc.bad = 1;
		f->state = M_SKIP_VALUE;
		return 0;
	}
	rc = value_slot(y, &ptr, &skip);
	if (rc)
		return rc;
	if (skip) {
		value_done(y);
		return 0;
	}
	if (!a) {
		int open = 0;
		for (size_t i = 0; i < y->depth; i++)
			if (y->stack[i].anchor && !strcmp(y->stack[i].anchor, name))
				open = 1;
		report(y->ld, line, col, ptr,
		       open ? "alias '*%s' refers to a node that contains it" :
			      "undefined alias '*%s'", subj);
		free(ptr);
		refuse(y, 0);
		return 0;
	}
	if (y->depth + a->height > DW_LOAD_MAX_DEPTH) {
		report(y->ld, line, col, ptr, "nesting deeper than %d levels", DW_LOAD_MAX_DEPTH);
		free(ptr);
		refuse(y, 0);
		return 0;
	}
	/* Aliases get a budget of their own, much smaller than the document's: a few small
	 * anchors repeated are normal YAML, exponential expansion ("billion laughs") is not. */
	if (y->ld->alias_nodes + a->nodes > DW_LOAD_MAX_ALIAS_NODES) {
		report(y->ld, line, col, ptr, "aliases expand to more than %d nodes",
		       DW_LOAD_MAX_ALIAS_NODES);
		y->doc.bad = 1;
		free(ptr);
		y->skip_doc = 1;
		return 0;
	}
	if (over_budget(y->ld, &y->doc, a->nodes, line, col, ptr)) {
		free(ptr);
		y->skip_doc = 1;
		return 0;
	}
	y->ld->alias_nodes += a->nodes;
	v = json_deep_copy(a->node);
	rc = attach(y, v, a->nodes, a->height);
	if (!rc)
		rc = docb_pos(&y->doc, ptr, line, col);
	else
		free(ptr);
	value_done(y);
	return rc;
}

static int y_start(struct yload *y, yaml_event_t *e, int is_map)
{
	const char *tag = (const char *)(is_map ? e->data.mapping_start.tag :
						  e->data.sequence_start.tag);
	const char *anchor = (const char *)(is_map ? e->data.mapping_start.anchor :
						     e->data.sequence_start.anchor);
	int line = line_of(e->start_mark), col = col_of(e->start_mark);
	char subj[SUBJECT_MAX + 8], tbuf[64], *ptr;
	struct frame *f;
	json_t *v;
	int skip, rc;

	if (at_key(y)) {
		f = top(y);
		report(y->ld, line, col, f->pointer, "mapping key is a %s, not a scalar",
		       is_map ? "mapping" : "sequence");
		y->doc.bad = 1;
		f->state = M_SKIP_VALUE;
		y->skip = 1;
		return 0;
	}
	rc = value_slot(y, &ptr, &skip);
	if (rc)
		return rc;
	if (skip) {
		refuse(y, 1);
		return 0;
	}
	if (y->depth + 1 > DW_LOAD_MAX_DEPTH) {
		report(y->ld, line, col, ptr, "nesting deeper than %d levels", DW_LOAD_MAX_DEPTH);
		free(ptr);
		refuse(y, 1);
		return 0;
	}
	if (tag && strcmp(tag, "!") && !(core_tag(tag) && !strcmp(core_tag(tag),
								   is_map ? "map" : "seq"))) {
		subject(tag, strlen(tag), subj, sizeof(subj));
		if (scalar_tag_ok(tag) || (core_tag(tag) && (!strcmp(core_tag(tag), "map") ||
							     !strcmp(core_tag(tag), "seq"))))
			report(y->ld, line, col, ptr, "tag '%s' does not apply to a %s",
			       tag_name(subj, tbuf, sizeof(tbuf)), is_map ? "mapping" : "sequence");
		else
			report(y->ld, line, col, ptr, "unsupported tag '%s'",
			       tag_name(subj, tbuf, sizeof(tbuf)));
		free(ptr);
		refuse(y, 1);
		return 0;
	}
	if (over_budget(y->ld, &y->doc, 1, line, col, ptr)) {
		free(ptr);
		y->skip_doc = 1;
		return 0;
	}
	if (y->depth == y->astack) {
		size_t n = y->astack ? y->astack * 2 : 16;
		struct frame *s = realloc(y->stack, n * sizeof(*s));
		if (!s) {
			free(ptr);
			return DW_NOMEM;
		}
		y->stack = s;
		y->astack = n;
	}
	v = is_map ? json_object() : json_array();
	rc = attach(y, v, 0, 0);
	if (!rc)
		rc = docb_pos(&y->doc, ptr, line, col);
	else
		free(ptr);
	if (rc)
		return rc;
	value_done(y);
	f = &y->stack[y->depth];
	memset(f, 0, sizeof(*f));
	f->node = v;
	f->pointer = y->doc.pos[y->doc.npos - 1].pointer;
	f->is_map = is_map;
	f->state = M_KEY;
	y->depth++;
	if (anchor) {
		f->anchor = strdup(anchor);
		if (!f->anchor)
			return DW_NOMEM;
	}
	return 0;
}

static int y_end(struct yload *y)
{
	struct frame f = y->stack[--y->depth];
	struct frame *p = top(y);
	int rc = 0;

	if (p) {
		p->nodes += f.nodes + 1;
		if (f.height + 1 > p->height)
			p->height = f.height + 1;
	}
	if (f.anchor)
		rc = anchor_set(y, f.anchor, f.node, NULL, 0, f.nodes + 1, f.height + 1);
	free(f.anchor);
	free(f.key);
	return rc;
}

static int y_event(struct yload *y, yaml_event_t *e)
{
	switch (e->type) {
	case YAML_DOCUMENT_START_EVENT:
		memset(&y->doc, 0, sizeof(y->doc));
		y->doc.line = line_of(e->start_mark);
		y->doc.col = col_of(e->start_mark);
		y->skip_doc = 0;
		y->empty = 0;
		anchors_clear(y);
		return 0;
	case YAML_DOCUMENT_END_EVENT:
		stack_clear(y);
		anchors_clear(y);
		return docb_finish(y->ld, &y->doc, y->empty);
	default:
		break;
	}
	if (y->skip_doc)
		return 0;
	if (y->skip) {
		if (e->type == YAML_SEQUENCE_START_EVENT || e->type == YAML_MAPPING_START_EVENT)
			y->skip++;
		else if (e->type == YAML_SEQUENCE_END_EVENT || e->type == YAML_MAPPING_END_EVENT)
			y->skip--;
		return 0;
	}
	switch (e->type) {
	case YAML_SCALAR_EVENT:
		return y_scalar(y, e);
	case YAML_ALIAS_EVENT:
		return y_alias(y, e);
	case YAML_SEQUENCE_START_EVENT:
		return y_start(y, e, 0);
	case YAML_MAPPING_START_EVENT:
		return y_start(y, e, 1);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return y_end(y);
	default:
		return 0;
	}
}

/* line:col of byte offset off in buf (libyaml's reader errors carry only an offset). */
static void offset_position(const char *buf, size_t len, size_t off, int *line, int *col)
{
	size_t i = 0;

	*line = 1;
	*col = 1;
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		i = 3;
	for (; i < off && i < len; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c == '\n' || (c == '\r' && !(i + 1 < len && buf[i + 1] == '\n'))) {
			(*line)++;
			*col = 1;
		} else if ((c & 0xC0) != 0x80) {
			(*col)++;
		}
	}
}

static void y_error(struct yload *y, yaml_parser_t *p, const char *buf, size_t len)
{
	char problem[200];
	int line, col;

	snprintf(problem, sizeof(problem), "%s", p->problem ? p->problem : "syntax error");
	if (problem[0] >= 'A' && problem[0] <= 'Z' && !(problem[1] >= 'A' && problem[1] <= 'Z'))
		problem[0] = (char)(problem[0] - 'A' + 'a');
	if (p->error == YAML_READER_ERROR) {
		offset_position(buf, len, p->problem_offset, &line, &col);
		if (p->problem_value < 0)
			report(y->ld, line, col, "", "%s", problem);
		else if (strstr(problem, "character"))
			report(y->ld, line, col, "", "%s (U+%04X)", problem,
			       (unsigned)p->problem_value);
		else
			report(y->ld, line, col, "", "%s (byte 0x%02X)", problem,
			       (unsigned)p->problem_value);
	} else {
		line = line_of(p->problem_mark);
		col = col_of(p->problem_mark);
		if (p->context && (p->context_mark.line != p->problem_mark.line ||
				   p->context_mark.column != p->problem_mark.column))
			report(y->ld, line, col, "", "%s (%s at line %d, column %d)", problem,
			       p->context, line_of(p->context_mark), col_of(p->context_mark));
		else if (p->context)
			report(y->ld, line, col, "", "%s (%s)", problem, p->context);
		else
			report(y->ld, line, col, "", "%s", problem);
	}
	y->syntax = 1;
	y->sline = line;
	y->scol = col;
}

/* Reads buf as a YAML stream. Returns 0 (errors reported) or DW_NOMEM. */
static int load_yaml(struct loader *ld, const char *buf, size_t len, int *sline, int *scol)
{
	struct yload y;
	yaml_parser_t parser;
	yaml_event_t e;
	int rc = 0, done = 0;

	memset(&y, 0, sizeof(y));
	y.ld = ld;
	y.anchor_index = json_object();
	if (!y.anchor_index)
		return DW_NOMEM;
	if (!yaml_parser_initialize(&parser)) {
		json_decref(y.anchor_index);
		return DW_NOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	while (!done && !rc) {
		if (!yaml_parser_parse(&parser, &e)) {
			/* libyaml 0.2.5 leaves error unset after some failed allocations */
			if (parser.error == YAML_MEMORY_ERROR || parser.error == YAML_NO_ERROR)
				rc = DW_NOMEM;
			else
				y_error(&y, &parser, buf, len);
			break;
		}
		done = e.type == YAML_STREAM_END_EVENT;
		rc = y_event(&y, &e);
		yaml_event_delete(&e);
	}
	yaml_parser_delete(&parser);
	stack_clear(&y);
	anchors_clear(&y);
	free(y.anchors);
	free(y.stack);
	json_decref(y.anchor_index);
	docb_release(&y.doc);
	*sline = y.syntax ? y.sline : 0;
	*scol = y.syntax ? y.scol : 0;
	return rc;
}

/* ---- JSON reader (RFC 8259) ---- */

enum { J_OK = 0, J_SYNTAX = 1, J_ABORT = 2 };

struct jparse {
	struct loader *ld;
	struct docb doc;
	const unsigned char *s;
	size_t len, i;
	int line, col;
	char err[128]; /* J_SYNTAX: the message, at eline:ecol */
	int eline, ecol;
};

static void j_adv(struct jparse *j)
{
	unsigned char c = j->s[j->i++];

	if (c == '\n' || (c == '\r' && !(j->i < j->len && j->s[j->i] == '\n'))) {
		j->line++;
		j->col = 1;
	} else if ((c & 0xC0) != 0x80) {
		j->col++;
	}
}

static void j_ws(struct jparse *j)
{
	while (j->i < j->len && (j->s[j->i] == ' ' || j->s[j->i] == '\t' || j->s[j->i] == '\n' ||
				 j->s[j->i] == '\r'))
		j_adv(j);
}

static int j_syntax(struct jparse *j, const char *what)
{
	if (j->i >= j->len)
		snprintf(j->err, sizeof(j->err), "%s, found the end of the text", what);
	else if (j->s[j->i] >= 0x20 && j->s[j->i] < 0x7f)
		snprintf(j->err, sizeof(j->err), "%s, found '%c'", what, j->s[j->i]);
	else
		snprintf(j->err, sizeof(j->err), "%s, found byte 0x%02X", what, j->s[j->i]);
	j->eline = j->line;
	j->ecol = j->col;
	return J_SYNTAX;
}

static int hex4(const unsigned char *p, unsigned *v)
{
	*v = 0;
	for (int k = 0; k < 4; k++) {
		unsigned c = p[k], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (c | 0x20) - 'a' + 10;
		else
			return -1;
		*v = *v << 4 | d;
	}
	return 0;
}

/* A string at j->i (the opening quote) into *out (malloc'd, *n bytes, NUL-terminated). The
 * decoded text is never longer than the quoted one, so one allocation suffices. */
#define ESCAPES "\"\\/bfnrt"
#define ESCAPED "\"\\/\b\f\n\r\t"

static int j_string(struct jparse *j, char **out, size_t *n)
{
	size_t start = j->i, end = start + 1, k = 0;
	const char *esc;
	char *buf;

	while (end < j->len && j->s[end] != '"') {
		if (j->s[end] == '\\')
			end++;
		end++;
	}
	if (end >= j->len)
		return j_syntax(j, "unterminated string");
	buf = malloc(end - start);
	if (!buf)
		return DW_NOMEM;
	j_adv(j);
	while (j->s[j->i] != '"') {
		unsigned char c = j->s[j->i];
		unsigned cp, lo;
		if (c < 0x20) {
			free(buf);
			return j_syntax(j, "expected a character in the string");
		}
		if (c != '\\') {
			buf[k++] = (char)c;
			j_adv(j);
			continue;
		}
		c = j->s[j->i + 1];
		esc = c ? strchr(ESCAPES, c) : NULL;
		if (esc) {
			buf[k++] = ESCAPED[esc - ESCAPES];
			j_adv(j);
			j_adv(j);
			continue;
		}
		/* \uXXXX, characters beyond the BMP as a UTF-16 surrogate pair */
		if (c != 'u' || j->i + 6 > end || hex4(j->s + j->i + 2, &cp) ||
		    (cp >= 0xDC00 && cp <= 0xDFFF))
			goto bad_escape;
		if (cp >= 0xD800 && cp <= 0xDBFF) {
			if (j->i + 12 > end || j->s[j->i + 6] != '\\' || j->s[j->i + 7] != 'u' ||
			    hex4(j->s + j->i + 8, &lo) || lo < 0xDC00 || lo > 0xDFFF)
				goto bad_escape;
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			for (int m = 0; m < 6; m++)
				j_adv(j);
		}
		k += utf8_encode(buf + k, cp);
		for (int m = 0; m < 6; m++)
			j_adv(j);
	}
	j_adv(j);
	buf[k] = '\0';
	*out = buf;
	*n = k;
	return 0;
bad_escape:
	free(buf);
	return j_syntax(j, "expected a valid escape sequence");
}

/* A number at j->i: the JSON grammar, then the same typing and range rules as YAML scalars. */
static int j_number(struct jparse *j, json_t **v, const char *pointer)
{
	size_t st = j->i, e = st;
	int line = j->line, col = j->col, rc;
	char msg[256];

	if (e < j->len && j->s[e] == '-')
		e++;
	if (e < j->len && j->s[e] == '0') {
		e++;
	} else if (e < j->len && j->s[e] >= '1' && j->s[e] <= '9') {
		while (e < j->len && j->s[e] >= '0' && j->s[e] <= '9')
			e++;
	} else {
		j->i = e;
		return j_syntax(j, "expected a value");
	}
	if (e < j->len && j->s[e] == '.') {
		e++;
		if (!(e < j->len && j->s[e] >= '0' && j->s[e] <= '9')) {
			while (j->i < e)
				j_adv(j);
			return j_syntax(j, "expected a digit after '.'");
		}
		while (e < j->len && j->s[e] >= '0' && j->s[e] <= '9')
			e++;
	}
	if (e < j->len && (j->s[e] == 'e' || j->s[e] == 'E')) {
		e++;
		if (e < j->len && (j->s[e] == '-' || j->s[e] == '+'))
			e++;
		if (!(e < j->len && j->s[e] >= '0' && j->s[e] <= '9')) {
			while (j->i < e)
				j_adv(j);
			return j_syntax(j, "expected a digit in the exponent");
		}
		while (e < j->len && j->s[e] >= '0' && j->s[e] <= '9')
			e++;
	}
	while (j->i < e)
		j_adv(j);
	rc = resolve_scalar((const char *)j->s + st, e - st, 1, NULL, v, msg, sizeof(msg));
	if (rc == R_NOMEM)
		return DW_NOMEM;
	if (rc == R_ERROR) {
		report(j->ld, line, col, pointer, "%s", msg);
		j->doc.bad = 1;
		*v = json_null();
	}
	return 0;
}

static int j_literal(struct jparse *j, const char *word, json_t *v, json_t **out)
{
	size_t n = strlen(word);

	if (j->len - j->i < n || memcmp(j->s + j->i, word, n))
		return j_syntax(j, "expected a value");
	for (size_t k = 0; k < n; k++)
		j_adv(j);
	*out = v;
	return 0;
}

static int j_value(struct jparse *j, json_t **out, char *pointer, size_t depth);

static int j_object(struct jparse *j, json_t *obj, const char *pointer, size_t depth)
{
	j_adv(j);
	j_ws(j);
	if (j->i < j->len && j->s[j->i] == '}') {
		j_adv(j);
		return 0;
	}
	for (;;) {
		int kline = j->line, kcol = j->col, rc;
		char subj[SUBJECT_MAX + 8], *key = NULL, *ptr;
		size_t klen;
		json_t *v = NULL;

		if (!(j->i < j->len && j->s[j->i] == '"'))
			return j_syntax(j, "expected a string key");
		if ((rc = j_string(j, &key, &klen)))
			return rc;
		j_ws(j);
		if (!(j->i < j->len && j->s[j->i] == ':')) {
			free(key);
			return j_syntax(j, "expected ':' after the key");
		}
		j_adv(j);
		j_ws(j);
		ptr = dw_pointer_join(pointer, key);
		if (!ptr) {
			free(key);
			return DW_NOMEM;
		}
		subject(key, klen, subj, sizeof(subj));
		if (strlen(key) != klen) {
			report(j->ld, kline, kcol, pointer,
			       "mapping key '%s' contains a NUL character", subj);
			j->doc.bad = 1;
		} else if (json_object_get(obj, key)) {
			report(j->ld, kline, kcol, ptr, "duplicate key '%s'", subj);
			j->doc.bad = 1;
		}
		rc = j_value(j, &v, ptr, depth + 1);
		if (rc || j->doc.bad)
			json_decref(v);
		else if (json_object_set_new(obj, key, v))
			rc = DW_NOMEM;
		free(key);
		if (rc)
			return rc;
		j_ws(j);
		if (j->i < j->len && j->s[j->i] == ',') {
			j_adv(j);
			j_ws(j);
			continue;
		}
		if (j->i < j->len && j->s[j->i] == '}') {
			j_adv(j);
			return 0;
		}
		return j_syntax(j, "expected ',' or '}'");
	}
}

static int j_array(struct jparse *j, json_t *arr, const char *pointer, size_t depth)
{
	j_adv(j);
	j_ws(j);
	if (j->i < j->len && j->s[j->i] == ']') {
		j_adv(j);
		return 0;
	}
	for (size_t idx = 0;; idx++) {
		char *ptr = dw_pointer_join_index(pointer, idx);
		json_t *v = NULL;
		int rc;

		if (!ptr)
			return DW_NOMEM;
		rc = j_value(j, &v, ptr, depth + 1);
		if (rc) {
			json_decref(v);
			return rc;
		}
		if (json_array_append_new(arr, v))
			return DW_NOMEM;
		j_ws(j);
		if (j->i < j->len && j->s[j->i] == ',') {
			j_adv(j);
			j_ws(j);
			continue;
		}
		if (j->i < j->len && j->s[j->i] == ']') {
			j_adv(j);
			return 0;
		}
		return j_syntax(j, "expected ',' or ']'");
	}
}

/* A value at j->i of nesting depth (the root is 1); pointer is taken into the position table.
 * Recursion is bounded by DW_LOAD_MAX_DEPTH. */
static int j_value(struct jparse *j, json_t **out, char *pointer, size_t depth)
{
	int line = j->line, col = j->col, rc;
	unsigned char c = j->i < j->len ? j->s[j->i] : 0;
	char *str;
	size_t n;

	*out = NULL;
	if ((rc = docb_pos(&j->doc, pointer, line, col)))
		return rc;
	if (depth > DW_LOAD_MAX_DEPTH) {
		report(j->ld, line, col, pointer, "nesting deeper than %d levels",
		       DW_LOAD_MAX_DEPTH);
		return J_ABORT;
	}
	if (over_budget(j->ld, &j->doc, 1, line, col, pointer))
		return J_ABORT;
	switch (c) {
	case '{':
		*out = json_object();
		if (!*out)
			return DW_NOMEM;
		return j_object(j, *out, pointer, depth);
	case '[':
		*out = json_array();
		if (!*out)
			return DW_NOMEM;
		return j_array(j, *out, pointer, depth);
	case '"':
		if ((rc = j_string(j, &str, &n)))
			return rc;
		*out = json_stringn_nocheck(str, n);
		free(str);
		return *out ? 0 : DW_NOMEM;
	case 't':
		return j_literal(j, "true", json_true(), out);
	case 'f':
		return j_literal(j, "false", json_false(), out);
	case 'n':
		return j_literal(j, "null", json_null(), out);
	default:
		return j_number(j, out, pointer);
	}
}

/*
 * Reads buf as one JSON text. Returns J_OK or J_ABORT (the text was JSON; its document or its
 * errors are in ld), J_SYNTAX (not JSON: nothing reported, the message in j->err) or DW_NOMEM.
 * Semantic errors go to a side list until the text is known to be JSON.
 */
static int load_json(struct loader *ld, const char *buf, size_t len, size_t skip,
		     struct jparse *j)
{
	struct dw_findings side, *errs = ld->errs;
	size_t nerrs = ld->nerrs;
	json_t *root = NULL;
	char *ptr = strdup("");
	int rc;

	if (!ptr)
		return DW_NOMEM;
	dw_findings_init(&side);
	ld->errs = errs ? &side : NULL;
	memset(j, 0, sizeof(*j));
	j->ld = ld;
	j->s = (const unsigned char *)buf;
	j->len = len;
	j->i = skip;
	j->line = 1;
	j->col = 1;
	j_ws(j);
	j->doc.line = j->line;
	j->doc.col = j->col;
	rc = j_value(j, &root, ptr, 1);
	j->doc.root = root;
	if (!rc) {
		j_ws(j);
		if (j->i < j->len)
			rc = j_syntax(j, "expected the end of the text");
	}
	ld->errs = errs;
	if (rc == J_SYNTAX || rc == DW_NOMEM) {
		ld->nerrs = nerrs;
		docb_release(&j->doc);
		dw_findings_release(&side);
		return rc;
	}
	if (errs)
		dw_findings_append(errs, &side);
	dw_findings_release(&side);
	if (rc == J_ABORT)
		j->doc.bad = 1;
	if (docb_finish(ld, &j->doc, 0))
		rc = DW_NOMEM;
	docb_release(&j->doc);
	return rc;
}

/* ---- entry points ---- */

/* Offset of the first invalid UTF-8 sequence (RFC 3629: no overlongs, no surrogates, nothing
 * above U+10FFFF), or len when there is none. */
static size_t utf8_check(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i], need, min, cp;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1;
			min = 0x80;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2;
			min = 0x800;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3;
			min = 0x10000;
			cp = c & 0x07;
		} else {
			return i;
		}
		if (len - i <= need)
			return i;
		for (unsigned k = 1; k <= need; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return i;
		i += need + 1;
	}
	return len;
}

int dw_load(const char *buf, size_t len, const char *file, struct dw_docset *out,
	    struct dw_findings *errs)
{
	struct loader ld = { .file = file, .errs = errs, .out = out };
	struct dw_findings yerrs;
	struct jparse j;
	size_t skip = 0, bad;
	int rc, line, col, sline, scol;

	memset(out, 0, sizeof(*out));
	if (len >= 2 && ((buf[0] == '\xFE' && buf[1] == '\xFF') ||
			 (buf[0] == '\xFF' && buf[1] == '\xFE'))) {
		/* UTF-16: libyaml converts it; JSON is UTF-8 only (RFC 8259, section 8.1) */
		rc = load_yaml(&ld, buf, len, &sline, &scol);
		goto out;
	}
	bad = utf8_check((const unsigned char *)buf, len);
	if (bad < len) {
		offset_position(buf, len, bad, &line, &col);
		report(&ld, line, col, "", "invalid UTF-8 byte 0x%02X",
		       (unsigned)(unsigned char)buf[bad]);
		return DW_MALFORMED;
	}
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		skip = 3;
	while (skip < len && buf[skip] && strchr(" \t\r\n", buf[skip]))
		skip++;
	if (skip < len && buf[skip] && strchr("{[\"", buf[skip])) {
		rc = load_json(&ld, buf, len, len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3) ? 3 : 0,
			       &j);
		if (rc != J_SYNTAX) {
			if (rc == J_ABORT)
				rc = 0;
			goto out;
		}
		/* not JSON: YAML decides, unless its own error comes before the JSON one */
		dw_findings_init(&yerrs);
		ld.errs = errs ? &yerrs : NULL;
		ld.nerrs = 0;
		rc = load_yaml(&ld, buf, len, &sline, &scol);
		ld.errs = errs;
		if (!rc && sline && (sline < j.eline || (sline == j.eline && scol < j.ecol))) {
			dw_docset_release(out);
			ld.nerrs = 0;
			report(&ld, j.eline, j.ecol, "", "%s", j.err);
		} else if (errs) {
			dw_findings_append(errs, &yerrs);
		}
		dw_findings_release(&yerrs);
		goto out;
	}
	rc = load_yaml(&ld, buf, len, &sline, &scol);
out:
	if (rc) {
		dw_docset_release(out);
		return DW_NOMEM;
	}
	return ld.nerrs ? DW_MALFORMED : 0;
}

/* Compares key[0..n) with s. */
static int prefix_cmp(const char *key, size_t n, const char *s)
{
	int c = strncmp(key, s, n);

	if (c)
		return c;
	return s[n] ? -1 : 0;
}

static const struct dw_pos *find_pos(const struct dw_doc *doc, const char *key, size_t n)
{
	size_t lo = 0, hi = doc->npos;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = prefix_cmp(key, n, doc->pos[mid].pointer);
		if (!c)
			return &doc->pos[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

int dw_doc_locate(const struct dw_doc *doc, const char *pointer, int *line, int *col)
{
	size_t n = pointer ? strlen(pointer) : 0;

	for (;;) {
		const struct dw_pos *p = find_pos(doc, pointer ? pointer : "", n);
		if (p) {
			*line = p->line;
			*col = p->col;
			return 0;
		}
		if (!n)
			break;
		while (n > 0 && pointer[n - 1] != '/')
			n--;
		if (n > 0)
			n--;
	}
	*line = doc->line;
	*col = doc->col;
	return DW_NOT_FOUND;
}

void dw_doc_locate_findings(const struct dw_doc *doc, const char *file, struct dw_findings *f,
			    size_t from)
{
	for (size_t i = from; i < f->count; i++) {
		struct dw_finding *x = &f->items[i];
		if (x->line <= 0)
			dw_doc_locate(doc, x->pointer, &x->line, &x->col);
	}
	if (file)
		dw_findings_set_file(f, from, file);
}

size_t dw_json_depth(const json_t *v, size_t limit)
{
	struct level {
		const json_t *v;
		size_t index;
		void *iter;
	} *st = NULL;
	size_t n = 0, alloc = 0, best = 1;
	size_t over = limit == SIZE_MAX ? SIZE_MAX : limit + 1;

	if (!v)
		return 0;
	if (limit == 0)
		return 1;
	if (!json_is_object(v) && !json_is_array(v))
		return 1;
	for (const json_t *push = v; push || n;) {
		struct level *t;
		json_t *child;

		if (push) {
			if (n == alloc) {
				size_t na = alloc ? alloc * 2 : 16;
				struct level *ns = realloc(st, na * sizeof(*ns));
				if (!ns) {
					best = over;
					break;
				}
				st = ns;
				alloc = na;
			}
			st[n].v = push;
			st[n].index = 0;
			st[n].iter = json_is_object(push) ? json_object_iter((json_t *)push) : NULL;
			n++;
			push = NULL;
		}
		t = &st[n - 1];
		if (json_is_array(t->v)) {
			child = json_array_get(t->v, t->index++);
		} else {
			child = t->iter ? json_object_iter_value(t->iter) : NULL;
			if (t->iter)
				t->iter = json_object_iter_next((json_t *)t->v, t->iter);
		}
		if (!child) {
			n--;
			continue;
		}
		if (n + 1 > best)
			best = n + 1;
		if (best > limit) {
			best = over;
			break;
		}
		if (json_is_object(child) || json_is_array(child))
			push = child;
	}
	free(st);
	return best;
}
