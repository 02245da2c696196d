/*
 * compat_protobuf: schema evolution of Protobuf contracts (.proto text, validators/protobuf.h).
 * Both versions are parsed and their ASTs walked together; the rules are Confluent Schema
 * Registry's ProtobufSchema checks, whose verdicts follow from the wire format
 * (docs/compatibility.md, "Protobuf").
 *
 * Directions (compat.h): BACKWARD breaks when a consumer using the new schema cannot read data
 * written with the old one; FORWARD when a consumer of the old schema cannot read data written
 * with the new one. Confluent checks FORWARD by running its BACKWARD comparison with the two
 * schemas swapped, so every rule here is the mirror image of another one: a message removed
 * breaks BACKWARD, a message added breaks FORWARD.
 *
 * Matching: messages and enums by name within their scope, fields by number (oneof members
 * included), oneofs by name, enum values by number. Pointers lead into each AST.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validators/compat.h"
#include "validators/error.h"
#include "validators/protobuf.h"

#define BW DW_BREAKS_BACKWARD
#define FW DW_BREAKS_FORWARD

/* Rule examples: a JSON string holding a proto3 file. */
#define P3(body) "\"syntax = \\\"proto3\\\"; " body "\""
#define P2(body) "\"syntax = \\\"proto2\\\"; " body "\""

