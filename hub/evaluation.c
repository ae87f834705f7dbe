/* evaluation.c - evaluation and commendation (评比表彰) at a hub
 * (hub/evaluation.h). */
#include "evaluation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/clock.h"
#include "../common/log.h"
#include "decide.h"
#include "hublog.h"
#include "orgs_local.h"
#include "project_hub.h"
#include "store.h"
#include "table.h"

#define EVAL_TEXT_MAX 4000 /* bytes of an opinion or a reason */

/* The date days after date. */
static void date_plus(const char *date, int days, char out[11]) {
  uint64_t t = 0;
  if (cm_date_parse(date, &t) != CM_OK) t = cm_now_ms();
  cm_date_of(t + (uint64_t)days * 86400000u, out);
}

/* The body of a round for each community (hub_local_fanout_locked fills
 * "to", "community" and "street"); NULL when out of memory. */
static json_t *round_body(const char *round, json_int_t year, const char *title,
                          const char *closes, const char *operator_name) {
  return json_pack("{s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:s,s:s}", "to", "", "round", round, "community",
                   "", "street", "", "year", year, "title", title, "closes", closes, "by",
                   "district", "operator", operator_name ? operator_name : "");
}

static const char *const round_per_community[] = {"community", "name", "street", "street", NULL};

/* 1 when a row of hub_store_rounds_json still takes nominations on today. */
static int round_open(const json_t *r, const char *today) {
  const char *closes = json_string_value(json_object_get(r, "closes"));
  return closes && strcmp(today, closes) <= 0 &&
         json_integer_value(json_object_get(r, "closed_ms")) <= 0;
}

cm_rc hub_eval_open(hub_ctx *ctx, int year, const char *title, const char *closes,
                    const char *operator_name, char round_out[CM_REC_ROUND_MAX],
                    size_t *communities_out, cm_err *err) {
  json_t *rounds = NULL, *comms = NULL, *c, *body = NULL;
  char today[11], last[11];
  uint64_t t;
  size_t i, n = 0;
  cm_rc rc = CM_OK;
  round_out[0] = '\0';
  *communities_out = 0;
  cm_date_of(cm_now_ms(), today);
  date_plus(today, 366, last);
  if (ctx->role != HUB_ROLE_DISTRICT) return cm_errf(err, CM_ERR_PERM, "评比由区协会发起");
  if (year < 2000 || year > atoi(today))
    return cm_errf(err, CM_ERR_INVALID, "评比年度应为2000年至%d年", atoi(today));
  if (!title || !*title || strlen(title) > CM_REC_SHORT_MAX)
    return cm_errf(err, CM_ERR_INVALID, "评比须有名称（--title，最多%d字节）", CM_REC_SHORT_MAX);
  if (!closes || strlen(closes) != 10 || cm_date_parse(closes, &t) != CM_OK ||
      strcmp(closes, today) < 0 || strcmp(closes, last) > 0)
    return cm_errf(err, CM_ERR_INVALID, "提名截止日期应为%s至%s之间的日期（YYYY-MM-DD），而不是“%s”",
                   today, last, closes ? closes : "");
  if (operator_name && strlen(operator_name) >= HUB_NAME_MAX)
    return cm_errf(err, CM_ERR_INVALID, "操作员姓名过长");
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_begin(ctx->store, err);
  if (rc) goto unlock;
  rc = hub_store_rounds_json(ctx->store, ctx->kp.pk, NULL, &rounds, err);
  if (!rc) rc = hub_store_communities_json(ctx->store, "", &comms, err);
  if (!rc && json_array_size(comms) == 0)
    rc = cm_errf(err, CM_ERR_INVALID, "区内还没有登记的社区，无法发起评比");
  if (!rc) {
    /* The year's next number: "2026-1", "2026-2", ... */
    int k = 1;
    json_array_foreach(rounds, i, c) if (json_integer_value(json_object_get(c, "year")) == year) k++;
    if (k > 999) rc = cm_errf(err, CM_ERR_INVALID, "%d年度的评比已满999次", year);
    snprintf(round_out, CM_REC_ROUND_MAX, "%04u-%u", (unsigned)year % 10000u, (unsigned)k % 1000u);
  }
  if (!rc) {
    body = round_body(round_out, year, title, closes, operator_name);
    rc = body ? hub_local_fanout_locked(ctx, "evaluation.round", body, comms, round_per_community,
                                        &n, err)
              : cm_errf(err, CM_ERR_NOMEM, "out of memory");
  }
  if (!rc)
    rc = hub_store_commit(ctx->store, err);
  else
    hub_store_rollback(ctx->store);
unlock:
  pthread_mutex_unlock(&ctx->lock);
  json_decref(rounds);
  json_decref(comms);
  json_decref(body);
  if (rc) {
    round_out[0] = '\0';
    return rc;
  }
  *communities_out = n;
  cm_info("evaluation: round %s opened for %zu communities", round_out, n);
  return CM_OK;
}

