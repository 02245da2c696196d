/*
 * compat_openapi: the OpenAPI 3.0 / 3.1 engine of schema evolution. Lists every change between
 * two versions of an API description that a client may notice, each under one rule of the table
 * below.
 *
 * Directions (validators/compat.h): BACKWARD breaks when an existing client of the old API fails
 * against a server of the new one (oasdiff's "breaking"); FORWARD breaks when a client written
 * for the new API fails against a server of the old one. Schemas are compared by one walk shared
 * by both sides of an exchange: on the request side the server validates what the client sends,
 * so narrowing breaks old clients; on the response side the client reads what the server sends,
 * so widening does. Each schema rule therefore comes as a request-* and a response-* pair whose
 * masks mirror each other.
 *
 * Matching: paths by their template with parameter names blanked ("/users/{id}" is
 * "/users/{userId}" renamed), operations by method, parameters by (name, in) (header names
 * case-insensitive; path parameters by their position in the template), responses by status
 * key, media types by name, properties by name. Local $refs are followed (openapi_ref_target);
 * a schema pair met again while being compared is a cycle and is cut; a pair of referenced
 * schemas found equal is remembered so that shared components are walked once per diff, and a
 * pair that differs is reported once per operation.
 *
 * Pointers are RFC 6901 into each document; past a $ref they continue from the reference's
 * target (e.g. /components/schemas/User/properties/email). Subjects are operationIds, or
 * "METHOD /path" for operations without one. Strings in the change list are copies.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "validators/compat.h"
#include "validators/contract.h"
#include "validators/error.h"
#include "validators/findings.h"
#include "validators/strbuf.h"

#define B DW_BREAKS_BACKWARD
#define F DW_BREAKS_FORWARD

enum rule {
	R_PATH_REMOVED,
	R_PATH_ADDED,
	R_OPERATION_REMOVED,
	R_OPERATION_ADDED,
	R_OPERATION_DEPRECATED,
	R_OPERATION_REACTIVATED,
	R_OPERATION_ID_CHANGED,
	R_PATH_PARAMETER_RENAMED,
	R_PARAM_ADDED_REQUIRED,
	R_PARAM_ADDED_OPTIONAL,
	R_PARAM_BECAME_REQUIRED,
	R_PARAM_BECAME_OPTIONAL,
	R_PARAM_REMOVED,
	R_PARAM_REQUIRED_REMOVED,
	R_PARAM_LOCATION_CHANGED,
	R_PARAM_STYLE_CHANGED,
	R_BODY_ADDED_REQUIRED,
	R_BODY_ADDED_OPTIONAL,
	R_BODY_BECAME_REQUIRED,
	R_BODY_BECAME_OPTIONAL,
	R_BODY_REMOVED,
	R_BODY_REQUIRED_REMOVED,
	R_REQ_MEDIA_REMOVED,
	R_REQ_MEDIA_ADDED,
	R_REQ_PROP_ADDED_REQUIRED,
	R_REQ_PROP_ADDED_OPTIONAL,
	R_REQ_PROP_BECAME_REQUIRED,
	R_REQ_PROP_BECAME_OPTIONAL,
	R_REQ_PROP_REMOVED,
	R_REQ_PROP_REQUIRED_REMOVED,
	R_REQ_TYPE_CHANGED,
	R_REQ_TYPE_NARROWED,
	R_REQ_TYPE_WIDENED,
	R_REQ_NULL_REMOVED,
	R_REQ_NULL_ADDED,
	R_REQ_ENUM_REMOVED,
	R_REQ_ENUM_ADDED,
	R_REQ_MINIMUM_INCREASED,
	R_REQ_MAXIMUM_DECREASED,
	R_REQ_MIN_LENGTH_INCREASED,
	R_REQ_MAX_LENGTH_DECREASED,
	R_REQ_PATTERN_ADDED,
	R_REQ_PATTERN_CHANGED,
	R_REQ_MIN_ITEMS_INCREASED,
	R_REQ_MAX_ITEMS_DECREASED,
	R_REQ_TIGHTENED,
	R_REQ_LOOSENED,
	R_RESP_SUCCESS_REMOVED,
	R_RESP_STATUS_REMOVED,
	R_RESP_STATUS_ADDED,
	R_RESP_MEDIA_REMOVED,
	R_RESP_MEDIA_ADDED,
	R_RESP_PROP_REQUIRED_REMOVED,
	R_RESP_PROP_OPTIONAL_REMOVED,
	R_RESP_PROP_REQUIRED_ADDED,
	R_RESP_PROP_OPTIONAL_ADDED,
	R_RESP_PROP_BECAME_OPTIONAL,
	R_RESP_PROP_BECAME_REQUIRED,
	R_RESP_TYPE_CHANGED,
	R_RESP_TYPE_WIDENED,
	R_RESP_TYPE_NARROWED,
	R_RESP_NULL_ADDED,
	R_RESP_NULL_REMOVED,
	R_RESP_ENUM_ADDED,
	R_RESP_ENUM_REMOVED,
	R_RESP_LOOSENED,
	R_RESP_TIGHTENED,
	R_RESP_HEADER_REMOVED,
	R_RESP_HEADER_ADDED,
	R_SEC_REQUIREMENT_ADDED,
	R_SEC_REQUIREMENT_REMOVED,
	R_SEC_ALTERNATIVE_ADDED,
	R_SEC_ALTERNATIVE_REMOVED,
	R_SEC_SCHEME_REMOVED,
	R_SEC_SCHEME_ADDED,
	R_SEC_SCHEME_CHANGED,
	R_SERVER_REMOVED,
	R_SERVER_ADDED,
	R_COUNT
};

/* Minimal documents for the rule examples (docs/rules.md shows them). */
#define DOCX(extra, paths)                                                                         \
	"{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"t\",\"version\":\"1\"}," extra               \
	"\"paths\":{" paths "}}"
#define DOC(paths) DOCX("", paths)
#define OK200 "\"responses\":{\"200\":{\"description\":\"ok\"}}"
#define GETOP(op) "\"/u\":{\"get\":{" op OK200 "}}"
#define QPARAM(extra) "\"parameters\":[{\"name\":\"q\",\"in\":\"query\"," extra "}],"
#define QSCHEMA(s) GETOP(QPARAM("\"schema\":" s))
#define BODYX(extra, s)                                                                            \
	"\"/u\":{\"post\":{\"requestBody\":{" extra "\"content\":{\"application/json\":"           \
	"{\"schema\":" s "}}}," OK200 "}}"
#define BODY(s) BODYX("", s)
#define RESP(s)                                                                                    \
	"\"/u\":{\"get\":{\"responses\":{\"200\":{\"description\":\"ok\",\"content\":"             \
	"{\"application/json\":{\"schema\":" s "}}}}}}"
#define STR "{\"type\":\"string\"}"
#define INT "{\"type\":\"integer\"}"
#define NUM "{\"type\":\"number\"}"
#define OBJ(props) "{\"type\":\"object\",\"properties\":{" props "}}"
#define OBJR(props) "{\"type\":\"object\",\"required\":[\"a\"],\"properties\":{" props "}}"
#define PA "\"a\":{\"type\":\"string\"}"
#define PB "\"b\":{\"type\":\"string\"}"
#define SCHEMES(k)                                                                                 \
	"\"components\":{\"securitySchemes\":{\"k\":{\"type\":\"apiKey\",\"name\":\"k\","          \
	"\"in\":\"header\"}" k "}},"
#define TOKEN ",\"t\":{\"type\":\"http\",\"scheme\":\"bearer\"}"
#define SEC(s) "\"security\":[" s "],"
#define RESPH(h)                                                                                   \
	"\"/u\":{\"get\":{\"responses\":{\"200\":{\"description\":\"ok\",\"headers\":{" h "}}}}}"
#define HDR(req) "\"X-R\":{" req "\"schema\":{\"type\":\"string\"}}"