const struct dw_rule compat_protobuf_rules[] = {
    {"protobuf.package-changed", DW_FMT_PROTOBUF, 0, DW_CHANGE_WARNING,
     "the package changed: the binary encoding names no type, so readers decode as before; "
     "generated class names, Any type URLs and the JSON of Any change",
     P3("package shop.v1; message Order { int32 id = 1; }"),
     P3("package shop.v2; message Order { int32 id = 1; }")},
    {"protobuf.syntax-changed", DW_FMT_PROTOBUF, 0, DW_CHANGE_WARNING,
     "the syntax changed (proto2, proto3, editions): the encoding is the same, default values "
     "and field presence may not be",
     P2("message Order { optional int32 id = 1; }"), P3("message Order { int32 id = 1; }")},
    {"protobuf.message-removed", DW_FMT_PROTOBUF, BW, DW_CHANGE_INFO,
     "a message type was removed: records written with it cannot be read with the new schema",
     P3("message Order { int32 id = 1; } message Line { int32 qty = 1; }"),
     P3("message Order { int32 id = 1; }")},
    {"protobuf.message-added", DW_FMT_PROTOBUF, FW, DW_CHANGE_INFO,
     "a message type was added: consumers of the old schema do not know it (Confluent's "
     "FORWARD check)",
     P3("message Order { int32 id = 1; }"),
     P3("message Order { int32 id = 1; } message Line { int32 qty = 1; }")},
    {"protobuf.message-moved", DW_FMT_PROTOBUF, 0, DW_CHANGE_INFO,
     "a message type changed position among its siblings: message indexes are per schema "
     "version, so nothing breaks",
     P3("message A { int32 a = 1; } message B { int32 b = 1; }"),
     P3("message B { int32 b = 1; } message A { int32 a = 1; }")},
    {"protobuf.field-removed", DW_FMT_PROTOBUF, 0, DW_CHANGE_WARNING,
     "a field was removed: readers see it as absent (its default); reserve its number and name "
     "so that they are never reused",
     P3("message Order { int32 id = 1; string note = 2; }"), P3("message Order { int32 id = 1; }")},
    {"protobuf.field-added", DW_FMT_PROTOBUF, 0, DW_CHANGE_INFO,
     "a field was added: old readers skip it as an unknown field, new readers of old data see "
     "its default",
     P3("message Order { int32 id = 1; }"), P3("message Order { int32 id = 1; string note = 2; }")},
    {"protobuf.field-renamed", DW_FMT_PROTOBUF, 0, DW_CHANGE_WARNING,
     "a field was renamed (same number): the binary encoding is unchanged, the JSON encoding "
     "and generated code are not",
     P3("message Order { int32 id = 1; }"), P3("message Order { int32 order_id = 1; }")},
    {"protobuf.field-number-changed", DW_FMT_PROTOBUF, 0, DW_CHANGE_WARNING,
     "a field kept its name under another number: on the wire it is a removal plus an "
     "addition, so data written under one number reads as absent under the other",
     P3("message Order { int32 id = 1; }"), P3("message Order { int32 id = 2; }")},
    {"protobuf.field-kind-changed", DW_FMT_PROTOBUF, BW | FW, DW_CHANGE_INFO,
     "a field changed between scalar (or enum), message and map: the encodings differ",
     P3("message Order { string id = 1; } message Id { string v = 1; }"),
     P3("message Order { Id id = 1; } message Id { string v = 1; }")},
    {"protobuf.field-type-changed", DW_FMT_PROTOBUF, BW | FW, DW_CHANGE_INFO,
     "a scalar field's type changed across wire-compatible groups (int32/uint32/int64/uint64/"
     "bool/enum, sint32/sint64, fixed32/sfixed32, fixed64/sfixed64, string/bytes, float, "
     "double)",
     P3("message Order { int32 qty = 1; }"), P3("message Order { string qty = 1; }")},
    {"protobuf.field-type-changed-compatible", DW_FMT_PROTOBUF, 0, DW_CHANGE_WARNING,
     "a scalar field's type changed within its wire-compatible group: values parse, but may be "
     "truncated (int64 to int32) or reinterpreted (bytes that are not UTF-8)",
     P3("message Order { int32 qty = 1; }"), P3("message Order { int64 qty = 1; }")},
    {"protobuf.field-message-type-changed", DW_FMT_PROTOBUF, BW | FW, DW_CHANGE_INFO,
     "a message-typed field now names another message type",
     P3("message Order { A item = 1; } message A { int32 a = 1; } message B { int32 a = 1; }"),
     P3("message Order { B item = 1; } message A { int32 a = 1; } message B { int32 a = 1; }")},
    {"protobuf.numeric-label-changed", DW_FMT_PROTOBUF, BW | FW, DW_CHANGE_INFO,
     "a numeric, bool or enum field changed between singular and repeated: repeated numbers "
     "are packed, which a singular reader does not parse",
     P3("message Order { int32 qty = 1; }"), P3("message Order { repeated int32 qty = 1; }")},
    {"protobuf.label-changed-compatible", DW_FMT_PROTOBUF, 0, DW_CHANGE_INFO,
     "a string, bytes or message field changed between singular and repeated, or a field's "
     "presence (optional or not) changed: the encoding is the same (a singular reader keeps the "
     "last value)",
     P3("message Order { string tag = 1; }"), P3("message Order { repeated string tag = 1; }")},
    {"protobuf.required-field-added", DW_FMT_PROTOBUF, BW | FW, DW_CHANGE_INFO,
     "a required field was added: data written before lacks it and fails to parse",
     P2("message Order { optional int32 id = 1; }"),
     P2("message Order { optional int32 id = 1; required string sku = 2; }")},
    {"protobuf.required-field-removed", DW_FMT_PROTOBUF, BW | FW, DW_CHANGE_INFO,
     "a required field was removed: readers of the old schema fail on data that lacks it",
     P2("message Order { optional int32 id = 1; required string sku = 2; }"),
     P2("message Order { optional int32 id = 1; }")},
    {"protobuf.field-became-required", DW_FMT_PROTOBUF, BW, DW_CHANGE_INFO,
     "an existing field became required: data written without it no longer parses",
     P2("message Order { optional string sku = 1; }"),
     P2("message Order { required string sku = 1; }")},
    {"protobuf.field-became-optional", DW_FMT_PROTOBUF, FW, DW_CHANGE_INFO,
     "a required field became optional: readers of the old schema fail on data without it",
     P2("message Order { required string sku = 1; }"),
     P2("message Order { optional string sku = 1; }")},
    {"protobuf.oneof-added", DW_FMT_PROTOBUF, 0, DW_CHANGE_INFO, "a oneof was added",
     P3("message Order { int32 id = 1; }"),
     P3("message Order { int32 id = 1; oneof pay { string card = 2; string iban = 3; } }")},
    {"protobuf.oneof-removed", DW_FMT_PROTOBUF, 0, DW_CHANGE_WARNING,
     "a oneof was removed with its fields: readers see them as absent",
     P3("message Order { int32 id = 1; oneof pay { string card = 2; string iban = 3; } }"),
     P3("message Order { int32 id = 1; }")},
    {"protobuf.oneof-field-added", DW_FMT_PROTOBUF, FW, DW_CHANGE_INFO,
     "a new field joined an existing oneof: consumers of the old schema see the oneof unset "
     "when it is the one set",
     P3("message Order { oneof pay { string card = 1; } }"),
     P3("message Order { oneof pay { string card = 1; string iban = 2; } }")},
    {"protobuf.oneof-field-removed", DW_FMT_PROTOBUF, BW, DW_CHANGE_INFO,
     "a field was removed from a oneof: new readers see the oneof unset when old data set it",
     P3("message Order { oneof pay { string card = 1; string iban = 2; } }"),
     P3("message Order { oneof pay { string card = 1; } }")},
    {"protobuf.oneof-field-moved-in", DW_FMT_PROTOBUF, 0, DW_CHANGE_INFO,
     "a single existing field moved into a new oneof: compatible on the wire",
     P3("message Order { string card = 1; }"),
     P3("message Order { oneof pay { string card = 1; string iban = 2; } }")},
    {"protobuf.oneof-fields-moved-in", DW_FMT_PROTOBUF, BW, DW_CHANGE_INFO,
     "several existing fields moved into one oneof: old data may set more than one of them "
     "and new readers keep only the last",
     P3("message Order { string card = 1; string iban = 2; }"),
     P3("message Order { oneof pay { string card = 1; string iban = 2; } }")},
    {"protobuf.oneof-field-moved-into-existing", DW_FMT_PROTOBUF, BW | FW, DW_CHANGE_INFO,
     "an existing field joined a oneof that already had members: old data may set it with "
     "another member; old readers see the oneof unset when it holds the field",
     P3("message Order { string card = 1; oneof pay { string iban = 2; } }"),
     P3("message Order { oneof pay { string card = 1; string iban = 2; } }")},
    {"protobuf.oneof-fields-moved-out", DW_FMT_PROTOBUF, FW, DW_CHANGE_INFO,
     "several fields of one oneof became regular fields: new data may set more than one, "
     "which readers of the old schema collapse",
     P3("message Order { oneof pay { string card = 1; string iban = 2; } }"),
     P3("message Order { string card = 1; string iban = 2; }")},
    {"protobuf.oneof-field-moved-out-of-existing", DW_FMT_PROTOBUF, BW | FW, DW_CHANGE_INFO,
     "a field left a oneof that keeps other members: new data may set both, readers of the "
     "old schema keep one; new readers see the oneof unset in old data that chose the field",
     P3("message Order { oneof pay { string card = 1; string iban = 2; } }"),
     P3("message Order { string card = 1; oneof pay { string iban = 2; } }")},
    {"protobuf.enum-added", DW_FMT_PROTOBUF, 0, DW_CHANGE_INFO, "an enum type was added",
     P3("message Order { int32 id = 1; }"),
     P3("message Order { int32 id = 1; } enum State { STATE_UNSPECIFIED = 0; }")},
    {"protobuf.enum-removed", DW_FMT_PROTOBUF, 0, DW_CHANGE_WARNING,
     "an enum type was removed (fields using it would have changed too)",
     P3("message Order { int32 id = 1; } enum State { STATE_UNSPECIFIED = 0; }"),
     P3("message Order { int32 id = 1; }")},
    {"protobuf.enum-value-added", DW_FMT_PROTOBUF, 0, DW_CHANGE_INFO,
     "an enum value was added: old readers keep it as an unknown number (proto3) or an "
     "unknown field (proto2)",
     P3("enum State { NEW = 0; }"), P3("enum State { NEW = 0; PAID = 1; }")},
    {"protobuf.enum-value-removed", DW_FMT_PROTOBUF, 0, DW_CHANGE_WARNING,
     "an enum value was removed: new readers see its number as unknown; reserve it",
     P3("enum State { NEW = 0; PAID = 1; }"), P3("enum State { NEW = 0; }")},
    {"protobuf.enum-value-renamed", DW_FMT_PROTOBUF, 0, DW_CHANGE_INFO,
     "an enum value was renamed (same number): the JSON encoding changes, the binary does not",
     P3("enum State { NEW = 0; PAID = 1; }"), P3("enum State { NEW = 0; SETTLED = 1; }")},
    {"protobuf.enum-value-renumbered", DW_FMT_PROTOBUF, 0, DW_CHANGE_WARNING,
     "an enum value kept its name under another number: data written with one number means "
     "something else under the other",
     P3("enum State { NEW = 0; PAID = 1; }"), P3("enum State { NEW = 0; PAID = 2; }")},
    {"protobuf.reserved-number-reused", DW_FMT_PROTOBUF, BW | FW, DW_CHANGE_INFO,
     "a number the old schema reserved is used again: data written with the removed field is "
     "read as the new one",
     P3("message Order { int32 id = 1; reserved 2; }"),
     P3("message Order { int32 id = 1; string note = 2; }")},
    {"protobuf.reserved-name-reused", DW_FMT_PROTOBUF, 0, DW_CHANGE_WARNING,
     "a name the old schema reserved is used again: JSON and text data written with the old "
     "field is read as the new one",
     P3("message Order { int32 id = 1; reserved \\\"note\\\"; }"),
     P3("message Order { int32 id = 1; string note = 3; }")},
};

