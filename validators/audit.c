/*
 * The governance audit's logic: the landscape read into arrays indexed by sorted product
 * reference (bsearch, no hashing), then one pass per rule family. Everything is O((products +
 * flows) log products) except composite overlap, which compares only composites that share a
 * backend (backends shared by more than OVERLAP_HUB composites are left to DW010).
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validators/advisor.h"
#include "validators/audit.h"
#include "validators/descriptor.h"

#define NONE SIZE_MAX
#define OVERLAP_HUB 1000 /* a backend listed by more composites is not used to find pairs */
#define MAX_CHAIN_SHOWN 16
#define MSG_MAX 4096

enum ptype {
	PT_API,
	PT_TOPIC,
	PT_TABLE,
	PT_COMPOSITE,
	PT_BFF,
	PT_SNAPSHOT,
	PT_ORCHESTRATOR,
	PT_ESB,
	PT_OTHER
};

static const char *const ptype_names[] = {"api", "topic",    "table",        "composite",
                                          "bff", "snapshot", "orchestrator", "esb"};

enum lifecycle { LC_EXPERIMENTAL, LC_PRODUCTION, LC_DEPRECATED };

enum {
	PF_SYNC = 1u, /* a request waits for the provider */
	PF_ASYNC = 2u,
	PF_INTERMEDIARY = 4u, /* a queue, broker or stream sits between the two (DW023) */
	PF_QUEUE = 8u,        /* queue or broker: no place for queries (DW016) */
	PF_STREAM = 16u,
	PF_CQRS = 32u,
	PF_P2P = 64u,
};

static const struct pattern {
	const char *name;
	unsigned flags;
} patterns[] = {
    {"rest-api", PF_SYNC},
    {"soa", PF_SYNC},
    {"composite", PF_SYNC},
    {"bff", PF_SYNC},
    {"point-to-point", PF_SYNC | PF_P2P},
    {"message-queue", PF_ASYNC | PF_INTERMEDIARY | PF_QUEUE},
    {"event-broker", PF_ASYNC | PF_INTERMEDIARY | PF_QUEUE},
    {"event-stream", PF_ASYNC | PF_INTERMEDIARY | PF_STREAM},
    {"cep", PF_ASYNC},
    {"batch", PF_ASYNC},
    {"cdc", PF_ASYNC},
    {"cqrs", PF_ASYNC | PF_CQRS},
    {"queue-load-leveling", PF_ASYNC | PF_INTERMEDIARY | PF_QUEUE},
};

struct product {
	const char *ref; /* "domain/name", owned by the audit (malloc'd) */
	const json_t *doc;
	const json_t *meta, *spec;
	size_t at;  /* index in the landscape's products array */
	size_t dom; /* index in audit.domains */
	enum ptype type;
	enum lifecycle lifecycle;
	double avail;        /* spec.sla.availability, -1 when not declared */
	char avail_text[24]; /* avail as chain messages show it: "99.9%" or "100% (no SLA)" */
	size_t f0, nf;       /* flows[f0 .. f0+nf) are this product's consumes entries */
	size_t b0, nb;       /* backs[b0 .. b0+nb) are its backends (product index or NONE) */
	size_t in_flows;     /* flows whose provider it is */
	size_t in_backends;  /* backend lists naming it */
};

struct flow {
	size_t consumer, provider; /* product indexes; provider NONE when unregistered */
	size_t index;              /* in the consumer's spec.consumes */
	unsigned pflags;           /* PF_*, 0 for an unknown pattern */
	const char *pattern;       /* borrowed, "" when missing */
	const char *provider_ref;  /* borrowed from the entry, "" when missing */
	const json_t *entry;
};

struct domain {
	const char *name; /* borrowed */
	size_t at;        /* in the landscape's domains array; NONE when only products name it */
};

struct suppression {
	const struct audit_rule *rule;
	const char *product, *flow; /* NULL when not restricted */
	int active;
};

struct audit {
	const json_t *land;
	const struct audit_config *cfg;
	const char *now;
	struct product *p;
	size_t np;
	struct flow *f;
	size_t nf;
	size_t *backs;
	size_t nbacks;
	struct domain *dom;
	size_t ndom;
	struct suppression *sup;
	size_t nsup;
	struct audit_findings *out;
	struct audit_report *report; /* owns the strings of findings */
	size_t sync_flows;
	int oom;
};

/* ---- small helpers ---- */

static const json_t *jget(const json_t *o, const char *key)
{
	return json_is_object(o) ? json_object_get(o, key) : NULL;
}

