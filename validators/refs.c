/*
 * refs: schema references for Avro, JSON Schema and Protobuf contracts: the checks common to
 * every format, the Avro inliner, the JSON Schema embedder and the hand-over of Protobuf
 * imports to the .proto reader. The rules are in refs.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validators/contract.h"
#include "validators/error.h"
#include "validators/protobuf.h"
#include "validators/refs.h"
#include "validators/strbuf.h"

/* ---- common ------------------------------------------------------------------------------ */

static int done(struct dw_findings *out, size_t errors, json_t *doc, json_t **resolved)
{
	if (dw_findings_oom(out)) {
		json_decref(doc);
		return DW_NOMEM;
	}
	if (dw_findings_errors(out) > errors) {
		json_decref(doc);
		return DW_INVALID;
	}
	*resolved = doc;
	return 0;
}

/* Names present, contracts present, names distinct. Returns the number of errors added. */
static size_t check_refs(const struct dw_ref *refs, size_t n, const char *base,
                         struct dw_findings *out)
{
	size_t errors = dw_findings_errors(out);

	for (size_t i = 0; i < n; i++) {
		if (!refs[i].name || !*refs[i].name) {
			dw_findings_add(out, base, "reference %zu has no name", i);
			continue;
		}
		if (!refs[i].contract)
			dw_findings_add(out, base, "reference '%s' has no contract", refs[i].name);
		for (size_t j = 0; j < i; j++)
			if (refs[j].name && strcmp(refs[j].name, refs[i].name) == 0) {
				dw_findings_add(out, base, "duplicate reference name '%s'",
				                refs[i].name);
				break;
			}
	}
	return dw_findings_errors(out) - errors;
}

/* Copies the errors found in reference r's contract, naming it. */
static void ref_errors(struct dw_findings *out, const struct dw_findings *sub, const char *name,
                       const char *base)
{
	for (size_t i = 0; i < sub->count; i++) {
		const struct dw_finding *x = &sub->items[i];
		if (x->severity != DW_SEV_ERROR)
			continue;
		dw_findings_add(out, base, "reference '%s': invalid referenced schema: %s%s%s",
		                name, x->pointer && *x->pointer ? x->pointer : "",
		                x->pointer && *x->pointer ? ": " : "", x->message);
	}
}

/* ---- Avro -------------------------------------------------------------------------------- */

/* A named type a referenced schema defines. */
struct avdef {
	char *full;
	char *encl; /* the namespace enclosing its definition (what name_of needs) */
	const json_t *def;
	size_t ref;
};

struct av {
	const struct dw_ref *refs;
	struct avdef *defs;
	size_t ndefs, adefs;
	char **defined; /* full names defined so far in the resolved schema */
	size_t ndefined, adefined;
	struct dw_findings *out;
	struct contract_path path;
	int oom;
};

static const char *const av_primitives[] = {"null",  "boolean", "int",   "long",
                                            "float", "double",  "bytes", "string"};

static int av_is_primitive(const char *s)
{
	for (size_t i = 0; i < sizeof(av_primitives) / sizeof(av_primitives[0]); i++)
		if (strcmp(s, av_primitives[i]) == 0)
			return 1;
	return 0;
}

static int av_is_named_kind(const char *s)
{
	return !strcmp(s, "record") || !strcmp(s, "error") || !strcmp(s, "enum") ||
	       !strcmp(s, "fixed");
}

/* ns + "." + name, or name alone when it is dotted or ns is the null namespace. */
static char *av_join(const char *ns, const char *name)
{
	if (strchr(name, '.') || !ns || !*ns)
		return strdup(name);
	return dw_strfmt("%s.%s", ns, name);
}

static const struct avdef *av_lookup(const struct av *a, const char *full, long ref)
{
	for (size_t i = 0; i < a->ndefs; i++)
		if ((ref < 0 || a->defs[i].ref == (size_t)ref) &&
		    strcmp(a->defs[i].full, full) == 0)
			return &a->defs[i];
	return NULL;
}

static int av_is_defined(const struct av *a, const char *full)
{
	for (size_t i = 0; i < a->ndefined; i++)
		if (strcmp(a->defined[i], full) == 0)
			return 1;
	return 0;
}

