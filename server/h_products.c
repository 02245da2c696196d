/*
 * h_products: /domains/{d}/products[/{p}] and discovery at /products. A product is stored as its
 * DataProduct descriptor document. PUT replaces it, PATCH applies a JSON merge patch (RFC 7396)
 * to the stored document and validates the result as a whole, DELETE hides it (its versions
 * and history stay in the store).
 */
#include <stdlib.h>
#include <string.h>

#include "server/server.h"
#include "validators/descriptor.h"
#include "validators/xalloc.h"

/* How often PATCH re-reads and re-applies when the product changed under it (no If-Match). */
#define PATCH_ATTEMPTS 3

static void strip_registry_members(json_t *doc)
{
	if (json_is_object(doc)) {
		json_object_del(doc, "status");
		json_object_del(doc, "links");
	}
}

static const char *member_str(const json_t *obj, const char *a, const char *b)
{
	const json_t *v = json_object_get(obj, a);

	if (b)
		v = json_object_get(v, b);
	return json_string_value(v);
}

static int has_finding(const struct dw_findings *f, const char *pointer)
{
	for (size_t i = 0; i < f->count; i++)
		if (f->items[i].pointer && strcmp(f->items[i].pointer, pointer) == 0)
			return 1;
	return 0;
}

/*
 * Validates a DataProduct document for /domains/{d}/products/{p}: the descriptor rules, the
 * names in the path, and a spec.contract holding only its format (contracts arrive as
 * versions). DW_INVALID with res->errors.
 */
static int product_check(struct request *req, struct response *res, json_t *doc, const char *d,
                         const char *p, int in_body, struct dw_error *err)
{
	struct dw_findings f;
	int rc;

	dw_findings_init(&f);
	rc = descriptor_validate(doc, 0, &f);
	if (rc == DW_NOMEM || dw_findings_oom(&f)) {
		dw_findings_release(&f);
		return dw_error_set(err, DW_INTERNAL, "out of memory validating the descriptor");
	}
	if (json_is_object(doc)) {
		const char *kind = member_str(doc, "kind", NULL);
		const char *md = member_str(doc, "metadata", "domain");
		const char *mn = member_str(doc, "metadata", "name");
		json_t *contract = json_object_get(json_object_get(doc, "spec"), "contract");

		if (kind && strcmp(kind, "DataProduct") != 0)
			dw_findings_add(&f, "/kind",
			                "kind '%s' cannot be stored at '/domains/%s/products/%s'"
			                " (expected 'DataProduct')",
			                kind, d, p);
		if (md && strcmp(md, d) != 0)
			dw_findings_add(&f, "/metadata/domain",
			                "domain '%s' does not match the domain '%s' of the path",
			                md, d);
		if (mn && strcmp(mn, p) != 0)
			dw_findings_add(&f, "/metadata/name",
			                "name '%s' does not match the product '%s' of the path", mn,
			                p);
		/* The body's own checks report a bad name in the path already (as a bad or a
		 * mismatching metadata name); this keeps one from ever reaching the store. */
		if (f.count == 0 && !descriptor_slug_ok(d))
			dw_findings_add(&f, "/metadata/domain",
			                "domain name '%s' of the path is not a valid name", d);
		if (f.count == 0 && !descriptor_slug_ok(p))
			dw_findings_add(
			    &f, "/metadata/name",
			    "product name '%s' of the path is not a valid name (lowercase "
			    "letters, digits and '-', at most 63)",
			    p);
		if (json_is_object(contract)) {
			const char *key;
			json_t *v;

			json_object_foreach(contract, key, v)
			{
				char *ptr;

				if (strcmp(key, "format") == 0)
					continue;
				ptr = dw_pointer_join("/spec/contract", key);
				/* descriptor_validate(doc, 0) reports path and inline itself. */
				if (ptr && !has_finding(&f, ptr))
					dw_findings_add(&f, ptr,
					                "'%s' is not accepted by the registry: "
					                "register the contract as a version",
					                key);
				free(ptr);
			}
		}
	}
	if (f.count == 0) {
		dw_findings_release(&f);
		return 0;
	}
	rc = server_invalid(req, res, &f, "descriptor", in_body, err);
	dw_findings_release(&f);
	return rc;
}

/* metadata.lifecycle defaults to experimental (docs/descriptor.md): stored explicitly so that
 * discovery by lifecycle finds the product. */
static void product_defaults(json_t *doc)
{
	json_t *md = json_object_get(doc, "metadata");

	if (json_is_object(md) && !json_object_get(md, "lifecycle"))
		json_object_set_new(md, "lifecycle", xjson(json_string("experimental")));
}

