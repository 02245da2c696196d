/*
 * driveway audit: the governance audit of a landscape, from the registry (GET /audit) or
 * offline from descriptor files (audit_run over the landscape cli/landscape.c builds), shown as
 * text, JSON (the report), Markdown (a pull-request comment) or SARIF 2.1.0 (code-scanning
 * UIs). Both sources give the same report object (audit_report_to_json); offline, each finding's
 * location also gets the file, line and column it came from.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "cli/landscape.h"
#include "cli/output.h"
#include "cli/report.h"
#include "validators/audit.h"
#include "validators/contract.h"
#include "validators/xalloc.h"

enum audit_form { AUDIT_TEXT, AUDIT_JSON, AUDIT_MARKDOWN, AUDIT_SARIF };
enum fail_on { FAIL_ERROR, FAIL_WARNING, FAIL_NEVER };

static const char *const severity_names[] = {"error", "warning", "info"};
#define NSEVERITIES 3

static const char *str_of(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int severity_index(const char *s)
{
	for (int i = 0; s && i < NSEVERITIES; i++)
		if (!strcmp(s, severity_names[i]))
			return i;
	return -1;
}

/* ---- filters (offline; the registry applies the same ones to GET /audit) ---- */

struct audit_filter {
	const char *severity; /* "error", "warning", "info" or NULL */
	const char *domain;   /* NULL: every domain */
	const char *rule;     /* the rule's id ("DW013") or NULL */
};

static int in_domain(const char *ref, const char *domain)
{
	size_t n = strlen(domain);

	return ref && strncmp(ref, domain, n) == 0 && ref[n] == '/';
}

/* A finding concerns a domain when its location or one of the products it names is there. */
static int finding_in_domain(const json_t *f, const char *domain)
{
	const json_t *v;
	size_t i;

	if (in_domain(str_of(json_object_get(f, "location"), "product"), domain))
		return 1;
	json_array_foreach(json_object_get(f, "products"), i, v)
		if (in_domain(json_string_value(v), domain))
			return 1;
	return 0;
}

static int finding_kept(const json_t *f, const struct audit_filter *flt)
{
	if (flt->severity && strcmp(flt->severity, str_of(f, "severity") ? str_of(f, "severity")
	                                                                  : ""))
		return 0;
	if (flt->rule && strcmp(flt->rule, str_of(f, "rule") ? str_of(f, "rule") : ""))
		return 0;
	return !flt->domain || finding_in_domain(f, flt->domain);
}

static void filter_list(json_t *report, const char *key, const struct audit_filter *flt)
{
	json_t *kept = xjson(json_array()), *v;
	size_t i;

	json_array_foreach(json_object_get(report, key), i, v)
		if (finding_kept(v, flt))
			json_array_append(kept, v);
	json_object_set_new(report, key, kept);
}

/* Filters the findings and the suppressed ones; the summary stays the whole landscape's. */
static void filter_report(json_t *report, const struct audit_filter *flt)
{
	json_t *f;

	if (!flt->severity && !flt->domain && !flt->rule)
		return;
	filter_list(report, "findings", flt);
	filter_list(report, "suppressed", flt);
	f = xjson(json_object());
	if (flt->severity)
		json_object_set_new(f, "severity", xjson(json_string(flt->severity)));
	if (flt->domain)
		json_object_set_new(f, "domain", xjson(json_string(flt->domain)));
	if (flt->rule)
		json_object_set_new(f, "rule", xjson(json_string(flt->rule)));
	json_object_set_new(report, "filtered", f);
}

/* Offline: every finding's location gets "file", "line" and "column" when they are known. */
static void locate_list(const struct landscape *l, json_t *list)
{
	json_t *f;
	size_t i;

	json_array_foreach(list, i, f)
	{
		json_t *loc = json_object_get(f, "location");
		const char *file;
		int line, col;

		landscape_locate(l, str_of(loc, "product"), str_of(loc, "pointer"), &file, &line,
		                 &col);
		if (!json_is_object(loc) || !file)
			continue;
		json_object_set_new(loc, "file", xjson(json_string(file)));
		if (line) {
			json_object_set_new(loc, "line", xjson(json_integer(line)));
			json_object_set_new(loc, "column", xjson(json_integer(col)));
		}
	}
}

