/* dashboard.c - the dashboard's figures (dashboard.h).  Each answer loads the
 * few projection tables it needs into arrays (a district holds a few thousand
 * organisations), then counts in C: one pass over a year of reports is much
 * cheaper than one SQL aggregate per street, community and month. */
#include "dashboard.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/clock.h"
#include "../common/i18n.h"
#include "../common/json.h"
#include "../common/lists.h"
#include "../common/log.h"
#include "../common/records.h"
#include "answers.h"
#include "counting.h"
#include "lists.h"
#include "people.h"
#include "store.h"
#include "table.h"
#include "year.h"

#define ID_MAX 64
#define CAT_MAX 128
#define DAY_MS (24ull * 3600 * 1000)

typedef struct unit {
  char key[PROTO_KEY_HEX];
  char name[HUB_NAME_MAX];
  char code[32];
  char street[HUB_NAME_MAX];
  char replaced_by[PROTO_KEY_HEX]; /* "" or the key that replaced this one */
  int hidden; /* replaced: its organisations show under its community's newest key */
} unit;

typedef struct org {
  char author[PROTO_KEY_HEX];
  char id[ID_MAX];
  char name[HUB_NAME_MAX];
  char category[CAT_MAX];
  char founded_by[24];
  char filed[16];  /* the filing date as the projection wrote it */
  int filed_month; /* month index, 0 when unknown */
  int64_t members, party_members;
  /* station: a registration (station.registered) was accepted; the yes/no
   * box of a filing no longer clears the flag */
  int station, flag_name, dissolved;
  /* hub_count_org_active and hub_count_org_reports of it, judged at load:
   * the walks ask them of 250,000 organisations again and again */
  int active, reports_count;
  /* codes from the district's lists (CM_LIST_CATEGORY...) and the names the
   * figures group by: the list's name of the code; for the category without
   * a code the typed text, trimmed; empty ones under one named row */
  char codes[CM_LIST_KINDS][CM_LIST_CODE_MAX + 1];
  char groups[CM_LIST_KINDS][CAT_MAX];
  char status[HUB_STATUS_MAX]; /* organisations.status, as the projection wrote it */
  const char *community;       /* into a unit, or "" */
  long ui;                     /* index of that unit in data.units, -1 for none */
  const char *code;
  const char *street;
} org;

typedef struct unit_ix {
  const char *key;
  size_t i; /* into data.units */
} unit_ix;

/* By key, then by place in data.units. */
static int unit_ix_cmp(const void *a, const void *b) {
  const unit_ix *x = a, *y = b;
  int c = strcmp(x->key, y->key);
  return c ? c : (x->i > y->i) - (x->i < y->i);
}

typedef struct data {
  hub_ctx *hub;
  const hub_dash_scope *scope;
  const char *category;
  unit *units;
  size_t n_units, cap_units;
  struct unit_ix *by_key; /* units in order of key, for unit_find */
  char (*streets)[2][HUB_NAME_MAX]; /* {key hex, name} of street hubs */
  size_t n_streets, cap_streets;
  org *orgs; /* sorted by id (the query's order) */
  size_t n_orgs, cap_orgs;
  json_t *lists; /* the district's lists this hub holds (hub_lists_all) */
  /* their {code, name} items per list, in the list's order (group_of): read
   * once, not out of the JSON for each organisation */
  cm_list_index items[CM_LIST_KINDS];
  json_t *aux;   /* what the cache keeps beside an answer (attention: its units) */
  /* per organisation (as orgs): the newest month index with activities > 0,
   * 0 when none; the organisations may be shared with other computations */
  int *active;
  struct reps *reps;        /* the monthly reports kept (reps_get), or NULL */
  struct base *base;        /* units, by_key, streets and orgs are its, not this one's */
  struct dash_cache *cache; /* the cache base is kept by */
  /* A page's computation (win): of each long table it builds, only the
   * rows of that page, [win_first, win_first + win_per), and those of the
   * first page (a table no longer than a page comes whole on every page);
   * cut: {table: its rows in all} (page_cut's), for those tables. */
  int win;
  size_t win_first, win_per;
  json_t *cut;
} data;

/* What load_base read of the streets, communities and organisations, kept
 * by the cache (dash_cache.base) for the next computation while nothing it
 * depends on changes: the base generation (hub_store_base_gen), the scope
 * and the district's lists the organisations were grouped by.  A city's
 * 250,000 organisations took half a second to load each time.  Never
 * changed once kept; refs under dash_cache.mu. */
typedef struct base {
  int refs;
  uint64_t serial; /* which one, of those this process loaded (reps.serial) */
  int64_t gen;
  hub_dash_scope scope;
  char *lists; /* their JSON text */
  unit *units;
  size_t n_units;
  struct unit_ix *by_key;
  char (*streets)[2][HUB_NAME_MAX];
  size_t n_streets;
  org *orgs;
  size_t n_orgs;
} base;

/* ---- small helpers ---- */

static cm_rc nomem(cm_err *err) {
  return cm_errf(err, CM_ERR_NOMEM, "内存不足");
}

/* Grow *arr (of elem bytes) to hold one more; CM_ERR_NOMEM. */
static cm_rc grow(void **arr, size_t *cap, size_t n, size_t elem, cm_err *err) {
  if (n < *cap) return CM_OK;
  size_t nc = *cap ? *cap * 2 : 64;
  void *p = realloc(*arr, nc * elem);
  if (!p) return nomem(err);
  *arr = p;
  *cap = nc;
  return CM_OK;
}

/* s, or "" for NULL. */
static const char *nz(const char *s) {
  return s ? s : "";
}

/* s (NULL: "") into out of cap bytes, cut to fit: without printf, a few
 * dozen times per organisation. */
static void copy(char *out, size_t cap, const char *s) {
  size_t n = s ? strlen(s) : 0;
  if (!cap) return;
  if (n >= cap) n = cap - 1;
  if (n) memcpy(out, s, n);
  out[n] = '\0';
}

static int month_idx(const char *s) {
  int m = 0;
  if (!s || strlen(s) < 7) return 0;
  char buf[8];
  memcpy(buf, s, 7);
  buf[7] = '\0';
  return cm_month_parse(buf, &m) == CM_OK ? m : 0;
}

/* Set key to a new integer; a failed allocation leaves the key out, which
 * json_dumps then never shows: the caller checks the object as a whole. */
static void set_int(json_t *o, const char *k, int64_t v) {
  json_object_set_new(o, k, json_integer(v));
}

static void set_str(json_t *o, const char *k, const char *v) {
  json_t *s = json_string(v ? v : "");
  json_object_set_new(o, k, s ? s : json_string(""));
}

static cm_rc push(json_t *arr, json_t *o, cm_err *err) {
  if (!o || json_array_append_new(arr, o)) return nomem(err);
  return CM_OK;
}

/* Whether row n (from 0) of a long table is built (data.win). */
static int row_built(const data *d, size_t n) {
  return !d->win || n < d->win_per || (n >= d->win_first && n - d->win_first < d->win_per);
}

/* Table name, of n rows in all, of which arr holds those row_built said:
 * set into out, as the page's rows when it is longer than a page. */
static cm_rc rows_done(data *d, json_t *out, const char *name, json_t *arr, size_t n, cm_err *err) {
  json_t *rows = arr;
  json_incref(arr);
  if (d->win && n > d->win_per && d->win_first > 0) { /* the first page's rows off */
    rows = json_array();
    for (size_t i = d->win_per; rows && i < json_array_size(arr); i++)
      if (json_array_append(rows, json_array_get(arr, i))) {
        json_decref(rows);
        rows = NULL;
      }
    json_decref(arr);
  }
  if (!rows || json_object_set_new(out, name, rows)) return nomem(err);
  if (d->win && json_object_set_new(d->cut, name, json_integer((json_int_t)n))) return nomem(err);
  return CM_OK;
}

static int in_scope(const data *d, const char *street) {
  return !d->scope->street[0] || strcmp(d->scope->street, street) == 0;
}

static int category_ok(const data *d, const org *o) {
  return !d->category || !d->category[0] || strcmp(d->category, o->category) == 0 ||
         (o->codes[CM_LIST_CATEGORY][0] && strcmp(d->category, o->codes[CM_LIST_CATEGORY]) == 0);
}

/* The row an organisation's category, industry or unit groups under: the
 * list's name of its code, else (the category only) its typed text without
 * surrounding spaces, else "未填写" / "未对应" - one named row, never an empty
 * one.  A code the list does not hold shows as the code. */
static void group_of(const data *d, org *o, cm_list_kind k, const char *typed) {
  const char *code = o->codes[k];
  const char *name = cm_list_index_name(&d->items[k], code);
  char *g = o->groups[k];
  if (name) {
    copy(g, CAT_MAX, name);
  } else if (*code) {
    copy(g, CAT_MAX, code);
  } else if (typed) {
    while (*typed == ' ' || *typed == '\t') typed++;
    copy(g, CAT_MAX, typed);
    size_t n = strlen(g);
    while (n && (g[n - 1] == ' ' || g[n - 1] == '\t')) g[--n] = '\0';
  } else {
    g[0] = '\0';
  }
  if (!g[0]) copy(g, CAT_MAX, k == CM_LIST_CATEGORY ? "未填写" : "未对应");
}

/* The index of the community an organisation shows under (a unit that no
 * key replaced), or n_units when none. */
static size_t org_unit(const data *d, const org *o) {
  return o->ui >= 0 && !d->units[o->ui].hidden ? (size_t)o->ui : d->n_units;
}

/* An organisation that counts in the figures (hub/counting.h). */
static int org_active(const org *o) {
  return o->active;
}

/* The unit of key itself (the last loaded when a key shows twice), or NULL:
 * a binary search, a city holds thousands of communities. */
