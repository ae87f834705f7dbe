/* sync.c - one sync pass with the street hub, the status counters, and the USB
 * bundle export. */
#include "sync.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "../common/clock.h"
#include "../common/json.h"
#include "../common/log.h"
#include "../common/upstream.h"
#include "../protocol/bundle.h"
#include "../protocol/changeset.h"
#include "../protocol/feed.h"
#include "project.h"
#include "records.h"
#include "restore.h"
#include "store.h"

#define SYNC_BUDGET_MS 28000u            /* a pass gives up before 30 s */
#define SYNC_CONNECT_MS 5000L
#define SYNC_CS_ENTRIES 5000u            /* entries per changeset */
#define SYNC_POST_MAX (8u << 20)         /* bundle bytes per POST */
#define SYNC_MAX_POSTS 10000             /* bound on the push loop */
#define SYNC_MAX_FEED_ROUNDS 1000

/* State of one pass. */
typedef struct pass {
  node_ctx *ctx;
  char url[512];
  uint8_t hub_key[PROTO_KEY_BYTES];
  int pinned;
  uint64_t start_mono;
  cm_client_opts opts;
} pass;

/* Per-request timeouts from what remains of the pass's budget. */
static cm_rc budget(pass *p, cm_err *err) {
  uint64_t used = cm_mono_ms() - p->start_mono;
  if (used + 1000 >= SYNC_BUDGET_MS)
    return cm_errf(err, CM_ERR_NETWORK,
                   "gave up after %llu s talking to the hub at %s; the records stay queued "
                   "for the next sync", (unsigned long long)(used / 1000), p->url);
  p->opts.connect_timeout_ms = SYNC_CONNECT_MS;
  p->opts.timeout_ms = (long)(SYNC_BUDGET_MS - used);
  return CM_OK;
}

/* Make a network failure say what to check. */
static cm_rc explain(pass *p, cm_rc rc, cm_err *err) {
  if (rc == CM_ERR_NETWORK && err) {
    char msg[sizeof err->msg];
    snprintf(msg, sizeof msg, "%s", err->msg);
    cm_errf(err, rc,
            "無法連接街道樞紐 / cannot reach the street hub at %s (%s). Check the network "
            "connection and that the hub URL is right and the street hub is running; the "
            "records stay queued and go with the next sync", p->url, msg);
  }
  return rc;
}

/* Remember the hub's clock: "today" never goes earlier than it, and signed
 * requests carry our time corrected by the offset. */
static void saw_hub_time(pass *p, uint64_t hub_ms) {
  if (!hub_ms) return;
  int64_t off = (int64_t)hub_ms - (int64_t)cm_now_ms();
  char v[32];
  snprintf(v, sizeof v, "%" PRId64, off);
  store_meta_set(p->ctx, "clock_offset_ms", v, NULL);
  store_meta_max_u64(p->ctx, "last_hub_time_ms", hub_ms, NULL);
  p->opts.clock_offset_ms = off;
}

static void contact(pass *p) {
  store_meta_set_u64(p->ctx, "last_contact_ms", cm_now_ms(), NULL);
}

/* Pin the hub key the first time we learn it; refuse a different one later. */
static cm_rc pin(pass *p, const uint8_t key[PROTO_KEY_BYTES], cm_err *err) {
  char hex[PROTO_KEY_HEX], fp[PROTO_FINGERPRINT_LEN];
  if (p->pinned) {
    if (memcmp(p->hub_key, key, PROTO_KEY_BYTES) != 0) {
      proto_key_hex(key, hex);
      return cm_errf(err, CM_ERR_PERM,
                     "the hub at %s answered with key %s, not the pinned hub key: is the URL "
                     "right? Nothing was sent", p->url, hex);
    }
    return CM_OK;
  }
  proto_key_hex(key, hex);
  cm_rc rc = store_meta_set(p->ctx, "hub_key", hex, err);
  if (rc) return rc;
  memcpy(p->hub_key, key, PROTO_KEY_BYTES);
  p->pinned = 1;
  proto_fingerprint(key, fp);
  fprintf(stderr, "linli-node: hub fingerprint %s (compare it with the street operator's)\n", fp);
  return CM_OK;
}

