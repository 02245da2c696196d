/*
 * Authorization, the change history and the failed-authentication limit, against a real
 * drivewayd (harness.c).
 *
 * The matrix walks the route table itself (server_routes, linked from the server's objects),
 * so a route added later is covered without editing this file. Every route that needs a token
 * (ROUTE_WRITE or ROUTE_ADMIN, reads of the admin included) gets the same request from seven
 * principals, and every other route whose method may write (not GET) gets it too:
 *
 *   principal               ROUTE_WRITE             ROUTE_ADMIN           no auth flag, not GET
 *   no token                401                     401                   any, nothing changed
 *   bad token (unknown)     401                     401                   any, nothing changed
 *   expired token           401                     401                   any, nothing changed
 *   revoked token           401                     401                   any, nothing changed
 *   other domain's token    403                     403                   any, nothing changed
 *   own domain's token      not 401/403             403                   any, nothing changed
 *   admin token             not 401/403             not 401/403           any, nothing changed
 *
 * The dispatcher authenticates before it looks at the Content-Type (415), the size (413) or
 * the body (400, then the handler's 422), so refusals do not depend on the body: requests
 * carry "{}", except the Confluent-compatible writes, whose handlers check the token's scope
 * once they have read the body and found the subject's domain (a valid body there; see
 * route_body). Where a request is refused, the database dump must be unchanged
 * (tokens.last_used_at aside, which authentication itself records; the change history is in
 * the dump, so a refused request must have added no row to it). "Not 401/403" answers must
 * not be 5xx either. The Confluent-compatible writes find the subject's domain in the handler;
 * their subject "alpha.events-value" names the topic product alpha/events.
 *
 * The limit test tells client addresses apart on loopback: Linux routes all of 127.0.0.0/8 to
 * lo, so a request whose socket is bound to 127.0.0.2 (CURLOPT_INTERFACE) reaches the server
 * listening on 127.0.0.1 from another address.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "server/server.h"
#include "tests/integration/harness.c"

#define BAD_TOKEN "dw_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define SUBJECT "alpha.events-value"
/* the Avro record of version_body, as Confluent's clients send it */
#define SCHEMA_BODY                                                                         \
	"{\"schema\": \"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"Event\\\","   \
	"\\\"fields\\\":[{\\\"name\\\":\\\"id\\\",\\\"type\\\":\\\"string\\\"}]}\"}"

static const char *const domain_doc =
    "{\"apiVersion\":\"driveway/v1\",\"kind\":\"Domain\",\"metadata\":{\"name\":\"%s\"},"
    "\"spec\":{\"title\":\"%s\",\"owner\":\"team-%s\"}}";
static const char *const product_doc =
    "{\"apiVersion\":\"driveway/v1\",\"kind\":\"DataProduct\",\"metadata\":{\"domain\":"
    "\"alpha\",\"name\":\"events\",\"owner\":\"team-alpha\"},\"spec\":{\"type\":\"topic\","
    "\"contract\":{\"format\":\"avro\"},\"compatibility\":\"BACKWARD\"}}";
static const char *const version_body =
    "{\"format\":\"avro\",\"contract\":{\"type\":\"record\",\"name\":\"Event\",\"fields\":"
    "[{\"name\":\"id\",\"type\":\"string\"}]}}";

/* Helpers ---------------------------------------------------------------------------------- */

static long must(const char *method, const char *path, const char *token, const char *body,
                 long want)
{
	struct hs_response r;
	long status = hs_req(method, path, token, body, &r);

	ck_assert_msg(status == want, "%s %s: %ld, not %ld: %s", method, path, status, want,
	              r.body ? r.body : "");
	hs_response_release(&r);
	return status;
}

static void put_domain(const char *name)
{
	char body[512], path[64];
	struct hs_response r;
	long status;

	snprintf(body, sizeof(body), domain_doc, name, name, name);
	snprintf(path, sizeof(path), "/domains/%s", name);
	status = hs_req("PUT", path, hs_srv.admin, body, &r);
	ck_assert_msg(status == 200 || status == 201, "PUT %s: %ld", path, status);
	hs_response_release(&r);
}

