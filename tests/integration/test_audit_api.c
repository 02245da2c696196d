/*
 * Governance over HTTP, against a real drivewayd on a free loopback port: GET /audit on the
 * examples registered with the real CLI (and on products added to raise known rules), its
 * filters, the --audit-config settings (thresholds, suppressions listed apart, a bad file
 * refused at start with its line and column), POST /advice, GET /graph.dot and /graph.svg
 * (with a description that tries to inject markup), and the audit of 10,000 products.
 *
 * Each test gets its own server (checked fixture), without fork so the teardown always runs.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include <jansson.h>

#include "tests/integration/harness.c"

static char settings_path[64]; /* the --audit-config file of the suite that uses one */

static const char *root_dir(void)
{
	const char *r = getenv("DRIVEWAY_ROOT");
	return r && *r ? r : ".";
}

/* Writes text to a new temporary file; its path goes to path (at least 64 bytes). */
static void temp_file(char *path, const char *text)
{
	FILE *f;
	int fd;

	snprintf(path, 64, "/tmp/dw-audit-XXXXXX");
	fd = mkstemp(path);
	ck_assert_msg(fd >= 0, "mkstemp failed");
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* drivewayd reads DRIVEWAY_AUDIT_CONFIG: the suite's server starts with these settings. */
static void setup_settings(void)
{
	temp_file(settings_path, "# thresholds and suppressions of the registry's audit\n"
	                         "config:\n"
	                         "  maxSyncShare: 0.1\n"
	                         "  syncShareMinFlows: 1\n"
	                         "suppressions:\n"
	                         "  - rule: dangling-flow\n"
	                         "    product: gov/lost\n"
	                         "    reason: the provider registers next sprint\n"
	                         "    expires: 2099-01-01\n");
	setenv("DRIVEWAY_AUDIT_CONFIG", settings_path, 1);
	hs_setup();
	unsetenv("DRIVEWAY_AUDIT_CONFIG");
}

static void teardown_settings(void)
{
	unlink(settings_path);
	hs_teardown();
}

static void expect(const char *method, const char *path, const char *body, long status)
{
	struct hs_response r;
	long got = hs_req(method, path, hs_srv.admin, body, &r);

	ck_assert_msg(got == status, "%s %s: %ld, expected %ld: %s", method, path, got, status,
	              r.body ? r.body : "");
	hs_response_release(&r);
}

/* GET path, 200, the body as JSON (new reference). */
static json_t *get_json(const char *path)
{
	struct hs_response r;
	json_t *doc;

	ck_assert_msg(hs_req("GET", path, hs_srv.admin, NULL, &r) == 200, "GET %s: %ld %s", path,
	              r.status, r.body ? r.body : "");
	doc = hs_json(&r);
	ck_assert_msg(doc != NULL, "GET %s: not JSON", path);
	hs_response_release(&r);
	return doc;
}

/* The problem of a GET expected to fail with status. */
static void expect_problem(const char *path, long status, const char *detail)
{
	struct hs_response r;
	long got = hs_req("GET", path, hs_srv.admin, NULL, &r);

	ck_assert_msg(got == status, "GET %s: %ld, expected %ld: %s", path, got, status,
	              r.body ? r.body : "");
	ck_assert_msg(r.body && strstr(r.body, detail), "GET %s: '%s' not in %s", path, detail,
	              r.body ? r.body : "");
	hs_response_release(&r);
}

/* The examples' five domains, registered with the real CLI. */
static void register_examples(void)
{
	char cmd[2048];
	const char *r = root_dir();
	int rc;

	snprintf(cmd, sizeof(cmd),
	         "DRIVEWAY_URL='%s' DRIVEWAY_TOKEN_FILE='%s.admin-token' '%s/driveway' register "
	         "'%s/examples/customer' '%s/examples/billing' '%s/examples/marketing' "
	         "'%s/examples/support' '%s/examples/analytics' >/dev/null 2>&1",
	         hs_srv.base, hs_srv.db, hs_build_dir(), r, r, r, r, r);
	rc = system(cmd);
	ck_assert_msg(rc == 0, "driveway register examples/ failed (%d)", rc);
}

static void put_product(const char *d, const char *p, const char *rest)
{
	char path[128], body[2048];

	snprintf(path, sizeof(path), "/domains/%s/products/%s", d, p);
	snprintf(body, sizeof(body),
	         "{\"apiVersion\":\"driveway/v1\",\"kind\":\"DataProduct\",\"metadata\":{"
	         "\"domain\":\"%s\",\"name\":\"%s\",\"owner\":\"team-%s\",%s}",
	         d, p, d, rest);
	expect("PUT", path, body, 201);
}

/* Domain gov: front (99.99% declared) calls back (99.5%) synchronously: DW013 on front; lost
 * consumes a product nobody registered: DW025 on lost. */
static void add_gov(void)
{
	expect("PUT", "/domains/gov",
	       "{\"apiVersion\":\"driveway/v1\",\"kind\":\"Domain\","
	       "\"metadata\":{\"name\":\"gov\"},"
	       "\"spec\":{\"title\":\"Governance tests\",\"owner\":\"team-gov\"}}",
	       201);
	put_product("gov", "back",
	            "\"lifecycle\":\"production\"},\"spec\":{\"type\":\"api\",\"sla\":{"
	            "\"availability\":99.5}}");
	put_product("gov", "front",
	            "\"lifecycle\":\"production\"},\"spec\":{\"type\":\"api\",\"sla\":{"
	            "\"availability\":99.99},\"consumes\":[{\"product\":\"gov/back\","
	            "\"pattern\":\"rest-api\",\"consistency\":\"strong\","
	            "\"interaction\":\"query\"}]}");
	put_product("gov", "lost",
	            "\"description\":\"</text><script>alert(1)</script> \\\"quoted\\\" \\\\ "
	            "back\\nslash\"},\"spec\":{\"type\":\"api\",\"consumes\":[{\"product\":"
	            "\"ghost/none\",\"pattern\":\"rest-api\"}]}");
}

/* The findings of list with that rule id. */
static size_t with_rule(const json_t *list, const char *rule)
{
	const json_t *f;
	size_t i, n = 0;

	json_array_foreach(list, i, f)
	{
		n += !strcmp(json_string_value(json_object_get(f, "rule")), rule);
	}
	return n;
}

static const json_t *first_with_rule(const json_t *list, const char *rule)
{
	const json_t *f;
	size_t i;

	json_array_foreach(list, i, f)
	{
		if (!strcmp(json_string_value(json_object_get(f, "rule")), rule))
			return f;
	}
	return NULL;
}

static long long summary_int(const json_t *report, const char *key)
{
	return json_integer_value(json_object_get(json_object_get(report, "summary"), key));
}

START_TEST(test_examples_audit)
{
	json_t *report;
	const json_t *f;
	char today[16];
	time_t now = time(NULL);
	struct tm tm;
	size_t i;

	register_examples();
	report = get_json("/audit");
	/* the examples audit clean (examples/README.md): every flow uses the pattern its
	 * constraints call for */
	ck_assert_uint_eq(json_array_size(json_object_get(report, "findings")), 0);
	ck_assert_uint_eq(json_array_size(json_object_get(report, "suppressed")), 0);
	ck_assert_int_eq(summary_int(report, "findings"), 0);
	ck_assert_int_eq(summary_int(report, "domains"), 5);
	ck_assert_int_eq(summary_int(report, "products"), 9);
	ck_assert_int_eq(summary_int(report, "flows"), 5);
	ck_assert_int_eq(summary_int(report, "syncFlows"), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(report, "config"),
	                                                    "maxDirectFanOut")),
	                 5);
	gmtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	ck_assert_str_eq(json_string_value(json_object_get(report, "now")), today);
	json_decref(report);

	add_gov();
	report = get_json("/audit");
	f = first_with_rule(json_object_get(report, "findings"), "DW013");
	ck_assert_msg(f != NULL, "no DW013 finding");
	ck_assert_str_eq(json_string_value(json_object_get(f, "severity")), "error");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(f, "location"),
	                                                   "product")),
	                 "gov/front");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(f, "message")), "99.5"));
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(f, "fix")), "SLA"));
	f = first_with_rule(json_object_get(report, "findings"), "DW025");
	ck_assert_msg(f != NULL, "no DW025 finding");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(f, "flows"), 0)),
	                 "gov/lost->ghost/none");
	/* every finding says what to do */
	json_array_foreach(json_object_get(report, "findings"), i, f)
	    ck_assert_msg(json_is_string(json_object_get(f, "fix")), "finding %zu has no fix", i);
	ck_assert_int_eq(summary_int(report, "products"), 12);
	json_decref(report);
}
END_TEST

