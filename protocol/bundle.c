/* bundle.c - changesets back to back behind a small header (file or HTTP body). */
#include "bundle.h"

#include <stdlib.h>
#include <string.h>

#include "changeset.h"
#include "wire.h"

/* offset of payload_len inside a changeset header (docs/protocol.md) */
#define CS_OFF_PLEN 120

cm_rc proto_bundle_encode(const proto_span *cs, size_t n, uint8_t **out, size_t *len_out) {
  size_t len = PROTO_BUNDLE_HEADER_BYTES;
  uint8_t *buf = NULL;
  cm_rc rc = CM_OK;

  *out = NULL;
  if (n > PROTO_BUNDLE_MAX_CHANGESETS) {
    rc = CM_ERR_TOO_LARGE;
    goto out;
  }
  for (size_t i = 0; i < n; i++) {
    if (!cs[i].p || cs[i].len < PROTO_CS_HEADER_BYTES || cs[i].len > SIZE_MAX - len) {
      rc = CM_ERR_INVALID;
      goto out;
    }
    len += cs[i].len;
  }
  buf = malloc(len);
  if (!buf) {
    rc = CM_ERR_NOMEM;
    goto out;
  }
  wire_wr w = {buf};
  wire_w_bytes(&w, PROTO_BUNDLE_MAGIC, 4);
  wire_w_u8(&w, PROTO_BUNDLE_VERSION);
  wire_w_bytes(&w, "\0\0\0", 3);
  wire_w_u32(&w, (uint32_t)n);
  for (size_t i = 0; i < n; i++) wire_w_bytes(&w, cs[i].p, cs[i].len);
  *out = buf;
  if (len_out) *len_out = len;
out:
  return rc;
}

/* Length of the changeset starting at r (header + payload), checking only its
 * magic and payload bound: signatures are for proto_changeset_decode. */
static cm_rc span_next(wire_rd *r, size_t index, proto_span *sp, cm_err *err) {
  const uint8_t *p = r->p;
  if (wire_left(r) < PROTO_CS_HEADER_BYTES)
    return cm_errf(err, CM_PROTO_TRUNCATED, "bundle: changeset %zu is cut short", index);
  if (memcmp(p, PROTO_CS_MAGIC, 4) != 0)
    return cm_errf(err, CM_PROTO_BAD_MAGIC, "bundle: item %zu is not a changeset", index);
  uint32_t plen = wire_get_u32(p + CS_OFF_PLEN);
  if (plen > PROTO_CS_MAX_PAYLOAD)
    return cm_errf(err, CM_PROTO_BAD_HEADER, "bundle: changeset %zu payload over the limit",
                   index);
  size_t total = PROTO_CS_HEADER_BYTES + (size_t)plen;
  if (wire_left(r) < total)
    return cm_errf(err, CM_PROTO_TRUNCATED, "bundle: changeset %zu is cut short", index);
  sp->p = p;
  sp->len = total;
  r->p += total;
  return CM_OK;
}

cm_rc proto_bundle_split(const uint8_t *buf, size_t len, proto_span **spans_out, size_t *n_out,
                         cm_err *err) {
  wire_rd r = wire_rd_make(buf, len);
  proto_span *spans = NULL;
  uint8_t version = 0;
  uint32_t count = 0;
  const uint8_t *reserved = NULL;
  cm_rc rc = CM_OK;

  *spans_out = NULL;
  *n_out = 0;
  if (!buf || len < PROTO_BUNDLE_HEADER_BYTES) {
    rc = cm_errf(err, CM_PROTO_TRUNCATED, "bundle: %zu bytes, shorter than the header", len);
    goto out;
  }
  if (memcmp(buf, PROTO_BUNDLE_MAGIC, 4) != 0) {
    rc = cm_errf(err, CM_PROTO_BAD_MAGIC, "bundle: bad magic");
    goto out;
  }
  r.p += 4;
  wire_r_u8(&r, &version);
  wire_r_span(&r, 3, &reserved);
  wire_r_u32(&r, &count);
  if (version != PROTO_BUNDLE_VERSION) {
    rc = cm_errf(err, CM_PROTO_BAD_VERSION, "bundle: unknown version %u", version);
    goto out;
  }
  if (!wire_is_zero(reserved, 3)) {
    rc = cm_errf(err, CM_PROTO_BAD_HEADER, "bundle: reserved bytes are not zero");
    goto out;
  }
  if (count > PROTO_BUNDLE_MAX_CHANGESETS) {
    rc = cm_errf(err, CM_PROTO_TOO_MANY, "bundle: %lu changesets, over %u",
                 (unsigned long)count, PROTO_BUNDLE_MAX_CHANGESETS);
    goto out;
  }
  /* allocate no more spans than the bytes could hold, whatever count says */
  size_t fit = wire_left(&r) / PROTO_CS_HEADER_BYTES;
  spans = malloc(((size_t)count < fit ? count : fit) * sizeof *spans + sizeof *spans);
  if (!spans) {
    rc = cm_errf(err, CM_ERR_NOMEM, "bundle: out of memory");
    goto out;
  }
  for (size_t i = 0; i < count; i++) {
    if (wire_left(&r) == 0) {
      rc = cm_errf(err, CM_PROTO_LENGTH, "bundle: count says %lu changesets, it holds %zu",
                   (unsigned long)count, i);
      goto out;
    }
    rc = span_next(&r, i, &spans[i], err);
    if (rc) goto out;
  }
  if (wire_left(&r) != 0) {
    /* another whole changeset means the count lies; anything else is junk */
    proto_span extra;
    wire_rd probe = r;
    if (span_next(&probe, count, &extra, NULL) == CM_OK)
      rc = cm_errf(err, CM_PROTO_LENGTH, "bundle: more changesets than its count %lu",
                   (unsigned long)count);
    else
      rc = cm_errf(err, CM_PROTO_TRAILING, "bundle: %zu bytes after the last changeset",
                   wire_left(&r));
    goto out;
  }
  *spans_out = spans;
  *n_out = count;
  spans = NULL;
out:
  free(spans);
  return rc;
}
