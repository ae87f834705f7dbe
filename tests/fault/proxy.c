/* proxy.c - fault_proxy: a loopback HTTP proxy of our own for the fault tests,
 * put between a node and its street hub or between a street hub and the
 * district.  It handles one request per client connection (it forwards it with
 * "Connection: close" and relays the answer until the upstream closes), and
 * misbehaves on purpose, as the control file says:
 *
 *   target=127.0.0.1:PORT   where to forward (re-read on every connection, so a
 *                           restarted hub on a new port is reached again)
 *   cut=P      P% of requests: forward only half of the body, then drop both sides
 *   lose=P     P% of requests: forward whole, then drop the answer (the ack is lost)
 *   dup=P      P% of requests: send the request twice upstream, answer with the second
 *   replay=P   P% of requests: first deliver an older request kept from before
 *              (requests arrive out of order), then this one
 *   delay=MS   wait up to MS ms (uniformly) before forwarding
 *   down=1     refuse every connection (the peer looks unreachable)
 *   spread=N   connect upstream from N source addresses in turn (127.0.0.2,
 *              127.0.0.3, ...), as N communities on their own networks would,
 *              instead of all from 127.0.0.1 (the hub limits each address)
 *
 * Usage: fault_proxy CONTROL_FILE [SEED]; prints "http://127.0.0.1:PORT/" and
 * then, on SIGTERM (and on SIGUSR1), one line of counts on stderr.  Binds
 * 127.0.0.1 only. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PX_HEAD_MAX 16384
#define PX_BODY_MAX (64u << 20)

struct px_conf {
  int port, cut, lose, dup, replay, delay_ms, down, spread;
};

static const char *px_control;
static pthread_mutex_t px_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned px_seed;
/* The last request seen, replayed later to reorder deliveries. */
static char *px_old;
static size_t px_old_len;
static atomic_long n_req, n_cut, n_lose, n_dup, n_replay, n_refused;
/* Bytes relayed each way (requests in, answers out), for the wire benchmarks. */
static atomic_long n_bytes_in, n_bytes_out;
static volatile sig_atomic_t px_stop, px_dump;

static int px_rand(int n) {
  pthread_mutex_lock(&px_lock);
  int r = rand_r(&px_seed) % n;
  pthread_mutex_unlock(&px_lock);
  return r;
}

/* Re-read the control file; a missing file or key leaves the default (no fault). */
static void px_read_conf(struct px_conf *c) {
  memset(c, 0, sizeof *c);
  FILE *f = fopen(px_control, "r");
  if (!f) return;
  char line[256];
  while (fgets(line, sizeof line, f)) {
    char *tok = strtok(line, " \t\r\n");
    for (; tok; tok = strtok(NULL, " \t\r\n")) {
      char *eq = strchr(tok, '=');
      if (!eq) continue;
      *eq = '\0';
      const char *v = eq + 1;
      if (!strcmp(tok, "target")) {
        const char *colon = strrchr(v, ':');
        c->port = atoi(colon ? colon + 1 : v);
      } else if (!strcmp(tok, "cut")) c->cut = atoi(v);
      else if (!strcmp(tok, "lose")) c->lose = atoi(v);
      else if (!strcmp(tok, "dup")) c->dup = atoi(v);
      else if (!strcmp(tok, "replay")) c->replay = atoi(v);
      else if (!strcmp(tok, "delay")) c->delay_ms = atoi(v);
      else if (!strcmp(tok, "down")) c->down = atoi(v);
      else if (!strcmp(tok, "spread")) c->spread = atoi(v);
    }
  }
  fclose(f);
}

