/*
 * driveway advise: which integration pattern fits a consumer relationship, answered locally by
 * the advisor's decision table (validators/advisor.h; the same answer as POST /advice), or,
 * for DOMAIN/PRODUCT, for every registered flow that consumes that product (GET .../consumers),
 * as a table that marks declared patterns contradicting the advice.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "validators/advisor.h"
#include "validators/error.h"
#include "validators/xalloc.h"

/* The options that describe one flow (refused with DOMAIN/PRODUCT, whose flows say it). */
struct flow_opts {
	const char *consistency, *latency, *consumers, *interaction, *pattern, *window;
	int replay, spiky, idempotent, cross_domain;
};

/* Situational flags (apply to every flow of a product too). */
struct situation_opts {
	const char *backend_calls, *frontends;
	int source_db, warehouse, reconciliation, read_load, models_diverge, dist_tx;
	int new_integration, coupling;
};

/* A non-negative integer option into obj[key]. */
static int set_count(json_t *obj, const char *key, const char *option, const char *text)
{
	char *end;
	long long v;

	if (!text)
		return 0;
	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno || end == text || *end || v < 0 || text[0] == '+' || text[0] == ' ')
		return cli_usage_error("advise", "invalid --%s '%s' (expected an integer, 0 or "
		                                 "more)",
		                       option, text);
	json_object_set_new(obj, key, xjson(json_integer(v)));
	return 0;
}

static void set_flag(json_t *obj, const char *key, int on)
{
	if (on)
		json_object_set_new(obj, key, json_true());
}

static void set_str(json_t *obj, const char *key, const char *v)
{
	if (v)
		json_object_set_new(obj, key, xjson(json_string(v)));
}

static int situation_json(const struct situation_opts *s, json_t *obj)
{
	set_flag(obj, "sourceIsDatabase", s->source_db);
	set_flag(obj, "warehouseTarget", s->warehouse);
	set_flag(obj, "periodicReconciliation", s->reconciliation);
	set_flag(obj, "readLoadHigh", s->read_load);
	set_flag(obj, "modelsDiverge", s->models_diverge);
	set_flag(obj, "distributedTransaction", s->dist_tx);
	set_flag(obj, "newIntegration", s->new_integration);
	set_flag(obj, "tightCouplingComplaint", s->coupling);
	if (set_count(obj, "backendCalls", "backend-calls", s->backend_calls) ||
	    set_count(obj, "frontends", "frontends", s->frontends))
		return DW_USAGE;
	return 0;
}

static int flow_json(const struct flow_opts *f, json_t *obj)
{
	set_str(obj, "consistency", f->consistency);
	set_str(obj, "interaction", f->interaction);
	set_str(obj, "pattern", f->pattern);
	set_flag(obj, "replay", f->replay);
	set_flag(obj, "spiky", f->spiky);
	set_flag(obj, "idempotent", f->idempotent);
	set_flag(obj, "crossDomain", f->cross_domain);
	if (set_count(obj, "latencyBudgetMs", "latency-ms", f->latency) ||
	    set_count(obj, "consumers", "consumers", f->consumers) ||
	    set_count(obj, "correlationWindowMs", "correlation-window-ms", f->window))
		return DW_USAGE;
	return 0;
}

static int flow_given(const struct flow_opts *f)
{
	return f->consistency || f->latency || f->consumers || f->interaction || f->pattern ||
	       f->window || f->replay || f->spiky || f->idempotent || f->cross_domain;
}

/* advisor_input_from_json over obj; problems printed as "error: /pointer: message". */
static int input_of(const json_t *obj, struct advisor_input *in, const char *context)
{
	struct dw_findings errs;
	int rc;

	dw_findings_init(&errs);
	rc = advisor_input_from_json(in, obj, "", &errs);
	if (rc == DW_NOMEM) {
		fprintf(stderr, "fatal: out of memory\n");
		abort();
	}
	for (size_t i = 0; i < errs.count; i++) {
		fputs("error: ", stderr);
		if (context)
			fprintf(stderr, "%s: ", context);
		output_safe(stderr, errs.items[i].pointer);
		fputs(": ", stderr);
		output_safe(stderr, errs.items[i].message);
		fputc('\n', stderr);
	}
	dw_findings_release(&errs);
	return rc;
}

