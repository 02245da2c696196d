/*
 * test_refs: schema references (validators/refs.c): Avro inlining per the spec's "Names"
 * (namespaces, the null namespace, relative names, one definition per type, nested named types,
 * unions, arrays, maps, several references, errors), JSON Schema embedding under "$defs"
 * (whole documents, fragments, escaping, references inside the embedded copy, nested
 * references, compatibility through the resolved schemas), Protobuf imports given with their
 * text (packages, leading dots, nested types, enums, import public, errors), and garbage
 * references that must not crash.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validators/compat.h"
#include "validators/contract.h"
#include "validators/error.h"
#include "validators/jsonschema.h"
#include "validators/protobuf.h"
#include "validators/refs.h"
#include "tests/unit/testutil.h"

#define MAXREFS 8

static json_t *J(const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &e);

	ck_assert_msg(v != NULL, "bad fixture: %s: %s", e.text, text);
	return v;
}

static void show(const struct dw_findings *f)
{
	for (size_t i = 0; i < f->count; i++)
		fprintf(stderr, "  %s%s%d:%d: %s: %s\n", f->items[i].file ? f->items[i].file : "",
		        f->items[i].file ? ":" : "", f->items[i].line, f->items[i].col,
		        f->items[i].pointer, f->items[i].message);
}

static int has(const struct dw_findings *f, enum dw_severity sev, const char *part)
{
	for (size_t i = 0; i < f->count; i++)
		if (f->items[i].severity == sev && strstr(f->items[i].message, part))
			return 1;
	return 0;
}

/*
 * Resolves contract (JSON text; for protobuf the .proto text) with references name[i] ->
 * text[i] (same convention). Findings stay in f (initialised here); returns the result code.
 */
static int resolve(enum dw_format fmt, const char *contract, const char *const *names,
                   const char *const *texts, size_t n, struct dw_findings *f, json_t **out)
{
	struct dw_ref refs[MAXREFS];
	json_t *c = fmt == DW_FMT_PROTOBUF ? json_string(contract) : J(contract);
	int rc;

	ck_assert_uint_le(n, MAXREFS);
	for (size_t i = 0; i < n; i++) {
		refs[i].name = names[i];
		refs[i].contract = fmt == DW_FMT_PROTOBUF ? json_string(texts[i]) : J(texts[i]);
	}
	dw_findings_init(f);
	rc = refs_resolve(fmt, c, refs, n, "/schema", f, out);
	if (rc)
		ck_assert_msg(*out == NULL, "resolved set on failure");
	for (size_t i = 0; i < n; i++)
		json_decref((json_t *)refs[i].contract);
	json_decref(c);
	return rc;
}

static const json_t *at(const json_t *root, const char *pointer)
{
	const json_t *v = dw_pointer_get(root, pointer);
	ck_assert_msg(v != NULL, "no %s in %s", pointer, json_dumps(root, JSON_COMPACT));
	return v;
}

static const char *str_at(const json_t *root, const char *pointer)
{
	const char *s = json_string_value(at(root, pointer));
	ck_assert_msg(s != NULL, "%s is not a string", pointer);
	return s;
}

/* Resolution succeeded without any finding. */
#define OK_CLEAN(rc, f)                                                                            \
	do {                                                                                       \
		if ((rc) != 0 || (f).count)                                                        \
			show(&(f));                                                                \
		ck_assert_int_eq((rc), 0);                                                         \
		ck_assert_uint_eq((f).count, 0);                                                   \
	} while (0)

/* ---- Avro -------------------------------------------------------------------------------- */

static const char address[] =
    "{\"type\":\"record\",\"name\":\"Address\",\"namespace\":\"com.acme\",\"fields\":["
    "{\"name\":\"street\",\"type\":\"string\"},{\"name\":\"city\",\"type\":\"string\"}]}";
static const char phone[] = "{\"type\":\"record\",\"name\":\"com.acme.Phone\",\"fields\":["
                            "{\"name\":\"number\",\"type\":\"string\"}]}";

START_TEST(avro_reference_in_another_namespace)
{
	const char *names[] = {"com.acme.Address"}, *texts[] = {address};
	struct dw_findings f;
	json_t *r = NULL;
	int rc = resolve(DW_FMT_AVRO,
	                 "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"com.shop\","
	                 "\"fields\":[{\"name\":\"ship\",\"type\":\"com.acme.Address\"}]}",
	                 names, texts, 1, &f, &r);

	OK_CLEAN(rc, f);
	ck_assert_str_eq(str_at(r, "/fields/0/type/type"), "record");
	ck_assert_str_eq(str_at(r, "/fields/0/type/name"), "Address");
	ck_assert_str_eq(str_at(r, "/fields/0/type/namespace"), "com.acme");
	ck_assert_str_eq(str_at(r, "/fields/0/type/fields/1/name"), "city");
	ck_assert_str_eq(str_at(r, "/namespace"), "com.shop");
	/* the resolved schema stands alone */
	dw_findings_release(&f);
	dw_findings_init(&f);
	ck_assert_int_eq(contract_validate(DW_FMT_AVRO, r, "", &f), 0);
	ck_assert_uint_eq(f.count, 0);
	json_decref(r);
	dw_findings_release(&f);
}
END_TEST

START_TEST(avro_reference_in_null_namespace)
{
	const char *names[] = {"Point"};
	const char *texts[] = {"{\"type\":\"record\",\"name\":\"Point\",\"fields\":["
	                       "{\"name\":\"x\",\"type\":\"int\"},{\"name\":\"y\",\"type\":"
	                       "\"int\"}]}"};
	struct dw_findings f;
	json_t *r = NULL;
	/* inside com.geo, "Point" is tried as com.geo.Point, then in the null namespace */
	int rc = resolve(DW_FMT_AVRO,
	                 "{\"type\":\"record\",\"name\":\"Shape\",\"namespace\":\"com.geo\","
	                 "\"fields\":[{\"name\":\"origin\",\"type\":\"Point\"},"
	                 "{\"name\":\"corner\",\"type\":\"Point\"}]}",
	                 names, texts, 1, &f, &r);

	OK_CLEAN(rc, f);
	ck_assert_str_eq(str_at(r, "/fields/0/type/name"), "Point");
	/* written explicitly: without it the definition would land in com.geo */
	ck_assert_str_eq(str_at(r, "/fields/0/type/namespace"), "");
	ck_assert_str_eq(str_at(r, "/fields/1/type"), "Point");
	/* the compatibility engine reads the null-namespace definition the same way */
	{
		struct dw_changes ch;
		dw_changes_init(&ch);
		ck_assert_int_eq(compat_avro_diff(r, r, &ch), 0);
		ck_assert_uint_eq(ch.count, 0);
		dw_changes_release(&ch);
	}
	json_decref(r);
	dw_findings_release(&f);
}
END_TEST

