/*
 * compat_table: schema evolution of table contracts (ODCS v3, validators/odcs.c). Lists every
 * change between two versions of a contract's schema[] tables and their properties[] columns.
 *
 * Directions (compat.h): BACKWARD breaks when a reader of the new contract cannot read rows
 * written under the old one; FORWARD breaks when a reader (or query) of the old contract cannot
 * read rows written under the new one. docs/compatibility.md, "Table contracts", has the rules
 * and the type lattice.
 */
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validators/compat.h"
#include "validators/error.h"

#define BW DW_BREAKS_BACKWARD
#define FW DW_BREAKS_FORWARD

/* Minimal valid ODCS documents for the rule examples. */
#define DOC(tables)                                                                                \
	"{\"apiVersion\":\"v3.0.2\",\"kind\":\"DataContract\",\"id\":\"orders\","                  \
	"\"version\":\"1.0.0\",\"status\":\"active\",\"schema\":[" tables "]}"
#define TABLE(name, cols) "{\"name\":\"" name "\",\"properties\":[" cols "]}"
#define ID_COL "{\"name\":\"id\",\"physicalType\":\"bigint\",\"required\":true}"

const struct dw_rule compat_table_rules[] = {
    {"table.table-removed", DW_FMT_ODCS, FW, DW_CHANGE_INFO,
     "a table was removed: queries of old consumers that read it fail",
     DOC(TABLE("orders", ID_COL) "," TABLE("lines", ID_COL)), DOC(TABLE("orders", ID_COL))},
    {"table.table-added", DW_FMT_ODCS, 0, DW_CHANGE_INFO, "a table was added: nobody reads it yet",
     DOC(TABLE("orders", ID_COL)), DOC(TABLE("orders", ID_COL) "," TABLE("lines", ID_COL))},
    {"table.column-removed", DW_FMT_ODCS, FW, DW_CHANGE_INFO,
     "a column was removed: old readers that select it fail on new rows",
     DOC(TABLE("orders", ID_COL ",{\"name\":\"note\",\"logicalType\":\"string\"}")),
     DOC(TABLE("orders", ID_COL))},
    {"table.column-added-optional", DW_FMT_ODCS, 0, DW_CHANGE_INFO,
     "a nullable column was added: old rows read it as null, old readers ignore it",
     DOC(TABLE("orders", ID_COL)),
     DOC(TABLE("orders", ID_COL ",{\"name\":\"note\",\"logicalType\":\"string\"}"))},
    {"table.column-added-required", DW_FMT_ODCS, BW, DW_CHANGE_INFO,
     "a required (NOT NULL) column was added: rows written before have no value for it",
     DOC(TABLE("orders", ID_COL)),
     DOC(TABLE("orders", ID_COL ",{\"name\":\"note\",\"logicalType\":\"string\","
                                "\"required\":true}"))},
    {"table.column-renamed", DW_FMT_ODCS, BW | FW, DW_CHANGE_INFO,
     "a column was renamed: queries by the old name fail, new readers miss it in old rows",
     DOC(TABLE("orders", ID_COL ",{\"name\":\"note\",\"physicalType\":\"text\"}")),
     DOC(TABLE("orders", ID_COL ",{\"name\":\"remark\",\"physicalType\":\"text\"}"))},
    {"table.type-widened", DW_FMT_ODCS, FW, DW_CHANGE_INFO,
     "a column's type was widened: old readers cannot hold every new value",
     DOC(TABLE("orders", "{\"name\":\"qty\",\"physicalType\":\"int\"}")),
     DOC(TABLE("orders", "{\"name\":\"qty\",\"physicalType\":\"bigint\"}"))},
    {"table.type-narrowed", DW_FMT_ODCS, BW, DW_CHANGE_INFO,
     "a column's type was narrowed: old rows may hold values the new type cannot",
     DOC(TABLE("orders", "{\"name\":\"code\",\"physicalType\":\"varchar(20)\"}")),
     DOC(TABLE("orders", "{\"name\":\"code\",\"physicalType\":\"varchar(10)\"}"))},
    {"table.type-changed", DW_FMT_ODCS, BW | FW, DW_CHANGE_INFO,
     "a column's type changed to one neither wider nor narrower: no reader converts safely",
     DOC(TABLE("orders", "{\"name\":\"placed\",\"physicalType\":\"date\"}")),
     DOC(TABLE("orders", "{\"name\":\"placed\",\"physicalType\":\"boolean\"}"))},
    {"table.logical-type-changed", DW_FMT_ODCS, BW | FW, DW_CHANGE_INFO,
     "a column's logicalType changed across kinds: values mean something else",
     DOC(TABLE("orders", "{\"name\":\"placed\",\"logicalType\":\"date\"}")),
     DOC(TABLE("orders", "{\"name\":\"placed\",\"logicalType\":\"integer\"}"))},
    {"table.column-became-required", DW_FMT_ODCS, BW, DW_CHANGE_INFO,
     "a column became required: rows written before may hold nulls",
     DOC(TABLE("orders", "{\"name\":\"note\",\"logicalType\":\"string\"}")),
     DOC(TABLE("orders", "{\"name\":\"note\",\"logicalType\":\"string\",\"required\":true}"))},
    {"table.column-became-optional", DW_FMT_ODCS, FW, DW_CHANGE_INFO,
     "a column became nullable: old readers assume it is never null",
     DOC(TABLE("orders", "{\"name\":\"note\",\"logicalType\":\"string\",\"required\":true}")),
     DOC(TABLE("orders", "{\"name\":\"note\",\"logicalType\":\"string\"}"))},
    {"table.primary-key-changed", DW_FMT_ODCS, BW | FW, DW_CHANGE_INFO,
     "a table's primary key changed (columns or order): row identity means something else",
     DOC(TABLE("orders", "{\"name\":\"id\",\"primaryKey\":true},{\"name\":\"line\"}")),
     DOC(TABLE("orders", "{\"name\":\"id\",\"primaryKey\":true,\"primaryKeyPosition\":1},"
                         "{\"name\":\"line\",\"primaryKey\":true,\"primaryKeyPosition\":2}"))},
    {"table.unique-added", DW_FMT_ODCS, BW, DW_CHANGE_INFO,
     "a column became unique: rows written before may hold duplicates",
     DOC(TABLE("orders", "{\"name\":\"email\"}")),
     DOC(TABLE("orders", "{\"name\":\"email\",\"unique\":true}"))},
    {"table.unique-removed", DW_FMT_ODCS, FW, DW_CHANGE_INFO,
     "a column is no longer unique: old readers rely on one row per value",
     DOC(TABLE("orders", "{\"name\":\"email\",\"unique\":true}")),
     DOC(TABLE("orders", "{\"name\":\"email\"}"))},
    {"table.partitioning-changed", DW_FMT_ODCS, 0, DW_CHANGE_WARNING,
     "a table's partition columns or their order changed: rows read the same, partition "
     "pruning and path-based readers do not",
     DOC(TABLE("orders", "{\"name\":\"day\",\"physicalType\":\"date\",\"partitioned\":true}")),
     DOC(TABLE("orders", "{\"name\":\"day\",\"physicalType\":\"date\"}"))},
    {"table.physical-name-changed", DW_FMT_ODCS, BW | FW, DW_CHANGE_INFO,
     "a table's or column's physicalName changed: queries use the physical name",
     DOC(TABLE("orders", "{\"name\":\"id\",\"physicalName\":\"order_id\"}")),
     DOC(TABLE("orders", "{\"name\":\"id\",\"physicalName\":\"ord_id\"}"))},
    {"table.classification-changed", DW_FMT_ODCS, 0, DW_CHANGE_INFO,
     "a column's classification changed: access policies may follow",
     DOC(TABLE("orders", "{\"name\":\"email\",\"classification\":\"internal\"}")),
     DOC(TABLE("orders", "{\"name\":\"email\",\"classification\":\"restricted\"}"))},
};

