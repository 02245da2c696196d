/*
 * The governance audit (validators/audit.h).
 *
 * Every rule of audit_rules[] has a folder tests/fixtures/audit/<rule name>/ with
 *   trigger.json    a landscape that must raise the rule,
 *   near-miss.json  a landscape one step away that must not,
 *   expect.json     {"rule", "products", "flows", "message": [substrings], "location":
 *                    [product|null, pointer]}: the trigger's finding must name exactly these
 *                    products and flows, at that location, with every substring in its message.
 * Beyond the fixtures: suppressions, input and config errors, the report's JSON, the rule
 * catalogue in docs/audit.md, and a 5,000-product landscape audited completely.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "validators/audit.h"
#include "validators/load.h"
#include "tests/unit/testutil.h"

/* One JSON or YAML document through the project's loader. */
static json_t *load_fixture(const char *dir, const char *file)
{
	char path[1024];
	struct dw_docset set;
	json_t *doc = NULL;
	size_t len;
	char *text;

	TU_PATHF(path, "%s/tests/fixtures/audit/%s/%s", tu_root(), dir, file);
	text = tu_read_file(path, &len);
	ck_assert_msg(text != NULL, "cannot read %s", path);
	if (dw_load(text, len, path, &set, NULL) == 0 && set.count == 1)
		doc = json_incref(set.docs[0].root);
	dw_docset_release(&set);
	free(text);
	ck_assert_msg(doc != NULL, "%s does not load as one document", path);
	return doc;
}

static void dump(const struct audit_report *r)
{
	for (size_t i = 0; i < r->findings.count; i++) {
		const struct audit_finding *x = &r->findings.items[i];
		fprintf(stderr, "  %s %s %s: %s\n", x->rule->id, x->product ? x->product : "-",
		        x->pointer, x->message);
	}
}

static int strings_equal(char *const *list, size_t n, const json_t *want)
{
	if (json_array_size(want) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], json_string_value(json_array_get(want, i))))
			return 0;
	return 1;
}

static int matches(const struct audit_finding *x, const json_t *expect)
{
	const json_t *loc = json_object_get(expect, "location");
	const json_t *lp = json_array_get(loc, 0), *msg = json_object_get(expect, "message");
	size_t i;
	json_t *s;

	if (strcmp(x->rule->id, json_string_value(json_object_get(expect, "rule"))))
		return 0;
	if (!strings_equal(x->products, x->nproducts, json_object_get(expect, "products")) ||
	    !strings_equal(x->flows, x->nflows, json_object_get(expect, "flows")))
		return 0;
	if (json_is_null(lp) ? x->product != NULL
	                     : !x->product || strcmp(x->product, json_string_value(lp)))
		return 0;
	if (strcmp(x->pointer, json_string_value(json_array_get(loc, 1))))
		return 0;
	json_array_foreach(msg, i, s) if (!strstr(x->message, json_string_value(s))) return 0;
	return 1;
}

static size_t count_rule(const struct audit_findings *l, const char *id)
{
	size_t n = 0;

	for (size_t i = 0; i < l->count; i++)
		n += !strcmp(l->items[i].rule->id, id);
	return n;
}

static const struct audit_finding *first_of(const struct audit_report *r, const char *id)
{
	for (size_t i = 0; i < r->findings.count; i++)
		if (!strcmp(r->findings.items[i].rule->id, id))
			return &r->findings.items[i];
	return NULL;
}

static void run_ok(const json_t *land, struct audit_report *r)
{
	struct dw_error err = {0};
	int rc = audit_run(land, r, &err);
	json_t *j;

	ck_assert_msg(rc == 0, "audit_run failed (%d): %s", rc, err.message);
	j = audit_report_to_json(r);
	ck_assert_ptr_nonnull(j);
	json_decref(j);
}