/* Avro spec, "Names": an empty-string namespace is the null namespace, for avro_validate and
 * for the compatibility engine alike. */
START_TEST(avro_empty_namespace_is_null_namespace)
{
	json_t *s = J("{\"type\":\"record\",\"name\":\"Outer\",\"namespace\":\"com.x\",\"fields\":["
	              "{\"name\":\"a\",\"type\":{\"type\":\"enum\",\"name\":\"E\","
	              "\"namespace\":\"\","
	              "\"symbols\":[\"A\"]}},{\"name\":\"b\",\"type\":\"E\"}]}");
	json_t *bad = J("{\"type\":\"record\",\"name\":\"Outer\",\"namespace\":\"com.x\","
	                "\"fields\":["
	                "{\"name\":\"a\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"namespace\":"
	                "\"\",\"symbols\":[\"A\"]}},{\"name\":\"b\",\"type\":\"com.x.E\"}]}");
	json_t *old = J("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":"
	                "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\"]}}]}");
	json_t *neu = J("{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"\",\"fields\":"
	                "[{\"name\":"
	                "\"a\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"namespace\":\"\","
	                "\"symbols\":[\"A\"]}}]}");
	struct dw_findings f;
	struct dw_changes ch;

	dw_findings_init(&f);
	ck_assert_int_eq(contract_validate(DW_FMT_AVRO, s, "", &f), 0);
	ck_assert_uint_eq(f.count, 0);
	/* E is in the null namespace, not in com.x */
	ck_assert_int_eq(contract_validate(DW_FMT_AVRO, bad, "", &f), DW_INVALID);
	dw_findings_release(&f);
	dw_changes_init(&ch);
	ck_assert_int_eq(compat_avro_diff(s, s, &ch), 0);
	ck_assert_uint_eq(ch.count, 0);
	ck_assert_int_eq(compat_avro_diff(old, neu, &ch), 0);
	for (size_t i = 0; i < ch.count; i++)
		fprintf(stderr, "  %s: %s\n", ch.items[i].rule->id, ch.items[i].message);
	ck_assert_uint_eq(ch.count, 0);
	dw_changes_release(&ch);
	json_decref(s);
	json_decref(bad);
	json_decref(old);
	json_decref(neu);
}
END_TEST

START_TEST(avro_relative_name_and_single_definition)
{
	const char *names[] = {"com.acme.Address"}, *texts[] = {address};
	struct dw_findings f;
	json_t *r = NULL;
	int rc = resolve(DW_FMT_AVRO,
	                 "{\"type\":\"record\",\"name\":\"Customer\",\"namespace\":\"com.acme\","
	                 "\"fields\":[{\"name\":\"home\",\"type\":\"Address\"},"
	                 "{\"name\":\"work\",\"type\":\"com.acme.Address\"},"
	                 "{\"name\":\"old\",\"type\":\"Address\"}]}",
	                 names, texts, 1, &f, &r);

	OK_CLEAN(rc, f);
	ck_assert(json_is_object(at(r, "/fields/0/type")));
	ck_assert_str_eq(str_at(r, "/fields/0/type/name"), "Address");
	/* later uses stay as written: the type is defined once */
	ck_assert_str_eq(str_at(r, "/fields/1/type"), "com.acme.Address");
	ck_assert_str_eq(str_at(r, "/fields/2/type"), "Address");
	json_decref(r);
	dw_findings_release(&f);
}
END_TEST

START_TEST(avro_referenced_schema_with_nested_named_types)
{
	/* Geo's "Country" is relative to com.acme in the referenced schema; the referencing
	 * schema has a com.shop.Country of its own, which must not capture it */
	const char *names[] = {"com.acme.Address"};
	const char *texts[] = {
	    "{\"type\":\"record\",\"name\":\"Address\",\"namespace\":\"com.acme\",\"fields\":["
	    "{\"name\":\"country\",\"type\":{\"type\":\"enum\",\"name\":\"Country\","
	    "\"symbols\":[\"CH\",\"DE\"]}},"
	    "{\"name\":\"zip\",\"type\":{\"type\":\"fixed\",\"name\":\"Zip\",\"namespace\":"
	    "\"com.post\","
	    "\"size\":5}},"
	    "{\"name\":\"geo\",\"type\":{\"type\":\"record\",\"name\":\"Geo\",\"fields\":["
	    "{\"name\":\"c\",\"type\":\"Country\"},{\"name\":\"z\",\"type\":"
	    "\"com.post.Zip\"}]}}]}"};
	struct dw_findings f;
	json_t *r = NULL;
	int rc = resolve(
	    DW_FMT_AVRO,
	    "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"com.shop\",\"fields\":["
	    "{\"name\":\"origin\",\"type\":{\"type\":\"enum\",\"name\":\"Country\",\"symbols\":"
	    "[\"X\"]}},"
	    "{\"name\":\"ship\",\"type\":\"com.acme.Address\"},"
	    "{\"name\":\"billing_country\",\"type\":\"com.acme.Country\"},"
	    "{\"name\":\"zip\",\"type\":\"com.post.Zip\"}]}",
	    names, texts, 1, &f, &r);

	OK_CLEAN(rc, f);
	ck_assert_str_eq(str_at(r, "/fields/1/type/fields/0/type/namespace"), "com.acme");
	ck_assert_str_eq(str_at(r, "/fields/1/type/fields/1/type/namespace"), "com.post");
	ck_assert_str_eq(str_at(r, "/fields/1/type/fields/2/type/namespace"), "com.acme");
	ck_assert_str_eq(str_at(r, "/fields/1/type/fields/2/type/fields/0/type"),
	                 "com.acme.Country");
	ck_assert_str_eq(str_at(r, "/fields/1/type/fields/2/type/fields/1/type"), "com.post.Zip");
	/* nested types came with Address: the later uses stay names */
	ck_assert_str_eq(str_at(r, "/fields/2/type"), "com.acme.Country");
	ck_assert_str_eq(str_at(r, "/fields/3/type"), "com.post.Zip");
	json_decref(r);
	dw_findings_release(&f);
}
END_TEST

