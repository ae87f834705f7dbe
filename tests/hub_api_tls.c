/* hub_api_tls.c - `serve --cert/--key`: the hub speaks HTTPS, a client that
 * trusts the hub's CA file (cm_client_opts.ca_file) talks to it, a client
 * that does not is refused, and plain HTTP gets no answer.  The certificate
 * is made for the test with openssl (or GnuTLS's certtool when openssl is
 * missing); with neither the test is skipped. */
/* cmocka needs these before it, in this order. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/upstream.h"
#include "hub/forward.h"
#include "hub_api_util.h"

static int have(const char *prog) {
  char cmd[128];
  snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", prog);
  int st = system(cmd);
  return st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* A self-signed certificate for 127.0.0.1 in dir/cert.pem, key in dir/key.pem.
 * 0 on success, 1 when no tool is installed, -1 on failure. */
static int make_cert(const char *dir, char *cert, char *key, size_t cap) {
  char cmd[4096];
  snprintf(cert, cap, "%s/cert.pem", dir);
  snprintf(key, cap, "%s/key.pem", dir);
  if (have("openssl")) {
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
             "-keyout '%s' -out '%s' -days 2 -subj /CN=127.0.0.1 "
             "-addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1",
             key, cert);
  } else if (have("certtool")) {
    char tmpl[600];
    snprintf(tmpl, sizeof tmpl, "%s/cert.cfg", dir);
    FILE *f = fopen(tmpl, "w");
    if (!f) return -1;
    fputs("cn = 127.0.0.1\nip_address = 127.0.0.1\nexpiration_days = 2\nca\n"
          "signing_key\nencryption_key\ntls_www_server\ncert_signing_key\n",
          f);
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "certtool --generate-privkey --key-type ecdsa --outfile '%s' >/dev/null 2>&1 && "
             "certtool --generate-self-signed --load-privkey '%s' --template '%s' "
             "--outfile '%s' >/dev/null 2>&1",
             key, key, tmpl, cert);
  } else {
    return 1;
  }
  int st = system(cmd);
  return st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* GET heads over TLS; seq or -1. */
static long long t_head_seq_ca(const char *base, const uint8_t *author, const char *ca) {
  char path[128], hex[PROTO_KEY_HEX];
  t_resp r;
  proto_key_hex(author, hex);
  snprintf(path, sizeof path, "/api/v1/heads/%s", hex);
  if (t_http("GET", base, path, NULL, NULL, 0, NULL, 0, ca, &r)) return -1;
  long long seq = r.status == 200 ? t_json_int(&r, "seq") : -1;
  t_resp_free(&r);
  return seq;
}

static void test_https(void **state) {
  (void)state;
  t_tmp tmp;
  char dir[512], cert[600], key[600], base[128], url[160];
  uint8_t hub_pk[PROTO_KEY_BYTES];
  assert_int_equal(cm_client_global_init(), CM_OK);
  assert_int_equal(t_tmp_new(&tmp), 0);
  int made = make_cert(tmp.path, cert, key, sizeof cert);
  if (made == 1) {
    t_tmp_free(&tmp);
    skip();
  }
  assert_int_equal(made, 0);
  snprintf(dir, sizeof dir, "%s/district", tmp.path);
  assert_int_equal(t_hub_init(dir, HUB_ROLE_DISTRICT, "河北區協會", NULL, NULL, hub_pk), 0);

  /* One of --cert/--key alone is a usage error, not a plain-HTTP server. */
  hub_server *srv = NULL;
  cm_err err;
  cm_err_clear(&err);
  assert_int_equal(hub_server_start(dir, "127.0.0.1:0", cert, NULL, &srv, &err), CM_ERR_INVALID);
  assert_null(srv);

  assert_int_equal(hub_server_start(dir, "127.0.0.1:0", cert, key, &srv, &err), CM_OK);
  snprintf(url, sizeof url, "%s", hub_server_url(srv));
  assert_int_equal(strncmp(url, "https://127.0.0.1:", 18), 0);
  t_base(srv, base, sizeof base);

  /* Trusting the hub's certificate: the API answers. */
  t_resp r;
  assert_int_equal(t_http("GET", base, "/api/v1/health", NULL, NULL, 0, NULL, 0, cert, &r), 0);
  assert_int_equal(r.status, 200);
  assert_string_equal(json_string_value(json_object_get(r.json, "role")), "district");
  t_resp_free(&r);

  /* A signed request and a verified receipt over TLS, as a street hub makes them. */
  cm_client_opts o;
  memset(&o, 0, sizeof o);
  o.ca_file = cert;
  cm_receipt head;
  assert_int_equal(cm_upstream_head(base, hub_pk, hub_pk, &o, &head, NULL), CM_OK);
  t_log s;
  assert_int_equal(t_log_new(&s), 0);
  o.sign_with = &s.kp;
  long status = 0;
  uint8_t got[PROTO_KEY_BYTES];
  assert_int_equal(cm_upstream_enroll(base, "{\"name\":\"望海樓街\",\"role\":\"street\"}", &o,
                                      &status, got, NULL),
                   CM_OK);
  assert_int_equal(status, 202);
  assert_memory_equal(got, hub_pk, PROTO_KEY_BYTES);

  /* Not trusting it: the client refuses the certificate. */
  cm_client_result res;
  cm_client_opts plain;
  memset(&plain, 0, sizeof plain);
  snprintf(url, sizeof url, "%s/api/v1/health", base);
  assert_int_equal(cm_client_request("GET", url, NULL, NULL, 0, &plain, &res, &err),
                   CM_ERR_NETWORK);
  cm_client_result_free(&res);

  /* Plain HTTP to the TLS port gets no HTTP answer. */
  char plain_url[160];
  snprintf(plain_url, sizeof plain_url, "http://%s/api/v1/health", base + strlen("https://"));
  cm_rc rc = cm_client_request("GET", plain_url, NULL, NULL, 0, &plain, &res, &err);
  assert_true(rc != CM_OK || res.status != 200);
  cm_client_result_free(&res);

  /* A street hub forwards over HTTPS, trusting DIR/upstream-ca.pem. */
  char sdir[512], ca[1400];
  uint8_t spk[PROTO_KEY_BYTES];
  snprintf(sdir, sizeof sdir, "%s/street", tmp.path);
  assert_int_equal(t_hub_init(sdir, HUB_ROLE_STREET, "望海樓街", base, hub_pk, spk), 0);
  assert_int_equal(t_hub_enroll(dir, spk, "望海樓街", ""), 0);
  t_log c;
  assert_int_equal(t_log_new(&c), 0);
  assert_int_equal(t_hub_enroll(sdir, c.kp.pk, "建昌道社區", "120105001001"), 0);
  hub_forward_stats st;
  /* Without the CA the district's certificate is refused. */
  assert_int_equal(hub_forward_once(sdir, &st, &err), CM_ERR_NETWORK);
  snprintf(ca, sizeof ca, "cp '%s' '%s/upstream-ca.pem'", cert, sdir);
  int cp = system(ca);
  assert_true(cp != -1 && WIFEXITED(cp) && WEXITSTATUS(cp) == 0);
  cm_err_clear(&err);
  assert_int_equal(hub_forward_once(sdir, &st, &err), CM_OK);
  assert_true(st.entries_pushed >= 1);
  assert_true(t_head_seq_ca(base, spk, cert) >= 1);

  hub_server_stop(srv);
  t_tmp_free(&tmp);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_https)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