const size_t compat_table_rule_count = sizeof(compat_table_rules) / sizeof(compat_table_rules[0]);

/* ---- physical types ------------------------------------------------------------------------
 * A physicalType is read into a class: a family and up to two magnitudes. fits(A, B) says every
 * value of A is a value of B; from it A -> B is the same type (both ways), a widening (A fits B
 * only), a narrowing (B fits A only) or a change (neither). docs/compatibility.md has the table.
 */

#define UNBOUNDED LONG_MAX

enum family { F_OTHER, F_INT, F_DEC, F_FLOAT, F_STR, F_BIN, F_BOOL, F_DATE, F_TIME, F_TS };

struct tclass {
	enum family fam;
	long a;          /* INT: bits; DEC: integer digits; FLOAT: bits; STR/BIN: length; TIME/TS:
	                    fractional seconds precision */
	long b;          /* DEC: scale */
	int varying;     /* STR/BIN: 1 for varying length; TIME/TS: 1 with time zone */
	unsigned dims;   /* array suffixes */
	const char *raw; /* the spelling, for comparing types read as F_OTHER */
};

static const struct {
	const char *name;
	enum family fam;
	long a;
	int varying;
} type_names[] = {
    {"tinyint", F_INT, 8, 0},
    {"int1", F_INT, 8, 0},
    {"smallint", F_INT, 16, 0},
    {"int2", F_INT, 16, 0},
    {"short", F_INT, 16, 0},
    {"mediumint", F_INT, 24, 0},
    {"int", F_INT, 32, 0},
    {"integer", F_INT, 32, 0},
    {"int4", F_INT, 32, 0},
    {"bigint", F_INT, 64, 0},
    {"int8", F_INT, 64, 0},
    {"int64", F_INT, 64, 0},
    {"long", F_INT, 64, 0},
    {"hugeint", F_INT, 128, 0},
    {"decimal", F_DEC, 0, 0},
    {"numeric", F_DEC, 0, 0},
    {"number", F_DEC, 0, 0},
    {"dec", F_DEC, 0, 0},
    {"bignumeric", F_DEC, 0, 0},
    {"bigdecimal", F_DEC, 0, 0},
    {"real", F_FLOAT, 32, 0},
    {"float4", F_FLOAT, 32, 0},
    {"float32", F_FLOAT, 32, 0},
    {"float", F_FLOAT, 32, 0},
    {"double", F_FLOAT, 64, 0},
    {"double precision", F_FLOAT, 64, 0},
    {"float8", F_FLOAT, 64, 0},
    {"float64", F_FLOAT, 64, 0},
    {"char", F_STR, 1, 0},
    {"character", F_STR, 1, 0},
    {"nchar", F_STR, 1, 0},
    {"varchar", F_STR, UNBOUNDED, 1},
    {"character varying", F_STR, UNBOUNDED, 1},
    {"nvarchar", F_STR, UNBOUNDED, 1},
    {"varchar2", F_STR, UNBOUNDED, 1},
    {"nvarchar2", F_STR, UNBOUNDED, 1},
    {"string", F_STR, UNBOUNDED, 1},
    {"text", F_STR, UNBOUNDED, 1},
    {"tinytext", F_STR, 255, 1},
    {"mediumtext", F_STR, UNBOUNDED, 1},
    {"longtext", F_STR, UNBOUNDED, 1},
    {"ntext", F_STR, UNBOUNDED, 1},
    {"clob", F_STR, UNBOUNDED, 1},
    {"nclob", F_STR, UNBOUNDED, 1},
    {"citext", F_STR, UNBOUNDED, 1},
    {"binary", F_BIN, 1, 0},
    {"varbinary", F_BIN, UNBOUNDED, 1},
    {"bytes", F_BIN, UNBOUNDED, 1},
    {"bytea", F_BIN, UNBOUNDED, 1},
    {"blob", F_BIN, UNBOUNDED, 1},
    {"longblob", F_BIN, UNBOUNDED, 1},
    {"boolean", F_BOOL, 0, 0},
    {"bool", F_BOOL, 0, 0},
    {"date", F_DATE, 0, 0},
    {"time", F_TIME, 6, 0},
    {"time without time zone", F_TIME, 6, 0},
    {"timetz", F_TIME, 6, 1},
    {"time with time zone", F_TIME, 6, 1},
    {"timestamp", F_TS, 6, 0},
    {"timestamp without time zone", F_TS, 6, 0},
    {"timestamp_ntz", F_TS, 6, 0},
    {"datetime", F_TS, 6, 0},
    {"datetime2", F_TS, 6, 0},
    {"timestamptz", F_TS, 6, 1},
    {"timestamp with time zone", F_TS, 6, 1},
    {"timestamp_tz", F_TS, 6, 1},
    {"timestamp_ltz", F_TS, 6, 1},
    {"timestamp with local time zone", F_TS, 6, 1},
    {"datetimeoffset", F_TS, 6, 1},
};