const size_t compat_protobuf_rule_count =
    sizeof(compat_protobuf_rules) / sizeof(compat_protobuf_rules[0]);

static const struct dw_rule *rule(const char *id)
{
	for (size_t i = 0; i < compat_protobuf_rule_count; i++)
		if (strcmp(compat_protobuf_rules[i].id + 9, id) == 0)
			return &compat_protobuf_rules[i];
	abort(); /* a misspelt id is a programming error */
}

struct ctx {
	struct dw_changes *out;
	const char *old_pkg, *new_pkg;
	int oom;
};

static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static json_int_t jnum(const json_t *o)
{
	return json_integer_value(json_object_get(o, "number"));
}

/* base + "/" + key + "/" + index, malloc'd (NULL on oom, flagged). */
static char *ptr(struct ctx *c, const char *base, const char *key, size_t index)
{
	size_t n = strlen(base) + strlen(key) + 24;
	char *s = malloc(n);

	if (!s) {
		c->oom = 1;
		return NULL;
	}
	snprintf(s, n, "%s/%s/%zu", base, key, index);
	return s;
}

static char *subj(struct ctx *c, const char *prefix, const char *name)
{
	size_t n = (prefix ? strlen(prefix) : 0) + strlen(name) + 2;
	char *s = malloc(n);

	if (!s) {
		c->oom = 1;
		return NULL;
	}
	if (prefix && *prefix)
		snprintf(s, n, "%s.%s", prefix, name);
	else
		snprintf(s, n, "%s", name);
	return s;
}

