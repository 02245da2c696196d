/*
 * cli: what the driveway commands share. main.c owns the one command table and the global
 * options; each command lives in its own cmd_*.c file and is called with the arguments that
 * follow its name.
 *
 * A command returns 0 or a negative enum dw_code; main turns that into the exit status through
 * dw_code_exit (1 findings or 404/409/412/422, 2 usage or unreadable input, 3 unreachable or
 * server error). A command prints its own messages; main prints nothing more after it.
 *
 * Ownership: struct cli is built by main and lives for the whole run; commands borrow it. The
 * client is made on first use (cli_client) so that offline commands never touch the network
 * library.
 */
#ifndef DW_CLI_H
#define DW_CLI_H

#include <stddef.h>

#include <jansson.h>

#ifndef DRIVEWAY_VERSION
#define DRIVEWAY_VERSION "0.1.0"
#endif

/*
 * Output forms. The global --output takes table (alias text) or json; diff and check also take
 * markdown and github through their own --output. Both are parsed by cli_output_parse.
 */
enum cli_output { CLI_OUT_TABLE, CLI_OUT_JSON, CLI_OUT_MARKDOWN, CLI_OUT_GITHUB };
#define CLI_OUTS_GLOBAL ((1u << CLI_OUT_TABLE) | (1u << CLI_OUT_JSON))
#define CLI_OUTS_REPORT (CLI_OUTS_GLOBAL | (1u << CLI_OUT_MARKDOWN) | (1u << CLI_OUT_GITHUB))

/* Parses an output form name ("table" or "text", "json", "markdown", "github") allowed by the
 * mask (1u << enum cli_output) into *out. command names the command whose option it is (NULL
 * for the global option). Returns 0, or DW_USAGE with a message printed. */
int cli_output_parse(const char *command, const char *name, unsigned allowed,
                     enum cli_output *out);

struct client;
struct client_response;

struct cli {
	const char *server;      /* base URL as given */
	const char *token;       /* --token or DRIVEWAY_TOKEN; NULL when neither was given */
	const char *token_file;  /* read when token is NULL and the server is first used */
	int token_file_explicit; /* DRIVEWAY_TOKEN_FILE was set: unreadable is an error */
	const char *cacert;      /* --cacert or DRIVEWAY_CACERT: the CAs https servers are checked
	                            against instead of the system's; NULL for the system's */
	enum cli_output output;
	struct client *client;
};

struct cli_command {
	const char *name;
	int (*fn)(struct cli *cli, int argc, char **argv); /* argv[0] is the command's name */
	const char *summary;                               /* one line for `driveway help` */
	const char *usage; /* the full text of `driveway help NAME`, ending with a newline */
};

/* The table entry named name, or NULL (main.c owns the table). */
const struct cli_command *cli_command_find(const char *name);

/* The client for cli->server and the token, made on first call (borrowed). The token file is
 * read then (trimmed); a missing default file means no token. Exits 2 when an explicitly named
 * token file cannot be read. */
struct client *cli_client(struct cli *cli);

/*
 * One request whose answer should be JSON: on success *out (may be NULL when not wanted) gets
 * the parsed body (a new reference; JSON null when the body is empty, as for 204). On failure
 * the error is printed and its code returned: DW_UNAVAILABLE when unreachable, the status's
 * code for an error answer, DW_INTERNAL when a 2xx answer is not JSON.
 */
/* Sends one request (client_request with no extra headers) and leaves the answer in *resp, to
 * release; on a transport failure prints why and returns DW_UNAVAILABLE. */
int cli_send(struct cli *cli, const char *method, const char *path, const json_t *body,
             struct client_response *resp);
int cli_call(struct cli *cli, const char *method, const char *path, const json_t *body,
             json_t **out);

/* Every item of a paginated list (path, then its "next" links) into *items (a new array).
 * Returns 0 or cli_call's code (message printed; *items NULL). */
int cli_get_items(struct cli *cli, const char *path, json_t **items);

/* Prints "usage: ..." of the command and a hint on stderr; returns DW_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Command-line flags of one command. opts is an array ended by an entry whose name is NULL;
 * "--name VALUE" and "--name=VALUE" set *value (borrowed from argv) when has_arg, "--name" sets
 * *flag to 1 otherwise. Everything else is a positional argument, collected into pos (which must
 * hold argc entries); "--" ends the flags. Returns 0 or DW_USAGE (message printed).
 */
struct cli_opt {
	const char *name; /* without the leading "--" */
	int has_arg;
	const char **value;
	int *flag;
};
int cli_parse(const char *command, int argc, char **argv, const struct cli_opt *opts, char **pos,
              int *npos);

/*
 * A product reference typed by the user: "domain/product", optionally "@N" or "@latest".
 * version is 0 for @latest or no suffix; has_version says whether a suffix was given.
 */
struct cli_ref {
	char domain[64];
	char product[64];
	long version;
	int has_version;
};
/* Returns 0, or DW_USAGE with a message printed (bad slugs, bad version). allow_version 0
 * refuses any "@" suffix. */
int cli_ref_parse(const char *command, const char *text, int allow_version, struct cli_ref *ref);
/* Checks that s is a domain/product slug; prints a message and returns DW_USAGE otherwise. */
int cli_slug_check(const char *command, const char *what, const char *s);

/* Path of a product's resource: "/domains/<d>/products/<p>" + suffix, percent-encoded
 * (malloc'd). */
char *cli_product_path(const struct cli_ref *ref, const char *suffix);


/* Commands (one file each). */
int cmd_validate(struct cli *cli, int argc, char **argv);
int cmd_register(struct cli *cli, int argc, char **argv);
int cmd_list(struct cli *cli, int argc, char **argv);
int cmd_search(struct cli *cli, int argc, char **argv);
int cmd_get(struct cli *cli, int argc, char **argv);
int cmd_versions(struct cli *cli, int argc, char **argv);
int cmd_rules(struct cli *cli, int argc, char **argv);
int cmd_diff(struct cli *cli, int argc, char **argv);
int cmd_check(struct cli *cli, int argc, char **argv);
int cmd_contract(struct cli *cli, int argc, char **argv);
int cmd_token(struct cli *cli, int argc, char **argv);
int cmd_audit(struct cli *cli, int argc, char **argv);
int cmd_advise(struct cli *cli, int argc, char **argv);
int cmd_graph(struct cli *cli, int argc, char **argv);
int cmd_export(struct cli *cli, int argc, char **argv);
int cmd_help(struct cli *cli, int argc, char **argv);

#endif
