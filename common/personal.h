/* personal.h - the personal fields of a record (a roster member's name, role
 * and home community; the resident who made a complaint) travel sealed inside
 * the signed entry: one sealed box to the street hub's key and one to the
 * community's own key (so a community restored from its street gets its
 * names back).  In the body they are
 *
 *   "sealed": {"street": "<base64 box>", "community": "<base64 box>"}
 *
 * each box a JSON object of text fields.  Every level checks the shape and
 * size (cm_personal_check); only the street hub and the community can open
 * it (docs/decisions/0045-sealed-personal-data.md). */
#ifndef LINLI_COMMON_PERSONAL_H
#define LINLI_COMMON_PERSONAL_H

#include <jansson.h>
#include <stdint.h>

#include "../protocol/keys.h"
#include "rc.h"

/* Bytes of one base64 box in a body (a 4 KiB message sealed and encoded). */
#define CM_PERSONAL_B64_MAX 5600

/* Seal fields (a JSON object of strings) to street and community; *out is a
 * new {"street","community"} object.  CM_ERR_TOO_LARGE for fields over the
 * sealed message limit, CM_ERR_INVALID for a key with no X25519 form. */
cm_rc cm_personal_seal(const json_t *fields, const uint8_t street[PROTO_KEY_BYTES],
                       const uint8_t community[PROTO_KEY_BYTES], json_t **out, cm_err *err);

/* CM_ERR_INVALID with a Chinese reason unless v is such an object: exactly the
 * two keys, each canonical base64 of a box no longer than the limit. */
cm_rc cm_personal_check(const json_t *v, cm_err *err);

/* Open the box of sealed named which ("street" or "community") with kp; *out
 * a new JSON object.  CM_PROTO_BAD_SIGNATURE when it is not for kp,
 * CM_ERR_INVALID when what it holds is not a JSON object. */
cm_rc cm_personal_open(const json_t *sealed, const char *which, const proto_keypair *kp,
                       json_t **out, cm_err *err);

#endif
