/*
 * landscape.c: the audit's view of the registry (landscape.h), and the audit settings file
 * drivewayd checks once at start so that a mistake stops it with the file's line and column
 * rather than failing every GET /audit.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/landscape.h"
#include "validators/load.h"
#include "validators/xalloc.h"

void landscape_today(char buf[11])
{
	time_t now = time(NULL);
	struct tm tm;

	if (!gmtime_r(&now, &tm) || strftime(buf, 11, "%Y-%m-%d", &tm) != 10)
		memcpy(buf, "1970-01-01", 11);
}

/* Reads the whole file (at most LANDSCAPE_SETTINGS_MAX bytes) into *text (malloc'd). */
static int read_file(const char *path, char **text, size_t *len, struct dw_error *err)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	*text = NULL;
	if (!f)
		return dw_error_set(err, DW_UNAVAILABLE, "cannot read '%s': %s", path,
		                    strerror(errno));
	buf = xmalloc(LANDSCAPE_SETTINGS_MAX + 1);
	n = fread(buf, 1, LANDSCAPE_SETTINGS_MAX + 1, f);
	if (ferror(f)) {
		int e = errno;
		fclose(f);
		free(buf);
		return dw_error_set(err, DW_UNAVAILABLE, "cannot read '%s': %s", path,
		                    strerror(e));
	}
	fclose(f);
	if (n > LANDSCAPE_SETTINGS_MAX) {
		free(buf);
		return dw_error_set(err, DW_TOO_LARGE, "'%s' is larger than %d bytes", path,
		                    LANDSCAPE_SETTINGS_MAX);
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

/* The first key of config that audit_config_from_json refuses, with its message. */
static const char *config_culprit(const json_t *config, struct dw_error *err)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)config, key, v)
	{
		struct audit_config c;
		json_t *one = xjson(json_pack("{s:O}", key, v));
		int rc = audit_config_from_json(&c, one, err);

		json_decref(one);
		if (rc)
			return key;
	}
	return NULL;
}

/* Runs the audit on an empty landscape with the first n suppressions: 0 when they are
 * accepted, else err says why. */
static int suppressions_check(const json_t *list, size_t n, struct dw_error *err)
{
	struct audit_report r;
	char today[11];
	json_t *land, *some = xjson(json_array());
	int rc;

	for (size_t i = 0; i < n; i++)
		json_array_append(some, json_array_get(list, i));
	landscape_today(today);
	land = xjson(json_pack("{s:s, s:o}", "now", today, "suppressions", some));
	rc = audit_run(land, &r, err);
	audit_report_release(&r);
	json_decref(land);
	if (rc == DW_NOMEM)
		abort();
	return rc;
}

/* Checks the settings document; on a problem adds one finding (pointer, message) to f. */
static void settings_check(const json_t *doc, struct dw_findings *f)
{
	struct dw_error e = {0};
	const json_t *config = json_object_get(doc, "config");
	const json_t *sup = json_object_get(doc, "suppressions");
	const char *key;
	json_t *v;

	if (!json_is_object(doc)) {
		dw_findings_add(f, "", "audit settings must be an object, not %s",
		                dw_json_type_name(doc));
		return;
	}
	json_object_foreach((json_t *)doc, key, v)
	{
		if (strcmp(key, "config") && strcmp(key, "suppressions")) {
			char *ptr = dw_pointer_join("", key);
			dw_findings_add(f, ptr ? ptr : "",
			                "unknown property '%s' (expected 'config' or "
			                "'suppressions')",
			                key);
			free(ptr);
			return;
		}
	}
	if (config && !json_is_object(config)) {
		dw_findings_add(f, "/config", "property 'config' must be an object");
		return;
	}
	if (config && (key = config_culprit(config, &e))) {
		char *base = dw_pointer_join("/config", key);
		dw_findings_add(f, base ? base : "/config", "%s", e.message);
		free(base);
		return;
	}
	if (sup && !json_is_array(sup)) {
		dw_findings_add(f, "/suppressions", "property 'suppressions' must be an array");
		return;
	}
	if (sup && suppressions_check(sup, json_array_size(sup), &e)) {
		for (size_t i = 0; i < json_array_size(sup); i++) {
			struct dw_error one = {0};

			if (suppressions_check(sup, i + 1, &one)) {
				char *ptr = dw_pointer_join_index("/suppressions", i);
				dw_findings_add(f, ptr ? ptr : "/suppressions", "%s", one.message);
				free(ptr);
				return;
			}
		}
		dw_findings_add(f, "/suppressions", "%s", e.message);
	}
}

int landscape_settings_load(const char *path, json_t **out, struct dw_error *err)
{
	struct dw_docset set = {0};
	struct dw_findings f;
	char *text = NULL, line[1024];
	size_t len = 0;
	int rc;

	*out = NULL;
	if ((rc = read_file(path, &text, &len, err)))
		return rc;
	dw_findings_init(&f);
	rc = dw_load(text, len, path, &set, &f);
	free(text);
	if (rc == DW_NOMEM)
		abort();
	if (!rc && set.count != 1)
		dw_findings_add_at(&f, DW_SEV_ERROR, NULL, path, 1, 1, "",
		                   "expected one document with the audit settings, found %zu",
		                   set.count);
	if (!f.count) {
		settings_check(set.docs[0].root, &f);
		dw_doc_locate_findings(&set.docs[0], path, &f, 0);
	}
	if (f.count) {
		dw_finding_format(&f.items[0], line, sizeof(line));
		rc = dw_error_set(err, DW_INVALID, "%s", line);
	} else {
		*out = json_incref(set.docs[0].root);
	}
	dw_findings_release(&f);
	dw_docset_release(&set);
	return rc;
}

int landscape_build(struct store *st, const json_t *settings, json_t **out, struct dw_error *err)
{
	json_t *domains = NULL, *products = NULL, *v;
	char today[11];
	int rc;

	*out = NULL;
	if ((rc = store_landscape(st, &domains, &products, err)))
		return rc;
	landscape_today(today);
	*out = xjson(json_pack("{s:s, s:o, s:o}", "now", today, "domains", domains, "products",
	                       products));
	if ((v = json_object_get(settings, "config")))
		json_object_set_new(*out, "config", xjson(json_deep_copy(v)));
	if ((v = json_object_get(settings, "suppressions")))
		json_object_set_new(*out, "suppressions", xjson(json_deep_copy(v)));
	return 0;
}

int landscape_audit(struct store *st, const json_t *settings, json_t **landscape,
                    struct audit_report *report, struct dw_error *err)
{
	struct dw_error e = {0};
	int rc;

	audit_report_init(report);
	if ((rc = landscape_build(st, settings, landscape, err)))
		return rc;
	rc = audit_run(*landscape, report, &e);
	if (rc == DW_NOMEM)
		abort();
	/* the registry only holds valid descriptors, so a refusal here is the registry's fault */
	if (rc)
		return dw_error_set(err, DW_INTERNAL, "cannot audit the registry: %s", e.message);
	return 0;
}
