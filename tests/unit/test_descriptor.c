/*
 * descriptor: the driveway/v1 format. Fixture files under tests/fixtures/descriptor/ are loaded
 * with dw_load: every document of valid/ must pass; every file of invalid/ has a .expect file
 * beside it listing, per finding, "doc N: line:col: /pointer: message" (curl's tests/data
 * manner: the expectation is data). Then the server form (allow_path = 0), the semantic rules
 * one by one, the small helpers and hostile input.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validators/descriptor.h"
#include "validators/error.h"
#include "validators/jsonschema.h"
#include "validators/load.h"
#include "tests/unit/testutil.h"

static char *read_file(const char *rel, size_t *len)
{
	return tu_read_repo_file("tests/fixtures/descriptor", rel, len);
}

/* Loads a fixture, validates every document, returns the located findings as text. */
static char *validate_file(const char *rel, int allow_path)
{
	struct dw_docset set = {0};
	struct dw_findings errs, f;
	size_t len, used = 0, cap = 65536;
	char *text = read_file(rel, &len), *out = calloc(1, cap);
	int rc;

	dw_findings_init(&errs);
	rc = dw_load(text, len, rel, &set, &errs);
	ck_assert_msg(rc == 0, "%s does not load (%zu errors: %s)", rel, errs.count,
	              errs.count ? errs.items[0].message : "");
	for (size_t d = 0; d < set.count; d++) {
		dw_findings_init(&f);
		rc = descriptor_validate(set.docs[d].root, allow_path, &f);
		ck_assert_int_eq(rc, f.count ? DW_INVALID : 0);
		dw_doc_locate_findings(&set.docs[d], rel, &f, 0);
		for (size_t i = 0; i < f.count; i++) {
			ck_assert_str_eq(f.items[i].file, rel);
			used += (size_t)snprintf(out + used, cap - used, "doc %zu: %d:%d: %s: %s\n",
			                         d + 1, f.items[i].line, f.items[i].col,
			                         f.items[i].pointer, f.items[i].message);
			ck_assert_uint_lt(used, cap);
		}
		dw_findings_release(&f);
	}
	dw_docset_release(&set);
	dw_findings_release(&errs);
	free(text);
	return out;
}

static const char *const valid_files[] = {
    "valid/domain.yaml",
    "valid/product-api.yaml",
    "valid/landscape.yaml",
    "valid/product.json",
};

START_TEST(valid_fixtures)
{
	char *got = validate_file(valid_files[_i], 1);

	ck_assert_msg(got[0] == '\0', "%s:\n%s", valid_files[_i], got);
	free(got);
}
END_TEST

static const char *const invalid_files[] = {
    "invalid/missing-owner.yaml", "invalid/compatibility.yaml", "invalid/sla.yaml",
    "invalid/kind.yaml",          "invalid/contract.yaml",      "invalid/flows.yaml",
    "invalid/metadata.yaml",
};

START_TEST(invalid_fixtures)
{
	const char *rel = invalid_files[_i];
	char expect_name[256], *want, *got;
	size_t len;

	snprintf(expect_name, sizeof(expect_name), "%.*s.expect", (int)(strlen(rel) - 5), rel);
	want = read_file(expect_name, &len);
	got = validate_file(rel, 1);
	if (strcmp(got, want))
		fprintf(stderr, "---- %s: got\n%s---- expected\n%s", rel, got, want);
	ck_assert_msg(want[0] != '\0', "%s: empty expectation", expect_name);
	ck_assert_str_eq(got, want);
	free(got);
	free(want);
}
END_TEST

/* ---- documents given as JSON, as the server receives them ---- */

static json_t *js(const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);

	ck_assert_msg(v != NULL, "bad JSON in test: %s", e.text);
	return v;
}

static char *validate_json(const char *text, int allow_path)
{
	json_t *doc = js(text);
	struct dw_findings f;
	char *out = calloc(1, 8192);
	size_t used = 0;
	int rc;

	dw_findings_init(&f);
	rc = descriptor_validate(doc, allow_path, &f);
	ck_assert_int_eq(rc, f.count ? DW_INVALID : 0);
	for (size_t i = 0; i < f.count; i++)
		used += (size_t)snprintf(out + used, 8192 - used, "%s: %s\n", f.items[i].pointer,
		                         f.items[i].message);
	dw_findings_release(&f);
	json_decref(doc);
	return out;
}

