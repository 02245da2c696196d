/*
 * h_stats: GET /stats, the catalog at a glance (counts of domains, products and versions,
 * products per kind and per domain, the latest registered versions), for the web catalog's
 * home page. One store call; the store documents the shape.
 */
#include <stdlib.h>

#include "server/server.h"
#include "validators/xalloc.h"

#define STATS_RECENT_DEFAULT 10

int h_stats(struct request *req, struct response *res, struct dw_error *err)
{
	const char *arg = request_query(req, "recent");
	long recent = STATS_RECENT_DEFAULT;
	json_t *stats = NULL;
	int rc;

	if (arg) {
		char *end;

		recent = strtol(arg, &end, 10);
		if (end == arg || *end || recent < 0 || recent > STORE_STATS_RECENT_MAX)
			return dw_error_set(err, DW_MALFORMED,
			                    "invalid recent '%s' (expected 0 to %d)", arg,
			                    STORE_STATS_RECENT_MAX);
	}
	rc = store_stats(req->srv->store, (int)recent, &stats, err);
	if (rc)
		return rc;
	response_json(res, 200, stats);
	json_decref(stats);
	return 0;
}
