/* usbin.c - apply a hub's USB return file (usbin.h). */
#include "usbin.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../protocol/receipt.h"
#include "store.h"
#include "sync.h"

#define USB_MAGIC "LINLIUSB"
#define USB_VERSION 1
#define USB_HEAD (8 + 1 + 2 * PROTO_KEY_BYTES)

static uint32_t get_u32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Read path whole, at most NODE_USB_MAX_FILE bytes.  *out malloc'd. */
static cm_rc read_all(const char *path, uint8_t **out, size_t *len_out, cm_err *err) {
  FILE *f = fopen(path, "rb");
  if (!f) return cm_errf(err, CM_ERR_IO, "无法打开 %s：%s", path, strerror(errno));
  uint8_t *buf = NULL;
  size_t len = 0, cap = 0;
  cm_rc rc = CM_OK;
  /* cap grows to one byte over the limit, so an oversized file shows itself */
  for (;;) {
    if (len == cap) {
      if (cap > NODE_USB_MAX_FILE) {
        rc = cm_errf(err, CM_ERR_TOO_LARGE, "%s 超过 %u 字节", path, NODE_USB_MAX_FILE);
        break;
      }
      size_t nc = cap ? cap * 2 : 65536;
      if (nc > (size_t)NODE_USB_MAX_FILE + 1) nc = (size_t)NODE_USB_MAX_FILE + 1;
      uint8_t *nb = realloc(buf, nc);
      if (!nb) {
        rc = cm_errf(err, CM_ERR_NOMEM, "读取 %s 时内存不足", path);
        break;
      }
      buf = nb;
      cap = nc;
    }
    size_t got = fread(buf + len, 1, cap - len, f);
    len += got;
    if (got == 0) break;
  }
  if (!rc && ferror(f)) rc = cm_errf(err, CM_ERR_IO, "无法读取 %s", path);
  fclose(f);
  if (rc) {
    free(buf);
    return rc;
  }
  *out = buf;
  *len_out = len;
  return CM_OK;
}

typedef struct receipt_job {
  const proto_receipt *r;
  const uint8_t *raw;
} receipt_job;

/* Keep the receipt when it matches the local log, as a sync pass does. */
static cm_rc receipt_tx(node_ctx *ctx, void *arg, cm_err *err) {
  receipt_job *j = arg;
  uint8_t held[PROTO_HASH_BYTES];
  if (!store_log_hash(ctx, j->r->seq, held) ||
      memcmp(held, j->r->head_hash, PROTO_HASH_BYTES) != 0)
    return cm_errf(err, CM_ERR_CONFLICT,
                   "街道持有的本社区记录与本机不一致（第%llu条）：请联网后运行 restore，或联系街道 / "
                   "the hub holds entry %llu with a hash this node does not hold",
                   (unsigned long long)j->r->seq, (unsigned long long)j->r->seq);
  cm_rc rc = store_receipt_add(ctx, j->r->hub, j->r->seq, j->r->head_hash, j->r->time_ms, j->raw,
                               PROTO_RECEIPT_BYTES, err);
  if (!rc) rc = store_meta_max_u64(ctx, "acked_seq", j->r->seq, err);
  return rc;
}

cm_rc node_usb_import(node_ctx *ctx, const char *path, node_usbin_stats *stats_out, cm_err *err) {
  uint8_t *buf = NULL, hub_key[PROTO_KEY_BYTES];
  char hex[PROTO_KEY_HEX];
  size_t len = 0, off = USB_HEAD;
  uint64_t unread0 = 0, unread1 = 0;
  node_usbin_stats st;
  proto_receipt r;
  cm_rc rc;

  memset(&st, 0, sizeof st);
  if (store_meta_get(ctx, "hub_key", hex, sizeof hex, NULL) != CM_OK ||
      proto_key_from_hex(hex, hub_key) != CM_OK)
    return cm_errf(err, CM_ERR_PERM, "尚未固定街道分会的密钥，无法核验文件 / no pinned hub key: "
                                     "the file cannot be verified (init --hub-key KEY)");
  rc = read_all(path, &buf, &len, err);
  if (rc) return rc;
  if (len < USB_HEAD + 4 || memcmp(buf, USB_MAGIC, 8) != 0 || buf[8] != USB_VERSION) {
    rc = cm_errf(err, CM_ERR_INVALID, "%s 不是街道导出的回传文件 / not a hub's return file", path);
    goto out;
  }
  if (memcmp(buf + 9, ctx->kp.pk, PROTO_KEY_BYTES) != 0) {
    rc = cm_errf(err, CM_ERR_INVALID, "这个文件是给另一个社区的 / the file is for another node");
    goto out;
  }
  if (memcmp(buf + 9 + PROTO_KEY_BYTES, hub_key, PROTO_KEY_BYTES) != 0) {
    rc = cm_errf(err, CM_ERR_PERM, "这个文件不是本社区所属街道导出的 / the file is from another hub");
    goto out;
  }
  /* 1. the head receipt */
  uint32_t rlen = get_u32(buf + off);
  off += 4;
  if (rlen != PROTO_RECEIPT_BYTES || len - off < rlen + 4) {
    rc = cm_errf(err, CM_ERR_INVALID, "%s 不完整或已损坏", path);
    goto out;
  }
  rc = proto_receipt_decode(buf + off, rlen, hub_key, &r, err);
  if (rc) goto out;
  if (memcmp(r.author, ctx->kp.pk, PROTO_KEY_BYTES) != 0) {
    rc = cm_errf(err, CM_ERR_INVALID, "%s 里的回执是给另一个社区的", path);
    goto out;
  }
  store_inbox_unread(ctx, &unread0, NULL);
  if (r.seq > 0) {
    receipt_job j = {&r, buf + off};
    rc = store_tx(ctx, receipt_tx, &j, err);
    if (rc) goto out;
  }
  st.acknowledged = store_meta_u64(ctx, "acked_seq", 0);
  off += rlen;
  /* 2. the feed pages, in order, each verified whole before it is applied */
  uint32_t pages = get_u32(buf + off);
  off += 4;
  for (uint32_t i = 0; i < pages; i++) {
    if (len - off < 4 || len - off - 4 < get_u32(buf + off)) {
      rc = cm_errf(err, CM_ERR_INVALID, "%s 不完整或已损坏", path);
      goto out;
    }
    uint32_t plen = get_u32(buf + off);
    uint64_t next = 0;
    off += 4;
    rc = node_feed_apply(ctx, buf + off, plen, &next, err);
    if (rc) goto out;
    off += plen;
  }
  if (off != len) {
    rc = cm_errf(err, CM_ERR_INVALID, "%s 的末页之后还有多余的内容", path);
    goto out;
  }
  store_inbox_unread(ctx, &unread1, NULL);
  st.new_items = unread1 > unread0 ? unread1 - unread0 : 0;
  if (stats_out) *stats_out = st;
out:
  free(buf);
  return rc;
}
