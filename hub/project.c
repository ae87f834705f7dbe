/* project.c - entries to SQL rows (docs/records.md).  The result must depend
 * only on each author's entries in sequence order, never on the order in which
 * different authors' entries arrived or on the clock, so that `rebuild` gives
 * exactly the tables that ingest built. */
#include "project.h"

#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../common/clock.h"
#include "../common/codec.h"
#include "../common/failpoint.h"
#include "../common/json.h"
#include "../common/log.h"
#include "../common/records.h"
#include "heap.h"
#include "reportbody.h"
#include "project_hub.h"
#include "store.h"

/* Log and skip an entry whose body this version cannot read: it is signed
 * history, so refusing it would block its author's log forever. */
static cm_rc project_skip(const proto_entry *e, const char *why) {
  char hex[PROTO_KEY_HEX];
  proto_key_hex(e->author, hex);
  cm_warn("projection: skipping %s entry %s/%llu: %s", e->kind, hex, (unsigned long long)e->seq,
          why);
  return CM_OK;
}

/* A required non-empty string field. */
static const char *get_str(const json_t *body, const char *key) {
  const char *s = json_string_value(json_object_get(body, key));
  return (s && *s) ? s : NULL;
}

/* "replaces" of a community's hub.enrolled: the new key continues the
 * community of the old one when the same hub enrolled both for the same
 * code, the old one is revoked (the enrolling hub's log revokes it first) and
 * nothing replaced it yet.  Otherwise the new key stays enrolled on its own. */
static cm_rc project_replaces(hub_ctx *ctx, const proto_entry *e, const uint8_t key[PROTO_KEY_BYTES],
                              const char *code, const json_t *body, cm_err *err) {
  const char *oldhex = get_str(body, "replaces");
  uint8_t old[PROTO_KEY_BYTES], succ[PROTO_KEY_BYTES];
  hub_author a;
  int found = 0, taken = 0;
  if (!oldhex || proto_key_from_hex(oldhex, old) || !memcmp(old, key, PROTO_KEY_BYTES))
    return project_skip(e, "replaces is not another key");
  cm_rc rc = hub_store_author_get(ctx->store, old, &a, &found, err);
  if (!rc && found) rc = hub_store_successor(ctx->store, old, succ, &taken, err);
  if (rc) return rc;
  if (taken && memcmp(succ, key, PROTO_KEY_BYTES) == 0) return CM_OK; /* projected again */
  if (!found || strcmp(a.role, "community") != 0 || !a.has_enrolled_by ||
      memcmp(a.enrolled_by, e->author, PROTO_KEY_BYTES) != 0 || strcmp(a.code, code) != 0 ||
      !a.revoked || taken)
    return project_skip(e, "replaces names no revoked community of this hub's with this code");
  return hub_store_author_set_replaces(ctx->store, key, old, err);
}

/* hub.enrolled: only this hub, or at a district an enrolled street hub for its
 * own communities, may enrol keys; and an enrolment never moves a key that
 * another hub enrolled. */
static cm_rc project_enrolled(hub_ctx *ctx, const proto_entry *e, const json_t *body,
                              cm_err *err) {
  hub_store *st = ctx->store;
  const char *keyhex = get_str(body, "key"), *name = get_str(body, "name");
  const char *role = get_str(body, "role");
  const char *code = json_string_value(json_object_get(body, "code"));
  uint8_t key[PROTO_KEY_BYTES];
  hub_author by, existing;
  int found = 0;
  cm_rc rc;

  if (!keyhex || !name || !role || proto_key_from_hex(keyhex, key))
    return project_skip(e, "body lacks key, name or role");
  if (!code) code = "";
  if (memcmp(key, ctx->kp.pk, PROTO_KEY_BYTES) == 0 || memcmp(key, e->author, PROTO_KEY_BYTES) == 0)
    return project_skip(e, "a hub cannot enrol itself");
  rc = hub_store_author_get(st, e->author, &by, &found, err);
  if (rc) return rc;
  if (!found) return project_skip(e, "the enrolling author is unknown");
  int is_self = memcmp(e->author, ctx->kp.pk, PROTO_KEY_BYTES) == 0;
  if (!is_self && !(ctx->role == HUB_ROLE_DISTRICT && strcmp(by.role, "street") == 0 && !by.revoked))
    return project_skip(e, "only this hub or an enrolled street hub may enrol keys");
  rc = hub_store_author_get(st, key, &existing, &found, err);
  if (rc) return rc;
  if (found && (!existing.has_enrolled_by ||
                memcmp(existing.enrolled_by, e->author, PROTO_KEY_BYTES) != 0))
    return project_skip(e, "the key was enrolled by another hub");

  if (is_self && ctx->role == HUB_ROLE_DISTRICT) {
    if (strcmp(role, "street") != 0) return project_skip(e, "the district enrols street hubs");
    return hub_store_author_enroll(st, key, name, code, "street", name, e->author, e->time_ms,
                                   err);
  }
  if (strcmp(role, "community") != 0) return project_skip(e, "a street hub enrols communities");
  /* The street name comes from the enrolling hub's own registration, never
   * from the body: a street cannot file communities under another street. */
  const char *street = is_self ? ctx->name : by.name;
  rc = hub_store_author_enroll(st, key, name, code, "community", street, e->author, e->time_ms,
                               err);
  if (!rc) rc = hub_store_community_put(st, key, name, code, e->author, street, err);
  if (!rc && json_object_get(body, "replaces")) rc = project_replaces(ctx, e, key, code, body, err);
  return rc;
}

/* hub.revoked: only the hub that enrolled a key may revoke it; its entries up
 * to "upto" stay valid, later ones are refused (hub/ingest.c). */
static cm_rc project_revoked(hub_ctx *ctx, const proto_entry *e, const json_t *body, cm_err *err) {
  const char *keyhex = get_str(body, "key");
  uint8_t key[PROTO_KEY_BYTES];
  hub_author a;
  int found = 0;
  int64_t upto = 0;
  if (!keyhex || proto_key_from_hex(keyhex, key) || !cm_json_count(body, "upto", &upto))
    return project_skip(e, "hub.revoked needs key and upto");
  cm_rc rc = hub_store_author_get(ctx->store, key, &a, &found, err);
  if (rc) return rc;
  if (!found || !a.has_enrolled_by || memcmp(a.enrolled_by, e->author, PROTO_KEY_BYTES) != 0)
    return project_skip(e, "only the hub that enrolled a key may revoke it");
  return hub_store_author_revoke(ctx->store, key, (uint64_t)upto, err);
}

