/*
 * The Confluent Schema Registry compatible API on a real drivewayd (docs/api.md, "Confluent
 * Schema Registry compatible API"): every endpoint and error code with Confluent's exact
 * bodies and media type, global schema ids across subjects, the same objects seen through the
 * native API and through Confluent's, read-only mode, soft then permanent deletes, Basic and
 * Bearer auth, and the API mounted under a prefix. Soft-deleted versions follow Confluent: not
 * compared, and a soft-deleted schema registered again is a new version.
 *
 * Each test gets its own server (checked fixture), run without fork so that the teardown stops
 * the server after a failed assertion too.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tests/integration/harness.c"
#include "validators/protobuf.h"
#include "validators/protobuf_desc.h"

#define CT "Content-Type: application/vnd.schemaregistry.v1+json"
#define V1 "application/vnd.schemaregistry.v1+json"
#define USER_V1                                                                                    \
	"{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}"
#define USER_V2                                                                                    \
	"{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"},"  \
	"{\"name\":\"email\",\"type\":[\"null\",\"string\"],\"default\":null}]}"
#define USER_BAD                                                                                   \
	"{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"},"  \
	"{\"name\":\"n\",\"type\":\"string\"}]}"

static struct hs_server srv;

static void setup(void)
{
	unsetenv("DRIVEWAY_CCOMPAT_PREFIX");
	ck_assert_msg(hs_server_start(&srv, NULL) == 0, "drivewayd did not start");
}

static void setup_prefix(void)
{
	setenv("DRIVEWAY_CCOMPAT_PREFIX", "/ccompat", 1);
	ck_assert_msg(hs_server_start(&srv, NULL) == 0, "drivewayd did not start");
	unsetenv("DRIVEWAY_CCOMPAT_PREFIX");
}

static void teardown(void)
{
	int rc = hs_server_stop(&srv);

	if (rc != 0)
		hs_server_log_tail(&srv);
	hs_server_release(&srv);
	ck_assert_msg(rc == 0, "drivewayd exited with status %d on SIGTERM", rc);
}

/* Helpers ---------------------------------------------------------------------------------- */

/* Sends a request with Confluent's media type and an optional Authorization header value. */
static long send_req(const char *method, const char *path, const char *auth, const char *body,
                     struct hs_response *r)
{
	char header[600];
	struct hs_request rq = {.method = method, .path = path, .body = body};

	rq.content_type = body ? V1 : "";
	/* what Confluent's clients send */
	rq.headers[0] = "Accept: application/vnd.schemaregistry.v1+json, "
	                "application/vnd.schemaregistry+json, application/json";
	if (auth) {
		snprintf(header, sizeof(header), "Authorization: %s", auth);
		rq.headers[1] = header;
	}
	hs_do(&srv, &rq, r);
	return r->status;
}

static char *bearer(const char *token)
{
	char *s = malloc(strlen(token) + 8);

	ck_assert_ptr_nonnull(s);
	snprintf(s, strlen(token) + 8, "Bearer %s", token);
	return s;
}

/* Checks status, the exact body and (for JSON answers) Confluent's media type. */
static void expect(const char *method, const char *path, const char *body, long status,
                   const char *want)
{
	struct hs_response r;
	char *auth = bearer(srv.admin), *ct;
	long got = send_req(method, path, auth, body, &r);

	ck_assert_msg(got == status, "%s %s: status %ld, not %ld: %s", method, path, got, status,
	              r.body ? r.body : "");
	if (want)
		ck_assert_msg(strcmp(r.body, want) == 0, "%s %s: body\n  %s\nnot\n  %s", method,
		              path, r.body, want);
	ct = hs_header(&r, "Content-Type");
	ck_assert_msg(ct && strcmp(ct, V1) == 0, "%s %s: content type '%s'", method, path,
	              ct ? ct : "");
	free(ct);
	free(auth);
	hs_response_release(&r);
}

/* b with "schemaType": type (unless NULL) as compact JSON text, malloc'd; b is consumed. */
static char *body_text(json_t *b, const char *type)
{
	char *s;

	ck_assert_ptr_nonnull(b);
	if (type)
		json_object_set_new(b, "schemaType", json_string(type));
	s = json_dumps(b, JSON_COMPACT);
	json_decref(b);
	return s;
}

/* {"schema": text[, "schemaType": type]} as a JSON body, malloc'd. */
static char *schema_body(const char *text, const char *type)
{
	return body_text(json_pack("{s:s}", "schema", text), type);
}

static void reg(const char *subject, const char *text, const char *type, const char *want)
{
	char path[256], *body = schema_body(text, type);

	snprintf(path, sizeof(path), "/subjects/%s/versions", subject);
	expect("POST", path, body, 200, want);
	free(body);
}

static char *domain_token(const char *domain)
{
	struct hs_response r;
	char path[128], *tok;
	struct hs_request rq = {.method = "POST", .path = path, .body = "{\"name\":\"ci\"}"};
	json_t *j;

	snprintf(path, sizeof(path), "/domains/%s/tokens", domain);
	rq.token = srv.admin;
	hs_do(&srv, &rq, &r);
	ck_assert_msg(r.status == 201, "token: %ld %s", r.status, r.body);
	j = hs_json(&r);
	tok = strdup(json_string_value(json_object_get(j, "token")));
	json_decref(j);
	hs_response_release(&r);
	return tok;
}

/* A native PUT/POST with the admin token; status must be want. */
static void native(const char *method, const char *path, const char *body, long want)
{
	struct hs_response r;
	struct hs_request rq = {.method = method, .path = path, .token = srv.admin, .body = body};

	hs_do(&srv, &rq, &r);
	ck_assert_msg(r.status == want, "%s %s: %ld %s", method, path, r.status, r.body);
	hs_response_release(&r);
}

/* Tests ----------------------------------------------------------------------------------- */

START_TEST(test_register_and_read)
{
	char *body = schema_body(USER_V1, NULL);

	expect("GET", "/subjects", NULL, 200, "[]");
	reg("orders-value", USER_V1, NULL, "{\"id\":1}");
	/* idempotent, and the same id under another subject: ids are global */
	reg("orders-value", USER_V1, NULL, "{\"id\":1}");
	reg("payments-value", USER_V1, NULL, "{\"id\":1}");
	reg("orders-value", USER_V2, NULL, "{\"id\":2}");
	expect("GET", "/subjects", NULL, 200, "[\"orders-value\",\"payments-value\"]");
	expect("GET", "/subjects?subjectPrefix=pay", NULL, 200, "[\"payments-value\"]");
	expect("GET", "/subjects/orders-value/versions", NULL, 200, "[1,2]");
	expect("GET", "/subjects/orders-value/versions/1", NULL, 200,
	       "{\"subject\":\"orders-value\",\"version\":1,\"id\":1,\"schema\":"
	       "\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"User\\\",\\\"fields\\\":"
	       "[{\\\"name\\\":\\\"id\\\",\\\"type\\\":\\\"long\\\"}]}\"}");
	expect("GET", "/subjects/orders-value/versions/latest/schema", NULL, 200, USER_V2);
	expect("GET", "/subjects/orders-value/versions/-1/schema", NULL, 200, USER_V2);
	expect("GET", "/subjects/orders-value/versions/1/schema", NULL, 200, USER_V1);
	expect("GET", "/schemas/ids/1/schema", NULL, 200, USER_V1);
	expect("GET", "/schemas/ids/2", NULL, 200,
	       "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"User\\\","
	       "\\\"fields\\\":[{\\\"name\\\":\\\"id\\\",\\\"type\\\":\\\"long\\\"},"
	       "{\\\"name\\\":\\\"email\\\",\\\"type\\\":[\\\"null\\\",\\\"string\\\"],"
	       "\\\"default\\\":null}]}\"}");
	expect("GET", "/schemas/ids/1/subjects", NULL, 200,
	       "[\"orders-value\",\"payments-value\"]");
	expect("GET", "/schemas/ids/1/versions", NULL, 200,
	       "[{\"subject\":\"orders-value\",\"version\":1},"
	       "{\"subject\":\"payments-value\",\"version\":1}]");
	expect("GET", "/schemas/types", NULL, 200, "[\"JSON\",\"PROTOBUF\",\"AVRO\"]");
	/* lookup */
	expect("POST", "/subjects/payments-value", body, 200, NULL);
	free(body);
	body = schema_body(USER_V2, NULL);
	expect("POST", "/subjects/payments-value", body, 404,
	       "{\"error_code\":40403,\"message\":\"Schema not found\"}");
	expect("POST", "/subjects/nobody-value", body, 404,
	       "{\"error_code\":40401,\"message\":\"Subject 'nobody-value' not found.\"}");
	free(body);
}
END_TEST

