/*
 * avro: checks an Avro schema against the Avro 1.11 specification ("Schema Declaration").
 *
 * The schema is walked in the order a parser reads it (fields in order, depth first); named
 * types (record, error, enum, fixed) are registered by full name when their definition starts,
 * so a record may refer to itself, and a reference to a name defined later is unknown, as in
 * the reference implementation. Names resolve per "Names": a name with a dot is a full name,
 * otherwise the enclosing namespace applies, then the null namespace.
 *
 * Field defaults are checked once the whole schema is read, against the field's type (a union's
 * default against its first branch). Logical types the specification says to ignore when they
 * are invalid ("Logical Types") give warnings, not errors.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validators/contract.h"
#include "validators/error.h"

struct named {
	char *fullname;
	char *ns;      /* the namespace names inside this type resolve against */
	char *pointer; /* where it is defined */
	const json_t *def;
};

struct deferred {
	const json_t *type;
	char *ns;
	const json_t *value;
	char *pointer;
};

struct avro {
	struct dw_findings *out;
	struct contract_path path;
	struct named *names;
	size_t nnames, anames;
	struct deferred *defs;
	size_t ndefs, adefs;
	int too_deep;
};

#define KEY_MAX 512

static const char *const primitives[] = {"null",   "boolean", "int",    "long", "float",
                                         "double", "bytes",   "string", NULL};

__attribute__((format(printf, 3, 4))) static void add(struct avro *a, enum dw_severity sev,
                                                      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dw_findings_vadd(a->out, sev, NULL, a->path.buf, fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 3, 4))) static void add_at(struct avro *a, const char *token,
                                                         const char *fmt, ...)
{
	size_t m = contract_path_push(&a->path, token);
	va_list ap;

	va_start(ap, fmt);
	dw_findings_vadd(a->out, DW_SEV_ERROR, NULL, a->path.buf, fmt, ap);
	va_end(ap);
	contract_path_pop(&a->path, m);
}

static int is_primitive(const char *s)
{
	for (size_t i = 0; primitives[i]; i++)
		if (!strcmp(s, primitives[i]))
			return 1;
	return 0;
}

