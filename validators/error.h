/*
 * error: the one small set of result codes every driveway function returns, and the one table
 * that maps them to HTTP statuses and CLI exit codes.
 *
 * Functions return 0 on success or a negative enum dw_code. Details go into an optional
 * struct dw_error * passed last (NULL when the caller does not want them).
 */
#ifndef DW_ERROR_H
#define DW_ERROR_H

enum dw_code {
	DW_OK = 0,
	DW_NOT_FOUND = -1,    /* 404, exit 1 */
	DW_CONFLICT = -2,     /* 409, exit 1 */
	DW_INVALID = -3,      /* 422 (well-formed input that breaks a rule), exit 1 */
	DW_TOO_LARGE = -4,    /* 413, exit 2 */
	DW_UNAUTHORIZED = -5, /* 401, exit 3 */
	DW_FORBIDDEN = -6,    /* 403, exit 3 */
	DW_INTERNAL = -7,     /* 500, exit 3 */
	DW_PRECONDITION = -8, /* 412, exit 1 */
	DW_MALFORMED = -9,    /* 400 (input that does not parse), exit 2 */
	DW_UNAVAILABLE = -10, /* 503 (store read-only, disk full, unreachable), exit 3 */
	DW_NOMEM = -11,       /* 500, exit 3 */
	DW_USAGE = -12,       /* 400, exit 2 (bad flags or arguments) */
};

struct dw_error {
	int code;
	char message[512]; /* git-style: lowercase, failure first, no final period */
};

/* Sets *err (when not NULL) and returns code, so callers can write `return dw_error_set(...)`. */
int dw_error_set(struct dw_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

int dw_code_http_status(int code);
int dw_code_exit(int code);
/* A short title for problem+json ("Not Found", "Conflict", ...). Static string. */
const char *dw_code_title(int code);
/* The code for an HTTP status (used by the CLI to turn server answers into exit codes). */
int dw_code_from_http(int status);

#endif