/* The registry every route starts from: domains alpha and beta, the topic product alpha/events
 * with one Avro version. Idempotent, so that it can restore what a route's writes changed. */
static void seed(void)
{
	struct hs_response r;
	long status;

	put_domain("alpha");
	put_domain("beta");
	status = hs_req("PUT", "/domains/alpha/products/events", hs_srv.admin, product_doc, &r);
	ck_assert_msg(status == 200 || status == 201, "PUT product: %ld %s", status, r.body);
	hs_response_release(&r);
	status = hs_req("POST", "/domains/alpha/products/events/versions", hs_srv.admin,
	                version_body, &r);
	ck_assert_msg(status == 200 || status == 201, "POST version: %ld %s", status, r.body);
	hs_response_release(&r);
	/* a version the Confluent-compatible API shows, should a route have soft-deleted it */
	status = hs_req("POST", "/subjects/" SUBJECT "/versions", hs_srv.admin, SCHEMA_BODY, &r);
	ck_assert_msg(status == 200, "POST subject version: %ld %s", status, r.body);
	hs_response_release(&r);
}

/* A new token of domain's, its secret into out; returns its id. */
static long long token_new(const char *domain, const char *name, char *out, size_t size)
{
	char path[64], body[128];
	struct hs_response r;
	json_t *doc;
	long long id;

	snprintf(path, sizeof(path), "/domains/%s/tokens", domain);
	snprintf(body, sizeof(body), "{\"name\":\"%s\"}", name);
	ck_assert_int_eq(hs_req("POST", path, hs_srv.admin, body, &r), 201);
	doc = hs_json(&r);
	ck_assert_ptr_nonnull(doc);
	snprintf(out, size, "%s", json_string_value(json_object_get(doc, "token")));
	id = json_integer_value(json_object_get(doc, "id"));
	json_decref(doc);
	hs_response_release(&r);
	return id;
}

/* The database as text, without what authentication itself writes (tokens.last_used_at). */
static char *state(void)
{
	char *dump = hs_db_dump(&hs_srv);
	char *tokens = hs_sqlite(&hs_srv, "SELECT id, name, scope, hash, created_at, expires_at,"
	                                  " revoked_at FROM tokens ORDER BY id;");
	size_t len, cap, o = 0;
	char *out, *line;

	ck_assert_ptr_nonnull(dump);
	ck_assert_ptr_nonnull(tokens);
	cap = strlen(dump) + strlen(tokens) + 2;
	out = malloc(cap);
	ck_assert_ptr_nonnull(out);
	for (line = dump; *line;) {
		char *nl = strchr(line, '\n');
		len = nl ? (size_t)(nl - line) + 1 : strlen(line);
		if (strncmp(line, "INSERT INTO tokens ", 19) != 0) {
			memcpy(out + o, line, len);
			o += len;
		}
		line += len;
	}
	memcpy(out + o, tokens, strlen(tokens) + 1);
	free(dump);
	free(tokens);
	return out;
}

/* route's pattern with its parameters filled in. */
static void route_path(const struct route *rt, long long token_id, char *out, size_t size)
{
	const char *p = rt->pattern;
	size_t o = 0;

	while (*p && o + 1 < size) {
		if (*p == '{') {
			const char *end = strchr(p, '}');
			size_t n = (size_t)(end - p - 1);
			char name[32], value[64];

			ck_assert_ptr_nonnull(end);
			snprintf(name, sizeof(name), "%.*s", (int)n, p + 1);
			if (!strcmp(name, "d"))
				snprintf(value, sizeof(value), "alpha");
			else if (!strcmp(name, "p"))
				snprintf(value, sizeof(value), "events");
			else if (!strcmp(name, "s"))
				snprintf(value, sizeof(value), SUBJECT);
			else if (!strcmp(name, "id"))
				snprintf(value, sizeof(value), "%lld", token_id);
			else if (!strcmp(name, "v"))
				snprintf(value, sizeof(value), "latest");
			else
				snprintf(value, sizeof(value), "1"); /* {n}, {v}, and any new one */
			o += (size_t)snprintf(out + o, size - o, "%s", value);
			p = end + 1;
		} else {
			out[o++] = *p++;
		}
	}
	out[o < size ? o : size - 1] = '\0';
}

