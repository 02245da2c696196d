/*
 * fields: the names of the fields a contract describes, for the registry's search. Pure: walks
 * a parsed contract and returns names, nothing else.
 *
 * What counts as a field name, per format:
 *   openapi     property names of every schema (components, request bodies, responses,
 *               nested ones) and the names of parameters
 *   jsonschema  property names of every schema, nested ones included
 *   avro        field names of every record, nested ones included
 *   odcs        the names of the schema's objects' properties (the columns)
 *   protobuf    the field names of every message (nested ones included) of the parsed .proto
 * Values that are data rather than schemas (example, examples, default, const, enum) are not
 * walked, so an example payload never contributes names.
 *
 * Invariants: the result holds each name once, in the order first met; names are non-empty
 * strings of at most FIELDS_MAX_NAME bytes (longer ones are skipped) and there are at most
 * FIELDS_MAX names (the rest are dropped: search is best effort on giant contracts). The walk
 * stops at CONTRACT_MAX_DEPTH levels, so any jansson value is safe to pass.
 *
 * Ownership: the contract is borrowed; *out is a new JSON array the caller json_decref()s.
 */
#ifndef DW_FIELDS_H
#define DW_FIELDS_H

#include <jansson.h>

#include "validators/contract.h"

#define FIELDS_MAX 5000
#define FIELDS_MAX_NAME 200

/* Sets *out to the array of field names. 0, DW_INVALID for an unknown format, or DW_NOMEM
 * (*out is then NULL). */
int contract_field_names(enum dw_format fmt, const json_t *contract, json_t **out);

#endif
