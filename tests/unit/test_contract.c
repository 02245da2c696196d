/*
 * test_contract: the structural checks of every contract format, driven by the fixtures under
 * tests/fixtures/contracts/: each valid-*.json must give no finding, each invalid-*.json and
 * warn-*.json must give exactly the findings listed, in order, in the .expected file beside it
 * ("error|warning POINTER: MESSAGE" per line).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validators/contract.h"
#include "validators/error.h"

struct fixture {
	enum dw_format fmt;
	const char *file; /* under tests/fixtures/contracts/ */
	int rc;           /* what contract_validate must return */
};

static const struct fixture fixtures[] = {
    {DW_FMT_OPENAPI, "openapi/valid-petstore-30.json", 0},
    {DW_FMT_OPENAPI, "openapi/valid-customer-profile-31.json", 0},
    {DW_FMT_OPENAPI, "openapi/valid-webhooks-31.json", 0},
    {DW_FMT_OPENAPI, "openapi/invalid-operations.json", DW_INVALID},
    {DW_FMT_OPENAPI, "openapi/invalid-root.json", DW_INVALID},
    {DW_FMT_OPENAPI, "openapi/invalid-swagger.json", DW_INVALID},
    {DW_FMT_OPENAPI, "openapi/invalid-version.json", DW_INVALID},
    {DW_FMT_OPENAPI, "openapi/invalid-31-empty.json", DW_INVALID},
    {DW_FMT_AVRO, "avro/valid-customer-profile.json", 0},
    {DW_FMT_AVRO, "avro/valid-primitive.json", 0},
    {DW_FMT_AVRO, "avro/valid-union.json", 0},
    {DW_FMT_AVRO, "avro/invalid-record.json", DW_INVALID},
    {DW_FMT_AVRO, "avro/invalid-namespaces.json", DW_INVALID},
    {DW_FMT_AVRO, "avro/warn-logical.json", 0},
    {DW_FMT_ODCS, "odcs/valid-customer-snapshot.json", 0},
    {DW_FMT_ODCS, "odcs/valid-minimal.json", 0},
    {DW_FMT_ODCS, "odcs/invalid-contract.json", DW_INVALID},
    {DW_FMT_ODCS, "odcs/invalid-shape.json", DW_INVALID},
};

static char *fixture_path(const char *file, const char *ext)
{
	const char *root = getenv("DRIVEWAY_ROOT");
	size_t n = (root ? strlen(root) : 1) + strlen(file) + 64;
	char *p = malloc(n);

	ck_assert_ptr_nonnull(p);
	snprintf(p, n, "%s/tests/fixtures/contracts/%.*s%s", root ? root : ".",
	         (int)(strlen(file) - (ext ? 5 : 0)), file, ext ? ext : "");
	return p;
}

static json_t *load_fixture(const char *file)
{
	char *path = fixture_path(file, NULL);
	json_error_t e;
	json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &e);

	ck_assert_msg(j != NULL, "%s: %s", path, e.text);
	free(path);
	return j;
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

/* Every finding as "error|warning POINTER: MESSAGE\n". */
static char *render(const struct dw_findings *f)
{
	size_t n = 1;
	char *s, *p;

	for (size_t i = 0; i < f->count; i++)
		n += strlen(f->items[i].pointer) + strlen(f->items[i].message) + 16;
	s = p = malloc(n);
	ck_assert_ptr_nonnull(s);
	*s = '\0';
	for (size_t i = 0; i < f->count; i++)
		p += snprintf(p, n - (size_t)(p - s), "%s %s: %s\n",
		              f->items[i].severity == DW_SEV_ERROR ? "error" : "warning",
		              f->items[i].pointer, f->items[i].message);
	return s;
}

START_TEST(fixture_findings)
{
	const struct fixture *fx = &fixtures[_i];
	json_t *doc = load_fixture(fx->file);
	struct dw_findings f;
	char *got, *want = NULL;
	int rc;

	dw_findings_init(&f);
	rc = contract_validate(fx->fmt, doc, "", &f);
	got = render(&f);
	if (!strncmp(strrchr(fx->file, '/') + 1, "valid-", 6)) {
		ck_assert_msg(f.count == 0, "%s: unexpected findings:\n%s", fx->file, got);
	} else {
		char *path = fixture_path(fx->file, ".expected");
		want = read_text(path);
		free(path);
		ck_assert_msg(!strcmp(got, want), "%s: findings differ\n--- got\n%s--- want\n%s",
		              fx->file, got, want);
	}
	ck_assert_int_eq(rc, fx->rc);
	free(got);
	free(want);
	dw_findings_release(&f);
	json_decref(doc);
}
END_TEST