START_TEST(test_audit_filters)
{
	json_t *all, *some;
	const json_t *f, *summary;
	size_t i;

	register_examples();
	add_gov();
	all = get_json("/audit");
	summary = json_object_get(all, "summary");
	ck_assert_ptr_null(json_object_get(all, "filtered"));
	ck_assert_uint_ge(json_array_size(json_object_get(all, "findings")), 2);

	some = get_json("/audit?severity=error");
	json_array_foreach(json_object_get(some, "findings"), i, f)
	    ck_assert_str_eq(json_string_value(json_object_get(f, "severity")), "error");
	ck_assert_uint_eq(with_rule(json_object_get(some, "findings"), "DW013"), 1);
	ck_assert_uint_eq(with_rule(json_object_get(some, "findings"), "DW025"), 1);
	/* the summary is the whole landscape's; filtered says what was kept */
	ck_assert(json_equal(json_object_get(some, "summary"), summary));
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(some, "filtered"),
	                                                   "severity")),
	                 "error");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(some, "filtered"),
	                                                    "findings")),
	                 (long long)json_array_size(json_object_get(some, "findings")));
	json_decref(some);

	some = get_json("/audit?severity=info&rule=DW013");
	ck_assert_uint_eq(json_array_size(json_object_get(some, "findings")), 0);
	json_decref(some);

	/* a rule by id and by name */
	some = get_json("/audit?rule=DW013");
	ck_assert_uint_eq(json_array_size(json_object_get(some, "findings")), 1);
	json_decref(some);
	some = get_json("/audit?rule=sync-chain-sla");
	ck_assert_uint_eq(json_array_size(json_object_get(some, "findings")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(some, "filtered"),
	                                                   "rule")),
	                 "DW013");
	json_decref(some);

	/* by domain: gov's findings, none in support */
	some = get_json("/audit?domain=gov");
	ck_assert_uint_eq(json_array_size(json_object_get(some, "findings")),
	                  json_array_size(json_object_get(all, "findings")));
	json_decref(some);
	some = get_json("/audit?domain=support&severity=error");
	ck_assert_uint_eq(json_array_size(json_object_get(some, "findings")), 0);
	json_decref(some);

	expect_problem("/audit?severity=fatal", 400, "invalid severity 'fatal'");
	expect_problem("/audit?rule=DW999", 400, "unknown audit rule 'DW999'");
	expect_problem("/audit?domain=Not_A_Slug", 400, "invalid domain");
	json_decref(all);
}
END_TEST

