/*
 * test_compat_avro: internals of the Avro compatibility engine the data-driven cases do not
 * see: subjects, pointers and messages of changes, the rule table's masks, input the engine
 * must refuse without adding anything, recursion, deep nesting and large schemas.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "validators/compat.h"
#include "validators/error.h"

static json_t *parse(const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &e);

	ck_assert_msg(v != NULL, "%s: %s", text, e.text);
	return v;
}

/* Diffs two schema texts into c (initialised here); returns the engine's result. */
static int diff_texts(const char *old_text, const char *new_text, struct dw_changes *c)
{
	json_t *o = parse(old_text), *n = parse(new_text);
	int rc;

	dw_changes_init(c);
	rc = compat_avro_diff(o, n, c);
	json_decref(o);
	json_decref(n);
	return rc;
}

/* The only change of old -> new, which must have the rule id. */
static const struct dw_change *only_change(struct dw_changes *c, const char *old_text,
                                           const char *new_text, const char *id)
{
	ck_assert_int_eq(diff_texts(old_text, new_text, c), 0);
	ck_assert_msg(c->count == 1, "expected one change, got %zu", c->count);
	ck_assert_str_eq(c->items[0].rule->id, id);
	return &c->items[0];
}

static void assert_str_or_null(const char *got, const char *want)
{
	if (!want)
		ck_assert_msg(got == NULL, "expected NULL, got '%s'", got ? got : "");
	else
		ck_assert_str_eq(got, want);
}

#define CUSTOMER(fields)                                                                           \
	"{\"type\":\"record\",\"name\":\"Customer\",\"namespace\":\"com.example\",\"fields\":"     \
	"[" fields "]}"

START_TEST(nested_field_subject_and_pointers)
{
	struct dw_changes c;
	const struct dw_change *x = only_change(
	    &c,
	    CUSTOMER("{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"address\",\"type\":{\"type\":"
	             "\"record\",\"name\":\"Address\",\"fields\":[{\"name\":\"city\",\"type\":"
	             "\"string\"},{\"name\":\"zip\",\"type\":\"string\"}]}}"),
	    CUSTOMER("{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"address\",\"type\":{\"type\":"
	             "\"record\",\"name\":\"Address\",\"fields\":[{\"name\":\"city\",\"type\":"
	             "\"string\"}]}}"),
	    "avro.field-removed-without-default");

	assert_str_or_null(x->subject, "address.zip");
	assert_str_or_null(x->old_pointer, "/fields/1/type/fields/1");
	assert_str_or_null(x->new_pointer, NULL);
	ck_assert_str_eq(x->message, "field 'address.zip' removed without a default");
	dw_changes_release(&c);
}
END_TEST

START_TEST(added_field_points_into_new_only)
{
	struct dw_changes c;
	const struct dw_change *x =
	    only_change(&c, CUSTOMER("{\"name\":\"id\",\"type\":\"long\"}"),
	                CUSTOMER("{\"name\":\"email\",\"type\":\"string\"},{\"name\":\"id\","
	                         "\"type\":\"long\"}"),
	                "avro.field-added-without-default");

	assert_str_or_null(x->old_pointer, NULL);
	assert_str_or_null(x->new_pointer, "/fields/0");
	assert_str_or_null(x->subject, "email");
	ck_assert_str_eq(x->message, "field 'email' added without a default");
	dw_changes_release(&c);
}
END_TEST

START_TEST(narrowing_message_names_both_types)
{
	struct dw_changes c;
	const struct dw_change *x =
	    only_change(&c, CUSTOMER("{\"name\":\"amount\",\"type\":\"long\"}"),
	                CUSTOMER("{\"name\":\"amount\",\"type\":\"int\"}"), "avro.type-narrowed");

	ck_assert_str_eq(x->message, "type of 'amount' narrowed from long to int");
	assert_str_or_null(x->old_pointer, "/fields/0/type");
	assert_str_or_null(x->new_pointer, "/fields/0/type");
	dw_changes_release(&c);
}
END_TEST

START_TEST(root_change_has_no_subject)
{
	struct dw_changes c;
	const struct dw_change *x = only_change(&c, "\"int\"", "\"boolean\"", "avro.type-changed");

	assert_str_or_null(x->subject, NULL);
	assert_str_or_null(x->old_pointer, "");
	ck_assert_str_eq(x->message, "type of the schema changed from int to boolean");
	dw_changes_release(&c);
}
END_TEST

