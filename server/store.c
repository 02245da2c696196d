/*
 * store.c: SQLite behind the store.h API. The only file in driveway that includes sqlite3.h.
 *
 * Connections: one per thread, opened lazily and kept in a pthread key whose destructor closes
 * it when the thread exits; the store also keeps every connection in a list so that
 * store_close() can close those of threads that are still alive. A connection caches its
 * prepared statements (the fixed ones in stmt_sql[], the product listing variants by filter
 * mask), so SQL text is compiled once per thread. No SQL text ever contains user data: every
 * value is a bound parameter.
 *
 * Writes: each write function is one BEGIN IMMEDIATE ... COMMIT transaction, ROLLBACK on any
 * error. Versions are only ever inserted; triggers in the schema refuse UPDATE and DELETE.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "server/store.h"
#include "validators/contract.h"
#include "validators/fields.h"
#include "validators/xalloc.h"

#define BUSY_TIMEOUT_MS 5000
#define PAGE_LIMIT_MAX 500
#define PAGE_LIMIT_DEFAULT 50
#define CURSOR_MAX 2048
/* lastUsedAt is recorded to the minute, so that a burst of requests is not a burst of writes */
#define LAST_USED_STEP 60

/* Schema migrations: migrations[i] takes user_version i to i + 1, in one transaction. */
static const char *const migrations[] = {
    /* 1: the initial schema */
    "CREATE TABLE domains ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  doc TEXT NOT NULL,"
    "  canon TEXT NOT NULL,"
    "  revision INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL);"
    "CREATE TABLE products ("
    "  id INTEGER PRIMARY KEY,"
    "  domain_id INTEGER NOT NULL REFERENCES domains(id),"
    "  name TEXT NOT NULL,"
    "  doc TEXT NOT NULL,"
    "  canon TEXT NOT NULL,"
    "  kind TEXT,"
    "  owner TEXT,"
    "  lifecycle TEXT,"
    "  title TEXT,"
    "  description TEXT,"
    "  revision INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL,"
    "  deleted_at INTEGER,"
    "  UNIQUE (domain_id, name));"
    "CREATE INDEX products_kind ON products(kind);"
    "CREATE INDEX products_owner ON products(owner);"
    "CREATE INDEX products_lifecycle ON products(lifecycle);"
    "CREATE TABLE product_tags ("
    "  product_id INTEGER NOT NULL REFERENCES products(id),"
    "  tag TEXT NOT NULL,"
    "  PRIMARY KEY (product_id, tag)) WITHOUT ROWID;"
    "CREATE INDEX product_tags_tag ON product_tags(tag, product_id);"
    "CREATE TABLE versions ("
    "  id INTEGER PRIMARY KEY,"
    "  product_id INTEGER NOT NULL REFERENCES products(id),"
    "  number INTEGER NOT NULL CHECK (number >= 1),"
    "  format TEXT NOT NULL,"
    "  media_type TEXT NOT NULL,"
    "  contract TEXT NOT NULL,"
    "  fingerprint TEXT NOT NULL,"
    "  created_by TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  changes TEXT,"
    "  UNIQUE (product_id, number),"
    "  UNIQUE (product_id, fingerprint));"
    "CREATE TRIGGER versions_no_update BEFORE UPDATE ON versions"
    "  BEGIN SELECT RAISE(ABORT, 'versions are immutable'); END;"
    "CREATE TRIGGER versions_no_delete BEFORE DELETE ON versions"
    "  BEGIN SELECT RAISE(ABORT, 'versions are immutable'); END;"
    "CREATE TABLE tokens ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  scope TEXT NOT NULL,"
    "  hash TEXT NOT NULL UNIQUE,"
    "  created_at INTEGER NOT NULL,"
    "  expires_at INTEGER,"
    "  last_used_at INTEGER,"
    "  revoked_at INTEGER);"
    "CREATE INDEX tokens_scope ON tokens(scope, name);",
    /* 2: search over the latest contract's field names; migrate_fill() fills it from the
     * existing rows in the same transaction */
    "CREATE TABLE product_fields ("
    "  product_id INTEGER NOT NULL REFERENCES products(id),"
    "  field TEXT NOT NULL,"
    "  PRIMARY KEY (product_id, field)) WITHOUT ROWID;",
    /* 3: the flows resource (each spec.consumes entry of a live product, with its
     * constraints; a flow keeps its id while its consumer keeps consuming that provider
     * with that pattern) and the registry's configuration; migrate_fill() fills flows */
    "CREATE TABLE flows ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  consumer_id INTEGER NOT NULL REFERENCES products(id),"
    "  provider_domain TEXT NOT NULL,"
    "  provider_name TEXT NOT NULL,"
    "  pattern TEXT NOT NULL,"
    "  position INTEGER NOT NULL,"
    "  entry TEXT NOT NULL,"
    "  UNIQUE (consumer_id, provider_domain, provider_name, pattern));"
    "CREATE INDEX flows_provider ON flows(provider_domain, provider_name, id);"
    "CREATE TABLE config ("
    "  key TEXT PRIMARY KEY,"
    "  value TEXT NOT NULL) WITHOUT ROWID;",
    /* 4: the Confluent-compatible API. Global schema ids, one per (format, canonical
     * fingerprint), numbered in registration order; soft-deleted versions; subjects bound to
     * the products created for them. A version may be deleted (permanently) only once it was
     * soft-deleted: the trigger keeps every other version immutable. */
    "CREATE TABLE schema_ids ("
    "  id INTEGER PRIMARY KEY,"
    "  format TEXT NOT NULL,"
    "  fingerprint TEXT NOT NULL,"
    "  UNIQUE (format, fingerprint));"
    "INSERT INTO schema_ids (format, fingerprint) SELECT format, fingerprint FROM versions"
    "  GROUP BY format, fingerprint ORDER BY min(id);"
    "CREATE INDEX versions_fingerprint ON versions(fingerprint);"
    "CREATE INDEX products_topic ON products(json_extract(doc, '$.spec.topic'));"
    "CREATE TABLE versions_hidden ("
    "  version_id INTEGER PRIMARY KEY"
    "    REFERENCES versions(id) DEFERRABLE INITIALLY DEFERRED,"
    "  hidden_at INTEGER NOT NULL);"
    "CREATE TABLE subjects ("
    "  subject TEXT PRIMARY KEY,"
    "  product_id INTEGER NOT NULL UNIQUE REFERENCES products(id)) WITHOUT ROWID;"
    "DROP TRIGGER versions_no_delete;"
    "CREATE TRIGGER versions_no_delete BEFORE DELETE ON versions"
    "  WHEN NOT EXISTS (SELECT 1 FROM versions_hidden h WHERE h.version_id = OLD.id)"
    "  BEGIN SELECT RAISE(ABORT, 'versions are immutable'); END;",
    /* 5: Confluent's registration of a schema whose only version under the subject is
     * soft-deleted makes a new version of the same schema: versions drops its
     * UNIQUE (product_id, fingerprint) (SQLite rebuilds the table for that; the implicit
     * delete of DROP TABLE fires no trigger, and versions_hidden is emptied first so that no
     * foreign key dangles). version_floor keeps the number of a permanently deleted latest
     * version, which is never given again. */
    "CREATE TABLE versions_copy AS SELECT * FROM versions;"
    "CREATE TABLE hidden_copy AS SELECT * FROM versions_hidden;"
    "DELETE FROM versions_hidden;"
    "DROP TABLE versions;"
    "CREATE TABLE versions ("
    "  id INTEGER PRIMARY KEY,"
    "  product_id INTEGER NOT NULL REFERENCES products(id),"
    "  number INTEGER NOT NULL CHECK (number >= 1),"
    "  format TEXT NOT NULL,"
    "  media_type TEXT NOT NULL,"
    "  contract TEXT NOT NULL,"
    "  fingerprint TEXT NOT NULL,"
    "  created_by TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  changes TEXT,"
    "  UNIQUE (product_id, number));"
    "INSERT INTO versions (id, product_id, number, format, media_type, contract, fingerprint,"
    "  created_by, created_at, changes) SELECT id, product_id, number, format, media_type,"
    "  contract, fingerprint, created_by, created_at, changes FROM versions_copy;"
    "INSERT INTO versions_hidden (version_id, hidden_at)"
    "  SELECT version_id, hidden_at FROM hidden_copy;"
    "DROP TABLE versions_copy;"
    "DROP TABLE hidden_copy;"
    "CREATE INDEX versions_fingerprint ON versions(fingerprint);"
    "CREATE INDEX versions_product_fingerprint ON versions(product_id, fingerprint);"
    "CREATE TRIGGER versions_no_update BEFORE UPDATE ON versions"
    "  BEGIN SELECT RAISE(ABORT, 'versions are immutable'); END;"
    "CREATE TRIGGER versions_no_delete BEFORE DELETE ON versions"
    "  WHEN NOT EXISTS (SELECT 1 FROM versions_hidden h WHERE h.version_id = OLD.id)"
    "  BEGIN SELECT RAISE(ABORT, 'versions are immutable'); END;"
    "CREATE TABLE version_floor ("
    "  product_id INTEGER PRIMARY KEY REFERENCES products(id),"
    "  number INTEGER NOT NULL);",
    /* 6: the change history (store.h, "Change history"): one row per write, appended in the
     * write's own transaction, never updated or deleted (the triggers refuse both) */
    "CREATE TABLE changes ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  at INTEGER NOT NULL,"
    "  who TEXT NOT NULL,"
    "  scope TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  resource TEXT NOT NULL,"
    "  before_fingerprint TEXT,"
    "  after_fingerprint TEXT);"
    "CREATE INDEX changes_at ON changes(at, id);"
    "CREATE TRIGGER changes_no_update BEFORE UPDATE ON changes"
    "  BEGIN SELECT RAISE(ABORT, 'the change history is append-only'); END;"
    "CREATE TRIGGER changes_no_delete BEFORE DELETE ON changes"
    "  BEGIN SELECT RAISE(ABORT, 'the change history is append-only'); END;",
    /* 7: Confluent schema references and explicit subjects. A schema registered with
     * references, or normalized, keeps the text it was registered as and its references
     * (the versions hold the self-contained contract the engines compare); products may name
     * the subject they answer to (spec.subject, the record-name strategies). migrate_fill()
     * writes a history row for every object written before the change history existed. */
    "CREATE TABLE schema_texts ("
    "  schema_id INTEGER PRIMARY KEY REFERENCES schema_ids(id),"
    "  schema TEXT NOT NULL,"
    "  refs TEXT NOT NULL);"
    "CREATE INDEX products_subject ON products(json_extract(doc, '$.spec.subject'));",
};

#define NMIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

/* Column lists shared by gets and lists; the row readers below depend on their order. */
#define DOMAIN_ROW                                                                                 \
	"SELECT d.name, d.doc, d.revision, d.created_at, d.updated_at,"                            \
	" (SELECT count(*) FROM products p WHERE p.domain_id = d.id AND p.deleted_at IS NULL)"     \
	" FROM domains d"
#define PRODUCT_ROW                                                                                \
	"SELECT d.name, p.name, p.doc, p.revision, p.created_at, p.updated_at, p.deleted_at,"      \
	" (SELECT max(v.number) FROM versions v WHERE v.product_id = p.id),"                       \
	" (SELECT count(*) FROM versions v WHERE v.product_id = p.id)"                             \
	" FROM products p JOIN domains d ON d.id = p.domain_id"
#define VERSION_ROW                                                                                \
	"SELECT number, format, media_type, fingerprint, created_at, created_by, changes"          \
	" FROM versions"
#define TOKEN_ROW                                                                                  \
	"SELECT id, name, scope, created_at, expires_at, last_used_at, revoked_at, hash FROM "     \
	"tokens"
#define FLOW_ROW                                                                                   \
	"SELECT f.id, cd.name, cp.name, f.provider_domain, f.provider_name, f.pattern, f.entry,"   \
	" EXISTS (SELECT 1 FROM products pp JOIN domains pd ON pd.id = pp.domain_id"               \
	" WHERE pd.name = f.provider_domain AND pp.name = f.provider_name"                         \
	" AND pp.deleted_at IS NULL)"                                                              \
	" FROM flows f JOIN products cp ON cp.id = f.consumer_id"                                  \
	" JOIN domains cd ON cd.id = cp.domain_id"
/* the filters of a flow listing: ?4/?5 consumer, ?6 pattern (NULL: any), ?7 limit */
#define FLOW_FILTERS                                                                               \
	" AND (?4 IS NULL OR (cd.name = ?4 AND cp.name = ?5)) AND (?6 IS NULL OR f.pattern = ?6)"  \
	" ORDER BY f.id LIMIT ?7"
/* 1 when version v is soft-deleted */
#define VERSION_HIDDEN "EXISTS (SELECT 1 FROM versions_hidden h WHERE h.version_id = v.id)"
/* number ?2, or the latest when ?2 is 0 */
#define VERSION_NUMBER                                                                             \
	" WHERE product_id = ?1 AND number = CASE WHEN ?2 = 0"                                     \
	" THEN (SELECT max(number) FROM versions WHERE product_id = ?1) ELSE ?2 END"

enum stmt_id {
	S_BEGIN,
	S_COMMIT,
	S_ROLLBACK,
	S_DOMAIN_FIND,
	S_DOMAIN_INSERT,
	S_DOMAIN_UPDATE,
	S_DOMAIN_GET,
	S_DOMAIN_LIST,
	S_DOMAIN_PRODUCTS,
	S_DOMAIN_DELETE,
	S_PRODUCT_FIND,
	S_PRODUCT_INSERT,
	S_PRODUCT_UPDATE,
	S_PRODUCT_DELETE,
	S_PRODUCT_GET,
	S_PRODUCT_LIVE_ID,
	S_TAGS_CLEAR,
	S_TAG_INSERT,
	S_FIELDS_CLEAR,
	S_FIELD_INSERT,
	S_STATS_TOTALS,
	S_STATS_KINDS,
	S_STATS_DOMAINS,
	S_STATS_RECENT,
	S_VERSION_BY_FP,
	S_VERSION_NEXT,
	S_FLOOR_RAISE,
	S_VERSION_INSERT,
	S_VERSION_GET,
	S_VERSION_CONTRACT,
	S_VERSION_LIST,
	S_TOKEN_LIVE_NAME,
	S_TOKEN_INSERT,
	S_TOKEN_LOOKUP,
	S_TOKEN_TOUCH,
	S_TOKEN_LIST_ALL,
	S_TOKEN_LIST_SCOPE,
	S_TOKEN_REVOKE,
	S_TOKEN_COUNT,
	S_INTEGRITY,
	S_CONFIG_GET,
	S_CONFIG_PUT,
	S_VERSION_TEXTS,
	S_VERSION_LATEST_TEXT,
	S_FLOW_MARK,
	S_FLOW_UPSERT,
	S_FLOW_SWEEP,
	S_FLOW_GET,
	S_FLOW_LIST,
	S_FLOW_LIST_PROVIDER,
	S_READ_BEGIN,
	S_LANDSCAPE_DOMAINS,
	S_LANDSCAPE_PRODUCTS,
	S_CONFIG_DELETE,
	S_SCHEMA_ID_ADD,
	S_SCHEMA_ID_GET,
	S_SCHEMA_BY_ID,
	S_SCHEMA_USES,
	S_CC_VERSIONS,
	S_VERSION_ROW_ID,
	S_HIDE,
	S_UNHIDE,
	S_VERSION_PURGE,
	S_SUBJECT_BIND,
	S_SUBJECT_PRODUCTS,
	S_SUBJECT_LIST,
	S_CHANGE_ADD,
	S_CHANGE_LIST,
	S_TOKEN_GET,
	S_SUBJECT_GET,
	S_PRODUCT_CANON,
	S_TOKEN_SCOPE,
	S_ADMINS_LEFT,
	S_SCHEMA_ID_PUT,
	S_SCHEMA_TEXT_ADD,
	S_SCHEMA_REFERRERS,
	S_VERSION_AT,
	S_SCHEMA_TAKEN,
	S_SCHEMA_CONTRACT,
	S_COUNT
};

/* A live topic product p bound to no subject. */
#define UNBOUND_TOPIC                                                                              \
	" AND p.deleted_at IS NULL AND p.kind = 'topic'"                                           \
	" AND NOT EXISTS (SELECT 1 FROM subjects b WHERE b.product_id = p.id)"

