/*
 * compat: the format-independent half of schema evolution: the change list, modes, verdicts
 * across versions, and the rule catalogue the engines' tables make up.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validators/compat.h"
#include "validators/error.h"
#include "validators/strbuf.h"

void dw_changes_init(struct dw_changes *c)
{
	memset(c, 0, sizeof(*c));
}

void dw_changes_release(struct dw_changes *c)
{
	for (size_t i = 0; i < c->count; i++) {
		free(c->items[i].old_pointer);
		free(c->items[i].new_pointer);
		free(c->items[i].subject);
		free(c->items[i].message);
	}
	free(c->items);
	memset(c, 0, sizeof(*c));
}

struct dw_change *dw_changes_add(struct dw_changes *c, const struct dw_rule *rule,
                                 const char *old_pointer, const char *new_pointer,
                                 const char *subject, const char *fmt, ...)
{
	struct dw_change *x;
	va_list ap;
	int bad = 0;

	if (dw_array_grow((void **)&c->items, &c->alloc, c->count, sizeof(*c->items), 16)) {
		c->oom = 1;
		return NULL;
	}
	x = &c->items[c->count];
	memset(x, 0, sizeof(*x));
	x->rule = rule;
	va_start(ap, fmt);
	x->message = dw_vstrfmt(fmt, ap);
	va_end(ap);
	if (!x->message) {
		c->oom = 1;
		return NULL;
	}
	x->old_pointer = dw_strdup_opt(old_pointer, &bad);
	x->new_pointer = dw_strdup_opt(new_pointer, &bad);
	x->subject = dw_strdup_opt(subject, &bad);
	if (bad) {
		free(x->message);
		free(x->old_pointer);
		free(x->new_pointer);
		free(x->subject);
		c->oom = 1;
		return NULL;
	}
	c->count++;
	return x;
}

/* Modes ---------------------------------------------------------------------------------- */

static const struct {
	enum dw_mode mode;
	const char *name;
	unsigned directions;
	int transitive;
} modes[] = {
    {DW_MODE_NONE, "NONE", 0, 0},
    {DW_MODE_BACKWARD, "BACKWARD", DW_BREAKS_BACKWARD, 0},
    {DW_MODE_BACKWARD_TRANSITIVE, "BACKWARD_TRANSITIVE", DW_BREAKS_BACKWARD, 1},
    {DW_MODE_FORWARD, "FORWARD", DW_BREAKS_FORWARD, 0},
    {DW_MODE_FORWARD_TRANSITIVE, "FORWARD_TRANSITIVE", DW_BREAKS_FORWARD, 1},
    {DW_MODE_FULL, "FULL", DW_BREAKS_BACKWARD | DW_BREAKS_FORWARD, 0},
    {DW_MODE_FULL_TRANSITIVE, "FULL_TRANSITIVE", DW_BREAKS_BACKWARD | DW_BREAKS_FORWARD, 1},
};

#define NMODES (sizeof(modes) / sizeof(modes[0]))

enum dw_mode compat_mode_parse(const char *name)
{
	for (size_t i = 0; name && i < NMODES; i++)
		if (strcmp(modes[i].name, name) == 0)
			return modes[i].mode;
	return DW_MODE_UNKNOWN;
}

const char *compat_mode_name(enum dw_mode mode)
{
	for (size_t i = 0; i < NMODES; i++)
		if (modes[i].mode == mode)
			return modes[i].name;
	return "UNKNOWN";
}

unsigned compat_mode_directions(enum dw_mode mode)
{
	for (size_t i = 0; i < NMODES; i++)
		if (modes[i].mode == mode)
			return modes[i].directions;
	return 0;
}

int compat_mode_transitive(enum dw_mode mode)
{
	for (size_t i = 0; i < NMODES; i++)
		if (modes[i].mode == mode)
			return modes[i].transitive;
	return 0;
}

enum dw_change_severity compat_change_severity(const struct dw_change *ch, enum dw_mode mode)
{
	if (ch->rule->breaks & compat_mode_directions(mode))
		return DW_CHANGE_BREAKING;
	return ch->rule->quiet;
}

const char *compat_severity_name(enum dw_change_severity s)
{
	switch (s) {
	case DW_CHANGE_BREAKING:
		return "breaking";
	case DW_CHANGE_WARNING:
		return "warning";
	case DW_CHANGE_INFO:
		return "info";
	}
	return "info";
}

/* Engines -------------------------------------------------------------------------------- */

static const struct {
	enum dw_format format;
	int (*diff)(const json_t *, const json_t *, struct dw_changes *);
	const struct dw_rule *rules;
	const size_t *count;
} engines[] = {
    {DW_FMT_OPENAPI, compat_openapi_diff, compat_openapi_rules, &compat_openapi_rule_count},
    {DW_FMT_AVRO, compat_avro_diff, compat_avro_rules, &compat_avro_rule_count},
    {DW_FMT_JSONSCHEMA, compat_jsonschema_diff, compat_jsonschema_rules,
     &compat_jsonschema_rule_count},
    {DW_FMT_ODCS, compat_table_diff, compat_table_rules, &compat_table_rule_count},
    {DW_FMT_PROTOBUF, compat_protobuf_diff, compat_protobuf_rules,
     &compat_protobuf_rule_count},
};

#define NENGINES (sizeof(engines) / sizeof(engines[0]))

int compat_diff(enum dw_format fmt, const json_t *old_doc, const json_t *new_doc,
                struct dw_changes *out)
{
	for (size_t i = 0; i < NENGINES; i++)
		if (engines[i].format == fmt)
			return engines[i].diff(old_doc, new_doc, out);
	return DW_INVALID;
}

