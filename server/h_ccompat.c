/*
 * h_ccompat: the Confluent Schema Registry compatible API (the ROUTE_CCOMPAT routes), so that
 * Kafka producers' and consumers' serializers register and fetch their schemas in the
 * registry unchanged. It serves the registry's own objects, never copies of them:
 *
 *   subject          a topic product (topic-name strategy: "<topic>-value" names the topic
 *                    product whose spec.topic, by default "<domain>.<name>", is <topic>;
 *                    "<topic>-key" the topic product of that topic named "<name>-key"), or
 *                    the product created for it in the landing domain and bound to it
 *   subject version  a version of that product (same number); soft-deleted ones are hidden
 *                    here, left out of this API's compatibility checks and do not count as
 *                    the same schema at a registration (which then makes a new version, as
 *                    Confluent does), and are still served by the native API
 *   schema id        the global id of a (format, canonical fingerprint): the same schema has
 *                    the same id under every subject
 *   compatibility    the product's spec.compatibility, else the registry's default (/config)
 *   verdicts         the compatibility engines of validators/compat.h, as natively
 *   Protobuf schema  .proto text; base64 of a FileDescriptorProto (Confluent's serializers)
 *                    is read as that text, and answered with format=serialized
 *
 * Errors are Confluent's {"error_code", "message"} with its HTTP statuses: the handlers build
 * them (cc_error), and ccompat_finish turns the dispatcher's own answers (401, 404, 413...)
 * into that shape. docs/api.md ("Confluent Schema Registry compatible API") documents the
 * mapping, the modes and where driveway differs.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server/auth.h"
#include "server/server.h"
#include "validators/audit.h"
#include "validators/contract.h"
#include "validators/descriptor.h"
#include "validators/protobuf.h"
#include "validators/protobuf_desc.h"
#include "validators/refs.h"
#include "validators/xalloc.h"

#define CC_MEDIA_V1 "application/vnd.schemaregistry.v1+json"
#define CC_MEDIA "application/vnd.schemaregistry+json"
#define MODE_KEY "ccompat.mode"
#define NORMALIZE_KEY "ccompat.normalize"
#define LANDING_DEFAULT "unclaimed"
#define LANDING_TRIES 100
#define VERSION_LATEST 0
#define CC_MAX_REFERENCES 1000

/* Confluent's error codes (io.confluent.kafka.schemaregistry.rest.exceptions). */
enum cc_code {
	CC_SUBJECT_NOT_FOUND = 40401,
	CC_VERSION_NOT_FOUND = 40402,
	CC_SCHEMA_NOT_FOUND = 40403,
	CC_SUBJECT_SOFT_DELETED = 40404,
	CC_SUBJECT_NOT_SOFT_DELETED = 40405,
	CC_VERSION_SOFT_DELETED = 40406,
	CC_VERSION_NOT_SOFT_DELETED = 40407,
	CC_COMPAT_NOT_CONFIGURED = 40408,
	CC_MODE_NOT_CONFIGURED = 40409,
	CC_INCOMPATIBLE = 409,
	CC_INVALID_SCHEMA = 42201,
	CC_INVALID_VERSION = 42202,
	CC_INVALID_COMPAT = 42203,
	CC_INVALID_MODE = 42204,
	CC_NOT_PERMITTED = 42205,
	CC_REFERENCE_EXISTS = 42206,
	CC_ID_MISMATCH = 42207,
	CC_STORE_ERROR = 50001,
};

/* Answers Confluent's error document; returns 0 (the handler's answer is complete). */
static int cc_error(struct response *res, int status, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int cc_error(struct response *res, int status, int code, const char *fmt, ...)
{
	va_list ap;
	char msg[1024];
	json_t *body;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_decref(res->errors);
	json_decref(res->extra);
	res->errors = res->extra = NULL;
	body = json_pack("{s:i, s:s}", "error_code", code, "message", msg);
	if (!body) /* msg is not UTF-8: it quoted a path segment */
		body = xjson(
		    json_pack("{s:i, s:s}", "error_code", code, "message", "invalid request"));
	response_json(res, status, body);
	json_decref(body);
	return 0;
}

static void respond(struct response *res, json_t *doc)
{
	response_json(res, 200, doc);
	json_decref(doc);
}

static int query_true(const struct request *req, const char *name)
{
	const char *v = request_query(req, name);

	return v && strcmp(v, "true") == 0;
}

/* Media types and the dispatcher's answers ------------------------------------------------- */

int ccompat_media_type_ok(const char *ct)
{
	size_t n;

	if (!ct)
		return 0;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	n = strcspn(ct, "; \t");
	return n == 24 && strncasecmp(ct, "application/octet-stream", 24) == 0;
}

int ccompat_request(const struct request *req)
{
	const char *prefix = req->srv ? req->srv->ccompat_prefix : NULL;
	const struct route *r = req->match.route;
	const char *accept, *ct;
	size_t len = prefix ? strlen(prefix) : 0;

	if (len && strncmp(req->path, prefix, len) == 0 && req->path[len] == '/')
		return 1;
	if (r && (r->flags & ROUTE_CCOMPAT) && len == 0)
		return 1;
	if (!r || !(r->flags & ROUTE_SHARED))
		return 0;
	accept = request_header(req, "Accept");
	ct = request_header(req, "Content-Type");
	return (accept && strstr(accept, "vnd.schemaregistry")) ||
	       (ct && strstr(ct, "vnd.schemaregistry"));
}

/* The response media type: the first of Accept's that Confluent produces, else v1. */
static const char *negotiate(const struct request *req)
{
	const char *accept = request_header(req, "Accept");
	static const char *const types[] = {CC_MEDIA_V1, CC_MEDIA, "application/json"};

	while (accept && *accept) {
		size_t n;

		while (*accept == ' ' || *accept == ',')
			accept++;
		n = strcspn(accept, ",; ");
		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (n == strlen(types[i]) && strncasecmp(accept, types[i], n) == 0)
				return types[i];
		accept += strcspn(accept, ",");
	}
	return CC_MEDIA_V1;
}

/* Confluent's error code for a status the dispatcher or a native handler answered. */
static int status_code(const struct request *req, int status)
{
	switch (status) {
	case 401:
		return 40101;
	case 403:
		return 40301;
	case 422:
		/* the shared PUT /config: its only invalid input is the level */
		return req->match.route && req->match.route->method == HTTP_PUT ? CC_INVALID_COMPAT
		                                                                : 422;
	case 500:
	case 503:
		return CC_STORE_ERROR;
	default:
		return status;
	}
}

static const char invalid_level[] =
    "Invalid compatibility level. Valid values are none, backward, forward, full, "
    "backward_transitive, forward_transitive, and full_transitive";

/* The message of the shared PUT /config's 422 (a problem document's "errors"): Confluent's
 * for an unknown level, else the first finding. Returns malloc'd text, or NULL. */
static char *config_invalid(const json_t *doc)
{
	const json_t *errors = json_object_get(doc, "errors"), *e;
	const char *first =
	    json_string_value(json_object_get(json_array_get(errors, 0), "message"));
	size_t i;

	json_array_foreach(errors, i, e)
	{
		const char *ptr = json_string_value(json_object_get(e, "pointer"));

		if (ptr && strcmp(ptr, "/compatibility") == 0)
			return xstrdup(invalid_level);
	}
	return first ? xasprintf("Invalid config: %s", first) : NULL;
}

void ccompat_finish(struct request *req, struct response *res)
{
	if (!ccompat_request(req) || !res->content_type)
		return;
	if (strcmp(res->content_type, "application/problem+json") == 0) {
		json_t *doc = json_loadb(res->body, res->body_len, 0, NULL);
		const char *detail = json_string_value(json_object_get(doc, "detail"));
		int status = res->status;

		if (status >= 500)
			cc_error(res, status, CC_STORE_ERROR, "Error in the backend datastore: %s",
			         detail ? detail : "");
		else if (status_code(req, status) == CC_INVALID_COMPAT) {
			char *msg = config_invalid(doc);

			cc_error(res, status, CC_INVALID_COMPAT, "%s",
			         msg      ? msg
			         : detail ? detail
			                  : "");
			free(msg);
		} else
			cc_error(res, status, status_code(req, status), "%s", detail ? detail : "");
		json_decref(doc);
	}
	if (strcmp(res->content_type, "application/json") == 0)
		res->content_type = negotiate(req);
}

/* Subjects ---------------------------------------------------------------------------------- */

struct cc_subject {
	char domain[64];
	char product[64];
};

/* 1 when s is valid UTF-8 (json_string checks it) of a sensible length. */
static int subject_ok(const char *s)
{
	json_t *j;

	if (!s || !*s || strlen(s) > 1000)
		return 0;
	j = json_string(s);
	json_decref(j);
	return j != NULL;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && strcmp(s + n - k, suffix) == 0;
}

static const char *landing_domain(const struct request *req)
{
	return req->srv->ccompat_landing ? req->srv->ccompat_landing : LANDING_DEFAULT;
}

/*
 * The product subject names: the topic product that declares it (spec.subject: the record-name
 * and topic-record-name strategies), else by the topic-name strategy a topic product of its
 * topic (a "-key" subject the one whose name ends in "-key", a "-value" subject any other),
 * else the product bound to the subject. 0 with *out set, DW_NOT_FOUND, or a store error.
 */
static int subject_find(struct request *req, const char *subject, struct cc_subject *out,
                        struct dw_error *err)
{
	int key = ends_with(subject, "-key"), value = ends_with(subject, "-value");
	char *topic = NULL;
	json_t *items = NULL, *it, *pick = NULL;
	size_t i;
	int rc;

	if (key || value)
		topic = xstrndup(subject, strlen(subject) - (key ? 4 : 6));
	rc = store_subject_products(req->srv->store, subject, topic ? topic : "", &items, err);
	free(topic);
	if (rc)
		return rc;
	/* a product that declares the subject (spec.subject), else one of the topic */
	json_array_foreach(items, i, it) if (json_is_true(json_object_get(it, "declared")))
	{
		pick = it;
		break;
	}
	json_array_foreach(items, i, it)
	{
		const char *name = json_string_value(json_object_get(it, "product"));

		if (pick)
			break;
		if (json_is_true(json_object_get(it, "bound")) ||
		    json_is_true(json_object_get(it, "declared")))
			continue;
		if ((key || value) && ends_with(name, "-key") == key) {
			pick = it;
			break;
		}
	}
	if (!pick)
		json_array_foreach(items, i, it) if (json_is_true(json_object_get(it, "bound")))
		{
			pick = it;
			break;
		}
	if (pick) {
		snprintf(out->domain, sizeof(out->domain), "%s",
		         json_string_value(json_object_get(pick, "domain")));
		snprintf(out->product, sizeof(out->product), "%s",
		         json_string_value(json_object_get(pick, "product")));
	}
	json_decref(items);
	return pick ? 0 : DW_NOT_FOUND;
}

/* The subject a listed product answers to (an item of store_subject_list), malloc'd. */
static char *subject_name(const json_t *item)
{
	const char *bound = json_string_value(json_object_get(item, "subject"));
	const char *name = json_string_value(json_object_get(item, "product"));

	if (bound)
		return xstrdup(bound);
	return xasprintf("%s%s", json_string_value(json_object_get(item, "topic")),
	                 ends_with(name, "-key") ? "-key" : "-value");
}

/* Lower case, every run of other characters one '-', trimmed, at most 60 characters. */
static void slugify(const char *s, char *out, size_t size)
{
	size_t n = 0;

	for (; *s && n + 1 < size && n < 60; s++) {
		char c = (char)tolower((unsigned char)*s);

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			out[n++] = c;
		else if (n > 0 && out[n - 1] != '-')
			out[n++] = '-';
	}
	while (n > 0 && out[n - 1] == '-')
		n--;
	out[n] = '\0';
	if (n == 0)
		snprintf(out, size, "subject");
}

/* Creates the landing domain unless it exists. */
static int landing_domain_ensure(struct request *req, struct dw_error *err)
{
	const char *name = landing_domain(req);
	enum store_result result;
	json_t *doc = NULL;
	int rc = store_domain_get(req->srv->store, name, &doc, NULL, err);

	json_decref(doc);
	if (rc != DW_NOT_FOUND)
		return rc;
	doc = xjson(json_pack("{s:s, s:s, s:{s:s}, s:{s:s, s:s, s:s}}", "apiVersion", "driveway/v1",
	                      "kind", "Domain", "metadata", "name", name, "spec", "title",
	                      "Unclaimed schema subjects", "owner", "unknown", "description",
	                      "Subjects registered through the Confluent Schema Registry "
	                      "compatible API that no data product claims"));
	rc = store_domain_put(req->srv->store, name, doc, STORE_REV_ABSENT, &result, NULL, err);
	json_decref(doc);
	/* created meanwhile by another request: as good */
	return rc == DW_PRECONDITION || rc == DW_CONFLICT ? 0 : rc;
}

/* The topic of a topic-name strategy subject ("<topic>-value", "<topic>-key") when it is a
 * Kafka topic name (at most 249 of [a-zA-Z0-9._-]), malloc'd; NULL for other subjects. */
static char *subject_topic(const char *subject)
{
	size_t n = strlen(subject);

	if (ends_with(subject, "-value"))
		n -= 6;
	else if (ends_with(subject, "-key"))
		n -= 4;
	else
		return NULL;
	if (n == 0 || n > 249)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)subject[i]) && !strchr("._-", subject[i]))
			return NULL;
	return xstrndup(subject, n);
}