static const char *const stmt_sql[S_COUNT] = {
    [S_BEGIN] = "BEGIN IMMEDIATE",
    [S_COMMIT] = "COMMIT",
    [S_ROLLBACK] = "ROLLBACK",
    [S_DOMAIN_FIND] = "SELECT id, canon, revision FROM domains WHERE name = ?1",
    [S_DOMAIN_INSERT] = "INSERT INTO domains (name, doc, canon, revision, created_at,"
                        " updated_at) VALUES (?1, ?2, ?3, 1, ?4, ?4)",
    [S_DOMAIN_UPDATE] = "UPDATE domains SET doc = ?2, canon = ?3, revision = revision + 1,"
                        " updated_at = ?4 WHERE id = ?1",
    [S_DOMAIN_GET] = DOMAIN_ROW " WHERE d.name = ?1",
    [S_DOMAIN_LIST] = DOMAIN_ROW " WHERE d.name > ?1 ORDER BY d.name LIMIT ?2",
    [S_DOMAIN_PRODUCTS] = "SELECT count(*), count(deleted_at) FROM products"
                          " WHERE domain_id = ?1",
    [S_DOMAIN_DELETE] = "DELETE FROM domains WHERE id = ?1",
    [S_PRODUCT_FIND] = "SELECT id, canon, revision, deleted_at FROM products"
                       " WHERE domain_id = ?1 AND name = ?2",
    [S_PRODUCT_INSERT] = "INSERT INTO products (domain_id, name, doc, canon, kind, owner,"
                         " lifecycle, title, description, revision, created_at, updated_at)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, ?10, ?10)",
    [S_PRODUCT_UPDATE] = "UPDATE products SET doc = ?2, canon = ?3, kind = ?4, owner = ?5,"
                         " lifecycle = ?6, title = ?7, description = ?8,"
                         " revision = revision + 1, updated_at = ?9, deleted_at = NULL"
                         " WHERE id = ?1",
    [S_PRODUCT_DELETE] = "UPDATE products SET deleted_at = ?2, updated_at = ?2,"
                         " revision = revision + 1 WHERE id = ?1",
    [S_PRODUCT_GET] = PRODUCT_ROW " WHERE d.name = ?1 AND p.name = ?2",
    [S_PRODUCT_LIVE_ID] = "SELECT p.id, p.revision FROM products p"
                          " JOIN domains d ON d.id = p.domain_id"
                          " WHERE d.name = ?1 AND p.name = ?2 AND p.deleted_at IS NULL",
    [S_TAGS_CLEAR] = "DELETE FROM product_tags WHERE product_id = ?1",
    [S_TAG_INSERT] = "INSERT OR IGNORE INTO product_tags (product_id, tag) VALUES (?1, ?2)",
    [S_FIELDS_CLEAR] = "DELETE FROM product_fields WHERE product_id = ?1",
    [S_FIELD_INSERT] = "INSERT OR IGNORE INTO product_fields (product_id, field) VALUES (?1, ?2)",
    [S_STATS_TOTALS] = "SELECT (SELECT count(*) FROM domains),"
                       " (SELECT count(*) FROM products WHERE deleted_at IS NULL),"
                       " (SELECT count(*) FROM versions v JOIN products p ON p.id = v.product_id"
                       " WHERE p.deleted_at IS NULL)",
    [S_STATS_KINDS] = "SELECT kind, count(*) FROM products WHERE deleted_at IS NULL"
                      " GROUP BY kind ORDER BY kind",
    [S_STATS_DOMAINS] = "SELECT d.name, json_extract(d.doc, '$.spec.title'),"
                        " (SELECT count(*) FROM products p WHERE p.domain_id = d.id"
                        " AND p.deleted_at IS NULL)"
                        " FROM domains d ORDER BY d.name LIMIT ?1",
    [S_STATS_RECENT] = "SELECT d.name, p.name, v.number, v.format, v.created_at, v.created_by"
                       " FROM versions v JOIN products p ON p.id = v.product_id"
                       " JOIN domains d ON d.id = p.domain_id WHERE p.deleted_at IS NULL"
                       " ORDER BY v.id DESC LIMIT ?1",
    /* the latest version with fingerprint ?2; ?3: soft-deleted ones do not count */
    [S_VERSION_BY_FP] = "SELECT number FROM versions v"
                        " WHERE product_id = ?1 AND fingerprint = ?2 AND (?3 = 0 OR NOT EXISTS"
                        " (SELECT 1 FROM versions_hidden h WHERE h.version_id = v.id))"
                        " ORDER BY number DESC LIMIT 1",
    /* the latest version's number + 1, and the next number to give (past a permanently
     * deleted latest version) */
    [S_VERSION_NEXT] = "SELECT coalesce(max(number), 0) + 1, max(coalesce(max(number), 0),"
                       " coalesce((SELECT number FROM version_floor WHERE product_id = ?1), 0))"
                       " + 1 FROM versions WHERE product_id = ?1",
    [S_FLOOR_RAISE] = "INSERT INTO version_floor (product_id, number) VALUES (?1, ?2)"
                      " ON CONFLICT (product_id) DO UPDATE"
                      " SET number = max(number, excluded.number)",
    [S_VERSION_INSERT] = "INSERT INTO versions (product_id, number, format, media_type,"
                         " contract, fingerprint, created_by, created_at, changes)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [S_VERSION_GET] = VERSION_ROW VERSION_NUMBER,
    [S_VERSION_CONTRACT] = "SELECT contract, media_type FROM versions" VERSION_NUMBER,
    [S_VERSION_LIST] = VERSION_ROW " WHERE product_id = ?1 AND number > ?2"
                                   " ORDER BY number LIMIT ?3",
    [S_TOKEN_LIVE_NAME] = "SELECT 1 FROM tokens WHERE scope = ?1 AND name = ?2"
                          " AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?3)",
    [S_TOKEN_INSERT] = "INSERT INTO tokens (name, scope, hash, created_at, expires_at)"
                       " VALUES (?1, ?2, ?3, ?4, ?5)",
    [S_TOKEN_LOOKUP] = TOKEN_ROW " WHERE hash = ?1 AND revoked_at IS NULL"
                                 " AND (expires_at IS NULL OR expires_at > ?2)",
    [S_TOKEN_TOUCH] = "UPDATE tokens SET last_used_at = ?2 WHERE id = ?1",
    [S_TOKEN_LIST_ALL] = TOKEN_ROW " ORDER BY id",
    [S_TOKEN_LIST_SCOPE] = TOKEN_ROW " WHERE scope = ?1 ORDER BY id",
    [S_TOKEN_REVOKE] = "UPDATE tokens SET revoked_at = ?3"
                       " WHERE id = ?1 AND scope = ?2 AND revoked_at IS NULL",
    [S_TOKEN_COUNT] = "SELECT count(*) FROM tokens",
    [S_INTEGRITY] = "PRAGMA integrity_check",
    [S_CONFIG_GET] = "SELECT value FROM config WHERE key = ?1",
    [S_CONFIG_PUT] = "INSERT INTO config (key, value) VALUES (?1, ?2)"
                     " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    [S_VERSION_TEXTS] = "SELECT number, format, contract, " VERSION_HIDDEN " FROM versions v"
                        " WHERE product_id = ?1 ORDER BY number",
    /* the latest version and the latest one not soft-deleted (one row when they are one) */
    [S_VERSION_LATEST_TEXT] =
        "SELECT number, format, contract, " VERSION_HIDDEN " FROM versions v WHERE product_id = ?1"
        " AND (number = (SELECT max(number) FROM versions"
        " WHERE product_id = ?1) OR number = (SELECT max(w.number)"
        " FROM versions w WHERE w.product_id = ?1 AND NOT EXISTS"
        " (SELECT 1 FROM versions_hidden h WHERE h.version_id = w.id)))"
        " ORDER BY number",
    [S_FLOW_MARK] = "UPDATE flows SET position = -1 WHERE consumer_id = ?1",
    [S_FLOW_UPSERT] = "INSERT INTO flows (consumer_id, provider_domain, provider_name, pattern,"
                      " position, entry) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                      " ON CONFLICT (consumer_id, provider_domain, provider_name, pattern)"
                      " DO UPDATE SET position = excluded.position, entry = excluded.entry",
    [S_FLOW_SWEEP] = "DELETE FROM flows WHERE consumer_id = ?1 AND position < 0",
    [S_FLOW_GET] = FLOW_ROW " WHERE f.id = ?1",
    [S_FLOW_LIST] = FLOW_ROW " WHERE f.id > ?1"
                             " AND (?2 IS NULL OR (f.provider_domain = ?2"
                             " AND f.provider_name = ?3))" FLOW_FILTERS,
    [S_FLOW_LIST_PROVIDER] = FLOW_ROW " WHERE f.provider_domain = ?2 AND f.provider_name = ?3"
                                      " AND f.id > ?1" FLOW_FILTERS,
    [S_READ_BEGIN] = "BEGIN DEFERRED",
    [S_LANDSCAPE_DOMAINS] = DOMAIN_ROW " ORDER BY d.name",
    [S_LANDSCAPE_PRODUCTS] = PRODUCT_ROW " WHERE p.deleted_at IS NULL ORDER BY d.name, p.name",
    [S_CONFIG_DELETE] = "DELETE FROM config WHERE key = ?1",
    [S_SCHEMA_ID_ADD] = "INSERT OR IGNORE INTO schema_ids (format, fingerprint) VALUES (?1, ?2)",
    [S_SCHEMA_ID_GET] = "SELECT id FROM schema_ids WHERE format = ?1 AND fingerprint = ?2",
    /* an id taken by another schema fails the insert (and the transaction) */
    [S_SCHEMA_ID_PUT] = "INSERT INTO schema_ids (id, format, fingerprint) SELECT ?3, ?1, ?2"
                        " WHERE NOT EXISTS (SELECT 1 FROM schema_ids WHERE format = ?1"
                        " AND fingerprint = ?2)",
    [S_SCHEMA_TEXT_ADD] = "INSERT OR IGNORE INTO schema_texts (schema_id, schema, refs)"
                          " SELECT id, ?3, ?4 FROM schema_ids WHERE format = ?1"
                          " AND fingerprint = ?2",
    /* the ids of schemas held by a version not soft-deleted of a live product whose
     * references name subject ?1, version ?2 */
    [S_SCHEMA_REFERRERS] = "SELECT DISTINCT t.schema_id FROM schema_texts t, json_each(t.refs) r"
                           " JOIN schema_ids s ON s.id = t.schema_id"
                           " WHERE json_extract(r.value, '$.subject') = ?1"
                           " AND json_extract(r.value, '$.version') = ?2"
                           " AND EXISTS (SELECT 1 FROM versions v"
                           " JOIN products p ON p.id = v.product_id AND p.deleted_at IS NULL"
                           " WHERE v.fingerprint = s.fingerprint AND v.format = s.format"
                           " AND NOT EXISTS (SELECT 1 FROM versions_hidden h"
                           " WHERE h.version_id = v.id)) ORDER BY t.schema_id",
    [S_SCHEMA_TAKEN] = "SELECT 1 FROM schema_ids WHERE id = ?1",
    [S_SCHEMA_CONTRACT] = "SELECT v.contract FROM schema_ids s JOIN versions v"
                          " ON v.fingerprint = s.fingerprint AND v.format = s.format"
                          " WHERE s.id = ?1 ORDER BY v.id LIMIT 1",
    [S_VERSION_AT] = "SELECT fingerprint FROM versions WHERE product_id = ?1 AND number = ?2",
    [S_SCHEMA_BY_ID] = "SELECT s.format, coalesce(t.schema, (SELECT v.contract FROM versions v"
                       " WHERE v.fingerprint = s.fingerprint AND v.format = s.format"
                       " ORDER BY v.id LIMIT 1)), t.refs, s.fingerprint FROM schema_ids s"
                       " LEFT JOIN schema_texts t ON t.schema_id = s.id WHERE s.id = ?1"
                       " AND EXISTS (SELECT 1 FROM versions v WHERE v.fingerprint = s.fingerprint"
                       " AND v.format = s.format)",
    [S_SCHEMA_USES] = "SELECT d.name, p.name, v.number,"
                      " EXISTS (SELECT 1 FROM versions_hidden h WHERE h.version_id = v.id)"
                      " FROM schema_ids s JOIN versions v ON v.fingerprint = s.fingerprint"
                      " AND v.format = s.format JOIN products p ON p.id = v.product_id"
                      " JOIN domains d ON d.id = p.domain_id"
                      " WHERE s.id = ?1 AND p.deleted_at IS NULL ORDER BY d.name, p.name, v.number",
    [S_CC_VERSIONS] = "SELECT v.number, s.id, v.format,"
                      " EXISTS (SELECT 1 FROM versions_hidden h WHERE h.version_id = v.id)"
                      " FROM versions v JOIN schema_ids s ON s.format = v.format"
                      " AND s.fingerprint = v.fingerprint WHERE v.product_id = ?1"
                      " ORDER BY v.number",
    [S_VERSION_ROW_ID] = "SELECT v.id, EXISTS (SELECT 1 FROM versions_hidden h"
                         " WHERE h.version_id = v.id), v.fingerprint FROM versions v"
                         " WHERE v.product_id = ?1 AND v.number = ?2",
    [S_HIDE] = "INSERT OR IGNORE INTO versions_hidden (version_id, hidden_at) VALUES (?1, ?2)",
    [S_UNHIDE] = "DELETE FROM versions_hidden WHERE version_id = ?1",
    [S_VERSION_PURGE] = "DELETE FROM versions WHERE id = ?1",
    [S_SUBJECT_BIND] = "INSERT INTO subjects (subject, product_id) VALUES (?1, ?2)"
                       " ON CONFLICT (subject) DO UPDATE SET product_id = excluded.product_id",
    /* the product bound to subject ?1 (1), the unbound topic products declaring it in
     * spec.subject (2), then the unbound topic products declaring none of topic ?2 (its
     * spec.topic, or by default "<domain>.<name>": ?3 and ?4) (0); searches by index
     * (products_subject, products_topic, the product's name), never a scan of the topics */
    [S_SUBJECT_PRODUCTS] =
        "SELECT d.name, p.name, 1 FROM subjects b"
        " JOIN products p ON p.id = b.product_id"
        " JOIN domains d ON d.id = p.domain_id"
        " WHERE b.subject = ?1 AND p.deleted_at IS NULL"
        " UNION ALL"
        " SELECT d.name, p.name, 2 FROM products p"
        " JOIN domains d ON d.id = p.domain_id"
        " WHERE json_extract(p.doc, '$.spec.subject') = ?1" UNBOUND_TOPIC " UNION ALL"
        " SELECT d.name, p.name, 0 FROM products p"
        " JOIN domains d ON d.id = p.domain_id"
        " WHERE json_extract(p.doc, '$.spec.topic') = ?2"
        " AND json_extract(p.doc, '$.spec.subject') IS NULL" UNBOUND_TOPIC " UNION ALL"
        " SELECT d.name, p.name, 0 FROM domains d"
        " JOIN products p ON p.domain_id = d.id"
        " WHERE d.name = ?3 AND p.name = ?4"
        " AND json_extract(p.doc, '$.spec.topic') IS NULL"
        " AND json_extract(p.doc, '$.spec.subject') IS NULL" UNBOUND_TOPIC,
    [S_SUBJECT_LIST] = "SELECT d.name, p.name, coalesce(b.subject,"
                       " json_extract(p.doc, '$.spec.subject')),"
                       " coalesce(json_extract(p.doc, '$.spec.topic'), d.name || '.' || p.name),"
                       " (SELECT count(*) FROM versions v WHERE v.product_id = p.id"
                       " AND NOT EXISTS (SELECT 1 FROM versions_hidden h"
                       " WHERE h.version_id = v.id)),"
                       " (SELECT count(*) FROM versions v WHERE v.product_id = p.id)"
                       " FROM products p JOIN domains d ON d.id = p.domain_id"
                       " LEFT JOIN subjects b ON b.product_id = p.id"
                       " WHERE p.deleted_at IS NULL AND (b.subject IS NOT NULL OR p.kind = 'topic')"
                       " ORDER BY d.name, p.name",
    [S_CHANGE_ADD] = "INSERT INTO changes (at, who, scope, action, resource,"
                     " before_fingerprint, after_fingerprint) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    /* after id ?1 and at or after time ?2 */
    [S_CHANGE_LIST] = "SELECT id, at, who, scope, action, resource, before_fingerprint,"
                      " after_fingerprint FROM changes WHERE id > ?1 AND at >= ?2"
                      " ORDER BY id LIMIT ?3",
    [S_TOKEN_GET] = "SELECT name, expires_at, revoked_at FROM tokens WHERE id = ?1 AND scope = ?2",
    [S_PRODUCT_CANON] = "SELECT canon FROM products WHERE id = ?1",
    [S_TOKEN_SCOPE] = "SELECT scope FROM tokens WHERE id = ?1",
    /* the live admin tokens but ?1, at time ?2 */
    [S_ADMINS_LEFT] = "SELECT count(*) FROM tokens WHERE scope = 'admin' AND id != ?1"
                      " AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?2)",
    [S_SUBJECT_GET] = "SELECT d.name || '/' || p.name FROM subjects b"
                      " JOIN products p ON p.id = b.product_id"
                      " JOIN domains d ON d.id = p.domain_id WHERE b.subject = ?1",
};

/* Product listing: one statement per combination of filters present, built from fixed
 * fragments (never from the filter values, which are bound by name). */
enum {
	F_LIVE = 1 << 0,
	F_DOMAIN = 1 << 1,
	F_KIND = 1 << 2,
	F_OWNER = 1 << 3,
	F_LIFECYCLE = 1 << 4,
	F_TAG = 1 << 5,
	F_Q = 1 << 6,
	F_CONSUMES = 1 << 7,
	F_VARIANTS = 1 << 8
};

static const struct {
	int flag;
	const char *sql;
} list_fragments[] = {
    {F_LIVE, " AND p.deleted_at IS NULL"},
    {F_DOMAIN, " AND d.name = :domain"},
    {F_KIND, " AND p.kind = :kind"},
    {F_OWNER, " AND p.owner = :owner"},
    {F_LIFECYCLE, " AND p.lifecycle = :lifecycle"},
    {F_TAG, " AND EXISTS (SELECT 1 FROM product_tags t WHERE t.product_id = p.id"
            " AND t.tag = :tag)"},
    {F_Q, " AND (p.name LIKE :q ESCAPE '\\' OR d.name LIKE :q ESCAPE '\\'"
          " OR p.title LIKE :q ESCAPE '\\' OR p.description LIKE :q ESCAPE '\\'"
          " OR p.owner LIKE :q ESCAPE '\\' OR EXISTS (SELECT 1 FROM product_tags t"
          " WHERE t.product_id = p.id AND t.tag LIKE :q ESCAPE '\\')"
          " OR EXISTS (SELECT 1 FROM product_fields f"
          " WHERE f.product_id = p.id AND f.field LIKE :q ESCAPE '\\'))"},
    {F_CONSUMES, " AND EXISTS (SELECT 1 FROM flows w WHERE w.consumer_id = p.id"
                 " AND w.provider_domain = :cdomain"
                 " AND (:cname IS NULL OR w.provider_name = :cname))"},
};

struct conn {
	struct store *st;
	sqlite3 *db;
	sqlite3_stmt *stmt[S_COUNT];
	sqlite3_stmt *list[F_VARIANTS];
	struct conn *prev, *next;
};

struct store {
	char *path;
	pthread_key_t key;
	pthread_mutex_t lock; /* guards conns */
	struct conn *conns;
};

/* Errors ------------------------------------------------------------------------------------ */

/* The one place SQLite result codes become dw codes. */
static int sql_fail(struct conn *c, int rc, struct dw_error *err)
{
	const char *msg = c && c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc);

	switch (rc & 0xff) {
	case SQLITE_FULL:
	case SQLITE_READONLY:
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_PERM:
		return dw_error_set(err, DW_UNAVAILABLE, "store unavailable: %s", msg);
	case SQLITE_CONSTRAINT:
		return dw_error_set(err, DW_CONFLICT, "conflicting write: %s", msg);
	case SQLITE_NOMEM:
		return dw_error_set(err, DW_NOMEM, "store out of memory");
	default:
		return dw_error_set(err, DW_INTERNAL, "store error: %s", msg);
	}
}

/* Connections ------------------------------------------------------------------------------- */

static void conn_free(struct conn *c)
{
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(c->stmt[i]);
	for (int i = 0; i < F_VARIANTS; i++)
		sqlite3_finalize(c->list[i]);
	sqlite3_close_v2(c->db);
	free(c);
}

