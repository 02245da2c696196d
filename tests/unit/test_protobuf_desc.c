/*
 * test_protobuf_desc: the FileDescriptorProto reader and writer (validators/protobuf_desc.c).
 * Round trips text -> AST -> descriptor -> AST -> text give protobuf_canonical of the original
 * for proto2, proto3 and editions files with every construct; a descriptor written byte by byte
 * from the encoding spec reads as the file it describes; malformed and hostile inputs are
 * findings; base64 takes only the standard alphabet with padding.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validators/error.h"
#include "validators/protobuf.h"
#include "validators/protobuf_desc.h"
#include "tests/unit/testutil.h"

static const char proto3_file[] = "syntax = \"proto3\";\n"
                                  "package acme.shop.v1;\n"
                                  "import \"google/protobuf/timestamp.proto\";\n"
                                  "option java_package = \"com.acme.shop\";\n"
                                  "option optimize_for = CODE_SIZE;\n"
                                  "message Order {\n"
                                  "  option deprecated = true;\n"
                                  "  string id = 1;\n"
                                  "  repeated Line lines = 2 [packed = false];\n"
                                  "  map<string, int64> totals = 3;\n"
                                  "  map<int32, Line> by_number = 4;\n"
                                  "  optional string note = 5 [json_name = \"remark\"];\n"
                                  "  oneof payment {\n"
                                  "    string card = 6;\n"
                                  "    Cash cash = 7 [deprecated = true];\n"
                                  "  }\n"
                                  "  Status status = 8;\n"
                                  "  google.protobuf.Timestamp at = 9;\n"
                                  "  Line.Kind kind = 10;\n"
                                  "  repeated int32 codes = 11 [packed = true];\n"
                                  "  reserved 12, 15 to 20, 100 to max;\n"
                                  "  reserved \"old\", \"older\";\n"
                                  "  enum Status {\n"
                                  "    option allow_alias = true;\n"
                                  "    STATUS_UNSPECIFIED = 0;\n"
                                  "    OPEN = 1;\n"
                                  "    STARTED = 1;\n"
                                  "    CLOSED = 2 [deprecated = true];\n"
                                  "    reserved 5 to 9;\n"
                                  "    reserved \"GONE\";\n"
                                  "  }\n"
                                  "  message Line {\n"
                                  "    string sku = 1;\n"
                                  "    uint32 qty = 2;\n"
                                  "    Kind kind = 3;\n"
                                  "    enum Kind {\n"
                                  "      KIND_UNSPECIFIED = 0;\n"
                                  "    }\n"
                                  "  }\n"
                                  "  message Cash {\n"
                                  "    sint64 cents = 1;\n"
                                  "    Line first = 2;\n"
                                  "  }\n"
                                  "}\n"
                                  "enum Top {\n"
                                  "  TOP_UNSPECIFIED = 0;\n"
                                  "}\n"
                                  "service Shop {\n"
                                  "  option deprecated = true;\n"
                                  "  rpc Place (Order) returns (Order);\n"
                                  "  rpc Watch (stream Order) returns (stream Order) {\n"
                                  "    option idempotency_level = NO_SIDE_EFFECTS;\n"
                                  "  }\n"
                                  "}\n";

static const char proto2_file[] = "syntax = \"proto2\";\n"
                                  "package legacy;\n"
                                  "import public \"other.proto\";\n"
                                  "import weak \"weak.proto\";\n"
                                  "message Item {\n"
                                  "  required int32 id = 1;\n"
                                  "  optional string name = 2 [default = \"a \\\"b\\\"\\n\"];\n"
                                  "  optional double ratio = 3 [default = 1.5];\n"
                                  "  optional Color color = 4 [default = RED];\n"
                                  "  optional bool on = 5 [default = true];\n"
                                  "  optional int64 big = 6 [default = -9000000000];\n"
                                  "  optional uint64 huge = 7 [default = 18446744073709551615];\n"
                                  "  optional bytes raw = 8 [default = \"\\001\\377\"];\n"
                                  "  optional float inf = 9 [default = -inf];\n"
                                  "  repeated group Part = 10 {\n"
                                  "    optional string label = 1;\n"
                                  "  }\n"
                                  "  oneof choice {\n"
                                  "    int32 a = 11;\n"
                                  "    string b = 12;\n"
                                  "  }\n"
                                  "  optional other.Thing thing = 13;\n"
                                  "  extensions 100 to 199, 1000 to max;\n"
                                  "  enum Color {\n"
                                  "    RED = 1;\n"
                                  "    GREEN = 2;\n"
                                  "  }\n"
                                  "  message Nested {\n"
                                  "    optional Nested again = 1;\n"
                                  "    optional Item up = 2;\n"
                                  "    extend Item {\n"
                                  "      optional int32 nested_ext = 101;\n"
                                  "    }\n"
                                  "  }\n"
                                  "}\n"
                                  "extend Item {\n"
                                  "  optional string tag = 100;\n"
                                  "  repeated int32 more = 102;\n"
                                  "}\n";

static const char editions_file[] = "edition = \"2023\";\n"
                                    "package ed;\n"
                                    "message E {\n"
                                    "  int32 a = 1;\n"
                                    "  repeated string b = 2;\n"
                                    "}\n";

/* Shadowing: Inner names the nested one inside Outer, the top-level one elsewhere; inside
 * Outer the top-level one is t.Inner (the shortest name that reaches it, as the reader writes
 * names). */