START_TEST(test_audit_settings)
{
	json_t *report, *plain;
	const json_t *f;

	register_examples();
	add_gov();
	report = get_json("/audit");
	/* the threshold change: one sync flow in five is now too many */
	ck_assert_msg(first_with_rule(json_object_get(report, "findings"), "DW015") != NULL,
	              "maxSyncShare 0.1 did not raise DW015");
	ck_assert(json_real_value(json_object_get(json_object_get(report, "config"),
	                                          "maxSyncShare")) == 0.1);
	/* the suppression: listed apart, with the entry that silenced it */
	ck_assert_uint_eq(with_rule(json_object_get(report, "findings"), "DW025"), 0);
	f = first_with_rule(json_object_get(report, "suppressed"), "DW025");
	ck_assert_msg(f != NULL, "the suppressed finding is not listed");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(f, "suppression"),
	                                                   "reason")),
	                 "the provider registers next sprint");
	ck_assert_int_eq(summary_int(report, "suppressed"), 1);
	/* filters apply to the suppressed list too */
	plain = get_json("/audit?rule=DW013");
	ck_assert_uint_eq(json_array_size(json_object_get(plain, "suppressed")), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(plain, "filtered"),
	                                                    "suppressed")),
	                 0);
	json_decref(plain);
	json_decref(report);
}
END_TEST

