/*
 * h_flows: /flows, /flows/{id} and /domains/{d}/products/{p}/consumers. A flow is one entry of
 * a live product's spec.consumes (the store keeps them with every product write); flows are
 * read-only here: they change by writing the consumer product.
 */
#include <stdlib.h>
#include <string.h>

#include "server/server.h"
#include "validators/descriptor.h"
#include "validators/xalloc.h"

/* "d/p" -> "/domains/d/products/p" (a new reference); NULL when ref has no '/'. */
static json_t *product_url(const char *ref)
{
	const char *slash = ref ? strchr(ref, '/') : NULL;

	if (!slash)
		return NULL;
	return xjson(json_sprintf("/domains/%.*s/products/%s", (int)(slash - ref), ref, slash + 1));
}

static void flow_links(json_t *flow)
{
	json_t *links = xjson(json_object());

	json_object_set_new(links, "self",
	                    xjson(json_sprintf("/flows/%lld", (long long)json_integer_value(
	                                                          json_object_get(flow, "id")))));
	json_object_set_new(links, "consumer",
	                    product_url(json_string_value(json_object_get(flow, "consumer"))));
	json_object_set_new(links, "provider",
	                    product_url(json_string_value(json_object_get(flow, "provider"))));
	json_object_set_new(flow, "links", links);
}

/* "domain/product" with both slugs. */
static int ref_ok(const char *v)
{
	const char *slash = strchr(v, '/');
	char domain[64];
	size_t n;

	if (!slash)
		return 0;
	n = (size_t)(slash - v);
	if (n >= sizeof(domain))
		return 0;
	memcpy(domain, v, n);
	domain[n] = '\0';
	return descriptor_slug_ok(domain) && descriptor_slug_ok(slash + 1);
}

static int flow_list(struct request *req, struct response *res,
                     const struct store_flow_filter *filter, const char *const *keep,
                     struct dw_error *err)
{
	struct store_page page;
	json_t *items = NULL, *item;
	char *next = NULL;
	size_t i;
	int rc;

	rc = server_page(req, &page, err);
	if (rc)
		return rc;
	rc = store_flow_list(req->srv->store, filter, &page, &items, &next, err);
	if (rc)
		return rc;
	json_array_foreach(items, i, item) flow_links(item);
	server_page_respond(req, res, items, &page, next, keep);
	free(next);
	return 0;
}

int h_flow_list(struct request *req, struct response *res, struct dw_error *err)
{
	static const char *const keep[] = {"provider", "consumer", "pattern", NULL};
	struct store_flow_filter filter = {
	    .provider = request_query(req, "provider"),
	    .consumer = request_query(req, "consumer"),
	    .pattern = request_query(req, "pattern"),
	};

	if (filter.provider && !ref_ok(filter.provider))
		return dw_error_set(err, DW_MALFORMED,
		                    "invalid provider '%s' (expected 'domain/product')",
		                    filter.provider);
	if (filter.consumer && !ref_ok(filter.consumer))
		return dw_error_set(err, DW_MALFORMED,
		                    "invalid consumer '%s' (expected 'domain/product')",
		                    filter.consumer);
	return flow_list(req, res, &filter, keep, err);
}

int h_flow_get(struct request *req, struct response *res, struct dw_error *err)
{
	const char *id = request_param(req, "id");
	char *end;
	long long n = strtoll(id, &end, 10);
	json_t *flow = NULL;
	int rc;

	/* The router let only positive integers through; one too large exists nowhere. */
	if (*end || n < 1)
		return dw_error_set(err, DW_NOT_FOUND, "flow '%s' not found", id);
	rc = store_flow_get(req->srv->store, n, &flow, err);
	if (rc)
		return rc;
	flow_links(flow);
	response_json(res, 200, flow);
	server_json_etag(res, flow);
	json_decref(flow);
	return 0;
}

int h_product_consumers(struct request *req, struct response *res, struct dw_error *err)
{
	const char *d = request_param(req, "d"), *p = request_param(req, "p");
	char *provider = xasprintf("%s/%s", d, p);
	struct store_flow_filter filter = {.provider = provider};
	json_t *product = NULL;
	int rc;

	rc = store_product_get(req->srv->store, d, p, 0, &product, NULL, err);
	json_decref(product);
	if (!rc)
		rc = flow_list(req, res, &filter, NULL, err);
	free(provider);
	return rc;
}
