/* serve.c - `linli-hub serve`: open the hub, start the HTTP server with the API
 * routes and, on a street hub with an upstream, the forward loop; stay in the
 * foreground until SIGINT/SIGTERM. */
#include "serve.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/http_client.h"
#include "../common/http_server.h"
#include "../common/log.h"
#include "api.h"
#include "dashboard.h"
#include "enrolguard.h"
#include "forward.h"
#include "heap.h"
#include "hub.h"
#include "web.h"

struct hub_server {
  hub_ctx *hub;
  hub_api api; /* handlers' ctx: must outlive the HTTP server */
  hub_forward *fw;
  cm_http_server *http;
  struct hub_web *web;    /* operator pages: accounts and sessions (hub/web.h) */
  cm_http_route *routes;  /* pages, dashboard and API in one table (hub_web_mount) */
  char url[320];
};

/* Open, start the forward loop (street hub with an upstream), then the HTTP
 * server, in that order so that handlers can wake the loop from the first
 * request. */
cm_rc hub_server_start(const char *dir, const char *listen, const char *cert_file,
                       const char *key_file, hub_server **srv_out, cm_err *err) {
  hub_serve_opts o = {.listen = listen, .cert_file = cert_file, .key_file = key_file};
  return hub_server_start_opts(dir, &o, srv_out, err);
}

cm_rc hub_server_start_opts(const char *dir, const hub_serve_opts *o, hub_server **srv_out,
                            cm_err *err) {
  cm_rc rc = CM_OK;
  hub_server *srv = NULL;
  const char *listen = o->listen, *cert_file = o->cert_file, *key_file = o->key_file;
  int loopback = 0;
  *srv_out = NULL;
  if (!listen || !*listen) listen = HUB_SERVE_DEFAULT_LISTEN;
  int tls = cert_file && *cert_file && key_file && *key_file;
  if (!tls && ((cert_file && *cert_file) || (key_file && *key_file))) {
    rc = cm_errf(err, CM_ERR_INVALID, "--cert 和 --key 须同时给出（HTTPS 需要证书和私钥）");
    goto out;
  }
  /* Logins and personal data must not cross a network in clear text. */
  rc = cm_http_listen_loopback(listen, &loopback, err);
  if (rc) goto out;
  if (!loopback && !tls && !o->insecure_http) {
    rc = cm_errf(err, CM_ERR_INVALID,
                 "%s 不是本机回环地址，明文 HTTP 会让登录和个人信息在网络上可见：请加 --cert "
                 "证书文件 --key 私钥文件 以 HTTPS 提供服务（确需明文时加 --insecure-http）",
                 listen);
    goto out;
  }
  if (!loopback && !tls)
    cm_warn("警告：在 %s 上以明文 HTTP 提供服务（--insecure-http），登录密码和个人信息可被网络上的"
            "他人看到",
            listen);
  int wait_ms = HUB_DASH_WAIT_DEFAULT_MS;
  const char *wait = o->answer_wait, *wait_from = "--answer-wait";
  if (!wait && (wait = getenv("LINLI_ANSWER_WAIT")) != NULL) wait_from = "环境变量 LINLI_ANSWER_WAIT";
  if (wait && strcmp(wait, "always") == 0) {
    wait_ms = -1;
  } else if (wait) {
    size_t n = strlen(wait);
    if (n == 0 || n > 6 || strspn(wait, "0123456789") != n) {
      rc = cm_errf(err, CM_ERR_INVALID, "%s 应为 0 到 999999 的毫秒数，或 always（总是等新算的结果）",
                   wait_from);
      goto out;
    }
    wait_ms = atoi(wait);
  }
  srv = calloc(1, sizeof *srv);
  if (!srv) {
    rc = cm_errf(err, CM_ERR_NOMEM, "serve：内存不足");
    goto out;
  }
  rc = hub_open(dir, &srv->hub, err);
  if (rc) goto out;
  srv->hub->dash_wait_ms = wait_ms;
  srv->hub->dash_warm_ms = wait_ms >= 0 ? HUB_DASH_WARM_TICK_MS : -1;
  srv->api.hub = srv->hub;
  srv->api.enrol = hub_enrolguard_new();

  if (srv->hub->role == HUB_ROLE_STREET && srv->hub->upstream_url[0]) {
    rc = hub_forward_start(dir, &srv->fw, err);
    if (rc) goto out;
    srv->api.fw = srv->fw;
    cm_info("forwarding to %s", srv->hub->upstream_url);
  } else if (srv->hub->role == HUB_ROLE_STREET) {
    cm_warn("no upstream configured (init --upstream URL): nothing is forwarded to the district");
  }

  size_t n_routes = 0;
  const cm_http_route *api_routes = hub_api_routes(&n_routes);
  /* The operator pages go before the API: their paths never start with /api/. */
  rc = hub_web_open(dir, &srv->web, err);
  if (!rc) rc = hub_web_mount(api_routes, n_routes, &srv->routes, &n_routes, err);
  if (rc) goto out;
  srv->api.web = srv->web;
  const cm_http_route *routes = srv->routes;
  for (size_t i = 0; i < n_routes; i++)
    cm_debug("route %s %s: %s", routes[i].method, routes[i].pattern, routes[i].help);
  cm_http_config cfg = {
      .listen = listen,
      .routes = routes,
      .n_routes = n_routes,
      .ctx = &srv->api,
      .max_body = HUB_SERVE_MAX_BODY,
      .threads = HUB_SERVE_THREADS,
      .cert_file = tls ? cert_file : NULL,
      .key_file = tls ? key_file : NULL,
      .check_host = 1,
      .hosts = o->hosts,
      .not_found = hub_web_not_found,
  };
  rc = cm_http_start(&cfg, &srv->http, err);
  if (rc) goto out;

  char host[256], bound[256];
  unsigned port = (unsigned)cm_http_port(srv->http);
  cm_http_listen_host(listen, 1, host, sizeof host);
  cm_http_listen_host(listen, 0, bound, sizeof bound);
  snprintf(srv->url, sizeof srv->url, "%s://%s:%u/", tls ? "https" : "http", host, port);
  /* The log names the address actually bound, a wildcard included. */
  cm_info("%s%s 已在 %s 提供服务（监听 %s:%u）", srv->hub->name,
          srv->hub->role == HUB_ROLE_DISTRICT ? "（区级）" : "（街道）", srv->url, bound, port);
  /* the dashboard answers people looked at before the stop, made ready */
  hub_dashboard_warm_start(srv->hub);
  *srv_out = srv;
  srv = NULL;
out:
  hub_server_stop(srv);
  return rc;
}

