/* project.c - from entries to tables. */
#include "project.h"

#include <string.h>

#include "../common/json.h"
#include "../protocol/entry.h"
#include "journal.h"

/* An organisation's status after a change; a revoked org stays revoked. */
static cm_rc org_set_status(node_ctx *ctx, const char *id, const char *status,
                            const char *reason, cm_err *err) {
  json_t *org = NULL;
  cm_rc rc = store_org_get(ctx, id, &org, NULL);
  if (rc == CM_ERR_NOT_FOUND) return CM_OK; /* nothing to mark: keep the projection total */
  if (rc) return cm_errf(err, rc, "cannot read organisation %s", id);
  json_object_set_new(org, "status", json_string(status));
  json_object_set_new(org, "reason", json_string(reason ? reason : ""));
  rc = store_org_put(ctx, org, err);
  json_decref(org);
  return rc;
}

cm_rc project_entry(node_ctx *ctx, uint64_t seq, uint64_t time_ms, const char *kind,
                    const json_t *body, cm_err *err) {
  char record[PROTO_KEY_HEX + 24];
  json_t *org = NULL;
  cm_rc rc = CM_OK;
  const char *id = json_string_value(json_object_get(body, "id"));
  journal_record_id(ctx, seq, record, sizeof record);
  if (strcmp(kind, "org.filed") == 0) {
    org = json_deep_copy(body);
    if (!org || !id) goto out;
    json_object_set_new(org, "status", json_string("active"));
    json_object_set_new(org, "reason", json_string(""));
    json_object_set_new(org, "record", json_string(record));
    rc = store_org_put(ctx, org, err);
  } else if (strcmp(kind, "org.amended") == 0) {
    if (!id) goto out;
    rc = store_org_get(ctx, id, &org, NULL);
    if (rc == CM_ERR_NOT_FOUND) {
      rc = CM_OK;
      goto out;
    }
    if (rc) goto out;
    json_t *changes = json_object_get(body, "changes");
    if (json_is_object(changes)) json_object_update_existing(org, changes);
    json_t *flags = json_object_get(body, "flags");
    if (json_is_array(flags)) json_object_set(org, "flags", flags);
    rc = store_org_put(ctx, org, err);
  } else if (strcmp(kind, "org.dissolved") == 0) {
    if (id)
      rc = org_set_status(ctx, id, "dissolved",
                          json_string_value(json_object_get(body, "reason")), err);
  } else if (strcmp(kind, "report.monthly") == 0) {
    rc = store_report_put(ctx, seq, body, time_ms, err);
  } else if (strcmp(kind, "activity.declared") == 0) {
    rc = store_activity_put(ctx, seq, body, err);
  } else if (strcmp(kind, "rectification.filed") == 0) {
    rc = store_rect_put(ctx, seq, body, err);
  }
out:
  json_decref(org);
  return rc;
}

cm_rc project_decision(node_ctx *ctx, const char *kind, const json_t *body, cm_err *err) {
  if (strcmp(kind, "decision.revoke") == 0) {
    const char *org = json_string_value(json_object_get(body, "org"));
    if (org)
      return org_set_status(ctx, org, "revoked",
                            json_string_value(json_object_get(body, "reason")), err);
  }
  return CM_OK;
}

static cm_rc rebuild_entry(void *arg, uint64_t seq, const uint8_t *raw, size_t len,
                           cm_err *err) {
  node_ctx *ctx = arg;
  proto_entry e;
  json_t *body = NULL;
  cm_rc rc = proto_entry_decode(raw, len, &e, err);
  if (!rc && e.seq != seq)
    rc = cm_errf(err, CM_ERR_DB, "log row %llu holds entry %llu", (unsigned long long)seq,
                 (unsigned long long)e.seq);
  if (!rc) rc = cm_json_parse_object(e.body, e.body_len, &body, err);
  if (!rc) rc = project_entry(ctx, seq, e.time_ms, e.kind, body, err);
  json_decref(body);
  return rc;
}

static cm_rc rebuild_decision(void *arg, uint64_t cursor, const char *kind, const char *body,
                              cm_err *err) {
  node_ctx *ctx = arg;
  json_t *b = NULL;
  (void)cursor;
  /* The inbox only holds bodies that parsed when they arrived. */
  if (cm_json_parse_object((const uint8_t *)body, strlen(body), &b, NULL) != CM_OK) return CM_OK;
  cm_rc rc = project_decision(ctx, kind, b, err);
  json_decref(b);
  return rc;
}

static cm_rc rebuild_tx(node_ctx *ctx, void *arg, cm_err *err) {
  (void)arg;
  cm_rc rc = store_proj_clear(ctx, err);
  if (!rc) rc = store_log_each(ctx, 1, 0, rebuild_entry, ctx, err);
  if (!rc) rc = store_inbox_each(ctx, rebuild_decision, ctx, err);
  return rc;
}

cm_rc project_rebuild(node_ctx *ctx, cm_err *err) {
  return store_tx(ctx, rebuild_tx, NULL, err);
}
