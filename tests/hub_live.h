/* hub_live.h - a real `linli-hub serve` process for a test: started on a free
 * loopback port over a hub directory the test may also hold open (as the
 * command line does while serve runs), an operator added with the real
 * `operator add` and logged in through POST /login, then requests in that
 * session over one kept-alive connection.  The child dies with the test
 * process (PR_SET_PDEATHSIG) even when the test itself crashes. */
#ifndef LINLI_TESTS_HUB_LIVE_H
#define LINLI_TESTS_HUB_LIVE_H

#include <stddef.h>
#include <sys/types.h>

#include "common/buf.h"

typedef struct hl_hub {
  pid_t pid;      /* 0 when not running */
  int out_fd;     /* the read end of its stdout, kept so that a late line never fails */
  char base[128]; /* http://127.0.0.1:PORT, no trailing slash */
  void *curl;     /* a CURL * carrying the session cookie */
  char csrf[128]; /* the session's form token, read from a page after login */
} hl_hub;

/* `bin --dir dir operator add name --role role` with password on stdin.
 * 0 on success. */
int hl_operator_add(const char *bin, const char *dir, const char *name, const char *role,
                    const char *password);

/* Start `bin --dir dir serve --listen 127.0.0.1:0` (the environment is
 * inherited: LINLI_FAKE_NOW_MS, LINLI_LOG) and wait up to 60 s for the URL it
 * prints first.  0 on success. */
int hl_start(hl_hub *h, const char *bin, const char *dir);

/* POST /login as name; keeps the session cookie and the CSRF token of the
 * session (read from GET /decide).  0 on success. */
int hl_login(hl_hub *h, const char *name, const char *password);

/* One request in the session: the HTTP status (-1 when there was no answer),
 * the body into *out (initialised here, the caller frees with cm_buf_free).
 * ctype and body may be NULL (a GET). */
long hl_request(hl_hub *h, const char *method, const char *path, const char *ctype,
                const void *body, size_t len, cm_buf *out);

/* SIGTERM and wait (SIGKILL after 20 s); 0 when it stopped by itself with
 * status 0.  A stopped or never started h is fine. */
int hl_stop(hl_hub *h);

/* s percent-encoded (common/codec.h) into out, for a form field or a query
 * value; returns out. */
const char *hl_pct(const char *s, char *out, size_t cap);

#endif
