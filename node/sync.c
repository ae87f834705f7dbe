/* sync.c - one sync pass with the street hub, the status counters, and the USB
 * bundle export. */
#include "sync.h"

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <sodium.h>

#include "../common/clock.h"
#include "../common/codec.h"
#include "../common/failpoint.h"
#include "../common/http_client.h"
#include "../common/json.h"
#include "../common/keyfile.h"
#include "../common/log.h"
#include "../common/upstream.h"
#include "../protocol/bundle.h"
#include "../protocol/changeset.h"
#include "../protocol/feed.h"
#include "inherit.h"
#include "project.h"
#include "attach_sync.h"
#include "records.h"
#include "restore.h"
#include "store.h"

#define SYNC_BUDGET_MS 28000u            /* a pass gives up before 30 s */
#define SYNC_CONNECT_MS 5000L
#define SYNC_CS_ENTRIES 5000u            /* entries per changeset */
#define SYNC_POST_MAX (8u << 20)         /* bundle bytes per POST */
/* Entries per POST: the first small, so that the hub starts soon, then each
 * half as large again as the one before up to SYNC_POST_ENTRIES: building
 * the next bundle (about two thirds of the hub's time per entry, measured
 * under load) stays within the hub's work on this one, and the per-request
 * costs (a disk sync at each end, the headers, a batch to accept) stay few.
 * When the pass must load libcurl first (the command line's sync), the
 * first is SYNC_POST_ENTRIES, built while it loads (first_start): 6,500
 * entries go in 4 POSTs instead of 7, and the sync takes about a tenth less
 * (docs/benchmarks.md, round thirteen). */
#define SYNC_POST_FIRST 250u
#define SYNC_POST_ENTRIES 2000u
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
  /* Bookkeeping that a crash may lose (the next pass learns it again): kept
   * here and written with the next transaction that matters, or at the end
   * of the pass, so that a sync costs a few syncs to disk, not one per fact. */
  uint64_t contact_ms, hub_time_ms, pushed_seq, files_seq;
  int64_t clock_offset_ms;
  int have_offset;
  /* The first bundle, built ahead (first_start) while the pass loads libcurl
   * and asks for the hub's head. */
  struct first_bundle {
    pthread_t th;
    int started; /* 1 on its thread, 2 built on the pass's (first_start) */
    node_ctx *ctx;
    uint64_t from, to, last;
    uint8_t *bundle;
    size_t len;
    cm_rc rc;
    cm_err err;
  } first;
} pass;

/* Per-request timeouts from what remains of the pass's budget. */
static cm_rc budget(pass *p, cm_err *err) {
  uint64_t used = cm_mono_ms() - p->start_mono;
  if (used + 1000 >= SYNC_BUDGET_MS)
    return cm_errf(err, CM_ERR_NETWORK,
                   "与街道分会通信 %llu 秒仍未完成（%s），本次先停下；记录仍在待上报，"
                   "下次同步时再发", (unsigned long long)(used / 1000), p->url);
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
            "无法连接街道分会（%s）：%s。请检查网络是否连通、街道分会地址是否正确、"
            "街道分会是否在运行；记录仍在待上报，下次同步时一并发送", p->url, msg);
  }
  return rc;
}

/* Remember the hub's clock: "today" never goes earlier than it, and signed
 * requests carry our time corrected by the offset. */
static void saw_hub_time(pass *p, uint64_t hub_ms) {
  if (!hub_ms) return;
  int64_t off = (int64_t)hub_ms - (int64_t)cm_now_ms();
  p->clock_offset_ms = off;
  p->have_offset = 1;
  if (hub_ms > p->hub_time_ms) p->hub_time_ms = hub_ms;
  p->opts.clock_offset_ms = off;
}

static void contact(pass *p) { p->contact_ms = cm_now_ms(); }

/* Write the pass's bookkeeping (inside a transaction). */
static cm_rc write_marks(pass *p, cm_err *err) {
  cm_rc rc = CM_OK;
  if (p->contact_ms) rc = store_meta_set_u64(p->ctx, "last_contact_ms", p->contact_ms, err);
  if (!rc && p->have_offset) {
    char v[32];
    snprintf(v, sizeof v, "%" PRId64, p->clock_offset_ms);
    rc = store_meta_set(p->ctx, "clock_offset_ms", v, err);
  }
  if (!rc && p->hub_time_ms)
    rc = store_meta_max_u64(p->ctx, "last_hub_time_ms", p->hub_time_ms, err);
  if (!rc && p->pushed_seq) rc = store_meta_max_u64(p->ctx, "pushed_seq", p->pushed_seq, err);
  if (!rc && p->files_seq)
    rc = store_meta_max_u64(p->ctx, "files_pushed_seq", p->files_seq, err);
  return rc;
}

/* Pin the hub key the first time we learn it; refuse a different one later. */
static cm_rc pin(pass *p, const uint8_t key[PROTO_KEY_BYTES], cm_err *err) {
  char hex[PROTO_KEY_HEX], fp[PROTO_FINGERPRINT_LEN];
  if (p->pinned) {
    if (memcmp(p->hub_key, key, PROTO_KEY_BYTES) != 0) {
      proto_key_hex(key, hex);
      return cm_errf(err, CM_ERR_PERM,
                     "%s 答复所用的密钥（%s）不是本机记住的街道分会密钥：请核对街道分会地址。"
                     "什么也没有发送", p->url, hex);
    }
    return CM_OK;
  }
  proto_key_hex(key, hex);
  cm_rc rc = store_meta_set(p->ctx, "hub_key", hex, err);
  if (rc) return rc;
  memcpy(p->hub_key, key, PROTO_KEY_BYTES);
  p->pinned = 1;
  proto_fingerprint(key, fp);
  fprintf(stderr, "linli-node: 街道分会密钥指纹 %s（请与街道操作员核对）\n", fp);
  return CM_OK;
}

/* The hub's answer to an enrolment: its key pinned and our state, one
 * transaction (one disk sync). */
typedef struct enrol_job {
  pass *p;
  const uint8_t *key;
  long status;
} enrol_job;

