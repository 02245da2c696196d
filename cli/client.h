/*
 * client: the CLI's HTTP client for the registry, and the only file of driveway that includes
 * curl/curl.h. One request at a time, no redirects followed, http and https only.
 *
 * A request either reaches the server (0, whatever the HTTP status: the caller looks at it) or
 * does not (DW_UNAVAILABLE, "registry unreachable at URL: reason"). Problem answers
 * (application/problem+json) are printed by client_fail, which returns the dw_code that matches
 * the status so commands exit with the right code.
 *
 * Ownership: client_new copies its arguments; struct client_response owns its body and header
 * strings until client_response_release. Paths passed in must already be percent-encoded
 * (client_escape).
 */
#ifndef DW_CLIENT_H
#define DW_CLIENT_H

#include <stddef.h>

#include <jansson.h>

#include "validators/error.h"

struct client;

struct client_response {
	long status;
	char *body; /* NUL-terminated (the NUL is not counted in len); never NULL after a request */
	size_t len;
	/* The headers the CLI uses, NULL when absent. */
	char *etag;
	char *location;
	char *result; /* Driveway-Result: created, updated or unchanged */
	char *link;
	char *content_type;
};

/* server: "http://host:port" (a trailing slash is ignored); token may be NULL (no
 * Authorization header is sent). Returns NULL when server is not an http(s) URL. */
struct client *client_new(const char *server, const char *token);
void client_free(struct client *c);
/*
 * Verifies https servers against the CA certificates of the PEM file (copied name) instead of
 * the system's. Verification of the certificate and of the host name is never turned off: a
 * server that fails it is unreachable (DW_UNAVAILABLE, "cannot verify the TLS certificate of
 * URL: reason").
 */
void client_set_cacert(struct client *c, const char *file);
/* The server's base URL as given (borrowed). */
const char *client_server(const struct client *c);

/*
 * Sends one request. path is "/..." relative to the server (with its query string), or an
 * absolute URL as found in a "next" link: then only its path and query are used, always against
 * our own server, so that the token is never sent elsewhere. body (may be NULL) is sent as
 * application/json. headers: NULL-terminated extra "Name: value" lines, or NULL.
 * Returns 0 (resp filled; release it) or DW_UNAVAILABLE (err set, resp empty).
 */
int client_request(struct client *c, const char *method, const char *path, const json_t *body,
                   const char *const *headers, struct client_response *resp, struct dw_error *err);
void client_response_release(struct client_response *resp);

/* 1 for a 2xx answer. */
int client_ok(const struct client_response *resp);
/* The body parsed as JSON (new reference), or NULL when it is not JSON. */
json_t *client_response_json(const struct client_response *resp);

/*
 * Prints a failed answer on stderr: "error: [context: ]detail", then each entry of the
 * problem's "errors" as "pointer: message". Returns dw_code_from_http(status). context may be
 * NULL.
 */
int client_fail(const struct client_response *resp, const char *context);
/* Prints a hint line for 401 and 403 answers (which token is needed); nothing otherwise. */
void client_hint(const struct client_response *resp);
/* The detail of a problem answer (or a line naming the status) into buf. */
void client_problem_detail(const struct client_response *resp, json_t *problem, char *buf,
                           size_t size);

/* RFC 3986 percent-encoding of everything but unreserved characters (malloc'd). */
char *client_escape(const char *s);
/* Appends "?key=value" or "&key=value" (both escaped) to *url, reallocating it. value NULL is
 * skipped. */
void client_query_add(char **url, const char *key, const char *value);

#endif
