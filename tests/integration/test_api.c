/*
 * The registry's HTTP API (docs/api.md) against a real drivewayd on a free loopback port with a
 * temporary database: register, discover, re-register unchanged, conflicts, auth, and bad input
 * that must be refused with its documented status and leave the database untouched.
 *
 * Each test gets its own server (checked fixture). Tests run without fork so that the teardown
 * runs after a failed assertion too and the server never outlives its test.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tests/integration/harness.c"

/* Helpers ---------------------------------------------------------------------------------- */

/* The compact text of doc, which it takes. */
static char *dump_doc(json_t *doc)
{
	char *text = json_dumps(doc, JSON_COMPACT);

	ck_assert_ptr_nonnull(text);
	json_decref(doc);
	return text;
}

/* Like req, with a json_t body (stolen). */
static long req_json(const char *method, const char *path, const char *token, json_t *doc,
                     struct hs_response *r)
{
	char *body = json_dumps(doc, JSON_COMPACT);
	long status;

	json_decref(doc);
	ck_assert_ptr_nonnull(body);
	status = hs_req(method, path, token, body, r);
	free(body);
	return status;
}

static json_t *doc_domain(const char *name, const char *title)
{
	return json_pack("{s:s, s:s, s:{s:s}, s:{s:s, s:s, s:s}}", "apiVersion", "driveway/v1",
	                 "kind", "Domain", "metadata", "name", name, "spec", "title", title,
	                 "owner", "team-platform", "contact", "platform@example.com");
}

/* tags: comma-separated or NULL; lifecycle NULL leaves the default. */
static json_t *doc_product(const char *domain, const char *name, const char *type,
                           const char *owner, const char *lifecycle, const char *tags)
{
	json_t *d = json_pack("{s:s, s:s, s:{s:s, s:s, s:s}, s:{s:s, s:{s:s}, s:s}}", "apiVersion",
	                      "driveway/v1", "kind", "DataProduct", "metadata", "domain", domain,
	                      "name", name, "owner", owner, "spec", "type", type, "contract",
	                      "format", "openapi", "compatibility", "BACKWARD");
	json_t *md = json_object_get(d, "metadata");

	ck_assert_ptr_nonnull(d);
	if (strcmp(type, "topic") == 0)
		json_object_set_new(json_object_get(json_object_get(d, "spec"), "contract"),
		                    "format", json_string("avro"));
	if (lifecycle)
		json_object_set_new(md, "lifecycle", json_string(lifecycle));
	if (tags) {
		json_t *arr = json_array();
		char buf[256];
		snprintf(buf, sizeof(buf), "%s", tags);
		for (char *p = buf, *comma; *p; p = comma ? comma + 1 : p + strlen(p)) {
			comma = strchr(p, ',');
			if (comma)
				*comma = '\0';
			json_array_append_new(arr, json_string(p));
		}
		json_object_set_new(md, "tags", arr);
	}
	return d;
}

static void mk_domain(const char *name)
{
	struct hs_response r;
	char *path = xasprintf("/domains/%s", name);
	long st = req_json("PUT", path, hs_srv.admin, doc_domain(name, "A domain"), &r);

	ck_assert_msg(st == 201, "PUT %s: expected 201, got %ld: %s", path, st, r.body);
	hs_response_release(&r);
	free(path);
}

/* Takes doc. */
static void mk_product_doc(json_t *doc)
{
	struct hs_response r;
	json_t *md = json_object_get(doc, "metadata");
	char *path =
	    xasprintf("/domains/%s/products/%s", json_string_value(json_object_get(md, "domain")),
	              json_string_value(json_object_get(md, "name")));
	long st = req_json("PUT", path, hs_srv.admin, doc, &r);

	ck_assert_msg(st == 201, "PUT %s: expected 201, got %ld: %s", path, st, r.body);
	hs_response_release(&r);
	free(path);
}

static void assert_header_eq(const struct hs_response *r, const char *name, const char *want)
{
	char *v = hs_header(r, name);

	ck_assert_msg(v != NULL, "missing header %s", name);
	ck_assert_msg(strcmp(v, want) == 0, "header %s: expected '%s', got '%s'", name, want, v);
	free(v);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The body is an RFC 9457 problem with this status. Returns the parsed problem (caller
 * decrefs). */
static json_t *assert_problem(const struct hs_response *r, long status)
{
	char *ct = hs_header(r, "Content-Type");
	json_t *p = hs_json(r);

	ck_assert_msg(r->status == status, "expected status %ld, got %ld: %s", status, r->status,
	              r->body);
	ck_assert_msg(ct && strncmp(ct, "application/problem+json", 24) == 0,
	              "status %ld: expected application/problem+json, got '%s'", status,
	              ct ? ct : "(none)");
	ck_assert_msg(json_is_object(p), "problem body does not parse: %s", r->body);
	ck_assert_msg(json_integer_value(json_object_get(p, "status")) == status,
	              "problem status field is not %ld: %s", status, r->body);
	ck_assert_msg(json_is_string(json_object_get(p, "title")), "problem has no title: %s",
	              r->body);
	free(ct);
	return p;
}

/* The problem's errors[] has an entry whose pointer is exactly ptr. */
static int has_error_at(json_t *problem, const char *ptr)
{
	size_t i;
	json_t *e;

	json_array_foreach(json_object_get(problem, "errors"), i, e)
	{
		const char *p = json_string_value(json_object_get(e, "pointer"));
		if (p && strcmp(p, ptr) == 0 && json_is_string(json_object_get(e, "message")))
			return 1;
	}
	return 0;
}

/*
 * The database dump without the token rows: the store records each token's last use on every
 * authenticated request (server/store.h, store_token_lookup), so those rows change with any
 * write attempt, refused or not. Every other byte must stay the same.
 */
static char *stable_dump(void)
{
	char *dump = hs_db_dump(&hs_srv), *out, *o;

	ck_assert_msg(dump != NULL, "sqlite3 .dump failed on %s", hs_srv.db);
	out = o = xmalloc(strlen(dump) + 1);
	for (char *p = dump; *p;) {
		char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) + 1 : strlen(p);
		if (!(strncmp(p, "INSERT INTO ", 12) == 0 && strncmp(p + 12, "token", 5) == 0) &&
		    !(strncmp(p, "INSERT INTO \"", 13) == 0 && strncmp(p + 13, "token", 5) == 0)) {
			memcpy(o, p, n);
			o += n;
		}
		p += n;
	}
	*o = '\0';
	free(dump);
	return out;
}

static void assert_dump_unchanged(const char *before, const char *what)
{
	char *after = stable_dump();

	ck_assert_msg(strcmp(before, after) == 0,
	              "%s changed the database:\n--- before\n%s\n--- after\n%s", what, before,
	              after);
	free(after);
}

/* The product names of a collection body, "domain/name" joined by spaces. */
static char *names_of(const struct hs_response *r)
{
	json_t *body = hs_json(r), *items, *it;
	size_t i;
	char *out = xstrdup("");

	ck_assert_msg(json_is_object(body), "collection does not parse: %s", r->body);
	items = json_object_get(body, "items");
	ck_assert_msg(json_is_array(items), "collection has no items array: %s", r->body);
	json_array_foreach(items, i, it)
	{
		json_t *md = json_object_get(it, "metadata");
		char *next = xasprintf("%s%s%s/%s", out, *out ? " " : "",
		                       json_string_value(json_object_get(md, "domain")),
		                       json_string_value(json_object_get(md, "name")));
		free(out);
		out = next;
	}
	json_decref(body);
	return out;
}

static const char V1[] =
    "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"Profile\",\"version\":\"1.0.0\"},"
    "\"paths\":{\"/profiles/{id}\":{\"get\":{\"operationId\":\"getProfile\","
    "\"parameters\":[{\"name\":\"id\",\"in\":\"path\",\"required\":true,"
    "\"schema\":{\"type\":\"string\"}}],"
    "\"responses\":{\"200\":{\"description\":\"the profile\"}}}}}}";

/* V1 with every object's keys in another order, and other whitespace. */
static const char V1_REORDERED[] =
    "{\n  \"paths\" : {\n    \"/profiles/{id}\" : { \"get\" : {\n"
    "      \"responses\" : { \"200\" : { \"description\" : \"the profile\" } },\n"
    "      \"parameters\" : [ { \"schema\" : { \"type\" : \"string\" }, \"required\" : true,\n"
    "                         \"in\" : \"path\", \"name\" : \"id\" } ],\n"
    "      \"operationId\" : \"getProfile\" } } },\n"
    "  \"info\" : { \"version\" : \"1.0.0\", \"title\" : \"Profile\" },\n"
    "  \"openapi\" : \"3.1.0\"\n}\n";

