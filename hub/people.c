/* people.c - rosters, pledges, feedback and funding at a hub (hub/people.h). */
#include "people.h"

#include <string.h>

#include "../common/clock.h"
#include "../common/personal.h"
#include "../common/records.h"
#include "lists.h"
#include "store.h"

static cm_rc nomem(cm_err *err) {
  return cm_errf(err, CM_ERR_NOMEM, "内存不足");
}

static const char *str(const json_t *o, const char *k) {
  const char *s = json_string_value(json_object_get(o, k));
  return s ? s : "";
}

/* The roster: counts at every level, names only where the box opens. */
static cm_rc roster(hub_ctx *hub, const uint8_t author[PROTO_KEY_BYTES], const char *org,
                    json_t *out, cm_err *err) {
  json_t *rows = NULL, *list = NULL, *r;
  hub_roster_counts n;
  size_t i;
  int street = hub->role == HUB_ROLE_STREET;
  cm_rc rc = hub_store_roster_counts(hub->store, author, org, &n, err);
  /* the names, for the street only (where the sealed boxes open) */
  if (!rc && street) rc = hub_store_roster_json(hub->store, author, org, &rows, err);
  if (!rc && street && !(list = json_array())) rc = nomem(err);
  json_array_foreach(rows, i, r) {
    if (rc) break;
    int current = json_integer_value(json_object_get(r, "current")) != 0;
    int is_party = json_integer_value(json_object_get(r, "party_member")) != 0;
    int is_leader = json_integer_value(json_object_get(r, "leader")) != 0;
    json_t *who = NULL;
    /* A box this hub cannot open (sealed to another street) shows no name. */
    if (cm_personal_open(json_object_get(r, "sealed"), "street", &hub->kp, &who, NULL) != CM_OK)
      who = json_object();
    json_t *row = json_pack(
        "{s:O,s:s,s:s,s:s,s:b,s:b,s:s,s:s,s:s,s:b}", "member", json_object_get(r, "member"), "name",
        str(who, "name"), "role", str(who, "role"), "home_community", str(who, "home_community"),
        "party_member", is_party, "leader", is_leader, "joined", str(r, "joined"), "left",
        str(r, "left"), "reason", str(r, "reason"), "current", current);
    json_decref(who);
    if (!row || json_array_append_new(list, row)) rc = nomem(err);
  }
  if (!rc) {
    json_t *c = json_pack("{s:b,s:I,s:I,s:I,s:I}", "roster", n.any, "members",
                          (json_int_t)n.members, "party_members", (json_int_t)n.party_members,
                          "leaders", (json_int_t)n.leaders, "left", (json_int_t)n.left);
    if (!c || json_object_set_new(out, "roster_counts", c)) rc = nomem(err);
  }
  if (!rc && street && json_object_set(out, "roster", list)) rc = nomem(err);
  json_decref(rows);
  json_decref(list);
  return rc;
}

static cm_rc pledge(hub_ctx *hub, const uint8_t author[PROTO_KEY_BYTES], const char *org,
                    json_t *out, cm_err *err) {
  json_t *rows = NULL, *p = json_null();
  cm_rc rc = hub_store_org_kind_json(hub->store, author, org, "pledge.set", &rows, err);
  size_t n = json_array_size(rows);
  if (!rc && n) {
    json_t *last = json_array_get(rows, n - 1), *b = json_object_get(last, "body");
    char when[26];
    cm_time_iso((uint64_t)json_integer_value(json_object_get(last, "time_ms")), when);
    json_decref(p);
    p = json_pack("{s:s,s:s,s:s}", "rules", str(b, "rules"), "pledge", str(b, "pledge"), "time",
                  when);
    if (!p) rc = nomem(err);
  }
  if (!rc && json_object_set(out, "pledge", p)) rc = nomem(err);
  json_decref(p);
  json_decref(rows);
  return rc;
}

