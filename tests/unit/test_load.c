/*
 * test_load: the YAML/JSON loader (validators/load.c): typing, positions, documents, limits and
 * every kind of bad input it must refuse with a positioned finding.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "validators/error.h"
#include "validators/load.h"
#include "tests/unit/testutil.h"

/*
 * Allocation failure injection: malloc & co are replaced for the whole program (glibc allows it)
 * and forward to glibc's own allocator. While oom_on, the allocation numbered oom_fail_at fails
 * once and live allocations are counted, so a test can check that every failure path returns
 * DW_NOMEM and frees what it took. AddressSanitizer has its own allocator: skipped there.
 */
#if defined(__SANITIZE_ADDRESS__)
#define TEST_OOM 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_OOM 0
#endif
#endif
#ifndef TEST_OOM
#define TEST_OOM 1
#endif

#if TEST_OOM
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);

static int oom_on;
static long oom_count, oom_fail_at, oom_live;
static int oom_failed;

static int oom_fail_now(void)
{
	if (!oom_on)
		return 0;
	if (oom_count++ == oom_fail_at) {
		oom_failed = 1;
		return 1;
	}
	return 0;
}

void *malloc(size_t size)
{
	void *p;

	if (oom_fail_now())
		return NULL;
	p = __libc_malloc(size);
	if (p && oom_on)
		oom_live++;
	return p;
}

void *calloc(size_t n, size_t size)
{
	void *p;

	if (oom_fail_now())
		return NULL;
	p = __libc_calloc(n, size);
	if (p && oom_on)
		oom_live++;
	return p;
}

void *realloc(void *old, size_t size)
{
	void *p;

	if (oom_fail_now())
		return NULL;
	p = __libc_realloc(old, size);
	if (p && !old && oom_on)
		oom_live++;
	return p;
}

void free(void *p)
{
	if (p && oom_on)
		oom_live--;
	__libc_free(p);
}
#endif

/* ---- helpers ---- */

static char *read_fixture(const char *name, size_t *len)
{
	return tu_read_repo_file("tests/fixtures/load", name, len);
}

static int load_fixture(const char *name, struct dw_docset *set, struct dw_findings *errs)
{
	size_t len;
	char *buf = read_fixture(name, &len);
	int rc = dw_load(buf, len, name, set, errs);

	free(buf);
	return rc;
}

static int load_str(const char *text, struct dw_docset *set, struct dw_findings *errs)
{
	return dw_load(text, strlen(text), "t.yaml", set, errs);
}

/* The position recorded for exactly this pointer (no ancestor fallback). */
static void assert_pos(const struct dw_doc *d, const char *pointer, int line, int col)
{
	int found = 0;

	for (size_t i = 0; i < d->npos; i++) {
		if (strcmp(d->pos[i].pointer, pointer))
			continue;
		found = 1;
		ck_assert_msg(d->pos[i].line == line && d->pos[i].col == col,
			      "%s at %d:%d, expected %d:%d", pointer, d->pos[i].line,
			      d->pos[i].col, line, col);
	}
	ck_assert_msg(found, "no position for '%s'", pointer);
	/* and the lookup finds the same */
	{
		int l = 0, c = 0;
		ck_assert_int_eq(dw_doc_locate(d, pointer, &l, &c), 0);
		ck_assert_int_eq(l, line);
		ck_assert_int_eq(c, col);
	}
}

static void assert_sorted(const struct dw_doc *d)
{
	for (size_t i = 1; i < d->npos; i++)
		ck_assert_msg(strcmp(d->pos[i - 1].pointer, d->pos[i].pointer) < 0,
			      "positions not sorted at %zu", i);
}

static void assert_json(const json_t *v, const char *expected)
{
	json_t *e = json_loads(expected, JSON_DECODE_ANY, NULL);
	char *got = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

	ck_assert_ptr_nonnull(e);
	ck_assert_msg(json_equal((json_t *)v, e), "got %s, expected %s", got ? got : "(null)",
		      expected);
	free(got);
	json_decref(e);
}

static void assert_finding(const struct dw_findings *errs, size_t i, int line, int col,
			   const char *pointer, const char *message)
{
	const struct dw_finding *x;

	ck_assert_uint_gt(errs->count, i);
	x = &errs->items[i];
	ck_assert_str_eq(x->message, message);
	ck_assert_str_eq(x->pointer, pointer);
	ck_assert_int_eq(x->line, line);
	ck_assert_int_eq(x->col, col);
	ck_assert_int_eq(x->severity, DW_SEV_ERROR);
}

/* "[[[...inner...]]]" with n brackets, optionally after a prefix. */
static char *nested(const char *prefix, size_t n, const char *open, const char *inner,
		    const char *close)
{
	size_t pl = strlen(prefix), ol = strlen(open), il = strlen(inner), cl = strlen(close);
	char *s = malloc(pl + n * (ol + cl) + il + 2), *p = s;

	ck_assert_ptr_nonnull(s);
	memcpy(p, prefix, pl);
	p += pl;
	for (size_t i = 0; i < n; i++, p += ol)
		memcpy(p, open, ol);
	memcpy(p, inner, il);
	p += il;
	for (size_t i = 0; i < n; i++, p += cl)
		memcpy(p, close, cl);
	*p++ = '\n';
	*p = '\0';
	return s;
}

/* Loads s (freed) and expects a nesting refusal at line:col. */
static void expect_too_deep(char *s, int line, int col)
{
	struct dw_docset set;
	struct dw_findings errs;

	dw_findings_init(&errs);
	ck_assert_int_eq(dw_load(s, strlen(s), NULL, &set, &errs), DW_MALFORMED);
	free(s);
	ck_assert_uint_eq(set.count, 0);
	ck_assert_uint_eq(errs.count, 1);
	ck_assert_str_eq(errs.items[0].message, "nesting deeper than 128 levels");
	ck_assert_int_eq(errs.items[0].line, line);
	ck_assert_int_eq(errs.items[0].col, col);
	ck_assert_ptr_null(errs.items[0].file);
	dw_docset_release(&set);
	dw_findings_release(&errs);
}

/* ---- documents ---- */

START_TEST(test_multi_document)
{
	struct dw_docset set;
	struct dw_findings errs;

	dw_findings_init(&errs);
	ck_assert_int_eq(load_fixture("multi.yaml", &set, &errs), 0);
	ck_assert_uint_eq(errs.count, 0);
	/* the comment-only document and the trailing "---" are skipped */
	ck_assert_uint_eq(set.count, 2);
	assert_json(set.docs[0].root,
		    "{\"apiVersion\":\"driveway/v1\",\"kind\":\"Domain\","
		    "\"metadata\":{\"name\":\"customer\"}}");
	assert_json(set.docs[1].root,
		    "{\"apiVersion\":\"driveway/v1\",\"kind\":\"DataProduct\","
		    "\"metadata\":{\"domain\":\"customer\",\"name\":\"profile-api\"}}");
	ck_assert_int_eq(set.docs[0].line, 2);
	ck_assert_int_eq(set.docs[0].col, 1);
	ck_assert_int_eq(set.docs[1].line, 8);
	ck_assert_int_eq(set.docs[1].col, 1);
	assert_pos(&set.docs[1], "", 9, 1);
	assert_pos(&set.docs[1], "/metadata", 11, 11);
	assert_pos(&set.docs[1], "/metadata/name", 11, 36);
	dw_docset_release(&set);
	ck_assert_uint_eq(set.count, 0);
	ck_assert_ptr_null(set.docs);
	dw_findings_release(&errs);
}
END_TEST

