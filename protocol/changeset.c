/* changeset.c - build, verify, decode and classify changesets.
 *
 * Decoding follows the order in docs/protocol.md ("Verification order"): every
 * header check, then the signature, then the payload hash, and only then the
 * bounded inflation and the entries.  Nothing is inflated, allocated from a
 * length field or parsed before the signature has checked out. */
#include "changeset.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "wire.h"

#define CS_SIGNED_BYTES (PROTO_CS_HEADER_BYTES - PROTO_SIG_BYTES) /* header bytes signed */
#define CS_CHUNK (64u * 1024u)                                     /* inflate step */
/* a payload entry: time, kind length, kind, flags, body length, body, [sig] */
#define PE_FIXED (8 + 1 + 1 + 4)
#define PE_MIN (PE_FIXED + 1)
#define PE_FLAG_SIGNED 0x01u

/* Byte offsets of the header fields (docs/protocol.md, "Changeset"). */
enum {
  OFF_MAGIC = 0, OFF_VERSION = 4, OFF_SUITE = 5, OFF_FLAGS = 6, OFF_AUTHOR = 8,
  OFF_FIRST = 40, OFF_LAST = 48, OFF_PREV = 56, OFF_LASTH = 88, OFF_PLEN = 120,
  OFF_RLEN = 124, OFF_PHASH = 128, OFF_CREATED = 160, OFF_SIG = 168
};

static void header_write(const proto_cs_header *h, uint8_t out[PROTO_CS_HEADER_BYTES]) {
  memcpy(out + OFF_MAGIC, PROTO_CS_MAGIC, 4);
  out[OFF_VERSION] = h->version;
  out[OFF_SUITE] = h->suite;
  wire_put_u16(out + OFF_FLAGS, h->flags);
  memcpy(out + OFF_AUTHOR, h->author, PROTO_KEY_BYTES);
  wire_put_u64(out + OFF_FIRST, h->first_seq);
  wire_put_u64(out + OFF_LAST, h->last_seq);
  memcpy(out + OFF_PREV, h->prev_hash, PROTO_HASH_BYTES);
  memcpy(out + OFF_LASTH, h->last_hash, PROTO_HASH_BYTES);
  wire_put_u32(out + OFF_PLEN, h->payload_len);
  wire_put_u32(out + OFF_RLEN, h->raw_len);
  memcpy(out + OFF_PHASH, h->payload_hash, PROTO_HASH_BYTES);
  wire_put_u64(out + OFF_CREATED, h->created_ms);
  memcpy(out + OFF_SIG, h->sig, PROTO_SIG_BYTES);
}

static void header_read(const uint8_t in[PROTO_CS_HEADER_BYTES], proto_cs_header *h) {
  h->version = in[OFF_VERSION];
  h->suite = in[OFF_SUITE];
  h->flags = wire_get_u16(in + OFF_FLAGS);
  memcpy(h->author, in + OFF_AUTHOR, PROTO_KEY_BYTES);
  h->first_seq = wire_get_u64(in + OFF_FIRST);
  h->last_seq = wire_get_u64(in + OFF_LAST);
  memcpy(h->prev_hash, in + OFF_PREV, PROTO_HASH_BYTES);
  memcpy(h->last_hash, in + OFF_LASTH, PROTO_HASH_BYTES);
  h->payload_len = wire_get_u32(in + OFF_PLEN);
  h->raw_len = wire_get_u32(in + OFF_RLEN);
  memcpy(h->payload_hash, in + OFF_PHASH, PROTO_HASH_BYTES);
  h->created_ms = wire_get_u64(in + OFF_CREATED);
  memcpy(h->sig, in + OFF_SIG, PROTO_SIG_BYTES);
}

/* Size of e as a payload entry. */
static size_t pe_len(const proto_entry *e) {
  return PE_FIXED + strlen(e->kind) + e->body_len + (e->has_sig ? PROTO_SIG_BYTES : 0);
}

static void pe_write(wire_wr *w, const proto_entry *e) {
  size_t kind_len = strlen(e->kind);
  wire_w_u64(w, e->time_ms);
  wire_w_u8(w, (uint8_t)kind_len);
  wire_w_bytes(w, e->kind, kind_len);
  wire_w_u8(w, e->has_sig ? PE_FLAG_SIGNED : 0);
  wire_w_u32(w, (uint32_t)e->body_len);
  wire_w_bytes(w, e->body, e->body_len);
  if (e->has_sig) wire_w_bytes(w, e->sig, PROTO_SIG_BYTES);
}