static const char *jstr(const json_t *o, const char *key)
{
	const json_t *v = jget(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int blank(const char *s)
{
	if (!s)
		return 1;
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

/* YYYY-MM-DD naming a real calendar day. */
static int date_ok(const char *s)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return 0;
	return 1;
}

static int ratio_text(char *buf, size_t size, double v)
{
	return snprintf(buf, size, "%.2f", floor(v * 100 + 1e-9) / 100);
}

/* An availability in percent, floored to 4 decimals (so "at most" stays true), no trailing
 * zeros: 99.85005 -> "99.85". */
static void percent_text(char *buf, size_t size, double v)
{
	size_t n;

	snprintf(buf, size, "%.4f", floor(v * 10000 + 1e-6) / 10000);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
}

/* A bounded text accumulator for messages: the rest is dropped, with "..." at the end.
 * LINE() declares one without zero-filling its buffer (they sit on hot paths). */
struct line {
	char s[MSG_MAX];
	size_t len;
};

#define LINE(name)                                                                                 \
	struct line name;                                                                          \
	name.len = 0;                                                                              \
	name.s[0] = '\0'

static void line_add(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void line_add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->len >= sizeof(l->s) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->s + l->len, sizeof(l->s) - l->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	l->len += (size_t)n;
	if (l->len >= sizeof(l->s) - 1) {
		l->len = sizeof(l->s) - 1;
		memcpy(l->s + sizeof(l->s) - 4, "...", 4);
	}
}

/* ---- findings ---- */

/* The report's strings and string lists live in chunks (one malloc per 256 KB rather than one
 * per string: a large landscape has millions of them). */
struct audit_chunk {
	struct audit_chunk *next;
	size_t used, size;
	max_align_t data[];
};

#define CHUNK_SIZE (256u * 1024u)

static void *arena_alloc(struct audit_report *r, size_t n)
{
	struct audit_chunk *c = r->arena;

	n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	if (!c || c->size - c->used < n) {
		size_t size = n > CHUNK_SIZE ? n : CHUNK_SIZE;

		c = malloc(sizeof(*c) + size);
		if (!c)
			return NULL;
		c->size = size;
		c->used = 0;
		c->next = r->arena;
		r->arena = c;
	}
	c->used += n;
	return (char *)c->data + c->used - n;
}

static char *arena_strdup(struct audit_report *r, const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = arena_alloc(r, n);

	if (d)
		memcpy(d, s, n);
	return d;
}

static int findings_push(struct audit_findings *l, const struct audit_finding *x)
{
	if (l->count == l->alloc) {
		size_t n = l->alloc ? l->alloc * 2 : 16;
		struct audit_finding *items = realloc(l->items, n * sizeof(*items));
		if (!items)
			return DW_NOMEM;
		l->items = items;
		l->alloc = n;
	}
	l->items[l->count++] = *x;
	return 0;
}

/* Appends a finding of rule located at loc's document (NULL: the landscape) and pointer.
 * Returns it (valid until the next emit) or NULL on out of memory (a->oom set). */
static struct audit_finding *emit(struct audit *a, enum audit_rule_id rule,
                                  const struct product *loc, const char *pointer, const char *fmt,
                                  ...) __attribute__((format(printf, 5, 6)));

static struct audit_finding *emit(struct audit *a, enum audit_rule_id rule,
                                  const struct product *loc, const char *pointer, const char *fmt,
                                  ...)
{
	struct audit_finding x = {0};
	struct line msg;
	va_list ap;

	if (a->oom)
		return NULL;
	msg.len = 0;
	msg.s[0] = '\0';
	va_start(ap, fmt);
	if (vsnprintf(msg.s, sizeof(msg.s), fmt, ap) >= (int)sizeof(msg.s))
		memcpy(msg.s + sizeof(msg.s) - 4, "...", 4);
	va_end(ap);
	x.rule = &audit_rules[rule];
	x.suppression = -1;
	x.product = loc ? arena_strdup(a->report, loc->ref) : NULL;
	x.pointer = arena_strdup(a->report, pointer ? pointer : "");
	x.message = arena_strdup(a->report, msg.s);
	if ((loc && !x.product) || !x.pointer || !x.message || findings_push(a->out, &x)) {
		a->oom = 1;
		return NULL;
	}
	return &a->out->items[a->out->count - 1];
}

/* Appends s (copied) to a string list that grows by doubling (in the arena: the old array is
 * left behind, at most as much again). */
static int strlist_add(struct audit *a, char ***list, size_t *n, const char *s)
{
	char *d;

	if (a->oom)
		return DW_NOMEM;
	if ((*n & (*n - 1)) == 0) { /* 0, 1, 2, 4...: full */
		char **l = arena_alloc(a->report, (*n ? *n * 2 : 1) * sizeof(*l));
		if (!l) {
			a->oom = 1;
			return DW_NOMEM;
		}
		if (*n)
			memcpy(l, *list, *n * sizeof(*l));
		*list = l;
	}
	d = arena_strdup(a->report, s);
	if (!d) {
		a->oom = 1;
		return DW_NOMEM;
	}
	(*list)[(*n)++] = d;
	return 0;
}

static void add_product(struct audit *a, struct audit_finding *x, const char *ref)
{
	if (x)
		strlist_add(a, &x->products, &x->nproducts, ref);
}

static void add_flow_id(struct audit *a, struct audit_finding *x, const char *consumer,
                        const char *provider)
{
	char id[512];

	if (!x)
		return;
	snprintf(id, sizeof(id), "%s->%s", consumer, provider);
	strlist_add(a, &x->flows, &x->nflows, id);
}

static void add_flow(struct audit *a, struct audit_finding *x, const struct flow *f)
{
	add_flow_id(a, x, a->p[f->consumer].ref, f->provider_ref);
}

static void flow_id(const struct audit *a, const struct flow *f, char *buf, size_t size)
{
	snprintf(buf, size, "%s->%s", a->p[f->consumer].ref, f->provider_ref);
}

static void flow_pointer(const struct flow *f, const char *suffix, char *buf, size_t size)
{
	snprintf(buf, size, "/spec/consumes/%zu%s", f->index, suffix ? suffix : "");
}

/* ---- reading the landscape ---- */

static int ref_cmp(const void *x, const void *y)
{
	return strcmp(((const struct product *)x)->ref, ((const struct product *)y)->ref);
}

static int ref_key_cmp(const void *key, const void *y)
{
	return strcmp(key, ((const struct product *)y)->ref);
}

static size_t product_find(const struct audit *a, const char *ref)
{
	const struct product *p;

	if (!ref || !a->np)
		return NONE;
	p = bsearch(ref, a->p, a->np, sizeof(*a->p), ref_key_cmp);
	return p ? (size_t)(p - a->p) : NONE;
}

static int dom_cmp(const void *x, const void *y)
{
	return strcmp(((const struct domain *)x)->name, ((const struct domain *)y)->name);
}

static int dom_key_cmp(const void *key, const void *y)
{
	return strcmp(key, ((const struct domain *)y)->name);
}

static size_t domain_find(const struct audit *a, const char *name)
{
	const struct domain *d;

	if (!name || !a->ndom)
		return NONE;
	d = bsearch(name, a->dom, a->ndom, sizeof(*a->dom), dom_key_cmp);
	return d ? (size_t)(d - a->dom) : NONE;
}

static enum ptype ptype_of(const char *s)
{
	for (size_t i = 0; s && i < sizeof(ptype_names) / sizeof(ptype_names[0]); i++)
		if (!strcmp(s, ptype_names[i]))
			return (enum ptype)i;
	return PT_OTHER;
}

static unsigned pattern_flags(const char *s)
{
	for (size_t i = 0; s && i < sizeof(patterns) / sizeof(patterns[0]); i++)
		if (!strcmp(s, patterns[i].name))
			return patterns[i].flags;
	return 0;
}

static int is_composite(const struct product *p)
{
	return p->type == PT_COMPOSITE || p->type == PT_BFF;
}

static int is_integrator(const struct product *p)
{
	return p->type == PT_ORCHESTRATOR || p->type == PT_ESB;
}

static int read_products(struct audit *a, const json_t *arr, struct dw_error *err)
{
	size_t i, n = json_array_size(arr);

	a->p = calloc(n ? n : 1, sizeof(*a->p));
	if (!a->p)
		return DW_NOMEM;
	for (i = 0; i < n; i++) {
		const json_t *doc = json_array_get(arr, i);
		const json_t *meta = jget(doc, "metadata"), *spec = jget(doc, "spec");
		const char *dom = jstr(meta, "domain"), *name = jstr(meta, "name");
		const char *lc = jstr(meta, "lifecycle");
		const json_t *av = jget(jget(spec, "sla"), "availability");
		struct product *p;
		size_t len;
		char *ref;

		if (!json_is_object(doc))
			return dw_error_set(err, DW_INVALID, "product %zu is not an object", i);
		if (!dom || !descriptor_slug_ok(dom) || !name || !descriptor_slug_ok(name))
			return dw_error_set(err, DW_INVALID,
			                    "product %zu has no valid metadata.domain and "
			                    "metadata.name",
			                    i);
		if (json_is_true(jget(jget(doc, "status"), "deleted")))
			continue;
		len = strlen(dom) + strlen(name) + 2;
		ref = malloc(len);
		if (!ref)
			return DW_NOMEM;
		snprintf(ref, len, "%s/%s", dom, name);
		p = &a->p[a->np++];
		p->ref = ref;
		p->doc = doc;
		p->meta = meta;
		p->spec = spec;
		p->at = i;
		p->type = ptype_of(jstr(spec, "type"));
		p->lifecycle = lc && !strcmp(lc, "production")   ? LC_PRODUCTION
		               : lc && !strcmp(lc, "deprecated") ? LC_DEPRECATED
		                                                 : LC_EXPERIMENTAL;
		p->avail =
		    json_is_number(av) && json_number_value(av) > 0 && json_number_value(av) <= 100
		        ? json_number_value(av)
		        : -1;
		if (p->avail > 0)
			snprintf(p->avail_text, sizeof(p->avail_text), "%g%%", p->avail);
		else
			snprintf(p->avail_text, sizeof(p->avail_text), "100%% (no SLA)");
	}
	qsort(a->p, a->np, sizeof(*a->p), ref_cmp);
	for (i = 1; i < a->np; i++)
		if (!strcmp(a->p[i - 1].ref, a->p[i].ref))
			return dw_error_set(err, DW_INVALID,
			                    "duplicate product '%s' (products %zu "
			                    "and %zu)",
			                    a->p[i].ref, a->p[i - 1].at, a->p[i].at);
	return 0;
}

static int read_domains(struct audit *a, const json_t *arr, struct dw_error *err)
{
	size_t i, j, n = json_array_size(arr);

	a->dom = calloc(n + a->np + 1, sizeof(*a->dom));
	if (!a->dom)
		return DW_NOMEM;
	for (i = 0; i < n; i++) {
		const json_t *doc = json_array_get(arr, i);
		const char *name = jstr(jget(doc, "metadata"), "name");

		if (!json_is_object(doc))
			return dw_error_set(err, DW_INVALID, "domain %zu is not an object", i);
		if (!name || !descriptor_slug_ok(name))
			return dw_error_set(err, DW_INVALID,
			                    "domain %zu has no valid metadata.name", i);
		a->dom[a->ndom++] = (struct domain){name, i};
	}
	for (i = 0; i < a->np; i++)
		a->dom[a->ndom++] = (struct domain){jstr(a->p[i].meta, "domain"), NONE};
	/* Sorted with registered domains before product-only mentions of the same name. */
	qsort(a->dom, a->ndom, sizeof(*a->dom), dom_cmp);
	for (i = 0, j = 0; i < a->ndom; i++) {
		if (j && !strcmp(a->dom[j - 1].name, a->dom[i].name)) {
			if (a->dom[j - 1].at != NONE && a->dom[i].at != NONE)
				return dw_error_set(err, DW_INVALID, "duplicate domain '%s'",
				                    a->dom[i].name);
			if (a->dom[j - 1].at == NONE)
				a->dom[j - 1].at = a->dom[i].at;
			continue;
		}
		a->dom[j++] = a->dom[i];
	}
	a->ndom = j;
	for (i = 0; i < a->np; i++)
		a->p[i].dom = domain_find(a, jstr(a->p[i].meta, "domain"));
	return 0;
}

static int read_flows(struct audit *a)
{
	size_t i, nf = 0, nb = 0;

	for (i = 0; i < a->np; i++) {
		nf += json_array_size(jget(a->p[i].spec, "consumes"));
		nb += json_array_size(jget(a->p[i].spec, "backends"));
	}
	a->f = calloc(nf ? nf : 1, sizeof(*a->f));
	a->backs = calloc(nb ? nb : 1, sizeof(*a->backs));
	if (!a->f || !a->backs)
		return DW_NOMEM;
	for (i = 0; i < a->np; i++) {
		struct product *p = &a->p[i];
		const json_t *cons = jget(p->spec, "consumes"), *backs = jget(p->spec, "backends");

		p->f0 = a->nf;
		for (size_t k = 0; k < json_array_size(cons); k++) {
			const json_t *e = json_array_get(cons, k);
			struct flow *f = &a->f[a->nf++];
			const char *pat = jstr(e, "pattern"), *prov = jstr(e, "product");

			f->consumer = i;
			f->index = k;
			f->entry = e;
			f->pattern = pat ? pat : "";
			f->pflags = pattern_flags(pat);
			f->provider_ref = prov ? prov : "";
			f->provider = product_find(a, prov);
			if (f->provider != NONE)
				a->p[f->provider].in_flows++;
			if (f->pflags & PF_SYNC)
				a->sync_flows++;
		}
		p->nf = a->nf - p->f0;
		p->b0 = a->nbacks;
		for (size_t k = 0; k < json_array_size(backs); k++) {
			const json_t *b = json_array_get(backs, k);
			size_t t = product_find(a, json_is_string(b) ? json_string_value(b) : NULL);

			a->backs[a->nbacks++] = t;
			if (t != NONE)
				a->p[t].in_backends++;
		}
		p->nb = a->nbacks - p->b0;
	}
	return 0;
}

/* ---- flow rules ---- */

static void rule_point_to_point(struct audit *a, const struct flow *f)
{
	const struct product *c = &a->p[f->consumer];
	const json_t *ex = jget(f->entry, "exception");
	const char *reason = jstr(ex, "reason"), *owner = jstr(ex, "owner");
	const char *review = jstr(ex, "reviewDate");
	struct audit_finding *x;
	char id[512], ptr[64];
	LINE(miss);

	flow_id(a, f, id, sizeof(id));
	if (blank(reason))
		line_add(&miss, "%sreason", miss.len ? ", " : "");
	if (blank(owner))
		line_add(&miss, "%sowner", miss.len ? ", " : "");
	if (!date_ok(review))
		line_add(&miss, "%sreviewDate", miss.len ? ", " : "");
	if (miss.len) {
		flow_pointer(f, json_is_object(ex) ? "/exception" : NULL, ptr, sizeof(ptr));
		if (!json_is_object(ex))
			x = emit(a, AUDIT_P2P_UNDOCUMENTED, c, ptr,
			         "point-to-point flow '%s' has no documented exception", id);
		else
			x = emit(a, AUDIT_P2P_UNDOCUMENTED, c, ptr,
			         "point-to-point flow '%s' has an incomplete exception: missing %s",
			         id, miss.s);
	} else if (strcmp(review, a->now) < 0) {
		flow_pointer(f, "/exception/reviewDate", ptr, sizeof(ptr));
		x = emit(a, AUDIT_P2P_REVIEW_OVERDUE, c, ptr,
		         "point-to-point exception of flow '%s' was due for review on %s "
		         "(now %s; owner '%s')",
		         id, review, a->now, owner);
	} else {
		return;
	}
	add_product(a, x, c->ref);
	add_product(a, x, f->provider_ref);
	add_flow(a, x, f);
}

static void rule_async_semantics(struct audit *a, const struct flow *f)
{
	const struct product *c = &a->p[f->consumer];
	const char *cons = jstr(f->entry, "consistency"), *inter = jstr(f->entry, "interaction");
	int strong = (f->pflags & PF_ASYNC) && cons && !strcmp(cons, "strong");
	int query = inter && !strcmp(inter, "query");
	struct audit_finding *x = NULL;
	char id[512], ptr[64];

	flow_id(a, f, id, sizeof(id));
	if (strong || (query && (f->pflags & PF_QUEUE))) {
		flow_pointer(f, strong ? "/consistency" : "/interaction", ptr, sizeof(ptr));
		x = emit(a, AUDIT_ASYNC_STRONG_QUERY, c, ptr, "flow '%s' %s%s%s through %s", id,
		         strong ? "requires strong consistency" : "",
		         strong && query && (f->pflags & PF_QUEUE) ? " and " : "",
		         query && (f->pflags & PF_QUEUE) ? "sends a query" : "", f->pattern);
		add_product(a, x, c->ref);
		add_product(a, x, f->provider_ref);
		add_flow(a, x, f);
	}
	if (query && (f->pflags & PF_STREAM) && c->type != PT_TABLE && c->type != PT_SNAPSHOT) {
		flow_pointer(f, "/interaction", ptr, sizeof(ptr));
		x = emit(a, AUDIT_STREAM_AS_DATABASE, c, ptr,
		         "%s '%s' queries current state from event stream '%s' without a "
		         "projection (a table or snapshot product) in between",
		         c->type == PT_OTHER ? "product" : ptype_names[c->type], c->ref,
		         f->provider_ref);
		add_product(a, x, c->ref);
		add_product(a, x, f->provider_ref);
		add_flow(a, x, f);
	}
}

static void rule_flow_misc(struct audit *a, const struct flow *f)
{
	const struct product *c = &a->p[f->consumer];
	const struct product *p = f->provider == NONE ? NULL : &a->p[f->provider];
	const json_t *lat = jget(f->entry, "latencyBudgetMs");
	const char *inter = jstr(f->entry, "interaction");
	struct audit_finding *x;
	char id[512], ptr[64];

	flow_id(a, f, id, sizeof(id));
	if (!p) {
		flow_pointer(f, "/product", ptr, sizeof(ptr));
		x = emit(a, AUDIT_DANGLING_FLOW, c, ptr,
		         "flow '%s' consumes '%s', which is not a registered product", id,
		         f->provider_ref);
		add_product(a, x, c->ref);
		add_flow(a, x, f);
	}
	if ((f->pflags & PF_CQRS) && blank(jstr(f->entry, "description"))) {
		flow_pointer(f, NULL, ptr, sizeof(ptr));
		x = emit(a, AUDIT_CQRS_UNJUSTIFIED, c, ptr,
		         "cqrs flow '%s' does not say in its description how read and write models "
		         "diverge",
		         id);
		add_product(a, x, c->ref);
		add_product(a, x, f->provider_ref);
		add_flow(a, x, f);
	}
	if ((f->pflags & PF_ASYNC) && !json_is_true(jget(f->entry, "idempotent"))) {
		const json_t *idem = jget(f->entry, "idempotent");

		flow_pointer(f, json_is_boolean(idem) ? "/idempotent" : NULL, ptr, sizeof(ptr));
		x = emit(a, AUDIT_NOT_IDEMPOTENT, c, ptr, "'%s' consumes '%s' through %s but %s",
		         c->ref, f->provider_ref, f->pattern,
		         json_is_boolean(idem) ? "declares idempotent: false"
		                               : "does not declare idempotent: true");
		add_product(a, x, c->ref);
		add_product(a, x, f->provider_ref);
		add_flow(a, x, f);
	}
	if ((f->pflags & PF_INTERMEDIARY) && json_is_integer(lat) &&
	    json_integer_value(lat) < a->cfg->min_intermediary_latency_ms) {
		flow_pointer(f, "/latencyBudgetMs", ptr, sizeof(ptr));
		x = emit(a, AUDIT_LATENCY_INTERMEDIARY, c, ptr,
		         "flow '%s' has a latency budget of %lld ms (under %lld ms) through %s", id,
		         (long long)json_integer_value(lat), a->cfg->min_intermediary_latency_ms,
		         f->pattern);
		add_product(a, x, c->ref);
		add_product(a, x, f->provider_ref);
		add_flow(a, x, f);
	}
	if (p && p->lifecycle == LC_DEPRECATED) {
		flow_pointer(f, "/product", ptr, sizeof(ptr));
		x = emit(a, AUDIT_DEPRECATED_CONSUMED, c, ptr,
		         "'%s' still consumes deprecated product '%s' (flow '%s')", c->ref, p->ref,
		         id);
		add_product(a, x, c->ref);
		add_product(a, x, p->ref);
		add_flow(a, x, f);
	}
	if (p && p->type == PT_ORCHESTRATOR && inter && !strcmp(inter, "query")) {
		flow_pointer(f, "/interaction", ptr, sizeof(ptr));
		x = emit(a, AUDIT_ORCHESTRATOR_READ, c, ptr,
		         "orchestrator '%s' is on a read path: '%s' queries it (flow '%s')", p->ref,
		         c->ref, id);
		add_product(a, x, p->ref);
		add_product(a, x, c->ref);
		add_flow(a, x, f);
	}
}

static void rule_pattern_mismatch(struct audit *a, const struct flow *f)
{
	const struct product *c = &a->p[f->consumer];
	const struct advisor_row *row = NULL;
	struct advisor_input in;
	struct audit_finding *x;
	LINE(matched);
	unsigned held;
	char id[512], ptr[64];
	size_t slash;

	if (!f->pflags || advisor_input_from_json(&in, f->entry, "", NULL) != 0)
		return; /* an entry the advisor cannot read: descriptor validation reports it */
	slash = strcspn(f->provider_ref, "/");
	in.cross_domain = strlen(c->ref) <= slash || strncmp(c->ref, f->provider_ref, slash) ||
	                  c->ref[slash] != '/';
	if (!advisor_check(&in, &row) || !row)
		return;
	held = advisor_facts(&in) & row->need;
	for (unsigned bit = 1; bit && bit < (1u << ADV_F_COUNT); bit <<= 1)
		if (held & bit)
			line_add(&matched, "%s%s", matched.len ? ", " : "", advisor_fact_name(bit));
	flow_id(a, f, id, sizeof(id));
	flow_pointer(f, "/pattern", ptr, sizeof(ptr));
	x = emit(a, AUDIT_PATTERN_MISMATCH, c, ptr,
	         "flow '%s' declares %s but its constraints (%s) call for %s (advisor %s: %s): %s",
	         id, f->pattern, matched.len ? matched.s : "none", row->pattern, row->id,
	         row->key_reason, row->rationale);
	add_product(a, x, c->ref);
	add_product(a, x, f->provider_ref);
	add_flow(a, x, f);
}

/* ---- product rules ---- */

static void rule_composite(struct audit *a, const struct product *p)
{
	const json_t *contract = jget(p->spec, "contract");
	const char *format = jstr(contract, "format");
	const json_t *versions = jget(jget(p->doc, "status"), "versions");
	const char *kind = ptype_names[p->type];
	struct audit_finding *x = NULL;

	if (!format)
		x = emit(a, AUDIT_COMPOSITE_NO_CONTRACT, p, "/spec",
		         "%s '%s' has no contract (spec.contract.format openapi)", kind, p->ref);
	else if (strcmp(format, "openapi"))
		x = emit(a, AUDIT_COMPOSITE_NO_CONTRACT, p, "/spec/contract/format",
		         "%s '%s' declares a %s contract, not openapi", kind, p->ref, format);
	else if (json_is_integer(versions) && json_integer_value(versions) == 0)
		x = emit(a, AUDIT_COMPOSITE_NO_CONTRACT, p, "/spec/contract",
		         "%s '%s' declares an openapi contract but has no registered version", kind,
		         p->ref);
	add_product(a, x, p->ref);
	if (!p->nb) {
		x = emit(a, AUDIT_COMPOSITE_NO_BACKENDS, p, "/spec", "%s '%s' declares no backends",
		         kind, p->ref);
		add_product(a, x, p->ref);
	}
}

static void rule_backends(struct audit *a, const struct product *p)
{
	const json_t *backs = jget(p->spec, "backends");
	char ptr[64];

	for (size_t k = 0; k < p->nb; k++) {
		const json_t *b = json_array_get(backs, k);
		const char *ref = json_is_string(b) ? json_string_value(b) : "";
		size_t t = a->backs[p->b0 + k];
		struct audit_finding *x;

		snprintf(ptr, sizeof(ptr), "/spec/backends/%zu", k);
		if (t == NONE) {
			x = emit(a, AUDIT_BACKEND_UNREGISTERED, p, ptr,
			         "backend '%s' of %s '%s' is not a registered product", ref,
			         p->type == PT_OTHER ? "product" : ptype_names[p->type], p->ref);
			add_product(a, x, p->ref);
			add_flow_id(a, x, p->ref, ref);
		} else if (a->p[t].lifecycle == LC_DEPRECATED) {
			x = emit(a, AUDIT_DEPRECATED_CONSUMED, p, ptr,
			         "'%s' still lists deprecated product '%s' as a backend", p->ref,
			         ref);
			add_product(a, x, p->ref);
			add_product(a, x, ref);
			add_flow_id(a, x, p->ref, ref);
		}
	}
}

static int str_ptr_cmp(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Sorts refs and removes duplicates; returns the new count. */
static size_t refs_unique(const char **refs, size_t n)
{
	size_t j = 0;

	qsort(refs, n, sizeof(*refs), str_ptr_cmp);
	for (size_t i = 0; i < n; i++)
		if (!j || strcmp(refs[j - 1], refs[i]))
			refs[j++] = refs[i];
	return j;
}

static void rule_integrator(struct audit *a, const struct product *p)
{
	const json_t *backs = jget(p->spec, "backends");
	size_t n = 0, nd = 0, own = strlen(jstr(p->meta, "domain"));
	const char **refs = malloc((p->nb + p->nf + 1) * sizeof(*refs));
	const char **doms = malloc((p->nb + 1) * sizeof(*doms));
	struct audit_finding *x;
	LINE(list);

	if (!refs || !doms) {
		free(refs);
		free(doms);
		a->oom = 1;
		return;
	}
	for (size_t k = 0; k < p->nb; k++) {
		const json_t *b = json_array_get(backs, k);
		const char *ref = json_is_string(b) ? json_string_value(b) : NULL;

		if (!ref)
			continue;
		refs[n++] = ref;
		if (strncmp(ref, p->ref, own + 1)) /* "domain/" differs */
			doms[nd++] = ref;
	}
	for (size_t k = 0; k < p->nf; k++)
		if (*a->f[p->f0 + k].provider_ref)
			refs[n++] = a->f[p->f0 + k].provider_ref;
	n = refs_unique(refs, n);
	if (n > (size_t)a->cfg->max_integrator_fan_out) {
		for (size_t k = 0; k < n; k++)
			line_add(&list, "%s%s", k ? ", " : "", refs[k]);
		x = emit(a, AUDIT_INTEGRATOR_FAN_OUT, p, "/spec",
		         "%s '%s' depends on %zu products (more than %lld): %s",
		         ptype_names[p->type], p->ref, n, a->cfg->max_integrator_fan_out, list.s);
		add_product(a, x, p->ref);
		for (size_t k = 0; k < n; k++)
			add_product(a, x, refs[k]);
	}
	/* Distinct foreign domains: sort the foreign refs by text, count domain prefixes. */
	qsort(doms, nd, sizeof(*doms), str_ptr_cmp);
	{
		size_t nfd = 0;

		list.len = 0;
		list.s[0] = '\0';
		for (size_t k = 0; k < nd; k++) {
			size_t dl = strcspn(doms[k], "/");

			if (k && strcspn(doms[k - 1], "/") == dl &&
			    !strncmp(doms[k - 1], doms[k], dl))
				continue;
			line_add(&list, "%s%.*s", nfd ? ", " : "", (int)dl, doms[k]);
			nfd++;
		}
		if (nfd >= (size_t)a->cfg->integrator_foreign_domains &&
		    p->in_flows + p->in_backends > 0) {
			x = emit(a, AUDIT_INTEGRATOR_FOREIGN, p, "/spec/backends",
			         "%s '%s' re-exposes contracts of %zu other domains (%s) to its "
			         "%zu consumers",
			         ptype_names[p->type], p->ref, nfd, list.s,
			         p->in_flows + p->in_backends);
			add_product(a, x, p->ref);
			for (size_t k = 0; k < nd; k++)
				add_product(a, x, doms[k]);
		}
	}
	if (p->type == PT_ORCHESTRATOR && p->nb == 1) {
		const char *only = json_string_value(json_array_get(backs, 0));

		x = emit(a, AUDIT_ORCHESTRATOR_SINGLE, p, "/spec/backends",
		         "orchestrator '%s' orchestrates a single service ('%s')", p->ref,
		         only ? only : "");
		add_product(a, x, p->ref);
		if (only)
			add_product(a, x, only);
	}
	free(refs);
	free(doms);
}

/* The topic of topic product p: its spec.topic, by default "<domain>.<name>". */
static void product_topic(const struct product *p, char *buf, size_t size)
{
	const char *topic = jstr(p->spec, "topic");

	if (topic)
		snprintf(buf, size, "%s", topic);
	else
		snprintf(buf, size, "%s.%s", jstr(p->meta, "domain"), jstr(p->meta, "name"));
}

static int unclaimed_tagged(const struct product *p)
{
	const json_t *tags = jget(p->meta, "tags"), *t;
	size_t i;

	json_array_foreach(tags, i,
	                   t) if (json_is_string(t) &&
	                          !strcmp(json_string_value(t), AUDIT_UNCLAIMED_TAG)) return 1;
	return 0;
}

/* 1 when topic product q (not a landing one) claims the subject of landing product p: the
 * subject q declares (spec.subject) is p's, or q declares none and its topic-name strategy
 * subject ("<topic>-value", "<topic>-key" for a product named "...-key") is; for a landing
 * product that records no subject (written before they did), q's topic is p's. */
static int claims(const struct product *q, const struct product *p)
{
	const char *subject = jstr(p->spec, "subject"), *topic = jstr(p->spec, "topic");
	const char *declared = jstr(q->spec, "subject"), *name = jstr(q->meta, "name");
	size_t n = name ? strlen(name) : 0;
	char other[512];

	if (declared)
		return subject && !strcmp(declared, subject);
	product_topic(q, other, sizeof(other));
	if (!subject)
		return topic && !strcmp(other, topic);
	strncat(other, n > 4 && !strcmp(name + n - 4, "-key") ? "-key" : "-value",
	        sizeof(other) - strlen(other) - 1);
	return !strcmp(other, subject);
}

/* DW031: a product the Confluent-compatible API created for a subject, while no topic product
 * (one not so tagged) claims it. */
static void rule_unclaimed(struct audit *a, const struct product *p)
{
	const char *topic = jstr(p->spec, "topic"), *subject = jstr(p->spec, "subject");
	struct audit_finding *x;

	if (!unclaimed_tagged(p))
		return;
	for (size_t i = 0; i < a->np; i++) {
		const struct product *q = &a->p[i];

		if (q != p && q->type == PT_TOPIC && !unclaimed_tagged(q) && claims(q, p))
			return;
	}
	if (topic && subject)
		x = emit(a, AUDIT_UNCLAIMED_SUBJECT, p, "/metadata/tags",
		         "'%s' was registered through the Confluent-compatible API and no data "
		         "product claims topic '%s' (subject '%s')",
		         p->ref, topic, subject);
	else if (topic || subject)
		x = emit(a, AUDIT_UNCLAIMED_SUBJECT, p, "/metadata/tags",
		         "'%s' was registered through the Confluent-compatible API and no data "
		         "product claims %s '%s'",
		         p->ref, topic ? "topic" : "subject", topic ? topic : subject);
	else
		x = emit(a, AUDIT_UNCLAIMED_SUBJECT, p, "/metadata/tags",
		         "'%s' was registered through the Confluent-compatible API and no data "
		         "product claims its subject",
		         p->ref);
	add_product(a, x, p->ref);
}

static void rule_product(struct audit *a, const struct product *p)
{
	const json_t *sla = jget(p->spec, "sla");
	const char *compat = jstr(p->spec, "compatibility");
	struct audit_finding *x;

	if (is_composite(p))
		rule_composite(a, p);
	rule_backends(a, p);
	if (is_integrator(p))
		rule_integrator(a, p);
	if ((is_composite(p) || p->lifecycle == LC_PRODUCTION) && blank(jstr(p->meta, "owner"))) {
		x = emit(a, AUDIT_NO_OWNER, p, "/metadata/owner", "%s '%s' has no owner",
		         p->lifecycle == LC_PRODUCTION ? "production product"
		                                       : ptype_names[p->type],
		         p->ref);
		add_product(a, x, p->ref);
	}
	if (p->lifecycle == LC_PRODUCTION && json_object_size(sla) == 0) {
		x = emit(a, AUDIT_NO_SLA, p, sla ? "/spec/sla" : "/spec",
		         "production product '%s' declares no SLA", p->ref);
		add_product(a, x, p->ref);
	}
	if (p->type == PT_TOPIC && p->in_flows >= (size_t)a->cfg->topic_min_consumers &&
	    (!compat || !strcmp(compat, "NONE"))) {
		x = emit(a, AUDIT_TOPIC_NO_COMPAT, p, compat ? "/spec/compatibility" : "/spec",
		         "topic '%s' has %zu consumer flows but %s", p->ref, p->in_flows,
		         compat ? "compatibility NONE" : "no compatibility mode");
		add_product(a, x, p->ref);
		for (size_t i = 0; i < a->nf && x; i++) /* consumers, in reference order */
			if (a->f[i].provider == (size_t)(p - a->p)) {
				add_product(a, x, a->p[a->f[i].consumer].ref);
				add_flow(a, x, &a->f[i]);
			}
	}
	rule_unclaimed(a, p);
	if (p->lifecycle == LC_PRODUCTION && !p->in_flows && !p->in_backends && !p->nf && !p->nb) {
		x = emit(a, AUDIT_ORPHAN, p, "",
		         "production product '%s' is consumed by nothing and consumes nothing",
		         p->ref);
		add_product(a, x, p->ref);
	}
}

/* ---- domain rules: direct fan-out and density ---- */

static int u64_cmp(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return a < b ? -1 : a > b;
}

static void rule_domains(struct audit *a)
{
	uint64_t *pairs = malloc((a->nf + 1) * sizeof(*pairs));
	size_t *first = malloc((a->ndom + 1) * sizeof(*first));
	size_t n = 0, j = 0;

	if (!pairs || !first) {
		free(pairs);
		free(first);
		a->oom = 1;
		return;
	}
	/* A domain's products are contiguous in reference order (they share "domain/"). */
	for (size_t d = 0; d < a->ndom; d++)
		first[d] = NONE;
	for (size_t i = a->np; i-- > 0;)
		first[a->p[i].dom] = i;
	for (size_t i = 0; i < a->nf; i++) {
		const struct flow *f = &a->f[i];
		size_t cd = a->p[f->consumer].dom, pd;

		if (!(f->pflags & PF_SYNC) || f->provider == NONE)
			continue;
		pd = a->p[f->provider].dom;
		if (cd != pd)
			pairs[n++] = ((uint64_t)cd << 32) | (uint64_t)pd;
	}
	qsort(pairs, n, sizeof(*pairs), u64_cmp);
	for (size_t i = 0; i < n; i++)
		if (!j || pairs[j - 1] != pairs[i])
			pairs[j++] = pairs[i];
	n = j;
	for (size_t i = 0; i < n;) {
		size_t cd = (size_t)(pairs[i] >> 32), e = i;
		struct audit_finding *x;
		LINE(list);
		char ptr[64];

		while (e < n && (size_t)(pairs[e] >> 32) == cd)
			e++;
		if (e - i > (size_t)a->cfg->max_direct_fan_out) {
			for (size_t k = i; k < e; k++)
				line_add(&list, "%s%s", k > i ? ", " : "",
				         a->dom[(size_t)(pairs[k] & 0xffffffffu)].name);
			if (a->dom[cd].at != NONE)
				snprintf(ptr, sizeof(ptr), "/domains/%zu", a->dom[cd].at);
			else
				ptr[0] = '\0';
			x = emit(a, AUDIT_DIRECT_FAN_OUT, NULL, ptr,
			         "domain '%s' reaches %zu other domains by synchronous flows (more "
			         "than %lld): %s",
			         a->dom[cd].name, e - i, a->cfg->max_direct_fan_out, list.s);
			for (size_t k = first[cd]; k < a->np && x && a->p[k].dom == cd; k++) {
				const struct product *p = &a->p[k];
				int named = 0;

				for (size_t m = p->f0; m < p->f0 + p->nf; m++) {
					const struct flow *f = &a->f[m];

					if (!(f->pflags & PF_SYNC) || f->provider == NONE ||
					    a->p[f->provider].dom == cd)
						continue;
					if (!named++)
						add_product(a, x, p->ref);
					add_flow(a, x, f);
				}
			}
		}
		i = e;
	}
	if (a->ndom >= (size_t)a->cfg->density_min_domains && a->ndom >= 2) {
		double pairs_all = (double)a->ndom * (double)(a->ndom - 1);
		double density = (double)n / pairs_all;
		char d[32], t[32];

		if (density > a->cfg->max_direct_density + 1e-12) {
			ratio_text(d, sizeof(d), density);
			snprintf(t, sizeof(t), "%g", a->cfg->max_direct_density);
			emit(a, AUDIT_DIRECT_DENSITY, NULL, "",
			     "direct-edge density %s (%zu direct domain edges / (%zu x %zu) "
			     "ordered domain pairs) is above %s",
			     d, n, a->ndom, a->ndom - 1, t);
		}
	}
	free(pairs);
	free(first);
}

/* ---- composite sprawl ---- */

static int size_cmp(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	return a < b ? -1 : a > b;
}

/* Composite c's registered backends, sorted and unique, into set; returns the count. */
static size_t backend_set(const struct audit *a, const struct product *c, size_t *set)
{
	size_t n = 0, j = 0;

	for (size_t k = 0; k < c->nb; k++)
		if (a->backs[c->b0 + k] != NONE)
			set[n++] = a->backs[c->b0 + k];
	qsort(set, n, sizeof(*set), size_cmp);
	for (size_t k = 0; k < n; k++)
		if (!j || set[j - 1] != set[k])
			set[j++] = set[k];
	return j;
}

static void report_overlap(struct audit *a, size_t ci, size_t di, const size_t *sa, size_t na,
                           const size_t *sb, size_t nb, size_t inter)
{
	const struct product *c = &a->p[ci], *d = &a->p[di];
	size_t uni = na + nb - inter, i = 0, j = 0;
	double jac = (double)inter / (double)uni;
	LINE(list);
	struct audit_finding *x;
	char js[32];

	if (jac + 1e-12 < a->cfg->composite_overlap)
		return;
	while (i < na && j < nb) {
		if (sa[i] == sb[j]) {
			line_add(&list, "%s%s", list.len ? ", " : "", a->p[sa[i]].ref);
			i++, j++;
		} else if (sa[i] < sb[j]) {
			i++;
		} else {
			j++;
		}
	}
	snprintf(js, sizeof(js), "%.2f", floor(jac * 100 + 1e-9) / 100);
	x = emit(a, AUDIT_COMPOSITE_OVERLAP, c, "/spec/backends",
	         "'%s' and '%s' share %zu of %zu distinct backends (Jaccard %s, threshold %g): %s",
	         c->ref, d->ref, inter, uni, js, a->cfg->composite_overlap, list.s);
	add_product(a, x, c->ref);
	add_product(a, x, d->ref);
}

static void rule_composites(struct audit *a)
{
	size_t *cnt = calloc(a->np + 1, sizeof(*cnt)), *start = calloc(a->np + 2, sizeof(*start));
	size_t *users = malloc((a->nbacks + 1) * sizeof(*users));
	size_t *sa = malloc((a->nbacks + 1) * sizeof(*sa)), *sb = NULL;
	size_t *shared = calloc(a->np + 1, sizeof(*shared)), *touched = NULL;

	sb = malloc((a->nbacks + 1) * sizeof(*sb));
	touched = malloc((a->np + 1) * sizeof(*touched));
	if (!cnt || !start || !users || !sa || !sb || !shared || !touched) {
		a->oom = 1;
		goto out;
	}
	/* Inverted index backend -> composites listing it (each once), as CSR arrays. */
	for (size_t ci = 0; ci < a->np; ci++) {
		size_t n;

		if (!is_composite(&a->p[ci]))
			continue;
		n = backend_set(a, &a->p[ci], sa);
		for (size_t k = 0; k < n; k++)
			cnt[sa[k]]++;
	}
	for (size_t b = 0; b < a->np; b++)
		start[b + 1] = start[b] + cnt[b];
	memset(cnt, 0, (a->np + 1) * sizeof(*cnt));
	for (size_t ci = 0; ci < a->np; ci++) {
		size_t n;

		if (!is_composite(&a->p[ci]))
			continue;
		n = backend_set(a, &a->p[ci], sa);
		for (size_t k = 0; k < n; k++)
			users[start[sa[k]] + cnt[sa[k]]++] = ci;
	}
	for (size_t b = 0; b < a->np; b++) {
		struct audit_finding *x;
		LINE(list);

		if (cnt[b] <= (size_t)a->cfg->max_composites_per_backend)
			continue;
		for (size_t k = start[b]; k < start[b + 1]; k++)
			line_add(&list, "%s%s", k > start[b] ? ", " : "", a->p[users[k]].ref);
		x = emit(a, AUDIT_COMPOSITE_PILE_UP, &a->p[b], "",
		         "'%s' is aggregated by %zu composites/BFFs (more than %lld): %s",
		         a->p[b].ref, cnt[b], a->cfg->max_composites_per_backend, list.s);
		add_product(a, x, a->p[b].ref);
		for (size_t k = start[b]; k < start[b + 1]; k++)
			add_product(a, x, a->p[users[k]].ref);
	}
	/* Pairs: for each composite, count shared backends with every later composite met
	 * through a (non-hub) backend, then compute the exact Jaccard index. */
	for (size_t ci = 0; ci < a->np; ci++) {
		size_t na, nt = 0;

		if (!is_composite(&a->p[ci]))
			continue;
		na = backend_set(a, &a->p[ci], sa);
		for (size_t k = 0; k < na; k++) {
			size_t b = sa[k];

			if (cnt[b] > OVERLAP_HUB)
				continue;
			for (size_t u = start[b]; u < start[b + 1]; u++) {
				size_t di = users[u];

				if (di <= ci)
					continue;
				if (!shared[di]++)
					touched[nt++] = di;
			}
		}
		qsort(touched, nt, sizeof(*touched), size_cmp);
		for (size_t t = 0; t < nt; t++) {
			size_t di = touched[t], nb = backend_set(a, &a->p[di], sb), inter = 0;
			size_t i = 0, j = 0;

			while (i < na && j < nb) { /* exact, hubs included */
				if (sa[i] == sb[j])
					inter++, i++, j++;
				else if (sa[i] < sb[j])
					i++;
				else
					j++;
			}
			report_overlap(a, ci, di, sa, na, sb, nb, inter);
			shared[di] = 0;
		}
	}
out:
	free(cnt);
	free(start);
	free(users);
	free(sa);
	free(sb);
	free(shared);
	free(touched);
}

/* ---- the synchronous call graph: cycles and chain availability ---- */

struct edge {
	size_t to;
	size_t at;   /* flow index, or backend position in the consumer's spec.backends */
	int backend; /* 1: from spec.backends of a composite/BFF */
};

struct graph {
	struct edge *e;
	size_t *start; /* edges of node v: e[start[v] .. start[v+1]) */
	size_t *scc;   /* component id per node */
	double *w;     /* worst chain availability from the node, as a fraction */
	size_t *next;  /* the next node on that worst chain, NONE at its end */
	size_t *len;   /* products on that chain, the node included */
};

static int edge_cmp(const void *x, const void *y)
{
	const struct edge *a = x, *b = y;

	if (a->to != b->to)
		return a->to < b->to ? -1 : 1;
	return a->backend - b->backend; /* flows before backends: they have a flow entry */
}

static int graph_build(struct audit *a, struct graph *g)
{
	size_t ne = 0;

	g->start = calloc(a->np + 1, sizeof(*g->start));
	g->e = malloc((a->nf + a->nbacks + 1) * sizeof(*g->e));
	g->scc = malloc((a->np + 1) * sizeof(*g->scc));
	g->w = malloc((a->np + 1) * sizeof(*g->w));
	g->next = malloc((a->np + 1) * sizeof(*g->next));
	g->len = malloc((a->np + 1) * sizeof(*g->len));
	if (!g->start || !g->e || !g->scc || !g->w || !g->next || !g->len)
		return DW_NOMEM;
	for (size_t v = 0; v < a->np; v++) {
		const struct product *p = &a->p[v];
		size_t s = ne, j = s;

		g->start[v] = s;
		for (size_t k = 0; k < p->nf; k++) {
			const struct flow *f = &a->f[p->f0 + k];

			if ((f->pflags & PF_SYNC) && f->provider != NONE && f->provider != v)
				g->e[ne++] = (struct edge){f->provider, p->f0 + k, 0};
		}
		for (size_t k = 0; is_composite(p) && k < p->nb; k++) {
			size_t t = a->backs[p->b0 + k];

			if (t != NONE && t != v)
				g->e[ne++] = (struct edge){t, k, 1};
		}
		qsort(g->e + s, ne - s, sizeof(*g->e), edge_cmp);
		for (size_t k = s; k < ne; k++)
			if (k == s || g->e[j - 1].to != g->e[k].to)
				g->e[j++] = g->e[k];
		ne = j;
	}
	g->start[a->np] = ne;
	return 0;
}

static void graph_release(struct graph *g)
{
	free(g->e);
	free(g->start);
	free(g->scc);
	free(g->w);
	free(g->next);
	free(g->len);
}

static void edge_pointer(const struct audit *a, const struct edge *e, char *buf, size_t size)
{
	if (e->backend)
		snprintf(buf, size, "/spec/backends/%zu", e->at);
	else
		flow_pointer(&a->f[e->at], NULL, buf, size);
}

static const struct edge *edge_find(const struct graph *g, size_t from, size_t to)
{
	for (size_t k = g->start[from]; k < g->start[from + 1]; k++)
		if (g->e[k].to == to)
			return &g->e[k];
	return NULL;
}

/* Reports the component members[0..n) (n >= 2): one cycle through its smallest member, found
 * by breadth-first search inside the component, then the other members. */
static void report_cycle(struct audit *a, const struct graph *g, const size_t *members, size_t n,
                         size_t *parent, size_t *queue)
{
	size_t root = members[0], head = 0, tail = 0, last = NONE, len = 0;
	size_t comp = g->scc[root];
	LINE(msg);
	struct audit_finding *x;
	size_t *cyc;
	char ptr[64];

	for (size_t i = 1; i < n; i++)
		if (members[i] < root)
			root = members[i];
	for (size_t i = 0; i < n; i++)
		parent[members[i]] = NONE;
	queue[tail++] = root;
	while (head < tail && last == NONE) {
		size_t v = queue[head++];

		for (size_t k = g->start[v]; k < g->start[v + 1]; k++) {
			size_t t = g->e[k].to;

			if (g->scc[t] != comp)
				continue;
			if (t == root) {
				last = v;
				break;
			}
			if (parent[t] == NONE) {
				parent[t] = v;
				queue[tail++] = t;
			}
		}
	}
	/* The path root -> ... -> last, read backwards through parent. */
	cyc = queue; /* the queue is no longer needed */
	for (size_t v = last; v != NONE && v != root; v = parent[v])
		cyc[len++] = v;
	cyc[len++] = root;
	for (size_t i = 0; i < len / 2; i++) {
		size_t t = cyc[i];
		cyc[i] = cyc[len - 1 - i];
		cyc[len - 1 - i] = t;
	}
	for (size_t i = 0; i < len; i++)
		line_add(&msg, "%s -> ", a->p[cyc[i]].ref);
	line_add(&msg, "%s", a->p[root].ref);
	edge_pointer(a, edge_find(g, root, len > 1 ? cyc[1] : root), ptr, sizeof(ptr));
	if (n > len)
		x = emit(a, AUDIT_SYNC_CYCLE, &a->p[root], ptr,
		         "synchronous call cycle %s (%zu products are mutually dependent)", msg.s,
		         n);
	else
		x = emit(a, AUDIT_SYNC_CYCLE, &a->p[root], ptr, "synchronous call cycle %s", msg.s);
	for (size_t i = 0; i < len; i++) {
		add_product(a, x, a->p[cyc[i]].ref);
		add_flow_id(a, x, a->p[cyc[i]].ref, a->p[cyc[(i + 1) % len]].ref);
	}
	for (size_t i = 0; i < n; i++) {
		int listed = 0;

		for (size_t k = 0; k < len && !listed; k++)
			listed = cyc[k] == members[i];
		if (!listed)
			add_product(a, x, a->p[members[i]].ref);
	}
}

/* The worst chain of every member of a finished component: its children outside the
 * component are finished already (Tarjan emits components in reverse topological order). */
static void chain_values(struct audit *a, struct graph *g, const size_t *members, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t v = members[i];
		double own = a->p[v].avail > 0 ? a->p[v].avail / 100.0 : 1.0, worst = 1.0;

		g->next[v] = NONE;
		for (size_t k = g->start[v]; k < g->start[v + 1]; k++) {
			size_t t = g->e[k].to;

			if (g->scc[t] == g->scc[v])
				continue;
			if (g->next[v] == NONE || g->w[t] < worst) {
				worst = g->w[t];
				g->next[v] = t;
			}
		}
		g->w[v] = own * worst;
		g->len[v] = 1 + (g->next[v] == NONE ? 0 : g->len[g->next[v]]);
	}
}

/* Reports v's declared availability when its worst chain cannot deliver it. The message, the
 * products and the flows follow the chain for MAX_CHAIN_SHOWN products at most (so the report
 * stays linear in the landscape), the message counting the rest. */
static void report_chain(struct audit *a, const struct graph *g, size_t v)
{
	const struct product *p = &a->p[v];
	LINE(chain);
	LINE(factors);
	struct audit_finding *x;
	char got[32];
	size_t hops, u;

	/* The chain below v bounds what v can deliver even if v itself never fails: the
	 * declaration cannot be met exactly when that bound is below it. (Counting v's own
	 * declared figure too would flag every product with any dependency under 100%.) */
	if (p->avail <= 0 || g->next[v] == NONE || g->w[g->next[v]] * 100.0 >= p->avail - 1e-9)
		return;
	for (u = v, hops = 0; u != NONE && hops < MAX_CHAIN_SHOWN; u = g->next[u], hops++) {
		line_add(&chain, "%s%s", hops ? " -> " : "", a->p[u].ref);
		if (hops)
			line_add(&factors, "%s%s", hops > 1 ? " x " : "", a->p[u].avail_text);
	}
	if (u != NONE) {
		line_add(&chain, " -> ... (%zu more)", g->len[u]);
		line_add(&factors, " x ... (%zu more)", g->len[u]);
	}
	percent_text(got, sizeof(got), g->w[g->next[v]] * 100.0);
	x = emit(a, AUDIT_SYNC_CHAIN_SLA, p,
	         jget(jget(p->spec, "sla"), "availability") ? "/spec/sla/availability"
	                                                    : "/spec/sla",
	         "%s declares %g%% but its sync chain %s can deliver at most %s%% (%s) even if %s "
	         "itself never fails",
	         p->ref, p->avail, chain.s, got, factors.s, p->ref);
	if (!x)
		return;
	/* Sized once: chains are the bulk of a large landscape's findings. */
	hops = g->len[v] < MAX_CHAIN_SHOWN ? g->len[v] : MAX_CHAIN_SHOWN;
	x->products = arena_alloc(a->report, hops * sizeof(*x->products));
	x->flows = arena_alloc(a->report, hops * sizeof(*x->flows));
	if (!x->products || !x->flows) {
		a->oom = 1;
		return;
	}
	for (u = v; u != NONE && x->nproducts < hops && !a->oom; u = g->next[u]) {
		char id[512];

		if (!(x->products[x->nproducts++] = arena_strdup(a->report, a->p[u].ref)))
			a->oom = 1;
		if (g->next[u] == NONE || x->nproducts == hops)
			break;
		snprintf(id, sizeof(id), "%s->%s", a->p[u].ref, a->p[g->next[u]].ref);
		if (!(x->flows[x->nflows++] = arena_strdup(a->report, id)))
			a->oom = 1;
	}
}

/* Tarjan's strongly connected components, iteratively (no recursion, whatever the depth). */
static void rule_sync_graph(struct audit *a)
{
	struct graph g = {0};
	size_t *index = NULL, *low = NULL, *stack = NULL, *call = NULL, *pos = NULL;
	size_t *parent = NULL, *queue = NULL;
	unsigned char *on = NULL;
	size_t counter = 0, sp = 0, cp = 0, ncomp = 0;

	if (graph_build(a, &g))
		goto oom;
	index = malloc((a->np + 1) * sizeof(*index));
	low = malloc((a->np + 1) * sizeof(*low));
	stack = malloc((a->np + 1) * sizeof(*stack));
	call = malloc((a->np + 1) * sizeof(*call));
	pos = malloc((a->np + 1) * sizeof(*pos));
	parent = malloc((a->np + 1) * sizeof(*parent));
	queue = malloc((a->np + 1) * sizeof(*queue));
	on = calloc(a->np + 1, 1);
	if (!index || !low || !stack || !call || !pos || !parent || !queue || !on)
		goto oom;
	for (size_t v = 0; v < a->np; v++)
		index[v] = NONE;
	for (size_t s = 0; s < a->np && !a->oom; s++) {
		if (index[s] != NONE)
			continue;
		index[s] = low[s] = counter++;
		stack[sp++] = s;
		on[s] = 1;
		call[cp] = s;
		pos[cp++] = g.start[s];
		while (cp) {
			size_t v = call[cp - 1];

			if (pos[cp - 1] < g.start[v + 1]) {
				size_t t = g.e[pos[cp - 1]++].to;

				if (index[t] == NONE) {
					index[t] = low[t] = counter++;
					stack[sp++] = t;
					on[t] = 1;
					call[cp] = t;
					pos[cp++] = g.start[t];
				} else if (on[t] && index[t] < low[v]) {
					low[v] = index[t];
				}
				continue;
			}
			cp--;
			if (low[v] == index[v]) {
				size_t b = sp;

				do {
					b--;
					on[stack[b]] = 0;
					g.scc[stack[b]] = ncomp;
				} while (stack[b] != v);
				ncomp++;
				chain_values(a, &g, stack + b, sp - b);
				if (sp - b > 1)
					report_cycle(a, &g, stack + b, sp - b, parent, queue);
				sp = b;
			}
			if (cp && low[v] < low[call[cp - 1]])
				low[call[cp - 1]] = low[v];
		}
	}
	for (size_t v = 0; v < a->np && !a->oom; v++)
		report_chain(a, &g, v);
	goto out;
oom:
	a->oom = 1;
out:
	graph_release(&g);
	free(index);
	free(low);
	free(stack);
	free(call);
	free(pos);
	free(parent);
	free(queue);
	free(on);
}

static void rule_sync_share(struct audit *a)
{
	double share;
	char s[32], t[32];

	if (a->nf < (size_t)a->cfg->sync_share_min_flows || !a->nf)
		return;
	share = (double)a->sync_flows / (double)a->nf;
	if (share <= a->cfg->max_sync_share + 1e-12)
		return;
	ratio_text(s, sizeof(s), share);
	snprintf(t, sizeof(t), "%g", a->cfg->max_sync_share);
	emit(a, AUDIT_SYNC_SHARE, NULL, "", "%zu of %zu flows are synchronous (share %s, above %s)",
	     a->sync_flows, a->nf, s, t);
}

/* ---- suppressions ---- */

static int read_suppressions(struct audit *a, const json_t *arr, struct dw_error *err)
{
	size_t n = json_array_size(arr);

	a->sup = calloc(n + 1, sizeof(*a->sup));
	if (!a->sup)
		return DW_NOMEM;
	for (size_t i = 0; i < n; i++) {
		const json_t *s = json_array_get(arr, i);
		struct suppression *x = &a->sup[a->nsup++];
		const char *reason, *expires, *key;
		char ptr[64];
		json_t *v;

		if (!json_is_object(s))
			return dw_error_set(err, DW_INVALID, "suppression %zu is not an object", i);
		json_object_foreach((json_t *)s, key, v)
		{
			if (strcmp(key, "rule") && strcmp(key, "product") && strcmp(key, "flow") &&
			    strcmp(key, "reason") && strcmp(key, "expires"))
				return dw_error_set(err, DW_INVALID,
				                    "unknown property '%s' in suppression %zu", key,
				                    i);
			if (!json_is_string(v))
				return dw_error_set(err, DW_INVALID,
				                    "suppression %zu: '%s' must be a string", i,
				                    key);
		}
		x->rule = audit_rule_get(jstr(s, "rule"));
		if (!x->rule)
			return dw_error_set(err, DW_INVALID,
			                    "suppression %zu: unknown audit rule '%s'", i,
			                    jstr(s, "rule") ? jstr(s, "rule") : "");
		x->product = jstr(s, "product");
		x->flow = jstr(s, "flow");
		reason = jstr(s, "reason");
		expires = jstr(s, "expires");
		snprintf(ptr, sizeof(ptr), "/suppressions/%zu", i);
		if (blank(reason) || !expires) {
			emit(a, AUDIT_SUPPRESSION_INVALID, NULL, ptr,
			     "suppression %zu of %s has no %s", i, x->rule->id,
			     blank(reason) && !expires ? "reason and no expiry date"
			     : blank(reason)           ? "reason"
			                               : "expiry date");
		} else if (!date_ok(expires)) {
			snprintf(ptr, sizeof(ptr), "/suppressions/%zu/expires", i);
			emit(a, AUDIT_SUPPRESSION_INVALID, NULL, ptr,
			     "suppression %zu of %s: expires '%s' is not a date (YYYY-MM-DD)", i,
			     x->rule->id, expires);
		} else if (strcmp(expires, a->now) < 0) {
			snprintf(ptr, sizeof(ptr), "/suppressions/%zu/expires", i);
			emit(a, AUDIT_SUPPRESSION_EXPIRED, NULL, ptr,
			     "suppression %zu of %s expired on %s (now %s): %s", i, x->rule->id,
			     expires, a->now, reason);
		} else {
			x->active = 1;
		}
	}
	return 0;
}

static int list_has(char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], s))
			return 1;
	return 0;
}

