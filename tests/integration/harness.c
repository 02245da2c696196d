/*
 * harness: start, stop and talk to a real drivewayd (see harness.h). Included by each
 * integration suite.
 */
#include "tests/integration/harness.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "validators/xalloc.h"

static void hs_sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static const char *hs_build_dir(void)
{
	const char *b = getenv("DRIVEWAY_BUILD");

	return b && *b ? b : "build";
}

char *hs_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = xrealloc(buf, cap);
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

char *hs_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s);
	char *out = xmalloc(3 * n + 1), *o = out;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (isalnum(*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = '\0';
	return out;
}

static pid_t hs_spawn(const struct hs_server *s)
{
	char bin[512], port_file[320], log[320];
	pid_t parent = getpid(), pid;

	snprintf(bin, sizeof(bin), "%s/drivewayd", hs_build_dir());
	snprintf(port_file, sizeof(port_file), "%s/port", s->dir);
	snprintf(log, sizeof(log), "%s/drivewayd.log", s->dir);
	char *argv[] = {bin,        "--db",        (char *)s->db,
	                "--listen", "127.0.0.1:0", "--port-file",
	                port_file,  "--quiet",     s->read_auth ? "--read-auth" : NULL,
	                NULL};

	if (access(bin, X_OK) != 0) {
		fprintf(stderr, "harness: cannot run %s: %s\n", bin, strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		perror("harness: fork");
	if (pid != 0)
		return pid; /* parent, or -1 */
	/* Child: only async-signal-safe calls until exec. The server dies with its test. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
	int null = open("/dev/null", O_RDONLY);
	if (fd < 0 || null < 0)
		_exit(127);
	dup2(null, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	execv(bin, argv);
	_exit(127);
}

void hs_server_log_tail(const struct hs_server *s)
{
	char log[320];
	size_t n;
	char *text;

	snprintf(log, sizeof(log), "%s/drivewayd.log", s->dir);
	text = hs_read_file(log, &n);
	if (!text)
		return;
	fprintf(stderr, "--- drivewayd log (%s), last lines:\n%s---\n", log,
	        n > 3000 ? text + n - 3000 : text);
	free(text);
}

static int hs_wait_ready(struct hs_server *s)
{
	char port_file[320], token_file[340];
	int status;

	snprintf(port_file, sizeof(port_file), "%s/port", s->dir);
	snprintf(token_file, sizeof(token_file), "%s.admin-token", s->db);
	for (int i = 0; i < 3000; i++) { /* 30 s: sanitized builds start slowly */
		pid_t w = waitpid(s->pid, &status, WNOHANG);
		if (w == s->pid) {
			fprintf(stderr, "harness: drivewayd exited before listening (status %d)\n",
			        WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status));
			s->pid = 0;
			hs_server_log_tail(s);
			return -1;
		}
		char *port = hs_read_file(port_file, NULL);
		char *tok = port ? hs_read_file(token_file, NULL) : NULL;
		if (port && tok) {
			char *end;
			long p = strtol(port, &end, 10);
			while (*end && isspace((unsigned char)*end))
				end++;
			size_t tl = strlen(tok);
			while (tl > 0 && isspace((unsigned char)tok[tl - 1]))
				tok[--tl] = '\0';
			if (p > 0 && p < 65536 && *end == '\0' && tl > 0 && tl < sizeof(s->admin)) {
				s->port = (int)p;
				snprintf(s->base, sizeof(s->base), "http://127.0.0.1:%d", s->port);
				memcpy(s->admin, tok, tl + 1);
				free(port);
				free(tok);
				return 0;
			}
		}
		free(port);
		free(tok);
		hs_sleep_ms(10);
	}
	fprintf(stderr, "harness: drivewayd wrote no port file / admin token within 30 s\n");
	hs_server_log_tail(s);
	return -1;
}

int hs_server_restart(struct hs_server *s)
{
	char port_file[320];

	snprintf(port_file, sizeof(port_file), "%s/port", s->dir);
	unlink(port_file);
	s->pid = hs_spawn(s);
	if (s->pid < 0) {
		s->pid = 0;
		fprintf(stderr, "harness: could not start drivewayd\n");
		return -1;
	}
	return hs_wait_ready(s);
}

int hs_server_start(struct hs_server *s, const char *extra)
{
	const char *tmp = getenv("TMPDIR");

	memset(s, 0, sizeof(*s));
	curl_global_init(CURL_GLOBAL_DEFAULT);
	snprintf(s->dir, sizeof(s->dir), "%s/dw-itest-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(s->dir)) {
		perror("harness: mkdtemp");
		s->dir[0] = '\0';
		return -1;
	}
	snprintf(s->db, sizeof(s->db), "%s/d.db", s->dir);
	s->read_auth = extra && strcmp(extra, "--read-auth") == 0;
	if (hs_server_restart(s) == 0)
		return 0;
	/* A fixture whose setup fails gets no teardown: leave nothing behind. */
	hs_server_release(s);
	return -1;
}

int hs_server_stop(struct hs_server *s)
{
	int status, rc = -1;

	if (s->pid <= 0)
		return -1;
	kill(s->pid, SIGTERM);
	for (int i = 0; i < 1500; i++) {
		pid_t w = waitpid(s->pid, &status, WNOHANG);
		if (w == s->pid) {
			rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
			s->pid = 0;
			return rc;
		}
		hs_sleep_ms(10);
	}
	fprintf(stderr, "harness: drivewayd ignored SIGTERM for 15 s, killing it\n");
	hs_server_kill(s);
	return -1;
}

void hs_server_kill(struct hs_server *s)
{
	if (s->pid <= 0)
		return;
	kill(s->pid, SIGKILL);
	while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
		;
	s->pid = 0;
}

static void hs_rmtree(const char *dir)
{
	/* The directory is ours (mkdtemp) and holds only flat files. */
	char cmd[400];

	if (!dir[0] || strncmp(strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir, "dw-itest-", 9))
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "harness: could not remove %s\n", dir);
}

