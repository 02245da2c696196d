/*
 * driveway diff OLD NEW: the changes between two contract files and the verdict under a
 * compatibility mode, offline. Each file holds exactly one document; the format is detected
 * from the documents (and an .avsc name) unless --format names it. A .proto file (or --format
 * protobuf) is Protobuf schema text: read as text, its changes located through the AST.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/files.h"
#include "cli/output.h"
#include "cli/report.h"
#include "validators/compat.h"
#include "validators/load.h"
#include "validators/protobuf.h"
#include "validators/xalloc.h"

struct side {
	const char *path;
	struct dw_docset set;
	const struct dw_doc *doc; /* the one document, once loaded */
	enum dw_format fmt;       /* what it is checked as (set before loading for protobuf) */
	json_t *ast;              /* protobuf: the AST its changes are located in, or NULL */
	struct dw_findings errs;  /* why it did not load, or its findings as a contract */
	int rc;
};

/* Loads the one document of s->path into s; s->rc is DW_MALFORMED when it cannot (s->errs say
 * why). Runs on a thread of its own: it only touches s. */
static void *side_load(void *arg)
{
	struct side *s = arg;
	struct dw_error err;
	char *text;
	size_t len;

	if (files_read(s->path, &text, &len, &err) != 0) {
		dw_findings_add_at(&s->errs, DW_SEV_ERROR, NULL, NULL, 0, 0, "", "%s",
		                   err.message);
		s->rc = DW_MALFORMED;
		return NULL;
	}
	if (s->fmt == DW_FMT_PROTOBUF) {
		s->rc = files_text_doc(text, len, &s->set);
		free(text);
		if (s->rc) {
			dw_findings_add_at(&s->errs, DW_SEV_ERROR, NULL, NULL, 0, 0, "",
			                   "contract '%s' is not UTF-8 text", s->path);
			s->rc = DW_MALFORMED;
		} else {
			s->doc = &s->set.docs[0];
		}
		return NULL;
	}
	s->rc = dw_load(text, len, s->path, &s->set, &s->errs);
	free(text);
	if (s->rc == DW_NOMEM || dw_findings_oom(&s->errs)) {
		s->rc = DW_NOMEM;
		return NULL;
	}
	if (dw_findings_errors(&s->errs)) {
		s->rc = DW_MALFORMED;
	} else if (s->set.count != 1) {
		dw_findings_add_at(&s->errs, DW_SEV_ERROR, NULL, s->path,
		                   s->set.count ? s->set.docs[1].line : 1,
		                   s->set.count ? s->set.docs[1].col : 1, "",
		                   "contract file holds %zu documents, expected 1", s->set.count);
		s->rc = DW_MALFORMED;
	} else {
		s->doc = &s->set.docs[0];
	}
	return NULL;
}

static void *side_release(void *arg)
{
	struct side *s = arg;

	dw_docset_release(&s->set);
	dw_findings_release(&s->errs);
	json_decref(s->ast);
	return NULL;
}

/*
 * Runs fn on old and new at once: large contracts (GitHub's description is 12 MB) take most of
 * a diff's time to parse and to free. When no thread can be started both run here.
 */
static void both(void *(*fn)(void *), struct side *old, struct side *new)
{
	pthread_t t;
	int started = pthread_create(&t, NULL, fn, old) == 0;

	if (!started)
		fn(old);
	fn(new);
	if (started)
		pthread_join(t, NULL);
}

/* Loads both files; prints what is wrong with them. Returns 0 or DW_MALFORMED. */
static int load_both(struct side *old, struct side *new)
{
	struct side *sides[] = {old, new};
	int rc = 0;

	both(side_load, old, new);
	for (size_t k = 0; k < 2; k++) {
		const struct side *s = sides[k];
		if (s->rc == DW_NOMEM) {
			fprintf(stderr, "fatal: out of memory loading '%s'\n", s->path);
			abort();
		}
		for (size_t i = 0; i < s->errs.count; i++) {
			if (s->errs.items[i].file)
				output_finding(stderr, &s->errs.items[i]);
			else
				fprintf(stderr, "error: %s\n", s->errs.items[i].message);
		}
		if (s->rc)
			rc = DW_MALFORMED;
	}
	return rc;
}

