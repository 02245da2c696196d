#include <stdarg.h>
#include <stdio.h>

#include "validators/error.h"

static const struct {
	int code;
	int http;
	int exit;
	const char *title;
} codes[] = {
	{DW_OK, 200, 0, "OK"},
	{DW_NOT_FOUND, 404, 1, "Not Found"},
	{DW_CONFLICT, 409, 1, "Conflict"},
	{DW_INVALID, 422, 1, "Unprocessable Content"},
	{DW_TOO_LARGE, 413, 2, "Content Too Large"},
	{DW_UNAUTHORIZED, 401, 3, "Unauthorized"},
	{DW_FORBIDDEN, 403, 3, "Forbidden"},
	{DW_INTERNAL, 500, 3, "Internal Server Error"},
	{DW_PRECONDITION, 412, 1, "Precondition Failed"},
	{DW_MALFORMED, 400, 2, "Bad Request"},
	{DW_UNAVAILABLE, 503, 3, "Service Unavailable"},
	{DW_NOMEM, 500, 3, "Internal Server Error"},
	{DW_USAGE, 400, 2, "Bad Request"},
};

#define NCODES (sizeof(codes) / sizeof(codes[0]))

int dw_error_set(struct dw_error *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->message, sizeof(err->message), fmt, ap);
		va_end(ap);
	}
	return code;
}

int dw_code_http_status(int code)
{
	for (size_t i = 0; i < NCODES; i++)
		if (codes[i].code == code)
			return codes[i].http;
	return 500;
}

int dw_code_exit(int code)
{
	for (size_t i = 0; i < NCODES; i++)
		if (codes[i].code == code)
			return codes[i].exit;
	return 3;
}

const char *dw_code_title(int code)
{
	for (size_t i = 0; i < NCODES; i++)
		if (codes[i].code == code)
			return codes[i].title;
	return "Internal Server Error";
}

int dw_code_from_http(int status)
{
	if (status >= 200 && status < 400)
		return DW_OK;
	if (status == 400)
		return DW_MALFORMED;
	if (status == 415)
		return DW_MALFORMED;
	if (status == 405)
		return DW_USAGE;
	for (size_t i = 0; i < NCODES; i++)
		if (codes[i].http == status && codes[i].code != DW_NOMEM &&
		    codes[i].code != DW_USAGE)
			return codes[i].code;
	return status >= 500 ? DW_INTERNAL : DW_INVALID;
}
