/* attach_push.h - sending a held file to the hub above (node -> street,
 * street -> district): ask what the hub holds of it (nothing is sent again
 * once it is whole there), then PUT the rest in chunks of CM_ATT_CHUNK bytes
 * from where the hub stopped, so that a cut connection or a killed process
 * continues, not restarts (docs/protocol.md "Files"). */
#ifndef LINLI_COMMON_ATTACH_PUSH_H
#define LINLI_COMMON_ATTACH_PUSH_H

#include <stdint.h>

#include "attach.h"
#include "http_client.h"

/* What a push did, added up over calls. */
typedef struct cm_att_sent {
  uint64_t bytes;     /* file bytes put on the wire */
  unsigned requests;  /* HTTP requests made */
  unsigned files;     /* files now whole at the hub because of this push */
  unsigned skipped;   /* files the hub held already */
  unsigned declined;  /* files of a heading the hub does not take (they stay below) */
  unsigned refused;   /* files whose entry the hub refused (it takes none of them) */
  char refusal[256];  /* the hub's reason for the last of them */
} cm_att_sent;

/* Send the held file hash (size bytes) named by the signed entry record
 * ("<author hex>/<seq>") to the hub at base_url; opts must sign as the
 * author or its street.  An entry the hub holds as refused (403 with
 * "refused": true) is counted in sent->refused and is CM_OK: nothing of it
 * will ever be taken, so the caller goes on.  CM_ERR_NETWORK when unreachable; the hub's refusal
 * as CM_ERR_INVALID (hash or type does not match, said which), CM_ERR_PERM,
 * CM_ERR_NOT_FOUND (the entry is not there yet), CM_ERR_TOO_LARGE (quota)
 * or CM_ERR_HTTP, with the hub's message in err. */
cm_rc cm_att_push(const char *base_url, const cm_client_opts *opts, const cm_att_store *st,
                  const char *hash, const char *record, uint64_t size, cm_att_sent *sent,
                  cm_err *err);

#endif