/* [A-Za-z_][A-Za-z0-9_]* over s[0..n) */
static int valid_name_n(const char *s, size_t n)
{
	if (!n || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

static int valid_name(const char *s)
{
	return valid_name_n(s, strlen(s));
}

/* Dot-separated names; "" is the null namespace. */
static int valid_dotted(const char *s, int allow_empty)
{
	const char *p = s;

	if (!*s)
		return allow_empty;
	for (;;) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		if (!valid_name_n(p, n))
			return 0;
		if (!dot)
			return 1;
		p = dot + 1;
	}
}

static char *join_name(const char *ns, const char *name)
{
	size_t a = strlen(ns), b = strlen(name);
	char *s = malloc(a + b + 2);

	if (!s)
		return NULL;
	if (a) {
		memcpy(s, ns, a);
		s[a++] = '.';
	}
	memcpy(s + a, name, b + 1);
	return s;
}

static struct named *lookup(struct avro *a, const char *fullname)
{
	for (size_t i = 0; i < a->nnames; i++)
		if (!strcmp(a->names[i].fullname, fullname))
			return &a->names[i];
	return NULL;
}

/* Avro "Names": a dotted name is full; otherwise try the enclosing namespace, then none. */
static struct named *resolve_name(struct avro *a, const char *name, const char *ns)
{
	struct named *n;
	char *full;

	if (strchr(name, '.') || !*ns)
		return lookup(a, name);
	full = join_name(ns, name);
	if (!full) {
		a->out->oom = 1;
		return NULL;
	}
	n = lookup(a, full);
	free(full);
	return n ? n : lookup(a, name);
}

/* contract.h */
int avro_name_of(const json_t *obj, const char *ns, char **full, char **own_ns)
{
	const char *name = json_string_value(json_object_get(obj, "name"));
	json_t *nsv = json_object_get(obj, "namespace");
	const char *dot;

	*full = *own_ns = NULL;
	if (!name)
		return -1;
	if ((dot = strrchr(name, '.'))) {
		*full = strdup(name);
		*own_ns = strndup(name, (size_t)(dot - name));
	} else {
		const char *space = json_is_string(nsv) ? json_string_value(nsv) : ns;
		*full = join_name(space, name);
		*own_ns = strdup(space);
	}
	if (!*full || !*own_ns) {
		free(*full);
		free(*own_ns);
		*full = *own_ns = NULL;
		return DW_NOMEM;
	}
	return 0;
}

static void check_aliases(struct avro *a, const json_t *obj, int dotted)
{
	json_t *al = json_object_get(obj, "aliases");
	size_t m;

	if (!al)
		return;
	m = contract_path_push(&a->path, "aliases");
	if (!json_is_array(al)) {
		add(a, DW_SEV_ERROR, "'aliases' must be an array of names");
	} else {
		for (size_t i = 0; i < json_array_size(al); i++) {
			json_t *x = json_array_get(al, i);
			size_t m2 = contract_path_push_index(&a->path, i);
			if (!json_is_string(x))
				add(a, DW_SEV_ERROR, "alias must be a string");
			else if (dotted ? !valid_dotted(json_string_value(x), 0)
			                : !valid_name(json_string_value(x)))
				add(a, DW_SEV_ERROR, "invalid alias '%s'", json_string_value(x));
			contract_path_pop(&a->path, m2);
		}
	}
	contract_path_pop(&a->path, m);
}

static void check_doc(struct avro *a, const json_t *obj)
{
	json_t *doc = json_object_get(obj, "doc");

	if (doc && !json_is_string(doc))
		add_at(a, "doc", "'doc' must be a string");
}

/*
 * Registers the named type defined by obj (at the current pointer). Returns its namespace
 * (malloc'd; the namespace for names inside it) or NULL when the name is unusable; in that case
 * the definition is still walked with the enclosing namespace.
 */
static char *define(struct avro *a, const json_t *obj, const char *ns, char *key)
{
	json_t *name = json_object_get(obj, "name"), *nsv = json_object_get(obj, "namespace");
	const char *simple;
	char *full, *own;
	struct named *prev;
	int rc;

	if (nsv && !json_is_string(nsv))
		add_at(a, "namespace", "'namespace' must be a string");
	else if (nsv && !valid_dotted(json_string_value(nsv), 1))
		add_at(a, "namespace", "invalid namespace '%s'", json_string_value(nsv));
	if (!name) {
		add(a, DW_SEV_ERROR, "missing required property 'name'");
		return NULL;
	}
	if (!json_is_string(name)) {
		add_at(a, "name", "'name' must be a string");
		return NULL;
	}
	rc = avro_name_of(obj, ns, &full, &own);
	if (rc) {
		a->out->oom = 1;
		return NULL;
	}
	simple = strrchr(full, '.') ? strrchr(full, '.') + 1 : full;
	if (strchr(json_string_value(name), '.') ? !valid_dotted(json_string_value(name), 0)
	                                         : !valid_name(json_string_value(name))) {
		add_at(a, "name", "invalid name '%s': each part must match [A-Za-z_][A-Za-z0-9_]*",
		       json_string_value(name));
	} else if (is_primitive(simple)) {
		add_at(a, "name", "'%s' is a primitive type name and cannot be redefined",
		       json_string_value(name));
	} else if ((prev = lookup(a, full))) {
		add_at(a, "name", "duplicate definition of type '%s' (first at %s)", full,
		       prev->pointer);
	} else {
		struct named *n;
		if (a->nnames == a->anames) {
			size_t na = a->anames ? a->anames * 2 : 16;
			n = realloc(a->names, na * sizeof(*n));
			if (!n)
				goto oom;
			a->names = n;
			a->anames = na;
		}
		n = &a->names[a->nnames];
		n->fullname = strdup(full);
		n->ns = strdup(own);
		n->pointer = strdup(a->path.buf);
		n->def = obj;
		if (!n->fullname || !n->ns || !n->pointer) {
			free(n->fullname);
			free(n->ns);
			free(n->pointer);
			goto oom;
		}
		a->nnames++;
	}
	snprintf(key, KEY_MAX, "%s", full);
	free(full);
	return own;
oom:
	a->out->oom = 1;
	free(full);
	return own;
}

static void defer_default(struct avro *a, const json_t *type, const char *ns, const json_t *value)
{
	struct deferred *d;

	if (a->ndefs == a->adefs) {
		size_t na = a->adefs ? a->adefs * 2 : 16;
		d = realloc(a->defs, na * sizeof(*d));
		if (!d) {
			a->out->oom = 1;
			return;
		}
		a->defs = d;
		a->adefs = na;
	}
	d = &a->defs[a->ndefs];
	d->type = type;
	d->value = value;
	d->ns = strdup(ns);
	d->pointer = strdup(a->path.buf);
	if (!d->ns || !d->pointer) {
		free(d->ns);
		free(d->pointer);
		a->out->oom = 1;
		return;
	}
	a->ndefs++;
}

/* Decimal digits that fit in a two's-complement fixed of size bytes (Avro spec, "Decimal"). */
static long max_precision(json_int_t size)
{
	if (size <= 0)
		return 0;
	if (size > 1024)
		size = 1024;
	return (long)floor(log10(2.0) * (double)(8 * size - 1));
}

/*
 * Logical type annotation on obj whose underlying type is base ("fixed" for fixed). Invalid ones
 * are ignored by readers (Avro spec, "Logical Types"), so they are warnings.
 */
static void check_logical(struct avro *a, const json_t *obj, const char *base)
{
	static const struct {
		const char *logical, *base;
	} simple[] = {
	    {"date", "int"},
	    {"time-millis", "int"},
	    {"time-micros", "long"},
	    {"timestamp-millis", "long"},
	    {"timestamp-micros", "long"},
	    {"local-timestamp-millis", "long"},
	    {"local-timestamp-micros", "long"},
	    {"uuid", "string"},
	};
	json_t *lt = json_object_get(obj, "logicalType"), *p, *s;
	size_t m;

	if (!lt)
		return;
	m = contract_path_push(&a->path, "logicalType");
	if (!json_is_string(lt)) {
		add(a, DW_SEV_WARNING, "'logicalType' must be a string; it is ignored");
		goto out;
	}
	for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]); i++)
		if (!strcmp(json_string_value(lt), simple[i].logical) &&
		    strcmp(base, simple[i].base))
			add(a, DW_SEV_WARNING,
			    "logical type '%s' requires '%s', not '%s'; it is ignored",
			    simple[i].logical, simple[i].base, base);
	if (!strcmp(json_string_value(lt), "duration") &&
	    (strcmp(base, "fixed") || json_integer_value(json_object_get(obj, "size")) != 12 ||
	     !json_is_integer(json_object_get(obj, "size"))))
		add(a, DW_SEV_WARNING,
		    "logical type 'duration' requires a fixed of size 12; it is ignored");
	if (strcmp(json_string_value(lt), "decimal"))
		goto out;
	if (strcmp(base, "bytes") && strcmp(base, "fixed")) {
		add(a, DW_SEV_WARNING,
		    "logical type 'decimal' requires 'bytes' or 'fixed', not '%s'; it is ignored",
		    base);
		goto out;
	}
	contract_path_pop(&a->path, m);
	p = json_object_get(obj, "precision");
	s = json_object_get(obj, "scale");
	m = contract_path_push(&a->path, "precision");
	if (!p) {
		contract_path_pop(&a->path, m);
		add(a, DW_SEV_WARNING, "decimal requires 'precision'; the logical type is ignored");
		return;
	}
	if (!json_is_integer(p) || json_integer_value(p) <= 0) {
		add(a, DW_SEV_WARNING,
		    "decimal precision must be a positive integer; the logical type is ignored");
		goto out;
	}
	if (!strcmp(base, "fixed") && json_is_integer(json_object_get(obj, "size")) &&
	    json_integer_value(p) > max_precision(json_integer_value(json_object_get(obj, "size"))))
		add(a, DW_SEV_WARNING,
		    "decimal precision %" JSON_INTEGER_FORMAT
		    " does not fit in a fixed of size %" JSON_INTEGER_FORMAT
		    " (at most %ld digits); the logical type is ignored",
		    json_integer_value(p), json_integer_value(json_object_get(obj, "size")),
		    max_precision(json_integer_value(json_object_get(obj, "size"))));
	contract_path_pop(&a->path, m);
	if (!s)
		return;
	m = contract_path_push(&a->path, "scale");
	if (!json_is_integer(s) || json_integer_value(s) < 0)
		add(a, DW_SEV_WARNING,
		    "decimal scale must be a non-negative integer; the logical type is ignored");
	else if (json_integer_value(s) > json_integer_value(p))
		add(a, DW_SEV_WARNING,
		    "decimal scale %" JSON_INTEGER_FORMAT " exceeds precision %" JSON_INTEGER_FORMAT
		    "; the logical type is ignored",
		    json_integer_value(s), json_integer_value(p));