static cm_rc feedback(hub_ctx *hub, const uint8_t author[PROTO_KEY_BYTES], const char *org,
                      const char *today, json_t *out, cm_err *err) {
  json_t *rows = NULL, *list = json_array(), *r;
  size_t i;
  int64_t days = 0;
  cm_rc rc = list ? hub_feedback_days_get(hub, 1, &days, NULL, err) : nomem(err);
  if (!rc) rc = hub_store_org_kind_json(hub->store, author, org, "feedback.recorded", &rows, err);
  /* Entries oldest first: a later one with the same id replaces the row.
   * Who made it stays at the community: no hub opens its box, not even the
   * street box of an older entry (common/personal.h). */
  json_array_foreach(rows, i, r) {
    if (rc) break;
    json_t *b = json_object_get(r, "body"), *row, *it;
    size_t k;
    row =
        json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b}", "id", str(b, "id"), "type", str(b, "type"),
                  "content", str(b, "content"), "received", str(b, "received"), "status",
                  str(b, "status"), "handled", str(b, "handled"), "result", str(b, "result"),
                  "overdue",
                  cm_rec_feedback_overdue(str(b, "received"), str(b, "status"), today, days));
    if (!row) {
      rc = nomem(err);
      break;
    }
    json_array_foreach(list, k, it) {
      if (strcmp(str(it, "id"), str(b, "id")) == 0) break;
    }
    if (k < json_array_size(list) ? json_array_set_new(list, k, row)
                                  : json_array_append_new(list, row))
      rc = nomem(err);
  }
  if (!rc && json_object_set(out, "feedback", list)) rc = nomem(err);
  json_decref(rows);
  json_decref(list);
  return rc;
}

static cm_rc funding(hub_ctx *hub, const uint8_t author[PROTO_KEY_BYTES], const char *org,
                     json_t *out, cm_err *err) {
  json_t *rows = NULL, *list = json_array(), *r;
  size_t i;
  cm_rc rc = list ? hub_store_org_kind_json(hub->store, author, org, "funding.received", &rows, err)
                  : nomem(err);
  json_array_foreach(rows, i, r) {
    json_t *b = json_object_get(r, "body");
    json_t *row = json_pack("{s:O,s:s,s:O,s:s,s:s}", "year", json_object_get(b, "year"), "source",
                            str(b, "source"), "amount", json_object_get(b, "amount"), "purpose",
                            str(b, "purpose"), "date", str(b, "date"));
    if (!rc && (!row || json_array_append_new(list, row))) rc = nomem(err);
  }
  if (!rc && json_object_set(out, "funding", list)) rc = nomem(err);
  json_decref(rows);
  json_decref(list);
  return rc;
}

cm_rc hub_people_org(hub_ctx *hub, const uint8_t author[PROTO_KEY_BYTES], const char *org,
                     const char *today, json_t *out, cm_err *err) {
  cm_rc rc = roster(hub, author, org, out, err);
  if (!rc) rc = pledge(hub, author, org, out, err);
  if (!rc) rc = feedback(hub, author, org, today, out, err);
  if (!rc) rc = funding(hub, author, org, out, err);
  return rc;
}

cm_rc hub_people_feedback_overdue(hub_ctx *hub, const char *today, json_t **out, cm_err *err) {
  json_t *rows = NULL, *list = json_array(), *r;
  size_t i;
  uint64_t t0 = 0, t1 = 0;
  int64_t days = 0;
  *out = NULL;
  cm_rc rc = list ? hub_feedback_days_get(hub, 1, &days, NULL, err) : nomem(err);
  if (!rc) rc = hub_store_feedback_open_json(hub->store, &rows, err);
  cm_date_parse(today, &t1);
  json_array_foreach(rows, i, r) {
    if (rc) break;
    if (!cm_rec_feedback_overdue(str(r, "received"), str(r, "status"), today, days)) continue;
    t0 = 0;
    cm_date_parse(str(r, "received"), &t0);
    json_t *row = json_deep_copy(r);
    if (!row) {
      rc = nomem(err);
      break;
    }
    json_object_set_new(row, "days", json_integer((json_int_t)((t1 - t0) / 86400000u)));
    if (json_array_append_new(list, row)) rc = nomem(err);
  }
  json_decref(rows);
  if (rc)
    json_decref(list);
  else
    *out = list;
  return rc;
}