/* An organisation's state folded from its filing versions (hub_store_filing_each). */
typedef struct org_fold {
  json_t *state; /* NULL until an org.filed is met */
  uint64_t seq;  /* the last version applied */
} org_fold;

/* One version into the state by the domain core's rule (cm_rec_fold_version). */
static cm_rc fold_version(void *vctx, const hub_filing_row *r, cm_err *err) {
  org_fold *f = vctx;
  json_t *body = NULL;
  if (cm_json_parse_object((const uint8_t *)r->body, strlen(r->body), &body, NULL)) return CM_OK;
  int applied = cm_rec_fold_version(&f->state, r->kind, body, r->status);
  json_decref(body);
  if (applied < 0) return cm_errf(err, CM_ERR_NOMEM, "读取组织时内存不足");
  if (applied) f->seq = r->seq;
  return CM_OK;
}

/* Write organisation id of author again from its filing versions and their
 * statuses (after an amendment, or a review that decided one), keeping its
 * dissolution.  Nothing changes when it was never filed. */
static cm_rc org_refold(hub_ctx *ctx, const uint8_t *who, const char *id, cm_err *err) {
  org_fold f = {NULL, 0};
  char *cur = NULL;
  int dissolved = 0, owned = 0;
  int64_t members = 0, party = 0;
  uint8_t head[PROTO_KEY_BYTES], author[PROTO_KEY_BYTES];
  cm_buf b;
  cm_buf_init(&b, 2u * PROTO_BODY_MAX);
  /* The row belongs to the key that filed it; its versions are those of every
   * key of the community (a replacement key amends what the lost PC filed). */
  cm_rc rc = hub_store_lineage_head(ctx->store, who, head, err);
  if (!rc) rc = hub_store_org_owner(ctx->store, head, id, author, &owned, err);
  if (rc || !owned) goto out;
  rc = hub_store_org_get(ctx->store, author, id, &cur, &dissolved, err);
  if (!rc && cur) rc = hub_store_filing_each(ctx->store, head, id, fold_version, &f, err);
  if (rc || !cur || !f.state) goto out;
  if (!cm_json_count(f.state, "members", &members) ||
      !cm_json_count(f.state, "party_members", &party))
    goto out; /* the domain core bounds every count of a version it lets through */
  rc = cm_json_dump(f.state, &b);
  if (rc) {
    rc = cm_errf(err, rc, "无法写出组织的内容");
    goto out;
  }
  hub_org_row o = {id, f.seq, (const char *)b.p, b.len, f.state, members, party, dissolved, NULL};
  rc = hub_store_org_put(ctx->store, author, &o, NULL, err);
  /* Once the organisation has a roster, its counts come from the roster. */
  if (!rc) rc = hub_store_roster_apply(ctx->store, author, id, (uint64_t)INT64_MAX, NULL, err);
  if (!rc && memcmp(author, who, PROTO_KEY_BYTES) != 0)
    rc = hub_store_org_status_refresh(ctx->store, author, err);
out:
  free(cur);
  json_decref(f.state);
  cm_buf_free(&b);
  return rc;
}

/* org.amended: the state again from the versions (one that names an
 * organisation never filed is skipped).  org.dissolved: the current state,
 * dissolved. */
static cm_rc project_org_change(hub_ctx *ctx, const proto_entry *e, json_t *body, int dissolve,
                                cm_err *err) {
  const char *id = get_str(body, "id");
  char *cur = NULL;
  int64_t members = 0, party = 0;
  json_t *state = NULL;
  cm_rc rc;

  if (!id) return project_skip(e, "body lacks id");
  if (!dissolve) {
    if (!json_is_object(json_object_get(body, "changes")))
      return project_skip(e, "org.amended lacks changes");
    return org_refold(ctx, e->author, id, err);
  }
  uint8_t owner[PROTO_KEY_BYTES];
  int owned = 0;
  rc = hub_store_org_owner(ctx->store, e->author, id, owner, &owned, err);
  if (!rc && owned) rc = hub_store_org_get(ctx->store, owner, id, &cur, NULL, err);
  if (rc) return rc;
  if (!cur) return project_skip(e, "no such organisation filed");
  if (cm_json_parse_object((const uint8_t *)cur, strlen(cur), &state, NULL) ||
      !cm_json_count(state, "members", &members) || !cm_json_count(state, "party_members", &party)) {
    rc = project_skip(e, "stored organisation unreadable");
  } else {
    hub_org_row o = {id, e->seq, cur, strlen(cur), state, members, party, 1, NULL};
    rc = hub_store_org_put(ctx->store, owner, &o, NULL, err);
  }
  if (!rc && memcmp(owner, e->author, PROTO_KEY_BYTES) == 0)
    rc = hub_store_roster_apply(ctx->store, e->author, id, e->seq, NULL, err);
  if (!rc && memcmp(owner, e->author, PROTO_KEY_BYTES) != 0)
    rc = hub_store_org_status_refresh(ctx->store, owner, err);
  free(cur);
  json_decref(state);
  return rc;
}

/* After a review of first..last of author: each organisation it decided a
 * filing version of is folded again. */
typedef struct refold_walk {
  hub_ctx *ctx;
  const uint8_t *author;
  size_t n; /* organisations refolded */
} refold_walk;

static cm_rc refold_id(void *vctx, const char *id, cm_err *err) {
  refold_walk *w = vctx;
  w->n++;
  return org_refold(w->ctx, w->author, id, err);
}

/* What the domain core asks of the store for each entry (the author's level
 * and code, the organisation's filing date and counts), remembered for the
 * time of one ingest or rebuild: a push of thousands of reports by one
 * author about a few dozen organisations asks SQLite a few dozen times, not
 * twice per report.  Per thread (HTTP workers ingest for different hubs in
 * tests; the organisations' facts are the hub's, below), on only while a
 * caller holds ctx->lock with a transaction open, and cleared whenever an
 * enrolment or an organisation is projected, so that it never outlives what
 * it copied. */
/* 16,384 slots (about 2.2 MB, allocated by the hub's first ingest and
 * touched only where used): the organisations of a street or a district
 * (thousands) pushing a month at once fit.  At 2,048 slots, 100 communities
 * of 50 organisations each missed at most reports, each miss two more
 * queries (callgrind, `bench_ingest 50 100 50`: these lookups 148 -> 90
 * million instructions, the whole ingest 1,846 -> 1,795 million); at 256
 * slots one community of 500 did. */
