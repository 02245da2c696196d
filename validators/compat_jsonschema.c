/*
 * compat_jsonschema: schema evolution of JSON Schema contracts (draft-07 and 2020-12). Lists
 * every change between two schemas by walking both in step, with local $refs resolved on each
 * side, and names each change after the rule of compat_jsonschema_rules it falls under.
 *
 * Directions (compat.h): a change breaks BACKWARD when some document valid under the old schema
 * is invalid under the new one (the new schema is narrower somewhere), FORWARD when some
 * document valid under the new schema is invalid under the old one (it is wider somewhere).
 * docs/compatibility.md, "JSON Schema", explains the rules and what is not detected.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validators/compat.h"
#include "validators/error.h"
#include "validators/findings.h"
#include "validators/jsonschema.h"
#include "validators/strbuf.h"
#include "validators/utf8.h"

#define BW DW_BREAKS_BACKWARD
#define FW DW_BREAKS_FORWARD

enum rule_id {
	R_TYPE_NARROWED,
	R_TYPE_WIDENED,
	R_TYPE_CHANGED,
	R_PROPERTY_ADDED_TO_OPEN_MODEL,
	R_PROPERTY_ADDED_TO_CLOSED_MODEL,
	R_PROPERTY_REMOVED_FROM_OPEN_MODEL,
	R_PROPERTY_REMOVED_FROM_CLOSED_MODEL,
	R_PROPERTY_DECLARED,
	R_REQUIRED_ADDED,
	R_REQUIRED_REMOVED,
	R_REQUIRED_WITH_DEFAULT_ADDED,
	R_REQUIRED_WITH_DEFAULT_REMOVED,
	R_ADDITIONAL_PROPERTIES_NARROWED,
	R_ADDITIONAL_PROPERTIES_WIDENED,
	R_ADDITIONAL_ITEMS_NARROWED,
	R_ADDITIONAL_ITEMS_WIDENED,
	R_SCHEMA_CLOSED,
	R_SCHEMA_OPENED,
	R_ENUM_ADDED,
	R_ENUM_REMOVED,
	R_ENUM_VALUE_ADDED,
	R_ENUM_VALUE_REMOVED,
	R_CONST_ADDED,
	R_CONST_REMOVED,
	R_CONST_CHANGED,
	R_MINIMUM_INCREASED,
	R_MINIMUM_DECREASED,
	R_MAXIMUM_DECREASED,
	R_MAXIMUM_INCREASED,
	R_MIN_LENGTH_INCREASED,
	R_MIN_LENGTH_DECREASED,
	R_MAX_LENGTH_DECREASED,
	R_MAX_LENGTH_INCREASED,
	R_MIN_ITEMS_INCREASED,
	R_MIN_ITEMS_DECREASED,
	R_MAX_ITEMS_DECREASED,
	R_MAX_ITEMS_INCREASED,
	R_MIN_PROPERTIES_INCREASED,
	R_MIN_PROPERTIES_DECREASED,
	R_MAX_PROPERTIES_DECREASED,
	R_MAX_PROPERTIES_INCREASED,
	R_MULTIPLE_OF_NARROWED,
	R_MULTIPLE_OF_WIDENED,
	R_MULTIPLE_OF_CHANGED,
	R_PATTERN_ADDED,
	R_PATTERN_REMOVED,
	R_PATTERN_CHANGED,
	R_UNIQUE_ITEMS_ADDED,
	R_UNIQUE_ITEMS_REMOVED,
	R_CONTAINS_ADDED,
	R_CONTAINS_REMOVED,
	R_ANY_OF_BRANCH_ADDED,
	R_ANY_OF_BRANCH_REMOVED,
	R_ONE_OF_BRANCH_ADDED,
	R_ONE_OF_BRANCH_REMOVED,
	R_ALL_OF_BRANCH_ADDED,
	R_ALL_OF_BRANCH_REMOVED,
	R_COMBINATOR_ADDED,
	R_COMBINATOR_REMOVED,
	R_COMBINATOR_WIDENED,
	R_COMBINATOR_NARROWED,
	R_NOT_NARROWED,
	R_NOT_WIDENED,
	R_DEPENDENT_REQUIRED_ADDED,
	R_DEPENDENT_REQUIRED_REMOVED,
	R_CONDITIONAL_ADDED,
	R_CONDITIONAL_REMOVED,
	R_CONDITIONAL_CHANGED,
	R_REFERENCE_CHANGED,
	R_ANNOTATION_CHANGED,
	R_COUNT
};

const struct dw_rule compat_jsonschema_rules[] = {
	{"jsonschema.type-narrowed", DW_FMT_JSONSCHEMA, BW, DW_CHANGE_WARNING,
	 "the set of accepted types shrank (number to integer, a type removed): old documents may "
	 "hold the removed type",
	 "{\"type\":\"number\"}",
	 "{\"type\":\"integer\"}"},
	{"jsonschema.type-widened", DW_FMT_JSONSCHEMA, FW, DW_CHANGE_WARNING,
	 "the set of accepted types grew (integer to number, a type added): old readers reject "
	 "the new type",
	 "{\"type\":\"integer\"}",
	 "{\"type\":[\"integer\",\"string\"]}"},
	{"jsonschema.type-changed", DW_FMT_JSONSCHEMA, BW | FW, DW_CHANGE_WARNING,
	 "the type changed to an unrelated one: neither side accepts the other's values",
	 "{\"type\":\"string\"}",
	 "{\"type\":\"integer\"}"},
	{"jsonschema.property-added-to-open-model", DW_FMT_JSONSCHEMA, BW, DW_CHANGE_WARNING,
	 "a constrained property was declared where any value was allowed: old documents may hold "
	 "other values under that name",
	 "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}}}",
	 "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"},"
	 "\"email\":{\"type\":\"string\"}}}"},
	{"jsonschema.property-added-to-closed-model", DW_FMT_JSONSCHEMA, FW, DW_CHANGE_WARNING,
	 "a property was declared where additionalProperties was false: old readers reject "
	 "documents holding it",
	 "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}},"
	 "\"additionalProperties\":false}",
	 "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"},"
	 "\"email\":{\"type\":\"string\"}},\"additionalProperties\":false}"},
	{"jsonschema.property-removed-from-open-model", DW_FMT_JSONSCHEMA, FW, DW_CHANGE_WARNING,
	 "a constrained property was removed from an open model: new documents may hold any value "
	 "under that name",
	 "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"},"
	 "\"email\":{\"type\":\"string\"}}}",
	 "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}}}"},
	{"jsonschema.property-removed-from-closed-model", DW_FMT_JSONSCHEMA, BW, DW_CHANGE_WARNING,
	 "a property was removed from a closed model: old documents holding it are rejected",
	 "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"},"
	 "\"email\":{\"type\":\"string\"}},\"additionalProperties\":false}",
	 "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}},"
	 "\"additionalProperties\":false}"},
	{"jsonschema.property-declared", DW_FMT_JSONSCHEMA, 0, DW_CHANGE_INFO,
	 "a property was declared or undeclared without changing which documents are valid "
	 "(unconstrained in an open model)",
	 "{\"type\":\"object\"}",
	 "{\"type\":\"object\",\"properties\":{\"note\":{\"description\":\"free text\"}}}"},
	{"jsonschema.required-added", DW_FMT_JSONSCHEMA, BW, DW_CHANGE_WARNING,
	 "a property became required: old documents may lack it",
	 "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}}}",
	 "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}},"
	 "\"required\":[\"id\"]}"},
	{"jsonschema.required-removed", DW_FMT_JSONSCHEMA, FW, DW_CHANGE_WARNING,
	 "a property is no longer required: old readers reject documents without it",
	 "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}},"
	 "\"required\":[\"id\"]}",
	 "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}}}"},
	{"jsonschema.required-with-default-added", DW_FMT_JSONSCHEMA, 0, DW_CHANGE_WARNING,
	 "a property with a default became required: Confluent accepts it (readers fill in the "
	 "default), though a validator rejects old documents that lack it",
	 "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\",\"default\":\"\"}}}",
	 "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\",\"default\":\"\"}},"
	 "\"required\":[\"id\"]}"},
	{"jsonschema.required-with-default-removed", DW_FMT_JSONSCHEMA, 0, DW_CHANGE_WARNING,
	 "a property with a default is no longer required: the mirror of "
	 "required-with-default-added, which Confluent accepts",
	 "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\",\"default\":\"\"}},"
	 "\"required\":[\"id\"]}",
	 "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\",\"default\":\"\"}}}"},
	{"jsonschema.additional-properties-narrowed", DW_FMT_JSONSCHEMA, BW, DW_CHANGE_WARNING,
	 "additionalProperties became false: old documents with undeclared properties are rejected",
	 "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}}}",
	 "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}},"
	 "\"additionalProperties\":false}"},
	{"jsonschema.additional-properties-widened", DW_FMT_JSONSCHEMA, FW, DW_CHANGE_WARNING,
	 "additionalProperties false was lifted: old readers reject new documents with undeclared "
	 "properties",
	 "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}},"
	 "\"additionalProperties\":false}",
	 "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}}}"},
	{"jsonschema.additional-items-narrowed", DW_FMT_JSONSCHEMA, BW, DW_CHANGE_WARNING,
	 "items after the tuple (additionalItems, or items after prefixItems) became false: old "
	 "longer arrays are rejected",
	 "{\"type\":\"array\",\"prefixItems\":[{\"type\":\"string\"}]}",
	 "{\"type\":\"array\",\"prefixItems\":[{\"type\":\"string\"}],\"items\":false}"},
	{"jsonschema.additional-items-widened", DW_FMT_JSONSCHEMA, FW, DW_CHANGE_WARNING,
	 "items after the tuple are no longer false: old readers reject new longer arrays",
	 "{\"type\":\"array\",\"items\":[{\"type\":\"string\"}],\"additionalItems\":false}",
	 "{\"type\":\"array\",\"items\":[{\"type\":\"string\"}]}"},
	{"jsonschema.schema-closed", DW_FMT_JSONSCHEMA, BW, DW_CHANGE_WARNING,
	 "a subschema became false: every value it accepted before is now rejected",
	 "{\"type\":\"object\",\"properties\":{\"legacy\":{\"type\":\"string\"}}}",
	 "{\"type\":\"object\",\"properties\":{\"legacy\":false}}"},
	{"jsonschema.schema-opened", DW_FMT_JSONSCHEMA, FW, DW_CHANGE_WARNING,
	 "a false subschema now accepts values: old readers reject them",
	 "{\"type\":\"object\",\"properties\":{\"legacy\":false}}",
	 "{\"type\":\"object\",\"properties\":{\"legacy\":{\"type\":\"string\"}}}"},
	{"jsonschema.enum-added", DW_FMT_JSONSCHEMA, BW, DW_CHANGE_WARNING,
	 "an enum was added: old documents may hold other values",
	 "{\"type\":\"string\"}",
	 "{\"type\":\"string\",\"enum\":[\"a\",\"b\"]}"},
	{"jsonschema.enum-removed", DW_FMT_JSONSCHEMA, FW, DW_CHANGE_WARNING,
	 "the enum was removed: old readers reject values outside it",
	 "{\"type\":\"string\",\"enum\":[\"a\",\"b\"]}",
	 "{\"type\":\"string\"}"},
	{"jsonschema.enum-value-added", DW_FMT_JSONSCHEMA, FW, DW_CHANGE_WARNING,
	 "an enum value was added: old readers reject it",
	 "{\"enum\":[\"a\",\"b\"]}",
	 "{\"enum\":[\"a\",\"b\",\"c\"]}"},
	{"jsonschema.enum-value-removed", DW_FMT_JSONSCHEMA, BW, DW_CHANGE_WARNING,
	 "an enum value was removed: old documents may hold it",
	 "{\"enum\":[\"a\",\"b\",\"c\"]}",
	 "{\"enum\":[\"a\",\"b\"]}"},
	{"jsonschema.const-added", DW_FMT_JSONSCHEMA, BW, DW_CHANGE_WARNING,
	 "a const was added: old documents may hold other values",
	 "{\"type\":\"string\"}",
	 "{\"type\":\"string\",\"const\":\"v1\"}"},
	{"jsonschema.const-removed", DW_FMT_JSONSCHEMA, FW, DW_CHANGE_WARNING,
	 "the const was removed: old readers reject other values",
	 "{\"type\":\"string\",\"const\":\"v1\"}",
	 "{\"type\":\"string\"}"},
	{"jsonschema.const-changed", DW_FMT_JSONSCHEMA, BW | FW, DW_CHANGE_WARNING,
	 "the const value changed: neither side accepts the other's value",
	 "{\"const\":\"v1\"}",
	 "{\"const\":\"v2\"}"},
	{"jsonschema.minimum-increased", DW_FMT_JSONSCHEMA, BW, DW_CHANGE_WARNING,
	 "the lower bound (minimum, exclusiveMinimum) was added or raised: old documents may hold "
	 "smaller numbers",
	 "{\"type\":\"integer\",\"minimum\":0}",
	 "{\"type\":\"integer\",\"minimum\":1}"},
	{"jsonschema.minimum-decreased", DW_FMT_JSONSCHEMA, FW, DW_CHANGE_WARNING,
	 "the lower bound was lowered or removed: old readers reject the smaller numbers",
	 "{\"type\":\"integer\",\"minimum\":1}",
	 "{\"type\":\"integer\",\"minimum\":0}"},
	{"jsonschema.maximum-decreased", DW_FMT_JSONSCHEMA, BW, DW_CHANGE_WARNING,
	 "the upper bound (maximum, exclusiveMaximum) was added or lowered: old documents may "
	 "hold larger numbers",
	 "{\"type\":\"integer\",\"maximum\":100}",
	 "{\"type\":\"integer\",\"maximum\":10}"},
	{"jsonschema.maximum-increased", DW_FMT_JSONSCHEMA, FW, DW_CHANGE_WARNING,
	 "the upper bound was raised or removed: old readers reject the larger numbers",
	 "{\"type\":\"integer\",\"maximum\":10}",
	 "{\"type\":\"integer\",\"maximum\":100}"},
	{"jsonschema.min-length-increased", DW_FMT_JSONSCHEMA, BW, DW_CHANGE_WARNING,
	 "minLength was added or raised: old documents may hold shorter strings",
	 "{\"type\":\"string\"}",
	 "{\"type\":\"string\",\"minLength\":3}"},
	{"jsonschema.min-length-decreased", DW_FMT_JSONSCHEMA, FW, DW_CHANGE_WARNING,
	 "minLength was lowered or removed: old readers reject the shorter strings",
	 "{\"type\":\"string\",\"minLength\":3}",
	 "{\"type\":\"string\",\"minLength\":1}"},
	{"jsonschema.max-length-decreased", DW_FMT_JSONSCHEMA, BW, DW_CHANGE_WARNING,
	 "maxLength was added or lowered: old documents may hold longer strings",
	 "{\"type\":\"string\",\"maxLength\":100}",
	 "{\"type\":\"string\",\"maxLength\":10}"},
	{"jsonschema.max-length-increased", DW_FMT_JSONSCHEMA, FW, DW_CHANGE_WARNING,
	 "maxLength was raised or removed: old readers reject the longer strings",
	 "{\"type\":\"string\",\"maxLength\":10}",
	 "{\"type\":\"string\"}"},
	{"jsonschema.min-items-increased", DW_FMT_JSONSCHEMA, BW, DW_CHANGE_WARNING,
	 "minItems was added or raised: old documents may hold shorter arrays",
	 "{\"type\":\"array\"}",
	 "{\"type\":\"array\",\"minItems\":1}"},
	{"jsonschema.min-items-decreased", DW_FMT_JSONSCHEMA, FW, DW_CHANGE_WARNING,
	 "minItems was lowered or removed: old readers reject the shorter arrays",
	 "{\"type\":\"array\",\"minItems\":2}",
	 "{\"type\":\"array\",\"minItems\":1}"},
	{"jsonschema.max-items-decreased", DW_FMT_JSONSCHEMA, BW, DW_CHANGE_WARNING,
	 "maxItems was added or lowered: old documents may hold longer arrays",
	 "{\"type\":\"array\",\"maxItems\":10}",
	 "{\"type\":\"array\",\"maxItems\":5}"},
	{"jsonschema.max-items-increased", DW_FMT_JSONSCHEMA, FW, DW_CHANGE_WARNING,
	 "maxItems was raised or removed: old readers reject the longer arrays",
	 "{\"type\":\"array\",\"maxItems\":5}",
	 "{\"type\":\"array\",\"maxItems\":10}"},
	{"jsonschema.min-properties-increased", DW_FMT_JSONSCHEMA, BW, DW_CHANGE_WARNING,
	 "minProperties was added or raised: old documents may hold fewer properties",
	 "{\"type\":\"object\"}",
	 "{\"type\":\"object\",\"minProperties\":1}"},
	{"jsonschema.min-properties-decreased", DW_FMT_JSONSCHEMA, FW, DW_CHANGE_WARNING,
	 "minProperties was lowered or removed: old readers reject objects with fewer properties",
	 "{\"type\":\"object\",\"minProperties\":2}",
	 "{\"type\":\"object\"}"},
	{"jsonschema.max-properties-decreased", DW_FMT_JSONSCHEMA, BW, DW_CHANGE_WARNING,
	 "maxProperties was added or lowered: old documents may hold more properties",
	 "{\"type\":\"object\",\"maxProperties\":10}",
	 "{\"type\":\"object\",\"maxProperties\":5}"},
	{"jsonschema.max-properties-increased", DW_FMT_JSONSCHEMA, FW, DW_CHANGE_WARNING,
	 "maxProperties was raised or removed: old readers reject objects with more properties",
	 "{\"type\":\"object\",\"maxProperties\":5}",
	 "{\"type\":\"object\",\"maxProperties\":10}"},
	{"jsonschema.multiple-of-narrowed", DW_FMT_JSONSCHEMA, BW, DW_CHANGE_WARNING,
	 "multipleOf was added or became a multiple of the old divisor: old numbers may not divide",
	 "{\"type\":\"integer\",\"multipleOf\":2}",
	 "{\"type\":\"integer\",\"multipleOf\":4}"},
	{"jsonschema.multiple-of-widened", DW_FMT_JSONSCHEMA, FW, DW_CHANGE_WARNING,
	 "multipleOf was removed or became a divisor of the old one: old readers reject the new "
	 "numbers",
	 "{\"type\":\"integer\",\"multipleOf\":4}",
	 "{\"type\":\"integer\",\"multipleOf\":2}"},
	{"jsonschema.multiple-of-changed", DW_FMT_JSONSCHEMA, BW | FW, DW_CHANGE_WARNING,
	 "multipleOf changed to a value neither a multiple nor a divisor of the old one",
	 "{\"type\":\"integer\",\"multipleOf\":2}",
	 "{\"type\":\"integer\",\"multipleOf\":3}"},
	{"jsonschema.pattern-added", DW_FMT_JSONSCHEMA, BW, DW_CHANGE_WARNING,
	 "a pattern was added: old strings may not match it",
	 "{\"type\":\"string\"}",
	 "{\"type\":\"string\",\"pattern\":\"^[a-z]+$\"}"},
	{"jsonschema.pattern-removed", DW_FMT_JSONSCHEMA, FW, DW_CHANGE_WARNING,
	 "the pattern was removed: old readers reject strings that do not match it",
	 "{\"type\":\"string\",\"pattern\":\"^[a-z]+$\"}",
	 "{\"type\":\"string\"}"},
	{"jsonschema.pattern-changed", DW_FMT_JSONSCHEMA, BW | FW, DW_CHANGE_WARNING,
	 "the pattern changed: regular languages are not compared, so both directions are assumed "
	 "broken",
	 "{\"type\":\"string\",\"pattern\":\"^[a-z]+$\"}",
	 "{\"type\":\"string\",\"pattern\":\"^[a-z0-9]+$\"}"},
	{"jsonschema.unique-items-added", DW_FMT_JSONSCHEMA, BW, DW_CHANGE_WARNING,
	 "uniqueItems became true: old arrays may hold duplicates",
	 "{\"type\":\"array\"}",
	 "{\"type\":\"array\",\"uniqueItems\":true}"},
	{"jsonschema.unique-items-removed", DW_FMT_JSONSCHEMA, FW, DW_CHANGE_WARNING,
	 "uniqueItems is no longer true: old readers reject arrays with duplicates",
	 "{\"type\":\"array\",\"uniqueItems\":true}",
	 "{\"type\":\"array\"}"},
	{"jsonschema.contains-added", DW_FMT_JSONSCHEMA, BW, DW_CHANGE_WARNING,
	 "contains was added: old arrays may have no matching element",
	 "{\"type\":\"array\"}",
	 "{\"type\":\"array\",\"contains\":{\"const\":\"admin\"}}"},
	{"jsonschema.contains-removed", DW_FMT_JSONSCHEMA, FW, DW_CHANGE_WARNING,
	 "contains was removed: old readers reject arrays without a matching element",
	 "{\"type\":\"array\",\"contains\":{\"const\":\"admin\"}}",
	 "{\"type\":\"array\"}"},
	{"jsonschema.any-of-branch-added", DW_FMT_JSONSCHEMA, FW, DW_CHANGE_WARNING,
	 "an anyOf branch was added: old readers reject values only it accepts",
	 "{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}",
	 "{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"},{\"type\":\"boolean\"}]}"},
	{"jsonschema.any-of-branch-removed", DW_FMT_JSONSCHEMA, BW, DW_CHANGE_WARNING,
	 "an anyOf branch was removed: old values only it accepted are rejected",
	 "{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"},{\"type\":\"boolean\"}]}",
	 "{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}"},
	{"jsonschema.one-of-branch-added", DW_FMT_JSONSCHEMA, FW, DW_CHANGE_WARNING,
	 "a oneOf branch was added: old readers reject values only it accepts",
	 "{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}",
	 "{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"integer\"},{\"type\":\"boolean\"}]}"},
	{"jsonschema.one-of-branch-removed", DW_FMT_JSONSCHEMA, BW, DW_CHANGE_WARNING,
	 "a oneOf branch was removed: old values only it accepted are rejected",
	 "{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"integer\"},{\"type\":\"boolean\"}]}",
	 "{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}"},
	{"jsonschema.all-of-branch-added", DW_FMT_JSONSCHEMA, BW, DW_CHANGE_WARNING,
	 "an allOf branch was added: old values may fail the new constraint",
	 "{\"allOf\":[{\"type\":\"string\"}]}",
	 "{\"allOf\":[{\"type\":\"string\"},{\"maxLength\":5}]}"},
	{"jsonschema.all-of-branch-removed", DW_FMT_JSONSCHEMA, FW, DW_CHANGE_WARNING,
	 "an allOf branch was removed: old readers still apply its constraint",
	 "{\"allOf\":[{\"type\":\"string\"},{\"maxLength\":5}]}",
	 "{\"allOf\":[{\"type\":\"string\"}]}"},
	{"jsonschema.combinator-added", DW_FMT_JSONSCHEMA, BW, DW_CHANGE_WARNING,
	 "anyOf or oneOf was introduced: old values may match none of its branches",
	 "{\"type\":\"object\"}",
	 "{\"type\":\"object\",\"anyOf\":[{\"required\":[\"a\"]},{\"required\":[\"b\"]}]}"},
	{"jsonschema.combinator-removed", DW_FMT_JSONSCHEMA, FW, DW_CHANGE_WARNING,
	 "anyOf or oneOf was dropped: old readers still require one of its branches",
	 "{\"type\":\"object\",\"anyOf\":[{\"required\":[\"a\"]},{\"required\":[\"b\"]}]}",
	 "{\"type\":\"object\"}"},
	{"jsonschema.combinator-widened", DW_FMT_JSONSCHEMA, FW, DW_CHANGE_WARNING,
	 "oneOf or allOf became anyOf over the same branches: old readers reject values matching "
	 "several branches (oneOf) or only some of them (allOf)",
	 "{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}",
	 "{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}"},
	{"jsonschema.combinator-narrowed", DW_FMT_JSONSCHEMA, BW, DW_CHANGE_WARNING,
	 "anyOf became oneOf or allOf over the same branches: old values matching several branches "
	 "(oneOf) or only some of them (allOf) are rejected",
	 "{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}",
	 "{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}"},
	{"jsonschema.not-narrowed", DW_FMT_JSONSCHEMA, BW, DW_CHANGE_WARNING,
	 "not was added or its schema widened: more values are excluded",
	 "{\"type\":\"string\"}",
	 "{\"type\":\"string\",\"not\":{\"const\":\"\"}}"},
	{"jsonschema.not-widened", DW_FMT_JSONSCHEMA, FW, DW_CHANGE_WARNING,
	 "not was removed or its schema narrowed: fewer values are excluded",
	 "{\"type\":\"string\",\"not\":{\"const\":\"\"}}",
	 "{\"type\":\"string\"}"},
	{"jsonschema.dependent-required-added", DW_FMT_JSONSCHEMA, BW, DW_CHANGE_WARNING,
	 "a dependentRequired (or dependencies array) entry was added or extended: old objects "
	 "may lack the dependent property",
	 "{\"type\":\"object\"}",
	 "{\"type\":\"object\",\"dependentRequired\":{\"card\":[\"billing\"]}}"},
	{"jsonschema.dependent-required-removed", DW_FMT_JSONSCHEMA, FW, DW_CHANGE_WARNING,
	 "a dependentRequired (or dependencies array) entry was removed or reduced: old readers "
	 "still demand the dependent property",
	 "{\"type\":\"object\",\"dependencies\":{\"card\":[\"billing\"]}}",
	 "{\"type\":\"object\"}"},
	{"jsonschema.conditional-added", DW_FMT_JSONSCHEMA, BW, DW_CHANGE_WARNING,
	 "if/then/else was added: old values may fail the branch that now applies",
	 "{\"type\":\"object\"}",
	 "{\"type\":\"object\",\"if\":{\"required\":[\"card\"]},\"then\":{\"required\":[\"billing"
	 "\"]}}"},
	{"jsonschema.conditional-removed", DW_FMT_JSONSCHEMA, FW, DW_CHANGE_WARNING,
	 "if/then/else was removed: old readers still apply it",
	 "{\"type\":\"object\",\"if\":{\"required\":[\"card\"]},\"then\":{\"required\":[\"billing"
	 "\"]}}",
	 "{\"type\":\"object\"}"},
	{"jsonschema.conditional-changed", DW_FMT_JSONSCHEMA, BW | FW, DW_CHANGE_WARNING,
	 "if/then/else changed: conditionals are not compared, so both directions are assumed "
	 "broken",
	 "{\"type\":\"object\",\"if\":{\"required\":[\"card\"]},\"then\":{\"required\":[\"billing"
	 "\"]}}",
	 "{\"type\":\"object\",\"if\":{\"required\":[\"bank\"]},\"then\":{\"required\":[\"billing"
	 "\"]}}"},
	{"jsonschema.reference-changed", DW_FMT_JSONSCHEMA, BW | FW, DW_CHANGE_WARNING,
	 "a reference that cannot be resolved locally changed: the targets are not compared",
	 "{\"$ref\":\"https://example.com/a.json\"}",
	 "{\"$ref\":\"https://example.com/b.json\"}"},
	{"jsonschema.annotation-changed", DW_FMT_JSONSCHEMA, 0, DW_CHANGE_INFO,
	 "an annotation (title, description, default, examples, deprecated, readOnly, writeOnly, "
	 "format) changed: validity is unaffected",
	 "{\"type\":\"string\",\"description\":\"a\"}",
	 "{\"type\":\"string\",\"description\":\"b\"}"},
};

const size_t compat_jsonschema_rule_count =
	sizeof(compat_jsonschema_rules) / sizeof(compat_jsonschema_rules[0]);

/* ---- the walk ----------------------------------------------------------------------------- */

