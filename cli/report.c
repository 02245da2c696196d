#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "cli/report.h"
#include "validators/xalloc.h"

static const char *str_of(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* 0 breaking, 1 warning, 2 info (an unknown severity counts as info). */
static int severity_rank(const json_t *change)
{
	const char *s = str_of(change, "severity");

	if (s && strcmp(s, "breaking") == 0)
		return 0;
	if (s && strcmp(s, "warning") == 0)
		return 1;
	return 2;
}

void report_init(struct report *r, const char *mode, int compatible, const json_t *changes)
{
	size_t k = 0;

	memset(r, 0, sizeof(*r));
	r->mode = mode;
	r->compatible = compatible;
	r->changes = changes;
	r->count = json_array_size(changes);
	r->order = xcalloc(r->count + 1, sizeof(*r->order));
	r->loc = xcalloc(r->count + 1, sizeof(*r->loc));
	/* A stable order by severity: one pass per rank keeps the engine's order within it. */
	for (int rank = 0; rank < 3; rank++)
		for (size_t i = 0; i < r->count; i++)
			if (severity_rank(json_array_get(changes, i)) == rank)
				r->order[k++] = i;
	for (size_t i = 0; i < r->count; i++) {
		int rank = severity_rank(json_array_get(changes, i));
		if (rank == 0)
			r->breaking++;
		else if (rank == 1)
			r->warnings++;
		else
			r->infos++;
	}
}

void report_release(struct report *r)
{
	for (size_t i = 0; i < r->count; i++)
		free(r->loc[i].file);
	free(r->loc);
	free(r->order);
	memset(r, 0, sizeof(*r));
}

void report_locate(struct report *r, size_t i, const char *file, int line, int col)
{
	if (i >= r->count)
		return;
	free(r->loc[i].file);
	r->loc[i].file = file ? xstrdup(file) : NULL;
	r->loc[i].line = line;
	r->loc[i].col = col;
}

const char *report_change_pointer(const json_t *change)
{
	const char *p = str_of(change, "newPointer");

	if (!p)
		p = str_of(change, "oldPointer");
	return p ? p : "";
}

char *report_summary(const struct report *r)
{
	return xasprintf("%s: %s (%zu breaking, %zu warning%s, %zu info)", r->mode,
	                 r->compatible ? "compatible" : "incompatible", r->breaking, r->warnings,
	                 r->warnings == 1 ? "" : "s", r->infos);
}

/* "file:line:col", "file:line" or "file" of change i into a malloc'd string; NULL when
 * unknown. */
static char *loc_text(const struct report *r, size_t i)
{
	const struct report_loc *l = &r->loc[i];

	if (!l->file)
		return NULL;
	if (l->line > 0 && l->col > 0)
		return xasprintf("%s:%d:%d", l->file, l->line, l->col);
	if (l->line > 0)
		return xasprintf("%s:%d", l->file, l->line);
	return xstrdup(l->file);
}

/* The consumers the registry's impact says change i reaches, "a/b (rest-api), c/d (cdc)", or
 * NULL (malloc'd). */
static char *reaches(const struct report *r, size_t i)
{
	struct strbuf b;
	size_t k, m;
	json_t *flow, *idx;

	strbuf_init(&b);
	json_array_foreach(r->impact, k, flow)
	{
		json_array_foreach(json_object_get(flow, "changes"), m, idx)
		{
			const char *consumer = str_of(flow, "consumer");
			const char *pattern = str_of(flow, "pattern");
			if (!json_is_integer(idx) || json_integer_value(idx) != (json_int_t)i)
				continue;
			strbuf_addf(&b, "%s%s", b.len ? ", " : "", consumer ? consumer : "?");
			if (pattern)
				strbuf_addf(&b, " (%s)", pattern);
			break;
		}
	}
	return b.len ? xstrbuf_detach(&b) : NULL;
}

static int rule_width(const struct report *r)
{
	size_t w = 0;

	for (size_t i = 0; i < r->count; i++) {
		const char *rule = str_of(json_array_get(r->changes, i), "rule");
		if (rule && strlen(rule) > w)
			w = strlen(rule);
	}
	return w > 60 ? 60 : (int)w;
}

void report_text(FILE *out, const struct report *r, const char *prefix)
{
	char *summary = report_summary(r);
	int width = rule_width(r);

	if (prefix)
		output_safe(out, prefix);
	fputs(summary, out);
	fputc('\n', out);
	free(summary);
	for (size_t k = 0; k < r->count; k++) {
		size_t i = r->order[k];
		const json_t *ch = json_array_get(r->changes, i);
		const char *sev = str_of(ch, "severity");
		const char *rule = str_of(ch, "rule");
		json_int_t version = json_integer_value(json_object_get(ch, "version"));
		char *where = loc_text(r, i), *reach;

		fprintf(out, "%-8s  ", sev ? sev : "info");
		output_safe(out, rule ? rule : "?");
		fprintf(out, "%*s  ", width - (int)strlen(rule ? rule : "?"), "");
		output_safe(out, report_change_pointer(ch));
		fputs("  ", out);
		output_safe(out, str_of(ch, "message"));
		if (where) {
			fputs(" (", out);
			output_safe(out, where);
			fputc(')', out);
		}
		if (version > 0 && r->against && json_array_size(r->against) > 1)
			fprintf(out, " [against version %lld]", (long long)version);
		fputc('\n', out);
		free(where);
		reach = reaches(r, i);
		if (reach) {
			fputs("          reaches ", out);
			output_safe(out, reach);
			fputc('\n', out);
			free(reach);
		}
	}
}

void report_md_cell(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '|')
			fputs("\\|", out);
		else if (c == '<')
			fputs("&lt;", out);
		else if (c == '>')
			fputs("&gt;", out);
		else if (c == '&')
			fputs("&amp;", out);
		else if (c == '`')
			fputc('\'', out);
		else if (c < 0x20 || c == 0x7f)
			fputc(' ', out);
		else
			fputc(*s, out);
	}
}

