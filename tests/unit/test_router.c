/*
 * test_router: the matching engine (404 vs 405, parameters, decoding, trailing slashes) on a
 * small table, and drivewayd's own route table against the OpenAPI document it serves
 * (schemas/openapi.json): every route is described there, and nothing described is missing
 * from the table.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "server/router.h"
#include "server/server.h"
#include "validators/embedded.h"

static int h_dummy(struct request *req, struct response *res, struct dw_error *err)
{
	(void)req;
	(void)res;
	(void)err;
	return 0;
}

static const struct route table[] = {
    {HTTP_GET, "/", h_dummy, 0, 0},
    {HTTP_GET, "/domains", h_dummy, 0, 0},
    {HTTP_GET, "/domains/{d}", h_dummy, 0, 0},
    {HTTP_PUT, "/domains/{d}", h_dummy, ROUTE_JSON_BODY | ROUTE_WRITE, 1024},
    {HTTP_DELETE, "/domains/{d}", h_dummy, ROUTE_ADMIN, 0},
    {HTTP_GET, "/domains/{d}/products/{p}/versions/{n}", h_dummy, 0, 0},
    {HTTP_DELETE, "/domains/{d}/tokens/{id}", h_dummy, ROUTE_ADMIN, 0},
    {HTTP_GET, "/files/{name}", h_dummy, 0, 0},
    {HTTP_GET, "/ui/{page...}", h_dummy, ROUTE_UI, 0},
};
#define NTABLE (sizeof(table) / sizeof(table[0]))

/* The longest slug: 63 characters. */
#define SLUG_63                                                                                    \
	"a23456789012345678901234567890"                                                           \
	"123456789012345678901234567890123"

static int match(enum http_method m, const char *path, struct route_match *rm)
{
	return router_match(table, NTABLE, m, path, rm);
}

START_TEST(test_root_and_literals)
{
	struct route_match m;

	ck_assert_int_eq(match(HTTP_GET, "/", &m), 0);
	ck_assert_ptr_eq(m.route, &table[0]);
	ck_assert_int_eq(match(HTTP_GET, "/domains", &m), 0);
	ck_assert_ptr_eq(m.route, &table[1]);
	ck_assert_uint_eq(m.nparams, 0);
}
END_TEST

START_TEST(test_404_vs_405)
{
	struct route_match m;
	char allow[64];

	ck_assert_int_eq(match(HTTP_GET, "/nothing", &m), DW_NOT_FOUND);
	ck_assert_uint_eq(m.allowed, 0);
	ck_assert_ptr_null(m.route);

	ck_assert_int_eq(match(HTTP_POST, "/domains/customer", &m), DW_NOT_FOUND);
	ck_assert_uint_ne(m.allowed, 0);
	router_allow(m.allowed, allow, sizeof(allow));
	ck_assert_str_eq(allow, "GET, HEAD, PUT, DELETE");

	ck_assert_int_eq(match(HTTP_OTHER, "/domains", &m), DW_NOT_FOUND);
	router_allow(m.allowed, allow, sizeof(allow));
	ck_assert_str_eq(allow, "GET, HEAD");

	/* A path whose parameter is invalid matches no pattern: 404, not 405. */
	ck_assert_int_eq(match(HTTP_POST, "/domains/Not_A_Slug", &m), DW_NOT_FOUND);
	ck_assert_uint_eq(m.allowed, 0);
}
END_TEST

START_TEST(test_head_uses_get)
{
	struct route_match m;

	ck_assert_int_eq(match(HTTP_HEAD, "/domains/customer", &m), 0);
	ck_assert_ptr_eq(m.route, &table[2]);
	ck_assert_str_eq(route_match_param(&m, "d"), "customer");
	/* HEAD where there is no GET is 405. */
	ck_assert_int_eq(match(HTTP_HEAD, "/domains/customer/tokens/3", &m), DW_NOT_FOUND);
	ck_assert_uint_eq(m.allowed, 1u << HTTP_DELETE);
}
END_TEST

