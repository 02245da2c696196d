/*
 * driveway register PATH...: validates like `validate`, then sends domains, products and
 * contract versions to the registry in dependency order, one line per object.
 *
 * A product's version history folder (inputs.h; what `driveway export` writes) is replayed
 * before its descriptor's contract: its versions are posted oldest first, under the product's
 * compatibility mode as registered, so that a registry re-created from an export has every
 * version in order. The server answers an identical contract with the version that has it
 * ("unchanged"), so a re-run adds nothing. The history is replayed only while the registry's
 * versions of the product are a beginning of it (none, after a restore; some, after a run that
 * stopped half-way): when they went another way, earlier versions posted now would land after
 * newer ones, so the history is left out with a warning and only the descriptor's contract is
 * registered, as without a history folder.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "cli/inputs.h"
#include "cli/output.h"
#include "validators/contract.h"
#include "validators/xalloc.h"

struct reg {
	struct cli *cli;
	struct inputs *in;
	json_t *results; /* what was done, for --output json */
	json_t *known;   /* domain name -> true: in the inputs or seen in the registry */
};

/* The file an outcome of d is told about: a history version's own, else the descriptor. */
static const char *doc_file(const struct input_doc *d)
{
	return d->version ? d->contract_file : d->file->path;
}

/* Records and (for tables) prints one outcome. version 0 for domains and products. */
static void report(struct reg *r, const char *kind, const char *name, long version,
                   const char *result, const struct input_doc *d)
{
	json_t *o = xjson(json_object());

	json_object_set_new(o, "kind", xjson(json_string(kind)));
	json_object_set_new(o, "name", xjson(json_string(name)));
	if (version > 0)
		json_object_set_new(o, "version", xjson(json_integer(version)));
	json_object_set_new(o, "result", xjson(json_string(result)));
	json_object_set_new(o, "file", xjson(json_string(doc_file(d))));
	json_array_append_new(r->results, o);
	if (r->cli->output == CLI_OUT_TABLE) {
		if (version > 0)
			printf("%s %s@%ld: %s\n", kind, name, version, result);
		else
			printf("%s %s: %s\n", kind, name, result);
		fflush(stdout);
	}
}

/* What a write did: the Driveway-Result header, else 201 created / 200 updated. */
static const char *write_result(const struct client_response *resp, int repeat_is_unchanged)
{
	const char *h = resp->result;

	if (h &&
	    (strcmp(h, "created") == 0 || strcmp(h, "updated") == 0 || strcmp(h, "unchanged") == 0))
		return h;
	if (resp->status == 201)
		return "created";
	return repeat_is_unchanged ? "unchanged" : "updated";
}

/*
 * Prints a refused write of d with the server's findings located in the files they came from,
 * and returns the code matching the status.
 */
static int fail(const struct client_response *resp, const struct input_doc *d, int version_body,
                const char *what)
{
	json_t *problem = client_response_json(resp);
	json_t *errors = json_object_get(problem, "errors");
	char detail[1024];
	size_t i;
	json_t *e;

	if (!json_is_object(problem) || !json_is_array(errors) || !json_array_size(errors)) {
		char *ctx = xasprintf("%s: %s", doc_file(d), what);
		int rc = client_fail(resp, ctx);
		free(ctx);
		json_decref(problem);
		return rc;
	}
	client_problem_detail(resp, problem, detail, sizeof(detail));
	fprintf(stderr, "error: %s: %s: ", doc_file(d), what);
	output_safe(stderr, detail);
	fputc('\n', stderr);
	json_array_foreach(errors, i, e)
	{
		const char *p = json_string_value(json_object_get(e, "pointer"));
		const char *m = json_string_value(json_object_get(e, "message"));
		struct dw_finding f;
		char *shown;

		memset(&f, 0, sizeof(f));
		f.severity = DW_SEV_ERROR;
		shown = inputs_locate(d, version_body, p ? p : "", (const char **)&f.file, &f.line,
		                      &f.col);
		f.pointer = shown;
		f.message = (char *)(m ? m : "invalid");
		output_finding(stderr, &f);
		free(shown);
	}
	json_decref(problem);
	client_hint(resp);
	return dw_code_from_http((int)resp->status);
}

