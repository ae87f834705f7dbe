/* backup.h - a hub's database copied while `serve` runs, and a hub brought
 * back from such a copy.
 *
 * A backup FILE is a plain SQLite database: hub.db as of one commit (SQLite's
 * online backup API), readable with any SQLite tool.  The identity key stays
 * out of it unless asked for (then the key file's text is in its config table
 * under "backup_identity", and FILE is as secret as the key).  Restore copies
 * FILE into an empty DIR, migrates it if an older release wrote it, puts the
 * key in place (from FILE or from a key file), checks that the key is the one
 * the hub's own log was signed with, verifies every stored chain and rebuilds
 * the projection before the hub serves again (docs/operate.md). */
#ifndef LINLI_HUB_BACKUP_H
#define LINLI_HUB_BACKUP_H

#include <stdint.h>

#include "../common/rc.h"
#include "hub.h"

/* What a backup or restore saw, for the operator. */
typedef struct hub_backup_info {
  uint64_t authors;   /* logs held (the hub's own included) */
  uint64_t entries;   /* entries in them */
  int with_key;       /* 1 when the file carries the identity key */
} hub_backup_info;

/* Write a backup of the open hub to file (refused when file exists, mode
 * 0600, fsynced, renamed into place whole).  with_key puts the identity key
 * in it.  info_out may be NULL. */
cm_rc hub_backup(hub_ctx *ctx, const char *file, int with_key, hub_backup_info *info_out,
                 cm_err *err);

/* Restore the backup file into dir, which must be missing or empty.  keyfile
 * (may be NULL) is the hub's identity key file, needed when file holds no key.
 * On any failure dir is left empty as it was.  info_out may be NULL. */
cm_rc hub_restore(const char *dir, const char *file, const char *keyfile,
                  hub_backup_info *info_out, cm_err *err);

#endif
