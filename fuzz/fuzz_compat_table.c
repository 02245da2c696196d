/*
 * fuzz_compat_table: the table diff engine and compat_check. Input: two table contracts (ODCS),
 * old and new, separated by a NUL byte (fuzz/fuzz.h).
 */
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_compat(DW_FMT_ODCS, data, size);
	return 0;
}
