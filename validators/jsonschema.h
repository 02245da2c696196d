/*
 * jsonschema: a focused JSON Schema validator on jansson, and a well-formedness check for
 * schemas registered as contracts.
 *
 * Validation keywords implemented (draft-07 and 2020-12 meaning): type (incl. "integer", arrays
 * of types), properties, patternProperties, additionalProperties (bool or schema), required,
 * propertyNames, minProperties/maxProperties, enum, const, pattern (ECMA-262 patterns compiled as
 * POSIX extended regexes after translating \d \w \s and their negations), items (schema, or array
 * in draft-07), prefixItems, additionalItems, minItems/maxItems, uniqueItems, contains,
 * minimum/maximum, exclusiveMinimum/exclusiveMaximum (number and draft-04 boolean forms),
 * multipleOf, minLength/maxLength (Unicode code points), oneOf/anyOf/allOf/not,
 * if/then/else, $ref to "#", "#/$defs/..." and "#/definitions/..." and any local JSON pointer.
 * format is an annotation only. Unknown keywords are ignored, as the specification says.
 *
 * Every failing keyword adds a finding with the instance's JSON pointer and a message naming the
 * keyword's expectation ("missing required property 'owner'", "value 'BACKWRD' is not one of
 * NONE, BACKWARD, ..."). A missing required property's pointer is the object's pointer plus
 * the property name (/metadata/owner); an unknown property's is the property's own. When a
 * schema holding "pattern" also holds the annotation "x-pattern-name", a mismatch reads
 * "string 'A_B' is not <x-pattern-name>" instead of quoting the regex. For oneOf/anyOf the
 * message summarises the branches rather than listing each branch's errors, unless a
 * discriminator picks one: a property to which every branch gives a distinct const ("kind").
 * Then the findings are those of the picked branch, or one finding on the discriminator when
 * it is missing or matches no branch.
 *
 * Dialect: when the root's $schema names 2019-09 or 2020-12, $ref applies beside its sibling
 * keywords and minContains/maxContains are honoured; otherwise (draft-07 and unmarked schemas)
 * $ref overrides its siblings. Only local references resolve ("#", "#/json/pointer", percent-
 * encoded); $id-based and remote references do not. Recursion stops at 256 nested schema
 * applications with a finding, so {"$ref": "#"} terminates.
 *
 * Thread safety: compiled patterns are kept in a process-wide table of 256 entries under a
 * mutex (later ones are compiled per call); the UTF-8 locale regexes use is created once under
 * pthread_once and selected per thread with uselocale. Nothing else is shared.
 */
#ifndef DW_JSONSCHEMA_H
#define DW_JSONSCHEMA_H

#include <jansson.h>

#include "validators/findings.h"

/*
 * Validates instance against the subschema of root at schema_pointer ("" for root itself).
 * Findings get pointers relative to the instance, prefixed with base_pointer (may be "" or
 * NULL). Returns 0 when valid, DW_INVALID when findings were added, DW_NOMEM.
 */
int jsonschema_validate(const json_t *root, const char *schema_pointer, const json_t *instance,
			const char *base_pointer, struct dw_findings *out);

/*
 * Checks that schema is a well-formed JSON Schema (draft-07 or 2020-12): keyword values have
 * the right types, regexes compile, local $refs resolve, required lists strings. Findings
 * pointers are prefixed with base_pointer.
 */
int jsonschema_check_schema(const json_t *schema, const char *base_pointer,
			    struct dw_findings *out);

#endif
