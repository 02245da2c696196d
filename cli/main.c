/*
 * driveway: the registry's command-line client. The command table below is the only list of
 * commands: dispatch, `driveway help`, `driveway help CMD` and `driveway CMD --help` all read it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "validators/error.h"

#define DEFAULT_SERVER "http://127.0.0.1:8080"
#define DEFAULT_TOKEN_FILE "./driveway.db.admin-token"

static const char main_usage[] =
    "usage: driveway [--server URL] [--token TOKEN] [--cacert FILE] [--output table|json]\n"
    "                COMMAND [ARGS]\n";

static const struct cli_command commands[] = {
    {"validate", cmd_validate, "check descriptor files and their contracts offline",
     "usage: driveway validate PATH...\n"
     "\n"
     "Checks descriptor files (YAML or JSON, apiVersion driveway/v1) without a registry.\n"
     "A folder stands for every *.yaml, *.yml and *.json descriptor file below it; other\n"
     "files there (contracts) are skipped. Each contract named by spec.contract.path (relative\n"
     "to the descriptor's folder, never outside it) or given inline is checked too.\n"
     "\n"
     "Findings are printed as 'file:line:col: /pointer: message' on stderr.\n"
     "Exit status: 0 clean, 1 findings, 2 a path cannot be read.\n"},
    {"register", cmd_register, "validate, then register domains, products and contract versions",
     "usage: driveway register PATH...\n"
     "\n"
     "Validates PATH... exactly as 'validate' does and sends nothing when anything is invalid.\n"
     "Then registers, in order: the Domain documents; for each DataProduct its domain when\n"
     "the registry and the inputs lack it (title = name, owner = the product's owner), the\n"
     "product, and its contract as a new version. Prints one line per object: created,\n"
     "updated or unchanged. Running it twice prints only 'unchanged'.\n"
     "\n"
     "Writes need a token: --token, DRIVEWAY_TOKEN or the file DRIVEWAY_TOKEN_FILE\n"
     "(default ./driveway.db.admin-token).\n"},
    {"list", cmd_list, "list products, filtered",
     "usage: driveway list [--domain D] [--kind K] [--owner O] [--tag T] [--lifecycle L]\n"
     "                     [--limit N] [--all]\n"
     "\n"
     "Lists live products ordered by domain and name: PRODUCT, KIND, OWNER, LIFECYCLE,\n"
     "LATEST (version) and TITLE. Shows the first page (--limit, default 50, at most 500)\n"
     "unless --all follows every page.\n"},
    {"search", cmd_search, "find products by text",
     "usage: driveway search TEXT [--domain D] [--kind K] [--owner O] [--tag T]\n"
     "                       [--lifecycle L] [--limit N] [--all]\n"
     "\n"
     "Lists the products whose domain, name, title, description, owner or tags contain TEXT\n"
     "(case-insensitive), with the same columns and options as 'list'.\n"},
    {"get", cmd_get, "show a product (and a version)",
     "usage: driveway get DOMAIN/PRODUCT[@N|@latest]\n"
     "\n"
     "Shows the product: kind, owner, lifecycle, compatibility, SLA, endpoints, tags, latest\n"
     "version and what it consumes. With @N or @latest, also that version's metadata.\n"
     "--output json prints the registry's documents.\n"},
    {"versions", cmd_versions, "list a product's contract versions",
     "usage: driveway versions DOMAIN/PRODUCT\n"
     "\n"
     "Lists every version of the product: VERSION, FORMAT, FINGERPRINT, CREATED and BY.\n"},
    {"contract", cmd_contract, "print a contract as registered",
     "usage: driveway contract DOMAIN/PRODUCT[@N|@latest]\n"
     "\n"
     "Writes the contract of version N (default: the latest) to stdout exactly as the\n"
     "registry serves it, ready for a code generator.\n"},
    {"token", cmd_token, "create, list and revoke tokens (admin)",
     "usage: driveway token create DOMAIN NAME [--expires RFC3339]\n"
     "   or: driveway token create --admin NAME [--expires RFC3339]\n"
     "   or: driveway token list DOMAIN\n"
     "   or: driveway token list --all\n"
     "   or: driveway token revoke DOMAIN ID\n"
     "   or: driveway token revoke --admin ID\n"
     "\n"
     "create  makes a token that may write DOMAIN's products and versions, or with --admin\n"
     "        a token with the admin's rights (to rotate the admin token); its secret is\n"
     "        printed once on stdout and cannot be shown again\n"
     "list    shows DOMAIN's tokens, or with --all every token of every scope (never their\n"
     "        secrets)\n"
     "revoke  revokes token ID of DOMAIN, or with --admin token ID whatever its scope; the\n"
     "        registry refuses to revoke its last live admin token\n"
     "\n"
     "These need the admin token.\n"},
    {"rules", cmd_rules, "list the compatibility rules",
     "usage: driveway rules [--format table|markdown|json]\n"
     "\n"
     "Lists every rule the compatibility engines apply: its id, the directions it breaks\n"
     "(BACKWARD, FORWARD) and its severity when it breaks nothing the mode checks.\n"
     "docs/rules.md is the markdown output.\n"},
    {"diff", cmd_diff, "compare two contract files offline (schema evolution)",
     "usage: driveway diff OLD NEW [--format openapi|avro|jsonschema|table|protobuf]\n"
     "                     [--mode MODE] [--output text|json|markdown|github]\n"
     "\n"
     "Lists every change from the contract in OLD to the one in NEW (each file holds one\n"
     "YAML or JSON document, or .proto text) and the verdict under MODE (default BACKWARD;\n"
     "NONE, BACKWARD, FORWARD, FULL, each also _TRANSITIVE). The format is detected when\n"
     "--format is not given: a .proto file is Protobuf, an 'openapi' key is OpenAPI,\n"
     "apiVersion v3.x with kind DataContract a table contract, a record/enum/fixed, a union,\n"
     "a type name or an .avsc file Avro, and '$schema', 'type' or 'properties' JSON Schema.\n"
     "\n"
     "--output (after the command; the global --output table|json works too):\n"
     "  text      a summary line, then one line per change, breaking first (default)\n"
     "  json      {\"mode\", \"compatible\", \"changes\"} with file, line and column\n"
     "  markdown  a pull-request comment: breaking changes and warnings as tables\n"
     "  github    workflow annotations: ::error for breaking, ::warning, ::notice\n"
     "A change is located in NEW, or in OLD when the part only exists there.\n"
     "\n"
     "Exit status: 0 compatible, 1 breaking under MODE, 2 unreadable or invalid input.\n"},
    {"check", cmd_check, "check descriptors' contracts against the registry (CI gate)",
     "usage: driveway check PATH... [--mode MODE] [--fail-on breaking|impacted]\n"
     "                       [--output text|json|markdown|github]\n"
     "\n"
     "Validates PATH... exactly as 'validate' does, then asks the registry, for each\n"
     "product with a contract, whether that contract could be registered: the changes\n"
     "against the latest version (every version under a *_TRANSITIVE mode) under the\n"
     "product's compatibility mode (or --mode), and the registered consumers (flows) each\n"
     "breaking change reaches. Nothing is registered. A product the registry does not know\n"
     "yet is a new product, nothing to compare.\n"
     "\n"
     "--fail-on breaking   fail when any product is incompatible (default)\n"
     "--fail-on impacted   fail only when a breaking change reaches a registered consumer\n"
     "--output             as for 'diff' (text, json, markdown, github)\n"
     "\n"
     "Needs the token that may register the products' versions (domain or admin).\n"
     "Exit status: 0 ok, 1 failing under --fail-on, 2 invalid descriptors or contracts,\n"
     "3 registry unreachable or failing (and 401, 403).\n"},
    {"audit", cmd_audit, "audit the landscape for integration anti-patterns",
     "usage: driveway audit [--offline PATH...] [--config FILE] [--now YYYY-MM-DD]\n"
     "                      [--severity error|warning|info] [--domain D] [--rule R]\n"
     "                      [--output text|json|markdown|sarif]\n"
     "                      [--fail-on error|warning|never]\n"
     "\n"
     "Runs the governance audit (rules DW001..DW030, docs/audit.md) over the registry's\n"
     "landscape (GET /audit), or with --offline over the descriptors in PATH... with no\n"
     "registry: they are validated as 'validate' does, then audited as of today (or --now).\n"
     "--config FILE (offline) gives the thresholds and suppressions:\n"
     "{\"config\": {...}, \"suppressions\": [{rule, product, flow, reason, expires}]}.\n"
     "The registry uses its own (drivewayd --audit-config).\n"
     "\n"
     "--severity, --domain and --rule (an id like DW013 or a name) show only the findings\n"
     "of that severity, concerning that domain, or of that rule.\n"
     "--output   text (default): findings by severity and rule with their fix and the\n"
     "           descriptor's file:line:col (offline); json: the report; markdown: a\n"
     "           pull-request comment; sarif: SARIF 2.1.0 for code-scanning tools\n"
     "--fail-on  error (default): exit 1 on any unsuppressed error finding; warning: on\n"
     "           errors or warnings; never: exit 0\n"
     "\n"
     "Exit status: 0 ok, 1 findings under --fail-on, 2 invalid descriptors, config or\n"
     "arguments, 3 registry unreachable or failing.\n"},
    {"advise", cmd_advise, "advise the integration pattern for a consumer relationship",
     "usage: driveway advise [--consistency strong|eventual] [--latency-ms N] [--consumers N]\n"
     "                       [--interaction command|query|notification] [--replay] [--spiky]\n"
     "                       [--idempotent] [--correlation-window-ms N] [--cross-domain]\n"
     "                       [--source-database] [--warehouse] [--reconciliation]\n"
     "                       [--backend-calls N] [--frontends N] [--read-load-high]\n"
     "                       [--models-diverge] [--distributed-transaction]\n"
     "                       [--new-integration] [--tight-coupling] [--pattern P]\n"
     "   or: driveway advise DOMAIN/PRODUCT [situational flags]\n"
     "\n"
     "Answers locally from the advisor's decision table (docs/advisor.md), as POST /advice\n"
     "does: the pattern, the rule that chose it and why, the facts it matched, and each\n"
     "alternative with the reason it lost. --pattern names the declared pattern, to tell\n"
     "whether it contradicts the advice.\n"
     "\n"
     "With DOMAIN/PRODUCT, asks the registry for every registered flow consuming that\n"
     "product and answers for each from its own constraints (crossDomain derived from the\n"
     "consumer's domain), as a table CONSUMER, DECLARED, ADVISED, WHY; a declared pattern\n"
     "that contradicts the advice is marked (!). The situational flags (--source-database\n"
     "... --tight-coupling) apply to every flow.\n"},
    {"graph", cmd_graph, "draw the landscape (Graphviz DOT or SVG)",
     "usage: driveway graph [--format dot|svg] [--domain D] [--offline PATH... [--config FILE]]\n"
     "\n"
     "Writes the landscape picture to stdout: domains as clusters, products as nodes, flows\n"
     "as edges styled by pattern (synchronous solid, asynchronous dashed, point-to-point\n"
     "red), products and flows with audit findings marked. --domain keeps that domain and\n"
     "its neighbours. From the registry (GET /graph.dot or /graph.svg); with --offline from\n"
     "descriptor files, DOT only (render it with 'dot -Tsvg').\n"},
    {"export", cmd_export, "write the registry out as descriptor files (GitOps)",
     "usage: driveway export DIR\n"
     "\n"
     "Writes every domain and live product as descriptor files under DIR (created, or empty):\n"
     "DIR/<domain>/domain.yaml, DIR/<domain>/<product>.yaml and, for a product with versions,\n"
     "its latest contract beside it (<product>.openapi.json, .avsc, .schema.json, .odcs.json\n"
     "or .proto), which spec.contract.path names, and its earlier versions in\n"
     "<product>.versions/<N><suffix> (the latest there too when numbers have gaps). The files\n"
     "hold JSON (which is YAML too). 'driveway register DIR' on an empty registry re-creates\n"
     "the domains, the products and every version, in order, with its number.\n"},
    {"help", cmd_help, "show help for driveway or a command", "usage: driveway help [COMMAND]\n"},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

const struct cli_command *cli_command_find(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void print_overview(FILE *out)
{
	fputs(main_usage, out);
	fputs("\ncommands:\n", out);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs(
	    "\noptions:\n"
	    "  --server URL     the registry (DRIVEWAY_URL, default " DEFAULT_SERVER ")\n"
	    "  --token TOKEN    bearer token for writes (DRIVEWAY_TOKEN, else the contents of\n"
	    "                   DRIVEWAY_TOKEN_FILE, default " DEFAULT_TOKEN_FILE ")\n"
	    "  --cacert FILE    verify https registries against the CA certificates (PEM) in\n"
	    "                   FILE instead of the system's (DRIVEWAY_CACERT)\n"
	    "  --output FORMAT  table (default; also 'text') or json; diff and check also take\n"
	    "                   markdown and github through their own --output\n"
	    "  --version        print the version\n"
	    "\n"
	    "Exit status: 0 ok, 1 findings or a refused request (404, 409, 412, 422),\n"
	    "2 usage error or unreadable input, 3 registry unreachable or failing (and 401, 403).\n"
	    "\n"
	    "See 'driveway help COMMAND' for a command's arguments.\n",
	    out);
}

int cmd_help(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *cmd;

	(void)cli;
	if (argc < 2) {
		print_overview(stdout);
		return 0;
	}
	if (argc > 2)
		return cli_usage_error("help", "too many arguments");
	cmd = cli_command_find(argv[1]);
	if (!cmd) {
		fprintf(stderr, "error: unknown command '%s'\n(see 'driveway help')\n", argv[1]);
		return DW_USAGE;
	}
	fputs(cmd->usage, stdout);
	return 0;
}

/* 1 when the command's arguments ask for its help (before any "--"). */
static int wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	}
	return 0;
}