START_TEST(union_branch_pointer_and_subject)
{
	struct dw_changes c;
	const struct dw_change *x =
	    only_change(&c, CUSTOMER("{\"name\":\"contact\",\"type\":[\"null\",\"string\"]}"),
	                CUSTOMER("{\"name\":\"contact\",\"type\":[\"null\",\"string\",\"int\"]}"),
	                "avro.union-branch-added");

	assert_str_or_null(x->old_pointer, NULL);
	assert_str_or_null(x->new_pointer, "/fields/0/type/2");
	assert_str_or_null(x->subject, "contact");
	ck_assert_msg(strstr(x->message, "'int'") != NULL, "%s", x->message);
	dw_changes_release(&c);
}
END_TEST

START_TEST(array_items_keep_the_field_subject)
{
	struct dw_changes c;
	const struct dw_change *x = only_change(
	    &c,
	    CUSTOMER(
	        "{\"name\":\"lines\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\","
	        "\"name\":\"Line\",\"fields\":[{\"name\":\"qty\",\"type\":\"int\"}]}}}"),
	    CUSTOMER(
	        "{\"name\":\"lines\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\","
	        "\"name\":\"Line\",\"fields\":[{\"name\":\"qty\",\"type\":\"long\"}]}}}"),
	    "avro.type-promoted");

	assert_str_or_null(x->subject, "lines.qty");
	assert_str_or_null(x->new_pointer, "/fields/0/type/items/fields/0/type");
	dw_changes_release(&c);
}
END_TEST

START_TEST(identical_schemas_have_no_changes)
{
	const char *s =
	    CUSTOMER("{\"name\":\"id\",\"type\":\"long\",\"doc\":\"key\"},"
	             "{\"name\":\"status\",\"type\":{\"type\":\"enum\",\"name\":\"Status\","
	             "\"symbols\":[\"A\","
	             "\"B\"],\"default\":\"A\"}},"
	             "{\"name\":\"tags\",\"type\":{\"type\":\"map\",\"values\":{\"type\":\"array\","
	             "\"items\":"
	             "\"string\"}}},"
	             "{\"name\":\"hash\",\"type\":[\"null\",{\"type\":\"fixed\",\"name\":\"Hash\","
	             "\"size\":16}],"
	             "\"default\":null},"
	             "{\"name\":\"price\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\","
	             "\"precision\":9,\"scale\":2}},"
	             "{\"name\":\"previous\",\"type\":[\"null\",\"Customer\"],\"default\":null}");
	struct dw_changes c;

	ck_assert_int_eq(diff_texts(s, s, &c), 0);
	ck_assert_uint_eq(c.count, 0);
	dw_changes_release(&c);
}
END_TEST

START_TEST(masks_are_the_verdicts)
{
	static const struct {
		const char *id;
		unsigned breaks;
	} want[] = {
	    {"avro.type-promoted", DW_BREAKS_FORWARD},
	    {"avro.type-narrowed", DW_BREAKS_BACKWARD},
	    {"avro.type-changed", DW_BREAKS_BACKWARD | DW_BREAKS_FORWARD},
	    {"avro.string-bytes-swapped", 0},
	    {"avro.field-added-with-default", 0},
	    {"avro.field-added-without-default", DW_BREAKS_BACKWARD},
	    {"avro.field-removed-with-default", 0},
	    {"avro.field-removed-without-default", DW_BREAKS_FORWARD},
	    {"avro.enum-symbol-added", DW_BREAKS_FORWARD},
	    {"avro.enum-symbol-removed", DW_BREAKS_BACKWARD},
	    {"avro.union-branch-added", DW_BREAKS_FORWARD},
	    {"avro.union-branch-removed", DW_BREAKS_BACKWARD},
	    {"avro.name-changed-with-alias", DW_BREAKS_FORWARD},
	    /* logical types: resolution uses the underlying type (the Avro specification, and
	     * Confluent Schema Registry), so these warn and break no mode */
	    {"avro.decimal-scale-changed", 0},
	    {"avro.decimal-precision-increased", 0},
	    {"avro.decimal-precision-decreased", 0},
	    {"avro.logical-type-changed", 0},
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct dw_rule *r = compat_rule_find(want[i].id);

		ck_assert_msg(r != NULL, "%s missing", want[i].id);
		ck_assert_msg(r->breaks == want[i].breaks, "%s breaks %u", want[i].id, r->breaks);
	}
	for (size_t i = 0; i < compat_avro_rule_count; i++) {
		const struct dw_rule *r = &compat_avro_rules[i];

		ck_assert_msg(r->id && strncmp(r->id, "avro.", 5) == 0, "rule %zu has no id", i);
		ck_assert_int_eq(r->format, DW_FMT_AVRO);
		ck_assert(r->quiet == DW_CHANGE_WARNING || r->quiet == DW_CHANGE_INFO);
		ck_assert(r->summary && r->example_old && r->example_new);
	}
}
END_TEST

