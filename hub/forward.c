/* forward.c - the street hub's push to the district (forward.h).  Each round
 * opens its own hub handle (its own SQLite connection), so the HTTP workers
 * and the CLI are ordered by SQLite, not by this loop.  Progress lives in the
 * database (what the district acknowledged, the feed cursor), so a killed or
 * restarted street hub, or a district that comes back after days, resumes where
 * the district says. */
#include "forward.h"

#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../common/clock.h"
#include "../common/failpoint.h"
#include "../common/http_client.h"
#include "../common/log.h"
#include "../common/upstream.h"
#include "../protocol/bundle.h"
#include "../protocol/changeset.h"
#include "../protocol/feed.h"
#include "attach_fwd.h"
#include "diverge.h"
#include "hub.h"
#include "hublog.h"
#include "ingest.h"
#include "relay.h"
#include "store.h"

/* Rounds of feed requests in one round: next_cursor moves by up to 1,000 items
 * each, so this bounds one round, not the feed. */
#define FORWARD_FEED_PAGES 100
/* A district that answers 409 PROTO_GAP more often than this for one author in
 * one round is not converging; try again next round. */
#define FORWARD_MAX_GAPS 3
/* The street's pushes may carry 8 MiB: give them longer than the default. */
#define FORWARD_PUSH_TIMEOUT_MS 120000L
#define FORWARD_CONNECT_TIMEOUT_MS 5000L

struct hub_forward {
  char *dir;
  uint64_t backoff_cap_ms;
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t cond; /* signalled on wake and stop; waits use CLOCK_MONOTONIC */
  int stop;            /* under lock */
  int wake;            /* under lock: a round was asked for */
  int started;         /* the thread exists (join it) */
  /* Loop thread only: the district's clock minus ours, learnt from a stale-request
   * answer and kept for the next signed requests. */
  int64_t clock_offset;
};

/* 1 when the loop is being stopped (fw NULL: a one-off round, never). */
static int stopping(hub_forward *fw) {
  if (!fw) return 0;
  pthread_mutex_lock(&fw->lock);
  int s = fw->stop;
  pthread_mutex_unlock(&fw->lock);
  return s;
}

/* ---- one round ---------------------------------------------------------- */

typedef struct round_ctx {
  hub_ctx *hub;
  hub_forward *fw;
  const char *url;
  cm_client_opts opts;      /* unsigned requests */
  cm_client_opts push_opts; /* longer transfer timeout */
  cm_client_opts signed_opts;
  char ca_path[HUB_PATH_MAX + 32];
  hub_forward_stats st;
} round_ctx;

/* The pinned district key, or NULL before anything pinned it. */
static const uint8_t *pinned(const round_ctx *rc_) {
  return rc_->hub->has_upstream_key ? rc_->hub->upstream_key : NULL;
}

/* Pin the signer of a verified receipt when init had no --upstream-key (trust
 * on first use; the operator compares the fingerprint in `status`). */
static cm_rc pin_if_needed(round_ctx *r, const uint8_t signer[PROTO_KEY_BYTES], cm_err *err) {
  if (r->hub->has_upstream_key) return CM_OK;
  char fp[PROTO_FINGERPRINT_LEN];
  proto_fingerprint(signer, fp);
  cm_rc rc = hub_set_upstream_key(r->hub, signer, err);
  if (!rc) cm_warn("forward: pinned the district key with fingerprint %s (first use)", fp);
  return rc;
}

const char *hub_forward_ca_file(const char *dir, char *buf, size_t cap) {
  const char *env = getenv("LINLI_CA_FILE");
  if (env && *env) return env;
  snprintf(buf, cap, "%s/upstream-ca.pem", dir);
  return access(buf, R_OK) == 0 ? buf : NULL;
}

/* The district holds a different entry of a at seq (its signed head says so):
 * push our version so that the district records the fork with both versions,
 * fetch its version and record the same fork here (diverge.h).  Returns
 * CM_PROTO_FORK with err saying so once both are kept. */
