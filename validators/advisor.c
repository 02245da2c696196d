/*
 * advisor: the decision table of the integration-pattern catalog, the parsing of a flow's
 * constraints into struct advisor_input, and the rendering of advice (JSON) and of the table
 * (Markdown, docs/advisor.md). See advisor.h for the contracts.
 */
#include "validators/advisor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validators/descriptor.h"
#include "validators/error.h"

#define LOW_LATENCY_MS 100
#define RELAXED_FRESHNESS_MS 3600000LL
#define MANY_BACKENDS 3
#define ALTS(a) (a), sizeof(a) / sizeof((a)[0])

/* ---- the table ---------------------------------------------------------------------------- */

static const struct advisor_alternative alt_saga[] = {
    {"two-phase-commit",
     "never across domains: it holds locks in every service while a "
     "coordinator decides, and one unreachable participant blocks them all",
     0},
    {"message-queue",
     "acceptable: an orchestrated saga sends each step's command and its "
     "compensation over a queue",
     1},
    {"event-broker",
     "acceptable: a choreographed saga, each service reacting to the previous "
     "step's event and publishing its own",
     1},
    {"rest-api",
     "acceptable for an orchestrator that persists its progress and retries; the "
     "steps still need compensations",
     1},
    {"batch",
     "lost: the transaction would stay half-done for hours with nothing to undo "
     "it",
     0},
    {"point-to-point",
     "lost: hand-wired calls hide the transaction from the registry and "
     "leave compensation to chance",
     0},
};

static const struct advisor_alternative alt_cep[] = {
    {"event-stream",
     "acceptable: a stream processor joining events over a window is complex "
     "event processing on a stream",
     1},
    {"event-broker",
     "lost: the broker hands over events one by one; the consumer would have "
     "to keep the window state itself",
     0},
    {"batch", "lost: the window closes long before the next run", 0},
    {"rest-api", "lost: polling cannot see the order of events inside the window", 0},
};

static const struct advisor_alternative alt_strong_query[] = {
    {"soa",
     "acceptable: a synchronous service call of the owner is just as consistent; "
     "prefer rest-api for new work",
     1},
    {"cdc", "lost: a replica fed from the change log lags the owner, so reads are stale", 0},
    {"event-stream", "lost: a local copy built from events is only eventually consistent", 0},
    {"batch", "lost: a copy taken on a schedule is stale by design", 0},
    {"message-queue",
     "lost: a query needs an answer; request-reply over queues adds latency "
     "and correlation plumbing",
     0},
    {"point-to-point", "lost: reading the owner's store directly bypasses its contract", 0},
};

static const struct advisor_alternative alt_db_batch[] = {
    {"cdc", "acceptable, and the choice as soon as the warehouse needs fresher data", 1},
    {"event-stream", "lost: a continuously running feed for data read once a day", 0},
    {"rest-api", "lost: paging a whole table through an API loads the source for nothing", 0},
};

static const struct advisor_alternative alt_cdc[] = {
    {"batch",
     "acceptable when an hour or more of staleness is fine (ADV-04): a scheduled "
     "extract is simpler",
     1},
    {"event-stream",
     "acceptable: change data published on a topic is an event stream of "
     "the database's log",
     1},
    {"event-broker",
     "lost: an application that publishes on every write (dual write) loses "
     "changes when one of the two writes fails",
     0},
    {"rest-api", "lost: polling an API for changes misses intermediate states and deletes", 0},
    {"point-to-point",
     "lost: querying the source database couples the consumer to its "
     "schema and loads it",
     0},
};

static const struct advisor_alternative alt_reconciliation[] = {
    {"event-stream",
     "lost: reconciliation compares complete sets at a point in time, not a "
     "sequence of changes",
     0},
    {"cdc", "lost: it delivers changes, not the complete set a reconciliation compares", 0},
    {"rest-api", "lost: one call per record turns a reconciliation into a load test", 0},
};

static const struct advisor_alternative alt_cqrs[] = {
    {"read-replica",
     "lost: a replica copies the write model, which is not the shape the "
     "reads need",
     0},
    {"cdc", "acceptable: the change log is a common way to feed the read model", 1},
    {"event-stream",
     "acceptable: domain events are the other common way to feed the read "
     "model",
     1},
};

