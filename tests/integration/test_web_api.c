/*
 * What the web catalog needs from drivewayd, against a real server on a free loopback port:
 * GET /stats, search over contract field names (q), the consumes filter of /products, and the
 * UI routes (index.html for every /ui page, the files under /ui/assets, security headers,
 * open even under --read-auth).
 *
 * Each test gets its own server (checked fixture), without fork so the teardown always runs.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tests/integration/harness.c"

/* Sends and checks the status; the response is released. */
static void expect(const char *method, const char *path, const char *body, long status)
{
	struct hs_response r;
	long got = hs_req(method, path, hs_srv.admin, body, &r);

	ck_assert_msg(got == status, "%s %s: %ld, expected %ld: %s", method, path, got, status,
	              r.body ? r.body : "");
	hs_response_release(&r);
}

static void mk_domain(const char *d)
{
	char path[128], body[256];

	snprintf(path, sizeof(path), "/domains/%s", d);
	snprintf(body, sizeof(body),
	         "{\"apiVersion\":\"driveway/v1\",\"kind\":\"Domain\",\"metadata\":{\"name\":"
	         "\"%s\"},\"spec\":{\"title\":\"Domain %s\",\"owner\":\"team-%s\"}}",
	         d, d, d);
	expect("PUT", path, body, 201);
}

/* A product of kind, consuming the provider ref when not NULL. Its compatibility is NONE: the
 * versions these tests register replace one field by another, which BACKWARD refuses. */
static void mk_product(const char *d, const char *p, const char *kind, const char *consumes)
{
	char path[160], body[768];

	snprintf(path, sizeof(path), "/domains/%s/products/%s", d, p);
	snprintf(body, sizeof(body),
	         "{\"apiVersion\":\"driveway/v1\",\"kind\":\"DataProduct\",\"metadata\":{"
	         "\"domain\":\"%s\",\"name\":\"%s\",\"owner\":\"team-%s\"},\"spec\":{\"type\":"
	         "\"%s\",\"compatibility\":\"NONE\"%s%s%s}}",
	         d, p, d, kind, consumes ? ",\"consumes\":[{\"product\":\"" : "",
	         consumes ? consumes : "", consumes ? "\",\"pattern\":\"rest-api\"}]" : "");
	expect("PUT", path, body, 201);
}

/* Registers a JSON Schema version whose only property is field. */
static void mk_version(const char *d, const char *p, const char *field)
{
	char path[192], body[512];

	snprintf(path, sizeof(path), "/domains/%s/products/%s/versions", d, p);
	snprintf(body, sizeof(body),
	         "{\"format\":\"jsonschema\",\"contract\":{\"$schema\":"
	         "\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
	         "\"properties\":{\"%s\":{\"type\":\"string\"}}}}",
	         field);
	expect("POST", path, body, 201);
}

/* "domain/name ..." of a product collection. */
static char *names(const char *path)
{
	struct hs_response r;
	json_t *j, *it;
	size_t i, len = 0;
	char *out = calloc(1, 4096);

	ck_assert_int_eq(hs_req("GET", path, NULL, NULL, &r), 200);
	j = hs_json(&r);
	json_array_foreach(json_object_get(j, "items"), i, it)
	{
		json_t *md = json_object_get(it, "metadata");
		len += (size_t)snprintf(out + len, 4096 - len, "%s%s/%s", i ? " " : "",
		                        json_string_value(json_object_get(md, "domain")),
		                        json_string_value(json_object_get(md, "name")));
	}
	json_decref(j);
	hs_response_release(&r);
	return out;
}

#define ASSERT_NAMES(path, want)                                                                   \
	do {                                                                                       \
		char *got_ = names(path);                                                          \
		ck_assert_msg(strcmp(got_, want) == 0, "%s: '%s', expected '%s'", path, got_,      \
		              want);                                                               \
		free(got_);                                                                        \
	} while (0)

