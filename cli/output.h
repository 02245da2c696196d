/*
 * output: how the CLI shows things. Aligned tables for people (--output table, the default),
 * the server's JSON for programs (--output json), and validation findings as
 * "file:line:col: /pointer: message" lines.
 *
 * Every string that came from a server or a file is printed with control characters replaced,
 * so that nothing read can drive the terminal. Widths count UTF-8 code points.
 *
 * Ownership: a struct table copies every cell it is given; table_free releases them.
 */
#ifndef DW_OUTPUT_H
#define DW_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "validators/findings.h"

struct table;

/* A table with ncols columns named by headers[0..ncols) (copied). */
struct table *table_new(size_t ncols, const char *const *headers);
/* Appends a row of ncols cells (copied); a NULL cell prints as "-". */
void table_add(struct table *t, const char *const *cells);
size_t table_rows(const struct table *t);
/* Prints the header and the rows, columns separated by two spaces, the last one unpadded. */
void table_print(const struct table *t, FILE *out);
void table_free(struct table *t);

/* "key:   value" lines, keys padded to the widest key. */
struct kv;
struct kv *kv_new(void);
/* value NULL or "" lines are left out. */
void kv_add(struct kv *kv, const char *key, const char *value);
void kv_addf(struct kv *kv, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void kv_print(const struct kv *kv, FILE *out);
void kv_free(struct kv *kv);

/* Pretty JSON (2-space indent, key order kept) and a newline on stdout. */
void output_json(const json_t *v);

/* Writes s with control characters replaced ('?', or ' ' for tabs and newlines). */
void output_safe(FILE *out, const char *s);

/* One finding as "file:line:col: /pointer: message" (warnings say "warning: " before the
 * message) on out. */
void output_finding(FILE *out, const struct dw_finding *f);

/* A scalar JSON value as text into buf (strings as they are, numbers, true/false); NULL for
 * null, absent or composite values. */
const char *output_scalar(const json_t *v, char *buf, size_t size);

#endif
