/* ingest.c - bundles in, receipts out (docs/protocol.md, POST
 * /api/v1/changesets), and the read side of the same data: heads, log
 * fetches and what a street hub still owes its district.
 *
 * Changesets are decoded one at a time inside the transaction, so memory stays
 * bounded by one changeset however large the bundle; the request body itself
 * has been read whole before we are called, so a slow client never holds the
 * lock. */
#include "ingest.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/clock.h"
#include "../common/codec.h"
#include "../common/failpoint.h"
#include "../common/log.h"
#include "../common/records.h"
#include "../protocol/bundle.h"
#include "../protocol/changeset.h"
#include "project.h"
#include "review.h"
#include "store.h"

static const uint8_t zero32[32];

void hub_ingest_result_free(hub_ingest_result *r) {
  if (!r) return;
  free(r->receipts);
  r->receipts = NULL;
  r->n_receipts = 0;
}

/* HTTP status for a storage failure: the one mapping (common/rc.h); what
 * it does not name is the hub's own failure. */
static int storage_status(cm_rc rc) {
  int st = cm_rc_http_status(rc);
  return st >= 500 ? st : 500;
}

/* Fill the refusal fields of out; returns rc. */
static cm_rc refuse(hub_ingest_result *out, cm_err *err, int status, cm_rc rc,
                    const uint8_t *author, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static cm_rc refuse(hub_ingest_result *out, cm_err *err, int status, cm_rc rc,
                    const uint8_t *author, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(out->message, sizeof out->message, fmt, ap);
  va_end(ap);
  out->http_status = status;
  out->rc = rc;
  if (author) {
    out->has_author = 1;
    memcpy(out->author, author, PROTO_KEY_BYTES);
  }
  out->stored = 0;
  return cm_errf(err, rc, "%s", out->message);
}

/* The authors of a bundle and their heads as the transaction leaves them. */
typedef struct seen_list {
  hub_head *v;
  size_t n, cap;
} seen_list;

static hub_head *seen_find(seen_list *s, const uint8_t *author) {
  for (size_t i = 0; i < s->n; i++)
    if (memcmp(s->v[i].author, author, PROTO_KEY_BYTES) == 0) return &s->v[i];
  return NULL;
}

static cm_rc seen_put(seen_list *s, const uint8_t *author, uint64_t seq, const uint8_t *head) {
  hub_head *h = seen_find(s, author);
  if (!h) {
    if (s->n == s->cap) {
      size_t cap = s->cap ? s->cap * 2 : 8;
      hub_head *nv = realloc(s->v, cap * sizeof *nv);
      if (!nv) return CM_ERR_NOMEM;
      s->v = nv;
      s->cap = cap;
    }
    h = &s->v[s->n++];
    memset(h, 0, sizeof *h);
    memcpy(h->author, author, PROTO_KEY_BYTES);
  }
  h->seq = seq;
  memcpy(h->head, head, PROTO_HASH_BYTES);
  return CM_OK;
}

struct lookup_ctx {
  hub_store *st;
  const uint8_t *author;
};

static int lookup_hash(void *vctx, uint64_t seq, uint8_t hash_out[PROTO_HASH_BYTES]) {
  struct lookup_ctx *l = vctx;
  return hub_store_entry_hash(l->st, l->author, seq, hash_out);
}

/* Is author a (enrolled, not revoked) key allowed to push here?  CM_OK, or
 * CM_ERR_PERM with the reason in why. */
static cm_rc check_enrolled(hub_ctx *ctx, const hub_author *a, uint64_t last_seq, char *why,
                            size_t cap, cm_err *err) {
  hub_author by;
  int found = 0;
  cm_rc rc;
  if (strcmp(a->role, "self") == 0) {
    if (ctx->recovering) return CM_OK; /* its own log, fetched back from the district */
    snprintf(why, cap, "不接受外来的、用本级自己密钥签名的上报包");
    return CM_ERR_PERM;
  }
  /* A revoked key's entries up to the revocation still arrive (forwarded late). */
  if (a->revoked && last_seq >= (uint64_t)a->revoked) {
    uint8_t succ[PROTO_KEY_BYTES];
    char fp[PROTO_FINGERPRINT_LEN];
    int replaced = 0;
    rc = hub_store_successor(ctx->store, a->key, succ, &replaced, err);
    if (rc) return rc;
    if (replaced) proto_fingerprint(succ, fp);
    if (replaced)
      snprintf(why, cap, "这个密钥在本级已被吊销：本社区已改用新电脑的密钥（指纹 %s），"
                         "第 %d 条以后用旧密钥签名的记录一律拒收", fp, a->revoked - 1);
    else
      snprintf(why, cap, "这个密钥在本级已被吊销");
    return CM_ERR_PERM;
  }
  if (!a->has_enrolled_by) {
    snprintf(why, cap, "这个密钥在本级没有登记");
    return CM_ERR_PERM;
  }
  /* A replacement key writes about what its predecessor filed: its entries
   * come after all of the predecessor's valid ones, whatever order a street
   * forwards them in, so that every level judges them alike. */
  if (a->has_replaces) {
    hub_author old;
    rc = hub_store_author_get(ctx->store, a->replaces, &old, &found, err);
    if (rc) return rc;
    if (found && old.revoked && old.head_seq + 1 < (uint64_t)old.revoked) {
      snprintf(why, cap, "本社区原电脑的记录（到第 %d 条）本级还没有全部收到，只收到第 %llu 条："
                         "请先转报原电脑的记录，新电脑的随后再报",
               old.revoked - 1, (unsigned long long)old.head_seq);
      return CM_ERR_PERM;
    }
  }
  int by_self = memcmp(a->enrolled_by, ctx->kp.pk, PROTO_KEY_BYTES) == 0;
  if (ctx->role == HUB_ROLE_STREET) {
    if (strcmp(a->role, "community") == 0 && by_self) return CM_OK;
    snprintf(why, cap, "街道分会只接收本街道分会登记的社区");
    return CM_ERR_PERM;
  }
  if (strcmp(a->role, "street") == 0 && by_self) return CM_OK;
  if (strcmp(a->role, "community") != 0) {
    snprintf(why, cap, "这个密钥既没有登记为社区，也没有登记为街道分会");
    return CM_ERR_PERM;
  }
  /* A community at the district: its street must be enrolled here and its
   * enrolment entry held (that is how the row came to exist). */
  rc = hub_store_author_get(ctx->store, a->enrolled_by, &by, &found, err);
  if (rc) return rc;
  if (!found || strcmp(by.role, "street") != 0 || by.revoked) {
    snprintf(why, cap, "这个社区所属的街道分会没有在本级登记（或已被吊销）");
    return CM_ERR_PERM;
  }
  return CM_OK;
}

/* Find the first sequence where cs disagrees with what is held (a fork). */
static uint64_t fork_seq(hub_store *st, const proto_changeset *cs, uint64_t head_seq) {
  if (cs->h.first_seq == head_seq + 1) return head_seq; /* prev hash mismatch */
  for (size_t k = 0; k < cs->n; k++) {
    uint8_t held[PROTO_HASH_BYTES];
    uint64_t seq = cs->h.first_seq + k;
    if (seq > head_seq) break;
    if (hub_store_entry_hash(st, cs->h.author, seq, held) &&
        memcmp(held, cs->hashes[k], PROTO_HASH_BYTES) != 0)
      return seq;
  }
  return cs->h.first_seq > 0 ? cs->h.first_seq - 1 : 0;
}

/* Clock checks: an entry dated well after we received it proves a clock
 * ahead; for keys that push to us directly, the changeset's build time says
 * how far the author's clock is from ours. */
static cm_rc clock_check(hub_ctx *ctx, const hub_author *a, const proto_changeset *cs,
                         uint64_t now, const char *via, cm_err *err) {
  int direct = (ctx->role == HUB_ROLE_STREET && strcmp(a->role, "community") == 0) ||
               (ctx->role == HUB_ROLE_DISTRICT && strcmp(a->role, "street") == 0);
  int flagged = 0;
  int64_t skew = 0;
  for (size_t k = 0; k < cs->n; k++)
    if (cs->entries[k].time_ms > now + HUB_CLOCK_SKEW_MS) {
      flagged = 1;
      skew = (int64_t)(cs->entries[k].time_ms - now);
    }
  if (direct && via && strncmp(via, "http", 4) == 0) {
    int64_t d = (int64_t)cs->h.created_ms - (int64_t)now;
    if (!flagged) skew = d;
    if (d > (int64_t)HUB_CLOCK_SKEW_MS || -d > (int64_t)HUB_CLOCK_SKEW_MS) flagged = 1;
  } else if (!flagged) {
    return CM_OK; /* nothing learned about this author's clock */
  }
  if (flagged) {
    char hex[PROTO_KEY_HEX];
    proto_key_hex(a->key, hex);
    cm_warn("clock of %s (%s) is off by %lld ms", hex, a->name, (long long)skew);
  }
  return hub_store_author_clock(ctx->store, a->key, skew, flagged, err);
}

/* The daily quota of raw bytes per author (config HUB_CONFIG_QUOTA, bytes),
 * lock held. */
static int64_t quota_limit(hub_ctx *ctx) {
  char v[32];
  int found = 0;
  if (hub_store_config_get(ctx->store, HUB_CONFIG_QUOTA, v, sizeof v, &found, NULL) || !found)
    return HUB_QUOTA_DEFAULT;
  long long n = strtoll(v, NULL, 10);
  return n > 0 ? (int64_t)n : HUB_QUOTA_DEFAULT;
}

cm_rc hub_quota_get(hub_ctx *ctx, int64_t *bytes_out, cm_err *err) {
  (void)err;
  pthread_mutex_lock(&ctx->lock);
  *bytes_out = quota_limit(ctx);
  pthread_mutex_unlock(&ctx->lock);
  return CM_OK;
}

cm_rc hub_quota_set(hub_ctx *ctx, int64_t bytes, cm_err *err) {
  char v[32];
  cm_rc rc;
  if (bytes < 1) return cm_errf(err, CM_ERR_INVALID, "每日限额须为正数（字节数）");
  snprintf(v, sizeof v, "%lld", (long long)bytes);
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_begin(ctx->store, err);
  if (!rc) {
    rc = hub_store_config_set(ctx->store, HUB_CONFIG_QUOTA, v, err);
    if (!rc)
      rc = hub_store_commit(ctx->store, err);
    else
      hub_store_rollback(ctx->store);
  }
  pthread_mutex_unlock(&ctx->lock);
  return rc;
}

/* Count the new entries of cs against author a's quota for today (lock held,
 * transaction open): CM_ERR_TOO_LARGE with why when they do not fit.  A
 * hub's own log is not limited. */
static cm_rc quota_take(hub_ctx *ctx, const hub_author *a, const proto_changeset *cs,
                        size_t new_from, uint64_t now, int64_t limit, char *why, size_t cap,
                        cm_err *err) {
  char day[11];
  int64_t used = 0, add = 0;
  if (strcmp(a->role, "self") == 0 || memcmp(a->key, ctx->kp.pk, PROTO_KEY_BYTES) == 0)
    return CM_OK;
  for (size_t k = new_from; k < cs->n; k++)
    add = cm_rec_add(add, (int64_t)proto_entry_encoded_len(&cs->entries[k]));
  cm_date_of(now, day);
  cm_rc rc = hub_store_quota_get(ctx->store, a->key, day, &used, err);
  if (rc) return rc;
  if (cm_rec_add(used, add) > limit) {
    snprintf(why, cap,
             "今日上传量已达上限（每天%lld字节，已用%lld字节，本次%lld字节），请明天再试 / "
             "the author's daily quota of %lld bytes is used up (%lld used, %lld more sent): "
             "try again tomorrow",
             (long long)limit, (long long)used, (long long)add, (long long)limit,
             (long long)used, (long long)add);
    return CM_ERR_TOO_LARGE;
  }
  return hub_store_quota_add(ctx->store, a->key, day, add, err);
}

/* Store the entries new_from.. of a changeset and project them. */
static cm_rc store_entries(hub_ctx *ctx, const proto_changeset *cs, size_t new_from, uint64_t now,
                           int64_t cs_id, uint64_t *stored, cm_err *err) {
  /* The entries' and monthly reports' rows are written a statement per
   * table, not per row: the store collects them and writes them before any
   * other statement of its own, so that what the projection reads is as if
   * each had been written at once (hub_store_defer). */
  cm_rc rc = hub_store_defer(ctx->store, 1, err);
  for (size_t k = new_from; !rc && k < cs->n; k++) {
    rc = hub_store_entry_add(ctx->store, &cs->entries[k], cs->hashes[k], now, cs_id, NULL, err);
    if (!rc) rc = hub_project_entry(ctx, &cs->entries[k], now, err);
    if (!rc) (*stored)++;
    if (!rc && hub_project_ahead_broken()) break;
  }
  cm_rc off = hub_store_defer(ctx->store, 0, rc ? NULL : err);
  /* a month taken for new while collecting had its report already */
  if (hub_store_defer_short(ctx->store)) hub_project_ahead_fail();
  return rc ? rc : off;
}

/* Whether a changeset's new entries may be accepted ahead: a street with the
 * auto-accept policy on, a community it enrolled itself (a, as read for this
 * changeset) whose key is alone in its lineage, and monthly reports only
 * (the rest of the policy, each report valid, unflagged and new, is seen as
 * they are projected). */
static cm_rc ahead_candidate(hub_ctx *ctx, const hub_author *a, const proto_changeset *cs,
                             size_t new_from, int *yes_out, cm_err *err) {
  uint8_t succ[PROTO_KEY_BYTES];
  int found = 0, on = 0;
  *yes_out = 0;
  if (ctx->role != HUB_ROLE_STREET || strcmp(a->role, "community") != 0 || !a->has_enrolled_by ||
      memcmp(a->enrolled_by, ctx->kp.pk, PROTO_KEY_BYTES) != 0 || a->revoked || a->quarantined ||
      a->has_replaces)
    return CM_OK;
  for (size_t k = new_from; k < cs->n; k++)
    if (strcmp(cs->entries[k].kind, "report.monthly") != 0) return CM_OK;
  cm_rc rc = hub_review_policy_locked(ctx, &on, err);
  if (rc || !on) return rc;
  rc = hub_store_successor(ctx->store, cs->h.author, succ, &found, err);
  if (!rc && !found) *yes_out = 1;
  return rc;
}

/* Store the new entries of one verified changeset and project them.  A batch
 * the street's policy will accept is projected as accepted and its review
 * written right after it (hub_project_ahead_begin): every status is written
 * once, instead of pending and then again by the review.  When one of its
 * reports fails the policy, the batch is rolled back and projected the usual
 * way; the policy's pass at the end of the group then examines it. */
static cm_rc store_changeset(hub_ctx *ctx, const hub_author *a, const proto_changeset *cs,
                             size_t new_from, const proto_span *span, uint64_t now,
                             const char *via, uint64_t *stored, cm_err *err) {
  int64_t cs_id = 0;
  int ahead = 0;
  uint64_t n = 0;
  cm_rc rc = hub_store_changeset_add(ctx->store, cs->h.author, cs->h.first_seq, cs->h.last_seq,
                                     span->p, span->len, now, via, &cs_id, err);
  if (!rc) rc = ahead_candidate(ctx, a, cs, new_from, &ahead, err);
  if (!rc && ahead) rc = hub_store_savepoint(ctx->store, err);
  if (!rc && ahead) {
    uint64_t first = cs->entries[new_from].seq, last = cs->h.last_seq;
    rc = hub_project_ahead_begin(ctx, cs->h.author, first, last, &ahead, err);
    if (!rc && ahead) rc = store_entries(ctx, cs, new_from, now, cs_id, &n, err);
    int ok = hub_project_ahead_end();
    if (!rc && ahead && ok)
      rc = hub_store_status_accept_reports(ctx->store, cs->h.author, first, last, err);
    if (!rc && ahead && ok)
      rc = hub_review_accept_ahead_locked(ctx, cs_id, cs->h.author, first, last, err);
    hub_project_ahead_clear();
    if (!rc && ahead && ok) {
      rc = hub_store_savepoint_release(ctx->store, err);
    } else {
      hub_store_savepoint_rollback(ctx->store);
      hub_project_cache(ctx); /* what it remembered was rolled back */
      ahead = 0;
      n = 0;
    }
  }
  if (!rc && !ahead) rc = store_entries(ctx, cs, new_from, now, cs_id, &n, err);
  if (!rc) *stored += n;
  if (!rc)
    rc = hub_store_author_set_head(ctx->store, cs->h.author, cs->h.last_seq, cs->h.last_hash, err);
  return rc;
}

/* A fork: keep the held changeset and the contradicting one and quarantine
 * the author, inside the group's transaction (the push itself is refused and
 * its own changes were rolled back). */
static cm_rc record_fork(hub_ctx *ctx, const uint8_t *author, uint64_t seq, const uint8_t *held,
                         size_t held_len, const proto_span *other, uint64_t now, const char *via,
                         cm_err *err) {
  cm_rc rc = hub_store_author_quarantine(ctx->store, author, err);
  if (!rc)
    rc = hub_store_fork_add(ctx->store, author, seq, held, held_len, other->p, other->len, now,
                            via, err);
  return rc;
}

/* One push waiting for, or taking part in, a group commit.  Lives on the
 * pushing thread's stack until done is set. */
typedef struct hub_ingest_job {
  proto_span *spans; /* the bundle's changesets */
  size_t n;
  const char *via;
  uint64_t now;
  hub_ingest_result *out;
  cm_err *err;
  seen_list seen; /* authors and heads to sign receipts for */
  cm_rc rc;       /* CM_OK while the push may still be committed */
  int done;       /* set (under the group's mutex) once its fate is durable */
  int wrote;      /* it may have written to the group's transaction */
  int undo;       /* it failed after writing without a savepoint: rerun the group */
  struct hub_ingest_job *next;
} hub_ingest_job;

/* Verify and store one push inside the group's open transaction, all or
 * nothing.  Careful: its changes live in a savepoint that is released when
 * every changeset passed and rolled back otherwise, so one refused push never
 * undoes another.  Not careful (group_run's first try): no savepoint, whose
 * copies of every page the push touches cost more than a tenth of its work;
 * a push refused after it may have written sets job->undo, and the group is
 * rolled back and run again carefully.  Lock held. */
static void ingest_one(hub_ctx *ctx, hub_ingest_job *job, int careful) {
  hub_ingest_result *out = job->out;
  cm_err *err = job->err;
  proto_changeset cs;
  uint8_t *held = NULL;
  size_t held_len = 0;
  int forked = 0, in_sp = 0;
  int64_t quota = -1; /* read at the first changeset with new entries */
  uint64_t fork_at = 0;
  size_t fork_index = 0;
  uint8_t fork_author[PROTO_KEY_BYTES];
  cm_err e;
  cm_rc rc;
  const uint64_t now = job->now;

  memset(&cs, 0, sizeof cs);
  cm_err_clear(&e);
  if (careful) {
    rc = hub_store_savepoint(ctx->store, &e);
    if (rc) {
      rc = refuse(out, err, storage_status(rc), rc, NULL, "%s", e.msg);
      goto out;
    }
    in_sp = 1;
  }

  for (size_t i = 0; i < job->n; i++) {
    hub_author a;
    int found = 0;
    size_t new_from = 0;
    char why[256];

    rc = proto_changeset_decode(job->spans[i].p, job->spans[i].len, &cs, NULL, &e);
    if (rc) {
      out->index = (long)i;
      rc = refuse(out, err, 400, rc, NULL, "第 %zu 个上报包被拒收：%s", i,
                  e.msg[0] ? e.msg : cm_strerror(rc));
      goto out;
    }
    rc = hub_store_author_get(ctx->store, cs.h.author, &a, &found, &e);
    if (rc) {
      rc = refuse(out, err, storage_status(rc), rc, NULL, "%s", e.msg);
      goto out;
    }
    if (!found) {
      rc = refuse(out, err, 403, CM_ERR_PERM, cs.h.author,
                  "第 %zu 个上报包：作者没有在本级登记；请先登记这个密钥"
                  "（linli-hub enroll），再重新上报",
                  i);
      goto out;
    }
    rc = check_enrolled(ctx, &a, cs.h.last_seq, why, sizeof why, &e);
    if (rc == CM_ERR_PERM) {
      rc = refuse(out, err, 403, rc, cs.h.author, "第 %zu 个上报包：%s", i, why);
      goto out;
    }
    if (rc) {
      rc = refuse(out, err, storage_status(rc), rc, NULL, "%s", e.msg);
      goto out;
    }
    if (a.quarantined) {
      rc = refuse(out, err, 409, CM_ERR_CONFLICT, cs.h.author,
                  "第 %zu 个上报包：作者的台账出现分叉，已隔离；操作员处理之前"
                  "不再接收任何记录",
                  i);
      goto out;
    }

    proto_chain_state state;
    memset(&state, 0, sizeof state);
    state.head_seq = a.head_seq;
    memcpy(state.head_hash, a.head_hash, PROTO_HASH_BYTES);
    struct lookup_ctx lk = {ctx->store, cs.h.author};
    rc = proto_chain_check(&state, &cs, lookup_hash, &lk, &new_from, &e);
    if (rc == CM_PROTO_GAP) {
      out->expected_seq = a.head_seq + 1;
      rc = refuse(out, err, 409, rc, cs.h.author,
                  "第 %zu 个上报包从第 %llu 条开始，但本级只保存到第 %llu 条：请从第 %llu 条重新上报",
                  i, (unsigned long long)cs.h.first_seq, (unsigned long long)a.head_seq,
                  (unsigned long long)(a.head_seq + 1));
      goto out;
    }
    if (rc == CM_PROTO_FORK || rc == CM_PROTO_PREV_MISMATCH) {
      int64_t held_id = 0;
      int have = 0;
      forked = 1;
      fork_index = i;
      fork_at = fork_seq(ctx->store, &cs, a.head_seq);
      memcpy(fork_author, cs.h.author, PROTO_KEY_BYTES);
      /* The held version may be in this very push (an earlier changeset of
       * the bundle), which is about to be rolled back: copy it. */
      rc = hub_store_entry_changeset(ctx->store, cs.h.author, fork_at, &held_id, &have, &e);
      if (!rc && have) rc = hub_store_changeset_bytes(ctx->store, held_id, &held, &held_len, &e);
      if (rc) {
        rc = refuse(out, err, storage_status(rc), rc, NULL, "%s", e.msg);
        goto out;
      }
      break;
    }
    if (rc) {
      rc = refuse(out, err, 500, rc, cs.h.author, "台账核对失败：%s", e.msg);
      goto out;
    }
    if (new_from < cs.n) {
      if (quota < 0) quota = quota_limit(ctx);
      rc = quota_take(ctx, &a, &cs, new_from, now, quota, why, sizeof why, &e);
      if (rc == CM_ERR_TOO_LARGE) {
        out->index = (long)i;
        rc = refuse(out, err, 429, rc, cs.h.author, "第 %zu 个上报包：%s", i, why);
        goto out;
      }
      if (rc) {
        rc = refuse(out, err, storage_status(rc), rc, NULL, "%s", e.msg);
        goto out;
      }
    }
    job->wrote = 1; /* the quota taken, then the author's clock and the changeset */
    rc = clock_check(ctx, &a, &cs, now, job->via, &e);
    if (!rc && new_from < cs.n)
      rc = store_changeset(ctx, &a, &cs, new_from, &job->spans[i], now, job->via, &out->stored,
                           &e);
    if (!rc) {
      const uint8_t *head = new_from < cs.n ? cs.h.last_hash : a.head_hash;
      uint64_t seq = new_from < cs.n ? cs.h.last_seq : a.head_seq;
      rc = seen_put(&job->seen, cs.h.author, seq, head);
      if (rc) cm_errf(&e, rc, "内存不足");
    }
    if (rc) {
      rc = refuse(out, err, storage_status(rc), rc, NULL, "%s", e.msg);
      goto out;
    }
    proto_changeset_free(&cs);
    memset(&cs, 0, sizeof cs);
  }

  if (forked && !careful && job->wrote) {
    rc = CM_PROTO_FORK; /* an earlier changeset of the push was stored: undone by the rerun */
    goto out;
  }
  if (forked) {
    if (in_sp) {
      hub_store_savepoint_rollback(ctx->store);
      in_sp = 0;
      hub_project_cache(ctx); /* what it remembered was rolled back */
    }
    rc = record_fork(ctx, fork_author, fork_at, held, held_len, &job->spans[fork_index], now,
                     job->via, &e);
    if (rc) {
      rc = refuse(out, err, storage_status(rc), rc, NULL, "保存分叉证据：%s", e.msg);
      goto out;
    }
    char hex[PROTO_KEY_HEX];
    proto_key_hex(fork_author, hex);
    cm_warn("fork: author %s has two different entries at sequence %llu; quarantined", hex,
            (unsigned long long)fork_at);
    out->index = (long)fork_index;
    rc = refuse(out, err, 409, CM_PROTO_FORK, fork_author,
                "第 %zu 个上报包与本级保存的第 %llu 条不同：台账出现分叉，"
                "作者已隔离，两个版本都保留；须由操作员处理",
                fork_index, (unsigned long long)fork_at);
    goto out;
  }

  /* Re-check what we are about to commit (Fossil's verify_before_commit):
   * every head the receipts will state must be the one the transaction
   * holds.  Checked before the next push of the group can move a head. */
  for (size_t i = 0; i < job->seen.n; i++) {
    hub_author a;
    int found = 0;
    rc = hub_store_author_get(ctx->store, job->seen.v[i].author, &a, &found, &e);
    if (!rc && (!found || a.head_seq != job->seen.v[i].seq ||
                (a.head_seq && memcmp(a.head_hash, job->seen.v[i].head, PROTO_HASH_BYTES) != 0)))
      rc = cm_errf(&e, CM_ERR_DB, "内部核对失败：保存的台账末条与回执不符");
    if (rc) {
      rc = refuse(out, err, storage_status(rc), rc, NULL, "%s", e.msg);
      goto out;
    }
  }
  if (in_sp) {
    rc = hub_store_savepoint_release(ctx->store, &e);
    in_sp = 0;
    if (rc) rc = refuse(out, err, storage_status(rc), rc, NULL, "%s", e.msg);
  }
out:
  if (in_sp) {
    hub_store_savepoint_rollback(ctx->store);
    hub_project_cache(ctx); /* what it remembered was rolled back */
  }
  if (rc && !careful && job->wrote) job->undo = 1;
  job->rc = rc;
  proto_changeset_free(&cs);
  free(held);
}

/* The auto-accept pass inside the group's transaction, lock held. */
static void auto_accept(hub_ctx *ctx) {
  cm_err e;
  cm_err_clear(&e);
  cm_rc rc = hub_store_savepoint(ctx->store, &e);
  if (!rc) {
    rc = hub_review_auto_locked(ctx, NULL, &e);
    if (!rc) {
      rc = hub_store_savepoint_release(ctx->store, &e);
    } else {
      hub_store_savepoint_rollback(ctx->store);
      hub_project_cache(ctx); /* what it remembered was rolled back */
    }
  }
  if (rc) cm_warn("ingest: auto-accept: %s", e.msg);
}

/* Make job as it was before group_run tried it. */
static void job_restart(hub_ingest_job *job) {
  memset(job->out, 0, sizeof *job->out);
  job->out->index = -1;
  cm_err_clear(job->err);
  job->seen.n = 0;
  job->rc = CM_OK;
  job->wrote = 0;
  job->undo = 0;
}

/* Run a group of pushes (the list from jobs) in one transaction and one
 * durable commit.  Each push's fate is in its job: refused ones were rolled
 * back to their savepoint; if the commit itself fails, every push that had
 * passed is refused with the storage error, so nothing is acknowledged that
 * is not on disk. */
static void group_run(hub_ctx *ctx, hub_ingest_job *jobs) {
  cm_err e;
  cm_rc rc;
  cm_err_clear(&e);
  pthread_mutex_lock(&ctx->lock);
  for (int careful = 0;; careful = 1) {
    rc = hub_store_begin(ctx->store, &e);
    int64_t gen = -1;
    /* the organisations' facts of the last group stay if nothing else was
     * committed since */
    cm_err ge;
    if (!rc && hub_store_data_gen(ctx->store, &gen, &ge) != CM_OK) gen = -1;
    hub_project_cache_resume(ctx, gen);
    if (rc) break;
    int any = 0, stored = 0, undo = 0;
    for (hub_ingest_job *j = jobs; j && !undo; j = j->next) {
      ingest_one(ctx, j, careful);
      undo = j->undo;
      any |= j->rc == CM_OK;
      stored |= j->rc == CM_OK && j->out->stored > 0;
    }
    if (undo) {
      /* A push failed halfway: nothing of this try stays, and the group is
       * run again with a savepoint per push. */
      hub_store_rollback(ctx->store);
      hub_project_cache(ctx); /* what it remembered was rolled back */
      for (hub_ingest_job *j = jobs; j; j = j->next) job_restart(j);
      ctx->group.reruns++;
      continue;
    }
    /* New batches meet the street's auto-accept policy in the same
     * transaction: the pages the pushes wrote are written once, with their
     * status, and one sync to disk covers both.  The pass has a savepoint of
     * its own: if it fails, the pushes still commit, their batches pending
     * (the review page and `review list` run the pass again). */
    if (stored && ctx->role == HUB_ROLE_STREET) auto_accept(ctx);
    if (any) CM_FAILPOINT("ingest.before_commit");
    rc = hub_store_commit_gen(ctx->store, &gen, &e);
    if (!rc) hub_project_cache_committed(ctx, gen);
    break;
  }
  if (rc)
    for (hub_ingest_job *j = jobs; j; j = j->next)
      if (j->rc == CM_OK)
        j->rc = refuse(j->out, j->err, storage_status(rc), rc, NULL, "%s", e.msg);
  hub_project_cache(NULL);
  pthread_mutex_unlock(&ctx->lock);
}

/* Group commit: a push joins the queue; whichever pushing thread finds no
 * group running takes up to HUB_GROUP_MAX queued pushes (its own among them
 * or not) and runs them as one group, while the next pushes queue behind it.
 * Every thread returns once its own push's group has committed. */
#define HUB_GROUP_MAX 64

static void group_submit(hub_ctx *ctx, hub_ingest_job *job) {
  hub_ingest_group *g = &ctx->group;
  pthread_mutex_lock(&g->mu);
  *g->tail = job;
  g->tail = &job->next;
  while (!job->done) {
    if (g->busy) {
      pthread_cond_wait(&g->cond, &g->mu);
      continue;
    }
    hub_ingest_job *batch = g->head, *last = batch;
    for (int k = 1; k < HUB_GROUP_MAX && last->next; k++) last = last->next;
    g->head = last->next;
    if (!g->head) g->tail = &g->head;
    last->next = NULL;
    g->busy = 1;
    pthread_mutex_unlock(&g->mu);
    group_run(ctx, batch);
    pthread_mutex_lock(&g->mu);
    for (hub_ingest_job *j = batch, *next; j; j = next) {
      next = j->next; /* j may be gone once done is seen */
      j->done = 1;
    }
    g->busy = 0;
    pthread_cond_broadcast(&g->cond);
  }
  pthread_mutex_unlock(&g->mu);
}

cm_rc hub_ingest_bundle(hub_ctx *ctx, const uint8_t *body, size_t len, const char *via,
                        hub_ingest_result *out, cm_err *err) {
  hub_ingest_job job;
  cm_err e;
  cm_rc rc;

  memset(out, 0, sizeof *out);
  memset(&job, 0, sizeof job);
  cm_err_clear(&e);
  out->index = -1;
  if (!via) via = "";

  if (len > HUB_INGEST_MAX_BUNDLE)
    return refuse(out, err, 413, CM_ERR_TOO_LARGE, NULL,
                  "上报包 %zu 字节，超过 %zu 字节的上限：请分成较小的包上报", len,
                  (size_t)HUB_INGEST_MAX_BUNDLE);
  rc = proto_bundle_split(body, len, &job.spans, &job.n, &e);
  if (rc)
    return refuse(out, err, 400, rc, NULL, "上报包格式不对：%s", e.msg[0] ? e.msg : cm_strerror(rc));

  job.via = via;
  job.now = cm_now_ms();
  job.out = out;
  job.err = err;
  group_submit(ctx, &job);
  rc = job.rc;
  if (!rc) CM_FAILPOINT("ingest.after_commit_before_ack");

  /* Durable: sign the receipts on this thread, outside every lock. */
  for (size_t i = 0; !rc && i < job.seen.n; i++) {
    proto_receipt r;
    memset(&r, 0, sizeof r);
    memcpy(r.author, job.seen.v[i].author, PROTO_KEY_BYTES);
    r.seq = job.seen.v[i].seq;
    memcpy(r.head_hash, job.seen.v[i].head, PROTO_HASH_BYTES);
    r.time_ms = job.now;
    rc = proto_receipt_sign(&r, &ctx->kp, job.seen.v[i].receipt);
    if (rc)
      /* Stored durably but not acknowledged: the client retries and the
       * replay is answered with receipts. */
      rc = refuse(out, err, 500, rc, NULL, "无法签发回执：%s", cm_strerror(rc));
  }
  if (!rc) {
    out->receipts = job.seen.v;
    out->n_receipts = job.seen.n;
    job.seen.v = NULL;
    out->http_status = 200;
    out->rc = CM_OK;
  }
  free(job.spans);
  free(job.seen.v);
  return rc;
}

/* Hex string JSON value. */
static json_t *hex_json(const uint8_t *b, size_t n) {
  char buf[2 * 64 + 1];
  if (n > 64) return NULL;
  cm_hex_encode(b, n, buf);
  return json_string(buf);
}

json_t *hub_head_json(const hub_head *h) {
  char b64[PROTO_RECEIPT_BYTES * 2];
  if (cm_b64_encoded_size(PROTO_RECEIPT_BYTES) > sizeof b64) return NULL;
  cm_b64_encode(h->receipt, PROTO_RECEIPT_BYTES, b64);
  return json_pack("{s:o, s:I, s:o, s:s}", "author", hex_json(h->author, PROTO_KEY_BYTES), "seq",
                   (json_int_t)h->seq, "head", hex_json(h->head, PROTO_HASH_BYTES), "receipt",
                   b64);
}

json_t *hub_ingest_result_json(const hub_ingest_result *r) {
  json_t *o = NULL;
  if (r->rc == CM_OK) {
    json_t *arr = json_array();
    if (!arr) return NULL;
    for (size_t i = 0; i < r->n_receipts; i++) {
      json_t *h = hub_head_json(&r->receipts[i]);
      if (!h || json_array_append_new(arr, h)) {
        json_decref(arr);
        return NULL;
      }
    }
    return json_pack("{s:I, s:o}", "stored", (json_int_t)r->stored, "receipts", arr);
  }
  o = json_object();
  if (!o) return NULL;
  if (r->has_author) json_object_set_new(o, "author", hex_json(r->author, PROTO_KEY_BYTES));
  if (r->rc == CM_PROTO_GAP) json_object_set_new(o, "expected_seq", json_integer((json_int_t)r->expected_seq));
  if (r->index >= 0) json_object_set_new(o, "index", json_integer(r->index));
  return o;
}

cm_rc hub_head_receipt(hub_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES], hub_head *out,
                       cm_err *err) {
  hub_author a;
  int found = 0;
  proto_receipt r;
  cm_rc rc;

  memset(out, 0, sizeof *out);
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_author_get(ctx->store, author, &a, &found, err);
  pthread_mutex_unlock(&ctx->lock);
  if (rc) return rc;
  memcpy(out->author, author, PROTO_KEY_BYTES);
  if (found) {
    out->seq = a.head_seq;
    memcpy(out->head, a.head_hash, PROTO_HASH_BYTES);
  }
  memset(&r, 0, sizeof r);
  memcpy(r.author, author, PROTO_KEY_BYTES);
  r.seq = out->seq;
  memcpy(r.head_hash, out->seq ? out->head : zero32, PROTO_HASH_BYTES);
  r.time_ms = cm_now_ms();
  rc = proto_receipt_sign(&r, &ctx->kp, out->receipt);
  if (rc) return cm_errf(err, rc, "无法签发回执：%s", cm_strerror(rc));
  return CM_OK;
}

