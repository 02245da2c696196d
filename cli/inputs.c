#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/* The contract file name suffix per format, as the examples name them. */
static const struct {
	enum dw_format format;
	const char *suffix;
} suffixes[] = {
    {DW_FMT_OPENAPI, ".openapi.json"},   {DW_FMT_AVRO, ".avsc"},
    {DW_FMT_JSONSCHEMA, ".schema.json"}, {DW_FMT_ODCS, ".odcs.json"},
    {DW_FMT_PROTOBUF, ".proto"},
};

const char *inputs_contract_suffix(enum dw_format fmt)
{
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
		if (suffixes[i].format == fmt)
			return suffixes[i].suffix;
	return NULL;
}

/*
 * NULL when display (named rel in messages) resolves inside the folder dir; else why not
 * (malloc'd): it cannot be resolved, or it is (or goes through) a symbolic link out of dir.
 */
static char *outside_folder(const char *dir, const char *display, const char *rel)
{
	char *base = realpath(dir, NULL), *real = base ? realpath(display, NULL) : NULL,
	     *msg = NULL;
	int e = errno;
	size_t blen = base ? strlen(base) : 0;

	if (!base || !real)
		msg = xasprintf("cannot read contract '%s': %s", display, strerror(e));
	else if (!(strcmp(base, "/") == 0 || (strncmp(real, base, blen) == 0 && real[blen] == '/')))
		msg = xasprintf("contract path '%s' leaves the descriptor's folder (it resolves "
		                "to '%s')",
		                rel, real);
	free(real);
	free(base);
	return msg;
}

/*
 * Loads the contract file display (of d->format) into d's contract members. Returns NULL when it
 * holds one document (or, for protobuf, UTF-8 text); a file of several documents or of YAML or
 * JSON errors has findings located in it and returns NULL too, its contract left NULL. Returns
 * why the file could not be used at all (malloc'd), for the caller to locate.
 */
static char *contract_load(struct inputs *in, struct input_doc *d, const char *display)
{
	struct dw_error err;
	char *text = NULL, *msg = NULL;
	size_t len, from = in->findings.count;

	if (files_read(display, &text, &len, &err) != 0)
		return xasprintf("%s", err.message);
	in->ncontracts++;
	if (d->format == DW_FMT_PROTOBUF) {
		/* .proto text, sent as a JSON string; the parser's findings carry line:col in it */
		if (files_text_doc(text, len, &d->contract_set) != 0)
			msg = xasprintf("contract '%s' is not UTF-8 text", display);
	} else if (dw_load(text, len, display, &d->contract_set, &in->findings) == DW_NOMEM) {
		fprintf(stderr, "fatal: out of memory loading '%s'\n", display);
		abort();
	} else if (d->contract_set.count != 1) {
		if (in->findings.count == from)
			dw_findings_add_at(&in->findings, DW_SEV_ERROR, NULL, display,
			                   d->contract_set.count ? d->contract_set.docs[1].line : 1,
			                   d->contract_set.count ? d->contract_set.docs[1].col : 1,
			                   "", "contract file holds %zu documents, expected 1",
			                   d->contract_set.count);
	}
	if (!msg && d->contract_set.count == 1) {
		d->contract_file = xstrdup(display);
		d->contract_doc = &d->contract_set.docs[0];
		d->contract = d->contract_doc->root;
		d->contract_base = "";
	}
	free(text);
	return msg;
}

/* Checks the loaded contract of d as one of its format, the findings located where it is. */
static void contract_check(struct inputs *in, const struct input_doc *d)
{
	size_t from = in->findings.count;

	if (contract_validate(d->format, d->contract, d->contract_base, &in->findings) ==
	    DW_NOMEM) {
		fprintf(stderr, "fatal: out of memory checking a contract\n");
		abort();
	}
	dw_doc_locate_findings(d->contract_doc, d->contract_file ? d->contract_file : d->file->path,
	                       &in->findings, from);
}

/*
 * Resolves spec.contract.path of d inside the descriptor's folder and loads it. Findings for the
 * path itself are located in the descriptor; the contract's own in the contract file.
 */
