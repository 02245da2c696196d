/*
 * test_protobuf: the .proto reader (validators/protobuf.c): a proto3 and a proto2 file with
 * every construct, the errors with their exact line:col and message, bounded nesting, the
 * canonical printer, type resolution against imports and references, and the contract hooks
 * (contract_validate, contract_fingerprint, contract_field_names).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validators/contract.h"
#include "validators/error.h"
#include "validators/fields.h"
#include "validators/protobuf.h"
#include "tests/unit/testutil.h"

static char *read_fixture(const char *name)
{
	return tu_read_repo_file("tests/fixtures/protobuf", name, NULL);
}

/* Parses text; returns the AST (or NULL) and leaves findings in f. */
static json_t *parse(const char *text, size_t len, struct dw_findings *f, int *rc)
{
	json_t *ast = NULL;

	dw_findings_init(f);
	*rc = protobuf_parse(text, len, NULL, 0, "/contract", f, &ast);
	return ast;
}

static const json_t *at(const json_t *root, const char *pointer)
{
	const json_t *v = dw_pointer_get(root, pointer);
	ck_assert_msg(v != NULL, "no %s in the AST", pointer);
	return v;
}

static const char *str_at(const json_t *root, const char *pointer)
{
	const char *s = json_string_value(at(root, pointer));
	ck_assert_msg(s != NULL, "%s is not a string", pointer);
	return s;
}

static long long int_at(const json_t *root, const char *pointer)
{
	ck_assert_msg(json_is_integer(at(root, pointer)), "%s is not an integer", pointer);
	return (long long)json_integer_value(at(root, pointer));
}

START_TEST(proto3_every_construct)
{
	char *text = read_fixture("shop.proto");
	struct dw_findings f;
	int rc;
	json_t *ast = parse(text, strlen(text), &f, &rc);

	for (size_t i = 0; i < f.count; i++)
		fprintf(stderr, "%d:%d: %s\n", f.items[i].line, f.items[i].col, f.items[i].message);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(f.count, 0);
	ck_assert_str_eq(str_at(ast, "/syntax"), "proto3");
	ck_assert_str_eq(str_at(ast, "/package"), "shop.orders.v1");
	ck_assert_str_eq(str_at(ast, "/imports/1/kind"), "public");
	ck_assert_str_eq(str_at(ast, "/imports/2/kind"), "weak");
	ck_assert(json_is_false(at(ast, "/imports/1/reference")));
	ck_assert_str_eq(str_at(ast, "/options/java_package"), "com.example.shop.orders");
	ck_assert(json_is_true(at(ast, "/options/java_multiple_files")));
	ck_assert_str_eq(str_at(ast, "/options/optimize_for/literal"), "SPEED");
	ck_assert_str_eq(str_at(ast, "/options/(shop.meta)/aggregate"),
	                 "{ owner: \"team-orders\" tags: [\"a\", \"b\"] limits { max: 10 } }");
	/* Order */
	ck_assert_str_eq(str_at(ast, "/messages/0/fullName"), "shop.orders.v1.Order");
	ck_assert_int_eq(int_at(ast, "/messages/0/line"), 16);
	ck_assert_int_eq(int_at(ast, "/messages/0/reserved/numbers/1/0"), 9);
	ck_assert_int_eq(int_at(ast, "/messages/0/reserved/numbers/1/1"), 11);
	ck_assert_int_eq(int_at(ast, "/messages/0/reserved/numbers/2/1"), 536870911);
	ck_assert_str_eq(str_at(ast, "/messages/0/reserved/names/1"), "old_total");
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/0/name"), "id");
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/0/options/json_name"), "orderId");
	ck_assert_int_eq(int_at(ast, "/messages/0/fields/0/line"), 22);
	ck_assert_int_eq(int_at(ast, "/messages/0/fields/0/col"), 3);
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/1/kind"), "message");
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/1/typeFullName"),
	                 "google.protobuf.Timestamp");
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/2/label"), "repeated");
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/2/typeFullName"), "shop.orders.v1.Line");
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/3/label"), "optional");
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/4/kind"), "map");
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/4/type"), "map<string, int64>");
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/4/map/key"), "string");
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/4/map/valueKind"), "scalar");
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/5/kind"), "enum");
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/5/typeFullName"),
	                 "shop.orders.v1.Order.State");
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/6/typeFullName"),
	                 "shop.orders.v1.Order.Address");
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/11/oneof"), "payment");
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/12/typeFullName"),
	                 "shop.orders.v1.Order.Iban");
	ck_assert_str_eq(str_at(ast, "/messages/0/oneofs/0/options/(shop.oneof_note)"), "one of");
	ck_assert_str_eq(str_at(ast, "/messages/0/messages/0/messages/0/fullName"),
	                 "shop.orders.v1.Order.Address.Geo");
	ck_assert_str_eq(str_at(ast, "/messages/0/messages/0/fields/2/typeFullName"),
	                 "shop.orders.v1.Order.Address.Geo");
	ck_assert_str_eq(str_at(ast, "/messages/0/enums/0/values/3/name"), "STATE_SETTLED");
	ck_assert_int_eq(int_at(ast, "/messages/0/enums/0/values/3/number"), 2);
	ck_assert_int_eq(int_at(ast, "/messages/0/enums/0/reserved/numbers/0/1"), 8);
	/* Line refers to Order.State from the package scope */
	ck_assert_str_eq(str_at(ast, "/messages/1/fields/2/typeFullName"),
	                 "shop.orders.v1.Order.State");
	ck_assert_str_eq(str_at(ast, "/enums/0/values/1/options/(shop.label)"), "web");
	ck_assert_str_eq(str_at(ast, "/services/0/rpcs/1/input"), "Line");
	ck_assert(json_is_true(at(ast, "/services/0/rpcs/1/inputStream")));
	ck_assert(json_is_true(at(ast, "/services/0/rpcs/1/options/deprecated")));
	json_decref(ast);
	dw_findings_release(&f);
	free(text);
}
END_TEST

