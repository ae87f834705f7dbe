/* ingest.h - the hub's data path: a bundle in (POST /api/v1/changesets, or
 * `bundle import`), signed heads out, an author's log back for a restore, and
 * what a street hub still has to forward upstream.
 *
 * Ingest is all or nothing: every changeset of the bundle is verified (one
 * signature per changeset, one BLAKE2b per entry), its author's enrolment and
 * chain are checked, and every new entry is stored with the projection in one
 * savepoint.  Pushes that arrive while another group commits wait and are
 * committed together (group commit): one transaction, one synchronous=FULL
 * commit for the group, each push all or nothing inside it, and receipts
 * signed only after that commit.  The only thing a refused push stores is
 * fork evidence. */
#ifndef LINLI_HUB_INGEST_H
#define LINLI_HUB_INGEST_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/rc.h"
#include "../protocol/receipt.h"
#include "hub.h"

/* Request bodies over this are refused (413 TOO_LARGE), as docs/protocol.md says. */
#define HUB_INGEST_MAX_BUNDLE ((size_t)32u << 20)
/* The raw bytes (encoded entries) one author may have stored here per day
 * (receipt date, Asia/Shanghai); config key HUB_CONFIG_QUOTA overrides it.
 * A changeset past it is refused (429 TOO_LARGE) and nothing of it stored. */
#define HUB_QUOTA_DEFAULT ((int64_t)64 << 20)
#define HUB_CONFIG_QUOTA "quota.daily_bytes"
/* The daily quota of raw bytes per author in force (*bytes_out). */
cm_rc hub_quota_get(hub_ctx *ctx, int64_t *bytes_out, cm_err *err);

/* Set it (bytes >= 1; CM_ERR_INVALID otherwise), durably. */
cm_rc hub_quota_set(hub_ctx *ctx, int64_t bytes, cm_err *err);

/* An answer of GET /api/v1/log holds at most this many bytes of changesets. */
#define HUB_LOG_MAX_BYTES ((size_t)64u << 20)
/* An author whose entry time is this far ahead of our receipt time, or whose
 * changeset (pushed directly) was built this far from our clock, is flagged. */
#define HUB_CLOCK_SKEW_MS (15ull * 60ull * 1000ull)

/* One author's head after an ingest, or asked for with hub_head_receipt. */
typedef struct hub_head {
  uint8_t author[PROTO_KEY_BYTES];
  uint64_t seq;                           /* 0 when nothing is held */
  uint8_t head[PROTO_HASH_BYTES];         /* zero when nothing is held */
  uint8_t receipt[PROTO_RECEIPT_BYTES];   /* signed by this hub, now */
} hub_head;

/* Everything the HTTP handler needs to answer (docs/api.md). */
typedef struct hub_ingest_result {
  int http_status;        /* 200, 400, 403, 409, 413; 500/503/507 for storage */
  cm_rc rc;               /* CM_OK, or the error code for the error body */
  char message[512];      /* readable text for the error body ("" on success) */
  int has_author;         /* 1: author is set (403 PERM, 409 GAP/FORK/CONFLICT) */
  uint8_t author[PROTO_KEY_BYTES];
  uint64_t expected_seq;  /* 409 PROTO_GAP: head + 1; else 0 */
  long index;             /* 400: 0-based changeset index; -1 when none applies */
  uint64_t stored;        /* new entries stored (0 for a replay or a refusal) */
  hub_head *receipts;     /* 200: one per author of the bundle, in first-seen order */
  size_t n_receipts;
} hub_ingest_result;

/* Ingest a bundle (body of len bytes) arriving by via ("http 127.0.0.1",
 * "bundle FILE", ... kept with each stored changeset).  Fills *out in every
 * case (free with hub_ingest_result_free).  Returns CM_OK when the bundle was
 * accepted (out->http_status 200; a replay too) and otherwise the refusal or
 * failure code, equal to out->rc, with err holding the message.  Takes
 * ctx->lock for the database work only. */
cm_rc hub_ingest_bundle(hub_ctx *ctx, const uint8_t *body, size_t len, const char *via,
                        hub_ingest_result *out, cm_err *err);