START_TEST(test_errors)
{
	char *body = schema_body(USER_V1, NULL);

	expect("GET", "/subjects/nobody-value/versions", NULL, 404,
	       "{\"error_code\":40401,\"message\":\"Subject 'nobody-value' not found.\"}");
	reg("orders-value", USER_V1, NULL, "{\"id\":1}");
	expect("GET", "/subjects/orders-value/versions/7", NULL, 404,
	       "{\"error_code\":40402,\"message\":\"Version 7 not found.\"}");
	expect("GET", "/subjects/orders-value/versions/0", NULL, 422,
	       "{\"error_code\":42202,\"message\":\"The specified version '0' is not a valid "
	       "version id. Allowed values are between [1, 2^31-1] and the string "
	       "\\\"latest\\\"\"}");
	expect("GET", "/schemas/ids/99", NULL, 404,
	       "{\"error_code\":40403,\"message\":\"Schema 99 not found\"}");
	expect("POST", "/subjects/orders-value/versions", "{\"schema\":\"{\\\"type\\\":\"}", 422,
	       NULL);
	expect("POST", "/subjects/orders-value/versions",
	       "{\"schema\":\"{\\\"type\\\":\\\"record\\\"}\"}", 422, NULL);
	expect("POST", "/subjects/orders-value/versions",
	       "{\"schema\":\"{}\",\"schemaType\":"
	       "\"XML\"}",
	       422, "{\"error_code\":42201,\"message\":\"Invalid schema type XML\"}");
	expect("PUT", "/config/orders-value", "{\"compatibility\":\"SIDEWAYS\"}", 422,
	       "{\"error_code\":42203,\"message\":\"Invalid compatibility level. Valid values are "
	       "none, backward, forward, full, backward_transitive, forward_transitive, and "
	       "full_transitive\"}");
	expect("PUT", "/config", "{\"compatibility\":\"SIDEWAYS\"}", 422,
	       "{\"error_code\":42203,\"message\":\"Invalid compatibility level. Valid values are "
	       "none, backward, forward, full, backward_transitive, forward_transitive, and "
	       "full_transitive\"}");
	expect("PUT", "/config", "{\"normalize\":\"yes\"}", 422,
	       "{\"error_code\":42203,\"message\":\"Invalid config: normalize must be true or "
	       "false\"}");
	expect("PUT", "/mode", "{\"mode\":\"WRITEONLY\"}", 422,
	       "{\"error_code\":42204,\"message\":\"Invalid mode. Valid values are READWRITE, "
	       "READONLY, IMPORT\"}");
	free(body);
	body = schema_body(USER_BAD, NULL);
	expect("POST", "/subjects/orders-value/versions", body, 409,
	       "{\"error_code\":409,\"message\":\"Schema being registered is incompatible with an "
	       "earlier schema for subject \\\"orders-value\\\", details: "
	       "[\\\"avro.field-added-without-default: field 'n' added without a default\\\"]\"}");
	free(body);
	/* the dispatcher's own answers in Confluent's shape */
	{
		struct hs_response r;

		ck_assert_int_eq(send_req("POST", "/subjects/orders-value/versions", NULL,
		                          "{\"schema\":\"\\\"int\\\"\"}", &r),
		                 401);
		ck_assert_ptr_nonnull(strstr(r.body, "\"error_code\":40101"));
		hs_response_release(&r);
		ck_assert_int_eq(send_req("POST", "/subjects/orders-value/versions",
		                          "Basic eDpub3RhdG9rZW4=", "{\"schema\":\"\\\"int\\\"\"}",
		                          &r),
		                 401);
		ck_assert_ptr_nonnull(strstr(r.body, "\"error_code\":40101"));
		hs_response_release(&r);
	}
}
END_TEST

START_TEST(test_compatibility)
{
	char *good = schema_body(USER_V2, NULL), *bad = schema_body(USER_BAD, NULL);

	/* nothing registered: compatible */
	expect("POST", "/compatibility/subjects/orders-value/versions", good, 200,
	       "{\"is_compatible\":true}");
	expect("POST", "/compatibility/subjects/orders-value/versions/latest", good, 404,
	       "{\"error_code\":40401,\"message\":\"Subject 'orders-value' not found.\"}");
	reg("orders-value", USER_V1, NULL, "{\"id\":1}");
	expect("POST", "/compatibility/subjects/orders-value/versions/latest", good, 200,
	       "{\"is_compatible\":true}");
	expect("POST", "/compatibility/subjects/orders-value/versions/1?verbose=true", bad, 200,
	       "{\"is_compatible\":false,\"messages\":[\"avro.field-added-without-default: "
	       "field 'n' added without a default\"]}");
	expect("POST", "/compatibility/subjects/orders-value/versions", bad, 200,
	       "{\"is_compatible\":false}");
	expect("POST", "/compatibility/subjects/orders-value/versions/2", bad, 404,
	       "{\"error_code\":40402,\"message\":\"Version 2 not found.\"}");
	/* subject-level compatibility is the product's spec.compatibility */
	expect("GET", "/config/orders-value", NULL, 404,
	       "{\"error_code\":40408,\"message\":\"Subject 'orders-value' does not have "
	       "subject-level compatibility configured\"}");
	expect("GET", "/config/orders-value?defaultToGlobal=true", NULL, 200,
	       "{\"compatibilityLevel\":\"BACKWARD\"}");
	expect("PUT", "/config/orders-value", "{\"compatibility\":\"NONE\"}", 200,
	       "{\"compatibility\":\"NONE\"}");
	expect("GET", "/config/orders-value", NULL, 200, "{\"compatibilityLevel\":\"NONE\"}");
	reg("orders-value", USER_BAD, NULL, "{\"id\":2}");
	expect("DELETE", "/config/orders-value", NULL, 200, "{\"compatibilityLevel\":\"NONE\"}");
	expect("GET", "/config/orders-value", NULL, 404, NULL);
	/* the registry default, shared with the native /config */
	expect("PUT", "/config", "{\"compatibility\":\"FULL\"}", 200, NULL);
	expect("GET", "/config", NULL, 200,
	       "{\"compatibility\":\"FULL\",\"compatibilityLevel\":\"FULL\"}");
	/* Confluent answers the setting it removed */
	expect("DELETE", "/config", NULL, 200, "{\"compatibilityLevel\":\"FULL\"}");
	expect("GET", "/config", NULL, 200,
	       "{\"compatibility\":\"BACKWARD\",\"compatibilityLevel\":\"BACKWARD\"}");
	/* the native API answers the default now in force */
	native("PUT", "/config", "{\"compatibility\":\"FULL\"}", 200);
	{
		struct hs_response r;
		struct hs_request rq = {.method = "DELETE", .path = "/config", .token = srv.admin};

		hs_do(&srv, &rq, &r);
		ck_assert_int_eq(r.status, 200);
		ck_assert_str_eq(r.body, "{\"compatibility\":\"BACKWARD\",\"compatibilityLevel\":"
		                         "\"BACKWARD\"}");
		hs_response_release(&r);
	}
	free(good);
	free(bad);
}
END_TEST