/* The product document of a subject no product claims: tagged for the audit (DW031), with the
 * subject's topic, so that the audit sees when a domain's topic product claims it. */
static json_t *landing_doc(const char *domain, const char *name, const char *subject)
{
	char title[201], *topic = subject_topic(subject);
	json_t *doc;
	size_t n = strlen(subject);

	if (n > 200) {
		n = 200;
		while (n > 0 && ((unsigned char)subject[n] & 0xc0) == 0x80)
			n--; /* not inside a UTF-8 sequence */
	}
	memcpy(title, subject, n);
	title[n] = '\0';
	doc = xjson(json_pack("{s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s+, s:[s]}, s:{s:s}}",
	                      "apiVersion", "driveway/v1", "kind", "DataProduct", "metadata",
	                      "domain", domain, "name", name, "owner", "unknown", "title", title,
	                      "description",
	                      "Schema subject registered through the Confluent Schema Registry "
	                      "compatible API, claimed by no data product: ",
	                      subject, "tags", AUDIT_UNCLAIMED_TAG, "spec", "type", "topic"));
	if (topic)
		json_object_set_new(json_object_get(doc, "spec"), "topic",
		                    xjson(json_string(topic)));
	json_object_set_new(json_object_get(doc, "spec"), "subject", xjson(json_string(subject)));
	free(topic);
	return doc;
}

/* Creates a topic product for subject in the landing domain and binds them. */
static int subject_create(struct request *req, const char *subject, struct cc_subject *out,
                          struct dw_error *err)
{
	const char *domain = landing_domain(req);
	char base[64], name[64];
	enum store_result result;
	int rc;

	rc = landing_domain_ensure(req, err);
	if (rc)
		return rc;
	slugify(subject, base, sizeof(base));
	for (int i = 1; i <= LANDING_TRIES; i++) {
		json_t *doc;
		struct dw_findings f;

		if (i == 1)
			snprintf(name, sizeof(name), "%s", base);
		else
			snprintf(name, sizeof(name), "%.56s-%u", base, (unsigned)i % 1000u);
		doc = landing_doc(domain, name, subject);
		dw_findings_init(&f);
		if (descriptor_validate(doc, 0, &f) != 0 || dw_findings_errors(&f)) {
			dw_findings_release(&f);
			json_decref(doc);
			return dw_error_set(err, DW_INTERNAL, "cannot describe subject '%s'",
			                    subject);
		}
		dw_findings_release(&f);
		/* a name taken (by a live or deleted product) gets the next suffix */
		rc = store_product_put(req->srv->store, domain, name, doc, STORE_REV_ABSENT,
		                       &result, NULL, err);
		json_decref(doc);
		if (rc == DW_PRECONDITION || rc == DW_CONFLICT)
			continue;
		if (rc)
			return rc;
		rc = store_subject_bind(req->srv->store, subject, domain, name, err);
		if (rc)
			return rc;
		snprintf(out->domain, sizeof(out->domain), "%s", domain);
		snprintf(out->product, sizeof(out->product), "%s", name);
		return 0;
	}
	return dw_error_set(err, DW_CONFLICT, "no free product name for subject '%s'", subject);
}

/* Resolves the path's subject; answers 40401 (*answered) when it names nothing. */
static int subject_param(struct request *req, struct response *res, struct cc_subject *out,
                         int *answered, struct dw_error *err)
{
	const char *s = request_param(req, "s");
	int rc;

	*answered = 0;
	rc = subject_ok(s) ? subject_find(req, s, out, err) : DW_NOT_FOUND;
	if (rc == DW_NOT_FOUND) {
		*answered = 1;
		return cc_error(res, 404, CC_SUBJECT_NOT_FOUND, "Subject '%s' not found.", s);
	}
	return rc;
}

/* Modes (READWRITE, READONLY, IMPORT) ----------------------------------------------------- */

static int mode_valid(const char *m)
{
	return m && (strcmp(m, "READWRITE") == 0 || strcmp(m, "READONLY") == 0 ||
	             strcmp(m, "IMPORT") == 0);
}

/* The config key of a registry setting (base) for subject, or the global one (NULL):
 * "<base>:<subject>" or base, malloc'd. */
static char *setting_key(const char *base, const char *subject)
{
	return subject ? xasprintf("%s:%s", base, subject) : xstrdup(base);
}

/* The configured mode of subject (NULL: the global one) into out; *set 0 when none is. */
static int mode_lookup(struct request *req, const char *subject, char out[16], int *set,
                       struct dw_error *err)
{
	char *key = setting_key(MODE_KEY, subject);
	char *value = NULL;
	int rc = store_config_get(req->srv->store, key, &value, err);

	free(key);
	*set = rc == 0;
	snprintf(out, 16, "%s", rc == 0 && mode_valid(value) ? value : "READWRITE");
	free(value);
	return rc == DW_NOT_FOUND ? 0 : rc;
}

/* The mode in force for subject: its own, else the global one. */
static int mode_effective(struct request *req, const char *subject, char out[16],
                          struct dw_error *err)
{
	int set, rc = mode_lookup(req, subject, out, &set, err);

	return rc || set ? rc : mode_lookup(req, NULL, out, &set, err);
}

int ccompat_mode_global(struct request *req, char out[16], struct dw_error *err)
{
	int set;

	return mode_lookup(req, NULL, out, &set, err);
}

/* 42205 (*answered) when subject is read-only. */
static int writable(struct request *req, struct response *res, const char *subject, int *answered,
                    char mode[16], struct dw_error *err)
{
	int rc = mode_effective(req, subject, mode, err);

	*answered = 0;
	if (rc)
		return rc;
	if (strcmp(mode, "READONLY") == 0) {
		*answered = 1;
		return cc_error(res, 422, CC_NOT_PERMITTED, "Subject '%s' is in read-only mode",
		                subject);
	}
	return 0;
}

int h_cc_mode_get(struct request *req, struct response *res, struct dw_error *err)
{
	const char *s = request_param(req, "s"), *dtg = request_query(req, "defaultToGlobal");
	char mode[16];
	int set, rc;

	if (s && !subject_ok(s))
		return cc_error(res, 404, CC_SUBJECT_NOT_FOUND, "Subject '%s' not found.", s);
	rc = mode_lookup(req, s, mode, &set, err);
	if (rc)
		return rc;
	if (s && !set) {
		if (!dtg || strcmp(dtg, "true") != 0)
			return cc_error(res, 404, CC_MODE_NOT_CONFIGURED,
			                "Subject '%s' does not have subject-level mode configured",
			                s);
		if ((rc = mode_lookup(req, NULL, mode, &set, err)))
			return rc;
	}
	respond(res, xjson(json_pack("{s:s}", "mode", mode)));
	return 0;
}

/* *empty 1 when subject (NULL: every subject) has no version (soft-deleted ones count): IMPORT
 * mode may then be set without force=true. */
