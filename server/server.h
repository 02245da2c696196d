/*
 * server: what drivewayd's parts share. The struct server every request points to (read-only
 * once the daemon runs, so worker threads share it without locks), the route table and the
 * dispatcher (routes.c), the handlers (one h_*.c file per resource), and the few helpers the
 * handlers use for the API's conventions (pagination, ETags, preconditions).
 *
 * Dispatcher contract: routes_begin runs when a request's headers are in, before any body
 * byte: it checks the request limits of http.h (414/431), matches the route (404/405, or 308
 * for a trailing slash), refuses addresses over the failed-login limit (429), authenticates
 * (401/403), checks Content-Type (415) and Content-Length (413). routes_finish runs once the
 * body is in: it parses JSON once (400), refuses writes in read-only mode (503), calls the
 * handler, and turns If-None-Match into 304. Handlers thus never repeat those checks.
 */
#ifndef DW_SERVER_H
#define DW_SERVER_H

#include <stddef.h>

#include <jansson.h>

#include "server/http.h"
#include "server/router.h"
#include "server/store.h"
#include "validators/compat.h"
#include "validators/error.h"
#include "validators/findings.h"

struct server {
	struct store *store;
	int read_auth;               /* reads need a token too */
	int quiet;                   /* no per-request log line */
	json_t *audit_settings;      /* --audit-config: {"config"?, "suppressions"?}, or NULL;
	                                read-only (landscape.h copies it into each landscape) */
	const char *ccompat_prefix;  /* where the Confluent-compatible API is mounted: "" (the
	                                root) or "/seg..." without a trailing slash; borrowed */
	const char *ccompat_landing; /* the domain of subjects no product claims; borrowed */
	int read_only;               /* --read-only: every write is refused (503) */
	unsigned auth_fail_limit;    /* failed authentications per client address and window
	                                before 429 (auth.c); 0: no limit */
	unsigned auth_fail_window;   /* that window, seconds */
};

/* The route table (routes.c). */
extern const struct route server_routes[];
extern const size_t server_route_count;

/* 1 when res holds the final answer already (an error), 0 to go on with the body. */
int routes_begin(struct request *req, struct response *res);
/* Fills res from the handler, or with the problem it reported. */
void routes_finish(struct request *req, struct response *res);
/* The 413 answer for a body that went over the route's limit while arriving. */
void routes_too_large(struct request *req, struct response *res);

/* Helpers for handlers (routes.c) --------------------------------------------------------- */

/* Reads limit (default 50, 1..500) and cursor from the query into page. DW_MALFORMED. */
int server_page(const struct request *req, struct store_page *page, struct dw_error *err);
/*
 * Answers 200 {"items": items, "next": url|null} (items is consumed) and, when next (the
 * store's cursor) is not NULL, a Link rel="next" header. The next URL repeats the request's
 * path and the query arguments named in keep (NULL-terminated), limit and the new cursor.
 */
void server_page_respond(const struct request *req, struct response *res, json_t *items,
                         const struct store_page *page, const char *next, const char *const *keep);
/*
 * The strong ETag of a stored domain or product document, from its status: the revision, and
 * the product count (domains) or version count (products), which change what GET shows without
 * changing the revision: "<revision>.<count>".
 */
#define SERVER_ETAG_MAX 48
void server_doc_etag(const json_t *doc, char etag[SERVER_ETAG_MAX]);
/*
 * Evaluates If-Match and, when allow_none_match, If-None-Match (RFC 9110, 13.1) against the
 * current ETag and revision of the resource (etag NULL and rev 0 when it does not exist).
 * Returns DW_PRECONDITION when a condition fails; otherwise 0 and *expect is what to hand the
 * store so that it re-checks the condition inside its transaction: STORE_REV_ANY without
 * conditions, the current revision (or STORE_REV_EXISTS / STORE_REV_ABSENT) with them.
 */
int server_precondition(const struct request *req, const char *etag, long long rev,
                        int allow_none_match, long long *expect, struct dw_error *err);
/* Sets res->errors from findings and returns DW_INVALID with a "<what> has N errors" detail.
 * in_body: the findings' pointers are into the request body, so they get its line:col. */
