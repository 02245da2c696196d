/*
 * render.c: Graphviz behind render.h. One context for the process (loading the plugin
 * configuration once), one lock around every use of it: cgraph and the layout engines keep
 * global state. Graphviz's own messages are kept (the last one) rather than printed, so that a
 * failure can name its cause in the answer.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include "server/render.h"
#include "validators/xalloc.h"

static pthread_mutex_t render_lock = PTHREAD_MUTEX_INITIALIZER;
static GVC_t *gvc;
static char last_message[256]; /* guarded by render_lock */

/* agseterrf's callback: keeps Graphviz's message instead of printing it. */
static int keep_message(char *msg)
{
	size_t n;

	snprintf(last_message, sizeof(last_message), "%s", msg ? msg : "");
	n = strlen(last_message);
	while (n && (last_message[n - 1] == '\n' || last_message[n - 1] == ' '))
		last_message[--n] = '\0';
	return 0;
}

static int render_locked(const char *dot, size_t len, char **svg, size_t *svg_len,
                         struct dw_error *err)
{
	char *text = xstrndup(dot, len), *data = NULL;
	unsigned int n = 0;
	Agraph_t *g;
	int rc = 0;

	last_message[0] = '\0';
	agseterrf(keep_message);
	agreseterrors();
	if (!gvc && !(gvc = gvContext())) {
		free(text);
		return dw_error_set(err, DW_INTERNAL, "cannot start Graphviz");
	}
	g = agmemread(text);
	free(text);
	if (!g)
		return dw_error_set(err, DW_INVALID, "graph is not valid DOT: %s",
		                    last_message[0] ? last_message : "syntax error");
	if (gvLayout(gvc, g, "dot")) {
		agclose(g);
		return dw_error_set(err, DW_INTERNAL, "graph layout failed: %s",
		                    last_message[0] ? last_message : "no dot layout plugin");
	}
	if (gvRenderData(gvc, g, "svg", &data, &n) || !data) {
		rc = dw_error_set(err, DW_INTERNAL, "graph rendering failed: %s",
		                  last_message[0] ? last_message : "no SVG renderer plugin");
	} else {
		*svg = xstrndup(data, n);
		*svg_len = n;
	}
	if (data)
		gvFreeRenderData(data);
	gvFreeLayout(gvc, g);
	agclose(g);
	return rc;
}

int render_svg(const char *dot, size_t len, char **svg, size_t *svg_len, struct dw_error *err)
{
	int rc;

	*svg = NULL;
	*svg_len = 0;
	pthread_mutex_lock(&render_lock);
	rc = render_locked(dot, len, svg, svg_len, err);
	pthread_mutex_unlock(&render_lock);
	return rc;
}

void render_shutdown(void)
{
	pthread_mutex_lock(&render_lock);
	if (gvc)
		gvFreeContext(gvc);
	gvc = NULL;
	pthread_mutex_unlock(&render_lock);
}