START_TEST(proto2_required_groups_extensions_defaults)
{
	char *text = read_fixture("legacy.proto");
	struct dw_findings f;
	int rc;
	json_t *ast = parse(text, strlen(text), &f, &rc);

	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(f.count, 0);
	ck_assert_str_eq(str_at(ast, "/syntax"), "proto2");
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/0/label"), "required");
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/1/options/default"), "anonymous");
	ck_assert_int_eq(int_at(ast, "/messages/0/fields/2/options/default"), -1);
	ck_assert(json_real_value(at(ast, "/messages/0/fields/3/options/default")) == 0.5);
	ck_assert(json_is_true(at(ast, "/messages/0/fields/4/options/default")));
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/5/options/default/literal"), "PERSONAL");
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/5/kind"), "enum");
	ck_assert(json_is_true(at(ast, "/messages/0/fields/6/options/packed")));
	/* the group: a field "address" of kind group, and a nested message Address */
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/7/name"), "address");
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/7/kind"), "group");
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/7/typeFullName"),
	                 "legacy.Account.Address");
	ck_assert(json_is_true(at(ast, "/messages/0/messages/0/group")));
	ck_assert_str_eq(str_at(ast, "/messages/0/messages/0/fields/0/label"), "required");
	ck_assert_int_eq(int_at(ast, "/messages/0/extensions/1/0"), 500);
	ck_assert_int_eq(int_at(ast, "/messages/0/extensions/1/1"), 536870911);
	ck_assert_str_eq(str_at(ast, "/extends/0/extendee"), "Account");
	ck_assert_str_eq(str_at(ast, "/extends/0/fields/0/name"), "nickname");
	json_decref(ast);
	dw_findings_release(&f);
	free(text);
}
END_TEST