int server_invalid(const struct request *req, struct response *res, struct dw_findings *findings,
                   const char *what, int in_body, struct dw_error *err);
/* h_tokens.c: an RFC 3339 date-time ("2027-01-01T00:00:00Z", fractions and offsets allowed)
 * to Unix time; -1 when s is not one. */
int server_parse_rfc3339(const char *s, long long *out);
/* Adds "links" to a stored domain or product document (in place). */
void server_domain_links(json_t *doc, const char *domain);
void server_product_links(json_t *doc, const char *domain, const char *product);
/* Driveway-Result: created | updated | unchanged. */
const char *server_result_name(enum store_result r);

/* Handlers (one file per resource) ------------------------------------------------------- */

/* h_root.c */
int h_root(struct request *req, struct response *res, struct dw_error *err);
int h_healthz(struct request *req, struct response *res, struct dw_error *err);
int h_openapi(struct request *req, struct response *res, struct dw_error *err);
/* h_domains.c */
int h_domain_list(struct request *req, struct response *res, struct dw_error *err);
int h_domain_put(struct request *req, struct response *res, struct dw_error *err);
int h_domain_get(struct request *req, struct response *res, struct dw_error *err);
int h_domain_delete(struct request *req, struct response *res, struct dw_error *err);
/* h_products.c */
int h_product_discover(struct request *req, struct response *res, struct dw_error *err);
int h_product_list(struct request *req, struct response *res, struct dw_error *err);
int h_product_put(struct request *req, struct response *res, struct dw_error *err);
int h_product_patch(struct request *req, struct response *res, struct dw_error *err);
int h_product_get(struct request *req, struct response *res, struct dw_error *err);
int h_product_delete(struct request *req, struct response *res, struct dw_error *err);
/* h_versions.c */
int h_version_list(struct request *req, struct response *res, struct dw_error *err);
int h_version_post(struct request *req, struct response *res, struct dw_error *err);
int h_version_get(struct request *req, struct response *res, struct dw_error *err);
int h_version_contract(struct request *req, struct response *res, struct dw_error *err);
/* h_stats.c */
int h_stats(struct request *req, struct response *res, struct dw_error *err);
/* h_web.c: the web catalog (ROUTE_UI routes) */
int h_web_page(struct request *req, struct response *res, struct dw_error *err);
int h_web_asset(struct request *req, struct response *res, struct dw_error *err);
/* h_tokens.c */
int h_token_list(struct request *req, struct response *res, struct dw_error *err);
int h_token_create(struct request *req, struct response *res, struct dw_error *err);
int h_token_revoke(struct request *req, struct response *res, struct dw_error *err);
int h_admin_token_list(struct request *req, struct response *res, struct dw_error *err);
int h_admin_token_create(struct request *req, struct response *res, struct dw_error *err);
int h_admin_token_revoke(struct request *req, struct response *res, struct dw_error *err);
/* h_compat.c: modes, compatibility verdicts, changelogs */
int h_config_get(struct request *req, struct response *res, struct dw_error *err);
int h_config_put(struct request *req, struct response *res, struct dw_error *err);
int h_product_compat_get(struct request *req, struct response *res, struct dw_error *err);
int h_product_compat_put(struct request *req, struct response *res, struct dw_error *err);
int h_product_compat_delete(struct request *req, struct response *res, struct dw_error *err);
int h_compat_check(struct request *req, struct response *res, struct dw_error *err);
int h_version_changes(struct request *req, struct response *res, struct dw_error *err);
int h_config_delete(struct request *req, struct response *res, struct dw_error *err);
/* h_changes.c: the change history (admin) */
int h_changes(struct request *req, struct response *res, struct dw_error *err);
/* h_flows.c */
int h_flow_list(struct request *req, struct response *res, struct dw_error *err);
int h_flow_get(struct request *req, struct response *res, struct dw_error *err);
int h_product_consumers(struct request *req, struct response *res, struct dw_error *err);