START_TEST(test_bad_document_does_not_stop_others)
{
	struct dw_docset set;
	struct dw_findings errs;

	dw_findings_init(&errs);
	ck_assert_int_eq(load_str("a: 1\na: 2\n---\nb: 1\n---\nc: .nan\n---\nd: 4\n", &set, &errs),
			 DW_MALFORMED);
	ck_assert_uint_eq(set.count, 2);
	assert_json(set.docs[0].root, "{\"b\":1}");
	assert_json(set.docs[1].root, "{\"d\":4}");
	ck_assert_uint_eq(errs.count, 2);
	assert_finding(&errs, 0, 2, 1, "/a", "duplicate key 'a'");
	assert_finding(&errs, 1, 6, 4, "/c", "value '.nan' is not representable in JSON");
	ck_assert_str_eq(errs.items[0].file, "t.yaml");
	dw_docset_release(&set);
	dw_findings_release(&errs);
}
END_TEST

START_TEST(test_syntax_error_ends_text)
{
	struct dw_docset set;
	struct dw_findings errs;

	dw_findings_init(&errs);
	ck_assert_int_eq(load_str("a: 1\n---\nb: [\n---\nc: 1\n", &set, &errs), DW_MALFORMED);
	ck_assert_uint_eq(set.count, 1);
	assert_json(set.docs[0].root, "{\"a\":1}");
	ck_assert_uint_eq(errs.count, 1);
	ck_assert_int_eq(errs.items[0].line, 4);
	ck_assert_str_eq(errs.items[0].pointer, "");
	dw_docset_release(&set);
	dw_findings_release(&errs);

	dw_findings_init(&errs);
	ck_assert_int_eq(load_str("a: b\nc\n", &set, &errs), DW_MALFORMED);
	ck_assert_uint_eq(set.count, 0);
	assert_finding(&errs, 0, 3, 1, "",
		       "could not find expected ':' (while scanning a simple key at line 2, "
		       "column 1)");
	dw_docset_release(&set);
	dw_findings_release(&errs);

	dw_findings_init(&errs);
	ck_assert_int_eq(load_str("a: b: c\n", &set, &errs), DW_MALFORMED);
	assert_finding(&errs, 0, 1, 5, "", "mapping values are not allowed in this context");
	dw_docset_release(&set);
	dw_findings_release(&errs);
}
END_TEST

START_TEST(test_only_comments)
{
	struct dw_docset set;
	struct dw_findings errs;

	dw_findings_init(&errs);
	ck_assert_int_eq(load_fixture("comments.yaml", &set, &errs), 0);
	ck_assert_uint_eq(set.count, 0);
	ck_assert_uint_eq(errs.count, 0);
	dw_docset_release(&set);
	ck_assert_int_eq(load_str("", &set, &errs), 0);
	ck_assert_uint_eq(set.count, 0);
	dw_docset_release(&set);
	ck_assert_int_eq(load_str("---\n...\n---\n# nothing\n", &set, &errs), 0);
	ck_assert_uint_eq(set.count, 0);
	dw_docset_release(&set);
	/* an explicit null is a document */
	ck_assert_int_eq(load_str("--- ~\n", &set, &errs), 0);
	ck_assert_uint_eq(set.count, 1);
	ck_assert(json_is_null(set.docs[0].root));
	dw_docset_release(&set);
	ck_assert_uint_eq(errs.count, 0);
	dw_findings_release(&errs);
}
END_TEST

START_TEST(test_length_is_honoured)
{
	struct dw_docset set;
	const char text[] = "a: 1\nb: 2\n";

	/* the buffer need not end at len, nor be NUL-terminated there */
	ck_assert_int_eq(dw_load(text, 4, NULL, &set, NULL), 0);
	ck_assert_uint_eq(set.count, 1);
	assert_json(set.docs[0].root, "{\"a\":1}");
	dw_docset_release(&set);
	ck_assert_int_eq(dw_load("{\"a\": [1, 2]} trailing", 13, NULL, &set, NULL), 0);
	ck_assert_uint_eq(set.count, 1);
	assert_json(set.docs[0].root, "{\"a\":[1,2]}");
	dw_docset_release(&set);
	/* findings are optional */
	ck_assert_int_eq(dw_load("a: [", 4, NULL, &set, NULL), DW_MALFORMED);
	ck_assert_uint_eq(set.count, 0);
	dw_docset_release(&set);
}
END_TEST

/* ---- positions ---- */

START_TEST(test_positions_nested)
{
	struct dw_docset set;
	struct dw_findings errs;
	const struct dw_doc *d;
	int line, col;

	dw_findings_init(&errs);
	ck_assert_int_eq(load_fixture("nested.yaml", &set, &errs), 0);
	ck_assert_uint_eq(set.count, 1);
	d = &set.docs[0];
	assert_sorted(d);
	ck_assert_int_eq(d->line, 2);
	assert_pos(d, "", 2, 1);
	assert_pos(d, "/apiVersion", 2, 13);
	assert_pos(d, "/kind", 3, 7);
	assert_pos(d, "/metadata", 5, 3);
	assert_pos(d, "/metadata/domain", 5, 11);
	assert_pos(d, "/metadata/name", 6, 9);
	assert_pos(d, "/metadata/tags", 7, 9);
	assert_pos(d, "/metadata/tags/0", 7, 10);
	assert_pos(d, "/metadata/tags/1", 7, 20);
	assert_pos(d, "/spec", 9, 3);
	assert_pos(d, "/spec/endpoints", 10, 5);
	assert_pos(d, "/spec/endpoints/0", 10, 7);
	assert_pos(d, "/spec/endpoints/0/environment", 10, 20);
	assert_pos(d, "/spec/endpoints/0/url", 11, 12);
	assert_pos(d, "/spec/endpoints/1", 12, 7);
	assert_pos(d, "/spec/endpoints/1/url", 12, 32);
	assert_pos(d, "/spec/consumes", 14, 3);
	assert_pos(d, "/spec/consumes/0", 14, 5);
	assert_pos(d, "/spec/consumes/0/product", 14, 14);
	assert_pos(d, "/spec/consumes/0/uses", 16, 7);
	assert_pos(d, "/spec/consumes/0/uses/1", 17, 9);
	assert_pos(d, "/spec/a~1b~0c", 18, 12);
	ck_assert_uint_eq(d->npos, 24);
	assert_json(dw_pointer_get(d->root, "/spec/a~1b~0c"), "1");

	/* a missing node resolves to its nearest ancestor */
	ck_assert_int_eq(dw_doc_locate(d, "/spec/endpoints/0/protocol", &line, &col), 0);
	ck_assert_int_eq(line, 10);
	ck_assert_int_eq(col, 7);
	ck_assert_int_eq(dw_doc_locate(d, "/spec/endpoints/7/a/b", &line, &col), 0);
	ck_assert_int_eq(line, 10);
	ck_assert_int_eq(col, 5);
	ck_assert_int_eq(dw_doc_locate(d, "/nothing", &line, &col), 0);
	ck_assert_int_eq(line, 2);
	ck_assert_int_eq(col, 1);
	/* a prefix that is not a whole token is not an ancestor */
	ck_assert_int_eq(dw_doc_locate(d, "/kin", &line, &col), 0);
	ck_assert_int_eq(line, 2);
	ck_assert_int_eq(col, 1);
	ck_assert_int_eq(dw_doc_locate(d, NULL, &line, &col), 0);
	ck_assert_int_eq(line, 2);
	dw_docset_release(&set);
	dw_findings_release(&errs);
}
END_TEST

