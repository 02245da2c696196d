/*
 * routes: drivewayd's one route table, the dispatcher that keeps the table's promises (404,
 * 405, 401/403, 413, 415, JSON parsed once, 304), and the helpers handlers share for the API's
 * conventions.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server/auth.h"
#include "server/metrics.h"
#include "server/server.h"
#include "validators/load.h"
#include "validators/utf8.h"
#include "validators/xalloc.h"

#define KIB 1024u
#define MIB (1024u * 1024u)

#define P_DOMAIN "/domains/{d}"
#define P_PRODUCT "/domains/{d}/products/{p}"
#define P_VERSIONS P_PRODUCT "/versions"

/* The Confluent Schema Registry compatible API (h_ccompat.c). Writes take a token; the handler
 * checks it may write the subject's domain. */
#define CC_READ (ROUTE_CCOMPAT | ROUTE_CACHE)
#define CC_WRITE (ROUTE_CCOMPAT | ROUTE_WRITE)
#define CC_BODY (ROUTE_CCOMPAT | ROUTE_WRITE | ROUTE_JSON_BODY)
/* reads that carry a schema: cached by their body too */
#define CC_QUERY (ROUTE_CCOMPAT | ROUTE_JSON_BODY | ROUTE_CACHE)
#define CC_SUBJECT "/subjects/{s}"
#define CC_VERSION CC_SUBJECT "/versions/{v}"
#define CCOMPAT_ROUTES                                                                             \
	{HTTP_GET, "/subjects", h_cc_subject_list, CC_READ, 0},                                    \
	    {HTTP_POST, CC_SUBJECT, h_cc_subject_lookup, CC_QUERY, 32 * MIB},                      \
	    {HTTP_DELETE, CC_SUBJECT, h_cc_subject_delete, CC_WRITE, 0},                           \
	    {HTTP_GET, CC_SUBJECT "/versions", h_cc_version_list, CC_READ, 0},                     \
	    {HTTP_POST, CC_SUBJECT "/versions", h_cc_version_post, CC_BODY, 32 * MIB},             \
	    {HTTP_GET, CC_VERSION, h_cc_version_get, CC_READ, 0},                                  \
	    {HTTP_DELETE, CC_VERSION, h_cc_version_delete, CC_WRITE, 0},                           \
	    {HTTP_GET, CC_VERSION "/schema", h_cc_version_schema, CC_READ, 0},                     \
	    {HTTP_GET, CC_VERSION "/referencedby", h_cc_referenced_by, CC_READ, 0},                \
	    {HTTP_GET, "/schemas/ids/{id}", h_cc_schema_get, CC_READ, 0},                          \
	    {HTTP_GET, "/schemas/ids/{id}/schema", h_cc_schema_text, CC_READ, 0},                  \
	    {HTTP_GET, "/schemas/ids/{id}/subjects", h_cc_schema_subjects, CC_READ, 0},            \
	    {HTTP_GET, "/schemas/ids/{id}/versions", h_cc_schema_versions, CC_READ, 0},            \
	    {HTTP_GET, "/schemas/types", h_cc_schema_types, CC_READ, 0},                           \
	    {HTTP_POST, "/compatibility" CC_SUBJECT "/versions", h_cc_compat, CC_QUERY, 32 * MIB}, \
	    {HTTP_POST, "/compatibility" CC_VERSION, h_cc_compat, CC_QUERY, 32 * MIB},             \
	    {HTTP_GET, "/config/{s}", h_cc_config_get, CC_READ, 0},                                \
	    {HTTP_PUT, "/config/{s}", h_cc_config_put, CC_BODY, 4 * KIB},                          \
	    {HTTP_DELETE, "/config/{s}", h_cc_config_delete, CC_WRITE, 0},                         \
	    {HTTP_GET, "/mode/{s}", h_cc_mode_get, CC_READ, 0},                                    \
	    {HTTP_DELETE, "/mode/{s}", h_cc_mode_delete, CC_WRITE, 0},                             \
	    {                                                                                      \
		HTTP_PUT, "/mode/{s}", h_cc_mode_put, CC_BODY, 4 * KIB                             \
	}

