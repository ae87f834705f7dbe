/* answers.h - dashboard answers kept durably in the hub database (table
 * `answers`, hub/store.c's last migration), so that a hub that has just
 * started, with nothing in the operating system's page cache, gives an answer
 * it computed before instead of reading the whole projection again.
 *
 * Never a stale answer: every write transaction of the store changes the data
 * generation (data_gen, in the same transaction: hub_store_commit), whichever
 * process writes (serve, the CLI, rebuild); a restored backup brings its own
 * answers and generation.  An answer is kept with the generation read before
 * its snapshot was taken and the build of the program that computed it, and
 * given only while both are still the same: a write since, or a program that
 * computes differently, means it is computed again.
 *
 * A connection of its own to hub.db (its writes do not change the generation;
 * only kept answers are written here), used under hub_ctx.lock like the
 * store's: no SQLite mutex. */
#ifndef LINLI_HUB_ANSWERS_H
#define LINLI_HUB_ANSWERS_H

#include <stdint.h>

#include "../common/rc.h"

typedef struct hub_answers hub_answers;

/* Open hub.db of hub directory dir for kept answers.  CM_ERR_UNSUPPORTED when
 * this program has no build id to tell its answers from another build's
 * (nothing is kept then). */
cm_rc hub_answers_open(const char *dir, hub_answers **out, cm_err *err);
void hub_answers_close(hub_answers *a);

/* The data generation now (read it before the snapshot an answer is computed
 * from). */
cm_rc hub_answers_gen(hub_answers *a, int64_t *gen_out, cm_err *err);

/* The answer kept under key at the current generation by this build: *body_out
 * and *aux_out (NULL when none was kept) new strings, or both NULL when there is
 * none. */
cm_rc hub_answers_get(hub_answers *a, const char *key, char **body_out, char **aux_out,
                      cm_err *err);

/* Keep body (and aux, or NULL) under key, computed from a snapshot taken after
 * the generation was gen: nothing is kept when the generation has moved on
 * since.  Answers of other generations are dropped; at most HUB_ANSWERS_MAX
 * are kept. */
#define HUB_ANSWERS_MAX 64
cm_rc hub_answers_put(hub_answers *a, const char *key, int64_t gen, const char *body,
                      const char *aux, uint64_t now_ms, cm_err *err);

/* Drop every kept answer (a benchmark timing the computation). */
cm_rc hub_answers_forget(hub_answers *a, cm_err *err);

#endif
