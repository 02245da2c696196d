/*
 * Schema evolution gating on a real drivewayd (docs/api.md, "Compatibility"): the registry's
 * and each product's mode, a breaking version refused with 409 and the database untouched, the
 * same accepted under NONE, dry runs that store nothing, transitive modes, changelogs, the
 * consumers a breaking change reaches, and the flows resource kept in step with products.
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

/* Helpers ---------------------------------------------------------------------------------- */

/* A request whose answer must have status want; returns the body parsed (a new reference). */
static json_t *call(const char *method, const char *path, const char *body, long want)
{
	struct hs_response r;
	long status = hs_req(method, path, hs_srv.admin, body, &r);
	json_t *doc = hs_json(&r);

	ck_assert_msg(status == want, "%s %s: status %ld, not %ld: %s", method, path, status, want,
	              r.body ? r.body : "");
	hs_response_release(&r);
	return doc;
}

static void call_ok(const char *method, const char *path, const char *body, long want)
{
	json_decref(call(method, path, body, want));
}

static void mk_domain(const char *name)
{
	char *path = xasprintf("/domains/%s", name);
	char *body = xasprintf("{\"apiVersion\":\"driveway/v1\",\"kind\":\"Domain\","
	                       "\"metadata\":{\"name\":\"%s\"},"
	                       "\"spec\":{\"title\":\"A domain\",\"owner\":\"team-%s\"}}",
	                       name, name);

	call_ok("PUT", path, body, 201);
	free(path);
	free(body);
}

/* PUT a product; type api/topic; format the contract format or NULL; consumes: JSON array text
 * or NULL; mode or NULL. want: the status expected. */
static void put_product(const char *d, const char *p, const char *type, const char *format,
                        const char *mode, const char *consumes, long want)
{
	char *path = xasprintf("/domains/%s/products/%s", d, p);
	char *contract =
	    format ? xasprintf(",\"contract\":{\"format\":\"%s\"}", format) : xstrdup("");
	char *compat = mode ? xasprintf(",\"compatibility\":\"%s\"", mode) : xstrdup("");
	char *cons = consumes ? xasprintf(",\"consumes\":%s", consumes) : xstrdup("");
	char *body = xasprintf("{\"apiVersion\":\"driveway/v1\",\"kind\":\"DataProduct\","
	                       "\"metadata\":{\"domain\":\"%s\",\"name\":\"%s\",\"owner\":\"t\"},"
	                       "\"spec\":{\"type\":\"%s\"%s%s%s}}",
	                       d, p, type, contract, compat, cons);

	call_ok("PUT", path, body, want);
	free(path);
	free(contract);
	free(compat);
	free(cons);
	free(body);
}

static long post_contract(const char *path, const char *format, const char *contract,
                          const char *mode, struct hs_response *r)
{
	char *body = mode ? xasprintf("{\"format\":\"%s\",\"contract\":%s,\"mode\":\"%s\"}", format,
	                              contract, mode)
	                  : xasprintf("{\"format\":\"%s\",\"contract\":%s}", format, contract);
	long st = hs_req("POST", path, hs_srv.admin, body, r);

	free(body);
	return st;
}

/* The database without the token rows, which any authenticated request may touch. */
static char *stable_dump(void)
{
	char *dump = hs_db_dump(&hs_srv), *out, *o;

	ck_assert_msg(dump != NULL, "sqlite3 .dump failed on %s", hs_srv.db);
	out = o = xmalloc(strlen(dump) + 1);
	for (char *p = dump; *p;) {
		char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) + 1 : strlen(p);
		if (strncmp(p, "INSERT INTO tokens", 18) != 0 &&
		    strncmp(p, "INSERT INTO \"tokens\"", 20) != 0) {
			memcpy(o, p, n);
			o += n;
		}
		p += n;
	}
	*o = '\0';
	free(dump);
	return out;
}

static long long versions_of(const char *d, const char *p)
{
	char *path = xasprintf("/domains/%s/products/%s", d, p);
	json_t *doc = call("GET", path, NULL, 200);
	long long n =
	    json_integer_value(json_object_get(json_object_get(doc, "status"), "versions"));

	json_decref(doc);
	free(path);
	return n;
}

/* 1 when some change of arr has rule id. */
static int has_rule(const json_t *changes, const char *rule)
{
	size_t i;
	json_t *c;

	json_array_foreach(changes, i, c)
	{
		if (strcmp(json_string_value(json_object_get(c, "rule")), rule) == 0)
			return 1;
	}
	return 0;
}