START_TEST(test_stats)
{
	struct hs_response r;
	json_t *j;

	ck_assert_int_eq(hs_req("GET", "/stats", NULL, NULL, &r), 200);
	j = hs_json(&r);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "products")), 0);
	ck_assert(json_is_array(json_object_get(j, "recent")));
	json_decref(j);
	hs_response_release(&r);

	mk_domain("customer");
	mk_domain("support");
	mk_product("customer", "profile", "api", NULL);
	mk_product("customer", "events", "topic", NULL);
	mk_product("support", "console", "bff", "customer/profile");
	mk_version("customer", "profile", "email");
	mk_version("customer", "events", "id");
	mk_version("customer", "profile", "phone");

	ck_assert_int_eq(hs_req("GET", "/stats?recent=2", NULL, NULL, &r), 200);
	j = hs_json(&r);
	ck_assert_msg(j != NULL, "not JSON: %s", r.body);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "domains")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "products")), 3);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "versions")), 3);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(j, "kinds"), "bff")),
	                 1);
	ck_assert_str_eq(json_string_value(json_object_get(
	                     json_array_get(json_object_get(j, "byDomain"), 0), "title")),
	                 "Domain customer");
	ck_assert_uint_eq(json_array_size(json_object_get(j, "recent")), 2);
	ck_assert_str_eq(json_string_value(json_object_get(
	                     json_array_get(json_object_get(j, "recent"), 0), "product")),
	                 "customer/profile");
	ck_assert_int_eq(json_integer_value(json_object_get(
	                     json_array_get(json_object_get(j, "recent"), 0), "version")),
	                 2);
	json_decref(j);
	hs_response_release(&r);

	/* The answer follows writes (it is cached until the next one). */
	mk_product("support", "desk", "api", NULL);
	ck_assert_int_eq(hs_req("GET", "/stats?recent=2", NULL, NULL, &r), 200);
	ck_assert_msg(strstr(r.body, "\"products\":4") != NULL, "stale stats: %s", r.body);
	hs_response_release(&r);

	expect("GET", "/stats?recent=101", NULL, 400);
	expect("GET", "/stats?recent=x", NULL, 400);
	expect("GET", "/stats?recent=-1", NULL, 400);
	expect("POST", "/stats", "{}", 405);
}
END_TEST

START_TEST(test_search_contract_fields)
{
	mk_domain("customer");
	mk_product("customer", "profile", "api", NULL);
	mk_product("customer", "other", "api", NULL);
	ASSERT_NAMES("/products?q=loyaltytier", "");
	mk_version("customer", "profile", "loyaltyTier");
	ASSERT_NAMES("/products?q=loyaltytier", "customer/profile");
	ASSERT_NAMES("/products?q=LOYALTY&kind=api", "customer/profile");
	ASSERT_NAMES("/products?q=loyalty&kind=topic", "");
	/* Only the latest contract counts. */
	mk_version("customer", "profile", "tier_code");
	ASSERT_NAMES("/products?q=loyaltytier", "");
	ASSERT_NAMES("/products?q=r_c", "customer/profile");
}
END_TEST

START_TEST(test_consumes_filter)
{
	struct hs_response r;
	json_t *j;
	const char *next;

	mk_domain("customer");
	mk_domain("support");
	mk_domain("billing");
	mk_product("customer", "profile", "api", NULL);
	mk_product("support", "console", "bff", "customer/profile");
	mk_product("support", "desk", "bff", "customer/profile");
	mk_product("billing", "accounts", "table", "customer/events");
	ASSERT_NAMES("/products?consumes=customer/profile", "support/console support/desk");
	ASSERT_NAMES("/products?consumes=customer",
	             "billing/accounts support/console support/desk");
	ASSERT_NAMES("/products?consumes=billing", "");
	expect("GET", "/products?consumes=Customer", NULL, 400);
	expect("GET", "/products?consumes=customer/", NULL, 400);
	expect("GET", "/products?consumes=a/b/c", NULL, 400);
	/* The next page keeps the filter. */
	ck_assert_int_eq(hs_req("GET", "/products?consumes=customer&limit=1", NULL, NULL, &r), 200);
	j = hs_json(&r);
	next = json_string_value(json_object_get(j, "next"));
	ck_assert_msg(next && strstr(next, "consumes=customer"), "next: %s", r.body);
	json_decref(j);
	hs_response_release(&r);
}
END_TEST

/* 1 when the header block has "Name: value" with value starting with want. */
static int has_header(const struct hs_response *r, const char *name, const char *want)
{
	char *v = hs_header(r, name);
	int ok = v && strncmp(v, want, strlen(want)) == 0;

	free(v);
	return ok;
}

