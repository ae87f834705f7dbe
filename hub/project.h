/* project.h - the hub's SQL projection of the logs it holds (communities,
 * organisations, reports, activities), applied one entry at a time by ingest
 * and by `rebuild`; both must give the same tables. */
#ifndef LINLI_HUB_PROJECT_H
#define LINLI_HUB_PROJECT_H

#include "../common/rc.h"
#include "../protocol/entry.h"
#include "hub.h"

/* Apply one stored entry (docs/records.md).  The caller holds ctx->lock and an
 * open transaction.  hub.enrolled counts only from this hub itself or, at a
 * district, from an enrolled street hub (for its communities); a body that
 * cannot be read is skipped with a warning, never refused: the entry is
 * signed history and stays stored.  received_ms is when this hub stored the
 * entry (entries.received_ms), kept on report rows for the dashboard. */
cm_rc hub_project_entry(hub_ctx *ctx, const proto_entry *e, uint64_t received_ms, cm_err *err);

/* Rebuild the projection from the stored entries in one transaction. */
cm_rc hub_rebuild(hub_ctx *ctx, cm_err *err);

#endif
