/*
 * advisor: one case per decision-table row (pattern and key reason), precedence where two rows
 * could match, the parsing of flow constraints (errors with pointers), contradiction checks,
 * the advice JSON, and docs/advisor.md against the table and the examples/ landscape.
 */
#include <check.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validators/advisor.h"
#include "validators/error.h"
#include "validators/load.h"
#include "tests/unit/testutil.h"

/* Parses text (JSON) into an advisor input; the input must be valid. */
static void input_of(const char *text, struct advisor_input *in)
{
	json_error_t jerr;
	json_t *j = json_loads(text, 0, &jerr);
	struct dw_findings f;
	int rc;

	ck_assert_msg(j != NULL, "bad test JSON %s: %s", text, jerr.text);
	dw_findings_init(&f);
	rc = advisor_input_from_json(in, j, "", &f);
	ck_assert_msg(rc == 0, "%s: %s", text, f.count ? f.items[0].message : "no finding");
	ck_assert_uint_eq(f.count, 0);
	dw_findings_release(&f);
	json_decref(j);
}

static const struct advisor_row *advise_text(const char *text)
{
	struct advisor_input in;

	input_of(text, &in);
	return advisor_advise(&in);
}

/* ---- one case per row --------------------------------------------------------------------- */

struct row_case {
	const char *input;
	const char *rule;
	const char *pattern;
	const char *reason; /* a phrase the key reason must contain */
};

static const struct row_case row_cases[] = {
    {"{\"distributedTransaction\": true, \"crossDomain\": true}", "ADV-01", "saga", "never 2PC"},
    {"{\"correlationWindowMs\": 60000, \"interaction\": \"notification\"}", "ADV-02", "cep",
     "time window"},
    {"{\"crossDomain\": true, \"consistency\": \"strong\", \"interaction\": \"query\"}", "ADV-03",
     "rest-api", "replicas would be stale"},
    {"{\"sourceIsDatabase\": true, \"warehouseTarget\": true, \"latencyBudgetMs\": 86400000}",
     "ADV-04", "batch", "scheduled extract"},
    {"{\"sourceIsDatabase\": true, \"warehouseTarget\": true, \"latencyBudgetMs\": 60000}",
     "ADV-05", "cdc", "no dual writes"},
    {"{\"periodicReconciliation\": true, \"crossDomain\": true}", "ADV-06", "batch",
     "complete sets"},
    {"{\"readLoadHigh\": true, \"modelsDiverge\": true}", "ADV-07", "cqrs", "truly diverge"},
    {"{\"readLoadHigh\": true}", "ADV-08", "read-replica", "read replica before CQRS"},
    {"{\"frontends\": 3}", "ADV-09", "bff", "own backend"},
    {"{\"backendCalls\": 4}", "ADV-10", "composite", "API composition"},
    {"{\"latencyBudgetMs\": 50, \"interaction\": \"query\"}", "ADV-11", "rest-api",
     "no intermediaries"},
    {"{\"crossDomain\": true, \"interaction\": \"command\", \"consistency\": \"strong\"}", "ADV-12",
     "rest-api", "outcome"},
    {"{\"interaction\": \"notification\", \"replay\": true}", "ADV-13", "event-stream",
     "replay needs a retained log"},
    {"{\"interaction\": \"notification\", \"consumers\": 3}", "ADV-14", "event-broker",
     "does not know its consumers"},
    {"{\"latencyBudgetMs\": 86400000, \"interaction\": \"query\", "
     "\"consistency\": \"eventual\"}",
     "ADV-15", "batch", "on a schedule"},
    {"{\"tightCouplingComplaint\": true, \"interaction\": \"query\"}", "ADV-16", "event-broker",
     "asynchronous notification"},
    {"{\"spiky\": true, \"interaction\": \"command\"}", "ADV-17", "queue-load-leveling",
     "levels the load"},
    {"{\"crossDomain\": true, \"interaction\": \"command\"}", "ADV-18", "message-queue",
     "temporal decoupling"},
    {"{\"newIntegration\": true, \"crossDomain\": true, \"interaction\": \"query\"}", "ADV-19",
     "rest-api", "Common Driveway"},
    {"{}", "ADV-00", "rest-api", "simplest"},
};