/* The open rounds' entries for the communities each has not reached yet
 * (lock held; a transaction open when append).  *n_out how many were (or,
 * without append, would be) written. */
static cm_rc reach_late(hub_ctx *ctx, int append, size_t *n_out, cm_err *err) {
  json_t *rounds = NULL, *r;
  size_t i;
  char today[11];
  cm_date_of(cm_now_ms(), today);
  *n_out = 0;
  cm_rc rc = hub_store_rounds_json(ctx->store, ctx->kp.pk, NULL, &rounds, err);
  json_array_foreach(rounds, i, r) {
    json_t *missing = NULL, *body = NULL;
    size_t n = 0;
    if (rc) break;
    if (!round_open(r, today)) continue;
    rc = hub_store_round_reach_json(ctx->store, ctx->kp.pk,
                                    json_string_value(json_object_get(r, "round")), 0, &missing,
                                    err);
    n = json_array_size(missing);
    if (!rc && append && n) {
      body = round_body(json_string_value(json_object_get(r, "round")),
                        json_integer_value(json_object_get(r, "year")),
                        json_string_value(json_object_get(r, "title")),
                        json_string_value(json_object_get(r, "closes")),
                        json_string_value(json_object_get(r, "operator")));
      rc = body ? hub_local_fanout_locked(ctx, "evaluation.round", body, missing,
                                          round_per_community, &n, err)
                : cm_errf(err, CM_ERR_NOMEM, "out of memory");
    }
    if (!rc) *n_out += n;
    json_decref(missing);
    json_decref(body);
  }
  json_decref(rounds);
  return rc;
}

cm_rc hub_eval_reach_late(hub_ctx *ctx, size_t *n_out, cm_err *err) {
  size_t n = 0;
  *n_out = 0;
  if (ctx->role != HUB_ROLE_DISTRICT) return CM_OK;
  pthread_mutex_lock(&ctx->lock);
  /* A look without a write transaction first: most calls find nothing. */
  cm_rc rc = reach_late(ctx, 0, &n, err);
  if (!rc && n) {
    rc = hub_store_begin(ctx->store, err);
    if (!rc) rc = reach_late(ctx, 1, &n, err);
    if (!rc)
      rc = hub_store_commit(ctx->store, err);
    else
      hub_store_rollback(ctx->store);
  }
  pthread_mutex_unlock(&ctx->lock);
  if (!rc && n) {
    *n_out = n;
    cm_info("evaluation: open rounds reached %zu communities enrolled after they opened", n);
  }
  return rc;
}