/* Matches "--name VALUE" or "--name=VALUE" at argv[*i]; advances *i past the value. Returns 1
 * on a match (*value set), 0 when argv[*i] is another option, -1 when the value is missing. */
static int global_opt(const char *name, int argc, char **argv, int *i, const char **value)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (strncmp(a, name, n) != 0)
		return 0;
	if (a[n] == '=') {
		*value = a + n + 1;
		return 1;
	}
	if (a[n] != '\0')
		return 0;
	if (*i + 1 >= argc)
		return -1;
	*value = argv[++*i];
	return 1;
}

/* 1 when the --cacert file can be read; else prints why. */
static int cacert_readable(const char *path)
{
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "error: cannot read CA certificate file '%s': %s\n", path,
		        strerror(errno));
		return 0;
	}
	fclose(f);
	return 1;
}

static int is_http_url(const char *s)
{
	return (strncmp(s, "http://", 7) == 0 && s[7]) || (strncmp(s, "https://", 8) == 0 && s[8]);
}

int main(int argc, char **argv)
{
	struct cli cli;
	const struct cli_command *cmd;
	const char *output = "table", *env;
	int i, rc;

	memset(&cli, 0, sizeof(cli));
	env = getenv("DRIVEWAY_URL");
	cli.server = env && env[0] ? env : DEFAULT_SERVER;
	env = getenv("DRIVEWAY_TOKEN");
	cli.token = env && env[0] ? env : NULL;
	env = getenv("DRIVEWAY_TOKEN_FILE");
	cli.token_file_explicit = env && env[0];
	cli.token_file = cli.token_file_explicit ? env : DEFAULT_TOKEN_FILE;
	env = getenv("DRIVEWAY_CACERT");
	cli.cacert = env && env[0] ? env : NULL;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const struct {
			const char *name;
			const char **slot;
		} opts[] = {{"--server", &cli.server},
		            {"--token", &cli.token},
		            {"--output", &output},
		            {"--cacert", &cli.cacert}};
		int m = 0;
		if (strcmp(argv[i], "--version") == 0) {
			printf("driveway %s\n", DRIVEWAY_VERSION);
			return 0;
		}
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			print_overview(stdout);
			return 0;
		}
		for (size_t k = 0; k < sizeof(opts) / sizeof(opts[0]) && m == 0; k++)
			m = global_opt(opts[k].name, argc, argv, &i, opts[k].slot);
		if (m <= 0) {
			if (m < 0)
				fprintf(stderr, "error: option '%s' needs a value\n", argv[i]);
			else
				fprintf(stderr, "error: unknown option '%s'\n", argv[i]);
			fputs(main_usage, stderr);
			return dw_code_exit(DW_USAGE);
		}
	}
	if (cli_output_parse(NULL, output, CLI_OUTS_GLOBAL, &cli.output) != 0)
		return dw_code_exit(DW_USAGE);
	if (!is_http_url(cli.server)) {
		fprintf(stderr, "error: invalid registry url '%s' (expected http://HOST:PORT)\n",
		        cli.server);
		return dw_code_exit(DW_USAGE);
	}
	if (cli.cacert && !cacert_readable(cli.cacert))
		return dw_code_exit(DW_USAGE);
	if (i >= argc) {
		fputs(main_usage, stderr);
		fputs("(see 'driveway help')\n", stderr);
		return dw_code_exit(DW_USAGE);
	}
	cmd = cli_command_find(argv[i]);
	if (!cmd) {
		fprintf(stderr, "error: unknown command '%s'\n(see 'driveway help')\n", argv[i]);
		return dw_code_exit(DW_USAGE);
	}
	if (wants_help(argc - i, argv + i)) {
		fputs(cmd->usage, stdout);
		return 0;
	}
	rc = cmd->fn(&cli, argc - i, argv + i);
	client_free(cli.client);
	fflush(stdout);
	if (ferror(stdout)) {
		fprintf(stderr, "error: cannot write the output\n");
		return dw_code_exit(DW_INTERNAL);
	}
	return dw_code_exit(rc);
}
