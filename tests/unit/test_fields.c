/*
 * test_fields: the field names extracted from contracts for search, per format: what counts as
 * a name, what never does (example payloads, schema keywords), uniqueness, and hostile input
 * (deep nesting, wrong types) that must not crash.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "validators/error.h"
#include "validators/fields.h"

static json_t *parse(const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &e);

	ck_assert_msg(v != NULL, "%s: %s", text, e.text);
	return v;
}

/* The names of fmt's contract text, joined with ','. */
static char *names_of(enum dw_format fmt, const char *text)
{
	json_t *doc = parse(text), *names = NULL, *n;
	size_t i, len = 0;
	char *out = malloc(4096);

	ck_assert_int_eq(contract_field_names(fmt, doc, &names), 0);
	ck_assert(json_is_array(names));
	out[0] = '\0';
	json_array_foreach(names, i, n)
	{
		const char *s = json_string_value(n);
		size_t sl = strlen(s);

		ck_assert_uint_lt(len + sl + 2, 4096);
		if (len)
			out[len++] = ',';
		memcpy(out + len, s, sl + 1);
		len += sl;
	}
	json_decref(names);
	json_decref(doc);
	return out;
}

#define ASSERT_NAMES(fmt, text, want)                                                              \
	do {                                                                                       \
		char *got_ = names_of(fmt, text);                                                  \
		ck_assert_str_eq(got_, want);                                                      \
		free(got_);                                                                        \
	} while (0)

START_TEST(openapi_properties_and_parameters)
{
	ASSERT_NAMES(DW_FMT_OPENAPI,
	             "{\"openapi\":\"3.1.0\",\"paths\":{\"/users/{id}\":{\"parameters\":[{\"name\":"
	             "\"id\",\"in\":\"path\"}],\"get\":{\"parameters\":[{\"name\":\"expand\","
	             "\"in\":\"query\"}],\"responses\":{\"200\":{\"content\":{\"application/json\":"
	             "{\"schema\":{\"type\":\"object\",\"properties\":{\"email\":{\"type\":"
	             "\"string\"},\"address\":{\"properties\":{\"city\":{}}}},\"example\":{"
	             "\"properties\":{\"leak\":1}}}}}}}}}},\"components\":{\"schemas\":{\"User\":{"
	             "\"properties\":{\"email\":{},\"loyaltyTier\":{}}}},\"parameters\":{\"Limit\":"
	             "{\"name\":\"limit\",\"in\":\"query\"}}}}",
	             "id,expand,email,address,city,loyaltyTier,limit");
}
END_TEST

START_TEST(jsonschema_nested_and_keywords)
{
	/* A property literally named "properties" is a name, and its schema is walked as one. */
	ASSERT_NAMES(DW_FMT_JSONSCHEMA,
	             "{\"type\":\"object\",\"properties\":{\"properties\":{\"type\":\"object\","
	             "\"properties\":{\"colour\":{}}},\"tags\":{\"items\":{\"properties\":{"
	             "\"label\":{}}}}},\"$defs\":{\"X\":{\"properties\":{\"zip\":{}}}},"
	             "\"default\":{\"properties\":{\"nope\":{}}},\"enum\":[{\"properties\":"
	             "{\"nope2\":{}}}]}",
	             "properties,colour,tags,label,zip");
	/* "parameters" means nothing in JSON Schema. */
	ASSERT_NAMES(DW_FMT_JSONSCHEMA, "{\"parameters\":[{\"name\":\"p\"}]}", "");
}
END_TEST

START_TEST(avro_records)
{
	ASSERT_NAMES(DW_FMT_AVRO,
	             "{\"type\":\"record\",\"name\":\"Profile\",\"fields\":[{\"name\":\"id\","
	             "\"type\":\"string\"},{\"name\":\"address\",\"type\":[\"null\",{\"type\":"
	             "\"record\",\"name\":\"Address\",\"fields\":[{\"name\":\"city\",\"type\":"
	             "\"string\"},{\"name\":\"id\",\"type\":\"int\"}]}],\"default\":null}]}",
	             "id,address,city");
	/* A bare primitive schema has no fields; a union of records has theirs. */
	ASSERT_NAMES(DW_FMT_AVRO, "\"string\"", "");
	ASSERT_NAMES(DW_FMT_AVRO,
	             "[{\"type\":\"record\",\"name\":\"A\",\"fields\":[{\"name\":\"a\",\"type\":"
	             "\"int\"}]},{\"type\":\"record\",\"name\":\"B\",\"fields\":[{\"name\":\"b\","
	             "\"type\":\"int\"}]}]",
	             "a,b");
}
END_TEST