static long suppression_match(const struct audit *a, const struct audit_finding *x)
{
	if (x->rule == &audit_rules[AUDIT_SUPPRESSION_INVALID] ||
	    x->rule == &audit_rules[AUDIT_SUPPRESSION_EXPIRED])
		return -1;
	for (size_t i = 0; i < a->nsup; i++) {
		const struct suppression *s = &a->sup[i];

		if (!s->active || s->rule != x->rule)
			continue;
		if (s->product && !(x->product && !strcmp(x->product, s->product)) &&
		    !list_has(x->products, x->nproducts, s->product))
			continue;
		if (s->flow && !list_has(x->flows, x->nflows, s->flow))
			continue;
		return (long)i;
	}
	return -1;
}

static int finding_cmp(const void *x, const void *y)
{
	const struct audit_finding *a = x, *b = y;
	int c;

	if (a->rule != b->rule)
		return a->rule < b->rule ? -1 : 1;
	if (!a->product != !b->product)
		return a->product ? 1 : -1;
	if (a->product && (c = strcmp(a->product, b->product)))
		return c;
	if ((c = strcmp(a->pointer, b->pointer)))
		return c;
	return strcmp(a->message, b->message);
}

/* Moves suppressed findings to r->suppressed, keeping both lists sorted. */
static int apply_suppressions(struct audit *a, struct audit_report *r)
{
	struct audit_findings *l = &r->findings;
	size_t j = 0;

	if (l->count > 1)
		qsort(l->items, l->count, sizeof(*l->items), finding_cmp);
	if (!a->nsup)
		return 0;
	for (size_t i = 0; i < l->count; i++) {
		long s = suppression_match(a, &l->items[i]);

		if (s < 0) {
			l->items[j++] = l->items[i];
			continue;
		}
		l->items[i].suppression = s;
		if (findings_push(&r->suppressed, &l->items[i])) {
			/* keep what is left owned by the report */
			for (size_t k = i; k < l->count; k++)
				l->items[j++] = l->items[k];
			l->count = j;
			return DW_NOMEM;
		}
	}
	l->count = j;
	return 0;
}

