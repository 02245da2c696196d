/*
 * driveway export DIR: writes the registry back out as descriptor files, for GitOps: one
 * folder per domain holding domain.yaml, one <product>.yaml per live product and, for a
 * product with versions, its latest contract beside it (<product>.openapi.json, .avsc,
 * .schema.json, .odcs.json or .proto) named by spec.contract.path, and its earlier versions,
 * each in its own file, in the version history folder <product>.versions/: 1.avsc, 2.avsc ...
 * (the version's number in this registry and its format's suffix; see inputs.h); when the
 * numbers have gaps (versions deleted for good) the latest is written there too, so that its
 * number is kept. The files
 * hold JSON, which is YAML too; a .proto holds the text itself. The tree stays an ordinary
 * one: `driveway validate DIR` checks every file, history included.
 *
 * `driveway register DIR` on an empty registry re-creates the domains, the products and every
 * version of each, in order, with the same number and contract text (cmd_register.c replays
 * the history folders, giving each version's number). What it cannot re-create: versions
 * soft-deleted through the Confluent-compatible API are exported like the others (the native
 * API lists them and does not say which they are) and come back visible. Deleted products,
 * tokens, the change history and registry settings are not exported (docs/operations.md).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "cli/inputs.h"
#include "validators/contract.h"
#include "validators/xalloc.h"

/* Creates path with text (a file that exists already is an error: nothing is overwritten). */
static int write_text(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "wx");
	int bad = !f || fwrite(text, 1, len, f) != len;

	if (f && fclose(f) != 0)
		bad = 1;
	if (bad) {
		fprintf(stderr, "error: cannot write '%s': %s\n", path, strerror(errno));
		return DW_USAGE;
	}
	return 0;
}

/* Writes doc, without the registry's own members (status, links), as indented JSON. */
static int write_doc(const char *path, const json_t *doc)
{
	json_t *copy = xjson(json_deep_copy(doc));
	char *text, *line;
	int rc;

	json_object_del(copy, "status");
	json_object_del(copy, "links");
	text = json_dumps(copy, JSON_INDENT(2) | DW_JSON_REALS);
	if (!text)
		xjson(NULL);
	line = xasprintf("%s\n", text);
	rc = write_text(path, line, strlen(line));
	free(line);
	free(text);
	json_decref(copy);
	return rc;
}

static int make_dir(const char *path)
{
	if (mkdir(path, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "error: cannot create '%s': %s\n", path, strerror(errno));
		return DW_USAGE;
	}
	return 0;
}

/* DIR must be missing or empty: an export never mixes with older files. */
static int target_ok(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int empty = 1;

	if (!d)
		return make_dir(dir);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = 0;
	closedir(d);
	if (!empty) {
		fprintf(stderr, "error: cannot export into '%s': it is not empty\n", dir);
		return DW_USAGE;
	}
	return 0;
}

/* GETs path into resp; prints the failure. */
static int get(struct cli *cli, const char *path, struct client_response *resp)
{
	int rc = cli_send(cli, "GET", path, NULL, resp);

	if (!rc && !client_ok(resp)) {
		rc = client_fail(resp, path);
		client_response_release(resp);
	}
	return rc;
}

/* Writes the contract of version number of ref (format fmt) into path. */
static int export_contract(struct cli *cli, const struct cli_ref *ref, json_int_t number,
                           enum dw_format fmt, const char *path)
{
	struct client_response resp;
	json_t *text_json = NULL;
	char *suffix = xasprintf("/versions/%" JSON_INTEGER_FORMAT "/contract", number);
	char *url = cli_product_path(ref, suffix);
	const char *text;
	size_t len;
	int rc = get(cli, url, &resp);

	free(url);
	free(suffix);
	if (rc)
		return rc;
	text = resp.body;
	len = resp.len;
	/* a .proto is stored as a JSON string: its file holds the text itself */
	if (fmt == DW_FMT_PROTOBUF && resp.content_type && strstr(resp.content_type, "json")) {
		text_json = client_response_json(&resp);
		if (json_is_string(text_json)) {
			text = json_string_value(text_json);
			len = json_string_length(text_json);
		}
	}
	rc = write_text(path, text, len);
	json_decref(text_json);
	client_response_release(&resp);
	return rc;
}

/* 1 when version numbers have gaps (versions deleted for good). */
static int has_gaps(const json_t *versions)
{
	json_int_t prev = 0;
	size_t i;
	json_t *v;

	json_array_foreach(versions, i, v)
	{
		json_int_t n = json_integer_value(json_object_get(v, "version"));
		if (n != prev + 1)
			return 1;
		prev = n;
	}
	return 0;
}

/*
 * Writes every version of product doc: the latest as dir/<name><suffix>, which doc's
 * spec.contract then names, the earlier ones as dir/<name>.versions/<N><suffix>. Counts them in
 * *latest and *earlier. A product without versions loses its spec.contract (a contract format
 * alone is not a descriptor's).
 */