/* The consumers named in an impact array, joined by spaces. */
static char *impacted(const json_t *impact)
{
	char buf[512] = "";
	size_t i, len = 0;
	json_t *it;

	json_array_foreach(impact, i, it)
	{
		int n = snprintf(buf + len, sizeof(buf) - len, "%s%s", len ? " " : "",
		                 json_string_value(json_object_get(it, "consumer")));
		if (n > 0 && (size_t)n < sizeof(buf) - len)
			len += (size_t)n;
	}
	return xstrdup(buf);
}

/* Contracts ---------------------------------------------------------------------------------- */

#define OP(path, id)                                                                               \
	"\"" path "\":{\"get\":{\"operationId\":\"" id "\","                                       \
	"\"responses\":{\"200\":{\"description\":\"ok\"}}}}"
#define OP_ID                                                                                      \
	"\"/profiles/{id}\":{\"get\":{\"operationId\":\"getProfile\","                             \
	"\"parameters\":[{\"name\":\"id\",\"in\":\"path\",\"required\":true,"                      \
	"\"schema\":{\"type\":\"string\"}}],\"responses\":{\"200\":{\"description\":\"ok\"}}}}"
static const char API_V1[] =
    "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"Profile\","
    "\"version\":\"1\"},\"paths\":{" OP_ID "," OP("/profiles", "listProfiles") "}}";
/* getProfile (its whole path) removed: breaking under BACKWARD */
static const char API_V2[] = "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"Profile\","
                             "\"version\":\"2\"},\"paths\":{" OP("/profiles", "listProfiles") "}}";
/* an operation added: compatible */
static const char API_V1_PLUS[] =
    "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"Profile\","
    "\"version\":\"1.1\"},\"paths\":{" OP_ID
    "," OP("/profiles", "listProfiles") "," OP("/stats", "getStats") "}}";

/* Avro: v2 adds b with a default, v3 drops the default. v3 reads v2's data (b is there) but
 * not v1's (b missing, no default): BACKWARD passes, BACKWARD_TRANSITIVE does not. */
static const char AVRO_V1[] = "{\"type\":\"record\",\"name\":\"R\",\"fields\":["
                              "{\"name\":\"a\",\"type\":\"string\"}]}";
static const char AVRO_V2[] = "{\"type\":\"record\",\"name\":\"R\",\"fields\":["
                              "{\"name\":\"a\",\"type\":\"string\"},"
                              "{\"name\":\"b\",\"type\":\"int\",\"default\":0}]}";
static const char AVRO_V3[] = "{\"type\":\"record\",\"name\":\"R\",\"fields\":["
                              "{\"name\":\"a\",\"type\":\"string\"},"
                              "{\"name\":\"b\",\"type\":\"int\"}]}";

#define P_API "/domains/customer/products/profile-api"
#define P_TOPIC "/domains/customer/products/profile-changed"

/* Tests ------------------------------------------------------------------------------------ */

/* The severity of the first change of rule in a changes answer ("" when absent). */
static const char *severity_of(const json_t *doc, const char *rule)
{
	const json_t *ch;
	size_t i;

	json_array_foreach(json_object_get(doc, "changes"), i, ch)
	{
		if (strcmp(json_string_value(json_object_get(ch, "rule")), rule) == 0)
			return json_string_value(json_object_get(ch, "severity"));
	}
	return "";
}