START_TEST(test_modes)
{
	char *body = schema_body(USER_V1, NULL);

	expect("GET", "/mode", NULL, 200, "{\"mode\":\"READWRITE\"}");
	expect("GET", "/mode/orders-value", NULL, 404,
	       "{\"error_code\":40409,\"message\":\"Subject 'orders-value' does not have "
	       "subject-level mode configured\"}");
	expect("PUT", "/mode/orders-value", "{\"mode\":\"READONLY\"}", 200,
	       "{\"mode\":\"READONLY\"}");
	expect("GET", "/mode/orders-value", NULL, 200, "{\"mode\":\"READONLY\"}");
	expect("POST", "/subjects/orders-value/versions", body, 422,
	       "{\"error_code\":42205,\"message\":\"Subject 'orders-value' is in read-only "
	       "mode\"}");
	reg("other-value", USER_V1, NULL, "{\"id\":1}");
	expect("PUT", "/mode", "{\"mode\":\"READONLY\"}", 200, "{\"mode\":\"READONLY\"}");
	expect("POST", "/subjects/other-value/versions", body, 422, NULL);
	expect("GET", "/mode/other-value?defaultToGlobal=true", NULL, 200,
	       "{\"mode\":\"READONLY\"}");
	expect("PUT", "/mode?force=true", "{\"mode\":\"IMPORT\"}", 200, "{\"mode\":\"IMPORT\"}");
	/* IMPORT takes schemas as they come */
	reg("other-value", USER_BAD, NULL, "{\"id\":2}");
	free(body);
}
END_TEST

START_TEST(test_deletes)
{
	reg("orders-value", USER_V1, NULL, "{\"id\":1}");
	reg("orders-value", USER_V2, NULL, "{\"id\":2}");
	expect("DELETE", "/subjects/orders-value/versions/1?permanent=true", NULL, 404,
	       "{\"error_code\":40407,\"message\":\"Subject 'orders-value' Version 1 was not "
	       "deleted first before being permanently deleted\"}");
	expect("DELETE", "/subjects/orders-value/versions/1", NULL, 200, "1");
	expect("DELETE", "/subjects/orders-value/versions/1", NULL, 404,
	       "{\"error_code\":40406,\"message\":\"Subject 'orders-value' Version 1 was soft "
	       "deleted. Set permanent=true to delete permanently\"}");
	expect("GET", "/subjects/orders-value/versions", NULL, 200, "[2]");
	expect("GET", "/subjects/orders-value/versions?deleted=true", NULL, 200, "[1,2]");
	expect("GET", "/subjects/orders-value/versions/1", NULL, 404, NULL);
	expect("DELETE", "/subjects/orders-value?permanent=true", NULL, 404,
	       "{\"error_code\":40405,\"message\":\"Subject 'orders-value' was not deleted first "
	       "before being permanently deleted\"}");
	expect("DELETE", "/subjects/orders-value", NULL, 200, "[2]");
	expect("DELETE", "/subjects/orders-value", NULL, 404,
	       "{\"error_code\":40404,\"message\":\"Subject 'orders-value' was soft deleted. Set "
	       "permanent=true to delete permanently\"}");
	expect("GET", "/subjects", NULL, 200, "[]");
	expect("GET", "/subjects?deleted=true", NULL, 200, "[\"orders-value\"]");
	/* every version soft-deleted: the subject is not found, as Confluent answers */
	{
		char *v2 = schema_body(USER_V2, NULL);
		const char *gone = "{\"error_code\":40401,\"message\":\"Subject 'orders-value' not "
		                   "found.\"}";

		expect("GET", "/subjects/orders-value/versions/latest", NULL, 404, gone);
		expect("GET", "/subjects/orders-value/versions/2", NULL, 404, gone);
		expect("GET", "/subjects/orders-value/versions/2?deleted=true", NULL, 200, NULL);
		expect("POST", "/subjects/orders-value", v2, 404, gone);
		expect("POST", "/subjects/orders-value?deleted=true", v2, 200, NULL);
		free(v2);
	}
	/* the native API still serves soft-deleted versions */
	native("GET", "/domains/unclaimed/products/orders-value/versions/1", NULL, 200);
	expect("DELETE", "/subjects/orders-value?permanent=true", NULL, 200, "[1,2]");
	native("GET", "/domains/unclaimed/products/orders-value/versions/1", NULL, 404);
	/* a version that was not soft-deleted stays immutable in the database too */
	reg("orders-value", USER_V1, NULL, "{\"id\":1}");
	{
		char *out = hs_sqlite(&srv, "DELETE FROM versions;");
		char *n = hs_sqlite(&srv, "SELECT count(*) FROM versions;");

		ck_assert_ptr_nonnull(n);
		ck_assert_str_eq(n, "1\n");
		free(out);
		free(n);
	}
}
END_TEST