static cm_rc enrol(pass *p, cm_err *err) {
  char community[256] = "", street[256] = "", code[16] = "", *body = NULL;
  uint8_t key[PROTO_KEY_BYTES];
  long status = 0;
  cm_rc rc;
  store_meta_get(p->ctx, "community", community, sizeof community, NULL);
  store_meta_get(p->ctx, "street", street, sizeof street, NULL);
  store_meta_get(p->ctx, "code", code, sizeof code, NULL);
  json_t *j = json_pack("{s:s,s:s,s:s,s:s}", "name", community, "street", street, "code", code,
                        "role", "community");
  body = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
  json_decref(j);
  if (!body) return cm_errf(err, CM_ERR_NOMEM, "out of memory");
  rc = budget(p, err);
  if (!rc) rc = explain(p, cm_upstream_enroll(p->url, body, &p->opts, &status, key, err), err);
  free(body);
  if (rc) return rc;
  contact(p);
  rc = pin(p, key, err);
  if (rc) return rc;
  if (status == 200) return store_meta_set_u64(p->ctx, "enrol", NODE_ENROL_DONE, err);
  store_meta_set_u64(p->ctx, "enrol", NODE_ENROL_PENDING, NULL);
  char fp[PROTO_FINGERPRINT_LEN], me[PROTO_FINGERPRINT_LEN];
  proto_fingerprint(p->hub_key, fp);
  proto_fingerprint(p->ctx->kp.pk, me);
  return cm_errf(err, CM_ERR_PERM,
                 "等待街道審批登記 / waiting for the street operator to approve this node's "
                 "enrolment (our fingerprint %s; hub fingerprint %s). The records stay queued",
                 me, fp);
}

/* Collected entries for one changeset. */
typedef struct collect {
  uint8_t **raws;
  proto_entry *entries;
  size_t n, cap;
  cm_rc rc;
} collect;

static cm_rc collect_entry(void *arg, uint64_t seq, const uint8_t *raw, size_t len, cm_err *err) {
  collect *c = arg;
  if (c->n == c->cap) return cm_errf(err, CM_ERR_INVALID, "too many entries in one changeset");
  uint8_t *copy = malloc(len ? len : 1);
  if (!copy) return cm_errf(err, CM_ERR_NOMEM, "out of memory");
  memcpy(copy, raw, len);
  c->raws[c->n] = copy;
  c->n++;
  cm_rc rc = proto_entry_decode(copy, len, &c->entries[c->n - 1], err);
  if (!rc && c->entries[c->n - 1].seq != seq)
    rc = cm_errf(err, CM_ERR_DB, "log row %llu holds another sequence", (unsigned long long)seq);
  return rc;
}

/* Build the changesets for entries from..to (inclusive), at most max_bytes of
 * bundle (but at least one changeset).  *last_out = last sequence included. */
static cm_rc build_bundle(node_ctx *ctx, uint64_t from, uint64_t to, size_t max_bytes,
                          uint8_t **bundle_out, size_t *len_out, uint64_t *last_out,
                          cm_err *err) {
  proto_span *spans = NULL;
  size_t n_spans = 0, total = PROTO_BUNDLE_HEADER_BYTES;
  collect c;
  cm_rc rc = CM_OK;
  memset(&c, 0, sizeof c);
  *bundle_out = NULL;
  *len_out = 0;
  *last_out = from - 1;
  c.cap = SYNC_CS_ENTRIES;
  c.raws = calloc(c.cap, sizeof *c.raws);
  c.entries = calloc(c.cap, sizeof *c.entries);
  size_t max_spans = (size_t)((to - from) / SYNC_CS_ENTRIES + 1);
  spans = calloc(max_spans, sizeof *spans);
  if (!c.raws || !c.entries || !spans) {
    rc = cm_errf(err, CM_ERR_NOMEM, "out of memory");
    goto out;
  }
  uint64_t at = from;
  while (at <= to) {
    uint64_t end = at + SYNC_CS_ENTRIES - 1;
    if (end > to) end = to;
    c.n = 0;
    rc = store_log_each(ctx, at, end, collect_entry, &c, err);
    uint8_t *cs = NULL;
    size_t cs_len = 0;
    if (!rc && c.n != end - at + 1)
      rc = cm_errf(err, CM_ERR_DB, "the local log lacks entries between %llu and %llu",
                   (unsigned long long)at, (unsigned long long)end);
    if (!rc)
      rc = proto_changeset_build(c.entries, c.n, &ctx->kp, node_now_ms(ctx), &cs, &cs_len, err);
    for (size_t i = 0; i < c.n; i++) free(c.raws[i]);
    if (rc) goto out;
    if (n_spans > 0 && total + cs_len > max_bytes) {
      free(cs);
      break;
    }
    spans[n_spans].p = cs;
    spans[n_spans].len = cs_len;
    n_spans++;
    total += cs_len;
    *last_out = end;
    at = end + 1;
  }
  rc = proto_bundle_encode(spans, n_spans, bundle_out, len_out);
  if (rc) cm_errf(err, rc, "cannot build the bundle");
out:
  for (size_t i = 0; i < n_spans; i++) free((void *)spans[i].p);
  free(spans);
  free(c.raws);
  free(c.entries);
  return rc;
}