/* Changesets gathered for a bundle, copied out of SQLite. */
struct gather {
  proto_span *spans;
  size_t n, cap;
  size_t bytes, max_bytes;
  uint64_t entries, max_entries;
  uint64_t after;
  uint64_t last_seq;
};

static cm_rc gather_one(void *vctx, int64_t id, uint64_t first_seq, uint64_t last_seq,
                        const uint8_t *bytes, size_t len, int *stop_out, cm_err *err) {
  struct gather *g = vctx;
  (void)id;
  uint64_t from = first_seq > g->after ? first_seq : g->after + 1;
  uint64_t count = last_seq >= from ? last_seq - from + 1 : 0;
  /* Never split a changeset (its signature covers it whole), but always
   * send at least one so that a large one still moves. */
  if (g->n > 0 && ((g->max_bytes && g->bytes + len > g->max_bytes) ||
                   (g->max_entries && g->entries + count > g->max_entries))) {
    *stop_out = 1;
    return CM_OK;
  }
  if (g->n == PROTO_BUNDLE_MAX_CHANGESETS) {
    *stop_out = 1;
    return CM_OK;
  }
  if (g->n == g->cap) {
    size_t cap = g->cap ? g->cap * 2 : 16;
    proto_span *nv = realloc(g->spans, cap * sizeof *nv);
    if (!nv) return cm_errf(err, CM_ERR_NOMEM, "汇集上报包时内存不足");
    g->spans = nv;
    g->cap = cap;
  }
  uint8_t *copy = malloc(len ? len : 1);
  if (!copy) return cm_errf(err, CM_ERR_NOMEM, "汇集上报包时内存不足");
  if (len) memcpy(copy, bytes, len);
  g->spans[g->n].p = copy;
  g->spans[g->n].len = len;
  g->n++;
  g->bytes += len;
  g->entries += count;
  g->last_seq = last_seq;
  return CM_OK;
}