static void av_define(struct av *a, const char *full)
{
	char *s;

	if (av_is_defined(a, full))
		return;
	if (dw_array_grow((void **)&a->defined, &a->adefined, a->ndefined, sizeof(char *), 16) ||
	    !(s = strdup(full))) {
		a->oom = 1;
		return;
	}
	a->defined[a->ndefined++] = s;
}

/* Registers every named type of reference r's schema v (walked like avro_validate). */
static void av_collect(struct av *a, size_t r, const json_t *v, const char *ns, int depth)
{
	const json_t *type, *x;
	size_t i;

	if (depth > CONTRACT_MAX_DEPTH || a->oom)
		return;
	if (json_is_array(v)) {
		json_array_foreach(v, i, x)
		{
			av_collect(a, r, x, ns, depth + 1);
		}
		return;
	}
	if (!json_is_object(v) || !(type = json_object_get(v, "type")))
		return;
	if (!json_is_string(type)) {
		av_collect(a, r, type, ns, depth + 1);
		return;
	}
	if (av_is_named_kind(json_string_value(type))) {
		struct avdef *d;
		char *full, *own;
		int rc = avro_name_of(v, ns, &full, &own);

		if (rc) {
			a->oom |= rc == DW_NOMEM;
			return;
		}
		if (av_lookup(a, full, (long)r)) { /* reported by avro_validate */
			free(full);
			free(own);
			return;
		}
		if (dw_array_grow((void **)&a->defs, &a->adefs, a->ndefs, sizeof(*d), 8)) {
			a->oom = 1;
			free(full);
			free(own);
			return;
		}
		d = &a->defs[a->ndefs];
		d->full = full;
		d->encl = strdup(ns);
		d->def = v;
		d->ref = r;
		if (!d->encl) {
			free(full);
			free(own);
			a->oom = 1;
			return;
		}
		a->ndefs++;
		json_array_foreach(json_object_get(v, "fields"), i, x)
		{
			av_collect(a, r, json_object_get(x, "type"), own, depth + 1);
		}
		free(own);
	} else if (!strcmp(json_string_value(type), "array")) {
		av_collect(a, r, json_object_get(v, "items"), ns, depth + 1);
	} else if (!strcmp(json_string_value(type), "map")) {
		av_collect(a, r, json_object_get(v, "values"), ns, depth + 1);
	}
}

/* The full name a type name written in reference r's schema inside namespace ns stands for
 * (malloc'd; the name itself when r does not define it). */
static char *av_qualify_in(struct av *a, size_t r, const char *name, const char *ns)
{
	char *full = av_join(ns, name);

	if (full && !strchr(name, '.') && !av_lookup(a, full, (long)r) &&
	    av_lookup(a, name, (long)r)) {
		free(full);
		full = strdup(name);
	}
	if (!full)
		a->oom = 1;
	return full;
}

static json_t *av_qcopy(struct av *a, size_t r, const json_t *v, const char *ns, int depth);

/* Sets obj[key] to the qualified copy of its value. */
static void av_qset(struct av *a, size_t r, json_t *obj, const char *key, const char *ns, int depth)
{
	const json_t *x = json_object_get(obj, key);
	json_t *c;

	if (!x)
		return;
	c = av_qcopy(a, r, x, ns, depth + 1);
	if (!c || json_object_set_new(obj, key, c))
		a->oom = 1;
}

/*
 * A copy of v (a schema written in reference r's schema inside namespace ns) that means the same
 * anywhere: named definitions get their simple name and an explicit namespace, type names their
 * full name. NULL on out of memory.
 */