START_TEST(test_locate_without_positions)
{
	struct dw_doc doc;
	int line = 0, col = 0;

	memset(&doc, 0, sizeof(doc));
	doc.line = 7;
	doc.col = 3;
	ck_assert_int_eq(dw_doc_locate(&doc, "/a/b", &line, &col), DW_NOT_FOUND);
	ck_assert_int_eq(line, 7);
	ck_assert_int_eq(col, 3);
}
END_TEST

START_TEST(test_locate_findings)
{
	struct dw_docset set;
	struct dw_findings f;

	ck_assert_int_eq(load_str("a:\n  b: [1, 2]\nc: x\n", &set, NULL), 0);
	dw_findings_init(&f);
	dw_findings_add(&f, "/c", "not mine");
	dw_findings_add(&f, "/a/b/1", "exact");
	dw_findings_add(&f, "/a/missing", "ancestor");
	dw_findings_add_at(&f, DW_SEV_WARNING, NULL, "other.yaml", 40, 2, "/a", "kept");
	dw_doc_locate_findings(&set.docs[0], "d.yaml", &f, 1);
	ck_assert_int_eq(f.items[0].line, 0);
	ck_assert_ptr_null(f.items[0].file);
	ck_assert_int_eq(f.items[1].line, 2);
	ck_assert_int_eq(f.items[1].col, 10);
	ck_assert_str_eq(f.items[1].file, "d.yaml");
	ck_assert_int_eq(f.items[2].line, 2);
	ck_assert_int_eq(f.items[2].col, 3);
	ck_assert_int_eq(f.items[3].line, 40);
	ck_assert_int_eq(f.items[3].col, 2);
	ck_assert_str_eq(f.items[3].file, "other.yaml");
	dw_findings_release(&f);
	dw_docset_release(&set);
}
END_TEST

START_TEST(test_crlf)
{
	struct dw_docset set;
	const struct dw_doc *d;

	ck_assert_int_eq(load_fixture("crlf.yaml", &set, NULL), 0);
	ck_assert_uint_eq(set.count, 1);
	d = &set.docs[0];
	assert_json(d->root, "{\"apiVersion\":\"driveway/v1\",\"metadata\":{\"name\":\"customer\","
			     "\"tags\":[\"a\",\"b\"]},\"spec\":{\"title\":\"Customer\"}}");
	assert_pos(d, "/apiVersion", 1, 13);
	assert_pos(d, "/metadata/name", 3, 9);
	assert_pos(d, "/metadata/tags", 5, 5);
	assert_pos(d, "/metadata/tags/1", 6, 7);
	assert_pos(d, "/spec/title", 7, 15);
	dw_docset_release(&set);

	/* the same in JSON, and a CR alone ends a line too */
	ck_assert_int_eq(load_str("{\r\n\"a\": 1,\r\n\"b\":\r[true]}", &set, NULL), 0);
	assert_pos(&set.docs[0], "/a", 2, 6);
	assert_pos(&set.docs[0], "/b", 4, 1);
	assert_pos(&set.docs[0], "/b/0", 4, 2);
	dw_docset_release(&set);
}
END_TEST

START_TEST(test_bom)
{
	struct dw_docset set;

	ck_assert_int_eq(load_fixture("bom.yaml", &set, NULL), 0);
	ck_assert_uint_eq(set.count, 1);
	assert_json(set.docs[0].root, "{\"metadata\":{\"name\":\"customer\"}}");
	assert_pos(&set.docs[0], "", 1, 1);
	assert_pos(&set.docs[0], "/metadata/name", 2, 9);
	dw_docset_release(&set);

	ck_assert_int_eq(load_fixture("bom.json", &set, NULL), 0);
	ck_assert_uint_eq(set.count, 1);
	assert_json(set.docs[0].root, "{\"metadata\":{\"name\":\"customer\"}}");
	assert_pos(&set.docs[0], "", 1, 1);
	assert_pos(&set.docs[0], "/metadata", 1, 14);
	assert_pos(&set.docs[0], "/metadata/name", 1, 23);
	dw_docset_release(&set);
}
END_TEST

START_TEST(test_utf16)
{
	/* "a: 1\n" in UTF-16LE with its byte order mark: libyaml converts it */
	static const char text[] = "\xFF\xFE" "a\0:\0 \0" "1\0\n\0";
	struct dw_docset set;

	ck_assert_int_eq(dw_load(text, sizeof(text) - 1, NULL, &set, NULL), 0);
	ck_assert_uint_eq(set.count, 1);
	assert_json(set.docs[0].root, "{\"a\":1}");
	assert_pos(&set.docs[0], "/a", 1, 4);
	dw_docset_release(&set);
}
END_TEST

/* Columns count characters, not bytes. */
START_TEST(test_columns_are_characters)
{
	struct dw_docset set;

	ck_assert_int_eq(load_str("é: [ü, x]\n", &set, NULL), 0);
	assert_pos(&set.docs[0], "/é", 1, 4);
	assert_pos(&set.docs[0], "/é/1", 1, 8);
	dw_docset_release(&set);
	ck_assert_int_eq(load_str("{\"é\": [\"ü\", 1]}", &set, NULL), 0);
	assert_pos(&set.docs[0], "/é", 1, 7);
	assert_pos(&set.docs[0], "/é/1", 1, 13);
	dw_docset_release(&set);
}
END_TEST

/* ---- JSON ---- */

START_TEST(test_compact_json)
{
	struct dw_docset set;
	const struct dw_doc *d;

	ck_assert_int_eq(load_fixture("compact.json", &set, NULL), 0);
	ck_assert_uint_eq(set.count, 1);
	d = &set.docs[0];
	assert_json(d->root, "{\"a\":1,\"b\":[1,2,{\"c\":null}]}");
	assert_sorted(d);
	assert_pos(d, "", 1, 1);
	assert_pos(d, "/a", 1, 6);
	assert_pos(d, "/b", 1, 12);
	assert_pos(d, "/b/0", 1, 13);
	assert_pos(d, "/b/1", 1, 15);
	assert_pos(d, "/b/2", 1, 17);
	assert_pos(d, "/b/2/c", 1, 22);
	ck_assert_uint_eq(d->npos, 7);
	dw_docset_release(&set);

	/* compact JSON inside YAML goes through libyaml, with the same positions */
	ck_assert_int_eq(load_str("x: {\"a\":1,\"b\":[1,2,{\"c\":null}]}\n", &set, NULL), 0);
	d = &set.docs[0];
	assert_json(d->root, "{\"x\":{\"a\":1,\"b\":[1,2,{\"c\":null}]}}");
	assert_pos(d, "/x", 1, 4);
	assert_pos(d, "/x/a", 1, 9);
	assert_pos(d, "/x/b", 1, 15);
	assert_pos(d, "/x/b/2/c", 1, 25);
	dw_docset_release(&set);
}
END_TEST