cm_rc hub_eval_close(hub_ctx *ctx, const char *round, const char *reason,
                     const char *operator_name, size_t *communities_out, cm_err *err) {
  json_t *rows = NULL, *comms = NULL, *body = NULL, *r;
  char today[11];
  uint64_t now = cm_now_ms();
  cm_rc rc;
  *communities_out = 0;
  cm_date_of(now, today);
  if (ctx->role != HUB_ROLE_DISTRICT) return cm_errf(err, CM_ERR_PERM, "评比只能由区协会提前截止");
  if (!round || cm_rec_round_id(round, NULL) != CM_OK)
    return cm_errf(err, CM_ERR_INVALID, "评比应以评比编号指明（如2026-1），而不是“%s”",
                   round ? round : "");
  if (reason && strlen(reason) > EVAL_TEXT_MAX)
    return cm_errf(err, CM_ERR_INVALID, "提前截止的说明最多%d字节", EVAL_TEXT_MAX);
  if (operator_name && strlen(operator_name) >= HUB_NAME_MAX)
    return cm_errf(err, CM_ERR_INVALID, "操作员姓名过长");
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_begin(ctx->store, err);
  if (rc) goto unlock;
  rc = hub_store_rounds_json(ctx->store, ctx->kp.pk, round, &rows, err);
  r = json_array_get(rows, 0);
  if (!rc && !r) rc = cm_errf(err, CM_ERR_NOT_FOUND, "没有评比「%s」", round);
  if (!rc && json_integer_value(json_object_get(r, "closed_ms")) > 0)
    rc = cm_errf(err, CM_ERR_EXISTS, "评比「%s」已于%s提前截止", round,
                 json_string_value(json_object_get(r, "closed")));
  if (!rc && !round_open(r, today))
    rc = cm_errf(err, CM_ERR_INVALID, "评比「%s」已于%s截止提名，无须提前截止", round,
                 json_string_value(json_object_get(r, "closes")));
  /* To every community the round reached: each node learns it is closed. */
  if (!rc) rc = hub_store_round_reach_json(ctx->store, ctx->kp.pk, round, 1, &comms, err);
  if (!rc) {
    body = json_pack("{s:s,s:s,s:s,s:I,s:s,s:s,s:s}", "to", "", "round", round, "closed", today,
                     "closed_ms", (json_int_t)now, "reason", reason ? reason : "", "by", "district",
                     "operator", operator_name ? operator_name : "");
    if (!body) rc = cm_errf(err, CM_ERR_NOMEM, "out of memory");
  }
  if (!rc && json_array_size(comms) == 0) {
    /* Every community it reached is revoked since: the close still stands here. */
    json_object_del(body, "to");
    rc = hub_log_append_locked(ctx, "evaluation.closed", body, NULL, err);
  } else if (!rc) {
    rc = hub_local_fanout_locked(ctx, "evaluation.closed", body, comms, NULL, communities_out, err);
  }
  if (!rc)
    rc = hub_store_commit(ctx->store, err);
  else
    hub_store_rollback(ctx->store);
unlock:
  pthread_mutex_unlock(&ctx->lock);
  json_decref(rows);
  json_decref(comms);
  json_decref(body);
  if (!rc) cm_info("evaluation: round %s closed early", round);
  return rc;
}

cm_rc hub_eval_nominate(hub_ctx *ctx, const char *round, const char *org, const char *person,
                        const char *deeds, char *record_out, size_t record_cap, cm_err *err) {
  uint64_t seq = 0;
  if (record_out && record_cap) record_out[0] = '\0';
  if (ctx->role != HUB_ROLE_STREET)
    return cm_errf(err, CM_ERR_PERM, "区协会不提名：社区提名本社区的组织，街道分会提名本街道一级的组织");
  json_t *body = json_pack("{s:s,s:s,s:s,s:s}", "round", round ? round : "", "org", org ? org : "",
                           "person", person ? person : "", "deeds", deeds ? deeds : "");
  if (!body) return cm_errf(err, CM_ERR_NOMEM, "out of memory");
  if (!person || !*person) json_object_del(body, "person");
  /* The round, the organisation (one of this street's own) and the dates are
   * the domain core's to check, as for a community's nomination. */
  cm_rc rc = hub_local_append(ctx, "evaluation.nominated", body, &seq, err);
  json_decref(body);
  if (!rc && record_out) hub_record_id(ctx->kp.pk, seq, record_out, record_cap);
  return rc;
}

