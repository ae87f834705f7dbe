/* warnings.c - reviewer warnings (see warnings.h). */
#include "warnings.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"

#define FOLD_MAX 800 /* bytes of a folded name; names are at most CM_REC_SHORT_MAX */

static int space_at(const char *s, size_t *len_out) {
  if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
    *len_out = 1;
    return 1;
  }
  if ((unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x80) {
    *len_out = 3; /* U+3000 ideographic space */
    return 1;
  }
  return 0;
}

int cm_warn_blank(const char *s) {
  size_t n = 0;
  if (!s) return 1;
  while (*s) {
    if (!space_at(s, &n)) return 0;
    s += n;
  }
  return 1;
}

void cm_warn_fold_name(const char *name, char *out, size_t cap) {
  size_t o = 0, n = 0;
  if (!cap) return;
  for (const char *s = name ? name : ""; *s && o + 1 < cap;) {
    if (space_at(s, &n)) {
      s += n;
      continue;
    }
    out[o++] = *s++;
  }
  /* never end inside a character: drop a cut multi-byte tail */
  while (o > 0 && ((unsigned char)out[o - 1] & 0xC0) == 0x80) {
    size_t start = o - 1;
    while (start > 0 && ((unsigned char)out[start] & 0xC0) == 0x80) start--;
    unsigned char lead = (unsigned char)out[start];
    size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (o - start == want) break;
    o = start;
  }
  out[o] = '\0';
  cm_i18n_simplify(out);
}

char *cm_warn_fold_dup(const char *name) {
  char buf[FOLD_MAX];
  cm_warn_fold_name(name, buf, sizeof buf);
  size_t n = strlen(buf) + 1;
  char *out = malloc(n);
  if (out) memcpy(out, buf, n);
  return out;
}

int cm_warn_phone_ok(const char *phone) {
  char d[32];
  size_t n = 0;
  const char *s = phone ? phone : "";
  if (*s == '+') s++;
  for (; *s; s++) {
    if (*s == ' ' || *s == '-' || *s == '(' || *s == ')') continue;
    if (*s < '0' || *s > '9' || n + 1 >= sizeof d) return 0;
    d[n++] = *s;
  }
  d[n] = '\0';
  const char *p = d;
  if (n == 13 && !strncmp(d, "86", 2) && d[2] == '1') {
    p += 2;
    n -= 2;
  }
  if (n == 11 && p[0] == '1' && p[1] >= '3' && p[1] <= '9') return 1; /* mobile */
  if (n >= 10 && n <= 12 && p[0] == '0' && p[1] != '0') return 1;     /* area code + number */
  if ((n == 7 || n == 8) && p[0] != '0' && p[0] != '1') return 1;     /* local number */
  if (n == 10 && (!strncmp(p, "400", 3) || !strncmp(p, "800", 3))) return 1;
  return 0;
}

static int add(json_t *arr, const char *code, const char *field) {
  return json_array_append_new(arr, json_pack("{s:s,s:s}", "code", code, "field", field));
}

/* "blank" for each of fields: required ones absent or blank, optional ones
 * given but blank. */
static int blanks(json_t *arr, const json_t *b, const char *const *req, const char *const *opt) {
  int bad = 0;
  for (; req && *req; req++) {
    const json_t *v = json_object_get(b, *req);
    if (v && json_is_string(v) && cm_warn_blank(json_string_value(v))) bad |= add(arr, "blank", *req);
  }
  for (; opt && *opt; opt++) {
    const json_t *v = json_object_get(b, *opt);
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;
    if (s && *s && cm_warn_blank(s)) bad |= add(arr, "blank", *opt);
  }
  return bad;
}

static int duplicate(json_t *arr, const char *id, const char *name, const cm_warn_names *names) {
  char a[FOLD_MAX], b[FOLD_MAX];
  if (!names || !name || cm_warn_blank(name)) return 0;
  cm_warn_fold_name(name, a, sizeof a);
  for (size_t i = 0; i < names->n; i++) {
    if (!names->names || !names->names[i]) continue;
    if (id && names->ids && names->ids[i] && !strcmp(id, names->ids[i])) continue;
    const char *other = names->names[i];
    if (!names->folded) {
      cm_warn_fold_name(other, b, sizeof b);
      other = b;
    }
    if (!strcmp(a, other)) return add(arr, "duplicate", "name");
  }
  return 0;
}

json_t *cm_warn_body(const char *kind, const json_t *body, const cm_warn_names *names) {
  static const char *const org_req[] = {"name", "category", "leader", "phone", NULL};
  static const char *const org_opt[] = {"scope", "venue", NULL};
  static const char *const rep_req[] = {"content", NULL};
  static const char *const rep_opt[] = {"scope", "good_deeds", NULL};
  static const char *const act_req[] = {"title", "place", NULL};
  static const char *const act_opt[] = {"description", NULL};
  static const char *const text_req[] = {"content", "reason", NULL};
  json_t *arr = json_array();
  int bad = !arr;
  if (bad || !kind || !json_is_object(body)) return arr;
  if (!strcmp(kind, "org.filed") || !strcmp(kind, "org.amended")) {
    const json_t *o = !strcmp(kind, "org.amended") ? json_object_get(body, "changes") : body;
    const char *id = json_string_value(json_object_get(body, "id"));
    const json_t *ph = json_object_get(o, "phone");
    bad |= blanks(arr, o, org_req, org_opt);
    if (json_is_string(ph) && !cm_warn_blank(json_string_value(ph)) &&
        !cm_warn_phone_ok(json_string_value(ph)))
      bad |= add(arr, "phone", "phone");
    bad |= duplicate(arr, id, json_string_value(json_object_get(o, "name")), names);
  } else if (!strcmp(kind, "report.monthly")) {
    json_int_t acts = json_integer_value(json_object_get(body, "activities"));
    json_int_t parts = json_integer_value(json_object_get(body, "participants"));
    bad |= blanks(arr, body, rep_req, rep_opt);
    if ((acts == 0 && parts > 0) || (acts > 0 && parts < acts) ||
        (acts > 0 && parts / acts > CM_WARN_PER_ACTIVITY_MAX))
      bad |= add(arr, "ratio", "participants");
  } else if (!strcmp(kind, "activity.declared")) {
    bad |= blanks(arr, body, act_req, act_opt);
  } else if (!strcmp(kind, "rectification.filed") || !strcmp(kind, "org.dissolved")) {
    bad |= blanks(arr, body, text_req, NULL);
  }
  if (bad) {
    json_decref(arr);
    return NULL;
  }
  return arr;
}
