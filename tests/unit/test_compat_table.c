/*
 * test_compat_table: internals of the table contract engine (validators/compat_table.c) that
 * the data-driven cases of test_compat do not show: the type lattice edge by edge, pointers,
 * subjects and messages, the directions of the rules, and robustness on odd, deep and large
 * input. The fixtures under tests/fixtures/compat/table/ must be valid ODCS contracts.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "validators/compat.h"
#include "validators/error.h"
#include "validators/findings.h"
#include "tests/unit/testutil.h"

#define HEAD                                                                                       \
	"{\"apiVersion\":\"v3.0.2\",\"kind\":\"DataContract\",\"id\":\"t\",\"version\":\"1\","     \
	"\"status\":\"active\",\"schema\":["

/* A contract of one table "t" with the given columns (JSON text of the properties array). */
static json_t *table_doc(const char *columns)
{
	size_t n = strlen(HEAD) + strlen(columns) + 64;
	char *text = malloc(n);
	json_error_t e;
	json_t *doc;

	ck_assert_ptr_nonnull(text);
	snprintf(text, n, "%s{\"name\":\"t\",\"properties\":[%s]}]}", HEAD, columns);
	doc = json_loads(text, 0, &e);
	ck_assert_msg(doc != NULL, "bad test document: %s", e.text);
	free(text);
	return doc;
}

/* Diffs two one-table contracts into ch (initialised here). */
static void diff_columns_text(const char *old_cols, const char *new_cols, struct dw_changes *ch)
{
	json_t *o = table_doc(old_cols), *n = table_doc(new_cols);

	dw_changes_init(ch);
	ck_assert_int_eq(compat_table_diff(o, n, ch), 0);
	json_decref(o);
	json_decref(n);
}

static const struct dw_change *only_change(const struct dw_changes *ch)
{
	ck_assert_msg(ch->count == 1, "expected one change, got %zu", ch->count);
	return &ch->items[0];
}

static const char *str_or_dash(const char *s)
{
	return s ? s : "-";
}

/* ---- the type lattice ------------------------------------------------------------------ */

static const struct {
	const char *from, *to, *rule; /* rule NULL: no change */
} lattice[] = {
    {"tinyint", "smallint", "table.type-widened"},
    {"smallint", "int", "table.type-widened"},
    {"int", "bigint", "table.type-widened"},
    {"bigint", "int", "table.type-narrowed"},
    {"int4", "int8", "table.type-widened"},
    {"int", "integer", NULL},
    {"INT", "int(11)", NULL},
    {"float", "double", "table.type-widened"},
    {"double", "float", "table.type-narrowed"},
    {"float(24)", "real", NULL},
    {"float(25)", "double", NULL},
    {"smallint", "real", "table.type-widened"},
    {"int", "real", "table.type-changed"},
    {"int", "double", "table.type-widened"},
    {"bigint", "double", "table.type-changed"},
    {"int", "decimal(10,0)", "table.type-widened"},
    {"int", "decimal(9,0)", "table.type-narrowed"},
    {"decimal(9,0)", "int", "table.type-widened"},
    {"int", "decimal(12,2)", "table.type-widened"},
    {"int", "decimal(11,2)", "table.type-changed"},
    {"bigint", "numeric(19)", "table.type-widened"},
    {"decimal(10,2)", "decimal(11,2)", "table.type-widened"},
    {"decimal(10,2)", "decimal(11,3)", "table.type-widened"},
    {"decimal(10,2)", "decimal(10,3)", "table.type-changed"},
    {"decimal(10,2)", "decimal(9,2)", "table.type-narrowed"},
    {"decimal(10,2)", "numeric", "table.type-widened"},
    {"numeric", "decimal(38,10)", "table.type-narrowed"},
    {"decimal(10)", "numeric(10, 0)", NULL},
    {"decimal(10,2)", "double", "table.type-changed"},
    {"varchar(10)", "varchar(11)", "table.type-widened"},
    {"varchar(10)", "character varying(10)", NULL},
    {"nvarchar(10)", "varchar(max)", "table.type-widened"},
    {"varchar", "text", NULL},
    {"text", "varchar(100)", "table.type-narrowed"},
    {"char(4)", "varchar(4)", "table.type-widened"},
    {"char(4)", "varchar(3)", "table.type-changed"},
    {"varchar(4)", "char(4)", "table.type-narrowed"},
    {"char", "char(1)", NULL},
    {"char(2)", "char(3)", "table.type-widened"},
    {"binary(8)", "varbinary(8)", "table.type-widened"},
    {"bytea", "blob", NULL},
    {"varbinary(8)", "varchar(8)", "table.type-changed"},
    {"date", "timestamp", "table.type-widened"},
    {"date", "timestamptz", "table.type-changed"},
    {"timestamp", "date", "table.type-narrowed"},
    {"timestamp", "timestamp(6)", NULL},
    {"timestamp(3)", "timestamp", "table.type-widened"},
    {"timestamp(9)", "timestamp", "table.type-narrowed"},
    {"timestamp(3) with time zone", "timestamptz(3)", NULL},
    {"timestamp with time zone", "timestamp", "table.type-changed"},
    {"time", "time(6)", NULL},
    {"time", "timestamp", "table.type-changed"},
    {"boolean", "bool", NULL},
    {"boolean", "int", "table.type-changed"},
    {"boolean", "text", "table.type-widened"},
    {"uuid", "UUID", NULL},
    {"uuid", "string", "table.type-widened"},
    {"uuid", "varchar(36)", "table.type-changed"},
    {"json", "jsonb", "table.type-changed"},
    {"int[]", "bigint[]", "table.type-widened"},
    {"int[]", "int[][]", "table.type-changed"},
    {"int[]", "text[]", "table.type-widened"},
    {"int[]", "text", "table.type-widened"},
    {"array<int>", "ARRAY< int >", NULL},
    {"array<int>", "array<bigint>", "table.type-changed"},
    {"map<string,int>", "string", "table.type-widened"},
};

