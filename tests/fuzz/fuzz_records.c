/* fuzz_records.c - libFuzzer target for the domain core's body readers
 * (common/records.c): the input is a kind name, a newline, then the body.
 * Whatever the body, a body the reader accepts must be inside every bound
 * docs/records.md states, and the authority check must give an answer for it
 * at each level.  Kinds are found by name, so a kind added to the table is
 * fuzzed as soon as the corpus names it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/lists.h"
#include "common/records.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void text_ok(const char *s, size_t max) {
  if (!s) abort();
  if (strlen(s) > max) abort();
}

static void check_body(const cm_rec_body *b) {
  switch (b->kind) {
  case CM_REC_ORG_FILED:
  case CM_REC_ORG_AMENDED: {
    const cm_rec_org *o = &b->u.org;
    text_ok(o->id, CM_REC_SHORT_MAX);
    if (b->kind == CM_REC_ORG_FILED || (o->given & CM_REC_F_MEMBERS)) {
      if (o->members < 0 || o->members > CM_REC_MEMBERS_MAX) abort();
    }
    if (b->kind == CM_REC_ORG_FILED || (o->given & CM_REC_F_PARTY)) {
      if (o->party_members < 0 || o->party_members > CM_REC_MEMBERS_MAX) abort();
    }
    if (b->kind == CM_REC_ORG_FILED) {
      if (o->party_members > o->members) abort();
      text_ok(o->name, CM_REC_SHORT_MAX);
      text_ok(o->leader, CM_REC_SHORT_MAX);
      text_ok(o->phone, CM_REC_SHORT_MAX);
      text_ok(o->filed, 10);
    }
    break;
  }
  case CM_REC_STATION: {
    const cm_rec_station *t = &b->u.station;
    if (t->party_members < 1 || t->party_members > CM_REC_MEMBERS_MAX) abort();
    text_ok(t->name, CM_REC_SHORT_MAX);
    text_ok(t->committee, CM_REC_SHORT_MAX);
    text_ok(t->date, 10);
    if (*t->branch_date && !*t->branch) abort();
    break;
  }
  case CM_REC_LIST:
    if (json_array_size(b->u.list.items) < 1 || json_array_size(b->u.list.items) > CM_LIST_ITEMS_MAX)
      abort();
    if (cm_list_kind_of(b->u.list.list) < 0) abort();
    break;
  case CM_REC_MAPPED:
    if (strlen(b->u.mapped.to) != 64) abort();
    if (!*b->u.mapped.category && !*b->u.mapped.industry && !*b->u.mapped.unit) abort();
    break;
  case CM_REC_ORG_DISSOLVED:
    text_ok(b->u.dissolve.id, CM_REC_SHORT_MAX);
    text_ok(b->u.dissolve.reason, CM_REC_TEXT_MAX);
    break;
  case CM_REC_REPORT: {
    const cm_rec_report *r = &b->u.report;
    if (r->activities < 0 || r->activities > CM_REC_ACTIVITIES_MAX) abort();
    if (r->participants < 0 || r->participants > CM_REC_PARTICIPANTS_MAX) abort();
    if (r->party_participants < 0 || r->party_participants > r->participants) abort();
    text_ok(r->month, 7);
    text_ok(r->content, CM_REC_TEXT_MAX);
    break;
  }
  case CM_REC_ACTIVITY: {
    const cm_rec_activity *a = &b->u.activity;
    if (a->expected < 0 || a->expected > CM_REC_EXPECTED_MAX) abort();
    text_ok(a->date, 10);
    text_ok(a->title, CM_REC_SHORT_MAX);
    break;
  }
  case CM_REC_RECTIFICATION:
    text_ok(b->u.rect.content, CM_REC_TEXT_MAX);
    break;
  case CM_REC_NOMINATION: {
    const cm_rec_nomination *m = &b->u.nomination;
    text_ok(m->round, CM_REC_ROUND_MAX - 1);
    if (cm_rec_round_id(m->round, NULL) != CM_OK) abort();
    text_ok(m->person, CM_REC_SHORT_MAX);
    text_ok(m->deeds, CM_REC_TEXT_MAX);
    if (!m->deeds[0]) abort();
    break;
  }
  case CM_REC_RECOMMEND:
    text_ok(b->u.recommend.nomination, 96);
    text_ok(b->u.recommend.opinion, CM_REC_TEXT_MAX);
    if (!b->u.recommend.opinion[0]) abort();
    break;
  case CM_REC_UNIT_PLAN:
  case CM_REC_UNIT_SUMMARY:
    if (b->u.plan.org[0] || b->u.plan.year < 2000 || b->u.plan.count < 0 ||
        b->u.plan.count > CM_REC_YEAR_ACTIVITIES_MAX)
      abort();
    text_ok(b->u.plan.text1, CM_REC_TEXT_MAX);
    break;
  case CM_REC_TRAINING: {
    size_t n = json_array_size(b->u.training.orgs);
    if (n < 1 || n > CM_REC_TRAINING_ORGS_MAX) abort();
    text_ok(b->u.training.date, 10);
    text_ok(b->u.training.topic, CM_REC_SHORT_MAX);
    text_ok(b->u.training.organiser, CM_REC_SHORT_MAX);
    break;
  }
  case CM_REC_NOTICE:
  case CM_REC_NOTICE_SENT:
    text_ok(b->u.notice.title, CM_REC_SHORT_MAX);
    text_ok(b->u.notice.text, CM_REC_TEXT_MAX);
    if (strcmp(b->u.notice.scope, "district") != 0 && strcmp(b->u.notice.scope, "street") != 0)
      abort();
    break;
  case CM_REC_NOTICE_READ:
    if (strlen(b->u.notice.notice) < 66) abort(); /* a record id */
    break;
  case CM_REC_ROSTER: {
    const cm_rec_roster *r = &b->u.roster;
    if (r->member < 1 || r->member > CM_REC_MEMBERS_MAX) abort();
    text_ok(r->joined, 10);
    text_ok(r->left, 10);
    if (*r->left && strcmp(r->left, r->joined) < 0) abort();
    if (r->leader && !*r->reason) abort(); /* a leader carries the reason */
    if (!r->sealed) abort();
    break;
  }
  case CM_REC_PLEDGE:
    text_ok(b->u.pledge.pledge, CM_REC_TEXT_MAX);
    if (!*b->u.pledge.pledge) abort();
    break;
  case CM_REC_FEEDBACK: {
    const cm_rec_feedback *f = &b->u.feedback;
    text_ok(f->content, CM_REC_TEXT_MAX);
    text_ok(f->received, 10);
    if (strcmp(f->status, "received") != 0 && (!*f->handled || !*f->result)) abort();
    if (*f->handled && strcmp(f->handled, f->received) < 0) abort();
    break;
  }
  case CM_REC_FUNDING:
    if (b->u.funding.amount < 1 || b->u.funding.amount > CM_REC_FEN_MAX) abort();
    if (b->u.funding.year < 2000) abort();
    text_ok(b->u.funding.source, CM_REC_SHORT_MAX);
    break;
  case CM_REC_DUE: {
    char dflt[11], first[11], last[11];
    const cm_rec_due *d = &b->u.due;
    if (d->year < 2000 || d->year > 9998) abort();
    if (!cm_rec_due_window(d->what, d->year, dflt, first, last)) abort();
    text_ok(d->date, 10);
    if (strcmp(d->date, first) < 0 || strcmp(d->date, last) > 0) abort();
    break;
  }
  case CM_REC_LIMITS:
    if (b->u.limits.file_mb < 1 || b->u.limits.file_mb > CM_ATT_FILE_MB_MAX) abort();
    if (b->u.limits.org_year_mb < b->u.limits.file_mb ||
        b->u.limits.org_year_mb > CM_REC_YEAR_MB_MAX)
      abort();
    break;
  case CM_REC_FEEDBACK_DUE:
    if (b->u.feedback_due.days < 1 || b->u.feedback_due.days > CM_REC_FEEDBACK_DAYS_MAX) abort();
    break;
  default:
    break;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const uint8_t *nl = memchr(data, '\n', size < 64 ? size : 64);
  if (!nl) return 0;
  char name[64];
  size_t n = (size_t)(nl - data);
  memcpy(name, data, n);
  name[n] = '\0';
  const cm_rec_def *def = cm_rec_find(name);
  const uint8_t *body = nl + 1;
  size_t len = size - n - 1;

  cm_rec_body b;
  json_t *json = NULL;
  cm_err err = {0};
  cm_rc rc = cm_rec_read(def, body, len, &b, &json, &err);
  if (rc == CM_OK && def->kind != CM_REC_OTHER && def->kind != CM_REC_HUB_ONLY) {
    if (def->body_max && len > def->body_max) abort();
    check_body(&b);
    static const cm_rec_level levels[] = {CM_REC_COMMUNITY, CM_REC_STREET, CM_REC_DISTRICT};
    for (size_t i = 0; i < 3; i++) {
      cm_rec_ctx ctx;
      memset(&ctx, 0, sizeof ctx);
      ctx.writer = levels[i];
      snprintf(ctx.prefix, sizeof ctx.prefix, "%s", "120105001001");
      memcpy(ctx.today, "2026-11-20", 11);
      memcpy(ctx.latest, "2026-11-20", 11);
      ctx.org_known = (int)(len & 1);
      memcpy(ctx.org_filed, "2025-11-03", 11);
      ctx.org_members = 30;
      ctx.org_party = 3;
      ctx.decision_to_author = (int)(len % 3) - 1;
      ctx.round_known = (int)((len >> 1) & 1);
      ctx.round_year = 2026;
      memcpy(ctx.round_closes, "2026-12-31", 11);
      /* a round closed early half the time, before or after the entry's time */
      ctx.time_ms = 1795000000000;
      if ((len >> 3) & 1) {
        ctx.round_closed_ms = ctx.time_ms + (((len >> 4) & 1) ? 1 : -1);
        memcpy(ctx.round_closed, "2026-11-19", 11);
      }
      ctx.nomination_of_author = (int)((len >> 2) % 3) - 1;
      ctx.notice_not_to_author = (int)((len >> 1) & 1);
      cm_err e2 = {0};
      cm_rc c = cm_rec_check(def, &b, &ctx, &e2);
      if (c != CM_OK && c != CM_ERR_PERM && c != CM_ERR_INVALID) abort();
      if (c != CM_OK && e2.msg[0] == '\0') abort(); /* a refusal always says why */
    }
  } else if (rc != CM_OK && def->kind != CM_REC_OTHER && err.msg[0] == '\0') {
    abort();
  }
  json_decref(json);
  return 0;
}