static cm_rc diverged(round_ctx *r, const hub_fwd_author *a, uint64_t seq, cm_err *err) {
  char hex[PROTO_KEY_HEX];
  uint8_t *bundle = NULL, *theirs = NULL;
  size_t len = 0, theirs_len = 0;
  uint64_t last = 0;
  cm_push_result pr;
  cm_err e;
  memset(&pr, 0, sizeof pr);
  cm_err_clear(&e);
  proto_key_hex(a->author, hex);
  cm_warn("forward: the district holds a different entry of %.16s... at %" PRIu64
          " than this hub: keeping both as a fork",
          hex, seq);
  cm_rc rc = hub_forward_pending(r->hub, a->author, seq - 1, HUB_FORWARD_MAX_ENTRIES,
                                 HUB_FORWARD_MAX_BYTES, &bundle, &len, &last, err);
  if (!rc && len) {
    /* The district refuses it (409 PROTO_FORK) after keeping it as evidence. */
    if (cm_upstream_push(r->url, pinned(r), bundle, len, &r->push_opts, &pr, &e) == CM_OK)
      cm_info("forward: the district answered %ld %s to our version of %.16s...", pr.status,
              pr.error, hex);
    r->st.requests++;
  }
  if (!rc) rc = cm_upstream_log_of(r->url, a->author, seq - 1, &r->signed_opts, &theirs,
                                   &theirs_len, err);
  r->st.requests++;
  if (!rc) rc = hub_diverge_record(r->hub, a->author, seq, theirs, theirs_len, err);
  if (!rc)
    rc = cm_errf(err, CM_PROTO_FORK,
                 "转报：%.16s… 的台账在第 %" PRIu64
                 " 条与区协会的分叉：两边都已隔离，两个版本都保留；"
                 "请用 linli-hub fork resolve 处理",
                 hex, seq);
  cm_push_result_free(&pr);
  free(bundle);
  free(theirs);
  return rc;
}

/* The district holds more of a's log than this hub (the node also reached it
 * by another way: a USB bundle, a direct push): what this hub holds past the
 * acknowledged sequence must be the district's prefix.  Reads the district's
 * log after acked_seq and compares entry hashes up to head_seq; at the first
 * that differs, both hubs keep the fork (diverged).  CM_OK when they agree. */
static cm_rc check_prefix(round_ctx *r, const hub_fwd_author *a, cm_err *err) {
  uint8_t *theirs = NULL;
  size_t len = 0, n = 0;
  proto_span *spans = NULL;
  uint64_t fork_seq = 0, seen = a->acked_seq;
  cm_rc rc = cm_upstream_log_of(r->url, a->author, a->acked_seq, &r->signed_opts, &theirs, &len,
                                err);
  r->st.requests++;
  if (!rc) rc = proto_bundle_split(theirs, len, &spans, &n, err);
  for (size_t i = 0; !rc && i < n && !fork_seq && seen < a->head_seq; i++) {
    proto_changeset cs;
    cm_err e;
    memset(&cs, 0, sizeof cs);
    if (proto_changeset_decode(spans[i].p, spans[i].len, &cs, NULL, &e) == CM_OK &&
        !memcmp(cs.h.author, a->author, PROTO_KEY_BYTES)) {
      for (size_t k = 0; k < cs.n && !fork_seq; k++) {
        uint64_t seq = cs.h.first_seq + k;
        uint8_t ours[PROTO_HASH_BYTES];
        if (seq <= seen || seq > a->head_seq) continue;
        pthread_mutex_lock(&r->hub->lock);
        int held = hub_store_entry_hash(r->hub->store, a->author, seq, ours);
        pthread_mutex_unlock(&r->hub->lock);
        if (held && sodium_memcmp(ours, cs.hashes[k], PROTO_HASH_BYTES) != 0) fork_seq = seq;
        seen = seq;
      }
    }
    proto_changeset_free(&cs);
  }
  free(spans);
  free(theirs);
  if (!rc && fork_seq) rc = diverged(r, a, fork_seq, err);
  return rc;
}

