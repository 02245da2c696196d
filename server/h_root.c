/*
 * h_root: the API's entry points. GET / links every collection, GET /healthz says whether the
 * store answers, GET /openapi.json serves the API description compiled in from
 * schemas/openapi.json.
 */
#include <pthread.h>
#include <string.h>

#include "server/server.h"
#include "validators/contract.h"
#include "validators/embedded.h"
#include "validators/xalloc.h"

#define OPENAPI_FILE "schemas/openapi.json"

int h_root(struct request *req, struct response *res, struct dw_error *err)
{
	json_t *doc = xjson(json_pack("{s:s, s:{s:s, s:s, s:s, s:s}}", "name", "driveway", "links",
	                              "domains", "/domains", "products", "/products", "openapi",
	                              "/openapi.json", "healthz", "/healthz"));

	(void)req;
	(void)err;
	response_json(res, 200, doc);
	json_decref(doc);
	return 0;
}

int h_healthz(struct request *req, struct response *res, struct dw_error *err)
{
	long long n;
	int rc = store_token_count(req->srv->store, &n, err);
	json_t *doc;

	if (rc)
		return rc == DW_NOT_FOUND ? DW_UNAVAILABLE : rc;
	doc = xjson(json_pack("{s:s}", "status", "ok"));
	response_json(res, 200, doc);
	json_decref(doc);
	response_header_add(res, "Cache-Control", "no-store");
	return 0;
}

/* The document never changes while the program runs: its ETag is computed once. */
static pthread_once_t openapi_once = PTHREAD_ONCE_INIT;
static char openapi_etag[72];

static void openapi_init(void)
{
	const struct dw_embedded *f = dw_embedded_find(OPENAPI_FILE);
	char hex[65];

	if (!f)
		return;
	dw_sha256_hex(f->data, f->size, hex);
	openapi_etag[0] = '"';
	memcpy(openapi_etag + 1, hex, 64);
	openapi_etag[65] = '"';
	openapi_etag[66] = '\0';
}

int h_openapi(struct request *req, struct response *res, struct dw_error *err)
{
	const struct dw_embedded *f = dw_embedded_find(OPENAPI_FILE);
	char *copy;

	(void)req;
	if (!f)
		return dw_error_set(err, DW_INTERNAL, "'%s' is not compiled in", OPENAPI_FILE);
	pthread_once(&openapi_once, openapi_init);
	copy = xmalloc(f->size);
	memcpy(copy, f->data, f->size);
	response_body(res, 200, "application/json", copy, f->size);
	response_header_add(res, "ETag", "%s", openapi_etag);
	return 0;
}
