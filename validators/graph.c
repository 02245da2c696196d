/*
 * graph.c: the landscape as DOT (graph.h). Nodes are kept in one array sorted by reference
 * (binary search), edges in document order with an index sorted by (consumer, provider) so
 * that a finding's flow ids find their edges in log time: a 50,000-product landscape costs a
 * few sorts, not a quadratic scan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validators/descriptor.h"
#include "validators/graph.h"
#include "validators/strbuf.h"

#define TEXT_MAX 200              /* bytes of a title or a description shown in a tooltip */
#define WARN_SIGN "\xe2\x9a\xa0 " /* U+26A0 WARNING SIGN and a space */

struct gnode {
	char *ref;                /* "domain/product", malloc'd */
	size_t dlen;              /* length of the domain part */
	const json_t *doc;        /* the product document; NULL when not registered */
	unsigned long long rules; /* bit i: an active finding of audit_rules[i] names it */
	int keep;
};

struct gedge {
	size_t from, to;          /* node indexes: consumer (or aggregator), provider */
	const char *pattern;      /* the flow's pattern; NULL for a backend reference */
	unsigned long long rules; /* as for nodes */
	int keep;
};

/* An edge's ends, for the index that finds a flow's edges. */
struct gend {
	size_t from, to, edge;
};

struct graph {
	struct gnode *nodes;
	size_t nnodes, anodes;
	struct gedge *edges;
	size_t nedges, aedges;
	struct gend *byends;    /* the edges' ends sorted by (from, to) */
	const json_t **domains; /* the landscape's domain documents sorted by name */
	size_t ndomains;
};

static const json_t *jget(const json_t *o, const char *k)
{
	return json_object_get(o, k);
}

static const char *jstr(const json_t *o, const char *section, const char *key)
{
	return json_string_value(jget(jget(o, section), key));
}

static int node_add(struct graph *g, const char *domain, size_t dlen, const char *name,
                    const json_t *doc)
{
	size_t nlen = strlen(name);
	char *ref;

	if (dw_array_grow((void **)&g->nodes, &g->anodes, g->nnodes, sizeof(*g->nodes), 64))
		return DW_NOMEM;
	ref = malloc(dlen + nlen + 2);
	if (!ref)
		return DW_NOMEM;
	memcpy(ref, domain, dlen);
	ref[dlen] = '/';
	memcpy(ref + dlen + 1, name, nlen + 1);
	g->nodes[g->nnodes++] = (struct gnode){.ref = ref, .dlen = dlen, .doc = doc};
	return 0;
}

/* A "domain/product" reference as a node (unregistered until a product claims it). */
static int node_add_ref(struct graph *g, const char *ref)
{
	const char *slash = ref ? strchr(ref, '/') : NULL;

	if (!slash || slash == ref || !slash[1])
		return 0;
	return node_add(g, ref, (size_t)(slash - ref), slash + 1, NULL);
}

static int node_cmp(const void *a, const void *b)
{
	const struct gnode *x = a, *y = b;
	int c = strcmp(x->ref, y->ref);

	if (c)
		return c;
	return (x->doc == NULL) - (y->doc == NULL); /* the registered product first */
}

