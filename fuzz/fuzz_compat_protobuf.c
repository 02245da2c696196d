/*
 * fuzz_compat_protobuf: the protobuf diff engine and compat_check. Input: two .proto texts, old
 * and new, separated by a NUL byte (fuzz/fuzz.h).
 */
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_compat(DW_FMT_PROTOBUF, data, size);
	return 0;
}
