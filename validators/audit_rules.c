/*
 * The audit's rule catalogue (data), its settings and the Markdown generated from them. The
 * rules' logic lives in audit.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validators/audit.h"
#include "validators/strbuf.h"

#define SEV_E DW_SEV_ERROR
#define SEV_W DW_SEV_WARNING
#define SEV_I DW_SEV_INFO

const struct audit_rule audit_rules[AUDIT_NRULES] = {
    [AUDIT_P2P_UNDOCUMENTED] =
        {"DW001", "point-to-point-undocumented", "Point-to-point sprawl", SEV_E,
         "Point-to-point flow without a documented exception",
         "A point-to-point integration couples two systems by their internals: a schema, a "
         "file drop, a database link. Each one is cheap alone, but they multiply silently "
         "until nobody can change a system without breaking unknown partners. The catalogue "
         "admits them only as an exception someone owns and revisits.",
         "Move the flow to a published contract (rest-api, event-stream, cdc...), or document "
         "the exception on the flow: exception {reason, owner, reviewDate}.",
         NULL},
    [AUDIT_P2P_REVIEW_OVERDUE] =
        {"DW002", "point-to-point-review-overdue", "Point-to-point sprawl", SEV_W,
         "Point-to-point exception past its review date",
         "An exception is a promise to revisit the shortcut. Once its review date has passed "
         "(reviewDate earlier than the landscape's now) nobody is holding the promise any more "
         "and the temporary link becomes permanent by default.",
         "Review the exception with its owner: replace the flow by a published contract, or "
         "renew the exception with a new reason and a future reviewDate.",
         NULL},
    [AUDIT_DIRECT_FAN_OUT] =
        {"DW003", "direct-fan-out", "Point-to-point sprawl", SEV_W,
         "Domain with too many direct dependencies",
         "A domain that calls many other domains synchronously (rest-api, soa, composite, bff, "
         "point-to-point) fails when any of them fails and must be redeployed when any of "
         "their contracts moves. Its fan-out counts the distinct other domains its products "
         "reach by synchronous flows.",
         "Take the data the domain only reads from events or a snapshot it keeps itself, or "
         "put a composite in front of the providers it really needs together.",
         "maxDirectFanOut"},
    [AUDIT_DIRECT_DENSITY] =
        {"DW004", "direct-edge-density", "Point-to-point sprawl", SEV_W,
         "Landscape too densely wired by direct calls",
         "Density is the share of ordered domain pairs (a, b), a != b, in which a reaches b "
         "by at least one synchronous flow: direct edges / (n x (n - 1)) over the n domains. "
         "A dense landscape is a spaghetti of direct links where every change needs "
         "coordination across many teams.",
         "Introduce events or shared read models for the most connected domains; check the "
         "domains flagged by DW003 first.",
         "maxDirectDensity, densityMinDomains"},
    [AUDIT_COMPOSITE_NO_CONTRACT] =
        {"DW005", "composite-without-contract", "Undocumented composite", SEV_W,
         "Composite or BFF without an OpenAPI contract",
         "A composite service or a backend-for-frontend is an API like any other: without a "
         "published OpenAPI contract its consumers code against whatever it returns today and "
         "compatibility can be neither checked nor promised. A contract counts when "
         "spec.contract.format is openapi and, when the registry reports versions, at least "
         "one version is registered.",
         "Describe the composite in OpenAPI, set spec.contract.format: openapi and register "
         "the contract.",
         NULL},
    [AUDIT_COMPOSITE_NO_BACKENDS] =
        {"DW006", "composite-without-backends", "Undocumented composite", SEV_E,
         "Composite or BFF without declared backends",
         "The value of a composite is knowing what it aggregates. Without spec.backends "
         "nobody can tell what a backend change breaks, and availability and impact analysis "
         "stop at the composite.",
         "List every product the composite calls in spec.backends (domain/product).", NULL},
    [AUDIT_BACKEND_UNREGISTERED] =
        {"DW007", "backend-unregistered", "Undocumented composite", SEV_E,
         "Backend that is not a registered product",
         "A composite, BFF, orchestrator or ESB that lists a backend the registry does not "
         "know depends on something without an owner, an SLA or a contract: the dependency "
         "is invisible to impact analysis.",
         "Register the backend as a data product, or correct the reference in spec.backends.",
         NULL},
    [AUDIT_NO_OWNER] =
        {"DW008", "missing-owner", "Undocumented composite", SEV_E,
         "Composite or production product without an owner",
         "A composite or BFF, and any product in production, needs a team that answers for "
         "it. An owner that is missing, empty or only blanks means incidents and change "
         "requests have nowhere to go.",
         "Set metadata.owner to the owning team.", NULL},
    [AUDIT_COMPOSITE_OVERLAP] =
        {"DW009", "composite-overlap", "Composite sprawl", SEV_W,
         "Composites aggregating nearly the same backends",
         "Two composites whose backend sets overlap heavily (Jaccard index |A and B| / "
         "|A or B| at or above the threshold) duplicate aggregation logic, drift apart and "
         "double the load on the same backends.",
         "Merge the composites, or make one consume the other; keep frontend-specific shaping "
         "in thin BFFs over one shared composite.",
         "compositeOverlap"},
    [AUDIT_COMPOSITE_PILE_UP] =
        {"DW010", "composite-pile-up", "Composite sprawl", SEV_W,
         "Too many composites over one backend",
         "When more composites or BFFs than the threshold aggregate the same backend, the "
         "backend is wrapped again and again instead of being consumed through one well-kept "
         "facade; every wrapper must follow each of its changes.",
         "Consolidate the composites over that backend, or let consumers use the backend's "
         "own contract.",
         "maxCompositesPerBackend"},
    [AUDIT_INTEGRATOR_FAN_OUT] =
        {"DW011", "integrator-fan-out", "Fat ESB / god orchestrator", SEV_W,
         "ESB or orchestrator with too many dependencies",
         "An ESB or orchestrator whose fan-out (distinct products among its backends and the "
         "providers it consumes) passes the threshold has become the place where every "
         "integration happens: a bottleneck for every team and a single point of failure.",
         "Split it per business capability, and let domains exchange events directly where no "
         "orchestration is needed.",
         "maxIntegratorFanOut"},
    [AUDIT_INTEGRATOR_FOREIGN] =
        {"DW012", "integrator-owns-foreign-contracts", "Fat ESB / god orchestrator", SEV_W,
         "ESB or orchestrator re-exposing other domains' contracts",
         "An ESB or orchestrator that is itself consumed and whose backends belong to several "
         "other domains re-exposes their contracts under its own: the domains lose control of "
         "their interfaces, and the integration team ends up owning other teams' data.",
         "Let consumers use the owning domains' contracts directly; keep the orchestrator to "
         "the process it coordinates.",
         "integratorForeignDomains"},
    [AUDIT_SYNC_CHAIN_SLA] =
        {"DW013", "sync-chain-sla", "Sync everything", SEV_E,
         "Declared availability that the synchronous chain cannot deliver",
         "A product that serves requests by calling other products synchronously is up only "
         "when all of them are: the availability of a chain is the product of the "
         "availabilities along it (the product's own declared figure included). A declared "
         "spec.sla.availability above the weakest chain's product is a promise the "
         "architecture cannot keep. Synchronous flows are rest-api, soa, composite, bff and "
         "point-to-point; a composite's or BFF's backends count as synchronous calls. A "
         "product without an availability counts as 100% (its gap is DW027's); edges inside "
         "a cycle are left out (DW014 reports the cycle).",
         "Lower the declared SLA to what the chain delivers, raise the providers' SLAs, or "
         "take the dependency off the request path (cache, events, a local read model).",
         NULL},
    [AUDIT_SYNC_CYCLE] =
        {"DW014", "sync-cycle", "Sync everything", SEV_E, "Cycle of synchronous calls",
         "Products that call each other synchronously in a cycle cannot start, fail or be "
         "deployed independently; one slow member can stall all of them, and requests may "
         "loop. Each group of products joined by a cycle (a strongly connected component of "
         "the synchronous call graph) is reported once, with one cycle through it.",
         "Break the cycle: one direction becomes an event or a read model the other side "
         "keeps.",
         NULL},
    [AUDIT_SYNC_SHARE] =
        {"DW015", "sync-share", "Sync everything", SEV_W,
         "Most flows of the landscape are synchronous",
         "When nearly every flow is a synchronous call the landscape inherits the temporal "
         "coupling of all of them: availability multiplies down the chains and load spikes "
         "propagate. The share is sync flows / all flows (spec.consumes entries); it is "
         "judged once the landscape has enough flows.",
         "Move notifications, replication and reporting flows to events, CDC or batch.",
         "maxSyncShare, syncShareMinFlows"},
    [AUDIT_ASYNC_STRONG_QUERY] =
        {"DW016", "async-strong-or-query", "Async everything", SEV_W,
         "Strong consistency or a query served through a queue or stream",
         "Asynchronous patterns deliver eventually: a flow that declares strong consistency "
         "over one of them (message-queue, event-broker, event-stream, cep, batch, cdc, cqrs, "
         "queue-load-leveling) cannot get it. A query (the consumer waits for an answer) sent "
         "through a queue or broker (message-queue, event-broker, queue-load-leveling) "
         "becomes request-reply over messaging: timeouts, correlation ids, lost replies.",
         "Use a synchronous API for strongly consistent reads and queries, or accept eventual "
         "consistency and say so on the flow.",
         NULL},
    [AUDIT_STREAM_AS_DATABASE] =
        {"DW017", "event-stream-as-database", "Event stream as database", SEV_W,
         "Current state queried straight from an event stream",
         "An event stream holds the history of changes, not the current state. A consumer "
         "that is not itself a read store (its type is neither table nor snapshot) and "
         "declares interaction query on an event-stream flow scans or replays the stream to "
         "answer questions about now.",
         "Put a projection between the stream and the queries: a table or snapshot product "
         "that consumes the stream, and query that.",
         NULL},
    [AUDIT_ORCHESTRATOR_READ] =
        {"DW018", "orchestrator-on-read-path", "Orchestration without sagas", SEV_W,
         "Orchestrator serving queries",
         "Orchestrators exist to coordinate multi-step business transactions (sagas) with "
         "compensation. Consumers that query an orchestrator put a process engine on the "
         "read path, adding latency and a failure point for a plain read.",
         "Serve reads from the owning APIs, a composite or a read model; keep the orchestrator "
         "for commands.",
         NULL},
    [AUDIT_ORCHESTRATOR_SINGLE] =
        {"DW019", "orchestrator-single-service", "Orchestration without sagas", SEV_W,
         "Orchestrator coordinating a single service",
         "An orchestrator with exactly one backend has nothing to coordinate: it is a proxy "
         "with the cost of a workflow engine.",
         "Let consumers call the service directly, or give the orchestrator the saga it was "
         "meant for.",
         NULL},
    [AUDIT_CQRS_UNJUSTIFIED] =
        {"DW020", "cqrs-without-divergence", "CQRS as default", SEV_I,
         "CQRS flow without a stated reason",
         "CQRS pays off when read and write models really diverge or reads crush the write "
         "store; used by default it doubles models and adds replication lag. A cqrs flow must "
         "say why in its description (a description that is missing or blank is flagged).",
         "State in the flow's description how the read model differs from the write model, "
         "or consume the provider's API directly.",
         NULL},
    [AUDIT_NOT_IDEMPOTENT] =
        {"DW021", "async-consumer-not-idempotent", "Non-idempotent async consumer", SEV_W,
         "Asynchronous consumer not declared idempotent",
         "Queues, brokers and streams deliver at least once: retries, rebalances and replays "
         "hand the same message over again. A consumer on an asynchronous flow that does not "
         "declare idempotent: true will apply some changes twice.",
         "Make the consumer idempotent (keys, upserts, deduplication by message id) and "
         "declare idempotent: true.",
         NULL},
    [AUDIT_TOPIC_NO_COMPAT] =
        {"DW022", "topic-without-compatibility", "Topics without compatibility mode", SEV_W,
         "Shared topic without a compatibility mode",
         "A topic read by several consumers cannot be upgraded in lock-step with all of them. "
         "Without a compatibility mode, or with NONE, any schema change may break a reader.",
         "Set spec.compatibility (BACKWARD or FULL_TRANSITIVE are the usual choices) and "
         "register the schema as versions.",
         "topicMinConsumers"},
    [AUDIT_LATENCY_INTERMEDIARY] =
        {"DW023", "latency-through-intermediary", "Async everything", SEV_W,
         "Tight latency budget through a queue, broker or stream",
         "A message-queue, event-broker, event-stream or queue-load-leveling flow adds a hop, "
         "batching and consumer lag. A latency budget below the threshold is not something "
         "such an intermediary can promise.",
         "Use a synchronous call for the latency-critical path, or relax the budget.",
         "minIntermediaryLatencyMs"},
    [AUDIT_DEPRECATED_CONSUMED] =
        {"DW024", "deprecated-still-consumed", "Deprecated products still consumed", SEV_W,
         "Deprecated product still consumed",
         "A deprecated product is on its way out; every flow or backend reference to it is a "
         "consumer that will break when it goes.",
         "Migrate the consumer to the product's successor and remove the flow or backend.", NULL},
    [AUDIT_DANGLING_FLOW] =
        {"DW025", "dangling-flow", "Dangling or orphan products", SEV_E,
         "Flow to an unregistered product",
         "A flow whose provider is not a registered product depends on something nobody "
         "owns in the registry: no contract, no SLA, no compatibility gate.",
         "Register the provider, or correct the flow's product reference.", NULL},
    [AUDIT_ORPHAN] =
        {"DW026", "orphan-product", "Dangling or orphan products", SEV_I,
         "Production product that nothing uses and that uses nothing",
         "A production product that no flow and no backend list refers to, and that itself "
         "consumes nothing and aggregates nothing, is either unused (a cost to retire) or its "
         "consumers are undeclared (a risk at the next change).",
         "Declare its consumers' flows, or deprecate and retire it.", NULL},
    [AUDIT_NO_SLA] =
        {"DW027", "production-without-sla", "Dangling or orphan products", SEV_W,
         "Production product without an SLA",
         "A product in production without spec.sla (or with an empty one) gives consumers "
         "nothing to design against, and chain availabilities (DW013) must assume 100% for "
         "it.",
         "Declare spec.sla: at least availability, and latencyP99Ms for APIs or freshness for "
         "data.",
         NULL},
    [AUDIT_PATTERN_MISMATCH] =
        {"DW028", "pattern-mismatch", "Pattern mismatch", SEV_W,
         "Declared pattern contradicts the flow's constraints",
         "The flow's own constraints (consistency, latency budget, replay, consumers, "
         "interaction, ...) lead the pattern advisor to a pattern, with alternatives it "
         "accepts. A declared pattern that is neither is likely the wrong tool; the finding "
         "quotes the advisor's rule and rationale. Cross-domain is set when consumer and "
         "provider live in different domains; no other situational flag is assumed.",
         "Switch to the advised pattern, or correct the constraints the flow declares.", NULL},
    [AUDIT_SUPPRESSION_INVALID] =
        {"DW029", "suppression-invalid", "Suppressions", SEV_W,
         "Suppression without a reason or an expiry date",
         "A suppression silences a rule for a product or flow. Without a reason nobody knows "
         "why, and without an expiry date it silences the rule forever. Such a suppression "
         "silences nothing; its own findings cannot be suppressed.",
         "Give the suppression a reason and an expires date (YYYY-MM-DD).", NULL},
    [AUDIT_SUPPRESSION_EXPIRED] =
        {"DW030", "suppression-expired", "Suppressions", SEV_W, "Expired suppression",
         "A suppression whose expires date is earlier than the landscape's now no longer "
         "silences anything: the findings it covered are active again.",
         "Fix what the suppression covered, or renew it with a new reason and date.", NULL},
    [AUDIT_UNCLAIMED_SUBJECT] =
        {"DW031", "unclaimed-subject", "Schemas outside the Common Driveway", SEV_W,
         "Schema registered outside the Common Driveway",
         "A producer's serializer registered this schema through the Confluent Schema Registry "
         "compatible API under a subject no data product claims, so the registry created a "
         "topic product for it (tagged " AUDIT_UNCLAIMED_TAG ") with owner unknown, no SLA "
         "and no consumers declared: a side registry inside the registry, which nobody "
         "governs and whose breaking changes nobody is answerable for.",
         "Have the owning domain claim the subject: declare a topic product of that topic "
         "(spec.topic) in its descriptor, or, for the record-name strategies, one that names "
         "the subject (spec.subject); new versions then go there. Delete the landing product "
         "once its versions are no longer read.",
         NULL},
};

const struct audit_rule *audit_rule_get(const char *id)
{
	if (!id)
		return NULL;
	for (size_t i = 0; i < AUDIT_NRULES; i++)
		if (!strcmp(audit_rules[i].id, id) || !strcmp(audit_rules[i].name, id))
			return &audit_rules[i];
	return NULL;
}

/* ---- settings ---- */

