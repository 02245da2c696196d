/*
 * driveway token create|list|revoke: the tokens scoped to a domain, and with --admin / --all
 * the admin's own tokens and every token (/tokens); the admin token is needed. A new token's
 * secret is printed once, alone on stdout, so that scripts can capture it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "cli/output.h"
#include "validators/xalloc.h"

/* /domains/{domain}/tokens[/{id}], or /tokens[/{id}] when domain is NULL. */
static char *tokens_path(const char *domain, const char *id)
{
	char *d, *path;

	if (!domain)
		return xasprintf("/tokens%s%s", id ? "/" : "", id ? id : "");
	d = client_escape(domain);
	path = xasprintf("/domains/%s/tokens%s%s", d, id ? "/" : "", id ? id : "");
	free(d);
	return path;
}

static int token_create(struct cli *cli, int argc, char **argv)
{
	const char *expires = NULL, *domain = NULL, *name = NULL;
	int admin = 0;
	const struct cli_opt opts[] = {{"expires", 1, &expires, NULL},
	                               {"admin", 0, NULL, &admin},
	                               {NULL, 0, NULL, NULL}};
	char **pos = xcalloc((size_t)argc, sizeof(char *));
	json_t *body, *out = NULL;
	char *path;
	int npos, rc;

	rc = cli_parse("token", argc, argv, opts, pos, &npos);
	if (rc == 0 && admin && npos != 1)
		rc = cli_usage_error("token", "token create --admin takes NAME");
	else if (rc == 0 && !admin && npos != 2)
		rc = cli_usage_error("token", "token create takes DOMAIN and NAME");
	if (rc == 0 && !admin) {
		domain = pos[0];
		rc = cli_slug_check("token", "domain", domain);
	}
	if (rc == 0)
		name = pos[admin ? 0 : 1];
	if (rc == 0 && !name[0])
		rc = cli_usage_error("token", "empty token name");
	if (rc == 0 && expires && !expires[0])
		rc = cli_usage_error("token", "empty expiry time (expected RFC 3339)");
	if (rc) {
		free(pos);
		return rc;
	}
	body = xjson(json_object());
	json_object_set_new(body, "name", xjson(json_string(name)));
	if (expires)
		json_object_set_new(body, "expiresAt", xjson(json_string(expires)));
	path = tokens_path(domain, NULL);
	rc = cli_call(cli, "POST", path, body, &out);
	if (rc == 0 && cli->output == CLI_OUT_JSON) {
		output_json(out);
	} else if (rc == 0) {
		const char *secret = json_string_value(json_object_get(out, "token"));
		char id[32];
		const char *idtext = output_scalar(json_object_get(out, "id"), id, sizeof(id));
		if (!secret) {
			fputs("error: the registry's answer holds no token\n", stderr);
			rc = DW_INTERNAL;
		} else {
			fprintf(stderr, "created token %s '", idtext ? idtext : "?");
			output_safe(stderr, name);
			if (domain)
				fprintf(stderr, "' for domain %s", domain);
			else
				fputs("' with the admin's rights", stderr);
			fputs("; its secret is shown only this once:\n", stderr);
			output_safe(stdout, secret);
			fputc('\n', stdout);
		}
	}
	json_decref(out);
	json_decref(body);
	free(path);
	free(pos);
	return rc;
}

