/* summary.h - the dashboard's aggregates (GET /api/v1/summary): counts only,
 * never names of people or phone numbers. */
#ifndef LINLI_HUB_SUMMARY_H
#define LINLI_HUB_SUMMARY_H

#include <jansson.h>

#include "../common/rc.h"
#include "hub.h"

/* {"accepted": {...}, "pending": {...}, "streets": [{"name", "accepted",
 * "pending", "communities": [{"name", "code", "accepted", "pending"}]}]} where
 * each count object holds organisations, reports, activities, participants,
 * party_participants (docs/api.md).  A street hub lists itself as its one
 * street.  New reference; NULL on failure with err set. */
json_t *hub_summary(hub_ctx *ctx, cm_err *err);

#endif