enum setting_kind { SET_COUNT, SET_RATIO };

static const struct setting {
	const char *key;
	enum setting_kind kind;
	size_t offset;
	double min, max; /* inclusive */
	double dflt;
	const char *meaning;
} settings[] = {
    {"maxDirectFanOut", SET_COUNT, offsetof(struct audit_config, max_direct_fan_out), 0, 1e9, 5,
     "DW003: a domain may reach at most this many other domains synchronously"},
    {"maxDirectDensity", SET_RATIO, offsetof(struct audit_config, max_direct_density), 0, 1, 0.3,
     "DW004: highest acceptable direct-edge density"},
    {"densityMinDomains", SET_COUNT, offsetof(struct audit_config, density_min_domains), 2, 1e9, 5,
     "DW004: density is judged from this many domains on"},
    {"compositeOverlap", SET_RATIO, offsetof(struct audit_config, composite_overlap), 0, 1, 0.7,
     "DW009: Jaccard index of two backend sets at or above which they overlap"},
    {"maxCompositesPerBackend", SET_COUNT,
     offsetof(struct audit_config, max_composites_per_backend), 1, 1e9, 3,
     "DW010: at most this many composites/BFFs over one backend"},
    {"maxIntegratorFanOut", SET_COUNT, offsetof(struct audit_config, max_integrator_fan_out), 1,
     1e9, 10, "DW011: at most this many distinct backends and providers per integrator"},
    {"integratorForeignDomains", SET_COUNT,
     offsetof(struct audit_config, integrator_foreign_domains), 1, 1e9, 2,
     "DW012: flagged from this many other domains among a consumed integrator's backends"},
    {"maxSyncShare", SET_RATIO, offsetof(struct audit_config, max_sync_share), 0, 1, 0.8,
     "DW015: highest acceptable share of synchronous flows"},
    {"syncShareMinFlows", SET_COUNT, offsetof(struct audit_config, sync_share_min_flows), 1, 1e9,
     10, "DW015: the share is judged from this many flows on"},
    {"minIntermediaryLatencyMs", SET_COUNT,
     offsetof(struct audit_config, min_intermediary_latency_ms), 0, 1e9, 100,
     "DW023: a latency budget below this through an intermediary is flagged"},
    {"topicMinConsumers", SET_COUNT, offsetof(struct audit_config, topic_min_consumers), 1, 1e9, 2,
     "DW022: a topic with at least this many incoming flows needs a compatibility mode"},
};

