/*
 * landscape: the registry as the audit sees it. Builds the landscape object of
 * validators/audit.h from the store in one pass (every domain and every live product, with the
 * registry's status), dated today (UTC), with the thresholds and suppressions of drivewayd's
 * audit settings file (--audit-config), and runs the audit over it. The audit, the graph and
 * the advice are pure functions of libdriveway; this module is the only place that feeds them
 * from the store.
 *
 * Audit settings file (YAML or JSON, one document, loaded with dw_load):
 *   {"config": {threshold: value, ...}, "suppressions": [{"rule", "product"?, "flow"?,
 *    "reason", "expires"}]}
 * Both members are optional; anything else is an error.
 *
 * Ownership: json_t results are new references (json_decref); settings are borrowed and
 * copied into each landscape, so one settings object may serve every worker thread.
 */
#ifndef DW_LANDSCAPE_H
#define DW_LANDSCAPE_H

#include <jansson.h>

#include "server/store.h"
#include "validators/audit.h"
#include "validators/error.h"

#define LANDSCAPE_SETTINGS_MAX (1024 * 1024) /* bytes of an audit settings file */

/*
 * Reads and checks the audit settings file at path: it must parse, hold one object with only
 * "config" (the thresholds audit_config_from_json accepts) and "suppressions" (entries the
 * audit accepts). *out receives {"config"?, "suppressions"?}. DW_INVALID with
 * "FILE:LINE:COL: /pointer: message" in err when it is wrong, DW_UNAVAILABLE when it cannot be
 * read, DW_TOO_LARGE over LANDSCAPE_SETTINGS_MAX.
 */
int landscape_settings_load(const char *path, json_t **out, struct dw_error *err);

/* Today's date in UTC, "YYYY-MM-DD". */
void landscape_today(char buf[11]);

/*
 * The landscape: {"now": today, "domains": [...], "products": [...]} plus the "config" and
 * "suppressions" of settings (may be NULL).
 */
int landscape_build(struct store *st, const json_t *settings, json_t **out, struct dw_error *err);

/*
 * Builds the landscape (into *landscape, new reference) and audits it into *report, which is
 * initialised here and must be released with audit_report_release whatever the result.
 */
int landscape_audit(struct store *st, const json_t *settings, json_t **landscape,
                    struct audit_report *report, struct dw_error *err);

#endif