/* Push one author's log from where the district says it is. */
static cm_rc forward_author(round_ctx *r, const hub_fwd_author *a, cm_err *err) {
  cm_rc rc = CM_OK;
  cm_receipt head;
  cm_push_result pr;
  uint8_t *bundle = NULL;
  size_t len = 0;
  unsigned gaps = 0;
  char hex[PROTO_KEY_HEX];
  proto_key_hex(a->author, hex);
  memset(&pr, 0, sizeof pr);

  /* A quarantined author waits for an operator here; the fork is shown. */
  if (hub_diverge_quarantined(r->hub, a->author)) return CM_OK;

  /* The district's own word first: it may have been restored from an old copy
   * (then we resend) or hold more than our receipts say (a lost answer). */
  rc = cm_upstream_head(r->url, pinned(r), a->author, &r->opts, &head, err);
  r->st.requests++;
  if (rc) goto out;
  rc = pin_if_needed(r, head.r.hub, err);
  if (rc) goto out;
  uint64_t after = head.r.seq;
  if (after < a->acked_seq) {
    cm_warn("forward: the district holds %.16s... only up to %" PRIu64
            " although it acknowledged %" PRIu64 "; sending again from there",
            hex, after, a->acked_seq);
    rc = hub_forward_rewind(r->hub, a->author, after, err);
  } else if (after > a->acked_seq && after <= a->head_seq) {
    rc = hub_forward_ack(r->hub, &head.r, head.raw, err);
    if (rc == CM_PROTO_FORK) rc = diverged(r, a, after, err);  } else if (after > a->head_seq && a->head_seq > a->acked_seq) {
    rc = check_prefix(r, a, err);
  }
  if (rc) goto out;

  while (after < a->head_seq) {
    uint64_t last = after;
    if (stopping(r->fw)) goto out;
    rc = hub_forward_pending(r->hub, a->author, after, HUB_FORWARD_MAX_ENTRIES,
                             HUB_FORWARD_MAX_BYTES, &bundle, &len, &last, err);
    if (rc) goto out;
    if (last <= after) {
      rc = cm_errf(err, CM_ERR_DB,
                   "转报：%.16s… 的台账保存到第 %" PRIu64
                   " 条，但第 %" PRIu64 " 条之后没有保存的上报包",
                   hex, a->head_seq, after);
      goto out;
    }
    rc = cm_upstream_push(r->url, pinned(r), bundle, len, &r->push_opts, &pr, err);
    r->st.requests++;
    free(bundle);
    bundle = NULL;
    if (rc) goto out;
    if (pr.status == 200) {
      /* The district has the entries durably; dying here only means the next
       * round learns it from its heads instead of from our records. */
      CM_FAILPOINT("forward.after_push_before_ack");
      uint64_t now_at = after;
      if (pr.n_receipts) rc = pin_if_needed(r, pr.receipts[0].r.hub, err);
      for (size_t i = 0; !rc && i < pr.n_receipts; i++) {
        rc = hub_forward_ack(r->hub, &pr.receipts[i].r, pr.receipts[i].raw, err);
        if (!rc && memcmp(pr.receipts[i].r.author, a->author, PROTO_KEY_BYTES) == 0)
          now_at = pr.receipts[i].r.seq;
      }
      if (rc) goto out;
      CM_FAILPOINT("forward.after_ack");
      if (now_at <= after) {
        rc = cm_errf(err, CM_ERR_HTTP,
                     "转报：区协会收下了 %.16s… 到第 %" PRIu64
                     " 条，但回执只到第 %" PRIu64 " 条",
                     hex, last, after);
        goto out;
      }
      r->st.entries_pushed += now_at - after;
      after = now_at;
    } else if (pr.status == 409 && pr.has_gap &&
               memcmp(pr.gap_author, a->author, PROTO_KEY_BYTES) == 0 && pr.expected_seq >= 1 &&
               pr.expected_seq - 1 < after && ++gaps <= FORWARD_MAX_GAPS) {
      cm_warn("forward: the district expects %.16s... from %" PRIu64 "; resuming there", hex,
              pr.expected_seq);
      after = pr.expected_seq - 1;
      rc = hub_forward_rewind(r->hub, a->author, after, err);
      if (rc) goto out;
    } else {
      rc = cm_errf(err, CM_ERR_HTTP,
                   "转报：区协会拒收 %.16s… 第 %" PRIu64 " 条之后的记录：HTTP %ld：%s", hex,
                   after, pr.status, pr.message[0] ? pr.message : (pr.error[0] ? pr.error : "没有说明"));
      goto out;
    }
    cm_push_result_free(&pr);
  }
out:
  cm_push_result_free(&pr);
  free(bundle);
  return rc;
}