/* Release what hub_ingest_bundle allocated; NULL or a zeroed struct is fine. */
void hub_ingest_result_free(hub_ingest_result *r);

/* The JSON answer for r: the 200 body {"stored", "receipts": [...]} when
 * r->rc is CM_OK, else the error's extra fields ({"author", "expected_seq",
 * "index"} as they apply) to merge into cm_http_resp_error.  New reference;
 * NULL only when out of memory. */
json_t *hub_ingest_result_json(const hub_ingest_result *r);

/* The hub's head of author with a fresh signed receipt (seq 0 and a zero hash
 * when nothing is held).  For GET /api/v1/heads/{author}. */
cm_rc hub_head_receipt(hub_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES], hub_head *out,
                       cm_err *err);

/* JSON for a head: {"author": hex, "seq": n, "head": hex, "receipt": base64}.
 * New reference; NULL only when out of memory. */
json_t *hub_head_json(const hub_head *h);

/* A bundle of author's stored changesets, verbatim and in order, that hold
 * entries with sequence > after (the first may begin at or before after), at
 * most cap_bytes of changesets (but always at least one when any is due).  An
 * empty bundle (count 0) when there is nothing after.  *out malloc'd, caller
 * frees.  For GET /api/v1/log/{author}?after=N. */
cm_rc hub_log_bundle(hub_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES], uint64_t after,
                     size_t cap_bytes, uint8_t **out, size_t *len_out, cm_err *err);

/* ---- forwarding (street hub to district) ---- */

/* An author with entries the upstream has not acknowledged. */
typedef struct hub_fwd_author {
  uint8_t author[PROTO_KEY_BYTES];
  uint64_t head_seq;   /* what this hub holds */
  uint64_t acked_seq;  /* what the upstream acknowledged (0 when nothing) */
} hub_fwd_author;

/* Every author whose head is beyond what the upstream acknowledged: this hub's
 * own log first (its hub.enrolled entries must reach the district before the
 * community entries that depend on them), then the others in the order they
 * were first stored.  *list_out malloc'd (caller frees; NULL when n is 0). */
cm_rc hub_forward_authors(hub_ctx *ctx, hub_fwd_author **list_out, size_t *n_out, cm_err *err);

/* Every author this hub holds, own log first, with its head and what the
 * upstream acknowledged, due or not (*list_out malloc'd, caller frees): the
 * forward loop's audit and the files' forward pass read it. */
cm_rc hub_forward_all_authors(hub_ctx *ctx, hub_fwd_author **list_out, size_t *n_out,
                              cm_err *err);

/* The stored changesets of author, verbatim, that hold entries > after, as a
 * bundle: at most max_entries entries and max_bytes bytes of changesets (0 for
 * no limit), but always at least one changeset when any is due (a changeset is
 * never split: its signature covers it whole).  *last_seq_out gets the last
 * sequence in the bundle (after when empty).  *out malloc'd, caller frees. */
cm_rc hub_forward_pending(hub_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES], uint64_t after,
                          size_t max_entries, size_t max_bytes, uint8_t **out, size_t *len_out,
                          uint64_t *last_seq_out, cm_err *err);

/* Record the upstream's verified receipt r (r->hub must be the pinned upstream
 * key; raw is its encoding, kept as proof): the upstream holds r->author up to
 * r->seq.  A receipt whose head hash differs from ours at that sequence is
 * refused (CM_PROTO_FORK) and changes nothing; an older receipt than the one
 * held is ignored. */
cm_rc hub_forward_ack(hub_ctx *ctx, const proto_receipt *r, const uint8_t raw[PROTO_RECEIPT_BYTES],
                      cm_err *err);

/* The upstream says it holds author only up to seq (its GET heads, or a 409
 * PROTO_GAP with expected_seq = seq + 1, e.g. after it was restored from an
 * old copy): forward again from there.  Lowers the acknowledged sequence. */
cm_rc hub_forward_rewind(hub_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                         cm_err *err);

#endif
