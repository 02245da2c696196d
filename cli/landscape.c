#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/files.h"
#include "cli/landscape.h"
#include "cli/output.h"
#include "validators/audit.h"
#include "validators/xalloc.h"

struct landscape_product {
	char *ref; /* "domain/name" */
	const struct input_doc *d;
};

void landscape_today(char *buf, size_t size)
{
	time_t t = time(NULL);
	struct tm tm;

	if (!gmtime_r(&t, &tm) || strftime(buf, size, "%Y-%m-%d", &tm) == 0)
		snprintf(buf, size, "1970-01-01");
}

/* dw_pointer_join for a program: out of memory aborts. */
static char *pointer_join(const char *base, const char *token)
{
	char *p = dw_pointer_join(base, token);

	if (!p) {
		fprintf(stderr, "fatal: out of memory\n");
		abort();
	}
	return p;
}

/*
 * Runs the audit over a landscape holding only now, config and suppressions (either may be
 * NULL): the audit's own checks of the settings and suppression entries, so that the CLI never
 * repeats them. Returns audit_run's code.
 */
static int probe(const char *now, json_t *config, json_t *suppressions, struct dw_error *err)
{
	json_t *land = xjson(json_object());
	struct audit_report r;
	int rc;

	json_object_set_new(land, "now", xjson(json_string(now)));
	if (config)
		json_object_set(land, "config", config);
	if (suppressions)
		json_object_set(land, "suppressions", suppressions);
	rc = audit_run(land, &r, err);
	audit_report_release(&r);
	json_decref(land);
	if (rc == DW_NOMEM) {
		fprintf(stderr, "fatal: out of memory checking the audit config\n");
		abort();
	}
	return rc;
}

/* Prints one problem of the config file, located at pointer. */
static void config_error(const struct landscape *l, const char *pointer, const char *msg)
{
	struct dw_findings f;
	int line = 0, col = 0;

	dw_findings_init(&f);
	if (l->config_set.count)
		dw_doc_locate(&l->config_set.docs[0], pointer, &line, &col);
	dw_findings_add_at(&f, DW_SEV_ERROR, NULL, l->config_path, line, col, pointer, "%s", msg);
	if (f.count)
		output_finding(stderr, &f.items[0]);
	dw_findings_release(&f);
}

/* The pointer of the first setting or suppression entry the audit refuses, malloc'd. */
static char *config_culprit(const char *now, json_t *config, json_t *suppressions)
{
	struct dw_error e;
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach(config, key, v)
	{
		json_t *one = xjson(json_object());
		int rc;

		json_object_set(one, key, v);
		rc = probe(now, one, NULL, &e);
		json_decref(one);
		if (rc)
			return pointer_join("/config", key);
	}
	json_array_foreach(suppressions, i, v)
	{
		json_t *one = xjson(json_array());
		int rc;

		json_array_append(one, v);
		rc = probe(now, NULL, one, &e);
		json_decref(one);
		if (rc)
			return xasprintf("/suppressions/%zu", i);
	}
	return xstrdup("");
}

/* Loads and checks the config file; on success sets the landscape's config and suppressions. */
static int load_config(struct landscape *l, const char *now)
{
	struct dw_findings errs;
	struct dw_error e;
	const json_t *root;
	json_t *config, *sups;
	const char *key;
	json_t *v;
	char *text, *culprit;
	size_t len;
	int rc;

	if (files_read(l->config_path, &text, &len, &e) != 0) {
		fprintf(stderr, "error: %s (audit config)\n", e.message);
		return DW_MALFORMED;
	}
	dw_findings_init(&errs);
	rc = dw_load(text, len, l->config_path, &l->config_set, &errs);
	free(text);
	if (rc == DW_NOMEM) {
		fprintf(stderr, "fatal: out of memory loading '%s'\n", l->config_path);
		abort();
	}
	for (size_t i = 0; i < errs.count; i++)
		output_finding(stderr, &errs.items[i]);
	rc = errs.count ? DW_MALFORMED : 0;
	dw_findings_release(&errs);
	if (rc)
		return rc;
	if (l->config_set.count != 1) {
		config_error(l, "", l->config_set.count ? "audit config holds several documents, "
		                                          "expected 1"
		                                        : "audit config is empty");
		return DW_MALFORMED;
	}
	root = l->config_set.docs[0].root;
	if (!json_is_object(root)) {
		config_error(l, "",
		             "audit config must be an object {\"config\", \"suppressions\"}");
		return DW_MALFORMED;
	}
	json_object_foreach((json_t *)root, key, v)
	{
		char *ptr, *msg;

		if (!strcmp(key, "config") || !strcmp(key, "suppressions"))
			continue;
		ptr = pointer_join("", key);
		msg = xasprintf("unknown property '%s' (expected 'config' and 'suppressions')",
		                key);
		config_error(l, ptr, msg);
		free(msg);
		free(ptr);
		return DW_MALFORMED;
	}
	config = json_object_get(root, "config");
	sups = json_object_get(root, "suppressions");
	if (config && !json_is_object(config)) {
		config_error(l, "/config", "property 'config' must be an object");
		return DW_MALFORMED;
	}
	if (sups && !json_is_array(sups)) {
		config_error(l, "/suppressions", "property 'suppressions' must be an array");
		return DW_MALFORMED;
	}
	if (probe(now, config, sups, &e) != 0) {
		culprit = config_culprit(now, config, sups);
		config_error(l, culprit, e.message);
		free(culprit);
		return DW_MALFORMED;
	}
	if (config)
		json_object_set(l->root, "config", config);
	if (sups)
		json_object_set(l->root, "suppressions", sups);
	return 0;
}