/* an evolution of USER_V1 that USER_V2 refuses: email's type is no longer a string */
#define USER_INT                                                                                   \
	"{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"},"  \
	"{\"name\":\"email\",\"type\":\"int\",\"default\":0}]}"

/* Confluent's semantics of soft-deleted and permanently deleted versions. */
START_TEST(test_deleted_versions)
{
	char *x = schema_body(USER_INT, NULL), *v2 = schema_body(USER_V2, NULL);

	/* soft-deleted versions are not compared */
	reg("b-value", USER_V1, NULL, "{\"id\":1}");
	reg("b-value", USER_V2, NULL, "{\"id\":2}");
	expect("POST", "/compatibility/subjects/b-value/versions", x, 200,
	       "{\"is_compatible\":false}");
	expect("POST", "/subjects/b-value/versions", x, 409, NULL);
	expect("DELETE", "/subjects/b-value/versions/2", NULL, 200, "2");
	expect("POST", "/compatibility/subjects/b-value/versions", x, 200,
	       "{\"is_compatible\":true}");
	/* ... and the native API still compares them */
	{
		struct hs_response r;
		struct hs_request rq = {
		    .method = "POST",
		    .path = "/domains/unclaimed/products/b-value/compatibility-checks",
		    .token = srv.admin,
		    .body = "{\"format\":\"avro\",\"contract\":" USER_INT "}"};

		hs_do(&srv, &rq, &r);
		ck_assert_int_eq(r.status, 200);
		ck_assert_msg(strstr(r.body, "\"compatible\":false") &&
		                  strstr(r.body, "\"against\":[2]"),
		              "native check: %s", r.body);
		hs_response_release(&r);
	}
	reg("b-value", USER_INT, NULL, "{\"id\":3}");
	expect("GET", "/subjects/b-value/versions", NULL, 200, "[1,3]");

	/* a soft-deleted schema registered again is a new version, with its same id */
	reg("a-value", USER_V1, NULL, "{\"id\":1}");
	reg("a-value", USER_V2, NULL, "{\"id\":2}");
	/* lookups are cached by their body, and a write makes them current again */
	expect("POST", "/subjects/a-value", v2, 200, NULL);
	expect("POST", "/subjects/a-value", v2, 200, NULL);
	expect("DELETE", "/subjects/a-value/versions/2", NULL, 200, "2");
	expect("POST", "/subjects/a-value", v2, 404,
	       "{\"error_code\":40403,\"message\":\"Schema not found\"}");
	reg("a-value", USER_V2, NULL, "{\"id\":2}");
	expect("GET", "/subjects/a-value/versions", NULL, 200, "[1,3]");
	expect("GET", "/subjects/a-value/versions?deleted=true", NULL, 200, "[1,2,3]");
	expect("POST", "/subjects/a-value", v2, 200,
	       "{\"subject\":\"a-value\",\"version\":3,\"id\":2,\"schema\":"
	       "\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"User\\\",\\\"fields\\\":"
	       "[{\\\"name\\\":\\\"id\\\",\\\"type\\\":\\\"long\\\"},{\\\"name\\\":\\\"email\\\","
	       "\\\"type\\\":[\\\"null\\\",\\\"string\\\"],\\\"default\\\":null}]}\"}");
	/* idempotent from now on, through both APIs */
	reg("a-value", USER_V2, NULL, "{\"id\":2}");
	expect("GET", "/subjects/a-value/versions", NULL, 200, "[1,3]");
	native("GET", "/domains/unclaimed/products/a-value/versions/2", NULL, 200);
	native("POST", "/domains/unclaimed/products/a-value/versions",
	       "{\"format\":\"avro\",\"contract\":" USER_V2 "}", 200);
	expect("GET", "/schemas/ids/2/versions", NULL, 200,
	       "[{\"subject\":\"a-value\",\"version\":3}]");
	expect("GET", "/schemas/ids/2/versions?deleted=true", NULL, 200,
	       "[{\"subject\":\"a-value\",\"version\":2},{\"subject\":\"a-value\","
	       "\"version\":3},{\"subject\":\"b-value\",\"version\":2}]");

	/* a permanently deleted latest version's number is never given again */
	expect("DELETE", "/subjects/a-value/versions/3", NULL, 200, "3");
	expect("DELETE", "/subjects/a-value/versions/3?permanent=true", NULL, 200, "3");
	expect("GET", "/subjects/a-value/versions?deleted=true", NULL, 200, "[1,2]");
	reg("a-value", USER_INT, NULL, "{\"id\":3}");
	expect("GET", "/subjects/a-value/versions?deleted=true", NULL, 200, "[1,2,4]");
	expect("GET", "/subjects/a-value/versions/latest", NULL, 200, NULL);
	native("GET", "/domains/unclaimed/products/a-value/versions/4", NULL, 200);
	native("GET", "/domains/unclaimed/products/a-value/versions/3", NULL, 404);
	free(x);
	free(v2);
}
END_TEST

START_TEST(test_mode_delete_and_references)
{
	reg("orders-value", USER_V1, NULL, "{\"id\":1}");
	/* no schema references this one */
	expect("GET", "/subjects/orders-value/versions/1/referencedby", NULL, 200, "[]");
	expect("GET", "/subjects/orders-value/versions/latest/referencedby", NULL, 200, "[]");
	expect("GET", "/subjects/orders-value/versions/9/referencedby", NULL, 404,
	       "{\"error_code\":40402,\"message\":\"Version 9 not found.\"}");
	expect("GET", "/subjects/nobody-value/versions/1/referencedby", NULL, 404,
	       "{\"error_code\":40401,\"message\":\"Subject 'nobody-value' not found.\"}");
	/* DELETE /mode/{s} answers the mode it removed; the global one applies again */
	expect("DELETE", "/mode/orders-value", NULL, 404,
	       "{\"error_code\":40409,\"message\":\"Subject 'orders-value' does not have "
	       "subject-level mode configured\"}");
	expect("PUT", "/mode/orders-value", "{\"mode\":\"READONLY\"}", 200, NULL);
	expect("DELETE", "/mode/orders-value", NULL, 200, "{\"mode\":\"READONLY\"}");
	expect("GET", "/mode/orders-value", NULL, 404, NULL);
	expect("GET", "/mode/orders-value?defaultToGlobal=true", NULL, 200,
	       "{\"mode\":\"READWRITE\"}");
	reg("orders-value", USER_V2, NULL, "{\"id\":2}");
	/* DELETE /config/{s} answers the level it removed */
	expect("PUT", "/config/orders-value", "{\"compatibility\":\"FULL\"}", 200, NULL);
	expect("DELETE", "/config/orders-value", NULL, 200, "{\"compatibilityLevel\":\"FULL\"}");
	/* without a token: refused */
	{
		struct hs_response r;

		ck_assert_int_eq(send_req("DELETE", "/mode/orders-value", NULL, NULL, &r), 401);
		hs_response_release(&r);
	}
}
END_TEST

/* The findings of GET /audit?rule=DW031, as {"products"...} text (malloc'd). */
static char *unclaimed_findings(void)
{
	struct hs_response r;
	struct hs_request rq = {.method = "GET", .path = "/audit?rule=DW031", .token = srv.admin};
	json_t *j;
	char *out;

	hs_do(&srv, &rq, &r);
	ck_assert_msg(r.status == 200, "audit: %ld %s", r.status, r.body);
	j = hs_json(&r);
	out = json_dumps(json_object_get(j, "findings"), JSON_COMPACT);
	json_decref(j);
	hs_response_release(&r);
	return out;
}

/* A subject no product claims is reported by the audit (DW031) until a domain claims it. */
START_TEST(test_unclaimed_audit)
{
	char *f;

	reg("orders.placed-value", USER_V1, NULL, "{\"id\":1}");
	f = unclaimed_findings();
	ck_assert_msg(strstr(f, "\"rule\":\"DW031\"") &&
	                  strstr(f, "\"unclaimed/orders-placed-value\"") &&
	                  strstr(f, "claims topic 'orders.placed' (subject "
	                            "'orders.placed-value')"),
	              "%s", f);
	free(f);
	native("PUT", "/domains/sales",
	       "{\"apiVersion\":\"driveway/v1\",\"kind\":\"Domain\",\"metadata\":{\"name\":"
	       "\"sales\"},\"spec\":{\"title\":\"Sales\",\"owner\":\"team-sales\"}}",
	       201);
	native("PUT", "/domains/sales/products/orders",
	       "{\"apiVersion\":\"driveway/v1\",\"kind\":\"DataProduct\",\"metadata\":{\"domain\":"
	       "\"sales\",\"name\":\"orders\",\"owner\":\"team-sales\"},\"spec\":{"
	       "\"type\":\"topic\",\"topic\":\"orders.placed\"}}",
	       201);
	f = unclaimed_findings();
	ck_assert_str_eq(f, "[]");
	free(f);
	/* claimed: new versions go to the domain's product */
	reg("orders.placed-value", USER_V2, NULL, "{\"id\":2}");
	native("GET", "/domains/sales/products/orders/versions/1", NULL, 200);
	/* a record-name subject has no topic: reported until a product declares the subject */
	reg("com.acme.Customer", USER_V1, NULL, "{\"id\":1}");
	f = unclaimed_findings();
	ck_assert_msg(strstr(f, "\"unclaimed/com-acme-customer\"") &&
	                  strstr(f, "claims subject 'com.acme.Customer'"),
	              "%s", f);
	free(f);
	native("PUT", "/domains/sales/products/customers",
	       "{\"apiVersion\":\"driveway/v1\",\"kind\":\"DataProduct\",\"metadata\":{\"domain\":"
	       "\"sales\",\"name\":\"customers\",\"owner\":\"team-sales\"},\"spec\":{"
	       "\"type\":\"topic\",\"topic\":\"customers\",\"subject\":\"com.acme.Customer\"}}",
	       201);
	f = unclaimed_findings();
	ck_assert_str_eq(f, "[]");
	free(f);
}
END_TEST

START_TEST(test_shared_objects)
{
	char *tok, *auth;
	struct hs_response r;
	json_t *j;

	native("PUT", "/domains/customer",
	       "{\"apiVersion\":\"driveway/v1\",\"kind\":\"Domain\",\"metadata\":{\"name\":"
	       "\"customer\"},\"spec\":{\"title\":\"Customer\",\"owner\":\"team-customer\"}}",
	       201);
	native("PUT", "/domains/customer/products/profile-changed",
	       "{\"apiVersion\":\"driveway/v1\",\"kind\":\"DataProduct\",\"metadata\":{\"domain\":"
	       "\"customer\",\"name\":\"profile-changed\",\"owner\":\"team-customer\"},\"spec\":{"
	       "\"type\":\"topic\",\"topic\":\"customer.profile\"}}",
	       201);
	native("PUT", "/domains/customer/products/audit-log",
	       "{\"apiVersion\":\"driveway/v1\",\"kind\":\"DataProduct\",\"metadata\":{\"domain\":"
	       "\"customer\",\"name\":\"audit-log\",\"owner\":\"team-customer\"},\"spec\":{"
	       "\"type\":\"topic\"}}",
	       201);
	/* registered through Confluent's API: a version of the topic product */
	reg("customer.profile-value", USER_V1, NULL, "{\"id\":1}");
	native("GET", "/domains/customer/products/profile-changed/versions/1", NULL, 200);
	/* registered natively: seen through Confluent's API under <domain>.<name>-value */
	native("POST", "/domains/customer/products/audit-log/versions",
	       "{\"format\":\"jsonschema\",\"contract\":{\"type\":\"object\"}}", 201);
	expect("GET", "/subjects", NULL, 200,
	       "[\"customer.audit-log-value\",\"customer.profile-value\"]");
	expect("GET", "/subjects/customer.audit-log-value/versions/1", NULL, 200,
	       "{\"subject\":\"customer.audit-log-value\",\"version\":1,\"id\":2,\"schema\":"
	       "\"{\\\"type\\\":\\\"object\\\"}\",\"schemaType\":\"JSON\"}");
	reg("customer.audit-log-value", "{\"type\":\"object\"}", "JSON", "{\"id\":2}");
	/* a domain token writes its own subjects only */
	tok = domain_token("customer");
	auth = malloc(strlen(tok) + 8);
	snprintf(auth, strlen(tok) + 8, "Bearer %s", tok);
	ck_assert_int_eq(send_req("POST", "/subjects/customer.profile-value/versions", auth,
	                          "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":"
	                          "\\\"User\\\",\\\"fields\\\":[{\\\"name\\\":\\\"id\\\","
	                          "\\\"type\\\":\\\"string\\\"}]}\",\"schemaType\":\"AVRO\"}",
	                          &r),
	                 409);
	hs_response_release(&r);
	ck_assert_int_eq(send_req("POST", "/subjects/elsewhere-value/versions", auth,
	                          "{\"schema\":\"\\\"int\\\"\"}", &r),
	                 403);
	j = hs_json(&r);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "error_code")), 40301);
	json_decref(j);
	hs_response_release(&r);
	free(auth);
	free(tok);
}
END_TEST

