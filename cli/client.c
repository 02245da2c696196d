#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "validators/xalloc.h"

/* Answers larger than this are refused rather than buffered (contracts are a few MB at most). */
#define CLIENT_MAX_BODY (256u * 1024 * 1024)

struct client {
	CURL *curl;
	char *server; /* without a trailing slash */
	char *auth;   /* "Authorization: Bearer ..." or NULL */
	char *agent;
	char *cacert; /* CA file for https, or NULL for the system's */
};

/* What the callbacks fill while a request runs. */
struct transfer {
	struct strbuf body;
	int too_large;
	struct client_response *resp;
};

static int curl_ready;

static int is_http_url(const char *s)
{
	return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

struct client *client_new(const char *server, const char *token)
{
	struct client *c;
	size_t n;

	if (!is_http_url(server) || !server[server[4] == 's' ? 8 : 7])
		return NULL;
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return NULL;
		curl_ready = 1;
	}
	c = xcalloc(1, sizeof(*c));
	c->curl = curl_easy_init();
	if (!c->curl) {
		free(c);
		return NULL;
	}
	c->server = xstrdup(server);
	n = strlen(c->server);
	while (n > 0 && c->server[n - 1] == '/')
		c->server[--n] = '\0';
	if (token && token[0])
		c->auth = xasprintf("Authorization: Bearer %s", token);
	c->agent = xasprintf("driveway/%s", DRIVEWAY_VERSION);
	return c;
}

void client_free(struct client *c)
{
	if (!c)
		return;
	curl_easy_cleanup(c->curl);
	free(c->server);
	if (c->auth) {
		/* The token should not linger in freed memory. */
		memset(c->auth, 0, strlen(c->auth));
		free(c->auth);
	}
	free(c->agent);
	free(c->cacert);
	free(c);
}

void client_set_cacert(struct client *c, const char *file)
{
	free(c->cacert);
	c->cacert = file ? xstrdup(file) : NULL;
}

/* 1 for the transfer errors that say the server's certificate could not be trusted. */
static int tls_trust_error(CURLcode rc)
{
	return rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
	       rc == CURLE_SSL_ISSUER_ERROR || rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH;
}

const char *client_server(const struct client *c)
{
	return c->server;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
	struct transfer *t = userdata;
	size_t n = size * nmemb;

	if (t->body.len + n > CLIENT_MAX_BODY) {
		t->too_large = 1;
		return 0;
	}
	strbuf_add(&t->body, data, n);
	return n;
}

/* Keeps a copy of the header's value, trimmed, replacing an earlier one. */
static void keep_header(char **slot, const char *value, size_t len)
{
	while (len > 0 && (value[0] == ' ' || value[0] == '\t')) {
		value++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)value[len - 1]))
		len--;
	free(*slot);
	*slot = xstrndup(value, len);
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userdata)
{
	static const struct {
		const char *name;
		size_t offset;
	} wanted[] = {
	    {"etag", offsetof(struct client_response, etag)},
	    {"location", offsetof(struct client_response, location)},
	    {"driveway-result", offsetof(struct client_response, result)},
	    {"link", offsetof(struct client_response, link)},
	    {"content-type", offsetof(struct client_response, content_type)},
	};
	struct transfer *t = userdata;
	size_t n = size * nmemb;
	const char *colon = memchr(data, ':', n);

	if (n >= 5 && memcmp(data, "HTTP/", 5) == 0) {
		/* A new response starts (after a 100 Continue, say): forget the previous headers.
		 */
		struct client_response *r = t->resp;
		free(r->etag);
		free(r->location);
		free(r->result);
		free(r->link);
		free(r->content_type);
		r->etag = r->location = r->result = r->link = r->content_type = NULL;
		return n;
	}
	if (!colon)
		return n;
	for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
		size_t klen = strlen(wanted[i].name);
		if ((size_t)(colon - data) == klen &&
		    strncasecmp(data, wanted[i].name, klen) == 0) {
			char **slot = (char **)((char *)t->resp + wanted[i].offset);
			keep_header(slot, colon + 1, n - klen - 1);
		}
	}
	return n;
}

/* The URL to ask: our server plus the path (and query) of path. */
static char *request_url(const struct client *c, const char *path)
{
	if (is_http_url(path)) {
		const char *p = strchr(path + (path[4] == 's' ? 8 : 7), '/');
		return xasprintf("%s%s", c->server, p ? p : "/");
	}
	return xasprintf("%s%s%s", c->server, path[0] == '/' ? "" : "/", path);
}