START_TEST(test_config_and_product_mode)
{
	struct hs_response r;
	json_t *doc;

	doc = call("GET", "/config", NULL, 200);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "compatibility")), "BACKWARD");
	json_decref(doc);
	ck_assert_int_eq(hs_req("PUT", "/config", NULL, "{\"compatibility\":\"FULL\"}", &r), 401);
	hs_response_release(&r);
	doc = call("PUT", "/config", "{\"compatibility\":\"FULL\"}", 200);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "compatibility")), "FULL");
	json_decref(doc);
	doc = call("GET", "/config", NULL, 200);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "compatibility")), "FULL");
	json_decref(doc);

	doc = call("PUT", "/config", "{\"compatibility\":\"BACKWRD\"}", 422);
	ck_assert_str_eq(json_string_value(json_object_get(
	                     json_array_get(json_object_get(doc, "errors"), 0), "pointer")),
	                 "/compatibility");
	ck_assert_str_eq(json_string_value(json_object_get(
	                     json_array_get(json_object_get(doc, "errors"), 0), "message")),
	                 "unknown compatibility mode 'BACKWRD'");
	json_decref(doc);
	call_ok("PUT", "/config", "{\"compatibility\":\"FULL\",\"x\":1}", 422);

	mk_domain("customer");
	put_product("customer", "profile-api", "api", "openapi", NULL, NULL, 201);
	doc = call("GET", P_API "/compatibility", NULL, 200);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "compatibility")), "FULL");
	ck_assert_str_eq(json_string_value(json_object_get(doc, "source")), "registry");
	json_decref(doc);

	doc =
	    call("PUT", P_API "/compatibility", "{\"compatibility\":\"FORWARD_TRANSITIVE\"}", 200);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "compatibility")),
	                 "FORWARD_TRANSITIVE");
	ck_assert_str_eq(json_string_value(json_object_get(doc, "source")), "product");
	json_decref(doc);
	doc = call("GET", P_API, NULL, 200);
	ck_assert_str_eq(
	    json_string_value(json_object_get(json_object_get(doc, "spec"), "compatibility")),
	    "FORWARD_TRANSITIVE");
	ck_assert_int_eq(
	    json_integer_value(json_object_get(json_object_get(doc, "status"), "revision")), 2);
	json_decref(doc);
	doc = call("GET", P_API "/compatibility", NULL, 200);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "source")), "product");
	json_decref(doc);

	call_ok("PUT", P_API "/compatibility", "{\"compatibility\":\"full\"}", 422);
	call_ok("PUT", P_API "/compatibility", "{\"compatibility\":3}", 422);
	call_ok("PUT", "/domains/customer/products/nope/compatibility",
	        "{\"compatibility\":\"FULL\"}", 404);

	doc = call("DELETE", P_API "/compatibility", NULL, 200);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "compatibility")), "FULL");
	ck_assert_str_eq(json_string_value(json_object_get(doc, "source")), "registry");
	json_decref(doc);
	doc = call("GET", P_API, NULL, 200);
	ck_assert_ptr_null(json_object_get(json_object_get(doc, "spec"), "compatibility"));
	json_decref(doc);
}
END_TEST

