/* entry.c - canonical encoding, hash and per-entry signature of log entries. */
#include "entry.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

#define ENTRY_SIG_MAGIC "LNES"
#define ENTRY_SIG_VERSION 1
/* bytes of the canonical encoding before the body, at most */
#define ENTRY_HEAD_MAX (PROTO_ENTRY_FIXED + PROTO_KIND_MAX)

/* kind_len valid characters at kind? (no NUL needed) */
static int kind_bytes_valid(const uint8_t *kind, size_t len) {
  if (len < 1 || len > PROTO_KIND_MAX) return 0;
  for (size_t i = 0; i < len; i++) {
    uint8_t c = kind[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
      return 0;
  }
  return 1;
}

int proto_kind_valid(const char *kind) {
  if (!kind) return 0;
  /* bounded strlen: never look further than one past the longest kind */
  size_t len = 0;
  while (len <= PROTO_KIND_MAX && kind[len]) len++;
  return kind_bytes_valid((const uint8_t *)kind, len);
}

/* The checks encode and hash share.  0 when e can be encoded. */
static int entry_valid(const proto_entry *e) {
  if (e->seq < 1) return 0;
  if (e->seq == 1 && !wire_is_zero(e->prev, PROTO_HASH_BYTES)) return 0;
  if (!proto_kind_valid(e->kind)) return 0;
  if (e->body_len > PROTO_BODY_MAX) return 0;
  if (e->body_len && !e->body) return 0;
  return 1;
}

/* Write everything before the body into head; returns its length. */
static size_t entry_head(const proto_entry *e, uint8_t head[ENTRY_HEAD_MAX]) {
  size_t kind_len = strlen(e->kind);
  wire_wr w = {head};
  wire_w_u8(&w, PROTO_ENTRY_VERSION);
  wire_w_bytes(&w, e->author, PROTO_KEY_BYTES);
  wire_w_u64(&w, e->seq);
  wire_w_bytes(&w, e->prev, PROTO_HASH_BYTES);
  wire_w_u64(&w, e->time_ms);
  wire_w_u8(&w, (uint8_t)kind_len);
  wire_w_bytes(&w, e->kind, kind_len);
  wire_w_u32(&w, (uint32_t)e->body_len);
  return (size_t)(w.p - head);
}

size_t proto_entry_encoded_len(const proto_entry *e) {
  size_t kind_len = 0;
  while (kind_len <= PROTO_KIND_MAX && e->kind[kind_len]) kind_len++;
  return PROTO_ENTRY_FIXED + kind_len + e->body_len;
}

cm_rc proto_entry_encode(const proto_entry *e, uint8_t *buf, size_t cap, size_t *len_out) {
  uint8_t head[ENTRY_HEAD_MAX];
  if (!entry_valid(e)) return CM_ERR_INVALID;
  size_t need = proto_entry_encoded_len(e);
  if (cap < need) return CM_ERR_TOO_LARGE;
  size_t hl = entry_head(e, head);
  memcpy(buf, head, hl);
  if (e->body_len) memcpy(buf + hl, e->body, e->body_len);
  if (len_out) *len_out = need;
  return CM_OK;
}

cm_rc proto_entry_hash(const proto_entry *e, uint8_t hash_out[PROTO_HASH_BYTES]) {
  /* streamed, so that hashing a 64 KiB body needs no copy of it */
  uint8_t head[ENTRY_HEAD_MAX];
  crypto_generichash_state st;
  if (!entry_valid(e)) return CM_ERR_INVALID;
  size_t hl = entry_head(e, head);
  crypto_generichash_init(&st, NULL, 0, PROTO_HASH_BYTES);
  crypto_generichash_update(&st, head, hl);
  if (e->body_len) crypto_generichash_update(&st, e->body, e->body_len);
  crypto_generichash_final(&st, hash_out, PROTO_HASH_BYTES);
  return CM_OK;
}

cm_rc proto_entry_decode(const uint8_t *buf, size_t len, proto_entry *e_out, cm_err *err) {
  wire_rd r = wire_rd_make(buf, len);
  proto_entry e;
  uint8_t version = 0, kind_len = 0;
  uint32_t body_len = 0;
  const uint8_t *kind = NULL;
  cm_rc rc = CM_OK;

  memset(&e, 0, sizeof e);
  if (!buf || len < PROTO_ENTRY_FIXED) {
    rc = cm_errf(err, CM_PROTO_TRUNCATED, "entry: %zu bytes, shorter than the fixed part", len);
    goto out;
  }
  wire_r_u8(&r, &version);
  if (version != PROTO_ENTRY_VERSION) {
    rc = cm_errf(err, CM_PROTO_BAD_VERSION, "entry: unknown version %u", version);
    goto out;
  }
  wire_r_bytes(&r, e.author, PROTO_KEY_BYTES);
  wire_r_u64(&r, &e.seq);
  wire_r_bytes(&r, e.prev, PROTO_HASH_BYTES);
  wire_r_u64(&r, &e.time_ms);
  wire_r_u8(&r, &kind_len);
  if (e.seq < 1 || (e.seq == 1 && !wire_is_zero(e.prev, PROTO_HASH_BYTES))) {
    rc = cm_errf(err, CM_PROTO_BAD_ENTRY, "entry: seq %llu with a wrong prev",
                 (unsigned long long)e.seq);
    goto out;
  }
  if (!wire_r_span(&r, kind_len, &kind) || !wire_r_u32(&r, &body_len)) {
    rc = cm_errf(err, CM_PROTO_TRUNCATED, "entry: ends inside the kind");
    goto out;
  }
  if (!kind_bytes_valid(kind, kind_len)) {
    rc = cm_errf(err, CM_PROTO_BAD_ENTRY, "entry: kind is not 1..64 of [a-z0-9._-]");
    goto out;
  }
  if (body_len > PROTO_BODY_MAX) {
    rc = cm_errf(err, CM_PROTO_BAD_ENTRY, "entry: body of %lu bytes over the limit",
                 (unsigned long)body_len);
    goto out;
  }
  if (wire_left(&r) < body_len) {
    rc = cm_errf(err, CM_PROTO_TRUNCATED, "entry: body ends early");
    goto out;
  }
  if (wire_left(&r) > body_len) {
    rc = cm_errf(err, CM_PROTO_TRAILING, "entry: %zu bytes after the body",
                 wire_left(&r) - body_len);
    goto out;
  }
  memcpy(e.kind, kind, kind_len);
  e.kind[kind_len] = '\0';
  e.body = r.p;
  e.body_len = body_len;
  e.has_sig = 0;
  *e_out = e;
out:
  return rc;
}

/* The message an entry signature covers: magic, version, entry hash. */
static cm_rc entry_sig_msg(const proto_entry *e, uint8_t msg[4 + 1 + PROTO_HASH_BYTES]) {
  memcpy(msg, ENTRY_SIG_MAGIC, 4);
  msg[4] = ENTRY_SIG_VERSION;
  return proto_entry_hash(e, msg + 5);
}

cm_rc proto_entry_sign(proto_entry *e, const proto_keypair *kp) {
  uint8_t msg[4 + 1 + PROTO_HASH_BYTES];
  cm_rc rc = proto_init();
  if (rc) return rc;
  if (sodium_memcmp(kp->pk, e->author, PROTO_KEY_BYTES) != 0) return CM_ERR_INVALID;
  rc = entry_sig_msg(e, msg);
  if (!rc && crypto_sign_detached(e->sig, NULL, msg, sizeof msg, kp->sk) != 0)
    rc = CM_ERR_CRYPTO;
  if (!rc) e->has_sig = 1;
  return rc;
}

cm_rc proto_entry_verify(const proto_entry *e) {
  uint8_t msg[4 + 1 + PROTO_HASH_BYTES];
  if (!e->has_sig) return CM_PROTO_BAD_SIGNATURE;
  if (proto_init() != CM_OK) return CM_ERR_CRYPTO;
  if (entry_sig_msg(e, msg) != CM_OK) return CM_PROTO_BAD_ENTRY;
  if (crypto_sign_verify_detached(e->sig, msg, sizeof msg, e->author) != 0)
    return CM_PROTO_BAD_SIGNATURE;
  return CM_OK;
}

cm_rc proto_sentry_encode(const proto_entry *e, uint8_t **out, size_t *len_out) {
  uint8_t *buf = NULL;
  size_t len = 0;
  cm_rc rc = CM_OK;

  *out = NULL;
  if (!e->has_sig || !entry_valid(e)) {
    rc = CM_ERR_INVALID;
    goto out;
  }
  len = proto_entry_encoded_len(e) + PROTO_SIG_BYTES;
  buf = malloc(len);
  if (!buf) {
    rc = CM_ERR_NOMEM;
    goto out;
  }
  rc = proto_entry_encode(e, buf, len, NULL);
  if (rc) goto out;
  memcpy(buf + len - PROTO_SIG_BYTES, e->sig, PROTO_SIG_BYTES);
  *out = buf;
  buf = NULL;
  if (len_out) *len_out = len;
out:
  free(buf);
  return rc;
}

cm_rc proto_sentry_decode(const uint8_t *buf, size_t len, const uint8_t *expect_author,
                          proto_entry *e_out, cm_err *err) {
  proto_entry e;
  cm_rc rc = CM_OK;

  if (!buf || len < PROTO_ENTRY_FIXED + PROTO_SIG_BYTES) {
    rc = cm_errf(err, CM_PROTO_TRUNCATED, "signed entry: %zu bytes is too short", len);
    goto out;
  }
  rc = proto_entry_decode(buf, len - PROTO_SIG_BYTES, &e, err);
  if (rc) goto out;
  memcpy(e.sig, buf + len - PROTO_SIG_BYTES, PROTO_SIG_BYTES);
  e.has_sig = 1;
  if (proto_entry_verify(&e) != CM_OK) {
    rc = cm_errf(err, CM_PROTO_BAD_SIGNATURE, "signed entry: signature does not verify");
    goto out;
  }
  if (expect_author && sodium_memcmp(expect_author, e.author, PROTO_KEY_BYTES) != 0) {
    rc = cm_errf(err, CM_ERR_PERM, "signed entry: signed by another key than expected");
    goto out;
  }
  *e_out = e;
out:
  return rc;
}
