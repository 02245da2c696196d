/* driveway get DOMAIN/PRODUCT[@N|@latest]: one product, and one of its versions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "validators/xalloc.h"

static const char *str_at(const json_t *v, const char *pointer)
{
	return json_string_value(dw_pointer_get(v, pointer));
}

/* Appends ", " and text to *acc (reallocated). */
static void join(char **acc, const char *text)
{
	char *s = xasprintf("%s%s%s", *acc ? *acc : "", *acc ? ", " : "", text);

	free(*acc);
	*acc = s;
}

/* The SLA as one line: "availability 99.9%, latency p99 300 ms, ...". */
static char *sla_line(const json_t *sla)
{
	static const struct {
		const char *key, *label, *unit;
	} parts[] = {
	    {"availability", "availability ", "%"}, {"latencyP99Ms", "latency p99 ", " ms"},
	    {"freshness", "freshness ", ""},        {"retention", "retention ", ""},
	    {"supportHours", "support ", ""},
	};
	char *acc = NULL, buf[64];

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		const char *v = output_scalar(json_object_get(sla, parts[i].key), buf, sizeof(buf));
		if (v) {
			char *t = xasprintf("%s%s%s", parts[i].label, v, parts[i].unit);
			join(&acc, t);
			free(t);
		}
	}
	return acc;
}

/* "a, b, c" of an array of strings. */
static char *strings_line(const json_t *arr)
{
	char *acc = NULL;
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v) if (json_is_string(v)) join(&acc, json_string_value(v));
	return acc;
}

/* "identity/users-api (rest-api, strong, budget 200 ms)" */
static char *consumes_line(const json_t *c)
{
	const char *product = json_string_value(json_object_get(c, "product"));
	const char *pattern = json_string_value(json_object_get(c, "pattern"));
	const char *consistency = json_string_value(json_object_get(c, "consistency"));
	char buf[64], *acc = NULL, *out;
	const char *budget = output_scalar(json_object_get(c, "latencyBudgetMs"), buf, sizeof(buf));

	if (pattern)
		join(&acc, pattern);
	if (consistency)
		join(&acc, consistency);
	if (budget) {
		char *t = xasprintf("budget %s ms", budget);
		join(&acc, t);
		free(t);
	}
	out = xasprintf("%s%s%s%s", product ? product : "?", acc ? " (" : "", acc ? acc : "",
	                acc ? ")" : "");
	free(acc);
	return out;
}

static void product_lines(struct kv *kv, const json_t *p)
{
	const json_t *spec = json_object_get(p, "spec");
	const char *lifecycle = str_at(p, "/metadata/lifecycle");
	char buf[64], buf2[64], *line;
	const char *latest, *count;
	size_t i;
	json_t *v;
	const char *domain = str_at(p, "/metadata/domain"), *name = str_at(p, "/metadata/name");

	kv_addf(kv, "product", "%s/%s", domain ? domain : "?", name ? name : "?");
	kv_add(kv, "title", str_at(p, "/metadata/title"));
	kv_add(kv, "kind", str_at(p, "/spec/type"));
	kv_add(kv, "owner", str_at(p, "/metadata/owner"));
	kv_add(kv, "lifecycle", lifecycle ? lifecycle : "experimental");
	kv_add(kv, "compatibility", str_at(p, "/spec/compatibility"));
	kv_add(kv, "contract", str_at(p, "/spec/contract/format"));
	kv_add(kv, "topic", str_at(p, "/spec/topic"));
	line = sla_line(json_object_get(spec, "sla"));
	kv_add(kv, "sla", line);
	free(line);
	json_array_foreach(json_object_get(spec, "endpoints"), i, v)
	{
		const char *env = json_string_value(json_object_get(v, "environment"));
		const char *url = json_string_value(json_object_get(v, "url"));
		const char *proto = json_string_value(json_object_get(v, "protocol"));
		kv_addf(kv, "endpoint", "%s %s%s%s%s", env ? env : "?", url ? url : "?",
		        proto ? " (" : "", proto ? proto : "", proto ? ")" : "");
	}
	line = strings_line(dw_pointer_get(p, "/metadata/tags"));
	kv_add(kv, "tags", line);
	free(line);
	line = strings_line(json_object_get(spec, "backends"));
	kv_add(kv, "backends", line);
	free(line);
	json_array_foreach(json_object_get(spec, "consumes"), i, v)
	{
		line = consumes_line(v);
		kv_add(kv, "consumes", line);
		free(line);
	}
	latest = output_scalar(dw_pointer_get(p, "/status/latestVersion"), buf, sizeof(buf));
	count = output_scalar(dw_pointer_get(p, "/status/versions"), buf2, sizeof(buf2));
	if (latest && count)
		kv_addf(kv, "latest version", "%s (%s in all)", latest, count);
	else
		kv_add(kv, "latest version", latest ? latest : "none");
	kv_add(kv, "updated", str_at(p, "/status/updatedAt"));
	kv_add(kv, "description", str_at(p, "/metadata/description"));
}

static void version_lines(struct kv *kv, const json_t *v)
{
	char buf[64];
	const json_t *changes = json_object_get(v, "changes");

	kv_add(kv, "version", output_scalar(json_object_get(v, "version"), buf, sizeof(buf)));
	kv_add(kv, "format", str_at(v, "/format"));
	kv_add(kv, "media type", str_at(v, "/mediaType"));
	kv_add(kv, "fingerprint", str_at(v, "/fingerprint"));
	kv_add(kv, "created", str_at(v, "/createdAt"));
	kv_add(kv, "created by", str_at(v, "/createdBy"));
	if (json_is_array(changes))
		kv_addf(kv, "changes", "%zu", json_array_size(changes));
}

int cmd_get(struct cli *cli, int argc, char **argv)
{
	char **pos = xcalloc((size_t)argc, sizeof(char *));
	struct cli_ref ref;
	json_t *product = NULL, *version = NULL;
	char *path;
	int npos, rc;

	rc = cli_parse("get", argc, argv, NULL, pos, &npos);
	if (rc == 0 && npos != 1)
		rc = cli_usage_error("get", npos ? "too many arguments" : "no product given");
	if (rc == 0)
		rc = cli_ref_parse("get", pos[0], 1, &ref);
	free(pos);
	if (rc)
		return rc;

	path = cli_product_path(&ref, NULL);
	rc = cli_call(cli, "GET", path, NULL, &product);
	free(path);
	if (rc == 0 && ref.has_version) {
		char suffix[48];
		if (ref.version)
			snprintf(suffix, sizeof(suffix), "/versions/%ld", ref.version);
		else
			snprintf(suffix, sizeof(suffix), "/versions/latest");
		path = cli_product_path(&ref, suffix);
		rc = cli_call(cli, "GET", path, NULL, &version);
		free(path);
	}
	if (rc == 0 && cli->output == CLI_OUT_JSON) {
		if (version) {
			json_t *out = xjson(json_object());
			json_object_set(out, "product", product);
			json_object_set(out, "version", version);
			output_json(out);
			json_decref(out);
		} else {
			output_json(product);
		}
	} else if (rc == 0) {
		struct kv *kv = kv_new();
		product_lines(kv, product);
		if (version)
			version_lines(kv, version);
		kv_print(kv, stdout);
		kv_free(kv);
	}
	json_decref(product);
	json_decref(version);
	return rc;
}
