/*
 * odcs: checks a table contract written in the Open Data Contract Standard v3.0.x form.
 *
 * The fundamentals (apiVersion, kind, id, version, status) are required; the schema section is
 * required too (a registered table contract describes at least one table) and is checked field
 * by field: types of the known fields, logical types, physical SQL types, unique names, key
 * positions. Other top-level sections (servers, team, support, price, slaProperties, quality,
 * customProperties ...) are accepted as ODCS allows them. docs/contracts.md lists the subset.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validators/contract.h"
#include "validators/error.h"

struct odcs {
	struct dw_findings *out;
	struct contract_path path;
	int too_deep;
};

__attribute__((format(printf, 2, 3))) static void add(struct odcs *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dw_findings_vadd(o->out, DW_SEV_ERROR, NULL, o->path.buf, fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 3, 4))) static void add_at(struct odcs *o, const char *token,
                                                         const char *fmt, ...)
{
	size_t m = contract_path_push(&o->path, token);
	va_list ap;

	va_start(ap, fmt);
	dw_findings_vadd(o->out, DW_SEV_ERROR, NULL, o->path.buf, fmt, ap);
	va_end(ap);
	contract_path_pop(&o->path, m);
}

enum kind { K_STRING, K_NONEMPTY, K_BOOL, K_POSITION, K_ARRAY, K_STRINGS, K_OBJECT };

struct field {
	const char *name;
	enum kind kind;
};

/* Checks obj's member key against kind when present. */
static void check_kind(struct odcs *o, const json_t *obj, const char *key, enum kind kind)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		return;
	switch (kind) {
	case K_STRING:
		if (!json_is_string(v))
			add_at(o, key, "'%s' must be a string", key);
		break;
	case K_NONEMPTY:
		if (!json_is_string(v) || !json_string_length(v))
			add_at(o, key, "'%s' must be a non-empty string", key);
		break;
	case K_BOOL:
		if (!json_is_boolean(v))
			add_at(o, key, "'%s' must be a boolean", key);
		break;
	case K_POSITION:
		if (!json_is_integer(v) || json_integer_value(v) < -1)
			add_at(o, key, "'%s' must be an integer, -1 or more", key);
		break;
	case K_ARRAY:
		if (!json_is_array(v))
			add_at(o, key, "'%s' must be an array", key);
		break;
	case K_OBJECT:
		if (!json_is_object(v))
			add_at(o, key, "'%s' must be an object", key);
		break;
	case K_STRINGS:
		if (!json_is_array(v)) {
			add_at(o, key, "'%s' must be an array of strings", key);
			break;
		}
		for (size_t i = 0; i < json_array_size(v); i++) {
			if (json_is_string(json_array_get(v, i)))
				continue;
			size_t m = contract_path_push(&o->path, key);
			size_t m2 = contract_path_push_index(&o->path, i);
			add(o, "'%s' must hold strings only", key);
			contract_path_pop(&o->path, m2);
			contract_path_pop(&o->path, m);
		}
		break;
	}
}

static void check_fields(struct odcs *o, const json_t *obj, const struct field *f)
{
	for (; f->name; f++)
		check_kind(o, obj, f->name, f->kind);
}

static const json_t *required(struct odcs *o, const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		add(o, "missing required property '%s'", key);
	return v;
}

/* ---- physicalType: a parse check of common SQL type spellings ---- */

static const char *const length_types[] = {"char",   "character",   "varchar",  "character varying",
                                           "nchar",  "nvarchar",    "varchar2", "nvarchar2",
                                           "binary", "varbinary",   "string",   "bytes",
                                           "bit",    "bit varying", NULL};
static const char *const decimal_types[] = {"decimal",    "numeric",    "number", "dec",
                                            "bignumeric", "bigdecimal", NULL};
static const char *const time_types[] = {
    "time",           "timestamp",    "timestamptz", "timestamp_ntz",
    "timestamp_ltz",  "timestamp_tz", "datetime",    "datetime2",
    "datetimeoffset", "timetz",       NULL};

static int in_list(const char *k, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(k, *list))
			return 1;
	return 0;
}

