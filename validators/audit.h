/*
 * audit: the governance audit. It reads a whole landscape (domains, data products and the flows
 * between them) and flags the integration anti-patterns of DESIGN.md's catalogue, one rule per
 * anti-pattern. A pure function: the server and the CLI (offline, over a folder of descriptors)
 * build the same landscape object and get the same report.
 *
 * Landscape (docs/audit.md):
 *   {"now": "YYYY-MM-DD",                      required: review dates are compared with it
 *    "domains": [Domain documents],            optional
 *    "products": [DataProduct documents],      optional; each may carry the registry's "status"
 *    "config": {threshold: value, ...},        optional, keys of struct audit_config
 *    "suppressions": [{"rule", "product"?, "flow"?, "reason", "expires"}]}   optional
 *
 * Product documents are expected to have passed descriptor_validate; a field of the wrong type
 * counts as absent, a product without metadata.domain and metadata.name (slugs), two products
 * with one reference, a malformed config or suppression entry are input errors (DW_INVALID,
 * message in err). Products whose status says "deleted": true are not part of the landscape.
 *
 * A flow is one spec.consumes entry: the product holding it is the consumer, the entry's product
 * the provider. Its id is "consumer-domain/consumer-product->provider-domain/provider-product".
 * Findings name the products and flows they concern and a location: a product reference and a
 * JSON pointer into that product's document ("/spec/consumes/2"), or no product and a pointer
 * into the landscape object itself for findings about the landscape as a whole.
 *
 * The rule catalogue is the table audit_rules[] (indexed by enum audit_rule_id, ids DW001...);
 * docs/audit.md's catalogue is generated from it by audit_rules_markdown().
 *
 * Ownership: a report owns copies of every string in it (kept in its own arena: a finding's
 * strings are never freed one by one) and a reference to the landscape's suppressions array;
 * audit_report_release frees all. audit_report_to_json and
 * audit_rules_markdown return new objects the caller frees (json_decref, free).
 */
#ifndef DW_AUDIT_H
#define DW_AUDIT_H

#include <stddef.h>

#include <jansson.h>

#include "validators/error.h"
#include "validators/findings.h"

enum audit_rule_id {
	AUDIT_P2P_UNDOCUMENTED,     /* DW001 */
	AUDIT_P2P_REVIEW_OVERDUE,   /* DW002 */
	AUDIT_DIRECT_FAN_OUT,       /* DW003 */
	AUDIT_DIRECT_DENSITY,       /* DW004 */
	AUDIT_COMPOSITE_NO_CONTRACT, /* DW005 */
	AUDIT_COMPOSITE_NO_BACKENDS, /* DW006 */
	AUDIT_BACKEND_UNREGISTERED, /* DW007 */
	AUDIT_NO_OWNER,             /* DW008 */
	AUDIT_COMPOSITE_OVERLAP,    /* DW009 */
	AUDIT_COMPOSITE_PILE_UP,    /* DW010 */
	AUDIT_INTEGRATOR_FAN_OUT,   /* DW011 */
	AUDIT_INTEGRATOR_FOREIGN,   /* DW012 */
	AUDIT_SYNC_CHAIN_SLA,       /* DW013 */
	AUDIT_SYNC_CYCLE,           /* DW014 */
	AUDIT_SYNC_SHARE,           /* DW015 */
	AUDIT_ASYNC_STRONG_QUERY,   /* DW016 */
	AUDIT_STREAM_AS_DATABASE,   /* DW017 */
	AUDIT_ORCHESTRATOR_READ,    /* DW018 */
	AUDIT_ORCHESTRATOR_SINGLE,  /* DW019 */
	AUDIT_CQRS_UNJUSTIFIED,     /* DW020 */
	AUDIT_NOT_IDEMPOTENT,       /* DW021 */
	AUDIT_TOPIC_NO_COMPAT,      /* DW022 */
	AUDIT_LATENCY_INTERMEDIARY, /* DW023 */
	AUDIT_DEPRECATED_CONSUMED,  /* DW024 */
	AUDIT_DANGLING_FLOW,        /* DW025 */
	AUDIT_ORPHAN,               /* DW026 */
	AUDIT_NO_SLA,               /* DW027 */
	AUDIT_PATTERN_MISMATCH,     /* DW028 */
	AUDIT_SUPPRESSION_INVALID,  /* DW029 */
	AUDIT_SUPPRESSION_EXPIRED,  /* DW030 */
	AUDIT_UNCLAIMED_SUBJECT,    /* DW031 */
	AUDIT_NRULES
};

/* The tag drivewayd's Confluent-compatible API puts on the topic products it creates for
 * subjects no data product claims (with spec.topic, for a "<topic>-value" or "<topic>-key"
 * subject): DW031 reports them until a topic product of that topic, not so tagged, exists. */