/* A cell shown as code: `text`, with backticks inside replaced. */
static void md_code(FILE *out, const char *s)
{
	fputc('`', out);
	report_md_cell(out, s);
	fputc('`', out);
}

static void md_table(FILE *out, const struct report *r, int rank, int with_reach)
{
	fputs(with_reach ? "| Rule | Where | Change | Reaches |\n|---|---|---|---|\n"
	                 : "| Rule | Where | Change |\n|---|---|---|\n",
	      out);
	for (size_t k = 0; k < r->count; k++) {
		size_t i = r->order[k];
		const json_t *ch = json_array_get(r->changes, i);
		char *where, *reach;

		if (severity_rank(ch) != rank)
			continue;
		where = loc_text(r, i);
		fputs("| ", out);
		md_code(out, str_of(ch, "rule"));
		fputs(" | ", out);
		if (where) {
			report_md_cell(out, where);
			fputc(' ', out);
		}
		md_code(out, report_change_pointer(ch));
		fputs(" | ", out);
		report_md_cell(out, str_of(ch, "message"));
		if (with_reach) {
			reach = reaches(r, i);
			fputs(" | ", out);
			report_md_cell(out, reach ? reach : "-");
			free(reach);
		}
		fputs(" |\n", out);
		free(where);
	}
}

void report_markdown(FILE *out, const struct report *r, const char *heading)
{
	if (heading) {
		fputs("### ", out);
		report_md_cell(out, heading);
		fputs("\n\n", out);
	}
	fprintf(out, "%s **%s: %s** (%zu breaking, %zu warning%s, %zu info)\n\n",
	        r->compatible ? ":white_check_mark:" : ":x:", r->mode,
	        r->compatible ? "compatible" : "incompatible", r->breaking, r->warnings,
	        r->warnings == 1 ? "" : "s", r->infos);
	if (r->breaking) {
		fputs("**Breaking changes**\n\n", out);
		md_table(out, r, 0, r->impact != NULL);
		fputc('\n', out);
	}
	if (r->warnings) {
		fputs("**Warnings**\n\n", out);
		md_table(out, r, 1, 0);
		fputc('\n', out);
	}
	if (r->infos) {
		fprintf(out, "<details><summary>%zu informational change%s</summary>\n\n",
		        r->infos, r->infos == 1 ? "" : "s");
		md_table(out, r, 2, 0);
		fputs("\n</details>\n\n", out);
	}
}