#define NCASES (sizeof(row_cases) / sizeof(row_cases[0]))

START_TEST(test_row)
{
	const struct row_case *c = &row_cases[_i];
	const struct advisor_row *r = advise_text(c->input);

	ck_assert_str_eq(r->id, c->rule);
	ck_assert_str_eq(r->pattern, c->pattern);
	ck_assert_msg(strstr(r->key_reason, c->reason) != NULL, "%s: key reason '%s' lacks '%s'",
	              c->rule, r->key_reason, c->reason);
	ck_assert_ptr_eq(advisor_row_get(c->rule), r);
}
END_TEST

START_TEST(test_every_row_has_a_case)
{
	size_t n;
	const struct advisor_row *rows = advisor_rows(&n);

	ck_assert_uint_eq(n, NCASES);
	for (size_t i = 0; i < n; i++) {
		int found = 0;

		for (size_t j = 0; j < NCASES; j++)
			found |= !strcmp(rows[i].id, row_cases[j].rule);
		ck_assert_msg(found, "row %s has no test case", rows[i].id);
		ck_assert_ptr_nonnull(rows[i].situation);
		ck_assert_ptr_nonnull(rows[i].rationale);
		ck_assert_uint_gt(rows[i].nalternatives, 0);
	}
	/* The default row is last and matches everything. */
	ck_assert_int_eq(rows[n - 1].is_default, 1);
	ck_assert_uint_eq(rows[n - 1].need, 0);
	ck_assert_uint_eq(rows[n - 1].deny, 0);
	ck_assert_ptr_null(advisor_row_get("ADV-99"));
	ck_assert_ptr_null(advisor_row_get(NULL));
}
END_TEST

START_TEST(test_thresholds)
{
	/* Two backend calls are not "many"; one frontend is not "several". */
	ck_assert_str_eq(advise_text("{\"backendCalls\": 2}")->id, "ADV-00");
	ck_assert_str_eq(advise_text("{\"backendCalls\": 3}")->id, "ADV-10");
	ck_assert_str_eq(advise_text("{\"frontends\": 1}")->id, "ADV-00");
	ck_assert_str_eq(advise_text("{\"frontends\": 2}")->id, "ADV-09");
	/* 100 ms is not under 100 ms; an hour is relaxed, a minute less is not. */
	ck_assert_str_eq(advise_text("{\"latencyBudgetMs\": 99}")->id, "ADV-11");
	ck_assert_str_eq(advise_text("{\"latencyBudgetMs\": 0}")->id, "ADV-11");
	ck_assert_str_eq(advise_text("{\"latencyBudgetMs\": 100}")->id, "ADV-00");
	ck_assert_str_eq(advise_text("{\"latencyBudgetMs\": 3600000}")->id, "ADV-15");
	ck_assert_str_eq(advise_text("{\"latencyBudgetMs\": 3540000}")->id, "ADV-00");
	/* A correlation window of 0 is no window. */
	ck_assert_str_eq(advise_text("{\"correlationWindowMs\": 0}")->id, "ADV-00");
	/* Several consumers make a change feed only without a command or query interaction. */
	ck_assert_str_eq(advise_text("{\"consumers\": 2}")->id, "ADV-14");
	ck_assert_str_eq(advise_text("{\"consumers\": 2, \"interaction\": \"query\"}")->id,
	                 "ADV-00");
	/* Within one domain a strong query is nothing special. */
	ck_assert_str_eq(
	    advise_text("{\"consistency\": \"strong\", \"interaction\": \"query\"}")->id, "ADV-00");
}
END_TEST

/* ---- precedence --------------------------------------------------------------------------- */

struct prec_case {
	const char *input;
	const char *wins;
	const char *loses; /* the row that also matches the input but comes later */
};

