/*
 * Durability: a write drivewayd acknowledged survives the server being killed.
 *
 * Each round, four threads register products and versions as fast as the server takes them
 * while the main thread SIGKILLs drivewayd at a random moment. Every registration that got a
 * 2xx answer must be there after a restart on the same database, and SQLite's integrity check
 * must pass both on the killed database and after the restart.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tests/integration/harness.c"

#define ROUNDS 5
#define THREADS 4
#define PER_THREAD 400

struct acked {
	char name[48];
	int product; /* the PUT got 2xx */
	int version; /* the version number a 2xx POST answered, 0 when none */
};

struct worker {
	const struct hs_server *srv;
	int round, id;
	struct acked items[PER_THREAD];
	int count; /* items attempted */
};

static struct hs_server srv;

static void setup(void)
{
	ck_assert_msg(hs_server_start(&srv, NULL) == 0, "drivewayd did not start");
}

static void teardown(void)
{
	hs_server_release(&srv);
}

static void *burst(void *arg)
{
	struct worker *w = arg;
	int failures = 0;

	for (int j = 0; j < PER_THREAD && failures < 3; j++) {
		struct acked *a = &w->items[j];
		struct hs_response r;
		char path[160], body[1024];

		snprintf(a->name, sizeof(a->name), "r%d-t%d-%03d", w->round, w->id, j);
		w->count = j + 1;
		snprintf(path, sizeof(path), "/domains/burst/products/%s", a->name);
		snprintf(body, sizeof(body),
		         "{\"apiVersion\": \"driveway/v1\", \"kind\": \"DataProduct\", "
		         "\"metadata\": {\"domain\": \"burst\", \"name\": \"%s\", "
		         "\"owner\": \"team-burst\"}, \"spec\": {\"type\": \"api\", "
		         "\"contract\": {\"format\": \"openapi\"}}}",
		         a->name);
		struct hs_request put = {
		    .method = "PUT", .path = path, .token = w->srv->admin, .body = body};
		hs_do(w->srv, &put, &r);
		if (r.status == 0)
			failures++;
		a->product = r.status >= 200 && r.status < 300;
		hs_response_release(&r);
		if (!a->product)
			continue;

		snprintf(path, sizeof(path), "/domains/burst/products/%s/versions", a->name);
		snprintf(body, sizeof(body),
		         "{\"format\": \"openapi\", \"contract\": {\"openapi\": \"3.1.0\", "
		         "\"info\": {\"title\": \"%s\", \"version\": \"1.0.0\"}, \"paths\": {}}}",
		         a->name);
		struct hs_request post = {
		    .method = "POST", .path = path, .token = w->srv->admin, .body = body};
		hs_do(w->srv, &post, &r);
		if (r.status == 0)
			failures++;
		if (r.status >= 200 && r.status < 300) {
			json_t *j2 = hs_json(&r);
			a->version = (int)json_integer_value(json_object_get(j2, "version"));
			if (a->version <= 0)
				a->version = -1; /* acknowledged without a number: reported below */
			json_decref(j2);
		}
		hs_response_release(&r);
	}
	return NULL;
}

static void assert_integrity(const char *when)
{
	char *out = hs_sqlite(&srv, "PRAGMA integrity_check");

	ck_assert_msg(out != NULL, "sqlite3 could not open %s %s", srv.db, when);
	ck_assert_msg(strcmp(out, "ok\n") == 0, "integrity_check %s: %s", when, out);
	free(out);
}