static long node_find(const struct graph *g, const char *ref, size_t len)
{
	size_t lo = 0, hi = g->nnodes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strncmp(g->nodes[mid].ref, ref, len);

		if (c == 0 && g->nodes[mid].ref[len])
			c = 1;
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int product_live(const json_t *p)
{
	const char *d = jstr(p, "metadata", "domain"), *n = jstr(p, "metadata", "name");

	return json_is_object(p) && !json_is_true(jget(jget(p, "status"), "deleted")) && d && n &&
	       descriptor_slug_ok(d) && descriptor_slug_ok(n);
}

/* Every product and every product a flow or a backend list names, sorted and unique. */
static int collect_nodes(struct graph *g, const json_t *products)
{
	const json_t *p;
	size_t i, k = 0;

	json_array_foreach(products, i, p)
	{
		const json_t *spec = jget(p, "spec"), *e;
		const char *d = jstr(p, "metadata", "domain");
		size_t j;

		if (!product_live(p))
			continue;
		if (node_add(g, d, strlen(d), jstr(p, "metadata", "name"), p))
			return DW_NOMEM;
		json_array_foreach(jget(spec, "consumes"), j, e)
		{
			if (node_add_ref(g, json_string_value(jget(e, "product"))))
				return DW_NOMEM;
		}
		json_array_foreach(jget(spec, "backends"), j, e)
		{
			if (node_add_ref(g, json_string_value(e)))
				return DW_NOMEM;
		}
	}
	if (g->nnodes) /* qsort of NULL, 0 is undefined behaviour */
		qsort(g->nodes, g->nnodes, sizeof(*g->nodes), node_cmp);
	for (i = 0; i < g->nnodes; i++) {
		if (k && !strcmp(g->nodes[k - 1].ref, g->nodes[i].ref)) {
			free(g->nodes[i].ref);
			continue;
		}
		g->nodes[k++] = g->nodes[i];
	}
	g->nnodes = k;
	return 0;
}

static int edge_add(struct graph *g, size_t from, const char *to, const char *pattern)
{
	long t = to ? node_find(g, to, strlen(to)) : -1;

	if (t < 0)
		return 0;
	if (dw_array_grow((void **)&g->edges, &g->aedges, g->nedges, sizeof(*g->edges), 64))
		return DW_NOMEM;
	g->edges[g->nedges++] = (struct gedge){.from = from, .to = (size_t)t, .pattern = pattern};
	return 0;
}

/* The flows of every product, then its backends that no flow of it already reaches. */
static int collect_edges(struct graph *g, const json_t *products)
{
	const json_t *p;
	size_t i;

	json_array_foreach(products, i, p)
	{
		const json_t *spec = jget(p, "spec"), *e;
		const char *d, *n;
		size_t j, first = g->nedges;
		long from;
		char *ref;

		if (!product_live(p))
			continue;
		d = jstr(p, "metadata", "domain");
		n = jstr(p, "metadata", "name");
		ref = malloc(strlen(d) + strlen(n) + 2);
		if (!ref)
			return DW_NOMEM;
		snprintf(ref, strlen(d) + strlen(n) + 2, "%s/%s", d, n);
		from = node_find(g, ref, strlen(ref));
		free(ref);
		/* a second product with the same reference draws as the first */
		if (from < 0 || g->nodes[from].doc != p)
			continue;
		json_array_foreach(jget(spec, "consumes"), j, e)
		{
			const char *pat = json_string_value(jget(e, "pattern"));

			if (edge_add(g, (size_t)from, json_string_value(jget(e, "product")),
			             pat ? pat : "?"))
				return DW_NOMEM;
		}
		json_array_foreach(jget(spec, "backends"), j, e)
		{
			const char *to = json_string_value(e);
			long t = to ? node_find(g, to, strlen(to)) : -1;
			int seen = 0;

			for (size_t k = first; k < g->nedges && !seen; k++)
				seen = g->edges[k].to == (size_t)t;
			if (!seen && edge_add(g, (size_t)from, to, NULL))
				return DW_NOMEM;
		}
	}
	return 0;
}

static int ends_cmp(const void *a, const void *b)
{
	const struct gend *x = a, *y = b;

	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	if (x->to != y->to)
		return x->to < y->to ? -1 : 1;
	return x->edge < y->edge ? -1 : x->edge > y->edge;
}

static int index_edges(struct graph *g)
{
	g->byends = malloc((g->nedges ? g->nedges : 1) * sizeof(*g->byends));
	if (!g->byends)
		return DW_NOMEM;
	for (size_t i = 0; i < g->nedges; i++)
		g->byends[i] = (struct gend){g->edges[i].from, g->edges[i].to, i};
	qsort(g->byends, g->nedges, sizeof(*g->byends), ends_cmp);
	return 0;
}

/* Marks every edge from -> to with rule bit. */
static void mark_edges(struct graph *g, size_t from, size_t to, unsigned long long bit)
{
	size_t lo = 0, hi = g->nedges;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct gend *e = &g->byends[mid];

		if (e->from < from || (e->from == from && e->to < to))
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < g->nedges && g->byends[lo].from == from && g->byends[lo].to == to; lo++)
		g->edges[g->byends[lo].edge].rules |= bit;
}

/* A flow id "c-domain/c-product->p-domain/p-product" (slugs hold no '>'). */
static void mark_flow(struct graph *g, const char *id, unsigned long long bit)
{
	const char *arrow = strstr(id, "->");
	long from, to;

	if (!arrow)
		return;
	from = node_find(g, id, (size_t)(arrow - id));
	to = node_find(g, arrow + 2, strlen(arrow + 2));
	if (from >= 0 && to >= 0)
		mark_edges(g, (size_t)from, (size_t)to, bit);
}