/* Runs drivewayd with --audit-config path on a fresh database; returns its exit status and
 * its stderr in out. */
static int start_with_settings(const char *path, char *out, size_t size)
{
	char cmd[1024], dir[] = "/tmp/dw-audit-db-XXXXXX";
	FILE *p;
	size_t n;
	int status;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd),
	         "'%s/drivewayd' --db '%s/d.db' --listen 127.0.0.1:0 --quiet --audit-config '%s' "
	         "2>&1 </dev/null",
	         hs_build_dir(), dir, path);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	n = fread(out, 1, size - 1, p);
	out[n] = '\0';
	status = pclose(p);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

START_TEST(test_bad_settings_refused)
{
	char path[64], out[2048], want[256];

	temp_file(path, "config:\n"
	                "  maxDirectFanOut: 8\n"
	                "  maxFanOut: 3\n");
	ck_assert_int_eq(start_with_settings(path, out, sizeof(out)), 2);
	snprintf(want, sizeof(want),
	         "drivewayd: %s:3:14: /config/maxFanOut: unknown audit setting 'maxFanOut'", path);
	ck_assert_msg(strstr(out, want), "expected '%s' in: %s", want, out);
	unlink(path);

	temp_file(path, "suppressions:\n"
	                "  - {rule: DW025, reason: ok, expires: 2099-01-01}\n"
	                "  - {rule: DW999, reason: no such rule, expires: 2099-01-01}\n");
	ck_assert_int_eq(start_with_settings(path, out, sizeof(out)), 2);
	snprintf(want, sizeof(want), "%s:3:5: /suppressions/1: ", path);
	ck_assert_msg(strstr(out, want) && strstr(out, "unknown audit rule 'DW999'"),
	              "expected '%s' in: %s", want, out);
	unlink(path);

	temp_file(path, "config: {maxDirectFanOut: 8}\nextra: true\n");
	ck_assert_int_eq(start_with_settings(path, out, sizeof(out)), 2);
	snprintf(want, sizeof(want), "%s:2:8: /extra: unknown property 'extra'", path);
	ck_assert_msg(strstr(out, want), "expected '%s' in: %s", want, out);
	unlink(path);

	temp_file(path, "config: [1, 2\n");
	ck_assert_int_eq(start_with_settings(path, out, sizeof(out)), 2);
	ck_assert_msg(strstr(out, path) && !strstr(out, "listening"), "not refused: %s", out);
	unlink(path);

	ck_assert_int_eq(start_with_settings("/nonexistent/audit.yaml", out, sizeof(out)), 2);
	ck_assert_msg(strstr(out, "cannot read '/nonexistent/audit.yaml'"), "got: %s", out);
}
END_TEST

START_TEST(test_advice)
{
	struct hs_response r;
	json_t *advice, *errors;

	expect("POST", "/advice", "{\"consistency\":\"strong\",\"interaction\":\"query\","
	                          "\"crossDomain\":true,\"latencyBudgetMs\":300,\"consumers\":4}",
	       200);
	ck_assert_int_eq(hs_req("POST", "/advice", hs_srv.admin,
	                        "{\"consistency\":\"strong\",\"interaction\":\"query\","
	                        "\"crossDomain\":true,\"pattern\":\"event-stream\"}",
	                        &r),
	                 200);
	advice = hs_json(&r);
	hs_response_release(&r);
	ck_assert_str_eq(json_string_value(json_object_get(advice, "pattern")), "rest-api");
	ck_assert_str_eq(json_string_value(json_object_get(advice, "declared")), "event-stream");
	ck_assert(json_is_true(json_object_get(advice, "contradicts")));
	ck_assert(json_array_size(json_object_get(advice, "alternatives")) > 0);
	json_decref(advice);

	/* bad input: every problem, with its pointer and position in the body */
	ck_assert_int_eq(hs_req("POST", "/advice", hs_srv.admin,
	                        "{\"consistency\": \"strongish\",\n \"replay\": 3}", &r),
	                 422);
	advice = hs_json(&r);
	hs_response_release(&r);
	errors = json_object_get(advice, "errors");
	ck_assert_uint_eq(json_array_size(errors), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(errors, 0), "pointer")),
	                 "/consistency");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(errors, 1), "pointer")),
	                 "/replay");
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(errors, 1), "line")),
	                 2);
	json_decref(advice);
	expect("POST", "/advice", "[1]", 422);
	expect("POST", "/advice", "{\"consistency\":", 400);
	/* nothing is stored: no token needed */
	{
		struct hs_request rq = {.method = "POST", .path = "/advice", .body = "{}"};
		hs_do(&hs_srv, &rq, &r);
		ck_assert_int_eq(r.status, 200);
		hs_response_release(&r);
	}
}
END_TEST

