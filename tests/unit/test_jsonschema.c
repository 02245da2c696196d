/*
 * jsonschema: the official JSON Schema Test Suite (Debian's json-schema-test-suite package,
 * draft-07 cases) for every keyword the validator implements, then driveway's own cases:
 * messages and pointers, bounded recursion, regex translation, schema well-formedness.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validators/error.h"
#include "validators/jsonschema.h"

#define SUITE_DIR "/usr/share/json-schema-test-suite/tests/draft7"

static const char *const suite_files[] = {
    "type",
    "properties",
    "required",
    "additionalProperties",
    "patternProperties",
    "enum",
    "const",
    "pattern",
    "items",
    "additionalItems",
    "minItems",
    "maxItems",
    "uniqueItems",
    "contains",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minProperties",
    "maxProperties",
    "propertyNames",
    "oneOf",
    "anyOf",
    "allOf",
    "not",
    "if-then-else",
    "ref",
    "boolean_schema",
    "dependencies",
};
#define NFILES (sizeof(suite_files) / sizeof(suite_files[0]))

/*
 * Groups skipped, with the reason: the validator resolves local references only ("#",
 * "#/json/pointer"), by design (contracts are self-contained documents).
 */
static const struct {
	const char *file, *group, *reason;
} skipped[] = {
    {"ref", "remote ref, containing refs itself",
     "needs the remote draft-07 meta-schema (http://json-schema.org/draft-07/schema#)"},
    {"ref", "Recursive references between schemas",
     "needs $id-based resolution of relative references (\"node\", \"tree\")"},
};

static int is_skipped(const char *file, const char *group)
{
	for (size_t i = 0; i < sizeof(skipped) / sizeof(skipped[0]); i++)
		if (!strcmp(skipped[i].file, file) && !strcmp(skipped[i].group, group))
			return 1;
	return 0;
}

static const char *suite_dir(void)
{
	const char *d = getenv("DRIVEWAY_JSTS_DIR");

	return d && *d ? d : SUITE_DIR;
}

static size_t total_run, total_passed;

START_TEST(official_suite)
{
	const char *name = suite_files[_i];
	char path[512];
	json_error_t jerr;
	json_t *groups, *g;
	size_t gi, run = 0, passed = 0, skips = 0;

	snprintf(path, sizeof(path), "%s/%s.json", suite_dir(), name);
	groups = json_load_file(path, 0, &jerr);
	ck_assert_msg(groups != NULL,
	              "cannot load %s (%s): the json-schema-test-suite package is required "
	              "(scripts/install-deps.sh installs it)",
	              path, jerr.text);
	ck_assert(json_is_array(groups) && json_array_size(groups) > 0);
	json_array_foreach(groups, gi, g)
	{
		const char *gdesc = json_string_value(json_object_get(g, "description"));
		json_t *schema = json_object_get(g, "schema"), *tc;
		size_t ti;

		ck_assert(gdesc && schema);
		if (is_skipped(name, gdesc)) {
			skips++;
			continue;
		}
		json_array_foreach(json_object_get(g, "tests"), ti, tc)
		{
			const char *tdesc = json_string_value(json_object_get(tc, "description"));
			int want = json_is_true(json_object_get(tc, "valid"));
			struct dw_findings f;
			int rc;

			dw_findings_init(&f);
			rc = jsonschema_validate(schema, "", json_object_get(tc, "data"), "", &f);
			ck_assert_int_ne(rc, DW_NOMEM);
			run++;
			if ((rc == 0) == want && (rc == 0) == (f.count == 0)) {
				passed++;
			} else {
				fprintf(stderr,
				        "%s: '%s' / '%s': expected %s, got %s (%zu findings%s%s)\n",
				        name, gdesc, tdesc, want ? "valid" : "invalid",
				        rc == 0 ? "valid" : "invalid", f.count, f.count ? ": " : "",
				        f.count ? f.items[0].message : "");
			}
			dw_findings_release(&f);
		}
	}
	json_decref(groups);
	printf("draft7/%s.json: %zu/%zu cases passed%s\n", name, passed, run,
	       skips ? " (local-only $ref: groups skipped, see skipped[])" : "");
	total_run += run;
	total_passed += passed;
	ck_assert_msg(run > 0, "%s: no cases ran", name);
	ck_assert_msg(passed == run, "%s: %zu of %zu cases failed", name, run - passed, run);
}
END_TEST

