/*
 * Durability: a write drivewayd acknowledged survives the server being killed, and a write it
 * did not acknowledge is either wholly there or not at all.
 *
 * sigkill/burst: each round, four threads register products and versions as fast as the server
 * takes them while the main thread SIGKILLs drivewayd at a random moment. Every registration
 * that got a 2xx answer must be there after a restart on the same database, and SQLite's
 * integrity check must pass both on the killed database and after the restart.
 *
 * sigkill/mixed: the same with every kind of write mixed (product PUTs that create, replace and
 * revive, version POSTs, compatibility mode changes, product deletes, token creation), on the
 * same database for MIX_ROUNDS rounds. Each thread owns its products, so it keeps an exact model
 * of what the registry must hold: every acknowledged write, and the one write it had in flight
 * when the server died. After each restart the unacknowledged write is resolved (its whole
 * result, or the previous state exactly: a version with its contract and fingerprint or no
 * version, a product document with its revision or the old one with the old revision), then
 * everything the model holds is compared with the registry, and integrity_check and
 * foreign_key_check must come back clean. DRIVEWAY_SEED replays a run.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tests/integration/harness.c"
#include "validators/contract.h"

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

static unsigned test_seed(void)
{
	const char *env = getenv("DRIVEWAY_SEED");
	unsigned seed = env && *env ? (unsigned)strtoul(env, NULL, 10)
	                            : (unsigned)time(NULL) ^ ((unsigned)getpid() << 8);

	fprintf(stderr, "test_durability: DRIVEWAY_SEED=%u\n", seed);
	return seed;
}

START_TEST(test_sigkill_mid_burst)
{
	struct hs_response r;
	unsigned seed = test_seed();

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

/* Mixed writes ----------------------------------------------------------------------------- */

#define MIX_ROUNDS 20
#define MIX_THREADS 4
#define MIX_PRODUCTS 4  /* per thread */
#define MIX_VERSIONS 64 /* per product: past that, its thread writes other things */
#define MIX_TOKENS 128  /* per thread */

static const char *const mix_modes[] = {
    "NONE", "BACKWARD",       "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE",
    "FULL", "FULL_TRANSITIVE"};
#define MIX_MODES ((int)(sizeof(mix_modes) / sizeof(mix_modes[0])))

enum mix_op { MIX_NONE, MIX_PUT, MIX_VERSION, MIX_MODE, MIX_DELETE, MIX_TOKEN, MIX_OPS };
static const char *const mix_op_names[] = {"none",     "product PUT",    "version POST",
                                           "mode PUT", "product DELETE", "token POST"};

/* What the registry must hold for one product. */
struct mix_product {
	char name[40];
	int exists, live;
	int gen;  /* the acknowledged document is mix_doc(name, gen, mode) */
	int mode; /* index into mix_modes; -1: no spec.compatibility */
	long long rev;
	int nversions;
	int keys[MIX_VERSIONS];   /* version i + 1 holds mix_contract(name, keys[i]) */
	int rounds[MIX_VERSIONS]; /* the round version i + 1 was acknowledged in */
	int next_key;
};

struct mix_token {
	long long id;
	char name[48];
	char secret[128]; /* "" when the creation was not acknowledged (no secret seen) */
	int round;
};

struct mix_worker {
	const struct hs_server *srv;
	int id, round;
	unsigned seed;
	struct mix_product products[MIX_PRODUCTS];
	struct mix_token tokens[MIX_TOKENS];
	int ntokens, next_token;
	long acked[MIX_OPS];   /* acknowledged writes, all rounds */
	long applied[MIX_OPS]; /* unacknowledged writes found done after the restart */
	long dropped[MIX_OPS]; /* unacknowledged writes found not done */
	/* The write in flight when the server died: its kind, product and argument (the new
	 * mode, the contract key), or the token's name. */
	enum mix_op pending;
	int pending_product, pending_arg;
	char pending_token[48];
	char failure[600]; /* an unexpected answer while the server was up */
};
_Static_assert(sizeof(((struct mix_worker *)0)->pending_token) ==
                   sizeof(((struct mix_token *)0)->name),
               "a token's name is copied whole");

