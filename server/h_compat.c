/*
 * h_compat: schema evolution gating on the registry. The registry-wide default mode
 * (/config), each product's mode (/domains/{d}/products/{p}/compatibility), the verdict a
 * version registration and a dry run (.../compatibility-checks) share, and the changelog
 * between two versions (.../versions/{n}/changes).
 *
 * The effective mode of a product is its spec.compatibility, else the registry's
 * "compatibility" setting, else BACKWARD. Verdicts compare the candidate with the latest
 * version, or with every version for the *_TRANSITIVE modes (validators/compat.h), and name
 * the registered consumers each breaking change reaches (validators/impact.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/server.h"
#include "validators/impact.h"
#include "validators/xalloc.h"

#define CONFIG_COMPAT "compatibility"
#define DEFAULT_MODE DW_MODE_BACKWARD

/* A strong ETag from a document's compact serialisation (FNV-1a 64), for resources that have
 * no revision of their own. */
void server_json_etag(struct response *res, const json_t *doc)
{
	char *text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS | DW_JSON_REALS);
	uint64_t h = 14695981039346656037ull;

	if (!text)
		xjson(NULL);
	for (const char *p = text; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	free(text);
	response_header_add(res, "ETag", "\"%016llx\"", (unsigned long long)h);
}

static void respond_json(struct response *res, json_t *doc)
{
	response_json(res, 200, doc);
	server_json_etag(res, doc);
	json_decref(doc);
}

/* Modes ----------------------------------------------------------------------------------- */

/* The registry-wide default. */
static int registry_mode(struct store *st, enum dw_mode *mode, struct dw_error *err)
{
	char *value = NULL;
	int rc = store_config_get(st, CONFIG_COMPAT, &value, err);

	*mode = DEFAULT_MODE;
	if (rc == DW_NOT_FOUND)
		return 0;
	if (rc)
		return rc;
	*mode = compat_mode_parse(value);
	if (*mode == DW_MODE_UNKNOWN)
		rc = dw_error_set(err, DW_INTERNAL, "stored compatibility mode '%s' is unknown",
		                  value);
	free(value);
	return rc;
}

int server_compat_mode(struct request *req, const json_t *product, enum dw_mode *mode,
                       const char **source, struct dw_error *err)
{
	const char *own =
	    json_string_value(json_object_get(json_object_get(product, "spec"), "compatibility"));

	if (own && (*mode = compat_mode_parse(own)) != DW_MODE_UNKNOWN) {
		if (source)
			*source = "product";
		return 0;
	}
	if (source)
		*source = "registry";
	return registry_mode(req->srv->store, mode, err);
}

/*
 * Checks a body {"compatibility": MODE} (nothing else; with_normalize: also "normalize": a
 * boolean, and then either may be left out) and sets *mode (DW_MODE_UNKNOWN when left out).
 * DW_INVALID with res->errors (422) otherwise.
 */
static int mode_body(struct request *req, struct response *res, const char *what,
                     int with_normalize, enum dw_mode *mode, struct dw_error *err)
{
	const json_t *body = req->json, *v;
	const char *key, *name;
	struct dw_findings f;
	int rc = 0;

	*mode = DW_MODE_UNKNOWN;
	dw_findings_init(&f);
	if (!json_is_object(body)) {
		dw_findings_add(&f, "", "request body must be an object with 'compatibility'");
		goto out;
	}
	json_object_foreach((json_t *)body, key, v)
	{
		if (strcmp(key, "compatibility") != 0 &&
		    !(with_normalize && strcmp(key, "normalize") == 0)) {
			char *ptr = dw_pointer_join("", key);
			dw_findings_add(&f, ptr ? ptr : "", "unknown property '%s'", key);
			free(ptr);
		}
	}
	v = json_object_get(body, "normalize");
	if (with_normalize && v && !json_is_boolean(v))
		dw_findings_add(&f, "/normalize", "normalize must be true or false");
	v = json_object_get(body, "compatibility");
	name = json_string_value(v);
	if (!v) {
		if (!with_normalize || !json_object_get(body, "normalize"))
			dw_findings_add(&f, "", "missing required property 'compatibility'");
	} else if (!name)
		dw_findings_add(&f, "/compatibility", "compatibility must be a string");
	else if ((*mode = compat_mode_parse(name)) == DW_MODE_UNKNOWN)
		dw_findings_add(&f, "/compatibility", "unknown compatibility mode '%s'", name);
out:
	if (dw_findings_oom(&f))
		xjson(NULL);
	if (f.count)
		rc = server_invalid(req, res, &f, what, 1, err);
	dw_findings_release(&f);
	return rc;
}

