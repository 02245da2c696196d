/*
 * config: drivewayd's settings, from the command line over the environment over the defaults.
 *
 *   --db PATH         DRIVEWAY_DB       ./driveway.db
 *   --listen H:P      DRIVEWAY_LISTEN   127.0.0.1:8080   (port 0: any free port; [v6]:port)
 *   --threads N       DRIVEWAY_THREADS  number of CPUs
 *   --port-file FILE  the port actually bound is written there once listening
 *   --read-auth       reads need a token too
 *   --quiet           no per-request log line
 *   --audit-config F  DRIVEWAY_AUDIT_CONFIG  audit thresholds and suppressions (none)
 *   --ccompat-prefix PATH   DRIVEWAY_CCOMPAT_PREFIX  where the Confluent Schema Registry
 *                     compatible API is mounted ("" = the root; "/ccompat": under it)
 *   --ccompat-landing-domain D  DRIVEWAY_CCOMPAT_LANDING_DOMAIN  domain of the subjects no
 *                     product claims (unclaimed)
 *   --tls-cert FILE   DRIVEWAY_TLS_CERT  serve HTTPS with this PEM certificate (chain)
 *   --tls-key FILE    DRIVEWAY_TLS_KEY   and this PEM private key (both or neither)
 *   --connection-timeout S  DRIVEWAY_CONNECTION_TIMEOUT  30: seconds a connection may stay
 *                     idle or stall mid-request before it is closed (1..3600)
 *   --per-ip-connections N  DRIVEWAY_PER_IP_CONNECTIONS  256: connections at once from one
 *                     client address (1..65535)
 *   --auth-fail-limit N  DRIVEWAY_AUTH_FAIL_LIMIT  10: failed authentications one client
 *                     address may make per window before it gets 429 (0: no limit)
 *   --auth-fail-window S  DRIVEWAY_AUTH_FAIL_WINDOW  60: that window in seconds (1..86400)
 *   --read-only       every write is refused (503); reads are served
 *   --help
 *
 * Ownership: config_parse fills a struct config whose strings are malloc'd;
 * config_release frees them.
 */
#ifndef DW_CONFIG_H
#define DW_CONFIG_H

#include <stdio.h>

#include "validators/error.h"

struct config {
	char *db;
	char *host;
	unsigned port;
	char *port_file; /* NULL when not asked for */
	unsigned threads;
	int read_auth;
	int quiet;
	int read_only; /* --read-only */
	char *audit_config; /* NULL when not asked for */
	char *ccompat_prefix;  /* "" or "/seg[/seg...]", without a trailing slash */
	char *ccompat_landing; /* a slug */
	char *tls_cert;           /* PEM file; NULL for plain HTTP (then tls_key is NULL too) */
	char *tls_key;            /* PEM file */
	unsigned conn_timeout;    /* seconds */
	unsigned per_ip_conns;    /* connections from one address */
	unsigned auth_fail_limit;  /* failed authentications per address and window; 0: off */
	unsigned auth_fail_window; /* seconds */
	int help; /* --help was given: print config_usage and exit 0 */
};

#define CONFIG_CONNECTION_TIMEOUT 30   /* default --connection-timeout */
#define CONFIG_PER_IP_CONNECTIONS 256  /* default --per-ip-connections */
#define CONFIG_AUTH_FAIL_LIMIT 10      /* default --auth-fail-limit */
#define CONFIG_AUTH_FAIL_WINDOW 60     /* default --auth-fail-window, seconds */

/* Returns 0 or DW_USAGE (err says what is wrong). */
int config_parse(int argc, char **argv, struct config *cfg, struct dw_error *err);
void config_release(struct config *cfg);
void config_usage(FILE *out);

/* "HOST:PORT" or "[V6]:PORT" into host (malloc'd) and port. Returns 0 or DW_USAGE. */
int config_parse_listen(const char *s, char **host, unsigned *port, struct dw_error *err);

#endif
