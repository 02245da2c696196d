/*
 * openapi: structural checks of an OpenAPI 3.0.x / 3.1.x document (the JSON form).
 *
 * What is checked (OpenAPI 3.0.3 and 3.1.0, sections named below): the root fields and the Info
 * Object; the Paths Object (keys start with '/', no two templated paths that differ only in
 * parameter names, "4.8.8 Path Templating Matching"); Path Item and Operation fields; parameters
 * (name, in, path parameters required, schema xor content, no duplicate name+in, templates and
 * path parameters match both ways); request bodies have content; responses (at least one, status
 * keys per "4.8.16 Responses Object"); operationIds unique; component names; every "$ref": local
 * ones must resolve, external ones are refused (a registered contract is one document). Schemas
 * themselves are not validated beyond their $refs.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validators/contract.h"
#include "validators/error.h"

struct oas {
	const json_t *root;
	struct dw_findings *out;
	struct contract_path path;
	int v31;
	json_t *op_ids; /* operationId -> pointer where first seen */
	int too_deep;
};

#define MAX_TEMPLATES 64

struct tmpl {
	const char *name;
	size_t len;
};

/* A path parameter declared at path-item or operation level (after resolving a $ref). */
struct pparam {
	const char *name;
};

static const char *const methods[] = {"get",     "put",  "post",  "delete",
                                      "options", "head", "patch", "trace"};

__attribute__((format(printf, 2, 3))) static void add(struct oas *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dw_findings_vadd(o->out, DW_SEV_ERROR, NULL, o->path.buf, fmt, ap);
	va_end(ap);
}

/* A finding at the current pointer plus one token. */
__attribute__((format(printf, 3, 4))) static void add_at(struct oas *o, const char *token,
                                                         const char *fmt, ...)
{
	size_t m = contract_path_push(&o->path, token);
	va_list ap;

	va_start(ap, fmt);
	dw_findings_vadd(o->out, DW_SEV_ERROR, NULL, o->path.buf, fmt, ap);
	va_end(ap);
	contract_path_pop(&o->path, m);
}

static int is_method(const char *k)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (!strcmp(k, methods[i]))
			return 1;
	return 0;
}

static int in_list(const char *k, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(k, *list))
			return 1;
	return 0;
}

/* A required string member: reports a missing or non-string one. Returns it or NULL. */
static const char *req_string(struct oas *o, const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (!v) {
		add(o, "missing required property '%s'", key);
		return NULL;
	}
	if (!json_is_string(v)) {
		add_at(o, key, "'%s' must be a string", key);
		return NULL;
	}
	return json_string_value(v);
}

/*
 * The target of a local reference ("#" or "#/json/pointer", percent-decoded as a URI fragment),
 * or NULL when ref is not local or does not resolve.
 */
json_t *openapi_ref_target(const json_t *root, const char *ref)
{
	char *ptr;
	json_t *t;

	if (ref[0] != '#' || (ref[1] && ref[1] != '/'))
		return NULL;
	ptr = dw_fragment_decode(ref + 1, NULL);
	if (!ptr)
		return NULL;
	t = dw_pointer_get(root, ptr);
	free(ptr);
	return t;
}

/* v itself, or what its chain of local $refs leads to; NULL when a $ref does not resolve (the
 * reference walk reports those) or the chain is longer than 32. */
static const json_t *resolve(const struct oas *o, const json_t *v)
{
	for (int hops = 0; hops < 32; hops++) {
		json_t *r = json_is_object(v) ? json_object_get(v, "$ref") : NULL;
		if (!json_is_string(r))
			return v;
		v = openapi_ref_target(o->root, json_string_value(r));
		if (!v)
			return NULL;
	}
	return NULL;
}

static int has_ref(const json_t *v)
{
	return json_is_object(v) && json_is_string(json_object_get(v, "$ref"));
}

