/*
 * Concurrency: writers racing on the same product against a real drivewayd (eight worker
 * threads, so that the requests really overlap in the server).
 *
 * - Read-modify-write with If-Match: threads each add their own tags to one product by GET,
 *   merge patch of the whole tag list, If-Match the ETag read, again on 412. No update may be
 *   lost: every tag is there at the end, and the product's revision counts exactly the
 *   successful writes.
 * - Different compatible contracts racing for the product's next version: each either becomes
 *   its own version, numbered without gaps or duplicates, or gets a clean 409 problem (the
 *   registry's answer when versions kept coming in while it checked); never a 500.
 * - Identical contracts racing: one version, and every answer names it.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tests/integration/harness.c"
#include "validators/contract.h"

#define PATCH_THREADS 8
#define PATCH_TAGS 6 /* per thread: 48 in all, under the descriptor's 50 */
#define PATCH_ATTEMPTS_MAX 2000
#define RACE_ROUNDS 25
#define RACERS 4

static const char *const domain_doc =
    "{\"apiVersion\": \"driveway/v1\", \"kind\": \"Domain\", \"metadata\": {\"name\": \"conc\"},"
    " \"spec\": {\"title\": \"Concurrency\", \"owner\": \"team-conc\"}}";

static void setup(void)
{
	struct hs_response r;

	/* More server threads than racers: the racing requests run at once in drivewayd. */
	setenv("DRIVEWAY_THREADS", "8", 1);
	hs_setup();
	ck_assert_msg(hs_req("PUT", "/domains/conc", hs_srv.admin, domain_doc, &r) == 201,
	              "PUT /domains/conc: %ld %s", r.status, r.body);
	hs_response_release(&r);
}

static void put_product(const char *name, const char *mode)
{
	struct hs_response r;
	char path[128];
	json_t *doc = json_pack("{s:s, s:s, s:{s:s, s:s, s:s}, s:{s:s, s:{s:s}}}", "apiVersion",
	                        "driveway/v1", "kind", "DataProduct", "metadata", "domain", "conc",
	                        "name", name, "owner", "team-conc", "spec", "type", "api",
	                        "contract", "format", "openapi");
	char *body;

	ck_assert_ptr_nonnull(doc);
	if (mode)
		json_object_set_new(json_object_get(doc, "spec"), "compatibility",
		                    json_string(mode));
	body = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	snprintf(path, sizeof(path), "/domains/conc/products/%s", name);
	hs_req("PUT", path, hs_srv.admin, body, &r);
	ck_assert_msg(r.status == 200 || r.status == 201, "PUT %s: %ld %s", path, r.status, r.body);
	free(body);
	hs_response_release(&r);
}

/* If-Match read-modify-write ------------------------------------------------------------- */

struct patcher {
	int id;
	int ok;         /* successful PATCHes */
	int conflicts;  /* 412 answers */
	char fail[600]; /* an unexpected answer */
};

