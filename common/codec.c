/* codec.c - hex and strict base64.  Decoders refuse anything non-canonical
 * rather than repairing it, since their input is often untrusted. */
#include "codec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char hex_digits[] = "0123456789abcdef";
static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Lowercase hex of len bytes, NUL-terminated. */
void cm_hex_encode(const uint8_t *in, size_t len, char *out) {
  for (size_t i = 0; i < len; i++) {
    out[2 * i] = hex_digits[in[i] >> 4];
    out[2 * i + 1] = hex_digits[in[i] & 0x0f];
  }
  out[2 * len] = '\0';
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decode exactly 2*out_len hex digits.  hex_len 0 means "NUL-terminated". */
cm_rc cm_hex_decode(const char *hex, size_t hex_len, uint8_t *out, size_t out_len) {
  if (!hex || (!out && out_len)) return CM_ERR_INVALID;
  /* Bound the strlen so a missing NUL in a huge buffer cannot run far. */
  size_t n = hex_len ? hex_len : strnlen(hex, 2 * out_len + 1);
  if (n != 2 * out_len) return CM_ERR_INVALID;
  for (size_t i = 0; i < out_len; i++) {
    int hi = hex_value(hex[2 * i]);
    int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return CM_ERR_INVALID;
    out[i] = (uint8_t)((hi << 4) | lo);
  }
  return CM_OK;
}

/* Base64 length for len input bytes, NUL included. */
size_t cm_b64_encoded_size(size_t len) {
  return (len + 2) / 3 * 4 + 1;
}

/* Standard alphabet with padding. */
void cm_b64_encode(const uint8_t *in, size_t len, char *out) {
  size_t o = 0, i = 0;
  for (; i + 3 <= len; i += 3) {
    uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8) | in[i + 2];
    out[o++] = b64_alphabet[(v >> 18) & 63];
    out[o++] = b64_alphabet[(v >> 12) & 63];
    out[o++] = b64_alphabet[(v >> 6) & 63];
    out[o++] = b64_alphabet[v & 63];
  }
  if (len - i == 1) {
    uint32_t v = (uint32_t)in[i] << 16;
    out[o++] = b64_alphabet[(v >> 18) & 63];
    out[o++] = b64_alphabet[(v >> 12) & 63];
    out[o++] = '=';
    out[o++] = '=';
  } else if (len - i == 2) {
    uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8);
    out[o++] = b64_alphabet[(v >> 18) & 63];
    out[o++] = b64_alphabet[(v >> 12) & 63];
    out[o++] = b64_alphabet[(v >> 6) & 63];
    out[o++] = '=';
  }
  out[o] = '\0';
}

static int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

/* Strict: length a multiple of 4, padding only at the end, and the unused
 * bits before padding zero (so every byte string has exactly one encoding). */
cm_rc cm_b64_decode(const char *in, size_t in_len, uint8_t **out, size_t *len_out) {
  cm_rc rc = CM_OK;
  uint8_t *buf = NULL;
  if (!in || !out || !len_out) return CM_ERR_INVALID;
  *out = NULL;
  *len_out = 0;
  if (in_len % 4 != 0) return CM_ERR_INVALID;
  size_t pad = 0;
  if (in_len >= 4) {
    if (in[in_len - 1] == '=') pad++;
    if (in[in_len - 2] == '=') {
      if (!pad) return CM_ERR_INVALID;
      pad++;
    }
  }
  size_t n = in_len / 4 * 3 - pad;
  buf = malloc(n ? n : 1);
  if (!buf) return CM_ERR_NOMEM;
  size_t o = 0;
  for (size_t i = 0; i < in_len; i += 4) {
    int last = (i + 4 == in_len);
    int v[4];
    for (int k = 0; k < 4; k++) {
      if (last && in[i + (size_t)k] == '=' && (size_t)k >= 4 - pad) {
        v[k] = 0;
        continue;
      }
      v[k] = b64_value(in[i + (size_t)k]);
      if (v[k] < 0) {
        rc = CM_ERR_INVALID;
        goto out;
      }
    }
    uint32_t w =
        ((uint32_t)v[0] << 18) | ((uint32_t)v[1] << 12) | ((uint32_t)v[2] << 6) | (uint32_t)v[3];
    if (last && pad == 2 && (w & 0xffff)) {
      rc = CM_ERR_INVALID; /* non-zero bits under the padding */
      goto out;
    }
    if (last && pad == 1 && (w & 0xff)) {
      rc = CM_ERR_INVALID;
      goto out;
    }
    buf[o++] = (uint8_t)(w >> 16);
    if (!(last && pad == 2)) buf[o++] = (uint8_t)(w >> 8);
    if (!(last && pad >= 1)) buf[o++] = (uint8_t)w;
  }
  *out = buf;
  *len_out = n;
  buf = NULL;
out:
  free(buf);
  return rc;
}

cm_rc cm_dec_u64(const char *s, uint64_t *out) {
  uint64_t v = 0;
  *out = 0;
  if (!s || !*s) return CM_ERR_INVALID;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return CM_ERR_INVALID;
    unsigned d = (unsigned)(*s - '0');
    if (v > (UINT64_MAX - d) / 10) return CM_ERR_INVALID;
    v = v * 10 + d;
  }
  *out = v;
  return CM_OK;
}

void cm_pct_append(char *out, size_t cap, const char *s) {
  size_t n = strlen(out);
  for (const unsigned char *p = (const unsigned char *)s; *p && n + 4 < cap; p++) {
    if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.", *p))
      out[n++] = (char)*p;
    else
      n += (size_t)snprintf(out + n, cap - n, "%%%02X", *p);
  }
  out[n] = '\0';
}