#define RULE(idx, name, mask, q, text, o, n)                                                       \
	[idx] = {"openapi." name, DW_FMT_OPENAPI, mask, DW_CHANGE_##q, text, o, n}

const struct dw_rule compat_openapi_rules[] = {
    RULE(R_PATH_REMOVED, "path-removed", B, WARNING,
         "a path and all its operations were removed: old clients calling it get 404",
         DOC(GETOP("") ",\"/v\":{\"get\":{" OK200 "}}"), DOC(GETOP(""))),
    RULE(R_PATH_ADDED, "path-added", F, INFO,
         "a path was added: new clients calling it fail against an old server", DOC(GETOP("")),
         DOC(GETOP("") ",\"/v\":{\"get\":{" OK200 "}}")),
    RULE(R_OPERATION_REMOVED, "operation-removed", B, WARNING,
         "an operation was removed from a path that remains",
         DOC("\"/u\":{\"get\":{" OK200 "},\"put\":{" OK200 "}}"), DOC(GETOP(""))),
    RULE(R_OPERATION_ADDED, "operation-added", F, INFO,
         "an operation was added to an existing path: an old server does not serve it",
         DOC(GETOP("")), DOC("\"/u\":{\"get\":{" OK200 "},\"put\":{" OK200 "}}")),
    RULE(R_OPERATION_DEPRECATED, "operation-deprecated", 0, INFO,
         "an operation was marked deprecated: clients should plan to move off it", DOC(GETOP("")),
         DOC(GETOP("\"deprecated\":true,"))),
    RULE(R_OPERATION_REACTIVATED, "operation-reactivated", 0, INFO,
         "an operation is no longer deprecated", DOC(GETOP("\"deprecated\":true,")),
         DOC(GETOP(""))),
    RULE(R_OPERATION_ID_CHANGED, "operation-id-changed", 0, WARNING,
         "the operationId changed: clients generated from the description change names",
         DOC(GETOP("\"operationId\":\"a\",")), DOC(GETOP("\"operationId\":\"b\","))),
    RULE(R_PATH_PARAMETER_RENAMED, "path-parameter-renamed", 0, INFO,
         "a path template parameter was renamed: the same URLs match",
         DOC("\"/u/{id}\":{\"get\":{\"parameters\":[{\"name\":\"id\",\"in\":\"path\","
             "\"required\":true,\"schema\":" STR "}]," OK200 "}}"),
         DOC("\"/u/{uid}\":{\"get\":{\"parameters\":[{\"name\":\"uid\",\"in\":\"path\","
             "\"required\":true,\"schema\":" STR "}]," OK200 "}}")),
    RULE(R_PARAM_ADDED_REQUIRED, "request-parameter-added-required", B, INFO,
         "a required request parameter was added: old clients do not send it", DOC(GETOP("")),
         DOC(GETOP(QPARAM("\"required\":true,\"schema\":" STR)))),
    RULE(R_PARAM_ADDED_OPTIONAL, "request-parameter-added-optional", F, INFO,
         "an optional request parameter was added: an old server ignores or rejects it",
         DOC(GETOP("")), DOC(GETOP(QPARAM("\"schema\":" STR)))),
    RULE(R_PARAM_BECAME_REQUIRED, "request-parameter-became-required", B, INFO,
         "an optional request parameter became required: old clients may omit it",
         DOC(GETOP(QPARAM("\"schema\":" STR))),
         DOC(GETOP(QPARAM("\"required\":true,\"schema\":" STR)))),
    RULE(R_PARAM_BECAME_OPTIONAL, "request-parameter-became-optional", F, INFO,
         "a required request parameter became optional: new clients may omit it",
         DOC(GETOP(QPARAM("\"required\":true,\"schema\":" STR))),
         DOC(GETOP(QPARAM("\"schema\":" STR)))),
    RULE(R_PARAM_REMOVED, "request-parameter-removed", 0, WARNING,
         "an optional request parameter was removed: old clients still send it",
         DOC(GETOP(QPARAM("\"schema\":" STR))), DOC(GETOP(""))),
    RULE(R_PARAM_REQUIRED_REMOVED, "request-required-parameter-removed", F, WARNING,
         "a required request parameter was removed: new clients do not send what an old "
         "server requires",
         DOC(GETOP(QPARAM("\"required\":true,\"schema\":" STR))), DOC(GETOP(""))),
    RULE(R_PARAM_LOCATION_CHANGED, "request-parameter-location-changed", B | F, WARNING,
         "a request parameter moved (its 'in' changed): clients send it in the wrong place",
         DOC(GETOP(QPARAM("\"schema\":" STR))),
         DOC(GETOP("\"parameters\":[{\"name\":\"q\",\"in\":\"header\",\"schema\":" STR "}],"))),
    RULE(R_PARAM_STYLE_CHANGED, "request-parameter-style-changed", B | F, WARNING,
         "a request parameter's serialisation (style or explode) changed",
         DOC(GETOP(QPARAM("\"schema\":{\"type\":\"array\",\"items\":" STR "}"))),
         DOC(GETOP(QPARAM("\"style\":\"pipeDelimited\",\"schema\":{\"type\":\"array\","
                          "\"items\":" STR "}")))),
    RULE(R_BODY_ADDED_REQUIRED, "request-body-added-required", B, INFO,
         "a required request body was added: old clients send none",
         DOC("\"/u\":{\"post\":{" OK200 "}}"), DOC(BODYX("\"required\":true,", STR))),
    RULE(R_BODY_ADDED_OPTIONAL, "request-body-added-optional", F, INFO,
         "an optional request body was added: an old server ignores or rejects it",
         DOC("\"/u\":{\"post\":{" OK200 "}}"), DOC(BODY(STR))),
    RULE(R_BODY_BECAME_REQUIRED, "request-body-became-required", B, INFO,
         "the request body became required: old clients may omit it", DOC(BODY(STR)),
         DOC(BODYX("\"required\":true,", STR))),
    RULE(R_BODY_BECAME_OPTIONAL, "request-body-became-optional", F, INFO,
         "the request body became optional: new clients may omit it",
         DOC(BODYX("\"required\":true,", STR)), DOC(BODY(STR))),
    RULE(R_BODY_REMOVED, "request-body-removed", 0, WARNING,
         "an optional request body was removed: old clients still send it", DOC(BODY(STR)),
         DOC("\"/u\":{\"post\":{" OK200 "}}")),
    RULE(R_BODY_REQUIRED_REMOVED, "request-required-body-removed", F, WARNING,
         "a required request body was removed: new clients do not send what an old server "
         "requires",
         DOC(BODYX("\"required\":true,", STR)), DOC("\"/u\":{\"post\":{" OK200 "}}")),
    RULE(R_REQ_MEDIA_REMOVED, "request-media-type-removed", B, WARNING,
         "a request body media type was removed: old clients sending it get 415",
         DOC("\"/u\":{\"post\":{\"requestBody\":{\"content\":{\"application/json\":{},"
             "\"application/xml\":{}}}," OK200 "}}"),
         DOC("\"/u\":{\"post\":{\"requestBody\":{\"content\":{\"application/json\":{}}}," OK200
             "}}")),
    RULE(R_REQ_MEDIA_ADDED, "request-media-type-added", F, INFO,
         "a request body media type was added: an old server refuses it",
         DOC("\"/u\":{\"post\":{\"requestBody\":{\"content\":{\"application/json\":{}}}," OK200
             "}}"),
         DOC("\"/u\":{\"post\":{\"requestBody\":{\"content\":{\"application/json\":{},"
             "\"application/xml\":{}}}," OK200 "}}")),
    RULE(R_REQ_PROP_ADDED_REQUIRED, "request-property-added-required", B, INFO,
         "a required request property was added: old clients do not send it", DOC(BODY(OBJ(PB))),
         DOC(BODY(OBJR(PA "," PB)))),
    RULE(R_REQ_PROP_ADDED_OPTIONAL, "request-property-added-optional", F, INFO,
         "an optional request property was added: an old server may not accept it",
         DOC(BODY(OBJ(PB))), DOC(BODY(OBJ(PA "," PB)))),
    RULE(R_REQ_PROP_BECAME_REQUIRED, "request-property-became-required", B, INFO,
         "a request property became required: old clients may omit it", DOC(BODY(OBJ(PA))),
         DOC(BODY(OBJR(PA)))),
    RULE(R_REQ_PROP_BECAME_OPTIONAL, "request-property-became-optional", F, INFO,
         "a required request property became optional: new clients may omit it",
         DOC(BODY(OBJR(PA))), DOC(BODY(OBJ(PA)))),
    RULE(R_REQ_PROP_REMOVED, "request-property-removed", 0, WARNING,
         "an optional request property was removed: old clients may still send it",
         DOC(BODY(OBJ(PA "," PB))), DOC(BODY(OBJ(PB)))),
    RULE(R_REQ_PROP_REQUIRED_REMOVED, "request-required-property-removed", F, WARNING,
         "a required request property was removed: new clients omit what an old server "
         "requires",
         DOC(BODY(OBJR(PA "," PB))), DOC(BODY(OBJ(PB)))),
    RULE(R_REQ_TYPE_CHANGED, "request-type-changed", B | F, WARNING,
         "the type of a request value changed incompatibly (e.g. string to integer)",
         DOC(QSCHEMA(STR)), DOC(QSCHEMA(INT))),
    RULE(R_REQ_TYPE_NARROWED, "request-type-narrowed", B, INFO,
         "the type of a request value narrowed (e.g. number to integer): old clients' "
         "values may be refused",
         DOC(QSCHEMA(NUM)), DOC(QSCHEMA(INT))),
    RULE(R_REQ_TYPE_WIDENED, "request-type-widened", F, INFO,
         "the type of a request value widened (e.g. integer to number): an old server may "
         "refuse new clients' values",
         DOC(QSCHEMA(INT)), DOC(QSCHEMA(NUM))),
    RULE(R_REQ_NULL_REMOVED, "request-null-removed", B, INFO,
         "a request value no longer accepts null",
         DOC(BODY(OBJ("\"a\":{\"type\":\"string\","
                      "\"nullable\":true}"))),
         DOC(BODY(OBJ(PA)))),
    RULE(R_REQ_NULL_ADDED, "request-null-added", F, INFO,
         "a request value now accepts null: an old server refuses it", DOC(BODY(OBJ(PA))),
         DOC(BODY(OBJ("\"a\":{\"type\":\"string\",\"nullable\":true}")))),
    RULE(R_REQ_ENUM_REMOVED, "request-enum-value-removed", B, INFO,
         "a request enum lost a value: old clients sending it are refused",
         DOC(QSCHEMA("{\"type\":\"string\",\"enum\":[\"a\",\"b\"]}")),
         DOC(QSCHEMA("{\"type\":\"string\",\"enum\":[\"a\"]}"))),
    RULE(R_REQ_ENUM_ADDED, "request-enum-value-added", F, INFO,
         "a request enum gained a value: an old server refuses it",
         DOC(QSCHEMA("{\"type\":\"string\",\"enum\":[\"a\"]}")),
         DOC(QSCHEMA("{\"type\":\"string\",\"enum\":[\"a\",\"b\"]}"))),
    RULE(R_REQ_MINIMUM_INCREASED, "request-minimum-increased", B, INFO,
         "a request value's lower bound (minimum, exclusiveMinimum) was raised or added",
         DOC(QSCHEMA("{\"type\":\"integer\",\"minimum\":1}")),
         DOC(QSCHEMA("{\"type\":\"integer\",\"minimum\":5}"))),
    RULE(R_REQ_MAXIMUM_DECREASED, "request-maximum-decreased", B, INFO,
         "a request value's upper bound (maximum, exclusiveMaximum) was lowered or added",
         DOC(QSCHEMA("{\"type\":\"integer\",\"maximum\":100}")),
         DOC(QSCHEMA("{\"type\":\"integer\",\"maximum\":10}"))),
    RULE(R_REQ_MIN_LENGTH_INCREASED, "request-min-length-increased", B, INFO,
         "a request string's minLength was raised or added", DOC(QSCHEMA(STR)),
         DOC(QSCHEMA("{\"type\":\"string\",\"minLength\":3}"))),
    RULE(R_REQ_MAX_LENGTH_DECREASED, "request-max-length-decreased", B, INFO,
         "a request string's maxLength was lowered or added",
         DOC(QSCHEMA("{\"type\":\"string\",\"maxLength\":50}")),
         DOC(QSCHEMA("{\"type\":\"string\",\"maxLength\":10}"))),
    RULE(R_REQ_PATTERN_ADDED, "request-pattern-added", B, INFO,
         "a request string gained a pattern: old clients' values may not match", DOC(QSCHEMA(STR)),
         DOC(QSCHEMA("{\"type\":\"string\",\"pattern\":\"^[a-z]+$\"}"))),
    RULE(R_REQ_PATTERN_CHANGED, "request-pattern-changed", B | F, INFO,
         "a request string's pattern changed: values valid before may be refused",
         DOC(QSCHEMA("{\"type\":\"string\",\"pattern\":\"^[a-z]+$\"}")),
         DOC(QSCHEMA("{\"type\":\"string\",\"pattern\":\"^[0-9]+$\"}"))),
    RULE(R_REQ_MIN_ITEMS_INCREASED, "request-min-items-increased", B, INFO,
         "a request array's minItems was raised or added",
         DOC(BODY("{\"type\":\"array\",\"items\":" STR "}")),
         DOC(BODY("{\"type\":\"array\",\"minItems\":1,\"items\":" STR "}"))),
    RULE(R_REQ_MAX_ITEMS_DECREASED, "request-max-items-decreased", B, INFO,
         "a request array's maxItems was lowered or added",
         DOC(BODY("{\"type\":\"array\",\"maxItems\":10,\"items\":" STR "}")),
         DOC(BODY("{\"type\":\"array\",\"maxItems\":5,\"items\":" STR "}"))),
    RULE(R_REQ_TIGHTENED, "request-constraint-tightened", B, INFO,
         "another request constraint was tightened (enum, format, multipleOf, uniqueItems, "
         "min/maxProperties, additionalProperties, allOf/oneOf/anyOf)",
         DOC(BODY("{\"type\":\"object\"}")),
         DOC(BODY("{\"type\":\"object\",\"additionalProperties\":false}"))),
    RULE(R_REQ_LOOSENED, "request-constraint-loosened", F, INFO,
         "a request constraint was loosened or removed: an old server may refuse new "
         "clients' values",
         DOC(QSCHEMA("{\"type\":\"integer\",\"maximum\":10}")),
         DOC(QSCHEMA("{\"type\":\"integer\",\"maximum\":100}"))),
    RULE(R_RESP_SUCCESS_REMOVED, "response-success-status-removed", B, WARNING,
         "a success (2xx) response was removed: old clients expect it",
         DOC("\"/u\":{\"get\":{\"responses\":{\"200\":{\"description\":\"ok\"},"
             "\"201\":{\"description\":\"c\"}}}}"),
         DOC(GETOP(""))),
    RULE(R_RESP_STATUS_REMOVED, "response-status-removed", 0, WARNING,
         "a non-success response was removed",
         DOC("\"/u\":{\"get\":{\"responses\":{\"200\":"
             "{\"description\":\"ok\"},\"404\":{\"description\":\"n\"}}}}"),
         DOC(GETOP(""))),
    RULE(R_RESP_STATUS_ADDED, "response-status-added", 0, INFO,
         "a response status was added: clients may meet a status they do not expect",
         DOC(GETOP("")),
         DOC("\"/u\":{\"get\":{\"responses\":{\"200\":{\"description\":"
             "\"ok\"},\"404\":{\"description\":\"n\"}}}}")),
    RULE(R_RESP_MEDIA_REMOVED, "response-media-type-removed", B, WARNING,
         "a response media type was removed: old clients asking for it get 406",
         DOC("\"/u\":{\"get\":{\"responses\":{\"200\":{\"description\":\"ok\",\"content\":"
             "{\"application/json\":{},\"application/xml\":{}}}}}}"),
         DOC("\"/u\":{\"get\":{\"responses\":{\"200\":{\"description\":\"ok\",\"content\":"
             "{\"application/json\":{}}}}}}")),
    RULE(R_RESP_MEDIA_ADDED, "response-media-type-added", F, INFO,
         "a response media type was added: an old server does not produce it",
         DOC("\"/u\":{\"get\":{\"responses\":{\"200\":{\"description\":\"ok\",\"content\":"
             "{\"application/json\":{}}}}}}"),
         DOC("\"/u\":{\"get\":{\"responses\":{\"200\":{\"description\":\"ok\",\"content\":"
             "{\"application/json\":{},\"application/xml\":{}}}}}}")),
    RULE(R_RESP_PROP_REQUIRED_REMOVED, "response-required-property-removed", B, WARNING,
         "a required response property was removed: old clients rely on it",
         DOC(RESP(OBJR(PA "," PB))), DOC(RESP(OBJ(PB)))),
    RULE(R_RESP_PROP_OPTIONAL_REMOVED, "response-optional-property-removed", 0, WARNING,
         "an optional response property was removed: clients reading it get nothing",
         DOC(RESP(OBJ(PA "," PB))), DOC(RESP(OBJ(PB)))),
    RULE(R_RESP_PROP_REQUIRED_ADDED, "response-required-property-added", F, INFO,
         "a required response property was added: new clients rely on what an old server "
         "does not send",
         DOC(RESP(OBJ(PB))), DOC(RESP(OBJR(PA "," PB)))),
    RULE(R_RESP_PROP_OPTIONAL_ADDED, "response-optional-property-added", 0, INFO,
         "an optional response property was added", DOC(RESP(OBJ(PB))), DOC(RESP(OBJ(PA "," PB)))),
    RULE(R_RESP_PROP_BECAME_OPTIONAL, "response-property-became-optional", B, INFO,
         "a required response property became optional: old clients rely on it",
         DOC(RESP(OBJR(PA))), DOC(RESP(OBJ(PA)))),
    RULE(R_RESP_PROP_BECAME_REQUIRED, "response-property-became-required", F, INFO,
         "an optional response property became required: new clients rely on what an old "
         "server may omit",
         DOC(RESP(OBJ(PA))), DOC(RESP(OBJR(PA)))),
    RULE(R_RESP_TYPE_CHANGED, "response-type-changed", B | F, WARNING,
         "the type of a response value changed incompatibly", DOC(RESP(OBJ(PA))),
         DOC(RESP(OBJ("\"a\":" INT)))),
    RULE(R_RESP_TYPE_WIDENED, "response-type-widened", B, INFO,
         "the type of a response value widened (e.g. integer to number): old clients may "
         "not parse it",
         DOC(RESP(OBJ("\"a\":" INT))), DOC(RESP(OBJ("\"a\":" NUM)))),
    RULE(R_RESP_TYPE_NARROWED, "response-type-narrowed", F, INFO,
         "the type of a response value narrowed: new clients may not parse an old server's "
         "values",
         DOC(RESP(OBJ("\"a\":" NUM))), DOC(RESP(OBJ("\"a\":" INT)))),
    RULE(R_RESP_NULL_ADDED, "response-null-added", B, INFO,
         "a response value became nullable: old clients do not expect null", DOC(RESP(OBJ(PA))),
         DOC(RESP(OBJ("\"a\":{\"type\":\"string\",\"nullable\":true}")))),
    RULE(R_RESP_NULL_REMOVED, "response-null-removed", F, INFO,
         "a response value is no longer nullable: new clients do not expect an old server's "
         "null",
         DOC(RESP(OBJ("\"a\":{\"type\":\"string\",\"nullable\":true}"))), DOC(RESP(OBJ(PA)))),
    RULE(R_RESP_ENUM_ADDED, "response-enum-value-added", 0, WARNING,
         "a response enum gained a value: clients may not handle it",
         DOC(RESP("{\"type\":\"string\",\"enum\":[\"a\"]}")),
         DOC(RESP("{\"type\":\"string\",\"enum\":[\"a\",\"b\"]}"))),
    RULE(R_RESP_ENUM_REMOVED, "response-enum-value-removed", 0, WARNING,
         "a response enum lost a value: new clients may not handle it from an old server",
         DOC(RESP("{\"type\":\"string\",\"enum\":[\"a\",\"b\"]}")),
         DOC(RESP("{\"type\":\"string\",\"enum\":[\"a\"]}"))),
    RULE(R_RESP_LOOSENED, "response-constraint-loosened", 0, WARNING,
         "a response constraint was loosened (bounds, lengths, pattern, enum, format, "
         "alternatives): clients may meet values they did not expect",
         DOC(RESP("{\"type\":\"string\",\"maxLength\":10}")),
         DOC(RESP("{\"type\":\"string\",\"maxLength\":20}"))),
    RULE(R_RESP_TIGHTENED, "response-constraint-tightened", 0, INFO,
         "a response constraint was tightened", DOC(RESP("{\"type\":\"string\"}")),
         DOC(RESP("{\"type\":\"string\",\"maxLength\":20}"))),
    RULE(R_RESP_HEADER_REMOVED, "response-header-removed", B, WARNING,
         "a response header was removed: old clients reading it get nothing", DOC(RESPH(HDR(""))),
         DOC(RESPH(""))),
    RULE(R_RESP_HEADER_ADDED, "response-header-added", F, INFO,
         "a required response header was added: new clients rely on what an old server "
         "does not send",
         DOC(RESPH("")), DOC(RESPH(HDR("\"required\":true,")))),
    RULE(R_SEC_REQUIREMENT_ADDED, "security-requirement-added", B, INFO,
         "an operation open to anonymous clients now requires security",
         DOCX(SCHEMES(""), GETOP("")), DOCX(SCHEMES("") SEC("{\"k\":[]}"), GETOP(""))),
    RULE(R_SEC_REQUIREMENT_REMOVED, "security-requirement-removed", F, INFO,
         "an operation no longer requires security: new clients send none to an old server "
         "that requires it",
         DOCX(SCHEMES("") SEC("{\"k\":[]}"), GETOP("")), DOCX(SCHEMES(""), GETOP(""))),
    RULE(R_SEC_ALTERNATIVE_ADDED, "security-alternative-added", F, INFO,
         "a security requirement alternative (or scope set) was added: an old server refuses "
         "it",
         DOCX(SCHEMES(TOKEN) SEC("{\"k\":[]}"), GETOP("")),
         DOCX(SCHEMES(TOKEN) SEC("{\"k\":[]},{\"t\":[]}"), GETOP(""))),
    RULE(R_SEC_ALTERNATIVE_REMOVED, "security-alternative-removed", B, INFO,
         "a security requirement alternative was removed or changed: old clients using it "
         "are refused",
         DOCX(SCHEMES(TOKEN) SEC("{\"k\":[]},{\"t\":[]}"), GETOP("")),
         DOCX(SCHEMES(TOKEN) SEC("{\"k\":[]}"), GETOP(""))),
    RULE(R_SEC_SCHEME_REMOVED, "security-scheme-removed", B, WARNING,
         "a security scheme was removed from components", DOCX(SCHEMES(TOKEN), GETOP("")),
         DOCX(SCHEMES(""), GETOP(""))),
    RULE(R_SEC_SCHEME_ADDED, "security-scheme-added", 0, INFO,
         "a security scheme was added to components", DOCX(SCHEMES(""), GETOP("")),
         DOCX(SCHEMES(TOKEN), GETOP(""))),
    RULE(R_SEC_SCHEME_CHANGED, "security-scheme-changed", B | F, WARNING,
         "a security scheme's type, location, name or HTTP scheme changed",
         DOCX(SCHEMES(""), GETOP("")),
         DOCX("\"components\":{\"securitySchemes\":{\"k\":{\"type\":\"apiKey\",\"name\":\"k\","
              "\"in\":\"query\"}}},",
              GETOP(""))),
    RULE(R_SERVER_REMOVED, "server-removed", 0, WARNING,
         "a server URL was removed: clients configured with it must move",
         DOCX("\"servers\":[{\"url\":\"https://a.example.com\"}],", GETOP("")),
         DOCX("\"servers\":[{\"url\":\"https://b.example.com\"}],", GETOP(""))),
    RULE(R_SERVER_ADDED, "server-added", 0, INFO, "a server URL was added",
         DOCX("\"servers\":[{\"url\":\"https://a.example.com\"}],", GETOP("")),
         DOCX("\"servers\":[{\"url\":\"https://a.example.com\"},"
              "{\"url\":\"https://b.example.com\"}],",
              GETOP(""))),
};

const size_t compat_openapi_rule_count =
    sizeof(compat_openapi_rules) / sizeof(compat_openapi_rules[0]);

_Static_assert(sizeof(compat_openapi_rules) / sizeof(compat_openapi_rules[0]) == R_COUNT,
               "every rule has a table entry");

/* Diff state ----------------------------------------------------------------------------- */

enum side { REQUEST, RESPONSE };

enum memo_state { MEMO_FREE, MEMO_BUSY, MEMO_CLEAN, MEMO_DIRTY };

/* A pair of referenced schemas compared on one side: being compared (a cycle when met again),
 * equal (never walked again), or different (walked again once per operation, to report it). */
struct memo_ent {
	const json_t *o, *n;
	enum side side;
	enum memo_state state;
	unsigned long op;
};

struct ctx {
	const json_t *oroot, *nroot;
	struct dw_changes *out;
	const char *subject; /* of the operation being compared; NULL outside operations */
	unsigned long op_seq;
	struct memo_ent *memo;
	size_t memo_cap, memo_count;
	int oom;
	char lab[512];
};

static void add(struct ctx *c, enum rule r, const char *op, const char *np, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void add(struct ctx *c, enum rule r, const char *op, const char *np, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	if (c->oom)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0) {
		c->oom = 1;
		return;
	}
	if (!dw_changes_add(c->out, &compat_openapi_rules[r], op, np, c->subject, "%s", buf))
		c->oom = 1;
}

/* base + "/" + escaped token (malloc'd); NULL when base is NULL or on oom (oom flagged). */
static char *join(struct ctx *c, const char *base, const char *token)
{
	char *p;

	if (!base || c->oom)
		return NULL;
	p = dw_pointer_join(base, token);
	if (!p)
		c->oom = 1;
	return p;
}

static char *join_index(struct ctx *c, const char *base, size_t i)
{
	char *p;

	if (!base || c->oom)
		return NULL;
	p = dw_pointer_join_index(base, i);
	if (!p)
		c->oom = 1;
	return p;
}

static char *str_printf(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static char *str_printf(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = dw_vstrfmt(fmt, ap);
	va_end(ap);
	if (!s)
		c->oom = 1;
	return s;
}

/* "request body property 'a.b'" or just where at a schema's root; valid until the next call. */
static const char *lbl(struct ctx *c, const char *where, const char *field)
{
	if (!field || !*field)
		snprintf(c->lab, sizeof(c->lab), "%s", where);
	else
		snprintf(c->lab, sizeof(c->lab), "%s property '%s'", where, field);
	return c->lab;
}

/* v, or the end of its chain of local $refs; *ptr becomes the pointer of the last target. A
 * reference that does not resolve is compared as the object it is. */
static const json_t *deref(const json_t *root, const json_t *v, const char **ptr)
{
	for (int hops = 0; hops < 32 && json_is_object(v); hops++) {
		const json_t *r = json_object_get(v, "$ref");
		const json_t *t;
		if (!json_is_string(r))
			return v;
		t = openapi_ref_target(root, json_string_value(r));
		if (!t)
			return v;
		*ptr = json_string_value(r) + 1;
		v = t;
	}
	return v;
}

static int has_ref(const json_t *v)
{
	return json_is_object(v) && json_object_get(v, "$ref");
}

static const char *str_get(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int true_get(const json_t *o, const char *key)
{
	return json_is_true(json_object_get(o, key));
}

/* Memo: open addressing over (old, new, side) ---------------------------------------------- */

static size_t memo_hash(const json_t *o, const json_t *n, enum side side)
{
	uint64_t h = (uint64_t)(uintptr_t)o * 0x9e3779b97f4a7c15ull;

	h ^= (uint64_t)(uintptr_t)n * 0xc2b2ae3d27d4eb4full + (uint64_t)side;
	h ^= h >> 29;
	return (size_t)h;
}

static struct memo_ent *memo_slot(struct memo_ent *tab, size_t cap, const json_t *o,
                                  const json_t *n, enum side side)
{
	size_t i = memo_hash(o, n, side) & (cap - 1);

	while (tab[i].state != MEMO_FREE && (tab[i].o != o || tab[i].n != n || tab[i].side != side))
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

/* The entry for the pair, created (state MEMO_FREE turned BUSY by the caller) when absent.
 * NULL on oom. The pointer is valid until the next memo_get. */
static struct memo_ent *memo_get(struct ctx *c, const json_t *o, const json_t *n, enum side side)
{
	struct memo_ent *e;

	if ((c->memo_count + 1) * 2 > c->memo_cap) {
		size_t cap = c->memo_cap ? c->memo_cap * 2 : 1024;
		struct memo_ent *tab = calloc(cap, sizeof(*tab));
		if (!tab) {
			c->oom = 1;
			return NULL;
		}
		for (size_t i = 0; i < c->memo_cap; i++)
			if (c->memo[i].state != MEMO_FREE)
				*memo_slot(tab, cap, c->memo[i].o, c->memo[i].n, c->memo[i].side) =
				    c->memo[i];
		free(c->memo);
		c->memo = tab;
		c->memo_cap = cap;
	}
	e = memo_slot(c->memo, c->memo_cap, o, n, side);
	if (e->state == MEMO_FREE) {
		e->o = o;
		e->n = n;
		e->side = side;
		c->memo_count++;
	}
	return e;
}

/* Schemas -------------------------------------------------------------------------------- */

#define T_NULL 1u
#define T_BOOLEAN 2u
#define T_OBJECT 4u
#define T_ARRAY 8u
#define T_NUMBER 16u
#define T_INTEGER 32u
#define T_STRING 64u
#define T_ANY (T_BOOLEAN | T_OBJECT | T_ARRAY | T_NUMBER | T_INTEGER | T_STRING)

static const char *const type_names[] = {"null",   "boolean", "object", "array",
                                         "number", "integer", "string"};

static unsigned type_bit(const char *name)
{
	for (size_t i = 0; name && i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (!strcmp(type_names[i], name))
			return 1u << i;
	return 0;
}

/* The non-null types a schema admits, number including integer; 0 when it cannot be told
 * without evaluating subschemas (no "type" but allOf/anyOf/oneOf). */
static unsigned type_mask(const json_t *s)
{
	const json_t *t = json_object_get(s, "type");
	unsigned m = 0;

	if (json_is_string(t)) {
		m = type_bit(json_string_value(t));
	} else if (json_is_array(t)) {
		for (size_t i = 0; i < json_array_size(t); i++)
			m |= type_bit(json_string_value(json_array_get(t, i)));
	} else if (json_object_get(s, "allOf") || json_object_get(s, "anyOf") ||
	           json_object_get(s, "oneOf")) {
		return 0;
	} else if (json_object_get(s, "properties")) {
		m = T_OBJECT;
	} else if (json_object_get(s, "items")) {
		m = T_ARRAY;
	} else {
		m = T_ANY;
	}
	m &= ~T_NULL;
	if (m & T_NUMBER)
		m |= T_INTEGER;
	return m;
}

/* OpenAPI 3.0 "nullable: true", or 3.1 "null" among the types. */
static int nullable(const json_t *s)
{
	const json_t *t = json_object_get(s, "type");

	if (true_get(s, "nullable"))
		return 1;
	if (json_is_string(t))
		return !strcmp(json_string_value(t), "null");
	for (size_t i = 0; json_is_array(t) && i < json_array_size(t); i++)
		if (type_bit(json_string_value(json_array_get(t, i))) == T_NULL)
			return 1;
	return 0;
}

static void type_text(const json_t *s, char *buf, size_t size)
{
	const json_t *t = json_object_get(s, "type");
	size_t len = 0;

	buf[0] = '\0';
	if (json_is_string(t)) {
		snprintf(buf, size, "%s", json_string_value(t));
		return;
	}
	for (size_t i = 0; json_is_array(t) && i < json_array_size(t) && len + 1 < size; i++) {
		const char *n = json_string_value(json_array_get(t, i));
		int w = snprintf(buf + len, size - len, "%s%s", i ? "|" : "", n ? n : "?");
		if (w < 0)
			break;
		len += (size_t)w;
	}
	if (!buf[0])
		snprintf(buf, size, "any");
}

/* A change that narrows what the schema accepts: on the request side the rule given (old clients
 * break); on the response side only informative. */
static void tightened(struct ctx *c, enum side side, enum rule req_rule, const char *op,
                      const char *np, const char *what)
{
	add(c, side == REQUEST ? req_rule : R_RESP_TIGHTENED, op, np, "%s", what);
}

/* A change that widens what the schema accepts. */
static void loosened(struct ctx *c, enum side side, const char *op, const char *np,
                     const char *what)
{
	add(c, side == REQUEST ? R_REQ_LOOSENED : R_RESP_LOOSENED, op, np, "%s", what);
}

static void diff_schema(struct ctx *c, enum side side, const json_t *os, const json_t *ns,
                        const char *op, const char *np, const char *where, const char *field,
                        int depth);

static void diff_types(struct ctx *c, enum side side, const json_t *os, const json_t *ns,
                       const char *op, const char *np, const char *name, int *stop)
{
	unsigned ot = type_mask(os), nt = type_mask(ns);
	int on = nullable(os), nn = nullable(ns);
	char ob[64], nb[64];
	enum rule r;

	if (ot && nt && ot != nt) {
		type_text(os, ob, sizeof(ob));
		type_text(ns, nb, sizeof(nb));
		if ((nt & ot) == ot) {
			r = side == REQUEST ? R_REQ_TYPE_WIDENED : R_RESP_TYPE_WIDENED;
			add(c, r, op, np, "type of %s widened from %s to %s", name, ob, nb);
		} else if ((nt & ot) == nt) {
			r = side == REQUEST ? R_REQ_TYPE_NARROWED : R_RESP_TYPE_NARROWED;
			add(c, r, op, np, "type of %s narrowed from %s to %s", name, ob, nb);
		} else {
			r = side == REQUEST ? R_REQ_TYPE_CHANGED : R_RESP_TYPE_CHANGED;
			add(c, r, op, np, "type of %s changed from %s to %s", name, ob, nb);
			*stop = 1;
		}
	}
	if (on && !nn) {
		r = side == REQUEST ? R_REQ_NULL_REMOVED : R_RESP_NULL_REMOVED;
		add(c, r, op, np, "%s is no longer nullable", name);
	} else if (!on && nn) {
		r = side == REQUEST ? R_REQ_NULL_ADDED : R_RESP_NULL_ADDED;
		add(c, r, op, np, "%s became nullable", name);
	}
}

static void diff_format(struct ctx *c, enum side side, const json_t *os, const json_t *ns,
                        const char *op, const char *np, const char *name)
{
	const char *of = str_get(os, "format"), *nf = str_get(ns, "format");
	char msg[768];

	if (of && nf && strcmp(of, nf)) {
		add(c, side == REQUEST ? R_REQ_TYPE_CHANGED : R_RESP_TYPE_CHANGED, op, np,
		    "format of %s changed from '%s' to '%s'", name, of, nf);
	} else if (!of && nf) {
		snprintf(msg, sizeof(msg), "format '%s' added to %s", nf, name);
		tightened(c, side, R_REQ_TIGHTENED, op, np, msg);
	} else if (of && !nf) {
		snprintf(msg, sizeof(msg), "format '%s' removed from %s", of, name);
		loosened(c, side, op, np, msg);
	}
}

static int enum_has(const json_t *arr, const json_t *v)
{
	for (size_t i = 0; i < json_array_size(arr); i++)
		if (json_equal(json_array_get(arr, i), v))
			return 1;
	return 0;
}

static void value_text(const json_t *v, char *buf, size_t size)
{
	char *d;

	if (json_is_string(v)) {
		snprintf(buf, size, "%s", json_string_value(v));
		return;
	}
	d = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	snprintf(buf, size, "%s", d ? d : "?");
	free(d);
}

static void diff_enum(struct ctx *c, enum side side, const json_t *os, const json_t *ns,
                      const char *op, const char *np, const char *name)
{
	const json_t *oe = json_object_get(os, "enum"), *ne = json_object_get(ns, "enum");
	char v[128], msg[768];

	if (!json_is_array(oe) && !json_is_array(ne))
		return;
	if (!json_is_array(oe)) {
		snprintf(msg, sizeof(msg), "enum added to %s", name);
		tightened(c, side, R_REQ_TIGHTENED, op, np, msg);
		return;
	}
	if (!json_is_array(ne)) {
		snprintf(msg, sizeof(msg), "enum removed from %s", name);
		loosened(c, side, op, np, msg);
		return;
	}
	if (json_equal(oe, ne))
		return;
	for (size_t i = 0; i < json_array_size(oe); i++) {
		const json_t *x = json_array_get(oe, i);
		if (enum_has(ne, x))
			continue;
		value_text(x, v, sizeof(v));
		add(c, side == REQUEST ? R_REQ_ENUM_REMOVED : R_RESP_ENUM_REMOVED, op, np,
		    "enum value '%s' removed from %s", v, name);
	}
	for (size_t i = 0; i < json_array_size(ne); i++) {
		const json_t *x = json_array_get(ne, i);
		if (enum_has(oe, x))
			continue;
		value_text(x, v, sizeof(v));
		add(c, side == REQUEST ? R_REQ_ENUM_ADDED : R_RESP_ENUM_ADDED, op, np,
		    "enum value '%s' added to %s", v, name);
	}
}

/* A numeric bound: minimum/exclusiveMinimum (3.0 boolean modifier or 3.1 number). */
struct bound {
	int set, excl;
	double v;
};

static struct bound bound_get(const json_t *s, const char *plain, const char *exclusive)
{
	const json_t *p = json_object_get(s, plain), *e = json_object_get(s, exclusive);
	struct bound b = {0, 0, 0};
	int lower = plain[1] == 'i';

	if (json_is_number(p)) {
		b.set = 1;
		b.v = json_number_value(p);
		b.excl = json_is_true(e);
	}
	if (json_is_number(e)) {
		double x = json_number_value(e);
		if (!b.set || (lower ? x >= b.v : x <= b.v)) {
			b.set = 1;
			b.v = x;
			b.excl = 1;
		}
	}
	return b;
}

/* +1 when n admits fewer values than o, -1 when more, 0 when the same. */
static int bound_cmp(struct bound o, struct bound n, int lower)
{
	if (!o.set && !n.set)
		return 0;
	if (!o.set)
		return 1;
	if (!n.set)
		return -1;
	if (o.v != n.v)
		return (lower ? n.v > o.v : n.v < o.v) ? 1 : -1;
	return n.excl == o.excl ? 0 : n.excl ? 1 : -1;
}

static void bound_text(struct bound b, int lower, char *buf, size_t size)
{
	if (!b.set)
		snprintf(buf, size, "none");
	else
		snprintf(buf, size, "%s%s %.17g", lower ? ">" : "<", b.excl ? "" : "=", b.v);
}

static void diff_bound(struct ctx *c, enum side side, const json_t *os, const json_t *ns,
                       const char *op, const char *np, const char *name, int lower)
{
	const char *plain = lower ? "minimum" : "maximum";
	const char *excl = lower ? "exclusiveMinimum" : "exclusiveMaximum";
	struct bound ob = bound_get(os, plain, excl), nb = bound_get(ns, plain, excl);
	int d = bound_cmp(ob, nb, lower);
	char ot[48], nt[48], msg[768];

	if (!d)
		return;
	bound_text(ob, lower, ot, sizeof(ot));
	bound_text(nb, lower, nt, sizeof(nt));
	snprintf(msg, sizeof(msg), "%s of %s %s from %s to %s", plain, name,
	         d > 0 ? "tightened" : "loosened", ot, nt);
	if (d > 0)
		tightened(c, side, lower ? R_REQ_MINIMUM_INCREASED : R_REQ_MAXIMUM_DECREASED, op,
		          np, msg);
	else
		loosened(c, side, op, np, msg);
}

/* Integer limits: minLength, maxLength, minItems, maxItems, minProperties, maxProperties. */
static const struct {
	const char *key;
	int upper;
	enum rule rule; /* request side, when tightened */
} limits[] = {
    {"minLength", 0, R_REQ_MIN_LENGTH_INCREASED}, {"maxLength", 1, R_REQ_MAX_LENGTH_DECREASED},
    {"minItems", 0, R_REQ_MIN_ITEMS_INCREASED},   {"maxItems", 1, R_REQ_MAX_ITEMS_DECREASED},
    {"minProperties", 0, R_REQ_TIGHTENED},        {"maxProperties", 1, R_REQ_TIGHTENED},
};

static void diff_limits(struct ctx *c, enum side side, const json_t *os, const json_t *ns,
                        const char *op, const char *np, const char *name)
{
	char msg[768], ot[32], nt[32];

	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		const json_t *o = json_object_get(os, limits[i].key);
		const json_t *n = json_object_get(ns, limits[i].key);
		int oset = json_is_number(o), nset = json_is_number(n), d;
		double ov = oset ? json_number_value(o) : 0, nv = nset ? json_number_value(n) : 0;

		if (limits[i].upper)
			d = !oset && !nset ? 0
			    : !oset        ? 1
			    : !nset        ? -1
			    : nv < ov      ? 1
			    : nv > ov      ? -1
			                   : 0;
		else
			d = nv > ov ? 1 : nv < ov ? -1 : 0;
		if (!d)
			continue;
		snprintf(ot, sizeof(ot), oset ? "%.17g" : "none", ov);
		snprintf(nt, sizeof(nt), nset ? "%.17g" : "none", nv);
		snprintf(msg, sizeof(msg), "%s of %s %s from %s to %s", limits[i].key, name,
		         d > 0 ? "tightened" : "loosened", ot, nt);
		if (d > 0)
			tightened(c, side, limits[i].rule, op, np, msg);
		else
			loosened(c, side, op, np, msg);
	}
}

static void diff_misc(struct ctx *c, enum side side, const json_t *os, const json_t *ns,
                      const char *op, const char *np, const char *name)
{
	const char *opat = str_get(os, "pattern"), *npat = str_get(ns, "pattern");
	const json_t *om = json_object_get(os, "multipleOf"),
	             *nm = json_object_get(ns, "multipleOf");
	int ou = true_get(os, "uniqueItems"), nu = true_get(ns, "uniqueItems");
	char msg[900];

	if (opat && npat && strcmp(opat, npat)) {
		snprintf(msg, sizeof(msg), "pattern of %s changed from '%s' to '%s'", name, opat,
		         npat);
		if (side == REQUEST)
			add(c, R_REQ_PATTERN_CHANGED, op, np, "%s", msg);
		else
			add(c, R_RESP_LOOSENED, op, np, "%s", msg);
	} else if (!opat && npat) {
		snprintf(msg, sizeof(msg), "pattern '%s' added to %s", npat, name);
		tightened(c, side, R_REQ_PATTERN_ADDED, op, np, msg);
	} else if (opat && !npat) {
		snprintf(msg, sizeof(msg), "pattern '%s' removed from %s", opat, name);
		loosened(c, side, op, np, msg);
	}
	if (json_is_number(om) || json_is_number(nm)) {
		double ov = json_number_value(om), nv = json_number_value(nm);
		if (!json_is_number(om) || (json_is_number(nm) && ov != nv && ov > 0 &&
		                            nv / ov == (double)(long long)(nv / ov))) {
			snprintf(msg, sizeof(msg), "multipleOf of %s tightened", name);
			tightened(c, side, R_REQ_TIGHTENED, op, np, msg);
		} else if (!json_is_number(nm) || ov != nv) {
			snprintf(msg, sizeof(msg), "multipleOf of %s loosened", name);
			loosened(c, side, op, np, msg);
		}
	}
	if (!ou && nu) {
		snprintf(msg, sizeof(msg), "%s now requires unique items", name);
		tightened(c, side, R_REQ_TIGHTENED, op, np, msg);
	} else if (ou && !nu) {
		snprintf(msg, sizeof(msg), "%s no longer requires unique items", name);
		loosened(c, side, op, np, msg);
	}
}

static int required_has(const json_t *s, const char *name)
{
	const json_t *r = json_object_get(s, "required");

	for (size_t i = 0; json_is_array(r) && i < json_array_size(r); i++) {
		const char *x = json_string_value(json_array_get(r, i));
		if (x && !strcmp(x, name))
			return 1;
	}
	return 0;
}

/* Whether a property takes part on this side: readOnly ones are not sent in requests, writeOnly
 * ones not in responses (Schema Object "readOnly"/"writeOnly"). */
static int visible(const json_t *props, const char *name, enum side side)
{
	const json_t *p = json_object_get(props, name);

	if (!json_is_object(p))
		return p != NULL;
	return !true_get(p, side == REQUEST ? "readOnly" : "writeOnly");
}

static char *field_join(struct ctx *c, const char *field, const char *name)
{
	return *field ? str_printf(c, "%s.%s", field, name) : str_printf(c, "%s", name);
}

static void property_gone(struct ctx *c, enum side side, const json_t *os, const char *op,
                          const char *where, const char *f)
{
	int req = required_has(os, strrchr(f, '.') ? strrchr(f, '.') + 1 : f);

	if (side == REQUEST)
		add(c, req ? R_REQ_PROP_REQUIRED_REMOVED : R_REQ_PROP_REMOVED, op, NULL,
		    "%s %s removed", req ? "required" : "optional", lbl(c, where, f));
	else
		add(c, req ? R_RESP_PROP_REQUIRED_REMOVED : R_RESP_PROP_OPTIONAL_REMOVED, op, NULL,
		    "%s %s removed", req ? "required" : "optional", lbl(c, where, f));
}

static void property_new(struct ctx *c, enum side side, const json_t *ns, const char *np,
                         const char *where, const char *f, const char *name)
{
	int req = required_has(ns, name);

	if (side == REQUEST)
		add(c, req ? R_REQ_PROP_ADDED_REQUIRED : R_REQ_PROP_ADDED_OPTIONAL, NULL, np,
		    "%s %s added", req ? "required" : "optional", lbl(c, where, f));
	else
		add(c, req ? R_RESP_PROP_REQUIRED_ADDED : R_RESP_PROP_OPTIONAL_ADDED, NULL, np,
		    "%s %s added", req ? "required" : "optional", lbl(c, where, f));
}

static void diff_properties(struct ctx *c, enum side side, const json_t *os, const json_t *ns,
                            const char *op, const char *np, const char *where, const char *field,
                            int depth)
{
	const json_t *oprops = json_object_get(os, "properties");
	const json_t *nprops = json_object_get(ns, "properties");
	const char *name;
	json_t *v;
	char *opp = join(c, op, "properties"), *npp = join(c, np, "properties");

	json_object_foreach((json_t *)oprops, name, v)
	{
		char *f, *o1, *n1;
		int or, nr;
		if (c->oom || !visible(oprops, name, side))
			continue;
		f = field_join(c, field, name);
		o1 = join(c, opp, name);
		if (!f)
			break;
		if (!json_object_get(nprops, name) || !visible(nprops, name, side)) {
			property_gone(c, side, os, o1, where, f);
			free(f);
			free(o1);
			continue;
		}
		n1 = join(c, npp, name);
		or = required_has(os, name);
		nr = required_has(ns, name);
		if (! or &&nr)
			add(c,
			    side == REQUEST ? R_REQ_PROP_BECAME_REQUIRED
			                    : R_RESP_PROP_BECAME_REQUIRED,
			    o1, n1, "%s became required", lbl(c, where, f));
		else if (or &&!nr)
			add(c,
			    side == REQUEST ? R_REQ_PROP_BECAME_OPTIONAL
			                    : R_RESP_PROP_BECAME_OPTIONAL,
			    o1, n1, "%s became optional", lbl(c, where, f));
		diff_schema(c, side, v, json_object_get(nprops, name), o1, n1, where, f, depth + 1);
		free(f);
		free(o1);
		free(n1);
	}
	json_object_foreach((json_t *)nprops, name, v)
	{
		char *f, *n1;
		if (c->oom || !visible(nprops, name, side))
			continue;
		if (json_object_get(oprops, name) && visible(oprops, name, side))
			continue;
		f = field_join(c, field, name);
		n1 = join(c, npp, name);
		if (f)
			property_new(c, side, ns, n1, where, f, name);
		free(f);
		free(n1);
	}
	free(opp);
	free(npp);
}

/* additionalProperties: absent or true is open, false closed, an object constrains values. */
static void diff_additional(struct ctx *c, enum side side, const json_t *os, const json_t *ns,
                            const char *op, const char *np, const char *where, const char *field,
                            int depth)
{
	const json_t *o = json_object_get(os, "additionalProperties");
	const json_t *n = json_object_get(ns, "additionalProperties");
	int oopen = !o || json_is_true(o), nopen = !n || json_is_true(n);
	char msg[768];

	if (json_is_object(o) && json_is_object(n)) {
		char *o1 = join(c, op, "additionalProperties"),
		     *n1 = join(c, np, "additionalProperties");
		char *f = field_join(c, field, "*");
		if (f)
			diff_schema(c, side, o, n, o1, n1, where, f, depth + 1);
		free(f);
		free(o1);
		free(n1);
		return;
	}
	if (oopen == nopen && json_is_object(o) == json_is_object(n))
		return;
	snprintf(msg, sizeof(msg), "additional properties of %s %s", lbl(c, where, field),
	         nopen               ? "now allowed"
	         : json_is_object(n) ? "now constrained"
	                             : "no longer allowed");
	if (oopen && !nopen)
		tightened(c, side, R_REQ_TIGHTENED, op, np, msg);
	else
		loosened(c, side, op, np, msg);
}

/* allOf/anyOf/oneOf: subschemas paired by equal $ref first, then by position among the rest. */
#define MAX_SUBSCHEMAS 256

static void diff_combinator(struct ctx *c, enum side side, const json_t *os, const json_t *ns,
                            const char *op, const char *np, const char *where, const char *field,
                            int depth, const char *kw)
{
	const json_t *oa = json_object_get(os, kw), *na = json_object_get(ns, kw);
	size_t on = json_array_size(oa), nn = json_array_size(na), gone = 0, extra = 0;
	unsigned char oused[MAX_SUBSCHEMAS] = {0}, nused[MAX_SUBSCHEMAS] = {0};
	char *opk, *npk, msg[768];
	int conj = !strcmp(kw, "allOf");

	if (!on && !nn)
		return;
	if (!on || !nn) {
		snprintf(msg, sizeof(msg), "%s %s %s", kw, nn ? "added to" : "removed from",
		         lbl(c, where, field));
		if (nn)
			tightened(c, side, R_REQ_TIGHTENED, op, np, msg);
		else
			loosened(c, side, op, np, msg);
		return;
	}
	if (on > MAX_SUBSCHEMAS || nn > MAX_SUBSCHEMAS)
		return;
	opk = join(c, op, kw);
	npk = join(c, np, kw);
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < on && !c->oom; i++) {
			const json_t *x = json_array_get(oa, i);
			const char *xr = str_get(x, "$ref");
			size_t j = nn;
			char *o1, *n1;
			if (oused[i])
				continue;
			if (pass == 0 && xr) {
				for (j = 0; j < nn; j++) {
					const char *yr = str_get(json_array_get(na, j), "$ref");
					if (!nused[j] && yr && !strcmp(xr, yr))
						break;
				}
			} else if (pass == 1 && i < nn && !nused[i] &&
			           !(xr && str_get(json_array_get(na, i), "$ref"))) {
				j = i;
			}
			if (j == nn)
				continue;
			oused[i] = nused[j] = 1;
			o1 = join_index(c, opk, i);
			n1 = join_index(c, npk, j);
			diff_schema(c, side, x, json_array_get(na, j), o1, n1, where, field,
			            depth + 1);
			free(o1);
			free(n1);
		}
	}
	free(opk);
	free(npk);
	for (size_t i = 0; i < on; i++)
		gone += !oused[i];
	for (size_t j = 0; j < nn; j++)
		extra += !nused[j];
	if (gone) {
		snprintf(msg, sizeof(msg), "%s of %s lost %zu subschema(s)", kw,
		         lbl(c, where, field), gone);
		if (conj)
			loosened(c, side, op, np, msg);
		else
			tightened(c, side, R_REQ_TIGHTENED, op, np, msg);
	}
	if (extra) {
		snprintf(msg, sizeof(msg), "%s of %s gained %zu subschema(s)", kw,
		         lbl(c, where, field), extra);
		if (conj)
			tightened(c, side, R_REQ_TIGHTENED, op, np, msg);
		else
			loosened(c, side, op, np, msg);
	}
}

static void diff_schema(struct ctx *c, enum side side, const json_t *os, const json_t *ns,
                        const char *op, const char *np, const char *where, const char *field,
                        int depth)
{
	const char *opt = op, *npt = np;
	struct memo_ent *m = NULL;
	size_t before;
	int stop = 0, via_ref = has_ref(os) || has_ref(ns);
	char *name;

	if (c->oom || depth > CONTRACT_MAX_DEPTH || !os || !ns)
		return;
	os = deref(c->oroot, os, &opt);
	ns = deref(c->nroot, ns, &npt);
	if (!json_is_object(os) || !json_is_object(ns)) {
		/* 3.1 boolean schemas: true accepts everything, false nothing. */
		if (json_is_boolean(os) && json_is_boolean(ns) && !json_equal(os, ns)) {
			if (json_is_true(ns))
				loosened(c, side, opt, npt, "schema now accepts any value");
			else
				tightened(c, side, R_REQ_TIGHTENED, opt, npt,
				          "schema no longer accepts any value");
		}
		return;
	}
	if (via_ref) {
		if (!(m = memo_get(c, os, ns, side)))
			return;
		if (m->state == MEMO_BUSY || m->state == MEMO_CLEAN ||
		    (m->state == MEMO_DIRTY && m->op == c->op_seq))
			return;
		m->state = MEMO_BUSY;
	}
	before = c->out->count;
	name = str_printf(c, "%s", lbl(c, where, field));
	if (name) {
		diff_types(c, side, os, ns, opt, npt, name, &stop);
		if (!stop) {
			diff_format(c, side, os, ns, opt, npt, name);
			diff_enum(c, side, os, ns, opt, npt, name);
			diff_bound(c, side, os, ns, opt, npt, name, 1);
			diff_bound(c, side, os, ns, opt, npt, name, 0);
			diff_limits(c, side, os, ns, opt, npt, name);
			diff_misc(c, side, os, ns, opt, npt, name);
			diff_properties(c, side, os, ns, opt, npt, where, field, depth);
			diff_additional(c, side, os, ns, opt, npt, where, field, depth);
			if (json_object_get(os, "items") || json_object_get(ns, "items")) {
				char *o1 = join(c, opt, "items"), *n1 = join(c, npt, "items");
				char *f = str_printf(c, "%s[]", field);
				const json_t *oi = json_object_get(os, "items");
				const json_t *ni = json_object_get(ns, "items");
				if (f && oi && ni)
					diff_schema(c, side, oi, ni, o1, n1, where, f, depth + 1);
				free(f);
				free(o1);
				free(n1);
			}
			diff_combinator(c, side, os, ns, opt, npt, where, field, depth, "allOf");
			diff_combinator(c, side, os, ns, opt, npt, where, field, depth, "anyOf");
			diff_combinator(c, side, os, ns, opt, npt, where, field, depth, "oneOf");
		}
		free(name);
	}
	if (via_ref && (m = memo_get(c, os, ns, side))) {
		m->state = c->out->count > before ? MEMO_DIRTY : MEMO_CLEAN;
		m->op = c->op_seq;
	}
}

/* The schema of a parameter or header: its "schema", or the schema of its first media type. */
static const json_t *value_schema(const json_t *p, const char **which)
{
	const json_t *content = json_object_get(p, "content");
	const char *mt;
	json_t *v;

	if (json_object_get(p, "schema")) {
		*which = "schema";
		return json_object_get(p, "schema");
	}
	json_object_foreach((json_t *)content, mt, v)
	{
		*which = mt;
		return json_object_get(v, "schema");
	}
	return NULL;
}

static void diff_value_schema(struct ctx *c, enum side side, const json_t *o, const json_t *n,
                              const char *op, const char *np, const char *where)
{
	const char *ow = NULL, *nw = NULL;
	const json_t *os = value_schema(o, &ow), *ns = value_schema(n, &nw);
	char *o1, *n1, *o2 = NULL, *n2 = NULL;

	if (!os || !ns)
		return;
	if (strcmp(ow, "schema")) {
		o2 = join(c, op, "content");
		o1 = join(c, o2, ow);
		free(o2);
		o2 = o1;
		o1 = join(c, o2, "schema");
	} else {
		o1 = join(c, op, "schema");
	}
	if (strcmp(nw, "schema")) {
		n2 = join(c, np, "content");
		n1 = join(c, n2, nw);
		free(n2);
		n2 = n1;
		n1 = join(c, n2, "schema");
	} else {
		n1 = join(c, np, "schema");
	}
	diff_schema(c, side, os, ns, o1, n1, where, "", 0);
	free(o1);
	free(n1);
	free(o2);
	free(n2);
}

/* Parameters ----------------------------------------------------------------------------- */

#define MAX_PARAMS 256
#define MAX_TEMPLATE 64

/* A parameter in effect for an operation (path-item ones overridden by operation ones). */
struct param {
	const json_t *p; /* resolved */
	const char *name, *in;
	char *ptr; /* where it is listed */
	int pos;   /* path parameters: position in the template; else -1 */
	int used;
};

struct params {
	struct param v[MAX_PARAMS];
	size_t n;
};

/* The position of "{name}" among the template's parameters, or -1. */
static int template_pos(const char *path, const char *name)
{
	size_t len = strlen(name);
	int pos = 0;

	for (const char *s = strchr(path, '{'); s; s = strchr(s + 1, '{'), pos++) {
		const char *e = strchr(s, '}');
		if (!e)
			break;
		if ((size_t)(e - s - 1) == len && !strncmp(s + 1, name, len))
			return pos;
	}
	return -1;
}

static int same_param(const struct param *a, const struct param *b)
{
	if (strcmp(a->in, b->in))
		return 0;
	if (a->pos >= 0 || b->pos >= 0)
		return a->pos == b->pos;
	if (!strcmp(a->in, "header"))
		return !strcasecmp(a->name, b->name);
	return !strcmp(a->name, b->name);
}

static void params_collect(struct ctx *c, const json_t *root, const json_t *list, const char *base,
                           const char *path, struct params *ps)
{
	char *lp = join(c, base, "parameters");

	for (size_t i = 0; i < json_array_size(list) && !c->oom; i++) {
		const char *ignored = NULL;
		const json_t *p = deref(root, json_array_get(list, i), &ignored);
		struct param x = {p, str_get(p, "name"), str_get(p, "in"), NULL, -1, 0};
		size_t k;
		if (!x.name || !x.in)
			continue;
		if (!strcmp(x.in, "path"))
			x.pos = template_pos(path, x.name);
		for (k = 0; k < ps->n; k++)
			if (same_param(&ps->v[k], &x))
				break;
		if (k == ps->n) {
			if (ps->n == MAX_PARAMS)
				continue;
			ps->n++;
		} else {
			free(ps->v[k].ptr);
		}
		x.ptr = join_index(c, lp, i);
		ps->v[k] = x;
	}
	free(lp);
}

static void params_release(struct params *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		free(ps->v[i].ptr);
	ps->n = 0;
}

static int param_required(const struct param *p)
{
	return !strcmp(p->in, "path") || true_get(p->p, "required");
}

/* Parameter Object, "Style Values": defaults form for query/cookie, simple otherwise;
 * explode defaults to true for form only. */
static void param_style(const struct param *p, const char **style, int *explode)
{
	const json_t *e = json_object_get(p->p, "explode");

	*style = str_get(p->p, "style");
	if (!*style)
		*style = !strcmp(p->in, "query") || !strcmp(p->in, "cookie") ? "form" : "simple";
	*explode = json_is_boolean(e) ? json_is_true(e) : !strcmp(*style, "form");
}

static void diff_param(struct ctx *c, struct param *o, struct param *n)
{
	int orq = param_required(o), nrq = param_required(n), oe, ne;
	const char *ost, *nst;
	char *where = str_printf(c, "request parameter '%s' in %s", n->name, n->in);

	if (!where)
		return;
	if (!orq && nrq)
		add(c, R_PARAM_BECAME_REQUIRED, o->ptr, n->ptr, "%s became required", where);
	else if (orq && !nrq)
		add(c, R_PARAM_BECAME_OPTIONAL, o->ptr, n->ptr, "%s became optional", where);
	param_style(o, &ost, &oe);
	param_style(n, &nst, &ne);
	if (strcmp(ost, nst) || oe != ne)
		add(c, R_PARAM_STYLE_CHANGED, o->ptr, n->ptr,
		    "serialisation of %s changed from %s%s to %s%s", where, ost,
		    oe ? " exploded" : "", nst, ne ? " exploded" : "");
	diff_value_schema(c, REQUEST, o->p, n->p, o->ptr, n->ptr, where);
	free(where);
}

static void diff_params(struct ctx *c, struct params *ops, struct params *nps)
{
	for (size_t i = 0; i < ops->n && !c->oom; i++) {
		struct param *o = &ops->v[i];
		for (size_t j = 0; j < nps->n; j++) {
			if (!nps->v[j].used && same_param(o, &nps->v[j])) {
				o->used = nps->v[j].used = 1;
				diff_param(c, o, &nps->v[j]);
				break;
			}
		}
	}
	for (size_t i = 0; i < ops->n && !c->oom; i++) {
		struct param *o = &ops->v[i];
		size_t j;
		if (o->used)
			continue;
		for (j = 0; j < nps->n; j++)
			if (!nps->v[j].used && !strcmp(o->name, nps->v[j].name))
				break;
		if (j < nps->n) {
			nps->v[j].used = 1;
			add(c, R_PARAM_LOCATION_CHANGED, o->ptr, nps->v[j].ptr,
			    "request parameter '%s' moved from %s to %s", o->name, o->in,
			    nps->v[j].in);
		} else if (param_required(o)) {
			add(c, R_PARAM_REQUIRED_REMOVED, o->ptr, NULL,
			    "required request parameter '%s' in %s removed", o->name, o->in);
		} else {
			add(c, R_PARAM_REMOVED, o->ptr, NULL,
			    "request parameter '%s' in %s removed", o->name, o->in);
		}
	}
	for (size_t j = 0; j < nps->n && !c->oom; j++) {
		struct param *n = &nps->v[j];
		if (n->used)
			continue;
		if (param_required(n))
			add(c, R_PARAM_ADDED_REQUIRED, NULL, n->ptr,
			    "required request parameter '%s' in %s added", n->name, n->in);
		else
			add(c, R_PARAM_ADDED_OPTIONAL, NULL, n->ptr,
			    "optional request parameter '%s' in %s added", n->name, n->in);
	}
}

/* Bodies and responses ------------------------------------------------------------------- */

static void diff_content(struct ctx *c, enum side side, const json_t *o, const json_t *n,
                         const char *op, const char *np, const char *where)
{
	const json_t *oc = json_object_get(o, "content"), *nc = json_object_get(n, "content");
	char *ocp = join(c, op, "content"), *ncp = join(c, np, "content");
	const char *mt;
	json_t *v;

	json_object_foreach((json_t *)oc, mt, v)
	{
		const json_t *nv = json_object_get(nc, mt);
		char *o1 = join(c, ocp, mt), *n1, *o2, *n2;
		if (c->oom)
			break;
		if (!nv) {
			add(c, side == REQUEST ? R_REQ_MEDIA_REMOVED : R_RESP_MEDIA_REMOVED, o1,
			    NULL, "media type '%s' removed from %s", mt, where);
			free(o1);
			continue;
		}
		n1 = join(c, ncp, mt);
		o2 = join(c, o1, "schema");
		n2 = join(c, n1, "schema");
		if (json_object_get(v, "schema") && json_object_get(nv, "schema"))
			diff_schema(c, side, json_object_get(v, "schema"),
			            json_object_get(nv, "schema"), o2, n2, where, "", 0);
		free(o1);
		free(n1);
		free(o2);
		free(n2);
	}
	json_object_foreach((json_t *)nc, mt, v)
	{
		char *n1;
		if (c->oom || json_object_get(oc, mt))
			continue;
		n1 = join(c, ncp, mt);
		add(c, side == REQUEST ? R_REQ_MEDIA_ADDED : R_RESP_MEDIA_ADDED, NULL, n1,
		    "media type '%s' added to %s", mt, where);
		free(n1);
	}
	free(ocp);
	free(ncp);
}

static void diff_body(struct ctx *c, const json_t *oop, const json_t *nop, const char *op,
                      const char *np)
{
	char *ob = join(c, op, "requestBody"), *nb = join(c, np, "requestBody");
	const char *obp = ob, *nbp = nb;
	const json_t *o = json_object_get(oop, "requestBody"),
	             *n = json_object_get(nop, "requestBody");
	int orq, nrq;

	o = o ? deref(c->oroot, o, &obp) : NULL;
	n = n ? deref(c->nroot, n, &nbp) : NULL;
	orq = true_get(o, "required");
	nrq = true_get(n, "required");
	if (!o && n) {
		add(c, nrq ? R_BODY_ADDED_REQUIRED : R_BODY_ADDED_OPTIONAL, NULL, nb,
		    "%s request body added", nrq ? "required" : "optional");
	} else if (o && !n) {
		add(c, orq ? R_BODY_REQUIRED_REMOVED : R_BODY_REMOVED, ob, NULL,
		    "%s request body removed", orq ? "required" : "optional");
	} else if (o && n) {
		if (!orq && nrq)
			add(c, R_BODY_BECAME_REQUIRED, ob, nb, "request body became required");
		else if (orq && !nrq)
			add(c, R_BODY_BECAME_OPTIONAL, ob, nb, "request body became optional");
		diff_content(c, REQUEST, o, n, obp, nbp, "request body");
	}
	free(ob);
	free(nb);
}

static void diff_headers(struct ctx *c, const json_t *o, const json_t *n, const char *op,
                         const char *np, const char *status)
{
	const json_t *oh = json_object_get(o, "headers"), *nh = json_object_get(n, "headers");
	char *ohp = join(c, op, "headers"), *nhp = join(c, np, "headers");
	const char *name, *nname;
	json_t *v, *nv;

	json_object_foreach((json_t *)oh, name, v)
	{
		const json_t *match = NULL;
		char *o1 = join(c, ohp, name), *n1 = NULL, *where;
		if (c->oom)
			break;
		json_object_foreach((json_t *)nh, nname, nv)
		{
			if (!strcasecmp(name, nname)) {
				match = nv;
				n1 = join(c, nhp, nname);
				break;
			}
		}
		if (!match) {
			add(c, R_RESP_HEADER_REMOVED, o1, NULL,
			    "header '%s' removed from response %s", name, status);
		} else if ((where = str_printf(c, "response %s header '%s'", status, name))) {
			const char *op1 = o1, *np1 = n1;
			const json_t *ov = deref(c->oroot, v, &op1),
			             *nv1 = deref(c->nroot, match, &np1);
			diff_value_schema(c, RESPONSE, ov, nv1, op1, np1, where);
			free(where);
		}
		free(o1);
		free(n1);
	}
	json_object_foreach((json_t *)nh, nname, nv)
	{
		int found = 0;
		const char *ignored = NULL;
		if (c->oom)
			break;
		json_object_foreach((json_t *)oh, name, v)
		{
			if (!strcasecmp(name, nname)) {
				found = 1;
				break;
			}
		}
		if (!found && true_get(deref(c->nroot, nv, &ignored), "required")) {
			char *n1 = join(c, nhp, nname);
			add(c, R_RESP_HEADER_ADDED, NULL, n1,
			    "required header '%s' added to response %s", nname, status);
			free(n1);
		}
	}
	free(ohp);
	free(nhp);
}

static void diff_responses(struct ctx *c, const json_t *oop, const json_t *nop, const char *op,
                           const char *np)
{
	const json_t *ors = json_object_get(oop, "responses"),
	             *nrs = json_object_get(nop, "responses");
	char *orp = join(c, op, "responses"), *nrp = join(c, np, "responses");
	const char *status;
	json_t *v;

	json_object_foreach((json_t *)ors, status, v)
	{
		const json_t *nv = json_object_get(nrs, status);
		char *o1 = join(c, orp, status), *n1, *where;
		const char *op1 = o1, *np1;
		if (c->oom)
			break;
		if (!nv) {
			if (status[0] == '2')
				add(c, R_RESP_SUCCESS_REMOVED, o1, NULL,
				    "success response %s removed", status);
			else
				add(c, R_RESP_STATUS_REMOVED, o1, NULL, "response %s removed",
				    status);
			free(o1);
			continue;
		}
		n1 = join(c, nrp, status);
		np1 = n1;
		where = str_printf(c, "response %s", status);
		if (where) {
			const json_t *ov = deref(c->oroot, v, &op1),
			             *nv1 = deref(c->nroot, nv, &np1);
			diff_headers(c, ov, nv1, op1, np1, status);
			diff_content(c, RESPONSE, ov, nv1, op1, np1, where);
		}
		free(where);
		free(o1);
		free(n1);
	}
	json_object_foreach((json_t *)nrs, status, v)
	{
		char *n1;
		if (c->oom || json_object_get(ors, status))
			continue;
		n1 = join(c, nrp, status);
		add(c, R_RESP_STATUS_ADDED, NULL, n1, "response %s added", status);
		free(n1);
	}
	free(orp);
	free(nrp);
}

/* Security ------------------------------------------------------------------------------- */

#define MAX_ALTERNATIVES 64

/* One alternative of a Security Requirement list as text: scheme names sorted, each with its
 * sorted scopes ("k[]&t[read,write]"); "" for the empty requirement (anonymous access). */
struct alternatives {
	char *key[MAX_ALTERNATIVES];
	size_t n;
	int anonymous;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static char *alternative_key(struct ctx *c, const json_t *req)
{
	const char *names[MAX_ALTERNATIVES], *scopes[MAX_ALTERNATIVES];
	size_t nn = 0, len = 0, cap = 64;
	const char *name;
	json_t *v;
	char *s = malloc(cap);

	if (!s) {
		c->oom = 1;
		return NULL;
	}
	s[0] = '\0';
	json_object_foreach((json_t *)req, name, v)
	{
		if (nn < MAX_ALTERNATIVES)
			names[nn++] = name;
	}
	qsort(names, nn, sizeof(names[0]), cmp_str);
	for (size_t i = 0; i < nn; i++) {
		const json_t *sc = json_object_get(req, names[i]);
		size_t ns = 0;
		for (size_t k = 0; k < json_array_size(sc) && ns < MAX_ALTERNATIVES; k++)
			if (json_string_value(json_array_get(sc, k)))
				scopes[ns++] = json_string_value(json_array_get(sc, k));
		qsort(scopes, ns, sizeof(scopes[0]), cmp_str);
		for (size_t k = 0; k <= ns; k++) {
			const char *part = k == 0 ? names[i] : scopes[k - 1];
			const char *pre = k == 0 ? (i ? "&" : "") : (k == 1 ? "" : ",");
			size_t need = len + strlen(pre) + strlen(part) + 4;
			if (need > cap) {
				char *t = realloc(s, need * 2);
				if (!t) {
					free(s);
					c->oom = 1;
					return NULL;
				}
				s = t;
				cap = need * 2;
			}
			len += (size_t)snprintf(s + len, cap - len, "%s%s", pre, part);
			if (k == 0)
				len += (size_t)snprintf(s + len, cap - len, "[");
			if (k == ns)
				len += (size_t)snprintf(s + len, cap - len, "]");
		}
	}
	return s;
}

static void alternatives_get(struct ctx *c, const json_t *list, struct alternatives *a)
{
	a->n = 0;
	a->anonymous = json_array_size(list) == 0;
	for (size_t i = 0; i < json_array_size(list) && a->n < MAX_ALTERNATIVES; i++) {
		char *k = alternative_key(c, json_array_get(list, i));
		if (!k)
			return;
		if (!*k)
			a->anonymous = 1;
		a->key[a->n++] = k;
	}
}

static void alternatives_release(struct alternatives *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->key[i]);
	a->n = 0;
}

static int alternatives_has(const struct alternatives *a, const char *key)
{
	for (size_t i = 0; i < a->n; i++)
		if (!strcmp(a->key[i], key))
			return 1;
	return 0;
}

/* The security in effect for an operation: its own list, else the document's; *ptr says where. */
static const json_t *security_of(struct ctx *c, const json_t *root, const json_t *opn,
                                 const char *op, char **ptr)
{
	const json_t *s = json_object_get(opn, "security");

	if (s) {
		*ptr = join(c, op, "security");
		return s;
	}
	s = json_object_get(root, "security");
	*ptr = s ? str_printf(c, "/security") : NULL;
	return s;
}

static void diff_security(struct ctx *c, const json_t *oop, const json_t *nop, const char *op,
                          const char *np)
{
	char *osp = NULL, *nsp = NULL;
	const json_t *os = security_of(c, c->oroot, oop, op, &osp);
	const json_t *ns = security_of(c, c->nroot, nop, np, &nsp);
	struct alternatives oa, na;

	alternatives_get(c, os, &oa);
	alternatives_get(c, ns, &na);
	if (oa.anonymous && !na.anonymous)
		add(c, R_SEC_REQUIREMENT_ADDED, osp, nsp, "security now required");
	else if (!oa.anonymous && na.anonymous)
		add(c, R_SEC_REQUIREMENT_REMOVED, osp, nsp, "security no longer required");
	for (size_t i = 0; i < oa.n && !na.anonymous; i++)
		if (*oa.key[i] && !alternatives_has(&na, oa.key[i]))
			add(c, R_SEC_ALTERNATIVE_REMOVED, osp, nsp,
			    "security requirement '%s' removed", oa.key[i]);
	for (size_t i = 0; i < na.n && !oa.anonymous; i++)
		if (*na.key[i] && !alternatives_has(&oa, na.key[i]))
			add(c, R_SEC_ALTERNATIVE_ADDED, osp, nsp, "security requirement '%s' added",
			    na.key[i]);
	alternatives_release(&oa);
	alternatives_release(&na);
	free(osp);
	free(nsp);
}

static int str_differ(const json_t *o, const json_t *n, const char *key, int nocase)
{
	const char *a = str_get(o, key), *b = str_get(n, key);

	if (!a || !b)
		return a != b;
	return nocase ? strcasecmp(a, b) != 0 : strcmp(a, b) != 0;
}

static void diff_schemes(struct ctx *c)
{
	const json_t *os =
	    json_object_get(json_object_get(c->oroot, "components"), "securitySchemes");
	const json_t *ns =
	    json_object_get(json_object_get(c->nroot, "components"), "securitySchemes");
	const char *name;
	json_t *v;

	json_object_foreach((json_t *)os, name, v)
	{
		const json_t *nv = json_object_get(ns, name);
		char *p = join(c, "/components/securitySchemes", name);
		const char *op1 = p, *np1 = p;
		if (!p)
			break;
		if (!nv) {
			add(c, R_SEC_SCHEME_REMOVED, p, NULL, "security scheme '%s' removed", name);
		} else {
			const json_t *a = deref(c->oroot, v, &op1), *b = deref(c->nroot, nv, &np1);
			if (str_differ(a, b, "type", 0) || str_differ(a, b, "in", 0) ||
			    str_differ(a, b, "name", 0) || str_differ(a, b, "scheme", 1))
				add(c, R_SEC_SCHEME_CHANGED, op1, np1,
				    "security scheme '%s' changed", name);
		}
		free(p);
	}
	json_object_foreach((json_t *)ns, name, v)
	{
		char *p;
		if (c->oom || json_object_get(os, name))
			continue;
		p = join(c, "/components/securitySchemes", name);
		add(c, R_SEC_SCHEME_ADDED, NULL, p, "security scheme '%s' added", name);
		free(p);
	}
}

static int server_listed(const json_t *servers, const char *url)
{
	for (size_t i = 0; i < json_array_size(servers); i++) {
		const char *u = str_get(json_array_get(servers, i), "url");
		if (u && !strcmp(u, url))
			return 1;
	}
	return 0;
}

static void diff_servers(struct ctx *c)
{
	const json_t *os = json_object_get(c->oroot, "servers");
	const json_t *ns = json_object_get(c->nroot, "servers");

	for (size_t i = 0; i < json_array_size(os) && !c->oom; i++) {
		const char *u = str_get(json_array_get(os, i), "url");
		if (u && !server_listed(ns, u)) {
			char *p = join_index(c, "/servers", i);
			add(c, R_SERVER_REMOVED, p, NULL, "server '%s' removed", u);
			free(p);
		}
	}
	for (size_t i = 0; i < json_array_size(ns) && !c->oom; i++) {
		const char *u = str_get(json_array_get(ns, i), "url");
		if (u && !server_listed(os, u)) {
			char *p = join_index(c, "/servers", i);
			add(c, R_SERVER_ADDED, NULL, p, "server '%s' added", u);
			free(p);
		}
	}
}

/* Operations and paths ------------------------------------------------------------------- */

static const char *const methods[] = {"get",     "put",  "post",  "delete",
                                      "options", "head", "patch", "trace"};
#define NMETHODS (sizeof(methods) / sizeof(methods[0]))

/* The operation's subject: its operationId, else "METHOD /path". malloc'd. */
static char *subject_of(struct ctx *c, const json_t *opn, const char *method, const char *path)
{
	const char *id = str_get(opn, "operationId");
	char upper[8];
	size_t i;

	if (id)
		return str_printf(c, "%s", id);
	for (i = 0; method[i] && i < sizeof(upper) - 1; i++)
		upper[i] = (char)(method[i] - 'a' + 'A');
	upper[i] = '\0';
	return str_printf(c, "%s %s", upper, path);
}

/* The parameter names of a path template in order, for renames. */
static size_t template_names(const char *path, const char **names, size_t *lens)
{
	size_t n = 0;

	for (const char *s = strchr(path, '{'); s && n < MAX_TEMPLATE; s = strchr(s + 1, '{')) {
		const char *e = strchr(s, '}');
		if (!e)
			break;
		names[n] = s + 1;
		lens[n++] = (size_t)(e - s - 1);
	}
	return n;
}

static void diff_operation(struct ctx *c, const char *method, const char *opath, const char *npath,
                           const json_t *oitem, const json_t *nitem, const char *oip,
                           const char *nip)
{
	const json_t *oop = json_object_get(oitem, method), *nop = json_object_get(nitem, method);
	char *op = join(c, oip, method), *np = join(c, nip, method);
	const char *oid = str_get(oop, "operationId"), *nid = str_get(nop, "operationId");
	const char *on[MAX_TEMPLATE], *nn[MAX_TEMPLATE];
	size_t ol[MAX_TEMPLATE], nl[MAX_TEMPLATE], ont, nnt;
	struct params *ops = NULL, *nps = NULL;

	c->op_seq++;
	c->subject = subject_of(c, oid ? oop : nop, method, opath);
	if (!c->subject)
		goto out;
	if (!true_get(oop, "deprecated") && true_get(nop, "deprecated"))
		add(c, R_OPERATION_DEPRECATED, op, np, "operation deprecated");
	else if (true_get(oop, "deprecated") && !true_get(nop, "deprecated"))
		add(c, R_OPERATION_REACTIVATED, op, np, "operation no longer deprecated");
	if (oid && (!nid || strcmp(oid, nid)))
		add(c, R_OPERATION_ID_CHANGED, op, np, "operationId changed from '%s' to '%s'", oid,
		    nid ? nid : "");
	ont = template_names(opath, on, ol);
	nnt = template_names(npath, nn, nl);
	for (size_t i = 0; i < ont && i < nnt; i++)
		if (ol[i] != nl[i] || strncmp(on[i], nn[i], ol[i]))
			add(c, R_PATH_PARAMETER_RENAMED, op, np,
			    "path parameter '%.*s' renamed to '%.*s'", (int)ol[i], on[i],
			    (int)nl[i], nn[i]);
	ops = calloc(1, sizeof(*ops));
	nps = calloc(1, sizeof(*nps));
	if (!ops || !nps) {
		c->oom = 1;
		goto out;
	}
	params_collect(c, c->oroot, json_object_get(oitem, "parameters"), oip, opath, ops);
	params_collect(c, c->oroot, json_object_get(oop, "parameters"), op, opath, ops);
	params_collect(c, c->nroot, json_object_get(nitem, "parameters"), nip, npath, nps);
	params_collect(c, c->nroot, json_object_get(nop, "parameters"), np, npath, nps);
	diff_params(c, ops, nps);
	diff_body(c, oop, nop, op, np);
	diff_responses(c, oop, nop, op, np);
	diff_security(c, oop, nop, op, np);
out:
	if (ops)
		params_release(ops);
	if (nps)
		params_release(nps);
	free(ops);
	free(nps);
	free((char *)c->subject);
	c->subject = NULL;
	free(op);
	free(np);
}

/* Every operation of a path item that exists on one side only. */
static void one_sided(struct ctx *c, const json_t *item, const char *path, const char *ip,
                      enum rule r, int old_side, const char *only)
{
	int any = 0;

	for (size_t m = 0; m < NMETHODS && !c->oom; m++) {
		const json_t *opn = json_object_get(item, methods[m]);
		char *p, *subj;
		if (!json_is_object(opn) || (only && strcmp(only, methods[m])))
			continue;
		any = 1;
		p = join(c, ip, methods[m]);
		subj = subject_of(c, opn, methods[m], path);
		c->subject = subj;
		add(c, r, old_side ? p : NULL, old_side ? NULL : p, "%s %s %s", methods[m], path,
		    r == R_PATH_REMOVED || r == R_OPERATION_REMOVED ? "removed" : "added");
		c->subject = NULL;
		free(subj);
		free(p);
	}
	if (!any && (r == R_PATH_REMOVED || r == R_PATH_ADDED))
		add(c, r, old_side ? ip : NULL, old_side ? NULL : ip, "path %s %s", path,
		    r == R_PATH_REMOVED ? "removed" : "added");
}

/* "/users/{id}" -> "/users/{}": templates that differ only in parameter names are one path. */
static char *path_norm(struct ctx *c, const char *path)
{
	size_t n = strlen(path), j = 0;
	char *s = malloc(n + 1);
	int in = 0;

	if (!s) {
		c->oom = 1;
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (path[i] == '{')
			in = 1, s[j++] = '{';
		else if (path[i] == '}')
			in = 0, s[j++] = '}';
		else if (!in)
			s[j++] = path[i];
	}
	s[j] = '\0';
	return s;
}

static void diff_item(struct ctx *c, const char *opath, const char *npath, const json_t *oitem,
                      const json_t *nitem)
{
	char *oip = join(c, "/paths", opath), *nip = join(c, "/paths", npath);
	const char *oipr = oip, *nipr = nip;

	oitem = deref(c->oroot, oitem, &oipr);
	nitem = deref(c->nroot, nitem, &nipr);
	for (size_t m = 0; m < NMETHODS && !c->oom; m++) {
		const json_t *oop = json_object_get(oitem, methods[m]);
		const json_t *nop = json_object_get(nitem, methods[m]);
		if (json_is_object(oop) && json_is_object(nop)) {
			diff_operation(c, methods[m], opath, npath, oitem, nitem, oipr, nipr);
		} else if (json_is_object(oop) || json_is_object(nop)) {
			int old_side = json_is_object(oop);
			one_sided(c, old_side ? oitem : nitem, old_side ? opath : npath,
			          old_side ? oipr : nipr,
			          old_side ? R_OPERATION_REMOVED : R_OPERATION_ADDED, old_side,
			          methods[m]);
		}
	}
	free(oip);
	free(nip);
}

/* The new path an old one continues as: the same key, else the first unmatched new path with the
 * same normalised template that is not itself an old key. NULL when none. */
static const char *path_match(struct ctx *c, const json_t *op, const json_t *np,
                              const json_t *index, json_t *matched, const char *path)
{
	const json_t *cands;
	char *norm;

	if (json_object_get(np, path))
		return path;
	norm = path_norm(c, path);
	if (!norm)
		return NULL;
	cands = json_object_get(index, norm);
	free(norm);
	for (size_t i = 0; i < json_array_size(cands); i++) {
		const char *k = json_string_value(json_array_get(cands, i));
		if (!json_object_get(op, k) && !json_object_get(matched, k))
			return k;
	}
	return NULL;
}

static void diff_paths(struct ctx *c)
{
	const json_t *op = json_object_get(c->oroot, "paths"),
	             *np = json_object_get(c->nroot, "paths");
	json_t *index = json_object();   /* normalised template -> [new keys] */
	json_t *matched = json_object(); /* new keys matched with an old one */
	const char *path;
	json_t *v;

	if (!index || !matched) {
		c->oom = 1;
		goto out;
	}
	json_object_foreach((json_t *)np, path, v)
	{
		char *norm = path_norm(c, path);
		json_t *list;
		if (!norm)
			goto out;
		list = json_object_get(index, norm);
		if (!list && json_object_set_new(index, norm, list = json_array()))
			c->oom = 1;
		if (!list || json_array_append_new(list, json_string(path)))
			c->oom = 1;
		free(norm);
		if (c->oom)
			goto out;
	}
	json_object_foreach((json_t *)op, path, v)
	{
		const char *npath = path_match(c, op, np, index, matched, path);
		if (c->oom)
			goto out;
		if (npath) {
			if (json_object_set_new(matched, npath, json_true()))
				c->oom = 1;
			diff_item(c, path, npath, v, json_object_get(np, npath));
		} else {
			char *ip = join(c, "/paths", path);
			const char *ipr = ip;
			one_sided(c, deref(c->oroot, v, &ipr), path, ipr, R_PATH_REMOVED, 1, NULL);
			free(ip);
		}
	}
	json_object_foreach((json_t *)np, path, v)
	{
		char *ip;
		const char *ipr;
		if (c->oom)
			break;
		if (json_object_get(matched, path))
			continue;
		ip = join(c, "/paths", path);
		ipr = ip;
		one_sided(c, deref(c->nroot, v, &ipr), path, ipr, R_PATH_ADDED, 0, NULL);
		free(ip);
	}
out:
	json_decref(index);
	json_decref(matched);
}

static int is_openapi(const json_t *doc)
{
	const char *v = str_get(doc, "openapi");

	return json_is_object(doc) && v && !strncmp(v, "3.", 2) &&
	       (!json_object_get(doc, "paths") || json_is_object(json_object_get(doc, "paths")));
}

int compat_openapi_diff(const json_t *old_doc, const json_t *new_doc, struct dw_changes *out)
{
	struct ctx c;

	if (!is_openapi(old_doc) || !is_openapi(new_doc))
		return DW_INVALID;
	memset(&c, 0, sizeof(c));
	c.oroot = old_doc;
	c.nroot = new_doc;
	c.out = out;
	diff_servers(&c);
	diff_schemes(&c);
	diff_paths(&c);
	free(c.memo);
	return c.oom || out->oom ? DW_NOMEM : 0;
}
