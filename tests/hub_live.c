/* hub_live.c - see hub_live.h. */
#define _GNU_SOURCE /* prctl */
#include "hub_live.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/codec.h"

int hl_operator_add(const char *bin, const char *dir, const char *name, const char *role,
                    const char *password) {
  int in[2];
  if (pipe(in)) return -1;
  pid_t pid = fork();
  if (pid < 0) {
    close(in[0]);
    close(in[1]);
    return -1;
  }
  if (pid == 0) {
    dup2(in[0], 0);
    close(in[0]);
    close(in[1]);
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, 1);
    execl(bin, bin, "--dir", dir, "operator", "add", name, "--role", role, (char *)NULL);
    _exit(127);
  }
  close(in[0]);
  FILE *f = fdopen(in[1], "w");
  if (f) {
    fprintf(f, "%s\n", password);
    fclose(f);
  } else {
    close(in[1]);
  }
  int st = 0;
  if (waitpid(pid, &st, 0) != pid) return -1;
  return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

int hl_start(hl_hub *h, const char *bin, const char *dir) {
  int out[2];
  memset(h, 0, sizeof *h);
  h->out_fd = -1;
  if (pipe(out)) return -1;
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    close(out[0]);
    close(out[1]);
    return -1;
  }
  if (pid == 0) {
    /* Gone with the test, whatever ends it. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);
    dup2(out[1], 1);
    close(out[0]);
    close(out[1]);
    execl(bin, bin, "--dir", dir, "serve", "--listen", "127.0.0.1:0", (char *)NULL);
    _exit(127);
  }
  close(out[1]);
  h->pid = pid;
  h->out_fd = out[0];
  /* The first line is the URL. */
  char line[256];
  size_t n = 0;
  time_t until = time(NULL) + 60;
  while (n + 1 < sizeof line && (n == 0 || line[n - 1] != '\n')) {
    struct pollfd p = {out[0], POLLIN, 0};
    int left = (int)(until - time(NULL));
    if (left <= 0 || poll(&p, 1, left * 1000) <= 0) break;
    ssize_t r = read(out[0], line + n, 1);
    if (r <= 0) break;
    n += (size_t)r;
  }
  line[n] = 0;
  if (n < 8 || line[n - 1] != '\n' || strncmp(line, "http://", 7) != 0) {
    fprintf(stderr, "hl_start %s: no URL from serve ('%s')\n", dir, line);
    hl_stop(h);
    return -1;
  }
  line[--n] = 0;
  if (n && line[n - 1] == '/') line[--n] = 0;
  snprintf(h->base, sizeof h->base, "%.100s", line);
  CURL *c = curl_easy_init();
  if (!c) {
    hl_stop(h);
    return -1;
  }
  curl_easy_setopt(c, CURLOPT_COOKIEFILE, ""); /* the cookie engine, in memory */
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
  h->curl = c;
  return 0;
}

static size_t on_body(char *p, size_t size, size_t n, void *arg) {
  return cm_buf_append(arg, p, size * n) == CM_OK ? size * n : 0;
}

long hl_request(hl_hub *h, const char *method, const char *path, const char *ctype,
                const void *body, size_t len, cm_buf *out) {
  char url[1024];
  struct curl_slist *hdr = NULL;
  long status = -1;
  CURL *c = h->curl;
  cm_buf_init(out, (size_t)64 << 20);
  if (!c) return -1;
  snprintf(url, sizeof url, "%s%s", h->base, path);
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, NULL);
  if (body) {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
  } else {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  }
  if (strcmp(method, body ? "POST" : "GET") != 0)
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  if (ctype) {
    char line[160];
    snprintf(line, sizeof line, "Content-Type: %s", ctype);
    hdr = curl_slist_append(hdr, line);
  }
  hdr = curl_slist_append(hdr, "Expect:");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
  CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK)
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  else
    fprintf(stderr, "hl_request %s %s: %s\n", method, url, curl_easy_strerror(rc));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
  curl_slist_free_all(hdr);
  return status;
}

const char *hl_pct(const char *s, char *out, size_t cap) {
  out[0] = 0;
  cm_pct_append(out, cap, s);
  return out;
}

int hl_login(hl_hub *h, const char *name, const char *password) {
  char form[512], a[128], b[128];
  cm_buf page;
  snprintf(form, sizeof form, "name=%s&password=%s&next=%%2F", hl_pct(name, a, sizeof a),
           hl_pct(password, b, sizeof b));
  long st = hl_request(h, "POST", "/login", "application/x-www-form-urlencoded", form,
                       strlen(form), &page);
  cm_buf_free(&page);
  if (st != 303) {
    fprintf(stderr, "hl_login %s: POST /login answered %ld\n", h->base, st);
    return -1;
  }
  /* Every page of a session carries its token in the logout form. */
  st = hl_request(h, "GET", "/review", NULL, NULL, 0, &page);
  static const char mark[] = "name=\"csrf\" value=\"";
  const char *p = st == 200 && page.p ? strstr((const char *)page.p, mark) : NULL;
  if (p) {
    p += sizeof mark - 1;
    size_t n = strcspn(p, "\"");
    if (n < sizeof h->csrf) snprintf(h->csrf, sizeof h->csrf, "%.*s", (int)n, p);
  }
  cm_buf_free(&page);
  if (!h->csrf[0]) {
    fprintf(stderr, "hl_login %s: no form token on GET /review (%ld)\n", h->base, st);
    return -1;
  }
  return 0;
}

int hl_stop(hl_hub *h) {
  int ok = 0;
  if (h->curl) curl_easy_cleanup(h->curl);
  h->curl = NULL;
  if (h->pid > 0) {
    int st = 0;
    pid_t got = 0;
    kill(h->pid, SIGTERM);
    for (int i = 0; i < 200 && (got = waitpid(h->pid, &st, WNOHANG)) == 0; i++) {
      struct timespec ts = {0, 100 * 1000 * 1000};
      nanosleep(&ts, NULL);
    }
    if (got == 0) {
      fprintf(stderr, "hl_stop: serve %d did not stop in 20 s; killed\n", (int)h->pid);
      kill(h->pid, SIGKILL);
      waitpid(h->pid, &st, 0);
      ok = -1;
    } else if (got < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
      fprintf(stderr, "hl_stop: serve %d ended badly (status %d)\n", (int)h->pid, st);
      ok = -1;
    }
  }
  h->pid = 0;
  if (h->out_fd > 0) close(h->out_fd);
  h->out_fd = -1;
  return ok;
}