START_TEST(test_breaking_version_refused_with_impact)
{
	struct hs_response r;
	json_t *doc, *changes, *errors;
	char *before, *after, *who;
	size_t i;
	json_t *e;
	int found = 0;

	mk_domain("customer");
	mk_domain("support");
	mk_domain("marketing");
	put_product("customer", "profile-api", "api", "openapi", "BACKWARD", NULL, 201);
	put_product("support", "console", "api", NULL, NULL,
	            "[{\"product\":\"customer/profile-api\",\"pattern\":\"rest-api\","
	            "\"uses\":[\"getProfile\"]}]",
	            201);
	put_product("marketing", "campaigns", "api", NULL, NULL,
	            "[{\"product\":\"customer/profile-api\",\"pattern\":\"rest-api\","
	            "\"uses\":[\"GET /profiles\"]}]",
	            201);
	ck_assert_int_eq(post_contract(P_API "/versions", "openapi", API_V1, NULL, &r), 201);
	hs_response_release(&r);

	before = stable_dump();
	ck_assert_int_eq(post_contract(P_API "/versions", "openapi", API_V2, NULL, &r), 409);
	doc = hs_json(&r);
	hs_response_release(&r);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "title")), "Conflict");
	ck_assert_str_eq(json_string_value(json_object_get(doc, "mode")), "BACKWARD");
	ck_assert_str_eq(json_string_value(json_object_get(doc, "detail")),
	                 "contract breaks BACKWARD compatibility with version 1 (1 breaking "
	                 "change)");
	changes = json_object_get(doc, "changes");
	ck_assert(has_rule(changes, "openapi.path-removed"));
	errors = json_object_get(doc, "errors");
	ck_assert_int_eq(json_array_size(errors), 1);
	json_array_foreach(errors, i, e)
	{
		const char *msg = json_string_value(json_object_get(e, "message"));
		if (strncmp(msg, "openapi.path-removed: ", 22) == 0 &&
		    strcmp(json_string_value(json_object_get(e, "pointer")),
		           "/old/paths/~1profiles~1{id}/get") == 0)
			found = 1;
	}
	ck_assert_msg(found, "no error for the removed operation");
	who = impacted(json_object_get(doc, "impact"));
	ck_assert_str_eq(who, "support/console");
	free(who);
	ck_assert_str_eq(json_string_value(json_object_get(
	                     json_array_get(json_object_get(doc, "impact"), 0), "flow")),
	                 "support/console->customer/profile-api");
	json_decref(doc);
	after = stable_dump();
	ck_assert_msg(strcmp(before, after) == 0, "a refused version changed the database");
	free(after);
	ck_assert_int_eq(versions_of("customer", "profile-api"), 1);

	/* the dry run: the same verdict, nothing stored */
	ck_assert_int_eq(post_contract(P_API "/compatibility-checks", "openapi", API_V2, NULL, &r),
	                 200);
	doc = hs_json(&r);
	hs_response_release(&r);
	ck_assert(json_is_false(json_object_get(doc, "compatible")));
	ck_assert_int_eq(json_integer_value(json_array_get(json_object_get(doc, "against"), 0)), 1);
	who = impacted(json_object_get(doc, "impact"));
	ck_assert_str_eq(who, "support/console");
	free(who);
	json_decref(doc);
	/* a mode in the body overrides the product's, for the check only */
	ck_assert_int_eq(
	    post_contract(P_API "/compatibility-checks", "openapi", API_V2, "NONE", &r), 200);
	doc = hs_json(&r);
	hs_response_release(&r);
	ck_assert(json_is_true(json_object_get(doc, "compatible")));
	ck_assert_int_eq(json_array_size(json_object_get(doc, "impact")), 0);
	json_decref(doc);
	ck_assert_int_eq(
	    post_contract(P_API "/compatibility-checks", "openapi", API_V2, "NOPE", &r), 422);
	hs_response_release(&r);
	ck_assert_int_eq(
	    post_contract(P_API "/compatibility-checks", "openapi", API_V1_PLUS, NULL, &r), 200);
	doc = hs_json(&r);
	hs_response_release(&r);
	ck_assert(json_is_true(json_object_get(doc, "compatible")));
	json_decref(doc);
	after = stable_dump();
	ck_assert_msg(strcmp(before, after) == 0, "a dry run changed the database");
	free(after);
	free(before);
	ck_assert_int_eq(versions_of("customer", "profile-api"), 1);

	/* an identical contract is the existing version, whatever the mode */
	ck_assert_int_eq(post_contract(P_API "/versions", "openapi", API_V1, NULL, &r), 200);
	hs_response_release(&r);

	/* the same breaking contract under NONE */
	call_ok("PUT", P_API "/compatibility", "{\"compatibility\":\"NONE\"}", 200);
	ck_assert_int_eq(post_contract(P_API "/versions", "openapi", API_V2, NULL, &r), 201);
	doc = hs_json(&r);
	hs_response_release(&r);
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "version")), 2);
	ck_assert(has_rule(json_object_get(doc, "changes"), "openapi.path-removed"));
	json_decref(doc);
	ck_assert_int_eq(versions_of("customer", "profile-api"), 2);
}
END_TEST

