/* node.c - opening and creating a node directory. */
#include "node.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <sys/stat.h>

#include "../common/privdir.h"
#include "../common/clock.h"
#include "../common/db.h"
#include "../common/keyfile.h"
#include "store.h"

/* DIR/name into out; CM_ERR_INVALID when it does not fit. */
static cm_rc dir_path(const char *dir, const char *name, char *out, size_t cap, cm_err *err) {
  int n = snprintf(out, cap, "%s/%s", dir, name);
  if (n < 0 || (size_t)n >= cap) return cm_errf(err, CM_ERR_INVALID, "directory path too long");
  return CM_OK;
}

/* Open DIR; with create, a missing node.db is created (init, restore). */
static cm_rc open_ctx(const char *dir, int create, node_ctx **out, cm_err *err) {
  node_ctx *ctx = NULL;
  char path[1100];
  struct stat sb;
  cm_rc rc = CM_OK;
  *out = NULL;
  if (!dir || !*dir || strlen(dir) >= sizeof ctx->dir) {
    rc = cm_errf(err, CM_ERR_INVALID, "a node directory is needed (--dir DIR)");
    goto out;
  }
  rc = dir_path(dir, "node.db", path, sizeof path, err);
  if (rc) goto out;
  /* Before anything is created: a directory made by an older version (0750,
   * node.db 0640) is made private here too. */
  if (stat(dir, &sb) == 0) {
    rc = cm_privdir(dir, err);
    if (rc) goto out;
  }
  if (!create && stat(path, &sb) != 0) {
    rc = cm_errf(err, CM_ERR_NOT_FOUND,
                 "%s is not a node directory (no node.db): run `linli-node --dir %s init` "
                 "or `restore` first", dir, dir);
    goto out;
  }
  ctx = calloc(1, sizeof *ctx);
  if (!ctx) {
    rc = cm_errf(err, CM_ERR_NOMEM, "out of memory");
    goto out;
  }
  snprintf(ctx->dir, sizeof ctx->dir, "%s", dir);
  rc = dir_path(dir, "identity.key", path, sizeof path, err);
  if (!rc) rc = cm_keyfile_read(path, &ctx->kp, err);
  if (rc) goto out;
  rc = dir_path(dir, "node.db", path, sizeof path, err);
  if (!rc) rc = store_open(path, &ctx->db, err);
out:
  if (rc) {
    node_close(ctx);
    ctx = NULL;
  }
  *out = ctx;
  return rc;
}

cm_rc node_open(const char *dir, node_ctx **out, cm_err *err) {
  return open_ctx(dir, 0, out, err);
}

void node_close(node_ctx *ctx) {
  if (!ctx) return;
  cm_db_close(ctx->db);
  proto_keypair_wipe(&ctx->kp);
  free(ctx);
}

const uint8_t *node_public_key(const node_ctx *ctx) {
  return ctx->kp.pk;
}

const proto_keypair *node_keypair(const node_ctx *ctx) {
  return &ctx->kp;
}

const char *node_dir(const node_ctx *ctx) {
  return ctx->dir;
}

uint64_t node_now_ms(node_ctx *ctx) { return store_now_ms(ctx); }

void node_today(node_ctx *ctx, char out[11]) {
  cm_date_of(node_now_ms(ctx), out);
}

void node_this_month(node_ctx *ctx, char out[8]) {
  cm_month_of(node_now_ms(ctx), out);
}

/* 1 when s is exactly n ASCII digits. */
static int all_digits(const char *s, size_t n) {
  if (strlen(s) != n) return 0;
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return 0;
  return 1;
}

typedef struct init_meta {
  const node_init_opts *o;
  const char *code;
} init_meta;

static cm_rc init_tx(node_ctx *ctx, void *arg, cm_err *err) {
  init_meta *m = arg;
  cm_rc rc = store_meta_set(ctx, "community", m->o->community, err);
  if (!rc) rc = store_meta_set(ctx, "street", m->o->street, err);
  if (!rc) rc = store_meta_set(ctx, "hub_url", m->o->hub, err);
  if (!rc) rc = store_meta_set(ctx, "code", m->code, err);
  if (!rc && m->o->hub_key) rc = store_meta_set(ctx, "hub_key", m->o->hub_key, err);
  if (!rc) rc = store_meta_set(ctx, "enrol", "0", err);
  return rc;
}

