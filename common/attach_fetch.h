/* attach_fetch.h - getting held files back from the hub above (street ->
 * node, district -> street) and checking a folder of files against the
 * entries that name them: `linli-node files check`, `linli-hub files check`
 * and a node restored from its hub.  A download goes through the same
 * partial file and checks as an upload (common/attach.h cm_att_receive): the
 * type at the first bytes, the hash of the whole before it is moved into
 * place, and a cut download continues where it stopped. */
#ifndef LINLI_COMMON_ATTACH_FETCH_H
#define LINLI_COMMON_ATTACH_FETCH_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "attach.h"
#include "http_client.h"

/* Fetch the file hash (of type, size bytes) named by the signed entry record
 * ("<author hex>/<seq>") from the hub at base_url (GET
 * /api/v1/files/{hash}/data, signed by opts: the author or its street) into
 * st.  *bytes_out (may be NULL) adds the file bytes received.
 * CM_ERR_NOT_FOUND when the hub does not hold it, CM_ERR_INVALID when its
 * bytes do not match the entry (nothing kept), CM_ERR_NETWORK, CM_ERR_PERM,
 * CM_ERR_HTTP, with the hub's message in err. */
cm_rc cm_att_fetch(const char *base_url, const cm_client_opts *opts, const cm_att_store *st,
                   const char *hash, const char *record, const char *type, uint64_t size,
                   uint64_t *bytes_out, cm_err *err);

/* What a check found. */
typedef struct cm_att_checked {
  unsigned files;   /* different files named */
  unsigned ok;      /* held and hashing to their name */
  unsigned missing; /* not held */
  unsigned corrupt; /* held but not hashing to their name (removed when fetching) */
  unsigned fetched; /* of the missing and corrupt, fetched back whole */
  unsigned left;    /* still missing or corrupt afterwards */
  uint64_t bytes;   /* bytes fetched */
} cm_att_checked;

/* Check every file list names (an array of objects with "hash", "type",
 * "size", "title" and the entry's record id under id_key; a hash named twice
 * is checked once) against st.  When base_url is set, a missing or corrupt
 * file is fetched back from there (a corrupt one is removed first).  One line
 * per file that is not whole goes to report (Chinese; may be NULL).  *out
 * gets the counts.  CM_OK also when files are left missing (out->left says);
 * an error only when the folder cannot be read or written. */
cm_rc cm_att_check_list(const cm_att_store *st, const json_t *list, const char *id_key,
                        const char *base_url, const cm_client_opts *opts, FILE *report,
                        cm_att_checked *out, cm_err *err);

#endif
