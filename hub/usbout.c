/* usbout.c - the USB return file for one node (usbout.h). */
#include "usbout.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/buf.h"
#include "../protocol/feed.h"
#include "hublog.h"
#include "ingest.h"

#define USB_MAGIC "LINLIUSB"
#define USB_VERSION 1
#define USB_MAX_PAGES 10000u

static void put_u32(uint8_t p[4], uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static cm_rc put_block(cm_buf *b, const uint8_t *data, size_t len, cm_err *err) {
  uint8_t l[4];
  if (len > UINT32_MAX) return cm_errf(err, CM_ERR_TOO_LARGE, "一页下发记录超过 4 GiB");
  put_u32(l, (uint32_t)len);
  cm_rc rc = cm_buf_append(b, l, 4);
  if (!rc) rc = cm_buf_append(b, data, len);
  return rc ? cm_errf(err, rc, "内存不足，无法写出U盘文件") : CM_OK;
}

cm_rc hub_usb_export(hub_ctx *ctx, const uint8_t node[PROTO_KEY_BYTES], uint64_t after,
                     const char *file, hub_usbout_stats *stats_out, cm_err *err) {
  hub_key_state state = HUB_KEY_UNKNOWN;
  hub_head head;
  hub_usbout_stats st;
  cm_buf pages;
  uint32_t n_pages = 0;
  int fd = -1;
  cm_rc rc;

  memset(&st, 0, sizeof st);
  cm_buf_init(&pages, 1u << 30);
  rc = hub_key_status(ctx, node, &state, err);
  if (!rc && state != HUB_KEY_ENROLLED)
    rc = cm_errf(err, CM_ERR_PERM, state == HUB_KEY_REVOKED
                                       ? "这个密钥在本级已被吊销"
                                       : "这个密钥没有在本级登记");
  if (!rc) rc = hub_head_receipt(ctx, node, &head, err);
  if (rc) goto out;
  st.head_seq = head.seq;
  st.next = after;
  /* Pages as the node would fetch them, until one brings nothing new. */
  for (;;) {
    uint8_t *feed = NULL;
    size_t len = 0, n = 0;
    uint64_t next = st.next;
    proto_feed_item *items = NULL;
    rc = hub_feed(ctx, node, st.next, HUB_FEED_MAX_ITEMS, &feed, &len, err);
    if (!rc) rc = proto_feed_decode(feed, len, ctx->kp.pk, &items, &n, &next, err);
    free(items);
    int more = !rc && n > 0 && next > st.next;
    if (more) {
      if (++n_pages > USB_MAX_PAGES) rc = cm_errf(err, CM_ERR_TOO_LARGE, "下发记录的页数太多");
      if (!rc) rc = put_block(&pages, feed, len, err);
      st.items += n;
      st.next = next;
    }
    free(feed);
    if (rc || !more) break;
  }
  if (rc) goto out;

  cm_buf f;
  cm_buf_init(&f, (1u << 30) + 4096);
  uint8_t hdr[8 + 1 + 2 * PROTO_KEY_BYTES], cnt[4];
  memcpy(hdr, USB_MAGIC, 8);
  hdr[8] = USB_VERSION;
  memcpy(hdr + 9, node, PROTO_KEY_BYTES);
  memcpy(hdr + 9 + PROTO_KEY_BYTES, ctx->kp.pk, PROTO_KEY_BYTES);
  put_u32(cnt, n_pages);
  rc = cm_buf_append(&f, hdr, sizeof hdr) ? cm_errf(err, CM_ERR_NOMEM, "内存不足") : CM_OK;
  if (!rc) rc = put_block(&f, head.receipt, sizeof head.receipt, err);
  if (!rc && cm_buf_append(&f, cnt, 4)) rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  if (!rc && cm_buf_append(&f, pages.p, pages.len))
    rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
  if (!rc) {
    fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
      rc = cm_errf(err, errno == EEXIST ? CM_ERR_EXISTS : CM_ERR_IO, "无法创建 %s：%s", file,
                   strerror(errno));
  }
  if (!rc) {
    size_t off = 0;
    while (off < f.len) {
      ssize_t w = write(fd, f.p + off, f.len - off);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) break;
      off += (size_t)w;
    }
    if (off != f.len || fsync(fd) != 0) {
      rc = cm_errf(err, CM_ERR_IO, "无法写入 %s：%s", file, strerror(errno));
      unlink(file);
    }
  }
  cm_buf_free(&f);
  if (!rc && stats_out) *stats_out = st;
out:
  if (fd >= 0) close(fd);
  cm_buf_free(&pages);
  return rc;
}
