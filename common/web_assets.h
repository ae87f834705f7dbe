/* web_assets.h - the static files both programs' pages share (common/assets:
 * the common stylesheet), embedded in linli_common by common/CMakeLists.txt so
 * that neither program loads anything from outside. */
#ifndef LINLI_COMMON_WEB_ASSETS_H
#define LINLI_COMMON_WEB_ASSETS_H

#include <stddef.h>

/* One embedded file, served at /assets/<name> by both programs. */
typedef struct cm_web_asset {
  const char *name;          /* file name, e.g. "common.css" */
  const char *content_type;  /* static MIME type with charset */
  const unsigned char *data; /* the bytes (NUL-terminated, not counted in len) */
  size_t len;
} cm_web_asset;

/* The table, generated at configure time (sorted by name). */
extern const cm_web_asset cm_web_assets[];
extern const size_t cm_web_n_assets;

/* The shared asset called name, or NULL. */
const cm_web_asset *cm_web_asset_find(const char *name);

#endif