START_TEST(avro_union_array_map_and_two_references)
{
	const char *names[] = {"com.acme.Address", "com.acme.Phone"}, *texts[] = {address, phone};
	struct dw_findings f;
	json_t *r = NULL;
	int rc = resolve(DW_FMT_AVRO,
	                 "{\"type\":\"record\",\"name\":\"Person\",\"fields\":["
	                 "{\"name\":\"addr\",\"type\":[\"null\",\"com.acme.Address\"],"
	                 "\"default\":null},"
	                 "{\"name\":\"phones\",\"type\":{\"type\":\"array\","
	                 "\"items\":\"com.acme.Phone\"}},"
	                 "{\"name\":\"by_kind\",\"type\":{\"type\":\"map\","
	                 "\"values\":\"com.acme.Phone\"}},"
	                 "{\"name\":\"others\",\"type\":{\"type\":\"map\",\"values\":"
	                 "{\"type\":\"array\",\"items\":\"com.acme.Address\"}}}]}",
	                 names, texts, 2, &f, &r);

	OK_CLEAN(rc, f);
	ck_assert_str_eq(str_at(r, "/fields/0/type/0"), "null");
	ck_assert_str_eq(str_at(r, "/fields/0/type/1/name"), "Address");
	ck_assert_str_eq(str_at(r, "/fields/1/type/items/name"), "Phone");
	ck_assert_str_eq(str_at(r, "/fields/1/type/items/namespace"), "com.acme");
	ck_assert_str_eq(str_at(r, "/fields/2/type/values"), "com.acme.Phone");
	ck_assert_str_eq(str_at(r, "/fields/3/type/values/items"), "com.acme.Address");
	json_decref(r);
	dw_findings_release(&f);
}
END_TEST

START_TEST(avro_array_items_and_map_values_first_use)
{
	const char *names[] = {"com.acme.Address", "com.acme.Phone"}, *texts[] = {address, phone};
	struct dw_findings f;
	json_t *r = NULL;
	/* root is an array schema; a {"type": "Name"} wrapper is replaced by the definition */
	int rc = resolve(DW_FMT_AVRO,
	                 "{\"type\":\"map\",\"values\":{\"type\":\"array\",\"items\":"
	                 "{\"type\":\"com.acme.Address\",\"x-note\":\"kept\"}}}",
	                 names, texts, 2, &f, &r);

	OK_CLEAN(rc, f);
	ck_assert_str_eq(str_at(r, "/values/items/name"), "Address");
	ck_assert_str_eq(str_at(r, "/values/items/type"), "record");
	ck_assert_str_eq(str_at(r, "/values/items/x-note"), "kept");
	json_decref(r);
	dw_findings_release(&f);
	/* a bare name as the whole schema */
	rc = resolve(DW_FMT_AVRO, "\"com.acme.Phone\"", names, texts, 2, &f, &r);
	OK_CLEAN(rc, f);
	ck_assert_str_eq(str_at(r, "/name"), "Phone");
	json_decref(r);
	dw_findings_release(&f);
}
END_TEST

START_TEST(avro_nested_references_defined_once)
{
	/* Address (already resolved) contains Country; Country is also its own reference */
	const char *country = "{\"type\":\"enum\",\"name\":\"Country\",\"namespace\":\"com.acme\","
	                      "\"symbols\":[\"CH\",\"DE\"]}";
	const char *addr2 = "{\"type\":\"record\",\"name\":\"Address\",\"namespace\":\"com.acme\","
	                    "\"fields\":[{\"name\":\"country\",\"type\":{\"type\":\"enum\","
	                    "\"name\":\"Country\",\"symbols\":[\"CH\",\"DE\"]}}]}";
	const char *names[] = {"com.acme.Address", "com.acme.Country"}, *texts[] = {addr2, country};
	const char *other = "{\"type\":\"enum\",\"name\":\"Country\",\"namespace\":\"com.acme\","
	                    "\"symbols\":[\"FR\"]}";
	const char *texts2[] = {addr2, other};
	struct dw_findings f;
	json_t *r = NULL;
	int rc = resolve(DW_FMT_AVRO,
	                 "{\"type\":\"record\",\"name\":\"Order\",\"fields\":["
	                 "{\"name\":\"c\",\"type\":\"com.acme.Country\"},"
	                 "{\"name\":\"a\",\"type\":\"com.acme.Address\"}]}",
	                 names, texts, 2, &f, &r);

	OK_CLEAN(rc, f);
	ck_assert_str_eq(str_at(r, "/fields/0/type/name"), "Country");
	ck_assert_str_eq(str_at(r, "/fields/1/type/name"), "Address");
	/* Country was defined first: inside Address it became a reference */
	ck_assert_str_eq(str_at(r, "/fields/1/type/fields/0/type"), "com.acme.Country");
	json_decref(r);
	dw_findings_release(&f);
	/* two references that disagree on com.acme.Country */
	rc = resolve(DW_FMT_AVRO,
	             "{\"type\":\"record\",\"name\":\"Order\",\"fields\":["
	             "{\"name\":\"a\",\"type\":\"com.acme.Address\"}]}",
	             names, texts2, 2, &f, &r);
	ck_assert_int_eq(rc, DW_INVALID);
	ck_assert(has(&f, DW_SEV_ERROR,
	              "type 'com.acme.Country' is defined differently by references "
	              "'com.acme.Address' and 'com.acme.Country'"));
	dw_findings_release(&f);
}
END_TEST

