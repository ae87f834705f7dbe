/* people.h - the people of an organisation at a hub: its roster (人员名册),
 * service pledge (服务承诺), residents' feedback (群众监督) and funding
 * (资金扶持), read from the signed entries (hub/store.c).  Personal fields
 * travel sealed (common/personal.h): a street hub opens the box of a roster
 * sealed to its own key and shows names; who made a feedback stays at the
 * community; a district never opens anything and shows counts only. */
#ifndef LINLI_HUB_PEOPLE_H
#define LINLI_HUB_PEOPLE_H

#include <jansson.h>
#include <stdint.h>

#include "../common/rc.h"
#include "../protocol/keys.h"
#include "hub.h"

/* Add to out (an organisation's dashboard answer) for org of author:
 * "roster_counts": {"roster": bool, "members", "party_members", "leaders",
 * "left"}; at a street hub also "roster": [{"member", "name", "role",
 * "home_community", "party_member", "leader", "joined", "left", "reason",
 * "current"}]; "pledge": {"rules", "pledge", "time"} or null; "feedback":
 * [{"id", "type", "content", "received", "status", "handled", "result",
 * "overdue"}] (never who made it); "funding": [{"year", "source",
 * "amount" (fen), "purpose", "date"}].  today is "YYYY-MM-DD".  Caller holds
 * hub->lock with a read transaction open. */
cm_rc hub_people_org(hub_ctx *hub, const uint8_t author[PROTO_KEY_BYTES], const char *org,
                     const char *today, json_t *out, cm_err *err);

/* Residents' feedback overdue on today (not reported to the street
 * hub_feedback_days_get days after it was received): {"author", "id", "org",
 * "type", "received", "status", "days"}.  Never who made it.  Caller holds
 * hub->lock.  New reference in *out. */
cm_rc hub_people_feedback_overdue(hub_ctx *hub, const char *today, json_t **out, cm_err *err);

#endif