#define AUDIT_UNCLAIMED_TAG "unclaimed-subject"

struct audit_rule {
	const char *id;        /* stable: "DW001" */
	const char *name;      /* kebab-case: "point-to-point-undocumented" */
	const char *family;    /* the catalogue's anti-pattern: "Point-to-point sprawl" */
	enum dw_severity severity;
	const char *title;     /* one line */
	const char *rationale; /* one paragraph: why it hurts */
	const char *fix;       /* what to do */
	const char *config;    /* the config keys it reads, comma-separated, or NULL */
};

/* The catalogue, indexed by enum audit_rule_id (static). */
extern const struct audit_rule audit_rules[AUDIT_NRULES];

/* The rule with that id ("DW013") or name ("sync-chain-sla"), or NULL. */
const struct audit_rule *audit_rule_get(const char *id);

/* Thresholds; docs/audit.md lists every key with its default and meaning. */
struct audit_config {
	long long max_direct_fan_out;          /* maxDirectFanOut, 5 */
	double max_direct_density;             /* maxDirectDensity, 0.3 */
	long long density_min_domains;         /* densityMinDomains, 5 */
	double composite_overlap;              /* compositeOverlap, 0.7 */
	long long max_composites_per_backend;  /* maxCompositesPerBackend, 3 */
	long long max_integrator_fan_out;      /* maxIntegratorFanOut, 10 */
	long long integrator_foreign_domains;  /* integratorForeignDomains, 2 */
	double max_sync_share;                 /* maxSyncShare, 0.8 */
	long long sync_share_min_flows;        /* syncShareMinFlows, 10 */
	long long min_intermediary_latency_ms; /* minIntermediaryLatencyMs, 100 */
	long long topic_min_consumers;         /* topicMinConsumers, 2 */
};

/* The defaults. */
void audit_config_init(struct audit_config *c);
/*
 * Defaults overridden by the keys of obj (NULL or absent: defaults). An unknown key, a value
 * of the wrong type or out of range is DW_INVALID: "unknown audit setting 'maxFanOut'".
 */
int audit_config_from_json(struct audit_config *c, const json_t *obj, struct dw_error *err);
/* The effective settings as {"maxDirectFanOut": 5, ...}. New reference, NULL on OOM. */
json_t *audit_config_to_json(const struct audit_config *c);

struct audit_finding {
	const struct audit_rule *rule;
	char *product;    /* location: "domain/product", NULL when pointer is into the landscape */
	char *pointer;    /* RFC 6901 pointer into that product's document (or the landscape) */
	char *message;    /* one line with the specifics */
	char **products;  /* the products concerned, in the order the message names them */
	size_t nproducts;
	char **flows;     /* the flow ids concerned */
	size_t nflows;
	long suppression; /* index in the landscape's suppressions that silenced it, else -1 */
};

struct audit_findings {
	struct audit_finding *items;
	size_t count, alloc;
};

struct audit_chunk;

struct audit_report {
	struct audit_findings findings;   /* active findings, sorted by rule, product, pointer */
	struct audit_findings suppressed; /* silenced by a suppression: listed, not dropped */
	struct audit_config config;       /* the settings used */
	json_t *suppressions;             /* the landscape's suppressions (a reference), or NULL */
	size_t domains, products, flows, sync_flows;
	struct audit_chunk *arena;        /* private: holds every string of the findings */
};

void audit_report_init(struct audit_report *r);
void audit_report_release(struct audit_report *r);

/*
 * Audits landscape into *out, which is initialised here and must be released with
 * audit_report_release whatever the result. Returns 0, DW_INVALID (malformed landscape, config
 * or suppression entry; err says which) or DW_NOMEM.
 */
int audit_run(const json_t *landscape, struct audit_report *out, struct dw_error *err);

/*
 * The report as JSON:
 *   {"findings": [finding...], "suppressed": [finding + "suppression": {...}],
 *    "summary": {"findings", "suppressed", "bySeverity": {"error","warning","info"},
 *                "byRule": {"DW001": n...}, "domains", "products", "flows", "syncFlows",
 *                "syncShare"},
 *    "config": {effective settings}}
 * finding: {"rule", "name", "severity", "title", "message", "location": {"product"|null,
 *  "pointer"}, "products": [...], "flows": [...], "fix"}. New reference, NULL on OOM.
 */
json_t *audit_report_to_json(const struct audit_report *r);

/* docs/audit.md's rule catalogue section, generated from audit_rules[]. malloc'd, NULL on
 * OOM. */
char *audit_rules_markdown(void);

#endif
