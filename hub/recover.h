/* recover.h - a street hub brought back from its district's copy, when the
 * street's disk is lost and no backup is at hand.
 *
 * The district holds everything the street forwarded: the street's own log
 * (enrolments, reviews, decisions, revocations) and each of its communities'
 * logs, every changeset signed by its author.  Given the street's identity key
 * (its key file, kept apart from the machine) and the district's address and
 * key, recovery creates the hub in an empty directory, fetches the street's
 * own log first and then each community's, and takes every changeset through
 * the same verification as a push (signatures, chains, the domain core), then
 * rebuilds the projection.  What the street held and had not yet forwarded is
 * not at the district: the nodes send it again at their next sync, since they
 * see the hub hold less than it acknowledged (docs/operate.md). */
#ifndef LINLI_HUB_RECOVER_H
#define LINLI_HUB_RECOVER_H

#include <stdint.h>

#include "../common/rc.h"
#include "../protocol/keys.h"

/* What recovery fetched, for the operator. */
typedef struct hub_recover_info {
  uint64_t own_entries;  /* entries of the street's own log */
  uint64_t communities;  /* community logs fetched */
  uint64_t entries;      /* entries of those logs */
} hub_recover_info;

/* Recover the street hub whose key is in keyfile into dir (missing or empty),
 * named name, from the district at url whose key is district_key.  Progress
 * goes to stderr.  On failure dir is left empty.  info_out may be NULL. */
cm_rc hub_recover(const char *dir, const char *keyfile, const char *name, const char *url,
                  const uint8_t district_key[PROTO_KEY_BYTES], hub_recover_info *info_out,
                  cm_err *err);

#endif
