/*
 * protobuf_desc: FileDescriptorProto bytes <-> the protobuf AST (see protobuf_desc.h).
 *
 * Both directions go through a plain JSON image of the descriptor (keys are descriptor.proto's
 * field names, nested messages objects, repeated fields arrays), so that the wire format is
 * handled once, by table: decode_msg turns bytes into that image and encode_msg turns it back
 * into bytes. file_ast (image -> AST) and w_file (AST -> image) translate between the image
 * and the AST.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validators/error.h"
#include "validators/protobuf.h"
#include "validators/protobuf_desc.h"
#include "validators/strbuf.h"
#include "validators/utf8.h"

/* Decoding goes this many messages deeper than the deepest .proto nesting: the file, a field
 * and its options sit around the messages. */
#define DESC_MAX_DEPTH (PROTOBUF_MAX_DEPTH + 4)

/* ---- base64 (RFC 4648 section 4) ---------------------------------------------------------- */

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int protobuf_desc_base64_like(const char *s, size_t n)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (b64_value((unsigned char)s[i]) < 0 && s[i] != '=')
			return 0;
	return 1;
}

int protobuf_desc_base64_decode(const char *s, size_t n, unsigned char **out, size_t *outlen)
{
	size_t pad = 0, o = 0;
	unsigned char *buf;

	*out = NULL;
	*outlen = 0;
	if (n % 4)
		return DW_INVALID;
	if (n && s[n - 1] == '=')
		pad = n >= 2 && s[n - 2] == '=' ? 2 : 1;
	buf = malloc(n / 4 * 3 + 1);
	if (!buf)
		return DW_NOMEM;
	for (size_t i = 0; i < n; i += 4) {
		int v[4];
		size_t last = i + 4 == n;

		for (int k = 0; k < 4; k++) {
			v[k] = b64_value((unsigned char)s[i + k]);
			/* '=' only as the final one or two characters */
			if (v[k] < 0 && !(last && s[i + k] == '=' && (size_t)k >= 4 - pad))
				goto bad;
		}
		buf[o++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		if (last && pad == 2) {
			if (v[1] & 0x0f)
				goto bad;
			break;
		}
		buf[o++] = (unsigned char)((v[1] & 0x0f) << 4 | v[2] >> 2);
		if (last && pad == 1) {
			if (v[2] & 0x03)
				goto bad;
			break;
		}
		buf[o++] = (unsigned char)((v[2] & 0x03) << 6 | v[3]);
	}
	buf[o] = '\0';
	*out = buf;
	*outlen = o;
	return 0;
bad:
	free(buf);
	return DW_INVALID;
}

char *protobuf_desc_base64_encode(const void *bin, size_t n)
{
	const unsigned char *p = bin;
	char *out = malloc((n + 2) / 3 * 4 + 1), *w = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;

		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		*w++ = b64_alphabet[v >> 18 & 63];
		*w++ = b64_alphabet[v >> 12 & 63];
		*w++ = i + 1 < n ? b64_alphabet[v >> 6 & 63] : '=';
		*w++ = i + 2 < n ? b64_alphabet[v & 63] : '=';
	}
	*w = '\0';
	return out;
}

/* ---- descriptor.proto as tables ----------------------------------------------------------- */

enum dkind { DK_STRING, DK_INT32, DK_BOOL, DK_ENUM, DK_MSG };

struct dmsg;

struct dfield {
	unsigned num;
	const char *name;
	enum dkind kind;
	int repeated;
	const struct dmsg *msg;   /* DK_MSG */
	const char *const *enums; /* DK_ENUM: value names by number (option enums) */
	size_t nenums;
};

struct dmsg {
	const char *name;
	const struct dfield *fields;
	size_t n;
	int options; /* an *Options message: fields not in the table are custom options */
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define FS(num, name)                                                                              \
	{                                                                                          \
		num, name, DK_STRING, 0, NULL, NULL, 0                                             \
	}
#define FSR(num, name)                                                                             \
	{                                                                                          \
		num, name, DK_STRING, 1, NULL, NULL, 0                                             \
	}
#define FI(num, name)                                                                              \
	{                                                                                          \
		num, name, DK_INT32, 0, NULL, NULL, 0                                              \
	}
#define FIR(num, name)                                                                             \
	{                                                                                          \
		num, name, DK_INT32, 1, NULL, NULL, 0                                              \
	}
#define FB(num, name)                                                                              \
	{                                                                                          \
		num, name, DK_BOOL, 0, NULL, NULL, 0                                               \
	}
#define FM(num, name, m)                                                                           \
	{                                                                                          \
		num, name, DK_MSG, 0, &m, NULL, 0                                                  \
	}
#define FMR(num, name, m)                                                                          \
	{                                                                                          \
		num, name, DK_MSG, 1, &m, NULL, 0                                                  \
	}
#define FE(num, name, e)                                                                           \
	{                                                                                          \
		num, name, DK_ENUM, 0, NULL, e, NELEM(e)                                           \
	}
#define DMSG(var, name, fields, opts)                                                              \
	{                                                                                          \
		name, fields, NELEM(fields), opts                                                  \
	}

static const char *const optimize_names[] = {NULL, "SPEED", "CODE_SIZE", "LITE_RUNTIME"};
static const char *const ctype_names[] = {"STRING", "CORD", "STRING_PIECE"};
static const char *const jstype_names[] = {"JS_NORMAL", "JS_STRING", "JS_NUMBER"};
static const char *const idempotency_names[] = {"IDEMPOTENCY_UNKNOWN", "NO_SIDE_EFFECTS",
                                                "IDEMPOTENT"};

static const struct dfield file_options_f[] = {
    FS(1, "java_package"),
    FS(8, "java_outer_classname"),
    FB(10, "java_multiple_files"),
    FB(20, "java_generate_equals_and_hash"),
    FB(27, "java_string_check_utf8"),
    FE(9, "optimize_for", optimize_names),
    FS(11, "go_package"),
    FB(16, "cc_generic_services"),
    FB(17, "java_generic_services"),
    FB(18, "py_generic_services"),
    FB(23, "deprecated"),
    FB(31, "cc_enable_arenas"),
    FS(36, "objc_class_prefix"),
    FS(37, "csharp_namespace"),
    FS(39, "swift_prefix"),
    FS(40, "php_class_prefix"),
    FS(41, "php_namespace"),
    FS(44, "php_metadata_namespace"),
    FS(45, "ruby_package"),
};
static const struct dfield message_options_f[] = {
    FB(1, "message_set_wire_format"),
    FB(2, "no_standard_descriptor_accessor"),
    FB(3, "deprecated"),
    FB(7, "map_entry"),
};
static const struct dfield field_options_f[] = {
    FE(1, "ctype", ctype_names),   FB(2, "packed"),
    FB(3, "deprecated"),           FB(5, "lazy"),
    FE(6, "jstype", jstype_names), FB(10, "weak"),
    FB(15, "unverified_lazy"),     FB(16, "debug_redact"),
};
static const struct dfield enum_options_f[] = {FB(2, "allow_alias"), FB(3, "deprecated")};
static const struct dfield enum_value_options_f[] = {FB(1, "deprecated"), FB(3, "debug_redact")};
static const struct dfield service_options_f[] = {FB(33, "deprecated")};
static const struct dfield method_options_f[] = {
    FB(33, "deprecated"),
    FE(34, "idempotency_level", idempotency_names),
};

static const struct dmsg file_options = DMSG(file_options, "FileOptions", file_options_f, 1);
static const struct dmsg message_options =
    DMSG(message_options, "MessageOptions", message_options_f, 1);
static const struct dmsg field_options = DMSG(field_options, "FieldOptions", field_options_f, 1);
static const struct dmsg oneof_options = {"OneofOptions", NULL, 0, 1};
static const struct dmsg enum_options = DMSG(enum_options, "EnumOptions", enum_options_f, 1);
static const struct dmsg enum_value_options =
    DMSG(enum_value_options, "EnumValueOptions", enum_value_options_f, 1);
static const struct dmsg service_options =
    DMSG(service_options, "ServiceOptions", service_options_f, 1);
static const struct dmsg method_options =
    DMSG(method_options, "MethodOptions", method_options_f, 1);

/* ExtensionRange, ReservedRange and EnumReservedRange share start = 1, end = 2. */
static const struct dfield range_f[] = {FI(1, "start"), FI(2, "end")};
static const struct dmsg range_m = DMSG(range_m, "Range", range_f, 0);

static const struct dfield field_f[] = {
    FS(1, "name"),
    FS(2, "extendee"),
    FI(3, "number"),
    FI(4, "label"),
    FI(5, "type"),
    FS(6, "type_name"),
    FS(7, "default_value"),
    FM(8, "options", field_options),
    FI(9, "oneof_index"),
    FS(10, "json_name"),
    FB(17, "proto3_optional"),
};
static const struct dmsg field_m = DMSG(field_m, "FieldDescriptorProto", field_f, 0);

static const struct dfield oneof_f[] = {FS(1, "name"), FM(2, "options", oneof_options)};
static const struct dmsg oneof_m = DMSG(oneof_m, "OneofDescriptorProto", oneof_f, 0);

static const struct dfield enum_value_f[] = {FS(1, "name"), FI(2, "number"),
                                             FM(3, "options", enum_value_options)};
static const struct dmsg enum_value_m =
    DMSG(enum_value_m, "EnumValueDescriptorProto", enum_value_f, 0);

static const struct dfield enum_f[] = {
    FS(1, "name"),
    FMR(2, "value", enum_value_m),
    FM(3, "options", enum_options),
    FMR(4, "reserved_range", range_m),
    FSR(5, "reserved_name"),
};
static const struct dmsg enum_m = DMSG(enum_m, "EnumDescriptorProto", enum_f, 0);

static const struct dmsg message_m;
static const struct dfield message_f[] = {
    FS(1, "name"),
    FMR(2, "field", field_m),
    FMR(3, "nested_type", message_m),
    FMR(4, "enum_type", enum_m),
    FMR(5, "extension_range", range_m),
    FMR(6, "extension", field_m),
    FM(7, "options", message_options),
    FMR(8, "oneof_decl", oneof_m),
    FMR(9, "reserved_range", range_m),
    FSR(10, "reserved_name"),
};
static const struct dmsg message_m = DMSG(message_m, "DescriptorProto", message_f, 0);

static const struct dfield method_f[] = {
    FS(1, "name"),
    FS(2, "input_type"),
    FS(3, "output_type"),
    FM(4, "options", method_options),
    FB(5, "client_streaming"),
    FB(6, "server_streaming"),
};
static const struct dmsg method_m = DMSG(method_m, "MethodDescriptorProto", method_f, 0);

static const struct dfield service_f[] = {FS(1, "name"), FMR(2, "method", method_m),
                                          FM(3, "options", service_options)};
static const struct dmsg service_m = DMSG(service_m, "ServiceDescriptorProto", service_f, 0);

static const struct dfield file_f[] = {
    FS(1, "name"),
    FS(2, "package"),
    FSR(3, "dependency"),
    FMR(4, "message_type", message_m),
    FMR(5, "enum_type", enum_m),
    FMR(6, "service", service_m),
    FMR(7, "extension", field_m),
    FM(8, "options", file_options),
    FIR(10, "public_dependency"),
    FIR(11, "weak_dependency"),
    FS(12, "syntax"),
    FI(14, "edition"),
};
static const struct dmsg file_m = DMSG(file_m, "FileDescriptorProto", file_f, 0);

/* FieldDescriptorProto.Type names as .proto writes them, by number (1..18). */
static const char *const scalar_names[19] = {
    NULL,      "double",   "float",    "int64",  "uint64", "int32", "fixed64",
    "fixed32", "bool",     "string",   NULL,     NULL,     "bytes", "uint32",
    NULL,      "sfixed32", "sfixed64", "sint32", "sint64",
};
enum { T_GROUP = 10, T_MESSAGE = 11, T_ENUM = 14 };
enum { L_OPTIONAL = 1, L_REQUIRED = 2, L_REPEATED = 3 };
enum { EDITION_2023 = 1000, EDITION_2024 = 1001 };

static const struct dfield *dfield_by_num(const struct dmsg *m, unsigned num)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->fields[i].num == num)
			return &m->fields[i];
	return NULL;
}