/* ---- text ---- */

/* "file:line:col" or "product pointer" (whatever is known) into a malloc'd string. */
static char *where_text(const json_t *f)
{
	const json_t *loc = json_object_get(f, "location");
	const char *file = str_of(loc, "file"), *product = str_of(loc, "product");
	const char *pointer = str_of(loc, "pointer");
	json_int_t line = json_integer_value(json_object_get(loc, "line"));
	json_int_t col = json_integer_value(json_object_get(loc, "column"));

	if (file && line)
		return xasprintf("%s:%" JSON_INTEGER_FORMAT ":%" JSON_INTEGER_FORMAT, file, line,
		                 col);
	if (file)
		return xstrdup(file);
	if (product)
		return xasprintf("%s %s", product, pointer && pointer[0] ? pointer : "/");
	return xasprintf("landscape %s", pointer && pointer[0] ? pointer : "/");
}

/* "  label: a, b, c" for a non-empty array of strings. */
static void text_list(FILE *out, const char *label, const json_t *arr)
{
	const json_t *v;
	size_t i;

	if (!json_array_size(arr))
		return;
	fprintf(out, "      %s: ", label);
	json_array_foreach(arr, i, v)
	{
		if (i)
			fputs(", ", out);
		output_safe(out, json_string_value(v));
	}
	fputc('\n', out);
}

static void text_finding(FILE *out, const json_t *f, int suppressed)
{
	char *where = where_text(f);
	const json_t *s = json_object_get(f, "suppression");

	fputs("    ", out);
	output_safe(out, where);
	fputs(": ", out);
	output_safe(out, str_of(f, "message"));
	fputc('\n', out);
	text_list(out, "products", json_object_get(f, "products"));
	text_list(out, "flows", json_object_get(f, "flows"));
	if (suppressed && s) {
		fputs("      suppressed: ", out);
		output_safe(out, str_of(s, "reason"));
		fputs(" (expires ", out);
		output_safe(out, str_of(s, "expires"));
		fputs(")\n", out);
	}
	free(where);
}

/* The findings of list with severity sev, grouped by rule (the report sorts by rule). */
static size_t text_severity(FILE *out, const json_t *list, const char *sev, int suppressed)
{
	const char *last = NULL;
	size_t n = 0;
	const json_t *f;
	size_t i;

	json_array_foreach(list, i, f)
	{
		const char *rule = str_of(f, "rule");
		const struct audit_rule *r;

		if (strcmp(str_of(f, "severity") ? str_of(f, "severity") : "", sev))
			continue;
		if (!last || strcmp(last, rule ? rule : "")) {
			r = audit_rule_get(rule ? rule : "");
			fprintf(out, "%s  ", n ? "\n" : "");
			output_safe(out, rule);
			fputc(' ', out);
			output_safe(out, str_of(f, "name"));
			fputs(": ", out);
			output_safe(out, str_of(f, "title"));
			fputc('\n', out);
			if (r) {
				fputs("    fix: ", out);
				output_safe(out, r->fix);
				fputc('\n', out);
			}
			last = rule ? rule : "";
		}
		text_finding(out, f, suppressed);
		n++;
	}
	return n;
}

struct counts {
	size_t sev[NSEVERITIES];
	size_t suppressed;
};

static void count(const json_t *report, struct counts *c)
{
	const json_t *f;
	size_t i;

	memset(c, 0, sizeof(*c));
	json_array_foreach(json_object_get(report, "findings"), i, f)
	{
		int k = severity_index(str_of(f, "severity"));
		if (k >= 0)
			c->sev[k]++;
	}
	c->suppressed = json_array_size(json_object_get(report, "suppressed"));
}

