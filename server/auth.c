#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "server/auth.h"
#include "server/server.h"
#include "validators/contract.h"
#include "validators/xalloc.h"

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* base64url without padding: 32 bytes -> 43 characters. */
static void encode32(const unsigned char in[32], char out[44])
{
	size_t o = 0, i = 0;

	for (; i + 3 <= 32; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
		out[o++] = b64url[(v >> 18) & 63];
		out[o++] = b64url[(v >> 12) & 63];
		out[o++] = b64url[(v >> 6) & 63];
		out[o++] = b64url[v & 63];
	}
	/* 2 bytes left: 3 characters */
	{
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
		out[o++] = b64url[(v >> 18) & 63];
		out[o++] = b64url[(v >> 12) & 63];
		out[o++] = b64url[(v >> 6) & 63];
	}
	out[o] = '\0';
}

int auth_token_new(char token[AUTH_TOKEN_LEN + 1], char hash[65], struct dw_error *err)
{
	unsigned char raw[32];
	size_t got = 0;

	while (got < sizeof(raw)) {
		ssize_t n = getrandom(raw + got, sizeof(raw) - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return dw_error_set(err, DW_INTERNAL, "cannot get random bytes: %s",
			                    strerror(errno));
		}
		got += (size_t)n;
	}
	memcpy(token, "dw_", 3);
	encode32(raw, token + 3);
	dw_sha256_hex(token, AUTH_TOKEN_LEN, hash);
	memset(raw, 0, sizeof(raw));
	return 0;
}

int auth_token_shape_ok(const char *s)
{
	if (strncmp(s, "dw_", 3) != 0 || strlen(s) != AUTH_TOKEN_LEN)
		return 0;
	for (const char *p = s + 3; *p; p++)
		if (!strchr(b64url, *p))
			return 0;
	return 1;
}

/* The token from a Basic credential: base64 (RFC 4648, 4) of "user:token", user ignored.
 * 0 with token set, or -1 when the credential is malformed. */
static int basic_token(const char *p, size_t len, char token[AUTH_TOKEN_LEN + 1])
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char raw[256];
	const char *colon;
	size_t n = 0;
	unsigned acc = 0;
	int bits = 0;

	while (len && p[len - 1] == '=')
		len--;
	if (len == 0 || len > (sizeof(raw) / 3) * 4)
		return -1;
	for (size_t i = 0; i < len; i++) {
		const char *at = p[i] ? strchr(b64, p[i]) : NULL;

		if (!at)
			return -1;
		acc = (acc << 6) | (unsigned)(at - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			raw[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	colon = memchr(raw, ':', n);
	if (!colon || (size_t)(raw + n - (colon + 1)) != AUTH_TOKEN_LEN)
		return -1;
	memcpy(token, colon + 1, AUTH_TOKEN_LEN);
	token[AUTH_TOKEN_LEN] = '\0';
	return 0;
}

int auth_authenticate(struct store *st, const char *authorization, struct principal *who,
                      struct dw_error *err)
{
	const char *p = authorization;
	char token[AUTH_TOKEN_LEN + 1];
	char hash[65];
	json_t *tok = NULL;
	const char *scope, *name;
	size_t len;
	int rc;

	memset(who, 0, sizeof(*who));
	if (!p || !*p)
		return dw_error_set(err, DW_UNAUTHORIZED, "missing bearer token");
	/* RFC 7617: "Basic", one or more spaces, base64 of "user:password" */
	if (strncasecmp(p, "Basic", 5) == 0 && (p[5] == ' ' || p[5] == '\t')) {
		p += 5;
		while (*p == ' ' || *p == '\t')
			p++;
		len = strcspn(p, " \t");
		if (basic_token(p, len, token))
			return dw_error_set(err, DW_UNAUTHORIZED,
			                    "malformed basic credentials (expected a token as the "
			                    "password)");
	} else {
		/* RFC 6750, 2.1: "Bearer" (case-insensitive), one or more spaces, the token. */
		if (strncasecmp(p, "Bearer", 6) != 0 || (p[6] != ' ' && p[6] != '\t'))
			return dw_error_set(err, DW_UNAUTHORIZED,
			                    "authorization is not a bearer token");
		p += 6;
		while (*p == ' ' || *p == '\t')
			p++;
		len = strlen(p);
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len != AUTH_TOKEN_LEN)
			return dw_error_set(err, DW_UNAUTHORIZED, "malformed bearer token");
		memcpy(token, p, len);
		token[len] = '\0';
	}
	len = AUTH_TOKEN_LEN;
	if (!auth_token_shape_ok(token))
		return dw_error_set(err, DW_UNAUTHORIZED, "malformed bearer token");
	dw_sha256_hex(token, len, hash);
	rc = store_token_lookup(st, hash, &tok, err);
	if (rc == DW_NOT_FOUND)
		return dw_error_set(err, DW_UNAUTHORIZED, "invalid, revoked or expired token");
	if (rc)
		return rc;
	scope = json_string_value(json_object_get(tok, "scope"));
	name = json_string_value(json_object_get(tok, "name"));
	if (!scope || !name) {
		json_decref(tok);
		return dw_error_set(err, DW_INTERNAL, "token record without scope or name");
	}
	who->kind = strcmp(scope, AUTH_ADMIN_SCOPE) == 0 ? PRINCIPAL_ADMIN : PRINCIPAL_DOMAIN;
	who->token_id = json_integer_value(json_object_get(tok, "id"));
	snprintf(who->scope, sizeof(who->scope), "%s", scope);
	snprintf(who->name, sizeof(who->name), "%s", name);
	json_decref(tok);
	return 0;
}

/* Failed authentications per client address (see auth.h) ------------------------------------ */

#define FAIL_PROBES 8 /* slots an address may live in: its hash's and the next ones */

struct fail_slot {
	char addr[48]; /* "" when free */
	long long start; /* monotonic seconds of the window's first failure */
	unsigned count;
};

static struct fail_slot fail_table[AUTH_FAIL_SLOTS];
static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;

static long long mono_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec;
}