/* The authorization matrix ------------------------------------------------------------------ */

/* The body sent on route: "{}", except for the Confluent-compatible writes, whose handlers
 * read the body before they know the subject's domain and check the token's scope: a valid
 * one there. */
static const char *route_body(const struct route *rt)
{
	if (rt->method == HTTP_GET || rt->method == HTTP_DELETE)
		return NULL;
	if (!(rt->flags & ROUTE_CCOMPAT))
		return "{}";
	if (strstr(rt->pattern, "/versions") || rt->method == HTTP_POST)
		return SCHEMA_BODY;
	if (!strncmp(rt->pattern, "/mode", 5))
		return "{\"mode\": \"READWRITE\"}";
	return "{\"compatibility\": \"BACKWARD\"}";
}

static void setup_matrix(void)
{
	/* hundreds of deliberate failures from one address: no limit here (tested below) */
	setenv("DRIVEWAY_AUTH_FAIL_LIMIT", "0", 1);
	hs_setup();
	unsetenv("DRIVEWAY_AUTH_FAIL_LIMIT");
}

START_TEST(test_matrix)
{
	char own[64], other[64], expired[64], revoked[64], spare[64], path[256], sql[128];
	struct hs_response r;
	long long revoked_id, expired_id, spare_id;
	size_t guarded = 0;
	char *out;

	seed();
	token_new("alpha", "own", own, sizeof(own));
	token_new("beta", "other", other, sizeof(other));
	expired_id = token_new("alpha", "expired", expired, sizeof(expired));
	revoked_id = token_new("alpha", "revoked", revoked, sizeof(revoked));
	snprintf(path, sizeof(path), "/domains/alpha/tokens/%lld", revoked_id);
	must("DELETE", path, hs_srv.admin, NULL, 204);
	snprintf(sql, sizeof(sql), "UPDATE tokens SET expires_at = 1 WHERE id = %lld;", expired_id);
	out = hs_sqlite(&hs_srv, sql);
	ck_assert_ptr_nonnull(out);
	free(out);

	for (size_t i = 0; i < server_route_count; i++) {
		const struct route *rt = &server_routes[i];
		int admin = (rt->flags & ROUTE_ADMIN) != 0;
		int guard = (rt->flags & (ROUTE_WRITE | ROUTE_ADMIN)) != 0;
		const struct {
			const char *name, *token;
			long want; /* 0: neither 401 nor 403 (nor 5xx) */
			int refused;
		} who[] = {
		    {"no token", NULL, 401, 1},
		    {"bad token", BAD_TOKEN, 401, 1},
		    {"expired token", expired, 401, 1},
		    {"revoked token", revoked, 401, 1},
		    {"other domain's token", other, 403, 1},
		    {"own domain's token", own, admin ? 403 : 0, admin},
		    {"admin token", hs_srv.admin, 0, 0},
		};

		if (!guard && rt->method == HTTP_GET)
			continue;
		if (rt->method == HTTP_HEAD)
			continue;
		guarded += guard;
		seed();
		spare_id = token_new("alpha", "spare", spare, sizeof(spare));
		route_path(rt, spare_id, path, sizeof(path));
		for (size_t k = 0; k < sizeof(who) / sizeof(who[0]); k++) {
			const char *method = http_method_name(rt->method);
			int patch = rt->method == HTTP_PATCH;
			struct hs_request rq = {
			    .method = method,
			    .path = path,
			    .token = who[k].token,
			    .content_type = patch ? "application/merge-patch+json" : NULL,
			    .body = route_body(rt),
			};
			int check_state = !guard || who[k].refused;
			char *before = check_state ? state() : NULL;

			hs_do(&hs_srv, &rq, &r);
			if (!guard)
				ck_assert_msg(r.status > 0 && r.status < 500, "%s %s (%s): %ld %s",
				              method, path, who[k].name, r.status, r.body);
			else if (who[k].want)
				ck_assert_msg(r.status == who[k].want,
				              "%s %s (%s): %ld, not %ld: %s", method, path,
				              who[k].name, r.status, who[k].want, r.body);
			else
				ck_assert_msg(r.status > 0 && r.status != 401 && r.status != 403 &&
				                  r.status < 500,
				              "%s %s (%s): %ld %s", method, path, who[k].name,
				              r.status, r.body);
			hs_response_release(&r);
			if (before) {
				char *after = state();
				ck_assert_msg(strcmp(before, after) == 0,
				              "%s %s (%s) changed the database", method, path,
				              who[k].name);
				free(after);
				free(before);
			}
		}
		/* a spare token left live would clash with the next one's name */
		snprintf(path, sizeof(path), "/domains/alpha/tokens/%lld", spare_id);
		hs_req("DELETE", path, hs_srv.admin, NULL, &r);
		hs_response_release(&r);
	}
	/* the table has write routes of both kinds: the walk did not silently skip them */
	ck_assert_uint_ge(guarded, 20);
}
END_TEST

