/* fuzz_http.c - libFuzzer target for what the HTTP server parses itself
 * (common/http_server.c, included to reach its statics): the first byte picks
 * the query/form field parser (each decoded field must be found again by
 * name), the Host header check, or the listen-address parser. */
#include "common/http_server.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  uint8_t mode = data[0] % 3;
  data++;
  size--;
  if (mode == 0) {
    struct http_fields f;
    memset(&f, 0, sizeof f);
    fields_parse(&f, (const char *)data, size);
    if (f.n > HTTP_MAX_FIELDS) abort();
    for (size_t i = 0; i < f.n; i++) {
      if (!f.names[i] || !f.values[i]) abort();
      if (!fields_get(&f, f.names[i], 0)) abort();
    }
    fields_free(&f);
  } else {
    char s[300];
    if (size >= sizeof s) size = sizeof s - 1;
    memcpy(s, data, size);
    s[size] = '\0';
    if (mode == 1) {
      cm_http_server srv;
      memset(&srv, 0, sizeof srv);
      srv.hosts = (char *)",hub.example,";
      (void)host_accepted(&srv, s);
    } else {
      struct sockaddr_storage ss;
      int v6 = 0, lo = 0;
      /* numeric hosts only: a name would be a DNS lookup per input */
      if (strpbrk(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") == NULL) {
        (void)parse_listen(s, &ss, &v6, NULL);
        (void)cm_http_listen_loopback(s, &lo, NULL);
      }
    }
  }
  return 0;
}
