/* api.c - the hub's HTTP routes (docs/api.md).  Each handler sits under a
 * "ROUTE:" comment and its help text; the one static table is at the end.
 * Handlers only translate: the data work is in ingest.c, hublog.c, summary.c,
 * and their cm_rc codes become status codes here.  The server wrapper adds
 * X-Linli-Time to every answer and refuses bodies over the limit with 413
 * before the handler runs. */
#include "api.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/clock.h"
#include "../common/codec.h"
#include "../common/json.h"
#include "../common/log.h"
#include "../protocol/request.h"
#include "activity.h"
#include "diverge.h"
#include "dossier.h"
#include "enrolguard.h"
#include "evaluation.h"
#include "fork.h"
#include "hublog.h"
#include "ingest.h"
#include "review.h"
#include "store.h"
#include "summary.h"
#include "web.h"
#include "web_attach.h"

#define CT_JSON "application/json"
#define CT_BUNDLE "application/vnd.linli.bundle"
#define CT_FEED "application/vnd.linli.feed"
/* POST /api/v1/enroll bodies are a few short strings. */
#define API_ENROLL_MAX_BODY ((size_t)64u * 1024u)

/* ---- plumbing ---------------------------------------------------------- */

/* The status a failure answers with: the one mapping (common/rc.h). */
static int status_of(cm_rc rc) {
  return cm_rc_http_status(rc);
}

/* Answer rc with err's text (or the code's description) and log server-side
 * failures, which an operator must see. */
static void answer_rc(cm_http_resp *resp, cm_rc rc, const cm_err *err, json_t *extra) {
  int status = status_of(rc);
  const char *msg = err && err->msg[0] ? err->msg : cm_strerror(rc);
  if (status >= 500) cm_error("api: %s (%s)", msg, cm_rcname(rc));
  cm_http_resp_error(resp, status, rc, msg, extra);
}

/* Parse a 64-hex-digit key from a path segment. */
static cm_rc parse_key(const char *hex, uint8_t key_out[PROTO_KEY_BYTES], cm_err *err) {
  if (!hex || strlen(hex) != 2 * PROTO_KEY_BYTES || proto_key_from_hex(hex, key_out) != CM_OK)
    return cm_errf(err, CM_ERR_INVALID, "密钥应为 64 位十六进制数字");
  return CM_OK;
}

/* Parse a decimal, bounded non-negative integer (at most 19 digits, so that it
 * cannot overflow); absent means 0. */
static cm_rc parse_u64(const char *s, const char *what, uint64_t *out, cm_err *err) {
  *out = 0;
  if (!s) return CM_OK;
  size_t n = strlen(s);
  if (n == 0 || n > 19 || strspn(s, "0123456789") != n)
    return cm_errf(err, CM_ERR_INVALID, "“%s”应为十进制数", what);
  *out = strtoull(s, NULL, 10);
  return CM_OK;
}

/* Check the signed-request headers (docs/protocol.md "Signed requests") over
 * the method, the target as sent and the body.  On failure the error answer is
 * written (401) and the code returned; on success *key_out is the caller. */
