/*
 * fuzz_protobuf_desc: the FileDescriptorProto reader and writer (validators/protobuf_desc.c)
 * and its base64. Input: the bytes of a descriptor. One that reads prints as .proto text;
 * when that text parses, the writer must encode it and the reader must read the result. The
 * input taken as base64 must, when it decodes, encode back to itself.
 */
#include "fuzz/fuzz.h"
#include "validators/protobuf.h"
#include "validators/protobuf_desc.h"

static void base64_round_trip(const uint8_t *data, size_t size)
{
	unsigned char *bin = NULL;
	size_t len = 0;
	char *again;

	if (protobuf_desc_base64_decode((const char *)data, size, &bin, &len) != 0)
		return;
	again = protobuf_desc_base64_encode(bin, len);
	if (again && (strlen(again) != size || memcmp(again, data, size) != 0))
		__builtin_trap();
	free(again);
	free(bin);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dw_findings f;
	json_t *ast = NULL, *parsed = NULL, *again = NULL;
	unsigned char *bin = NULL;
	size_t len = 0;
	char *text = NULL;
	int rc;

	base64_round_trip(data, size);
	dw_findings_init(&f);
	if (protobuf_desc_to_ast(data, size, "/schema", &f, &ast) != 0)
		goto out;
	text = protobuf_canonical(ast);
	if (!text || protobuf_parse(text, strlen(text), NULL, 0, "/schema", &f, &parsed) != 0)
		goto out;
	rc = protobuf_desc_from_ast(parsed, "fuzz.proto", &bin, &len);
	/* a parsed file always has a descriptor (memory aside) */
	if (rc != 0 && rc != DW_NOMEM)
		__builtin_trap();
	if (rc == 0)
		protobuf_desc_to_ast(bin, len, "/schema", &f, &again);
out:
	fuzz_findings_touch(&f);
	dw_findings_release(&f);
	json_decref(ast);
	json_decref(parsed);
	json_decref(again);
	free(text);
	free(bin);
	return 0;
}