static const struct advisor_alternative alt_read_replica[] = {
    {"cache", "acceptable: a cache in front of the write database is the other first step", 1},
    {"rest-api",
     "acceptable: the consumer keeps querying the provider's API, which serves "
     "reads from a replica or a cache",
     1},
    {"cdc", "acceptable: a replica in the consumer's store kept current from the change log", 1},
    {"cqrs",
     "lost: two models, a synchronisation pipeline and eventually consistent reads to "
     "solve a load problem a replica solves; only when the models diverge (ADV-07)",
     0},
    {"point-to-point", "lost: reading the write database directly is the load problem", 0},
};

static const struct advisor_alternative alt_bff[] = {
    {"composite",
     "lost: one composite for every frontend serves each the union of all "
     "fields and makes the frontends release in lockstep",
     0},
    {"rest-api",
     "lost: each frontend calling domain APIs directly is chatty and couples the "
     "screens to the domains' contracts",
     0},
    {"soa", "lost: a shared bus service becomes the bottleneck every frontend team waits on", 0},
};

static const struct advisor_alternative alt_composite[] = {
    {"bff",
     "acceptable when the view serves one frontend's screens; with several frontends "
     "it is the rule (ADV-09)",
     1},
    {"rest-api",
     "lost: the consumer pays one round trip and one failure point per backend, "
     "and every consumer repeats the assembly",
     0},
    {"cqrs", "lost: a materialised read model is heavier than composing at request time", 0},
    {"soa", "lost: composition inside a central bus accretes domain logic nobody owns", 0},
};

static const struct advisor_alternative alt_low_latency[] = {
    {"message-queue", "lost: a broker hop adds milliseconds and a long tail", 0},
    {"event-broker", "lost: a broker hop adds milliseconds and a long tail", 0},
    {"event-stream",
     "lost: batching producers and polling consumers add tens of "
     "milliseconds",
     0},
    {"soa", "lost: bus mediation adds a hop and its tail latency", 0},
    {"composite", "lost: an extra hop between consumer and provider", 0},
};

static const struct advisor_alternative alt_strong_command[] = {
    {"soa",
     "acceptable: a synchronous service call returns the outcome as well; prefer "
     "rest-api for new work",
     1},
    {"message-queue",
     "lost: the caller cannot return the outcome; it would have to wait on "
     "a reply queue",
     0},
    {"event-broker", "lost: a command has one addressee; events announce facts to many", 0},
    {"point-to-point", "lost: a hand-wired call is invisible to the registry", 0},
};

static const struct advisor_alternative alt_stream[] = {
    {"cdc", "acceptable when the feed is a database's change log (ADV-05)", 1},
    {"event-broker",
     "lost: a broker drops an event once it is delivered, so nothing can be "
     "replayed",
     0},
    {"message-queue", "lost: one consumer per message and no replay", 0},
    {"batch", "lost: consumers wait for the next run instead of reacting to changes", 0},
    {"rest-api", "lost: every consumer polling the provider multiplies its load", 0},
};

static const struct advisor_alternative alt_broker[] = {
    {"event-stream", "acceptable: a log serves the same fan-out and adds replay (ADV-13)", 1},
    {"cdc", "acceptable when the feed is a database's change log (ADV-05)", 1},
    {"message-queue",
     "lost: queues deliver each message to one consumer, so the producer "
     "would wire a queue per consumer",
     0},
    {"rest-api",
     "lost: either every consumer polls or the provider calls every consumer and "
     "must know them all",
     0},
    {"point-to-point", "lost: one hand-wired link per consumer", 0},
};

static const struct advisor_alternative alt_relaxed[] = {
    {"event-stream",
     "acceptable when the consumer also wants each change; it costs a "
     "consumer running all the time",
     1},
    {"cdc", "acceptable when the source is a database and freshness tightens (ADV-05)", 1},
    {"rest-api",
     "lost: bulk reads through an API load the provider for data needed once a "
     "period",
     0},
};

static const struct advisor_alternative alt_coupling[] = {
    {"message-queue",
     "acceptable for commands: asynchronous delivery removes the temporal "
     "coupling as well",
     1},
    {"event-stream", "acceptable: a log decouples just as well and adds replay", 1},
    {"rest-api",
     "lost: the synchronous call is the coupling complained of; the caller fails "
     "whenever the provider does",
     0},
    {"soa", "lost: synchronous calls through a bus are still synchronous", 0},
    {"point-to-point", "lost: the tightest coupling there is", 0},
};

static const struct advisor_alternative alt_spiky[] = {
    {"message-queue",
     "acceptable: a plain queue levels the load too when the consumers are "
     "sized for the average",
     1},
    {"event-broker",
     "acceptable: the broker's retention absorbs bursts for its "
     "subscribers",
     1},
    {"rest-api", "lost: the provider must be sized for the peak or shed load", 0},
    {"point-to-point", "lost: bursts hit the provider directly", 0},
};