static void verify(const struct worker *w, int *products, int *versions)
{
	for (int j = 0; j < w->count; j++) {
		const struct acked *a = &w->items[j];
		struct hs_response r;
		char path[200];

		if (!a->product)
			continue;
		snprintf(path, sizeof(path), "/domains/burst/products/%s", a->name);
		struct hs_request get = {.path = path};
		hs_do(&srv, &get, &r);
		ck_assert_msg(r.status == 200,
		              "acknowledged product %s lost after SIGKILL: GET %ld", a->name,
		              r.status);
		hs_response_release(&r);
		(*products)++;
		if (!a->version)
			continue;
		ck_assert_msg(a->version == 1, "%s: first version answered as number %d", a->name,
		              a->version);
		snprintf(path, sizeof(path), "/domains/burst/products/%s/versions/1/contract",
		         a->name);
		get.path = path;
		hs_do(&srv, &get, &r);
		ck_assert_msg(r.status == 200,
		              "acknowledged version %s@1 lost after SIGKILL: GET contract %ld",
		              a->name, r.status);
		json_t *c = hs_json(&r);
		const char *title =
		    json_string_value(json_object_get(json_object_get(c, "info"), "title"));
		ck_assert_msg(title && strcmp(title, a->name) == 0,
		              "%s@1 holds another contract: %s", a->name, r.body);
		json_decref(c);
		hs_response_release(&r);
		(*versions)++;
	}
}

START_TEST(test_sigkill_mid_burst)
{
	struct hs_response r;
	unsigned seed;
	const char *env = getenv("DRIVEWAY_SEED");

	seed = env && *env ? (unsigned)strtoul(env, NULL, 10)
	                   : (unsigned)time(NULL) ^ ((unsigned)getpid() << 8);
	fprintf(stderr, "test_durability: DRIVEWAY_SEED=%u\n", seed);

	ck_assert_int_eq(
	    hs_do(&srv,
	          &(struct hs_request){.method = "PUT",
	                               .path = "/domains/burst",
	                               .token = srv.admin,
	                               .body = "{\"apiVersion\": \"driveway/v1\", \"kind\": "
	                                       "\"Domain\", \"metadata\": {\"name\": \"burst\"}, "
	                                       "\"spec\": {\"title\": \"Burst\", \"owner\": "
	                                       "\"team-burst\"}}"},
	          &r),
	    0);
	ck_assert_msg(r.status == 201, "PUT /domains/burst: %ld %s", r.status, r.body);
	hs_response_release(&r);

	static struct worker workers[THREADS];
	for (int round = 1; round <= ROUNDS; round++) {
		pthread_t th[THREADS];
		int acked_products = 0, acked_versions = 0, products = 0, versions = 0;

		memset(workers, 0, sizeof(workers));
		for (int i = 0; i < THREADS; i++) {
			workers[i].srv = &srv;
			workers[i].round = round;
			workers[i].id = i;
			ck_assert_int_eq(pthread_create(&th[i], NULL, burst, &workers[i]), 0);
		}
		/* Kill somewhere between 150 and 1,150 ms into the burst. */
		hs_sleep_ms(150 + (long)(rand_r(&seed) % 1000));
		hs_server_kill(&srv);
		for (int i = 0; i < THREADS; i++)
			pthread_join(th[i], NULL);
		for (int i = 0; i < THREADS; i++)
			for (int j = 0; j < workers[i].count; j++) {
				acked_products += workers[i].items[j].product;
				acked_versions += workers[i].items[j].version != 0;
			}
		fprintf(stderr,
		        "test_durability: round %d: %d products and %d versions "
		        "acknowledged before SIGKILL\n",
		        round, acked_products, acked_versions);
		ck_assert_msg(acked_products > 0,
		              "round %d: no registration was acknowledged before the kill", round);

		assert_integrity("after SIGKILL");
		ck_assert_msg(hs_server_restart(&srv) == 0, "round %d: drivewayd did not restart",
		              round);
		for (int i = 0; i < THREADS; i++)
			verify(&workers[i], &products, &versions);
		ck_assert_int_eq(products, acked_products);
		ck_assert_int_eq(versions, acked_versions);
		assert_integrity("after restart");
	}

	/* SIGTERM: a clean exit, and the database is still sound. */
	ck_assert_int_eq(hs_server_stop(&srv), 0);
	assert_integrity("after SIGTERM");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("durability");
	TCase *tc = tcase_create("sigkill");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sigkill_mid_burst);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	/* No fork: a failed assertion still runs the teardown that stops the server. */
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
