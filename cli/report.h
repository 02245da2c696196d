/*
 * report: how `driveway diff` and `driveway check` show a compatibility verdict and its changes,
 * in the four forms a pipeline or a person wants: text (one line per change), json, markdown
 * (a pull-request comment) and GitHub workflow annotations (::error file=...,line=...::...).
 *
 * A report renders the change objects of compat_changes_to_json ({"rule", "severity", "breaks",
 * "oldPointer", "newPointer", "subject", "message"[, "version"]}), whether they were computed
 * here (diff) or came from the registry (check), so both commands print them the same way.
 * Changes are shown breaking first, then warnings, then info, in their order within a severity.
 * The caller says where each change is in the files (report_locate); a change without a known
 * place is shown without one.
 *
 * Every string that came from a file or a server is escaped for the form it is written in
 * (control characters in text, "|" and HTML in markdown, "%", CR, LF, ":" and "," in
 * annotations).
 *
 * Ownership: a report borrows the JSON values it is given (they must outlive it) and owns the
 * locations (copied by report_locate); report_release frees them.
 */
#ifndef DW_REPORT_H
#define DW_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "validators/compat.h"


struct report_loc {
	char *file; /* NULL when unknown */
	int line, col;
};

struct report {
	const char *product;  /* "domain/product" for check; NULL for diff */
	const char *mode;     /* "BACKWARD" ... */
	int compatible;
	const json_t *changes; /* array of change objects (borrowed) */
	const json_t *impact;  /* the registry's impact array, or NULL (borrowed) */
	const json_t *against; /* version numbers compared, or NULL (borrowed) */
	size_t count;          /* json_array_size(changes) */
	size_t *order;         /* display order: indices into changes */
	struct report_loc *loc; /* per change, by index into changes */
	size_t breaking, warnings, infos;
};

/* Sets up r over changes (borrowed). mode is copied by reference (must outlive r). */
void report_init(struct report *r, const char *mode, int compatible, const json_t *changes);
void report_release(struct report *r);

/* The place of change i (index into changes): file (copied, may be NULL), line and col (0 when
 * unknown). */
void report_locate(struct report *r, size_t i, const char *file, int line, int col);

/* The pointer a change is shown at: its newPointer, else its oldPointer ("" when neither). */
const char *report_change_pointer(const json_t *change);

/* "BACKWARD: incompatible (2 breaking, 1 warning, 3 info)" into a malloc'd string. */
char *report_summary(const struct report *r);

/* Text for people: the summary line, then one line per change:
 * "breaking  RULE  POINTER  MESSAGE (FILE:LINE:COL)", and for breaking changes that reach
 * registered consumers a "reaches ..." line. prefix (may be NULL) starts the summary line. */
void report_text(FILE *out, const struct report *r, const char *prefix);

/* Markdown for a pull-request comment: a summary line, a table of breaking changes, a table of
 * warnings, and the info changes in a collapsed <details>. heading (may be NULL) is written as
 * a "### " heading first. */
void report_markdown(FILE *out, const struct report *r, const char *heading);

/* One GitHub workflow command per change: ::error for breaking, ::warning for warnings,
 * ::notice for info, with file, line and col when known and the rule as title. */
void report_github(FILE *out, const struct report *r);

/* {"mode", "compatible", "changes"} with each change copied and given "file", "line" and
 * "column" when known; for check also "product", "against" and "impact" when set. New
 * reference. */
json_t *report_json(const struct report *r);

/* Text for a Markdown table cell: control characters, "|", "<", ">" and "&" made harmless,
 * backticks turned into quotes (so a cell may be wrapped in `...`). s may be NULL. */
void report_md_cell(FILE *out, const char *s);

/* A compatibility mode named on the command line (any case) into *mode. Returns 0, or DW_USAGE
 * with a message naming command. */
int report_mode_parse(const char *command, const char *name, enum dw_mode *mode);

#endif