/* Bad inputs: the first error finding's "line:col: message". */
static const struct {
	const char *text;
	const char *want;
} bad[] = {
    {"syntax = \"proto3\";\nmessage A { string s = 1 [default = \"x]; }\n",
     "2:37: unterminated string"},
    {"syntax = \"proto3\";\nmessage A {\n  int32 a = 0;\n}\n",
     "3:3: field number 0 of 'a' out of range (1 to 536870911)"},
    {"syntax = \"proto3\";\nmessage A {\n  int32 a = 19000;\n}\n",
     "3:3: field number 19000 of 'a' is reserved for the protobuf implementation (19000 to "
     "19999)"},
    {"syntax = \"proto3\";\nmessage A {\n  int32 a = 536870912;\n}\n",
     "3:3: field number 536870912 of 'a' out of range (1 to 536870911)"},
    {"syntax = \"proto3\";\nmessage A {\n  int32 a = 1;\n  string b = 1;\n}\n",
     "4:3: field number 1 of 'b' is already used by 'a'"},
    {"syntax = \"proto3\";\nmessage A {\n  int32 a = 1;\n  string a = 2;\n}\n",
     "4:3: duplicate field name 'a'"},
    {"syntax = \"proto3\";\nmessage A {\n  reserved 2 to 5;\n  int32 a = 3;\n}\n",
     "4:3: field 'a' uses reserved number 3"},
    {"syntax = \"proto3\";\nmessage A {\n  reserved \"a\";\n  int32 a = 3;\n}\n",
     "4:3: field name 'a' is reserved"},
    {"syntax = \"proto3\";\nmessage A {\n  required int32 a = 1;\n}\n",
     "3:3: required fields are not allowed in proto3"},
    {"syntax = \"proto3\";\nmessage A {\n  map<float, string> m = 1;\n}\n",
     "3:3: map key type 'float' is not allowed (integral or string types only)"},
    {"syntax = \"proto4\";\n", "1:10: unknown syntax 'proto4' (expected 'proto2' or 'proto3')"},
    {"syntax = \"proto3\";\nmessage A {\n  int32 a = 1\n  int32 b = 2;\n}\n",
     "4:3: expected ';' after the field, got 'int32'"},
    {"syntax = \"proto3\";\nmessage A {\n  int32 a = 1;\n", "4:1: expected '}' closing the "
                                                            "message, got end of input"},
    {"syntax = \"proto3\";\nmessage A { int32 a = 1; }\n}\n",
     "3:1: expected 'message', 'enum', 'service', 'extend', 'import', 'package', 'option' or "
     "';', got '}'"},
    {"syntax = \"proto3\";\nmessage A {\n  optional int32 a = 1 [default = 3];\n}\n",
     "3:3: explicit default values are not allowed in proto3 (field 'a')"},
    {"syntax = \"proto3\";\nmessage A {\n  optional group G = 1 { optional int32 x = 2; }\n}\n",
     "3:12: groups are not allowed in proto3"},
    {"syntax = \"proto3\";\nenum E {\n  A = 1;\n}\n", "3:3: first value of enum 'E' must be 0 in "
                                                      "proto3"},
    {"syntax = \"proto3\";\nenum E {\n  A = 0;\n  B = 0;\n}\n",
     "4:3: enum value number 0 of 'B' is already used by 'A' (set option allow_alias = true to "
     "allow aliases)"},
    {"syntax = \"proto3\";\nmessage A {\n  Missing m = 1;\n}\n", "3:3: unknown type 'Missing'"},
    {"syntax = \"proto3\";\n/* never closed\nmessage A {}\n", "2:1: unterminated comment"},
    {"syntax = \"proto3\";\nmessage A { string s = 1 [json_name = \"\\q\"]; }\n",
     "2:40: invalid escape '\\q' in string"},
    {"syntax = \"proto3\";\nmessage A { int32 a = 1; }\n@\n", "3:1: unexpected character '@'"},
    {"syntax = \"proto2\";\nmessage A {\n  int32 a = 1;\n}\n",
     "3:3: field needs a label in proto2 ('optional', 'required' or 'repeated')"},
    {"syntax = \"proto3\";\nmessage A {\n  oneof o {\n    repeated int32 a = 1;\n  }\n}\n",
     "4:5: fields in oneofs must not have labels"},
    {"syntax = \"proto3\";\nmessage A {\n  reserved 9 to 5;\n}\n",
     "3:12: reserved range 9 to 5 is empty"},
    {"package a;\nsyntax = \"proto3\";\n", "2:1: the syntax statement must come first in the "
                                           "file"},
    {"syntax = \"proto3\";\noption java_package = \"a\";\noption java_package = \"b\";\n",
     "3:8: option 'java_package' is set twice"},
    {"syntax = \"proto3\";\nmessage A { int32 a = 99999999999999999999; }\n",
     "2:23: integer '99999999999999999999' out of range (more than 64 bits)"},
    {"syntax = \"proto3\";\nmessage A { int32 a = 1; }\nmessage A { int32 b = 1; }\n",
     "3:9: 'A' is already defined"},
};