static int put_domain(struct reg *r, const struct input_doc *d)
{
	struct client_response resp;
	char *seg = client_escape(d->domain);
	char *path = xasprintf("/domains/%s", seg);
	char *what = xasprintf("domain %s", d->domain);
	int rc = cli_send(r->cli, "PUT", path, d->doc->root, &resp);

	if (rc == 0) {
		if (client_ok(&resp))
			report(r, "domain", d->domain, 0, write_result(&resp, 0), d);
		else
			rc = fail(&resp, d, 0, what);
		client_response_release(&resp);
	}
	json_object_set_new(r->known, d->domain, json_true());
	free(what);
	free(path);
	free(seg);
	return rc;
}

/* Makes sure the domain of product d exists, creating a minimal one when the registry lacks
 * it and the inputs do not define it. */
static int ensure_domain(struct reg *r, const struct input_doc *d)
{
	struct client_response resp;
	char *seg, *path, *what;
	json_t *doc;
	int rc;

	if (json_object_get(r->known, d->domain))
		return 0;
	memset(&resp, 0, sizeof(resp));
	seg = client_escape(d->domain);
	path = xasprintf("/domains/%s", seg);
	what = xasprintf("domain %s", d->domain);
	rc = cli_send(r->cli, "GET", path, NULL, &resp);
	if (rc == 0 && resp.status == 404) {
		client_response_release(&resp);
		doc = xjson(json_pack("{s:s, s:s, s:{s:s}, s:{s:s, s:s}}", "apiVersion",
		                      "driveway/v1", "kind", "Domain", "metadata", "name",
		                      d->domain, "spec", "title", d->domain, "owner", d->owner));
		rc = cli_send(r->cli, "PUT", path, doc, &resp);
		json_decref(doc);
		if (rc == 0) {
			char *ctx = xasprintf("%s: %s", d->file->path, what);
			/* The body was built here, so the answer's pointers are not in the file. */
			if (client_ok(&resp))
				report(r, "domain", d->domain, 0, write_result(&resp, 0), d);
			else
				rc = client_fail(&resp, ctx);
			free(ctx);
		}
	} else if (rc == 0 && !client_ok(&resp)) {
		rc = fail(&resp, d, 0, what);
	}
	if (rc == 0)
		json_object_set_new(r->known, d->domain, json_true());
	client_response_release(&resp);
	free(what);
	free(path);
	free(seg);
	return rc;
}

static int put_product(struct reg *r, const struct input_doc *d, const char *base, const char *ref)
{
	struct client_response resp;
	json_t *doc = xjson(json_deep_copy(d->doc->root));
	json_t *spec = json_object_get(doc, "spec");
	json_t *contract = json_object_get(spec, "contract");
	char *what = xasprintf("product %s", ref);
	int rc;

	/* The registry keeps only the format; the contract itself goes in as a version. */
	if (json_is_object(contract)) {
		json_t *reduced = xjson(json_object());
		json_object_set(reduced, "format", json_object_get(contract, "format"));
		json_object_set_new(spec, "contract", reduced);
	}
	rc = cli_send(r->cli, "PUT", base, doc, &resp);
	json_decref(doc);
	if (rc == 0) {
		if (client_ok(&resp))
			report(r, "product", ref, 0, write_result(&resp, 0), d);
		else
			rc = fail(&resp, d, 0, what);
		client_response_release(&resp);
	}
	free(what);
	return rc;
}

static int post_version(struct reg *r, const struct input_doc *d, const char *base, const char *ref)
{
	struct client_response resp;
	json_t *body = xjson(json_object());
	char *path = xasprintf("%s/versions", base);
	char *what = d->version ? xasprintf("history version %ld of %s", d->version, ref)
	                        : xasprintf("version of %s", ref);
	int rc;

	json_object_set_new(body, "format", xjson(json_string(contract_format_name(d->format))));
	json_object_set(body, "contract", (json_t *)d->contract);
	/* a history version keeps its number (an export's numbers may have gaps) */
	if (d->version > 0)
		json_object_set_new(body, "version", xjson(json_integer(d->version)));
	rc = cli_send(r->cli, "POST", path, body, &resp);
	json_decref(body);
	if (rc == 0) {
		if (client_ok(&resp)) {
			json_t *v = client_response_json(&resp);
			json_int_t n = json_integer_value(json_object_get(v, "version"));
			report(r, "version", ref, (long)n,
			       resp.status == 201 ? "created" : write_result(&resp, 1), d);
			json_decref(v);
		} else {
			rc = fail(&resp, d, 1, what);
		}
		client_response_release(&resp);
	}
	free(what);
	free(path);
	return rc;
}