static void *patch_run(void *arg)
{
	struct patcher *w = arg;

	for (int k = 0; k < PATCH_TAGS && !w->fail[0]; k++) {
		char tag[32];
		int done = 0;

		snprintf(tag, sizeof(tag), "t%d-%d", w->id, k);
		for (int attempt = 0; attempt < PATCH_ATTEMPTS_MAX && !done && !w->fail[0];
		     attempt++) {
			struct hs_response r;
			char ifmatch[128];
			char *etag, *body;

			hs_do(&hs_srv,
			      &(struct hs_request){.path = "/domains/conc/products/shared"}, &r);
			etag = hs_header(&r, "ETag");
			json_t *doc = hs_json(&r);
			json_t *tags = json_object_get(json_object_get(doc, "metadata"), "tags");
			json_t *list = tags ? json_deep_copy(tags) : json_array();
			if (r.status != 200 || !etag || !json_is_array(list)) {
				snprintf(w->fail, sizeof(w->fail), "GET shared: %ld %.400s",
				         r.status, r.body);
				free(etag);
				json_decref(doc);
				json_decref(list);
				hs_response_release(&r);
				break;
			}
			hs_response_release(&r);
			json_decref(doc);
			json_array_append_new(list, json_string(tag));
			json_t *patch = json_pack("{s:{s:o}}", "metadata", "tags", list);
			body = json_dumps(patch, JSON_COMPACT);
			json_decref(patch);
			snprintf(ifmatch, sizeof(ifmatch), "If-Match: %s", etag);
			free(etag);
			struct hs_request rq = {.method = "PATCH",
			                        .path = "/domains/conc/products/shared",
			                        .token = hs_srv.admin,
			                        .content_type = "application/merge-patch+json",
			                        .body = body,
			                        .headers = {ifmatch}};
			hs_do(&hs_srv, &rq, &r);
			free(body);
			char *result = hs_header(&r, "Driveway-Result");
			if (r.status == 200 && result && strcmp(result, "updated") == 0) {
				w->ok++;
				done = 1;
			} else if (r.status == 412) {
				w->conflicts++;
			} else {
				snprintf(w->fail, sizeof(w->fail),
				         "PATCH shared (%s): %ld %s %.400s", tag, r.status,
				         result ? result : "-", r.body);
			}
			free(result);
			hs_response_release(&r);
		}
		if (!done && !w->fail[0])
			snprintf(w->fail, sizeof(w->fail), "tag %s: still 412 after %d attempts",
			         tag, PATCH_ATTEMPTS_MAX);
	}
	return NULL;
}

START_TEST(test_if_match_no_lost_update)
{
	static struct patcher w[PATCH_THREADS];
	pthread_t th[PATCH_THREADS];
	struct hs_response r;
	int ok = 0, conflicts = 0;

	put_product("shared", NULL);
	memset(w, 0, sizeof(w));
	for (int i = 0; i < PATCH_THREADS; i++) {
		w[i].id = i;
		ck_assert_int_eq(pthread_create(&th[i], NULL, patch_run, &w[i]), 0);
	}
	for (int i = 0; i < PATCH_THREADS; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < PATCH_THREADS; i++) {
		ck_assert_msg(!w[i].fail[0], "patcher %d: %s", i, w[i].fail);
		ok += w[i].ok;
		conflicts += w[i].conflicts;
	}
	fprintf(stderr, "test_concurrency: %d PATCHes succeeded, %d answered 412\n", ok, conflicts);
	ck_assert_int_eq(ok, PATCH_THREADS * PATCH_TAGS);

	ck_assert_int_eq(hs_req("GET", "/domains/conc/products/shared", NULL, NULL, &r), 200);
	json_t *doc = hs_json(&r);
	json_t *tags = json_object_get(json_object_get(doc, "metadata"), "tags");
	long long rev =
	    json_integer_value(json_object_get(json_object_get(doc, "status"), "revision"));
	ck_assert_int_eq(json_array_size(tags), PATCH_THREADS * PATCH_TAGS);
	for (int i = 0; i < PATCH_THREADS; i++)
		for (int k = 0; k < PATCH_TAGS; k++) {
			char tag[32];
			size_t j, n = 0;
			json_t *t;

			snprintf(tag, sizeof(tag), "t%d-%d", i, k);
			json_array_foreach(tags, j, t) n += strcmp(json_string_value(t), tag) == 0;
			ck_assert_msg(n == 1, "tag %s appears %zu times: lost update", tag, n);
		}
	/* revision 1 is the creation; each successful PATCH made exactly one more */
	ck_assert_int_eq(rev, 1 + ok);
	json_decref(doc);
	hs_response_release(&r);
}
END_TEST

/* Racing registrations ------------------------------------------------------------------- */

struct racer {
	pthread_barrier_t *start;
	const char *product;
	char title[64]; /* the contract's info.title */
	long status;
	int version; /* the version a 2xx answer names */
	char *body;  /* the answer (malloc'd) */
	char *type;  /* its Content-Type (malloc'd) */
};

