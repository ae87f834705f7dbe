/* hub_api_fwd_tool.c - one forward round (hub_forward_once) in a process of its
 * own, so that hub_api_forward can let a failpoint kill it mid-round:
 * `hub_api_fwd_tool DIR` exits 0 when every log is acknowledged, 1 otherwise,
 * 137 when LINLI_FAILPOINT fires. */
#include <inttypes.h>
#include <stdio.h>

#include "common/http_client.h"
#include "hub/forward.h"

int main(int argc, char **argv) {
  cm_err err;
  hub_forward_stats st;
  cm_err_clear(&err);
  if (argc != 2) {
    fprintf(stderr, "usage: hub_api_fwd_tool DIR\n");
    return 2;
  }
  if (cm_client_global_init() != CM_OK) return 1;
  cm_rc rc = hub_forward_once(argv[1], &st, &err);
  printf("rc=%s pushed=%" PRIu64 " requests=%u feed=%u\n", cm_rcname(rc), st.entries_pushed,
         st.requests, st.feed_items);
  if (rc) fprintf(stderr, "forward: %s\n", err.msg);
  return rc ? 1 : 0;
}