static const struct advisor_alternative alt_command[] = {
    {"rest-api", "acceptable when the caller needs the outcome in its own response (ADV-12)", 1},
    {"event-broker", "lost: a command has one addressee; events announce facts to many", 0},
    {"point-to-point", "lost: a hand-wired call is invisible to the registry", 0},
};

static const struct advisor_alternative alt_new[] = {
    {"event-broker",
     "acceptable, through the registry, when consumers are notified of "
     "changes rather than asking",
     1},
    {"point-to-point",
     "never: invisible to the registry, with no contract, owner or "
     "compatibility check",
     0},
    {"soa", "lost: a central bus accretes routing and transformation logic nobody owns", 0},
    {"cdc", "lost: it publishes the provider's internal tables as the contract", 0},
};

static const struct advisor_alternative alt_default[] = {
    {"event-broker", "the choice once consumers are notified of changes (ADV-14)", 1},
    {"message-queue", "the choice for commands across domains (ADV-18)", 1},
    {"batch", "the choice when an hour or more of staleness is fine (ADV-15)", 1},
};

/* Precedence: the first row whose facts hold wins. Keep the most specific situations first. */
static const struct advisor_row rows[] = {
    {"ADV-01", "a business transaction spans services (distributed transaction)", "saga",
     "a transaction across services needs local steps with compensations, never 2PC",
     "Each service commits its own step and publishes the outcome; a failed step triggers "
     "the compensations of the steps before it. Orchestrate when the steps are many or their "
     "order matters, choreograph when they are few. Two-phase commit across domains couples "
     "their availability and holds locks over the network.",
     ADV_F_DIST_TX, 0, ALTS(alt_saga), 0},
    {"ADV-02", "events must be correlated within a time window", "cep",
     "correlating events inside a time window needs windowed event processing",
     "Complex event processing keeps the window state, the ordering and the late-event "
     "handling in one engine instead of in every consumer.",
     ADV_F_CORRELATION, 0, ALTS(alt_cep), 0},
    {"ADV-03", "a strongly consistent read across domains", "rest-api",
     "a strongly consistent read must query the owner synchronously; replicas would be stale",
     "Only the owning domain knows the current state. Any copy (replica, cache, projection, "
     "snapshot) lags it, so a consumer that must see the latest write asks the owner through "
     "its published API.",
     ADV_F_CROSS_DOMAIN | ADV_F_STRONG | ADV_F_QUERY, 0, ALTS(alt_strong_query), 0},
    {"ADV-04",
     "change data from a source database to a warehouse, an hour or more of "
     "staleness allowed",
     "batch", "a warehouse that accepts hours of staleness is served by a scheduled extract",
     "A scheduled extract of the source tables is the simplest thing that meets a relaxed "
     "freshness need, and runs outside the source's busy hours.",
     ADV_F_SOURCE_DB | ADV_F_WAREHOUSE | ADV_F_RELAXED_FRESHNESS, 0, ALTS(alt_db_batch), 0},
    {"ADV-05", "change data from a source database (to a warehouse or another store)", "cdc",
     "change data capture reads the database's log: every change, no dual writes",
     "Change data capture tails the transaction log, so the consumer receives every change in "
     "commit order, deletes included, without touching the source application and without "
     "the dual-write problem.",
     ADV_F_SOURCE_DB, 0, ALTS(alt_cdc), 0},
    {"ADV-06", "periodic reconciliation", "batch",
     "reconciliation compares complete sets at a point in time, which a scheduled batch "
     "delivers",
     "A batch hands the consumer a complete, consistent set per period to compare against its "
     "own; streams and calls hand it pieces.",
     ADV_F_RECONCILIATION, 0, ALTS(alt_reconciliation), 0},
    {"ADV-07",
     "read load crushes the write database and the read model truly diverges from "
     "the write model",
     "cqrs", "separate read and write models pay off only when the two models truly diverge",
     "With reads that need a different shape (denormalised views, search, aggregates) a read "
     "model fed from the write side serves them without bending the write model. It costs a "
     "synchronisation pipeline and eventually consistent reads.",
     ADV_F_READ_LOAD | ADV_F_MODELS_DIVERGE, 0, ALTS(alt_cqrs), 0},
    {"ADV-08", "read load crushes the write database", "read-replica",
     "read replica before CQRS: move the reads off the write database first",
     "A read replica or a cache takes the read load off the write database while keeping one "
     "model. CQRS is the answer only when the read model diverges (ADV-07).",
     ADV_F_READ_LOAD, 0, ALTS(alt_read_replica), 0},
    {"ADV-09", "several distinct frontends", "bff",
     "each frontend gets its own backend shaped for its screens",
     "A backend for frontend per client (web, mobile, partner) aggregates and shapes the "
     "domain APIs for that client only, owned by the frontend's team, so clients evolve "
     "independently.",
     ADV_F_MULTI_FRONTEND, 0, ALTS(alt_bff), 0},
    {"ADV-10", "the consumer makes many backend calls to assemble one view", "composite",
     "API composition assembles the view in one place instead of in every consumer",
     "A composite calls the backends (in parallel where it can), merges the results and "
     "offers one contract; consumers make one call.",
     ADV_F_MANY_BACKENDS, 0, ALTS(alt_composite), 0},
    {"ADV-11", "a latency budget under 100 ms", "rest-api",
     "under 100 ms call the provider synchronously with no intermediaries; queues and streams "
     "add latency",
     "Every broker or bus hop adds milliseconds and a long tail; a direct synchronous call on "
     "a kept-alive connection is the only pattern that reliably fits a budget this tight.",
     ADV_F_LOW_LATENCY, 0, ALTS(alt_low_latency), 0},
    {"ADV-12",
     "a command across domains whose caller needs the outcome (strong "
     "consistency)",
     "rest-api",
     "the caller needs the command's outcome in its own response, so the call is synchronous",
     "When the caller cannot answer its own client before the command succeeded or failed, "
     "a synchronous call of the owner's API returns the outcome; pair it with idempotency "
     "keys so retries are safe.",
     ADV_F_CROSS_DOMAIN | ADV_F_COMMAND | ADV_F_STRONG, 0, ALTS(alt_strong_command), 0},
    {"ADV-13", "a change feed whose consumers need replay", "event-stream",
     "replay needs a retained log: an event stream keeps history a broker deletes",
     "An event stream retains events for a period, so consumers rebuild state, recover "
     "from bugs and join late by replaying from an offset.",
     ADV_F_CHANGE_FEED | ADV_F_REPLAY, 0, ALTS(alt_stream), 0},
    {"ADV-14", "a change feed (notifications, or several consumers)", "event-broker",
     "publish once, let every consumer subscribe: the provider does not know its consumers",
     "Publish-subscribe decouples the provider from the number and identity of its "
     "consumers; adding one needs no change on the provider side.",
     ADV_F_CHANGE_FEED, 0, ALTS(alt_broker), 0},
    {"ADV-15", "an hour or more of staleness allowed, no command, no strong consistency", "batch",
     "data needed once a period is moved in bulk on a schedule",
     "When nobody needs the data sooner than a scheduled run delivers it, a batch moves it "
     "in bulk, cheaply and at a time that suits the provider.",
     ADV_F_RELAXED_FRESHNESS, ADV_F_COMMAND | ADV_F_STRONG, ALTS(alt_relaxed), 0},
    {"ADV-16", "teams complain of tight coupling through synchronous calls", "event-broker",
     "move from synchronous calls to asynchronous notification to remove temporal coupling",
     "With notification the provider announces what happened and carries on; consumers react "
     "when they can, and an outage of one no longer fails the other.",
     ADV_F_COUPLING_COMPLAINT, 0, ALTS(alt_coupling), 0},
    {"ADV-17", "spiky traffic (commands or notifications)", "queue-load-leveling",
     "a queue between bursty producers and the service levels the load",
     "The queue absorbs bursts and the service drains it at the rate it can sustain, so it "
     "is sized for the average instead of the peak. Queries need answers and are excluded.",
     ADV_F_SPIKY, ADV_F_QUERY, ALTS(alt_spiky), 0},
    {"ADV-18", "a command across domains", "message-queue",
     "a command across domains goes on a queue: temporal decoupling and retries, one "
     "addressee",
     "When the caller does not need the outcome in its own response (no strong consistency, "
     "no budget under 100 ms), queueing the command lets it succeed while the receiver is "
     "down and gives retries for free; the receiver must be idempotent.",
     ADV_F_CROSS_DOMAIN | ADV_F_COMMAND, 0, ALTS(alt_command), 0},
    {"ADV-19", "a new integration across domains", "rest-api",
     "register it in the Common Driveway: a published API or topic through the registry, "
     "never point-to-point",
     "A new integration starts as a registered data product with a contract, an owner and a "
     "compatibility mode: a REST API for queries, an event-broker topic for notifications.",
     ADV_F_NEW_INTEGRATION | ADV_F_CROSS_DOMAIN, 0, ALTS(alt_new), 0},
    {"ADV-00", "nothing more specific applies (default)", "rest-api",
     "no constraint calls for anything else, so the simplest registered pattern",
     "A synchronous query of the provider's registered API is the simplest pattern that "
     "works. Declare the flow's constraints (consistency, latency, interaction, replay) to "
     "get a specific answer; the default row never contradicts a declared pattern.",
     0, 0, ALTS(alt_default), 1},
};

