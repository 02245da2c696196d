/*
 * compat: schema evolution. For each contract format an engine lists every change between an
 * old and a new version; from the changes, a verdict for each compatibility mode as Confluent
 * Schema Registry names them.
 *
 * Directions (DESIGN.md):
 *   BACKWARD  consumers using the new contract can read data produced with the old one
 *             (Avro: new schema as reader, old as writer; JSON Schema: every document valid
 *             under the old schema is valid under the new; OpenAPI: an existing client of the
 *             old API still works against a server of the new one, oasdiff's "breaking";
 *             tables: a reader of the new contract can read rows written under the old one).
 *   FORWARD   consumers still on the old contract can read data produced with the new one
 *             (Avro: old as reader, new as writer; JSON Schema: every document valid under the
 *             new schema is valid under the old; OpenAPI: a client written for the new API works
 *             against a server of the old one; tables: a reader of the old contract reads rows
 *             written under the new one).
 *   FULL      both.  *_TRANSITIVE: against every earlier version, not only the latest.
 *
 * Each change names a rule from its engine's rule table. A rule has a stable id
 * ("<format>.<kebab-name>", e.g. "avro.field-added-without-default"), a fixed mask of the
 * directions it breaks, and the severity it has when it breaks nothing (warning or info).
 * docs/rules.md is generated from the tables (compat_rules_markdown) and a unit test fails when
 * the file and the tables drift apart.
 *
 * Ownership: struct dw_changes owns copies of every string added. Rules are static.
 */
#ifndef DW_COMPAT_H
#define DW_COMPAT_H

#include <stddef.h>

#include <jansson.h>

#include "validators/contract.h"

#define DW_BREAKS_BACKWARD 1u
#define DW_BREAKS_FORWARD 2u

enum dw_mode {
	DW_MODE_UNKNOWN = -1,
	DW_MODE_NONE = 0,
	DW_MODE_BACKWARD,
	DW_MODE_BACKWARD_TRANSITIVE,
	DW_MODE_FORWARD,
	DW_MODE_FORWARD_TRANSITIVE,
	DW_MODE_FULL,
	DW_MODE_FULL_TRANSITIVE,
};

enum dw_change_severity { DW_CHANGE_BREAKING, DW_CHANGE_WARNING, DW_CHANGE_INFO };

struct dw_rule {
	const char *id;      /* stable: "openapi.request-parameter-became-required" */
	enum dw_format format;
	unsigned breaks;     /* DW_BREAKS_* this change breaks, 0 for none */
	enum dw_change_severity quiet; /* severity when it breaks nothing the mode checks:
					  DW_CHANGE_WARNING or DW_CHANGE_INFO */
	const char *summary; /* one line: what the change is and why it matters */
	const char *example_old; /* a minimal old document (JSON text) triggering the rule */
	const char *example_new; /* the matching new document */
};

struct dw_change {
	const struct dw_rule *rule;
	char *old_pointer; /* RFC 6901 into the old document; NULL when the part is new */
	char *new_pointer; /* into the new document; NULL when the part is gone */
	char *subject;     /* what a consumer may rely on, for impact: an OpenAPI operationId (or
			      "GET /path" when it has none), or a dotted field path for
			      Avro/JSON Schema/table ("address.city", "customer_profile.email");
			      NULL when the change is not about one such part */
	char *message;     /* one line, git style: "field 'email' removed without a default" */
	int version;       /* the old version number this change is against (0 when unknown);
			      set by compat_check for transitive checks */
};

struct dw_changes {
	struct dw_change *items;
	size_t count, alloc;
	int oom;
};

void dw_changes_init(struct dw_changes *c);
void dw_changes_release(struct dw_changes *c);
/* Appends a change (strings copied; pointers/subject may be NULL). Returns it or NULL (oom). */
struct dw_change *dw_changes_add(struct dw_changes *c, const struct dw_rule *rule,
				 const char *old_pointer, const char *new_pointer,
				 const char *subject, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Modes ---------------------------------------------------------------------------------- */

enum dw_mode compat_mode_parse(const char *name); /* exact, upper case */
const char *compat_mode_name(enum dw_mode mode);
/* The directions a mode checks (DW_BREAKS_* mask; 0 for NONE). */
unsigned compat_mode_directions(enum dw_mode mode);
int compat_mode_transitive(enum dw_mode mode);

/* The severity of a change under a mode: breaking when its rule breaks a direction the mode
 * checks, else the rule's quiet severity. */
enum dw_change_severity compat_change_severity(const struct dw_change *ch, enum dw_mode mode);
const char *compat_severity_name(enum dw_change_severity s);

/* Engines -------------------------------------------------------------------------------- */

/*
 * Lists every change from old to new (both already structurally valid contracts of the
 * format: callers run contract_validate first) into out. Engines never stop at the first
 * change. Returns 0, DW_INVALID when a document is not a contract of the format the engine can
 * read (nothing added), or DW_NOMEM.
 */
int compat_diff(enum dw_format fmt, const json_t *old_doc, const json_t *new_doc,
		struct dw_changes *out);

int compat_avro_diff(const json_t *old_doc, const json_t *new_doc, struct dw_changes *out);
int compat_jsonschema_diff(const json_t *old_doc, const json_t *new_doc, struct dw_changes *out);
int compat_openapi_diff(const json_t *old_doc, const json_t *new_doc, struct dw_changes *out);
int compat_table_diff(const json_t *old_doc, const json_t *new_doc, struct dw_changes *out);
/* Protobuf: both documents are JSON strings of .proto text, parsed here (DW_INVALID when one
 * does not parse); pointers lead into the AST of protobuf.h ("/messages/0/fields/2"). */
int compat_protobuf_diff(const json_t *old_doc, const json_t *new_doc, struct dw_changes *out);

/* Each engine's rule table (static, count entries). */
extern const struct dw_rule compat_avro_rules[];
extern const size_t compat_avro_rule_count;
extern const struct dw_rule compat_jsonschema_rules[];
extern const size_t compat_jsonschema_rule_count;
extern const struct dw_rule compat_openapi_rules[];
extern const size_t compat_openapi_rule_count;
extern const struct dw_rule compat_table_rules[];
extern const size_t compat_table_rule_count;
extern const struct dw_rule compat_protobuf_rules[];
extern const size_t compat_protobuf_rule_count;

/* The rule with this id in any table, or NULL. */
const struct dw_rule *compat_rule_find(const char *id);

/* Verdicts ------------------------------------------------------------------------------- */

/*
 * Checks candidate against earlier versions under mode. earlier[0..n) are the registered
 * contracts oldest first, numbered versions[i] (may be NULL: then 1..n). Non-transitive modes
 * compare with the latest only; transitive modes with each. Every change found goes into out
 * with its version set; *compatible is 1 when no change breaks a direction the mode checks.
 * NONE is always compatible (changes are still listed against the latest).
 */
int compat_check(enum dw_format fmt, enum dw_mode mode, const json_t *candidate,
		 const json_t *const *earlier, const int *versions, size_t n, int *compatible,
		 struct dw_changes *out);

/*
 * [{"rule","severity","breaks":["BACKWARD",...],"oldPointer","newPointer","subject",
 *   "message","version"}] with severity relative to mode. New reference, NULL on oom.
 */
json_t *compat_changes_to_json(const struct dw_changes *c, enum dw_mode mode);

/* docs/rules.md, generated from the rule tables. malloc'd, NULL on oom. */
char *compat_rules_markdown(void);

#endif
