#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "server/http.h"
#include "server/server.h"
#include "validators/contract.h"
#include "validators/utf8.h"
#include "validators/xalloc.h"

struct http {
	struct MHD_Daemon *daemon;
	unsigned port;
	int quiet; /* --quiet: libmicrohttpd's messages about connections are dropped */
	/* While MHD_start_daemon runs, libmicrohttpd's messages on the thread that called it are
	 * about starting: the first is kept for http_start's error (the reason it failed). Only
	 * that thread touches starting and first; workers see starter set before they were made. */
	pthread_t starter;
	int starting;
	char first[256];
};

struct http_tls {
	char *cert; /* PEM text, NUL-terminated, as libmicrohttpd wants it */
	char *key;
};

/* PEM files larger than this are refused: a certificate chain is a few KB. */
#define TLS_FILE_MAX (1024 * 1024)
/* GnuTLS priorities: TLS 1.2 and 1.3 only, GnuTLS' default ciphers for them. */
#define TLS_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

/* Everything one request owns, from its first line to the end of its response. */
struct exchange {
	struct request req;
	struct response res;
	char *path;      /* raw path, without the query */
	char *target;    /* raw path and query */
	char method[16]; /* as sent (cut), for the log line after libmicrohttpd's copy is gone */
	char *body;      /* collected body, NUL-terminated */
	size_t len, cap; /* bytes in body, allocated */
	size_t limit;    /* the route's body limit */
	int started;     /* the first access callback ran */
	int too_large;   /* the body went over limit: the rest is discarded */
	int ready;       /* res holds the answer already: routes_begin refused the request */
	int answered;    /* a response is queued */
	int status;      /* for the log line */
	size_t bytes;    /* body bytes sent, for the log line */
	struct timespec t0;
};

/* Request accessors ----------------------------------------------------------------------- */

/* The value of name in a conn-less request's name, value, ..., NULL list, or NULL. */
static const char *pairs_get(const char *const *pairs, const char *name, int nocase)
{
	for (size_t i = 0; pairs && pairs[i] && pairs[i + 1]; i += 2)
		if (nocase ? !strcasecmp(pairs[i], name) : !strcmp(pairs[i], name))
			return pairs[i + 1];
	return NULL;
}

const char *request_header(const struct request *req, const char *name)
{
	if (!req->conn)
		return pairs_get(req->headers, name, 1);
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *request_query(const struct request *req, const char *name)
{
	if (!req->conn)
		return pairs_get(req->query, name, 0);
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *request_param(const struct request *req, const char *name)
{
	return route_match_param(&req->match, name);
}

size_t request_header_count(const struct request *req)
{
	int n = 0;

	if (!req->conn) {
		while (req->headers && req->headers[2 * n] && req->headers[2 * n + 1])
			n++;
		return (size_t)n;
	}
	n = MHD_get_connection_values(req->conn, MHD_HEADER_KIND, NULL, NULL);

	return n > 0 ? (size_t)n : 0;
}

void request_client_address(const struct request *req, char *buf, size_t size)
{
	const union MHD_ConnectionInfo *ci =
	    req->conn ? MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS)
	              : NULL;
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	buf[0] = '\0';
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf,
		          (socklen_t)size);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		          buf, (socklen_t)size);
}

/* Responses ------------------------------------------------------------------------------- */

void response_release(struct response *res)
{
	free(res->body);
	json_decref(res->errors);
	json_decref(res->extra);
	for (size_t i = 0; i < res->nheaders; i++) {
		free(res->headers[i].name);
		free(res->headers[i].value);
	}
	memset(res, 0, sizeof(*res));
}

void response_body(struct response *res, int status, const char *content_type, char *body,
                   size_t len)
{
	free(res->body);
	res->status = status;
	res->content_type = content_type;
	res->body = body;
	res->body_len = body ? len : 0;
}