const struct advisor_row *advisor_rows(size_t *count)
{
	if (count)
		*count = sizeof(rows) / sizeof(rows[0]);
	return rows;
}

const struct advisor_row *advisor_row_get(const char *id)
{
	for (size_t i = 0; id && i < sizeof(rows) / sizeof(rows[0]); i++)
		if (!strcmp(rows[i].id, id))
			return &rows[i];
	return NULL;
}

/* ---- facts -------------------------------------------------------------------------------- */

static const char *const fact_names[ADV_F_COUNT] = {
    "crossDomain",
    "consistency=strong",
    "consistency=eventual",
    "interaction=command",
    "interaction=query",
    "interaction=notification",
    "replay",
    "consumers>=2",
    "changeFeed",
    "spiky",
    "latencyBudgetMs<100",
    "latencyBudgetMs>=3600000",
    "correlationWindowMs>0",
    "sourceIsDatabase",
    "warehouseTarget",
    "periodicReconciliation",
    "backendCalls>=3",
    "frontends>=2",
    "readLoadHigh",
    "modelsDiverge",
    "distributedTransaction",
    "newIntegration",
    "tightCouplingComplaint",
    "idempotent",
};

const char *advisor_fact_name(unsigned fact)
{
	for (unsigned i = 0; i < ADV_F_COUNT; i++)
		if (fact == 1u << i)
			return fact_names[i];
	return NULL;
}