static json_t *mix_doc(const struct mix_product *p, int gen, int mode)
{
	/* every generation differs in its description, lifecycle and tags */
	json_t *doc = json_pack("{s:s, s:s, s:{s:s, s:s, s:s, s:s, s:[s, s]}, s:{s:s, s:{s:s}}}",
	                        "apiVersion", "driveway/v1", "kind", "DataProduct", "metadata",
	                        "domain", "mix", "name", p->name, "owner", "team-mix", "lifecycle",
	                        gen % 2 ? "experimental" : "production", "tags", "mix",
	                        gen % 2 ? "odd" : "even", "spec", "type", "api", "contract",
	                        "format", "openapi");
	char desc[64];

	ck_assert_ptr_nonnull(doc);
	snprintf(desc, sizeof(desc), "generation %d", gen);
	json_object_set_new(json_object_get(doc, "metadata"), "description", json_string(desc));
	if (mode >= 0)
		json_object_set_new(json_object_get(doc, "spec"), "compatibility",
		                    json_string(mix_modes[mode]));
	return doc;
}

/* Contracts differing only in their info are compatible under every mode. */
static json_t *mix_contract(const struct mix_product *p, int key)
{
	char title[80], version[32];

	snprintf(title, sizeof(title), "%s contract %d", p->name, key);
	snprintf(version, sizeof(version), "1.%d.0", key);
	return json_pack("{s:s, s:{s:s, s:s}, s:{}}", "openapi", "3.1.0", "info", "title", title,
	                 "version", version, "paths");
}

static void mix_fingerprint(const struct mix_product *p, int key, char fp[72])
{
	json_t *c = mix_contract(p, key);

	ck_assert_int_eq(contract_fingerprint(DW_FMT_OPENAPI, c, fp), 0);
	json_decref(c);
}

/* Sends method path with doc (taken; NULL for no body) and the admin token. */
static void mix_send(struct mix_worker *w, const char *method, const char *path, json_t *doc,
                     struct hs_response *r)
{
	char *body = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	struct hs_request rq = {
	    .method = method, .path = path, .token = w->srv->admin, .body = body};

	json_decref(doc);
	hs_do(w->srv, &rq, r);
	free(body);
}

/* The document of a product answer without what the registry adds; *rev its revision. */
static json_t *mix_stored_doc(const struct hs_response *r, long long *rev)
{
	json_t *doc = hs_json(r);

	*rev = json_integer_value(json_object_get(json_object_get(doc, "status"), "revision"));
	json_object_del(doc, "status");
	json_object_del(doc, "links");
	return doc;
}

static void mix_fail(struct mix_worker *w, const char *what, const struct hs_response *r)
{
	snprintf(w->failure, sizeof(w->failure), "worker %d, round %d: %s answered %ld: %.400s",
	         w->id, w->round, what, r->status, r->body ? r->body : "");
}