static const unit *unit_find(const data *d, const char *key) {
  size_t lo = 0, hi = d->n_units;
  const unit *found = NULL;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(d->by_key[mid].key, key);
    if (c <= 0) {
      if (c == 0) found = &d->units[d->by_key[mid].i];
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return found;
}

/* The community code of key (a unit's), or "" when it is no community's. */
static const char *unit_code(const data *d, const char *key) {
  const unit *u = unit_find(d, key);
  return u ? u->code : "";
}
static const unit *unit_of(const data *d, const char *key);

/* The organisation with filing number id of author, or NULL.  An
 * organisation another key of the same community filed (a replacement key
 * reports on what the lost PC filed: docs/decisions/0049-replacement-key.md)
 * when author filed none with that number. */
static org *org_find(data *d, const char *author, const char *id) {
  size_t lo = 0, hi = d->n_orgs;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(d->orgs[mid].id, id);
    if (c == 0) {
      /* Filing numbers carry the community code, so a clash between authors
       * means a misconfigured node: look around for the right author. */
      size_t i = mid;
      while (i > 0 && strcmp(d->orgs[i - 1].id, id) == 0)
        i--;
      size_t first = i;
      for (; i < d->n_orgs && strcmp(d->orgs[i].id, id) == 0; i++)
        if (!author || strcmp(d->orgs[i].author, author) == 0) return &d->orgs[i];
      const char *code = author ? unit_code(d, author) : "";
      for (i = first; *code && i < d->n_orgs && strcmp(d->orgs[i].id, id) == 0; i++)
        if (strcmp(unit_code(d, d->orgs[i].author), code) == 0) return &d->orgs[i];
      return NULL;
    }
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

/* ---- loading ---- */

static cm_rc load_street(void *ctx, const hub_dash_row *r, cm_err *err) {
  data *d = ctx;
  cm_rc rc = grow((void **)&d->streets, &d->cap_streets, d->n_streets, sizeof d->streets[0], err);
  if (rc) return rc;
  copy(d->streets[d->n_streets][0], HUB_NAME_MAX, r->street.key);
  copy(d->streets[d->n_streets][1], HUB_NAME_MAX, r->street.name);
  d->n_streets++;
  return CM_OK;
}

static cm_rc load_unit(void *ctx, const hub_dash_row *r, cm_err *err) {
  data *d = ctx;
  cm_rc rc = grow((void **)&d->units, &d->cap_units, d->n_units, sizeof d->units[0], err);
  if (rc) return rc;
  unit *u = &d->units[d->n_units++];
  copy(u->key, sizeof u->key, r->unit.key);
  copy(u->name, sizeof u->name, r->unit.name);
  copy(u->code, sizeof u->code, r->unit.code);
  copy(u->street, sizeof u->street, r->unit.street_name);
  copy(u->replaced_by, sizeof u->replaced_by, r->unit.replaced_by);
  u->hidden = u->replaced_by[0] != '\0';
  return CM_OK;
}

/* The unit of a community key: itself, or for a key that a lost PC's
 * replacement took over, the newest key's (docs/decisions/0049). */
static const unit *unit_of(const data *d, const char *key) {
  const unit *u = NULL;
  for (int hops = 0; hops < 16; hops++) {
    const unit *next = unit_find(d, key);
    if (!next) return u;
    u = next;
    if (!u->hidden) return u;
    key = u->replaced_by;
  }
  return u;
}

/* Where an author's records belong: its community, or (an organisation filed
 * by a street hub itself) that street at street level. */
static void place(data *d, org *o) {
  const unit *u = unit_of(d, o->author);
  if (u) {
    o->community = u->name;
    o->code = u->code;
    o->street = u->street;
    o->ui = (long)(u - d->units);
    return;
  }
  o->ui = -1;
  o->community = "";
  o->code = "";
  o->street = d->hub->name; /* a street hub's own organisations */
  for (size_t i = 0; i < d->n_streets; i++)
    if (strcmp(d->streets[i][0], o->author) == 0) o->street = d->streets[i][1];
}

static cm_rc load_org(void *ctx, const hub_dash_row *row, cm_err *err) {
  data *d = ctx;
  const hub_dash_org_row *r = &row->org;
  cm_rc rc = grow((void **)&d->orgs, &d->cap_orgs, d->n_orgs, sizeof d->orgs[0], err);
  if (rc) return rc;
  org *o = &d->orgs[d->n_orgs];
  memset(o, 0, sizeof *o);
  copy(o->author, sizeof o->author, r->author);
  copy(o->id, sizeof o->id, r->id);
  copy(o->name, sizeof o->name, r->name);
  copy(o->category, sizeof o->category, r->category);
  copy(o->founded_by, sizeof o->founded_by, r->founded_by[0] ? r->founded_by : "self");
  copy(o->filed, sizeof o->filed, r->filed);
  o->filed_month = month_idx(r->filed);
  o->members = r->members;
  o->party_members = r->party_members;
  o->station = r->station_accepted;
  o->flag_name = strstr(r->flags, "\"name_norm\"") != NULL;
  for (int k = 0; k < CM_LIST_KINDS; k++) {
    copy(o->codes[k], sizeof o->codes[k], r->codes[k]);
    group_of(d, o, (cm_list_kind)k, k == CM_LIST_CATEGORY ? r->category : NULL);
  }
  copy(o->category, sizeof o->category, o->groups[CM_LIST_CATEGORY]);
  o->dissolved = r->dissolved;
  place(d, o);
  /* The one status the projection wrote (organisations.status). */
  copy(o->status, sizeof o->status, r->status);
  o->active = hub_count_org_active(o->status, o->dissolved);
  o->reports_count = hub_count_org_reports(o->status);
  /* Out of scope: not kept, so that nothing below can count it. */
  if (in_scope(d, o->street) &&
      (!d->scope->unit[0] || strcmp(d->scope->unit, o->codes[CM_LIST_UNIT]) == 0))
    d->n_orgs++;
  return CM_OK;
}

/* Streets, communities and organisations: every answer needs them (the
 * page of one organisation, org_id, only the organisations of its number). */
static cm_rc load_base(data *d, const char *org_id, cm_err *err) {
  hub_store *st = d->hub->store;
  cm_rc rc = CM_OK;
  for (int k = 0; !rc && k < CM_LIST_KINDS; k++)
    rc = cm_list_index_make(json_object_get(d->lists, cm_list_key((cm_list_kind)k)), &d->items[k],
                            err);
  if (d->hub->role == HUB_ROLE_DISTRICT)
    rc = hub_store_dash_rows(st, HUB_DQ_STREETS, NULL, 0, load_street, d, err);
  if (!rc) rc = hub_store_dash_rows(st, HUB_DQ_UNITS, NULL, 0, load_unit, d, err);
  if (!rc) {
    d->by_key = malloc((d->n_units + 1) * sizeof *d->by_key);
    if (!d->by_key) rc = nomem(err);
    /* equal keys in load order: unit_find takes the last, as the linear
     * search before it did */
    for (size_t i = 0; !rc && i < d->n_units; i++)
      d->by_key[i] = (unit_ix){d->units[i].key, i};
    if (!rc) qsort(d->by_key, d->n_units, sizeof *d->by_key, unit_ix_cmp);
  }
  const char *params[1] = {org_id};
  /* the array at its size at once: grown by doubling, a district's 2,000
   * organisations (a kilobyte each) were copied and faulted in again and
   * again */
  size_t n = 0;
  if (!rc && !org_id && hub_store_org_count(st, &n, err) == CM_OK && n) {
    d->orgs = malloc((n + 1) * sizeof *d->orgs);
    if (d->orgs) d->cap_orgs = n + 1;
  }
  if (!rc)
    rc = hub_store_dash_rows(st, org_id ? HUB_DQ_ORGS_ID : HUB_DQ_ORGS, params, org_id ? 1 : 0,
                             load_org, d, err);
  return rc;
}

static void base_release(struct dash_cache *c, base *b);

static void data_free(data *d) {
  json_decref(d->lists);
  json_decref(d->cut);
  for (int k = 0; k < CM_LIST_KINDS; k++)
    cm_list_index_free(&d->items[k]);
  json_decref(d->aux);
  free(d->active);
  if (d->base) {
    base_release(d->cache, d->base);
    return;
  }
  free(d->units);
  free(d->by_key);
  free(d->streets);
  free(d->orgs);
}

/* The streets an answer lists, in the hub's order: its street hubs at a
 * district (or, at a street hub, itself), within the scope. */
static size_t street_list(const data *d, const char **names, size_t cap) {
  size_t n = 0;
  if (d->hub->role != HUB_ROLE_DISTRICT) {
    if (cap && in_scope(d, d->hub->name)) names[n++] = d->hub->name;
    return n;
  }
  for (size_t i = 0; i < d->n_streets && n < cap; i++)
    if (in_scope(d, d->streets[i][1])) names[n++] = d->streets[i][1];
  return n;
}

#define MAX_STREETS 256

/* The index of name in streets (ns names: street_list), -1 when it is none
 * of them. */
static long street_at(const char *const *streets, size_t ns, const char *name) {
  for (size_t s = 0; s < ns; s++)
    if (streets[s] == name || strcmp(streets[s], name) == 0) return (long)s;
  return -1;
}

/* The index in streets (ns names: street_list) of each organisation's
 * street, -1 for one outside them, looked up once per community: the
 * figures per street then take one pass over the organisations, not one per
 * street (a city's 250 streets x 250,000 organisations).  A new array, NULL
 * when out of memory. */
static long *street_index(const data *d, const char *const *streets, size_t ns) {
  long *by_unit = malloc((d->n_units + 1) * sizeof *by_unit);
  long *out = malloc((d->n_orgs + 1) * sizeof *out);
  if (!by_unit || !out) {
    free(by_unit);
    free(out);
    return NULL;
  }
  for (size_t u = 0; u < d->n_units; u++)
    by_unit[u] = street_at(streets, ns, d->units[u].street);
  for (size_t i = 0; i < d->n_orgs; i++) {
    const org *o = &d->orgs[i];
    out[i] = o->ui >= 0 ? by_unit[o->ui] : street_at(streets, ns, o->street);
  }
  free(by_unit);
  return out;
}

/* ---- hierarchy ---- */

typedef struct counts {
  int64_t orgs, members, party;
} counts;

/* Rows of a grouping counted in C, in order of first appearance (a few
 * dozen at most): a city's 250,000 organisations counted into JSON objects
 * made and freed a million numbers. */
typedef struct group {
  const char *name, *code;
  int64_t orgs, members, party;
} group;

typedef struct group_list {
  group *v;
  size_t n, cap, last;
} group_list;

/* The group named name (code: its code when new), NULL when out of memory. */
static group *group_at(group_list *g, const char *name, const char *code) {
  if (g->n && strcmp(g->v[g->last].name, name) == 0) return &g->v[g->last];
  for (size_t i = 0; i < g->n; i++)
    if (strcmp(g->v[i].name, name) == 0) return &g->v[g->last = i];
  cm_err ignored;
  if (grow((void **)&g->v, &g->cap, g->n, sizeof *g->v, &ignored)) return NULL;
  g->v[g->n] = (group){name, code, 0, 0, 0};
  return &g->v[g->last = g->n++];
}

/* The figures of the active organisations (of the filtered category) grouped
 * by list k: [{"industry"|"unit": name, "code", "organisations", "members",
 * "party_members"}] in order of first appearance.  New array in *out. */
static cm_rc group_counts(const data *d, cm_list_kind k, json_t **out, cm_err *err) {
  const char *key = cm_list_key(k);
  group_list g = {NULL, 0, 0, 0};
  json_t *arr = json_array();
  cm_rc rc = arr ? CM_OK : nomem(err);
  for (size_t i = 0; !rc && i < d->n_orgs; i++) {
    const org *o = &d->orgs[i];
    if (!org_active(o) || !category_ok(d, o)) continue;
    group *row = group_at(&g, o->groups[k], o->codes[k]);
    if (!row) {
      rc = nomem(err);
      break;
    }
    row->orgs++;
    row->members += o->members;
    row->party += o->party_members;
  }
  for (size_t i = 0; !rc && i < g.n; i++)
    rc = push(arr,
              json_pack("{s:s, s:s, s:I, s:I, s:I}", key, g.v[i].name, "code", g.v[i].code,
                        "organisations", (json_int_t)g.v[i].orgs, "members",
                        (json_int_t)g.v[i].members, "party_members", (json_int_t)g.v[i].party),
              err);
  free(g.v);
  if (rc) {
    json_decref(arr);
    arr = NULL;
  }
  *out = arr;
  return rc;
}

static cm_rc answer_hierarchy(data *d, json_t *out, cm_err *err) {
  const char *streets[MAX_STREETS];
  size_t ns = street_list(d, streets, MAX_STREETS);
  json_t *js = json_array(), *jc = json_array(), *jo = json_array(), *cats = json_array();
  counts *cu = calloc(d->n_units + 1, sizeof *cu), *ss = calloc(ns + 1, sizeof *ss);
  counts total = {0, 0, 0};
  size_t n_comm = 0, n_org = 0;
  long *os = street_index(d, streets, ns);
  cm_rc rc = (js && jc && jo && cats && cu && ss && os) ? CM_OK : nomem(err);
  if (rc) goto out;

  /* Categories over every active organisation in scope, for the filter. */
  group_list cg = {NULL, 0, 0, 0};
  for (size_t i = 0; !rc && i < d->n_orgs; i++) {
    const org *o = &d->orgs[i];
    if (!org_active(o)) continue;
    group *c = group_at(&cg, o->category, "");
    if (c)
      c->orgs++;
    else
      rc = nomem(err);
  }
  for (size_t k = 0; !rc && k < cg.n; k++)
    rc = push(cats,
              json_pack("{s:s, s:I}", "category", cg.v[k].name, "organisations",
                        (json_int_t)cg.v[k].orgs),
              err);
  free(cg.v);
  for (size_t i = 0; !rc && i < d->n_orgs; i++) {
    const org *o = &d->orgs[i];
    if (!org_active(o) || !category_ok(d, o)) continue;
    size_t u = org_unit(d, o);
    cu[u].orgs++;
    cu[u].members += o->members;
    cu[u].party += o->party_members;
    total.orgs++;
    total.members += o->members;
    total.party += o->party_members;
    if (!row_built(d, n_org++)) continue;
    json_t *r = json_object();
    if (r) {
      set_str(r, "id", o->id);
      set_str(r, "name", o->name);
      set_str(r, "category", o->category);
      set_str(r, "industry", o->groups[CM_LIST_INDUSTRY]);
      set_str(r, "unit", o->groups[CM_LIST_UNIT]);
      set_str(r, "street", o->street);
      set_str(r, "community", o->community);
      set_str(r, "founded_by", o->founded_by);
      set_int(r, "members", o->members);
      set_int(r, "party_members", o->party_members);
    }
    rc = push(jo, r, err);
  }
  /* Street-level organisations (filed by the street hub) have no community. */
  for (size_t i = 0; i < d->n_orgs; i++) {
    const org *o = &d->orgs[i];
    if (!o->community[0] && os[i] >= 0 && org_active(o) && category_ok(d, o)) {
      ss[os[i]].orgs++;
      ss[os[i]].members += o->members;
      ss[os[i]].party += o->party_members;
    }
  }
  for (size_t s = 0; !rc && s < ns; s++) {
    counts sc = ss[s];
    int64_t comms = 0;
    for (size_t u = 0; !rc && u < d->n_units; u++) {
      if (d->units[u].hidden || strcmp(d->units[u].street, streets[s]) != 0) continue;
      comms++;
      sc.orgs += cu[u].orgs;
      sc.members += cu[u].members;
      sc.party += cu[u].party;
      rc = push(jc,
                json_pack("{s:s, s:s, s:s, s:I, s:I, s:I}", "street", streets[s], "community",
                          d->units[u].name, "code", d->units[u].code, "organisations",
                          (json_int_t)cu[u].orgs, "members", (json_int_t)cu[u].members,
                          "party_members", (json_int_t)cu[u].party),
                err);
    }
    n_comm += (size_t)comms;
    if (!rc)
      rc = push(js,
                json_pack("{s:s, s:I, s:I, s:I, s:I}", "street", streets[s], "communities",
                          (json_int_t)comms, "organisations", (json_int_t)sc.orgs, "members",
                          (json_int_t)sc.members, "party_members", (json_int_t)sc.party),
                err);
  }
  if (rc) goto out;
  json_t *dist =
      json_pack("{s:s, s:I, s:I, s:I, s:I, s:I}", "name", d->hub->name, "streets", (json_int_t)ns,
                "communities", (json_int_t)n_comm, "organisations", (json_int_t)total.orgs,
                "members", (json_int_t)total.members, "party_members", (json_int_t)total.party);
  if (!dist) {
    rc = nomem(err);
    goto out;
  }
  json_t *inds = NULL, *units = NULL;
  rc = group_counts(d, CM_LIST_INDUSTRY, &inds, err);
  if (!rc) rc = group_counts(d, CM_LIST_UNIT, &units, err);
  if (rc) {
    json_decref(dist);
    json_decref(inds);
    goto out;
  }
  json_object_set_new(out, "category", json_string(d->category ? d->category : ""));
  json_object_set_new(out, "totals", dist);
  json_object_set_new(out, "categories", cats);
  json_object_set_new(out, "industries", inds);
  json_object_set_new(out, "units", units);
  json_object_set_new(out, "streets", js);
  json_object_set_new(out, "communities", jc);
  rc = rows_done(d, out, "organisations", jo, n_org, err);
  js = jc = cats = NULL;
out:
  json_decref(js);
  json_decref(jc);
  json_decref(jo);
  json_decref(cats);
  free(cu);
  free(ss);
  free(os);
  return rc;
}

/* ---- completeness ---- */

/* ---- the monthly reports kept between computations ---- */

/* One current report as the walks read it: a packed year's report
 * (hub_packed_report), its figures within 32 bits (the domain core bounds a
 * month's far below), its author time already held to its receipt. */
typedef struct krep {
  uint64_t t;
  int32_t activities, participants, party;
  uint8_t month, deeds, st; /* st: its status, a word of reps.words */
} krep;

/* An organisation's reports of one year by one key, in month order: its
 * own key's, and (next, by key as the reads order them) those a later key
 * of its community wrote. */
typedef struct kyear {
  struct kyear *next;
  char *key; /* NULL: the organisation's own */
  uint32_t n;
  krep r[];
} kyear;

static void kyear_free(kyear *k) {
  while (k) {
    kyear *next = k->next;
    free(k->key);
    free(k);
    k = next;
  }
}

#define REP_WORDS 32

/* The packed years of the organisations of one base (by its serial), kept
 * by the connection that computes (hub_ctx.dash_reps, under its lock): a
 * city's 3 million reports read once, then only the years packed again
 * since (next), instead of every report per answer. */
typedef struct reps {
  uint64_t serial;
  size_t n_orgs;
  int64_t next; /* rows packed at this data generation or later are new */
  int first_year, n_years;
  kyear **years; /* n_orgs * n_years, NULL: none that year */
  char words[REP_WORDS][32];
  int n_words;
  /* per unit of the base (data.units): its newest entry's sequence and
   * receipt time (the silent table's), read again from the entries stored
   * after last_entry */
  uint64_t *heard_seq, *heard_ms;
  size_t n_units;
  int64_t last_entry;
  /* per organisation and per unit, a hash of who it is (key and filing
   * number; key): another base of the same ones in the same places (a
   * status or an amendment changed, no filing or community added) takes
   * them over instead of reading them all again */
  uint64_t *org_fp, *unit_fp;
  size_t hint; /* reading: the organisation of the row before */
  int broken;  /* reading: a row it could not keep (read the reports instead) */
  data *d;     /* reading: the computation whose organisations they are */
} reps;

static void reps_counted(struct dash_cache *c, int fresh);

static void reps_free(void *p) {
  reps *r = p;
  if (!r) return;
  for (size_t i = 0; r->years && i < r->n_orgs * (size_t)r->n_years; i++)
    kyear_free(r->years[i]);
  free(r->years);
  free(r->heard_seq);
  free(r->heard_ms);
  free(r->org_fp);
  free(r->unit_fp);
  free(r);
}

static uint64_t fp_of(const char *a, const char *b) {
  uint64_t h = 1469598103934665603ull;
  for (const unsigned char *p = (const unsigned char *)a; *p; p++)
    h = (h ^ *p) * 1099511628211ull;
  h = (h ^ 0xff) * 1099511628211ull;
  for (const unsigned char *p = (const unsigned char *)b; *p; p++)
    h = (h ^ *p) * 1099511628211ull;
  return h;
}

/* 1 when r holds d's organisations and units, in the same places, and the
 * years info spans: read for d's base, or for another base of the same
 * ones (a status or an amendment changed, no filing or community added),
 * which r then takes as its own. */
static int reps_fit(reps *r, const data *d, const hub_report_years_info *info) {
  if (r->n_orgs != d->n_orgs || r->n_units != d->n_units || info->first_year < r->first_year ||
      info->last_year >= r->first_year + r->n_years)
    return 0;
  if (r->serial == d->base->serial) return 1;
  for (size_t i = 0; i < d->n_orgs; i++)
    if (fp_of(d->orgs[i].author, d->orgs[i].id) != r->org_fp[i]) return 0;
  for (size_t i = 0; i < d->n_units; i++)
    if (fp_of(d->units[i].key, "") != r->unit_fp[i]) return 0;
  r->serial = d->base->serial;
  return 1;
}

/* New reps, empty, for d's organisations and units and the years info
 * spans; NULL when memory runs short. */
static reps *reps_new(const data *d, const hub_report_years_info *info) {
  reps *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  int years = info->first_year > 0 ? (int)(info->last_year - info->first_year) + 1 : 1;
  r->serial = d->base->serial;
  r->n_orgs = d->n_orgs;
  r->n_units = d->n_units;
  r->first_year = (int)info->first_year;
  r->n_years = years > 0 && years <= 100 ? years : 1;
  r->years = calloc(d->n_orgs * (size_t)r->n_years + 1, sizeof *r->years);
  r->heard_seq = calloc(d->n_units + 1, sizeof *r->heard_seq);
  r->heard_ms = calloc(d->n_units + 1, sizeof *r->heard_ms);
  r->org_fp = malloc((d->n_orgs + 1) * sizeof *r->org_fp);
  r->unit_fp = malloc((d->n_units + 1) * sizeof *r->unit_fp);
  if (!r->years || !r->heard_seq || !r->heard_ms || !r->org_fp || !r->unit_fp) {
    reps_free(r);
    return NULL;
  }
  for (size_t i = 0; i < d->n_orgs; i++)
    r->org_fp[i] = fp_of(d->orgs[i].author, d->orgs[i].id);
  for (size_t i = 0; i < d->n_units; i++)
    r->unit_fp[i] = fp_of(d->units[i].key, "");
  return r;
}

/* The index of status among r's words, added when new; -1 when full. */
static int reps_word(reps *r, const char *status) {
  for (int i = 0; i < r->n_words; i++)
    if (!strcmp(r->words[i], status)) return i;
  if (r->n_words == REP_WORDS || strlen(status) >= sizeof r->words[0]) return -1;
  copy(r->words[r->n_words], sizeof r->words[0], status);
  return r->n_words++;
}

static int fits32(int64_t v) {
  return v >= 0 && v <= INT32_MAX;
}

/* One packed year read into r: replaces what r kept of that organisation
 * and year. */
static cm_rc reps_row(void *ctx, const char *author, const char *id, int year,
                      const uint8_t *months, size_t len, cm_err *err) {
  reps *r = ctx;
  data *d = r->d;
  org *o = NULL;
  /* rows come by year, author and organisation, as the organisations are
   * ordered (by filing number) mostly: the next one first */
  for (size_t k = r->hint; !o && k < r->hint + 2 && k < d->n_orgs; k++)
    if (!strcmp(d->orgs[k].id, id) && !strcmp(d->orgs[k].author, author)) o = &d->orgs[k];
  if (!o) o = org_find(d, author, id);
  if (!o) return CM_OK; /* not of this scope */
  size_t oi = (size_t)(o - d->orgs);
  r->hint = oi;
  if (year < r->first_year || year >= r->first_year + r->n_years) {
    r->broken = 1;
    return CM_OK;
  }
  krep tmp[16];
  uint32_t n = 0;
  hub_packed_report pr;
  for (size_t off = 0; hub_store_packed_next(months, len, &off, &pr);) {
    int w = reps_word(r, pr.status);
    if (n == sizeof tmp / sizeof tmp[0] || w < 0 || !fits32(pr.activities) ||
        !fits32(pr.participants) || !fits32(pr.party_participants) || pr.month < 1 ||
        pr.month > 12) {
      r->broken = 1;
      return CM_OK;
    }
    uint64_t t = pr.time_ms;
    if (pr.received_ms && pr.received_ms < t) t = pr.received_ms;
    tmp[n++] = (krep){t,
                      (int32_t)pr.activities,
                      (int32_t)pr.participants,
                      (int32_t)pr.party_participants,
                      (uint8_t)pr.month,
                      (uint8_t)(pr.good_deeds != 0),
                      (uint8_t)w};
  }
  int own = !strcmp(author, o->author);
  kyear *y = malloc(sizeof *y + n * sizeof y->r[0]);
  if (y) y->key = own ? NULL : strdup(author);
  if (!y || (!own && !y->key)) {
    free(y);
    return nomem(err);
  }
  y->n = n;
  memcpy(y->r, tmp, n * sizeof tmp[0]);
  /* in its key's place: the one it replaces, else by key */
  kyear **at = &r->years[oi * (size_t)r->n_years + (size_t)(year - r->first_year)];
  for (; *at; at = &(*at)->next) {
    int c = strcmp((*at)->key ? (*at)->key : o->author, author);
    if (c > 0) break;
    if (c == 0) {
      kyear *old = *at;
      y->next = old->next;
      old->next = NULL;
      kyear_free(old);
      *at = y;
      return CM_OK;
    }
  }
  y->next = *at;
  *at = y;
  return CM_OK;
}

/* The newest entry of a key read into r (hub_store_heard). */
static cm_rc heard_row(void *ctx, const char *key, uint64_t seq, uint64_t received_ms,
                       cm_err *err) {
  reps *r = ctx;
  const unit *u = unit_find(r->d, key);
  (void)err;
  if (!u) return CM_OK; /* not a community's */
  size_t i = (size_t)(u - r->d->units);
  if (i < r->n_units && (!r->heard_ms[i] || seq >= r->heard_seq[i])) {
    r->heard_seq[i] = seq;
    r->heard_ms[i] = received_ms;
  }
  return CM_OK;
}

/* d->reps: the reports kept on d's connection, read first, or brought up to
 * date, in d's read transaction; NULL (the walks read the reports) without
 * a kept base, while some reports wait to be packed, or for a row they
 * cannot hold. */
static cm_rc reps_get(data *d, cm_err *err) {
  hub_ctx *on = d->hub;
  reps *r = on->dash_reps_free == reps_free ? on->dash_reps : NULL;
  hub_report_years_info info;
  d->reps = NULL;
  if (!d->base || !d->cache) return CM_OK;
  cm_rc rc = hub_store_report_years_info(on->store, &info, err);
  if (rc || info.dirty) return rc;
  int fresh = !r || !reps_fit(r, d, &info);
  if (!fresh && r->next == info.gen) {
    d->reps = r;
    return CM_OK;
  }
  if (fresh) {
    if (on->dash_reps_free) on->dash_reps_free(on->dash_reps);
    on->dash_reps = NULL;
    on->dash_reps_free = NULL;
    if (!(r = reps_new(d, &info))) return nomem(err);
  }
  r->d = d;
  r->hint = 0;
  rc = hub_store_report_years_read(on->store, fresh ? 0 : r->next, reps_row, r, err);
  if (!rc && !r->broken)
    rc = hub_store_heard(on->store, fresh ? 0 : r->last_entry, heard_row, r, &r->last_entry, err);
  r->d = NULL;
  if (!rc && !r->broken) {
    r->next = info.gen;
    on->dash_reps = r;
    on->dash_reps_free = reps_free;
    d->reps = r;
    reps_counted(d->cache, fresh);
    return CM_OK;
  }
  /* nothing kept that could be half read */
  if (on->dash_reps == r) on->dash_reps = NULL;
  if (!on->dash_reps) on->dash_reps_free = NULL;
  reps_free(r);
  return rc;
}

typedef void (*reps_fn)(void *arg, org *o, int m, const hub_dash_report_row *r);

/* Each kept report of months [first, last] (month indexes), organisation by
 * organisation in month order, to fn; with activities only, those with
 * activities (the reads' HUB_DQ_LAST_ACTIVE).  The row holds the figures,
 * the status and the author time (held to its receipt: received_ms 0). */
static void reps_each(data *d, int first, int last, int activities, reps_fn fn, void *arg) {
  const reps *r = d->reps;
  hub_dash_report_row row;
  memset(&row, 0, sizeof row);
  int y0 = first / 12, y1 = last / 12;
  if (y0 < r->first_year) y0 = r->first_year;
  if (y1 >= r->first_year + r->n_years) y1 = r->first_year + r->n_years - 1;
  for (size_t i = 0; i < d->n_orgs; i++) {
    for (int y = y0; y <= y1; y++) {
      const kyear *k = r->years[i * (size_t)r->n_years + (size_t)(y - r->first_year)];
      for (; k; k = k->next)
        for (uint32_t j = 0; j < k->n; j++) {
          const krep *p = &k->r[j];
          int m = y >= 1900 ? y * 12 + p->month - 1 : 0;
          if (m < first || m > last || (activities && p->activities <= 0)) continue;
          row.activities = p->activities;
          row.participants = p->participants;
          row.party_participants = p->party;
          row.good_deeds = p->deeds;
          row.time_ms = p->t;
          row.status = r->words[p->st];
          fn(arg, &d->orgs[i], m, &row);
        }
    }
  }
}

#define SERIES 12

typedef struct comp {
  int64_t expected, received, on_time, accepted, pending, rejected;
} comp;

typedef struct rep_walk {
  data *d;
  int first;             /* month index of slot 0 */
  int months;            /* slots */
  uint64_t *due_ms;      /* per slot: reports before this are on time */
  unsigned char *seen;   /* n_orgs * months: 1 received, 2 on time */
  unsigned char *status; /* n_orgs * months: 'a' accepted, 'p' pending, 'r' rejected */
  /* activity's sums (activities, participants, party, deeds, reports): per
   * organisation over every slot, and per slot over the organisations of the
   * filtered category */
  int64_t (*sum)[5], (*month_sum)[5];
  /* the organisation of the row before (rows come by organisation), when
   * looked up */
  char last_author[PROTO_KEY_HEX], last_org[ID_MAX];
  org *last;
  int looked;
  /* what the row before's organisation and status gave (a status is one of a
   * few words: judged once per organisation and word, not per report) */
  const org *memo_org;
  int memo_counts, memo_category, memo_ok, memo_current;
  char memo_status[32], memo_st;
} rep_walk;

/* acc += v, the figures bounded per report by the domain core, held at
 * INT64_MAX. */
static void sum_add(int64_t acc[5], const int64_t v[5]) {
  for (int i = 0; i < 5; i++)
    acc[i] = cm_rec_add(acc[i], v[i]);
}

/* Report r of organisation o in month m (within the walk's months) to the
 * walk (a rep_walk). */
static void report_at(void *arg, org *o, int m, const hub_dash_report_row *r) {
  rep_walk *w = arg;
  if (o != w->memo_org) {
    w->memo_org = o;
    w->memo_counts = o->reports_count;
    w->memo_category = category_ok(w->d, o);
    w->memo_ok = 0;
  }
  /* A rejected or revoked filing keeps its reports out of every figure. */
  if (!w->memo_counts) return;
  size_t oi = (size_t)(o - w->d->orgs), slot = oi * (size_t)w->months + (size_t)(m - w->first);
  if (r->activities > 0 && m > w->d->active[oi]) w->d->active[oi] = m;
  /* the status the projection wrote for the current report */
  const char *status = r->status;
  if (!w->memo_ok || strcmp(status, w->memo_status) != 0) {
    w->memo_st = strcmp(status, "accepted") == 0   ? 'a'
                 : strcmp(status, "rejected") == 0 ? 'r'
                                                   : 'p';
    w->memo_current = hub_count_report_current(o->status, status);
    /* kept for the next row only when it was kept whole */
    w->memo_ok = strlen(status) < sizeof w->memo_status;
    if (w->memo_ok) memcpy(w->memo_status, status, strlen(status) + 1);
  }
  char st = w->memo_st;
  if (w->seen) {
    /* Judged by author time, but never later than the hub received it: a
     * node's clock cannot make a late report look early past its receipt. */
    uint64_t t = r->time_ms, got = r->received_ms;
    if (got && got < t) t = got;
    w->seen[slot] = t < w->due_ms[m - w->first] ? 2 : 1;
    w->status[slot] = (unsigned char)st;
  }
  /* A rejected report is out of the official sums (completeness shows it). */
  if (w->sum && w->memo_current) {
    int64_t one[5] = {r->activities, r->participants, r->party_participants,
                      r->good_deeds ? 1 : 0, 1};
    sum_add(w->sum[oi], one);
    if (w->memo_category) sum_add(w->month_sum[m - w->first], one);
  }
}

static cm_rc walk_report(void *ctx, const hub_dash_row *row, cm_err *err) {
  rep_walk *w = ctx;
  const hub_dash_report_row *r = &row->report;
  (void)err;
  int m = month_idx(r->month);
  if (m < w->first || m >= w->first + w->months) return CM_OK;
  if (!(r->same_org && w->looked) &&
      (!w->looked || strcmp(r->org, w->last_org) != 0 || strcmp(r->author, w->last_author) != 0)) {
    w->last = org_find(w->d, r->author, r->org);
    w->looked = 1;
    copy(w->last_author, sizeof w->last_author, r->author);
    copy(w->last_org, sizeof w->last_org, r->org);
  }
  if (w->last) report_at(w, w->last, m, r);
  return CM_OK;
}

/* Each report of months [w->first, w->first + w->months) to report_at:
 * from the reports kept (d->reps), else read (q). */
static cm_rc walk_reports(rep_walk *w, hub_dash_query q, cm_err *err) {
  data *d = w->d;
  if (d->reps) {
    reps_each(d, w->first, w->first + w->months - 1, 0, report_at, w);
    return CM_OK;
  }
  char a[8], b[8];
  cm_month_text(w->first, a);
  cm_month_text(w->first + w->months - 1, b);
  const char *params[2] = {a, b};
  return hub_store_dash_rows(d->hub->store, q, params, 2, walk_report, w, err);
}

/* Due day from the hub's configuration (1..28), default the 5th. */
static int due_day(hub_ctx *hub) {
  char v[16];
  int found = 0;
  if (hub_store_config_get(hub->store, HUB_DASH_DUE_DAY_KEY, v, sizeof v, &found, NULL) || !found)
    return HUB_DASH_DUE_DAY_DEFAULT;
  int n = atoi(v);
  return n >= 1 && n <= 28 ? n : HUB_DASH_DUE_DAY_DEFAULT;
}

static json_t *comp_json(const comp *c) {
  return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "expected", (json_int_t)c->expected,
                   "received", (json_int_t)c->received, "on_time", (json_int_t)c->on_time,
                   "accepted", (json_int_t)c->accepted, "pending", (json_int_t)c->pending,
                   "rejected", (json_int_t)c->rejected, "missing",
                   (json_int_t)(c->expected - c->received));
}

static void comp_add(comp *c, const rep_walk *w, size_t oi, int slot) {
  size_t k = oi * (size_t)w->months + (size_t)slot;
  c->expected++;
  if (!w->seen[k]) return;
  c->received++;
  if (w->seen[k] == 2) c->on_time++;
  if (w->status[k] == 'a')
    c->accepted++;
  else if (w->status[k] == 'r')
    c->rejected++;
  else
    c->pending++;
}

/* Expected in month m: filed by then and still counting. */
static int expected_in(const org *o, int m) {
  return org_active(o) && (o->filed_month == 0 || o->filed_month <= m);
}

static cm_rc answer_completeness(data *d, const hub_dash_params *p, uint64_t now_ms, json_t *out,
                                 cm_err *err) {
  char now_month[8], a[8], b[8];
  cm_month_of(now_ms, now_month);
  int month = p->month ? month_idx(p->month) : month_idx(now_month) - 1;
  rep_walk w;
  memset(&w, 0, sizeof w);
  comp *cu = NULL, *cs = NULL;
  long *os = NULL;
  json_t *js = json_array(), *jc = json_array(), *jm = json_array(), *ser = json_array();
  const char *streets[MAX_STREETS];
  size_t ns = street_list(d, streets, MAX_STREETS);
  cm_rc rc = (js && jc && jm && ser) ? CM_OK : nomem(err);
  if (!rc && (!month || (p->month && strlen(p->month) != 7)))
    rc = cm_errf(err, CM_ERR_INVALID, "月份（month）应为 YYYY-MM");
  if (rc) goto out;

  w.d = d;
  w.first = month - (SERIES - 1);
  w.months = SERIES;
  w.due_ms = calloc(SERIES, sizeof *w.due_ms);
  w.seen = calloc(d->n_orgs * SERIES + 1, 1);
  w.status = calloc(d->n_orgs * SERIES + 1, 1);
  if (!w.due_ms || !w.seen || !w.status) {
    rc = nomem(err);
    goto out;
  }
  int day = due_day(d->hub);
  for (int i = 0; i < SERIES; i++) {
    char date[16], next[8];
    uint64_t t = 0;
    cm_month_text(w.first + i + 1, next);
    snprintf(date, sizeof date, "%s-%02d", next, day);
    /* On time means by the end of the due day, Shanghai time. */
    w.due_ms[i] = cm_date_parse(date, &t) == CM_OK ? t + DAY_MS : 0;
  }
  cm_month_text(w.first, a);
  cm_month_text(month, b);
  rc = walk_reports(&w, HUB_DQ_REPORTS, err);
  if (rc) goto out;

  int last = SERIES - 1;
  /* per community and per street, and each month of the series, in one
   * pass over the organisations, each judged once: a city has 250,000 */
  comp series[SERIES];
  memset(series, 0, sizeof series);
  cu = calloc(d->n_units + 1, sizeof *cu);
  cs = calloc(ns + 1, sizeof *cs);
  os = street_index(d, streets, ns);
  if (!cu || !cs || !os) {
    rc = nomem(err);
    goto out;
  }
  for (size_t i = 0; i < d->n_orgs; i++) {
    const org *o = &d->orgs[i];
    if (!category_ok(d, o) || !org_active(o)) continue;
    for (int k = 0; k < SERIES; k++)
      if (expected_in(o, w.first + k)) comp_add(&series[k], &w, i, k);
    if (!expected_in(o, month)) continue;
    comp_add(&cu[org_unit(d, o)], &w, i, last);
    if (os[i] >= 0) comp_add(&cs[os[i]], &w, i, last);
  }
  for (size_t s = 0; !rc && s < ns; s++) {
    for (size_t u = 0; !rc && u < d->n_units; u++) {
      if (d->units[u].hidden || strcmp(d->units[u].street, streets[s]) != 0) continue;
      json_t *c = comp_json(&cu[u]);
      json_t *r = c ? json_pack("{s:s, s:s, s:s}", "street", streets[s], "community",
                                d->units[u].name, "code", d->units[u].code)
                    : NULL;
      if (r) json_object_update(r, c);
      json_decref(c);
      rc = push(jc, r, err);
    }
    json_t *c = comp_json(&cs[s]);
    json_t *r = c ? json_pack("{s:s}", "street", streets[s]) : NULL;
    if (r) json_object_update(r, c);
    json_decref(c);
    if (!rc)
      rc = push(js, r, err);
    else
      json_decref(r);
  }
  comp total;
  memset(&total, 0, sizeof total);
  size_t n_missing = 0;
  for (size_t i = 0; !rc && i < d->n_orgs; i++) {
    const org *o = &d->orgs[i];
    if (!category_ok(d, o) || !expected_in(o, month)) continue;
    comp_add(&total, &w, i, last);
    if (w.seen[i * SERIES + (size_t)last] || !row_built(d, n_missing++)) continue;
    rc = push(jm,
              json_pack("{s:s, s:s, s:s, s:s, s:s}", "street", o->street, "community", o->community,
                        "id", o->id, "name", o->name, "category", o->category),
              err);
  }
  for (int k = 0; !rc && k < SERIES; k++) {
    char ms[8];
    cm_month_text(w.first + k, ms);
    json_t *r = comp_json(&series[k]);
    json_t *row = r ? json_pack("{s:s}", "month", ms) : NULL;
    if (row) json_object_update(row, r);
    json_decref(r);
    rc = push(ser, row, err);
  }
  if (rc) goto out;
  char due[16], next[8];
  cm_month_text(month + 1, next);
  snprintf(due, sizeof due, "%s-%02d", next, day);
  json_object_set_new(out, "month", json_string(b));
  json_object_set_new(out, "due", json_string(due));
  json_object_set_new(out, "category", json_string(p->category ? p->category : ""));
  json_object_set_new(out, "totals", comp_json(&total));
  json_object_set_new(out, "streets", js);
  json_object_set_new(out, "communities", jc);
  rc = rows_done(d, out, "missing", jm, n_missing, err);
  json_object_set_new(out, "series", ser);
  js = jc = ser = NULL;
out:
  json_decref(js);
  json_decref(jc);
  json_decref(jm);
  json_decref(ser);
  free(w.due_ms);
  free(w.seen);
  free(w.status);
  free(cu);
  free(cs);
  free(os);
  return rc;
}

/* ---- activity ---- */

static json_t *sum_json(const int64_t v[5]) {
  return json_pack("{s:I, s:I, s:I, s:I, s:I}", "reports", (json_int_t)v[4], "activities",
                   (json_int_t)v[0], "participants", (json_int_t)v[1], "party_participants",
                   (json_int_t)v[2], "good_deeds", (json_int_t)v[3]);
}

/* A "YYYY-MM" parameter, or the default month def. */
static cm_rc month_param(const char *s, const char *what, int def, int *out, cm_err *err) {
  if (!s || !s[0]) {
    *out = def;
    return CM_OK;
  }
  *out = strlen(s) == 7 ? month_idx(s) : 0;
  return *out ? CM_OK : cm_errf(err, CM_ERR_INVALID, "“%s”应为月份 YYYY-MM", what);
}

static cm_rc answer_activity(data *d, const hub_dash_params *p, uint64_t now_ms, json_t *out,
                             cm_err *err) {
  char now_month[8], a[8], b[8];
  cm_month_of(now_ms, now_month);
  int to = 0, from = 0;
  rep_walk w;
  memset(&w, 0, sizeof w);
  json_t *jm = json_array(), *js = json_array(), *jcat = json_array();
  int64_t(*cat)[5] = NULL, (*sv)[5] = NULL;
  long *os = NULL;
  const char **cat_name = NULL;
  size_t n_cat = 0;
  const char *streets[MAX_STREETS];
  size_t ns = street_list(d, streets, MAX_STREETS);
  cm_rc rc = (jm && js && jcat) ? CM_OK : nomem(err);
  if (!rc) rc = month_param(p->to, "to", month_idx(now_month) - 1, &to, err);
  if (!rc) rc = month_param(p->from, "from", to - 11, &from, err);
  if (!rc && (from > to || to - from >= HUB_DASH_MAX_MONTHS))
    rc = cm_errf(err, CM_ERR_INVALID, "起始月份不能晚于截止月份，相隔最多 %d 个月",
                 HUB_DASH_MAX_MONTHS);
  if (rc) goto out;
  w.d = d;
  w.first = from;
  w.months = to - from + 1;
  w.sum = calloc(d->n_orgs + 1, sizeof *w.sum);
  w.month_sum = calloc((size_t)w.months, sizeof *w.month_sum);
  cat = calloc(d->n_orgs + 1, sizeof *cat);
  cat_name = calloc(d->n_orgs + 1, sizeof *cat_name);
  if (!w.sum || !w.month_sum || !cat || !cat_name) {
    rc = nomem(err);
    goto out;
  }
  cm_month_text(from, a);
  cm_month_text(to, b);
  /* The sums need no receipt times: HUB_DQ_REPORT_SUMS skips the entries. */
  rc = walk_reports(&w, HUB_DQ_REPORT_SUMS, err);
  if (rc) goto out;

  int64_t total[5] = {0, 0, 0, 0, 0};
  for (int k = 0; !rc && k < w.months; k++) {
    const int64_t *v = w.month_sum[k];
    sum_add(total, v);
    char ms[8];
    cm_month_text(from + k, ms);
    json_t *r = sum_json(v), *row = r ? json_pack("{s:s}", "month", ms) : NULL;
    if (row) json_object_update(row, r);
    json_decref(r);
    rc = push(jm, row, err);
  }
  /* per street in one pass */
  sv = calloc(ns + 1, sizeof *sv);
  os = street_index(d, streets, ns);
  if (!rc && (!sv || !os)) rc = nomem(err);
  for (size_t i = 0; !rc && i < d->n_orgs; i++)
    if (os[i] >= 0 && category_ok(d, &d->orgs[i])) sum_add(sv[os[i]], w.sum[i]);
  for (size_t s = 0; !rc && s < ns; s++) {
    json_t *r = sum_json(sv[s]), *row = r ? json_pack("{s:s}", "street", streets[s]) : NULL;
    if (row) json_object_update(row, r);
    json_decref(r);
    rc = push(js, row, err);
  }
  /* Sums by category, industry and unit (the groups of the district's lists). */
  json_t *groups[CM_LIST_KINDS] = {jcat, json_array(), json_array()};
  static const char *const group_keys[CM_LIST_KINDS] = {"categories", "industries", "units"};
  if (!groups[1] || !groups[2]) rc = nomem(err);
  for (int g = 0; !rc && g < CM_LIST_KINDS; g++) {
    n_cat = 0;
    memset(cat, 0, (d->n_orgs + 1) * sizeof *cat);
    for (size_t i = 0; i < d->n_orgs; i++) {
      const org *o = &d->orgs[i];
      if (!category_ok(d, o)) continue;
      size_t c;
      for (c = 0; c < n_cat; c++)
        if (strcmp(cat_name[c], o->groups[g]) == 0) break;
      if (c == n_cat) cat_name[n_cat++] = o->groups[g];
      sum_add(cat[c], w.sum[i]);
    }
    for (size_t c = 0; !rc && c < n_cat; c++) {
      json_t *r = sum_json(cat[c]),
             *row = r ? json_pack("{s:s}", cm_list_key((cm_list_kind)g), cat_name[c]) : NULL;
      if (row) json_object_update(row, r);
      json_decref(r);
      rc = push(groups[g], row, err);
    }
  }
  if (!rc)
    for (int g = 1; g < CM_LIST_KINDS; g++) {
      json_object_set_new(out, group_keys[g], groups[g]);
      groups[g] = NULL;
    }
  json_decref(groups[1]);
  json_decref(groups[2]);
  if (rc) goto out;
  json_object_set_new(out, "from", json_string(a));
  json_object_set_new(out, "to", json_string(b));
  json_object_set_new(out, "category", json_string(p->category ? p->category : ""));
  json_object_set_new(out, "totals", sum_json(total));
  json_object_set_new(out, "months", jm);
  json_object_set_new(out, "streets", js);
  json_object_set_new(out, "categories", jcat);
  jm = js = jcat = NULL;
out:
  json_decref(jm);
  json_decref(js);
  json_decref(jcat);
  free(w.sum);
  free(w.month_sum);
  free(cat);
  free(cat_name);
  free(sv);
  free(os);
  return rc;
}

/* ---- attention ---- */

static json_t *org_ref(const org *o) {
  return json_pack("{s:s, s:s, s:s, s:s, s:s}", "street", o->street, "community", o->community,
                   "id", o->id, "name", o->name, "category", o->category);
}

typedef struct attn {
  data *d;
  json_t *upcoming, *critic, *insp_rect, *acks;
  json_t *units; /* attention_units: the communities the silent table looks at */
  char today[11];
  cm_rc rc;
} attn;

static cm_rc walk_ack(void *ctx, const hub_dash_row *row, cm_err *err) {
  attn *a = ctx;
  const hub_dash_ack_row *r = &row->ack;
  json_t *o = json_object_get(a->acks, r->activity);
  if (!o) {
    o = json_object();
    if (!o || json_object_set_new(a->acks, r->activity, o)) return nomem(err);
  }
  /* "street" or "district": acknowledged / returned */
  set_str(o, r->level, r->status);
  return CM_OK;
}

static cm_rc walk_upcoming(void *ctx, const hub_dash_row *row, cm_err *err) {
  attn *a = ctx;
  const hub_dash_activity_row *r = &row->activity;
  const org *o = org_find(a->d, r->author, r->org);
  if (!o || !category_ok(a->d, o)) return CM_OK;
  json_t *ack = json_object_get(a->acks, r->id);
  const char *st = json_string_value(json_object_get(ack, "street"));
  const char *di = json_string_value(json_object_get(ack, "district"));
  json_t *out = org_ref(o);
  if (out) {
    json_object_set_new(out, "org", json_string(o->id));
    set_str(out, "id", r->id);
    set_str(out, "name", o->name);
    set_str(out, "date", r->date);
    set_str(out, "title", r->title);
    set_str(out, "place", r->place);
    set_int(out, "expected", r->expected);
    set_str(out, "street_ack", st ? st : "waiting");
    set_str(out, "district_ack", di ? di : "waiting");
  }
  return push(a->upcoming, out, err);
}

static cm_rc walk_decision(void *ctx, const hub_dash_row *row, cm_err *err) {
  attn *a = ctx;
  const hub_dash_decision_row *r = &row->decision;
  size_t kl = strlen(r->kind);
  /* A criticism, and an inspection of 限期整改 (it has a deadline), stay open
   * until a rectification is accepted. */
  int critic = kl >= 9 && strcmp(r->kind + kl - 9, "criticize") == 0;
  int inspect = kl >= 7 && strcmp(r->kind + kl - 7, "inspect") == 0;
  if ((!critic && !inspect) || !hub_count_overdue(r->deadline, r->closed, a->today)) return CM_OK;
  const org *o = r->org[0] ? org_find(a->d, NULL, r->org) : NULL;
  if (r->org[0] && !o) return CM_OK; /* out of scope */
  if (o && !category_ok(a->d, o)) return CM_OK;
  json_t *out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "record", r->record,
                          "street", o ? o->street : "", "community",
                          o ? o->community : r->community, "org", r->org, "name",
                          o ? o->name : "", "deadline", r->deadline, "by", r->by_level, "reason",
                          r->reason);
  return push(critic ? a->critic : a->insp_rect, out, err);
}