START_TEST(test_transitive_and_changes)
{
	struct hs_response r;
	json_t *doc, *against;

	mk_domain("customer");
	put_product("customer", "profile-changed", "topic", "avro", "BACKWARD_TRANSITIVE", NULL,
	            201);
	ck_assert_int_eq(post_contract(P_TOPIC "/versions", "avro", AVRO_V1, NULL, &r), 201);
	hs_response_release(&r);
	ck_assert_int_eq(post_contract(P_TOPIC "/versions", "avro", AVRO_V2, NULL, &r), 201);
	hs_response_release(&r);

	ck_assert_int_eq(post_contract(P_TOPIC "/versions", "avro", AVRO_V3, NULL, &r), 409);
	doc = hs_json(&r);
	hs_response_release(&r);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "detail")),
	                 "contract breaks BACKWARD_TRANSITIVE compatibility with version 1 (1 "
	                 "breaking change)");
	ck_assert(has_rule(json_object_get(doc, "changes"), "avro.field-added-without-default"));
	json_decref(doc);

	ck_assert_int_eq(post_contract(P_TOPIC "/compatibility-checks", "avro", AVRO_V3, NULL, &r),
	                 200);
	doc = hs_json(&r);
	hs_response_release(&r);
	ck_assert(json_is_false(json_object_get(doc, "compatible")));
	against = json_object_get(doc, "against");
	ck_assert_int_eq(json_array_size(against), 2);
	ck_assert_int_eq(json_integer_value(json_array_get(against, 0)), 1);
	ck_assert_int_eq(json_integer_value(json_array_get(against, 1)), 2);
	json_decref(doc);
	ck_assert_int_eq(
	    post_contract(P_TOPIC "/compatibility-checks", "avro", AVRO_V3, "BACKWARD", &r), 200);
	doc = hs_json(&r);
	hs_response_release(&r);
	ck_assert(json_is_true(json_object_get(doc, "compatible")));
	ck_assert_int_eq(json_array_size(json_object_get(doc, "against")), 1);
	json_decref(doc);
	ck_assert_int_eq(versions_of("customer", "profile-changed"), 2);

	call_ok("PUT", P_TOPIC "/compatibility", "{\"compatibility\":\"BACKWARD\"}", 200);
	ck_assert_int_eq(post_contract(P_TOPIC "/versions", "avro", AVRO_V3, NULL, &r), 201);
	doc = hs_json(&r);
	hs_response_release(&r);
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "version")), 3);
	ck_assert(has_rule(json_object_get(doc, "changes"), "avro.field-default-removed"));
	json_decref(doc);

	/* changelogs */
	doc = call("GET", P_TOPIC "/versions/3/changes", NULL, 200);
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "version")), 3);
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "against")), 2);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "mode")), "BACKWARD");
	ck_assert(has_rule(json_object_get(doc, "changes"), "avro.field-default-removed"));
	ck_assert(!has_rule(json_object_get(doc, "changes"), "avro.field-added-without-default"));
	json_decref(doc);
	doc = call("GET", P_TOPIC "/versions/latest/changes?against=1", NULL, 200);
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "against")), 1);
	ck_assert(has_rule(json_object_get(doc, "changes"), "avro.field-added-without-default"));
	json_decref(doc);
	doc = call("GET", P_TOPIC "/versions/1/changes", NULL, 200);
	ck_assert(json_is_null(json_object_get(doc, "against")));
	ck_assert_int_eq(json_array_size(json_object_get(doc, "changes")), 0);
	json_decref(doc);
	/* ?mode= recomputes severities; NONE reports them as BACKWARD would. */
	doc = call("GET", P_TOPIC "/versions/3/changes?against=1&mode=FORWARD", NULL, 200);
	ck_assert_str_eq(severity_of(doc, "avro.field-added-without-default"), "warning");
	ck_assert_str_eq(json_string_value(json_object_get(doc, "severityMode")), "FORWARD");
	json_decref(doc);
	doc = call("GET", P_TOPIC "/versions/3/changes?against=1&mode=NONE", NULL, 200);
	ck_assert_str_eq(severity_of(doc, "avro.field-added-without-default"), "breaking");
	ck_assert_str_eq(json_string_value(json_object_get(doc, "mode")), "NONE");
	ck_assert_str_eq(json_string_value(json_object_get(doc, "severityMode")), "BACKWARD");
	json_decref(doc);
	call_ok("GET", P_TOPIC "/versions/3/changes?mode=BACKWRD", NULL, 400);
	call_ok("GET", P_TOPIC "/versions/3/changes?against=9", NULL, 404);
	call_ok("GET", P_TOPIC "/versions/3/changes?against=x", NULL, 400);
	call_ok("GET", P_TOPIC "/versions/4/changes", NULL, 404);
}
END_TEST

/* The ids of a flow page's items, joined by spaces, with their consumer->provider. */
static char *flows_of(const char *path)
{
	json_t *doc = call("GET", path, NULL, 200), *it;
	char buf[1024] = "";
	size_t i, len = 0;

	json_array_foreach(json_object_get(doc, "items"), i, it)
	{
		int n =
		    snprintf(buf + len, sizeof(buf) - len, "%s%s->%s:%s%s", len ? " " : "",
		             json_string_value(json_object_get(it, "consumer")),
		             json_string_value(json_object_get(it, "provider")),
		             json_string_value(json_object_get(it, "pattern")),
		             json_is_true(json_object_get(it, "providerRegistered")) ? "" : "?");
		if (n > 0 && (size_t)n < sizeof(buf) - len)
			len += (size_t)n;
	}
	json_decref(doc);
	return xstrdup(buf);
}