START_TEST(test_graph)
{
	struct hs_response r;
	char *type;

	register_examples();
	add_gov();
	ck_assert_int_eq(hs_req("GET", "/graph.dot", hs_srv.admin, NULL, &r), 200);
	type = hs_header(&r, "Content-Type");
	ck_assert_ptr_nonnull(type);
	ck_assert_ptr_nonnull(strstr(type, "text/vnd.graphviz"));
	free(type);
	ck_assert(!strncmp(r.body, "digraph landscape {", 19));
	ck_assert_ptr_nonnull(strstr(r.body, "subgraph \"cluster_customer\""));
	ck_assert_ptr_nonnull(strstr(r.body, "subgraph \"cluster_gov\""));
	ck_assert_ptr_nonnull(strstr(r.body, "\"support/agent-console\" -> "
	                                     "\"customer/profile-api\" [label=\"rest-api\", "
	                                     "style=solid"));
	ck_assert_ptr_nonnull(strstr(r.body, "\"marketing/campaign-audience\" -> "
	                                     "\"customer/profile-changed\" "
	                                     "[label=\"event-stream\", style=dashed"));
	ck_assert_ptr_nonnull(strstr(r.body, "findings: DW013 sync-chain-sla"));
	ck_assert_ptr_nonnull(strstr(r.body, "URL=\"/ui/products/customer/profile-api\""));
	hs_response_release(&r);

	ck_assert_int_eq(hs_req("GET", "/graph.dot?domain=support", hs_srv.admin, NULL, &r), 200);
	ck_assert_ptr_nonnull(
	    strstr(r.body, "\"support/agent-console\" -> \"customer/profile-api\""));
	ck_assert_ptr_null(strstr(r.body, "analytics/"));
	ck_assert_ptr_null(strstr(r.body, "gov/"));
	hs_response_release(&r);
	expect_problem("/graph.dot?domain=nope", 404, "domain 'nope' not found");
	expect_problem("/graph.svg?domain=Bad!", 400, "invalid domain");

	ck_assert_int_eq(hs_req("GET", "/graph.svg", hs_srv.admin, NULL, &r), 200);
	type = hs_header(&r, "Content-Type");
	ck_assert_str_eq(type, "image/svg+xml");
	free(type);
	ck_assert_msg(!strncmp(r.body, "<?xml", 5) || !strncmp(r.body, "<svg", 4), "not SVG: %.80s",
	              r.body);
	ck_assert_ptr_nonnull(strstr(r.body, "<svg"));
	ck_assert_ptr_nonnull(strstr(r.body, "</svg>"));
	/* Graphviz writes '-' in text as "&#45;" */
	ck_assert_msg(strstr(r.body, "profile&#45;api") || strstr(r.body, "profile-api"),
	              "no profile-api in the SVG");
	ck_assert_ptr_nonnull(strstr(r.body, "agent"));
	ck_assert_ptr_nonnull(strstr(r.body, "xlink:href=\"/ui/products/customer/profile-api\""));
	/* gov/lost's description holds markup: shown as text, never as an element */
	ck_assert_ptr_null(strstr(r.body, "<script"));
	ck_assert_ptr_nonnull(strstr(r.body, "&lt;script&gt;"));
	hs_response_release(&r);

	ck_assert_int_eq(hs_req("GET", "/graph.svg?domain=gov", hs_srv.admin, NULL, &r), 200);
	ck_assert_ptr_nonnull(strstr(r.body, "</svg>"));
	ck_assert_ptr_null(strstr(r.body, "customer/profile"));
	hs_response_release(&r);
}
END_TEST