/* Runs the suite in one process to print a total (Check forks per test by default). */
START_TEST(official_suite_skips_are_listed)
{
	char path[512];
	json_t *groups;
	size_t found = 0;

	snprintf(path, sizeof(path), "%s/ref.json", suite_dir());
	groups = json_load_file(path, 0, NULL);
	ck_assert_msg(groups != NULL, "cannot load %s", path);
	for (size_t i = 0; i < json_array_size(groups); i++) {
		const char *d =
		    json_string_value(json_object_get(json_array_get(groups, i), "description"));
		found += d && is_skipped("ref", d);
	}
	/* every skip names a group that exists: a renamed group must not be skipped silently */
	ck_assert_uint_eq(found, sizeof(skipped) / sizeof(skipped[0]));
	json_decref(groups);
}
END_TEST

/* ---- driveway's own cases ---- */

static json_t *js(const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &e);

	ck_assert_msg(v != NULL, "bad JSON in test: %s: %s", text, e.text);
	return v;
}

/* Validates and returns the findings joined as "pointer: message\n". */
static char *run(const char *schema, const char *instance, const char *base)
{
	json_t *s = js(schema), *i = js(instance);
	struct dw_findings f;
	char *out = calloc(1, 8192);
	size_t len = 0;
	int rc;

	dw_findings_init(&f);
	rc = jsonschema_validate(s, "", i, base, &f);
	ck_assert_int_eq(rc, f.count ? DW_INVALID : 0);
	for (size_t k = 0; k < f.count && len < 8000; k++)
		len += (size_t)snprintf(out + len, 8192 - len, "%s: %s\n", f.items[k].pointer,
		                        f.items[k].message);
	dw_findings_release(&f);
	json_decref(s);
	json_decref(i);
	return out;
}

#define EXPECT(schema, instance, want)                                                             \
	do {                                                                                       \
		char *got_ = run(schema, instance, "");                                            \
		ck_assert_str_eq(got_, want);                                                      \
		free(got_);                                                                        \
	} while (0)

START_TEST(messages)
{
	EXPECT("{\"type\":\"object\",\"required\":[\"owner\",\"name\"]}", "{\"name\":\"x\"}",
	       "/owner: missing required property 'owner'\n");
	EXPECT("{\"enum\":[\"NONE\",\"BACKWARD\",\"FULL\"]}", "\"BACKWRD\"",
	       ": value 'BACKWRD' is not one of NONE, BACKWARD, FULL\n");
	EXPECT("{\"properties\":{\"sla\":{\"additionalProperties\":false,"
	       "\"properties\":{\"availability\":{}}}}}",
	       "{\"sla\":{\"availabilty\":99}}",
	       "/sla/availabilty: unknown property 'availabilty'\n");
	EXPECT("{\"type\":[\"string\",\"null\"]}", "3", ": expected string or null, got integer\n");
	EXPECT("{\"minLength\":2,\"maxLength\":3}", "\"\\u00e9t\\u00e9s\"",
	       ": string is longer than 3 characters (4)\n");
	EXPECT("{\"minLength\":1}", "\"\"", ": string is empty\n");
	EXPECT("{\"maxLength\":2}", "\"\\u00e9\\u00e9\"", "");
	EXPECT("{\"exclusiveMinimum\":0,\"maximum\":100}", "100.5",
	       ": value 100.5 is greater than the maximum 100\n");
	EXPECT("{\"exclusiveMinimum\":0}", "0", ": value 0 must be greater than 0\n");
	EXPECT("{\"items\":{\"type\":\"string\"},\"uniqueItems\":true,\"maxItems\":2}",
	       "[\"a\",1,\"a\"]",
	       "/1: expected string, got integer\n: array has 3 items, more than 2\n"
	       "/2: duplicate item 'a' (same as item 0)\n");
	EXPECT("{\"pattern\":\"^[a-z]+$\"}", "\"Ab\"",
	       ": string 'Ab' does not match pattern '^[a-z]+$'\n");
	EXPECT("{\"pattern\":\"^[a-z]+$\",\"x-pattern-name\":\"a lowercase word\"}", "\"Ab\"",
	       ": string 'Ab' is not a lowercase word\n");
	EXPECT("{\"const\":\"driveway/v1\"}", "\"driveway/v2\"",
	       ": value 'driveway/v2' is not 'driveway/v1'\n");
	EXPECT("{\"multipleOf\":0.01}", "0.125", ": value 0.125 is not a multiple of 0.01\n");
	EXPECT("{\"multipleOf\":0.01}", "19.99", "");
	EXPECT("{\"properties\":{\"a/b\":{\"type\":\"string\"},\"c~d\":{\"type\":\"string\"}}}",
	       "{\"a/b\":1,\"c~d\":2}",
	       "/a~1b: expected string, got integer\n/c~0d: expected string, got integer\n");
}
END_TEST