/* The change history ------------------------------------------------------------------------ */

static void setup_default(void)
{
	hs_setup();
}

/* GET /changes?since=since as the admin: the items (a new reference). */
static json_t *changes_since(const char *since)
{
	struct hs_response r;
	char path[128];
	json_t *doc, *items;

	snprintf(path, sizeof(path), "/changes?since=%s&limit=500", since);
	ck_assert_int_eq(hs_req("GET", path, hs_srv.admin, NULL, &r), 200);
	doc = hs_json(&r);
	hs_response_release(&r);
	ck_assert_ptr_nonnull(doc);
	items = json_incref(json_object_get(doc, "items"));
	json_decref(doc);
	ck_assert(json_is_array(items));
	return items;
}

static const char *member(const json_t *item, const char *name)
{
	return json_string_value(json_object_get(item, name));
}

START_TEST(test_changes_record_writes)
{
	char own[64], since[32];
	struct hs_response r;
	json_t *items, *item, *doc;
	const char *fp;
	long long last;

	seed();
	token_new("alpha", "ci-alpha", own, sizeof(own));
	items = changes_since("0");
	last = json_integer_value(json_object_get(json_array_get(items, json_array_size(items) - 1),
	                                          "id"));
	json_decref(items);

	/* a product put, a version and a delete by the domain's own token */
	must("PUT", "/domains/alpha/products/orders", own,
	     "{\"apiVersion\":\"driveway/v1\",\"kind\":\"DataProduct\",\"metadata\":{\"domain\":"
	     "\"alpha\",\"name\":\"orders\",\"owner\":\"team-alpha\"},\"spec\":{\"type\":\"topic\","
	     "\"contract\":{\"format\":\"avro\"}}}",
	     201);
	must("POST", "/domains/alpha/products/orders/versions", own, version_body, 201);
	/* unchanged writes record nothing */
	must("POST", "/domains/alpha/products/orders/versions", own, version_body, 200);
	must("DELETE", "/domains/alpha/products/orders", own, NULL, 204);

	snprintf(since, sizeof(since), "%lld", last);
	items = changes_since(since);
	ck_assert_uint_eq(json_array_size(items), 3);
	item = json_array_get(items, 0);
	ck_assert_str_eq(member(item, "who"), "ci-alpha");
	ck_assert_str_eq(member(item, "scope"), "alpha");
	ck_assert_str_eq(member(item, "action"), "product.put");
	ck_assert_str_eq(member(item, "resource"), "/domains/alpha/products/orders");
	ck_assert(json_is_null(json_object_get(item, "before")));
	fp = member(item, "after");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(strncmp(fp, "sha256:", 7), 0);
	ck_assert_uint_eq(strlen(fp), 71);
	ck_assert_ptr_nonnull(member(item, "at"));

	item = json_array_get(items, 1);
	ck_assert_str_eq(member(item, "action"), "version.add");
	ck_assert_str_eq(member(item, "resource"), "/domains/alpha/products/orders/versions/1");
	ck_assert(json_is_null(json_object_get(item, "before")));
	/* a version's fingerprint is its contract's */
	ck_assert_int_eq(hs_req("GET", "/domains/alpha/products/events/versions/1", NULL, NULL, &r),
	                 200);
	doc = hs_json(&r);
	hs_response_release(&r);
	ck_assert_str_eq(member(item, "after"), member(doc, "fingerprint"));
	json_decref(doc);

	item = json_array_get(items, 2);
	ck_assert_str_eq(member(item, "action"), "product.delete");
	ck_assert_str_eq(member(item, "before"), fp); /* what the put wrote */
	ck_assert(json_is_null(json_object_get(item, "after")));
	ck_assert_int_gt(json_integer_value(json_object_get(item, "id")), last + 2);
	json_decref(items);

	/* a time works as since too; a bad since is 400 */
	items = changes_since("2000-01-01T00:00:00Z");
	ck_assert_uint_ge(json_array_size(items), 3);
	json_decref(items);
	must("GET", "/changes?since=yesterday", hs_srv.admin, NULL, 400);
	/* pagination as elsewhere */
	ck_assert_int_eq(hs_req("GET", "/changes?limit=1", hs_srv.admin, NULL, &r), 200);
	doc = hs_json(&r);
	hs_response_release(&r);
	ck_assert(json_is_string(json_object_get(doc, "next")));
	json_decref(doc);
	/* admin only */
	must("GET", "/changes", own, NULL, 403);
	must("GET", "/changes", NULL, NULL, 401);
}
END_TEST