START_TEST(test_json_escapes)
{
	struct dw_docset set;
	json_t *s, *k;

	ck_assert_int_eq(load_fixture("escapes.json", &set, NULL), 0);
	ck_assert_uint_eq(set.count, 1);
	s = json_object_get(set.docs[0].root, "s");
	ck_assert_str_eq(json_string_value(s),
			 "caf\xC3\xA9 / \xF0\x9F\x98\x80 \"q\" \\ \b\f\n\r\t");
	k = json_object_get(set.docs[0].root, "k\xC3\xA9y");
	ck_assert_ptr_nonnull(k);
	ck_assert_uint_eq(json_string_length(k), 2);
	ck_assert_int_eq(memcmp(json_string_value(k), "\0x", 2), 0);
	assert_pos(&set.docs[0], "/s", 1, 7);
	assert_pos(&set.docs[0], "/k\xC3\xA9y", 1, 68);
	dw_docset_release(&set);

	/* a surrogate pair at the top level, and in YAML through libyaml's own escapes */
	ck_assert_int_eq(load_str("\"\\ud83d\\ude00\"", &set, NULL), 0);
	ck_assert_str_eq(json_string_value(set.docs[0].root), "\xF0\x9F\x98\x80");
	dw_docset_release(&set);
	ck_assert_int_eq(load_str("a: \"\\u00e9\\/\\U0001F600\"\n", &set, NULL), 0);
	ck_assert_str_eq(json_string_value(json_object_get(set.docs[0].root, "a")),
			 "\xC3\xA9/\xF0\x9F\x98\x80");
	dw_docset_release(&set);
}
END_TEST

START_TEST(test_json_bad_escapes)
{
	static const char *bad[] = {
		"[\"\\ud800\"]",	/* lone high surrogate */
		"[\"\\ude00 x\"]",	/* lone low surrogate */
		"[\"\\ud83d\\u0041\"]", /* high surrogate, then no low one */
	};
	struct dw_docset set;
	struct dw_findings errs;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		dw_findings_init(&errs);
		ck_assert_int_eq(load_str(bad[i], &set, &errs), DW_MALFORMED);
		ck_assert_uint_eq(set.count, 0);
		ck_assert_uint_ge(errs.count, 1);
		ck_assert_int_eq(errs.items[0].line, 1);
		dw_docset_release(&set);
		dw_findings_release(&errs);
	}
	/* a NUL in a key cannot become a JSON pointer token */
	dw_findings_init(&errs);
	ck_assert_int_eq(load_str("{\"a\\u0000b\": 1}", &set, &errs), DW_MALFORMED);
	assert_finding(&errs, 0, 1, 2, "", "mapping key 'a?b' contains a NUL character");
	dw_docset_release(&set);
	dw_findings_release(&errs);
}
END_TEST

START_TEST(test_json_tabs)
{
	struct dw_docset set;
	const struct dw_doc *d;

	ck_assert_int_eq(load_fixture("tabs.json", &set, NULL), 0);
	ck_assert_uint_eq(set.count, 1);
	d = &set.docs[0];
	assert_json(d->root, "{\"metadata\":{\"name\":\"customer\",\"tags\":[\"a\",\"b\"]}}");
	assert_pos(d, "/metadata", 2, 14);
	assert_pos(d, "/metadata/name", 3, 11);
	assert_pos(d, "/metadata/tags", 4, 11);
	assert_pos(d, "/metadata/tags/0", 4, 13);
	assert_pos(d, "/metadata/tags/1", 4, 18);
	dw_docset_release(&set);
}
END_TEST

START_TEST(test_json_like_yaml)
{
	struct dw_docset set;
	struct dw_findings errs;

	/* text that starts like JSON but is YAML */
	dw_findings_init(&errs);
	ck_assert_int_eq(load_str("{a: 1, b: [x, 'y']}\n", &set, &errs), 0);
	assert_json(set.docs[0].root, "{\"a\":1,\"b\":[\"x\",\"y\"]}");
	assert_pos(&set.docs[0], "/b/1", 1, 15);
	dw_docset_release(&set);
	ck_assert_int_eq(load_str("[1, 2]\n---\n[3]\n", &set, &errs), 0);
	ck_assert_uint_eq(set.count, 2);
	assert_json(set.docs[1].root, "[3]");
	assert_pos(&set.docs[1], "/0", 3, 2);
	dw_docset_release(&set);
	ck_assert_int_eq(load_str("\"name\": x\n\"n\": 2\n", &set, &errs), 0);
	assert_json(set.docs[0].root, "{\"name\":\"x\",\"n\":2}");
	dw_docset_release(&set);
	ck_assert_int_eq(load_str("{\"a\": 1}  # a comment\n", &set, &errs), 0);
	assert_json(set.docs[0].root, "{\"a\":1}");
	dw_docset_release(&set);
	ck_assert_uint_eq(errs.count, 0);

	/* malformed either way: one finding, where the reader that went furthest stopped */
	ck_assert_int_eq(load_str("{\"a\": 1,\n \"b\" 2}", &set, &errs), DW_MALFORMED);
	ck_assert_uint_eq(set.count, 0);
	ck_assert_uint_eq(errs.count, 1);
	ck_assert_int_eq(errs.items[0].line, 2);
	dw_docset_release(&set);
	dw_findings_release(&errs);

	/* libyaml stops at the surrogate pair, the JSON reader gets further */
	dw_findings_init(&errs);
	ck_assert_int_eq(load_str("{\"a\": \"\\ud83d\\ude00\",\n \"b\" 2}", &set, &errs),
			 DW_MALFORMED);
	ck_assert_uint_eq(set.count, 0);
	assert_finding(&errs, 0, 2, 6, "", "expected ':' after the key, found '2'");
	ck_assert_uint_eq(errs.count, 1);
	dw_docset_release(&set);
	dw_findings_release(&errs);

	dw_findings_init(&errs);
	ck_assert_int_eq(load_str("[1, 2", &set, &errs), DW_MALFORMED);
	ck_assert_uint_eq(errs.count, 1);
	ck_assert_str_eq(errs.items[0].message,
			 "did not find expected ',' or ']' (while parsing a flow sequence at "
			 "line 1, column 1)");
	dw_docset_release(&set);
	dw_findings_release(&errs);
}
END_TEST

START_TEST(test_json_duplicate_key)
{
	struct dw_docset set;
	struct dw_findings errs;

	dw_findings_init(&errs);
	ck_assert_int_eq(
		load_str("{\"a\": 1,\n \"b\": {\"c\": 1, \"c\": 2}, \"a\": 3}", &set, &errs),
		DW_MALFORMED);
	ck_assert_uint_eq(set.count, 0);
	ck_assert_uint_eq(errs.count, 2);
	assert_finding(&errs, 0, 2, 16, "/b/c", "duplicate key 'c'");
	assert_finding(&errs, 1, 2, 25, "/a", "duplicate key 'a'");
	dw_docset_release(&set);
	dw_findings_release(&errs);
}
END_TEST

