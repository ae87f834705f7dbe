/* hub_testlib.c - see hub_testlib.h. */
#define _XOPEN_SOURCE 700
#include "hub_testlib.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hub/hublog.h"
#include "hub/ingest.h"
#include "hub/review.h"
#include "protocol/bundle.h"
#include "protocol/changeset.h"
#include "protocol/entry.h"

int tl_author_new(tl_author *a) {
  memset(a, 0, sizeof *a);
  a->time_ms = 1793491200000ull;
  return proto_keypair_generate(&a->kp) == CM_OK ? 0 : -1;
}

int tl_changeset(tl_author *a, size_t n, const char *const *kinds, const char *const *bodies,
                 int sign_entries, uint8_t **out, size_t *len) {
  proto_entry *e = calloc(n, sizeof *e);
  char (*def)[160] = calloc(n, sizeof *def);
  int ok = e && def;
  for (size_t i = 0; ok && i < n; i++) {
    memcpy(e[i].author, a->kp.pk, PROTO_KEY_BYTES);
    e[i].seq = a->seq + 1;
    memcpy(e[i].prev, a->head, PROTO_HASH_BYTES);
    e[i].time_ms = a->time_ms;
    a->time_ms += 1000;
    snprintf(e[i].kind, sizeof e[i].kind, "%s", kinds ? kinds[i] : "report.monthly");
    if (bodies) {
      e[i].body = (const uint8_t *)bodies[i];
      e[i].body_len = strlen(bodies[i]);
    } else {
      snprintf(def[i], sizeof def[i],
               "{\"org\":\"120105001001-0001\",\"month\":\"2026-%02u\",\"activities\":1,"
               "\"participants\":10,\"party_participants\":1,\"content\":\"x\"}",
               (unsigned)(e[i].seq % 12 + 1));
      e[i].body = (const uint8_t *)def[i];
      e[i].body_len = strlen(def[i]);
    }
    if (sign_entries && proto_entry_sign(&e[i], &a->kp) != CM_OK) ok = 0;
    if (ok && proto_entry_hash(&e[i], a->head) != CM_OK) ok = 0;
    a->seq++;
  }
  if (ok && proto_changeset_build(e, n, &a->kp, a->time_ms, out, len, NULL) != CM_OK) ok = 0;
  free(e);
  free(def);
  return ok ? 0 : -1;
}

int tl_bundle(uint8_t *const *cs, const size_t *lens, size_t n, uint8_t **out, size_t *len) {
  proto_span *sp = calloc(n ? n : 1, sizeof *sp);
  if (!sp) return -1;
  for (size_t i = 0; i < n; i++) {
    sp[i].p = cs[i];
    sp[i].len = lens[i];
  }
  int r = proto_bundle_encode(sp, n, out, len) == CM_OK ? 0 : -1;
  free(sp);
  return r;
}

int tl_bundle_join(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen, uint8_t **out,
                   size_t *len) {
  proto_span *sa = NULL, *sb = NULL, *all = NULL;
  size_t na = 0, nb = 0;
  int r = -1;
  if (proto_bundle_split(a, alen, &sa, &na, NULL) || proto_bundle_split(b, blen, &sb, &nb, NULL))
    goto out;
  all = calloc(na + nb + 1, sizeof *all);
  if (!all) goto out;
  if (na) memcpy(all, sa, na * sizeof *all);
  if (nb) memcpy(all + na, sb, nb * sizeof *all);
  r = proto_bundle_encode(all, na + nb, out, len) == CM_OK ? 0 : -1;
out:
  free(sa);
  free(sb);
  free(all);
  return r;
}

char *tl_tmpdir(void) {
  const char *t = getenv("TMPDIR");
  char *p = malloc(4096);
  if (!p) return NULL;
  snprintf(p, 4096, "%s/linli-hubtest-XXXXXX", t && *t ? t : "/tmp");
  if (!mkdtemp(p)) {
    free(p);
    return NULL;
  }
  return p;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb;
  (void)flag;
  (void)ftw;
  return remove(path);
}

void tl_rmrf(const char *dir) {
  if (dir) nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

hub_ctx *tl_hub(const char *dir, const char *sub, hub_role role, const char *name) {
  char path[4096];
  hub_ctx *ctx = NULL;
  cm_err err;
  snprintf(path, sizeof path, "%s/%s", dir, sub);
  if (hub_init(path, role, name, NULL, NULL, &err)) {
    fprintf(stderr, "hub_init: %s\n", err.msg);
    return NULL;
  }
  if (hub_open(path, &ctx, &err)) {
    fprintf(stderr, "hub_open: %s\n", err.msg);
    return NULL;
  }
  return ctx;
}

int tl_enroll(hub_ctx *hub, const tl_author *a, const char *name, const char *code) {
  cm_err err;
  if (hub_enroll(hub, a->kp.pk, name, code ? code : "", NULL, &err)) {
    fprintf(stderr, "hub_enroll: %s\n", err.msg);
    return -1;
  }
  return 0;
}

int tl_ingest(hub_ctx *hub, const uint8_t *b, size_t len, uint64_t *stored) {
  hub_ingest_result r;
  cm_err err;
  hub_ingest_bundle(hub, b, len, "test", &r, &err);
  int status = r.http_status;
  if (stored) *stored = r.stored;
  hub_ingest_result_free(&r);
  return status;
}

uint64_t tl_head(hub_ctx *hub, const uint8_t *author) {
  hub_head h;
  if (hub_head_receipt(hub, author, &h, NULL)) return (uint64_t)-1;
  return h.seq;
}

int64_t tl_newest_batch(hub_ctx *hub) {
  json_t *list = NULL;
  cm_err err;
  if (hub_review_list(hub, &list, &err)) {
    fprintf(stderr, "hub_review_list: %s\n", err.msg);
    return 0;
  }
  size_t n = json_array_size(list);
  int64_t id = n ? json_integer_value(json_object_get(json_array_get(list, n - 1), "id")) : 0;
  json_decref(list);
  return id;
}
