/* dossier.h - an organisation's archive (档案) as the plan lists it: every
 * record about it and every attachment, under the six headings (备案材料,
 * 活动材料, 人员材料, 评比材料, 计划总结材料, 变更材料), each in time order.
 * Node and hubs feed it the entries they hold (cm_dossier_add); it writes a
 * printable page (an index with the images shown and links to the PDFs) and a
 * ZIP of that page as index.html with every file it names under files/, so
 * that the archive can be handed on (zlib's minizip, docs/decisions/0034). */
#ifndef LINLI_COMMON_DOSSIER_H
#define LINLI_COMMON_DOSSIER_H

#include <stddef.h>
#include <stdint.h>

#include "attach.h"
#include "buf.h"
#include "rc.h"

/* One line of the archive.  Strings are owned by the dossier. */
typedef struct cm_dossier_item {
  int heading;      /* index into cm_att_headings */
  uint64_t time_ms; /* the author's time of the entry */
  char *what;       /* "组织备案", "附件" ... */
  char *text;       /* what it says, in a line */
  char *hash, *type; /* an attachment: its file (NULL for a record) */
  uint64_t size;
} cm_dossier_item;

typedef struct cm_dossier {
  char org[64];
  char name[256]; /* the organisation's name, from its filing ("" until seen) */
  cm_dossier_item *items;
  size_t n, cap;
} cm_dossier;

/* Start the archive of organisation org (its filing number). */
void cm_dossier_init(cm_dossier *d, const char *org);
void cm_dossier_free(cm_dossier *d);

/* Add one entry if it is about the organisation (its body's "org", or "id"
 * for a filing, amendment or dissolution); others are ignored, as are bodies
 * that are not JSON objects.  CM_ERR_NOMEM. */
cm_rc cm_dossier_add(cm_dossier *d, const char *kind, uint64_t time_ms, const void *body,
                     size_t len, cm_err *err);

/* Sort each heading's items by time (stable: log order for equal times). */
void cm_dossier_sort(cm_dossier *d);

/* The printable page into out.  files_href: the prefix of a file's link
 * ("/api/v1/files/" at a hub, "files/" inside the ZIP); ext 1 adds the type's
 * extension to the name (the ZIP's files).  css_href: the stylesheet's link
 * (a page served under a CSP without inline styles), or NULL for cm_dossier_css
 * inline (the ZIP's index.html).  st (may be NULL) says which files are held
 * here: the others are listed as not at this level. */
cm_rc cm_dossier_html(const cm_dossier *d, const char *level, const char *files_href, int ext,
                      const char *css_href, const cm_att_store *st, cm_buf *out, cm_err *err);

/* The page's stylesheet (screen and print). */
extern const char cm_dossier_css[];

/* Write the ZIP to path: index.html and files/<hash>.<pdf|jpg|png> for each
 * held file (temporary name, fsync, rename).  *files_out (may be NULL) the
 * files written. */
cm_rc cm_dossier_zip(const cm_dossier *d, const char *level, const cm_att_store *st,
                     const char *path, unsigned *files_out, cm_err *err);

#endif
