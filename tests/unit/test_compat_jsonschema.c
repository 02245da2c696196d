/*
 * test_compat_jsonschema: what the fixture cases of test_compat do not show: the pointers,
 * subjects and messages of changes, invalid input, and termination and speed on recursive,
 * deep and large schemas.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "validators/compat.h"
#include "validators/error.h"

/* JSON text written with ' for " (the texts hold no other quote). */
static json_t *parse(const char *text)
{
	json_error_t e;
	char *t = strdup(text);
	json_t *v;

	ck_assert_ptr_nonnull(t);
	for (char *p = t; *p; p++)
		if (*p == '\'')
			*p = '"';
	v = json_loads(t, JSON_DECODE_ANY, &e);
	free(t);
	ck_assert_msg(v != NULL, "bad test JSON: %s", e.text);
	return v;
}

/* Diffs two JSON texts into out (initialised here); returns the engine's result. */
static int diff(const char *old_text, const char *new_text, struct dw_changes *out)
{
	json_t *o = parse(old_text), *n = parse(new_text);
	int rc;

	dw_changes_init(out);
	rc = compat_jsonschema_diff(o, n, out);
	json_decref(o);
	json_decref(n);
	return rc;
}

/* The only change with this rule id (fails when there is none or several). */
static const struct dw_change *only(const struct dw_changes *c, const char *id)
{
	const struct dw_change *found = NULL;

	for (size_t i = 0; i < c->count; i++) {
		if (strcmp(c->items[i].rule->id, id) != 0)
			continue;
		ck_assert_msg(found == NULL, "%s reported more than once", id);
		found = &c->items[i];
	}
	ck_assert_msg(found != NULL, "%s not reported", id);
	return found;
}

static void assert_str(const char *got, const char *want)
{
	if (!want)
		ck_assert_msg(got == NULL, "expected NULL, got '%s'", got ? got : "");
	else
		ck_assert_msg(got && strcmp(got, want) == 0, "expected '%s', got '%s'", want,
			      got ? got : "(null)");
}

START_TEST(property_added_names_pointer_subject_message)
{
	struct dw_changes c;
	const struct dw_change *ch;

	ck_assert_int_eq(diff("{'type':'object','properties':{'address':{'type':'object',"
			      "'properties':{}}}}",
			      "{'type':'object','properties':{'address':{'type':'object',"
			      "'properties':{'city':{'type':'string'}}}}}",
			      &c),
			 0);
	ck_assert_uint_eq(c.count, 1);
	ch = only(&c, "jsonschema.property-added-to-open-model");
	assert_str(ch->old_pointer, NULL);
	assert_str(ch->new_pointer, "/properties/address/properties/city");
	assert_str(ch->subject, "address.city");
	assert_str(ch->message, "property 'address.city' added to an open content model");
	dw_changes_release(&c);
}
END_TEST

START_TEST(type_change_through_ref_points_at_definitions)
{
	struct dw_changes c;
	const struct dw_change *ch;

	ck_assert_int_eq(diff("{'$defs':{'Money':{'type':'number'}},'type':'object',"
			      "'properties':{'amount':{'$ref':'#/$defs/Money'}}}",
			      "{'definitions':{'M':{'type':'integer'}},'type':'object',"
			      "'properties':{'amount':{'$ref':'#/definitions/M'}}}",
			      &c),
			 0);
	ck_assert_uint_eq(c.count, 1);
	ch = only(&c, "jsonschema.type-narrowed");
	assert_str(ch->old_pointer, "/$defs/Money/type");
	assert_str(ch->new_pointer, "/definitions/M/type");
	assert_str(ch->subject, "amount");
	assert_str(ch->message, "type of 'amount' narrowed from number to integer");
	ck_assert_uint_eq(ch->rule->breaks, DW_BREAKS_BACKWARD);
	dw_changes_release(&c);
}
END_TEST

START_TEST(root_changes_have_no_subject)
{
	struct dw_changes c;
	const struct dw_change *ch;

	ck_assert_int_eq(diff("{'type':'string'}", "{'type':['string','null']}", &c), 0);
	ch = only(&c, "jsonschema.type-widened");
	assert_str(ch->subject, NULL);
	assert_str(ch->old_pointer, "/type");
	assert_str(ch->message, "type of the root schema widened from string to [string, null]");
	dw_changes_release(&c);
}
END_TEST

START_TEST(array_items_and_required_subjects)
{
	struct dw_changes c;
	const struct dw_change *ch;

	ck_assert_int_eq(diff("{'type':'object','properties':{'tags':{'type':'array',"
			      "'items':{'type':'string'}}}}",
			      "{'type':'object','required':['tags'],'properties':{'tags':"
			      "{'type':'array','items':{'type':'string','maxLength':8}}}}",
			      &c),
			 0);
	ck_assert_uint_eq(c.count, 2);
	ch = only(&c, "jsonschema.max-length-decreased");
	assert_str(ch->subject, "tags[]");
	assert_str(ch->new_pointer, "/properties/tags/items/maxLength");
	assert_str(ch->message, "maxLength of 'tags[]' set to 8");
	ch = only(&c, "jsonschema.required-added");
	assert_str(ch->subject, "tags");
	assert_str(ch->new_pointer, "/required");
	dw_changes_release(&c);
}
END_TEST