#define FACT_SLOTS 16384
typedef struct fact_slot {
  unsigned gen; /* valid while it is the cache's generation */
  int known;
  uint8_t author[PROTO_KEY_BYTES];
  char id[64];
  char filed[11];
  int64_t members, party;
} fact_slot;
typedef struct fact_table {
  /* A slot per (author, id) hash, of this generation or empty, so that
   * forgetting them all (at every filing) is one increment instead of
   * clearing the table; each (author, id) may sit in either of two
   * neighbouring slots, so that two organisations of one hash do not push
   * each other out at every report. */
  unsigned gen;
  int kept;         /* 1: as committed at data generation data_gen */
  int64_t data_gen;
  fact_slot slots[FACT_SLOTS];
} fact_table;
typedef struct project_cache {
  const hub_ctx *ctx; /* NULL: off */
  int has_author;
  uint8_t author[PROTO_KEY_BYTES];
  cm_rec_level writer;
  char prefix[CM_REC_PREFIX_MAX];
  /* hub_store_status_hint of hint_author, while no review.batch (nor an
   * enrolment, which clears the cache) was projected since it was read */
  int hint;
  uint8_t hint_author[PROTO_KEY_BYTES];
  int hint_no_review;
  uint64_t hint_reviewed_to;
  fact_table *facts; /* ctx's organisations' facts, or NULL: none is kept */
} project_cache;
static _Thread_local project_cache cache;

/* The organisations' facts belong to the hub (ctx->facts), not to a thread:
 * every push arrives on a thread of its own, and a new thread's table began
 * empty, so each push read again every organisation it reported on.  They
 * are used only with ctx->lock held inside ingest's or rebuild's
 * transaction, and kept from one group of pushes to the next while the
 * database's data generation (hub_store_commit) says nothing else was
 * committed in between. */
static fact_table *facts_of(hub_ctx *ctx) {
  if (!ctx->facts) ctx->facts = calloc(1, sizeof(fact_table));
  return ctx->facts;
}

/* Forget every organisation's facts. */
static void facts_forget(fact_table *t) {
  if (!t) return;
  t->kept = 0;
  if (++t->gen == 0) { /* 0 would make every empty slot current */
    memset(t->slots, 0, sizeof t->slots);
    t->gen = 1;
  }
}

void hub_project_cache(hub_ctx *ctx) {
  memset(&cache, 0, sizeof cache);
  cache.ctx = ctx;
  if (!ctx) return;
  cache.facts = facts_of(ctx);
  facts_forget(cache.facts);
}

void hub_project_cache_resume(hub_ctx *ctx, int64_t data_gen) {
  memset(&cache, 0, sizeof cache);
  cache.ctx = ctx;
  cache.facts = facts_of(ctx);
  if (!cache.facts) return;
  if (!cache.facts->kept || cache.facts->data_gen != data_gen || data_gen < 0)
    facts_forget(cache.facts);
  cache.facts->kept = 0; /* until this transaction commits */
}

void hub_project_cache_committed(hub_ctx *ctx, int64_t data_gen) {
  fact_table *t = ctx->facts;
  if (!t) return;
  t->kept = 1;
  t->data_gen = data_gen;
}

/* Forget what the cache copied (an enrolment or an organisation changed). */
static void cache_clear(void) {
  hub_project_cache((hub_ctx *)cache.ctx);
}

/* By the organisation's id alone, so that every slot of one id (of any key
 * of its community) is at its two places. */
static unsigned slot_of(const char *id) {
  unsigned h = 2166136261u;
  for (const char *p = id; *p; p++) h = (h ^ (unsigned char)*p) * 16777619u;
  return h % FACT_SLOTS;
}

/* Forget what the cache copied of organisation id (it was filed, amended,
 * dissolved or its roster changed); the rest stays true. */
static void cache_forget_org(const char *id) {
  if (!id) {
    cache_clear();
    return;
  }
  if (!cache.facts) return;
  unsigned h = slot_of(id);
  for (unsigned k = 0; k < 2; k++) {
    fact_slot *g = &cache.facts->slots[(h + k) % FACT_SLOTS];
    if (g->gen == cache.facts->gen && strcmp(g->id, id) == 0) g->gen = 0;
  }
}

/* The slot holding what the cache copied of organisation org as author
 * reads it, or NULL, with *free_out the slot to copy it into (NULL when the
 * cache holds no such organisation id). */
static const fact_slot *fact_find(const uint8_t author[PROTO_KEY_BYTES], const char *org,
                                  fact_slot **free_out) {
  *free_out = NULL;
  if (!cache.facts || strlen(org) >= sizeof cache.facts->slots[0].id) return NULL;
  unsigned gen = cache.facts->gen;
  unsigned h = slot_of(org);
  for (unsigned k = 0; k < 2; k++) {
    fact_slot *g = &cache.facts->slots[(h + k) % FACT_SLOTS];
    if (g->gen == gen && memcmp(g->author, author, PROTO_KEY_BYTES) == 0 && strcmp(g->id, org) == 0)
      return g;
    if (!*free_out && g->gen != gen) *free_out = g; /* a free one to fill */
  }
  if (!*free_out) *free_out = &cache.facts->slots[h];
  return NULL;
}

static void fact_fill(fact_slot *f, const uint8_t author[PROTO_KEY_BYTES], const char *org,
                      int known, const char *filed, int64_t members, int64_t party) {
  f->gen = cache.facts->gen;
  f->known = known;
  memcpy(f->author, author, PROTO_KEY_BYTES);
  snprintf(f->id, sizeof f->id, "%s", org);
  snprintf(f->filed, sizeof f->filed, "%s", filed);
  f->members = members;
  f->party = party;
}