/* Check that entries[] is one author's contiguous chain and size its payload. */
static cm_rc build_check(const proto_entry *entries, size_t n, const proto_keypair *kp,
                         uint8_t last_hash[PROTO_HASH_BYTES], size_t *raw_out, cm_err *err) {
  uint8_t h[PROTO_HASH_BYTES];
  size_t raw = 0;
  cm_rc rc = CM_OK;

  for (size_t i = 0; i < n && !rc; i++) {
    const proto_entry *e = &entries[i];
    if (sodium_memcmp(e->author, kp->pk, PROTO_KEY_BYTES) != 0) {
      rc = cm_errf(err, CM_ERR_INVALID, "changeset: entry %zu is not by the signing key", i);
    } else if (i > 0 && (e->seq != entries[0].seq + i ||
                         sodium_memcmp(e->prev, h, PROTO_HASH_BYTES) != 0)) {
      rc = cm_errf(err, CM_ERR_INVALID, "changeset: entry %zu does not follow entry %zu", i,
                   i - 1);
    } else if (proto_entry_hash(e, h) != CM_OK) {
      rc = cm_errf(err, CM_ERR_INVALID, "changeset: entry %zu is invalid (seq, kind or body)", i);
    } else if (e->has_sig && proto_entry_verify(e) != CM_OK) {
      rc = cm_errf(err, CM_ERR_INVALID, "changeset: entry %zu has a bad signature", i);
    } else {
      raw += pe_len(e);
      if (raw > PROTO_CS_MAX_RAW)
        rc = cm_errf(err, CM_ERR_TOO_LARGE, "changeset: entries over %u bytes, split them",
                     PROTO_CS_MAX_RAW);
    }
  }
  if (!rc) {
    memcpy(last_hash, h, PROTO_HASH_BYTES);
    *raw_out = raw;
  }
  return rc;
}

cm_rc proto_changeset_build(const proto_entry *entries, size_t n, const proto_keypair *kp,
                            uint64_t created_ms, uint8_t **out, size_t *len_out, cm_err *err) {
  proto_cs_header h;
  uint8_t *raw = NULL, *buf = NULL;
  size_t raw_len = 0;
  uLongf zlen = 0;
  cm_rc rc = CM_OK;

  *out = NULL;
  memset(&h, 0, sizeof h);
  if (proto_init() != CM_OK) {
    rc = cm_errf(err, CM_ERR_CRYPTO, "changeset: libsodium failed to start");
    goto out;
  }
  if (n < 1 || n > PROTO_CS_MAX_ENTRIES) {
    rc = cm_errf(err, n ? CM_ERR_TOO_LARGE : CM_ERR_INVALID,
                 "changeset: %zu entries (1..%u allowed)", n, PROTO_CS_MAX_ENTRIES);
    goto out;
  }
  rc = build_check(entries, n, kp, h.last_hash, &raw_len, err);
  if (rc) goto out;

  raw = malloc(raw_len);
  if (!raw) {
    rc = cm_errf(err, CM_ERR_NOMEM, "changeset: out of memory");
    goto out;
  }
  wire_wr w = {raw};
  for (size_t i = 0; i < n; i++) pe_write(&w, &entries[i]);

  zlen = compressBound((uLong)raw_len);
  buf = malloc(PROTO_CS_HEADER_BYTES + zlen);
  if (!buf) {
    rc = cm_errf(err, CM_ERR_NOMEM, "changeset: out of memory");
    goto out;
  }
  /* zlib's fastest level: on a month of reports deflate was three fifths of
   * building a changeset at the default level, and level 1 takes half as long
   * for 10.6 instead of 9 bytes a report on the wire (docs/benchmarks.md,
   * docs/decisions/0053-sync-round-three.md).  Receivers inflate any level. */
  if (compress2(buf + PROTO_CS_HEADER_BYTES, &zlen, raw, (uLong)raw_len, Z_BEST_SPEED) != Z_OK) {
    rc = cm_errf(err, CM_ERR_NOMEM, "changeset: deflate failed");
    goto out;
  }
  /* Never emit what a receiver would refuse as a bomb: highly repetitive data
   * over the ratio floor must travel in smaller changesets. */
  if (zlen > PROTO_CS_MAX_PAYLOAD ||
      (uint64_t)raw_len > (uint64_t)PROTO_CS_MAX_RATIO * zlen + PROTO_CS_RATIO_FLOOR) {
    rc = cm_errf(err, CM_ERR_TOO_LARGE,
                 "changeset: %zu bytes compress to %lu, outside the limits; split the entries",
                 raw_len, (unsigned long)zlen);
    goto out;
  }

  h.version = PROTO_CS_VERSION;
  h.suite = PROTO_SUITE_ED25519_BLAKE2B_DEFLATE;
  h.flags = 0;
  memcpy(h.author, kp->pk, PROTO_KEY_BYTES);
  h.first_seq = entries[0].seq;
  h.last_seq = entries[0].seq + n - 1;
  memcpy(h.prev_hash, entries[0].prev, PROTO_HASH_BYTES);
  h.payload_len = (uint32_t)zlen;
  h.raw_len = (uint32_t)raw_len;
  proto_hash(buf + PROTO_CS_HEADER_BYTES, zlen, h.payload_hash);
  h.created_ms = created_ms;
  header_write(&h, buf);
  if (crypto_sign_detached(buf + OFF_SIG, NULL, buf, CS_SIGNED_BYTES, kp->sk) != 0) {
    rc = cm_errf(err, CM_ERR_CRYPTO, "changeset: signing failed");
    goto out;
  }
  *out = buf;
  buf = NULL;
  if (len_out) *len_out = PROTO_CS_HEADER_BYTES + zlen;
out:
  free(raw);
  free(buf);
  return rc;
}

