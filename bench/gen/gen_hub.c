/* gen_hub.c - see gen_hub.h.  Records go through tl_changeset and
 * hub_ingest_bundle exactly as a node's push would. */
#include "gen_hub.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "hub/review.h"
#include "tests/hub_testlib.h"

#define BATCH 64 /* months per bundle */

static const char *const COMMUNITY[] = {"建昌道", "铁东路", "民主道", "鼓楼东", "宁园",   "江都路",
                                        "光复道", "宙纬路", "昆纬路", "月纬路", "王串场", "新开河"};
static const char *const ORG[][2] = {
    {"夕阳红志愿服务队", "志愿服务"}, {"书画协会", "文体活动"}, {"太极拳健身队", "文体活动"},
    {"邻里互助会", "邻里互助"},       {"老年协会", "养老助老"}, {"环保志愿队", "环境保护"},
    {"平安巡逻队", "治安巡逻"},       {"读书会", "教育辅导"},   {"合唱团", "文体活动"},
    {"助残服务队", "志愿服务"},
};
static const char *const DEEDS[] = {"帮助邻居修理水管", "拾金不昧归还钱包", "雨天护送小学生回家",
                                    "照顾生病的独居老人", ""};

/* xorshift: the same data for the same seed on every machine. */
static uint32_t rnd(uint32_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 17;
  *s ^= *s << 5;
  return *s;
}

/* Shanghai midnight of day `day` of month index m, in Unix ms. */
static uint64_t day_ms(int m, int day) {
  char month[8], date[16];
  uint64_t t = 0;
  cm_month_text(m, month);
  snprintf(date, sizeof date, "%s-%02d", month, day);
  return cm_date_parse(date, &t) == CM_OK ? t : 0;
}

/* One changeset of n entries (kinds/bodies) appended to the bundle parts. */
static int add_cs(tl_author *a, size_t n, const char **kinds, char **bodies, uint8_t **cs,
                  size_t *lens, size_t *n_cs) {
  if (tl_changeset(a, n, (const char *const *)kinds, (const char *const *)bodies, 0, &cs[*n_cs],
                   &lens[*n_cs]))
    return -1;
  (*n_cs)++;
  return 0;
}

static int flush(hub_ctx *hub, uint8_t **cs, size_t *lens, size_t *n_cs) {
  uint8_t *b = NULL;
  size_t blen = 0;
  int rc = 0;
  if (!*n_cs) return 0;
  if (tl_bundle(cs, lens, *n_cs, &b, &blen) || tl_ingest(hub, b, blen, NULL) != 200) {
    fprintf(stderr, "gen_hub: ingest refused a bundle\n");
    rc = -1;
  }
  free(b);
  for (size_t i = 0; i < *n_cs; i++)
    free(cs[i]);
  *n_cs = 0;
  return rc;
}

/* Kinds of the year's entries written in January for the year ending
 * (inspection.self, summary.annual) or beginning (plan.annual). */
static const char *const YEAR_KINDS[] = {"inspection.self", "summary.annual", "plan.annual"};