/* Keep a receipt for our log if it matches what we hold; raise acknowledged. */
static cm_rc take_receipt(pass *p, const cm_receipt *r, cm_err *err) {
  uint8_t held[PROTO_HASH_BYTES];
  if (memcmp(r->r.author, p->ctx->kp.pk, PROTO_KEY_BYTES) != 0) return CM_OK;
  if (r->r.seq == 0) return CM_OK;
  if (!store_log_hash(p->ctx, r->r.seq, held) ||
      memcmp(held, r->r.head_hash, PROTO_HASH_BYTES) != 0)
    return cm_errf(err, CM_ERR_CONFLICT,
                   "the hub acknowledged entry %llu with a hash this node does not hold: the "
                   "logs have forked; ask the street operator", (unsigned long long)r->r.seq);
  cm_rc rc = store_receipt_add(p->ctx, r->r.hub, r->r.seq, r->r.head_hash, r->r.time_ms, r->raw,
                               sizeof r->raw, err);
  if (!rc) rc = store_meta_max_u64(p->ctx, "acked_seq", r->r.seq, err);
  return rc;
}

static cm_rc push(pass *p, uint64_t hub_seq, cm_err *err) {
  uint64_t head = 0;
  uint8_t hh[PROTO_HASH_BYTES];
  cm_rc rc = store_log_head(p->ctx, &head, hh, err);
  uint64_t from = hub_seq + 1;
  for (int round = 0; !rc && from <= head && round < SYNC_MAX_POSTS; round++) {
    uint8_t *bundle = NULL;
    size_t len = 0;
    uint64_t last = 0;
    cm_push_result res;
    memset(&res, 0, sizeof res);
    rc = build_bundle(p->ctx, from, head, SYNC_POST_MAX, &bundle, &len, &last, err);
    if (!rc) rc = budget(p, err);
    if (!rc)
      rc = explain(p, cm_upstream_push(p->url, p->hub_key, bundle, len, &p->opts, &res, err), err);
    free(bundle);
    if (rc) break;
    contact(p);
    saw_hub_time(p, res.server_time_ms);
    store_meta_max_u64(p->ctx, "pushed_seq", last, NULL);
    if (res.status == 200) {
      uint64_t got = 0;
      for (size_t i = 0; !rc && i < res.n_receipts; i++) {
        rc = take_receipt(p, &res.receipts[i], err);
        if (memcmp(res.receipts[i].r.author, p->ctx->kp.pk, PROTO_KEY_BYTES) == 0 &&
            res.receipts[i].r.seq > got)
          got = res.receipts[i].r.seq;
      }
      if (!rc && got < last)
        rc = cm_errf(err, CM_ERR_HTTP, "the hub acknowledged up to %llu of %llu sent entries",
                     (unsigned long long)got, (unsigned long long)last);
      from = last + 1;
    } else if (res.status == 409 && res.has_gap &&
               memcmp(res.gap_author, p->ctx->kp.pk, PROTO_KEY_BYTES) == 0 &&
               res.expected_seq >= 1 && res.expected_seq <= head && res.expected_seq != from) {
      /* The hub's head moved (another copy of us, a restored hub): resume there. */
      cm_info("hub asks to resume from %llu", (unsigned long long)res.expected_seq);
      from = res.expected_seq;
    } else if (res.status == 403) {
      rc = cm_errf(err, CM_ERR_PERM, "the hub refused this node (%s): %s", res.error, res.message);
    } else {
      rc = cm_errf(err, CM_ERR_HTTP, "the hub refused the changesets: HTTP %ld %s: %s",
                   res.status, res.error, res.message);
    }
    cm_push_result_free(&res);
  }
  return rc;
}

/* Record one verified feed item. */
typedef struct feed_job {
  proto_feed_item *items;
  size_t n;
  uint64_t next;
} feed_job;