static const char scopes_file[] = "syntax = \"proto3\";\n"
                                  "package s.t;\n"
                                  "message Inner {\n"
                                  "  int32 x = 1;\n"
                                  "}\n"
                                  "message Outer {\n"
                                  "  Inner mine = 1;\n"
                                  "  t.Inner top = 2;\n"
                                  "  message Inner {\n"
                                  "    Outer back = 1;\n"
                                  "  }\n"
                                  "}\n"
                                  "message Other {\n"
                                  "  Outer.Inner deep = 1;\n"
                                  "  Inner top = 2;\n"
                                  "}\n";

static char *canonical_of(const char *text)
{
	struct dw_findings f;
	json_t *ast = NULL;
	char *canon;
	int rc;

	dw_findings_init(&f);
	rc = protobuf_parse(text, strlen(text), NULL, 0, NULL, &f, &ast);
	ck_assert_msg(rc == 0, "fixture does not parse: %s", f.count ? f.items[0].message : "");
	canon = protobuf_canonical(ast);
	ck_assert_ptr_nonnull(canon);
	json_decref(ast);
	dw_findings_release(&f);
	return canon;
}

/* The .proto text of a descriptor; NULL when it does not read (first finding in *why). */
static char *desc_text(const void *bin, size_t len, struct dw_findings *f)
{
	json_t *ast = NULL;
	char *text;

	if (protobuf_desc_to_ast(bin, len, "/schema", f, &ast) != 0)
		return NULL;
	text = protobuf_canonical(ast);
	json_decref(ast);
	return text;
}

static void encode(const char *text, unsigned char **bin, size_t *len)
{
	struct dw_findings f;
	json_t *ast = NULL;

	dw_findings_init(&f);
	ck_assert_int_eq(protobuf_parse(text, strlen(text), NULL, 0, NULL, &f, &ast), 0);
	ck_assert_int_eq(protobuf_desc_from_ast(ast, "x.proto", bin, len), 0);
	json_decref(ast);
	dw_findings_release(&f);
}

/* 1 when needle[0..n) occurs in hay[0..len). */
static int has_bytes(const unsigned char *hay, size_t len, const char *needle, size_t n)
{
	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(hay + i, needle, n) == 0)
			return 1;
	return 0;
}

/* text -> descriptor -> text is canonical(text), and a second trip gives the same bytes. */
static void round_trip(const char *text)
{
	struct dw_findings f;
	unsigned char *bin, *bin2;
	size_t len, len2;
	char *want = canonical_of(text), *got;

	encode(text, &bin, &len);
	dw_findings_init(&f);
	got = desc_text(bin, len, &f);
	ck_assert_msg(got != NULL, "descriptor does not read: %s",
	              f.count ? f.items[0].message : "");
	ck_assert_str_eq(got, want);
	encode(got, &bin2, &len2);
	ck_assert_uint_eq(len2, len);
	ck_assert(memcmp(bin, bin2, len) == 0);
	free(bin);
	free(bin2);
	free(got);
	free(want);
	dw_findings_release(&f);
}

START_TEST(round_trip_proto3)
{
	round_trip(proto3_file);
}
END_TEST

START_TEST(round_trip_proto2)
{
	round_trip(proto2_file);
}
END_TEST

START_TEST(round_trip_editions)
{
	round_trip(editions_file);
}
END_TEST

START_TEST(round_trip_scopes)
{
	round_trip(scopes_file);
}
END_TEST