START_TEST(test_integer_overflow)
{
	struct dw_docset set;
	struct dw_findings errs;

	dw_findings_init(&errs);
	ck_assert_int_eq(load_str("{\"n\": 9223372036854775808}", &set, &errs), DW_MALFORMED);
	ck_assert_uint_eq(set.count, 0);
	assert_finding(&errs, 0, 1, 7, "/n", "integer '9223372036854775808' is out of range");
	dw_docset_release(&set);
	dw_findings_release(&errs);

	dw_findings_init(&errs);
	ck_assert_int_eq(load_str("[1e999, -123456789012345678901234567890]", &set, &errs),
			 DW_MALFORMED);
	ck_assert_uint_eq(errs.count, 2);
	assert_finding(&errs, 0, 1, 2, "/0", "number '1e999' is out of range");
	assert_finding(&errs, 1, 1, 9, "/1",
		       "integer '-123456789012345678901234567890' is out of range");
	dw_docset_release(&set);
	dw_findings_release(&errs);

	ck_assert_int_eq(load_str("{\"max\": 9223372036854775807, \"min\": -9223372036854775808,"
				  " \"small\": 1e-400, \"z\": -0, \"r\": -0.5E+1}",
				  &set, NULL),
			 0);
	ck_assert(json_integer_value(json_object_get(set.docs[0].root, "max")) == LLONG_MAX);
	ck_assert(json_integer_value(json_object_get(set.docs[0].root, "min")) == LLONG_MIN);
	assert_json(set.docs[0].root,
		    "{\"max\": 9223372036854775807, \"min\": -9223372036854775808, "
		    "\"small\": 0.0, \"z\": 0, \"r\": -5.0}");
	dw_docset_release(&set);
}
END_TEST

START_TEST(test_json_syntax)
{
	static const struct {
		const char *text;
		int line, col;
	} bad[] = {
		{ "{\"a\": [1,]]", 1, 11 },
		{ "{\"a\" 1}", 1, 6 },
		{ "[\"unterminated", 1, 15 },
		{ "[1, 2,, 3]", 1, 7 },
		{ "{\"a\": [}", 1, 8 },
		{ "{\"a\": \"x\" \"y\"}", 1, 11 },
		{ "{,}", 1, 2 },
		{ "{\"a\": 1}}", 1, 9 }, /* the document before the stray '}' loads */
	};
	/* not JSON, but YAML flow collections: read as YAML */
	static const char *yaml[][2] = {
		{ "{\"a\": 01}", "{\"a\":1}" },
		{ "[1., tru, 1e, -]", "[1.0,\"tru\",\"1e\",\"-\"]" },
		{ "{\"a\":1,\"b\":2,}", "{\"a\":1,\"b\":2}" },
		{ "[1 2]", "[\"1 2\"]" },
	};
	struct dw_docset set;
	struct dw_findings errs;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		dw_findings_init(&errs);
		ck_assert_msg(load_str(bad[i].text, &set, &errs) == DW_MALFORMED, "accepted %s",
			      bad[i].text);
		ck_assert_uint_eq(errs.count, 1);
		ck_assert_int_eq(errs.items[0].line, bad[i].line);
		ck_assert_int_eq(errs.items[0].col, bad[i].col);
		dw_docset_release(&set);
		dw_findings_release(&errs);
	}
	for (size_t i = 0; i < sizeof(yaml) / sizeof(yaml[0]); i++) {
		ck_assert_int_eq(load_str(yaml[i][0], &set, NULL), 0);
		ck_assert_uint_eq(set.count, 1);
		assert_json(set.docs[0].root, yaml[i][1]);
		dw_docset_release(&set);
	}
}
END_TEST

/* ---- scalars ---- */

struct scalar_case {
	const char *text;     /* the value in "v: TEXT" */
	const char *json;     /* expected value as JSON, or NULL */
	const char *message;  /* expected error, or NULL */
};

static const struct scalar_case scalar_cases[] = {
	{ "", "null", NULL },
	{ "~", "null", NULL },
	{ "null", "null", NULL },
	{ "Null", "null", NULL },
	{ "NULL", "null", NULL },
	{ "nULL", "\"nULL\"", NULL },
	{ "true", "true", NULL },
	{ "True", "true", NULL },
	{ "TRUE", "true", NULL },
	{ "false", "false", NULL },
	{ "False", "false", NULL },
	{ "FALSE", "false", NULL },
	{ "tRUE", "\"tRUE\"", NULL },
	{ "yes", "\"yes\"", NULL }, /* YAML 1.1 booleans are strings in 1.2 */
	{ "off", "\"off\"", NULL },
	{ "0", "0", NULL },
	{ "-17", "-17", NULL },
	{ "+5", "5", NULL },
	{ "007", "7", NULL },
	{ "0o17", "15", NULL },
	{ "0x1F", "31", NULL },
	{ "0xff", "255", NULL },
	{ "0b101", "\"0b101\"", NULL },
	{ "1_000", "\"1_000\"", NULL },
	{ "0x", "\"0x\"", NULL },
	{ "0o8", "\"0o8\"", NULL },
	{ "-0x1", "\"-0x1\"", NULL },
	{ "9223372036854775807", "9223372036854775807", NULL },
	{ "-9223372036854775808", "-9223372036854775808", NULL },
	{ "9223372036854775808", NULL, "integer '9223372036854775808' is out of range" },
	{ "-9223372036854775809", NULL, "integer '-9223372036854775809' is out of range" },
	{ "0x8000000000000000", NULL, "integer '0x8000000000000000' is out of range" },
	{ "0x7fffffffffffffff", "9223372036854775807", NULL },
	{ "0o1000000000000000000000", NULL, "integer '0o1000000000000000000000' is out of range" },
	{ "1.5", "1.5", NULL },
	{ "-0.25", "-0.25", NULL },
	{ ".5", "0.5", NULL },
	{ "1.", "1.0", NULL },
	{ "1e3", "1000.0", NULL },
	{ "1E-2", "0.01", NULL },
	{ "+1.5e+2", "150.0", NULL },
	{ "99.9", "99.9", NULL },
	{ "1e-400", "0.0", NULL },
	{ "1e999", NULL, "number '1e999' is out of range" },
	{ ".inf", NULL, "value '.inf' is not representable in JSON" },
	{ "-.Inf", NULL, "value '-.Inf' is not representable in JSON" },
	{ "+.INF", NULL, "value '+.INF' is not representable in JSON" },
	{ ".nan", NULL, "value '.nan' is not representable in JSON" },
	{ ".NaN", NULL, "value '.NaN' is not representable in JSON" },
	{ ".NAN", NULL, "value '.NAN' is not representable in JSON" },
	{ ".Nan", "\".Nan\"", NULL },
	{ "1.2.3", "\"1.2.3\"", NULL },
	{ "1e", "\"1e\"", NULL },
	{ "12abc", "\"12abc\"", NULL },
	{ "2027-03-01", "\"2027-03-01\"", NULL }, /* no timestamps in the core schema */
	{ "PT15M", "\"PT15M\"", NULL },
	{ "24x7", "\"24x7\"", NULL },
	{ "hello world", "\"hello world\"", NULL },
	/* quoted scalars are always strings */
	{ "'true'", "\"true\"", NULL },
	{ "\"1\"", "\"1\"", NULL },
	{ "'null'", "\"null\"", NULL },
	{ "'~'", "\"~\"", NULL },
	{ "\"\"", "\"\"", NULL },
	{ "\".inf\"", "\".inf\"", NULL },
	{ "|\n  line\n", "\"line\\n\"", NULL },
	{ ">-\n  12\n", "\"12\"", NULL },
	/* explicit tags */
	{ "!!str 1", "\"1\"", NULL },
	{ "!!str true", "\"true\"", NULL },
	{ "!!str", "\"\"", NULL },
	{ "!!int \"7\"", "7", NULL },
	{ "!!int 0x10", "16", NULL },
	{ "!!int 1.5", NULL, "'1.5' is not a valid !!int" },
	{ "!!float 1", "1.0", NULL },
	{ "!!float '2.5'", "2.5", NULL },
	{ "!!float .inf", NULL, "value '.inf' is not representable in JSON" },
	{ "!!float x", NULL, "'x' is not a valid !!float" },
	{ "!!bool 'true'", "true", NULL },
	{ "!!bool yes", NULL, "'yes' is not a valid !!bool" },
	{ "!!null ''", "null", NULL },
	{ "!!null x", NULL, "'x' is not a valid !!null" },
	{ "! 12", "\"12\"", NULL },
	{ "!foo bar", NULL, "unsupported tag '!foo'" },
	{ "!!timestamp 2001-12-14", NULL, "unsupported tag '!!timestamp'" },
	{ "!!binary aGk=", NULL, "unsupported tag '!!binary'" },
	{ "!!map {a: 1}", "{\"a\":1}", NULL },
	{ "!!seq [1]", "[1]", NULL },
	{ "! [1]", "[1]", NULL },
	{ "!!str [1]", NULL, "tag '!!str' does not apply to a sequence" },
	{ "!!seq {}", NULL, "tag '!!seq' does not apply to a mapping" },
	{ "!!set {a: null}", NULL, "unsupported tag '!!set'" },
	{ "!<tag:example.com,2000:x> 1", NULL, "unsupported tag 'tag:example.com,2000:x'" },
};