static void walk_refs(struct oas *o, const json_t *v, int depth)
{
	const char *key;
	json_t *x;

	if (o->too_deep)
		return;
	if (depth > CONTRACT_MAX_DEPTH) {
		add(o, "document nests deeper than %d levels", CONTRACT_MAX_DEPTH);
		o->too_deep = 1;
		return;
	}
	if (json_is_array(v)) {
		for (size_t i = 0; i < json_array_size(v); i++) {
			size_t m = contract_path_push_index(&o->path, i);
			walk_refs(o, json_array_get(v, i), depth + 1);
			contract_path_pop(&o->path, m);
		}
		return;
	}
	if (!json_is_object(v))
		return;
	json_object_foreach((json_t *)v, key, x)
	{
		size_t m;
		/* Literal values, not OpenAPI structure: a "$ref" inside them is data. */
		if (!strcmp(key, "example") || !strcmp(key, "enum") || !strcmp(key, "const") ||
		    !strncmp(key, "x-", 2))
			continue;
		m = contract_path_push(&o->path, key);
		if (!strcmp(key, "$ref") && json_is_string(x)) {
			const char *ref = json_string_value(x);
			if (ref[0] != '#')
				add(o,
				    "external $ref '%s' is not supported: a contract must be one "
				    "self-contained document",
				    ref);
			else if (!openapi_ref_target(o->root, ref))
				add(o, "$ref '%s' does not resolve", ref);
		} else {
			walk_refs(o, x, depth + 1);
		}
		contract_path_pop(&o->path, m);
	}
}

static void check_info(struct oas *o)
{
	json_t *info = json_object_get(o->root, "info");
	size_t m;

	if (!info) {
		add(o, "missing required property 'info'");
		return;
	}
	m = contract_path_push(&o->path, "info");
	if (!json_is_object(info)) {
		add(o, "'info' must be an object");
	} else {
		req_string(o, info, "title");
		req_string(o, info, "version");
	}
	contract_path_pop(&o->path, m);
}

static void check_content(struct oas *o, const json_t *content)
{
	const char *mt;
	json_t *x;

	if (!json_is_object(content)) {
		add(o, "'content' must be an object");
		return;
	}
	json_object_foreach((json_t *)content, mt, x) if (!json_is_object(x))
	    add_at(o, mt, "media type '%s' must be an object", mt);
}

/* A Response Object at the current pointer (not a $ref). */
static void check_response(struct oas *o, const json_t *r)
{
	json_t *c;

	if (has_ref(r))
		return;
	if (!json_is_object(r)) {
		add(o, "response must be an object");
		return;
	}
	req_string(o, r, "description");
	if ((c = json_object_get(r, "content"))) {
		size_t m = contract_path_push(&o->path, "content");
		check_content(o, c);
		contract_path_pop(&o->path, m);
	}
}

static int valid_status(const char *k)
{
	if (!strcmp(k, "default"))
		return 1;
	if (strlen(k) != 3 || k[0] < '1' || k[0] > '5')
		return 0;
	if (k[1] == 'X' && k[2] == 'X')
		return 1;
	return isdigit((unsigned char)k[1]) && isdigit((unsigned char)k[2]);
}

static void check_responses(struct oas *o, const json_t *op)
{
	json_t *rs = json_object_get(op, "responses"), *r;
	size_t m = contract_path_push(&o->path, "responses");
	const char *k;

	if (!rs) {
		if (!o->v31)
			add(o, "operation has no responses");
	} else if (!json_is_object(rs)) {
		add(o, "'responses' must be an object");
	} else {
		size_t n = 0;
		json_object_foreach(rs, k, r)
		{
			size_t m2;
			if (!strncmp(k, "x-", 2))
				continue;
			n++;
			m2 = contract_path_push(&o->path, k);
			if (!valid_status(k))
				add(o, "invalid response status '%s'", k);
			else
				check_response(o, r);
			contract_path_pop(&o->path, m2);
		}
		if (!n)
			add(o, "operation has no responses");
	}
	contract_path_pop(&o->path, m);
}

