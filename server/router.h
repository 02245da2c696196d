/*
 * router: matching a request's method and raw path against a table of routes, telling "no such
 * path" (404) from "path known, method not" (405). The table itself lives in routes.c; this
 * module is the matching engine and knows nothing about HTTP libraries, auth or the store.
 *
 * A pattern is a path of literal segments and {name} parameters: "/domains/{d}/products/{p}".
 * Paths are matched segment by segment after percent-decoding each segment, so "%2F" inside a
 * segment never splits it. Parameters are checked by name: d and p must be slugs, n a version
 * number (1..2^31-1, no leading zero) or "latest", id a positive integer; any other name takes
 * any non-empty segment. A segment that fails its check does not match (404). A last segment
 * "{name...}" is a rest parameter: it takes one or more segments, and its value is them
 * decoded and joined with '/' ("/ui/{page...}" matches "/ui/products/customer/profile-api" with
 * page "products/customer/profile-api").
 *
 * Trailing slashes are not part of any path except "/": "/domains/" is 404. HEAD matches the GET
 * route of a path.
 *
 * Ownership: a struct route_match holds copies of the decoded parameters; it borrows the route.
 */
#ifndef DW_ROUTER_H
#define DW_ROUTER_H

#include <stddef.h>

#define ROUTER_MAX_PARAMS 4
#define ROUTER_MAX_SEGMENTS 8
#define ROUTER_PATH_MAX 2048 /* decoded bytes of a path's segments, NULs included */

enum http_method {
	HTTP_GET,
	HTTP_HEAD,
	HTTP_POST,
	HTTP_PUT,
	HTTP_PATCH,
	HTTP_DELETE,
	HTTP_OTHER, /* anything else: never matches a route */
};

enum route_flag {
	ROUTE_JSON_BODY = 1 << 0, /* the body must be JSON; the dispatcher parses it once */
	ROUTE_WRITE = 1 << 1,     /* needs a token: the admin's or one scoped to {d} */
	ROUTE_ADMIN = 1 << 2,     /* needs the admin token */
	ROUTE_PUBLIC = 1 << 3,    /* open even when reads need a token (--read-auth) */
	ROUTE_CACHE = 1 << 4,     /* a read whose 200 depends only on the store (and the
	                             request's target and body): cacheable; it writes nothing */
	ROUTE_UI = 1 << 5,        /* the web catalog's pages and files, not part of the API: not
	                             described in schemas/openapi.json (test_router skips them) */
	ROUTE_CCOMPAT = 1 << 6,   /* the Confluent Schema Registry compatible API (h_ccompat.c),
	                             mounted under the configured prefix; Confluent's documents
	                             describe it, not schemas/openapi.json (test_router skips it) */
	ROUTE_SHARED = 1 << 7,    /* a native route the Confluent-compatible API serves too
	                             (/config): under its prefix as well */
};

struct request;
struct response;
struct dw_error;

struct route {
	enum http_method method;
	const char *pattern;
	/* Returns 0 with res filled, or a negative dw_code with err set (the dispatcher then sends
	 * the problem document, with res->errors when the handler left some). */
	int (*handler)(struct request *req, struct response *res, struct dw_error *err);
	unsigned flags;    /* enum route_flag */
	size_t body_limit; /* bytes; 0 for routes that take no body */
};

struct route_param {
	char name[16];
	const char *value; /* decoded, in the match's buf */
};

/* Holds pointers into itself: fill it in place, never copy it. */
struct route_match {
	const struct route *route; /* NULL when nothing matched */
	size_t nparams;
	struct route_param params[ROUTER_MAX_PARAMS];
	unsigned allowed; /* bit (1u << method) for each method the path accepts */
	char buf[ROUTER_PATH_MAX];
};

/* "GET" -> HTTP_GET ...; anything unknown is HTTP_OTHER. */
enum http_method http_method_parse(const char *name);
const char *http_method_name(enum http_method m);

/*
 * Finds the route for method and path (raw, percent-encoded, without the query) among
 * routes[0..n). Returns 0 with m->route and m->params set, or DW_NOT_FOUND. On DW_NOT_FOUND,
 * m->allowed is nonzero when some route has this path with another method: the answer is then
 * 405 with Allow listing them (router_allow), and 404 otherwise.
 *
 * DW_INVALID: the path has the shape of a route of this method, but a parameter fails its
 * check (PUT /domains/Bad_Name). m->route and m->params are set all the same: where the method
 * creates what the path names, the caller may let the handler report the invalid name (422);
 * elsewhere such a path is 404, as nothing can exist there.
 */
int router_match(const struct route *routes, size_t n, enum http_method method, const char *path,
                 struct route_match *m);

/* Writes "GET, HEAD, PUT" for an allowed mask into buf. Returns the length. */
size_t router_allow(unsigned allowed, char *buf, size_t size);

/* The decoded value of parameter name (borrowed from m), or NULL. */
const char *route_match_param(const struct route_match *m, const char *name);

/*
 * Percent-decodes src[0..len) into dst (size bytes, NUL-terminated). Returns the decoded length,
 * or -1 when an escape is malformed, the result holds a NUL byte or does not fit.
 */
long router_decode(const char *src, size_t len, char *dst, size_t size);

#endif
