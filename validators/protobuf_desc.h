/*
 * protobuf_desc: our own reader and writer of google.protobuf.FileDescriptorProto in the
 * Protocol Buffers binary wire format (the encoding spec: varints, the tag (field_number << 3) |
 * wire_type, length-delimited strings and messages, packed repeated scalars), for the
 * messages and field numbers of descriptor.proto: FileDescriptorProto, DescriptorProto (with
 * its ExtensionRange and ReservedRange), FieldDescriptorProto, OneofDescriptorProto,
 * EnumDescriptorProto (with EnumReservedRange), EnumValueDescriptorProto,
 * ServiceDescriptorProto, MethodDescriptorProto and the built-in options of *Options (custom
 * options, which are extensions, and editions' "features" are not read: a warning each).
 * Confluent's serializers exchange Protobuf schemas in this form (base64 of the bytes), so the
 * Confluent-compatible API turns it into .proto text and back.
 *
 * Reading (protobuf_desc_to_ast) produces the AST of protobuf.h without positions ("line" and
 * "col" are left out), which protobuf_canonical prints as .proto text:
 *   - syntax from "syntax" (absent: proto2) or "editions" with edition 2023/2024;
 *   - dependency entries become imports ("public"/"weak" from public_dependency and
 *     weak_dependency);
 *   - a nested message with the map_entry option referenced by a repeated field of its
 *     enclosing message becomes that field's map<K, V> type (the entry is not a message of
 *     the AST);
 *   - oneof members are grouped by oneof_index; a oneof whose members all have
 *     proto3_optional (the synthetic oneof of a proto3 "optional" field) becomes the label
 *     "optional" on that field;
 *   - a TYPE_GROUP field becomes a group (its nested message marked "group");
 *   - type names (type_name, extendee, input_type, output_type) are fully qualified in a
 *     descriptor (".pkg.Msg"); a type defined in the file is written with the shortest name
 *     that the .proto scoping rules resolve to it from where it is used, one from another file
 *     without the leading dot when no scope of the file between shadows its first component,
 *     else with the leading dot (so the text of a schema written the usual way reads back as
 *     that text, and both have one canonical form);
 *   - default_value is typed by the field's type; json_name is kept as the json_name option
 *     only when it differs from the default (lowerCamelCase of the name).
 * Names must be identifiers (dotted ones for packages and type names), so that the printed
 * text means what the descriptor says. Malformed bytes (a truncated varint or length, a wire
 * type that does not fit the field, invalid UTF-8 in a string), nesting deeper than
 * PROTOBUF_MAX_DEPTH and inputs over PROTOBUF_MAX_TEXT bytes are error findings; nothing
 * crashes or reads out of bounds.
 *
 * Writing (protobuf_desc_from_ast) encodes the AST of a parsed file: type names fully
 * qualified with a leading dot from "typeFullName" (and for rpc types and extendees, resolved
 * against the file's own types and those its fields resolved to); a type that is not resolved
 * is written as in the text. Maps get their *Entry message (protoc's naming), proto3 optional
 * fields their synthetic oneof "_name", every field its json_name. Options whose names are
 * not built-in options of descriptor.proto (custom options, in parentheses) are left out.
 *
 * Base64 (RFC 4648 section 4, the standard alphabet with '=' padding) is here too, as the
 * form the API carries descriptors in: decoding refuses any other character, missing or
 * misplaced padding and non-zero trailing bits.
 *
 * Ownership: inputs are borrowed; *ast is a new reference, *bin and the encoded/decoded
 * buffers are malloc'd and freed by the caller.
 */
#ifndef DW_PROTOBUF_DESC_H
#define DW_PROTOBUF_DESC_H

#include <stddef.h>

#include <jansson.h>

#include "validators/findings.h"

/*
 * Reads the FileDescriptorProto bin[0..len) into *ast (see above). Findings go to out with
 * base_pointer (NULL for ""). Returns 0 (warnings may have been added), DW_INVALID (error
 * findings added, *ast NULL) or DW_NOMEM.
 */
int protobuf_desc_to_ast(const void *bin, size_t len, const char *base_pointer,
                         struct dw_findings *out, json_t **ast);

/*
 * Writes the FileDescriptorProto of ast (from protobuf_parse or protobuf_parse_with) into
 * *bin, *len; name is its "name" field (NULL: none). Returns 0, DW_INVALID (ast is not such
 * an AST) or DW_NOMEM.
 */
int protobuf_desc_from_ast(const json_t *ast, const char *name, unsigned char **bin, size_t *len);

/* Decodes base64 text s[0..n) into *out (malloc'd, with a NUL byte after *outlen bytes).
 * Returns 0, DW_INVALID (not base64 as above; *out NULL) or DW_NOMEM. */
int protobuf_desc_base64_decode(const char *s, size_t n, unsigned char **out, size_t *outlen);

/* The base64 text of bin[0..n) (malloc'd, NUL-terminated), NULL on out of memory. */
char *protobuf_desc_base64_encode(const void *bin, size_t n);

/* 1 when s[0..n) is not empty and uses only the base64 alphabet and '=': the form a
 * descriptor takes, which no .proto text has (a .proto needs ';', '{' or spaces). */
int protobuf_desc_base64_like(const char *s, size_t n);

#endif