static int wanted_kind(const char *k) {
  return !strncmp(k, "review.", 7) || !strncmp(k, "decision.", 9) || !strcmp(k, "activity.ack") ||
         !strcmp(k, "hub.enrolled");
}

static cm_rc feed_tx(node_ctx *ctx, void *arg, cm_err *err) {
  feed_job *j = arg;
  cm_rc rc = CM_OK;
  char me[PROTO_KEY_HEX];
  proto_key_hex(ctx->kp.pk, me);
  for (size_t i = 0; !rc && i < j->n; i++) {
    proto_entry *e = &j->items[i].entry;
    json_t *body = NULL;
    uint8_t *raw = NULL;
    size_t raw_len = 0;
    int added = 0;
    if (!wanted_kind(e->kind)) continue;
    if (cm_json_parse_object(e->body, e->body_len, &body, NULL) != CM_OK) {
      cm_warn("skipping hub entry %llu (%s): its body is not a JSON object",
              (unsigned long long)e->seq, e->kind);
      continue;
    }
    char *text = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER);
    rc = proto_sentry_encode(e, &raw, &raw_len);
    if (!rc && text)
      rc = store_inbox_add(ctx, j->items[i].cursor, e->seq, e->kind, text, e->time_ms, raw,
                           raw_len, &added, err);
    else if (!rc)
      rc = cm_errf(err, CM_ERR_NOMEM, "out of memory");
    if (!rc && added) rc = project_decision(ctx, e->kind, body, err);
    if (!rc && !strcmp(e->kind, "hub.enrolled")) {
      const char *key = json_string_value(json_object_get(body, "key"));
      if (key && !strcmp(key, me)) {
        rc = store_meta_set_u64(ctx, "enrol", NODE_ENROL_DONE, err);
        /* A restored node learns its names and code back from its enrolment. */
        if (!rc && store_meta_u64(ctx, "restored", 0) == 1) {
          const char *v;
          if ((v = json_string_value(json_object_get(body, "name"))) != NULL)
            store_meta_set(ctx, "community", v, NULL);
          if ((v = json_string_value(json_object_get(body, "street"))) != NULL)
            store_meta_set(ctx, "street", v, NULL);
          if ((v = json_string_value(json_object_get(body, "code"))) != NULL && strlen(v) == 12)
            store_meta_set(ctx, "code", v, NULL);
          rc = store_meta_set(ctx, "restored", "0", err);
        }
      }
    }
    free(text);
    free(raw);
    json_decref(body);
  }
  if (!rc) rc = store_meta_set_u64(ctx, "feed_cursor", j->next, err);
  return rc;
}

static cm_rc pull_feed(pass *p, cm_err *err) {
  cm_rc rc = CM_OK;
  for (int round = 0; !rc && round < SYNC_MAX_FEED_ROUNDS; round++) {
    uint64_t cursor = store_meta_u64(p->ctx, "feed_cursor", 0);
    uint8_t *buf = NULL;
    size_t len = 0;
    feed_job j = {NULL, 0, 0};
    rc = budget(p, err);
    if (!rc) rc = explain(p, cm_upstream_feed(p->url, cursor, &p->opts, &buf, &len, err), err);
    if (!rc) rc = proto_feed_decode(buf, len, p->hub_key, &j.items, &j.n, &j.next, err);
    if (!rc) {
      contact(p);
      if (j.n == 0 || j.next <= cursor) {
        free(j.items);
        free(buf);
        break;
      }
      rc = store_tx(p->ctx, feed_tx, &j, err);
    }
    free(j.items);
    free(buf);
  }
  return rc;
}