/* Fully qualified names in the descriptor: the writer uses typeFullName, with a leading dot. */
START_TEST(writer_qualifies_type_names)
{
	unsigned char *bin;
	size_t len;

	encode(scopes_file, &bin, &len);
	ck_assert(has_bytes(bin, len, ".s.t.Outer.Inner", 16));
	ck_assert(has_bytes(bin, len, ".s.t.Inner", 10));
	free(bin);
	encode(proto3_file, &bin, &len);
	/* the map entry protoc would make, and the synthetic oneof of the optional field */
	ck_assert(has_bytes(bin, len, "ByNumberEntry", 13));
	ck_assert(has_bytes(bin, len, "_note", 5));
	ck_assert(has_bytes(bin, len, ".google.protobuf.Timestamp", 26));
	free(bin);
}
END_TEST

/* FileDescriptorProto{name: "a.proto", package: "p", message_type: [{name: "M", field:
 * [{name: "id", number: 1, label: LABEL_OPTIONAL, type: TYPE_INT32}]}], syntax: "proto3"},
 * written from the encoding spec: tag = field << 3 | wire type. */
static const unsigned char hand_made[] = {
    0x0a, 0x07, 'a', '.', 'p', 'r', 'o', 't', 'o', /* 1: name */
    0x12, 0x01, 'p',                               /* 2: package */
    0x22, 0x0f,                                    /* 4: message_type, 15 bytes */
    0x0a, 0x01, 'M',                               /*   1: name */
    0x12, 0x0a,                                    /*   2: field, 10 bytes */
    0x0a, 0x02, 'i', 'd',                          /*     1: name */
    0x18, 0x01,                                    /*     3: number */
    0x20, 0x01,                                    /*     4: label */
    0x28, 0x05,                                    /*     5: type */
    0x62, 0x06, 'p', 'r', 'o', 't', 'o', '3',      /* 12: syntax */
};

START_TEST(hand_made_bytes)
{
	struct dw_findings f;
	char *text;

	dw_findings_init(&f);
	text = desc_text(hand_made, sizeof(hand_made), &f);
	ck_assert_ptr_nonnull(text);
	ck_assert_str_eq(text,
	                 "syntax = \"proto3\";\npackage p;\nmessage M {\n  int32 id = 1;\n}\n");
	ck_assert_uint_eq(f.count, 0);
	free(text);
	dw_findings_release(&f);
}
END_TEST

/* Unknown fields are skipped (an unknown option is a warning), fields come in any order,
 * and a non-packed repeated scalar may arrive packed. */
START_TEST(unknown_fields_and_order)
{
	/* syntax first, then the message, then source_code_info (9) and an unknown field 99 */
	static const unsigned char bin[] = {
	    0x62, 0x06, 'p', 'r', 'o', 't', 'o', '3', 0x22, 0x03, 0x0a, 0x01, 'M', 0x4a, 0x02, 0x08,
	    0x01, 0x98, 0x06, 0x07,
	    /* options (8) with java_package and a custom option 50000 */
	    0x42, 0x09, 0x0a, 0x01, 'j', 0x80, 0xb5, 0x18, 0x01, 0x10, 0x00};
	struct dw_findings f;
	char *text;

	dw_findings_init(&f);
	text = desc_text(bin, sizeof(bin), &f);
	ck_assert_msg(text != NULL, "%s", f.count ? f.items[0].message : "");
	ck_assert_str_eq(text,
	                 "syntax = \"proto3\";\noption java_package = \"j\";\nmessage M {\n}\n");
	ck_assert_uint_eq(dw_findings_errors(&f), 0);
	ck_assert_uint_eq(f.count, 1);
	ck_assert_ptr_nonnull(strstr(f.items[0].message, "FileOptions field 50000"));
	free(text);
	dw_findings_release(&f);
}
END_TEST

/* Reads bin and expects an error whose message holds want. */
static void refused(const unsigned char *bin, size_t len, const char *want)
{
	struct dw_findings f;
	json_t *ast = (json_t *)1;

	dw_findings_init(&f);
	ck_assert_int_eq(protobuf_desc_to_ast(bin, len, "/schema", &f, &ast), DW_INVALID);
	ck_assert_ptr_null(ast);
	ck_assert_uint_ge(dw_findings_errors(&f), 1);
	ck_assert_msg(strstr(f.items[f.count - 1].message, want) != NULL, "'%s' lacks '%s'",
	              f.items[f.count - 1].message, want);
	ck_assert_str_eq(f.items[f.count - 1].pointer, "/schema");
	dw_findings_release(&f);
}

