/* bundle.h - one or more changesets in one file or HTTP body: the same bytes on
 * a USB stick and on the wire.  "LNBD" || version || 3 zero bytes || u32 count ||
 * the changesets back to back. */
#ifndef LINLI_PROTOCOL_BUNDLE_H
#define LINLI_PROTOCOL_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "rc.h"

#define PROTO_BUNDLE_MAGIC "LNBD"
#define PROTO_BUNDLE_VERSION 1
#define PROTO_BUNDLE_HEADER_BYTES 12
#define PROTO_BUNDLE_MAX_CHANGESETS 10000u

/* A changeset's place inside a bundle (borrowed from the bundle's buffer). */
typedef struct proto_span {
  const uint8_t *p;
  size_t len;
} proto_span;

/* Concatenate n changesets into a bundle; *out is malloc'd, caller frees. */
cm_rc proto_bundle_encode(const proto_span *cs, size_t n, uint8_t **out, size_t *len_out);

/* Split a bundle into its changesets by their header lengths, without verifying
 * signatures (proto_changeset_decode does that for each).  Refuses a bad magic or
 * version, a count over the maximum or disagreeing with the contents, truncation
 * and trailing bytes.  *spans_out is malloc'd (caller frees); spans point into buf. */
cm_rc proto_bundle_split(const uint8_t *buf, size_t len, proto_span **spans_out,
                         size_t *n_out, cm_err *err);

#endif
