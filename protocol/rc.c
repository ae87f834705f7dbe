/* rc.c - messages for cm_rc codes and the error-context helpers. */
#include "rc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct rc_text {
  cm_rc rc;
  const char *name;
  const char *text;
};

static const struct rc_text rc_table[] = {
  {CM_OK, "OK", "success"},
  {CM_ERR_NOMEM, "NOMEM", "out of memory"},
  {CM_ERR_IO, "IO", "input/output error"},
  {CM_ERR_INVALID, "INVALID", "invalid input"},
  {CM_ERR_NOT_FOUND, "NOT_FOUND", "not found"},
  {CM_ERR_EXISTS, "EXISTS", "already exists"},
  {CM_ERR_DB, "DB", "database error"},
  {CM_ERR_DISK_FULL, "DISK_FULL", "disk full"},
  {CM_ERR_BUSY, "BUSY", "database busy"},
  {CM_ERR_NETWORK, "NETWORK", "network unreachable"},
  {CM_ERR_HTTP, "HTTP", "unexpected HTTP answer"},
  {CM_ERR_JSON, "JSON", "bad JSON"},
  {CM_ERR_CRYPTO, "CRYPTO", "cryptography failure"},
  {CM_ERR_PERM, "PERM", "not allowed"},
  {CM_ERR_CONFLICT, "CONFLICT", "conflict with stored state"},
  {CM_ERR_TOO_LARGE, "TOO_LARGE", "over the size limit"},
  {CM_ERR_KEYFILE, "KEYFILE", "bad key file"},
  {CM_ERR_UNSUPPORTED, "UNSUPPORTED", "not supported"},
  {CM_ERR_FAILPOINT, "FAILPOINT", "failpoint fired"},
  {CM_PROTO_TRUNCATED, "PROTO_TRUNCATED", "truncated input"},
  {CM_PROTO_BAD_MAGIC, "PROTO_BAD_MAGIC", "bad magic"},
  {CM_PROTO_BAD_VERSION, "PROTO_BAD_VERSION", "unsupported format version"},
  {CM_PROTO_BAD_SUITE, "PROTO_BAD_SUITE", "unsupported crypto suite"},
  {CM_PROTO_BAD_HEADER, "PROTO_BAD_HEADER", "inconsistent header"},
  {CM_PROTO_BAD_SIGNATURE, "PROTO_BAD_SIGNATURE", "bad signature"},
  {CM_PROTO_PAYLOAD_HASH, "PROTO_PAYLOAD_HASH", "payload hash mismatch"},
  {CM_PROTO_INFLATE, "PROTO_INFLATE", "corrupt compressed stream"},
  {CM_PROTO_BOMB, "PROTO_BOMB", "decompressed size over the limit"},
  {CM_PROTO_LENGTH, "PROTO_LENGTH", "length field disagrees with data"},
  {CM_PROTO_TRAILING, "PROTO_TRAILING", "trailing bytes"},
  {CM_PROTO_BAD_ENTRY, "PROTO_BAD_ENTRY", "malformed entry"},
  {CM_PROTO_CHAIN, "PROTO_CHAIN", "hash chain broken"},
  {CM_PROTO_GAP, "PROTO_GAP", "gap in sequence"},
  {CM_PROTO_PREV_MISMATCH, "PROTO_PREV_MISMATCH", "previous hash mismatch"},
  {CM_PROTO_FORK, "PROTO_FORK", "fork: different entry at same sequence"},
  {CM_PROTO_TOO_MANY, "PROTO_TOO_MANY", "too many items"},
  {CM_PROTO_STALE_REQUEST, "PROTO_STALE_REQUEST", "request time outside window"},
};

static const struct rc_text *rc_find(cm_rc rc) {
  for (size_t i = 0; i < sizeof rc_table / sizeof rc_table[0]; i++)
    if (rc_table[i].rc == rc) return &rc_table[i];
  return NULL;
}

const char *cm_strerror(cm_rc rc) {
  const struct rc_text *t = rc_find(rc);
  return t ? t->text : "unknown error";
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