/* 10,000 products in 100 domains, each consuming two others (one synchronously), written
 * straight into the database: registering them one PUT at a time would take minutes. */
static void bulk_load(void)
{
	static const char sql[] =
	    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 99)"
	    " INSERT INTO domains (name, doc, canon, revision, created_at, updated_at)"
	    " SELECT 'd' || i, json_object('apiVersion', 'driveway/v1', 'kind', 'Domain',"
	    " 'metadata', json_object('name', 'd' || i), 'spec', json_object('title', 'D' || i,"
	    " 'owner', 'team-' || i)), '{}', 1, 0, 0 FROM n;\n"
	    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 9999)"
	    " INSERT INTO products (domain_id, name, doc, canon, kind, owner, lifecycle, revision,"
	    " created_at, updated_at)"
	    " SELECT (SELECT id FROM domains WHERE name = 'd' || (i % 100)), 'p' || i,"
	    " json_object('apiVersion', 'driveway/v1', 'kind', 'DataProduct', 'metadata',"
	    " json_object('domain', 'd' || (i % 100), 'name', 'p' || i, 'owner', 'team',"
	    " 'lifecycle', 'production'), 'spec', json_object('type', 'api', 'sla',"
	    " json_object('availability', 99.9), 'consumes', json_array("
	    " json_object('product', 'd' || ((i + 7) % 100) || '/p' || ((i + 7) % 10000),"
	    " 'pattern', 'rest-api', 'consistency', 'strong', 'interaction', 'query'),"
	    " json_object('product', 'd' || ((i + 13) % 100) || '/p' || ((i + 13) % 10000),"
	    " 'pattern', 'event-stream', 'idempotent', json('true'))))),"
	    " '{}', 'api', 'team', 'production', 1, 0, 0 FROM n;\n";
	char path[64], cmd[512];
	char *out;

	temp_file(path, sql);
	snprintf(cmd, sizeof(cmd), "sqlite3 -batch -cmd '.timeout 10000' '%s' < '%s'", hs_srv.db,
	         path);
	out = hs_run(cmd);
	unlink(path);
	ck_assert_msg(out != NULL, "bulk load failed");
	free(out);
}

START_TEST(test_audit_10k)
{
	struct hs_response r;
	json_t *report;

	/* How fast is bench/audit.sh's question; here: the whole landscape is read. */
	bulk_load();
	ck_assert_int_eq(hs_req("GET", "/audit?severity=error", hs_srv.admin, NULL, &r), 200);
	report = hs_json(&r);
	hs_response_release(&r);
	ck_assert_int_eq(summary_int(report, "products"), 10000);
	ck_assert_int_eq(summary_int(report, "flows"), 20000);
	json_decref(report);
	/* too many to lay out in a request: one domain instead */
	expect_problem("/graph.svg", 422, "landscape too large to draw");
	ck_assert_int_eq(hs_req("GET", "/graph.svg?domain=d5", hs_srv.admin, NULL, &r), 200);
	ck_assert_ptr_nonnull(strstr(r.body, "</svg>"));
	hs_response_release(&r);
}
END_TEST

static Suite *audit_api_suite(void)
{
	Suite *s = suite_create("audit_api");
	TCase *tc = tcase_create("governance");
	TCase *ts = tcase_create("settings");
	TCase *tb = tcase_create("scale");

	tcase_add_checked_fixture(tc, hs_setup, hs_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_examples_audit);
	tcase_add_test(tc, test_audit_filters);
	tcase_add_test(tc, test_advice);
	tcase_add_test(tc, test_graph);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(ts, setup_settings, teardown_settings);
	tcase_set_timeout(ts, 60);
	tcase_add_test(ts, test_audit_settings);
	tcase_add_test(ts, test_bad_settings_refused);
	suite_add_tcase(s, ts);
	tcase_add_checked_fixture(tb, hs_setup, hs_teardown);
	tcase_set_timeout(tb, 120);
	tcase_add_test(tb, test_audit_10k);
	suite_add_tcase(s, tb);
	return s;
}

int main(void)
{
	return hs_run_suite(audit_api_suite());
}