static int import_target_empty(struct request *req, const char *subject, int *empty,
                               struct dw_error *err)
{
	json_t *items = NULL, *it;
	size_t i;
	int rc;

	*empty = 1;
	if (subject) {
		struct cc_subject sub;

		rc = subject_find(req, subject, &sub, err);
		if (rc == DW_NOT_FOUND)
			return 0;
		if (!rc)
			rc = store_subject_versions(req->srv->store, sub.domain, sub.product,
			                            &items, err);
		*empty = rc || json_array_size(items) == 0;
		json_decref(items);
		return rc;
	}
	if ((rc = store_subject_list(req->srv->store, &items, err)))
		return rc;
	json_array_foreach(items, i,
	                   it) if (json_integer_value(json_object_get(it, "all")) > 0) *empty = 0;
	json_decref(items);
	return 0;
}

int h_cc_mode_put(struct request *req, struct response *res, struct dw_error *err)
{
	const char *s = request_param(req, "s");
	const char *m = json_string_value(json_object_get(req->json, "mode"));
	struct cc_subject sub;
	char *key;
	int rc;

	if (!mode_valid(m))
		return cc_error(res, 422, CC_INVALID_MODE,
		                "Invalid mode. Valid values are READWRITE, READONLY, IMPORT");
	if (s) {
		if (!subject_ok(s))
			return cc_error(res, 404, CC_SUBJECT_NOT_FOUND, "Subject '%s' not found.",
			                s);
		/* the subject's domain writes its mode; an unclaimed subject's is the landing's */
		rc = subject_find(req, s, &sub, err);
		if (rc == DW_NOT_FOUND)
			snprintf(sub.domain, sizeof(sub.domain), "%s", landing_domain(req));
		else if (rc)
			return rc;
		if ((rc = auth_may_write(req, sub.domain, err)))
			return rc;
	}
	if (strcmp(m, "IMPORT") == 0 && !query_true(req, "force")) {
		int empty;

		if ((rc = import_target_empty(req, s, &empty, err)))
			return rc;
		if (!empty)
			return cc_error(res, 422, CC_NOT_PERMITTED,
			                "Cannot import since found existing subjects");
	}
	key = setting_key(MODE_KEY, s);
	rc = store_config_put(req->srv->store, key, m, err);
	free(key);
	if (rc)
		return rc;
	respond(res, xjson(json_pack("{s:s}", "mode", m)));
	return 0;
}

/* Removes the subject's own mode (the global one applies again) and answers the removed one. */
int h_cc_mode_delete(struct request *req, struct response *res, struct dw_error *err)
{
	const char *s = request_param(req, "s");
	struct cc_subject sub;
	char mode[16], *key;
	int set, rc;

	if (!subject_ok(s))
		return cc_error(res, 404, CC_SUBJECT_NOT_FOUND, "Subject '%s' not found.", s);
	rc = subject_find(req, s, &sub, err);
	if (rc == DW_NOT_FOUND)
		snprintf(sub.domain, sizeof(sub.domain), "%s", landing_domain(req));
	else if (rc)
		return rc;
	if ((rc = auth_may_write(req, sub.domain, err)) ||
	    (rc = mode_lookup(req, s, mode, &set, err)))
		return rc;
	if (!set)
		return cc_error(res, 404, CC_MODE_NOT_CONFIGURED,
		                "Subject '%s' does not have subject-level mode configured", s);
	key = setting_key(MODE_KEY, s);
	rc = store_config_delete(req->srv->store, key, err);
	free(key);
	if (rc)
		return rc;
	respond(res, xjson(json_pack("{s:s}", "mode", mode)));
	return 0;
}

/* normalize: a registry setting, global or per subject --------------------------------------- */

int ccompat_normalize_get(struct request *req, const char *subject, int *set, int *on,
                          struct dw_error *err)
{
	char *key = setting_key(NORMALIZE_KEY, subject);
	char *value = NULL;
	int rc = store_config_get(req->srv->store, key, &value, err);

	free(key);
	*set = rc == 0;
	*on = rc == 0 && value && strcmp(value, "true") == 0;
	free(value);
	return rc == DW_NOT_FOUND ? 0 : rc;
}

int ccompat_normalize_put(struct request *req, const char *subject, int on, struct dw_error *err)
{
	char *key = setting_key(NORMALIZE_KEY, subject);
	int rc = on < 0 ? store_config_delete(req->srv->store, key, err)
	                : store_config_put(req->srv->store, key, on ? "true" : "false", err);

	free(key);
	return rc;
}

/* Whether a registration or lookup normalizes: the query's normalize=, else the subject's
 * setting, else the global one. */
static int normalize_wanted(struct request *req, int *on, struct dw_error *err)
{
	const char *q = request_query(req, "normalize"), *s = request_param(req, "s");
	int set, rc;

	*on = 0;
	if (q) {
		*on = strcmp(q, "true") == 0;
		return 0;
	}
	if (s && subject_ok(s) && ((rc = ccompat_normalize_get(req, s, &set, on, err)) || set))
		return rc;
	return ccompat_normalize_get(req, NULL, &set, on, err);
}

/* Subject-level compatibility: the product's spec.compatibility ----------------------------- */

/* The product's own spec.compatibility (borrowed from doc), or NULL. */
static const char *product_level(const json_t *doc)
{
	return json_string_value(json_object_get(json_object_get(doc, "spec"), "compatibility"));
}

int h_cc_config_get(struct request *req, struct response *res, struct dw_error *err)
{
	const char *s = request_param(req, "s");
	struct cc_subject sub;
	json_t *doc = NULL, *body;
	enum dw_mode mode;
	const char *own;
	int rc, nset, norm;

	if (!subject_ok(s))
		return cc_error(res, 404, CC_SUBJECT_NOT_FOUND, "Subject '%s' not found.", s);
	if ((rc = ccompat_normalize_get(req, s, &nset, &norm, err)))
		return rc;
	rc = subject_find(req, s, &sub, err);
	/* a subject with only its normalize setting has no product yet */
	if (rc == DW_NOT_FOUND && !nset)
		return cc_error(res, 404, CC_SUBJECT_NOT_FOUND, "Subject '%s' not found.", s);
	if (rc == 0)
		rc =
		    store_product_get(req->srv->store, sub.domain, sub.product, 0, &doc, NULL, err);
	if (rc && rc != DW_NOT_FOUND)
		return rc;
	own = product_level(doc);
	if (!own && !nset && !query_true(req, "defaultToGlobal")) {
		json_decref(doc);
		return cc_error(res, 404, CC_COMPAT_NOT_CONFIGURED,
		                "Subject '%s' does not have subject-level compatibility configured",
		                s);
	}
	rc = server_compat_mode(req, doc, &mode, NULL, err);
	json_decref(doc);
	if (!rc && !nset && query_true(req, "defaultToGlobal"))
		rc = ccompat_normalize_get(req, NULL, &nset, &norm, err);
	if (rc)
		return rc;
	body = xjson(json_pack("{s:s}", "compatibilityLevel", compat_mode_name(mode)));
	if (nset)
		json_object_set_new(body, "normalize", json_boolean(norm));
	respond(res, body);
	return 0;
}

/* Sets (level) or removes (NULL) the subject's product's spec.compatibility. */
static int subject_level_write(struct request *req, struct response *res,
                               const struct cc_subject *sub, const char *level,
                               struct dw_error *err)
{
	enum store_result result;
	json_t *patch = xjson(json_pack("{s:{s:o}}", "spec", "compatibility",
	                                level ? json_string(level) : json_null()));
	int rc = server_product_patch(req, res, sub->domain, sub->product, patch, 0, &result, err);

	json_decref(patch);
	return rc;
}

/* The subject's product for a configuration write, created in the landing domain when none
 * claims it (Confluent configures subjects before their first schema); checks the token. */
static int config_subject(struct request *req, const char *s, struct cc_subject *sub,
                          struct dw_error *err)
{
	int rc = subject_find(req, s, sub, err);

	if (rc == DW_NOT_FOUND) {
		if ((rc = auth_may_write(req, landing_domain(req), err)))
			return rc;
		rc = subject_create(req, s, sub, err);
	}
	return rc ? rc : auth_may_write(req, sub->domain, err);
}

/* PUT /config/{s}: {"compatibility"?, "normalize"?}, at least one. */
int h_cc_config_put(struct request *req, struct response *res, struct dw_error *err)
{
	const char *s = request_param(req, "s");
	const json_t *lv = json_object_get(req->json, "compatibility");
	const json_t *nv = json_object_get(req->json, "normalize");
	const char *level = json_string_value(lv);
	struct cc_subject sub;
	json_t *body;
	char mode[16];
	int answered, rc;

	if ((lv && !json_is_null(lv) && (!level || compat_mode_parse(level) == DW_MODE_UNKNOWN)) ||
	    (!level && !json_is_boolean(nv)))
		return cc_error(res, 422, CC_INVALID_COMPAT, "%s", invalid_level);
	if (nv && !json_is_null(nv) && !json_is_boolean(nv))
		return cc_error(res, 422, CC_INVALID_COMPAT,
		                "Invalid config: normalize must be true or false");
	if (!subject_ok(s))
		return cc_error(res, 422, CC_INVALID_SCHEMA, "invalid subject name");
	if ((rc = writable(req, res, s, &answered, mode, err)) || answered)
		return rc;
	if ((rc = config_subject(req, s, &sub, err)) ||
	    (level && (rc = subject_level_write(req, res, &sub, level, err))) ||
	    (json_is_boolean(nv) && (rc = ccompat_normalize_put(req, s, json_is_true(nv), err))))
		return rc;
	body = xjson(json_object());
	if (level)
		json_object_set_new(body, "compatibility", xjson(json_string(level)));
	if (json_is_boolean(nv))
		json_object_set(body, "normalize", (json_t *)nv);
	respond(res, body);
	return 0;
}