/* V1 plus an operation: a compatible change. */
static const char V2[] =
    "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"Profile\",\"version\":\"1.1.0\"},"
    "\"paths\":{\"/profiles/{id}\":{\"get\":{\"operationId\":\"getProfile\","
    "\"parameters\":[{\"name\":\"id\",\"in\":\"path\",\"required\":true,"
    "\"schema\":{\"type\":\"string\"}}],"
    "\"responses\":{\"200\":{\"description\":\"the profile\"}}}},"
    "\"/profiles\":{\"get\":{\"operationId\":\"listProfiles\","
    "\"responses\":{\"200\":{\"description\":\"profiles\"}}}}}}";

static long post_version(const char *path, const char *token, const char *contract,
                         struct hs_response *r)
{
	char *body = xasprintf("{\"format\": \"openapi\", \"contract\": %s}", contract);
	long st = hs_req("POST", path, token, body, r);

	free(body);
	return st;
}

/* Reals come back as people wrote them: 99.9, not 99.900000000000006. */
START_TEST(test_reals_round_trip_short)
{
	struct hs_response r;
	const char *body =
	    "{\"apiVersion\":\"driveway/v1\",\"kind\":\"DataProduct\","
	    "\"metadata\":{\"domain\":\"customer\",\"name\":\"sla\",\"owner\":\"t\"},"
	    "\"spec\":{\"type\":\"api\",\"sla\":{\"availability\":99.9}}}";

	mk_domain("customer");
	ck_assert_int_eq(hs_req("PUT", "/domains/customer/products/sla", hs_srv.admin, body, &r),
	                 201);
	hs_response_release(&r);
	ck_assert_int_eq(hs_req("GET", "/domains/customer/products/sla", NULL, NULL, &r), 200);
	ck_assert_msg(strstr(r.body, "\"availability\":99.9}") != NULL, "body: %s", r.body);
	hs_response_release(&r);
}
END_TEST

/* Service documents ------------------------------------------------------------------------ */

START_TEST(test_root_health_openapi)
{
	struct hs_response r;
	json_t *j;
	char *ct;

	ck_assert_int_eq(hs_req("GET", "/", NULL, NULL, &r), 200);
	j = hs_json(&r);
	ck_assert_msg(json_is_object(j), "GET / is not a JSON object: %s", r.body);
	ck_assert_msg(strstr(r.body, "/domains") && strstr(r.body, "/products"),
	              "GET / does not link to /domains and /products: %s", r.body);
	json_decref(j);
	hs_response_release(&r);

	ck_assert_int_eq(hs_req("GET", "/healthz", NULL, NULL, &r), 200);
	j = hs_json(&r);
	ck_assert_msg(j && json_is_string(json_object_get(j, "status")) &&
	                  strcmp(json_string_value(json_object_get(j, "status")), "ok") == 0,
	              "GET /healthz: expected {\"status\":\"ok\"}, got %s", r.body);
	json_decref(j);
	hs_response_release(&r);

	ck_assert_int_eq(hs_req("GET", "/openapi.json", NULL, NULL, &r), 200);
	ct = hs_header(&r, "Content-Type");
	ck_assert_msg(ct && strstr(ct, "json"), "openapi.json content type '%s'", ct ? ct : "");
	free(ct);
	j = hs_json(&r);
	ck_assert_msg(json_is_object(j), "openapi.json does not parse");
	const char *v = json_string_value(json_object_get(j, "openapi"));
	ck_assert_msg(v && strncmp(v, "3.1.", 4) == 0, "openapi version '%s', expected 3.1.x",
	              v ? v : "(none)");
	ck_assert_msg(json_is_object(json_object_get(j, "paths")) &&
	                  json_object_get(json_object_get(j, "paths"), "/products"),
	              "openapi.json has no /products path");
	json_decref(j);
	hs_response_release(&r);
}
END_TEST

/* Register, re-register, ETags ----------------------------------------------------------- */

START_TEST(test_domain_put_get_etag)
{
	struct hs_response r;
	char *loc, *etag, *etag2;
	json_t *j;

	ck_assert_int_eq(req_json("PUT", "/domains/customer", hs_srv.admin,
	                          doc_domain("customer", "Customer"), &r),
	                 201);
	loc = hs_header(&r, "Location");
	ck_assert_msg(loc && ends_with(loc, "/domains/customer"), "Location '%s'",
	              loc ? loc : "(none)");
	free(loc);
	assert_header_eq(&r, "Driveway-Result", "created");
	hs_response_release(&r);

	/* The same document again: 200, unchanged. */
	ck_assert_int_eq(req_json("PUT", "/domains/customer", hs_srv.admin,
	                          doc_domain("customer", "Customer"), &r),
	                 200);
	assert_header_eq(&r, "Driveway-Result", "unchanged");
	hs_response_release(&r);

	ck_assert_int_eq(hs_req("GET", "/domains/customer", NULL, NULL, &r), 200);
	etag = hs_header(&r, "ETag");
	ck_assert_msg(etag && etag[0] == '"', "expected a strong ETag, got '%s'",
	              etag ? etag : "(none)");
	j = hs_json(&r);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "metadata"), "name")),
	                 "customer");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "spec"), "title")),
	                 "Customer");
	ck_assert_int_eq(
	    json_integer_value(json_object_get(json_object_get(j, "status"), "revision")), 1);
	ck_assert_int_eq(
	    json_integer_value(json_object_get(json_object_get(j, "status"), "products")), 0);
	json_decref(j);
	hs_response_release(&r);

	char inm[300];
	snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
	struct hs_request rq = {.path = "/domains/customer", .headers = {inm}};
	hs_do(&hs_srv, &rq, &r);
	ck_assert_msg(r.status == 304, "If-None-Match with the current ETag: expected 304, got %ld",
	              r.status);
	ck_assert_int_eq(r.len, 0);
	hs_response_release(&r);

	ck_assert_int_eq(req_json("PUT", "/domains/customer", hs_srv.admin,
	                          doc_domain("customer", "Customers"), &r),
	                 200);
	assert_header_eq(&r, "Driveway-Result", "updated");
	hs_response_release(&r);

	ck_assert_int_eq(hs_req("GET", "/domains/customer", NULL, NULL, &r), 200);
	etag2 = hs_header(&r, "ETag");
	ck_assert_msg(etag2 && strcmp(etag, etag2) != 0, "ETag did not change after an update");
	j = hs_json(&r);
	ck_assert_int_eq(
	    json_integer_value(json_object_get(json_object_get(j, "status"), "revision")), 2);
	json_decref(j);
	hs_response_release(&r);

	/* The old ETag no longer matches: 200 with a body. */
	hs_do(&hs_srv, &rq, &r);
	ck_assert_int_eq(r.status, 200);
	hs_response_release(&r);

	ck_assert_int_eq(hs_req("GET", "/domains", NULL, NULL, &r), 200);
	ck_assert_msg(strstr(r.body, "\"customer\"") != NULL, "GET /domains: %s", r.body);
	hs_response_release(&r);
	free(etag);
	free(etag2);
}
END_TEST