START_TEST(base_pointer_prefixes_findings)
{
	char *got = run("{\"required\":[\"x\"]}", "{}", "/spec/contract/inline");

	ck_assert_str_eq(got, "/spec/contract/inline/x: missing required property 'x'\n");
	free(got);
}
END_TEST

/* A discriminated oneOf reports the errors of the branch its "kind" picks. */
START_TEST(discriminated_one_of)
{
	static const char schema[] =
	    "{\"oneOf\":[{\"$ref\":\"#/$defs/a\"},{\"$ref\":\"#/$defs/b\"}],"
	    "\"$defs\":{"
	    "\"a\":{\"type\":\"object\",\"required\":[\"kind\",\"x\"],"
	    "\"properties\":{\"v\":{\"const\":1},\"kind\":{\"const\":\"A\"},\"x\":{\"type\":"
	    "\"string\"}},"
	    "\"additionalProperties\":false},"
	    "\"b\":{\"type\":\"object\",\"required\":[\"kind\",\"y\"],"
	    "\"properties\":{\"v\":{\"const\":1},\"kind\":{\"const\":\"B\"},\"y\":{\"type\":"
	    "\"integer\"}},"
	    "\"additionalProperties\":false}}}";

	EXPECT(schema, "{\"kind\":\"B\",\"y\":\"1\",\"z\":0}",
	       "/y: expected integer, got string\n/z: unknown property 'z'\n");
	EXPECT(schema, "{\"kind\":\"A\"}", "/x: missing required property 'x'\n");
	EXPECT(schema, "{\"kind\":\"C\"}", "/kind: value 'C' is not one of A, B\n");
	EXPECT(schema, "{\"x\":\"1\"}", "/kind: missing required property 'kind'\n");
	EXPECT(schema, "[]", ": expected object, got array\n");
	EXPECT(schema, "{\"kind\":\"A\",\"x\":\"s\"}", "");
	/* without a discriminator the message summarises */
	EXPECT("{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}", "true",
	       ": value matches none of the 2 alternatives of 'oneOf'\n");
	EXPECT("{\"oneOf\":[{\"type\":\"number\"},{\"type\":\"integer\"}]}", "1",
	       ": value matches more than one alternative of 'oneOf'\n");
}
END_TEST

/* {"$ref":"#"} loops on itself: the walk must end, with a finding. */
START_TEST(recursion_is_bounded)
{
	json_t *loop = js("{\"$ref\":\"#\"}");
	json_t *deep_schema = js("{\"properties\":{\"a\":{\"$ref\":\"#\"}}}");
	json_t *inst = json_object(), *cur = inst;
	struct dw_findings f;
	int rc;

	for (int i = 0; i < 1000; i++) {
		json_t *n = json_object();
		json_object_set_new(cur, "a", n);
		cur = n;
	}
	dw_findings_init(&f);
	rc = jsonschema_validate(loop, "", inst, "", &f);
	ck_assert_int_eq(rc, DW_INVALID);
	ck_assert_uint_eq(f.count, 1);
	ck_assert_str_eq(f.items[0].message,
	                 "validation nested deeper than 256 levels (recursive schema?)");
	dw_findings_release(&f);

	dw_findings_init(&f);
	rc = jsonschema_validate(deep_schema, "", inst, "", &f);
	ck_assert_int_eq(rc, DW_INVALID);
	ck_assert_uint_ge(f.count, 1);
	dw_findings_release(&f);

	/* inside anyOf (silent sub-validation) too */
	json_decref(loop);
	loop = js("{\"anyOf\":[{\"$ref\":\"#\"}]}");
	dw_findings_init(&f);
	rc = jsonschema_validate(loop, "", inst, "", &f);
	ck_assert_int_eq(rc, DW_INVALID);
	ck_assert_uint_ge(f.count, 1);
	dw_findings_release(&f);
	json_decref(loop);
	json_decref(deep_schema);
	json_decref(inst);
}
END_TEST

