/*
 * h_mode: the registry's mode, for migrations and maintenance windows. One setting with the
 * Confluent-compatible API's global mode (h_ccompat.c): GET/PUT /mode serve both APIs; a
 * request in the Confluent manner (schemaregistry media type, or under its prefix) gets
 * Confluent's answers, others the native ones. READONLY refuses every native write with 503
 * (mode_refuse, called by the dispatcher); the Confluent API applies its own modes subject by
 * subject (422, error 42205). drivewayd --read-only refuses every write of both APIs, and the
 * mode cannot be changed then.
 */
#include <stdlib.h>
#include <string.h>

#include "server/server.h"
#include "validators/xalloc.h"

#define READ_ONLY_TITLE "Registry Is Read-Only"

int mode_refuse(struct request *req, struct response *res)
{
	const struct route *r = req->match.route;
	struct dw_error err = {0};
	char mode[16];
	const char *detail;

	if (r->method == HTTP_GET || !(r->flags & (ROUTE_WRITE | ROUTE_ADMIN)) ||
	    r->handler == h_mode_put)
		return 0;
	if (req->srv->read_only) {
		detail = "drivewayd runs with --read-only: writes are refused until it is "
		         "restarted without it";
	} else {
		if (ccompat_request(req))
			return 0;
		/* a store that cannot tell: the write itself will say what is wrong */
		if (ccompat_mode_global(req, mode, &err) || strcmp(mode, "READONLY") != 0)
			return 0;
		detail = "the registry is in READONLY mode: writes are refused until an admin "
		         "sets PUT /mode {\"mode\": \"READWRITE\"}";
	}
	response_header_add(res, "Retry-After", "60");
	response_problem(res, req, 503, READ_ONLY_TITLE, detail);
	return 1;
}

int h_mode_get(struct request *req, struct response *res, struct dw_error *err)
{
	char mode[16];
	json_t *doc;
	int rc;

	if (ccompat_request(req))
		return h_cc_mode_get(req, res, err);
	if ((rc = ccompat_mode_global(req, mode, err)))
		return rc;
	doc = xjson(json_pack("{s:s, s:b, s:b}", "mode", req->srv->read_only ? "READONLY" : mode,
	                      "readOnly", req->srv->read_only || !strcmp(mode, "READONLY"),
	                      "readOnlyFlag", req->srv->read_only));
	response_json(res, 200, doc);
	json_decref(doc);
	return 0;
}

/* The native body: {"mode": "READWRITE" | "READONLY"}. 0, or DW_INVALID with res->errors. */
static int mode_body_check(struct request *req, struct response *res, struct dw_error *err)
{
	const char *m = json_string_value(json_object_get(req->json, "mode")), *key;
	struct dw_findings f;
	json_t *value;
	int rc;

	dw_findings_init(&f);
	if (!json_is_object(req->json)) {
		dw_findings_add(&f, "", "request body must be an object with 'mode'");
	} else {
		json_object_foreach(req->json, key, value)
		{
			char *ptr;

			if (!strcmp(key, "mode"))
				continue;
			ptr = dw_pointer_join("", key);
			dw_findings_add(&f, ptr ? ptr : "", "unknown property '%s'", key);
			free(ptr);
		}
		if (!json_object_get(req->json, "mode"))
			dw_findings_add(&f, "", "missing required property 'mode'");
		else if (!m)
			dw_findings_add(&f, "/mode", "mode must be a string");
		else if (strcmp(m, "READWRITE") && strcmp(m, "READONLY"))
			dw_findings_add(&f, "/mode",
			                "unknown mode '%s' (expected READWRITE or READONLY)", m);
	}
	if (dw_findings_oom(&f))
		xjson(NULL);
	rc = f.count ? server_invalid(req, res, &f, "mode", 1, err) : 0;
	dw_findings_release(&f);
	return rc;
}

int h_mode_put(struct request *req, struct response *res, struct dw_error *err)
{
	int rc;

	if (req->srv->read_only) {
		response_header_add(res, "Retry-After", "60");
		return dw_error_set(err, DW_UNAVAILABLE,
		                    "drivewayd runs with --read-only: its mode cannot be changed "
		                    "until it is restarted without it");
	}
	if (!ccompat_request(req) && (rc = mode_body_check(req, res, err)))
		return rc;
	return h_cc_mode_put(req, res, err);
}