START_TEST(type_lattice_edge)
{
	char a[256], b[256];
	struct dw_changes ch;

	snprintf(a, sizeof(a), "{\"name\":\"c\",\"physicalType\":\"%s\"}", lattice[_i].from);
	snprintf(b, sizeof(b), "{\"name\":\"c\",\"physicalType\":\"%s\"}", lattice[_i].to);
	diff_columns_text(a, b, &ch);
	if (!lattice[_i].rule) {
		ck_assert_msg(ch.count == 0, "%s -> %s: expected no change, got %s",
		              lattice[_i].from, lattice[_i].to,
		              ch.count ? ch.items[0].rule->id : "");
	} else {
		ck_assert_msg(ch.count == 1 && !strcmp(ch.items[0].rule->id, lattice[_i].rule),
		              "%s -> %s: expected %s, got %s", lattice[_i].from, lattice[_i].to,
		              lattice[_i].rule, ch.count ? ch.items[0].rule->id : "nothing");
		ck_assert_str_eq(ch.items[0].old_pointer, "/schema/0/properties/0/physicalType");
		ck_assert_str_eq(ch.items[0].subject, "t.c");
	}
	dw_changes_release(&ch);
}
END_TEST

/* ---- directions ------------------------------------------------------------------------ */

START_TEST(rule_directions)
{
	static const struct {
		const char *id;
		unsigned breaks;
	} want[] = {
	    {"table.table-removed", DW_BREAKS_FORWARD},
	    {"table.table-added", 0},
	    {"table.column-removed", DW_BREAKS_FORWARD},
	    {"table.column-added-optional", 0},
	    {"table.column-added-required", DW_BREAKS_BACKWARD},
	    {"table.column-renamed", DW_BREAKS_BACKWARD | DW_BREAKS_FORWARD},
	    {"table.type-widened", DW_BREAKS_FORWARD},
	    {"table.type-narrowed", DW_BREAKS_BACKWARD},
	    {"table.type-changed", DW_BREAKS_BACKWARD | DW_BREAKS_FORWARD},
	    {"table.logical-type-changed", DW_BREAKS_BACKWARD | DW_BREAKS_FORWARD},
	    {"table.column-became-required", DW_BREAKS_BACKWARD},
	    {"table.column-became-optional", DW_BREAKS_FORWARD},
	    {"table.primary-key-changed", DW_BREAKS_BACKWARD | DW_BREAKS_FORWARD},
	    {"table.unique-added", DW_BREAKS_BACKWARD},
	    {"table.unique-removed", DW_BREAKS_FORWARD},
	    {"table.partitioning-changed", 0},
	    {"table.physical-name-changed", DW_BREAKS_BACKWARD | DW_BREAKS_FORWARD},
	    {"table.classification-changed", 0},
	};

	ck_assert_uint_eq(compat_table_rule_count, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct dw_rule *r = compat_rule_find(want[i].id);
		ck_assert_msg(r != NULL, "no rule %s", want[i].id);
		ck_assert_msg(r->breaks == want[i].breaks, "rule %s breaks %u, want %u", r->id,
		              r->breaks, want[i].breaks);
		ck_assert_int_eq(r->format, DW_FMT_ODCS);
	}
	ck_assert_int_eq(compat_rule_find("table.partitioning-changed")->quiet, DW_CHANGE_WARNING);
}
END_TEST

