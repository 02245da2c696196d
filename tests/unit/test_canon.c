/*
 * test_canon: SHA-256 against the FIPS 180-4 / NIST example vectors, and the canonical JSON
 * form and fingerprint that make contract registration idempotent.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "validators/contract.h"
#include "validators/error.h"

static void check_sha(const char *data, size_t len, const char *want)
{
	char hex[65];

	dw_sha256_hex(data, len, hex);
	ck_assert_str_eq(hex, want);
}

START_TEST(sha256_vectors)
{
	char *million = malloc(1000000);

	check_sha("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check_sha("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	check_sha("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
	          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	check_sha("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
	          "klmnopqrlmnopqrsmnopqrstnopqrstu",
	          112, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
	ck_assert_ptr_nonnull(million);
	memset(million, 'a', 1000000);
	check_sha(million, 1000000,
	          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(million);
}
END_TEST

/* Lengths around the padding boundary (55, 56, 63, 64 bytes) agree with one-shot digests
 * computed independently (sha256sum). */
START_TEST(sha256_block_boundaries)
{
	char buf[64];

	memset(buf, 'a', sizeof(buf));
	check_sha(buf, 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
	check_sha(buf, 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
	check_sha(buf, 63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34");
	check_sha(buf, 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}
END_TEST

static char *canon_of(const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
	char *s;

	ck_assert_msg(v != NULL, "%s: %s", text, e.text);
	s = canon_json(v);
	ck_assert_ptr_nonnull(s);
	json_decref(v);
	return s;
}

static void check_canon(const char *text, const char *want)
{
	char *s = canon_of(text);

	ck_assert_str_eq(s, want);
	free(s);
}

START_TEST(canon_sorts_keys_and_drops_whitespace)
{
	check_canon(
	    "{ \"b\" : 1,\n \"a\" : [ true , false, null ],\t\"c\": {\"z\": {}, \"y\": []} }",
	    "{\"a\":[true,false,null],\"b\":1,\"c\":{\"y\":[],\"z\":{}}}");
	/* arrays keep their order */
	check_canon("[3, 1, 2]", "[3,1,2]");
	/* code point order: upper case before lower case, shorter prefix first */
	check_canon("{\"b\":0,\"B\":0,\"aa\":0,\"a\":0,\"\":0}",
	            "{\"\":0,\"B\":0,\"a\":0,\"aa\":0,\"b\":0}");
}
END_TEST

START_TEST(canon_numbers)
{
	check_canon("[1, 1.0, 1e0, 10E-1, -0.0, 0]", "[1,1,1,1,0,0]");
	check_canon("[0.1, 2.5, -3.75, 1e-7, 123456.789]", "[0.1,2.5,-3.75,1e-07,123456.789]");
	check_canon("[1e20, 1.5e300, 9007199254740993]",
	            "[100000000000000000000,1.5e+300,9007199254740993]");
	check_canon("[0.30000000000000004, 3.141592653589793]",
	            "[0.30000000000000004,3.141592653589793]");
	check_canon("-9223372036854775808", "-9223372036854775808");
}
END_TEST

START_TEST(canon_strings_and_unicode)
{
	/* only '"', '\\' and control characters are escaped; the rest stays raw UTF-8 */
	check_canon("\"caf\\u00e9 \\u2603 \\ud83d\\ude00 \\/ \\\" \\\\\"",
	            "\"caf\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80 / \\\" \\\\\"");
	check_canon("\"\\b\\f\\n\\r\\t\\u0001\\u001f\\u0000x\"",
	            "\"\\b\\f\\n\\r\\t\\u0001\\u001f\\u0000x\"");
	/* keys sort by code point: U+00E9 (C3 A9) after 'z', U+2603 after U+00E9 */
	check_canon("{\"\\u2603\":1,\"z\":2,\"\\u00e9\":3}",
	            "{\"z\":2,\"\xc3\xa9\":3,\"\xe2\x98\x83\":1}");
	/* an escaped and a raw spelling of the same text are the same */
	check_canon("{\"\xc3\xa9\":\"\\u00e9\"}", "{\"\xc3\xa9\":\"\xc3\xa9\"}");
}
END_TEST

static void fingerprint_of(const char *text, char out[72])
{
	json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);

	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(canon_fingerprint(v, out), 0);
	json_decref(v);
}

START_TEST(fingerprint_equal_iff_canonically_equal)
{
	char a[72], b[72], c[72], d[72];

	fingerprint_of(
	    "{\"type\":\"record\",\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"int\","
	    "\"default\":1}]}",
	    a);
	fingerprint_of(
	    "{ \"fields\" : [ { \"default\": 1.0, \"type\": \"int\", \"name\": \"x\" } ],\n"
	    "  \"name\": \"A\", \"type\": \"record\" }",
	    b);
	fingerprint_of(
	    "{\"type\":\"record\",\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"int\","
	    "\"default\":2}]}",
	    c);
	fingerprint_of(
	    "{\"type\":\"record\",\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"long\","
	    "\"default\":1}]}",
	    d);
	ck_assert_str_eq(a, b);
	ck_assert_str_ne(a, c);
	ck_assert_str_ne(a, d);
	ck_assert_uint_eq(strlen(a), 71);
	ck_assert_int_eq(strncmp(a, "sha256:", 7), 0);
	/* the fingerprint is the SHA-256 of the canonical text */
	{
		json_t *v = json_loads("{\"b\":[1,2],\"a\":\"x\"}", 0, NULL);
		char fp[72], hex[65];
		const char *text = "{\"a\":\"x\",\"b\":[1,2]}";
		ck_assert_int_eq(canon_fingerprint(v, fp), 0);
		dw_sha256_hex(text, strlen(text), hex);
		ck_assert_str_eq(fp + 7, hex);
		json_decref(v);
	}
}
END_TEST

START_TEST(canon_refuses_excessive_depth)
{
	json_t *v = json_integer(1);
	char fp[72];
	char *s;

	for (int i = 0; i < CANON_MAX_DEPTH + 10; i++) {
		json_t *a = json_array();
		json_array_append_new(a, v);
		v = a;
	}
	ck_assert_ptr_null(canon_json(v));
	ck_assert_int_eq(canon_fingerprint(v, fp), DW_INVALID);
	json_decref(v);
	/* a depth jansson itself parses is fine */
	v = json_integer(1);
	for (int i = 0; i < 2000; i++) {
		json_t *a = json_array();
		json_array_append_new(a, v);
		v = a;
	}
	s = canon_json(v);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(strlen(s), 2 * 2000 + 1);
	free(s);
	json_decref(v);
}
END_TEST

static Suite *canon_suite(void)
{
	Suite *s = suite_create("canon");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, sha256_vectors);
	tcase_add_test(tc, sha256_block_boundaries);
	tcase_add_test(tc, canon_sorts_keys_and_drops_whitespace);
	tcase_add_test(tc, canon_numbers);
	tcase_add_test(tc, canon_strings_and_unicode);
	tcase_add_test(tc, fingerprint_equal_iff_canonically_equal);
	tcase_add_test(tc, canon_refuses_excessive_depth);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(canon_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