static void add(struct ctx *c, const char *id, const char *op, const char *np, const char *subject,
                const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void add(struct ctx *c, const char *id, const char *op, const char *np, const char *subject,
                const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!dw_changes_add(c->out, rule(id), op, np, subject, "%s", msg))
		c->oom = 1;
}

/* ---- types ------------------------------------------------------------------------------- */

enum kind { K_SCALAR, K_MESSAGE, K_MAP };

static enum kind kind_of(const char *k)
{
	if (strcmp(k, "scalar") == 0 || strcmp(k, "enum") == 0)
		return K_SCALAR;
	if (strcmp(k, "map") == 0)
		return K_MAP;
	return K_MESSAGE; /* message, group, unresolved (Confluent: a message) */
}

/* The wire-compatible group of a scalar type ("Updating A Message Type" of the language guide);
 * enums are int32 on the wire. */
static int scalar_group(const char *kind, const char *type)
{
	static const struct {
		const char *type;
		int group;
	} groups[] = {
	    {"int32", 1},    {"int64", 1},   {"uint32", 1},   {"uint64", 1}, {"bool", 1},
	    {"sint32", 2},   {"sint64", 2},  {"string", 3},   {"bytes", 3},  {"fixed32", 4},
	    {"sfixed32", 4}, {"fixed64", 5}, {"sfixed64", 5}, {"float", 6},  {"double", 7},
	};

	if (strcmp(kind, "enum") == 0)
		return 1;
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (strcmp(groups[i].type, type) == 0)
			return groups[i].group;
	return 0;
}

/* A message type's name without its file's package (Confluent compares these). */
static const char *local_name(const char *full, const char *type, const char *pkg)
{
	size_t n = pkg ? strlen(pkg) : 0;

	if (!full)
		return type[0] == '.' ? type + 1 : type;
	if (n && strncmp(full, pkg, n) == 0 && full[n] == '.')
		return full + n + 1;
	return full;
}

/* Compares one type (a field's, or a map's key or value) of the same field in both versions. */
static void compare_type(struct ctx *c, const char *okind, const char *otype, const char *ofull,
                         const char *nkind, const char *ntype, const char *nfull, const char *op,
                         const char *np, const char *subject, const char *what)
{
	enum kind ok = kind_of(okind), nk = kind_of(nkind);

	if (ok != nk) {
		add(c, "field-kind-changed", op, np, subject, "%s '%s' changed from %s to %s", what,
		    subject, otype, ntype);
		return;
	}
	if (ok == K_SCALAR) {
		int og = scalar_group(okind, otype), ng = scalar_group(nkind, ntype);
		const char *on = ofull ? local_name(ofull, otype, c->old_pkg) : otype;
		const char *nn = nfull ? local_name(nfull, ntype, c->new_pkg) : ntype;
		if (og != ng)
			add(c, "field-type-changed", op, np, subject,
			    "type of %s '%s' changed from %s to %s (not wire-compatible)", what,
			    subject, otype, ntype);
		else if (strcmp(on, nn) != 0)
			add(c, "field-type-changed-compatible", op, np, subject,
			    "type of %s '%s' changed from %s to %s (wire-compatible)", what,
			    subject, otype, ntype);
	} else if (ok == K_MESSAGE) {
		const char *on = local_name(ofull, otype, c->old_pkg);
		const char *nn = local_name(nfull, ntype, c->new_pkg);
		if (strcmp(on, nn) != 0)
			add(c, "field-message-type-changed", op, np, subject,
			    "%s '%s' changed from message %s to message %s", what, subject, otype,
			    ntype);
	}
}