/* Removes the subject's own level and normalize setting and answers them. */
int h_cc_config_delete(struct request *req, struct response *res, struct dw_error *err)
{
	const char *s = request_param(req, "s");
	struct cc_subject sub;
	json_t *doc = NULL, *body;
	const char *own;
	int answered, rc, nset, norm;

	if ((rc = subject_param(req, res, &sub, &answered, err)) || answered)
		return rc;
	if ((rc = auth_may_write(req, sub.domain, err)) ||
	    (rc = ccompat_normalize_get(req, s, &nset, &norm, err)))
		return rc;
	rc = store_product_get(req->srv->store, sub.domain, sub.product, 0, &doc, NULL, err);
	if (rc)
		return rc;
	own = product_level(doc);
	if (!own && !nset) {
		json_decref(doc);
		return cc_error(res, 404, CC_COMPAT_NOT_CONFIGURED,
		                "Subject '%s' does not have subject-level compatibility configured",
		                s);
	}
	body = xjson(json_object());
	if (own)
		json_object_set_new(body, "compatibilityLevel", xjson(json_string(own)));
	if (nset)
		json_object_set_new(body, "normalize", json_boolean(norm));
	json_decref(doc);
	if ((own && (rc = subject_level_write(req, res, &sub, NULL, err))) ||
	    (nset && (rc = ccompat_normalize_put(req, s, -1, err)))) {
		json_decref(body);
		return rc;
	}
	respond(res, body);
	return 0;
}

/* Schemas: Confluent's strings and driveway's contracts ------------------------------------ */

/* Confluent's schemaType for a driveway format; NULL for AVRO (the default, left out). */
static const char *schema_type(enum dw_format fmt)
{
	switch (fmt) {
	case DW_FMT_AVRO:
		return NULL;
	case DW_FMT_JSONSCHEMA:
		return "JSON";
	case DW_FMT_PROTOBUF:
		return "PROTOBUF";
	case DW_FMT_OPENAPI:
		return "OPENAPI";
	case DW_FMT_ODCS:
		return "ODCS";
	case DW_FMT_UNKNOWN:
		break;
	}
	return "UNKNOWN";
}

/* The schema string Confluent serves for a stored contract text (malloc'd): compact JSON
 * (keys in their registered order), or the .proto text. NULL when the text does not parse. */
static char *schema_string(enum dw_format fmt, const char *stored)
{
	json_t *doc = json_loads(stored, JSON_DECODE_ANY, NULL);
	char *out = NULL;

	if (!doc)
		return NULL;
	if (fmt == DW_FMT_PROTOBUF && json_is_string(doc))
		out = xstrdup(json_string_value(doc));
	else
		out = json_dumps(doc, JSON_COMPACT | JSON_ENCODE_ANY | DW_JSON_REALS);
	json_decref(doc);
	return out;
}

/* A candidate from a request body {"schema", "schemaType", "references", "id", "version"}. */
struct cc_candidate {
	enum dw_format fmt;
	json_t *contract;  /* owned: self-contained (references resolved into it) */
	char *schema_text; /* owned: the schema as registered (JSON text), when it has
	                      references; NULL otherwise (the contract is the schema) */
	char *refs_text;   /* owned: its references, [{"name","subject","version"}] */
	char fp[72];       /* the contract's fingerprint; with references, of the schema as
	                      registered and its references */
	long long id;      /* the body's "id" (IMPORT), 0 when none */
	int version;       /* the body's "version", 0 when none */
};

static void candidate_release(struct cc_candidate *c)
{
	json_decref(c->contract);
	free(c->schema_text);
	free(c->refs_text);
	memset(c, 0, sizeof(*c));
}

/* Compact JSON text of v (malloc'd). */
static char *dump_text(const json_t *v)
{
	char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | DW_JSON_REALS);

	if (!text)
		xjson(NULL);
	return text;
}

/* The normalized form of a schema (contract_normalize) with its keys sorted; the schema itself
 * when it has none (it does not parse: validation then says why). Consumes schema. */
static json_t *normalized(enum dw_format fmt, json_t *schema)
{
	json_t *norm = contract_normalize(fmt, schema);
	char *canon = norm ? canon_json(norm) : NULL;

	json_decref(norm);
	norm = canon ? json_loads(canon, JSON_DECODE_ANY, NULL) : NULL;
	free(canon);
	if (!norm)
		return schema;
	json_decref(schema);
	return norm;
}

/* Answers 42201 with the first error of f. */
static int invalid_findings(struct response *res, const struct dw_findings *f)
{
	const struct dw_finding *first = NULL;

	for (size_t i = 0; i < f->count && !first; i++)
		if (f->items[i].severity == DW_SEV_ERROR)
			first = &f->items[i];
	return cc_error(res, 422, CC_INVALID_SCHEMA, "Invalid schema: %s%s%s (%zu error%s)",
	                first->pointer, *first->pointer ? ": " : "", first->message,
	                dw_findings_errors(f), dw_findings_errors(f) == 1 ? "" : "s");
}

static int subject_find(struct request *req, const char *subject, struct cc_subject *out,
                        struct dw_error *err);
static json_t *version_pick(json_t *items, int number, int deleted);

/* The contract of one reference {"name","subject","version"} (the version -1: the latest) into
 * *contract, its version number into *number; 42201 (*answered) when it names no schema of
 * format fmt. */
static int reference_load(struct request *req, struct response *res, enum dw_format fmt,
                          const json_t *ref, json_t **contract, int *number, int *answered,
                          struct dw_error *err)
{
	const char *name = json_string_value(json_object_get(ref, "name"));
	const char *subject = json_string_value(json_object_get(ref, "subject"));
	const json_t *vj = json_object_get(ref, "version");
	json_int_t v = json_integer_value(vj);
	struct cc_subject sub;
	json_t *items = NULL, *item;
	char *text = NULL, *media = NULL;
	int rc;

	*contract = NULL;
	*answered = 1;
	if (!json_is_object(ref) || !name || !*name || !subject_ok(subject) ||
	    !json_is_integer(vj) || v == 0 || v < -1 || v > 2147483647)
		return cc_error(res, 422, CC_INVALID_SCHEMA,
		                "Invalid schema: a reference needs a name, a subject and a version "
		                "(1 or more, or -1 for the latest)");
	rc = subject_find(req, subject, &sub, err);
	if (!rc)
		rc = store_subject_versions(req->srv->store, sub.domain, sub.product, &items, err);
	if (rc && rc != DW_NOT_FOUND)
		return rc;
	item = rc ? NULL : version_pick(items, v == -1 ? VERSION_LATEST : (int)v, 0);
	if (!item) {
		json_decref(items);
		return cc_error(
		    res, 422, CC_INVALID_SCHEMA,
		    "Invalid schema: reference '%s' names subject '%s' version %d, which "
		    "does not exist",
		    name, subject, (int)v);
	}
	*number = (int)json_integer_value(json_object_get(item, "version"));
	if (contract_format_parse(json_string_value(json_object_get(item, "format"))) != fmt) {
		json_decref(items);
		return cc_error(
		    res, 422, CC_INVALID_SCHEMA,
		    "Invalid schema: reference '%s' (subject '%s' version %d) is a schema "
		    "of another type",
		    name, subject, *number);
	}
	json_decref(items);
	rc = store_version_contract(req->srv->store, sub.domain, sub.product, *number, &text,
	                            &media, err);
	free(media);
	if (rc)
		return rc;
	*contract = json_loads(text, JSON_DECODE_ANY, NULL);
	free(text);
	if (!*contract)
		return dw_error_set(err, DW_INTERNAL,
		                    "stored contract of '%s' version %d does not parse", subject,
		                    *number);
	*answered = 0;
	return 0;
}

/* Validates parsed (format c->fmt) with the body's references and fills c: the resolved
 * contract, the texts to keep and the fingerprint of the schema with its references. */
static int candidate_refs(struct request *req, struct response *res, struct cc_candidate *c,
                          const json_t *parsed, const json_t *refs, int *answered,
                          struct dw_error *err)
{
	size_t n = json_array_size(refs), i;
	struct dw_ref *list = xcalloc(n ? n : 1, sizeof(*list));
	json_t **docs = xcalloc(n ? n : 1, sizeof(*docs)), *kept = xjson(json_array()), *r;
	struct dw_findings f;
	char fp[72], *canon = NULL, *joined;
	int rc = 0, number = 0;

	*answered = 0;
	dw_findings_init(&f);
	json_array_foreach(refs, i, r)
	{
		rc = reference_load(req, res, c->fmt, r, &docs[i], &number, answered, err);
		if (rc || *answered)
			goto out;
		list[i].name = json_string_value(json_object_get(r, "name"));
		list[i].contract = docs[i];
		json_array_append_new(
		    kept, xjson(json_pack("{s:s, s:O, s:i}", "name", list[i].name, "subject",
		                          json_object_get(r, "subject"), "version", number)));
	}
	rc = refs_resolve(c->fmt, parsed, list, n, "", &f, &c->contract);
	if (rc == DW_NOMEM || dw_findings_oom(&f))
		xjson(NULL);
	if (rc || dw_findings_errors(&f)) {
		*answered = 1;
		rc = dw_findings_errors(&f)
		         ? invalid_findings(res, &f)
		         : cc_error(res, 422, CC_INVALID_SCHEMA, "Invalid schema");
		goto out;
	}
	if (contract_fingerprint(c->fmt, parsed, fp) || !(canon = canon_json(kept))) {
		*answered = 1;
		rc = cc_error(res, 422, CC_INVALID_SCHEMA, "Invalid schema");
		goto out;
	}
	/* the same schema with other references is another schema */
	joined = xasprintf("%s\nreferences:%s", fp, canon);
	memcpy(c->fp, "sha256:", 7);
	dw_sha256_hex(joined, strlen(joined), c->fp + 7);
	free(joined);
	c->schema_text = dump_text(parsed);
	c->refs_text = dump_text(kept);
out:
	free(canon);
	for (i = 0; i < n; i++)
		json_decref(docs[i]);
	free(docs);
	free(list);
	json_decref(kept);
	dw_findings_release(&f);
	return rc;
}

/* Confluent's serializers send a Protobuf schema as base64 of a serialized FileDescriptorProto
 * (Confluent Schema Registry takes both forms): when text is one, *proto is its .proto text
 * (canonical, malloc'd) and the schema goes on as if that text had been sent; else *proto is
 * NULL and text is taken as .proto text. Returns 1 after answering 42201 when text has the
 * form of base64 but is no descriptor. */
