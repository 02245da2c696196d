/*
 * test_compat: the data-driven suite of the compatibility engines.
 *
 * Every directory tests/fixtures/compat/<format>/<case>/ holds old.json + new.json (or
 * v1.json ... vN.json + new.json; .yaml works too; for protobuf old.proto, new.proto ..., read
 * as JSON strings of their text) and expect.txt:
 *
 *   # comment
 *   + rule.id            the change must be reported (against any earlier version)
 *   - rule.id            it must not be reported
 *   = N                  exactly N changes in total
 *   MODE compatible      the verdict under MODE (NONE, BACKWARD, ..., FULL_TRANSITIVE)
 *   MODE incompatible
 *
 * Beyond the cases, the suite requires of every rule in every table: a case that triggers it,
 * a near-miss case that names it with '-', and an example pair (shown in docs/rules.md) that
 * really triggers it. And docs/rules.md must equal compat_rules_markdown().
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "validators/compat.h"
#include "validators/load.h"
#include "tests/unit/testutil.h"

#define MAX_CASES 4096
#define MAX_VERSIONS 64

struct ccase {
	char dir[512];
	char name[256];
	enum dw_format format;
};

static struct ccase cases[MAX_CASES];
static size_t ncases;

static const struct {
	const char *dir;
	enum dw_format format;
	const struct dw_rule *rules;
	const size_t *count;
} formats[] = {
    {"avro", DW_FMT_AVRO, compat_avro_rules, &compat_avro_rule_count},
    {"jsonschema", DW_FMT_JSONSCHEMA, compat_jsonschema_rules, &compat_jsonschema_rule_count},
    {"openapi", DW_FMT_OPENAPI, compat_openapi_rules, &compat_openapi_rule_count},
    {"table", DW_FMT_ODCS, compat_table_rules, &compat_table_rule_count},
    {"protobuf", DW_FMT_PROTOBUF, compat_protobuf_rules, &compat_protobuf_rule_count},
};

#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

/* Loads dir/stem.json or dir/stem.yaml (dir/stem.proto as a JSON string of its text, the
 * form a protobuf contract is registered in); NULL when none exists. */
static json_t *load_doc(const char *dir, const char *stem)
{
	static const char *const exts[] = {".json", ".yaml", ".yml"};
	char path[1024];
	char *proto;
	size_t plen;

	TU_PATHF(path, "%s/%s.proto", dir, stem);
	proto = tu_read_file(path, &plen);
	if (proto) {
		json_t *doc = json_stringn(proto, plen);
		if (!doc)
			fprintf(stderr, "%s: not UTF-8 text\n", path);
		free(proto);
		return doc;
	}
	for (size_t i = 0; i < 3; i++) {
		struct dw_docset set;
		struct dw_findings errs;
		json_t *doc = NULL;
		size_t len;
		char *text;

		TU_PATHF(path, "%s/%s%s", dir, stem, exts[i]);
		text = tu_read_file(path, &len);
		if (!text)
			continue;
		dw_findings_init(&errs);
		if (dw_load(text, len, path, &set, &errs) == 0 && set.count == 1)
			doc = json_incref(set.docs[0].root);
		if (!doc)
			fprintf(stderr, "%s: does not load as one document\n", path);
		dw_docset_release(&set);
		dw_findings_release(&errs);
		free(text);
		return doc;
	}
	return NULL;
}

static int cmp_case(const void *a, const void *b)
{
	return strcmp(((const struct ccase *)a)->dir, ((const struct ccase *)b)->dir);
}