START_TEST(pattern_change_message_says_patterns_differ)
{
	struct dw_changes c;
	const struct dw_change *ch;

	ck_assert_int_eq(diff("{'properties':{'sku':{'pattern':'^[A-Z]+$'}}}",
			      "{'properties':{'sku':{'pattern':'^[A-Z0-9]+$'}}}", &c),
			 0);
	ch = only(&c, "jsonschema.pattern-changed");
	ck_assert_uint_eq(ch->rule->breaks, DW_BREAKS_BACKWARD | DW_BREAKS_FORWARD);
	ck_assert_ptr_nonnull(strstr(ch->message, "the patterns differ"));
	assert_str(ch->subject, "sku");
	dw_changes_release(&c);
}
END_TEST

START_TEST(invalid_documents_are_refused)
{
	struct dw_changes c;
	json_t *ok = parse("{'type':'string'}");
	const char *bad[] = {"[]", "'string'", "42", "null"};

	dw_changes_init(&c);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *b = parse(bad[i]);

		ck_assert_int_eq(compat_jsonschema_diff(b, ok, &c), DW_INVALID);
		ck_assert_int_eq(compat_jsonschema_diff(ok, b, &c), DW_INVALID);
		json_decref(b);
	}
	ck_assert_int_eq(compat_jsonschema_diff(NULL, ok, &c), DW_INVALID);
	ck_assert_uint_eq(c.count, 0);
	json_decref(ok);
	dw_changes_release(&c);
}
END_TEST

START_TEST(odd_keyword_values_do_not_crash)
{
	struct dw_changes c;

	/* wrong types everywhere: treated as absent or as accepting everything */
	ck_assert_int_eq(diff("{'type':5,'properties':[],'required':'id','enum':{},"
			      "'items':7,'anyOf':{},'minimum':'1','$ref':3,'not':[]}",
			      "{'type':[1,'nope'],'properties':{'a':7},'required':[1],"
			      "'allOf':[3],'prefixItems':{},'$ref':'#/nowhere','if':1,"
			      "'then':2,'dependencies':{'a':5}}",
			      &c),
			 0);
	dw_changes_release(&c);
}
END_TEST

START_TEST(mutual_ref_cycles_terminate)
{
	struct dw_changes c;
	const struct dw_change *ch;

	ck_assert_int_eq(diff("{'$defs':{'a':{'type':'object','properties':{'b':{'$ref':"
			      "'#/$defs/b'}}},'b':{'type':'object','properties':{'a':{"
			      "'$ref':'#/$defs/a'},'n':{'type':'string'}}},'x':{'$ref':"
			      "'#/$defs/y'},'y':{'$ref':'#/$defs/x'}},'$ref':'#/$defs/a'}",
			      "{'$defs':{'a':{'type':'object','properties':{'b':{'$ref':"
			      "'#/$defs/b'}}},'b':{'type':'object','properties':{'a':{"
			      "'$ref':'#/$defs/a'},'n':{'type':'integer'}}},'x':{'$ref':"
			      "'#/$defs/y'},'y':{'$ref':'#/$defs/x'}},'$ref':'#/$defs/x'}",
			      &c),
			 0);
	/* old root is the object a; new root is a loop of pure $refs (accepts anything) */
	ch = only(&c, "jsonschema.type-widened");
	assert_str(ch->subject, NULL);
	dw_changes_release(&c);

	ck_assert_int_eq(diff("{'$ref':'#'}", "{'$ref':'#','title':'t'}", &c), 0);
	dw_changes_release(&c);
}
END_TEST

/* {"properties":{"p":{"properties":{"p": ... leaf ... }}}} nested depth times. */
static json_t *nested(int depth, const char *leaf_type)
{
	json_t *s = json_pack("{ss}", "type", leaf_type);

	for (int i = 0; i < depth; i++)
		s = json_pack("{s{so}}", "properties", "p", s);
	ck_assert_ptr_nonnull(s);
	return s;
}

START_TEST(deep_nesting_is_bounded)
{
	struct dw_changes c;
	json_t *o = nested(200, "string"), *n = nested(200, "integer");
	json_t *deep_o = nested(5000, "string"), *deep_n = nested(5000, "integer");

	dw_changes_init(&c);
	ck_assert_int_eq(compat_jsonschema_diff(o, n, &c), 0);
	ck_assert_uint_eq(c.count, 1);
	ck_assert_str_eq(c.items[0].rule->id, "jsonschema.type-changed");
	ck_assert_uint_eq(strlen(c.items[0].subject), 200 * 2 - 1);
	dw_changes_release(&c);
	/* far deeper than contracts may be: the walk stops, nothing crashes */
	dw_changes_init(&c);
	ck_assert_int_eq(compat_jsonschema_diff(deep_o, deep_n, &c), 0);
	dw_changes_release(&c);
	json_decref(o);
	json_decref(n);
	json_decref(deep_o);
	json_decref(deep_n);
}
END_TEST