START_TEST(test_params)
{
	struct route_match m;

	ck_assert_int_eq(match(HTTP_GET, "/domains/customer/products/profile-api/versions/12", &m),
	                 0);
	ck_assert_ptr_eq(m.route, &table[5]);
	ck_assert_uint_eq(m.nparams, 3);
	ck_assert_str_eq(route_match_param(&m, "d"), "customer");
	ck_assert_str_eq(route_match_param(&m, "p"), "profile-api");
	ck_assert_str_eq(route_match_param(&m, "n"), "12");
	ck_assert_ptr_null(route_match_param(&m, "x"));
	ck_assert_int_eq(match(HTTP_GET, "/domains/c/products/p/versions/latest", &m), 0);
	ck_assert_str_eq(route_match_param(&m, "n"), "latest");
	/* n: 1..2^31-1, no leading zero, or latest */
	ck_assert_int_eq(match(HTTP_GET, "/domains/c/products/p/versions/0", &m), DW_INVALID);
	ck_assert_int_eq(match(HTTP_GET, "/domains/c/products/p/versions/01", &m), DW_INVALID);
	ck_assert_int_eq(match(HTTP_GET, "/domains/c/products/p/versions/-1", &m), DW_INVALID);
	ck_assert_int_eq(match(HTTP_GET, "/domains/c/products/p/versions/2147483648", &m),
	                 DW_INVALID);
	ck_assert_int_eq(match(HTTP_GET, "/domains/c/products/p/versions/2147483647", &m), 0);
	ck_assert_int_eq(match(HTTP_GET, "/domains/c/products/p/versions/LATEST", &m), DW_INVALID);
	/* id: a positive integer */
	ck_assert_int_eq(match(HTTP_DELETE, "/domains/c/tokens/42", &m), 0);
	ck_assert_str_eq(route_match_param(&m, "id"), "42");
	ck_assert_int_eq(match(HTTP_DELETE, "/domains/c/tokens/4x", &m), DW_INVALID);
	/* slugs */
	ck_assert_int_eq(match(HTTP_GET, "/domains/-customer", &m), DW_INVALID);
	ck_assert_int_eq(match(HTTP_GET, "/domains/customer-", &m), DW_INVALID);
	ck_assert_int_eq(match(HTTP_GET, "/domains/CUSTOMER", &m), DW_INVALID);
	ck_assert_int_eq(match(HTTP_GET, "/domains/" SLUG_63 "x", &m), DW_INVALID);
	ck_assert_int_eq(match(HTTP_GET, "/domains/" SLUG_63, &m), 0);
}
END_TEST

START_TEST(test_decoding)
{
	struct route_match m;

	/* Percent-escapes are decoded before matching, per segment. */
	ck_assert_int_eq(match(HTTP_GET, "/domains/%63ustomer", &m), 0);
	ck_assert_str_eq(route_match_param(&m, "d"), "customer");
	ck_assert_int_eq(match(HTTP_GET, "/%64omains", &m), 0);
	ck_assert_ptr_eq(m.route, &table[1]);
	/* %2F stays inside its segment: never a slash that splits the path. */
	ck_assert_int_eq(match(HTTP_GET, "/files/a%2Fb", &m), 0);
	ck_assert_str_eq(route_match_param(&m, "name"), "a/b");
	ck_assert_int_eq(match(HTTP_GET, "/domains/cus%2Ftomer", &m), DW_INVALID);
	ck_assert_str_eq(route_match_param(&m, "d"), "cus/tomer");
	ck_assert_int_eq(match(HTTP_GET, "/files/caf%C3%A9", &m), 0);
	ck_assert_str_eq(route_match_param(&m, "name"), "caf\xc3\xa9");
	/* Malformed escapes and NUL bytes are 404. */
	ck_assert_int_eq(match(HTTP_GET, "/files/a%2", &m), DW_NOT_FOUND);
	ck_assert_int_eq(match(HTTP_GET, "/files/a%zz", &m), DW_NOT_FOUND);
	ck_assert_int_eq(match(HTTP_GET, "/files/a%00b", &m), DW_NOT_FOUND);
}
END_TEST