START_TEST(test_prefix)
{
	char *body = schema_body(USER_V1, NULL);
	struct hs_response r;

	expect("POST", "/ccompat/subjects/orders-value/versions", body, 200, "{\"id\":1}");
	expect("POST", "/ccompat/subjects/x-value/versions", body, 200, "{\"id\":1}");
	free(body);
	expect("GET", "/ccompat/subjects", NULL, 200, "[\"orders-value\",\"x-value\"]");
	expect("GET", "/ccompat/schemas/ids/1/subjects", NULL, 200,
	       "[\"orders-value\",\"x-value\"]");
	expect("GET", "/ccompat/config", NULL, 200, NULL);
	expect("GET", "/ccompat/nothing", NULL, 404, NULL);
	/* the native API keeps the root */
	ck_assert_int_eq(
	    send_req("GET", "/domains/unclaimed/products/orders-value", NULL, NULL, &r), 200);
	hs_response_release(&r);
}
END_TEST

/* Schema references ------------------------------------------------------------------------ */

#define ADDRESS_V1                                                                                 \
	"{\"type\":\"record\",\"name\":\"Address\",\"namespace\":\"com.acme\",\"fields\":"         \
	"[{\"name\":\"street\",\"type\":\"string\"}]}"
#define ADDRESS_V2                                                                                 \
	"{\"type\":\"record\",\"name\":\"Address\",\"namespace\":\"com.acme\",\"fields\":"         \
	"[{\"name\":\"street\",\"type\":\"string\"},{\"name\":\"zip\",\"type\":\"string\"}]}"
#define ORDER                                                                                      \
	"{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"com.acme\",\"fields\":"           \
	"[{\"name\":\"ship\",\"type\":\"Address\"},{\"name\":\"bill\",\"type\":"                   \
	"[\"null\",\"com.acme.Address\"],\"default\":null}]}"

/* {"schema": text[, "schemaType"], "references": [{name, subject, version}]} (malloc'd). */
static char *ref_body(const char *text, const char *type, const char *name, const char *subject,
                      int version)
{
	return body_text(json_pack("{s:s, s:[{s:s, s:s, s:i}]}", "schema", text, "references",
	                           "name", name, "subject", subject, "version", version),
	                 type);
}

/* The body of a GET, malloc'd; status must be 200. */
static char *get_text(const char *path)
{
	struct hs_response r;
	char *auth = bearer(srv.admin), *out;

	ck_assert_int_eq(send_req("GET", path, auth, NULL, &r), 200);
	out = strdup(r.body);
	free(auth);
	hs_response_release(&r);
	return out;
}

/* Avro references: registered, served back with their references, resolved into the version's
 * contract that the native API serves and the compatibility checks compare, looked up,
 * listed by referencedby, and keeping the referenced versions from deletion. */
START_TEST(test_references_avro)
{
	char *body, *text;

	reg("address-value", ADDRESS_V1, NULL, "{\"id\":1}");
	body = ref_body(ORDER, NULL, "com.acme.Address", "address-value", 1);
	expect("POST", "/subjects/order-value/versions", body, 200, "{\"id\":2}");
	expect("POST", "/subjects/order-value/versions", body, 200, "{\"id\":2}");
	/* the same text under another subject is the same schema */
	expect("POST", "/subjects/order2-value/versions", body, 200, "{\"id\":2}");
	expect("GET", "/subjects/order-value/versions/1", NULL, 200,
	       "{\"subject\":\"order-value\",\"version\":1,\"id\":2,\"schema\":\"{\\\"type\\\":"
	       "\\\"record\\\",\\\"name\\\":\\\"Order\\\",\\\"namespace\\\":\\\"com.acme\\\","
	       "\\\"fields\\\":[{\\\"name\\\":\\\"ship\\\",\\\"type\\\":\\\"Address\\\"},"
	       "{\\\"name\\\":\\\"bill\\\",\\\"type\\\":[\\\"null\\\",\\\"com.acme.Address\\\"],"
	       "\\\"default\\\":null}]}\",\"references\":[{\"name\":\"com.acme.Address\","
	       "\"subject\":\"address-value\",\"version\":1}]}");
	expect("GET", "/schemas/ids/2/schema", NULL, 200, ORDER);
	text = get_text("/schemas/ids/2");
	ck_assert_msg(strstr(text, "\"references\":[{\"name\":\"com.acme.Address\","
	                           "\"subject\":\"address-value\",\"version\":1}]"),
	              "%s", text);
	free(text);
	/* a lookup needs the references too */
	expect("POST", "/subjects/order-value", body, 200, NULL);
	free(body);
	body = schema_body(ORDER, NULL);
	expect("POST", "/subjects/order-value", body, 422, NULL);
	free(body);
	/* the native contract is self-contained: Address defined where first used */
	{
		struct hs_response r;
		struct hs_request rq = {
		    .method = "GET",
		    .path = "/domains/unclaimed/products/order-value/versions/1/contract"};

		hs_do(&srv, &rq, &r);
		ck_assert_int_eq(r.status, 200);
		ck_assert_msg(strstr(r.body, "\"street\"") != NULL, "%s", r.body);
		hs_response_release(&r);
	}
	/* format=resolved: the references' definitions inlined, as the versions hold it */
	text = get_text("/schemas/ids/2?format=resolved");
	ck_assert_msg(strstr(text, "\\\"name\\\":\\\"street\\\"") &&
	                  strstr(text, "\"references\":["),
	              "%s", text);
	free(text);
	text = get_text("/subjects/order-value/versions/1/schema?format=resolved");
	ck_assert_msg(strstr(text, "\"street\"") && !strstr(text, "\"references\""), "%s", text);
	free(text);
	expect("GET", "/subjects/address-value/versions/1/schema?format=resolved", NULL, 200,
	       ADDRESS_V1);
	expect("GET", "/subjects/address-value/versions/1/referencedby", NULL, 200, "[2]");
	/* referenced versions stay */
	expect("DELETE", "/subjects/address-value/versions/1", NULL, 422,
	       "{\"error_code\":42206,\"message\":\"One or more references exist to the schema "
	       "{magic=1,keytype=SCHEMA,subject=address-value,version=1}.\"}");
	expect("DELETE", "/subjects/address-value", NULL, 422, NULL);
	expect("GET", "/subjects/address-value/versions", NULL, 200, "[1]");
	/* evolution through a reference: Address v2 adds a field without a default (allowed
	 * under NONE in its own subject); an Order using it breaks BACKWARD */
	expect("PUT", "/config/address-value", "{\"compatibility\":\"NONE\"}", 200, NULL);
	reg("address-value", ADDRESS_V2, NULL, "{\"id\":3}");
	body = ref_body(ORDER, NULL, "com.acme.Address", "address-value", 2);
	expect("POST", "/compatibility/subjects/order-value/versions/latest", body, 200,
	       "{\"is_compatible\":false}");
	expect("POST", "/compatibility/subjects/order-value/versions/latest?verbose=true", body,
	       200,
	       "{\"is_compatible\":false,\"messages\":[\"avro.field-added-without-default: field "
	       "'ship.zip' added without a default\"]}");
	expect("POST", "/subjects/order-value/versions", body, 409, NULL);
	expect("GET", "/subjects/order-value/versions", NULL, 200, "[1]");
	free(body);
	/* references to nothing, or to another schema type */
	body = ref_body(ORDER, NULL, "com.acme.Address", "nobody-value", 1);
	expect("POST", "/subjects/order-value/versions", body, 422,
	       "{\"error_code\":42201,\"message\":\"Invalid schema: reference 'com.acme.Address' "
	       "names subject 'nobody-value' version 1, which does not exist\"}");
	free(body);
	body = ref_body(ORDER, NULL, "com.acme.Address", "address-value", 9);
	expect("POST", "/subjects/order-value/versions", body, 422, NULL);
	free(body);
	reg("json-value", "{\"type\":\"object\"}", "JSON", NULL);
	body = ref_body(ORDER, NULL, "com.acme.Address", "json-value", 1);
	expect("POST", "/subjects/order-value/versions", body, 422, NULL);
	free(body);
	/* a reference that defines another name than the one it is given under */
	body = ref_body(ORDER, NULL, "com.acme.Street", "address-value", 1);
	expect("POST", "/subjects/order-value/versions", body, 422, NULL);
	free(body);
	expect("POST", "/subjects/order-value/versions",
	       "{\"schema\":\"\\\"int\\\"\",\"references\":{}}", 422, NULL);
	expect("POST", "/subjects/order-value/versions",
	       "{\"schema\":\"\\\"int\\\"\",\"references\":[{\"name\":\"x\",\"subject\":"
	       "\"address-value\",\"version\":\"1\"}]}",
	       422, NULL);
	expect("GET", "/subjects/order-value/versions", NULL, 200, "[1]");
	/* once the referencing versions are gone for good, the referenced one may go */
	expect("DELETE", "/subjects/order-value", NULL, 200, "[1]");
	expect("DELETE", "/subjects/order2-value", NULL, 200, "[1]");
	expect("GET", "/subjects/address-value/versions/1/referencedby", NULL, 200, "[]");
	expect("DELETE", "/subjects/address-value/versions/1", NULL, 200, "1");
}
END_TEST

