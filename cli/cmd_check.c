/*
 * driveway check DESCRIPTOR...: for each product with a contract, asks the registry whether
 * the contract may be registered (POST .../compatibility-checks, a dry run of a version POST)
 * and shows the verdict, the changes located in the contract files, and the registered
 * consumers each breaking change reaches. The descriptors are validated first, exactly as
 * `validate` does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "cli/inputs.h"
#include "cli/output.h"
#include "cli/report.h"
#include "validators/xalloc.h"

enum outcome { CHECKED, NEW_PRODUCT, NO_CONTRACT, FAILED };

struct product_check {
	const struct input_doc *d;
	char *name; /* "domain/product" */
	enum outcome outcome;
	json_t *answer; /* the registry's answer when CHECKED */
	struct report report;
};

struct check {
	struct cli *cli;
	enum cli_output form;
	const char *mode; /* --mode, normalised; NULL for each product's own */
	int fail_on_impacted;
	struct product_check *items;
	size_t count;
};

/* A 404 from the check: the product is not registered (nothing to compare), or the registry
 * does not know the route. */
static int not_found(struct check *c, struct product_check *p, const char *base,
                     const struct client_response *answer)
{
	struct client_response resp;
	int rc = cli_send(c->cli, "GET", base, NULL, &resp);

	if (rc)
		return rc;
	if (resp.status == 404) {
		p->outcome = NEW_PRODUCT;
	} else {
		char *ctx = xasprintf("%s: %s: compatibility check", p->d->file->path, p->name);
		rc = client_fail(answer, ctx);
		fprintf(stderr, "hint: the registry at %s may predate compatibility checks\n",
		        client_server(cli_client(c->cli)));
		free(ctx);
		rc = DW_INTERNAL;
	}
	client_response_release(&resp);
	return rc;
}

/* Locates every change of the answer in the contract file (or the descriptor, inline). A part
 * only the registered version has is shown at its nearest ancestor in the new contract. */
static void locate(struct product_check *p)
{
	struct report *r = &p->report;

	for (size_t i = 0; i < r->count; i++) {
		const json_t *ch = json_array_get(r->changes, i);
		const char *ptr = report_change_pointer(ch);
		char *body_ptr = xasprintf("/contract%s", ptr);
		const char *file;
		int line, col;
		char *shown = inputs_locate(p->d, 1, body_ptr, &file, &line, &col);

		report_locate(r, i, file, line, col);
		free(shown);
		free(body_ptr);
	}
}

static int check_product(struct check *c, struct product_check *p)
{
	struct client_response resp;
	struct cli_ref ref;
	json_t *body, *changes;
	char *base, *path;
	int rc;

	memset(&ref, 0, sizeof(ref));
	snprintf(ref.domain, sizeof(ref.domain), "%s", p->d->domain);
	snprintf(ref.product, sizeof(ref.product), "%s", p->d->name);
	base = cli_product_path(&ref, NULL);
	path = xasprintf("%s/compatibility-checks", base);
	body = xjson(json_object());
	json_object_set_new(body, "format", xjson(json_string(contract_format_name(p->d->format))));
	json_object_set(body, "contract", (json_t *)p->d->contract);
	if (c->mode)
		json_object_set_new(body, "mode", xjson(json_string(c->mode)));
	rc = cli_send(c->cli, "POST", path, body, &resp);
	json_decref(body);
	if (rc == 0) {
		if (resp.status == 404) {
			rc = not_found(c, p, base, &resp);
		} else if (!client_ok(&resp)) {
			char *ctx = xasprintf("%s: %s", p->d->file->path, p->name);
			rc = client_fail(&resp, ctx);
			client_hint(&resp);
			free(ctx);
			if (rc == DW_INVALID) /* the registry refused the contract: bad input */
				rc = DW_MALFORMED;
		} else if (!(p->answer = client_response_json(&resp)) ||
		           !(changes = json_object_get(p->answer, "changes")) ||
		           !json_is_array(changes) ||
		           !json_is_boolean(json_object_get(p->answer, "compatible"))) {
			fprintf(stderr, "error: %s: the registry's answer to POST %s is not a "
			                "compatibility verdict\n",
			        p->name, path);
			rc = DW_INTERNAL;
		} else {
			const char *mode = json_string_value(json_object_get(p->answer, "mode"));
			int ok = json_is_true(json_object_get(p->answer, "compatible"));
			p->outcome = CHECKED;
			report_init(&p->report, mode ? mode : "?", ok, changes);
			p->report.product = p->name;
			p->report.impact = json_object_get(p->answer, "impact");
			if (!json_is_array(p->report.impact))
				p->report.impact = NULL;
			p->report.against = json_object_get(p->answer, "against");
			if (!json_is_array(p->report.against))
				p->report.against = NULL;
			locate(p);
		}
		client_response_release(&resp);
	}
	if (rc)
		p->outcome = FAILED;
	free(path);
	free(base);
	return rc;
}