START_TEST(test_product_versions_flow)
{
	struct hs_response r;
	const char *vp = "/domains/customer/products/profile-api/versions";
	json_t *j, *want, *got;
	char *loc, *ct;

	mk_domain("customer");
	ck_assert_int_eq(req_json("PUT", "/domains/customer/products/profile-api", hs_srv.admin,
	                          doc_product("customer", "profile-api", "api", "team-customer",
	                                      "production", "customer,pii"),
	                          &r),
	                 201);
	loc = hs_header(&r, "Location");
	ck_assert_msg(loc && ends_with(loc, "/domains/customer/products/profile-api"),
	              "Location '%s'", loc ? loc : "(none)");
	free(loc);
	assert_header_eq(&r, "Driveway-Result", "created");
	hs_response_release(&r);

	/* Re-register unchanged. */
	ck_assert_int_eq(req_json("PUT", "/domains/customer/products/profile-api", hs_srv.admin,
	                          doc_product("customer", "profile-api", "api", "team-customer",
	                                      "production", "customer,pii"),
	                          &r),
	                 200);
	assert_header_eq(&r, "Driveway-Result", "unchanged");
	hs_response_release(&r);

	/* Version 1. */
	ck_assert_msg(post_version(vp, hs_srv.admin, V1, &r) == 201, "POST v1: %ld %s", r.status,
	              r.body);
	loc = hs_header(&r, "Location");
	ck_assert_msg(loc && ends_with(loc, "/versions/1"), "version Location '%s'",
	              loc ? loc : "(none)");
	free(loc);
	j = hs_json(&r);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "version")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(j, "product")), "customer/profile-api");
	ck_assert_str_eq(json_string_value(json_object_get(j, "format")), "openapi");
	ck_assert_str_eq(json_string_value(json_object_get(j, "mediaType")),
	                 "application/vnd.oai.openapi+json");
	const char *fp = json_string_value(json_object_get(j, "fingerprint"));
	ck_assert_msg(fp && strncmp(fp, "sha256:", 7) == 0 && strlen(fp) == 7 + 64,
	              "fingerprint '%s'", fp ? fp : "(none)");
	char *fp1 = xstrdup(fp);
	json_decref(j);
	hs_response_release(&r);

	/* The same contract, keys reordered and reformatted, fields of the body swapped. */
	char *body = xasprintf("{\n \"contract\": %s,\n \"format\": \"openapi\"\n}", V1_REORDERED);
	ck_assert_int_eq(hs_req("POST", vp, hs_srv.admin, body, &r), 200);
	free(body);
	j = hs_json(&r);
	ck_assert_msg(json_integer_value(json_object_get(j, "version")) == 1,
	              "canonically equal contract: expected version 1, got %s", r.body);
	ck_assert_str_eq(json_string_value(json_object_get(j, "fingerprint")), fp1);
	json_decref(j);
	hs_response_release(&r);

	/* A different contract: version 2. */
	ck_assert_msg(post_version(vp, hs_srv.admin, V2, &r) == 201, "POST v2: %ld %s", r.status,
	              r.body);
	j = hs_json(&r);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "version")), 2);
	ck_assert_msg(strcmp(json_string_value(json_object_get(j, "fingerprint")), fp1) != 0,
	              "v2 has v1's fingerprint");
	json_decref(j);
	hs_response_release(&r);

	/* And v1 once more is still v1, not a third version. */
	ck_assert_int_eq(post_version(vp, hs_srv.admin, V1, &r), 200);
	j = hs_json(&r);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "version")), 1);
	json_decref(j);
	hs_response_release(&r);

	ck_assert_int_eq(hs_req("GET", vp, NULL, NULL, &r), 200);
	j = hs_json(&r);
	ck_assert_msg(json_array_size(json_object_get(j, "items")) == 2, "versions list: %s",
	              r.body);
	ck_assert_int_eq(json_integer_value(json_object_get(
	                     json_array_get(json_object_get(j, "items"), 0), "version")),
	                 1);
	ck_assert_int_eq(json_integer_value(json_object_get(
	                     json_array_get(json_object_get(j, "items"), 1), "version")),
	                 2);
	ck_assert_msg(json_is_null(json_object_get(j, "next")), "versions next not null: %s",
	              r.body);
	json_decref(j);
	hs_response_release(&r);

	ck_assert_int_eq(
	    hs_req("GET", "/domains/customer/products/profile-api/versions/latest", NULL, NULL, &r),
	    200);
	j = hs_json(&r);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "version")), 2);
	json_decref(j);
	hs_response_release(&r);

	ck_assert_int_eq(
	    hs_req("GET", "/domains/customer/products/profile-api/versions/3", NULL, NULL, &r),
	    404);
	json_decref(assert_problem(&r, 404));
	hs_response_release(&r);

	/* The contract, as registered, with its media type. */
	ck_assert_int_eq(hs_req("GET", "/domains/customer/products/profile-api/versions/1/contract",
	                        NULL, NULL, &r),
	                 200);
	ct = hs_header(&r, "Content-Type");
	ck_assert_msg(ct && strncmp(ct, "application/vnd.oai.openapi+json", 32) == 0,
	              "contract media type '%s'", ct ? ct : "(none)");
	free(ct);
	got = hs_json(&r);
	want = json_loads(V1, 0, NULL);
	ck_assert_msg(got && json_equal(got, want), "contract differs from v1: %s", r.body);
	/* Key order preserved: openapi, info, paths as registered. */
	const char *a = strstr(r.body, "\"openapi\""), *b = strstr(r.body, "\"info\""),
	           *c = strstr(r.body, "\"paths\"");
	ck_assert_msg(a && b && c && a < b && b < c, "contract key order not preserved: %s",
	              r.body);
	json_decref(got);
	json_decref(want);
	hs_response_release(&r);

	ck_assert_int_eq(hs_req("GET",
	                        "/domains/customer/products/profile-api/versions/latest/contract",
	                        NULL, NULL, &r),
	                 200);
	got = hs_json(&r);
	want = json_loads(V2, 0, NULL);
	ck_assert_msg(got && json_equal(got, want), "latest contract differs from v2: %s", r.body);
	json_decref(got);
	json_decref(want);
	hs_response_release(&r);

	/* The product reports its versions. */
	ck_assert_int_eq(hs_req("GET", "/domains/customer/products/profile-api", NULL, NULL, &r),
	                 200);
	j = hs_json(&r);
	json_t *status = json_object_get(j, "status");
	ck_assert_msg(json_integer_value(json_object_get(status, "latestVersion")) == 2 &&
	                  json_integer_value(json_object_get(status, "versions")) == 2,
	              "product status: %s", r.body);
	ck_assert_msg(json_is_object(json_object_get(j, "links")), "product has no links: %s",
	              r.body);
	ck_assert_str_eq(
	    json_string_value(json_object_get(json_object_get(j, "metadata"), "lifecycle")),
	    "production");
	json_decref(j);
	hs_response_release(&r);

	ck_assert_int_eq(hs_req("GET", "/domains/customer", NULL, NULL, &r), 200);
	j = hs_json(&r);
	ck_assert_int_eq(
	    json_integer_value(json_object_get(json_object_get(j, "status"), "products")), 1);
	json_decref(j);
	hs_response_release(&r);
	free(fp1);
}
END_TEST

START_TEST(test_version_checks)
{
	struct hs_response r;
	const char *vp = "/domains/customer/products/profile-api/versions";
	char *before;
	json_t *p;

	mk_domain("customer");
	mk_product_doc(doc_product("customer", "profile-api", "api", "team-customer", NULL, NULL));
	before = stable_dump();

	/* An OpenAPI document with problems: pointers are relative to the request body. */
	ck_assert_int_eq(
	    post_version(vp, hs_srv.admin,
	                 "{\"openapi\": \"3.1.0\", \"paths\": {\"/x\": {\"get\": {}}}}", &r),
	    422);
	p = assert_problem(&r, 422);
	size_t i;
	json_t *e;
	int under_contract = 0;
	json_array_foreach(json_object_get(p, "errors"), i, e)
	{
		const char *ptr = json_string_value(json_object_get(e, "pointer"));
		if (ptr && strncmp(ptr, "/contract", 9) == 0)
			under_contract++;
	}
	ck_assert_msg(under_contract >= 1, "expected errors under /contract: %s", r.body);
	json_decref(p);
	hs_response_release(&r);

	/* A format other than the product's spec.contract.format. */
	ck_assert_int_eq(hs_req("POST", vp, hs_srv.admin,
	                        "{\"format\": \"avro\", \"contract\": {\"type\": \"record\", "
	                        "\"name\": \"X\", \"fields\": []}}",
	                        &r),
	                 422);
	json_decref(assert_problem(&r, 422));
	hs_response_release(&r);

	/* Unknown format, missing contract. */
	ck_assert_int_eq(
	    hs_req("POST", vp, hs_srv.admin, "{\"format\": \"wsdl\", \"contract\": {}}", &r), 422);
	hs_response_release(&r);
	ck_assert_int_eq(hs_req("POST", vp, hs_srv.admin, "{\"format\": \"openapi\"}", &r), 422);
	hs_response_release(&r);

	/* No such product: 404. */
	ck_assert_int_eq(
	    post_version("/domains/customer/products/nope/versions", hs_srv.admin, V1, &r), 404);
	hs_response_release(&r);

	/* Versions are immutable. */
	ck_assert_int_eq(post_version(vp, hs_srv.admin, V1, &r), 201);
	hs_response_release(&r);
	free(before);
	before = stable_dump();
	ck_assert_int_eq(hs_req("PUT", "/domains/customer/products/profile-api/versions/1",
	                        hs_srv.admin, V2, &r),
	                 405);
	json_decref(assert_problem(&r, 405));
	hs_response_release(&r);
	ck_assert_int_eq(hs_req("DELETE", "/domains/customer/products/profile-api/versions/1",
	                        hs_srv.admin, NULL, &r),
	                 405);
	hs_response_release(&r);
	assert_dump_unchanged(before, "PUT/DELETE on a version");
	free(before);
}
END_TEST