/* ---- the run ---- */

static int check_top(const json_t *land, struct dw_error *err)
{
	static const char *const keys[] = {"now", "domains", "products", "config", "suppressions"};
	const char *key, *now;
	json_t *v;

	if (!json_is_object(land))
		return dw_error_set(err, DW_INVALID, "landscape must be an object");
	json_object_foreach((json_t *)land, key, v)
	{
		size_t i;

		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (!strcmp(key, keys[i]))
				break;
		if (i == sizeof(keys) / sizeof(keys[0]))
			return dw_error_set(err, DW_INVALID, "unknown landscape property '%s'",
			                    key);
		if ((!strcmp(key, "domains") || !strcmp(key, "products") ||
		     !strcmp(key, "suppressions")) &&
		    !json_is_array(v))
			return dw_error_set(err, DW_INVALID,
			                    "landscape property '%s' must be an "
			                    "array",
			                    key);
	}
	now = jstr(land, "now");
	if (!now)
		return dw_error_set(err, DW_INVALID,
		                    "landscape property 'now' is required "
		                    "(YYYY-MM-DD)");
	if (!date_ok(now))
		return dw_error_set(err, DW_INVALID,
		                    "landscape 'now' is not a date (YYYY-MM-DD): "
		                    "'%s'",
		                    now);
	return 0;
}