static cm_rc verify_signed(cm_http_req *req, cm_http_resp *resp, uint8_t key_out[PROTO_KEY_BYTES]) {
  cm_err err;
  cm_err_clear(&err);
  cm_rc rc = CM_OK;
  proto_request rq;
  memset(&rq, 0, sizeof rq);
  const char *key = cm_http_header(req, "X-Linli-Key");
  const char *tm = cm_http_header(req, "X-Linli-Time");
  const char *sig = cm_http_header(req, "X-Linli-Signature");
  if (!key || !tm || !sig) {
    rc = cm_errf(&err, CM_PROTO_BAD_SIGNATURE,
                 "这个请求须签名：请发送 X-Linli-Key、X-Linli-Time 和 X-Linli-Signature");
    goto out;
  }
  if (parse_key(key, rq.key, NULL) != CM_OK) {
    rc = cm_errf(&err, CM_PROTO_BAD_SIGNATURE, "X-Linli-Key 应为 64 位十六进制数字");
    goto out;
  }
  if (parse_u64(tm, "X-Linli-Time", &rq.time_ms, NULL) != CM_OK) {
    rc = cm_errf(&err, CM_PROTO_BAD_SIGNATURE, "X-Linli-Time 应为十进制的 Unix 毫秒数");
    goto out;
  }
  if (strlen(sig) != 2 * PROTO_SIG_BYTES ||
      cm_hex_decode(sig, strlen(sig), rq.sig, sizeof rq.sig) != CM_OK) {
    rc = cm_errf(&err, CM_PROTO_BAD_SIGNATURE, "X-Linli-Signature 应为 128 位十六进制数字");
    goto out;
  }
  rq.method = cm_http_method(req);
  rq.path = cm_http_target(req);
  size_t body_len = 0;
  const uint8_t *body = cm_http_body(req, &body_len);
  rc = proto_request_verify(&rq, body, body_len, cm_now_ms(), PROTO_REQUEST_WINDOW_MS, &err);
  if (rc == CM_PROTO_STALE_REQUEST) {
    cm_errf(&err, rc,
            "请求的时间与上级的时钟相差超过 15 分钟：请按本答复的 X-Linli-Time 校正时钟后重新签名");
  } else if (rc) {
    rc = cm_errf(&err, CM_PROTO_BAD_SIGNATURE,
                 "请求的签名与这个密钥、方法、路径和内容对不上");
  }
out:
  if (rc) {
    cm_http_resp_error(resp, 401, rc, err.msg, NULL);
  } else {
    memcpy(key_out, rq.key, PROTO_KEY_BYTES);
  }
  return rc;
}

/* {"author": hex} for an error body. */
static json_t *author_extra(const uint8_t key[PROTO_KEY_BYTES]) {
  char hex[PROTO_KEY_HEX];
  proto_key_hex(key, hex);
  return json_pack("{s:s}", "author", hex);
}

/* ---- handlers ---------------------------------------------------------- */

/* ROUTE: POST /api/v1/changesets */
#define HELP_CHANGESETS                                                                            \
  "push a bundle of signed changesets: 200 receipts; 400 bad, 403 unknown key, 409 gap/fork, 413"
static void api_changesets(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_api *api = ctx;
  cm_err err;
  cm_err_clear(&err);
  hub_ingest_result r;
  memset(&r, 0, sizeof r);
  size_t len = 0;
  const uint8_t *body = cm_http_body(req, &len);
  char via[96];
  snprintf(via, sizeof via, "http %s", cm_http_peer(req));

  if (len > HUB_INGEST_MAX_BUNDLE) {
    /* The wrapper's limit is the same; this keeps ingest's promise if it changes. */
    cm_http_resp_error(resp, 413, CM_ERR_TOO_LARGE,
                       "上报包超过 32 MiB 上限 / the bundle is over the 32 MiB limit", NULL);
    goto out;
  }
  cm_rc rc = hub_ingest_bundle(api->hub, body, len, via, &r, &err);
  json_t *j = hub_ingest_result_json(&r);
  if (rc == CM_OK) {
    /* New batches met the auto-accept policy in the push's own transaction
     * (hub/ingest.c): its review entries are in the node's next feed. */
    cm_http_resp_json(resp, 200, j);
    /* New entries at a street hub are due upstream now, not at the next tick. */
    if (r.stored) hub_forward_wake(api->fw);
  } else {
    int status = r.http_status >= 400 ? r.http_status : status_of(rc);
    const char *msg = r.message[0] ? r.message : (err.msg[0] ? err.msg : cm_strerror(rc));
    if (status >= 500) cm_error("api: ingest from %s failed: %s (%s)", via, msg, cm_rcname(rc));
    cm_http_resp_error(resp, status, r.rc ? r.rc : rc, msg, j);
  }
out:
  hub_ingest_result_free(&r);
}

/* ROUTE: GET /api/v1/heads/{author} */
#define HELP_HEADS "the hub's head (seq, hash) of an author with a signed receipt; unsigned"
static void api_heads(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_api *api = ctx;
  cm_err err;
  cm_err_clear(&err);
  uint8_t author[PROTO_KEY_BYTES];
  hub_head h;
  cm_rc rc = parse_key(cm_http_param(req, 0), author, &err);
  if (!rc) rc = hub_head_receipt(api->hub, author, &h, &err);
  if (rc) {
    answer_rc(resp, rc, &err, NULL);
    return;
  }
  cm_http_resp_json(resp, 200, hub_head_json(&h));
}

/* ROUTE: GET /api/v1/log/{author}?after=N */
#define HELP_LOG                                                                                   \
  "an author's stored changesets after N as a bundle (restore); signed by that author or by " \
  "the key that replaced it"
