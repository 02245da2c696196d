/* fuzz_avro: the avro contract parser. Input: an Avro schema (JSON, or YAML). */
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_contract(DW_FMT_AVRO, data, size);
	return 0;
}