void response_json(struct response *res, int status, const json_t *doc)
{
	char *text = json_dumps(doc, JSON_COMPACT | JSON_ENCODE_ANY | DW_JSON_REALS);

	if (!text)
		xjson(NULL); /* only out of memory makes json_dumps fail on a valid value */
	response_body(res, status, "application/json", text, strlen(text));
}

void response_header_add(struct response *res, const char *name, const char *fmt, ...)
{
	va_list ap;
	char *value;
	int n;
	size_t i;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	value = xmalloc((size_t)(n < 0 ? 0 : n) + 1);
	va_start(ap, fmt);
	vsnprintf(value, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
	va_end(ap);
	for (i = 0; i < res->nheaders; i++)
		if (strcasecmp(res->headers[i].name, name) == 0)
			break;
	if (i < res->nheaders) {
		free(res->headers[i].value);
		res->headers[i].value = value;
		return;
	}
	if (res->nheaders == RESPONSE_MAX_HEADERS) {
		/* A programming error: the table is sized for the most any handler sets. */
		fprintf(stderr, "drivewayd: too many response headers, dropping '%s'\n", name);
		free(value);
		return;
	}
	res->headers[res->nheaders].name = xstrdup(name);
	res->headers[res->nheaders].value = value;
	res->nheaders++;
}

const char *response_header_get(const struct response *res, const char *name)
{
	for (size_t i = 0; i < res->nheaders; i++)
		if (strcasecmp(res->headers[i].name, name) == 0)
			return res->headers[i].value;
	return NULL;
}

void response_problem(struct response *res, const struct request *req, int status,
                      const char *title, const char *detail)
{
	/* a request's path is raw bytes, a JSON string must be UTF-8 */
	char *safe_detail = xstrdup(detail);
	char *instance = xstrdup(req && req->path ? req->path : "/");
	json_t *doc;
	char *text;

	utf8_scrub(safe_detail);
	utf8_scrub(instance);
	doc = xjson(json_pack("{s:s, s:s, s:i, s:s, s:s}", "type", "about:blank", "title", title,
	                      "status", status, "detail", safe_detail, "instance", instance));

	free(safe_detail);
	free(instance);

	if (res->extra) {
		/* the standard members above win over extension members of the same name */
		json_object_update_missing(doc, res->extra);
		json_decref(res->extra);
		res->extra = NULL;
	}
	if (res->errors) {
		json_object_set_new(doc, "errors", res->errors);
		res->errors = NULL;
	}
	text = json_dumps(doc, JSON_COMPACT | DW_JSON_REALS);
	json_decref(doc);
	if (!text)
		xjson(NULL);
	response_body(res, status, "application/problem+json", text, strlen(text));
}

/* libmicrohttpd glue ---------------------------------------------------------------------- */

static long elapsed_us(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long)(t1.tv_sec - t0->tv_sec) * 1000000L + (t1.tv_nsec - t0->tv_nsec) / 1000L;
}

/* Called once per request with the raw URI, before the headers are parsed: the per-request
 * state starts here, so the router sees the path before libmicrohttpd percent-decodes it. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct exchange *x = xcalloc(1, sizeof(*x));
	size_t n = strcspn(uri, "?#");

	(void)conn;
	x->req.srv = cls;
	x->path = xstrndup(uri, n);
	x->target = xstrndup(uri, n + strcspn(uri + n, "#"));
	x->req.path = x->path;
	x->req.target = x->target;
	clock_gettime(CLOCK_MONOTONIC, &x->t0);
	return x;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct server *srv = cls;
	struct exchange *x = *con_cls;

	(void)conn;
	(void)toe;
	if (!x)
		return;
	if (!srv->quiet)
		fprintf(stderr, "%s %s %d %zu %ldus\n", x->method[0] ? x->method : "-", x->path,
		        x->status, x->bytes, elapsed_us(&x->t0));
	json_decref(x->req.json);
	response_release(&x->res);
	free(x->body);
	free(x->path);
	free(x->target);
	free(x);
	*con_cls = NULL;
}

/* Makes a libmicrohttpd message one line in drivewayd's manner: no line breaks, no final
 * period, the first letter lowercased unless the first word is an acronym ("TLS"). */