static json_t *av_qcopy(struct av *a, size_t r, const json_t *v, const char *ns, int depth)
{
	const json_t *type;
	const char *t;
	json_t *c;

	if (depth > CONTRACT_MAX_DEPTH || a->oom)
		return json_deep_copy(v);
	if (json_is_string(v)) {
		char *full;
		if (av_is_primitive(json_string_value(v)))
			return json_deep_copy(v);
		full = av_qualify_in(a, r, json_string_value(v), ns);
		c = full ? json_string(full) : NULL;
		free(full);
		return c;
	}
	if (json_is_array(v)) {
		size_t i;
		const json_t *x;
		if (!(c = json_array()))
			return NULL;
		json_array_foreach(v, i, x)
		{
			if (json_array_append_new(c, av_qcopy(a, r, x, ns, depth + 1)))
				a->oom = 1;
		}
		return c;
	}
	if (!(c = json_deep_copy(v)) || !json_is_object(v))
		return c;
	type = json_object_get(v, "type");
	t = json_string_value(type);
	if (!type) {
		return c;
	} else if (!t) {
		av_qset(a, r, c, "type", ns, depth);
	} else if (av_is_named_kind(t)) {
		char *full, *own;
		const char *dot;
		size_t i;
		json_t *f;
		int rc = avro_name_of(v, ns, &full, &own);
		if (rc) {
			a->oom |= rc == DW_NOMEM;
			return c;
		}
		dot = strrchr(full, '.');
		if (json_object_set_new(c, "name", json_string(dot ? dot + 1 : full)) ||
		    json_object_set_new(c, "namespace", json_string(own)))
			a->oom = 1;
		json_array_foreach(json_object_get(c, "fields"), i, f)
		{
			if (json_is_object(f))
				av_qset(a, r, f, "type", own, depth + 1);
		}
		free(full);
		free(own);
	} else if (!strcmp(t, "array")) {
		av_qset(a, r, c, "items", ns, depth);
	} else if (!strcmp(t, "map")) {
		av_qset(a, r, c, "values", ns, depth);
	} else if (!av_is_primitive(t)) {
		av_qset(a, r, c, "type", ns, depth);
	}
	return c;
}

static json_t *av_walk(struct av *a, json_t *v, const char *ns, int depth, int inlined);

/* The definition of d, qualified and walked (so what it uses is inlined in turn). */
static json_t *av_inline(struct av *a, const struct avdef *d, int depth)
{
	json_t *c = av_qcopy(a, d->ref, d->def, d->encl, depth);

	if (!c) {
		a->oom = 1;
		return NULL;
	}
	json_decref(av_walk(a, c, "", depth, 1));
	return c;
}

/* A type name used inside namespace ns: the inlined definition when it is the first use of a
 * name only references define, else NULL. */
static json_t *av_use(struct av *a, const char *name, const char *ns, int depth)
{
	char *cand[2] = {NULL, NULL};
	const struct avdef *d = NULL;
	int stop = 0;

	if (av_is_primitive(name))
		return NULL;
	cand[0] = av_join(ns, name);
	if (!strchr(name, '.') && ns && *ns)
		cand[1] = strdup(name);
	if (!cand[0] || (!strchr(name, '.') && ns && *ns && !cand[1]))
		a->oom = 1;
	for (int i = 0; i < 2 && cand[i] && !d && !stop; i++) {
		if (av_is_defined(a, cand[i]))
			stop = 1;
		else
			d = av_lookup(a, cand[i], -1);
	}
	free(cand[0]);
	free(cand[1]);
	return d && !a->oom ? av_inline(a, d, depth + 1) : NULL;
}

static void av_walk_member(struct av *a, json_t *obj, const char *key, const char *ns, int depth,
                           int inlined)
{
	json_t *x = json_object_get(obj, key), *r;
	size_t m;

	if (!x)
		return;
	m = contract_path_push(&a->path, key);
	r = av_walk(a, x, ns, depth + 1, inlined);
	if (r && json_object_set_new(obj, key, r))
		a->oom = 1;
	contract_path_pop(&a->path, m);
}

/* A named type defined at v: registered; for an inlined definition of a type already defined,
 * the full name replaces it (returned). */