/* /config --------------------------------------------------------------------------------- */

/* "compatibilityLevel" is the same mode under the name Confluent's GET /config uses;
 * "normalize" is there once set (the Confluent-compatible API's default for normalize=). */
static int config_respond(struct request *req, struct response *res, enum dw_mode mode,
                          struct dw_error *err)
{
	json_t *body = xjson(json_pack("{s:s, s:s}", "compatibility", compat_mode_name(mode),
	                               "compatibilityLevel", compat_mode_name(mode)));
	int set, on, rc = ccompat_normalize_get(req, NULL, &set, &on, err);

	if (!rc && set)
		json_object_set_new(body, "normalize", json_boolean(on));
	if (!rc)
		respond_json(res, body);
	else
		json_decref(body);
	return rc;
}

int h_config_get(struct request *req, struct response *res, struct dw_error *err)
{
	enum dw_mode mode;
	int rc = registry_mode(req->srv->store, &mode, err);

	if (rc)
		return rc;
	return config_respond(req, res, mode, err);
}

int h_config_put(struct request *req, struct response *res, struct dw_error *err)
{
	const json_t *norm = json_object_get(req->json, "normalize");
	enum dw_mode mode;
	int rc = mode_body(req, res, "configuration", 1, &mode, err);

	if (rc)
		return rc;
	if (mode != DW_MODE_UNKNOWN)
		rc = store_config_put(req->srv->store, CONFIG_COMPAT, compat_mode_name(mode), err);
	if (!rc && norm)
		rc = ccompat_normalize_put(req, NULL, json_is_true(norm), err);
	if (!rc && mode == DW_MODE_UNKNOWN)
		rc = registry_mode(req->srv->store, &mode, err);
	if (rc)
		return rc;
	return config_respond(req, res, mode, err);
}

/* Back to the default (BACKWARD), answered; Confluent's clients get the mode it replaced. */
int h_config_delete(struct request *req, struct response *res, struct dw_error *err)
{
	enum dw_mode before;
	int rc = registry_mode(req->srv->store, &before, err);

	if (rc || (rc = store_config_delete(req->srv->store, CONFIG_COMPAT, err)) ||
	    (rc = ccompat_normalize_put(req, NULL, -1, err)))
		return rc;
	if (ccompat_request(req)) {
		respond_json(
		    res, xjson(json_pack("{s:s}", "compatibilityLevel", compat_mode_name(before))));
		return 0;
	}
	return config_respond(req, res, DEFAULT_MODE, err);
}

/* /domains/{d}/products/{p}/compatibility ------------------------------------------------- */

static int product_compat_respond(struct request *req, struct response *res, const char *d,
                                  const char *p, struct dw_error *err)
{
	json_t *product = NULL;
	const char *source;
	enum dw_mode mode;
	int rc = store_product_get(req->srv->store, d, p, 0, &product, NULL, err);

	if (rc)
		return rc;
	rc = server_compat_mode(req, product, &mode, &source, err);
	json_decref(product);
	if (rc)
		return rc;
	respond_json(res, xjson(json_pack("{s:s, s:s}", "compatibility", compat_mode_name(mode),
	                                  "source", source)));
	return 0;
}

int h_product_compat_get(struct request *req, struct response *res, struct dw_error *err)
{
	return product_compat_respond(req, res, request_param(req, "d"), request_param(req, "p"),
	                              err);
}

/* Sets (mode_name) or removes (NULL) the product's spec.compatibility: a product revision. */
static int product_compat_write(struct request *req, struct response *res, const char *mode_name,
                                struct dw_error *err)
{
	const char *d = request_param(req, "d"), *p = request_param(req, "p");
	enum store_result result;
	json_t *patch;
	int rc;

	patch = xjson(json_pack("{s:{s:o}}", "spec", "compatibility",
	                        mode_name ? json_string(mode_name) : json_null()));
	rc = server_product_patch(req, res, d, p, patch, 0, &result, err);
	json_decref(patch);
	if (rc)
		return rc;
	rc = product_compat_respond(req, res, d, p, err);
	if (rc)
		return rc;
	response_header_add(res, "Driveway-Result", "%s", server_result_name(result));
	return 0;
}

int h_product_compat_put(struct request *req, struct response *res, struct dw_error *err)
{
	enum dw_mode mode;
	int rc = mode_body(req, res, "compatibility", 0, &mode, err);

	return rc ? rc : product_compat_write(req, res, compat_mode_name(mode), err);
}

int h_product_compat_delete(struct request *req, struct response *res, struct dw_error *err)
{
	return product_compat_write(req, res, NULL, err);
}

