/*
 * store: the registry's persistent state, and the only code in driveway that speaks SQL
 * (only store.c includes sqlite3.h). SQLite in WAL mode, foreign keys on, synchronous=FULL so
 * that a write acknowledged to a client survives a crash; migrations keyed on PRAGMA
 * user_version; prepared statements only; each write function is one transaction.
 *
 * Threads: a struct store may be used from any number of threads at once. Each thread gets its
 * own SQLite connection on first use (readers run in parallel under WAL; writers take
 * BEGIN IMMEDIATE and wait on a busy timeout).
 *
 * Ownership: json_t arguments are borrowed; json_t ** and char ** results are new references /
 * malloc'd strings the caller releases (json_decref / free), set to NULL on failure. Strings
 * are UTF-8.
 *
 * Errors: besides the codes each function names, any call may fail with DW_UNAVAILABLE
 * ("store unavailable: ...": the database is read-only, the disk is full, an I/O error, or the
 * write lock stayed busy past a 5 s timeout), DW_CONFLICT (a constraint the checks above it did
 * not foresee) or DW_INTERNAL.
 *
 * Documents: domains and products are stored as their descriptor documents
 * ({"apiVersion","kind","metadata","spec"}, already validated by the caller). What *_get and
 * *_list return is that document plus a "status" object the store owns:
 *   domain:  {"revision", "createdAt", "updatedAt", "products"}   (products: live ones)
 *   product: {"revision", "createdAt", "updatedAt", "deleted", "latestVersion", "versions"}
 *            (deleted: boolean; latestVersion: number, or null before the first version)
 * Times are RFC 3339 UTC strings ("2026-11-25T23:22:13Z").
 *
 * Revisions: every domain and product row has a revision starting at 1 and incremented by
 * each change of its document (put, delete, revival); the HTTP layer turns it into the ETag.
 * The derived status counters (a domain's products, a product's versions) do not move it.
 * Writes take an expected revision (a deleted product counts as absent); a delete of something
 * absent is DW_NOT_FOUND whatever the expectation:
 */
#ifndef DW_STORE_H
#define DW_STORE_H

#include <jansson.h>

#include "validators/error.h"

struct store;

#define STORE_REV_ANY (-1LL)    /* no precondition */
#define STORE_REV_EXISTS (-2LL) /* If-Match: *  (the resource must exist) */
#define STORE_REV_ABSENT (-3LL) /* If-None-Match: *  (the resource must not exist) */
/* any value > 0: the current revision must equal it, else DW_PRECONDITION */

enum store_result { STORE_CREATED = 1, STORE_UPDATED, STORE_UNCHANGED };

/* Lists return at most limit items and, in *next (malloc'd), the cursor of the next page, or
 * NULL on the last page. A limit outside 1..500 or a cursor that is not one of the same listing's
 * is DW_MALFORMED ("invalid cursor"). A NULL page means the first 50 items. */
struct store_page {
	int limit;          /* 1..500 */
	const char *cursor; /* opaque, from a previous *next; NULL for the first page */
};

struct store_product_filter {
	const char *domain;    /* exact, or NULL */
	const char *kind;      /* spec.type, exact */
	const char *owner;     /* metadata.owner, exact */
	const char *tag;       /* one of metadata.tags, exact */
	const char *lifecycle; /* metadata.lifecycle, exact */
	const char *q;         /* case-insensitive substring of name, domain, title, description,
	                          owner, a tag or a field name of the latest contract (see
	                          store_version_in.fields); LIKE metacharacters match literally */
	const char *consumes;  /* "domain/product": products whose spec.consumes names it;
	                          "domain": products consuming any product of that domain */
	int include_deleted;
};

/* Opens (creating and migrating when needed) the database at path. path may also be an SQLite
 * URI ("file:/var/lib/driveway.db?mode=ro" opens it read-only: reads work, writes are
 * DW_UNAVAILABLE). DW_UNAVAILABLE when the file cannot be opened. */
int store_open(const char *path, struct store **out, struct dw_error *err);
/* Closes every connection; the WAL is checkpointed. NULL is fine. No other call on st may run
 * during or after it. */
void store_close(struct store *st);

/* Domains ------------------------------------------------------------------------------- */

/* Creates or replaces domain name with doc. *result says which, or STORE_UNCHANGED when the
 * stored document is canonically equal (then nothing is written and the revision stays). */