static cm_rc project_org_filed(hub_ctx *ctx, const proto_entry *e, json_t *body, const char *status,
                               cm_err *err) {
  /* its newest filing version, whose status the row's takes first */
  hub_org_row o = {
      get_str(body, "id"), e->seq, (const char *)e->body, e->body_len, body, 0, 0, 0, status};
  int settled = 0, no_roster = 0;
  cm_rc rc;
  if (!o.id || !cm_json_count(body, "members", &o.members) ||
      !cm_json_count(body, "party_members", &o.party_members))
    return project_skip(e, "org.filed needs id and non-negative counts");
  /* The organisation's state is the body as signed: the domain core parsed
   * it as one strict JSON object without repeated keys (what SQLite reads of
   * it is what the checks read), and a node writes it as cm_json_dump would
   * write it again, so dumping the parsed body (a third of a filing's cost)
   * gave the same text. */
  rc = hub_store_org_put(ctx->store, e->author, &o, &settled, err);
  /* a roster, once there is one, gives the counts (common/records.h) */
  if (!rc) rc = hub_store_roster_apply(ctx->store, e->author, o.id, e->seq, &no_roster, err);
  /* the status, unless the row's statement wrote it */
  if (!rc && !settled) rc = hub_store_org_status_refresh_one(ctx->store, e->author, o.id, err);
  /* what the checks of its monthly reports read of it is what was written
   * (the author's own row: hub_store_org_owner finds it first) */
  const char *filed = json_string_value(json_object_get(body, "filed"));
  fact_slot *f = NULL;
  if (!rc && no_roster && filed && cache.ctx == ctx && !fact_find(e->author, o.id, &f) && f)
    fact_fill(f, e->author, o.id, 1, filed, o.members, o.party_members);
  return rc;
}

cm_rc hub_project_rec_ctx(hub_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES],
                          uint64_t time_ms, uint64_t received_ms, const char *org,
                          cm_rec_ctx *c, cm_err *err) {
  hub_author a;
  int found = 0, cached = cache.ctx == ctx;
  cm_rc rc = CM_OK;
  memset(c, 0, sizeof *c);
  c->time_ms = (int64_t)time_ms;
  cm_date_of(time_ms, c->today);
  cm_date_of(received_ms, c->latest);
  c->decision_to_author = -1;
  c->to_below = -1;
  proto_key_hex(author, c->author_hex);
  c->org_file_bytes = -1;
  if (cached && cache.has_author && memcmp(cache.author, author, PROTO_KEY_BYTES) == 0) {
    c->writer = cache.writer;
    memcpy(c->prefix, cache.prefix, sizeof c->prefix);
  } else if (memcmp(author, ctx->kp.pk, PROTO_KEY_BYTES) == 0) {
    /* This hub's own records: a street's street-level organisations carry
     * the first 12 hex digits of its key. */
    c->writer = ctx->role == HUB_ROLE_DISTRICT ? CM_REC_DISTRICT : CM_REC_STREET;
    snprintf(c->prefix, sizeof c->prefix, "%.12s", ctx->key_hex);
  } else {
    rc = hub_store_author_get(ctx->store, author, &a, &found, err);
    if (rc) return rc;
    if (found && strcmp(a.role, "street") == 0) {
      char hex[PROTO_KEY_HEX];
      proto_key_hex(author, hex);
      c->writer = CM_REC_STREET;
      snprintf(c->prefix, sizeof c->prefix, "%.12s", hex);
    } else {
      c->writer = CM_REC_COMMUNITY;
      if (found) snprintf(c->prefix, sizeof c->prefix, "%s", a.code);
    }
  }
  if (cached) {
    cache.has_author = 1;
    memcpy(cache.author, author, PROTO_KEY_BYTES);
    cache.writer = c->writer;
    memcpy(cache.prefix, c->prefix, sizeof cache.prefix);
  }
  if (!org || !*org) return CM_OK;
  fact_slot *f = NULL;
  if (cached) {
    const fact_slot *g = fact_find(author, org, &f);
    if (g) {
      c->org_known = g->known;
      memcpy(c->org_filed, g->filed, sizeof c->org_filed);
      c->org_members = g->members;
      c->org_party = g->party;
      return CM_OK;
    }
  }
  /* an organisation the key's predecessor filed is known to it too */
  uint8_t owner[PROTO_KEY_BYTES];
  int owned = 0;
  rc = hub_store_org_owner(ctx->store, author, org, owner, &owned, err);
  /* no key of the community has its row (the author's own included): not
   * known, without reading it again */
  if (!rc && owned)
    rc = hub_store_org_facts(ctx->store, owner, org, &c->org_known, c->org_filed, &c->org_members,
                             &c->org_party, err);
  if (!rc && f) fact_fill(f, author, org, c->org_known, c->org_filed, c->org_members, c->org_party);
  return rc;
}

/* An entry of kind relayed by a street (list.published, limits.set, feedback.due,
 * due.set, decision.*): 1 when
 * its "origin" is the district's own entry of that kind (signed by the
 * district: this hub at a district, the pinned upstream at a street) and its
 * body, "origin" and "origin_record" aside, is the district's body. */
static int origin_ok(hub_ctx *ctx, const char *kind, const json_t *body) {
  const char *b64 = json_string_value(json_object_get(body, "origin"));
  const uint8_t *district = ctx->role == HUB_ROLE_DISTRICT ? ctx->kp.pk
                            : ctx->has_upstream_key        ? ctx->upstream_key
                                                           : NULL;
  uint8_t *raw = NULL;
  size_t len = 0;
  proto_entry in;
  json_t *ib = NULL, *mine = NULL;
  int ok = 0;
  if (!b64 || !district || cm_b64_decode(b64, strlen(b64), &raw, &len) != CM_OK) return 0;
  if (proto_sentry_decode(raw, len, district, &in, NULL) == CM_OK &&
      memcmp(in.author, district, PROTO_KEY_BYTES) == 0 && strcmp(in.kind, kind) == 0 &&
      cm_json_parse_object(in.body, in.body_len, &ib, NULL) == CM_OK &&
      (mine = json_copy((json_t *)body)) != NULL) {
    json_object_del(mine, "origin");
    json_object_del(mine, "origin_record");
    ok = json_equal(ib, mine);
  }
  json_decref(mine);
  json_decref(ib);
  free(raw);
  return ok;
}

/* decision.* by a street author: 1 when "to" is a community the author
 * enrolled, read from the author's own enrolments (as mapped_below). */
static cm_rc decision_below(hub_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES],
                            const cm_rec_decision *d, int *below_out, cm_err *err) {
  uint8_t to[PROTO_KEY_BYTES];
  hub_author a;
  int found = 0;
  *below_out = 0;
  if (!*d->to) return CM_OK;
  if (proto_key_from_hex(d->to, to) != CM_OK) return CM_OK;
  cm_rc rc = hub_store_author_get(ctx->store, to, &a, &found, err);
  if (rc || !found) return rc;
  *below_out = strcmp(a.role, "community") == 0 && a.has_enrolled_by &&
               memcmp(a.enrolled_by, author, PROTO_KEY_BYTES) == 0;
  return CM_OK;
}

