/*
 * contract: the format table (names, media types, checkers), the dispatch that guards every
 * checker against nesting deeper than CONTRACT_MAX_DEPTH, and the JSON pointer builder the
 * checkers share.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validators/contract.h"
#include "validators/error.h"
#include "validators/jsonschema.h"
#include "validators/protobuf.h"

struct format {
	enum dw_format fmt;
	const char *name;
	const char *media_type;
	int (*check)(const json_t *doc, const char *base, struct dw_findings *out);
};

static const struct format formats[] = {
    {DW_FMT_OPENAPI, "openapi", "application/vnd.oai.openapi+json", openapi_validate},
    {DW_FMT_AVRO, "avro", "application/vnd.apache.avro+json", avro_validate},
    {DW_FMT_JSONSCHEMA, "jsonschema", "application/schema+json", jsonschema_check_schema},
    {DW_FMT_ODCS, "odcs", "application/json", odcs_validate},
    {DW_FMT_PROTOBUF, "protobuf", "application/x-protobuf", protobuf_validate},
};

static const struct format *format_get(enum dw_format fmt)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (formats[i].fmt == fmt)
			return &formats[i];
	return NULL;
}

enum dw_format contract_format_parse(const char *name)
{
	for (size_t i = 0; name && i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(formats[i].name, name))
			return formats[i].fmt;
	return DW_FMT_UNKNOWN;
}

const char *contract_format_name(enum dw_format fmt)
{
	const struct format *f = format_get(fmt);

	return f ? f->name : NULL;
}

const char *contract_media_type(enum dw_format fmt)
{
	const struct format *f = format_get(fmt);

	return f ? f->media_type : NULL;
}

/* Depth of v, counting a scalar as 1, but never walking below limit + 1 levels. */
static size_t depth_of(const json_t *v, size_t limit)
{
	size_t max = 0, d;
	const char *key;
	json_t *x;

	if (!limit)
		return 1;
	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, key, x)
		{
			d = depth_of(x, limit - 1);
			if (d > max)
				max = d;
			if (max > limit)
				break;
		}
	} else if (json_is_array(v)) {
		for (size_t i = 0; i < json_array_size(v) && max <= limit; i++) {
			d = depth_of(json_array_get(v, i), limit - 1);
			if (d > max)
				max = d;
		}
	}
	return max + 1;
}

int contract_validate(enum dw_format fmt, const json_t *contract, const char *base_pointer,
                      struct dw_findings *out)
{
	const struct format *f = format_get(fmt);
	const char *base = base_pointer ? base_pointer : "";
	size_t errors = dw_findings_errors(out);

	if (!f) {
		dw_findings_add(out, base, "unknown contract format");
		return dw_findings_oom(out) ? DW_NOMEM : DW_INVALID;
	}
	if (!contract) {
		dw_findings_add(out, base, "missing %s contract", f->name);
		return dw_findings_oom(out) ? DW_NOMEM : DW_INVALID;
	}
	if (depth_of(contract, CONTRACT_MAX_DEPTH) > CONTRACT_MAX_DEPTH) {
		dw_findings_add(out, base, "contract nests deeper than %d levels",
		                CONTRACT_MAX_DEPTH);
		return dw_findings_oom(out) ? DW_NOMEM : DW_INVALID;
	}
	f->check(contract, base, out);
	if (dw_findings_oom(out))
		return DW_NOMEM;
	return dw_findings_errors(out) > errors ? DW_INVALID : 0;
}

int contract_fingerprint(enum dw_format fmt, const json_t *contract, char out[72])
{
	json_t *ast;
	char *text;
	int rc;

	if (fmt != DW_FMT_PROTOBUF)
		return canon_fingerprint(contract, out);
	rc = protobuf_contract_ast(contract, &ast);
	if (rc)
		return rc;
	text = protobuf_canonical(ast);
	json_decref(ast);
	if (!text)
		return DW_NOMEM;
	memcpy(out, "sha256:", 7);
	dw_sha256_hex(text, strlen(text), out + 7);
	free(text);
	return 0;
}

static const char *const avro_primitives[] = {"null",  "boolean", "int",   "long",
                                              "float", "double",  "bytes", "string"};