START_TEST(avro_errors)
{
	const char *names[] = {"com.acme.Adress"}, *texts[] = {address};
	const char *dup_names[] = {"com.acme.Address", "com.acme.Address"};
	const char *dup_texts[] = {address, address};
	const char *ok_names[] = {"com.acme.Address"};
	const char *bad_texts[] = {"{\"type\":\"record\",\"name\":\"Address\",\"namespace\":"
	                           "\"com.acme\",\"fields\":[{\"name\":\"x\",\"type\":\"Nope\"}]}"};
	struct dw_findings f;
	json_t *r = NULL;
	const char *order = "{\"type\":\"record\",\"name\":\"Order\",\"fields\":["
	                    "{\"name\":\"ship\",\"type\":\"com.acme.Address\"}]}";
	int rc = resolve(DW_FMT_AVRO, order, names, texts, 1, &f, &r);

	/* the reference names a type its schema does not define */
	ck_assert_int_eq(rc, DW_INVALID);
	ck_assert(has(&f, DW_SEV_ERROR,
	              "reference 'com.acme.Adress': the referenced schema does not define type "
	              "'com.acme.Adress'"));
	dw_findings_release(&f);
	rc = resolve(DW_FMT_AVRO, order, dup_names, dup_texts, 2, &f, &r);
	ck_assert_int_eq(rc, DW_INVALID);
	ck_assert(has(&f, DW_SEV_ERROR, "duplicate reference name 'com.acme.Address'"));
	dw_findings_release(&f);
	/* a name used but defined nowhere: the validator's own error */
	rc = resolve(DW_FMT_AVRO,
	             "{\"type\":\"record\",\"name\":\"Order\",\"fields\":["
	             "{\"name\":\"ship\",\"type\":\"com.acme.Addr\"}]}",
	             ok_names, texts, 1, &f, &r);
	ck_assert_int_eq(rc, DW_INVALID);
	ck_assert(has(&f, DW_SEV_ERROR, "com.acme.Addr"));
	dw_findings_release(&f);
	/* an invalid referenced schema */
	rc = resolve(DW_FMT_AVRO, order, ok_names, bad_texts, 1, &f, &r);
	ck_assert_int_eq(rc, DW_INVALID);
	ck_assert(has(&f, DW_SEV_ERROR, "reference 'com.acme.Address': invalid referenced schema"));
	dw_findings_release(&f);
	/* redefining a referenced name */
	rc = resolve(DW_FMT_AVRO,
	             "{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"a\",\"type\":"
	             "{\"type\":\"record\",\"name\":\"com.acme.Address\",\"fields\":[]}}]}",
	             ok_names, texts, 1, &f, &r);
	ck_assert_int_eq(rc, DW_INVALID);
	ck_assert(has(&f, DW_SEV_ERROR,
	              "type 'com.acme.Address' is already defined by reference "
	              "'com.acme.Address'"));
	dw_findings_release(&f);
	/* an unused reference is fine */
	rc = resolve(DW_FMT_AVRO, "{\"type\":\"record\",\"name\":\"Lone\",\"fields\":[]}", ok_names,
	             texts, 1, &f, &r);
	OK_CLEAN(rc, f);
	ck_assert_uint_eq(json_array_size(at(r, "/fields")), 0);
	json_decref(r);
	dw_findings_release(&f);
}
END_TEST

