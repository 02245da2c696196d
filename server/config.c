#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/config.h"
#include "validators/xalloc.h"

#define MAX_THREADS 1024

void config_usage(FILE *out)
{
	fputs("usage: drivewayd [--db PATH] [--listen HOST:PORT] [--port-file FILE] [--threads N]\n"
	      "                 [--read-auth] [--audit-config FILE] [--ccompat-prefix PATH]\n"
	      "                 [--ccompat-landing-domain DOMAIN]\n"
	      "                 [--tls-cert FILE --tls-key FILE]\n"
	      "                 [--connection-timeout SECONDS] [--per-ip-connections N]\n"
	      "                 [--auth-fail-limit N] [--auth-fail-window SECONDS]\n"
	      "                 [--read-only] [--quiet] [--help]\n"
	      "       drivewayd backup [--db PATH] FILE\n"
	      "       drivewayd restore [--db PATH] [--force] FILE\n"
	      "\n"
	      "The driveway registry server.\n"
	      "\n"
	      "  --db PATH          SQLite database, created when missing\n"
	      "                     (env DRIVEWAY_DB, default ./driveway.db)\n"
	      "  --listen HOST:PORT address to listen on; port 0 picks a free port\n"
	      "                     (env DRIVEWAY_LISTEN, default 127.0.0.1:8080)\n"
	      "  --port-file FILE   write the port actually bound to FILE once listening\n"
	      "  --threads N        worker threads (env DRIVEWAY_THREADS, default: CPUs)\n"
	      "  --read-auth        require a token for reads too\n"
	      "  --audit-config FILE  audit thresholds and suppressions (YAML or JSON), checked\n"
	      "                     at start (env DRIVEWAY_AUDIT_CONFIG; see docs/audit.md)\n"
	      "  --ccompat-prefix PATH  mount the Confluent Schema Registry compatible API under\n"
	      "                     PATH, e.g. /ccompat (env DRIVEWAY_CCOMPAT_PREFIX; default:\n"
	      "                     the root, beside the native API)\n"
	      "  --ccompat-landing-domain DOMAIN  domain where subjects no product claims are\n"
	      "                     registered (env DRIVEWAY_CCOMPAT_LANDING_DOMAIN, default\n"
	      "                     unclaimed)\n"
	      "  --tls-cert FILE    serve HTTPS with this PEM certificate, then any intermediate\n"
	      "                     CA certificates (env DRIVEWAY_TLS_CERT)\n"
	      "  --tls-key FILE     the certificate's PEM private key (env DRIVEWAY_TLS_KEY)\n"
	      "  --connection-timeout SECONDS  close a connection idle or stalled that long\n"
	      "                     (env DRIVEWAY_CONNECTION_TIMEOUT, default 30, 1..3600)\n"
	      "  --per-ip-connections N  connections at once from one client address\n"
	      "                     (env DRIVEWAY_PER_IP_CONNECTIONS, default 256, 1..65535)\n"
	      "  --auth-fail-limit N  failed authentications one client address may make per\n"
	      "                     window before it gets 429 (env DRIVEWAY_AUTH_FAIL_LIMIT,\n"
	      "                     default 10; 0 turns the limit off)\n"
	      "  --auth-fail-window SECONDS  that window (env DRIVEWAY_AUTH_FAIL_WINDOW,\n"
	      "                     default 60, 1..86400)\n"
	      "  --read-only        refuse every write (503) while serving reads, e.g. during a\n"
	      "                     migration (PUT /mode sets the same per registry at run time)\n"
	      "  --quiet            do not log one line per request, nor libmicrohttpd's\n"
	      "                     connection errors (aborted TLS handshakes), on stderr\n"
	      "  --help             show this help\n"
	      "\n"
	      "On its first start with an empty database drivewayd writes the admin token to\n"
	      "<db>.admin-token (mode 0600).\n",
	      out);
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	v = strtoul(s, &end, 10);
	if (*end || v > max)
		return -1;
	*out = v;
	return 0;
}