static void print_advice(const json_t *advice)
{
	struct kv *kv = kv_new();
	const json_t *v, *alts = json_object_get(advice, "alternatives");
	const json_t *declared = json_object_get(advice, "declared");
	struct strbuf matched;
	size_t i;

	strbuf_init(&matched);
	json_array_foreach(json_object_get(advice, "matched"), i, v)
		strbuf_addf(&matched, "%s%s", i ? ", " : "", json_string_value(v));
	kv_add(kv, "pattern", json_string_value(json_object_get(advice, "pattern")));
	kv_addf(kv, "rule", "%s  %s", json_string_value(json_object_get(advice, "rule")),
	        json_string_value(json_object_get(advice, "situation")));
	kv_add(kv, "why", json_string_value(json_object_get(advice, "keyReason")));
	kv_add(kv, "rationale", json_string_value(json_object_get(advice, "rationale")));
	kv_add(kv, "matched", matched.len ? xstrbuf_str(&matched) : "(nothing: the default row)");
	if (declared)
		kv_addf(kv, "declared", "%s (%s)", json_string_value(declared),
		        json_is_true(json_object_get(advice, "contradicts"))
		            ? "contradicts the advice"
		            : "consistent with the advice");
	kv_print(kv, stdout);
	kv_free(kv);
	strbuf_release(&matched);
	if (json_array_size(alts)) {
		static const char *const headers[] = {"ALTERNATIVE", "ACCEPTABLE", "WHY NOT"};
		struct table *t = table_new(3, headers);

		json_array_foreach(alts, i, v)
		{
			const char *cells[3] = {
			    json_string_value(json_object_get(v, "pattern")),
			    json_is_true(json_object_get(v, "acceptable")) ? "yes" : "no",
			    json_string_value(json_object_get(v, "why"))};
			table_add(t, cells);
		}
		fputc('\n', stdout);
		table_print(t, stdout);
		table_free(t);
	}
}

static int advise_one(struct cli *cli, const json_t *obj)
{
	struct advisor_input in;
	json_t *advice;

	if (input_of(obj, &in, NULL) != 0)
		return DW_USAGE;
	advice = xjson(advisor_advice_json(&in));
	if (cli->output == CLI_OUT_JSON)
		output_json(advice);
	else
		print_advice(advice);
	json_decref(advice);
	return 0;
}

/* The keys of a registered flow that are a consumes entry's (what the advisor reads). */
static const char *const flow_keys[] = {"pattern",     "consistency",        "latencyBudgetMs",
                                        "replay",      "consumers",          "spiky",
                                        "interaction", "idempotent",         "correlationWindowMs"};

/* One registered flow: the advice as {"id", "consumer", "declared", "contradicts", "advice"}. */
static json_t *advise_flow(const json_t *flow, const json_t *situation, const char *provider)
{
	const char *consumer = json_string_value(json_object_get(flow, "consumer"));
	json_t *obj = xjson(json_deep_copy(situation)), *advice, *out;
	struct advisor_input in;
	char domain[128] = "";

	for (size_t k = 0; k < sizeof(flow_keys) / sizeof(flow_keys[0]); k++) {
		json_t *v = json_object_get(flow, flow_keys[k]);
		if (v && !json_is_null(v))
			json_object_set(obj, flow_keys[k], v);
	}
	set_str(obj, "product", provider);
	if (input_of(obj, &in, consumer ? consumer : "flow") != 0) {
		json_decref(obj);
		return NULL;
	}
	json_decref(obj);
	if (consumer && strchr(consumer, '/') && strcspn(consumer, "/") < sizeof(domain))
		snprintf(domain, sizeof(domain), "%.*s", (int)strcspn(consumer, "/"), consumer);
	advisor_input_set_consumer(&in, domain[0] ? domain : NULL);
	advice = xjson(advisor_advice_json(&in));
	out = xjson(json_object());
	json_object_set(out, "id", json_object_get(flow, "id") ? json_object_get(flow, "id")
	                                                        : json_null());
	set_str(out, "consumer", consumer);
	json_object_set(out, "declared", json_object_get(advice, "declared") ?
	                                 json_object_get(advice, "declared") : json_null());
	json_object_set_new(out, "contradicts",
	                    json_boolean(json_is_true(json_object_get(advice, "contradicts"))));
	json_object_set_new(out, "advice", advice);
	return out;
}