/* ECMA-262 escapes translated to POSIX. */
START_TEST(ecma_patterns)
{
	static const struct {
		const char *pattern, *s;
		int match;
	} cases[] = {
	    {"^\\\\d{3}-\\\\d{4}$", "555-1234", 1},
	    {"^\\\\d+$", "12a", 0},
	    {"^\\\\D+$", "abc", 1},
	    {"^\\\\w+$", "ab_9", 1},
	    {"^\\\\w+$", "a-b", 0},
	    {"^\\\\W$", "-", 1},
	    {"^a\\\\sb$", "a b", 1},
	    {"^\\\\S+$", "a b", 0},
	    {"^a\\\\.b$", "a.b", 1},
	    {"^a\\\\.b$", "axb", 0},
	    {"^[\\\\w.-]+$", "a.b-c_d", 1},
	    {"^[\\\\w.-]+$", "a b", 0},
	    {"^[\\\\d\\\\s]+$", "1 2", 1},
	    {"^[\\\\]a]+$", "]a]", 1},
	    {"^[a\\\\-z]+$", "-az", 1},
	    {"^[a\\\\-z]+$", "b", 0},
	    {"^[\\\\^]$", "^", 1},
	    {"^\\\\/x$", "/x", 1},
	    {"^(?:ab)+$", "abab", 1},
	    {"^a+?b$", "aab", 1},
	    {"^a{2,3}?$", "aaa", 1},
	    {"^\\\\u00e9$", "\\u00e9", 1},
	    {"^.$", "\\u00e9", 1},
	    {"^[^a]$", "\\u00e9", 1},
	    {"^x{$", "x{", 1},
	    {"^\\\\t$", "\\t", 1},
	    {"^\\\\x41$", "A", 1},
	    {"^[\\\\x41-\\\\x43]+$", "ABC", 1},
	    {"^[\\\\x41-\\\\x43]+$", "ABD", 0},
	};
	char schema[256], inst[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got;
		snprintf(schema, sizeof(schema), "{\"pattern\":\"%s\"}", cases[i].pattern);
		snprintf(inst, sizeof(inst), "\"%s\"", cases[i].s);
		got = run(schema, inst, "");
		ck_assert_msg((got[0] == '\0') == cases[i].match, "pattern %s on %s: %s",
		              cases[i].pattern, cases[i].s, got);
		free(got);
	}
}
END_TEST

static char *check(const char *schema)
{
	json_t *s = js(schema);
	struct dw_findings f;
	char *out = calloc(1, 8192);
	size_t len = 0;
	int rc;

	dw_findings_init(&f);
	rc = jsonschema_check_schema(s, "/contract", &f);
	ck_assert_int_eq(rc, f.count ? DW_INVALID : 0);
	for (size_t k = 0; k < f.count && len < 8000; k++)
		len += (size_t)snprintf(out + len, 8192 - len, "%s: %s\n", f.items[k].pointer,
		                        f.items[k].message);
	dw_findings_release(&f);
	json_decref(s);
	return out;
}

#define CHECK(schema, want)                                                                        \
	do {                                                                                       \
		char *got_ = check(schema);                                                        \
		ck_assert_str_eq(got_, want);                                                      \
		free(got_);                                                                        \
	} while (0)