static cm_rc enrol_tx(node_ctx *ctx, void *arg, cm_err *err) {
  enrol_job *j = arg;
  cm_rc rc = pin(j->p, j->key, err);
  if (!rc)
    rc = store_meta_set_u64(ctx, "enrol",
                            j->status == 200 ? NODE_ENROL_DONE : NODE_ENROL_PENDING, err);
  return rc;
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
  if (!body) return cm_errf(err, CM_ERR_NOMEM, "内存不足");
  rc = budget(p, err);
  if (!rc) rc = explain(p, cm_upstream_enroll(p->url, body, &p->opts, &status, key, err), err);
  free(body);
  if (rc) return rc;
  contact(p);
  enrol_job job = {p, key, status};
  rc = store_tx(p->ctx, enrol_tx, &job, err);
  if (rc || status == 200) return rc;
  char fp[PROTO_FINGERPRINT_LEN], me[PROTO_FINGERPRINT_LEN];
  proto_fingerprint(p->hub_key, fp);
  proto_fingerprint(p->ctx->kp.pk, me);
  return cm_errf(err, CM_ERR_PERM,
                 "等待街道审批登记（本机指纹 %s；街道分会指纹 %s），记录仍在待上报",
                 me, fp);
}

/* Collected entries for one changeset: their canonical bytes one after the
 * other in one buffer (one allocation, not one per entry), decoded once the
 * buffer stops moving. */
typedef struct collect {
  cm_buf bytes;
  size_t *ends; /* ends[i]: end of entry i in bytes */
  uint64_t *seqs;
  proto_entry *entries;
  size_t n, cap;
} collect;

static cm_rc collect_entry(void *arg, uint64_t seq, const uint8_t *raw, size_t len, cm_err *err) {
  collect *c = arg;
  if (c->n == c->cap) return cm_errf(err, CM_ERR_INVALID, "一个上报包里的记录太多");
  if (cm_buf_append(&c->bytes, raw, len) != CM_OK)
    return cm_errf(err, CM_ERR_NOMEM, "读取台账时内存不足");
  c->ends[c->n] = c->bytes.len;
  c->seqs[c->n] = seq;
  c->n++;
  return CM_OK;
}

/* Decode what collect_entry gathered. */
static cm_rc collect_decode(collect *c, cm_err *err) {
  size_t start = 0;
  for (size_t i = 0; i < c->n; i++) {
    cm_rc rc = proto_entry_decode(c->bytes.p + start, c->ends[i] - start, &c->entries[i], err);
    if (!rc && c->entries[i].seq != c->seqs[i])
      rc = cm_errf(err, CM_ERR_DB, "台账第 %llu 行的序号不对",
                   (unsigned long long)c->seqs[i]);
    if (rc) return rc;
    start = c->ends[i];
  }
  return CM_OK;
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
  /* The cap only bounds the buffer: the log holds at most this much. */
  cm_buf_init(&c.bytes, (size_t)SYNC_CS_ENTRIES * (PROTO_BODY_MAX + 1024u));
  /* Not zeroed: each slot is written before it is read (collect_entry,
   * collect_decode), and zeroing 5,000 entries a bundle cost more than
   * hashing them. */
  c.ends = malloc(c.cap * sizeof *c.ends);
  c.seqs = malloc(c.cap * sizeof *c.seqs);
  c.entries = malloc(c.cap * sizeof *c.entries);
  size_t max_spans = (size_t)((to - from) / SYNC_CS_ENTRIES + 1);
  spans = calloc(max_spans, sizeof *spans);
  if (!c.ends || !c.seqs || !c.entries || !spans) {
    rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
    goto out;
  }
  uint64_t at = from;
  while (at <= to) {
    uint64_t end = at + SYNC_CS_ENTRIES - 1;
    if (end > to) end = to;
    c.n = 0;
    c.bytes.len = 0;
    rc = store_log_each(ctx, at, end, collect_entry, &c, err);
    if (!rc) rc = collect_decode(&c, err);
    uint8_t *cs = NULL;
    size_t cs_len = 0;
    if (!rc && c.n != end - at + 1)
      rc = cm_errf(err, CM_ERR_DB, "本机台账缺少第 %llu 到第 %llu 条之间的记录",
                   (unsigned long long)at, (unsigned long long)end);
    if (!rc)
      rc = proto_changeset_build(c.entries, c.n, &ctx->kp, node_now_ms(ctx), &cs, &cs_len, err);
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
  if (rc) cm_errf(err, rc, "无法打包");
out:
  for (size_t i = 0; i < n_spans; i++) free((void *)spans[i].p);
  free(spans);
  cm_buf_free(&c.bytes);
  free(c.ends);
  free(c.seqs);
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
                   "街道分会确认的第 %llu 条记录与本机的不同：台账出现分叉，请联系街道操作员", (unsigned long long)r->r.seq);
  cm_rc rc = store_receipt_add(p->ctx, r->r.hub, r->r.seq, r->r.head_hash, r->r.time_ms, r->raw,
                               sizeof r->raw, err);
  if (!rc) rc = store_meta_max_u64(p->ctx, "acked_seq", r->r.seq, err);
  return rc;
}

/* Receipts from one answer of the hub, kept in one transaction with the
 * pass's bookkeeping; got = the highest sequence of ours they cover. */
typedef struct receipts_job {
  pass *p;
  const cm_receipt *r;
  size_t n;
  uint64_t got;
} receipts_job;

static cm_rc receipts_tx(node_ctx *ctx, void *arg, cm_err *err) {
  receipts_job *j = arg;
  cm_rc rc = write_marks(j->p, err);
  (void)ctx;
  for (size_t i = 0; !rc && i < j->n; i++) {
    rc = take_receipt(j->p, &j->r[i], err);
    if (memcmp(j->r[i].r.author, j->p->ctx->kp.pk, PROTO_KEY_BYTES) == 0 && j->r[i].r.seq > j->got)
      j->got = j->r[i].r.seq;
  }
  return rc;
}

static cm_rc take_receipts(pass *p, const cm_receipt *r, size_t n, uint64_t *got_out,
                           cm_err *err) {
  receipts_job j = {p, r, n, 0};
  cm_rc rc = store_tx(p->ctx, receipts_tx, &j, err);
  if (got_out) *got_out = rc ? 0 : j.got;
  return rc;
}

/* One POST of a bundle on its own thread, so that the node builds the next
 * bundle (and keeps the last answer's receipts) while the hub verifies,
 * stores and commits this one.  The pushes of one pass still go one at a
 * time: the next leaves only once this one's answer is in. */
typedef struct sender {
  pthread_t th;
  const char *url;
  const uint8_t *hub_key;
  uint8_t *bundle;
  size_t len;
  uint64_t last; /* the last sequence in bundle */
  cm_client_opts opts;
  cm_push_result res;
  cm_err err;
  cm_rc rc;
} sender;

