/* attach.h - attachments (scans and photos) of records, shared by node and
 * hub: the signed entry that names a file (kind "file.attached", its typed
 * body and bounds), the archive headings, the file types taken by their
 * magic bytes, and the content-addressed folder DIR/files where each file is
 * stored once under the hex of its BLAKE2b-256 hash (0600 files in a 0700
 * folder, written to a temporary name, fsynced and renamed).  Partly received
 * files (an upload cut mid-way) wait in DIR/files/partial under the same
 * name until they are whole and verified (docs/protocol.md "Files"). */
#ifndef LINLI_COMMON_ATTACH_H
#define LINLI_COMMON_ATTACH_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "rc.h"

#define CM_ATT_KIND "file.attached"          /* the entry that names a file */
#define CM_ATT_FILE_MAX (10ull * 1024 * 1024) /* default bytes of one file */
#define CM_ATT_ORG_YEAR_MAX (200ull * 1024 * 1024) /* default bytes per organisation a year */
#define CM_ATT_FILE_MB_MAX 50u /* the most the district may allow one file, in MiB */
#define CM_ATT_HEX 65                        /* 64 hex digits and the NUL */
#define CM_ATT_CHUNK (1024u * 1024u)         /* bytes of one upload request */
#define CM_ATT_BODY_MAX (8u * 1024u)         /* bytes of a file.attached body */

/* The body of a file.attached entry (strings point into the JSON it was read
 * from).  record may be "" (a document of the organisation itself). */
typedef struct cm_att_body {
  const char *org, *record, *heading, *hash, *type, *title;
  uint64_t size;
} cm_att_body;

/* The six archive headings (docs/records.md "file.attached"): key and label. */
typedef struct cm_att_heading {
  const char *key;   /* "filing" */
  const char *label; /* "备案材料" */
} cm_att_heading;
extern const cm_att_heading cm_att_headings[6];

/* The label of heading key, or NULL when it is not one of the six. */
const char *cm_att_heading_label(const char *key);

/* The heading a record of kind files under by default ("filing" for none). */
const char *cm_att_heading_of_kind(const char *kind);

/* The caps in force: *file_max and *org_year_max as the district's newest
 * limits.set gave them, 0 where it set none, become the defaults there. */
void cm_att_caps_or_default(uint64_t *file_max, uint64_t *org_year_max);

/* The caps as one line for a person ("每个附件最多 … MB，…（区协会设定|默认值）"). */
/* The caps in words, in MiB: "每个附件最多 10 MB，每个组织每年的附件最多 200 MB". */
void cm_att_caps_text(int64_t file_mb, int64_t org_year_mb, char *out, size_t cap);
void cm_att_caps_print(FILE *f, uint64_t file_max, uint64_t org_year_max, int by_district);

/* The MIME type of a file starting with the n bytes at p ("application/pdf",
 * "image/jpeg", "image/png"), or NULL for any other. */
const char *cm_att_sniff(const uint8_t *p, size_t n);

/* The file name extension of a type (".pdf", ".jpg", ".png"). */
const char *cm_att_ext(const char *type);

/* The Content-Disposition of a download of the file hash of type: saved as
 * "<title><ext>" (filename*, UTF-8), "<first 16 hex digits><ext>" for
 * clients without it; title NULL or "": the hex name only. */
void cm_att_disposition(const char *hash, const char *type, const char *title, char *out,
                        size_t cap);

/* A short Chinese name of a type ("PDF 文件", "JPEG 图片", "PNG 图片"). */
const char *cm_att_type_label(const char *type);

/* A file's size of n bytes as every page shows it: "512 字节" under 1 KB,
 * "340 KB" (rounded up) under 1 MB, else "1.2 MB".  cap at least 24. */
void cm_att_size_text(uint64_t n, char *out, size_t cap);

/* Read and bound a body: every key present and typed, org and title at most
 * 200 bytes, hash 64 lower-case hex digits, a known type and heading, size
 * 1..CM_ATT_FILE_MAX * 10, record "" or "<hex>/<seq>".  CM_ERR_INVALID with a
 * Chinese reason. */
cm_rc cm_att_read(const json_t *body, cm_att_body *out, cm_err *err);

