/*
 * harness: what the integration suites share to drive a real drivewayd over loopback.
 *
 * A struct hs_server owns a temporary directory (mkdtemp) holding the database d.db, the port
 * file and the server's stderr log, and the drivewayd child process started on 127.0.0.1:0.
 * hs_server_start() returns once the port file exists and the admin token has been read;
 * hs_server_release() kills the child (if any) and removes the directory. The child gets
 * PR_SET_PDEATHSIG SIGKILL, so a test binary that dies does not leave a server behind.
 *
 * The binaries come from $DRIVEWAY_BUILD (default "build"), so `make check-asan` runs the
 * sanitized ones. With DRIVEWAY_KEEP_TMP set, the directory (database, server log) is kept and
 * its path printed, to look at after a failure.
 *
 * Each suite includes harness.c directly (the Makefile builds one test_*.c per binary); these
 * prototypes satisfy -Wmissing-prototypes there. Ownership: struct hs_response and the strings
 * hs_header(), hs_db_dump() and hs_sqlite() return are the caller's (hs_response_release,
 * free); a json_t from hs_json() is a new reference.
 */
#ifndef DW_TEST_HARNESS_H
#define DW_TEST_HARNESS_H

#include <stddef.h>
#include <sys/types.h>

#include <check.h>
#include <jansson.h>

struct hs_server {
	pid_t pid; /* 0 when not running */
	int port;
	char dir[256];   /* the temporary directory */
	char db[320];    /* dir/d.db */
	char base[64];   /* "http://127.0.0.1:PORT" */
	char admin[256]; /* the admin token from d.db.admin-token */
	int read_auth;   /* started with --read-auth */
};

struct hs_request {
	const char *method;       /* "GET" when NULL */
	const char *path;         /* "/domains" or a full "http://..." URL */
	const char *token;        /* Authorization: Bearer <token> when not NULL */
	const char *content_type; /* default application/json when a body is given; "" for none */
	const char *body;         /* NULL for no body */
	size_t body_len;          /* 0: strlen(body) */
	const char *headers[8];   /* extra "Name: value" lines, NULL-terminated */
};

struct hs_response {
	long status;   /* 0 when the transfer failed */
	int curl_code; /* CURLcode of the transfer */
	char *headers; /* the final response's header block */
	char *body;    /* NUL-terminated */
	size_t len;
};

/* Creates a temporary directory and starts drivewayd in it. extra: NULL or "--read-auth".
 * Returns 0, or -1 with a line on stderr and nothing left behind. */
int hs_server_start(struct hs_server *s, const char *extra);
/* Starts drivewayd again on the same directory and database (after a stop or a kill). */
int hs_server_restart(struct hs_server *s);
/* SIGTERM, then waits up to 15 s (SIGKILL after that). Returns the exit status, 128 + the
 * signal when a signal ended it, or -1 when it was not running or ignored SIGTERM. */
int hs_server_stop(struct hs_server *s);
/* SIGKILL and reap. */
void hs_server_kill(struct hs_server *s);
/* Kills the server if it runs and removes the directory. */
void hs_server_release(struct hs_server *s);
/* Prints the tail of the server's stderr log (to diagnose a failure). */
void hs_server_log_tail(const struct hs_server *s);

int hs_do(const struct hs_server *s, const struct hs_request *rq, struct hs_response *r);
void hs_response_release(struct hs_response *r);
/* The value of header name (case-insensitive, trimmed), malloc'd; NULL when absent. */
char *hs_header(const struct hs_response *r, const char *name);
/* The body parsed as JSON, NULL when it does not parse. */
json_t *hs_json(const struct hs_response *r);

/* `sqlite3 DB .dump`, malloc'd (NULL on failure). */
char *hs_db_dump(const struct hs_server *s);
/* `sqlite3 DB SQL` output, malloc'd (NULL on failure). */
char *hs_sqlite(const struct hs_server *s, const char *sql);

/* Reads a whole file, malloc'd and NUL-terminated; NULL on failure. */
char *hs_read_file(const char *path, size_t *len);
/* Percent-encodes s for a URL path segment or query value, malloc'd. */
char *hs_escape(const char *s);

/*
 * The suite's server for the suites that need one per test: hs_setup (or hs_setup_read_auth)
 * and hs_teardown are the Check fixture (tcase_add_checked_fixture) that starts and stops
 * hs_srv. hs_teardown also fails the test when drivewayd does not exit 0 on SIGTERM: under
 * `make check-asan` a sanitizer report or a leak in drivewayd turns that status nonzero.
 */
extern struct hs_server hs_srv;
void hs_setup(void);
void hs_setup_read_auth(void);
void hs_teardown(void);
/* One request to hs_srv; returns the status, the answer in *r (hs_response_release it). */
long hs_req(const char *method, const char *path, const char *token, const char *body,
            struct hs_response *r);
/* Runs suite s without forking (a failed assertion still runs the teardown that stops the
 * server); returns main's exit status: 1 when a test failed, else 0. */
int hs_run_suite(Suite *s);

#endif
