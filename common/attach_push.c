/* attach_push.c - sending a held file up, resumably (common/attach_push.h). */
#include "attach_push.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "failpoint.h"
#include "json.h"

/* base_url/api/v1/files/HASH/upload?record=R[&offset=N] */
static void upload_url(const char *base, const char *hash, const char *record, int with_offset,
                       uint64_t offset, char *out, size_t cap) {
  size_t bl = strlen(base);
  while (bl && base[bl - 1] == '/') bl--;
  if (with_offset)
    snprintf(out, cap, "%.*s/api/v1/files/%s/upload?record=%s&offset=%llu", (int)bl, base, hash,
             record, (unsigned long long)offset);
  else
    snprintf(out, cap, "%.*s/api/v1/files/%s/upload?record=%s", (int)bl, base, hash, record);
}

/* The answer's JSON object (NULL when it has none). */
static json_t *answer(const cm_client_result *res) {
  json_t *j = NULL;
  if (!res->body.p || !res->body.len) return NULL;
  if (cm_json_parse_object(res->body.p, res->body.len, &j, NULL) != CM_OK) return NULL;
  return j;
}

/* The hub's refusal as a code with its message. */
static cm_rc refused(const cm_client_result *res, const json_t *j, const char *hash,
                     cm_err *err) {
  const char *m = json_string_value(json_object_get(j, "message"));
  cm_rc rc = res->status == 400   ? CM_ERR_INVALID
             : res->status == 403 ? CM_ERR_PERM
             : res->status == 404 ? CM_ERR_NOT_FOUND
             : res->status == 413 || res->status == 429 ? CM_ERR_TOO_LARGE
                                  : CM_ERR_HTTP;
  return cm_errf(err, rc, "上级拒收附件 %.16s…（HTTP %ld）：%s", hash, res->status,
                 m ? m : "没有说明");
}

cm_rc cm_att_push(const char *base_url, const cm_client_opts *opts, const cm_att_store *st,
                  const char *hash, const char *record, uint64_t size, cm_att_sent *sent,
                  cm_err *err) {
  char url[2400];
  cm_client_result res;
  json_t *j = NULL;
  uint8_t *chunk = NULL;
  uint64_t offset = 0;
  memset(&res, 0, sizeof res);
  if (!cm_att_has(st, hash))
    return cm_errf(err, CM_ERR_NOT_FOUND, "本机缺少附件 %.16s…：无法上报", hash);

  /* ask first: a file the hub holds is never sent again */
  upload_url(base_url, hash, record, 0, 0, url, sizeof url);
  cm_rc rc = cm_client_request("GET", url, NULL, NULL, 0, opts, &res, err);
  sent->requests++;
  if (rc) return rc;
  j = answer(&res);
  if (res.status == 403 && json_is_true(json_object_get(j, "refused"))) {
    const char *m = json_string_value(json_object_get(j, "message"));
    sent->refused++;
    snprintf(sent->refusal, sizeof sent->refusal, "%s", m ? m : "");
    goto out;
  }
  if (res.status != 200) {
    rc = refused(&res, j, hash, err);
    goto out;
  }
  if (json_is_true(json_object_get(j, "have"))) {
    sent->skipped++;
    goto out;
  }
  if (json_is_false(json_object_get(j, "wanted"))) {
    sent->declined++; /* a heading the hub above does not take: kept below */
    goto out;
  }
  offset = (uint64_t)json_integer_value(json_object_get(j, "offset"));
  chunk = malloc(CM_ATT_CHUNK);
  if (!chunk) {
    rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
    goto out;
  }
  for (unsigned conflicts = 0; offset < size;) {
    size_t n = 0;
    rc = cm_att_read_at(st, hash, offset, chunk, size - offset < CM_ATT_CHUNK
                        ? (size_t)(size - offset) : CM_ATT_CHUNK, &n, err);
    if (!rc && n == 0) rc = cm_errf(err, CM_ERR_IO, "本机的附件 %.16s… 比记录写的小", hash);
    if (rc) goto out;
    upload_url(base_url, hash, record, 1, offset, url, sizeof url);
    cm_client_result_free(&res);
    json_decref(j);
    j = NULL;
    rc = cm_client_request("PUT", url, "application/octet-stream", chunk, n, opts, &res, err);
    sent->requests++;
    if (rc) goto out;
    sent->bytes += n;
    j = answer(&res);
    if (res.status == 409 && json_is_integer(json_object_get(j, "offset")) && ++conflicts < 4) {
      /* the hub holds a different amount (another push, a lost answer): go on from there */
      offset = (uint64_t)json_integer_value(json_object_get(j, "offset"));
      continue;
    }
    if (res.status != 200) {
      rc = refused(&res, j, hash, err);
      goto out;
    }
    offset = (uint64_t)json_integer_value(json_object_get(j, "offset"));
    CM_FAILPOINT("attach.push.after_chunk");
    if (json_is_true(json_object_get(j, "have"))) {
      sent->files++;
      break;
    }
  }
out:
  free(chunk);
  json_decref(j);
  cm_client_result_free(&res);
  return rc;
}
