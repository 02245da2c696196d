/*
 * compat_avro: the Avro engine of schema evolution, after the Avro 1.11 specification,
 * "Schema Resolution". BACKWARD is resolution with the new schema as reader and the old one as
 * writer; FORWARD the reverse. The engine walks both schemas side by side once and, at each
 * difference, works out which of the two resolutions it breaks; each rule of the table stands
 * for one such outcome, so its mask is the verdict (a field added without a default breaks the
 * new reader only, a promotion int to long breaks the old reader only).
 *
 * Named types are matched as the specification and the reference implementation do: by
 * unqualified name, or by the reader's aliases naming the writer's full name. Fields are
 * matched by name, then by the reader field's aliases. Union branches are paired by kind
 * (named ones by name or alias); a branch without a partner is checked against every branch of
 * the other union with the promotion rules. A pair of named types is compared once (recursive
 * types terminate; a type used in several places is reported at the first).
 *
 * Logical types are annotations ("Logical Types"): resolution reads the underlying type, but a
 * changed logical type or decimal scale makes the same encoded number mean another value, so
 * those changes are reported as breaking; adding or removing an annotation is not. Logical
 * types the specification says to ignore (unknown or invalid for their type) are ignored.
 *
 * Changes are collected in a private list and copied to the caller's only when both schemas
 * could be read, so a failing call adds nothing.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validators/compat.h"
#include "validators/error.h"
#include "validators/findings.h"

enum avro_rule {
	R_TYPE_CHANGED,
	R_TYPE_PROMOTED,
	R_TYPE_NARROWED,
	R_STRING_BYTES_SWAPPED,
	R_FIELD_ADDED_WITH_DEFAULT,
	R_FIELD_ADDED_WITHOUT_DEFAULT,
	R_FIELD_REMOVED_WITH_DEFAULT,
	R_FIELD_REMOVED_WITHOUT_DEFAULT,
	R_FIELD_RENAMED_WITH_ALIAS,
	R_FIELD_RENAMED_VIA_OLD_ALIAS,
	R_FIELD_RENAMED_COMPATIBLY,
	R_FIELD_DEFAULT_ADDED,
	R_FIELD_DEFAULT_REMOVED,
	R_FIELD_DEFAULT_CHANGED,
	R_FIELDS_REORDERED,
	R_NAME_CHANGED,
	R_NAME_CHANGED_WITH_ALIAS,
	R_NAME_CHANGED_VIA_OLD_ALIAS,
	R_NAME_CHANGED_COMPATIBLY,
	R_NAMESPACE_CHANGED,
	R_FIXED_SIZE_CHANGED,
	R_ENUM_SYMBOL_ADDED,
	R_ENUM_SYMBOL_ADDED_WITH_DEFAULT,
	R_ENUM_SYMBOL_REMOVED,
	R_ENUM_SYMBOL_REMOVED_WITH_DEFAULT,
	R_ENUM_DEFAULT_CHANGED,
	R_ENUM_SYMBOLS_REORDERED,
	R_UNION_BRANCH_ADDED,
	R_UNION_BRANCH_ADDED_READABLE,
	R_UNION_BRANCH_REMOVED,
	R_UNION_BRANCH_REMOVED_READABLE,
	R_TYPE_BECAME_UNION,
	R_UNION_BECAME_TYPE,
	R_LOGICAL_TYPE_ADDED,
	R_LOGICAL_TYPE_REMOVED,
	R_LOGICAL_TYPE_CHANGED,
	R_DECIMAL_SCALE_CHANGED,
	R_DECIMAL_PRECISION_INCREASED,
	R_DECIMAL_PRECISION_DECREASED,
	R_DOC_CHANGED,
	R_ALIASES_CHANGED,
};

/* Rule table ----------------------------------------------------------------------------- */

#define B DW_BREAKS_BACKWARD
#define F DW_BREAKS_FORWARD
#define WARN DW_CHANGE_WARNING
#define INFO DW_CHANGE_INFO

/* Examples: a record R whose field or type changes. */
#define REC(fields) "{\"type\":\"record\",\"name\":\"R\",\"fields\":[" fields "]}"
#define FLD(name, type) "{\"name\":\"" name "\",\"type\":" type "}"
#define FLDD(name, type, def) "{\"name\":\"" name "\",\"type\":" type ",\"default\":" def "}"
#define ENUM(extra) "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":" extra "}"