static void text_summary(FILE *out, const json_t *report, const struct counts *c)
{
	const json_t *s = json_object_get(report, "summary");
	const json_t *flt = json_object_get(report, "filtered");

	fprintf(out, "audit: %zu error%s, %zu warning%s, %zu info, %zu suppressed", c->sev[0],
	        c->sev[0] == 1 ? "" : "s", c->sev[1], c->sev[1] == 1 ? "" : "s", c->sev[2],
	        c->suppressed);
	fprintf(out,
	        " (%" JSON_INTEGER_FORMAT " domains, %" JSON_INTEGER_FORMAT
	        " products, %" JSON_INTEGER_FORMAT " flows, %" JSON_INTEGER_FORMAT
	        " synchronous",
	        json_integer_value(json_object_get(s, "domains")),
	        json_integer_value(json_object_get(s, "products")),
	        json_integer_value(json_object_get(s, "flows")),
	        json_integer_value(json_object_get(s, "syncFlows")));
	if (json_is_number(json_object_get(s, "syncShare")))
		fprintf(out, ", share %.2f", json_number_value(json_object_get(s, "syncShare")));
	fputc(')', out);
	if (json_object_size(flt)) {
		const char *key;
		json_t *v;
		int first = 1;

		fputs("; filtered by", out);
		json_object_foreach((json_t *)flt, key, v)
		{
			fprintf(out, "%s %s ", first ? "" : ",", key);
			output_safe(out, json_string_value(v));
			first = 0;
		}
		fprintf(out, " (the whole landscape has %" JSON_INTEGER_FORMAT " findings)",
		        json_integer_value(json_object_get(s, "findings")));
	}
	fputc('\n', out);
}

static void audit_text(FILE *out, const json_t *report)
{
	const json_t *findings = json_object_get(report, "findings");
	const json_t *suppressed = json_object_get(report, "suppressed");
	struct counts c;

	count(report, &c);
	for (int k = 0; k < NSEVERITIES; k++) {
		if (!c.sev[k])
			continue;
		fprintf(out, "%s (%zu)\n", k == 0 ? "errors" : k == 1 ? "warnings" : "info",
		        c.sev[k]);
		text_severity(out, findings, severity_names[k], 0);
		fputc('\n', out);
	}
	if (c.suppressed) {
		fprintf(out, "suppressed (%zu)\n", c.suppressed);
		for (int k = 0; k < NSEVERITIES; k++)
			text_severity(out, suppressed, severity_names[k], 1);
		fputc('\n', out);
	}
	text_summary(out, report, &c);
}

/* ---- markdown ---- */

static void md_findings(FILE *out, const json_t *list, int suppressed)
{
	const json_t *f;
	size_t i;

	if (suppressed)
		fputs("| Rule | Where | Finding | Reason | Expires |\n"
		      "|---|---|---|---|---|\n",
		      out);
	else
		fputs("| Severity | Rule | Where | Finding | Fix |\n|---|---|---|---|---|\n", out);
	for (int k = 0; k < NSEVERITIES; k++) {
		json_array_foreach(list, i, f)
		{
			const struct audit_rule *r = audit_rule_get(str_of(f, "rule") ?
			                                            str_of(f, "rule") : "");
			const json_t *s = json_object_get(f, "suppression");
			char *where;

			if (strcmp(str_of(f, "severity") ? str_of(f, "severity") : "",
			           severity_names[k]))
				continue;
			where = where_text(f);
			fputs("| ", out);
			if (!suppressed) {
				fputs(severity_names[k], out);
				fputs(" | ", out);
			}
			report_md_cell(out, str_of(f, "rule"));
			fputs(" `", out);
			report_md_cell(out, str_of(f, "name"));
			fputs("` | `", out);
			report_md_cell(out, where);
			fputs("` | ", out);
			report_md_cell(out, str_of(f, "message"));
			fputs(" | ", out);
			if (suppressed) {
				report_md_cell(out, str_of(s, "reason"));
				fputs(" | ", out);
				report_md_cell(out, str_of(s, "expires"));
			} else {
				report_md_cell(out, r ? r->fix : "");
			}
			fputs(" |\n", out);
			free(where);
		}
	}
}