/* Bounds: nesting as contracts allow, hops along a chain of pure $refs, schema pairs visited. */
#define MAX_DEPTH CONTRACT_MAX_DEPTH
#define MAX_REF_HOPS 64
#define MAX_VISITS (1u << 22)
#define MAX_REWALKS 16

/* JSON type sets: "number" is integer plus the non-integral numbers. */
enum {
	T_NULL = 1,
	T_BOOLEAN = 2,
	T_OBJECT = 4,
	T_ARRAY = 8,
	T_STRING = 16,
	T_INTEGER = 32,
	T_FRACTION = 64,
	T_NUMBER = T_INTEGER | T_FRACTION,
	T_ALL = 127,
};

/* What a false/non-false transition is called where the subschema sits. */
enum slot { SLOT_SCHEMA, SLOT_ADDITIONAL_PROPERTIES, SLOT_ADDITIONAL_ITEMS };

struct pair {
	const json_t *o, *n;
};

/*
 * A pair of schemas met before. A pair without changes is not walked again; one with changes
 * is walked again under each new subject (a definition used in several places), at most
 * MAX_REWALKS times, which bounds the work on schemas whose $refs fan out exponentially.
 */
struct seen {
	const json_t *o, *n;
	unsigned walks;
	int clean;
};

struct walk {
	const json_t *old_root, *new_root;
	int old_modern, new_modern; /* 2019-09/2020-12: $ref applies beside its siblings */
	json_t *empty;              /* {} standing for true and for absent subschemas */
	struct dw_changes *out;
	struct pair *stack;         /* schema pairs on the current path: $ref cycle protection */
	size_t depth, alloc;
	struct seen *seen;          /* open-addressing table of the pairs compared so far */
	size_t seen_cap, seen_count;
	unsigned long visits;
	int oom;
};

