/*
 * fuzz_http: drivewayd's request path without sockets: routing (server/router.c over the one
 * route table), authentication, the dispatcher's Content-Type, Content-Length, body-limit and
 * JSON checks, the handlers, and a real store (a fresh SQLite database in a temporary
 * directory, removed at exit). The dispatcher is driven as server/http.c drives it for a
 * request whose body has arrived: routes_begin, then the route's body limit (413), then
 * routes_finish; the request has no connection, so its headers and query arguments come from
 * the lists in struct request.
 *
 * Input: an HTTP/1.1-like request:
 *
 *     METHOD TARGET\n
 *     Name: value\n          (any number; \r\n is fine too)
 *     \n
 *     body...
 *
 * "Authorization: admin" is replaced with the store's admin token, so writes get past auth.
 * Paths under /ccompat/ go to a server with the Confluent-compatible API mounted there (and
 * --read-auth on); others to one with it at the root. Every answer must have a status.
 */
#include <stdio.h>
#include <strings.h>
#include <unistd.h>

#include "fuzz/fuzz.h"
#include "server/auth.h"
#include "server/server.h"
#include "validators/xalloc.h"

#define MAX_FIELDS 32

static struct store *store;
static struct server srv_root, srv_prefixed;
static char admin[AUTH_TOKEN_LEN + 1 + 7]; /* "Bearer " + token */
static char dir[] = "/tmp/driveway-fuzz-XXXXXX";
static char db[sizeof(dir) + 16];

/* What the store holds before the first input, so that product and version routes reach their
 * handlers' main paths from the start. */
static const char *const setup[] = {
    "PUT /domains/customer\nAuthorization: admin\nContent-Type: application/json\n\n"
    "{\"apiVersion\":\"driveway/v1\",\"kind\":\"Domain\",\"metadata\":{\"name\":\"customer\"},"
    "\"spec\":{\"title\":\"Customer\",\"owner\":\"team-customer\"}}",
    "PUT /domains/customer/products/profile-changed\nAuthorization: admin\n"
    "Content-Type: application/json\n\n"
    "{\"apiVersion\":\"driveway/v1\",\"kind\":\"DataProduct\",\"metadata\":{\"domain\":"
    "\"customer\",\"name\":\"profile-changed\",\"owner\":\"team-customer\"},\"spec\":{"
    "\"type\":\"topic\",\"contract\":{\"format\":\"avro\"},\"compatibility\":\"BACKWARD\"}}",
    "POST /domains/customer/products/profile-changed/versions\nAuthorization: admin\n"
    "Content-Type: application/json\n\n"
    "{\"format\":\"avro\",\"contract\":{\"type\":\"record\",\"name\":\"User\",\"fields\":"
    "[{\"name\":\"id\",\"type\":\"string\"}]}}",
};

static void dispatch(const uint8_t *data, size_t size);

static void cleanup(void)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	char path[sizeof(db) + 16];

	store_close(store);
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", db, suffixes[i]);
		unlink(path);
	}
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct dw_error err = {0};
	char token[AUTH_TOKEN_LEN + 1], hash[65];
	long long id;

	(void)argc;
	(void)argv;
	if (!mkdtemp(dir)) {
		perror("fuzz_http: mkdtemp");
		exit(1);
	}
	snprintf(db, sizeof(db), "%s/fuzz.db", dir);
	if (store_open(db, &store, &err) || auth_token_new(token, hash, &err) ||
	    store_token_add(store, AUTH_ADMIN_SCOPE, AUTH_ADMIN_SCOPE, hash, 0, &id, &err)) {
		fprintf(stderr, "fuzz_http: cannot set up the store: %s\n", err.message);
		exit(1);
	}
	atexit(cleanup);
	snprintf(admin, sizeof(admin), "Bearer %s", token);
	srv_root.store = store;
	srv_root.quiet = 1;
	srv_root.ccompat_prefix = "";
	srv_root.ccompat_landing = "default";
	srv_prefixed = srv_root;
	srv_prefixed.ccompat_prefix = "/ccompat";
	srv_prefixed.read_auth = 1;
	for (size_t i = 0; i < sizeof(setup) / sizeof(setup[0]); i++)
		dispatch((const uint8_t *)setup[i], strlen(setup[i]));
	return 0;
}

