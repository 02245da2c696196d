#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/files.h"
#include "cli/inputs.h"
#include "cli/output.h"
#include "validators/xalloc.h"

static const char *str_at(const json_t *root, const char *pointer)
{
	return json_string_value(dw_pointer_get(root, pointer));
}

/* A document that says it is a driveway descriptor (of any version: a wrong one is reported). */
static int looks_like_descriptor(const json_t *root)
{
	const char *v = json_string_value(json_object_get(root, "apiVersion"));

	return v && strncmp(v, "driveway/", 9) == 0;
}

/* A text that does not parse is still ours when it names the descriptor format. */
static int mentions_driveway(const char *text, size_t len)
{
	static const char needle[] = "driveway/";
	size_t n = sizeof(needle) - 1;

	for (size_t i = 0; i + n <= len; i++)
		if (text[i] == 'd' && memcmp(text + i, needle, n) == 0)
			return 1;
	return 0;
}

static struct input_doc *doc_add(struct inputs *in)
{
	struct input_doc *d;

	if (in->ndocs == in->alloc) {
		in->alloc = in->alloc ? 2 * in->alloc : 16;
		in->docs = xrealloc(in->docs, in->alloc * sizeof(*in->docs));
	}
	d = &in->docs[in->ndocs++];
	memset(d, 0, sizeof(*d));
	d->format = DW_FMT_UNKNOWN;
	return d;
}

/* Adds a finding located at pointer inside doc of file. */
static void add_located(struct dw_findings *f, const struct dw_doc *doc, const char *file,
                        const char *pointer, const char *msg)
{
	int line = 0, col = 0;

	if (doc)
		dw_doc_locate(doc, pointer, &line, &col);
	dw_findings_add_at(f, DW_SEV_ERROR, NULL, file, line, col, pointer, "%s", msg);
}

/* 1 when path has a ".." component. */
static int has_dotdot(const char *path)
{
	const char *p = path;

	while (*p) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 1;
		p += n;
		while (*p == '/')
			p++;
	}
	return 0;
}

/*
 * Resolves spec.contract.path of d inside the descriptor's folder and loads it. Findings for the
 * path itself are located in the descriptor; the contract's own in the contract file.
 */
static void load_contract_file(struct inputs *in, struct input_doc *d, const char *rel)
{
	static const char *where = "/spec/contract/path";
	char *dir = files_dirname(d->file->path);
	char *display = xasprintf("%s/%s", dir, rel);
	char *base = NULL, *real = NULL, *text = NULL, *msg = NULL;
	struct dw_error err;
	size_t len, from, blen;

	if (strcmp(dir, ".") == 0) {
		free(display);
		display = xstrdup(rel);
	}
	if (!rel[0] || rel[0] == '/') {
		msg = xasprintf("contract path '%s' must be relative to the descriptor's folder",
		                rel);
		goto fail;
	}
	if (has_dotdot(rel)) {
		msg = xasprintf("contract path '%s' may not leave the descriptor's folder", rel);
		goto fail;
	}
	base = realpath(dir, NULL);
	real = realpath(display, NULL);
	if (!base || !real) {
		msg = xasprintf("cannot read contract '%s': %s", display, strerror(errno));
		goto fail;
	}
	blen = strlen(base);
	if (!(strcmp(base, "/") == 0 || (strncmp(real, base, blen) == 0 && real[blen] == '/'))) {
		msg = xasprintf("contract path '%s' leaves the descriptor's folder (it resolves "
		                "to '%s')",
		                rel, real);
		goto fail;
	}
	if (files_read(display, &text, &len, &err) != 0) {
		msg = xasprintf("%s", err.message);
		goto fail;
	}
	if (d->format == DW_FMT_PROTOBUF) {
		/* .proto text, sent as a JSON string; the parser's findings carry line:col in it */
		in->ncontracts++;
		if (files_text_doc(text, len, &d->contract_set) != 0) {
			msg = xasprintf("contract '%s' is not UTF-8 text", display);
			goto fail;
		}
		d->contract_file = display;
		display = NULL;
		d->contract_doc = &d->contract_set.docs[0];
		d->contract = d->contract_doc->root;
		d->contract_base = "";
		goto done;
	}
	from = in->findings.count;
	if (dw_load(text, len, display, &d->contract_set, &in->findings) == DW_NOMEM) {
		fprintf(stderr, "fatal: out of memory loading '%s'\n", display);
		abort();
	}
	in->ncontracts++;
	if (d->contract_set.count != 1) {
		if (in->findings.count == from)
			dw_findings_add_at(&in->findings, DW_SEV_ERROR, NULL, display,
			                   d->contract_set.count ? d->contract_set.docs[1].line : 1,
			                   d->contract_set.count ? d->contract_set.docs[1].col : 1,
			                   "", "contract file holds %zu documents, expected 1",
			                   d->contract_set.count);
	} else {
		d->contract_file = display;
		display = NULL;
		d->contract_doc = &d->contract_set.docs[0];
		d->contract = d->contract_doc->root;
		d->contract_base = "";
	}
	goto done;
fail:
	add_located(&in->findings, d->doc, d->file->path, where, msg);
done:
	free(msg);
	free(text);
	free(real);
	free(base);
	free(display);
	free(dir);
}