/* Header checks in the documented order.  trailing_ok = 0 refuses bytes after
 * the changeset (decode with used_out NULL). */
static cm_rc header_verify(const uint8_t *buf, size_t len, int trailing_ok, proto_cs_header *h,
                           size_t *total_out, cm_err *err) {
  uint64_t count = 0;
  size_t total = 0;
  cm_rc rc = CM_OK;

  if (proto_init() != CM_OK) {
    rc = cm_errf(err, CM_ERR_CRYPTO, "changeset: libsodium failed to start");
    goto out;
  }
  if (!buf || len < PROTO_CS_HEADER_BYTES) {
    rc = cm_errf(err, CM_PROTO_TRUNCATED, "changeset: %zu bytes, shorter than the header", len);
    goto out;
  }
  if (memcmp(buf, PROTO_CS_MAGIC, 4) != 0) {
    rc = cm_errf(err, CM_PROTO_BAD_MAGIC, "changeset: bad magic");
    goto out;
  }
  header_read(buf, h);
  if (h->version != PROTO_CS_VERSION) {
    rc = cm_errf(err, CM_PROTO_BAD_VERSION, "changeset: unknown version %u", h->version);
    goto out;
  }
  if (h->suite != PROTO_SUITE_ED25519_BLAKE2B_DEFLATE) {
    rc = cm_errf(err, CM_PROTO_BAD_SUITE, "changeset: unknown suite %u", h->suite);
    goto out;
  }
  if (h->flags != 0 || h->first_seq < 1 || h->first_seq > h->last_seq) {
    rc = cm_errf(err, CM_PROTO_BAD_HEADER, "changeset: flags %u, sequences %llu..%llu",
                 h->flags, (unsigned long long)h->first_seq, (unsigned long long)h->last_seq);
    goto out;
  }
  count = h->last_seq - h->first_seq + 1; /* cannot wrap: first >= 1 */
  if (count > PROTO_CS_MAX_ENTRIES) {
    rc = cm_errf(err, CM_PROTO_TOO_MANY, "changeset: %llu entries, over %u",
                 (unsigned long long)count, PROTO_CS_MAX_ENTRIES);
    goto out;
  }
  if ((h->first_seq == 1) != wire_is_zero(h->prev_hash, PROTO_HASH_BYTES)) {
    rc = cm_errf(err, CM_PROTO_BAD_HEADER,
                 "changeset: prev_hash must be zero exactly when first_seq is 1");
    goto out;
  }
  if (h->payload_len > PROTO_CS_MAX_PAYLOAD || h->raw_len > PROTO_CS_MAX_RAW) {
    rc = cm_errf(err, CM_PROTO_BAD_HEADER, "changeset: payload %lu / raw %lu over the limits",
                 (unsigned long)h->payload_len, (unsigned long)h->raw_len);
    goto out;
  }
  total = PROTO_CS_HEADER_BYTES + (size_t)h->payload_len;
  if (len < total) {
    rc = cm_errf(err, CM_PROTO_TRUNCATED, "changeset: %zu bytes of %zu", len, total);
    goto out;
  }
  if (!trailing_ok && len > total) {
    rc = cm_errf(err, CM_PROTO_TRAILING, "changeset: %zu bytes after its end", len - total);
    goto out;
  }
  if (crypto_sign_verify_detached(buf + OFF_SIG, buf, CS_SIGNED_BYTES, h->author) != 0) {
    rc = cm_errf(err, CM_PROTO_BAD_SIGNATURE, "changeset: signature does not verify");
    goto out;
  }
  uint8_t ph[PROTO_HASH_BYTES];
  proto_hash(buf + PROTO_CS_HEADER_BYTES, h->payload_len, ph);
  if (sodium_memcmp(ph, h->payload_hash, PROTO_HASH_BYTES) != 0) {
    rc = cm_errf(err, CM_PROTO_PAYLOAD_HASH, "changeset: payload does not match its hash");
    goto out;
  }
  *total_out = total;
out:
  return rc;
}