/* pthread key destructor: the thread that owned c is exiting */
static void conn_destroy(void *p)
{
	struct conn *c = p;
	struct store *st = c->st;

	pthread_mutex_lock(&st->lock);
	if (c->prev)
		c->prev->next = c->next;
	else
		st->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&st->lock);
	conn_free(c);
}

static int exec_static(struct conn *c, const char *sql, struct dw_error *err)
{
	int rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : sql_fail(c, rc, err);
}

static int conn_open(struct store *st, struct conn **out, struct dw_error *err)
{
	int flags =
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
	struct conn *c = xcalloc(1, sizeof(*c));
	int rc;

	c->st = st;
	rc = sqlite3_open_v2(st->path, &c->db, flags, NULL);
	if (rc != SQLITE_OK) {
		dw_error_set(err, DW_UNAVAILABLE,
		             "store unavailable: cannot open database '%s': %s", st->path,
		             c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		conn_free(c);
		return DW_UNAVAILABLE;
	}
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
	rc = exec_static(c, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;", err);
	if (rc) {
		conn_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

/* The calling thread's connection, opened on first use. */
static int conn_get(struct store *st, struct conn **out, struct dw_error *err)
{
	struct conn *c = pthread_getspecific(st->key);
	int rc;

	if (c) {
		*out = c;
		return 0;
	}
	if ((rc = conn_open(st, &c, err)))
		return rc;
	if (pthread_setspecific(st->key, c)) {
		conn_free(c);
		return dw_error_set(err, DW_INTERNAL, "cannot attach a store connection to thread");
	}
	pthread_mutex_lock(&st->lock);
	c->next = st->conns;
	if (st->conns)
		st->conns->prev = c;
	st->conns = c;
	pthread_mutex_unlock(&st->lock);
	*out = c;
	return 0;
}

/* Statements -------------------------------------------------------------------------------- */

static int prep(struct conn *c, enum stmt_id id, sqlite3_stmt **out, struct dw_error *err)
{
	if (!c->stmt[id]) {
		int rc = sqlite3_prepare_v3(c->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
		                            &c->stmt[id], NULL);
		if (rc != SQLITE_OK) {
			c->stmt[id] = NULL;
			return sql_fail(c, rc, err);
		}
	}
	*out = c->stmt[id];
	return 0;
}

/* Ends a statement's use: releases its read snapshot and its borrowed bindings. */
static void done(sqlite3_stmt *s)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

/* Binds parameters 1..n from types: 't' const char * (NULL binds NULL), 'I' long long, 'i' int,
 * 'N' long long bound as NULL when 0. Text is borrowed until done(). */
static int bindf(struct conn *c, sqlite3_stmt *s, struct dw_error *err, const char *types, ...)
{
	va_list ap;
	int rc = SQLITE_OK;

	if ((int)strlen(types) != sqlite3_bind_parameter_count(s)) {
		done(s);
		return dw_error_set(err, DW_INTERNAL, "statement takes %d parameters, not %zu",
		                    sqlite3_bind_parameter_count(s), strlen(types));
	}
	va_start(ap, types);
	for (int i = 0; types[i] && rc == SQLITE_OK; i++) {
		const char *str;
		long long ll;

		switch (types[i]) {
		case 't':
			str = va_arg(ap, const char *);
			rc = str ? sqlite3_bind_text(s, i + 1, str, -1, SQLITE_STATIC)
			         : sqlite3_bind_null(s, i + 1);
			break;
		case 'I':
			rc = sqlite3_bind_int64(s, i + 1, va_arg(ap, long long));
			break;
		case 'i':
			rc = sqlite3_bind_int(s, i + 1, va_arg(ap, int));
			break;
		case 'N':
			ll = va_arg(ap, long long);
			rc = ll ? sqlite3_bind_int64(s, i + 1, ll) : sqlite3_bind_null(s, i + 1);
			break;
		default:
			rc = SQLITE_MISUSE;
		}
	}
	va_end(ap);
	if (rc != SQLITE_OK) {
		int code = sql_fail(c, rc, err);
		done(s);
		return code;
	}
	return 0;
}

/* 1 for a row, 0 when done, or a negative dw code (the statement is then reset). */
static int step(struct conn *c, sqlite3_stmt *s, struct dw_error *err)
{
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	rc = sql_fail(c, rc, err);
	done(s);
	return rc;
}

/* Runs a prepared statement that returns no rows, then resets it. */
static int run(struct conn *c, sqlite3_stmt *s, struct dw_error *err)
{
	int rc = step(c, s, err);
	if (rc < 0)
		return rc;
	done(s);
	return 0;
}

static int run_id(struct conn *c, enum stmt_id id, struct dw_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc = prep(c, id, &s, err);
	return rc ? rc : run(c, s, err);
}

static const char *col_text(sqlite3_stmt *s, int col)
{
	return (const char *)sqlite3_column_text(s, col);
}

/* Transactions ------------------------------------------------------------------------------ */

static int tx_begin(struct conn *c, struct dw_error *err)
{
	return run_id(c, S_BEGIN, err);
}

static void tx_rollback(struct conn *c)
{
	if (!sqlite3_get_autocommit(c->db))
		run_id(c, S_ROLLBACK, NULL);
}

/* Commits when rc is 0, rolls back otherwise; returns rc or the commit's failure. */
static int tx_end(struct conn *c, int rc, struct dw_error *err)
{
	if (rc == 0) {
		rc = run_id(c, S_COMMIT, err);
		if (rc == 0)
			return 0;
	}
	tx_rollback(c);
	return rc;
}

/* Times, JSON, cursors ---------------------------------------------------------------------- */

static long long now_unix(void)
{
	return (long long)time(NULL);
}

static json_t *json_time(long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char buf[40];

	if (!gmtime_r(&tt, &tm) || !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
		return xjson(json_null());
	return xjson(json_string(buf));
}

/* A time column, null when NULL. */
static json_t *col_time(sqlite3_stmt *s, int col)
{
	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		return xjson(json_null());
	return json_time(sqlite3_column_int64(s, col));
}

static json_t *col_string(sqlite3_stmt *s, int col)
{
	const char *t = col_text(s, col);
	return xjson(t ? json_string(t) : json_null());
}

static void jset(json_t *obj, const char *key, json_t *value)
{
	if (json_object_set_new(obj, key, xjson(value)))
		abort(); /* only on out of memory: keys are fixed ASCII */
}

static void jappend(json_t *arr, json_t *value)
{
	if (json_array_append_new(arr, xjson(value)))
		abort();
}

/* A stored document column, parsed. */
static int col_doc(sqlite3_stmt *s, int col, json_t **out, struct dw_error *err)
{
	const char *text = col_text(s, col);
	json_error_t jerr;

	*out = text ? json_loads(text, 0, &jerr) : NULL;
	if (!*out)
		return dw_error_set(err, DW_INTERNAL, "stored document is not valid JSON");
	return 0;
}

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static char *b64_encode(const char *raw, size_t n)
{
	char *out = xmalloc((n + 2) / 3 * 4 + 1);
	const unsigned char *u = (const unsigned char *)raw;
	size_t o = 0;

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)u[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)u[i + 1] << 8;
		if (i + 2 < n)
			v |= u[i + 2];
		out[o++] = b64url[(v >> 18) & 63];
		out[o++] = b64url[(v >> 12) & 63];
		if (i + 1 < n)
			out[o++] = b64url[(v >> 6) & 63];
		if (i + 2 < n)
			out[o++] = b64url[v & 63];
	}
	out[o] = '\0';
	return out;
}

static int b64_value(char ch)
{
	const char *p = ch ? strchr(b64url, ch) : NULL;
	return p ? (int)(p - b64url) : -1;
}

/* Strict decoding (no padding, no stray bits); *raw is NUL-terminated and free'd by the caller. */
static int b64_decode(const char *s, char **raw, size_t *n)
{
	size_t len = strlen(s), o = 0;
	char *out;

	if (len == 0 || len > CURSOR_MAX || len % 4 == 1)
		return -1;
	out = xmalloc(len / 4 * 3 + 3);
	for (size_t i = 0; i < len; i += 4) {
		size_t chunk = len - i < 4 ? len - i : 4;
		unsigned v = 0;
		for (size_t j = 0; j < 4; j++) {
			int d = j < chunk ? b64_value(s[i + j]) : 0;
			if (d < 0) {
				free(out);
				return -1;
			}
			v = v << 6 | (unsigned)d;
		}
		if ((chunk == 2 && (v & 0xffff)) || (chunk == 3 && (v & 0xff))) {
			free(out);
			return -1;
		}
		out[o++] = (char)(v >> 16);
		if (chunk > 2)
			out[o++] = (char)(v >> 8 & 0xff);
		if (chunk > 3)
			out[o++] = (char)(v & 0xff);
	}
	out[o] = '\0';
	*raw = out;
	*n = o;
	return 0;
}

/* Cursors are base64url of "<kind>:<key>", kind 'd' (domain name), 'p' ("domain\nname") or
 * 'v' (version number), 'f' (flow id). */
static char *cursor_make(char kind, const char *a, const char *b)
{
	char *raw = b ? xasprintf("%c:%s\n%s", kind, a, b) : xasprintf("%c:%s", kind, a);
	char *out = b64_encode(raw, strlen(raw));
	free(raw);
	return out;
}

static int bad_cursor(struct dw_error *err)
{
	return dw_error_set(err, DW_MALFORMED, "invalid cursor");
}

/* Decodes cursor of kind into *a (and *b after the newline for 'p'); *a is free'd by the
 * caller (*b points into it). */
static int cursor_parse(const char *cursor, char kind, char **a, const char **b,
                        struct dw_error *err)
{
	char *raw, *nl;
	size_t n;

	if (b64_decode(cursor, &raw, &n))
		return bad_cursor(err);
	if (n < 3 || strlen(raw) != n || raw[0] != kind || raw[1] != ':')
		goto bad;
	memmove(raw, raw + 2, n - 1);
	nl = strchr(raw, '\n');
	if (b) {
		if (!nl || nl == raw || nl[1] == '\0' || strchr(nl + 1, '\n'))
			goto bad;
		*nl = '\0';
		*b = nl + 1;
	} else if (nl) {
		goto bad;
	}
	*a = raw;
	return 0;
bad:
	free(raw);
	return bad_cursor(err);
}

static int page_limit(const struct store_page *page, struct dw_error *err)
{
	int limit = page ? page->limit : PAGE_LIMIT_DEFAULT;

	if (limit < 1 || limit > PAGE_LIMIT_MAX)
		return dw_error_set(err, DW_MALFORMED, "limit %d out of range 1..%d", limit,
		                    PAGE_LIMIT_MAX);
	return limit;
}

static const char *page_cursor(const struct store_page *page)
{
	return page && page->cursor && page->cursor[0] ? page->cursor : NULL;
}

/* Documents --------------------------------------------------------------------------------- */

/* The stored text (key order kept) and the canonical text (sorted keys) of doc. */
static int doc_texts(const json_t *doc, char **text, char **canon, struct dw_error *err)
{
	if (!json_is_object(doc))
		return dw_error_set(err, DW_INVALID, "document is not a JSON object");
	*text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER | DW_JSON_REALS);
	*canon = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS | DW_JSON_REALS);
	if (!*text || !*canon) {
		free(*text);
		free(*canon);
		*text = *canon = NULL;
		return dw_error_set(err, DW_INVALID, "document cannot be serialized");
	}
	return 0;
}

static const char *doc_str(const json_t *doc, const char *section, const char *key)
{
	return json_string_value(json_object_get(json_object_get(doc, section), key));
}

/* Checks expect_rev against the current state: exists, and its revision when it does. */
static int precondition(const char *what, const char *key, int exists, long long cur,
                        long long expect_rev, struct dw_error *err)
{
	if (expect_rev == STORE_REV_ANY)
		return 0;
	if (expect_rev == STORE_REV_ABSENT) {
		if (exists)
			return dw_error_set(err, DW_PRECONDITION, "%s '%s' already exists", what,
			                    key);
		return 0;
	}
	if (expect_rev != STORE_REV_EXISTS && expect_rev < 1)
		return dw_error_set(err, DW_INTERNAL, "invalid expected revision %lld", expect_rev);
	if (!exists)
		return dw_error_set(err, DW_PRECONDITION, "%s '%s' does not exist", what, key);
	if (expect_rev > 0 && expect_rev != cur)
		return dw_error_set(err, DW_PRECONDITION, "%s '%s' is at revision %lld, not %lld",
		                    what, key, cur, expect_rev);
	return 0;
}

/* Change history ---------------------------------------------------------------------------- */

/* The token the calling thread writes for (store_actor_set); "system" when none was set. */
static _Thread_local char actor_name[128];
static _Thread_local char actor_scope[64];

void store_actor_set(const char *name, const char *scope)
{
	snprintf(actor_name, sizeof(actor_name), "%s", name ? name : "");
	snprintf(actor_scope, sizeof(actor_scope), "%s", scope ? scope : "");
}

#define FP_MAX 72 /* "sha256:" + 64 hex + NUL */

/* "sha256:<hex>" of text (a canonical document) into fp. */
static const char *fp_text(const char *text, char fp[FP_MAX])
{
	char hex[65];

	dw_sha256_hex(text, strlen(text), hex);
	snprintf(fp, FP_MAX, "sha256:%s", hex);
	return fp;
}

/* The same of doc's canonical form (sorted keys, compact); doc is consumed. */
static const char *fp_json(json_t *doc, char fp[FP_MAX])
{
	char *text = json_dumps(xjson(doc), JSON_COMPACT | JSON_SORT_KEYS | DW_JSON_REALS);

	if (!text)
		abort(); /* only on out of memory: the documents are built here */
	fp_text(text, fp);
	free(text);
	json_decref(doc);
	return fp;
}

/* Appends one change, inside the caller's transaction. before and after: fingerprints, NULL
 * when the resource was absent before or is absent after. */
static int change_add(struct conn *c, const char *action, const char *resource, const char *before,
                      const char *after, struct dw_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = prep(c, S_CHANGE_ADD, &s, err)) ||
	    (rc = bindf(c, s, err, "Itttttt", now_unix(), actor_name[0] ? actor_name : "system",
	                actor_scope[0] ? actor_scope : "system", action, resource, before, after)))
		return rc;
	return run(c, s, err);
}

/* Open, close, migrate ---------------------------------------------------------------------- */

static int pragma_text(struct conn *c, const char *sql, char *buf, size_t size,
                       struct dw_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(c->db, sql, -1, &s, NULL);

	if (rc != SQLITE_OK)
		return sql_fail(c, rc, err);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const char *t = col_text(s, 0);
		snprintf(buf, size, "%s", t ? t : "");
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		buf[0] = '\0';
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_OK)
		rc = sql_fail(c, rc, err);
	sqlite3_finalize(s);
	return rc;
}

static int user_version(struct conn *c, long *v, struct dw_error *err)
{
	char buf[32], *end;
	int rc = pragma_text(c, "PRAGMA user_version", buf, sizeof(buf), err);

	if (rc)
		return rc;
	*v = strtol(buf, &end, 10);
	if (end == buf || *end)
		return dw_error_set(err, DW_INTERNAL, "unreadable schema version '%s'", buf);
	return 0;
}

/* What a migration needs beyond its SQL, once the schema of version is in place. */
static int migrate_fill(struct conn *c, long version, struct dw_error *err);

static int migrate(struct conn *c, struct dw_error *err)
{
	long v;
	int rc;

	if ((rc = user_version(c, &v, err)))
		return rc;
	if (v > NMIGRATIONS)
		return dw_error_set(err, DW_INTERNAL,
		                    "store schema version %ld is newer than this program's (%d)", v,
		                    NMIGRATIONS);
	while (v < NMIGRATIONS) {
		char sql[64];

		if ((rc = exec_static(c, "BEGIN IMMEDIATE", err)))
			return rc;
		/* another process may have migrated while we waited for the lock */
		rc = user_version(c, &v, err);
		if (!rc && v < NMIGRATIONS) {
			rc = exec_static(c, migrations[v], err);
			if (!rc)
				rc = migrate_fill(c, v + 1, err);
			snprintf(sql, sizeof(sql), "PRAGMA user_version = %ld", v + 1);
			if (!rc)
				rc = exec_static(c, sql, err);
		}
		if (!rc)
			rc = exec_static(c, "COMMIT", err);
		if (rc) {
			if (!sqlite3_get_autocommit(c->db))
				sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
			return rc;
		}
		if ((rc = user_version(c, &v, err)))
			return rc;
	}
	return 0;
}

int store_open(const char *path, struct store **out, struct dw_error *err)
{
	struct store *st;
	struct conn *c;
	char mode[32];
	int rc;

	*out = NULL;
	if (!path || !*path)
		return dw_error_set(err, DW_USAGE, "no database path given");
	st = xcalloc(1, sizeof(*st));
	st->path = xstrdup(path);
	if (pthread_mutex_init(&st->lock, NULL)) {
		free(st->path);
		free(st);
		return dw_error_set(err, DW_INTERNAL, "cannot create the store's lock");
	}
	if (pthread_key_create(&st->key, conn_destroy)) {
		pthread_mutex_destroy(&st->lock);
		free(st->path);
		free(st);
		return dw_error_set(err, DW_INTERNAL, "cannot create the store's thread key");
	}
	rc = conn_get(st, &c, err);
	if (!rc)
		rc = pragma_text(c, "PRAGMA journal_mode = WAL", mode, sizeof(mode), err);
	/* a read-only database keeps the journal mode it has; a writable one must use WAL */
	if (!rc && strcmp(mode, "wal") && !sqlite3_db_readonly(c->db, "main"))
		rc = dw_error_set(err, DW_UNAVAILABLE,
		                  "store unavailable: cannot use WAL journal mode on '%s'", path);
	if (!rc)
		rc = migrate(c, err);
	if (rc) {
		store_close(st);
		return rc;
	}
	*out = st;
	return 0;
}

void store_close(struct store *st)
{
	struct conn *c, *next;

	if (!st)
		return;
	pthread_setspecific(st->key, NULL);
	pthread_mutex_lock(&st->lock);
	for (c = st->conns; c; c = next) {
		next = c->next;
		conn_free(c); /* the last close checkpoints the WAL into the database */
	}
	st->conns = NULL;
	pthread_mutex_unlock(&st->lock);
	pthread_key_delete(st->key);
	pthread_mutex_destroy(&st->lock);
	free(st->path);
	free(st);
}