static void log_tidy(char *line)
{
	size_t n = strlen(line);

	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == '.'))
		line[--n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	if (n > 1 && isupper((unsigned char)line[0]) && islower((unsigned char)line[1]))
		line[0] = (char)tolower((unsigned char)line[0]);
}

/*
 * libmicrohttpd's messages (MHD_OPTION_EXTERNAL_LOGGER, cls the struct http): a failed TLS
 * handshake, plain HTTP at the HTTPS port, a connection closed on an error. They go to stderr
 * as drivewayd's own ("drivewayd: " and the tidied message) unless --quiet, which drops them
 * with the request lines. While the daemon starts they are kept for http_start instead.
 */
__attribute__((format(printf, 2, 0))) static void on_log(void *cls, const char *fmt, va_list ap)
{
	struct http *h = cls;
	char line[1024];

	/* the thread first: workers must not read starting, which the starter writes */
	if (pthread_equal(pthread_self(), h->starter) && h->starting) {
		if (!h->first[0])
			vsnprintf(h->first, sizeof(h->first), fmt, ap);
		return;
	}
	if (h->quiet)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	log_tidy(line);
	fprintf(stderr, "drivewayd: %s\n", line);
}

static enum MHD_Result send_response(struct MHD_Connection *conn, struct exchange *x)
{
	struct response *res = &x->res;
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (!res->status)
		response_problem(res, &x->req, 500, "Internal Server Error",
		                 "the handler gave no answer");
	/* libmicrohttpd takes the body and frees it with free() once sent. */
	r = MHD_create_response_from_buffer(res->body_len, res->body, MHD_RESPMEM_MUST_FREE);
	if (!r)
		return MHD_NO;
	res->body = NULL;
	x->bytes = res->body_len;
	for (size_t i = 0; i < res->nheaders; i++)
		MHD_add_response_header(r, res->headers[i].name, res->headers[i].value);
	if (res->content_type)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, res->content_type);
	x->status = res->status;
	x->answered = 1;
	ret = MHD_queue_response(conn, (unsigned)res->status, r);
	MHD_destroy_response(r);
	return ret;
}

/* 1 when the request announces no body at all. */
static int bodiless(struct MHD_Connection *conn)
{
	const char *cl =
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	const char *te =
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);

	return !te && (!cl || strcmp(cl, "0") == 0);
}