void hs_server_release(struct hs_server *s)
{
	hs_server_kill(s);
	if (getenv("DRIVEWAY_KEEP_TMP"))
		fprintf(stderr, "harness: kept %s\n", s->dir);
	else
		hs_rmtree(s->dir);
	s->dir[0] = '\0';
}

/* HTTP ------------------------------------------------------------------------------------ */

struct hs_buf {
	char *p;
	size_t n, cap;
};

static void hs_buf_add(struct hs_buf *b, const char *data, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->n, data, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static size_t hs_on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	hs_buf_add(arg, data, size * nmemb);
	return size * nmemb;
}

static size_t hs_on_header(char *data, size_t size, size_t nmemb, void *arg)
{
	struct hs_buf *b = arg;

	/* Keep the final response's headers only (a 100 Continue comes first). */
	if (size * nmemb >= 5 && memcmp(data, "HTTP/", 5) == 0)
		b->n = 0;
	hs_buf_add(b, data, size * nmemb);
	return size * nmemb;
}

int hs_do(const struct hs_server *s, const struct hs_request *rq, struct hs_response *r)
{
	struct hs_buf body = {0}, head = {0};
	struct curl_slist *hl = NULL;
	const char *method = rq->method ? rq->method : "GET";
	char url[4096], line[4096];
	CURL *c = curl_easy_init();
	size_t blen = rq->body ? (rq->body_len ? rq->body_len : strlen(rq->body)) : 0;

	memset(r, 0, sizeof(*r));
	if (!c)
		return -1;
	if (strncmp(rq->path, "http://", 7) == 0)
		snprintf(url, sizeof(url), "%s", rq->path);
	else
		snprintf(url, sizeof(url), "%s%s", s->base, rq->path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, hs_on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, hs_on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &head);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "GET") != 0)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (rq->body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)blen);
		if (!rq->content_type)
			hl = curl_slist_append(hl, "Content-Type: application/json");
		else if (!*rq->content_type)
			hl = curl_slist_append(hl, "Content-Type:");
		else {
			snprintf(line, sizeof(line), "Content-Type: %s", rq->content_type);
			hl = curl_slist_append(hl, line);
		}
		/* Small bodies go at once; large ones keep curl's Expect: 100-continue so that the
		 * server can refuse them before they are sent. */
		if (blen < 1024 * 1024)
			hl = curl_slist_append(hl, "Expect:");
	}
	if (rq->token) {
		snprintf(line, sizeof(line), "Authorization: Bearer %s", rq->token);
		hl = curl_slist_append(hl, line);
	}
	for (int i = 0; i < 8 && rq->headers[i]; i++)
		hl = curl_slist_append(hl, rq->headers[i]);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	r->curl_code = (int)curl_easy_perform(c);
	if (r->curl_code == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
	hs_buf_add(&body, "", 0);
	hs_buf_add(&head, "", 0);
	r->body = body.p;
	r->len = body.n;
	r->headers = head.p;
	return r->curl_code == CURLE_OK ? 0 : -1;
}