START_TEST(test_invalid_params)
{
	struct route_match m;

	/* The shape of a route, a parameter failing its check: DW_INVALID with the route and
	 * the raw (decoded) values, so that a PUT can report the name as invalid. */
	ck_assert_int_eq(match(HTTP_PUT, "/domains/Bad_Name", &m), DW_INVALID);
	ck_assert_ptr_eq(m.route, &table[3]);
	ck_assert_str_eq(route_match_param(&m, "d"), "Bad_Name");
	ck_assert_uint_eq(m.allowed, 0);
	/* No route of that method has the shape: plain 404. */
	ck_assert_int_eq(match(HTTP_POST, "/domains/Bad_Name", &m), DW_NOT_FOUND);
	ck_assert_ptr_null(m.route);
	/* A valid route elsewhere wins: 405 for the method, not DW_INVALID. */
	ck_assert_int_eq(match(HTTP_PUT, "/domains", &m), DW_NOT_FOUND);
	ck_assert_uint_ne(m.allowed, 0);
	/* Long segments are decoded whole (a 300-character name is reported, not cut). */
	{
		char path[400];
		memcpy(path, "/domains/", 9);
		memset(path + 9, 'a', 300);
		path[309] = '\0';
		ck_assert_int_eq(match(HTTP_PUT, path, &m), DW_INVALID);
		ck_assert_uint_eq(strlen(route_match_param(&m, "d")), 300);
	}
}
END_TEST

START_TEST(test_rest_parameter)
{
	struct route_match m;

	/* One or more segments, joined with '/', decoded. */
	ck_assert_int_eq(match(HTTP_GET, "/ui/products/customer/profile-api", &m), 0);
	ck_assert_ptr_eq(m.route, &table[8]);
	ck_assert_str_eq(route_match_param(&m, "page"), "products/customer/profile-api");
	ck_assert_int_eq(match(HTTP_GET, "/ui/landscape", &m), 0);
	ck_assert_str_eq(route_match_param(&m, "page"), "landscape");
	ck_assert_int_eq(match(HTTP_GET, "/ui/a%20b/c", &m), 0);
	ck_assert_str_eq(route_match_param(&m, "page"), "a b/c");
	/* Not zero segments, not a trailing slash, and the usual limits hold. */
	ck_assert_int_eq(match(HTTP_GET, "/ui", &m), DW_NOT_FOUND);
	ck_assert_int_eq(match(HTTP_GET, "/ui/", &m), DW_NOT_FOUND);
	ck_assert_int_eq(match(HTTP_GET, "/ui/a//b", &m), DW_NOT_FOUND);
	ck_assert_int_eq(match(HTTP_GET, "/ui/a/b/c/d/e/f/g/h", &m), DW_NOT_FOUND);
	/* Other methods: 405. */
	ck_assert_int_eq(match(HTTP_POST, "/ui/x", &m), DW_NOT_FOUND);
	ck_assert_uint_eq(m.allowed, (1u << HTTP_GET) | (1u << HTTP_HEAD));
}
END_TEST

START_TEST(test_decode_function)
{
	char out[8];

	ck_assert_int_eq(router_decode("a%41b", 5, out, sizeof(out)), 3);
	ck_assert_str_eq(out, "aAb");
	ck_assert_int_eq(router_decode("abcdefgh", 8, out, sizeof(out)), -1); /* no room */
	ck_assert_int_eq(router_decode("abcdefg", 7, out, sizeof(out)), 7);
	ck_assert_int_eq(router_decode("%", 1, out, sizeof(out)), -1);
	ck_assert_int_eq(router_decode("%4", 2, out, sizeof(out)), -1);
}
END_TEST

START_TEST(test_slashes)
{
	struct route_match m;

	ck_assert_int_eq(match(HTTP_GET, "/domains/", &m), DW_NOT_FOUND);
	ck_assert_int_eq(match(HTTP_GET, "/domains/customer/", &m), DW_NOT_FOUND);
	ck_assert_int_eq(match(HTTP_GET, "//domains", &m), DW_NOT_FOUND);
	ck_assert_int_eq(match(HTTP_GET, "/domains//customer", &m), DW_NOT_FOUND);
	ck_assert_int_eq(match(HTTP_GET, "domains", &m), DW_NOT_FOUND);
	ck_assert_int_eq(match(HTTP_GET, "", &m), DW_NOT_FOUND);
	ck_assert_int_eq(match(HTTP_GET, "*", &m), DW_NOT_FOUND);
	ck_assert_int_eq(match(HTTP_GET, "/a/b/c/d/e/f/g/h/i/j", &m), DW_NOT_FOUND);
}
END_TEST

START_TEST(test_methods)
{
	ck_assert_int_eq(http_method_parse("GET"), HTTP_GET);
	ck_assert_int_eq(http_method_parse("PATCH"), HTTP_PATCH);
	ck_assert_int_eq(http_method_parse("get"), HTTP_OTHER);
	ck_assert_int_eq(http_method_parse("OPTIONS"), HTTP_OTHER);
	ck_assert_str_eq(http_method_name(HTTP_DELETE), "DELETE");
}
END_TEST

