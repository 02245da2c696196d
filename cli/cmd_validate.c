/* driveway validate PATH...: offline checks of descriptors and their contracts (see inputs.h). */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/inputs.h"
#include "cli/output.h"
#include "validators/xalloc.h"

int cmd_validate(struct cli *cli, int argc, char **argv)
{
	char **pos = xcalloc((size_t)argc, sizeof(char *));
	struct inputs in;
	int npos, rc;

	rc = cli_parse("validate", argc, argv, NULL, pos, &npos);
	if (rc == 0 && npos == 0)
		rc = cli_usage_error("validate", "no descriptor file or folder given");
	rc = inputs_load_args(&in, rc, npos, pos);
	if (rc)
		return rc;
	if (cli->output == CLI_OUT_JSON) {
		json_t *out = xjson(json_object());
		json_t *findings = dw_findings_to_json(&in.findings);
		json_object_set_new(out, "ok", json_boolean(inputs_errors(&in) == 0 && in.ndocs));
		json_object_set_new(out, "descriptors", json_integer((json_int_t)in.ndocs));
		json_object_set_new(out, "contracts", json_integer((json_int_t)in.ncontracts));
		json_object_set_new(out, "findings", xjson(findings));
		output_json(out);
		json_decref(out);
		rc = inputs_errors(&in) || in.ndocs == 0 ? DW_INVALID : 0;
	} else {
		rc = inputs_report(&in, 1);
	}
	inputs_release(&in);
	return rc;
}