/* One write on product p (or a token), applied to the model when acknowledged. */
static void mix_step(struct mix_worker *w, int pi, enum mix_op op)
{
	struct mix_product *p = &w->products[pi];
	struct hs_response r;
	char path[200], what[240];
	int arg = 0;

	snprintf(path, sizeof(path), "/domains/mix/products/%s", p->name);
	switch (op) {
	case MIX_PUT:
		snprintf(what, sizeof(what), "PUT %s", path);
		mix_send(w, "PUT", path, mix_doc(p, p->gen + 1, p->mode), &r);
		break;
	case MIX_VERSION:
		arg = p->next_key++;
		snprintf(what, sizeof(what), "POST %s/versions (contract %d)", path, arg);
		strncat(path, "/versions", sizeof(path) - strlen(path) - 1);
		mix_send(
		    w, "POST", path,
		    json_pack("{s:s, s:o}", "format", "openapi", "contract", mix_contract(p, arg)),
		    &r);
		break;
	case MIX_MODE:
		arg = (p->mode + 1 + (int)(rand_r(&w->seed) % (MIX_MODES - 1))) % MIX_MODES;
		if (arg == p->mode)
			arg = (arg + 1) % MIX_MODES;
		snprintf(what, sizeof(what), "PUT %s/compatibility %s", path, mix_modes[arg]);
		strncat(path, "/compatibility", sizeof(path) - strlen(path) - 1);
		mix_send(w, "PUT", path, json_pack("{s:s}", "compatibility", mix_modes[arg]), &r);
		break;
	case MIX_DELETE:
		snprintf(what, sizeof(what), "DELETE %s", path);
		mix_send(w, "DELETE", path, NULL, &r);
		break;
	case MIX_TOKEN:
		snprintf(w->pending_token, sizeof(w->pending_token), "mix-w%d-%d", w->id,
		         w->next_token++);
		snprintf(what, sizeof(what), "POST /domains/mix/tokens %s", w->pending_token);
		mix_send(w, "POST", "/domains/mix/tokens",
		         json_pack("{s:s}", "name", w->pending_token), &r);
		break;
	default:
		return;
	}
	if (r.status == 0) {
		/* No answer: the server is gone. What the write did is resolved after the
		 * restart. */
		w->pending = op;
		w->pending_product = pi;
		w->pending_arg = arg;
		hs_response_release(&r);
		return;
	}
	json_t *j = hs_json(&r);
	switch (op) {
	case MIX_PUT: {
		long long rev, want = p->exists ? p->rev + 1 : 1;
		json_t *doc = mix_stored_doc(&r, &rev), *sent = mix_doc(p, p->gen + 1, p->mode);
		if (r.status != (p->exists ? 200 : 201) || rev != want || !json_equal(doc, sent))
			mix_fail(w, what, &r);
		json_decref(doc);
		json_decref(sent);
		p->exists = p->live = 1;
		p->gen++;
		p->rev = want;
		break;
	}
	case MIX_VERSION: {
		char fp[72];
		mix_fingerprint(p, arg, fp);
		const char *got = json_string_value(json_object_get(j, "fingerprint"));
		if (r.status != 201 ||
		    json_integer_value(json_object_get(j, "version")) != p->nversions + 1 || !got ||
		    strcmp(got, fp) != 0)
			mix_fail(w, what, &r);
		p->keys[p->nversions] = arg;
		p->rounds[p->nversions] = w->round;
		p->nversions++;
		break;
	}
	case MIX_MODE: {
		const char *got = json_string_value(json_object_get(j, "compatibility"));
		if (r.status != 200 || !got || strcmp(got, mix_modes[arg]) != 0)
			mix_fail(w, what, &r);
		p->mode = arg;
		p->rev++;
		break;
	}
	case MIX_DELETE:
		if (r.status != 204)
			mix_fail(w, what, &r);
		p->live = 0;
		p->rev++;
		break;
	case MIX_TOKEN: {
		struct mix_token *t = &w->tokens[w->ntokens++];
		const char *secret = json_string_value(json_object_get(j, "token"));
		t->id = json_integer_value(json_object_get(j, "id"));
		memcpy(t->name, w->pending_token, sizeof(t->name));
		snprintf(t->secret, sizeof(t->secret), "%s", secret ? secret : "");
		t->round = w->round;
		if (r.status != 201 || t->id <= 0 || !secret)
			mix_fail(w, what, &r);
		break;
	}
	default:
		break;
	}
	if (!w->failure[0])
		w->acked[op]++;
	json_decref(j);
	hs_response_release(&r);
}

