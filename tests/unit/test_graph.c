/*
 * The landscape picture as DOT (validators/graph.h): clusters per domain, node shapes per kind,
 * edge styles per pattern, unregistered providers, findings of a real audit marked, the
 * ?domain restriction, and strings from documents that try to break out of the DOT syntax.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validators/audit.h"
#include "validators/graph.h"

#define PRODUCT(d, n, type, extra)                                                                 \
	"{\"apiVersion\":\"driveway/v1\",\"kind\":\"DataProduct\",\"metadata\":{\"domain\":\"" d  \
	"\",\"name\":\"" n "\",\"owner\":\"team-" d "\"},\"spec\":{\"type\":\"" type       \
	"\"" extra "}}"

/* Domains a (an API, a topic), b (consumers of a's products: a BFF over the API, a table on the
 * topic, a point-to-point exception, a flow to an unregistered product), c (one table on a's
 * topic), and a deleted product of a that must not be drawn. */
static const char landscape_text[] =
    "{\"now\":\"2026-11-26\",\"domains\":["
    "{\"apiVersion\":\"driveway/v1\",\"kind\":\"Domain\",\"metadata\":{\"name\":\"a\"},"
    "\"spec\":{\"title\":\"Domain A\",\"owner\":\"team-a\"}},"
    "{\"apiVersion\":\"driveway/v1\",\"kind\":\"Domain\",\"metadata\":{\"name\":\"b\"},"
    "\"spec\":{\"title\":\"Domain B\",\"owner\":\"team-b\"}}],"
    "\"products\":[" PRODUCT("a", "api", "api", "") "," PRODUCT(
        "a", "topic", "topic",
        ",\"compatibility\":\"BACKWARD\"") "," PRODUCT("b", "console", "bff",
                                                      ",\"backends\":[\"a/api\"],\"consumes\":[{"
                                                      "\"product\":\"a/api\",\"pattern\":\"rest-"
                                                      "api\"}]") ","
    PRODUCT("b", "sink", "table",
            ",\"consumes\":[{\"product\":\"a/topic\",\"pattern\":\"event-stream\","
            "\"idempotent\":true}]") ","
    PRODUCT("b", "direct", "api",
            ",\"consumes\":[{\"product\":\"a/api\",\"pattern\":\"point-to-point\","
            "\"exception\":{\"reason\":\"legacy\",\"owner\":\"team-b\","
            "\"reviewDate\":\"2027-03-01\"}}]") ","
    PRODUCT("b", "lost", "api",
            ",\"consumes\":[{\"product\":\"ghost/none\",\"pattern\":\"rest-api\"}]") ","
    PRODUCT("c", "solo", "table",
            ",\"consumes\":[{\"product\":\"a/topic\",\"pattern\":\"batch\"}]") ","
    "{\"apiVersion\":\"driveway/v1\",\"kind\":\"DataProduct\",\"metadata\":{\"domain\":\"a\","
    "\"name\":\"gone\",\"owner\":\"team-a\"},\"spec\":{\"type\":\"api\"},"
    "\"status\":{\"deleted\":true}}]}";

static json_t *landscape(void)
{
	json_error_t jerr;
	json_t *l = json_loads(landscape_text, 0, &jerr);

	ck_assert_msg(l != NULL, "test landscape: %s", jerr.text);
	return l;
}

static char *dot_of(const json_t *l, const struct audit_report *r, const struct graph_options *o,
                    size_t *nodes)
{
	struct dw_error err = {0};
	char *dot = NULL;
	size_t len = 0;
	int rc = graph_dot(l, r, o, &dot, &len, nodes, &err);

	ck_assert_msg(rc == 0, "graph_dot: %d %s", rc, err.message);
	ck_assert_ptr_nonnull(dot);
	ck_assert_uint_eq(len, strlen(dot));
	return dot;
}

static void has(const char *dot, const char *s)
{
	ck_assert_msg(strstr(dot, s) != NULL, "DOT lacks '%s':\n%s", s, dot);
}

static void lacks(const char *dot, const char *s)
{
	ck_assert_msg(strstr(dot, s) == NULL, "DOT has '%s':\n%s", s, dot);
}

static size_t count(const char *dot, const char *s)
{
	size_t n = 0;

	for (const char *p = strstr(dot, s); p; p = strstr(p + 1, s))
		n++;
	return n;
}

/* Walks the text as a DOT lexer would: every quoted string ends on its line, and the number of
 * "->" outside strings (edge statements) is returned. */