START_TEST(test_avro_topic_version)
{
	struct hs_response r;
	char *ct;

	mk_domain("marketing");
	mk_product_doc(
	    doc_product("marketing", "profile-events", "topic", "team-marketing", NULL, NULL));
	ck_assert_int_eq(hs_req("POST", "/domains/marketing/products/profile-events/versions",
	                        hs_srv.admin,
	                        "{\"format\": \"avro\", \"contract\": {\"type\": \"record\", "
	                        "\"name\": \"ProfileChanged\", \"namespace\": \"com.example\", "
	                        "\"fields\": [{\"name\": \"id\", \"type\": \"string\"}]}}",
	                        &r),
	                 201);
	hs_response_release(&r);
	ck_assert_int_eq(hs_req("GET",
	                        "/domains/marketing/products/profile-events/versions/1/contract",
	                        NULL, NULL, &r),
	                 200);
	ct = hs_header(&r, "Content-Type");
	ck_assert_msg(ct && strncmp(ct, "application/vnd.apache.avro+json", 32) == 0,
	              "avro media type '%s'", ct ? ct : "(none)");
	free(ct);
	hs_response_release(&r);
}
END_TEST

/* Discovery ------------------------------------------------------------------------------ */

static void discovery_landscape(void)
{
	json_t *d;

	mk_domain("alpha");
	mk_domain("beta");
	d = doc_product("alpha", "orders-api", "api", "team-a", "production", "orders,pii");
	json_object_set_new(json_object_get(d, "metadata"), "title", json_string("Orders API"));
	mk_product_doc(d);
	d = doc_product("alpha", "orders-events", "topic", "team-a", NULL, "orders");
	json_object_set_new(json_object_get(d, "metadata"), "description",
	                    json_string("Order intake events"));
	mk_product_doc(d);
	d = doc_product("alpha", "ledger", "table", "team-fin", "production", "finance");
	json_object_set_new(json_object_get(d, "metadata"), "title", json_string("Bob's table"));
	mk_product_doc(d);
	d = doc_product("beta", "profile-api", "api", "team-b", "deprecated", "pii");
	json_object_set_new(json_object_get(d, "metadata"), "title",
	                    json_string("Customer Profile"));
	mk_product_doc(d);
	mk_product_doc(doc_product("beta", "snap", "snapshot", "team-b", "production", NULL));
	d = doc_product("beta", "weird-100pct", "api", "team-b", "experimental", NULL);
	json_object_set_new(json_object_get(d, "metadata"), "description",
	                    json_string("coverage 100% of a_b"));
	mk_product_doc(d);
}

static void expect_products(const char *query, const char *want)
{
	struct hs_response r;
	char *path = xasprintf("/products%s", query), *got;

	ck_assert_msg(hs_req("GET", path, NULL, NULL, &r) == 200, "GET %s: %ld %s", path, r.status,
	              r.body);
	got = names_of(&r);
	ck_assert_msg(strcmp(got, want) == 0, "GET %s: expected [%s], got [%s]", path, want, got);
	free(got);
	free(path);
	hs_response_release(&r);
}

START_TEST(test_discovery_filters)
{
	discovery_landscape();
	expect_products("", "alpha/ledger alpha/orders-api alpha/orders-events beta/profile-api "
	                    "beta/snap beta/weird-100pct");
	expect_products("?kind=api", "alpha/orders-api beta/profile-api beta/weird-100pct");
	expect_products("?owner=team-a", "alpha/orders-api alpha/orders-events");
	expect_products("?tag=pii", "alpha/orders-api beta/profile-api");
	expect_products("?lifecycle=production", "alpha/ledger alpha/orders-api beta/snap");
	/* lifecycle defaults to experimental */
	expect_products("?lifecycle=experimental", "alpha/orders-events beta/weird-100pct");
	expect_products("?domain=beta", "beta/profile-api beta/snap beta/weird-100pct");
	expect_products("?kind=api&lifecycle=production", "alpha/orders-api");
	expect_products("?kind=api&tag=pii&owner=team-b", "beta/profile-api");
	/* q: case-insensitive substring over domain, name, title, description, owner, tags */
	expect_products("?q=PROFILE", "beta/profile-api");
	expect_products("?q=order", "alpha/orders-api alpha/orders-events");
	expect_products("?q=finance", "alpha/ledger");
	expect_products("?q=team-fin", "alpha/ledger");
	expect_products("?q=bet", "beta/profile-api beta/snap beta/weird-100pct");
	expect_products("?q=intake", "alpha/orders-events");
	/* %, _ and quotes match literally */
	expect_products("?q=%25", "beta/weird-100pct");
	expect_products("?q=_", "beta/weird-100pct");
	expect_products("?q=a_b", "beta/weird-100pct");
	expect_products("?q=%27s", "alpha/ledger");
	expect_products("?q=nothing-like-this", "");
	expect_products("?tag=none", "");

	struct hs_response r;
	ck_assert_int_eq(hs_req("GET", "/domains/alpha/products", NULL, NULL, &r), 200);
	char *got = names_of(&r);
	ck_assert_str_eq(got, "alpha/ledger alpha/orders-api alpha/orders-events");
	free(got);
	hs_response_release(&r);
}
END_TEST

START_TEST(test_pagination)
{
	struct hs_response r;
	char seen[120] = {0};
	int pages = 0, total = 0;
	char *url;

	mk_domain("bulk");
	mk_domain("other");
	mk_product_doc(doc_product("other", "x", "api", "team-x", NULL, NULL));
	for (int i = 0; i < 120; i++) {
		char name[16];
		snprintf(name, sizeof(name), "p-%03d", (i * 37) % 120); /* not in name order */
		mk_product_doc(doc_product("bulk", name, "table", "team-bulk", NULL, NULL));
	}

	url = xstrdup("/products?domain=bulk&limit=50");
	char last[64] = "";
	while (url) {
		ck_assert_msg(hs_req("GET", url, NULL, NULL, &r) == 200, "GET %s: %ld %s", url,
		              r.status, r.body);
		json_t *j = hs_json(&r), *items = json_object_get(j, "items"), *it;
		json_t *next = json_object_get(j, "next");
		char *link = hs_header(&r, "Link");
		size_t i;

		pages++;
		ck_assert_msg(json_is_array(items), "page %d has no items: %s", pages, r.body);
		ck_assert_msg(json_array_size(items) == (pages < 3 ? 50u : 20u),
		              "page %d: expected %d items, got %zu", pages, pages < 3 ? 50 : 20,
		              json_array_size(items));
		json_array_foreach(items, i, it)
		{
			const char *name = json_string_value(
			    json_object_get(json_object_get(it, "metadata"), "name"));
			long n;
			ck_assert_msg(name && sscanf(name, "p-%3ld", &n) == 1 && n >= 0 && n < 120,
			              "unexpected item %s", name ? name : "(null)");
			ck_assert_msg(!seen[n], "%s listed twice", name);
			ck_assert_msg(strcmp(last, name) < 0, "%s after %s: not ordered", name,
			              last);
			snprintf(last, sizeof(last), "%s", name);
			seen[n] = 1;
			total++;
		}
		free(url);
		url = NULL;
		if (json_is_string(next)) {
			ck_assert_msg(link != NULL, "page %d has next but no Link header", pages);
			char *lt = strchr(link, '<'), *gt = lt ? strchr(lt, '>') : NULL;
			ck_assert_msg(lt && gt && strstr(gt, "rel=\"next\""), "Link header '%s'",
			              link);
			char *from_link = xstrndup(lt + 1, (size_t)(gt - lt - 1));
			ck_assert_msg(ends_with(from_link, json_string_value(next)) ||
			                  ends_with(json_string_value(next), from_link),
			              "Link <%s> and next %s differ", from_link,
			              json_string_value(next));
			/* Page 2 through the Link header, page 3 through the body's next. */
			if (pages == 1) {
				const char *u = from_link;
				if (strncmp(u, "http", 4) && u[0] != '/')
					ck_abort_msg("Link URL '%s' is neither absolute nor a path",
					             u);
				url = xstrdup(u);
			} else {
				url = xstrdup(json_string_value(next));
			}
			free(from_link);
		} else {
			ck_assert_msg(json_is_null(next), "next is neither a string nor null: %s",
			              r.body);
			ck_assert_msg(link == NULL, "last page still has a Link header: %s", link);
		}
		free(link);
		json_decref(j);
		hs_response_release(&r);
		ck_assert_int_le(pages, 3);
	}
	ck_assert_int_eq(pages, 3);
	ck_assert_int_eq(total, 120);

	/* Default page size 50; limit bounds. */
	ck_assert_int_eq(hs_req("GET", "/products", NULL, NULL, &r), 200);
	json_t *j = hs_json(&r);
	ck_assert_int_eq(json_array_size(json_object_get(j, "items")), 50);
	json_decref(j);
	hs_response_release(&r);
	ck_assert_int_eq(hs_req("GET", "/products?limit=500", NULL, NULL, &r), 200);
	j = hs_json(&r);
	ck_assert_int_eq(json_array_size(json_object_get(j, "items")), 121);
	ck_assert_msg(json_is_null(json_object_get(j, "next")), "next on a complete page");
	json_decref(j);
	hs_response_release(&r);
	const char *bad[] = {"/products?limit=0", "/products?limit=501", "/products?limit=-1",
	                     "/products?limit=abc", "/domains?limit=0"};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		hs_req("GET", bad[k], NULL, NULL, &r);
		ck_assert_msg(r.status == 400, "GET %s: expected 400, got %ld", bad[k], r.status);
		json_decref(assert_problem(&r, 400));
		hs_response_release(&r);
	}
}
END_TEST

