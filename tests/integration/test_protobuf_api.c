/*
 * Protobuf contracts on a real drivewayd: a topic product registers .proto text as a version
 * ({"format":"protobuf","contract":"<text>"}), the same schema reformatted is the same version,
 * a bad schema is refused with line:col findings, the contract is served as .proto text, and a
 * breaking change is refused under BACKWARD.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tests/integration/harness.c"

static long put(const char *path, const char *body)
{
	struct hs_request rq = {.method = "PUT", .path = path, .token = hs_srv.admin, .body = body};
	struct hs_response r;
	long st;

	hs_do(&hs_srv, &rq, &r);
	st = r.status;
	hs_response_release(&r);
	return st;
}

/* POSTs {"format":"protobuf","contract": text} to the product's versions. */
static long post_proto(const char *text, struct hs_response *r)
{
	json_t *body = json_pack("{s:s, s:s}", "format", "protobuf", "contract", text);
	char *s = json_dumps(body, 0);
	struct hs_request rq = {.method = "POST",
	                        .path = "/domains/shop/products/orders/versions",
	                        .token = hs_srv.admin,
	                        .body = s};
	long st;

	hs_do(&hs_srv, &rq, r);
	st = r->status;
	free(s);
	json_decref(body);
	return st;
}

static const char v1[] = "syntax = \"proto3\";\npackage shop;\n\nmessage Order {\n"
                         "  string id = 1;\n  int32 qty = 2;\n  string note = 3;\n}\n";
static const char v1_reformatted[] = "// the same schema\nsyntax='proto3'; package shop;\n"
                                     "message Order { string id=1; int32 qty=2; /* n */ "
                                     "string note=3; }";
static const char v2_compatible[] = "syntax = \"proto3\";\npackage shop;\n\nmessage Order {\n"
                                    "  string id = 1;\n  int64 qty = 2;\n  reserved 3;\n"
                                    "  repeated string tags = 4;\n}\n";
static const char v3_breaking[] = "syntax = \"proto3\";\npackage shop;\n\nmessage Order {\n"
                                  "  string id = 1;\n  string qty = 2;\n"
                                  "  repeated string tags = 4;\n}\n";
static const char bad_schema[] = "syntax = \"proto3\";\nmessage Order {\n  required string id "
                                 "= 1;\n}\n";

START_TEST(test_protobuf_versions)
{
	struct hs_response r;
	json_t *doc;
	char *ctype;

	ck_assert_int_eq(put("/domains/shop",
	                     "{\"apiVersion\":\"driveway/v1\",\"kind\":\"Domain\",\"metadata\":"
	                     "{\"name\":\"shop\"},\"spec\":{\"title\":\"Shop\",\"owner\":\"t\"}}"),
	                 201);
	ck_assert_int_eq(
	    put("/domains/shop/products/orders",
	        "{\"apiVersion\":\"driveway/v1\",\"kind\":\"DataProduct\",\"metadata\":"
	        "{\"domain\":\"shop\",\"name\":\"orders\",\"owner\":\"t\"},\"spec\":"
	        "{\"type\":\"topic\",\"contract\":{\"format\":\"protobuf\"},"
	        "\"compatibility\":\"BACKWARD\"}}"),
	    201);

	/* an invalid schema: 422 with the position inside the .proto text */
	ck_assert_int_eq(post_proto(bad_schema, &r), 422);
	doc = hs_json(&r);
	ck_assert_str_eq(json_string_value(json_object_get(
	                     json_array_get(json_object_get(doc, "errors"), 0), "pointer")),
	                 "/contract");
	ck_assert_ptr_nonnull(strstr(r.body, "required fields are not allowed in proto3"));
	ck_assert_int_eq(json_integer_value(json_object_get(
	                     json_array_get(json_object_get(doc, "errors"), 0), "line")),
	                 3);
	json_decref(doc);
	hs_response_release(&r);

	ck_assert_int_eq(post_proto(v1, &r), 201);
	hs_response_release(&r);
	/* reformatted and commented: canonically the same, so the same version */
	ck_assert_int_eq(post_proto(v1_reformatted, &r), 200);
	doc = hs_json(&r);
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "version")), 1);
	json_decref(doc);
	hs_response_release(&r);

	/* int32 -> int64 is wire-compatible, a removed field is compatible: accepted */
	ck_assert_int_eq(post_proto(v2_compatible, &r), 201);
	hs_response_release(&r);

	/* int64 -> string breaks BACKWARD: 409 naming the rule, nothing stored */
	ck_assert_int_eq(post_proto(v3_breaking, &r), 409);
	doc = hs_json(&r);
	ck_assert_str_eq(json_string_value(json_object_get(
	                     json_array_get(json_object_get(doc, "changes"), 0), "rule")),
	                 "protobuf.field-type-changed");
	ck_assert_str_eq(json_string_value(json_object_get(
	                     json_array_get(json_object_get(doc, "changes"), 0), "subject")),
	                 "Order.qty");
	json_decref(doc);
	hs_response_release(&r);

	/* the contract comes back as the .proto text with its media type */
	{
		struct hs_request rq = {.path = "/domains/shop/products/orders/versions/1/contract",
		                        .token = hs_srv.admin};
		hs_do(&hs_srv, &rq, &r);
		ck_assert_int_eq(r.status, 200);
		ck_assert_str_eq(r.body, v1);
		ctype = hs_header(&r, "Content-Type");
		ck_assert_ptr_nonnull(ctype);
		ck_assert_ptr_nonnull(strstr(ctype, "application/x-protobuf"));
		free(ctype);
		hs_response_release(&r);
	}
	{
		struct hs_request rq = {.path = "/domains/shop/products/orders/versions",
		                        .token = hs_srv.admin};
		hs_do(&hs_srv, &rq, &r);
		ck_assert_int_eq(r.status, 200);
		doc = hs_json(&r);
		ck_assert_uint_eq(json_array_size(json_object_get(doc, "items")), 2);
		json_decref(doc);
		hs_response_release(&r);
	}
}
END_TEST

static Suite *protobuf_api_suite(void)
{
	Suite *s = suite_create("protobuf_api");
	TCase *tc = tcase_create("protobuf");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, hs_setup, hs_teardown);
	tcase_add_test(tc, test_protobuf_versions);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return hs_run_suite(protobuf_api_suite());
}