START_TEST(unreadable_schemas_add_nothing)
{
	static const char *const bad[] = {
	    "42",
	    "{\"name\":\"X\"}",
	    "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"type\":\"int\"}]}",
	    "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"Nope\"}]}",
	    "{\"type\":\"record\",\"name\":\"R\",\"fields\":{\"name\":\"a\"}}",
	    "{\"type\":\"array\"}",
	    "[\"null\",[\"int\",\"long\"]]",
	    "{\"type\":\"record\",\"fields\":[]}",
	    "\"Undefined\"",
	};
	const char *good = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\","
	                   "\"type\":\"int\"}]}";

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *b = parse(bad[i]), *g = parse(good);
		struct dw_changes c;

		dw_changes_init(&c);
		ck_assert_ptr_nonnull(
		    dw_changes_add(&c, &compat_avro_rules[0], NULL, NULL, NULL, "kept"));
		ck_assert_msg(compat_avro_diff(g, b, &c) == DW_INVALID, "new %s", bad[i]);
		ck_assert_msg(compat_avro_diff(b, g, &c) == DW_INVALID, "old %s", bad[i]);
		ck_assert_uint_eq(c.count, 1);
		ck_assert_str_eq(c.items[0].message, "kept");
		dw_changes_release(&c);
		json_decref(b);
		json_decref(g);
	}
}
END_TEST

/* Avro spec, "Schema Resolution": the reader's aliases are checked against the writer's full
 * name; an alias without a dot is in the reader type's namespace. */
START_TEST(alias_direction_decides_the_mask)
{
	struct dw_changes c;
	const struct dw_change *x = only_change(
	    &c, "{\"type\":\"enum\",\"name\":\"a.Old\",\"symbols\":[\"X\"]}",
	    "{\"type\":\"enum\",\"name\":\"b.New\",\"aliases\":[\"a.Old\"],\"symbols\":[\"X\"]}",
	    "avro.name-changed-with-alias");

	ck_assert_uint_eq(x->rule->breaks, DW_BREAKS_FORWARD);
	dw_changes_release(&c);
	x = only_change(
	    &c, "{\"type\":\"enum\",\"name\":\"a.Old\",\"symbols\":[\"X\"]}",
	    "{\"type\":\"enum\",\"name\":\"b.New\",\"aliases\":[\"Old\"],\"symbols\":[\"X\"]}",
	    "avro.name-changed");
	dw_changes_release(&c);
}
END_TEST

START_TEST(recursive_types_terminate)
{
	/* A and B refer to each other and to themselves through unions, arrays and maps. */
#define MUTUAL(extra)                                                                              \
	"{\"type\":\"record\",\"name\":\"A\",\"fields\":["                                         \
	"{\"name\":\"self\",\"type\":[\"null\",\"A\"]},"                                           \
	"{\"name\":\"b\",\"type\":{\"type\":\"record\",\"name\":\"B\",\"fields\":["                \
	"{\"name\":\"a\",\"type\":{\"type\":\"array\",\"items\":\"A\"}},"                          \
	"{\"name\":\"m\",\"type\":{\"type\":\"map\",\"values\":[\"null\",\"B\"]}}" extra "]}}]}"
	const char *old_text = MUTUAL(""), *new_text = MUTUAL(",{\"name\":\"n\",\"type\":\"int\","
	                                                      "\"default\":0}");
#undef MUTUAL
	struct dw_changes c;

	ck_assert_int_eq(diff_texts(old_text, old_text, &c), 0);
	ck_assert_uint_eq(c.count, 0);
	dw_changes_release(&c);
	only_change(&c, old_text, new_text, "avro.field-added-with-default");
	ck_assert_str_eq(c.items[0].subject, "b.n");
	dw_changes_release(&c);
}
END_TEST

/* Arrays nested depth deep around an int. */
static char *nested_arrays(int depth, const char *leaf)
{
	size_t cap = (size_t)depth * 32 + 64, len = 0;
	char *s = malloc(cap);

	ck_assert_ptr_nonnull(s);
	for (int i = 0; i < depth; i++)
		len += (size_t)snprintf(s + len, cap - len, "{\"type\":\"array\",\"items\":");
	len += (size_t)snprintf(s + len, cap - len, "\"%s\"", leaf);
	for (int i = 0; i < depth; i++)
		len += (size_t)snprintf(s + len, cap - len, "}");
	return s;
}

