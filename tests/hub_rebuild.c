/* hub_rebuild.c - the projection: a few hundred random entries of three
 * communities (filings, amendments, dissolutions, monthly reports and their
 * corrections, activity declarations, unknown kinds and unreadable bodies),
 * ingested in random changesets and bundles; `rebuild` must give exactly the
 * incremental tables, and the summary must equal a model kept by the test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "hub/project.h"
#include "hub/store.h"
#include "hub/summary.h"
#include "hub_testlib.h"

#define N_COMM 3
#define N_ORG 6
#define N_MONTH 12
#define N_ENTRIES 360

typedef struct model {
  int filed[N_COMM][N_ORG];
  int dissolved[N_COMM][N_ORG];
  int have[N_COMM][N_ORG][N_MONTH];
  long act[N_COMM][N_ORG][N_MONTH], part[N_COMM][N_ORG][N_MONTH], party[N_COMM][N_ORG][N_MONTH];
} model;

static unsigned rng_state = 12345u;
static unsigned rnd(unsigned n) {
  rng_state = rng_state * 1103515245u + 12345u;
  return (rng_state >> 8) % n;
}

/* Write one random entry of community c into kind/body, updating the model. */
static void random_entry(model *m, int c, char *kind, size_t kcap, char *body, size_t bcap) {
  int org = (int)rnd(N_ORG);
  char id[32];
  snprintf(id, sizeof id, "12010500100%d-%04d", c, org + 1);
  switch (rnd(10)) {
  case 0:
  case 1: {
    unsigned members = rnd(50), party = rnd(5);
    snprintf(kind, kcap, "org.filed");
    snprintf(body, bcap,
             "{\"id\":\"%s\",\"name\":\"組織%d\",\"category\":\"助老\",\"leader\":\"王\","
             "\"phone\":\"1\",\"members\":%u,\"party_members\":%u,\"party_station\":false,"
             "\"founded_by\":\"self\",\"scope\":\"\",\"venue\":\"\",\"filed\":\"2026-01-01\","
             "\"flags\":[]}",
             id, org, members, party);
    /* the domain core refuses more party members than members */
    if (party <= members) {
      m->filed[c][org] = 1;
      m->dissolved[c][org] = 0;
    }
    break;
  }
  case 2:
    snprintf(kind, kcap, "org.amended");
    snprintf(body, bcap, "{\"id\":\"%s\",\"changes\":{\"members\":%u},\"flags\":[]}", id, rnd(80));
    break;
  case 3:
    snprintf(kind, kcap, "org.dissolved");
    snprintf(body, bcap, "{\"id\":\"%s\",\"reason\":\"合併\"}", id);
    if (m->filed[c][org]) m->dissolved[c][org] = 1;
    break;
  case 4:
    snprintf(kind, kcap, "activity.declared");
    snprintf(body, bcap,
             "{\"id\":\"%s-A%u\",\"org\":\"%s\",\"date\":\"2026-12-01\",\"title\":\"t\","
             "\"place\":\"p\",\"expected\":%u,\"description\":\"\"}",
             id, rnd(4), id, rnd(300));
    break;
  case 5:
    /* Kinds the projection does not show, and a body it cannot read. */
    if (rnd(2)) {
      snprintf(kind, kcap, "rectification.filed");
      snprintf(body, bcap, "{\"org\":\"%s\",\"decision\":\"x/1\",\"content\":\"\"}", id);
    } else {
      snprintf(kind, kcap, "report.monthly");
      snprintf(body, bcap, "{\"org\":\"%s\",\"month\":", id);
    }
    break;
  default: {
    int mo = (int)rnd(N_MONTH);
    /* within the domain core's bounds (party participants at most participants) */
    unsigned a = rnd(10), p = 20 + rnd(480), pp = rnd(20);
    snprintf(kind, kcap, "report.monthly");
    snprintf(body, bcap,
             "{\"org\":\"%s\",\"month\":\"2026-%02d\",\"activities\":%u,\"participants\":%u,"
             "\"party_participants\":%u,\"content\":\"內容\",\"scope\":\"\",\"good_deeds\":\"\"}",
             id, mo + 1, a, p, pp);
    /* a report of an organisation its author never filed is refused */
    if (!m->filed[c][org]) break;
    m->have[c][org][mo] = 1;
    m->act[c][org][mo] = a;
    m->part[c][org][mo] = p;
    m->party[c][org][mo] = pp;
    break;
  }
  }
}

static void dump(hub_ctx *hub, cm_buf *b) {
  cm_buf_init(b, 64u << 20);
  assert_int_equal(hub_store_projection_dump(hub->store, b, NULL), CM_OK);
  assert_true(b->len > 0);
}