/* Pull the district's decisions for this street and its communities, and keep
 * them (relaying them down is the review issue's). */
static cm_rc forward_feed(round_ctx *r, cm_err *err) {
  uint64_t cursor = 0;
  uint8_t *buf = NULL;
  size_t len = 0;
  proto_feed_item *items = NULL;
  size_t n = 0;
  cm_rc rc = hub_upstream_cursor(r->hub, &cursor, err);
  for (int page = 0; !rc && page < FORWARD_FEED_PAGES && !stopping(r->fw); page++) {
    uint64_t next = cursor;
    rc = cm_upstream_feed(r->url, cursor, &r->signed_opts, &buf, &len, err);
    r->st.requests++;
    if (rc) break;
    /* Only the pinned district may speak for the district. */
    rc = proto_feed_decode(buf, len, pinned(r), &items, &n, &next, err);
    if (!rc) rc = hub_upstream_feed_store(r->hub, items, n, next, err);
    free(items);
    items = NULL;
    free(buf);
    buf = NULL;
    if (rc) break;
    r->st.feed_items += (unsigned)n;
    if (n == 0 || next <= cursor) break;
    cursor = next;
  }
  return rc;
}

/* One round; fw (may be NULL) is checked between requests to stop early.
 * audit: ask the district about every author, not only those with entries it
 * has not acknowledged. */
static cm_rc forward_round(const char *dir, hub_forward *fw, int audit,
                           hub_forward_stats *stats_out, cm_err *err) {
  cm_rc rc = CM_OK, first = CM_OK;
  round_ctx r;
  hub_fwd_author *list = NULL;
  size_t n = 0;
  cm_err e1;
  memset(&r, 0, sizeof r);
  cm_err_clear(&e1);

  rc = hub_open(dir, &r.hub, err);
  if (rc) goto out;
  if (r.hub->role != HUB_ROLE_STREET || !r.hub->upstream_url[0]) {
    rc = cm_errf(err, CM_ERR_UNSUPPORTED,
                 "只有设了上级（init --upstream 地址）的街道分会才转报");
    goto out;
  }
  r.fw = fw;
  r.url = r.hub->upstream_url;
  r.opts.connect_timeout_ms = FORWARD_CONNECT_TIMEOUT_MS;
  r.opts.ca_file = hub_forward_ca_file(r.hub->dir, r.ca_path, sizeof r.ca_path);
  /* one connection for the round's requests (a head and a push per
   * community), made one at a time on this thread */
  r.opts.conn = cm_client_conn_new();
  r.push_opts = r.opts;
  r.push_opts.timeout_ms = FORWARD_PUSH_TIMEOUT_MS;
  r.signed_opts = r.opts;
  r.signed_opts.sign_with = &r.hub->kp;
  if (fw) {
    /* A street hub whose clock is off corrects it once, not on every request. */
    r.signed_opts.clock_offset_ms = fw->clock_offset;
    r.signed_opts.clock_offset_out = &fw->clock_offset;
  }

  /* Without a pinned key nothing the district signs can be checked: learn it
   * from our own head before anything else. */
  if (!r.hub->has_upstream_key) {
    cm_receipt head;
    rc = cm_upstream_head(r.url, NULL, r.hub->kp.pk, &r.opts, &head, err);
    r.st.requests++;
    if (!rc) rc = pin_if_needed(&r, head.r.hub, err);
    if (rc) goto out;
  }

  rc = audit ? hub_forward_all_authors(r.hub, &list, &n, err) : hub_forward_authors(r.hub, &list, &n, err);
  if (rc) goto out;
  r.st.authors = (unsigned)n;
  for (size_t i = 0; i < n && !stopping(fw); i++) {
    cm_err_clear(&e1);
    rc = forward_author(&r, &list[i], &e1);
    if (rc == CM_ERR_NETWORK ||
        (rc && i == 0 && !memcmp(list[i].author, r.hub->kp.pk, PROTO_KEY_BYTES))) {
      /* Unreachable, or our own log refused: the others depend on both. */
      cm_errf(err, rc, "%s", e1.msg);
      goto out;
    }
    if (rc) {
      /* One refused log (a fork, say) must not hold the other communities back. */
      cm_warn("%s", e1.msg);
      if (!first) {
        first = rc;
        cm_errf(err, rc, "%s", e1.msg);
      }
    }
  }
  /* The files the district's acknowledged entries name. */
  cm_att_sent sent;
  memset(&sent, 0, sizeof sent);
  cm_err_clear(&e1);
  if (!stopping(fw) && hub_attach_forward(r.hub, r.url, &r.signed_opts, &sent, &e1) && !first) {
    cm_warn("%s", e1.msg);
    first = CM_ERR_HTTP;
    cm_errf(err, first, "%s", e1.msg);
  }
  r.st.requests += sent.requests;
  rc = stopping(fw) ? CM_OK : forward_feed(&r, &e1);
  if (rc) {
    cm_errf(err, rc, "转报：取回区协会下发的记录：%s", e1.msg);
    goto out;
  }
  /* District decisions for our communities go down as our own entries. */
  rc = hub_relay(r.hub, NULL, &e1);
  if (rc) {
    cm_errf(err, rc, "转报：向社区转发区协会的决定：%s", e1.msg);
    goto out;
  }
  rc = first;
out:
  if (stats_out) *stats_out = r.st;
  free(list);
  cm_client_conn_free(r.opts.conn);
  hub_close(r.hub);
  return rc;
}

