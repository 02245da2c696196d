/*
 * contract: the structural checks a contract must pass before it is registered, for each
 * format, and the canonical form and fingerprint that make registration idempotent.
 *
 * Formats:
 *   openapi    OpenAPI 3.0.x / 3.1.x (JSON form of the YAML/JSON document)
 *   avro       Avro 1.11 schema (JSON)
 *   jsonschema JSON Schema draft-07 / 2020-12
 *   odcs       a table contract in the Open Data Contract Standard v3 form (docs/contracts.md
 *              lists the subset accepted)
 *
 * Validators never stop at the first problem: each appends every finding to the caller's list
 * (which owns copies of all strings) and borrows the contract. Warnings (DW_SEV_WARNING) report
 * what the specification says to ignore (e.g. an invalid Avro logical type); only errors make a
 * contract invalid. Inputs may come straight from jansson (up to 2048 levels deep): every
 * recursive walk here stops at CONTRACT_MAX_DEPTH levels with a finding, so nothing overflows.
 */
#ifndef DW_CONTRACT_H
#define DW_CONTRACT_H

#include <jansson.h>

#include "validators/findings.h"

enum dw_format {
	DW_FMT_UNKNOWN = -1,
	DW_FMT_OPENAPI = 0,
	DW_FMT_AVRO,
	DW_FMT_JSONSCHEMA,
	DW_FMT_ODCS,
	DW_FMT_PROTOBUF, /* a JSON string holding .proto text (validators/protobuf.h) */
};

/* Deepest nesting a contract may have; deeper input gets one finding and is not walked. */
#define CONTRACT_MAX_DEPTH 256

/* "openapi", "avro", "jsonschema", "odcs" -> the format; anything else (or NULL) -> UNKNOWN. */
enum dw_format contract_format_parse(const char *name);
/* Static string; NULL for DW_FMT_UNKNOWN. */
const char *contract_format_name(enum dw_format fmt);
/* The media type the registry serves the contract with, e.g. application/vnd.oai.openapi+json.
 * Static string; NULL for DW_FMT_UNKNOWN. */
const char *contract_media_type(enum dw_format fmt);

/*
 * Checks contract structurally; every problem becomes a finding whose pointer is base_pointer
 * (NULL or "" for none) followed by the pointer inside the contract. Returns 0 (no error
 * findings added; warnings may have been), DW_INVALID (error findings added; also for an unknown
 * format) or DW_NOMEM. A contract nested deeper than CONTRACT_MAX_DEPTH gets one finding and is
 * not checked further.
 */
int contract_validate(enum dw_format fmt, const json_t *contract, const char *base_pointer,
                      struct dw_findings *out);

/* Per-format checks (what contract_validate dispatches to); same arguments and results. */
int openapi_validate(const json_t *doc, const char *base, struct dw_findings *out);
int avro_validate(const json_t *schema, const char *base, struct dw_findings *out);
/* Avro "Names": the full name and the namespace of a named type's definition obj within the
 * enclosing namespace ns ("" the null namespace): a dotted name is full, else its "namespace"
 * or ns applies. Both malloc'd. Returns 0, -1 when the name is missing or not a string, or
 * DW_NOMEM (nothing allocated then). */
int avro_name_of(const json_t *obj, const char *ns, char **full, char **own_ns);
int odcs_validate(const json_t *doc, const char *base, struct dw_findings *out);

/* The target (borrowed) of a local OpenAPI reference ("#" or "#/json/pointer", percent-decoded as
 * a URI fragment) inside root, or NULL when ref is not local or does not resolve. */
json_t *openapi_ref_target(const json_t *root, const char *ref);

/*
 * An ODCS physicalType as parsed by odcs_physical_type_parse: the base name lowercased with
 * single spaces ("character varying"), up to three arguments (-2 for "max" or "*"), the number
 * of PostgreSQL array suffixes ("int[][]" -> 2), the words after the argument list, lowercased
 * ("timestamp(3) with time zone" -> base "timestamp", suffix "with time zone"). For nested
 * types (struct<...>, array<...>) nested is 1, base holds the name before '<' and there are no
 * arguments. why is set (static text or why_buf) when parsing fails. Self-contained: no heap.
 */
struct odcs_type {
	char base[64];
	long args[3];
	size_t nargs;
	char suffix[32];
	unsigned array_dims;
	int nested;
	const char *why;
	char why_buf[80];
};

/* Parses a physicalType spelling of common SQL dialects. Returns 0, or DW_INVALID with why. */
int odcs_physical_type_parse(const char *t, struct odcs_type *out);

/*
 * Canonical JSON text: object keys sorted by code point, no insignificant whitespace, numbers
 * in shortest round-trip form (integral reals as integers), strings with minimal escapes
 * (RFC 8785 in spirit). malloc'd (the caller frees); NULL on out of memory or when v nests
 * deeper than CANON_MAX_DEPTH levels.
 */
#define CANON_MAX_DEPTH 2048
char *canon_json(const json_t *v);

/*
 * jansson flag for reals in documents written for people (responses, stored documents): 15
 * significant digits, the most a double always round-trips from decimal, so 99.9 is written
 * "99.9" and not "99.900000000000006" (jansson's default of 17). Fingerprints do not depend on
 * it: they come from canon_json.
 */
#define DW_JSON_REALS JSON_REAL_PRECISION(15)

/* "sha256:" + 64 lowercase hex of canon_json(v) into out. Returns 0, DW_NOMEM, or DW_INVALID
 * when v nests deeper than CANON_MAX_DEPTH. */
int canon_fingerprint(const json_t *v, char out[72]);

/* The fingerprint registration compares: for protobuf "sha256:" + hex of the canonical .proto
 * text (protobuf_canonical), so whitespace and comments do not count; canon_fingerprint for
 * the JSON formats. Returns 0, DW_INVALID (a protobuf contract that does not parse) or
 * DW_NOMEM. */
int contract_fingerprint(enum dw_format fmt, const json_t *contract, char out[72]);

/*
 * The normalized form of a valid contract (the Confluent-compatible API's normalize=true): for
 * Avro every {"type": "<primitive>"} without other attributes becomes "<primitive>"; for
 * protobuf the canonical .proto text (protobuf_canonical) as a JSON string; for the other
 * formats a copy (their fingerprints ignore key order and whitespace already). Serialize it
 * with sorted keys. A new reference; NULL on out of memory or a protobuf contract that does not
 * parse.
 */
json_t *contract_normalize(enum dw_format fmt, const json_t *contract);

/*
 * A JSON pointer under construction, shared by the format checkers: push appends "/" and the
 * escaped token and returns the previous length (the mark to pop back to). On out of memory
 * push sets oom and leaves the pointer as it was, so pops stay balanced. buf is always
 * NUL-terminated once initialised; contract_path_release frees it.
 */
struct contract_path {
	char *buf;
	size_t len, alloc;
	int oom;
};

int contract_path_init(struct contract_path *p, const char *base);
void contract_path_release(struct contract_path *p);
size_t contract_path_push(struct contract_path *p, const char *token);
size_t contract_path_push_index(struct contract_path *p, size_t index);
void contract_path_pop(struct contract_path *p, size_t mark);

/* SHA-256 (FIPS 180-4). */
void dw_sha256(const void *data, size_t len, unsigned char digest[32]);
/* Lowercase hex of SHA-256 into hex[65]. */
void dw_sha256_hex(const void *data, size_t len, char hex[65]);

#endif
