/*
 * fuzz_refs: schema references (validators/refs.h). Input: a format byte ('a' Avro, 'j' JSON
 * Schema, 'p' Protobuf; anything else picks by its value), then NUL-separated parts: the
 * referencing schema, then up to 8 references, each its name, a newline and its schema. A
 * resolved contract must be deterministic and a valid contract of the format, and must compare
 * compatible with itself.
 */
#include "fuzz/fuzz.h"
#include "validators/refs.h"

#define MAX_REFS 8

static enum dw_format pick(uint8_t b)
{
	if (b == 'a')
		return DW_FMT_AVRO;
	if (b == 'j')
		return DW_FMT_JSONSCHEMA;
	if (b == 'p')
		return DW_FMT_PROTOBUF;
	return b % 3 == 0 ? DW_FMT_AVRO : b % 3 == 1 ? DW_FMT_JSONSCHEMA : DW_FMT_PROTOBUF;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum dw_format fmt;
	struct dw_ref refs[MAX_REFS];
	json_t *docs[MAX_REFS] = {0}, *contract, *r1 = NULL, *r2 = NULL;
	char *names[MAX_REFS] = {0};
	const char *part, *rest;
	size_t plen, rlen, n = 0;
	struct dw_findings f;
	int rc1, rc2, more;

	if (size < 1)
		return 0;
	fmt = pick(data[0]);
	more = fuzz_split(data + 1, size - 1, &part, &plen, &rest, &rlen);
	contract = fuzz_contract_new(fmt, part, plen);
	while (more && n < MAX_REFS) {
		const char *nl;

		more = fuzz_split((const uint8_t *)rest, rlen, &part, &plen, &rest, &rlen);
		nl = memchr(part, '\n', plen);
		if (!nl)
			continue;
		names[n] = strndup(part, (size_t)(nl - part));
		docs[n] = fuzz_contract_new(fmt, nl + 1, plen - (size_t)(nl - part) - 1);
		refs[n].name = names[n];
		refs[n].contract = docs[n];
		n++;
	}
	if (!contract)
		goto out;
	dw_findings_init(&f);
	rc1 = refs_resolve(fmt, contract, refs, n, "", &f, &r1);
	fuzz_findings_touch(&f);
	dw_findings_release(&f);
	dw_findings_init(&f);
	rc2 = refs_resolve(fmt, contract, refs, n, "", &f, &r2);
	dw_findings_release(&f);
	/* deterministic */
	if (rc1 != rc2 || (r1 == NULL) != (r2 == NULL) || (r1 && !json_equal(r1, r2)))
		__builtin_trap();
	if (rc1 == 0 && r1) {
		struct dw_changes ch;
		int compatible = 0;
		const json_t *olds[1] = {r1};
		int numbers[1] = {1};

		/* a resolved contract stands alone (protobuf: its imports are not given) */
		if (fmt != DW_FMT_PROTOBUF && !fuzz_contract_valid(fmt, r1))
			__builtin_trap();
		dw_changes_init(&ch);
		if (fmt != DW_FMT_PROTOBUF &&
		    compat_check(fmt, DW_MODE_FULL, r1, olds, numbers, 1, &compatible, &ch) == 0 &&
		    !ch.oom && !compatible)
			__builtin_trap();
		dw_changes_release(&ch);
	}
out:
	json_decref(r1);
	json_decref(r2);
	json_decref(contract);
	for (size_t i = 0; i < n; i++) {
		json_decref(docs[i]);
		free(names[i]);
	}
	return 0;
}
