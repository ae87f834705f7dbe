/* hub.h - one open hub: the directory, its identity, its role and its database.
 *
 * A hub_ctx is opened on DIR (DIR/identity.key, DIR/hub.db) by every command
 * and by `serve`.  It may be shared by the HTTP worker threads: every hub_*
 * function that touches the database takes ctx->lock for the time it needs the
 * connection, so one thread's transaction never sees another's statements.
 * Other processes (the CLI while `serve` runs) use their own hub_ctx; SQLite's
 * WAL mode and busy timeout order them. */
#ifndef LINLI_HUB_HUB_H
#define LINLI_HUB_HUB_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/rc.h"
#include "../protocol/keys.h"
#include "store.h" /* HUB_NAME_MAX, struct hub_store */

#define HUB_URL_MAX 1024  /* bytes of the upstream URL, NUL included */
#define HUB_PATH_MAX 4096 /* bytes of DIR and the file paths under it */

typedef enum hub_role {
  HUB_ROLE_STREET = 1,   /* receives from community nodes, forwards upstream */
  HUB_ROLE_DISTRICT = 2, /* receives from street hubs (and what they forward) */
} hub_role;

struct hub_store;
struct hub_ingest_job;

/* The queue of pushes waiting for a group commit (hub/ingest.c). */
typedef struct hub_ingest_group {
  pthread_mutex_t mu;
  pthread_cond_t cond;
  struct hub_ingest_job *head, **tail;
  int busy; /* a thread is running a group */
  unsigned long reruns; /* groups run again with a savepoint per push (ctx->lock) */
} hub_ingest_group;

/* hub_ctx.dash_page_orgs's default: a district's answers take tens of ms
 * whole; a city's (250,000 organisations) seconds */
#define HUB_DASH_PAGE_ORGS_DEFAULT 20000

typedef struct hub_ctx {
  char dir[HUB_PATH_MAX];
  hub_role role;
  char name[HUB_NAME_MAX];          /* street name, or the district's name */
  char upstream_url[HUB_URL_MAX];   /* "" when there is none (always at a district) */
  int has_upstream_key;             /* 1 when upstream_key is pinned */
  uint8_t upstream_key[PROTO_KEY_BYTES];
  proto_keypair kp;                 /* identity; secret wiped by hub_close */
  char key_hex[PROTO_KEY_HEX];      /* kp.pk in hex */
  char fingerprint[PROTO_FINGERPRINT_LEN];
  struct hub_store *store;          /* the database connection (hub/store.h) */
  pthread_mutex_t lock;             /* held while a thread uses store: always,
                                     * SQLite does not lock the connection itself */
  hub_ingest_group group;           /* pushes committed together */
  int recovering;                   /* 1 while recovery takes in this hub's own log */
  /* the dashboard's answers of the current database version (dashboard.c),
   * freed by hub_close through dash_cache_free */
  void *dash_cache;
  void (*dash_cache_free)(void *cache);
  /* an answer whose computation took at least this many ms may be given
   * from its last computation while it is computed again (dashboard.h,
   * HUB_DASH_WAIT_DEFAULT_MS); -1 (hub_open's default): always computed */
  int dash_wait_ms;
  /* every this many ms the answers asked for lately are kept warm
   * (dashboard.h, HUB_DASH_WARM_TICK_MS); -1 (hub_open's default): never */
  int dash_warm_ms;
  /* with dash_wait_ms >= 0: an answer computed while someone waits for a
   * page of it is computed for that page only (its long tables' other rows
   * counted, not built), and whole behind it, when the hub holds at least
   * this many organisations (HUB_DASH_PAGE_ORGS_DEFAULT); -1: never */
  int dash_page_orgs;
  /* 1: the dashboard reads the monthly reports for every computation
   * instead of keeping them between computations (a test comparing the
   * two); 0 (hub_open's default): kept */
  int dash_reps_off;
  /* the organisations' facts the projection keeps (project.c), freed by
   * hub_close */
  void *facts;
  /* the year's attention lists kept while the year generation stays
   * (year.c), freed by hub_close through year_cache_free */
  void *year_cache;
  void (*year_cache_free)(void *cache);
  /* the monthly reports the dashboard's computations on this connection
   * keep (dashboard.c), freed by hub_close through dash_reps_free */
  void *dash_reps;
  void (*dash_reps_free)(void *reps);
} hub_ctx;

/* "street" / "district" (NULL for anything else). */
const char *hub_role_name(hub_role role);

/* Parse "street" / "district" into *role_out; CM_ERR_INVALID otherwise. */
cm_rc hub_role_parse(const char *s, hub_role *role_out, cm_err *err);

/* Create a new hub in dir (created if missing, mode 0700): a fresh identity in
 * dir/identity.key (0600) and dir/hub.db holding role, name and the optional
 * upstream URL and pinned upstream key (NULL when not given).  CM_ERR_EXISTS if
 * dir already holds a hub. */
cm_rc hub_init(const char *dir, hub_role role, const char *name, const char *upstream_url,
               const uint8_t *upstream_key, cm_err *err);

/* The same with a given identity (NULL: a fresh one), for a hub brought back
 * under the key it had (hub/recover.h). */
cm_rc hub_init_key(const char *dir, hub_role role, const char *name, const char *upstream_url,
                   const uint8_t *upstream_key, const proto_keypair *key, cm_err *err);

/* Open the hub in dir: read the key file (refusing loose permissions), open
 * hub.db (running pending migrations) and load the configuration.
 * *ctx_out is malloc'd; free with hub_close.  CM_ERR_NOT_FOUND when dir holds no
 * hub. */
cm_rc hub_open(const char *dir, hub_ctx **ctx_out, cm_err *err);

/* Close the database, wipe the secret key, free.  NULL is fine. */
void hub_close(hub_ctx *ctx);

/* Pin the upstream hub key (the forward loop calls it with the signer of the
 * first receipt when init had no --upstream-key).  Stored durably. */
cm_rc hub_set_upstream_key(hub_ctx *ctx, const uint8_t key[PROTO_KEY_BYTES], cm_err *err);

#endif