/* Each rule's example is a valid contract and its diff holds the rule. */
START_TEST(rule_examples_are_valid_contracts)
{
	for (size_t i = 0; i < compat_table_rule_count; i++) {
		const struct dw_rule *r = &compat_table_rules[i];
		const char *texts[2] = {r->example_old, r->example_new};
		json_t *docs[2];
		struct dw_changes ch;
		int found = 0;

		for (int k = 0; k < 2; k++) {
			struct dw_findings f;
			json_error_t e;
			docs[k] = json_loads(texts[k], 0, &e);
			ck_assert_msg(docs[k] != NULL, "%s: example is not JSON: %s", r->id,
			              e.text);
			dw_findings_init(&f);
			ck_assert_msg(odcs_validate(docs[k], NULL, &f) == 0,
			              "%s: example is not a valid contract", r->id);
			dw_findings_release(&f);
		}
		dw_changes_init(&ch);
		ck_assert_int_eq(compat_table_diff(docs[0], docs[1], &ch), 0);
		for (size_t j = 0; j < ch.count; j++)
			found |= ch.items[j].rule == r;
		ck_assert_msg(found, "%s: example does not trigger it", r->id);
		dw_changes_release(&ch);
		json_decref(docs[0]);
		json_decref(docs[1]);
	}
}
END_TEST

/* ---- pointers, subjects, messages ------------------------------------------------------ */

START_TEST(removed_and_added_columns)
{
	struct dw_changes ch;

	diff_columns_text("{\"name\":\"a\",\"physicalType\":\"int\"},"
	                  "{\"name\":\"b\",\"physicalType\":\"text\"}",
	                  "{\"name\":\"a\",\"physicalType\":\"int\"},"
	                  "{\"name\":\"c\",\"physicalType\":\"date\",\"required\":true}",
	                  &ch);
	ck_assert_uint_eq(ch.count, 2);
	ck_assert_str_eq(ch.items[0].rule->id, "table.column-removed");
	ck_assert_str_eq(ch.items[0].old_pointer, "/schema/0/properties/1");
	ck_assert_ptr_null(ch.items[0].new_pointer);
	ck_assert_str_eq(ch.items[0].subject, "t.b");
	ck_assert_str_eq(ch.items[0].message, "column 't.b' removed");
	ck_assert_str_eq(ch.items[1].rule->id, "table.column-added-required");
	ck_assert_ptr_null(ch.items[1].old_pointer);
	ck_assert_str_eq(ch.items[1].new_pointer, "/schema/0/properties/1");
	ck_assert_str_eq(ch.items[1].message, "required column 't.c' added");
	dw_changes_release(&ch);
}
END_TEST

START_TEST(rename_keeps_old_subject)
{
	struct dw_changes ch;

	diff_columns_text("{\"name\":\"x\"},{\"name\":\"note\",\"logicalType\":\"string\"}",
	                  "{\"name\":\"x\"},{\"name\":\"remark\",\"logicalType\":\"string\","
	                  "\"required\":true}",
	                  &ch);
	ck_assert_uint_eq(ch.count, 2);
	ck_assert_str_eq(ch.items[0].rule->id, "table.column-renamed");
	ck_assert_str_eq(ch.items[0].subject, "t.note");
	ck_assert_str_eq(ch.items[0].message, "column 't.note' renamed to 'remark'");
	ck_assert_str_eq(ch.items[0].old_pointer, "/schema/0/properties/1");
	ck_assert_str_eq(ch.items[0].new_pointer, "/schema/0/properties/1");
	ck_assert_str_eq(ch.items[1].rule->id, "table.column-became-required");
	ck_assert_str_eq(ch.items[1].old_pointer, "/schema/0/properties/1");
	ck_assert_str_eq(ch.items[1].new_pointer, "/schema/0/properties/1/required");
	dw_changes_release(&ch);
}
END_TEST

