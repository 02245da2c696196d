#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validators/findings.h"
#include "validators/strbuf.h"
#include "validators/utf8.h"

void dw_findings_init(struct dw_findings *f)
{
	memset(f, 0, sizeof(*f));
}

void dw_findings_release(struct dw_findings *f)
{
	for (size_t i = 0; i < f->count; i++) {
		free(f->items[i].rule);
		free(f->items[i].file);
		free(f->items[i].pointer);
		free(f->items[i].message);
	}
	free(f->items);
	memset(f, 0, sizeof(*f));
}

static struct dw_finding *push(struct dw_findings *f, enum dw_severity sev, const char *rule,
			       const char *file, int line, int col, const char *pointer,
			       char *message /* taken */)
{
	struct dw_finding *x;
	int bad = 0;

	if (!message) {
		f->oom = 1;
		return NULL;
	}
	if (dw_array_grow((void **)&f->items, &f->alloc, f->count, sizeof(*f->items), 8)) {
		free(message);
		f->oom = 1;
		return NULL;
	}
	x = &f->items[f->count];
	memset(x, 0, sizeof(*x));
	x->severity = sev;
	x->rule = dw_strdup_opt(rule, &bad);
	x->file = dw_strdup_opt(file, &bad);
	x->pointer = dw_strdup_opt(pointer ? pointer : "", &bad);
	x->line = line;
	x->col = col;
	/* messages quote what they are about, which may be raw bytes (a request path's name) */
	utf8_scrub(message);
	utf8_scrub(x->pointer);
	x->message = message;
	if (bad) {
		free(x->rule);
		free(x->file);
		free(x->pointer);
		free(x->message);
		f->oom = 1;
		return NULL;
	}
	f->count++;
	return x;
}

struct dw_finding *dw_findings_vadd(struct dw_findings *f, enum dw_severity sev, const char *rule,
				    const char *pointer, const char *fmt, va_list ap)
{
	return push(f, sev, rule, NULL, 0, 0, pointer, dw_vstrfmt(fmt, ap));
}

struct dw_finding *dw_findings_add(struct dw_findings *f, const char *pointer, const char *fmt,
				   ...)
{
	struct dw_finding *x;
	va_list ap;

	va_start(ap, fmt);
	x = dw_findings_vadd(f, DW_SEV_ERROR, NULL, pointer, fmt, ap);
	va_end(ap);
	return x;
}

struct dw_finding *dw_findings_add_at(struct dw_findings *f, enum dw_severity sev,
				      const char *rule, const char *file, int line, int col,
				      const char *pointer, const char *fmt, ...)
{
	struct dw_finding *x;
	va_list ap;

	va_start(ap, fmt);
	x = push(f, sev, rule, file, line, col, pointer, dw_vstrfmt(fmt, ap));
	va_end(ap);
	return x;
}

void dw_findings_set_file(struct dw_findings *f, size_t from, const char *file)
{
	for (size_t i = from; i < f->count && file; i++) {
		if (f->items[i].file)
			continue;
		f->items[i].file = strdup(file);
		if (!f->items[i].file)
			f->oom = 1;
	}
}

void dw_findings_append(struct dw_findings *dst, const struct dw_findings *src)
{
	for (size_t i = 0; i < src->count; i++) {
		const struct dw_finding *x = &src->items[i];
		push(dst, x->severity, x->rule, x->file, x->line, x->col, x->pointer,
		     strdup(x->message));
	}
	if (src->oom)
		dst->oom = 1;
}

size_t dw_findings_errors(const struct dw_findings *f)
{
	size_t n = 0;

	for (size_t i = 0; i < f->count; i++)
		if (f->items[i].severity == DW_SEV_ERROR)
			n++;
	return n;
}

int dw_findings_oom(const struct dw_findings *f)
{
	return f->oom;
}

static const char *severity_name(enum dw_severity s)
{
	switch (s) {
	case DW_SEV_ERROR:
		return "error";
	case DW_SEV_WARNING:
		return "warning";
	case DW_SEV_INFO:
		return "info";
	}
	return "error";
}