/* What the contract was compared with: "against version 3", "against 2 versions (1 to 2)",
 * "identical to version 2" (the registry answers with the version a contract equals), or "no
 * version registered yet" (malloc'd). */
static char *against_text(const json_t *answer, const json_t *against)
{
	size_t n = json_array_size(against);
	json_int_t first = json_integer_value(json_array_get(against, 0));
	json_int_t last = json_integer_value(json_array_get(against, n ? n - 1 : 0));
	const json_t *same = json_object_get(answer, "version");

	if (n == 0 && json_is_integer(same))
		return xasprintf("identical to version %lld", (long long)json_integer_value(same));
	if (n == 0)
		return xstrdup("no version registered yet");
	if (n == 1)
		return xasprintf("against version %lld", (long long)first);
	if (first > last) {
		json_int_t t = first;
		first = last;
		last = t;
	}
	return xasprintf("against %zu versions (%lld to %lld)", n, (long long)first,
	                 (long long)last);
}

static int impacted(const struct product_check *p)
{
	return p->outcome == CHECKED && json_array_size(p->report.impact) > 0;
}

static int failing(const struct check *c, const struct product_check *p)
{
	if (p->outcome != CHECKED)
		return 0;
	return c->fail_on_impacted ? impacted(p) : !p->report.compatible;
}

static const char *outcome_note(enum outcome o)
{
	return o == NEW_PRODUCT ? "new product, nothing to compare"
	                        : o == NO_CONTRACT ? "no contract, nothing to compare" : NULL;
}

static void print_text(const struct check *c)
{
	size_t checked = 0, incompatible = 0, reach = 0;

	for (size_t i = 0; i < c->count; i++) {
		const struct product_check *p = &c->items[i];
		char *prefix, *against;
		if (outcome_note(p->outcome)) {
			printf("%s: %s\n", p->name, outcome_note(p->outcome));
			continue;
		}
		if (p->outcome != CHECKED)
			continue;
		checked++;
		incompatible += !p->report.compatible;
		reach += impacted(p);
		against = against_text(p->answer, p->report.against);
		prefix = xasprintf("%s (%s): ", p->name, against);
		report_text(stdout, &p->report, prefix);
		free(prefix);
		free(against);
	}
	printf("checked %zu product%s: %zu incompatible, %zu reaching registered consumers\n",
	       checked, checked == 1 ? "" : "s", incompatible, reach);
}

static void print_markdown(const struct check *c)
{
	size_t fail = 0;

	for (size_t i = 0; i < c->count; i++)
		fail += failing(c, &c->items[i]);
	printf("## driveway check: %s\n\n",
	       fail ? "contract changes break the registry's compatibility rules"
	            : "no blocking contract change");
	for (size_t i = 0; i < c->count; i++) {
		const struct product_check *p = &c->items[i];
		if (outcome_note(p->outcome))
			printf("### %s\n\n%s.\n\n", p->name, outcome_note(p->outcome));
		else if (p->outcome == CHECKED)
			report_markdown(stdout, &p->report, p->name);
	}
}