static void audit_markdown(FILE *out, const json_t *report)
{
	const json_t *s = json_object_get(report, "summary");
	struct counts c;

	count(report, &c);
	fputs("### driveway audit\n\n", out);
	fprintf(out,
	        "%s **%zu error%s, %zu warning%s, %zu info** (%zu suppressed) in "
	        "%" JSON_INTEGER_FORMAT " domains, %" JSON_INTEGER_FORMAT " products, "
	        "%" JSON_INTEGER_FORMAT " flows\n\n",
	        c.sev[0] ? ":x:" : c.sev[1] ? ":warning:" : ":white_check_mark:", c.sev[0],
	        c.sev[0] == 1 ? "" : "s", c.sev[1], c.sev[1] == 1 ? "" : "s", c.sev[2],
	        c.suppressed, json_integer_value(json_object_get(s, "domains")),
	        json_integer_value(json_object_get(s, "products")),
	        json_integer_value(json_object_get(s, "flows")));
	if (c.sev[0] + c.sev[1] + c.sev[2]) {
		md_findings(out, json_object_get(report, "findings"), 0);
		fputc('\n', out);
	}
	if (c.suppressed) {
		fprintf(out, "<details><summary>%zu suppressed finding%s</summary>\n\n",
		        c.suppressed, c.suppressed == 1 ? "" : "s");
		md_findings(out, json_object_get(report, "suppressed"), 1);
		fputs("\n</details>\n", out);
	}
}

/* ---- SARIF 2.1.0 ---- */

static const char *sarif_level(const char *severity)
{
	int k = severity_index(severity);

	return k == 0 ? "error" : k == 1 ? "warning" : "note";
}

static json_t *text_obj(const char *s)
{
	return xjson(json_pack("{ss}", "text", s ? s : ""));
}

/* The path relative to the current directory when it is below it, percent-encoded as a URI
 * reference (unreserved characters and "/" kept). malloc'd. */
static char *sarif_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	char *cwd = getcwd(NULL, 0);
	struct strbuf b;
	size_t n;

	if (cwd && path[0] == '/' && (n = strlen(cwd)) > 1 && strncmp(path, cwd, n) == 0 &&
	    path[n] == '/')
		path += n + 1;
	free(cwd);
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	strbuf_init(&b);
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p)) {
			strbuf_add(&b, p, 1);
		} else {
			char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
			strbuf_add(&b, e, 3);
		}
	}
	return xstrbuf_detach(&b);
}

static json_t *sarif_rules(void)
{
	json_t *rules = xjson(json_array());

	for (size_t i = 0; i < AUDIT_NRULES; i++) {
		const struct audit_rule *r = &audit_rules[i];
		json_t *o = xjson(json_object());

		json_object_set_new(o, "id", xjson(json_string(r->id)));
		json_object_set_new(o, "name", xjson(json_string(r->name)));
		json_object_set_new(o, "shortDescription", text_obj(r->title));
		json_object_set_new(o, "fullDescription", text_obj(r->rationale));
		json_object_set_new(o, "help", text_obj(r->fix));
		json_object_set_new(o, "defaultConfiguration",
		                    xjson(json_pack("{ss}", "level",
		                                    sarif_level(severity_names[r->severity]))));
		json_object_set_new(o, "properties",
		                    xjson(json_pack("{ss}", "family", r->family ? r->family : "")));
		json_array_append_new(rules, o);
	}
	return rules;
}

static json_t *sarif_result(const json_t *f, int suppressed)
{
	const json_t *loc = json_object_get(f, "location");
	const char *rule = str_of(f, "rule"), *file = str_of(loc, "file");
	const char *product = str_of(loc, "product");
	const struct audit_rule *r = audit_rule_get(rule ? rule : "");
	json_t *res = xjson(json_object()), *l = xjson(json_object());

	json_object_set_new(res, "ruleId", xjson(json_string(rule ? rule : "")));
	if (r)
		json_object_set_new(res, "ruleIndex", xjson(json_integer(r - audit_rules)));
	json_object_set_new(res, "level", xjson(json_string(sarif_level(str_of(f, "severity")))));
	json_object_set_new(res, "message", text_obj(str_of(f, "message")));
	if (file) {
		char *uri = sarif_uri(file);
		json_t *phys = xjson(json_object());

		json_object_set_new(phys, "artifactLocation",
		                    xjson(json_pack("{ss}", "uri", uri)));
		if (json_integer_value(json_object_get(loc, "line")) > 0)
			json_object_set_new(
			    phys, "region",
			    xjson(json_pack("{sOsO}", "startLine", json_object_get(loc, "line"),
			                    "startColumn", json_object_get(loc, "column"))));
		json_object_set_new(l, "physicalLocation", phys);
		free(uri);
	}
	if (product)
		json_object_set_new(l, "logicalLocations",
		                    xjson(json_pack("[{ssss}]", "fullyQualifiedName", product,
		                                    "kind", "module")));
	if (json_object_size(l))
		json_object_set_new(res, "locations", xjson(json_pack("[o]", l)));
	else
		json_decref(l);
	json_object_set_new(res, "properties",
	                    xjson(json_pack("{sOsOsO}", "pointer",
	                                    json_object_get(loc, "pointer") ?
	                                    json_object_get(loc, "pointer") : json_null(),
	                                    "products", json_object_get(f, "products") ?
	                                    json_object_get(f, "products") : json_null(),
	                                    "flows", json_object_get(f, "flows") ?
	                                    json_object_get(f, "flows") : json_null())));
	if (suppressed) {
		const char *reason = str_of(json_object_get(f, "suppression"), "reason");
		json_object_set_new(res, "suppressions",
		                    xjson(json_pack("[{ssss}]", "kind", "external",
		                                    "justification", reason ? reason : "")));
	}
	return res;
}