START_TEST(rule_fixture)
{
	const struct audit_rule *rule = &audit_rules[_i];
	json_t *expect = load_fixture(rule->name, "expect.json");
	json_t *trigger = load_fixture(rule->name, "trigger.json");
	json_t *near = load_fixture(rule->name, "near-miss.json");
	struct audit_report r;
	int found = 0;

	ck_assert_str_eq(json_string_value(json_object_get(expect, "rule")), rule->id);
	run_ok(trigger, &r);
	for (size_t i = 0; i < r.findings.count && !found; i++)
		found = matches(&r.findings.items[i], expect);
	if (!found)
		dump(&r);
	ck_assert_msg(found, "%s (%s): trigger.json has no matching finding", rule->id, rule->name);
	audit_report_release(&r);

	run_ok(near, &r);
	if (count_rule(&r.findings, rule->id) || count_rule(&r.suppressed, rule->id))
		dump(&r);
	ck_assert_msg(count_rule(&r.findings, rule->id) == 0 &&
	                  count_rule(&r.suppressed, rule->id) == 0,
	              "%s (%s): near-miss.json raises it", rule->id, rule->name);
	audit_report_release(&r);
	json_decref(expect);
	json_decref(trigger);
	json_decref(near);
}
END_TEST

START_TEST(catalogue_well_formed)
{
	for (size_t i = 0; i < AUDIT_NRULES; i++) {
		char id[8];

		snprintf(id, sizeof(id), "DW%03zu", i + 1);
		ck_assert_str_eq(audit_rules[i].id, id);
		ck_assert_ptr_eq(audit_rule_get(id), &audit_rules[i]);
		ck_assert_ptr_eq(audit_rule_get(audit_rules[i].name), &audit_rules[i]);
		ck_assert(strlen(audit_rules[i].title) > 10);
		ck_assert(strlen(audit_rules[i].rationale) > 80);
		ck_assert(strlen(audit_rules[i].fix) > 20);
	}
	ck_assert_ptr_null(audit_rule_get("DW999"));
}
END_TEST

START_TEST(docs_match_catalogue)
{
	static const char begin[] = "<!-- BEGIN generated by audit_rules_markdown() -->\n";
	static const char end[] = "<!-- END generated -->";
	char path[1024];
	char *doc, *gen = audit_rules_markdown(), *b, *e;

	TU_PATHF(path, "%s/docs/audit.md", tu_root());
	doc = tu_read_file(path, NULL);
	ck_assert_ptr_nonnull(gen);
	ck_assert_msg(doc != NULL, "cannot read %s", path);
	b = strstr(doc, begin);
	ck_assert_msg(b != NULL, "docs/audit.md lacks the generated catalogue's begin marker");
	b += strlen(begin);
	e = strstr(b, end);
	ck_assert_msg(e != NULL, "docs/audit.md lacks the generated catalogue's end marker");
	*e = '\0';
	ck_assert_msg(strcmp(b, gen) == 0,
	              "docs/audit.md's rule catalogue differs from "
	              "audit_rules[]: regenerate it from audit_rules_markdown()");
	free(doc);
	free(gen);
}
END_TEST

/* ---- suppressions ---- */

static json_t *dangling_landscape(json_t *suppressions)
{
	json_t *l =
	    json_pack("{s:s, s:[{s:s, s:s, s:{s:s, s:s, s:s}, s:{s:s, s:[{s:s, s:s}]}}]}", "now",
	              "2026-11-25", "products", "apiVersion", "driveway/v1", "kind", "DataProduct",
	              "metadata", "domain", "a", "name", "app", "owner", "team-a", "spec", "type",
	              "api", "consumes", "product", "b/ghost", "pattern", "rest-api");

	ck_assert_ptr_nonnull(l);
	if (suppressions)
		json_object_set_new(l, "suppressions", suppressions);
	return l;
}

START_TEST(suppression_lists_finding_separately)
{
	json_t *l = dangling_landscape(
	    json_pack("[{s:s, s:s, s:s, s:s}]", "rule", "DW025", "flow", "a/app->b/ghost", "reason",
	              "ghost registers next sprint", "expires", "2027-01-31"));
	struct audit_report r;
	json_t *j, *s;

	run_ok(l, &r);
	ck_assert_uint_eq(count_rule(&r.findings, "DW025"), 0);
	ck_assert_uint_eq(count_rule(&r.suppressed, "DW025"), 1);
	ck_assert_int_eq(r.suppressed.items[0].suppression, 0);
	j = audit_report_to_json(&r);
	s = json_object_get(json_array_get(json_object_get(j, "suppressed"), 0), "suppression");
	ck_assert_str_eq(json_string_value(json_object_get(s, "reason")),
	                 "ghost registers next sprint");
	ck_assert_int_eq(json_integer_value(json_object_get(s, "index")), 0);
	ck_assert_int_eq(
	    json_integer_value(json_object_get(json_object_get(j, "summary"), "suppressed")), 1);
	json_decref(j);
	audit_report_release(&r);
	json_decref(l);
}
END_TEST