static void expect_flows(const char *path, const char *want)
{
	char *have = flows_of(path);

	ck_assert_msg(strcmp(have, want) == 0, "%s: '%s', not '%s'", path, have, want);
	free(have);
}

START_TEST(test_flows)
{
	json_t *doc, *flow;
	long long id, id_identity;
	char *path;

	mk_domain("customer");
	mk_domain("support");
	put_product("customer", "profile-api", "api", "openapi", NULL, NULL, 201);
	put_product("support", "console", "bff", NULL, NULL,
	            "[{\"product\":\"customer/profile-api\",\"pattern\":\"rest-api\","
	            "\"consistency\":\"strong\",\"latencyBudgetMs\":200,\"uses\":[\"getProfile\"]},"
	            "{\"product\":\"identity/users-api\",\"pattern\":\"rest-api\"}]",
	            201);

	expect_flows("/flows", "support/console->customer/profile-api:rest-api "
	                       "support/console->identity/users-api:rest-api?");
	expect_flows("/flows?provider=customer/profile-api",
	             "support/console->customer/profile-api:rest-api");
	expect_flows("/flows?consumer=support/console&pattern=soa", "");
	expect_flows("/flows?limit=1", "support/console->customer/profile-api:rest-api");
	expect_flows(P_API "/consumers", "support/console->customer/profile-api:rest-api");
	call_ok("GET", "/flows?provider=nope", NULL, 400);
	call_ok("GET", "/domains/customer/products/nope/consumers", NULL, 404);

	doc = call("GET", "/flows?provider=customer/profile-api", NULL, 200);
	flow = json_array_get(json_object_get(doc, "items"), 0);
	id = json_integer_value(json_object_get(flow, "id"));
	ck_assert_int_gt(id, 0);
	json_decref(doc);
	path = xasprintf("/flows/%lld", id);
	flow = call("GET", path, NULL, 200);
	free(path);
	ck_assert_str_eq(json_string_value(json_object_get(flow, "consistency")), "strong");
	ck_assert_int_eq(json_integer_value(json_object_get(flow, "latencyBudgetMs")), 200);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(flow, "uses"), 0)),
	                 "getProfile");
	ck_assert(json_is_true(json_object_get(flow, "providerRegistered")));
	ck_assert_str_eq(
	    json_string_value(json_object_get(json_object_get(flow, "links"), "provider")), P_API);
	json_decref(flow);
	call_ok("GET", "/flows/999999", NULL, 404);

	doc = call("GET", "/flows?provider=identity/users-api", NULL, 200);
	flow = json_array_get(json_object_get(doc, "items"), 0);
	ck_assert(json_is_false(json_object_get(flow, "providerRegistered")));
	id_identity = json_integer_value(json_object_get(flow, "id"));
	json_decref(doc);

	/* the consumer re-PUT with other consumes: its flows are replaced */
	put_product("support", "console", "bff", NULL, NULL,
	            "[{\"product\":\"identity/users-api\",\"pattern\":\"rest-api\","
	            "\"description\":\"logins\"},"
	            "{\"product\":\"customer/profile-api\",\"pattern\":\"event-stream\"}]",
	            200);
	expect_flows(P_API "/consumers", "support/console->customer/profile-api:event-stream");
	doc = call("GET", "/flows?provider=identity/users-api", NULL, 200);
	flow = json_array_get(json_object_get(doc, "items"), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(flow, "id")), id_identity);
	ck_assert_str_eq(json_string_value(json_object_get(flow, "description")), "logins");
	json_decref(doc);
	path = xasprintf("/flows/%lld", id);
	call_ok("GET", path, NULL, 404);
	free(path);

	/* deleting the consumer removes its flows */
	call_ok("DELETE", "/domains/support/products/console", NULL, 204);
	expect_flows(P_API "/consumers", "");
	expect_flows("/flows", "");
}
END_TEST

static Suite *compat_api_suite(void)
{
	Suite *s = suite_create("compat_api");
	TCase *tc = tcase_create("compat");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, hs_setup, hs_teardown);
	tcase_add_test(tc, test_config_and_product_mode);
	tcase_add_test(tc, test_breaking_version_refused_with_impact);
	tcase_add_test(tc, test_transitive_and_changes);
	tcase_add_test(tc, test_flows);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return hs_run_suite(compat_api_suite());
}