static void mark_findings(struct graph *g, const struct audit_report *report)
{
	for (size_t i = 0; report && i < report->findings.count; i++) {
		const struct audit_finding *f = &report->findings.items[i];
		unsigned long long bit = 1ULL << (f->rule - audit_rules);
		long n = f->product ? node_find(g, f->product, strlen(f->product)) : -1;

		if (n >= 0)
			g->nodes[n].rules |= bit;
		for (size_t j = 0; j < f->nflows; j++)
			mark_flow(g, f->flows[j], bit);
	}
}

static int node_in(const struct gnode *n, const char *domain, size_t dlen)
{
	return n->dlen == dlen && !strncmp(n->ref, domain, dlen);
}

/* Keeps domain's nodes and the edges touching them with their other ends; 0 when the domain
 * has no product (registered or named by a flow). */
static int select_domain(struct graph *g, const char *domain)
{
	size_t dlen = strlen(domain);
	int found = 0;

	for (size_t i = 0; i < g->nnodes; i++)
		if (node_in(&g->nodes[i], domain, dlen))
			found = g->nodes[i].keep = 1;
	for (size_t i = 0; i < g->nedges; i++) {
		struct gedge *e = &g->edges[i];

		e->keep = node_in(&g->nodes[e->from], domain, dlen) ||
		          node_in(&g->nodes[e->to], domain, dlen);
	}
	for (size_t i = 0; i < g->nedges; i++)
		if (g->edges[i].keep)
			g->nodes[g->edges[i].from].keep = g->nodes[g->edges[i].to].keep = 1;
	return found;
}

static int domain_cmp(const void *a, const void *b)
{
	const char *x = jstr(*(const json_t *const *)a, "metadata", "name");
	const char *y = jstr(*(const json_t *const *)b, "metadata", "name");

	return strcmp(x ? x : "", y ? y : "");
}

static int index_domains(struct graph *g, const json_t *domains)
{
	size_t n = json_array_size(domains);

	g->domains = malloc((n ? n : 1) * sizeof(*g->domains));
	if (!g->domains)
		return DW_NOMEM;
	for (size_t i = 0; i < n; i++)
		if (jstr(json_array_get(domains, i), "metadata", "name"))
			g->domains[g->ndomains++] = json_array_get(domains, i);
	qsort(g->domains, g->ndomains, sizeof(*g->domains), domain_cmp);
	return 0;
}