#define PRODUCT(spec)                                                                              \
	"{\"apiVersion\":\"driveway/v1\",\"kind\":\"DataProduct\","                                \
	"\"metadata\":{\"domain\":\"customer\",\"name\":\"profile-api\","                          \
	"\"owner\":\"team-customer\"},\"spec\":" spec "}"

#define EXPECT(doc, allow_path, want)                                                              \
	do {                                                                                       \
		char *got_ = validate_json(doc, allow_path);                                       \
		ck_assert_str_eq(got_, want);                                                      \
		free(got_);                                                                        \
	} while (0)

START_TEST(server_form)
{
	EXPECT(PRODUCT("{\"type\":\"api\",\"contract\":{\"format\":\"openapi\"}}"), 0, "");
	EXPECT(PRODUCT("{\"type\":\"api\"}"), 0, "");
	EXPECT(PRODUCT("{\"type\":\"api\",\"contract\":{\"format\":\"openapi\","
	               "\"path\":\"openapi.yaml\"}}"),
	       0,
	       "/spec/contract/path: the registry does not read contract files: register the "
	       "contract as a version (POST .../versions) and keep only 'format' here\n");
	EXPECT(PRODUCT("{\"type\":\"api\",\"contract\":{\"format\":\"openapi\","
	               "\"inline\":{\"openapi\":\"3.1.0\"}}}"),
	       0,
	       "/spec/contract/inline: the registry takes contracts as versions: register it "
	       "with POST .../versions and keep only 'format' here\n");
	/* the CLI form needs path or inline */
	EXPECT(PRODUCT("{\"type\":\"api\",\"contract\":{\"format\":\"openapi\"}}"), 1,
	       "/spec/contract: contract needs 'path' (a file beside the descriptor) or 'inline' "
	       "(the contract itself)\n");
	EXPECT("{\"apiVersion\":\"driveway/v1\",\"kind\":\"Domain\",\"metadata\":{\"name\":\"c\"},"
	       "\"spec\":{\"title\":\"C\",\"owner\":\"o\"}}",
	       0, "");
}
END_TEST

START_TEST(durations)
{
	static const struct {
		const char *d;
		int ok;
	} cases[] = {
	    {"PT15M", 1},  {"P30D", 1},   {"P1Y2M3W4DT5H6M7S", 1},
	    {"PT0.5S", 1}, {"P1,5D", 1},  {"P2W", 1},
	    {"PT36H", 1},  {"P", 0},      {"PT", 0},
	    {"P1DT", 0},   {"15M", 0},    {"P1H", 0},
	    {"PT1D", 0},   {"P1M1Y", 0},  {"P1.5DT1H", 0},
	    {"P-1D", 0},   {"PT1H1H", 0}, {"P1D ", 0},
	    {"p1d", 0},    {"P.5D", 0},
	};
	char doc[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got;
		snprintf(doc, sizeof(doc),
		         PRODUCT("{\"type\":\"table\",\"sla\":{\"retention\":\"%s\"}}"),
		         cases[i].d);
		got = validate_json(doc, 0);
		ck_assert_msg((got[0] == '\0') == cases[i].ok, "%s: %s", cases[i].d, got);
		if (!cases[i].ok) {
			char want[256];
			snprintf(
			    want, sizeof(want),
			    "/spec/sla/retention: '%s' is not an ISO 8601 duration (e.g. PT15M, "
			    "P30D)\n",
			    cases[i].d);
			ck_assert_str_eq(got, want);
		}
		free(got);
	}
}
END_TEST

START_TEST(review_dates)
{
	static const struct {
		const char *d;
		int ok;
	} cases[] = {
	    {"2028-02-29", 1}, {"2000-02-29", 1}, {"2027-12-31", 1},
	    {"2027-02-29", 0}, {"1900-02-29", 0}, {"2027-04-31", 0},
	    {"2027-13-01", 0}, {"2027-00-10", 0}, {"2027-01-00", 0},
	};
	char doc[768];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got;
		snprintf(doc, sizeof(doc),
		         PRODUCT("{\"type\":\"api\",\"consumes\":[{\"product\":\"a/b\","
		                 "\"pattern\":\"point-to-point\",\"exception\":{\"reason\":\"r\","
		                 "\"owner\":\"o\",\"reviewDate\":\"%s\"}}]}"),
		         cases[i].d);
		got = validate_json(doc, 0);
		ck_assert_msg((got[0] == '\0') == cases[i].ok, "%s: %s", cases[i].d, got);
		free(got);
	}
}
END_TEST