/* Integer digits every value of an integer type of so many bits has room for in a decimal. */
static long int_digits(long bits)
{
	return bits <= 8    ? 3
	       : bits <= 16 ? 5
	       : bits <= 24 ? 8
	       : bits <= 32 ? 10
	       : bits <= 64 ? 19
	                    : 39;
}

/* a and b are the same spelling but for case and white space. */
static int same_spelling(const char *a, const char *b)
{
	for (;;) {
		while (isspace((unsigned char)*a))
			a++;
		while (isspace((unsigned char)*b))
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		if (tolower((unsigned char)*a++) != tolower((unsigned char)*b++))
			return 0;
	}
}

static void classify(const char *t, struct tclass *c)
{
	struct odcs_type ty;
	char name[sizeof(ty.base) + sizeof(ty.suffix) + 1];
	size_t i;

	memset(c, 0, sizeof(*c));
	c->raw = t;
	if (odcs_physical_type_parse(t, &ty) || ty.nested)
		return;
	c->dims = ty.array_dims;
	snprintf(name, sizeof(name), "%s%s%s", ty.base, *ty.suffix ? " " : "", ty.suffix);
	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (!strcmp(type_names[i].name, name))
			break;
	if (i == sizeof(type_names) / sizeof(type_names[0]))
		return;
	c->fam = type_names[i].fam;
	c->a = type_names[i].a;
	c->varying = type_names[i].varying;
	switch (c->fam) {
	case F_DEC:
		/* decimal without precision: unbounded (PostgreSQL numeric) */
		c->a = ty.nargs ? (ty.args[0] < 0 ? UNBOUNDED : ty.args[0]) : UNBOUNDED;
		c->b = ty.nargs > 1 ? ty.args[1] : (ty.nargs ? 0 : UNBOUNDED);
		if (c->a != UNBOUNDED)
			c->a -= c->b;
		break;
	case F_FLOAT:
		if (ty.nargs && !strcmp(name, "float")) /* SQL float(p): binary digits */
			c->a = ty.args[0] <= 24 ? 32 : 64;
		break;
	case F_STR:
	case F_BIN:
		if (ty.nargs)
			c->a = ty.args[0] < 0 ? UNBOUNDED : ty.args[0];
		break;
	case F_TIME:
	case F_TS:
		if (ty.nargs)
			c->a = ty.args[0];
		break;
	default:
		break;
	}
}