static int cmp_product(const void *a, const void *b)
{
	return strcmp(((const struct landscape_product *)a)->ref,
	              ((const struct landscape_product *)b)->ref);
}

static void build(struct landscape *l)
{
	json_t *domains = xjson(json_array()), *products = xjson(json_array());

	l->domains = xcalloc(l->in.ndocs + 1, sizeof(*l->domains));
	l->products = xcalloc(l->in.ndocs + 1, sizeof(*l->products));
	for (size_t i = 0; i < l->in.ndocs; i++) {
		const struct input_doc *d = &l->in.docs[i];

		if (d->kind == DW_DESC_DOMAIN) {
			l->domains[l->ndomains++] = d;
			json_array_append(domains, d->doc->root);
		} else if (d->kind == DW_DESC_PRODUCT && d->domain && d->name) {
			struct landscape_product *p = &l->products[l->nproducts++];

			p->ref = xasprintf("%s/%s", d->domain, d->name);
			p->d = d;
			json_array_append(products, d->doc->root);
		}
	}
	qsort(l->products, l->nproducts, sizeof(*l->products), cmp_product);
	json_object_set_new(l->root, "domains", domains);
	json_object_set_new(l->root, "products", products);
}

int landscape_load(struct landscape *l, int npaths, char *const *paths, const char *config_path,
                   const char *now)
{
	struct dw_error e;
	int rc;

	memset(l, 0, sizeof(*l));
	l->root = xjson(json_object());
	json_object_set_new(l->root, "now", xjson(json_string(now)));
	if (probe(now, NULL, NULL, &e) != 0) {
		fprintf(stderr, "error: invalid date '%s' (expected YYYY-MM-DD)\n", now);
		return DW_USAGE;
	}
	rc = inputs_load(&l->in, npaths, paths, &e);
	if (rc == DW_MALFORMED) {
		fprintf(stderr, "error: %s\n", e.message);
		return rc;
	}
	if (rc)
		return rc;
	if (inputs_report(&l->in, 0) != 0)
		return DW_MALFORMED;
	build(l);
	if (config_path) {
		l->config_path = xstrdup(config_path);
		rc = load_config(l, now);
	}
	return rc;
}

void landscape_release(struct landscape *l)
{
	for (size_t i = 0; i < l->nproducts; i++)
		free(l->products[i].ref);
	free(l->products);
	free(l->domains);
	json_decref(l->root);
	dw_docset_release(&l->config_set);
	free(l->config_path);
	inputs_release(&l->in);
	memset(l, 0, sizeof(*l));
}

/* "/domains/12/spec" -> 12 and "/spec"; 0 when pointer is not under /domains/N. */
static int domain_pointer(const char *pointer, size_t *index, const char **rest)
{
	const char *p;
	char *end;
	unsigned long long n;

	if (strncmp(pointer, "/domains/", 9) != 0)
		return 0;
	p = pointer + 9;
	if (*p < '0' || *p > '9')
		return 0;
	errno = 0;
	n = strtoull(p, &end, 10);
	if (errno || (*end && *end != '/'))
		return 0;
	*index = (size_t)n;
	*rest = end;
	return 1;
}

static int starts_with_token(const char *pointer, const char *token)
{
	size_t n = strlen(token);

	return strncmp(pointer, token, n) == 0 && (pointer[n] == '/' || pointer[n] == '\0');
}

void landscape_locate(const struct landscape *l, const char *product, const char *pointer,
                      const char **file, int *line, int *col)
{
	size_t index;
	const char *rest;

	*file = NULL;
	*line = *col = 0;
	if (!pointer)
		pointer = "";
	if (product) {
		struct landscape_product key = {.ref = (char *)product, .d = NULL}, *p;

		p = bsearch(&key, l->products, l->nproducts, sizeof(*l->products), cmp_product);
		if (!p)
			return;
		*file = p->d->file->path;
		dw_doc_locate(p->d->doc, pointer, line, col);
	} else if (domain_pointer(pointer, &index, &rest) && index < l->ndomains) {
		*file = l->domains[index]->file->path;
		dw_doc_locate(l->domains[index]->doc, rest, line, col);
	} else if (l->config_set.count &&
	           (starts_with_token(pointer, "/config") ||
	            starts_with_token(pointer, "/suppressions"))) {
		*file = l->config_path;
		dw_doc_locate(&l->config_set.docs[0], pointer, line, col);
	}
}
