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
	char *audit_config; /* NULL when not asked for */
	char *ccompat_prefix;  /* "" or "/seg[/seg...]", without a trailing slash */
	char *ccompat_landing; /* a slug */
	int help; /* --help was given: print config_usage and exit 0 */
};

/* Returns 0 or DW_USAGE (err says what is wrong). */
int config_parse(int argc, char **argv, struct config *cfg, struct dw_error *err);
void config_release(struct config *cfg);
void config_usage(FILE *out);

/* "HOST:PORT" or "[V6]:PORT" into host (malloc'd) and port. Returns 0 or DW_USAGE. */
int config_parse_listen(const char *s, char **host, unsigned *port, struct dw_error *err);

#endif
