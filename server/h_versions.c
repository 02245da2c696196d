/*
 * h_versions: /domains/{d}/products/{p}/versions. Versions are immutable and numbered 1..n per
 * product. POST checks the contract, fingerprints its canonical form and stores its text as
 * registered (key order kept); a contract canonically equal to an existing version answers with
 * that version instead of adding one. Any other contract must keep the product's compatibility
 * mode with the versions before it (h_compat.c): else 409 listing the breaking changes and the
 * consumers they reach, and nothing is stored. A version's ETag is its fingerprint.
 */
#include <stdlib.h>
#include <string.h>

#include "server/metrics.h"
#include "server/server.h"
#include "validators/contract.h"
#include "validators/fields.h"
#include "validators/xalloc.h"

/* How often POST re-checks when another version came in between its check and its write. */
#define ADD_ATTEMPTS 3

static int version_number(const char *n)
{
	/* The router let only "latest" or 1..2^31-1 through. */
	return strcmp(n, "latest") == 0 ? 0 : (int)strtol(n, NULL, 10);
}

static void version_links(json_t *v, const char *d, const char *p)
{
	long long n = json_integer_value(json_object_get(v, "version"));
	char *self = xasprintf("/domains/%s/products/%s/versions/%lld", d, p, n);

	json_object_set_new(
	    v, "links",
	    xjson(json_pack("{s:s, s:s+}", "self", self, "contract", self, "/contract")));
	free(self);
}

static void version_etag(struct response *res, const json_t *v)
{
	const char *fp = json_string_value(json_object_get(v, "fingerprint"));

	if (fp)
		response_header_add(res, "ETag", "\"%s\"", fp);
}

/* The product's document; DW_NOT_FOUND when it does not exist or is deleted. */
static int product_get(struct request *req, const char *d, const char *p, json_t **doc,
                       struct dw_error *err)
{
	return store_product_get(req->srv->store, d, p, 0, doc, NULL, err);
}

int h_version_list(struct request *req, struct response *res, struct dw_error *err)
{
	const char *d = request_param(req, "d"), *p = request_param(req, "p");
	struct store_page page;
	json_t *doc = NULL, *items = NULL, *item;
	char *next = NULL;
	size_t i;
	int rc;

	rc = server_page(req, &page, err);
	if (rc)
		return rc;
	rc = product_get(req, d, p, &doc, err);
	json_decref(doc);
	if (rc)
		return rc;
	rc = store_version_list(req->srv->store, d, p, &page, &items, &next, err);
	if (rc)
		return rc;
	json_array_foreach(items, i, item) version_links(item, d, p);
	server_page_respond(req, res, items, &page, next, NULL);
	free(next);
	return 0;
}

int server_version_body(struct request *req, struct response *res, const json_t *product,
                        int with_mode, enum dw_format *fmt, enum dw_mode *mode,
                        struct dw_error *err)
{
	const json_t *body = req->json;
	const char *format, *key, *want;
	json_t *v, *contract;
	struct dw_findings f;
	int rc = 0;

	*fmt = DW_FMT_UNKNOWN;
	if (mode)
		*mode = DW_MODE_UNKNOWN;
	dw_findings_init(&f);
	if (!json_is_object(body)) {
		dw_findings_add(&f, "",
		                "request body must be an object with 'format' and "
		                "'contract'");
		goto out;
	}
	json_object_foreach((json_t *)body, key, v)
	{
		if (strcmp(key, "format") != 0 && strcmp(key, "contract") != 0 &&
		    !(with_mode && strcmp(key, "mode") == 0) &&
		    !(!with_mode && strcmp(key, "version") == 0)) {
			char *ptr = dw_pointer_join("", key);
			dw_findings_add(&f, ptr ? ptr : "", "unknown property '%s'", key);
			free(ptr);
		}
	}
	v = json_object_get(body, "format");
	format = json_string_value(v);
	if (!v)
		dw_findings_add(&f, "", "missing required property 'format'");
	else if (!format)
		dw_findings_add(&f, "/format", "format must be a string");
	else if ((*fmt = contract_format_parse(format)) == DW_FMT_UNKNOWN)
		dw_findings_add(&f, "/format",
		                "unknown contract format '%s' (expected openapi, avro, jsonschema, "
		                "odcs or protobuf)",
		                format);
	want = json_string_value(json_object_get(
	    json_object_get(json_object_get(product, "spec"), "contract"), "format"));
	if (format && *fmt != DW_FMT_UNKNOWN && want && strcmp(want, format) != 0)
		dw_findings_add(&f, "/format",
		                "format '%s' does not match the product's contract format '%s'",
		                format, want);
	v = with_mode ? NULL : json_object_get(body, "version");
	if (v && (!json_is_integer(v) || json_integer_value(v) < 1 ||
	          json_integer_value(v) > 2147483647))
		dw_findings_add(&f, "/version", "version must be an integer from 1 to 2147483647");
	v = with_mode ? json_object_get(body, "mode") : NULL;
	if (v && !json_is_string(v))
		dw_findings_add(&f, "/mode", "mode must be a string");
	else if (v && (*mode = compat_mode_parse(json_string_value(v))) == DW_MODE_UNKNOWN)
		dw_findings_add(&f, "/mode", "unknown compatibility mode '%s'",
		                json_string_value(v));
	contract = json_object_get(body, "contract");
	if (!contract)
		dw_findings_add(&f, "", "missing required property 'contract'");
	else if (*fmt != DW_FMT_UNKNOWN &&
	         contract_validate(*fmt, contract, "/contract", &f) == DW_NOMEM)
		rc = dw_error_set(err, DW_INTERNAL, "out of memory validating the contract");
out:
	if (!rc && dw_findings_oom(&f))
		rc = dw_error_set(err, DW_INTERNAL, "out of memory validating the contract");
	if (!rc && dw_findings_errors(&f))
		rc = server_invalid(req, res, &f, "contract", 1, err);
	dw_findings_release(&f);
	return rc;
}