START_TEST(suppression_scope_must_match)
{
	/* Another product, another flow, another rule: nothing is silenced. */
	json_t *l = dangling_landscape(
	    json_pack("[{s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}, {s:s, s:s, s:s}]", "rule",
	              "DW025", "product", "z/other", "reason", "r", "expires", "2027-01-31", "rule",
	              "DW025", "flow", "a/app->b/other", "reason", "r", "expires", "2027-01-31",
	              "rule", "DW021", "reason", "r", "expires", "2027-01-31"));
	struct audit_report r;

	run_ok(l, &r);
	ck_assert_uint_eq(count_rule(&r.findings, "DW025"), 1);
	ck_assert_uint_eq(r.suppressed.count, 0);
	audit_report_release(&r);
	json_decref(l);
}
END_TEST

START_TEST(suppression_without_expiry_silences_nothing)
{
	json_t *l = dangling_landscape(json_pack("[{s:s, s:s, s:s}]", "rule", "dangling-flow",
	                                         "product", "a/app", "reason", "forever"));
	struct audit_report r;

	run_ok(l, &r);
	ck_assert_uint_eq(count_rule(&r.findings, "DW025"), 1);
	ck_assert_uint_eq(count_rule(&r.findings, "DW029"), 1);
	ck_assert_ptr_nonnull(strstr(first_of(&r, "DW029")->message, "no expiry date"));
	audit_report_release(&r);
	json_decref(l);
}
END_TEST

static void expect_invalid(json_t *l, const char *needle)
{
	struct audit_report r;
	struct dw_error err = {0};
	int rc = audit_run(l, &r, &err);

	ck_assert_msg(rc == DW_INVALID, "expected DW_INVALID for '%s', got %d", needle, rc);
	ck_assert_msg(strstr(err.message, needle) != NULL, "message '%s' lacks '%s'", err.message,
	              needle);
	audit_report_release(&r);
	json_decref(l);
}

START_TEST(suppression_errors)
{
	expect_invalid(dangling_landscape(json_pack("[{s:s, s:s, s:s}]", "rule", "DW999", "reason",
	                                            "r", "expires", "2027-01-01")),
	               "unknown audit rule 'DW999'");
	expect_invalid(
	    dangling_landscape(json_pack("[{s:s, s:s, s:s, s:s}]", "rule", "DW025", "reason", "r",
	                                 "expires", "2027-01-01", "until", "x")),
	    "unknown property 'until' in suppression 0");
	expect_invalid(
	    dangling_landscape(json_pack("[{s:s, s:i}]", "rule", "DW025", "expires", 2027)),
	    "'expires' must be a string");
	expect_invalid(dangling_landscape(json_pack("[i]", 7)), "suppression 0 is not an object");
}
END_TEST

/* ---- config and input errors ---- */

START_TEST(config_errors)
{
	json_t *l;

	l = dangling_landscape(NULL);
	json_object_set_new(l, "config", json_pack("{s:i}", "maxFanOut", 3));
	expect_invalid(l, "unknown audit setting 'maxFanOut'");
	l = dangling_landscape(NULL);
	json_object_set_new(l, "config", json_pack("{s:s}", "maxSyncShare", "high"));
	expect_invalid(l, "audit setting 'maxSyncShare' must be a number");
	l = dangling_landscape(NULL);
	json_object_set_new(l, "config", json_pack("{s:f}", "maxDirectFanOut", 2.5));
	expect_invalid(l, "audit setting 'maxDirectFanOut' must be an integer");
	l = dangling_landscape(NULL);
	json_object_set_new(l, "config", json_pack("{s:f}", "compositeOverlap", 1.5));
	expect_invalid(l, "audit setting 'compositeOverlap' out of range");
	l = dangling_landscape(NULL);
	json_object_set_new(l, "config", json_pack("[]"));
	expect_invalid(l, "audit config must be an object");
}
END_TEST

