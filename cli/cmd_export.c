/*
 * driveway export DIR: writes the registry back out as descriptor files, for GitOps: one
 * folder per domain holding domain.yaml, one <product>.yaml per live product and, for a
 * product with versions, its latest contract beside it (<product>.openapi.json, .avsc,
 * .schema.json, .odcs.json or .proto) named by spec.contract.path. The files hold JSON, which
 * is YAML too. `driveway register DIR` on an empty registry re-creates the domains, the
 * products and each product's latest contract (as its version 1): earlier versions are not
 * exported.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "validators/contract.h"
#include "validators/xalloc.h"

/* The contract file's name suffix per format, as the examples name them. */
static const struct {
	const char *format;
	const char *suffix;
} suffixes[] = {
    {"openapi", ".openapi.json"}, {"avro", ".avsc"},     {"jsonschema", ".schema.json"},
    {"odcs", ".odcs.json"},       {"protobuf", ".proto"},
};

static const char *contract_suffix(const char *format)
{
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
		if (format && strcmp(suffixes[i].format, format) == 0)
			return suffixes[i].suffix;
	return NULL;
}

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

/* Writes the latest contract of product doc (which has versions) as dir/<name><suffix> and
 * points doc's spec.contract at it. */
static int export_contract(struct cli *cli, const char *dir, json_t *doc)
{
	struct cli_ref ref = {0};
	struct client_response resp;
	json_t *meta = json_object_get(doc, "metadata"), *version, *spec, *text_json = NULL;
	const char *format, *suffix, *text;
	char *path, *file;
	size_t len;
	int rc;

	snprintf(ref.domain, sizeof(ref.domain), "%s",
	         json_string_value(json_object_get(meta, "domain")));
	snprintf(ref.product, sizeof(ref.product), "%s",
	         json_string_value(json_object_get(meta, "name")));
	path = cli_product_path(&ref, "/versions/latest");
	rc = cli_call(cli, "GET", path, NULL, &version);
	free(path);
	if (rc)
		return rc;
	format = json_string_value(json_object_get(version, "format"));
	suffix = contract_suffix(format);
	if (!suffix) {
		fprintf(stderr, "error: '%s/%s': unknown contract format '%s'\n", ref.domain,
		        ref.product, format ? format : "");
		json_decref(version);
		return DW_INTERNAL;
	}
	path = cli_product_path(&ref, "/versions/latest/contract");
	rc = get(cli, path, &resp);
	free(path);
	if (rc) {
		json_decref(version);
		return rc;
	}
	text = resp.body;
	len = resp.len;
	/* a .proto is stored as a JSON string: its file holds the text itself */
	if (strcmp(format, "protobuf") == 0 && resp.content_type &&
	    strstr(resp.content_type, "json")) {
		text_json = client_response_json(&resp);
		if (json_is_string(text_json)) {
			text = json_string_value(text_json);
			len = json_string_length(text_json);
		}
	}
	file = xasprintf("%s%s", ref.product, suffix);
	path = xasprintf("%s/%s", dir, file);
	rc = write_text(path, text, len);
	spec = json_object_get(doc, "spec");
	if (!rc && json_is_object(spec))
		json_object_set_new(spec, "contract",
		                    xjson(json_pack("{s:s, s:s}", "format", format, "path", file)));
	free(path);
	free(file);
	json_decref(text_json);
	client_response_release(&resp);
	json_decref(version);
	return rc;
}

static int export_product(struct cli *cli, const char *root, json_t *doc, size_t *contracts)
{
	json_t *meta = json_object_get(doc, "metadata"), *spec = json_object_get(doc, "spec");
	const char *domain = json_string_value(json_object_get(meta, "domain"));
	const char *name = json_string_value(json_object_get(meta, "name"));
	json_t *latest = json_object_get(json_object_get(doc, "status"), "latestVersion");
	char *dir, *path;
	int rc;

	if (!domain || !name)
		return DW_INTERNAL;
	dir = xasprintf("%s/%s", root, domain);
	rc = make_dir(dir);
	if (!rc && json_is_integer(latest)) {
		rc = export_contract(cli, dir, doc);
		if (!rc)
			(*contracts)++;
	} else if (!rc) {
		/* no version yet: a contract format alone is not a descriptor's */
		json_object_del(spec, "contract");
	}
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
	size_t i, contracts = 0;
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
		const char *name = json_string_value(
		    json_object_get(json_object_get(item, "metadata"), "name"));
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
		if ((rc = export_product(cli, pos[0], item, &contracts)))
			break;
	}
	if (rc == 0)
		fprintf(stderr,
		        "exported %zu domain%s, %zu product%s and %zu contract%s (latest versions) "
		        "to %s\n",
		        json_array_size(domains), json_array_size(domains) == 1 ? "" : "s",
		        json_array_size(products), json_array_size(products) == 1 ? "" : "s",
		        contracts, contracts == 1 ? "" : "s", pos[0]);
	json_decref(domains);
	json_decref(products);
	free(pos);
	return rc;
}
