/* attach.c - attachments: the file.attached body, types by magic bytes and
 * the content-addressed folder (common/attach.h). */
#include "attach.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codec.h"

const cm_att_heading cm_att_headings[6] = {
    {"filing", "备案材料"},     {"activity", "活动材料"}, {"people", "人员材料"},
    {"evaluation", "评比材料"}, {"plan", "计划总结材料"}, {"change", "变更材料"},
};

const char *cm_att_heading_label(const char *key) {
  for (size_t i = 0; i < 6; i++)
    if (key && !strcmp(cm_att_headings[i].key, key)) return cm_att_headings[i].label;
  return NULL;
}

const char *cm_att_heading_of_kind(const char *kind) {
  if (!kind) return "filing";
  if (!strcmp(kind, "org.amended") || !strcmp(kind, "org.dissolved")) return "change";
  if (!strcmp(kind, "report.monthly") || !strcmp(kind, "activity.declared")) return "activity";
  if (!strncmp(kind, "decision.", 9) || !strncmp(kind, "evaluation.", 11) ||
      !strcmp(kind, "rectification.filed") || !strcmp(kind, "inspection.self"))
    return "evaluation";
  if (!strncmp(kind, "plan.", 5) || !strncmp(kind, "summary.", 8)) return "plan";
  if (!strcmp(kind, "roster.entry")) return "people";
  if (!strcmp(kind, "feedback.recorded")) return "evaluation";
  return "filing";
}

const char *cm_att_sniff(const uint8_t *p, size_t n) {
  static const uint8_t png[8] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
  if (n >= 5 && !memcmp(p, "%PDF-", 5)) return "application/pdf";
  if (n >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff) return "image/jpeg";
  if (n >= 8 && !memcmp(p, png, 8)) return "image/png";
  return NULL;
}

void cm_att_caps_or_default(uint64_t *file_max, uint64_t *org_year_max) {
  if (!*file_max) *file_max = CM_ATT_FILE_MAX;
  if (!*org_year_max) *org_year_max = CM_ATT_ORG_YEAR_MAX;
}

void cm_att_caps_text(int64_t file_mb, int64_t org_year_mb, char *out, size_t cap) {
  snprintf(out, cap, "每个附件最多 %lld MB，每个组织每年的附件最多 %lld MB", (long long)file_mb,
           (long long)org_year_mb);
}

void cm_att_caps_print(FILE *f, uint64_t file_max, uint64_t org_year_max, int by_district) {
  char said[160];
  cm_att_caps_text((int64_t)(file_max >> 20), (int64_t)(org_year_max >> 20), said, sizeof said);
  fprintf(f, "%s（%s）\n", said, by_district ? "区协会设定" : "默认值");
}

const char *cm_att_type_label(const char *type) {
  if (!type) return "文件";
  if (!strcmp(type, "application/pdf")) return "PDF 文件";
  if (!strcmp(type, "image/jpeg")) return "JPEG 图片";
  if (!strcmp(type, "image/png")) return "PNG 图片";
  return "文件";
}

void cm_att_size_text(uint64_t n, char *out, size_t cap) {
  if (n >= 1024u * 1024u)
    snprintf(out, cap, "%.1f MB", (double)n / (1024.0 * 1024.0));
  else if (n >= 1024u)
    snprintf(out, cap, "%llu KB", (unsigned long long)((n + 1023u) / 1024u));
  else
    snprintf(out, cap, "%llu 字节", (unsigned long long)n);
}

/* ---- the body ---- */

