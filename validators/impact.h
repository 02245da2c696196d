/*
 * impact: which registered consumers a contract change reaches. A consumer relationship (a flow)
 * may declare what of the provider's contract it uses (`uses:` in the consumer's
 * spec.consumes entry); impact names, for each flow, the breaking changes that reach it.
 *
 * Matching (a breaking change reaches a flow when):
 *   - the flow declares no uses (null, absent or an empty array): every breaking change;
 *   - the change has no subject (it is about the contract as a whole: a top-level type, the
 *     servers of an API): every flow;
 *   - OpenAPI changes: a use equals the change's subject (the operationId, or "GET /path" when
 *     the operation has none), or equals "METHOD /path" of the operation the change's old or
 *     new pointer lies in (/paths/<path>/<method>/...), so that either spelling of an operation
 *     works; method names compare case-insensitively;
 *   - other formats (subjects are dotted field paths): a use equals the subject or one is a
 *     prefix of the other at a '.' ("address" reaches "address.city" and "address.city" is
 *     reached by the removal of "address"). A use written as a JSON pointer ("/address/city")
 *     is compared as the dotted path of its tokens, and also with the change's old and new
 *     pointers into the contract, equal or prefix at a '/'.
 * Changes that are not breaking under the mode never count (under NONE nothing is breaking).
 *
 * Ownership: everything is borrowed; the result is a new reference.
 */
#ifndef DW_IMPACT_H
#define DW_IMPACT_H

#include <jansson.h>

#include "validators/compat.h"

/*
 * flows: an array of flow objects {"consumer": "d/p", "provider": "d/p", "pattern",
 * "uses": [string...]|null, ...} (other members ignored; entries that are not objects or lack
 * a consumer are skipped). Returns [{"flow": "<consumer>-><provider>", "consumer", "pattern",
 * "uses": [...]|null, "changes": [indices into c->items]}] for each flow reached by at least
 * one change breaking under mode, in the order of flows. NULL on out of memory.
 */
json_t *compat_impact(const struct dw_changes *c, enum dw_mode mode, const json_t *flows);

/* 1 when change ch (of any severity) reaches a flow declaring uses (an array of strings, or
 * NULL / an empty array for "uses everything"), by the rules above. */
int compat_impact_reaches(const struct dw_change *ch, const json_t *uses);

#endif
