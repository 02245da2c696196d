/*
 * driveway rules [--format table|markdown|json]: the compatibility rule catalogue, from the
 * engines' rule tables. docs/rules.md is this command's markdown output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "validators/compat.h"
#include "validators/error.h"
#include "validators/xalloc.h"

static const struct {
	const struct dw_rule *rules;
	const size_t *count;
} tables[] = {
    {compat_openapi_rules, &compat_openapi_rule_count},
    {compat_avro_rules, &compat_avro_rule_count},
    {compat_jsonschema_rules, &compat_jsonschema_rule_count},
    {compat_table_rules, &compat_table_rule_count},
    {compat_protobuf_rules, &compat_protobuf_rule_count},
};

static const char *breaks_name(unsigned breaks)
{
	if ((breaks & DW_BREAKS_BACKWARD) && (breaks & DW_BREAKS_FORWARD))
		return "BACKWARD,FORWARD";
	if (breaks & DW_BREAKS_BACKWARD)
		return "BACKWARD";
	if (breaks & DW_BREAKS_FORWARD)
		return "FORWARD";
	return "-";
}

static json_t *rules_json(void)
{
	json_t *arr = xjson(json_array());

	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		for (size_t i = 0; i < *tables[t].count; i++) {
			const struct dw_rule *r = &tables[t].rules[i];
			json_t *breaks = xjson(json_array());
			if (r->breaks & DW_BREAKS_BACKWARD)
				json_array_append_new(breaks, xjson(json_string("BACKWARD")));
			if (r->breaks & DW_BREAKS_FORWARD)
				json_array_append_new(breaks, xjson(json_string("FORWARD")));
			json_array_append_new(
			    arr, xjson(json_pack("{s:s, s:s, s:o, s:s, s:s}", "id", r->id, "format",
			                         contract_format_name(r->format), "breaks", breaks,
			                         "otherwise", compat_severity_name(r->quiet),
			                         "summary", r->summary)));
		}
	}
	return arr;
}

int cmd_rules(struct cli *cli, int argc, char **argv)
{
	const char *format = NULL;
	const struct cli_opt opts[] = {{"format", 1, &format, NULL}, {NULL, 0, NULL, NULL}};
	char **pos = xcalloc((size_t)argc, sizeof(char *));
	int npos, rc;

	rc = cli_parse("rules", argc, argv, opts, pos, &npos);
	free(pos);
	if (rc)
		return rc;
	if (npos)
		return cli_usage_error("rules", "no arguments expected");
	if (!format)
		format = cli->output == CLI_OUT_JSON ? "json" : "table";
	if (strcmp(format, "markdown") == 0) {
		char *md = compat_rules_markdown();
		if (!md)
			return DW_NOMEM;
		fputs(md, stdout);
		free(md);
	} else if (strcmp(format, "json") == 0) {
		json_t *arr = rules_json();
		output_json(arr);
		json_decref(arr);
	} else if (strcmp(format, "table") == 0) {
		const char *headers[] = {"RULE", "BREAKS", "OTHERWISE", "SUMMARY"};
		struct table *tb = table_new(4, headers);
		for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
			for (size_t i = 0; i < *tables[t].count; i++) {
				const struct dw_rule *r = &tables[t].rules[i];
				const char *cells[] = {r->id, breaks_name(r->breaks),
				                       compat_severity_name(r->quiet), r->summary};
				table_add(tb, cells);
			}
		}
		table_print(tb, stdout);
		table_free(tb);
	} else {
		return cli_usage_error("rules", "unknown format '%s' (table, markdown, json)",
		                       format);
	}
	return 0;
}
