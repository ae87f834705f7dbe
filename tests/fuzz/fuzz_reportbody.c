/* fuzz_reportbody.c - libFuzzer target for the two strict scanners that
 * stand in for jansson: the hub's monthly report reader (hub/reportbody.h)
 * and the compact object reader of cm_json_parse_object (common/json.c).
 * Each must read every input as jansson does; a disagreement aborts. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "hub/reportbody.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same_str(const char *a, const char *b) {
  return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* cm_json_parse_object against json_loadb: both refuse, or the same tree
 * written to the same bytes. */
static void same_parse(const uint8_t *data, size_t size) {
  json_error_t je;
  json_t *ref = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
  if (ref && (!json_is_object(ref) || memchr(data, 0, size))) {
    json_decref(ref);
    ref = NULL;
  }
  json_t *got = NULL;
  cm_rc rc = cm_json_parse_object(data, size, &got, NULL);
  if ((rc == CM_OK) != (ref != NULL)) abort();
  if (ref) {
    cm_buf x, y;
    cm_buf_init(&x, (size_t)1 << 26);
    cm_buf_init(&y, (size_t)1 << 26);
    if (!json_equal(ref, got) || cm_json_dump(ref, &x) != CM_OK || cm_json_dump(got, &y) != CM_OK ||
        x.len != y.len || (x.len && memcmp(x.p, y.p, x.len) != 0))
      abort();
    cm_buf_free(&x);
    cm_buf_free(&y);
  }
  json_decref(ref);
  json_decref(got);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  hub_report_body a, b;
  same_parse(data, size);
  if (hub_report_body_read(data, size, &a) != CM_OK) return 0;
  if (hub_report_body_read_slow(data, size, &b) != CM_OK) {
    hub_report_body_free(&a);
    return 0;
  }
  if (a.parsed != b.parsed || a.valid != b.valid) abort();
  if (a.parsed && (!same_str(a.org, b.org) || !same_str(a.month, b.month) ||
                   a.activities != b.activities || a.participants != b.participants ||
                   a.party_participants != b.party_participants ||
                   a.good_deeds != b.good_deeds || a.flagged != b.flagged))
    abort();
  hub_report_body_free(&a);
  hub_report_body_free(&b);
  return 0;
}