/* Newest month with activities of an organisation, from the current reports
 * that count in the figures: a rejected report is no activity, as in the
 * activity sums. */
typedef struct active_walk {
  data *d;
  org *last; /* the organisation of the row before, once looked up */
  int looked;
} active_walk;

/* A current report with activities of organisation o in month m. */
static void active_at(data *d, const org *o, int m) {
  size_t oi = (size_t)(o - d->orgs);
  if (m > d->active[oi]) d->active[oi] = m;
}

/* Walking the reports kept: whether the status word before counts, for the
 * organisation before (the words are the kept ones, one pointer each). */
typedef struct active_memo {
  data *d;
  const org *o;
  const char *word;
  int current;
} active_memo;

static void reps_active(void *arg, org *o, int m, const hub_dash_report_row *r) {
  active_memo *a = arg;
  if (o != a->o || r->status != a->word) {
    a->o = o;
    a->word = r->status;
    a->current = hub_count_report_current(o->status, r->status);
  }
  if (a->current) active_at(a->d, o, m);
}

static cm_rc walk_active(void *ctx, const hub_dash_row *row, cm_err *err) {
  active_walk *w = ctx;
  data *d = w->d;
  const hub_dash_active_row *r = &row->active;
  (void)err;
  if (!r->same_org || !w->looked) {
    w->last = org_find(d, r->author, r->org);
    w->looked = 1;
  }
  if (w->last && hub_count_report_current(w->last->status, r->status))
    active_at(d, w->last, month_idx(r->month));
  return CM_OK;
}

