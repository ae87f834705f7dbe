/* hubweb_fixture.c - `hubweb_fixture DIR`: the hubs the browser tests of the
 * operator pages run against, with real signed batches waiting for review.
 *
 *   DIR/street    street hub 河北街道, community 幸福社区 with two pending
 *                 batches (a filing with a rule flag plus its monthly report;
 *                 a second filing); operators alice (street), victor (viewer),
 *                 lock (street, for the lock-out test); and enrolment
 *                 requests from 和平社区 and from a new PC of 幸福社区 (same
 *                 code: it may replace the lost one, and it imitates the
 *                 enrolled name); 和平社区's came from 192.0.2.7.
 *   DIR/district  district hub 河北区 with streets 光复道街 and 望海楼街, each
 *                 forwarding one community's pending filing; operators sam
 *                 (street, bound to 光复道街) and dora (district).
 *
 * Every password is "<name>-pass-1".  Prints, as JSON on standard output, the
 * pending batch ids: {"street": [id, ...], "district": {"<street>": [id, ...]}}.
 * Exit status 0 on success. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub/auth.h"
#include "hub/enrolguard.h"
#include "hub/hublog.h"
#include "hub/ingest.h"
#include "hub/opstore.h"
#include "hub/review.h"
#include "hub/store.h"
#include "hub_testlib.h"

#define CHECK(cond)                                                   \
  do {                                                                \
    if (!(cond)) {                                                    \
      fprintf(stderr, "hubweb_fixture: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
      exit(1);                                                        \
    }                                                                 \
  } while (0)

/* Push one changeset of a (n entries) to hub; 0 on success. */
static void push(hub_ctx *hub, tl_author *a, size_t n, const char *const *kinds,
                 const char *const *bodies) {
  uint8_t *cs = NULL, *b = NULL;
  size_t cslen = 0, blen = 0;
  CHECK(tl_changeset(a, n, kinds, bodies, 0, &cs, &cslen) == 0);
  CHECK(tl_bundle(&cs, &cslen, 1, &b, &blen) == 0);
  CHECK(tl_ingest(hub, b, blen, NULL) == 200);
  free(cs);
  free(b);
}

/* Forward everything street holds to district, as the forward loop would. */
static void forward_all(hub_ctx *street, hub_ctx *district) {
  hub_fwd_author *list = NULL;
  size_t n = 0;
  cm_err err = {0};
  CHECK(hub_forward_authors(street, &list, &n, &err) == CM_OK);
  for (size_t i = 0; i < n; i++) {
    uint8_t *b = NULL;
    size_t len = 0;
    uint64_t last = 0;
    CHECK(hub_forward_pending(street, list[i].author, 0, 0, 0, &b, &len, &last, &err) == CM_OK);
    if (len) CHECK(tl_ingest(district, b, len, NULL) == 200);
    free(b);
  }
  free(list);
}

static void add_op(const char *dir, hub_ctx *hub, const char *name, const char *role,
                   const char *street) {
  hub_opstore *ops = NULL;
  cm_err err = {0};
  char pw[96];
  snprintf(pw, sizeof pw, "%s-pass-1", name);
  CHECK(hub_opstore_open(dir, &ops, &err) == CM_OK);
  if (hub_auth_add_operator(ops, hub, name, role, street, pw, &err)) {
    fprintf(stderr, "hubweb_fixture: operator %s: %s\n", name, err.msg);
    exit(1);
  }
  hub_opstore_close(ops);
}

/* Pending batch ids of hub; with by_street, an object of arrays by street. */
static json_t *pending(hub_ctx *hub, int by_street) {
  json_t *list = NULL, *out = by_street ? json_object() : json_array();
  cm_err err = {0};
  size_t i;
  json_t *b;
  CHECK(hub_review_list(hub, &list, &err) == CM_OK);
  json_array_foreach(list, i, b) {
    json_t *id = json_object_get(b, "id");
    if (!by_street) {
      json_array_append(out, id);
      continue;
    }
    uint8_t key[PROTO_KEY_BYTES];
    hub_author a;
    int found = 0;
    CHECK(proto_key_from_hex(json_string_value(json_object_get(b, "author")), key) == CM_OK);
    pthread_mutex_lock(&hub->lock);
    CHECK(hub_store_author_get(hub->store, key, &a, &found, &err) == CM_OK);
    pthread_mutex_unlock(&hub->lock);
    CHECK(found);
    json_t *arr = json_object_get(out, a.street);
    if (!arr) {
      arr = json_array();
      json_object_set_new(out, a.street, arr);
    }
    json_array_append(arr, id);
  }
  json_decref(list);
  return out;
}