/* Verdicts -------------------------------------------------------------------------------- */

void server_verdict_release(struct server_verdict *v)
{
	json_decref(v->against);
	json_decref(v->changes);
	json_decref(v->impact);
	json_decref(v->latest_changes);
	json_decref(v->errors);
	free(v->detail);
	memset(v, 0, sizeof(*v));
}

/* "/contract<newPointer>", or "/old<oldPointer>" for a part that is gone. */
static char *change_pointer(const struct dw_change *ch)
{
	if (ch->new_pointer)
		return xasprintf("/contract%s", ch->new_pointer);
	if (ch->old_pointer)
		return xasprintf("/old%s", ch->old_pointer);
	return xstrdup("/contract");
}

/* errors and detail of an incompatible verdict. */
static void verdict_refusal(struct server_verdict *v, const struct dw_changes *c)
{
	char versions[256] = "";
	size_t len = 0, breaking = 0, nver = 0;
	int seen_last = 0;

	v->errors = xjson(json_array());
	for (size_t i = 0; i < c->count; i++) {
		const struct dw_change *ch = &c->items[i];
		char *ptr;

		if (compat_change_severity(ch, v->mode) != DW_CHANGE_BREAKING)
			continue;
		breaking++;
		ptr = change_pointer(ch);
		json_array_append_new(v->errors,
		                      xjson(json_pack("{s:s, s:s++}", "pointer", ptr, "message",
		                                      ch->rule->id, ": ", ch->message)));
		free(ptr);
	}
	/* the versions broken, ascending (changes come version by version, oldest first) */
	for (size_t i = 0; i < c->count; i++) {
		const struct dw_change *ch = &c->items[i];
		int n;

		if (compat_change_severity(ch, v->mode) != DW_CHANGE_BREAKING ||
		    ch->version == seen_last || len >= sizeof(versions) - 16)
			continue;
		seen_last = ch->version;
		n = snprintf(versions + len, sizeof(versions) - len, "%s%d", nver ? ", " : "",
		             ch->version > 0 ? ch->version : v->latest);
		if (n > 0)
			len += (size_t)n;
		nver++;
	}
	v->detail = xasprintf("contract breaks %s compatibility with version%s %s (%zu breaking "
	                      "change%s)",
	                      compat_mode_name(v->mode), nver == 1 ? "" : "s", versions, breaking,
	                      breaking == 1 ? "" : "s");
}

/* The changes against the latest version only (those a registered version records). */
static json_t *latest_only(const json_t *changes, int latest)
{
	json_t *out = xjson(json_array()), *ch;
	size_t i;

	json_array_foreach(changes, i, ch)
	{
		json_t *ver = json_object_get(ch, "version");

		if (!ver || json_integer_value(ver) == latest)
			json_array_append(out, ch);
	}
	return out;
}

/* The earlier contracts to compare with, parsed, and their numbers: the latest of list (or, with
 * skip_hidden, the latest not soft-deleted), or every one (not soft-deleted) when transitive.
 * Under NONE, versions of another format are skipped; under any other mode they are a
 * conflict. */
static int earlier_load(const struct store_contract *list, size_t n, enum dw_format fmt,
                        enum dw_mode mode, int skip_hidden, json_t **docs, int *numbers, size_t *k,
                        struct dw_error *err)
{
	size_t last = n;

	*k = 0;
	while (skip_hidden && last > 0 && list[last - 1].hidden)
		last--;
	for (size_t i = 0; i < n; i++) {
		json_error_t jerr;

		if ((skip_hidden && list[i].hidden) ||
		    (!compat_mode_transitive(mode) && i + 1 != last))
			continue;
		if (contract_format_parse(list[i].format) != fmt) {
			if (mode == DW_MODE_NONE)
				continue;
			return dw_error_set(
			    err, DW_CONFLICT,
			    "contract format '%s' differs from the format '%s' of "
			    "version %d (a product's versions keep one format unless "
			    "its compatibility is NONE)",
			    contract_format_name(fmt), list[i].format, list[i].number);
		}
		docs[*k] = json_loads(list[i].text, JSON_DECODE_ANY, &jerr);
		if (!docs[*k])
			return dw_error_set(err, DW_INTERNAL,
			                    "stored contract of version %d is not valid JSON: %s",
			                    list[i].number, jerr.text);
		numbers[(*k)++] = list[i].number;
	}
	return 0;
}