static int px_write_all(int fd, const char *p, size_t n) {
  while (n) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Read one request: head (to the blank line) and a Content-Length body.  The
 * head is rewritten with "Connection: close" so the upstream ends the answer by
 * closing.  *out malloc'd.  -1 on EOF, overlong input or a chunked body. */
static int px_read_request(int fd, char **out, size_t *len_out) {
  char *head = malloc(PX_HEAD_MAX + 1), *req = NULL;
  size_t hl = 0, clen = 0;
  int rc = -1;
  char *end = NULL;
  if (!head) return -1;
  while (!end) {
    if (hl >= PX_HEAD_MAX) goto out;
    ssize_t r = recv(fd, head + hl, PX_HEAD_MAX - hl, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) goto out;
    hl += (size_t)r;
    head[hl] = '\0';
    end = strstr(head, "\r\n\r\n");
  }
  size_t head_len = (size_t)(end - head) + 4;
  req = malloc(head_len + 32 + PX_HEAD_MAX);
  if (!req) goto out;
  size_t rl = 0;
  /* Copy the header lines except Connection, then add ours. */
  char *line = head;
  while (line < end + 2) {
    char *eol = strstr(line, "\r\n");
    size_t ll = (size_t)(eol - line) + 2;
    if (!strncasecmp(line, "Transfer-Encoding:", 18)) goto out;
    if (!strncasecmp(line, "Content-Length:", 15)) clen = strtoul(line + 15, NULL, 10);
    if (strncasecmp(line, "Connection:", 11) != 0) {
      memcpy(req + rl, line, ll);
      rl += ll;
    }
    line = eol + 2;
  }
  memcpy(req + rl, "Connection: close\r\n\r\n", 21);
  rl += 21;
  if (clen > PX_BODY_MAX) goto out;
  char *grown = realloc(req, rl + clen + 1);
  if (!grown) goto out;
  req = grown;
  size_t have = hl - head_len;
  if (have > clen) have = clen;
  memcpy(req + rl, head + head_len, have);
  while (have < clen) {
    ssize_t r = recv(fd, req + rl + have, clen - have, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) goto out;
    have += (size_t)r;
  }
  *out = req;
  *len_out = rl + clen;
  req = NULL;
  rc = 0;
out:
  free(head);
  free(req);
  return rc;
}

static atomic_uint n_connects;

static int px_connect(const struct px_conf *c) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  if (c->spread > 1) {
    struct sockaddr_in src = {0};
    unsigned k = atomic_fetch_add(&n_connects, 1) % (unsigned)(c->spread < 250 ? c->spread : 250);
    src.sin_family = AF_INET;
    src.sin_addr.s_addr = htonl(INADDR_LOOPBACK + 1u + k); /* 127.0.0.2 on */
    if (bind(fd, (struct sockaddr *)&src, sizeof src) != 0) {
      close(fd);
      return -1;
    }
  }
  int port = c->port;
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((uint16_t)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

/* Send req upstream and relay the answer to client (client < 0: read it and
 * throw it away).  len_cut < len: send only that much, then drop. */
static int px_exchange(const struct px_conf *c, const char *req, size_t len, size_t len_cut,
                       int client) {
  int up = px_connect(c);
  if (up < 0) return -1;
  int rc = -1;
  if (px_write_all(up, req, len_cut) != 0 || len_cut < len) goto out;
  char buf[16384];
  for (;;) {
    ssize_t r = recv(up, buf, sizeof buf, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) goto out;
    if (r == 0) break;
    if (client >= 0 && px_write_all(client, buf, (size_t)r) != 0) goto out;
    if (client >= 0) atomic_fetch_add(&n_bytes_out, (long)r);
  }
  rc = 0;
out:
  close(up);
  return rc;
}

static void *px_conn(void *arg) {
  int fd = (int)(intptr_t)arg;
  char *req = NULL;
  size_t len = 0;
  struct px_conf c;
  px_read_conf(&c);
  if (c.down || c.port <= 0) {
    atomic_fetch_add(&n_refused, 1);
    goto out;
  }
  if (px_read_request(fd, &req, &len) != 0) goto out;
  atomic_fetch_add(&n_req, 1);
  atomic_fetch_add(&n_bytes_in, (long)len);
  if (c.delay_ms > 0) {
    int ms = px_rand(c.delay_ms + 1);
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
  }
  if (c.replay && px_rand(100) < c.replay) {
    char *old = NULL;
    size_t old_len = 0;
    pthread_mutex_lock(&px_lock);
    if (px_old && (old = malloc(px_old_len))) {
      memcpy(old, px_old, px_old_len);
      old_len = px_old_len;
    }
    pthread_mutex_unlock(&px_lock);
    if (old) {
      atomic_fetch_add(&n_replay, 1);
      px_exchange(&c, old, old_len, old_len, -1);
      free(old);
    }
  }
  pthread_mutex_lock(&px_lock);
  char *keep = malloc(len);
  if (keep) {
    memcpy(keep, req, len);
    free(px_old);
    px_old = keep;
    px_old_len = len;
  }
  pthread_mutex_unlock(&px_lock);
  if (c.cut && px_rand(100) < c.cut) {
    atomic_fetch_add(&n_cut, 1);
    px_exchange(&c, req, len, len / 2 + 1 < len ? len / 2 + 1 : len - 1, -1);
    goto out;
  }
  if (c.dup && px_rand(100) < c.dup) {
    atomic_fetch_add(&n_dup, 1);
    px_exchange(&c, req, len, len, -1);
  }
  if (c.lose && px_rand(100) < c.lose) {
    atomic_fetch_add(&n_lose, 1);
    px_exchange(&c, req, len, len, -1);
    goto out;
  }
  px_exchange(&c, req, len, len, fd);
out:
  free(req);
  shutdown(fd, SHUT_RDWR);
  close(fd);
  return NULL;
}

static void px_on_term(int sig) {
  if (sig == SIGUSR1)
    px_dump = 1;
  else
    px_stop = 1;
}

/* The counts so far, one line on stderr (at exit, and on SIGUSR1 for the
 * benchmarks, which read the difference around one sync). */
static void px_print_counts(void) {
  fprintf(stderr, "fault_proxy: requests %ld cut %ld lost-answer %ld duplicated %ld replayed %ld "
                  "refused %ld bytes_in %ld bytes_out %ld\n",
          atomic_load(&n_req), atomic_load(&n_cut), atomic_load(&n_lose), atomic_load(&n_dup),
          atomic_load(&n_replay), atomic_load(&n_refused), atomic_load(&n_bytes_in),
          atomic_load(&n_bytes_out));
  fflush(stderr);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: fault_proxy CONTROL_FILE [SEED]\n");
    return 2;
  }
  px_control = argv[1];
  px_seed = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : (unsigned)time(NULL);
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t al = sizeof a;
  if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof a) != 0 || listen(ls, 256) != 0 ||
      getsockname(ls, (struct sockaddr *)&a, &al) != 0) {
    perror("fault_proxy: listen");
    return 1;
  }
  struct sigaction sa = {0};
  sa.sa_handler = px_on_term;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGUSR1, &sa, NULL);
  printf("http://127.0.0.1:%d/\n", ntohs(a.sin_port));
  fflush(stdout);
  while (!px_stop) {
    int fd = accept(ls, NULL, NULL);
    if (px_dump) {
      px_dump = 0;
      px_print_counts();
    }
    if (fd < 0) continue;
    pthread_t t;
    if (pthread_create(&t, NULL, px_conn, (void *)(intptr_t)fd) != 0) {
      close(fd);
      continue;
    }
    pthread_detach(t);
  }
  px_print_counts();
  close(ls);
  return 0;
}