START_TEST(config_changes_thresholds)
{
	json_t *l = load_fixture("direct-fan-out", "trigger.json");
	struct audit_report r;
	json_t *j;

	json_object_set_new(l, "config", json_pack("{s:i}", "maxDirectFanOut", 6));
	run_ok(l, &r);
	ck_assert_uint_eq(count_rule(&r.findings, "DW003"), 0);
	j = audit_report_to_json(&r);
	ck_assert_int_eq(
	    json_integer_value(json_object_get(json_object_get(j, "config"), "maxDirectFanOut")),
	    6);
	ck_assert(json_real_value(
	              json_object_get(json_object_get(j, "config"), "compositeOverlap")) == 0.7);
	json_decref(j);
	audit_report_release(&r);
	json_decref(l);
}
END_TEST

START_TEST(landscape_errors)
{
	json_t *l;

	expect_invalid(json_pack("[]"), "landscape must be an object");
	expect_invalid(json_pack("{s:[]}", "products"), "landscape property 'now' is required");
	expect_invalid(json_pack("{s:s}", "now", "2026-02-30"), "'now' is not a date");
	expect_invalid(json_pack("{s:s, s:[]}", "now", "2026-11-25", "flows"),
	               "unknown landscape property 'flows'");
	expect_invalid(json_pack("{s:s, s:{}}", "now", "2026-11-25", "products"),
	               "landscape property 'products' must be an array");
	expect_invalid(json_pack("{s:s, s:[i]}", "now", "2026-11-25", "products", 3),
	               "product 0 is not an object");
	expect_invalid(json_pack("{s:s, s:[{s:{s:s}}]}", "now", "2026-11-25", "products",
	                         "metadata", "domain", "a"),
	               "product 0 has no valid metadata.domain and metadata.name");
	l = dangling_landscape(NULL);
	json_array_append(json_object_get(l, "products"),
	                  json_array_get(json_object_get(l, "products"), 0));
	expect_invalid(l, "duplicate product 'a/app'");
	expect_invalid(json_pack("{s:s, s:[{s:{s:s}}, {s:{s:s}}]}", "now", "2026-11-25", "domains",
	                         "metadata", "name", "a", "metadata", "name", "a"),
	               "duplicate domain 'a'");
}
END_TEST

START_TEST(wrong_types_do_not_crash)
{
	/* Fields of the wrong type count as absent; nothing here is a crash or an error. */
	json_t *l = json_pack("{s:s, s:[{s:{s:s, s:s, s:i, s:[]}, s:{s:s, s:s, s:s, s:[i, n, s], "
	                      "s:[i, {s:i, s:s}, {s:s, s:i}]}}, {s:{s:s, s:s}, s:i}]}",
	                      "now", "2026-11-25", "products", "metadata", "domain", "a", "name",
	                      "x", "owner", 3, "lifecycle", "spec", "type", "composite", "sla",
	                      "high", "contract", "yes", "backends", 1, "b/y", "consumes", 5,
	                      "product", 7, "pattern", "rest-api", "product", "b/y", "pattern", 9,
	                      "metadata", "domain", "b", "name", "y", "spec", 4);
	struct audit_report r;

	ck_assert_ptr_nonnull(l);
	run_ok(l, &r);
	ck_assert_uint_eq(r.products, 2);
	ck_assert_uint_eq(r.flows, 3);
	ck_assert_uint_eq(count_rule(&r.findings, "DW007"), 2); /* the 1 and the null */
	audit_report_release(&r);
	json_decref(l);
}
END_TEST

/* ---- specifics ---- */

START_TEST(deleted_products_are_absent)
{
	json_t *l = load_fixture("dangling-flow", "near-miss.json");
	json_t *ghost = json_array_get(json_object_get(l, "products"), 1);
	struct audit_report r;

	json_object_set_new(ghost, "status", json_pack("{s:b}", "deleted", 1));
	run_ok(l, &r);
	ck_assert_uint_eq(count_rule(&r.findings, "DW025"), 1);
	ck_assert_uint_eq(r.products, 1);
	audit_report_release(&r);
	json_decref(l);
}
END_TEST

/* DW031 with the record-name strategies: a landing product that records its subject is
 * claimed by a topic product declaring that subject (spec.subject), not by one of the same
 * topic that answers to <topic>-value; a "-key" product answers to <topic>-key. */