static void *send_main(void *arg) {
  sender *s = arg;
  s->rc = cm_upstream_push(s->url, s->hub_key, s->bundle, s->len, &s->opts, &s->res, &s->err);
  return NULL;
}

/* The last entry of a POST that starts at from and holds at most n entries. */
static uint64_t post_end(uint64_t from, uint64_t head, uint64_t n) {
  return head - from >= n ? from + n - 1 : head;
}

/* The bundle of entries from..min(head, from + n - 1). */
static cm_rc next_bundle(pass *p, uint64_t from, uint64_t head, uint64_t n, uint8_t **bundle,
                         size_t *len, uint64_t *last, cm_err *err) {
  return build_bundle(p->ctx, from, post_end(from, head, n), SYNC_POST_MAX, bundle, len, last,
                      err);
}

/* ---- the first bundle, built ahead ----
 * A pass begins with libcurl loading and two round trips (heads, and an
 * enrolment until the node is enrolled) during which the node has nothing to
 * do.  The first bundle, from the entry after the last acknowledged one, is
 * built meanwhile on a thread of its own (the connection is serialised), or
 * while libcurl is still loading on the pass's own thread (first_start), and
 * used when the hub's head is where the node thought: the same bytes the push
 * would have built (entries are never changed once written, save by a fetch
 * back or an adopted chain, before which it is dropped: first_drop). */

static void *first_main(void *arg) {
  struct first_bundle *f = arg;
  f->rc = build_bundle(f->ctx, f->from, f->to, SYNC_POST_MAX, &f->bundle, &f->len, &f->last,
                       &f->err);
  return NULL;
}

static void first_start(pass *p) {
  struct first_bundle *f = &p->first;
  uint8_t hh[PROTO_HASH_BYTES];
  uint64_t head = 0, acked = store_meta_u64(p->ctx, "acked_seq", 0);
  if (store_log_head(p->ctx, &head, hh, NULL) != CM_OK || acked >= head) return;
  f->ctx = p->ctx;
  f->from = acked + 1;
  cm_err_clear(&f->err);
  /* While libcurl loads (the command line's sync: node/main.c), a new thread
   * would not start before it is loaded, and the first request waits for it
   * too: build the bundle now, in that time, and a full one (building 2,000
   * entries takes about half as long as loading libcurl). */
  if (cm_client_loading()) {
    f->to = post_end(f->from, head, SYNC_POST_ENTRIES);
    first_main(f);
    f->started = 2;
    return;
  }
  f->to = post_end(f->from, head, SYNC_POST_FIRST);
  f->started = pthread_create(&f->th, NULL, first_main, f) == 0;
}

/* Wait for the first bundle; 1 with it in *bundle (the caller's now) when it
 * starts at from, else 0 (it is dropped). */
static int first_take(pass *p, uint64_t from, uint8_t **bundle, size_t *len, uint64_t *last) {
  struct first_bundle *f = &p->first;
  int ok = 0;
  if (!f->started) return 0;
  if (f->started == 1) pthread_join(f->th, NULL);
  f->started = 0;
  if (!f->rc && f->bundle && f->from == from) {
    *bundle = f->bundle;
    *len = f->len;
    *last = f->last;
    f->bundle = NULL;
    ok = 1;
  }
  free(f->bundle);
  f->bundle = NULL;
  return ok;
}

/* Before the pass changes its log (a fetch back, an adopted chain), and at
 * its end: the first bundle's thread joined, the bundle dropped. */
static void first_drop(pass *p) {
  uint8_t *unused = NULL;
  size_t len = 0;
  uint64_t last = 0;
  first_take(p, 0, &unused, &len, &last); /* no bundle starts at 0 */
}

/* The hub's 200 to a push that ended at last: keep its receipts. */
static cm_rc push_taken(pass *p, cm_push_result *res, uint64_t last, cm_err *err) {
  uint64_t got = 0;
  /* The hub holds the entries durably; dying here means the next pass
   * learns it from the hub's head and sends nothing twice. */
  CM_FAILPOINT("node.sync.after_push_before_receipts");
  cm_rc rc = take_receipts(p, res->receipts, res->n_receipts, &got, err);
  if (!rc) CM_FAILPOINT("node.sync.after_receipts");
  if (!rc && got < last)
    rc = cm_errf(err, CM_ERR_HTTP, "街道分会只确认到第 %llu 条（共发送到第 %llu 条），下次同步时再发",
                 (unsigned long long)got, (unsigned long long)last);
  return rc;
}