static json_t *av_walk_named(struct av *a, json_t *v, const char *ns, int depth, int inlined)
{
	const struct avdef *d;
	char *full, *own;
	json_t *fields, *f, *r = NULL;
	size_t i;
	int rc = avro_name_of(v, ns, &full, &own);

	if (rc) {
		a->oom |= rc == DW_NOMEM;
		return NULL;
	}
	if (inlined && av_is_defined(a, full)) {
		r = json_string(full);
		a->oom |= !r;
		goto out;
	}
	if (!inlined && (d = av_lookup(a, full, -1)))
		dw_findings_add(a->out, a->path.buf,
		                "type '%s' is already defined by reference '%s'", full,
		                a->refs[d->ref].name);
	av_define(a, full);
	fields = json_object_get(v, "fields");
	if (json_is_array(fields)) {
		size_t m = contract_path_push(&a->path, "fields");
		json_array_foreach(fields, i, f)
		{
			size_t m2 = contract_path_push_index(&a->path, i);
			if (json_is_object(f))
				av_walk_member(a, f, "type", own, depth + 1, inlined);
			contract_path_pop(&a->path, m2);
		}
		contract_path_pop(&a->path, m);
	}
out:
	free(full);
	free(own);
	return r;
}

/*
 * Walks v (inside namespace ns) in definition order, inlining first uses of referenced names in
 * place. Returns a replacement for v itself (new reference), or NULL when v stays.
 */
static json_t *av_walk(struct av *a, json_t *v, const char *ns, int depth, int inlined)
{
	json_t *type, *x, *r;
	const char *t;
	size_t i;

	if (depth > CONTRACT_MAX_DEPTH || a->oom)
		return NULL;
	if (json_is_string(v))
		return av_use(a, json_string_value(v), ns, depth);
	if (json_is_array(v)) {
		json_array_foreach(v, i, x)
		{
			size_t m = contract_path_push_index(&a->path, i);
			r = av_walk(a, x, ns, depth + 1, inlined);
			if (r && json_array_set_new(v, i, r))
				a->oom = 1;
			contract_path_pop(&a->path, m);
		}
		return NULL;
	}
	if (!json_is_object(v) || !(type = json_object_get(v, "type")))
		return NULL;
	if (!(t = json_string_value(type))) {
		av_walk_member(a, v, "type", ns, depth, inlined);
		return NULL;
	}
	if (av_is_named_kind(t))
		return av_walk_named(a, v, ns, depth, inlined);
	if (!strcmp(t, "array")) {
		av_walk_member(a, v, "items", ns, depth, inlined);
	} else if (!strcmp(t, "map")) {
		av_walk_member(a, v, "values", ns, depth, inlined);
	} else if (!av_is_primitive(t) && (r = av_use(a, t, ns, depth))) {
		/* {"type": "Name", ...}: the definition takes the wrapper's place */
		const char *key;
		json_object_foreach(v, key, x)
		{
			if (strcmp(key, "type") != 0 && !json_object_get(r, key) &&
			    json_object_set_new(r, key, json_deep_copy(x)))
				a->oom = 1;
		}
		return r;
	}
	return NULL;
}

static void av_release(struct av *a)
{
	for (size_t i = 0; i < a->ndefs; i++) {
		free(a->defs[i].full);
		free(a->defs[i].encl);
	}
	for (size_t i = 0; i < a->ndefined; i++)
		free(a->defined[i]);
	free(a->defs);
	free(a->defined);
	contract_path_release(&a->path);
}

/* Validates each referenced schema and collects its named types; checks the names. */
static void av_load_refs(struct av *a, const struct dw_ref *refs, size_t n, const char *base)
{
	for (size_t i = 0; i < n && !a->oom; i++) {
		struct dw_findings sub;
		size_t errors;

		dw_findings_init(&sub);
		avro_validate(refs[i].contract, NULL, &sub);
		a->oom |= dw_findings_oom(&sub);
		errors = dw_findings_errors(&sub);
		ref_errors(a->out, &sub, refs[i].name, base);
		dw_findings_release(&sub);
		if (errors)
			continue;
		av_collect(a, i, refs[i].contract, "", 0);
		if (!av_lookup(a, refs[i].name, (long)i))
			dw_findings_add(
			    a->out, base,
			    "reference '%s': the referenced schema does not define type "
			    "'%s'",
			    refs[i].name, refs[i].name);
	}
	/* one full name from two references: the definitions must agree */
	for (size_t i = 0; i < a->ndefs && !a->oom; i++) {
		const struct avdef *d = &a->defs[i], *e = av_lookup(a, d->full, -1);
		json_t *x, *y;
		if (e == d)
			continue;
		x = av_qcopy(a, d->ref, d->def, d->encl, 0);
		y = av_qcopy(a, e->ref, e->def, e->encl, 0);
		if (!x || !y)
			a->oom = 1;
		else if (!json_equal(x, y))
			dw_findings_add(
			    a->out, base,
			    "type '%s' is defined differently by references '%s' and '%s'", d->full,
			    refs[e->ref].name, refs[d->ref].name);
		json_decref(x);
		json_decref(y);
	}
}