unsigned advisor_facts(const struct advisor_input *in)
{
	unsigned f = 0;

	f |= in->cross_domain ? ADV_F_CROSS_DOMAIN : 0;
	f |= in->consistency == ADV_CONSISTENCY_STRONG ? ADV_F_STRONG : 0;
	f |= in->consistency == ADV_CONSISTENCY_EVENTUAL ? ADV_F_EVENTUAL : 0;
	f |= in->interaction == ADV_INTERACTION_COMMAND ? ADV_F_COMMAND : 0;
	f |= in->interaction == ADV_INTERACTION_QUERY ? ADV_F_QUERY : 0;
	f |= in->interaction == ADV_INTERACTION_NOTIFICATION ? ADV_F_NOTIFICATION : 0;
	f |= in->replay ? ADV_F_REPLAY : 0;
	f |= in->consumers >= 2 ? ADV_F_MULTI_CONSUMER : 0;
	if (in->interaction == ADV_INTERACTION_NOTIFICATION ||
	    (in->consumers >= 2 && in->interaction == ADV_INTERACTION_UNSET))
		f |= ADV_F_CHANGE_FEED;
	f |= in->spiky ? ADV_F_SPIKY : 0;
	f |= in->latency_budget_ms >= 0 && in->latency_budget_ms < LOW_LATENCY_MS
	         ? ADV_F_LOW_LATENCY
	         : 0;
	f |= in->latency_budget_ms >= RELAXED_FRESHNESS_MS ? ADV_F_RELAXED_FRESHNESS : 0;
	f |= in->correlation_window_ms > 0 ? ADV_F_CORRELATION : 0;
	f |= in->source_is_database ? ADV_F_SOURCE_DB : 0;
	f |= in->warehouse_target ? ADV_F_WAREHOUSE : 0;
	f |= in->periodic_reconciliation ? ADV_F_RECONCILIATION : 0;
	f |= in->backend_calls >= MANY_BACKENDS ? ADV_F_MANY_BACKENDS : 0;
	f |= in->frontends >= 2 ? ADV_F_MULTI_FRONTEND : 0;
	f |= in->read_load_high ? ADV_F_READ_LOAD : 0;
	f |= in->models_diverge ? ADV_F_MODELS_DIVERGE : 0;
	f |= in->distributed_transaction ? ADV_F_DIST_TX : 0;
	f |= in->new_integration ? ADV_F_NEW_INTEGRATION : 0;
	f |= in->tight_coupling_complaint ? ADV_F_COUPLING_COMPLAINT : 0;
	f |= in->idempotent == 1 ? ADV_F_IDEMPOTENT : 0;
	return f;
}