START_TEST(exponential_ref_fan_out_is_bounded)
{
	struct dw_changes c;
	json_t *docs[2];

	/* d0 -> {x: d1, y: d1} -> ... -> d40: 2^40 paths to the changed leaf */
	for (int side = 0; side < 2; side++) {
		json_t *defs = json_object();
		char name[32], ref[48];

		for (int i = 0; i < 40; i++) {
			snprintf(name, sizeof(name), "d%d", i);
			snprintf(ref, sizeof(ref), "#/$defs/d%d", i + 1);
			json_object_set_new(defs, name,
					    json_pack("{s{s{ss}s{ss}}}", "properties", "x", "$ref",
						      ref, "y", "$ref", ref));
		}
		json_object_set_new(defs, "d40", json_pack("{ss}", "type",
							   side ? "integer" : "string"));
		docs[side] = json_pack("{soss}", "$defs", defs, "$ref", "#/$defs/d0");
		ck_assert_ptr_nonnull(docs[side]);
	}
	dw_changes_init(&c);
	ck_assert_int_eq(compat_jsonschema_diff(docs[0], docs[1], &c), 0);
	ck_assert_uint_gt(c.count, 0);
	ck_assert_uint_lt(c.count, 100000);
	dw_changes_release(&c);
	json_decref(docs[0]);
	json_decref(docs[1]);
}
END_TEST

START_TEST(large_schema_diffs_exactly)
{
	struct dw_changes c;
	json_t *o = json_object(), *n, *leaf, *props = json_object();
	char name[32];

	/* 20,000 properties, each an object with three fields */
	for (int i = 0; i < 20000; i++) {
		snprintf(name, sizeof(name), "field%d", i);
		json_object_set_new(props, name,
				    json_pack("{ss s{s{ss}s{ss si}s{ss}} s[s]}", "type", "object",
					      "properties", "id", "type", "string", "n", "type",
					      "integer", "minimum", 0, "when", "type", "string",
					      "required", "id"));
	}
	json_object_set_new(o, "type", json_string("object"));
	json_object_set_new(o, "properties", props);
	n = json_deep_copy(o);
	leaf = json_object_get(json_object_get(n, "properties"), "field777");
	leaf = json_object_get(json_object_get(leaf, "properties"), "n");
	json_object_set_new(leaf, "minimum", json_integer(1));
	dw_changes_init(&c);
	ck_assert_int_eq(compat_jsonschema_diff(o, n, &c), 0);
	ck_assert_uint_eq(c.count, 1);
	assert_str(c.items[0].subject, "field777.n");
	assert_str(c.items[0].message, "minimum of 'field777.n' raised from 0 to 1");
	dw_changes_release(&c);
	json_decref(o);
	json_decref(n);
}
END_TEST

START_TEST(rule_table_is_well_formed)
{
	for (size_t i = 0; i < compat_jsonschema_rule_count; i++) {
		const struct dw_rule *r = &compat_jsonschema_rules[i];

		ck_assert_int_eq(strncmp(r->id, "jsonschema.", 11), 0);
		ck_assert_int_eq(r->format, DW_FMT_JSONSCHEMA);
		ck_assert_uint_eq(r->breaks & ~(DW_BREAKS_BACKWARD | DW_BREAKS_FORWARD), 0);
		ck_assert_ptr_eq(compat_rule_find(r->id), r);
		for (size_t j = 0; j < i; j++)
			ck_assert_str_ne(r->id, compat_jsonschema_rules[j].id);
	}
}
END_TEST

static Suite *compat_jsonschema_suite(void)
{
	Suite *s = suite_create("compat_jsonschema");
	TCase *t = tcase_create("changes");
	TCase *r = tcase_create("robustness");

	tcase_add_test(t, property_added_names_pointer_subject_message);
	tcase_add_test(t, type_change_through_ref_points_at_definitions);
	tcase_add_test(t, root_changes_have_no_subject);
	tcase_add_test(t, array_items_and_required_subjects);
	tcase_add_test(t, pattern_change_message_says_patterns_differ);
	tcase_add_test(t, rule_table_is_well_formed);
	suite_add_tcase(s, t);
	tcase_set_timeout(r, 60);
	tcase_add_test(r, invalid_documents_are_refused);
	tcase_add_test(r, odd_keyword_values_do_not_crash);
	tcase_add_test(r, mutual_ref_cycles_terminate);
	tcase_add_test(r, deep_nesting_is_bounded);
	tcase_add_test(r, exponential_ref_fan_out_is_bounded);
	tcase_add_test(r, large_schema_diffs_exactly);
	suite_add_tcase(s, r);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(compat_jsonschema_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