/* Preconditions, delete, conflicts ------------------------------------------------------ */

START_TEST(test_if_match)
{
	struct hs_response r;
	char *before, *etag, hdr[300];
	const char *pp = "/domains/customer/products/profile-api";

	mk_domain("customer");
	mk_product_doc(doc_product("customer", "profile-api", "api", "team-customer", NULL, NULL));
	ck_assert_int_eq(hs_req("GET", pp, NULL, NULL, &r), 200);
	etag = hs_header(&r, "ETag");
	ck_assert_ptr_nonnull(etag);
	hs_response_release(&r);

	before = stable_dump();
	char *body =
	    dump_doc(doc_product("customer", "profile-api", "api", "team-other", NULL, NULL));
	struct hs_request rq = {.method = "PUT",
	                        .path = pp,
	                        .token = hs_srv.admin,
	                        .body = body,
	                        .headers = {"If-Match: \"not-the-etag\""}};
	hs_do(&hs_srv, &rq, &r);
	json_decref(assert_problem(&r, 412));
	hs_response_release(&r);
	assert_dump_unchanged(before, "PUT with a stale If-Match");

	rq.headers[0] = "If-None-Match: *";
	hs_do(&hs_srv, &rq, &r);
	ck_assert_msg(r.status == 412, "PUT If-None-Match: * on an existing product: got %ld",
	              r.status);
	hs_response_release(&r);
	assert_dump_unchanged(before, "PUT If-None-Match: * on an existing product");

	struct hs_request del = {.method = "DELETE",
	                         .path = pp,
	                         .token = hs_srv.admin,
	                         .headers = {"If-Match: \"not-the-etag\""}};
	hs_do(&hs_srv, &del, &r);
	ck_assert_int_eq(r.status, 412);
	hs_response_release(&r);
	assert_dump_unchanged(before, "DELETE with a stale If-Match");

	struct hs_request absent = {.method = "PUT",
	                            .path = "/domains/customer/products/absent",
	                            .token = hs_srv.admin,
	                            .headers = {"If-Match: *"}};
	char *abody = dump_doc(doc_product("customer", "absent", "api", "team-x", NULL, NULL));
	absent.body = abody;
	hs_do(&hs_srv, &absent, &r);
	ck_assert_msg(r.status == 412, "PUT If-Match: * on an absent product: got %ld", r.status);
	hs_response_release(&r);
	assert_dump_unchanged(before, "PUT If-Match: * on an absent product");
	free(before);

	/* The right ETag: the write happens. */
	snprintf(hdr, sizeof(hdr), "If-Match: %s", etag);
	rq.headers[0] = hdr;
	hs_do(&hs_srv, &rq, &r);
	ck_assert_msg(r.status == 200, "PUT with the current If-Match: %ld %s", r.status, r.body);
	assert_header_eq(&r, "Driveway-Result", "updated");
	hs_response_release(&r);
	ck_assert_int_eq(hs_req("GET", pp, NULL, NULL, &r), 200);
	ck_assert_msg(strstr(r.body, "team-other") != NULL, "update not stored: %s", r.body);
	hs_response_release(&r);

	/* Create-only with If-None-Match: * on an absent product. */
	absent.headers[0] = "If-None-Match: *";
	hs_do(&hs_srv, &absent, &r);
	ck_assert_int_eq(r.status, 201);
	hs_response_release(&r);
	free(abody);
	free(body);
	free(etag);
}
END_TEST

START_TEST(test_delete_product_keeps_history)
{
	struct hs_response r;
	const char *pp = "/domains/customer/products/profile-api";
	json_t *j;

	mk_domain("customer");
	mk_product_doc(doc_product("customer", "profile-api", "api", "team-customer", NULL, NULL));
	mk_product_doc(doc_product("customer", "other-api", "api", "team-customer", NULL, NULL));
	ck_assert_int_eq(
	    post_version("/domains/customer/products/profile-api/versions", hs_srv.admin, V1, &r),
	    201);
	hs_response_release(&r);
	ck_assert_int_eq(
	    post_version("/domains/customer/products/profile-api/versions", hs_srv.admin, V2, &r),
	    201);
	hs_response_release(&r);

	/* Writes need a token. */
	ck_assert_int_eq(hs_req("DELETE", pp, NULL, NULL, &r), 401);
	hs_response_release(&r);

	/* A domain with products cannot go. */
	ck_assert_int_eq(hs_req("DELETE", "/domains/customer", hs_srv.admin, NULL, &r), 409);
	json_decref(assert_problem(&r, 409));
	hs_response_release(&r);

	ck_assert_int_eq(hs_req("DELETE", pp, hs_srv.admin, NULL, &r), 204);
	ck_assert_int_eq(r.len, 0);
	hs_response_release(&r);
	ck_assert_int_eq(hs_req("GET", pp, NULL, NULL, &r), 404);
	json_decref(assert_problem(&r, 404));
	hs_response_release(&r);
	ck_assert_int_eq(hs_req("DELETE", pp, hs_srv.admin, NULL, &r), 404);
	hs_response_release(&r);
	expect_products("", "customer/other-api");
	expect_products("?q=profile", "");
	ck_assert_int_eq(hs_req("GET", "/domains/customer/products", NULL, NULL, &r), 200);
	char *names = names_of(&r);
	ck_assert_str_eq(names, "customer/other-api");
	free(names);
	hs_response_release(&r);
	/* A deleted product takes no new versions. */
	ck_assert_int_eq(
	    post_version("/domains/customer/products/profile-api/versions", hs_srv.admin, V1, &r),
	    404);
	hs_response_release(&r);

	/* The history stayed: a PUT brings the product back with its versions (updated, not
	 * created; server/store.h, store_product_put). */
	ck_assert_int_eq(
	    req_json("PUT", pp, hs_srv.admin,
	             doc_product("customer", "profile-api", "api", "team-customer", NULL, NULL),
	             &r),
	    200);
	assert_header_eq(&r, "Driveway-Result", "updated");
	hs_response_release(&r);
	ck_assert_int_eq(
	    hs_req("GET", "/domains/customer/products/profile-api/versions", NULL, NULL, &r), 200);
	j = hs_json(&r);
	ck_assert_msg(json_array_size(json_object_get(j, "items")) == 2,
	              "versions after delete + re-create: %s", r.body);
	json_decref(j);
	hs_response_release(&r);
	ck_assert_int_eq(
	    hs_req("GET", "/domains/customer/products/profile-api/versions/latest", NULL, NULL, &r),
	    200);
	j = hs_json(&r);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "version")), 2);
	json_decref(j);
	hs_response_release(&r);

	/* An empty domain can be deleted. */
	mk_domain("empty");
	ck_assert_int_eq(hs_req("DELETE", "/domains/empty", hs_srv.admin, NULL, &r), 204);
	hs_response_release(&r);
	ck_assert_int_eq(hs_req("GET", "/domains/empty", NULL, NULL, &r), 404);
	hs_response_release(&r);
}
END_TEST

/* Protocol errors --------------------------------------------------------------------- */

