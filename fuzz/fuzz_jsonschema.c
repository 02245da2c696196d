/*
 * fuzz_jsonschema: the JSON Schema validator (validators/jsonschema.c). Input: a schema, and
 * optionally, after a NUL byte, an instance (YAML or JSON each). The schema is checked as a
 * registered jsonschema contract would be; an instance is validated against a schema that
 * passed the check, as the registry only ever validates against such schemas.
 */
#include "fuzz/fuzz.h"
#include "validators/jsonschema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *a, *b;
	size_t alen, blen;
	json_t *schema, *instance;
	struct dw_findings f;
	int two = fuzz_split(data, size, &a, &alen, &b, &blen);

	schema = fuzz_load_first(a, alen);
	if (!schema)
		return 0;
	dw_findings_init(&f);
	if (jsonschema_check_schema(schema, "/contract", &f) == 0 && dw_findings_errors(&f) == 0 &&
	    two) {
		instance = fuzz_load_first(b, blen);
		if (instance)
			jsonschema_validate(schema, "", instance, "/instance", &f);
		json_decref(instance);
	}
	fuzz_findings_touch(&f);
	dw_findings_release(&f);
	json_decref(schema);
	return 0;
}