static int protobuf_descriptor_text(struct response *res, const char *text, char **proto)
{
	unsigned char *bin = NULL;
	size_t len = 0;
	struct dw_findings f;
	json_t *ast = NULL;
	int rc;

	*proto = NULL;
	if (!protobuf_desc_base64_like(text, strlen(text)))
		return 0;
	rc = protobuf_desc_base64_decode(text, strlen(text), &bin, &len);
	if (rc == DW_NOMEM)
		xjson(NULL);
	if (rc) {
		cc_error(res, 422, CC_INVALID_SCHEMA,
		         "Invalid schema: neither .proto text nor base64 of a FileDescriptorProto");
		return 1;
	}
	dw_findings_init(&f);
	rc = protobuf_desc_to_ast(bin, len, "", &f, &ast);
	free(bin);
	if (rc == DW_NOMEM || dw_findings_oom(&f))
		xjson(NULL);
	if (rc) {
		invalid_findings(res, &f);
		dw_findings_release(&f);
		return 1;
	}
	dw_findings_release(&f);
	*proto = protobuf_canonical(ast);
	json_decref(ast);
	if (!*proto)
		xjson(NULL);
	return 0;
}

/* Reads and validates the body's schema and references; answers 42201 (*answered) when it is
 * not one. normalize=true in the query registers and looks up the normalized form
 * (contract_normalize). */
static int candidate_read(struct request *req, struct response *res, struct cc_candidate *c,
                          int *answered, struct dw_error *err)
{
	const json_t *body = req->json, *refs = json_object_get(body, "references");
	const json_t *type_v = json_object_get(body, "schemaType");
	const json_t *id_v = json_object_get(body, "id"), *ver_v = json_object_get(body, "version");
	const char *text = json_string_value(json_object_get(body, "schema"));
	const char *type = json_string_value(type_v);
	struct dw_findings f;
	json_error_t jerr;
	json_t *parsed;
	int rc = 0, norm;

	*answered = 1;
	memset(c, 0, sizeof(*c));
	if (!json_is_object(body) || !text)
		return cc_error(res, 422, CC_INVALID_SCHEMA, "Empty schema");
	if (type_v && !json_is_null(type_v) && !type)
		return cc_error(res, 422, CC_INVALID_SCHEMA, "Invalid schema type");
	if (!type || strcmp(type, "AVRO") == 0)
		c->fmt = DW_FMT_AVRO;
	else if (strcmp(type, "JSON") == 0)
		c->fmt = DW_FMT_JSONSCHEMA;
	else if (strcmp(type, "PROTOBUF") == 0)
		c->fmt = DW_FMT_PROTOBUF;
	else
		return cc_error(res, 422, CC_INVALID_SCHEMA, "Invalid schema type %s", type);
	if (refs && !json_is_null(refs) && !json_is_array(refs))
		return cc_error(res, 422, CC_INVALID_SCHEMA,
		                "Invalid schema: references must be a list");
	if (json_array_size(refs) > CC_MAX_REFERENCES)
		return cc_error(res, 422, CC_INVALID_SCHEMA,
		                "Invalid schema: more than %d references", CC_MAX_REFERENCES);
	/* -1 or 0 mean none, as Confluent's clients send them */
	if (id_v && !json_is_null(id_v) &&
	    (!json_is_integer(id_v) || json_integer_value(id_v) < -1 ||
	     json_integer_value(id_v) > 2147483647))
		return cc_error(res, 422, CC_INVALID_SCHEMA, "Invalid schema id");
	if (ver_v && !json_is_null(ver_v) &&
	    (!json_is_integer(ver_v) || json_integer_value(ver_v) < -1 ||
	     json_integer_value(ver_v) > 2147483647))
		return cc_error(
		    res, 422, CC_INVALID_VERSION,
		    "The specified version is not a valid version id. Allowed values are "
		    "between [1, 2^31-1]");
	c->id = json_integer_value(id_v) > 0 ? json_integer_value(id_v) : 0;
	c->version = json_integer_value(ver_v) > 0 ? (int)json_integer_value(ver_v) : 0;
	if (c->fmt == DW_FMT_PROTOBUF) {
		char *proto = NULL;

		if (protobuf_descriptor_text(res, text, &proto))
			return 0;
		parsed = xjson(json_string(proto ? proto : text));
		free(proto);
	} else if (!(parsed = json_loads(text, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr)))
		return cc_error(res, 422, CC_INVALID_SCHEMA,
		                "Invalid schema: line %d, column %d: %s", jerr.line, jerr.column,
		                jerr.text);
	if ((rc = normalize_wanted(req, &norm, err))) {
		json_decref(parsed);
		return rc;
	}
	if (norm)
		parsed = normalized(c->fmt, parsed);
	if (json_array_size(refs) > 0) {
		rc = candidate_refs(req, res, c, parsed, refs, answered, err);
		json_decref(parsed);
		if (rc || *answered)
			candidate_release(c);
		return rc;
	}
	dw_findings_init(&f);
	if (contract_validate(c->fmt, parsed, "", &f) == DW_NOMEM || dw_findings_oom(&f))
		xjson(NULL);
	if (dw_findings_errors(&f)) {
		invalid_findings(res, &f);
		dw_findings_release(&f);
		json_decref(parsed);
		return 0;
	}
	dw_findings_release(&f);
	c->contract = parsed;
	if (contract_fingerprint(c->fmt, c->contract, c->fp)) {
		candidate_release(c);
		return cc_error(res, 422, CC_INVALID_SCHEMA, "Invalid schema");
	}
	*answered = 0;
	return 0;
}

/* The version item ({"version","id","format","hidden"}) of number (VERSION_LATEST: the latest
 * not soft-deleted), from a store_subject_versions list; NULL when none. deleted: soft-deleted
 * ones count. */
static json_t *version_pick(json_t *items, int number, int deleted)
{
	json_t *it, *found = NULL;
	size_t i;

	json_array_foreach(items, i, it)
	{
		int hidden = json_is_true(json_object_get(it, "hidden"));

		if (number == VERSION_LATEST
		        ? !hidden
		        : json_integer_value(json_object_get(it, "version")) == number &&
		              (deleted || !hidden))
			found = it;
	}
	return found;
}

/* 1 when items lists a version that a lookup sees: one not soft-deleted, any with deleted.
 * Confluent answers 40401 for a subject with none (all soft-deleted), not 40402 or 40403. */
static int versions_visible(json_t *items, int deleted)
{
	json_t *it;
	size_t i;

	json_array_foreach(items, i, it)
	{
		if (deleted || !json_is_true(json_object_get(it, "hidden")))
			return 1;
	}
	return 0;
}

/* Parses {v}: "latest" or "-1" (VERSION_LATEST), or 1..2^31-1; -1 when invalid. */
static int version_param(const char *v)
{
	char *end;
	long n;

	if (strcmp(v, "latest") == 0 || strcmp(v, "-1") == 0)
		return VERSION_LATEST;
	n = strtol(v, &end, 10);
	if (end == v || *end || v[0] == '+' || v[0] == '-' || n < 1 || n > 2147483647L)
		return -1;
	return (int)n;
}

/* Sets doc's "schemaType" (left out for AVRO) and its "references" when refs (a JSON array
 * text) lists some. */
static void schema_extras(json_t *doc, enum dw_format fmt, const char *refs)
{
	json_t *list = refs ? json_loads(refs, 0, NULL) : NULL;

	if (schema_type(fmt))
		json_object_set_new(doc, "schemaType", xjson(json_string(schema_type(fmt))));
	if (json_array_size(list) > 0)
		json_object_set(doc, "references", list);
	json_decref(list);
}

/* The texts of a stored schema's references (refs: its [{"name","subject","version"}] JSON
 * text) as imports for protobuf_parse_with: imports[i].text is malloc'd (the caller frees
 * each and the array). A reference that no longer loads is left out (its types then stay
 * unresolved, as written). */
static struct protobuf_import *reference_texts(struct request *req, const char *refs, size_t *n,
                                               struct dw_error *err)
{
	json_t *list = refs ? json_loads(refs, 0, NULL) : NULL, *r;
	struct protobuf_import *imports = xcalloc(json_array_size(list) + 1, sizeof(*imports));
	size_t i;

	*n = 0;
	json_array_foreach(list, i, r)
	{
		const char *name = json_string_value(json_object_get(r, "name"));
		const char *subject = json_string_value(json_object_get(r, "subject"));
		int number = (int)json_integer_value(json_object_get(r, "version"));
		struct cc_subject sub;
		char *text = NULL, *media = NULL;
		json_t *doc;

		if (!name || !subject || subject_find(req, subject, &sub, err) ||
		    store_version_contract(req->srv->store, sub.domain, sub.product, number, &text,
		                           &media, err)) {
			if (err)
				memset(err, 0, sizeof(*err));
			continue;
		}
		free(media);
		doc = json_loads(text, JSON_DECODE_ANY, NULL);
		free(text);
		if (json_is_string(doc)) {
			imports[*n].path = xstrdup(name);
			imports[*n].text = xstrdup(json_string_value(doc));
			imports[*n].len = strlen(imports[*n].text);
			(*n)++;
		}
		json_decref(doc);
	}
	json_decref(list);
	return imports;
}

/* format=resolved for Avro: *schema becomes the schema with its references' definitions
 * inlined, the contract its versions hold (the same text when it has no references). */
static int schema_resolved(struct request *req, char **schema, const char *refs, long long id,
                           struct dw_error *err)
{
	json_t *list = refs ? json_loads(refs, 0, NULL) : NULL;
	size_t n = json_array_size(list);
	char *text = NULL, *out;
	int rc;

	json_decref(list);
	if (n == 0)
		return 0;
	if ((rc = store_schema_contract(req->srv->store, id, &text, err)))
		return rc;
	out = schema_string(DW_FMT_AVRO, text);
	free(text);
	if (!out)
		return dw_error_set(err, DW_INTERNAL, "stored schema %lld does not parse", id);
	free(*schema);
	*schema = out;
	return 0;
}

/*
 * format=serialized (Confluent: Protobuf schemas only) and format=resolved (Avro schemas only;
 * other formats and values are served as stored): *schema, the .proto text of stored schema id with
 * references refs, becomes base64 of its FileDescriptorProto, built from the text parsed with its
 * references' texts so that type names are fully qualified. The descriptor's name is
 * "schema_<id>.proto".
 */