/* y is text (or text[] and x an array of as many dimensions). */
static int to_text(const struct tclass *x, const struct tclass *y)
{
	return y->fam == F_STR && y->varying && y->a == UNBOUNDED &&
	       (!y->dims || y->dims == x->dims);
}

/* Every value of type x is a value of type y. */
static int fits(const struct tclass *x, const struct tclass *y)
{
	if (to_text(x, y)) /* any -> string/text */
		return 1;
	if (x->dims != y->dims)
		return 0;
	switch (x->fam) {
	case F_INT:
		if (y->fam == F_INT)
			return x->a <= y->a;
		if (y->fam == F_DEC)
			return y->b >= 0 && y->a >= int_digits(x->a);
		if (y->fam == F_FLOAT) /* exact: 24 and 53 bits of mantissa */
			return x->a <= (y->a == 64 ? 32 : 16);
		return 0;
	case F_DEC:
		if (y->fam == F_DEC)
			return y->a >= x->a && y->b >= x->b;
		if (y->fam == F_INT)
			return x->b == 0 && x->a < int_digits(y->a);
		return 0;
	case F_FLOAT:
		return y->fam == F_FLOAT && x->a <= y->a;
	case F_STR:
	case F_BIN:
		return y->fam == x->fam && x->a <= y->a && x->varying <= y->varying;
	case F_DATE:
		return y->fam == F_DATE || (y->fam == F_TS && !y->varying);
	case F_TIME:
	case F_TS:
		return y->fam == x->fam && x->varying == y->varying && x->a <= y->a;
	case F_BOOL:
		return y->fam == F_BOOL;
	case F_OTHER:
		return y->fam == F_OTHER && same_spelling(x->raw, y->raw);
	}
	return 0;
}

enum order { SAME, WIDER, NARROWER, OTHER };

static enum order type_order(const char *from, const char *to)
{
	struct tclass x, y;
	int f, g;

	classify(from, &x);
	classify(to, &y);
	f = fits(&x, &y);
	g = fits(&y, &x);
	return f && g ? SAME : f ? WIDER : g ? NARROWER : OTHER;
}

/* logicalType: integer fits number; every scalar fits string. */
static enum order logical_order(const char *from, const char *to)
{
	static const char *const scalars[] = {"integer", "number", "boolean", "date", NULL};
	int f = 0, g = 0;

	if (!strcmp(from, to))
		return SAME;
	for (size_t i = 0; scalars[i]; i++) {
		f |= !strcmp(to, "string") && !strcmp(from, scalars[i]);
		g |= !strcmp(from, "string") && !strcmp(to, scalars[i]);
	}
	f |= !strcmp(from, "integer") && !strcmp(to, "number");
	g |= !strcmp(from, "number") && !strcmp(to, "integer");
	return f ? WIDER : g ? NARROWER : OTHER;
}

/* ---- the diff -------------------------------------------------------------------------- */

enum rule_index {
	R_TABLE_REMOVED,
	R_TABLE_ADDED,
	R_COLUMN_REMOVED,
	R_COLUMN_ADDED_OPTIONAL,
	R_COLUMN_ADDED_REQUIRED,
	R_COLUMN_RENAMED,
	R_TYPE_WIDENED,
	R_TYPE_NARROWED,
	R_TYPE_CHANGED,
	R_LOGICAL_TYPE_CHANGED,
	R_BECAME_REQUIRED,
	R_BECAME_OPTIONAL,
	R_PRIMARY_KEY_CHANGED,
	R_UNIQUE_ADDED,
	R_UNIQUE_REMOVED,
	R_PARTITIONING_CHANGED,
	R_PHYSICAL_NAME_CHANGED,
	R_CLASSIFICATION_CHANGED,
};

struct tdiff {
	struct dw_changes *out;
	int oom;
};

static void vchange(struct tdiff *d, enum rule_index r, const char *old_ptr, const char *new_ptr,
                    const char *subject, const char *fmt, va_list ap)
{
	va_list aq;
	char *msg;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0 || !(msg = malloc((size_t)n + 1))) {
		d->oom = 1;
		return;
	}
	vsnprintf(msg, (size_t)n + 1, fmt, ap);
	if (!dw_changes_add(d->out, &compat_table_rules[r], old_ptr, new_ptr, subject, "%s", msg))
		d->oom = 1;
	free(msg);
}

__attribute__((format(printf, 6, 7))) static void change(struct tdiff *d, enum rule_index r,
                                                         const char *old_ptr, const char *new_ptr,
                                                         const char *subject, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vchange(d, r, old_ptr, new_ptr, subject, fmt, ap);
	va_end(ap);
}

static const char *str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static int flag(const json_t *obj, const char *key)
{
	return json_is_true(json_object_get(obj, key));
}