START_TEST(odcs_columns)
{
	ASSERT_NAMES(DW_FMT_ODCS,
	             "{\"apiVersion\":\"v3.0.2\",\"kind\":\"DataContract\",\"schema\":[{\"name\":"
	             "\"customer_360\",\"properties\":[{\"name\":\"as_of_date\",\"logicalType\":"
	             "\"date\"},{\"name\":\"customer_id\"},{\"logicalType\":\"string\"}]}]}",
	             "as_of_date,customer_id");
}
END_TEST

START_TEST(bad_input_is_safe)
{
	json_t *names = NULL, *deep, *cur;
	char longname[FIELDS_MAX_NAME + 2];

	/* Wrong types where names are expected are skipped. */
	ASSERT_NAMES(DW_FMT_OPENAPI,
	             "{\"parameters\":[1,\"x\",{\"name\":7},{\"name\":\"\"}],\"properties\":[]}",
	             "");
	/* Over-long names are skipped. */
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	deep = json_pack("{s:{s:{}, s:{}}}", "properties", longname, "short");
	ck_assert_int_eq(contract_field_names(DW_FMT_JSONSCHEMA, deep, &names), 0);
	ck_assert_uint_eq(json_array_size(names), 1);
	ck_assert_str_eq(json_string_value(json_array_get(names, 0)), "short");
	json_decref(names);
	json_decref(deep);
	/* Nesting far past CONTRACT_MAX_DEPTH: no crash, the shallow names are kept. */
	deep = json_pack("{s:{s:{}}}", "properties", "top");
	cur = json_object_get(json_object_get(deep, "properties"), "top");
	for (int i = 0; i < 5000; i++) {
		json_t *next = json_object();
		json_object_set_new(cur, "items", next);
		cur = next;
	}
	json_object_set_new(cur, "properties", json_pack("{s:{}}", "bottom"));
	ck_assert_int_eq(contract_field_names(DW_FMT_JSONSCHEMA, deep, &names), 0);
	ck_assert_uint_eq(json_array_size(names), 1);
	ck_assert_str_eq(json_string_value(json_array_get(names, 0)), "top");
	json_decref(names);
	json_decref(deep);
	/* Unknown format: *out is cleared (what it held is the caller's). */
	cur = json_array();
	names = cur;
	deep = json_object();
	ck_assert_int_eq(contract_field_names(DW_FMT_UNKNOWN, deep, &names), DW_INVALID);
	ck_assert_ptr_null(names);
	json_decref(cur);
	json_decref(deep);
}
END_TEST

START_TEST(names_are_capped)
{
	json_t *props = json_object(), *doc, *names = NULL;
	char name[32];

	for (int i = 0; i < FIELDS_MAX + 100; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		json_object_set_new(props, name, json_object());
	}
	doc = json_pack("{s:o}", "properties", props);
	ck_assert_int_eq(contract_field_names(DW_FMT_JSONSCHEMA, doc, &names), 0);
	ck_assert_uint_eq(json_array_size(names), FIELDS_MAX);
	json_decref(names);
	json_decref(doc);
}
END_TEST

static Suite *fields_suite(void)
{
	Suite *s = suite_create("fields");
	TCase *tc = tcase_create("names");

	tcase_add_test(tc, openapi_properties_and_parameters);
	tcase_add_test(tc, jsonschema_nested_and_keywords);
	tcase_add_test(tc, avro_records);
	tcase_add_test(tc, odcs_columns);
	tcase_add_test(tc, bad_input_is_safe);
	tcase_add_test(tc, names_are_capped);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(fields_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