START_TEST(check_schema)
{
	CHECK("{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"object\","
	      "\"properties\":{\"a\":{\"$ref\":\"#/definitions/a\"}},"
	      "\"definitions\":{\"a\":{\"type\":[\"string\",\"null\"],\"pattern\":\"^\\\\d+$\"}}}",
	      "");
	CHECK("true", "");
	CHECK("{\"required\":\"a\"}",
	      "/contract/required: 'required' must be an array of unique strings\n");
	CHECK("{\"required\":[\"a\",\"a\"]}",
	      "/contract/required: 'required' must be an array of unique strings\n");
	CHECK("{\"type\":\"strin\"}", "/contract/type: unknown type 'strin'\n");
	CHECK("{\"properties\":{\"a\":{\"minLength\":-1}}}",
	      "/contract/properties/a/minLength: 'minLength' must be a non-negative integer\n");
	CHECK("{\"pattern\":\"(\"}",
	      "/contract/pattern: invalid pattern '(': invalid regular expression\n");
	CHECK("{\"pattern\":\"(?=a)\"}",
	      "/contract/pattern: invalid pattern '(?=a)': lookaround and named groups are not "
	      "supported\n");
	CHECK("{\"patternProperties\":{\"[\":{}}}",
	      "/contract/patternProperties/[: invalid pattern '[': unterminated character "
	      "class\n");
	CHECK("{\"$ref\":\"#/definitions/missing\"}",
	      "/contract/$ref: reference '#/definitions/missing' does not resolve\n");
	CHECK("{\"$ref\":\"other.json#/a\"}",
	      "/contract/$ref: reference 'other.json#/a' is not local (only '#...' references "
	      "are supported)\n");
	CHECK("{\"anyOf\":[]}", "/contract/anyOf: 'anyOf' must be a non-empty array of schemas\n");
	CHECK("{\"items\":[{\"type\":1}]}",
	      "/contract/items/0/type: 'type' must be a type name or an array of unique type "
	      "names\n");
	CHECK("{\"multipleOf\":0}", "/contract/multipleOf: 'multipleOf' must be a number greater "
	                            "than 0\n");
	CHECK("{\"not\":3}", "/contract/not: schema must be an object or a boolean, got integer\n");
}
END_TEST

START_TEST(check_schema_depth_is_bounded)
{
	json_t *root = json_object(), *cur = root;
	struct dw_findings f;

	for (int i = 0; i < 400; i++) {
		json_t *n = json_object();
		json_object_set_new(cur, "not", n);
		cur = n;
	}
	dw_findings_init(&f);
	ck_assert_int_eq(jsonschema_check_schema(root, "", &f), DW_INVALID);
	ck_assert_uint_eq(f.count, 1);
	ck_assert_str_eq(f.items[0].message, "schema nested deeper than 256 levels");
	dw_findings_release(&f);
	json_decref(root);
}
END_TEST

/* Several threads validate with patterns at once (the server is multithreaded). */
static void *validate_many(void *arg)
{
	json_t *s = json_loads("{\"properties\":{\"a\":{\"pattern\":\"^[a-z]\\\\d+$\"}}}", 0, NULL);
	json_t *good = json_loads("{\"a\":\"x12\"}", 0, NULL);
	json_t *bad = json_loads("{\"a\":\"12\"}", 0, NULL);
	long errors = 0;

	(void)arg;
	for (int i = 0; i < 2000; i++) {
		struct dw_findings f;
		dw_findings_init(&f);
		errors += jsonschema_validate(s, "", good, "", &f) != 0;
		errors += jsonschema_validate(s, "", bad, "", &f) != DW_INVALID;
		errors += f.count != 1;
		dw_findings_release(&f);
	}
	json_decref(s);
	json_decref(good);
	json_decref(bad);
	return (void *)errors;
}

START_TEST(threads)
{
	pthread_t t[4];
	void *r;

	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, validate_many, NULL), 0);
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(pthread_join(t[i], &r), 0);
		ck_assert_ptr_null(r);
	}
}
END_TEST

static Suite *jsonschema_suite(void)
{
	Suite *s = suite_create("jsonschema");
	TCase *tc = tcase_create("official");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, official_suite, 0, (int)NFILES);
	tcase_add_test(tc, official_suite_skips_are_listed);
	suite_add_tcase(s, tc);
	tc = tcase_create("driveway");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, messages);
	tcase_add_test(tc, base_pointer_prefixes_findings);
	tcase_add_test(tc, discriminated_one_of);
	tcase_add_test(tc, recursion_is_bounded);
	tcase_add_test(tc, ecma_patterns);
	tcase_add_test(tc, check_schema);
	tcase_add_test(tc, check_schema_depth_is_bounded);
	tcase_add_test(tc, threads);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(jsonschema_suite());
	int failed;

	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (total_run)
		printf("official JSON Schema Test Suite (draft-07): %zu/%zu cases passed\n",
		       total_passed, total_run);
	return failed ? 1 : 0;
}