int client_request(struct client *c, const char *method, const char *path, const json_t *body,
                   const char *const *headers, struct client_response *resp, struct dw_error *err)
{
	struct transfer t;
	struct curl_slist *hl = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	char *url = request_url(c, path);
	char *text = NULL;
	CURLcode rc;

	memset(resp, 0, sizeof(*resp));
	memset(&t, 0, sizeof(t));
	strbuf_init(&t.body);
	t.resp = resp;

	curl_easy_reset(c->curl);
	curl_easy_setopt(c->curl, CURLOPT_URL, url);
	curl_easy_setopt(c->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT, 10L);
	/* A stalled server (under 1 byte/s for a minute) is given up on. */
	curl_easy_setopt(c->curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c->curl, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, errbuf);
	/* libcurl's defaults, said out loud: the peer and its name are always verified. */
	curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYHOST, 2L);
	if (c->cacert)
		curl_easy_setopt(c->curl, CURLOPT_CAINFO, c->cacert);
	curl_easy_setopt(c->curl, CURLOPT_USERAGENT, c->agent);
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, &t);
	curl_easy_setopt(c->curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c->curl, CURLOPT_HEADERDATA, &t);

	hl = curl_slist_append(hl, "Accept: application/json, application/problem+json, */*");
	hl = curl_slist_append(hl, "Expect:");
	if (c->auth)
		hl = curl_slist_append(hl, c->auth);
	for (size_t i = 0; headers && headers[i]; i++)
		hl = curl_slist_append(hl, headers[i]);

	if (strcmp(method, "GET") == 0) {
		curl_easy_setopt(c->curl, CURLOPT_HTTPGET, 1L);
	} else if (strcmp(method, "HEAD") == 0) {
		curl_easy_setopt(c->curl, CURLOPT_NOBODY, 1L);
	} else {
		curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, method);
		text = body ? json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		if (body && !text) {
			fprintf(stderr, "fatal: out of memory encoding a request body\n");
			abort();
		}
		if (text) {
			hl = curl_slist_append(hl, "Content-Type: application/json");
			curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, text);
			curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE,
			                 (curl_off_t)strlen(text));
		}
	}
	if (!hl) {
		fprintf(stderr, "fatal: out of memory building request headers\n");
		abort();
	}
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, hl);

	rc = curl_easy_perform(c->curl);
	curl_slist_free_all(hl);
	free(text);
	free(url);
	if (rc != CURLE_OK) {
		const char *why = t.too_large ? "answer larger than 256 MiB"
		                  : errbuf[0] ? errbuf
		                              : curl_easy_strerror(rc);
		strbuf_release(&t.body);
		client_response_release(resp);
		if (tls_trust_error(rc))
			return dw_error_set(
			    err, DW_UNAVAILABLE, "cannot verify the TLS certificate of %s: %s%s",
			    c->server, why,
			    c->cacert ? "" : " (give its CA with --cacert or DRIVEWAY_CACERT)");
		return dw_error_set(err, DW_UNAVAILABLE, "registry unreachable at %s: %s",
		                    c->server, why);
	}
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &resp->status);
	resp->len = t.body.len;
	resp->body = xstrbuf_detach(&t.body);
	return 0;
}

void client_response_release(struct client_response *resp)
{
	free(resp->body);
	free(resp->etag);
	free(resp->location);
	free(resp->result);
	free(resp->link);
	free(resp->content_type);
	memset(resp, 0, sizeof(*resp));
}

int client_ok(const struct client_response *resp)
{
	return resp->status >= 200 && resp->status < 300;
}

json_t *client_response_json(const struct client_response *resp)
{
	if (!resp->body || !resp->len)
		return NULL;
	return json_loadb(resp->body, resp->len, JSON_DECODE_ANY, NULL);
}

/* Copies s into buf replacing control characters, so a server cannot drive the terminal. */
static void copy_printable(char *buf, size_t size, const char *s)
{
	size_t j = 0;

	for (; *s && j + 1 < size; s++)
		buf[j++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
	buf[j] = '\0';
}

void client_problem_detail(const struct client_response *resp, json_t *problem, char *buf,
                           size_t size)
{
	const char *detail = json_string_value(json_object_get(problem, "detail"));
	const char *title = json_string_value(json_object_get(problem, "title"));

	if (detail && detail[0])
		copy_printable(buf, size, detail);
	else if (title && title[0])
		copy_printable(buf, size, title);
	else
		snprintf(buf, size, "registry answered HTTP %ld %s", resp->status,
		         dw_code_title(dw_code_from_http((int)resp->status)));
}

int client_fail(const struct client_response *resp, const char *context)
{
	json_t *problem = client_response_json(resp);
	json_t *errors = json_object_get(problem, "errors");
	char detail[1024], ptr[512], msg[1024];
	size_t i;
	json_t *e;

	if (!json_is_object(problem)) {
		json_decref(problem);
		problem = NULL;
	}
	client_problem_detail(resp, problem, detail, sizeof(detail));
	if (context)
		fprintf(stderr, "error: %s: %s\n", context, detail);
	else
		fprintf(stderr, "error: %s\n", detail);
	json_array_foreach(errors, i, e)
	{
		const char *p = json_string_value(json_object_get(e, "pointer"));
		const char *m = json_string_value(json_object_get(e, "message"));
		copy_printable(ptr, sizeof(ptr), p && p[0] ? p : "/");
		copy_printable(msg, sizeof(msg), m ? m : "invalid");
		fprintf(stderr, "%s: %s\n", ptr, msg);
	}
	json_decref(problem);
	client_hint(resp);
	return dw_code_from_http((int)resp->status);
}

void client_hint(const struct client_response *resp)
{
	if (resp->status == 401)
		fputs("hint: give a token with --token, DRIVEWAY_TOKEN or DRIVEWAY_TOKEN_FILE\n",
		      stderr);
	else if (resp->status == 403)
		fputs("hint: this needs the admin token or a token of the domain written\n",
		      stderr);
}

char *client_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s), j = 0;
	char *out = xmalloc(3 * n + 1);

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (isalnum(*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			out[j++] = (char)*p;
		} else {
			out[j++] = '%';
			out[j++] = hex[*p >> 4];
			out[j++] = hex[*p & 15];
		}
	}
	out[j] = '\0';
	return out;
}

void client_query_add(char **url, const char *key, const char *value)
{
	char *k, *v, *joined;

	if (!value)
		return;
	k = client_escape(key);
	v = client_escape(value);
	joined = xasprintf("%s%c%s=%s", *url, strchr(*url, '?') ? '&' : '?', k, v);
	free(k);
	free(v);
	free(*url);
	*url = joined;
}
