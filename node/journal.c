/* journal.c - the append path of the node's log. */
#include "journal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/clock.h"
#include "../common/failpoint.h"
#include "../common/json.h"
#include "../common/records.h"
#include "../protocol/entry.h"
#include "node.h"
#include "members.h"
#include "project.h"
#include "rounds.h"
#include "store.h"

typedef struct jtx {
  store_tx_fn fn;
  void *arg;
} jtx;

static cm_rc journal_body(node_ctx *ctx, void *p, cm_err *err) {
  jtx *j = p;
  cm_rc rc = j->fn(ctx, j->arg, err);
  if (!rc) CM_FAILPOINT("node.append.before_commit");
  return rc;
}

cm_rc journal_tx(node_ctx *ctx, store_tx_fn fn, void *arg, cm_err *err) {
  jtx j = {fn, arg};
  cm_rc rc = store_tx(ctx, journal_body, &j, err);
  if (!rc) CM_FAILPOINT("node.append.after_commit");
  return rc;
}


/* The domain core's checks (common/records.h) on the exact bytes about to be
 * signed, with the context a hub will use: this community's code, today, and
 * the organisation the body names as this node holds it. */
static cm_rc core_check(node_ctx *ctx, const char *kind, const uint8_t *p, size_t len,
                        cm_err *err) {
  const cm_rec_def *def = cm_rec_find(kind);
  cm_rec_body b;
  cm_rec_ctx c;
  json_t *json = NULL, *org = NULL;
  const char *org_id = NULL;
  if (def->kind == CM_REC_OTHER) return CM_OK;
  cm_rc rc = cm_rec_read(def, p, len, &b, &json, err);
  if (rc) goto out;
  memset(&c, 0, sizeof c);
  c.writer = CM_REC_COMMUNITY;
  c.decision_to_author = -1;
  proto_key_hex(ctx->kp.pk, c.author_hex);
  c.org_file_bytes = -1; /* node_attach checks the year's cap with its own setting */
  c.time_ms = (int64_t)node_now_ms(ctx);
  cm_date_of((uint64_t)c.time_ms, c.today);
  memcpy(c.latest, c.today, sizeof c.latest);
  rc = store_meta_get(ctx, "code", c.prefix, sizeof c.prefix, NULL);
  if (rc) c.prefix[0] = '\0';
  rc = CM_OK;
  if (b.kind == CM_REC_NOTICE_READ) {
    int held = 0;
    rc = store_notice_held(ctx, b.u.notice.notice, &held, err);
    if (rc) goto out;
    c.notice_not_to_author = !held;
  }
  org_id = cm_rec_body_org(&b);
  if (org_id && store_org_get(ctx, org_id, &org, NULL) == CM_OK && org) {
    c.org_known = 1;
    const char *filed = json_string_value(json_object_get(org, "filed"));
    snprintf(c.org_filed, sizeof c.org_filed, "%s", filed ? filed : "");
    c.org_members = json_integer_value(json_object_get(org, "members"));
    c.org_party = json_integer_value(json_object_get(org, "party_members"));
    /* a roster, once there is one, gives the counts, as at the hub (only
     * an amendment's check reads them) */
    int has = 0;
    int64_t m = 0, pm = 0;
    if (def->kind == CM_REC_ORG_AMENDED && node_roster_counts(ctx, org_id, &has, &m, &pm, NULL) == CM_OK && has) {
      c.org_members = m;
      c.org_party = pm;
    }
  }
  if (b.kind == CM_REC_NOMINATION) rc = node_eval_round_ctx(ctx, b.u.nomination.round, &c, err);
  if (!rc) rc = cm_rec_check(def, &b, &c, err);
out:
  json_decref(org);
  json_decref(json);
  return rc;
}

cm_rc journal_append_in_tx(node_ctx *ctx, const char *kind, const json_t *body,
                           uint64_t *seq_out, cm_err *err) {
  cm_buf b;
  uint8_t *raw = NULL;
  proto_entry e;
  uint8_t hash[PROTO_HASH_BYTES];
  size_t raw_len = 0;
  cm_rc rc;
  cm_buf_init(&b, PROTO_BODY_MAX);
  memset(&e, 0, sizeof e);
  rc = cm_json_dump(body, &b);
  if (rc == CM_ERR_TOO_LARGE) {
    rc = cm_errf(err, rc, "记录过长 / the record is over %u bytes", PROTO_BODY_MAX);
    goto out;
  }
  if (rc) {
    cm_errf(err, rc, "无法写出记录的内容");
    goto out;
  }
  rc = core_check(ctx, kind, b.p, b.len, err);
  if (rc) goto out;
  rc = store_log_head(ctx, &e.seq, e.prev, err);
  if (rc) goto out;
  e.seq++;
  memcpy(e.author, ctx->kp.pk, PROTO_KEY_BYTES);
  e.time_ms = node_now_ms(ctx);
  snprintf(e.kind, sizeof e.kind, "%s", kind);
  e.body = b.p;
  e.body_len = b.len;
  raw_len = proto_entry_encoded_len(&e);
  raw = malloc(raw_len);
  if (!raw) {
    rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
    goto out;
  }
  rc = proto_entry_encode(&e, raw, raw_len, &raw_len);
  if (!rc) rc = proto_entry_hash(&e, hash);
  if (rc) {
    cm_errf(err, rc, "无法编码这条记录");
    goto out;
  }
  rc = store_log_insert(ctx, e.seq, hash, e.time_ms, kind, raw, raw_len, err);
  if (!rc) rc = project_entry(ctx, e.seq, e.time_ms, kind, body, err);
  if (!rc && seq_out) *seq_out = e.seq;
out:
  free(raw);
  cm_buf_free(&b);
  return rc;
}

cm_rc journal_adopt_in_tx(node_ctx *ctx, const uint8_t *raw, size_t len, cm_err *err) {
  proto_entry e;
  uint64_t head = 0;
  uint8_t head_hash[PROTO_HASH_BYTES], hash[PROTO_HASH_BYTES];
  json_t *body = NULL;
  cm_rc rc = proto_entry_decode(raw, len, &e, err);
  if (rc) goto out;
  if (memcmp(e.author, ctx->kp.pk, PROTO_KEY_BYTES) != 0) {
    rc = cm_errf(err, CM_ERR_CONFLICT, "街道分会返回了另一个作者的记录");
    goto out;
  }
  rc = store_log_head(ctx, &head, head_hash, err);
  if (rc) goto out;
  if (e.seq != head + 1 || memcmp(e.prev, head_hash, PROTO_HASH_BYTES) != 0) {
    rc = cm_errf(err, CM_ERR_CONFLICT,
                 "街道分会返回的第 %llu 条接不上本机台账的第 %llu 条",
                 (unsigned long long)e.seq, (unsigned long long)head);
    goto out;
  }
  rc = proto_entry_hash(&e, hash);
  if (!rc) rc = cm_json_parse_object(e.body, e.body_len, &body, err);
  if (!rc) rc = store_log_insert(ctx, e.seq, hash, e.time_ms, e.kind, raw, len, err);
  if (!rc) rc = project_entry(ctx, e.seq, e.time_ms, e.kind, body, err);
out:
  json_decref(body);
  return rc;
}
