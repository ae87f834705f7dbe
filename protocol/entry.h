/* entry.h - the log entry: one record in an author's append-only log.
 *
 * An entry's identity is the BLAKE2b-256 hash of its canonical encoding
 * (docs/protocol.md, "Entry").  Community entries are authenticated by the hash
 * chain up to a signed changeset; hub entries also carry their own signature so
 * that a filtered feed stays verifiable (docs/decisions/0002-signatures.md). */
#ifndef LINLI_PROTOCOL_ENTRY_H
#define LINLI_PROTOCOL_ENTRY_H

#include <stddef.h>
#include <stdint.h>

#include "keys.h"

#define PROTO_ENTRY_VERSION 1
#define PROTO_KIND_MAX 64            /* kind: 1..64 chars of [a-z0-9._-] */
#define PROTO_BODY_MAX (64u * 1024u) /* body: UTF-8 JSON, at most 64 KiB */
/* fixed part of the canonical encoding: version, author, seq, prev, time,
 * kind length, body length */
#define PROTO_ENTRY_FIXED (1 + 32 + 8 + 32 + 8 + 1 + 4)

typedef struct proto_entry {
  uint8_t author[PROTO_KEY_BYTES];
  uint64_t seq;                     /* 1, 2, 3 ... */
  uint8_t prev[PROTO_HASH_BYTES];   /* hash of entry seq-1; all zero for seq 1 */
  uint64_t time_ms;                 /* author's clock, Unix milliseconds */
  char kind[PROTO_KIND_MAX + 1];    /* NUL-terminated, e.g. "report.monthly" */
  const uint8_t *body;              /* borrowed, body_len bytes, not NUL-terminated */
  size_t body_len;
  int has_sig;                      /* 1 when sig holds the author's signature */
  uint8_t sig[PROTO_SIG_BYTES];
} proto_entry;

/* 1 when kind is 1..64 chars of [a-z0-9._-], else 0. */
int proto_kind_valid(const char *kind);

/* Length of the canonical encoding of e. */
size_t proto_entry_encoded_len(const proto_entry *e);

/* Canonical encoding into buf (cap bytes).  CM_ERR_INVALID for a bad kind, an
 * oversized body or seq 0; CM_ERR_TOO_LARGE if cap is short. */
cm_rc proto_entry_encode(const proto_entry *e, uint8_t *buf, size_t cap, size_t *len_out);

/* Hash of the canonical encoding. */
cm_rc proto_entry_hash(const proto_entry *e, uint8_t hash_out[PROTO_HASH_BYTES]);

/* Parse a canonical encoding that fills buf exactly.  e->body points into buf.
 * has_sig is set to 0.  Protocol error codes on malformed input. */
cm_rc proto_entry_decode(const uint8_t *buf, size_t len, proto_entry *e_out, cm_err *err);

/* Sign e with kp (kp->pk must equal e->author): sets e->sig and e->has_sig.
 * The signature covers "LNES" || 0x01 || hash(entry). */
cm_rc proto_entry_sign(proto_entry *e, const proto_keypair *kp);

/* Verify e->sig against e->author.  CM_PROTO_BAD_SIGNATURE if it does not
 * verify or e->has_sig is 0. */
cm_rc proto_entry_verify(const proto_entry *e) __attribute__((warn_unused_result));

/* Signed entry ("sentry") = canonical encoding || 64-byte signature: the form hub
 * entries take in a feed.  Encode allocates *out (caller frees with free()). */
cm_rc proto_sentry_encode(const proto_entry *e, uint8_t **out, size_t *len_out);

/* Decode a signed entry filling buf exactly; verifies the signature before it
 * returns (body points into buf).  If expect_author is not NULL the author must
 * equal it (else CM_ERR_PERM). */
cm_rc proto_sentry_decode(const uint8_t *buf, size_t len, const uint8_t *expect_author,
                          proto_entry *e_out, cm_err *err) __attribute__((warn_unused_result));

#endif