static cm_rc push(pass *p, uint64_t hub_seq, cm_err *err) {
  uint64_t head = 0;
  uint8_t hh[PROTO_HASH_BYTES];
  cm_rc rc = store_log_head(p->ctx, &head, hh, err);
  uint64_t from = hub_seq + 1;
  uint8_t *next = NULL;
  size_t next_len = 0;
  uint64_t next_last = 0, taken_last = 0;
  cm_push_result taken; /* a 200 whose receipts are kept while the next push runs */
  int have_taken = 0;
  uint64_t size = SYNC_POST_FIRST;
  memset(&taken, 0, sizeof taken);
  if (!rc && from <= head) {
    if (first_take(p, from, &next, &next_len, &next_last))
      size = next_last - from + 1;
    else
      rc = next_bundle(p, from, head, size, &next, &next_len, &next_last, err);
  }
  for (int round = 0; !rc && next && round < SYNC_MAX_POSTS; round++) {
    sender s;
    memset(&s, 0, sizeof s);
    s.url = p->url;
    s.hub_key = p->hub_key;
    s.bundle = next;
    s.len = next_len;
    s.last = next_last;
    next = NULL;
    rc = budget(p, err);
    s.opts = p->opts;
    if (!rc && pthread_create(&s.th, NULL, send_main, &s) != 0)
      rc = cm_errf(err, CM_ERR_NOMEM, "无法启动上报线程");
    if (rc) {
      free(s.bundle);
      break;
    }
    /* While the hub works: the last answer's receipts, then the next bundle. */
    cm_rc mine = CM_OK;
    cm_err me;
    cm_err_clear(&me);
    if (have_taken) {
      mine = push_taken(p, &taken, taken_last, &me);
      cm_push_result_free(&taken);
      have_taken = 0;
    }
    size = size + size / 2 < SYNC_POST_ENTRIES ? size + size / 2 : SYNC_POST_ENTRIES;
    if (!mine && s.last < head)
      mine = next_bundle(p, s.last + 1, head, size, &next, &next_len, &next_last, &me);
    pthread_join(s.th, NULL);
    free(s.bundle);
    rc = explain(p, s.rc, &s.err);
    if (rc) {
      if (err) *err = s.err;
    } else {
      contact(p);
      saw_hub_time(p, s.res.server_time_ms);
      if (s.last > p->pushed_seq) p->pushed_seq = s.last;
    }
    if (!rc && mine) {
      rc = mine;
      if (err) *err = me;
    }
    if (!rc && s.res.status == 200) {
      taken = s.res;
      memset(&s.res, 0, sizeof s.res);
      taken_last = s.last;
      have_taken = 1;
      from = s.last + 1;
    } else if (!rc && s.res.status == 409 && s.res.has_gap &&
               memcmp(s.res.gap_author, p->ctx->kp.pk, PROTO_KEY_BYTES) == 0 &&
               s.res.expected_seq >= 1 && s.res.expected_seq <= head &&
               s.res.expected_seq != from) {
      /* The hub's head moved (another copy of us, a restored hub): resume there. */
      cm_info("hub asks to resume from %llu", (unsigned long long)s.res.expected_seq);
      from = s.res.expected_seq;
      free(next);
      next = NULL;
      rc = next_bundle(p, from, head, size, &next, &next_len, &next_last, err);
    } else if (!rc && s.res.status == 403) {
      rc = cm_errf(err, CM_ERR_PERM, "街道分会拒收本机的报送（%s：%s）。如果本机密钥已被吊销（电脑丢失、被盗或已更换），"
                   "本机不能再报送，请联系街道分会",
                   s.res.error, s.res.message);
    } else if (!rc) {
      rc = cm_errf(err, CM_ERR_HTTP, "街道分会拒收了这批记录（HTTP %ld %s：%s），记录仍在待上报；请联系街道操作员",
                   s.res.status, s.res.error, s.res.message);
    }
    cm_push_result_free(&s.res);
  }
  free(next);
  /* The last answer's receipts (or those of an answer before a failure: what
   * the hub acknowledged is kept either way). */
  if (have_taken) {
    cm_err te;
    cm_err_clear(&te);
    cm_rc trc = push_taken(p, &taken, taken_last, &te);
    if (trc && !rc) {
      rc = trc;
      if (err) *err = te;
    }
    cm_push_result_free(&taken);
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
         !strcmp(k, "hub.enrolled") || !strcmp(k, "rectification.accepted") ||
         !strcmp(k, "fork.resolved") || !strncmp(k, "evaluation.", 11) ||
         !strcmp(k, "notice.sent") || cm_rec_to_all(k) || !strcmp(k, "org.mapped");
}

/* A 64-hex key in o under one of keys, or 0. */
static int key_in(const json_t *o, const char *const *keys, uint8_t out[PROTO_KEY_BYTES]) {
  for (; *keys; keys++) {
    const char *v = json_string_value(json_object_get(o, *keys));
    if (v && strlen(v) == 2 * PROTO_KEY_BYTES && proto_key_from_hex(v, out) == CM_OK) return 1;
  }
  return 0;
}

/* The district's key, as the street told us (its signed entries are the only
 * source we trust for it): 1 and out filled when known. */
static int district_key(node_ctx *ctx, uint8_t out[PROTO_KEY_BYTES]) {
  char hex[PROTO_KEY_HEX];
  return store_meta_get(ctx, "district_key", hex, sizeof hex, NULL) == CM_OK &&
         proto_key_from_hex(hex, out) == CM_OK;
}

/* Learn the district key from the street's signed enrolment entry, when it
 * names it. */
static cm_rc learn_district_key(node_ctx *ctx, const json_t *body, cm_err *err) {
  static const char *const keys[] = {"district_key", "upstream_key", NULL};
  uint8_t k[PROTO_KEY_BYTES], held[PROTO_KEY_BYTES];
  char hex[PROTO_KEY_HEX];
  if (!key_in(body, keys, k)) return CM_OK;
  if (district_key(ctx, held)) return CM_OK; /* the first one the street named stays */
  proto_key_hex(k, hex);
  return store_meta_set(ctx, "district_key", hex, err);
}

/* The signed district entry a street relay carries in "origin": the signed
 * entry itself as hex or base64, or an object holding it under "entry". *out
 * malloc'd.  0 when there is none or it does not decode. */
static int origin_bytes(const json_t *body, uint8_t **out, size_t *len_out) {
  const json_t *o = json_object_get(body, "origin");
  *out = NULL;
  *len_out = 0;
  if (json_is_object(o)) {
    static const char *const k[] = {"entry", "sentry", "signed", "raw", NULL};
    const json_t *x = NULL;
    for (const char *const *p = k; *p && !x; p++)
      if (json_is_string(json_object_get(o, *p))) x = json_object_get(o, *p);
    o = x;
  }
  const char *s = json_string_value(o);
  if (!s) return 0;
  size_t n = strlen(s);
  if (n < 2 || n > 4 * (PROTO_ENTRY_FIXED + PROTO_KIND_MAX + PROTO_BODY_MAX + PROTO_SIG_BYTES))
    return 0;
  size_t hexlen = strspn(s, "0123456789abcdef");
  if (hexlen == n && n % 2 == 0) {
    *out = malloc(n / 2);
    if (*out && cm_hex_decode(s, n, *out, n / 2) == CM_OK) {
      *len_out = n / 2;
      return 1;
    }
    free(*out);
    *out = NULL;
    return 0;
  }
  return cm_b64_decode(s, n, out, len_out) == CM_OK;
}

/* One feed item as the inbox keeps it: for a district decision the street
 * relayed, the district's own entry (its signature verified, against the
 * district key when the node knows it). */
typedef struct item_view {
  proto_entry inner;
  uint8_t *inner_raw;
  size_t inner_len;
  json_t *body;
  const char *kind;
  char record[PROTO_KEY_HEX + 24];
  const char *origin;
} item_view;

/* Fill v from the street's entry e (body parsed).  CM_PROTO_BAD_SIGNATURE when
 * a relayed entry's signature does not hold or its signer is not the district
 * we know: the item is refused. */
static cm_rc view_item(node_ctx *ctx, const proto_entry *e, json_t *body, item_view *v,
                       cm_err *err) {
  char hex[PROTO_KEY_HEX];
  uint8_t dk[PROTO_KEY_BYTES];
  v->body = body;
  v->kind = e->kind;
  v->origin = "street";
  proto_key_hex(e->author, hex);
  snprintf(v->record, sizeof v->record, "%s/%llu", hex, (unsigned long long)e->seq);
  if (!json_object_get(body, "origin")) return CM_OK;
  if (!origin_bytes(body, &v->inner_raw, &v->inner_len))
    return cm_errf(err, CM_PROTO_BAD_ENTRY, "转发的第 %llu 条：无法解读其原件",
                   (unsigned long long)e->seq);
  int known = district_key(ctx, dk);
  cm_rc rc = proto_sentry_decode(v->inner_raw, v->inner_len, known ? dk : NULL, &v->inner, err);
  if (rc) return cm_errf(err, CM_PROTO_BAD_SIGNATURE,
                         "转发的第 %llu 条：区协会的签名不对（%s）",
                         (unsigned long long)e->seq, cm_strerror(rc));
  if (!memcmp(v->inner.author, ctx->kp.pk, PROTO_KEY_BYTES) ||
      !memcmp(v->inner.author, e->author, PROTO_KEY_BYTES) || !wanted_kind(v->inner.kind))
    return cm_errf(err, CM_PROTO_BAD_SIGNATURE, "转发的第 %llu 条不是区协会的决定",
                   (unsigned long long)e->seq);
  json_t *ib = NULL;
  rc = cm_json_parse_object(v->inner.body, v->inner.body_len, &ib, err);
  if (rc) return rc;
  v->body = ib;
  v->kind = v->inner.kind;
  v->origin = "district";
  proto_key_hex(v->inner.author, hex);
  snprintf(v->record, sizeof v->record, "%s/%llu", hex, (unsigned long long)v->inner.seq);
  return CM_OK;
}

/* fork.resolved for this node's own log: remember which chain the hub kept,
 * so that the next pass adopts it and re-appends what the node still needs
 * (node_fork_adopt). */
static cm_rc note_fork(node_ctx *ctx, const json_t *body, cm_err *err) {
  static const char *const k_author[] = {"author", NULL};
  uint8_t author[PROTO_KEY_BYTES], keep[PROTO_HASH_BYTES];
  /* "head" is the kept chain's head; "keep" the entry the operator chose,
   * which may lie before it. */
  const char *h = json_string_value(json_object_get(body, "head"));
  if (!h) h = json_string_value(json_object_get(body, "keep"));
  if (!key_in(body, k_author, author) || memcmp(author, ctx->kp.pk, PROTO_KEY_BYTES) != 0)
    return CM_OK;
  if (!h || strlen(h) != 2 * PROTO_HASH_BYTES ||
      cm_hex_decode(h, strlen(h), keep, sizeof keep) != CM_OK) {
    cm_warn("fork.resolved without a usable kept head hash: ignored");
    return CM_OK;
  }
  return store_meta_set(ctx, "fork_keep", h, err);
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
    item_view v;
    cm_err ve;
    memset(&v, 0, sizeof v);
    /* A relay may also wrap a district decision under a kind of its own. */
    if (!wanted_kind(e->kind) && strcmp(e->kind, "relay") != 0 &&
        strncmp(e->kind, "relay.", 6) != 0)
      continue;
    if (cm_json_parse_object(e->body, e->body_len, &body, NULL) != CM_OK) {
      cm_warn("skipping hub entry %llu (%s): its body is not a JSON object",
              (unsigned long long)e->seq, e->kind);
      continue;
    }
    if (!strcmp(e->kind, "hub.enrolled")) rc = learn_district_key(ctx, body, err);
    if (!rc && view_item(ctx, e, body, &v, &ve) != CM_OK) {
      /* The street signed it, but what it relays does not verify: keep it out. */
      cm_warn("refusing hub entry %llu (%s): %s", (unsigned long long)e->seq, e->kind, ve.msg);
      free(v.inner_raw);
      if (v.body != body) json_decref(v.body);
      json_decref(body);
      continue;
    }
    char *text = rc ? NULL : json_dumps(v.body, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (!rc) rc = proto_sentry_encode(e, &raw, &raw_len);
    if (!rc && text)
      rc = store_inbox_add(ctx, j->items[i].cursor, e->seq, v.kind, text, e->time_ms, raw,
                           raw_len, v.origin, v.record, &added, err);
    else if (!rc)
      rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
    if (!rc && added) {
      project_item it = {j->items[i].cursor, v.kind, v.body, v.record, v.origin,
                         v.body != body ? v.inner.time_ms : e->time_ms};
      rc = project_decision(ctx, &it, err);
    }
    if (!rc && added && !strcmp(v.kind, "fork.resolved")) rc = note_fork(ctx, v.body, err);
    /* enrolled to replace the community's lost PC (or the PC it replaced
     * had replaced one): their records come next */
    if (!rc && !strcmp(e->kind, "hub.enrolled")) rc = node_inherit_learn(ctx, body, err);
    if (!rc && !strcmp(e->kind, "hub.enrolled")) {
      const char *key = json_string_value(json_object_get(body, "key"));
      if (key && !strcmp(key, me)) {
        rc = store_meta_set_u64(ctx, "enrol", NODE_ENROL_DONE, err);
        /* A restored node learns its names and code back from its enrolment. */
        if (!rc && store_meta_u64(ctx, "restored", 0) == 1) {
          const char *s;
          if ((s = json_string_value(json_object_get(body, "name"))) != NULL)
            store_meta_set(ctx, "community", s, NULL);
          if ((s = json_string_value(json_object_get(body, "street"))) != NULL)
            store_meta_set(ctx, "street", s, NULL);
          if ((s = json_string_value(json_object_get(body, "code"))) != NULL && strlen(s) == 12)
            store_meta_set(ctx, "code", s, NULL);
          rc = store_meta_set(ctx, "restored", "0", err);
        }
      }
    }
    free(text);
    free(raw);
    free(v.inner_raw);
    if (v.body != body) json_decref(v.body);
    json_decref(body);
  }
  if (!rc) rc = store_meta_set_u64(ctx, "feed_cursor", j->next, err);
  /* Items and cursor commit together: dying here loses both, never one. */
  if (!rc && j->n) CM_FAILPOINT("node.feed.before_commit");
  return rc;
}

/* node_feed_apply; *n_out = the items the page held. */
static cm_rc feed_apply(node_ctx *ctx, const uint8_t *buf, size_t len, uint64_t *next_out,
                        size_t *n_out, cm_err *err) {
  char hex[PROTO_KEY_HEX];
  uint8_t hub_key[PROTO_KEY_BYTES];
  feed_job j = {NULL, 0, 0};
  uint64_t cursor = store_meta_u64(ctx, "feed_cursor", 0);
  *next_out = cursor;
  if (store_meta_get(ctx, "hub_key", hex, sizeof hex, NULL) != CM_OK ||
      proto_key_from_hex(hex, hub_key) != CM_OK)
    return cm_errf(err, CM_ERR_PERM, "本机还没有记住街道分会的密钥，无法核验上级决定：请先完成一次同步");
  cm_rc rc = proto_feed_decode(buf, len, hub_key, &j.items, &j.n, &j.next, err);
  if (!rc && j.n > 0 && j.next > cursor) {
    rc = store_tx(ctx, feed_tx, &j, err);
    if (!rc) *next_out = j.next;
  }
  *n_out = j.n;
  free(j.items);
  return rc;
}

cm_rc node_feed_apply(node_ctx *ctx, const uint8_t *buf, size_t len, uint64_t *next_out,
                      cm_err *err) {
  size_t n = 0;
  return feed_apply(ctx, buf, len, next_out, &n, err);
}

static cm_rc pull_feed(pass *p, cm_err *err) {
  cm_rc rc = CM_OK;
  for (int round = 0; !rc && round < SYNC_MAX_FEED_ROUNDS; round++) {
    uint64_t cursor = store_meta_u64(p->ctx, "feed_cursor", 0);
    uint8_t *buf = NULL;
    size_t len = 0;
    rc = budget(p, err);
    if (!rc) rc = explain(p, cm_upstream_feed(p->url, cursor, &p->opts, &buf, &len, err), err);
    uint64_t next = cursor;
    size_t n = 0;
    if (!rc) rc = feed_apply(p->ctx, buf, len, &next, &n, err);
    free(buf);
    if (!rc) contact(p);
    /* A page short of the most a hub sends was all it held: asking again
     * would only come back empty (what arrives meanwhile waits for the next
     * pass, as it would after the empty answer). */
    if (rc || next <= cursor || n < PROTO_FEED_PAGE) break;
  }
  return rc;
}

/* 1 when the hub's head names an entry we hold with another hash. */
static int forked(pass *p, const cm_receipt *head, uint64_t local) {
  uint8_t held[PROTO_HASH_BYTES];
  if (head->r.seq == 0 || head->r.seq > local) return 0;
  return store_log_hash(p->ctx, head->r.seq, held) &&
         memcmp(held, head->r.head_hash, PROTO_HASH_BYTES) != 0;
}

/* Before any resolution: send our branch from the fork point, so that the hub
 * holds both chains as evidence, quarantines this author and alerts its
 * operator (who then chooses the chain to keep).  The hub refuses it; that is
 * the expected answer. */
static cm_rc send_branch(pass *p, const cm_receipt *head, cm_err *err) {
  uint64_t at = 0, local = 0;
  uint8_t lh[PROTO_HASH_BYTES], *bundle = NULL;
  size_t len = 0;
  cm_push_result res;
  memset(&res, 0, sizeof res);
  cm_rc rc = budget(p, err);
  if (!rc) rc = explain(p, node_fork_point(p->ctx, p->url, &p->opts, head->r.head_hash, &at, err),
                        err);
  if (!rc) rc = store_log_head(p->ctx, &local, lh, err);
  if (rc || !at || at > local) return rc;
  uint64_t last = 0;
  rc = build_bundle(p->ctx, at, local, SYNC_POST_MAX, &bundle, &len, &last, err);
  if (!rc) rc = budget(p, err);
  if (!rc) rc = explain(p, cm_upstream_push(p->url, p->hub_key, bundle, len, &p->opts, &res, err),
                        err);
  if (!rc)
    cm_warn("sent this node's branch from entry %llu to the hub as fork evidence (HTTP %ld %s)",
            (unsigned long long)at, res.status, res.error);
  cm_push_result_free(&res);
  free(bundle);
  return rc;
}

/* The hub holds another chain of this log: adopt it once the street operator
 * has said which chain to keep (fork.resolved in the feed), else show the
 * operator our branch and stop. */
static cm_rc resolve_fork(pass *p, const cm_receipt *head, cm_err *err) {
  cm_err fe;
  cm_err_clear(&fe);
  if (pull_feed(p, &fe) != CM_OK) cm_warn("the feed while forked: %s", fe.msg);
  cm_rc rc = budget(p, err);
  if (!rc) rc = node_fork_adopt(p->ctx, p->url, &p->opts, NULL, err);
  if (rc == CM_ERR_CONFLICT) {
    cm_err se;
    cm_err_clear(&se);
    if (send_branch(p, head, &se) != CM_OK) cm_warn("could not send the fork evidence: %s", se.msg);
  }
  return explain(p, rc, err);
}

/* What every pass needs first: the hub's URL and pinned key, the clock offset,
 * our key for signed requests. */
static cm_rc pass_setup(pass *p, cm_err *err) {
  char hex[PROTO_KEY_HEX];
  if (store_meta_get(p->ctx, "hub_url", p->url, sizeof p->url, err) != CM_OK)
    return cm_errf(err, CM_ERR_INVALID, "没有设置街道分会地址（init --hub URL）");
  if (store_meta_get(p->ctx, "hub_key", hex, sizeof hex, NULL) == CM_OK &&
      proto_key_from_hex(hex, p->hub_key) == CM_OK)
    p->pinned = 1;
  char off[32];
  if (store_meta_get(p->ctx, "clock_offset_ms", off, sizeof off, NULL) == CM_OK)
    p->opts.clock_offset_ms = strtoll(off, NULL, 10);
  p->opts.sign_with = &p->ctx->kp;
  return CM_OK;
}

/* An idle pass may be one feed request (docs/scale.md, "Quiet idle"): when the
 * node is enrolled with a pinned hub, has nothing unacknowledged, its last pass
 * went well, and a full pass (heads, which also catches a fork) ran within
 * NODE_SYNC_FULL_EVERY_MS. */
static int idle_light(node_ctx *ctx) {
  uint8_t h[PROTO_HASH_BYTES];
  char hex[PROTO_KEY_HEX], last_error[8];
  uint64_t head = 0, now = cm_now_ms(), full = store_meta_u64(ctx, "full_pass_ms", 0);
  if (store_meta_u64(ctx, "enrol", 0) != NODE_ENROL_DONE) return 0;
  if (store_meta_get(ctx, "hub_key", hex, sizeof hex, NULL) != CM_OK || !hex[0]) return 0;
  last_error[0] = 'x';
  if (store_meta_get(ctx, "last_error", last_error, sizeof last_error, NULL) != CM_OK ||
      last_error[0])
    return 0;
  if (store_meta_get(ctx, "fork_keep", hex, sizeof hex, NULL) == CM_OK && hex[0]) return 0;
  if (store_log_head(ctx, &head, h, NULL) != CM_OK) return 0;
  if (head != store_meta_u64(ctx, "acked_seq", 0)) return 0;
  return full != 0 && now >= full && now - full < NODE_SYNC_FULL_EVERY_MS;
}

static cm_rc sync_run(node_ctx *ctx, int light, cm_err *err);

int node_sync_pending(node_ctx *ctx) {
  uint8_t h[PROTO_HASH_BYTES];
  uint64_t head = 0;
  if (store_log_head(ctx, &head, h, NULL) != CM_OK) return 0;
  return head > store_meta_u64(ctx, "acked_seq", 0);
}

static cm_rc sync_steps(pass *p, cm_err *err);

static cm_rc sync_pass(pass *p, cm_err *err) {
  cm_rc rc = pass_setup(p, err);
  if (rc) return rc;
  first_start(p);
  rc = sync_steps(p, err);
  first_drop(p);
  return rc;
}

/* One connection for the pass's requests (sync_run closes it), made before
 * the first request and not earlier: making it waits for libcurl, which may
 * still be loading while the first bundle is built (first_start). */
static void pass_connect(pass *p) {
  if (!p->opts.conn) p->opts.conn = cm_client_conn_new();
}

static cm_rc sync_steps(pass *p, cm_err *err) {
  cm_receipt head;
  uint64_t local = 0;
  uint8_t lh[PROTO_HASH_BYTES];
  cm_rc rc;

  memset(&head, 0, sizeof head);

  pass_connect(p);

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
    return cm_errf(err, CM_PROTO_BAD_SIGNATURE, "街道分会的回执不是用它的密钥签名的：请核对街道分会地址，并联系街道操作员");

  /* 3. compare heads: fetch back what the hub holds and we do not */
  rc = store_log_head(p->ctx, &local, lh, err);
  if (rc) return rc;
  if (forked(p, &head, local)) {
    first_drop(p);
    rc = resolve_fork(p, &head, err);
    if (!rc) rc = store_log_head(p->ctx, &local, lh, err);
    if (rc) return rc;
  }
  if (head.r.seq > local) {
    cm_warn("街道分会保存了本机台账的 %llu 条，本机只有 %llu 条：正在取回",
            (unsigned long long)head.r.seq, (unsigned long long)local);
    first_drop(p);
    rc = budget(p, err);
    if (!rc) rc = explain(p, node_fetch_back(p->ctx, p->url, head.r.seq, &p->opts, err), err);
    if (rc == CM_ERR_CONFLICT) rc = resolve_fork(p, &head, err);
    if (rc) return rc;
    rc = store_log_head(p->ctx, &local, lh, err);
    if (rc) return rc;
  }
  if (head.r.seq > 0) {
    uint8_t held[PROTO_HASH_BYTES];
    if (!store_log_hash(p->ctx, head.r.seq, held) ||
        memcmp(held, head.r.head_hash, PROTO_HASH_BYTES) != 0)
      return cm_errf(err, CM_ERR_CONFLICT,
                     "街道分会保存的第 %llu 条记录与本机的不同：台账出现分叉，什么也没有发送。"
                     "请联系街道操作员",
                     (unsigned long long)head.r.seq);
    rc = take_receipts(p, &head, 1, NULL, err);
    if (rc) return rc;
  }
  /* The logs agree: a fork resolution seen earlier has nothing left to do. */
  char keep[2 * PROTO_HASH_BYTES + 1] = "";
  if (store_meta_get(p->ctx, "fork_keep", keep, sizeof keep, NULL) == CM_OK && keep[0]) {
    rc = store_meta_set(p->ctx, "fork_keep", "", err);
    if (rc) return rc;
  }
  uint64_t acked = store_meta_u64(p->ctx, "acked_seq", 0);
  if (head.r.seq < acked)
    cm_warn("街道分会确认过 %llu 条，现在只保存了 %llu 条（可能从旧备份恢复或重建过）："
            "正在重新发送，原来的回执仍保留",
            (unsigned long long)acked, (unsigned long long)head.r.seq);

  /* 4. push everything after the hub's head */
  rc = push(p, head.r.seq, err);
  if (rc) return rc;

  /* 4b. the files the acknowledged entries name */
  cm_att_sent sent;
  memset(&sent, 0, sizeof sent);
  rc = budget(p, err);
  if (!rc)
    rc = explain(p, node_attach_sync(p->ctx, p->url, &p->opts, &sent, &p->files_seq, err), err);
  if (rc) return rc;

  /* 5. decisions */
  rc = pull_feed(p, err);
  if (rc) return rc;

  /* 5b. a replacement key: the records of the PC it replaced */
  rc = budget(p, err);
  if (!rc) rc = explain(p, node_inherit_fetch(p->ctx, p->url, &p->opts, NULL, err), err);
  if (rc) return rc;

  acked = store_meta_u64(p->ctx, "acked_seq", 0);
  rc = store_log_head(p->ctx, &local, lh, err);
  if (!rc && acked < local)
    rc = cm_errf(err, CM_ERR_HTTP, "还有 %llu 条记录等待街道分会确认，下次同步时会再发送",
                 (unsigned long long)(local - acked));
  return rc;
}

/* The end of a pass: its bookkeeping and its outcome, in one transaction. */
typedef struct end_job {
  pass *p;
  const char *error;
  int full; /* a full pass that went well */
} end_job;

static cm_rc end_tx(node_ctx *ctx, void *arg, cm_err *err) {
  end_job *j = arg;
  cm_rc rc = write_marks(j->p, err);
  if (!rc) rc = store_meta_set(ctx, "last_error", j->error, err);
  if (!rc && j->full) rc = store_meta_set_u64(ctx, "full_pass_ms", cm_now_ms(), err);
  return rc;
}

cm_rc node_sync_once(node_ctx *ctx, cm_err *err) { return sync_run(ctx, 0, err); }

cm_rc node_sync_idle(node_ctx *ctx, cm_err *err) { return sync_run(ctx, idle_light(ctx), err); }

static cm_rc sync_run(node_ctx *ctx, int light, cm_err *err) {
  pass p;
  cm_err local;
  memset(&p, 0, sizeof p);
  cm_err_clear(&local);
  p.ctx = ctx;
  p.start_mono = cm_mono_ms();
  cm_rc rc = light ? pass_setup(&p, &local) : sync_pass(&p, &local);
  if (light && !rc) {
    /* One small unsigned question; the signed feed only when there is news. */
    int more = 1;
    pass_connect(&p);
    rc = explain(&p, cm_upstream_peek(p.url, ctx->kp.pk, store_meta_u64(ctx, "feed_cursor", 0),
                                      &p.opts, &more, &local), &local);
    if (!rc) contact(&p);
    if (!rc && more) rc = pull_feed(&p, &local);
  }
  cm_client_conn_free(p.opts.conn);
  end_job j = {&p, rc ? local.msg : "", !light && !rc};
  store_tx(ctx, end_tx, &j, NULL);
  if (rc && err) *err = local;
  if (rc && err && !err->msg[0]) cm_errf(err, rc, "同步没有完成：%s", cm_strerror(rc));
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
  char due_month[8], due_date[11];
  int due_late = 0;
  node_due_month(ctx, due_month, due_date, &due_late);
  uint64_t overdue = 0;
  rc = store_overdue_count(ctx, today, &overdue, err);
  if (rc) {
    json_decref(last);
    return rc;
  }
  *out = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:o,s:s,s:I,s:I,s:s,s:s,"
                   "s:s,s:s}",
                   "community", community, "street", street, "code", code, "key", key,
                   "fingerprint", fp, "hub", s.hub_url, "hub_key", hub_key,
                   "enrolled", enrol_names[s.enrol <= NODE_ENROL_DONE ? s.enrol : 0],
                   "written", (json_int_t)s.written, "pushed", (json_int_t)s.pushed,
                   "acknowledged", (json_int_t)s.acknowledged,
                   "pending", (json_int_t)(s.written - s.acknowledged), "last_contact", last,
                   "last_error", s.last_error, "unread", (json_int_t)s.unread,
                   "overdue", (json_int_t)overdue, "today", today,
                   "month", month, "due_month", due_month, "due_date", due_date);
  /* a replacement key: the PC it replaced and how much of the earlier
   * keys' logs is here */
  uint8_t keys[STORE_LINEAGE_MAX][PROTO_KEY_BYTES], oh[PROTO_HASH_BYTES];
  size_t nk = *out ? store_lineage(ctx, keys) : 0;
  uint64_t got = 0, one = 0;
  for (size_t g = 0; g < nk; g++)
    if (store_inherited_head(ctx, keys[g], &one, oh, NULL) == CM_OK) got += one;
  if (nk) {
    char ofp[PROTO_FINGERPRINT_LEN];
    proto_fingerprint(keys[0], ofp);
    json_object_set_new(*out, "replaces", json_string(ofp));
    json_object_set_new(*out, "inherited", json_integer((json_int_t)got));
  }
  return *out ? CM_OK : cm_errf(err, CM_ERR_NOMEM, "内存不足");
}