START_TEST(avro_compatibility_through_references)
{
	const char *names[] = {"com.acme.Address"};
	const char *v1[] = {address};
	const char *v2[] = {"{\"type\":\"record\",\"name\":\"Address\",\"namespace\":\"com.acme\","
	                    "\"fields\":[{\"name\":\"street\",\"type\":\"string\"},"
	                    "{\"name\":\"city\",\"type\":\"string\"},"
	                    "{\"name\":\"zip\",\"type\":\"string\"}]}"};
	const char *order = "{\"type\":\"record\",\"name\":\"Order\",\"fields\":["
	                    "{\"name\":\"ship\",\"type\":\"com.acme.Address\"}]}";
	struct dw_findings f;
	struct dw_changes ch;
	json_t *a = NULL, *b = NULL;
	const json_t *earlier[1];
	int compatible = -1, rc;

	rc = resolve(DW_FMT_AVRO, order, names, v1, 1, &f, &a);
	OK_CLEAN(rc, f);
	dw_findings_release(&f);
	rc = resolve(DW_FMT_AVRO, order, names, v2, 1, &f, &b);
	OK_CLEAN(rc, f);
	dw_findings_release(&f);
	earlier[0] = a;
	dw_changes_init(&ch);
	/* a field without default added inside the referenced record: new readers cannot read
	 * old data */
	ck_assert_int_eq(
	    compat_check(DW_FMT_AVRO, DW_MODE_BACKWARD, b, earlier, NULL, 1, &compatible, &ch), 0);
	ck_assert_int_eq(compatible, 0);
	dw_changes_release(&ch);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(avro_without_references_is_validate_plus_copy)
{
	struct dw_findings f, g;
	json_t *c = J("{\"type\":\"record\",\"name\":\"A\",\"fields\":[{\"name\":\"x\","
	              "\"type\":\"Nope\"}]}");
	json_t *ok = J(address), *r = NULL;

	dw_findings_init(&f);
	dw_findings_init(&g);
	ck_assert_int_eq(refs_resolve(DW_FMT_AVRO, c, NULL, 0, "/s", &f, &r), DW_INVALID);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(contract_validate(DW_FMT_AVRO, c, "/s", &g), DW_INVALID);
	ck_assert_uint_eq(f.count, g.count);
	ck_assert_str_eq(f.items[0].message, g.items[0].message);
	ck_assert_str_eq(f.items[0].pointer, g.items[0].pointer);
	ck_assert_int_eq(refs_resolve(DW_FMT_AVRO, ok, NULL, 0, "/s", &f, &r), 0);
	ck_assert(json_equal(r, ok));
	ck_assert_ptr_ne(r, ok);
	json_decref(r);
	json_decref(c);
	json_decref(ok);
	dw_findings_release(&f);
	dw_findings_release(&g);
}
END_TEST

/* ---- JSON Schema ------------------------------------------------------------------------- */

static const char js_address[] =
    "{\"$id\":\"https://example.com/address.json\","
    "\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"object\","
    "\"properties\":{\"street\":{\"$ref\":\"#/definitions/street\"},"
    "\"zip\":{\"type\":\"string\"}},\"required\":[\"street\"],"
    "\"definitions\":{\"street\":{\"type\":\"string\",\"minLength\":1}}}";

/* Validates instance (JSON text) against schema; returns the number of findings. */
static size_t check_instance(const json_t *schema, const char *instance)
{
	json_t *in = J(instance);
	struct dw_findings f;
	size_t n;

	dw_findings_init(&f);
	jsonschema_validate(schema, "", in, "", &f);
	n = f.count;
	dw_findings_release(&f);
	json_decref(in);
	return n;
}

START_TEST(jsonschema_whole_document_reference)
{
	const char *names[] = {"address.json"}, *texts[] = {js_address};
	struct dw_findings f;
	json_t *r = NULL;
	int rc = resolve(DW_FMT_JSONSCHEMA,
	                 "{\"type\":\"object\",\"properties\":{\"ship\":{\"$ref\":"
	                 "\"address.json\"}}}",
	                 names, texts, 1, &f, &r);

	OK_CLEAN(rc, f);
	ck_assert_str_eq(str_at(r, "/properties/ship/$ref"), "#/$defs/address.json");
	ck_assert_str_eq(str_at(r, "/$defs/address.json/type"), "object");
	ck_assert_ptr_null(json_object_get(at(r, "/$defs/address.json"), "$id"));
	ck_assert_ptr_null(json_object_get(at(r, "/$defs/address.json"), "$schema"));
	/* its own local reference now points into the embedded copy */
	ck_assert_str_eq(str_at(r, "/$defs/address.json/properties/street/$ref"),
	                 "#/$defs/address.json/definitions/street");
	ck_assert_uint_eq(check_instance(r, "{\"ship\":{\"street\":\"Main St\"}}"), 0);
	ck_assert_uint_ne(check_instance(r, "{\"ship\":{\"zip\":\"8000\"}}"), 0);
	ck_assert_uint_ne(check_instance(r, "{\"ship\":{\"street\":\"\"}}"), 0);
	json_decref(r);
	dw_findings_release(&f);
}
END_TEST

START_TEST(jsonschema_fragment_reference_and_escaping)
{
	const char *names[] = {"https://example.com/schemas/address.json", "my dir/a~b%.json"};
	const char *texts[] = {js_address, "{\"type\":\"integer\"}"};
	struct dw_findings f;
	json_t *r = NULL;
	int rc = resolve(
	    DW_FMT_JSONSCHEMA,
	    "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
	    "\"properties\":{\"street\":{\"$ref\":"
	    "\"https://example.com/schemas/address.json#/definitions/street\"},"
	    "\"n\":{\"$ref\":\"my dir/a~b%.json\"},"
	    "\"same\":{\"$ref\":\"https://example.com/schemas/address.json#\"},"
	    "\"const_only\":{\"const\":{\"$ref\":\"my dir/a~b%.json\"}}}}",
	    names, texts, 2, &f, &r);

	OK_CLEAN(rc, f);
	ck_assert_str_eq(str_at(r, "/properties/street/$ref"),
	                 "#/$defs/https:~1~1example.com~1schemas~1address.json/definitions/street");
	ck_assert_str_eq(str_at(r, "/properties/n/$ref"), "#/$defs/my%20dir~1a~0b%25.json");
	ck_assert_str_eq(str_at(r, "/properties/same/$ref"),
	                 "#/$defs/https:~1~1example.com~1schemas~1address.json");
	/* data is data */
	ck_assert_str_eq(str_at(r, "/properties/const_only/const/$ref"), "my dir/a~b%.json");
	ck_assert_uint_eq(check_instance(r, "{\"street\":\"x\",\"n\":3}"), 0);
	ck_assert_uint_ne(check_instance(r, "{\"street\":5}"), 0);
	ck_assert_uint_ne(check_instance(r, "{\"n\":\"three\"}"), 0);
	json_decref(r);
	dw_findings_release(&f);
}
END_TEST

START_TEST(jsonschema_nested_references)
{
	/* B was resolved when it was registered: C sits in its $defs */
	const char *b = "{\"type\":\"object\",\"properties\":{\"c\":{\"$ref\":\"#/$defs/c.json\"}},"
	                "\"$defs\":{\"c.json\":{\"type\":\"object\",\"properties\":{\"v\":"
	                "{\"type\":\"boolean\"}},\"required\":[\"v\"]}}}";
	const char *names[] = {"b.json"}, *texts[] = {b};
	struct dw_findings f;
	json_t *r = NULL;
	int rc = resolve(DW_FMT_JSONSCHEMA,
	                 "{\"type\":\"object\",\"properties\":{\"b\":{\"$ref\":\"b.json\"}},"
	                 "\"$defs\":{\"b.json\":{\"type\":\"null\"}},"
	                 "\"required\":[\"b\"]}",
	                 names, texts, 1, &f, &r);

	OK_CLEAN(rc, f);
	/* the root's own "b.json" entry is kept; the reference goes next to it */
	ck_assert_str_eq(str_at(r, "/$defs/b.json/type"), "null");
	ck_assert_str_eq(str_at(r, "/properties/b/$ref"), "#/$defs/b.json%232");
	ck_assert_str_eq(str_at(r, "/$defs/b.json#2/properties/c/$ref"),
	                 "#/$defs/b.json%232/$defs/c.json");
	ck_assert_uint_eq(check_instance(r, "{\"b\":{\"c\":{\"v\":true}}}"), 0);
	ck_assert_uint_ne(check_instance(r, "{\"b\":{\"c\":{}}}"), 0);
	json_decref(r);
	dw_findings_release(&f);
}
END_TEST

START_TEST(jsonschema_reference_inside_reference)
{
	/* a referenced document naming another reference pulls it in too */
	const char *names[] = {"a.json", "c.json"};
	const char *texts[] = {"{\"type\":\"array\",\"items\":{\"$ref\":\"c.json\"}}",
	                       "{\"type\":\"string\"}"};
	struct dw_findings f;
	json_t *r = NULL;
	int rc = resolve(DW_FMT_JSONSCHEMA, "{\"$ref\":\"a.json\"}", names, texts, 2, &f, &r);

	OK_CLEAN(rc, f);
	ck_assert_str_eq(str_at(r, "/$ref"), "#/$defs/a.json");
	ck_assert_str_eq(str_at(r, "/$defs/a.json/items/$ref"), "#/$defs/c.json");
	ck_assert_str_eq(str_at(r, "/$defs/c.json/type"), "string");
	ck_assert_uint_eq(check_instance(r, "[\"x\"]"), 0);
	ck_assert_uint_ne(check_instance(r, "[1]"), 0);
	json_decref(r);
	dw_findings_release(&f);
}
END_TEST

START_TEST(jsonschema_compatibility_through_references)
{
	const char *names[] = {"address.json"};
	const char *v1[] = {"{\"type\":\"object\",\"properties\":{\"zip\":{\"type\":\"string\"}}}"};
	const char *v2[] = {"{\"type\":\"object\",\"properties\":{\"zip\":{\"type\":"
	                    "\"integer\"}}}"};
	const char *main_schema = "{\"type\":\"object\",\"properties\":{\"ship\":"
	                          "{\"$ref\":\"address.json\"}}}";
	struct dw_findings f;
	struct dw_changes ch;
	json_t *a = NULL, *b = NULL, *a2 = NULL;
	const json_t *earlier[1];
	int compatible = -1, rc;

	rc = resolve(DW_FMT_JSONSCHEMA, main_schema, names, v1, 1, &f, &a);
	OK_CLEAN(rc, f);
	dw_findings_release(&f);
	rc = resolve(DW_FMT_JSONSCHEMA, main_schema, names, v2, 1, &f, &b);
	OK_CLEAN(rc, f);
	dw_findings_release(&f);
	rc = resolve(DW_FMT_JSONSCHEMA, main_schema, names, v1, 1, &f, &a2);
	OK_CLEAN(rc, f);
	dw_findings_release(&f);
	earlier[0] = a;
	dw_changes_init(&ch);
	ck_assert_int_eq(compat_check(DW_FMT_JSONSCHEMA, DW_MODE_BACKWARD, b, earlier, NULL, 1,
	                              &compatible, &ch),
	                 0);
	/* zip: string -> integer inside the referenced document breaks old documents */
	ck_assert_int_eq(compatible, 0);
	ck_assert_uint_gt(ch.count, 0);
	dw_changes_release(&ch);
	dw_changes_init(&ch);
	ck_assert_int_eq(
	    compat_check(DW_FMT_JSONSCHEMA, DW_MODE_FULL, a2, earlier, NULL, 1, &compatible, &ch),
	    0);
	ck_assert_int_eq(compatible, 1);
	ck_assert_uint_eq(ch.count, 0);
	dw_changes_release(&ch);
	json_decref(a);
	json_decref(a2);
	json_decref(b);
}
END_TEST

START_TEST(jsonschema_errors_and_unreferenced)
{
	const char *names[] = {"a.json"}, *texts[] = {"42"};
	const char *ok_texts[] = {"{\"type\":\"string\"}"};
	struct dw_findings f;
	json_t *r = NULL;
	int rc = resolve(DW_FMT_JSONSCHEMA, "{\"$ref\":\"a.json\"}", names, texts, 1, &f, &r);

	ck_assert_int_eq(rc, DW_INVALID);
	ck_assert(has(&f, DW_SEV_ERROR,
	              "reference 'a.json': the referenced contract is not a "
	              "JSON Schema (an object or a boolean), it is integer"));
	dw_findings_release(&f);
	/* a non-local $ref that names no reference stays and the validator refuses it */
	rc = resolve(DW_FMT_JSONSCHEMA, "{\"$ref\":\"other.json\"}", names, ok_texts, 1, &f, &r);
	ck_assert_int_eq(rc, DW_INVALID);
	ck_assert(has(&f, DW_SEV_ERROR, "reference 'other.json' is not local"));
	dw_findings_release(&f);
	/* an unused reference is fine and not embedded */
	rc = resolve(DW_FMT_JSONSCHEMA, "{\"type\":\"null\"}", names, ok_texts, 1, &f, &r);
	OK_CLEAN(rc, f);
	ck_assert_ptr_null(json_object_get(r, "$defs"));
	json_decref(r);
	dw_findings_release(&f);
	/* "$defs" that cannot hold the copies */
	rc = resolve(DW_FMT_JSONSCHEMA, "{\"$defs\":[],\"$ref\":\"a.json\"}", names, ok_texts, 1,
	             &f, &r);
	ck_assert_int_eq(rc, DW_INVALID);
	ck_assert(has(&f, DW_SEV_ERROR, "'$defs' must be an object"));
	dw_findings_release(&f);
}
END_TEST

/* ---- Protobuf ---------------------------------------------------------------------------- */

static const char common_proto[] = "syntax = \"proto3\";\n"
                                   "package acme.common;\n"
                                   "message Address {\n"
                                   "  message Line { string text = 1; }\n"
                                   "  repeated Line lines = 1;\n"
                                   "}\n"
                                   "enum Country { COUNTRY_UNSPECIFIED = 0; CH = 1; }\n";

static json_t *parse_with(const char *text, const struct protobuf_import *imp, size_t n,
                          struct dw_findings *f, int *rc)
{
	json_t *ast = NULL;

	dw_findings_init(f);
	*rc = protobuf_parse_with(text, strlen(text), imp, n, "/schema", f, &ast);
	return ast;
}

START_TEST(protobuf_imported_types_resolve)
{
	static const char text[] = "syntax = \"proto3\";\n"
	                           "package shop;\n"
	                           "import \"acme/common.proto\";\n"
	                           "message Order {\n"
	                           "  acme.common.Address ship = 1;\n"
	                           "  .acme.common.Address bill = 2;\n"
	                           "  acme.common.Address.Line note = 3;\n"
	                           "  acme.common.Country country = 4;\n"
	                           "  map<string, acme.common.Address> by_name = 5;\n"
	                           "}\n";
	struct protobuf_import imp = {"acme/common.proto", common_proto, strlen(common_proto)};
	struct dw_findings f;
	int rc;
	json_t *ast = parse_with(text, &imp, 1, &f, &rc);

	OK_CLEAN(rc, f);
	ck_assert(json_is_true(at(ast, "/imports/0/reference")));
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/0/kind"), "message");
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/0/typeFullName"), "acme.common.Address");
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/1/typeFullName"), "acme.common.Address");
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/2/kind"), "message");
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/2/typeFullName"),
	                 "acme.common.Address.Line");
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/3/kind"), "enum");
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/3/typeFullName"), "acme.common.Country");
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/4/map/valueKind"), "message");
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/4/map/valueFullName"),
	                 "acme.common.Address");
	json_decref(ast);
	dw_findings_release(&f);
}
END_TEST