static const struct prec_case prec_cases[] = {
    /* consistency beats the latency budget: both say rest-api, the reason is staleness */
    {"{\"crossDomain\": true, \"consistency\": \"strong\", \"interaction\": \"query\", "
     "\"latencyBudgetMs\": 50}",
     "ADV-03", "ADV-11"},
    /* a strong read cannot be served by a replica */
    {"{\"crossDomain\": true, \"consistency\": \"strong\", \"interaction\": \"query\", "
     "\"readLoadHigh\": true}",
     "ADV-03", "ADV-08"},
    {"{\"distributedTransaction\": true, \"correlationWindowMs\": 1000}", "ADV-01", "ADV-02"},
    {"{\"sourceIsDatabase\": true, \"warehouseTarget\": true, \"latencyBudgetMs\": 7200000}",
     "ADV-04", "ADV-05"},
    {"{\"sourceIsDatabase\": true, \"latencyBudgetMs\": 50}", "ADV-05", "ADV-11"},
    {"{\"readLoadHigh\": true, \"modelsDiverge\": true}", "ADV-07", "ADV-08"},
    {"{\"frontends\": 2, \"backendCalls\": 5}", "ADV-09", "ADV-10"},
    /* queues and streams add latency: a tight budget beats the change feed */
    {"{\"latencyBudgetMs\": 20, \"interaction\": \"notification\", \"consumers\": 4}", "ADV-11",
     "ADV-14"},
    {"{\"crossDomain\": true, \"interaction\": \"command\", \"consistency\": \"strong\", "
     "\"tightCouplingComplaint\": true}",
     "ADV-12", "ADV-16"},
    /* the marketing flow: spiky, replayed, several consumers */
    {"{\"interaction\": \"notification\", \"replay\": true, \"consumers\": 3, "
     "\"spiky\": true}",
     "ADV-13", "ADV-17"},
    {"{\"interaction\": \"notification\", \"tightCouplingComplaint\": true}", "ADV-14", "ADV-16"},
    {"{\"crossDomain\": true, \"interaction\": \"command\", \"spiky\": true}", "ADV-17", "ADV-18"},
    {"{\"crossDomain\": true, \"interaction\": \"command\", \"newIntegration\": true}", "ADV-18",
     "ADV-19"},
    {"{\"crossDomain\": true, \"interaction\": \"notification\", \"newIntegration\": true}",
     "ADV-14", "ADV-19"},
    {"{\"latencyBudgetMs\": 86400000, \"spiky\": true}", "ADV-15", "ADV-17"},
};

START_TEST(test_precedence)
{
	const struct prec_case *c = &prec_cases[_i];
	struct advisor_input in;
	const struct advisor_row *wins, *loses = advisor_row_get(c->loses);
	unsigned facts;

	input_of(c->input, &in);
	facts = advisor_facts(&in);
	wins = advisor_advise(&in);
	ck_assert_str_eq(wins->id, c->wins);
	/* the losing row really matches too, and it comes later in the table */
	ck_assert_ptr_nonnull(loses);
	ck_assert_msg((facts & loses->need) == loses->need && !(facts & loses->deny),
	              "%s does not match %s", c->loses, c->input);
	ck_assert_msg(wins < loses, "%s comes after %s in the table", c->wins, c->loses);
}
END_TEST

START_TEST(test_spiky_query_is_not_levelled)
{
	/* Queries need answers: a queue between them and the provider is excluded. */
	const struct advisor_row *r = advise_text("{\"spiky\": true, \"interaction\": \"query\"}");

	ck_assert_str_ne(r->pattern, "queue-load-leveling");
	ck_assert_str_eq(r->id, "ADV-00");
}
END_TEST

START_TEST(test_relaxed_command_is_not_batched)
{
	const struct advisor_row *r = advise_text("{\"crossDomain\": true, "
	                                          "\"interaction\": \"command\", "
	                                          "\"latencyBudgetMs\": 7200000}");

	ck_assert_str_eq(r->id, "ADV-18");
}
END_TEST

/* ---- parsing ------------------------------------------------------------------------------ */

static const struct dw_finding *finding_at(const struct dw_findings *f, const char *pointer)
{
	for (size_t i = 0; i < f->count; i++)
		if (!strcmp(f->items[i].pointer, pointer))
			return &f->items[i];
	return NULL;
}

static void assert_finding(const struct dw_findings *f, const char *pointer, const char *msg)
{
	const struct dw_finding *x = finding_at(f, pointer);

	ck_assert_msg(x != NULL, "no finding at %s", pointer);
	ck_assert_str_eq(x->message, msg);
	ck_assert_int_eq(x->severity, DW_SEV_ERROR);
}