static int avro_resolve(const json_t *contract, const struct dw_ref *refs, size_t n,
                        const char *base, struct dw_findings *out, json_t **resolved)
{
	size_t errors = dw_findings_errors(out);
	struct av a;
	json_t *doc = NULL, *r;

	memset(&a, 0, sizeof(a));
	a.refs = refs;
	a.out = out;
	if (contract_path_init(&a.path, base)) {
		av_release(&a);
		return DW_NOMEM;
	}
	av_load_refs(&a, refs, n, base);
	if (a.oom || dw_findings_errors(out) > errors)
		goto out;
	if (!(doc = json_deep_copy(contract))) {
		a.oom = 1;
		goto out;
	}
	r = av_walk(&a, doc, "", 0, 0);
	if (r) {
		json_decref(doc);
		doc = r;
	}
	if (a.oom || a.path.oom)
		goto out;
	if (contract_validate(DW_FMT_AVRO, doc, base, out) == DW_NOMEM)
		a.oom = 1;
out:
	if (a.oom || a.path.oom)
		out->oom = 1;
	av_release(&a);
	return done(out, errors, doc, resolved);
}

/* ---- JSON Schema ------------------------------------------------------------------------- */

struct js {
	const struct dw_ref *refs;
	size_t n;
	char **keys;   /* the key of each used reference under the root's "$defs" */
	char *emitted; /* embedded already */
	json_t *defs;  /* the root's "$defs" (borrowed from the result), NULL before needed */
	json_t *root;
	const char *base;
	struct dw_findings *out;
	int oom;
};

/* Keywords whose values are data, not schemas: a "$ref" below them is not a reference. */
static int js_is_data(const char *k)
{
	return !strcmp(k, "const") || !strcmp(k, "enum") || !strcmp(k, "default") ||
	       !strcmp(k, "examples");
}

/* Keywords whose values map names to schemas: their keys are not keywords. */
static int js_is_map(const char *k)
{
	return !strcmp(k, "properties") || !strcmp(k, "patternProperties") || !strcmp(k, "$defs") ||
	       !strcmp(k, "definitions") || !strcmp(k, "dependentSchemas") ||
	       !strcmp(k, "dependencies");
}

/* A key as a URI fragment's pointer token: RFC 6901 escaping, then RFC 3986 percent-encoding of
 * what a fragment may not hold. */
static void js_add_token(struct strbuf *b, const char *key)
{
	static const char ok[] = "-._~!$&'()*+,;=:@/?";

	for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
		if (*p == '~')
			strbuf_addstr(b, "~0");
		else if (*p == '/')
			strbuf_addstr(b, "~1");
		else if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		         (*p >= '0' && *p <= '9') || strchr(ok, *p))
			strbuf_addch(b, *p);
		else
			strbuf_addf(b, "%%%02X", *p);
	}
}

/* The key of reference i under the root's "$defs": its name, or the name with "#2", "#3"...
 * when the root's "$defs" (or another reference) holds it already. */
static const char *js_key(struct js *j, size_t i)
{
	const json_t *defs = json_object_get(j->root, "$defs");

	if (j->keys[i])
		return j->keys[i];
	for (unsigned k = 1; !j->oom; k++) {
		char *cand =
		    k == 1 ? strdup(j->refs[i].name) : dw_strfmt("%s#%u", j->refs[i].name, k);
		int taken;
		if (!cand) {
			j->oom = 1;
			break;
		}
		taken = json_object_get(defs, cand) != NULL;
		for (size_t m = 0; m < j->n && !taken; m++)
			taken = j->keys[m] && strcmp(j->keys[m], cand) == 0;
		if (!taken) {
			j->keys[i] = cand;
			break;
		}
		free(cand);
	}
	return j->keys[i];
}