cm_rc hub_eval_own_orgs(hub_ctx *ctx, json_t **out, cm_err *err) {
  json_t *all = NULL, *o;
  size_t i;
  char prefix[16];
  *out = json_array();
  if (!*out) return cm_errf(err, CM_ERR_NOMEM, "out of memory");
  snprintf(prefix, sizeof prefix, "%.12s-", ctx->key_hex);
  pthread_mutex_lock(&ctx->lock);
  cm_rc rc = hub_store_street_org_names(ctx->store, "", &all, err);
  pthread_mutex_unlock(&ctx->lock);
  json_array_foreach(all, i, o) {
    const char *id = json_string_value(json_object_get(o, "id"));
    if (rc) break;
    if (ctx->role == HUB_ROLE_STREET && id && !strncmp(id, prefix, strlen(prefix)) &&
        json_array_append(*out, o))
      rc = cm_errf(err, CM_ERR_NOMEM, "out of memory");
  }
  json_decref(all);
  if (rc) {
    json_decref(*out);
    *out = NULL;
  }
  return rc;
}

cm_rc hub_eval_rounds(hub_ctx *ctx, json_t **out, cm_err *err) {
  char today[11];
  size_t i;
  json_t *r;
  cm_date_of(cm_now_ms(), today);
  pthread_mutex_lock(&ctx->lock);
  cm_rc rc = hub_store_rounds_json(ctx->store, ctx->kp.pk, NULL, out, err);
  pthread_mutex_unlock(&ctx->lock);
  if (rc) return rc;
  json_array_foreach(*out, i, r) json_object_set_new(r, "open", json_boolean(round_open(r, today)));
  return CM_OK;
}


/* "nominated" | "recommended" | "commended" of a nomination row. */
static const char *status_of(const json_t *n) {
  if (*json_string_value(json_object_get(n, "commendation"))) return "commended";
  if (*json_string_value(json_object_get(n, "recommendation"))) return "recommended";
  return "nominated";
}

cm_rc hub_eval_nominations(hub_ctx *ctx, const char *round, int year, json_t **out, cm_err *err) {
  json_t *all = NULL, *n;
  size_t i;
  *out = json_array();
  if (!*out) return cm_errf(err, CM_ERR_NOMEM, "out of memory");
  char dk[PROTO_KEY_HEX];
  hub_district_hex(ctx, dk);
  pthread_mutex_lock(&ctx->lock);
  cm_rc rc = hub_store_nominations_json(ctx->store, NULL, 0, dk, &all, err);
  pthread_mutex_unlock(&ctx->lock);
  json_array_foreach(all, i, n) {
    if (rc) break;
    if (json_integer_value(json_object_get(n, "refused"))) continue;
    if (round && *round && strcmp(round, json_string_value(json_object_get(n, "round"))) != 0)
      continue;
    if (year && json_integer_value(json_object_get(n, "year")) != year) continue;
    json_object_set_new(n, "status", json_string(status_of(n)));
    if (json_array_append(*out, n)) rc = cm_errf(err, CM_ERR_NOMEM, "out of memory");
  }
  json_decref(all);
  if (rc) {
    json_decref(*out);
    *out = NULL;
  }
  return rc;
}

/* The nomination of record id rec (lock held): its row, or NULL (then
 * *why_rc is CM_ERR_NOT_FOUND with a reason).  New reference. */
static cm_rc nomination_get(hub_ctx *ctx, const char *rec, json_t **row_out, cm_err *err) {
  uint8_t author[PROTO_KEY_BYTES];
  uint64_t seq = 0;
  json_t *rows = NULL;
  *row_out = NULL;
  cm_rc rc = hub_record_parse(rec, author, &seq, err);
  if (rc) return cm_errf(err, CM_ERR_INVALID, "提名应以记录编号指明，而不是“%s”", rec ? rec : "");
  char dk[PROTO_KEY_HEX];
  hub_district_hex(ctx, dk);
  rc = hub_store_nominations_json(ctx->store, author, (int64_t)seq, dk, &rows, err);
  if (!rc && (json_array_size(rows) == 0 ||
              json_integer_value(json_object_get(json_array_get(rows, 0), "refused"))))
    rc = cm_errf(err, CM_ERR_NOT_FOUND, "本级没有记录编号为“%s”的有效提名", rec);
  if (!rc) *row_out = json_incref(json_array_get(rows, 0));
  json_decref(rows);
  return rc;
}