static void *mix_run(void *arg)
{
	struct mix_worker *w = arg;

	while (w->pending == MIX_NONE && !w->failure[0]) {
		int pi = (int)(rand_r(&w->seed) % MIX_PRODUCTS),
		    dice = (int)(rand_r(&w->seed) % 100);
		const struct mix_product *p = &w->products[pi];
		enum mix_op op;

		if (!p->live)
			op = MIX_PUT;
		else if (dice < 25)
			op = MIX_PUT;
		else if (dice < 60)
			op = p->nversions < MIX_VERSIONS ? MIX_VERSION : MIX_PUT;
		else if (dice < 78)
			op = MIX_MODE;
		else if (dice < 88)
			op = MIX_DELETE;
		else
			op = w->ntokens < MIX_TOKENS - 1 ? MIX_TOKEN : MIX_MODE;
		mix_step(w, pi, op);
	}
	return NULL;
}

static void mix_get(const char *path, struct hs_response *r)
{
	struct hs_request get = {.path = path};

	hs_do(&srv, &get, r);
	ck_assert_msg(r->status != 0, "GET %s: no answer", path);
}

/* The versions of live product p as listed: an array (new reference). */
static json_t *mix_versions(const struct mix_product *p)
{
	struct hs_response r;
	char path[200];
	json_t *items;

	snprintf(path, sizeof(path), "/domains/mix/products/%s/versions?limit=500", p->name);
	mix_get(path, &r);
	ck_assert_msg(r.status == 200, "GET %s: %ld %s", path, r.status, r.body);
	json_t *j = hs_json(&r);
	items = json_incref(json_object_get(j, "items"));
	ck_assert_msg(json_is_array(items), "GET %s: no items: %s", path, r.body);
	json_decref(j);
	hs_response_release(&r);
	return items;
}

/* 1 when version number of p holds exactly contract key (fingerprint and text). */
static int mix_version_holds(const struct mix_product *p, const json_t *item, int number, int key)
{
	struct hs_response r;
	char fp[72], path[220];
	const char *got = json_string_value(json_object_get(item, "fingerprint"));
	int ok;

	mix_fingerprint(p, key, fp);
	if (json_integer_value(json_object_get(item, "version")) != number || !got ||
	    strcmp(got, fp) != 0)
		return 0;
	snprintf(path, sizeof(path), "/domains/mix/products/%s/versions/%d/contract", p->name,
	         number);
	mix_get(path, &r);
	json_t *stored = hs_json(&r), *sent = mix_contract(p, key);
	ok = r.status == 200 && json_equal(stored, sent);
	json_decref(stored);
	json_decref(sent);
	hs_response_release(&r);
	return ok;
}

/* The live tokens of domain mix (new reference). */
static json_t *mix_token_list(void)
{
	struct hs_response r;
	struct hs_request get = {.path = "/domains/mix/tokens", .token = srv.admin};

	hs_do(&srv, &get, &r);
	ck_assert_msg(r.status == 200, "GET /domains/mix/tokens: %ld %s", r.status, r.body);
	json_t *j = hs_json(&r), *items = json_incref(json_object_get(j, "items"));
	json_decref(j);
	hs_response_release(&r);
	ck_assert_ptr_nonnull(items);
	return items;
}

static int mix_token_count(const json_t *items, const char *name, const json_t **found)
{
	const json_t *t;
	size_t i;
	int n = 0;

	json_array_foreach(items, i, t)
	{
		const char *tn = json_string_value(json_object_get(t, "name"));
		if (tn && strcmp(tn, name) == 0) {
			n++;
			*found = t;
		}
	}
	return n;
}

/* Decides what the write in flight at the kill did: all of it (the model takes it) or nothing;
 * anything else fails. */