/* The stored document (without status), revision and ETag; *doc NULL, rev 0 and "" when the
 * product does not exist. */
static int product_current(struct store *st, const char *d, const char *p, json_t **doc,
                           long long *rev, char etag[SERVER_ETAG_MAX], struct dw_error *err)
{
	int rc;

	*doc = NULL;
	*rev = 0;
	etag[0] = '\0';
	rc = store_product_get(st, d, p, 0, doc, rev, err);
	if (rc == DW_NOT_FOUND) {
		*rev = 0;
		return 0;
	}
	if (rc)
		return rc;
	server_doc_etag(*doc, etag);
	strip_registry_members(*doc);
	return 0;
}

static int product_respond(struct request *req, struct response *res, const char *d, const char *p,
                           int status, struct dw_error *err)
{
	json_t *doc = NULL;
	char etag[SERVER_ETAG_MAX];
	int rc = store_product_get(req->srv->store, d, p, 0, &doc, NULL, err);

	if (rc)
		return rc;
	server_doc_etag(doc, etag);
	server_product_links(doc, d, p);
	response_json(res, status, doc);
	json_decref(doc);
	response_header_add(res, "ETag", "%s", etag);
	return 0;
}

static void product_write_headers(struct response *res, const char *d, const char *p,
                                  enum store_result result)
{
	if (result == STORE_CREATED)
		response_header_add(res, "Location", "/domains/%s/products/%s", d, p);
	response_header_add(res, "Driveway-Result", "%s", server_result_name(result));
}

static void add_item_links(json_t *items)
{
	size_t i;
	json_t *item;

	json_array_foreach(items, i, item)
	{
		const char *d = member_str(item, "metadata", "domain");
		const char *p = member_str(item, "metadata", "name");
		if (d && p)
			server_product_links(item, d, p);
	}
}

static int product_list(struct request *req, struct response *res,
                        const struct store_product_filter *filter, const char *const *keep,
                        struct dw_error *err)
{
	struct store_page page;
	json_t *items = NULL;
	char *next = NULL;
	int rc;

	rc = server_page(req, &page, err);
	if (rc)
		return rc;
	rc = store_product_list(req->srv->store, filter, &page, &items, &next, err);
	if (rc)
		return rc;
	add_item_links(items);
	server_page_respond(req, res, items, &page, next, keep);
	free(next);
	return 0;
}

/* "domain" or "domain/product", both slugs. */
static int consumes_ok(const char *v)
{
	const char *slash = strchr(v, '/');
	char domain[64];
	size_t n = slash ? (size_t)(slash - v) : strlen(v);

	if (n >= sizeof(domain))
		return 0;
	memcpy(domain, v, n);
	domain[n] = '\0';
	return descriptor_slug_ok(domain) && (!slash || descriptor_slug_ok(slash + 1));
}

int h_product_discover(struct request *req, struct response *res, struct dw_error *err)
{
	static const char *const keep[] = {"q",   "domain",    "kind",     "owner",
	                                   "tag", "lifecycle", "consumes", NULL};
	struct store_product_filter filter = {
	    .domain = request_query(req, "domain"),
	    .kind = request_query(req, "kind"),
	    .owner = request_query(req, "owner"),
	    .tag = request_query(req, "tag"),
	    .lifecycle = request_query(req, "lifecycle"),
	    .q = request_query(req, "q"),
	    .consumes = request_query(req, "consumes"),
	};

	if (filter.consumes && !consumes_ok(filter.consumes))
		return dw_error_set(err, DW_MALFORMED,
		                    "invalid consumes '%s' (expected 'domain' or 'domain/product')",
		                    filter.consumes);
	return product_list(req, res, &filter, keep, err);
}

int h_product_list(struct request *req, struct response *res, struct dw_error *err)
{
	struct store_product_filter filter = {.domain = request_param(req, "d")};
	json_t *doc = NULL;
	int rc = store_domain_get(req->srv->store, filter.domain, &doc, NULL, err);

	json_decref(doc);
	if (rc)
		return rc;
	return product_list(req, res, &filter, NULL, err);
}

int h_product_get(struct request *req, struct response *res, struct dw_error *err)
{
	return product_respond(req, res, request_param(req, "d"), request_param(req, "p"), 200,
	                       err);
}

