/* answers.h - dashboard answers kept durably in the hub database (table
 * `answers`, hub/store.c's last migration), so that a hub that has just
 * started, with nothing in the operating system's page cache, gives an answer
 * it computed before instead of reading the whole projection again.
 *
 * Never an old answer unmarked: every write transaction of the store changes
 * the data generation (data_gen, in the same transaction: hub_store_commit),
 * whichever process writes (serve, the CLI, rebuild); a restored backup brings
 * its own answers and generation.  An answer is kept with the generation read
 * before its snapshot was taken, the build of the program that computed it,
 * when and how long it took; only this build's answers are read back, and
 * the reader is told whether the generation is still the same (the dashboard
 * gives an answer of an older generation only marked as such, while it is
 * computed again: hub/dashboard.h).
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

/* What is known of a kept answer besides its text. */
typedef struct hub_answer_meta {
  int64_t gen;      /* the data generation it was computed at */
  int current;      /* 1: that is the generation now */
  uint64_t made_ms; /* the request's clock when it was computed */
  uint64_t cost_ms; /* how long the computation took */
} hub_answer_meta;

/* The answer kept under key by this build, at the current generation, or at
 * an older one when its computation took older_cost_ms or more (never when
 * older_cost_ms < 0), as the JSON text the API sends (cm_json_dump's bytes): a
 * new string of *len_out bytes (and a NUL), its aux (a new reference, NULL
 * when it had none) and *meta; the text NULL when there is none. */
void hub_answers_get_text(hub_answers *a, const char *key, int64_t older_cost_ms, char **text_out,
                          size_t *len_out, json_t **aux_out, hub_answer_meta *meta);

/* A table of an answer, as the dashboard pages and exports it: a top-level
 * member that is an array of objects (or empty). */
int hub_answers_is_table(const json_t *v);

/* A kept answer's tables longer than this are also kept by pages of this
 * many rows (the dashboard's page: HUB_DASH_PAGE_MAX), each page apart, so
 * that one page is read without the rest. */
#define HUB_ANSWERS_PAGE_ROWS 500

/* One page of a kept answer (hub_answers_get_page). */
typedef struct hub_answer_page {
  json_t *head;   /* the answer, each long table an empty array */
  json_t *aux;    /* as kept with it, or NULL */
  json_t *rows;   /* {table: [the page's rows]} for each long table */
  json_t *counts; /* {table: its rows in all} for each long table */
  hub_answer_meta meta;
} hub_answer_page;

/* Page `page` (from 1) of the answer kept under key, chosen as
 * hub_answers_get_text chooses it: 1 with *out filled (free it with
 * hub_answer_page_free), 0 when there is none (no such answer, or it has no
 * table longer than HUB_ANSWERS_PAGE_ROWS, or its pages cannot be read).
 * A page past a table's end has no rows. */
int hub_answers_get_page(hub_answers *a, const char *key, int64_t older_cost_ms, long page,
                         hub_answer_page *out);
void hub_answer_page_free(hub_answer_page *pg);

/* The rows of the answer kept under key (chosen as hub_answers_get_page
 * chooses it) whose `field` ("street" or "community") is the text name,
 * read from only the pages that hold them (each long table's pages are
 * kept with an index by street and by community, with the rows of each
 * name on each page): out->rows {table: the from-th to the (upto-1)-th of
 * those rows (every one from the from-th when upto < 0), in the answer's
 * order} and out->counts {table: their number in all} for each long
 * table, out->head and the rest as hub_answers_get_page.  0 when there is
 * none, or a long table has no index of field (its rows lack it: the table
 * is not narrowed by it). */
int hub_answers_get_named(hub_answers *a, const char *key, int64_t older_cost_ms, const char *field,
                          const char *name, long from, long upto, hub_answer_page *out);

/* Keep answer (and aux, or NULL) under key, computed from a snapshot taken
 * after the generation was gen, at the request's clock now_ms, in cost_ms:
 * written by a thread of its own a moment later (serialising and writing a
 * large answer costs as much as computing it, and the request waits for
 * neither), and not at all when the generation has moved on by then.  answer
 * and aux must never be changed afterwards (the thread reads them; it holds
 * references of its own).  Its long tables are kept by pages as well
 * (hub_answers_get_page).  It replaces the answer kept under key; at most
 * HUB_ANSWERS_MAX are kept (the newest), only this build's. */
#define HUB_ANSWERS_MAX 64
void hub_answers_keep(hub_answers *a, const char *key, int64_t gen, json_t *answer, json_t *aux,
                      uint64_t now_ms, uint64_t cost_ms);

/* What is known of the answer kept under key that hub_answers_get_text
 * would choose for older_cost_ms, without reading it: 1 with *meta filled,
 * 0 when there is none. */
int hub_answers_meta(hub_answers *a, const char *key, int64_t older_cost_ms, hub_answer_meta *meta);

/* The dashboard's requests asked for lately (hub/dashboard.c keeps their
 * answers warm), kept so that a restarted `serve` knows them: request id
 * (one per request, whatever the day) as the text `request`, last asked at
 * asked_ms; then those asked before since_ms go, and all but the max newest.
 * 0 when it could not be written (another writer held the database): it is
 * only a hint. */
int hub_answers_watch_put(hub_answers *a, const char *id, const char *request, uint64_t asked_ms,
                          uint64_t since_ms, int max);

/* Each kept request asked at since_ms or later, the max newest, newest
 * first: fn(arg, id, request, asked_ms) until it returns nonzero.  fn must
 * not use a. */
void hub_answers_watched(hub_answers *a, uint64_t since_ms, int max,
                         int (*fn)(void *arg, const char *id, const char *request,
                                   uint64_t asked_ms),
                         void *arg);

/* Drop every kept answer, and those waiting (a benchmark timing the
 * computation). */
void hub_answers_forget(hub_answers *a);

#endif
