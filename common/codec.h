/* codec.h - hex, base64 (standard alphabet, padded) and decimal numbers. */
#ifndef LINLI_COMMON_CODEC_H
#define LINLI_COMMON_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "rc.h"

/* Lowercase hex of len bytes into out (2*len+1 bytes, NUL-terminated). */
void cm_hex_encode(const uint8_t *in, size_t len, char *out);

/* Decode exactly 2*out_len hex digits (either case) from a NUL-terminated or
 * hex_len-long string.  CM_ERR_INVALID on a wrong length or a non-hex digit. */
cm_rc cm_hex_decode(const char *hex, size_t hex_len, uint8_t *out, size_t out_len);

/* Base64 length for len input bytes, NUL included. */
size_t cm_b64_encoded_size(size_t len);

/* Encode into out (cm_b64_encoded_size(len) bytes). */
void cm_b64_encode(const uint8_t *in, size_t len, char *out);

/* Decode strict padded base64; *out malloc'd (caller frees). CM_ERR_INVALID on bad input. */
cm_rc cm_b64_decode(const char *in, size_t in_len, uint8_t **out, size_t *len_out);

/* A decimal number of s: one or more ASCII digits and nothing else (no sign,
 * no space), at most UINT64_MAX.  CM_ERR_INVALID otherwise, a number with more
 * digits than fit in 64 bits included (never clamped to the largest). */
cm_rc cm_dec_u64(const char *s, uint64_t *out);

/* Append s percent-encoded (all but A-Z a-z 0-9 - _ .) to the string in out
 * (cap bytes), as far as it fits: a header's filename*=UTF-8''... */
void cm_pct_append(char *out, size_t cap, const char *s);

#endif
