/* protocol_fixtures.h - the fixed keys and logs behind tests/vectors/: shared by
 * the generator (make_vectors.c) and the tests, so that a test can rebuild a
 * vector from the same inputs and compare bytes. */
#ifndef LINLI_TESTS_PROTOCOL_FIXTURES_H
#define LINLI_TESTS_PROTOCOL_FIXTURES_H

#include <stddef.h>
#include <stdint.h>

#include "protocol/entry.h"

#define FX_T0 1793491200000ull /* 2026-11-01 00:00 UTC, Unix ms */
#define FX_LOG_N 51            /* community log: 1 filing + 50 monthly reports */
#define FX_HUB_N 3             /* hub log: 3 decisions, each signed */
#define FX_BODY_CAP 1024

/* The three fixed identities of the vectors. */
typedef struct fx_keys {
  proto_keypair community; /* a community node */
  proto_keypair hub;       /* its street hub */
  proto_keypair other;     /* a stranger, for wrong-key cases */
} fx_keys;

/* A log: entries with their bodies held alongside. */
typedef struct fx_log {
  size_t n;
  proto_entry e[FX_LOG_N];
  char body[FX_LOG_N][FX_BODY_CAP];
  uint8_t hash[FX_LOG_N][PROTO_HASH_BYTES];
} fx_log;

/* Keys from the seeds BLAKE2b-256("linli vector key <name>"); 0 on success. */
int fx_make_keys(fx_keys *k);

/* The community log: seq 1 "org.filed", seq 2..51 "report.monthly" in Chinese,
 * chained, unsigned.  0 on success. */
int fx_community_log(const fx_keys *k, fx_log *log);

/* The hub log: seq 1..3 (hub.enrolled, decision.commend, review.accepted),
 * each signed by the hub key.  0 on success. */
int fx_hub_log(const fx_keys *k, fx_log *log);

/* Replace the body of entry index `from` with alt_body and re-chain every later
 * entry (a different history from that point: forks).  0 on success. */
int fx_fork_log(fx_log *log, size_t from, const char *alt_body);

/* Recompute the payload hash of the changeset at cs and sign its header again
 * with kp: test cases whose only fault must be the one they are named for. */
void fx_cs_resign(uint8_t *cs, const proto_keypair *kp);

/* A copy of changeset cs (header only is used) carrying the compressed payload
 * z[0..zlen) and raw_len, signed again with kp.  *out malloc'd.  0 on success. */
int fx_cs_with_payload(const uint8_t *cs, const uint8_t *z, size_t zlen, uint32_t raw_len,
                       const proto_keypair *kp, uint8_t **out, size_t *len_out);

/* The same with raw deflated here at the given zlib level.  0 on success. */
int fx_cs_with_raw(const uint8_t *cs, const uint8_t *raw, size_t raw_len, int level,
                   const proto_keypair *kp, uint8_t **out, size_t *len_out);

/* Read LINLI_VECTORS_DIR/name into *p (malloc'd, one spare NUL byte after
 * the data).  0 on success. */
int fx_read_vector(const char *name, uint8_t **p, size_t *len);

/* Decode exactly 2*n hex digits.  0 on success. */
int fx_unhex(const char *hex, size_t hex_len, uint8_t *out, size_t n);

#endif