static const json_t *domain_doc(const struct graph *g, const char *name, size_t len)
{
	size_t lo = 0, hi = g->ndomains;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *m = jstr(g->domains[mid], "metadata", "name");
		int c = strncmp(m, name, len);

		if (c == 0 && m[len])
			c = 1;
		if (c == 0)
			return g->domains[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Writing -------------------------------------------------------------------------------- */

/*
 * Writes s (at most len bytes, cut at a character boundary with an ellipsis after max bytes)
 * for the inside of a DOT quoted string: quotes and backslashes escaped (Graphviz reads "\\" in
 * a label as one backslash), control characters as spaces.
 */
static void esc(FILE *f, const char *s, size_t len, size_t max)
{
	for (size_t n = 0; s && n < len && s[n]; n++) {
		unsigned char c = (unsigned char)s[n];

		if (n >= max && (c & 0xc0) != 0x80) {
			fputs("\xe2\x80\xa6", f); /* U+2026 HORIZONTAL ELLIPSIS */
			return;
		}
		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
		} else if (c < 0x20 || c == 0x7f) {
			fputc(' ', f);
		} else {
			fputc(c, f);
		}
	}
}

static void esc_all(FILE *f, const char *s)
{
	esc(f, s, s ? strlen(s) : 0, (size_t)-1);
}

/* ", findings: DW013, DW027" for a rule mask, after a DOT line break. */
static void rules_text(FILE *f, unsigned long long rules)
{
	const char *sep = "\\nfindings: ";

	for (size_t i = 0; i < AUDIT_NRULES; i++)
		if (rules & (1ULL << i)) {
			fprintf(f, "%s%s %s", sep, audit_rules[i].id, audit_rules[i].name);
			sep = ", ";
		}
}

static const char *kind_shape(const char *kind)
{
	static const struct {
		const char *kind, *shape;
	} shapes[] = {
	    {"api", "box"},
	    {"topic", "cds"},
	    {"table", "cylinder"},
	    {"snapshot", "folder"},
	    {"composite", "component"},
	    {"bff", "tab"},
	    {"orchestrator", "hexagon"},
	    {"esb", "octagon"},
	};

	for (size_t i = 0; kind && i < sizeof(shapes) / sizeof(shapes[0]); i++)
		if (!strcmp(kind, shapes[i].kind))
			return shapes[i].shape;
	return "box";
}

static void write_node(FILE *f, const struct gnode *n, const struct graph_options *opt)
{
	const char *name = n->ref + n->dlen + 1;
	const char *kind = jstr(n->doc, "spec", "type");
	const char *title = jstr(n->doc, "metadata", "title");
	const char *desc = jstr(n->doc, "metadata", "description");

	fputs("    \"", f);
	esc_all(f, n->ref);
	fputs("\" [label=\"", f);
	if (n->rules)
		fputs(WARN_SIGN, f);
	esc_all(f, name);
	fputs("\\n", f);
	if (n->doc)
		esc_all(f, kind ? kind : "product");
	else
		fputs("not registered", f);
	fprintf(f, "\", shape=%s", n->doc ? kind_shape(kind) : "box");
	if (!n->doc)
		fputs(", style=\"dashed,rounded\", color=\"#8a8f98\", fontcolor=\"#5f6368\"", f);
	else if (!strcmp(kind_shape(kind), "box"))
		fputs(", style=\"rounded,filled\"", f);
	if (n->rules)
		fputs(", color=\"#b3261e\", penwidth=2.5, fontcolor=\"#b3261e\"", f);
	if (n->doc && opt->product_url && descriptor_slug_ok(name)) {
		fputs(", URL=\"", f);
		esc_all(f, opt->product_url);
		esc_all(f, n->ref);
		fputc('"', f);
	}
	fputs(", tooltip=\"", f);
	esc_all(f, n->ref);
	if (n->doc) {
		fputs(" (", f);
		esc_all(f, kind ? kind : "product");
		fputc(')', f);
	} else {
		fputs(" is not a registered product", f);
	}
	if (title) {
		fputs("\\n", f);
		esc(f, title, strlen(title), TEXT_MAX);
	}
	if (desc) {
		fputs("\\n", f);
		esc(f, desc, strlen(desc), TEXT_MAX);
	}
	rules_text(f, n->rules);
	fputs("\"];\n", f);
}

static const char *const sync_patterns[] = {"rest-api", "soa", "composite", "bff", NULL};
static const char *const bulk_patterns[] = {"batch", "cdc", NULL};

static int in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return 1;
	return 0;
}

static void write_edge(FILE *f, const struct graph *g, const struct gedge *e)
{
	const char *from = g->nodes[e->from].ref, *to = g->nodes[e->to].ref;

	fputs("  \"", f);
	esc_all(f, from);
	fputs("\" -> \"", f);
	esc_all(f, to);
	fputs("\" [", f);
	if (!e->pattern) {
		fputs("label=\"backend\", style=dotted, color=\"#8a8f98\", fontcolor=\"#5f6368\", "
		      "arrowhead=odiamond",
		      f);
	} else {
		fputs("label=\"", f);
		if (e->rules)
			fputs(WARN_SIGN, f);
		esc(f, e->pattern, strlen(e->pattern), 40);
		fputc('"', f);
		if (!strcmp(e->pattern, "point-to-point"))
			fputs(", style=bold, color=\"#d50000\", fontcolor=\"#d50000\", "
			      "penwidth=2.5",
			      f);
		else if (in_list(e->pattern, sync_patterns))
			fputs(", style=solid, color=\"#1f5fbf\"", f);
		else if (in_list(e->pattern, bulk_patterns))
			fputs(", style=dotted, color=\"#8a5a00\"", f);
		else
			fputs(", style=dashed, color=\"#2e7d32\"", f);
	}
	if (e->rules && (!e->pattern || strcmp(e->pattern, "point-to-point")))
		fputs(", fontcolor=\"#b3261e\", penwidth=2", f);
	fputs(", tooltip=\"", f);
	esc_all(f, from);
	fputs(" consumes ", f);
	esc_all(f, to);
	if (e->pattern) {
		fputs(" (", f);
		esc(f, e->pattern, strlen(e->pattern), 40);
		fputc(')', f);
	} else {
		fputs(" (backend)", f);
	}
	rules_text(f, e->rules);
	fputs("\"];\n", f);
}

