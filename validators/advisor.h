/*
 * advisor: the integration-pattern catalog's decision rules as a table. For one consumer
 * relationship (a flow: the consumer, the provider and the constraints that drive the choice)
 * it answers which pattern fits, why, and which alternatives were considered and why each lost.
 * It answers "which pattern for this consumer relationship", never "for the system".
 *
 * The table (advisor_rows) is data: each row names the facts it needs and the facts that rule
 * it out. The first row whose facts hold wins, so the table order IS the precedence: the most
 * specific situation comes first, and the last row (ADV-00, the default) matches everything.
 * docs/advisor.md is generated from the table by advisor_table_markdown().
 *
 * Ownership: rows, alternatives and every string they hold are static and live for the whole
 * process. struct advisor_input holds no pointers and needs no release. advisor_advice_json and
 * advisor_table_markdown return new objects the caller frees (json_decref, free).
 */
#ifndef DW_ADVISOR_H
#define DW_ADVISOR_H

#include <stddef.h>

#include <jansson.h>

#include "validators/findings.h"

enum advisor_consistency { ADV_CONSISTENCY_UNSET = 0, ADV_CONSISTENCY_STRONG,
			   ADV_CONSISTENCY_EVENTUAL };

enum advisor_interaction { ADV_INTERACTION_UNSET = 0, ADV_INTERACTION_COMMAND,
			   ADV_INTERACTION_QUERY, ADV_INTERACTION_NOTIFICATION };

/*
 * The constraints of one flow: the fields of a descriptor's consumes entry (docs/descriptor.md)
 * plus situational flags a caller (CLI, API, audit) knows about the relationship. Numbers that
 * were not given are -1; booleans that were not given are 0.
 */
struct advisor_input {
	char pattern[32];                 /* declared pattern, "" when none */
	char product[160];                /* provider "domain/product", "" when none */
	enum advisor_consistency consistency;
	long long latency_budget_ms;      /* -1: not given */
	int replay;
	long long consumers;              /* -1: not given */
	int spiky;
	enum advisor_interaction interaction;
	int idempotent;                   /* -1: not given, else 0 or 1 */
	long long correlation_window_ms;  /* -1: not given */
	/* situational flags */
	int cross_domain;                 /* consumer and provider in different domains */
	int source_is_database;           /* the data is change data from a database */
	int warehouse_target;             /* the consumer is a warehouse / analytical store */
	int periodic_reconciliation;      /* the consumer reconciles on a schedule */
	long long backend_calls;          /* backend calls made to assemble one view; -1 */
	long long frontends;              /* distinct frontends served; -1 */
	int read_load_high;               /* the read load is crushing the write database */
	int models_diverge;               /* read and write models truly differ */
	int distributed_transaction;      /* a business transaction spans services */
	int new_integration;              /* the flow is being designed now */
	int tight_coupling_complaint;     /* teams complain of coupling through sync calls */
};

/*
 * The facts a row tests, derived from an input (advisor_facts). Thresholds:
 * low latency: latencyBudgetMs given and < 100; relaxed freshness: latencyBudgetMs >= 3600000
 * (an hour or more); several consumers: consumers >= 2; many backend calls: backendCalls >= 3;
 * several frontends: frontends >= 2; change feed: interaction notification, or several
 * consumers with no command or query interaction declared.
 */
enum advisor_fact {
	ADV_F_CROSS_DOMAIN = 1u << 0,
	ADV_F_STRONG = 1u << 1,
	ADV_F_EVENTUAL = 1u << 2,
	ADV_F_COMMAND = 1u << 3,
	ADV_F_QUERY = 1u << 4,
	ADV_F_NOTIFICATION = 1u << 5,
	ADV_F_REPLAY = 1u << 6,
	ADV_F_MULTI_CONSUMER = 1u << 7,
	ADV_F_CHANGE_FEED = 1u << 8,
	ADV_F_SPIKY = 1u << 9,
	ADV_F_LOW_LATENCY = 1u << 10,
	ADV_F_RELAXED_FRESHNESS = 1u << 11,
	ADV_F_CORRELATION = 1u << 12,
	ADV_F_SOURCE_DB = 1u << 13,
	ADV_F_WAREHOUSE = 1u << 14,
	ADV_F_RECONCILIATION = 1u << 15,
	ADV_F_MANY_BACKENDS = 1u << 16,
	ADV_F_MULTI_FRONTEND = 1u << 17,
	ADV_F_READ_LOAD = 1u << 18,
	ADV_F_MODELS_DIVERGE = 1u << 19,
	ADV_F_DIST_TX = 1u << 20,
	ADV_F_NEW_INTEGRATION = 1u << 21,
	ADV_F_COUPLING_COMPLAINT = 1u << 22,
	ADV_F_IDEMPOTENT = 1u << 23,
	ADV_F_COUNT = 24
};