/* One round from the street hub in dir. */
cm_rc hub_forward_once(const char *dir, hub_forward_stats *stats_out, cm_err *err) {
  return forward_round(dir, NULL, 0, stats_out, err);
}

/* ---- the background loop ------------------------------------------------ */

/* Jitter from libsodium's generator: no seeding, and two street hubs started
 * together do not draw the same delays. */
uint64_t hub_forward_backoff_ms(unsigned failures, uint64_t cap_ms) {
  if (cap_ms == 0) cap_ms = HUB_FORWARD_BACKOFF_MAX_MS;
  uint64_t d = HUB_FORWARD_BACKOFF_MIN_MS;
  for (unsigned i = 1; i < failures && d < cap_ms; i++)
    d *= 2;
  if (d > cap_ms) d = cap_ms;
  /* Between a half and the whole of d. */
  uint64_t half = d / 2;
  return half + (half ? (uint64_t)randombytes_uniform((uint32_t)(half + 1)) : 0);
}

/* Wait until deadline (monotonic ms), a stop, or (if wakeable) a wake.
 * Returns 1 when asked to stop. */
static int forward_wait(hub_forward *fw, uint64_t deadline_ms, int wakeable) {
  pthread_mutex_lock(&fw->lock);
  while (!fw->stop && !(wakeable && fw->wake)) {
    uint64_t now = cm_mono_ms();
    if (now >= deadline_ms) break;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t left = deadline_ms - now;
    ts.tv_sec += (time_t)(left / 1000u);
    ts.tv_nsec += (long)((left % 1000u) * 1000000u);
    if (ts.tv_nsec >= 1000000000L) {
      ts.tv_sec++;
      ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&fw->cond, &fw->lock, &ts);
  }
  int stop = fw->stop;
  fw->wake = 0;
  pthread_mutex_unlock(&fw->lock);
  return stop;
}