const struct dw_rule *compat_rule_find(const char *id)
{
	for (size_t i = 0; i < NENGINES; i++)
		for (size_t j = 0; j < *engines[i].count; j++)
			if (strcmp(engines[i].rules[j].id, id) == 0)
				return &engines[i].rules[j];
	return NULL;
}

/* Verdicts ------------------------------------------------------------------------------- */

int compat_check(enum dw_format fmt, enum dw_mode mode, const json_t *candidate,
                 const json_t *const *earlier, const int *versions, size_t n, int *compatible,
                 struct dw_changes *out)
{
	unsigned dirs = compat_mode_directions(mode);
	size_t first = compat_mode_transitive(mode) || n == 0 ? 0 : n - 1;

	*compatible = 1;
	/* Newest first, so a transitive report leads with the version most users compare to. */
	for (size_t k = n; k-- > first;) {
		size_t from = out->count;
		int rc = compat_diff(fmt, earlier[k], candidate, out);
		if (rc)
			return rc;
		if (out->oom)
			return DW_NOMEM;
		for (size_t i = from; i < out->count; i++) {
			out->items[i].version = versions ? versions[k] : (int)k + 1;
			if (out->items[i].rule->breaks & dirs)
				*compatible = 0;
		}
	}
	return 0;
}

static json_t *breaks_json(unsigned breaks)
{
	json_t *a = json_array();

	if (!a)
		return NULL;
	if ((breaks & DW_BREAKS_BACKWARD) && json_array_append_new(a, json_string("BACKWARD")))
		goto fail;
	if ((breaks & DW_BREAKS_FORWARD) && json_array_append_new(a, json_string("FORWARD")))
		goto fail;
	return a;
fail:
	json_decref(a);
	return NULL;
}

static int set_opt(json_t *o, const char *key, const char *value)
{
	return json_object_set_new(o, key, value ? json_string(value) : json_null());
}

json_t *compat_changes_to_json(const struct dw_changes *c, enum dw_mode mode)
{
	json_t *arr = json_array();

	if (!arr)
		return NULL;
	for (size_t i = 0; i < c->count; i++) {
		const struct dw_change *x = &c->items[i];
		json_t *o = json_object();
		if (!o || json_array_append_new(arr, o))
			goto fail;
		if (json_object_set_new(o, "rule", json_string(x->rule->id)) ||
		    json_object_set_new(
		        o, "severity",
		        json_string(compat_severity_name(compat_change_severity(x, mode)))) ||
		    json_object_set_new(o, "breaks", breaks_json(x->rule->breaks)) ||
		    set_opt(o, "oldPointer", x->old_pointer) ||
		    set_opt(o, "newPointer", x->new_pointer) || set_opt(o, "subject", x->subject) ||
		    json_object_set_new(o, "message", json_string(x->message)))
			goto fail;
		if (x->version > 0 && json_object_set_new(o, "version", json_integer(x->version)))
			goto fail;
	}
	return arr;
fail:
	json_decref(arr);
	return NULL;
}

/* docs/rules.md -------------------------------------------------------------------------- */

static const char *breaks_text(unsigned breaks)
{
	switch (breaks & (DW_BREAKS_BACKWARD | DW_BREAKS_FORWARD)) {
	case DW_BREAKS_BACKWARD:
		return "BACKWARD";
	case DW_BREAKS_FORWARD:
		return "FORWARD";
	case DW_BREAKS_BACKWARD | DW_BREAKS_FORWARD:
		return "BACKWARD, FORWARD";
	}
	return "nothing";
}

static const char *format_title(enum dw_format fmt)
{
	switch (fmt) {
	case DW_FMT_OPENAPI:
		return "OpenAPI";
	case DW_FMT_AVRO:
		return "Avro";
	case DW_FMT_JSONSCHEMA:
		return "JSON Schema";
	case DW_FMT_ODCS:
		return "Table contracts (ODCS)";
	case DW_FMT_PROTOBUF:
		return "Protobuf";
	default:
		return "Other";
	}
}

char *compat_rules_markdown(void)
{
	struct strbuf b = STRBUF_INIT;
	size_t total = 0;

	for (size_t i = 0; i < NENGINES; i++)
		total += *engines[i].count;
	strbuf_addf(&b,
	            "# Compatibility rules\n\n"
	            "Generated from the rule tables in validators/compat_*.c by "
	            "`driveway rules --format markdown`;\n"
	            "a unit test fails when this file and the tables differ. %zu rules.\n\n"
	            "Each change found between two versions of a contract names one rule. "
	            "*Breaks* says which\n"
	            "directions the change breaks (see docs/compatibility.md): under a mode that "
	            "checks one of them\n"
	            "the change is **breaking** and the version is refused; otherwise it is "
	            "reported with the\n"
	            "severity in the *otherwise* column.\n",
	            total);
	for (size_t i = 0; i < NENGINES; i++) {
		strbuf_addf(&b, "\n## %s\n\n", format_title(engines[i].format));
		strbuf_addf(&b, "| Rule | Breaks | Otherwise | Meaning |\n|---|---|---|---|\n");
		for (size_t j = 0; j < *engines[i].count; j++) {
			const struct dw_rule *r = &engines[i].rules[j];
			strbuf_addf(&b, "| `%s` | %s | %s | %s |\n", r->id, breaks_text(r->breaks),
			            compat_severity_name(r->quiet), r->summary);
		}
		strbuf_addf(&b, "\n### Examples\n");
		for (size_t j = 0; j < *engines[i].count; j++) {
			const struct dw_rule *r = &engines[i].rules[j];
			strbuf_addf(&b, "\n`%s`\n\n    old: %s\n    new: %s\n", r->id,
			            r->example_old, r->example_new);
		}
	}
	return strbuf_detach(&b, NULL);
}