static void load_contract_file(struct inputs *in, struct input_doc *d, const char *rel)
{
	static const char *where = "/spec/contract/path";
	char *dir = files_dirname(d->file->path);
	char *display = strcmp(dir, ".") == 0 ? xstrdup(rel) : xasprintf("%s/%s", dir, rel);
	char *msg = NULL;

	if (!rel[0] || rel[0] == '/')
		msg = xasprintf("contract path '%s' must be relative to the descriptor's folder",
		                rel);
	else if (has_dotdot(rel))
		msg = xasprintf("contract path '%s' may not leave the descriptor's folder", rel);
	else if (!(msg = outside_folder(dir, display, rel)))
		msg = contract_load(in, d, display);
	if (msg)
		add_located(&in->findings, d->doc, d->file->path, where, msg);
	free(msg);
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
	contract_check(in, d);
}

/* N of a history file name "<N><suffix>" and its format; 0 when the name is not one. */
static long history_name_parse(const char *name, enum dw_format *fmt)
{
	const char *p = name;
	long n = 0;

	if (*p < '1' || *p > '9')
		return 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > (INT_MAX - (*p - '0')) / 10)
			return 0;
		n = n * 10 + (*p - '0');
	}
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
		if (strcmp(p, suffixes[i].suffix) == 0) {
			*fmt = suffixes[i].format;
			return n;
		}
	return 0;
}

struct history_name {
	char *name;
	long version;
	enum dw_format format;
};

