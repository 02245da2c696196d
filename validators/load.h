/*
 * load: YAML 1.2 and JSON text into jansson values, remembering where every node came from.
 * The only file of driveway that includes yaml.h.
 *
 * One text may hold several documents ("---"). Each becomes a struct dw_doc: its json_t root
 * and a position table mapping the RFC 6901 JSON pointer of every node to the 1-based line and
 * column where it starts in the text. A mapping entry's pointer ("/spec/owner") is located at
 * its value node; a copied alias at the alias. Columns count characters, not bytes; a byte
 * order mark is not a column; CR LF and a lone CR end a line.
 *
 * Scalars follow the YAML 1.2 core schema: plain null/Null/NULL/~/empty -> null,
 * true/True/TRUE/false/False/FALSE, integers (decimal, 0x, 0o; out of json_int_t range is an
 * error), floats (incl. exponents; .inf/.nan and overflow are errors: not representable in
 * JSON), anything else and every quoted or block scalar -> string. Explicit tags !!str !!int
 * !!float !!bool !!null !!map !!seq (and the non-specific "!") are honoured; other tags are
 * errors. Mapping keys must be scalars and become strings by their text (plain `1` or `true`
 * gives "1" or "true"); a duplicate key is an error at the duplicate. "<<" merge keys are
 * YAML 1.1 and stay ordinary keys. Anchors and aliases are expanded by deep copy within a
 * document, with a node budget (no "billion laughs"). Invalid UTF-8 refuses the whole text.
 *
 * Depth counts the nodes on a path: a scalar root is level 1, `[[1]]` has 3 levels. A node
 * deeper than DW_LOAD_MAX_DEPTH is an error; parsing never recurses deeper than that on the C
 * stack, whatever the input's nesting. More than DW_LOAD_MAX_NODES nodes in one text (aliases
 * counted once per copy) is an error.
 *
 * Text that starts like JSON ('{', '[' or '"') is read by a JSON parser first (libyaml cannot
 * read every JSON text, e.g. surrogate pair escapes); when it is not JSON it is read as YAML.
 *
 * Errors are findings with file, line, col, the node's pointer when known ("" for syntax
 * errors) and a git-style message. A document with any error is left out of the docset and
 * the following documents are still read; a syntax error ends the text (the documents before it
 * stay). Documents that are empty (a file of only comments, a trailing "---") are skipped.
 *
 * Ownership: the docset owns its docs, their roots and position tables; dw_docset_release
 * frees all. A caller may json_incref a root to keep it beyond the docset.
 */
#ifndef DW_LOAD_H
#define DW_LOAD_H

#include <stddef.h>

#include <jansson.h>

#include "validators/findings.h"

#define DW_LOAD_MAX_DEPTH 128
#define DW_LOAD_MAX_NODES 2000000
#define DW_LOAD_MAX_ALIAS_NODES 100000 /* nodes copied by alias expansion, per text */

struct dw_pos {
	char *pointer;
	int line, col;
};

struct dw_doc {
	json_t *root;
	struct dw_pos *pos; /* sorted by pointer (strcmp) for bsearch */
	size_t npos;
	int line, col; /* where the document starts */
};

struct dw_docset {
	struct dw_doc *docs;
	size_t count;
};

/*
 * Parses buf[0..len) (need not be NUL-terminated). file names the input in findings (may be
 * NULL). errs receives the findings (may be NULL). *out is initialised here (whatever it held is
 * not freed) and must be released with dw_docset_release whatever the result. Returns 0,
 * DW_MALFORMED (findings added to errs, docset holds the documents that did load) or DW_NOMEM
 * (docset empty). A text without documents loads as an empty docset and returns 0.
 */
int dw_load(const char *buf, size_t len, const char *file, struct dw_docset *out,
	    struct dw_findings *errs);
/* Frees every document of set and empties it. set may be NULL. */
void dw_docset_release(struct dw_docset *set);

/* Line and column of the node at pointer (NULL means ""), or of its nearest ancestor that has
 * one. Returns 0 when found, DW_NOT_FOUND (line/col set to the document start) otherwise. */
int dw_doc_locate(const struct dw_doc *doc, const char *pointer, int *line, int *col);

/* Fills line/col of findings [from, count) that have none (line 0) from their pointers, and
 * when file is given sets it (copied) on those that have no file. */
void dw_doc_locate_findings(const struct dw_doc *doc, const char *file, struct dw_findings *f,
			    size_t from);

/* Depth of a jansson value (a scalar is 1, NULL is 0), counted without recursion and up to
 * limit: returns min(depth, limit + 1), so "> limit" means too deep. Out of memory also returns
 * limit + 1. Used to refuse deeply nested input that did not come through dw_load (e.g. a JSON
 * request body). */
size_t dw_json_depth(const json_t *v, size_t limit);

#endif