static void expect_ui(const char *path, long status, const char *type)
{
	struct hs_response r;

	ck_assert_int_eq(hs_req("GET", path, NULL, NULL, &r), status);
	ck_assert_msg(has_header(&r, "Content-Security-Policy", "default-src 'self'"),
	              "%s: no CSP: %s", path, r.headers);
	ck_assert_msg(has_header(&r, "X-Content-Type-Options", "nosniff"), "%s: no nosniff", path);
	ck_assert_msg(has_header(&r, "Referrer-Policy", "no-referrer"), "%s: no Referrer-Policy",
	              path);
	if (type)
		ck_assert_msg(has_header(&r, "Content-Type", type), "%s: type: %s", path,
		              r.headers);
	if (status == 200 && type && strstr(type, "html"))
		ck_assert_msg(strstr(r.body, "<script type=\"module\" src=\"/ui/assets/app.js\">"),
		              "%s: not the catalog's index.html", path);
	hs_response_release(&r);
}

START_TEST(test_ui_routes)
{
	struct hs_response r;
	struct hs_request rq = {.path = "/ui/assets/app.js"};
	char *etag, inm[128];

	expect_ui("/ui", 200, "text/html");
	expect_ui("/ui/products/customer/profile-api", 200, "text/html");
	expect_ui("/ui/products/customer/profile-api/compare", 200, "text/html");
	expect_ui("/ui/anything/at/all", 200, "text/html");
	expect_ui("/ui/assets/app.js", 200, "text/javascript");
	expect_ui("/ui/assets/style.css", 200, "text/css");
	expect_ui("/ui/assets/no-such.js", 404, "application/problem+json");
	expect_ui("/ui/assets/..%2Fschemas%2Fopenapi.json", 404, NULL);
	expect("POST", "/ui/x", "{}", 405);
	/* A trailing slash on a path that exists without it: a redirect for GET, else 404. */
	{
		char *loc;

		ck_assert_int_eq(hs_req("GET", "/ui/", NULL, NULL, &r), 308);
		loc = hs_header(&r, "Location");
		ck_assert_str_eq(loc, "/ui");
		free(loc);
		hs_response_release(&r);
		ck_assert_int_eq(hs_req("GET", "/domains/", NULL, NULL, &r), 308);
		hs_response_release(&r);
		ck_assert_int_eq(hs_req("GET", "/nothing-here/", NULL, NULL, &r), 404);
		hs_response_release(&r);
		ck_assert_int_eq(hs_req("GET", "/ui//", NULL, NULL, &r), 404);
		hs_response_release(&r);
		expect("PUT", "/domains/", "{}", 404);
	}
	/* ETag revalidation. */
	hs_do(&hs_srv, &rq, &r);
	etag = hs_header(&r, "ETag");
	ck_assert_ptr_nonnull(etag);
	hs_response_release(&r);
	snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
	rq.headers[0] = inm;
	hs_do(&hs_srv, &rq, &r);
	ck_assert_int_eq(r.status, 304);
	hs_response_release(&r);
	free(etag);
}
END_TEST

START_TEST(test_ui_open_under_read_auth)
{
	struct hs_response r;

	ck_assert_int_eq(hs_req("GET", "/ui/products/a/b", NULL, NULL, &r), 200);
	hs_response_release(&r);
	ck_assert_int_eq(hs_req("GET", "/ui/assets/app.js", NULL, NULL, &r), 200);
	hs_response_release(&r);
	/* The data is not: the pages send the token the user sets. */
	ck_assert_int_eq(hs_req("GET", "/stats", NULL, NULL, &r), 401);
	hs_response_release(&r);
	ck_assert_int_eq(hs_req("GET", "/stats", hs_srv.admin, NULL, &r), 200);
	hs_response_release(&r);
}
END_TEST

static Suite *web_api_suite(void)
{
	Suite *s = suite_create("web_api");
	TCase *tc = tcase_create("api");

	tcase_add_checked_fixture(tc, hs_setup, hs_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_stats);
	tcase_add_test(tc, test_search_contract_fields);
	tcase_add_test(tc, test_consumes_filter);
	tcase_add_test(tc, test_ui_routes);
	suite_add_tcase(s, tc);
	tc = tcase_create("read-auth");
	tcase_add_checked_fixture(tc, hs_setup_read_auth, hs_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_ui_open_under_read_auth);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return hs_run_suite(web_api_suite());
}