/* 1 when findings [from, count) already hold one at pointer. */
static int has_finding_at(const struct dw_findings *f, size_t from, const char *pointer)
{
	for (size_t i = from; i < f->count; i++)
		if (strcmp(f->items[i].pointer, pointer) == 0)
			return 1;
	return 0;
}

/* Checks the contract of product document d (spec.contract), wherever it is. Findings from
 * index doc_from on are the document's own: a path already refused there is not read. */
static void check_contract(struct inputs *in, struct input_doc *d, size_t doc_from)
{
	const json_t *c = dw_pointer_get(d->doc->root, "/spec/contract");
	const json_t *inl = json_object_get(c, "inline");
	const char *path = json_string_value(json_object_get(c, "path"));
	const char *fmt = json_string_value(json_object_get(c, "format"));
	size_t from;

	if (!json_is_object(c) || !fmt)
		return;
	d->format = contract_format_parse(fmt);
	if (d->format == DW_FMT_UNKNOWN)
		return; /* descriptor_validate has said so */
	if (path && !inl) {
		if (has_finding_at(&in->findings, doc_from, "/spec/contract/path"))
			return;
		load_contract_file(in, d, path);
		if (!d->contract_doc)
			return;
	} else if (inl && !path) {
		d->contract = inl;
		d->contract_doc = d->doc;
		d->contract_base = "/spec/contract/inline";
		in->ncontracts++;
	} else {
		return; /* neither or both: a descriptor finding already */
	}
	from = in->findings.count;
	if (contract_validate(d->format, d->contract, d->contract_base, &in->findings) ==
	    DW_NOMEM) {
		fprintf(stderr, "fatal: out of memory checking a contract\n");
		abort();
	}
	dw_doc_locate_findings(d->contract_doc, d->contract_file ? d->contract_file : d->file->path,
	                       &in->findings, from);
}

static void check_document(struct inputs *in, const struct input_file *file,
                           const struct dw_doc *doc)
{
	struct input_doc *d = doc_add(in);
	size_t from = in->findings.count;

	d->file = file;
	d->doc = doc;
	if (descriptor_validate(doc->root, 1, &in->findings) == DW_NOMEM) {
		fprintf(stderr, "fatal: out of memory validating '%s'\n", file->path);
		abort();
	}
	dw_doc_locate_findings(doc, file->path, &in->findings, from);
	d->kind = descriptor_kind(doc->root);
	if (d->kind == DW_DESC_DOMAIN) {
		d->domain = str_at(doc->root, "/metadata/name");
		d->owner = str_at(doc->root, "/spec/owner");
	} else if (d->kind == DW_DESC_PRODUCT) {
		d->domain = str_at(doc->root, "/metadata/domain");
		d->name = str_at(doc->root, "/metadata/name");
		d->owner = str_at(doc->root, "/metadata/owner");
		check_contract(in, d, from);
	}
}

/* Orders documents by kind, domain, name, then input order, so that duplicates are adjacent
 * and the first definition comes first. */
static int cmp_doc_key(const void *pa, const void *pb)
{
	const struct input_doc *a = *(const struct input_doc *const *)pa;
	const struct input_doc *b = *(const struct input_doc *const *)pb;
	int c;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if ((c = strcmp(a->domain, b->domain)))
		return c;
	if (a->kind == DW_DESC_PRODUCT && (c = strcmp(a->name, b->name)))
		return c;
	return a < b ? -1 : a > b;
}