/* Rewrites one "$ref" string; prefix is the copy's pointer as a fragment ("/$defs/key") when
 * ref sits inside an embedded copy, NULL in the referencing schema itself. */
static void js_rewrite_ref(struct js *j, json_t *ref, const char *prefix)
{
	const char *s = json_string_value(ref), *hash = strchr(s, '#');
	size_t len = hash ? (size_t)(hash - s) : strlen(s);
	struct strbuf b = STRBUF_INIT;

	if (len == 0) {
		if (!prefix || (hash[1] && hash[1] != '/'))
			return; /* the root's own, or an anchor: left to the validator */
		strbuf_addf(&b, "#%s%s", prefix, hash + 1);
	} else {
		size_t i;
		for (i = 0; i < j->n; i++)
			if (strlen(j->refs[i].name) == len && !memcmp(j->refs[i].name, s, len))
				break;
		if (i == j->n)
			return;
		if (hash && hash[1] && hash[1] != '/') {
			dw_findings_add(
			    j->out, j->base,
			    "reference '%s': anchor fragment in '$ref' '%s' is not supported",
			    j->refs[i].name, s);
			return;
		}
		if (!js_key(j, i))
			return;
		strbuf_addstr(&b, "#/$defs/");
		js_add_token(&b, j->keys[i]);
		if (hash)
			strbuf_addstr(&b, hash + 1);
	}
	if (b.oom || json_string_set(ref, strbuf_str(&b)))
		j->oom = 1;
	strbuf_release(&b);
}

static void js_rewrite(struct js *j, json_t *v, const char *prefix, int in_map, int depth)
{
	const char *key;
	json_t *x;
	size_t i;

	if (depth > CONTRACT_MAX_DEPTH || j->oom)
		return;
	if (json_is_array(v)) {
		json_array_foreach(v, i, x)
		{
			js_rewrite(j, x, prefix, 0, depth + 1);
		}
		return;
	}
	json_object_foreach(v, key, x)
	{
		if (!in_map && !strcmp(key, "$ref") && json_is_string(x))
			js_rewrite_ref(j, x, prefix);
		else if (in_map || !js_is_data(key))
			js_rewrite(j, x, prefix, !in_map && js_is_map(key), depth + 1);
	}
}

/* Embeds reference i's document under the root's "$defs", its own references rewritten. */
static void js_embed(struct js *j, size_t i)
{
	struct strbuf prefix = STRBUF_INIT;
	json_t *doc;

	j->emitted[i] = 1;
	if (!j->defs) {
		json_t *defs = json_object_get(j->root, "$defs");
		if (defs && !json_is_object(defs)) {
			dw_findings_add(j->out, j->base,
			                "'$defs' must be an object to hold the referenced schemas");
			return;
		}
		if (!defs &&
		    (!(defs = json_object()) || json_object_set_new(j->root, "$defs", defs))) {
			j->oom = 1;
			return;
		}
		j->defs = defs;
	}
	if (!(doc = json_deep_copy(j->refs[i].contract))) {
		j->oom = 1;
		return;
	}
	if (json_is_object(doc)) {
		json_object_del(doc, "$id");
		json_object_del(doc, "$schema");
	}
	strbuf_addstr(&prefix, "/$defs/");
	js_add_token(&prefix, j->keys[i]);
	if (prefix.oom)
		j->oom = 1;
	else
		js_rewrite(j, doc, strbuf_str(&prefix), 0, 1);
	strbuf_release(&prefix);
	if (json_object_set_new(j->defs, j->keys[i], doc))
		j->oom = 1;
}