out:
	contract_path_pop(&a->path, m);
}

static int parse(struct avro *a, const json_t *s, const char *ns, int depth, char *key);

/* Parses the member key of obj as a schema; reports it missing. */
static void parse_member(struct avro *a, const json_t *obj, const char *member, const char *ns,
                         int depth)
{
	json_t *x = json_object_get(obj, member);
	char key[KEY_MAX];
	size_t m;

	if (!x) {
		add(a, DW_SEV_ERROR, "missing required property '%s'", member);
		return;
	}
	m = contract_path_push(&a->path, member);
	parse(a, x, ns, depth + 1, key);
	contract_path_pop(&a->path, m);
}

static const char *const orders[] = {"ascending", "descending", "ignore", NULL};

static void parse_field(struct avro *a, const json_t *f, const char *ns, int depth,
                        const json_t *fields, size_t index)
{
	json_t *name = json_object_get(f, "name"), *order, *type, *def;

	if (!json_is_object(f)) {
		add(a, DW_SEV_ERROR, "field must be an object");
		return;
	}
	if (!name) {
		add(a, DW_SEV_ERROR, "missing required property 'name'");
	} else if (!json_is_string(name)) {
		add_at(a, "name", "'name' must be a string");
	} else if (!valid_name(json_string_value(name))) {
		add_at(a, "name", "invalid field name '%s': must match [A-Za-z_][A-Za-z0-9_]*",
		       json_string_value(name));
	} else {
		for (size_t j = 0; j < index; j++) {
			json_t *other = json_object_get(json_array_get(fields, j), "name");
			if (json_is_string(other) && json_equal(other, name)) {
				add_at(a, "name", "duplicate field name '%s' (first at field %zu)",
				       json_string_value(name), j);
				break;
			}
		}
	}
	check_doc(a, f);
	check_aliases(a, f, 0);
	order = json_object_get(f, "order");
	if (order && (!json_is_string(order) || !strchr("adi", *json_string_value(order)) ||
	              (strcmp(json_string_value(order), orders[0]) &&
	               strcmp(json_string_value(order), orders[1]) &&
	               strcmp(json_string_value(order), orders[2]))))
		add_at(a, "order", "'order' must be one of ascending, descending, ignore");
	type = json_object_get(f, "type");
	parse_member(a, f, "type", ns, depth);
	if (type && (def = json_object_get(f, "default"))) {
		size_t m = contract_path_push(&a->path, "default");
		defer_default(a, type, ns, def);
		contract_path_pop(&a->path, m);
	}
}