static void gather_free(struct gather *g) {
  for (size_t i = 0; i < g->n; i++) free((void *)g->spans[i].p);
  free(g->spans);
}

/* The bundle of author's changesets after `after`, within the caps. */
static cm_rc bundle_after(hub_ctx *ctx, const uint8_t *author, uint64_t after, size_t max_entries,
                          size_t max_bytes, uint8_t **out, size_t *len_out, uint64_t *last_out,
                          cm_err *err) {
  struct gather g;
  cm_rc rc;
  memset(&g, 0, sizeof g);
  g.after = after;
  g.last_seq = after;
  g.max_bytes = max_bytes;
  g.max_entries = max_entries;
  *out = NULL;
  *len_out = 0;
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_changesets_after(ctx->store, author, after, gather_one, &g, err);
  pthread_mutex_unlock(&ctx->lock);
  if (!rc) {
    rc = proto_bundle_encode(g.spans, g.n, out, len_out);
    if (rc) cm_errf(err, rc, "无法打包：%s", cm_strerror(rc));
  }
  if (!rc && last_out) *last_out = g.last_seq;
  gather_free(&g);
  return rc;
}

cm_rc hub_log_bundle(hub_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES], uint64_t after,
                     size_t cap_bytes, uint8_t **out, size_t *len_out, cm_err *err) {
  if (!cap_bytes || cap_bytes > HUB_LOG_MAX_BYTES) cap_bytes = HUB_LOG_MAX_BYTES;
  return bundle_after(ctx, author, after, 0, cap_bytes, out, len_out, NULL, err);
}