const struct route server_routes[] = {
    {HTTP_GET, "/", h_root, 0, 0},
    {HTTP_GET, "/healthz", h_healthz, ROUTE_PUBLIC, 0},
    {HTTP_GET, "/metrics", h_metrics, 0, 0},
    {HTTP_GET, "/openapi.json", h_openapi, 0, 0},
    {HTTP_GET, "/domains", h_domain_list, ROUTE_CACHE, 0},
    {HTTP_GET, P_DOMAIN, h_domain_get, ROUTE_CACHE, 0},
    {HTTP_PUT, P_DOMAIN, h_domain_put, ROUTE_JSON_BODY | ROUTE_WRITE, 64 * KIB},
    {HTTP_DELETE, P_DOMAIN, h_domain_delete, ROUTE_ADMIN, 0},
    {HTTP_GET, P_DOMAIN "/products", h_product_list, ROUTE_CACHE, 0},
    {HTTP_GET, P_PRODUCT, h_product_get, ROUTE_CACHE, 0},
    {HTTP_PUT, P_PRODUCT, h_product_put, ROUTE_JSON_BODY | ROUTE_WRITE, 1 * MIB},
    {HTTP_PATCH, P_PRODUCT, h_product_patch, ROUTE_JSON_BODY | ROUTE_WRITE, 1 * MIB},
    {HTTP_DELETE, P_PRODUCT, h_product_delete, ROUTE_WRITE, 0},
    {HTTP_GET, P_VERSIONS, h_version_list, ROUTE_CACHE, 0},
    {HTTP_POST, P_VERSIONS, h_version_post, ROUTE_JSON_BODY | ROUTE_WRITE, 32 * MIB},
    {HTTP_GET, P_VERSIONS "/{n}", h_version_get, ROUTE_CACHE, 0},
    {HTTP_GET, P_VERSIONS "/{n}/contract", h_version_contract, ROUTE_CACHE, 0},
    {HTTP_GET, P_VERSIONS "/{n}/changes", h_version_changes, ROUTE_CACHE, 0},
    {HTTP_GET, P_PRODUCT "/compatibility", h_product_compat_get, ROUTE_CACHE, 0},
    {HTTP_PUT, P_PRODUCT "/compatibility", h_product_compat_put, ROUTE_JSON_BODY | ROUTE_WRITE,
     4 * KIB},
    {HTTP_DELETE, P_PRODUCT "/compatibility", h_product_compat_delete, ROUTE_WRITE, 0},
    /* a dry run, but it carries a contract: the same token as a version POST */
    {HTTP_POST, P_PRODUCT "/compatibility-checks", h_compat_check, ROUTE_JSON_BODY | ROUTE_WRITE,
     32 * MIB},
    {HTTP_GET, P_PRODUCT "/consumers", h_product_consumers, ROUTE_CACHE, 0},
    {HTTP_GET, "/products", h_product_discover, ROUTE_CACHE, 0},
    {HTTP_GET, P_DOMAIN "/tokens", h_token_list, ROUTE_ADMIN, 0},
    {HTTP_POST, P_DOMAIN "/tokens", h_token_create, ROUTE_JSON_BODY | ROUTE_ADMIN, 4 * KIB},
    {HTTP_DELETE, P_DOMAIN "/tokens/{id}", h_token_revoke, ROUTE_ADMIN, 0},
    {HTTP_GET, "/tokens", h_admin_token_list, ROUTE_ADMIN, 0},
    {HTTP_POST, "/tokens", h_admin_token_create, ROUTE_JSON_BODY | ROUTE_ADMIN, 4 * KIB},
    {HTTP_DELETE, "/tokens/{id}", h_admin_token_revoke, ROUTE_ADMIN, 0},
    {HTTP_GET, "/stats", h_stats, ROUTE_CACHE, 0},
    {HTTP_GET, "/changes", h_changes, ROUTE_ADMIN, 0},
    {HTTP_GET, "/flows", h_flow_list, ROUTE_CACHE, 0},
    {HTTP_GET, "/flows/{id}", h_flow_get, ROUTE_CACHE, 0},
    /* governance: not cached, their answers depend on today's date too */
    {HTTP_GET, "/audit", h_audit, 0, 0},
    {HTTP_POST, "/advice", h_advice, ROUTE_JSON_BODY, 64 * KIB},
    {HTTP_GET, "/graph.dot", h_graph_dot, 0, 0},
    {HTTP_GET, "/graph.svg", h_graph_svg, 0, 0},
    /* the web catalog: its files, and index.html for every page URL under /ui */
    {HTTP_GET, "/ui", h_web_page, ROUTE_UI | ROUTE_PUBLIC, 0},
    {HTTP_GET, "/ui/assets/{file}", h_web_asset, ROUTE_UI | ROUTE_PUBLIC, 0},
    {HTTP_GET, "/ui/{page...}", h_web_page, ROUTE_UI | ROUTE_PUBLIC, 0},
    /* Shared with the Confluent-compatible API (the registry's default mode), then that API
     * (h_ccompat.c): mounted at the root beside these routes, or under --ccompat-prefix.
     * Keep this order: routes_begin takes the two APIs as slices of the table. */
    {HTTP_GET, "/config", h_config_get, ROUTE_CACHE | ROUTE_SHARED, 0},
    {HTTP_PUT, "/config", h_config_put, ROUTE_JSON_BODY | ROUTE_ADMIN | ROUTE_SHARED, 4 * KIB},
    {HTTP_DELETE, "/config", h_config_delete, ROUTE_ADMIN | ROUTE_SHARED, 0},
    /* the registry's mode, the Confluent API's global one (h_mode.c); not cached: --read-only
     * shows in the native answer */
    {HTTP_GET, "/mode", h_mode_get, ROUTE_SHARED, 0},
    {HTTP_PUT, "/mode", h_mode_put, ROUTE_JSON_BODY | ROUTE_ADMIN | ROUTE_SHARED, 4 * KIB},
    CCOMPAT_ROUTES,
};