/* Residents' feedback overdue (hub/people.h), in scope: where and about
 * what, never from whom. */
static cm_rc attention_feedback(data *d, const char *today, json_t *out, cm_err *err) {
  json_t *rows = NULL, *list = json_array(), *r;
  size_t i;
  cm_rc rc = list ? hub_people_feedback_overdue(d->hub, today, &rows, err) : nomem(err);
  json_array_foreach(rows, i, r) {
    if (rc) break;
    const org *o = org_find(d, json_string_value(json_object_get(r, "author")),
                            nz(json_string_value(json_object_get(r, "org"))));
    if (!o || !category_ok(d, o)) continue;
    json_t *row = org_ref(o);
    if (row) {
      json_object_set_new(row, "org", json_string(o->id));
      json_object_set(row, "id", json_object_get(r, "id"));
      json_object_set(row, "type", json_object_get(r, "type"));
      json_object_set(row, "received", json_object_get(r, "received"));
      json_object_set(row, "status", json_object_get(r, "status"));
      json_object_set(row, "days", json_object_get(r, "days"));
    }
    rc = push(list, row, err);
  }
  if (!rc && json_object_set(out, "feedback_overdue", list)) rc = nomem(err);
  json_decref(rows);
  json_decref(list);
  return rc;
}

/* The communities in scope that the silent table judges, with the receipt
 * time of their newest entry: [[street, community, code, last_ms], ...].  The
 * cache keeps it beside the answer, so that the table follows the clock.
 * The receipt times change with every push: those kept with the monthly
 * reports (reps_get) when there are, else read afresh (HUB_DQ_UNITS). */
typedef struct units_acc {
  const data *d;
  json_t *arr;
} units_acc;

/* A community of the list, unless replaced by a newer key or out of scope. */
static cm_rc unit_push(units_acc *a, const char *street, const char *name, const char *code,
                       const char *replaced_by, uint64_t last_ms, cm_err *err) {
  if (replaced_by[0] || !in_scope(a->d, street)) return CM_OK;
  return push(a->arr, json_pack("[s, s, s, I]", street, name, code, (json_int_t)last_ms), err);
}

static cm_rc unit_heard(void *ctx, const hub_dash_row *r, cm_err *err) {
  const hub_dash_unit_row *u = &r->unit;
  return unit_push(ctx, u->street_name, u->name, u->code, u->replaced_by, u->last_received_ms, err);
}

static cm_rc attention_units(const data *d, json_t **out, cm_err *err) {
  units_acc a = {d, json_array()};
  cm_rc rc = a.arr ? CM_OK : nomem(err);
  for (size_t i = 0; !rc && d->reps && i < d->n_units; i++) {
    const unit *u = &d->units[i];
    rc = unit_push(&a, u->street, u->name, u->code, u->replaced_by, d->reps->heard_ms[i], err);
  }
  if (!rc && !d->reps)
    rc = hub_store_dash_rows(d->hub->store, HUB_DQ_UNITS, NULL, 0, unit_heard, &a, err);
  if (rc) {
    json_decref(a.arr);
    a.arr = NULL;
  }
  *out = a.arr;
  return rc;
}

/* The communities not heard from for HUB_DASH_SILENT_MS at now_ms, from
 * attention_units' list.  New array in *out. */
static cm_rc attention_silent(const json_t *units, uint64_t now_ms, json_t **out, cm_err *err) {
  json_t *silent = json_array(), *it;
  size_t i;
  cm_rc rc = silent ? CM_OK : nomem(err);
  json_array_foreach(units, i, it) {
    if (rc) break;
    uint64_t last_ms = (uint64_t)json_integer_value(json_array_get(it, 3));
    if (last_ms && last_ms + HUB_DASH_SILENT_MS > now_ms) continue;
    char when[26] = "";
    if (last_ms) cm_time_iso(last_ms, when);
    json_t *r = json_pack("{s:s, s:s, s:s, s:s}", "street", json_string_value(json_array_get(it, 0)),
                          "community", json_string_value(json_array_get(it, 1)), "code",
                          json_string_value(json_array_get(it, 2)), "last_heard", when);
    if (r && last_ms)
      set_int(r, "days", (int64_t)((now_ms - last_ms) / DAY_MS));
    else if (r)
      json_object_set_new(r, "days", json_null());
    rc = push(silent, r, err);
  }
  if (rc) {
    json_decref(silent);
    silent = NULL;
  }
  *out = silent;
  return rc;
}

/* An organisation of a year's list: where its holder is (a community, or
 * a street for the organisations it filed itself: then named as its own
 * community, without a code, as the year's reads name them). */
typedef struct year_row {
  const char *street, *community, *code;
  const org *o;
} year_row;

static int year_row_cmp(const void *pa, const void *pb) {
  const year_row *a = pa, *b = pb;
  int c = strcmp(a->street, b->street);
  if (!c) c = strcmp(a->code, b->code);
  return c ? c : strcmp(a->o->id, b->o->id);
}

/* The holder of o's key as the year's reads see it, 0 when it is none (a
 * key that is neither a community nor a street). */
static int year_holder(const data *d, const org *o, year_row *r) {
  r->o = o;
  r->street = o->street;
  if (o->ui >= 0) {
    r->community = o->community;
    r->code = o->code;
    return 1;
  }
  r->community = o->street;
  r->code = "";
  for (size_t i = 0; i < d->n_streets; i++)
    if (!strcmp(d->streets[i][0], o->author)) return 1;
  return d->hub->role == HUB_ROLE_STREET && !strcmp(o->author, d->hub->key_hex);
}

/* The organisations' lists of the year (hub_year_attn), by street,
 * community code and filing number, each a table of its own. */
static cm_rc attention_year_orgs(data *d, hub_year_attn *ya, json_t *out, cm_err *err) {
  static const char *const names[HUB_YEAR_LISTS] = {[HUB_YEAR_SELF] = "inspection_overdue",
                                                    [HUB_YEAR_PLAN] = "plan_missing",
                                                    [HUB_YEAR_SUMMARY] = "summary_missing"};
  year_row *rows[HUB_YEAR_LISTS] = {NULL};
  size_t n[HUB_YEAR_LISTS] = {0};
  cm_rc rc = CM_OK;
  for (int t = 0; !rc && t < HUB_YEAR_LISTS; t++)
    if (!(rows[t] = malloc((d->n_orgs + 1) * sizeof *rows[t]))) rc = nomem(err);
  /* one pass over the organisations (a city's are a quarter of a GB) */
  for (size_t i = 0; !rc && i < d->n_orgs; i++) {
    const org *o = &d->orgs[i];
    year_row r;
    if (!category_ok(d, o) || !year_holder(d, o, &r)) continue;
    unsigned missing = hub_year_missing(ya, o->author, o->id, o->status, o->filed);
    for (int t = 0; t < HUB_YEAR_LISTS; t++)
      if (missing & (1u << t)) rows[t][n[t]++] = r;
  }
  for (int t = 0; !rc && t < HUB_YEAR_LISTS; t++) {
    qsort(rows[t], n[t], sizeof *rows[t], year_row_cmp);
    json_t *arr = json_array();
    rc = arr ? CM_OK : nomem(err);
    for (size_t k = 0; !rc && k < n[t]; k++) {
      if (!row_built(d, k)) continue;
      const year_row *y = &rows[t][k];
      rc = push(arr,
                json_pack("{s:s,s:s,s:s,s:s,s:i,s:s}", "street", y->street, "community",
                          y->community, "org", y->o->id, "name", y->o->name, "year", ya->year[t],
                          "due", ya->due[t]),
                err);
    }
    if (!rc) rc = rows_done(d, out, names[t], arr, n[t], err);
    json_decref(arr);
  }
  for (int t = 0; t < HUB_YEAR_LISTS; t++)
    free(rows[t]);
  return rc;
}

static cm_rc answer_attention(data *d, const hub_dash_params *p, uint64_t now_ms, json_t *out,
                              cm_err *err) {
  (void)p;
  char now_month[8], a_m[8], b_m[8], until[11];
  attn a;
  memset(&a, 0, sizeof a);
  a.d = d;
  cm_month_of(now_ms, now_month);
  cm_date_of(now_ms, a.today);
  cm_date_of(now_ms + 30 * DAY_MS, until);
  int cur = month_idx(now_month);
  json_t *names = json_array(), *station = json_array(), *inactive = json_array(),
         *silent = NULL;
  a.upcoming = json_array();
  a.critic = json_array();
  a.insp_rect = json_array();
  a.acks = json_object();
  cm_rc rc = (names && station && inactive && a.upcoming && a.critic && a.insp_rect && a.acks)
                 ? CM_OK
                 : nomem(err);
  if (rc) goto out;
  /* A year back is enough to say since when an inactive organisation has
   * been quiet; older than that shows as "". */
  cm_month_text(cur - 12, a_m);
  cm_month_text(cur, b_m);
  const char *params[2] = {a_m, b_m};
  active_walk aw = {d, NULL, 0};
  active_memo am = {d, NULL, NULL, 0};
  if (d->reps)
    reps_each(d, cur - 12, cur, 1, reps_active, &am);
  else
    rc = hub_store_dash_rows(d->hub->store, HUB_DQ_LAST_ACTIVE, params, 2, walk_active, &aw, err);
  size_t n_names = 0, n_station = 0, n_inactive = 0; /* rows of each (data.win) */
  for (size_t i = 0; !rc && i < d->n_orgs; i++) {
    const org *o = &d->orgs[i];
    if (!org_active(o) || !category_ok(d, o)) continue;
    if (o->flag_name && row_built(d, n_names++)) {
      json_t *r = org_ref(o);
      if (r) set_str(r, "founded_by", o->founded_by);
      rc = push(names, r, err);
    }
    if (!rc && o->party_members >= 3 && !o->station && row_built(d, n_station++)) {
      json_t *r = org_ref(o);
      if (r) set_int(r, "party_members", o->party_members);
      rc = push(station, r, err);
    }
    /* Quiet for the last three whole months, and filed before them. */
    if (!rc && d->active[i] < cur - HUB_DASH_INACTIVE_MONTHS &&
        (o->filed_month == 0 || o->filed_month < cur - HUB_DASH_INACTIVE_MONTHS) &&
        row_built(d, n_inactive++)) {
      char last[8] = "";
      if (d->active[i]) cm_month_text(d->active[i], last);
      json_t *r = org_ref(o);
      if (r) set_str(r, "last_active", last);
      rc = push(inactive, r, err);
    }
  }
  if (!rc) {
    const char *params2[2] = {a.today, until};
    rc = hub_store_dash_rows(d->hub->store, HUB_DQ_ACKS, NULL, 0, walk_ack, &a, err);
    if (!rc)
      rc =
          hub_store_dash_rows(d->hub->store, HUB_DQ_ACTIVITIES, params2, 2, walk_upcoming, &a, err);
  }
  if (!rc)
    rc = hub_store_dash_rows(d->hub->store, HUB_DQ_DECISIONS, NULL, 0, walk_decision, &a, err);
  if (!rc) rc = attention_units(d, &a.units, err);
  if (!rc) rc = attention_silent(a.units, now_ms, &silent, err);
  if (rc) goto out;
  json_object_set_new(out, "today", json_string(a.today));
  json_object_set_new(out, "category", json_string(p->category ? p->category : ""));
  rc = rows_done(d, out, "names", names, n_names, err);
  if (!rc) rc = rows_done(d, out, "party_station", station, n_station, err);
  if (!rc) rc = rows_done(d, out, "inactive", inactive, n_inactive, err);
  if (rc) goto out;
  json_object_set_new(out, "criticism_overdue", a.critic);
  json_object_set_new(out, "upcoming", a.upcoming);
  json_object_set_new(out, "silent", silent);
  json_object_set_new(out, "inspection_rectify_overdue", a.insp_rect);
  silent = a.critic = a.upcoming = a.insp_rect = NULL;
  /* The year's entries: self-reports, plans and summaries missing, of
   * communities and streets themselves (the year's own lists), and of the
   * organisations held here, which follow the category filter and the unit
   * scope like the others (an organisation out of scope is not in d->orgs). */
  hub_year_attn ya;
  rc = hub_year_attention_locked(d->hub, a.today, d->scope->street, out, &ya, err);
  /* A viewer scoped to one supervising unit sees its organisations only:
   * not communities' and streets' own plans. */
  if (!rc && d->scope->unit[0] &&
      (json_object_set_new(out, "unit_plan_missing", json_array()) ||
       json_object_set_new(out, "unit_summary_missing", json_array())))
    rc = nomem(err);
  if (!rc) rc = attention_year_orgs(d, &ya, out, err);
  if (!rc) rc = attention_feedback(d, a.today, out, err);
out:
  json_decref(names);
  json_decref(station);
  json_decref(inactive);
  json_decref(silent);
  json_decref(a.upcoming);
  json_decref(a.critic);
  json_decref(a.insp_rect);
  json_decref(a.acks);
  if (!rc) {
    d->aux = a.units;
    a.units = NULL;
  }
  json_decref(a.units);
  return rc;
}

/* ---- one organisation ---- */

typedef struct org_walk {
  json_t *records, *amendments, *reports, *activities;
  const char *signer; /* community name */
  const char *author;
  const char *fingerprint;
} org_walk;

static cm_rc walk_org_entry(void *ctx, const hub_dash_row *in, cm_err *err) {
  org_walk *w = ctx;
  const hub_dash_entry_row *r = &in->entry;
  json_t *body = r->body ? json_loads(r->body, 0, NULL) : NULL;
  char record[PROTO_KEY_HEX + 24], t[26], got[26];
  cm_rc rc = CM_OK;
  if (!json_is_object(body)) goto out;
  snprintf(record, sizeof record, "%s/%llu", w->author, (unsigned long long)r->seq);
  cm_time_iso(r->time_ms, t);
  cm_time_iso(r->received_ms, got);
  const char *kind = r->kind;
  json_t *row = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "record", record, "kind", kind,
                          "time", t, "received", got, "status", r->status,
                          "signed_by", w->signer, "fingerprint", w->fingerprint);
  rc = push(w->records, json_incref(row), err);
  if (rc) {
    json_decref(row);
    goto out;
  }
  if (strcmp(kind, "org.amended") == 0 || strcmp(kind, "org.dissolved") == 0) {
    /* A copy: the row in `records` keeps the columns every record has. */
    json_t *m = json_copy(row);
    char *changes = json_dumps(json_object_get(body, "changes"), JSON_COMPACT);
    if (m) {
      set_str(m, "changes", changes ? changes : "");
      set_str(m, "reason", json_string_value(json_object_get(body, "reason")));
    }
    free(changes);
    json_decref(row);
    rc = push(w->amendments, m, err);
  } else if (strcmp(kind, "report.monthly") == 0) {
    json_t *m = json_pack("{s:s}", "month", nz(json_string_value(json_object_get(body, "month"))));
    if (m) {
      set_int(m, "activities", json_integer_value(json_object_get(body, "activities")));
      set_int(m, "participants", json_integer_value(json_object_get(body, "participants")));
      set_int(m, "party_participants",
              json_integer_value(json_object_get(body, "party_participants")));
      set_str(m, "content", json_string_value(json_object_get(body, "content")));
      set_str(m, "good_deeds", json_string_value(json_object_get(body, "good_deeds")));
      json_object_update(m, row);
    }
    json_decref(row);
    rc = push(w->reports, m, err);
  } else if (strcmp(kind, "activity.declared") == 0) {
    json_t *m = json_pack("{s:s}", "id", nz(json_string_value(json_object_get(body, "id"))));
    if (m) {
      set_str(m, "date", json_string_value(json_object_get(body, "date")));
      set_str(m, "title", json_string_value(json_object_get(body, "title")));
      set_str(m, "place", json_string_value(json_object_get(body, "place")));
      set_int(m, "expected", json_integer_value(json_object_get(body, "expected")));
      json_object_update(m, row);
    }
    json_decref(row);
    rc = push(w->activities, m, err);
  } else {
    json_decref(row);
  }
out:
  json_decref(body);
  return rc;
}

typedef struct dec_walk {
  const char *org;
  json_t *arr;
} dec_walk;

static cm_rc walk_org_decision(void *ctx, const hub_dash_row *row, cm_err *err) {
  dec_walk *w = ctx;
  const hub_dash_decision_row *r = &row->decision;
  if (strcmp(r->org, w->org) != 0) return CM_OK;
  char t[26];
  cm_time_iso(r->time_ms, t);
  const char *kind = r->kind;
  if (strncmp(kind, "decision.", 9) == 0) kind += 9;
  return push(w->arr,
              json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "record", r->record,
                        "kind", kind, "by", r->by_level, "deadline", r->deadline, "result",
                        r->result, "reason", r->reason, "operator", r->operator_name, "time", t,
                        "closed", r->closed),
              err);
}

typedef struct find_walk {
  char author[PROTO_KEY_HEX];
  char *data;
  int dissolved, n;
} find_walk;

static cm_rc walk_find(void *ctx, const hub_dash_row *row, cm_err *err) {
  find_walk *f = ctx;
  const hub_dash_found_row *r = &row->found;
  if (f->n++) return CM_OK;
  copy(f->author, sizeof f->author, r->author);
  f->data = strdup(r->data[0] ? r->data : "{}");
  f->dissolved = r->dissolved;
  return f->data ? CM_OK : nomem(err);
}