cm_rc hub_forward_authors(hub_ctx *ctx, hub_fwd_author **list_out, size_t *n_out, cm_err *err) {
  json_t *rows = NULL;
  hub_fwd_author *list = NULL;
  size_t n = 0;
  cm_rc rc;

  *list_out = NULL;
  *n_out = 0;
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_forward_due(ctx->store, ctx->kp.pk, &rows, err);
  pthread_mutex_unlock(&ctx->lock);
  if (rc) return rc;
  if (json_array_size(rows)) {
    list = calloc(json_array_size(rows), sizeof *list);
    if (!list) {
      rc = cm_errf(err, CM_ERR_NOMEM, "列出要转报的作者时内存不足");
      goto out;
    }
  }
  for (size_t i = 0; i < json_array_size(rows); i++) {
    json_t *row = json_array_get(rows, i);
    const char *hex = json_string_value(json_object_get(row, "author"));
    if (!hex || proto_key_from_hex(hex, list[n].author)) continue;
    list[n].head_seq = (uint64_t)json_integer_value(json_object_get(row, "head_seq"));
    list[n].acked_seq = (uint64_t)json_integer_value(json_object_get(row, "acked_seq"));
    n++;
  }
  *list_out = list;
  *n_out = n;
  list = NULL;
out:
  free(list);
  json_decref(rows);
  return rc;
}

