/*
 * fuzz_load: the YAML/JSON loader (validators/load.c). Input: any text. Every document that
 * loads is located node by node, serialised, and loaded again from its JSON serialisation,
 * which must give the same value: the loader's JSON and YAML paths agree.
 */
#include "fuzz/fuzz.h"

static void check_doc(const struct dw_doc *doc)
{
	struct dw_docset again;
	struct dw_findings errs;
	char *text;
	int line, col;

	for (size_t i = 0; i < doc->npos; i++)
		dw_doc_locate(doc, doc->pos[i].pointer, &line, &col);
	dw_doc_locate(doc, "/no/such/node", &line, &col);
	dw_json_depth(doc->root, DW_LOAD_MAX_DEPTH + 1);

	text = json_dumps(doc->root, JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
	if (!text)
		return;
	dw_findings_init(&errs);
	if (dw_load(text, strlen(text), "again.json", &again, &errs) == 0) {
		if (again.count != 1 || !json_equal(again.docs[0].root, doc->root))
			__builtin_trap();
	}
	dw_docset_release(&again);
	dw_findings_release(&errs);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dw_docset set;
	struct dw_findings errs;

	dw_findings_init(&errs);
	dw_load((const char *)data, size, "fuzz.yaml", &set, &errs);
	fuzz_findings_touch(&errs);
	for (size_t i = 0; i < set.count; i++)
		check_doc(&set.docs[i]);
	dw_docset_release(&set);
	dw_findings_release(&errs);
	return 0;
}
