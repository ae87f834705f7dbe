/* activity.h - major activities (重大活動) and their escalation (issue 5):
 * declared by a community (or a street-level organisation), acknowledged by the
 * street, acknowledged by the district, or returned with a note at either level.
 * Each acknowledgement is a signed `activity.ack` entry addressed to the
 * declaring community; a district's travels down through the street's relay.
 * Activity IDs are the declaring node's, the same at every level. */
#ifndef LINLI_HUB_ACTIVITY_H
#define LINLI_HUB_ACTIVITY_H

#include <jansson.h>
#include <stdint.h>

#include "../common/rc.h"
#include "../protocol/entry.h"
#include "hub.h"

#define HUB_ACTIVITY_NOTE_MAX 1024 /* bytes of a note, NUL included */

/* Every declared activity, by date: {"id", "org", "date", "title",
 * "community", "declared_ms", "late" (declared after its date), "street":
 * {"status": "pending"|"acknowledged"|"returned", "note"}, "district": {...}}.
 * New reference in *out. */
cm_rc hub_activity_list(hub_ctx *ctx, json_t **out, cm_err *err);

/* Acknowledge activity id at this hub's level (note may be NULL or "").
 * CM_ERR_NOT_FOUND for an unknown id.  *seq_out (may be NULL) gets the
 * entry's sequence. */
cm_rc hub_activity_ack(hub_ctx *ctx, const char *id, const char *operator_name, const char *note,
                       uint64_t *seq_out, cm_err *err);

/* Return activity id with a note (non-empty, else CM_ERR_INVALID). */
cm_rc hub_activity_return(hub_ctx *ctx, const char *id, const char *operator_name,
                          const char *note, uint64_t *seq_out, cm_err *err);


#endif
