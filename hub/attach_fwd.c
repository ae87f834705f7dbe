/* attach_fwd.c - the street's files going up (hub/attach_fwd.h). */
#include "attach_fwd.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/log.h"
#include "attach.h"
#include "ingest.h"
#include "store.h"

static uint64_t mark_get(hub_ctx *hub, const char *key) {
  char v[32];
  int found = 0;
  pthread_mutex_lock(&hub->lock);
  cm_rc rc = hub_store_config_get(hub->store, key, v, sizeof v, &found, NULL);
  pthread_mutex_unlock(&hub->lock);
  return !rc && found ? strtoull(v, NULL, 10) : 0;
}

/* The files of one log; *settled_out the entry up to which all are settled. */
static cm_rc one_log(hub_ctx *hub, const cm_att_store *st, const hub_fwd_author *a,
                     uint64_t mark, const char *url, const cm_client_opts *opts,
                     cm_att_sent *sent, uint64_t *settled_out, cm_err *err) {
  json_t *list = NULL;
  *settled_out = mark;
  cm_rc rc = hub_attach_entries(hub, a->author, mark, &list, err);
  size_t i;
  json_t *f;
  json_array_foreach(list, i, f) {
    if (rc) break;
    uint64_t seq = (uint64_t)json_integer_value(json_object_get(f, "seq"));
    const char *hash = json_string_value(json_object_get(f, "hash"));
    if (seq > a->acked_seq) break;
    if (!cm_att_has(st, hash)) break; /* its node has not sent it yet */
    cm_err e;
    cm_err_clear(&e);
    /* the district decides which headings it takes (it answers wanted: false) */
    rc = cm_att_push(url, opts, st, hash, json_string_value(json_object_get(f, "record")),
                     (uint64_t)json_integer_value(json_object_get(f, "size")), sent, &e);
    if (rc) {
      cm_errf(err, rc, "转报：%s", e.msg);
      break;
    }
    *settled_out = seq;
  }
  if (!rc && i == json_array_size(list)) *settled_out = a->acked_seq;
  json_decref(list);
  return rc;
}

cm_rc hub_attach_forward(hub_ctx *hub, const char *url, const cm_client_opts *opts,
                         cm_att_sent *sent, cm_err *err) {
  hub_fwd_author *list = NULL;
  size_t n = 0;
  cm_att_store st;
  cm_rc first = CM_OK;
  cm_rc rc = hub_attach_store(hub, &st, err);
  if (!rc) rc = hub_forward_all_authors(hub, &list, &n, err);
  if (rc) return rc;
  for (size_t i = 0; i < n; i++) {
    char key[32 + PROTO_KEY_HEX], hex[PROTO_KEY_HEX];
    uint64_t settled = 0;
    cm_err e;
    cm_err_clear(&e);
    proto_key_hex(list[i].author, hex);
    snprintf(key, sizeof key, "files.fwd.%s", hex);
    uint64_t mark = mark_get(hub, key);
    if (mark >= list[i].acked_seq) continue;
    rc = one_log(hub, &st, &list[i], mark, url, opts, sent, &settled, &e);
    if (settled > mark) {
      char v[32];
      snprintf(v, sizeof v, "%llu", (unsigned long long)settled);
      cm_rc r2 = hub_attach_setting(hub, key, v, rc ? NULL : &e);
      if (!rc) rc = r2;
    }
    if (rc == CM_ERR_NETWORK) {
      cm_errf(err, rc, "%s", e.msg);
      first = rc;
      break;
    }
    if (rc && !first) {
      first = rc;
      cm_errf(err, rc, "%s", e.msg);
    }
  }
  if (sent->requests)
    cm_info("forward: 附件发送 %llu 字节，%u 个传完，%u 个区里已有，%u 个留在本级",
            (unsigned long long)sent->bytes, sent->files, sent->skipped, sent->declined);
  free(list);
  return first;
}
