/*
 * metrics: lock-free counters for GET /metrics (see metrics.h).
 */
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "server/metrics.h"
#include "server/server.h"
#include "validators/xalloc.h"

/* Room for the route table; a table that outgrows it counts its last routes as unmatched
 * (test_metrics.sh would show it: every route of the table gets a series). */
#define MAX_ROUTES 160

/* The statuses drivewayd answers; any other is counted under the last, "other". */
static const int statuses[] = {200, 201, 204, 304, 400, 401, 403, 404, 405, 406,
                               409, 412, 413, 415, 422, 429, 500, 503, 0};
#define NSTATUS (sizeof(statuses) / sizeof(statuses[0]))

/* Latency buckets' upper bounds in microseconds; the last is +Inf. */
static const long long bounds_us[] = {500,    1000,   2500,    5000,    10000,
                                      25000,  50000,  100000,  250000,  500000,
                                      1000000, 2500000, 5000000, 10000000};
#define NBOUNDS (sizeof(bounds_us) / sizeof(bounds_us[0]))

/* Why a registration was refused: the status it got, or a 409 the compatibility verdict
 * gave (REJECT_INCOMPATIBLE). */
enum reject {
	REJECT_INVALID,
	REJECT_INCOMPATIBLE,
	REJECT_CONFLICT,
	REJECT_UNAUTHORIZED,
	REJECT_FORBIDDEN,
	REJECT_PRECONDITION,
	REJECT_NOT_FOUND,
	REJECT_MALFORMED,
	REJECT_UNAVAILABLE,
	REJECT_OTHER,
	REJECT_COUNT
};

static const char *const reject_names[REJECT_COUNT] = {
    "invalid",      "incompatible", "conflict", "unauthorized", "forbidden",
    "precondition", "not_found",    "malformed", "unavailable",  "other",
};

/* Slot MAX_ROUTES is "unmatched". Static storage: zero at start. */
static _Atomic unsigned long long requests[MAX_ROUTES + 1][NSTATUS];
static _Atomic unsigned long long buckets[MAX_ROUTES + 1][NBOUNDS + 1]; /* not cumulative */
static _Atomic unsigned long long latency_sum_us[MAX_ROUTES + 1];
static _Atomic unsigned long long registrations;
static _Atomic unsigned long long rejects[REJECT_COUNT];
static _Thread_local int incompatible;

#define ADD(counter) atomic_fetch_add_explicit(&(counter), 1, memory_order_relaxed)
#define GET(counter) atomic_load_explicit(&(counter), memory_order_relaxed)

long long metrics_now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000LL + t.tv_nsec / 1000;
}

void metrics_registration(void)
{
	ADD(registrations);
}

void metrics_note_incompatible(void)
{
	incompatible = 1;
}

static size_t status_slot(int status)
{
	size_t i;

	for (i = 0; i + 1 < NSTATUS; i++)
		if (statuses[i] == status)
			break;
	return i;
}

static enum reject reject_reason(int status)
{
	switch (status) {
	case 422:
		return REJECT_INVALID;
	case 409:
		return incompatible ? REJECT_INCOMPATIBLE : REJECT_CONFLICT;
	case 401:
		return REJECT_UNAUTHORIZED;
	case 403:
		return REJECT_FORBIDDEN;
	case 412:
		return REJECT_PRECONDITION;
	case 404:
		return REJECT_NOT_FOUND;
	case 400:
	case 413:
	case 415:
		return REJECT_MALFORMED;
	case 503:
		return REJECT_UNAVAILABLE;
	default:
		return REJECT_OTHER;
	}
}

static int is_registration(const struct route *r)
{
	return r && r->method == HTTP_POST &&
	       (r->handler == h_version_post || r->handler == h_cc_version_post);
}

void metrics_request(const struct request *req, const struct response *res, long long micros)
{
	const struct route *r = req->match.route;
	size_t slot = r ? (size_t)(r - server_routes) : MAX_ROUTES, b = 0;

	if (slot > MAX_ROUTES)
		slot = MAX_ROUTES;
	if (micros < 0)
		micros = 0;
	ADD(requests[slot][status_slot(res->status)]);
	while (b < NBOUNDS && micros > bounds_us[b])
		b++;
	ADD(buckets[slot][b]);
	atomic_fetch_add_explicit(&latency_sum_us[slot], (unsigned long long)micros,
	                          memory_order_relaxed);
	if (is_registration(r) && res->status >= 400)
		ADD(rejects[reject_reason(res->status)]);
	incompatible = 0;
}

