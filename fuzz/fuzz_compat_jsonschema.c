/*
 * fuzz_compat_jsonschema: the jsonschema diff engine and compat_check. Input: two JSON Schemas,
 * old and new, separated by a NUL byte (fuzz/fuzz.h).
 */
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_compat(DW_FMT_JSONSCHEMA, data, size);
	return 0;
}