/* org.mapped by author: 1 when "to" is a community author enrolled and the
 * organisation's filing number begins with that community's code.  Read from
 * the author's own enrolments only, so that ingest and rebuild agree whatever
 * order other logs arrived in. */
static cm_rc mapped_below(hub_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES],
                          const cm_rec_mapped *m, int *below_out, cm_err *err) {
  uint8_t to[PROTO_KEY_BYTES];
  hub_author a;
  int found = 0;
  *below_out = 0;
  if (proto_key_from_hex(m->to, to) != CM_OK) return CM_OK;
  cm_rc rc = hub_store_author_get(ctx->store, to, &a, &found, err);
  if (rc || !found) return rc;
  size_t n = strlen(a.code);
  *below_out = strcmp(a.role, "community") == 0 && a.has_enrolled_by &&
               memcmp(a.enrolled_by, author, PROTO_KEY_BYTES) == 0 && n > 0 &&
               strncmp(m->org, a.code, n) == 0 && m->org[n] == '-';
  return CM_OK;
}

/* Keep entry e refused with the core's reason: stored, never projected. */
/* Not logged: a hostile node could fill the log; the reviewer sees each one. */
/* A batch accepted ahead (hub_project_ahead_begin): kept apart from the
 * cache, which a filing or a review clears in the middle of a batch. */
static _Thread_local struct {
  int on;     /* projecting the batch */
  int broken; /* one of its entries failed the policy */
  uint8_t author[PROTO_KEY_BYTES];
  uint64_t first, last;
  int review; /* the next review of exactly this range finds its statuses written */
} ahead;

static int ahead_has(const proto_entry *e) {
  return ahead.on && e->seq >= ahead.first && e->seq <= ahead.last &&
         memcmp(ahead.author, e->author, PROTO_KEY_BYTES) == 0;
}

static cm_rc refuse_entry(hub_ctx *ctx, const proto_entry *e, const cm_err *why, cm_err *err) {
  if (ahead_has(e)) ahead.broken = 1; /* a refused entry keeps its batch pending */
  cm_rc rc = hub_store_refusal_put(ctx->store, e->author, e->seq, why->msg, err);
  if (!rc) rc = hub_store_status_put(ctx->store, e->author, e->seq, 1, NULL, err);
  return rc;
}

cm_rc hub_project_body_ctx(hub_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES], const char *kind,
                           const cm_rec_body *b, const json_t *json, cm_rec_ctx *c, cm_err *err) {
  cm_rc rc = CM_OK;
  if (b->kind == CM_REC_RECTIFICATION) {
    uint8_t to[PROTO_KEY_BYTES];
    int found = 0;
    rc = hub_store_decision_to(ctx->store, b->u.rect.decision, to, &found, err);
    /* addressed to the author, or to a key it continues */
    if (!rc && found) rc = hub_store_in_lineage(ctx->store, author, to, &c->decision_to_author, err);
  }
  if (b->kind == CM_REC_LIST || b->kind == CM_REC_LIMITS || b->kind == CM_REC_FEEDBACK_DUE ||
      b->kind == CM_REC_DUE ||
      b->kind == CM_REC_DECISION)
    c->origin_district = origin_ok(ctx, kind, json);
  if (!rc && b->kind == CM_REC_DECISION && c->writer == CM_REC_STREET)
    rc = decision_below(ctx, author, &b->u.decision, &c->to_below, err);
  if (!rc && b->kind == CM_REC_MAPPED)
    rc = mapped_below(ctx, author, &b->u.mapped, &c->org_below, err);
  if (!rc && b->kind == CM_REC_NOMINATION)
    rc = hub_eval_round_ctx(ctx, b->u.nomination.round, c, err);
  if (!rc && b->kind == CM_REC_RECOMMEND)
    rc = hub_eval_recommend_ctx(ctx, author, b->u.recommend.nomination, c, err);
  if (!rc && b->kind == CM_REC_NOTICE_READ) {
    /* Known here (a hub's copy of it is held) and not addressed to the
     * author: refused.  A notice this level never saw cannot be judged. */
    char hex[PROTO_KEY_HEX];
    int known = 0, to = 0;
    proto_key_hex(author, hex);
    rc = hub_store_notice_seen(ctx->store, b->u.notice.notice, hex, &known, &to, err);
    if (!rc) c->notice_not_to_author = known && !to;
  }
  return rc;
}

/* The domain core's verdict on e (not a monthly report): *refused_out 1 when
 * it breaks authority or bounds (then marked refused).  Passed, the body as
 * the core parsed it goes to *json_out (NULL for a kind it does not read),
 * so that the projection does not parse it again. */
static cm_rc gate(hub_ctx *ctx, const proto_entry *e, const cm_rec_def *def,
                  uint64_t received_ms, int *refused_out, json_t **json_out, cm_err *err) {
  cm_rec_body b;
  cm_rec_ctx c;
  json_t *json = NULL;
  cm_err why = {0};
  cm_rc rc = CM_OK, verdict = cm_rec_read(def, e->body, e->body_len, &b, &json, &why);
  *refused_out = 0;
  if (verdict == CM_ERR_NOMEM) {
    rc = cm_errf(err, verdict, "读取记录时内存不足");
    goto out;
  }
  if (!verdict) {
    rc = hub_project_rec_ctx(ctx, e->author, e->time_ms, received_ms, cm_rec_body_org(&b), &c, err);
    if (rc) goto out;
    if (b.kind == CM_REC_FILE) {
      char day[11];
      cm_date_of(e->time_ms, day);
      day[4] = '\0';
      rc = hub_store_org_file_bytes(ctx->store, e->author, b.u.file.org, day, e->seq,
                                    &c.org_file_bytes, err);
      /* the caps the district had set when the entry arrived here */
      if (!rc) rc = hub_store_limits_at(ctx->store, ctx->kp.pk, received_ms, &c.file_max,
                                        &c.org_year_max, NULL, err);
      if (rc) goto out;
    }
    rc = hub_project_body_ctx(ctx, e->author, e->kind, &b, json, &c, err);
    if (rc) goto out;
    verdict = cm_rec_check(def, &b, &c, &why);
  }
  if (verdict) {
    *refused_out = 1;
    rc = refuse_entry(ctx, e, &why, err);
  }
  if (!rc && !verdict) {
    *json_out = json;
    json = NULL;
  }
out:
  json_decref(json);
  return rc;
}