#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

static void setting_store(struct audit_config *c, const struct setting *s, double v)
{
	char *p = (char *)c + s->offset;

	if (s->kind == SET_COUNT) {
		long long n = (long long)v;
		memcpy(p, &n, sizeof(n));
	} else {
		memcpy(p, &v, sizeof(v));
	}
}

static double setting_load(const struct audit_config *c, const struct setting *s)
{
	const char *p = (const char *)c + s->offset;
	long long n;
	double v;

	if (s->kind == SET_COUNT) {
		memcpy(&n, p, sizeof(n));
		return (double)n;
	}
	memcpy(&v, p, sizeof(v));
	return v;
}

void audit_config_init(struct audit_config *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < NSETTINGS; i++)
		setting_store(c, &settings[i], settings[i].dflt);
}

int audit_config_from_json(struct audit_config *c, const json_t *obj, struct dw_error *err)
{
	const char *key;
	json_t *v;

	audit_config_init(c);
	if (!obj || json_is_null(obj))
		return 0;
	if (!json_is_object(obj))
		return dw_error_set(err, DW_INVALID, "audit config must be an object");
	json_object_foreach((json_t *)obj, key, v)
	{
		const struct setting *s = NULL;
		double d;

		for (size_t i = 0; i < NSETTINGS && !s; i++)
			if (!strcmp(settings[i].key, key))
				s = &settings[i];
		if (!s)
			return dw_error_set(err, DW_INVALID, "unknown audit setting '%s'", key);
		if (s->kind == SET_COUNT && !json_is_integer(v))
			return dw_error_set(err, DW_INVALID,
			                    "audit setting '%s' must be an integer", key);
		if (!json_is_number(v))
			return dw_error_set(err, DW_INVALID, "audit setting '%s' must be a number",
			                    key);
		d = json_number_value(v);
		if (!(d >= s->min && d <= s->max))
			return dw_error_set(err, DW_INVALID,
			                    "audit setting '%s' out of range: %g is not between %g "
			                    "and %g",
			                    key, d, s->min, s->max);
		setting_store(c, s, d);
	}
	return 0;
}

