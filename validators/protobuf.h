/*
 * protobuf: our own reader of Protocol Buffers schema text (.proto files, the proto2 and proto3
 * grammars of the Protobuf language specification, and "edition" files read with the same
 * grammar), its semantic checks, the AST it produces and the canonical text printer that makes
 * fingerprints ignore whitespace and comments.
 *
 * A registered protobuf contract is a JSON string holding the .proto text. protobuf_parse reads
 * it in two passes: a tokenizer plus recursive-descent parser (the first syntax error ends the
 * parse: one finding), then semantic checks that report every problem. Every finding carries the
 * line and column (1-based, columns in characters) inside the .proto text, and base_pointer as
 * its JSON pointer. Nesting (messages, option aggregates) is bounded by PROTOBUF_MAX_DEPTH, so
 * no input overflows the stack.
 *
 * The AST (a jansson object; every "line"/"col" is where the element starts):
 *   {"syntax": "proto2"|"proto3"|"editions", "edition"?: "2023", "package": "a.b"|null,
 *    "imports": [{"path", "kind": ""|"public"|"weak", "reference": bool, "line", "col"}],
 *    "options": {name: value}, "messages": [message], "enums": [enum],
 *    "services": [{"name", "fullName", "options", "rpcs": [{"name", "input", "inputStream",
 *                  "output", "outputStream", "options", "line", "col"}], "line", "col"}],
 *    "extends": [extend]}
 *   message: {"name", "fullName", "fields": [field], "oneofs": [{"name", "options", "line",
 *             "col"}], "reserved": {"numbers": [[from, to]], "names": [...]},
 *             "extensions": [[from, to]], "messages": [message], "enums": [enum],
 *             "extends": [extend], "options": {...}, "group"?: true, "line", "col"}
 *   field:   {"name", "number", "label": ""|"optional"|"required"|"repeated", "type" (as
 *             written; "map<K, V>" for maps), "kind": "scalar"|"message"|"enum"|"map"|"group"|
 *             "unresolved", "typeFullName"? (resolved message/enum, no leading dot), "oneof"?
 *             (the oneof's name; oneof members are in "fields" too, in declaration order),
 *             "map"?: {"key", "value", "valueKind", "valueFullName"?}, "options": {...},
 *             "line", "col"}
 *   enum:    {"name", "fullName", "values": [{"name", "number", "options", "line", "col"}],
 *             "reserved": {...}, "options": {...}, "line", "col"}
 *   extend:  {"extendee", "fields": [field], "line", "col"}
 * Option values: a string literal is a JSON string, an integer an integer, a float a real,
 * true/false booleans; identifiers and integers beyond 64-bit signed are {"literal": "text"},
 * aggregates {"aggregate": "{ a: 1 }"} (normalised text format). A group is a field of kind
 * "group" plus a nested message with "group": true. "max" in a reserved or extensions range is
 * 536870911 (field numbers) or 2147483647 (enum values).
 *
 * Type references resolve per the specification's scoping: a leading dot is fully qualified,
 * otherwise the innermost enclosing scope (nested messages, then the package and its parents)
 * that defines the first name component decides. Imports under google/protobuf/ provide the
 * well-known types. Other imported files are seen only when given: protobuf_parse_with takes
 * their texts (Confluent's schema references) and makes the messages and enums of each directly
 * imported file visible (with that file's package; nested ones too), plus those of the files it
 * imports with "import public"; imports are not transitive otherwise, as in protoc. protobuf_parse
 * takes import paths by name only (refs[]): such imports count as resolved, their types unseen.
 * A type found nowhere is a warning while some import is not given (or given by name only, or
 * given with a text that does not parse), an error once every import is given with its text.
 *
 * Ownership: protobuf_parse's *ast is a new reference (NULL on failure); protobuf_canonical
 * returns malloc'd text. Inputs are borrowed.
 */
#ifndef DW_PROTOBUF_H
#define DW_PROTOBUF_H

#include <stddef.h>

#include <jansson.h>

#include "validators/findings.h"

#define PROTOBUF_MAX_DEPTH 64
#define PROTOBUF_MAX_FIELD 536870911
#define PROTOBUF_MAX_TEXT (16u * 1024 * 1024)

/*
 * Parses text[0..len) (need not be NUL-terminated; at most PROTOBUF_MAX_TEXT bytes). refs lists
 * the import paths given as references (nrefs of them; refs may be NULL). Findings go to out
 * with base_pointer (NULL for ""). Returns 0 and sets *ast (warnings may have been added),
 * DW_INVALID (error findings added, *ast NULL) or DW_NOMEM.
 */
int protobuf_parse(const char *text, size_t len, const char *const *refs, size_t nrefs,
                   const char *base_pointer, struct dw_findings *out, json_t **ast);

/* An imported file given with its text: path as the import statement writes it
 * ("acme/address.proto"), text[0..len) its .proto text (borrowed). */
struct protobuf_import {
	const char *path;
	const char *text;
	size_t len;
};

/*
 * protobuf_parse with the imported files' texts (nimports of them; imports may be NULL when 0):
 * each is parsed first, its imports counting as given by name; its errors become findings of
 * out naming the import (the finding's file is the path, the message starts "import 'path': ",
 * line:col inside that file) and make the result DW_INVALID; its warnings are dropped. The AST
 * marks every import given here with "reference": true; fields whose types come from an imported
 * file get their proper "kind" and "typeFullName". Same results as protobuf_parse.
 */
int protobuf_parse_with(const char *text, size_t len, const struct protobuf_import *imports,
                        size_t nimports, const char *base_pointer, struct dw_findings *out,
                        json_t **ast);

/* contract_validate's checker: the contract must be a JSON string of .proto text. */
int protobuf_validate(const json_t *contract, const char *base, struct dw_findings *out);

/*
 * The canonical text of an AST from protobuf_parse: one statement per line, two-space
 * indentation, comments dropped, strings re-escaped, options in the order written; within a
 * message: options, fields and oneofs, reserved, extensions, enums, messages, extends; at the
 * top: syntax, package, imports, options, messages, enums, extends, services. malloc'd; NULL on
 * out of memory.
 */
char *protobuf_canonical(const json_t *ast);

/* Parses a contract (JSON string) without references into *ast; DW_INVALID when it is not a
 * string or does not parse. No findings are kept. */
int protobuf_contract_ast(const json_t *contract, json_t **ast);

/* AST queries shared by the checks and the compatibility engine: 1 when n is inside one of
 * ranges ([[from, to], ...], both ends included, as "reserved" and "extensions" hold them),
 * when name is one of the strings of names; else 0. */
int protobuf_in_ranges(const json_t *ranges, json_int_t n);
int protobuf_in_names(const json_t *names, const char *name);

#endif
