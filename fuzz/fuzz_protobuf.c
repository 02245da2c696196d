/*
 * fuzz_protobuf: the .proto reader (validators/protobuf.c). Input: .proto text. A text that
 * parses is printed canonically; the canonical text must parse again and print the same text,
 * as fingerprints rely on it.
 */
#include "fuzz/fuzz.h"
#include "validators/protobuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const refs[] = {"google/protobuf/timestamp.proto", "common.proto"};
	struct dw_findings f;
	json_t *ast = NULL, *again = NULL;
	char *canon, *canon2;

	dw_findings_init(&f);
	if (protobuf_parse((const char *)data, size, refs, 2, "/contract", &f, &ast) != 0 || !ast)
		goto out;
	canon = protobuf_canonical(ast);
	if (!canon)
		goto out;
	if (protobuf_parse(canon, strlen(canon), refs, 2, "/contract", &f, &again) != 0)
		__builtin_trap();
	canon2 = protobuf_canonical(again);
	if (canon2 && strcmp(canon, canon2) != 0)
		__builtin_trap();
	free(canon);
	free(canon2);
out:
	fuzz_findings_touch(&f);
	dw_findings_release(&f);
	json_decref(ast);
	json_decref(again);
	return 0;
}