static int is_numeric(const json_t *f)
{
	const char *kind = jstr(f, "kind");

	if (kind_of(kind) != K_SCALAR)
		return 0;
	return scalar_group(kind, jstr(f, "type")) != 3;
}

static void compare_field(struct ctx *c, const json_t *of, const json_t *nf, const char *op,
                          const char *np, const char *subject)
{
	const char *ol = jstr(of, "label"), *nl = jstr(nf, "label");
	int orep = strcmp(ol, "repeated") == 0, nrep = strcmp(nl, "repeated") == 0;
	int oreq = strcmp(ol, "required") == 0, nreq = strcmp(nl, "required") == 0;
	const json_t *om = json_object_get(of, "map"), *nm = json_object_get(nf, "map");

	if (strcmp(jstr(of, "name"), jstr(nf, "name")) != 0)
		add(c, "field-renamed", op, np, subject, "field '%s' (%lld) renamed to '%s'",
		    subject, (long long)jnum(of), jstr(nf, "name"));
	compare_type(c, jstr(of, "kind"), jstr(of, "type"), jstr(of, "typeFullName"),
	             jstr(nf, "kind"), jstr(nf, "type"), jstr(nf, "typeFullName"), op, np, subject,
	             "field");
	if (om && nm) {
		compare_type(c, "scalar", jstr(om, "key"), NULL, "scalar", jstr(nm, "key"), NULL,
		             op, np, subject, "map key of");
		compare_type(c, jstr(om, "valueKind"), jstr(om, "value"), jstr(om, "valueFullName"),
		             jstr(nm, "valueKind"), jstr(nm, "value"), jstr(nm, "valueFullName"),
		             op, np, subject, "map value of");
		return;
	}
	if (om || nm)
		return; /* a kind change, reported above */
	if (orep != nrep) {
		if (is_numeric(of) || is_numeric(nf))
			add(c, "numeric-label-changed", op, np, subject,
			    "numeric field '%s' changed from %s to %s", subject,
			    orep ? "repeated" : "singular", nrep ? "repeated" : "singular");
		else
			add(c, "label-changed-compatible", op, np, subject,
			    "field '%s' changed from %s to %s", subject,
			    orep ? "repeated" : "singular", nrep ? "repeated" : "singular");
	} else if (!oreq && nreq) {
		add(c, "field-became-required", op, np, subject, "field '%s' became required",
		    subject);
	} else if (oreq && !nreq) {
		add(c, "field-became-optional", op, np, subject,
		    "required field '%s' became optional", subject);
	} else if (strcmp(ol, nl) != 0) {
		add(c, "label-changed-compatible", op, np, subject,
		    "presence of field '%s' changed from '%s' to '%s'", subject,
		    *ol ? ol : "implicit", *nl ? nl : "implicit");
	}
}

/* ---- messages ---------------------------------------------------------------------------- */

/* Index of the field with number n in fields, or -1. */
static long by_number(const json_t *fields, json_int_t n)
{
	size_t i;
	const json_t *f;

	json_array_foreach(fields, i, f)
	{
		if (jnum(f) == n)
			return (long)i;
	}
	return -1;
}

static long by_name(const json_t *arr, const char *name)
{
	size_t i;
	const json_t *x;

	json_array_foreach(arr, i, x)
	{
		if (strcmp(jstr(x, "name"), name) == 0)
			return (long)i;
	}
	return -1;
}

/*
 * Oneof membership changes, one direction: for each oneof U of "to", the fields of U that are
 * regular fields of "from" (moved) and those that were in some oneof of "from" (existing).
 * Confluent's MULTIPLE_FIELDS_MOVED_TO_ONEOF and FIELD_MOVED_TO_EXISTING_ONEOF; run with the
 * versions swapped it finds the FORWARD mirror images.
 */