/* JSON Schema ($ref to the reference's name, with a fragment) and Protobuf (imports) references. */
START_TEST(test_references_json_protobuf)
{
	char *body;

	reg("address-json-value",
	    "{\"type\":\"object\",\"properties\":{\"street\":{\"type\":\"string\"}},"
	    "\"definitions\":{\"zip\":{\"type\":\"string\",\"maxLength\":10}}}",
	    "JSON", "{\"id\":1}");
	body = ref_body("{\"type\":\"object\",\"properties\":{\"ship\":{\"$ref\":\"address.json\"},"
	                "\"zip\":{\"$ref\":\"address.json#/definitions/zip\"}}}",
	                "JSON", "address.json", "address-json-value", 1);
	expect("POST", "/subjects/order-json-value/versions", body, 200, "{\"id\":2}");
	free(body);
	expect("GET", "/subjects/address-json-value/versions/1/referencedby", NULL, 200, "[2]");
	/* a $ref to a name no reference gives is not resolved */
	body = ref_body("{\"type\":\"object\",\"properties\":{\"ship\":{\"$ref\":\"other.json\"}}}",
	                "JSON", "address.json", "address-json-value", 1);
	expect("POST", "/subjects/order-json-value/versions", body, 422, NULL);
	free(body);

	reg("address-proto-value",
	    "syntax = \"proto3\";\npackage acme.geo;\nmessage Address { string street = 1; }\n"
	    "enum Kind { KIND_UNSPECIFIED = 0; HOME = 1; }\n",
	    "PROTOBUF", "{\"id\":3}");
	body = ref_body(
	    "syntax = \"proto3\";\npackage acme.sales;\nimport \"acme/geo/address.proto\";\n"
	    "message Order { acme.geo.Address ship = 1; acme.geo.Kind kind = 2; }\n",
	    "PROTOBUF", "acme/geo/address.proto", "address-proto-value", 1);
	expect("POST", "/subjects/order-proto-value/versions", body, 200, "{\"id\":4}");
	free(body);
	/* a type the referenced file does not define */
	body = ref_body(
	    "syntax = \"proto3\";\npackage acme.sales;\nimport \"acme/geo/address.proto\";\n"
	    "message Order { acme.geo.Adress ship = 1; }\n",
	    "PROTOBUF", "acme/geo/address.proto", "address-proto-value", 1);
	expect("POST", "/subjects/order-proto-value/versions", body, 422, NULL);
	free(body);
	expect("GET", "/subjects/address-proto-value/versions/1/referencedby", NULL, 200, "[4]");
	expect("GET", "/subjects/order-proto-value/versions/1", NULL, 200,
	       "{\"subject\":\"order-proto-value\",\"version\":1,\"id\":4,\"schema\":\"syntax = "
	       "\\\"proto3\\\";\\npackage acme.sales;\\nimport \\\"acme/geo/address.proto\\\";\\n"
	       "message Order { acme.geo.Address ship = 1; acme.geo.Kind kind = 2; }\\n\","
	       "\"schemaType\":\"PROTOBUF\",\"references\":[{\"name\":\"acme/geo/address.proto\","
	       "\"subject\":\"address-proto-value\",\"version\":1}]}");
}
END_TEST

/* base64 of the FileDescriptorProto of .proto text (with the texts of its imports), as
 * Confluent's Protobuf serializer sends it; malloc'd. */
static char *descriptor_of(const char *text, const struct protobuf_import *imports, size_t n)
{
	struct dw_findings f;
	json_t *ast = NULL;
	unsigned char *bin;
	size_t len;
	char *b64;

	dw_findings_init(&f);
	ck_assert_int_eq(protobuf_parse_with(text, strlen(text), imports, n, NULL, &f, &ast), 0);
	ck_assert_int_eq(protobuf_desc_from_ast(ast, "test.proto", &bin, &len), 0);
	b64 = protobuf_desc_base64_encode(bin, len);
	ck_assert_ptr_nonnull(b64);
	free(bin);
	json_decref(ast);
	dw_findings_release(&f);
	return b64;
}

/* The canonical .proto text of a "schema" answered as a base64 descriptor; malloc'd. */
static char *descriptor_text(const char *b64)
{
	struct dw_findings f;
	json_t *ast = NULL;
	unsigned char *bin;
	size_t len;
	char *text;

	ck_assert_int_eq(protobuf_desc_base64_decode(b64, strlen(b64), &bin, &len), 0);
	dw_findings_init(&f);
	ck_assert_int_eq(protobuf_desc_to_ast(bin, len, NULL, &f, &ast), 0);
	text = protobuf_canonical(ast);
	json_decref(ast);
	free(bin);
	dw_findings_release(&f);
	return text;
}