const struct dw_rule compat_avro_rules[] = {
    [R_TYPE_CHANGED] =
        {"avro.type-changed", DW_FMT_AVRO, B | F, WARN,
         "a type was replaced by one neither side can resolve to the other (record to string, int "
         "to boolean, array to map)",
         REC(FLD("a", "\"int\"")), REC(FLD("a", "\"string\""))},
    [R_TYPE_PROMOTED] =
        {"avro.type-promoted", DW_FMT_AVRO, F, WARN,
         "a type was widened along an Avro promotion (int to long, float or double; long to float "
         "or double; float to double): new readers promote old data, old readers cannot narrow",
         REC(FLD("a", "\"int\"")), REC(FLD("a", "\"long\""))},
    [R_TYPE_NARROWED] =
        {"avro.type-narrowed", DW_FMT_AVRO, B, WARN,
         "a type was narrowed against an Avro promotion (long to int, double to float...): old "
         "readers promote new data, new readers cannot read old data",
         REC(FLD("a", "\"long\"")), REC(FLD("a", "\"int\""))},
    [R_STRING_BYTES_SWAPPED] =
        {"avro.string-bytes-swapped", DW_FMT_AVRO, 0, WARN,
         "string became bytes or bytes became string; Avro resolves them both ways",
         REC(FLD("a", "\"string\"")), REC(FLD("a", "\"bytes\""))},
    [R_FIELD_ADDED_WITH_DEFAULT] =
        {"avro.field-added-with-default", DW_FMT_AVRO, 0, INFO,
         "a field with a default was added: new readers use the default, old readers skip it",
         REC(FLD("a", "\"int\"")), REC(FLD("a", "\"int\"") "," FLDD("b", "\"int\"", "0"))},
    [R_FIELD_ADDED_WITHOUT_DEFAULT] =
        {"avro.field-added-without-default", DW_FMT_AVRO, B, WARN,
         "a field without a default was added: new readers find no value in old data",
         REC(FLD("a", "\"int\"")), REC(FLD("a", "\"int\"") "," FLD("b", "\"int\""))},
    [R_FIELD_REMOVED_WITH_DEFAULT] =
        {"avro.field-removed-with-default", DW_FMT_AVRO, 0, WARN,
         "a field that had a default was removed: old readers fill in their default",
         REC(FLD("a", "\"int\"") "," FLDD("b", "\"int\"", "0")), REC(FLD("a", "\"int\""))},
    [R_FIELD_REMOVED_WITHOUT_DEFAULT] =
        {"avro.field-removed-without-default", DW_FMT_AVRO, F, WARN,
         "a field without a default was removed: old readers find no value in new data",
         REC(FLD("a", "\"int\"") "," FLD("b", "\"int\"")), REC(FLD("a", "\"int\""))},
    [R_FIELD_RENAMED_WITH_ALIAS] =
        {"avro.field-renamed-with-alias", DW_FMT_AVRO, F, WARN,
         "a field was renamed and the new field lists the old name in its aliases: new readers "
         "match it, old readers miss the old name and it has no default",
         REC(FLD("a", "\"int\"")), REC("{\"name\":\"b\",\"type\":\"int\",\"aliases\":[\"a\"]}")},
    [R_FIELD_RENAMED_VIA_OLD_ALIAS] =
        {"avro.field-renamed-via-old-alias", DW_FMT_AVRO, B, WARN,
         "a field was renamed to a name the old field lists as an alias, without an alias or "
         "default on the new field: old readers match it, new readers do not",
         REC("{\"name\":\"a\",\"type\":\"int\",\"aliases\":[\"b\"]}"), REC(FLD("b", "\"int\""))},
    [R_FIELD_RENAMED_COMPATIBLY] =
        {"avro.field-renamed-compatibly", DW_FMT_AVRO, 0, WARN,
         "a field was renamed and aliases or defaults let readers of either version resolve it",
         REC(FLDD("a", "\"int\"", "0")),
         REC("{\"name\":\"b\",\"type\":\"int\",\"aliases\":[\"a\"]}")},
    [R_FIELD_DEFAULT_ADDED] = {"avro.field-default-added", DW_FMT_AVRO, 0, INFO,
                               "a field present in both versions gained a default",
                               REC(FLD("a", "\"int\"")), REC(FLDD("a", "\"int\"", "0"))},
    [R_FIELD_DEFAULT_REMOVED] =
        {"avro.field-default-removed", DW_FMT_AVRO, 0, WARN,
         "a field present in both versions lost its default: later removals of the field will "
         "break old readers",
         REC(FLDD("a", "\"int\"", "0")), REC(FLD("a", "\"int\""))},
    [R_FIELD_DEFAULT_CHANGED] =
        {"avro.field-default-changed", DW_FMT_AVRO, 0, WARN,
         "the default of a field present in both versions changed: readers fill in different "
         "values for data written without the field",
         REC(FLDD("a", "\"int\"", "0")), REC(FLDD("a", "\"int\"", "1"))},
    [R_FIELDS_REORDERED] =
        {"avro.fields-reordered", DW_FMT_AVRO, 0, INFO,
         "fields kept in both versions changed order; resolution matches fields by name",
         REC(FLD("a", "\"int\"") "," FLD("b", "\"int\"")),
         REC(FLD("b", "\"int\"") "," FLD("a", "\"int\""))},
    [R_NAME_CHANGED] =
        {"avro.name-changed", DW_FMT_AVRO, B | F, WARN,
         "a record, enum or fixed was renamed without an alias naming the other version",
         "{\"type\":\"fixed\",\"name\":\"A\",\"size\":4}",
         "{\"type\":\"fixed\",\"name\":\"B\",\"size\":4}"},
    [R_NAME_CHANGED_WITH_ALIAS] =
        {"avro.name-changed-with-alias", DW_FMT_AVRO, F, WARN,
         "a named type was renamed and lists its old full name in its aliases: new readers match "
         "it, old readers do not",
         "{\"type\":\"fixed\",\"name\":\"A\",\"size\":4}",
         "{\"type\":\"fixed\",\"name\":\"B\",\"aliases\":[\"A\"],\"size\":4}"},
    [R_NAME_CHANGED_VIA_OLD_ALIAS] =
        {"avro.name-changed-via-old-alias", DW_FMT_AVRO, B, WARN,
         "a named type was renamed to a name the old type lists as an alias, without the reverse "
         "alias: old readers match it, new readers do not",
         "{\"type\":\"fixed\",\"name\":\"A\",\"aliases\":[\"B\"],\"size\":4}",
         "{\"type\":\"fixed\",\"name\":\"B\",\"size\":4}"},
    [R_NAME_CHANGED_COMPATIBLY] =
        {"avro.name-changed-compatibly", DW_FMT_AVRO, 0, WARN,
         "a named type was renamed and aliases on both versions name each other",
         "{\"type\":\"fixed\",\"name\":\"A\",\"aliases\":[\"B\"],\"size\":4}",
         "{\"type\":\"fixed\",\"name\":\"B\",\"aliases\":[\"A\"],\"size\":4}"},
    [R_NAMESPACE_CHANGED] =
        {"avro.namespace-changed", DW_FMT_AVRO, 0, WARN,
         "a named type moved to another namespace keeping its name; resolution compares "
         "unqualified names",
         "{\"type\":\"fixed\",\"name\":\"A\",\"namespace\":\"x\",\"size\":4}",
         "{\"type\":\"fixed\",\"name\":\"A\",\"namespace\":\"y\",\"size\":4}"},
    [R_FIXED_SIZE_CHANGED] =
        {"avro.fixed-size-changed", DW_FMT_AVRO, B | F, WARN,
         "the size of a fixed changed: neither version can read the other's values",
         "{\"type\":\"fixed\",\"name\":\"A\",\"size\":4}",
         "{\"type\":\"fixed\",\"name\":\"A\",\"size\":8}"},
    [R_ENUM_SYMBOL_ADDED] =
        {"avro.enum-symbol-added", DW_FMT_AVRO, F, WARN,
         "an enum gained a symbol and the old enum has no default: old readers fail on it",
         ENUM("[\"A\"]"), ENUM("[\"A\",\"B\"]")},
    [R_ENUM_SYMBOL_ADDED_WITH_DEFAULT] =
        {"avro.enum-symbol-added-with-default", DW_FMT_AVRO, 0, INFO,
         "an enum gained a symbol; old readers map it to their enum default",
         ENUM("[\"A\"],\"default\":\"A\""), ENUM("[\"A\",\"B\"],\"default\":\"A\"")},
    [R_ENUM_SYMBOL_REMOVED] =
        {"avro.enum-symbol-removed", DW_FMT_AVRO, B, WARN,
         "an enum lost a symbol and the new enum has no default: new readers fail on old data "
         "holding it",
         ENUM("[\"A\",\"B\"]"), ENUM("[\"A\"]")},
    [R_ENUM_SYMBOL_REMOVED_WITH_DEFAULT] =
        {"avro.enum-symbol-removed-with-default", DW_FMT_AVRO, 0, WARN,
         "an enum lost a symbol; new readers map it to their enum default",
         ENUM("[\"A\",\"B\"],\"default\":\"A\""), ENUM("[\"A\"],\"default\":\"A\"")},
    [R_ENUM_DEFAULT_CHANGED] = {"avro.enum-default-changed", DW_FMT_AVRO, 0, INFO,
                                "an enum's default symbol was added, removed or changed",
                                ENUM("[\"A\",\"B\"]"), ENUM("[\"A\",\"B\"],\"default\":\"A\"")},
    [R_ENUM_SYMBOLS_REORDERED] =
        {"avro.enum-symbols-reordered", DW_FMT_AVRO, 0, INFO,
         "an enum's symbols changed order; resolution matches symbols by name",
         ENUM("[\"A\",\"B\"]"), ENUM("[\"B\",\"A\"]")},
    [R_UNION_BRANCH_ADDED] =
        {"avro.union-branch-added", DW_FMT_AVRO, F, WARN,
         "a union gained a branch (or a type became a union) that no branch of the old type can "
         "read: old readers fail on values of it",
         REC(FLD("a", "[\"null\",\"int\"]")), REC(FLD("a", "[\"null\",\"int\",\"string\"]"))},
    [R_UNION_BRANCH_ADDED_READABLE] =
        {"avro.union-branch-added-readable", DW_FMT_AVRO, 0, INFO,
         "a union gained a branch whose values old readers resolve to one of their branches by "
         "promotion",
         REC(FLD("a", "[\"null\",\"long\"]")), REC(FLD("a", "[\"null\",\"int\",\"long\"]"))},
    [R_UNION_BRANCH_REMOVED] =
        {"avro.union-branch-removed", DW_FMT_AVRO, B, WARN,
         "a union lost a branch (or became a single type) that no branch of the new type can "
         "read: new readers fail on old values of it",
         REC(FLD("a", "[\"null\",\"int\",\"string\"]")), REC(FLD("a", "[\"null\",\"int\"]"))},
    [R_UNION_BRANCH_REMOVED_READABLE] =
        {"avro.union-branch-removed-readable", DW_FMT_AVRO, 0, WARN,
         "a union lost a branch whose old values new readers resolve to another branch by "
         "promotion",
         REC(FLD("a", "[\"null\",\"int\",\"long\"]")), REC(FLD("a", "[\"null\",\"long\"]"))},
    [R_TYPE_BECAME_UNION] = {"avro.type-became-union", DW_FMT_AVRO, 0, INFO,
                             "a type became a union; the added branches are reported on their own",
                             REC(FLD("a", "\"int\"")), REC(FLD("a", "[\"null\",\"int\"]"))},
    [R_UNION_BECAME_TYPE] =
        {"avro.union-became-type", DW_FMT_AVRO, 0, INFO,
         "a union became a single type; the removed branches are reported on their own",
         REC(FLD("a", "[\"null\",\"int\"]")), REC(FLD("a", "\"int\""))},
    [R_LOGICAL_TYPE_ADDED] =
        {"avro.logical-type-added", DW_FMT_AVRO, 0, INFO,
         "a logical type annotation was added to a type; the encoding is unchanged",
         REC(FLD("a", "\"long\"")),
         REC(FLD("a", "{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}"))},
    [R_LOGICAL_TYPE_REMOVED] =
        {"avro.logical-type-removed", DW_FMT_AVRO, 0, WARN,
         "a logical type annotation was removed; readers see the raw encoded value",
         REC(FLD("a", "{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}")),
         REC(FLD("a", "\"long\""))},
    [R_LOGICAL_TYPE_CHANGED] =
        {"avro.logical-type-changed", DW_FMT_AVRO, 0, WARN,
         "the logical type of a value changed (timestamp-millis to timestamp-micros, date to "
         "time-millis...): the same encoded number is read as a different value; resolution "
         "uses the underlying type, so it breaks no mode",
         REC(FLD("a", "{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}")),
         REC(FLD("a", "{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}"))},
    [R_DECIMAL_SCALE_CHANGED] =
        {"avro.decimal-scale-changed", DW_FMT_AVRO, 0, WARN,
         "the scale of a decimal changed: the same unscaled integer is read as a different "
         "value; resolution uses the underlying type, so it breaks no mode",
         REC(FLD("a", "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":10,"
                      "\"scale\":2}")),
         REC(FLD("a", "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":10,"
                      "\"scale\":4}"))},
    [R_DECIMAL_PRECISION_INCREASED] =
        {"avro.decimal-precision-increased", DW_FMT_AVRO, 0, WARN,
         "the precision of a decimal grew: new values may not fit old readers' precision "
         "(breaks no mode: resolution uses the underlying type)",
         REC(FLD("a", "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":10,"
                      "\"scale\":2}")),
         REC(FLD("a", "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":12,"
                      "\"scale\":2}"))},
    [R_DECIMAL_PRECISION_DECREASED] =
        {"avro.decimal-precision-decreased", DW_FMT_AVRO, 0, WARN,
         "the precision of a decimal shrank: old values may not fit new readers' precision "
         "(breaks no mode: resolution uses the underlying type)",
         REC(FLD("a", "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":12,"
                      "\"scale\":2}")),
         REC(FLD("a", "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":10,"
                      "\"scale\":2}"))},
    [R_DOC_CHANGED] = {"avro.doc-changed", DW_FMT_AVRO, 0, INFO,
                       "the doc of a named type or field was added, removed or changed",
                       REC("{\"name\":\"a\",\"type\":\"int\",\"doc\":\"Count\"}"),
                       REC("{\"name\":\"a\",\"type\":\"int\",\"doc\":\"Item count\"}")},
    [R_ALIASES_CHANGED] =
        {"avro.aliases-changed", DW_FMT_AVRO, 0, INFO,
         "the aliases of a named type or field changed without changing how versions match",
         REC(FLD("a", "\"int\"")),
         REC("{\"name\":\"a\",\"type\":\"int\",\"aliases\":[\"count\"]}")},
};