static cm_rc str_of(const json_t *o, const char *key, const char *zh, size_t max, int empty_ok,
                    const char **out, cm_err *err) {
  const json_t *v = json_object_get(o, key);
  if (!json_is_string(v)) return cm_errf(err, CM_ERR_INVALID, "附件记录缺少「%s」", zh);
  *out = json_string_value(v);
  size_t n = json_string_length(v);
  if (n > max) return cm_errf(err, CM_ERR_INVALID, "附件的「%s」超过 %zu 字节", zh, max);
  if (!empty_ok && n == 0) return cm_errf(err, CM_ERR_INVALID, "附件的「%s」不能为空", zh);
  if (strlen(*out) != n) return cm_errf(err, CM_ERR_INVALID, "附件的「%s」含有空字符", zh);
  return CM_OK;
}

static int is_hex64(const char *s) {
  size_t i = 0;
  for (; s[i]; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
  return i == 64;
}

static int is_record_id(const char *s) {
  if (!*s) return 1;
  size_t i = 0;
  while (i < 64 && ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) i++;
  if (i != 64 || s[64] != '/' || s[65] < '1' || s[65] > '9') return 0;
  size_t n = strlen(s + 65);
  return n <= 19 && strspn(s + 65, "0123456789") == n;
}

cm_rc cm_att_read(const json_t *o, cm_att_body *b, cm_err *err) {
  memset(b, 0, sizeof *b);
  if (!json_is_object(o)) return cm_errf(err, CM_ERR_INVALID, "附件记录应为 JSON 对象");
  cm_rc rc = str_of(o, "org", "组织", 200, 0, &b->org, err);
  if (!rc) rc = str_of(o, "record", "记录", 100, 1, &b->record, err);
  if (!rc) rc = str_of(o, "heading", "档案类别", 32, 0, &b->heading, err);
  if (!rc) rc = str_of(o, "hash", "哈希", 64, 0, &b->hash, err);
  if (!rc) rc = str_of(o, "type", "类型", 64, 0, &b->type, err);
  if (!rc) rc = str_of(o, "title", "标题", 200, 0, &b->title, err);
  if (rc) return rc;
  if (!is_record_id(b->record))
    return cm_errf(err, CM_ERR_INVALID, "附件的「记录」应为记录编号（<公钥>/<序号>）");
  if (!cm_att_heading_label(b->heading))
    return cm_errf(err, CM_ERR_INVALID, "档案类别「%s」不是六类之一", b->heading);
  if (!is_hex64(b->hash))
    return cm_errf(err, CM_ERR_INVALID, "附件的哈希应为 64 位小写十六进制数");
  if (strcmp(b->type, "application/pdf") && strcmp(b->type, "image/jpeg") &&
      strcmp(b->type, "image/png"))
    return cm_errf(err, CM_ERR_INVALID, "附件只收 PDF、JPEG、PNG，不收「%s」", b->type);
  const json_t *sz = json_object_get(o, "size");
  if (!json_is_integer(sz) || json_integer_value(sz) < 1 ||
      (uint64_t)json_integer_value(sz) > 10 * CM_ATT_FILE_MAX)
    return cm_errf(err, CM_ERR_INVALID, "附件的大小不合理");
  b->size = (uint64_t)json_integer_value(sz);
  return CM_OK;
}

cm_rc cm_att_read_bytes(const uint8_t *p, size_t len, cm_att_body *out, json_t **json_out,
                        cm_err *err) {
  json_error_t je;
  *json_out = NULL;
  if (len > CM_ATT_BODY_MAX) return cm_errf(err, CM_ERR_INVALID, "附件记录超过 %u 字节", CM_ATT_BODY_MAX);
  *json_out = json_loadb((const char *)p, len, JSON_REJECT_DUPLICATES, &je);
  if (!*json_out) return cm_errf(err, CM_ERR_INVALID, "附件记录不是 JSON：%s", je.text);
  return cm_att_read(*json_out, out, err);
}

cm_rc cm_att_owns(const cm_att_body *b, const char *prefix, cm_err *err) {
  size_t n = strlen(prefix);
  if (!n || strncmp(b->org, prefix, n) != 0 || b->org[n] != '-')
    return cm_errf(err, CM_ERR_PERM, "无权为组织 %s 添加附件：它不是本社区（%s）备案的", b->org,
                   n ? prefix : "未登记代码");
  return CM_OK;
}

/* ---- the folder ---- */

static cm_rc io_err(cm_err *err, const char *what, const char *path) {
  int e = errno;
  return cm_errf(err, e == ENOSPC ? CM_ERR_DISK_FULL : CM_ERR_IO, "%s %s：%s", what, path,
                 strerror(e));
}

cm_rc cm_att_open(const char *base_dir, cm_att_store *st, cm_err *err) {
  char part[1100];
  if ((size_t)snprintf(st->dir, sizeof st->dir, "%s/files", base_dir) >= sizeof st->dir)
    return cm_errf(err, CM_ERR_INVALID, "目录名太长：%s", base_dir);
  snprintf(part, sizeof part, "%s/partial", st->dir);
  const char *dirs[2] = {st->dir, part};
  for (int i = 0; i < 2; i++) {
    if (mkdir(dirs[i], 0700) != 0 && errno != EEXIST) return io_err(err, "无法建立目录", dirs[i]);
    if (chmod(dirs[i], 0700) != 0) return io_err(err, "无法设为私有（0700）", dirs[i]);
  }
  return CM_OK;
}

void cm_att_path(const cm_att_store *st, const char *hash, char *out, size_t cap) {
  snprintf(out, cap, "%s/%s", st->dir, hash);
}

static void partial_path(const cm_att_store *st, const char *hash, char *out, size_t cap) {
  snprintf(out, cap, "%s/partial/%s", st->dir, hash);
}

int cm_att_has(const cm_att_store *st, const char *hash) {
  char p[1200];
  struct stat sb;
  if (!is_hex64(hash)) return 0;
  cm_att_path(st, hash, p, sizeof p);
  return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

static cm_rc write_all(int fd, const uint8_t *p, size_t len, const char *path, cm_err *err) {
  while (len) {
    ssize_t w = write(fd, p, len);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return io_err(err, "无法写入", path);
    p += w;
    len -= (size_t)w;
  }
  return CM_OK;
}

/* fsync the folder so that a rename into it survives a power cut. */
static void sync_dir(const char *dir) {
  int fd = open(dir, O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    (void)fsync(fd);
    close(fd);
  }
}

/* Hash fd from its start; *size_out its length; the first bytes into head. */
static cm_rc hash_fd(int fd, const char *path, uint8_t hash[32], uint64_t *size_out,
                     uint8_t head[8], size_t *head_n, cm_err *err) {
  crypto_generichash_state h;
  uint8_t buf[65536];
  uint64_t total = 0;
  *head_n = 0;
  crypto_generichash_init(&h, NULL, 0, 32);
  if (lseek(fd, 0, SEEK_SET) < 0) return io_err(err, "无法读取", path);
  for (;;) {
    ssize_t r = read(fd, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return io_err(err, "无法读取", path);
    if (r == 0) break;
    if (*head_n < 8) {
      size_t k = 8 - *head_n < (size_t)r ? 8 - *head_n : (size_t)r;
      memcpy(head + *head_n, buf, k);
      *head_n += k;
    }
    crypto_generichash_update(&h, buf, (size_t)r);
    total += (uint64_t)r;
  }
  crypto_generichash_final(&h, hash, 32);
  *size_out = total;
  return CM_OK;
}

cm_rc cm_att_hash_file(const char *path, char hash_out[CM_ATT_HEX], uint64_t *size_out,
                       cm_err *err) {
  uint8_t h[32], head[8];
  size_t hn;
  int fd = open(path, O_RDONLY);
  if (fd < 0) return io_err(err, "无法打开", path);
  cm_rc rc = hash_fd(fd, path, h, size_out, head, &hn, err);
  close(fd);
  if (!rc) cm_hex_encode(h, 32, hash_out);
  return rc;
}

/* Move the finished temporary file tmp into place as hash. */
static cm_rc place(const cm_att_store *st, const char *tmp, const char *hash, cm_err *err) {
  char dst[1200];
  cm_att_path(st, hash, dst, sizeof dst);
  if (rename(tmp, dst) != 0) return io_err(err, "无法保存", dst);
  sync_dir(st->dir);
  return CM_OK;
}

cm_rc cm_att_import(const cm_att_store *st, const char *src, uint64_t max,
                    char hash_out[CM_ATT_HEX], const char **type_out, uint64_t *size_out,
                    cm_err *err) {
  char tmp[1200];
  uint8_t buf[65536], h[32], head[8];
  size_t head_n = 0;
  uint64_t total = 0;
  crypto_generichash_state hs;
  cm_rc rc = CM_OK;
  int out = -1, in = open(src, O_RDONLY);
  if (in < 0) return io_err(err, "无法打开", src);
  snprintf(tmp, sizeof tmp, "%s/partial/import.%ld.%u", st->dir, (long)getpid(),
           (unsigned)randombytes_random());
  out = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (out < 0) {
    rc = io_err(err, "无法写入", tmp);
    goto done;
  }
  crypto_generichash_init(&hs, NULL, 0, 32);
  for (;;) {
    ssize_t r = read(in, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      rc = io_err(err, "无法读取", src);
      goto done;
    }
    if (r == 0) break;
    total += (uint64_t)r;
    if (total > max) {
      rc = cm_errf(err, CM_ERR_TOO_LARGE, "文件 %s 超过每个附件 %llu MB 的上限", src,
                   (unsigned long long)(max / (1024 * 1024)));
      goto done;
    }
    if (head_n < 8) {
      size_t k = 8 - head_n < (size_t)r ? 8 - head_n : (size_t)r;
      memcpy(head + head_n, buf, k);
      head_n += k;
    }
    crypto_generichash_update(&hs, buf, (size_t)r);
    rc = write_all(out, buf, (size_t)r, tmp, err);
    if (rc) goto done;
  }
  *type_out = cm_att_sniff(head, head_n);
  if (!*type_out) {
    rc = cm_errf(err, CM_ERR_INVALID, "%s 不是 PDF、JPEG 或 PNG 文件（按文件内容判断，不看文件名）",
                 src);
    goto done;
  }
  if (fsync(out) != 0) {
    rc = io_err(err, "无法写入", tmp);
    goto done;
  }
  close(out);
  out = -1;
  crypto_generichash_final(&hs, h, 32);
  cm_hex_encode(h, 32, hash_out);
  *size_out = total;
  if (cm_att_has(st, hash_out)) {
    unlink(tmp); /* stored once: the same bytes are already here */
  } else {
    rc = place(st, tmp, hash_out, err);
  }
done:
  if (out >= 0) close(out);
  if (rc) unlink(tmp);
  close(in);
  return rc;
}

uint64_t cm_att_partial_size(const cm_att_store *st, const char *hash) {
  char p[1200];
  struct stat sb;
  if (!is_hex64(hash)) return 0;
  partial_path(st, hash, p, sizeof p);
  return stat(p, &sb) == 0 ? (uint64_t)sb.st_size : 0;
}

cm_rc cm_att_receive(const cm_att_store *st, const char *hash, const char *type, uint64_t size,
                     uint64_t offset, const uint8_t *p, size_t len, uint64_t *held_out,
                     int *done_out, cm_err *err) {
  char path[1200];
  struct stat sb;
  cm_rc rc = CM_OK;
  *done_out = 0;
  *held_out = 0;
  if (!is_hex64(hash)) return cm_errf(err, CM_ERR_INVALID, "哈希应为 64 位小写十六进制数");
  partial_path(st, hash, path, sizeof path);
  int fd = open(path, O_RDWR | O_CREAT | O_APPEND, 0600);
  if (fd < 0) return io_err(err, "无法写入", path);
  if (fstat(fd, &sb) != 0) {
    rc = io_err(err, "无法读取", path);
    goto out;
  }
  *held_out = (uint64_t)sb.st_size;
  if (offset != (uint64_t)sb.st_size) {
    rc = cm_errf(err, CM_ERR_CONFLICT, "这里已收到 %llu 字节，请从 %llu 续传",
                 (unsigned long long)sb.st_size, (unsigned long long)sb.st_size);
    goto out;
  }
  if (offset + len > size) {
    rc = cm_errf(err, CM_ERR_INVALID, "大小不符：记录写的是 %llu 字节，收到的更多",
                 (unsigned long long)size);
    goto drop;
  }
  if (offset == 0) {
    const char *t = cm_att_sniff(p, len);
    if (!t || strcmp(t, type) != 0) {
      rc = cm_errf(err, CM_ERR_INVALID, "类型不符：记录写的是%s，文件是%s",
                   cm_att_type_label(type), t ? cm_att_type_label(t) : "别的格式");
      goto drop;
    }
  }
  rc = write_all(fd, p, len, path, err);
  if (!rc && fsync(fd) != 0) rc = io_err(err, "无法写入", path);
  if (rc) goto out;
  *held_out = offset + len;
  if (*held_out < size) goto out;
  /* whole: check it against the hash the signed entry names */
  uint8_t h[32], head[8];
  size_t hn = 0;
  uint64_t got = 0;
  char hex[CM_ATT_HEX];
  rc = hash_fd(fd, path, h, &got, head, &hn, err);
  if (rc) goto out;
  cm_hex_encode(h, 32, hex);
  if (strcmp(hex, hash) != 0) {
    rc = cm_errf(err, CM_ERR_INVALID, "哈希不符：文件内容与记录中的哈希 %.16s… 不一致，未保存",
                 hash);
    goto drop;
  }
  close(fd);
  fd = -1;
  rc = place(st, path, hash, err);
  if (!rc) *done_out = 1;
  goto out;
drop:
  unlink(path);
  *held_out = 0;
out:
  if (fd >= 0) close(fd);
  return rc;
}

cm_rc cm_att_read_at(const cm_att_store *st, const char *hash, uint64_t offset, uint8_t *buf,
                     size_t cap, size_t *len_out, cm_err *err) {
  char path[1200];
  *len_out = 0;
  if (!is_hex64(hash)) return cm_errf(err, CM_ERR_NOT_FOUND, "没有这个附件");
  cm_att_path(st, hash, path, sizeof path);
  int fd = open(path, O_RDONLY);
  if (fd < 0) return errno == ENOENT ? cm_errf(err, CM_ERR_NOT_FOUND, "没有这个附件")
                                     : io_err(err, "无法打开", path);
  cm_rc rc = CM_OK;
  while (*len_out < cap) {
    ssize_t r = pread(fd, buf + *len_out, cap - *len_out, (off_t)(offset + *len_out));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      rc = io_err(err, "无法读取", path);
      break;
    }
    if (r == 0) break;
    *len_out += (size_t)r;
  }
  close(fd);
  return rc;
}

cm_rc cm_att_load(const cm_att_store *st, const char *hash, uint64_t max, uint8_t **out,
                  size_t *len_out, cm_err *err) {
  char path[1200];
  struct stat sb;
  *out = NULL;
  *len_out = 0;
  if (!is_hex64(hash)) return cm_errf(err, CM_ERR_NOT_FOUND, "没有这个附件");
  cm_att_path(st, hash, path, sizeof path);
  if (stat(path, &sb) != 0) return cm_errf(err, CM_ERR_NOT_FOUND, "没有这个附件");
  if ((uint64_t)sb.st_size > max) return cm_errf(err, CM_ERR_TOO_LARGE, "附件太大");
  uint8_t *b = malloc(sb.st_size ? (size_t)sb.st_size : 1);
  if (!b) return cm_errf(err, CM_ERR_NOMEM, "内存不足");
  cm_rc rc = cm_att_read_at(st, hash, 0, b, (size_t)sb.st_size, len_out, err);
  if (rc) {
    free(b);
    return rc;
  }
  *out = b;
  return CM_OK;
}

cm_rc cm_att_put(const cm_att_store *st, const char *hash, const char *type, const uint8_t *p,
                 size_t len, cm_err *err) {
  uint64_t held = 0;
  int done = 0;
  char path[1200];
  if (cm_att_has(st, hash)) return CM_OK;
  /* a stale partial from a cut upload would put the offset off: start again */
  partial_path(st, hash, path, sizeof path);
  unlink(path);
  cm_rc rc = cm_att_receive(st, hash, type, len, 0, p, len, &held, &done, err);
  if (!rc && !done) rc = cm_errf(err, CM_ERR_INVALID, "附件不完整");
  return rc;
}

cm_rc cm_att_verify(const cm_att_store *st, const char *hash, cm_err *err) {
  char path[1200], hex[CM_ATT_HEX];
  uint64_t size = 0;
  if (!cm_att_has(st, hash)) return cm_errf(err, CM_ERR_NOT_FOUND, "缺少附件 %.16s…", hash);
  cm_att_path(st, hash, path, sizeof path);
  cm_rc rc = cm_att_hash_file(path, hex, &size, err);
  if (!rc && strcmp(hex, hash) != 0)
    rc = cm_errf(err, CM_ERR_INVALID, "附件 %.16s… 已损坏（内容与哈希不符）", hash);
  return rc;
}

const char *cm_att_ext(const char *type) {
  if (!strcmp(type, "application/pdf")) return ".pdf";
  if (!strcmp(type, "image/jpeg")) return ".jpg";
  return ".png";
}

void cm_att_disposition(const char *hash, const char *type, const char *title, char *out,
                        size_t cap) {
  char name[300];
  const char *ext = cm_att_ext(type);
  int n = snprintf(out, cap, "attachment; filename=\"%.16s%s\"", is_hex64(hash) ? hash : "file",
                   ext);
  if (!title || !*title || n < 0 || (size_t)n >= cap) return;
  snprintf(name, sizeof name, "%.200s%s", title, ext);
  if ((size_t)n + sizeof "; filename*=UTF-8''" < cap) {
    strcat(out, "; filename*=UTF-8''");
    cm_pct_append(out, cap, name);
  }
}

cm_rc cm_att_remove(const cm_att_store *st, const char *hash, cm_err *err) {
  char path[1200];
  if (!is_hex64(hash)) return cm_errf(err, CM_ERR_INVALID, "哈希应为 64 位小写十六进制数");
  cm_att_path(st, hash, path, sizeof path);
  if (unlink(path) != 0 && errno != ENOENT) return io_err(err, "无法删除", path);
  return CM_OK;
}

cm_rc cm_att_copy_out(const cm_att_store *st, const char *hash, const char *dest_dir,
                      cm_err *err) {
  char tmp[1200], dst[1200];
  uint8_t *data = NULL;
  size_t len = 0;
  cm_rc rc = cm_att_load(st, hash, 10 * CM_ATT_FILE_MAX, &data, &len, err);
  if (rc) return rc;
  snprintf(dst, sizeof dst, "%s/%s", dest_dir, hash);
  snprintf(tmp, sizeof tmp, "%s/%s.tmp", dest_dir, hash);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) {
    rc = io_err(err, "无法写入", tmp);
  } else {
    rc = write_all(fd, data, len, tmp, err);
    if (!rc && fsync(fd) != 0) rc = io_err(err, "无法写入", tmp);
    close(fd);
    if (!rc && rename(tmp, dst) != 0) rc = io_err(err, "无法保存", dst);
    if (rc) unlink(tmp);
  }
  free(data);
  return rc;
}