static cm_rc answer_org(data *d, const hub_dash_params *p, uint64_t now_ms, json_t *out,
                        cm_err *err) {
  find_walk f;
  org_walk w;
  dec_walk dw;
  memset(&f, 0, sizeof f);
  memset(&w, 0, sizeof w);
  json_t *filing = NULL, *decisions = json_array();
  char fp[PROTO_FINGERPRINT_LEN] = "";
  cm_rc rc = CM_OK;
  const char *id = p->org ? p->org : "";
  w.records = json_array();
  w.amendments = json_array();
  w.reports = json_array();
  w.activities = json_array();
  if (!decisions || !w.records || !w.amendments || !w.reports || !w.activities) {
    rc = nomem(err);
    goto out;
  }
  if (strlen(id) == 0 || strlen(id) >= ID_MAX) {
    rc = cm_errf(err, CM_ERR_INVALID, "备案编号应为 1 到 %d 字节", ID_MAX - 1);
    goto out;
  }
  const char *params[2] = {id, NULL};
  rc = hub_store_dash_rows(d->hub->store, HUB_DQ_ORG_FIND, params, 1, walk_find, &f, err);
  if (rc) goto out;
  const org *o = f.n ? org_find(d, f.author, id) : NULL;
  if (!f.n || (!o && (d->scope->street[0] || d->scope->unit[0]))) {
    rc = cm_errf(err, CM_ERR_NOT_FOUND, "本级没有备案编号为 %s 的组织", id);
    goto out;
  }
  uint8_t key[PROTO_KEY_BYTES];
  memset(key, 0, sizeof key);
  if (proto_key_from_hex(f.author, key) == CM_OK) proto_fingerprint(key, fp);
  w.author = f.author;
  w.fingerprint = fp;
  w.signer = o && o->community[0] ? o->community : (o ? o->street : "");
  params[0] = f.author;
  params[1] = id;
  rc = hub_store_dash_rows(d->hub->store, HUB_DQ_ORG_ENTRIES, params, 2, walk_org_entry, &w, err);
  dw.org = id;
  dw.arr = decisions;
  if (!rc)
    rc = hub_store_dash_rows(d->hub->store, HUB_DQ_DECISIONS, NULL, 0, walk_org_decision, &dw, err);
  if (rc) goto out;
  filing = json_loads(f.data, 0, NULL);
  if (!filing) filing = json_object();
  json_object_set_new(out, "id", json_string(id));
  json_object_set_new(out, "street", json_string(o ? o->street : ""));
  json_object_set_new(out, "community", json_string(o ? o->community : ""));
  json_object_set_new(out, "code", json_string(o ? o->code : ""));
  json_object_set_new(out, "author", json_string(f.author));
  json_object_set_new(out, "fingerprint", json_string(fp));
  json_object_set_new(out, "dissolved", json_boolean(f.dissolved));
  json_object_set_new(out, "filing", filing);
  json_object_set_new(out, "records", w.records);
  json_object_set_new(out, "amendments", w.amendments);
  json_object_set_new(out, "reports", w.reports);
  json_object_set_new(out, "activities", w.activities);
  json_object_set_new(out, "decisions", decisions);
  w.records = w.amendments = w.reports = w.activities = decisions = NULL;
  /* Its trainings (培训), a figure per year. */
  json_t *trainings = NULL;
  rc = hub_store_org_trainings_json(d->hub->store, id, d->hub->kp.pk, &trainings, err);
  if (!rc) json_object_set_new(out, "trainings", trainings);
  if (!rc) {
    char today[11];
    cm_date_of(now_ms, today);
    rc = hub_people_org(d->hub, key, id, today, out, err);
  }
out:
  free(f.data);
  json_decref(w.records);
  json_decref(w.amendments);
  json_decref(w.reports);
  json_decref(w.activities);
  json_decref(decisions);
  return rc;
}

/* ---- party-member activity stations ---- */

typedef struct station_walk {
  data *d;
  json_t *rows; /* one per organisation: its newest accepted registration */
} station_walk;

static cm_rc walk_station(void *ctx, const hub_dash_row *r, cm_err *err) {
  station_walk *w = ctx;
  const hub_dash_station_row *t = &r->station;
  org *o = org_find(w->d, t->author, t->org);
  if (!o || !org_active(o) || !category_ok(w->d, o)) return CM_OK;
  json_t *row = org_ref(o);
  if (!row) return nomem(err);
  set_str(row, "station", t->name);
  set_str(row, "leader", t->leader);
  set_int(row, "party_members", t->party_members);
  set_str(row, "committee", t->committee);
  set_str(row, "date", t->date);
  set_str(row, "branch", t->branch);
  set_str(row, "branch_date", t->branch_date);
  /* a later registration of the same organisation replaces the row */
  return json_object_set_new(w->rows, o->id, row) ? nomem(err) : CM_OK;
}

/* Stations per community and the organisations that still need one (three
 * or more party members and no accepted registration). */
static cm_rc answer_stations(data *d, json_t *out, cm_err *err) {
  station_walk w = {d, json_object()};
  json_t *stations = json_array(), *needing = json_array(), *comms = json_array();
  int64_t total_st = 0, total_need = 0;
  size_t n_need = 0;
  cm_rc rc = (w.rows && stations && needing && comms) ? CM_OK : nomem(err);
  if (!rc) rc = hub_store_dash_rows(d->hub->store, HUB_DQ_STATIONS, NULL, 0, walk_station, &w, err);
  for (size_t i = 0; !rc && i < d->n_orgs; i++) {
    const org *o = &d->orgs[i];
    if (!org_active(o) || !category_ok(d, o)) continue;
    json_t *row = json_object_get(w.rows, o->id);
    if (row) {
      total_st++;
      rc = push(stations, json_incref(row), err);
    } else if (o->party_members >= 3) {
      total_need++;
      if (!row_built(d, n_need++)) continue;
      json_t *r = org_ref(o);
      if (r) set_int(r, "party_members", o->party_members);
      rc = push(needing, r, err);
    }
  }
  /* per community, in the hierarchy's order, counted in one pass */
  int64_t(*per)[2] = rc ? NULL : calloc(d->n_units + 1, sizeof *per);
  if (!rc && !per) rc = nomem(err);
  for (size_t i = 0; !rc && i < d->n_orgs; i++) {
    const org *o = &d->orgs[i];
    if (!org_active(o) || !category_ok(d, o)) continue;
    if (json_object_get(w.rows, o->id))
      per[org_unit(d, o)][0]++;
    else if (o->party_members >= 3)
      per[org_unit(d, o)][1]++;
  }
  for (size_t u = 0; !rc && u < d->n_units; u++) {
    if (d->units[u].hidden || !in_scope(d, d->units[u].street)) continue;
    int64_t st = per[u][0], need = per[u][1];
    rc = push(comms,
              json_pack("{s:s, s:s, s:s, s:I, s:I}", "street", d->units[u].street, "community",
                        d->units[u].name, "code", d->units[u].code, "stations", (json_int_t)st,
                        "needing", (json_int_t)need),
              err);
  }
  if (!rc) {
    json_object_set_new(out, "category", json_string(d->category ? d->category : ""));
    json_object_set_new(out, "totals", json_pack("{s:I, s:I}", "stations", (json_int_t)total_st,
                                                 "needing", (json_int_t)total_need));
    json_object_set_new(out, "communities", comms);
    json_object_set_new(out, "stations", stations);
    comms = stations = NULL;
  }
  if (!rc) rc = rows_done(d, out, "needing", needing, n_need, err);
  free(per);
  json_decref(w.rows);
  json_decref(comms);
  json_decref(stations);
  json_decref(needing);
  return rc;
}

/* ---- funding (资金扶持) per year ---- */

/* The year's grants added up per street, community and organisation. */
typedef struct funding_walk {
  data *d;
  json_t *tables[3]; /* streets, communities, organisations */
  json_t *rows[3];   /* each table's rows by funding_key, so a grant finds its row at once */
  int64_t total, count;
} funding_walk;

/* The key of organisation o's row in table t (0 street, 1 community, 2
 * organisation): its names up to that level, each with its length first. */
static void funding_key(const org *o, size_t t, char *out, size_t cap) {
  snprintf(out, cap, "%zu:%s%zu:%s%zu:%s", strlen(o->street), o->street,
           t > 0 ? strlen(o->community) : 0, t > 0 ? o->community : "", t > 1 ? strlen(o->id) : 0,
           t > 1 ? o->id : "");
}

static cm_rc walk_funding(void *arg, const hub_dash_row *row, cm_err *err) {
  funding_walk *w = arg;
  const hub_dash_funding_row *r = &row->funding;
  const org *o = org_find(w->d, r->author, nz(r->org));
  cm_rc rc = CM_OK;
  if (!o || !category_ok(w->d, o)) return CM_OK;
  w->total = cm_rec_add(w->total, r->amount);
  w->count++;
  for (size_t t = 0; t < 3 && !rc; t++) {
    char key[2 * HUB_NAME_MAX + ID_MAX + 64];
    funding_key(o, t, key, sizeof key);
    json_t *found = json_object_get(w->rows[t], key);
    if (!found) {
      found = t == 0   ? json_pack("{s:s}", "street", o->street)
              : t == 1 ? json_pack("{s:s,s:s}", "street", o->street, "community", o->community)
                       : org_ref(o);
      if (found && json_object_set(w->rows[t], key, found)) {
        json_decref(found);
        found = NULL;
      }
      rc = push(w->tables[t], found, err);
      if (rc) break;
    }
    set_int(found, "amount",
            cm_rec_add(json_integer_value(json_object_get(found, "amount")), r->amount));
    set_int(found, "grants", json_integer_value(json_object_get(found, "grants")) + 1);
  }
  return rc;
}

static cm_rc answer_funding(data *d, const hub_dash_params *p, uint64_t now_ms, json_t *out,
                            cm_err *err) {
  char today[11], y[8];
  cm_date_of(now_ms, today);
  int year = atoi(today);
  if (p->year && *p->year) {
    if (strlen(p->year) != 4 || strspn(p->year, "0123456789") != 4 || atoi(p->year) < 2000 ||
        atoi(p->year) > year)
      return cm_errf(err, CM_ERR_INVALID, "「year」应为 2000 到 %d 之间的年份", year);
    year = atoi(p->year);
  }
  funding_walk w = {d, {json_array(), json_array(), json_array()},
                     {json_object(), json_object(), json_object()}, 0, 0};
  snprintf(y, sizeof y, "%d", year);
  const char *params[1] = {y};
  cm_rc rc = w.tables[0] && w.tables[1] && w.tables[2] && w.rows[0] && w.rows[1] && w.rows[2]
                 ? hub_store_dash_rows(d->hub->store, HUB_DQ_FUNDING, params, 1, walk_funding, &w,
                                       err)
                 : nomem(err);
  if (!rc) {
    json_object_set_new(out, "year", json_integer(year));
    json_object_set_new(out, "totals", json_pack("{s:I,s:I}", "amount", (json_int_t)w.total,
                                                  "grants", (json_int_t)w.count));
    json_object_set(out, "streets", w.tables[0]);
    json_object_set(out, "communities", w.tables[1]);
    json_object_set(out, "organisations", w.tables[2]);
  }
  for (size_t t = 0; t < 3; t++) {
    json_decref(w.tables[t]);
    json_decref(w.rows[t]);
  }
  return rc;
}

/* ---- entry points ---- */

/* ---- answers kept per database version ----
 *
 * An answer depends on the database, the request's parameters and scope, and
 * the clock: the date (the default months, deadlines, today's lists) and, for
 * the silent communities of the attention list, the time itself.  The cache
 * keeps the last answers computed under a key of everything but the database
 * they read, the date included, each with the data generation it was
 * computed at (answers.h: every write transaction changes it, whichever
 * process writes); the silent table is worked out again on every request
 * from the units kept beside the answer.  An answer of the current
 * generation is the one a fresh computation would give.
 *
 * An answer of an older generation is given only when its computation took
 * at least the hub's dash_wait_ms (a city's whole-city tables, seconds;
 * never a district's, tens of milliseconds) and was made at most
 * HUB_DASH_BEHIND_MAX_MS ago: marked with the time it was made ("as_of_ms")
 * and "updating", while a thread of the cache computes it again for the
 * next request.  Such a request takes only the cache's own lock, never
 * hub->lock, which a computation holds for its whole snapshot.
 *
 * Locks: hub->lock before c->mu, never the other way; the slots and the
 * queue are only touched under c->mu. */

#define CACHE_SLOTS 16

/* answer or text may be NULL (an answer read back from the database is kept
 * as its text until a caller wants the object; the text is made from the
 * object when a caller wants it) */
typedef struct cache_slot {
  char *key;
  json_t *answer, *aux;
  char *text; /* the answer as the API sends it whole (cm_json_dump) */
  size_t text_len;
  int64_t gen;      /* the data generation it was computed at; -1 unknown */
  uint64_t made_ms; /* the request's clock when it was computed */
  uint64_t cost_ms; /* how long computing it took (0: read back, not computed) */
  uint64_t stamp;   /* which cache_put filled it (dash_cache.puts) */
} cache_slot;

/* A request to compute again in the background: everything answer_get reads
 * of it, copied. */
#define JOB_FIELDS 6
typedef struct refresh_job {
  struct refresh_job *next;
  char *key;
  char name[16];
  hub_dash_scope scope;
  char *f[JOB_FIELDS]; /* category, month, from, to, org, year (NULL: not given) */
  uint64_t now_ms;
} refresh_job;

/* A request asked for lately, to be kept warm (see watch_tick). */
typedef struct watch {
  char *id;          /* cache_key at time 0: the request without its day */
  refresh_job *job;  /* what to compute: name, scope, fields */
  uint64_t asked_ms; /* the request's clock when last asked */
  /* its last computation: the key (with its day), the data generation,
   * when, how long it took; key NULL before the first */
  char *key;
  int64_t gen;
  uint64_t made_ms, cost_ms;
  uint64_t tried_ms; /* when watch_tick last queued it */
  uint64_t saved_ms; /* asked_ms as last kept in the database (0: never) */
} watch;

typedef struct dash_cache {
  pthread_mutex_t mu;
  watch watched[CACHE_SLOTS];
  uint64_t version[2];
  cache_slot slot[CACHE_SLOTS];
  size_t next;   /* the slot the next answer replaces */
  uint64_t puts; /* answers put so far (cache_slot.stamp) */
  /* The answers kept in the database (answers.h), for a hub that has just
   * started, and the source of the data generation: NULL when they cannot
   * be (then the cache is emptied whenever the version changes). */
  hub_answers *kept;
  /* the background computation: one thread, started by the first job */
  hub_ctx *hub;
  pthread_t thread;
  pthread_cond_t wake;
  int started, stop;
  refresh_job *jobs; /* waiting, oldest first */
  char *running;     /* key of the job being computed, or NULL */
  /* where answers are computed (reader_of), opened by the first */
  hub_ctx *reader;
  int reader_tried;
  base *base; /* the organisations last loaded, or NULL */
  uint64_t serials; /* bases kept so far */
  hub_dash_stats stats;
} dash_cache;

/* A reading of the reports kept (reps_get) in c's figures: all of them
 * (fresh), or those packed since. */
static void reps_counted(dash_cache *c, int fresh) {
  pthread_mutex_lock(&c->mu);
  if (fresh)
    c->stats.report_loads++;
  else
    c->stats.report_rows++;
  pthread_mutex_unlock(&c->mu);
}

static void base_free(base *b) {
  if (!b) return;
  free(b->lists);
  free(b->units);
  free(b->by_key);
  free(b->streets);
  free(b->orgs);
  free(b);
}

/* One reference to b fewer (c NULL: b is nobody else's). */
static void base_release(dash_cache *c, base *b) {
  if (!b) return;
  int left = 0;
  if (c) {
    pthread_mutex_lock(&c->mu);
    left = --b->refs;
    pthread_mutex_unlock(&c->mu);
  }
  if (!left) base_free(b);
}

/* d's streets, communities and organisations from the base c keeps, when it
 * was loaded at base generation gen (the current one, read in d's read
 * transaction), for d's scope and with the same lists (their text).  0 when
 * there is none such: d loads them itself. */
static int base_take(dash_cache *c, data *d, int64_t gen, const char *lists) {
  if (!c) return 0;
  pthread_mutex_lock(&c->mu);
  base *b = c->base;
  int ok = b && gen >= 0 && lists && b->gen == gen &&
           strcmp(b->scope.street, d->scope->street) == 0 &&
           strcmp(b->scope.unit, d->scope->unit) == 0 && strcmp(b->lists, lists) == 0;
  if (ok) {
    b->refs++;
  } else {
    c->base = NULL; /* let go before d loads another: a city's is a quarter of a GB */
  }
  pthread_mutex_unlock(&c->mu);
  if (!ok) {
    base_release(c, b);
    return 0;
  }
  d->base = b;
  d->cache = c;
  d->units = b->units;
  d->n_units = b->n_units;
  d->by_key = b->by_key;
  d->streets = b->streets;
  d->n_streets = b->n_streets;
  d->orgs = b->orgs;
  d->n_orgs = b->n_orgs;
  return 1;
}

/* What d loaded, kept by c for the next computation (replacing the one
 * kept before): d then borrows it like one it took.  Nothing kept without a
 * cache, a generation or memory. */
static void base_keep(dash_cache *c, data *d, int64_t gen, const char *lists) {
  base *b = c && gen >= 0 && lists ? calloc(1, sizeof *b) : NULL;
  if (b) b->lists = strdup(lists);
  if (!b || !b->lists) {
    free(b);
    return;
  }
  b->refs = 2; /* the cache's and d's */
  b->gen = gen;
  b->scope = *d->scope;
  b->units = d->units;
  b->n_units = d->n_units;
  b->by_key = d->by_key;
  b->streets = d->streets;
  b->n_streets = d->n_streets;
  b->orgs = d->orgs;
  b->n_orgs = d->n_orgs;
  d->base = b;
  d->cache = c;
  pthread_mutex_lock(&c->mu);
  base *old = c->base;
  c->base = b;
  b->serial = ++c->serials;
  pthread_mutex_unlock(&c->mu);
  base_release(c, old);
}

static void slot_free(cache_slot *s) {
  free(s->key);
  json_decref(s->answer);
  json_decref(s->aux);
  free(s->text);
  memset(s, 0, sizeof *s);
}

static void cache_clear(dash_cache *c) {
  for (size_t i = 0; i < CACHE_SLOTS; i++)
    slot_free(&c->slot[i]);
  c->next = 0;
}

static void job_free(refresh_job *j) {
  if (!j) return;
  free(j->key);
  for (size_t i = 0; i < JOB_FIELDS; i++)
    free(j->f[i]);
  free(j);
}

static void watch_free(watch *w) {
  free(w->id);
  free(w->key);
  job_free(w->job);
  memset(w, 0, sizeof *w);
}

static void cache_free(void *p) {
  dash_cache *c = p;
  if (!c) return;
  pthread_mutex_lock(&c->mu);
  c->stop = 1;
  pthread_cond_signal(&c->wake);
  pthread_mutex_unlock(&c->mu);
  if (c->started) pthread_join(c->thread, NULL);
  for (size_t i = 0; i < CACHE_SLOTS; i++)
    watch_free(&c->watched[i]);
  while (c->jobs) {
    refresh_job *j = c->jobs;
    c->jobs = j->next;
    job_free(j);
  }
  cache_clear(c);
  base_release(c, c->base);
  hub_answers_close(c->kept);
  hub_close(c->reader);
  pthread_cond_destroy(&c->wake);
  pthread_mutex_destroy(&c->mu);
  free(c);
}

static cache_slot *cache_find(dash_cache *c, const char *key) {
  for (size_t i = 0; i < CACHE_SLOTS; i++)
    if (c->slot[i].key && strcmp(c->slot[i].key, key) == 0) return &c->slot[i];
  return NULL;
}

/* Keep a new answer (its object or its text, taken) and aux: in the slot of
 * the same key (an answer of an older generation), else in slot c->next.
 * What the slot held goes to *old, for the caller to free once it has let
 * go of c->mu (a city's answer takes a tenth of a second to free). */
static cache_slot *cache_put(dash_cache *c, char *key, json_t *answer, char *text,
                             size_t text_len, json_t *aux, cache_slot *old) {
  cache_slot *s = cache_find(c, key);
  if (!s) {
    s = &c->slot[c->next];
    c->next = (c->next + 1) % CACHE_SLOTS;
  }
  *old = *s;
  memset(s, 0, sizeof *s);
  s->key = key;
  s->answer = json_incref(answer);
  s->aux = json_incref(aux);
  s->text = text;
  s->text_len = text_len;
  s->gen = -1;
  s->stamp = ++c->puts;
  return s;
}

/* Append field f to k, its length first (NULL written apart from ""), so
 * that no two lists of fields give the same key. */
static cm_rc key_add(cm_buf *k, const char *f) {
  if (!f) return cm_buf_append(k, "-;", 2);
  cm_rc rc = cm_buf_appendf(k, "%zu:", strlen(f));
  return rc ? rc : cm_buf_append(k, f, strlen(f));
}