int server_compat_check(struct request *req, const char *d, const char *p, enum dw_format fmt,
                        const json_t *contract, enum dw_mode mode, int skip_hidden,
                        struct server_verdict *v, struct dw_error *err)
{
	struct store *st = req->srv->store;
	struct store_contract *list = NULL;
	struct dw_changes changes;
	json_t **docs = NULL, *flows = NULL;
	int *numbers = NULL, compatible = 1, rc;
	size_t n = 0, k = 0;

	memset(v, 0, sizeof(*v));
	v->mode = mode;
	v->compatible = 1;
	dw_changes_init(&changes);
	rc = store_version_contracts(st, d, p, !compat_mode_transitive(mode), &list, &n, err);
	if (rc)
		return rc;
	v->latest = n ? list[n - 1].number : 0;
	docs = xcalloc(n ? n : 1, sizeof(*docs));
	numbers = xcalloc(n ? n : 1, sizeof(*numbers));
	rc = earlier_load(list, n, fmt, mode, skip_hidden, docs, numbers, &k, err);
	if (rc)
		goto out;
	if (k > 0) {
		rc = compat_check(fmt, mode, contract, (const json_t *const *)docs, numbers, k,
		                  &compatible, &changes);
		if (rc == DW_NOMEM || changes.oom)
			xjson(NULL);
		if (rc) {
			rc = dw_error_set(
			    err, DW_INVALID,
			    "contract cannot be compared with the registered versions");
			goto out;
		}
	}
	rc = store_flow_consumers(st, d, p, &flows, err);
	if (rc)
		goto out;
	v->compatible = compatible;
	v->against = xjson(json_array());
	for (size_t i = 0; i < k; i++)
		json_array_append_new(v->against, xjson(json_integer(numbers[i])));
	v->changes = xjson(compat_changes_to_json(&changes, mode));
	v->impact = xjson(compat_impact(&changes, mode, flows));
	v->latest_changes = latest_only(v->changes, k ? numbers[k - 1] : 0);
	if (!compatible)
		verdict_refusal(v, &changes);
out:
	json_decref(flows);
	for (size_t i = 0; i < k; i++)
		json_decref(docs[i]);
	free(docs);
	free(numbers);
	store_contracts_free(list, n);
	dw_changes_release(&changes);
	if (rc)
		server_verdict_release(v);
	return rc;
}

void server_verdict_refuse(struct response *res, struct server_verdict *v)
{
	json_decref(res->extra);
	res->extra = xjson(json_pack("{s:s, s:O, s:O}", "mode", compat_mode_name(v->mode),
	                             "changes", v->changes, "impact", v->impact));
	json_decref(res->errors);
	res->errors = json_incref(v->errors);
}

/* POST .../compatibility-checks ----------------------------------------------------------- */

int h_compat_check(struct request *req, struct response *res, struct dw_error *err)
{
	const char *d = request_param(req, "d"), *p = request_param(req, "p");
	const json_t *contract = json_object_get(req->json, "contract");
	struct server_verdict v;
	enum dw_mode mode = DW_MODE_UNKNOWN;
	enum dw_format fmt;
	json_t *product = NULL, *body;
	char fp[72];
	int rc, same = 0;

	rc = store_product_get(req->srv->store, d, p, 0, &product, NULL, err);
	if (rc)
		return rc;
	rc = server_version_body(req, res, product, 1, &fmt, &mode, err);
	if (!rc && mode == DW_MODE_UNKNOWN)
		rc = server_compat_mode(req, product, &mode, NULL, err);
	json_decref(product);
	if (rc)
		return rc;
	/* A contract identical to a registered version is accepted whatever the mode. */
	if (contract_fingerprint(fmt, contract, fp))
		xjson(NULL);
	rc = store_version_find(req->srv->store, d, p, fp, &same, err);
	if (rc == 0) {
		body = xjson(json_pack("{s:b, s:s, s:[], s:[], s:[], s:i}", "compatible", 1, "mode",
		                       compat_mode_name(mode), "against", "changes", "impact",
		                       "version", same));
		response_json(res, 200, body);
		json_decref(body);
		return 0;
	}
	if (rc != DW_NOT_FOUND)
		return rc;
	rc = server_compat_check(req, d, p, fmt, contract, mode, 0, &v, err);
	if (rc)
		return rc;
	body = xjson(json_pack("{s:b, s:s, s:O, s:O, s:O}", "compatible", v.compatible, "mode",
	                       compat_mode_name(mode), "against", v.against, "changes", v.changes,
	                       "impact", v.impact));
	server_verdict_release(&v);
	response_json(res, 200, body);
	json_decref(body);
	return 0;
}

/* GET .../versions/{n}/changes ------------------------------------------------------------ */