static void api_log(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_api *api = ctx;
  cm_err err;
  cm_err_clear(&err);
  uint8_t author[PROTO_KEY_BYTES], caller[PROTO_KEY_BYTES];
  uint64_t after = 0;
  uint8_t *bundle = NULL;
  size_t len = 0;
  cm_rc rc = parse_key(cm_http_param(req, 0), author, &err);
  if (!rc) rc = parse_u64(cm_http_query(req, "after"), "after", &after, &err);
  if (rc) {
    answer_rc(resp, rc, &err, NULL);
    goto out;
  }
  if (verify_signed(req, resp, caller) != CM_OK) goto out;
  if (memcmp(caller, author, PROTO_KEY_BYTES) != 0 && !hub_diverge_may_read(api->hub, caller, author) &&
      !hub_key_continues(api->hub, caller, author)) {
    /* A log is personal data of its community: only its own key gets it back,
     * the key that replaced it (the same community on a new PC), and at the
     * district its own street hub (to keep evidence of a fork). */
    cm_http_resp_error(resp, 403, CM_ERR_PERM,
                       "只有台账的作者才能取回它：请用该社区的密钥签名 / "
                       "only the log's author may fetch it: sign with that community's key", NULL);
    goto out;
  }
  rc = hub_log_bundle(api->hub, author, after, HUB_LOG_MAX_BYTES, &bundle, &len, &err);
  if (rc) {
    answer_rc(resp, rc, &err, NULL);
    goto out;
  }
  rc = cm_http_resp_set(resp, 200, CT_BUNDLE, bundle, len);
  if (rc) answer_rc(resp, rc, NULL, NULL);
out:
  free(bundle);
}

/* ROUTE: GET /api/v1/feed?after=CURSOR */
#define HELP_FEED                                                                                  \
  "the hub's signed decisions for the caller after CURSOR; signed by an enrolled key"
static void api_feed(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_api *api = ctx;
  cm_err err;
  cm_err_clear(&err);
  uint8_t caller[PROTO_KEY_BYTES];
  uint64_t after = 0;
  uint8_t *feed = NULL;
  size_t len = 0;
  hub_key_state state = HUB_KEY_UNKNOWN;
  cm_rc rc = parse_u64(cm_http_query(req, "after"), "after", &after, &err);
  if (rc) {
    answer_rc(resp, rc, &err, NULL);
    goto out;
  }
  if (verify_signed(req, resp, caller) != CM_OK) goto out;
  rc = hub_key_status(api->hub, caller, &state, &err);
  if (rc) {
    answer_rc(resp, rc, &err, NULL);
    goto out;
  }
  if (state != HUB_KEY_ENROLLED) {
    cm_http_resp_error(resp, 403, CM_ERR_PERM,
                       state == HUB_KEY_REVOKED
                           ? "这个密钥在本级已被吊销"
                           : "这个密钥没有在本级登记：请先申请登记",
                       author_extra(caller));
    goto out;
  }
  /* Open rounds reach the communities a street enrolled since they opened,
   * in time for this pull (a failure only delays them to the next one). */
  size_t late = 0;
  cm_err e2;
  cm_err_clear(&e2);
  if (hub_eval_reach_late(api->hub, &late, &e2) != CM_OK)
    cm_warn("feed: open rounds could not reach late communities: %s", e2.msg);
  rc = hub_feed(api->hub, caller, after, HUB_FEED_MAX_ITEMS, &feed, &len, &err);
  if (rc) {
    answer_rc(resp, rc, &err, NULL);
    goto out;
  }
  rc = cm_http_resp_set(resp, 200, CT_FEED, feed, len);
  if (rc) answer_rc(resp, rc, NULL, NULL);
out:
  free(feed);
}

/* ROUTE: GET /api/v1/peek/{key}?after=CURSOR */
#define HELP_PEEK                                                                                  \
  "204 when the feed of an enrolled key holds nothing after CURSOR, else 200 \"1\"; unsigned " \
  "(a node's quiet idle: docs/scale.md)"