START_TEST(bad_input_reports_line_and_col)
{
	struct dw_findings f;
	char got[512] = "";
	int rc;
	json_t *ast = parse(bad[_i].text, strlen(bad[_i].text), &f, &rc);

	ck_assert_ptr_null(ast);
	ck_assert_int_eq(rc, DW_INVALID);
	for (size_t i = 0; i < f.count; i++) {
		if (f.items[i].severity == DW_SEV_ERROR) {
			snprintf(got, sizeof(got), "%d:%d: %s", f.items[i].line, f.items[i].col,
			         f.items[i].message);
			ck_assert_str_eq(f.items[i].pointer, "/contract");
			break;
		}
	}
	ck_assert_str_eq(got, bad[_i].want);
	dw_findings_release(&f);
}
END_TEST

START_TEST(invalid_utf8_in_string)
{
	static const char text[] = "syntax = \"proto3\";\nmessage A {\n  string s = 1 [json_name = "
	                           "\"ab\xff\"];\n}\n";
	struct dw_findings f;
	int rc;
	json_t *ast = parse(text, sizeof(text) - 1, &f, &rc);

	ck_assert_ptr_null(ast);
	ck_assert_int_eq(rc, DW_INVALID);
	ck_assert_uint_eq(f.count, 1);
	ck_assert_int_eq(f.items[0].line, 3);
	ck_assert_int_eq(f.items[0].col, 32);
	ck_assert_str_eq(f.items[0].message, "invalid UTF-8 in string");
	dw_findings_release(&f);
}
END_TEST

START_TEST(several_semantic_errors_reported)
{
	static const char text[] = "syntax = \"proto3\";\nmessage A {\n  int32 a = 0;\n  int32 b = "
	                           "19500;\n  required int32 c = 3;\n}\n";
	struct dw_findings f;
	int rc;
	json_t *ast = parse(text, strlen(text), &f, &rc);

	ck_assert_ptr_null(ast);
	ck_assert_uint_eq(dw_findings_errors(&f), 3);
	dw_findings_release(&f);
}
END_TEST

/* 10,000 nested messages and a 10,000-level aggregate: refused at the limit, no overflow. */
START_TEST(deep_nesting_refused)
{
	size_t n = 10000, len = 0;
	char *text = malloc(n * 16 + 64);
	struct dw_findings f;
	int rc;
	json_t *ast;

	len += (size_t)snprintf(text, 64, "syntax = \"proto3\";\n");
	for (size_t i = 0; i < n; i++) {
		memcpy(text + len, "message M {", 11);
		len += 11;
	}
	ast = parse(text, len, &f, &rc);
	ck_assert_ptr_null(ast);
	ck_assert_int_eq(rc, DW_INVALID);
	ck_assert_uint_eq(f.count, 1);
	ck_assert_str_eq(f.items[0].message, "declarations nest deeper than 64 levels");
	ck_assert_int_eq(f.items[0].line, 2);
	ck_assert_int_eq(f.items[0].col, 1 + 64 * 11);
	dw_findings_release(&f);

	len = (size_t)snprintf(text, 64, "syntax = \"proto3\";\noption (x) = {");
	for (size_t i = 0; i < n; i++) {
		text[len++] = 'a';
		text[len++] = '{';
	}
	ast = parse(text, len, &f, &rc);
	ck_assert_ptr_null(ast);
	ck_assert_uint_eq(f.count, 1);
	ck_assert_str_eq(f.items[0].message, "option value nests deeper than 64 levels");
	dw_findings_release(&f);

	len = 0;
	for (size_t i = 0; i < n; i++)
		text[len++] = '{';
	ast = parse(text, len, &f, &rc);
	ck_assert_ptr_null(ast);
	ck_assert_uint_eq(f.count, 1);
	ck_assert_int_eq(f.items[0].col, 1);
	dw_findings_release(&f);
	free(text);
}
END_TEST

