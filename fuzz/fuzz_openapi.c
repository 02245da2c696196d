/* fuzz_openapi: the openapi contract parser. Input: an OpenAPI 3.x document (YAML or JSON). */
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_contract(DW_FMT_OPENAPI, data, size);
	return 0;
}