START_TEST(contract_paths)
{
	static const struct {
		const char *path, *msg;
	} cases[] = {
	    {"openapi.yaml", NULL},
	    {"contracts/v1/openapi.yaml", NULL},
	    {"./openapi.yaml", NULL},
	    {"a..b/openapi.yaml", NULL},
	    {"..", "leaves the descriptor's folder ('..')"},
	    {"a/../../x", "leaves the descriptor's folder ('..')"},
	    {"a/..", "leaves the descriptor's folder ('..')"},
	    {"/etc/passwd", "is absolute: give it relative to the descriptor's folder"},
	    {"C:/x.yaml", "is absolute: give it relative to the descriptor's folder"},
	};
	char doc[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got, want[256] = "";
		snprintf(doc, sizeof(doc),
		         PRODUCT("{\"type\":\"api\",\"contract\":{\"format\":\"openapi\","
		                 "\"path\":\"%s\"}}"),
		         cases[i].path);
		got = validate_json(doc, 1);
		if (cases[i].msg)
			snprintf(want, sizeof(want), "/spec/contract/path: contract path '%s' %s\n",
			         cases[i].path, cases[i].msg);
		ck_assert_str_eq(got, want);
		free(got);
	}
	EXPECT(PRODUCT("{\"type\":\"api\",\"contract\":{\"format\":\"openapi\","
	               "\"path\":\"a\\u0000b\"}}"),
	       1, "/spec/contract/path: contract path contains a NUL character\n");
	EXPECT(PRODUCT("{\"type\":\"api\",\"contract\":{\"format\":\"openapi\","
	               "\"path\":\"a\\\\b\"}}"),
	       1, "/spec/contract/path: contract path 'a\\b' contains a backslash: use '/'\n");
}
END_TEST

START_TEST(avro_inline_forms)
{
	EXPECT(PRODUCT("{\"type\":\"topic\",\"contract\":{\"format\":\"avro\","
	               "\"inline\":[\"null\",\"string\"]}}"),
	       1, "");
	EXPECT(PRODUCT("{\"type\":\"topic\",\"contract\":{\"format\":\"avro\","
	               "\"inline\":\"string\"}}"),
	       1, "");
	EXPECT(PRODUCT("{\"type\":\"topic\",\"contract\":{\"format\":\"avro\",\"inline\":3}}"), 1,
	       "/spec/contract/inline: expected object, array or string, got integer\n");
	EXPECT(PRODUCT("{\"type\":\"topic\",\"contract\":{\"format\":\"jsonschema\","
	               "\"inline\":\"string\"}}"),
	       1, "/spec/contract/inline: expected object, got string\n");
	/* anything goes inside inline */
	EXPECT(PRODUCT("{\"type\":\"topic\",\"contract\":{\"format\":\"jsonschema\","
	               "\"inline\":{\"whatever\":{\"x-any\":[1]}}}}"),
	       1, "");
}
END_TEST

START_TEST(not_an_object)
{
	EXPECT("[]", 1, ": expected object, got array\n");
	EXPECT("\"x\"", 1, ": expected object, got string\n");
	EXPECT("{}", 1, "/kind: missing required property 'kind'\n");
}
END_TEST