const size_t server_route_count = sizeof(server_routes) / sizeof(server_routes[0]);

/* The read cache ---------------------------------------------------------------------------
 *
 * Reads dominate a registry's traffic, and each one costs SQLite a read transaction (file
 * locks, a WAL check). 200 answers of ROUTE_CACHE routes are therefore kept per worker thread
 * (no lock on the hot path; bounded in entries and bytes, freed when the thread ends), keyed
 * by the raw request target (and, for the reads that carry a body, the Confluent API's schema
 * lookups and compatibility checks, by the body too), and tagged with the write generation
 * current before the store was read. Every request on a route that may write (any but a GET
 * or a ROUTE_CACHE one) bumps the generation once its handler returned, i.e. after the store
 * committed; an entry is served only while its tag is the
  * current generation. A read racing a write thus never serves what it cached: it read the
 * generation before the write's bump. This relies on drivewayd being the only writer of its
 * database, as the design has it (one drivewayd per SQLite file).
 */

#define CACHE_SLOTS 65536          /* per thread, two-way: a slot and its neighbour */
#define CACHE_MAX_BYTES (16 * MIB) /* per thread */
#define CACHE_MAX_BODY (64 * KIB)  /* larger answers are not kept */

struct cache_entry {
	char *key;
	uint32_t hash;
	unsigned long long generation;
	const char *content_type; /* static, as in struct response */
	char *body;
	size_t body_len;
	size_t bytes; /* what the entry holds, for the cap */
	size_t nheaders;
	struct response_header headers[RESPONSE_MAX_HEADERS];
};

struct cache {
	struct cache_entry *slots[CACHE_SLOTS];
	size_t bytes;
};

static _Atomic unsigned long long cache_generation = 1;
static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void cache_entry_free(struct cache_entry *e)
{
	if (!e)
		return;
	free(e->key);
	free(e->body);
	for (size_t i = 0; i < e->nheaders; i++) {
		free(e->headers[i].name);
		free(e->headers[i].value);
	}
	free(e);
}

/* Runs when a worker thread ends. */
static void cache_free(void *p)
{
	struct cache *c = p;

	for (size_t i = 0; i < CACHE_SLOTS; i++)
		cache_entry_free(c->slots[i]);
	free(c);
}

static void cache_init(void)
{
	pthread_key_create(&cache_key, cache_free);
}

static struct cache *cache_get_thread(void)
{
	struct cache *c;

	pthread_once(&cache_once, cache_init);
	c = pthread_getspecific(cache_key);
	if (!c) {
		c = xcalloc(1, sizeof(*c));
		pthread_setspecific(cache_key, c);
	}
	return c;
}

static uint32_t cache_hash(const char *key)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h;
}

/* 1 and res filled when a current answer for key is cached. */
static int cache_get(const char *key, unsigned long long generation, struct response *res)
{
	struct cache *c = cache_get_thread();
	uint32_t h = cache_hash(key);
	size_t i = h & (CACHE_SLOTS - 1);

	for (int way = 0; way < 2; way++) {
		struct cache_entry *e = c->slots[i ^ (size_t)way];
		char *body;

		if (!e || e->hash != h || e->generation != generation || strcmp(e->key, key) != 0)
			continue;
		body = xmalloc(e->body_len);
		memcpy(body, e->body, e->body_len);
		response_body(res, 200, e->content_type, body, e->body_len);
		for (size_t k = 0; k < e->nheaders; k++)
			response_header_add(res, e->headers[k].name, "%s", e->headers[k].value);
		return 1;
	}
	return 0;
}