START_TEST(test_parse_errors)
{
	json_t *j = json_loads("{\"replay\": \"yes\", \"bogus\": 1, \"consumers\": 0, "
	                       "\"consistency\": \"STRONG\", \"pattern\": \"rpc\", "
	                       "\"latencyBudgetMs\": 1.5, \"uses\": [\"a\", 1], "
	                       "\"product\": \"nope\", "
	                       "\"interaction\": \"ask\", \"crossDomain\": null, "
	                       "\"exception\": \"none\", \"frontends\": -1, \"a/b~c\": true, "
	                       "\"spiky\": true}",
	                       0, NULL);
	struct advisor_input in;
	struct dw_findings f;

	ck_assert_ptr_nonnull(j);
	dw_findings_init(&f);
	ck_assert_int_eq(advisor_input_from_json(&in, j, "/spec/consumes/2", &f), DW_INVALID);
	ck_assert_uint_eq(f.count, 13);
	assert_finding(&f, "/spec/consumes/2/replay", "property 'replay' must be a boolean");
	assert_finding(&f, "/spec/consumes/2/bogus", "unknown property 'bogus'");
	assert_finding(&f, "/spec/consumes/2/consumers", "property 'consumers' must be 1 or more");
	assert_finding(&f, "/spec/consumes/2/consistency", "unknown consistency 'STRONG'");
	assert_finding(&f, "/spec/consumes/2/pattern", "unknown pattern 'rpc'");
	assert_finding(&f, "/spec/consumes/2/latencyBudgetMs",
	               "property 'latencyBudgetMs' must be an integer");
	assert_finding(&f, "/spec/consumes/2/uses", "property 'uses' must be an array of strings");
	assert_finding(&f, "/spec/consumes/2/product",
	               "product 'nope' is not a domain/product reference");
	assert_finding(&f, "/spec/consumes/2/interaction", "unknown interaction 'ask'");
	assert_finding(&f, "/spec/consumes/2/crossDomain",
	               "property 'crossDomain' must be a boolean");
	assert_finding(&f, "/spec/consumes/2/exception", "property 'exception' must be an object");
	assert_finding(&f, "/spec/consumes/2/frontends", "property 'frontends' must be 0 or more");
	assert_finding(&f, "/spec/consumes/2/a~1b~0c", "unknown property 'a/b~c'");
	/* the well-formed fields were still read */
	ck_assert_int_eq(in.spiky, 1);
	ck_assert_int_eq(in.consumers, -1);
	dw_findings_release(&f);
	json_decref(j);
}
END_TEST

START_TEST(test_parse_not_object)
{
	json_t *j = json_pack("[i]", 1);
	struct advisor_input in;
	struct dw_findings f;

	dw_findings_init(&f);
	ck_assert_int_eq(advisor_input_from_json(&in, j, "", &f), DW_INVALID);
	ck_assert_uint_eq(f.count, 1);
	assert_finding(&f, "", "flow constraints must be an object");
	/* without a findings list the result is the same */
	ck_assert_int_eq(advisor_input_from_json(&in, j, NULL, NULL), DW_INVALID);
	ck_assert_int_eq(advisor_input_from_json(&in, NULL, NULL, NULL), DW_INVALID);
	dw_findings_release(&f);
	json_decref(j);
}
END_TEST