/* The same domain or product defined twice across the inputs: sorted, so O(n log n). */
static void check_duplicates(struct inputs *in)
{
	const struct input_doc **v = xcalloc(in->ndocs, sizeof(*v));
	size_t n = 0;

	for (size_t i = 0; i < in->ndocs; i++) {
		const struct input_doc *d = &in->docs[i];
		if (d->domain &&
		    (d->kind == DW_DESC_DOMAIN || (d->kind == DW_DESC_PRODUCT && d->name)))
			v[n++] = d;
	}
	qsort(v, n, sizeof(*v), cmp_doc_key);
	for (size_t i = 0, first = 0; i < n; i++) {
		const struct input_doc *a = v[first], *b = v[i];
		int line = 0, col = 0;
		char *msg;

		if (i == first || a->kind != b->kind || strcmp(a->domain, b->domain) != 0 ||
		    (b->kind == DW_DESC_PRODUCT && strcmp(a->name, b->name) != 0)) {
			first = i;
			continue;
		}
		dw_doc_locate(a->doc, "/metadata/name", &line, &col);
		if (b->kind == DW_DESC_DOMAIN)
			msg = xasprintf("domain '%s' is defined twice (first at %s:%d:%d)",
			                b->domain, a->file->path, line, col);
		else
			msg = xasprintf("product '%s/%s' is defined twice (first at %s:%d:%d)",
			                b->domain, b->name, a->file->path, line, col);
		add_located(&in->findings, b->doc, b->file->path, "/metadata/name", msg);
		free(msg);
	}
	free(v);
}

/* Findings come out grouped by file (in the order files were first met), then by position. */
struct ranked {
	struct dw_finding f;
	size_t file_rank, seq;
};