static cm_rc sync_pass(pass *p, cm_err *err) {
  cm_receipt head;
  uint64_t local = 0;
  uint8_t lh[PROTO_HASH_BYTES];
  char hex[PROTO_KEY_HEX];
  cm_rc rc;

  memset(&head, 0, sizeof head);
  rc = store_meta_get(p->ctx, "hub_url", p->url, sizeof p->url, err);
  if (rc) return cm_errf(err, CM_ERR_INVALID, "no hub URL configured (init --hub URL)");
  if (store_meta_get(p->ctx, "hub_key", hex, sizeof hex, NULL) == CM_OK &&
      proto_key_from_hex(hex, p->hub_key) == CM_OK)
    p->pinned = 1;
  char off[32];
  if (store_meta_get(p->ctx, "clock_offset_ms", off, sizeof off, NULL) == CM_OK)
    p->opts.clock_offset_ms = strtoll(off, NULL, 10);
  p->opts.sign_with = &p->ctx->kp;

  /* 1. heads (unsigned): learns the hub's clock before any signed request */
  rc = budget(p, err);
  if (!rc)
    rc = explain(p, cm_upstream_head(p->url, p->pinned ? p->hub_key : NULL, p->ctx->kp.pk,
                                     &p->opts, &head, err), err);
  if (rc) return rc;
  contact(p);
  saw_hub_time(p, head.r.time_ms);

  /* 2. enrolment, until the hub says we are enrolled */
  if (store_meta_u64(p->ctx, "enrol", 0) != NODE_ENROL_DONE || !p->pinned) {
    rc = enrol(p, err);
    if (rc) return rc;
  }
  if (memcmp(head.r.hub, p->hub_key, PROTO_KEY_BYTES) != 0)
    return cm_errf(err, CM_PROTO_BAD_SIGNATURE, "the head receipt is not signed by the hub key");

  /* 3. compare heads: fetch back what the hub holds and we do not */
  rc = store_log_head(p->ctx, &local, lh, err);
  if (rc) return rc;
  if (head.r.seq > local) {
    cm_warn("the hub holds %llu entries of this log, this directory %llu: fetching them back",
            (unsigned long long)head.r.seq, (unsigned long long)local);
    rc = budget(p, err);
    if (!rc) rc = explain(p, node_fetch_back(p->ctx, p->url, head.r.seq, &p->opts, err), err);
    if (rc) return rc;
    rc = store_log_head(p->ctx, &local, lh, err);
    if (rc) return rc;
  }
  if (head.r.seq > 0) {
    uint8_t held[PROTO_HASH_BYTES];
    if (!store_log_hash(p->ctx, head.r.seq, held) ||
        memcmp(held, head.r.head_hash, PROTO_HASH_BYTES) != 0)
      return cm_errf(err, CM_ERR_CONFLICT,
                     "the hub's copy of this log differs at entry %llu: the logs have forked; "
                     "nothing was sent. Ask the street operator",
                     (unsigned long long)head.r.seq);
    rc = take_receipt(p, &head, err);
    if (rc) return rc;
  }
  uint64_t acked = store_meta_u64(p->ctx, "acked_seq", 0);
  if (head.r.seq < acked)
    cm_warn("the hub holds only %llu of the %llu entries it acknowledged (restored from an old "
            "copy?): sending them again; the old receipts are kept",
            (unsigned long long)head.r.seq, (unsigned long long)acked);

  /* 4. push everything after the hub's head */
  rc = push(p, head.r.seq, err);
  if (rc) return rc;

  /* 5. decisions */
  rc = pull_feed(p, err);
  if (rc) return rc;

  acked = store_meta_u64(p->ctx, "acked_seq", 0);
  rc = store_log_head(p->ctx, &local, lh, err);
  if (!rc && acked < local)
    rc = cm_errf(err, CM_ERR_HTTP, "%llu entries are still waiting for the hub's acknowledgement",
                 (unsigned long long)(local - acked));
  return rc;
}

cm_rc node_sync_once(node_ctx *ctx, cm_err *err) {
  pass p;
  cm_err local;
  memset(&p, 0, sizeof p);
  cm_err_clear(&local);
  p.ctx = ctx;
  p.start_mono = cm_mono_ms();
  cm_rc rc = sync_pass(&p, &local);
  store_meta_set(ctx, "last_error", rc ? local.msg : "", NULL);
  if (rc && err) *err = local;
  if (rc && err && !err->msg[0]) cm_errf(err, rc, "sync failed: %s", cm_strerror(rc));
  return rc;
}

cm_rc node_sync_status_get(node_ctx *ctx, node_sync_status *out, cm_err *err) {
  uint8_t h[PROTO_HASH_BYTES];
  memset(out, 0, sizeof *out);
  cm_rc rc = store_log_head(ctx, &out->written, h, err);
  if (!rc) rc = store_inbox_unread(ctx, &out->unread, err);
  if (rc) return rc;
  out->pushed = store_meta_u64(ctx, "pushed_seq", 0);
  out->acknowledged = store_meta_u64(ctx, "acked_seq", 0);
  if (out->pushed < out->acknowledged) out->pushed = out->acknowledged;
  out->last_contact_ms = store_meta_u64(ctx, "last_contact_ms", 0);
  out->enrol = (node_enrol_state)store_meta_u64(ctx, "enrol", 0);
  store_meta_get(ctx, "hub_url", out->hub_url, sizeof out->hub_url, NULL);
  store_meta_get(ctx, "last_error", out->last_error, sizeof out->last_error, NULL);
  return CM_OK;
}

