/*
 * descriptor: runs schemas/descriptor.schema.json over a document, then the rules a schema
 * cannot say (contract location, ISO 8601 durations, calendar dates, flows and backends that
 * make sense). The schema is parsed once per process under pthread_once and never freed.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "validators/descriptor.h"
#include "validators/embedded.h"
#include "validators/error.h"
#include "validators/jsonschema.h"

#define SCHEMA_NAME "schemas/descriptor.schema.json"

static pthread_once_t schema_once = PTHREAD_ONCE_INIT;
static json_t *schema_root;

static void schema_load(void)
{
	const struct dw_embedded *e = dw_embedded_find(SCHEMA_NAME);

	if (e)
		schema_root = json_loadb((const char *)e->data, e->size, 0, NULL);
}

const json_t *descriptor_schema(void)
{
	pthread_once(&schema_once, schema_load);
	return schema_root;
}

enum dw_descriptor_kind descriptor_kind(const json_t *doc)
{
	const char *k = json_string_value(json_object_get(doc, "kind"));

	if (!k)
		return DW_DESC_UNKNOWN;
	if (!strcmp(k, "Domain"))
		return DW_DESC_DOMAIN;
	if (!strcmp(k, "DataProduct"))
		return DW_DESC_PRODUCT;
	return DW_DESC_UNKNOWN;
}

static int slug_ok_n(const char *s, size_t n)
{
	if (n < 1 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

int descriptor_slug_ok(const char *s)
{
	return s && slug_ok_n(s, strlen(s));
}

int descriptor_split_ref(const char *ref, char *domain, size_t dsize, char *product, size_t psize)
{
	const char *slash = ref ? strchr(ref, '/') : NULL;
	size_t dn, pn;

	if (!slash)
		return DW_INVALID;
	dn = (size_t)(slash - ref);
	pn = strlen(slash + 1);
	if (!slug_ok_n(ref, dn) || !slug_ok_n(slash + 1, pn) || dn >= dsize || pn >= psize)
		return DW_INVALID;
	memcpy(domain, ref, dn);
	domain[dn] = '\0';
	memcpy(product, slash + 1, pn);
	product[pn] = '\0';
	return 0;
}

/* ---- semantic rules ---- */

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * ISO 8601-1 durations: P[nY][nM][nW][nD][T[nH][nM][nS]], components in that order, at least
 * one of them, at least one after a T; the last component may carry a decimal fraction
 * ("PT0.5S", "P1,5D").
 */
static int duration_ok(const char *s)
{
	static const char date_units[] = "YMWD", time_units[] = "HMS";
	const char *units = date_units, *p = s;
	size_t next = 0; /* index of the next allowed unit */
	int parts = 0, time = 0, fraction = 0;

	if (*p++ != 'P')
		return 0;
	while (*p) {
		const char *u;
		if (*p == 'T') {
			if (time)
				return 0;
			time = 1;
			units = time_units;
			next = 0;
			p++;
			if (!*p)
				return 0; /* "T" with nothing after */
			continue;
		}
		if (fraction || !is_digit(*p))
			return 0;
		while (is_digit(*p))
			p++;
		if (*p == '.' || *p == ',') {
			p++;
			if (!is_digit(*p))
				return 0;
			while (is_digit(*p))
				p++;
			fraction = 1;
		}
		u = *p ? strchr(units + next, *p) : NULL;
		if (!u)
			return 0;
		next = (size_t)(u - units) + 1;
		parts++;
		p++;
	}
	return parts > 0;
}

/* "YYYY-MM-DD" as a real Gregorian date. Returns -1 when s does not have that shape (the
 * schema's pattern reports it), 0 when the date does not exist, 1 when it does. */
static int calendar_date_ok(const char *s)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d, max;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !is_digit(s[i]))
			return -1;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (m < 1 || m > 12 || d < 1)
		return 0;
	max = mdays[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		max = 29;
	return d <= max;
}

static void check_contract_path(const json_t *path, struct dw_findings *out)
{
	const char *p = json_string_value(path), *seg;
	const char *ptr = "/spec/contract/path";

	if (!p)
		return;
	if (strlen(p) != json_string_length(path)) {
		dw_findings_add(out, ptr, "contract path contains a NUL character");
		return;
	}
	if (p[0] == '/' || (((p[0] | 0x20) >= 'a' && (p[0] | 0x20) <= 'z') && p[1] == ':'))
		dw_findings_add(out, ptr,
		                "contract path '%s' is absolute: give it relative to the "
		                "descriptor's folder",
		                p);
	if (strchr(p, '\\'))
		dw_findings_add(out, ptr, "contract path '%s' contains a backslash: use '/'", p);
	for (seg = p; seg; seg = strchr(seg, '/') ? strchr(seg, '/') + 1 : NULL) {
		if (seg[0] == '.' && seg[1] == '.' && (seg[2] == '/' || seg[2] == '\0')) {
			dw_findings_add(out, ptr,
			                "contract path '%s' leaves the descriptor's folder ('..')",
			                p);
			break;
		}
	}
}