/* base + "/" + token, malloc'd; NULL when base is NULL (the side is absent) or on oom. */
static char *ptr(struct tdiff *d, const char *base, const char *token)
{
	char *p;

	if (!base)
		return NULL;
	if (!(p = dw_pointer_join(base, token)))
		d->oom = 1;
	return p;
}

static char *ptr_index(struct tdiff *d, const char *base, size_t i)
{
	char *p = dw_pointer_join_index(base, i);

	if (!p)
		d->oom = 1;
	return p;
}

/* prefix + sep + name, malloc'd (prefix may be NULL: name alone). */
static char *subject_join(struct tdiff *d, const char *prefix, const char *sep, const char *name)
{
	size_t n = (prefix ? strlen(prefix) + strlen(sep) : 0) + strlen(name) + 1;
	char *s = malloc(n);

	if (!s) {
		d->oom = 1;
		return NULL;
	}
	snprintf(s, n, "%s%s%s", prefix ? prefix : "", prefix ? sep : "", name);
	return s;
}

/* The pointer to key inside the object at base when the key is there, else base. */
static char *ptr_at(struct tdiff *d, const json_t *obj, const char *base, const char *key)
{
	if (json_object_get(obj, key))
		return ptr(d, base, key);
	if (!base)
		return NULL;
	char *p = strdup(base);
	if (!p)
		d->oom = 1;
	return p;
}

/* Reports a change of attribute key of the objects oc (at op) and nc (at np). */
__attribute__((format(printf, 9, 10))) static void
report(struct tdiff *d, enum rule_index r, const json_t *oc, const json_t *nc, const char *op,
       const char *np, const char *key, const char *subject, const char *fmt, ...)
{
	char *a = ptr_at(d, oc, op, key), *b = ptr_at(d, nc, np, key);
	va_list ap;

	va_start(ap, fmt);
	if (!d->oom)
		vchange(d, r, a, b, subject, fmt, ap);
	va_end(ap);
	free(a);
	free(b);
}

static void diff_types(struct tdiff *d, const json_t *oc, const json_t *nc, const char *op,
                       const char *np, const char *subject)
{
	const char *ot = str(oc, "physicalType"), *nt = str(nc, "physicalType");
	const char *ol = str(oc, "logicalType"), *nl = str(nc, "logicalType");
	static const enum rule_index by_order[] = {R_TYPE_CHANGED, R_TYPE_WIDENED, R_TYPE_NARROWED,
	                                           R_TYPE_CHANGED};
	static const char *const verb[] = {"", "widened", "narrowed", "changed"};
	enum order o;

	if (ot && nt && (o = type_order(ot, nt)) != SAME)
		report(d, by_order[o], oc, nc, op, np, "physicalType", subject,
		       "type of '%s' %s from %s to %s", subject, verb[o], ot, nt);
	if (!ol || !nl || (o = logical_order(ol, nl)) == SAME)
		return;
	if (o == OTHER)
		report(d, R_LOGICAL_TYPE_CHANGED, oc, nc, op, np, "logicalType", subject,
		       "logicalType of '%s' changed from %s to %s", subject, ol, nl);
	else if (!ot || !nt) /* physical types, when both sides have them, already said it */
		report(d, by_order[o], oc, nc, op, np, "logicalType", subject,
		       "type of '%s' %s from %s to %s", subject, verb[o], ol, nl);
}