static int schema_serialize(struct request *req, enum dw_format fmt, char **schema,
                            const char *refs, long long id, struct dw_error *err)
{
	const char *format = request_query(req, "format");
	struct protobuf_import *imports;
	struct dw_findings f;
	json_t *ast = NULL;
	unsigned char *bin = NULL;
	size_t n = 0, len = 0, i;
	char name[64], *b64;
	int rc;

	if (fmt == DW_FMT_AVRO && format && strcmp(format, "resolved") == 0)
		return schema_resolved(req, schema, refs, id, err);
	if (fmt != DW_FMT_PROTOBUF || !format || strcmp(format, "serialized") != 0)
		return 0;
	imports = reference_texts(req, refs, &n, err);
	dw_findings_init(&f);
	rc = protobuf_parse_with(*schema, strlen(*schema), imports, n, NULL, &f, &ast);
	if (rc == DW_INVALID) {
		/* the references' texts changed meaning: their types unseen, as written */
		const char **names = xcalloc(n + 1, sizeof(*names));
		for (i = 0; i < n; i++)
			names[i] = imports[i].path;
		dw_findings_release(&f);
		dw_findings_init(&f);
		rc = protobuf_parse(*schema, strlen(*schema), names, n, NULL, &f, &ast);
		free(names);
	}
	for (i = 0; i < n; i++) {
		free((char *)imports[i].path);
		free((char *)imports[i].text);
	}
	free(imports);
	dw_findings_release(&f);
	if (rc == DW_NOMEM)
		xjson(NULL);
	if (rc)
		return dw_error_set(err, DW_INTERNAL, "stored schema %lld does not parse", id);
	snprintf(name, sizeof(name), "schema_%lld.proto", id);
	rc = protobuf_desc_from_ast(ast, name, &bin, &len);
	json_decref(ast);
	if (rc == DW_NOMEM)
		xjson(NULL);
	if (rc)
		return dw_error_set(err, DW_INTERNAL, "stored schema %lld has no descriptor", id);
	b64 = protobuf_desc_base64_encode(bin, len);
	free(bin);
	if (!b64)
		xjson(NULL);
	free(*schema);
	*schema = b64;
	return 0;
}

/* {"subject","version","id","schema"[,"schemaType"][,"references"]} of a picked version item. */
static int version_doc(struct request *req, const char *subject, const json_t *item, json_t **out,
                       struct dw_error *err)
{
	int number = (int)json_integer_value(json_object_get(item, "version"));
	long long id = json_integer_value(json_object_get(item, "id"));
	char *format = NULL, *text = NULL, *refs = NULL, *schema;
	enum dw_format fmt;
	int rc;

	*out = NULL;
	rc = store_schema_get(req->srv->store, id, &format, &text, &refs, err);
	if (rc)
		return rc;
	fmt = contract_format_parse(format);
	schema = schema_string(fmt, text);
	free(format);
	free(text);
	if (!schema) {
		free(refs);
		return dw_error_set(err, DW_INTERNAL, "stored schema %lld does not parse", id);
	}
	if ((rc = schema_serialize(req, fmt, &schema, refs, id, err))) {
		free(schema);
		free(refs);
		return rc;
	}
	*out = xjson(json_pack("{s:s, s:i, s:I, s:s}", "subject", subject, "version", number, "id",
	                       (json_int_t)id, "schema", schema));
	schema_extras(*out, fmt, refs);
	free(schema);
	free(refs);
	return 0;
}

/* Subjects and versions --------------------------------------------------------------------- */

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int h_cc_subject_list(struct request *req, struct response *res, struct dw_error *err)
{
	const char *prefix = request_query(req, "subjectPrefix");
	int deleted = query_true(req, "deleted");
	json_t *items = NULL, *it, *out;
	char **names;
	size_t i, count = 0;
	int rc = store_subject_list(req->srv->store, &items, err);

	if (rc)
		return rc;
	names = xcalloc(json_array_size(items) + 1, sizeof(*names));
	json_array_foreach(items, i, it)
	{
		json_int_t n = json_integer_value(json_object_get(it, deleted ? "all" : "live"));
		char *name = subject_name(it);

		if (n > 0 && (!prefix || strncmp(name, prefix, strlen(prefix)) == 0))
			names[count++] = name;
		else
			free(name);
	}
	json_decref(items);
	qsort(names, count, sizeof(*names), name_cmp);
	out = xjson(json_array());
	for (i = 0; i < count; i++) {
		json_array_append_new(out, xjson(json_string(names[i])));
		free(names[i]);
	}
	free(names);
	respond(res, out);
	return 0;
}

/* The subject's versions list; answers 40401 (*answered) when it names nothing. */
static int subject_versions(struct request *req, struct response *res, struct cc_subject *sub,
                            json_t **items, int *answered, struct dw_error *err)
{
	int rc = subject_param(req, res, sub, answered, err);

	*items = NULL;
	if (rc || *answered)
		return rc;
	return store_subject_versions(req->srv->store, sub->domain, sub->product, items, err);
}

int h_cc_version_list(struct request *req, struct response *res, struct dw_error *err)
{
	int deleted = query_true(req, "deleted"), answered, rc;
	struct cc_subject sub;
	json_t *items, *it, *out;
	size_t i;

	if ((rc = subject_versions(req, res, &sub, &items, &answered, err)) || answered)
		return rc;
	out = xjson(json_array());
	json_array_foreach(items, i,
	                   it) if (deleted || !json_is_true(json_object_get(it, "hidden")))
	    json_array_append(out, json_object_get(it, "version"));
	json_decref(items);
	if (json_array_size(out) == 0) {
		json_decref(out);
		return cc_error(res, 404, CC_SUBJECT_NOT_FOUND, "Subject '%s' not found.",
		                request_param(req, "s"));
	}
	respond(res, out);
	return 0;
}

/* The version {v} of the path's subject: *item borrowed from *items (the caller's); answers
 * 40401, 40402 or 42202 (*answered). */
static int version_find(struct request *req, struct response *res, struct cc_subject *sub,
                        json_t **items, json_t **item, int *answered, struct dw_error *err)
{
	const char *v = request_param(req, "v");
	int number = version_param(v), deleted, rc;

	*item = NULL;
	*items = NULL;
	if (number < 0) {
		*answered = 1;
		return cc_error(res, 422, CC_INVALID_VERSION,
		                "The specified version '%s' is not a valid version id. Allowed "
		                "values are between [1, 2^31-1] and the string \"latest\"",
		                v);
	}
	if ((rc = subject_versions(req, res, sub, items, answered, err)) || *answered)
		return rc;
	/* a delete finds soft-deleted versions too, to tell 40406 */
	deleted = query_true(req, "deleted") || req->method == HTTP_DELETE;
	*item = version_pick(*items, number, deleted);
	if (*item)
		return 0;
	*answered = 1;
	if (versions_visible(*items, deleted))
		return cc_error(res, 404, CC_VERSION_NOT_FOUND, "Version %s not found.", v);
	return cc_error(res, 404, CC_SUBJECT_NOT_FOUND, "Subject '%s' not found.",
	                request_param(req, "s"));
}

int h_cc_version_get(struct request *req, struct response *res, struct dw_error *err)
{
	struct cc_subject sub;
	json_t *items, *item, *doc;
	int answered, rc;

	rc = version_find(req, res, &sub, &items, &item, &answered, err);
	if (!rc && !answered && !(rc = version_doc(req, request_param(req, "s"), item, &doc, err)))
		respond(res, doc);
	json_decref(items);
	return rc;
}

int h_cc_version_schema(struct request *req, struct response *res, struct dw_error *err)
{
	struct cc_subject sub;
	json_t *items, *item, *doc;
	int answered, rc;

	rc = version_find(req, res, &sub, &items, &item, &answered, err);
	if (!rc && !answered &&
	    !(rc = version_doc(req, request_param(req, "s"), item, &doc, err))) {
		const char *schema = json_string_value(json_object_get(doc, "schema"));
		response_body(res, 200, "application/json", xstrdup(schema), strlen(schema));
		json_decref(doc);
	}
	json_decref(items);
	return rc;
}

/* The ids of the schemas whose references name version {v} of the subject. */
int h_cc_referenced_by(struct request *req, struct response *res, struct dw_error *err)
{
	struct cc_subject sub;
	json_t *items, *item, *ids;
	int answered, rc;

	rc = version_find(req, res, &sub, &items, &item, &answered, err);
	if (!rc && !answered &&
	    !(rc = store_schema_referrers(req->srv->store, request_param(req, "s"),
	                                  (int)json_integer_value(json_object_get(item, "version")),
	                                  &ids, err)))
		respond(res, ids);
	json_decref(items);
	return rc;
}

/* 42206 (*answered) when a live schema references one of the versions (items of
 * store_subject_versions) of subject. */
static int unreferenced(struct request *req, struct response *res, const char *subject,
                        const json_t *versions, int *answered, struct dw_error *err)
{
	const json_t *it;
	size_t i;

	*answered = 0;
	json_array_foreach(versions, i, it)
	{
		int number = (int)json_integer_value(json_object_get(it, "version"));
		json_t *ids = NULL;
		int rc = store_schema_referrers(req->srv->store, subject, number, &ids, err);
		size_t n = json_array_size(ids);

		json_decref(ids);
		if (rc)
			return rc;
		if (n > 0) {
			*answered = 1;
			return cc_error(res, 422, CC_REFERENCE_EXISTS,
			                "One or more references exist to the schema "
			                "{magic=1,keytype=SCHEMA,subject=%s,version=%d}.",
			                subject, number);
		}
	}
	return 0;
}

/* Answers the 409 of a refused registration or check from the verdict server_version_add put
 * in res (or err's message for another conflict). */
static int incompatible(struct response *res, const char *subject, struct dw_error *err)
{
	json_t *it;
	size_t i, len = 0;
	char details[768] = "";

	json_array_foreach(res->errors, i, it)
	{
		const char *m = json_string_value(json_object_get(it, "message"));
		int n = snprintf(details + len, sizeof(details) - len, "%s\"%s\"", i ? ", " : "",
		                 m ? m : "");

		if (n < 0 || (size_t)n >= sizeof(details) - len)
			break;
		len += (size_t)n;
	}
	return cc_error(res, 409, CC_INCOMPATIBLE,
	                "Schema being registered is incompatible with an earlier schema for "
	                "subject \"%s\", details: [%s]",
	                subject, len ? details : err->message);
}