static void collect(struct exchange *x, const char *data, size_t size)
{
	if (x->too_large)
		return;
	if (size > x->limit - x->len) {
		x->too_large = 1;
		free(x->body);
		x->body = NULL;
		x->len = x->cap = 0;
		return;
	}
	if (x->len + size + 1 > x->cap) {
		size_t cap = x->cap ? x->cap : 4096;
		while (cap < x->len + size + 1)
			cap *= 2;
		if (cap > x->limit + 1)
			cap = x->limit + 1;
		x->body = xrealloc(x->body, cap);
		x->cap = cap;
	}
	memcpy(x->body + x->len, data, size);
	x->len += size;
	x->body[x->len] = '\0';
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
	struct exchange *x = *con_cls;

	(void)version;
	if (!x) {
		/* on_uri always runs first; this only guards against a library change. */
		x = on_uri(cls, url, conn);
		*con_cls = x;
	}
	x->req.conn = conn;
	if (x->answered) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (!x->started) {
		/* Answering on this first call makes libmicrohttpd close the connection (the body
		 * is not read): done only to refuse a body, others answer on the next call. */
		x->started = 1;
		snprintf(x->method, sizeof(x->method), "%s", method);
		x->req.method_name = x->method;
		x->req.method = http_method_parse(method);
		x->ready = routes_begin(&x->req, &x->res);
		if (x->ready && !bodiless(conn))
			return send_response(conn, x);
		x->limit = x->ready ? 0 : x->req.match.route->body_limit;
		return MHD_YES;
	}
	if (*upload_data_size) {
		/* Routes without a body ignore one; routes with one cap it. */
		if (x->limit)
			collect(x, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (x->ready)
		return send_response(conn, x);
	if (x->too_large) {
		routes_too_large(&x->req, &x->res);
		return send_response(conn, x);
	}
	x->req.body = x->body ? x->body : "";
	x->req.body_len = x->len;
	routes_finish(&x->req, &x->res);
	return send_response(conn, x);
}

/* TLS ------------------------------------------------------------------------------------- */

/* The daemon options that turn TLS on (for MHD_OPTION_ARRAY): none when tls is NULL. */
static void tls_options(const struct http_tls *tls, struct MHD_OptionItem items[4])
{
	size_t n = 0;

	if (tls) {
		items[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, tls->cert};
		items[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, tls->key};
		items[n++] =
		    (struct MHD_OptionItem){MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)TLS_PRIORITIES};
	}
	items[n] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
}

/* Reads a PEM file whole, NUL-terminated, into *out (malloc'd). what names it in messages. */
static int read_pem(const char *path, const char *what, char **out, struct dw_error *err)
{
	struct stat st;
	char *buf;
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), e;

	*out = NULL;
	if (fd < 0 || fstat(fd, &st) != 0) {
		e = errno;
		if (fd >= 0)
			close(fd);
		return dw_error_set(err, DW_INVALID, "cannot read %s '%s': %s", what, path,
		                    strerror(e));
	}
	if (!S_ISREG(st.st_mode) || st.st_size > TLS_FILE_MAX) {
		close(fd);
		return dw_error_set(err, DW_INVALID, "cannot use %s '%s': %s", what, path,
		                    S_ISREG(st.st_mode) ? "larger than 1 MiB" : "not a file");
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	e = errno;
	close(fd);
	buf[len] = '\0';
	if (len < (size_t)st.st_size || !strstr(buf, "-----BEGIN ")) {
		int short_read = len < (size_t)st.st_size;
		free(buf);
		return dw_error_set(err, DW_INVALID, "cannot use %s '%s': %s", what, path,
		                    short_read ? strerror(e) : "not a PEM file");
	}
	*out = buf;
	return 0;
}

/* Keeps libmicrohttpd's first message while a daemon is set up for a check. */
__attribute__((format(printf, 2, 0))) static void on_check_log(void *cls, const char *fmt,
                                                               va_list ap)
{
	char *first = cls;
	size_t n;

	if (first[0])
		return;
	vsnprintf(first, 256, fmt, ap);
	n = strlen(first);
	while (n && first[n - 1] == '\n')
		first[--n] = '\0';
}

/* Sets up a daemon without a socket or thread with these files: GnuTLS parses both and checks
 * that the key belongs to the certificate, as it will when serving. */
static int tls_check(const struct http_tls *tls, const char *cert_file, const char *key_file,
                     struct dw_error *err)
{
	struct MHD_OptionItem items[4];
	struct MHD_Daemon *d;
	char first[256] = "";

	tls_options(tls, items);
	// clang-format off
	d = MHD_start_daemon(MHD_USE_TLS | MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ERROR_LOG, 0,
		NULL, NULL, on_request, NULL,
		MHD_OPTION_EXTERNAL_LOGGER, on_check_log, first,
		MHD_OPTION_ARRAY, items,
		MHD_OPTION_END);
	// clang-format on
	if (!d)
		return dw_error_set(err, DW_INVALID,
		                    "cannot use TLS certificate '%s' with key '%s': %s", cert_file,
		                    key_file, first[0] ? first : "rejected by libmicrohttpd");
	MHD_stop_daemon(d);
	return 0;
}

int http_tls_load(const char *cert_file, const char *key_file, struct http_tls **out,
                  struct dw_error *err)
{
	struct http_tls *tls;
	int rc;

	*out = NULL;
	if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
		return dw_error_set(err, DW_UNAVAILABLE,
		                    "cannot serve HTTPS: this libmicrohttpd was built without TLS "
		                    "support (GnuTLS)");
	tls = xcalloc(1, sizeof(*tls));
	rc = read_pem(cert_file, "TLS certificate", &tls->cert, err);
	if (!rc)
		rc = read_pem(key_file, "TLS key", &tls->key, err);
	if (!rc)
		rc = tls_check(tls, cert_file, key_file, err);
	if (rc) {
		http_tls_free(tls);
		return rc;
	}
	*out = tls;
	return 0;
}

void http_tls_free(struct http_tls *tls)
{
	if (!tls)
		return;
	if (tls->key) {
		/* the private key should not linger in freed memory */
		volatile char *p = tls->key;
		while (*p)
			*p++ = '\0';
		free(tls->key);
	}
	free(tls->cert);
	free(tls);
}

/* The daemon ------------------------------------------------------------------------------ */

int http_start(const struct http_options *opt, struct server *srv, struct http **out,
               struct dw_error *err)
{
	struct addrinfo hints, *ai = NULL;
	struct sockaddr_storage addr;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	const union MHD_DaemonInfo *info;
	struct MHD_OptionItem tls[4];
	struct http *h;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(opt->host, NULL, &hints, &ai);
	if (rc || !ai)
		return dw_error_set(err, DW_UNAVAILABLE, "cannot resolve listen address '%s': %s",
		                    opt->host, gai_strerror(rc));
	memset(&addr, 0, sizeof(addr));
	memcpy(&addr, ai->ai_addr, ai->ai_addrlen);
	if (ai->ai_family == AF_INET6) {
		((struct sockaddr_in6 *)&addr)->sin6_port = htons((uint16_t)opt->port);
		flags |= MHD_USE_IPv6;
	} else {
		((struct sockaddr_in *)&addr)->sin_port = htons((uint16_t)opt->port);
	}
	freeaddrinfo(ai);

	tls_options(opt->tls, tls);
	if (opt->tls)
		flags |= MHD_USE_TLS;
	h = xcalloc(1, sizeof(*h));
	h->quiet = srv->quiet;
	h->starter = pthread_self();
	h->starting = 1;
	// clang-format off
	/* one option and its arguments per line */
	h->daemon = MHD_start_daemon(flags, (uint16_t)opt->port, NULL, NULL, on_request, srv,
		MHD_OPTION_EXTERNAL_LOGGER, on_log, h, /* first: it then gets every message */
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)(opt->threads > 1 ? opt->threads : 0),
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)opt->timeout,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)opt->max_conns,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)opt->max_per_ip,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_MEMORY_LIMIT,
		MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
		MHD_OPTION_ARRAY, tls,
		MHD_OPTION_END);
	// clang-format on
	h->starting = 0;
	log_tidy(h->first);
	if (!h->daemon) {
		rc = dw_error_set(err, DW_UNAVAILABLE, "cannot listen on '%s:%u'%s%s", opt->host,
		                  opt->port, h->first[0] ? ": " : "", h->first);
		free(h);
		return rc;
	}
	/* a warning about the settings that did not stop it: shown like the start line */
	if (h->first[0])
		fprintf(stderr, "drivewayd: %s\n", h->first);
	info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
	h->port = info ? info->port : opt->port;
	*out = h;
	return 0;
}

unsigned http_port(const struct http *h)
{
	return h->port;
}

void http_stop(struct http *h)
{
	if (!h)
		return;
	MHD_stop_daemon(h->daemon);
	free(h);
}