int store_integrity_check(struct store *st, struct dw_error *err)
{
	struct conn *c;
	sqlite3_stmt *s = NULL;
	char first[256] = "";
	int rc, ok = 0;

	if ((rc = conn_get(st, &c, err)) || (rc = prep(c, S_INTEGRITY, &s, err)))
		return rc;
	while ((rc = step(c, s, err)) == 1) {
		const char *t = col_text(s, 0);
		if (!first[0])
			snprintf(first, sizeof(first), "%s", t ? t : "");
		ok = t && !strcmp(t, "ok");
	}
	done(s);
	if (rc < 0)
		return rc;
	if (!ok)
		return dw_error_set(err, DW_INTERNAL, "store integrity check failed: %s", first);
	return 0;
}

int store_size(struct store *st, long long *bytes, struct dw_error *err)
{
	struct conn *c;
	char count[32], size[32];
	int rc;

	*bytes = 0;
	if ((rc = conn_get(st, &c, err)) ||
	    (rc = pragma_text(c, "PRAGMA page_count", count, sizeof(count), err)) ||
	    (rc = pragma_text(c, "PRAGMA page_size", size, sizeof(size), err)))
		return rc;
	*bytes = strtoll(count, NULL, 10) * strtoll(size, NULL, 10);
	return 0;
}

/* Copies every page of src's main database into dst's (the online backup API, in one step:
 * one read transaction on src, so the copy is a snapshot even while others write). */
static int backup_copy(sqlite3 *dst, sqlite3 *src, struct dw_error *err)
{
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	int rc;

	if (!b)
		return dw_error_set(err, DW_UNAVAILABLE, "backup failed: %s", sqlite3_errmsg(dst));
	/* BUSY/LOCKED: a writer holds a lock the copy needs for a moment; wait like a query */
	for (int tries = 0; tries < BUSY_TIMEOUT_MS / 10; tries++) {
		rc = sqlite3_backup_step(b, -1);
		if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
			break;
		sqlite3_sleep(10);
	}
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
		return dw_error_set(err, DW_UNAVAILABLE, "backup failed: %s", sqlite3_errstr(rc));
	rc = sqlite3_errcode(dst);
	if (rc != SQLITE_OK)
		return dw_error_set(err, DW_UNAVAILABLE, "backup failed: %s", sqlite3_errmsg(dst));
	return 0;
}

/* Opens a database outside any struct store (backup targets, restore sources). */
static int raw_open(const char *path, int flags, sqlite3 **db, struct dw_error *err)
{
	int rc = sqlite3_open_v2(path, db, flags | SQLITE_OPEN_NOMUTEX, NULL);

	if (rc == SQLITE_OK) {
		sqlite3_extended_result_codes(*db, 1);
		sqlite3_busy_timeout(*db, BUSY_TIMEOUT_MS);
		return 0;
	}
	dw_error_set(err, DW_UNAVAILABLE, "cannot open database '%s': %s", path,
	             *db ? sqlite3_errmsg(*db) : sqlite3_errstr(rc));
	sqlite3_close_v2(*db);
	*db = NULL;
	return DW_UNAVAILABLE;
}

static int raw_exec(sqlite3 *db, const char *sql, const char *path, struct dw_error *err)
{
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return dw_error_set(err, DW_UNAVAILABLE, "cannot write '%s': %s", path,
		                    sqlite3_errmsg(db));
	return 0;
}

/* fsync of a file or folder by path: what rename-into-place needs to survive a crash. */
static int sync_path(const char *path, int dir, struct dw_error *err)
{
	int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);

	if (fd < 0 || fsync(fd)) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return dw_error_set(err, DW_UNAVAILABLE, "cannot sync '%s': %s", path, strerror(e));
	}
	close(fd);
	return 0;
}

int store_backup(struct store *st, const char *path, struct dw_error *err)
{
	struct conn *c;
	sqlite3 *dst = NULL;
	char *tmp, *dir, *slash;
	int rc;

	if ((rc = conn_get(st, &c, err)))
		return rc;
	tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	unlink(tmp);
	rc = raw_open(tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &dst, err);
	if (!rc)
		rc = backup_copy(dst, c->db, err);
	/* one self-contained file (the copy of a WAL database would want a -wal beside it) */
	if (!rc)
		rc = raw_exec(dst, "PRAGMA journal_mode = DELETE", tmp, err);
	if (dst && sqlite3_close(dst) != SQLITE_OK && !rc)
		rc = dw_error_set(err, DW_UNAVAILABLE, "cannot close '%s'", tmp);
	if (!rc)
		rc = sync_path(tmp, 0, err);
	if (!rc && rename(tmp, path))
		rc = dw_error_set(err, DW_UNAVAILABLE, "cannot rename '%s' to '%s': %s", tmp, path,
		                  strerror(errno));
	if (rc) {
		unlink(tmp);
	} else {
		dir = xstrdup(path);
		slash = strrchr(dir, '/');
		if (slash)
			slash[slash == dir ? 1 : 0] = '\0';
		rc = sync_path(slash ? dir : ".", 1, err);
		free(dir);
	}
	free(tmp);
	return rc;
}

/* 0 when db passes SQLite's integrity check and holds a driveway schema this program knows. */
static int restore_source_check(sqlite3 *db, const char *path, struct dw_error *err)
{
	sqlite3_stmt *s = NULL;
	char first[256] = "";
	long version = -1;
	int rc, ok = 0;

	rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(s, 0);

		if (!first[0])
			snprintf(first, sizeof(first), "%s", t ? t : "");
		ok = t && !strcmp(t, "ok");
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return dw_error_set(err, DW_INVALID, "cannot check '%s': %s", path,
		                    sqlite3_errmsg(db));
	if (!ok)
		return dw_error_set(err, DW_INVALID, "integrity check of '%s' failed: %s", path,
		                    first);
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		version = (long)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (version < 1)
		return dw_error_set(err, DW_INVALID, "'%s' is not a driveway database", path);
	if (version > NMIGRATIONS)
		return dw_error_set(err, DW_INVALID,
		                    "'%s' has store schema version %ld, newer than this program's "
		                    "(%d)",
		                    path, version, NMIGRATIONS);
	return 0;
}

int store_restore(const char *from, const char *to, struct dw_error *err)
{
	sqlite3 *src = NULL, *dst = NULL;
	int rc;

	rc = raw_open(from, SQLITE_OPEN_READONLY, &src, err);
	if (!rc)
		rc = restore_source_check(src, from, err);
	if (!rc)
		rc = raw_open(to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &dst, err);
	if (!rc)
		rc = backup_copy(dst, src, err);
	if (!rc)
		rc = raw_exec(dst, "PRAGMA journal_mode = WAL", to, err);
	if (dst && sqlite3_close(dst) != SQLITE_OK && !rc)
		rc = dw_error_set(err, DW_UNAVAILABLE, "cannot close '%s'", to);
	sqlite3_close_v2(src);
	return rc;
}

/* Domains ----------------------------------------------------------------------------------- */

static int domain_put_tx(struct conn *c, const char *name, const char *text, const char *canon,
                         long long expect_rev, enum store_result *result, long long *rev,
                         struct dw_error *err)
{
	sqlite3_stmt *s = NULL;
	long long id = 0, cur = 0;
	char before[FP_MAX], after[FP_MAX], *resource;
	int rc, found, same = 0;

	if ((rc = prep(c, S_DOMAIN_FIND, &s, err)) || (rc = bindf(c, s, err, "t", name)))
		return rc;
	if ((found = step(c, s, err)) < 0)
		return found;
	if (found) {
		const char *old = col_text(s, 1);
		id = sqlite3_column_int64(s, 0);
		cur = sqlite3_column_int64(s, 2);
		same = old && !strcmp(old, canon);
		fp_text(old ? old : "", before);
	}
	done(s);
	if ((rc = precondition("domain", name, found, cur, expect_rev, err)))
		return rc;
	if (found && same) {
		*result = STORE_UNCHANGED;
		*rev = cur;
		return 0;
	}
	if (found) {
		if ((rc = prep(c, S_DOMAIN_UPDATE, &s, err)) ||
		    (rc = bindf(c, s, err, "IttI", id, text, canon, now_unix())))
			return rc;
		*result = STORE_UPDATED;
		*rev = cur + 1;
	} else {
		if ((rc = prep(c, S_DOMAIN_INSERT, &s, err)) ||
		    (rc = bindf(c, s, err, "tttI", name, text, canon, now_unix())))
			return rc;
		*result = STORE_CREATED;
		*rev = 1;
	}
	if ((rc = run(c, s, err)))
		return rc;
	resource = xasprintf("/domains/%s", name);
	rc = change_add(c, "domain.put", resource, found ? before : NULL, fp_text(canon, after),
	                err);
	free(resource);
	return rc;
}

int store_domain_put(struct store *st, const char *name, const json_t *doc, long long expect_rev,
                     enum store_result *result, long long *rev, struct dw_error *err)
{
	struct conn *c;
	char *text = NULL, *canon = NULL;
	enum store_result res = STORE_UNCHANGED;
	long long r = 0;
	int rc;

	if (!name || !*name)
		return dw_error_set(err, DW_INVALID, "domain name is empty");
	if ((rc = conn_get(st, &c, err)) || (rc = doc_texts(doc, &text, &canon, err)))
		return rc;
	if (!(rc = tx_begin(c, err))) {
		rc = domain_put_tx(c, name, text, canon, expect_rev, &res, &r, err);
		rc = tx_end(c, rc, err);
	}
	free(text);
	free(canon);
	if (rc)
		return rc;
	if (result)
		*result = res;
	if (rev)
		*rev = r;
	return 0;
}

/* A DOMAIN_ROW as the document plus its status. */
static int domain_from_row(sqlite3_stmt *s, json_t **out, struct dw_error *err)
{
	json_t *doc, *status;
	int rc;

	if ((rc = col_doc(s, 1, &doc, err)))
		return rc;
	status = xjson(json_object());
	jset(status, "revision", json_integer(sqlite3_column_int64(s, 2)));
	jset(status, "createdAt", col_time(s, 3));
	jset(status, "updatedAt", col_time(s, 4));
	jset(status, "products", json_integer(sqlite3_column_int64(s, 5)));
	jset(doc, "status", status);
	*out = doc;
	return 0;
}

int store_domain_get(struct store *st, const char *name, json_t **out, long long *rev,
                     struct dw_error *err)
{
	struct conn *c;
	sqlite3_stmt *s = NULL;
	int rc;

	*out = NULL;
	if ((rc = conn_get(st, &c, err)) || (rc = prep(c, S_DOMAIN_GET, &s, err)) ||
	    (rc = bindf(c, s, err, "t", name ? name : "")))
		return rc;
	if ((rc = step(c, s, err)) < 0)
		return rc;
	if (rc == 0) {
		done(s);
		return dw_error_set(err, DW_NOT_FOUND, "domain '%s' not found", name ? name : "");
	}
	if (rev)
		*rev = sqlite3_column_int64(s, 2);
	rc = domain_from_row(s, out, err);
	done(s);
	return rc;
}

int store_domain_list(struct store *st, const struct store_page *page, json_t **items, char **next,
                      struct dw_error *err)
{
	struct conn *c;
	sqlite3_stmt *s = NULL;
	char *after = NULL, *last = NULL;
	int limit, rc, n = 0;

	*items = NULL;
	*next = NULL;
	if ((limit = page_limit(page, err)) < 0)
		return limit;
	if (page_cursor(page) && (rc = cursor_parse(page_cursor(page), 'd', &after, NULL, err)))
		return rc;
	if ((rc = conn_get(st, &c, err)) || (rc = prep(c, S_DOMAIN_LIST, &s, err)) ||
	    (rc = bindf(c, s, err, "ti", after ? after : "", limit + 1))) {
		free(after);
		return rc;
	}
	*items = xjson(json_array());
	while ((rc = step(c, s, err)) == 1) {
		json_t *item;
		if (++n > limit)
			break;
		if ((rc = domain_from_row(s, &item, err)))
			break;
		jappend(*items, item);
		free(last);
		last = xstrdup(col_text(s, 0));
	}
	done(s);
	free(after);
	if (rc < 0) {
		free(last);
		json_decref(*items);
		*items = NULL;
		return rc;
	}
	if (n > limit)
		*next = cursor_make('d', last, NULL);
	free(last);
	return 0;
}

static int domain_delete_tx(struct conn *c, const char *name, long long expect_rev,
                            struct dw_error *err)
{
	sqlite3_stmt *s = NULL;
	long long id, cur, total, deleted;
	char before[FP_MAX], *resource;
	int rc;

	if ((rc = prep(c, S_DOMAIN_FIND, &s, err)) || (rc = bindf(c, s, err, "t", name)))
		return rc;
	if ((rc = step(c, s, err)) < 0)
		return rc;
	if (rc == 0) {
		done(s);
		return dw_error_set(err, DW_NOT_FOUND, "domain '%s' not found", name);
	}
	id = sqlite3_column_int64(s, 0);
	cur = sqlite3_column_int64(s, 2);
	fp_text(col_text(s, 1) ? col_text(s, 1) : "", before);
	done(s);
	if ((rc = precondition("domain", name, 1, cur, expect_rev, err)))
		return rc;
	if ((rc = prep(c, S_DOMAIN_PRODUCTS, &s, err)) || (rc = bindf(c, s, err, "I", id)))
		return rc;
	if ((rc = step(c, s, err)) < 0)
		return rc;
	total = sqlite3_column_int64(s, 0);
	deleted = sqlite3_column_int64(s, 1);
	done(s);
	if (total > 0 && deleted > 0)
		return dw_error_set(err, DW_CONFLICT,
		                    "domain '%s' still has %lld product%s (%lld deleted, kept with "
		                    "their versions)",
		                    name, total, total == 1 ? "" : "s", deleted);
	if (total > 0)
		return dw_error_set(err, DW_CONFLICT, "domain '%s' still has %lld product%s", name,
		                    total, total == 1 ? "" : "s");
	if ((rc = prep(c, S_DOMAIN_DELETE, &s, err)) || (rc = bindf(c, s, err, "I", id)) ||
	    (rc = run(c, s, err)))
		return rc;
	resource = xasprintf("/domains/%s", name);
	rc = change_add(c, "domain.delete", resource, before, NULL, err);
	free(resource);
	return rc;
}

int store_domain_delete(struct store *st, const char *name, long long expect_rev,
                        struct dw_error *err)
{
	struct conn *c;
	int rc;

	if ((rc = conn_get(st, &c, err)) || (rc = tx_begin(c, err)))
		return rc;
	rc = domain_delete_tx(c, name ? name : "", expect_rev, err);
	return tx_end(c, rc, err);
}

/* Products ---------------------------------------------------------------------------------- */

struct product_put {
	const char *domain, *name, *text, *canon;
	const json_t *doc;
	long long expect_rev;
	enum store_result result;
	long long rev;
};

/* Replaces the rows of product id that statement clear deletes with one insert row per string
 * of values (NULL or not an array: none; entries that are not strings are skipped). */
static int product_strings_write(struct conn *c, enum stmt_id clear, enum stmt_id insert,
                                 long long id, const json_t *values, struct dw_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = prep(c, clear, &s, err)) || (rc = bindf(c, s, err, "I", id)) ||
	    (rc = run(c, s, err)))
		return rc;
	for (size_t i = 0; i < json_array_size(values); i++) {
		const char *v = json_string_value(json_array_get(values, i));
		if (!v)
			continue;
		if ((rc = prep(c, insert, &s, err)) || (rc = bindf(c, s, err, "It", id, v)) ||
		    (rc = run(c, s, err)))
			return rc;
	}
	return 0;
}

/* Replaces the tags of product id with doc's metadata.tags. */
static int product_tags_write(struct conn *c, long long id, const json_t *doc, struct dw_error *err)
{
	const json_t *tags = json_object_get(json_object_get(doc, "metadata"), "tags");

	return product_strings_write(c, S_TAGS_CLEAR, S_TAG_INSERT, id, tags, err);
}

/* Replaces the searchable field names of product id (fields: array of strings, or NULL). */
static int product_fields_write(struct conn *c, long long id, const json_t *fields,
                                struct dw_error *err)
{
	return product_strings_write(c, S_FIELDS_CLEAR, S_FIELD_INSERT, id, fields, err);
}

static int flows_sync(struct conn *c, long long id, const json_t *doc, struct dw_error *err);

static int product_put_tx(struct conn *c, struct product_put *pp, struct dw_error *err)
{
	const char *kind = doc_str(pp->doc, "spec", "type");
	const char *owner = doc_str(pp->doc, "metadata", "owner");
	const char *lifecycle = doc_str(pp->doc, "metadata", "lifecycle");
	const char *title = doc_str(pp->doc, "metadata", "title");
	const char *description = doc_str(pp->doc, "metadata", "description");
	char key[300], before[FP_MAX], after[FP_MAX], *resource;
	sqlite3_stmt *s = NULL;
	long long domain_id, id = 0, cur = 0;
	int rc, found, live = 0, same = 0;

	snprintf(key, sizeof(key), "%s/%s", pp->domain, pp->name);
	if (!lifecycle)
		lifecycle = "experimental"; /* the descriptor's default */
	if ((rc = prep(c, S_DOMAIN_FIND, &s, err)) || (rc = bindf(c, s, err, "t", pp->domain)))
		return rc;
	if ((rc = step(c, s, err)) < 0)
		return rc;
	if (rc == 0) {
		done(s);
		return dw_error_set(err, DW_NOT_FOUND, "domain '%s' not found", pp->domain);
	}
	domain_id = sqlite3_column_int64(s, 0);
	done(s);

	if ((rc = prep(c, S_PRODUCT_FIND, &s, err)) ||
	    (rc = bindf(c, s, err, "It", domain_id, pp->name)))
		return rc;
	if ((found = step(c, s, err)) < 0)
		return found;
	if (found) {
		const char *old = col_text(s, 1);
		id = sqlite3_column_int64(s, 0);
		cur = sqlite3_column_int64(s, 2);
		live = sqlite3_column_type(s, 3) == SQLITE_NULL;
		same = old && !strcmp(old, pp->canon);
		fp_text(old ? old : "", before);
	}
	done(s);
	/* a deleted product does not exist for preconditions: If-None-Match: * revives it */
	if ((rc = precondition("product", key, live, cur, pp->expect_rev, err)))
		return rc;
	if (live && same) {
		pp->result = STORE_UNCHANGED;
		pp->rev = cur;
		return 0;
	}
	if (found) {
		if ((rc = prep(c, S_PRODUCT_UPDATE, &s, err)) ||
		    (rc = bindf(c, s, err, "ItttttttI", id, pp->text, pp->canon, kind, owner,
		                lifecycle, title, description, now_unix())) ||
		    (rc = run(c, s, err)))
			return rc;
		pp->result = STORE_UPDATED;
		pp->rev = cur + 1;
	} else {
		if ((rc = prep(c, S_PRODUCT_INSERT, &s, err)) ||
		    (rc = bindf(c, s, err, "IttttttttI", domain_id, pp->name, pp->text, pp->canon,
		                kind, owner, lifecycle, title, description, now_unix())) ||
		    (rc = run(c, s, err)))
			return rc;
		id = sqlite3_last_insert_rowid(c->db);
		pp->result = STORE_CREATED;
		pp->rev = 1;
	}
	if ((rc = product_tags_write(c, id, pp->doc, err)) ||
	    (rc = flows_sync(c, id, pp->doc, err)))
		return rc;
	/* a deleted product was absent: its revival has no "before" */
	resource = xasprintf("/domains/%s/products/%s", pp->domain, pp->name);
	rc = change_add(c, "product.put", resource, live ? before : NULL, fp_text(pp->canon, after),
	                err);
	free(resource);
	return rc;
}