/* Write the status of entry e, not refused (hub_store_status_put), into
 * status: known without asking SQLite per entry when its author's records
 * need no review, or no review of its author reaches this far (the hint,
 * read once per author until a review is projected). */
/* 1 when the hint held for e's author says no review of it reaches e. */
static int hint_beyond(const hub_ctx *ctx, const proto_entry *e) {
  return cache.ctx == ctx && cache.hint &&
         memcmp(cache.hint_author, e->author, PROTO_KEY_BYTES) == 0 &&
         e->seq > cache.hint_reviewed_to;
}

cm_rc hub_project_ahead_begin(hub_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES], uint64_t first,
                              uint64_t last, int *eligible_out, cm_err *err) {
  int no_review = 0;
  uint64_t reviewed_to = 0;
  *eligible_out = 0;
  memset(&ahead, 0, sizeof ahead);
  cm_rc rc = hub_store_status_hint(ctx->store, author, &no_review, &reviewed_to, err);
  /* a review reaching into the range (one that came before its entries)
   * would give them its own result */
  if (rc || no_review || reviewed_to >= first) return rc;
  ahead.on = 1;
  memcpy(ahead.author, author, PROTO_KEY_BYTES);
  ahead.first = first;
  ahead.last = last;
  *eligible_out = 1;
  return CM_OK;
}

int hub_project_ahead_end(void) {
  int ok = ahead.on && !ahead.broken;
  ahead.on = 0;
  ahead.review = ok;
  return ok;
}

int hub_project_ahead_broken(void) {
  return ahead.on && ahead.broken;
}

void hub_project_ahead_fail(void) {
  if (ahead.on) ahead.broken = 1;
}

void hub_project_ahead_clear(void) {
  memset(&ahead, 0, sizeof ahead);
}

static cm_rc entry_status(hub_ctx *ctx, const proto_entry *e, char status[HUB_STATUS_MAX],
                          cm_err *err) {
  /* a batch accepted ahead: the status its review will give, written for
   * the whole batch at its end (hub_store_status_accept_reports) */
  if (ahead_has(e)) {
    snprintf(status, HUB_STATUS_MAX, "accepted");
    return CM_OK;
  }
  if (cache.ctx != ctx) return hub_store_status_put(ctx->store, e->author, e->seq, 0, status, err);
  if (!cache.hint || memcmp(cache.hint_author, e->author, PROTO_KEY_BYTES) != 0) {
    cm_rc rc = hub_store_status_hint(ctx->store, e->author, &cache.hint_no_review,
                                     &cache.hint_reviewed_to, err);
    if (rc) return rc;
    cache.hint = 1;
    memcpy(cache.hint_author, e->author, PROTO_KEY_BYTES);
  }
  if (!cache.hint_no_review && !hint_beyond(ctx, e))
    return hub_store_status_put(ctx->store, e->author, e->seq, 0, status, err);
  snprintf(status, HUB_STATUS_MAX, "%s", cache.hint_no_review ? "accepted" : "pending");
  return hub_store_status_write(ctx->store, e->author, e->seq, status, err);
}

/* report.monthly: a version (kept for review) and the current report of its
 * month, both from one reading of the body (hub/reportbody.h), after the
 * domain core's bounds and authority (common/records.h). */
static cm_rc project_report(hub_ctx *ctx, const proto_entry *e, uint64_t received_ms,
                            cm_err *err) {
  static const cm_rec_def *def;
  hub_report_body rb;
  hub_report_row r;
  cm_rec_body b;
  cm_rec_ctx c;
  cm_err why = {0};
  cm_rc verdict = CM_OK;
  if (!def) def = cm_rec_find("report.monthly");
  if (e->body_len > def->body_max) {
    cm_errf(&why, CM_ERR_INVALID, "%s过大（%zu字节，最多%zu字节）", def->label, e->body_len,
            def->body_max);
    return refuse_entry(ctx, e, &why, err);
  }
  cm_rc rc = hub_report_body_read(e->body, e->body_len, &rb);
  if (rc) return cm_errf(err, rc, "读取月报时内存不足");
  if (!rb.parsed || !rb.valid) {
    verdict = cm_errf(&why, CM_ERR_INVALID, !rb.parsed ? "月报的内容不是有效的JSON对象"
                                                        : "月报缺少组织或月份，或数字不是非负整数");
  } else {
    verdict = cm_rec_report_counts(rb.activities, rb.participants, rb.party_participants, &why);
  }
  if (!verdict) {
    memset(&b, 0, sizeof b);
    b.kind = CM_REC_REPORT;
    b.u.report.org = rb.org;
    b.u.report.month = rb.month;
    rc = hub_project_rec_ctx(ctx, e->author, e->time_ms, received_ms, rb.org, &c, err);
    if (rc) goto out;
    verdict = cm_rec_check(def, &b, &c, &why);
  }
  if (verdict) {
    rc = refuse_entry(ctx, e, &why, err);
    goto out;
  }
  /* Accepted ahead only as the policy would accept the batch: no report
   * flagged, none correcting a month already reported (whatever its
   * version's status: the usual pass then decides; the month has a report
   * row once any version of it was projected). */
  if (ahead_has(e) && rb.flagged) {
    ahead.broken = 1;
    goto out;
  }
  rc = hub_store_report_version_put(ctx->store, e->author, e->seq, rb.org, rb.month,
                                    rb.activities, rb.participants, rb.party_participants,
                                    rb.flagged, err);
  char status[HUB_STATUS_MAX];
  if (!rc) rc = entry_status(ctx, e, status, err);
  if (rc) goto out;
  memset(&r, 0, sizeof r);
  r.author = e->author;
  r.seq = e->seq;
  r.org = rb.org;
  r.month = rb.month;
  r.activities = rb.activities;
  r.participants = rb.participants;
  r.party_participants = rb.party_participants;
  r.good_deeds = rb.good_deeds;
  r.time_ms = e->time_ms;
  r.received_ms = received_ms;
  r.status = status;
  if (ahead_has(e)) {
    int added = 0;
    rc = hub_store_report_put_new(ctx->store, &r, &added, err);
    if (!rc && !added) ahead.broken = 1;
    if (rc || ahead.broken) goto out;
  } else {
    rc = hub_store_report_put(ctx->store, &r, err);
  }
  /* An accepted version (its review came first) supersedes older ones
   * (accepted ahead, it is the only version of its month). */
  if (!rc && strcmp(status, "accepted") == 0 && !ahead_has(e))
    rc = hub_store_status_report_group(ctx->store, e->author, rb.org, rb.month, err);
out:
  hub_report_body_free(&rb);
  return rc;
}