/* Pointers of findings are the base pointer followed by the pointer inside the contract. */
START_TEST(base_pointer_prefixes_findings)
{
	json_t *doc =
	    json_loads("{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"t\",\"version\":\"1\"},"
	               "\"paths\":{\"/users\":{\"get\":{}}}}",
	               0, NULL);
	struct dw_findings f;

	dw_findings_init(&f);
	ck_assert_int_eq(contract_validate(DW_FMT_OPENAPI, doc, "/contract", &f), DW_INVALID);
	ck_assert_uint_eq(f.count, 1);
	ck_assert_str_eq(f.items[0].pointer, "/contract/paths/~1users/get/responses");
	ck_assert_str_eq(f.items[0].message, "operation has no responses");
	dw_findings_release(&f);
	json_decref(doc);
}
END_TEST

START_TEST(format_table)
{
	ck_assert_int_eq(contract_format_parse("openapi"), DW_FMT_OPENAPI);
	ck_assert_int_eq(contract_format_parse("avro"), DW_FMT_AVRO);
	ck_assert_int_eq(contract_format_parse("jsonschema"), DW_FMT_JSONSCHEMA);
	ck_assert_int_eq(contract_format_parse("odcs"), DW_FMT_ODCS);
	ck_assert_int_eq(contract_format_parse("OpenAPI"), DW_FMT_UNKNOWN);
	ck_assert_int_eq(contract_format_parse("protobuf"), DW_FMT_PROTOBUF);
	ck_assert_int_eq(contract_format_parse("thrift"), DW_FMT_UNKNOWN);
	ck_assert_int_eq(contract_format_parse(NULL), DW_FMT_UNKNOWN);
	ck_assert_str_eq(contract_format_name(DW_FMT_AVRO), "avro");
	ck_assert_ptr_null(contract_format_name(DW_FMT_UNKNOWN));
	ck_assert_str_eq(contract_media_type(DW_FMT_OPENAPI), "application/vnd.oai.openapi+json");
	ck_assert_str_eq(contract_media_type(DW_FMT_AVRO), "application/vnd.apache.avro+json");
	ck_assert_str_eq(contract_media_type(DW_FMT_JSONSCHEMA), "application/schema+json");
	ck_assert_str_eq(contract_media_type(DW_FMT_ODCS), "application/json");
	ck_assert_ptr_null(contract_media_type(DW_FMT_UNKNOWN));
}
END_TEST

START_TEST(unknown_format_is_invalid)
{
	json_t *doc = json_object();
	struct dw_findings f;

	dw_findings_init(&f);
	ck_assert_int_eq(contract_validate(DW_FMT_UNKNOWN, doc, "/format", &f), DW_INVALID);
	ck_assert_uint_eq(f.count, 1);
	ck_assert_str_eq(f.items[0].pointer, "/format");
	ck_assert_str_eq(f.items[0].message, "unknown contract format");
	dw_findings_release(&f);
	json_decref(doc);
}
END_TEST

START_TEST(jsonschema_dispatch)
{
	json_t *good =
	    json_loads("{\"$schema\":\"http://json-schema.org/draft-07/schema#\","
	               "\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}},"
	               "\"required\":[\"id\"]}",
	               0, NULL);
	json_t *bad = json_loads("{\"type\":\"object\",\"required\":\"id\"}", 0, NULL);
	struct dw_findings f;

	dw_findings_init(&f);
	ck_assert_int_eq(contract_validate(DW_FMT_JSONSCHEMA, good, "", &f), 0);
	ck_assert_uint_eq(f.count, 0);
	ck_assert_int_eq(contract_validate(DW_FMT_JSONSCHEMA, bad, "/contract", &f), DW_INVALID);
	ck_assert_uint_ge(f.count, 1);
	ck_assert_str_eq(f.items[0].pointer, "/contract/required");
	dw_findings_release(&f);
	json_decref(good);
	json_decref(bad);
}
END_TEST

/* depth nested arrays around a scalar */
static json_t *nested_arrays(int depth)
{
	json_t *v = json_string("null");

	for (int i = 0; i < depth; i++) {
		json_t *a = json_array();
		json_array_append_new(a, v);
		v = a;
	}
	return v;
}

