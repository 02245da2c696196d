/*
 * fields: one recursive walk over the contract with a per-format choice of which members hold
 * field names: "properties" (an object of name -> schema in OpenAPI and JSON Schema, an array
 * of {name, ...} in ODCS), "parameters" (OpenAPI: an array of {name, ...}, or in components an
 * object of them) and "fields" (Avro
 * records: an array of {name, type}). A set (JSON object) keeps names unique; the array keeps
 * their first-met order.
 */
#include <string.h>

#include "validators/error.h"
#include "validators/fields.h"
#include "validators/protobuf.h"

enum {
	RULE_PROPERTIES = 1 << 0, /* "properties": {name: schema} or [{name, ...}] */
	RULE_PARAMETERS = 1 << 1, /* "parameters": [{name, ...}] */
	RULE_FIELDS = 1 << 2,     /* "fields": [{name, ...}] */
};

struct walk {
	unsigned rules;
	json_t *seen;  /* name -> true */
	json_t *names; /* the result */
	int oom;
};

/* Members whose values are instance data, never schemas. */
static int is_data_member(const char *key)
{
	static const char *const data[] = {"example", "examples", "default", "const", "enum", NULL};

	for (size_t i = 0; data[i]; i++)
		if (strcmp(key, data[i]) == 0)
			return 1;
	return 0;
}

static void add_name(struct walk *w, const char *name)
{
	size_t len;

	if (!name || w->oom || json_array_size(w->names) >= FIELDS_MAX)
		return;
	len = strlen(name);
	if (len == 0 || len > FIELDS_MAX_NAME || json_object_get(w->seen, name))
		return;
	if (json_object_set_new(w->seen, name, json_true()) ||
	    json_array_append_new(w->names, json_string(name)))
		w->oom = 1;
}

static void walk(struct walk *w, const json_t *v, int depth);

/* An array of objects each naming a field with "name": adds the names, walks the objects. */
static void walk_named(struct walk *w, const json_t *arr, int depth)
{
	size_t i;
	const json_t *item;

	json_array_foreach(arr, i, item)
	{
		if (json_is_object(item))
			add_name(w, json_string_value(json_object_get(item, "name")));
		walk(w, item, depth + 1);
	}
}

static void walk(struct walk *w, const json_t *v, int depth)
{
	const char *key;
	const json_t *member;
	size_t i;

	if (depth > CONTRACT_MAX_DEPTH || w->oom)
		return;
	if (json_is_array(v)) {
		json_array_foreach(v, i, member) walk(w, member, depth + 1);
		return;
	}
	if (!json_is_object(v))
		return;
	json_object_foreach((json_t *)v, key, member)
	{
		if (is_data_member(key))
			continue;
		if ((w->rules & RULE_PROPERTIES) && strcmp(key, "properties") == 0 &&
		    json_is_object(member)) {
			const char *name;
			const json_t *schema;

			json_object_foreach((json_t *)member, name, schema)
			{
				add_name(w, name);
				walk(w, schema, depth + 2);
			}
		} else if ((w->rules & RULE_PARAMETERS) && strcmp(key, "parameters") == 0 &&
		           json_is_object(member)) {
			/* components/parameters: {key: {name, in, ...}} */
			const char *k;
			const json_t *param;

			json_object_foreach((json_t *)member, k, param)
			{
				add_name(w, json_string_value(json_object_get(param, "name")));
				walk(w, param, depth + 2);
			}
		} else if ((((w->rules & RULE_PROPERTIES) && strcmp(key, "properties") == 0) ||
		            ((w->rules & RULE_PARAMETERS) && strcmp(key, "parameters") == 0) ||
		            ((w->rules & RULE_FIELDS) && strcmp(key, "fields") == 0)) &&
		           json_is_array(member)) {
			walk_named(w, member, depth + 1);
		} else {
			walk(w, member, depth + 1);
		}
	}
}

int contract_field_names(enum dw_format fmt, const json_t *contract, json_t **out)
{
	struct walk w = {0};

	*out = NULL;
	switch (fmt) {
	case DW_FMT_OPENAPI:
		w.rules = RULE_PROPERTIES | RULE_PARAMETERS;
		break;
	case DW_FMT_JSONSCHEMA:
	case DW_FMT_ODCS:
		w.rules = RULE_PROPERTIES;
		break;
	case DW_FMT_AVRO:
		w.rules = RULE_FIELDS;
		break;
	case DW_FMT_PROTOBUF: {
		/* the message fields of the parsed schema (protobuf.h's AST) */
		json_t *ast = NULL;
		int rc = protobuf_contract_ast(contract, &ast);
		if (rc == DW_NOMEM)
			return rc;
		if (rc) {
			*out = json_array();
			return *out ? 0 : DW_NOMEM;
		}
		rc = contract_field_names(DW_FMT_AVRO, ast, out);
		json_decref(ast);
		return rc;
	}
	default:
		return DW_INVALID;
	}
	w.seen = json_object();
	w.names = json_array();
	if (w.seen && w.names)
		walk(&w, contract, 0);
	json_decref(w.seen);
	if (!w.seen || !w.names || w.oom) {
		json_decref(w.names);
		return DW_NOMEM;
	}
	*out = w.names;
	return 0;
}
