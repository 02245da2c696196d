/*
 * driveway contract DOMAIN/PRODUCT[@N|@latest]: the contract of a version, byte for byte as the
 * registry serves it, so that it can be piped into a code generator.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "validators/xalloc.h"

int cmd_contract(struct cli *cli, int argc, char **argv)
{
	char **pos = xcalloc((size_t)argc, sizeof(char *));
	struct client_response resp;
	struct dw_error err;
	struct cli_ref ref;
	char suffix[64], *path;
	int npos, rc;

	rc = cli_parse("contract", argc, argv, NULL, pos, &npos);
	if (rc == 0 && npos != 1)
		rc = cli_usage_error("contract", npos ? "too many arguments" : "no product given");
	if (rc == 0)
		rc = cli_ref_parse("contract", pos[0], 1, &ref);
	free(pos);
	if (rc)
		return rc;

	if (ref.version)
		snprintf(suffix, sizeof(suffix), "/versions/%ld/contract", ref.version);
	else
		snprintf(suffix, sizeof(suffix), "/versions/latest/contract");
	path = cli_product_path(&ref, suffix);
	rc = client_request(cli_client(cli), "GET", path, NULL, NULL, &resp, &err);
	free(path);
	if (rc) {
		fprintf(stderr, "error: %s\n", err.message);
		return rc;
	}
	if (client_ok(&resp))
		fwrite(resp.body, 1, resp.len, stdout);
	else
		rc = client_fail(&resp, NULL);
	client_response_release(&resp);
	return rc;
}