START_TEST(malformed_inputs)
{
	static const unsigned char truncated_varint[] = {0x08, 0x80};
	static const unsigned char long_length[] = {0x0a, 0x10, 'a'};
	static const unsigned char wrong_wire_type[] = {0x08, 0x01};
	static const unsigned char bad_utf8[] = {0x0a, 0x02, 0xc3, 0x28};
	static const unsigned char zero_field[] = {0x00, 0x01};
	static const unsigned char end_group[] = {0x0c};
	static const unsigned char wire_type_7[] = {0x0f};
	static const unsigned char varint_too_long[] = {0x18, 0xff, 0xff, 0xff, 0xff, 0xff,
	                                                0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
	static const unsigned char bad_name[] = {0x22, 0x05, 0x0a, 0x03, 'a', ' ', 'b'};
	static const unsigned char bad_package[] = {0x12, 0x03, 'a', '.', '.'};
	/* a field naming oneof 3 of a message without oneofs */
	static const unsigned char bad_oneof[] = {0x22, 0x0e, 0x0a, 0x01, 'M',  0x12, 0x09, 0x0a,
	                                          0x01, 'x',  0x18, 0x01, 0x48, 0x03, 0x28, 0x05};
	/* type 99 */
	static const unsigned char bad_type[] = {0x22, 0x0c, 0x0a, 0x01, 'M',  0x12, 0x07,
	                                         0x0a, 0x01, 'x',  0x18, 0x01, 0x28, 0x63};
	/* a field type name that is not a name */
	static const unsigned char bad_type_name[] = {0x22, 0x0f, 0x0a, 0x01, 'M',  0x12,
	                                              0x0a, 0x0a, 0x01, 'x',  0x18, 0x01,
	                                              0x32, 0x03, 'a',  ';',  'b'};
	static const unsigned char bad_syntax[] = {0x62, 0x02, 'p', '4'};

	refused(truncated_varint, sizeof(truncated_varint), "truncated or invalid");
	refused(long_length, sizeof(long_length), "truncated or invalid");
	refused(wrong_wire_type, sizeof(wrong_wire_type), "wire type 0");
	refused(bad_utf8, sizeof(bad_utf8), "not UTF-8");
	refused(zero_field, sizeof(zero_field), "bad field key");
	refused(end_group, sizeof(end_group), "truncated or invalid");
	refused(wire_type_7, sizeof(wire_type_7), "truncated or invalid");
	refused(varint_too_long, sizeof(varint_too_long), "truncated or invalid");
	refused(bad_name, sizeof(bad_name), "message name 'a b' is not an identifier");
	refused(bad_package, sizeof(bad_package), "package 'a..' is not a dotted name");
	refused(bad_oneof, sizeof(bad_oneof), "names oneof 3");
	refused(bad_type, sizeof(bad_type), "invalid label or type");
	refused(bad_type_name, sizeof(bad_type_name), "'a;b' is not a type name");
	refused(bad_syntax, sizeof(bad_syntax), "syntax 'p4'");
}
END_TEST

/* Appends tag and the varint n to out at *len. */
static void wrap(unsigned char *out, size_t *len, unsigned char tag, size_t n)
{
	size_t k = *len;

	out[k++] = tag;
	do {
		out[k++] = (unsigned char)((n > 0x7f ? 0x80 : 0) | (n & 0x7f));
		n >>= 7;
	} while (n);
	*len = k;
}

/* Messages nested past PROTOBUF_MAX_DEPTH: a finding, not a deep recursion. */
START_TEST(deep_nesting_refused)
{
	size_t cap = 8192, n = 3, k;
	unsigned char *bin = malloc(cap), *tmp = malloc(cap);
	struct dw_findings f;
	json_t *ast = NULL;

	/* {name: "M"} wrapped in {name: "M", nested_type: ...} 200 times, then message_type */
	memcpy(bin, "\x0a\x01M", 3);
	for (int i = 0; i < 200; i++) {
		memcpy(tmp, "\x0a\x01M", 3);
		k = 3;
		wrap(tmp, &k, 0x1a, n);
		memcpy(tmp + k, bin, n);
		n += k;
		memcpy(bin, tmp, n);
	}
	k = 0;
	wrap(tmp, &k, 0x22, n);
	memcpy(tmp + k, bin, n);
	n += k;
	ck_assert_uint_lt(n, cap);
	dw_findings_init(&f);
	ck_assert_int_eq(protobuf_desc_to_ast(tmp, n, NULL, &f, &ast), DW_INVALID);
	ck_assert_ptr_null(ast);
	ck_assert_uint_ge(dw_findings_errors(&f), 1);
	ck_assert_ptr_nonnull(strstr(f.items[0].message, "deeper than"));
	dw_findings_release(&f);
	free(bin);
	free(tmp);
}
END_TEST

/* Random bytes and every truncation of a real descriptor: never a crash. */
START_TEST(truncations_and_noise)
{
	unsigned char *bin;
	size_t len;
	unsigned seed = 7;

	encode(proto3_file, &bin, &len);
	for (size_t cut = 0; cut < len; cut++) {
		struct dw_findings f;
		json_t *ast = NULL;
		dw_findings_init(&f);
		protobuf_desc_to_ast(bin, cut, NULL, &f, &ast);
		json_decref(ast);
		dw_findings_release(&f);
	}
	for (int round = 0; round < 200; round++) {
		unsigned char *copy = malloc(len);
		struct dw_findings f;
		json_t *ast = NULL;
		memcpy(copy, bin, len);
		for (int k = 0; k < 4; k++) {
			seed = seed * 1103515245u + 12345u;
			copy[(seed >> 8) % len] = (unsigned char)(seed >> 16);
		}
		dw_findings_init(&f);
		protobuf_desc_to_ast(copy, len, NULL, &f, &ast);
		json_decref(ast);
		dw_findings_release(&f);
		free(copy);
	}
	free(bin);
}
END_TEST

START_TEST(base64)
{
	unsigned char *out;
	size_t n;
	char *text;

	ck_assert_int_eq(protobuf_desc_base64_decode("YQ==", 4, &out, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(out[0], 'a');
	free(out);
	ck_assert_int_eq(protobuf_desc_base64_decode("YWI=", 4, &out, &n), 0);
	ck_assert_uint_eq(n, 2);
	free(out);
	ck_assert_int_eq(protobuf_desc_base64_decode("YWJj", 4, &out, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert(memcmp(out, "abc", 3) == 0);
	free(out);
	ck_assert_int_eq(protobuf_desc_base64_decode("", 0, &out, &n), 0);
	ck_assert_uint_eq(n, 0);
	free(out);
	ck_assert_int_eq(protobuf_desc_base64_decode("YWJ", 3, &out, &n), DW_INVALID);
	ck_assert_int_eq(protobuf_desc_base64_decode("Y=Jj", 4, &out, &n), DW_INVALID);
	ck_assert_int_eq(protobuf_desc_base64_decode("YR==", 4, &out, &n), DW_INVALID);
	ck_assert_int_eq(protobuf_desc_base64_decode("YWJ=", 4, &out, &n), DW_INVALID);
	ck_assert_int_eq(protobuf_desc_base64_decode("YW-j", 4, &out, &n), DW_INVALID);
	ck_assert_int_eq(protobuf_desc_base64_decode("YW j", 4, &out, &n), DW_INVALID);
	ck_assert_int_eq(protobuf_desc_base64_decode("====", 4, &out, &n), DW_INVALID);
	ck_assert_ptr_null(out);
	text = protobuf_desc_base64_encode(hand_made, sizeof(hand_made));
	ck_assert_ptr_nonnull(text);
	ck_assert_int_eq(protobuf_desc_base64_decode(text, strlen(text), &out, &n), 0);
	ck_assert_uint_eq(n, sizeof(hand_made));
	ck_assert(memcmp(out, hand_made, n) == 0);
	ck_assert(protobuf_desc_base64_like(text, strlen(text)));
	ck_assert(!protobuf_desc_base64_like("syntax = \"proto3\";", 18));
	ck_assert(!protobuf_desc_base64_like("", 0));
	free(out);
	free(text);
}
END_TEST

static Suite *protobuf_desc_suite(void)
{
	Suite *s = suite_create("protobuf_desc");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, round_trip_proto3);
	tcase_add_test(tc, round_trip_proto2);
	tcase_add_test(tc, round_trip_editions);
	tcase_add_test(tc, round_trip_scopes);
	tcase_add_test(tc, writer_qualifies_type_names);
	tcase_add_test(tc, hand_made_bytes);
	tcase_add_test(tc, unknown_fields_and_order);
	tcase_add_test(tc, malformed_inputs);
	tcase_add_test(tc, deep_nesting_refused);
	tcase_add_test(tc, truncations_and_noise);
	tcase_add_test(tc, base64);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(protobuf_desc_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
