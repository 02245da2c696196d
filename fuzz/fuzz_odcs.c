/* fuzz_odcs: the odcs contract parser. Input: a table contract (ODCS, YAML or JSON). */
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_contract(DW_FMT_ODCS, data, size);
	return 0;
}