static size_t fail_hash(const char *addr)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (const char *p = addr; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h % AUTH_FAIL_SLOTS;
}

/* The slot of addr, or NULL; under fail_lock. */
static struct fail_slot *fail_find(const char *addr)
{
	size_t h = fail_hash(addr);

	for (size_t i = 0; i < FAIL_PROBES; i++) {
		struct fail_slot *s = &fail_table[(h + i) % AUTH_FAIL_SLOTS];
		if (!strcmp(s->addr, addr))
			return s;
	}
	return NULL;
}

/* 1 when the route needs a token (as auth_check decides). */
static int needs_token(const struct request *req)
{
	unsigned flags = req->match.route->flags;

	return (flags & (ROUTE_WRITE | ROUTE_ADMIN)) ||
	       (req->srv->read_auth && !(flags & ROUTE_PUBLIC));
}

int auth_throttled(const struct request *req, unsigned *retry_after)
{
	unsigned limit = req->srv->auth_fail_limit, window = req->srv->auth_fail_window;
	char addr[48];
	struct fail_slot *s;
	long long now;
	int rc = 0;

	if (!limit || !req->match.route || !needs_token(req))
		return 0;
	request_client_address(req, addr, sizeof(addr));
	if (!addr[0])
		return 0;
	now = mono_seconds();
	pthread_mutex_lock(&fail_lock);
	s = fail_find(addr);
	if (s && now - s->start < (long long)window && s->count >= limit) {
		*retry_after = (unsigned)(s->start + window - now);
		rc = 1;
	}
	pthread_mutex_unlock(&fail_lock);
	return rc;
}