START_TEST(helpers)
{
	char d[64], p[64];

	ck_assert(descriptor_slug_ok("customer"));
	ck_assert(descriptor_slug_ok("a"));
	ck_assert(descriptor_slug_ok("a-1"));
	ck_assert(!descriptor_slug_ok(""));
	ck_assert(!descriptor_slug_ok("-a"));
	ck_assert(!descriptor_slug_ok("a-"));
	ck_assert(!descriptor_slug_ok("A"));
	ck_assert(!descriptor_slug_ok("a_b"));
	ck_assert(!descriptor_slug_ok(NULL));
	ck_assert(
	    descriptor_slug_ok("a23456789012345678901234567890123456789012345678901234567890123"));
	ck_assert(!descriptor_slug_ok(
	    "a234567890123456789012345678901234567890123456789012345678901234"));

	ck_assert_int_eq(descriptor_split_ref("customer/profile-api", d, sizeof(d), p, sizeof(p)),
	                 0);
	ck_assert_str_eq(d, "customer");
	ck_assert_str_eq(p, "profile-api");
	ck_assert_int_eq(descriptor_split_ref("customer", d, sizeof(d), p, sizeof(p)), DW_INVALID);
	ck_assert_int_eq(descriptor_split_ref("a/b/c", d, sizeof(d), p, sizeof(p)), DW_INVALID);
	ck_assert_int_eq(descriptor_split_ref("/b", d, sizeof(d), p, sizeof(p)), DW_INVALID);
	ck_assert_int_eq(descriptor_split_ref("Ab/c", d, sizeof(d), p, sizeof(p)), DW_INVALID);
	ck_assert_int_eq(descriptor_split_ref("abc/d", d, 3, p, sizeof(p)), DW_INVALID);

	{
		json_t *dom = js("{\"kind\":\"Domain\"}"), *prod = js("{\"kind\":\"DataProduct\"}");
		json_t *other = js("{\"kind\":3}");
		ck_assert_int_eq(descriptor_kind(dom), DW_DESC_DOMAIN);
		ck_assert_int_eq(descriptor_kind(prod), DW_DESC_PRODUCT);
		ck_assert_int_eq(descriptor_kind(other), DW_DESC_UNKNOWN);
		json_decref(dom);
		json_decref(prod);
		json_decref(other);
	}
}
END_TEST

/* The embedded schema is itself a well-formed schema, and the same object every time. */
START_TEST(schema_is_well_formed)
{
	const json_t *s = descriptor_schema();
	struct dw_findings f;

	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_eq(s, descriptor_schema());
	dw_findings_init(&f);
	ck_assert_int_eq(jsonschema_check_schema(s, "", &f), 0);
	ck_assert_uint_eq(f.count, 0);
	dw_findings_release(&f);
}
END_TEST

/* Deep and large input: a clear finding, no crash, bounded work. */
START_TEST(hostile_input)
{
	json_t *doc = js(PRODUCT("{\"type\":\"api\"}")), *spec = json_object_get(doc, "spec");
	json_t *cur = json_object(), *top = cur, *tags = json_array();
	struct dw_findings f;

	for (int i = 0; i < 5000; i++) {
		json_t *n = json_object();
		json_object_set_new(cur, "a", n);
		cur = n;
	}
	json_object_set_new(spec, "extra", top);
	for (int i = 0; i < 20000; i++)
		json_array_append_new(tags, json_string("t"));
	json_object_set_new(json_object_get(doc, "metadata"), "tags", tags);
	dw_findings_init(&f);
	ck_assert_int_eq(descriptor_validate(doc, 1, &f), DW_INVALID);
	ck_assert_uint_ge(f.count, 2);
	ck_assert_str_eq(f.items[0].pointer, "/metadata/tags");
	dw_findings_release(&f);
	json_decref(doc);
}
END_TEST

static Suite *descriptor_suite(void)
{
	Suite *s = suite_create("descriptor");
	TCase *tc = tcase_create("fixtures");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, valid_fixtures, 0,
	                    (int)(sizeof(valid_files) / sizeof(valid_files[0])));
	tcase_add_loop_test(tc, invalid_fixtures, 0,
	                    (int)(sizeof(invalid_files) / sizeof(invalid_files[0])));
	suite_add_tcase(s, tc);
	tc = tcase_create("rules");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, server_form);
	tcase_add_test(tc, durations);
	tcase_add_test(tc, review_dates);
	tcase_add_test(tc, contract_paths);
	tcase_add_test(tc, avro_inline_forms);
	tcase_add_test(tc, not_an_object);
	tcase_add_test(tc, helpers);
	tcase_add_test(tc, schema_is_well_formed);
	tcase_add_test(tc, hostile_input);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(descriptor_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