static int jsonschema_resolve(const json_t *contract, const struct dw_ref *refs, size_t n,
                              const char *base, struct dw_findings *out, json_t **resolved)
{
	size_t errors = dw_findings_errors(out);
	struct js j;
	json_t *doc = NULL;
	int more = 1;

	memset(&j, 0, sizeof(j));
	j.refs = refs;
	j.n = n;
	j.base = base;
	j.out = out;
	for (size_t i = 0; i < n; i++)
		if (!json_is_object(refs[i].contract) && !json_is_boolean(refs[i].contract))
			dw_findings_add(
			    out, base,
			    "reference '%s': the referenced contract is not a JSON Schema "
			    "(an object or a boolean), it is %s",
			    refs[i].name, dw_json_type_name(refs[i].contract));
	if (dw_findings_errors(out) > errors)
		goto out;
	j.keys = calloc(n, sizeof(*j.keys));
	j.emitted = calloc(n, 1);
	if (!j.keys || !j.emitted || !(doc = json_deep_copy(contract))) {
		j.oom = 1;
		goto out;
	}
	j.root = doc;
	if (json_is_object(doc) || json_is_array(doc))
		js_rewrite(&j, doc, NULL, 0, 0);
	/* a used reference is embedded; embedding may use further references */
	while (more && !j.oom && json_is_object(doc)) {
		more = 0;
		for (size_t i = 0; i < n && !j.oom; i++)
			if (j.keys[i] && !j.emitted[i]) {
				js_embed(&j, i);
				more = 1;
			}
	}
	if (!j.oom && contract_validate(DW_FMT_JSONSCHEMA, doc, base, out) == DW_NOMEM)
		j.oom = 1;
out:
	for (size_t i = 0; j.keys && i < n; i++)
		free(j.keys[i]);
	free(j.keys);
	free(j.emitted);
	if (j.oom)
		out->oom = 1;
	return done(out, errors, doc, resolved);
}

/* ---- Protobuf ---------------------------------------------------------------------------- */

static int protobuf_resolve(const json_t *contract, const struct dw_ref *refs, size_t n,
                            const char *base, struct dw_findings *out, json_t **resolved)
{
	size_t errors = dw_findings_errors(out);
	struct protobuf_import *imports;
	json_t *ast = NULL, *doc = NULL;
	int rc;

	if (!json_is_string(contract))
		return protobuf_validate(contract, base, out);
	if (!(imports = calloc(n, sizeof(*imports))))
		return DW_NOMEM;
	for (size_t i = 0; i < n; i++) {
		imports[i].path = refs[i].name;
		if (json_is_string(refs[i].contract)) {
			imports[i].text = json_string_value(refs[i].contract);
			imports[i].len = json_string_length(refs[i].contract);
		} else {
			dw_findings_add(
			    out, base,
			    "reference '%s': the referenced contract must be a string of "
			    ".proto text, not %s",
			    refs[i].name, dw_json_type_name(refs[i].contract));
		}
	}
	rc = protobuf_parse_with(json_string_value(contract), json_string_length(contract), imports,
	                         n, base, out, &ast);
	json_decref(ast);
	free(imports);
	if (rc == DW_NOMEM)
		return DW_NOMEM;
	if (!(doc = json_deep_copy(contract)))
		return DW_NOMEM;
	return done(out, errors, doc, resolved);
}

/* ---- entry point ------------------------------------------------------------------------- */

int refs_resolve(enum dw_format fmt, const json_t *contract, const struct dw_ref *refs, size_t n,
                 const char *base, struct dw_findings *out, json_t **resolved)
{
	json_t *doc;
	int rc;

	*resolved = NULL;
	if (!base)
		base = "";
	if (!contract) {
		dw_findings_add(out, base, "missing contract");
		return dw_findings_oom(out) ? DW_NOMEM : DW_INVALID;
	}
	if (n == 0) {
		rc = contract_validate(fmt, contract, base, out);
		if (rc)
			return rc;
		if (!(doc = json_deep_copy(contract)))
			return DW_NOMEM;
		*resolved = doc;
		return 0;
	}
	if (check_refs(refs, n, base, out))
		return dw_findings_oom(out) ? DW_NOMEM : DW_INVALID;
	switch (fmt) {
	case DW_FMT_AVRO:
		return avro_resolve(contract, refs, n, base, out, resolved);
	case DW_FMT_JSONSCHEMA:
		return jsonschema_resolve(contract, refs, n, base, out, resolved);
	case DW_FMT_PROTOBUF:
		return protobuf_resolve(contract, refs, n, base, out, resolved);
	default:
		dw_findings_add(out, base, "schema references are not supported for format '%s'",
		                contract_format_name(fmt) ? contract_format_name(fmt) : "unknown");
		return dw_findings_oom(out) ? DW_NOMEM : DW_INVALID;
	}
}
