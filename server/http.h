/*
 * http: drivewayd's HTTP layer, and the only file that includes microhttpd.h. It runs the
 * libmicrohttpd daemon (epoll, a pool of worker threads), turns each request into a
 * struct request, collects its body into a buffer capped at the route's limit, hands it to the
 * dispatcher (routes.c) and sends the struct response back.
 *
 * Handlers see only the two structs below. A struct request lives from the first byte of the
 * request to the end of its response; everything it points to (path, body, json, params) is
 * owned by the HTTP layer and borrowed by handlers. A struct response owns its body, headers
 * and errors; the HTTP layer hands the body to libmicrohttpd (MHD_RESPMEM_MUST_FREE) and
 * releases the rest.
 */
#ifndef DW_HTTP_H
#define DW_HTTP_H

#include <stdarg.h>
#include <stddef.h>

#include <jansson.h>

#include "server/router.h"

struct server;
struct dw_error;

enum principal_kind { PRINCIPAL_NONE = 0, PRINCIPAL_ADMIN, PRINCIPAL_DOMAIN };

/* Who sent the request, once a valid token was presented. */
struct principal {
	enum principal_kind kind;
	long long token_id;
	char scope[64]; /* "admin" or the domain the token writes */
	char name[128]; /* the token's name: recorded as createdBy */
};

struct request {
	struct server *srv;
	enum http_method method;
	const char *method_name; /* as sent */
	const char *path;        /* raw (percent-encoded), without the query */
	const char *target;      /* raw path and query, as in the request line */
	struct route_match match;
	const char *body; /* body_len bytes, NUL-terminated; NULL when there is none */
	size_t body_len;
	json_t *json; /* the parsed body on ROUTE_JSON_BODY routes */
	struct principal who;
	void *conn; /* the HTTP layer's own */
	/* Without a connection (conn NULL: fuzz/fuzz_http.c drives the dispatcher so), the
	 * request's headers and decoded query arguments, as name, value, ..., NULL; may be NULL. */
	const char *const *headers;
	const char *const *query;
};

#define RESPONSE_MAX_HEADERS 8

struct response_header {
	char *name;
	char *value;
};

struct response {
	int status;               /* 0 until a handler sets it */
	const char *content_type; /* static string; NULL for no body */
	char *body;               /* malloc'd, body_len bytes */
	size_t body_len;
	json_t *errors; /* the "errors" member of a problem, or NULL */
	json_t *extra;  /* further members of a problem (an object), or NULL */
	size_t nheaders;
	struct response_header headers[RESPONSE_MAX_HEADERS];
};

/* Request accessors; the strings are borrowed for the request's lifetime. */
/* A request header (case-insensitive name), or NULL. */
const char *request_header(const struct request *req, const char *name);
/* A query argument, percent-decoded, or NULL (also for "?name" without '='). */
const char *request_query(const struct request *req, const char *name);
/* A path parameter, percent-decoded and checked by the router. */
const char *request_param(const struct request *req, const char *name);

void response_release(struct response *res);
/* Sets status and the body to doc serialised compactly, Content-Type application/json. */
void response_json(struct response *res, int status, const json_t *doc);
/* Sets status and body; takes body (malloc'd, or NULL with len 0). content_type is static. */
void response_body(struct response *res, int status, const char *content_type, char *body,
                   size_t len);
/* Adds a header (copies both). Replaces an existing header of the same name. */
void response_header_add(struct response *res, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const char *response_header_get(const struct response *res, const char *name);
/*
 * Sets an RFC 9457 problem document: {"type":"about:blank","title","status","detail",
 * "instance": the request path} plus the members of res->extra (extension members such as a
 * 409's "changes"; consumed) and "errors" when res->errors holds some (consumed).
 */
void response_problem(struct response *res, const struct request *req, int status,
                      const char *title, const char *detail);

/* The number of header fields the request came with. */
size_t request_header_count(const struct request *req);
/* The client's address as text ("127.0.0.1", "::1") into buf (size >= 46 holds any); "" when
 * unknown (a request without a connection). */
void request_client_address(const struct request *req, char *buf, size_t size);

/*
 * Request limits. A connection's memory pool (HTTP_MEMORY_LIMIT) holds its request line and
 * header fields: libmicrohttpd itself answers 414 or 431 (and closes the connection) when they
 * do not fit. Below that, the dispatcher answers problem documents: 414 for a request target
 * longer than HTTP_URL_MAX bytes, 431 for more than HTTP_HEADERS_MAX header fields.
 */
#define HTTP_MEMORY_LIMIT (64u * 1024u)
#define HTTP_URL_MAX (8u * 1024u)
#define HTTP_HEADERS_MAX 100u

/* The running daemon. */
struct http;

/* A certificate and its key, checked and ready for the daemon (http_tls_load). */
struct http_tls;

struct http_options {
	const char *host;           /* numeric address or name to listen on */
	unsigned port;              /* 0: any free port */
	unsigned threads;           /* worker threads, >= 1 */
	unsigned timeout;           /* idle connection timeout, seconds */
	unsigned max_conns;         /* total connections */
	unsigned max_per_ip;        /* connections from one address */
	const struct http_tls *tls; /* HTTPS with this certificate; NULL for plain HTTP */
};

/*
 * Reads a PEM certificate (chain) and its PEM private key and checks that the daemon can use
 * them: TLS support in libmicrohttpd, both files readable, both parse, the key matches the
 * certificate. Returns 0 with *out set (http_tls_free it once the daemon stopped), or
 * DW_UNAVAILABLE (no TLS support) or DW_INVALID (a file) with err naming the problem.
 */
int http_tls_load(const char *cert_file, const char *key_file, struct http_tls **out,
                  struct dw_error *err);
/* NULL is fine. Wipes the key's text before freeing it. */
void http_tls_free(struct http_tls *tls);

/* Starts listening and serving srv. DW_UNAVAILABLE when the address cannot be used. */
int http_start(const struct http_options *opt, struct server *srv, struct http **out,
               struct dw_error *err);
/* The port actually bound (useful with port 0). */
unsigned http_port(const struct http *h);
/* Stops accepting, waits for in-flight requests to end, frees h. NULL is fine. */
void http_stop(struct http *h);

#endif