static int export_versions(struct cli *cli, const char *dir, json_t *doc, size_t *latest,
                           size_t *earlier)
{
	json_t *meta = json_object_get(doc, "metadata"), *spec = json_object_get(doc, "spec");
	json_t *versions = NULL, *v;
	struct cli_ref ref = {0};
	char *url, *hdir = NULL;
	size_t i, n;
	int gaps;
	int rc;

	snprintf(ref.domain, sizeof(ref.domain), "%s",
	         json_string_value(json_object_get(meta, "domain")));
	snprintf(ref.product, sizeof(ref.product), "%s",
	         json_string_value(json_object_get(meta, "name")));
	url = cli_product_path(&ref, "/versions?limit=500");
	rc = cli_get_items(cli, url, &versions);
	free(url);
	n = rc ? 0 : json_array_size(versions);
	if (!rc && !n)
		json_object_del(spec, "contract");
	/* with gaps the latest goes to the history folder too, where its number is kept */
	gaps = n > 0 && has_gaps(versions);
	json_array_foreach(rc ? NULL : versions, i, v)
	{
		const char *format = json_string_value(json_object_get(v, "format"));
		enum dw_format fmt = contract_format_parse(format);
		const char *suffix = inputs_contract_suffix(fmt);
		json_int_t number = json_integer_value(json_object_get(v, "version"));
		char *file = NULL, *path;

		if (!suffix) {
			fprintf(stderr, "error: '%s/%s': unknown contract format '%s'\n",
			        ref.domain, ref.product, format ? format : "");
			rc = DW_INTERNAL;
			break;
		}
		if (i + 1 < n || gaps) {
			if (!hdir) {
				hdir =
				    xasprintf("%s/%s%s", dir, ref.product, INPUTS_HISTORY_SUFFIX);
				if ((rc = make_dir(hdir)))
					break;
			}
			file = xasprintf("%" JSON_INTEGER_FORMAT "%s", number, suffix);
			path = xasprintf("%s/%s", hdir, file);
			rc = export_contract(cli, &ref, number, fmt, path);
			free(path);
			free(file);
			file = NULL;
			if (!rc && i + 1 < n)
				(*earlier)++;
		}
		if (!rc && i + 1 == n) {
			file = xasprintf("%s%s", ref.product, suffix);
			path = xasprintf("%s/%s", dir, file);
			rc = export_contract(cli, &ref, number, fmt, path);
			free(path);
		}
		if (!rc && i + 1 == n) {
			(*latest)++;
			if (json_is_object(spec))
				json_object_set_new(
				    spec, "contract",
				    xjson(json_pack("{s:s, s:s}", "format", format, "path", file)));
		}
		free(file);
		if (rc)
			break;
	}
	free(hdir);
	json_decref(versions);
	return rc;
}

static int export_product(struct cli *cli, const char *root, json_t *doc, size_t *latest,
                          size_t *earlier)
{
	json_t *meta = json_object_get(doc, "metadata");
	const char *domain = json_string_value(json_object_get(meta, "domain"));
	const char *name = json_string_value(json_object_get(meta, "name"));
	char *dir, *path;
	int rc;

	if (!domain || !name)
		return DW_INTERNAL;
	dir = xasprintf("%s/%s", root, domain);
	rc = make_dir(dir);
	if (!rc)
		rc = export_versions(cli, dir, doc, latest, earlier);
	path = xasprintf("%s/%s.yaml", dir, name);
	if (!rc)
		rc = write_doc(path, doc);
	free(path);
	free(dir);
	return rc;
}

int cmd_export(struct cli *cli, int argc, char **argv)
{
	json_t *domains = NULL, *products = NULL, *item;
	size_t i, latest = 0, earlier = 0;
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos)), *path;
	int npos = 0, rc;

	rc = cli_parse("export", argc, argv, NULL, pos, &npos);
	if (rc == 0 && npos != 1)
		rc = cli_usage_error("export", npos ? "too many arguments" : "no folder given");
	if (rc == 0)
		rc = cli_get_items(cli, "/domains", &domains);
	if (rc == 0)
		rc = cli_get_items(cli, "/products?limit=500", &products);
	if (rc == 0)
		rc = target_ok(pos[0]);
	json_array_foreach(rc ? NULL : domains, i, item)
	{
		const char *name =
		    json_string_value(json_object_get(json_object_get(item, "metadata"), "name"));
		char *dir = xasprintf("%s/%s", pos[0], name ? name : "");

		rc = name ? make_dir(dir) : DW_INTERNAL;
		path = xasprintf("%s/domain.yaml", dir);
		if (!rc)
			rc = write_doc(path, item);
		free(path);
		free(dir);
		if (rc)
			break;
	}
	json_array_foreach(rc ? NULL : products, i, item)
	{
		if ((rc = export_product(cli, pos[0], item, &latest, &earlier)))
			break;
	}
	if (rc == 0)
		fprintf(
		    stderr,
		    "exported %zu domain%s, %zu product%s and %zu contract version%s (%zu latest, "
		    "%zu earlier) to %s\n",
		    json_array_size(domains), json_array_size(domains) == 1 ? "" : "s",
		    json_array_size(products), json_array_size(products) == 1 ? "" : "s",
		    latest + earlier, latest + earlier == 1 ? "" : "s", latest, earlier, pos[0]);
	json_decref(domains);
	json_decref(products);
	free(pos);
	return rc;
}
