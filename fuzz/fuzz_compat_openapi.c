/*
 * fuzz_compat_openapi: the openapi diff engine and compat_check. Input: two OpenAPI documents,
 * old and new, separated by a NUL byte (fuzz/fuzz.h).
 */
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_compat(DW_FMT_OPENAPI, data, size);
	return 0;
}