cm_rc hub_eval_recommend(hub_ctx *ctx, const char *nomination, const char *opinion,
                         const char *operator_name, char *record_out, size_t record_cap,
                         cm_err *err) {
  json_t *n = NULL, *body = NULL;
  uint64_t seq = 0;
  if (record_out && record_cap) record_out[0] = '\0';
  if (ctx->role != HUB_ROLE_STREET) return cm_errf(err, CM_ERR_PERM, "推荐由街道分会作出");
  if (!opinion || !*opinion || strlen(opinion) > EVAL_TEXT_MAX)
    return cm_errf(err, CM_ERR_INVALID, "推荐须写明推荐意见（--opinion，最多%d字节）", EVAL_TEXT_MAX);
  if (operator_name && strlen(operator_name) >= HUB_NAME_MAX)
    return cm_errf(err, CM_ERR_INVALID, "操作员姓名过长");
  pthread_mutex_lock(&ctx->lock);
  cm_rc rc = hub_store_begin(ctx->store, err);
  if (rc) goto unlock;
  rc = nomination_get(ctx, nomination, &n, err);
  const char *by = json_string_value(json_object_get(n, "enrolled_by"));
  const char *author = json_string_value(json_object_get(n, "author"));
  if (!rc && strcmp(author, ctx->key_hex) != 0 && (!by || strcmp(by, ctx->key_hex) != 0))
    rc = cm_errf(err, CM_ERR_PERM, "这项提名不是本街道的社区提出的");
  if (!rc && *json_string_value(json_object_get(n, "recommendation")))
    rc = cm_errf(err, CM_ERR_EXISTS, "这项提名已经推荐过了");
  if (!rc) {
    body = json_pack("{s:s,s:s,s:s,s:s,s:s}", "nomination", nomination, "opinion", opinion, "by",
                     "street", "operator", operator_name ? operator_name : "", "to", author);
    /* A street's own organisation's nomination stays here: no node below. */
    if (body && !strcmp(author, ctx->key_hex)) json_object_del(body, "to");
    rc = body ? hub_log_append_locked(ctx, "evaluation.recommended", body, &seq, err)
              : cm_errf(err, CM_ERR_NOMEM, "out of memory");
  }
  if (!rc)
    rc = hub_store_commit(ctx->store, err);
  else
    hub_store_rollback(ctx->store);
unlock:
  pthread_mutex_unlock(&ctx->lock);
  json_decref(n);
  json_decref(body);
  if (!rc && record_out) hub_record_id(ctx->kp.pk, seq, record_out, record_cap);
  return rc;
}