START_TEST(deep_contract_refused)
{
	json_t *deep = nested_arrays(2000);
	struct dw_findings f;

	for (int fmt = DW_FMT_OPENAPI; fmt <= DW_FMT_ODCS; fmt++) {
		dw_findings_init(&f);
		ck_assert_int_eq(contract_validate(fmt, deep, "/contract", &f), DW_INVALID);
		ck_assert_uint_eq(f.count, 1);
		ck_assert_str_eq(f.items[0].pointer, "/contract");
		ck_assert_str_eq(f.items[0].message, "contract nests deeper than 256 levels");
		dw_findings_release(&f);
	}
	json_decref(deep);
}
END_TEST

/* The per-format checkers bound their own recursion when called directly. */
START_TEST(deep_avro_records_bounded)
{
	json_t *schema = json_string("int");
	struct dw_findings f;

	for (int i = 0; i < 1000; i++) {
		char name[32];
		snprintf(name, sizeof(name), "R%d", i);
		schema = json_pack("{s:s, s:s, s:[{s:s, s:o}]}", "type", "record", "name", name,
		                   "fields", "name", "f", "type", schema);
	}
	dw_findings_init(&f);
	ck_assert_int_eq(avro_validate(schema, "", &f), DW_INVALID);
	ck_assert_uint_eq(f.count, 1);
	ck_assert_str_eq(f.items[0].message, "schema nests deeper than 256 levels");
	dw_findings_release(&f);
	json_decref(schema);
}
END_TEST

START_TEST(deep_openapi_bounded)
{
	json_t *doc = json_pack("{s:s, s:{s:s, s:s}, s:{}, s:{s:{s:o}}}", "openapi", "3.1.0",
	                        "info", "title", "t", "version", "1", "paths", "components",
	                        "schemas", "Deep", nested_arrays(1000));
	struct dw_findings f;

	dw_findings_init(&f);
	ck_assert_int_eq(openapi_validate(doc, "", &f), DW_INVALID);
	ck_assert_uint_eq(f.count, 1);
	ck_assert_str_eq(f.items[0].message, "document nests deeper than 256 levels");
	dw_findings_release(&f);
	json_decref(doc);
}
END_TEST

START_TEST(deep_odcs_bounded)
{
	json_t *prop = json_pack("{s:s}", "name", "leaf"), *doc;
	struct dw_findings f;

	for (int i = 0; i < 1000; i++)
		prop = json_pack("{s:s, s:s, s:[o]}", "name", "n", "logicalType", "object",
		                 "properties", prop);
	doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[{s:s, s:[o]}]}", "apiVersion", "v3.0.0",
	                "kind", "DataContract", "id", "x", "version", "1", "status", "draft",
	                "schema", "name", "t", "properties", prop);
	dw_findings_init(&f);
	ck_assert_int_eq(odcs_validate(doc, "", &f), DW_INVALID);
	ck_assert_uint_eq(f.count, 1);
	ck_assert_str_eq(f.items[0].message, "schema nests deeper than 256 levels");
	dw_findings_release(&f);
	json_decref(doc);
}
END_TEST

/* Wrong JSON types where objects are expected never crash and give one clear finding. */
START_TEST(wrong_root_types)
{
	json_t *values[] = {json_integer(3), json_null(), json_array(), json_true()};
	struct dw_findings f;

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		dw_findings_init(&f);
		ck_assert_int_eq(contract_validate(DW_FMT_OPENAPI, values[i], "", &f), DW_INVALID);
		ck_assert_str_eq(f.items[0].message, "openapi document must be an object");
		ck_assert_int_eq(contract_validate(DW_FMT_ODCS, values[i], "", &f), DW_INVALID);
		ck_assert_str_eq(f.items[1].message, "odcs document must be an object");
		if (!json_is_array(values[i])) {
			ck_assert_int_eq(contract_validate(DW_FMT_AVRO, values[i], "", &f),
			                 DW_INVALID);
			ck_assert_str_eq(
			    f.items[2].message,
			    "a schema must be a type name, an object or a union array");
		}
		dw_findings_release(&f);
		json_decref(values[i]);
	}
}
END_TEST

/* PostgreSQL array suffixes are accepted after a valid element type, and only then. */
static int odcs_type_errors(const char *physical)
{
	json_t *doc =
	    json_pack("{s:s, s:s, s:s, s:s, s:s, s:[{s:s, s:[{s:s, s:s, s:s}]}]}", "apiVersion",
	              "v3.0.2", "kind", "DataContract", "id", "x", "version", "1.0.0", "status",
	              "active", "schema", "name", "t", "properties", "name", "c", "logicalType",
	              "array", "physicalType", physical);
	struct dw_findings f;
	int n;

	ck_assert_ptr_nonnull(doc);
	dw_findings_init(&f);
	odcs_validate(doc, "", &f);
	n = (int)dw_findings_errors(&f);
	dw_findings_release(&f);
	json_decref(doc);
	return n;
}

