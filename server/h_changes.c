/*
 * h_changes: GET /changes, the change history (store.h, "Change history") for governance
 * audits. Admin only (the route is ROUTE_ADMIN): it names every token that wrote.
 */
#include <stdlib.h>

#include "server/server.h"

/* ?since=: a change id (the changes after it) or an RFC 3339 date-time (the changes made at or
 * after it). */
static int since_parse(const char *since, long long *id, long long *t, struct dw_error *err)
{
	char *end;

	*id = 0;
	*t = 0;
	if (!since || !*since)
		return 0;
	if (*since >= '0' && *since <= '9') {
		long long v = strtoll(since, &end, 10);

		if (*end == '\0' && v >= 0) {
			*id = v;
			return 0;
		}
	}
	if (server_parse_rfc3339(since, t) == 0)
		return 0;
	return dw_error_set(err, DW_MALFORMED,
	                    "invalid since '%s' (expected a change id or an RFC 3339 date-time)",
	                    since);
}

int h_changes(struct request *req, struct response *res, struct dw_error *err)
{
	static const char *const keep[] = {"since", NULL};
	struct store_page page;
	long long since_id, since_time;
	json_t *items = NULL;
	char *next = NULL;
	int rc;

	if ((rc = since_parse(request_query(req, "since"), &since_id, &since_time, err)) ||
	    (rc = server_page(req, &page, err)))
		return rc;
	rc = store_change_list(req->srv->store, since_id, since_time, &page, &items, &next, err);
	if (rc)
		return rc;
	server_page_respond(req, res, items, &page, next, keep);
	free(next);
	return 0;
}
