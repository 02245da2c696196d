#include <string.h>

#include "validators/embedded.h"

const struct dw_embedded *dw_embedded_find(const char *name)
{
	for (size_t i = 0; i < dw_embedded_count; i++)
		if (strcmp(dw_embedded_files[i].name, name) == 0)
			return &dw_embedded_files[i];
	return NULL;
}
