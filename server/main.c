/*
 * drivewayd: the registry server. Reads its configuration, opens the store, makes the admin
 * token on a fresh database, serves HTTP until SIGTERM or SIGINT, then lets in-flight requests
 * finish, closes the store and exits 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/auth.h"
#include "server/config.h"
#include "server/http.h"
#include "server/landscape.h"
#include "server/maint.h"
#include "server/render.h"
#include "server/server.h"
#include "validators/xalloc.h"

#define MAX_CONNECTIONS 1024

/* Writes "PORT\n" to path through a temporary file and rename, so readers never see half. */
static int write_port_file(const char *path, unsigned port, struct dw_error *err)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	char line[16];
	int fd, n, rc = 0;

	n = snprintf(line, sizeof(line), "%u\n", port);
	fd = open(tmp, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, line, (size_t)n) != n || close(fd)) {
		rc = dw_error_set(err, DW_UNAVAILABLE, "cannot write '%s': %s", tmp,
		                  strerror(errno));
		if (fd >= 0)
			unlink(tmp);
	} else if (rename(tmp, path)) {
		rc = dw_error_set(err, DW_UNAVAILABLE, "cannot rename '%s' to '%s': %s", tmp, path,
		                  strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

int main(int argc, char **argv)
{
	struct config cfg;
	struct dw_error err = {0};
	struct server srv = {0};
	struct http *http = NULL;
	struct http_options hopt;
	struct http_tls *tls = NULL;
	sigset_t stop;
	char *token_path = NULL;
	int sig = 0, rc, status = 1;

	if (maint_is_command(argc, argv))
		return maint_main(argc, argv);
	if (config_parse(argc, argv, &cfg, &err)) {
		fprintf(stderr, "drivewayd: %s\n", err.message);
		fprintf(stderr, "try 'drivewayd --help'\n");
		return 2;
	}
	if (cfg.help) {
		config_usage(stdout);
		config_release(&cfg);
		return 0;
	}
	/* A mistake in the audit settings stops the start, with its file:line:col, rather than
	 * failing every GET /audit later. */
	if (cfg.audit_config &&
	    landscape_settings_load(cfg.audit_config, &srv.audit_settings, &err)) {
		fprintf(stderr, "drivewayd: %s\n", err.message);
		config_release(&cfg);
		return 2;
	}
	/* The certificate and key are read and checked now: a mistake stops the start. */
	if (cfg.tls_cert && http_tls_load(cfg.tls_cert, cfg.tls_key, &tls, &err)) {
		fprintf(stderr, "drivewayd: %s\n", err.message);
		json_decref(srv.audit_settings);
		config_release(&cfg);
		return 2;
	}
	/* Blocked before any thread starts, so every worker inherits the mask and the signals
	 * reach only sigwait below. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* a file size limit (ulimit -f, LimitFSIZE=) makes writes fail with EFBIG, which the store
	 * answers as unavailable (503), instead of killing the daemon */
	signal(SIGXFSZ, SIG_IGN);

	rc = store_open(cfg.db, &srv.store, &err);
	if (rc) {
		fprintf(stderr, "drivewayd: cannot open database '%s': %s\n", cfg.db, err.message);
		goto out;
	}
	rc = auth_bootstrap(srv.store, cfg.db, &token_path, &err);
	if (rc) {
		fprintf(stderr, "drivewayd: cannot create the admin token: %s\n", err.message);
		goto out;
	}
	if (token_path)
		fprintf(stderr, "drivewayd: admin token written to %s\n", token_path);
	srv.read_auth = cfg.read_auth;
	srv.quiet = cfg.quiet;
	srv.read_only = cfg.read_only;
	srv.auth_fail_limit = cfg.auth_fail_limit;
	srv.auth_fail_window = cfg.auth_fail_window;
	srv.ccompat_prefix = cfg.ccompat_prefix;
	srv.ccompat_landing = cfg.ccompat_landing;
	hopt = (struct http_options){
	    .host = cfg.host,
	    .port = cfg.port,
	    .threads = cfg.threads,
	    .timeout = cfg.conn_timeout,
	    .max_conns = MAX_CONNECTIONS,
	    .max_per_ip = cfg.per_ip_conns,
	    .tls = tls,
	};
	rc = http_start(&hopt, &srv, &http, &err);
	if (rc) {
		fprintf(stderr, "drivewayd: %s\n", err.message);
		goto out;
	}
	if (cfg.port_file && write_port_file(cfg.port_file, http_port(http), &err)) {
		fprintf(stderr, "drivewayd: %s\n", err.message);
		goto out;
	}
	fprintf(stderr, "drivewayd: listening on %s://%s%s%s:%u\n", tls ? "https" : "http",
	        strchr(cfg.host, ':') ? "[" : "", cfg.host, strchr(cfg.host, ':') ? "]" : "",
	        http_port(http));
	while (sigwait(&stop, &sig) == EINTR)
		;
	fprintf(stderr, "drivewayd: %s received, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
	status = 0;
out:
	http_stop(http); /* waits for in-flight requests */
	http_tls_free(tls);
	store_close(srv.store);
	render_shutdown();
	json_decref(srv.audit_settings);
	free(token_path);
	config_release(&cfg);
	return status;
}