static void check_contract(const json_t *contract, int allow_path, struct dw_findings *out)
{
	const json_t *path = json_object_get(contract, "path");
	const json_t *inl = json_object_get(contract, "inline");

	if (!json_is_object(contract))
		return;
	if (!allow_path) {
		if (path)
			dw_findings_add(out, "/spec/contract/path",
			                "the registry does not read contract files: register the "
			                "contract as a version (POST .../versions) and keep only "
			                "'format' here");
		if (inl)
			dw_findings_add(
			    out, "/spec/contract/inline",
			    "the registry takes contracts as versions: register it with "
			    "POST .../versions and keep only 'format' here");
		return;
	}
	if (path && inl)
		dw_findings_add(out, "/spec/contract",
		                "contract has both 'path' and 'inline': give one of them");
	else if (!path && !inl)
		dw_findings_add(out, "/spec/contract",
		                "contract needs 'path' (a file beside the descriptor) or 'inline' "
		                "(the contract itself)");
	check_contract_path(path, out);
}

static void check_durations(const json_t *sla, struct dw_findings *out)
{
	static const char *const keys[] = {"freshness", "retention"};

	for (size_t i = 0; i < 2; i++) {
		const char *v = json_string_value(json_object_get(sla, keys[i]));
		char ptr[64];
		if (!v || duration_ok(v))
			continue;
		snprintf(ptr, sizeof(ptr), "/spec/sla/%s", keys[i]);
		dw_findings_add(out, ptr, "'%s' is not an ISO 8601 duration (e.g. PT15M, P30D)", v);
	}
}

static int backends_allowed(const char *type)
{
	static const char *const ok[] = {"composite", "bff", "orchestrator", "esb"};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (type && !strcmp(type, ok[i]))
			return 1;
	return 0;
}

static void check_backends(const json_t *spec, const char *self, struct dw_findings *out)
{
	const json_t *backends = json_object_get(spec, "backends");
	const char *type = json_string_value(json_object_get(spec, "type"));
	size_t i;
	json_t *b;

	if (!json_is_array(backends))
		return;
	if (type && !backends_allowed(type))
		dw_findings_add(out, "/spec/backends",
		                "backends are only allowed on composite, bff, orchestrator and esb "
		                "products, not on type '%s'",
		                type);
	json_array_foreach(backends, i, b)
	{
		char ptr[64];
		if (!self || !json_is_string(b) || strcmp(json_string_value(b), self))
			continue;
		snprintf(ptr, sizeof(ptr), "/spec/backends/%zu", i);
		dw_findings_add(out, ptr, "product '%s' lists itself as a backend", self);
	}
}

static void check_flow(const json_t *flow, size_t i, const char *self, struct dw_findings *out)
{
	const char *product = json_string_value(json_object_get(flow, "product"));
	const char *pattern = json_string_value(json_object_get(flow, "pattern"));
	const json_t *exc = json_object_get(flow, "exception");
	const char *date = json_string_value(json_object_get(exc, "reviewDate"));
	char ptr[96];

	if (!json_is_object(flow))
		return;
	if (self && product && !strcmp(product, self)) {
		snprintf(ptr, sizeof(ptr), "/spec/consumes/%zu/product", i);
		dw_findings_add(out, ptr, "product '%s' consumes itself", self);
	}
	if (pattern && !strcmp(pattern, "point-to-point") && !exc) {
		snprintf(ptr, sizeof(ptr), "/spec/consumes/%zu/exception", i);
		dw_findings_add(out, ptr,
		                "missing required property 'exception': a point-to-point flow "
		                "needs a documented exception (reason, owner, reviewDate)");
	}
	if (date && calendar_date_ok(date) == 0) {
		snprintf(ptr, sizeof(ptr), "/spec/consumes/%zu/exception/reviewDate", i);
		dw_findings_add(out, ptr, "'%s' is not a calendar date", date);
	}
}

static void check_product(const json_t *doc, int allow_path, struct dw_findings *out)
{
	const json_t *meta = json_object_get(doc, "metadata"), *spec = json_object_get(doc, "spec");
	const char *domain = json_string_value(json_object_get(meta, "domain"));
	const char *name = json_string_value(json_object_get(meta, "name"));
	const json_t *consumes = json_object_get(spec, "consumes");
	char self[160];
	const char *me = NULL;
	size_t i;
	json_t *flow;

	if (!json_is_object(spec))
		return;
	if (descriptor_slug_ok(domain) && descriptor_slug_ok(name)) {
		snprintf(self, sizeof(self), "%s/%s", domain, name);
		me = self;
	}
	if (json_object_get(spec, "contract"))
		check_contract(json_object_get(spec, "contract"), allow_path, out);
	check_durations(json_object_get(spec, "sla"), out);
	check_backends(spec, me, out);
	json_array_foreach(consumes, i, flow)
	{
		check_flow(flow, i, me, out);
	}
}

int descriptor_validate(const json_t *doc, int allow_path, struct dw_findings *out)
{
	const json_t *schema = descriptor_schema();
	size_t before = dw_findings_errors(out);
	int rc;

	if (!schema)
		return DW_NOMEM;
	rc = jsonschema_validate(schema, "", doc, "", out);
	if (rc == DW_NOMEM)
		return rc;
	if (descriptor_kind(doc) == DW_DESC_PRODUCT && json_is_object(doc))
		check_product(doc, allow_path, out);
	if (dw_findings_oom(out))
		return DW_NOMEM;
	return dw_findings_errors(out) > before ? DW_INVALID : 0;
}