START_TEST(test_routing_errors)
{
	struct hs_response r;
	char *allow;
	json_t *p;

	mk_domain("customer");
	ck_assert_int_eq(hs_req("GET", "/no/such/route", NULL, NULL, &r), 404);
	json_decref(assert_problem(&r, 404));
	hs_response_release(&r);
	ck_assert_int_eq(hs_req("GET", "/domains/nope", NULL, NULL, &r), 404);
	json_decref(assert_problem(&r, 404));
	hs_response_release(&r);
	ck_assert_int_eq(hs_req("GET", "/domains/customer/products/nope", NULL, NULL, &r), 404);
	json_decref(assert_problem(&r, 404));
	hs_response_release(&r);

	ck_assert_int_eq(hs_req("DELETE", "/products", hs_srv.admin, NULL, &r), 405);
	json_decref(assert_problem(&r, 405));
	allow = hs_header(&r, "Allow");
	ck_assert_msg(allow && strstr(allow, "GET"), "405 Allow header '%s'", allow ? allow : "");
	free(allow);
	hs_response_release(&r);

	ck_assert_int_eq(hs_req("POST", "/domains/customer", hs_srv.admin, "{}", &r), 405);
	allow = hs_header(&r, "Allow");
	ck_assert_msg(allow && strstr(allow, "GET") && strstr(allow, "PUT") &&
	                  strstr(allow, "DELETE") && !strstr(allow, "POST"),
	              "405 Allow header for /domains/{d}: '%s'", allow ? allow : "");
	free(allow);
	hs_response_release(&r);

	/* Content types. */
	char *before = stable_dump();
	char *body = dump_doc(doc_domain("ctype", "X"));
	const char *bad_types[] = {"text/plain", "application/x-www-form-urlencoded", "", NULL};
	for (int i = 0; bad_types[i]; i++) {
		struct hs_request rq = {.method = "PUT",
		                        .path = "/domains/ctype",
		                        .token = hs_srv.admin,
		                        .body = body,
		                        .content_type = bad_types[i]};
		hs_do(&hs_srv, &rq, &r);
		ck_assert_msg(r.status == 415, "PUT with Content-Type '%s': expected 415, got %ld",
		              bad_types[i], r.status);
		json_decref(assert_problem(&r, 415));
		hs_response_release(&r);
	}
	assert_dump_unchanged(before, "415 requests");
	free(before);
	struct hs_request ok = {.method = "PUT",
	                        .path = "/domains/ctype",
	                        .token = hs_srv.admin,
	                        .body = body,
	                        .content_type = "application/vnd.example+json"};
	hs_do(&hs_srv, &ok, &r);
	ck_assert_msg(r.status == 201, "PUT with application/*+json: expected 201, got %ld %s",
	              r.status, r.body);
	hs_response_release(&r);
	ok.content_type = "application/json; charset=utf-8";
	hs_do(&hs_srv, &ok, &r);
	ck_assert_msg(r.status == 200, "PUT with application/json; charset=utf-8: got %ld %s",
	              r.status, r.body);
	hs_response_release(&r);
	free(body);

	/* Path and body disagree. */
	before = stable_dump();
	ck_assert_int_eq(
	    req_json("PUT", "/domains/other", hs_srv.admin, doc_domain("different", "X"), &r), 422);
	json_decref(assert_problem(&r, 422));
	hs_response_release(&r);
	ck_assert_int_eq(req_json("PUT", "/domains/customer/products/a", hs_srv.admin,
	                          doc_product("customer", "b", "api", "team-x", NULL, NULL), &r),
	                 422);
	json_decref(assert_problem(&r, 422));
	hs_response_release(&r);
	ck_assert_int_eq(req_json("PUT", "/domains/customer/products/a", hs_srv.admin,
	                          doc_product("elsewhere", "a", "api", "team-x", NULL, NULL), &r),
	                 422);
	hs_response_release(&r);
	/* A Domain document on a product route. */
	ck_assert_int_eq(
	    req_json("PUT", "/domains/customer/products/a", hs_srv.admin, doc_domain("a", "X"), &r),
	    422);
	hs_response_release(&r);
	/* A product in a domain that does not exist. */
	ck_assert_int_eq(req_json("PUT", "/domains/ghost/products/a", hs_srv.admin,
	                          doc_product("ghost", "a", "api", "team-x", NULL, NULL), &r),
	                 404);
	hs_response_release(&r);
	assert_dump_unchanged(before, "mismatched names");

	/* An invalid descriptor: every error listed, each with its pointer. */
	json_t *d = doc_product("customer", "bad", "rest", "team-x", "prod", "Bad Tag,ok");
	json_object_set_new(json_object_get(d, "spec"), "compatibility", json_string("BACKWRD"));
	ck_assert_int_eq(req_json("PUT", "/domains/customer/products/bad", hs_srv.admin, d, &r),
	                 422);
	p = assert_problem(&r, 422);
	ck_assert_msg(json_array_size(json_object_get(p, "errors")) >= 4,
	              "expected at least 4 errors: %s", r.body);
	ck_assert_msg(has_error_at(p, "/metadata/lifecycle"), "no error at /metadata/lifecycle: %s",
	              r.body);
	ck_assert_msg(has_error_at(p, "/metadata/tags/0"), "no error at /metadata/tags/0: %s",
	              r.body);
	ck_assert_msg(has_error_at(p, "/spec/type"), "no error at /spec/type: %s", r.body);
	ck_assert_msg(has_error_at(p, "/spec/compatibility"), "no error at /spec/compatibility: %s",
	              r.body);
	ck_assert_msg(!has_error_at(p, "/metadata/tags/1"), "error at the valid tag: %s", r.body);
	json_decref(p);
	hs_response_release(&r);
	assert_dump_unchanged(before, "an invalid descriptor");
	free(before);
}
END_TEST

/* Auth ------------------------------------------------------------------------------------ */

static char *create_token(const char *domain, const char *name, long long *id)
{
	struct hs_response r;
	char *path = xasprintf("/domains/%s/tokens", domain), *body, *tok;
	json_t *j;

	body = xasprintf("{\"name\": \"%s\"}", name);
	ck_assert_msg(hs_req("POST", path, hs_srv.admin, body, &r) == 201, "POST %s: %ld %s", path,
	              r.status, r.body);
	j = hs_json(&r);
	ck_assert_msg(json_is_string(json_object_get(j, "token")), "no token in %s", r.body);
	ck_assert_str_eq(json_string_value(json_object_get(j, "scope")), domain);
	ck_assert_str_eq(json_string_value(json_object_get(j, "name")), name);
	ck_assert_msg(strncmp(json_string_value(json_object_get(j, "token")), "dw_", 3) == 0,
	              "token does not start with dw_: %s", r.body);
	tok = xstrdup(json_string_value(json_object_get(j, "token")));
	*id = json_integer_value(json_object_get(j, "id"));
	ck_assert_msg(*id > 0, "token id: %s", r.body);
	json_decref(j);
	hs_response_release(&r);
	free(body);
	free(path);
	return tok;
}

