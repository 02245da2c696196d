#include <stdio.h>
#include <string.h>

#include "server/router.h"
#include "validators/descriptor.h"
#include "validators/error.h"

static const char *const method_names[] = {
    [HTTP_GET] = "GET",     [HTTP_HEAD] = "HEAD",     [HTTP_POST] = "POST",   [HTTP_PUT] = "PUT",
    [HTTP_PATCH] = "PATCH", [HTTP_DELETE] = "DELETE", [HTTP_OTHER] = "OTHER",
};

enum http_method http_method_parse(const char *name)
{
	/* Methods are case-sensitive (RFC 9110, 9.1). */
	for (int m = HTTP_GET; m < HTTP_OTHER; m++)
		if (strcmp(name, method_names[m]) == 0)
			return (enum http_method)m;
	return HTTP_OTHER;
}

const char *http_method_name(enum http_method m)
{
	if ((int)m < HTTP_GET || m > HTTP_OTHER)
		return "OTHER";
	return method_names[m];
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long router_decode(const char *src, size_t len, char *dst, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		char c = src[i];
		if (c == '%') {
			int hi, lo;
			if (i + 2 >= len)
				return -1;
			hi = hexval(src[i + 1]);
			lo = hexval(src[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if (c == '\0' || o + 1 >= size)
			return -1;
		dst[o++] = c;
	}
	if (size == 0)
		return -1;
	dst[o] = '\0';
	return (long)o;
}

/* A version number 1..2^31-1 without leading zero, or "latest". */
static int version_ok(const char *s)
{
	size_t n = strlen(s);
	long long v = 0;

	if (strcmp(s, "latest") == 0)
		return 1;
	if (n == 0 || n > 10 || s[0] == '0')
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	return v <= 2147483647LL;
}

/* A positive integer that fits in a long long, without leading zero. */
static int id_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 18 || s[0] == '0')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int param_ok(const char *name, size_t name_len, const char *value)
{
	if ((name_len == 1 && (name[0] == 'd' || name[0] == 'p')))
		return descriptor_slug_ok(value);
	if (name_len == 1 && name[0] == 'n')
		return version_ok(value);
	if (name_len == 2 && memcmp(name, "id", 2) == 0)
		return id_ok(value);
	return value[0] != '\0';
}

struct segments {
	size_t count;
	const char *value[ROUTER_MAX_SEGMENTS];
};

/* Splits and decodes a raw path into buf. Returns 0, or DW_NOT_FOUND for paths no route can
 * have. */
static int split_path(const char *path, char *buf, size_t size, struct segments *s)
{
	const char *p = path;
	size_t used = 0;

	s->count = 0;
	if (p[0] != '/')
		return DW_NOT_FOUND;
	if (p[1] == '\0')
		return 0;
	while (*p == '/') {
		const char *start = p + 1;
		const char *end = strchr(start, '/');
		size_t len = end ? (size_t)(end - start) : strlen(start);
		long n;

		if (len == 0 || s->count == ROUTER_MAX_SEGMENTS)
			return DW_NOT_FOUND; /* "//", a trailing slash, or too deep */
		n = router_decode(start, len, buf + used, size - used);
		if (n <= 0)
			return DW_NOT_FOUND;
		s->value[s->count++] = buf + used;
		used += (size_t)n + 1;
		p = start + len;
	}
	return 0;
}

enum { NO_MATCH, MATCH, MATCH_BAD_PARAM };

/* 1 when the pattern segment start[0..len) is a rest parameter "{name...}". */
static int is_rest(const char *start, size_t len)
{
	return len >= 6 && start[0] == '{' && memcmp(start + len - 4, "...}", 4) == 0;
}

/* Matches one pattern against the split path into params. MATCH_BAD_PARAM when only the
 * check of a parameter failed. *rest: how many segments a final "{name...}" took (0 if none). */
static int match_pattern(const char *pattern, const struct segments *s, struct route_param *params,
                         size_t *nparams, size_t *rest)
{
	const char *p = pattern;
	size_t i = 0;
	int bad = 0;

	*nparams = 0;
	*rest = 0;
	if (strcmp(pattern, "/") == 0)
		return s->count == 0 ? MATCH : NO_MATCH;
	while (*p == '/') {
		const char *start = p + 1;
		const char *end = strchr(start, '/');
		size_t len = end ? (size_t)(end - start) : strlen(start);

		if (i == s->count)
			return NO_MATCH;
		if (!end && is_rest(start, len)) {
			struct route_param *rp;

			if (*nparams == ROUTER_MAX_PARAMS || len - 5 >= sizeof(rp->name))
				return NO_MATCH;
			rp = &params[(*nparams)++];
			memcpy(rp->name, start + 1, len - 5);
			rp->name[len - 5] = '\0';
			rp->value = s->value[i];
			*rest = s->count - i;
			return bad ? MATCH_BAD_PARAM : MATCH;
		}
		if (len >= 2 && start[0] == '{' && start[len - 1] == '}') {
			const char *name = start + 1;
			size_t nlen = len - 2;
			struct route_param *rp;

			if (*nparams == ROUTER_MAX_PARAMS || nlen >= sizeof(rp->name))
				return NO_MATCH;
			if (!param_ok(name, nlen, s->value[i]))
				bad = 1;
			rp = &params[(*nparams)++];
			memcpy(rp->name, name, nlen);
			rp->name[nlen] = '\0';
			rp->value = s->value[i];
		} else if (strlen(s->value[i]) != len || memcmp(s->value[i], start, len) != 0) {
			return NO_MATCH;
		}
		i++;
		p = start + len;
	}
	if (i != s->count)
		return NO_MATCH;
	return bad ? MATCH_BAD_PARAM : MATCH;
}

int router_match(const struct route *routes, size_t n, enum http_method method, const char *path,
                 struct route_match *m)
{
	struct segments s;
	enum http_method want = method == HTTP_HEAD ? HTTP_GET : method;
	const struct route *found = NULL, *bad = NULL;
	struct route_param params[ROUTER_MAX_PARAMS], bad_params[ROUTER_MAX_PARAMS];
	size_t nparams, bad_nparams = 0, rest, found_rest = 0;
	unsigned allowed = 0;

	m->route = NULL;
	m->nparams = 0;
	m->allowed = 0;
	if (split_path(path, m->buf, sizeof(m->buf), &s))
		return DW_NOT_FOUND;
	for (size_t i = 0; i < n; i++) {
		const struct route *r = &routes[i];
		int rc = match_pattern(r->pattern, &s, params, &nparams, &rest);

		if (rc == NO_MATCH)
			continue;
		if (rc == MATCH_BAD_PARAM) {
			if (!bad && r->method == want) {
				bad = r;
				bad_nparams = nparams;
				memcpy(bad_params, params, sizeof(params));
			}
			continue;
		}
		allowed |= 1u << r->method;
		if (r->method == HTTP_GET)
			allowed |= 1u << HTTP_HEAD;
		if (!found && r->method == want && want != HTTP_OTHER) {
			found = r;
			found_rest = rest;
			m->nparams = nparams;
			memcpy(m->params, params, sizeof(params));
		}
	}
	m->allowed = allowed;
	if (found) {
		/* A rest parameter's segments lie one after the other in buf: turning the NULs
		 * between them into '/' joins them into its value (the last parameter). */
		if (found_rest > 1) {
			char *v = m->buf + (m->params[m->nparams - 1].value - m->buf);
			for (size_t k = 1; k < found_rest; k++) {
				v += strlen(v);
				*v = '/';
			}
		}
		m->route = found;
		return 0;
	}
	if (bad && !allowed) {
		m->route = bad;
		m->nparams = bad_nparams;
		memcpy(m->params, bad_params, sizeof(bad_params));
		return DW_INVALID;
	}
	m->nparams = 0;
	return DW_NOT_FOUND;
}

size_t router_allow(unsigned allowed, char *buf, size_t size)
{
	size_t len = 0;

	if (size)
		buf[0] = '\0';
	for (int mth = HTTP_GET; mth < HTTP_OTHER; mth++) {
		int w;

		if (!(allowed & (1u << mth)))
			continue;
		w = snprintf(buf + len, size - len, "%s%s", len ? ", " : "", method_names[mth]);
		if (w < 0 || (size_t)w >= size - len)
			break;
		len += (size_t)w;
	}
	return len;
}

const char *route_match_param(const struct route_match *m, const char *name)
{
	for (size_t i = 0; i < m->nparams; i++)
		if (strcmp(m->params[i].name, name) == 0)
			return m->params[i].value;
	return NULL;
}