START_TEST(test_parse_full_entry)
{
	struct advisor_input in;

	input_of("{\"product\": \"customer/profile-api\", \"pattern\": \"point-to-point\", "
	         "\"consistency\": \"eventual\", \"latencyBudgetMs\": 250, \"replay\": true, "
	         "\"consumers\": 2, \"spiky\": false, \"interaction\": \"notification\", "
	         "\"idempotent\": false, \"correlationWindowMs\": 0, \"uses\": [\"getCustomer\"], "
	         "\"description\": \"x\", \"exception\": {\"reason\": \"r\", \"owner\": \"o\", "
	         "\"reviewDate\": \"2027-03-01\"}, \"crossDomain\": true, "
	         "\"sourceIsDatabase\": false, \"warehouseTarget\": false, "
	         "\"periodicReconciliation\": false, \"backendCalls\": 1, \"frontends\": 1, "
	         "\"readLoadHigh\": false, \"modelsDiverge\": false, "
	         "\"distributedTransaction\": false, \"newIntegration\": false, "
	         "\"tightCouplingComplaint\": false}",
	         &in);
	ck_assert_str_eq(in.product, "customer/profile-api");
	ck_assert_str_eq(in.pattern, "point-to-point");
	ck_assert_int_eq(in.consistency, ADV_CONSISTENCY_EVENTUAL);
	ck_assert_int_eq(in.interaction, ADV_INTERACTION_NOTIFICATION);
	ck_assert_int_eq(in.latency_budget_ms, 250);
	ck_assert_int_eq(in.consumers, 2);
	ck_assert_int_eq(in.idempotent, 0);
	ck_assert_int_eq(in.correlation_window_ms, 0);
	ck_assert_int_eq(in.backend_calls, 1);
	ck_assert_int_eq(in.cross_domain, 1);
	ck_assert_int_eq(in.replay, 1);
	ck_assert_str_eq(advisor_advise(&in)->id, "ADV-13");
	ck_assert_int_eq(advisor_check(&in, NULL), 1);
}
END_TEST

START_TEST(test_set_consumer)
{
	struct advisor_input in;

	input_of("{\"product\": \"customer/profile-api\"}", &in);
	advisor_input_set_consumer(&in, "customer");
	ck_assert_int_eq(in.cross_domain, 0);
	advisor_input_set_consumer(&in, "cust");
	ck_assert_int_eq(in.cross_domain, 1);
	in.cross_domain = 0;
	advisor_input_set_consumer(&in, "customers");
	ck_assert_int_eq(in.cross_domain, 1);
	in.cross_domain = 0;
	advisor_input_set_consumer(&in, NULL);
	ck_assert_int_eq(in.cross_domain, 0);
	advisor_input_init(&in);
	advisor_input_set_consumer(&in, "support");
	ck_assert_int_eq(in.cross_domain, 0);
}
END_TEST

/* ---- contradiction ------------------------------------------------------------------------ */

START_TEST(test_contradicts)
{
	const struct advisor_row *strong = advisor_row_get("ADV-03");
	const struct advisor_row *replica = advisor_row_get("ADV-08");
	const struct advisor_row *dflt = advisor_row_get("ADV-00");
	const struct advisor_row *saga = advisor_row_get("ADV-01");

	ck_assert_int_eq(advisor_contradicts(strong, "point-to-point"), 1);
	ck_assert_int_eq(advisor_contradicts(strong, "message-queue"), 1);
	ck_assert_int_eq(advisor_contradicts(strong, "cdc"), 1);
	ck_assert_int_eq(advisor_contradicts(strong, "rest-api"), 0);
	ck_assert_int_eq(advisor_contradicts(strong, "soa"), 0); /* acceptable alternative */
	ck_assert_int_eq(advisor_contradicts(strong, ""), 0);
	ck_assert_int_eq(advisor_contradicts(strong, NULL), 0);
	ck_assert_int_eq(advisor_contradicts(replica, "cqrs"), 1);
	ck_assert_int_eq(advisor_contradicts(replica, "rest-api"), 0);
	ck_assert_int_eq(advisor_contradicts(saga, "event-broker"), 0);
	ck_assert_int_eq(advisor_contradicts(saga, "batch"), 1);
	/* the default row makes no claim */
	ck_assert_int_eq(advisor_contradicts(dflt, "point-to-point"), 0);
	ck_assert_int_eq(advisor_contradicts(dflt, "cqrs"), 0);
}
END_TEST

START_TEST(test_check_flow)
{
	struct advisor_input in;
	const struct advisor_row *r = NULL;

	input_of("{\"product\": \"customer/profile-api\", \"pattern\": \"message-queue\", "
	         "\"consistency\": \"strong\", \"interaction\": \"query\"}",
	         &in);
	ck_assert_int_eq(advisor_check(&in, &r), 0); /* same domain: nothing specific applies */
	ck_assert_str_eq(r->id, "ADV-00");
	advisor_input_set_consumer(&in, "support");
	ck_assert_int_eq(advisor_check(&in, &r), 1);
	ck_assert_str_eq(r->id, "ADV-03");
	/* a command across domains: queue advised, rest-api an acceptable alternative */
	input_of("{\"pattern\": \"rest-api\", \"crossDomain\": true, \"interaction\": \"command\"}",
	         &in);
	ck_assert_int_eq(advisor_check(&in, &r), 0);
	ck_assert_str_eq(r->id, "ADV-18");
	input_of("{\"pattern\": \"event-broker\", \"crossDomain\": true, "
	         "\"interaction\": \"command\"}",
	         &in);
	ck_assert_int_eq(advisor_check(&in, &r), 1);
}
END_TEST