static const struct dfield *dfield_by_name(const struct dmsg *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->fields[i].name, name) == 0)
			return &m->fields[i];
	return NULL;
}

/* ---- wire format: decoding ------------------------------------------------------------------ */

struct rd {
	const unsigned char *start; /* the whole input, for byte offsets in messages */
	const char *base;
	struct dw_findings *out;
	int oom, failed;
};

static void rd_finding(struct rd *r, enum dw_severity sev, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void rd_finding(struct rd *r, enum dw_severity sev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (!dw_findings_vadd(r->out, sev, NULL, r->base, fmt, ap))
		r->oom = 1;
	va_end(ap);
	if (sev == DW_SEV_ERROR)
		r->failed = 1;
}

static int rd_varint(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	uint64_t x = 0;

	for (unsigned shift = 0; shift < 64; shift += 7) {
		unsigned char c;

		if (*p >= end)
			return -1;
		c = *(*p)++;
		x |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*v = x;
			return 0;
		}
	}
	return -1;
}

/* Reads one field's key and value at *p: *num, *wt, the varint in *v, a length-delimited
 * value in *data, *dlen; skips fixed-width values and groups. -1 (with an error finding) when
 * malformed. */
static int rd_field(struct rd *r, const unsigned char **p, const unsigned char *end,
                    const char *msg, int depth, unsigned *num, unsigned *wt, uint64_t *v,
                    const unsigned char **data, size_t *dlen)
{
	const unsigned char *at = *p;
	uint64_t key, len;

	if (rd_varint(p, end, &key) || key >> 3 == 0 || key >> 3 > PROTOBUF_MAX_FIELD) {
		rd_finding(r, DW_SEV_ERROR, "malformed %s: bad field key at byte %zu", msg,
		           (size_t)(at - r->start));
		return -1;
	}
	*num = (unsigned)(key >> 3);
	*wt = (unsigned)(key & 7);
	switch (*wt) {
	case 0:
		if (rd_varint(p, end, v))
			break;
		return 0;
	case 1:
		if (end - *p < 8)
			break;
		*p += 8;
		return 0;
	case 5:
		if (end - *p < 4)
			break;
		*p += 4;
		return 0;
	case 2:
		if (rd_varint(p, end, &len) || len > (uint64_t)(end - *p))
			break;
		*data = *p;
		*dlen = (size_t)len;
		*p += len;
		return 0;
	case 3:
		/* a group (deprecated wire type): skip its fields up to the matching end */
		if (depth > DESC_MAX_DEPTH)
			break;
		for (;;) {
			unsigned n2, w2;
			uint64_t v2;
			const unsigned char *d2;
			size_t l2;

			if (*p >= end)
				goto bad;
			if (rd_field(r, p, end, msg, depth + 1, &n2, &w2, &v2, &d2, &l2))
				return -1;
			if (w2 == 4) {
				if (n2 != *num)
					goto bad;
				return 0;
			}
		}
	case 4:
		/* an end group: the caller's group loop checks it */
		if (depth > 0)
			return 0;
		break;
	default:
		break;
	}
bad:
	rd_finding(r, DW_SEV_ERROR,
	           "malformed %s: field %u (wire type %u) truncated or invalid at "
	           "byte %zu",
	           msg, *num, *wt, (size_t)(at - r->start));
	return -1;
}

/* Sets or appends v (consumed) as field f of obj. */
static void rd_set(struct rd *r, json_t *obj, const struct dfield *f, json_t *v)
{
	json_t *arr;

	if (!v) {
		r->oom = 1;
		return;
	}
	if (!f->repeated) {
		if (json_object_set_new(obj, f->name, v))
			r->oom = 1;
		return;
	}
	arr = json_object_get(obj, f->name);
	if (!arr) {
		arr = json_array();
		if (!arr || json_object_set_new(obj, f->name, arr)) {
			json_decref(v);
			r->oom = 1;
			return;
		}
	}
	if (json_array_append_new(arr, v))
		r->oom = 1;
}

static json_t *decode_msg(struct rd *r, const unsigned char *p, const unsigned char *end,
                          const struct dmsg *m, int depth);

/* One field's value into obj; -1 when malformed (finding added). */
static int decode_value(struct rd *r, json_t *obj, const struct dmsg *m, const struct dfield *f,
                        unsigned wt, uint64_t v, const unsigned char *data, size_t dlen, int depth)
{
	switch (f->kind) {
	case DK_STRING:
		if (wt != 2)
			break;
		if (!utf8_valid((const char *)data, dlen) || memchr(data, '\0', dlen)) {
			rd_finding(r, DW_SEV_ERROR, "%s.%s is not UTF-8 text", m->name, f->name);
			return -1;
		}
		rd_set(r, obj, f, json_stringn((const char *)data, dlen));
		return 0;
	case DK_INT32:
		if (wt == 0) {
			rd_set(r, obj, f, json_integer((int32_t)(uint32_t)v));
			return 0;
		}
		if (wt == 2 && f->repeated) {
			/* packed */
			const unsigned char *q = data, *qend = data + dlen;
			while (q < qend) {
				uint64_t x;
				if (rd_varint(&q, qend, &x))
					goto bad;
				rd_set(r, obj, f, json_integer((int32_t)(uint32_t)x));
			}
			return 0;
		}
		break;
	case DK_BOOL:
		if (wt != 0)
			break;
		rd_set(r, obj, f, json_boolean(v != 0));
		return 0;
	case DK_ENUM:
		if (wt != 0)
			break;
		if (v < f->nenums && f->enums[v])
			rd_set(r, obj, f, json_pack("{s:s}", "literal", f->enums[v]));
		else
			rd_finding(r, DW_SEV_WARNING, "%s.%s value %llu is unknown and left out",
			           m->name, f->name, (unsigned long long)v);
		return 0;
	case DK_MSG: {
		json_t *sub;
		if (wt != 2)
			break;
		sub = decode_msg(r, data, data + dlen, f->msg, depth + 1);
		if (!sub)
			return -1;
		rd_set(r, obj, f, sub);
		return 0;
	}
	}
bad:
	rd_finding(r, DW_SEV_ERROR, "malformed %s: field %s has wire type %u", m->name, f->name,
	           wt);
	return -1;
}

