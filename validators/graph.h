/*
 * graph: the landscape picture as Graphviz DOT text. A pure function of the audit's landscape
 * object (validators/audit.h) and, optionally, its report: domains become clusters, products
 * nodes (shape by spec.type, label name and kind), flows (spec.consumes entries) edges from the
 * consumer to the provider, styled by pattern (synchronous solid, asynchronous dashed,
 * batch and CDC dotted, point-to-point bold red, labelled with the pattern), and a composite's
 * backends thin grey edges where no flow already joins the pair. Providers and backends that
 * are not registered products are dashed grey nodes. Products and flows that active findings
 * concern are marked: a red border or edge, a warning sign in the label and a tooltip listing
 * the rule ids. Layout is Graphviz's job (drivewayd renders with libgvc in server/render.c).
 *
 * Every string that comes from the landscape (titles, descriptions, names) is written as a DOT
 * quoted string with quotes and backslashes escaped and control characters replaced by spaces,
 * so no document can end a string early or inject attributes or statements. HTML-like and
 * record labels are never used.
 *
 * The output is deterministic: clusters by domain name, nodes by reference, edges in the order
 * of the products' documents.
 *
 * Ownership: graph_dot borrows its inputs and returns the text malloc'd (caller frees).
 */
#ifndef DW_GRAPH_H
#define DW_GRAPH_H

#include <stddef.h>

#include <jansson.h>

#include "validators/audit.h"
#include "validators/error.h"

struct graph_options {
	/* NULL: the whole landscape; else that domain's products and their neighbours (the
	 * products they consume or aggregate, and those that consume or aggregate them) */
	const char *domain;
	/* node links: prefix + "domain/product" ("/ui/products/"); NULL for none */
	const char *product_url;
	/* cluster links: prefix + "domain" ("/ui/domains/"); NULL for none */
	const char *domain_url;
};

/*
 * The DOT text of landscape (its "domains" and "products"; products with status.deleted true
 * and products without slug metadata.domain and metadata.name are left out), with the active
 * findings of report marked (report may be NULL). opt may be NULL (whole landscape, no links).
 * *out receives the text (malloc'd, NUL-terminated) and *len its length; *nodes (may be NULL)
 * the number of nodes drawn. Returns 0, DW_INVALID (landscape is not an object), DW_NOT_FOUND
 * (opt->domain is neither a domain of the landscape nor the domain of a product) or DW_NOMEM.
 */
int graph_dot(const json_t *landscape, const struct audit_report *report,
              const struct graph_options *opt, char **out, size_t *len, size_t *nodes,
              struct dw_error *err);

#endif