const struct advisor_row *advisor_advise(const struct advisor_input *in)
{
	unsigned f = advisor_facts(in);
	size_t n = sizeof(rows) / sizeof(rows[0]);

	for (size_t i = 0; i < n; i++)
		if ((f & rows[i].need) == rows[i].need && !(f & rows[i].deny))
			return &rows[i];
	return &rows[n - 1];
}

int advisor_contradicts(const struct advisor_row *row, const char *declared)
{
	if (!row || row->is_default || !declared || !*declared || !strcmp(declared, row->pattern))
		return 0;
	for (size_t i = 0; i < row->nalternatives; i++) {
		const struct advisor_alternative *a = &row->alternatives[i];

		if (a->acceptable && !strcmp(declared, a->pattern))
			return 0;
	}
	return 1;
}

int advisor_check(const struct advisor_input *in, const struct advisor_row **row)
{
	const struct advisor_row *r = advisor_advise(in);

	if (row)
		*row = r;
	return advisor_contradicts(r, in->pattern);
}

/* ---- input -------------------------------------------------------------------------------- */

void advisor_input_init(struct advisor_input *in)
{
	memset(in, 0, sizeof(*in));
	in->latency_budget_ms = -1;
	in->consumers = -1;
	in->idempotent = -1;
	in->correlation_window_ms = -1;
	in->backend_calls = -1;
	in->frontends = -1;
}

void advisor_input_set_consumer(struct advisor_input *in, const char *consumer_domain)
{
	const char *slash = strchr(in->product, '/');
	size_t n;

	if (!consumer_domain || !*consumer_domain || !slash)
		return;
	n = (size_t)(slash - in->product);
	if (strlen(consumer_domain) != n || memcmp(consumer_domain, in->product, n))
		in->cross_domain = 1;
}

enum field_kind {
	FK_BOOL,     /* int, 0/1 */
	FK_TRISTATE, /* int, -1 when absent */
	FK_INT,      /* long long >= min */
	FK_PATTERN,  /* char pattern[] */
	FK_PRODUCT,  /* char product[] */
	FK_CONSISTENCY,
	FK_INTERACTION,
	FK_STRING,  /* accepted, not kept */
	FK_STRINGS, /* accepted, not kept */
	FK_OBJECT,  /* accepted, not kept */
};

struct field {
	const char *name;
	enum field_kind kind;
	size_t offset;
	long long min;
};

#define F(name, kind, member, min)                                                                 \
	{                                                                                          \
		name, kind, offsetof(struct advisor_input, member), min                            \
	}
#define FX(name, kind)                                                                             \
	{                                                                                          \
		name, kind, 0, 0                                                                   \
	}

static const struct field fields[] = {
    F("product", FK_PRODUCT, product, 0),
    F("pattern", FK_PATTERN, pattern, 0),
    F("consistency", FK_CONSISTENCY, consistency, 0),
    F("latencyBudgetMs", FK_INT, latency_budget_ms, 0),
    F("replay", FK_BOOL, replay, 0),
    F("consumers", FK_INT, consumers, 1),
    F("spiky", FK_BOOL, spiky, 0),
    F("interaction", FK_INTERACTION, interaction, 0),
    F("idempotent", FK_TRISTATE, idempotent, 0),
    F("correlationWindowMs", FK_INT, correlation_window_ms, 0),
    FX("uses", FK_STRINGS),
    FX("description", FK_STRING),
    FX("exception", FK_OBJECT),
    F("crossDomain", FK_BOOL, cross_domain, 0),
    F("sourceIsDatabase", FK_BOOL, source_is_database, 0),
    F("warehouseTarget", FK_BOOL, warehouse_target, 0),
    F("periodicReconciliation", FK_BOOL, periodic_reconciliation, 0),
    F("backendCalls", FK_INT, backend_calls, 0),
    F("frontends", FK_INT, frontends, 0),
    F("readLoadHigh", FK_BOOL, read_load_high, 0),
    F("modelsDiverge", FK_BOOL, models_diverge, 0),
    F("distributedTransaction", FK_BOOL, distributed_transaction, 0),
    F("newIntegration", FK_BOOL, new_integration, 0),
    F("tightCouplingComplaint", FK_BOOL, tight_coupling_complaint, 0),
};