uint64_t node_sync_backoff_ms(unsigned failures) {
  uint64_t base;
  if (failures == 0) {
    base = NODE_SYNC_IDLE_MS;
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
    if (rc) cm_errf(err, rc, "无法打包");
  }
  if (rc) goto out;
  /* Write beside the target and rename, so a pulled USB stick never holds half a bundle. */
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    rc = cm_errf(err, CM_ERR_IO, "无法写入 %s：%s", tmp, strerror(errno));
    goto out;
  }
  for (size_t off = 0; off < len;) {
    ssize_t w = write(fd, bundle + off, len - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      rc = cm_errf(err, errno == ENOSPC ? CM_ERR_DISK_FULL : CM_ERR_IO, "无法写入 %s：%s",
                   tmp, strerror(errno));
      goto out;
    }
    off += (size_t)w;
  }
  if (fsync(fd) != 0 || close(fd) != 0) {
    fd = -1;
    rc = cm_errf(err, CM_ERR_IO, "无法写入 %s：%s", tmp, strerror(errno));
    goto out;
  }
  fd = -1;
  if (rename(tmp, path) != 0) {
    rc = cm_errf(err, CM_ERR_IO, "无法把 %s 改名为 %s：%s", tmp, path, strerror(errno));
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

/* ---- restore: a new directory with the community's key, then one pass ---- */

cm_rc node_restore(const char *dir, const char *hub_url, const char *keyfile,
                   uint64_t *head_out, cm_err *err) {
  proto_keypair kp;
  node_ctx *ctx = NULL;
  char dbpath[1100];
  struct stat sb;
  uint8_t hash[PROTO_HASH_BYTES];
  memset(&kp, 0, sizeof kp);
  cm_rc rc = cm_keyfile_read(keyfile, &kp, err);
  if (rc) goto out;
  snprintf(dbpath, sizeof dbpath, "%s/node.db", dir);
  if (stat(dbpath, &sb) == 0) {
    rc = node_open(dir, &ctx, err);
    if (!rc && memcmp(ctx->kp.pk, kp.pk, PROTO_KEY_BYTES) != 0)
      rc = cm_errf(err, CM_ERR_KEYFILE, "%s 里是另一个社区的密钥，不是 %s", dir, keyfile);
    if (!rc) rc = store_meta_set(ctx, "hub_url", hub_url, err);
  } else {
    /* Names and code come back with the hub's enrolment entry in the feed. */
    node_init_opts o = {"(restored)", "(restored)", hub_url, NULL, NULL};
    rc = node_init_with_key(dir, &o, &kp, err);
    if (!rc) rc = node_open(dir, &ctx, err);
    if (!rc) rc = store_meta_set(ctx, "restored", "1", err);
  }
  if (rc) goto out;
  /* A pass of sync fetches back first (it compares heads before it pushes). */
  rc = node_sync_once(ctx, err);
  /* then the files the log names, which the hub keeps as well */
  if (!rc) {
    cm_att_checked c;
    rc = node_files_check(ctx, 1, stderr, &c, err);
    if (!rc && (c.fetched || c.left))
      cm_info("附件 %u 个：取回 %u 个（%llu 字节）%s", c.files, c.fetched,
              (unsigned long long)c.bytes, c.left ? "；有的街道分会也没有，运行 files check 查看" : "");
  }
  if (!rc && head_out) rc = store_log_head(ctx, head_out, hash, err);
out:
  node_close(ctx);
  proto_keypair_wipe(&kp);
  return rc;
}