int config_parse_listen(const char *s, char **host, unsigned *port, struct dw_error *err)
{
	const char *colon, *h = s;
	size_t hlen;
	unsigned long p;

	*host = NULL;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':')
			return dw_error_set(err, DW_USAGE,
			                    "invalid listen address '%s' "
			                    "(expected HOST:PORT or [IPV6]:PORT)",
			                    s);
		h = s + 1;
		hlen = (size_t)(close - h);
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return dw_error_set(err, DW_USAGE,
			                    "invalid listen address '%s' "
			                    "(expected HOST:PORT)",
			                    s);
		hlen = (size_t)(colon - s);
	}
	if (hlen == 0)
		return dw_error_set(err, DW_USAGE, "invalid listen address '%s' (no host)", s);
	if (parse_uint(colon + 1, 65535, &p))
		return dw_error_set(err, DW_USAGE, "invalid port in listen address '%s'", s);
	*host = xstrndup(h, hlen);
	*port = (unsigned)p;
	return 0;
}

static void set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

/* A whole number setting in min..max from the flag or variable named from (for the message);
 * v NULL or empty keeps *out. */
static int uint_setting(const char *v, const char *from, unsigned long min, unsigned long max,
                        unsigned *out, struct dw_error *err)
{
	unsigned long n;

	if (!v || !*v)
		return 0;
	if (parse_uint(v, max, &n) || n < min)
		return dw_error_set(err, DW_USAGE, "invalid %s '%s' (expected %lu to %lu)", from, v,
		                    min, max);
	*out = (unsigned)n;
	return 0;
}

/* HTTPS takes both files; an empty value is unset. */
static int tls_settings(struct config *cfg, const char *cert, const char *key,
                        struct dw_error *err)
{
	int has_cert = cert && *cert, has_key = key && *key;

	if (has_cert != has_key)
		return dw_error_set(err, DW_USAGE, "%s needs %s too (HTTPS takes both files)",
		                    has_cert ? "--tls-cert" : "--tls-key",
		                    has_cert ? "--tls-key" : "--tls-cert");
	if (has_cert) {
		set_str(&cfg->tls_cert, cert);
		set_str(&cfg->tls_key, key);
	}
	return 0;
}

/* A slug as descriptors have them: ^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$ */
static int is_slug(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return 0;
	return 1;
}

/* The Confluent-compatible API's prefix ("/" and "" are the root; a trailing '/' is dropped)
 * and landing domain. */
static int ccompat_settings(struct config *cfg, const char *prefix, const char *landing,
                            struct dw_error *err)
{
	size_t n;

	if (!prefix)
		prefix = "";
	n = strlen(prefix);
	while (n > 0 && prefix[n - 1] == '/')
		n--;
	if (n > 0 && (prefix[0] != '/' || n > 200 || strcspn(prefix, "?#%{} ") < n))
		return dw_error_set(err, DW_USAGE,
		                    "invalid ccompat prefix '%s' (expected a path such as "
		                    "/ccompat)",
		                    prefix);
	cfg->ccompat_prefix = xstrndup(prefix, n);
	if (!landing || !*landing)
		landing = "unclaimed";
	if (!is_slug(landing))
		return dw_error_set(err, DW_USAGE,
		                    "invalid ccompat landing domain '%s' (expected a slug)",
		                    landing);
	/* A domain's tokens carry its name as their scope: "admin" would make them admin tokens. */
	if (strcmp(landing, "admin") == 0)
		return dw_error_set(err, DW_USAGE, "ccompat landing domain 'admin' is reserved");
	set_str(&cfg->ccompat_landing, landing);
	return 0;
}

