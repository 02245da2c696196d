/*
 * h_tokens: the admin's management of tokens: /domains/{d}/tokens for a domain's, /tokens for
 * the admin's own (and every token of every scope). A token's secret appears once, in the
 * answer to its creation; the store keeps only its SHA-256. The store refuses to revoke the
 * last live admin token.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/auth.h"
#include "server/server.h"
#include "validators/xalloc.h"

#define TOKEN_NAME_MAX 100

static int domain_exists(struct request *req, const char *d, struct dw_error *err)
{
	json_t *doc = NULL;
	int rc = store_domain_get(req->srv->store, d, &doc, NULL, err);

	json_decref(doc);
	return rc;
}

/* n decimal digits at s into *v. */
static int digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

int server_parse_rfc3339(const char *s, long long *out)
{
	struct tm tm = {0}, back;
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	const char *p;
	time_t t;

	if (strlen(s) < 20 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
	    s[7] != '-' || digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') ||
	    digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' ||
	    digits(s + 17, 2, &sec))
		return -1;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '+' ? 1 : -1;
		if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 23 ||
		    om > 59)
			return -1;
		p += 6;
	} else {
		return -1;
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec == 60 ? 59 : sec; /* a leap second: the second before */
	t = timegm(&tm);
	/* timegm normalises 2027-02-30 to March: such dates do not exist. */
	if (t == (time_t)-1 || !gmtime_r(&t, &back) || back.tm_mday != d)
		return -1;
	*out = (long long)t - sign * (oh * 3600LL + om * 60LL);
	return 0;
}

static int name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > TOKEN_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return 0;
	}
	return 1;
}

/* Checks {"name", "expiresAt"?}. */
static int token_check(struct request *req, struct response *res, const char **name,
                       long long *expires, struct dw_error *err)
{
	const json_t *body = req->json;
	struct dw_findings f;
	const char *key, *exp;
	json_t *v;
	int rc = 0;

	*name = NULL;
	*expires = 0;
	dw_findings_init(&f);
	if (!json_is_object(body)) {
		dw_findings_add(&f, "", "request body must be an object with 'name'");
		goto out;
	}
	json_object_foreach((json_t *)body, key, v)
	{
		if (strcmp(key, "name") != 0 && strcmp(key, "expiresAt") != 0) {
			char *ptr = dw_pointer_join("", key);
			dw_findings_add(&f, ptr ? ptr : "", "unknown property '%s'", key);
			free(ptr);
		}
	}
	v = json_object_get(body, "name");
	*name = json_string_value(v);
	if (!v)
		dw_findings_add(&f, "", "missing required property 'name'");
	else if (!*name || !name_ok(*name))
		dw_findings_add(&f, "/name",
		                "token name must be 1 to %d letters, digits, '.', '_' or '-'",
		                TOKEN_NAME_MAX);
	v = json_object_get(body, "expiresAt");
	exp = json_string_value(v);
	if (v && !json_is_null(v)) {
		if (!exp || server_parse_rfc3339(exp, expires))
			dw_findings_add(&f, "/expiresAt",
			                "expiresAt must be an RFC 3339 date-time such as "
			                "'2027-01-01T00:00:00Z'");
		else if (*expires <= (long long)time(NULL))
			dw_findings_add(&f, "/expiresAt", "expiresAt '%s' is in the past", exp);
	}
out:
	if (f.count)
		rc = server_invalid(req, res, &f, "token request", 1, err);
	dw_findings_release(&f);
	return rc;
}

/* Creates a token of scope (a domain, checked to exist when is_domain, or AUTH_ADMIN_SCOPE)
 * from the request's {"name", "expiresAt"?}; 201 with the secret, once. */
static int token_create(struct request *req, struct response *res, const char *scope,
                        int is_domain, struct dw_error *err)
{
	char token[AUTH_TOKEN_LEN + 1], hash[65];
	json_t *items = NULL, *item, *found = NULL;
	const char *name;
	long long expires, id = 0;
	size_t i;
	int rc;

	rc = token_check(req, res, &name, &expires, err);
	if (rc)
		return rc;
	if (is_domain && (rc = domain_exists(req, scope, err)))
		return rc;
	rc = auth_token_new(token, hash, err);
	if (rc)
		return rc;
	rc = store_token_add(req->srv->store, name, scope, hash, expires, &id, err);
	if (rc)
		return rc;
	rc = store_token_list(req->srv->store, scope, &items, err);
	if (rc)
		return rc;
	json_array_foreach(items, i, item) if (json_integer_value(json_object_get(item, "id")) ==
	                                       id) found = item;
	if (!found) {
		json_decref(items);
		return dw_error_set(err, DW_INTERNAL, "token %lld vanished after creation", id);
	}
	json_object_set_new(found, "token", xjson(json_string(token)));
	response_json(res, 201, found);
	json_decref(items);
	memset(token, 0, sizeof(token));
	if (!is_domain)
		response_header_add(res, "Location", "/tokens/%lld", id);
	else
		response_header_add(res, "Location", "/domains/%s/tokens/%lld", scope, id);
	response_header_add(res, "Driveway-Result", "created");
	/* The secret is in this body only: no cache may keep it. */
	response_header_add(res, "Cache-Control", "no-store");
	return 0;
}

int h_token_create(struct request *req, struct response *res, struct dw_error *err)
{
	return token_create(req, res, request_param(req, "d"), 1, err);
}

int h_admin_token_create(struct request *req, struct response *res, struct dw_error *err)
{
	return token_create(req, res, AUTH_ADMIN_SCOPE, 0, err);
}

/* {"items", "next": null} of scope's tokens (NULL: every token). */
static int token_list(struct request *req, struct response *res, const char *scope,
                      struct dw_error *err)
{
	json_t *items = NULL, *body;
	int rc;

	rc = store_token_list(req->srv->store, scope, &items, err);
	if (rc)
		return rc;
	body = xjson(json_pack("{s:o, s:n}", "items", items, "next"));
	response_json(res, 200, body);
	json_decref(body);
	return 0;
}

int h_token_list(struct request *req, struct response *res, struct dw_error *err)
{
	const char *d = request_param(req, "d");
	int rc;

	rc = domain_exists(req, d, err);
	if (rc)
		return rc;
	return token_list(req, res, d, err);
}

int h_admin_token_list(struct request *req, struct response *res, struct dw_error *err)
{
	return token_list(req, res, NULL, err);
}

/* Revokes token {id} of scope (NULL: whatever its scope); 204. */
static int token_revoke(struct request *req, struct response *res, const char *scope,
                        struct dw_error *err)
{
	/* The router let only a positive integer of at most 18 digits through. */
	long long id = strtoll(request_param(req, "id"), NULL, 10);
	int rc;

	rc = store_token_revoke(req->srv->store, scope, id, err);
	if (rc)
		return rc;
	response_body(res, 204, NULL, NULL, 0);
	return 0;
}

int h_token_revoke(struct request *req, struct response *res, struct dw_error *err)
{
	return token_revoke(req, res, request_param(req, "d"), err);
}

int h_admin_token_revoke(struct request *req, struct response *res, struct dw_error *err)
{
	return token_revoke(req, res, NULL, err);
}