static void write_cluster(FILE *f, const struct graph *g, size_t first, size_t end,
                          const struct graph_options *opt)
{
	const struct gnode *n = &g->nodes[first];
	const json_t *d = domain_doc(g, n->ref, n->dlen);
	const char *title = jstr(d, "spec", "title");

	fputs("  subgraph \"cluster_", f);
	esc(f, n->ref, n->dlen, (size_t)-1);
	fputs("\" {\n    label=\"", f);
	if (title) {
		esc(f, title, strlen(title), 60);
		fputs(" (", f);
	}
	esc(f, n->ref, n->dlen, (size_t)-1);
	fputs(title ? ")\";\n" : "\";\n", f);
	fputs("    style=\"rounded,filled\"; fillcolor=\"#f4f6f9\"; color=\"#c5ccd6\";\n", f);
	if (d && opt->domain_url) {
		fputs("    URL=\"", f);
		esc_all(f, opt->domain_url);
		esc(f, n->ref, n->dlen, (size_t)-1);
		fputs("\";\n", f);
	}
	for (size_t i = first; i < end; i++)
		if (g->nodes[i].keep)
			write_node(f, &g->nodes[i], opt);
	fputs("  }\n", f);
}

static void write_graph(FILE *f, const struct graph *g, const struct graph_options *opt)
{
	fputs("digraph landscape {\n"
	      "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, nodesep=0.25, "
	      "ranksep=0.9, newrank=true, bgcolor=\"transparent\", "
	      "tooltip=\"driveway landscape\"];\n"
	      "  node [fontname=\"Helvetica\", fontsize=10, style=filled, fillcolor=\"#ffffff\", "
	      "color=\"#5f6b7a\", margin=\"0.12,0.04\"];\n"
	      "  edge [fontname=\"Helvetica\", fontsize=8, arrowsize=0.7];\n",
	      f);
	for (size_t i = 0; i < g->nnodes;) {
		size_t end = i, kept = 0;

		while (end < g->nnodes && g->nodes[end].dlen == g->nodes[i].dlen &&
		       !strncmp(g->nodes[end].ref, g->nodes[i].ref, g->nodes[i].dlen)) {
			kept += g->nodes[end].keep != 0;
			end++;
		}
		if (kept)
			write_cluster(f, g, i, end, opt);
		i = end;
	}
	for (size_t i = 0; i < g->nedges; i++)
		if (g->edges[i].keep)
			write_edge(f, g, &g->edges[i]);
	fputs("}\n", f);
}

static void graph_release(struct graph *g)
{
	for (size_t i = 0; i < g->nnodes; i++)
		free(g->nodes[i].ref);
	free(g->nodes);
	free(g->edges);
	free(g->byends);
	free(g->domains);
}

static int build(struct graph *g, const json_t *landscape, const struct audit_report *report,
                 const struct graph_options *opt, struct dw_error *err)
{
	const json_t *products = jget(landscape, "products");
	int rc;

	if ((rc = collect_nodes(g, products)) || (rc = collect_edges(g, products)) ||
	    (rc = index_edges(g)) || (rc = index_domains(g, jget(landscape, "domains"))))
		return dw_error_set(err, rc, "out of memory drawing the landscape");
	mark_findings(g, report);
	if (!opt->domain) {
		for (size_t i = 0; i < g->nnodes; i++)
			g->nodes[i].keep = 1;
		for (size_t i = 0; i < g->nedges; i++)
			g->edges[i].keep = 1;
		return 0;
	}
	if (!select_domain(g, opt->domain) && !domain_doc(g, opt->domain, strlen(opt->domain)))
		return dw_error_set(err, DW_NOT_FOUND, "domain '%s' not found", opt->domain);
	return 0;
}

int graph_dot(const json_t *landscape, const struct audit_report *report,
              const struct graph_options *opt, char **out, size_t *len, size_t *nodes,
              struct dw_error *err)
{
	static const struct graph_options none = {0};
	struct graph g = {0};
	FILE *f;
	int rc;

	*out = NULL;
	*len = 0;
	if (!json_is_object(landscape))
		return dw_error_set(err, DW_INVALID, "landscape is not an object");
	if (!opt)
		opt = &none;
	rc = build(&g, landscape, report, opt, err);
	if (!rc) {
		f = open_memstream(out, len);
		if (!f) {
			rc = dw_error_set(err, DW_NOMEM, "out of memory drawing the landscape");
		} else {
			write_graph(f, &g, opt);
			if (ferror(f) | fclose(f)) {
				rc = dw_error_set(err, DW_NOMEM,
				                  "out of memory drawing the landscape");
				free(*out);
				*out = NULL;
				*len = 0;
			}
		}
	}
	if (!rc && nodes) {
		*nodes = 0;
		for (size_t i = 0; i < g.nnodes; i++)
			*nodes += g.nodes[i].keep != 0;
	}
	graph_release(&g);
	return rc;
}
