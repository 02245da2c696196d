/*
 * Request limits against a real drivewayd (server/http.h): what a hostile or broken client
 * gets for a long request target, many or large header fields, a stalled request and too many
 * connections from one address.
 *
 * requests: a 20 KB target is answered 414 and 200 header fields 431 by the dispatcher, as
 * problem documents, while requests just under the limits go through; a target or a header
 * block larger than the connection's memory pool (HTTP_MEMORY_LIMIT) gets libmicrohttpd's own
 * 414 or 431 and the connection is closed.
 *
 * slow: drivewayd started with DRIVEWAY_CONNECTION_TIMEOUT=1 and DRIVEWAY_PER_IP_CONNECTIONS=2
 * (the variables of --connection-timeout and --per-ip-connections) closes a connection that
 * stalls mid-request or sends nothing after about a second, and refuses a third connection
 * from 127.0.0.1 while two are open, but not once one of them closed.
 *
 * Raw sockets are used where libcurl would fix up the request (header counts, stalls).
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "server/http.h"
#include "tests/integration/harness.c"

/* Raw HTTP ------------------------------------------------------------------------------- */

/* A connection to the test server, with receive timeout seconds. */
static int raw_connect(int port, int timeout)
{
	struct sockaddr_in a;
	struct timeval tv = {.tv_sec = timeout};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* Sends all of text; 0, or -1 when the server closed the connection meanwhile. */
static int raw_send(int fd, const char *text, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, text, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		text += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The first place of needle in hay, ignoring case; NULL when absent. */
static const char *find_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return hay;
	return NULL;
}

/*
 * Reads one response: its header block and Content-Length bytes of body, or up to the end of
 * the stream. Returns it (malloc'd), or NULL when the server closed or reset the connection
 * without a byte. *closed: the stream ended (EOF or reset) while reading.
 */
static char *raw_response(int fd, int *closed)
{
	size_t cap = 4096, len = 0, want = (size_t)-1;
	char *buf = malloc(cap);

	ck_assert_ptr_nonnull(buf);
	*closed = 0;
	while (len < want) {
		ssize_t n;
		char *end;

		if (len + 1 >= cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			ck_assert_ptr_nonnull(buf);
		}
		n = recv(fd, buf + len, cap - len - 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break; /* the receive timeout: the caller sees what came */
		if (n <= 0) {
			*closed = 1;
			break;
		}
		len += (size_t)n;
		buf[len] = '\0';
		end = strstr(buf, "\r\n\r\n");
		if (end && want == (size_t)-1) {
			const char *cl = find_ci(buf, "\r\ncontent-length:");
			want = cl && cl < end ? (size_t)(end + 4 - buf) + strtoul(cl + 17, NULL, 10)
			                      : (size_t)-1;
		}
	}
	if (len == 0) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

/* The status of a response's first line, 0 when there is none. */
static int raw_status(const char *resp)
{
	if (!resp || strncmp(resp, "HTTP/1.", 7) != 0 || strlen(resp) < 12)
		return 0;
	return (int)strtol(resp + 9, NULL, 10);
}

/* The body of a response, parsed as JSON (NULL when it is not). */
static json_t *raw_json(const char *resp)
{
	const char *body = resp ? strstr(resp, "\r\n\r\n") : NULL;

	return body ? json_loads(body + 4, 0, NULL) : NULL;
}

/* A GET of target on a new connection with nheaders extra header fields of value value;
 * returns the raw response (malloc'd, or NULL). */
static char *raw_get(const char *target, int nheaders, const char *value, int *closed)
{
	size_t vlen = strlen(value), cap = strlen(target) + (size_t)nheaders * (vlen + 32) + 128;
	char *req = malloc(cap), *resp;
	size_t len;
	int fd;

	ck_assert_ptr_nonnull(req);
	len = (size_t)snprintf(req, cap, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n", target);
	for (int i = 0; i < nheaders; i++)
		len += (size_t)snprintf(req + len, cap - len, "X-Filler-%d: %s\r\n", i, value);
	len += (size_t)snprintf(req + len, cap - len, "Connection: close\r\n\r\n");
	ck_assert_uint_lt(len, cap);
	fd = raw_connect(hs_srv.port, 10);
	if (raw_send(fd, req, len) != 0) {
		free(req);
		close(fd);
		*closed = 1;
		return NULL;
	}
	resp = raw_response(fd, closed);
	free(req);
	close(fd);
	return resp;
}

/* "/healthz?pad=aaaa..." of total length n. */
static char *long_target(size_t n)
{
	const char *base = "/healthz?pad=";
	size_t blen = strlen(base);
	char *t = malloc(n + 1);

	ck_assert_ptr_nonnull(t);
	ck_assert_uint_gt(n, blen);
	memcpy(t, base, blen);
	memset(t + blen, 'a', n - blen);
	t[n] = '\0';
	return t;
}

/* A problem document of status with content type problem+json. */
static void assert_problem(const char *resp, int status, const char *detail_part)
{
	json_t *doc = raw_json(resp);

	ck_assert_int_eq(raw_status(resp), status);
	ck_assert_ptr_nonnull(find_ci(resp, "\r\ncontent-type: application/problem+json"));
	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "status")), status);
	ck_assert_ptr_nonnull(
	    strstr(json_string_value(json_object_get(doc, "detail")), detail_part));
	json_decref(doc);
}

/* requests ------------------------------------------------------------------------------- */

START_TEST(test_long_target_414)
{
	char *target = long_target(20 * 1024), *resp;
	int closed;

	resp = raw_get(target, 0, "", &closed);
	assert_problem(resp, 414, "request target is 20480 bytes long (at most 8192)");
	free(resp);
	free(target);
	/* at the limit goes through */
	target = long_target(HTTP_URL_MAX);
	resp = raw_get(target, 0, "", &closed);
	ck_assert_int_eq(raw_status(resp), 200);
	free(resp);
	free(target);
	target = long_target(HTTP_URL_MAX + 1);
	resp = raw_get(target, 0, "", &closed);
	ck_assert_int_eq(raw_status(resp), 414);
	free(resp);
	free(target);
}
END_TEST

START_TEST(test_many_headers_431)
{
	char *resp;
	int closed;

	resp = raw_get("/healthz", 200, "v", &closed);
	assert_problem(resp, 431, "request has 202 header fields (at most 100)");
	free(resp);
	/* Host, Connection and 98 more: exactly the limit */
	resp = raw_get("/healthz", (int)HTTP_HEADERS_MAX - 2, "v", &closed);
	ck_assert_int_eq(raw_status(resp), 200);
	free(resp);
	resp = raw_get("/healthz", (int)HTTP_HEADERS_MAX - 1, "v", &closed);
	ck_assert_int_eq(raw_status(resp), 431);
	free(resp);
}
END_TEST

/* Beyond the memory pool libmicrohttpd answers itself (not a problem document) and closes. */
START_TEST(test_over_memory_pool)
{
	char *target = long_target(HTTP_MEMORY_LIMIT + 1024), *resp, *value;
	int closed;

	resp = raw_get(target, 0, "", &closed);
	ck_assert_int_eq(raw_status(resp), 414);
	free(resp);
	free(target);

	value = malloc(HTTP_MEMORY_LIMIT / 4);
	ck_assert_ptr_nonnull(value);
	memset(value, 'v', HTTP_MEMORY_LIMIT / 4 - 1);
	value[HTTP_MEMORY_LIMIT / 4 - 1] = '\0';
	resp = raw_get("/healthz", 5, value, &closed);
	ck_assert_int_eq(raw_status(resp), 431);
	free(resp);
	free(value);

	/* the server is still there */
	resp = raw_get("/healthz", 0, "", &closed);
	ck_assert_int_eq(raw_status(resp), 200);
	free(resp);
}
END_TEST

/* slow ----------------------------------------------------------------------------------- */

static void setup_slow(void)
{
	setenv("DRIVEWAY_CONNECTION_TIMEOUT", "1", 1);
	setenv("DRIVEWAY_PER_IP_CONNECTIONS", "2", 1);
	hs_setup();
	unsetenv("DRIVEWAY_CONNECTION_TIMEOUT");
	unsetenv("DRIVEWAY_PER_IP_CONNECTIONS");
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Sends head (maybe "") and waits for the server to close; returns the seconds it took. */
static double seconds_to_close(const char *head)
{
	int fd = raw_connect(hs_srv.port, 10), closed;
	double t0 = now_s(), took;
	char *resp;

	ck_assert_int_eq(raw_send(fd, head, strlen(head)), 0);
	resp = raw_response(fd, &closed);
	took = now_s() - t0;
	ck_assert_msg(closed, "the connection was not closed after %.1f s", took);
	ck_assert_msg(raw_status(resp) == 0, "a stalled request got an answer: %s", resp);
	free(resp);
	close(fd);
	return took;
}

START_TEST(test_connection_timeout)
{
	double took;

	took = seconds_to_close("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
	ck_assert_msg(took > 0.5 && took < 5, "stalled mid-header: closed after %.1f s", took);
	took = seconds_to_close("");
	ck_assert_msg(took > 0.5 && took < 5, "silent: closed after %.1f s", took);
}
END_TEST

/* A keep-alive connection that got its 200 (so the server holds it). */
static int held_connection(void)
{
	static const char req[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
	int fd = raw_connect(hs_srv.port, 10), closed;
	char *resp;

	ck_assert_int_eq(raw_send(fd, req, sizeof(req) - 1), 0);
	resp = raw_response(fd, &closed);
	ck_assert_int_eq(raw_status(resp), 200);
	free(resp);
	return fd;
}

START_TEST(test_per_ip_limit)
{
	int a = held_connection(), b = held_connection(), closed, status = 0;
	char *resp;

	resp = raw_get("/healthz", 0, "", &closed);
	ck_assert_msg(raw_status(resp) == 0 && closed,
	              "a third connection from the same address was served: %s", resp);
	free(resp);
	close(a);
	/* the server notices the close on its next poll */
	for (int i = 0; i < 50 && status != 200; i++) {
		resp = raw_get("/healthz", 0, "", &closed);
		status = raw_status(resp);
		free(resp);
		if (status != 200)
			hs_sleep_ms(20);
	}
	ck_assert_int_eq(status, 200);
	close(b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("limits");
	TCase *tc = tcase_create("requests");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, hs_setup, hs_teardown);
	tcase_add_test(tc, test_long_target_414);
	tcase_add_test(tc, test_many_headers_431);
	tcase_add_test(tc, test_over_memory_pool);
	suite_add_tcase(s, tc);
	tc = tcase_create("slow");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup_slow, hs_teardown);
	tcase_add_test(tc, test_connection_timeout);
	tcase_add_test(tc, test_per_ip_limit);
	suite_add_tcase(s, tc);
	return hs_run_suite(s);
}