static void check_request_body(struct oas *o, const json_t *rb)
{
	json_t *c;

	if (has_ref(rb))
		return;
	if (!json_is_object(rb)) {
		add(o, "'requestBody' must be an object");
		return;
	}
	c = json_object_get(rb, "content");
	if (!c) {
		add(o, "missing required property 'content'");
	} else {
		size_t m = contract_path_push(&o->path, "content");
		check_content(o, c);
		contract_path_pop(&o->path, m);
	}
}

static const char *const locations[] = {"query", "header", "path", "cookie", NULL};

/* An inline Parameter Object at the current pointer. */
static void check_parameter(struct oas *o, const json_t *p)
{
	const char *name, *in;
	json_t *req;

	if (!json_is_object(p)) {
		add(o, "parameter must be an object");
		return;
	}
	name = req_string(o, p, "name");
	in = req_string(o, p, "in");
	if (in && !in_list(in, locations))
		add_at(o, "in", "parameter location '%s' is not one of query, header, path, cookie",
		       in);
	if (in && !strcmp(in, "path")) {
		req = json_object_get(p, "required");
		if (!json_is_true(req))
			add(o, "path parameter '%s' must have required: true", name ? name : "");
	}
	if (json_object_get(p, "schema") && json_object_get(p, "content"))
		add(o, "parameter '%s' has both 'schema' and 'content'", name ? name : "");
	else if (!json_object_get(p, "schema") && !json_object_get(p, "content"))
		add(o, "parameter '%s' has neither 'schema' nor 'content'", name ? name : "");
}

static int tmpl_has(const struct tmpl *t, size_t nt, const char *name)
{
	for (size_t i = 0; i < nt; i++)
		if (strlen(name) == t[i].len && !memcmp(t[i].name, name, t[i].len))
			return 1;
	return 0;
}

static int same_param(const json_t *q, const char *name, const char *in)
{
	const char *qn = json_string_value(json_object_get(q, "name"));
	const char *qi = json_string_value(json_object_get(q, "in"));

	return qn && qi && !strcmp(qn, name) && !strcmp(qi, in);
}

/*
 * A parameters array at the current pointer. Collects the names of its path parameters into
 * pp (up to max), and reports path parameters that no template of the path names.
 */
static size_t check_parameters(struct oas *o, const json_t *params, const struct tmpl *t, size_t nt,
                               int templated, struct pparam *pp, size_t max)
{
	size_t np = 0;

	if (!json_is_array(params)) {
		add(o, "'parameters' must be an array");
		return 0;
	}
	for (size_t i = 0; i < json_array_size(params); i++) {
		const json_t *raw = json_array_get(params, i), *p = resolve(o, raw);
		size_t m = contract_path_push_index(&o->path, i);
		const char *name, *in;
		if (!has_ref(raw))
			check_parameter(o, raw);
		name = json_is_object(p) ? json_string_value(json_object_get(p, "name")) : NULL;
		in = json_is_object(p) ? json_string_value(json_object_get(p, "in")) : NULL;
		for (size_t j = 0; name && in && j < i; j++) {
			if (same_param(resolve(o, json_array_get(params, j)), name, in)) {
				add(o, "duplicate parameter '%s' in %s", name, in);
				break;
			}
		}
		if (name && in && !strcmp(in, "path")) {
			if (templated && !tmpl_has(t, nt, name))
				add(o, "path parameter '%s' does not appear in the path", name);
			if (np < max)
				pp[np++].name = name;
		}
		contract_path_pop(&o->path, m);
	}
	return np;
}

static const char *const op_fields[] = {"tags",        "summary",    "description", "externalDocs",
                                        "operationId", "parameters", "requestBody", "responses",
                                        "callbacks",   "deprecated", "security",    "servers",
                                        NULL};

