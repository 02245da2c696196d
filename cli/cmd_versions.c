/* driveway versions DOMAIN/PRODUCT: every contract version of a product, oldest first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "validators/xalloc.h"

/* Guards against a server whose "next" links never end. */
#define VERSIONS_MAX_PAGES 100000

/* "sha256:0123456789ab": enough to tell versions apart at a glance. */
static void short_fingerprint(const char *fp, char *buf, size_t size)
{
	const char *colon = fp ? strchr(fp, ':') : NULL;

	if (!fp)
		snprintf(buf, size, "-");
	else if (colon)
		snprintf(buf, size, "%.*s%.12s", (int)(colon - fp + 1), fp, colon + 1);
	else
		snprintf(buf, size, "%.12s", fp);
}

int cmd_versions(struct cli *cli, int argc, char **argv)
{
	static const char *headers[] = {"VERSION", "FORMAT", "FINGERPRINT", "CREATED", "BY"};
	char **pos = xcalloc((size_t)argc, sizeof(char *));
	struct cli_ref ref;
	json_t *items, *page;
	char *url;
	int npos, rc, pages = 0;

	rc = cli_parse("versions", argc, argv, NULL, pos, &npos);
	if (rc == 0 && npos != 1)
		rc = cli_usage_error("versions", npos ? "too many arguments" : "no product given");
	if (rc == 0)
		rc = cli_ref_parse("versions", pos[0], 0, &ref);
	free(pos);
	if (rc)
		return rc;

	url = cli_product_path(&ref, "/versions?limit=500");
	items = xjson(json_array());
	for (;;) {
		const char *next;
		rc = cli_call(cli, "GET", url, NULL, &page);
		if (rc)
			break;
		json_array_extend(items, json_object_get(page, "items"));
		next = json_string_value(json_object_get(page, "next"));
		if (!next || !next[0] || ++pages >= VERSIONS_MAX_PAGES || strcmp(next, url) == 0) {
			json_decref(page);
			break;
		}
		free(url);
		url = xstrdup(next);
		json_decref(page);
	}
	free(url);
	if (rc == 0 && cli->output == CLI_OUT_JSON) {
		json_t *out = xjson(json_object());
		json_object_set(out, "items", items);
		json_object_set_new(out, "next", json_null());
		output_json(out);
		json_decref(out);
	} else if (rc == 0) {
		struct table *t = table_new(5, headers);
		size_t i;
		json_t *v;
		json_array_foreach(items, i, v)
		{
			char num[32], fp[32];
			const char *cells[5];
			cells[0] = output_scalar(json_object_get(v, "version"), num, sizeof(num));
			cells[1] = json_string_value(json_object_get(v, "format"));
			short_fingerprint(json_string_value(json_object_get(v, "fingerprint")), fp,
			                  sizeof(fp));
			cells[2] = fp;
			cells[3] = json_string_value(json_object_get(v, "createdAt"));
			cells[4] = json_string_value(json_object_get(v, "createdBy"));
			table_add(t, cells);
		}
		if (table_rows(t))
			table_print(t, stdout);
		else
			fprintf(stderr, "%s/%s has no versions yet\n", ref.domain, ref.product);
		table_free(t);
	}
	json_decref(items);
	return rc;
}
