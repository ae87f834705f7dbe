/* bench_node.c - builds community nodes for the benchmarks through the node
 * library, every write a durable commit as `linli-node` makes it:
 *   bench_node DIR HUB_URL HUB_KEY CODE ORGS REPORTS
 * creates DIR (init), files ORGS organisations and writes REPORTS monthly
 * reports (spread over the organisations and the months up to this one),
 * then prints "node_key HEX" and "node_durable_entries_per_s N". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/clock.h"
#include "node/node.h"
#include "node/records.h"
#include "protocol/keys.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: bench_node DIR HUB_URL HUB_KEY CODE ORGS REPORTS\n");
    return 2;
  }
  const char *dir = argv[1];
  unsigned orgs = (unsigned)strtoul(argv[5], NULL, 10);
  unsigned reports = (unsigned)strtoul(argv[6], NULL, 10);
  char community[64];
  snprintf(community, sizeof community, "社區%s", argv[4] + 8);
  node_init_opts o = {community, "望海樓街", argv[2], argv[4], argv[3][0] ? argv[3] : NULL};
  uint8_t pk[PROTO_KEY_BYTES];
  cm_err err;
  node_ctx *n = NULL;
  char (*ids)[NODE_ID_MAX] = calloc(orgs ? orgs : 1, sizeof *ids);
  int rc = 1;
  if (!ids) goto out;
  if (node_init(dir, &o, pk, &err) || node_open(dir, &n, &err)) {
    fprintf(stderr, "bench_node: %s\n", err.msg);
    goto out;
  }
  char month_now[8];
  cm_month_of(cm_now_ms(), month_now);
  int y0 = atoi(month_now), m0 = atoi(month_now + 5) - 1;
  double s = now_s();
  for (unsigned i = 0; i < orgs; i++) {
    char name[96], members[8];
    snprintf(name, sizeof name, "%s第%u志願服務隊", community, i + 1);
    snprintf(members, sizeof members, "%u", 10 + i % 30);
    node_org_input in = {.name = name, .category = "為老服務", .leader = "王秀英",
                         .phone = "13800000000", .members = members, .party_members = "2",
                         .scope = "探訪獨居老人、助餐", .venue = "社區活動中心",
                         /* filed long ago: the domain core refuses a report of a
                          * month before its organisation's filing */
                         .filed = "2000-01-01"};
    if (node_org_file(n, &in, ids[i], &err)) {
      fprintf(stderr, "bench_node: filing: %s\n", err.msg);
      goto out;
    }
  }
  for (unsigned r = 0; orgs && r < reports; r++) {
    unsigned back = r / orgs; /* months before this one */
    int idx = y0 * 12 + m0 - (int)back;
    char month[16], act[8], part[8];
    if (idx < 1900 * 12) idx = 1900 * 12;
    snprintf(month, sizeof month, "%04u-%02u", (unsigned)idx / 12 % 10000, (unsigned)idx % 12 + 1);
    snprintf(act, sizeof act, "%u", 2 + r % 5);
    snprintf(part, sizeof part, "%u", 30 + r % 40);
    node_report_input in = {.org = ids[r % orgs], .month = month, .activities = act,
                            .participants = part, .party_participants = "2",
                            .content = "探訪獨居老人，義務理髮，清理樓道", .scope = "為老服務",
                            .good_deeds = "幫助鄰居修水管"};
    if (node_report_monthly(n, &in, NULL, &err)) {
      fprintf(stderr, "bench_node: report: %s\n", err.msg);
      goto out;
    }
  }
  double el = now_s() - s;
  char hex[PROTO_KEY_HEX];
  proto_key_hex(pk, hex);
  printf("node_key %s\n", hex);
  printf("node_durable_entries_per_s %.0f\n", (double)(orgs + reports) / el);
  rc = 0;
out:
  node_close(n);
  free(ids);
  return rc;
}