static void check_operation(struct oas *o, const json_t *op, const struct tmpl *t, size_t nt,
                            int templated, const struct pparam *item_pp, size_t item_np)
{
	struct pparam pp[MAX_TEMPLATES];
	size_t np = 0;
	const char *k;
	json_t *x;

	if (!json_is_object(op)) {
		add(o, "operation must be an object");
		return;
	}
	json_object_foreach((json_t *)op, k, x) if (strncmp(k, "x-", 2) && !in_list(k, op_fields))
	    add_at(o, k, "unknown operation field '%s'", k);
	if ((x = json_object_get(op, "operationId"))) {
		if (!json_is_string(x)) {
			add_at(o, "operationId", "'operationId' must be a string");
		} else {
			json_t *first = json_object_get(o->op_ids, json_string_value(x));
			if (first)
				add_at(o, "operationId", "duplicate operationId '%s' (first at %s)",
				       json_string_value(x), json_string_value(first));
			else if (json_object_set_new(o->op_ids, json_string_value(x),
			                             json_string(o->path.buf)))
				o->out->oom = 1;
		}
	}
	if ((x = json_object_get(op, "parameters"))) {
		size_t m = contract_path_push(&o->path, "parameters");
		np = check_parameters(o, x, t, nt, templated, pp, MAX_TEMPLATES);
		contract_path_pop(&o->path, m);
	}
	if ((x = json_object_get(op, "requestBody"))) {
		size_t m = contract_path_push(&o->path, "requestBody");
		check_request_body(o, x);
		contract_path_pop(&o->path, m);
	}
	check_responses(o, op);
	if (!templated)
		return;
	/* OpenAPI 4.8.12.1: each template expression must correspond to a path parameter, declared
	 * on the operation or on its path item. */
	for (size_t i = 0; i < nt; i++) {
		int found = 0;
		for (size_t j = 0; j < np && !found; j++)
			found = strlen(pp[j].name) == t[i].len &&
			        !memcmp(pp[j].name, t[i].name, t[i].len);
		for (size_t j = 0; j < item_np && !found; j++)
			found = strlen(item_pp[j].name) == t[i].len &&
			        !memcmp(item_pp[j].name, t[i].name, t[i].len);
		if (!found)
			add(o, "path template '{%.*s}' has no matching path parameter",
			    (int)t[i].len, t[i].name);
	}
}

/* Splits the templates of a path key; reports malformed ones. Returns how many. */
static size_t parse_templates(struct oas *o, const char *path, struct tmpl *t, size_t max)
{
	size_t nt = 0;

	for (const char *p = path; *p; p++) {
		const char *end;
		if (*p == '}') {
			add(o, "path '%s' has an unmatched '}'", path);
			return nt;
		}
		if (*p != '{')
			continue;
		end = strpbrk(p + 1, "{}/");
		if (!end || *end != '}') {
			add(o, "path '%s' has an unclosed '{'", path);
			return nt;
		}
		if (end == p + 1) {
			add(o, "path '%s' has an empty template '{}'", path);
		} else {
			for (size_t i = 0; i < nt; i++)
				if (t[i].len == (size_t)(end - p - 1) &&
				    !memcmp(t[i].name, p + 1, t[i].len))
					add(o, "path '%s' repeats template '{%.*s}'", path,
					    (int)t[i].len, t[i].name);
			if (nt < max) {
				t[nt].name = p + 1;
				t[nt].len = (size_t)(end - p - 1);
				nt++;
			}
		}
		p = end;
	}
	return nt;
}

static const char *const item_fields[] = {"$ref",    "summary",    "description",
                                          "servers", "parameters", NULL};

