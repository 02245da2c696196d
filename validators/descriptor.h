/*
 * descriptor: the driveway/v1 descriptor format (docs/descriptor.md). Its JSON Schema,
 * schemas/descriptor.schema.json (embedded at build time), is the source of truth; this module
 * runs it and adds the checks a schema cannot express.
 *
 * A descriptor document is {"apiVersion": "driveway/v1", "kind": "Domain"|"DataProduct",
 * "metadata": {...}, "spec": {...}}.
 */
#ifndef DW_DESCRIPTOR_H
#define DW_DESCRIPTOR_H

#include <jansson.h>

#include "validators/findings.h"

enum dw_descriptor_kind { DW_DESC_UNKNOWN = 0, DW_DESC_DOMAIN, DW_DESC_PRODUCT };

/* The parsed descriptor schema (borrowed, parsed once, thread-safe). NULL only on OOM. */
const json_t *descriptor_schema(void);

/*
 * Validates one descriptor document against the schema, then the rules a schema cannot express:
 * a contract with exactly one of path or inline (CLI) or only format (server); a contract path
 * that is relative and stays in the descriptor's folder (no leading '/', no '..', no
 * backslash, no NUL); ISO 8601 durations (sla.freshness, sla.retention) that are not empty
 * ("P", "PT"); an exception.reviewDate that is a real calendar date; a point-to-point flow
 * with an exception; no product consuming itself or listing itself as a backend; backends
 * only on composite, bff, orchestrator and esb products.
 *
 * For the kind-discriminated top level, findings are those of the branch "kind" selects (or
 * one finding on /kind when it is missing or unknown). Findings have pointers only; the
 * caller locates them (dw_doc_locate_findings). Examples:
 *   /metadata/owner: missing required property 'owner'
 *   /spec/sla/availabilty: unknown property 'availabilty'
 *
 * allow_path: 1 where spec.contract holds format plus path or inline (CLI, files on disk);
 * 0 on the server, where spec.contract may hold only format (contracts arrive as versions).
 * Returns 0, DW_INVALID or DW_NOMEM.
 */
int descriptor_validate(const json_t *doc, int allow_path, struct dw_findings *out);

/* The kind of a (validated) document. */
enum dw_descriptor_kind descriptor_kind(const json_t *doc);

/* "customer/profile-api" -> domain "customer", product "profile-api" into the buffers.
 * Returns 0 or DW_INVALID. */
int descriptor_split_ref(const char *ref, char *domain, size_t dsize, char *product,
			 size_t psize);

/* 1 when s is a valid domain or product slug: ^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$ */
int descriptor_slug_ok(const char *s);

#endif
