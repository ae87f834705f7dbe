/* personal.h - the personal fields of a record travel sealed inside the
 * signed entry, each box a JSON object of text fields:
 *
 *   roster.entry (a member's name, role and home community): one box to the
 *   street hub's key and one to the community's own (so a community restored
 *   from its street gets its names back)
 *     "sealed": {"street": "<base64 box>", "community": "<base64 box>"}
 *   feedback.recorded (the resident who made it): one box to the community's
 *   own key only, so that no level above the community reads it
 *     "sealed": {"community": "<base64 box>"}
 *   (entries written before carry a street box too; they stay valid and no
 *   hub opens it).
 *
 * Every level checks the shape and size (cm_personal_check); only the
 * holders of the keys can open a box
 * (docs/decisions/0045-sealed-personal-data.md). */
#ifndef LINLI_COMMON_PERSONAL_H
#define LINLI_COMMON_PERSONAL_H

#include <jansson.h>
#include <stdint.h>

#include "../protocol/keys.h"
#include "rc.h"

/* Bytes of one base64 box in a body (a 4 KiB message sealed and encoded). */
#define CM_PERSONAL_B64_MAX 5600

/* Seal fields (a JSON object of strings) to street and community; *out is a
 * new {"street","community"} object, or {"community"} when street is NULL.
 * CM_ERR_TOO_LARGE for fields over the sealed message limit, CM_ERR_INVALID
 * for a key with no X25519 form. */
cm_rc cm_personal_seal(const json_t *fields, const uint8_t street[PROTO_KEY_BYTES],
                       const uint8_t community[PROTO_KEY_BYTES], json_t **out, cm_err *err);

/* CM_ERR_INVALID with a Chinese reason unless v is such an object, each box
 * canonical base64 of a box no longer than the limit: with_street 1, exactly
 * the two boxes; 0, the community's box and at most a street box beside it. */
cm_rc cm_personal_check(const json_t *v, int with_street, cm_err *err);

/* 1 when a street hub opens the boxes of entries of kind: a roster's names,
 * never the resident of a feedback (not even in older entries that carry a
 * box for the street).  The district opens none. */
int cm_personal_street_reads(const char *kind);

/* Open the box of sealed named which ("street" or "community") with kp; *out
 * a new JSON object.  CM_PROTO_BAD_SIGNATURE when it is not for kp,
 * CM_ERR_INVALID when what it holds is not a JSON object. */
cm_rc cm_personal_open(const json_t *sealed, const char *which, const proto_keypair *kp,
                       json_t **out, cm_err *err);

#endif