/* "/domains/{d}" -> "/domains/{}" so that parameter names need not agree. */
static void normalise(const char *in, char *out, size_t size)
{
	size_t o = 0;

	for (const char *p = in; *p && o + 3 < size; p++) {
		if (*p == '{') {
			out[o++] = '{';
			out[o++] = '}';
			p = strchr(p, '}');
			if (!p)
				break;
			continue;
		}
		out[o++] = *p;
	}
	out[o] = '\0';
}

static const char *const oas_methods[] = {"get",  "put",     "post",  "patch", "delete",
                                          "head", "options", "trace", NULL};

static json_t *load_openapi(void)
{
	const struct dw_embedded *f = dw_embedded_find("schemas/openapi.json");
	json_error_t jerr;
	json_t *doc;

	ck_assert_msg(f != NULL, "schemas/openapi.json is not embedded");
	doc = json_loadb((const char *)f->data, f->size, 0, &jerr);
	ck_assert_msg(doc != NULL, "schemas/openapi.json: %s", jerr.text);
	ck_assert_msg(json_is_object(json_object_get(doc, "paths")), "openapi.json has no paths");
	return doc;
}

/* The operation of the OpenAPI document for a route (borrowed), or NULL. */
static json_t *oas_operation(json_t *paths, const struct route *r)
{
	char want[256], have[256], method[16];
	const char *path;
	json_t *item;
	size_t i;

	normalise(r->pattern, want, sizeof(want));
	for (i = 0; http_method_name(r->method)[i] && i + 1 < sizeof(method); i++)
		method[i] = (char)(http_method_name(r->method)[i] - 'A' + 'a');
	method[i] = '\0';
	json_object_foreach(paths, path, item)
	{
		normalise(path, have, sizeof(have));
		if (strcmp(want, have) == 0)
			return json_object_get(item, method);
	}
	return NULL;
}

START_TEST(test_table_in_openapi)
{
	json_t *doc = load_openapi();
	json_t *paths = json_object_get(doc, "paths");

	for (size_t i = 0; i < server_route_count; i++) {
		const struct route *r = &server_routes[i];
		/* The web catalog's pages are not part of the API; the Confluent-compatible API
		 * is described by Confluent's own documents (docs/api.md). */
		if (r->flags & (ROUTE_UI | ROUTE_CCOMPAT))
			continue;
		ck_assert_msg(oas_operation(paths, r) != NULL,
		              "route %s %s is not in schemas/openapi.json",
		              http_method_name(r->method), r->pattern);
	}
	json_decref(doc);
}
END_TEST

START_TEST(test_openapi_in_table)
{
	json_t *doc = load_openapi();
	json_t *paths = json_object_get(doc, "paths");
	const char *path;
	json_t *item;

	json_object_foreach(paths, path, item)
	{
		char want[256], have[256];

		normalise(path, want, sizeof(want));
		for (size_t k = 0; oas_methods[k]; k++) {
			int found = 0;
			char upper[16];
			size_t j;

			if (!json_object_get(item, oas_methods[k]))
				continue;
			for (j = 0; oas_methods[k][j] && j + 1 < sizeof(upper); j++)
				upper[j] = (char)(oas_methods[k][j] - 'a' + 'A');
			upper[j] = '\0';
			for (size_t i = 0; i < server_route_count && !found; i++) {
				const struct route *r = &server_routes[i];
				enum http_method m = http_method_parse(upper);

				normalise(r->pattern, have, sizeof(have));
				if (strcmp(want, have) != 0)
					continue;
				/* HEAD is served wherever GET is. */
				found = r->method == m || (m == HTTP_HEAD && r->method == HTTP_GET);
			}
			ck_assert_msg(found, "openapi.json lists %s %s, which drivewayd lacks",
			              upper, path);
		}
	}
	json_decref(doc);
}
END_TEST

