/*
 * h_advice: POST /advice, the pattern advisor (validators/advisor.h) for one consumer
 * relationship. The body is the advisor's input: a consumes entry's fields plus the
 * situational flags; the answer is advisor_advice_json's object. Nothing is stored, so the
 * route is open like the reads.
 */
#include <stdlib.h>

#include "server/server.h"
#include "validators/advisor.h"
#include "validators/xalloc.h"

int h_advice(struct request *req, struct response *res, struct dw_error *err)
{
	struct advisor_input in;
	struct dw_findings findings;
	json_t *advice;
	int rc;

	dw_findings_init(&findings);
	rc = advisor_input_from_json(&in, req->json, "", &findings);
	if (rc == DW_NOMEM || dw_findings_oom(&findings))
		abort();
	if (rc) {
		rc = server_invalid(req, res, &findings, "advice input", 1, err);
		dw_findings_release(&findings);
		return rc;
	}
	dw_findings_release(&findings);
	advice = xjson(advisor_advice_json(&in));
	response_json(res, 200, advice);
	json_decref(advice);
	return 0;
}