cm_rc proto_changeset_peek(const uint8_t *buf, size_t len, proto_cs_header *h_out,
                           size_t *total_out, cm_err *err) {
  proto_cs_header h;
  size_t total = 0;
  cm_rc rc = header_verify(buf, len, 1, &h, &total, err);
  if (!rc) {
    if (h_out) *h_out = h;
    if (total_out) *total_out = total;
  }
  return rc;
}

/* Inflate the payload in fixed steps.  The output buffer grows (doubling) only
 * as output arrives, never from raw_len; output past the size/ratio cap is a
 * bomb, output past raw_len a lying length. */
static cm_rc payload_inflate(const proto_cs_header *h, const uint8_t *payload, uint8_t **raw_out,
                             cm_err *err) {
  z_stream zs;
  int zinit = 0, zr = Z_OK;
  uint8_t *raw = NULL;
  size_t cap = 0, total = 0;
  /* ratio limit at every size: 200 x the compressed size plus a little */
  uint64_t limit = (uint64_t)PROTO_CS_MAX_RATIO * h->payload_len + PROTO_CS_RATIO_FLOOR;
  if (limit > PROTO_CS_MAX_RAW) limit = PROTO_CS_MAX_RAW;
  cm_rc rc = CM_OK;

  memset(&zs, 0, sizeof zs);
  if (inflateInit(&zs) != Z_OK) {
    rc = cm_errf(err, CM_ERR_NOMEM, "changeset: inflateInit failed");
    goto out;
  }
  zinit = 1;
  zs.next_in = (Bytef *)(uintptr_t)payload; /* zlib's API is not const-clean */
  zs.avail_in = h->payload_len;
  for (;;) {
    if (cap - total < CS_CHUNK) {
      size_t ncap = cap ? cap * 2 : CS_CHUNK;
      /* no need to hold more than the cap or raw_len plus one step: the step
       * that passes either is refused */
      size_t most = (size_t)(limit < h->raw_len ? limit : h->raw_len) + CS_CHUNK;
      if (ncap > most) ncap = most;
      if (ncap - total < CS_CHUNK) ncap = total + CS_CHUNK;
      uint8_t *n = realloc(raw, ncap);
      if (!n) {
        rc = cm_errf(err, CM_ERR_NOMEM, "changeset: out of memory inflating");
        goto out;
      }
      raw = n;
      cap = ncap;
    }
    zs.next_out = raw + total;
    zs.avail_out = CS_CHUNK;
    zr = inflate(&zs, Z_NO_FLUSH);
    if (zr == Z_MEM_ERROR) {
      rc = cm_errf(err, CM_ERR_NOMEM, "changeset: out of memory inflating");
      goto out;
    }
    if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
      rc = cm_errf(err, CM_PROTO_INFLATE, "changeset: corrupt deflate stream (%s)",
                   zs.msg ? zs.msg : "zlib error");
      goto out;
    }
    size_t got = CS_CHUNK - zs.avail_out;
    total += got;
    if (total > limit) {
      rc = cm_errf(err, CM_PROTO_BOMB,
                   "changeset: payload of %lu bytes inflates past %llu (at most %u times "
                   "its size plus %u bytes)",
                   (unsigned long)h->payload_len, (unsigned long long)limit, PROTO_CS_MAX_RATIO,
                   PROTO_CS_RATIO_FLOOR);
      goto out;
    }
    if (total > h->raw_len) {
      rc = cm_errf(err, CM_PROTO_LENGTH, "changeset: payload inflates past raw_len %lu",
                   (unsigned long)h->raw_len);
      goto out;
    }
    if (zr == Z_STREAM_END) break;
    if (got == 0 && (zr == Z_BUF_ERROR || zs.avail_in == 0)) {
      rc = cm_errf(err, CM_PROTO_INFLATE, "changeset: deflate stream ends early");
      goto out;
    }
  }
  if (zs.avail_in != 0) {
    rc = cm_errf(err, CM_PROTO_LENGTH, "changeset: %u bytes after the deflate stream",
                 zs.avail_in);
    goto out;
  }
  if (total != h->raw_len) {
    rc = cm_errf(err, CM_PROTO_LENGTH, "changeset: inflated %zu bytes, raw_len says %lu",
                 total, (unsigned long)h->raw_len);
    goto out;
  }
  *raw_out = raw;
  raw = NULL;
