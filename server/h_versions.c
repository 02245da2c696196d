/*
 * h_versions: /domains/{d}/products/{p}/versions. Versions are immutable and numbered 1..n per
 * product. POST checks the contract, fingerprints its canonical form and stores its text as
 * registered (key order kept); a contract canonically equal to an existing version answers with
 * that version instead of adding one. A version's ETag is its fingerprint.
 */
#include <stdlib.h>
#include <string.h>

#include "server/server.h"
#include "validators/contract.h"
#include "validators/xalloc.h"

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

/* Checks the body {"format", "contract"} and the contract itself. Sets *fmt. */
static int version_check(struct request *req, struct response *res, const json_t *product,
                         enum dw_format *fmt, struct dw_error *err)
{
	const json_t *body = req->json;
	const char *format, *key, *want;
	json_t *v, *contract;
	struct dw_findings f;
	int rc = 0;

	*fmt = DW_FMT_UNKNOWN;
	dw_findings_init(&f);
	if (!json_is_object(body)) {
		dw_findings_add(&f, "",
		                "request body must be an object with 'format' and "
		                "'contract'");
		goto out;
	}
	json_object_foreach((json_t *)body, key, v)
	{
		if (strcmp(key, "format") != 0 && strcmp(key, "contract") != 0) {
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
		                "unknown contract format '%s' (expected openapi, avro, jsonschema "
		                "or odcs)",
		                format);
	want = json_string_value(json_object_get(
	    json_object_get(json_object_get(product, "spec"), "contract"), "format"));
	if (format && *fmt != DW_FMT_UNKNOWN && want && strcmp(want, format) != 0)
		dw_findings_add(&f, "/format",
		                "format '%s' does not match the product's contract format '%s'",
		                format, want);
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

int h_version_post(struct request *req, struct response *res, struct dw_error *err)
{
	const char *d = request_param(req, "d"), *p = request_param(req, "p");
	json_t *product = NULL, *changes;
	struct store_version_in in;
	enum store_result result;
	enum dw_format fmt;
	char fp[72];
	char *text;
	int number = 0, rc;

	rc = product_get(req, d, p, &product, err);
	if (rc)
		return rc;
	rc = version_check(req, res, product, &fmt, err);
	json_decref(product);
	if (rc)
		return rc;
	if (canon_fingerprint(json_object_get(req->json, "contract"), fp))
		return dw_error_set(err, DW_INTERNAL, "out of memory fingerprinting the contract");
	/* Stored as registered: jansson keeps the keys in the order they arrived. */
	text = json_dumps(json_object_get(req->json, "contract"), JSON_INDENT(2) | JSON_ENCODE_ANY);
	if (!text)
		return dw_error_set(err, DW_INTERNAL, "out of memory serialising the contract");
	changes = xjson(json_array());
	in = (struct store_version_in){
	    .format = contract_format_name(fmt),
	    .media_type = contract_media_type(fmt),
	    .contract = text,
	    .fingerprint = fp,
	    .created_by = req->who.name[0] ? req->who.name : "anonymous",
	    .changes = changes,
	};
	rc = store_version_add(req->srv->store, d, p, &in, &number, &result, err);
	free(text);
	json_decref(changes);
	if (rc)
		return rc;
	rc = version_respond(req, res, d, p, number, result == STORE_CREATED ? 201 : 200, err);
	if (rc)
		return rc;
	if (result == STORE_CREATED)
		response_header_add(res, "Location", "/domains/%s/products/%s/versions/%d", d, p,
		                    number);
	response_header_add(res, "Driveway-Result", "%s", server_result_name(result));
	return 0;
}

int h_version_get(struct request *req, struct response *res, struct dw_error *err)
{
	return version_respond(req, res, request_param(req, "d"), request_param(req, "p"),
	                       version_number(request_param(req, "n")), 200, err);
}

int h_version_contract(struct request *req, struct response *res, struct dw_error *err)
{
	const char *d = request_param(req, "d"), *p = request_param(req, "p");
	json_t *v = NULL;
	char *text = NULL, *media = NULL;
	const char *type;
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
	type = type ? contract_media_type(contract_format_parse(type)) : NULL;
	response_body(res, 200, type ? type : "application/json", text, strlen(text));
	version_etag(res, v);
	json_decref(v);
	free(media);
	return 0;
}