/* The cache's key of a request: NULL when out of memory (not kept then). */
static char *cache_key(const char *name, const hub_dash_scope *scope, const hub_dash_params *p,
                       uint64_t now_ms) {
  char today[11] = "";
  cm_buf k;
  /* the hierarchy and the stations read no clock */
  if (strcmp(name, "hierarchy") != 0 && strcmp(name, "stations") != 0) cm_date_of(now_ms, today);
  const char *f[] = {name, scope->street, scope->unit, p->category, p->month,
                     p->from, p->to,        p->org,      p->year,     today};
  cm_rc rc = CM_OK;
  cm_buf_init(&k, (size_t)1 << 20);
  for (size_t i = 0; !rc && i < sizeof f / sizeof f[0]; i++)
    rc = key_add(&k, f[i]);
  if (rc || !k.p) {
    cm_buf_free(&k);
    return NULL;
  }
  return (char *)k.p; /* the buffer is the caller's now */
}

/* The answer to give from a kept (or new) answer and its aux: a new object
 * sharing the kept tables, with the silent table worked out for now_ms, and,
 * for an answer of an older generation (behind), when it was made. */
static cm_rc cache_give(const char *name, json_t *kept, const json_t *aux, uint64_t now_ms,
                        const cache_slot *behind, json_t **out, cm_err *err) {
  json_t *j = json_copy(kept);
  cm_rc rc = j ? CM_OK : nomem(err);
  if (!rc && strcmp(name, "attention") == 0) {
    json_t *silent = NULL;
    rc = attention_silent(aux, now_ms, &silent, err);
    if (!rc && json_object_set_new(j, "silent", silent)) rc = nomem(err);
  }
  if (!rc && behind) {
    char iso[26];
    cm_time_iso(behind->made_ms, iso);
    if (json_object_set_new(j, "as_of_ms", json_integer((json_int_t)behind->made_ms)) ||
        json_object_set_new(j, "as_of", json_string(iso)) ||
        json_object_set_new(j, "updating", json_true()))
      rc = nomem(err);
  }
  if (rc) {
    json_decref(j);
    j = NULL;
  }
  *out = j;
  return rc;
}

/* j as the API sends it (cm_json_write: cm_json_dump's bytes): a new string of
 * *len_out bytes. */
static cm_rc dump_text(const json_t *j, char **text_out, size_t *len_out, cm_err *err) {
  cm_buf b;
  cm_buf_init(&b, (size_t)1 << 30);
  if (!j || cm_json_write(j, &b) != CM_OK || !b.p) {
    cm_buf_free(&b);
    return nomem(err);
  }
  *text_out = (char *)b.p; /* the buffer is the caller's now */
  *len_out = b.len;
  return CM_OK;
}

/* The answer of slot s: an object for the caller (want_text 0: *out), or
 * its text (*text_out, a new string of *len_out bytes); behind: s is of an
 * older generation, and says when it was made.  c->mu held. */
static cm_rc slot_give(const char *name, cache_slot *s, uint64_t now_ms, int behind, int want_text,
                       json_t **out, char **text_out, size_t *len_out, cm_err *err) {
  if (want_text) {
    if (!s->text) {
      cm_rc rc = dump_text(s->answer, &s->text, &s->text_len, err);
      if (rc) return rc;
    }
    char head[128] = "", iso[26];
    /* the answer is an object: its first members after "{" */
    cm_time_iso(s->made_ms, iso);
    if (behind && s->text_len > 2 && s->text[0] == '{')
      snprintf(head, sizeof head, "\"as_of_ms\":%llu,\"as_of\":\"%s\",\"updating\":true%s",
               (unsigned long long)s->made_ms, iso, s->text[1] == '}' ? "" : ",");
    size_t hn = strlen(head);
    char *t = malloc(s->text_len + hn + 1);
    if (!t) return nomem(err);
    t[0] = s->text[0];
    memcpy(t + 1, head, hn);
    memcpy(t + 1 + hn, s->text + 1, s->text_len);
    *text_out = t;
    *len_out = s->text_len + hn;
    return CM_OK;
  }
  if (!s->answer) {
    s->answer = json_loadb(s->text, s->text_len, 0, NULL);
    if (!s->answer) return nomem(err);
  }
  return cache_give(name, s->answer, s->aux, now_ms, behind ? s : NULL, out, err);
}

static void *refresh_main(void *arg);

/* A copy of request (name, scope, p) under key at now_ms: NULL when out of
 * memory or the name is too long to be one. */
static refresh_job *job_new(const char *key, const char *name, const hub_dash_scope *scope,
                            const hub_dash_params *p, uint64_t now_ms) {
  if (strlen(name) >= sizeof((refresh_job *)0)->name) return NULL;
  refresh_job *j = calloc(1, sizeof *j);
  const char *f[JOB_FIELDS] = {p->category, p->month, p->from, p->to, p->org, p->year};
  int bad = !j || !(j->key = strdup(key));
  for (size_t i = 0; !bad && i < JOB_FIELDS; i++)
    if (f[i] && !(j->f[i] = strdup(f[i]))) bad = 1;
  if (bad) {
    job_free(j);
    return NULL;
  }
  snprintf(j->name, sizeof j->name, "%s", name);
  j->scope = *scope;
  j->now_ms = now_ms;
  return j;
}

/* The parameters job j was made from; current as hub_dash_params.current. */
static hub_dash_params job_params(const refresh_job *j, int current) {
  hub_dash_params p = {j->f[0], j->f[1], j->f[2], j->f[3], j->f[4], j->f[5], current};
  return p;
}

/* The cache's thread started, once.  c->mu held. */
static int thread_started(dash_cache *c) {
  if (!c->started && pthread_create(&c->thread, NULL, refresh_main, c) == 0) c->started = 1;
  return c->started;
}

/* Queue request (key, name, scope, p, now_ms) to be computed again, unless it
 * waits or runs already.  c->mu held. */
static void refresh_queue(dash_cache *c, const char *key, const char *name,
                          const hub_dash_scope *scope, const hub_dash_params *p, uint64_t now_ms) {
  size_t n = 0;
  refresh_job **tail = &c->jobs;
  if (c->stop || (c->running && strcmp(c->running, key) == 0)) return;
  for (; *tail; tail = &(*tail)->next, n++)
    if (strcmp((*tail)->key, key) == 0) return;
  if (n >= CACHE_SLOTS || !thread_started(c)) return;
  refresh_job *j = job_new(key, name, scope, p, now_ms);
  if (!j) return;
  *tail = j;
  pthread_cond_signal(&c->wake);
}

/* A watched request's time of asking is kept in the database when it is
 * first asked, then at most once an hour: a restarted `serve` needs to know
 * only that it was asked within HUB_DASH_WATCH_MS. */
#define WATCH_SAVE_MS (3600ull * 1000)

/* The earliest time of asking still watched at now_ms. */
static uint64_t watch_since(uint64_t now_ms) {
  return now_ms > HUB_DASH_WATCH_MS ? now_ms - HUB_DASH_WATCH_MS : 0;
}

/* The parameters of a request (refresh_job.f) by name, in the text a
 * watched request is kept as (watch_text). */
static const char *const JOB_FIELD_NAMES[JOB_FIELDS] = {"category", "month", "from",
                                                        "to",       "org",   "year"};

/* Request j as the JSON text kept in the database (answer_watch): a new
 * string, or NULL. */
static char *watch_text(const refresh_job *j) {
  json_t *o = json_object();
  int bad = !o || json_object_set_new(o, "name", json_string(j->name)) ||
            json_object_set_new(o, "street", json_string(j->scope.street)) ||
            json_object_set_new(o, "unit", json_string(j->scope.unit));
  for (size_t i = 0; !bad && i < JOB_FIELDS; i++)
    if (j->f[i]) bad = json_object_set_new(o, JOB_FIELD_NAMES[i], json_string(j->f[i]));
  char *text = bad ? NULL : json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(o);
  return text;
}

/* The request kept as text (watch_text), to be computed at now_ms: a new
 * job (key ""), or NULL when the text is not one. */
static refresh_job *watch_job(const char *text, uint64_t now_ms) {
  json_t *o = json_loads(text, 0, NULL);
  const char *name = json_string_value(json_object_get(o, "name"));
  const char *street = json_string_value(json_object_get(o, "street"));
  const char *unit_code = json_string_value(json_object_get(o, "unit"));
  hub_dash_scope scope;
  memset(&scope, 0, sizeof scope);
  refresh_job *j = NULL;
  if (name && street && unit_code && strlen(street) < sizeof scope.street &&
      strlen(unit_code) < sizeof scope.unit) {
    snprintf(scope.street, sizeof scope.street, "%s", street);
    snprintf(scope.unit, sizeof scope.unit, "%s", unit_code);
    const char *f[JOB_FIELDS];
    for (size_t i = 0; i < JOB_FIELDS; i++)
      f[i] = json_string_value(json_object_get(o, JOB_FIELD_NAMES[i]));
    hub_dash_params p = {f[0], f[1], f[2], f[3], f[4], f[5], 0};
    j = job_new("", name, &scope, &p, now_ms);
  }
  json_decref(o);
  return j;
}

/* The request (name, scope, p) was asked for at now_ms: watched from now
 * on (in place of the one asked for least lately when CACHE_SLOTS are), so
 * that the cache's thread keeps its answer warm (watch_tick).  Only where
 * answers may be given behind (hub->dash_warm_ms >= 0: serve). */
static void watch_asked(hub_ctx *hub, const char *name, const hub_dash_scope *scope,
                        const hub_dash_params *p, uint64_t now_ms) {
  dash_cache *c = __atomic_load_n(&hub->dash_cache, __ATOMIC_ACQUIRE);
  if (!c || hub->dash_warm_ms < 0 || hub->dash_wait_ms < 0 || p->current) return;
  char *id = cache_key(name, scope, p, 0);
  if (!id) return;
  pthread_mutex_lock(&c->mu);
  watch *w = NULL, *oldest = &c->watched[0];
  for (size_t i = 0; i < CACHE_SLOTS && !w; i++) {
    watch *x = &c->watched[i];
    if (x->id && strcmp(x->id, id) == 0) w = x;
    if (!x->id || (oldest->id && x->asked_ms < oldest->asked_ms)) oldest = x;
  }
  if (!w) {
    refresh_job *j = job_new("", name, scope, p, now_ms);
    if (j) {
      w = oldest;
      watch_free(w);
      w->id = id;
      w->job = j;
      w->gen = -1;
      id = NULL;
    }
  }
  if (w && now_ms > w->asked_ms) w->asked_ms = now_ms;
  if (w && !w->key) { /* its computation so far: the answer just given */
    char *key = cache_key(name, scope, p, now_ms);
    cache_slot *s = key ? cache_find(c, key) : NULL;
    if (s) {
      w->key = key;
      key = NULL;
      w->gen = s->gen;
      w->made_ms = s->made_ms;
      w->cost_ms = s->cost_ms;
    }
    free(key);
  }
  /* kept in the database when new, then at most once per WATCH_SAVE_MS */
  char *save_id = NULL, *save_text = NULL;
  uint64_t save_asked = 0;
  if (w && c->kept && (!w->saved_ms || w->asked_ms >= w->saved_ms + WATCH_SAVE_MS)) {
    save_id = strdup(w->id);
    save_text = watch_text(w->job);
    save_asked = w->asked_ms;
    if (save_id && save_text) w->saved_ms = w->asked_ms;
  }
  if (w) thread_started(c);
  pthread_mutex_unlock(&c->mu);
  if (save_id && save_text)
    (void)hub_answers_watch_put(c->kept, save_id, save_text, save_asked, watch_since(save_asked),
                                CACHE_SLOTS);
  free(save_id);
  free(save_text);
  free(id);
}

/* The watched request id (watch_asked) was computed: under key, at data
 * generation gen, at made_ms, in cost_ms.  c->mu held. */
static void watch_done(dash_cache *c, const char *id, const char *key, int64_t gen,
                       uint64_t made_ms, uint64_t cost_ms) {
  for (size_t i = 0; id && i < CACHE_SLOTS; i++) {
    watch *w = &c->watched[i];
    if (!w->id || strcmp(w->id, id) != 0) continue;
    char *k = strdup(key);
    if (!k) return;
    free(w->key);
    w->key = k;
    w->gen = gen;
    w->made_ms = made_ms;
    w->cost_ms = cost_ms;
  }
}

/* Keep the watched answers warm: each one asked for within
 * HUB_DASH_WATCH_MS whose computation is slow (one that may be given
 * behind) is computed again when its last computation is of another day
 * (its key names the day) or of an older data generation and
 * HUB_DASH_WARM_AFTER_MS old — so that an answer given behind is seldom
 * older than that, and nobody waits for the computation of an answer asked
 * for every day.  Queued once per HUB_DASH_WARM_AFTER_MS at most.  gen: the
 * data generation now.  c->mu held. */
static void watch_tick(dash_cache *c, int64_t gen, uint64_t now_ms) {
  hub_ctx *hub = c->hub;
  for (size_t i = 0; i < CACHE_SLOTS; i++) {
    watch *w = &c->watched[i];
    if (!w->id || !w->key || now_ms < w->asked_ms || now_ms - w->asked_ms > HUB_DASH_WATCH_MS ||
        hub->dash_wait_ms < 0 || w->cost_ms < (uint64_t)hub->dash_wait_ms)
      continue;
    if (w->tried_ms && now_ms >= w->tried_ms && now_ms - w->tried_ms < HUB_DASH_WARM_AFTER_MS)
      continue;
    refresh_job *j = w->job;
    hub_dash_params p = job_params(j, 0);
    char *key = cache_key(j->name, &j->scope, &p, now_ms);
    if (!key) continue;
    int same_day = strcmp(key, w->key) == 0;
    if (!same_day ||
        (w->gen != gen && now_ms >= w->made_ms && now_ms - w->made_ms >= HUB_DASH_WARM_AFTER_MS)) {
      refresh_queue(c, key, j->name, &j->scope, &p, now_ms);
      w->tried_ms = now_ms;
    }
    free(key);
  }
}

/* The requests kept in the database (hub_answers_watched), copied out. */
typedef struct watch_rows {
  size_t n;
  struct {
    char *id, *request;
    uint64_t asked_ms;
  } v[CACHE_SLOTS];
} watch_rows;

static int watch_row_add(void *arg, const char *id, const char *request, uint64_t asked_ms) {
  watch_rows *r = arg;
  if (r->n >= CACHE_SLOTS) return 1;
  char *i = strdup(id), *q = strdup(request);
  if (i && q) {
    r->v[r->n].id = i;
    r->v[r->n].request = q;
    r->v[r->n].asked_ms = asked_ms;
    r->n++;
    return 0;
  }
  free(i);
  free(q);
  return 0;
}

static dash_cache *cache_of(hub_ctx *hub);

void hub_dashboard_warm_start(hub_ctx *hub) {
  if (hub->dash_warm_ms < 0 || hub->dash_wait_ms < 0) return;
  pthread_mutex_lock(&hub->lock);
  dash_cache *c = cache_of(hub);
  pthread_mutex_unlock(&hub->lock);
  if (!c || !c->kept) return;
  uint64_t now = cm_now_ms();
  watch_rows rows;
  memset(&rows, 0, sizeof rows);
  hub_answers_watched(c->kept, watch_since(now), CACHE_SLOTS, watch_row_add, &rows);
  size_t queued = 0;
  for (size_t i = 0; i < rows.n; i++) {
    refresh_job *j = watch_job(rows.v[i].request, now);
    if (!j) continue;
    hub_dash_params p = job_params(j, 0);
    char *id = cache_key(j->name, &j->scope, &p, 0), *key = cache_key(j->name, &j->scope, &p, now);
    hub_answer_meta m;
    int current = key && hub_answers_meta(c->kept, key, -1, &m); /* -1: only a current one */
    pthread_mutex_lock(&c->mu);
    watch *w = NULL;
    for (size_t k = 0; id && key && k < CACHE_SLOTS; k++) {
      watch *x = &c->watched[k];
      if (x->id && strcmp(x->id, id) == 0) { /* asked for already since the start */
        w = NULL;
        break;
      }
      if (!x->id && !w) w = x;
    }
    if (w) {
      w->id = id;
      w->job = j;
      w->asked_ms = w->saved_ms = rows.v[i].asked_ms;
      w->gen = -1;
      id = NULL;
      j = NULL;
      if (current) { /* kept at the data now: warm as it is */
        w->key = key;
        key = NULL;
        w->gen = m.gen;
        w->made_ms = m.made_ms;
        w->cost_ms = m.cost_ms;
      } else { /* computed now, before anyone asks (watch_done notes it) */
        refresh_queue(c, key, w->job->name, &w->job->scope, &p, now);
        w->tried_ms = now;
        queued++;
      }
    }
    pthread_mutex_unlock(&c->mu);
    job_free(j);
    free(id);
    free(key);
  }
  for (size_t i = 0; i < rows.n; i++) {
    free(rows.v[i].id);
    free(rows.v[i].request);
  }
  if (queued)
    cm_info("dashboard: %zu answers asked for lately computed again after the start", queued);
  /* Where a page is computed alone (a city), what computations keep loaded
   * before anyone asks: the organisations, the monthly reports and the
   * year's entries, which the attention answer reads all of (the first
   * question nobody asked before would wait a second and more for them). */
  if (hub->dash_page_orgs < 0) return;
  size_t n_orgs = 0;
  pthread_mutex_lock(&hub->lock);
  if (hub_store_org_count(hub->store, &n_orgs, NULL) != CM_OK) n_orgs = 0;
  pthread_mutex_unlock(&hub->lock);
  if (n_orgs >= (size_t)hub->dash_page_orgs) {
    hub_dash_scope all;
    hub_dash_params none;
    memset(&all, 0, sizeof all);
    memset(&none, 0, sizeof none);
    char *key = cache_key("attention", &all, &none, now);
    pthread_mutex_lock(&c->mu);
    if (key) refresh_queue(c, key, "attention", &all, &none, now);
    pthread_mutex_unlock(&c->mu);
    free(key);
  }
}

/* The hub's cache, made and its kept answers opened by the first use (under
 * hub->lock): NULL when out of memory.  Published last, so that a request
 * that reads hub->dash_cache without hub->lock (answer_quick) sees it whole. */
static dash_cache *cache_of(hub_ctx *hub) {
  dash_cache *c = hub->dash_cache;
  if (c) return c;
  c = calloc(1, sizeof *c);
  if (!c) return NULL;
  if (pthread_mutex_init(&c->mu, NULL) != 0) {
    free(c);
    return NULL;
  }
  if (pthread_cond_init(&c->wake, NULL) != 0) {
    pthread_mutex_destroy(&c->mu);
    free(c);
    return NULL;
  }
  cm_err ignored;
  (void)hub_answers_open(hub->dir, &c->kept, &ignored);
  c->hub = hub;
  hub->dash_cache_free = cache_free;
  __atomic_store_n(&hub->dash_cache, c, __ATOMIC_RELEASE);
  return c;
}

/* What answer_get does with its answer: give it (an object or its text), or
 * compute it for the cache only (the background thread). */
enum { GIVE_OBJECT, GIVE_TEXT, KEEP_ONLY };

/* The hub answers are computed on: a hub_ctx of the cache's own (hub_open
 * again, its connection refusing writes), so that a computation, seconds at
 * a city, never holds hub->lock and the hub takes pushes meanwhile (WAL: its
 * snapshot stays while they commit).  NULL when it cannot be opened. */
static hub_ctx *reader_of(dash_cache *c, hub_ctx *hub) {
  pthread_mutex_lock(&c->mu);
  if (!c->reader_tried) {
    cm_err err;
    hub_ctx *r = NULL;
    c->reader_tried = 1;
    if (hub_open(hub->dir, &r, &err) != CM_OK || hub_store_query_only(r->store, &err) != CM_OK) {
      cm_warn("dashboard: computing on the hub's own connection: %s", err.msg);
      hub_close(r);
      r = NULL;
    }
    c->reader = r;
  }
  hub_ctx *r = c->reader;
  pthread_mutex_unlock(&c->mu);
  return r;
}

