/* attach_fetch.c - files back from the hub above, and the check of a folder
 * (common/attach_fetch.h). */
#include "attach_fetch.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"

/* base_url/api/v1/files/HASH/data?record=R&offset=N */
static void data_url(const char *base, const char *hash, const char *record, uint64_t offset,
                     char *out, size_t cap) {
  size_t bl = strlen(base);
  while (bl && base[bl - 1] == '/') bl--;
  snprintf(out, cap, "%.*s/api/v1/files/%s/data?record=%s&offset=%llu", (int)bl, base, hash,
           record, (unsigned long long)offset);
}

/* The hub's refusal as a code with its message. */
static cm_rc refused(const cm_client_result *res, const char *hash, cm_err *err) {
  json_t *j = NULL;
  const char *m = NULL;
  if (res->body.p && res->body.len &&
      cm_json_parse_object(res->body.p, res->body.len, &j, NULL) == CM_OK)
    m = json_string_value(json_object_get(j, "message"));
  cm_rc rc = res->status == 400   ? CM_ERR_INVALID
             : res->status == 403 ? CM_ERR_PERM
             : res->status == 404 ? CM_ERR_NOT_FOUND
                                  : CM_ERR_HTTP;
  cm_errf(err, rc, "上级没有给出附件 %.16s…（HTTP %ld）：%s", hash, res->status,
          m ? m : "没有说明");
  json_decref(j);
  return rc;
}

cm_rc cm_att_fetch(const char *base_url, const cm_client_opts *opts, const cm_att_store *st,
                   const char *hash, const char *record, const char *type, uint64_t size,
                   uint64_t *bytes_out, cm_err *err) {
  char url[2400];
  cm_client_result res;
  cm_rc rc = CM_OK;
  int done = cm_att_has(st, hash);
  /* a cut download continues after the bytes it left in the partial file */
  uint64_t offset = cm_att_partial_size(st, hash);
  memset(&res, 0, sizeof res);
  while (!rc && !done) {
    uint64_t held = 0;
    data_url(base_url, hash, record, offset, url, sizeof url);
    cm_client_result_free(&res);
    rc = cm_client_request("GET", url, NULL, NULL, 0, opts, &res, err);
    if (rc) break;
    if (res.status != 200) {
      rc = refused(&res, hash, err);
      break;
    }
    if (res.body.len == 0 || res.body.len > CM_ATT_CHUNK) {
      rc = cm_errf(err, CM_ERR_HTTP, "上级给出的附件 %.16s… 每次应有 1 到 %u 字节", hash,
                   CM_ATT_CHUNK);
      break;
    }
    rc = cm_att_receive(st, hash, type, size, offset, res.body.p, res.body.len, &held, &done, err);
    if (rc) break;
    if (bytes_out) *bytes_out += res.body.len;
    offset = held;
  }
  cm_client_result_free(&res);
  return rc;
}

/* Check (and fetch back) one file of the list. */
static cm_rc check_one(const cm_att_store *st, const json_t *f, const char *id_key,
                       const char *base_url, const cm_client_opts *opts, FILE *report,
                       cm_att_checked *out, cm_err *err) {
  const char *hash = json_string_value(json_object_get(f, "hash"));
  const char *title = json_string_value(json_object_get(f, "title"));
  const char *record = json_string_value(json_object_get(f, id_key));
  const char *type = json_string_value(json_object_get(f, "type"));
  uint64_t size = (uint64_t)json_integer_value(json_object_get(f, "size"));
  cm_err e;
  cm_err_clear(&e);
  cm_rc v = cm_att_verify(st, hash, &e);
  if (v == CM_OK) {
    out->ok++;
    return CM_OK;
  }
  if (v != CM_ERR_NOT_FOUND && v != CM_ERR_INVALID) return cm_errf(err, v, "%s", e.msg);
  const char *what = v == CM_ERR_NOT_FOUND ? "缺失" : "损坏";
  if (v == CM_ERR_NOT_FOUND)
    out->missing++;
  else
    out->corrupt++;
  if (!base_url) {
    out->left++;
    if (report) fprintf(report, "%s：%s（%.16s…）\n", what, title ? title : "", hash);
    return CM_OK;
  }
  if (v == CM_ERR_INVALID) {
    cm_rc rc = cm_att_remove(st, hash, err);
    if (rc) return rc;
  }
  cm_err_clear(&e);
  cm_rc rc = cm_att_fetch(base_url, opts, st, hash, record, type, size, &out->bytes, &e);
  if (!rc) {
    out->fetched++;
    if (report) fprintf(report, "%s，已从上级取回：%s（%.16s…）\n", what, title ? title : "", hash);
    return CM_OK;
  }
  if (rc == CM_ERR_IO || rc == CM_ERR_DISK_FULL || rc == CM_ERR_NOMEM)
    return cm_errf(err, rc, "%s", e.msg);
  out->left++;
  if (report) fprintf(report, "%s，未能取回：%s（%.16s…）：%s\n", what, title ? title : "", hash, e.msg);
  return CM_OK;
}

cm_rc cm_att_check_list(const cm_att_store *st, const json_t *list, const char *id_key,
                        const char *base_url, const cm_client_opts *opts, FILE *report,
                        cm_att_checked *out, cm_err *err) {
  json_t *seen = json_object();
  cm_rc rc = seen ? CM_OK : cm_errf(err, CM_ERR_NOMEM, "内存不足");
  size_t i;
  json_t *f;
  memset(out, 0, sizeof *out);
  json_array_foreach(list, i, f) {
    if (rc) break;
    const char *hash = json_string_value(json_object_get(f, "hash"));
    if (!hash || json_object_get(seen, hash)) continue;
    if (json_object_set_new(seen, hash, json_true())) {
      rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
      break;
    }
    out->files++;
    rc = check_one(st, f, id_key, base_url, opts, report, out, err);
  }
  json_decref(seen);
  return rc;
}