static void audit_free(struct audit *a)
{
	for (size_t i = 0; i < a->np; i++)
		free((char *)a->p[i].ref);
	free(a->p);
	free(a->f);
	free(a->backs);
	free(a->dom);
	free(a->sup);
}

void audit_report_init(struct audit_report *r)
{
	memset(r, 0, sizeof(*r));
	audit_config_init(&r->config);
}

void audit_report_release(struct audit_report *r)
{
	while (r->arena) {
		struct audit_chunk *c = r->arena;

		r->arena = c->next;
		free(c);
	}
	free(r->findings.items);
	free(r->suppressed.items);
	json_decref(r->suppressions);
	audit_report_init(r);
}

int audit_run(const json_t *landscape, struct audit_report *out, struct dw_error *err)
{
	struct audit a = {0};
	int rc;

	audit_report_init(out);
	if ((rc = check_top(landscape, err)))
		return rc;
	if ((rc = audit_config_from_json(&out->config, jget(landscape, "config"), err)))
		return rc;
	a.land = landscape;
	a.cfg = &out->config;
	a.now = jstr(landscape, "now");
	a.out = &out->findings;
	a.report = out;
	if ((rc = read_products(&a, jget(landscape, "products"), err)) ||
	    (rc = read_domains(&a, jget(landscape, "domains"), err)) || (rc = read_flows(&a)) ||
	    (rc = read_suppressions(&a, jget(landscape, "suppressions"), err)))
		goto done;
	for (size_t i = 0; i < a.nf && !a.oom; i++) {
		const struct flow *f = &a.f[i];

		if (f->pflags & PF_P2P)
			rule_point_to_point(&a, f);
		rule_async_semantics(&a, f);
		rule_flow_misc(&a, f);
		rule_pattern_mismatch(&a, f);
	}
	for (size_t i = 0; i < a.np && !a.oom; i++)
		rule_product(&a, &a.p[i]);
	if (!a.oom)
		rule_domains(&a);
	if (!a.oom)
		rule_composites(&a);
	if (!a.oom)
		rule_sync_graph(&a);
	if (!a.oom)
		rule_sync_share(&a);
	if (a.oom) {
		rc = DW_NOMEM;
		goto done;
	}
	rc = apply_suppressions(&a, out);
	if (!rc && jget(landscape, "suppressions"))
		out->suppressions = json_incref((json_t *)jget(landscape, "suppressions"));
	out->domains = a.ndom;
	out->products = a.np;
	out->flows = a.nf;
	out->sync_flows = a.sync_flows;
done:
	if (rc == DW_NOMEM)
		dw_error_set(err, DW_NOMEM, "out of memory while auditing the landscape");
	audit_free(&a);
	return rc;
}