/* An Avro schema with every {"type": <primitive>} that says nothing else written as the
 * primitive's name, the Avro specification's equivalent short form; depth-bounded. */
static json_t *avro_normalized(const json_t *v, int depth)
{
	const char *key;
	json_t *out, *x;
	size_t i;

	if (depth > CANON_MAX_DEPTH)
		return NULL;
	if (json_is_object(v) && json_object_size(v) == 1 &&
	    json_is_string(json_object_get(v, "type"))) {
		const char *t = json_string_value(json_object_get(v, "type"));

		for (i = 0; i < sizeof(avro_primitives) / sizeof(avro_primitives[0]); i++)
			if (strcmp(t, avro_primitives[i]) == 0)
				return json_string(t);
	}
	if (json_is_array(v)) {
		out = json_array();
		json_array_foreach(
		    v, i, x) if (!out || json_array_append_new(out, avro_normalized(x, depth + 1)))
		{
			json_decref(out);
			return NULL;
		}
		return out;
	}
	if (!json_is_object(v))
		return json_deep_copy(v);
	out = json_object();
	json_object_foreach((json_t *)v, key, x)
	{
		/* schemas sit under these keys ("fields" holds field objects, whose "type" is
		 * one); default values and other properties are data */
		int schema = strcmp(key, "type") == 0 || strcmp(key, "fields") == 0 ||
		             strcmp(key, "items") == 0 || strcmp(key, "values") == 0;
		if (!out ||
		    json_object_set_new(
		        out, key, schema ? avro_normalized(x, depth + 1) : json_deep_copy(x))) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

json_t *contract_normalize(enum dw_format fmt, const json_t *contract)
{
	json_t *ast, *out;
	char *text;

	switch (fmt) {
	case DW_FMT_AVRO:
		return avro_normalized(contract, 0);
	case DW_FMT_PROTOBUF:
		if (protobuf_contract_ast(contract, &ast))
			return NULL;
		text = protobuf_canonical(ast);
		json_decref(ast);
		out = text ? json_string(text) : NULL;
		free(text);
		return out;
	default:
		return json_deep_copy(contract);
	}
}

static int path_reserve(struct contract_path *p, size_t extra)
{
	size_t a;
	char *s;

	if (p->len + extra + 1 <= p->alloc)
		return 0;
	a = p->alloc ? p->alloc : 128;
	while (a < p->len + extra + 1)
		a *= 2;
	s = realloc(p->buf, a);
	if (!s) {
		p->oom = 1;
		return -1;
	}
	p->buf = s;
	p->alloc = a;
	return 0;
}

int contract_path_init(struct contract_path *p, const char *base)
{
	size_t n = base ? strlen(base) : 0;

	memset(p, 0, sizeof(*p));
	if (path_reserve(p, n))
		return DW_NOMEM;
	if (n)
		memcpy(p->buf, base, n);
	p->len = n;
	p->buf[n] = '\0';
	return 0;
}

void contract_path_release(struct contract_path *p)
{
	free(p->buf);
	memset(p, 0, sizeof(*p));
}

size_t contract_path_push(struct contract_path *p, const char *token)
{
	size_t mark = p->len, extra = 0, n = strlen(token), j;

	for (size_t i = 0; i < n; i++)
		if (token[i] == '~' || token[i] == '/')
			extra++;
	if (path_reserve(p, 1 + n + extra))
		return mark;
	j = p->len;
	p->buf[j++] = '/';
	for (size_t i = 0; i < n; i++) {
		if (token[i] == '~' || token[i] == '/') {
			p->buf[j++] = '~';
			p->buf[j++] = token[i] == '~' ? '0' : '1';
		} else {
			p->buf[j++] = token[i];
		}
	}
	p->buf[j] = '\0';
	p->len = j;
	return mark;
}

size_t contract_path_push_index(struct contract_path *p, size_t index)
{
	char tok[32];

	snprintf(tok, sizeof(tok), "%zu", index);
	return contract_path_push(p, tok);
}

void contract_path_pop(struct contract_path *p, size_t mark)
{
	if (!p->buf || mark > p->len)
		return;
	p->len = mark;
	p->buf[mark] = '\0';
}
