/*
 * h_audit: GET /audit, the governance audit of the whole registry (validators/audit.h) over
 * the landscape the store holds now, dated today (UTC), with drivewayd's audit settings. The
 * answer is audit_report_to_json's object. Filters (severity, domain, rule by id or name)
 * narrow "findings" and "suppressed"; the summary stays that of the whole landscape and
 * "filtered" says what was asked and what is left.
 */
#include <stdlib.h>
#include <string.h>

#include "server/landscape.h"
#include "server/server.h"
#include "validators/descriptor.h"
#include "validators/xalloc.h"

struct audit_filter {
	const char *severity;          /* "error" | "warning" | "info", or NULL */
	const char *domain;            /* a slug, or NULL */
	const struct audit_rule *rule; /* or NULL */
};

static int filter_parse(const struct request *req, struct audit_filter *f, struct dw_error *err)
{
	const char *rule = request_query(req, "rule");

	f->severity = request_query(req, "severity");
	f->domain = request_query(req, "domain");
	f->rule = NULL;
	if (f->severity && strcmp(f->severity, "error") && strcmp(f->severity, "warning") &&
	    strcmp(f->severity, "info"))
		return dw_error_set(err, DW_MALFORMED,
		                    "invalid severity '%s' (expected error, warning or info)",
		                    f->severity);
	if (f->domain && !descriptor_slug_ok(f->domain))
		return dw_error_set(err, DW_MALFORMED, "invalid domain '%s' (expected a slug)",
		                    f->domain);
	if (rule && !(f->rule = audit_rule_get(rule)))
		return dw_error_set(err, DW_MALFORMED,
		                    "unknown audit rule '%s' (expected an id like DW013 or a "
		                    "name like sync-chain-sla)",
		                    rule);
	return 0;
}

/* 1 when ref ("domain/product" or "d/p->d/p") starts with domain followed by '/'. */
static int ref_in(const char *ref, const char *domain)
{
	size_t n = strlen(domain);

	return ref && !strncmp(ref, domain, n) && ref[n] == '/';
}

static int strings_in(const json_t *list, const char *domain)
{
	const json_t *v;
	size_t i;

	json_array_foreach(list, i, v)
	{
		const char *s = json_string_value(v);
		const char *arrow = s ? strstr(s, "->") : NULL;

		if (ref_in(s, domain) || (arrow && ref_in(arrow + 2, domain)))
			return 1;
	}
	return 0;
}

/* Whether a finding concerns domain: its location's product, a product or flow it names, or
 * (for findings about the landscape) the domain document its pointer designates. */
static int finding_in_domain(const json_t *f, const json_t *landscape, const char *domain)
{
	const json_t *loc = json_object_get(f, "location");
	const char *product = json_string_value(json_object_get(loc, "product"));
	const char *pointer = json_string_value(json_object_get(loc, "pointer"));
	const json_t *target;

	if (ref_in(product, domain) || strings_in(json_object_get(f, "products"), domain) ||
	    strings_in(json_object_get(f, "flows"), domain))
		return 1;
	if (product || !pointer || strncmp(pointer, "/domains/", 9))
		return 0;
	target = dw_pointer_get(landscape, pointer);
	target = json_object_get(json_object_get(target, "metadata"), "name");
	return json_is_string(target) && !strcmp(json_string_value(target), domain);
}

static int finding_kept(const json_t *f, const json_t *landscape, const struct audit_filter *flt)
{
	const char *sev = json_string_value(json_object_get(f, "severity"));
	const char *rule = json_string_value(json_object_get(f, "rule"));

	if (flt->severity && (!sev || strcmp(sev, flt->severity)))
		return 0;
	if (flt->rule && (!rule || strcmp(rule, flt->rule->id)))
		return 0;
	return !flt->domain || finding_in_domain(f, landscape, flt->domain);
}

/* The findings of list[key], when filtering only those the filter keeps (list[key] is
 * replaced). Returns how many are left. */
static size_t findings_pass(json_t *body, const char *key, const json_t *landscape,
                            const struct audit_filter *flt, int filtering)
{
	json_t *list = json_object_get(body, key), *kept = xjson(json_array()), *f;
	size_t i, n;

	json_array_foreach(list, i, f)
	{
		if (filtering && !finding_kept(f, landscape, flt))
			continue;
		json_array_append(kept, f);
	}
	n = json_array_size(kept);
	json_object_set_new(body, key, kept);
	return n;
}

int h_audit(struct request *req, struct response *res, struct dw_error *err)
{
	struct audit_filter flt;
	struct audit_report report;
	json_t *landscape = NULL, *body;
	size_t kept, silenced;
	int rc, filtering;

	if ((rc = filter_parse(req, &flt, err)))
		return rc;
	rc = landscape_audit(req->srv->store, req->srv->audit_settings, &landscape, &report, err);
	if (rc) {
		audit_report_release(&report);
		json_decref(landscape);
		return rc;
	}
	body = xjson(audit_report_to_json(&report));
	audit_report_release(&report);
	filtering = flt.severity || flt.domain || flt.rule;
	kept = findings_pass(body, "findings", landscape, &flt, filtering);
	silenced = findings_pass(body, "suppressed", landscape, &flt, filtering);
	if (filtering) {
		json_t *what = xjson(json_object());

		if (flt.severity)
			json_object_set_new(what, "severity", xjson(json_string(flt.severity)));
		if (flt.domain)
			json_object_set_new(what, "domain", xjson(json_string(flt.domain)));
		if (flt.rule)
			json_object_set_new(what, "rule", xjson(json_string(flt.rule->id)));
		json_object_set_new(what, "findings", xjson(json_integer((json_int_t)kept)));
		json_object_set_new(what, "suppressed", xjson(json_integer((json_int_t)silenced)));
		json_object_set_new(body, "filtered", what);
	}
	json_object_set_new(body, "now", xjson(json_deep_copy(json_object_get(landscape, "now"))));
	json_decref(landscape);
	response_json(res, 200, body);
	server_json_etag(res, body);
	json_decref(body);
	return 0;
}