START_TEST(rename_hint_wins_over_position)
{
	struct dw_changes ch;

	/* b and c both gone, d at b's position has b's type, but the hint pairs d with c */
	diff_columns_text("{\"name\":\"a\"},{\"name\":\"b\",\"physicalType\":\"int\"},"
	                  "{\"name\":\"c\",\"physicalType\":\"int\"}",
	                  "{\"name\":\"a\"},{\"name\":\"d\",\"physicalType\":\"int\","
	                  "\"customProperties\":[{\"property\":\"renamedFrom\",\"value\":\"c\"}]}",
	                  &ch);
	ck_assert_uint_eq(ch.count, 2);
	ck_assert_str_eq(ch.items[0].rule->id, "table.column-removed");
	ck_assert_str_eq(ch.items[0].subject, "t.b");
	ck_assert_str_eq(ch.items[1].rule->id, "table.column-renamed");
	ck_assert_str_eq(ch.items[1].message, "column 't.c' renamed to 'd'");
	dw_changes_release(&ch);
}
END_TEST

START_TEST(nested_and_items_paths)
{
	struct dw_changes ch;
	const struct dw_change *c;

	diff_columns_text("{\"name\":\"addr\",\"logicalType\":\"object\",\"properties\":["
	                  "{\"name\":\"geo\",\"logicalType\":\"object\",\"properties\":["
	                  "{\"name\":\"lat\",\"physicalType\":\"float\"}]}]}",
	                  "{\"name\":\"addr\",\"logicalType\":\"object\",\"properties\":["
	                  "{\"name\":\"geo\",\"logicalType\":\"object\",\"properties\":["
	                  "{\"name\":\"lat\",\"physicalType\":\"double\"}]}]}",
	                  &ch);
	c = only_change(&ch);
	ck_assert_str_eq(c->rule->id, "table.type-widened");
	ck_assert_str_eq(c->subject, "t.addr.geo.lat");
	ck_assert_str_eq(c->new_pointer, "/schema/0/properties/0/properties/0/properties/0/"
	                                 "physicalType");
	ck_assert_str_eq(c->message, "type of 't.addr.geo.lat' widened from float to double");
	dw_changes_release(&ch);

	diff_columns_text("{\"name\":\"tags\",\"logicalType\":\"array\",\"items\":"
	                  "{\"logicalType\":\"string\",\"physicalType\":\"varchar(20)\"}}",
	                  "{\"name\":\"tags\",\"logicalType\":\"array\",\"items\":"
	                  "{\"logicalType\":\"string\",\"physicalType\":\"varchar(10)\"}}",
	                  &ch);
	c = only_change(&ch);
	ck_assert_str_eq(c->rule->id, "table.type-narrowed");
	ck_assert_str_eq(c->subject, "t.tags[]");
	ck_assert_str_eq(c->old_pointer, "/schema/0/properties/0/items/physicalType");
	dw_changes_release(&ch);
}
END_TEST

START_TEST(key_messages)
{
	struct dw_changes ch;
	const struct dw_change *c;

	diff_columns_text("{\"name\":\"a\",\"primaryKey\":true,\"primaryKeyPosition\":1},"
	                  "{\"name\":\"b\",\"primaryKey\":true,\"primaryKeyPosition\":2}",
	                  "{\"name\":\"a\",\"primaryKey\":true,\"primaryKeyPosition\":2},"
	                  "{\"name\":\"b\",\"primaryKey\":true,\"primaryKeyPosition\":1}",
	                  &ch);
	c = only_change(&ch);
	ck_assert_str_eq(c->rule->id, "table.primary-key-changed");
	ck_assert_str_eq(c->subject, "t");
	ck_assert_str_eq(c->old_pointer, "/schema/0");
	ck_assert_str_eq(c->message, "primary key of 't' changed from (a, b) to (b, a)");
	dw_changes_release(&ch);

	diff_columns_text("{\"name\":\"d\",\"partitioned\":true}", "{\"name\":\"d\"}", &ch);
	c = only_change(&ch);
	ck_assert_str_eq(c->rule->id, "table.partitioning-changed");
	ck_assert_str_eq(c->message, "partitioning of 't' changed from (d) to (none)");
	ck_assert_int_eq(compat_change_severity(c, DW_MODE_FULL), DW_CHANGE_WARNING);
	dw_changes_release(&ch);
}
END_TEST

