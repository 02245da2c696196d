#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "cli/files.h"
#include "validators/descriptor.h"
#include "validators/error.h"
#include "validators/xalloc.h"

/* The token file's first line, surrounding blanks removed (malloc'd), or NULL. */
static char *read_token_file(const struct cli *cli)
{
	struct dw_error err;
	char *text;
	size_t len, start = 0;

	if (!cli->token_file_explicit && access(cli->token_file, F_OK) != 0)
		return NULL;
	if (files_read(cli->token_file, &text, &len, &err) != 0) {
		fprintf(stderr, "error: %s (token file)\n", err.message);
		exit(dw_code_exit(DW_USAGE));
	}
	while (start < len && isspace((unsigned char)text[start]))
		start++;
	len = start + strcspn(text + start, "\r\n");
	while (len > start && isspace((unsigned char)text[len - 1]))
		len--;
	memmove(text, text + start, len - start);
	text[len - start] = '\0';
	if (!text[0]) {
		free(text);
		return NULL;
	}
	return text;
}

struct client *cli_client(struct cli *cli)
{
	if (!cli->client) {
		char *token = NULL;
		if (!cli->token && cli->token_file)
			token = read_token_file(cli);
		cli->client = client_new(cli->server, cli->token ? cli->token : token);
		if (token) {
			memset(token, 0, strlen(token));
			free(token);
		}
		if (!cli->client) {
			fprintf(stderr, "fatal: cannot set up an http client for '%s'\n",
			        cli->server);
			exit(dw_code_exit(DW_INTERNAL));
		}
		if (cli->cacert)
			client_set_cacert(cli->client, cli->cacert);
	}
	return cli->client;
}

int cli_send(struct cli *cli, const char *method, const char *path, const json_t *body,
             struct client_response *resp)
{
	struct dw_error err;

	if (client_request(cli_client(cli), method, path, body, NULL, resp, &err) != 0) {
		fprintf(stderr, "error: %s\n", err.message);
		return DW_UNAVAILABLE;
	}
	return 0;
}

int cli_call(struct cli *cli, const char *method, const char *path, const json_t *body,
             json_t **out)
{
	struct client_response resp;
	json_t *v = NULL;
	int rc;

	if (out)
		*out = NULL;
	rc = cli_send(cli, method, path, body, &resp);
	if (rc)
		return rc;
	if (!client_ok(&resp)) {
		rc = client_fail(&resp, NULL);
	} else if (resp.len == 0) {
		v = json_null();
	} else if (!(v = client_response_json(&resp))) {
		fprintf(stderr, "error: the registry's answer to %s %s is not JSON\n", method,
		        path);
		rc = DW_INTERNAL;
	}
	client_response_release(&resp);
	if (out && rc == 0)
		*out = v;
	else
		json_decref(v);
	return rc;
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
	const struct cli_command *cmd = command ? cli_command_find(command) : NULL;
	va_list ap;

	fputs("error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (cmd) {
		/* The first line of the usage text is the synopsis. */
		const char *nl = strchr(cmd->usage, '\n');
		int len = nl ? (int)(nl - cmd->usage) : (int)strlen(cmd->usage);
		fprintf(stderr, "%.*s\n(see 'driveway help %s')\n", len, cmd->usage, cmd->name);
	} else {
		fputs("(see 'driveway help')\n", stderr);
	}
	return DW_USAGE;
}

static const struct cli_opt *find_opt(const struct cli_opt *opts, const char *name, size_t len)
{
	for (; opts && opts->name; opts++)
		if (strlen(opts->name) == len && strncmp(opts->name, name, len) == 0)
			return opts;
	return NULL;
}