int store_product_put(struct store *st, const char *domain, const char *name, const json_t *doc,
                      long long expect_rev, enum store_result *result, long long *rev,
                      struct dw_error *err)
{
	struct product_put pp = {
	    .domain = domain, .name = name, .doc = doc, .expect_rev = expect_rev};
	char *text = NULL, *canon = NULL;
	struct conn *c;
	int rc;

	if (!domain || !*domain || !name || !*name)
		return dw_error_set(err, DW_INVALID, "product name is empty");
	if ((rc = conn_get(st, &c, err)) || (rc = doc_texts(doc, &text, &canon, err)))
		return rc;
	pp.text = text;
	pp.canon = canon;
	if (!(rc = tx_begin(c, err))) {
		rc = product_put_tx(c, &pp, err);
		rc = tx_end(c, rc, err);
	}
	free(text);
	free(canon);
	if (rc)
		return rc;
	if (result)
		*result = pp.result;
	if (rev)
		*rev = pp.rev;
	return 0;
}

/* A PRODUCT_ROW as the document plus its status. */
static int product_from_row(sqlite3_stmt *s, json_t **out, struct dw_error *err)
{
	json_t *doc, *status;
	int rc;

	if ((rc = col_doc(s, 2, &doc, err)))
		return rc;
	status = xjson(json_object());
	jset(status, "revision", json_integer(sqlite3_column_int64(s, 3)));
	jset(status, "createdAt", col_time(s, 4));
	jset(status, "updatedAt", col_time(s, 5));
	jset(status, "deleted", json_boolean(sqlite3_column_type(s, 6) != SQLITE_NULL));
	jset(status, "latestVersion",
	     sqlite3_column_type(s, 7) == SQLITE_NULL ? json_null()
	                                              : json_integer(sqlite3_column_int64(s, 7)));
	jset(status, "versions", json_integer(sqlite3_column_int64(s, 8)));
	jset(doc, "status", status);
	*out = doc;
	return 0;
}

int store_product_get(struct store *st, const char *domain, const char *name, int include_deleted,
                      json_t **out, long long *rev, struct dw_error *err)
{
	struct conn *c;
	sqlite3_stmt *s = NULL;
	int rc;

	*out = NULL;
	domain = domain ? domain : "";
	name = name ? name : "";
	if ((rc = conn_get(st, &c, err)) || (rc = prep(c, S_PRODUCT_GET, &s, err)) ||
	    (rc = bindf(c, s, err, "tt", domain, name)))
		return rc;
	if ((rc = step(c, s, err)) < 0)
		return rc;
	if (rc == 0 || (!include_deleted && sqlite3_column_type(s, 6) != SQLITE_NULL)) {
		done(s);
		return dw_error_set(err, DW_NOT_FOUND, "product '%s/%s' not found", domain, name);
	}
	if (rev)
		*rev = sqlite3_column_int64(s, 3);
	rc = product_from_row(s, out, err);
	done(s);
	return rc;
}

static void sql_append(char *buf, size_t size, size_t *len, const char *frag)
{
	size_t n = strlen(frag);

	if (*len + n + 1 > size)
		abort(); /* the buffer is sized for every fragment at once */
	memcpy(buf + *len, frag, n + 1);
	*len += n;
}

/* The listing statement for the filters in mask, prepared once per connection. */
static int list_stmt(struct conn *c, int mask, sqlite3_stmt **out, struct dw_error *err)
{
	char sql[2048];
	size_t len = 0;
	int rc;

	if (c->list[mask]) {
		*out = c->list[mask];
		return 0;
	}
	sql_append(sql, sizeof(sql), &len,
	           PRODUCT_ROW " WHERE d.name >= :after_domain"
	                       " AND (d.name > :after_domain"
	                       " OR p.name > :after_name)");
	for (size_t i = 0; i < sizeof(list_fragments) / sizeof(list_fragments[0]); i++)
		if (mask & list_fragments[i].flag)
			sql_append(sql, sizeof(sql), &len, list_fragments[i].sql);
	sql_append(sql, sizeof(sql), &len, " ORDER BY d.name, p.name LIMIT :limit");
	rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &c->list[mask], NULL);
	if (rc != SQLITE_OK) {
		c->list[mask] = NULL;
		return sql_fail(c, rc, err);
	}
	*out = c->list[mask];
	return 0;
}

static int bind_named(sqlite3_stmt *s, const char *param, const char *value)
{
	int idx = sqlite3_bind_parameter_index(s, param);
	return idx ? sqlite3_bind_text(s, idx, value, -1, SQLITE_STATIC) : SQLITE_OK;
}

/* "%q%" with LIKE's metacharacters in q escaped by '\' (malloc'd). */
static char *like_pattern(const char *q)
{
	size_t n = strlen(q), o = 0;
	char *out = xmalloc(2 * n + 3);

	out[o++] = '%';
	for (size_t i = 0; i < n; i++) {
		if (q[i] == '%' || q[i] == '_' || q[i] == '\\')
			out[o++] = '\\';
		out[o++] = q[i];
	}
	out[o++] = '%';
	out[o] = '\0';
	return out;
}

static int product_list_run(struct conn *c, sqlite3_stmt *s, int limit, json_t *items, char **next,
                            struct dw_error *err)
{
	char *last_domain = NULL, *last_name = NULL;
	int rc, n = 0;

	while ((rc = step(c, s, err)) == 1) {
		json_t *item;
		if (++n > limit)
			break;
		if ((rc = product_from_row(s, &item, err)))
			break;
		jappend(items, item);
		free(last_domain);
		free(last_name);
		last_domain = xstrdup(col_text(s, 0));
		last_name = xstrdup(col_text(s, 1));
	}
	done(s);
	if (rc >= 0 && n > limit)
		*next = cursor_make('p', last_domain, last_name);
	free(last_domain);
	free(last_name);
	return rc < 0 ? rc : 0;
}

int store_product_list(struct store *st, const struct store_product_filter *filter,
                       const struct store_page *page, json_t **items, char **next,
                       struct dw_error *err)
{
	static const struct store_product_filter none;
	const struct store_product_filter *f = filter ? filter : &none;
	char *after = NULL, *pattern = NULL, *cdomain = NULL;
	const char *after_name = "", *cname = NULL;
	struct conn *c;
	sqlite3_stmt *s = NULL;
	int limit, rc, mask = 0, brc;

	*items = NULL;
	*next = NULL;
	if ((limit = page_limit(page, err)) < 0)
		return limit;
	if (page_cursor(page) &&
	    (rc = cursor_parse(page_cursor(page), 'p', &after, &after_name, err)))
		return rc;
	mask |= f->include_deleted ? 0 : F_LIVE;
	mask |= f->domain ? F_DOMAIN : 0;
	mask |= f->kind ? F_KIND : 0;
	mask |= f->owner ? F_OWNER : 0;
	mask |= f->lifecycle ? F_LIFECYCLE : 0;
	mask |= f->tag ? F_TAG : 0;
	mask |= f->q && f->q[0] ? F_Q : 0;
	mask |= f->consumes ? F_CONSUMES : 0;
	if ((rc = conn_get(st, &c, err)) || (rc = list_stmt(c, mask, &s, err))) {
		free(after);
		return rc;
	}
	if (mask & F_Q)
		pattern = like_pattern(f->q);
	if (mask & F_CONSUMES) {
		/* "domain/product", or "domain" for anything of the domain */
		const char *slash = strchr(f->consumes, '/');
		cdomain = slash ? xstrndup(f->consumes, (size_t)(slash - f->consumes))
		                : xstrdup(f->consumes);
		cname = slash ? slash + 1 : NULL;
	}
	brc = bind_named(s, ":after_domain", after ? after : "");
	if (brc == SQLITE_OK)
		brc = bind_named(s, ":after_name", after_name);
	if (brc == SQLITE_OK)
		brc = bind_named(s, ":domain", f->domain);
	if (brc == SQLITE_OK)
		brc = bind_named(s, ":kind", f->kind);
	if (brc == SQLITE_OK)
		brc = bind_named(s, ":owner", f->owner);
	if (brc == SQLITE_OK)
		brc = bind_named(s, ":lifecycle", f->lifecycle);
	if (brc == SQLITE_OK)
		brc = bind_named(s, ":tag", f->tag);
	if (brc == SQLITE_OK)
		brc = bind_named(s, ":q", pattern);
	if (brc == SQLITE_OK)
		brc = bind_named(s, ":cdomain", cdomain);
	if (brc == SQLITE_OK)
		brc = bind_named(s, ":cname", cname);
	if (brc == SQLITE_OK)
		brc = sqlite3_bind_int(s, sqlite3_bind_parameter_index(s, ":limit"), limit + 1);
	if (brc != SQLITE_OK) {
		rc = sql_fail(c, brc, err);
		done(s);
	} else {
		*items = xjson(json_array());
		rc = product_list_run(c, s, limit, *items, next, err);
	}
	free(after);
	free(pattern);
	free(cdomain);
	if (rc) {
		json_decref(*items);
		*items = NULL;
		free(*next);
		*next = NULL;
	}
	return rc;
}

/* The id of live product domain/name, or DW_NOT_FOUND. */
static int product_live_id(struct conn *c, const char *domain, const char *name, long long *id,
                           long long *rev, struct dw_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = prep(c, S_PRODUCT_LIVE_ID, &s, err)) ||
	    (rc = bindf(c, s, err, "tt", domain, name)))
		return rc;
	if ((rc = step(c, s, err)) < 0)
		return rc;
	if (rc == 0) {
		done(s);
		return dw_error_set(err, DW_NOT_FOUND, "product '%s/%s' not found", domain, name);
	}
	*id = sqlite3_column_int64(s, 0);
	if (rev)
		*rev = sqlite3_column_int64(s, 1);
	done(s);
	return 0;
}

static int product_delete_tx(struct conn *c, const char *domain, const char *name,
                             long long expect_rev, struct dw_error *err)
{
	sqlite3_stmt *s = NULL;
	long long id, cur;
	char key[300], before[FP_MAX], *resource;
	int rc;

	snprintf(key, sizeof(key), "%s/%s", domain, name);
	if ((rc = product_live_id(c, domain, name, &id, &cur, err)) ||
	    (rc = precondition("product", key, 1, cur, expect_rev, err)))
		return rc;
	if ((rc = prep(c, S_PRODUCT_CANON, &s, err)) || (rc = bindf(c, s, err, "I", id)))
		return rc;
	if ((rc = step(c, s, err)) < 0)
		return rc;
	fp_text(rc == 1 && col_text(s, 0) ? col_text(s, 0) : "", before);
	done(s);
	if ((rc = prep(c, S_PRODUCT_DELETE, &s, err)) ||
	    (rc = bindf(c, s, err, "II", id, now_unix())) || (rc = run(c, s, err)))
		return rc;
	/* a deleted product consumes nothing: its flows go (a PUT that revives it restores
	 * them from its document) */
	if ((rc = flows_sync(c, id, NULL, err)))
		return rc;
	resource = xasprintf("/domains/%s/products/%s", domain, name);
	rc = change_add(c, "product.delete", resource, before, NULL, err);
	free(resource);
	return rc;
}

int store_product_delete(struct store *st, const char *domain, const char *name,
                         long long expect_rev, struct dw_error *err)
{
	struct conn *c;
	int rc;

	if ((rc = conn_get(st, &c, err)) || (rc = tx_begin(c, err)))
		return rc;
	rc = product_delete_tx(c, domain ? domain : "", name ? name : "", expect_rev, err);
	return tx_end(c, rc, err);
}

/* Versions ---------------------------------------------------------------------------------- */

/* The explicit number of an imported version (in->number): DW_CONFLICT when the product
 * holds another schema under it, *same when it holds this one. */
static int version_number_free(struct conn *c, long long id, const struct store_version_in *in,
                               int *same, struct dw_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	*same = 0;
	if ((rc = prep(c, S_VERSION_AT, &s, err)) || (rc = bindf(c, s, err, "Ii", id, in->number)))
		return rc;
	if ((rc = step(c, s, err)) < 0)
		return rc;
	if (rc == 1)
		*same = col_text(s, 0) && strcmp(col_text(s, 0), in->fingerprint) == 0;
	done(s);
	if (rc == 1 && !*same)
		return dw_error_set(err, DW_CONFLICT, "version %d holds another schema",
		                    in->number);
	return 0;
}

/* The schema's global id (at its first registration under any product; in->schema_id when
 * given), and the text and references it was registered with, when given. */
static int schema_id_write(struct conn *c, const struct store_version_in *in, struct dw_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (in->schema_id > 0) {
		if ((rc = prep(c, S_SCHEMA_ID_PUT, &s, err)) ||
		    (rc = bindf(c, s, err, "ttI", in->format, in->fingerprint, in->schema_id)))
			return rc;
	} else if ((rc = prep(c, S_SCHEMA_ID_ADD, &s, err)) ||
	           (rc = bindf(c, s, err, "tt", in->format, in->fingerprint))) {
		return rc;
	}
	if ((rc = run(c, s, err)) || !in->schema_text)
		return rc;
	if ((rc = prep(c, S_SCHEMA_TEXT_ADD, &s, err)) ||
	    (rc = bindf(c, s, err, "tttt", in->format, in->fingerprint, in->schema_text,
	                in->refs ? in->refs : "[]")))
		return rc;
	return run(c, s, err);
}

static int version_add_tx(struct conn *c, const char *domain, const char *product,
                          const struct store_version_in *in, const char *changes, int skip_hidden,
                          int expect_number, int *number, enum store_result *result,
                          struct dw_error *err)
{
	sqlite3_stmt *s = NULL;
	long long id, next, after;
	int rc, same;

	if ((rc = product_live_id(c, domain, product, &id, NULL, err)))
		return rc;
	if (in->number > 0) {
		if ((rc = version_number_free(c, id, in, &same, err)))
			return rc;
		if (same) {
			*number = in->number;
			*result = STORE_UNCHANGED;
			return 0;
		}
	} else {
		if ((rc = prep(c, S_VERSION_BY_FP, &s, err)) ||
		    (rc = bindf(c, s, err, "Iti", id, in->fingerprint, skip_hidden)))
			return rc;
		if ((rc = step(c, s, err)) < 0)
			return rc;
		if (rc == 1) {
			*number = sqlite3_column_int(s, 0);
			*result = STORE_UNCHANGED;
			done(s);
			return 0;
		}
		done(s);
	}
	if ((rc = prep(c, S_VERSION_NEXT, &s, err)) || (rc = bindf(c, s, err, "I", id)))
		return rc;
	if ((rc = step(c, s, err)) < 0)
		return rc;
	after = sqlite3_column_int64(s, 0);
	next = in->number > 0 ? in->number : sqlite3_column_int64(s, 1);
	done(s);
	if (next > INT_MAX)
		return dw_error_set(err, DW_CONFLICT, "product '%s/%s' has too many versions",
		                    domain, product);
	if (expect_number > 0 && after != expect_number)
		return dw_error_set(err, DW_PRECONDITION,
		                    "product '%s/%s' got version %lld while version %d was checked",
		                    domain, product, after - 1, expect_number);
	if ((rc = prep(c, S_VERSION_INSERT, &s, err)) ||
	    (rc = bindf(c, s, err, "IItttttIt", id, next, in->format, in->media_type, in->contract,
	                in->fingerprint, in->created_by, now_unix(), changes)) ||
	    (rc = run(c, s, err)))
		return rc;
	if ((rc = schema_id_write(c, in, err)))
		return rc;
	/* the new version is the latest: search now sees its fields */
	if (next >= after && (rc = product_fields_write(c, id, in->fields, err)))
		return rc;
	{
		char *resource =
		    xasprintf("/domains/%s/products/%s/versions/%lld", domain, product, next);
		rc = change_add(c, "version.add", resource, NULL, in->fingerprint, err);
		free(resource);
		if (rc)
			return rc;
	}
	*number = (int)next;
	*result = STORE_CREATED;
	return 0;
}

int store_version_add(struct store *st, const char *domain, const char *product,
                      const struct store_version_in *in, int *number, enum store_result *result,
                      struct dw_error *err)
{
	return store_version_add_next(st, domain, product, in, 0, number, result, err);
}

static int version_add(struct store *st, const char *domain, const char *product,
                       const struct store_version_in *in, int skip_hidden, int expect_number,
                       int *number, enum store_result *result, struct dw_error *err)
{
	enum store_result res = STORE_UNCHANGED;
	char *changes = NULL;
	struct conn *c;
	int rc, n = 0;

	if (!domain || !product || !in || !in->format || !in->media_type || !in->contract ||
	    !in->fingerprint || !in->created_by)
		return dw_error_set(err, DW_INVALID,
		                    "version needs a format, a media type, a contract, a "
		                    "fingerprint and its author");
	if (in->changes) {
		changes = json_dumps(in->changes, JSON_COMPACT | JSON_ENCODE_ANY | DW_JSON_REALS);
		if (!changes)
			return dw_error_set(err, DW_INVALID,
			                    "version changes cannot be serialized");
	}
	if ((rc = conn_get(st, &c, err)) == 0 && (rc = tx_begin(c, err)) == 0) {
		rc = version_add_tx(c, domain, product, in, changes, skip_hidden, expect_number, &n,
		                    &res, err);
		rc = tx_end(c, rc, err);
	}
	free(changes);
	if (rc)
		return rc;
	if (number)
		*number = n;
	if (result)
		*result = res;
	return 0;
}