const size_t compat_avro_rule_count = sizeof(compat_avro_rules) / sizeof(compat_avro_rules[0]);

#undef B
#undef F
#undef WARN
#undef INFO

/* Schemas -------------------------------------------------------------------------------- */

/* Nesting is bounded by contract_validate; this guards callers that skipped it. */
#define DIFF_MAX_DEPTH (2 * CONTRACT_MAX_DEPTH)

enum kind {
	K_BAD = -1,
	K_NULL,
	K_BOOLEAN,
	K_INT,
	K_LONG,
	K_FLOAT,
	K_DOUBLE,
	K_BYTES,
	K_STRING,
	K_RECORD,
	K_ENUM,
	K_FIXED,
	K_ARRAY,
	K_MAP,
	K_UNION,
};

static const char *const kind_names[] = {"null",   "boolean", "int",    "long",   "float",
                                         "double", "bytes",   "string", "record", "enum",
                                         "fixed",  "array",   "map",    "union"};

#define NKINDS (sizeof(kind_names) / sizeof(kind_names[0]))

/* A named type of one document. */
struct named {
	char *full;        /* full name */
	char *ns;          /* the namespace of the type: names inside it resolve against it */
	char *pointer;     /* where it is defined */
	const json_t *def; /* the defining object (borrowed) */
};

struct schema {
	struct named *names;
	size_t count, alloc;
};

/* A type as resolution sees it: references followed, the position of the definition. */
struct type {
	enum kind kind;
	const json_t *node;        /* the object, array (union) or string that defines it */
	const struct named *named; /* record, enum and fixed */
	const char *ns;            /* namespace for names inside */
	char *ptr;                 /* owned */
};

static enum kind kind_of(const char *s)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (strcmp(kind_names[i], s) == 0)
			return (enum kind)i;
	if (strcmp(s, "error") == 0)
		return K_RECORD;
	return K_BAD;
}

static int is_primitive(enum kind k)
{
	return k >= K_NULL && k <= K_STRING;
}

static int is_named(enum kind k)
{
	return k == K_RECORD || k == K_ENUM || k == K_FIXED;
}