START_TEST(test_changes_append_only)
{
	char *out, *count;

	seed();
	count = hs_sqlite(&hs_srv, "SELECT count(*), group_concat(who) FROM changes;");
	ck_assert_ptr_nonnull(count);
	/* the triggers refuse both (the sqlite3 shell exits nonzero: NULL); the rows stay */
	ck_assert_ptr_null(hs_sqlite(&hs_srv, "UPDATE changes SET who = upper(who);"));
	ck_assert_ptr_null(hs_sqlite(&hs_srv, "DELETE FROM changes;"));
	ck_assert_ptr_null(hs_sqlite(&hs_srv, "DELETE FROM changes WHERE id = 1;"));
	out = hs_sqlite(&hs_srv, "SELECT count(*), group_concat(who) FROM changes;");
	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(out, count);
	ck_assert_ptr_null(strstr(out, "ADMIN"));
	ck_assert_ptr_nonnull(strstr(out, "admin"));
	free(out);
	free(count);
}
END_TEST

/* Admin tokens: rotation through /tokens ----------------------------------------------------- */

/* The id of the live token named name in scope, from GET /tokens as token; -1 when not listed. */
static long long token_id(const char *token, const char *scope, const char *name)
{
	struct hs_response r;
	json_t *doc, *item;
	long long id = -1;
	size_t i;

	ck_assert_int_eq(hs_req("GET", "/tokens", token, NULL, &r), 200);
	doc = hs_json(&r);
	hs_response_release(&r);
	ck_assert_ptr_nonnull(doc);
	ck_assert(json_is_null(json_object_get(doc, "next")));
	json_array_foreach(json_object_get(doc, "items"), i, item)
	{
		if (!strcmp(member(item, "scope"), scope) && !strcmp(member(item, "name"), name) &&
		    json_is_null(json_object_get(item, "revokedAt")))
			id = json_integer_value(json_object_get(item, "id"));
		ck_assert_ptr_null(json_object_get(item, "token"));
	}
	json_decref(doc);
	return id;
}