static int same_string(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static const char *or_none(const char *s)
{
	return s ? s : "(none)";
}

static void diff_columns(struct tdiff *d, const json_t *olist, const json_t *nlist, const char *op,
                         const char *np, const char *prefix, int depth, long *match);

/* One column present on both sides (matched by name, or a rename pair). */
static void diff_column(struct tdiff *d, const json_t *oc, const json_t *nc, const char *op,
                        const char *np, const char *subject, int renamed, int depth)
{
	const char *opn = str(oc, "physicalName"), *npn = str(nc, "physicalName");
	const char *ocl = str(oc, "classification"), *ncl = str(nc, "classification");
	json_t *ox, *nx;

	if (!opn)
		opn = str(oc, "name");
	if (!npn)
		npn = str(nc, "name");
	if (!renamed && opn && npn && strcmp(opn, npn))
		report(d, R_PHYSICAL_NAME_CHANGED, oc, nc, op, np, "physicalName", subject,
		       "physical name of '%s' changed from '%s' to '%s'", subject, opn, npn);
	diff_types(d, oc, nc, op, np, subject);
	if (flag(oc, "required") != flag(nc, "required")) {
		int now = flag(nc, "required");
		report(d, now ? R_BECAME_REQUIRED : R_BECAME_OPTIONAL, oc, nc, op, np, "required",
		       subject, "column '%s' became %s", subject, now ? "required" : "nullable");
	}
	if (flag(oc, "unique") != flag(nc, "unique")) {
		int now = flag(nc, "unique");
		report(d, now ? R_UNIQUE_ADDED : R_UNIQUE_REMOVED, oc, nc, op, np, "unique",
		       subject, "column '%s' %s", subject,
		       now ? "became unique" : "is no longer unique");
	}
	if (!same_string(ocl, ncl))
		report(d, R_CLASSIFICATION_CHANGED, oc, nc, op, np, "classification", subject,
		       "classification of '%s' changed from %s to %s", subject, or_none(ocl),
		       or_none(ncl));
	if (depth >= CONTRACT_MAX_DEPTH)
		return;
	ox = json_object_get(oc, "properties");
	nx = json_object_get(nc, "properties");
	if (json_is_array(ox) && json_is_array(nx)) {
		char *a = ptr(d, op, "properties"), *b = ptr(d, np, "properties");
		if (!d->oom)
			diff_columns(d, ox, nx, a, b, subject, depth + 1, NULL);
		free(a);
		free(b);
	}
	ox = json_object_get(oc, "items");
	nx = json_object_get(nc, "items");
	if (json_is_object(ox) && json_is_object(nx)) {
		char *a = ptr(d, op, "items"), *b = ptr(d, np, "items");
		char *s = subject_join(d, subject, "", "[]");
		if (!d->oom)
			diff_column(d, ox, nx, a, b, s, 1, depth + 1);
		free(a);
		free(b);
		free(s);
	}
}

/* The value of customProperties' {"property": "renamedFrom", "value": NAME} entry, or NULL. */
static const char *renamed_from(const json_t *col)
{
	const json_t *cp = json_object_get(col, "customProperties"), *e;
	size_t i;

	json_array_foreach(
	    cp, i, e) if (str(e, "property") &&
	                  !strcmp(str(e, "property"), "renamedFrom")) return str(e, "value");
	return NULL;
}

/* A key -> index map of the objects of a list with a string member key (first one wins). */
static json_t *index_by(struct tdiff *d, const json_t *list, const char *key)
{
	json_t *idx = json_object(), *e;
	size_t i;

	if (!idx) {
		d->oom = 1;
		return NULL;
	}
	json_array_foreach(list, i, e)
	{
		const char *name = str(e, key);
		if (!name || json_object_get(idx, name))
			continue;
		if (json_object_set_new(idx, name, json_integer((json_int_t)i))) {
			d->oom = 1;
			break;
		}
	}
	return idx;
}

static json_t *name_index(struct tdiff *d, const json_t *list)
{
	return index_by(d, list, "name");
}

static long lookup(const json_t *idx, const char *name)
{
	json_t *v = name ? json_object_get(idx, name) : NULL;

	return v ? (long)json_integer_value(v) : -1;
}

/* New column j can still be paired: named (first of its name) and not taken. */
static int free_column(const json_t *nlist, const json_t *nidx, const char *taken, size_t j)
{
	const char *name = str(json_array_get(nlist, j), "name");

	return !taken[j] && name && lookup(nidx, name) == (long)j;
}

/*
 * Pairs removed columns with added ones as renames: first the new column's renamedFrom hint,
 * then an equal explicit physicalName, then the same position with the same types.
 * pair[i] is the new index of old column i or -1; taken[j] marks new columns paired.
 */
static void pair_renames(struct tdiff *d, const json_t *olist, const json_t *nlist,
                         const json_t *oidx, const json_t *nidx, long *pair, char *taken)
{
	size_t no = json_array_size(olist), nn = json_array_size(nlist);
	json_t *phys;

	for (size_t j = 0; j < nn; j++) {
		long i = lookup(oidx, renamed_from(json_array_get(nlist, j)));
		if (i < 0 || pair[i] >= 0 || !free_column(nlist, nidx, taken, j))
			continue;
		pair[i] = (long)j;
		taken[j] = 1;
	}
	if (!(phys = index_by(d, nlist, "physicalName")))
		return;
	for (size_t i = 0; i < no; i++) {
		long j = lookup(phys, str(json_array_get(olist, i), "physicalName"));
		if (pair[i] >= 0 || !str(json_array_get(olist, i), "name") || j < 0 ||
		    !free_column(nlist, nidx, taken, (size_t)j))
			continue;
		pair[i] = j;
		taken[j] = 1;
	}
	json_decref(phys);
	for (size_t i = 0; i < no && i < nn; i++) {
		const json_t *oc = json_array_get(olist, i), *nc = json_array_get(nlist, i);
		if (pair[i] >= 0 || !str(oc, "name") || !free_column(nlist, nidx, taken, i) ||
		    !same_string(str(oc, "physicalType"), str(nc, "physicalType")) ||
		    !same_string(str(oc, "logicalType"), str(nc, "logicalType")))
			continue;
		pair[i] = (long)i;
		taken[i] = 1;
	}
}

/*
 * Columns of one list (a table's properties, or an object column's): matched by name, renames
 * paired, the rest removed or added. match (when not NULL, one slot per old column) receives
 * the new index of each old column or -1.
 */
static void diff_columns(struct tdiff *d, const json_t *olist, const json_t *nlist, const char *op,
                         const char *np, const char *prefix, int depth, long *match)
{
	size_t no = json_array_size(olist), nn = json_array_size(nlist);
	json_t *oidx = name_index(d, olist), *nidx = name_index(d, nlist);
	long *pair = malloc((no + 1) * sizeof(*pair));
	char *taken = calloc(nn + 1, 1);

	if (!pair || !taken || d->oom) {
		d->oom = 1;
		goto out;
	}
	/* matched by name; old columns not found stay candidates for renames */
	for (size_t i = 0; i < no; i++) {
		const char *name = str(json_array_get(olist, i), "name");
		long j = lookup(nidx, name);
		pair[i] = -1;
		if (j >= 0 && lookup(oidx, name) == (long)i) {
			pair[i] = j;
			taken[j] = 1;
		}
	}
	/* columns matched by name are not renamed */
	long *by_name = malloc((no + 1) * sizeof(*by_name));
	if (!by_name) {
		d->oom = 1;
		goto out;
	}
	memcpy(by_name, pair, (no + 1) * sizeof(*pair));
	pair_renames(d, olist, nlist, oidx, nidx, pair, taken);
	for (size_t i = 0; i < no && !d->oom; i++) {
		const json_t *oc = json_array_get(olist, i);
		const char *name = str(oc, "name");
		char *a, *b = NULL, *s;
		if (!name || lookup(oidx, name) != (long)i)
			continue; /* unnamed or a duplicate: nothing to compare it with */
		a = ptr_index(d, op, i);
		s = subject_join(d, prefix, ".", name);
		if (pair[i] >= 0)
			b = ptr_index(d, np, (size_t)pair[i]);
		if (d->oom) {
		} else if (pair[i] < 0) {
			change(d, R_COLUMN_REMOVED, a, NULL, s, "column '%s' removed", s);
		} else {
			const json_t *nc = json_array_get(nlist, (size_t)pair[i]);
			int renamed = by_name[i] < 0;
			if (renamed)
				change(d, R_COLUMN_RENAMED, a, b, s, "column '%s' renamed to '%s'",
				       s, str(nc, "name"));
			diff_column(d, oc, nc, a, b, s, renamed, depth);
		}
		free(a);
		free(b);
		free(s);
	}
	free(by_name);
	for (size_t j = 0; j < nn && !d->oom; j++) {
		const json_t *nc = json_array_get(nlist, j);
		const char *name = str(nc, "name");
		char *b, *s;
		if (taken[j] || !name || lookup(nidx, name) != (long)j)
			continue;
		b = ptr_index(d, np, j);
		s = subject_join(d, prefix, ".", name);
		if (!d->oom) {
			if (flag(nc, "required"))
				change(d, R_COLUMN_ADDED_REQUIRED, NULL, b, s,
				       "required column '%s' added", s);
			else
				change(d, R_COLUMN_ADDED_OPTIONAL, NULL, b, s,
				       "nullable column '%s' added", s);
		}
		free(b);
		free(s);
	}
	if (match && !d->oom)
		memcpy(match, pair, no * sizeof(*pair));
out:
	json_decref(oidx);
	json_decref(nidx);
	free(pair);
	free(taken);
}

struct key_slot {
	json_int_t position; /* >= 1, or LLONG_MAX for columns without one: last */
	long column;
};

static int key_slot_cmp(const void *a, const void *b)
{
	const struct key_slot *x = a, *y = b;

	if (x->position != y->position)
		return x->position < y->position ? -1 : 1;
	return x->column < y->column ? -1 : x->column > y->column;
}

/*
 * The ordered key of a table (primaryKey or partitioned columns): columns with a position >= 1
 * by position, then the others in column order. Fills keys[] with column indices (slots is
 * scratch of as many entries as props has), returns how many.
 */
static size_t key_columns(const json_t *props, const char *flag_key, const char *pos_key,
                          long *keys, struct key_slot *slots)
{
	size_t n = 0, i;
	const json_t *c;

	json_array_foreach(props, i, c)
	{
		json_int_t pos = json_integer_value(json_object_get(c, pos_key));
		if (!flag(c, flag_key))
			continue;
		slots[n].position = pos >= 1 ? pos : LLONG_MAX;
		slots[n].column = (long)i;
		n++;
	}
	if (n > 1)
		qsort(slots, n, sizeof(*slots), key_slot_cmp);
	for (i = 0; i < n; i++)
		keys[i] = slots[i].column;
	return n;
}

/* "(a, b)" of the key's column names, malloc'd. */
static char *key_text(struct tdiff *d, const json_t *props, const long *keys, size_t n)
{
	size_t len = 3;
	char *s, *p;

	for (size_t i = 0; i < n; i++)
		len += strlen(or_none(str(json_array_get(props, (size_t)keys[i]), "name"))) + 2;
	if (!(s = malloc(len))) {
		d->oom = 1;
		return NULL;
	}
	p = s;
	*p++ = '(';
	for (size_t i = 0; i < n; i++) {
		const char *name = or_none(str(json_array_get(props, (size_t)keys[i]), "name"));
		size_t l = strlen(name);
		if (i) {
			memcpy(p, ", ", 2);
			p += 2;
		}
		memcpy(p, name, l);
		p += l;
	}
	memcpy(p, ")", 2);
	return s;
}

/* Compares a key by column identity (renames followed through match). */
static void diff_key(struct tdiff *d, enum rule_index r, const char *what, const json_t *ot,
                     const json_t *nt, const char *op, const char *np, const char *table,
                     const long *match, const char *flag_key, const char *pos_key)
{
	const json_t *oprops = json_object_get(ot, "properties"),
	             *nprops = json_object_get(nt, "properties");
	size_t no = json_array_size(oprops), nn = json_array_size(nprops), ko, kn, i;
	long *okeys = malloc((no + 1) * sizeof(long)), *nkeys = malloc((nn + 1) * sizeof(long));
	struct key_slot *slots = malloc((no > nn ? no : nn) * sizeof(*slots) + sizeof(*slots));
	char *a = NULL, *b = NULL;

	if (!okeys || !nkeys || !slots) {
		d->oom = 1;
		goto out;
	}
	ko = key_columns(oprops, flag_key, pos_key, okeys, slots);
	kn = key_columns(nprops, flag_key, pos_key, nkeys, slots);
	for (i = 0; ko == kn && i < ko; i++)
		if (match[okeys[i]] != nkeys[i])
			break;
	if (ko == kn && i == ko)
		goto out;
	a = key_text(d, oprops, okeys, ko);
	b = key_text(d, nprops, nkeys, kn);
	if (!d->oom)
		change(d, r, op, np, table, "%s of '%s' changed from %s to %s", what, table,
		       ko ? a : "(none)", kn ? b : "(none)");
out:
	free(slots);
	free(okeys);
	free(nkeys);
	free(a);
	free(b);
}

static void diff_table(struct tdiff *d, const json_t *ot, const json_t *nt, size_t oi, size_t ni)
{
	const char *name = str(ot, "name");
	const char *opn = str(ot, "physicalName"), *npn = str(nt, "physicalName");
	const json_t *oprops = json_object_get(ot, "properties"),
	             *nprops = json_object_get(nt, "properties");
	char *op = ptr_index(d, "/schema", oi), *np = ptr_index(d, "/schema", ni);
	char *opp = ptr(d, op, "properties"), *npp = ptr(d, np, "properties");
	long *match = malloc((json_array_size(oprops) + 1) * sizeof(long));

	if (!match)
		d->oom = 1;
	if (d->oom)
		goto out;
	opn = opn ? opn : name;
	npn = npn ? npn : name;
	if (strcmp(opn, npn))
		report(d, R_PHYSICAL_NAME_CHANGED, ot, nt, op, np, "physicalName", name,
		       "physical name of table '%s' changed from '%s' to '%s'", name, opn, npn);
	for (size_t i = 0; i < json_array_size(oprops); i++)
		match[i] = -1;
	if (json_is_array(oprops) && json_is_array(nprops))
		diff_columns(d, oprops, nprops, opp, npp, name, 3, match);
	if (d->oom)
		goto out;
	diff_key(d, R_PRIMARY_KEY_CHANGED, "primary key", ot, nt, op, np, name, match, "primaryKey",
	         "primaryKeyPosition");
	diff_key(d, R_PARTITIONING_CHANGED, "partitioning", ot, nt, op, np, name, match,
	         "partitioned", "partitionKeyPosition");
out:
	free(op);
	free(np);
	free(opp);
	free(npp);
	free(match);
}

int compat_table_diff(const json_t *old_doc, const json_t *new_doc, struct dw_changes *out)
{
	const json_t *os = json_object_get(old_doc, "schema"),
	             *ns = json_object_get(new_doc, "schema");
	struct tdiff d = {.out = out};
	json_t *oidx, *nidx, *t;
	size_t i;

	if (!json_is_array(os) || !json_is_array(ns))
		return DW_INVALID;
	oidx = name_index(&d, os);
	nidx = name_index(&d, ns);
	json_array_foreach(os, i, t)
	{
		const char *name = str(t, "name");
		long j = lookup(nidx, name);
		char *p;
		if (d.oom || !name || lookup(oidx, name) != (long)i)
			continue;
		if (j >= 0) {
			diff_table(&d, t, json_array_get(ns, (size_t)j), i, (size_t)j);
			continue;
		}
		p = ptr_index(&d, "/schema", i);
		if (!d.oom)
			change(&d, R_TABLE_REMOVED, p, NULL, name, "table '%s' removed", name);
		free(p);
	}
	json_array_foreach(ns, i, t)
	{
		const char *name = str(t, "name");
		char *p;
		if (d.oom || !name || lookup(nidx, name) != (long)i || lookup(oidx, name) >= 0)
			continue;
		p = ptr_index(&d, "/schema", i);
		if (!d.oom)
			change(&d, R_TABLE_ADDED, NULL, p, name, "table '%s' added", name);
		free(p);
	}
	json_decref(oidx);
	json_decref(nidx);
	return d.oom || out->oom ? DW_NOMEM : 0;
}