static void cache_put(const char *key, unsigned long long generation, const struct response *res)
{
	struct cache *c;
	struct cache_entry *e, **victim;
	uint32_t h;
	size_t i, bytes;

	if (res->status != 200 || res->body_len > CACHE_MAX_BODY)
		return;
	c = cache_get_thread();
	h = cache_hash(key);
	i = h & (CACHE_SLOTS - 1);
	/* An empty way, else a stale one, else either (by another bit of the hash). */
	if (!c->slots[i] || c->slots[i]->generation != generation)
		victim = &c->slots[i];
	else if (!c->slots[i ^ 1] || c->slots[i ^ 1]->generation != generation)
		victim = &c->slots[i ^ 1];
	else
		victim = &c->slots[i ^ ((h >> 20) & 1)];
	bytes = sizeof(*e) + strlen(key) + 1 + res->body_len;
	for (size_t k = 0; k < res->nheaders; k++)
		bytes += strlen(res->headers[k].name) + strlen(res->headers[k].value) + 2;
	if (c->bytes - (*victim ? (*victim)->bytes : 0) + bytes > CACHE_MAX_BYTES)
		return;
	if (*victim) {
		c->bytes -= (*victim)->bytes;
		cache_entry_free(*victim);
	}
	e = xcalloc(1, sizeof(*e));
	e->key = xstrdup(key);
	e->hash = h;
	e->generation = generation;
	e->content_type = res->content_type;
	e->body = xmalloc(res->body_len);
	memcpy(e->body, res->body, res->body_len);
	e->body_len = res->body_len;
	for (size_t k = 0; k < res->nheaders; k++) {
		e->headers[k].name = xstrdup(res->headers[k].name);
		e->headers[k].value = xstrdup(res->headers[k].value);
	}
	e->nheaders = res->nheaders;
	e->bytes = bytes;
	c->bytes += bytes;
	*victim = e;
}

/* The cache key of req (malloc'd): its target, followed by its body when it has one; NULL
 * when the answer is not to be cached (a body over CACHE_MAX_BODY, or holding a NUL). */
static char *cache_key_new(const struct request *req)
{
	if (!req->body)
		return xstrdup(req->target);
	if (req->body_len > CACHE_MAX_BODY || memchr(req->body, '\0', req->body_len))
		return NULL;
	return xasprintf("%s\n%s", req->target, req->body);
}

/* The dispatcher -------------------------------------------------------------------------- */

static void problem_code(struct request *req, struct response *res, int code, const char *detail)
{
	if (code == DW_UNAUTHORIZED)
		response_header_add(
		    res, "WWW-Authenticate", "Bearer realm=\"driveway\"%s",
		    request_header(req, "Authorization") ? ", error=\"invalid_token\"" : "");
	response_problem(res, req, dw_code_http_status(code), dw_code_title(code),
	                 detail && *detail ? detail : dw_code_title(code));
}

/* Skips optional whitespace. */
static const char *skip_ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/*
 * Content-Type check: application/json or application/<x>+json, or for PATCH exactly
 * application/merge-patch+json (RFC 7396). Type names are case-insensitive; a charset
 * parameter must say UTF-8 (RFC 8259 allows no other), other parameters are ignored.
 */
static int media_type_ok(const char *ct, int patch)
{
	const char *p, *end;
	size_t len;

	if (!ct)
		return 0;
	p = skip_ows(ct);
	end = p + strcspn(p, "; \t");
	len = (size_t)(end - p);
	if (patch) {
		if (len != 28 || strncasecmp(p, "application/merge-patch+json", 28) != 0)
			return 0;
	} else if (!(len == 16 && strncasecmp(p, "application/json", 16) == 0) &&
	           !(len > 17 && strncasecmp(p, "application/", 12) == 0 &&
	             strncasecmp(end - 5, "+json", 5) == 0)) {
		return 0;
	}
	p = end;
	while (*p) {
		const char *name, *value;
		size_t nlen, vlen;

		p = skip_ows(p);
		if (*p != ';')
			return *p == '\0';
		p = skip_ows(p + 1);
		name = p;
		nlen = strcspn(p, "=; \t");
		p += nlen;
		if (*p != '=')
			continue;
		value = ++p;
		if (*value == '"') {
			const char *q = strchr(value + 1, '"');
			if (!q)
				return 0;
			value++;
			vlen = (size_t)(q - value);
			p = q + 1;
		} else {
			vlen = strcspn(value, "; \t");
			p = value + vlen;
		}
		if (nlen == 7 && strncasecmp(name, "charset", 7) == 0 &&
		    !(vlen == 5 && strncasecmp(value, "utf-8", 5) == 0) &&
		    !(vlen == 4 && strncasecmp(value, "utf8", 4) == 0))
			return 0;
	}
	return 1;
}