START_TEST(test_admin_token_rotation)
{
	char own[64], fresh[64], path[128], *loc;
	long long boot_id, fresh_id, own_id, last;
	struct hs_response r;
	json_t *doc, *items, *item;

	seed();
	own_id = token_new("alpha", "ci-alpha", own, sizeof(own));
	items = changes_since("0");
	last = json_integer_value(json_object_get(json_array_get(items, json_array_size(items) - 1),
	                                          "id"));
	json_decref(items);
	boot_id = token_id(hs_srv.admin, "admin", "admin");
	ck_assert_int_gt(boot_id, 0);
	ck_assert_int_eq(token_id(hs_srv.admin, "alpha", "ci-alpha"), own_id);

	/* only the admin manages /tokens */
	must("POST", "/tokens", NULL, "{\"name\":\"rotated\"}", 401);
	must("GET", "/tokens", NULL, NULL, 401);
	must("POST", "/tokens", own, "{\"name\":\"rotated\"}", 403);
	must("GET", "/tokens", own, NULL, 403);
	snprintf(path, sizeof(path), "/tokens/%lld", boot_id);
	must("DELETE", path, own, NULL, 403);
	must("POST", "/tokens", hs_srv.admin, "{\"name\":\"bad name!\"}", 422);

	/* a new admin token: the secret once, then it writes and manages as the admin */
	ck_assert_int_eq(hs_req("POST", "/tokens", hs_srv.admin, "{\"name\":\"rotated\"}", &r),
	                 201);
	doc = hs_json(&r);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(member(doc, "scope"), "admin");
	ck_assert_str_eq(member(doc, "name"), "rotated");
	snprintf(fresh, sizeof(fresh), "%s", member(doc, "token"));
	fresh_id = json_integer_value(json_object_get(doc, "id"));
	json_decref(doc);
	loc = hs_header(&r, "Location");
	snprintf(path, sizeof(path), "/tokens/%lld", fresh_id);
	ck_assert_ptr_nonnull(loc);
	ck_assert_str_eq(loc, path);
	free(loc);
	hs_response_release(&r);
	must("POST", "/tokens", hs_srv.admin, "{\"name\":\"rotated\"}", 409);
	must("PUT", "/domains/gamma", fresh,
	     "{\"apiVersion\":\"driveway/v1\",\"kind\":\"Domain\",\"metadata\":"
	     "{\"name\":\"gamma\"},\"spec\":{\"title\":\"Gamma\",\"owner\":\"team-gamma\"}}",
	     201);
	ck_assert_int_eq(token_id(fresh, "admin", "rotated"), fresh_id);

	/* revoke the bootstrap token with the new one: the old one is refused from then on */
	snprintf(path, sizeof(path), "/tokens/%lld", boot_id);
	must("DELETE", path, fresh, NULL, 204);
	must("GET", "/tokens", hs_srv.admin, NULL, 401);
	must("DELETE", path, fresh, NULL, 404);
	ck_assert_int_eq(token_id(fresh, "admin", "admin"), -1);

	/* the last live admin token stays */
	snprintf(path, sizeof(path), "/tokens/%lld", fresh_id);
	must("DELETE", path, fresh, NULL, 409);
	must("GET", "/tokens", fresh, NULL, 200);
	/* any scope's token, through /tokens/{id} */
	snprintf(path, sizeof(path), "/tokens/%lld", own_id);
	must("DELETE", path, fresh, NULL, 204);
	must("PUT", "/domains/alpha/products/events", own, product_doc, 401);
	must("DELETE", "/tokens/999999", fresh, NULL, 404);

	/* recorded like the domains' token writes */
	snprintf(path, sizeof(path), "/changes?since=%lld&limit=500", last);
	ck_assert_int_eq(hs_req("GET", path, fresh, NULL, &r), 200);
	doc = hs_json(&r);
	hs_response_release(&r);
	ck_assert_ptr_nonnull(doc);
	items = json_object_get(doc, "items");
	ck_assert_uint_eq(json_array_size(items), 4);
	item = json_array_get(items, 0);
	ck_assert_str_eq(member(item, "action"), "token.create");
	snprintf(path, sizeof(path), "/tokens/%lld", fresh_id);
	ck_assert_str_eq(member(item, "resource"), path);
	ck_assert_str_eq(member(item, "who"), "admin");
	item = json_array_get(items, 2);
	ck_assert_str_eq(member(item, "action"), "token.revoke");
	snprintf(path, sizeof(path), "/tokens/%lld", boot_id);
	ck_assert_str_eq(member(item, "resource"), path);
	ck_assert_str_eq(member(item, "who"), "rotated");
	ck_assert_str_eq(member(item, "scope"), "admin");
	ck_assert_ptr_nonnull(member(item, "before"));
	item = json_array_get(items, 3);
	ck_assert_str_eq(member(item, "action"), "token.revoke");
	snprintf(path, sizeof(path), "/domains/alpha/tokens/%lld", own_id);
	ck_assert_str_eq(member(item, "resource"), path);
	json_decref(doc);
}
END_TEST