static size_t dot_edges(const char *dot)
{
	size_t edges = 0;
	int in = 0;

	for (const char *p = dot; *p; p++) {
		if (in) {
			ck_assert_msg(*p != '\n', "a quoted string spans lines near: %.60s",
			              p - 30);
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"')
				in = 0;
		} else if (*p == '"') {
			in = 1;
		} else if (p[0] == '-' && p[1] == '>') {
			edges++;
		}
	}
	ck_assert_msg(!in, "the DOT text ends inside a string");
	return edges;
}

START_TEST(test_clusters_nodes_edges)
{
	struct graph_options o = {.product_url = "/ui/products/", .domain_url = "/ui/domains/"};
	json_t *l = landscape();
	size_t nodes = 0;
	char *dot = dot_of(l, NULL, &o, &nodes);

	ck_assert(!strncmp(dot, "digraph landscape {\n", 20));
	has(dot, "subgraph \"cluster_a\" {\n    label=\"Domain A (a)\"");
	has(dot, "subgraph \"cluster_b\"");
	/* c is not a registered domain, but its product is drawn in a cluster of its own */
	has(dot, "subgraph \"cluster_c\" {\n    label=\"c\"");
	has(dot, "URL=\"/ui/domains/a\"");
	lacks(dot, "URL=\"/ui/domains/c\"");
	/* shapes by kind, label name and kind, links to the product page */
	has(dot, "\"a/api\" [label=\"api\\napi\", shape=box");
	has(dot, "\"a/topic\" [label=\"topic\\ntopic\", shape=cds");
	has(dot, "\"b/sink\" [label=\"sink\\ntable\", shape=cylinder");
	has(dot, "\"b/console\" [label=\"console\\nbff\", shape=tab");
	has(dot, "URL=\"/ui/products/a/topic\"");
	/* the unregistered provider: dashed grey, no link */
	has(dot, "\"ghost/none\" [label=\"none\\nnot registered\", shape=box, "
	         "style=\"dashed,rounded\", color=\"#8a8f98\"");
	lacks(dot, "/ui/products/ghost/none");
	/* the deleted product is not drawn */
	lacks(dot, "a/gone");
	ck_assert_uint_eq(nodes, 8);
	/* edge styles per pattern */
	has(dot, "\"b/console\" -> \"a/api\" [label=\"rest-api\", style=solid");
	has(dot, "\"b/sink\" -> \"a/topic\" [label=\"event-stream\", style=dashed");
	has(dot, "\"c/solo\" -> \"a/topic\" [label=\"batch\", style=dotted");
	has(dot, "\"b/direct\" -> \"a/api\" [label=\"point-to-point\", style=bold, "
	         "color=\"#d50000\"");
	/* the console's backend is the provider of a flow already: one edge, not two */
	ck_assert_uint_eq(count(dot, "\"b/console\" -> \"a/api\""), 1);
	lacks(dot, "label=\"backend\"");
	ck_assert_uint_eq(dot_edges(dot), 5);
	free(dot);
	json_decref(l);
}
END_TEST

START_TEST(test_backend_edge)
{
	json_t *l = landscape();
	json_t *products = json_object_get(l, "products");
	json_t *console = json_array_get(products, 2);
	char *dot;

	/* without the flow, the backend reference is drawn as such */
	json_object_del(json_object_get(console, "spec"), "consumes");
	dot = dot_of(l, NULL, NULL, NULL);
	has(dot, "\"b/console\" -> \"a/api\" [label=\"backend\", style=dotted");
	lacks(dot, "URL=");
	free(dot);
	json_decref(l);
}
END_TEST

START_TEST(test_findings_marked)
{
	struct audit_report r;
	struct dw_error err = {0};
	json_t *l = landscape();
	char *dot;
	int found = 0;

	ck_assert_msg(audit_run(l, &r, &err) == 0, "audit: %s", err.message);
	/* the flow to ghost/none dangles (DW025): the consumer and its flow are marked */
	for (size_t i = 0; i < r.findings.count; i++)
		found |= !strcmp(r.findings.items[i].rule->id, "DW025");
	ck_assert_msg(found, "the audit did not report the dangling flow");
	dot = dot_of(l, &r, NULL, NULL);
	has(dot, "\"b/lost\" [label=\"\xe2\x9a\xa0 lost\\napi\"");
	has(dot, "color=\"#b3261e\", penwidth=2.5");
	has(dot, "findings: DW025 dangling-flow");
	has(dot, "\"b/lost\" -> \"ghost/none\" [label=\"\xe2\x9a\xa0 rest-api\"");
	/* a product no finding names is not marked */
	has(dot, "\"a/topic\" [label=\"topic\\ntopic\"");
	free(dot);
	audit_report_release(&r);
	json_decref(l);
}
END_TEST