static int token_list(struct cli *cli, int argc, char **argv)
{
	static const char *headers[] = {"ID",      "SCOPE",     "NAME",   "CREATED",
	                                "EXPIRES", "LAST USED", "REVOKED"};
	int all = 0;
	const struct cli_opt opts[] = {{"all", 0, NULL, &all}, {NULL, 0, NULL, NULL}};
	char **pos = xcalloc((size_t)argc, sizeof(char *));
	json_t *out = NULL, *items;
	char *path;
	int npos, rc;

	rc = cli_parse("token", argc, argv, opts, pos, &npos);
	if (rc == 0 && all && npos != 0)
		rc = cli_usage_error("token", "token list --all takes no DOMAIN");
	else if (rc == 0 && !all && npos != 1)
		rc = cli_usage_error("token", "token list takes DOMAIN (or --all)");
	if (rc == 0 && !all)
		rc = cli_slug_check("token", "domain", pos[0]);
	if (rc) {
		free(pos);
		return rc;
	}
	path = tokens_path(all ? NULL : pos[0], NULL);
	rc = cli_call(cli, "GET", path, NULL, &out);
	items = json_is_array(out) ? out : json_object_get(out, "items");
	if (rc == 0 && cli->output == CLI_OUT_JSON) {
		output_json(out);
	} else if (rc == 0) {
		/* the SCOPE column with --all only */
		static const char *const fields[] = {"id",        "scope",      "name",
		                                     "createdAt", "expiresAt",  "lastUsedAt",
		                                     "revokedAt"};
		struct table *t;
		const char *hs[7];
		size_t i, n = 0;
		json_t *v;

		for (size_t k = 0; k < 7; k++)
			if (all || k != 1)
				hs[n++] = headers[k];
		t = table_new((int)n, hs);
		json_array_foreach(items, i, v)
		{
			char id[32];
			const char *cells[7];
			n = 0;
			cells[n++] = output_scalar(json_object_get(v, "id"), id, sizeof(id));
			for (size_t k = 1; k < 7; k++)
				if (all || k != 1)
					cells[n++] = json_string_value(
					    json_object_get(v, fields[k]));
			table_add(t, cells);
		}
		if (table_rows(t))
			table_print(t, stdout);
		else if (all)
			fputs("the registry has no tokens\n", stderr);
		else
			fprintf(stderr, "domain %s has no tokens\n", pos[0]);
		table_free(t);
	}
	json_decref(out);
	free(path);
	free(pos);
	return rc;
}

static int token_revoke(struct cli *cli, int argc, char **argv)
{
	int admin = 0;
	const struct cli_opt opts[] = {{"admin", 0, NULL, &admin}, {NULL, 0, NULL, NULL}};
	char **pos = xcalloc((size_t)argc, sizeof(char *));
	const char *domain = NULL, *idtext = NULL;
	char *path, *end;
	long long id = 0;
	int npos, rc;

	rc = cli_parse("token", argc, argv, opts, pos, &npos);
	if (rc == 0 && admin && npos != 1)
		rc = cli_usage_error("token", "token revoke --admin takes ID");
	else if (rc == 0 && !admin && npos != 2)
		rc = cli_usage_error("token", "token revoke takes DOMAIN and ID");
	if (rc == 0 && !admin) {
		domain = pos[0];
		rc = cli_slug_check("token", "domain", domain);
	}
	if (rc == 0) {
		idtext = pos[admin ? 0 : 1];
		errno = 0;
		id = strtoll(idtext, &end, 10);
		if (errno || end == idtext || *end || id < 1 || idtext[0] == '+')
			rc = cli_usage_error("token", "invalid token id '%s' (expected a number)",
			                     idtext);
	}
	if (rc) {
		free(pos);
		return rc;
	}
	path = tokens_path(domain, idtext);
	rc = cli_call(cli, "DELETE", path, NULL, NULL);
	if (rc == 0 && cli->output == CLI_OUT_JSON) {
		json_t *out = xjson(json_pack("{s:I, s:s?, s:b}", "id", (json_int_t)id, "scope",
		                              domain, "revoked", 1));
		output_json(out);
		json_decref(out);
	} else if (rc == 0 && domain) {
		printf("token %lld of domain %s: revoked\n", id, domain);
	} else if (rc == 0) {
		printf("token %lld: revoked\n", id);
	}
	free(path);
	free(pos);
	return rc;
}

int cmd_token(struct cli *cli, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(struct cli *cli, int argc, char **argv);
	} subs[] = {{"create", token_create}, {"list", token_list}, {"revoke", token_revoke}};

	if (argc < 2)
		return cli_usage_error("token", "no subcommand given (create, list or revoke)");
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].fn(cli, argc - 1, argv + 1);
	return cli_usage_error("token", "unknown subcommand '%s' (expected create, list or revoke)",
	                       argv[1]);
}