START_TEST(test_auth)
{
	struct hs_response r;
	long long id;
	char *tok, *before, path[128];

	mk_domain("alpha");
	mk_domain("beta");
	mk_product_doc(doc_product("beta", "b-api", "api", "team-b", NULL, NULL));
	before = stable_dump();

	/* No token, garbage tokens. */
	ck_assert_int_eq(req_json("PUT", "/domains/alpha/products/x", NULL,
	                          doc_product("alpha", "x", "api", "team-a", NULL, NULL), &r),
	                 401);
	json_decref(assert_problem(&r, 401));
	hs_response_release(&r);
	const char *garbage[] = {"garbage", "dw_0000000000000000000000000000000000000000", "",
	                         NULL};
	for (int i = 0; garbage[i]; i++) {
		ck_assert_int_eq(req_json("PUT", "/domains/alpha/products/x", garbage[i],
		                          doc_product("alpha", "x", "api", "team-a", NULL, NULL),
		                          &r),
		                 401);
		hs_response_release(&r);
	}
	char *zeta = dump_doc(doc_domain("zeta", "Z"));
	struct hs_request basic = {.method = "PUT",
	                           .path = "/domains/zeta",
	                           .body = zeta,
	                           .headers = {"Authorization: Basic YWRtaW46YWRtaW4="}};
	hs_do(&hs_srv, &basic, &r);
	ck_assert_msg(r.status == 401, "Basic auth: expected 401, got %ld", r.status);
	hs_response_release(&r);
	free(zeta);
	assert_dump_unchanged(before, "unauthenticated writes");
	free(before);

	/* Reads are open. */
	ck_assert_int_eq(hs_req("GET", "/domains/beta/products/b-api", NULL, NULL, &r), 200);
	hs_response_release(&r);

	tok = create_token("alpha", "ci", &id);

	/* The secret is not shown again. */
	ck_assert_int_eq(hs_req("GET", "/domains/alpha/tokens", hs_srv.admin, NULL, &r), 200);
	ck_assert_msg(strstr(r.body, "\"ci\"") != NULL, "token list lacks 'ci': %s", r.body);
	ck_assert_msg(strstr(r.body, tok) == NULL && strstr(r.body, tok + 3) == NULL,
	              "token list shows the secret: %s", r.body);
	hs_response_release(&r);
	char *dbtext = hs_db_dump(&hs_srv);
	ck_assert_msg(dbtext && strstr(dbtext, tok + 3) == NULL,
	              "the token secret is stored in the database");
	free(dbtext);

	before = stable_dump();
	/* Another domain's product: 403; admin-only routes: 403; creating a domain: 403. */
	ck_assert_int_eq(req_json("PUT", "/domains/beta/products/b-api", tok,
	                          doc_product("beta", "b-api", "api", "team-hijack", NULL, NULL),
	                          &r),
	                 403);
	json_decref(assert_problem(&r, 403));
	hs_response_release(&r);
	ck_assert_int_eq(post_version("/domains/beta/products/b-api/versions", tok, V1, &r), 403);
	hs_response_release(&r);
	ck_assert_int_eq(hs_req("DELETE", "/domains/beta/products/b-api", tok, NULL, &r), 403);
	hs_response_release(&r);
	ck_assert_int_eq(req_json("PUT", "/domains/gamma", tok, doc_domain("gamma", "G"), &r), 403);
	hs_response_release(&r);
	ck_assert_int_eq(req_json("PUT", "/domains/beta", tok, doc_domain("beta", "Hijack"), &r),
	                 403);
	hs_response_release(&r);
	ck_assert_int_eq(hs_req("GET", "/domains/alpha/tokens", tok, NULL, &r), 403);
	hs_response_release(&r);
	ck_assert_int_eq(hs_req("POST", "/domains/alpha/tokens", tok, "{\"name\": \"more\"}", &r),
	                 403);
	hs_response_release(&r);
	snprintf(path, sizeof(path), "/domains/alpha/tokens/%lld", id);
	ck_assert_int_eq(hs_req("DELETE", path, tok, NULL, &r), 403);
	hs_response_release(&r);
	ck_assert_int_eq(hs_req("DELETE", "/domains/alpha", tok, NULL, &r), 403);
	hs_response_release(&r);
	assert_dump_unchanged(before, "writes with another domain's token");
	free(before);

	/* Its own domain: products, versions, and the domain itself. */
	ck_assert_int_eq(req_json("PUT", "/domains/alpha/products/x", tok,
	                          doc_product("alpha", "x", "api", "team-a", NULL, NULL), &r),
	                 201);
	hs_response_release(&r);
	ck_assert_int_eq(post_version("/domains/alpha/products/x/versions", tok, V1, &r), 201);
	json_t *j = hs_json(&r);
	const char *by = json_string_value(json_object_get(j, "createdBy"));
	ck_assert_msg(by && strstr(by, "ci"), "createdBy '%s', expected the token's name",
	              by ? by : "(none)");
	json_decref(j);
	hs_response_release(&r);
	ck_assert_int_eq(req_json("PUT", "/domains/alpha", tok, doc_domain("alpha", "Alpha!"), &r),
	                 200);
	hs_response_release(&r);

	/* Revoked: 401. */
	ck_assert_int_eq(hs_req("DELETE", path, hs_srv.admin, NULL, &r), 204);
	hs_response_release(&r);
	ck_assert_int_eq(req_json("PUT", "/domains/alpha/products/y", tok,
	                          doc_product("alpha", "y", "api", "team-a", NULL, NULL), &r),
	                 401);
	hs_response_release(&r);
	ck_assert_int_eq(hs_req("DELETE", path, hs_srv.admin, NULL, &r), 404);
	hs_response_release(&r);
	ck_assert_int_eq(hs_req("GET", "/domains/alpha/tokens", hs_srv.admin, NULL, &r), 200);
	ck_assert_msg(strstr(r.body, "revokedAt") != NULL, "token list: %s", r.body);
	hs_response_release(&r);

	/* The admin token file is private. */
	char tf[400];
	struct stat sb;
	snprintf(tf, sizeof(tf), "%s.admin-token", hs_srv.db);
	ck_assert_int_eq(stat(tf, &sb), 0);
	ck_assert_msg((sb.st_mode & 0777) == 0600, "admin token file mode %o", sb.st_mode & 0777);
	free(tok);
}
END_TEST

START_TEST(test_read_auth)
{
	struct hs_response r;

	ck_assert_int_eq(
	    req_json("PUT", "/domains/alpha", hs_srv.admin, doc_domain("alpha", "A"), &r), 201);
	hs_response_release(&r);
	const char *reads[] = {"/products", "/domains", "/domains/alpha", "/domains/alpha/products",
	                       NULL};
	for (int i = 0; reads[i]; i++) {
		hs_req("GET", reads[i], NULL, NULL, &r);
		ck_assert_msg(r.status == 401,
		              "--read-auth, anonymous GET %s: expected 401, got %ld", reads[i],
		              r.status);
		json_decref(assert_problem(&r, 401));
		hs_response_release(&r);
		hs_req("GET", reads[i], "garbage", NULL, &r);
		ck_assert_msg(r.status == 401, "--read-auth, GET %s with a bad token: got %ld",
		              reads[i], r.status);
		hs_response_release(&r);
		hs_req("GET", reads[i], hs_srv.admin, NULL, &r);
		ck_assert_msg(r.status == 200, "--read-auth, GET %s as admin: got %ld", reads[i],
		              r.status);
		hs_response_release(&r);
	}
	long long id;
	char *tok = create_token("alpha", "reader", &id);
	ck_assert_int_eq(hs_req("GET", "/products", tok, NULL, &r), 200);
	hs_response_release(&r);
	free(tok);
}
END_TEST

/* Bad input: documented status, database untouched --------------------------------------- */

static void bad_input(const char *what, const char *method, const char *path, const char *body,
                      size_t len, long want)
{
	struct hs_response r;
	char *before = stable_dump();
	struct hs_request rq = {
	    .method = method, .path = path, .token = hs_srv.admin, .body = body, .body_len = len};

	hs_do(&hs_srv, &rq, &r);
	ck_assert_msg(r.status == want, "%s: expected %ld, got %ld (curl %d) %.300s", what, want,
	              r.status, r.curl_code, r.body ? r.body : "");
	json_decref(assert_problem(&r, want));
	hs_response_release(&r);
	assert_dump_unchanged(before, what);
	free(before);
	/* The server is still there. */
	ck_assert_int_eq(hs_req("GET", "/healthz", NULL, NULL, &r), 200);
	hs_response_release(&r);
}

static void bad_product(const char *what, json_t *doc, long want)
{
	char *body = json_dumps(doc, JSON_COMPACT);

	json_decref(doc);
	bad_input(what, "PUT", "/domains/alpha/products/good", body, 0, want);
	free(body);
}

START_TEST(test_bad_input_parse)
{
	mk_domain("alpha");
	mk_product_doc(doc_product("alpha", "existing", "api", "team-a", NULL, "keep"));

	bad_input("malformed JSON", "PUT", "/domains/alpha/products/good",
	          "{\"apiVersion\": \"driveway/v1\", \"kind\": ", 0, 400);
	bad_input("trailing garbage", "PUT", "/domains/alpha/products/good", "{} {}", 0, 400);
	bad_input("empty body", "PUT", "/domains/beta", "", 0, 400);

	/* 10 MB */
	size_t big = 10 * 1024 * 1024;
	char *b = xmalloc(big + 200);
	int n = snprintf(b, 200,
	                 "{\"apiVersion\": \"driveway/v1\", \"kind\": \"Domain\", "
	                 "\"metadata\": {\"name\": \"big\"}, \"spec\": {\"title\": \"x\", "
	                 "\"owner\": \"y\", \"description\": \"");
	memset(b + n, 'a', big);
	memcpy(b + n + big, "\"}}", 4);
	bad_input("a 10 MB body", "PUT", "/domains/big", b, 0, 413);
	free(b);

	/* 10,000 levels of nesting */
	size_t depth = 10000;
	char *deep = xmalloc(2 * depth + 1);
	memset(deep, '[', depth);
	memset(deep + depth, ']', depth);
	deep[2 * depth] = '\0';
	bad_input("JSON nested 10,000 deep", "PUT", "/domains/deep", deep, 0, 400);
	/* {"a":{"a":... */
	char *deep2 = xmalloc(depth * 6 + 16), *o = deep2;
	for (size_t i = 0; i < depth; i++) {
		memcpy(o, "{\"a\":", 5);
		o += 5;
	}
	memcpy(o, "1", 1);
	o++;
	memset(o, '}', depth);
	o[depth] = '\0';
	bad_input("objects nested 10,000 deep", "POST", "/domains/alpha/products/existing/versions",
	          deep2, 0, 400);
	free(deep2);
	free(deep);

	/* Invalid UTF-8 inside a string. */
	static const char bad_utf8[] =
	    "{\"apiVersion\": \"driveway/v1\", \"kind\": \"Domain\", \"metadata\": "
	    "{\"name\": \"utf\"}, \"spec\": {\"title\": \"bad \xff\xfe here\", \"owner\": \"x\"}}";
	bad_input("invalid UTF-8 in a string", "PUT", "/domains/utf", bad_utf8, 0, 400);
	static const char overlong[] =
	    "{\"apiVersion\": \"driveway/v1\", \"kind\": \"Domain\", \"metadata\": "
	    "{\"name\": \"utf\"}, \"spec\": {\"title\": \"\xc0\xaf\", \"owner\": \"x\"}}";
	bad_input("overlong UTF-8", "PUT", "/domains/utf", overlong, 0, 400);
	/* An invalid escape followed by bytes that are not UTF-8: the parser's message quotes
	 * them, and the problem document must still be JSON. */
	static const char bad_escape[] = "{\"title\": \"\\\xde\x8c\x8b\x8d\"}";
	bad_input("an invalid escape before invalid UTF-8", "PUT", "/domains/utf", bad_escape, 0,
	          400);
	/* A NUL byte in the body. */
	static const char nul[] = "{\"apiVersion\": \"driveway/v1\"\0, \"kind\": \"Domain\"}";
	bad_input("a NUL byte", "PUT", "/domains/utf", nul, sizeof(nul) - 1, 400);
	/* Not an object. */
	bad_input("a JSON array", "PUT", "/domains/utf", "[1, 2]", 0, 422);
}
END_TEST