START_TEST(unclaimed_subject_by_declared_subject)
{
	json_t *l = load_fixture("unclaimed-subject", "near-miss.json");
	json_t *landing = json_array_get(json_object_get(l, "products"), 0);
	json_t *claimant = json_array_get(json_object_get(l, "products"), 1);
	json_t *lspec = json_object_get(landing, "spec"),
	       *cspec = json_object_get(claimant, "spec");
	struct audit_report r;

	/* record-name subject: the topic alone no longer claims it */
	json_object_set_new(lspec, "subject", json_string("com.acme.Order"));
	json_object_del(lspec, "topic");
	run_ok(l, &r);
	ck_assert_uint_eq(count_rule(&r.findings, "DW031"), 1);
	ck_assert_ptr_nonnull(strstr(first_of(&r, "DW031")->message, "subject 'com.acme.Order'"));
	audit_report_release(&r);
	/* declared by another name: still unclaimed */
	json_object_set_new(cspec, "subject", json_string("com.acme.Other"));
	run_ok(l, &r);
	ck_assert_uint_eq(count_rule(&r.findings, "DW031"), 1);
	audit_report_release(&r);
	/* declared: claimed */
	json_object_set_new(cspec, "subject", json_string("com.acme.Order"));
	run_ok(l, &r);
	ck_assert_uint_eq(count_rule(&r.findings, "DW031"), 0);
	audit_report_release(&r);
	/* a topic-name subject recorded on the landing product: the -value product claims
	 * orders-value, a product that declares another subject does not */
	json_object_set_new(lspec, "subject", json_string("orders-value"));
	json_object_set_new(lspec, "topic", json_string("orders"));
	run_ok(l, &r);
	ck_assert_uint_eq(count_rule(&r.findings, "DW031"), 1);
	audit_report_release(&r);
	json_object_del(cspec, "subject");
	run_ok(l, &r);
	ck_assert_uint_eq(count_rule(&r.findings, "DW031"), 0);
	audit_report_release(&r);
	/* orders-key is not claimed by the value product */
	json_object_set_new(lspec, "subject", json_string("orders-key"));
	run_ok(l, &r);
	ck_assert_uint_eq(count_rule(&r.findings, "DW031"), 1);
	audit_report_release(&r);
	json_decref(l);
}
END_TEST

START_TEST(composite_contract_without_version)
{
	json_t *l = load_fixture("composite-without-contract", "near-miss.json");
	json_t *bff = json_array_get(json_object_get(l, "products"), 0);
	struct audit_report r;

	json_object_set_new(bff, "status", json_pack("{s:i}", "versions", 0));
	run_ok(l, &r);
	ck_assert_uint_eq(count_rule(&r.findings, "DW005"), 1);
	ck_assert_ptr_nonnull(strstr(first_of(&r, "DW005")->message, "no registered version"));
	audit_report_release(&r);
	json_decref(l);
}
END_TEST

/* Product document "d/n" of type t consuming each of refs[] with pattern pat. */
static json_t *mini(const char *ref, const char *type, const char *pat, const char **refs,
                    double avail)
{
	char dom[64];
	const char *slash = strchr(ref, '/');
	json_t *cons = json_array(), *doc;

	snprintf(dom, sizeof(dom), "%.*s", (int)(slash - ref), ref);
	for (size_t i = 0; refs && refs[i]; i++)
		json_array_append_new(cons, json_pack("{s:s, s:s, s:b}", "product", refs[i],
		                                      "pattern", pat, "idempotent", 1));
	doc = json_pack("{s:s, s:s, s:{s:s, s:s, s:s}, s:{s:s, s:o}}", "apiVersion", "driveway/v1",
	                "kind", "DataProduct", "metadata", "domain", dom, "name", slash + 1,
	                "owner", "team", "spec", "type", type, "consumes", cons);
	if (avail > 0)
		json_object_set_new(json_object_get(doc, "spec"), "sla",
		                    json_pack("{s:f}", "availability", avail));
	return doc;
}

