/*
 * driveway graph: the landscape picture. From the registry, GET /graph.dot or /graph.svg
 * written to stdout as served; offline, the DOT text of validators/graph.h over the landscape
 * built from descriptor files, with the audit's findings marked. SVG needs Graphviz's layout,
 * which runs in drivewayd, so offline gives DOT only (pipe it to `dot -Tsvg`).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "cli/landscape.h"
#include "validators/audit.h"
#include "validators/graph.h"
#include "validators/xalloc.h"

static int graph_server(struct cli *cli, int svg, const char *domain)
{
	struct client_response resp;
	struct dw_error err;
	char *url = xstrdup(svg ? "/graph.svg" : "/graph.dot");
	int rc = 0;

	client_query_add(&url, "domain", domain);
	if (client_request(cli_client(cli), "GET", url, NULL, NULL, &resp, &err) != 0) {
		fprintf(stderr, "error: %s\n", err.message);
		free(url);
		return DW_UNAVAILABLE;
	}
	free(url);
	if (!client_ok(&resp))
		rc = client_fail(&resp, NULL);
	else
		fwrite(resp.body, 1, resp.len, stdout);
	client_response_release(&resp);
	return rc;
}

static int graph_offline(int npos, char **pos, const char *config, const char *domain)
{
	struct graph_options opt = {.domain = domain, .product_url = NULL, .domain_url = NULL};
	struct landscape l;
	struct audit_report r;
	struct dw_error e;
	char today[16], *dot = NULL;
	size_t len;
	int rc;

	landscape_today(today, sizeof(today));
	audit_report_init(&r);
	rc = landscape_load(&l, npos, pos, config, today);
	if (rc == 0) {
		rc = audit_run(l.root, &r, &e);
		if (rc == DW_INVALID) {
			fprintf(stderr, "error: %s\n", e.message);
			rc = DW_MALFORMED;
		}
	}
	if (rc == 0) {
		rc = graph_dot(l.root, &r, &opt, &dot, &len, NULL, &e);
		if (rc == DW_NOT_FOUND)
			fprintf(stderr, "error: %s\n", e.message);
		else if (rc == DW_INVALID)
			fprintf(stderr, "error: %s\n", e.message);
	}
	if (rc == DW_NOMEM) {
		fprintf(stderr, "fatal: out of memory drawing the landscape\n");
		abort();
	}
	if (rc == 0)
		fwrite(dot, 1, len, stdout);
	free(dot);
	audit_report_release(&r);
	landscape_release(&l);
	return rc;
}

int cmd_graph(struct cli *cli, int argc, char **argv)
{
	const char *format = NULL, *domain = NULL, *config = NULL;
	char **pos = xcalloc((size_t)argc, sizeof(char *));
	int npos, rc, offline = 0, svg = 0;
	const struct cli_opt opts[] = {
	    {"format", 1, &format, NULL}, {"domain", 1, &domain, NULL},
	    {"offline", 0, NULL, &offline}, {"config", 1, &config, NULL},
	    {NULL, 0, NULL, NULL},
	};

	rc = cli_parse("graph", argc, argv, opts, pos, &npos);
	if (rc == 0 && format && strcmp(format, "dot") && strcmp(format, "svg"))
		rc = cli_usage_error("graph", "unknown format '%s' (expected dot or svg)", format);
	svg = format && !strcmp(format, "svg");
	if (rc == 0 && domain)
		rc = cli_slug_check("graph", "domain", domain);
	if (rc == 0 && offline && svg)
		rc = cli_usage_error("graph", "svg needs the registry, where Graphviz lays the "
		                              "picture out: use --format dot offline (and pipe it "
		                              "to 'dot -Tsvg'), or drop --offline");
	if (rc == 0 && offline && !npos)
		rc = cli_usage_error("graph", "--offline needs at least one PATH");
	if (rc == 0 && !offline && npos)
		rc = cli_usage_error("graph", "paths are only read with --offline (driveway "
		                              "graph --offline PATH...)");
	if (rc == 0 && !offline && config)
		fputs("note: --config applies to --offline only; the registry uses its own audit "
		      "config (drivewayd --audit-config)\n",
		      stderr);
	if (rc == 0)
		rc = offline ? graph_offline(npos, pos, config, domain)
		             : graph_server(cli, svg, domain);
	free(pos);
	return rc;
}