cm_rc hub_forward_pending(hub_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES], uint64_t after,
                          size_t max_entries, size_t max_bytes, uint8_t **out, size_t *len_out,
                          uint64_t *last_seq_out, cm_err *err) {
  return bundle_after(ctx, author, after, max_entries, max_bytes, out, len_out, last_seq_out, err);
}

cm_rc hub_forward_ack(hub_ctx *ctx, const proto_receipt *r, const uint8_t raw[PROTO_RECEIPT_BYTES],
                      cm_err *err) {
  uint8_t ours[PROTO_HASH_BYTES];
  uint64_t acked = 0;
  cm_rc rc = CM_OK;
  char hex[PROTO_KEY_HEX];

  proto_key_hex(r->author, hex);
  if (ctx->has_upstream_key && memcmp(r->hub, ctx->upstream_key, PROTO_KEY_BYTES) != 0)
    return cm_errf(err, CM_ERR_PERM, "%s 的回执不是用固定的上级公钥签的",
                   hex);
  if (r->seq == 0) return CM_OK;
  pthread_mutex_lock(&ctx->lock);
  if (!hub_store_entry_hash(ctx->store, r->author, r->seq, ours)) {
    rc = cm_errf(err, CM_ERR_CONFLICT,
                 "上级说它保存的 %s 台账到第 %llu 条，比本级保存的还多", hex,
                 (unsigned long long)r->seq);
    goto out;
  }
  if (memcmp(ours, r->head_hash, PROTO_HASH_BYTES) != 0) {
    rc = cm_errf(err, CM_PROTO_FORK,
                 "上级保存的 %s 台账第 %llu 条与本级的不同", hex,
                 (unsigned long long)r->seq);
    goto out;
  }
  rc = hub_store_forward_get(ctx->store, r->author, &acked, err);
  if (!rc && r->seq > acked)
    rc = hub_store_forward_set(ctx->store, r->author, r->seq, raw, PROTO_RECEIPT_BYTES,
                               cm_now_ms(), err);
out:
  pthread_mutex_unlock(&ctx->lock);
  return rc;
}