out:
  if (zinit) inflateEnd(&zs);
  free(raw);
  return rc;
}

/* Parse the payload entries, rebuild and hash each canonical entry along the
 * chain from prev_hash, verify the signed ones and check the chain's end. */
static cm_rc payload_entries(proto_changeset *cs, cm_err *err) {
  const proto_cs_header *h = &cs->h;
  wire_rd r = wire_rd_make(cs->raw, cs->raw_len);
  uint8_t prev[PROTO_HASH_BYTES];
  cm_rc rc = CM_OK;

  /* the smallest payload entry is PE_MIN bytes: refuse a count the inflated
   * bytes cannot hold before allocating for it */
  if (cs->n > cs->raw_len / PE_MIN) {
    rc = cm_errf(err, CM_PROTO_LENGTH, "changeset: %zu entries cannot fit in %zu bytes", cs->n,
                 cs->raw_len);
    goto out;
  }
  cs->entries = calloc(cs->n, sizeof *cs->entries);
  cs->hashes = calloc(cs->n, sizeof *cs->hashes);
  if (!cs->entries || !cs->hashes) {
    rc = cm_errf(err, CM_ERR_NOMEM, "changeset: out of memory");
    goto out;
  }
  memcpy(prev, h->prev_hash, PROTO_HASH_BYTES);
  for (size_t i = 0; i < cs->n; i++) {
    proto_entry *e = &cs->entries[i];
    uint8_t kind_len = 0, flags = 0;
    uint32_t body_len = 0;
    const uint8_t *kind = NULL;
    if (wire_left(&r) == 0) {
      rc = cm_errf(err, CM_PROTO_LENGTH, "changeset: %zu entries in a payload for %zu", i,
                   cs->n);
      goto out;
    }
    if (!wire_r_u64(&r, &e->time_ms) || !wire_r_u8(&r, &kind_len) ||
        !wire_r_span(&r, kind_len, &kind) || !wire_r_u8(&r, &flags) ||
        !wire_r_u32(&r, &body_len)) {
      rc = cm_errf(err, CM_PROTO_BAD_ENTRY, "changeset: entry %zu is cut short", i);
      goto out;
    }
    if (kind_len < 1 || kind_len > PROTO_KIND_MAX) {
      rc = cm_errf(err, CM_PROTO_BAD_ENTRY, "changeset: entry %zu has a kind of %u bytes", i,
                   kind_len);
      goto out;
    }
    memcpy(e->kind, kind, kind_len);
    e->kind[kind_len] = '\0';
    if (!proto_kind_valid(e->kind) || (flags & ~PE_FLAG_SIGNED) != 0 ||
        body_len > PROTO_BODY_MAX) {
      rc = cm_errf(err, CM_PROTO_BAD_ENTRY, "changeset: entry %zu has a bad kind, flags or size",
                   i);
      goto out;
    }
    if (!wire_r_span(&r, body_len, &e->body) ||
        ((flags & PE_FLAG_SIGNED) && !wire_r_bytes(&r, e->sig, PROTO_SIG_BYTES))) {
      rc = cm_errf(err, CM_PROTO_BAD_ENTRY, "changeset: entry %zu is cut short", i);
      goto out;
    }
    e->body_len = body_len;
    e->has_sig = (flags & PE_FLAG_SIGNED) != 0;
    memcpy(e->author, h->author, PROTO_KEY_BYTES);
    e->seq = h->first_seq + i;
    memcpy(e->prev, prev, PROTO_HASH_BYTES);
    if (proto_entry_hash(e, cs->hashes[i]) != CM_OK) {
      rc = cm_errf(err, CM_PROTO_BAD_ENTRY, "changeset: entry %zu is invalid", i);
      goto out;
    }
    if (e->has_sig && proto_entry_verify(e) != CM_OK) {
      rc = cm_errf(err, CM_PROTO_BAD_SIGNATURE, "changeset: entry %zu: signature does not verify",
                   i);
      goto out;
    }
    memcpy(prev, cs->hashes[i], PROTO_HASH_BYTES);
  }
  if (wire_left(&r) != 0) {
    rc = cm_errf(err, CM_PROTO_LENGTH, "changeset: %zu bytes after entry %zu", wire_left(&r),
                 cs->n);
    goto out;
  }
  if (sodium_memcmp(prev, h->last_hash, PROTO_HASH_BYTES) != 0) {
    rc = cm_errf(err, CM_PROTO_CHAIN, "changeset: the entries do not chain to last_hash");
    goto out;
  }
out:
  return rc;
}

