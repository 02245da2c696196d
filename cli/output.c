#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "validators/contract.h"
#include "validators/xalloc.h"

struct table {
	size_t ncols, nrows, alloc;
	char **cells; /* (nrows + 1) * ncols, row 0 is the header */
};

struct kv {
	char **keys, **values;
	size_t count, alloc;
};

/* Code points in s (continuation bytes of UTF-8 are not counted). */
static size_t text_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

/* A copy of s with control characters (tab and newline included) replaced by '?' or ' '. */
static char *safe_dup(const char *s)
{
	char *out = xstrdup(s ? s : "-");

	for (char *p = out; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '\n' || c == '\t' || c == '\r')
			*p = ' ';
		else if (c < 0x20 || c == 0x7f)
			*p = '?';
	}
	return out;
}

void output_safe(FILE *out, const char *s)
{
	char *t = safe_dup(s);

	fputs(t, out);
	free(t);
}

struct table *table_new(size_t ncols, const char *const *headers)
{
	struct table *t = xcalloc(1, sizeof(*t));

	t->ncols = ncols;
	t->alloc = 16;
	t->cells = xcalloc(t->alloc * ncols, sizeof(char *));
	for (size_t i = 0; i < ncols; i++)
		t->cells[i] = xstrdup(headers[i]);
	return t;
}

void table_add(struct table *t, const char *const *cells)
{
	size_t row = t->nrows + 1;

	if (row + 1 > t->alloc) {
		t->alloc *= 2;
		t->cells = xrealloc(t->cells, t->alloc * t->ncols * sizeof(char *));
	}
	for (size_t i = 0; i < t->ncols; i++)
		t->cells[row * t->ncols + i] = safe_dup(cells[i] && cells[i][0] ? cells[i] : NULL);
	t->nrows++;
}

size_t table_rows(const struct table *t)
{
	return t->nrows;
}

void table_print(const struct table *t, FILE *out)
{
	size_t *width = xcalloc(t->ncols, sizeof(size_t));

	for (size_t r = 0; r <= t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			size_t w = text_width(t->cells[r * t->ncols + c]);
			if (w > width[c])
				width[c] = w;
		}
	for (size_t r = 0; r <= t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const char *cell = t->cells[r * t->ncols + c];
			fputs(cell, out);
			if (c + 1 < t->ncols)
				fprintf(out, "%*s", (int)(width[c] - text_width(cell) + 2), "");
		}
		fputc('\n', out);
	}
	free(width);
}

void table_free(struct table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < (t->nrows + 1) * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

struct kv *kv_new(void)
{
	return xcalloc(1, sizeof(struct kv));
}

void kv_add(struct kv *kv, const char *key, const char *value)
{
	if (!value || !value[0])
		return;
	if (kv->count == kv->alloc) {
		kv->alloc = kv->alloc ? 2 * kv->alloc : 16;
		kv->keys = xrealloc(kv->keys, kv->alloc * sizeof(char *));
		kv->values = xrealloc(kv->values, kv->alloc * sizeof(char *));
	}
	kv->keys[kv->count] = xstrdup(key);
	kv->values[kv->count] = safe_dup(value);
	kv->count++;
}

void kv_addf(struct kv *kv, const char *key, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	kv_add(kv, key, s);
	free(s);
}

void kv_print(const struct kv *kv, FILE *out)
{
	size_t width = 0;

	for (size_t i = 0; i < kv->count; i++)
		if (strlen(kv->keys[i]) > width)
			width = strlen(kv->keys[i]);
	for (size_t i = 0; i < kv->count; i++)
		fprintf(out, "%s:%*s%s\n", kv->keys[i], (int)(width - strlen(kv->keys[i]) + 2), "",
		        kv->values[i]);
}

void kv_free(struct kv *kv)
{
	if (!kv)
		return;
	for (size_t i = 0; i < kv->count; i++) {
		free(kv->keys[i]);
		free(kv->values[i]);
	}
	free(kv->keys);
	free(kv->values);
	free(kv);
}

void output_json(const json_t *v)
{
	json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | DW_JSON_REALS);
	fputc('\n', stdout);
}

void output_finding(FILE *out, const struct dw_finding *f)
{
	struct dw_finding copy = *f;
	char *msg = NULL, *line;
	int n;

	if (f->severity != DW_SEV_ERROR)
		copy.message = msg = xasprintf(
		    "%s: %s", f->severity == DW_SEV_WARNING ? "warning" : "note", f->message);
	n = dw_finding_format(&copy, NULL, 0);
	line = xmalloc((size_t)(n > 0 ? n : 0) + 1);
	dw_finding_format(&copy, line, (size_t)(n > 0 ? n : 0) + 1);
	output_safe(out, line);
	fputc('\n', out);
	free(line);
	free(msg);
}

const char *output_scalar(const json_t *v, char *buf, size_t size)
{
	if (!v)
		return NULL;
	switch (json_typeof(v)) {
	case JSON_STRING:
		return json_string_value(v);
	case JSON_INTEGER:
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf;
	case JSON_REAL:
		/* Shortest form that reads back the same. */
		for (int prec = 1; prec <= 17; prec++) {
			snprintf(buf, size, "%.*g", prec, json_real_value(v));
			if (strtod(buf, NULL) == json_real_value(v))
				break;
		}
		return buf;
	case JSON_TRUE:
		return "true";
	case JSON_FALSE:
		return "false";
	default:
		return NULL;
	}
}

static const struct {
	const char *name;
	enum cli_output form;
} output_forms[] = {
    {"table", CLI_OUT_TABLE},       {"text", CLI_OUT_TABLE},   {"json", CLI_OUT_JSON},
    {"markdown", CLI_OUT_MARKDOWN}, {"github", CLI_OUT_GITHUB},
};

int cli_output_parse(const char *command, const char *name, unsigned allowed,
                     enum cli_output *out)
{
	struct strbuf names;
	size_t n = sizeof(output_forms) / sizeof(output_forms[0]), known = n;
	int rc;

	for (size_t i = 0; i < n; i++) {
		if (strcmp(output_forms[i].name, name) != 0)
			continue;
		known = i;
		if (allowed & (1u << output_forms[i].form)) {
			*out = output_forms[i].form;
			return 0;
		}
	}
	strbuf_init(&names);
	for (size_t i = 0; i < n; i++) {
		if (!(allowed & (1u << output_forms[i].form)))
			continue;
		strbuf_addf(&names, "%s%s", names.len ? ", " : "", output_forms[i].name);
	}
	if (known < n && !command)
		rc = cli_usage_error(NULL,
		                     "output format '%s' is only for diff, check and audit, "
		                     "after the command (driveway diff --output %s OLD NEW)",
		                     name, name);
	else if (known < n)
		rc = cli_usage_error(command, "output format '%s' is not available for %s "
		                              "(expected %s)",
		                     name, command, xstrbuf_str(&names));
	else
		rc = cli_usage_error(command, "unknown output format '%s' (expected %s)", name,
		                     xstrbuf_str(&names));
	strbuf_release(&names);
	return rc;
}