START_TEST(cycle_component_reported_once)
{
	static const char *ab[] = {"b/b", NULL}, *bac[] = {"a/a", "c/c", NULL};
	static const char *cb[] = {"b/b", NULL};
	json_t *l =
	    json_pack("{s:s, s:[o, o, o]}", "now", "2026-11-25", "products",
	              mini("a/a", "api", "rest-api", ab, 0), mini("b/b", "api", "rest-api", bac, 0),
	              mini("c/c", "api", "rest-api", cb, 0));
	struct audit_report r;
	const struct audit_finding *x;

	run_ok(l, &r);
	ck_assert_uint_eq(count_rule(&r.findings, "DW014"), 1);
	x = first_of(&r, "DW014");
	ck_assert_str_eq(x->product, "a/a");
	ck_assert_ptr_nonnull(strstr(x->message, "a/a -> b/b -> a/a"));
	ck_assert_ptr_nonnull(strstr(x->message, "3 products are mutually dependent"));
	ck_assert_uint_eq(x->nproducts, 3);
	ck_assert_str_eq(x->products[2], "c/c");
	audit_report_release(&r);
	json_decref(l);
}
END_TEST

START_TEST(chain_takes_worst_branch_and_backends)
{
	/* A BFF whose backends are synchronous calls: the worst of two branches counts. */
	static const char *none[] = {NULL};
	json_t *bff = mini("w/bff", "bff", "rest-api", none, 99.99);
	json_t *l;
	struct audit_report r;
	const struct audit_finding *x;

	json_object_set_new(json_object_get(bff, "spec"), "backends",
	                    json_pack("[s, s]", "s/good", "s/weak"));
	l = json_pack("{s:s, s:[o, o, o]}", "now", "2026-11-25", "products", bff,
	              mini("s/good", "api", "rest-api", NULL, 99.999),
	              mini("s/weak", "api", "rest-api", NULL, 99.5));
	run_ok(l, &r);
	x = first_of(&r, "DW013");
	ck_assert_ptr_nonnull(x);
	/* The worst branch bounds the BFF at 99.5%, below its declared 99.99%. */
	ck_assert_ptr_nonnull(strstr(x->message, "w/bff -> s/weak can deliver at most 99.5%"));
	ck_assert_ptr_nonnull(strstr(x->message, "(99.5%) even if w/bff itself never fails"));
	ck_assert_str_eq(x->pointer, "/spec/sla/availability");
	ck_assert_str_eq(x->flows[0], "w/bff->s/weak");
	audit_report_release(&r);
	json_decref(l);
}
END_TEST

START_TEST(summary_counts)
{
	json_t *l = load_fixture("sync-share", "trigger.json"), *j, *sum;
	struct audit_report r;
	json_int_t total;

	run_ok(l, &r);
	j = audit_report_to_json(&r);
	sum = json_object_get(j, "summary");
	ck_assert_int_eq(json_integer_value(json_object_get(sum, "flows")), 10);
	ck_assert_int_eq(json_integer_value(json_object_get(sum, "syncFlows")), 9);
	ck_assert(json_real_value(json_object_get(sum, "syncShare")) > 0.899 &&
	          json_real_value(json_object_get(sum, "syncShare")) < 0.901);
	ck_assert_int_eq(json_integer_value(json_object_get(sum, "products")), 11);
	ck_assert_int_eq(json_integer_value(json_object_get(sum, "domains")), 2);
	total = json_integer_value(json_object_get(json_object_get(sum, "bySeverity"), "error")) +
	        json_integer_value(json_object_get(json_object_get(sum, "bySeverity"), "warning")) +
	        json_integer_value(json_object_get(json_object_get(sum, "bySeverity"), "info"));
	ck_assert_int_eq(total, (json_int_t)r.findings.count);
	ck_assert_int_eq(
	    json_integer_value(json_object_get(json_object_get(sum, "byRule"), "DW015")), 1);
	ck_assert_int_eq(json_array_size(json_object_get(j, "findings")),
	                 (json_int_t)r.findings.count);
	json_decref(j);
	audit_report_release(&r);
	json_decref(l);
}
END_TEST

/* ---- scale ---- */

/* n products in n/10 domains, 5 flows each (sync and async mixed), every tenth a BFF over
 * three backends; sync edges point up to 50 indexes ahead, so chains are long but acyclic. */