/* cm_att_read on len bytes of JSON; *json_out (caller json_decref()s, also on
 * failure) holds the strings. */
cm_rc cm_att_read_bytes(const uint8_t *p, size_t len, cm_att_body *out, json_t **json_out,
                        cm_err *err);

/* Authority: the organisation must begin "<prefix>-" (the community's code,
 * the street's key prefix); an empty prefix owns nothing.  CM_ERR_PERM. */
cm_rc cm_att_owns(const cm_att_body *b, const char *prefix, cm_err *err);

/* The folder of one node or hub. */
typedef struct cm_att_store {
  char dir[1024]; /* DIR/files */
} cm_att_store;

/* Make DIR/files and DIR/files/partial (0700) and fill *st. */
cm_rc cm_att_open(const char *base_dir, cm_att_store *st, cm_err *err);

/* 1 when the whole file of hash (hex) is held. */
int cm_att_has(const cm_att_store *st, const char *hash);

/* Path of the held file of hash into out. */
void cm_att_path(const cm_att_store *st, const char *hash, char *out, size_t cap);

/* BLAKE2b-256 of the file at path (hex into hash_out); *size_out its size. */
cm_rc cm_att_hash_file(const char *path, char hash_out[CM_ATT_HEX], uint64_t *size_out,
                       cm_err *err);

/* Copy the file at src into the store: at most max bytes, a PDF, JPEG or PNG by
 * its first bytes.  hash_out, *type_out (static string), *size_out.  Nothing
 * is kept on failure (CM_ERR_INVALID, CM_ERR_TOO_LARGE, CM_ERR_IO). */
cm_rc cm_att_import(const cm_att_store *st, const char *src, uint64_t max,
                    char hash_out[CM_ATT_HEX], const char **type_out, uint64_t *size_out,
                    cm_err *err);

/* Bytes of hash received so far (0 when no partial file, or the size when held). */
uint64_t cm_att_partial_size(const cm_att_store *st, const char *hash);

/* Append len bytes at offset to the partial file of hash, which will hold size
 * bytes of the given type.  The offset must equal what is held
 * (CM_ERR_CONFLICT otherwise, *held_out says where to continue); the first
 * bytes must be of type and the end may not pass size (CM_ERR_INVALID, the
 * partial file dropped).  When the file is whole it is checked against hash
 * (CM_ERR_INVALID "哈希不符", dropped) and moved into place; *done_out 1 then.
 * *held_out gets the bytes held after the call. */
cm_rc cm_att_receive(const cm_att_store *st, const char *hash, const char *type, uint64_t size,
                     uint64_t offset, const uint8_t *p, size_t len, uint64_t *held_out,
                     int *done_out, cm_err *err);

/* Read up to cap bytes of the held file of hash from offset into buf;
 * *len_out the bytes read.  CM_ERR_NOT_FOUND when the file is not held. */
cm_rc cm_att_read_at(const cm_att_store *st, const char *hash, uint64_t offset, uint8_t *buf,
                     size_t cap, size_t *len_out, cm_err *err);

/* Read the whole held file of hash (at most max bytes) into *out (caller frees). */
cm_rc cm_att_load(const cm_att_store *st, const char *hash, uint64_t max, uint8_t **out,
                  size_t *len_out, cm_err *err);

/* Store len bytes that must hash to hash and be of type (a USB bundle's
 * file): CM_ERR_INVALID saying which does not match; nothing kept then. */
cm_rc cm_att_put(const cm_att_store *st, const char *hash, const char *type, const uint8_t *p,
                 size_t len, cm_err *err);

/* Re-hash the held file: CM_OK when it matches, CM_ERR_NOT_FOUND when absent,
 * CM_ERR_INVALID when corrupt. */
cm_rc cm_att_verify(const cm_att_store *st, const char *hash, cm_err *err);

/* Remove the held file of hash (a corrupt one, to be fetched again); CM_OK
 * when it was not held. */
cm_rc cm_att_remove(const cm_att_store *st, const char *hash, cm_err *err);

/* Copy the held file of hash to dest_dir/hash (a USB stick's folder):
 * temporary name, fsync, rename. */
cm_rc cm_att_copy_out(const cm_att_store *st, const char *hash, const char *dest_dir,
                      cm_err *err);

#endif
