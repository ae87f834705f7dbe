/* attach.h - files that travel with the records at a hub: which signed
 * file.attached entry an upload belongs to and whether the caller may send
 * it, the resumable receipt of its bytes into DIR/files (common/attach.h),
 * checked against the entry's hash and type, counted in the author's daily
 * quota, and which archive headings a district takes from below (every
 * heading but 人员材料 unless set otherwise: files.above_street). */
#ifndef LINLI_HUB_ATTACH_H
#define LINLI_HUB_ATTACH_H

#include <jansson.h>
#include <stdint.h>

#include "../common/attach.h"
#include "hub.h"

/* Configuration key: the headings that travel above the street, comma-separated. */
#define HUB_CONFIG_ABOVE_STREET "files.above_street"
#define HUB_ABOVE_STREET_DEFAULT "filing,activity,evaluation,plan,change"

/* Set configuration key to value in its own transaction. */
cm_rc hub_attach_setting(hub_ctx *ctx, const char *key, const char *value, cm_err *err);

/* Set the headings a district takes from below (comma-separated keys of
 * cm_att_headings; CM_ERR_INVALID naming a word that is not one). */
cm_rc hub_attach_above_street_set(hub_ctx *ctx, const char *list, cm_err *err);

/* The file an upload names: the entry and what it says of the file. */
typedef struct hub_att_target {
  uint8_t author[PROTO_KEY_BYTES];
  uint64_t seq;
  char hash[CM_ATT_HEX];
  char type[32];
  char heading[16];
  uint64_t size;
  int wanted; /* 0: a district that does not take this heading (files.above_street) */
  int refused; /* 1: the entry is held but refused (the answer is CM_ERR_PERM then) */
} hub_att_target;

/* Find the entry record ("<author hex>/<seq>") naming the file of hash that
 * caller wants to send: held here, of kind file.attached, naming that hash;
 * the caller is its author or the hub that enrolled it (a street forwarding);
 * the organisation is the author's; at a district, whether the heading travels above
 * the street (else t->wanted is 0).  CM_ERR_INVALID (malformed, or the entry names another hash),
 * CM_ERR_NOT_FOUND (entry not held: push the entries first), CM_ERR_PERM (not the
 * caller's, or the entry is refused: t->refused 1 then, and no byte is taken). */
cm_rc hub_attach_target(hub_ctx *ctx, const uint8_t caller[PROTO_KEY_BYTES], const char *hash,
                        const char *record, hub_att_target *t, cm_err *err);

/* How much of t's file this hub holds: *have 1 when whole; *offset the
 * bytes of a partial upload to continue after. */
cm_rc hub_attach_status(hub_ctx *ctx, const hub_att_target *t, int *have, uint64_t *offset,
                        cm_err *err);

/* Take len bytes of t's file at offset (see cm_att_receive).  At offset 0 the
 * author's daily quota must hold the whole file, later the chunk
 * (CM_ERR_TOO_LARGE otherwise); every chunk received counts in it when it
 * arrives.  *held_out, *done_out as
 * cm_att_receive (done also when the file was held already). */
cm_rc hub_attach_receive(hub_ctx *ctx, const hub_att_target *t, uint64_t offset,
                         const uint8_t *p, size_t len, uint64_t *held_out, int *done_out,
                         cm_err *err);

/* Store t's whole file from len bytes (a USB bundle's): checked like an
 * upload (size, type, hash, quota); *stored_out 0 when it was held already. */
cm_rc hub_attach_put(hub_ctx *ctx, const hub_att_target *t, const uint8_t *p, size_t len,
                     int *stored_out, cm_err *err);

/* 1 when this hub takes files of heading from below when it is a district
 * (config files.above_street; all but people by default). */
int hub_attach_heading_travels(hub_ctx *ctx, const char *heading);

/* The file.attached entries of author after seq that are not refused, as an array of
 * {"seq", "record", "org", "heading", "hash", "type", "size", "title"}
 * (record is the entry's own record id). */
cm_rc hub_attach_entries(hub_ctx *ctx, const uint8_t author[PROTO_KEY_BYTES], uint64_t after,
                         json_t **out, cm_err *err);

/* The hub's folder of files. */
cm_rc hub_attach_store(hub_ctx *ctx, cm_att_store *st, cm_err *err);

/* Whether an operator bound to street ("" = every street) may fetch held file
 * hash: at a street hub and for a district-wide operator always; for one bound
 * to a street at a district only a file attached to an entry of that street's
 * communities or of the street itself.  CM_ERR_NOT_FOUND (as for a file not
 * held, so that another street's files are not even confirmed) when not. */
cm_rc hub_attach_visible(hub_ctx *ctx, const char *street, const char *hash, cm_err *err);

/* The files a node's USB bundle carries (DIR = the bundle's path + ".files",
 * index.tsv naming each file's entry), after the bundle was imported: each
 * checked against its entry like an upload.  *stored_out new files,
 * *held_out files held already.  The first refusal is returned (with the
 * file and the reason) after the others were tried; no index: nothing. */
cm_rc hub_attach_import_dir(hub_ctx *ctx, const char *dir, unsigned *stored_out,
                            unsigned *held_out, cm_err *err);

#endif