static int version_respond(struct request *req, struct response *res, const char *d, const char *p,
                           int number, int status, struct dw_error *err)
{
	json_t *v = NULL;
	int rc = store_version_get(req->srv->store, d, p, number, &v, err);

	if (rc)
		return rc;
	version_links(v, d, p);
	response_json(res, status, v);
	version_etag(res, v);
	json_decref(v);
	return 0;
}

/* Answers with version number: 201 and Location when the request created it, else 200. */
static int version_registered(struct request *req, struct response *res, const char *d,
                              const char *p, int number, enum store_result result,
                              struct dw_error *err)
{
	int rc;

	rc = version_respond(req, res, d, p, number, result == STORE_CREATED ? 201 : 200, err);
	if (rc)
		return rc;
	if (result == STORE_CREATED)
		response_header_add(res, "Location", "/domains/%s/products/%s/versions/%d", d, p,
		                    number);
	response_header_add(res, "Driveway-Result", "%s", server_result_name(result));
	return 0;
}

int server_version_add(struct request *req, struct response *res, const char *d, const char *p,
                       enum dw_format fmt, const json_t *contract, enum dw_mode mode,
                       int skip_hidden, const struct store_version_in *cc, int *number,
                       enum store_result *result, struct dw_error *err)
{
	json_t *fields = NULL;
	struct store_version_in in;
	char fp[72];
	char *text;
	int rc;

	*number = 0;
	*result = STORE_UNCHANGED;
	if (cc && cc->fingerprint)
		snprintf(fp, sizeof(fp), "%s", cc->fingerprint);
	else if (contract_fingerprint(fmt, contract, fp))
		return dw_error_set(err, DW_INTERNAL, "out of memory fingerprinting the contract");
	/* identical to a registered version: that version, whatever the mode */
	if (!cc || cc->number <= 0) {
		rc = skip_hidden ? store_version_find_shown(req->srv->store, d, p, fp, number, err)
		                 : store_version_find(req->srv->store, d, p, fp, number, err);
		if (rc != DW_NOT_FOUND)
			return rc;
	}
	/* Stored as registered: jansson keeps the keys in the order they arrived. */
	text = json_dumps(contract, JSON_INDENT(2) | JSON_ENCODE_ANY | DW_JSON_REALS);
	if (!text)
		return dw_error_set(err, DW_INTERNAL, "out of memory serialising the contract");
	/* The field names search matches; only out of memory can fail for a known format. */
	if (contract_field_names(fmt, contract, &fields))
		xjson(NULL);
	/* Checked against the versions there are now; when another version comes in before the
	 * store commits (expect_number), the check runs again against it. */
	for (int attempt = 0; attempt < ADD_ATTEMPTS; attempt++) {
		struct server_verdict v;

		rc = server_compat_check(req, d, p, fmt, contract, mode, skip_hidden, &v, err);
		if (rc)
			break;
		if (!v.compatible) {
			server_verdict_refuse(res, &v);
			metrics_note_incompatible();
			rc = dw_error_set(err, DW_CONFLICT, "%s", v.detail);
			server_verdict_release(&v);
			break;
		}
		in = (struct store_version_in){
		    .format = contract_format_name(fmt),
		    .media_type = contract_media_type(fmt),
		    .contract = text,
		    .fingerprint = fp,
		    .created_by = req->who.name[0] ? req->who.name : "anonymous",
		    .changes = v.latest_changes,
		    .fields = fields,
		    .schema_text = cc ? cc->schema_text : NULL,
		    .refs = cc ? cc->refs : NULL,
		    .schema_id = cc ? cc->schema_id : 0,
		    .number = cc ? cc->number : 0,
		};
		rc = (skip_hidden ? store_version_add_shown : store_version_add_next)(
		    req->srv->store, d, p, &in, v.latest + 1, number, result, err);
		server_verdict_release(&v);
		if (rc != DW_PRECONDITION)
			break;
	}
	if (rc == DW_PRECONDITION)
		rc = dw_error_set(err, DW_CONFLICT,
		                  "versions of '%s/%s' kept coming in while this one was checked; "
		                  "retry",
		                  d, p);
	if (rc == 0 && *result == STORE_CREATED)
		metrics_registration();
	free(text);
	json_decref(fields);
	return rc;
}