/*
 * The index of the first of d's history versions that the registry holds another contract or
 * number at (the registry's versions in order against the history's, by fingerprint and
 * number), or d->nhistory
 * when the registry's versions are a beginning of the history or the history of them.
 */
static size_t history_fork(const struct input_doc *d, const json_t *have)
{
	size_t i;

	for (i = 0; i < d->nhistory && i < json_array_size(have); i++) {
		const struct input_doc *h = &d->history[i];
		const char *fp =
		    json_string_value(json_object_get(json_array_get(have, i), "fingerprint"));
		char mine[72];
		if (contract_fingerprint(h->format, h->contract, mine) != 0) {
			fprintf(stderr, "fatal: out of memory fingerprinting a contract\n");
			abort();
		}
		if (!fp || strcmp(fp, mine) != 0 ||
		    json_integer_value(json_object_get(json_array_get(have, i), "version")) !=
		        (json_int_t)h->version)
			return i;
	}
	return d->nhistory;
}

/* Posts d's history versions, oldest first, unless the registry's versions went another way
 * (see the top of this file). */
static int replay_history(struct reg *r, const struct input_doc *d, const char *base,
                          const char *ref)
{
	char *path = xasprintf("%s/versions?limit=500", base);
	json_t *have = NULL;
	size_t fork;
	int rc = cli_get_items(r->cli, path, &have);

	free(path);
	if (rc)
		return rc;
	fork = history_fork(d, have);
	if (fork < d->nhistory) {
		json_int_t n =
		    json_integer_value(json_object_get(json_array_get(have, fork), "version"));
		fprintf(stderr,
		        "warning: %s: version history of %s not replayed: the registry's version "
		        "%" JSON_INTEGER_FORMAT " differs from '%s'\n",
		        d->history_dir, ref, n, d->history[fork].contract_file);
	}
	for (size_t i = 0; fork == d->nhistory && i < d->nhistory && rc == 0; i++)
		rc = post_version(r, &d->history[i], base, ref);
	json_decref(have);
	return rc;
}

static int register_product(struct reg *r, const struct input_doc *d)
{
	struct cli_ref ref;
	char *name, *base;
	int rc;

	memset(&ref, 0, sizeof(ref));
	snprintf(ref.domain, sizeof(ref.domain), "%s", d->domain);
	snprintf(ref.product, sizeof(ref.product), "%s", d->name);
	name = xasprintf("%s/%s", d->domain, d->name);
	base = cli_product_path(&ref, NULL);
	rc = ensure_domain(r, d);
	if (rc == 0)
		rc = put_product(r, d, base, name);
	if (rc == 0 && d->nhistory)
		rc = replay_history(r, d, base, name);
	if (rc == 0 && d->contract)
		rc = post_version(r, d, base, name);
	free(base);
	free(name);
	return rc;
}

int cmd_register(struct cli *cli, int argc, char **argv)
{
	char **pos = xcalloc((size_t)argc, sizeof(char *));
	struct inputs in;
	struct reg r;
	int npos, rc;

	rc = cli_parse("register", argc, argv, NULL, pos, &npos);
	if (rc == 0 && npos == 0)
		rc = cli_usage_error("register", "no descriptor file or folder given");
	rc = inputs_load_args(&in, rc, npos, pos);
	if (rc)
		return rc;
	rc = inputs_report(&in, 0);
	if (rc) {
		fprintf(stderr, "error: nothing registered\n");
		inputs_release(&in);
		return rc;
	}
	r.cli = cli;
	r.in = &in;
	r.results = xjson(json_array());
	r.known = xjson(json_object());
	for (size_t i = 0; i < in.ndocs && rc == 0; i++)
		if (in.docs[i].kind == DW_DESC_DOMAIN)
			rc = put_domain(&r, &in.docs[i]);
	for (size_t i = 0; i < in.ndocs && rc == 0; i++)
		if (in.docs[i].kind == DW_DESC_PRODUCT)
			rc = register_product(&r, &in.docs[i]);
	if (cli->output == CLI_OUT_JSON)
		output_json(r.results);
	json_decref(r.results);
	json_decref(r.known);
	inputs_release(&in);
	return rc;
}