/* 404, or 405 with Allow when the path exists for other methods. */
static void no_route(struct request *req, struct response *res)
{
	char allow[64], *detail;

	if (!req->match.allowed) {
		detail = xasprintf("no resource at '%s'", req->path);
		response_problem(res, req, 404, "Not Found", detail);
		free(detail);
		return;
	}
	router_allow(req->match.allowed, allow, sizeof(allow));
	response_header_add(res, "Allow", "%s", allow);
	detail = xasprintf("method '%s' is not allowed on '%s' (allowed: %s)", req->method_name,
	                   req->path, allow);
	response_problem(res, req, 405, "Method Not Allowed", detail);
	free(detail);
}

/*
 * The slice of the route table a path is matched against: all of it when the
 * Confluent-compatible API is at the root; else the native routes (those before the first
 * ROUTE_CCOMPAT one), or, for a path under the prefix, the shared and ROUTE_CCOMPAT routes
 * (from the first ROUTE_SHARED one on), with *path past the prefix.
 */
static void routes_slice(const struct request *req, const char **path, const struct route **first,
                         size_t *n)
{
	const char *prefix = req->srv->ccompat_prefix;
	size_t len = prefix ? strlen(prefix) : 0, shared = 0, own = server_route_count;

	*first = server_routes;
	*n = server_route_count;
	if (len == 0)
		return;
	while (own > 0 && (server_routes[own - 1].flags & ROUTE_CCOMPAT))
		own--;
	while (shared < own && !(server_routes[shared].flags & ROUTE_SHARED))
		shared++;
	if (strncmp(*path, prefix, len) == 0 && (*path)[len] == '/') {
		*path += len;
		*first = server_routes + shared;
		*n = server_route_count - shared;
	} else {
		*n = own;
	}
}

/* Paths have no trailing slash (but "/"). A GET or HEAD of "/ui/" that a browser or a person
 * typed is answered with a 308 to "/ui" when that path exists, rather than a 404. Returns 1
 * when it answered. */
static int trailing_slash_redirect(struct request *req, struct response *res,
                                   const struct route *table, size_t count, const char *path)
{
	size_t len = strlen(path);
	struct route_match m;
	char *bare;
	int rc;

	if ((req->method != HTTP_GET && req->method != HTTP_HEAD) || len < 2 ||
	    path[len - 1] != '/' || path[len - 2] == '/')
		return 0;
	bare = xstrndup(path, len - 1);
	rc = router_match(table, count, req->method, bare, &m);
	free(bare);
	if (rc)
		return 0;
	len = strlen(req->path);
	bare = xstrndup(req->path, len - 1); /* the full path, with any prefix */
	response_header_add(res, "Location", "%s", bare);
	response_problem(res, req, 308, "Permanent Redirect", "resources have no trailing slash");
	free(bare);
	return 1;
}

/* The request limits of http.h below what libmicrohttpd refuses itself: 414 for a long request
 * target, 431 for too many header fields. Returns 1 when it answered. */
static int over_limits(struct request *req, struct response *res)
{
	size_t n = strlen(req->target);
	char *detail;

	if (n > HTTP_URL_MAX) {
		detail =
		    xasprintf("request target is %zu bytes long (at most %u)", n, HTTP_URL_MAX);
		response_problem(res, req, 414, "URI Too Long", detail);
	} else if ((n = request_header_count(req)) > HTTP_HEADERS_MAX) {
		detail =
		    xasprintf("request has %zu header fields (at most %u)", n, HTTP_HEADERS_MAX);
		response_problem(res, req, 431, "Request Header Fields Too Large", detail);
	} else {
		return 0;
	}
	free(detail);
	return 1;
}