START_TEST(protobuf_same_package_and_scoping)
{
	/* same package: the simple name resolves; from shop.orders, "common.Address" is found
	 * through the parent package shop */
	static const char dep[] = "syntax = \"proto3\";\npackage shop;\n"
	                          "message Money { int64 units = 1; }\n"
	                          "enum Currency { CURRENCY_UNSPECIFIED = 0; }\n";
	static const char text[] = "syntax = \"proto3\";\npackage shop;\n"
	                           "import \"shop/money.proto\";\n"
	                           "message Price { Money amount = 1; Currency cur = 2; }\n";
	struct protobuf_import imp = {"shop/money.proto", dep, strlen(dep)};
	struct dw_findings f;
	int rc;
	json_t *ast = parse_with(text, &imp, 1, &f, &rc);

	OK_CLEAN(rc, f);
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/0/typeFullName"), "shop.Money");
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/1/kind"), "enum");
	json_decref(ast);
	dw_findings_release(&f);
}
END_TEST

START_TEST(protobuf_unresolved_and_missing_imports)
{
	static const char text[] = "syntax = \"proto3\";\npackage shop;\n"
	                           "import \"acme/common.proto\";\n"
	                           "message Order { acme.common.Nope x = 1; }\n";
	static const char text2[] = "syntax = \"proto3\";\npackage shop;\n"
	                            "import \"acme/common.proto\";\nimport \"acme/other.proto\";\n"
	                            "message Order { acme.common.Nope x = 1; }\n";
	struct protobuf_import imp = {"acme/common.proto", common_proto, strlen(common_proto)};
	struct dw_findings f;
	int rc;
	json_t *ast = parse_with(text, &imp, 1, &f, &rc);

	/* every import given: a type found nowhere is an error */
	ck_assert_int_eq(rc, DW_INVALID);
	ck_assert_ptr_null(ast);
	ck_assert(has(&f, DW_SEV_ERROR, "unknown type 'acme.common.Nope'"));
	ck_assert_int_eq(f.items[0].line, 4);
	dw_findings_release(&f);
	/* an import not given: a warning, as without references */
	ast = parse_with(text2, &imp, 1, &f, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(f.count, 1);
	ck_assert(has(&f, DW_SEV_WARNING,
	              "type 'acme.common.Nope' is not defined in this file (import "
	              "'acme/other.proto' is not given as a reference)"));
	ck_assert(json_is_true(at(ast, "/imports/0/reference")));
	ck_assert(json_is_false(at(ast, "/imports/1/reference")));
	json_decref(ast);
	dw_findings_release(&f);
}
END_TEST

START_TEST(protobuf_import_public_and_not_transitive)
{
	static const char a[] = "syntax = \"proto3\";\npackage a;\n"
	                        "import public \"b.proto\";\nimport \"c.proto\";\n"
	                        "message A { b.B b = 1; c.C c = 2; }\n";
	static const char b[] = "syntax = \"proto3\";\npackage b;\nmessage B { int32 v = 1; }\n";
	static const char c[] = "syntax = \"proto3\";\npackage c;\nmessage C { int32 v = 1; }\n";
	static const char ok[] = "syntax = \"proto3\";\nimport \"a.proto\";\n"
	                         "message M { a.A a = 1; b.B b = 2; }\n";
	static const char bad[] = "syntax = \"proto3\";\nimport \"a.proto\";\n"
	                          "message M { c.C c = 1; }\n";
	struct protobuf_import imp[] = {{"a.proto", a, sizeof(a) - 1},
	                                {"b.proto", b, sizeof(b) - 1},
	                                {"c.proto", c, sizeof(c) - 1}};
	struct dw_findings f;
	int rc;
	json_t *ast = parse_with(ok, imp, 3, &f, &rc);

	OK_CLEAN(rc, f);
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/1/typeFullName"), "b.B");
	json_decref(ast);
	dw_findings_release(&f);
	/* c.proto is imported by a.proto, not publicly: M cannot see it */
	ast = parse_with(bad, imp, 3, &f, &rc);
	ck_assert_int_eq(rc, DW_INVALID);
	ck_assert(has(&f, DW_SEV_ERROR, "unknown type 'c.C'"));
	dw_findings_release(&f);
}
END_TEST

START_TEST(protobuf_errors_in_imported_file)
{
	static const char broken[] = "syntax = \"proto3\";\npackage acme;\nmessage X {\n"
	                             "  int32 a = 1;\n  int32 b = 1;\n}\n";
	static const char text[] = "syntax = \"proto3\";\nimport \"acme/x.proto\";\n"
	                           "message M { acme.X x = 1; }\n";
	struct protobuf_import imp = {"acme/x.proto", broken, sizeof(broken) - 1};
	struct dw_findings f;
	int rc;
	json_t *ast = parse_with(text, &imp, 1, &f, &rc);

	ck_assert_int_eq(rc, DW_INVALID);
	ck_assert_ptr_null(ast);
	ck_assert(has(&f, DW_SEV_ERROR, "import 'acme/x.proto': field number 1 of 'b'"));
	ck_assert_str_eq(f.items[0].file, "acme/x.proto");
	ck_assert_int_eq(f.items[0].line, 5);
	dw_findings_release(&f);
}
END_TEST

START_TEST(protobuf_through_refs_resolve)
{
	const char *names[] = {"acme/common.proto"}, *texts[] = {common_proto};
	static const char text[] = "syntax = \"proto3\";\nimport \"acme/common.proto\";\n"
	                           "message M { acme.common.Country c = 1; acme.common.Gone g "
	                           "= 2; }\n";
	static const char good[] = "syntax = \"proto3\";\nimport \"acme/common.proto\";\n"
	                           "message M { acme.common.Country c = 1; }\n";
	struct dw_findings f;
	json_t *r = NULL;
	int rc = resolve(DW_FMT_PROTOBUF, good, names, texts, 1, &f, &r);

	OK_CLEAN(rc, f);
	ck_assert_str_eq(json_string_value(r), good);
	json_decref(r);
	dw_findings_release(&f);
	rc = resolve(DW_FMT_PROTOBUF, text, names, texts, 1, &f, &r);
	ck_assert_int_eq(rc, DW_INVALID);
	ck_assert(has(&f, DW_SEV_ERROR, "unknown type 'acme.common.Gone'"));
	dw_findings_release(&f);
}
END_TEST

/* ---- garbage ----------------------------------------------------------------------------- */

START_TEST(garbage_references_do_not_crash)
{
	static const char *const docs[] = {
	    "null",
	    "42",
	    "\"x\"",
	    "[]",
	    "[[[[\"a\"]]]]",
	    "{}",
	    "{\"type\":7}",
	    "{\"type\":\"record\"}",
	    "{\"type\":\"record\",\"name\":7,\"fields\":{}}",
	    "{\"type\":\"record\",\"name\":\"a.b.C\",\"fields\":[7,{\"type\":\"a.b.C\"}]}",
	    "{\"$ref\":\"#/$defs/x\"}",
	    "{\"$ref\":7,\"$defs\":{\"x\":{\"$ref\":\"a\"}}}",
	    "{\"type\":\"enum\",\"name\":\"\",\"symbols\":[]}",
	    "\"syntax = \\\"proto3\\\"; "
	    "message {\""};
	static const enum dw_format fmts[] = {DW_FMT_AVRO, DW_FMT_JSONSCHEMA, DW_FMT_PROTOBUF,
	                                      DW_FMT_OPENAPI};
	const size_t nd = sizeof(docs) / sizeof(docs[0]);
	json_t *deep = json_string("a.b.C");

	/* a schema nested far deeper than CONTRACT_MAX_DEPTH */
	for (int i = 0; i < 1000; i++)
		deep = json_pack("{s:s, s:o}", "type", "array", "items", deep);
	ck_assert_ptr_nonnull(deep);
	for (size_t fi = 0; fi < sizeof(fmts) / sizeof(fmts[0]); fi++) {
		for (size_t c = 0; c < nd + 1; c++) {
			json_t *contract = c < nd ? J(docs[c]) : json_incref(deep);
			struct dw_ref refs[4];
			json_t *owned[4];
			for (size_t k = 0; k < 4; k++) {
				size_t d = (c + k * 3) % (nd + 1);
				owned[k] = d < nd ? J(docs[d]) : json_incref(deep);
				refs[k].contract = owned[k];
			}
			refs[0].name = "a.b.C";
			refs[1].name = c % 3 ? "a" : NULL;
			refs[2].name = "x";
			refs[3].name = c % 2 ? "a.b.C" : "";
			for (size_t n = 0; n <= 4; n++) {
				struct dw_findings f;
				json_t *r = NULL;
				int rc;
				dw_findings_init(&f);
				rc = refs_resolve(fmts[fi], contract, refs, n, "/s", &f, &r);
				ck_assert(rc == 0 || rc == DW_INVALID);
				ck_assert((rc == 0) == (r != NULL));
				json_decref(r);
				dw_findings_release(&f);
			}
			/* references without contracts */
			{
				struct dw_ref none[2] = {{"a.b.C", NULL}, {"b", NULL}};
				struct dw_findings f;
				json_t *r = NULL;
				dw_findings_init(&f);
				int rc = refs_resolve(fmts[fi], contract, none, 2, NULL, &f, &r);
				ck_assert_int_eq(rc, DW_INVALID);
				ck_assert_ptr_null(r);
				dw_findings_release(&f);
			}
			for (size_t k = 0; k < 4; k++)
				json_decref(owned[k]);
			json_decref(contract);
		}
	}
	json_decref(deep);
}
END_TEST

START_TEST(deep_reference_is_bounded)
{
	/* a referenced Avro schema nested deeper than the bound, used by the referencing one */
	json_t *deep = json_pack("{s:s, s:s, s:[]}", "type", "record", "name", "a.Deep", "fields");
	json_t *contract = J("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"d\","
	                     "\"type\":\"a.Deep\"}]}");
	json_t *inner = json_string("int");
	struct dw_findings f;
	struct dw_ref ref;
	json_t *r = NULL;
	int rc;

	for (int i = 0; i < 600; i++)
		inner = json_pack("{s:s, s:o}", "type", "array", "items", inner);
	json_array_append_new(json_object_get(deep, "fields"),
	                      json_pack("{s:s, s:o}", "name", "x", "type", inner));
	ref.name = "a.Deep";
	ref.contract = deep;
	dw_findings_init(&f);
	rc = refs_resolve(DW_FMT_AVRO, contract, &ref, 1, "", &f, &r);
	ck_assert_int_eq(rc, DW_INVALID);
	ck_assert_ptr_null(r);
	dw_findings_release(&f);
	json_decref(deep);
	json_decref(contract);
}
END_TEST

static Suite *refs_suite(void)
{
	Suite *s = suite_create("refs");
	TCase *avro = tcase_create("avro"), *js = tcase_create("jsonschema");
	TCase *pb = tcase_create("protobuf"), *bad = tcase_create("garbage");

	tcase_add_test(avro, avro_reference_in_another_namespace);
	tcase_add_test(avro, avro_reference_in_null_namespace);
	tcase_add_test(avro, avro_empty_namespace_is_null_namespace);
	tcase_add_test(avro, avro_relative_name_and_single_definition);
	tcase_add_test(avro, avro_referenced_schema_with_nested_named_types);
	tcase_add_test(avro, avro_union_array_map_and_two_references);
	tcase_add_test(avro, avro_array_items_and_map_values_first_use);
	tcase_add_test(avro, avro_nested_references_defined_once);
	tcase_add_test(avro, avro_errors);
	tcase_add_test(avro, avro_compatibility_through_references);
	tcase_add_test(avro, avro_without_references_is_validate_plus_copy);
	tcase_add_test(js, jsonschema_whole_document_reference);
	tcase_add_test(js, jsonschema_fragment_reference_and_escaping);
	tcase_add_test(js, jsonschema_nested_references);
	tcase_add_test(js, jsonschema_reference_inside_reference);
	tcase_add_test(js, jsonschema_compatibility_through_references);
	tcase_add_test(js, jsonschema_errors_and_unreferenced);
	tcase_add_test(pb, protobuf_imported_types_resolve);
	tcase_add_test(pb, protobuf_same_package_and_scoping);
	tcase_add_test(pb, protobuf_unresolved_and_missing_imports);
	tcase_add_test(pb, protobuf_import_public_and_not_transitive);
	tcase_add_test(pb, protobuf_errors_in_imported_file);
	tcase_add_test(pb, protobuf_through_refs_resolve);
	tcase_add_test(bad, garbage_references_do_not_crash);
	tcase_add_test(bad, deep_reference_is_bounded);
	tcase_set_timeout(bad, 60);
	suite_add_tcase(s, avro);
	suite_add_tcase(s, js);
	suite_add_tcase(s, pb);
	suite_add_tcase(s, bad);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(refs_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
