/*
 * fuzz_descriptor: descriptor validation (validators/descriptor.c on the JSON Schema validator)
 * as `driveway validate` runs it. Input: descriptor text, YAML or JSON, any number of documents.
 */
#include "fuzz/fuzz.h"
#include "validators/descriptor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dw_docset set;
	struct dw_findings f;

	dw_findings_init(&f);
	dw_load((const char *)data, size, "fuzz.yaml", &set, &f);
	for (size_t i = 0; i < set.count; i++) {
		size_t from = f.count;
		const json_t *ref;
		char domain[64], product[64];

		descriptor_validate(set.docs[i].root, 1, &f);
		dw_doc_locate_findings(&set.docs[i], "fuzz.yaml", &f, from);
		descriptor_kind(set.docs[i].root);
		ref = json_object_get(json_object_get(set.docs[i].root, "spec"), "backends");
		if (json_is_string(json_array_get(ref, 0)))
			descriptor_split_ref(json_string_value(json_array_get(ref, 0)), domain,
					     sizeof(domain), product, sizeof(product));
	}
	fuzz_findings_touch(&f);
	dw_docset_release(&set);
	dw_findings_release(&f);
	return 0;
}