static void api_peek(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_api *api = ctx;
  cm_err err;
  cm_err_clear(&err);
  uint8_t key[PROTO_KEY_BYTES];
  uint64_t after = 0;
  uint8_t *feed = NULL;
  size_t len = 0, n = 0;
  proto_feed_item *items = NULL;
  uint64_t next = 0;
  hub_key_state state = HUB_KEY_UNKNOWN;
  cm_rc rc = parse_key(cm_http_param(req, 0), key, &err);
  if (!rc) rc = parse_u64(cm_http_query(req, "after"), "after", &after, &err);
  if (!rc) rc = hub_key_status(api->hub, key, &state, &err);
  /* An unknown or revoked key learns nothing here; its signed feed request says why. */
  if (!rc && state == HUB_KEY_ENROLLED) rc = hub_feed(api->hub, key, after, 1, &feed, &len, &err);
  if (!rc && feed) rc = proto_feed_decode(feed, len, api->hub->kp.pk, &items, &n, &next, &err);
  if (rc)
    answer_rc(resp, rc, &err, NULL);
  else if (n > 0 || state != HUB_KEY_ENROLLED)
    rc = cm_http_resp_set(resp, 200, "text/plain", (const uint8_t *)"1", 1);
  else
    rc = cm_http_resp_set(resp, 204, NULL, NULL, 0);
  free(items);
  free(feed);
}

/* {"status", "hub_key", "hub_fingerprint"} and, when pending, "request_id". */
static json_t *enroll_answer(const hub_ctx *hub, const char *status, int64_t request_id) {
  json_t *j = json_pack("{s:s}", "status", status);
  if (j && request_id > 0) json_object_set_new(j, "request_id", json_integer(request_id));
  if (j) {
    json_object_set_new(j, "hub_key", json_string(hub->key_hex));
    json_object_set_new(j, "hub_fingerprint", json_string(hub->fingerprint));
  }
  return j;
}

/* ROUTE: POST /api/v1/enroll */
#define HELP_ENROLL                                                                                \
  "ask to be enrolled (JSON name, street, code, role); 200 enrolled, 202 pending; signed by the "  \
  "key"
static void api_enroll(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_api *api = ctx;
  cm_err err;
  cm_err_clear(&err);
  uint8_t caller[PROTO_KEY_BYTES];
  json_t *body = NULL;
  const char *name = NULL, *street = "", *code = "", *role = NULL;
  int enrolled = 0;
  int64_t request_id = 0;
  size_t len = 0;
  const uint8_t *data = cm_http_body(req, &len);
  cm_rc rc;

  if (len > API_ENROLL_MAX_BODY) {
    cm_http_resp_error(resp, 413, CM_ERR_TOO_LARGE,
                       "登记申请最多 64 KiB / an enrolment request is at most 64 KiB", NULL);
    goto out;
  }
  if (verify_signed(req, resp, caller) != CM_OK) goto out;
  unsigned retry_s = 0;
  /* The rate holds back floods of fresh keys: a community already enrolled
   * (or waiting) that asks again at each sync is answered, so that several
   * communities behind one address are not locked out of their sync. */
  if (!hub_enroll_known(api->hub, caller) &&
      !hub_enrolguard_allow(api->enrol, cm_http_peer(req), cm_mono_ms(), &retry_s)) {
    char ra[24], msg[256];
    snprintf(ra, sizeof ra, "%u", retry_s);
    snprintf(msg, sizeof msg, "每个地址 %llu 分钟内最多申请登记 %d 次：请 %u 秒后再试",
             (unsigned long long)(HUB_ENROL_WINDOW_MS / 60000), HUB_ENROL_PER_ADDR, retry_s);
    cm_warn("api: enrolment request from %s refused: over the rate", cm_http_peer(req));
    cm_http_resp_error(resp, 429, CM_ERR_BUSY, msg, NULL);
    cm_http_resp_header(resp, "Retry-After", ra);
    goto out;
  }
  rc = cm_json_parse_object(data, len, &body, &err);
  if (!rc) rc = cm_json_str(body, "name", 0, &name, &err);
  if (!rc) rc = cm_json_str(body, "street", 1, &street, &err);
  if (!rc) rc = cm_json_str(body, "code", 1, &code, &err);
  if (!rc) rc = cm_json_str(body, "role", 1, &role, &err);
  if (rc) {
    answer_rc(resp, rc, &err, NULL);
    goto out;
  }
  /* Without a role the caller means the one this hub enrols. */
  if (!role) role = api->hub->role == HUB_ROLE_DISTRICT ? "street" : "community";
  rc = hub_enroll_request(api->hub, caller, name, street, code, role, &enrolled, &request_id, &err);
  if (rc) {
    answer_rc(resp, rc, &err, NULL);
    goto out;
  }
  if (enrolled) {
    cm_http_resp_json(resp, 200, enroll_answer(api->hub, "enrolled", 0));
  } else {
    cm_err e2;
    cm_err_clear(&e2);
    if (api->web &&
        hub_enrolguard_source_put(hub_web_ops(api->web), request_id, cm_http_peer(req),
                                  cm_now_ms(), &e2))
      cm_warn("api: enrolment request %lld: its source address was not kept: %s",
              (long long)request_id, e2.msg);
    cm_info("api: enrolment request %lld from %s (%s): approve with enroll-approve %lld",
            (long long)request_id, name, cm_http_peer(req), (long long)request_id);
    cm_http_resp_json(resp, 202, enroll_answer(api->hub, "pending", request_id));
  }
out:
  json_decref(body);
}