START_TEST(odcs_array_suffixes)
{
	ck_assert_int_eq(odcs_type_errors("text[]"), 0);
	ck_assert_int_eq(odcs_type_errors("integer[3]"), 0);
	ck_assert_int_eq(odcs_type_errors("varchar(20)[][]"), 0);
	ck_assert_int_eq(odcs_type_errors("text []"), 0);
	ck_assert_int_eq(odcs_type_errors("text[x]"), 1);
	ck_assert_int_eq(odcs_type_errors("[]"), 1);
	ck_assert_int_eq(odcs_type_errors("varchar(0)[]"), 1);
	ck_assert_int_eq(odcs_type_errors("text]"), 1);
}
END_TEST

/* contract_normalize: Avro's {"type": primitive} short forms, defaults left as data; protobuf's
 * canonical text; JSON Schema unchanged. */
START_TEST(normalize_forms)
{
	json_t *in = json_loads("{\"type\":\"record\",\"name\":\"R\",\"fields\":["
	                        "{\"name\":\"a\",\"type\":{\"type\":\"long\"}},"
	                        "{\"name\":\"b\",\"type\":[\"null\",{\"type\":\"string\"}]},"
	                        "{\"name\":\"c\",\"type\":{\"type\":\"array\",\"items\":"
	                        "{\"type\":\"int\"}}},"
	                        "{\"name\":\"d\",\"type\":{\"type\":\"long\",\"logicalType\":"
	                        "\"timestamp-millis\"}},"
	                        "{\"name\":\"e\",\"type\":{\"type\":\"map\",\"values\":\"int\"},"
	                        "\"default\":{\"type\":\"int\"}}]}",
	                        0, NULL);
	json_t *out = contract_normalize(DW_FMT_AVRO, in), *want;
	char *canon;

	ck_assert_ptr_nonnull(out);
	want = json_loads("{\"type\":\"record\",\"name\":\"R\",\"fields\":["
	                  "{\"name\":\"a\",\"type\":\"long\"},"
	                  "{\"name\":\"b\",\"type\":[\"null\",\"string\"]},"
	                  "{\"name\":\"c\",\"type\":{\"type\":\"array\",\"items\":\"int\"}},"
	                  "{\"name\":\"d\",\"type\":{\"type\":\"long\",\"logicalType\":"
	                  "\"timestamp-millis\"}},"
	                  "{\"name\":\"e\",\"type\":{\"type\":\"map\",\"values\":\"int\"},"
	                  "\"default\":{\"type\":\"int\"}}]}",
	                  0, NULL);
	ck_assert_msg(json_equal(out, want), "%s", canon = json_dumps(out, JSON_COMPACT));
	json_decref(in);
	json_decref(out);
	json_decref(want);
	in = json_string("syntax = \"proto3\";  // c\nmessage M {   string a = 1; }\n");
	out = contract_normalize(DW_FMT_PROTOBUF, in);
	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(json_string_value(out),
	                 "syntax = \"proto3\";\nmessage M {\n  string a = 1;\n}\n");
	json_decref(in);
	json_decref(out);
	in = json_string("message {");
	ck_assert_ptr_null(contract_normalize(DW_FMT_PROTOBUF, in));
	json_decref(in);
	in = json_loads("{\"type\":{\"type\":\"string\"}}", 0, NULL);
	out = contract_normalize(DW_FMT_JSONSCHEMA, in);
	ck_assert(json_equal(in, out));
	json_decref(in);
	json_decref(out);
}
END_TEST

static Suite *contract_suite(void)
{
	Suite *s = suite_create("contract");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, fixture_findings, 0, sizeof(fixtures) / sizeof(fixtures[0]));
	tcase_add_test(tc, base_pointer_prefixes_findings);
	tcase_add_test(tc, format_table);
	tcase_add_test(tc, unknown_format_is_invalid);
	tcase_add_test(tc, jsonschema_dispatch);
	tcase_add_test(tc, deep_contract_refused);
	tcase_add_test(tc, deep_avro_records_bounded);
	tcase_add_test(tc, deep_openapi_bounded);
	tcase_add_test(tc, deep_odcs_bounded);
	tcase_add_test(tc, wrong_root_types);
	tcase_add_test(tc, odcs_array_suffixes);
	tcase_add_test(tc, normalize_forms);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(contract_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
