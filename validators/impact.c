/*
 * impact.c: matching breaking changes against what registered consumers declare they use.
 * See impact.h for the rules.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "validators/impact.h"

#define KEY_MAX 1024

/* 1 when a equals b, or one is a prefix of the other followed by sep in the longer one. */
static int path_related(const char *a, const char *b, char sep)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la == lb)
		return strcmp(a, b) == 0;
	if (la > lb) {
		const char *t = a;
		a = b;
		b = t;
		la = lb;
	}
	return la > 0 && strncmp(a, b, la) == 0 && b[la] == sep;
}

/*
 * Decodes the reference tokens of a JSON pointer (RFC 6901: ~1 is '/', ~0 is '~') from p,
 * joined with sep, into out (size bytes). Returns 0, or -1 when it does not fit.
 */
static int pointer_tokens(const char *p, char sep, char *out, size_t size)
{
	size_t n = 0;

	if (*p == '/')
		p++;
	for (; *p; p++) {
		char ch = *p;

		if (ch == '~' && (p[1] == '0' || p[1] == '1'))
			ch = *++p == '0' ? '~' : '/';
		else if (ch == '/')
			ch = sep;
		if (n + 1 >= size)
			return -1;
		out[n++] = ch;
	}
	out[n] = '\0';
	return 0;
}

/* "METHOD /path" of the operation an OpenAPI pointer lies in (/paths/<path>/<method>...),
 * into key; 0, or -1 when the pointer is not inside an operation. */
static int openapi_operation_key(const char *ptr, char *key, size_t size)
{
	static const char *const methods[] = {"get",     "put",  "post",  "delete",
	                                      "options", "head", "patch", "trace"};
	const char *seg, *method, *end;
	char path[KEY_MAX], raw[KEY_MAX];
	size_t seglen, mlen;

	if (!ptr || strncmp(ptr, "/paths/", 7) != 0)
		return -1;
	seg = ptr + 7;
	seglen = strcspn(seg, "/");
	if (seg[seglen] != '/' || seglen + 1 >= sizeof(raw))
		return -1;
	method = seg + seglen + 1;
	end = method + strcspn(method, "/");
	mlen = (size_t)(end - method);
	memcpy(raw, seg, seglen);
	raw[seglen] = '\0';
	if (pointer_tokens(raw, '/', path, sizeof(path)))
		return -1;
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		if (strlen(methods[i]) != mlen || strncmp(methods[i], method, mlen) != 0)
			continue;
		if (mlen + 2 + strlen(path) >= size)
			return -1;
		for (size_t k = 0; k < mlen; k++)
			key[k] = (char)(methods[i][k] - 'a' + 'A');
		key[mlen] = ' ';
		memcpy(key + mlen + 1, path, strlen(path) + 1);
		return 0;
	}
	return -1;
}

/* "get /users" and "GET /users" are the same operation. */
static int operation_equal(const char *use, const char *key)
{
	const char *us = strchr(use, ' '), *ks = strchr(key, ' ');

	if (!us || !ks || us - use != ks - key)
		return 0;
	return strncasecmp(use, key, (size_t)(us - use)) == 0 && strcmp(us, ks) == 0;
}

static int openapi_reaches(const struct dw_change *ch, const char *use)
{
	char key[KEY_MAX];

	if (strcmp(use, ch->subject) == 0 || operation_equal(use, ch->subject))
		return 1;
	if (!openapi_operation_key(ch->old_pointer, key, sizeof(key)) && operation_equal(use, key))
		return 1;
	return !openapi_operation_key(ch->new_pointer, key, sizeof(key)) &&
	       operation_equal(use, key);
}

static int field_reaches(const struct dw_change *ch, const char *use)
{
	char dotted[KEY_MAX];

	if (use[0] != '/')
		return path_related(use, ch->subject, '.');
	if (!pointer_tokens(use, '.', dotted, sizeof(dotted)) &&
	    path_related(dotted, ch->subject, '.'))
		return 1;
	return (ch->old_pointer && path_related(use, ch->old_pointer, '/')) ||
	       (ch->new_pointer && path_related(use, ch->new_pointer, '/'));
}

int compat_impact_reaches(const struct dw_change *ch, const json_t *uses)
{
	size_t i;
	json_t *u;

	if (json_array_size(uses) == 0 || !ch->subject)
		return 1;
	json_array_foreach(uses, i, u)
	{
		const char *use = json_string_value(u);

		if (!use || !*use)
			continue;
		if (ch->rule->format == DW_FMT_OPENAPI ? openapi_reaches(ch, use)
		                                       : field_reaches(ch, use))
			return 1;
	}
	return 0;
}

/* The impact object of one flow, or NULL (nothing reaches it, or out of memory: *oom). */
static json_t *flow_impact(const struct dw_changes *c, enum dw_mode mode, const json_t *flow,
                           int *oom)
{
	const char *consumer = json_string_value(json_object_get(flow, "consumer"));
	const char *provider = json_string_value(json_object_get(flow, "provider"));
	const json_t *pattern = json_object_get(flow, "pattern");
	json_t *uses = json_object_get(flow, "uses"), *idx, *o;

	if (!json_is_array(uses))
		uses = NULL;
	if (!(idx = json_array()))
		goto oom;
	for (size_t i = 0; i < c->count; i++) {
		if (compat_change_severity(&c->items[i], mode) != DW_CHANGE_BREAKING ||
		    !compat_impact_reaches(&c->items[i], uses))
			continue;
		if (json_array_append_new(idx, json_integer((json_int_t)i)))
			goto oom;
	}
	if (json_array_size(idx) == 0) {
		json_decref(idx);
		return NULL;
	}
	o = json_pack("{s:s++, s:s, s:O?, s:O?, s:o}", "flow", consumer, "->",
	              provider ? provider : "", "consumer", consumer, "pattern", pattern, "uses",
	              uses, "changes", idx);
	if (!o)
		*oom = 1;
	return o;
oom:
	json_decref(idx);
	*oom = 1;
	return NULL;
}

json_t *compat_impact(const struct dw_changes *c, enum dw_mode mode, const json_t *flows)
{
	json_t *out = json_array(), *flow;
	size_t i;
	int oom = 0;

	if (!out)
		return NULL;
	json_array_foreach(flows, i, flow)
	{
		json_t *o;

		if (!json_string_value(json_object_get(flow, "consumer")))
			continue;
		o = flow_impact(c, mode, flow, &oom);
		if (oom || (o && json_array_append_new(out, o))) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}