/* Rendering ------------------------------------------------------------------------------- */

static const char *method_name(enum http_method m)
{
	static const char *const names[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"};

	return m < HTTP_OTHER ? names[m] : "OTHER";
}

/* The labels of a route slot: route="...",method="..." (patterns hold no '"' or '\'). */
static void route_labels(struct strbuf *sb, size_t slot)
{
	if (slot == MAX_ROUTES)
		strbuf_addstr(sb, "route=\"unmatched\",method=\"\"");
	else
		strbuf_addf(sb, "route=\"%s\",method=\"%s\"", server_routes[slot].pattern,
		            method_name(server_routes[slot].method));
}

static void render_requests(struct strbuf *sb, size_t nroutes)
{
	strbuf_addstr(sb, "# HELP drivewayd_http_requests_total Requests answered, by route and "
	                  "status.\n# TYPE drivewayd_http_requests_total counter\n");
	for (size_t i = 0; i <= MAX_ROUTES; i++) {
		if (i >= nroutes && i != MAX_ROUTES)
			continue;
		for (size_t s = 0; s < NSTATUS; s++) {
			unsigned long long n = GET(requests[i][s]);

			if (!n)
				continue;
			strbuf_addstr(sb, "drivewayd_http_requests_total{");
			route_labels(sb, i);
			if (statuses[s])
				strbuf_addf(sb, ",status=\"%d\"} %llu\n", statuses[s], n);
			else
				strbuf_addf(sb, ",status=\"other\"} %llu\n", n);
		}
	}
}

static void render_latency(struct strbuf *sb, size_t nroutes)
{
	strbuf_addstr(sb, "# HELP drivewayd_http_request_duration_seconds Time the dispatcher "
	                  "spent on a request, by route.\n"
	                  "# TYPE drivewayd_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i <= MAX_ROUTES; i++) {
		unsigned long long cum = 0, counts[NBOUNDS + 1];

		if (i >= nroutes && i != MAX_ROUTES)
			continue;
		for (size_t b = 0; b <= NBOUNDS; b++) {
			counts[b] = GET(buckets[i][b]);
			cum += counts[b];
		}
		if (!cum)
			continue;
		cum = 0;
		for (size_t b = 0; b <= NBOUNDS; b++) {
			cum += counts[b];
			strbuf_addstr(sb, "drivewayd_http_request_duration_seconds_bucket{");
			route_labels(sb, i);
			if (b < NBOUNDS)
				strbuf_addf(sb, ",le=\"%g\"} %llu\n", (double)bounds_us[b] / 1e6,
				            cum);
			else
				strbuf_addf(sb, ",le=\"+Inf\"} %llu\n", cum);
		}
		strbuf_addstr(sb, "drivewayd_http_request_duration_seconds_sum{");
		route_labels(sb, i);
		strbuf_addf(sb, "} %.6f\n", (double)GET(latency_sum_us[i]) / 1e6);
		strbuf_addstr(sb, "drivewayd_http_request_duration_seconds_count{");
		route_labels(sb, i);
		strbuf_addf(sb, "} %llu\n", cum);
	}
}

char *metrics_render(struct store *st, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	size_t nroutes = server_route_count < MAX_ROUTES ? server_route_count : MAX_ROUTES;
	long long bytes;
	char *text;

	render_requests(&sb, nroutes);
	render_latency(&sb, nroutes);
	strbuf_addf(&sb,
	            "# HELP drivewayd_registrations_total Contract registrations that stored a "
	            "new version.\n# TYPE drivewayd_registrations_total counter\n"
	            "drivewayd_registrations_total %llu\n",
	            GET(registrations));
	strbuf_addstr(&sb, "# HELP drivewayd_registrations_rejected_total Contract registrations "
	                   "refused, by reason.\n"
	                   "# TYPE drivewayd_registrations_rejected_total counter\n");
	for (size_t i = 0; i < REJECT_COUNT; i++)
		strbuf_addf(&sb, "drivewayd_registrations_rejected_total{reason=\"%s\"} %llu\n",
		            reject_names[i], GET(rejects[i]));
	if (st && store_size(st, &bytes, NULL) == 0)
		strbuf_addf(&sb,
		            "# HELP drivewayd_database_bytes Size of the database file (page count "
		            "times page size).\n# TYPE drivewayd_database_bytes gauge\n"
		            "drivewayd_database_bytes %lld\n",
		            bytes);
	text = xstrbuf_detach(&sb);
	*len = strlen(text);
	return text;
}