START_TEST(test_scalar_typing)
{
	const struct scalar_case *c = &scalar_cases[_i];
	struct dw_docset set;
	struct dw_findings errs;
	char text[256];
	int rc;

	snprintf(text, sizeof(text), "v: %s\n", c->text);
	dw_findings_init(&errs);
	rc = load_str(text, &set, &errs);
	if (c->json) {
		ck_assert_msg(rc == 0, "'%s': rc %d, %s", c->text, rc,
			      errs.count ? errs.items[0].message : "");
		ck_assert_uint_eq(set.count, 1);
		assert_json(json_object_get(set.docs[0].root, "v"), c->json);
	} else {
		ck_assert_msg(rc == DW_MALFORMED, "'%s' accepted", c->text);
		ck_assert_uint_eq(set.count, 0);
		ck_assert_uint_eq(errs.count, 1);
		assert_finding(&errs, 0, 1, 4, "/v", c->message);
	}
	dw_docset_release(&set);
	dw_findings_release(&errs);
}
END_TEST

START_TEST(test_root_scalars)
{
	struct dw_docset set;

	ck_assert_int_eq(load_str("42", &set, NULL), 0);
	assert_json(set.docs[0].root, "42");
	dw_docset_release(&set);
	ck_assert_int_eq(load_str("\"42\"", &set, NULL), 0);
	assert_json(set.docs[0].root, "\"42\"");
	dw_docset_release(&set);
	ck_assert_int_eq(load_str("--- plain text\n", &set, NULL), 0);
	assert_json(set.docs[0].root, "\"plain text\"");
	assert_pos(&set.docs[0], "", 1, 5);
	dw_docset_release(&set);
}
END_TEST

/* ---- keys ---- */

START_TEST(test_keys)
{
	struct dw_docset set;
	struct dw_findings errs;

	dw_findings_init(&errs);
	ck_assert_int_eq(load_str("1: a\ntrue: b\n~: c\n0x10: d\n'q': e\n? f\n: g\n", &set, &errs),
			 0);
	assert_json(set.docs[0].root,
		    "{\"1\":\"a\",\"true\":\"b\",\"~\":\"c\",\"0x10\":\"d\",\"q\":\"e\","
		    "\"f\":\"g\"}");
	assert_pos(&set.docs[0], "/0x10", 4, 7);
	assert_pos(&set.docs[0], "/f", 7, 3);
	dw_docset_release(&set);

	ck_assert_int_eq(load_str("? [a, b]\n: 1\nok: 2\n? {x: 1}\n: 3\n", &set, &errs),
			 DW_MALFORMED);
	ck_assert_uint_eq(set.count, 0);
	ck_assert_uint_eq(errs.count, 2);
	assert_finding(&errs, 0, 1, 3, "", "mapping key is a sequence, not a scalar");
	assert_finding(&errs, 1, 4, 3, "", "mapping key is a mapping, not a scalar");
	dw_docset_release(&set);
	dw_findings_release(&errs);

	dw_findings_init(&errs);
	ck_assert_int_eq(load_str("a: !foo k\n!bar b: 1\n", &set, &errs), DW_MALFORMED);
	ck_assert_uint_eq(errs.count, 2);
	assert_finding(&errs, 1, 2, 1, "", "unsupported tag '!bar'");
	dw_docset_release(&set);
	dw_findings_release(&errs);
}
END_TEST

START_TEST(test_duplicate_keys)
{
	struct dw_docset set;
	struct dw_findings errs;

	dw_findings_init(&errs);
	ck_assert_int_eq(load_str("owner: a\nspec:\n  x: 1\n  'x': [1]\n  y: 2\nowner: b\n", &set,
				  &errs),
			 DW_MALFORMED);
	ck_assert_uint_eq(set.count, 0);
	ck_assert_uint_eq(errs.count, 2);
	assert_finding(&errs, 0, 4, 3, "/spec/x", "duplicate key 'x'");
	assert_finding(&errs, 1, 6, 1, "/owner", "duplicate key 'owner'");
	ck_assert_str_eq(errs.items[0].file, "t.yaml");
	dw_docset_release(&set);
	dw_findings_release(&errs);

	/* keys that differ only in how they are written are the same key */
	dw_findings_init(&errs);
	ck_assert_int_eq(load_str("{1: a, \"1\": b}\n", &set, &errs), DW_MALFORMED);
	assert_finding(&errs, 0, 1, 8, "/1", "duplicate key '1'");
	dw_docset_release(&set);
	dw_findings_release(&errs);
}
END_TEST

/* ---- anchors and aliases ---- */