/* An answer of an older generation that took cost_ms to compute at made_ms
 * may be given at now_ms (see above). */
static int behind_ok(const hub_ctx *hub, uint64_t cost_ms, uint64_t made_ms, uint64_t now_ms) {
  return hub->dash_wait_ms >= 0 && cost_ms >= (uint64_t)hub->dash_wait_ms && now_ms >= made_ms &&
         now_ms - made_ms <= HUB_DASH_BEHIND_MAX_MS;
}

/* Slot s, of the current generation, as answer_get gives it (give). */
static cm_rc slot_answer(const char *name, cache_slot *s, uint64_t now_ms, int give, json_t **out,
                         char **text_out, size_t *len_out, cm_err *err) {
  if (give == KEEP_ONLY) return CM_OK;
  return slot_give(name, s, now_ms, 0, give == GIVE_TEXT, out, text_out, len_out, err);
}

/* The slot of key read back as text only: its object made without c->mu
 * (parsing a city's answer takes seconds), for the request that wants it. */
static void slot_parse(dash_cache *c, const char *key) {
  char *copy = NULL;
  uint64_t was = 0;
  size_t n = 0;
  pthread_mutex_lock(&c->mu);
  cache_slot *s = cache_find(c, key);
  if (s && !s->answer && s->text && (copy = malloc(s->text_len + 1)) != NULL) {
    memcpy(copy, s->text, s->text_len + 1);
    n = s->text_len;
    was = s->stamp;
  }
  pthread_mutex_unlock(&c->mu);
  if (!copy) return;
  json_t *j = json_loadb(copy, n, 0, NULL);
  free(copy);
  pthread_mutex_lock(&c->mu);
  s = cache_find(c, key);
  if (j && s && !s->answer && s->stamp == was) { /* the same answer still */
    s->answer = j;
    j = NULL;
  }
  pthread_mutex_unlock(&c->mu);
  json_decref(j);
}

/* The hub's cache for a request that does not hold hub->lock (made under
 * it by the first request): NULL when out of memory. */
static dash_cache *cache_quick(hub_ctx *hub) {
  dash_cache *c = __atomic_load_n(&hub->dash_cache, __ATOMIC_ACQUIRE);
  if (!c) { /* the first request: nothing computes yet */
    pthread_mutex_lock(&hub->lock);
    c = cache_of(hub);
    pthread_mutex_unlock(&hub->lock);
  }
  return c;
}

/* How slow an older answer kept in the database must have been to be read
 * for request p (hub_answers_get_text's older_cost_ms): -1, never, for
 * ?fresh=1. */
static int64_t kept_older_cost(const hub_ctx *hub, const hub_dash_params *p) {
  return p->current ? -1 : hub->dash_wait_ms;
}

/* A kept answer read back (meta m) may be given to request p at now_ms:
 * of the current generation, or one that may be given behind. */
static int kept_givable(const hub_ctx *hub, const hub_dash_params *p, const hub_answer_meta *m,
                        uint64_t now_ms) {
  return m->current || (!p->current && behind_ok(hub, m->cost_ms, m->made_ms, now_ms));
}

/* The request answered from the cache without hub->lock: 1 when it was (its
 * result in *rc_out), 0 when it must be computed.  The answer is the current
 * generation's, or an older one whose computation is slow (see above). */
static int answer_quick(hub_ctx *hub, const char *name, const hub_dash_scope *scope,
                        const hub_dash_params *p, uint64_t now_ms, int want_text, json_t **out,
                        char **text_out, size_t *len_out, cm_rc *rc_out, cm_err *err) {
  dash_cache *c = cache_quick(hub);
  int64_t gen = 0;
  int done = 0;
  if (!c || !c->kept || !hub_answers_gen(c->kept, &gen)) return 0;
  char *key = cache_key(name, scope, p, now_ms);
  if (!key) return 0;
  pthread_mutex_lock(&c->mu);
  cache_slot *s = cache_find(c, key);
  pthread_mutex_unlock(&c->mu);
  if (!s) {
    /* a hub that has just started: the answer kept in the database, of this
     * generation or one it may give behind (read without c->mu: a large one
     * takes a while) */
    char *kt = NULL;
    size_t kn = 0;
    json_t *kx = NULL;
    hub_answer_meta m;
    hub_answers_get_text(c->kept, key, kept_older_cost(hub, p), &kt, &kn, &kx, &m);
    char *k2 = kt && kept_givable(hub, p, &m, now_ms) ? strdup(key) : NULL;
    cache_slot old;
    memset(&old, 0, sizeof old);
    pthread_mutex_lock(&c->mu);
    if (k2 && !cache_find(c, key)) {
      s = cache_put(c, k2, NULL, kt, kn, kx, &old);
      s->gen = m.gen;
      s->made_ms = m.made_ms;
      s->cost_ms = m.cost_ms;
      kt = k2 = NULL;
    }
    pthread_mutex_unlock(&c->mu);
    slot_free(&old);
    free(k2);
    free(kt);
    json_decref(kx);
  }
  if (!want_text) slot_parse(c, key);
  pthread_mutex_lock(&c->mu);
  s = cache_find(c, key);
  if (s && s->gen == gen) {
    *rc_out = slot_give(name, s, now_ms, 0, want_text, out, text_out, len_out, err);
    done = 1;
  } else if (s && s->gen >= 0 && !p->current && behind_ok(hub, s->cost_ms, s->made_ms, now_ms)) {
    *rc_out = slot_give(name, s, now_ms, 1, want_text, out, text_out, len_out, err);
    refresh_queue(c, key, name, scope, p, now_ms);
    done = 1;
  }
  pthread_mutex_unlock(&c->mu);
  free(key);
  return done;
}

static cm_rc page_cut(json_t *j, const char *table, long pg, long per, const json_t *cut,
                      json_t **out, cm_err *err);
static cm_rc rows_asked(json_t *j, const hub_dash_rows *n, const char *only, json_t **out,
                        cm_err *err);

/* A request answered from the pages of the answer kept in the database
 * (page_quick, named_quick): the request, its cache and key, the pages read. */
typedef struct kept_read {
  const char *name;
  const hub_dash_scope *scope;
  const hub_dash_params *p;
  uint64_t now_ms;
  dash_cache *c;
  char *key; /* the request's cache key */
  hub_answer_page kp;
} kept_read;

/* 1, with k ready for reading pages, when the hub keeps answers in the
 * database and the cache holds none for the request in memory; else 0 (k
 * needs no kept_end): it is answered from memory or computed. */
static int kept_cold(hub_ctx *hub, const char *name, const hub_dash_scope *scope,
                     const hub_dash_params *p, uint64_t now_ms, kept_read *k) {
  memset(k, 0, sizeof *k);
  dash_cache *c = cache_quick(hub);
  if (!c || !c->kept) return 0;
  char *key = cache_key(name, scope, p, now_ms);
  if (!key) return 0;
  pthread_mutex_lock(&c->mu);
  int in_memory = cache_find(c, key) != NULL;
  pthread_mutex_unlock(&c->mu);
  if (in_memory) {
    free(key);
    return 0;
  }
  *k = (kept_read){.name = name, .scope = scope, .p = p, .now_ms = now_ms, .c = c, .key = key};
  return 1;
}

static void kept_end(kept_read *k) {
  hub_answer_page_free(&k->kp);
  free(k->key);
}

/* The rows read from the kept answer's pages (k->kp) put into its head and
 * given as the cache gives a kept answer, into *j: marked when it is
 * behind, and then computed again in the background. */
static cm_rc kept_give(kept_read *k, json_t **j, cm_err *err) {
  hub_answer_page *kp = &k->kp;
  int behind = !kp->meta.current;
  cm_rc rc = CM_OK;
  cache_slot mark;
  memset(&mark, 0, sizeof mark);
  mark.made_ms = kp->meta.made_ms;
  const char *t;
  json_t *v;
  *j = NULL;
  json_object_foreach(kp->rows, t, v) {
    if (json_object_set(kp->head, t, v)) rc = nomem(err);
  }
  if (!rc) rc = cache_give(k->name, kp->head, kp->aux, k->now_ms, behind ? &mark : NULL, j, err);
  if (behind) {
    pthread_mutex_lock(&k->c->mu);
    refresh_queue(k->c, k->key, k->name, k->scope, k->p, k->now_ms);
    pthread_mutex_unlock(&k->c->mu);
  }
  return rc;
}

/* Page pg (HUB_DASH_PAGE_MAX rows) of the request answered without
 * hub->lock from the pages of the answer kept in the database, when the
 * cache holds no answer for it (a hub that has just started: a city's page
 * then reads one page, not tens of MB): 1 when it was (its result in
 * *rc_out), 0 when it must be answered whole.  The same answer as
 * answer_quick would give, and the same mark when it is behind. */
static int page_quick(hub_ctx *hub, const char *name, const hub_dash_scope *scope,
                      const hub_dash_params *p, uint64_t now_ms, const char *table, int table_only,
                      long pg, json_t **out, cm_rc *rc_out, cm_err *err) {
  _Static_assert(HUB_DASH_PAGE_MAX == HUB_ANSWERS_PAGE_ROWS, "a page is a kept page");
  kept_read k;
  int done = 0;
  if (!kept_cold(hub, name, scope, p, now_ms, &k)) return 0;
  if (hub_answers_get_page(k.c->kept, k.key, kept_older_cost(hub, p), pg, &k.kp)) {
    const char *t;
    json_t *v;
    /* ?table= names the one table cut; any other long one would come whole
     * (left empty when the caller reads that table only) */
    int whole_too = 0, one = table && *table;
    json_object_foreach(k.kp.counts, t, v) {
      if (one && strcmp(table, t) != 0) {
        if (!table_only) whole_too = 1;
        json_object_del(k.kp.rows, t);
      }
    }
    if (!whole_too && kept_givable(hub, p, &k.kp.meta, now_ms)) {
      json_t *j = NULL;
      *rc_out = kept_give(&k, &j, err);
      if (!*rc_out) *rc_out = page_cut(j, table, pg, HUB_DASH_PAGE_MAX, k.kp.counts, out, err);
      json_decref(j);
      done = 1;
    }
  }
  kept_end(&k);
  return done;
}

/* The request narrowed to a street or a community (and sorted) as
 * hub_dash_rows says, answered without hub->lock from the pages of the
 * answer kept in the database that hold that street's or community's rows,
 * when the cache holds no answer for it (a city's community after a start
 * then reads a page or two, not tens of MB): 1 when it was (the result in
 * *rc_out: page pg of per rows when paged, else the whole narrowed answer),
 * 0 when it must be answered whole.  The same answer as narrowing the whole
 * one gives, and the same mark when it is behind. */
static int named_quick(hub_ctx *hub, const char *name, const hub_dash_scope *scope,
                       const hub_dash_params *p, uint64_t now_ms, const char *table,
                       const char *only, int paged, long pg, long per, const hub_dash_rows *narrow,
                       json_t **out, cm_rc *rc_out, cm_err *err) {
  int by_community = narrow->community && *narrow->community;
  if (!by_community && !(narrow->street && *narrow->street)) return 0;
  kept_read k;
  int done = 0;
  if (!kept_cold(hub, name, scope, p, now_ms, &k)) return 0;
  /* one name, no sort, every table paged: only the rows of page pg are
   * read (a street's first page reads a page or two of its thousands) */
  int one = paged && !(table && *table) && !(by_community && narrow->street && *narrow->street) &&
            !(narrow->sort && *narrow->sort);
  long from = one ? (pg - 1) * per : 0, upto = one ? pg * per : -1;
  if (hub_answers_get_named(k.c->kept, k.key, kept_older_cost(hub, p),
                            by_community ? "community" : "street",
                            by_community ? narrow->community : narrow->street, from, upto, &k.kp) &&
      kept_givable(hub, p, &k.kp.meta, now_ms)) {
    json_t *j = NULL, *asked = NULL;
    *rc_out = kept_give(&k, &j, err);
    if (!*rc_out) *rc_out = rows_asked(j, narrow, only, &asked, err);
    if (!*rc_out && paged)
      *rc_out = page_cut(asked, table, pg, per, one ? k.kp.counts : NULL, out, err);
    if (!*rc_out && !paged) *out = json_incref(asked);
    json_decref(asked);
    json_decref(j);
    done = 1;
  }
  kept_end(&k);
  return done;
}

/* hub_dashboard_answer, or its text (GIVE_TEXT; never for the attention
 * list, whose silent table is worked out per request), or neither
 * (KEEP_ONLY: computed afresh for the cache).  win_per > 0: a page (win_pg,
 * win_per rows) is asked for; when it is computed alone here
 * (hub_ctx.dash_page_orgs), *cut_out is set (data.cut) and the whole answer
 * is computed behind. */
static cm_rc answer_get(hub_ctx *hub, const char *name, const hub_dash_scope *scope,
                        const hub_dash_params *p, uint64_t now_ms, int give, json_t **out,
                        char **text_out, size_t *len_out, long win_pg, long win_per,
                        json_t **cut_out, cm_err *err) {
  data d;
  memset(&d, 0, sizeof d);
  d.hub = hub;
  d.scope = scope;
  d.category = p->category;
  json_t *j = NULL;
  cm_rc rc = CM_OK;
  uint64_t version[2] = {0, 0};
  int64_t gen = -1;
  int have_gen = 0, want_text = give == GIVE_TEXT;
  char *key = NULL;
  dash_cache *c = NULL;
  if (out) *out = NULL;
  if (p->category && strlen(p->category) >= CAT_MAX)
    return cm_errf(err, CM_ERR_INVALID, "类别最多 %d 字节", CAT_MAX - 1);
  if (give != KEEP_ONLY &&
      answer_quick(hub, name, scope, p, now_ms, want_text, out, text_out, len_out, &rc, err))
    return rc;
  pthread_mutex_lock(&hub->lock);
  c = cache_of(hub);
  /* The reports a write changed packed again first (a failure leaves the
   * answer to read the reports themselves), and before the version, which
   * this write changes. */
  if (strcmp(name, "completeness") == 0 || strcmp(name, "activity") == 0 ||
      strcmp(name, "attention") == 0) {
    cm_err ignored;
    (void)hub_store_report_years_refresh(hub->store, &ignored);
  }
  /* Read before the snapshot: a write between the two only makes the answer
   * newer than its label, and the next request computes again. */
  if (c && hub_store_version(hub->store, version, NULL) == CM_OK &&
      (key = cache_key(name, scope, p, now_ms)) != NULL) {
    if (c->kept) have_gen = hub_answers_gen(c->kept, &gen);
    if (!have_gen) gen = -1;
    pthread_mutex_lock(&c->mu);
    /* without the generation, a write (a new version) is all a slot can go by */
    if (memcmp(version, c->version, sizeof version) != 0) {
      if (!have_gen) cache_clear(c);
      memcpy(c->version, version, sizeof version);
    }
    cache_slot *s = cache_find(c, key);
    if (s && (!have_gen || s->gen == gen)) {
      rc = slot_answer(name, s, now_ms, give, out, text_out, len_out, err);
      pthread_mutex_unlock(&c->mu);
      pthread_mutex_unlock(&hub->lock);
      free(key);
      return rc;
    }
    pthread_mutex_unlock(&c->mu);
    /* (the answer kept in the database was looked for by answer_quick) */
  }
  /* Computed on the cache's own connection, hub->lock released (pushes go
   * on meanwhile); on hub itself under hub->lock when there is none. */
  hub_ctx *on = c && key ? reader_of(c, hub) : NULL;
  if (on) {
    pthread_mutex_unlock(&hub->lock);
    pthread_mutex_lock(&on->lock);
    /* computed by the request before this one while this one waited? */
    pthread_mutex_lock(&c->mu);
    cache_slot *s = have_gen ? cache_find(c, key) : NULL;
    if (s && s->gen == gen) {
      rc = slot_answer(name, s, now_ms, give, out, text_out, len_out, err);
      pthread_mutex_unlock(&c->mu);
      pthread_mutex_unlock(&on->lock);
      free(key);
      return rc;
    }
    pthread_mutex_unlock(&c->mu);
  } else {
    on = hub;
  }
  d.hub = on;
  uint64_t t0 = cm_mono_ms();
  j = json_object();
  rc = j ? CM_OK : nomem(err);
  /* One read transaction: every figure of an answer from the same snapshot. */
  if (!rc) rc = hub_store_read_begin(on->store, err);
  if (!rc) rc = hub_lists_all(on, 1, &d.lists, err);
  /* the organisations of the computation before, when nothing they depend
   * on changed since (one organisation's page reads its own) */
  int one_org = strcmp(name, "org") == 0;
  int64_t base_gen = -1;
  char *lists = NULL;
  if (!rc && !one_org && c && hub_store_base_gen(on->store, &base_gen, NULL) == CM_OK)
    lists = json_dumps(d.lists, JSON_COMPACT | JSON_SORT_KEYS);
  if (!rc && (one_org || !base_take(c, &d, base_gen, lists))) {
    rc = load_base(&d, one_org ? (p->org ? p->org : "") : NULL, err);
    if (!rc && !one_org && c) {
      pthread_mutex_lock(&c->mu);
      c->stats.base_loads++;
      pthread_mutex_unlock(&c->mu);
      base_keep(c, &d, base_gen, lists);
    }
  }
  free(lists);
  if (!rc && !(d.active = calloc(d.n_orgs + 1, sizeof *d.active))) rc = nomem(err);
  /* the monthly reports kept, for the answers that walk them */
  if (!rc && !hub->dash_reps_off &&
      (strcmp(name, "completeness") == 0 || strcmp(name, "activity") == 0 ||
       strcmp(name, "attention") == 0))
    rc = reps_get(&d, err);
  /* only the page, the whole answer behind: at a city, seconds */
  if (!rc && win_per > 0 && cut_out && key && give == GIVE_OBJECT && hub->dash_wait_ms >= 0 &&
      hub->dash_page_orgs >= 0 && d.n_orgs >= (size_t)hub->dash_page_orgs &&
      (strcmp(name, "hierarchy") == 0 || strcmp(name, "completeness") == 0 ||
       strcmp(name, "stations") == 0 || strcmp(name, "attention") == 0)) {
    d.win = 1;
    d.win_per = (size_t)win_per;
    d.win_first = (size_t)(win_pg - 1) * (size_t)win_per;
    if (!(d.cut = json_object())) rc = nomem(err);
  }
  if (!rc) {
    if (strcmp(name, "hierarchy") == 0)
      rc = answer_hierarchy(&d, j, err);
    else if (strcmp(name, "completeness") == 0)
      rc = answer_completeness(&d, p, now_ms, j, err);
    else if (strcmp(name, "activity") == 0)
      rc = answer_activity(&d, p, now_ms, j, err);
    else if (strcmp(name, "attention") == 0)
      rc = answer_attention(&d, p, now_ms, j, err);
    else if (strcmp(name, "org") == 0)
      rc = answer_org(&d, p, now_ms, j, err);
    else if (strcmp(name, "stations") == 0)
      rc = answer_stations(&d, j, err);
    else if (strcmp(name, "funding") == 0)
      rc = answer_funding(&d, p, now_ms, j, err);
    else
      rc = cm_errf(err, CM_ERR_NOT_FOUND, "统计看板没有“%s”这项数据", name);
  }
  hub_store_rollback(on->store);
  if (!rc) {
    json_object_set_new(j, "scope", json_string(scope->street));
    if (scope->unit[0]) json_object_set_new(j, "unit_scope", json_string(scope->unit));
  }
  if (!rc && d.win) {
    pthread_mutex_lock(&c->mu);
    c->stats.page_runs++;
    refresh_queue(c, key, name, scope, p, now_ms);
    pthread_mutex_unlock(&c->mu);
    pthread_mutex_unlock(&on->lock);
    free(key);
    *cut_out = d.cut;
    d.cut = NULL;
    data_free(&d);
    *out = j;
    return CM_OK;
  }
  if (!rc && key) {
    uint64_t cost = cm_mono_ms() - t0;
    char *id = cache_key(name, scope, p, 0);
    if (have_gen) hub_answers_keep(c->kept, key, gen, j, d.aux, now_ms, cost);
    /* the text asked for made before c->mu is taken (a city's: tenths of a
     * second), kept in the slot and a copy given */
    char *text = NULL;
    size_t tn = 0;
    if (give == GIVE_TEXT) rc = dump_text(j, &text, &tn, err);
    if (!rc && text && !(*text_out = malloc(tn + 1))) rc = nomem(err);
    if (!rc && text) {
      memcpy(*text_out, text, tn + 1);
      *len_out = tn;
    }
    cache_slot old;
    memset(&old, 0, sizeof old);
    if (!rc) {
      pthread_mutex_lock(&c->mu);
      cache_slot *s = cache_put(c, key, j, text, tn, d.aux, &old);
      s->gen = gen;
      s->made_ms = now_ms;
      s->cost_ms = cost;
      watch_done(c, id, s->key, gen, now_ms, cost);
      key = NULL;
      text = NULL;
      pthread_mutex_unlock(&c->mu);
    }
    free(id);
    free(text);
    slot_free(&old);
    if (give != GIVE_OBJECT) {
      pthread_mutex_unlock(&on->lock);
      free(key);
      data_free(&d);
      json_decref(j);
      return rc;
    }
  }
  pthread_mutex_unlock(&on->lock);
  free(key);
  data_free(&d);
  if (rc || give == KEEP_ONLY) {
    json_decref(j);
    return rc;
  }
  if (want_text) { /* not kept in memory (no key): its text now */
    rc = dump_text(j, text_out, len_out, err);
    json_decref(j);
    return rc;
  }
  /* The caller's own object: the kept one is never changed. */
  json_t *given = json_copy(j);
  json_decref(j);
  if (!given) return nomem(err);
  *out = given;
  return CM_OK;
}

