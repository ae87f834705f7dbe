/* changeset.h - a signed, deflate-compressed, contiguous range of one author's
 * entries: the unit that travels from node to hub and hub to hub.
 *
 * Authenticity is checked before anything is inflated: the ed25519 signature
 * covers the header, and the header holds the hash of the compressed payload and
 * of the last entry.  Inflation is bounded (fixed-size chunks, a cap on total
 * output and on the expansion ratio).  Layout and checks: docs/protocol.md. */
#ifndef LINLI_PROTOCOL_CHANGESET_H
#define LINLI_PROTOCOL_CHANGESET_H

#include <stddef.h>
#include <stdint.h>

#include "entry.h"

#define PROTO_CS_MAGIC "LNCS"
#define PROTO_CS_VERSION 1
#define PROTO_SUITE_ED25519_BLAKE2B_DEFLATE 1
/* bytes of the header, signature included */
#define PROTO_CS_HEADER_BYTES (4 + 1 + 1 + 2 + 32 + 8 + 8 + 32 + 32 + 4 + 4 + 32 + 8 + 64)
#define PROTO_CS_MAX_ENTRIES 100000u          /* entries in one changeset */
#define PROTO_CS_MAX_PAYLOAD (16u << 20)       /* compressed payload bytes */
#define PROTO_CS_MAX_RAW (64u << 20)           /* inflated payload bytes */
/* Inflated bytes at most PROTO_CS_MAX_RATIO x the compressed payload plus
 * PROTO_CS_RATIO_FLOOR, at every size: entries within the domain core's
 * bounds carry a 64-byte signature each and compress far less (about 7:1 for
 * monthly reports), while a changeset of padding (16 entries of 64 KB of
 * spaces) inflates about 500:1 and is a bomb however small. */
#define PROTO_CS_MAX_RATIO 200u
#define PROTO_CS_RATIO_FLOOR 4096u /* slack for a changeset of a few hundred bytes */

typedef struct proto_cs_header {
  uint8_t version;
  uint8_t suite;
  uint16_t flags;                         /* must be 0 in version 1 */
  uint8_t author[PROTO_KEY_BYTES];
  uint64_t first_seq;
  uint64_t last_seq;
  uint8_t prev_hash[PROTO_HASH_BYTES];    /* hash of entry first_seq-1, zero if first_seq == 1 */
  uint8_t last_hash[PROTO_HASH_BYTES];    /* hash of entry last_seq */
  uint32_t payload_len;                   /* compressed bytes after the header */
  uint32_t raw_len;                       /* inflated bytes the author declares */
  uint8_t payload_hash[PROTO_HASH_BYTES]; /* BLAKE2b-256 of the compressed payload */
  uint64_t created_ms;                    /* author clock when built */
  uint8_t sig[PROTO_SIG_BYTES];
} proto_cs_header;

/* A decoded, verified changeset. */
typedef struct proto_changeset {
  proto_cs_header h;
  size_t n;                       /* last_seq - first_seq + 1 */
  proto_entry *entries;           /* n entries, seq first_seq..; bodies point into raw */
  uint8_t (*hashes)[PROTO_HASH_BYTES]; /* hash of each entry */
  uint8_t *raw;                   /* inflated payload (owned) */
  size_t raw_len;
} proto_changeset;

/* Build a changeset from n >= 1 consecutive entries of kp's author.  entries[0]
 * carries prev and seq; later entries' seq and prev are checked (CM_ERR_INVALID if
 * they do not chain).  *out is malloc'd; caller frees. */
cm_rc proto_changeset_build(const proto_entry *entries, size_t n, const proto_keypair *kp,
                            uint64_t created_ms, uint8_t **out, size_t *len_out, cm_err *err);

/* Parse and verify the header of the changeset at buf[0..len) without inflating:
 * magic, version, suite, field consistency, payload bounds, signature, payload
 * hash.  *total_out gets header + payload length. */
cm_rc proto_changeset_peek(const uint8_t *buf, size_t len, proto_cs_header *h_out,
                           size_t *total_out, cm_err *err) __attribute__((warn_unused_result));

/* Verify and decode the changeset at buf.  If used_out is NULL the changeset must
 * fill buf exactly (else CM_PROTO_TRAILING); otherwise *used_out gets its length.
 * On success fills *cs_out (free with proto_changeset_free). */
cm_rc proto_changeset_decode(const uint8_t *buf, size_t len, proto_changeset *cs_out,
                             size_t *used_out, cm_err *err) __attribute__((warn_unused_result));

/* Release what decode allocated; NULL or a zeroed struct is fine. */
void proto_changeset_free(proto_changeset *cs);

/* What the receiver holds of this author. */
typedef struct proto_chain_state {
  uint64_t head_seq;                   /* 0 when nothing is held */
  uint8_t head_hash[PROTO_HASH_BYTES]; /* hash of entry head_seq (zero if none) */
} proto_chain_state;

/* Receiver lookup: fill hash_out with the hash of held entry seq and return 1, or
 * return 0 if it is not held. */
typedef int (*proto_hash_lookup)(void *ctx, uint64_t seq, uint8_t hash_out[PROTO_HASH_BYTES]);

/* Classify a verified changeset against what the receiver holds:
 *   CM_OK: entries from index *new_from_out on are new (n means a pure replay);
 *   CM_PROTO_GAP: first_seq > head_seq + 1;
 *   CM_PROTO_PREV_MISMATCH: first_seq == head_seq + 1 but prev_hash != head_hash;
 *   CM_PROTO_FORK: an overlapping entry differs from the one held. */
cm_rc proto_chain_check(const proto_chain_state *st, const proto_changeset *cs,
                        proto_hash_lookup lookup, void *ctx, size_t *new_from_out,
                        cm_err *err) __attribute__((warn_unused_result));

#endif