static int cmp_history_name(const void *pa, const void *pb)
{
	const struct history_name *a = pa, *b = pb;

	if (a->version != b->version)
		return a->version < b->version ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* The entries of the history folder hdir (hidden ones aside), by version; *count of them.
 * NULL with a finding when the folder cannot be read. */
static struct history_name *history_names(struct inputs *in, const char *hdir, size_t *count)
{
	struct history_name *v = NULL;
	size_t alloc = 0;
	struct dirent *e;
	DIR *dh = opendir(hdir);

	*count = 0;
	if (!dh) {
		dw_findings_add_at(&in->findings, DW_SEV_ERROR, NULL, hdir, 0, 0, "",
		                   "cannot read version history folder: %s", strerror(errno));
		return NULL;
	}
	while ((e = readdir(dh))) {
		if (e->d_name[0] == '.')
			continue;
		if (*count == alloc) {
			alloc = alloc ? 2 * alloc : 16;
			v = xrealloc(v, alloc * sizeof(*v));
		}
		v[*count].name = xstrdup(e->d_name);
		v[*count].format = DW_FMT_UNKNOWN;
		v[*count].version = history_name_parse(e->d_name, &v[*count].format);
		(*count)++;
	}
	closedir(dh);
	if (*count)
		qsort(v, *count, sizeof(*v), cmp_history_name);
	return v;
}

/* Loads and checks one history file (dir: the descriptor's folder; rel: path from there). */
static void history_load(struct inputs *in, struct input_doc *d, const char *dir, const char *path,
                         const char *rel, const struct history_name *hn)
{
	struct input_doc *h;
	struct stat st;
	char *msg;

	msg = outside_folder(dir, path, rel);
	if (!msg && (stat(path, &st) != 0 || !S_ISREG(st.st_mode)))
		msg = xstrdup("not a contract file: a version history folder holds only files");
	if (msg) {
		dw_findings_add_at(&in->findings, DW_SEV_ERROR, NULL, path, 0, 0, "", "%s", msg);
		free(msg);
		return;
	}
	d->history = xrealloc(d->history, (d->nhistory + 1) * sizeof(*d->history));
	h = &d->history[d->nhistory++];
	*h = *d;
	h->history = NULL;
	h->nhistory = 0;
	h->history_dir = NULL;
	h->contract = NULL;
	h->contract_file = NULL;
	h->contract_doc = NULL;
	h->contract_base = NULL;
	memset(&h->contract_set, 0, sizeof(h->contract_set));
	h->format = hn->format;
	h->version = hn->version;
	if ((msg = contract_load(in, h, path))) {
		dw_findings_add_at(&in->findings, DW_SEV_ERROR, NULL, path, 0, 0, "", "%s", msg);
		free(msg);
	} else if (h->contract) {
		contract_check(in, h);
	}
}

/* Loads the version history folder of product d when it has one (see inputs.h). */
static void load_history(struct inputs *in, struct input_doc *d)
{
	char *dir = files_dirname(d->file->path);
	char *rel = xasprintf("%s%s", d->name, INPUTS_HISTORY_SUFFIX);
	char *hdir = strcmp(dir, ".") == 0 ? xstrdup(rel) : xasprintf("%s/%s", dir, rel);
	const char *want = inputs_contract_suffix(d->format);
	struct history_name *names = NULL;
	struct stat st;
	size_t n = 0;

	if (lstat(hdir, &st) != 0) {
		if (errno != ENOENT)
			dw_findings_add_at(&in->findings, DW_SEV_ERROR, NULL, hdir, 0, 0, "",
			                   "cannot read version history folder: %s",
			                   strerror(errno));
		free(hdir);
		goto done;
	}
	d->history_dir = hdir;
	if (!S_ISDIR(st.st_mode))
		dw_findings_add_at(&in->findings, DW_SEV_ERROR, NULL, hdir, 0, 0, "",
		                   "a version history folder must be a folder (not a file or a "
		                   "symbolic link)");
	else
		names = history_names(in, hdir, &n);
	for (size_t i = 0; i < n; i++) {
		struct history_name *hn = &names[i];
		char *path = xasprintf("%s/%s", hdir, hn->name);
		char *hrel = xasprintf("%s/%s", rel, hn->name);

		if (!hn->version)
			dw_findings_add_at(&in->findings, DW_SEV_ERROR, NULL, path, 0, 0, "",
			                   "unexpected file in a version history folder: expected "
			                   "<version number>%s, e.g. '1%s'",
			                   want ? want : ".<format suffix>", want ? want : ".avsc");
		else if (i > 0 && names[i - 1].version == hn->version)
			dw_findings_add_at(&in->findings, DW_SEV_ERROR, NULL, path, 0, 0, "",
			                   "version %ld is given twice (also as '%s')", hn->version,
			                   names[i - 1].name);
		else if (d->format != DW_FMT_UNKNOWN && hn->format != d->format)
			dw_findings_add_at(
			    &in->findings, DW_SEV_ERROR, NULL, path, 0, 0, "",
			    "version %ld is %s, but the product's contract format is "
			    "'%s' (name it %ld%s)",
			    hn->version, contract_format_name(hn->format),
			    contract_format_name(d->format), hn->version, want);
		else
			history_load(in, d, dir, path, hrel, hn);
		free(hrel);
		free(path);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i].name);
	free(names);
done:
	free(rel);
	free(dir);
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
		if (d->domain && d->name && !has_finding_at(&in->findings, from, "/metadata/name"))
			load_history(in, d);
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

/* Two products of one name in one folder would share a history folder: a finding at the
 * second (the same product twice is check_duplicates' finding). */
static void check_shared_history(struct inputs *in)
{
	for (size_t j = 0; j < in->ndocs; j++) {
		const struct input_doc *b = &in->docs[j];
		for (size_t i = 0; b->history_dir && i < j; i++) {
			const struct input_doc *a = &in->docs[i];
			char *msg;
			if (!a->history_dir || strcmp(a->history_dir, b->history_dir) != 0 ||
			    strcmp(a->domain, b->domain) == 0)
				continue;
			msg = xasprintf(
			    "products '%s/%s' and '%s/%s' would share the version history "
			    "folder '%s': keep them in separate folders",
			    a->domain, a->name, b->domain, b->name, b->history_dir);
			add_located(&in->findings, b->doc, b->file->path, "/metadata/name", msg);
			free(msg);
			break;
		}
	}
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
		check_shared_history(in);
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
		struct input_doc *d = &in->docs[i];
		for (size_t k = 0; k < d->nhistory; k++) {
			free(d->history[k].contract_file);
			dw_docset_release(&d->history[k].contract_set);
		}
		free(d->history);
		free(d->history_dir);
		free(d->contract_file);
		dw_docset_release(&d->contract_set);
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