/* The next line of text[*pos..len) as a NUL-terminated string in place (\n or \r\n cut), or
 * NULL at the end of the text. */
static char *next_line(char *text, size_t len, size_t *pos)
{
	char *line = text + *pos, *nl;

	if (*pos >= len)
		return NULL;
	nl = memchr(line, '\n', len - *pos);
	if (!nl) {
		*pos = len;
		return line; /* text is NUL-terminated */
	}
	*nl = '\0';
	if (nl > line && nl[-1] == '\r')
		nl[-1] = '\0';
	*pos = (size_t)(nl - text) + 1;
	return line;
}

/* Splits a query string in place into decoded name, value pairs (as libmicrohttpd does, an
 * argument without '=' has no value and is left out). */
static void parse_query(char *q, const char **pairs, size_t max)
{
	size_t n = 0;

	for (char *arg = q; arg && n + 2 < max;) {
		char *amp = strchr(arg, '&'), *eq;
		long len;

		if (amp)
			*amp = '\0';
		eq = strchr(arg, '=');
		if (eq) {
			char *value = eq + 1;

			*eq = '\0';
			len = router_decode(value, strlen(value), value, strlen(value) + 1);
			if (len >= 0)
				len = router_decode(arg, strlen(arg), arg, strlen(arg) + 1);
			if (len >= 0) {
				pairs[n++] = arg;
				pairs[n++] = value;
			}
		}
		arg = amp ? amp + 1 : NULL;
	}
	pairs[n] = NULL;
}

static void dispatch(const uint8_t *data, size_t size)
{
	char *text = xmalloc(size + 1), *line, *sp, *qmark, *path = NULL, *query;
	const char *headers[2 * MAX_FIELDS + 1], *args[2 * MAX_FIELDS + 1];
	struct request req;
	struct response res;
	size_t pos = 0, nh = 0;

	memcpy(text, data, size);
	text[size] = '\0';
	memset(&req, 0, sizeof(req));
	memset(&res, 0, sizeof(res));

	line = next_line(text, size, &pos);
	if (!line || !(sp = strchr(line, ' ')))
		goto out;
	*sp = '\0';
	req.method_name = line;
	req.method = http_method_parse(line);
	req.target = sp + 1;
	if (req.target[0] != '/')
		goto out;
	path = xstrdup(req.target);
	qmark = strchr(path, '?');
	query = qmark ? xstrdup(qmark + 1) : NULL;
	if (qmark)
		*qmark = '\0';
	req.path = path;
	args[0] = NULL;
	if (query)
		parse_query(query, args, sizeof(args) / sizeof(args[0]));

	while ((line = next_line(text, size, &pos)) && *line) {
		char *colon = strchr(line, ':'), *value;

		if (!colon || nh + 2 >= sizeof(headers) / sizeof(headers[0]))
			continue;
		*colon = '\0';
		value = colon + 1;
		while (*value == ' ' || *value == '\t')
			value++;
		if (!strcasecmp(line, "Authorization") && !strcmp(value, "admin"))
			value = admin;
		headers[nh++] = line;
		headers[nh++] = value;
	}
	headers[nh] = NULL;
	req.headers = headers;
	req.query = args;
	req.srv = strncmp(path, "/ccompat/", 9) == 0 ? &srv_prefixed : &srv_root;

	/* as server/http.c: a route without a body ignores one, others cap it */
	if (!routes_begin(&req, &res)) {
		size_t limit = req.match.route->body_limit;

		req.body = limit ? text + pos : "";
		req.body_len = limit && pos < size ? size - pos : 0;
		if (req.body_len > limit)
			routes_too_large(&req, &res);
		else
			routes_finish(&req, &res);
	}
	if (res.status < 100 || res.status > 599)
		__builtin_trap();
	free(query);
	json_decref(req.json);
out:
	response_release(&res);
	free(path);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dispatch(data, size);
	return 0;
}