static void oneof_moves(struct ctx *c, const json_t *from, const json_t *to, int backward,
                        const char *op, const char *np, const char *mname)
{
	const json_t *tf = json_object_get(to, "fields"), *ff = json_object_get(from, "fields");
	size_t i, j;
	const json_t *u, *f;

	json_array_foreach(json_object_get(to, "oneofs"), i, u)
	{
		const char *uname = jstr(u, "name");
		size_t moved = 0, existing = 0;
		json_int_t first = 0;
		char *subject = subj(c, mname, uname);
		json_array_foreach(tf, j, f)
		{
			const char *o = jstr(f, "oneof");
			long k;
			if (!o || strcmp(o, uname) != 0)
				continue;
			k = by_number(ff, jnum(f));
			if (k < 0)
				continue;
			if (!jstr(json_array_get(ff, (size_t)k), "oneof")) {
				if (!moved++)
					first = jnum(f);
			} else {
				existing++;
			}
		}
		if (backward && moved > 1)
			add(c, "oneof-fields-moved-in", op, np, subject,
			    "%zu existing fields moved into oneof '%s'", moved, subject);
		else if (backward && moved == 1 && existing)
			add(c, "oneof-field-moved-into-existing", op, np, subject,
			    "field %lld moved into existing oneof '%s'", (long long)first, subject);
		else if (backward && moved == 1)
			add(c, "oneof-field-moved-in", op, np, subject,
			    "field %lld moved into new oneof '%s'", (long long)first, subject);
		else if (!backward && moved > 1)
			add(c, "oneof-fields-moved-out", op, np, subject,
			    "%zu fields of oneof '%s' became regular fields", moved, subject);
		else if (!backward && moved == 1 && existing)
			add(c, "oneof-field-moved-out-of-existing", op, np, subject,
			    "field %lld left oneof '%s', which keeps other members",
			    (long long)first, subject);
		free(subject);
	}
}

static void compare_scope(struct ctx *c, const json_t *o, const json_t *n, const char *op,
                          const char *np, const char *prefix, int depth);

static void compare_message(struct ctx *c, const json_t *om, const json_t *nm, const char *op,
                            const char *np, const char *mname, int depth)
{
	const json_t *of = json_object_get(om, "fields"), *nf = json_object_get(nm, "fields");
	const json_t *oreserved = json_object_get(om, "reserved");
	size_t i;
	const json_t *f, *u;

	oneof_moves(c, om, nm, 1, op, np, mname);
	oneof_moves(c, nm, om, 0, op, np, mname);
	/* oneofs by name */
	json_array_foreach(json_object_get(om, "oneofs"), i, u)
	{
		if (by_name(json_object_get(nm, "oneofs"), jstr(u, "name")) < 0) {
			char *p = ptr(c, op, "oneofs", i), *s = subj(c, mname, jstr(u, "name"));
			add(c, "oneof-removed", p, NULL, s, "oneof '%s' removed", s);
			free(p);
			free(s);
		}
	}
	json_array_foreach(json_object_get(nm, "oneofs"), i, u)
	{
		if (by_name(json_object_get(om, "oneofs"), jstr(u, "name")) < 0) {
			char *p = ptr(c, np, "oneofs", i), *s = subj(c, mname, jstr(u, "name"));
			add(c, "oneof-added", NULL, p, s, "oneof '%s' added", s);
			free(p);
			free(s);
		}
	}
	/* fields by number: removed, and changed */
	json_array_foreach(of, i, f)
	{
		long k = by_number(nf, jnum(f));
		char *p = ptr(c, op, "fields", i), *s = subj(c, mname, jstr(f, "name"));
		const char *oneof = jstr(f, "oneof");
		if (k >= 0) {
			char *q = ptr(c, np, "fields", (size_t)k);
			compare_field(c, f, json_array_get(nf, (size_t)k), p, q, s);
			free(q);
		} else if (oneof && by_name(json_object_get(nm, "oneofs"), oneof) >= 0) {
			add(c, "oneof-field-removed", p, NULL, s,
			    "field '%s' (%lld) removed from oneof '%s'", s, (long long)jnum(f),
			    oneof);
		} else if (oneof) {
			/* its oneof is gone: oneof-removed says it */
		} else if (strcmp(jstr(f, "label"), "required") == 0) {
			add(c, "required-field-removed", p, NULL, s,
			    "required field '%s' (%lld) removed", s, (long long)jnum(f));
		} else {
			long r = by_name(nf, jstr(f, "name"));
			const json_t *g = r >= 0 ? json_array_get(nf, (size_t)r) : NULL;
			if (g && by_number(of, jnum(g)) < 0 && !jstr(g, "oneof") &&
			    strcmp(jstr(g, "label"), "required") != 0) {
				char *q = ptr(c, np, "fields", (size_t)r);
				add(c, "field-number-changed", p, q, s,
				    "field '%s' changed number from %lld to %lld", s,
				    (long long)jnum(f), (long long)jnum(g));
				free(q);
			} else {
				add(c, "field-removed", p, NULL, s, "field '%s' (%lld) removed", s,
				    (long long)jnum(f));
			}
		}
		free(p);
		free(s);
	}
	/* fields added */
	json_array_foreach(nf, i, f)
	{
		const char *oneof = jstr(f, "oneof");
		char *p, *s;
		if (by_number(of, jnum(f)) >= 0)
			continue;
		p = ptr(c, np, "fields", i);
		s = subj(c, mname, jstr(f, "name"));
		if (protobuf_in_ranges(json_object_get(oreserved, "numbers"), jnum(f)))
			add(c, "reserved-number-reused", NULL, p, s,
			    "field '%s' uses number %lld, which the old version reserved", s,
			    (long long)jnum(f));
		if (protobuf_in_names(json_object_get(oreserved, "names"), jstr(f, "name")))
			add(c, "reserved-name-reused", NULL, p, s,
			    "field '%s' uses a name the old version reserved", s);
		if (oneof && by_name(json_object_get(om, "oneofs"), oneof) >= 0) {
			add(c, "oneof-field-added", NULL, p, s,
			    "field '%s' (%lld) added to oneof '%s'", s, (long long)jnum(f), oneof);
		} else if (oneof) {
			/* a new oneof: oneof-added says it */
		} else if (strcmp(jstr(f, "label"), "required") == 0) {
			add(c, "required-field-added", NULL, p, s,
			    "required field '%s' (%lld) added", s, (long long)jnum(f));
		} else {
			long r = by_name(of, jstr(f, "name"));
			const json_t *g = r >= 0 ? json_array_get(of, (size_t)r) : NULL;
			if (!(g && by_number(nf, jnum(g)) < 0 && !jstr(g, "oneof") &&
			      strcmp(jstr(g, "label"), "required") != 0))
				add(c, "field-added", NULL, p, s, "field '%s' (%lld) added", s,
				    (long long)jnum(f));
		}
		free(p);
		free(s);
	}
	compare_scope(c, om, nm, op, np, mname, depth + 1);
}