/* ROUTE: GET /api/v1/summary */
#define HELP_SUMMARY "aggregate counts per street and community (no names or phones); unsigned"
static void api_summary(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_api *api = ctx;
  cm_err err;
  cm_err_clear(&err);
  (void)req;
  json_t *j = hub_summary(api->hub, &err);
  if (!j) {
    answer_rc(resp, err.rc ? err.rc : CM_ERR_DB, &err, NULL);
    return;
  }
  cm_http_resp_json(resp, 200, j);
}

/* ROUTE: GET /api/v1/health */
#define HELP_HEALTH "liveness: role, name, hub key and fingerprint, hub time; unsigned"
static void api_health(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_api *api = ctx;
  hub_ctx *hub = api->hub;
  cm_err err;
  cm_err_clear(&err);
  char role[HUB_ROLE_MAX];
  int found = 0;
  (void)req;
  /* A read of the database proves more than "the process is up". */
  pthread_mutex_lock(&hub->lock);
  cm_rc rc = hub_store_config_get(hub->store, "role", role, sizeof role, &found, &err);
  pthread_mutex_unlock(&hub->lock);
  if (rc) {
    answer_rc(resp, rc, &err, NULL);
    return;
  }
  json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "status", "ok", "role",
                        hub_role_name(hub->role), "name", hub->name, "hub_key", hub->key_hex,
                        "hub_fingerprint", hub->fingerprint, "time", (json_int_t)cm_now_ms());
  cm_http_resp_json(resp, 200, j);
}

/* ---- review, activities, forks (issue 5): read-only JSON for a logged-in
 * operator; the pages act through hub/review.h, decide.h, activity.h ---- */

/* Answer a list or object from one of the issue-5 modules, or the error. */
static void answer_json(hub_web_req *w, cm_rc rc, json_t *j, cm_err *err) {
  if (rc) {
    json_decref(j);
    answer_rc(w->resp, rc, err, NULL);
    return;
  }
  cm_http_resp_json(w->resp, 200, j);
}

/* 1 when the operator may see the author's street (a street-bound operator
 * at the district sees only theirs). */
static int sees_author(hub_web_req *w, const char *author_hex) {
  char street[HUB_NAME_MAX];
  hub_web_author_street(w, author_hex, street, sizeof street);
  return hub_auth_sees_street(&w->s, w->hub->role, street);
}

/* ROUTE: GET /api/v1/review */
#define HELP_REVIEW "pending batches of the review queue (logged-in operator)"
static void api_review(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  json_t *list = NULL, *seen = NULL;
  cm_err err;
  cm_err_clear(&err);
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_LOGIN)) return;
  cm_rc rc = hub_review_auto(w.hub, NULL, &err);
  if (!rc) rc = hub_review_list(w.hub, &list, &err);
  if (!rc) {
    size_t i;
    json_t *b;
    seen = json_array();
    json_array_foreach(list, i, b) {
      if (seen && sees_author(&w, json_string_value(json_object_get(b, "author"))))
        json_array_append(seen, b);
    }
    if (!seen) rc = cm_errf(&err, CM_ERR_NOMEM, "列出批次时内存不足");
  }
  json_decref(list);
  answer_json(&w, rc, seen, &err);
  hub_web_end(&w);
}