/* Checks the request and answers the dispatcher's errors (see server.h). */
static int begin(struct request *req, struct response *res)
{
	const struct route *r, *table;
	struct dw_error err = {0};
	const char *cl, *path = req->path;
	size_t count;
	unsigned retry = 0;
	int rc;

	if (over_limits(req, res))
		return 1;
	routes_slice(req, &path, &table, &count);
	rc = router_match(table, count, req->method, path, &req->match);
	/* PUT creates what its path names: an invalid name there is the body's problem too, and
	 * the handler reports both as 422. Anywhere else nothing can exist at such a path. */
	if (rc && !(rc == DW_INVALID && req->method == HTTP_PUT)) {
		if (!trailing_slash_redirect(req, res, table, count, path))
			no_route(req, res);
		return 1;
	}
	r = req->match.route;
	if (auth_throttled(req, &retry)) {
		response_header_add(res, "Retry-After", "%u", retry);
		response_problem(res, req, 429, "Too Many Requests",
		                 "too many failed authentications from this address");
		return 1;
	}
	rc = auth_check(req, &err);
	if (rc) {
		problem_code(req, res, rc, err.message);
		return 1;
	}
	if ((r->flags & ROUTE_JSON_BODY) &&
	    !media_type_ok(request_header(req, "Content-Type"), req->method == HTTP_PATCH) &&
	    !((r->flags & ROUTE_CCOMPAT) &&
	      ccompat_media_type_ok(request_header(req, "Content-Type")))) {
		const char *ct = request_header(req, "Content-Type");
		char *detail;

		if (req->method == HTTP_PATCH) {
			response_header_add(res, "Accept-Patch", "application/merge-patch+json");
			detail = xasprintf("unsupported content type '%s' (expected "
			                   "application/merge-patch+json)",
			                   ct ? ct : "");
		} else {
			detail = xasprintf("unsupported content type '%s' (expected "
			                   "application/json)",
			                   ct ? ct : "");
		}
		response_problem(res, req, 415, "Unsupported Media Type", detail);
		free(detail);
		return 1;
	}
	cl = request_header(req, "Content-Length");
	if (cl && r->body_limit) {
		char *end;
		unsigned long long n = strtoull(cl, &end, 10);

		if (end != cl && *end == '\0' && n > r->body_limit) {
			routes_too_large(req, res);
			return 1;
		}
	}
	return 0;
}

int routes_begin(struct request *req, struct response *res)
{
	int rc = begin(req, res);

	if (rc) {
		ccompat_finish(req, res);
		metrics_request(req, res, 0);
	}
	return rc;
}

void routes_too_large(struct request *req, struct response *res)
{
	char *detail = xasprintf("request body is larger than %zu bytes",
	                         req->match.route ? req->match.route->body_limit : (size_t)0);

	response_problem(res, req, 413, dw_code_title(DW_TOO_LARGE), detail);
	free(detail);
	ccompat_finish(req, res);
	metrics_request(req, res, 0);
}

/* Parses the body once for ROUTE_JSON_BODY routes. 0, or 1 when res holds the 400. */
static int parse_body(struct request *req, struct response *res)
{
	json_error_t jerr;
	char *detail;

	req->json =
	    json_loadb(req->body ? req->body : "", req->body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (!req->json) {
		/* jansson's message may quote the body's bytes, which need not be UTF-8 */
		utf8_scrub(jerr.text);
		detail = xasprintf("invalid JSON at line %d, column %d: %s", jerr.line, jerr.column,
		                   jerr.text);
		res->errors =
		    xjson(json_pack("[{s:s, s:i, s:i, s:s}]", "pointer", "", "line", jerr.line,
		                    "column", jerr.column, "message", jerr.text));
		response_problem(res, req, 400, "Bad Request", detail);
		free(detail);
		return 1;
	}
	if (dw_json_depth(req->json, DW_LOAD_MAX_DEPTH + 1) > DW_LOAD_MAX_DEPTH) {
		detail = xasprintf("JSON nesting is deeper than %d levels", DW_LOAD_MAX_DEPTH);
		response_problem(res, req, 400, "Bad Request", detail);
		free(detail);
		return 1;
	}
	return 0;
}

/*
 * 1 when the entity-tag list (If-Match / If-None-Match value) holds etag or "*". weak selects
 * the weak comparison (RFC 9110, 8.8.3.2): W/ prefixes are ignored; the strong comparison
 * never matches a weak tag.
 */
static int etag_list_has(const char *list, const char *etag, int weak)
{
	const char *p = list;
	size_t elen;

	if (!etag)
		return 0;
	if (weak && strncmp(etag, "W/", 2) == 0)
		etag += 2;
	elen = strlen(etag);
	while (*p) {
		const char *tag;
		size_t len;
		int is_weak = 0;

		p = skip_ows(p);
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == '*')
			return 1;
		if (strncmp(p, "W/", 2) == 0) {
			is_weak = 1;
			p += 2;
		}
		tag = p;
		if (*p == '"') {
			const char *q = strchr(p + 1, '"');
			p = q ? q + 1 : p + strlen(p);
		} else {
			p += strcspn(p, ", \t");
		}
		len = (size_t)(p - tag);
		if ((weak || !is_weak) && len == elen && memcmp(tag, etag, len) == 0)
			return 1;
		p += strcspn(p, ",");
	}
	return 0;
}