static void compare_enum(struct ctx *c, const json_t *oe, const json_t *ne, const char *op,
                         const char *np, const char *ename)
{
	const json_t *ov = json_object_get(oe, "values"), *nv = json_object_get(ne, "values");
	const json_t *oreserved = json_object_get(oe, "reserved");
	size_t i;
	const json_t *v;

	json_array_foreach(ov, i, v)
	{
		long k = by_number(nv, jnum(v)), r;
		char *p, *q, *s;
		if (by_number(ov, jnum(v)) != (long)i)
			continue; /* an alias: the first value of a number speaks for it */
		p = ptr(c, op, "values", i);
		s = subj(c, ename, jstr(v, "name"));
		if (k >= 0) {
			const char *nn = jstr(json_array_get(nv, (size_t)k), "name");
			if (strcmp(nn, jstr(v, "name")) != 0) {
				q = ptr(c, np, "values", (size_t)k);
				add(c, "enum-value-renamed", p, q, s,
				    "enum value '%s' (%lld) renamed to '%s'", s, (long long)jnum(v),
				    nn);
				free(q);
			}
		} else if ((r = by_name(nv, jstr(v, "name"))) >= 0 &&
		           by_number(ov, jnum(json_array_get(nv, (size_t)r))) < 0) {
			q = ptr(c, np, "values", (size_t)r);
			add(c, "enum-value-renumbered", p, q, s,
			    "enum value '%s' changed number from %lld to %lld", s,
			    (long long)jnum(v), (long long)jnum(json_array_get(nv, (size_t)r)));
			free(q);
		} else {
			add(c, "enum-value-removed", p, NULL, s, "enum value '%s' (%lld) removed",
			    s, (long long)jnum(v));
		}
		free(p);
		free(s);
	}
	json_array_foreach(nv, i, v)
	{
		long r;
		char *p, *s;
		if (by_number(ov, jnum(v)) >= 0 || by_number(nv, jnum(v)) != (long)i)
			continue;
		p = ptr(c, np, "values", i);
		s = subj(c, ename, jstr(v, "name"));
		if (protobuf_in_ranges(json_object_get(oreserved, "numbers"), jnum(v)))
			add(c, "reserved-number-reused", NULL, p, s,
			    "enum value '%s' uses number %lld, which the old version reserved", s,
			    (long long)jnum(v));
		if (protobuf_in_names(json_object_get(oreserved, "names"), jstr(v, "name")))
			add(c, "reserved-name-reused", NULL, p, s,
			    "enum value '%s' uses a name the old version reserved", s);
		r = by_name(ov, jstr(v, "name"));
		if (!(r >= 0 && by_number(nv, jnum(json_array_get(ov, (size_t)r))) < 0))
			add(c, "enum-value-added", NULL, p, s, "enum value '%s' (%lld) added", s,
			    (long long)jnum(v));
		free(p);
		free(s);
	}
}