static const char SQL[] = "'; DROP TABLE products; --";

START_TEST(test_bad_input_sql_search)
{
	struct hs_response r;
	char *esc = hs_escape(SQL), *path, *before, *names;

	mk_domain("alpha");
	mk_product_doc(doc_product("alpha", "existing", "api", "team-a", NULL, "keep"));

	/* SQL metacharacters as a search: nothing found, tables intact. */
	before = stable_dump();
	path = xasprintf("/products?q=%s", esc);
	ck_assert_int_eq(hs_req("GET", path, NULL, NULL, &r), 200);
	names = names_of(&r);
	ck_assert_msg(strcmp(names, "") == 0, "q=%s found [%s]", SQL, names);
	free(names);
	hs_response_release(&r);
	free(path);
	path = xasprintf("/products?owner=%s&tag=%s&kind=%s", esc, esc, esc);
	ck_assert_int_eq(hs_req("GET", path, NULL, NULL, &r), 200);
	names = names_of(&r);
	ck_assert_msg(strcmp(names, "") == 0, "owner/tag/kind=%s found [%s]", SQL, names);
	free(names);
	hs_response_release(&r);
	free(path);
	assert_dump_unchanged(before, "a search for SQL");
	free(before);
	expect_products("", "alpha/existing");
	free(esc);
}
END_TEST

START_TEST(test_bad_input_sql_names)
{
	char *esc = hs_escape(SQL), *path, *body;

	mk_domain("alpha");
	mk_product_doc(doc_product("alpha", "existing", "api", "team-a", NULL, "keep"));

	/* SQL metacharacters as a product name: not a slug. */
	body = dump_doc(doc_product("alpha", SQL, "api", "team-a", NULL, NULL));
	bad_input("SQL as the body's product name", "PUT", "/domains/alpha/products/good", body, 0,
	          422);
	path = xasprintf("/domains/alpha/products/%s", esc);
	bad_input("SQL as a product name (path and body)", "PUT", path, body, 0, 422);
	free(body);
	free(path);
	path = xasprintf("/domains/%s", esc);
	body = dump_doc(doc_domain(SQL, "x"));
	bad_input("SQL as a domain name", "PUT", path, body, 0, 422);
	free(body);
	free(path);
	expect_products("", "alpha/existing");
	free(esc);
}
END_TEST

START_TEST(test_bad_input_long_names)
{
	char longname[301], *path, *body;

	mk_domain("alpha");
	memset(longname, 'a', 300);
	longname[300] = '\0';
	body = dump_doc(doc_product("alpha", longname, "api", "team-a", NULL, NULL));
	bad_input("a 300-character product name in the body", "PUT", "/domains/alpha/products/good",
	          body, 0, 422);
	path = xasprintf("/domains/alpha/products/%s", longname);
	bad_input("a 300-character product name (path and body)", "PUT", path, body, 0, 422);
	free(body);
	free(path);
	path = xasprintf("/domains/%s", longname);
	body = dump_doc(doc_domain(longname, "x"));
	bad_input("a 300-character domain name", "PUT", path, body, 0, 422);
	free(body);
	free(path);
	bad_input("an upper-case name", "PUT", "/domains/Alpha",
	          "{\"apiVersion\": \"driveway/v1\", \"kind\": \"Domain\", \"metadata\": "
	          "{\"name\": \"Alpha\"}, \"spec\": {\"title\": \"x\", \"owner\": \"y\"}}",
	          0, 422);
}
END_TEST

START_TEST(test_bad_input_descriptor)
{
	json_t *d;

	mk_domain("alpha");

	d = doc_product("alpha", "good", "api", "team-a", NULL, NULL);
	json_object_set_new(json_object_get(d, "metadata"), "colour", json_string("blue"));
	bad_product("an unknown metadata field", d, 422);
	d = doc_product("alpha", "good", "api", "team-a", NULL, NULL);
	json_object_set_new(d, "extra", json_true());
	bad_product("an unknown top-level field", d, 422);
	d = doc_product("alpha", "good", "api", "team-a", NULL, NULL);
	json_object_set_new(json_object_get(d, "spec"), "sla",
	                    json_pack("{s:f, s:s}", "availability", 99.9, "uptime", "always"));
	bad_product("an unknown sla field", d, 422);

	d = doc_product("alpha", "good", "api", "team-a", NULL, NULL);
	json_object_set_new(json_object_get(d, "metadata"), "tags", json_string("pii"));
	json_object_set_new(json_object_get(d, "spec"), "sla",
	                    json_pack("{s:s}", "availability", "high"));
	bad_product("wrong types", d, 422);
	d = doc_product("alpha", "good", "api", "team-a", NULL, NULL);
	json_object_set_new(json_object_get(d, "metadata"), "owner", json_integer(7));
	bad_product("an integer owner", d, 422);
	d = doc_product("alpha", "good", "api", "team-a", NULL, NULL);
	json_object_set_new(json_object_get(d, "spec"), "sla",
	                    json_pack("{s:f, s:i}", "availability", 120.0, "latencyP99Ms", 0));
	bad_product("out-of-range SLA", d, 422);
	d = doc_product("alpha", "good", "api", "team-a", NULL, NULL);
	json_object_set_new(d, "apiVersion", json_string("driveway/v2"));
	bad_product("another apiVersion", d, 422);
	d = doc_product("alpha", "good", "api", "team-a", NULL, NULL);
	json_object_del(json_object_get(d, "metadata"), "owner");
	bad_product("a missing owner", d, 422);

	/* Contracts arrive as versions, never in the product document on the server. */
	d = doc_product("alpha", "good", "api", "team-a", NULL, NULL);
	json_object_set_new(json_object_get(json_object_get(d, "spec"), "contract"), "path",
	                    json_string("openapi.yaml"));
	bad_product("a contract path in a server body", d, 422);
	d = doc_product("alpha", "good", "api", "team-a", NULL, NULL);
	json_object_set_new(json_object_get(json_object_get(d, "spec"), "contract"), "inline",
	                    json_loads(V1, 0, NULL));
	bad_product("an inline contract in a server body", d, 422);

	/* A point-to-point flow without its exception. */
	d = doc_product("alpha", "good", "api", "team-a", NULL, NULL);
	json_object_set_new(
	    json_object_get(d, "spec"), "consumes",
	    json_pack("[{s:s, s:s}]", "product", "beta/x", "pattern", "point-to-point"));
	bad_product("point-to-point without exception", d, 422);
}
END_TEST

static Suite *api_suite(void)
{
	Suite *s = suite_create("api");
	TCase *tc = tcase_create("api");
	TCase *ra = tcase_create("read-auth");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, hs_setup, hs_teardown);
	tcase_add_test(tc, test_root_health_openapi);
	tcase_add_test(tc, test_domain_put_get_etag);
	tcase_add_test(tc, test_product_versions_flow);
	tcase_add_test(tc, test_version_checks);
	tcase_add_test(tc, test_avro_topic_version);
	tcase_add_test(tc, test_discovery_filters);
	tcase_add_test(tc, test_pagination);
	tcase_add_test(tc, test_if_match);
	tcase_add_test(tc, test_delete_product_keeps_history);
	tcase_add_test(tc, test_routing_errors);
	tcase_add_test(tc, test_auth);
	tcase_add_test(tc, test_bad_input_parse);
	tcase_add_test(tc, test_bad_input_sql_search);
	tcase_add_test(tc, test_bad_input_sql_names);
	tcase_add_test(tc, test_bad_input_long_names);
	tcase_add_test(tc, test_bad_input_descriptor);
	tcase_add_test(tc, test_reals_round_trip_short);
	suite_add_tcase(s, tc);

	tcase_set_timeout(ra, 60);
	tcase_add_checked_fixture(ra, hs_setup_read_auth, hs_teardown);
	tcase_add_test(ra, test_read_auth);
	suite_add_tcase(s, ra);
	return s;
}

int main(void)
{
	return hs_run_suite(api_suite());
}