static int year_entries(tl_author *a, const gen_spec *spec, const char *code, const char *month,
                        const char **kinds, char **bodies, uint8_t **cs, size_t *lens,
                        size_t *n_cs, uint32_t *seed, gen_totals *out) {
  int year = atoi(month), rc = 0;
  size_t n_orgs = (size_t)spec->orgs;
  int end = 0;
  char now[8];
  cm_month_parse(spec->end_month, &end);
  cm_month_text(end + 1, now);
  for (size_t t = 0; !rc && t < 3; t++) {
    size_t k = 0;
    /* a plan only for this year or the next, as the hub takes them */
    if (t == 2 && year + 1 < atoi(now)) break;
    for (size_t o = 0; o < n_orgs; o++) {
      if (rnd(seed) % 20 == 0) continue; /* one in twenty has not written it */
      unsigned members = 8 + rnd(seed) % 50;
      kinds[k] = YEAR_KINDS[t];
      if (t == 0)
        snprintf(bodies[k], 1024,
                 "{\"org\":\"%s-%04zu\",\"year\":%d,\"activities\":%u,\"members\":%u,"
                 "\"joined\":2,\"left\":1,\"party_members\":1,\"funds_received\":120000,"
                 "\"funds_used\":90000,\"problems\":\"场地紧张\",\"plans\":\"继续开展活动\","
                 "\"opinion\":\"agree\"}",
                 code, o + 1, year, 12 + rnd(seed) % 40, members);
      else if (t == 1)
        snprintf(bodies[k], 1024,
                 "{\"org\":\"%s-%04zu\",\"year\":%d,\"results\":\"全年开展公益活动\","
                 "\"problems\":\"\",\"activities_held\":%u}",
                 code, o + 1, year, 12 + rnd(seed) % 40);
      else
        snprintf(bodies[k], 1024,
                 "{\"org\":\"%s-%04zu\",\"year\":%d,\"goals\":\"服务本社区居民\","
                 "\"activities\":\"每月活动\",\"planned_count\":%u}",
                 code, o + 1, year + 1, 12 + rnd(seed) % 40);
      out->year_entries++;
      k++;
    }
    /* the community's own plan of the next year and summary of this one */
    if (t > 0) {
      kinds[k] = t == 1 ? "summary.unit" : "plan.unit";
      snprintf(bodies[k], 1024,
               t == 1 ? "{\"year\":%d,\"results\":\"社区组织发展良好\",\"problems\":\"\","
                        "\"activities_held\":100}"
                      : "{\"year\":%d,\"goals\":\"培育社区组织\",\"activities\":\"每月活动\","
                        "\"planned_count\":100}",
               t == 1 ? year : year + 1);
      out->year_entries++;
      k++;
    }
    if (k) rc = add_cs(a, k, kinds, bodies, cs, lens, n_cs);
  }
  return rc;
}

/* The street accepts every pending batch of filings, so that the
 * organisations count in the year's figures and lists as accepted ones do. */
static int accept_filings(hub_ctx *hub) {
  json_t *list = NULL, *b;
  cm_err err;
  size_t i;
  int rc = hub_review_list(hub, &list, &err) ? -1 : 0;
  json_array_foreach(list, i, b) {
    if (rc) break;
    if (!json_object_get(json_object_get(b, "kinds"), "org.filed")) continue;
    if (hub_review_accept(hub, json_integer_value(json_object_get(b, "id")), "李", NULL, 0, NULL,
                          &err))
      rc = -1;
  }
  if (rc) fprintf(stderr, "gen_hub: accepting the filings: %s\n", err.msg);
  json_decref(list);
  return rc;
}

