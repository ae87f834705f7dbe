/* wire.h - big-endian integers and a bounded read cursor for the protocol
 * encoders and decoders (internal to protocol/).
 *
 * Every decoder reads untrusted bytes through a wire_rd, whose end pointer is
 * fixed when it is made: a read that would pass the end fails and leaves the
 * cursor where it was, so a parser can never run off its buffer. */
#ifndef LINLI_PROTOCOL_WIRE_H
#define LINLI_PROTOCOL_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline void wire_put_u16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

static inline void wire_put_u32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

static inline void wire_put_u64(uint8_t *p, uint64_t v) {
  wire_put_u32(p, (uint32_t)(v >> 32));
  wire_put_u32(p + 4, (uint32_t)v);
}

static inline uint16_t wire_get_u16(const uint8_t *p) {
  return (uint16_t)(((unsigned)p[0] << 8) | p[1]);
}

static inline uint32_t wire_get_u32(const uint8_t *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline uint64_t wire_get_u64(const uint8_t *p) {
  return ((uint64_t)wire_get_u32(p) << 32) | wire_get_u32(p + 4);
}

/* A write cursor over a buffer the caller sized exactly beforehand. */
typedef struct wire_wr {
  uint8_t *p;
} wire_wr;

static inline void wire_w_bytes(wire_wr *w, const void *src, size_t n) {
  if (n) memcpy(w->p, src, n);
  w->p += n;
}

static inline void wire_w_u8(wire_wr *w, uint8_t v) { *w->p++ = v; }

static inline void wire_w_u16(wire_wr *w, uint16_t v) {
  wire_put_u16(w->p, v);
  w->p += 2;
}

static inline void wire_w_u32(wire_wr *w, uint32_t v) {
  wire_put_u32(w->p, v);
  w->p += 4;
}

static inline void wire_w_u64(wire_wr *w, uint64_t v) {
  wire_put_u64(w->p, v);
  w->p += 8;
}

/* A read cursor: p advances towards the fixed end. */
typedef struct wire_rd {
  const uint8_t *p;
  const uint8_t *end;
} wire_rd;

static inline wire_rd wire_rd_make(const uint8_t *buf, size_t len) {
  wire_rd r = {buf, buf + len};
  return r;
}

static inline size_t wire_left(const wire_rd *r) { return (size_t)(r->end - r->p); }

/* Borrow n bytes: *out points into the buffer.  0 if fewer than n are left. */
static inline int wire_r_span(wire_rd *r, size_t n, const uint8_t **out) {
  if (wire_left(r) < n) return 0;
  *out = r->p;
  r->p += n;
  return 1;
}

static inline int wire_r_bytes(wire_rd *r, void *dst, size_t n) {
  if (wire_left(r) < n) return 0;
  if (n) memcpy(dst, r->p, n);
  r->p += n;
  return 1;
}

static inline int wire_r_u8(wire_rd *r, uint8_t *v) {
  if (wire_left(r) < 1) return 0;
  *v = *r->p++;
  return 1;
}

static inline int wire_r_u16(wire_rd *r, uint16_t *v) {
  if (wire_left(r) < 2) return 0;
  *v = wire_get_u16(r->p);
  r->p += 2;
  return 1;
}

static inline int wire_r_u32(wire_rd *r, uint32_t *v) {
  if (wire_left(r) < 4) return 0;
  *v = wire_get_u32(r->p);
  r->p += 4;
  return 1;
}

static inline int wire_r_u64(wire_rd *r, uint64_t *v) {
  if (wire_left(r) < 8) return 0;
  *v = wire_get_u64(r->p);
  r->p += 8;
  return 1;
}

/* 1 when all n bytes are zero. */
static inline int wire_is_zero(const uint8_t *p, size_t n) {
  uint8_t acc = 0;
  for (size_t i = 0; i < n; i++) acc |= p[i];
  return acc == 0;
}

#endif