static void print_json(const struct check *c, int ok)
{
	json_t *out = xjson(json_object());
	json_t *arr = xjson(json_array());

	for (size_t i = 0; i < c->count; i++) {
		const struct product_check *p = &c->items[i];
		json_t *o;
		if (p->outcome == CHECKED) {
			o = report_json(&p->report);
		} else {
			o = xjson(json_object());
			json_object_set_new(o, "product", xjson(json_string(p->name)));
		}
		json_object_set_new(o, "status",
		                    xjson(json_string(p->outcome == CHECKED       ? "checked"
		                                      : p->outcome == NEW_PRODUCT ? "new"
		                                      : p->outcome == NO_CONTRACT ? "no-contract"
		                                                                  : "failed")));
		json_array_append_new(arr, o);
	}
	json_object_set_new(out, "ok", json_boolean(ok));
	json_object_set_new(out, "failOn",
	                    xjson(json_string(c->fail_on_impacted ? "impacted" : "breaking")));
	json_object_set_new(out, "products", arr);
	output_json(out);
	json_decref(out);
}

static void print_github(const struct check *c)
{
	for (size_t i = 0; i < c->count; i++)
		if (c->items[i].outcome == CHECKED)
			report_github(stdout, &c->items[i].report);
}

/* Checks every product; the worst failure wins: registry (3) over bad input (2) over a
 * refusal (1). */
static int check_all(struct check *c, const struct inputs *in)
{
	int worst = 0;

	c->items = xcalloc(in->ndocs + 1, sizeof(*c->items));
	for (size_t i = 0; i < in->ndocs; i++) {
		const struct input_doc *d = &in->docs[i];
		struct product_check *p;
		int rc;
		if (d->kind != DW_DESC_PRODUCT)
			continue;
		p = &c->items[c->count++];
		p->d = d;
		p->name = xasprintf("%s/%s", d->domain, d->name);
		if (!d->contract) {
			p->outcome = NO_CONTRACT;
			continue;
		}
		rc = check_product(c, p);
		if (rc == DW_UNAVAILABLE)
			return rc;
		if (rc && dw_code_exit(rc) > dw_code_exit(worst))
			worst = rc;
	}
	return worst;
}

int cmd_check(struct cli *cli, int argc, char **argv)
{
	const char *mode = NULL, *fail_on = NULL, *output = NULL;
	const struct cli_opt opts[] = {{"mode", 1, &mode, NULL},
	                               {"fail-on", 1, &fail_on, NULL},
	                               {"output", 1, &output, NULL},
	                               {NULL, 0, NULL, NULL}};
	char **pos = xcalloc((size_t)argc, sizeof(char *));
	struct check c;
	struct inputs in;
	enum dw_mode m;
	int npos, rc, fail = 0;

	memset(&c, 0, sizeof(c));
	c.cli = cli;
	c.form = cli->output;
	rc = cli_parse("check", argc, argv, opts, pos, &npos);
	if (rc == 0 && npos == 0)
		rc = cli_usage_error("check", "no descriptor file or folder given");
	if (rc == 0 && mode && (rc = report_mode_parse("check", mode, &m)) == 0)
		c.mode = compat_mode_name(m);
	if (rc == 0 && fail_on) {
		if (strcmp(fail_on, "impacted") == 0)
			c.fail_on_impacted = 1;
		else if (strcmp(fail_on, "breaking") != 0)
			rc = cli_usage_error("check", "unknown --fail-on '%s' (breaking, impacted)",
			                     fail_on);
	}
	if (rc == 0 && output)
		rc = cli_output_parse("check", output, CLI_OUTS_REPORT, &c.form);
	rc = inputs_load_args(&in, rc, npos, pos);
	if (rc)
		return rc;
	if (inputs_report(&in, 0)) {
		fprintf(stderr, "error: nothing checked\n");
		inputs_release(&in);
		return DW_MALFORMED;
	}
	rc = check_all(&c, &in);
	for (size_t i = 0; i < c.count; i++)
		fail |= failing(&c, &c.items[i]);
	if (rc != DW_UNAVAILABLE) {
		if (c.form == CLI_OUT_JSON)
			print_json(&c, !fail && !rc);
		else if (c.form == CLI_OUT_MARKDOWN)
			print_markdown(&c);
		else if (c.form == CLI_OUT_GITHUB)
			print_github(&c);
		else
			print_text(&c);
	}
	for (size_t i = 0; i < c.count; i++) {
		if (c.items[i].outcome == CHECKED)
			report_release(&c.items[i].report);
		json_decref(c.items[i].answer);
		free(c.items[i].name);
	}
	free(c.items);
	inputs_release(&in);
	if (rc)
		return rc;
	return fail ? DW_CONFLICT : 0;
}