static void parse_record(struct avro *a, const json_t *obj, const char *ns, int depth, char *key)
{
	char *own = define(a, obj, ns, key);
	const char *inner = own ? own : ns;
	json_t *fields = json_object_get(obj, "fields");

	check_doc(a, obj);
	check_aliases(a, obj, 1);
	if (!fields) {
		add(a, DW_SEV_ERROR, "missing required property 'fields'");
	} else if (!json_is_array(fields)) {
		add_at(a, "fields", "'fields' must be an array");
	} else {
		size_t m = contract_path_push(&a->path, "fields");
		for (size_t i = 0; i < json_array_size(fields) && !a->too_deep; i++) {
			size_t m2 = contract_path_push_index(&a->path, i);
			parse_field(a, json_array_get(fields, i), inner, depth + 1, fields, i);
			contract_path_pop(&a->path, m2);
		}
		contract_path_pop(&a->path, m);
	}
	free(own);
}

static void parse_enum(struct avro *a, const json_t *obj, const char *ns, char *key)
{
	char *own = define(a, obj, ns, key);
	json_t *symbols = json_object_get(obj, "symbols"), *def = json_object_get(obj, "default");
	size_t m;

	free(own);
	check_doc(a, obj);
	check_aliases(a, obj, 1);
	if (!symbols) {
		add(a, DW_SEV_ERROR, "missing required property 'symbols'");
	} else if (!json_is_array(symbols)) {
		add_at(a, "symbols", "'symbols' must be an array of names");
	} else {
		m = contract_path_push(&a->path, "symbols");
		for (size_t i = 0; i < json_array_size(symbols); i++) {
			json_t *x = json_array_get(symbols, i);
			size_t m2 = contract_path_push_index(&a->path, i);
			if (!json_is_string(x)) {
				add(a, DW_SEV_ERROR, "symbol must be a string");
			} else if (!valid_name(json_string_value(x))) {
				add(a, DW_SEV_ERROR,
				    "invalid symbol '%s': must match [A-Za-z_][A-Za-z0-9_]*",
				    json_string_value(x));
			} else {
				for (size_t j = 0; j < i; j++)
					if (json_equal(json_array_get(symbols, j), x)) {
						add(a, DW_SEV_ERROR, "duplicate symbol '%s'",
						    json_string_value(x));
						break;
					}
			}
			contract_path_pop(&a->path, m2);
		}
		contract_path_pop(&a->path, m);
	}
	if (def) {
		int found = 0;
		for (size_t i = 0; json_is_array(symbols) && i < json_array_size(symbols); i++)
			found |= json_equal(json_array_get(symbols, i), def);
		if (!json_is_string(def))
			add_at(a, "default", "enum default must be a string");
		else if (json_is_array(symbols) && !found)
			add_at(a, "default", "enum default '%s' is not one of the symbols",
			       json_string_value(def));
	}
}