/* Counts one failed authentication of req's client address. */
static void fail_record(const struct request *req)
{
	unsigned window = req->srv->auth_fail_window;
	char addr[48];
	struct fail_slot *s;
	long long now;

	if (!req->srv->auth_fail_limit)
		return;
	request_client_address(req, addr, sizeof(addr));
	if (!addr[0])
		return;
	now = mono_seconds();
	pthread_mutex_lock(&fail_lock);
	s = fail_find(addr);
	if (!s) {
		/* a free slot, else one whose window is over, else the oldest window */
		size_t h = fail_hash(addr);

		for (size_t i = 0; i < FAIL_PROBES; i++) {
			struct fail_slot *t = &fail_table[(h + i) % AUTH_FAIL_SLOTS];
			if (!t->addr[0] || now - t->start >= (long long)window) {
				s = t;
				break;
			}
			if (!s || t->start < s->start)
				s = t;
		}
		snprintf(s->addr, sizeof(s->addr), "%s", addr);
		s->count = 0;
		s->start = now;
	} else if (now - s->start >= (long long)window) {
		s->count = 0;
		s->start = now;
	}
	if (s->count < UINT32_MAX)
		s->count++;
	pthread_mutex_unlock(&fail_lock);
}

int auth_check(struct request *req, struct dw_error *err)
{
	unsigned flags = req->match.route->flags;
	int needs = flags & (ROUTE_WRITE | ROUTE_ADMIN);
	const char *domain;
	int rc;

	if (!needs && (!req->srv->read_auth || (flags & ROUTE_PUBLIC)))
		return 0;
	rc = auth_authenticate(req->srv->store, request_header(req, "Authorization"), &req->who,
	                       err);
	if (rc == DW_UNAUTHORIZED && request_header(req, "Authorization"))
		fail_record(req);
	if (rc)
		return rc;
	if (req->who.kind == PRINCIPAL_ADMIN)
		return 0;
	if (flags & ROUTE_ADMIN)
		return dw_error_set(err, DW_FORBIDDEN, "token '%s' is not the admin token",
		                    req->who.name);
	/* the Confluent-compatible API's writes name a subject: its handler checks the domain */
	if ((flags & ROUTE_WRITE) && (flags & ROUTE_CCOMPAT))
		return 0;
	domain = request_param(req, "d");
	if (flags & ROUTE_WRITE)
		return auth_may_write(req, domain, err);
	return 0;
}

int auth_may_write(const struct request *req, const char *domain, struct dw_error *err)
{
	if (req->who.kind == PRINCIPAL_ADMIN)
		return 0;
	if (req->who.kind != PRINCIPAL_DOMAIN || !domain || strcmp(domain, req->who.scope) != 0)
		return dw_error_set(err, DW_FORBIDDEN, "token '%s' may not write domain '%s'",
		                    req->who.name, domain ? domain : "");
	return 0;
}

/* Writes all of buf to fd. */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int auth_bootstrap(struct store *st, const char *db_path, char **path_out, struct dw_error *err)
{
	char token[AUTH_TOKEN_LEN + 1], hash[65], line[AUTH_TOKEN_LEN + 2];
	char *path, *tmp;
	long long count = 0, id = 0;
	int fd, rc;

	*path_out = NULL;
	rc = store_token_count(st, &count, err);
	if (rc || count > 0)
		return rc;
	rc = auth_token_new(token, hash, err);
	if (rc)
		return rc;
	path = xasprintf("%s.admin-token", db_path);
	tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	/* The secret goes to disk first: if that fails no token exists that nobody knows. */
	fd = open(tmp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = dw_error_set(err, DW_UNAVAILABLE, "cannot create '%s': %s", tmp,
		                  strerror(errno));
		goto out;
	}
	snprintf(line, sizeof(line), "%s\n", token);
	if (write_all(fd, line, strlen(line)) || fsync(fd)) {
		rc = dw_error_set(err, DW_UNAVAILABLE, "cannot write '%s': %s", tmp,
		                  strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	rc = store_token_add(st, AUTH_ADMIN_SCOPE, AUTH_ADMIN_SCOPE, hash, 0, &id, err);
	if (rc) {
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, path)) {
		rc = dw_error_set(err, DW_UNAVAILABLE, "cannot rename '%s' to '%s': %s", tmp, path,
		                  strerror(errno));
		unlink(tmp);
		goto out;
	}
	*path_out = path;
	path = NULL;
out:
	memset(token, 0, sizeof(token));
	memset(line, 0, sizeof(line));
	free(path);
	free(tmp);
	return rc;
}
