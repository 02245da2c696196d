/*
 * minimal: the baseline bench/read.sh measures drivewayd against. A libmicrohttpd server in the
 * same configuration as drivewayd (internal thread pool, epoll, loopback) that answers every GET
 * with one fixed body read from a file at start, so the difference between the two is what
 * drivewayd does per request: routing, the store lookup, JSON and headers.
 *
 * usage: minimal --port-file FILE [--threads N] [--content-type TYPE] [--etag ETAG] [--post]
 *                BODYFILE
 *
 * --post answers POST too (once the request body is read and dropped), for bench/ccompat.sh's
 * Confluent schema lookups (POST /subjects/{s}).
 *
 * Listens on 127.0.0.1 on a free port, writes the port to FILE (tmp + rename, like drivewayd)
 * and serves until SIGTERM or SIGINT. Not part of the build: bench/read.sh compiles it with
 * `cc $(pkg-config --cflags --libs libmicrohttpd)`.
 *
 * The response object is created once and shared by every connection (libmicrohttpd reference
 * counts it); the body buffer lives until exit.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#define MINIMAL_MAX_BODY (16 * 1024 * 1024)

static struct MHD_Response *minimal_ok;
static struct MHD_Response *minimal_not_allowed;
static int minimal_post; /* --post */

static enum MHD_Result minimal_handle(void *cls, struct MHD_Connection *conn, const char *url,
				      const char *method, const char *version,
				      const char *upload_data, size_t *upload_size, void **state)
{
	(void)cls;
	(void)url;
	(void)version;
	(void)upload_data;
	if (!*state) {
		/* First call: only the headers are in. Answering now would make libmicrohttpd
		 * close the connection, since it cannot know whether a body follows. */
		*state = &minimal_ok;
		return MHD_YES;
	}
	if (*upload_size != 0) {
		/* A body (a POST under --post): drop it, answer once it has been read. */
		*upload_size = 0;
		return MHD_YES;
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0 &&
	    !(minimal_post && strcmp(method, MHD_HTTP_METHOD_POST) == 0))
		return MHD_queue_response(conn, MHD_HTTP_METHOD_NOT_ALLOWED, minimal_not_allowed);
	return MHD_queue_response(conn, MHD_HTTP_OK, minimal_ok);
}

/* Reads the whole file into a malloc'd buffer; *len gets its size. NULL on failure. */
static char *minimal_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n = 0;

	if (!f) {
		fprintf(stderr, "minimal: cannot open '%s': %s\n", path, strerror(errno));
		return NULL;
	}
	buf = malloc(MINIMAL_MAX_BODY);
	if (!buf) {
		fclose(f);
		fprintf(stderr, "minimal: out of memory\n");
		return NULL;
	}
	n = fread(buf, 1, MINIMAL_MAX_BODY, f);
	if (ferror(f) || !feof(f)) {
		fprintf(stderr, "minimal: cannot read '%s' (larger than %d bytes?)\n", path,
			MINIMAL_MAX_BODY);
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

static int minimal_write_port(const char *path, unsigned port)
{
	char tmp[4096];
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		fprintf(stderr, "minimal: port file name too long '%s'\n", path);
		return -1;
	}
	f = fopen(tmp, "w");
	if (!f || fprintf(f, "%u\n", port) < 0 || fclose(f) != 0) {
		fprintf(stderr, "minimal: cannot write '%s': %s\n", tmp, strerror(errno));
		return -1;
	}
	if (rename(tmp, path) != 0) {
		fprintf(stderr, "minimal: cannot rename '%s': %s\n", tmp, strerror(errno));
		return -1;
	}
	return 0;
}

static int minimal_parse_threads(const char *s, unsigned *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 1 || v > 256) {
		fprintf(stderr, "minimal: invalid thread count '%s'\n", s);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

static void minimal_usage(void)
{
	fprintf(stderr, "usage: minimal --port-file FILE [--threads N] [--content-type TYPE] "
			"[--etag ETAG] [--post] BODYFILE\n");
}

int main(int argc, char **argv)
{
	const char *port_file = NULL, *ctype = "application/json", *etag = NULL, *body_path = NULL;
	unsigned threads = 2;
	struct sockaddr_in addr;
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	sigset_t sigs;
	size_t len = 0;
	char *body;
	int i, sig;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--port-file") == 0 && i + 1 < argc) {
			port_file = argv[++i];
		} else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
			if (minimal_parse_threads(argv[++i], &threads) != 0)
				return 2;
		} else if (strcmp(argv[i], "--content-type") == 0 && i + 1 < argc) {
			ctype = argv[++i];
		} else if (strcmp(argv[i], "--etag") == 0 && i + 1 < argc) {
			etag = argv[++i];
		} else if (strcmp(argv[i], "--post") == 0) {
			minimal_post = 1;
		} else if (argv[i][0] == '-' || body_path) {
			minimal_usage();
			return 2;
		} else {
			body_path = argv[i];
		}
	}
	if (!port_file || !body_path) {
		minimal_usage();
		return 2;
	}
	body = minimal_read_file(body_path, &len);
	if (!body)
		return 1;

	minimal_ok = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_PERSISTENT);
	minimal_not_allowed = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	if (!minimal_ok || !minimal_not_allowed ||
	    MHD_add_response_header(minimal_ok, MHD_HTTP_HEADER_CONTENT_TYPE, ctype) != MHD_YES ||
	    (etag && MHD_add_response_header(minimal_ok, MHD_HTTP_HEADER_ETAG, etag) != MHD_YES) ||
	    MHD_add_response_header(minimal_not_allowed, MHD_HTTP_HEADER_ALLOW, "GET, HEAD") !=
		    MHD_YES) {
		fprintf(stderr, "minimal: cannot build the response\n");
		return 1;
	}

	/* Block the signals before the pool starts so only main receives them, via sigwait. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	if (pthread_sigmask(SIG_BLOCK, &sigs, NULL) != 0) {
		fprintf(stderr, "minimal: cannot block signals\n");
		return 1;
	}

	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = 0;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	d = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
			     minimal_handle, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
			     MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT,
			     (unsigned)4096, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
			     MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "minimal: cannot start the server\n");
		return 1;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if (!info || info->port == 0 || minimal_write_port(port_file, info->port) != 0) {
		MHD_stop_daemon(d);
		return 1;
	}
	fprintf(stderr, "minimal: listening on http://127.0.0.1:%u (%u threads, %zu bytes)\n",
		(unsigned)info->port, threads, len);

	while (sigwait(&sigs, &sig) != 0)
		;
	MHD_stop_daemon(d);
	MHD_destroy_response(minimal_ok);
	MHD_destroy_response(minimal_not_allowed);
	free(body);
	return 0;
}