static void mix_resolve(struct mix_worker *w)
{
	struct mix_product *p = &w->products[w->pending_product];
	enum mix_op op = w->pending;
	struct hs_response r;
	char path[200];
	int done = 0;

	if (op == MIX_NONE)
		return;
	w->pending = MIX_NONE;
	snprintf(path, sizeof(path), "/domains/mix/products/%s", p->name);
	if (op == MIX_PUT || op == MIX_MODE || op == MIX_DELETE) {
		long long rev = 0;
		int gen = op == MIX_PUT ? p->gen + 1 : p->gen;
		int mode = op == MIX_MODE ? w->pending_arg : p->mode;
		long long new_rev = p->exists ? p->rev + 1 : 1;
		json_t *doc = NULL, *old = mix_doc(p, p->gen, p->mode),
		       *now = mix_doc(p, gen, mode);

		mix_get(path, &r);
		if (r.status == 200)
			doc = mix_stored_doc(&r, &rev);
		if (r.status == 404 && op == MIX_DELETE)
			done = 1; /* deleted */
		else if (r.status == 404 && !p->live)
			done = 0; /* the PUT that would create or revive it did not happen */
		else if (r.status == 200 && op != MIX_DELETE && json_equal(doc, now) &&
		         rev == new_rev)
			done = 1;
		else if (r.status == 200 && p->live && json_equal(doc, old) && rev == p->rev)
			done = 0;
		else
			ck_abort_msg(
			    "unacknowledged %s of mix/%s is half-there after SIGKILL: model "
			    "generation %d mode %d revision %lld live %d; GET %ld %s",
			    mix_op_names[op], p->name, p->gen, p->mode, p->rev, p->live, r.status,
			    r.body);
		json_decref(doc);
		json_decref(old);
		json_decref(now);
		hs_response_release(&r);
		if (done) {
			p->gen = gen;
			p->mode = mode;
			p->rev = new_rev;
			p->exists = 1;
			p->live = op != MIX_DELETE;
		}
	} else if (op == MIX_VERSION) {
		json_t *items = mix_versions(p);
		size_t n = json_array_size(items);

		if (n == (size_t)p->nversions + 1) {
			ck_assert_msg(mix_version_holds(p, json_array_get(items, n - 1), (int)n,
			                                w->pending_arg),
			              "unacknowledged version %zu of mix/%s is half-there after "
			              "SIGKILL (not contract %d, or another fingerprint)",
			              n, p->name, w->pending_arg);
			p->keys[p->nversions] = w->pending_arg;
			p->rounds[p->nversions] = w->round;
			p->nversions++;
			done = 1;
		} else {
			ck_assert_msg(
			    n == (size_t)p->nversions,
			    "mix/%s has %zu versions after SIGKILL, %d acknowledged and one "
			    "in flight",
			    p->name, n, p->nversions);
		}
		json_decref(items);
	} else if (op == MIX_TOKEN) {
		json_t *items = mix_token_list();
		const json_t *found = NULL;
		int n = mix_token_count(items, w->pending_token, &found);

		ck_assert_msg(n <= 1, "token %s listed %d times", w->pending_token, n);
		if (n == 1) {
			struct mix_token *t = &w->tokens[w->ntokens++];
			t->id = json_integer_value(json_object_get(found, "id"));
			memcpy(t->name, w->pending_token, sizeof(t->name));
			t->secret[0] = '\0';
			t->round = w->round;
			done = 1;
		}
		json_decref(items);
	}
	if (done)
		w->applied[op]++;
	else
		w->dropped[op]++;
}