/* The JSON image of message m in p[0..end); NULL on error (finding added) or out of memory. */
static json_t *decode_msg(struct rd *r, const unsigned char *p, const unsigned char *end,
                          const struct dmsg *m, int depth)
{
	json_t *obj;
	int warned = 0;

	if (depth > DESC_MAX_DEPTH) {
		rd_finding(r, DW_SEV_ERROR, "descriptor nests deeper than %d messages",
		           DESC_MAX_DEPTH);
		return NULL;
	}
	obj = json_object();
	if (!obj) {
		r->oom = 1;
		return NULL;
	}
	while (p < end && !r->oom) {
		unsigned num, wt;
		uint64_t v = 0;
		const unsigned char *data = NULL;
		size_t dlen = 0;
		const struct dfield *f;

		/* an end group (wire type 4) outside a group is refused by rd_field */
		if (rd_field(r, &p, end, m->name, 0, &num, &wt, &v, &data, &dlen)) {
			json_decref(obj);
			return NULL;
		}
		f = dfield_by_num(m, num);
		if (!f) {
			/* unknown fields are skipped, as protobuf readers do; an option we do not
			 * read changes the schema's meaning, so it is said */
			if (m->options && !warned) {
				warned = 1;
				rd_finding(r, DW_SEV_WARNING,
				           "%s field %u is not read (custom options and features "
				           "are left out)",
				           m->name, num);
			}
			continue;
		}
		if (decode_value(r, obj, m, f, wt, v, data, dlen, depth)) {
			json_decref(obj);
			return NULL;
		}
	}
	if (r->oom) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

/* ---- wire format: encoding ------------------------------------------------------------------ */

static void put_varint(struct strbuf *b, uint64_t v)
{
	unsigned char buf[10];
	size_t n = 0;

	do {
		buf[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			buf[n] |= 0x80;
		n++;
	} while (v);
	strbuf_add(b, buf, n);
}

static void put_key(struct strbuf *b, unsigned num, unsigned wt)
{
	put_varint(b, (uint64_t)num << 3 | wt);
}

static void put_bytes(struct strbuf *b, unsigned num, const void *data, size_t n)
{
	put_key(b, num, 2);
	put_varint(b, n);
	strbuf_add(b, data, n);
}

static void encode_msg(struct strbuf *b, const json_t *obj, const struct dmsg *m, int depth);

/* One value of field f; values of the wrong JSON type are left out. */
static void encode_value(struct strbuf *b, const struct dfield *f, const json_t *v, int depth)
{
	switch (f->kind) {
	case DK_STRING:
		if (json_is_string(v))
			put_bytes(b, f->num, json_string_value(v), json_string_length(v));
		return;
	case DK_INT32:
		if (json_is_integer(v)) {
			put_key(b, f->num, 0);
			put_varint(b, (uint64_t)(int64_t)(int32_t)json_integer_value(v));
		}
		return;
	case DK_BOOL:
		if (json_is_boolean(v)) {
			put_key(b, f->num, 0);
			put_varint(b, json_is_true(v));
		}
		return;
	case DK_ENUM: {
		const char *name = json_string_value(json_object_get(v, "literal"));
		if (!name)
			name = json_string_value(v);
		for (size_t i = 0; name && i < f->nenums; i++)
			if (f->enums[i] && strcmp(f->enums[i], name) == 0) {
				put_key(b, f->num, 0);
				put_varint(b, i);
			}
		return;
	}
	case DK_MSG: {
		struct strbuf sub = STRBUF_INIT;
		if (!json_is_object(v) || depth > DESC_MAX_DEPTH)
			return;
		encode_msg(&sub, v, f->msg, depth + 1);
		if (sub.oom)
			b->oom = 1;
		put_bytes(b, f->num, strbuf_str(&sub), sub.len);
		strbuf_release(&sub);
		return;
	}
	}
}

/* obj's keys in their order; keys that are not fields of m are left out. */
static void encode_msg(struct strbuf *b, const json_t *obj, const struct dmsg *m, int depth)
{
	const char *key;
	const json_t *v, *x;
	size_t i;

	json_object_foreach((json_t *)obj, key, v)
	{
		const struct dfield *f = dfield_by_name(m, key);
		if (!f)
			continue;
		if (f->repeated && json_is_array(v)) {
			json_array_foreach(v, i, x) encode_value(b, f, x, depth);
		} else if (!f->repeated) {
			encode_value(b, f, v, depth);
		}
	}
}

/* ---- names ---------------------------------------------------------------------------------- */

static int is_ident(const char *s)
{
	if (!s || !(isalpha((unsigned char)*s) || *s == '_'))
		return 0;
	for (s++; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

/* a.b.c, with a leading dot when lead allows it. */
static int is_dotted(const char *s, int lead)
{
	const char *p;

	if (!s)
		return 0;
	if (lead && *s == '.')
		s++;
	for (;;) {
		p = s;
		if (!(isalpha((unsigned char)*p) || *p == '_'))
			return 0;
		while (isalnum((unsigned char)*p) || *p == '_')
			p++;
		if (!*p)
			return 1;
		if (*p != '.')
			return 0;
		s = p + 1;
	}
}

/* scope + "." + name, or name when scope is empty (malloc'd; NULL on out of memory). */
static char *join_name(const char *scope, const char *name)
{
	return scope && *scope ? dw_strfmt("%s.%s", scope, name) : dw_strfmt("%s", name);
}

/* Registers pkg and its parents as "package" in names. */
static int add_packages(json_t *names, const char *pkg)
{
	char *buf, *dot;

	if (!pkg || !*pkg)
		return 0;
	buf = dw_strfmt("%s", pkg);
	if (!buf)
		return -1;
	for (;;) {
		if (!json_object_get(names, buf) &&
		    json_object_set_new(names, buf, json_string("package"))) {
			free(buf);
			return -1;
		}
		dot = strrchr(buf, '.');
		if (!dot)
			break;
		*dot = '\0';
	}
	free(buf);
	return 0;
}

/*
 * What ref means seen from scope, by the .proto scoping rules as protobuf.c applies them: a
 * leading dot is fully qualified; otherwise the innermost scope that defines ref's first
 * component decides. The full name (malloc'd, no leading dot) of a message or enum known in
 * names, else NULL; *oom on out of memory.
 */
static char *resolve_in(const json_t *names, const char *ref, const char *scope, int *oom)
{
	size_t flen = strcspn(ref, ".");
	char *s, *first, *cand;
	const char *kind;

	if (ref[0] == '.') {
		kind = json_string_value(json_object_get(names, ref + 1));
		if (!kind || strcmp(kind, "package") == 0)
			return NULL;
		if (!(cand = dw_strfmt("%s", ref + 1)))
			*oom = 1;
		return cand;
	}
	if (!(s = dw_strfmt("%s", scope ? scope : ""))) {
		*oom = 1;
		return NULL;
	}
	for (;;) {
		first = *s ? dw_strfmt("%s.%.*s", s, (int)flen, ref)
		           : dw_strfmt("%.*s", (int)flen, ref);
		cand = join_name(s, ref);
		if (!first || !cand) {
			free(first);
			free(cand);
			free(s);
			*oom = 1;
			return NULL;
		}
		if (json_object_get(names, first)) {
			kind = json_string_value(json_object_get(names, cand));
			free(first);
			free(s);
			if (kind && strcmp(kind, "package") != 0)
				return cand;
			free(cand);
			return NULL;
		}
		free(first);
		free(cand);
		if (!*s)
			break;
		{
			char *dot = strrchr(s, '.');
			if (dot)
				*dot = '\0';
			else
				s[0] = '\0';
		}
	}
	free(s);
	return NULL;
}

/* ---- descriptor image -> AST ------------------------------------------------------------------
 */

struct cv {
	struct rd *r;
	json_t *names; /* full name -> "message" | "enum" | "package": this file's */
	const char *pkg;
	int proto3, editions;
};

static const char *jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int jbool(const json_t *o, const char *k)
{
	return json_is_true(json_object_get(o, k));
}

static int has_int(const json_t *o, const char *k, json_int_t *v)
{
	const json_t *x = json_object_get(o, k);

	if (!json_is_integer(x))
		return 0;
	*v = json_integer_value(x);
	return 1;
}

static void cv_err(struct cv *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void cv_err(struct cv *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (!dw_findings_vadd(c->r->out, DW_SEV_ERROR, NULL, c->r->base, fmt, ap))
		c->r->oom = 1;
	va_end(ap);
	c->r->failed = 1;
}

/* Sets o[k] = v (consumed). */
static void put(struct cv *c, json_t *o, const char *k, json_t *v)
{
	if (!v || json_object_set_new(o, k, v))
		c->r->oom = 1;
}

static void append(struct cv *c, json_t *arr, json_t *v)
{
	if (!v || json_array_append_new(arr, v))
		c->r->oom = 1;
}

static int is_map_entry(const json_t *m)
{
	return jbool(json_object_get(m, "options"), "map_entry");
}

/* Registers the messages (map entries left out: .proto text has no name for them) and enums
 * of container, nested ones too. */
static void collect_names(struct cv *c, const json_t *container, const char *list,
                          const char *scope, int depth)
{
	size_t i;
	const json_t *m;

	if (depth > PROTOBUF_MAX_DEPTH + 1)
		return;
	json_array_foreach(json_object_get(container, "enum_type"), i, m)
	{
		char *full = join_name(scope, jstr(m, "name") ? jstr(m, "name") : "");
		put(c, c->names, full ? full : "", json_string("enum"));
		free(full);
	}
	json_array_foreach(json_object_get(container, list), i, m)
	{
		char *full;
		if (is_map_entry(m))
			continue;
		full = join_name(scope, jstr(m, "name") ? jstr(m, "name") : "");
		if (!full) {
			c->r->oom = 1;
			return;
		}
		put(c, c->names, full, json_string("message"));
		collect_names(c, m, "nested_type", full, depth + 1);
		free(full);
	}
}

/*
 * The name to write in the .proto text for type name ref (from a descriptor) used in scope
 * (malloc'd): see protobuf_desc.h. A name without a leading dot is kept as it is.
 */
static char *short_name(struct cv *c, const char *ref, const char *scope)
{
	const char *full = ref + 1;
	const char *kind;
	int oom = 0;

	if (ref[0] != '.')
		return dw_strfmt("%s", ref);
	kind = json_string_value(json_object_get(c->names, full));
	if (kind && strcmp(kind, "package") != 0) {
		/* the shortest suffix of the full name that resolves to it */
		const char *cand = full + strlen(full);
		for (;;) {
			char *got;
			while (cand > full && cand[-1] != '.')
				cand--;
			got = resolve_in(c->names, cand, scope, &oom);
			if (oom) {
				free(got);
				return NULL;
			}
			if (got && strcmp(got, full) == 0) {
				free(got);
				return dw_strfmt("%s", cand);
			}
			free(got);
			if (cand == full)
				break;
			cand--;
		}
		return dw_strfmt("%s", ref);
	}
	/* another file's type: without the dot unless a scope of this file names its first
	 * component */
	{
		size_t flen = strcspn(full, ".");
		char *s = dw_strfmt("%s", scope ? scope : "");
		int shadowed = 0;
		if (!s)
			return NULL;
		while (*s && !shadowed) {
			char *first = dw_strfmt("%s.%.*s", s, (int)flen, full);
			char *dot;
			if (!first) {
				free(s);
				return NULL;
			}
			shadowed = json_object_get(c->names, first) != NULL;
			free(first);
			dot = strrchr(s, '.');
			if (dot)
				*dot = '\0';
			else
				s[0] = '\0';
		}
		free(s);
		return dw_strfmt("%s", shadowed ? ref : full);
	}
}

/* Type name text for the AST, checked (NULL after a finding, or out of memory). */
static json_t *type_text(struct cv *c, const char *ref, const char *scope, const char *what)
{
	char *s;
	json_t *v;

	if (!is_dotted(ref, 1)) {
		cv_err(c, "%s type name '%s' is not a type name", what, ref ? ref : "");
		return NULL;
	}
	s = short_name(c, ref, scope);
	if (!s) {
		c->r->oom = 1;
		return NULL;
	}
	v = json_string(s);
	free(s);
	if (!v)
		c->r->oom = 1;
	return v;
}

/* The options of a descriptor element for the AST: what decode_msg made, less map_entry. */
static json_t *options_of(struct cv *c, const json_t *d)
{
	json_t *o = json_deep_copy(json_object_get(d, "options"));

	if (!o)
		o = json_object();
	if (!o)
		c->r->oom = 1;
	else
		json_object_del(o, "map_entry");
	return o;
}

/* name with its underscores dropped and the letter after one capitalised (the first too when
 * upper_first), then suffix; malloc'd. */
static char *camel_of(const char *name, int upper_first, const char *suffix)
{
	char *out = malloc(strlen(name) + strlen(suffix) + 1), *w = out;
	int up = upper_first;

	if (!out)
		return NULL;
	for (; *name; name++) {
		if (*name == '_') {
			up = 1;
		} else {
			*w++ = up ? (char)toupper((unsigned char)*name) : *name;
			up = 0;
		}
	}
	memcpy(w, suffix, strlen(suffix) + 1);
	return out;
}

/* protoc's default json_name. */
static char *json_name_of(const char *name)
{
	return camel_of(name, 0, "");
}

/* protoc's map entry name: the field name in CamelCase, then "Entry". */
static char *entry_name_of(const char *name)
{
	return camel_of(name, 1, "Entry");
}

/* .proto's C-style string escapes, as protobuf.c prints them. */
static void quote(struct strbuf *b, const char *s, size_t n)
{
	strbuf_addch(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		char tmp[8];
		size_t k;

		if (ch == '"' || ch == '\\') {
			strbuf_addch(b, '\\');
			strbuf_addch(b, ch);
		} else if (ch == '\n') {
			strbuf_addstr(b, "\\n");
		} else if (ch == '\r') {
			strbuf_addstr(b, "\\r");
		} else if (ch == '\t') {
			strbuf_addstr(b, "\\t");
		} else if (ch < 0x20 || ch == 0x7f ||
		           (ch >= 0x80 &&
		            !(k = utf8_seq_len((const unsigned char *)s + i, n - i)))) {
			snprintf(tmp, sizeof(tmp), "\\%03o", ch);
			strbuf_addstr(b, tmp);
		} else if (ch >= 0x80) {
			strbuf_add(b, s + i, k);
			i += k - 1;
		} else {
			strbuf_addch(b, ch);
		}
	}
	strbuf_addch(b, '"');
}

/* Undoes C escapes (protoc's CEscape of a bytes default) into b; -1 when malformed. */
static int unescape(struct strbuf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int v = 0, k;

		if (s[i] != '\\') {
			strbuf_addch(b, s[i]);
			continue;
		}
		if (++i >= n)
			return -1;
		switch (s[i]) {
		case 'n':
			strbuf_addch(b, '\n');
			break;
		case 'r':
			strbuf_addch(b, '\r');
			break;
		case 't':
			strbuf_addch(b, '\t');
			break;
		case 'a':
			strbuf_addch(b, '\a');
			break;
		case 'b':
			strbuf_addch(b, '\b');
			break;
		case 'f':
			strbuf_addch(b, '\f');
			break;
		case 'v':
			strbuf_addch(b, '\v');
			break;
		case '\\':
		case '\'':
		case '"':
		case '?':
			strbuf_addch(b, s[i]);
			break;
		case 'x':
		case 'X':
			for (k = 0; k < 2 && i + 1 < n && hex_digit((unsigned char)s[i + 1]) >= 0;
			     k++)
				v = v * 16 + hex_digit((unsigned char)s[++i]);
			if (!k)
				return -1;
			strbuf_addch(b, v);
			break;
		default:
			if (s[i] < '0' || s[i] > '7')
				return -1;
			v = s[i] - '0';
			for (k = 1; k < 3 && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '7'; k++)
				v = v * 8 + (s[++i] - '0');
			if (v > 255)
				return -1;
			strbuf_addch(b, v);
		}
	}
	return 0;
}

/* A string value as protobuf.c keeps one: the text when it is UTF-8 without NUL, else
 * {"literal": quoted}. */
static json_t *string_value(const char *s, size_t n)
{
	struct strbuf b = STRBUF_INIT;
	json_t *v;

	if (utf8_valid(s, n) && !memchr(s, '\0', n))
		return json_stringn(s, n);
	quote(&b, s, n);
	v = b.oom ? NULL : json_pack("{s:s}", "literal", strbuf_str(&b));
	strbuf_release(&b);
	return v;
}

/* default_value (text) as the AST's "default" option value for a field of type t. */
static json_t *default_value(struct cv *c, const char *name, int t, const char *s)
{
	char *end;
	json_t *v = NULL;

	errno = 0;
	switch (t) {
	case 9:
		v = json_string(s);
		break;
	case 12: {
		struct strbuf b = STRBUF_INIT;
		if (unescape(&b, s, strlen(s)) == 0 && !b.oom)
			v = string_value(strbuf_str(&b), b.len);
		else if (!b.oom)
			cv_err(c, "field '%s' has a malformed bytes default", name);
		else
			c->r->oom = 1;
		strbuf_release(&b);
		return v;
	}
	case 8:
		if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0)
			return json_boolean(strcmp(s, "true") == 0);
		break;
	case T_ENUM:
	case 0:
		if (is_ident(s))
			return json_pack("{s:s}", "literal", s);
		break;
	case 1:
	case 2:
		if (strcmp(s, "inf") == 0 || strcmp(s, "-inf") == 0 || strcmp(s, "nan") == 0)
			return json_pack("{s:s}", "literal", s);
		if (*s && !isspace((unsigned char)*s)) {
			double d = strtod(s, &end);
			if (!*end && errno == 0)
				return json_real(d);
		}
		break;
	case 4:
	case 6:
	case 13:
	case 7:
		if (isdigit((unsigned char)*s)) {
			unsigned long long u = strtoull(s, &end, 10);
			if (!*end && errno == 0)
				return u <= INT64_MAX ? json_integer((json_int_t)u)
				                      : json_pack("{s:s}", "literal", s);
		}
		break;
	case 3:
	case 5:
	case 15:
	case 16:
	case 17:
	case 18:
		if (isdigit((unsigned char)*s) || (*s == '-' && isdigit((unsigned char)s[1]))) {
			long long l = strtoll(s, &end, 10);
			if (!*end && errno == 0)
				return json_integer(l);
		}
		break;
	default:
		break;
	}
	if (!v)
		cv_err(c, "field '%s' has default value '%s', which its type does not take", name,
		       s);
	return v;
}

/* The nested message of m (descriptor image) whose full name is ref (".a.B.C"), or NULL. */
static const json_t *nested_by_ref(const json_t *m, const char *full, const char *ref)
{
	size_t fl = strlen(full), i;
	const json_t *n;

	if (ref[0] != '.' || strncmp(ref + 1, full, fl) != 0 || ref[1 + fl] != '.')
		return NULL;
	json_array_foreach(json_object_get(m, "nested_type"), i, n)
	{
		const char *name = jstr(n, "name");
		if (name && strcmp(ref + 2 + fl, name) == 0)
			return n;
	}
	return NULL;
}

/* The text of a map entry's key or value type; NULL after a finding. */
static json_t *entry_type(struct cv *c, const json_t *entry, json_int_t number, const char *scope)
{
	const json_t *f;
	size_t i;

	json_array_foreach(json_object_get(entry, "field"), i, f)
	{
		json_int_t num = 0, t = 0;
		if (!has_int(f, "number", &num) || num != number)
			continue;
		has_int(f, "type", &t);
		if (t > 0 && t < 19 && scalar_names[t])
			return json_string(scalar_names[t]);
		if (jstr(f, "type_name") && t != T_GROUP)
			return type_text(c, jstr(f, "type_name"), scope, "map value");
		break;
	}
	cv_err(c, "map entry '%s' lacks a valid %s field", jstr(entry, "name"),
	       number == 1 ? "key" : "value");
	return NULL;
}

struct oneofs {
	const json_t *decls; /* oneof_decl */
	char *synthetic;     /* [i]: every member of oneof i has proto3_optional */
	size_t n;
};

/* One field of message scope (NULL for extensions at file level: then scope is the package).
 * groups collects the names of nested messages that are groups. */
static json_t *field_ast(struct cv *c, const json_t *d, const json_t *msg, const char *scope,
                         const struct oneofs *oo, json_t *groups)
{
	const char *name = jstr(d, "name"), *tn = jstr(d, "type_name");
	json_int_t number = 0, label = L_OPTIONAL, t = 0, oneof = -1;
	json_t *f, *opts;
	const char *label_text = "";
	int optional3 = jbool(d, "proto3_optional");

	if (!is_ident(name)) {
		cv_err(c, "field name '%s' in '%s' is not an identifier", name ? name : "",
		       scope ? scope : "");
		return NULL;
	}
	if (!has_int(d, "number", &number) || number < 1 || number > PROTOBUF_MAX_FIELD) {
		cv_err(c, "field '%s' has no valid number", name);
		return NULL;
	}
	has_int(d, "label", &label);
	has_int(d, "type", &t);
	if (has_int(d, "oneof_index", &oneof) && (!oo || oneof < 0 || (size_t)oneof >= oo->n)) {
		cv_err(c, "field '%s' names oneof %lld, which does not exist", name,
		       (long long)oneof);
		return NULL;
	}
	if (label < L_OPTIONAL || label > L_REPEATED || t < 0 || t > 18 ||
	    (t && !scalar_names[t] && t != T_GROUP && t != T_MESSAGE && t != T_ENUM)) {
		cv_err(c, "field '%s' has an invalid label or type", name);
		return NULL;
	}
	if (label == L_REPEATED)
		label_text = "repeated";
	else if (label == L_REQUIRED)
		label_text = "required";
	else if (optional3 || (!c->proto3 && !c->editions && oneof < 0))
		label_text = "optional";
	f = json_pack("{s:s, s:I, s:s}", "name", name, "number", (json_int_t)number, "label",
	              label_text);
	if (!f) {
		c->r->oom = 1;
		return NULL;
	}
	if (t && t != T_GROUP && t != T_MESSAGE && t != T_ENUM) {
		put(c, f, "type", json_string(scalar_names[t]));
		put(c, f, "kind", json_string("scalar"));
	} else if (!tn) {
		cv_err(c, "field '%s' has no type", name);
		goto fail;
	} else if (t == T_GROUP) {
		const json_t *g = msg ? nested_by_ref(msg, scope, tn) : NULL;
		if (!g) {
			cv_err(c, "group field '%s' does not name a nested message of its message",
			       name);
			goto fail;
		}
		put(c, f, "type", json_string(jstr(g, "name")));
		put(c, f, "kind", json_string("group"));
		append(c, groups, json_string(jstr(g, "name")));
	} else {
		const json_t *entry = msg && t == T_MESSAGE && label == L_REPEATED
		                          ? nested_by_ref(msg, scope, tn)
		                          : NULL;
		if (entry && is_map_entry(entry)) {
			json_t *k = entry_type(c, entry, 1, scope),
			       *v = entry_type(c, entry, 2, scope);
			char *text = k && v ? dw_strfmt("map<%s, %s>", json_string_value(k),
			                                json_string_value(v))
			                    : NULL;
			if (!text) {
				json_decref(k);
				json_decref(v);
				goto fail;
			}
			put(c, f, "type", json_string(text));
			free(text);
			put(c, f, "kind", json_string("map"));
			put(c, f, "map", json_pack("{s:o, s:o}", "key", k, "value", v));
			put(c, f, "label", json_string(""));
		} else {
			json_t *tt = type_text(c, tn, scope, "field");
			if (!tt)
				goto fail;
			put(c, f, "type", tt);
			put(c, f, "kind",
			    json_string(t == T_MESSAGE ? "message"
			                : t == T_ENUM  ? "enum"
			                               : "unresolved"));
		}
	}
	if (oneof >= 0 && !oo->synthetic[oneof])
		put(c, f, "oneof",
		    json_string(jstr(json_array_get(oo->decls, (size_t)oneof), "name")));
	opts = json_object();
	if (!opts) {
		c->r->oom = 1;
		goto fail;
	}
	if (jstr(d, "default_value")) {
		json_t *dv = default_value(c, name, t == T_ENUM || (!t && tn) ? T_ENUM : (int)t,
		                           jstr(d, "default_value"));
		if (!dv) {
			json_decref(opts);
			goto fail;
		}
		put(c, opts, "default", dv);
	}
	if (jstr(d, "json_name")) {
		char *dflt = json_name_of(name);
		if (!dflt)
			c->r->oom = 1;
		else if (strcmp(dflt, jstr(d, "json_name")) != 0)
			put(c, opts, "json_name", json_string(jstr(d, "json_name")));
		free(dflt);
	}
	{
		json_t *more = options_of(c, d);
		if (more && json_object_update(opts, more))
			c->r->oom = 1;
		json_decref(more);
	}
	put(c, f, "options", opts);
	return f;
fail:
	json_decref(f);
	return NULL;
}

/* Extension fields (descriptor "extension") as AST extends: consecutive fields with one
 * extendee share an extend block. */
static void extends_ast(struct cv *c, const json_t *list, const char *scope, json_t *out)
{
	size_t i;
	const json_t *d;
	json_t *cur = NULL;
	const char *cur_extendee = NULL;

	json_array_foreach(list, i, d)
	{
		const char *e = jstr(d, "extendee");
		json_t *f;
		if (!e) {
			cv_err(c, "extension '%s' has no extendee", jstr(d, "name"));
			return;
		}
		if (jstr(d, "type_name") &&
		    json_integer_value(json_object_get(d, "type")) == T_GROUP) {
			cv_err(c, "extension '%s' is a group, which is not supported",
			       jstr(d, "name"));
			return;
		}
		if (!cur || strcmp(cur_extendee, e) != 0) {
			json_t *tt = type_text(c, e, scope, "extendee");
			if (!tt)
				return;
			cur = json_pack("{s:o, s:[]}", "extendee", tt, "fields");
			append(c, out, cur);
			if (!cur)
				return;
			cur_extendee = e;
		}
		f = field_ast(c, d, NULL, scope, NULL, NULL);
		if (!f)
			return;
		append(c, json_object_get(cur, "fields"), f);
	}
}

/* [[from, to]] (both included) from ranges whose end is exclusive (excl) or not. */
static json_t *ranges_ast(struct cv *c, const json_t *ranges, int excl, json_int_t max,
                          const char *what)
{
	json_t *out = json_array();
	size_t i;
	const json_t *r;

	if (!out) {
		c->r->oom = 1;
		return NULL;
	}
	json_array_foreach(ranges, i, r)
	{
		json_int_t a = 0, z = 0;
		has_int(r, "start", &a);
		has_int(r, "end", &z);
		if (excl)
			z--;
		if (a > z || z > max || (excl && a < 1)) {
			cv_err(c, "%s range %lld to %lld is invalid", what, (long long)a,
			       (long long)z);
			json_decref(out);
			return NULL;
		}
		append(c, out, json_pack("[I, I]", a, z));
	}
	return out;
}

static json_t *reserved_ast(struct cv *c, const json_t *d, int excl, json_int_t max)
{
	json_t *numbers =
	    ranges_ast(c, json_object_get(d, "reserved_range"), excl, max, "reserved");
	json_t *names = json_deep_copy(json_object_get(d, "reserved_name"));
	size_t i;
	const json_t *n;

	if (!names)
		names = json_array();
	json_array_foreach(names, i, n)
	{
		if (!is_ident(json_string_value(n)))
			cv_err(c, "reserved name '%s' is not an identifier", json_string_value(n));
	}
	if (!numbers || !names) {
		json_decref(numbers);
		json_decref(names);
		return NULL;
	}
	return json_pack("{s:o, s:o}", "numbers", numbers, "names", names);
}

static json_t *enum_ast(struct cv *c, const json_t *d, const char *scope)
{
	const char *name = jstr(d, "name");
	char *full;
	json_t *e, *values, *res;
	size_t i;
	const json_t *v;

	if (!is_ident(name)) {
		cv_err(c, "enum name '%s' is not an identifier", name ? name : "");
		return NULL;
	}
	full = join_name(scope, name);
	values = json_array();
	res = reserved_ast(c, d, 0, INT32_MAX);
	e = full && values && res
	        ? json_pack("{s:s, s:s, s:o, s:o, s:o}", "name", name, "fullName", full, "values",
	                    values, "reserved", res, "options", options_of(c, d))
	        : NULL;
	free(full);
	if (!e) {
		/* json_pack consumed them when it ran */
		if (!(full && values && res)) {
			json_decref(values);
			json_decref(res);
		}
		if (!c->r->failed)
			c->r->oom = 1;
		return NULL;
	}
	json_array_foreach(json_object_get(d, "value"), i, v)
	{
		json_int_t n = 0;
		if (!is_ident(jstr(v, "name"))) {
			cv_err(c, "enum value name '%s' is not an identifier",
			       jstr(v, "name") ? jstr(v, "name") : "");
			break;
		}
		has_int(v, "number", &n);
		append(c, values,
		       json_pack("{s:s, s:I, s:o}", "name", jstr(v, "name"), "number", n, "options",
		                 options_of(c, v)));
	}
	return e;
}

static json_t *message_ast(struct cv *c, const json_t *d, const char *scope, int depth)
{
	const char *name = jstr(d, "name");
	char *full = NULL;
	json_t *m = NULL, *fields, *oneofs, *groups = NULL;
	struct oneofs oo = {json_object_get(d, "oneof_decl"), NULL, 0};
	size_t i, j;
	const json_t *x;

	if (depth > PROTOBUF_MAX_DEPTH) {
		cv_err(c, "messages nest deeper than %d levels", PROTOBUF_MAX_DEPTH);
		return NULL;
	}
	if (!is_ident(name)) {
		cv_err(c, "message name '%s' is not an identifier", name ? name : "");
		return NULL;
	}
	full = join_name(scope, name);
	oo.n = json_array_size(oo.decls);
	oo.synthetic = calloc(oo.n + 1, 1);
	groups = json_array();
	m = full ? json_pack("{s:s, s:s, s:[], s:[], s:o*, s:o*, s:[], s:[], s:[], s:o}", "name",
	                     name, "fullName", full, "fields", "oneofs", "reserved",
	                     reserved_ast(c, d, 1, PROTOBUF_MAX_FIELD), "extensions",
	                     ranges_ast(c, json_object_get(d, "extension_range"), 1,
	                                PROTOBUF_MAX_FIELD, "extensions"),
	                     "messages", "enums", "extends", "options", options_of(c, d))
	         : NULL;
	if (!m || !oo.synthetic || !groups || !json_object_get(m, "reserved") ||
	    !json_object_get(m, "extensions")) {
		if (!c->r->failed)
			c->r->oom = 1;
		goto fail;
	}
	fields = json_object_get(m, "fields");
	oneofs = json_object_get(m, "oneofs");
	/* a oneof all of whose members are proto3 optional is synthetic */
	for (j = 0; j < oo.n; j++) {
		int members = 0, opt = 0;
		json_array_foreach(json_object_get(d, "field"), i, x)
		{
			json_int_t k;
			if (has_int(x, "oneof_index", &k) && k == (json_int_t)j) {
				members++;
				opt += jbool(x, "proto3_optional");
			}
		}
		oo.synthetic[j] = members > 0 && members == opt;
		if (oo.synthetic[j])
			continue;
		if (!is_ident(jstr(json_array_get(oo.decls, j), "name"))) {
			cv_err(c, "oneof name '%s' in '%s' is not an identifier",
			       jstr(json_array_get(oo.decls, j), "name")
			           ? jstr(json_array_get(oo.decls, j), "name")
			           : "",
			       full);
			goto fail;
		}
		append(c, oneofs,
		       json_pack("{s:s, s:o}", "name", jstr(json_array_get(oo.decls, j), "name"),
		                 "options", options_of(c, json_array_get(oo.decls, j))));
	}
	json_array_foreach(json_object_get(d, "field"), i, x)
	{
		json_t *f = field_ast(c, x, d, full, &oo, groups);
		if (!f)
			goto fail;
		append(c, fields, f);
	}
	json_array_foreach(json_object_get(d, "enum_type"), i, x)
	{
		json_t *e = enum_ast(c, x, full);
		if (!e)
			goto fail;
		append(c, json_object_get(m, "enums"), e);
	}
	json_array_foreach(json_object_get(d, "nested_type"), i, x)
	{
		json_t *n;
		if (is_map_entry(x))
			continue;
		n = message_ast(c, x, full, depth + 1);
		if (!n)
			goto fail;
		if (protobuf_in_names(groups, json_string_value(json_object_get(n, "name"))))
			put(c, n, "group", json_true());
		append(c, json_object_get(m, "messages"), n);
	}
	extends_ast(c, json_object_get(d, "extension"), full, json_object_get(m, "extends"));
	if (c->r->failed || c->r->oom)
		goto fail;
	free(full);
	free(oo.synthetic);
	json_decref(groups);
	return m;
fail:
	free(full);
	free(oo.synthetic);
	json_decref(groups);
	json_decref(m);
	return NULL;
}

static json_t *service_ast(struct cv *c, const json_t *d)
{
	const char *name = jstr(d, "name");
	char *full;
	json_t *s, *rpcs;
	size_t i;
	const json_t *x;

	if (!is_ident(name)) {
		cv_err(c, "service name '%s' is not an identifier", name ? name : "");
		return NULL;
	}
	full = join_name(c->pkg, name);
	rpcs = json_array();
	s = full && rpcs ? json_pack("{s:s, s:s, s:o, s:o}", "name", name, "fullName", full,
	                             "options", options_of(c, d), "rpcs", rpcs)
	                 : NULL;
	if (!full)
		json_decref(rpcs);
	free(full);
	if (!s) {
		c->r->oom = 1;
		return NULL;
	}
	json_array_foreach(json_object_get(d, "method"), i, x)
	{
		json_t *in, *outp;
		if (!is_ident(jstr(x, "name"))) {
			cv_err(c, "method name '%s' is not an identifier",
			       jstr(x, "name") ? jstr(x, "name") : "");
			break;
		}
		in = type_text(c, jstr(x, "input_type"), c->pkg, "input");
		outp = in ? type_text(c, jstr(x, "output_type"), c->pkg, "output") : NULL;
		if (!in || !outp) {
			json_decref(in);
			break;
		}
		append(c, rpcs,
		       json_pack("{s:s, s:o, s:b, s:o, s:b, s:o}", "name", jstr(x, "name"), "input",
		                 in, "inputStream", jbool(x, "client_streaming"), "output", outp,
		                 "outputStream", jbool(x, "server_streaming"), "options",
		                 options_of(c, x)));
	}
	return s;
}

static int index_listed(const json_t *list, size_t i)
{
	size_t k;
	const json_t *x;

	json_array_foreach(list, k, x)
	{
		if (json_integer_value(x) == (json_int_t)i)
			return 1;
	}
	return 0;
}

static json_t *file_ast(struct cv *c, const json_t *d)
{
	const char *syntax = jstr(d, "syntax"), *pkg = jstr(d, "package");
	json_int_t edition = 0;
	json_t *ast, *imports;
	size_t i;
	const json_t *x;

	if (pkg && !*pkg)
		pkg = NULL;
	if (pkg && !is_dotted(pkg, 0)) {
		cv_err(c, "package '%s' is not a dotted name", pkg);
		return NULL;
	}
	c->pkg = pkg;
	ast = json_pack("{s:s, s:o, s:[], s:o, s:[], s:[], s:[], s:[]}", "syntax", "proto2",
	                "package", pkg ? json_string(pkg) : json_null(), "imports", "options",
	                options_of(c, d), "messages", "enums", "services", "extends");
	if (!ast) {
		c->r->oom = 1;
		return NULL;
	}
	if (!syntax || !*syntax || strcmp(syntax, "proto2") == 0) {
		/* proto2, the default */
	} else if (strcmp(syntax, "proto3") == 0) {
		c->proto3 = 1;
		put(c, ast, "syntax", json_string("proto3"));
	} else if (strcmp(syntax, "editions") == 0 && has_int(d, "edition", &edition) &&
	           (edition == EDITION_2023 || edition == EDITION_2024)) {
		c->editions = 1;
		put(c, ast, "syntax", json_string("editions"));
		put(c, ast, "edition", json_string(edition == EDITION_2023 ? "2023" : "2024"));
	} else {
		cv_err(c, "syntax '%s' (edition %lld) is not supported", syntax,
		       (long long)edition);
		goto fail;
	}
	imports = json_object_get(ast, "imports");
	json_array_foreach(json_object_get(d, "dependency"), i, x)
	{
		const char *kind = index_listed(json_object_get(d, "public_dependency"), i)
		                       ? "public"
		                   : index_listed(json_object_get(d, "weak_dependency"), i) ? "weak"
		                                                                            : "";
		append(c, imports,
		       json_pack("{s:O, s:s, s:b}", "path", x, "kind", kind, "reference", 0));
	}
	c->names = json_object();
	if (!c->names || add_packages(c->names, pkg)) {
		c->r->oom = 1;
		goto fail;
	}
	collect_names(c, d, "message_type", pkg, 1);
	json_array_foreach(json_object_get(d, "message_type"), i, x)
	{
		json_t *m = message_ast(c, x, pkg, 1);
		if (!m)
			goto fail;
		append(c, json_object_get(ast, "messages"), m);
	}
	json_array_foreach(json_object_get(d, "enum_type"), i, x)
	{
		json_t *e = enum_ast(c, x, pkg);
		if (!e)
			goto fail;
		append(c, json_object_get(ast, "enums"), e);
	}
	extends_ast(c, json_object_get(d, "extension"), pkg, json_object_get(ast, "extends"));
	json_array_foreach(json_object_get(d, "service"), i, x)
	{
		json_t *s = service_ast(c, x);
		if (!s)
			goto fail;
		append(c, json_object_get(ast, "services"), s);
	}
	if (c->r->failed || c->r->oom)
		goto fail;
	return ast;
fail:
	json_decref(ast);
	return NULL;
}

int protobuf_desc_to_ast(const void *bin, size_t len, const char *base_pointer,
                         struct dw_findings *out, json_t **ast)
{
	struct rd r = {bin, base_pointer ? base_pointer : "", out, 0, 0};
	struct cv c;
	json_t *image = NULL;

	*ast = NULL;
	memset(&c, 0, sizeof(c));
	c.r = &r;
	if (len > PROTOBUF_MAX_TEXT) {
		rd_finding(&r, DW_SEV_ERROR, "descriptor larger than %u bytes", PROTOBUF_MAX_TEXT);
	} else {
		image = decode_msg(&r, bin, (const unsigned char *)bin + len, &file_m, 0);
		if (image && !r.failed && !r.oom)
			*ast = file_ast(&c, image);
	}
	json_decref(image);
	json_decref(c.names);
	if (r.oom || dw_findings_oom(out)) {
		json_decref(*ast);
		*ast = NULL;
		return DW_NOMEM;
	}
	if (r.failed || !*ast) {
		json_decref(*ast);
		*ast = NULL;
		if (!r.failed)
			rd_finding(&r, DW_SEV_ERROR, "descriptor is not a FileDescriptorProto");
		return DW_INVALID;
	}
	return 0;
}

/* ---- AST -> descriptor image ---------------------------------------------------------------- */

struct wr {
	json_t *names; /* full name -> kind: this file's types, those its fields resolved to */
	const char *pkg;
	int proto3, oom;
};

static void w_put(struct wr *w, json_t *o, const char *k, json_t *v)
{
	if (!v || json_object_set_new(o, k, v))
		w->oom = 1;
}

static void w_append(struct wr *w, json_t *arr, json_t *v)
{
	if (!v || json_array_append_new(arr, v))
		w->oom = 1;
}

/* arr (created under key k of o when missing) for appending. */
static json_t *w_list(struct wr *w, json_t *o, const char *k)
{
	json_t *arr = json_object_get(o, k);

	if (arr)
		return arr;
	arr = json_array();
	w_put(w, o, k, arr);
	return arr;
}

static void w_collect(struct wr *w, const json_t *container, int depth)
{
	size_t i, j;
	const json_t *x, *f;

	if (depth > PROTOBUF_MAX_DEPTH + 1)
		return;
	json_array_foreach(json_object_get(container, "enums"), i, x)
	{
		if (jstr(x, "fullName"))
			w_put(w, w->names, jstr(x, "fullName"), json_string("enum"));
	}
	json_array_foreach(json_object_get(container, "messages"), i, x)
	{
		if (jstr(x, "fullName"))
			w_put(w, w->names, jstr(x, "fullName"), json_string("message"));
		w_collect(w, x, depth + 1);
	}
	/* types of other files that the fields resolved to */
	json_array_foreach(json_object_get(container, "fields"), i, f)
	{
		const json_t *map = json_object_get(f, "map");
		if (jstr(f, "typeFullName") && !json_object_get(w->names, jstr(f, "typeFullName")))
			w_put(w, w->names, jstr(f, "typeFullName"), json_string(jstr(f, "kind")));
		if (jstr(map, "valueFullName") &&
		    !json_object_get(w->names, jstr(map, "valueFullName")))
			w_put(w, w->names, jstr(map, "valueFullName"),
			      json_string(jstr(map, "valueKind")));
	}
	json_array_foreach(json_object_get(container, "extends"), i, x)
	{
		json_array_foreach(json_object_get(x, "fields"), j, f)
		{
			if (jstr(f, "typeFullName") &&
			    !json_object_get(w->names, jstr(f, "typeFullName")))
				w_put(w, w->names, jstr(f, "typeFullName"),
				      json_string(jstr(f, "kind")));
		}
	}
}

/* ".full.name" of a type reference written in scope, or the reference as written. */
static json_t *w_type_ref(struct wr *w, const char *written, const char *full, const char *scope)
{
	char *res = NULL, *s;
	json_t *v;
	int oom = 0;

	if (!written)
		return json_string("");
	if (!full)
		full = res = resolve_in(w->names, written, scope, &oom);
	if (oom)
		w->oom = 1;
	s = full ? dw_strfmt(".%s", full) : dw_strfmt("%s", written);
	free(res);
	v = s ? json_string(s) : NULL;
	free(s);
	return v;
}

static int scalar_type(const char *name)
{
	for (int t = 1; name && t < 19; t++)
		if (scalar_names[t] && strcmp(scalar_names[t], name) == 0)
			return t;
	return 0;
}

/* The descriptor's options image of AST options: built-in ones by their names; "default" and
 * "json_name" (field options the descriptor keeps elsewhere) and custom options left out. */
static json_t *w_options(struct wr *w, const json_t *opts, const struct dmsg *m)
{
	json_t *o = json_object();
	const char *k;
	const json_t *v;

	if (!o) {
		w->oom = 1;
		return NULL;
	}
	json_object_foreach((json_t *)opts, k, v)
	{
		if (dfield_by_name(m, k))
			w_put(w, o, k, json_deep_copy(v));
	}
	return o;
}

/* Sets d's "options" when opts has some the descriptor keeps. */
static void w_set_options(struct wr *w, json_t *d, const json_t *opts, const struct dmsg *m)
{
	json_t *o = w_options(w, opts, m);

	if (json_object_size(o))
		w_put(w, d, "options", o);
	else
		json_decref(o);
}

/* The text of a "default" option value for default_value. */
static char *w_default(const json_t *v, int bytes)
{
	if (json_is_string(v)) {
		struct strbuf b = STRBUF_INIT;
		char *s;
		size_t n;
		if (!bytes)
			return dw_strfmt("%s", json_string_value(v));
		quote(&b, json_string_value(v), json_string_length(v));
		s = strbuf_detach(&b, &n);
		if (s && n >= 2) {
			memmove(s, s + 1, n - 2);
			s[n - 2] = '\0';
		}
		return s;
	}
	if (json_is_integer(v))
		return dw_strfmt("%lld", (long long)json_integer_value(v));
	if (json_is_real(v))
		return dw_strfmt("%.17g", json_real_value(v));
	if (json_is_boolean(v))
		return dw_strfmt("%s", json_is_true(v) ? "true" : "false");
	if (json_string_value(json_object_get(v, "literal"))) {
		const char *lit = json_string_value(json_object_get(v, "literal"));
		size_t n = strlen(lit);
		/* a quoted string that was not UTF-8: its escapes as they are */
		if (n >= 2 && lit[0] == '"' && lit[n - 1] == '"')
			return dw_strfmt("%.*s", (int)(n - 2), lit + 1);
		return dw_strfmt("%s", lit);
	}
	return NULL;
}

/* A map entry message for field f (AST) named name. */
static json_t *w_map_entry(struct wr *w, const json_t *f, const char *name, const char *scope)
{
	const json_t *map = json_object_get(f, "map");
	int kt = scalar_type(jstr(map, "key")), vt = scalar_type(jstr(map, "value"));
	json_t *value, *e;

	value = json_pack("{s:s, s:i, s:i, s:s}", "name", "value", "number", 2, "label", L_OPTIONAL,
	                  "json_name", "value");
	if (!value) {
		w->oom = 1;
		return NULL;
	}
	if (vt) {
		w_put(w, value, "type", json_integer(vt));
	} else {
		const char *vk = jstr(map, "valueKind");
		if (vk && strcmp(vk, "message") == 0)
			w_put(w, value, "type", json_integer(T_MESSAGE));
		else if (vk && strcmp(vk, "enum") == 0)
			w_put(w, value, "type", json_integer(T_ENUM));
		w_put(w, value, "type_name",
		      w_type_ref(w, jstr(map, "value"), jstr(map, "valueFullName"), scope));
	}
	e = json_pack("{s:s, s:[{s:s, s:i, s:i, s:i, s:s}, o], s:{s:b}}", "name", name, "field",
	              "name", "key", "number", 1, "label", L_OPTIONAL, "type", kt ? kt : 9,
	              "json_name", "key", value, "options", "map_entry", 1);
	if (!e)
		w->oom = 1;
	return e;
}

/* The descriptor image of field f of the message msg (NULL for an extension; extendee then
 * set by the caller). Map entries go to entries. synthetic: the index of the proto3 optional
 * field's synthetic oneof, -1 when none. */
static json_t *w_field(struct wr *w, const json_t *f, const json_t *msg, const char *scope,
                       json_t *entries, long oneof, long synthetic)
{
	const char *name = jstr(f, "name"), *kind = jstr(f, "kind"), *label = jstr(f, "label");
	const json_t *opts = json_object_get(f, "options");
	json_t *d;
	int t = 0, lab = L_OPTIONAL;
	char *jn;

	if (!name || !kind)
		return NULL;
	if (label && strcmp(label, "repeated") == 0)
		lab = L_REPEATED;
	else if (label && strcmp(label, "required") == 0)
		lab = L_REQUIRED;
	d = json_pack("{s:s, s:I, s:i}", "name", name, "number",
	              json_integer_value(json_object_get(f, "number")), "label", lab);
	if (!d) {
		w->oom = 1;
		return NULL;
	}
	if (strcmp(kind, "map") == 0 && msg) {
		char *en = entry_name_of(name);
		char *full = en ? join_name(jstr(msg, "fullName"), en) : NULL;
		char *ref = full ? dw_strfmt(".%s", full) : NULL;
		w_put(w, d, "label", json_integer(L_REPEATED));
		w_put(w, d, "type", json_integer(T_MESSAGE));
		w_put(w, d, "type_name", ref ? json_string(ref) : NULL);
		if (en)
			w_append(w, entries, w_map_entry(w, f, en, scope));
		free(en);
		free(full);
		free(ref);
	} else if (strcmp(kind, "group") == 0 && msg) {
		char *full = join_name(jstr(msg, "fullName"), jstr(f, "type"));
		char *ref = full ? dw_strfmt(".%s", full) : NULL;
		w_put(w, d, "type", json_integer(T_GROUP));
		w_put(w, d, "type_name", ref ? json_string(ref) : NULL);
		free(full);
		free(ref);
	} else if ((t = scalar_type(jstr(f, "type"))) != 0) {
		w_put(w, d, "type", json_integer(t));
	} else {
		if (strcmp(kind, "message") == 0)
			w_put(w, d, "type", json_integer(t = T_MESSAGE));
		else if (strcmp(kind, "enum") == 0)
			w_put(w, d, "type", json_integer(t = T_ENUM));
		w_put(w, d, "type_name",
		      w_type_ref(w, jstr(f, "type"), jstr(f, "typeFullName"), scope));
	}
	if (json_object_get(opts, "default")) {
		char *dv = w_default(json_object_get(opts, "default"), t == 12);
		w_put(w, d, "default_value", dv ? json_string(dv) : NULL);
		free(dv);
	}
	if (oneof >= 0)
		w_put(w, d, "oneof_index", json_integer(oneof));
	else if (synthetic >= 0)
		w_put(w, d, "oneof_index", json_integer(synthetic));
	jn = json_string_value(json_object_get(opts, "json_name"))
	         ? dw_strfmt("%s", json_string_value(json_object_get(opts, "json_name")))
	         : json_name_of(name);
	w_put(w, d, "json_name", jn ? json_string(jn) : NULL);
	free(jn);
	w_set_options(w, d, opts, &field_options);
	if (synthetic >= 0)
		w_put(w, d, "proto3_optional", json_true());
	return d;
}

static json_t *w_enum(struct wr *w, const json_t *e)
{
	json_t *d = json_pack("{s:s, s:[]}", "name", jstr(e, "name"), "value");
	const json_t *res = json_object_get(e, "reserved"), *x;
	size_t i;

	if (!d) {
		w->oom = 1;
		return NULL;
	}
	json_array_foreach(json_object_get(e, "values"), i, x)
	{
		json_t *v = json_pack("{s:s, s:O}", "name", jstr(x, "name"), "number",
		                      json_object_get(x, "number"));
		if (v)
			w_set_options(w, v, json_object_get(x, "options"), &enum_value_options);
		w_append(w, json_object_get(d, "value"), v);
	}
	w_set_options(w, d, json_object_get(e, "options"), &enum_options);
	json_array_foreach(json_object_get(res, "numbers"), i, x) w_append(
	    w, w_list(w, d, "reserved_range"),
	    json_pack("{s:O, s:O}", "start", json_array_get(x, 0), "end", json_array_get(x, 1)));
	json_array_foreach(json_object_get(res, "names"), i, x)
	    w_append(w, w_list(w, d, "reserved_name"), json_copy((json_t *)x));
	return d;
}

/* "extension" fields of the AST extends in container, written in scope. */
static void w_extends(struct wr *w, const json_t *container, const char *scope, json_t *d)
{
	size_t i, j;
	const json_t *x, *f;

	json_array_foreach(json_object_get(container, "extends"), i, x)
	{
		json_t *extendee = w_type_ref(w, jstr(x, "extendee"), NULL, scope);
		json_array_foreach(json_object_get(x, "fields"), j, f)
		{
			json_t *fd = w_field(w, f, NULL, scope, NULL, -1, -1);
			if (fd)
				w_put(w, fd, "extendee", json_copy(extendee));
			w_append(w, w_list(w, d, "extension"), fd);
		}
		json_decref(extendee);
	}
}

/* Position of an AST element for ordering nested types as the text declared them. */
static long pos_of(const json_t *x)
{
	return (long)(json_integer_value(json_object_get(x, "line")) * 100000 +
	              json_integer_value(json_object_get(x, "col")));
}

static json_t *w_message(struct wr *w, const json_t *m, int depth);

/* nested_type: the AST's messages and the map entries (each at its field's position), in the
 * order of the text, as protoc orders them. */
static void w_nested(struct wr *w, const json_t *m, json_t *d, json_t *entries,
                     const json_t *entry_fields, int depth)
{
	size_t i = 0, j = 0;
	const json_t *msgs = json_object_get(m, "messages");

	while (i < json_array_size(msgs) || j < json_array_size(entries)) {
		int take_msg =
		    j >= json_array_size(entries) ||
		    (i < json_array_size(msgs) &&
		     pos_of(json_array_get(msgs, i)) <= pos_of(json_array_get(entry_fields, j)));
		if (take_msg)
			w_append(w, w_list(w, d, "nested_type"),
			         w_message(w, json_array_get(msgs, i++), depth + 1));
		else
			w_append(w, w_list(w, d, "nested_type"),
			         json_incref(json_array_get(entries, j++)));
	}
}

static json_t *w_message(struct wr *w, const json_t *m, int depth)
{
	const char *full = jstr(m, "fullName");
	const json_t *oneofs = json_object_get(m, "oneofs"), *x;
	json_t *d, *entries, *entry_fields;
	size_t i;
	long synthetic = (long)json_array_size(oneofs);

	if (depth > PROTOBUF_MAX_DEPTH + 1)
		return NULL;
	d = json_pack("{s:s}", "name", jstr(m, "name"));
	entries = json_array();
	entry_fields = json_array();
	if (!d || !entries || !entry_fields) {
		json_decref(d);
		json_decref(entries);
		json_decref(entry_fields);
		w->oom = 1;
		return NULL;
	}
	json_array_foreach(json_object_get(m, "fields"), i, x)
	{
		const char *o = jstr(x, "oneof"), *label = jstr(x, "label");
		long oneof = -1, syn = -1;
		size_t k;
		const json_t *y;
		if (o) {
			json_array_foreach(oneofs, k, y)
			{
				if (strcmp(jstr(y, "name"), o) == 0)
					oneof = (long)k;
			}
		} else if (w->proto3 && label && strcmp(label, "optional") == 0) {
			syn = synthetic++;
		}
		if (jstr(x, "kind") && strcmp(jstr(x, "kind"), "map") == 0)
			w_append(w, entry_fields, json_incref((json_t *)x));
		w_append(w, w_list(w, d, "field"), w_field(w, x, m, full, entries, oneof, syn));
	}
	w_nested(w, m, d, entries, entry_fields, depth);
	json_array_foreach(json_object_get(m, "enums"), i, x)
	    w_append(w, w_list(w, d, "enum_type"), w_enum(w, x));
	json_array_foreach(json_object_get(m, "extensions"), i, x)
	    w_append(w, w_list(w, d, "extension_range"),
	             json_pack("{s:O, s:I}", "start", json_array_get(x, 0), "end",
	                       json_integer_value(json_array_get(x, 1)) + 1));
	w_extends(w, m, full, d);
	w_set_options(w, d, json_object_get(m, "options"), &message_options);
	json_array_foreach(oneofs, i, x)
	    w_append(w, w_list(w, d, "oneof_decl"), json_pack("{s:s}", "name", jstr(x, "name")));
	/* the synthetic oneofs of proto3 optional fields follow the real ones */
	json_array_foreach(json_object_get(m, "fields"), i, x)
	{
		const char *label = jstr(x, "label");
		if (w->proto3 && !jstr(x, "oneof") && label && strcmp(label, "optional") == 0) {
			char *n = dw_strfmt("_%s", jstr(x, "name"));
			w_append(w, w_list(w, d, "oneof_decl"),
			         json_pack("{s:s}", "name", n ? n : ""));
			free(n);
		}
	}
	json_array_foreach(json_object_get(json_object_get(m, "reserved"), "numbers"), i, x)
	    w_append(w, w_list(w, d, "reserved_range"),
	             json_pack("{s:O, s:I}", "start", json_array_get(x, 0), "end",
	                       json_integer_value(json_array_get(x, 1)) + 1));
	json_array_foreach(json_object_get(json_object_get(m, "reserved"), "names"), i, x)
	    w_append(w, w_list(w, d, "reserved_name"), json_copy((json_t *)x));
	json_decref(entries);
	json_decref(entry_fields);
	return d;
}

static json_t *w_file(struct wr *w, const json_t *ast, const char *name)
{
	const char *syntax = jstr(ast, "syntax");
	json_t *d = json_object();
	size_t i, j;
	const json_t *x, *r;

	if (!d) {
		w->oom = 1;
		return NULL;
	}
	if (name)
		w_put(w, d, "name", json_string(name));
	if (w->pkg)
		w_put(w, d, "package", json_string(w->pkg));
	json_array_foreach(json_object_get(ast, "imports"), i, x)
	{
		const char *kind = jstr(x, "kind");
		w_append(w, w_list(w, d, "dependency"), json_string(jstr(x, "path")));
		if (kind && strcmp(kind, "public") == 0)
			w_append(w, w_list(w, d, "public_dependency"), json_integer((json_int_t)i));
		if (kind && strcmp(kind, "weak") == 0)
			w_append(w, w_list(w, d, "weak_dependency"), json_integer((json_int_t)i));
	}
	json_array_foreach(json_object_get(ast, "messages"), i, x)
	    w_append(w, w_list(w, d, "message_type"), w_message(w, x, 1));
	json_array_foreach(json_object_get(ast, "enums"), i, x)
	    w_append(w, w_list(w, d, "enum_type"), w_enum(w, x));
	json_array_foreach(json_object_get(ast, "services"), i, x)
	{
		json_t *s = json_pack("{s:s, s:[]}", "name", jstr(x, "name"), "method");
		if (!s) {
			w->oom = 1;
			break;
		}
		json_array_foreach(json_object_get(x, "rpcs"), j, r)
		{
			json_t *md =
			    json_pack("{s:s, s:o, s:o}", "name", jstr(r, "name"), "input_type",
			              w_type_ref(w, jstr(r, "input"), NULL, w->pkg), "output_type",
			              w_type_ref(w, jstr(r, "output"), NULL, w->pkg));
			if (md) {
				w_set_options(w, md, json_object_get(r, "options"),
				              &method_options);
				if (jbool(r, "inputStream"))
					w_put(w, md, "client_streaming", json_true());
				if (jbool(r, "outputStream"))
					w_put(w, md, "server_streaming", json_true());
			}
			w_append(w, json_object_get(s, "method"), md);
		}
		w_set_options(w, s, json_object_get(x, "options"), &service_options);
		w_append(w, w_list(w, d, "service"), s);
	}
	w_extends(w, ast, w->pkg, d);
	w_set_options(w, d, json_object_get(ast, "options"), &file_options);
	if (syntax && strcmp(syntax, "proto3") == 0) {
		w_put(w, d, "syntax", json_string("proto3"));
	} else if (syntax && strcmp(syntax, "editions") == 0) {
		const char *ed = jstr(ast, "edition");
		w_put(w, d, "syntax", json_string("editions"));
		w_put(w, d, "edition",
		      json_integer(ed && strcmp(ed, "2024") == 0 ? EDITION_2024 : EDITION_2023));
	}
	return d;
}

int protobuf_desc_from_ast(const json_t *ast, const char *name, unsigned char **bin, size_t *len)
{
	struct wr w;
	struct strbuf b = STRBUF_INIT;
	json_t *image;

	*bin = NULL;
	*len = 0;
	if (!json_is_object(ast) || !json_is_array(json_object_get(ast, "messages")))
		return DW_INVALID;
	memset(&w, 0, sizeof(w));
	w.pkg = jstr(ast, "package");
	w.proto3 = jstr(ast, "syntax") && strcmp(jstr(ast, "syntax"), "proto3") == 0;
	w.names = json_object();
	if (!w.names || add_packages(w.names, w.pkg)) {
		json_decref(w.names);
		return DW_NOMEM;
	}
	w_collect(&w, ast, 1);
	image = w.oom ? NULL : w_file(&w, ast, name);
	json_decref(w.names);
	if (!image || w.oom) {
		json_decref(image);
		return DW_NOMEM;
	}
	encode_msg(&b, image, &file_m, 0);
	json_decref(image);
	if (b.oom) {
		strbuf_release(&b);
		return DW_NOMEM;
	}
	/* an empty descriptor is valid: strbuf_detach hands back "" */
	if (!b.buf)
		strbuf_addstr(&b, "");
	*bin = (unsigned char *)strbuf_detach(&b, len);
	return *bin ? 0 : DW_NOMEM;
}