/* ---- advice JSON -------------------------------------------------------------------------- */

START_TEST(test_advice_json)
{
	struct advisor_input in;
	json_t *a, *alts, *m;
	int saw_soa = 0;

	input_of("{\"pattern\": \"point-to-point\", \"crossDomain\": true, "
	         "\"consistency\": \"strong\", \"interaction\": \"query\", \"spiky\": true}",
	         &in);
	a = advisor_advice_json(&in);
	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(json_string_value(json_object_get(a, "pattern")), "rest-api");
	ck_assert_str_eq(json_string_value(json_object_get(a, "rule")), "ADV-03");
	ck_assert_str_eq(json_string_value(json_object_get(a, "keyReason")),
	                 advisor_row_get("ADV-03")->key_reason);
	ck_assert_ptr_nonnull(json_string_value(json_object_get(a, "rationale")));
	ck_assert_str_eq(json_string_value(json_object_get(a, "declared")), "point-to-point");
	ck_assert(json_is_true(json_object_get(a, "contradicts")));
	m = json_object_get(a, "matched");
	ck_assert_uint_eq(json_array_size(m), 3); /* spiky held but was not what matched */
	ck_assert_str_eq(json_string_value(json_array_get(m, 0)), "crossDomain");
	ck_assert_str_eq(json_string_value(json_array_get(m, 1)), "consistency=strong");
	ck_assert_str_eq(json_string_value(json_array_get(m, 2)), "interaction=query");
	alts = json_object_get(a, "alternatives");
	ck_assert_uint_eq(json_array_size(alts), advisor_row_get("ADV-03")->nalternatives);
	for (size_t i = 0; i < json_array_size(alts); i++) {
		json_t *x = json_array_get(alts, i);

		ck_assert_ptr_nonnull(json_string_value(json_object_get(x, "why")));
		if (!strcmp(json_string_value(json_object_get(x, "pattern")), "soa")) {
			saw_soa = 1;
			ck_assert(json_is_true(json_object_get(x, "acceptable")));
		}
	}
	ck_assert_int_eq(saw_soa, 1);
	json_decref(a);

	/* no declared pattern: no "declared", no "contradicts"; the default matches nothing */
	advisor_input_init(&in);
	a = advisor_advice_json(&in);
	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(json_string_value(json_object_get(a, "rule")), "ADV-00");
	ck_assert_ptr_null(json_object_get(a, "declared"));
	ck_assert_ptr_null(json_object_get(a, "contradicts"));
	ck_assert_uint_eq(json_array_size(json_object_get(a, "matched")), 0);
	json_decref(a);
}
END_TEST

START_TEST(test_fact_names)
{
	ck_assert_str_eq(advisor_fact_name(ADV_F_LOW_LATENCY), "latencyBudgetMs<100");
	ck_assert_str_eq(advisor_fact_name(ADV_F_IDEMPOTENT), "idempotent");
	ck_assert_ptr_null(advisor_fact_name(0));
	ck_assert_ptr_null(advisor_fact_name(ADV_F_STRONG | ADV_F_QUERY));
	for (unsigned i = 0; i < ADV_F_COUNT; i++)
		ck_assert_ptr_nonnull(advisor_fact_name(1u << i));
}
END_TEST

/* ---- docs/advisor.md ---------------------------------------------------------------------- */

static char *read_root_file(const char *rel)
{
	return tu_read_repo_file(NULL, rel, NULL);
}

START_TEST(test_docs_table)
{
	char *doc = read_root_file("docs/advisor.md");
	char *table = advisor_table_markdown();

	ck_assert_ptr_nonnull(table);
	ck_assert_msg(strstr(doc, table) != NULL,
	              "docs/advisor.md differs from advisor_table_markdown(); paste the table "
	              "printed by `build/tests/test_advisor --table` into it");
	free(table);
	free(doc);
}
END_TEST