json_t *dw_findings_to_json(const struct dw_findings *f)
{
	json_t *arr = json_array();

	if (!arr)
		return NULL;
	for (size_t i = 0; i < f->count; i++) {
		const struct dw_finding *x = &f->items[i];
		json_t *o = json_pack("{s:s, s:s, s:s}", "pointer", x->pointer, "message",
				      x->message, "severity", severity_name(x->severity));
		if (!o)
			goto fail;
		if (x->line > 0 && (json_object_set_new(o, "line", json_integer(x->line)) ||
				    json_object_set_new(o, "column", json_integer(x->col)))) {
			json_decref(o);
			goto fail;
		}
		if (x->rule && json_object_set_new(o, "rule", json_string(x->rule))) {
			json_decref(o);
			goto fail;
		}
		if (x->file && json_object_set_new(o, "file", json_string(x->file))) {
			json_decref(o);
			goto fail;
		}
		if (json_array_append_new(arr, o))
			goto fail;
	}
	return arr;
fail:
	json_decref(arr);
	return NULL;
}

int dw_finding_format(const struct dw_finding *x, char *buf, size_t size)
{
	char pos[64] = "";

	if (x->line > 0)
		snprintf(pos, sizeof(pos), ":%d:%d", x->line, x->col);
	if (x->file)
		return snprintf(buf, size, "%s%s: %s: %s", x->file, pos,
				x->pointer[0] ? x->pointer : "/", x->message);
	return snprintf(buf, size, "%s: %s", x->pointer[0] ? x->pointer : "/", x->message);
}

char *dw_pointer_join(const char *base, const char *token)
{
	size_t blen = strlen(base), extra = 0, j;
	char *out;

	for (const char *p = token; *p; p++)
		if (*p == '~' || *p == '/')
			extra++;
	out = malloc(blen + 1 + strlen(token) + extra + 1);
	if (!out)
		return NULL;
	memcpy(out, base, blen);
	j = blen;
	out[j++] = '/';
	for (const char *p = token; *p; p++) {
		if (*p == '~') {
			out[j++] = '~';
			out[j++] = '0';
		} else if (*p == '/') {
			out[j++] = '~';
			out[j++] = '1';
		} else {
			out[j++] = *p;
		}
	}
	out[j] = '\0';
	return out;
}

char *dw_pointer_join_index(const char *base, size_t index)
{
	char tok[32];

	snprintf(tok, sizeof(tok), "%zu", index);
	return dw_pointer_join(base, tok);
}

json_t *dw_pointer_get(const json_t *root, const char *pointer)
{
	json_t *cur = (json_t *)root;
	const char *p = pointer;
	char tok[1024];

	if (!pointer || !*pointer)
		return cur;
	if (*p != '/')
		return NULL;
	while (cur && *p == '/') {
		size_t n = 0;
		p++;
		while (*p && *p != '/') {
			char c = *p++;
			if (c == '~' && (*p == '0' || *p == '1'))
				c = *p++ == '0' ? '~' : '/';
			if (n + 1 >= sizeof(tok))
				return NULL;
			tok[n++] = c;
		}
		tok[n] = '\0';
		if (json_is_object(cur)) {
			cur = json_object_get(cur, tok);
		} else if (json_is_array(cur)) {
			char *end;
			unsigned long idx;
			if (!n || (n > 1 && tok[0] == '0'))
				return NULL;
			idx = strtoul(tok, &end, 10);
			if (*end)
				return NULL;
			cur = json_array_get(cur, idx);
		} else {
			return NULL;
		}
	}
	return cur;
}

const char *dw_json_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "object";
	case JSON_ARRAY:
		return "array";
	case JSON_STRING:
		return "string";
	case JSON_INTEGER:
		return "integer";
	case JSON_REAL:
		return "number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "boolean";
	case JSON_NULL:
		return "null";
	}
	return "value";
}

char *dw_fragment_decode(const char *frag, size_t *len)
{
	size_t n = strlen(frag), j = 0;
	char *dec = malloc(n + 1);

	if (!dec)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		int h, l;

		if (frag[i] == '%' && i + 2 < n && (h = hex_digit(frag[i + 1])) >= 0 &&
		    (l = hex_digit(frag[i + 2])) >= 0) {
			dec[j++] = (char)(h * 16 + l);
			i += 2;
		} else {
			dec[j++] = frag[i];
		}
	}
	dec[j] = '\0';
	if (len)
		*len = j;
	return dec;
}