/* The number and parsed contract of version n (0: the latest); *fmt its format. */
static int version_doc(struct store *st, const char *d, const char *p, int n, int *number,
                       enum dw_format *fmt, json_t **doc, struct dw_error *err)
{
	json_t *meta = NULL;
	char *text = NULL, *media = NULL;
	json_error_t jerr;
	int rc;

	*doc = NULL;
	rc = store_version_get(st, d, p, n, &meta, err);
	if (rc)
		return rc;
	*number = (int)json_integer_value(json_object_get(meta, "version"));
	*fmt = contract_format_parse(json_string_value(json_object_get(meta, "format")));
	json_decref(meta);
	rc = store_version_contract(st, d, p, *number, &text, &media, err);
	if (rc)
		return rc;
	*doc = json_loads(text, JSON_DECODE_ANY, &jerr);
	free(text);
	free(media);
	if (!*doc)
		return dw_error_set(err, DW_INTERNAL,
		                    "stored contract of version %d is not valid JSON: %s", *number,
		                    jerr.text);
	return 0;
}

/* ?against=m: a version number 1..2^31-1; 0 when absent. */
static int against_param(const struct request *req, int *against, struct dw_error *err)
{
	const char *v = request_query(req, "against");
	char *end;
	long m;

	*against = 0;
	if (!v)
		return 0;
	m = strtol(v, &end, 10);
	if (end == v || *end || v[0] < '1' || v[0] > '9' || m < 1 || m > INT32_MAX)
		return dw_error_set(err, DW_MALFORMED,
		                    "invalid against '%s' (expected a version number)", v);
	*against = (int)m;
	return 0;
}

int h_version_changes(struct request *req, struct response *res, struct dw_error *err)
{
	struct store *st = req->srv->store;
	const char *d = request_param(req, "d"), *p = request_param(req, "p");
	const char *n = request_param(req, "n");
	json_t *product = NULL, *new_doc = NULL, *old_doc = NULL, *changes, *body;
	enum dw_format fmt, old_fmt = DW_FMT_UNKNOWN;
	struct dw_changes c;
	enum dw_mode mode, sev_mode;
	int rc, number = 0, against, old_number = 0;

	dw_changes_init(&c);
	if ((rc = against_param(req, &against, err)))
		return rc;
	rc = store_product_get(st, d, p, 0, &product, NULL, err);
	if (rc)
		return rc;
	rc = server_compat_mode(req, product, &mode, NULL, err);
	json_decref(product);
	if (rc)
		return rc;
	if (request_query(req, "mode") &&
	    (mode = compat_mode_parse(request_query(req, "mode"))) == DW_MODE_UNKNOWN)
		return dw_error_set(err, DW_MALFORMED, "unknown compatibility mode '%s'",
		                    request_query(req, "mode"));
	/* A change list says what breaks: under NONE (nothing is checked) severities are those of
	 * BACKWARD, the registry's default, so a compare view still puts breaking changes first. */
	sev_mode = mode == DW_MODE_NONE ? DW_MODE_BACKWARD : mode;
	rc = version_doc(st, d, p, strcmp(n, "latest") == 0 ? 0 : (int)strtol(n, NULL, 10), &number,
	                 &fmt, &new_doc, err);
	if (rc)
		goto out;
	if (!against)
		against = number - 1;
	if (against > 0) {
		rc = version_doc(st, d, p, against, &old_number, &old_fmt, &old_doc, err);
		if (rc)
			goto out;
		if (old_fmt != fmt) {
			rc = dw_error_set(err, DW_CONFLICT,
			                  "versions %d and %d have different formats ('%s', '%s')",
			                  old_number, number, contract_format_name(old_fmt),
			                  contract_format_name(fmt));
			goto out;
		}
		rc = compat_diff(fmt, old_doc, new_doc, &c);
		if (rc == DW_NOMEM || c.oom)
			xjson(NULL);
		if (rc) {
			rc = dw_error_set(err, DW_INTERNAL, "versions %d and %d cannot be compared",
			                  old_number, number);
			goto out;
		}
		for (size_t i = 0; i < c.count; i++)
			c.items[i].version = old_number;
	}
	changes = xjson(compat_changes_to_json(&c, sev_mode));
	body = xjson(json_pack("{s:i, s:o, s:s, s:s, s:o}", "version", number, "against",
	                       old_number ? json_integer(old_number) : json_null(), "mode",
	                       compat_mode_name(mode), "severityMode", compat_mode_name(sev_mode),
	                       "changes", changes));
	respond_json(res, body);
out:
	json_decref(new_doc);
	json_decref(old_doc);
	dw_changes_release(&c);
	return rc;
}
