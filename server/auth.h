/*
 * auth: bearer tokens. A token is "dw_" followed by 43 base64url characters (32 bytes from
 * getrandom); only its SHA-256 (lowercase hex) is ever stored, so a stolen database does not
 * leak usable secrets. A token is the admin's (scope "admin") or scoped to one domain, which it
 * may write.
 *
 * Rules (applied by auth_check to the matched route):
 *   ROUTE_WRITE  needs a valid token; a domain token must be scoped to the {d} in the path (403)
 *   ROUTE_ADMIN  needs the admin token (403 for domain tokens)
 *   ROUTE_WRITE on a ROUTE_CCOMPAT route: needs a valid token; the handler, once it knows the
 *                subject's domain, checks the scope with auth_may_write
 *   reads        open, unless the server runs with --read-auth (then any valid token)
 * Missing, malformed, unknown, revoked and expired tokens are all 401.
 */
#ifndef DW_AUTH_H
#define DW_AUTH_H

#include <stddef.h>

#include "server/http.h"
#include "server/store.h"

#define AUTH_TOKEN_LEN 46 /* "dw_" + 43 */
#define AUTH_ADMIN_SCOPE "admin"

/* A new token into token[AUTH_TOKEN_LEN + 1] and its hash into hash[65]. DW_INTERNAL when the
 * kernel gives no randomness. */
int auth_token_new(char token[AUTH_TOKEN_LEN + 1], char hash[65], struct dw_error *err);

/* 1 when s has a token's shape ("dw_" + 43 base64url characters). */
int auth_token_shape_ok(const char *s);

/*
 * Reads "Bearer <token>", or "Basic base64(user:token)" (any user name, the token as the
 * password: what Confluent clients send from basic.auth.user.info), from an Authorization
 * header value and, when the token is live, fills who. DW_UNAUTHORIZED for a missing,
 * malformed or unknown token; DW_UNAVAILABLE or
 * DW_INTERNAL when the store fails.
 */
int auth_authenticate(struct store *st, const char *authorization, struct principal *who,
                      struct dw_error *err);

/* Applies the rules above to req (its route and parameters), filling req->who. */
int auth_check(struct request *req, struct dw_error *err);

/*
 * Failed authentications are limited per client address: after srv->auth_fail_limit failures
 * (a presented credential that is malformed, unknown, revoked or expired; a missing one is
 * not an attempt) within srv->auth_fail_window seconds, every request from that address that
 * needs a token is refused with 429 until the window (which starts at the address's first
 * failure) ends, whatever token it carries. Valid tokens from other addresses are not
 * affected. The failures are counted in one fixed table (AUTH_FAIL_SLOTS addresses, shared by
 * all worker threads under a mutex): memory stays bounded whatever the number of addresses,
 * an address pushed out of a full table by others starts again from zero.
 */
#define AUTH_FAIL_SLOTS 4096

/* 1 when req needs a token and its client address has used up its failures: *retry_after is
 * then the seconds left in the window (>= 1). 0 otherwise (and always when the limit is 0). */
int auth_throttled(const struct request *req, unsigned *retry_after);

/* 0 when req's token may write domain (the admin's, or one scoped to it), else DW_FORBIDDEN. */
int auth_may_write(const struct request *req, const char *domain, struct dw_error *err);

/*
 * On a database without tokens, creates the admin token and writes it to "<db_path>.admin-token"
 * (mode 0600, written to a temporary file then renamed). *path_out (malloc'd, may be NULL) names
 * the file when one was written, else is NULL.
 */
int auth_bootstrap(struct store *st, const char *db_path, char **path_out, struct dw_error *err);

#endif