/* Runs the handler (see server.h). */
static void finish(struct request *req, struct response *res)
{
	const struct route *r = req->match.route;
	struct dw_error err = {0};
	const char *inm, *etag;
	int rc;

	if (r->method != HTTP_GET && !(r->flags & ROUTE_CACHE)) {
		if (mode_refuse(req, res))
			return;
		if (!((r->flags & ROUTE_JSON_BODY) && parse_body(req, res))) {
			rc = r->handler(req, res, &err);
			if (rc < 0)
				problem_code(req, res, rc, err.message);
		}
		/* After the store committed (or refused): see the read cache above. */
		atomic_fetch_add(&cache_generation, 1);
		return;
	}
	if (r->flags & ROUTE_CACHE) {
		unsigned long long generation = atomic_load(&cache_generation);
		char *key = cache_key_new(req);

		if (!key || !cache_get(key, generation, res)) {
			if ((r->flags & ROUTE_JSON_BODY) && parse_body(req, res)) {
				free(key);
				return;
			}
			rc = r->handler(req, res, &err);
			if (rc < 0) {
				problem_code(req, res, rc, err.message);
				free(key);
				return;
			}
			if (key)
				cache_put(key, generation, res);
		}
		free(key);
	} else {
		rc = r->handler(req, res, &err);
		if (rc < 0) {
			problem_code(req, res, rc, err.message);
			return;
		}
	}
	if (res->status != 200 || r->method != HTTP_GET)
		return;
	inm = request_header(req, "If-None-Match");
	etag = response_header_get(res, "ETag");
	if (inm && etag && etag_list_has(inm, etag, 1))
		response_body(res, 304, NULL, NULL, 0);
}

void routes_finish(struct request *req, struct response *res)
{
	long long t0 = metrics_now_us();

	/* the store records who made the writes this thread does now (store.h) */
	store_actor_set(req->who.name, req->who.scope);
	finish(req, res);
	store_actor_set(NULL, NULL);
	ccompat_finish(req, res);
	metrics_request(req, res, metrics_now_us() - t0);
}

/* Helpers for handlers -------------------------------------------------------------------- */

int server_page(const struct request *req, struct store_page *page, struct dw_error *err)
{
	const char *limit = request_query(req, "limit");

	page->limit = 50;
	page->cursor = request_query(req, "cursor");
	if (page->cursor && !*page->cursor)
		page->cursor = NULL;
	if (limit) {
		char *end;
		long v = strtol(limit, &end, 10);

		if (end == limit || *end || v < 1 || v > 500)
			return dw_error_set(err, DW_MALFORMED,
			                    "invalid limit '%s' (expected 1 to 500)", limit);
		page->limit = (int)v;
	}
	return 0;
}

/* Appends s percent-encoded (everything but RFC 3986 unreserved characters) to *buf. */
static void url_encode_add(char **buf, size_t *len, size_t *cap, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (*len + 4 > *cap) {
			*cap = *cap * 2 + 64;
			*buf = xrealloc(*buf, *cap);
		}
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			(*buf)[(*len)++] = (char)c;
		} else {
			(*buf)[(*len)++] = '%';
			(*buf)[(*len)++] = hex[c >> 4];
			(*buf)[(*len)++] = hex[c & 15];
		}
	}
	(*buf)[*len] = '\0';
}

static void str_add(char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t n = strlen(s);

	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		*buf = xrealloc(*buf, *cap);
	}
	memcpy(*buf + *len, s, n + 1);
	*len += n;
}

void server_page_respond(const struct request *req, struct response *res, json_t *items,
                         const struct store_page *page, const char *next, const char *const *keep)
{
	json_t *body;
	char *url = NULL;

	if (next) {
		size_t len = 0, cap = 256;
		char num[16];

		url = xmalloc(cap);
		url[0] = '\0';
		str_add(&url, &len, &cap, req->path);
		str_add(&url, &len, &cap, "?");
		for (size_t i = 0; keep && keep[i]; i++) {
			const char *v = request_query(req, keep[i]);
			if (!v)
				continue;
			str_add(&url, &len, &cap, keep[i]);
			str_add(&url, &len, &cap, "=");
			url_encode_add(&url, &len, &cap, v);
			str_add(&url, &len, &cap, "&");
		}
		snprintf(num, sizeof(num), "%d", page->limit);
		str_add(&url, &len, &cap, "limit=");
		str_add(&url, &len, &cap, num);
		str_add(&url, &len, &cap, "&cursor=");
		url_encode_add(&url, &len, &cap, next);
		response_header_add(res, "Link", "<%s>; rel=\"next\"", url);
	}
	body = xjson(
	    json_pack("{s:o, s:o}", "items", items, "next", url ? json_string(url) : json_null()));
	response_json(res, 200, body);
	json_decref(body);
	free(url);
}