static char *canonical_text(const char *text)
{
	struct dw_findings f;
	json_t *ast = NULL;
	char *out;

	dw_findings_init(&f);
	ck_assert_int_eq(protobuf_parse(text, strlen(text), NULL, 0, NULL, &f, &ast), 0);
	out = protobuf_canonical(ast);
	json_decref(ast);
	dw_findings_release(&f);
	return out;
}

/* GET path (status 200): its "schema", malloc'd; *type its schemaType (or "" when absent). */
static char *schema_of(const char *path, char type[16])
{
	char *body = get_text(path), *schema;
	json_t *doc = json_loads(body, 0, NULL);

	ck_assert_ptr_nonnull(doc);
	schema = strdup(json_string_value(json_object_get(doc, "schema")));
	snprintf(type, 16, "%s",
	         json_string_value(json_object_get(doc, "schemaType"))
	             ? json_string_value(json_object_get(doc, "schemaType"))
	             : "");
	json_decref(doc);
	free(body);
	return schema;
}

#define PAID_PROTO                                                                                 \
	"syntax = \"proto3\";\npackage acme.pay;\n\nmessage Paid {\n  string id = 1;\n"            \
	"  int64 cents = 2;\n  map<string, Paid> parts = 3;\n  optional string note = 4;\n}\n"

/* Confluent's serializers' form of a Protobuf schema: base64 of a FileDescriptorProto, the
 * same schema (and id) as its .proto text; format=serialized answers that form. */
START_TEST(test_protobuf_descriptors)
{
	char *b64 = descriptor_of(PAID_PROTO, NULL, 0), *body, *got, *text, *want, type[16];
	struct protobuf_import geo = {"acme/geo/address.proto",
	                              "syntax = \"proto3\";\npackage acme.geo;\n"
	                              "message Address { string street = 1; }\n",
	                              0};

	reg("paid-value", PAID_PROTO, "PROTOBUF", "{\"id\":1}");
	/* the descriptor registers as the same schema: the same id, under any subject */
	reg("paid-value", b64, "PROTOBUF", "{\"id\":1}");
	reg("paid-copy-value", b64, "PROTOBUF", "{\"id\":1}");
	body = schema_body(b64, "PROTOBUF");
	expect("POST", "/subjects/paid-value", body, 200, NULL);
	expect("POST", "/compatibility/subjects/paid-value/versions/latest", body, 200,
	       "{\"is_compatible\":true}");
	free(body);
	expect("GET", "/subjects/paid-value/versions", NULL, 200, "[1]");

	/* format=serialized: the descriptor of the stored schema; without it, the text */
	want = canonical_text(PAID_PROTO);
	got = schema_of("/schemas/ids/1?format=serialized", type);
	ck_assert_str_eq(type, "PROTOBUF");
	text = descriptor_text(got);
	ck_assert_str_eq(text, want);
	free(text);
	free(got);
	got = schema_of("/subjects/paid-copy-value/versions/latest?format=serialized", type);
	text = descriptor_text(got);
	ck_assert_str_eq(text, want);
	free(text);
	free(got);
	got = get_text("/schemas/ids/1/schema?format=serialized");
	ck_assert(protobuf_desc_base64_like(got, strlen(got)));
	free(got);
	got = schema_of("/schemas/ids/1", type);
	ck_assert_str_eq(got, PAID_PROTO);
	free(got);
	free(want);
	free(b64);

	/* neither .proto text nor a descriptor */
	reg("avro-value", USER_V1, NULL, "{\"id\":2}");
	body = schema_body("YR==", "PROTOBUF");
	expect("POST", "/subjects/paid-value/versions", body, 422,
	       "{\"error_code\":42201,\"message\":\"Invalid schema: neither .proto text nor base64 "
	       "of a FileDescriptorProto\"}");
	free(body);
	body = schema_body("AAAA", "PROTOBUF");
	expect("POST", "/subjects/paid-value/versions", body, 422, NULL);
	free(body);
	body = schema_body("CgNhYmMSAnA=", "PROTOBUF"); /* name "abc", package "p" cut short */
	expect("POST", "/subjects/paid-value/versions", body, 422, NULL);
	free(body);
	/* other formats ignore format=serialized */
	got = schema_of("/schemas/ids/2?format=serialized", type);
	ck_assert_str_eq(got, USER_V1);
	free(got);

	/* a descriptor with a dependency: the import matched to the body's reference by name */
	geo.len = strlen(geo.text);
	reg("geo-value", geo.text, "PROTOBUF", "{\"id\":3}");
	b64 = descriptor_of("syntax = \"proto3\";\npackage acme.visits;\n"
	                    "import \"acme/geo/address.proto\";\n"
	                    "message Visit { acme.geo.Address where = 1; }\n",
	                    &geo, 1);
	body = ref_body(b64, "PROTOBUF", "acme/geo/address.proto", "geo-value", 1);
	expect("POST", "/subjects/visit-value/versions", body, 200, "{\"id\":4}");
	free(body);
	body = ref_body("syntax = \"proto3\";\npackage acme.visits;\n"
	                "import \"acme/geo/address.proto\";\n"
	                "message Visit {\n  acme.geo.Address where = 1;\n}\n",
	                "PROTOBUF", "acme/geo/address.proto", "geo-value", 1);
	expect("POST", "/subjects/visit2-value/versions", body, 200, "{\"id\":4}");
	free(body);
	/* without its reference the descriptor's import is not given */
	body = schema_body(b64, "PROTOBUF");
	expect("POST", "/subjects/visit3-value/versions", body, 200, "{\"id\":5}");
	free(body);
	free(b64);
	/* served with the referenced type fully qualified */
	got = schema_of("/schemas/ids/4?format=serialized", type);
	text = descriptor_text(got);
	ck_assert_msg(strstr(text, "acme.geo.Address where = 1;") != NULL, "%s", text);
	free(text);
	free(got);
	body = get_text("/subjects/visit-value/versions/1?format=serialized");
	ck_assert_msg(strstr(body, "\"references\":[{\"name\":\"acme/geo/address.proto\"") != NULL,
	              "%s", body);
	free(body);
}
END_TEST

/* normalize=true: equivalent schemas get one id, and the normalized text is kept. */
START_TEST(test_normalize)
{
	static const char wrapped[] = "{\"type\":\"record\",\"name\":\"N\",\"fields\":"
	                              "[{\"type\":{\"type\":\"long\"},\"name\":\"id\"}]}";
	static const char plain[] = "{\"name\":\"N\",\"type\":\"record\",\"fields\":"
	                            "[{\"name\":\"id\",\"type\":\"long\"}]}";
	char *b1 = schema_body(wrapped, NULL), *b2 = schema_body(plain, NULL);

	expect("POST", "/subjects/n-value/versions?normalize=true", b1, 200, "{\"id\":1}");
	expect("POST", "/subjects/n-value/versions?normalize=true", b2, 200, "{\"id\":1}");
	expect("POST", "/subjects/n-value?normalize=true", b1, 200, NULL);
	expect("GET", "/subjects/n-value/versions/1/schema", NULL, 200,
	       "{\"fields\":[{\"name\":\"id\",\"type\":\"long\"}],\"name\":\"N\",\"type\":"
	       "\"record\"}");
	/* without normalize the wrapped form is another schema */
	expect("POST", "/subjects/n-value", b1, 404, NULL);
	expect("POST", "/subjects/n2-value/versions", b1, 200, "{\"id\":2}");
	free(b1);
	free(b2);
	/* protobuf: the canonical text */
	b1 = schema_body("syntax = \"proto3\";   // comment\nmessage M {\n  string a = 1;   }\n",
	                 "PROTOBUF");
	expect("POST", "/subjects/p-value/versions?normalize=true", b1, 200, "{\"id\":3}");
	expect("GET", "/subjects/p-value/versions/1/schema", NULL, 200,
	       "syntax = \"proto3\";\nmessage M {\n  string a = 1;\n}\n");
	free(b1);

	/* the setting: per subject, then global; normalize= in the query wins */
	b1 = schema_body(wrapped, NULL);
	expect("PUT", "/config/n3-value", "{\"normalize\":\"yes\"}", 422, NULL);
	expect("PUT", "/config/n3-value", "{\"normalize\":true}", 200, "{\"normalize\":true}");
	expect("GET", "/config/n3-value", NULL, 200,
	       "{\"compatibilityLevel\":\"BACKWARD\",\"normalize\":true}");
	expect("POST", "/subjects/n3-value/versions", b1, 200, "{\"id\":1}");
	expect("POST", "/subjects/n3-value/versions?normalize=false", b1, 200, "{\"id\":2}");
	expect("DELETE", "/config/n3-value", NULL, 200, "{\"normalize\":true}");
	expect("GET", "/config/n3-value", NULL, 404, NULL);
	expect("PUT", "/config", "{\"normalize\":true}", 200, NULL);
	expect("GET", "/config", NULL, 200,
	       "{\"compatibility\":\"BACKWARD\",\"compatibilityLevel\":\"BACKWARD\","
	       "\"normalize\":true}");
	expect("POST", "/subjects/n4-value/versions", b1, 200, "{\"id\":1}");
	/* the subject's own setting wins: the wrapped form is then not the normalized one */
	expect("PUT", "/config/n4-value", "{\"normalize\":false}", 200, NULL);
	expect("POST", "/subjects/n4-value", b1, 404, NULL);
	expect("POST", "/subjects/n4-value?normalize=true", b1, 200, NULL);
	expect("DELETE", "/config", NULL, 200, NULL);
	expect("GET", "/config", NULL, 200,
	       "{\"compatibility\":\"BACKWARD\",\"compatibilityLevel\":\"BACKWARD\"}");
	free(b1);
}
END_TEST