static json_t *audit_sarif(const json_t *report)
{
	json_t *results = xjson(json_array()), *driver, *run;
	const json_t *f;
	size_t i;

	json_array_foreach(json_object_get(report, "findings"), i, f)
		json_array_append_new(results, sarif_result(f, 0));
	json_array_foreach(json_object_get(report, "suppressed"), i, f)
		json_array_append_new(results, sarif_result(f, 1));
	driver = xjson(json_pack("{ssssssso}", "name", "driveway", "version", DRIVEWAY_VERSION,
	                         "semanticVersion", DRIVEWAY_VERSION, "rules", sarif_rules()));
	run = xjson(json_pack("{s{so}soss}", "tool", "driver", driver, "results", results,
	                      "columnKind", "unicodeCodePoints"));
	return xjson(json_pack("{sssss[o]}", "$schema",
	                       "https://json.schemastore.org/sarif-2.1.0.json", "version",
	                       "2.1.0", "runs", run));
}

/* ---- the command ---- */

struct audit_args {
	int offline;
	const char *config, *now, *severity, *domain, *rule, *output, *fail_on;
	enum audit_form form;
	enum fail_on fail;
	struct audit_filter filter;
};

static int parse_form(const char *name, enum cli_output global, enum audit_form *form)
{
	static const struct {
		const char *name;
		enum audit_form form;
	} forms[] = {{"text", AUDIT_TEXT},         {"table", AUDIT_TEXT}, {"json", AUDIT_JSON},
	             {"markdown", AUDIT_MARKDOWN}, {"sarif", AUDIT_SARIF}};

	if (!name) {
		*form = global == CLI_OUT_JSON ? AUDIT_JSON : AUDIT_TEXT;
		return 0;
	}
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
		if (!strcmp(forms[i].name, name)) {
			*form = forms[i].form;
			return 0;
		}
	return cli_usage_error("audit",
	                       "unknown output format '%s' (expected text, json, markdown or "
	                       "sarif)",
	                       name);
}

static int check_args(struct cli *cli, struct audit_args *a, int npos)
{
	const struct audit_rule *r;
	int rc;

	if ((rc = parse_form(a->output, cli->output, &a->form)))
		return rc;
	if (!a->fail_on || !strcmp(a->fail_on, "error"))
		a->fail = FAIL_ERROR;
	else if (!strcmp(a->fail_on, "warning"))
		a->fail = FAIL_WARNING;
	else if (!strcmp(a->fail_on, "never"))
		a->fail = FAIL_NEVER;
	else
		return cli_usage_error("audit", "unknown --fail-on '%s' (expected error, warning "
		                                "or never)",
		                       a->fail_on);
	if (a->severity && severity_index(a->severity) < 0)
		return cli_usage_error("audit", "unknown severity '%s' (expected error, warning "
		                                "or info)",
		                       a->severity);
	if (a->domain && (rc = cli_slug_check("audit", "domain", a->domain)))
		return rc;
	if (a->rule) {
		if (!(r = audit_rule_get(a->rule)))
			return cli_usage_error("audit", "unknown audit rule '%s' (DW001..DW0%d or "
			                                "a rule name)",
			                       a->rule, AUDIT_NRULES);
		a->filter.rule = r->id;
	}
	a->filter.severity = a->severity;
	a->filter.domain = a->domain;
	if (a->offline && !npos)
		return cli_usage_error("audit", "--offline needs at least one PATH");
	if (!a->offline && npos)
		return cli_usage_error("audit", "paths are only read with --offline (driveway "
		                                "audit --offline PATH...)");
	return 0;
}

