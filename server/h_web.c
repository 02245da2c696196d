/*
 * h_web: the web catalog. GET /ui/assets/{file} serves a file of web/ (compiled in, see
 * validators/embedded.h); GET /ui and every other GET /ui/... path serve web/index.html, whose
 * scripts route on the URL (history API), so a deep link such as
 * /ui/products/customer/profile-api works on reload. The files are static, so their ETag is
 * their SHA-256, computed once.
 *
 * Every answer carries the UI's security headers: a Content-Security-Policy that allows only
 * this origin's scripts, styles and fetches (no inline script or style, no framing), nosniff
 * and a Referrer-Policy. The pages hold no data: they read the API like any client, so these
 * routes are open even when reads need a token (--read-auth).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/server.h"
#include "validators/contract.h"
#include "validators/embedded.h"
#include "validators/xalloc.h"

#define WEB_DIR "web/"
#define WEB_INDEX "web/index.html"

#define WEB_CSP                                                                                    \
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "         \
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "            \
	"frame-ancestors 'none'"

static const struct {
	const char *ext;
	const char *type;
} media_types[] = {
    {".html", "text/html; charset=utf-8"},  {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},    {".svg", "image/svg+xml"},
    {".json", "application/json"},          {".png", "image/png"},
    {".ico", "image/x-icon"},               {".txt", "text/plain; charset=utf-8"},
};

/* ETags of the embedded files, by index in dw_embedded_files. */
static pthread_once_t etags_once = PTHREAD_ONCE_INIT;
static char (*etags)[68];

static void etags_init(void)
{
	etags = xcalloc(dw_embedded_count ? dw_embedded_count : 1, sizeof(*etags));
	for (size_t i = 0; i < dw_embedded_count; i++) {
		char hex[65];

		dw_sha256_hex(dw_embedded_files[i].data, dw_embedded_files[i].size, hex);
		snprintf(etags[i], sizeof(etags[i]), "\"%.64s\"", hex);
	}
}

static const char *media_type(const char *name)
{
	const char *dot = strrchr(name, '.');

	for (size_t i = 0; dot && i < sizeof(media_types) / sizeof(media_types[0]); i++)
		if (strcmp(dot, media_types[i].ext) == 0)
			return media_types[i].type;
	return "application/octet-stream";
}

/* The headers every UI answer carries, errors included. */
static void security_headers(struct response *res)
{
	response_header_add(res, "Content-Security-Policy", "%s", WEB_CSP);
	response_header_add(res, "X-Content-Type-Options", "nosniff");
	response_header_add(res, "Referrer-Policy", "no-referrer");
	response_header_add(res, "X-Frame-Options", "DENY");
}

/* Answers with the embedded file name, or DW_NOT_FOUND. */
static int serve(struct response *res, const char *name, struct dw_error *err)
{
	const struct dw_embedded *f = dw_embedded_find(name);
	char *copy;

	security_headers(res);
	if (!f)
		return dw_error_set(err, DW_NOT_FOUND, "no file '%s' in the web catalog",
		                    name + strlen(WEB_DIR));
	pthread_once(&etags_once, etags_init);
	copy = xmalloc(f->size ? f->size : 1);
	memcpy(copy, f->data, f->size);
	response_body(res, 200, media_type(name), copy, f->size);
	/* Revalidated on each use: a new drivewayd may carry new files under the same names. */
	response_header_add(res, "Cache-Control", "no-cache");
	response_header_add(res, "ETag", "%s", etags[f - dw_embedded_files]);
	return 0;
}

int h_web_page(struct request *req, struct response *res, struct dw_error *err)
{
	(void)req;
	return serve(res, WEB_INDEX, err);
}

int h_web_asset(struct request *req, struct response *res, struct dw_error *err)
{
	const char *file = request_param(req, "file");
	char *name;
	int rc;

	/* Only names of the table match; a '/' (from %2F) or ".." names nothing there. */
	name = xasprintf(WEB_DIR "%s", file ? file : "");
	rc = serve(res, name, err);
	free(name);
	return rc;
}