int store_version_add_next(struct store *st, const char *domain, const char *product,
                           const struct store_version_in *in, int expect_number, int *number,
                           enum store_result *result, struct dw_error *err)
{
	return version_add(st, domain, product, in, 0, expect_number, number, result, err);
}

int store_version_add_shown(struct store *st, const char *domain, const char *product,
                            const struct store_version_in *in, int expect_number, int *number,
                            enum store_result *result, struct dw_error *err)
{
	return version_add(st, domain, product, in, 1, expect_number, number, result, err);
}

/* A VERSION_ROW as {"product","version","format","mediaType","fingerprint","createdAt",
 * "createdBy","changes"}. */
static int version_from_row(sqlite3_stmt *s, const char *domain, const char *product, json_t **out,
                            struct dw_error *err)
{
	json_t *v = xjson(json_object()), *changes = NULL;
	const char *ctext = col_text(s, 6);
	json_error_t jerr;

	if (ctext) {
		changes = json_loads(ctext, JSON_DECODE_ANY, &jerr);
		if (!changes) {
			json_decref(v);
			return dw_error_set(err, DW_INTERNAL,
			                    "stored changes of '%s/%s' are not valid JSON", domain,
			                    product);
		}
	}
	jset(v, "product", json_sprintf("%s/%s", domain, product));
	jset(v, "version", json_integer(sqlite3_column_int64(s, 0)));
	jset(v, "format", col_string(s, 1));
	jset(v, "mediaType", col_string(s, 2));
	jset(v, "fingerprint", col_string(s, 3));
	jset(v, "createdAt", col_time(s, 4));
	jset(v, "createdBy", col_string(s, 5));
	jset(v, "changes", changes ? changes : json_null());
	*out = v;
	return 0;
}

static int version_missing(const char *domain, const char *product, int number,
                           struct dw_error *err)
{
	if (number == 0)
		return dw_error_set(err, DW_NOT_FOUND, "product '%s/%s' has no versions", domain,
		                    product);
	return dw_error_set(err, DW_NOT_FOUND, "version %d of product '%s/%s' not found", number,
	                    domain, product);
}

int store_version_get(struct store *st, const char *domain, const char *product, int number,
                      json_t **out, struct dw_error *err)
{
	struct conn *c;
	sqlite3_stmt *s = NULL;
	long long id;
	int rc;

	*out = NULL;
	domain = domain ? domain : "";
	product = product ? product : "";
	if ((rc = conn_get(st, &c, err)) ||
	    (rc = product_live_id(c, domain, product, &id, NULL, err)))
		return rc;
	if (number < 0)
		return version_missing(domain, product, number, err);
	if ((rc = prep(c, S_VERSION_GET, &s, err)) || (rc = bindf(c, s, err, "Ii", id, number)))
		return rc;
	if ((rc = step(c, s, err)) < 0)
		return rc;
	if (rc == 0) {
		done(s);
		return version_missing(domain, product, number, err);
	}
	rc = version_from_row(s, domain, product, out, err);
	done(s);
	return rc;
}

int store_version_contract(struct store *st, const char *domain, const char *product, int number,
                           char **text, char **media_type, struct dw_error *err)
{
	struct conn *c;
	sqlite3_stmt *s = NULL;
	long long id;
	int rc;

	*text = NULL;
	*media_type = NULL;
	domain = domain ? domain : "";
	product = product ? product : "";
	if ((rc = conn_get(st, &c, err)) ||
	    (rc = product_live_id(c, domain, product, &id, NULL, err)))
		return rc;
	if (number < 0)
		return version_missing(domain, product, number, err);
	if ((rc = prep(c, S_VERSION_CONTRACT, &s, err)) ||
	    (rc = bindf(c, s, err, "Ii", id, number)))
		return rc;
	if ((rc = step(c, s, err)) < 0)
		return rc;
	if (rc == 0) {
		done(s);
		return version_missing(domain, product, number, err);
	}
	*text = xstrdup(col_text(s, 0) ? col_text(s, 0) : "");
	*media_type = xstrdup(col_text(s, 1) ? col_text(s, 1) : "");
	done(s);
	return 0;
}

int store_version_list(struct store *st, const char *domain, const char *product,
                       const struct store_page *page, json_t **items, char **next,
                       struct dw_error *err)
{
	struct conn *c;
	sqlite3_stmt *s = NULL;
	long long id, after = 0, last = 0;
	int limit, rc, n = 0;

	*items = NULL;
	*next = NULL;
	domain = domain ? domain : "";
	product = product ? product : "";
	if ((limit = page_limit(page, err)) < 0)
		return limit;
	if (page_cursor(page)) {
		char *raw, *end;
		if ((rc = cursor_parse(page_cursor(page), 'v', &raw, NULL, err)))
			return rc;
		after = strtoll(raw, &end, 10);
		rc = raw[0] < '1' || raw[0] > '9' || *end || after < 1 || after >= INT_MAX;
		free(raw);
		if (rc)
			return bad_cursor(err);
	}
	if ((rc = conn_get(st, &c, err)) ||
	    (rc = product_live_id(c, domain, product, &id, NULL, err)))
		return rc;
	if ((rc = prep(c, S_VERSION_LIST, &s, err)) ||
	    (rc = bindf(c, s, err, "IIi", id, after, limit + 1)))
		return rc;
	*items = xjson(json_array());
	while ((rc = step(c, s, err)) == 1) {
		json_t *item;
		if (++n > limit)
			break;
		if ((rc = version_from_row(s, domain, product, &item, err)))
			break;
		jappend(*items, item);
		last = sqlite3_column_int64(s, 0);
	}
	done(s);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
		return rc;
	}
	if (n > limit) {
		char num[32];
		snprintf(num, sizeof(num), "%lld", last);
		*next = cursor_make('v', num, NULL);
	}
	return 0;
}

/* Configuration ----------------------------------------------------------------------------- */

int store_config_get(struct store *st, const char *key, char **value, struct dw_error *err)
{
	struct conn *c;
	sqlite3_stmt *s = NULL;
	int rc;

	*value = NULL;
	if ((rc = conn_get(st, &c, err)) || (rc = prep(c, S_CONFIG_GET, &s, err)) ||
	    (rc = bindf(c, s, err, "t", key ? key : "")))
		return rc;
	if ((rc = step(c, s, err)) < 0)
		return rc;
	if (rc == 0) {
		done(s);
		return dw_error_set(err, DW_NOT_FOUND, "configuration '%s' is not set",
		                    key ? key : "");
	}
	*value = xstrdup(col_text(s, 0) ? col_text(s, 0) : "");
	done(s);
	return 0;
}

/* The fingerprint of a configuration entry, {"key": key, "value": value}, into fp. */
static const char *config_fp(const char *key, const char *value, char fp[FP_MAX])
{
	return fp_json(json_pack("{s:s, s:s}", "key", key, "value", value), fp);
}

/* Writes key's value (value NULL: removes it) and records the change, in c's transaction. */
static int config_write_tx(struct conn *c, const char *key, const char *value, struct dw_error *err)
{
	char before[FP_MAX], after[FP_MAX], *resource;
	sqlite3_stmt *s = NULL;
	int rc, found, same;

	if ((rc = prep(c, S_CONFIG_GET, &s, err)) || (rc = bindf(c, s, err, "t", key)))
		return rc;
	if ((found = step(c, s, err)) < 0)
		return found;
	if (found)
		config_fp(key, col_text(s, 0) ? col_text(s, 0) : "", before);
	same = found ? value && col_text(s, 0) && !strcmp(col_text(s, 0), value) : !value;
	done(s);
	if (same)
		return 0; /* nothing changes, nothing to record */
	if (value &&
	    ((rc = prep(c, S_CONFIG_PUT, &s, err)) || (rc = bindf(c, s, err, "tt", key, value))))
		return rc;
	if (!value &&
	    ((rc = prep(c, S_CONFIG_DELETE, &s, err)) || (rc = bindf(c, s, err, "t", key))))
		return rc;
	if ((rc = run(c, s, err)))
		return rc;
	resource = xasprintf("/config/%s", key);
	rc = change_add(c, value ? "config.put" : "config.delete", resource, found ? before : NULL,
	                value ? config_fp(key, value, after) : NULL, err);
	free(resource);
	return rc;
}

int store_config_put(struct store *st, const char *key, const char *value, struct dw_error *err)
{
	struct conn *c;
	int rc;

	if (!key || !*key || !value)
		return dw_error_set(err, DW_INVALID, "configuration needs a key and a value");
	if ((rc = conn_get(st, &c, err)) || (rc = tx_begin(c, err)))
		return rc;
	rc = config_write_tx(c, key, value, err);
	return tx_end(c, rc, err);
}

int store_config_delete(struct store *st, const char *key, struct dw_error *err)
{
	struct conn *c;
	int rc;

	if ((rc = conn_get(st, &c, err)) || (rc = tx_begin(c, err)))
		return rc;
	rc = config_write_tx(c, key ? key : "", NULL, err);
	return tx_end(c, rc, err);
}

/* The Confluent-compatible API's view ------------------------------------------------------- */

int store_schema_id(struct store *st, const char *format, const char *fingerprint, long long *id,
                    struct dw_error *err)
{
	struct conn *c;
	sqlite3_stmt *s = NULL;
	int rc;

	*id = 0;
	if ((rc = conn_get(st, &c, err)) || (rc = prep(c, S_SCHEMA_ID_GET, &s, err)) ||
	    (rc = bindf(c, s, err, "tt", format ? format : "", fingerprint ? fingerprint : "")))
		return rc;
	if ((rc = step(c, s, err)) < 0)
		return rc;
	if (rc == 1)
		*id = sqlite3_column_int64(s, 0);
	done(s);
	return rc == 1 ? 0 : dw_error_set(err, DW_NOT_FOUND, "schema not found");
}

int store_schema_get(struct store *st, long long id, char **format, char **text, char **refs,
                     struct dw_error *err)
{
	struct conn *c;
	sqlite3_stmt *s = NULL;
	int rc;

	*format = *text = NULL;
	if (refs)
		*refs = NULL;
	if ((rc = conn_get(st, &c, err)) || (rc = prep(c, S_SCHEMA_BY_ID, &s, err)) ||
	    (rc = bindf(c, s, err, "I", id)))
		return rc;
	if ((rc = step(c, s, err)) < 0)
		return rc;
	if (rc == 1 && col_text(s, 1)) {
		*format = xstrdup(col_text(s, 0) ? col_text(s, 0) : "");
		*text = xstrdup(col_text(s, 1));
		if (refs)
			*refs = xstrdup(col_text(s, 2) ? col_text(s, 2) : "[]");
	}
	done(s);
	return *text ? 0 : dw_error_set(err, DW_NOT_FOUND, "schema %lld not found", id);
}

int store_schema_contract(struct store *st, long long id, char **text, struct dw_error *err)
{
	struct conn *c;
	sqlite3_stmt *s = NULL;
	int rc;

	*text = NULL;
	if ((rc = conn_get(st, &c, err)) || (rc = prep(c, S_SCHEMA_CONTRACT, &s, err)) ||
	    (rc = bindf(c, s, err, "I", id)))
		return rc;
	if ((rc = step(c, s, err)) < 0)
		return rc;
	if (rc == 1 && col_text(s, 0))
		*text = xstrdup(col_text(s, 0));
	done(s);
	return *text ? 0 : dw_error_set(err, DW_NOT_FOUND, "schema %lld not found", id);
}

int store_schema_taken(struct store *st, long long id, struct dw_error *err)
{
	struct conn *c;
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = conn_get(st, &c, err)) || (rc = prep(c, S_SCHEMA_TAKEN, &s, err)) ||
	    (rc = bindf(c, s, err, "I", id)))
		return rc;
	if ((rc = step(c, s, err)) < 0)
		return rc;
	done(s);
	return rc == 1 ? dw_error_set(err, DW_CONFLICT, "schema id %lld is taken", id) : 0;
}

int store_schema_referrers(struct store *st, const char *subject, int version, json_t **ids,
                           struct dw_error *err)
{
	struct conn *c;
	sqlite3_stmt *s = NULL;
	int rc;

	*ids = NULL;
	if ((rc = conn_get(st, &c, err)) || (rc = prep(c, S_SCHEMA_REFERRERS, &s, err)) ||
	    (rc = bindf(c, s, err, "ti", subject, version)))
		return rc;
	*ids = xjson(json_array());
	while ((rc = step(c, s, err)) == 1)
		jappend(*ids, json_integer(sqlite3_column_int64(s, 0)));
	done(s);
	if (rc < 0) {
		json_decref(*ids);
		*ids = NULL;
		return rc;
	}
	return 0;
}

int store_schema_uses(struct store *st, long long id, json_t **items, struct dw_error *err)
{
	struct conn *c;
	sqlite3_stmt *s = NULL;
	int rc;

	*items = NULL;
	if ((rc = conn_get(st, &c, err)) || (rc = prep(c, S_SCHEMA_USES, &s, err)) ||
	    (rc = bindf(c, s, err, "I", id)))
		return rc;
	*items = xjson(json_array());
	while ((rc = step(c, s, err)) == 1)
		jappend(*items,
		        json_pack("{s:s, s:s, s:I, s:b}", "domain", col_text(s, 0), "product",
		                  col_text(s, 1), "version", (json_int_t)sqlite3_column_int64(s, 2),
		                  "hidden", sqlite3_column_int(s, 3)));
	done(s);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
		return rc;
	}
	return 0;
}

int store_subject_versions(struct store *st, const char *domain, const char *product,
                           json_t **items, struct dw_error *err)
{
	struct conn *c;
	sqlite3_stmt *s = NULL;
	long long pid;
	int rc;

	*items = NULL;
	if ((rc = conn_get(st, &c, err)) ||
	    (rc =
	         product_live_id(c, domain ? domain : "", product ? product : "", &pid, NULL, err)))
		return rc;
	if ((rc = prep(c, S_CC_VERSIONS, &s, err)) || (rc = bindf(c, s, err, "I", pid)))
		return rc;
	*items = xjson(json_array());
	while ((rc = step(c, s, err)) == 1)
		jappend(*items, json_pack("{s:I, s:I, s:s, s:b}", "version",
		                          (json_int_t)sqlite3_column_int64(s, 0), "id",
		                          (json_int_t)sqlite3_column_int64(s, 1), "format",
		                          col_text(s, 2) ? col_text(s, 2) : "", "hidden",
		                          sqlite3_column_int(s, 3)));
	done(s);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
		return rc;
	}
	return 0;
}

/* The fingerprint of a version's visibility, {"fingerprint": the contract's, "hidden"}. */
static const char *visibility_fp(const char *fingerprint, int hidden, char fp[FP_MAX])
{
	return fp_json(json_pack("{s:s, s:b}", "fingerprint", fingerprint, "hidden", hidden), fp);
}

/* Records a visibility change of version number (contract fingerprint vfp, hidden before). */
static int version_hide_log(struct conn *c, const char *domain, const char *product, int number,
                            enum store_hide how, const char *vfp, int hidden, struct dw_error *err)
{
	static const char *const actions[] = {
	    [STORE_HIDE] = "version.hide",
	    [STORE_UNHIDE] = "version.unhide",
	    [STORE_PURGE] = "version.purge",
	};
	char before[FP_MAX], after[FP_MAX], *resource;
	int rc;

	if ((how == STORE_HIDE && hidden) || (how == STORE_UNHIDE && !hidden))
		return 0; /* nothing changed */
	resource = xasprintf("/domains/%s/products/%s/versions/%d", domain, product, number);
	rc = change_add(c, actions[how], resource, visibility_fp(vfp, hidden, before),
	                how == STORE_PURGE ? NULL : visibility_fp(vfp, how == STORE_HIDE, after),
	                err);
	free(resource);
	return rc;
}

static int version_hide_tx(struct conn *c, const char *domain, const char *product, int number,
                           enum store_hide how, struct dw_error *err)
{
	sqlite3_stmt *s = NULL;
	long long pid, vid;
	char vfp[FP_MAX];
	int rc, hidden;

	if ((rc = product_live_id(c, domain, product, &pid, NULL, err)))
		return rc;
	if ((rc = prep(c, S_VERSION_ROW_ID, &s, err)) || (rc = bindf(c, s, err, "Ii", pid, number)))
		return rc;
	if ((rc = step(c, s, err)) < 0)
		return rc;
	if (rc == 0) {
		done(s);
		return version_missing(domain, product, number, err);
	}
	vid = sqlite3_column_int64(s, 0);
	hidden = sqlite3_column_int(s, 1);
	snprintf(vfp, sizeof(vfp), "%s", col_text(s, 2) ? col_text(s, 2) : "");
	done(s);
	if (how != STORE_HIDE && how != STORE_UNHIDE && how != STORE_PURGE)
		return dw_error_set(err, DW_INTERNAL, "unknown version visibility change");
	if ((rc = version_hide_log(c, domain, product, number, how, vfp, hidden, err)))
		return rc;
	switch (how) {
	case STORE_HIDE:
		if ((rc = prep(c, S_HIDE, &s, err)) ||
		    (rc = bindf(c, s, err, "II", vid, now_unix())))
			return rc;
		return run(c, s, err);
	case STORE_UNHIDE:
		if ((rc = prep(c, S_UNHIDE, &s, err)) || (rc = bindf(c, s, err, "I", vid)))
			return rc;
		return run(c, s, err);
	case STORE_PURGE:
		if (!hidden)
			return dw_error_set(err, DW_PRECONDITION,
			                    "version %d of product '%s/%s' was not soft-deleted "
			                    "first",
			                    number, domain, product);
		if ((rc = prep(c, S_VERSION_PURGE, &s, err)) || (rc = bindf(c, s, err, "I", vid)) ||
		    (rc = run(c, s, err)))
			return rc;
		/* its number is never given again */
		if ((rc = prep(c, S_FLOOR_RAISE, &s, err)) ||
		    (rc = bindf(c, s, err, "Ii", pid, number)) || (rc = run(c, s, err)))
			return rc;
		if ((rc = prep(c, S_UNHIDE, &s, err)) || (rc = bindf(c, s, err, "I", vid)))
			return rc;
		return run(c, s, err);
	}
	return dw_error_set(err, DW_INTERNAL, "unknown version visibility change");
}