static int cmp_ranked(const void *pa, const void *pb)
{
	const struct ranked *a = pa, *b = pb;

	if (a->file_rank != b->file_rank)
		return a->file_rank < b->file_rank ? -1 : 1;
	if (a->f.line != b->f.line)
		return a->f.line < b->f.line ? -1 : 1;
	if (a->f.col != b->f.col)
		return a->f.col < b->f.col ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void sort_findings(struct dw_findings *f, size_t from)
{
	size_t n = f->count - from;
	struct ranked *r;

	if (n < 2)
		return;
	r = xmalloc(n * sizeof(*r));
	for (size_t i = 0; i < n; i++) {
		r[i].f = f->items[from + i];
		r[i].seq = i;
		r[i].file_rank = i;
		for (size_t k = 0; k < i; k++) {
			const char *x = r[k].f.file, *y = r[i].f.file;
			if ((!x && !y) || (x && y && strcmp(x, y) == 0)) {
				r[i].file_rank = r[k].file_rank;
				break;
			}
		}
	}
	qsort(r, n, sizeof(*r), cmp_ranked);
	for (size_t i = 0; i < n; i++)
		f->items[from + i] = r[i].f;
	free(r);
}

static void load_file(struct inputs *in, struct input_file *file, const char *text, size_t len)
{
	struct dw_findings load_errs;

	dw_findings_init(&load_errs);
	if (dw_load(text, len, file->path, &file->set, &load_errs) == DW_NOMEM) {
		fprintf(stderr, "fatal: out of memory loading '%s'\n", file->path);
		abort();
	}
	for (size_t i = 0; i < file->set.count && !file->descriptor; i++)
		file->descriptor = looks_like_descriptor(file->set.docs[i].root);
	if (!file->descriptor && load_errs.count && mentions_driveway(text, len))
		file->descriptor = 1;
	if (file->descriptor || file->explicit)
		dw_findings_append(&in->findings, &load_errs);
	dw_findings_release(&load_errs);
	if (!file->descriptor) {
		if (file->explicit)
			dw_findings_add_at(&in->findings, DW_SEV_ERROR, NULL, file->path,
			                   file->set.count ? file->set.docs[0].line : 1,
			                   file->set.count ? file->set.docs[0].col : 1, "",
			                   "not a driveway descriptor (no document has apiVersion "
			                   "'driveway/v1')");
		return;
	}
	for (size_t i = 0; i < file->set.count; i++)
		check_document(in, file, &file->set.docs[i]);
}

int inputs_load(struct inputs *in, int npaths, char *const *paths, struct dw_error *err)
{
	struct file_list list;
	int rc = 0;

	memset(in, 0, sizeof(*in));
	dw_findings_init(&in->findings);
	file_list_init(&list);
	for (int i = 0; i < npaths && rc == 0; i++)
		rc = files_collect(paths[i], &list, err);
	if (rc) {
		file_list_release(&list);
		return rc;
	}
	in->files = xcalloc(list.count ? list.count : 1, sizeof(*in->files));
	in->nfiles = list.count;
	for (size_t i = 0; i < list.count; i++) {
		in->files[i].path = xstrdup(list.items[i].path);
		in->files[i].explicit = list.items[i].explicit;
	}
	file_list_release(&list);
	for (size_t i = 0; i < in->nfiles && rc == 0; i++) {
		char *text;
		size_t len;
		rc = files_read(in->files[i].path, &text, &len, err);
		if (rc == 0) {
			load_file(in, &in->files[i], text, len);
			free(text);
		}
	}
	if (rc == 0) {
		check_duplicates(in);
		sort_findings(&in->findings, 0);
	}
	if (rc == 0 && dw_findings_oom(&in->findings)) {
		fprintf(stderr, "fatal: out of memory collecting findings\n");
		abort();
	}
	return rc;
}

void inputs_release(struct inputs *in)
{
	for (size_t i = 0; i < in->ndocs; i++) {
		free(in->docs[i].contract_file);
		dw_docset_release(&in->docs[i].contract_set);
	}
	free(in->docs);
	for (size_t i = 0; i < in->nfiles; i++) {
		free(in->files[i].path);
		dw_docset_release(&in->files[i].set);
	}
	free(in->files);
	dw_findings_release(&in->findings);
	memset(in, 0, sizeof(*in));
}

size_t inputs_errors(const struct inputs *in)
{
	return dw_findings_errors(&in->findings);
}

int inputs_report(const struct inputs *in, int ok_line)
{
	size_t errors = 0, nfiles = 0;
	const char **seen = xcalloc(in->findings.count + 1, sizeof(char *));

	for (size_t i = 0; i < in->findings.count; i++) {
		const struct dw_finding *f = &in->findings.items[i];
		size_t k;
		output_finding(stderr, f);
		if (f->severity != DW_SEV_ERROR)
			continue;
		errors++;
		for (k = 0; k < nfiles; k++)
			if (strcmp(seen[k], f->file ? f->file : "") == 0)
				break;
		if (k == nfiles)
			seen[nfiles++] = f->file ? f->file : "";
	}
	free(seen);
	if (!errors && in->ndocs == 0) {
		fputs("error: no driveway descriptors found\n", stderr);
		return DW_INVALID;
	}
	if (errors) {
		fprintf(stderr, "%zu error%s in %zu file%s\n", errors, errors == 1 ? "" : "s",
		        nfiles, nfiles == 1 ? "" : "s");
		return DW_INVALID;
	}
	if (ok_line) {
		size_t ndesc = in->ndocs;
		printf("ok: %zu descriptor%s, %zu contract%s\n", ndesc, ndesc == 1 ? "" : "s",
		       in->ncontracts, in->ncontracts == 1 ? "" : "s");
	}
	return 0;
}

/* The first token of pointer p and the rest: "/contract/a/b" with token "contract" -> "/a/b". */
static const char *after_token(const char *p, const char *token)
{
	size_t n = strlen(token);

	if (p[0] == '/' && strncmp(p + 1, token, n) == 0 && (p[1 + n] == '/' || !p[1 + n]))
		return p + 1 + n;
	return NULL;
}

char *inputs_locate(const struct input_doc *d, int version_body, const char *pointer,
                    const char **file, int *line, int *col)
{
	const struct dw_doc *doc = d->doc;
	char *shown;
	const char *rest;

	*file = d->file->path;
	if (!version_body) {
		shown = xstrdup(pointer);
	} else if ((rest = after_token(pointer, "contract")) && d->contract_doc) {
		shown = xasprintf("%s%s", d->contract_base, rest);
		doc = d->contract_doc;
		if (d->contract_file)
			*file = d->contract_file;
	} else if ((rest = after_token(pointer, "old")) && d->contract_doc) {
		/* A part only the registered version has: located at its nearest ancestor that the
		 * new contract still has (dw_doc_locate falls back along the pointer). */
		shown = xasprintf("%s%s", d->contract_base, rest);
		doc = d->contract_doc;
		if (d->contract_file)
			*file = d->contract_file;
	} else if ((rest = after_token(pointer, "format"))) {
		shown = xstrdup("/spec/contract/format");
	} else {
		shown = xstrdup("/spec/contract");
	}
	*line = *col = 0;
	dw_doc_locate(doc, shown, line, col);
	return shown;
}

int inputs_load_args(struct inputs *in, int rc, int npos, char **pos)
{
	struct dw_error err;

	if (rc) {
		free(pos);
		return rc;
	}
	rc = inputs_load(in, npos, pos, &err);
	free(pos);
	if (rc) {
		fprintf(stderr, "error: %s\n", err.message);
		inputs_release(in);
	}
	return rc;
}