int cli_parse(const char *command, int argc, char **argv, const struct cli_opt *opts, char **pos,
              int *npos)
{
	int i, flags_done = 0;

	*npos = 0;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct cli_opt *o;
		const char *eq;
		size_t len;

		if (flags_done || a[0] != '-' || a[1] == '\0') {
			pos[(*npos)++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			flags_done = 1;
			continue;
		}
		if (a[1] != '-')
			return cli_usage_error(command, "unknown option '%s'", a);
		eq = strchr(a + 2, '=');
		len = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
		o = find_opt(opts, a + 2, len);
		if (!o)
			return cli_usage_error(command, "unknown option '%.*s'", (int)len + 2, a);
		if (!o->has_arg) {
			if (eq)
				return cli_usage_error(command, "option '--%s' takes no value",
				                       o->name);
			*o->flag = 1;
		} else if (eq) {
			*o->value = eq + 1;
		} else if (i + 1 < argc) {
			*o->value = argv[++i];
		} else {
			return cli_usage_error(command, "option '--%s' needs a value", o->name);
		}
	}
	return 0;
}

int cli_slug_check(const char *command, const char *what, const char *s)
{
	if (descriptor_slug_ok(s))
		return 0;
	return cli_usage_error(command,
	                       "invalid %s name '%s' (expected lowercase letters, digits and '-', "
	                       "at most 63)",
	                       what, s);
}

int cli_ref_parse(const char *command, const char *text, int allow_version, struct cli_ref *ref)
{
	const char *slash = strchr(text, '/');
	const char *at = strchr(text, '@');
	size_t dlen, plen;

	memset(ref, 0, sizeof(*ref));
	if (!slash || (at && at < slash))
		return cli_usage_error(command,
		                       "invalid product reference '%s' (expected DOMAIN/PRODUCT%s)",
		                       text, allow_version ? "[@N|@latest]" : "");
	if (at && !allow_version)
		return cli_usage_error(command, "a version is not expected in '%s'", text);
	dlen = (size_t)(slash - text);
	plen = at ? (size_t)(at - slash - 1) : strlen(slash + 1);
	if (dlen >= sizeof(ref->domain) || plen >= sizeof(ref->product))
		return cli_usage_error(command, "invalid product reference '%s' (name too long)",
		                       text);
	memcpy(ref->domain, text, dlen);
	ref->domain[dlen] = '\0';
	memcpy(ref->product, slash + 1, plen);
	ref->product[plen] = '\0';
	if (cli_slug_check(command, "domain", ref->domain) ||
	    cli_slug_check(command, "product", ref->product))
		return DW_USAGE;
	if (at) {
		const char *v = at + 1;
		ref->has_version = 1;
		if (strcmp(v, "latest") != 0) {
			char *end;
			errno = 0;
			ref->version = strtol(v, &end, 10);
			if (errno || end == v || *end || ref->version < 1 || v[0] == '+' ||
			    v[0] == '-' || v[0] == ' ')
				return cli_usage_error(
				    command,
				    "invalid version '%s' (expected a number >= 1 "
				    "or 'latest')",
				    v);
		}
	}
	return 0;
}

char *cli_product_path(const struct cli_ref *ref, const char *suffix)
{
	char *d = client_escape(ref->domain);
	char *p = client_escape(ref->product);
	char *path = xasprintf("/domains/%s/products/%s%s", d, p, suffix ? suffix : "");

	free(d);
	free(p);
	return path;
}

/* Guards against a server whose "next" links never end. */
#define CLI_MAX_PAGES 100000

int cli_get_items(struct cli *cli, const char *path, json_t **items)
{
	char *url = xstrdup(path);
	int rc, pages = 0;

	*items = xjson(json_array());
	for (;;) {
		const char *next;
		json_t *page;

		rc = cli_call(cli, "GET", url, NULL, &page);
		if (rc)
			break;
		json_array_extend(*items, json_object_get(page, "items"));
		next = json_string_value(json_object_get(page, "next"));
		if (!next || !next[0] || ++pages >= CLI_MAX_PAGES || strcmp(next, url) == 0) {
			json_decref(page);
			break;
		}
		free(url);
		url = xstrdup(next);
		json_decref(page);
	}
	free(url);
	if (rc) {
		json_decref(*items);
		*items = NULL;
	}
	return rc;
}