/* Workflow command data: "%", CR and LF escaped; in properties also ":" and ",". */
static void gh_escape(FILE *out, const char *s, int property)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '%':
			fputs("%25", out);
			break;
		case '\r':
			fputs("%0D", out);
			break;
		case '\n':
			fputs("%0A", out);
			break;
		case ':':
			fputs(property ? "%3A" : ":", out);
			break;
		case ',':
			fputs(property ? "%2C" : ",", out);
			break;
		default:
			if ((unsigned char)*s < 0x20 || *s == 0x7f)
				fputc(' ', out);
			else
				fputc(*s, out);
		}
	}
}

void report_github(FILE *out, const struct report *r)
{
	static const char *const command[] = {"error", "warning", "notice"};

	for (size_t k = 0; k < r->count; k++) {
		size_t i = r->order[k];
		const json_t *ch = json_array_get(r->changes, i);
		const struct report_loc *l = &r->loc[i];
		const char *rule = str_of(ch, "rule");
		char *reach = reaches(r, i);
		int sep = 0;

		fprintf(out, "::%s ", command[severity_rank(ch)]);
		if (l->file) {
			fputs("file=", out);
			gh_escape(out, l->file, 1);
			sep = 1;
		}
		if (l->file && l->line > 0)
			fprintf(out, ",line=%d", l->line);
		if (l->file && l->line > 0 && l->col > 0)
			fprintf(out, ",col=%d", l->col);
		fputs(sep ? ",title=" : "title=", out);
		gh_escape(out, rule ? rule : "?", 1);
		fputs("::", out);
		if (r->product) {
			gh_escape(out, r->product, 0);
			fputs(": ", out);
		}
		gh_escape(out, str_of(ch, "message"), 0);
		fputs(" (", out);
		gh_escape(out, report_change_pointer(ch), 0);
		fputc(')', out);
		if (reach) {
			fputs("; reaches ", out);
			gh_escape(out, reach, 0);
			free(reach);
		}
		fputc('\n', out);
	}
}

json_t *report_json(const struct report *r)
{
	json_t *o = xjson(json_object());
	json_t *arr = xjson(json_array());

	if (r->product)
		json_object_set_new(o, "product", xjson(json_string(r->product)));
	json_object_set_new(o, "mode", xjson(json_string(r->mode)));
	json_object_set_new(o, "compatible", json_boolean(r->compatible));
	if (r->against)
		json_object_set(o, "against", (json_t *)r->against);
	for (size_t i = 0; i < r->count; i++) {
		json_t *ch = xjson(json_copy(json_array_get(r->changes, i)));
		const struct report_loc *l = &r->loc[i];
		json_t *file = l->file ? json_string(l->file) : NULL; /* NULL: not UTF-8 */
		if (file)
			json_object_set_new(ch, "file", file);
		if (file && l->line > 0)
			json_object_set_new(ch, "line", xjson(json_integer(l->line)));
		if (file && l->line > 0 && l->col > 0)
			json_object_set_new(ch, "column", xjson(json_integer(l->col)));
		json_array_append_new(arr, ch);
	}
	json_object_set_new(o, "changes", arr);
	if (r->impact)
		json_object_set(o, "impact", (json_t *)r->impact);
	return o;
}

int report_mode_parse(const char *command, const char *name, enum dw_mode *mode)
{
	char buf[32];
	size_t n = strlen(name);

	if (n < sizeof(buf)) {
		for (size_t i = 0; i <= n; i++)
			buf[i] = (char)toupper((unsigned char)name[i]);
		*mode = compat_mode_parse(buf);
		if (*mode != DW_MODE_UNKNOWN)
			return 0;
	}
	return cli_usage_error(command,
	                       "unknown compatibility mode '%s' (NONE, BACKWARD, FORWARD, FULL, "
	                       "or one of them with _TRANSITIVE)",
	                       name);
}
