/*
 * fuzz: what the libFuzzer targets under fuzz/ share. Each fuzz_<target>.c is one libFuzzer
 * target (LLVMFuzzerTestOneInput) over one part of driveway, built by `make fuzz` with clang
 * and -fsanitize=fuzzer,address,undefined into build-fuzz/fuzz/. A target passes when every
 * input returns: no crash, no sanitizer report, no leak, and no broken invariant (a target
 * calls __builtin_trap() when the code under test answers something it promises never to).
 *
 * Inputs that hold two documents (an old and a new contract for the diff engines, a schema and
 * an instance for the JSON Schema validator) are split at the first NUL byte (FUZZ_SEP), which
 * no YAML, JSON or .proto text contains.
 *
 * Everything here is static inline: each target is its own program. The helpers own nothing
 * past their return but what they hand back (a new json_t reference the caller decrefs).
 */
#ifndef DW_FUZZ_H
#define DW_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "validators/compat.h"
#include "validators/contract.h"
#include "validators/error.h"
#include "validators/findings.h"
#include "validators/load.h"

#define FUZZ_SEP '\0'

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Splits data at the first FUZZ_SEP: *a, *alen before it, *b, *blen after it. Returns 0 when
 * there is no separator (then only *a, *alen are set, to the whole input). */
static inline int fuzz_split(const uint8_t *data, size_t size, const char **a, size_t *alen,
			     const char **b, size_t *blen)
{
	const uint8_t *sep = memchr(data, FUZZ_SEP, size);

	*a = (const char *)data;
	*alen = size;
	if (!sep)
		return 0;
	*alen = (size_t)(sep - data);
	*b = (const char *)sep + 1;
	*blen = size - *alen - 1;
	return 1;
}

/* Formats every finding as the CLI prints them, so the formatting runs on every input. */
static inline void fuzz_findings_touch(const struct dw_findings *f)
{
	char line[512];
	json_t *j;

	for (size_t i = 0; i < f->count; i++)
		dw_finding_format(&f->items[i], line, sizeof(line));
	j = dw_findings_to_json(f);
	json_decref(j);
}

/* The first document of text buf[0..len) (YAML or JSON) as a new reference, or NULL when the
 * text does not load or holds no document. */
static inline json_t *fuzz_load_first(const char *buf, size_t len)
{
	struct dw_docset set;
	struct dw_findings errs;
	json_t *root = NULL;

	dw_findings_init(&errs);
	if (dw_load(buf, len, "fuzz", &set, &errs) == 0 && set.count > 0)
		root = json_incref(set.docs[0].root);
	fuzz_findings_touch(&errs);
	dw_docset_release(&set);
	dw_findings_release(&errs);
	return root;
}

/* A contract of fmt from text: a JSON string of the text for protobuf (NULL when it is not
 * UTF-8), else the first document loaded from it. */
static inline json_t *fuzz_contract_new(enum dw_format fmt, const char *buf, size_t len)
{
	if (fmt == DW_FMT_PROTOBUF)
		return json_stringn(buf, len);
	return fuzz_load_first(buf, len);
}

/* Validates doc as a contract of fmt. Returns 1 when it has no error finding. */
static inline int fuzz_contract_valid(enum dw_format fmt, const json_t *doc)
{
	struct dw_findings f;
	int rc, ok;

	dw_findings_init(&f);
	rc = contract_validate(fmt, doc, "/contract", &f);
	ok = rc == 0 && dw_findings_errors(&f) == 0;
	fuzz_findings_touch(&f);
	dw_findings_release(&f);
	return ok;
}

/* One contract parser: validation, and for a valid contract its canonical form and
 * fingerprint, which registration computes next. */
static inline void fuzz_contract(enum dw_format fmt, const uint8_t *data, size_t size)
{
	json_t *doc = fuzz_contract_new(fmt, (const char *)data, size);
	char fp[72];

	if (!doc)
		return;
	if (fuzz_contract_valid(fmt, doc)) {
		int rc = contract_fingerprint(fmt, doc, fp);

		/* a valid contract always has a fingerprint (memory aside) */
		if (rc != 0 && rc != DW_NOMEM)
			__builtin_trap();
		free(canon_json(doc));
	}
	json_decref(doc);
}

/*
 * One diff engine: old and new (split at FUZZ_SEP) are diffed as compat_diff's contract asks,
 * i.e. only when both are valid contracts of fmt, then checked FULL_TRANSITIVE against
 * [old, new] as versions 1 and 2. Comparing new with itself (version 2) must break nothing.
 */
static inline void fuzz_compat(enum dw_format fmt, const uint8_t *data, size_t size)
{
	const char *a, *b;
	size_t alen, blen;
	json_t *old_doc = NULL, *new_doc = NULL, *j;
	struct dw_changes ch;
	int compatible;

	if (!fuzz_split(data, size, &a, &alen, &b, &blen))
		return;
	old_doc = fuzz_contract_new(fmt, a, alen);
	new_doc = fuzz_contract_new(fmt, b, blen);
	if (!old_doc || !new_doc || !fuzz_contract_valid(fmt, old_doc) ||
	    !fuzz_contract_valid(fmt, new_doc))
		goto out;

	dw_changes_init(&ch);
	compat_diff(fmt, old_doc, new_doc, &ch);
	j = compat_changes_to_json(&ch, DW_MODE_BACKWARD);
	json_decref(j);
	dw_changes_release(&ch);

	{
		const json_t *earlier[2] = {old_doc, new_doc};
		const int versions[2] = {1, 2};

		dw_changes_init(&ch);
		if (compat_check(fmt, DW_MODE_FULL_TRANSITIVE, new_doc, earlier, versions, 2,
				 &compatible, &ch) == 0) {
			for (size_t i = 0; i < ch.count; i++)
				if (ch.items[i].version == 2 && ch.items[i].rule->breaks)
					__builtin_trap();
		}
		j = compat_changes_to_json(&ch, DW_MODE_FULL_TRANSITIVE);
		json_decref(j);
		dw_changes_release(&ch);
	}
out:
	json_decref(old_doc);
	json_decref(new_doc);
}

#endif