START_TEST(test_table_sane)
{
	for (size_t i = 0; i < server_route_count; i++) {
		const struct route *r = &server_routes[i];
		struct route_match m;

		ck_assert_ptr_nonnull(r->handler);
		ck_assert_int_ne(r->method, HTTP_HEAD);
		ck_assert_int_ne(r->method, HTTP_OTHER);
		/* A body route has a limit, others take none. */
		ck_assert_msg(!(r->flags & ROUTE_JSON_BODY) == !r->body_limit,
		              "%s has a body limit mismatch", r->pattern);
		/* Domain-scoped writes need {d} to check the token against (the
		 * Confluent-compatible API's handlers check the subject's domain themselves). */
		if ((r->flags & ROUTE_WRITE) && !(r->flags & (ROUTE_ADMIN | ROUTE_CCOMPAT)))
			ck_assert_msg(strstr(r->pattern, "{d}") != NULL,
			              "write route %s has no {d}", r->pattern);
		for (size_t j = i + 1; j < server_route_count; j++)
			ck_assert_msg(!(server_routes[j].method == r->method &&
			                strcmp(server_routes[j].pattern, r->pattern) == 0),
			              "route %s %s is listed twice", http_method_name(r->method),
			              r->pattern);
		/* The real table routes a request to this very entry. */
		if (!strchr(r->pattern, '{')) {
			ck_assert_int_eq(router_match(server_routes, server_route_count, r->method,
			                              r->pattern, &m),
			                 0);
			ck_assert_ptr_eq(m.route, r);
		}
	}
}
END_TEST

START_TEST(test_real_table_routes)
{
	struct route_match m;
	char allow[64];

	ck_assert_int_eq(router_match(server_routes, server_route_count, HTTP_GET,
	                              "/domains/customer/products/profile-api/versions/latest", &m),
	                 0);
	ck_assert_ptr_eq(m.route->handler, h_version_get);
	ck_assert_int_eq(router_match(server_routes, server_route_count, HTTP_GET,
	                              "/domains/customer/products/profile-api/versions/3/contract",
	                              &m),
	                 0);
	ck_assert_ptr_eq(m.route->handler, h_version_contract);
	ck_assert_int_eq(router_match(server_routes, server_route_count, HTTP_PUT,
	                              "/domains/customer/products/profile-api/versions/3", &m),
	                 DW_NOT_FOUND);
	router_allow(m.allowed, allow, sizeof(allow));
	ck_assert_str_eq(allow, "GET, HEAD");
	ck_assert_int_eq(router_match(server_routes, server_route_count, HTTP_PATCH,
	                              "/domains/customer/products/profile-api", &m),
	                 0);
	ck_assert_ptr_eq(m.route->handler, h_product_patch);
	ck_assert_uint_ne(m.route->flags & ROUTE_WRITE, 0);
	ck_assert_int_eq(router_match(server_routes, server_route_count, HTTP_POST,
	                              "/domains/customer/tokens", &m),
	                 0);
	ck_assert_uint_ne(m.route->flags & ROUTE_ADMIN, 0);
	/* The web catalog: its files, and its pages at any depth under /ui. */
	ck_assert_int_eq(router_match(server_routes, server_route_count, HTTP_GET,
	                              "/ui/assets/app.js", &m),
	                 0);
	ck_assert_ptr_eq(m.route->handler, h_web_asset);
	ck_assert_int_eq(router_match(server_routes, server_route_count, HTTP_GET,
	                              "/ui/products/customer/profile-api/compare", &m),
	                 0);
	ck_assert_ptr_eq(m.route->handler, h_web_page);
	ck_assert_uint_ne(m.route->flags & ROUTE_UI, 0);
	ck_assert_int_eq(router_match(server_routes, server_route_count, HTTP_GET, "/ui", &m), 0);
	ck_assert_ptr_eq(m.route->handler, h_web_page);
}
END_TEST

static Suite *router_suite(void)
{
	Suite *s = suite_create("router");
	TCase *tc = tcase_create("match");

	tcase_add_test(tc, test_root_and_literals);
	tcase_add_test(tc, test_404_vs_405);
	tcase_add_test(tc, test_head_uses_get);
	tcase_add_test(tc, test_params);
	tcase_add_test(tc, test_decoding);
	tcase_add_test(tc, test_invalid_params);
	tcase_add_test(tc, test_rest_parameter);
	tcase_add_test(tc, test_decode_function);
	tcase_add_test(tc, test_slashes);
	tcase_add_test(tc, test_methods);
	suite_add_tcase(s, tc);
	tc = tcase_create("table");
	tcase_add_test(tc, test_table_in_openapi);
	tcase_add_test(tc, test_openapi_in_table);
	tcase_add_test(tc, test_table_sane);
	tcase_add_test(tc, test_real_table_routes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(router_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