START_TEST(imports_and_references)
{
	static const char text[] =
	    "syntax = \"proto3\";\nimport \"shop/common.proto\";\nmessage A {\n"
	    "  shop.Money price = 1;\n}\n";
	const char *refs[] = {"shop/common.proto"};
	struct dw_findings f;
	json_t *ast = NULL;
	int rc;

	/* not given as a reference: a warning, the schema is valid */
	dw_findings_init(&f);
	rc = protobuf_parse(text, strlen(text), NULL, 0, "", &f, &ast);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(f.count, 1);
	ck_assert_int_eq(f.items[0].severity, DW_SEV_WARNING);
	ck_assert_int_eq(f.items[0].line, 4);
	ck_assert_str_eq(f.items[0].message,
	                 "type 'shop.Money' is not defined in this file (import "
	                 "'shop/common.proto' is not given as a reference)");
	ck_assert_str_eq(str_at(ast, "/messages/0/fields/0/kind"), "unresolved");
	json_decref(ast);
	dw_findings_release(&f);
	/* given as a reference: nothing to say */
	dw_findings_init(&f);
	rc = protobuf_parse(text, strlen(text), refs, 1, "", &f, &ast);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(f.count, 0);
	ck_assert(json_is_true(at(ast, "/imports/0/reference")));
	json_decref(ast);
	dw_findings_release(&f);
}
END_TEST

START_TEST(scoping_resolves_innermost_first)
{
	static const char text[] =
	    "syntax = \"proto3\";\npackage a.b;\nmessage Foo { int32 x = 1; }\n"
	    "message Outer {\n  message Foo { int32 y = 1; }\n  Foo inner = 1;\n  .a.b.Foo outer = "
	    "2;\n"
	    "  b.Foo via_package = 3;\n}\n";
	struct dw_findings f;
	int rc;
	json_t *ast = parse(text, strlen(text), &f, &rc);

	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(str_at(ast, "/messages/1/fields/0/typeFullName"), "a.b.Outer.Foo");
	ck_assert_str_eq(str_at(ast, "/messages/1/fields/1/typeFullName"), "a.b.Foo");
	ck_assert_str_eq(str_at(ast, "/messages/1/fields/2/typeFullName"), "a.b.Foo");
	json_decref(ast);
	dw_findings_release(&f);
}
END_TEST

static char *canonical_of(const char *text)
{
	struct dw_findings f;
	int rc;
	json_t *ast = parse(text, strlen(text), &f, &rc);
	char *c;

	ck_assert_int_eq(rc, 0);
	c = protobuf_canonical(ast);
	ck_assert_ptr_nonnull(c);
	json_decref(ast);
	dw_findings_release(&f);
	return c;
}

