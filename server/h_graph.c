/*
 * h_graph: GET /graph.dot and GET /graph.svg, the landscape picture: the DOT text of
 * validators/graph.h over the registry's landscape with today's audit findings marked, and its
 * SVG rendering by Graphviz (server/render.c). ?domain=D draws that domain and its neighbours.
 * Nodes link to the web catalog's product pages, clusters to its domain pages.
 */
#include <stdlib.h>

#include "server/landscape.h"
#include "server/render.h"
#include "server/server.h"
#include "validators/descriptor.h"
#include "validators/graph.h"
#include "validators/xalloc.h"

/* Laying out more nodes than this takes Graphviz longer than a request should last; the DOT
 * text has no limit, and ?domain= draws any part of a larger landscape. */
#define GRAPH_SVG_MAX_NODES 1500

static int graph_text(struct request *req, char **dot, size_t *len, size_t *nodes,
                      struct dw_error *err)
{
	struct graph_options opt = {
	    .domain = request_query(req, "domain"),
	    .product_url = "/ui/products/",
	    .domain_url = "/ui/domains/",
	};
	struct audit_report report;
	json_t *landscape = NULL;
	int rc;

	if (opt.domain && !descriptor_slug_ok(opt.domain))
		return dw_error_set(err, DW_MALFORMED, "invalid domain '%s' (expected a slug)",
		                    opt.domain);
	rc = landscape_audit(req->srv->store, req->srv->audit_settings, &landscape, &report, err);
	if (!rc)
		rc = graph_dot(landscape, &report, &opt, dot, len, nodes, err);
	if (rc == DW_NOMEM)
		abort();
	audit_report_release(&report);
	json_decref(landscape);
	return rc;
}

int h_graph_dot(struct request *req, struct response *res, struct dw_error *err)
{
	char *dot = NULL;
	size_t len = 0, nodes = 0;
	int rc = graph_text(req, &dot, &len, &nodes, err);

	if (rc)
		return rc;
	response_body(res, 200, "text/vnd.graphviz; charset=utf-8", dot, len);
	return 0;
}

int h_graph_svg(struct request *req, struct response *res, struct dw_error *err)
{
	char *dot = NULL, *svg = NULL;
	size_t len = 0, svg_len = 0, nodes = 0;
	int rc = graph_text(req, &dot, &len, &nodes, err);

	if (rc)
		return rc;
	if (nodes > GRAPH_SVG_MAX_NODES) {
		free(dot);
		return dw_error_set(err, DW_INVALID,
		                    "landscape too large to draw: %zu products (at most %d); draw "
		                    "one domain with ?domain= or take the DOT text from /graph.dot",
		                    nodes, GRAPH_SVG_MAX_NODES);
	}
	rc = render_svg(dot, len, &svg, &svg_len, err);
	free(dot);
	if (rc)
		return rc;
	response_body(res, 200, "image/svg+xml", svg, svg_len);
	/* opened on its own, the picture may show text but never run or load anything */
	response_header_add(res, "Content-Security-Policy",
	                    "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
	response_header_add(res, "X-Content-Type-Options", "nosniff");
	return 0;
}
