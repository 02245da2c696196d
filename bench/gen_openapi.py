#!/usr/bin/env python3
"""Writes a large OpenAPI 3.0 document and a copy of it with known breaking changes.

    bench/gen_openapi.py OUT_DIR [RESOURCES] [REMOVED] [REQUIRED]

OUT_DIR/old.json has RESOURCES resources (default 1100), each a collection path with list and
create operations and an item path with get and replace, so 4 operations per resource, plus a
component schema per resource that the operations reference. OUT_DIR/new.json is the same
document with REMOVED item "get" operations removed (default 50) and a new required query
parameter on REQUIRED list operations (default 50), each on other resources, so that a BACKWARD
diff finds exactly REMOVED openapi.operation-removed and REQUIRED
openapi.request-parameter-added-required changes, and nothing else breaking. The expected
counts are printed as "removed=N required=M operations=K".
"""
import copy
import json
import os
import sys

WORDS = ("account billing customer delivery invoice ledger order payment product "
         "shipment subscription warehouse").split()


def schema_for(i):
    props = {}
    for k in range(12):
        props["field%02d" % k] = {
            "type": ["string", "integer", "number", "boolean"][k % 4],
            "description": "Field %d of resource %d: %s %s, kept for the benchmark's size "
                           "and never read by anything" % (k, i, WORDS[k % len(WORDS)],
                                                           WORDS[(i + k) % len(WORDS)]),
        }
    props["id"] = {"type": "string", "format": "uuid", "readOnly": True}
    props["status"] = {"type": "string", "enum": ["draft", "active", "retired"]}
    return {"type": "object", "required": ["id", "status"], "properties": props}


def problem_response(text):
    return {"description": text, "content": {"application/problem+json": {"schema": {
        "$ref": "#/components/schemas/Problem"}}}}


def resource_paths(i):
    name = "Resource%04d" % i
    ref = {"$ref": "#/components/schemas/%s" % name}
    base = "/r%04d/%ss" % (i, WORDS[i % len(WORDS)])
    limit = {"name": "limit", "in": "query", "required": False,
             "description": "Page size", "schema": {"type": "integer", "minimum": 1,
                                                    "maximum": 500}}
    cursor = {"name": "cursor", "in": "query", "required": False,
              "description": "Where the page starts", "schema": {"type": "string"}}
    item_id = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    errors = {"400": problem_response("Bad request"), "404": problem_response("Not found")}
    collection = {
        "get": {"operationId": "list%s" % name, "summary": "List %s items" % name,
                "tags": [WORDS[i % len(WORDS)]], "parameters": [limit, cursor],
                "responses": dict({"200": {"description": "A page", "content": {
                    "application/json": {"schema": {"type": "object", "properties": {
                        "items": {"type": "array", "items": ref},
                        "next": {"type": "string"}}}}}}}, **errors)},
        "post": {"operationId": "create%s" % name, "summary": "Create a %s" % name,
                 "tags": [WORDS[i % len(WORDS)]],
                 "requestBody": {"required": True, "content": {"application/json": {
                     "schema": ref}}},
                 "responses": dict({"201": {"description": "Created", "content": {
                     "application/json": {"schema": ref}}}}, **errors)},
    }
    item = {
        "parameters": [item_id],
        "get": {"operationId": "get%s" % name, "summary": "Get one %s" % name,
                "tags": [WORDS[i % len(WORDS)]],
                "responses": dict({"200": {"description": "The item", "content": {
                    "application/json": {"schema": ref}}}}, **errors)},
        "put": {"operationId": "replace%s" % name, "summary": "Replace a %s" % name,
                "tags": [WORDS[i % len(WORDS)]],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": ref}}},
                "responses": dict({"200": {"description": "Replaced", "content": {
                    "application/json": {"schema": ref}}}}, **errors)},
    }
    return name, base, collection, base + "/{id}", item


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1100
    removed = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    required = int(sys.argv[4]) if len(sys.argv) > 4 else 50
    if removed + required > n:
        sys.exit("gen_openapi.py: more changes than resources")
    doc = {"openapi": "3.0.3",
           "info": {"title": "Benchmark API", "version": "1.0.0"},
           "servers": [{"url": "https://api.example.com/v1"}],
           "paths": {},
           "components": {"schemas": {"Problem": {"type": "object", "properties": {
               "type": {"type": "string"}, "title": {"type": "string"},
               "status": {"type": "integer"}, "detail": {"type": "string"}}}}}}
    items = []
    for i in range(n):
        name, cpath, collection, ipath, item = resource_paths(i)
        doc["paths"][cpath] = collection
        doc["paths"][ipath] = item
        doc["components"]["schemas"][name] = schema_for(i)
        items.append((cpath, ipath))
    new = copy.deepcopy(doc)
    new["info"]["version"] = "2.0.0"
    for k in range(removed):  # every other resource from the start
        del new["paths"][items[2 * k][1]]["get"]
    for k in range(required):  # resources after those
        op = new["paths"][items[2 * removed + k][0]]["get"]
        op["parameters"].append({"name": "tenant", "in": "query", "required": True,
                                 "schema": {"type": "string"}})
    os.makedirs(out, exist_ok=True)
    for fname, d in (("old.json", doc), ("new.json", new)):
        with open(os.path.join(out, fname), "w") as f:
            json.dump(d, f, indent=2)
    print("removed=%d required=%d operations=%d" % (removed, required, 4 * n))


if __name__ == "__main__":
    main()