int store_domain_put(struct store *st, const char *name, const json_t *doc, long long expect_rev,
                     enum store_result *result, long long *rev, struct dw_error *err);
/* DW_NOT_FOUND when absent. *rev may be NULL. */
int store_domain_get(struct store *st, const char *name, json_t **out, long long *rev,
                     struct dw_error *err);
/* Ordered by name. *next is NULL on the last page. */
int store_domain_list(struct store *st, const struct store_page *page, json_t **items, char **next,
                      struct dw_error *err);
/* DW_CONFLICT while the domain still has products, live or deleted (deleted products keep
 * their versions, which are never removed). */
int store_domain_delete(struct store *st, const char *name, long long expect_rev,
                        struct dw_error *err);

/* Products ------------------------------------------------------------------------------ */

/* Creates or replaces product domain/name. DW_NOT_FOUND when the domain does not exist. A PUT
 * on a deleted product brings it back (STORE_UPDATED) with its history. */
int store_product_put(struct store *st, const char *domain, const char *name, const json_t *doc,
                      long long expect_rev, enum store_result *result, long long *rev,
                      struct dw_error *err);
/* Deleted products are DW_NOT_FOUND unless include_deleted. */
int store_product_get(struct store *st, const char *domain, const char *name, int include_deleted,
                      json_t **out, long long *rev, struct dw_error *err);
/* Ordered by domain, then name. */
int store_product_list(struct store *st, const struct store_product_filter *filter,
                       const struct store_page *page, json_t **items, char **next,
                       struct dw_error *err);
/* Soft delete: hidden from listings and gets, versions and history kept. */
int store_product_delete(struct store *st, const char *domain, const char *name,
                         long long expect_rev, struct dw_error *err);

/* Versions (immutable) -------------------------------------------------------------------- */

struct store_version_in {
	const char *format;      /* "openapi", "avro", "jsonschema", "odcs" */
	const char *media_type;  /* of the stored contract text */
	const char *contract;    /* the document as stored and served back */
	const char *fingerprint; /* "sha256:<64 hex>" of the canonical form */
	const char *created_by;  /* token name */
	const json_t *changes;   /* changes from the previous version, or NULL */
	const json_t *fields;    /* the contract's field names (array of strings, from
	                            contract_field_names) that q searches, or NULL for none */
	/* The Confluent-compatible API's extras (zero/NULL otherwise): */
	const char *schema_text; /* the schema as registered (JSON text) when the contract is
	                            its resolved or normalized form */
	const char *refs;        /* its references (JSON array text), with schema_text */
	long long schema_id;     /* the global id to give a new schema (IMPORT mode), else 0;
	                            an id another schema holds fails the write */
	int number;              /* the version number to give (IMPORT mode), else 0; a number
	                            holding another fingerprint: DW_CONFLICT */
};

/* Adds the next version of a live product: numbered after its latest, and after any version
 * ever permanently deleted (a number is never given twice). When a version with the same
 * fingerprint exists (the latest such), nothing is written, *number is that
 * version and *result STORE_UNCHANGED; otherwise STORE_CREATED. DW_NOT_FOUND when the product
 * does not exist or is deleted. */
int store_version_add(struct store *st, const char *domain, const char *product,
                      const struct store_version_in *in, int *number, enum store_result *result,
                      struct dw_error *err);
/* The same, when the caller checked the contract against the versions up to
 * expect_number - 1 (the latest one it saw, + 1): when the latest version is another one now
 * (another version came in or was removed meanwhile), DW_PRECONDITION and nothing is
 * written. A contract equal to an existing version still gives that version
 * (STORE_UNCHANGED). */
int store_version_add_next(struct store *st, const char *domain, const char *product,
                           const struct store_version_in *in, int expect_number, int *number,
                           enum store_result *result, struct dw_error *err);
/* The same for Confluent's registration: a soft-deleted version with the same fingerprint
 * does not count, and the contract becomes a new version. */
int store_version_add_shown(struct store *st, const char *domain, const char *product,
                            const struct store_version_in *in, int expect_number, int *number,
                            enum store_result *result, struct dw_error *err);
/* number 0 means the latest. *out: {"product","version","format","mediaType","fingerprint",
 * "createdAt","createdBy","changes"}. */
int store_version_get(struct store *st, const char *domain, const char *product, int number,
                      json_t **out, struct dw_error *err);
/* The stored contract text and its media type (both malloc'd). */
int store_version_contract(struct store *st, const char *domain, const char *product, int number,
                           char **text, char **media_type, struct dw_error *err);