/* The cache's thread: computes the queued requests again, one at a time,
 * until the cache is freed. */
static void *refresh_main(void *arg) {
  dash_cache *c = arg;
  int tick = c->hub->dash_warm_ms;
  uint64_t next = cm_mono_ms() + (uint64_t)(tick > 0 ? tick : 0);
  pthread_mutex_lock(&c->mu);
  for (;;) {
    while (!c->stop && !c->jobs) {
      if (tick < 0) {
        pthread_cond_wait(&c->wake, &c->mu);
        continue;
      }
      uint64_t now = cm_mono_ms();
      if (now >= next) { /* the watched answers kept warm */
        int64_t gen = 0;
        pthread_mutex_unlock(&c->mu);
        int have = c->kept && hub_answers_gen(c->kept, &gen);
        uint64_t clock = cm_now_ms();
        pthread_mutex_lock(&c->mu);
        if (have && !c->stop) watch_tick(c, gen, clock);
        next = cm_mono_ms() + (uint64_t)tick;
        continue;
      }
      struct timespec until;
      clock_gettime(CLOCK_REALTIME, &until);
      uint64_t wait = next - now;
      until.tv_sec += (time_t)(wait / 1000);
      until.tv_nsec += (long)(wait % 1000) * 1000000L;
      if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
      }
      pthread_cond_timedwait(&c->wake, &c->mu, &until);
    }
    if (c->stop) break;
    refresh_job *jb = c->jobs;
    c->jobs = jb->next;
    c->running = jb->key;
    pthread_mutex_unlock(&c->mu);
    hub_dash_params p = job_params(jb, 1);
    cm_err err;
    cm_err_clear(&err);
    if (answer_get(c->hub, jb->name, &jb->scope, &p, jb->now_ms, KEEP_ONLY, NULL, NULL, NULL, 0, 0,
                   NULL, &err))
      cm_error("dashboard: computing %s again: %s", jb->name, err.msg);
    pthread_mutex_lock(&c->mu);
    c->running = NULL;
    job_free(jb);
  }
  pthread_mutex_unlock(&c->mu);
  return NULL;
}

cm_rc hub_dashboard_answer(hub_ctx *hub, const char *name, const hub_dash_scope *scope,
                           const hub_dash_params *p, uint64_t now_ms, json_t **out, cm_err *err) {
  *out = NULL;
  cm_rc rc = answer_get(hub, name, scope, p, now_ms, GIVE_OBJECT, out, NULL, NULL, 0, 0, NULL, err);
  if (!rc) watch_asked(hub, name, scope, p, now_ms);
  return rc;
}

cm_rc hub_dashboard_answer_text(hub_ctx *hub, const char *name, const hub_dash_scope *scope,
                                const hub_dash_params *p, uint64_t now_ms, char **text_out,
                                size_t *len_out, cm_err *err) {
  *text_out = NULL;
  *len_out = 0;
  cm_rc rc;
  if (strcmp(name, "attention") != 0) {
    rc = answer_get(hub, name, scope, p, now_ms, GIVE_TEXT, NULL, text_out, len_out, 0, 0, NULL,
                    err);
  } else {
    json_t *j = NULL;
    rc = answer_get(hub, name, scope, p, now_ms, GIVE_OBJECT, &j, NULL, NULL, 0, 0, NULL, err);
    if (!rc) rc = dump_text(j, text_out, len_out, err);
    json_decref(j);
  }
  if (!rc) watch_asked(hub, name, scope, p, now_ms);
  return rc;
}

/* What the computations on connection on keep beside the organisations:
 * the year's entries and the monthly reports (caller holds on->lock). */
static void loaded_forget(hub_ctx *on) {
  hub_year_forget_locked(on);
  if (on->dash_reps_free) on->dash_reps_free(on->dash_reps);
  on->dash_reps = NULL;
  on->dash_reps_free = NULL;
}

/* Forget the answers; the organisations too unless keep_base; and unless
 * keep_loaded, what the computations keep beside them. */
static void forget(hub_ctx *hub, int keep_base, int keep_loaded) {
  pthread_mutex_lock(&hub->lock);
  /* opened first: answers kept by an earlier process are forgotten too */
  dash_cache *c = cache_of(hub);
  base *b = NULL;
  if (c) {
    pthread_mutex_lock(&c->mu);
    cache_clear(c);
    if (!keep_base) {
      b = c->base;
      c->base = NULL;
    }
    pthread_mutex_unlock(&c->mu);
    base_release(c, b);
  }
  if (c && c->kept) hub_answers_forget(c->kept);
  if (!keep_loaded) loaded_forget(hub);
  hub_ctx *r = NULL;
  if (c) { /* what the computing connection keeps, when it is open */
    pthread_mutex_lock(&c->mu);
    r = c->reader;
    pthread_mutex_unlock(&c->mu);
  }
  pthread_mutex_unlock(&hub->lock);
  if (r && !keep_loaded) {
    pthread_mutex_lock(&r->lock);
    loaded_forget(r);
    pthread_mutex_unlock(&r->lock);
  }
}

void hub_dashboard_settle(hub_ctx *hub) {
  pthread_mutex_lock(&hub->lock);
  dash_cache *c = cache_of(hub);
  pthread_mutex_unlock(&hub->lock);
  if (!c) return;
  pthread_mutex_lock(&c->mu);
  while (c->jobs || c->running) {
    pthread_mutex_unlock(&c->mu);
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
    pthread_mutex_lock(&c->mu);
  }
  pthread_mutex_unlock(&c->mu);
}

void hub_dashboard_stats(hub_ctx *hub, hub_dash_stats *out) {
  pthread_mutex_lock(&hub->lock);
  dash_cache *c = cache_of(hub);
  pthread_mutex_unlock(&hub->lock);
  memset(out, 0, sizeof *out);
  if (c) {
    pthread_mutex_lock(&c->mu);
    *out = c->stats;
    pthread_mutex_unlock(&c->mu);
  }
}

void hub_dashboard_forget(hub_ctx *hub) {
  forget(hub, 0, 0);
}

void hub_dashboard_forget_answers(hub_ctx *hub) {
  forget(hub, 1, 1);
}

void hub_dashboard_forget_organisations(hub_ctx *hub) {
  forget(hub, 0, 1);
}

cm_rc hub_dashboard_due_day_get(hub_ctx *hub, int *day_out, cm_err *err) {
  (void)err;
  pthread_mutex_lock(&hub->lock);
  *day_out = due_day(hub);
  pthread_mutex_unlock(&hub->lock);
  return CM_OK;
}

cm_rc hub_dashboard_due_day_set(hub_ctx *hub, int day, cm_err *err) {
  char v[16];
  if (day < 1 || day > 28)
    return cm_errf(err, CM_ERR_INVALID, "月报截止日应为（次月）1 到 28 日");
  snprintf(v, sizeof v, "%d", day);
  pthread_mutex_lock(&hub->lock);
  cm_rc rc = hub_store_begin(hub->store, err);
  if (!rc) rc = hub_store_config_set(hub->store, HUB_DASH_DUE_DAY_KEY, v, err);
  if (!rc)
    rc = hub_store_commit(hub->store, err);
  else
    hub_store_rollback(hub->store);
  pthread_mutex_unlock(&hub->lock);
  return rc;
}

/* A whole number from min to max in text s (digits only) into *out. */
static int page_number(const char *s, long min, long max, long *out) {
  if (!s || !*s || strlen(s) > 9 || strspn(s, "0123456789") != strlen(s)) return 0;
  *out = atol(s);
  return *out >= min && *out <= max;
}

/* Page and per_page of a request into *pg and *per: 0 when neither is given
 * (the answer whole), 1 when they are, CM_ERR_INVALID's message in err and
 * -1 when one is bad. */
static int page_args(const char *page, const char *per_page, long *pg, long *per, cm_err *err) {
  *pg = 1;
  *per = HUB_DASH_PAGE_MAX;
  if ((!page || !*page) && (!per_page || !*per_page)) return 0;
  if (page && *page && !page_number(page, 1, 100000000, pg)) {
    cm_errf(err, CM_ERR_INVALID, "页码（page）应为从 1 起的整数");
    return -1;
  }
  if (per_page && *per_page && !page_number(per_page, 1, HUB_DASH_PAGE_MAX, per)) {
    cm_errf(err, CM_ERR_INVALID, "每页行数（per_page）应为 1 到 %d", HUB_DASH_PAGE_MAX);
    return -1;
  }
  return 1;
}

/* Page pg of answer j, per rows a page (hub_dashboard_page); the tables
 * named in cut ({table: rows in all}, or NULL) hold that page's rows
 * already (read by pages: hub_answers_get_page). */
static cm_rc page_cut(json_t *j, const char *table, long pg, long per, const json_t *cut,
                      json_t **out, cm_err *err) {
  json_t *o = json_copy(j), *tables = json_object(), *v;
  const char *k;
  cm_rc rc = o && tables ? CM_OK : nomem(err);
  *out = NULL;
  json_object_foreach(j, k, v) {
    if (rc) break;
    json_t *all = cut ? json_object_get(cut, k) : NULL;
    size_t n = all ? (size_t)json_integer_value(all) : json_array_size(v);
    if (!hub_answers_is_table(v)) continue;
    if (table && *table && strcmp(table, k) != 0) continue;
    if (json_object_set_new(tables, k,
                            json_pack("{s:I, s:I}", "rows", (json_int_t)n, "pages",
                                      (json_int_t)(n ? (n + (size_t)per - 1) / (size_t)per : 1)))) {
      rc = nomem(err);
      break;
    }
    if (all || n <= (size_t)per) continue;
    json_t *slice = json_array();
    size_t from = (size_t)(pg - 1) * (size_t)per;
    for (size_t i = from; slice && i < n && i < from + (size_t)per; i++)
      if (json_array_append(slice, json_array_get(v, i))) {
        json_decref(slice);
        slice = NULL;
      }
    if (!slice || json_object_set_new(o, k, slice)) rc = nomem(err);
  }
  if (!rc && json_object_set_new(o, "paging",
                                 json_pack("{s:I, s:I, s:O}", "page", (json_int_t)pg, "per_page",
                                           (json_int_t)per, "tables", tables)))
    rc = nomem(err);
  json_decref(tables);
  if (rc) {
    json_decref(o);
    return rc;
  }
  *out = o;
  return CM_OK;
}

cm_rc hub_dashboard_page(json_t *j, const char *table, const char *page, const char *per_page,
                         json_t **out, cm_err *err) {
  long pg, per;
  *out = NULL;
  int paged = page_args(page, per_page, &pg, &per, err);
  if (paged < 0) return CM_ERR_INVALID;
  if (!paged) {
    *out = json_incref(j);
    return CM_OK;
  }
  return page_cut(j, table, pg, per, NULL, out, err);
}

/* 1 when name (NULL or "": none) is one a narrowing may name. */
static int narrow_name_ok(const char *name) {
  size_t n = name ? strlen(name) : 0;
  return n <= HUB_DASH_NARROW_MAX && cm_utf8_valid((const uint8_t *)(name ? name : ""), n);
}

/* Table rows into a new array: those whose member field is the string want
 * (hub_dash_rows). */
static json_t *rows_naming(json_t *rows, const char *field, const char *want) {
  json_t *kept = json_array(), *r;
  size_t i;
  json_array_foreach(rows, i, r) {
    const char *v = json_string_value(json_object_get(r, field));
    if (kept && v && strcmp(v, want) == 0 && json_array_append(kept, r)) {
      json_decref(kept);
      kept = NULL;
    }
  }
  return kept;
}

/* One row of a table being sorted, with its sort key read once. */
typedef struct sort_row {
  json_t *row;
  size_t at; /* its place in the answer: equal keys keep their order */
  int empty; /* no value, null or "" */
  int text;  /* a string (else a number) */
  int desc;  /* the order asked for, in every row (qsort passes no argument) */
  double num;
  const char *str;
} sort_row;

/* The order hub_dash_rows says: empty values last ascending (first
 * descending, as the page's own sorting), numbers before text. */
static int sort_cmp(const void *pa, const void *pb) {
  const sort_row *a = pa, *b = pb;
  int c;
  if (a->empty || b->empty)
    c = a->empty == b->empty ? 0 : a->empty ? 1 : -1;
  else if (a->text != b->text)
    c = a->text ? 1 : -1;
  else if (a->text)
    c = strcmp(a->str, b->str);
  else
    c = a->num < b->num ? -1 : a->num > b->num;
  if (a->desc) c = -c;
  return c ? c : (a->at < b->at ? -1 : a->at > b->at);
}

/* Table rows into a new array sorted by column col (hub_dash_rows). */
static json_t *rows_sorted(json_t *rows, const char *col, int desc) {
  size_t n = json_array_size(rows);
  sort_row *s = calloc(n ? n : 1, sizeof *s);
  json_t *out = s ? json_array() : NULL;
  for (size_t i = 0; out && i < n; i++) {
    json_t *v = json_object_get(json_array_get(rows, i), col);
    s[i].row = json_array_get(rows, i);
    s[i].at = i;
    s[i].desc = desc;
    s[i].text = json_is_string(v);
    s[i].str = json_string_value(v);
    s[i].num = json_is_number(v) ? json_number_value(v) : json_is_true(v) ? 1 : 0;
    s[i].empty = !v || json_is_null(v) || (s[i].text && !*s[i].str);
  }
  if (out) qsort(s, n, sizeof *s, sort_cmp);
  for (size_t i = 0; out && i < n; i++) {
    if (json_array_append(out, s[i].row)) {
      json_decref(out);
      out = NULL;
    }
  }
  free(s);
  return out;
}

/* 1 when rows asks for a sort it may: a column name and asc or desc. */
static int sort_ok(const hub_dash_rows *r) {
  const char *c = r->sort ? r->sort : "", *o = r->order ? r->order : "";
  size_t n = strlen(c);
  return n <= 64 && strspn(c, "abcdefghijklmnopqrstuvwxyz_0123456789") == n &&
         (!*o || !strcmp(o, "asc") || !strcmp(o, "desc"));
}

/* Answer j narrowed and sorted as hub_dash_rows says, into *out (a new
 * object sharing j's rows: the cached answer is never changed); only the
 * table `only` when it is given (a file reads no other: a city's 250,000
 * organisations are not sorted for a file of its communities). */
static cm_rc rows_asked(json_t *j, const hub_dash_rows *n, const char *only, json_t **out,
                        cm_err *err) {
  json_t *o = json_copy(j), *v;
  const char *k;
  *out = NULL;
  if (!o) return nomem(err);
  json_object_foreach(j, k, v) {
    if (!hub_answers_is_table(v) || !json_array_size(v) || (only && strcmp(only, k) != 0)) continue;
    json_t *first = json_array_get(v, 0), *rows = json_incref(v);
    static const char *const fields[] = {"street", "community"};
    const char *wants[] = {n->street, n->community};
    for (int f = 0; f < 2 && rows; f++) {
      if (!wants[f] || !*wants[f] || !json_object_get(first, fields[f])) continue;
      json_t *in = rows;
      rows = rows_naming(in, fields[f], wants[f]);
      json_decref(in);
    }
    if (rows && n->sort && *n->sort && json_object_get(first, n->sort)) {
      json_t *in = rows;
      rows = rows_sorted(in, n->sort, n->order && !strcmp(n->order, "desc"));
      json_decref(in);
    }
    if (!rows || json_object_set_new(o, k, rows)) {
      json_decref(o);
      return nomem(err);
    }
  }
  *out = o;
  return CM_OK;
}

cm_rc hub_dashboard_answer_page(hub_ctx *hub, const char *name, const hub_dash_scope *scope,
                                const hub_dash_params *p, uint64_t now_ms, const char *table,
                                int table_only, const char *page, const char *per_page,
                                const hub_dash_rows *narrow, json_t **out, cm_err *err) {
  long pg, per;
  *out = NULL;
  int paged = page_args(page, per_page, &pg, &per, err);
  if (paged < 0) return CM_ERR_INVALID;
  if (narrow && (!narrow_name_ok(narrow->street) || !narrow_name_ok(narrow->community)))
    return cm_errf(err, CM_ERR_INVALID,
                   "街道（street）或社区（community）的名称应为不超过%d字节的文字",
                   HUB_DASH_NARROW_MAX);
  if (narrow && !sort_ok(narrow))
    return cm_errf(
        err, CM_ERR_INVALID,
        "排序列（sort）应为列名（小写字母、数字和下划线），顺序（order）应为 asc 或 desc");
  int asked =
      narrow && ((narrow->street && *narrow->street) || (narrow->community && *narrow->community) ||
                 (narrow->sort && *narrow->sort));
  cm_rc rc = CM_OK;
  if (paged && per == HUB_DASH_PAGE_MAX && !asked &&
      page_quick(hub, name, scope, p, now_ms, table, table_only, pg, out, &rc, err)) {
    if (!rc) watch_asked(hub, name, scope, p, now_ms);
    return rc;
  }
  const char *only = table_only && table && *table ? table : NULL;
  if (asked && named_quick(hub, name, scope, p, now_ms, table, only, paged, pg, per, narrow, out,
                           &rc, err)) {
    if (!rc) watch_asked(hub, name, scope, p, now_ms);
    return rc;
  }
  json_t *j = NULL, *cut = NULL;
  /* a page of the answer as it is may be computed alone (answer_get): of
   * every table, or for a file of one table (the others may come empty) */
  if (paged && !asked && (!table || !*table || table_only)) {
    rc = answer_get(hub, name, scope, p, now_ms, GIVE_OBJECT, &j, NULL, NULL, pg, per, &cut, err);
    if (!rc) watch_asked(hub, name, scope, p, now_ms);
  } else {
    rc = hub_dashboard_answer(hub, name, scope, p, now_ms, &j, err);
  }
  if (!rc && asked) {
    json_t *whole = j;
    rc = rows_asked(whole, narrow, only, &j, err);
    json_decref(whole);
  }
  if (!rc && !paged) {
    *out = j;
    return CM_OK;
  }
  if (!rc) rc = page_cut(j, table, pg, per, cut, out, err);
  json_decref(cut);
  json_decref(j);
  return rc;
}

cm_rc hub_dashboard_csv(const json_t *j, const char *table, cm_buf *out, cm_err *err) {
  hub_table t;
  cm_rc rc = hub_table_from(j, table, CM_LANG_ZH, 0, &t, err);
  if (!rc) rc = hub_table_csv(&t, out, err);
  hub_table_free(&t);
  return rc;
}