/* DW_CONFLICT when number is below the product's latest version and holds none; a number
 * holding a version is left to the store (that version when the contract is the same, else
 * DW_CONFLICT). */
static int version_number_check(struct request *req, const char *d, const char *p, int number,
                                struct dw_error *err)
{
	json_t *v = NULL;
	int rc = store_version_get(req->srv->store, d, p, 0, &v, err), have;

	if (rc == DW_NOT_FOUND)
		return 0;
	if (rc)
		return rc;
	have = (int)json_integer_value(json_object_get(v, "version"));
	json_decref(v);
	if (number >= have)
		return 0;
	rc = store_version_get(req->srv->store, d, p, number, &v, err);
	json_decref(v);
	if (rc != DW_NOT_FOUND)
		return rc;
	return dw_error_set(err, DW_CONFLICT,
	                    "version %d is below the latest version of '%s/%s', %d", number, d, p,
	                    have);
}

int h_version_post(struct request *req, struct response *res, struct dw_error *err)
{
	const char *d = request_param(req, "d"), *p = request_param(req, "p");
	struct store_version_in extra = {0};
	enum store_result result;
	json_t *product = NULL;
	enum dw_format fmt;
	enum dw_mode mode;
	int number, rc, asked = 0;

	rc = product_get(req, d, p, &product, err);
	if (rc)
		return rc;
	rc = server_version_body(req, res, product, 0, &fmt, NULL, err);
	if (!rc)
		rc = server_compat_mode(req, product, &mode, NULL, err);
	json_decref(product);
	/* an explicit number (a restored history's) comes after the latest version */
	if (!rc && (asked = (int)json_integer_value(json_object_get(req->json, "version"))) > 0)
		rc = version_number_check(req, d, p, asked, err);
	extra.number = asked;
	if (!rc)
		rc = server_version_add(req, res, d, p, fmt, json_object_get(req->json, "contract"),
		                        mode, 0, asked > 0 ? &extra : NULL, &number, &result, err);
	if (rc)
		return rc;
	return version_registered(req, res, d, p, number, result, err);
}

int h_version_get(struct request *req, struct response *res, struct dw_error *err)
{
	return version_respond(req, res, request_param(req, "d"), request_param(req, "p"),
	                       version_number(request_param(req, "n")), 200, err);
}

int h_version_contract(struct request *req, struct response *res, struct dw_error *err)
{
	const char *d = request_param(req, "d"), *p = request_param(req, "p");
	json_t *v = NULL, *proto;
	char *text = NULL, *media = NULL;
	const char *type;
	enum dw_format fmt;
	int number, rc;

	/* The metadata first: it resolves "latest" to a number and gives the ETag. */
	rc = store_version_get(req->srv->store, d, p, version_number(request_param(req, "n")), &v,
	                       err);
	if (rc)
		return rc;
	number = (int)json_integer_value(json_object_get(v, "version"));
	rc = store_version_contract(req->srv->store, d, p, number, &text, &media, err);
	if (rc) {
		json_decref(v);
		return rc;
	}
	type = json_string_value(json_object_get(v, "format"));
	/* A static media type for the response: the store's copy is only a check. */
	fmt = contract_format_parse(type);
	type = type ? contract_media_type(fmt) : NULL;
	/* A protobuf contract is stored as a JSON string: served as the .proto text itself. */
	proto = fmt == DW_FMT_PROTOBUF ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
	if (json_is_string(proto)) {
		size_t n = json_string_length(proto);
		free(text);
		text = xmalloc(n + 1);
		memcpy(text, json_string_value(proto), n + 1);
	}
	json_decref(proto);
	response_body(res, 200, type ? type : "application/json", text, strlen(text));
	version_etag(res, v);
	json_decref(v);
	free(media);
	return 0;
}