/* ---- JSON ---- */

static const char *severity_text(enum dw_severity s)
{
	return s == DW_SEV_ERROR ? "error" : s == DW_SEV_WARNING ? "warning" : "info";
}

static json_t *strings_json(char *const *list, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < n; i++)
		if (json_array_append_new(arr, json_string(list[i]))) {
			json_decref(arr);
			return NULL;
		}
	return arr;
}

static json_t *finding_json(const struct audit_report *r, const struct audit_finding *x)
{
	json_t *o =
	    json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:o, s:s}, s:o, s:o, s:s}", "rule", x->rule->id,
	              "name", x->rule->name, "severity", severity_text(x->rule->severity), "title",
	              x->rule->title, "message", x->message, "location", "product",
	              x->product ? json_string(x->product) : json_null(), "pointer", x->pointer,
	              "products", strings_json(x->products, x->nproducts), "flows",
	              strings_json(x->flows, x->nflows), "fix", x->rule->fix);

	if (o && x->suppression >= 0) {
		json_t *s = json_deep_copy(json_array_get(r->suppressions, (size_t)x->suppression));

		if (!s || json_object_set_new(s, "index", json_integer(x->suppression)) ||
		    json_object_set_new(o, "suppression", s)) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

static json_t *findings_json(const struct audit_report *r, const struct audit_findings *l,
                             size_t *bysev, size_t *byrule)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < l->count; i++) {
		const struct audit_finding *x = &l->items[i];

		if (bysev) {
			bysev[x->rule->severity]++;
			byrule[x->rule - audit_rules]++;
		}
		if (json_array_append_new(arr, finding_json(r, x))) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

json_t *audit_report_to_json(const struct audit_report *r)
{
	size_t bysev[3] = {0}, byrule[AUDIT_NRULES] = {0};
	json_t *out, *byr = json_object();

	out =
	    json_pack("{s:o, s:o, s:o}", "findings", findings_json(r, &r->findings, bysev, byrule),
	              "suppressed", findings_json(r, &r->suppressed, NULL, NULL), "config",
	              audit_config_to_json(&r->config));
	for (size_t i = 0; byr && i < AUDIT_NRULES; i++)
		if (byrule[i] && json_object_set_new(byr, audit_rules[i].id,
		                                     json_integer((json_int_t)byrule[i]))) {
			json_decref(byr);
			byr = NULL;
		}
	if (!out || !byr) {
		json_decref(out);
		json_decref(byr);
		return NULL;
	}
	if (json_object_set_new(
	        out, "summary",
	        json_pack("{s:I, s:I, s:{s:I, s:I, s:I}, s:o, s:I, s:I, s:I, s:I, "
	                  "s:f}",
	                  "findings", (json_int_t)r->findings.count, "suppressed",
	                  (json_int_t)r->suppressed.count, "bySeverity", "error",
	                  (json_int_t)bysev[DW_SEV_ERROR], "warning",
	                  (json_int_t)bysev[DW_SEV_WARNING], "info", (json_int_t)bysev[DW_SEV_INFO],
	                  "byRule", byr, "domains", (json_int_t)r->domains, "products",
	                  (json_int_t)r->products, "flows", (json_int_t)r->flows, "syncFlows",
	                  (json_int_t)r->sync_flows, "syncShare",
	                  r->flows ? (double)r->sync_flows / (double)r->flows : 0.0))) {
		json_decref(out);
		return NULL;
	}
	return out;
}