cm_rc hub_eval_select(hub_ctx *ctx, const char *nomination, const char *reason,
                      const char *operator_name, char *record_out, size_t record_cap,
                      cm_err *err) {
  json_t *n = NULL, *extra = NULL;
  hub_decision d;
  if (record_out && record_cap) record_out[0] = '\0';
  if (ctx->role != HUB_ROLE_DISTRICT) return cm_errf(err, CM_ERR_PERM, "评定表彰由区协会作出");
  if (!reason || !*reason || strlen(reason) > EVAL_TEXT_MAX)
    return cm_errf(err, CM_ERR_INVALID, "表彰须写明理由（--reason，最多%d字节）", EVAL_TEXT_MAX);
  pthread_mutex_lock(&ctx->lock);
  cm_rc rc = nomination_get(ctx, nomination, &n, err);
  pthread_mutex_unlock(&ctx->lock);
  if (!rc && !*json_string_value(json_object_get(n, "recommendation")))
    rc = cm_errf(err, CM_ERR_INVALID, "这项提名还没有街道分会的推荐");
  if (!rc && *json_string_value(json_object_get(n, "commendation")))
    rc = cm_errf(err, CM_ERR_EXISTS, "这项提名已经评定表彰了");
  if (!rc) {
    extra = json_pack("{s:O,s:O,s:s,s:O,s:O}", "round", json_object_get(n, "round"), "year",
                      json_object_get(n, "year"), "nomination", nomination, "person",
                      json_object_get(n, "person"), "name", json_object_get(n, "name"));
    if (!extra) rc = cm_errf(err, CM_ERR_NOMEM, "out of memory");
  }
  if (!rc) {
    memset(&d, 0, sizeof d);
    d.kind = HUB_DECIDE_COMMEND;
    d.org = json_string_value(json_object_get(n, "org"));
    d.reason = reason;
    /* Two operators selecting at once may both pass the check above: the
     * list counts the first commendation of a nomination only. */
    rc = hub_decide_with(ctx, &d, 0, extra, operator_name, record_out, record_cap, err);
  }
  json_decref(n);
  json_decref(extra);
  return rc;
}

cm_rc hub_eval_commendations(hub_ctx *ctx, int year, json_t **out, cm_err *err) {
  char dk[PROTO_KEY_HEX];
  hub_district_hex(ctx, dk);
  pthread_mutex_lock(&ctx->lock);
  cm_rc rc = hub_store_commendations_json(ctx->store, year, dk, out, err);
  pthread_mutex_unlock(&ctx->lock);
  return rc;
}

cm_rc hub_eval_commendations_file(const json_t *list, int xlsx, const char *dir, cm_buf *out,
                                  cm_err *err) {
  json_t *rows = json_array(), *o, *wrap = NULL;
  hub_table t;
  size_t i;
  cm_rc rc = rows ? CM_OK : CM_ERR_NOMEM;
  memset(&t, 0, sizeof t);
  json_array_foreach(list, i, o) {
    char day[11];
    const char *person = json_string_value(json_object_get(o, "person"));
    cm_date_of((uint64_t)json_integer_value(json_object_get(o, "time_ms")), day);
    json_t *row = json_pack("{s:O,s:O,s:O,s:O,s:O,s:O,s:s,s:s,s:O,s:s}", "年度",
                            json_object_get(o, "year"), "评比", json_object_get(o, "round"),
                            "街道", json_object_get(o, "street"), "社区",
                            json_object_get(o, "community"), "备案编号", json_object_get(o, "org"),
                            "组织名称", json_object_get(o, "name"), "表彰对象",
                            person && *person ? "个人" : "组织", "个人姓名", person ? person : "",
                            "表彰理由", json_object_get(o, "reason"), "表彰日期", day);
    if (!rc && (!row || json_array_append_new(rows, row))) rc = CM_ERR_NOMEM;
  }
  if (!rc) {
    wrap = json_pack("{s:O}", "rows", rows);
    if (!wrap) rc = CM_ERR_NOMEM;
  }
  if (rc) {
    json_decref(rows);
    return cm_errf(err, rc, "out of memory building the list");
  }
  if (json_array_size(rows) == 0) {
    /* An empty year still has its headers. */
    json_t *head = json_pack("[ssssssssss]", "年度", "评比", "街道", "社区", "备案编号", "组织名称",
                             "表彰对象", "个人姓名", "表彰理由", "表彰日期");
    t.head = head;
    t.rows = json_array();
    rc = head && t.rows ? CM_OK : cm_errf(err, CM_ERR_NOMEM, "out of memory");
  } else {
    rc = hub_table_from(wrap, "rows", CM_LANG_ZH, 0, &t, err);
  }
  if (!rc) rc = xlsx ? hub_table_xlsx(&t, "表彰名单", dir, out, err) : hub_table_csv(&t, out, err);
  hub_table_free(&t);
  json_decref(wrap);
  json_decref(rows);
  return rc;
}