/* Position of message i among the non-group messages of arr. */
static long message_index(const json_t *arr, size_t i)
{
	long k = 0;

	for (size_t j = 0; j < i; j++)
		if (!json_is_true(json_object_get(json_array_get(arr, j), "group")))
			k++;
	return k;
}

/* The messages and enums of two containers (files or messages), matched by name. */
static void compare_scope(struct ctx *c, const json_t *o, const json_t *n, const char *op,
                          const char *np, const char *prefix, int depth)
{
	const json_t *oms = json_object_get(o, "messages"), *nms = json_object_get(n, "messages");
	const json_t *oes = json_object_get(o, "enums"), *nes = json_object_get(n, "enums");
	size_t i;
	const json_t *x;

	if (depth > PROTOBUF_MAX_DEPTH + 2 || c->oom)
		return;
	json_array_foreach(oms, i, x)
	{
		long k = by_name(nms, jstr(x, "name"));
		int group = json_is_true(json_object_get(x, "group"));
		char *p = ptr(c, op, "messages", i), *s = subj(c, prefix, jstr(x, "name"));
		if (!p || !s) {
			free(p);
			free(s);
			return;
		}
		if (k < 0) {
			if (!group)
				add(c, "message-removed", p, NULL, s, "message '%s' removed", s);
		} else {
			char *q = ptr(c, np, "messages", (size_t)k);
			if (q) {
				compare_message(c, x, json_array_get(nms, (size_t)k), p, q, s,
				                depth);
				if (!group &&
				    message_index(oms, i) != message_index(nms, (size_t)k))
					add(c, "message-moved", p, q, s,
					    "message '%s' moved from position %ld to %ld", s,
					    message_index(oms, i) + 1,
					    message_index(nms, (size_t)k) + 1);
			}
			free(q);
		}
		free(p);
		free(s);
	}
	json_array_foreach(nms, i, x)
	{
		if (by_name(oms, jstr(x, "name")) < 0 &&
		    !json_is_true(json_object_get(x, "group"))) {
			char *p = ptr(c, np, "messages", i), *s = subj(c, prefix, jstr(x, "name"));
			add(c, "message-added", NULL, p, s, "message '%s' added", s);
			free(p);
			free(s);
		}
	}
	json_array_foreach(oes, i, x)
	{
		long k = by_name(nes, jstr(x, "name"));
		char *p = ptr(c, op, "enums", i), *s = subj(c, prefix, jstr(x, "name"));
		if (k < 0) {
			add(c, "enum-removed", p, NULL, s, "enum '%s' removed", s);
		} else {
			char *q = ptr(c, np, "enums", (size_t)k);
			compare_enum(c, x, json_array_get(nes, (size_t)k), p, q, s);
			free(q);
		}
		free(p);
		free(s);
	}
	json_array_foreach(nes, i, x)
	{
		if (by_name(oes, jstr(x, "name")) < 0) {
			char *p = ptr(c, np, "enums", i), *s = subj(c, prefix, jstr(x, "name"));
			add(c, "enum-added", NULL, p, s, "enum '%s' added", s);
			free(p);
			free(s);
		}
	}
}

int compat_protobuf_diff(const json_t *old_doc, const json_t *new_doc, struct dw_changes *out)
{
	json_t *o = NULL, *n = NULL;
	struct ctx c = {out, NULL, NULL, 0};
	const char *os, *ns;
	int rc;

	rc = protobuf_contract_ast(old_doc, &o);
	if (!rc)
		rc = protobuf_contract_ast(new_doc, &n);
	if (rc) {
		json_decref(o);
		return rc;
	}
	c.old_pkg = jstr(o, "package");
	c.new_pkg = jstr(n, "package");
	if ((c.old_pkg || c.new_pkg) &&
	    (!c.old_pkg || !c.new_pkg || strcmp(c.old_pkg, c.new_pkg) != 0))
		add(&c, "package-changed", "/package", "/package", NULL,
		    "package changed from '%s' to '%s'", c.old_pkg ? c.old_pkg : "",
		    c.new_pkg ? c.new_pkg : "");
	os = jstr(o, "syntax");
	ns = jstr(n, "syntax");
	if (strcmp(os, ns) != 0 || (jstr(o, "edition") && jstr(n, "edition") &&
	                            strcmp(jstr(o, "edition"), jstr(n, "edition"))))
		add(&c, "syntax-changed", "/syntax", "/syntax", NULL,
		    "syntax changed from %s to %s", os, ns);
	compare_scope(&c, o, n, "", "", "", 0);
	json_decref(o);
	json_decref(n);
	return c.oom || out->oom ? DW_NOMEM : 0;
}
