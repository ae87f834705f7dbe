/* enrolguard.c - enrolment request limits and what the operator sees of
 * them (enrolguard.h). */
#include "enrolguard.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/rules.h"
#include "hublog.h"
#include "store.h"

#define GUARD_PEERS 256

struct guard_peer {
  char addr[48];
  uint64_t times[HUB_ENROL_PER_ADDR]; /* the last requests, oldest first; 0 = none */
};

struct hub_enrolguard {
  pthread_mutex_t mu;
  struct guard_peer p[GUARD_PEERS];
  unsigned next; /* slot reused next when the table is full */
};

hub_enrolguard *hub_enrolguard_new(void) {
  hub_enrolguard *g = calloc(1, sizeof *g);
  if (g) pthread_mutex_init(&g->mu, NULL);
  return g;
}

void hub_enrolguard_free(hub_enrolguard *g) {
  if (!g) return;
  pthread_mutex_destroy(&g->mu);
  free(g);
}

int hub_enrolguard_allow(hub_enrolguard *g, const char *peer, uint64_t mono_ms,
                         unsigned *retry_s_out) {
  *retry_s_out = 0;
  if (!g) return 1;
  if (!peer) peer = "";
  pthread_mutex_lock(&g->mu);
  struct guard_peer *p = NULL;
  for (unsigned i = 0; i < GUARD_PEERS && !p; i++) {
    if (!strcmp(g->p[i].addr, peer)) p = &g->p[i];
  }
  if (!p) {
    /* A free slot, else one whose requests have all left the window, else
     * round robin: an attacker cycling addresses only forgets old ones. */
    for (unsigned i = 0; i < GUARD_PEERS && !p; i++) {
      uint64_t last = g->p[i].times[HUB_ENROL_PER_ADDR - 1];
      if (!g->p[i].addr[0] || last + HUB_ENROL_WINDOW_MS <= mono_ms) p = &g->p[i];
    }
    if (!p) p = &g->p[g->next++ % GUARD_PEERS];
    memset(p, 0, sizeof *p);
    snprintf(p->addr, sizeof p->addr, "%s", peer);
  }
  int ok = 1;
  uint64_t oldest = p->times[0];
  if (oldest && mono_ms < oldest + HUB_ENROL_WINDOW_MS) {
    ok = 0;
    *retry_s_out = (unsigned)((oldest + HUB_ENROL_WINDOW_MS - mono_ms + 999) / 1000);
  } else {
    memmove(p->times, p->times + 1, sizeof p->times - sizeof p->times[0]);
    p->times[HUB_ENROL_PER_ADDR - 1] = mono_ms ? mono_ms : 1;
  }
  pthread_mutex_unlock(&g->mu);
  return ok;
}

cm_rc hub_enrolguard_source_put(hub_opstore *ops, int64_t id, const char *peer, uint64_t now_ms,
                                cm_err *err) {
  return hub_opstore_enrol_source_put(ops, id, peer ? peer : "", now_ms, err);
}

/* name folded for comparison: Traditional to Simplified, ASCII lower case,
 * spaces, punctuation and control characters dropped. */
static void fold_name(const char *in, char *out, size_t cap) {
  char tmp[512];
  cm_rules_fold(in ? in : "", tmp, sizeof tmp);
  size_t o = 0;
  for (const unsigned char *p = (const unsigned char *)tmp; *p && o + 1 < cap; p++) {
    if (*p < 0x80) {
      if (*p <= ' ' || *p == 0x7f || strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", *p)) continue;
      out[o++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    } else {
      out[o++] = (char)*p;
    }
  }
  out[o] = '\0';
}

cm_rc hub_enrolguard_list(hub_ctx *ctx, json_t **out, cm_err *err) {
  json_t *list = NULL, *status = NULL;
  hub_opstore *ops = NULL;
  *out = NULL;
  cm_rc rc = hub_enroll_requests(ctx, &list, err);
  if (rc) return rc;
  if (hub_opstore_open(ctx->dir, &ops, NULL) != CM_OK) ops = NULL;
  pthread_mutex_lock(&ctx->lock);
  rc = hub_store_status_json(ctx->store, ctx->kp.pk, &status, err);
  pthread_mutex_unlock(&ctx->lock);
  if (rc) {
    hub_opstore_close(ops);
    json_decref(list);
    return rc;
  }
  json_t *authors = json_object_get(status, "authors");
  size_t i, k;
  json_t *row, *a;
  json_array_foreach(list, i, row) {
    char want[512], have[512], src[64] = "";
    fold_name(json_string_value(json_object_get(row, "name")), want, sizeof want);
    json_t *imitates = json_null();
    json_array_foreach(authors, k, a) {
      const char *an = json_string_value(json_object_get(a, "name"));
      fold_name(an, have, sizeof have);
      if (an && have[0] && !strcmp(want, have)) {
        json_decref(imitates);
        imitates = json_string(an);
        break;
      }
    }
    json_object_set_new(row, "imitates", imitates ? imitates : json_null());
    if (ops)
      (void)hub_opstore_enrol_source_get(ops, (int64_t)json_integer_value(json_object_get(row, "id")),
                                         src, sizeof src, NULL);
    json_object_set_new(row, "source", json_string(src));
  }
  json_decref(status);
  hub_opstore_close(ops);
  *out = list;
  return CM_OK;
}