static void print_flows(const char *provider, const json_t *flows)
{
	static const char *const headers[] = {"CONSUMER", "DECLARED", "ADVISED", "WHY"};
	struct table *t = table_new(4, headers);
	size_t i, contradictions = 0;
	const json_t *f;

	json_array_foreach(flows, i, f)
	{
		const json_t *a = json_object_get(f, "advice");
		const char *declared = json_string_value(json_object_get(f, "declared"));
		int bad = json_is_true(json_object_get(f, "contradicts"));
		char *d = xasprintf("%s%s", declared ? declared : "-", bad ? " (!)" : "");
		char *adv = xasprintf("%s (%s)", json_string_value(json_object_get(a, "pattern")),
		                      json_string_value(json_object_get(a, "rule")));
		const char *cells[4] = {json_string_value(json_object_get(f, "consumer")), d, adv,
		                        json_string_value(json_object_get(a, "keyReason"))};

		table_add(t, cells);
		contradictions += bad;
		free(d);
		free(adv);
	}
	if (!table_rows(t)) {
		printf("no registered flow consumes %s\n", provider);
	} else {
		table_print(t, stdout);
		if (contradictions)
			printf("\n(!) %zu of %zu declared pattern%s contradict%s the advice\n",
			       contradictions, json_array_size(flows),
			       json_array_size(flows) == 1 ? "" : "s",
			       contradictions == 1 ? "s" : "");
	}
	table_free(t);
}

static int advise_product(struct cli *cli, const char *text, const json_t *situation)
{
	struct cli_ref ref;
	json_t *items, *flows, *v;
	char *path, *provider;
	size_t i;
	int rc;

	if ((rc = cli_ref_parse("advise", text, 0, &ref)))
		return rc;
	path = cli_product_path(&ref, "/consumers?limit=500");
	rc = cli_get_items(cli, path, &items);
	free(path);
	if (rc)
		return rc;
	provider = xasprintf("%s/%s", ref.domain, ref.product);
	flows = xjson(json_array());
	json_array_foreach(items, i, v)
	{
		json_t *one = advise_flow(v, situation, provider);
		if (!one) {
			rc = DW_INTERNAL;
			break;
		}
		json_array_append_new(flows, one);
	}
	if (rc == 0 && cli->output == CLI_OUT_JSON) {
		json_t *out = xjson(json_pack("{sssO}", "product", provider, "flows", flows));
		output_json(out);
		json_decref(out);
	} else if (rc == 0) {
		print_flows(provider, flows);
	}
	free(provider);
	json_decref(flows);
	json_decref(items);
	return rc;
}

int cmd_advise(struct cli *cli, int argc, char **argv)
{
	struct flow_opts f;
	struct situation_opts s;
	char **pos = xcalloc((size_t)argc, sizeof(char *));
	json_t *obj = xjson(json_object());
	int npos, rc;
	const struct cli_opt opts[] = {
	    {"consistency", 1, &f.consistency, NULL},
	    {"latency-ms", 1, &f.latency, NULL},
	    {"consumers", 1, &f.consumers, NULL},
	    {"interaction", 1, &f.interaction, NULL},
	    {"correlation-window-ms", 1, &f.window, NULL},
	    {"pattern", 1, &f.pattern, NULL},
	    {"replay", 0, NULL, &f.replay},
	    {"spiky", 0, NULL, &f.spiky},
	    {"idempotent", 0, NULL, &f.idempotent},
	    {"cross-domain", 0, NULL, &f.cross_domain},
	    {"source-database", 0, NULL, &s.source_db},
	    {"warehouse", 0, NULL, &s.warehouse},
	    {"reconciliation", 0, NULL, &s.reconciliation},
	    {"backend-calls", 1, &s.backend_calls, NULL},
	    {"frontends", 1, &s.frontends, NULL},
	    {"read-load-high", 0, NULL, &s.read_load},
	    {"models-diverge", 0, NULL, &s.models_diverge},
	    {"distributed-transaction", 0, NULL, &s.dist_tx},
	    {"new-integration", 0, NULL, &s.new_integration},
	    {"tight-coupling", 0, NULL, &s.coupling},
	    {NULL, 0, NULL, NULL},
	};

	memset(&f, 0, sizeof(f));
	memset(&s, 0, sizeof(s));
	rc = cli_parse("advise", argc, argv, opts, pos, &npos);
	if (rc == 0 && npos > 1)
		rc = cli_usage_error("advise", "too many arguments");
	if (rc == 0 && npos == 1 && flow_given(&f))
		rc = cli_usage_error("advise", "with DOMAIN/PRODUCT each registered flow gives its "
		                               "own constraints; only situational flags apply");
	if (rc == 0)
		rc = situation_json(&s, obj);
	if (rc == 0 && npos == 0)
		rc = flow_json(&f, obj);
	if (rc == 0)
		rc = npos ? advise_product(cli, pos[0], obj) : advise_one(cli, obj);
	json_decref(obj);
	free(pos);
	return rc;
}