/* Every flow of examples/ is advised as docs/advisor.md's worked example says, and no declared
 * pattern there contradicts its advice. */
START_TEST(test_examples)
{
	const char *root = getenv("DRIVEWAY_ROOT");
	char pat[1024], line[512];
	char *doc = read_root_file("docs/advisor.md");
	glob_t g;
	size_t flows = 0;

	snprintf(pat, sizeof(pat), "%s/examples/*/*.yaml", root && *root ? root : ".");
	ck_assert_int_eq(glob(pat, 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *rel = g.gl_pathv[i] + strlen(pat) - strlen("examples/*/*.yaml");
		char *text;
		struct dw_docset set;

		/* The Customer Profile landscape; anti-patterns/ contradicts the advisor on
		 * purpose. */
		if (strncmp(rel, "examples/anti-patterns/", 23) == 0)
			continue;
		text = read_root_file(rel);

		ck_assert_int_eq(dw_load(text, strlen(text), rel, &set, NULL), 0);
		for (size_t d = 0; d < set.count; d++) {
			json_t *r = set.docs[d].root;
			const char *dom = json_string_value(dw_pointer_get(r, "/metadata/domain"));
			const char *name = json_string_value(dw_pointer_get(r, "/metadata/name"));
			json_t *consumes = dw_pointer_get(r, "/spec/consumes");

			for (size_t k = 0; k < json_array_size(consumes); k++) {
				struct advisor_input in;
				const struct advisor_row *row;

				ck_assert_int_eq(advisor_input_from_json(
				                     &in, json_array_get(consumes, k), "", NULL),
				                 0);
				advisor_input_set_consumer(&in, dom);
				ck_assert_msg(advisor_check(&in, &row) == 0,
				              "%s/%s -> %s: declared %s contradicts %s (%s)", dom,
				              name, in.product, in.pattern, row->pattern, row->id);
				snprintf(line, sizeof(line), "| `%s/%s` | `%s` | %s | %s (%s) |",
				         dom, name, in.product, in.pattern, row->pattern, row->id);
				ck_assert_msg(strstr(doc, line) != NULL,
				              "docs/advisor.md lacks the worked-example row '%s'",
				              line);
				flows++;
			}
		}
		dw_docset_release(&set);
		free(text);
	}
	ck_assert_uint_ge(flows, 5);
	globfree(&g);
	free(doc);
}
END_TEST

static Suite *advisor_suite(void)
{
	Suite *s = suite_create("advisor");
	TCase *t = tcase_create("table");

	tcase_add_loop_test(t, test_row, 0, (int)NCASES);
	tcase_add_test(t, test_every_row_has_a_case);
	tcase_add_test(t, test_thresholds);
	tcase_add_loop_test(t, test_precedence, 0,
	                    (int)(sizeof(prec_cases) / sizeof(prec_cases[0])));
	tcase_add_test(t, test_spiky_query_is_not_levelled);
	tcase_add_test(t, test_relaxed_command_is_not_batched);
	suite_add_tcase(s, t);
	t = tcase_create("input");
	tcase_add_test(t, test_parse_errors);
	tcase_add_test(t, test_parse_not_object);
	tcase_add_test(t, test_parse_full_entry);
	tcase_add_test(t, test_set_consumer);
	suite_add_tcase(s, t);
	t = tcase_create("advice");
	tcase_add_test(t, test_contradicts);
	tcase_add_test(t, test_check_flow);
	tcase_add_test(t, test_advice_json);
	tcase_add_test(t, test_fact_names);
	suite_add_tcase(s, t);
	t = tcase_create("docs");
	tcase_add_test(t, test_docs_table);
	tcase_add_test(t, test_examples);
	suite_add_tcase(s, t);
	return s;
}

int main(int argc, char **argv)
{
	SRunner *sr;
	int failed;

	/* `test_advisor --table` prints the generated table for docs/advisor.md. */
	if (argc == 2 && !strcmp(argv[1], "--table")) {
		char *t = advisor_table_markdown();

		if (!t)
			return 1;
		fputs(t, stdout);
		free(t);
		return 0;
	}
	sr = srunner_create(advisor_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