int store_version_hide(struct store *st, const char *domain, const char *product, int number,
                       enum store_hide how, struct dw_error *err)
{
	struct conn *c;
	int rc;

	if ((rc = conn_get(st, &c, err)) || (rc = tx_begin(c, err)))
		return rc;
	rc = version_hide_tx(c, domain ? domain : "", product ? product : "", number, how, err);
	return tx_end(c, rc, err);
}

/* The fingerprint of a subject's binding, {"subject", "product": "domain/product"}. */
static const char *binding_fp(const char *subject, const char *ref, char fp[FP_MAX])
{
	return fp_json(json_pack("{s:s, s:s}", "subject", subject, "product", ref), fp);
}

static int subject_bind_tx(struct conn *c, const char *subject, const char *domain,
                           const char *product, struct dw_error *err)
{
	char before[FP_MAX], after[FP_MAX], *ref, *resource;
	sqlite3_stmt *s = NULL;
	long long pid;
	int rc, found, same;

	if ((rc = product_live_id(c, domain, product, &pid, NULL, err)))
		return rc;
	ref = xasprintf("%s/%s", domain, product);
	if ((rc = prep(c, S_SUBJECT_GET, &s, err)) || (rc = bindf(c, s, err, "t", subject)))
		goto out;
	if ((rc = found = step(c, s, err)) < 0)
		goto out;
	same = found && col_text(s, 0) && !strcmp(col_text(s, 0), ref);
	if (found)
		binding_fp(subject, col_text(s, 0) ? col_text(s, 0) : "", before);
	done(s);
	rc = 0;
	if (same)
		goto out; /* bound to it already */
	if ((rc = prep(c, S_SUBJECT_BIND, &s, err)) ||
	    (rc = bindf(c, s, err, "tI", subject, pid)) || (rc = run(c, s, err)))
		goto out;
	resource = xasprintf("/subjects/%s", subject);
	rc = change_add(c, "subject.bind", resource, found ? before : NULL,
	                binding_fp(subject, ref, after), err);
	free(resource);
out:
	free(ref);
	return rc;
}

int store_subject_bind(struct store *st, const char *subject, const char *domain,
                       const char *product, struct dw_error *err)
{
	struct conn *c;
	int rc;

	if ((rc = conn_get(st, &c, err)) || (rc = tx_begin(c, err)))
		return rc;
	rc = subject_bind_tx(c, subject ? subject : "", domain ? domain : "",
	                     product ? product : "", err);
	return tx_end(c, rc, err);
}

int store_subject_products(struct store *st, const char *subject, const char *topic, json_t **items,
                           struct dw_error *err)
{
	char domain[64] = "";
	const char *name = "", *dot = topic ? strchr(topic, '.') : NULL;
	struct conn *c;
	sqlite3_stmt *s = NULL;
	int rc;

	*items = NULL;
	/* a default topic is "<domain>.<name>", and domain names hold no dot */
	if (dot && (size_t)(dot - topic) < sizeof(domain)) {
		memcpy(domain, topic, (size_t)(dot - topic));
		domain[dot - topic] = '\0';
		name = dot + 1;
	}
	if ((rc = conn_get(st, &c, err)) || (rc = prep(c, S_SUBJECT_PRODUCTS, &s, err)) ||
	    (rc = bindf(c, s, err, "tttt", subject ? subject : "", topic ? topic : "", domain,
	                name)))
		return rc;
	*items = xjson(json_array());
	while ((rc = step(c, s, err)) == 1)
		jappend(*items,
		        json_pack("{s:s, s:s, s:b, s:b}", "domain", col_text(s, 0), "product",
		                  col_text(s, 1), "bound", sqlite3_column_int(s, 2) == 1,
		                  "declared", sqlite3_column_int(s, 2) == 2));
	done(s);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
		return rc;
	}
	return 0;
}

int store_subject_list(struct store *st, json_t **items, struct dw_error *err)
{
	struct conn *c;
	sqlite3_stmt *s = NULL;
	int rc;

	*items = NULL;
	if ((rc = conn_get(st, &c, err)) || (rc = prep(c, S_SUBJECT_LIST, &s, err)))
		return rc;
	*items = xjson(json_array());
	while ((rc = step(c, s, err)) == 1)
		jappend(*items,
		        json_pack("{s:s, s:s, s:o, s:s, s:I, s:I}", "domain", col_text(s, 0),
		                  "product", col_text(s, 1), "subject", col_string(s, 2), "topic",
		                  col_text(s, 3) ? col_text(s, 3) : "", "live",
		                  (json_int_t)sqlite3_column_int64(s, 4), "all",
		                  (json_int_t)sqlite3_column_int64(s, 5)));
	done(s);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
		return rc;
	}
	return 0;
}

/* Contracts for compatibility checks -------------------------------------------------------- */

static int version_find(struct store *st, const char *domain, const char *product,
                        const char *fingerprint, int skip_hidden, int *number, struct dw_error *err)
{
	struct conn *c;
	sqlite3_stmt *s = NULL;
	long long id;
	int rc;

	*number = 0;
	domain = domain ? domain : "";
	product = product ? product : "";
	if ((rc = conn_get(st, &c, err)) ||
	    (rc = product_live_id(c, domain, product, &id, NULL, err)))
		return rc;
	if ((rc = prep(c, S_VERSION_BY_FP, &s, err)) ||
	    (rc = bindf(c, s, err, "Iti", id, fingerprint ? fingerprint : "", skip_hidden)))
		return rc;
	if ((rc = step(c, s, err)) < 0)
		return rc;
	if (rc == 1)
		*number = sqlite3_column_int(s, 0);
	done(s);
	if (rc == 0)
		return dw_error_set(err, DW_NOT_FOUND,
		                    "product '%s/%s' has no version with fingerprint '%s'", domain,
		                    product, fingerprint ? fingerprint : "");
	return 0;
}

int store_version_find(struct store *st, const char *domain, const char *product,
                       const char *fingerprint, int *number, struct dw_error *err)
{
	return version_find(st, domain, product, fingerprint, 0, number, err);
}

int store_version_find_shown(struct store *st, const char *domain, const char *product,
                             const char *fingerprint, int *number, struct dw_error *err)
{
	return version_find(st, domain, product, fingerprint, 1, number, err);
}

void store_contracts_free(struct store_contract *list, size_t n)
{
	for (size_t i = 0; list && i < n; i++) {
		free(list[i].format);
		free(list[i].text);
	}
	free(list);
}

int store_version_contracts(struct store *st, const char *domain, const char *product,
                            int latest_only, struct store_contract **out, size_t *n,
                            struct dw_error *err)
{
	struct store_contract *list = NULL;
	size_t count = 0, cap = 0;
	struct conn *c;
	sqlite3_stmt *s = NULL;
	long long id;
	int rc;

	*out = NULL;
	*n = 0;
	domain = domain ? domain : "";
	product = product ? product : "";
	if ((rc = conn_get(st, &c, err)) ||
	    (rc = product_live_id(c, domain, product, &id, NULL, err)))
		return rc;
	if ((rc = prep(c, latest_only ? S_VERSION_LATEST_TEXT : S_VERSION_TEXTS, &s, err)) ||
	    (rc = bindf(c, s, err, "I", id)))
		return rc;
	while ((rc = step(c, s, err)) == 1) {
		if (count == cap) {
			cap = cap ? cap * 2 : 16;
			list = xrealloc(list, cap * sizeof(*list));
		}
		list[count].number = sqlite3_column_int(s, 0);
		list[count].format = xstrdup(col_text(s, 1) ? col_text(s, 1) : "");
		list[count].text = xstrdup(col_text(s, 2) ? col_text(s, 2) : "");
		list[count].hidden = sqlite3_column_int(s, 3);
		count++;
	}
	done(s);
	if (rc < 0) {
		store_contracts_free(list, count);
		return rc;
	}
	*out = list;
	*n = count;
	return 0;
}

/* Flows ------------------------------------------------------------------------------------- */

/*
 * Makes the flows of consumer product id those of doc's spec.consumes (doc NULL: none, for a
 * deleted product). A flow is one (provider, pattern) of the consumer: one already recorded
 * keeps its id and gets the entry's new constraints; the others are added or removed.
 */
static int flows_sync(struct conn *c, long long id, const json_t *doc, struct dw_error *err)
{
	const json_t *consumes = json_object_get(json_object_get(doc, "spec"), "consumes");
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = prep(c, S_FLOW_MARK, &s, err)) || (rc = bindf(c, s, err, "I", id)) ||
	    (rc = run(c, s, err)))
		return rc;
	for (size_t i = 0; i < json_array_size(consumes); i++) {
		const json_t *entry = json_array_get(consumes, i);
		const char *ref = json_string_value(json_object_get(entry, "product"));
		const char *pattern = json_string_value(json_object_get(entry, "pattern"));
		const char *slash = ref ? strchr(ref, '/') : NULL;
		char domain[128], *text;

		if (!pattern || !slash || slash == ref || !slash[1] ||
		    (size_t)(slash - ref) >= sizeof(domain))
			continue; /* the descriptor's checks refuse these; nothing to record */
		memcpy(domain, ref, (size_t)(slash - ref));
		domain[slash - ref] = '\0';
		text = json_dumps(entry, JSON_COMPACT | JSON_PRESERVE_ORDER | DW_JSON_REALS);
		if (!text)
			return dw_error_set(err, DW_INVALID, "consumes entry cannot be serialized");
		rc = prep(c, S_FLOW_UPSERT, &s, err);
		if (!rc)
			rc = bindf(c, s, err, "Itttit", id, domain, slash + 1, pattern, (int)i,
			           text);
		if (!rc)
			rc = run(c, s, err);
		free(text);
		if (rc)
			return rc;
	}
	if ((rc = prep(c, S_FLOW_SWEEP, &s, err)) || (rc = bindf(c, s, err, "I", id)))
		return rc;
	return run(c, s, err);
}

/* A FLOW_ROW as {"id","consumer","provider","pattern", the entry's other members,
 * "providerRegistered"}. */
static int flow_from_row(sqlite3_stmt *s, json_t **out, struct dw_error *err)
{
	json_t *entry, *f = xjson(json_object()), *v;
	const char *key;
	int rc;

	if ((rc = col_doc(s, 6, &entry, err))) {
		json_decref(f);
		return rc;
	}
	jset(f, "id", json_integer(sqlite3_column_int64(s, 0)));
	jset(f, "consumer", json_sprintf("%s/%s", col_text(s, 1), col_text(s, 2)));
	jset(f, "provider", json_sprintf("%s/%s", col_text(s, 3), col_text(s, 4)));
	jset(f, "pattern", col_string(s, 5));
	json_object_foreach(entry, key, v)
	{
		if (strcmp(key, "product") != 0 && strcmp(key, "pattern") != 0)
			jset(f, key, json_incref(v));
	}
	json_decref(entry);
	jset(f, "providerRegistered", json_boolean(sqlite3_column_int(s, 7)));
	*out = f;
	return 0;
}

/* Splits "domain/product" into domain (size bytes) and *name; -1 when it is not one. */
static int ref_split(const char *ref, char *domain, size_t size, const char **name)
{
	const char *slash = ref ? strchr(ref, '/') : NULL;

	if (!slash || slash == ref || !slash[1] || strchr(slash + 1, '/') ||
	    (size_t)(slash - ref) >= size)
		return -1;
	memcpy(domain, ref, (size_t)(slash - ref));
	domain[slash - ref] = '\0';
	*name = slash + 1;
	return 0;
}

/* Runs a flow listing statement (parameters bound) into *items, at most limit rows (limit < 0:
 * all); *last is the id of the last row read. */
static int flow_rows(struct conn *c, sqlite3_stmt *s, int limit, json_t **items, int *more,
                     long long *last, struct dw_error *err)
{
	int rc, n = 0;

	*items = xjson(json_array());
	*more = 0;
	while ((rc = step(c, s, err)) == 1) {
		json_t *item;

		if (limit >= 0 && ++n > limit) {
			*more = 1;
			break;
		}
		if ((rc = flow_from_row(s, &item, err)))
			break;
		jappend(*items, item);
		*last = sqlite3_column_int64(s, 0);
	}
	done(s);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
		return rc;
	}
	return 0;
}

int store_flow_list(struct store *st, const struct store_flow_filter *filter,
                    const struct store_page *page, json_t **items, char **next,
                    struct dw_error *err)
{
	char pdomain[128], cdomain[128];
	const char *pname = NULL, *cname = NULL, *pattern = filter ? filter->pattern : NULL;
	struct conn *c;
	sqlite3_stmt *s = NULL;
	long long after = 0, last = 0;
	int limit, rc, more;

	*items = NULL;
	*next = NULL;
	if ((limit = page_limit(page, err)) < 0)
		return limit;
	if (filter && filter->provider &&
	    ref_split(filter->provider, pdomain, sizeof(pdomain), &pname))
		return dw_error_set(err, DW_MALFORMED,
		                    "invalid provider '%s' (expected "
		                    "'domain/product')",
		                    filter->provider);
	if (filter && filter->consumer &&
	    ref_split(filter->consumer, cdomain, sizeof(cdomain), &cname))
		return dw_error_set(err, DW_MALFORMED,
		                    "invalid consumer '%s' (expected "
		                    "'domain/product')",
		                    filter->consumer);
	if (page_cursor(page)) {
		char *raw, *end;
		if ((rc = cursor_parse(page_cursor(page), 'f', &raw, NULL, err)))
			return rc;
		after = strtoll(raw, &end, 10);
		rc = raw[0] < '1' || raw[0] > '9' || *end || after < 1 || after == LLONG_MAX;
		free(raw);
		if (rc)
			return bad_cursor(err);
	}
	if ((rc = conn_get(st, &c, err)) ||
	    (rc = prep(c, pname ? S_FLOW_LIST_PROVIDER : S_FLOW_LIST, &s, err)) ||
	    (rc = bindf(c, s, err, "Ittttti", after, pname ? pdomain : NULL, pname,
	                cname ? cdomain : NULL, cname, pattern, limit + 1)))
		return rc;
	if ((rc = flow_rows(c, s, limit, items, &more, &last, err)))
		return rc;
	if (more) {
		char num[32];
		snprintf(num, sizeof(num), "%lld", last);
		*next = cursor_make('f', num, NULL);
	}
	return 0;
}

int store_flow_get(struct store *st, long long id, json_t **out, struct dw_error *err)
{
	struct conn *c;
	sqlite3_stmt *s = NULL;
	int rc;

	*out = NULL;
	if ((rc = conn_get(st, &c, err)) || (rc = prep(c, S_FLOW_GET, &s, err)) ||
	    (rc = bindf(c, s, err, "I", id)))
		return rc;
	if ((rc = step(c, s, err)) < 0)
		return rc;
	if (rc == 0) {
		done(s);
		return dw_error_set(err, DW_NOT_FOUND, "flow %lld not found", id);
	}
	rc = flow_from_row(s, out, err);
	done(s);
	return rc;
}

int store_flow_consumers(struct store *st, const char *domain, const char *product, json_t **items,
                         struct dw_error *err)
{
	struct conn *c;
	sqlite3_stmt *s = NULL;
	long long last = 0;
	int rc, more;

	*items = NULL;
	if ((rc = conn_get(st, &c, err)) || (rc = prep(c, S_FLOW_LIST_PROVIDER, &s, err)) ||
	    (rc = bindf(c, s, err, "Ittttti", 0LL, domain ? domain : "", product ? product : "",
	                NULL, NULL, NULL, -1)))
		return rc;
	return flow_rows(c, s, -1, items, &more, &last, err);
}

/* Tokens ------------------------------------------------------------------------------------ */

static json_t *token_from_row(sqlite3_stmt *s)
{
	json_t *t = xjson(json_object());

	jset(t, "id", json_integer(sqlite3_column_int64(s, 0)));
	jset(t, "name", col_string(s, 1));
	jset(t, "scope", col_string(s, 2));
	jset(t, "createdAt", col_time(s, 3));
	jset(t, "expiresAt", col_time(s, 4));
	jset(t, "lastUsedAt", col_time(s, 5));
	jset(t, "revokedAt", col_time(s, 6));
	return t;
}

/* The fingerprint of a token's record (never of its secret or hash):
 * {"id", "name", "scope", "expiresAt": Unix time or null, "revoked"}. */
static const char *token_fp(long long id, const char *name, const char *scope, long long expires_at,
                            int revoked, char fp[FP_MAX])
{
	return fp_json(json_pack("{s:I, s:s, s:s, s:o, s:b}", "id", (json_int_t)id, "name", name,
	                         "scope", scope, "expiresAt",
	                         expires_at ? json_integer(expires_at) : json_null(), "revoked",
	                         revoked),
	               fp);
}

/* "/domains/<scope>/tokens/<id>", or "/tokens/<id>" for the admin's (malloc'd). */
static char *token_resource(const char *scope, long long id)
{
	if (!strcmp(scope, "admin"))
		return xasprintf("/tokens/%lld", id);
	return xasprintf("/domains/%s/tokens/%lld", scope, id);
}

static int token_add_tx(struct conn *c, const char *name, const char *scope, const char *hash_hex,
                        long long expires_at, long long *id, struct dw_error *err)
{
	char after[FP_MAX], *resource;
	long long now = now_unix();
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = prep(c, S_TOKEN_LIVE_NAME, &s, err)) ||
	    (rc = bindf(c, s, err, "ttI", scope, name, now)))
		return rc;
	if ((rc = step(c, s, err)) < 0)
		return rc;
	done(s);
	if (rc == 1)
		return dw_error_set(err, DW_CONFLICT, "token '%s' already exists in scope '%s'",
		                    name, scope);
	if ((rc = prep(c, S_TOKEN_INSERT, &s, err)) ||
	    (rc = bindf(c, s, err, "tttIN", name, scope, hash_hex, now, expires_at)) ||
	    (rc = run(c, s, err)))
		return rc;
	*id = sqlite3_last_insert_rowid(c->db);
	resource = token_resource(scope, *id);
	rc = change_add(c, "token.create", resource, NULL,
	                token_fp(*id, name, scope, expires_at, 0, after), err);
	free(resource);
	return rc;
}