static int audit_offline(const struct audit_args *a, int npos, char **pos, json_t **report)
{
	struct landscape l;
	struct audit_report r;
	struct dw_error e;
	char today[16];
	int rc;

	landscape_today(today, sizeof(today));
	rc = landscape_load(&l, npos, pos, a->config, a->now ? a->now : today);
	if (rc == 0) {
		rc = audit_run(l.root, &r, &e);
		if (rc == DW_NOMEM) {
			fprintf(stderr, "fatal: out of memory auditing the landscape\n");
			abort();
		}
		if (rc) {
			fprintf(stderr, "error: %s\n", e.message);
			rc = DW_MALFORMED;
		} else {
			*report = xjson(audit_report_to_json(&r));
			locate_list(&l, json_object_get(*report, "findings"));
			locate_list(&l, json_object_get(*report, "suppressed"));
			filter_report(*report, &a->filter);
		}
		audit_report_release(&r);
	}
	landscape_release(&l);
	return rc;
}

static int audit_server(struct cli *cli, const struct audit_args *a, json_t **report)
{
	char *url = xstrdup("/audit");
	int rc;

	if (a->config)
		fputs("note: --config applies to --offline only; the registry uses its own audit "
		      "config (drivewayd --audit-config)\n",
		      stderr);
	if (a->now)
		fputs("note: --now applies to --offline only; the registry audits as of today\n",
		      stderr);
	client_query_add(&url, "severity", a->filter.severity);
	client_query_add(&url, "domain", a->filter.domain);
	client_query_add(&url, "rule", a->filter.rule);
	rc = cli_call(cli, "GET", url, NULL, report);
	free(url);
	if (rc == 0 && !json_is_array(json_object_get(*report, "findings"))) {
		fprintf(stderr, "error: the registry's audit answer has no findings list\n");
		json_decref(*report);
		*report = NULL;
		rc = DW_INTERNAL;
	}
	return rc;
}

static int audit_verdict(const json_t *report, enum fail_on fail)
{
	struct counts c;

	count(report, &c);
	if (fail == FAIL_ERROR && c.sev[0])
		return DW_INVALID;
	if (fail == FAIL_WARNING && c.sev[0] + c.sev[1])
		return DW_INVALID;
	return 0;
}

int cmd_audit(struct cli *cli, int argc, char **argv)
{
	struct audit_args a;
	char **pos = xcalloc((size_t)argc, sizeof(char *));
	json_t *report = NULL, *sarif;
	int npos, rc;
	const struct cli_opt opts[] = {
	    {"offline", 0, NULL, &a.offline},  {"config", 1, &a.config, NULL},
	    {"now", 1, &a.now, NULL},          {"severity", 1, &a.severity, NULL},
	    {"domain", 1, &a.domain, NULL},    {"rule", 1, &a.rule, NULL},
	    {"output", 1, &a.output, NULL},    {"fail-on", 1, &a.fail_on, NULL},
	    {NULL, 0, NULL, NULL},
	};

	memset(&a, 0, sizeof(a));
	rc = cli_parse("audit", argc, argv, opts, pos, &npos);
	if (rc == 0)
		rc = check_args(cli, &a, npos);
	if (rc == 0)
		rc = a.offline ? audit_offline(&a, npos, pos, &report)
		               : audit_server(cli, &a, &report);
	free(pos);
	if (rc)
		return rc;
	switch (a.form) {
	case AUDIT_TEXT:
		audit_text(stdout, report);
		break;
	case AUDIT_JSON:
		output_json(report);
		break;
	case AUDIT_MARKDOWN:
		audit_markdown(stdout, report);
		break;
	case AUDIT_SARIF:
		sarif = audit_sarif(report);
		output_json(sarif);
		json_decref(sarif);
		break;
	}
	rc = audit_verdict(report, a.fail);
	json_decref(report);
	return rc;
}