/* Everything the model of w holds is in the registry, exactly. */
static void mix_verify(const struct mix_worker *w, const json_t *tokens)
{
	for (int i = 0; i < MIX_PRODUCTS; i++) {
		const struct mix_product *p = &w->products[i];
		struct hs_response r;
		char path[200];
		long long rev;

		snprintf(path, sizeof(path), "/domains/mix/products/%s", p->name);
		mix_get(path, &r);
		if (!p->live) {
			ck_assert_msg(r.status == 404, "mix/%s: %s, yet GET answers %ld", p->name,
			              p->exists ? "deleted" : "never created", r.status);
			hs_response_release(&r);
			continue;
		}
		ck_assert_msg(r.status == 200, "acknowledged mix/%s lost after SIGKILL: GET %ld",
		              p->name, r.status);
		json_t *j = hs_json(&r), *status = json_object_get(j, "status");
		long long versions = json_integer_value(json_object_get(status, "versions"));
		json_t *latest = json_object_get(status, "latestVersion");
		json_t *doc = mix_stored_doc(&r, &rev), *want = mix_doc(p, p->gen, p->mode);
		ck_assert_msg(json_equal(doc, want) && rev == p->rev,
		              "mix/%s after SIGKILL: revision %lld (want %lld), document %s",
		              p->name, rev, p->rev, r.body);
		ck_assert_msg(versions == p->nversions &&
		                  (p->nversions ? json_integer_value(latest) == p->nversions
		                                : json_is_null(latest)),
		              "mix/%s after SIGKILL: status %s, %d versions acknowledged", p->name,
		              r.body, p->nversions);
		json_decref(doc);
		json_decref(want);
		json_decref(j);
		hs_response_release(&r);

		json_t *items = mix_versions(p);
		ck_assert_int_eq(json_array_size(items), p->nversions);
		for (int v = 0; v < p->nversions; v++) {
			const json_t *item = json_array_get(items, (size_t)v);
			const char *got = json_string_value(json_object_get(item, "fingerprint"));
			char fp[72];

			if (p->rounds[v] == w->round) {
				/* acknowledged in this round: the text too */
				ck_assert_msg(mix_version_holds(p, item, v + 1, p->keys[v]),
				              "mix/%s@%d does not hold contract %d after SIGKILL",
				              p->name, v + 1, p->keys[v]);
				continue;
			}
			mix_fingerprint(p, p->keys[v], fp);
			ck_assert_msg(json_integer_value(json_object_get(item, "version")) ==
			                      v + 1 &&
			                  got && strcmp(got, fp) == 0,
			              "mix/%s@%d after SIGKILL: %s", p->name, v + 1,
			              got ? got : "no fingerprint");
		}
		json_decref(items);
	}
	for (int i = 0; i < w->ntokens; i++) {
		const struct mix_token *t = &w->tokens[i];
		const json_t *found = NULL;

		ck_assert_msg(mix_token_count(tokens, t->name, &found) == 1 &&
		                  json_integer_value(json_object_get(found, "id")) == t->id,
		              "token %s (id %lld) not listed once after SIGKILL", t->name, t->id);
		if (t->round != w->round || !t->secret[0])
			continue;
		/* the secret authenticates: an unchanged PUT of the domain, which its token may do
		 */
		struct hs_response r;
		struct hs_request put = {.method = "PUT",
		                         .path = "/domains/mix",
		                         .token = t->secret,
		                         .body = "{\"apiVersion\": \"driveway/v1\", \"kind\": "
		                                 "\"Domain\", \"metadata\": {\"name\": \"mix\"}, "
		                                 "\"spec\": {\"title\": \"Mixed\", \"owner\": "
		                                 "\"team-mix\"}}"};
		hs_do(&srv, &put, &r);
		ck_assert_msg(r.status == 200,
		              "token %s does not authenticate after SIGKILL: %ld %s", t->name,
		              r.status, r.body);
		hs_response_release(&r);
	}
}

static void assert_foreign_keys(const char *when)
{
	char *out = hs_sqlite(&srv, "PRAGMA foreign_key_check");

	ck_assert_msg(out != NULL, "sqlite3 could not open %s %s", srv.db, when);
	ck_assert_msg(out[0] == '\0', "foreign_key_check %s: %s", when, out);
	free(out);
}