static void discover(void)
{
	char base[1024];

	for (size_t f = 0; f < NFORMATS; f++) {
		DIR *d;
		struct dirent *e;

		if (snprintf(base, sizeof(base), "%s/tests/fixtures/compat/%s", tu_root(),
		             formats[f].dir) >= (int)sizeof(base))
			continue;
		d = opendir(base);
		if (!d)
			continue;
		while ((e = readdir(d)) && ncases < MAX_CASES) {
			struct ccase *c = &cases[ncases];
			char expect[1300];
			struct stat st;

			if (e->d_name[0] == '.')
				continue;
			/* Not inside a test yet: skip what does not fit rather than assert. */
			if (snprintf(c->dir, sizeof(c->dir), "%s/%s", base, e->d_name) >=
			        (int)sizeof(c->dir) ||
			    snprintf(expect, sizeof(expect), "%s/expect.txt", c->dir) >=
			        (int)sizeof(expect) ||
			    snprintf(c->name, sizeof(c->name), "%s/%s", formats[f].dir,
			             e->d_name) >= (int)sizeof(c->name))
				continue;
			if (stat(expect, &st) != 0)
				continue;
			c->format = formats[f].format;
			ncases++;
		}
		closedir(d);
	}
	qsort(cases, ncases, sizeof(cases[0]), cmp_case);
}

/* The documents of a case: earlier versions oldest first, and the new one. */
struct versions {
	json_t *docs[MAX_VERSIONS];
	int numbers[MAX_VERSIONS];
	size_t n;
	json_t *candidate;
};

static void versions_load(const struct ccase *c, struct versions *v)
{
	json_t *old = load_doc(c->dir, "old");

	memset(v, 0, sizeof(*v));
	if (old) {
		v->docs[0] = old;
		v->numbers[0] = 1;
		v->n = 1;
	} else {
		for (int i = 1; i < MAX_VERSIONS; i++) {
			char stem[16];
			json_t *doc;
			snprintf(stem, sizeof(stem), "v%d", i);
			doc = load_doc(c->dir, stem);
			if (!doc)
				break;
			v->docs[v->n] = doc;
			v->numbers[v->n] = i;
			v->n++;
		}
	}
	v->candidate = load_doc(c->dir, "new");
}

static void versions_release(struct versions *v)
{
	for (size_t i = 0; i < v->n; i++)
		json_decref(v->docs[i]);
	json_decref(v->candidate);
}

static int has_rule(const struct dw_changes *ch, const char *id)
{
	for (size_t i = 0; i < ch->count; i++)
		if (strcmp(ch->items[i].rule->id, id) == 0)
			return 1;
	return 0;
}

static void dump_changes(const char *name, const struct dw_changes *ch)
{
	fprintf(stderr, "%s: %zu changes\n", name, ch->count);
	for (size_t i = 0; i < ch->count; i++)
		fprintf(stderr, "  %s (v%d) %s -> %s: %s\n", ch->items[i].rule->id,
		        ch->items[i].version,
		        ch->items[i].old_pointer ? ch->items[i].old_pointer : "-",
		        ch->items[i].new_pointer ? ch->items[i].new_pointer : "-",
		        ch->items[i].message);
}