START_TEST(tables_matched_by_name)
{
	json_error_t e;
	json_t *o = json_loads(HEAD "{\"name\":\"a\",\"properties\":[{\"name\":\"x\"}]},"
	                            "{\"name\":\"b\",\"properties\":[{\"name\":\"x\"}]}]}",
	                       0, &e);
	json_t *n = json_loads(HEAD "{\"name\":\"c\",\"properties\":[{\"name\":\"x\"}]},"
	                            "{\"name\":\"a\",\"physicalName\":\"a2\",\"properties\":"
	                            "[{\"name\":\"x\"}]}]}",
	                       0, &e);
	struct dw_changes ch;

	ck_assert_ptr_nonnull(o);
	ck_assert_ptr_nonnull(n);
	dw_changes_init(&ch);
	ck_assert_int_eq(compat_table_diff(o, n, &ch), 0);
	ck_assert_uint_eq(ch.count, 3);
	ck_assert_str_eq(ch.items[0].rule->id, "table.physical-name-changed");
	ck_assert_str_eq(ch.items[0].old_pointer, "/schema/0");
	ck_assert_str_eq(ch.items[0].new_pointer, "/schema/1/physicalName");
	ck_assert_str_eq(ch.items[1].rule->id, "table.table-removed");
	ck_assert_str_eq(ch.items[1].message, "table 'b' removed");
	ck_assert_str_eq(ch.items[2].rule->id, "table.table-added");
	ck_assert_str_eq(ch.items[2].new_pointer, "/schema/0");
	dw_changes_release(&ch);
	json_decref(o);
	json_decref(n);
}
END_TEST

/* ---- robustness ------------------------------------------------------------------------ */

START_TEST(not_a_table_contract)
{
	json_t *good = table_doc("{\"name\":\"a\"}");
	json_t *bad[] = {json_integer(3), json_object(), json_pack("{s:s}", "schema", "x")};
	struct dw_changes ch;

	dw_changes_init(&ch);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(compat_table_diff(bad[i], good, &ch), DW_INVALID);
		ck_assert_int_eq(compat_table_diff(good, bad[i], &ch), DW_INVALID);
		json_decref(bad[i]);
	}
	ck_assert_uint_eq(ch.count, 0);
	json_decref(good);
}
END_TEST

START_TEST(odd_shapes_do_not_crash)
{
	struct dw_changes ch;

	/* non-objects, unnamed and duplicate columns, wrong member types, bad types */
	diff_columns_text("1,\"x\",null,{},{\"name\":5},{\"name\":\"a\",\"physicalType\":7},"
	                  "{\"name\":\"a\"},{\"name\":\"k\",\"primaryKey\":true,"
	                  "\"primaryKeyPosition\":\"one\",\"properties\":3,\"items\":[]},"
	                  "{\"name\":\"t\",\"physicalType\":\"varchar(\"}",
	                  "{\"name\":\"a\",\"physicalType\":\"int\"},[],{\"name\":\"a\"},"
	                  "{\"name\":\"k\",\"primaryKey\":\"yes\",\"properties\":{}},"
	                  "{\"name\":\"t\",\"physicalType\":\"varchar(\"}",
	                  &ch);
	/* k left the key (primaryKey "yes" is not true) */
	ck_assert_uint_eq(ch.count, 1);
	ck_assert_str_eq(ch.items[0].rule->id, "table.primary-key-changed");
	dw_changes_release(&ch);
}
END_TEST

/* An object column nested depth levels, the innermost field typed t. */
static json_t *nested_doc(int depth, const char *t)
{
	json_t *col = json_pack("{s:s,s:s}", "name", "leaf", "physicalType", t);

	for (int i = 0; i < depth; i++)
		col = json_pack("{s:s,s:s,s:[o]}", "name", "n", "logicalType", "object",
		                "properties", col);
	return json_pack("{s:[{s:s,s:[o]}]}", "schema", "name", "t", "properties", col);
}

START_TEST(deep_nesting_is_bounded)
{
	struct dw_changes ch;
	json_t *o = nested_doc(100, "int"), *n = nested_doc(100, "bigint");

	dw_changes_init(&ch);
	ck_assert_int_eq(compat_table_diff(o, n, &ch), 0);
	ck_assert_uint_eq(ch.count, 1);
	ck_assert_str_eq(ch.items[0].rule->id, "table.type-widened");
	dw_changes_release(&ch);
	json_decref(o);
	json_decref(n);

	/* beyond CONTRACT_MAX_DEPTH the walk stops: no crash, no change reported from there */
	o = nested_doc(1500, "int");
	n = nested_doc(1500, "bigint");
	dw_changes_init(&ch);
	ck_assert_int_eq(compat_table_diff(o, n, &ch), 0);
	ck_assert_uint_eq(ch.count, 0);
	dw_changes_release(&ch);
	json_decref(o);
	json_decref(n);
}
END_TEST