/* ROUTE: GET /api/v1/review/{id} */
#define HELP_REVIEW_ONE "one batch with its decoded records, flags and status (logged-in operator)"
static void api_review_one(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  json_t *b = NULL;
  cm_err err;
  cm_err_clear(&err);
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_LOGIN)) return;
  const char *p = cm_http_param(req, 0);
  uint64_t id64 = 0;
  int bad = cm_dec_u64(p, &id64) != CM_OK || id64 == 0 || id64 > INT64_MAX;
  long long id = (long long)id64;
  cm_rc rc = bad
                 ? cm_errf(&err, CM_ERR_INVALID, "批次编号应为正数")
                 : hub_review_show(w.hub, (int64_t)id, &b, &err);
  if (!rc && !sees_author(&w, json_string_value(json_object_get(b, "author"))))
    rc = cm_errf(&err, CM_ERR_NOT_FOUND, "没有第 %lld 号批次", id);
  answer_json(&w, rc, b, &err);
  hub_web_end(&w);
}

/* ROUTE: GET /api/v1/activities */
#define HELP_ACTIVITIES "major activities with street and district acknowledgements (operator)"
static void api_activities(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  json_t *list = NULL;
  cm_err err;
  cm_err_clear(&err);
  /* As the activities page: at a district hub a street-bound operator gets
   * 403, not every street's activities. */
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_LOGIN | HUB_WEB_DISTRICT)) return;
  cm_rc rc = hub_activity_list(w.hub, &list, &err);
  answer_json(&w, rc, list, &err);
  hub_web_end(&w);
}

/* ROUTE: GET /api/v1/forks */
#define HELP_FORKS "fork evidence of quarantined authors, both branches' hashes (operator)"
static void api_forks(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  hub_web_req w;
  json_t *list = NULL;
  cm_err err;
  cm_err_clear(&err);
  if (!hub_web_begin(&w, req, resp, ctx, HUB_WEB_LOGIN)) return;
  cm_rc rc = hub_fork_list(w.hub, &list, &err);
  answer_json(&w, rc, list, &err);
  hub_web_end(&w);
}

/* ---- the route table ---------------------------------------------------- */

static const cm_http_route api_routes[] = {
    {"POST", "/api/v1/changesets", api_changesets, HELP_CHANGESETS},
    {"GET", "/api/v1/heads/{}", api_heads, HELP_HEADS},
    {"GET", "/api/v1/log/{}", api_log, HELP_LOG},
    {"GET", "/api/v1/feed", api_feed, HELP_FEED},
    {"GET", "/api/v1/peek/{}", api_peek, HELP_PEEK},
    {"POST", "/api/v1/enroll", api_enroll, HELP_ENROLL},
    {"GET", "/api/v1/summary", api_summary, HELP_SUMMARY},
    {"GET", "/api/v1/health", api_health, HELP_HEALTH},
    {"GET", "/api/v1/review", api_review, HELP_REVIEW},
    {"GET", "/api/v1/review/{}", api_review_one, HELP_REVIEW_ONE},
    {"GET", "/api/v1/activities", api_activities, HELP_ACTIVITIES},
    {"GET", "/api/v1/forks", api_forks, HELP_FORKS},
    {"GET", "/api/v1/files/{}/upload", hub_web_file_upload_status, HUB_HELP_FILE_STATUS},
    {"PUT", "/api/v1/files/{}/upload", hub_web_file_upload, HUB_HELP_FILE_UPLOAD},
    {"GET", "/api/v1/files/{}/data", hub_web_file_data, HUB_HELP_FILE_DATA},
    {"GET", "/api/v1/files/{}/download", hub_web_file_download, HUB_HELP_FILE_DOWNLOAD},
    {"GET", "/api/v1/files/{}", hub_web_file_get, HUB_HELP_FILE_GET},
    {"GET", "/dossier.css", hub_dossier_css, HUB_HELP_DOSSIER_CSS},
    {"GET", "/dossier/{}/zip", hub_dossier_zip_page, HUB_HELP_DOSSIER_ZIP},
    {"GET", "/dossier/{}", hub_dossier_page, HUB_HELP_DOSSIER},
};

/* The table and its length. */
const cm_http_route *hub_api_routes(size_t *n_out) {
  *n_out = sizeof api_routes / sizeof api_routes[0];
  return api_routes;
}

cm_rc hub_api_verify_signed(cm_http_req *req, cm_http_resp *resp,
                            uint8_t key_out[PROTO_KEY_BYTES]) {
  return verify_signed(req, resp, key_out);
}
