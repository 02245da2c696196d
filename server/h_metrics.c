/*
 * h_metrics: GET /metrics, the Prometheus scrape (metrics.h says what is counted).
 */
#include "server/metrics.h"
#include "server/server.h"

#define PROMETHEUS_TEXT "text/plain; version=0.0.4; charset=utf-8"

int h_metrics(struct request *req, struct response *res, struct dw_error *err)
{
	size_t len;
	char *text = metrics_render(req->srv->store, &len);

	(void)err;
	response_body(res, 200, PROMETHEUS_TEXT, text, len);
	response_header_add(res, "Cache-Control", "no-store");
	return 0;
}