static cm_rc project_activity(hub_ctx *ctx, const proto_entry *e, json_t *body, const char *status,
                              cm_err *err) {
  (void)status;
  const char *id = get_str(body, "id"), *org = get_str(body, "org"), *date = get_str(body, "date");
  int64_t expected;
  if (!id || !org || !date || !cm_json_count(body, "expected", &expected))
    return project_skip(e, "activity.declared needs id, org, date");
  cm_rc rc = hub_store_activity_put(ctx->store, e->author, e->seq, id, org, date, expected, err);
  /* the row takes its record's status */
  if (!rc) rc = hub_store_status_range(ctx->store, e->author, e->seq, e->seq, err);
  return rc;
}

/* station.registered and org.mapped: their typed bodies into their tables
 * (the gate has passed them). */
static cm_rc project_typed(hub_ctx *ctx, const proto_entry *e, json_t *body, const char *status,
                           cm_err *err) {
  (void)status;
  const cm_rec_def *def = cm_rec_find(e->kind);
  cm_rec_body b;
  char rec[PROTO_KEY_HEX + 24];
  uint8_t to[PROTO_KEY_BYTES];
  if (cm_rec_read_json(def, body, &b, NULL) != CM_OK) return project_skip(e, "unreadable body");
  if (b.kind == CM_REC_STATION)
    return hub_store_station_put(ctx->store, e->author, e->seq, &b.u.station, err);
  if (b.kind != CM_REC_MAPPED || proto_key_from_hex(b.u.mapped.to, to) != CM_OK) return CM_OK;
  hub_record_id(e->author, e->seq, rec, sizeof rec);
  return hub_store_org_mapped_put(ctx->store, to, &b.u.mapped, rec, err);
}

/* One kind the projection writes into its tables, and how. */
/* status: the entry's record status (entry_status) */
typedef cm_rc (*project_fn)(hub_ctx *ctx, const proto_entry *e, json_t *body, const char *status,
                            cm_err *err);

static cm_rc project_filed(hub_ctx *ctx, const proto_entry *e, json_t *body, const char *status,
                           cm_err *err) {
  return project_org_filed(ctx, e, body, status, err);
}
static cm_rc project_amended(hub_ctx *ctx, const proto_entry *e, json_t *body, const char *status,
                             cm_err *err) {
  (void)status;
  return project_org_change(ctx, e, body, 0, err);
}
static cm_rc project_dissolved(hub_ctx *ctx, const proto_entry *e, json_t *body, const char *status,
                               cm_err *err) {
  (void)status;
  return project_org_change(ctx, e, body, 1, err);
}
static cm_rc project_enrolled_fn(hub_ctx *ctx, const proto_entry *e, json_t *body,
                                 const char *status, cm_err *err) {
  (void)status;
  return project_enrolled(ctx, e, body, err);
}
static cm_rc project_revoked_fn(hub_ctx *ctx, const proto_entry *e, json_t *body,
                                const char *status, cm_err *err) {
  (void)status;
  return project_revoked(ctx, e, body, err);
}

/* roster.entry: the organisation's members and party members are its
 * roster's from now on (the entry passed the domain core's checks). */
static cm_rc project_roster(hub_ctx *ctx, const proto_entry *e, json_t *body, const char *status,
                            cm_err *err) {
  (void)status;
  const char *org = get_str(body, "org");
  if (!org) return project_skip(e, "roster.entry lacks org");
  return hub_store_roster_apply(ctx->store, e->author, org, e->seq, NULL, err);
}

/* What an entry changes of what the lookup cache copied: everything (an
 * enrolment), or only the organisation its body names (COPIED_ORG). */
enum { COPIED_ALL = 1, COPIED_ORG = 2 };

static const struct {
  const char *kind;
  project_fn fn;
  int copied;     /* COPIED_ALL, COPIED_ORG or 0 */
  int org_status; /* changes its author's organisations' status */
} project_kinds[] = {
    {"hub.enrolled", project_enrolled_fn, COPIED_ALL, 0},
    {"hub.revoked", project_revoked_fn, COPIED_ALL, 0},
    {"org.filed", project_filed, COPIED_ORG, 0}, /* its own row writes its status */
    {"org.amended", project_amended, COPIED_ORG, 1},
    {"org.dissolved", project_dissolved, COPIED_ORG, 1},
    {"activity.declared", project_activity, 0, 0},
    {"station.registered", project_typed, 0, 0},
    {"org.mapped", project_typed, 0, 0},
    {"roster.entry", project_roster, COPIED_ORG, 0},
};

/* 1 when review body (of who, first..last) is the acceptance of the batch
 * just accepted ahead: its records' statuses are written already (a review
 * of any other range, result or rejection computes them). */
static int ahead_review(const uint8_t who[PROTO_KEY_BYTES], uint64_t first, uint64_t last,
                        const json_t *body) {
  int hit = ahead.review && first == ahead.first && last == ahead.last &&
            memcmp(who, ahead.author, PROTO_KEY_BYTES) == 0;
  const char *result = json_string_value(json_object_get(body, "result"));
  hit = hit && result && strcmp(result, "accepted") == 0 &&
        json_array_size(json_object_get(body, "rejected_records")) == 0;
  ahead.review = 0;
  return hit;
}

/* A review or a revocation changes the status of the records and the
 * organisations of the community it is about (its "author", or "to"). */