static const char *const flow_patterns[] = {
    "rest-api",       "soa", "composite", "bff", "message-queue", "event-broker",
    "event-stream",   "cep", "batch",     "cdc", "cqrs",          "queue-load-leveling",
    "point-to-point",
};

static int name_index(const char *s, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s, names[i]))
			return (int)i;
	return -1;
}

static const char *kind_noun(enum field_kind k)
{
	switch (k) {
	case FK_BOOL:
	case FK_TRISTATE:
		return "a boolean";
	case FK_INT:
		return "an integer";
	case FK_STRINGS:
		return "an array of strings";
	case FK_OBJECT:
		return "an object";
	default:
		return "a string";
	}
}

static int type_ok(enum field_kind k, const json_t *v)
{
	switch (k) {
	case FK_BOOL:
	case FK_TRISTATE:
		return json_is_boolean(v);
	case FK_INT:
		return json_is_integer(v);
	case FK_STRINGS:
		if (!json_is_array(v))
			return 0;
		for (size_t i = 0; i < json_array_size(v); i++)
			if (!json_is_string(json_array_get(v, i)))
				return 0;
		return 1;
	case FK_OBJECT:
		return json_is_object(v);
	default:
		return json_is_string(v);
	}
}

/* Checks the value of a known, well-typed field and stores it. Returns 0 or an error message
 * written into msg. */
static int field_set(struct advisor_input *in, const struct field *fd, const json_t *v, char *msg,
                     size_t size)
{
	char *at = (char *)in + fd->offset;
	const char *s = json_string_value(v);
	char dom[64], prod[64];
	int i;

	switch (fd->kind) {
	case FK_BOOL:
	case FK_TRISTATE:
		*(int *)at = json_is_true(v);
		return 0;
	case FK_INT:
		if (json_integer_value(v) < fd->min) {
			snprintf(msg, size, "property '%s' must be %lld or more", fd->name,
			         fd->min);
			return -1;
		}
		*(long long *)at = json_integer_value(v);
		return 0;
	case FK_PATTERN:
		i = name_index(s, flow_patterns, sizeof(flow_patterns) / sizeof(*flow_patterns));
		if (i < 0) {
			snprintf(msg, size, "unknown pattern '%.200s'", s);
			return -1;
		}
		snprintf(in->pattern, sizeof(in->pattern), "%s", s);
		return 0;
	case FK_PRODUCT:
		if (strlen(s) >= sizeof(in->product) ||
		    descriptor_split_ref(s, dom, sizeof(dom), prod, sizeof(prod)) ||
		    !descriptor_slug_ok(dom) || !descriptor_slug_ok(prod)) {
			snprintf(msg, size, "product '%.200s' is not a domain/product reference",
			         s);
			return -1;
		}
		snprintf(in->product, sizeof(in->product), "%s", s);
		return 0;
	case FK_CONSISTENCY:
		i = name_index(s, (const char *const[]){"strong", "eventual"}, 2);
		if (i < 0) {
			snprintf(msg, size, "unknown consistency '%.200s'", s);
			return -1;
		}
		in->consistency = i ? ADV_CONSISTENCY_EVENTUAL : ADV_CONSISTENCY_STRONG;
		return 0;
	case FK_INTERACTION:
		i = name_index(s, (const char *const[]){"command", "query", "notification"}, 3);
		if (i < 0) {
			snprintf(msg, size, "unknown interaction '%.200s'", s);
			return -1;
		}
		in->interaction = (enum advisor_interaction)(ADV_INTERACTION_COMMAND + i);
		return 0;
	default:
		return 0;
	}
}

int advisor_input_from_json(struct advisor_input *in, const json_t *obj, const char *base,
                            struct dw_findings *out)
{
	struct dw_findings mine;
	struct dw_findings *f = out ? out : &mine;
	size_t before;
	const char *key;
	json_t *v;
	int rc = 0;