/* Two contracts of 10 tables x 2,000 columns, every column renamed through its physicalName
 * and every key position reversed. */
START_TEST(large_contracts_diff_exactly)
{
	json_t *o = json_object(), *n = json_object(), *os = json_array(), *ns = json_array();
	struct dw_changes ch;

	for (int t = 0; t < 10; t++) {
		json_t *oc = json_array(), *nc = json_array();
		char name[32], phys[32];
		for (int c = 0; c < 2000; c++) {
			snprintf(phys, sizeof(phys), "p%d", c);
			snprintf(name, sizeof(name), "old%d", c);
			json_array_append_new(oc, json_pack("{s:s,s:s,s:s,s:b,s:i}", "name", name,
			                                    "physicalName", phys, "physicalType",
			                                    "int", "primaryKey", 1,
			                                    "primaryKeyPosition", c + 1));
			snprintf(name, sizeof(name), "new%d", c);
			json_array_append_new(nc, json_pack("{s:s,s:s,s:s,s:b,s:i}", "name", name,
			                                    "physicalName", phys, "physicalType",
			                                    "bigint", "primaryKey", 1,
			                                    "primaryKeyPosition", 2000 - c));
		}
		snprintf(name, sizeof(name), "t%d", t);
		json_array_append_new(os, json_pack("{s:s,s:o}", "name", name, "properties", oc));
		json_array_append_new(ns, json_pack("{s:s,s:o}", "name", name, "properties", nc));
	}
	json_object_set_new(o, "schema", os);
	json_object_set_new(n, "schema", ns);
	dw_changes_init(&ch);
	ck_assert_int_eq(compat_table_diff(o, n, &ch), 0);
	/* per table: 2,000 renames, 2,000 widenings, one key change */
	ck_assert_uint_eq(ch.count, 10 * (2000 * 2 + 1));
	dw_changes_release(&ch);
	json_decref(o);
	json_decref(n);
}
END_TEST

/* ---- fixtures -------------------------------------------------------------------------- */

START_TEST(fixtures_are_valid_contracts)
{
	char base[1024], path[2048];
	struct dirent *e, *f;
	DIR *d, *cd;
	int checked = 0;

	snprintf(base, sizeof(base), "%s/tests/fixtures/compat/table", tu_root());
	d = opendir(base);
	ck_assert_msg(d != NULL, "cannot open %s", base);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", base, e->d_name);
		if (!(cd = opendir(path)))
			continue;
		while ((f = readdir(cd))) {
			size_t len = strlen(f->d_name);
			char file[2304];
			struct dw_findings fi;
			json_error_t je;
			json_t *doc;

			if (len < 5 || strcmp(f->d_name + len - 5, ".json"))
				continue;
			snprintf(file, sizeof(file), "%s/%s", path, f->d_name);
			doc = json_load_file(file, 0, &je);
			ck_assert_msg(doc != NULL, "%s: %s", file, je.text);
			dw_findings_init(&fi);
			ck_assert_msg(odcs_validate(doc, NULL, &fi) == 0,
			              "%s: invalid contract (%s)", file,
			              fi.count ? str_or_dash(fi.items[0].message) : "no finding");
			dw_findings_release(&fi);
			json_decref(doc);
			checked++;
		}
		closedir(cd);
	}
	closedir(d);
	ck_assert_int_ge(checked, 100);
}
END_TEST

static Suite *compat_table_suite(void)
{
	Suite *s = suite_create("compat_table");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, type_lattice_edge, 0, (int)(sizeof(lattice) / sizeof(lattice[0])));
	tcase_add_test(tc, rule_directions);
	tcase_add_test(tc, rule_examples_are_valid_contracts);
	tcase_add_test(tc, removed_and_added_columns);
	tcase_add_test(tc, rename_keeps_old_subject);
	tcase_add_test(tc, rename_hint_wins_over_position);
	tcase_add_test(tc, nested_and_items_paths);
	tcase_add_test(tc, key_messages);
	tcase_add_test(tc, tables_matched_by_name);
	tcase_add_test(tc, not_a_table_contract);
	tcase_add_test(tc, odd_shapes_do_not_crash);
	tcase_add_test(tc, deep_nesting_is_bounded);
	tcase_add_test(tc, large_contracts_diff_exactly);
	tcase_add_test(tc, fixtures_are_valid_contracts);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(compat_table_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
