/* http_guard.c - connection deadlines and the body byte budget (http_guard.h).
 *
 * libmicrohttpd's own timeout is an idle timeout: a client that sends one
 * header line every few seconds never trips it.  Here each connection has a
 * deadline for its whole phase; a watchdog thread looks twice a second and
 * shuts the socket down when one has passed, which makes the server's event
 * loop see the connection end and close it.  The table is under one mutex that
 * the close notification also takes, and libmicrohttpd tells us of the close
 * before it closes the descriptor, so the watchdog never shuts down a
 * descriptor that has been reused for another connection. */
#include "http_guard.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "log.h"

struct cm_guard_conn {
  int used;
  int fd;
  int family;
  uint8_t addr[16];
  uint64_t deadline; /* monotonic ms; 0 = none */
  uint64_t body_start;
  size_t held;       /* body bytes taken from the budget */
};

struct cm_guard {
  pthread_mutex_t mu;
  pthread_cond_t cond;
  pthread_t thr;
  int stop;
  size_t per_addr, total, held;
  unsigned n;
  uint64_t cut;
  cm_guard_conn *conns;
};

#define GUARD_TICK_MS 500

static void *watchdog(void *arg) {
  cm_guard *g = arg;
  pthread_mutex_lock(&g->mu);
  while (!g->stop) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_nsec += GUARD_TICK_MS * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
      ts.tv_sec++;
      ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&g->cond, &g->mu, &ts);
    uint64_t now = cm_mono_ms();
    for (unsigned i = 0; i < g->n; i++) {
      cm_guard_conn *c = &g->conns[i];
      if (!c->used || !c->deadline || now < c->deadline) continue;
      c->deadline = 0;
      g->cut++;
      cm_debug("http: connection past its deadline, closing it");
      shutdown(c->fd, SHUT_RDWR);
    }
  }
  pthread_mutex_unlock(&g->mu);
  return NULL;
}

cm_rc cm_guard_new(size_t per_addr_bytes, size_t total_bytes, unsigned max_conns,
                   cm_guard **out, cm_err *err) {
  *out = NULL;
  cm_guard *g = calloc(1, sizeof *g);
  if (g) g->conns = calloc(max_conns ? max_conns : 1, sizeof *g->conns);
  if (!g || !g->conns) {
    if (g) free(g->conns);
    free(g);
    return cm_errf(err, CM_ERR_NOMEM, "启动网页服务时内存不足");
  }
  g->per_addr = per_addr_bytes;
  g->total = total_bytes;
  g->n = max_conns;
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_mutex_init(&g->mu, NULL);
  pthread_cond_init(&g->cond, &ca);
  pthread_condattr_destroy(&ca);
  if (pthread_create(&g->thr, NULL, watchdog, g) != 0) {
    pthread_mutex_destroy(&g->mu);
    pthread_cond_destroy(&g->cond);
    free(g->conns);
    free(g);
    return cm_errf(err, CM_ERR_NOMEM, "无法启动网页服务的看守线程");
  }
  *out = g;
  return CM_OK;
}

void cm_guard_free(cm_guard *g) {
  if (!g) return;
  pthread_mutex_lock(&g->mu);
  g->stop = 1;
  pthread_cond_broadcast(&g->cond);
  pthread_mutex_unlock(&g->mu);
  pthread_join(g->thr, NULL);
  pthread_mutex_destroy(&g->mu);
  pthread_cond_destroy(&g->cond);
  free(g->conns);
  free(g);
}

