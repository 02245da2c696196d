/*
 * render: DOT text to SVG with Graphviz (libgvc, "dot" layout), and the only file in driveway
 * that includes gvc.h / cgraph.h. Graphviz keeps global state and is not thread-safe, so
 * renders are serialised behind one lock; the context is made on first use and freed by
 * render_shutdown.
 *
 * Ownership: render_svg returns the SVG text malloc'd (caller frees).
 */
#ifndef DW_RENDER_H
#define DW_RENDER_H

#include <stddef.h>

#include "validators/error.h"

/*
 * Lays out the graph in dot[0..len) and renders it as SVG into *svg (NUL-terminated, *svg_len
 * bytes). DW_INVALID when Graphviz cannot read the text, DW_INTERNAL when layout or rendering
 * fails (the "dot" layout or the SVG renderer plugin missing).
 */
int render_svg(const char *dot, size_t len, char **svg, size_t *svg_len, struct dw_error *err);

/* Frees the Graphviz context, if one was made. No render may run during or after it. */
void render_shutdown(void);

#endif
