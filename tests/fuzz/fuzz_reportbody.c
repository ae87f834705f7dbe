/* fuzz_reportbody.c - libFuzzer target for the hub's monthly report reader:
 * the strict scanner and jansson must read every input alike
 * (hub/reportbody.h); a disagreement aborts. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hub/reportbody.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same_str(const char *a, const char *b) {
  return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  hub_report_body a, b;
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