static int balanced(const char *s)
{
	char stack[64];
	size_t n = 0;

	for (; *s; s++) {
		if (*s == '(' || *s == '<') {
			if (n == sizeof(stack))
				return 0;
			stack[n++] = *s;
		} else if (*s == ')' || *s == '>') {
			if (!n || stack[--n] != (*s == ')' ? '(' : '<'))
				return 0;
		}
	}
	return n == 0;
}

/* Parses one argument: a non-negative integer (-1 when not), or "max"/"*" (-2). */
static long parse_arg(const char *s, size_t n)
{
	long v = 0;

	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if ((n == 3 && !strncasecmp(s, "max", 3)) || (n == 1 && *s == '*'))
		return -2;
	if (!n || n > 9)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int physical_base_type_parse(const char *t, struct odcs_type *out);

static int type_invalid(struct odcs_type *out, const char *why)
{
	out->why = why;
	return DW_INVALID;
}

/*
 * Array suffixes as PostgreSQL spells them (text[], integer[3], varchar(20)[][]): strip them,
 * counting them, then parse the element type.
 */
int odcs_physical_type_parse(const char *t, struct odcs_type *out)
{
	char elem[256];
	size_t n = strlen(t);

	memset(out, 0, sizeof(*out));
	if (n == 0 || t[n - 1] != ']')
		return physical_base_type_parse(t, out);
	if (n >= sizeof(elem))
		return type_invalid(out, "it is longer than 255 characters");
	memcpy(elem, t, n + 1);
	while (n && elem[n - 1] == ']') {
		size_t i = n - 1;
		while (i > 0 && isdigit((unsigned char)elem[i - 1]))
			i--;
		if (i == 0 || elem[i - 1] != '[')
			return type_invalid(out, "malformed array suffix");
		n = i - 1;
		while (n && isspace((unsigned char)elem[n - 1]))
			n--;
		elem[n] = '\0';
		out->array_dims++;
	}
	return physical_base_type_parse(elem, out);
}

/* Parses t without array suffix into out (array_dims kept). */
static int physical_base_type_parse(const char *t, struct odcs_type *out)
{
	char *base = out->base;
	const char *open, *close, *p;
	long *args = out->args;
	size_t nargs = 0, n = 0;
	int space = 0;

	if (!*t)
		return type_invalid(out, "it is empty");
	if (!balanced(t))
		return type_invalid(out, "unbalanced brackets");
	/* struct<...>, array<...>, map<...>: nested types of Spark and others */
	out->nested = strchr(t, '<') != NULL;
	open = out->nested ? NULL : strchr(t, '(');
	close = open ? strchr(open, ')') : NULL;
	if (open && strchr(close + 1, '('))
		return type_invalid(out, "more than one argument list");
	/* base name: words of letters, digits and '_', lowercased, single spaces */
	for (p = t; *p && p != open && *p != '<'; p++) {
		if (isspace((unsigned char)*p)) {
			space = n > 0;
			continue;
		}
		if (!isalnum((unsigned char)*p) && *p != '_')
			return out->nested ? 0 : type_invalid(out, "unexpected character in the "
								  "type name");
		if (space && n + 1 < sizeof(out->base))
			base[n++] = ' ';
		space = 0;
		if (n + 1 < sizeof(out->base))
			base[n++] = (char)tolower((unsigned char)*p);
	}
	base[n] = '\0';
	if (out->nested)
		return 0;
	if (!n || !isalpha((unsigned char)base[0]))
		return type_invalid(out, "the type name must start with a letter");
	n = 0;
	space = 0;
	for (p = close ? close + 1 : t + strlen(t); *p; p++) {
		if (isspace((unsigned char)*p)) {
			space = n > 0;
			continue;
		}
		if (!isalnum((unsigned char)*p) && *p != '_')
			return type_invalid(out, "unexpected character after the arguments");
		if (space && n + 1 < sizeof(out->suffix))
			out->suffix[n++] = ' ';
		space = 0;
		if (n + 1 < sizeof(out->suffix))
			out->suffix[n++] = (char)tolower((unsigned char)*p);
	}
	out->suffix[n] = '\0';
	if (open) {
		const char *a = open + 1;
		for (;;) {
			const char *end = a;
			while (end < close && *end != ',')
				end++;
			if (nargs == 3)
				return type_invalid(out, "too many arguments");
			args[nargs] = parse_arg(a, (size_t)(end - a));
			if (args[nargs] == -1)
				return type_invalid(out, "arguments must be non-negative integers");
			nargs++;
			out->nargs = nargs;
			if (end == close)
				break;
			a = end + 1;
		}
	}
	if (in_list(base, length_types)) {
		if (nargs > 1)
			return type_invalid(out, "a length type takes one argument");
		if (nargs && args[0] == 0)
			return type_invalid(out, "length must be a positive integer");
	} else if (in_list(base, decimal_types)) {
		if (nargs > 2)
			return type_invalid(out, "a decimal type takes precision and scale");
		if (nargs && args[0] == 0)
			return type_invalid(out, "precision must be a positive integer");
		if (nargs == 2 && args[0] >= 0 && args[1] == -2)
			return type_invalid(out, "scale must be an integer");
		if (nargs == 2 && args[0] >= 0 && args[1] > args[0]) {
			snprintf(out->why_buf, sizeof(out->why_buf),
				 "scale %ld exceeds precision %ld", args[1], args[0]);
			return type_invalid(out, out->why_buf);
		}
	} else if (in_list(base, time_types) || !strncmp(base, "timestamp ", 10) ||
	           !strncmp(base, "time ", 5)) {
		if (nargs > 1)
			return type_invalid(out, "a time type takes one precision argument");
		if (nargs && (args[0] < 0 || args[0] > 9))
			return type_invalid(out, "fractional seconds precision must be 0 to 9");
	} else if (nargs && args[0] == -2) {
		return type_invalid(out, "'max' is only valid as a length");
	}
	return 0;
}

/* ---- schema ---- */

static const char *const logical_types[] = {"string", "date",  "number",  "integer",
                                            "object", "array", "boolean", NULL};

static const struct field property_fields[] = {
    {"physicalName", K_STRING},
    {"businessName", K_STRING},
    {"description", K_STRING},
    {"classification", K_STRING},
    {"encryptedName", K_STRING},
    {"transformLogic", K_STRING},
    {"transformDescription", K_STRING},
    {"required", K_BOOL},
    {"primaryKey", K_BOOL},
    {"unique", K_BOOL},
    {"partitioned", K_BOOL},
    {"criticalDataElement", K_BOOL},
    {"primaryKeyPosition", K_POSITION},
    {"partitionKeyPosition", K_POSITION},
    {"examples", K_ARRAY},
    {"tags", K_STRINGS},
    {"transformSourceObjects", K_STRINGS},
    {"authoritativeDefinitions", K_ARRAY},
    {"quality", K_ARRAY},
    {"customProperties", K_ARRAY},
    {"logicalTypeOptions", K_OBJECT},
    {NULL, 0},
};

static void check_properties(struct odcs *o, const json_t *props, int depth);

static void too_deep(struct odcs *o)
{
	add(o, "schema nests deeper than %d levels", CONTRACT_MAX_DEPTH);
	o->too_deep = 1;
}

/* A property (a column, or a nested field of an object column); items of an array column have
 * no name. */
static void check_property(struct odcs *o, const json_t *p, int depth, int named)
{
	json_t *lt = json_object_get(p, "logicalType"), *pt = json_object_get(p, "physicalType");
	json_t *x;
	const char *name;

	if (!json_is_object(p)) {
		add(o, "property must be an object");
		return;
	}
	if (named && required(o, p, "name"))
		check_kind(o, p, "name", K_NONEMPTY);
	else if (!named)
		check_kind(o, p, "name", K_STRING);
	name = json_string_value(json_object_get(p, "name"));
	check_fields(o, p, property_fields);
	if (lt && (!json_is_string(lt) || !in_list(json_string_value(lt), logical_types)))
		add_at(o, "logicalType",
		       "logicalType must be one of string, date, number, integer, object, array, "
		       "boolean");
	if (pt && !json_is_string(pt)) {
		add_at(o, "physicalType", "'physicalType' must be a string");
	} else if (pt) {
		struct odcs_type ty;
		if (odcs_physical_type_parse(json_string_value(pt), &ty))
			add_at(o, "physicalType", "invalid physicalType '%s': %s",
			       json_string_value(pt), ty.why);
	}
	x = json_object_get(p, "primaryKeyPosition");
	if (json_is_integer(x) && json_integer_value(x) >= 1 &&
	    !json_is_true(json_object_get(p, "primaryKey")))
		add_at(o, "primaryKeyPosition",
		       "column '%s' has a primaryKeyPosition but is not a "
		       "primary key",
		       name ? name : "");
	x = json_object_get(p, "partitionKeyPosition");
	if (json_is_integer(x) && json_integer_value(x) >= 1 &&
	    !json_is_true(json_object_get(p, "partitioned")))
		add_at(o, "partitionKeyPosition",
		       "column '%s' has a partitionKeyPosition but is "
		       "not partitioned",
		       name ? name : "");
	if ((x = json_object_get(p, "properties"))) {
		size_t m = contract_path_push(&o->path, "properties");
		if (json_is_string(lt) && strcmp(json_string_value(lt), "object"))
			add(o, "'properties' needs logicalType 'object', not '%s'",
			    json_string_value(lt));
		check_properties(o, x, depth + 1);
		contract_path_pop(&o->path, m);
	}
	if ((x = json_object_get(p, "items"))) {
		size_t m = contract_path_push(&o->path, "items");
		if (json_is_string(lt) && strcmp(json_string_value(lt), "array"))
			add(o, "'items' needs logicalType 'array', not '%s'",
			    json_string_value(lt));
		if (!json_is_object(x))
			add(o, "'items' must be an object");
		else if (depth + 1 > CONTRACT_MAX_DEPTH && !o->too_deep)
			too_deep(o);
		else if (!o->too_deep)
			check_property(o, x, depth + 1, 0);
		contract_path_pop(&o->path, m);
	}
}

/* Key positions (primaryKeyPosition, partitionKeyPosition) >= 1 must be unique in a table. */
static void check_positions(struct odcs *o, const json_t *props, const char *key)
{
	for (size_t i = 0; i < json_array_size(props); i++) {
		json_t *x = json_object_get(json_array_get(props, i), key);
		if (!json_is_integer(x) || json_integer_value(x) < 1)
			continue;
		for (size_t j = 0; j < i; j++) {
			json_t *y = json_object_get(json_array_get(props, j), key);
			const char *other;
			if (!json_is_integer(y) || json_integer_value(y) != json_integer_value(x))
				continue;
			other =
			    json_string_value(json_object_get(json_array_get(props, j), "name"));
			size_t m = contract_path_push_index(&o->path, i);
			add_at(o, key, "duplicate %s %" JSON_INTEGER_FORMAT " (also on '%s')", key,
			       json_integer_value(x), other ? other : "");
			contract_path_pop(&o->path, m);
			break;
		}
	}
}

static void check_properties(struct odcs *o, const json_t *props, int depth)
{
	if (o->too_deep)
		return;
	if (depth > CONTRACT_MAX_DEPTH) {
		too_deep(o);
		return;
	}
	if (!json_is_array(props)) {
		add(o, "'properties' must be an array");
		return;
	}
	for (size_t i = 0; i < json_array_size(props) && !o->too_deep; i++) {
		const json_t *p = json_array_get(props, i);
		const char *name = json_string_value(json_object_get(p, "name"));
		size_t m = contract_path_push_index(&o->path, i);
		check_property(o, p, depth, 1);
		for (size_t j = 0; name && j < i; j++) {
			const char *other =
			    json_string_value(json_object_get(json_array_get(props, j), "name"));
			if (other && !strcmp(other, name)) {
				add_at(o, "name", "duplicate column name '%s' (first at index %zu)",
				       name, j);
				break;
			}
		}
		contract_path_pop(&o->path, m);
	}
	check_positions(o, props, "primaryKeyPosition");
	check_positions(o, props, "partitionKeyPosition");
}

static const struct field table_fields[] = {
    {"physicalName", K_STRING},
    {"physicalType", K_STRING},
    {"businessName", K_STRING},
    {"description", K_STRING},
    {"dataGranularityDescription", K_STRING},
    {"tags", K_STRINGS},
    {"authoritativeDefinitions", K_ARRAY},
    {"quality", K_ARRAY},
    {"customProperties", K_ARRAY},
    {NULL, 0},
};

static void check_table(struct odcs *o, const json_t *t)
{
	json_t *lt, *props;

	if (!json_is_object(t)) {
		add(o, "table must be an object");
		return;
	}
	if (required(o, t, "name"))
		check_kind(o, t, "name", K_NONEMPTY);
	check_fields(o, t, table_fields);
	lt = json_object_get(t, "logicalType");
	if (lt && (!json_is_string(lt) || strcmp(json_string_value(lt), "object")))
		add_at(o, "logicalType", "a table's logicalType must be 'object'");
	props = json_object_get(t, "properties");
	if (!props) {
		add(o, "missing required property 'properties'");
	} else {
		size_t m = contract_path_push(&o->path, "properties");
		if (json_is_array(props) && !json_array_size(props))
			add(o, "table has no properties");
		check_properties(o, props, 3);
		contract_path_pop(&o->path, m);
	}
}

static void check_schema(struct odcs *o, const json_t *schema)
{
	if (!json_is_array(schema)) {
		add(o, "'schema' must be an array of tables");
		return;
	}
	if (!json_array_size(schema))
		add(o, "contract describes no table");
	for (size_t i = 0; i < json_array_size(schema); i++) {
		const json_t *t = json_array_get(schema, i);
		const char *name = json_string_value(json_object_get(t, "name"));
		size_t m = contract_path_push_index(&o->path, i);
		check_table(o, t);
		for (size_t j = 0; name && j < i; j++) {
			const char *other =
			    json_string_value(json_object_get(json_array_get(schema, j), "name"));
			if (other && !strcmp(other, name)) {
				add_at(o, "name", "duplicate table name '%s' (first at index %zu)",
				       name, j);
				break;
			}
		}
		contract_path_pop(&o->path, m);
	}
}

static const struct field root_fields[] = {
    {"id", K_NONEMPTY},   {"version", K_NONEMPTY}, {"status", K_NONEMPTY},
    {"name", K_STRING},   {"domain", K_STRING},    {"dataProduct", K_STRING},
    {"tenant", K_STRING}, {"tags", K_STRINGS},     {NULL, 0},
};

static void check_root(struct odcs *o, const json_t *doc)
{
	const json_t *v;

	if ((v = required(o, doc, "apiVersion"))) {
		const char *s = json_string_value(v);
		const char *p = NULL;

		/* the digits after "v3.0.", read only once the prefix is there ("v3" is shorter) */
		if (s && strncmp(s, "v3.0.", 5) == 0)
			for (p = s + 5; isdigit((unsigned char)*p);)
				p++;
		if (!s)
			add_at(o, "apiVersion", "'apiVersion' must be a string");
		else if (!p || p == s + 5 || *p)
			add_at(o, "apiVersion", "unsupported apiVersion '%s': expected v3.0.x", s);
	}
	if ((v = required(o, doc, "kind")) &&
	    (!json_is_string(v) || strcmp(json_string_value(v), "DataContract")))
		add_at(o, "kind", "kind must be 'DataContract'");
	required(o, doc, "id");
	required(o, doc, "version");
	required(o, doc, "status");
	check_fields(o, doc, root_fields);
	if ((v = required(o, doc, "schema"))) {
		size_t m = contract_path_push(&o->path, "schema");
		check_schema(o, v);
		contract_path_pop(&o->path, m);
	}
}

int odcs_validate(const json_t *doc, const char *base, struct dw_findings *out)
{
	struct odcs o = {.out = out};
	size_t errors = dw_findings_errors(out);

	if (contract_path_init(&o.path, base)) {
		out->oom = 1;
		return DW_NOMEM;
	}
	if (!json_is_object(doc))
		add(&o, "odcs document must be an object");
	else
		check_root(&o, doc);
	if (o.path.oom)
		out->oom = 1;
	contract_path_release(&o.path);
	if (dw_findings_oom(out))
		return DW_NOMEM;
	return dw_findings_errors(out) > errors ? DW_INVALID : 0;
}