/* Ordered by version number, ascending. */
int store_version_list(struct store *st, const char *domain, const char *product,
                       const struct store_page *page, json_t **items, char **next,
                       struct dw_error *err);

/* The number of the product's latest version with that fingerprint ("sha256:..."), without
 * writing: DW_NOT_FOUND when there is none (or the product is not live). */
int store_version_find(struct store *st, const char *domain, const char *product,
                       const char *fingerprint, int *number, struct dw_error *err);
/* The same among the versions not soft-deleted (the Confluent-compatible API's view). */
int store_version_find_shown(struct store *st, const char *domain, const char *product,
                             const char *fingerprint, int *number, struct dw_error *err);

/* A registered contract, for compatibility checks. */
struct store_contract {
	int number;   /* version number */
	char *format; /* "openapi", ... */
	char *text;   /* the contract as stored (JSON text) */
	int hidden;   /* soft-deleted */
};

/* The contracts of the product's versions, oldest first, in one query: every version, or,
 * when latest_only, the latest and the latest not soft-deleted (one when they are the same).
 * *out (NULL when there are none) and its strings are the caller's:
 * store_contracts_free(*out, *n). DW_NOT_FOUND when the product is not live. */
int store_version_contracts(struct store *st, const char *domain, const char *product,
                            int latest_only, struct store_contract **out, size_t *n,
                            struct dw_error *err);
void store_contracts_free(struct store_contract *list, size_t n);

/* Configuration --------------------------------------------------------------------------- */
/* Registry-wide settings as key/value strings ("compatibility" -> "BACKWARD"); the caller knows
 * the keys, their defaults and which values are valid. */

/* *value malloc'd; DW_NOT_FOUND when the key was never set. */
int store_config_get(struct store *st, const char *key, char **value, struct dw_error *err);
/* Sets (or replaces) the key's value; one transaction. */
int store_config_put(struct store *st, const char *key, const char *value, struct dw_error *err);

/* Removes the key (nothing happens when it was not set). */
int store_config_delete(struct store *st, const char *key, struct dw_error *err);

/* The Confluent-compatible API's view ------------------------------------------------------ */
/*
 * Schema ids are global: one per (format, fingerprint), given by store_version_add the first
 * time such a contract is registered under any product, and never reused. A version may be
 * soft-deleted (hidden from the Confluent-compatible API and from its compatibility checks,
 * still served, and still compared by its checks, by the native API) and then, only then,
 * removed for good: the one exception to version immutability, which the schema itself
 * enforces; its number is never given again. Subjects that map to no product by the
 * topic-name strategy are bound to the product created for them.
 */

/* DW_NOT_FOUND when no version ever had that format and fingerprint. */
int store_schema_id(struct store *st, const char *format, const char *fingerprint, long long *id,
                    struct dw_error *err);
/* The format and the text (malloc'd) of schema id: as registered when it was kept
 * (store_version_in.schema_text), else the contract of its oldest version still stored, and
 * (refs may be NULL) its references as a JSON array text, "[]" for none. DW_NOT_FOUND when no
 * version holds it any more. */
int store_schema_get(struct store *st, long long id, char **format, char **text, char **refs,
                     struct dw_error *err);
/* The contract (malloc'd) of schema id's oldest version still stored: for a schema registered
 * with references, the self-contained contract the engines compare. DW_NOT_FOUND when none. */
int store_schema_contract(struct store *st, long long id, char **text, struct dw_error *err);
/* DW_CONFLICT when schema id was ever given (to a schema still held or not), else 0. */
int store_schema_taken(struct store *st, long long id, struct dw_error *err);
/* The ids of the schemas whose references name subject/version and that a version (not
 * soft-deleted) of a live product holds, ascending: a JSON array. */
int store_schema_referrers(struct store *st, const char *subject, int version, json_t **ids,
                           struct dw_error *err);
/* The versions of live products holding schema id: [{"domain","product","version","hidden"}]
 * by domain, product and version. */
int store_schema_uses(struct store *st, long long id, json_t **items, struct dw_error *err);
/* Every version of live product domain/product: [{"version","id","format","hidden"}] by
 * number. DW_NOT_FOUND when the product is not live. */
int store_subject_versions(struct store *st, const char *domain, const char *product,
                           json_t **items, struct dw_error *err);