cm_rc hub_forward_rewind(hub_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                         cm_err *err) {
  uint64_t acked = 0;
  cm_rc rc;
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_forward_get(ctx->store, author, &acked, err);
  if (!rc && seq < acked) rc = hub_store_forward_set(ctx->store, author, seq, NULL, 0, cm_now_ms(), err);
  pthread_mutex_unlock(&ctx->lock);
  return rc;
}

/* Every author the street holds anything of, own log first, with what the
 * district acknowledged: an audit asks the district about each of them, which
 * catches a district restored from an old copy (it holds less than it
 * acknowledged, and nothing is "due" by our records). */
cm_rc hub_forward_all_authors(hub_ctx *hub, hub_fwd_author **list_out, size_t *n_out,
                               cm_err *err) {
  json_t *status = NULL;
  hub_fwd_author *list = NULL;
  size_t n = 0;
  *list_out = NULL;
  *n_out = 0;
  pthread_mutex_lock(&hub->lock);
  cm_rc rc = hub_store_status_json(hub->store, hub->kp.pk, &status, err);
  pthread_mutex_unlock(&hub->lock);
  if (rc) return rc;
  json_t *rows = json_object_get(status, "forward");
  size_t total = json_array_size(rows);
  if (total) {
    list = calloc(total, sizeof *list);
    if (!list) {
      rc = cm_errf(err, CM_ERR_NOMEM, "转报：列出作者时内存不足");
      goto out;
    }
  }
  for (size_t i = 0; i < total; i++) {
    json_t *row = json_array_get(rows, i);
    const char *hex = json_string_value(json_object_get(row, "author"));
    if (!hex || proto_key_from_hex(hex, list[n].author) != CM_OK) continue;
    list[n].head_seq = (uint64_t)json_integer_value(json_object_get(row, "head_seq"));
    list[n].acked_seq = (uint64_t)json_integer_value(json_object_get(row, "acked_seq"));
    n++;
  }
  *list_out = list;
  *n_out = n;
  list = NULL;
out:
  free(list);
  json_decref(status);
  return rc;
}