void server_doc_etag(const json_t *doc, char etag[SERVER_ETAG_MAX])
{
	const json_t *status = json_object_get(doc, "status");
	const json_t *count = json_object_get(status, "versions");

	if (!count)
		count = json_object_get(status, "products");
	snprintf(etag, SERVER_ETAG_MAX, "\"%lld.%lld\"",
	         json_integer_value(json_object_get(status, "revision")),
	         json_integer_value(count));
}

/* 1 when a header value is exactly "*" (whitespace aside). */
static int is_star(const char *v)
{
	v = skip_ows(v);
	if (*v != '*')
		return 0;
	return *skip_ows(v + 1) == '\0';
}

int server_precondition(const struct request *req, const char *etag, long long current,
                        int allow_none_match, long long *expect, struct dw_error *err)
{
	const char *im = request_header(req, "If-Match");
	const char *inm = allow_none_match ? request_header(req, "If-None-Match") : NULL;

	*expect = STORE_REV_ANY;
	if (!im && !inm)
		return 0;
	if (current <= 0 || !etag || !*etag)
		etag = NULL;
	if (im) {
		if (!etag)
			return dw_error_set(err, DW_PRECONDITION,
			                    "precondition failed: If-Match on a resource that "
			                    "does not exist");
		if (!etag_list_has(im, etag, 0))
			return dw_error_set(err, DW_PRECONDITION,
			                    "precondition failed: current ETag %s does not match "
			                    "If-Match",
			                    etag);
	}
	if (inm && etag && etag_list_has(inm, etag, 1))
		return dw_error_set(err, DW_PRECONDITION,
		                    is_star(inm) ? "precondition failed: resource exists "
		                                   "(If-None-Match: *)"
		                                 : "precondition failed: current ETag matches "
		                                   "If-None-Match");
	if (im && is_star(im) && !inm)
		*expect = STORE_REV_EXISTS;
	else if (inm && is_star(inm) && !im)
		*expect = STORE_REV_ABSENT;
	else
		*expect = current > 0 ? current : STORE_REV_ABSENT;
	return 0;
}

int server_invalid(const struct request *req, struct response *res, struct dw_findings *findings,
                   const char *what, int in_body, struct dw_error *err)
{
	size_t n = dw_findings_errors(findings);

	/* Locating findings in the body's text costs a second parse: only on this error path,
	 * and only for bodies of a reasonable size. */
	if (in_body && req->body && req->body_len <= 1 * MIB) {
		struct dw_docset set = {0};
		struct dw_findings lerr;

		dw_findings_init(&lerr);
		if (dw_load(req->body, req->body_len, NULL, &set, &lerr) == 0 && set.count == 1)
			dw_doc_locate_findings(&set.docs[0], NULL, findings, 0);
		dw_docset_release(&set);
		dw_findings_release(&lerr);
	}
	json_decref(res->errors);
	res->errors = xjson(dw_findings_to_json(findings));
	if (n == 0)
		n = findings->count;
	return dw_error_set(err, DW_INVALID, "%s has %zu error%s", what, n, n == 1 ? "" : "s");
}

void server_domain_links(json_t *doc, const char *domain)
{
	json_object_set_new(doc, "links",
	                    xjson(json_pack("{s:s+, s:s++}", "self", "/domains/", domain,
	                                    "products", "/domains/", domain, "/products")));
}

void server_product_links(json_t *doc, const char *domain, const char *product)
{
	char *self = xasprintf("/domains/%s/products/%s", domain, product);

	json_object_set_new(doc, "links",
	                    xjson(json_pack("{s:s, s:s+, s:s+}", "self", self, "versions", self,
	                                    "/versions", "latest", self, "/versions/latest")));
	free(self);
}

const char *server_result_name(enum store_result r)
{
	switch (r) {
	case STORE_CREATED:
		return "created";
	case STORE_UPDATED:
		return "updated";
	case STORE_UNCHANGED:
		return "unchanged";
	}
	return "unchanged";
}
