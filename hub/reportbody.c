/* reportbody.c - a monthly report's fields: a strict scanner for the compact
 * form nodes write, jansson for everything else (reportbody.h). */
#include "reportbody.h"

#include <stdlib.h>
#include <string.h>

#include "../common/clock.h"
#include "../common/json.h"

#define MAX_KEYS 64 /* more members than this: the scanner declines */

void hub_report_body_free(hub_report_body *r) {
  if (!r) return;
  free(r->org);
  free(r->month);
  r->org = r->month = NULL;
}

/* The rules of docs/records.md once org and month are known (NULL when absent
 * or not a non-empty string) and the counts were all well-typed. */
static void decide(hub_report_body *r, int counts_ok) {
  int idx;
  r->parsed = 1;
  r->valid = r->org && r->month && counts_ok && cm_month_parse(r->month, &idx) == CM_OK;
}

static cm_rc dup_into(char **dst, const char *s, size_t n) {
  char *c = malloc(n + 1);
  if (!c) return CM_ERR_NOMEM;
  memcpy(c, s, n);
  c[n] = '\0';
  *dst = c;
  return CM_OK;
}

/* ---- jansson: the reference ---- */

cm_rc hub_report_body_read_slow(const uint8_t *body, size_t len, hub_report_body *out) {
  json_t *j = NULL;
  cm_rc rc = CM_OK;
  memset(out, 0, sizeof *out);
  if (cm_json_parse_object(body, len, &j, NULL)) return CM_OK;
  const char *org = json_string_value(json_object_get(j, "org"));
  const char *month = json_string_value(json_object_get(j, "month"));
  if (org && *org) rc = dup_into(&out->org, org, strlen(org));
  if (!rc && month && *month) rc = dup_into(&out->month, month, strlen(month));
  if (rc) goto out;
  int counts_ok = cm_json_count(j, "activities", &out->activities) &
                  cm_json_count(j, "participants", &out->participants) &
                  cm_json_count(j, "party_participants", &out->party_participants);
  const json_t *gd = json_object_get(j, "good_deeds");
  out->good_deeds = gd && !json_is_null(gd) && !(json_is_string(gd) && json_string_length(gd) == 0);
  out->flagged = json_array_size(json_object_get(j, "flags")) > 0;
  decide(out, counts_ok);
out:
  json_decref(j);
  if (rc) hub_report_body_free(out);
  return rc;
}

/* ---- the strict scanner ---- */

typedef cm_json_scan scan;

typedef struct slice {
  const uint8_t *p;
  size_t n;
} slice;

enum vtype { V_STRING, V_INT, V_NULL, V_TRUE, V_FALSE, V_ARRAY };

typedef struct value {
  enum vtype t;
  slice s;       /* V_STRING */
  int64_t i;     /* V_INT */
  size_t n;      /* V_ARRAY: elements */
} value;

static int scan_string(scan *s, slice *out) {
  out->p = cm_json_scan_string(s, &out->n);
  return out->p != NULL;
}

static int scan_value(scan *s, value *v) {
  if (s->p >= s->end) return 0;
  switch (*s->p) {
  case '"':
    v->t = V_STRING;
    return scan_string(s, &v->s);
  case 'n':
    v->t = V_NULL;
    return cm_json_scan_word(s, "null");
  case 't':
    v->t = V_TRUE;
    return cm_json_scan_word(s, "true");
  case 'f':
    v->t = V_FALSE;
    return cm_json_scan_word(s, "false");
  case '[': {
    slice e;
    v->t = V_ARRAY;
    v->n = 0;
    s->p++;
    if (s->p < s->end && *s->p == ']') {
      s->p++;
      return 1;
    }
    for (;;) {
      if (!scan_string(s, &e)) return 0;
      v->n++;
      if (s->p >= s->end) return 0;
      if (*s->p == ']') {
        s->p++;
        return 1;
      }
      if (*s->p++ != ',') return 0;
    }
  }
  default:
    v->t = V_INT;
    return cm_json_scan_int(s, &v->i);
  }
}

static int key_is(const slice *k, const char *name) {
  return k->n == strlen(name) && memcmp(k->p, name, k->n) == 0;
}

/* 1 when the scanner read the body (out filled), 0 when it declines;
 * CM_ERR_NOMEM in *rc_out. */
static int read_fast(const uint8_t *body, size_t len, hub_report_body *out, cm_rc *rc_out) {
  scan s = {body, body + len};
  slice keys[MAX_KEYS];
  size_t n_keys = 0;
  slice org = {NULL, 0}, month = {NULL, 0};
  int counts_ok = 1;
  *rc_out = CM_OK;
  memset(out, 0, sizeof *out);
  if (!len || !cm_utf8_valid(body, len) || *s.p != '{') return 0;
  s.p++;
  if (s.p < s.end && *s.p == '}') {
    s.p++;
  } else {
    for (;;) {
      slice k;
      value v;
      memset(&v, 0, sizeof v);
      if (!scan_string(&s, &k) || s.p >= s.end || *s.p++ != ':' || !scan_value(&s, &v)) return 0;
      for (size_t i = 0; i < n_keys; i++)
        if (keys[i].n == k.n && memcmp(keys[i].p, k.p, k.n) == 0) return 0; /* duplicate */
      if (n_keys == MAX_KEYS) return 0;
      keys[n_keys++] = k;
      if (key_is(&k, "org")) {
        if (v.t == V_STRING) org = v.s;
      } else if (key_is(&k, "month")) {
        if (v.t == V_STRING) month = v.s;
      } else if (key_is(&k, "activities") || key_is(&k, "participants") ||
                 key_is(&k, "party_participants")) {
        int64_t *dst = k.p[0] == 'a' ? &out->activities
                       : k.n == strlen("participants") ? &out->participants
                                                      : &out->party_participants;
        if (v.t != V_INT || v.i < 0)
          counts_ok = 0;
        else
          *dst = v.i;
      } else if (key_is(&k, "good_deeds")) {
        out->good_deeds = v.t != V_NULL && !(v.t == V_STRING && v.s.n == 0);
      } else if (key_is(&k, "flags")) {
        out->flagged = v.t == V_ARRAY && v.n > 0;
      }
      if (s.p >= s.end) return 0;
      if (*s.p == '}') {
        s.p++;
        break;
      }
      if (*s.p++ != ',') return 0;
    }
  }
  if (s.p != s.end) return 0;
  if (org.n && dup_into(&out->org, (const char *)org.p, org.n) != CM_OK) *rc_out = CM_ERR_NOMEM;
  if (!*rc_out && month.n && dup_into(&out->month, (const char *)month.p, month.n) != CM_OK)
    *rc_out = CM_ERR_NOMEM;
  if (*rc_out) {
    hub_report_body_free(out);
    return 1;
  }
  decide(out, counts_ok);
  out->fast = 1;
  return 1;
}

cm_rc hub_report_body_read(const uint8_t *body, size_t len, hub_report_body *out) {
  cm_rc rc = CM_OK;
  if (read_fast(body, len, out, &rc)) return rc;
  return hub_report_body_read_slow(body, len, out);
}