/* IMPORT mode: only on an empty registry (or with force=true); schemas keep the ids and
 * version numbers they are given, which nothing else may take. */
START_TEST(test_import)
{
	reg("x-value", "\"int\"", NULL, "{\"id\":1}");
	expect(
	    "PUT", "/mode", "{\"mode\":\"IMPORT\"}", 422,
	    "{\"error_code\":42205,\"message\":\"Cannot import since found existing subjects\"}");
	expect("PUT", "/mode/x-value", "{\"mode\":\"IMPORT\"}", 422, NULL);
	expect("PUT", "/mode/y-value", "{\"mode\":\"IMPORT\"}", 200, "{\"mode\":\"IMPORT\"}");
	/* ids outside IMPORT */
	expect("POST", "/subjects/x-value/versions", "{\"schema\":\"\\\"long\\\"\",\"id\":50}", 422,
	       "{\"error_code\":42205,\"message\":\"Subject 'x-value' is not in import mode: a "
	       "schema id cannot be given\"}");
	expect("PUT", "/mode?force=true", "{\"mode\":\"IMPORT\"}", 200, "{\"mode\":\"IMPORT\"}");
	expect("POST", "/subjects/imp-value/versions",
	       "{\"schema\":\"\\\"string\\\"\",\"id\":100,\"version\":5}", 200, "{\"id\":100}");
	expect("POST", "/subjects/imp-value/versions",
	       "{\"schema\":\"\\\"string\\\"\",\"id\":100,\"version\":5}", 200, "{\"id\":100}");
	expect(
	    "GET", "/subjects/imp-value/versions/5", NULL, 200,
	    "{\"subject\":\"imp-value\",\"version\":5,\"id\":100,\"schema\":\"\\\"string\\\"\"}");
	expect("POST", "/subjects/imp-value/versions",
	       "{\"schema\":\"\\\"bytes\\\"\",\"id\":100,\"version\":6}", 422,
	       "{\"error_code\":42205,\"message\":\"Overwrite new schema with id 100 is not "
	       "permitted.\"}");
	expect("POST", "/subjects/imp-value/versions", "{\"schema\":\"\\\"string\\\"\",\"id\":101}",
	       422,
	       "{\"error_code\":42207,\"message\":\"Schema already registered with id 100 instead "
	       "of input id 101\"}");
	expect("POST", "/subjects/imp-value/versions",
	       "{\"schema\":\"\\\"bytes\\\"\",\"version\":5}", 422,
	       "{\"error_code\":42205,\"message\":\"Overwrite new schema with version 5 is not "
	       "permitted.\"}");
	expect("POST", "/subjects/imp-value/versions",
	       "{\"schema\":\"\\\"bytes\\\"\",\"id\":7,\"version\":2}", 200, "{\"id\":7}");
	expect("GET", "/subjects/imp-value/versions", NULL, 200, "[2,5]");
	expect("GET", "/subjects/imp-value/versions/latest/schema", NULL, 200, "\"string\"");
	expect("PUT", "/mode", "{\"mode\":\"READWRITE\"}", 200, NULL);
	/* new ids come after the imported ones */
	reg("z-value", "\"float\"", NULL, "{\"id\":101}");
	expect("PUT", "/config/imp-value", "{\"compatibility\":\"NONE\"}", 200, NULL);
	reg("imp-value", "\"double\"", NULL, NULL);
	expect("GET", "/subjects/imp-value/versions", NULL, 200, "[2,5,6]");
	expect("POST", "/subjects/imp-value/versions",
	       "{\"schema\":\"\\\"boolean\\\"\","
	       "\"version\":3}",
	       422, NULL);
}
END_TEST

/* A topic product that declares its subject (record-name and topic-record-name strategies)
 * gets that subject's versions; it no longer answers to <topic>-value. */
START_TEST(test_record_name_subject)
{
	native("PUT", "/domains/sales",
	       "{\"apiVersion\":\"driveway/v1\",\"kind\":\"Domain\",\"metadata\":{\"name\":"
	       "\"sales\"},\"spec\":{\"title\":\"Sales\",\"owner\":\"team-sales\"}}",
	       201);
	native("PUT", "/domains/sales/products/orders",
	       "{\"apiVersion\":\"driveway/v1\",\"kind\":\"DataProduct\",\"metadata\":{\"domain\":"
	       "\"sales\",\"name\":\"orders\",\"owner\":\"team-sales\"},\"spec\":{"
	       "\"type\":\"topic\",\"topic\":\"orders\",\"subject\":\"orders-com.acme.User\"}}",
	       201);
	expect("GET", "/subjects", NULL, 200, "[]");
	reg("orders-com.acme.User", USER_V1, NULL, "{\"id\":1}");
	native("GET", "/domains/sales/products/orders/versions/1", NULL, 200);
	expect("GET", "/subjects", NULL, 200, "[\"orders-com.acme.User\"]");
	/* orders-value is not this product's: it lands in the landing domain */
	reg("orders-value", USER_V2, NULL, "{\"id\":2}");
	native("GET", "/domains/unclaimed/products/orders-value/versions/1", NULL, 200);
	native("GET", "/domains/sales/products/orders/versions/2", NULL, 404);
	expect("GET", "/subjects", NULL, 200, "[\"orders-com.acme.User\",\"orders-value\"]");
}
END_TEST

static Suite *ccompat_suite(void)
{
	Suite *s = suite_create("ccompat_api");
	TCase *tc = tcase_create("root");
	TCase *tp = tcase_create("prefix");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_register_and_read);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_compatibility);
	tcase_add_test(tc, test_modes);
	tcase_add_test(tc, test_deletes);
	tcase_add_test(tc, test_deleted_versions);
	tcase_add_test(tc, test_mode_delete_and_references);
	tcase_add_test(tc, test_unclaimed_audit);
	tcase_add_test(tc, test_shared_objects);
	tcase_add_test(tc, test_references_avro);
	tcase_add_test(tc, test_references_json_protobuf);
	tcase_add_test(tc, test_protobuf_descriptors);
	tcase_add_test(tc, test_normalize);
	tcase_add_test(tc, test_import);
	tcase_add_test(tc, test_record_name_subject);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tp, setup_prefix, teardown);
	tcase_set_timeout(tp, 60);
	tcase_add_test(tp, test_prefix);
	suite_add_tcase(s, tp);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ccompat_suite());
	int failed;

	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