START_TEST(deep_nesting_is_bounded)
{
	char *o = nested_arrays(120, "int"), *n = nested_arrays(120, "long");
	char *deep_o = nested_arrays(5000, "int"), *deep_n = nested_arrays(5000, "long");
	struct dw_changes c;
	json_error_t e;
	json_t *a, *b;

	ck_assert_int_eq(diff_texts(o, n, &c), 0);
	ck_assert_uint_eq(c.count, 1);
	ck_assert_str_eq(c.items[0].rule->id, "avro.type-promoted");
	dw_changes_release(&c);
	/* deeper than any valid contract: refused, not overflowed */
	a = json_loads(deep_o, JSON_DECODE_ANY, &e);
	b = json_loads(deep_n, JSON_DECODE_ANY, &e);
	if (a && b) {
		dw_changes_init(&c);
		ck_assert_int_eq(compat_avro_diff(a, b, &c), DW_INVALID);
		ck_assert_uint_eq(c.count, 0);
		dw_changes_release(&c);
	}
	json_decref(a);
	json_decref(b);
	free(o);
	free(n);
	free(deep_o);
	free(deep_n);
}
END_TEST

START_TEST(large_schema)
{
	json_t *o = json_pack("{s:s, s:s, s:[]}", "type", "record", "name", "Big", "fields");
	json_t *n, *fields;
	struct dw_changes c;

	ck_assert_ptr_nonnull(o);
	fields = json_object_get(o, "fields");
	for (int i = 0; i < 5000; i++) {
		char name[32];

		snprintf(name, sizeof(name), "f%d", i);
		json_array_append_new(fields, json_pack("{s:s, s:{s:s, s:s, s:[s, s]}}", "name",
		                                        name, "type", "type", "enum", "name", name,
		                                        "symbols", "A", "B"));
	}
	n = json_deep_copy(o);
	json_array_remove(json_object_get(n, "fields"), 4999);
	dw_changes_init(&c);
	ck_assert_int_eq(compat_avro_diff(o, n, &c), 0);
	ck_assert_uint_eq(c.count, 1);
	ck_assert_str_eq(c.items[0].rule->id, "avro.field-removed-without-default");
	ck_assert_str_eq(c.items[0].subject, "f4999");
	dw_changes_release(&c);
	json_decref(o);
	json_decref(n);
}
END_TEST

START_TEST(verdicts_through_compat_check)
{
	json_t *v1 = parse(CUSTOMER("{\"name\":\"id\",\"type\":\"int\"}"));
	json_t *v2 = parse(CUSTOMER("{\"name\":\"id\",\"type\":\"long\"}"));
	const json_t *earlier[] = {v1};
	struct dw_changes c;
	int ok = -1;

	dw_changes_init(&c);
	ck_assert_int_eq(compat_check(DW_FMT_AVRO, DW_MODE_BACKWARD, v2, earlier, NULL, 1, &ok, &c),
	                 0);
	ck_assert_int_eq(ok, 1);
	dw_changes_release(&c);
	dw_changes_init(&c);
	ck_assert_int_eq(compat_check(DW_FMT_AVRO, DW_MODE_FORWARD, v2, earlier, NULL, 1, &ok, &c),
	                 0);
	ck_assert_int_eq(ok, 0);
	ck_assert_int_eq(compat_change_severity(&c.items[0], DW_MODE_BACKWARD), DW_CHANGE_WARNING);
	ck_assert_int_eq(compat_change_severity(&c.items[0], DW_MODE_FORWARD), DW_CHANGE_BREAKING);
	dw_changes_release(&c);
	json_decref(v1);
	json_decref(v2);
}
END_TEST

static Suite *compat_avro_suite(void)
{
	Suite *s = suite_create("compat_avro");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, nested_field_subject_and_pointers);
	tcase_add_test(tc, added_field_points_into_new_only);
	tcase_add_test(tc, narrowing_message_names_both_types);
	tcase_add_test(tc, root_change_has_no_subject);
	tcase_add_test(tc, union_branch_pointer_and_subject);
	tcase_add_test(tc, array_items_keep_the_field_subject);
	tcase_add_test(tc, identical_schemas_have_no_changes);
	tcase_add_test(tc, masks_are_the_verdicts);
	tcase_add_test(tc, unreadable_schemas_add_nothing);
	tcase_add_test(tc, alias_direction_decides_the_mask);
	tcase_add_test(tc, recursive_types_terminate);
	tcase_add_test(tc, deep_nesting_is_bounded);
	tcase_add_test(tc, large_schema);
	tcase_add_test(tc, verdicts_through_compat_check);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(compat_avro_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