int config_parse(int argc, char **argv, struct config *cfg, struct dw_error *err)
{
	enum {
		OPT_DB = 256,
		OPT_LISTEN,
		OPT_PORT_FILE,
		OPT_THREADS,
		OPT_READ_AUTH,
		OPT_QUIET,
		OPT_AUDIT_CONFIG,
		OPT_CCOMPAT_PREFIX,
		OPT_CCOMPAT_LANDING,
		OPT_TLS_CERT,
		OPT_TLS_KEY,
		OPT_CONN_TIMEOUT,
		OPT_PER_IP,
		OPT_READ_ONLY,
		OPT_AUTH_FAIL_LIMIT,
		OPT_AUTH_FAIL_WINDOW,
		OPT_HELP
	};
	static const struct option opts[] = {
	    {"db", required_argument, NULL, OPT_DB},
	    {"listen", required_argument, NULL, OPT_LISTEN},
	    {"port-file", required_argument, NULL, OPT_PORT_FILE},
	    {"threads", required_argument, NULL, OPT_THREADS},
	    {"read-auth", no_argument, NULL, OPT_READ_AUTH},
	    {"quiet", no_argument, NULL, OPT_QUIET},
	    {"audit-config", required_argument, NULL, OPT_AUDIT_CONFIG},
	    {"ccompat-prefix", required_argument, NULL, OPT_CCOMPAT_PREFIX},
	    {"ccompat-landing-domain", required_argument, NULL, OPT_CCOMPAT_LANDING},
	    {"tls-cert", required_argument, NULL, OPT_TLS_CERT},
	    {"tls-key", required_argument, NULL, OPT_TLS_KEY},
	    {"connection-timeout", required_argument, NULL, OPT_CONN_TIMEOUT},
	    {"per-ip-connections", required_argument, NULL, OPT_PER_IP},
	    {"read-only", no_argument, NULL, OPT_READ_ONLY},
	    {"auth-fail-limit", required_argument, NULL, OPT_AUTH_FAIL_LIMIT},
	    {"auth-fail-window", required_argument, NULL, OPT_AUTH_FAIL_WINDOW},
	    {"help", no_argument, NULL, OPT_HELP},
	    {NULL, 0, NULL, 0},
	};
	const char *db = getenv("DRIVEWAY_DB"), *listen = getenv("DRIVEWAY_LISTEN");
	const char *threads = getenv("DRIVEWAY_THREADS");
	const char *audit_config = getenv("DRIVEWAY_AUDIT_CONFIG");
	const char *ccompat_prefix = getenv("DRIVEWAY_CCOMPAT_PREFIX");
	const char *ccompat_landing = getenv("DRIVEWAY_CCOMPAT_LANDING_DOMAIN");
	const char *threads_from = "DRIVEWAY_THREADS";
	const char *tls_cert = getenv("DRIVEWAY_TLS_CERT"), *tls_key = getenv("DRIVEWAY_TLS_KEY");
	const char *conn_timeout = getenv("DRIVEWAY_CONNECTION_TIMEOUT");
	const char *conn_timeout_from = "DRIVEWAY_CONNECTION_TIMEOUT";
	const char *per_ip = getenv("DRIVEWAY_PER_IP_CONNECTIONS");
	const char *per_ip_from = "DRIVEWAY_PER_IP_CONNECTIONS";
	const char *fail_limit = getenv("DRIVEWAY_AUTH_FAIL_LIMIT");
	const char *fail_limit_from = "DRIVEWAY_AUTH_FAIL_LIMIT";
	const char *fail_window = getenv("DRIVEWAY_AUTH_FAIL_WINDOW");
	const char *fail_window_from = "DRIVEWAY_AUTH_FAIL_WINDOW";
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned long n;
	int c, rc;

	memset(cfg, 0, sizeof(*cfg));
	cfg->threads = cpus > 0 ? (unsigned)(cpus > MAX_THREADS ? MAX_THREADS : cpus) : 1;
	if (!db || !*db)
		db = "./driveway.db";
	if (!listen || !*listen)
		listen = "127.0.0.1:8080";
	if (threads && !*threads)
		threads = NULL;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case OPT_DB:
			db = optarg;
			break;
		case OPT_LISTEN:
			listen = optarg;
			break;
		case OPT_PORT_FILE:
			set_str(&cfg->port_file, optarg);
			break;
		case OPT_THREADS:
			threads = optarg;
			threads_from = "--threads";
			break;
		case OPT_READ_AUTH:
			cfg->read_auth = 1;
			break;
		case OPT_QUIET:
			cfg->quiet = 1;
			break;
		case OPT_AUDIT_CONFIG:
			audit_config = optarg;
			break;
		case OPT_CCOMPAT_PREFIX:
			ccompat_prefix = optarg;
			break;
		case OPT_CCOMPAT_LANDING:
			ccompat_landing = optarg;
			break;
		case OPT_TLS_CERT:
			tls_cert = optarg;
			break;
		case OPT_TLS_KEY:
			tls_key = optarg;
			break;
		case OPT_CONN_TIMEOUT:
			conn_timeout = optarg;
			conn_timeout_from = "--connection-timeout";
			break;
		case OPT_PER_IP:
			per_ip = optarg;
			per_ip_from = "--per-ip-connections";
			break;
		case OPT_READ_ONLY:
			cfg->read_only = 1;
			break;
		case OPT_AUTH_FAIL_LIMIT:
			fail_limit = optarg;
			fail_limit_from = "--auth-fail-limit";
			break;
		case OPT_AUTH_FAIL_WINDOW:
			fail_window = optarg;
			fail_window_from = "--auth-fail-window";
			break;
		case OPT_HELP:
			cfg->help = 1;
			break;
		case ':':
			config_release(cfg);
			return dw_error_set(err, DW_USAGE, "option '%s' needs a value",
			                    argv[optind - 1]);
		default:
			config_release(cfg);
			return dw_error_set(err, DW_USAGE, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc) {
		rc = dw_error_set(err, DW_USAGE, "unexpected argument '%s'", argv[optind]);
		config_release(cfg);
		return rc;
	}
	if (threads) {
		if (parse_uint(threads, MAX_THREADS, &n) || n == 0) {
			rc = dw_error_set(err, DW_USAGE, "invalid %s '%s' (expected 1 to %d)",
			                  threads_from, threads, MAX_THREADS);
			config_release(cfg);
			return rc;
		}
		cfg->threads = (unsigned)n;
	}
	if (!*db) {
		config_release(cfg);
		return dw_error_set(err, DW_USAGE, "empty database path");
	}
	set_str(&cfg->db, db);
	if (audit_config && *audit_config)
		set_str(&cfg->audit_config, audit_config);
	cfg->conn_timeout = CONFIG_CONNECTION_TIMEOUT;
	cfg->per_ip_conns = CONFIG_PER_IP_CONNECTIONS;
	cfg->auth_fail_limit = CONFIG_AUTH_FAIL_LIMIT;
	cfg->auth_fail_window = CONFIG_AUTH_FAIL_WINDOW;
	rc = ccompat_settings(cfg, ccompat_prefix, ccompat_landing, err);
	if (!rc)
		rc = tls_settings(cfg, tls_cert, tls_key, err);
	if (!rc)
		rc = uint_setting(conn_timeout, conn_timeout_from, 1, 3600, &cfg->conn_timeout,
		                  err);
	if (!rc)
		rc = uint_setting(per_ip, per_ip_from, 1, 65535, &cfg->per_ip_conns, err);
	if (!rc)
		rc = uint_setting(fail_limit, fail_limit_from, 0, 1000000, &cfg->auth_fail_limit,
		                  err);
	if (!rc)
		rc = uint_setting(fail_window, fail_window_from, 1, 86400, &cfg->auth_fail_window,
		                  err);
	if (!rc)
		rc = config_parse_listen(listen, &cfg->host, &cfg->port, err);
	if (rc) {
		config_release(cfg);
		return rc;
	}
	return 0;
}

void config_release(struct config *cfg)
{
	free(cfg->db);
	free(cfg->host);
	free(cfg->port_file);
	free(cfg->ccompat_prefix);
	free(cfg->ccompat_landing);
	free(cfg->audit_config);
	free(cfg->tls_cert);
	free(cfg->tls_key);
	memset(cfg, 0, sizeof(*cfg));
}