static void parse_fixed(struct avro *a, const json_t *obj, const char *ns, char *key)
{
	char *own = define(a, obj, ns, key);
	json_t *size = json_object_get(obj, "size");

	free(own);
	check_aliases(a, obj, 1);
	if (!size)
		add(a, DW_SEV_ERROR, "missing required property 'size'");
	else if (!json_is_integer(size) || json_integer_value(size) < 0)
		add_at(a, "size", "fixed size must be a non-negative integer");
	check_logical(a, obj, "fixed");
}

/* A type name used as a schema: a primitive or a named type already defined. */
static void parse_reference(struct avro *a, const char *name, const char *ns, char *key)
{
	struct named *n;

	if (is_primitive(name)) {
		snprintf(key, KEY_MAX, "%s", name);
		return;
	}
	n = resolve_name(a, name, ns);
	if (!n) {
		add(a, DW_SEV_ERROR, "unknown type '%s'", name);
		return;
	}
	snprintf(key, KEY_MAX, "%s", n->fullname);
}

static void parse_union(struct avro *a, const json_t *u, const char *ns, int depth)
{
	size_t n = json_array_size(u);
	char(*keys)[KEY_MAX] = n ? calloc(n, KEY_MAX) : NULL;

	if (n && !keys) {
		a->out->oom = 1;
		return;
	}
	for (size_t i = 0; i < n && !a->too_deep; i++) {
		json_t *b = json_array_get(u, i);
		size_t m = contract_path_push_index(&a->path, i);
		if (json_is_array(b)) {
			add(a, DW_SEV_ERROR, "a union may not immediately contain another union");
		} else {
			parse(a, b, ns, depth + 1, keys[i]);
			for (size_t j = 0; keys[i][0] && j < i; j++)
				if (!strcmp(keys[i], keys[j])) {
					add(a, DW_SEV_ERROR, "union already has a '%s' branch",
					    keys[i]);
					break;
				}
		}
		contract_path_pop(&a->path, m);
	}
	free(keys);
}