/* h_audit.c: the governance audit of the whole registry */
int h_audit(struct request *req, struct response *res, struct dw_error *err);
/* h_advice.c: the pattern advisor for one consumer relationship */
int h_advice(struct request *req, struct response *res, struct dw_error *err);
/* h_graph.c: the landscape picture */
int h_graph_dot(struct request *req, struct response *res, struct dw_error *err);
int h_graph_svg(struct request *req, struct response *res, struct dw_error *err);
/* h_metrics.c: the Prometheus scrape */
int h_metrics(struct request *req, struct response *res, struct dw_error *err);
/* h_mode.c: the registry's mode (READWRITE, READONLY; IMPORT for the Confluent API) */
int h_mode_get(struct request *req, struct response *res, struct dw_error *err);
int h_mode_put(struct request *req, struct response *res, struct dw_error *err);
/* 1 when req is a write the registry's mode refuses now: res then holds the 503. Writes are the
 * ROUTE_WRITE and ROUTE_ADMIN routes but PUT /mode; refused when drivewayd runs with
 * --read-only, or, for the native API, while the global mode is READONLY (the Confluent API's
 * handlers apply its modes themselves, subject by subject). */
int mode_refuse(struct request *req, struct response *res);

/* h_ccompat*.c: the Confluent Schema Registry compatible API (ROUTE_CCOMPAT routes) */
int h_cc_subject_list(struct request *req, struct response *res, struct dw_error *err);
int h_cc_subject_lookup(struct request *req, struct response *res, struct dw_error *err);
int h_cc_subject_delete(struct request *req, struct response *res, struct dw_error *err);
int h_cc_version_list(struct request *req, struct response *res, struct dw_error *err);
int h_cc_version_post(struct request *req, struct response *res, struct dw_error *err);
int h_cc_version_get(struct request *req, struct response *res, struct dw_error *err);
int h_cc_version_delete(struct request *req, struct response *res, struct dw_error *err);
int h_cc_version_schema(struct request *req, struct response *res, struct dw_error *err);
int h_cc_schema_get(struct request *req, struct response *res, struct dw_error *err);
int h_cc_schema_text(struct request *req, struct response *res, struct dw_error *err);
int h_cc_schema_subjects(struct request *req, struct response *res, struct dw_error *err);
int h_cc_schema_versions(struct request *req, struct response *res, struct dw_error *err);
int h_cc_schema_types(struct request *req, struct response *res, struct dw_error *err);
int h_cc_compat(struct request *req, struct response *res, struct dw_error *err);
int h_cc_config_get(struct request *req, struct response *res, struct dw_error *err);
int h_cc_config_put(struct request *req, struct response *res, struct dw_error *err);
int h_cc_config_delete(struct request *req, struct response *res, struct dw_error *err);
int h_cc_mode_get(struct request *req, struct response *res, struct dw_error *err);
int h_cc_mode_put(struct request *req, struct response *res, struct dw_error *err);
int h_cc_mode_delete(struct request *req, struct response *res, struct dw_error *err);
int h_cc_referenced_by(struct request *req, struct response *res, struct dw_error *err);
/* 1 when req is one for the Confluent-compatible API: a ROUTE_CCOMPAT route, a path under its
 * prefix, or a shared route asked for with a schemaregistry media type. */
int ccompat_request(const struct request *req);
/* The global mode of the Confluent-compatible API, which is the registry's mode (READWRITE
 * when never set) into out. */
int ccompat_mode_global(struct request *req, char out[16], struct dw_error *err);
/* The normalize setting of subject (NULL: the global one, which the registry's /config
 * carries): *set 0 when it was never set (then *on is 0). */
int ccompat_normalize_get(struct request *req, const char *subject, int *set, int *on,
                          struct dw_error *err);
/* Sets it (on 0 or 1) or removes it (on -1). */
int ccompat_normalize_put(struct request *req, const char *subject, int on, struct dw_error *err);
/* 1 for the request media types Confluent accepts besides JSON ones: application/octet-stream. */
int ccompat_media_type_ok(const char *content_type);
/* For a request to the Confluent-compatible API (a ROUTE_CCOMPAT route, a path under its
 * prefix, or a shared route asked for with a schemaregistry media type): turns a problem
 * document into Confluent's {"error_code", "message"} and sets the negotiated media type
 * (application/vnd.schemaregistry.v1+json unless Accept prefers another JSON one). Runs on
 * every answer the dispatcher gives; a no-op for other requests. */
