/* attach.h - attaching scans and photos to the community's records: the file
 * is copied into the node's content-addressed folder (common/attach.h) and a
 * signed file.attached entry names its hash, type, size and title, so that
 * the signature covers the file.  The caps are checked here, before the entry
 * is written: a file at most attach.file_max bytes (meta; default 10 MB), an
 * organisation at most attach.org_year_max bytes a year (default 200 MB). */
#ifndef LINLI_NODE_ATTACH_H
#define LINLI_NODE_ATTACH_H

#include <jansson.h>

#include "../common/attach.h"
#include "node.h"

/* What `linli-node attach` and the page's file input give. */
typedef struct node_attach_input {
  const char *org;     /* filing number, required */
  const char *file;    /* path of the file to attach, required */
  const char *title;   /* required */
  const char *heading; /* one of the six keys, or NULL: from the record's kind */
  const char *record;  /* "<this node's key hex>/<seq>" or NULL */
} node_attach_input;

/* Attach a file: checks, copies it into DIR/files, appends file.attached.
 * hash_out gets the hex hash, record_out (may be NULL, 96 bytes) the entry's
 * record id.  CM_ERR_INVALID / CM_ERR_NOT_FOUND / CM_ERR_PERM /
 * CM_ERR_TOO_LARGE with a Chinese message; nothing is written then. */
cm_rc node_attach(node_ctx *ctx, const node_attach_input *in, char hash_out[CM_ATT_HEX],
                  char *record_out, cm_err *err);

/* The caps this node applies, in bytes: the district's (limits.set, from
 * the feed) or the defaults, lowered by the node's own attach.file_max and
 * attach.org_year_max settings when those are smaller. */
void node_attach_caps(node_ctx *ctx, uint64_t *file_max, uint64_t *org_year_max);

/* The checks node_attach makes of a file's own bytes, on len bytes in memory
 * named fname (for messages): a PDF, JPEG or PNG by its first bytes, at most
 * the cap of one file (node_attach_caps).  CM_ERR_INVALID / CM_ERR_TOO_LARGE; nothing is
 * written.  A form checks its file with it before it writes the record. */
cm_rc node_attach_check_bytes(node_ctx *ctx, const uint8_t *p, size_t len, const char *fname,
                              cm_err *err);

/* The file.attached entries of this node with seq in from..to (to 0 = the
 * head), of org (NULL = all), oldest first: an array of
 * {"seq", "record_id", "org", "record", "heading", "heading_label", "hash",
 *  "type", "size", "title", "time_ms", "refused"} ("refused": true when the
 * street refused the entry on arrival).  Caller json_decref()s *out. */
cm_rc node_attach_list(node_ctx *ctx, const char *org, uint64_t from, uint64_t to, json_t **out,
                       cm_err *err);

/* The node's folder of files (opened on first use). */
cm_rc node_attach_store(node_ctx *ctx, cm_att_store *st, cm_err *err);

#endif