cm_guard_conn *cm_guard_open(cm_guard *g, int fd, const struct sockaddr *sa) {
  cm_guard_conn *c = NULL;
  pthread_mutex_lock(&g->mu);
  for (unsigned i = 0; i < g->n; i++) {
    if (!g->conns[i].used) {
      c = &g->conns[i];
      break;
    }
  }
  if (c) {
    memset(c, 0, sizeof *c);
    c->used = 1;
    c->fd = fd;
    if (sa && sa->sa_family == AF_INET) {
      c->family = AF_INET;
      memcpy(c->addr, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
    } else if (sa && sa->sa_family == AF_INET6) {
      c->family = AF_INET6;
      memcpy(c->addr, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
    }
    c->deadline = cm_mono_ms() + CM_GUARD_HEAD_MS;
  }
  pthread_mutex_unlock(&g->mu);
  return c;
}

void cm_guard_close(cm_guard *g, cm_guard_conn *c) {
  if (!c) return;
  pthread_mutex_lock(&g->mu);
  g->held -= c->held;
  memset(c, 0, sizeof *c);
  pthread_mutex_unlock(&g->mu);
}

static void set_deadline(cm_guard *g, cm_guard_conn *c, uint64_t deadline) {
  if (!c) return;
  pthread_mutex_lock(&g->mu);
  c->deadline = deadline;
  pthread_mutex_unlock(&g->mu);
}

/* grace plus one second per CM_GUARD_RATE bytes, from now. */
static uint64_t rate_deadline(uint64_t from, unsigned grace_ms, size_t bytes) {
  return from + grace_ms + (uint64_t)(bytes / CM_GUARD_BODY_RATE) * 1000u;
}

void cm_guard_head(cm_guard *g, cm_guard_conn *c) {
  set_deadline(g, c, cm_mono_ms() + CM_GUARD_HEAD_MS);
}

void cm_guard_body(cm_guard *g, cm_guard_conn *c, size_t bytes) {
  if (!c) return;
  uint64_t now = cm_mono_ms();
  pthread_mutex_lock(&g->mu);
  c->body_start = now;
  c->deadline = rate_deadline(now, CM_GUARD_BODY_GRACE_MS, bytes);
  pthread_mutex_unlock(&g->mu);
}

void cm_guard_send(cm_guard *g, cm_guard_conn *c, size_t bytes) {
  set_deadline(g, c, rate_deadline(cm_mono_ms(), CM_GUARD_SEND_GRACE_MS, bytes));
}

void cm_guard_none(cm_guard *g, cm_guard_conn *c) {
  set_deadline(g, c, 0);
}

void cm_guard_cut_now(cm_guard *g, cm_guard_conn *c) {
  if (!c) return;
  pthread_mutex_lock(&g->mu);
  c->deadline = 1; /* long past: the monotonic clock starts far above it */
  pthread_cond_signal(&g->cond);
  pthread_mutex_unlock(&g->mu);
}

static int same_addr(const cm_guard_conn *a, const cm_guard_conn *b) {
  return a->family == b->family && memcmp(a->addr, b->addr, sizeof a->addr) == 0;
}

int cm_guard_take(cm_guard *g, cm_guard_conn *c, size_t n) {
  if (!c) return 0;
  int ok = 0;
  pthread_mutex_lock(&g->mu);
  size_t mine = 0;
  for (unsigned i = 0; i < g->n; i++) {
    if (g->conns[i].used && same_addr(&g->conns[i], c)) mine += g->conns[i].held;
  }
  if (n <= g->total - g->held && n <= g->per_addr - mine) {
    c->held += n;
    g->held += n;
    /* A body of unknown length keeps its deadline moving with what arrives. */
    if (c->body_start && c->deadline)
      c->deadline = rate_deadline(c->body_start, CM_GUARD_BODY_GRACE_MS, c->held);
    ok = 1;
  }
  pthread_mutex_unlock(&g->mu);
  return ok ? 0 : -1;
}

void cm_guard_release(cm_guard *g, cm_guard_conn *c) {
  if (!c) return;
  pthread_mutex_lock(&g->mu);
  g->held -= c->held;
  c->held = 0;
  c->body_start = 0;
  pthread_mutex_unlock(&g->mu);
}

uint64_t cm_guard_cut(cm_guard *g) {
  pthread_mutex_lock(&g->mu);
  uint64_t n = g->cut;
  pthread_mutex_unlock(&g->mu);
  return n;
}