enum store_hide { STORE_HIDE, STORE_UNHIDE, STORE_PURGE };
/* Soft-deletes (STORE_HIDE), restores (STORE_UNHIDE) or removes for good (STORE_PURGE, only
 * for a soft-deleted version, else DW_PRECONDITION) version number of a live product.
 * DW_NOT_FOUND when there is no such version. */
int store_version_hide(struct store *st, const char *domain, const char *product, int number,
                       enum store_hide how, struct dw_error *err);
/* Binds subject to live product domain/product (replacing an earlier binding of the subject;
 * a product holds at most one subject, else DW_CONFLICT). */
int store_subject_bind(struct store *st, const char *subject, const char *domain,
                       const char *product, struct dw_error *err);
/* The live products subject may name: the one bound to it ("bound": true), every live topic
 * product not bound to a subject that declares it (spec.subject; "declared": true), then
 * every live topic product neither bound nor declaring a subject whose topic (spec.topic, by
 * default "<domain>.<name>") is topic: [{"domain","product","bound","declared"}]. */
int store_subject_products(struct store *st, const char *subject, const char *topic, json_t **items,
                           struct dw_error *err);
/* Every live product bound to a subject or of kind topic:
 * [{"domain","product","subject" (bound, else declared by spec.subject, or null),"topic","live"
 * (versions not soft-deleted), "all" (versions)}], by domain and name. */
int store_subject_list(struct store *st, json_t **items, struct dw_error *err);

/* Flows ----------------------------------------------------------------------------------- */
/*
 * A flow is one entry of a live product's spec.consumes: the consumer product, the provider
 * named by the entry (registered or not) and the pattern. The store maintains them in the same
 * transaction as every product put and delete: a put makes the consumer's flows those of its
 * document (a flow whose consumer, provider and pattern stay keeps its id; ids are never
 * reused), a delete removes them. Flow objects:
 *   {"id", "consumer": "d/p", "provider": "d/p", "pattern", every other member of the consumes
 *    entry as declared (consistency, latencyBudgetMs, replay, consumers, spiky, interaction,
 *    idempotent, correlationWindowMs, uses, description, exception; absent when not declared),
 *    "providerRegistered": whether the provider is a live product now}
 */
struct store_flow_filter {
	const char *provider; /* "domain/product", exact, or NULL */
	const char *consumer; /* "domain/product", exact, or NULL */
	const char *pattern;  /* exact, or NULL */
};

/* Ordered by id. A provider or consumer that is not "domain/product" is DW_MALFORMED. */
int store_flow_list(struct store *st, const struct store_flow_filter *filter,
                    const struct store_page *page, json_t **items, char **next,
                    struct dw_error *err);
/* DW_NOT_FOUND when there is no flow with that id. */
int store_flow_get(struct store *st, long long id, json_t **out, struct dw_error *err);
/* Every flow whose provider is domain/product (registered or not), ordered by id: the
 * registered consumers a contract change may reach. */
int store_flow_consumers(struct store *st, const char *domain, const char *product, json_t **items,
                         struct dw_error *err);

/* Landscape ------------------------------------------------------------------------------- */

/* Every domain (by name) and every live product (by domain, then name), as the gets return
 * them, read in one read transaction: the audit's and the landscape picture's view of the
 * whole registry in one pass (no query per product). *domains and *products are new arrays. */
int store_landscape(struct store *st, json_t **domains, json_t **products, struct dw_error *err);

/* Statistics ---------------------------------------------------------------------------- */

#define STORE_STATS_RECENT_MAX 100
#define STORE_STATS_DOMAINS_MAX 1000

/* The catalog at a glance, for the web catalog's home page:
 *   {"domains": n, "products": n (live), "versions": n (of live products),
 *    "kinds": {"api": n, ...} (live products per spec.type),
 *    "byDomain": [{"name", "title", "products"}] (by name, the first STORE_STATS_DOMAINS_MAX),
 *    "recent": [{"product": "d/p", "version", "format", "createdAt", "createdBy"}]}
 * recent: how many of the latest registered versions (of live products), newest first,
 * 0..STORE_STATS_RECENT_MAX, else DW_MALFORMED. */
int store_stats(struct store *st, int recent, json_t **out, struct dw_error *err);

/* Tokens -------------------------------------------------------------------------------- */
/* A token's secret is never stored: only the hex SHA-256 of it. scope is "admin" or a domain
 * name. Token objects: {"id","name","scope","createdAt","expiresAt"|null,"lastUsedAt"|null,
 * "revokedAt"|null}. */

