/*
 * fuzz_compat_avro: the avro diff engine and compat_check. Input: two Avro schemas, old and new,
 * separated by a NUL byte (fuzz/fuzz.h).
 */
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_compat(DW_FMT_AVRO, data, size);
	return 0;
}