/* Failed authentications per address -------------------------------------------------------- */

#define LIMIT 5

static void setup_limit(void)
{
	setenv("DRIVEWAY_AUTH_FAIL_LIMIT", "5", 1);
	setenv("DRIVEWAY_AUTH_FAIL_WINDOW", "600", 1);
	hs_setup();
	unsetenv("DRIVEWAY_AUTH_FAIL_LIMIT");
	unsetenv("DRIVEWAY_AUTH_FAIL_WINDOW");
}

static size_t discard(char *p, size_t size, size_t n, void *data)
{
	(void)p;
	(void)data;
	return size * n;
}

static size_t retry_header(char *p, size_t size, size_t n, void *data)
{
	if (size * n > 12 && strncasecmp(p, "Retry-After:", 12) == 0)
		*(long *)data = strtol(p + 12, NULL, 10);
	return size * n;
}

/* One request from client address from; the status, and Retry-After into *retry. */
static long from_addr(const char *from, const char *method, const char *path, const char *token,
                      long *retry)
{
	char url[256], auth[128];
	struct curl_slist *h = NULL;
	CURL *c = curl_easy_init();
	long status = 0;

	ck_assert_ptr_nonnull(c);
	snprintf(url, sizeof(url), "%s%s", hs_srv.base, path);
	*retry = -1;
	if (token) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
		h = curl_slist_append(h, auth);
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_INTERFACE, from);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, retry_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, retry);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	ck_assert_int_eq(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return status;
}

START_TEST(test_failed_auth_limit)
{
	long retry;

	seed();
	for (int i = 0; i < LIMIT; i++)
		ck_assert_int_eq(
		    from_addr("127.0.0.1", "DELETE", "/domains/beta", BAD_TOKEN, &retry), 401);
	/* the next one from that address, good token or not, waits */
	ck_assert_int_eq(from_addr("127.0.0.1", "DELETE", "/domains/beta", BAD_TOKEN, &retry), 429);
	ck_assert_int_ge(retry, 1);
	ck_assert_int_le(retry, 600);
	ck_assert_int_eq(from_addr("127.0.0.1", "GET", "/changes", hs_srv.admin, &retry), 429);
	/* reads that need no token are still served to it */
	ck_assert_int_eq(from_addr("127.0.0.1", "GET", "/domains", NULL, &retry), 200);
	/* another address is not affected: its good token works, its failures count apart */
	ck_assert_int_eq(from_addr("127.0.0.2", "GET", "/changes", hs_srv.admin, &retry), 200);
	ck_assert_int_eq(from_addr("127.0.0.2", "DELETE", "/domains/beta", BAD_TOKEN, &retry), 401);
	/* a missing token is no failed attempt */
	for (int i = 0; i < LIMIT + 2; i++)
		ck_assert_int_eq(from_addr("127.0.0.3", "DELETE", "/domains/beta", NULL, &retry),
		                 401);
	ck_assert_int_eq(from_addr("127.0.0.3", "DELETE", "/domains/beta", hs_srv.admin, &retry),
	                 204);
}
END_TEST

static Suite *authz_suite(void)
{
	Suite *s = suite_create("authz");
	TCase *tc = tcase_create("matrix");

	tcase_add_checked_fixture(tc, setup_matrix, hs_teardown);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_matrix);
	suite_add_tcase(s, tc);
	tc = tcase_create("changes");
	tcase_add_checked_fixture(tc, setup_default, hs_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_changes_record_writes);
	tcase_add_test(tc, test_changes_append_only);
	tcase_add_test(tc, test_admin_token_rotation);
	suite_add_tcase(s, tc);
	tc = tcase_create("limit");
	tcase_add_checked_fixture(tc, setup_limit, hs_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_failed_auth_limit);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return hs_run_suite(authz_suite());
}