cm_rc node_status(node_ctx *ctx, json_t **out, cm_err *err) {
  node_sync_status s;
  char community[256] = "", street[256] = "", code[16] = "", hub_key[PROTO_KEY_HEX] = "";
  char key[PROTO_KEY_HEX], fp[PROTO_FINGERPRINT_LEN], today[11], month[8], when[26];
  *out = NULL;
  cm_rc rc = node_sync_status_get(ctx, &s, err);
  if (rc) return rc;
  store_meta_get(ctx, "community", community, sizeof community, NULL);
  store_meta_get(ctx, "street", street, sizeof street, NULL);
  store_meta_get(ctx, "code", code, sizeof code, NULL);
  store_meta_get(ctx, "hub_key", hub_key, sizeof hub_key, NULL);
  proto_key_hex(ctx->kp.pk, key);
  proto_fingerprint(ctx->kp.pk, fp);
  node_today(ctx, today);
  node_this_month(ctx, month);
  static const char *const enrol_names[] = {"no", "pending", "yes"};
  json_t *last = json_null();
  if (s.last_contact_ms) {
    cm_time_iso(s.last_contact_ms, when);
    last = json_string(when);
  }
  *out = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:o,s:s,s:I,s:s,s:s}",
                   "community", community, "street", street, "code", code, "key", key,
                   "fingerprint", fp, "hub", s.hub_url, "hub_key", hub_key,
                   "enrolled", enrol_names[s.enrol <= NODE_ENROL_DONE ? s.enrol : 0],
                   "written", (json_int_t)s.written, "pushed", (json_int_t)s.pushed,
                   "acknowledged", (json_int_t)s.acknowledged,
                   "pending", (json_int_t)(s.written - s.acknowledged), "last_contact", last,
                   "last_error", s.last_error, "unread", (json_int_t)s.unread, "today", today,
                   "month", month);
  return *out ? CM_OK : cm_errf(err, CM_ERR_NOMEM, "out of memory");
}

uint64_t node_sync_backoff_ms(unsigned failures) {
  uint64_t base;
  if (failures == 0) {
    base = 60000;
  } else {
    base = 5000;
    for (unsigned i = 1; i < failures && base < 600000; i++) base *= 2;
    if (base > 600000) base = 600000;
  }
  /* +-25% jitter so that a street's nodes do not all retry at once after an outage */
  uint64_t span = base / 2;
  return base - base / 4 + (span ? randombytes_uniform((uint32_t)span) : 0);
}

cm_rc node_bundle_export(node_ctx *ctx, const char *path, uint64_t *n_out, cm_err *err) {
  uint64_t head = 0, acked = store_meta_u64(ctx, "acked_seq", 0), last = 0;
  uint8_t hh[PROTO_HASH_BYTES], *bundle = NULL;
  size_t len = 0;
  char tmp[1100];
  int fd = -1;
  cm_rc rc = store_log_head(ctx, &head, hh, err);
  if (rc) goto out;
  if (head > acked) {
    rc = build_bundle(ctx, acked + 1, head, SIZE_MAX, &bundle, &len, &last, err);
  } else {
    rc = proto_bundle_encode(NULL, 0, &bundle, &len);
    if (rc) cm_errf(err, rc, "cannot build the bundle");
  }
  if (rc) goto out;
  /* Write beside the target and rename, so a pulled USB stick never holds half a bundle. */
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    rc = cm_errf(err, CM_ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
    goto out;
  }
  for (size_t off = 0; off < len;) {
    ssize_t w = write(fd, bundle + off, len - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      rc = cm_errf(err, errno == ENOSPC ? CM_ERR_DISK_FULL : CM_ERR_IO, "cannot write %s: %s",
                   tmp, strerror(errno));
      goto out;
    }
    off += (size_t)w;
  }
  if (fsync(fd) != 0 || close(fd) != 0) {
    fd = -1;
    rc = cm_errf(err, CM_ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
    goto out;
  }
  fd = -1;
  if (rename(tmp, path) != 0) {
    rc = cm_errf(err, CM_ERR_IO, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
    goto out;
  }
  if (n_out) *n_out = head > acked ? head - acked : 0;
out:
  if (fd >= 0) {
    close(fd);
    unlink(tmp);
  }
  free(bundle);
  return rc;
}
