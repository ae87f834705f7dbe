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
 * only kept answers are written here), without SQLite's mutex: every use holds
 * the hub_answers' own lock (not hub_ctx.lock, which its writing thread never
 * takes).  The bodies are stored deflated (a district's hierarchy: 487 KB of
 * JSON in a few pages), so that a cold start reads little. */
#ifndef LINLI_HUB_ANSWERS_H
#define LINLI_HUB_ANSWERS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/rc.h"

typedef struct hub_answers hub_answers;

/* Open hub.db of hub directory dir for kept answers.  CM_ERR_UNSUPPORTED when
 * this program has no build id to tell its answers from another build's
 * (nothing is kept then). */
cm_rc hub_answers_open(const char *dir, hub_answers **out, cm_err *err);

/* Write what is still waiting (hub_answers_keep), then close; NULL is fine. */
void hub_answers_close(hub_answers *a);

/* The data generation now into *gen_out (read it before the snapshot an
 * answer is computed from): 0 when it cannot be read. */
int hub_answers_gen(hub_answers *a, int64_t *gen_out);

/* The answer kept under key at the current generation by this build, as the
 * JSON text the API sends (cm_json_dump's bytes): a new string of *len_out
 * bytes (and a NUL), and its aux (a new reference, NULL when it had none); the
 * text NULL when there is none. */
void hub_answers_get_text(hub_answers *a, const char *key, char **text_out, size_t *len_out,
                          json_t **aux_out);

/* Keep answer (and aux, or NULL) under key, computed from a snapshot taken
 * after the generation was gen: written by a thread of its own a moment
 * later (serialising and writing a large answer costs as much as computing
 * it, and the request waits for neither), and not at all when the generation
 * has moved on by then.  answer and aux must never be changed afterwards (the
 * thread reads them; it holds references of its own).  Answers of other
 * generations are dropped; at most HUB_ANSWERS_MAX are kept. */
#define HUB_ANSWERS_MAX 64
void hub_answers_keep(hub_answers *a, const char *key, int64_t gen, json_t *answer, json_t *aux,
                      uint64_t now_ms);

/* Drop every kept answer, and those waiting (a benchmark timing the
 * computation). */
void hub_answers_forget(hub_answers *a);

#endif