void hs_response_release(struct hs_response *r)
{
	free(r->body);
	free(r->headers);
	memset(r, 0, sizeof(*r));
}

char *hs_header(const struct hs_response *r, const char *name)
{
	size_t nl = strlen(name);
	const char *p = r->headers;

	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t ll = eol ? (size_t)(eol - p) : strlen(p);
		if (ll > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			const char *v = p + nl + 1, *e = p + ll;
			while (v < e && (*v == ' ' || *v == '\t'))
				v++;
			while (e > v && isspace((unsigned char)e[-1]))
				e--;
			return xstrndup(v, (size_t)(e - v));
		}
		p = eol ? eol + 1 : NULL;
	}
	return NULL;
}

json_t *hs_json(const struct hs_response *r)
{
	if (!r->body)
		return NULL;
	return json_loadb(r->body, r->len, JSON_DECODE_ANY, NULL);
}

/* sqlite3 CLI ------------------------------------------------------------------------------ */

static char *hs_run(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	struct hs_buf b = {0};
	char chunk[8192];
	size_t n;

	if (!p)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		hs_buf_add(&b, chunk, n);
	hs_buf_add(&b, "", 0);
	if (pclose(p) != 0) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

char *hs_sqlite(const struct hs_server *s, const char *sql)
{
	char cmd[4096];

	if (strchr(sql, '\''))
		return NULL;
	snprintf(cmd, sizeof(cmd), "sqlite3 -batch -cmd '.timeout 10000' '%s' '%s'", s->db, sql);
	return hs_run(cmd);
}

char *hs_db_dump(const struct hs_server *s)
{
	return hs_sqlite(s, ".dump");
}

/* The suite's server and its fixture ------------------------------------------------------ */

struct hs_server hs_srv;

void hs_setup(void)
{
	ck_assert_msg(hs_server_start(&hs_srv, NULL) == 0, "drivewayd did not start");
}

void hs_setup_read_auth(void)
{
	ck_assert_msg(hs_server_start(&hs_srv, "--read-auth") == 0, "drivewayd did not start");
}

void hs_teardown(void)
{
	int rc = hs_server_stop(&hs_srv);

	if (rc != 0)
		hs_server_log_tail(&hs_srv);
	hs_server_release(&hs_srv);
	ck_assert_msg(rc == 0, "drivewayd exited with status %d on SIGTERM", rc);
}

long hs_req(const char *method, const char *path, const char *token, const char *body,
            struct hs_response *r)
{
	struct hs_request rq = {.method = method, .path = path, .token = token, .body = body};

	hs_do(&hs_srv, &rq, r);
	return r->status;
}

int hs_run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