START_TEST(fixture_case)
{
	const struct ccase *c = &cases[_i];
	struct versions v;
	struct dw_changes all;
	char path[1024];
	char *expect, *line, *save = NULL;
	int compatible, failures = 0;
	const json_t *const *earlier;

	TU_PATHF(path, "%s/expect.txt", c->dir);
	expect = tu_read_file(path, NULL);
	ck_assert_msg(expect != NULL, "%s: cannot read expect.txt", c->name);
	versions_load(c, &v);
	ck_assert_msg(v.n > 0 && v.candidate, "%s: needs old+new or v1..vN+new", c->name);
	earlier = (const json_t *const *)v.docs;

	/* Every change against every earlier version. */
	dw_changes_init(&all);
	ck_assert_int_eq(compat_check(c->format, DW_MODE_FULL_TRANSITIVE, v.candidate, earlier,
	                              v.numbers, v.n, &compatible, &all),
	                 0);
	for (line = strtok_r(expect, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char mode[64], verdict[32], id[128];
		long count;

		while (*line == ' ' || *line == '\t')
			line++;
		if (!*line || *line == '#')
			continue;
		if (sscanf(line, "+ %127s", id) == 1) {
			if (!has_rule(&all, id)) {
				fprintf(stderr, "%s: expected change %s\n", c->name, id);
				failures++;
			}
		} else if (sscanf(line, "- %127s", id) == 1) {
			if (has_rule(&all, id)) {
				fprintf(stderr, "%s: unexpected change %s\n", c->name, id);
				failures++;
			}
		} else if (sscanf(line, "= %ld", &count) == 1) {
			if ((long)all.count != count) {
				fprintf(stderr, "%s: expected %ld changes, got %zu\n", c->name,
				        count, all.count);
				failures++;
			}
		} else if (sscanf(line, "%63s %31s", mode, verdict) == 2) {
			enum dw_mode m = compat_mode_parse(mode);
			struct dw_changes ch;
			int want = strcmp(verdict, "compatible") == 0;

			ck_assert_msg(m != DW_MODE_UNKNOWN, "%s: unknown mode '%s'", c->name, mode);
			ck_assert_msg(want || strcmp(verdict, "incompatible") == 0,
			              "%s: bad verdict '%s'", c->name, verdict);
			dw_changes_init(&ch);
			ck_assert_int_eq(compat_check(c->format, m, v.candidate, earlier, v.numbers,
			                              v.n, &compatible, &ch),
			                 0);
			if (compatible != want) {
				fprintf(stderr, "%s: %s should be %s\n", c->name, mode, verdict);
				failures++;
			}
			dw_changes_release(&ch);
		} else {
			ck_abort_msg("%s: cannot read expect line '%s'", c->name, line);
		}
	}
	if (failures)
		dump_changes(c->name, &all);
	dw_changes_release(&all);
	versions_release(&v);
	free(expect);
	ck_assert_msg(failures == 0, "%s: %d expectations failed (changes listed above)", c->name,
	              failures);
}
END_TEST

/* Does some case's expect.txt have a line "<sign> <id>"? */
static int case_mentions(enum dw_format fmt, char sign, const char *id)
{
	char path[1024];

	for (size_t i = 0; i < ncases; i++) {
		char *text, *p;
		size_t idlen = strlen(id);
		int found = 0;

		if (cases[i].format != fmt)
			continue;
		TU_PATHF(path, "%s/expect.txt", cases[i].dir);
		text = tu_read_file(path, NULL);
		for (p = text; p && *p && !found;
		     p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
			const char *q = p;
			while (*q == ' ' || *q == '\t')
				q++;
			if (q[0] == sign && q[1] == ' ' && strncmp(q + 2, id, idlen) == 0 &&
			    (q[2 + idlen] == '\n' || q[2 + idlen] == '\0' || q[2 + idlen] == ' ' ||
			     q[2 + idlen] == '\r' || q[2 + idlen] == '\t'))
				found = 1;
		}
		free(text);
		if (found)
			return 1;
	}
	return 0;
}

START_TEST(every_rule_has_trigger_and_near_miss)
{
	int missing = 0;

	for (size_t f = 0; f < NFORMATS; f++) {
		for (size_t j = 0; j < *formats[f].count; j++) {
			const char *id = formats[f].rules[j].id;
			if (!case_mentions(formats[f].format, '+', id)) {
				fprintf(stderr, "rule %s: no triggering case\n", id);
				missing++;
			}
			if (!case_mentions(formats[f].format, '-', id)) {
				fprintf(stderr, "rule %s: no near-miss case\n", id);
				missing++;
			}
		}
	}
	ck_assert_msg(missing == 0, "%d rule cases missing (listed above)", missing);
}
END_TEST

START_TEST(every_rule_example_triggers_it)
{
	int bad = 0;

	for (size_t f = 0; f < NFORMATS; f++) {
		for (size_t j = 0; j < *formats[f].count; j++) {
			const struct dw_rule *r = &formats[f].rules[j];
			json_error_t jerr;
			json_t *o = json_loads(r->example_old, JSON_DECODE_ANY, &jerr);
			json_t *n = json_loads(r->example_new, JSON_DECODE_ANY, &jerr);
			struct dw_changes ch;

			dw_changes_init(&ch);
			if (!o || !n || compat_diff(r->format, o, n, &ch) != 0 ||
			    !has_rule(&ch, r->id)) {
				fprintf(stderr, "rule %s: its example does not trigger it\n",
				        r->id);
				bad++;
			}
			ck_assert_int_eq(r->format, formats[f].format);
			dw_changes_release(&ch);
			json_decref(o);
			json_decref(n);
		}
	}
	ck_assert_msg(bad == 0, "%d rule examples do not trigger their rule", bad);
}
END_TEST

START_TEST(rule_ids_unique_and_well_formed)
{
	for (size_t f = 0; f < NFORMATS; f++) {
		for (size_t j = 0; j < *formats[f].count; j++) {
			const struct dw_rule *r = &formats[f].rules[j];
			const char *prefix = formats[f].dir;
			size_t plen = strlen(prefix);

			ck_assert_msg(strncmp(r->id, prefix, plen) == 0 && r->id[plen] == '.',
			              "rule %s should start with '%s.'", r->id, prefix);
			for (const char *p = r->id + plen + 1; *p; p++)
				ck_assert_msg((*p >= 'a' && *p <= 'z') ||
				                  (*p >= '0' && *p <= '9') || *p == '-',
				              "rule id %s is not kebab case", r->id);
			ck_assert_ptr_eq(compat_rule_find(r->id), r);
			ck_assert_msg(r->summary && *r->summary, "rule %s has no summary", r->id);
			ck_assert_msg(r->quiet == DW_CHANGE_WARNING || r->quiet == DW_CHANGE_INFO,
			              "rule %s: quiet severity must be warning or info", r->id);
		}
	}
}
END_TEST

START_TEST(modes_table)
{
	ck_assert_int_eq(compat_mode_parse("BACKWARD"), DW_MODE_BACKWARD);
	ck_assert_int_eq(compat_mode_parse("FULL_TRANSITIVE"), DW_MODE_FULL_TRANSITIVE);
	ck_assert_int_eq(compat_mode_parse("backward"), DW_MODE_UNKNOWN);
	ck_assert_int_eq(compat_mode_parse("BACKWRD"), DW_MODE_UNKNOWN);
	ck_assert_uint_eq(compat_mode_directions(DW_MODE_NONE), 0);
	ck_assert_uint_eq(compat_mode_directions(DW_MODE_FORWARD_TRANSITIVE), DW_BREAKS_FORWARD);
	ck_assert_uint_eq(compat_mode_directions(DW_MODE_FULL),
	                  DW_BREAKS_BACKWARD | DW_BREAKS_FORWARD);
	ck_assert(compat_mode_transitive(DW_MODE_BACKWARD_TRANSITIVE));
	ck_assert(!compat_mode_transitive(DW_MODE_FULL));
	ck_assert_str_eq(compat_mode_name(DW_MODE_FORWARD), "FORWARD");
}
END_TEST

START_TEST(rules_doc_is_generated)
{
	char path[1024];
	char *doc, *gen = compat_rules_markdown();

	TU_PATHF(path, "%s/docs/rules.md", tu_root());
	doc = tu_read_file(path, NULL);
	ck_assert_ptr_nonnull(gen);
	ck_assert_msg(doc != NULL, "cannot read %s", path);
	ck_assert_msg(strcmp(doc, gen) == 0,
	              "docs/rules.md differs from the rule tables: run "
	              "`build/driveway rules --format markdown > docs/rules.md`");
	free(doc);
	free(gen);
}
END_TEST

static Suite *compat_suite(void)
{
	Suite *s = suite_create("compat");
	TCase *tc = tcase_create("cases");
	TCase *meta = tcase_create("catalogue");

	discover();
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, fixture_case, 0, (int)ncases);
	tcase_add_test(meta, every_rule_has_trigger_and_near_miss);
	tcase_add_test(meta, every_rule_example_triggers_it);
	tcase_add_test(meta, rule_ids_unique_and_well_formed);
	tcase_add_test(meta, modes_table);
	tcase_add_test(meta, rules_doc_is_generated);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, meta);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(compat_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	printf("compat: %zu fixture cases\n", ncases);
	return failed ? 1 : 0;
}