START_TEST(test_aliases)
{
	struct dw_docset set;
	struct dw_findings errs;
	json_t *base, *copy;
	int line, col;

	dw_findings_init(&errs);
	ck_assert_int_eq(load_str("base: &b {x: 1, y: [1, &s two]}\ncopy: *b\nk: {*s : 3}\n"
				  "again: *s\n",
				  &set, &errs),
			 0);
	ck_assert_uint_eq(errs.count, 0);
	base = json_object_get(set.docs[0].root, "base");
	copy = json_object_get(set.docs[0].root, "copy");
	assert_json(copy, "{\"x\":1,\"y\":[1,\"two\"]}");
	assert_json(json_object_get(set.docs[0].root, "k"), "{\"two\":3}");
	assert_json(json_object_get(set.docs[0].root, "again"), "\"two\"");
	/* a deep copy: changing it leaves the anchored node alone */
	ck_assert_ptr_ne(base, copy);
	json_object_set_new(copy, "x", json_integer(2));
	assert_json(base, "{\"x\":1,\"y\":[1,\"two\"]}");
	/* the copy is located at the alias */
	assert_pos(&set.docs[0], "/copy", 2, 7);
	ck_assert_int_eq(dw_doc_locate(&set.docs[0], "/copy/y/1", &line, &col), 0);
	ck_assert_int_eq(line, 2);
	ck_assert_int_eq(col, 7);
	dw_docset_release(&set);

	/* anchors do not cross documents; undefined and self-containing aliases are errors */
	ck_assert_int_eq(load_str("a: &x 1\n---\nb: *x\n---\nc: &y [1, *y]\n", &set, &errs),
			 DW_MALFORMED);
	ck_assert_uint_eq(set.count, 1);
	ck_assert_uint_eq(errs.count, 2);
	assert_finding(&errs, 0, 3, 4, "/b", "undefined alias '*x'");
	assert_finding(&errs, 1, 5, 11, "/c/1", "alias '*y' refers to a node that contains it");
	dw_docset_release(&set);
	dw_findings_release(&errs);
}
END_TEST

START_TEST(test_billion_laughs)
{
	struct dw_docset set;
	struct dw_findings errs;

	dw_findings_init(&errs);
	ck_assert_int_eq(load_fixture("billion-laughs.yaml", &set, &errs), DW_MALFORMED);
	ck_assert_uint_eq(set.count, 0);
	ck_assert_uint_eq(errs.count, 1);
	ck_assert_str_eq(errs.items[0].message,
			 "aliases expand to more than 100000 nodes");
	ck_assert_str_eq(errs.items[0].file, "billion-laughs.yaml");
	ck_assert_int_gt(errs.items[0].line, 1);
	dw_docset_release(&set);
	dw_findings_release(&errs);
}
END_TEST

START_TEST(test_alias_depth)
{
	/* a 100-deep anchored node used 50 levels down is 150 deep */
	char *a = nested("a: &a ", 99, "[", "1", "]");
	char *b = nested("b: ", 49, "[", "*a", "]");
	size_t la = strlen(a), lb = strlen(b);
	char *s = malloc(la + lb + 1);
	struct dw_docset set;
	struct dw_findings errs;

	ck_assert_ptr_nonnull(s);
	memcpy(s, a, la);
	memcpy(s + la, b, lb + 1);
	dw_findings_init(&errs);
	ck_assert_int_eq(load_str(s, &set, &errs), DW_MALFORMED);
	ck_assert_uint_eq(errs.count, 1);
	ck_assert_str_eq(errs.items[0].message, "nesting deeper than 128 levels");
	ck_assert_int_eq(errs.items[0].line, 2);
	ck_assert_int_eq(errs.items[0].col, 53);
	dw_docset_release(&set);
	dw_findings_release(&errs);
	free(a);
	free(b);
	free(s);
}
END_TEST

/* ---- limits ---- */

START_TEST(test_deep_yaml_flow)
{
	/* the root mapping is level 1, the 128th '[' level 129 */
	expect_too_deep(nested("x: ", 10000, "[", "", "]"), 1, 131);
	expect_too_deep(nested("x: ", 10000, "{a: ", "1", "}"), 1, 4 + 127 * 4);
}
END_TEST

START_TEST(test_deep_json)
{
	expect_too_deep(nested("", 10000, "[", "", "]"), 1, 129);
	expect_too_deep(nested("", 10000, "{\"a\":", "1", "}"), 1, 1 + 128 * 5);
	expect_too_deep(nested("", 10000, "[", "x", "]"), 1, 129);
}
END_TEST

START_TEST(test_deep_yaml_block)
{
	size_t levels = 200, n = 0;
	char *s = malloc(levels * (2 * levels + 4) + 1);
	struct dw_docset set;
	struct dw_findings errs;

	ck_assert_ptr_nonnull(s);
	for (size_t i = 0; i < levels; i++) {
		memset(s + n, ' ', 2 * i);
		n += 2 * i;
		memcpy(s + n, "a:\n", 3);
		n += 3;
	}
	s[n] = '\0';
	dw_findings_init(&errs);
	ck_assert_int_eq(load_str(s, &set, &errs), DW_MALFORMED);
	ck_assert_uint_eq(errs.count, 1);
	ck_assert_str_eq(errs.items[0].message, "nesting deeper than 128 levels");
	/* the mapping that starts on line k is at level k */
	ck_assert_int_eq(errs.items[0].line, 129);
	ck_assert_int_eq(errs.items[0].col, 2 * 128 + 1);
	dw_docset_release(&set);
	dw_findings_release(&errs);
	free(s);
}
END_TEST

START_TEST(test_depth_boundary)
{
	struct dw_docset set;
	char *s;

	/* 127 arrays around a scalar: 128 levels, accepted by both readers */
	s = nested("", 127, "[", "1", "]");
	ck_assert_int_eq(load_str(s, &set, NULL), 0);
	ck_assert_uint_eq(dw_json_depth(set.docs[0].root, 1000), 128);
	dw_docset_release(&set);
	free(s);
	s = nested("x: ", 126, "[", "1", "]");
	ck_assert_int_eq(load_str(s, &set, NULL), 0);
	ck_assert_uint_eq(dw_json_depth(set.docs[0].root, 1000), 128);
	dw_docset_release(&set);
	free(s);
	s = nested("", 128, "[", "", "]");
	ck_assert_int_eq(load_str(s, &set, NULL), 0);
	dw_docset_release(&set);
	free(s);
	expect_too_deep(nested("", 128, "[", "1", "]"), 1, 129);
	expect_too_deep(nested("x: ", 127, "[", "1", "]"), 1, 131);
}
END_TEST

START_TEST(test_json_depth)
{
	json_t *v = json_integer(1), *deep, *cur;

	ck_assert_uint_eq(dw_json_depth(NULL, 10), 0);
	ck_assert_uint_eq(dw_json_depth(v, 10), 1);
	ck_assert_uint_eq(dw_json_depth(v, 0), 1);
	json_decref(v);
	v = json_loads("{\"a\": [1, {\"b\": []}], \"c\": 2}", 0, NULL);
	ck_assert_uint_eq(dw_json_depth(v, 10), 4);
	ck_assert_uint_eq(dw_json_depth(v, 4), 4);
	ck_assert_uint_eq(dw_json_depth(v, 3), 4);
	ck_assert_uint_eq(dw_json_depth(v, 2), 3);
	json_decref(v);
	v = json_array();
	ck_assert_uint_eq(dw_json_depth(v, 10), 1);
	json_decref(v);

	/* a value built in memory 10,000 deep is measured without recursion */
	deep = json_array();
	cur = deep;
	for (int i = 0; i < 10000; i++) {
		json_t *o = i % 2 ? json_array() : json_object();
		if (json_is_array(cur))
			json_array_append_new(cur, o);
		else
			json_object_set_new(cur, "k", o);
		cur = o;
	}
	ck_assert_uint_eq(dw_json_depth(deep, 128), 129);
	ck_assert_uint_eq(dw_json_depth(deep, (size_t)-1), 10001);
	json_decref(deep);
}
END_TEST

/* ---- encoding ---- */