static void *forward_main(void *arg) {
  hub_forward *fw = arg;
  unsigned failures = 0;
  /* Audit at start and then every HUB_FORWARD_AUDIT_ROUNDS good rounds. */
  unsigned since_audit = HUB_FORWARD_AUDIT_ROUNDS;
  for (;;) {
    cm_err err;
    cm_err_clear(&err);
    hub_forward_stats st;
    int audit = since_audit >= HUB_FORWARD_AUDIT_ROUNDS;
    cm_rc rc = forward_round(fw->dir, fw, audit, &st, &err);
    if (rc == CM_OK) since_audit = audit ? 0 : since_audit + 1;
    uint64_t delay;
    int wakeable;
    if (rc == CM_OK) {
      if (failures) cm_info("forward: the district answers again; every log is acknowledged");
      failures = 0;
      delay = HUB_FORWARD_IDLE_MS;
      wakeable = 1;
      if (st.entries_pushed || st.feed_items)
        cm_info("forward: %" PRIu64 " entries acknowledged by the district, %u feed items, "
                "%u requests",
                st.entries_pushed, st.feed_items, st.requests);
    } else {
      if (failures < 64) failures++;
      delay = hub_forward_backoff_ms(failures, fw->backoff_cap_ms);
      /* Warn once per outage; the retries go to the debug log. */
      cm_log(failures == 1 ? CM_LOG_WARN : CM_LOG_DEBUG,
             "forward: %s (%s); next try in %" PRIu64 " ms", err.msg[0] ? err.msg : cm_strerror(rc),
             cm_rcname(rc), delay);
      /* A new community push does not cut the backoff short: the district is
       * what is failing, and many pushes must not turn into many retries. */
      wakeable = 0;
    }
    if (forward_wait(fw, cm_mono_ms() + delay, wakeable)) break;
  }
  return NULL;
}

/* Start the loop thread; the condition uses the monotonic clock so that wall
 * clock jumps neither stall nor hurry the loop. */
cm_rc hub_forward_start(const char *dir, hub_forward **fw_out, cm_err *err) {
  cm_rc rc = CM_OK;
  hub_forward *fw = NULL;
  pthread_condattr_t ca;
  int ca_init = 0, lock_init = 0, cond_init = 0;
  *fw_out = NULL;

  fw = calloc(1, sizeof *fw);
  if (!fw || !(fw->dir = strdup(dir))) {
    rc = cm_errf(err, CM_ERR_NOMEM, "转报：内存不足");
    goto out;
  }
  fw->backoff_cap_ms = HUB_FORWARD_BACKOFF_MAX_MS;
  const char *cap = getenv("LINLI_FORWARD_BACKOFF_MAX_MS");
  if (cap && *cap) {
    char *end = NULL;
    unsigned long long v = strtoull(cap, &end, 10);
    if (end && *end == '\0' && v >= 100 && v < HUB_FORWARD_BACKOFF_MAX_MS) fw->backoff_cap_ms = v;
  }
  if (pthread_mutex_init(&fw->lock, NULL) != 0) {
    rc = cm_errf(err, CM_ERR_NOMEM, "转报：无法创建互斥锁");
    goto out;
  }
  lock_init = 1;
  if (pthread_condattr_init(&ca) != 0) {
    rc = cm_errf(err, CM_ERR_NOMEM, "转报：无法创建条件变量");
    goto out;
  }
  ca_init = 1;
  if (pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
      pthread_cond_init(&fw->cond, &ca) != 0) {
    rc = cm_errf(err, CM_ERR_NOMEM, "转报：无法创建条件变量");
    goto out;
  }
  cond_init = 1;
  if (pthread_create(&fw->thread, NULL, forward_main, fw) != 0) {
    rc = cm_errf(err, CM_ERR_NOMEM, "转报：无法启动转报线程");
    goto out;
  }
  fw->started = 1;
  *fw_out = fw;
  fw = NULL;
out:
  if (ca_init) pthread_condattr_destroy(&ca);
  if (fw) {
    if (cond_init) pthread_cond_destroy(&fw->cond);
    if (lock_init) pthread_mutex_destroy(&fw->lock);
    free(fw->dir);
    free(fw);
  }
  return rc;
}

/* Ask for a round now. */
void hub_forward_wake(hub_forward *fw) {
  if (!fw) return;
  pthread_mutex_lock(&fw->lock);
  fw->wake = 1;
  pthread_cond_signal(&fw->cond);
  pthread_mutex_unlock(&fw->lock);
}

/* Stop, join, free. */
void hub_forward_stop(hub_forward *fw) {
  if (!fw) return;
  pthread_mutex_lock(&fw->lock);
  fw->stop = 1;
  pthread_cond_signal(&fw->cond);
  pthread_mutex_unlock(&fw->lock);
  if (fw->started) pthread_join(fw->thread, NULL);
  pthread_cond_destroy(&fw->cond);
  pthread_mutex_destroy(&fw->lock);
  free(fw->dir);
  free(fw);
}
