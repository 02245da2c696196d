/*
 * findings: the list every validator, diff engine and audit rule appends to. Validation never
 * stops at the first problem; it returns all of them, each with a JSON pointer into the
 * document and, when the document came from text, the file, line and column.
 *
 * A struct dw_findings owns copies of every string added to it. On out of memory the list
 * sets oom and drops further findings; callers check dw_findings_oom() once at the end.
 */
#ifndef DW_FINDINGS_H
#define DW_FINDINGS_H

#include <stdarg.h>
#include <stddef.h>

#include <jansson.h>

enum dw_severity { DW_SEV_ERROR, DW_SEV_WARNING, DW_SEV_INFO };

struct dw_finding {
	enum dw_severity severity;
	char *rule;    /* stable rule id, or NULL */
	char *file;    /* NULL when the input had no file name */
	int line, col; /* 1-based; 0 when unknown */
	char *pointer; /* RFC 6901 JSON pointer, "" for the whole document */
	char *message; /* git-style one line */
};

struct dw_findings {
	struct dw_finding *items;
	size_t count, alloc;
	int oom;
};

void dw_findings_init(struct dw_findings *f);
void dw_findings_release(struct dw_findings *f);

/* Appends an error finding without position. Returns the new finding (borrowed) or NULL. */
struct dw_finding *dw_findings_add(struct dw_findings *f, const char *pointer, const char *fmt,
				   ...) __attribute__((format(printf, 3, 4)));
struct dw_finding *dw_findings_vadd(struct dw_findings *f, enum dw_severity sev, const char *rule,
				    const char *pointer, const char *fmt, va_list ap);
/* Appends with every field given. file and rule may be NULL. */
struct dw_finding *dw_findings_add_at(struct dw_findings *f, enum dw_severity sev,
				      const char *rule, const char *file, int line, int col,
				      const char *pointer, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));

/* Sets file (copied) on findings [from, count) that have none. */
void dw_findings_set_file(struct dw_findings *f, size_t from, const char *file);
/* Appends every finding of src to dst (copies). */
void dw_findings_append(struct dw_findings *dst, const struct dw_findings *src);

size_t dw_findings_errors(const struct dw_findings *f);
int dw_findings_oom(const struct dw_findings *f);

/* [{"pointer","line","column","message","severity"[,"rule"][,"file"]}]; line/column omitted when
 * unknown. New reference, NULL on out of memory. */
json_t *dw_findings_to_json(const struct dw_findings *f);

/* "file:line:col: /pointer: message" (parts that are unknown are left out). Returns the length
 * snprintf would have written. */
int dw_finding_format(const struct dw_finding *x, char *buf, size_t size);

/*
 * JSON pointers (RFC 6901). dw_pointer_join returns base + "/" + escaped(token), malloc'd, NULL
 * on out of memory. dw_pointer_join_index does the same for an array index.
 */
char *dw_pointer_join(const char *base, const char *token);
char *dw_pointer_join_index(const char *base, size_t index);
/* The JSON type of v as messages name it: "object", "array", "string", "integer", "number",
 * "boolean", "null". Static string. */
const char *dw_json_type_name(const json_t *v);
/* The value at pointer inside root (borrowed), or NULL. */
json_t *dw_pointer_get(const json_t *root, const char *pointer);
/* The URI fragment frag (what follows '#' in a "$ref", e.g. "/a%20b/0") percent-decoded:
 * malloc'd and NUL-terminated, the caller frees; *len (when not NULL) its length, which counts
 * any NUL bytes a "%00" made. NULL on out of memory. */
char *dw_fragment_decode(const char *frag, size_t *len);

#endif