static void check_path_item(struct oas *o, const char *key, const json_t *item, int webhook)
{
	struct tmpl t[MAX_TEMPLATES];
	struct pparam pp[MAX_TEMPLATES];
	size_t nt = 0, np = 0;
	int templated = !webhook;
	const char *k;
	json_t *x;

	if (!json_is_object(item)) {
		add(o, "path item must be an object");
		return;
	}
	if (templated)
		nt = parse_templates(o, key, t, MAX_TEMPLATES);
	json_object_foreach((json_t *)item, k,
	                    x) if (strncmp(k, "x-", 2) && !is_method(k) && !in_list(k, item_fields))
	    add_at(o, k, "unknown path item field '%s'", k);
	/* A path item that is only a $ref is checked where it points to. */
	if (has_ref(item))
		templated = 0;
	if ((x = json_object_get(item, "parameters"))) {
		size_t m = contract_path_push(&o->path, "parameters");
		np = check_parameters(o, x, t, nt, templated, pp, MAX_TEMPLATES);
		contract_path_pop(&o->path, m);
	}
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		size_t m;
		if (!(x = json_object_get(item, methods[i])))
			continue;
		m = contract_path_push(&o->path, methods[i]);
		check_operation(o, x, t, nt, templated, pp, np);
		contract_path_pop(&o->path, m);
	}
}

/* "/users/{id}" -> "/users/{}": two paths with the same shape are the same path. */
static char *path_shape(const char *path)
{
	size_t n = strlen(path), j = 0;
	char *s = malloc(n + 1);

	if (!s)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		s[j++] = path[i];
		if (path[i] == '{') {
			const char *end = strchr(path + i, '}');
			if (end) {
				i = (size_t)(end - path);
				s[j++] = '}';
			}
		}
	}
	s[j] = '\0';
	return s;
}

static void check_paths(struct oas *o, const json_t *paths)
{
	json_t *shapes, *x;
	const char *k;

	if (!json_is_object(paths)) {
		add(o, "'paths' must be an object");
		return;
	}
	shapes = json_object();
	if (!shapes) {
		o->out->oom = 1;
		return;
	}
	json_object_foreach((json_t *)paths, k, x)
	{
		size_t m;
		char *shape;
		json_t *first;
		if (!strncmp(k, "x-", 2))
			continue;
		m = contract_path_push(&o->path, k);
		if (k[0] != '/') {
			add(o, "path '%s' must start with '/'", k);
		} else if ((shape = path_shape(k))) {
			first = json_object_get(shapes, shape);
			if (first)
				add(o, "path '%s' is the same path as '%s'", k,
				    json_string_value(first));
			else if (json_object_set_new(shapes, shape, json_string(k)))
				o->out->oom = 1;
			free(shape);
		} else {
			o->out->oom = 1;
		}
		check_path_item(o, k, x, 0);
		contract_path_pop(&o->path, m);
	}
	json_decref(shapes);
}

static const char *const component_maps[] = {
    "schemas", "responses", "parameters", "examples", "requestBodies", "headers", "securitySchemes",
    "links",   "callbacks", "pathItems",  NULL};

static int valid_component_name(const char *k)
{
	if (!*k)
		return 0;
	for (; *k; k++)
		if (!isalnum((unsigned char)*k) && !strchr("._-", *k))
			return 0;
	return 1;
}

static void check_components(struct oas *o, const json_t *c)
{
	const char *k, *name;
	json_t *map, *x;

	if (!json_is_object(c)) {
		add(o, "'components' must be an object");
		return;
	}
	json_object_foreach((json_t *)c, k, map)
	{
		size_t m;
		if (!strncmp(k, "x-", 2))
			continue;
		m = contract_path_push(&o->path, k);
		if (!in_list(k, component_maps) || (!strcmp(k, "pathItems") && !o->v31)) {
			add(o, "unknown components field '%s'", k);
		} else if (!json_is_object(map)) {
			add(o, "'%s' must be an object", k);
		} else {
			json_object_foreach(map, name, x)
			{
				size_t m2 = contract_path_push(&o->path, name);
				if (!valid_component_name(name))
					add(o,
					    "invalid component name '%s': use letters, digits, "
					    "'.', '-' and '_'",
					    name);
				if (!has_ref(x) && !strcmp(k, "parameters"))
					check_parameter(o, x);
				else if (!has_ref(x) && !strcmp(k, "responses"))
					check_response(o, x);
				else if (!has_ref(x) && !strcmp(k, "requestBodies"))
					check_request_body(o, x);
				else if (!has_ref(x) && !strcmp(k, "pathItems"))
					check_path_item(o, name, x, 1);
				contract_path_pop(&o->path, m2);
			}
		}
		contract_path_pop(&o->path, m);
	}
}

