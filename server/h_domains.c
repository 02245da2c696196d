/*
 * h_domains: /domains and /domains/{d}. A domain is stored as its Domain descriptor document;
 * the admin creates domains, the admin or the domain's own token updates one, only the admin
 * deletes one (and only once it has no live products).
 */
#include <stdlib.h>
#include <string.h>

#include "server/auth.h"
#include "server/server.h"
#include "validators/descriptor.h"
#include "validators/xalloc.h"

/* The registry's own members, ignored when a client sends a document back. */
static void strip_registry_members(json_t *doc)
{
	if (json_is_object(doc)) {
		json_object_del(doc, "status");
		json_object_del(doc, "links");
	}
}

/* Validates a Domain document for PUT /domains/{d}. DW_INVALID with res->errors. */
static int domain_check(struct request *req, struct response *res, json_t *doc, const char *d,
                        struct dw_error *err)
{
	struct dw_findings f;
	const char *name;
	int rc;

	dw_findings_init(&f);
	rc = descriptor_validate(doc, 0, &f);
	if (rc == DW_NOMEM || dw_findings_oom(&f)) {
		dw_findings_release(&f);
		return dw_error_set(err, DW_INTERNAL, "out of memory validating the descriptor");
	}
	if (json_is_object(doc)) {
		const char *kind = json_string_value(json_object_get(doc, "kind"));

		if (kind && strcmp(kind, "Domain") != 0)
			dw_findings_add(&f, "/kind",
			                "kind '%s' cannot be stored at '/domains/%s'"
			                " (expected 'Domain')",
			                kind, d);
		name = json_string_value(json_object_get(json_object_get(doc, "metadata"), "name"));
		if (name && strcmp(name, d) != 0)
			dw_findings_add(&f, "/metadata/name",
			                "name '%s' does not match the domain '%s' of the path",
			                name, d);
		/* The body's own checks report a bad name in the path already (as a bad or a
		 * mismatching metadata.name); this keeps one from ever reaching the store. */
		if (f.count == 0 && !descriptor_slug_ok(d))
			dw_findings_add(
			    &f, "/metadata/name",
			    "domain name '%s' of the path is not a valid name (lowercase "
			    "letters, digits and '-', at most 63)",
			    d);
		if (strcmp(d, AUTH_ADMIN_SCOPE) == 0)
			dw_findings_add(&f, "/metadata/name", "domain name '%s' is reserved", d);
	}
	if (f.count == 0) {
		dw_findings_release(&f);
		return 0;
	}
	rc = server_invalid(req, res, &f, "descriptor", 1, err);
	dw_findings_release(&f);
	return rc;
}

/* The current revision and ETag of domain d; 0 and "" when it does not exist. */
static int domain_revision(struct store *st, const char *d, long long *rev,
                           char etag[SERVER_ETAG_MAX], struct dw_error *err)
{
	json_t *doc = NULL;
	int rc = store_domain_get(st, d, &doc, rev, err);

	etag[0] = '\0';
	if (rc == DW_NOT_FOUND) {
		*rev = 0;
		return 0;
	}
	if (!rc)
		server_doc_etag(doc, etag);
	json_decref(doc);
	return rc;
}

/* Answers with the stored domain, its ETag and links. */
static int domain_respond(struct request *req, struct response *res, const char *d, int status,
                          struct dw_error *err)
{
	json_t *doc = NULL;
	char etag[SERVER_ETAG_MAX];
	int rc = store_domain_get(req->srv->store, d, &doc, NULL, err);

	if (rc)
		return rc;
	server_doc_etag(doc, etag);
	server_domain_links(doc, d);
	response_json(res, status, doc);
	json_decref(doc);
	response_header_add(res, "ETag", "%s", etag);
	return 0;
}

int h_domain_list(struct request *req, struct response *res, struct dw_error *err)
{
	struct store_page page;
	json_t *items = NULL, *item;
	char *next = NULL;
	size_t i;
	int rc;

	rc = server_page(req, &page, err);
	if (rc)
		return rc;
	rc = store_domain_list(req->srv->store, &page, &items, &next, err);
	if (rc)
		return rc;
	json_array_foreach(items, i, item)
	{
		const char *name =
		    json_string_value(json_object_get(json_object_get(item, "metadata"), "name"));
		if (name)
			server_domain_links(item, name);
	}
	server_page_respond(req, res, items, &page, next, NULL);
	free(next);
	return 0;
}

int h_domain_get(struct request *req, struct response *res, struct dw_error *err)
{
	return domain_respond(req, res, request_param(req, "d"), 200, err);
}

int h_domain_put(struct request *req, struct response *res, struct dw_error *err)
{
	struct store *st = req->srv->store;
	const char *d = request_param(req, "d");
	enum store_result result;
	char etag[SERVER_ETAG_MAX];
	long long current, expect, rev;
	int rc;

	strip_registry_members(req->json);
	rc = domain_check(req, res, req->json, d, err);
	if (rc)
		return rc;
	rc = domain_revision(st, d, &current, etag, err);
	if (rc)
		return rc;
	if (!current && req->who.kind != PRINCIPAL_ADMIN)
		return dw_error_set(err, DW_FORBIDDEN,
		                    "token '%s' may not create domains (only the admin token may)",
		                    req->who.name);
	rc = server_precondition(req, etag, current, 1, &expect, err);
	if (rc)
		return rc;
	/* A domain token only updates: should the domain vanish meanwhile, fail, do not create. */
	if (req->who.kind != PRINCIPAL_ADMIN && expect == STORE_REV_ANY)
		expect = STORE_REV_EXISTS;
	rc = store_domain_put(st, d, req->json, expect, &result, &rev, err);
	if (rc)
		return rc;
	rc = domain_respond(req, res, d, result == STORE_CREATED ? 201 : 200, err);
	if (rc)
		return rc;
	if (result == STORE_CREATED)
		response_header_add(res, "Location", "/domains/%s", d);
	response_header_add(res, "Driveway-Result", "%s", server_result_name(result));
	return 0;
}

int h_domain_delete(struct request *req, struct response *res, struct dw_error *err)
{
	struct store *st = req->srv->store;
	const char *d = request_param(req, "d");
	char etag[SERVER_ETAG_MAX];
	long long current, expect;
	int rc;

	rc = domain_revision(st, d, &current, etag, err);
	if (rc)
		return rc;
	rc = server_precondition(req, etag, current, 0, &expect, err);
	if (rc)
		return rc;
	if (!current)
		return dw_error_set(err, DW_NOT_FOUND, "domain '%s' not found", d);
	rc = store_domain_delete(st, d, expect, err);
	if (rc)
		return rc;
	response_body(res, 204, NULL, NULL, 0);
	return 0;
}
