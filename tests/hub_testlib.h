/* hub_testlib.h - helpers for the hub core tests (hub_*): authors that write
 * real signed changesets, bundles, scratch hub directories. */
#ifndef LINLI_TESTS_HUB_TESTLIB_H
#define LINLI_TESTS_HUB_TESTLIB_H

#include <stddef.h>
#include <stdint.h>

#include "hub/hub.h"
#include "protocol/keys.h"

/* An author writing its log: its key and where its chain stands.  Copy the
 * struct to branch a history (forks). */
typedef struct tl_author {
  proto_keypair kp;
  uint64_t seq;                   /* last sequence written */
  uint8_t head[PROTO_HASH_BYTES]; /* hash of entry seq */
  uint64_t time_ms;               /* author clock for the next entry */
} tl_author;

/* A fresh random author.  0 on success. */
int tl_author_new(tl_author *a);

/* n entries continuing a's chain with the given kinds and bodies (NULL kinds:
 * "report.monthly"; NULL bodies: a small report), one signed changeset;
 * sign_entries also signs each entry (hub logs).  *out malloc'd.  0 on success. */
int tl_changeset(tl_author *a, size_t n, const char *const *kinds, const char *const *bodies,
                 int sign_entries, uint8_t **out, size_t *len);

/* A bundle of n changesets.  *out malloc'd.  0 on success. */
int tl_bundle(uint8_t *const *cs, const size_t *lens, size_t n, uint8_t **out, size_t *len);

/* Concatenate the changesets of two bundles into one bundle.  0 on success. */
int tl_bundle_join(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen, uint8_t **out,
                   size_t *len);

/* A new empty directory under TMPDIR (malloc'd path); the hub goes in
 * path/hub.  NULL on failure. */
char *tl_tmpdir(void);

/* Remove a scratch directory tree. */
void tl_rmrf(const char *dir);

/* init + open a hub in dir/sub.  NULL on failure. */
hub_ctx *tl_hub(const char *dir, const char *sub, hub_role role, const char *name);

/* Enrol a at hub (code may be NULL).  0 on success. */
int tl_enroll(hub_ctx *hub, const tl_author *a, const char *name, const char *code);

/* Ingest a bundle; returns the HTTP status (and fills *stored when not NULL). */
int tl_ingest(hub_ctx *hub, const uint8_t *b, size_t len, uint64_t *stored);

/* The hub's head sequence of author (0 when none). */
uint64_t tl_head(hub_ctx *hub, const uint8_t *author);

/* The id of the newest batch waiting for review at hub (0 when none). */
int64_t tl_newest_batch(hub_ctx *hub);

#endif