static const char *const root_fields_30[] = {
    "openapi", "info", "servers", "paths", "components", "security", "tags", "externalDocs", NULL};
static const char *const root_fields_31[] = {
    "openapi",  "info", "jsonSchemaDialect", "servers", "paths", "webhooks", "components",
    "security", "tags", "externalDocs",      NULL};

/* "3.0.x" or "3.1.x" (x digits, optionally followed by a "-suffix"): 30, 31, or 0. */
static int parse_version(const char *v)
{
	const char *p;

	if (strncmp(v, "3.0.", 4) && strncmp(v, "3.1.", 4))
		return 0;
	p = v + 4;
	if (!isdigit((unsigned char)*p))
		return 0;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p && *p != '-')
		return 0;
	return v[2] == '0' ? 30 : 31;
}

static void check_root(struct oas *o)
{
	const json_t *root = o->root;
	json_t *v = json_object_get(root, "openapi"), *x;
	int version;
	const char *k;

	if (!v) {
		if (json_object_get(root, "swagger"))
			add(o, "swagger 2.0 documents are not supported: convert to OpenAPI 3");
		else
			add(o, "missing required property 'openapi'");
		return;
	}
	if (!json_is_string(v)) {
		add_at(o, "openapi", "'openapi' must be a string");
		return;
	}
	version = parse_version(json_string_value(v));
	if (!version) {
		add_at(o, "openapi", "unsupported openapi version '%s': expected 3.0.x or 3.1.x",
		       json_string_value(v));
		return;
	}
	o->v31 = version == 31;
	json_object_foreach((json_t *)root, k,
	                    x) if (strncmp(k, "x-", 2) &&
	                           !in_list(k, o->v31 ? root_fields_31 : root_fields_30))
	    add_at(o, k, "unknown field '%s'", k);
	check_info(o);
	if ((x = json_object_get(root, "paths"))) {
		size_t m = contract_path_push(&o->path, "paths");
		check_paths(o, x);
		contract_path_pop(&o->path, m);
	} else if (!o->v31) {
		add(o, "missing required property 'paths'");
	} else if (!json_object_get(root, "webhooks") && !json_object_get(root, "components")) {
		add(o, "document has none of 'paths', 'webhooks', 'components'");
	}
	if (o->v31 && (x = json_object_get(root, "webhooks"))) {
		size_t m = contract_path_push(&o->path, "webhooks");
		if (!json_is_object(x)) {
			add(o, "'webhooks' must be an object");
		} else {
			json_t *item;
			json_object_foreach(x, k, item)
			{
				size_t m2 = contract_path_push(&o->path, k);
				check_path_item(o, k, item, 1);
				contract_path_pop(&o->path, m2);
			}
		}
		contract_path_pop(&o->path, m);
	}
	if ((x = json_object_get(root, "components"))) {
		size_t m = contract_path_push(&o->path, "components");
		check_components(o, x);
		contract_path_pop(&o->path, m);
	}
	walk_refs(o, root, 1);
}

int openapi_validate(const json_t *doc, const char *base, struct dw_findings *out)
{
	struct oas o = {.root = doc, .out = out};
	size_t errors = dw_findings_errors(out);

	if (contract_path_init(&o.path, base)) {
		out->oom = 1;
		return DW_NOMEM;
	}
	o.op_ids = json_object();
	if (!o.op_ids)
		out->oom = 1;
	else if (!json_is_object(doc))
		add(&o, "openapi document must be an object");
	else
		check_root(&o);
	json_decref(o.op_ids);
	if (o.path.oom)
		out->oom = 1;
	contract_path_release(&o.path);
	if (dw_findings_oom(out))
		return DW_NOMEM;
	return dw_findings_errors(out) > errors ? DW_INVALID : 0;
}