/* DW_CONFLICT when a live token of that scope already has that name. expires_at is a Unix time
 * or 0 for never. */
int store_token_add(struct store *st, const char *name, const char *scope, const char *hash_hex,
                    long long expires_at, long long *id, struct dw_error *err);
/* Finds the live (not revoked, not expired) token with this hash, compares the hash in constant
 * time, records last use (to the minute: lastUsedAt is rewritten when a minute old or more; on
 * a read-only store the lookup still succeeds). DW_NOT_FOUND when there is none. */
int store_token_lookup(struct store *st, const char *hash_hex, json_t **token,
                       struct dw_error *err);
/* scope NULL lists every token. Revoked tokens are listed with revokedAt. */
int store_token_list(struct store *st, const char *scope, json_t **items, struct dw_error *err);
/* DW_NOT_FOUND unless token id has that scope (scope NULL: any) and is not revoked yet (an
 * expired token may be revoked). DW_CONFLICT when it is the last live admin token: the
 * registry always keeps one. */
int store_token_revoke(struct store *st, const char *scope, long long id, struct dw_error *err);
/* Number of tokens ever created (drivewayd makes the admin token when this is 0). */
int store_token_count(struct store *st, long long *n, struct dw_error *err);

/* Change history ------------------------------------------------------------------------- */
/*
 * Every write above appends one row per change to the change history, in the same transaction
 * as the change itself, so that a change is recorded exactly when it is committed: domain.put,
 * domain.delete, product.put (product documents, also when written through PATCH, the
 * compatibility resource or the Confluent-compatible API), product.delete, version.add,
 * version.hide, version.unhide, version.purge, config.put, config.delete, subject.bind,
 * token.create, token.revoke. A write that changes nothing (an unchanged put, an idempotent
 * registration) records nothing. Flows change only with product writes and have no rows of
 * their own. The rows are never updated or deleted: triggers in the schema refuse both.
 *
 * A row names who wrote (the token's name and scope), the action, the resource's API path and
 * the "sha256:<hex>" fingerprints of the resource's canonical document before and after (null
 * when it was absent before or is absent after): the canonical descriptor document for
 * domains and products; the contract's canonical fingerprint for versions ({"fingerprint",
 * "hidden"} for the visibility changes); {"key","value"} for configuration;
 * {"subject","product"} for bindings; {"id","name","scope","expiresAt","revoked"} for tokens
 * (never their secret or hash).
 *
 * The writer: rather than a parameter on every write function, the calling thread names it
 * with store_actor_set() (the dispatcher does, from the request's token, before each handler,
 * and clears it after). Writes with no actor set, such as the admin token's bootstrap, are
 * recorded as "system". name and scope are copied (truncated to 127 and 63 bytes).
 */
void store_actor_set(const char *name, const char *scope);
/* The changes with an id above since_id (0: from the first) made at or after since_time (Unix
 * time, 0: any), oldest first: [{"id","at","who","scope","action","resource","before",
 * "after"}]. */
int store_change_list(struct store *st, long long since_id, long long since_time,
                      const struct store_page *page, json_t **items, char **next,
                      struct dw_error *err);

/* Maintenance ------------------------------------------------------------------------------- */

/* Runs SQLite's integrity check on the database: 0 when it reports "ok", else DW_INTERNAL with
 * the first problem found. */
int store_integrity_check(struct store *st, struct dw_error *err);
/* The database's size in bytes: page_count * page_size (free pages included). */
int store_size(struct store *st, long long *bytes, struct dw_error *err);
/* Writes a consistent copy of the database to path with SQLite's online backup API, in one read
 * transaction: the copy holds every write committed before it started, none after, while other
 * connections (another drivewayd on the same file) go on writing. The copy is written beside
 * path, synced and renamed over it, in rollback-journal mode (one file, nothing beside it).
 * DW_UNAVAILABLE when path cannot be written. */
int store_backup(struct store *st, const char *path, struct dw_error *err);
/* Copies database from (checked first: SQLite's integrity check, and a driveway schema no newer
 * than this program's, else DW_INVALID) over database to (created when missing), which is left
 * in WAL mode. Nothing may serve to meanwhile. Needs no struct store: the source is never
 * migrated, the target is when drivewayd next opens it. */
int store_restore(const char *from, const char *to, struct dw_error *err);

#endif