START_TEST(canonical_ignores_layout_and_comments)
{
	static const char a[] =
	    "syntax = \"proto3\";\npackage p;\n// comment\nmessage A {\n"
	    "  int32 a = 1 [json_name = \"x\"];\n  oneof o { string s = 2; }\n}\n";
	static const char b[] = "syntax=\"proto3\";package p;/* c */message A{int32 a=1[json_name="
	                        "'x'];oneof o{string s=2;}}";
	static const char want[] = "syntax = \"proto3\";\npackage p;\nmessage A {\n"
	                           "  int32 a = 1 [json_name = \"x\"];\n  oneof o {\n"
	                           "    string s = 2;\n  }\n}\n";
	char *ca = canonical_of(a), *cb = canonical_of(b), *cc;
	char *text = read_fixture("shop.proto"), *c1, *c2;

	ck_assert_str_eq(ca, want);
	ck_assert_str_eq(cb, want);
	/* printing the canonical text again gives the same text */
	cc = canonical_of(ca);
	ck_assert_str_eq(cc, ca);
	c1 = canonical_of(text);
	c2 = canonical_of(c1);
	ck_assert_str_eq(c1, c2);
	free(ca);
	free(cb);
	free(cc);
	free(c1);
	free(c2);
	free(text);
	text = read_fixture("legacy.proto");
	c1 = canonical_of(text);
	c2 = canonical_of(c1);
	ck_assert_str_eq(c1, c2);
	ck_assert_ptr_nonnull(
	    strstr(c1, "  optional group Address = 8 {\n    required string city"));
	free(c1);
	free(c2);
	free(text);
}
END_TEST

START_TEST(contract_hooks)
{
	json_t *a = json_string("syntax = \"proto3\";\nmessage A { int32 id = 1; string email = 2; "
	                        "}\n");
	json_t *b = json_string("syntax='proto3'; // same\nmessage A {int32 id=1;string email=2;}");
	json_t *c = json_string("syntax = \"proto3\";\nmessage A { int64 id = 1; }\n");
	json_t *obj = json_pack("{s:s}", "syntax", "proto3");
	json_t *names = NULL;
	char fa[72], fb[72], fc[72];
	struct dw_findings f;

	ck_assert_int_eq(contract_format_parse("protobuf"), DW_FMT_PROTOBUF);
	ck_assert_str_eq(contract_media_type(DW_FMT_PROTOBUF), "application/x-protobuf");
	dw_findings_init(&f);
	ck_assert_int_eq(contract_validate(DW_FMT_PROTOBUF, a, "/contract", &f), 0);
	ck_assert_int_eq(contract_validate(DW_FMT_PROTOBUF, obj, "/contract", &f), DW_INVALID);
	ck_assert_uint_eq(f.count, 1);
	ck_assert_str_eq(
	    f.items[0].message,
	    "a protobuf contract must be a string holding the .proto text, not object");
	dw_findings_release(&f);
	ck_assert_int_eq(contract_fingerprint(DW_FMT_PROTOBUF, a, fa), 0);
	ck_assert_int_eq(contract_fingerprint(DW_FMT_PROTOBUF, b, fb), 0);
	ck_assert_int_eq(contract_fingerprint(DW_FMT_PROTOBUF, c, fc), 0);
	ck_assert_str_eq(fa, fb);
	ck_assert_str_ne(fa, fc);
	ck_assert_int_eq(strncmp(fa, "sha256:", 7), 0);
	ck_assert_int_eq(contract_fingerprint(DW_FMT_PROTOBUF, obj, fc), DW_INVALID);
	ck_assert_int_eq(contract_field_names(DW_FMT_PROTOBUF, a, &names), 0);
	ck_assert_uint_eq(json_array_size(names), 2);
	ck_assert_str_eq(json_string_value(json_array_get(names, 1)), "email");
	json_decref(names);
	json_decref(a);
	json_decref(b);
	json_decref(c);
	json_decref(obj);
}
END_TEST

static Suite *protobuf_suite(void)
{
	Suite *s = suite_create("protobuf");
	TCase *tc = tcase_create("parser");

	tcase_add_test(tc, proto3_every_construct);
	tcase_add_test(tc, proto2_required_groups_extensions_defaults);
	tcase_add_loop_test(tc, bad_input_reports_line_and_col, 0,
	                    (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, invalid_utf8_in_string);
	tcase_add_test(tc, several_semantic_errors_reported);
	tcase_add_test(tc, deep_nesting_refused);
	tcase_add_test(tc, imports_and_references);
	tcase_add_test(tc, scoping_resolves_innermost_first);
	tcase_add_test(tc, canonical_ignores_layout_and_comments);
	tcase_add_test(tc, contract_hooks);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(protobuf_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