int gen_hub_fill(hub_ctx *hub, const gen_spec *spec, gen_totals *out) {
  uint32_t seed = spec->seed ? spec->seed : 7u;
  int end = 0, rc = 0;
  size_t n_orgs = (size_t)spec->orgs;
  const char **kinds = calloc(n_orgs + 1, sizeof *kinds);
  char **bodies = calloc(n_orgs + 1, sizeof *bodies);
  uint8_t *cs[BATCH + 4];
  size_t lens[BATCH + 4], n_cs = 0;
  memset(out, 0, sizeof *out);
  if (!kinds || !bodies || cm_month_parse(spec->end_month, &end) != CM_OK) {
    fprintf(stderr, "gen_hub: bad spec\n");
    rc = -1;
    goto out;
  }
  for (size_t i = 0; i <= n_orgs; i++) { /* one more: a community's own plan */
    bodies[i] = malloc(1024);
    if (!bodies[i]) {
      rc = -1;
      goto out;
    }
  }
  int first = end - spec->months + 1;
  for (int c = 0; !rc && c < spec->communities; c++) {
    tl_author a;
    char name[128], code[32], cname[64];
    size_t nc = sizeof COMMUNITY / sizeof COMMUNITY[0];
    /* a city's thousands of communities: each its own name */
    if (c < 2 * (int)nc)
      snprintf(cname, sizeof cname, "%s%s", COMMUNITY[(size_t)c % nc], c >= (int)nc ? "二" : "");
    else
      snprintf(cname, sizeof cname, "%s%d", COMMUNITY[(size_t)c % nc], c / (int)nc + 1);
    snprintf(name, sizeof name, "%s社区", cname);
    snprintf(code, sizeof code, "120105%03d%03d", 1 + c / 40, 1 + c % 40);
    if (tl_author_new(&a) || tl_enroll(hub, &a, name, code)) {
      rc = -1;
      break;
    }
    /* Filings, a month before the first report. */
    a.time_ms = day_ms(first - 1, 3);
    char filed[16], fm[8];
    cm_month_text(first - 1, fm);
    snprintf(filed, sizeof filed, "%s-03", fm);
    for (size_t o = 0; o < n_orgs; o++) {
      const char *const *org = ORG[o % (sizeof ORG / sizeof ORG[0])];
      int party = (int)(rnd(&seed) % 6);
      kinds[o] = "org.filed";
      snprintf(bodies[o], 1024,
               "{\"id\":\"%s-%04zu\",\"name\":\"%s%s%s\",\"category\":\"%s\",\"leader\":\"张桂兰\","
               "\"phone\":\"13900000000\",\"members\":%u,\"party_members\":%d,"
               "\"party_station\":%s,\"founded_by\":\"self\",\"scope\":\"本社区居民\","
               "\"venue\":\"社区服务中心\",\"filed\":\"%s\",\"flags\":[%s]}",
               code, o + 1, cname, org[0], o >= 10 ? "分队" : "", org[1], 8 + rnd(&seed) % 50,
               party, party >= 3 && o % 4 ? "true" : "false", filed,
               party >= 3 && !(o % 4) ? "\"party_station\"" : "");
      out->orgs++;
    }
    rc = add_cs(&a, n_orgs, kinds, bodies, cs, lens, &n_cs);
    for (int m = first; !rc && m <= end; m++) {
      char month[8];
      cm_month_text(m, month);
      int day = 1 + (int)(rnd(&seed) % 9); /* 1..9: after the 5th is late */
      a.time_ms = day_ms(m + 1, day) + 9ull * 3600 * 1000;
      size_t k = 0;
      for (size_t o = 0; o < n_orgs; o++) {
        if (rnd(&seed) % 25 == 0) continue; /* a few never report that month */
        unsigned act = 1 + rnd(&seed) % 6, parts = act * (8 + rnd(&seed) % 30),
                 party = rnd(&seed) % (act * 2 + 1);
        const char *deed = DEEDS[rnd(&seed) % (sizeof DEEDS / sizeof DEEDS[0])];
        kinds[k] = "report.monthly";
        snprintf(bodies[k], 1024,
                 "{\"org\":\"%s-%04zu\",\"month\":\"%s\",\"activities\":%u,\"participants\":%u,"
                 "\"party_participants\":%u,\"content\":\"组织居民开展公益活动\","
                 "\"scope\":\"本社区居民\",\"good_deeds\":\"%s\"}",
                 code, o + 1, month, act, parts, party, deed);
        out->reports++;
        out->activities += act;
        out->participants += parts;
        out->party_participants += party;
        out->good_deeds += deed[0] ? 1 : 0;
        if (m == end) {
          out->last_month_reports++;
          out->last_month_on_time += day <= 5;
        }
        k++;
      }
      if (k) rc = add_cs(&a, k, kinds, bodies, cs, lens, &n_cs);
      /* The year's entries after its December's reports, in January: the
       * self-reports and summaries of the year ending, the plans of the
       * next, of most organisations and of the community itself (the
       * attention list and the year's pages read them). */
      if (!rc && month[5] == '1' && month[6] == '2') rc = year_entries(&a, spec, code, month, kinds, bodies, cs, lens, &n_cs, &seed, out);
      if (!rc && n_cs >= BATCH) rc = flush(hub, cs, lens, &n_cs);
    }
    if (!rc) rc = flush(hub, cs, lens, &n_cs);
  }
  if (!rc && spec->accept_filings) rc = accept_filings(hub);
out:
  for (size_t i = 0; i < n_cs; i++)
    free(cs[i]);
  if (bodies)
    for (size_t i = 0; i <= n_orgs; i++)
      free(bodies[i]);
  free(bodies);
  free((void *)kinds);
  return rc;
}