void ccompat_finish(struct request *req, struct response *res);

/* Shared between resources ---------------------------------------------------------------- */

/* h_products.c: applies a JSON merge patch to live product d/p's document, validates and stores
 * the result (re-applied when the product changed meanwhile). preconditions: honour the
 * request's If-Match/If-None-Match against the product's ETag (PATCH); 0 for writes through
 * another resource. DW_INVALID with res->errors, DW_NOT_FOUND, DW_PRECONDITION. */
int server_product_patch(struct request *req, struct response *res, const char *d, const char *p,
                         const json_t *patch, int preconditions, enum store_result *result,
                         struct dw_error *err);
/* h_versions.c: checks a body {"format", "contract"} (and "mode" when with_mode) against the
 * product's document and the contract itself; sets *fmt and, when with_mode, *mode
 * (DW_MODE_UNKNOWN when the body has none). DW_INVALID with res->errors. */
int server_version_body(struct request *req, struct response *res, const json_t *product,
                        int with_mode, enum dw_format *fmt, enum dw_mode *mode,
                        struct dw_error *err);

/* h_versions.c: registers contract (valid, of format fmt) as the next version of live product
 * d/p unless a version has the same canonical fingerprint (*result STORE_UNCHANGED, *number
 * that version); a new one must keep mode with the versions before it, else DW_CONFLICT with
 * the verdict's members in res (server_verdict_refuse). skip_hidden (the Confluent API):
 * soft-deleted versions neither count as the same contract nor are compared. cc (NULL for
 * the native API) carries the Confluent API's extras: its fingerprint (when set) replaces the
 * contract's, its schema_text, refs, schema_id and number go to the store (store_version_in);
 * with a number, an existing version of the same fingerprint elsewhere does not count. */
int server_version_add(struct request *req, struct response *res, const char *d, const char *p,
                       enum dw_format fmt, const json_t *contract, enum dw_mode mode,
                       int skip_hidden, const struct store_version_in *cc, int *number,
                       enum store_result *result, struct dw_error *err);

/* h_compat.c: the effective mode of a product document: its spec.compatibility, else the
 * registry's default. *source (may be NULL) is "product" or "registry". */
int server_compat_mode(struct request *req, const json_t *product, enum dw_mode *mode,
                       const char **source, struct dw_error *err);

/* The verdict on a candidate contract; every json_t is owned (server_verdict_release). */
struct server_verdict {
	enum dw_mode mode;
	int compatible;
	int latest;             /* the latest version's number, 0 when there is none */
	json_t *against;        /* [the version numbers compared] */
	json_t *changes;        /* every change found, severities under mode */
	json_t *impact;         /* the flows the breaking changes reach (compat_impact) */
	json_t *latest_changes; /* the changes against the latest version: what a new version
	                           records */
	json_t *errors;         /* when incompatible: a problem's "errors", one per breaking
	                           change ("/contract<newPointer>" or "/old<oldPointer>") */
	char *detail;           /* when incompatible: "contract breaks MODE compatibility ..." */
};

/* Compares contract (valid, of format fmt) with live product d/p's versions under mode: the
 * latest, or every one for *_TRANSITIVE modes; none when it has no versions (compatible).
 * skip_hidden (the Confluent API): soft-deleted versions are left out. DW_CONFLICT when earlier
 * versions have another format (unless NONE). */
int server_compat_check(struct request *req, const char *d, const char *p, enum dw_format fmt,
                        const json_t *contract, enum dw_mode mode, int skip_hidden,
                        struct server_verdict *v, struct dw_error *err);
/* Puts an incompatible verdict's members ("mode", "changes", "impact", "errors") into res for
 * the 409 problem the handler then reports. */
void server_verdict_refuse(struct response *res, struct server_verdict *v);
void server_verdict_release(struct server_verdict *v);
/* Adds a strong ETag computed from doc's content, for resources without a revision. */
void server_json_etag(struct response *res, const json_t *doc);

#endif