START_TEST(test_sigkill_mixed)
{
	static struct mix_worker workers[MIX_THREADS];
	struct hs_response r;
	unsigned seed = test_seed();
	long acked[MIX_OPS] = {0}, applied[MIX_OPS] = {0}, dropped[MIX_OPS] = {0};

	ck_assert_int_eq(
	    hs_do(&srv,
	          &(struct hs_request){.method = "PUT",
	                               .path = "/domains/mix",
	                               .token = srv.admin,
	                               .body = "{\"apiVersion\": \"driveway/v1\", \"kind\": "
	                                       "\"Domain\", \"metadata\": {\"name\": \"mix\"}, "
	                                       "\"spec\": {\"title\": \"Mixed\", \"owner\": "
	                                       "\"team-mix\"}}"},
	          &r),
	    0);
	ck_assert_msg(r.status == 201, "PUT /domains/mix: %ld %s", r.status, r.body);
	hs_response_release(&r);

	memset(workers, 0, sizeof(workers));
	for (int i = 0; i < MIX_THREADS; i++) {
		workers[i].srv = &srv;
		workers[i].id = i;
		workers[i].seed = seed + 7919u * (unsigned)(i + 1);
		for (int k = 0; k < MIX_PRODUCTS; k++) {
			snprintf(workers[i].products[k].name, sizeof(workers[i].products[k].name),
			         "w%d-p%d", i, k);
			workers[i].products[k].mode = -1;
			workers[i].products[k].next_key = 1;
		}
	}
	for (int round = 1; round <= MIX_ROUNDS; round++) {
		pthread_t th[MIX_THREADS];
		long before = 0, after = 0;

		for (int i = 0; i < MIX_THREADS; i++)
			for (int k = 0; k < MIX_OPS; k++)
				before += workers[i].acked[k];
		for (int i = 0; i < MIX_THREADS; i++) {
			workers[i].round = round;
			ck_assert_int_eq(pthread_create(&th[i], NULL, mix_run, &workers[i]), 0);
		}
		/* Kill somewhere between 50 and 450 ms into the round. */
		hs_sleep_ms(50 + (long)(rand_r(&seed) % 400));
		hs_server_kill(&srv);
		for (int i = 0; i < MIX_THREADS; i++)
			pthread_join(th[i], NULL);
		for (int i = 0; i < MIX_THREADS; i++) {
			ck_assert_msg(!workers[i].failure[0], "%s", workers[i].failure);
			for (int k = 0; k < MIX_OPS; k++)
				after += workers[i].acked[k];
		}
		assert_integrity("after SIGKILL");
		assert_foreign_keys("after SIGKILL");
		ck_assert_msg(hs_server_restart(&srv) == 0, "round %d: drivewayd did not restart",
		              round);
		for (int i = 0; i < MIX_THREADS; i++)
			mix_resolve(&workers[i]);
		json_t *tokens = mix_token_list();
		for (int i = 0; i < MIX_THREADS; i++)
			mix_verify(&workers[i], tokens);
		json_decref(tokens);
		assert_integrity("after restart");
		assert_foreign_keys("after restart");
		fprintf(stderr, "test_durability: mixed round %d: %ld writes acknowledged\n", round,
		        after - before);
	}
	for (int i = 0; i < MIX_THREADS; i++)
		for (int k = 0; k < MIX_OPS; k++) {
			acked[k] += workers[i].acked[k];
			applied[k] += workers[i].applied[k];
			dropped[k] += workers[i].dropped[k];
		}
	for (int k = MIX_PUT; k < MIX_OPS; k++) {
		fprintf(stderr,
		        "test_durability: %-14s %5ld acknowledged; in flight at a kill: %ld done, "
		        "%ld not\n",
		        mix_op_names[k], acked[k], applied[k], dropped[k]);
		ck_assert_msg(acked[k] > 0, "no %s was acknowledged in %d rounds", mix_op_names[k],
		              MIX_ROUNDS);
	}
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
	tcase_add_test(tc, test_sigkill_mixed);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	/* No fork: a failed assertion still runs the teardown that stops the server. */
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
