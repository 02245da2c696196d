/*
 * metrics: drivewayd's operational counters, served by GET /metrics (h_metrics.c) in the
 * Prometheus text exposition format 0.0.4.
 *
 * What is counted: every request the dispatcher answers, by route (its pattern and method, or
 * "unmatched") and status, with a latency histogram per route (the dispatcher's time: routing,
 * authentication, the handler, not the network); contract registrations that stored a new
 * version; registrations refused, by reason. The database's size is read from the store at
 * scrape time.
 *
 * Invariants: counters only grow, from 0 at the daemon's start. They are relaxed atomics in
 * static arrays: recording takes no lock and allocates nothing, a scrape sums what it reads (a
 * scrape racing requests may see a request's count before its histogram entry, never a
 * decrease). Ownership: metrics_render returns a malloc'd text the caller frees.
 */
#ifndef DW_METRICS_H
#define DW_METRICS_H

#include <stddef.h>

struct request;
struct response;
struct store;

/* Records one answered request: req's matched route (or none), res->status, and how long the
 * dispatcher spent on it. Also counts a refused registration (see metrics_note_incompatible). */
void metrics_request(const struct request *req, const struct response *res, long long micros);
/* A registration stored a new version. */
void metrics_registration(void);
/* The registration being handled by this thread is refused as incompatible: its 409 then counts
 * under reason "incompatible" rather than "conflict". Cleared by metrics_request. */
void metrics_note_incompatible(void);
/* A monotonic clock in microseconds, for the latencies. */
long long metrics_now_us(void);
/* The exposition text (malloc'd, *len bytes, NUL-terminated). st gives the database size; when
 * the store cannot tell, the gauge is left out. */
char *metrics_render(struct store *st, size_t *len);

#endif