static void parse_object(struct avro *a, const json_t *obj, const char *ns, int depth, char *key)
{
	json_t *type = json_object_get(obj, "type");
	const char *t;

	if (!type) {
		add(a, DW_SEV_ERROR, "missing required property 'type'");
		return;
	}
	if (!json_is_string(type)) {
		add_at(a, "type", "'type' must be a type name");
		return;
	}
	t = json_string_value(type);
	if (!strcmp(t, "record") || !strcmp(t, "error")) {
		parse_record(a, obj, ns, depth, key);
	} else if (!strcmp(t, "enum")) {
		parse_enum(a, obj, ns, key);
	} else if (!strcmp(t, "fixed")) {
		parse_fixed(a, obj, ns, key);
	} else if (!strcmp(t, "array")) {
		snprintf(key, KEY_MAX, "array");
		parse_member(a, obj, "items", ns, depth);
	} else if (!strcmp(t, "map")) {
		snprintf(key, KEY_MAX, "map");
		parse_member(a, obj, "values", ns, depth);
	} else if (is_primitive(t)) {
		snprintf(key, KEY_MAX, "%s", t);
		check_logical(a, obj, t);
	} else {
		size_t m = contract_path_push(&a->path, "type");
		parse_reference(a, t, ns, key);
		contract_path_pop(&a->path, m);
	}
}

/* Walks schema s at the current pointer; key receives what a union compares branches by
 * (primitive name, "array", "map" or a full name), "" when unknown. */
static int parse(struct avro *a, const json_t *s, const char *ns, int depth, char *key)
{
	key[0] = '\0';
	if (a->too_deep)
		return -1;
	if (depth > CONTRACT_MAX_DEPTH) {
		add(a, DW_SEV_ERROR, "schema nests deeper than %d levels", CONTRACT_MAX_DEPTH);
		a->too_deep = 1;
		return -1;
	}
	if (json_is_string(s))
		parse_reference(a, json_string_value(s), ns, key);
	else if (json_is_object(s))
		parse_object(a, s, ns, depth, key);
	else if (json_is_array(s))
		parse_union(a, s, ns, depth);
	else
		add(a, DW_SEV_ERROR, "a schema must be a type name, an object or a union array");
	return 0;
}

/* ---- defaults (Avro spec, "Complex Types / Records": default values by type) ---- */

struct why {
	char text[256];
	int set;
};

__attribute__((format(printf, 2, 3))) static int fail(struct why *w, const char *fmt, ...)
{
	va_list ap;

	if (!w->set) {
		va_start(ap, fmt);
		vsnprintf(w->text, sizeof(w->text), fmt, ap);
		va_end(ap);
		w->set = 1;
	}
	return 0;
}

/* Code points of a UTF-8 string, or -1 when one is above 255 (bytes and fixed defaults map each
 * code point 0-255 to one byte). */
static long byte_length(const char *s, size_t n)
{
	long count = 0;

	for (size_t i = 0; i < n; count++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			i++;
		} else if ((c & 0xe0) == 0xc0 && c <= 0xc3) {
			i += 2;
		} else {
			return -1;
		}
	}
	return count;
}

static int default_ok(struct avro *a, const json_t *type, const char *ns, const json_t *v,
                      int depth, struct why *w);

static int primitive_ok(const char *t, const json_t *v, struct why *w)
{
	if (!strcmp(t, "null"))
		return json_is_null(v) || fail(w, "expected null, found %s", dw_json_type_name(v));
	if (!strcmp(t, "boolean"))
		return json_is_boolean(v) ||
		       fail(w, "expected boolean, found %s", dw_json_type_name(v));
	if (!strcmp(t, "int")) {
		if (!json_is_integer(v))
			return fail(w, "expected int, found %s", dw_json_type_name(v));
		return (json_integer_value(v) >= -2147483648LL &&
		        json_integer_value(v) <= 2147483647LL) ||
		       fail(w, "%" JSON_INTEGER_FORMAT " is out of range for int",
		            json_integer_value(v));
	}
	if (!strcmp(t, "long"))
		return json_is_integer(v) ||
		       fail(w, "expected long, found %s", dw_json_type_name(v));
	if (!strcmp(t, "float") || !strcmp(t, "double"))
		return json_is_number(v) ||
		       fail(w, "expected %s, found %s", t, dw_json_type_name(v));
	if (!strcmp(t, "string"))
		return json_is_string(v) ||
		       fail(w, "expected string, found %s", dw_json_type_name(v));
	if (!strcmp(t, "bytes")) {
		if (!json_is_string(v))
			return fail(w, "expected bytes as a string, found %s",
			            dw_json_type_name(v));
		return byte_length(json_string_value(v), json_string_length(v)) >= 0 ||
		       fail(w, "bytes default has a code point above U+00FF");
	}
	return 1;
}