static json_t *race_contract(const char *title)
{
	return json_pack("{s:s, s:{s:s, s:s}, s:{}}", "openapi", "3.1.0", "info", "title", title,
	                 "version", "1.0.0", "paths");
}

static void *race_run(void *arg)
{
	struct racer *w = arg;
	struct hs_response r;
	char path[128];
	json_t *req =
	    json_pack("{s:s, s:o}", "format", "openapi", "contract", race_contract(w->title));
	char *body = json_dumps(req, JSON_COMPACT);

	json_decref(req);
	snprintf(path, sizeof(path), "/domains/conc/products/%s/versions", w->product);
	pthread_barrier_wait(w->start);
	hs_req("POST", path, hs_srv.admin, body, &r);
	free(body);
	w->status = r.status;
	json_t *j = hs_json(&r);
	w->version = (int)json_integer_value(json_object_get(j, "version"));
	json_decref(j);
	w->type = hs_header(&r, "Content-Type");
	w->body = r.body;
	r.body = NULL;
	hs_response_release(&r);
	return NULL;
}

/* Runs RACERS racers (titles set by the caller) at once on product. */
static void race(struct racer *w, const char *product)
{
	pthread_barrier_t start;
	pthread_t th[RACERS];

	ck_assert_int_eq(pthread_barrier_init(&start, NULL, RACERS), 0);
	for (int i = 0; i < RACERS; i++) {
		w[i].start = &start;
		w[i].product = product;
		ck_assert_int_eq(pthread_create(&th[i], NULL, race_run, &w[i]), 0);
	}
	for (int i = 0; i < RACERS; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&start);
}

static void racers_release(struct racer *w)
{
	for (int i = 0; i < RACERS; i++) {
		free(w[i].body);
		free(w[i].type);
		w[i].body = w[i].type = NULL;
	}
}

/* The product's versions: fps[n - 1] is version n's fingerprint; returns how many. Fails
 * unless they are numbered 1..n in order. */
static int race_versions(const char *product, char fps[][72], int max)
{
	struct hs_response r;
	char path[128];
	json_t *item;
	size_t i;

	snprintf(path, sizeof(path), "/domains/conc/products/%s/versions?limit=500", product);
	ck_assert_int_eq(hs_req("GET", path, NULL, NULL, &r), 200);
	json_t *j = hs_json(&r), *items = json_object_get(j, "items");
	ck_assert_msg((int)json_array_size(items) <= max, "%s: too many versions", product);
	json_array_foreach(items, i, item)
	{
		const char *fp = json_string_value(json_object_get(item, "fingerprint"));
		ck_assert_msg(
		    json_integer_value(json_object_get(item, "version")) == (long long)i + 1,
		    "%s: versions are not numbered 1..n without gaps: %s", product, r.body);
		ck_assert_ptr_nonnull(fp);
		snprintf(fps[i], 72, "%s", fp);
	}
	int n = (int)json_array_size(items);
	json_decref(j);
	hs_response_release(&r);
	return n;
}

static void race_fingerprint(const char *title, char fp[72])
{
	json_t *c = race_contract(title);

	ck_assert_int_eq(contract_fingerprint(DW_FMT_OPENAPI, c, fp), 0);
	json_decref(c);
}