/* An explicit schema id of an IMPORT registration: 42205 when another schema holds it, 42207
 * when the schema holds another id already (*answered). */
static int import_id_check(struct request *req, struct response *res, const struct cc_candidate *c,
                           int *answered, struct dw_error *err)
{
	long long have;
	int rc = store_schema_id(req->srv->store, contract_format_name(c->fmt), c->fp, &have, err);

	*answered = 0;
	if (rc == 0 && have != c->id) {
		*answered = 1;
		return cc_error(res, 422, CC_ID_MISMATCH,
		                "Schema already registered with id %lld instead of input id %lld",
		                have, c->id);
	}
	if (rc == 0 || rc != DW_NOT_FOUND)
		return rc;
	if (!(rc = store_schema_taken(req->srv->store, c->id, err)))
		return 0;
	if (rc != DW_CONFLICT)
		return rc;
	*answered = 1;
	return cc_error(res, 422, CC_NOT_PERMITTED,
	                "Overwrite new schema with id %lld is not permitted.", c->id);
}

int h_cc_version_post(struct request *req, struct response *res, struct dw_error *err)
{
	const char *s = request_param(req, "s");
	struct cc_candidate c;
	struct cc_subject sub;
	struct store_version_in extra;
	enum store_result result;
	json_t *doc = NULL;
	const char *want;
	enum dw_mode mode;
	char rw[16];
	long long id;
	int answered, number, rc, import;

	if (!subject_ok(s))
		return cc_error(res, 422, CC_INVALID_SCHEMA, "invalid subject name");
	if ((rc = writable(req, res, s, &answered, rw, err)) || answered)
		return rc;
	if ((rc = candidate_read(req, res, &c, &answered, err)) || answered)
		return rc;
	import = strcmp(rw, "IMPORT") == 0;
	if (c.id > 0 && !import) {
		rc = cc_error(res, 422, CC_NOT_PERMITTED,
		              "Subject '%s' is not in import mode: a schema id cannot be given", s);
		goto out;
	}
	if (c.id > 0 && ((rc = import_id_check(req, res, &c, &answered, err)) || answered))
		goto out;
	rc = subject_find(req, s, &sub, err);
	if (rc == DW_NOT_FOUND && !(rc = auth_may_write(req, landing_domain(req), err)))
		rc = subject_create(req, s, &sub, err);
	if (rc || (rc = auth_may_write(req, sub.domain, err)) ||
	    (rc = store_product_get(req->srv->store, sub.domain, sub.product, 0, &doc, NULL, err)))
		goto out;
	want = json_string_value(
	    json_object_get(json_object_get(json_object_get(doc, "spec"), "contract"), "format"));
	if (want && contract_format_parse(want) != c.fmt) {
		rc =
		    cc_error(res, 409, CC_INCOMPATIBLE,
		             "Schema being registered is incompatible with an earlier schema for "
		             "subject \"%s\", details: [\"the product's contract format is '%s'\"]",
		             s, want);
		goto out;
	}
	/* IMPORT: schemas copied from another registry are taken as they come, with their ids
	 * and version numbers when given */
	if (import)
		mode = DW_MODE_NONE;
	else if ((rc = server_compat_mode(req, doc, &mode, NULL, err)))
		goto out;
	extra = (struct store_version_in){.fingerprint = c.fp,
	                                  .schema_text = c.schema_text,
	                                  .refs = c.refs_text,
	                                  .schema_id = c.id,
	                                  .number = import ? c.version : 0};
	/* Confluent's semantics: soft-deleted versions are not compared, and a schema whose
	 * versions here are all soft-deleted becomes a new version (with its same id) */
	rc = server_version_add(req, res, sub.domain, sub.product, c.fmt, c.contract, mode, 1,
	                        &extra, &number, &result, err);
	if (rc == DW_CONFLICT && import) {
		if (c.version)
			rc = cc_error(res, 422, CC_NOT_PERMITTED,
			              "Overwrite new schema with version %d is not permitted.",
			              c.version);
		else
			rc = cc_error(res, 422, CC_NOT_PERMITTED,
			              "Overwrite new schema with id %lld is not permitted.", c.id);
		goto out;
	}
	if (rc == DW_CONFLICT) {
		rc = incompatible(res, s, err);
		goto out;
	}
	if (!rc && c.version > 0 && !import && number != c.version) {
		/* outside IMPORT a version number may only say which one the schema gets */
		rc = cc_error(res, 422, CC_INVALID_SCHEMA,
		              "Invalid schema: version %d was asked for, the schema is version %d",
		              c.version, number);
		goto out;
	}
	if (!rc &&
	    !(rc = store_schema_id(req->srv->store, contract_format_name(c.fmt), c.fp, &id, err)))
		respond(res, xjson(json_pack("{s:I}", "id", (json_int_t)id)));
out:
	json_decref(doc);
	candidate_release(&c);
	return rc;
}

int h_cc_subject_lookup(struct request *req, struct response *res, struct dw_error *err)
{
	const char *s = request_param(req, "s");
	struct cc_candidate c;
	struct cc_subject sub;
	json_t *items = NULL, *item, *doc;
	int deleted = query_true(req, "deleted"), answered, found, number, rc;

	if ((rc = subject_param(req, res, &sub, &answered, err)) || answered)
		return rc;
	if ((rc = candidate_read(req, res, &c, &answered, err)) || answered)
		return rc;
	rc = deleted
	         ? store_version_find(req->srv->store, sub.domain, sub.product, c.fp, &number, err)
	         : store_version_find_shown(req->srv->store, sub.domain, sub.product, c.fp, &number,
	                                    err);
	if (rc && rc != DW_NOT_FOUND)
		goto out;
	found = !rc;
	if ((rc = store_subject_versions(req->srv->store, sub.domain, sub.product, &items, err)))
		goto out;
	if (!versions_visible(items, deleted))
		rc = cc_error(res, 404, CC_SUBJECT_NOT_FOUND, "Subject '%s' not found.", s);
	else if (!found || !(item = version_pick(items, number, deleted)))
		rc = cc_error(res, 404, CC_SCHEMA_NOT_FOUND, "Schema not found");
	else if (!(rc = version_doc(req, s, item, &doc, err)))
		respond(res, doc);
out:
	json_decref(items);
	candidate_release(&c);
	return rc;
}

/* Soft-deletes (or, permanent, removes) versions of the subject; 'numbers' gets them. */
static int versions_delete(struct request *req, const struct cc_subject *sub, json_t *list,
                           int permanent, json_t *numbers, struct dw_error *err)
{
	json_t *it;
	size_t i;

	json_array_foreach(list, i, it)
	{
		int n = (int)json_integer_value(json_object_get(it, "version"));
		int rc = store_version_hide(req->srv->store, sub->domain, sub->product, n,
		                            permanent ? STORE_PURGE : STORE_HIDE, err);

		if (rc)
			return rc;
		json_array_append(numbers, json_object_get(it, "version"));
	}
	return 0;
}

int h_cc_subject_delete(struct request *req, struct response *res, struct dw_error *err)
{
	const char *s = request_param(req, "s");
	int permanent = query_true(req, "permanent"), answered, rc;
	struct cc_subject sub;
	json_t *items, *it, *todo, *done;
	size_t i, live = 0;
	char rw[16];

	if ((rc = subject_versions(req, res, &sub, &items, &answered, err)) || answered)
		return rc;
	todo = xjson(json_array());
	json_array_foreach(items, i, it)
	{
		int hidden = json_is_true(json_object_get(it, "hidden"));

		live += !hidden;
		if (hidden == permanent)
			json_array_append(todo, it);
	}
	done = xjson(json_array());
	if ((rc = writable(req, res, s, &answered, rw, err)) || answered)
		goto out;
	if (json_array_size(items) == 0)
		rc = cc_error(res, 404, CC_SUBJECT_NOT_FOUND, "Subject '%s' not found.", s);
	else if (!permanent && live == 0)
		rc = cc_error(res, 404, CC_SUBJECT_SOFT_DELETED,
		              "Subject '%s' was soft deleted. Set permanent=true to delete "
		              "permanently",
		              s);
	else if (permanent && live > 0)
		rc = cc_error(res, 404, CC_SUBJECT_NOT_SOFT_DELETED,
		              "Subject '%s' was not deleted first before being permanently deleted",
		              s);
	else if (!(rc = auth_may_write(req, sub.domain, err)) &&
	         !(rc = unreferenced(req, res, s, todo, &answered, err)) && !answered &&
	         !(rc = versions_delete(req, &sub, todo, permanent, done, err))) {
		respond(res, done);
		done = NULL;
	}
out:
	json_decref(done);
	json_decref(todo);
	json_decref(items);
	return rc;
}

int h_cc_version_delete(struct request *req, struct response *res, struct dw_error *err)
{
	const char *s = request_param(req, "s"), *v = request_param(req, "v");
	int permanent = query_true(req, "permanent"), answered, rc, hidden, number;
	struct cc_subject sub;
	json_t *items, *item, *one, *nums;
	char rw[16], *body;

	if ((rc = version_find(req, res, &sub, &items, &item, &answered, err)) || answered)
		goto out;
	/* "latest" with ?permanent names the latest version, soft-deleted or not */
	if (permanent && version_param(v) == VERSION_LATEST && json_array_size(items) > 0)
		item = json_array_get(items, json_array_size(items) - 1);
	hidden = json_is_true(json_object_get(item, "hidden"));
	number = (int)json_integer_value(json_object_get(item, "version"));
	if ((rc = writable(req, res, s, &answered, rw, err)) || answered)
		goto out;
	if (!permanent && hidden) {
		rc = cc_error(res, 404, CC_VERSION_SOFT_DELETED,
		              "Subject '%s' Version %d was soft deleted. Set permanent=true to "
		              "delete permanently",
		              s, number);
		goto out;
	}
	if (permanent && !hidden) {
		rc = cc_error(res, 404, CC_VERSION_NOT_SOFT_DELETED,
		              "Subject '%s' Version %d was not deleted first before being "
		              "permanently deleted",
		              s, number);
		goto out;
	}
	one = xjson(json_array());
	nums = xjson(json_array());
	json_array_append(one, item);
	if (!(rc = auth_may_write(req, sub.domain, err)) &&
	    !(rc = unreferenced(req, res, s, one, &answered, err)) && !answered)
		rc = versions_delete(req, &sub, one, permanent, nums, err);
	json_decref(one);
	json_decref(nums);
	if (!rc && !answered) {
		body = xasprintf("%d", number);
		response_body(res, 200, "application/json", body, strlen(body));
	}
out:
	json_decref(items);
	return rc;
}