static void compare(struct walk *w, const json_t *o, const char *op, const json_t *n,
		    const char *np, const char *subj, enum slot slot);

/* ---- small helpers ---- */

static char *jp(struct walk *w, const char *base, const char *token)
{
	char *p;

	if (!base)
		return NULL;
	p = dw_pointer_join(base, token);
	if (!p)
		w->oom = 1;
	return p;
}

static char *jpi(struct walk *w, const char *base, size_t i)
{
	char *p;

	if (!base)
		return NULL;
	p = dw_pointer_join_index(base, i);
	if (!p)
		w->oom = 1;
	return p;
}

/* The pointer of keyword key in the schema at base when it is there, else base itself. */
static char *kw_ptr(struct walk *w, const json_t *s, const char *base, const char *key)
{
	char *p;

	if (base && json_is_object(s) && json_object_get(s, key))
		return jp(w, base, key);
	if (!base)
		return NULL;
	if (!(p = strdup(base)))
		w->oom = 1;
	return p;
}

static char *strf(struct walk *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static char *strf(struct walk *w, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = dw_vstrfmt(fmt, ap);
	va_end(ap);
	if (!s)
		w->oom = 1;
	return s;
}

/* "address" + "city" -> "address.city"; the root's subject is "". */
static char *subj_child(struct walk *w, const char *subj, const char *name)
{
	return *subj ? strf(w, "%s.%s", subj, name) : strf(w, "%s", name);
}

static char *subj_item(struct walk *w, const char *subj, long index)
{
	return index < 0 ? strf(w, "%s[]", subj) : strf(w, "%s[%ld]", subj, index);
}

/*
 * Adds a change. In the formatted message every "{}" becomes the quoted subject, or "the root
 * schema" when the subject is the root.
 */
static void emit(struct walk *w, enum rule_id id, const char *op, const char *np,
		 const char *subj, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void emit(struct walk *w, enum rule_id id, const char *op, const char *np,
		 const char *subj, const char *fmt, ...)
{
	char *msg, *res, *q;
	size_t len, qlen, n = 0, j = 0;
	va_list ap;

	va_start(ap, fmt);
	msg = dw_vstrfmt(fmt, ap);
	va_end(ap);
	if (!msg) {
		w->oom = 1;
		return;
	}
	q = *subj ? strf(w, "'%s'", subj) : strf(w, "the root schema");
	if (!q) {
		free(msg);
		return;
	}
	len = strlen(msg);
	qlen = strlen(q);
	for (const char *p = strstr(msg, "{}"); p; p = strstr(p + 2, "{}"))
		n++;
	res = malloc(len + n * qlen + 1);
	if (res) {
		for (size_t i = 0; i < len; i++) {
			if (msg[i] == '{' && msg[i + 1] == '}') {
				memcpy(res + j, q, qlen);
				j += qlen;
				i++;
			} else {
				res[j++] = msg[i];
			}
		}
		res[j] = '\0';
		if (!dw_changes_add(w->out, &compat_jsonschema_rules[id], op, np,
				    *subj ? subj : NULL, "%s", res))
			w->oom = 1;
	} else {
		w->oom = 1;
	}
	free(res);
	free(msg);
	free(q);
}

/* A JSON value as short text for messages (quoted strings, compact, cut at 60 bytes). */
static char *value_text(struct walk *w, const json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	char *r;

	if (!s) {
		w->oom = 1;
		return NULL;
	}
	if (strlen(s) <= 60)
		return s;
	r = strf(w, "%.57s...", s);
	free(s);
	return r;
}

/* JSON Schema equality: numbers by value (1 equals 1.0), objects regardless of key order. */
static int value_equal(const json_t *a, const json_t *b, int depth)
{
	if (depth > MAX_DEPTH)
		return json_equal(a, b);
	if (json_is_number(a) && json_is_number(b))
		return json_number_value(a) == json_number_value(b) &&
		       (!json_is_integer(a) || !json_is_integer(b) ||
			json_integer_value(a) == json_integer_value(b));
	if (json_typeof(a) != json_typeof(b))
		return 0;
	if (json_is_array(a)) {
		if (json_array_size(a) != json_array_size(b))
			return 0;
		for (size_t i = 0; i < json_array_size(a); i++)
			if (!value_equal(json_array_get(a, i), json_array_get(b, i), depth + 1))
				return 0;
		return 1;
	}
	if (json_is_object(a)) {
		const char *k;
		json_t *v;

		if (json_object_size(a) != json_object_size(b))
			return 0;
		json_object_foreach((json_t *)a, k, v) {
			json_t *bv = json_object_get(b, k);
			if (!bv || !value_equal(v, bv, depth + 1))
				return 0;
		}
		return 1;
	}
	return json_equal(a, b);
}

static int in_array(const json_t *arr, const json_t *v)
{
	for (size_t i = 0; i < json_array_size(arr); i++)
		if (value_equal(json_array_get(arr, i), v, 0))
			return 1;
	return 0;
}

static int is_false(const json_t *s)
{
	return json_is_false(s);
}

/* Keywords that only annotate: a schema holding nothing else accepts every value. */
static const char *const annotations[] = {
	"title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly",
	"format", "contentMediaType", "contentEncoding", "contentSchema", "$comment",
};

static const char *const structural[] = {
	"$schema", "$id", "$anchor", "$dynamicAnchor", "$vocabulary", "$defs", "definitions",
};

static int in_list(const char *k, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(k, list[i]) == 0)
			return 1;
	return 0;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int is_passive(const char *k)
{
	return in_list(k, annotations, NELEM(annotations)) ||
	       in_list(k, structural, NELEM(structural)) || strncmp(k, "x-", 2) == 0;
}

/* True for true, {} and schemas holding annotations only (before $ref resolution). */
static int is_trivial(const json_t *s)
{
	const char *k;
	json_t *v;

	if (json_is_true(s) || !s)
		return 1;
	if (!json_is_object(s))
		return !is_false(s);
	json_object_foreach((json_t *)s, k, v)
		if (!is_passive(k))
			return 0;
	return 1;
}

/* ---- $ref resolution ---- */

/* Looks for $anchor name (or a draft-07 "$id": "#name") below s; its pointer into *ptr. */
static const json_t *find_anchor(struct walk *w, const json_t *s, const char *base,
				 const char *name, int depth, char **ptr)
{
	const char *k;
	json_t *v;

	if (depth > MAX_DEPTH || w->oom)
		return NULL;
	if (json_is_object(s)) {
		json_t *a = json_object_get(s, "$anchor");
		json_t *id = json_object_get(s, "$id");

		if ((json_is_string(a) && strcmp(json_string_value(a), name) == 0) ||
		    (json_is_string(id) && json_string_value(id)[0] == '#' &&
		     strcmp(json_string_value(id) + 1, name) == 0)) {
			if (!(*ptr = strdup(base)))
				w->oom = 1;
			return s;
		}
		json_object_foreach((json_t *)s, k, v) {
			const json_t *r;
			char *p;

			if (!json_is_object(v) && !json_is_array(v))
				continue;
			if (!(p = jp(w, base, k)))
				return NULL;
			r = find_anchor(w, v, p, name, depth + 1, ptr);
			free(p);
			if (r)
				return r;
		}
	} else if (json_is_array(s)) {
		for (size_t i = 0; i < json_array_size(s); i++) {
			const json_t *r;
			char *p = jpi(w, base, i);

			if (!p)
				return NULL;
			r = find_anchor(w, json_array_get(s, i), p, name, depth + 1, ptr);
			free(p);
			if (r)
				return r;
		}
	}
	return NULL;
}

/*
 * Resolves a local reference ("#", "#/json/pointer" percent-encoded, "#anchor") in root.
 * Returns the target (borrowed) and its pointer in *ptr (malloc'd), or NULL when the reference
 * is not local or does not resolve.
 */
static const json_t *resolve(struct walk *w, const json_t *root, const char *ref, char **ptr)
{
	const json_t *t;
	char *dec;

	*ptr = NULL;
	if (ref[0] != '#')
		return NULL;
	if (!(dec = dw_fragment_decode(ref + 1, NULL))) {
		w->oom = 1;
		return NULL;
	}
	if (dec[0] == '\0' || dec[0] == '/') {
		t = dw_pointer_get(root, dec);
		if (t && !(*ptr = strdup(dec))) {
			w->oom = 1;
			t = NULL;
		}
	} else {
		t = find_anchor(w, root, "", dec, 0, ptr);
	}
	free(dec);
	if (t && !json_is_object(t) && !json_is_boolean(t)) {
		free(*ptr);
		*ptr = NULL;
		return NULL;
	}
	return t;
}

/* Whether a $ref in s stands for the whole schema: the siblings are annotations only, or the
 * dialect (draft-07 and unmarked schemas) makes $ref override them. */
static int pure_ref(const json_t *s, int modern)
{
	const char *k;
	json_t *v;

	if (!modern)
		return 1;
	json_object_foreach((json_t *)s, k, v)
		if (strcmp(k, "$ref") != 0 && !is_passive(k))
			return 0;
	return 1;
}

/*
 * Follows pure $refs from *s. *ptr is replaced (and freed) when a reference is followed; it
 * may start NULL (an implied schema). Stops at unresolvable or mixed references.
 */
static void deref(struct walk *w, const json_t *root, int modern, const json_t **s, char **ptr)
{
	for (int hops = 0; hops < MAX_REF_HOPS && json_is_object(*s); hops++) {
		json_t *ref = json_object_get(*s, "$ref");
		const json_t *t;
		char *tp;

		if (!json_is_string(ref) || !pure_ref(*s, modern))
			return;
		if (!(t = resolve(w, root, json_string_value(ref), &tp)))
			return;
		free(*ptr);
		*ptr = tp;
		*s = t;
	}
}

/* ---- visited pairs ---- */

static int on_stack(struct walk *w, const json_t *o, const json_t *n)
{
	for (size_t i = 0; i < w->depth; i++)
		if (w->stack[i].o == o && w->stack[i].n == n)
			return 1;
	return 0;
}

static int push(struct walk *w, const json_t *o, const json_t *n)
{
	if (w->depth == w->alloc) {
		size_t na = w->alloc ? w->alloc * 2 : 64;
		struct pair *s = realloc(w->stack, na * sizeof(*s));

		if (!s) {
			w->oom = 1;
			return -1;
		}
		w->stack = s;
		w->alloc = na;
	}
	w->stack[w->depth].o = o;
	w->stack[w->depth].n = n;
	w->depth++;
	return 0;
}

static size_t pair_hash(const json_t *o, const json_t *n, size_t cap)
{
	unsigned long long h = (unsigned long long)(uintptr_t)o * 0x9E3779B97F4A7C15ull;

	h ^= (unsigned long long)(uintptr_t)n + 0x632BE59BD9B4E019ull + (h << 6) + (h >> 2);
	return (size_t)(h % cap);
}

/* The entry of pair (o, n) in the seen table, added when missing; NULL on oom. */
static struct seen *seen_get(struct walk *w, const json_t *o, const json_t *n)
{
	size_t i;

	if (2 * (w->seen_count + 1) > w->seen_cap) {
		size_t cap = w->seen_cap ? w->seen_cap * 2 : 256;
		struct seen *t = calloc(cap, sizeof(*t));

		if (!t) {
			w->oom = 1;
			return NULL;
		}
		for (size_t k = 0; k < w->seen_cap; k++) {
			if (!w->seen[k].o)
				continue;
			for (i = pair_hash(w->seen[k].o, w->seen[k].n, cap); t[i].o;
			     i = (i + 1) % cap)
				;
			t[i] = w->seen[k];
		}
		free(w->seen);
		w->seen = t;
		w->seen_cap = cap;
	}
	for (i = pair_hash(o, n, w->seen_cap); w->seen[i].o; i = (i + 1) % w->seen_cap)
		if (w->seen[i].o == o && w->seen[i].n == n)
			return &w->seen[i];
	w->seen[i].o = o;
	w->seen[i].n = n;
	w->seen_count++;
	return &w->seen[i];
}

/* ---- types ---- */

static unsigned type_bit(const char *t)
{
	static const struct {
		const char *name;
		unsigned bits;
	} names[] = {
		{"null", T_NULL},     {"boolean", T_BOOLEAN}, {"object", T_OBJECT},
		{"array", T_ARRAY},   {"string", T_STRING},   {"integer", T_INTEGER},
		{"number", T_NUMBER},
	};

	for (size_t i = 0; i < NELEM(names); i++)
		if (strcmp(t, names[i].name) == 0)
			return names[i].bits;
	return 0;
}

static unsigned type_set(const json_t *s)
{
	json_t *t = json_object_get(s, "type");
	unsigned bits = 0;

	if (json_is_string(t))
		return type_bit(json_string_value(t));
	if (!json_is_array(t))
		return T_ALL;
	for (size_t i = 0; i < json_array_size(t); i++)
		if (json_is_string(json_array_get(t, i)))
			bits |= type_bit(json_string_value(json_array_get(t, i)));
	return bits;
}

/* "integer", "number", "[string, null]", "any" */
static void type_name(unsigned bits, char *buf, size_t size)
{
	static const struct {
		unsigned bits;
		const char *name;
	} parts[] = {
		{T_NUMBER, "number"}, {T_INTEGER, "integer"}, {T_FRACTION, "non-integral number"},
		{T_STRING, "string"}, {T_OBJECT, "object"},   {T_ARRAY, "array"},
		{T_BOOLEAN, "boolean"}, {T_NULL, "null"},
	};
	size_t len = 0;
	int count = 0;

	if (bits == T_ALL) {
		snprintf(buf, size, "any");
		return;
	}
	buf[0] = '\0';
	for (size_t i = 0; i < NELEM(parts); i++) {
		if ((bits & parts[i].bits) != parts[i].bits)
			continue;
		bits &= ~parts[i].bits;
		if (len < size)
			len += (size_t)snprintf(buf + len, size - len, "%s%s", count ? ", " : "",
						 parts[i].name);
		count++;
	}
	if (count > 1 && len + 2 < size) {
		memmove(buf + 1, buf, len + 1);
		buf[0] = '[';
		buf[len + 1] = ']';
		buf[len + 2] = '\0';
	}
	if (!count)
		snprintf(buf, size, "nothing");
}

static void compare_types(struct walk *w, unsigned to, unsigned tn, const json_t *o,
			  const char *op, const json_t *n, const char *np, const char *subj)
{
	char a[96], b[96], *po, *pn;
	enum rule_id id;
	const char *verb;

	if (to == tn)
		return;
	if (!(to & ~tn)) {
		id = R_TYPE_WIDENED;
		verb = "widened";
	} else if (!(tn & ~to)) {
		id = R_TYPE_NARROWED;
		verb = "narrowed";
	} else {
		id = R_TYPE_CHANGED;
		verb = "changed";
	}
	type_name(to, a, sizeof(a));
	type_name(tn, b, sizeof(b));
	po = kw_ptr(w, o, op, "type");
	pn = kw_ptr(w, n, np, "type");
	emit(w, id, po, pn, subj, "type of {} %s from %s to %s", verb, a, b);
	free(po);
	free(pn);
}

/* ---- enum and const ---- */

static void value_change(struct walk *w, enum rule_id id, const json_t *o, const char *op,
			 const char *okey, const json_t *n, const char *np, const char *nkey,
			 const char *subj, const char *before, const json_t *v, const char *after)
{
	char *po = kw_ptr(w, o, op, okey), *pn = kw_ptr(w, n, np, nkey);
	char *t = v ? value_text(w, v) : NULL;

	emit(w, id, po, pn, subj, "%s%s%s", before, t ? t : "", after);
	free(t);
	free(po);
	free(pn);
}

static void compare_values(struct walk *w, const json_t *o, const char *op, const json_t *n,
			   const char *np, const char *subj)
{
	json_t *oc = json_object_get(o, "const"), *nc = json_object_get(n, "const");
	json_t *oe = json_object_get(o, "enum"), *ne = json_object_get(n, "enum");
	const char *okey = oc ? "const" : "enum", *nkey = nc ? "const" : "enum";
	json_t *os, *ns;

	if (!json_is_array(oe))
		oe = NULL;
	if (!json_is_array(ne))
		ne = NULL;
	if (!oc && !oe && !nc && !ne)
		return;
	if (!oc && !oe) {
		if (nc)
			value_change(w, R_CONST_ADDED, o, op, "const", n, np, "const", subj,
				     "const ", nc, " added to {}");
		else
			value_change(w, R_ENUM_ADDED, o, op, "enum", n, np, "enum", subj,
				     "enum added to {}", NULL, "");
		return;
	}
	if (!nc && !ne) {
		if (oc)
			value_change(w, R_CONST_REMOVED, o, op, "const", n, np, "const", subj,
				     "const ", oc, " removed from {}");
		else
			value_change(w, R_ENUM_REMOVED, o, op, "enum", n, np, "enum", subj,
				     "enum removed from {}", NULL, "");
		return;
	}
	if (oc && nc && !oe && !ne) {
		if (!value_equal(oc, nc, 0)) {
			char *a = value_text(w, oc);

			if (a) {
				char *po = jp(w, op, "const"), *pn = jp(w, np, "const");
				char *b = value_text(w, nc);

				if (b)
					emit(w, R_CONST_CHANGED, po, pn, subj,
					     "const of {} changed from %s to %s", a, b);
				free(b);
				free(po);
				free(pn);
			}
			free(a);
		}
		return;
	}
	/* Sets of values; a const is the set of its one value. */
	os = oc ? json_pack("[O]", oc) : json_incref(oe);
	ns = nc ? json_pack("[O]", nc) : json_incref(ne);
	if (!os || !ns) {
		w->oom = 1;
	} else {
		for (size_t i = 0; i < json_array_size(os); i++)
			if (!in_array(ns, json_array_get(os, i)))
				value_change(w, R_ENUM_VALUE_REMOVED, o, op, okey, n, np, nkey,
					     subj, "value ", json_array_get(os, i),
					     " removed from the values of {}");
		for (size_t i = 0; i < json_array_size(ns); i++)
			if (!in_array(os, json_array_get(ns, i)))
				value_change(w, R_ENUM_VALUE_ADDED, o, op, okey, n, np, nkey, subj,
					     "value ", json_array_get(ns, i),
					     " added to the values of {}");
	}
	json_decref(os);
	json_decref(ns);
}

/* ---- bounds ---- */

struct bound {
	int present, exclusive;
	double v;
};

/* The tighter of the inclusive and the exclusive keyword (draft-06+ numeric forms). */
static struct bound bound_get(const json_t *s, const char *incl, const char *excl, int lower)
{
	struct bound b = {0, 0, 0};
	json_t *i = json_object_get(s, incl), *e = json_object_get(s, excl);

	if (json_is_number(i)) {
		b.present = 1;
		b.v = json_number_value(i);
	}
	if (json_is_number(e)) {
		double v = json_number_value(e);

		if (!b.present || (lower ? v >= b.v : v <= b.v)) {
			b.present = 1;
			b.exclusive = 1;
			b.v = v;
		}
	}
	return b;
}

/* >0 when b admits fewer values than a on that side, <0 when more, 0 when the same. */
static int bound_cmp(struct bound a, struct bound b, int lower)
{
	if (!a.present && !b.present)
		return 0;
	if (!a.present)
		return 1;
	if (!b.present)
		return -1;
	if (a.v != b.v)
		return (lower ? b.v > a.v : b.v < a.v) ? 1 : -1;
	return b.exclusive - a.exclusive;
}

static void bound_text(struct bound b, const char *excl_word, char *buf, size_t size)
{
	if (!b.present)
		snprintf(buf, size, "none");
	else
		snprintf(buf, size, "%s%.17g", b.exclusive ? excl_word : "", b.v);
}

static void compare_range(struct walk *w, const json_t *o, const char *op, const json_t *n,
			  const char *np, const char *subj, int lower)
{
	const char *incl = lower ? "minimum" : "maximum";
	const char *excl = lower ? "exclusiveMinimum" : "exclusiveMaximum";
	struct bound a = bound_get(o, incl, excl, lower), b = bound_get(n, incl, excl, lower);
	int c = bound_cmp(a, b, lower);
	char ta[48], tb[48], *po, *pn;
	enum rule_id id;

	if (!c)
		return;
	bound_text(a, lower ? ">" : "<", ta, sizeof(ta));
	bound_text(b, lower ? ">" : "<", tb, sizeof(tb));
	if (lower)
		id = c > 0 ? R_MINIMUM_INCREASED : R_MINIMUM_DECREASED;
	else
		id = c > 0 ? R_MAXIMUM_DECREASED : R_MAXIMUM_INCREASED;
	po = kw_ptr(w, o, op, a.exclusive ? excl : incl);
	pn = kw_ptr(w, n, np, b.exclusive ? excl : incl);
	if (!a.present)
		emit(w, id, po, pn, subj, "%s of {} set to %s", incl, tb);
	else if (!b.present)
		emit(w, id, po, pn, subj, "%s of {} removed, was %s", incl, ta);
	else
		emit(w, id, po, pn, subj, "%s of {} %s from %s to %s", incl,
		     (c > 0) == lower ? "raised" : "lowered", ta, tb);
	free(po);
	free(pn);
}

/* minLength/maxLength, minItems/maxItems, minProperties/maxProperties: counts. */
static void compare_count(struct walk *w, const json_t *o, const char *op, const json_t *n,
			  const char *np, const char *subj, const char *key, int lower,
			  enum rule_id narrowed, enum rule_id widened)
{
	json_t *a = json_object_get(o, key), *b = json_object_get(n, key);
	double va, vb;
	char ta[32], tb[32], *po, *pn;
	int has_a = json_is_number(a), has_b = json_is_number(b), tighter;

	/* absent: 0 for a lower bound, unbounded for an upper one */
	va = has_a ? json_number_value(a) : 0;
	vb = has_b ? json_number_value(b) : 0;
	if (lower ? va == vb : (has_a == has_b && (!has_a || va == vb)))
		return;
	tighter = lower ? vb > va : (!has_a || (has_b && vb < va));
	snprintf(ta, sizeof(ta), "%.17g", va);
	snprintf(tb, sizeof(tb), "%.17g", vb);
	po = kw_ptr(w, o, op, key);
	pn = kw_ptr(w, n, np, key);
	if (!has_a)
		emit(w, tighter ? narrowed : widened, po, pn, subj, "%s of {} set to %s", key, tb);
	else if (!has_b)
		emit(w, tighter ? narrowed : widened, po, pn, subj, "%s of {} removed, was %s", key,
		     ta);
	else
		emit(w, tighter ? narrowed : widened, po, pn, subj, "%s of {} %s from %s to %s",
		     key, vb > va ? "raised" : "lowered", ta, tb);
	free(po);
	free(pn);
}

static int divides(double d, double x)
{
	double q;

	if (d <= 0 || x <= 0)
		return 0;
	q = x / d;
	return q < 9e15 && fabs(q - floor(q + 0.5)) < 1e-9;
}

static void compare_multiple(struct walk *w, const json_t *o, const char *op, const json_t *n,
			     const char *np, const char *subj)
{
	json_t *a = json_object_get(o, "multipleOf"), *b = json_object_get(n, "multipleOf");
	char *po, *pn;
	double va, vb;

	if (!json_is_number(a))
		a = NULL;
	if (!json_is_number(b))
		b = NULL;
	if (!a && !b)
		return;
	po = kw_ptr(w, o, op, "multipleOf");
	pn = kw_ptr(w, n, np, "multipleOf");
	va = a ? json_number_value(a) : 0;
	vb = b ? json_number_value(b) : 0;
	if (!a)
		emit(w, R_MULTIPLE_OF_NARROWED, po, pn, subj, "multipleOf %.17g added to {}", vb);
	else if (!b)
		emit(w, R_MULTIPLE_OF_WIDENED, po, pn, subj, "multipleOf %.17g removed from {}",
		     va);
	else if (va == vb)
		;
	else if (divides(va, vb))
		emit(w, R_MULTIPLE_OF_NARROWED, po, pn, subj,
		     "multipleOf of {} changed from %.17g to its multiple %.17g", va, vb);
	else if (divides(vb, va))
		emit(w, R_MULTIPLE_OF_WIDENED, po, pn, subj,
		     "multipleOf of {} changed from %.17g to its divisor %.17g", va, vb);
	else
		emit(w, R_MULTIPLE_OF_CHANGED, po, pn, subj,
		     "multipleOf of {} changed from %.17g to %.17g", va, vb);
	free(po);
	free(pn);
}

static void compare_pattern(struct walk *w, const json_t *o, const char *op, const json_t *n,
			    const char *np, const char *subj)
{
	json_t *a = json_object_get(o, "pattern"), *b = json_object_get(n, "pattern");
	char *po, *pn;

	if (!json_is_string(a))
		a = NULL;
	if (!json_is_string(b))
		b = NULL;
	if (!a && !b)
		return;
	if (a && b && strcmp(json_string_value(a), json_string_value(b)) == 0)
		return;
	po = kw_ptr(w, o, op, "pattern");
	pn = kw_ptr(w, n, np, "pattern");
	if (!a)
		emit(w, R_PATTERN_ADDED, po, pn, subj, "pattern '%s' added to {}",
		     json_string_value(b));
	else if (!b)
		emit(w, R_PATTERN_REMOVED, po, pn, subj, "pattern '%s' removed from {}",
		     json_string_value(a));
	else
		emit(w, R_PATTERN_CHANGED, po, pn, subj,
		     "pattern of {} changed from '%s' to '%s' (the patterns differ)",
		     json_string_value(a), json_string_value(b));
	free(po);
	free(pn);
}

static void compare_annotations(struct walk *w, const json_t *o, const char *op,
				const json_t *n, const char *np, const char *subj)
{
	for (size_t i = 0; i < NELEM(annotations); i++) {
		const char *k = annotations[i];
		json_t *a = json_object_get(o, k), *b = json_object_get(n, k);
		char *po, *pn;

		if (!strcmp(k, "$comment") || (!a && !b) || (a && b && value_equal(a, b, 0)))
			continue;
		po = a ? jp(w, op, k) : kw_ptr(w, o, op, k);
		pn = b ? jp(w, np, k) : kw_ptr(w, n, np, k);
		emit(w, R_ANNOTATION_CHANGED, po, pn, subj, "%s of {} %s", k,
		     !a ? "added" : !b ? "removed" : "changed");
		free(po);
		free(pn);
	}
}

/* ---- subschemas ---- */

/* Compares o[okey] with n[nkey] (absent: true), at the keyword's pointers. */
static void compare_sub(struct walk *w, const json_t *o, const char *op, const char *okey,
			const json_t *n, const char *np, const char *nkey, const char *subj,
			enum slot slot)
{
	json_t *a = json_object_get(o, okey), *b = json_object_get(n, nkey);
	char *po = a ? jp(w, op, okey) : NULL, *pn = b ? jp(w, np, nkey) : NULL;

	if (!w->oom)
		compare(w, a ? a : w->empty, po, b ? b : w->empty, pn, subj, slot);
	free(po);
	free(pn);
}

/* Whether a property name matches a patternProperties regex (our own validator's dialect). */
static int name_matches(struct walk *w, const char *pattern, const char *name)
{
	json_t *schema = json_pack("{ss}", "pattern", pattern), *inst = json_string(name);
	struct dw_findings f;
	int rc = DW_NOMEM;

	if (schema && inst) {
		dw_findings_init(&f);
		rc = jsonschema_validate(schema, "", inst, "", &f);
		dw_findings_release(&f);
	}
	json_decref(schema);
	json_decref(inst);
	if (rc == DW_NOMEM)
		w->oom = 1;
	return rc == 0;
}

/*
 * A property (or property pattern) declared on one side only. other is the schema the other
 * side applies to that name: its matching patternProperties when there are some, else its
 * additionalProperties. added says which side declares it.
 */
static void property_one_side(struct walk *w, const char *what, const char *name,
			      const json_t *decl, const char *dp, const json_t *other_obj,
			      const char *other_p, const char *csubj, int added)
{
	json_t *pats = json_object_get(other_obj, "patternProperties");
	json_t *ap = json_object_get(other_obj, "additionalProperties");
	const char *k;
	json_t *v;
	int matched = 0;

	if (json_is_object(pats) && strcmp(what, "property") == 0) {
		json_object_foreach(pats, k, v) {
			char *pp, *pq;

			if (!name_matches(w, k, name))
				continue;
			matched = 1;
			pp = jp(w, other_p, "patternProperties");
			pq = jp(w, pp, k);
			if (added)
				compare(w, v, pq, decl, dp, csubj, SLOT_SCHEMA);
			else
				compare(w, decl, dp, v, pq, csubj, SLOT_SCHEMA);
			free(pp);
			free(pq);
		}
	}
	if (matched)
		return;
	if (ap && !json_is_boolean(ap) && !is_trivial(ap)) {
		char *pa = jp(w, other_p, "additionalProperties");

		if (added)
			compare(w, ap, pa, decl, dp, csubj, SLOT_SCHEMA);
		else
			compare(w, decl, dp, ap, pa, csubj, SLOT_SCHEMA);
		free(pa);
		return;
	}
	if (is_false(ap)) {
		if (is_false(decl))
			emit(w, R_PROPERTY_DECLARED, added ? other_p : dp, added ? dp : other_p,
			     csubj, "%s {} %s as false in a closed model", what,
			     added ? "declared" : "undeclared");
		else if (added)
			emit(w, R_PROPERTY_ADDED_TO_CLOSED_MODEL, NULL, dp, csubj,
			     "%s {} added to a closed content model", what);
		else
			emit(w, R_PROPERTY_REMOVED_FROM_CLOSED_MODEL, dp, NULL, csubj,
			     "%s {} removed from a closed content model", what);
		return;
	}
	if (is_trivial(decl))
		emit(w, R_PROPERTY_DECLARED, added ? NULL : dp, added ? dp : NULL, csubj,
		     "unconstrained %s {} %s", what, added ? "declared" : "undeclared");
	else if (added)
		emit(w, R_PROPERTY_ADDED_TO_OPEN_MODEL, NULL, dp, csubj,
		     "%s {} added to an open content model", what);
	else
		emit(w, R_PROPERTY_REMOVED_FROM_OPEN_MODEL, dp, NULL, csubj,
		     "%s {} removed from an open content model", what);
}

/* properties or patternProperties: every name in either side. */
static void compare_property_map(struct walk *w, const json_t *o, const char *op,
				 const json_t *n, const char *np, const char *subj,
				 const char *key)
{
	json_t *om = json_object_get(o, key), *nm = json_object_get(n, key);
	const char *what = strcmp(key, "properties") == 0 ? "property" : "property pattern";
	char *opk = jp(w, op, key), *npk = jp(w, np, key);
	const char *k;
	json_t *v;

	if (!json_is_object(om))
		om = NULL;
	if (!json_is_object(nm))
		nm = NULL;
	json_object_foreach(om, k, v) {
		json_t *nv = nm ? json_object_get(nm, k) : NULL;
		char *po = jp(w, opk, k), *pn = nv ? jp(w, npk, k) : NULL;
		char *cs = subj_child(w, subj, k);

		if (cs && !w->oom) {
			if (nv)
				compare(w, v, po, nv, pn, cs, SLOT_SCHEMA);
			else
				property_one_side(w, what, k, v, po, n, np, cs, 0);
		}
		free(cs);
		free(po);
		free(pn);
	}
	json_object_foreach(nm, k, v) {
		char *pn, *cs;

		if (om && json_object_get(om, k))
			continue;
		pn = jp(w, npk, k);
		cs = subj_child(w, subj, k);
		if (cs && !w->oom)
			property_one_side(w, what, k, v, pn, o, op, cs, 1);
		free(cs);
		free(pn);
	}
	free(opk);
	free(npk);
}

/* Whether properties[name] of s (followed through a local $ref) declares a default. */
static int has_default(struct walk *w, const json_t *root, const json_t *s, const char *name)
{
	const json_t *ps = json_object_get(json_object_get(s, "properties"), name);
	json_t *ref = json_object_get(ps, "$ref");
	char *ptr = NULL;

	if (json_object_get(ps, "default"))
		return 1;
	if (json_is_string(ref))
		ps = resolve(w, root, json_string_value(ref), &ptr);
	free(ptr);
	return json_object_get(ps, "default") != NULL;
}

/*
 * required: set semantics, except that a property with a default is taken as present, as
 * Confluent's check does (REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED is among its compatible changes;
 * FORWARD runs the same check with the schemas swapped, hence the removed mirror).
 */
static void compare_required(struct walk *w, const json_t *o, const char *op, const json_t *n,
                             const char *np, const char *subj)
{
	json_t *a = json_object_get(o, "required"), *b = json_object_get(n, "required");
	char *po = kw_ptr(w, o, op, "required"), *pn = kw_ptr(w, n, np, "required");

	for (size_t i = 0; i < json_array_size(a); i++) {
		json_t *v = json_array_get(a, i);
		char *cs;

		if (!json_is_string(v) || in_array(b, v))
			continue;
		cs = subj_child(w, subj, json_string_value(v));
		if (cs && has_default(w, w->old_root, o, json_string_value(v)))
			emit(w, R_REQUIRED_WITH_DEFAULT_REMOVED, po, pn, cs,
			     "property {} is no longer required (it has a default)");
		else if (cs)
			emit(w, R_REQUIRED_REMOVED, po, pn, cs,
			     "property {} is no longer required");
		free(cs);
	}
	for (size_t i = 0; i < json_array_size(b); i++) {
		json_t *v = json_array_get(b, i);
		char *cs;

		if (!json_is_string(v) || in_array(a, v))
			continue;
		cs = subj_child(w, subj, json_string_value(v));
		if (cs && has_default(w, w->new_root, n, json_string_value(v)))
			emit(w, R_REQUIRED_WITH_DEFAULT_ADDED, po, pn, cs,
			     "property {} became required (it has a default)");
		else if (cs)
			emit(w, R_REQUIRED_ADDED, po, pn, cs, "property {} became required");
		free(cs);
	}
	free(po);
	free(pn);
}

/* dependentRequired[name] or draft-07 dependencies[name] as an array; its pointer too. */
static json_t *dep_list(struct walk *w, const json_t *s, const char *sp, const char *name,
			char **ptr)
{
	static const char *const keys[] = {"dependentRequired", "dependencies"};

	*ptr = NULL;
	for (size_t i = 0; i < NELEM(keys); i++) {
		json_t *l = json_object_get(json_object_get(s, keys[i]), name);

		if (json_is_array(l)) {
			char *kp = jp(w, sp, keys[i]);

			*ptr = jp(w, kp, name);
			free(kp);
			return l;
		}
	}
	return NULL;
}

static json_t *dep_schema(struct walk *w, const json_t *s, const char *sp, const char *name,
			  char **ptr)
{
	static const char *const keys[] = {"dependentSchemas", "dependencies"};

	*ptr = NULL;
	for (size_t i = 0; i < NELEM(keys); i++) {
		json_t *l = json_object_get(json_object_get(s, keys[i]), name);

		if (json_is_object(l) || json_is_boolean(l)) {
			char *kp = jp(w, sp, keys[i]);

			*ptr = jp(w, kp, name);
			free(kp);
			return l;
		}
	}
	return NULL;
}

/* Every name either side's dependentRequired/dependentSchemas/dependencies mentions. */
static void compare_dependencies(struct walk *w, const json_t *o, const char *op,
				 const json_t *n, const char *np, const char *subj)
{
	static const char *const keys[] = {"dependentRequired", "dependentSchemas", "dependencies"};
	json_t *names = json_object();
	const char *k;
	json_t *v;

	if (!names) {
		w->oom = 1;
		return;
	}
	for (size_t i = 0; i < NELEM(keys); i++) {
		json_object_foreach(json_object_get(o, keys[i]), k, v)
			json_object_set(names, k, json_true());
		json_object_foreach(json_object_get(n, keys[i]), k, v)
			json_object_set(names, k, json_true());
	}
	json_object_foreach(names, k, v) {
		char *pa, *pb, *cs = subj_child(w, subj, k);
		json_t *a = dep_list(w, o, op, k, &pa), *b = dep_list(w, n, np, k, &pb);

		for (size_t i = 0; cs && i < json_array_size(a); i++)
			if (json_is_string(json_array_get(a, i)) &&
			    !in_array(b, json_array_get(a, i)))
				emit(w, R_DEPENDENT_REQUIRED_REMOVED, pa, pb, cs,
				     "{} no longer requires '%s'",
				     json_string_value(json_array_get(a, i)));
		for (size_t i = 0; cs && i < json_array_size(b); i++)
			if (json_is_string(json_array_get(b, i)) &&
			    !in_array(a, json_array_get(b, i)))
				emit(w, R_DEPENDENT_REQUIRED_ADDED, pa, pb, cs,
				     "{} now requires '%s'",
				     json_string_value(json_array_get(b, i)));
		free(pa);
		free(pb);
		a = dep_schema(w, o, op, k, &pa);
		b = dep_schema(w, n, np, k, &pb);
		if (cs && (a || b) && !w->oom)
			compare(w, a ? a : w->empty, pa, b ? b : w->empty, pb, subj, SLOT_SCHEMA);
		free(pa);
		free(pb);
		free(cs);
	}
	json_decref(names);
}

static void compare_object(struct walk *w, const json_t *o, const char *op, const json_t *n,
			   const char *np, const char *subj)
{
	char *cs;

	compare_property_map(w, o, op, n, np, subj, "properties");
	compare_property_map(w, o, op, n, np, subj, "patternProperties");
	if ((cs = strf(w, "%s%s*", subj, *subj ? "." : ""))) {
		compare_sub(w, o, op, "additionalProperties", n, np, "additionalProperties", cs,
			    SLOT_ADDITIONAL_PROPERTIES);
		compare_sub(w, o, op, "unevaluatedProperties", n, np, "unevaluatedProperties",
			    cs, SLOT_ADDITIONAL_PROPERTIES);
	}
	free(cs);
	compare_sub(w, o, op, "propertyNames", n, np, "propertyNames", subj, SLOT_SCHEMA);
	compare_required(w, o, op, n, np, subj);
	compare_count(w, o, op, n, np, subj, "minProperties", 1, R_MIN_PROPERTIES_INCREASED,
		      R_MIN_PROPERTIES_DECREASED);
	compare_count(w, o, op, n, np, subj, "maxProperties", 0, R_MAX_PROPERTIES_DECREASED,
		      R_MAX_PROPERTIES_INCREASED);
	compare_dependencies(w, o, op, n, np, subj);
}

/* An array schema as a tuple prefix plus the schema for the rest (NULL: true). */
struct tuple {
	json_t *prefix;
	const char *prefix_key;
	json_t *rest;
	const char *rest_key;
};

static struct tuple tuple_get(const json_t *s)
{
	struct tuple t = {NULL, NULL, NULL, NULL};
	json_t *pi = json_object_get(s, "prefixItems"), *it = json_object_get(s, "items");

	if (json_is_array(pi)) {
		t.prefix = pi;
		t.prefix_key = "prefixItems";
		t.rest = it;
		t.rest_key = "items";
	} else if (json_is_array(it)) {
		t.prefix = it;
		t.prefix_key = "items";
		t.rest = json_object_get(s, "additionalItems");
		t.rest_key = "additionalItems";
	} else {
		t.rest = it;
		t.rest_key = "items";
	}
	if (t.rest && !json_is_object(t.rest) && !json_is_boolean(t.rest))
		t.rest = NULL;
	return t;
}

static void compare_items(struct walk *w, const json_t *o, const char *op, const json_t *n,
			  const char *np, const char *subj)
{
	struct tuple a = tuple_get(o), b = tuple_get(n);
	size_t la = json_array_size(a.prefix), lb = json_array_size(b.prefix);
	char *opp = a.prefix ? jp(w, op, a.prefix_key) : NULL;
	char *npp = b.prefix ? jp(w, np, b.prefix_key) : NULL;
	char *opr = a.rest ? jp(w, op, a.rest_key) : NULL;
	char *npr = b.rest ? jp(w, np, b.rest_key) : NULL;
	char *cs;

	for (size_t i = 0; i < (la > lb ? la : lb) && !w->oom; i++) {
		const json_t *x = i < la ? json_array_get(a.prefix, i) : a.rest;
		const json_t *y = i < lb ? json_array_get(b.prefix, i) : b.rest;
		char *px = i < la ? jpi(w, opp, i) : NULL, *py = i < lb ? jpi(w, npp, i) : NULL;

		if (i >= la && opr && !(px = strdup(opr)))
			w->oom = 1;
		if (i >= lb && npr && !(py = strdup(npr)))
			w->oom = 1;
		if ((cs = subj_item(w, subj, (long)i)) && !w->oom)
			compare(w, x ? x : w->empty, px, y ? y : w->empty, py, cs, SLOT_SCHEMA);
		free(cs);
		free(px);
		free(py);
	}
	if ((cs = subj_item(w, subj, -1)) && !w->oom)
		compare(w, a.rest ? a.rest : w->empty, opr, b.rest ? b.rest : w->empty, npr, cs,
			(la || lb) ? SLOT_ADDITIONAL_ITEMS : SLOT_SCHEMA);
	free(cs);
	free(opp);
	free(npp);
	free(opr);
	free(npr);
}

static void compare_array(struct walk *w, const json_t *o, const char *op, const json_t *n,
			  const char *np, const char *subj)
{
	json_t *ca = json_object_get(o, "contains"), *cb = json_object_get(n, "contains");
	int ua = json_is_true(json_object_get(o, "uniqueItems"));
	int ub = json_is_true(json_object_get(n, "uniqueItems"));
	char *po, *pn, *cs;

	compare_items(w, o, op, n, np, subj);
	compare_count(w, o, op, n, np, subj, "minItems", 1, R_MIN_ITEMS_INCREASED,
		      R_MIN_ITEMS_DECREASED);
	compare_count(w, o, op, n, np, subj, "maxItems", 0, R_MAX_ITEMS_DECREASED,
		      R_MAX_ITEMS_INCREASED);
	if (ua != ub) {
		po = kw_ptr(w, o, op, "uniqueItems");
		pn = kw_ptr(w, n, np, "uniqueItems");
		emit(w, ub ? R_UNIQUE_ITEMS_ADDED : R_UNIQUE_ITEMS_REMOVED, po, pn, subj,
		     ub ? "items of {} must now be unique" : "items of {} may now repeat");
		free(po);
		free(pn);
	}
	if (!ca && !cb)
		return;
	po = kw_ptr(w, o, op, "contains");
	pn = kw_ptr(w, n, np, "contains");
	if (!ca) {
		emit(w, R_CONTAINS_ADDED, po, pn, subj, "contains added to {}");
	} else if (!cb) {
		emit(w, R_CONTAINS_REMOVED, po, pn, subj, "contains removed from {}");
	} else {
		cs = subj_item(w, subj, -1);
		if (cs)
			compare(w, ca, po, cb, pn, cs, SLOT_SCHEMA);
		free(cs);
	}
	free(po);
	free(pn);
}

/* ---- combinators ---- */

/*
 * Compares o with n into a list of their own (initialised here, released by the caller or by
 * adopt) and returns the directions its changes break: a trial pairing of two branches.
 */
static unsigned trial(struct walk *w, const json_t *o, const char *op, const json_t *n,
                      const char *np, const char *subj, struct dw_changes *into)
{
	struct dw_changes *saved = w->out;
	unsigned mask = 0;

	dw_changes_init(into);
	w->out = into;
	compare(w, o, op, n, np, subj, SLOT_SCHEMA);
	w->out = saved;
	if (into->oom)
		w->oom = 1;
	for (size_t i = 0; i < into->count; i++)
		mask |= into->items[i].rule->breaks;
	return mask;
}

/* Moves the changes of a trial that was kept into the output, and releases the trial. */
static void adopt(struct walk *w, struct dw_changes *from)
{
	for (size_t i = 0; i < from->count && !w->oom; i++) {
		const struct dw_change *c = &from->items[i];

		if (!dw_changes_add(w->out, c->rule, c->old_pointer, c->new_pointer, c->subject,
		                    "%s", c->message))
			w->oom = 1;
	}
	dw_changes_release(from);
}

static int is_sum(const char *key)
{
	return strcmp(key, "allOf") != 0;
}

static enum rule_id branch_rule(const char *key, int added)
{
	if (strcmp(key, "anyOf") == 0)
		return added ? R_ANY_OF_BRANCH_ADDED : R_ANY_OF_BRANCH_REMOVED;
	if (strcmp(key, "oneOf") == 0)
		return added ? R_ONE_OF_BRANCH_ADDED : R_ONE_OF_BRANCH_REMOVED;
	return added ? R_ALL_OF_BRANCH_ADDED : R_ALL_OF_BRANCH_REMOVED;
}

/*
 * Branches of old okey and new nkey (the same keyword, or a combinator that changed). Identical
 * branches pair up wherever they sit; the rest are compared positionally when as many remain on
 * both sides. Otherwise a remaining old branch pairs with a remaining new one whose comparison
 * breaks no more than the branches added or removed already do (Confluent pairs the branches
 * that stay compatible, CombinedSchemaDiff's maximum matching); what is left is reported as
 * removed / added under nkey's rules.
 */
static void compare_branches(struct walk *w, const json_t *o, const char *op, const char *okey,
                             const json_t *n, const char *np, const char *nkey, const char *subj)
{
	json_t *a = json_object_get(o, okey), *b = json_object_get(n, nkey);
	size_t la = json_array_size(a), lb = json_array_size(b), ra = 0, rb = 0, j = 0;
	char *opk = jp(w, op, okey), *npk = jp(w, np, nkey);
	unsigned char *ma = calloc(la + 1, 1), *mb = calloc(lb + 1, 1);
	unsigned forbid;

	if (!ma || !mb) {
		w->oom = 1;
		goto out;
	}
	for (size_t i = 0; i < la; i++)
		for (size_t k = 0; k < lb; k++)
			if (!mb[k] && value_equal(json_array_get(a, i), json_array_get(b, k), 0)) {
				ma[i] = mb[k] = 1;
				break;
			}
	for (size_t i = 0; i < la; i++)
		ra += !ma[i];
	for (size_t k = 0; k < lb; k++)
		rb += !mb[k];
	if (ra == rb) {
		for (size_t i = 0; i < la && !w->oom; i++) {
			char *px, *py;

			if (ma[i])
				continue;
			while (mb[j])
				j++;
			px = jpi(w, opk, i);
			py = jpi(w, npk, j);
			compare(w, json_array_get(a, i), px, json_array_get(b, j), py, subj,
			        SLOT_SCHEMA);
			free(px);
			free(py);
			j++;
		}
		goto out;
	}
	/* branches added to a sum (or removed from allOf) already break FORWARD: a pairing may
	 * only widen; the other way round it may only narrow */
	forbid = (rb > ra) == is_sum(nkey) ? DW_BREAKS_BACKWARD : DW_BREAKS_FORWARD;
	for (size_t i = 0; i < la && !w->oom; i++) {
		for (size_t k = 0; !ma[i] && k < lb && !w->oom; k++) {
			struct dw_changes t;
			char *px, *py;
			unsigned mask;

			if (mb[k])
				continue;
			px = jpi(w, opk, i);
			py = jpi(w, npk, k);
			mask =
			    trial(w, json_array_get(a, i), px, json_array_get(b, k), py, subj, &t);
			free(px);
			free(py);
			if (mask & forbid) {
				dw_changes_release(&t);
				continue;
			}
			adopt(w, &t);
			ma[i] = mb[k] = 1;
		}
	}
	for (size_t i = 0; i < la; i++) {
		char *px;

		if (ma[i])
			continue;
		px = jpi(w, opk, i);
		emit(w, branch_rule(nkey, 0), px, npk, subj, "%s branch %zu of {} removed", okey,
		     i);
		free(px);
	}
	for (size_t k = 0; k < lb; k++) {
		char *py;

		if (mb[k])
			continue;
		py = jpi(w, npk, k);
		emit(w, branch_rule(nkey, 1), opk, py, subj, "%s branch %zu of {} added", nkey, k);
		free(py);
	}
out:
	free(ma);
	free(mb);
	free(opk);
	free(npk);
}

static const char *const combinators[] = {"allOf", "anyOf", "oneOf"};

static int has_combinator(const json_t *s)
{
	for (size_t i = 0; i < NELEM(combinators); i++)
		if (json_is_array(json_object_get(s, combinators[i])))
			return 1;
	return 0;
}

/* The combinator keyword s consists of, annotations aside; NULL when it holds anything else. */
static const char *sole_combinator(const json_t *s)
{
	const char *found = NULL, *k;
	json_t *v;

	if (!json_is_object(s))
		return NULL;
	json_object_foreach((json_t *)s, k, v)
	{
		if (is_passive(k))
			continue;
		if (found || !in_list(k, combinators, NELEM(combinators)) || !json_is_array(v) ||
		    json_array_size(v) == 0)
			return NULL;
		found = k;
	}
	return found;
}

/*
 * A schema that became a combinator of branches, or the reverse (Confluent's special cases of
 * SchemaDiff): a one-branch allOf/anyOf/oneOf is its branch; a new anyOf/oneOf with a branch
 * accepting every value the old schema accepted only adds its other branches (SUM_TYPE_EXTENDED),
 * and an old anyOf/oneOf with a branch accepting every value the new schema accepts only loses
 * its other branches. Returns 1 when the pair was compared so, 0 to compare keyword by keyword.
 */
static int compare_sum_change(struct walk *w, const json_t *o, const char *op, const json_t *n,
                              const char *np, const char *subj)
{
	const char *ko = sole_combinator(o), *kn = sole_combinator(n), *key;
	const json_t *br;
	char *kp;
	int added, done = 0;
	size_t cnt;

	if (ko && kn && json_array_size(json_object_get(o, ko)) == 1 &&
	    json_array_size(json_object_get(n, kn)) == 1) {
		char *pa = jp(w, op, ko), *pb = jp(w, np, kn), *pa0 = jpi(w, pa, 0),
		     *pb0 = jpi(w, pb, 0);

		if (!w->oom)
			compare(w, json_array_get(json_object_get(o, ko), 0), pa0,
			        json_array_get(json_object_get(n, kn), 0), pb0, subj, SLOT_SCHEMA);
		free(pa);
		free(pb);
		free(pa0);
		free(pb0);
		return 1;
	}
	if (ko && !has_combinator(n))
		added = 0, key = ko;
	else if (kn && !has_combinator(o))
		added = 1, key = kn;
	else
		return 0;
	br = json_object_get(added ? n : o, key);
	cnt = json_array_size(br);
	if (cnt > 1 && !is_sum(key))
		return 0;
	if (!(kp = jp(w, added ? np : op, key)))
		return 0;
	for (size_t i = 0; i < cnt && !done && !w->oom; i++) {
		struct dw_changes t;
		char *bp = jpi(w, kp, i);
		unsigned mask;

		mask = added ? trial(w, o, op, json_array_get(br, i), bp, subj, &t)
		             : trial(w, json_array_get(br, i), bp, n, np, subj, &t);
		free(bp);
		if (cnt > 1 && (mask & (added ? DW_BREAKS_BACKWARD : DW_BREAKS_FORWARD))) {
			dw_changes_release(&t);
			continue;
		}
		adopt(w, &t);
		done = 1;
		for (size_t k = 0; k < cnt; k++) {
			if (k == i || !(bp = jpi(w, kp, k)))
				continue;
			if (added)
				emit(w, branch_rule(key, 1), op, bp, subj,
				     "%s branch %zu of {} added", key, k);
			else
				emit(w, branch_rule(key, 0), bp, np, subj,
				     "%s branch %zu of {} removed", key, k);
			free(bp);
		}
	}
	free(kp);
	return done;
}

static void compare_combinators(struct walk *w, const json_t *o, const char *op, const json_t *n,
                                const char *np, const char *subj)
{
	/* one combinator replaced by another over the branches (CombinedSchemaDiff's criteria:
	 * anyOf accepts what oneOf or allOf accepted) */
	static const struct {
		const char *from, *to;
		enum rule_id id;
	} swaps[] = {
	    {"oneOf", "anyOf", R_COMBINATOR_WIDENED},
	    {"allOf", "anyOf", R_COMBINATOR_WIDENED},
	    {"anyOf", "oneOf", R_COMBINATOR_NARROWED},
	    {"anyOf", "allOf", R_COMBINATOR_NARROWED},
	};
	const char *skip_o = NULL, *skip_n = NULL;

	for (size_t i = 0; i < NELEM(swaps); i++) {
		const char *f = swaps[i].from, *t = swaps[i].to;
		char *po, *pn;

		if (!json_is_array(json_object_get(o, f)) || json_object_get(o, t) ||
		    !json_is_array(json_object_get(n, t)) || json_object_get(n, f))
			continue;
		po = jp(w, op, f);
		pn = jp(w, np, t);
		emit(w, swaps[i].id, po, pn, subj, "%s of {} became %s", f, t);
		free(po);
		free(pn);
		compare_branches(w, o, op, f, n, np, t, subj);
		skip_o = f;
		skip_n = t;
		break;
	}
	for (size_t i = 0; i < NELEM(combinators); i++) {
		const char *key = combinators[i];
		json_t *a = json_object_get(o, key), *b = json_object_get(n, key);
		char *po, *pn;

		if (!json_is_array(a) || (skip_o && strcmp(key, skip_o) == 0))
			a = NULL;
		if (!json_is_array(b) || (skip_n && strcmp(key, skip_n) == 0))
			b = NULL;
		/* allOf absent is the empty conjunction: every branch of a new allOf narrows */
		if ((a && b) || (!is_sum(key) && (a || b))) {
			compare_branches(w, a ? o : w->empty, op, key, b ? n : w->empty, np, key,
			                 subj);
			continue;
		}
		if (!a && !b)
			continue;
		po = kw_ptr(w, o, op, key);
		pn = kw_ptr(w, n, np, key);
		emit(w, a ? R_COMBINATOR_REMOVED : R_COMBINATOR_ADDED, po, pn, subj, "%s %s {}",
		     key, a ? "removed from" : "added to");
		free(po);
		free(pn);
	}
}

/* not S: narrowing S widens the schema and the other way round. */
static void compare_not(struct walk *w, const json_t *o, const char *op, const json_t *n,
			const char *np, const char *subj)
{
	json_t *a = json_object_get(o, "not"), *b = json_object_get(n, "not");
	char *po, *pn;
	struct dw_changes inner, *saved = w->out;
	unsigned mask = 0;

	if (!a && !b)
		return;
	po = kw_ptr(w, o, op, "not");
	pn = kw_ptr(w, n, np, "not");
	if (!a || !b) {
		emit(w, a ? R_NOT_WIDENED : R_NOT_NARROWED, po, pn, subj, "not %s {}",
		     a ? "removed from" : "added to");
		goto out;
	}
	dw_changes_init(&inner);
	w->out = &inner;
	compare(w, a, po, b, pn, subj, SLOT_SCHEMA);
	w->out = saved;
	if (inner.oom)
		w->oom = 1;
	for (size_t i = 0; i < inner.count; i++)
		mask |= inner.items[i].rule->breaks;
	dw_changes_release(&inner);
	if (mask & DW_BREAKS_FORWARD)
		emit(w, R_NOT_NARROWED, po, pn, subj,
		     "the schema under not of {} widened: more values are excluded");
	if (mask & DW_BREAKS_BACKWARD)
		emit(w, R_NOT_WIDENED, po, pn, subj,
		     "the schema under not of {} narrowed: fewer values are excluded");
out:
	free(po);
	free(pn);
}

static void compare_conditional(struct walk *w, const json_t *o, const char *op,
				const json_t *n, const char *np, const char *subj)
{
	json_t *ia = json_object_get(o, "if"), *ib = json_object_get(n, "if");
	int ca = ia && (json_object_get(o, "then") || json_object_get(o, "else"));
	int cb = ib && (json_object_get(n, "then") || json_object_get(n, "else"));
	char *po, *pn;

	if (!ca && !cb)
		return;
	if (ca && cb && value_equal(ia, ib, 0)) {
		/* same condition: then and else are monotone */
		compare_sub(w, o, op, "then", n, np, "then", subj, SLOT_SCHEMA);
		compare_sub(w, o, op, "else", n, np, "else", subj, SLOT_SCHEMA);
		return;
	}
	po = kw_ptr(w, o, op, "if");
	pn = kw_ptr(w, n, np, "if");
	if (!ca)
		emit(w, R_CONDITIONAL_ADDED, po, pn, subj, "if/then/else added to {}");
	else if (!cb)
		emit(w, R_CONDITIONAL_REMOVED, po, pn, subj, "if/then/else removed from {}");
	else
		emit(w, R_CONDITIONAL_CHANGED, po, pn, subj,
		     "condition of the if/then/else of {} changed");
	free(po);
	free(pn);
}

/* ---- one pair of schemas ---- */

/* A $ref left after deref: mixed with assertions (2019-09+), or not resolvable locally. */
static void compare_refs(struct walk *w, const json_t *o, const char *op, const json_t *n,
			 const char *np, const char *subj)
{
	json_t *ra = json_object_get(o, "$ref"), *rb = json_object_get(n, "$ref");
	const json_t *ta = NULL, *tb = NULL;
	char *pa = NULL, *pb = NULL;

	if (!json_is_string(ra))
		ra = NULL;
	if (!json_is_string(rb))
		rb = NULL;
	if (!ra && !rb)
		return;
	if (ra)
		ta = resolve(w, w->old_root, json_string_value(ra), &pa);
	if (rb)
		tb = resolve(w, w->new_root, json_string_value(rb), &pb);
	if ((ra && !ta) || (rb && !tb)) {
		if (!ra || !rb || strcmp(json_string_value(ra), json_string_value(rb)) != 0) {
			char *po = kw_ptr(w, o, op, "$ref"), *pn = kw_ptr(w, n, np, "$ref");

			emit(w, R_REFERENCE_CHANGED, po, pn, subj,
			     "reference of {} changed from '%s' to '%s' and cannot be resolved",
			     ra ? json_string_value(ra) : "", rb ? json_string_value(rb) : "");
			free(po);
			free(pn);
		}
	} else if (!w->oom) {
		/* $ref beside assertions is one more conjunct: compare it as one */
		compare(w, ta ? ta : w->empty, pa, tb ? tb : w->empty, pb, subj, SLOT_SCHEMA);
	}
	free(pa);
	free(pb);
}

static void compare_false(struct walk *w, int old_false, const char *op, const char *np,
			  const char *subj, enum slot slot)
{
	switch (slot) {
	case SLOT_ADDITIONAL_PROPERTIES:
		if (old_false)
			emit(w, R_ADDITIONAL_PROPERTIES_WIDENED, op, np, subj,
			     "additional properties {} now allowed");
		else
			emit(w, R_ADDITIONAL_PROPERTIES_NARROWED, op, np, subj,
			     "additional properties {} no longer allowed");
		break;
	case SLOT_ADDITIONAL_ITEMS:
		if (old_false)
			emit(w, R_ADDITIONAL_ITEMS_WIDENED, op, np, subj,
			     "items {} beyond the tuple now allowed");
		else
			emit(w, R_ADDITIONAL_ITEMS_NARROWED, op, np, subj,
			     "items {} beyond the tuple no longer allowed");
		break;
	default:
		if (old_false)
			emit(w, R_SCHEMA_OPENED, op, np, subj, "{} now accepts values (was false)");
		else
			emit(w, R_SCHEMA_CLOSED, op, np, subj, "{} no longer accepts any value");
	}
}

static void compare(struct walk *w, const json_t *o, const char *op_in, const json_t *n,
		    const char *np_in, const char *subj, enum slot slot)
{
	char *op = NULL, *np = NULL;
	size_t before = w->out->count;
	unsigned to, tn, both;
	struct seen *seen;

	if (w->oom || w->depth >= MAX_DEPTH || ++w->visits > MAX_VISITS)
		return;
	if ((op_in && !(op = strdup(op_in))) || (np_in && !(np = strdup(np_in)))) {
		w->oom = 1;
		goto out;
	}
	if (json_is_true(o) || !(json_is_object(o) || json_is_false(o)))
		o = w->empty;
	if (json_is_true(n) || !(json_is_object(n) || json_is_false(n)))
		n = w->empty;
	deref(w, w->old_root, w->old_modern, &o, &op);
	deref(w, w->new_root, w->new_modern, &n, &np);
	if (json_is_true(o))
		o = w->empty;
	if (json_is_true(n))
		n = w->empty;
	if (o == n && w->old_root == w->new_root)
		goto out;
	if (on_stack(w, o, n))
		goto out;
	if (!(seen = seen_get(w, o, n)) || seen->clean || seen->walks >= MAX_REWALKS)
		goto out;
	seen->walks++;
	if (is_false(o) || is_false(n)) {
		if (is_false(o) != is_false(n))
			compare_false(w, is_false(o), op, np, subj, slot);
		goto out;
	}
	if (push(w, o, n))
		goto out;
	if (compare_sum_change(w, o, op, n, np, subj))
		goto pop;
	compare_refs(w, o, op, n, np, subj);
	compare_annotations(w, o, op, n, np, subj);
	to = type_set(o);
	tn = type_set(n);
	compare_types(w, to, tn, o, op, n, np, subj);
	both = to & tn;
	compare_values(w, o, op, n, np, subj);
	if (both & T_NUMBER) {
		compare_range(w, o, op, n, np, subj, 1);
		compare_range(w, o, op, n, np, subj, 0);
		compare_multiple(w, o, op, n, np, subj);
	}
	if (both & T_STRING) {
		compare_count(w, o, op, n, np, subj, "minLength", 1, R_MIN_LENGTH_INCREASED,
			      R_MIN_LENGTH_DECREASED);
		compare_count(w, o, op, n, np, subj, "maxLength", 0, R_MAX_LENGTH_DECREASED,
			      R_MAX_LENGTH_INCREASED);
		compare_pattern(w, o, op, n, np, subj);
	}
	if (both & T_ARRAY) {
		compare_array(w, o, op, n, np, subj);
		compare_sub(w, o, op, "unevaluatedItems", n, np, "unevaluatedItems", subj,
			    SLOT_ADDITIONAL_ITEMS);
	}
	if (both & T_OBJECT)
		compare_object(w, o, op, n, np, subj);
	compare_combinators(w, o, op, n, np, subj);
	compare_not(w, o, op, n, np, subj);
	compare_conditional(w, o, op, n, np, subj);
pop:
	w->depth--;
	/* the table may have grown: look the pair up again */
	if (w->out->count == before && !w->oom && (seen = seen_get(w, o, n)))
		seen->clean = 1;
out:
	free(op);
	free(np);
}

/* 2019-09 and 2020-12 let $ref apply beside its siblings; earlier drafts do not. */
static int modern_dialect(const json_t *root)
{
	json_t *s = json_object_get(root, "$schema");
	const char *v = json_is_string(s) ? json_string_value(s) : "";

	return strstr(v, "2019-09") || strstr(v, "2020-12");
}

int compat_jsonschema_diff(const json_t *old_doc, const json_t *new_doc, struct dw_changes *out)
{
	struct walk w;

	if (!old_doc || !new_doc || !(json_is_object(old_doc) || json_is_boolean(old_doc)) ||
	    !(json_is_object(new_doc) || json_is_boolean(new_doc)))
		return DW_INVALID;
	memset(&w, 0, sizeof(w));
	w.old_root = old_doc;
	w.new_root = new_doc;
	w.old_modern = modern_dialect(old_doc);
	w.new_modern = modern_dialect(new_doc);
	w.out = out;
	if (!(w.empty = json_object()))
		return DW_NOMEM;
	compare(&w, old_doc, "", new_doc, "", "", SLOT_SCHEMA);
	json_decref(w.empty);
	free(w.stack);
	free(w.seen);
	return w.oom || out->oom ? DW_NOMEM : 0;
}
