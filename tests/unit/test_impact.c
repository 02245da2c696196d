/*
 * impact: which registered flows a change reaches (validators/impact.h).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "validators/impact.h"

static struct dw_changes changes;

static void setup(void)
{
	dw_changes_init(&changes);
}

static void teardown(void)
{
	dw_changes_release(&changes);
}

static void add(const char *rule, const char *old_ptr, const char *new_ptr, const char *subject)
{
	const struct dw_rule *r = compat_rule_find(rule);

	ck_assert_msg(r != NULL, "no rule '%s'", rule);
	ck_assert_ptr_nonnull(dw_changes_add(&changes, r, old_ptr, new_ptr, subject, "%s", rule));
}

/* flows: "consumer|use,use;consumer2|..." ("-" for no uses). */
static json_t *flows_of(const char *spec)
{
	json_t *arr = json_array();
	char buf[512];

	snprintf(buf, sizeof(buf), "%s", spec);
	for (char *f = buf, *semi; f && *f; f = semi ? semi + 1 : NULL) {
		char *bar;
		json_t *flow, *uses = json_null();

		semi = strchr(f, ';');
		if (semi)
			*semi = '\0';
		bar = strchr(f, '|');
		*bar = '\0';
		if (strcmp(bar + 1, "-") != 0) {
			uses = json_array();
			for (char *u = bar + 1, *comma; u; u = comma ? comma + 1 : NULL) {
				comma = strchr(u, ',');
				if (comma)
					*comma = '\0';
				json_array_append_new(uses, json_string(u));
			}
		}
		flow = json_pack("{s:s, s:s, s:s, s:o}", "consumer", f, "provider", "c/p",
		                 "pattern", "rest-api", "uses", uses);
		json_array_append_new(arr, flow);
	}
	return arr;
}

/* "consumer:i,j consumer2:k" for the impact of changes under mode over flows. */
static char *impact_of(enum dw_mode mode, const char *flows_spec)
{
	json_t *flows = flows_of(flows_spec), *impact, *it;
	char out[512] = "";
	size_t i, len = 0;

	impact = compat_impact(&changes, mode, flows);
	ck_assert_ptr_nonnull(impact);
	json_array_foreach(impact, i, it)
	{
		json_t *idx;
		size_t k;

		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s:", len ? " " : "",
		                        json_string_value(json_object_get(it, "consumer")));
		json_array_foreach(json_object_get(it, "changes"), k, idx) len +=
		    (size_t)snprintf(out + len, sizeof(out) - len, "%s%lld", k ? "," : "",
		                     (long long)json_integer_value(idx));
	}
	json_decref(impact);
	json_decref(flows);
	return strdup(out);
}

#define EXPECT(mode, flows, want)                                                                  \
	do {                                                                                       \
		char *have_ = impact_of(mode, flows);                                              \
		ck_assert_str_eq(have_, want);                                                     \
		free(have_);                                                                       \
	} while (0)

START_TEST(test_no_uses_reached_by_every_breaking_change)
{
	add("openapi.path-removed", "/paths/~1a/get", NULL, "getA");
	add("openapi.path-removed", "/paths/~1b/get", NULL, "getB");
	EXPECT(DW_MODE_BACKWARD, "x/one|-", "x/one:0,1");
}
END_TEST

START_TEST(test_flow_member)
{
	json_t *flows = flows_of("x/one|getA"), *impact;

	add("openapi.path-removed", "/paths/~1a/get", NULL, "getA");
	impact = compat_impact(&changes, DW_MODE_BACKWARD, flows);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(impact, 0), "flow")),
	                 "x/one->c/p");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(impact, 0), "pattern")),
	                 "rest-api");
	ck_assert_str_eq(json_string_value(
	                     json_array_get(json_object_get(json_array_get(impact, 0), "uses"), 0)),
	                 "getA");
	json_decref(impact);
	json_decref(flows);
}
END_TEST

START_TEST(test_openapi_operation_ids_and_method_paths)
{
	add("openapi.path-removed", "/paths/~1users~1{id}/get", NULL, "getUser");
	add("openapi.path-removed", "/paths/~1users/get", NULL, "GET /users");
	EXPECT(DW_MODE_BACKWARD, "x/a|getUser;x/b|listOrders;x/c|get /users/{id};x/d|GET /users",
	       "x/a:0 x/c:0 x/d:1");
	/* operation keys are not prefixes of each other */
	EXPECT(DW_MODE_BACKWARD, "x/e|GET /users/{id}/x;x/f|getUse", "");
}
END_TEST

START_TEST(test_fields_equal_and_prefix)
{
	add("avro.field-added-without-default", NULL, "/fields/0/type/fields/1", "address.city");
	add("avro.field-added-without-default", NULL, "/fields/2", "email");
	EXPECT(DW_MODE_BACKWARD,
	       "x/a|address;x/b|address.city.code;x/c|addr;x/d|email,phone;x/e|name",
	       "x/a:0 x/b:0 x/d:1");
}
END_TEST

START_TEST(test_pointer_uses)
{
	add("avro.field-added-without-default", NULL, "/fields/0/type/fields/1", "address.city");
	add("avro.field-added-without-default", NULL, "/fields/2", "email");
	/* a pointer is compared as a dotted path, and with the change's pointers */
	EXPECT(DW_MODE_BACKWARD, "x/a|/address;x/b|/fields/2;x/c|/fields/20;x/d|/fields/0/type",
	       "x/a:0 x/b:1 x/d:0");
}
END_TEST

START_TEST(test_non_breaking_changes_never_count)
{
	/* breaks FORWARD only: not breaking under BACKWARD */
	add("avro.field-removed-without-default", "/fields/1", NULL, "b");
	add("avro.field-added-with-default", NULL, "/fields/2", "c");
	EXPECT(DW_MODE_BACKWARD, "x/a|-;x/b|b", "");
	EXPECT(DW_MODE_FORWARD, "x/a|-;x/b|b;x/c|c", "x/a:0 x/b:0");
	EXPECT(DW_MODE_NONE, "x/a|-", "");
}
END_TEST

START_TEST(test_subjectless_change_reaches_everyone)
{
	add("avro.type-changed", "", "", NULL);
	EXPECT(DW_MODE_BACKWARD, "x/a|-;x/b|email", "x/a:0 x/b:0");
}
END_TEST

START_TEST(test_reaches_direct)
{
	json_t *uses = json_pack("[s]", "address");

	add("avro.field-added-without-default", NULL, "/fields/0", "address.city");
	ck_assert(compat_impact_reaches(&changes.items[0], uses));
	ck_assert(compat_impact_reaches(&changes.items[0], NULL));
	json_decref(uses);
	uses = json_pack("[s, i]", "other", 3);
	ck_assert(!compat_impact_reaches(&changes.items[0], uses));
	json_decref(uses);
}
END_TEST

static Suite *impact_suite(void)
{
	Suite *s = suite_create("impact");
	TCase *tc = tcase_create("matching");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_no_uses_reached_by_every_breaking_change);
	tcase_add_test(tc, test_flow_member);
	tcase_add_test(tc, test_openapi_operation_ids_and_method_paths);
	tcase_add_test(tc, test_fields_equal_and_prefix);
	tcase_add_test(tc, test_pointer_uses);
	tcase_add_test(tc, test_non_breaking_changes_never_count);
	tcase_add_test(tc, test_subjectless_change_reaches_everyone);
	tcase_add_test(tc, test_reaches_direct);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(impact_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