/* The bound port. */
uint16_t hub_server_port(const hub_server *srv) {
  return srv ? cm_http_port(srv->http) : 0;
}

/* The URL printed by serve. */
const char *hub_server_url(const hub_server *srv) {
  return srv ? srv->url : "";
}

/* The forward loop goes first: it may be in a request to the district, which
 * its client timeouts bound; then running HTTP requests finish; then the hub
 * closes, since neither uses it any more. */
void hub_server_stop(hub_server *srv) {
  if (!srv) return;
  hub_forward_stop(srv->fw);
  srv->api.fw = NULL;
  cm_http_stop(srv->http);
  hub_web_close(srv->web);
  free(srv->routes);
  hub_close(srv->hub);
  hub_enrolguard_free(srv->api.enrol);
  free(srv);
}

/* Foreground until SIGINT/SIGTERM.  The signals are blocked before any thread
 * starts, so every thread inherits the mask and sigwait() here is the only
 * place they are taken: no handler runs in the middle of a request. */
cm_rc hub_serve(const char *dir, const hub_serve_opts *o, cm_err *err) {
  cm_rc rc = CM_OK;
  hub_server *srv = NULL;
  sigset_t set, old;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  /* A peer that hangs up must not kill the hub with SIGPIPE. */
  signal(SIGPIPE, SIG_IGN);
  pthread_sigmask(SIG_BLOCK, &set, &old);

  hub_heap_serve();
  rc = cm_client_global_init();
  if (rc) {
    cm_errf(err, rc, "serve：无法初始化 HTTP 客户端");
    goto out;
  }
  rc = hub_server_start_opts(dir, o, &srv, err);
  if (rc) goto out;
  /* Scripts and tests read this first line to learn the port. */
  printf("%s\n", hub_server_url(srv));
  fflush(stdout);

  int sig = 0;
  if (sigwait(&set, &sig) != 0) sig = SIGTERM;
  cm_info("signal %d: stopping", sig);
out:
  hub_server_stop(srv);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  return rc;
}
