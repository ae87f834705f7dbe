/* attach_check.c - the check of a hub's files (hub/attach_check.h). */
#include "attach_check.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "attach.h"
#include "forward.h"
#include "ingest.h"

cm_rc hub_attach_check(hub_ctx *hub, int fetch, FILE *report, cm_att_checked *out, cm_err *err) {
  hub_fwd_author *authors = NULL;
  size_t n = 0;
  cm_att_store st;
  cm_client_opts opts;
  char ca[HUB_PATH_MAX + 32];
  json_t *all = json_array();
  memset(out, 0, sizeof *out);
  memset(&opts, 0, sizeof opts);
  cm_rc rc = all ? CM_OK : cm_errf(err, CM_ERR_NOMEM, "内存不足");
  if (!rc) rc = hub_attach_store(hub, &st, err);
  if (!rc) rc = hub_forward_all_authors(hub, &authors, &n, err);
  for (size_t i = 0; !rc && i < n; i++) {
    json_t *list = NULL;
    int own = !memcmp(authors[i].author, hub->kp.pk, PROTO_KEY_BYTES);
    rc = hub_attach_entries(hub, authors[i].author, 0, &list, err);
    size_t k;
    json_t *f;
    json_array_foreach(list, k, f) {
      if (rc) break;
      /* a district does not hold what stays below the street */
      if (hub->role == HUB_ROLE_DISTRICT && !own &&
          !hub_attach_heading_travels(hub, json_string_value(json_object_get(f, "heading"))))
        continue;
      if (json_array_append(all, f)) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
    }
    json_decref(list);
  }
  fetch = fetch && hub->role == HUB_ROLE_STREET && hub->upstream_url[0];
  if (fetch) {
    opts.ca_file = hub_forward_ca_file(hub->dir, ca, sizeof ca);
    opts.sign_with = &hub->kp;
  }
  if (!rc)
    rc = cm_att_check_list(&st, all, "record", fetch ? hub->upstream_url : NULL, &opts, report,
                           out, err);
  json_decref(all);
  free(authors);
  return rc;
}