static json_t *big_landscape(size_t n)
{
	static const char *const pats[] = {"rest-api", "event-stream", "soa", "cdc", "rest-api"};
	json_t *products = json_array();

	for (size_t i = 0; i < n; i++) {
		char dom[32], name[32], ref[64];
		json_t *cons = json_array(), *spec;

		snprintf(dom, sizeof(dom), "d%zu", i / 10);
		snprintf(name, sizeof(name), "p%zu", i);
		for (size_t k = 0; k < 5; k++) {
			int sync = pats[k][0] == 'r' || pats[k][0] == 's';
			size_t t =
			    sync ? i + 1 + (i * 31 + k * 17) % 50 : (i * 7919 + k * 104729) % n;

			if (t >= n || t == i)
				continue;
			snprintf(ref, sizeof(ref), "d%zu/p%zu", t / 10, t);
			json_array_append_new(cons, json_pack("{s:s, s:s, s:b}", "product", ref,
			                                      "pattern", pats[k], "idempotent",
			                                      (i + k) % 3 != 0));
		}
		spec = json_pack("{s:s, s:o, s:{s:f}}", "type", i % 10 == 3 ? "bff" : "api",
		                 "consumes", cons, "sla", "availability",
		                 99.0 + (double)(i % 100) / 100.0);
		if (i % 10 == 3 && i + 3 < n) {
			char b[3][64];

			for (int k = 0; k < 3; k++)
				snprintf(b[k], sizeof(b[k]), "d%zu/p%zu", (i + 1 + (size_t)k) / 10,
				         i + 1 + (size_t)k);
			json_object_set_new(spec, "backends",
			                    json_pack("[s, s, s]", b[0], b[1], b[2]));
		}
		json_array_append_new(products,
		                      json_pack("{s:s, s:s, s:{s:s, s:s, s:s, s:s}, s:o}",
		                                "apiVersion", "driveway/v1", "kind", "DataProduct",
		                                "metadata", "domain", dom, "name", name, "owner",
		                                "team", "lifecycle", "production", "spec", spec));
	}
	return json_pack("{s:s, s:o}", "now", "2026-11-25", "products", products);
}

/* A large landscape audits completely and consistently. How fast is bench/audit.sh's question:
 * timings are benchmarks, not tests. */
START_TEST(large_landscape_audits)
{
	json_t *l = big_landscape(5000);
	struct audit_report r;
	json_t *j;

	ck_assert_ptr_nonnull(l);
	ck_assert_int_eq(audit_run(l, &r, NULL), 0);
	ck_assert_uint_eq(r.products, 5000);
	ck_assert(r.flows > 24000);
	ck_assert(count_rule(&r.findings, "DW013") > 0);
	ck_assert(count_rule(&r.findings, "DW021") > 0);
	j = audit_report_to_json(&r);
	ck_assert_ptr_nonnull(j);
	json_decref(j);
	audit_report_release(&r);
	json_decref(l);
}
END_TEST

static Suite *audit_suite(void)
{
	Suite *s = suite_create("audit");
	TCase *rules = tcase_create("rules");
	TCase *misc = tcase_create("behaviour");
	TCase *scale = tcase_create("scale");

	tcase_add_loop_test(rules, rule_fixture, 0, AUDIT_NRULES);
	tcase_add_test(rules, catalogue_well_formed);
	tcase_add_test(rules, docs_match_catalogue);
	tcase_add_test(misc, suppression_lists_finding_separately);
	tcase_add_test(misc, suppression_scope_must_match);
	tcase_add_test(misc, suppression_without_expiry_silences_nothing);
	tcase_add_test(misc, suppression_errors);
	tcase_add_test(misc, config_errors);
	tcase_add_test(misc, config_changes_thresholds);
	tcase_add_test(misc, landscape_errors);
	tcase_add_test(misc, wrong_types_do_not_crash);
	tcase_add_test(misc, deleted_products_are_absent);
	tcase_add_test(misc, composite_contract_without_version);
	tcase_add_test(misc, unclaimed_subject_by_declared_subject);
	tcase_add_test(misc, cycle_component_reported_once);
	tcase_add_test(misc, chain_takes_worst_branch_and_backends);
	tcase_add_test(misc, summary_counts);
	tcase_set_timeout(scale, 120);
	tcase_add_test(scale, large_landscape_audits);
	suite_add_tcase(s, rules);
	suite_add_tcase(s, misc);
	suite_add_tcase(s, scale);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(audit_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
