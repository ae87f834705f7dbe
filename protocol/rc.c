/* rc.c - messages for cm_rc codes and the error-context helpers. */
#include "rc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Each text is "中文 / English", the house form of a bilingual message: the
 * programs show the half of the reader's language (cm_i18n_msg_part). */
struct rc_text {
  cm_rc rc;
  const char *name;
  const char *text;
};

static const struct rc_text rc_table[] = {
  {CM_OK, "OK", "成功 / success"},
  {CM_ERR_NOMEM, "NOMEM", "内存不足 / out of memory"},
  {CM_ERR_IO, "IO", "读写出错 / input/output error"},
  {CM_ERR_INVALID, "INVALID", "输入不对 / invalid input"},
  {CM_ERR_NOT_FOUND, "NOT_FOUND", "找不到 / not found"},
  {CM_ERR_EXISTS, "EXISTS", "已经存在 / already exists"},
  {CM_ERR_DB, "DB", "数据库出错 / database error"},
  {CM_ERR_DISK_FULL, "DISK_FULL", "磁盘已满 / disk full"},
  {CM_ERR_BUSY, "BUSY", "数据库正忙 / database busy"},
  {CM_ERR_NETWORK, "NETWORK", "连不上网络 / network unreachable"},
  {CM_ERR_HTTP, "HTTP", "对方的回答不对 / unexpected HTTP answer"},
  {CM_ERR_JSON, "JSON", "数据格式不对 / bad JSON"},
  {CM_ERR_CRYPTO, "CRYPTO", "加密运算出错 / cryptography failure"},
  {CM_ERR_PERM, "PERM", "不允许 / not allowed"},
  {CM_ERR_CONFLICT, "CONFLICT", "与已保存的内容冲突 / conflict with stored state"},
  {CM_ERR_TOO_LARGE, "TOO_LARGE", "超过大小上限 / over the size limit"},
  {CM_ERR_KEYFILE, "KEYFILE", "密钥文件不对 / bad key file"},
  {CM_ERR_UNSUPPORTED, "UNSUPPORTED", "不支持 / not supported"},
  {CM_ERR_FAILPOINT, "FAILPOINT", "测试故障点触发 / failpoint fired"},
  {CM_PROTO_TRUNCATED, "PROTO_TRUNCATED", "数据不完整 / truncated input"},
  {CM_PROTO_BAD_MAGIC, "PROTO_BAD_MAGIC", "文件类型不对 / bad magic"},
  {CM_PROTO_BAD_VERSION, "PROTO_BAD_VERSION", "不支持的格式版本 / unsupported format version"},
  {CM_PROTO_BAD_SUITE, "PROTO_BAD_SUITE", "不支持的加密方式 / unsupported crypto suite"},
  {CM_PROTO_BAD_HEADER, "PROTO_BAD_HEADER", "文件头不一致 / inconsistent header"},
  {CM_PROTO_BAD_SIGNATURE, "PROTO_BAD_SIGNATURE", "签名不对 / bad signature"},
  {CM_PROTO_PAYLOAD_HASH, "PROTO_PAYLOAD_HASH", "内容与哈希不符 / payload hash mismatch"},
  {CM_PROTO_INFLATE, "PROTO_INFLATE", "压缩数据已损坏 / corrupt compressed stream"},
  {CM_PROTO_BOMB, "PROTO_BOMB", "解压后超过大小上限 / decompressed size over the limit"},
  {CM_PROTO_LENGTH, "PROTO_LENGTH", "长度与数据不符 / length field disagrees with data"},
  {CM_PROTO_TRAILING, "PROTO_TRAILING", "末尾有多余的数据 / trailing bytes"},
  {CM_PROTO_BAD_ENTRY, "PROTO_BAD_ENTRY", "记录格式不对 / malformed entry"},
  {CM_PROTO_CHAIN, "PROTO_CHAIN", "哈希链断开 / hash chain broken"},
  {CM_PROTO_GAP, "PROTO_GAP", "序号不连续 / gap in sequence"},
  {CM_PROTO_PREV_MISMATCH, "PROTO_PREV_MISMATCH", "与上一条的哈希不符 / previous hash mismatch"},
  {CM_PROTO_FORK, "PROTO_FORK", "分叉：同一序号有不同的记录 / fork: different entry at same sequence"},
  {CM_PROTO_TOO_MANY, "PROTO_TOO_MANY", "项目太多 / too many items"},
  {CM_PROTO_STALE_REQUEST, "PROTO_STALE_REQUEST", "请求时间超出允许范围 / request time outside window"},
};

static const struct rc_text *rc_find(cm_rc rc) {
  for (size_t i = 0; i < sizeof rc_table / sizeof rc_table[0]; i++)
    if (rc_table[i].rc == rc) return &rc_table[i];
  return NULL;
}

const char *cm_strerror(cm_rc rc) {
  const struct rc_text *t = rc_find(rc);
  return t ? t->text : "未知错误 / unknown error";
}

const char *cm_rcname(cm_rc rc) {
  const struct rc_text *t = rc_find(rc);
  return t ? t->name : "UNKNOWN";
}

cm_rc cm_errf(cm_err *err, cm_rc rc, const char *fmt, ...) {
  if (err) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->rc = rc;
  }
  return rc;
}

void cm_err_clear(cm_err *err) {
  if (err) {
    err->rc = CM_OK;
    err->msg[0] = '\0';
  }
}