START_TEST(test_invalid_utf8)
{
	static const struct {
		const char *text;
		int line, col;
		const char *message;
	} cases[] = {
		{ "a: \xc0\xaf\n", 1, 4, "invalid UTF-8 byte 0xC0" }, /* overlong */
		{ "a: ok\nb: \xed\xa0\x80\n", 2, 4, "invalid UTF-8 byte 0xED" }, /* surrogate */
		{ "a: \xe2\x82", 1, 4, "invalid UTF-8 byte 0xE2" }, /* cut short */
		{ "a: \xf4\x90\x80\x80\n", 1, 4, "invalid UTF-8 byte 0xF4" }, /* > U+10FFFF */
		{ "a: x\x80y\n", 1, 5, "invalid UTF-8 byte 0x80" },
		{ "{\"a\": \"\xc3\xa9\xff\"}", 1, 9, "invalid UTF-8 byte 0xFF" },
	};
	struct dw_docset set;
	struct dw_findings errs;

	dw_findings_init(&errs);
	ck_assert_int_eq(load_fixture("invalid-utf8.yaml", &set, &errs), DW_MALFORMED);
	ck_assert_uint_eq(set.count, 0);
	assert_finding(&errs, 0, 3, 14, "", "invalid UTF-8 byte 0xFF");
	ck_assert_str_eq(errs.items[0].file, "invalid-utf8.yaml");
	dw_docset_release(&set);
	dw_findings_release(&errs);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		dw_findings_init(&errs);
		ck_assert_int_eq(load_str(cases[i].text, &set, &errs), DW_MALFORMED);
		ck_assert_uint_eq(set.count, 0);
		ck_assert_uint_eq(errs.count, 1);
		assert_finding(&errs, 0, cases[i].line, cases[i].col, "", cases[i].message);
		dw_docset_release(&set);
		dw_findings_release(&errs);
	}
}
END_TEST

START_TEST(test_control_characters)
{
	static const char text[] = "a: 1\nb: x\0y\n";
	struct dw_docset set;
	struct dw_findings errs;

	dw_findings_init(&errs);
	ck_assert_int_eq(dw_load(text, sizeof(text) - 1, NULL, &set, &errs), DW_MALFORMED);
	ck_assert_uint_eq(set.count, 0);
	assert_finding(&errs, 0, 2, 5, "", "control characters are not allowed (U+0000)");
	dw_docset_release(&set);
	dw_findings_release(&errs);
}
END_TEST

#if TEST_OOM
static const char *oom_inputs[] = {
	("# descriptor\napiVersion: driveway/v1\nmetadata:\n  name: customer\n  tags: [a, b]\n"
	 "spec:\n  endpoints:\n    - {environment: prod, url: 'https://x'}\n---\nb: 1\n"),
	"base: &b {x: 1, y: [1, &s two]}\ncopy: *b\nk: {*s : 3}\nagain: *s\n",
	"a: 1\na: 2\n---\nb: !foo x\n---\nc: [1, 0x8000000000000000]\n---\nd: {e: [\n",
	"{\"a\": [1, 2.5, true, null, \"\\u00e9\\ud83d\\ude00\"], \"b\": {\"c\": {}}, \"a\": 1}",
	"{\"a\": 1, b: [x, 'y']}\n---\n[1]\n",
	"{\"a\": [1,]]",
	"a: \xff\n",
	"? [a]\n: 1\nx: *nothing\n",
};

START_TEST(test_out_of_memory)
{
	const char *text = oom_inputs[_i];

	for (long at = 0;; at++) {
		struct dw_docset set;
		struct dw_findings errs;
		size_t count;
		int rc, noticed;

		oom_count = 0;
		oom_fail_at = at;
		oom_failed = 0;
		oom_live = 0;
		oom_on = 1;
		dw_findings_init(&errs);
		rc = dw_load(text, strlen(text), "t.yaml", &set, &errs);
		count = set.count;
		noticed = rc == DW_NOMEM || dw_findings_oom(&errs);
		dw_docset_release(&set);
		dw_findings_release(&errs);
		oom_on = 0; /* Check's own assertions allocate */
		ck_assert(rc != DW_NOMEM || count == 0);
		ck_assert_msg(!oom_failed || noticed,
			      "input %d: allocation %ld failed unnoticed (rc %d)", _i, at, rc);
		ck_assert_msg(oom_live == 0, "input %d: allocation %ld failed, %ld blocks leaked",
			      _i, at, oom_live);
		if (!oom_failed)
			break;
	}
}
END_TEST
#endif

static Suite *load_suite(void)
{
	Suite *s = suite_create("load");
	TCase *tc = tcase_create("documents");
	TCase *pos = tcase_create("positions");
	TCase *json = tcase_create("json");
	TCase *scalars = tcase_create("scalars");
	TCase *keys = tcase_create("keys");
	TCase *limits = tcase_create("limits");

	tcase_add_test(tc, test_multi_document);
	tcase_add_test(tc, test_bad_document_does_not_stop_others);
	tcase_add_test(tc, test_syntax_error_ends_text);
	tcase_add_test(tc, test_only_comments);
	tcase_add_test(tc, test_length_is_honoured);
	tcase_add_test(tc, test_invalid_utf8);
	tcase_add_test(tc, test_control_characters);
	suite_add_tcase(s, tc);

	tcase_add_test(pos, test_positions_nested);
	tcase_add_test(pos, test_locate_without_positions);
	tcase_add_test(pos, test_locate_findings);
	tcase_add_test(pos, test_crlf);
	tcase_add_test(pos, test_bom);
	tcase_add_test(pos, test_utf16);
	tcase_add_test(pos, test_columns_are_characters);
	suite_add_tcase(s, pos);

	tcase_add_test(json, test_compact_json);
	tcase_add_test(json, test_json_escapes);
	tcase_add_test(json, test_json_bad_escapes);
	tcase_add_test(json, test_json_tabs);
	tcase_add_test(json, test_json_like_yaml);
	tcase_add_test(json, test_json_duplicate_key);
	tcase_add_test(json, test_integer_overflow);
	tcase_add_test(json, test_json_syntax);
	suite_add_tcase(s, json);

	tcase_add_loop_test(scalars, test_scalar_typing, 0,
			    (int)(sizeof(scalar_cases) / sizeof(scalar_cases[0])));
	tcase_add_test(scalars, test_root_scalars);
	suite_add_tcase(s, scalars);

	tcase_add_test(keys, test_keys);
	tcase_add_test(keys, test_duplicate_keys);
	tcase_add_test(keys, test_aliases);
	suite_add_tcase(s, keys);

	/* the expansion and nesting limits do real work; give them time under sanitizers */
	tcase_set_timeout(limits, 120);
	tcase_add_test(limits, test_billion_laughs);
	tcase_add_test(limits, test_alias_depth);
	tcase_add_test(limits, test_deep_yaml_flow);
	tcase_add_test(limits, test_deep_json);
	tcase_add_test(limits, test_deep_yaml_block);
	tcase_add_test(limits, test_depth_boundary);
	tcase_add_test(limits, test_json_depth);
#if TEST_OOM
	tcase_add_loop_test(limits, test_out_of_memory, 0,
			    (int)(sizeof(oom_inputs) / sizeof(oom_inputs[0])));
#endif
	suite_add_tcase(s, limits);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(load_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
