/*
 * audit_bench: generates a synthetic landscape of N data products with 5 flows each and times
 * the governance audit (audit_run) over it, or writes the landscape as descriptor files for
 * timing `driveway audit --offline`. Not a test: bench/audit.sh compiles and runs it.
 *
 *   audit_bench N              prints "N seconds peak_mb landscape_mb findings" for one
 *                              audit_run: the process's peak resident size after the audit
 *                              and before it (the generated landscape alone)
 *   audit_bench --write DIR N  writes DIR/dNNN.yaml (one file per domain of 100 products)
 *
 * The landscape is deterministic (a fixed linear congruential generator): one domain per 100
 * products, mostly APIs, topics and tables, one composite in 25 (3 backends) and one
 * orchestrator in 100 (2 backends), every product in production with an SLA, and 5 flows per
 * product to pseudo-random providers over every pattern of the catalogue.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <jansson.h>

#include "validators/audit.h"
#include "validators/xalloc.h"

#define PER_DOMAIN 100
#define FLOWS 5

static const char *const patterns[] = {"rest-api",    "event-stream", "event-broker", "cdc",
                                       "batch",       "message-queue", "soa",         "cqrs",
                                       "queue-load-leveling"};
#define NPATTERNS (sizeof(patterns) / sizeof(patterns[0]))

static unsigned long long seed = 88172645463325252ull;

static size_t next_rand(size_t n)
{
	seed = seed * 6364136223846793005ull + 1442695040888963407ull;
	return (size_t)((seed >> 33) % n);
}

static const char *type_of(size_t i)
{
	if (i % 100 == 99)
		return "orchestrator";
	if (i % 25 == 24)
		return "composite";
	return i % 3 == 0 ? "api" : i % 3 == 1 ? "topic" : "table";
}

static json_t *product(size_t i, size_t n)
{
	const char *type = type_of(i);
	char dom[32], name[32], ref[64];
	json_t *consumes = xjson(json_array()), *spec, *doc;

	snprintf(dom, sizeof(dom), "d%zu", i / PER_DOMAIN);
	snprintf(name, sizeof(name), "p%zu", i);
	for (int k = 0; k < FLOWS; k++) {
		size_t j = next_rand(n);
		const char *pat = patterns[next_rand(NPATTERNS)];

		if (j == i)
			j = (j + 1) % n;
		snprintf(ref, sizeof(ref), "d%zu/p%zu", j / PER_DOMAIN, j);
		json_array_append_new(
		    consumes, xjson(json_pack("{sssssssbsIss}", "product", ref, "pattern", pat,
		                              "consistency", "eventual", "idempotent", 1,
		                              "latencyBudgetMs", (json_int_t)60000, "description",
		                              "synthetic flow")));
	}
	spec = xjson(json_pack("{sss{sfsi}so}", "type", type, "sla", "availability", 99.5,
	                       "latencyP99Ms", 300, "consumes", consumes));
	if (!strcmp(type, "topic"))
		json_object_set_new(spec, "compatibility", xjson(json_string("BACKWARD")));
	if (!strcmp(type, "composite") || !strcmp(type, "orchestrator")) {
		json_t *backends = xjson(json_array());
		int nb = !strcmp(type, "composite") ? 3 : 2;

		for (int k = 0; k < nb; k++) {
			size_t j = next_rand(n);
			snprintf(ref, sizeof(ref), "d%zu/p%zu", j / PER_DOMAIN, j);
			json_array_append_new(backends, xjson(json_string(ref)));
		}
		json_object_set_new(spec, "backends", backends);
		json_object_set_new(spec, "contract",
		                    xjson(json_pack("{ss}", "format", "openapi")));
	}
	doc = xjson(json_pack("{sssss{ssssssss}so}", "apiVersion", "driveway/v1", "kind",
	                      "DataProduct", "metadata", "domain", dom, "name", name, "owner",
	                      "team", "lifecycle", "production", "spec", spec));
	return doc;
}

static json_t *landscape(size_t n)
{
	json_t *products = xjson(json_array()), *domains = xjson(json_array());

	for (size_t d = 0; d * PER_DOMAIN < n; d++) {
		char name[32];
		snprintf(name, sizeof(name), "d%zu", d);
		json_array_append_new(domains,
		                      xjson(json_pack("{sssss{ss}s{ssss}}", "apiVersion",
		                                      "driveway/v1", "kind", "Domain", "metadata",
		                                      "name", name, "spec", "title", name, "owner",
		                                      "team")));
	}
	for (size_t i = 0; i < n; i++)
		json_array_append_new(products, product(i, n));
	return xjson(json_pack("{sssoso}", "now", "2026-01-01", "domains", domains, "products",
	                       products));
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double peak_mb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_maxrss / 1024.0; /* ru_maxrss is in KiB on Linux */
}

static long parse_size(const char *s)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (errno || end == s || *end || n < 1 || n > 10000000) {
		fprintf(stderr, "audit_bench: invalid size '%s'\n", s);
		exit(2);
	}
	return n;
}

/* One YAML-compatible JSON document per line of a file: "---" between documents. */
static int write_files(const char *dir, size_t n)
{
	json_t *land = landscape(n);
	json_t *domains = json_object_get(land, "domains");
	json_t *products = json_object_get(land, "products");

	for (size_t d = 0; d < json_array_size(domains); d++) {
		char path[4096];
		FILE *f;

		snprintf(path, sizeof(path), "%s/d%05zu.yaml", dir, d);
		f = fopen(path, "w");
		if (!f) {
			fprintf(stderr, "audit_bench: cannot write '%s': %s\n", path,
			        strerror(errno));
			return 1;
		}
		json_dumpf(json_array_get(domains, d), f, JSON_COMPACT | JSON_PRESERVE_ORDER);
		for (size_t i = d * PER_DOMAIN; i < n && i < (d + 1) * PER_DOMAIN; i++) {
			/* A descriptor file names its contract by path or inline; the registry's
			 * format-only form is not one, so files carry none. */
			json_object_del(json_object_get(json_array_get(products, i), "spec"),
			                "contract");
			fputs("\n---\n", f);
			json_dumpf(json_array_get(products, i), f,
			           JSON_COMPACT | JSON_PRESERVE_ORDER);
		}
		fputc('\n', f);
		if (fclose(f) != 0)
			return 1;
	}
	json_decref(land);
	return 0;
}

int main(int argc, char **argv)
{
	struct audit_report r;
	struct dw_error err;
	json_t *land;
	double t0, t1, before;
	size_t n;
	int rc;

	if (argc == 4 && !strcmp(argv[1], "--write"))
		return write_files(argv[2], (size_t)parse_size(argv[3]));
	if (argc != 2) {
		fprintf(stderr, "usage: audit_bench N | audit_bench --write DIR N\n");
		return 2;
	}
	n = (size_t)parse_size(argv[1]);
	land = landscape(n);
	before = peak_mb();
	t0 = now_s();
	rc = audit_run(land, &r, &err);
	t1 = now_s();
	if (rc) {
		fprintf(stderr, "audit_bench: audit failed: %s\n", err.message);
		return 1;
	}
	printf("%zu %.3f %.1f %.1f %zu\n", n, t1 - t0, peak_mb(), before, r.findings.count);
	audit_report_release(&r);
	json_decref(land);
	return 0;
}