static cm_rc project_status_change(hub_ctx *ctx, const proto_entry *e, const json_t *body,
                                   cm_err *err) {
  int review = strcmp(e->kind, "review.batch") == 0;
  if (!body || (!review && strcmp(e->kind, "decision.revoke") != 0)) return CM_OK;
  const char *hex = json_string_value(json_object_get(body, "author"));
  uint8_t who[PROTO_KEY_BYTES];
  int64_t first = 0, last = 0;
  cm_rc rc = CM_OK;
  if (!hex) hex = json_string_value(json_object_get(body, "to"));
  if (!hex && !review && memcmp(e->author, ctx->kp.pk, PROTO_KEY_BYTES) == 0)
    /* This hub's revocation of its own street-level organisation: no "to". */
    return hub_store_org_status_refresh(ctx->store, ctx->kp.pk, err);
  if (!hex || proto_key_from_hex(hex, who) != CM_OK) return CM_OK;
  int written = 0;
  if (review && cm_json_count(body, "first_seq", &first) &&
      cm_json_count(body, "last_seq", &last) && first <= last) {
    written = ahead_review(who, (uint64_t)first, (uint64_t)last, body);
    if (!written) rc = hub_store_status_range(ctx->store, who, (uint64_t)first, (uint64_t)last, err);
  }
  size_t filings = 0;
  if (!rc && review && first <= last) {
    refold_walk w = {ctx, who, 0};
    /* the counts the checks read may change; not for a batch accepted ahead,
     * whose statuses its projection wrote with these counts */
    if (!written) cache_clear();
    rc = hub_store_filing_ids(ctx->store, who, (uint64_t)first, (uint64_t)last, refold_id, &w, err);
    filings = w.n;
  }
  /* An organisation's status follows its filing versions' status and the
   * revocations: a review of a range without a filing version (a batch of
   * monthly reports, nearly every batch) changes none. */
  if (!rc && (!review || filings > 0)) rc = hub_store_org_status_refresh(ctx->store, who, err);
  return rc;
}

cm_rc hub_project_entry(hub_ctx *ctx, const proto_entry *e, uint64_t received_ms, cm_err *err) {
  json_t *body = NULL;
  cm_rc rc = CM_OK;
  int bound = 0;
  /* Most entries are monthly reports: they have a reader of their own. */
  if (strcmp(e->kind, "report.monthly") == 0) {
    rc = project_report(ctx, e, received_ms, err);
    /* no review of its author ends this far (the hint, or a batch accepted
     * ahead, which no review reached): none binds here */
    if (!rc && !hint_beyond(ctx, e) && !ahead_has(e)) rc = hub_store_status_bound(ctx->store, e->author, e->seq, &bound, err);
    if (!rc && bound) rc = hub_store_org_status_refresh(ctx->store, e->author, err);
    return rc;
  }
  /* Every other kind of the domain core's table passes its checks first; a
   * refused entry stays stored (status 'refused') and is projected nowhere. */
  const cm_rec_def *def = cm_rec_find(e->kind);
  if (def->kind != CM_REC_OTHER) {
    int refused = 0;
    rc = gate(ctx, e, def, received_ms, &refused, &body, err);
    if (rc || refused) return rc;
  }
  char status[HUB_STATUS_MAX];
  rc = entry_status(ctx, e, status, err);
  /* A review changes what the hint says (an enrolment, the author's role,
   * clears the whole cache below). */
  if (strcmp(e->kind, "review.batch") == 0) cache.hint = 0;
  if (rc) goto out;
  /* The body is parsed once (by the gate, or here), for review.c and for
   * the tables below. */
  if (!body && cm_json_parse_object(e->body, e->body_len, &body, NULL)) body = NULL;
  /* Versions, reviews, decisions and acknowledgements. */
  rc = hub_review_project(ctx, e, body, err);
  if (!rc) rc = project_status_change(ctx, e, body, err);
  /* no review ends at an entry beyond the hint's (as for a monthly report) */
  if (!rc && !hint_beyond(ctx, e) && !ahead_has(e))
    rc = hub_store_status_bound(ctx->store, e->author, e->seq, &bound, err);
  size_t i, n = sizeof project_kinds / sizeof project_kinds[0];
  for (i = 0; i < n; i++)
    if (strcmp(e->kind, project_kinds[i].kind) == 0) break;
  /* Kinds the projection does not show (rectifications, reviews, kinds of a
   * newer node) are kept in the log only. */
  if (!rc && i < n) {
    if (!body) {
      rc = project_skip(e, "bad JSON");
      goto out;
    }
    if (project_kinds[i].copied == COPIED_ALL) cache_clear();
    if (project_kinds[i].copied == COPIED_ORG)
      cache_forget_org(get_str(body, strcmp(e->kind, "roster.entry") == 0 ? "org" : "id"));
    rc = project_kinds[i].fn(ctx, e, body, status, err);
  }
  if (!rc) rc = hub_store_year_entry_put(ctx->store, e->author, e->seq, e->kind, err);
  if (!rc && (bound || (i < n && project_kinds[i].org_status))) {
    /* A filing, an amendment or a dissolution changes its own organisation's
     * status only; a review bound at this entry may change any of them. */
    const char *id = bound ? NULL : get_str(body, "id");
    rc = id ? hub_store_org_status_refresh_one(ctx->store, e->author, id, err)
            : hub_store_org_status_refresh(ctx->store, e->author, err);
  }
out:
  json_decref(body);
  return rc;
}

/* Rebuild callback: one stored entry. */
static cm_rc rebuild_one(void *vctx, const proto_entry *e, const uint8_t hash[PROTO_HASH_BYTES],
                         uint64_t received_ms, cm_err *err) {
  (void)hash;
  return hub_project_entry(vctx, e, received_ms, err);
}

cm_rc hub_rebuild(hub_ctx *ctx, cm_err *err) {
  cm_rc rc;
  /* Every statement of the one long transaction frees its statement journal,
   * and glibc gave that memory back to the kernel (brk) each time only to ask
   * for it again: two thirds of a rebuild's time was system time zeroing
   * those pages.  Keep up to 256 MB of freed memory instead. */
  hub_heap_keep(256u << 20);
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_rebuild_cache(ctx->store, 1, err);
  if (!rc) rc = hub_store_begin(ctx->store, err);
  if (!rc) {
    rc = hub_store_projection_clear(ctx->store, err);
    hub_project_cache(ctx);
    /* the reports' rows written a statement per table (hub_store_defer) */
    if (!rc) rc = hub_store_defer(ctx->store, 1, err);
    if (!rc) rc = hub_store_entries_foreach(ctx->store, rebuild_one, ctx, err);
    cm_rc off = hub_store_defer(ctx->store, 0, rc ? NULL : err);
    if (!rc) rc = off;
    hub_project_cache(NULL);
    if (!rc) CM_FAILPOINT("rebuild.before_commit");
    if (!rc)
      rc = hub_store_commit(ctx->store, err);
    else
      hub_store_rollback(ctx->store);
  }
  /* back to the usual cache, freeing the rebuild's pages */
  (void)hub_store_rebuild_cache(ctx->store, 0, NULL);
  pthread_mutex_unlock(&ctx->lock);
  return rc;
}