int store_token_add(struct store *st, const char *name, const char *scope, const char *hash_hex,
                    long long expires_at, long long *id, struct dw_error *err)
{
	struct conn *c;
	long long tid = 0;
	int rc;

	if (!name || !*name || !scope || !*scope || !hash_hex || !*hash_hex)
		return dw_error_set(err, DW_INVALID, "token needs a name, a scope and a hash");
	if ((rc = conn_get(st, &c, err)) || (rc = tx_begin(c, err)))
		return rc;
	rc = token_add_tx(c, name, scope, hash_hex, expires_at, &tid, err);
	if ((rc = tx_end(c, rc, err)))
		return rc;
	if (id)
		*id = tid;
	return 0;
}

/* Equal strings, in time that depends only on their lengths. */
static int hash_equal(const char *a, const char *b)
{
	size_t n = strlen(a);
	volatile unsigned char diff = 0;

	if (strlen(b) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)a[i] ^ (unsigned char)b[i];
	return diff == 0;
}

int store_token_lookup(struct store *st, const char *hash_hex, json_t **token, struct dw_error *err)
{
	long long now = now_unix(), id, last_used = 0;
	int rc, ok, touch;
	struct conn *c;
	sqlite3_stmt *s = NULL;
	json_t *t;

	*token = NULL;
	if (!hash_hex)
		return dw_error_set(err, DW_NOT_FOUND, "token not found");
	if ((rc = conn_get(st, &c, err)) || (rc = prep(c, S_TOKEN_LOOKUP, &s, err)) ||
	    (rc = bindf(c, s, err, "tI", hash_hex, now)))
		return rc;
	if ((rc = step(c, s, err)) < 0)
		return rc;
	ok = rc == 1 && col_text(s, 7) && hash_equal(col_text(s, 7), hash_hex);
	if (!ok) {
		done(s);
		return dw_error_set(err, DW_NOT_FOUND, "token not found");
	}
	id = sqlite3_column_int64(s, 0);
	touch = sqlite3_column_type(s, 5) == SQLITE_NULL;
	if (!touch)
		last_used = sqlite3_column_int64(s, 5);
	touch = touch || now - last_used >= LAST_USED_STEP || now < last_used;
	t = token_from_row(s);
	done(s);
	if (touch) {
		/* one statement, so its own transaction; a read-only or busy store still
		 * authenticates, it only cannot record the use */
		struct dw_error terr;
		rc = prep(c, S_TOKEN_TOUCH, &s, &terr);
		if (!rc && !(rc = bindf(c, s, &terr, "II", id, now)))
			rc = run(c, s, &terr);
		if (rc && rc != DW_UNAVAILABLE) {
			json_decref(t);
			if (err)
				*err = terr;
			return rc;
		}
		if (!rc)
			jset(t, "lastUsedAt", json_time(now));
	}
	*token = t;
	return 0;
}

int store_token_list(struct store *st, const char *scope, json_t **items, struct dw_error *err)
{
	struct conn *c;
	sqlite3_stmt *s = NULL;
	int rc;

	*items = NULL;
	if ((rc = conn_get(st, &c, err)))
		return rc;
	if (scope)
		rc = prep(c, S_TOKEN_LIST_SCOPE, &s, err);
	else
		rc = prep(c, S_TOKEN_LIST_ALL, &s, err);
	if (rc || (scope && (rc = bindf(c, s, err, "t", scope))))
		return rc;
	*items = xjson(json_array());
	while ((rc = step(c, s, err)) == 1)
		jappend(*items, token_from_row(s));
	done(s);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
		return rc;
	}
	return 0;
}

/* 0 when a live admin token other than id remains, else DW_CONFLICT: revoking the last one
 * would leave nobody able to manage the registry. */
static int admins_left(struct conn *c, long long id, const char *name, struct dw_error *err)
{
	sqlite3_stmt *s = NULL;
	long long n;
	int rc;

	if ((rc = prep(c, S_ADMINS_LEFT, &s, err)) || (rc = bindf(c, s, err, "II", id, now_unix())))
		return rc;
	if ((rc = step(c, s, err)) < 0)
		return rc;
	n = rc == 1 ? sqlite3_column_int64(s, 0) : 0;
	done(s);
	if (n == 0)
		return dw_error_set(err, DW_CONFLICT,
		                    "refusing to revoke '%s', the last live admin token (create "
		                    "another admin token first)",
		                    name);
	return 0;
}

/* The scope of token id into scope (scope_size bytes), DW_NOT_FOUND when there is none. */
static int token_scope(struct conn *c, long long id, char *scope, size_t scope_size,
                       struct dw_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = prep(c, S_TOKEN_SCOPE, &s, err)) || (rc = bindf(c, s, err, "I", id)))
		return rc;
	if ((rc = step(c, s, err)) < 0)
		return rc;
	if (rc == 1)
		snprintf(scope, scope_size, "%s", col_text(s, 0) ? col_text(s, 0) : "");
	done(s);
	if (rc == 0)
		return dw_error_set(err, DW_NOT_FOUND, "token %lld not found", id);
	return 0;
}

static int token_revoke_tx(struct conn *c, const char *scope, long long id, struct dw_error *err)
{
	char before[FP_MAX], after[FP_MAX], *name, *resource;
	sqlite3_stmt *s = NULL;
	long long expires;
	int rc;

	if ((rc = prep(c, S_TOKEN_GET, &s, err)) || (rc = bindf(c, s, err, "It", id, scope)))
		return rc;
	if ((rc = step(c, s, err)) < 0)
		return rc;
	if (rc == 0 || sqlite3_column_type(s, 2) != SQLITE_NULL) {
		done(s);
		return dw_error_set(err, DW_NOT_FOUND, "token %lld not found in scope '%s'", id,
		                    scope);
	}
	name = xstrdup(col_text(s, 0) ? col_text(s, 0) : "");
	expires = sqlite3_column_int64(s, 1);
	done(s);
	if (!strcmp(scope, "admin") && (rc = admins_left(c, id, name, err))) {
		free(name);
		return rc;
	}
	if ((rc = prep(c, S_TOKEN_REVOKE, &s, err)) ||
	    (rc = bindf(c, s, err, "ItI", id, scope, now_unix())) || (rc = run(c, s, err))) {
		free(name);
		return rc;
	}
	resource = token_resource(scope, id);
	rc = change_add(c, "token.revoke", resource, token_fp(id, name, scope, expires, 0, before),
	                token_fp(id, name, scope, expires, 1, after), err);
	free(resource);
	free(name);
	return rc;
}

int store_token_revoke(struct store *st, const char *scope, long long id, struct dw_error *err)
{
	char any[256];
	struct conn *c;
	int rc;

	if ((rc = conn_get(st, &c, err)) || (rc = tx_begin(c, err)))
		return rc;
	if (!scope) {
		rc = token_scope(c, id, any, sizeof(any), err);
		scope = any;
	}
	if (!rc)
		rc = token_revoke_tx(c, scope, id, err);
	return tx_end(c, rc, err);
}

int store_change_list(struct store *st, long long since_id, long long since_time,
                      const struct store_page *page, json_t **items, char **next,
                      struct dw_error *err)
{
	struct conn *c;
	sqlite3_stmt *s = NULL;
	long long after = since_id > 0 ? since_id : 0, last = 0;
	int limit, rc, n = 0;

	*items = NULL;
	*next = NULL;
	if ((limit = page_limit(page, err)) < 0)
		return limit;
	if (page_cursor(page)) {
		char *raw = NULL, *end;
		long long v;

		if ((rc = cursor_parse(page_cursor(page), 'c', &raw, NULL, err)))
			return rc;
		v = strtoll(raw, &end, 10);
		if (end == raw || *end || v < 0) {
			free(raw);
			return bad_cursor(err);
		}
		free(raw);
		after = v > after ? v : after;
	}
	if ((rc = conn_get(st, &c, err)) || (rc = prep(c, S_CHANGE_LIST, &s, err)) ||
	    (rc = bindf(c, s, err, "IIi", after, since_time, limit + 1)))
		return rc;
	*items = xjson(json_array());
	while ((rc = step(c, s, err)) == 1) {
		json_t *item;

		if (++n > limit)
			break;
		last = sqlite3_column_int64(s, 0);
		item = xjson(json_object());
		jset(item, "id", json_integer(last));
		jset(item, "at", col_time(s, 1));
		jset(item, "who", col_string(s, 2));
		jset(item, "scope", col_string(s, 3));
		jset(item, "action", col_string(s, 4));
		jset(item, "resource", col_string(s, 5));
		jset(item, "before", col_string(s, 6));
		jset(item, "after", col_string(s, 7));
		jappend(*items, item);
	}
	done(s);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
		return rc;
	}
	if (n > limit) {
		char num[32];

		snprintf(num, sizeof(num), "%lld", last);
		*next = cursor_make('c', num, NULL);
	}
	return 0;
}

int store_token_count(struct store *st, long long *n, struct dw_error *err)
{
	struct conn *c;
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = conn_get(st, &c, err)) || (rc = prep(c, S_TOKEN_COUNT, &s, err)))
		return rc;
	if ((rc = step(c, s, err)) < 0)
		return rc;
	*n = rc == 1 ? sqlite3_column_int64(s, 0) : 0;
	done(s);
	return 0;
}

/* Statistics -------------------------------------------------------------------------------- */

int store_stats(struct store *st, int recent, json_t **out, struct dw_error *err)
{
	struct conn *c;
	sqlite3_stmt *s = NULL;
	json_t *stats, *kinds, *domains, *versions;
	int rc;

	*out = NULL;
	if (recent < 0 || recent > STORE_STATS_RECENT_MAX)
		return dw_error_set(err, DW_MALFORMED, "invalid recent count %d (expected 0 to %d)",
		                    recent, STORE_STATS_RECENT_MAX);
	if ((rc = conn_get(st, &c, err)) || (rc = prep(c, S_STATS_TOTALS, &s, err)))
		return rc;
	if ((rc = step(c, s, err)) < 0)
		return rc;
	stats = xjson(json_object());
	jset(stats, "domains", json_integer(sqlite3_column_int64(s, 0)));
	jset(stats, "products", json_integer(sqlite3_column_int64(s, 1)));
	jset(stats, "versions", json_integer(sqlite3_column_int64(s, 2)));
	done(s);
	kinds = xjson(json_object());
	jset(stats, "kinds", kinds);
	if ((rc = prep(c, S_STATS_KINDS, &s, err)))
		goto fail;
	while ((rc = step(c, s, err)) == 1)
		if (col_text(s, 0))
			jset(kinds, col_text(s, 0), json_integer(sqlite3_column_int64(s, 1)));
	done(s);
	if (rc < 0)
		goto fail;
	domains = xjson(json_array());
	jset(stats, "byDomain", domains);
	if ((rc = prep(c, S_STATS_DOMAINS, &s, err)) ||
	    (rc = bindf(c, s, err, "i", STORE_STATS_DOMAINS_MAX)))
		goto fail;
	while ((rc = step(c, s, err)) == 1)
		jappend(domains, json_pack("{s:o, s:o, s:I}", "name", col_string(s, 0), "title",
		                           col_string(s, 1), "products",
		                           (json_int_t)sqlite3_column_int64(s, 2)));
	done(s);
	if (rc < 0)
		goto fail;
	versions = xjson(json_array());
	jset(stats, "recent", versions);
	if ((rc = prep(c, S_STATS_RECENT, &s, err)) || (rc = bindf(c, s, err, "i", recent)))
		goto fail;
	while ((rc = step(c, s, err)) == 1) {
		json_t *v = xjson(json_object());
		jset(v, "product", json_sprintf("%s/%s", col_text(s, 0), col_text(s, 1)));
		jset(v, "version", json_integer(sqlite3_column_int64(s, 2)));
		jset(v, "format", col_string(s, 3));
		jset(v, "createdAt", col_time(s, 4));
		jset(v, "createdBy", col_string(s, 5));
		jappend(versions, v);
	}
	done(s);
	if (rc < 0)
		goto fail;
	*out = stats;
	return 0;
fail:
	json_decref(stats);
	return rc;
}

/* Landscape --------------------------------------------------------------------------------- */

/* Runs a listing statement without parameters into a new array, one row reader per row. */
static int rows_all(struct conn *c, enum stmt_id id,
                    int (*from_row)(sqlite3_stmt *, json_t **, struct dw_error *), json_t **items,
                    struct dw_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	*items = NULL;
	if ((rc = prep(c, id, &s, err)))
		return rc;
	*items = xjson(json_array());
	while ((rc = step(c, s, err)) == 1) {
		json_t *item;
		if ((rc = from_row(s, &item, err)))
			break;
		jappend(*items, item);
	}
	done(s);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
	}
	return rc < 0 ? rc : 0;
}

int store_landscape(struct store *st, json_t **domains, json_t **products, struct dw_error *err)
{
	struct conn *c;
	int rc;

	*domains = *products = NULL;
	if ((rc = conn_get(st, &c, err)) || (rc = run_id(c, S_READ_BEGIN, err)))
		return rc;
	rc = rows_all(c, S_LANDSCAPE_DOMAINS, domain_from_row, domains, err);
	if (!rc)
		rc = rows_all(c, S_LANDSCAPE_PRODUCTS, product_from_row, products, err);
	rc = tx_end(c, rc, err);
	if (rc) {
		json_decref(*domains);
		json_decref(*products);
		*domains = *products = NULL;
	}
	return rc;
}

/* Migration fills --------------------------------------------------------------------------- */

/* Fills the table schema version 2 added from the rows already there: the field names of
 * every product's latest contract. Runs inside the migration's transaction. */
static int migrate_fill_2(struct conn *c, struct dw_error *err)
{
	static const char latest_sql[] =
	    "SELECT v.product_id, v.format, v.contract FROM versions v WHERE v.number ="
	    " (SELECT max(number) FROM versions w WHERE w.product_id = v.product_id)";
	sqlite3_stmt *s = NULL;
	int rc;

	rc = sqlite3_prepare_v2(c->db, latest_sql, -1, &s, NULL);
	if (rc != SQLITE_OK)
		return sql_fail(c, rc, err);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		enum dw_format fmt = contract_format_parse(col_text(s, 1));
		json_t *contract = NULL, *fields = NULL;
		int wrc = 0;

		if (col_text(s, 2))
			contract = json_loads(col_text(s, 2), JSON_DECODE_ANY, NULL);
		if (contract && contract_field_names(fmt, contract, &fields) == 0)
			wrc = product_fields_write(c, sqlite3_column_int64(s, 0), fields, err);
		json_decref(fields);
		json_decref(contract);
		if (wrc) {
			sqlite3_finalize(s);
			return wrc;
		}
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : sql_fail(c, rc, err);
}

/* Fills the flows of schema version 3 from the live products' documents. */
static int migrate_fill_3(struct conn *c, struct dw_error *err)
{
	static const char sql[] = "SELECT id, doc FROM products WHERE deleted_at IS NULL";
	sqlite3_stmt *s = NULL;
	int rc;

	rc = sqlite3_prepare_v2(c->db, sql, -1, &s, NULL);
	if (rc != SQLITE_OK)
		return sql_fail(c, rc, err);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		json_t *doc = NULL;
		int wrc;

		if (col_doc(s, 1, &doc, NULL))
			continue; /* an unreadable document has no flows to record */
		wrc = flows_sync(c, sqlite3_column_int64(s, 0), doc, err);
		json_decref(doc);
		if (wrc) {
			sqlite3_finalize(s);
			return wrc;
		}
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : sql_fail(c, rc, err);
}

/* What a migration needs beyond its SQL, once the schema of version is in place. */
/* 7: one history row for every domain, product, product deletion and version written before
 * the change history existed (the objects that have none): when it was written, by whom when
 * known ("unknown" otherwise), in the scope "before-history", with its fingerprint after. */
static int migrate_fill_7(struct conn *c, struct dw_error *err)
{
	static const char sql[] =
	    "SELECT * FROM ("
	    " SELECT d.created_at AS at, 'unknown', 'domain.put', '/domains/' || d.name AS r,"
	    "  d.canon, NULL FROM domains d"
	    " UNION ALL SELECT p.created_at, 'unknown', 'product.put',"
	    "  '/domains/' || d.name || '/products/' || p.name, p.canon, NULL"
	    "  FROM products p JOIN domains d ON d.id = p.domain_id"
	    " UNION ALL SELECT v.created_at, v.created_by, 'version.add',"
	    "  '/domains/' || d.name || '/products/' || p.name || '/versions/' || v.number, NULL,"
	    "  v.fingerprint FROM versions v JOIN products p ON p.id = v.product_id"
	    "  JOIN domains d ON d.id = p.domain_id"
	    " UNION ALL SELECT p.deleted_at, 'unknown', 'product.delete',"
	    "  '/domains/' || d.name || '/products/' || p.name, NULL, NULL"
	    "  FROM products p JOIN domains d ON d.id = p.domain_id WHERE p.deleted_at IS NOT NULL"
	    ") x WHERE NOT EXISTS (SELECT 1 FROM changes h WHERE h.resource = x.r) ORDER BY x.at";
	static const char insert[] =
	    "INSERT INTO changes (at, who, scope, action, resource, before_fingerprint,"
	    " after_fingerprint) VALUES (?1, ?2, 'before-history', ?3, ?4, NULL, ?5)";
	sqlite3_stmt *s = NULL, *ins = NULL;
	int rc;

	rc = sqlite3_prepare_v2(c->db, sql, -1, &s, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(c->db, insert, -1, &ins, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(s);
		return sql_fail(c, rc, err);
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		char fp[FP_MAX];
		const char *after = col_text(s, 5);

		if (col_text(s, 4))
			after = fp_text(col_text(s, 4), fp);
		sqlite3_bind_int64(ins, 1, sqlite3_column_int64(s, 0));
		sqlite3_bind_text(ins, 2, col_text(s, 1), -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 3, col_text(s, 2), -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 4, col_text(s, 3), -1, SQLITE_TRANSIENT);
		if (after)
			sqlite3_bind_text(ins, 5, after, -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(ins, 5);
		rc = sqlite3_step(ins);
		sqlite3_reset(ins);
		sqlite3_clear_bindings(ins);
		if (rc != SQLITE_DONE)
			break;
	}
	sqlite3_finalize(s);
	sqlite3_finalize(ins);
	return rc == SQLITE_DONE ? 0 : sql_fail(c, rc, err);
}

static int migrate_fill(struct conn *c, long version, struct dw_error *err)
{
	switch (version) {
	case 2:
		return migrate_fill_2(c, err);
	case 3:
		return migrate_fill_3(c, err);
	case 7:
		return migrate_fill_7(c, err);
	default:
		return 0;
	}
}