	if (!out)
		dw_findings_init(&mine);
	before = f->count;
	advisor_input_init(in);
	if (!base)
		base = "";
	if (!json_is_object(obj)) {
		dw_findings_add(f, base, "flow constraints must be an object");
	} else {
		json_object_foreach((json_t *)obj, key, v)
		{
			const struct field *fd = NULL;
			char msg[320];
			char *ptr;

			for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
				if (!strcmp(key, fields[i].name))
					fd = &fields[i];
			msg[0] = '\0';
			if (!fd)
				snprintf(msg, sizeof(msg), "unknown property '%.200s'", key);
			else if (!type_ok(fd->kind, v))
				snprintf(msg, sizeof(msg), "property '%s' must be %s", fd->name,
				         kind_noun(fd->kind));
			else
				field_set(in, fd, v, msg, sizeof(msg));
			if (!msg[0])
				continue;
			ptr = dw_pointer_join(base, key);
			if (!ptr) {
				rc = DW_NOMEM;
				break;
			}
			dw_findings_add(f, ptr, "%s", msg);
			free(ptr);
		}
	}
	if (!rc && dw_findings_oom(f))
		rc = DW_NOMEM;
	else if (!rc && f->count > before)
		rc = DW_INVALID;
	if (!out)
		dw_findings_release(&mine);
	return rc;
}

/* ---- rendering ---------------------------------------------------------------------------- */

json_t *advisor_advice_json(const struct advisor_input *in)
{
	const struct advisor_row *r = advisor_advise(in);
	unsigned facts = advisor_facts(in) & r->need;
	json_t *alts = json_array(), *matched = json_array(), *o;

	for (size_t i = 0; alts && i < r->nalternatives; i++)
		if (json_array_append_new(alts, json_pack("{s:s, s:s, s:b}", "pattern",
		                                          r->alternatives[i].pattern, "why",
		                                          r->alternatives[i].why, "acceptable",
		                                          r->alternatives[i].acceptable)))
			goto fail;
	for (unsigned i = 0; matched && i < ADV_F_COUNT; i++)
		if ((facts & (1u << i)) &&
		    json_array_append_new(matched, json_string(fact_names[i])))
			goto fail;
	if (!alts || !matched)
		goto fail;
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "pattern", r->pattern, "rule", r->id,
	              "situation", r->situation, "rationale", r->rationale, "keyReason",
	              r->key_reason, "alternatives", alts, "matched", matched);
	if (!o)
		return NULL; /* json_pack's "o" stole both references, even on failure */
	if (in->pattern[0] &&
	    (json_object_set_new(o, "declared", json_string(in->pattern)) ||
	     json_object_set_new(o, "contradicts",
	                         json_boolean(advisor_contradicts(r, in->pattern))))) {
		json_decref(o);
		return NULL;
	}
	return o;
fail:
	json_decref(alts);
	json_decref(matched);
	return NULL;
}

/* The row's conditions as "a, b, not c". */
static void put_conditions(FILE *m, const struct advisor_row *r)
{
	const char *sep = "";

	for (unsigned i = 0; i < ADV_F_COUNT; i++)
		if (r->need & (1u << i)) {
			fprintf(m, "%s`%s`", sep, fact_names[i]);
			sep = ", ";
		}
	for (unsigned i = 0; i < ADV_F_COUNT; i++)
		if (r->deny & (1u << i)) {
			fprintf(m, "%snot `%s`", sep, fact_names[i]);
			sep = ", ";
		}
	if (!*sep)
		fputs("(always)", m);
}

char *advisor_table_markdown(void)
{
	size_t n = sizeof(rows) / sizeof(rows[0]), len = 0;
	char *s = NULL;
	FILE *m = open_memstream(&s, &len);

	if (!m)
		return NULL;
	fputs("| Rule | Situation | Facts needed | Pattern | Key reason |\n"
	      "|---|---|---|---|---|\n",
	      m);
	for (size_t i = 0; i < n; i++) {
		fprintf(m, "| %s | %s | ", rows[i].id, rows[i].situation);
		put_conditions(m, &rows[i]);
		fprintf(m, " | `%s` | %s |\n", rows[i].pattern, rows[i].key_reason);
	}
	for (size_t i = 0; i < n; i++) {
		fprintf(m, "\n### %s: %s\n\n", rows[i].id, rows[i].situation);
		fprintf(m, "Advice: `%s`. %s\n\n", rows[i].pattern, rows[i].rationale);
		fputs("Needs: ", m);
		put_conditions(m, &rows[i]);
		fputs(".\n\n| Alternative | Acceptable | Why |\n|---|---|---|\n", m);
		for (size_t j = 0; j < rows[i].nalternatives; j++)
			fprintf(m, "| `%s` | %s | %s |\n", rows[i].alternatives[j].pattern,
			        rows[i].alternatives[j].acceptable ? "yes" : "no",
			        rows[i].alternatives[j].why);
	}
	if (ferror(m)) {
		fclose(m);
		free(s);
		return NULL;
	}
	if (fclose(m)) {
		free(s);
		return NULL;
	}
	return s;
}