/* Schemas by id ----------------------------------------------------------------------------- */

/* The schema of the path's {id}: its format, Confluent string and references (a JSON array
 * text; both malloc'd); answers 40403 (*answered) when there is none. */
static int schema_by_id(struct request *req, struct response *res, enum dw_format *fmt,
                        char **schema, char **refs, int *answered, struct dw_error *err)
{
	const char *idp = request_param(req, "id");
	long long id = strtoll(idp, NULL, 10); /* the router checked it */
	char *format = NULL, *text = NULL;
	int rc = store_schema_get(req->srv->store, id, &format, &text, refs, err);

	*answered = 0;
	*schema = NULL;
	if (rc == DW_NOT_FOUND) {
		*answered = 1;
		return cc_error(res, 404, CC_SCHEMA_NOT_FOUND, "Schema %s not found", idp);
	}
	if (rc)
		return rc;
	*fmt = contract_format_parse(format);
	*schema = schema_string(*fmt, text);
	free(format);
	free(text);
	if (*schema) {
		if (!(rc = schema_serialize(req, *fmt, schema, *refs, id, err)))
			return 0;
		free(*schema);
		*schema = NULL;
		free(*refs);
		*refs = NULL;
		return rc;
	}
	free(*refs);
	*refs = NULL;
	return dw_error_set(err, DW_INTERNAL, "stored schema %s does not parse", idp);
}

int h_cc_schema_get(struct request *req, struct response *res, struct dw_error *err)
{
	enum dw_format fmt;
	char *schema, *refs = NULL;
	json_t *doc;
	int answered, rc;

	if ((rc = schema_by_id(req, res, &fmt, &schema, &refs, &answered, err)) || answered)
		return rc;
	doc = xjson(json_pack("{s:s}", "schema", schema));
	schema_extras(doc, fmt, refs);
	free(schema);
	free(refs);
	respond(res, doc);
	return 0;
}

int h_cc_schema_text(struct request *req, struct response *res, struct dw_error *err)
{
	enum dw_format fmt;
	char *schema, *refs = NULL;
	int answered, rc;

	if ((rc = schema_by_id(req, res, &fmt, &schema, &refs, &answered, err)) || answered)
		return rc;
	free(refs);
	response_body(res, 200, "application/json", schema, strlen(schema));
	return 0;
}

/* [{"subject","version"}] of schema {id}, by subject and version. */
static int schema_uses(struct request *req, struct response *res, json_t **out, int *answered,
                       struct dw_error *err)
{
	const char *idp = request_param(req, "id");
	int deleted = query_true(req, "deleted");
	json_t *uses = NULL, *subjects = NULL, *u, *it;
	size_t i, j;
	int rc;

	*out = NULL;
	*answered = 0;
	rc = store_schema_uses(req->srv->store, strtoll(idp, NULL, 10), &uses, err);
	if (!rc)
		rc = store_subject_list(req->srv->store, &subjects, err);
	if (rc)
		goto done;
	*out = xjson(json_array());
	json_array_foreach(uses, i, u)
	{
		const char *d = json_string_value(json_object_get(u, "domain"));
		const char *p = json_string_value(json_object_get(u, "product"));

		if (!deleted && json_is_true(json_object_get(u, "hidden")))
			continue;
		json_array_foreach(subjects, j, it)
		{
			char *name;

			if (strcmp(d, json_string_value(json_object_get(it, "domain"))) != 0 ||
			    strcmp(p, json_string_value(json_object_get(it, "product"))) != 0)
				continue;
			name = subject_name(it);
			json_array_append_new(
			    *out, xjson(json_pack("{s:s, s:O}", "subject", name, "version",
			                          json_object_get(u, "version"))));
			free(name);
			break;
		}
	}
	if (json_array_size(*out) == 0) {
		json_decref(*out);
		*out = NULL;
		*answered = 1;
		rc = cc_error(res, 404, CC_SCHEMA_NOT_FOUND, "Schema %s not found", idp);
	}
done:
	json_decref(uses);
	json_decref(subjects);
	return rc;
}

int h_cc_schema_versions(struct request *req, struct response *res, struct dw_error *err)
{
	json_t *out;
	int answered, rc = schema_uses(req, res, &out, &answered, err);

	if (!rc && !answered)
		respond(res, out);
	return rc;
}

int h_cc_schema_subjects(struct request *req, struct response *res, struct dw_error *err)
{
	json_t *out, *names, *it;
	size_t i;
	int answered, rc = schema_uses(req, res, &out, &answered, err);

	if (rc || answered)
		return rc;
	names = xjson(json_array());
	json_array_foreach(out, i, it)
	{
		json_t *name = json_object_get(it, "subject");

		if (i == 0 ||
		    !json_equal(name, json_object_get(json_array_get(out, i - 1), "subject")))
			json_array_append(names, name);
	}
	json_decref(out);
	respond(res, names);
	return 0;
}

int h_cc_schema_types(struct request *req, struct response *res, struct dw_error *err)
{
	(void)req;
	(void)err;
	respond(res, xjson(json_pack("[s, s, s]", "JSON", "PROTOBUF", "AVRO")));
	return 0;
}

/* Compatibility checks ---------------------------------------------------------------------- */

/* The verdict on c against one version of the subject (number), under mode. */
static int check_one(struct request *req, const struct cc_subject *sub,
                     const struct cc_candidate *c, int number, enum dw_mode mode, int *compatible,
                     json_t *messages, struct dw_error *err)
{
	char *text = NULL, *media = NULL;
	struct dw_changes changes;
	json_t *old = NULL;
	enum dw_format fmt;
	json_t *meta = NULL;
	int rc;

	*compatible = 1;
	dw_changes_init(&changes);
	rc = store_version_get(req->srv->store, sub->domain, sub->product, number, &meta, err);
	if (rc)
		return rc;
	fmt = contract_format_parse(json_string_value(json_object_get(meta, "format")));
	json_decref(meta);
	if (mode == DW_MODE_NONE)
		return 0;
	if (fmt != c->fmt) {
		*compatible = 0;
		json_array_append_new(
		    messages, xjson(json_sprintf("schema type differs from version %d's", number)));
		return 0;
	}
	rc = store_version_contract(req->srv->store, sub->domain, sub->product, number, &text,
	                            &media, err);
	free(media);
	if (rc)
		return rc;
	old = json_loads(text, JSON_DECODE_ANY, NULL);
	free(text);
	if (!old)
		return dw_error_set(err, DW_INTERNAL,
		                    "stored contract of version %d does not parse", number);
	rc = compat_check(c->fmt, mode, c->contract, (const json_t *const *)&old, &number, 1,
	                  compatible, &changes);
	if (rc == DW_NOMEM || changes.oom)
		xjson(NULL);
	for (size_t i = 0; !rc && i < changes.count; i++)
		if (compat_change_severity(&changes.items[i], mode) == DW_CHANGE_BREAKING)
			json_array_append_new(
			    messages, xjson(json_sprintf("%s: %s", changes.items[i].rule->id,
			                                 changes.items[i].message)));
	if (rc)
		rc = dw_error_set(err, DW_INVALID, "schema cannot be compared with version %d",
		                  number);
	json_decref(old);
	dw_changes_release(&changes);
	return rc;
}

/* POST /compatibility/subjects/{s}/versions[/{v}]: {"is_compatible"[, "messages"]}. */
int h_cc_compat(struct request *req, struct response *res, struct dw_error *err)
{
	const char *v = request_param(req, "v");
	struct cc_candidate c = {0};
	struct cc_subject sub;
	json_t *items = NULL, *item, *doc = NULL, *messages = xjson(json_array()), *body;
	enum dw_mode mode;
	int answered = 0, rc, compatible = 1;

	memset(&sub, 0, sizeof(sub));
	if (v)
		rc = version_find(req, res, &sub, &items, &item, &answered, err);
	else
		rc = subject_find(req, request_param(req, "s"), &sub, err);
	/* nothing registered yet: anything is compatible */
	if (!v && rc == DW_NOT_FOUND)
		rc = answered = 0;
	else if (!v && !rc)
		answered = 0;
	if (rc || answered)
		goto out;
	if ((rc = candidate_read(req, res, &c, &answered, err)) || answered)
		goto out;
	if (!v && !sub.domain[0])
		goto verdict;
	if ((rc =
	         store_product_get(req->srv->store, sub.domain, sub.product, 0, &doc, NULL, err)) ||
	    (rc = server_compat_mode(req, doc, &mode, NULL, err)))
		goto out;
	if (v) {
		rc = check_one(req, &sub, &c,
		               (int)json_integer_value(json_object_get(item, "version")), mode,
		               &compatible, messages, err);
	} else {
		struct server_verdict verdict;
		json_t *e;
		size_t i;

		rc = server_compat_check(req, sub.domain, sub.product, c.fmt, c.contract, mode, 1,
		                         &verdict, err);
		if (rc == DW_CONFLICT) { /* earlier versions of another schema type */
			compatible = 0;
			json_array_append_new(messages, xjson(json_string(err->message)));
			rc = 0;
		} else if (!rc) {
			compatible = verdict.compatible;
			json_array_foreach(verdict.errors, i, e)
			    json_array_append(messages, json_object_get(e, "message"));
			server_verdict_release(&verdict);
		}
	}
	if (rc)
		goto out;
verdict:
	body = xjson(json_pack("{s:b}", "is_compatible", compatible));
	if (query_true(req, "verbose"))
		json_object_set(body, "messages", messages);
	respond(res, body);
out:
	json_decref(items);
	json_decref(doc);
	json_decref(messages);
	candidate_release(&c);
	return rc;
}