START_TEST(test_escaping)
{
	json_t *l = landscape();
	json_t *topic = json_array_get(json_object_get(l, "products"), 1);
	json_t *meta = json_object_get(topic, "metadata");
	json_t *d0 = json_array_get(json_object_get(l, "domains"), 0);
	char *dot;

	json_object_set_new(meta, "title", json_string("evil\" ]; \"x\" -> \"y\" [color=red"));
	json_object_set_new(meta, "description",
	                    json_string("back\\slash\\\"quote\nnew line\r\tand } digraph {"));
	json_object_set_new(json_object_get(d0, "spec"), "title",
	                    json_string("A\"}; \"z\" -> \"w"));
	dot = dot_of(l, NULL, NULL, NULL);
	has(dot, "evil\\\" ]; \\\"x\\\" -> \\\"y\\\" [color=red");
	has(dot, "back\\\\slash\\\\\\\"quote new line  and } digraph {");
	has(dot, "label=\"A\\\"}; \\\"z\\\" -> \\\"w (a)\"");
	/* still exactly the landscape's five flows, and every string closed on its line */
	ck_assert_uint_eq(dot_edges(dot), 5);
	free(dot);
	json_decref(l);
}
END_TEST

START_TEST(test_long_text_cut)
{
	json_t *l = landscape();
	json_t *api = json_array_get(json_object_get(l, "products"), 0);
	json_t *meta = json_object_get(api, "metadata");
	char desc[1200];
	char *dot;

	/* 2-byte characters: the cut must not split one */
	for (size_t i = 0; i + 2 < sizeof(desc); i += 2)
		memcpy(desc + i, "\xc3\xa9", 2);
	desc[sizeof(desc) - 2] = '\0';
	json_object_set_new(meta, "description", json_string(desc));
	dot = dot_of(l, NULL, NULL, NULL);
	has(dot, "\xc3\xa9\xe2\x80\xa6\"");
	lacks(dot, desc);
	free(dot);
	json_decref(l);
}
END_TEST

START_TEST(test_domain_restriction)
{
	struct graph_options o = {.domain = "c"};
	struct dw_error err = {0};
	json_t *l = landscape();
	size_t nodes = 0, len = 0;
	char *dot = dot_of(l, NULL, &o, &nodes);

	/* c's product and its provider, nothing else */
	has(dot, "\"c/solo\" [");
	has(dot, "\"a/topic\" [");
	has(dot, "\"c/solo\" -> \"a/topic\"");
	lacks(dot, "\"a/api\"");
	lacks(dot, "b/");
	lacks(dot, "cluster_b");
	ck_assert_uint_eq(nodes, 2);
	ck_assert_uint_eq(dot_edges(dot), 1);
	free(dot);

	/* a's neighbours come with it: b's consumers, c's table */
	o.domain = "a";
	dot = dot_of(l, NULL, &o, &nodes);
	has(dot, "\"b/sink\" -> \"a/topic\"");
	has(dot, "\"c/solo\" -> \"a/topic\"");
	lacks(dot, "ghost/none");
	ck_assert_uint_eq(dot_edges(dot), 4);
	free(dot);

	o.domain = "nope";
	dot = NULL;
	ck_assert_int_eq(graph_dot(l, NULL, &o, &dot, &len, NULL, &err), DW_NOT_FOUND);
	ck_assert_str_eq(err.message, "domain 'nope' not found");
	ck_assert_ptr_null(dot);
	json_decref(l);
}
END_TEST

START_TEST(test_bad_input)
{
	struct dw_error err = {0};
	json_t *arr = json_array(), *empty = json_object();
	char *dot = NULL;
	size_t len = 0, nodes = 1;

	ck_assert_int_eq(graph_dot(arr, NULL, NULL, &dot, &len, NULL, &err), DW_INVALID);
	ck_assert_ptr_null(dot);
	/* an empty landscape is an empty graph */
	ck_assert_int_eq(graph_dot(empty, NULL, NULL, &dot, &len, &nodes, &err), 0);
	ck_assert_uint_eq(nodes, 0);
	ck_assert_uint_eq(dot_edges(dot), 0);
	lacks(dot, "subgraph");
	free(dot);
	json_decref(arr);
	json_decref(empty);
}
END_TEST

static Suite *graph_suite(void)
{
	Suite *s = suite_create("graph");
	TCase *tc = tcase_create("dot");

	tcase_add_test(tc, test_clusters_nodes_edges);
	tcase_add_test(tc, test_backend_edge);
	tcase_add_test(tc, test_findings_marked);
	tcase_add_test(tc, test_escaping);
	tcase_add_test(tc, test_long_text_cut);
	tcase_add_test(tc, test_domain_restriction);
	tcase_add_test(tc, test_bad_input);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(graph_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