struct advisor_alternative {
	const char *pattern;
	const char *why;     /* why it lost (or, when acceptable, when it is the better choice) */
	int acceptable;      /* 1: declaring it does not contradict the advice */
};

struct advisor_row {
	const char *id;         /* stable: "ADV-01" ... ; "ADV-00" is the default row */
	const char *situation;  /* one line, for docs and the CLI */
	const char *pattern;    /* advised pattern: a flow pattern, or "saga" / "read-replica" */
	const char *key_reason; /* the one-line reason a test or a reviewer checks */
	const char *rationale;  /* the longer why */
	unsigned need;          /* facts (enum advisor_fact bits) that must all hold */
	unsigned deny;          /* facts that must not hold */
	const struct advisor_alternative *alternatives;
	size_t nalternatives;
	int is_default;         /* 1 for the default row: it never contradicts a declaration */
};

/* The table in precedence order (static). *count receives the number of rows. */
const struct advisor_row *advisor_rows(size_t *count);
/* The row with that id (static), or NULL. */
const struct advisor_row *advisor_row_get(const char *id);

/* Resets every field to "not given". */
void advisor_input_init(struct advisor_input *in);

/*
 * Fills in from a JSON object: the keys of a consumes entry (product, pattern, consistency,
 * latencyBudgetMs, replay, consumers, spiky, interaction, idempotent, correlationWindowMs, uses,
 * description, exception) plus the situational flags crossDomain, sourceIsDatabase,
 * warehouseTarget, periodicReconciliation, backendCalls, frontends, readLoadHigh, modelsDiverge,
 * distributedTransaction, newIntegration, tightCouplingComplaint. Every problem is added to out
 * (may be NULL) with its JSON pointer under base ("" for a document of its own, or e.g.
 * "/spec/consumes/2"): a non-object, an unknown key ("unknown property 'x'"), a wrong type
 * ("property 'replay' must be a boolean"), an enum value outside its set, a negative number.
 * in is initialised first. Returns 0, DW_INVALID (findings added) or DW_NOMEM.
 */
int advisor_input_from_json(struct advisor_input *in, const json_t *obj, const char *base,
			    struct dw_findings *out);

/*
 * Sets in->cross_domain to 1 when the provider's domain (the part of in->product before '/')
 * differs from consumer_domain; leaves it alone when either is unknown. For callers (audit)
 * that know the consuming product's domain but not the flag.
 */
void advisor_input_set_consumer(struct advisor_input *in, const char *consumer_domain);

/* The facts (enum advisor_fact bits) that hold for in. */
unsigned advisor_facts(const struct advisor_input *in);
/* The name of one fact as advice JSON lists it ("crossDomain", "consistency=strong"...). */
const char *advisor_fact_name(unsigned fact);

/* The first row of the table whose facts hold (never NULL: the default row matches all). */
const struct advisor_row *advisor_advise(const struct advisor_input *in);

/*
 * 1 when declaring `declared` contradicts row: it is neither row->pattern nor an alternative
 * flagged acceptable, and row is not the default. 0 otherwise (also for NULL or "").
 */
int advisor_contradicts(const struct advisor_row *row, const char *declared);

/*
 * Advises for in and tells whether its declared pattern (in->pattern) contradicts the advice.
 * *row receives the advised row (may be NULL). Returns 1 (contradicts) or 0.
 */
int advisor_check(const struct advisor_input *in, const struct advisor_row **row);

/*
 * The advice for in as JSON: {"pattern", "rule", "rationale", "keyReason",
 * "alternatives": [{"pattern","why","acceptable"}], "matched": [fact names of the row's needed
 * facts that held, e.g. "consistency=strong"]}; when in->pattern is set also "declared" and
 * "contradicts" (bool). New reference, NULL on out of memory.
 */
json_t *advisor_advice_json(const struct advisor_input *in);

/* The table as Markdown (the body of docs/advisor.md's table section). malloc'd, NULL on OOM. */
char *advisor_table_markdown(void);

#endif