static const char *str_member(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* ns + "." + name, or name alone in the null namespace. malloc'd, NULL on oom. */
static char *qualify(const char *ns, const char *name)
{
	size_t a, b;
	char *s;

	if (strchr(name, '.') || !ns || !*ns)
		return strdup(name);
	a = strlen(ns);
	b = strlen(name);
	s = malloc(a + b + 2);
	if (!s)
		return NULL;
	memcpy(s, ns, a);
	s[a] = '.';
	memcpy(s + a + 1, name, b + 1);
	return s;
}

static const char *short_name(const char *full)
{
	const char *dot = strrchr(full, '.');

	return dot ? dot + 1 : full;
}

static const struct named *schema_lookup(const struct schema *s, const char *full)
{
	for (size_t i = 0; i < s->count; i++)
		if (strcmp(s->names[i].full, full) == 0)
			return &s->names[i];
	return NULL;
}

static const struct named *schema_by_def(const struct schema *s, const json_t *def)
{
	for (size_t i = 0; i < s->count; i++)
		if (s->names[i].def == def)
			return &s->names[i];
	return NULL;
}

/* Avro spec, "Names": a dotted name is a full name, otherwise the enclosing namespace
 * applies; like avro_validate, a name not found there is tried in the null namespace. */
static const struct named *schema_resolve(const struct schema *s, const char *name, const char *ns)
{
	const struct named *n;
	char *full = qualify(ns, name);

	if (!full)
		return NULL;
	n = schema_lookup(s, full);
	free(full);
	return n ? n : schema_lookup(s, name);
}

static void schema_release(struct schema *s)
{
	for (size_t i = 0; i < s->count; i++) {
		free(s->names[i].full);
		free(s->names[i].ns);
		free(s->names[i].pointer);
	}
	free(s->names);
	memset(s, 0, sizeof(*s));
}

static int schema_define(struct schema *s, const json_t *def, const char *ns, const char *ptr,
                         const char **inner)
{
	const char *name = str_member(def, "name"), *space = str_member(def, "namespace");
	const char *dot;
	struct named *n;

	if (!name || !*name)
		return DW_INVALID;
	if (s->count == s->alloc) {
		size_t na = s->alloc ? 2 * s->alloc : 16;
		struct named *names = realloc(s->names, na * sizeof(*names));
		if (!names)
			return DW_NOMEM;
		s->names = names;
		s->alloc = na;
	}
	n = &s->names[s->count];
	memset(n, 0, sizeof(*n));
	n->def = def;
	dot = strrchr(name, '.');
	if (dot)
		n->ns = strndup(name, (size_t)(dot - name));
	else
		n->ns = strdup(space ? space : ns ? ns : "");
	n->full = n->ns ? qualify(n->ns, name) : NULL;
	n->pointer = strdup(ptr);
	if (!n->ns || !n->full || !n->pointer) {
		free(n->ns);
		free(n->full);
		free(n->pointer);
		return DW_NOMEM;
	}
	s->count++;
	*inner = n->ns;
	return 0;
}

static int schema_walk(struct schema *s, const json_t *v, const char *ns, const char *ptr,
                       int depth, int verify);

static int walk_child(struct schema *s, const json_t *v, const char *ns, const char *ptr,
                      const char *key, int depth, int verify)
{
	char *p = dw_pointer_join(ptr, key);
	int rc;

	if (!p)
		return DW_NOMEM;
	rc = schema_walk(s, v, ns, p, depth + 1, verify);
	free(p);
	return rc;
}

static int walk_fields(struct schema *s, const json_t *def, const char *ns, const char *ptr,
                       int depth, int verify)
{
	const json_t *fields = json_object_get(def, "fields"), *f;
	size_t i;
	int rc = 0;

	if (fields && !json_is_array(fields))
		return DW_INVALID;
	json_array_foreach(fields, i, f)
	{
		char *p = dw_pointer_join_index(ptr, i), *fp;

		if (!p)
			return DW_NOMEM;
		fp = dw_pointer_join(p, "fields");
		free(p);
		p = fp ? dw_pointer_join_index(fp, i) : NULL;
		free(fp);
		if (!p)
			return DW_NOMEM;
		if (!json_is_object(f) || !str_member(f, "name") || !json_object_get(f, "type"))
			rc = DW_INVALID;
		else
			rc =
			    walk_child(s, json_object_get(f, "type"), ns, p, "type", depth, verify);
		free(p);
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * Walks one schema: with verify 0 registers every named type, with verify 1 checks that every
 * reference names a registered type. Returns 0, DW_INVALID or DW_NOMEM.
 */
static int schema_walk(struct schema *s, const json_t *v, const char *ns, const char *ptr,
                       int depth, int verify)
{
	const json_t *type, *x;
	const char *inner = ns;
	enum kind k;
	size_t i;
	int rc;

	if (depth > DIFF_MAX_DEPTH)
		return DW_INVALID;
	if (json_is_string(v)) {
		if (!verify || kind_of(json_string_value(v)) != K_BAD)
			return 0;
		return schema_resolve(s, json_string_value(v), ns) ? 0 : DW_INVALID;
	}
	if (json_is_array(v)) {
		json_array_foreach(v, i, x)
		{
			char *p = dw_pointer_join_index(ptr, i);

			if (!p)
				return DW_NOMEM;
			rc = schema_walk(s, x, ns, p, depth + 1, verify);
			free(p);
			if (rc)
				return rc;
		}
		return 0;
	}
	if (!json_is_object(v) || !(type = json_object_get(v, "type")))
		return DW_INVALID;
	if (!json_is_string(type))
		return walk_child(s, type, ns, ptr, "type", depth, verify);
	k = kind_of(json_string_value(type));
	if (is_named(k)) {
		if (!verify && (rc = schema_define(s, v, ns, ptr, &inner)))
			return rc;
		if (verify) {
			const struct named *n = schema_by_def(s, v);
			if (!n)
				return DW_INVALID;
			inner = n->ns;
		}
		return k == K_RECORD ? walk_fields(s, v, inner, ptr, depth, verify) : 0;
	}
	if (k == K_ARRAY || k == K_MAP) {
		const char *key = k == K_ARRAY ? "items" : "values";
		if (!(x = json_object_get(v, key)))
			return DW_INVALID;
		return walk_child(s, x, ns, ptr, key, depth, verify);
	}
	/* a primitive with attributes, or {"type": "SomeName"} */
	return schema_walk(s, type, ns, ptr, depth + 1, verify);
}

static int schema_load(struct schema *s, const json_t *doc)
{
	int rc = schema_walk(s, doc, "", "", 0, 0);

	return rc ? rc : schema_walk(s, doc, "", "", 0, 1);
}

/* Resolves v (at ptr, inside namespace ns) into t; t->ptr is owned by the caller. */
static int type_resolve(const struct schema *s, const json_t *v, const char *ns, const char *ptr,
                        struct type *t)
{
	const json_t *type;
	int hops = 0;

	memset(t, 0, sizeof(*t));
	t->kind = K_BAD;
	t->ns = ns;
	for (;;) {
		if (++hops > DIFF_MAX_DEPTH)
			return DW_INVALID;
		if (json_is_array(v)) {
			t->kind = K_UNION;
			break;
		}
		if (json_is_string(v)) {
			const struct named *n;

			t->kind = kind_of(json_string_value(v));
			if (is_primitive(t->kind))
				break;
			n = schema_resolve(s, json_string_value(v), ns);
			if (!n)
				return DW_INVALID;
			v = n->def;
			ptr = n->pointer;
			continue;
		}
		type = json_object_get(v, "type");
		if (!json_is_string(type)) {
			if (!type)
				return DW_INVALID;
			v = type;
			continue;
		}
		t->kind = kind_of(json_string_value(type));
		if (t->kind == K_BAD || t->kind == K_UNION) {
			v = type;
			continue;
		}
		if (is_named(t->kind)) {
			t->named = schema_by_def(s, v);
			if (!t->named)
				return DW_INVALID;
			t->ns = t->named->ns;
		}
		break;
	}
	t->node = v;
	t->ptr = strdup(ptr);
	return t->ptr ? 0 : DW_NOMEM;
}

/* Avro spec, "Aliases": an alias of a named type is relative to the type's namespace. */
static int named_alias_of(const struct named *n, const char *full)
{
	const json_t *aliases = json_object_get(n->def, "aliases"), *a;
	size_t i;

	json_array_foreach(aliases, i, a)
	{
		const char *s = json_string_value(a);
		size_t len;

		if (!s)
			continue;
		if (strchr(s, '.') || !*n->ns) {
			if (strcmp(s, full) == 0)
				return 1;
			continue;
		}
		len = strlen(n->ns);
		if (strncmp(full, n->ns, len) == 0 && full[len] == '.' &&
		    strcmp(full + len + 1, s) == 0)
			return 1;
	}
	return 0;
}

/* Avro spec, "Schema Resolution": a reader's named type matches a writer's one of the same
 * kind with the same unqualified name, or whose full name the reader lists as an alias. */
static int named_match(const struct type *reader, const struct type *writer)
{
	if (reader->kind != writer->kind)
		return 0;
	if (strcmp(short_name(reader->named->full), short_name(writer->named->full)) == 0)
		return 1;
	return named_alias_of(reader->named, writer->named->full);
}

/* Avro spec, "Schema Resolution": int is promotable to long, float or double; long to float
 * or double; float to double; string to bytes and bytes to string. */
static int promotable(enum kind writer, enum kind reader)
{
	switch (writer) {
	case K_INT:
		return reader == K_LONG || reader == K_FLOAT || reader == K_DOUBLE;
	case K_LONG:
		return reader == K_FLOAT || reader == K_DOUBLE;
	case K_FLOAT:
		return reader == K_DOUBLE;
	case K_STRING:
		return reader == K_BYTES;
	case K_BYTES:
		return reader == K_STRING;
	default:
		return 0;
	}
}

/* Whether a union branch of the reader accepts values of a writer's branch (the pairing has
 * already taken every branch of the same kind and name). */
static int branch_reads(const struct type *reader, const struct type *writer)
{
	if (is_primitive(writer->kind))
		return writer->kind == reader->kind || promotable(writer->kind, reader->kind);
	if (is_named(writer->kind)) {
		if (!named_match(reader, writer))
			return 0;
		return writer->kind != K_FIXED || json_equal(json_object_get(reader->node, "size"),
		                                             json_object_get(writer->node, "size"));
	}
	return writer->kind == reader->kind;
}

static void type_describe(const struct type *t, char *buf, size_t size)
{
	if (is_named(t->kind))
		snprintf(buf, size, "%s '%s'", kind_names[t->kind], t->named->full);
	else if (t->kind >= 0)
		snprintf(buf, size, "%s", kind_names[t->kind]);
	else
		snprintf(buf, size, "unknown");
}

/* The diff ------------------------------------------------------------------------------- */

struct seen_pair {
	const json_t *old_def, *new_def;
};

struct diff {
	struct schema old, new;
	struct dw_changes changes;
	struct seen_pair *seen;
	size_t nseen, aseen;
	int depth;
	int rc;
};

#define MSG_MAX 1024
#define DESC_MAX 300

__attribute__((format(printf, 6, 7))) static void change(struct diff *d, enum avro_rule r,
                                                         const char *old_ptr, const char *new_ptr,
                                                         const char *subject, const char *fmt, ...)
{
	char msg[MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!dw_changes_add(&d->changes, &compat_avro_rules[r], old_ptr, new_ptr, subject, "%s",
	                    msg))
		d->rc = DW_NOMEM;
}

/* "'address.city'" or "the schema", for messages. */
static const char *what(const char *subject, char *buf, size_t size)
{
	if (!subject)
		return "the schema";
	snprintf(buf, size, "'%s'", subject);
	return buf;
}

/* A pair of named types is compared once; returns 1 when it was already. */
static int seen_before(struct diff *d, const struct type *o, const struct type *n)
{
	for (size_t i = 0; i < d->nseen; i++)
		if (d->seen[i].old_def == o->node && d->seen[i].new_def == n->node)
			return 1;
	if (d->nseen == d->aseen) {
		size_t na = d->aseen ? 2 * d->aseen : 16;
		struct seen_pair *s = realloc(d->seen, na * sizeof(*s));
		if (!s) {
			d->rc = DW_NOMEM;
			return 1;
		}
		d->seen = s;
		d->aseen = na;
	}
	d->seen[d->nseen].old_def = o->node;
	d->seen[d->nseen].new_def = n->node;
	d->nseen++;
	return 0;
}

static void diff_node(struct diff *d, const json_t *ov, const char *ons, const char *optr,
                      const json_t *nv, const char *nns, const char *nptr, const char *subject);
static void diff_types(struct diff *d, const struct type *o, const struct type *n,
                       const char *subject);

static void diff_doc(struct diff *d, const json_t *o, const char *optr, const json_t *n,
                     const char *nptr, const char *label)
{
	const json_t *od = json_object_get(o, "doc"), *nd = json_object_get(n, "doc");

	if ((od || nd) && !(od && nd && json_equal(od, nd)))
		change(d, R_DOC_CHANGED, optr, nptr, NULL, "doc of %s %s", label,
		       !od   ? "added"
		       : !nd ? "removed"
		             : "changed");
}

/* Logical types ---------------------------------------------------------------------------- */

/* The logical type of t when the specification lets it apply to t's type, else NULL
 * ("Logical Types": invalid or unknown ones are ignored and the underlying type is used). */
static const char *logical_of(const struct type *t)
{
	static const struct {
		const char *name;
		enum kind kind;
	} valid[] = {
	    {"date", K_INT},
	    {"time-millis", K_INT},
	    {"time-micros", K_LONG},
	    {"timestamp-millis", K_LONG},
	    {"timestamp-micros", K_LONG},
	    {"local-timestamp-millis", K_LONG},
	    {"local-timestamp-micros", K_LONG},
	    {"uuid", K_STRING},
	    {"decimal", K_BYTES},
	    {"decimal", K_FIXED},
	    {"duration", K_FIXED},
	};
	const char *name;

	if (!json_is_object(t->node) || !(name = str_member(t->node, "logicalType")))
		return NULL;
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		if (strcmp(valid[i].name, name) != 0 || valid[i].kind != t->kind)
			continue;
		if (strcmp(name, "decimal") == 0 &&
		    json_integer_value(json_object_get(t->node, "precision")) <= 0)
			return NULL;
		return name;
	}
	return NULL;
}

static void diff_decimal(struct diff *d, const struct type *o, const struct type *n,
                         const char *subject)
{
	json_int_t op = json_integer_value(json_object_get(o->node, "precision"));
	json_int_t np = json_integer_value(json_object_get(n->node, "precision"));
	json_int_t os = json_integer_value(json_object_get(o->node, "scale"));
	json_int_t ns = json_integer_value(json_object_get(n->node, "scale"));
	char wb[DESC_MAX];

	if (os != ns)
		change(d, R_DECIMAL_SCALE_CHANGED, o->ptr, n->ptr, subject,
		       "decimal scale of %s changed from %" JSON_INTEGER_FORMAT
		       " to %" JSON_INTEGER_FORMAT,
		       what(subject, wb, sizeof(wb)), os, ns);
	if (op != np)
		change(d, np > op ? R_DECIMAL_PRECISION_INCREASED : R_DECIMAL_PRECISION_DECREASED,
		       o->ptr, n->ptr, subject,
		       "decimal precision of %s %s from %" JSON_INTEGER_FORMAT
		       " to %" JSON_INTEGER_FORMAT,
		       what(subject, wb, sizeof(wb)), np > op ? "increased" : "decreased", op, np);
}

static void diff_logical(struct diff *d, const struct type *o, const struct type *n,
                         const char *subject)
{
	const char *ol = logical_of(o), *nl = logical_of(n);
	char wb[DESC_MAX];

	if (!ol && !nl)
		return;
	if (!ol)
		change(d, R_LOGICAL_TYPE_ADDED, o->ptr, n->ptr, subject,
		       "logical type '%s' added to %s", nl, what(subject, wb, sizeof(wb)));
	else if (!nl)
		change(d, R_LOGICAL_TYPE_REMOVED, o->ptr, n->ptr, subject,
		       "logical type '%s' removed from %s", ol, what(subject, wb, sizeof(wb)));
	else if (strcmp(ol, nl) != 0)
		change(d, R_LOGICAL_TYPE_CHANGED, o->ptr, n->ptr, subject,
		       "logical type of %s changed from '%s' to '%s'",
		       what(subject, wb, sizeof(wb)), ol, nl);
	else if (strcmp(ol, "decimal") == 0)
		diff_decimal(d, o, n, subject);
}

/* Named types ------------------------------------------------------------------------------ */

/* Aliases of a named type or a field, compared as sets of full names. */
static int aliases_differ(const struct named *on, const json_t *o, const struct named *nn,
                          const json_t *n)
{
	const json_t *oa = json_object_get(o, "aliases"), *na = json_object_get(n, "aliases"), *a;
	size_t i, matched = 0;

	json_array_foreach(na, i, a)
	{
		const char *s = json_string_value(a);
		char *full;
		int found;

		if (!s)
			continue;
		if (!nn) {
			const json_t *b;
			size_t j;

			found = 0;
			json_array_foreach(oa, j, b) found |=
			    json_is_string(b) && strcmp(json_string_value(b), s) == 0;
		} else {
			if (!(full = qualify(nn->ns, s)))
				return 0;
			found = named_alias_of(on, full);
			free(full);
		}
		if (!found)
			return 1;
		matched++;
	}
	return matched != json_array_size(oa);
}

static void diff_names(struct diff *d, const struct type *o, const struct type *n,
                       const char *subject)
{
	const char *of = o->named->full, *nf = n->named->full, *kind = kind_names[o->kind];
	int b_ok, f_ok;

	if (strcmp(of, nf) == 0) {
		if (aliases_differ(o->named, o->node, n->named, n->node))
			change(d, R_ALIASES_CHANGED, o->ptr, n->ptr, subject,
			       "aliases of %s '%s' changed", kind, nf);
		return;
	}
	if (strcmp(short_name(of), short_name(nf)) == 0) {
		change(d, R_NAMESPACE_CHANGED, o->ptr, n->ptr, subject,
		       "%s '%s' moved to namespace '%s'", kind, of, n->named->ns);
		return;
	}
	b_ok = named_alias_of(n->named, of); /* new reader, old writer */
	f_ok = named_alias_of(o->named, nf);
	if (b_ok && f_ok)
		change(d, R_NAME_CHANGED_COMPATIBLY, o->ptr, n->ptr, subject,
		       "%s '%s' renamed to '%s' with aliases both ways", kind, of, nf);
	else if (b_ok)
		change(
		    d, R_NAME_CHANGED_WITH_ALIAS, o->ptr, n->ptr, subject,
		    "%s '%s' renamed to '%s'; readers of the old schema do not know the new name",
		    kind, of, nf);
	else if (f_ok)
		change(d, R_NAME_CHANGED_VIA_OLD_ALIAS, o->ptr, n->ptr, subject,
		       "%s '%s' renamed to '%s' without an alias for the old name", kind, of, nf);
	else
		change(d, R_NAME_CHANGED, o->ptr, n->ptr, subject,
		       "%s '%s' renamed to '%s' without aliases", kind, of, nf);
}

/* Records ------------------------------------------------------------------------------------ */

static char *field_path(const char *subject, const char *name)
{
	char *s;
	size_t a, b;

	if (!subject)
		return strdup(name);
	a = strlen(subject);
	b = strlen(name);
	if (!(s = malloc(a + b + 2)))
		return NULL;
	memcpy(s, subject, a);
	s[a] = '.';
	memcpy(s + a + 1, name, b + 1);
	return s;
}

static int field_has_alias(const json_t *f, const char *name)
{
	const json_t *a;
	size_t i;

	json_array_foreach(json_object_get(f, "aliases"), i,
	                   a) if (json_is_string(a) &&
	                          strcmp(json_string_value(a), name) == 0) return 1;
	return 0;
}

static int values_equal(const json_t *a, const json_t *b)
{
	if (json_is_number(a) && json_is_number(b))
		return json_number_value(a) == json_number_value(b);
	return json_equal(a, b);
}

struct field_pair {
	size_t o, n;
	int renamed;
};

/* Old field i and new field j are one field: name, defaults, doc, aliases, then types. */
static void diff_field(struct diff *d, const struct type *o, const struct type *n,
                       const struct field_pair *fp, const char *subject)
{
	const json_t *of = json_array_get(json_object_get(o->node, "fields"), fp->o);
	const json_t *nf = json_array_get(json_object_get(n->node, "fields"), fp->n);
	const char *oname = str_member(of, "name"), *nname = str_member(nf, "name");
	const json_t *od = json_object_get(of, "default"), *nd = json_object_get(nf, "default");
	char *op = dw_pointer_join(o->ptr, "fields"), *np = dw_pointer_join(n->ptr, "fields");
	char *ofp = op ? dw_pointer_join_index(op, fp->o) : NULL;
	char *nfp = np ? dw_pointer_join_index(np, fp->n) : NULL;
	char *path = field_path(subject, nname);
	char label[DESC_MAX];
	int b_ok, f_ok;

	free(op);
	free(np);
	op = ofp ? dw_pointer_join(ofp, "type") : NULL;
	np = nfp ? dw_pointer_join(nfp, "type") : NULL;
	if (!op || !np || !path)
		goto oom;
	snprintf(label, sizeof(label), "field '%s'", path);
	if (fp->renamed) {
		/* new reader finds the old field through its aliases or uses its default */
		b_ok = field_has_alias(nf, oname) || nd;
		f_ok = field_has_alias(of, nname) || od;
		change(d,
		       !f_ok   ? R_FIELD_RENAMED_WITH_ALIAS
		       : !b_ok ? R_FIELD_RENAMED_VIA_OLD_ALIAS
		               : R_FIELD_RENAMED_COMPATIBLY,
		       ofp, nfp, path, "field '%s' renamed to '%s'%s", oname, nname,
		       !f_ok   ? "; readers of the old schema find no value and have no default"
		       : !b_ok ? "; readers of the new schema find no value and have no default"
		               : "");
	} else if (aliases_differ(NULL, of, NULL, nf)) {
		change(d, R_ALIASES_CHANGED, ofp, nfp, path, "aliases of field '%s' changed", path);
	}
	if (od && !nd)
		change(d, R_FIELD_DEFAULT_REMOVED, ofp, nfp, path, "default of field '%s' removed",
		       path);
	else if (!od && nd)
		change(d, R_FIELD_DEFAULT_ADDED, ofp, nfp, path, "default of field '%s' added",
		       path);
	else if (od && !values_equal(od, nd))
		change(d, R_FIELD_DEFAULT_CHANGED, ofp, nfp, path, "default of field '%s' changed",
		       path);
	diff_doc(d, of, ofp, nf, nfp, label);
	diff_node(d, json_object_get(of, "type"), o->ns, op, json_object_get(nf, "type"), n->ns, np,
	          path);
	goto out;
oom:
	d->rc = DW_NOMEM;
out:
	free(op);
	free(np);
	free(ofp);
	free(nfp);
	free(path);
}

static void field_unmatched(struct diff *d, const struct type *t, size_t i, const char *subject,
                            int added)
{
	const json_t *f = json_array_get(json_object_get(t->node, "fields"), i);
	const char *name = str_member(f, "name");
	int has_default = json_object_get(f, "default") != NULL;
	char *p = dw_pointer_join(t->ptr, "fields"), *fp = p ? dw_pointer_join_index(p, i) : NULL;
	char *path = field_path(subject, name);

	if (!fp || !path)
		d->rc = DW_NOMEM;
	else if (added)
		change(d, has_default ? R_FIELD_ADDED_WITH_DEFAULT : R_FIELD_ADDED_WITHOUT_DEFAULT,
		       NULL, fp, path, "field '%s' added %s a default", path,
		       has_default ? "with" : "without");
	else
		change(d,
		       has_default ? R_FIELD_REMOVED_WITH_DEFAULT : R_FIELD_REMOVED_WITHOUT_DEFAULT,
		       fp, NULL, path, "field '%s' removed %s a default", path,
		       has_default ? "with" : "without");
	free(p);
	free(fp);
	free(path);
}

/* Index of the field named name among fields not yet taken, or -1. */
static long field_find(const json_t *fields, const char *name, const long *taken)
{
	const json_t *f;
	size_t i;

	json_array_foreach(fields, i, f)
	{
		const char *s = str_member(f, "name");
		if (taken[i] < 0 && s && strcmp(s, name) == 0)
			return (long)i;
	}
	return -1;
}

/* Matches fields of the two versions: by name, then a new field's aliases naming an old
 * field (what the new schema as reader does), then an old field's aliases naming a new one.
 * om[i] is the new index of old field i or -1, nm[j] the reverse; renamed[j] for aliases. */
static void fields_match(const json_t *ofs, const json_t *nfs, long *om, long *nm, int *renamed)
{
	const json_t *f, *a;
	size_t i, k;

	json_array_foreach(nfs, i, f)
	{
		long j = field_find(ofs, str_member(f, "name"), om);
		if (j >= 0) {
			om[j] = (long)i;
			nm[i] = j;
		}
	}
	for (int pass = 0; pass < 2; pass++) {
		const json_t *from = pass ? ofs : nfs, *to = pass ? nfs : ofs;
		long *fm = pass ? om : nm, *tm = pass ? nm : om;

		json_array_foreach(from, i, f)
		{
			if (fm[i] >= 0)
				continue;
			json_array_foreach(json_object_get(f, "aliases"), k, a)
			{
				long j = json_is_string(a)
				             ? field_find(to, json_string_value(a), tm)
				             : -1;
				if (j < 0)
					continue;
				fm[i] = j;
				tm[j] = (long)i;
				renamed[pass ? j : (long)i] = 1;
				break;
			}
		}
	}
}

static void diff_fields(struct diff *d, const struct type *o, const struct type *n,
                        const char *subject)
{
	const json_t *ofs = json_object_get(o->node, "fields");
	const json_t *nfs = json_object_get(n->node, "fields");
	size_t on = json_array_size(ofs), nn = json_array_size(nfs), i;
	long *om = malloc((on + 1) * sizeof(*om)), *nm = malloc((nn + 1) * sizeof(*nm));
	int *renamed = calloc(nn + 1, sizeof(*renamed));
	long last = -1;
	int reordered = 0;
	char wb[DESC_MAX];

	if (!om || !nm || !renamed) {
		d->rc = DW_NOMEM;
		goto out;
	}
	for (i = 0; i < on; i++)
		om[i] = -1;
	for (i = 0; i < nn; i++)
		nm[i] = -1;
	fields_match(ofs, nfs, om, nm, renamed);
	for (i = 0; i < on && !d->rc; i++) {
		if (om[i] < 0) {
			field_unmatched(d, o, i, subject, 0);
			continue;
		}
		if (om[i] < last)
			reordered = 1;
		last = om[i];
		diff_field(d, o, n, &(struct field_pair){i, (size_t)om[i], renamed[om[i]]},
		           subject);
	}
	for (i = 0; i < nn && !d->rc; i++)
		if (nm[i] < 0)
			field_unmatched(d, n, i, subject, 1);
	if (reordered)
		change(d, R_FIELDS_REORDERED, o->ptr, n->ptr, subject, "fields of %s reordered",
		       subject ? what(subject, wb, sizeof(wb)) : "the top-level record");
out:
	free(om);
	free(nm);
	free(renamed);
}

/* Enums ---------------------------------------------------------------------------------- */

static long symbol_find(const json_t *symbols, const char *s)
{
	const json_t *x;
	size_t i;

	json_array_foreach(symbols, i, x) if (json_is_string(x) && s &&
	                                      strcmp(json_string_value(x), s) == 0) return (long)i;
	return -1;
}

/* Avro spec, "Schema Resolution": "if the writer's symbol is not enumerated in the reader's
 * enum and the reader has a default value, then that value is used, otherwise an error". */
static void diff_enum(struct diff *d, const struct type *o, const struct type *n,
                      const char *subject)
{
	const json_t *os = json_object_get(o->node, "symbols"),
	             *ns = json_object_get(n->node, "symbols");
	const char *od = str_member(o->node, "default"), *nd = str_member(n->node, "default");
	int o_default = symbol_find(os, od) >= 0, n_default = symbol_find(ns, nd) >= 0;
	const char *name = n->named->full;
	const json_t *x;
	long last = -1;
	int reordered = 0;
	size_t i;

	for (int pass = 0; pass < 2; pass++) {
		const json_t *from = pass ? ns : os, *to = pass ? os : ns;

		json_array_foreach(from, i, x)
		{
			const char *s = json_string_value(x);
			char *p = dw_pointer_join(pass ? n->ptr : o->ptr, "symbols");
			char *sp = p ? dw_pointer_join_index(p, i) : NULL;
			long j = symbol_find(to, s);

			free(p);
			if (!sp) {
				d->rc = DW_NOMEM;
				return;
			}
			if (j >= 0 && !pass) {
				reordered |= j < last;
				last = j;
			} else if (j < 0 && pass) {
				change(d,
				       o_default ? R_ENUM_SYMBOL_ADDED_WITH_DEFAULT
				                 : R_ENUM_SYMBOL_ADDED,
				       NULL, sp, subject, "symbol '%s' added to enum '%s'%s", s,
				       name, o_default ? "" : " whose old version has no default");
			} else if (j < 0) {
				change(d,
				       n_default ? R_ENUM_SYMBOL_REMOVED_WITH_DEFAULT
				                 : R_ENUM_SYMBOL_REMOVED,
				       sp, NULL, subject, "symbol '%s' removed from enum '%s'%s", s,
				       name, n_default ? "" : " which has no default");
			}
			free(sp);
		}
	}
	if (reordered)
		change(d, R_ENUM_SYMBOLS_REORDERED, o->ptr, n->ptr, subject,
		       "symbols of enum '%s' reordered", name);
	if (!(od && nd && strcmp(od, nd) == 0) && (od || nd))
		change(d, R_ENUM_DEFAULT_CHANGED, o->ptr, n->ptr, subject,
		       "default of enum '%s' %s", name,
		       !od   ? "added"
		       : !nd ? "removed"
		             : "changed");
}

/* Unions --------------------------------------------------------------------------------- */

struct branches {
	struct type *t;
	size_t count;
	long *pair;
};

static void branches_release(struct branches *b, const struct type *self)
{
	for (size_t i = 0; i < b->count; i++)
		if (b->t[i].ptr != self->ptr)
			free(b->t[i].ptr);
	free(b->t);
	free(b->pair);
}

/* The branches of t: its members when a union, else t alone. */
static int branches_of(const struct schema *s, const struct type *t, struct branches *b)
{
	size_t n = t->kind == K_UNION ? json_array_size(t->node) : 1;

	b->count = 0;
	b->t = calloc(n + 1, sizeof(*b->t));
	b->pair = malloc((n + 1) * sizeof(*b->pair));
	if (!b->t || !b->pair)
		return DW_NOMEM;
	for (size_t i = 0; i < n; i++)
		b->pair[i] = -1;
	if (t->kind != K_UNION) {
		b->t[0] = *t;
		b->count = 1;
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		char *p = dw_pointer_join_index(t->ptr, i);
		int rc;

		if (!p)
			return DW_NOMEM;
		rc = type_resolve(s, json_array_get(t->node, i), t->ns, p, &b->t[i]);
		free(p);
		b->count = i + 1;
		if (rc)
			return rc;
		/* Avro spec, "Unions": unions may not immediately contain other unions */
		if (b->t[i].kind == K_UNION)
			return DW_INVALID;
	}
	return 0;
}

/* The same branch in both versions: same kind, and for named types a name or alias match
 * either way. */
static int branch_same(const struct type *o, const struct type *n)
{
	if (o->kind != n->kind)
		return 0;
	if (!is_named(o->kind))
		return 1;
	return named_match(n, o) || named_match(o, n);
}

/* "'null'" or "record 'com.example.Address'", for messages. */
static void branch_describe(const struct type *t, char *buf, size_t size)
{
	if (is_named(t->kind))
		type_describe(t, buf, size);
	else
		snprintf(buf, size, "'%s'", kind_names[t->kind]);
}

static void branch_unpaired(struct diff *d, const struct branches *from, const struct branches *to,
                            size_t i, const char *subject, int added)
{
	const struct type *t = &from->t[i];
	char desc[DESC_MAX], into[DESC_MAX], wb[DESC_MAX];
	size_t j;

	branch_describe(t, desc, sizeof(desc));
	for (j = 0; j < to->count; j++)
		if (branch_reads(&to->t[j], t))
			break;
	if (j < to->count)
		branch_describe(&to->t[j], into, sizeof(into));
	if (added && j < to->count)
		change(d, R_UNION_BRANCH_ADDED_READABLE, NULL, t->ptr, subject,
		       "%s gained branch %s that readers of the old schema read as %s",
		       what(subject, wb, sizeof(wb)), desc, into);
	else if (added)
		change(d, R_UNION_BRANCH_ADDED, NULL, t->ptr, subject,
		       "%s gained branch %s that readers of the old schema cannot read",
		       what(subject, wb, sizeof(wb)), desc);
	else if (j < to->count)
		change(d, R_UNION_BRANCH_REMOVED_READABLE, t->ptr, NULL, subject,
		       "%s lost branch %s; readers of the new schema read old values as %s",
		       what(subject, wb, sizeof(wb)), desc, into);
	else
		change(d, R_UNION_BRANCH_REMOVED, t->ptr, NULL, subject,
		       "%s lost branch %s that readers of the new schema cannot read",
		       what(subject, wb, sizeof(wb)), desc);
}

/*
 * Avro spec, "Schema Resolution": with a writer's union the branch written is resolved
 * against the reader; with a reader's union the first branch matching the writer's schema is
 * used. A type that is not a union is handled as a union of itself.
 */
static void diff_union(struct diff *d, const struct type *o, const struct type *n,
                       const char *subject)
{
	struct branches ob = {0}, nb = {0};
	char wb[DESC_MAX];
	int rc;
	size_t i, j;

	if ((rc = branches_of(&d->old, o, &ob)) || (rc = branches_of(&d->new, n, &nb))) {
		d->rc = rc;
		goto out;
	}
	if (o->kind != K_UNION)
		change(d, R_TYPE_BECAME_UNION, o->ptr, n->ptr, subject, "%s became a union",
		       what(subject, wb, sizeof(wb)));
	else if (n->kind != K_UNION)
		change(d, R_UNION_BECAME_TYPE, o->ptr, n->ptr, subject, "%s is no longer a union",
		       what(subject, wb, sizeof(wb)));
	for (i = 0; i < ob.count; i++)
		for (j = 0; j < nb.count && ob.pair[i] < 0; j++)
			if (nb.pair[j] < 0 && branch_same(&ob.t[i], &nb.t[j])) {
				ob.pair[i] = (long)j;
				nb.pair[j] = (long)i;
			}
	for (i = 0; i < ob.count && !d->rc; i++) {
		if (ob.pair[i] >= 0)
			diff_types(d, &ob.t[i], &nb.t[ob.pair[i]], subject);
		else
			branch_unpaired(d, &ob, &nb, i, subject, 0);
	}
	for (j = 0; j < nb.count && !d->rc; j++)
		if (nb.pair[j] < 0)
			branch_unpaired(d, &nb, &ob, j, subject, 1);
out:
	branches_release(&ob, o);
	branches_release(&nb, n);
}

/* Types ---------------------------------------------------------------------------------- */

static void diff_kinds(struct diff *d, const struct type *o, const struct type *n,
                       const char *subject)
{
	char od[DESC_MAX], nd[DESC_MAX], wb[DESC_MAX];
	int b_ok = promotable(o->kind, n->kind), f_ok = promotable(n->kind, o->kind);
	const char *w;

	type_describe(o, od, sizeof(od));
	type_describe(n, nd, sizeof(nd));
	w = what(subject, wb, sizeof(wb));
	if (b_ok && f_ok)
		change(d, R_STRING_BYTES_SWAPPED, o->ptr, n->ptr, subject,
		       "type of %s changed from %s to %s", w, od, nd);
	else if (b_ok)
		change(d, R_TYPE_PROMOTED, o->ptr, n->ptr, subject,
		       "type of %s promoted from %s to %s", w, od, nd);
	else if (f_ok)
		change(d, R_TYPE_NARROWED, o->ptr, n->ptr, subject,
		       "type of %s narrowed from %s to %s", w, od, nd);
	else
		change(d, R_TYPE_CHANGED, o->ptr, n->ptr, subject,
		       "type of %s changed from %s to %s", w, od, nd);
	if (b_ok || f_ok)
		diff_logical(d, o, n, subject);
}

static void diff_types(struct diff *d, const struct type *o, const struct type *n,
                       const char *subject)
{
	char label[DESC_MAX];

	if (d->rc)
		return;
	if (o->kind == K_UNION || n->kind == K_UNION) {
		diff_union(d, o, n, subject);
		return;
	}
	if (o->kind != n->kind) {
		diff_kinds(d, o, n, subject);
		return;
	}
	switch (o->kind) {
	case K_ARRAY:
	case K_MAP: {
		const char *key = o->kind == K_ARRAY ? "items" : "values";
		char *op = dw_pointer_join(o->ptr, key), *np = dw_pointer_join(n->ptr, key);

		if (op && np)
			diff_node(d, json_object_get(o->node, key), o->ns, op,
			          json_object_get(n->node, key), n->ns, np, subject);
		else
			d->rc = DW_NOMEM;
		free(op);
		free(np);
		return;
	}
	case K_RECORD:
	case K_ENUM:
	case K_FIXED:
		if (seen_before(d, o, n))
			return;
		diff_names(d, o, n, subject);
		snprintf(label, sizeof(label), "%s '%s'", kind_names[n->kind], n->named->full);
		diff_doc(d, o->node, o->ptr, n->node, n->ptr, label);
		if (o->kind == K_RECORD) {
			diff_fields(d, o, n, subject);
		} else if (o->kind == K_ENUM) {
			diff_enum(d, o, n, subject);
		} else {
			json_int_t os = json_integer_value(json_object_get(o->node, "size"));
			json_int_t ns = json_integer_value(json_object_get(n->node, "size"));
			if (os != ns)
				change(d, R_FIXED_SIZE_CHANGED, o->ptr, n->ptr, subject,
				       "size of fixed '%s' changed from %" JSON_INTEGER_FORMAT
				       " to %" JSON_INTEGER_FORMAT,
				       n->named->full, os, ns);
			diff_logical(d, o, n, subject);
		}
		return;
	default:
		diff_logical(d, o, n, subject);
		return;
	}
}

static void diff_node(struct diff *d, const json_t *ov, const char *ons, const char *optr,
                      const json_t *nv, const char *nns, const char *nptr, const char *subject)
{
	struct type o, n;
	int rc;

	if (d->rc)
		return;
	if (++d->depth > DIFF_MAX_DEPTH) {
		d->rc = DW_INVALID;
		d->depth--;
		return;
	}
	rc = type_resolve(&d->old, ov, ons, optr, &o);
	if (!rc)
		rc = type_resolve(&d->new, nv, nns, nptr, &n);
	else
		memset(&n, 0, sizeof(n));
	if (rc)
		d->rc = rc;
	else
		diff_types(d, &o, &n, subject);
	free(o.ptr);
	free(n.ptr);
	d->depth--;
}

int compat_avro_diff(const json_t *old_doc, const json_t *new_doc, struct dw_changes *out)
{
	struct diff d;
	int rc;

	memset(&d, 0, sizeof(d));
	dw_changes_init(&d.changes);
	if (!old_doc || !new_doc) {
		rc = DW_INVALID;
		goto out;
	}
	if ((rc = schema_load(&d.old, old_doc)) || (rc = schema_load(&d.new, new_doc)))
		goto out;
	diff_node(&d, old_doc, "", "", new_doc, "", "", NULL);
	rc = d.rc ? d.rc : d.changes.oom ? DW_NOMEM : 0;
	for (size_t i = 0; !rc && i < d.changes.count; i++) {
		const struct dw_change *c = &d.changes.items[i];
		if (!dw_changes_add(out, c->rule, c->old_pointer, c->new_pointer, c->subject, "%s",
		                    c->message))
			rc = DW_NOMEM;
	}
out:
	schema_release(&d.old);
	schema_release(&d.new);
	dw_changes_release(&d.changes);
	free(d.seen);
	return rc;
}