/* "field 'name': " before the reason, keeping what fits. */
static void prefix(struct why *w, const char *name)
{
	char head[128];
	int n = snprintf(head, sizeof(head), "field '%s': ", name);
	size_t hn = n < 0 ? 0 : (size_t)n >= sizeof(head) ? sizeof(head) - 1 : (size_t)n;
	size_t tn = strlen(w->text);

	if (hn + tn >= sizeof(w->text))
		tn = sizeof(w->text) - 1 - hn;
	memmove(w->text + hn, w->text, tn);
	memcpy(w->text, head, hn);
	w->text[hn + tn] = '\0';
}

static int record_default_ok(struct avro *a, const json_t *def, const char *ns, const json_t *v,
                             int depth, struct why *w)
{
	json_t *fields = json_object_get(def, "fields");

	if (!json_is_object(v))
		return fail(w, "expected record as an object, found %s", dw_json_type_name(v));
	for (size_t i = 0; i < json_array_size(fields); i++) {
		json_t *f = json_array_get(fields, i);
		const char *name = json_string_value(json_object_get(f, "name"));
		json_t *x;
		if (!name || !json_object_get(f, "type"))
			continue;
		x = json_object_get(v, name);
		if (!x) {
			if (!json_object_get(f, "default"))
				return fail(w, "missing field '%s'", name);
			continue;
		}
		if (!default_ok(a, json_object_get(f, "type"), ns, x, depth + 1, w)) {
			prefix(w, name);
			return 0;
		}
	}
	return 1;
}

/* A named or complex type's definition object. */
static int object_default_ok(struct avro *a, const json_t *obj, const char *ns, const json_t *v,
                             int depth, struct why *w)
{
	const char *t = json_string_value(json_object_get(obj, "type"));
	char *full = NULL, *own = NULL;
	int ok = 1;

	if (!t)
		return 1;
	if (!strcmp(t, "array")) {
		if (!json_is_array(v))
			return fail(w, "expected array, found %s", dw_json_type_name(v));
		for (size_t i = 0; i < json_array_size(v) && ok; i++)
			ok = default_ok(a, json_object_get(obj, "items"), ns, json_array_get(v, i),
			                depth + 1, w);
		return ok;
	}
	if (!strcmp(t, "map")) {
		const char *k;
		json_t *x;
		if (!json_is_object(v))
			return fail(w, "expected map as an object, found %s", dw_json_type_name(v));
		json_object_foreach((json_t *)v, k, x) if (ok) ok =
		    default_ok(a, json_object_get(obj, "values"), ns, x, depth + 1, w);
		return ok;
	}
	if (is_primitive(t))
		return primitive_ok(t, v, w);
	if (strcmp(t, "record") && strcmp(t, "error") && strcmp(t, "enum") && strcmp(t, "fixed"))
		return default_ok(a, json_object_get(obj, "type"), ns, v, depth + 1, w);
	if (avro_name_of(obj, ns, &full, &own))
		return 1;
	if (!strcmp(t, "enum")) {
		json_t *symbols = json_object_get(obj, "symbols");
		ok = 0;
		for (size_t i = 0; i < json_array_size(symbols) && !ok; i++)
			ok = json_equal(json_array_get(symbols, i), v);
		if (!ok && json_is_string(v))
			fail(w, "'%s' is not a symbol of enum '%s'", json_string_value(v), full);
		else if (!ok)
			fail(w, "expected a symbol of enum '%s', found %s", full,
			     dw_json_type_name(v));
	} else if (!strcmp(t, "fixed")) {
		json_t *size = json_object_get(obj, "size");
		long n = json_is_string(v)
		             ? byte_length(json_string_value(v), json_string_length(v))
		             : -2;
		if (n == -2)
			ok = fail(w, "expected fixed as a string, found %s", dw_json_type_name(v));
		else if (n < 0)
			ok = fail(w, "fixed default has a code point above U+00FF");
		else if (json_is_integer(size) && n != json_integer_value(size))
			ok = fail(w, "fixed '%s' needs %" JSON_INTEGER_FORMAT " bytes, found %ld",
			          full, json_integer_value(size), n);
	} else {
		ok = record_default_ok(a, obj, own, v, depth, w);
	}
	free(full);
	free(own);
	return ok;
}