static const char *const filed_report[] = {"org.filed", "report.monthly"};
static const char *const filed_only[] = {"org.filed"};

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: hubweb_fixture DIR\n");
    return 1;
  }
  const char *dir = argv[1];
  char path[4096];

  /* the street hub and its community */
  hub_ctx *street = tl_hub(dir, "street", HUB_ROLE_STREET, "河北街道");
  CHECK(street);
  tl_author c;
  CHECK(tl_author_new(&c) == 0);
  CHECK(tl_enroll(street, &c, "幸福社区", "120105001001") == 0);
  const char *b1[] = {
      "{\"id\":\"120105001001-0001\",\"name\":\"幸福社区<b>夕阳红</b>志愿队\",\"category\":\"为老服务\","
      "\"leader\":\"王芳\",\"phone\":\"13800000001\",\"members\":25,\"party_members\":3,"
      "\"party_station\":false,\"founded_by\":\"self\",\"scope\":\"助老\",\"venue\":\"社区活动室\","
      "\"filed\":\"2026-03-01\",\"flags\":[\"party_station\"]}",
      "{\"org\":\"120105001001-0001\",\"month\":\"2026-10\",\"activities\":4,"
      "\"participants\":120,\"party_participants\":6,\"content\":\"陪老人聊天\",\"scope\":\"助老\","
      "\"good_deeds\":\"\"}"};
  push(street, &c, 2, filed_report, b1);
  const char *b2[] = {
      "{\"id\":\"120105001001-0002\",\"name\":\"幸福社区读书会\",\"category\":\"文化\","
      "\"leader\":\"李明\",\"phone\":\"13800000002\",\"members\":12,\"party_members\":1,"
      "\"party_station\":false,\"founded_by\":\"self\",\"scope\":\"读书\",\"venue\":\"图书室\","
      "\"filed\":\"2026-04-01\",\"flags\":[]}"};
  push(street, &c, 1, filed_only, b2);
  /* a community asking to be enrolled, for the enrolment page */
  {
    tl_author asker;
    int enrolled = 0;
    int64_t req_id = 0;
    cm_err err = {0};
    CHECK(tl_author_new(&asker) == 0);
    CHECK(hub_enroll_request(street, asker.kp.pk, "和平社区", "河北街道", "120105001002",
                             "community", &enrolled, &req_id, &err) == CM_OK);
    CHECK(!enrolled && req_id > 0);
    hub_opstore *ops = NULL;
    CHECK(hub_opstore_open(street->dir, &ops, &err) == CM_OK);
    CHECK(hub_enrolguard_source_put(ops, req_id, "192.0.2.7", 1000, &err) == CM_OK);
    hub_opstore_close(ops);
    tl_author newpc;
    CHECK(tl_author_new(&newpc) == 0);
    CHECK(hub_enroll_request(street, newpc.kp.pk, "幸福社区", "河北街道", "120105001001",
                             "community", &enrolled, &req_id, &err) == CM_OK);
    CHECK(!enrolled && req_id > 0);
  }
  json_t *street_ids = pending(street, 0);
  CHECK(json_array_size(street_ids) == 2);
  hub_close(street);
  snprintf(path, sizeof path, "%s/street", dir);
  street = NULL;
  {
    hub_ctx *h = NULL;
    cm_err err = {0};
    CHECK(hub_open(path, &h, &err) == CM_OK);
    add_op(path, h, "alice", "street", NULL);
    add_op(path, h, "victor", "viewer", NULL);
    add_op(path, h, "lock", "street", NULL);
    hub_close(h);
  }

  /* the district with two streets, each forwarding one pending filing */
  hub_ctx *district = tl_hub(dir, "district", HUB_ROLE_DISTRICT, "河北区");
  CHECK(district);
  const char *streets[] = {"光复道街", "望海楼街"};
  const char *communities[] = {"向阳社区", "红星社区"};
  const char *codes[] = {"120105002001", "120105003001"};
  for (int i = 0; i < 2; i++) {
    char sub[32], body[512];
    snprintf(sub, sizeof sub, "s%d", i);
    hub_ctx *s = tl_hub(dir, sub, HUB_ROLE_STREET, streets[i]);
    CHECK(s);
    tl_author sa;
    memset(&sa, 0, sizeof sa);
    sa.kp = s->kp;
    CHECK(tl_enroll(district, &sa, streets[i], NULL) == 0);
    tl_author ca;
    CHECK(tl_author_new(&ca) == 0);
    CHECK(tl_enroll(s, &ca, communities[i], codes[i]) == 0);
    snprintf(body, sizeof body,
             "{\"id\":\"%s-0001\",\"name\":\"%s志愿服务队\",\"category\":\"环保\","
             "\"leader\":\"张伟\",\"phone\":\"13900000000\",\"members\":10,\"party_members\":0,"
             "\"party_station\":false,\"founded_by\":\"self\",\"scope\":\"\",\"venue\":\"\","
             "\"filed\":\"2026-05-01\",\"flags\":[]}",
             codes[i], communities[i]);
    const char *bodies[] = {body};
    push(s, &ca, 1, filed_only, bodies);
    forward_all(s, district);
    hub_close(s);
  }
  json_t *district_ids = pending(district, 1);
  hub_close(district);
  snprintf(path, sizeof path, "%s/district", dir);
  {
    hub_ctx *h = NULL;
    cm_err err = {0};
    CHECK(hub_open(path, &h, &err) == CM_OK);
    add_op(path, h, "sam", "street", "光复道街");
    add_op(path, h, "dora", "district", NULL);
    hub_close(h);
  }

  json_t *out = json_pack("{s:o, s:o}", "street", street_ids, "district", district_ids);
  char *s = json_dumps(out, JSON_COMPACT);
  CHECK(s);
  printf("%s\n", s);
  free(s);
  json_decref(out);
  return 0;
}