cm_rc proto_changeset_decode(const uint8_t *buf, size_t len, proto_changeset *cs_out,
                             size_t *used_out, cm_err *err) {
  proto_changeset cs;
  size_t total = 0;
  cm_rc rc = CM_OK;

  memset(&cs, 0, sizeof cs);
  memset(cs_out, 0, sizeof *cs_out);
  rc = header_verify(buf, len, used_out != NULL, &cs.h, &total, err);
  if (rc) goto out;
  cs.n = (size_t)(cs.h.last_seq - cs.h.first_seq + 1);
  cs.raw_len = cs.h.raw_len;
  rc = payload_inflate(&cs.h, buf + PROTO_CS_HEADER_BYTES, &cs.raw, err);
  if (rc) goto out;
  rc = payload_entries(&cs, err);
  if (rc) goto out;
  if (used_out) *used_out = total;
  *cs_out = cs;
  memset(&cs, 0, sizeof cs);
out:
  proto_changeset_free(&cs);
  return rc;
}

void proto_changeset_free(proto_changeset *cs) {
  if (!cs) return;
  free(cs->entries);
  free(cs->hashes);
  free(cs->raw);
  memset(cs, 0, sizeof *cs);
}

cm_rc proto_chain_check(const proto_chain_state *st, const proto_changeset *cs,
                        proto_hash_lookup lookup, void *ctx, size_t *new_from_out,
                        cm_err *err) {
  const proto_cs_header *h = &cs->h;
  uint8_t held[PROTO_HASH_BYTES];
  cm_rc rc = CM_OK;

  if (h->first_seq > st->head_seq + 1) {
    rc = cm_errf(err, CM_PROTO_GAP, "changeset starts at %llu, expected %llu",
                 (unsigned long long)h->first_seq, (unsigned long long)st->head_seq + 1);
    goto out;
  }
  if (h->first_seq == st->head_seq + 1) {
    if (sodium_memcmp(h->prev_hash, st->head_hash, PROTO_HASH_BYTES) != 0) {
      rc = cm_errf(err, CM_PROTO_PREV_MISMATCH,
                   "changeset's prev_hash is not the hash of held entry %llu",
                   (unsigned long long)st->head_seq);
      goto out;
    }
    *new_from_out = 0;
    goto out;
  }
  /* Overlap.  Each entry's hash covers its prev hash, so the newest entry both
   * sides have decides for all of them: equal there means equal all the way
   * down.  One comparison, and no lookup at all when that entry is the head. */
  uint64_t upto = h->last_seq < st->head_seq ? h->last_seq : st->head_seq;
  size_t i = (size_t)(upto - h->first_seq);
  if (upto == st->head_seq) {
    memcpy(held, st->head_hash, PROTO_HASH_BYTES);
  } else if (!lookup || !lookup(ctx, upto, held)) {
    rc = cm_errf(err, CM_ERR_NOT_FOUND, "held entry %llu could not be looked up",
                 (unsigned long long)upto);
    goto out;
  }
  if (sodium_memcmp(held, cs->hashes[i], PROTO_HASH_BYTES) != 0) {
    rc = cm_errf(err, CM_PROTO_FORK, "fork at or before sequence %llu: a different entry is held",
                 (unsigned long long)upto);
    goto out;
  }
  *new_from_out = (size_t)(upto - h->first_seq + 1);
out:
  return rc;
}