static void check_summary(hub_ctx *hub, const model *m) {
  long orgs = 0, reports = 0, act = 0, part = 0, party = 0;
  for (int c = 0; c < N_COMM; c++)
    for (int o = 0; o < N_ORG; o++) {
      orgs += m->filed[c][o] && !m->dissolved[c][o];
      for (int mo = 0; mo < N_MONTH; mo++)
        if (m->have[c][o][mo]) {
          reports++;
          act += m->act[c][o][mo];
          part += m->part[c][o][mo];
          party += m->party[c][o][mo];
        }
    }
  json_t *s = hub_summary(hub, NULL);
  assert_non_null(s);
  json_t *p = json_object_get(s, "pending");
  assert_int_equal(json_integer_value(json_object_get(p, "organisations")), orgs);
  assert_int_equal(json_integer_value(json_object_get(p, "reports")), reports);
  assert_int_equal(json_integer_value(json_object_get(p, "activities")), act);
  assert_int_equal(json_integer_value(json_object_get(p, "participants")), part);
  assert_int_equal(json_integer_value(json_object_get(p, "party_participants")), party);
  json_t *comms = json_object_get(json_array_get(json_object_get(s, "streets"), 0), "communities");
  assert_int_equal(json_array_size(comms), N_COMM);
  json_decref(s);
}

static void test_rebuild_equals_incremental(void **state) {
  (void)state;
  char *dir = tl_tmpdir();
  assert_non_null(dir);
  hub_ctx *hub = tl_hub(dir, "street", HUB_ROLE_STREET, "光復道街");
  assert_non_null(hub);
  tl_author c[N_COMM];
  model *m = calloc(1, sizeof *m);
  assert_non_null(m);
  for (int i = 0; i < N_COMM; i++) {
    char name[32], code[16];
    snprintf(name, sizeof name, "社區%d", i);
    snprintf(code, sizeof code, "12010500100%d", i);
    assert_int_equal(tl_author_new(&c[i]), 0);
    assert_int_equal(tl_enroll(hub, &c[i], name, code), 0);
  }

  int written = 0, rebuilt_midway = 0;
  while (written < N_ENTRIES) {
    /* A bundle of 1..3 changesets of 1..20 entries, authors interleaved. */
    size_t ncs = 1 + rnd(3);
    uint8_t *cs[3];
    size_t len[3];
    for (size_t k = 0; k < ncs; k++) {
      int a = (int)rnd(N_COMM);
      size_t n = 1 + rnd(20);
      const char **kinds = calloc(n, sizeof *kinds);
      const char **bodies = calloc(n, sizeof *bodies);
      char(*kb)[64] = calloc(n, sizeof *kb);
      char(*bb)[1024] = calloc(n, sizeof *bb);
      assert_true(kinds && bodies && kb && bb);
      for (size_t i = 0; i < n; i++) {
        random_entry(m, a, kb[i], sizeof kb[i], bb[i], sizeof bb[i]);
        kinds[i] = kb[i];
        bodies[i] = bb[i];
      }
      assert_int_equal(tl_changeset(&c[a], n, kinds, bodies, 0, &cs[k], &len[k]), 0);
      written += (int)n;
      free(kinds);
      free(bodies);
      free(kb);
      free(bb);
    }
    uint8_t *b = NULL;
    size_t blen = 0;
    assert_int_equal(tl_bundle(cs, len, ncs, &b, &blen), 0);
    assert_int_equal(tl_ingest(hub, b, blen, NULL), 200);
    free(b);
    for (size_t k = 0; k < ncs; k++) free(cs[k]);
    /* Rebuild once half-way: ingest must go on from rebuilt tables. */
    if (!rebuilt_midway && written > N_ENTRIES / 2) {
      assert_int_equal(hub_rebuild(hub, NULL), CM_OK);
      rebuilt_midway = 1;
    }
  }

  cm_buf inc, reb;
  dump(hub, &inc);
  check_summary(hub, m);
  assert_int_equal(hub_rebuild(hub, NULL), CM_OK);
  dump(hub, &reb);
  assert_int_equal(inc.len, reb.len);
  assert_memory_equal(inc.p, reb.p, inc.len);
  check_summary(hub, m);

  /* The same again from a second connection, as the CLI would run it. */
  char path[4096];
  snprintf(path, sizeof path, "%s/street", dir);
  hub_ctx *again = NULL;
  assert_int_equal(hub_open(path, &again, NULL), CM_OK);
  assert_int_equal(hub_rebuild(again, NULL), CM_OK);
  cm_buf reb2;
  dump(again, &reb2);
  assert_int_equal(inc.len, reb2.len);
  assert_memory_equal(inc.p, reb2.p, inc.len);
  hub_close(again);

  cm_buf_free(&inc);
  cm_buf_free(&reb);
  cm_buf_free(&reb2);
  free(m);
  hub_close(hub);
  tl_rmrf(dir);
  free(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_rebuild_equals_incremental),
  };
  return cmocka_run_group_tests_name("hub_rebuild", tests, NULL, NULL);
}
