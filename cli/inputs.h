/*
 * inputs: the descriptors named on a command line, loaded and checked offline. This is what
 * `driveway validate` reports and what `driveway register` sends, so the two can never disagree.
 *
 * For every file (directories walked, see files.h): the text is loaded with dw_load; a file is a
 * descriptor file when one of its documents has an apiVersion "driveway/..." (or, when it does not
 * even parse, when its text mentions "driveway/"). Other files found in a directory (contracts
 * the descriptors point to, say) are skipped; a file named explicitly that is not a descriptor
 * file is a finding. Each document is checked with descriptor_validate (allow_path 1) and its
 * contract with contract_validate: a spec.contract.path is resolved in the descriptor's folder
 * and may not leave it (no absolute path, no "..", no symbolic link out); the contract file holds
 * exactly one document and its findings are located in that file. Inline contracts are located
 * in the descriptor. A domain or product defined twice across the inputs is a finding.
 *
 * A product's earlier contract versions (what `driveway export` writes) live in its version
 * history folder beside the descriptor, <folder>/<metadata.name>.versions/, one file per version
 * named <N><suffix> (N its number in the registry it came from, the suffix its format's, as in
 * inputs_contract_suffix: 1.avsc, 2.avsc ...). Each is loaded and checked like a contract file,
 * its findings located in it; a file of another name, a folder, a format other than the
 * product's, a number given twice, a file that resolves outside the descriptor's folder, a
 * history folder that is a symbolic link, or two products of one name in one folder (whose
 * history would be shared) are findings. Hidden entries are skipped.
 *
 * Ownership: struct inputs owns everything it holds (texts, documents, contract documents,
 * findings); struct input_doc members are borrowed from it. inputs_release frees all.
 */
#ifndef DW_INPUTS_H
#define DW_INPUTS_H

#include <stddef.h>

#include <jansson.h>

#include "validators/contract.h"
#include "validators/descriptor.h"
#include "validators/error.h"
#include "validators/findings.h"
#include "validators/load.h"

struct input_file {
	char *path;
	int explicit;   /* named on the command line */
	int descriptor; /* holds descriptor documents */
	struct dw_docset set;
};

struct input_doc {
	const struct input_file *file;
	const struct dw_doc *doc;
	enum dw_descriptor_kind kind;
	/* Borrowed from doc->root; NULL when absent or not strings. */
	const char *domain; /* Domain: metadata.name; DataProduct: metadata.domain */
	const char *name;   /* DataProduct: metadata.name; Domain: NULL */
	const char *owner;  /* Domain: spec.owner; DataProduct: metadata.owner */
	/* The contract, when the product has one that was found and loaded. */
	enum dw_format format;
	const json_t *contract;            /* borrowed from doc->root or from contract_set */
	char *contract_file;               /* display path of the contract file; NULL when inline */
	const struct dw_doc *contract_doc; /* the document holding contract (for locating) */
	const char *contract_base;         /* pointer of contract inside contract_doc: "" or
	                                      "/spec/contract/inline" */
	struct dw_docset contract_set;
	/* History entries only: N of the file name (the order; the registry numbers anew). */
	long version;
	/* The earlier versions from the history folder, by number: each a copy of this entry with
	 * its own contract members (format, contract, contract_file ...) and version set. */
	struct input_doc *history;
	size_t nhistory;
	char *history_dir; /* display path of the history folder; NULL when there is none */
};

struct inputs {
	struct input_file *files;
	size_t nfiles;
	struct input_doc *docs;
	size_t ndocs, alloc;
	size_t ncontracts;
	struct dw_findings findings;
};

/* The history folder's name is the product's name and this. */
#define INPUTS_HISTORY_SUFFIX ".versions"

/* The file name suffix of a contract of format fmt (".openapi.json", ".avsc", ".schema.json",
 * ".odcs.json", ".proto"), or NULL for an unknown format. */
const char *inputs_contract_suffix(enum dw_format fmt);

/*
 * Loads and checks paths[0..npaths). Returns 0 (look at in->findings), DW_MALFORMED when a path
 * cannot be read (err says which; nothing else is reported) or DW_NOMEM. Release in either way.
 */
int inputs_load(struct inputs *in, int npaths, char *const *paths, struct dw_error *err);
void inputs_release(struct inputs *in);
/*
 * The end of a command's argument handling for the commands that take descriptor paths: rc is
 * the result of parsing its command line; when it is 0, loads the npos paths of pos (the
 * positional arguments) into in and prints "error: ..." when one cannot be read. Frees pos in
 * every case. Returns rc or inputs_load's code; release in only when 0 is returned.
 */
int inputs_load_args(struct inputs *in, int rc, int npos, char **pos);

/* Number of error findings (warnings do not count). */
size_t inputs_errors(const struct inputs *in);

/*
 * Prints every finding on stderr, then "N errors in M files" on stderr, or, when there are no
 * errors and ok_line is set, "ok: N descriptors, K contracts" on stdout. Inputs without a
 * single descriptor are an error too ("no driveway descriptors found"). Returns 0 or
 * DW_INVALID.
 */
int inputs_report(const struct inputs *in, int ok_line);

/*
 * Where a pointer of a request body built from d lands in the files: kind 0 for the descriptor
 * document as sent (product or domain PUT), 1 for a version POST body {"format","contract"}.
 * Fills *file, *line, *col (0 when unknown) and returns the pointer to show (malloc'd): the
 * pointer inside the file it names. A 409's "/old/..." pointer (a part only the registered
 * version has) is shown as that part's pointer, at the nearest ancestor the new file still has.
 */
char *inputs_locate(const struct input_doc *d, int version_body, const char *pointer,
                    const char **file, int *line, int *col);

#endif