cm_rc node_init(const char *dir, const node_init_opts *o, uint8_t pk_out[PROTO_KEY_BYTES],
                cm_err *err) {
  proto_keypair kp;
  cm_rc rc = proto_keypair_generate(&kp);
  if (rc) return cm_errf(err, rc, "cannot generate a key");
  /* A new community's authority rests on its code (common/records.h): the
   * hub takes records only about organisations numbered "<code>-...".  (A
   * restored node learns its code back from the hub's enrolment entry.) */
  if (!o->code || !*o->code)
    rc = cm_errf(err, CM_ERR_INVALID,
                 "缺少社区代码 / init needs --code, the community's 12-digit code: filing "
                 "numbers begin with it");
  if (!rc) rc = node_init_with_key(dir, o, &kp, err);
  if (!rc && pk_out) memcpy(pk_out, kp.pk, PROTO_KEY_BYTES);
  proto_keypair_wipe(&kp);
  return rc;
}

cm_rc node_init_with_key(const char *dir, const node_init_opts *o, const proto_keypair *kp,
                         cm_err *err) {
  node_ctx *ctx = NULL;
  char keypath[1100], dbpath[1100], code[16], hub_key[PROTO_KEY_HEX];
  uint8_t pin[PROTO_KEY_BYTES];
  struct stat sb;
  cm_rc rc = CM_OK;
  if (!o->community || !*o->community || !o->street || !*o->street || !o->hub || !*o->hub) {
    rc = cm_errf(err, CM_ERR_INVALID, "init needs --community, --street and --hub");
    goto out;
  }
  if (strncmp(o->hub, "http://", 7) != 0 && strncmp(o->hub, "https://", 8) != 0) {
    rc = cm_errf(err, CM_ERR_INVALID, "--hub must be an http:// or https:// URL, not %s", o->hub);
    goto out;
  }
  if (strlen(o->hub) >= 500) {
    rc = cm_errf(err, CM_ERR_INVALID, "--hub URL too long");
    goto out;
  }
  if (o->code && !all_digits(o->code, 12)) {
    rc = cm_errf(err, CM_ERR_INVALID,
                 "社区代码必须是12位数字 / --code must be the 12-digit statistical division code");
    goto out;
  }
  if (o->hub_key) {
    if (proto_key_from_hex(o->hub_key, pin) != CM_OK) {
      rc = cm_errf(err, CM_ERR_INVALID, "--hub-key must be 64 hex digits");
      goto out;
    }
    proto_key_hex(pin, hub_key);
  }
  rc = dir_path(dir, "identity.key", keypath, sizeof keypath, err);
  if (!rc) rc = dir_path(dir, "node.db", dbpath, sizeof dbpath, err);
  if (rc) goto out;
  if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
    rc = cm_errf(err, CM_ERR_IO, "cannot create %s: %s", dir, strerror(errno));
    goto out;
  }
  /* A key alone, the same one, is what `key import` leaves for restore. */
  int key_in_place = 0;
  if (stat(keypath, &sb) == 0 && stat(dbpath, &sb) != 0) {
    proto_keypair there;
    memset(&there, 0, sizeof there);
    if (cm_keyfile_read(keypath, &there, NULL) == CM_OK &&
        sodium_memcmp(there.pk, kp->pk, PROTO_KEY_BYTES) == 0)
      key_in_place = 1;
    proto_keypair_wipe(&there);
  }
  if ((!key_in_place && stat(keypath, &sb) == 0) || stat(dbpath, &sb) == 0) {
    rc = cm_errf(err, CM_ERR_EXISTS, "%s already holds a node; nothing was changed", dir);
    goto out;
  }
  if (o->code) {
    snprintf(code, sizeof code, "%s", o->code);
  } else {
    /* "99" cannot begin a real division code, so a derived code never collides
     * with a community that gave its real one. */
    uint8_t h[PROTO_HASH_BYTES];
    proto_hash(kp->pk, sizeof kp->pk, h);
    code[0] = '9';
    code[1] = '9';
    for (int i = 0; i < 10; i++) code[2 + i] = (char)('0' + h[i] % 10);
    code[12] = 0;
  }
  if (!key_in_place) rc = cm_keyfile_write(keypath, kp, err);
  if (rc) goto out;
  rc = open_ctx(dir, 1, &ctx, err);
  if (rc) goto out;
  /* Leaders' names and phones are personal data: the whole directory is
   * private (0700, files 0600), the -wal and -shm files the first open made
   * included. */
  rc = cm_privdir(dir, err);
  if (rc) goto out;
  node_init_opts copy = *o;
  if (o->hub_key) copy.hub_key = hub_key;
  init_meta m = {&copy, code};
  rc = store_tx(ctx, init_tx, &m, err);
out:
  node_close(ctx);
  return rc;
}

void node_record_id(const node_ctx *ctx, uint64_t seq, char *out, size_t cap) {
  char hex[PROTO_KEY_HEX];
  proto_key_hex(ctx->kp.pk, hex);
  snprintf(out, cap, "%s/%llu", hex, (unsigned long long)seq);
}