int h_product_put(struct request *req, struct response *res, struct dw_error *err)
{
	struct store *st = req->srv->store;
	const char *d = request_param(req, "d"), *p = request_param(req, "p");
	enum store_result result;
	char etag[SERVER_ETAG_MAX];
	json_t *cur = NULL;
	long long current, expect, rev;
	int rc;

	strip_registry_members(req->json);
	rc = product_check(req, res, req->json, d, p, 1, err);
	if (rc)
		return rc;
	product_defaults(req->json);
	rc = product_current(st, d, p, &cur, &current, etag, err);
	json_decref(cur);
	if (rc)
		return rc;
	rc = server_precondition(req, etag, current, 1, &expect, err);
	if (rc)
		return rc;
	rc = store_product_put(st, d, p, req->json, expect, &result, &rev, err);
	if (rc)
		return rc;
	rc = product_respond(req, res, d, p, result == STORE_CREATED ? 201 : 200, err);
	if (rc)
		return rc;
	product_write_headers(res, d, p, result);
	return 0;
}

/* RFC 7396, section 2: MergePatch(Target, Patch). Consumes target, borrows patch; returns the
 * patched value (a new reference). */
static json_t *merge_patch(json_t *target, const json_t *patch)
{
	const char *key;
	json_t *value;

	if (!json_is_object(patch)) {
		json_decref(target);
		return xjson(json_deep_copy(patch));
	}
	if (!json_is_object(target)) {
		json_decref(target);
		target = xjson(json_object());
	}
	json_object_foreach((json_t *)patch, key, value)
	{
		if (json_is_null(value)) {
			json_object_del(target, key);
		} else {
			json_t *old = json_incref(json_object_get(target, key));
			json_object_set_new(target, key, merge_patch(old, value));
		}
	}
	return target;
}

int server_product_patch(struct request *req, struct response *res, const char *d, const char *p,
                         const json_t *patch, int preconditions, enum store_result *result,
                         struct dw_error *err)
{
	struct store *st = req->srv->store;
	int conditional = preconditions && request_header(req, "If-Match") != NULL;
	char etag[SERVER_ETAG_MAX];
	int rc = 0;

	*result = STORE_UNCHANGED;
	for (int attempt = 0; attempt < PATCH_ATTEMPTS; attempt++) {
		json_t *doc = NULL;
		long long current, expect = STORE_REV_ANY, rev;

		rc = product_current(st, d, p, &doc, &current, etag, err);
		if (rc)
			return rc;
		if (preconditions)
			rc = server_precondition(req, etag, current, 0, &expect, err);
		if (rc) {
			json_decref(doc);
			return rc;
		}
		if (!current)
			return dw_error_set(err, DW_NOT_FOUND, "product '%s/%s' not found", d, p);
		doc = merge_patch(doc, patch);
		strip_registry_members(doc);
		rc = product_check(req, res, doc, d, p, 0, err);
		if (rc) {
			json_decref(doc);
			return rc;
		}
		product_defaults(doc);
		/* Without If-Match the client still must not lose a concurrent update: the patch
		 * applies to the revision just read, and is re-applied if that one changed. */
		if (!conditional)
			expect = current;
		rc = store_product_put(st, d, p, doc, expect, result, &rev, err);
		json_decref(doc);
		if (rc != DW_PRECONDITION || conditional)
			break;
	}
	return rc;
}

int h_product_patch(struct request *req, struct response *res, struct dw_error *err)
{
	const char *d = request_param(req, "d"), *p = request_param(req, "p");
	enum store_result result = STORE_UNCHANGED;
	int rc;

	rc = server_product_patch(req, res, d, p, req->json, 1, &result, err);
	if (rc)
		return rc;
	rc = product_respond(req, res, d, p, 200, err);
	if (rc)
		return rc;
	product_write_headers(res, d, p, result);
	return 0;
}

int h_product_delete(struct request *req, struct response *res, struct dw_error *err)
{
	struct store *st = req->srv->store;
	const char *d = request_param(req, "d"), *p = request_param(req, "p");
	json_t *doc = NULL;
	char etag[SERVER_ETAG_MAX];
	long long current, expect;
	int rc;

	rc = product_current(st, d, p, &doc, &current, etag, err);
	json_decref(doc);
	if (rc)
		return rc;
	rc = server_precondition(req, etag, current, 0, &expect, err);
	if (rc)
		return rc;
	if (!current)
		return dw_error_set(err, DW_NOT_FOUND, "product '%s/%s' not found", d, p);
	rc = store_product_delete(st, d, p, expect, err);
	if (rc)
		return rc;
	response_body(res, 204, NULL, NULL, 0);
	return 0;
}