static const char *str_of(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int avro_primitive(const char *s)
{
	static const char *const names[] = {"null", "boolean", "int",   "long",  "float",
	                                    "double", "bytes", "string"};

	for (size_t i = 0; s && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0)
			return 1;
	return 0;
}

#define FMT_BIT(f) (1u << (f))

/*
 * The formats a document may be (a mask of FMT_BIT): an "openapi" key is OpenAPI; apiVersion
 * v3.x with kind DataContract is a table contract (ODCS); a record, enum or fixed, a union
 * (array), a primitive type name or an .avsc file is Avro; "$schema", "type" or "properties"
 * otherwise is JSON Schema.
 */
static unsigned detect(const char *path, const json_t *root)
{
	const char *type = str_of(root, "type");
	const char *api = str_of(root, "apiVersion");
	unsigned m = 0;

	if (json_is_object(root) && json_object_get(root, "openapi"))
		return FMT_BIT(DW_FMT_OPENAPI);
	if (api && api[0] == 'v' && api[1] == '3' && (api[2] == '.' || !api[2]) &&
	    strcmp(str_of(root, "kind") ? str_of(root, "kind") : "", "DataContract") == 0)
		return FMT_BIT(DW_FMT_ODCS);
	if (ends_with(path, ".avsc") || json_is_array(root) ||
	    avro_primitive(json_string_value(root)) ||
	    (type && (strcmp(type, "record") == 0 || strcmp(type, "enum") == 0 ||
	              strcmp(type, "fixed") == 0 || strcmp(type, "error") == 0)))
		m |= FMT_BIT(DW_FMT_AVRO);
	if (json_is_object(root) && !ends_with(path, ".avsc") &&
	    (json_object_get(root, "$schema") ||
	     (!(m & FMT_BIT(DW_FMT_AVRO)) &&
	      (json_object_get(root, "type") || json_object_get(root, "properties")))))
		m |= FMT_BIT(DW_FMT_JSONSCHEMA);
	return m;
}

/* The one format both documents may be; prints why not and returns DW_UNKNOWN otherwise. */
static enum dw_format detect_both(const struct side *old, const struct side *new)
{
	unsigned a = detect(old->path, old->doc->root), b = detect(new->path, new->doc->root);
	unsigned both = a & b;

	if (both && !(both & (both - 1))) {
		for (int f = DW_FMT_OPENAPI; f <= DW_FMT_ODCS; f++)
			if (both == FMT_BIT(f))
				return (enum dw_format)f;
	}
	if (!a || !b)
		fprintf(stderr,
		        "error: cannot tell the contract format of '%s' (give --format openapi, "
		        "avro, jsonschema, table or protobuf)\n",
		        !a ? old->path : new->path);
	else
		fprintf(stderr,
		        "error: cannot tell which contract format '%s' and '%s' are in (give "
		        "--format openapi, avro, jsonschema, table or protobuf)\n",
		        old->path, new->path);
	return DW_FMT_UNKNOWN;
}

/* --format: every contract format, "table" (or "odcs") being the ODCS table contract. */
static enum dw_format format_parse(const char *name)
{
	return strcmp(name, "table") == 0 ? DW_FMT_ODCS : contract_format_parse(name);
}

/* Structural checks of one side under s->fmt into s->errs (emptied first), located in the
 * file. Runs on a thread of its own like side_load. */
static void *side_validate(void *arg)
{
	struct side *s = arg;

	dw_findings_release(&s->errs);
	dw_findings_init(&s->errs);
	s->rc = contract_validate(s->fmt, s->doc->root, NULL, &s->errs);
	if (s->rc != DW_NOMEM && !dw_findings_oom(&s->errs))
		dw_doc_locate_findings(s->doc, s->path, &s->errs, 0);
	else
		s->rc = DW_NOMEM;
	return NULL;
}

/* Checks both contracts as fmt; prints the findings. Returns 0 or DW_MALFORMED. */
static int validate_both(struct side *old, struct side *new, enum dw_format fmt)
{
	struct side *sides[] = {old, new};
	int rc = 0;

	old->fmt = new->fmt = fmt;
	both(side_validate, old, new);
	for (size_t k = 0; k < 2; k++) {
		const struct side *s = sides[k];
		if (s->rc == DW_NOMEM) {
			fprintf(stderr, "fatal: out of memory checking '%s'\n", s->path);
			abort();
		}
		for (size_t i = 0; i < s->errs.count; i++)
			output_finding(stderr, &s->errs.items[i]);
		if (dw_findings_errors(&s->errs)) {
			fprintf(stderr, "error: '%s' is not a valid %s contract\n", s->path,
			        contract_format_name(fmt));
			rc = DW_MALFORMED;
		}
	}
	return rc;
}

/*
 * A protobuf change's pointer leads into the side's AST (protobuf.h), whose elements carry
 * "line" and "col" in the .proto text: the place is that of the nearest element at or above
 * pointer that has one, else the start of the file.
 */
static void proto_locate(struct side *s, const char *pointer, int *line, int *col)
{
	char *p = xstrdup(pointer);
	char *slash;

	*line = *col = 1;
	if (!s->ast && protobuf_contract_ast(s->doc->root, &s->ast) != 0) {
		free(p);
		return;
	}
	for (;;) {
		const json_t *n = dw_pointer_get(s->ast, p);
		json_int_t l = json_integer_value(json_object_get(n, "line"));

		if (l > 0) {
			*line = (int)l;
			*col = (int)json_integer_value(json_object_get(n, "col"));
			break;
		}
		if (!(slash = strrchr(p, '/')))
			break;
		*slash = '\0';
	}
	free(p);
}

/* Each change is located in the new file when the part exists there, else in the old one. */
static void locate_changes(struct report *r, struct side *old, struct side *new)
{
	for (size_t i = 0; i < r->count; i++) {
		const json_t *ch = json_array_get(r->changes, i);
		const char *np = str_of(ch, "newPointer"), *op = str_of(ch, "oldPointer");
		struct side *s = np ? new : old;
		int line = 0, col = 0;

		if (!np && !op)
			continue;
		if (s->fmt == DW_FMT_PROTOBUF)
			proto_locate(s, np ? np : op, &line, &col);
		else
			dw_doc_locate(s->doc, np ? np : op, &line, &col);
		report_locate(r, i, s->path, line, col);
	}
}

static void print_report(enum cli_output form, const struct report *r)
{
	json_t *o;

	switch (form) {
	case CLI_OUT_JSON:
		o = report_json(r);
		output_json(o);
		json_decref(o);
		break;
	case CLI_OUT_MARKDOWN:
		report_markdown(stdout, r, NULL);
		break;
	case CLI_OUT_GITHUB:
		report_github(stdout, r);
		break;
	case CLI_OUT_TABLE:
		report_text(stdout, r, NULL);
		break;
	}
}

static int diff_run(enum cli_output form, enum dw_format fmt, enum dw_mode mode,
                    struct side *old, struct side *new)
{
	const json_t *earlier = old->doc->root;
	const int version = 0; /* two files: no version numbers */
	struct dw_changes changes;
	struct report r;
	json_t *arr;
	int compatible = 1, rc;

	if (fmt == DW_FMT_UNKNOWN && (fmt = detect_both(old, new)) == DW_FMT_UNKNOWN)
		return DW_USAGE;
	if (validate_both(old, new, fmt))
		return DW_MALFORMED;
	dw_changes_init(&changes);
	rc = compat_check(fmt, mode, new->doc->root, &earlier, &version, 1, &compatible, &changes);
	if (rc == DW_NOMEM || changes.oom) {
		fprintf(stderr, "fatal: out of memory comparing contracts\n");
		abort();
	}
	if (rc) {
		fprintf(stderr, "error: cannot compare '%s' and '%s' as %s contracts\n", old->path,
		        new->path, contract_format_name(fmt));
		dw_changes_release(&changes);
		return DW_MALFORMED;
	}
	arr = xjson(compat_changes_to_json(&changes, mode));
	dw_changes_release(&changes);
	report_init(&r, compat_mode_name(mode), compatible, arr);
	locate_changes(&r, old, new);
	print_report(form, &r);
	report_release(&r);
	json_decref(arr);
	return compatible ? 0 : DW_CONFLICT;
}

int cmd_diff(struct cli *cli, int argc, char **argv)
{
	const char *format = NULL, *mode_name = NULL, *output = NULL;
	const struct cli_opt opts[] = {{"format", 1, &format, NULL},
	                               {"mode", 1, &mode_name, NULL},
	                               {"output", 1, &output, NULL},
	                               {NULL, 0, NULL, NULL}};
	char **pos = xcalloc((size_t)argc, sizeof(char *));
	enum dw_format fmt = DW_FMT_UNKNOWN;
	enum dw_mode mode = DW_MODE_BACKWARD;
	enum cli_output form = cli->output;
	struct side old, new;
	int npos, rc;

	rc = cli_parse("diff", argc, argv, opts, pos, &npos);
	if (rc == 0 && npos != 2)
		rc = cli_usage_error("diff", "expected two contract files, OLD and NEW");
	if (rc == 0 && format && (fmt = format_parse(format)) == DW_FMT_UNKNOWN)
		rc = cli_usage_error(
		    "diff",
		    "unknown contract format '%s' (openapi, avro, jsonschema, table, protobuf)",
		    format);
	if (rc == 0 && mode_name)
		rc = report_mode_parse("diff", mode_name, &mode);
	if (rc == 0 && output)
		rc = cli_output_parse("diff", output, CLI_OUTS_REPORT, &form);
	memset(&old, 0, sizeof(old));
	memset(&new, 0, sizeof(new));
	dw_findings_init(&old.errs);
	dw_findings_init(&new.errs);
	if (rc == 0) {
		old.path = pos[0];
		new.path = pos[1];
		if (fmt == DW_FMT_UNKNOWN &&
		    (ends_with(old.path, ".proto") || ends_with(new.path, ".proto")))
			fmt = DW_FMT_PROTOBUF;
		old.fmt = new.fmt = fmt;
		rc = load_both(&old, &new);
	}
	if (rc == 0)
		rc = diff_run(form, fmt, mode, &old, &new);
	both(side_release, &old, &new);
	free(pos);
	return rc;
}
