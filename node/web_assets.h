/* web_assets.h - the staff page's static files (CSS, JS, icon), embedded in the
 * binary by node/assets/embed.cmake so that the page loads nothing from outside. */
#ifndef LINLI_NODE_WEB_ASSETS_H
#define LINLI_NODE_WEB_ASSETS_H

#include <stddef.h>

/* One embedded file, served at /assets/<name>. */
typedef struct node_web_asset {
  const char *name;          /* file name, e.g. "style.css" */
  const char *content_type;  /* static MIME type with charset */
  const unsigned char *data; /* the bytes (NUL-terminated, not counted in len) */
  size_t len;
} node_web_asset;

/* The table, generated at configure time (sorted by name). */
extern const node_web_asset node_web_assets[];
extern const size_t node_web_n_assets;

#endif