START_TEST(test_racing_different_contracts)
{
	static char fps[RACE_ROUNDS * RACERS + 1][72];
	struct racer w[RACERS];
	int have = 0, refused = 0;

	put_product("race", NULL);
	for (int round = 0; round < RACE_ROUNDS; round++) {
		int created = 0, n;

		/* the transitive modes compare with every earlier version, the others with the
		 * latest: both paths race */
		if (round % 5 == 0) {
			struct hs_response r;
			const char *mode = round % 10 ? "FULL_TRANSITIVE" : "BACKWARD";
			char body[64];
			snprintf(body, sizeof(body), "{\"compatibility\": \"%s\"}", mode);
			ck_assert_int_eq(hs_req("PUT", "/domains/conc/products/race/compatibility",
			                        hs_srv.admin, body, &r),
			                 200);
			hs_response_release(&r);
		}
		memset(w, 0, sizeof(w));
		for (int i = 0; i < RACERS; i++)
			snprintf(w[i].title, sizeof(w[i].title), "race r%d racer %d", round, i);
		race(w, "race");
		for (int i = 0; i < RACERS; i++) {
			ck_assert_msg(w[i].status == 201 || w[i].status == 409,
			              "round %d racer %d: %ld %s", round, i, w[i].status,
			              w[i].body);
			if (w[i].status == 409) {
				json_t *p = json_loads(w[i].body, 0, NULL);
				ck_assert_msg(
				    w[i].type &&
				        strcmp(w[i].type, "application/problem+json") == 0 &&
				        json_integer_value(json_object_get(p, "status")) == 409,
				    "round %d racer %d: 409 is no problem document: %s", round, i,
				    w[i].body);
				json_decref(p);
				refused++;
				continue;
			}
			created++;
			for (int k = 0; k < i; k++)
				ck_assert_msg(w[k].status != 201 || w[k].version != w[i].version,
				              "round %d: racers %d and %d both created version %d",
				              round, k, i, w[i].version);
		}
		ck_assert_msg(created > 0, "round %d: every racer was refused", round);
		n = race_versions("race", fps, RACE_ROUNDS * RACERS);
		ck_assert_msg(n == have + created, "round %d: %d versions, expected %d + %d", round,
		              n, have, created);
		for (int i = 0; i < RACERS; i++) {
			char fp[72];
			race_fingerprint(w[i].title, fp);
			if (w[i].status == 201) {
				ck_assert_msg(
				    w[i].version > have && w[i].version <= n &&
				        strcmp(fps[w[i].version - 1], fp) == 0,
				    "round %d racer %d: version %d does not hold its contract",
				    round, i, w[i].version);
				continue;
			}
			for (int v = 0; v < n; v++)
				ck_assert_msg(
				    strcmp(fps[v], fp) != 0,
				    "round %d racer %d: refused, yet stored as version %d", round,
				    i, v + 1);
		}
		have = n;
		racers_release(w);
	}
	fprintf(stderr, "test_concurrency: %d versions from %d racers, %d clean 409s\n", have,
	        RACE_ROUNDS * RACERS, refused);
}
END_TEST

START_TEST(test_racing_identical_contracts)
{
	static char fps[RACE_ROUNDS + 1][72];
	struct racer w[RACERS];

	put_product("same", NULL);
	for (int round = 0; round < RACE_ROUNDS; round++) {
		int created = 0, n;
		char fp[72];

		memset(w, 0, sizeof(w));
		for (int i = 0; i < RACERS; i++)
			snprintf(w[i].title, sizeof(w[i].title), "same r%d", round);
		race(w, "same");
		for (int i = 0; i < RACERS; i++) {
			ck_assert_msg(w[i].status == 201 || w[i].status == 200,
			              "round %d racer %d: %ld %s", round, i, w[i].status,
			              w[i].body);
			created += w[i].status == 201;
			ck_assert_msg(w[i].version == round + 1,
			              "round %d racer %d: answered version %d, not %d", round, i,
			              w[i].version, round + 1);
		}
		ck_assert_msg(created == 1, "round %d: %d racers created the version", round,
		              created);
		n = race_versions("same", fps, RACE_ROUNDS);
		race_fingerprint(w[0].title, fp);
		ck_assert_msg(n == round + 1 && strcmp(fps[n - 1], fp) == 0,
		              "round %d: %d versions, the latest not the raced contract", round, n);
		racers_release(w);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("concurrency");
	TCase *tc = tcase_create("races");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, hs_teardown);
	tcase_add_test(tc, test_if_match_no_lost_update);
	tcase_add_test(tc, test_racing_different_contracts);
	tcase_add_test(tc, test_racing_identical_contracts);
	suite_add_tcase(s, tc);
	return hs_run_suite(s);
}
