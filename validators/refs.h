/*
 * refs: schema references (the "references" of Confluent Schema Registry): a contract is
 * validated together with the contracts it references and, for Avro and JSON Schema, turned
 * into one self-contained "resolved" contract, which the registry stores as the version's
 * contract so that the engines reading one document (compatibility, diff, catalog) apply as they
 * are. Protobuf contracts stay the .proto text; only their validation sees the imported files.
 *
 * What a reference's name means and how the resolved contract is built:
 *
 *   avro        name: the full name of a named type (record, enum, fixed) the referenced schema
 *               defines; every named type that schema defines becomes known. The referencing
 *               schema is walked in the Avro spec's definition order (fields in order, depth
 *               first); the first use of a name defined only by references (resolved per
 *               "Names": a dotted name is full, else the enclosing namespace, then the null
 *               namespace, as avro_validate does) is replaced by the referenced definition,
 *               later uses stay as written. An inlined definition is written with its simple
 *               "name" and an explicit "namespace" ("" for the null namespace), every named type
 *               nested in it too, and every type name inside it fully qualified against the
 *               referenced schema's own namespaces, so it keeps its meaning wherever it lands. A
 *               use written {"type": "Name", ...} is replaced by the definition (the wrapper's
 *               other attributes kept where the definition lacks them). A named type nested in
 *               an inlined definition that is already defined becomes a reference to it, so
 *               each type is defined once. Errors: a referenced schema that is not valid Avro,
 *               that does not define the reference's name, two references defining one full
 *               name differently, the referencing schema defining a name a reference defines
 *               (Avro parsers refuse to redefine a name).
 *   jsonschema  name: the URI or string a "$ref" uses; a "$ref" names the reference when, minus
 *               its fragment, it equals the name (no resolution against "$id"). Each
 *               referenced document so used is copied under the root's "$defs" with the
 *               reference's name as key ("<name>#2", "#3"... when the root's "$defs" already
 *               holds that key), without its root "$id" and "$schema" (the copy is read in the
 *               referencing schema's dialect and base URI). Every such "$ref" becomes a local
 *               pointer into the copy, "#/$defs/<key>" followed by the fragment's pointer (key
 *               escaped per RFC 6901 then percent-encoded per RFC 3986); inside a copy, local
 *               references ("#", "#/...") are moved into the copy, and "$ref"s naming another
 *               reference are rewritten the same way (that document is embedded too). "$ref"s
 *               under const, enum, default and examples are data and left alone. Other
 *               non-local "$ref"s stay as written (jsonschema_check_schema reports them).
 *               Errors: a referenced contract that is not an object or boolean, a root "$defs"
 *               that is not an object, an anchor fragment ("name#anchor") into a reference.
 *   protobuf    name: an import path; the texts go to protobuf_parse_with (protobuf.h). The
 *               resolved contract is a copy of the contract.
 *
 * For every format: a reference without a name or contract and two references with one name
 * are errors; a reference the contract does not use is fine. The resolved contract is checked
 * with contract_validate, so every structural check applies to it; with no references
 * refs_resolve is contract_validate plus a copy. Whether a referenced contract has the same
 * format as the referencing one is the caller's check. Walks stop at CONTRACT_MAX_DEPTH.
 *
 * Ownership: inputs are borrowed; *resolved is a new reference the caller releases.
 */
#ifndef DW_REFS_H
#define DW_REFS_H

#include <stddef.h>

#include <jansson.h>

#include "validators/contract.h"
#include "validators/findings.h"

/* A reference: its name (as above) and the referenced version's contract in stored form (Avro
 * and JSON Schema documents as JSON, Protobuf a JSON string holding .proto text). */
struct dw_ref {
	const char *name;
	const json_t *contract;
};

/*
 * Validates contract (format fmt) with its references refs[0..n) (refs may be NULL when n is 0)
 * and sets *resolved: the self-contained contract for Avro and JSON Schema, a copy of the
 * contract for Protobuf (and for n == 0). Findings carry base (NULL for "") followed by the
 * pointer inside the resolved contract (for Avro and JSON Schema) or inside the contract;
 * findings about a reference name it in the message. Returns 0 (warnings may have been added),
 * DW_INVALID (error findings added; also for a format without references; *resolved NULL) or
 * DW_NOMEM (*resolved NULL).
 */
int refs_resolve(enum dw_format fmt, const json_t *contract, const struct dw_ref *refs, size_t n,
                 const char *base, struct dw_findings *out, json_t **resolved);

#endif
