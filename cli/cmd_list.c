/*
 * driveway list / driveway search TEXT: discovery over GET /products, one page or (--all)
 * every page by following the "next" links.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "cli/output.h"
#include "validators/xalloc.h"

/* Guards --all against a server whose "next" links never end. */
#define LIST_MAX_PAGES 100000

static const char *str_at(const json_t *v, const char *pointer)
{
	return json_string_value(dw_pointer_get(v, pointer));
}

static void add_row(struct table *t, const json_t *p)
{
	const char *domain = str_at(p, "/metadata/domain");
	const char *name = str_at(p, "/metadata/name");
	const char *lifecycle = str_at(p, "/metadata/lifecycle");
	char *ref = xasprintf("%s/%s", domain ? domain : "?", name ? name : "?");
	char latest[32];
	const char *cells[6];

	cells[0] = ref;
	cells[1] = str_at(p, "/spec/type");
	cells[2] = str_at(p, "/metadata/owner");
	cells[3] = lifecycle ? lifecycle : "experimental";
	cells[4] =
	    output_scalar(dw_pointer_get(p, "/status/latestVersion"), latest, sizeof(latest));
	cells[5] = str_at(p, "/metadata/title");
	table_add(t, cells);
	free(ref);
}

static int check_limit(const char *command, const char *limit)
{
	char *end;
	long n;

	if (!limit)
		return 0;
	errno = 0;
	n = strtol(limit, &end, 10);
	if (errno || end == limit || *end || n < 1 || n > 500)
		return cli_usage_error(command, "invalid limit '%s' (expected 1 to 500)", limit);
	return 0;
}

static int list_run(struct cli *cli, const char *command, int argc, char **argv, int search)
{
	static const char *headers[] = {"PRODUCT", "KIND", "OWNER", "LIFECYCLE", "LATEST", "TITLE"};
	const char *domain = NULL, *kind = NULL, *owner = NULL, *tag = NULL, *lifecycle = NULL;
	const char *limit = NULL;
	int all = 0, npos, rc, pages = 0;
	const struct cli_opt opts[] = {
	    {"domain", 1, &domain, NULL},
	    {"kind", 1, &kind, NULL},
	    {"owner", 1, &owner, NULL},
	    {"tag", 1, &tag, NULL},
	    {"lifecycle", 1, &lifecycle, NULL},
	    {"limit", 1, &limit, NULL},
	    {"all", 0, NULL, &all},
	    {NULL, 0, NULL, NULL},
	};
	char **pos = xcalloc((size_t)argc, sizeof(char *));
	json_t *items, *page = NULL;
	char *url, *next = NULL;
	struct table *t;

	rc = cli_parse(command, argc, argv, opts, pos, &npos);
	if (rc == 0 && search && npos != 1)
		rc = cli_usage_error(command, npos ? "search takes one TEXT (quote it)"
		                                   : "no search text given");
	if (rc == 0 && !search && npos)
		rc = cli_usage_error(command, "unexpected argument '%s'", pos[0]);
	if (rc == 0 && domain)
		rc = cli_slug_check(command, "domain", domain);
	if (rc == 0)
		rc = check_limit(command, limit);
	if (rc) {
		free(pos);
		return rc;
	}

	url = xstrdup("/products");
	client_query_add(&url, "q", search ? pos[0] : NULL);
	client_query_add(&url, "domain", domain);
	client_query_add(&url, "kind", kind);
	client_query_add(&url, "owner", owner);
	client_query_add(&url, "tag", tag);
	client_query_add(&url, "lifecycle", lifecycle);
	client_query_add(&url, "limit", limit);
	free(pos);

	items = xjson(json_array());
	for (;;) {
		const char *n;
		rc = cli_call(cli, "GET", url, NULL, &page);
		if (rc)
			break;
		json_array_extend(items, json_object_get(page, "items"));
		n = json_string_value(json_object_get(page, "next"));
		free(next);
		next = n && n[0] ? xstrdup(n) : NULL;
		json_decref(page);
		page = NULL;
		if (!next || !all || ++pages >= LIST_MAX_PAGES || strcmp(next, url) == 0)
			break;
		free(url);
		url = xstrdup(next);
	}
	free(url);
	if (rc) {
		free(next);
		json_decref(items);
		return rc;
	}
	if (all && next) {
		free(next);
		next = NULL;
	}

	if (cli->output == CLI_OUT_JSON) {
		json_t *out = xjson(json_object());
		json_object_set(out, "items", items);
		json_object_set_new(out, "next", next ? xjson(json_string(next)) : json_null());
		output_json(out);
		json_decref(out);
	} else {
		size_t i;
		json_t *p;
		t = table_new(6, headers);
		json_array_foreach(items, i, p) add_row(t, p);
		if (table_rows(t))
			table_print(t, stdout);
		else
			fputs("no products found\n", stderr);
		table_free(t);
		if (next)
			fputs("more: use --all\n", stderr);
	}
	free(next);
	json_decref(items);
	return 0;
}

int cmd_list(struct cli *cli, int argc, char **argv)
{
	return list_run(cli, "list", argc, argv, 0);
}

int cmd_search(struct cli *cli, int argc, char **argv)
{
	return list_run(cli, "search", argc, argv, 1);
}
