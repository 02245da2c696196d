/*
 * landscape: the audit's landscape object built offline from descriptor files, with no
 * registry: what `driveway audit --offline` and `driveway graph --offline` feed to audit_run
 * and the graph writer, so a CI job sees what the registry would report.
 *
 * The descriptors are loaded and checked by inputs.c exactly as `driveway validate` does; any
 * error there is printed (file:line:col: /pointer: message) and nothing is built. The Domain
 * documents become the landscape's "domains" (in input order), the DataProduct documents its
 * "products". An optional audit config file (YAML or JSON, one document:
 * {"config": {thresholds}, "suppressions": [...]}, docs/audit.md) supplies "config" and
 * "suppressions"; it is checked with the audit's own rules before use, and a problem is printed
 * as file:line:col: /pointer: message.
 *
 * A finding's location (a product reference and a pointer into its document, or no product and
 * a pointer into the landscape) maps back to the file, line and column it came from:
 * /domains/N to the Nth Domain document, /config and /suppressions to the config file.
 *
 * Ownership: struct landscape owns the inputs, the config file's documents and root (which
 * holds references to the documents); landscape_release frees all. Locations returned by
 * landscape_locate are borrowed from it.
 */
#ifndef DW_LANDSCAPE_H
#define DW_LANDSCAPE_H

#include <stddef.h>

#include <jansson.h>

#include "cli/inputs.h"
#include "validators/load.h"

struct landscape_product;

struct landscape {
	struct inputs in;
	json_t *root;                       /* the landscape object for audit_run */
	char *config_path;                  /* NULL without a config file */
	struct dw_docset config_set;        /* the config file's one document */
	const struct input_doc **domains;   /* Domain documents by landscape index */
	size_t ndomains;
	struct landscape_product *products; /* sorted by reference */
	size_t nproducts;
};

/*
 * Loads paths[0..npaths) and config_path (may be NULL) into l, dated now ("YYYY-MM-DD").
 * Problems are printed on stderr. Returns 0, DW_USAGE (now is not a date) or DW_MALFORMED (a
 * path or the config file cannot be read, a descriptor or the config file is invalid). Release
 * l in either case.
 */
int landscape_load(struct landscape *l, int npaths, char *const *paths, const char *config_path,
                   const char *now);
void landscape_release(struct landscape *l);

/*
 * Where a finding's location is in the files: product ("domain/name", or NULL for a pointer
 * into the landscape) and pointer. Sets *file (borrowed; NULL when unknown), *line and *col
 * (0 when unknown).
 */
void landscape_locate(const struct landscape *l, const char *product, const char *pointer,
                      const char **file, int *line, int *col);

/* Today's UTC date as "YYYY-MM-DD" into buf (at least 11 bytes). */
void landscape_today(char *buf, size_t size);

#endif