json_t *audit_config_to_json(const struct audit_config *c)
{
	json_t *o = json_object();

	for (size_t i = 0; o && i < NSETTINGS; i++) {
		double v = setting_load(c, &settings[i]);
		json_t *j =
		    settings[i].kind == SET_COUNT ? json_integer((json_int_t)v) : json_real(v);
		if (json_object_set_new(o, settings[i].key, j)) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

/* ---- Markdown ---- */

static const char *severity_name(enum dw_severity s)
{
	return s == DW_SEV_ERROR ? "error" : s == DW_SEV_WARNING ? "warning" : "info";
}

static void md_number(char *buf, size_t size, const struct setting *s)
{
	if (s->kind == SET_COUNT)
		snprintf(buf, size, "%lld", (long long)s->dflt);
	else
		snprintf(buf, size, "%g", s->dflt);
}

char *audit_rules_markdown(void)
{
	struct strbuf b = STRBUF_INIT;
	const char *family = NULL;

	strbuf_addf(&b, "| Id | Name | Severity | Title |\n|---|---|---|---|\n");
	for (size_t i = 0; i < AUDIT_NRULES; i++)
		strbuf_addf(&b, "| %s | `%s` | %s | %s |\n", audit_rules[i].id, audit_rules[i].name,
		            severity_name(audit_rules[i].severity), audit_rules[i].title);
	for (size_t i = 0; i < AUDIT_NRULES; i++) {
		const struct audit_rule *r = &audit_rules[i];

		if (!family || strcmp(family, r->family)) {
			family = r->family;
			strbuf_addf(&b, "\n### %s\n", family);
		}
		strbuf_addf(&b, "\n#### %s `%s` (%s)\n\n%s.\n\n%s\n\n**Fix:** %s\n", r->id, r->name,
		            severity_name(r->severity), r->title, r->rationale, r->fix);
		if (r->config)
			strbuf_addf(&b, "\n**Settings:** %s\n", r->config);
	}
	strbuf_addf(&b,
	            "\n### Settings\n\n| Key | Default | Range | Meaning |\n|---|---|---|---|\n");
	for (size_t i = 0; i < NSETTINGS; i++) {
		char dflt[32];

		md_number(dflt, sizeof(dflt), &settings[i]);
		if (settings[i].max >= 1e9)
			strbuf_addf(&b, "| `%s` | %s | %s %g or more | %s |\n", settings[i].key,
			            dflt, settings[i].kind == SET_COUNT ? "integer," : "number,",
			            settings[i].min, settings[i].meaning);
		else
			strbuf_addf(&b, "| `%s` | %s | number, %g to %g | %s |\n", settings[i].key,
			            dflt, settings[i].min, settings[i].max, settings[i].meaning);
	}
	return strbuf_detach(&b, NULL);
}