static int default_ok(struct avro *a, const json_t *type, const char *ns, const json_t *v,
                      int depth, struct why *w)
{
	if (depth > CONTRACT_MAX_DEPTH || !type)
		return 1;
	if (json_is_array(type)) {
		/* Avro 1.11: a union's default corresponds to its first schema. */
		if (!json_array_size(type))
			return fail(w, "an empty union has no default");
		return default_ok(a, json_array_get(type, 0), ns, v, depth + 1, w);
	}
	if (json_is_object(type))
		return object_default_ok(a, type, ns, v, depth + 1, w);
	if (json_is_string(type)) {
		const char *t = json_string_value(type);
		struct named *n;
		if (is_primitive(t))
			return primitive_ok(t, v, w);
		n = resolve_name(a, t, ns);
		if (!n)
			return 1; /* already reported as unknown */
		return object_default_ok(a, n->def, n->ns, v, depth + 1, w);
	}
	return 1;
}

static void describe(const json_t *type, char *buf, size_t size)
{
	if (json_is_string(type))
		snprintf(buf, size, "%s", json_string_value(type));
	else if (json_is_array(type))
		snprintf(buf, size, "union");
	else if (json_is_string(json_object_get(type, "name")))
		snprintf(buf, size, "%s", json_string_value(json_object_get(type, "name")));
	else if (json_is_string(json_object_get(type, "type")))
		snprintf(buf, size, "%s", json_string_value(json_object_get(type, "type")));
	else
		snprintf(buf, size, "schema");
}

static void check_defaults(struct avro *a)
{
	for (size_t i = 0; i < a->ndefs; i++) {
		struct deferred *d = &a->defs[i];
		struct why w = {.set = 0};
		char t[128];
		if (default_ok(a, d->type, d->ns, d->value, 1, &w))
			continue;
		if (json_is_array(d->type)) {
			describe(json_array_get(d->type, 0), t, sizeof(t));
			dw_findings_add(a->out, d->pointer,
			                "default does not match the union's first branch '%s': %s",
			                t, w.text);
		} else {
			describe(d->type, t, sizeof(t));
			dw_findings_add(a->out, d->pointer, "default does not match type '%s': %s",
			                t, w.text);
		}
	}
}

int avro_validate(const json_t *schema, const char *base, struct dw_findings *out)
{
	struct avro a = {.out = out};
	size_t errors = dw_findings_errors(out);
	char key[KEY_MAX];

	if (contract_path_init(&a.path, base)) {
		out->oom = 1;
		return DW_NOMEM;
	}
	parse(&a, schema, "", 1, key);
	if (!a.too_deep)
		check_defaults(&a);
	if (a.path.oom)
		out->oom = 1;
	for (size_t i = 0; i < a.nnames; i++) {
		free(a.names[i].fullname);
		free(a.names[i].ns);
		free(a.names[i].pointer);
	}
	for (size_t i = 0; i < a.ndefs; i++) {
		free(a.defs[i].ns);
		free(a.defs[i].pointer);
	}
	free(a.names);
	free(a.defs);
	contract_path_release(&a.path);
	if (dw_findings_oom(out))
		return DW_NOMEM;
	return dw_findings_errors(out) > errors ? DW_INVALID : 0;
}
