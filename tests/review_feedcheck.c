/* review_feedcheck.c - fetch a hub's feed as a node would (a signed request with
 * the node's key file) and print each item as one JSON line, after verifying
 * it with the protocol library: the item's signature against the pinned street
 * key, and, for a relayed district decision, the district's signature on the
 * entry carried in "origin" against the district key.
 *
 * usage: review_feedcheck URL KEYFILE STREET_KEY_HEX [DISTRICT_KEY_HEX]
 * prints: {"cursor", "kind", "body", "origin": null | {"kind", "record",
 *          "verified": true}}; exit 0, or 1 with a message on any failure. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/codec.h"
#include "common/http_client.h"
#include "common/json.h"
#include "common/keyfile.h"
#include "common/upstream.h"
#include "protocol/entry.h"
#include "protocol/feed.h"
#include "protocol/keys.h"

/* Describe the origin a relayed body carries; NULL (with a message) when it
 * does not verify. */
static json_t *origin_of(const json_t *body, const uint8_t *district) {
  const char *b64 = json_string_value(json_object_get(body, "origin"));
  uint8_t *raw = NULL;
  size_t len = 0;
  proto_entry e;
  cm_err err;
  char hex[PROTO_KEY_HEX], rec[PROTO_KEY_HEX + 24];
  json_t *out = NULL;
  cm_err_clear(&err);
  if (!b64) return json_null();
  if (cm_b64_decode(b64, strlen(b64), &raw, &len) != CM_OK) {
    fprintf(stderr, "origin is not base64\n");
    return NULL;
  }
  if (proto_sentry_decode(raw, len, district, &e, &err) != CM_OK) {
    fprintf(stderr, "origin does not verify: %s\n", err.msg);
    free(raw);
    return NULL;
  }
  proto_key_hex(e.author, hex);
  snprintf(rec, sizeof rec, "%s/%llu", hex, (unsigned long long)e.seq);
  out = json_pack("{s:s, s:s, s:b}", "kind", e.kind, "record", rec, "verified", 1);
  free(raw);
  return out;
}

int main(int argc, char **argv) {
  proto_keypair kp;
  uint8_t street[PROTO_KEY_BYTES], district[PROTO_KEY_BYTES];
  cm_client_opts opts;
  uint8_t *buf = NULL;
  size_t len = 0, n = 0;
  proto_feed_item *items = NULL;
  uint64_t next = 0, after = 0;
  cm_err err;
  int status = 1;

  cm_err_clear(&err);
  memset(&opts, 0, sizeof opts);
  if (argc < 4 || argc > 5) {
    fprintf(stderr, "usage: review_feedcheck URL KEYFILE STREET_KEY [DISTRICT_KEY]\n");
    return 2;
  }
  if (proto_key_from_hex(argv[3], street) ||
      (argc == 5 && proto_key_from_hex(argv[4], district))) {
    fprintf(stderr, "keys are 64 hex digits\n");
    return 2;
  }
  if (cm_keyfile_read(argv[2], &kp, &err) || cm_client_global_init()) {
    fprintf(stderr, "key file: %s\n", err.msg);
    return 1;
  }
  opts.sign_with = &kp;
  for (int page = 0; page < 100; page++) {
    if (cm_upstream_feed(argv[1], after, &opts, &buf, &len, &err) != CM_OK) {
      fprintf(stderr, "feed: %s\n", err.msg);
      goto out;
    }
    if (proto_feed_decode(buf, len, street, &items, &n, &next, &err) != CM_OK) {
      fprintf(stderr, "feed does not verify against the street key: %s\n", err.msg);
      goto out;
    }
    for (size_t i = 0; i < n; i++) {
      json_t *body = NULL;
      if (cm_json_parse_object(items[i].entry.body, items[i].entry.body_len, &body, &err)) {
        fprintf(stderr, "item %zu: %s\n", i, err.msg);
        goto out;
      }
      json_t *origin = origin_of(body, argc == 5 ? district : NULL);
      if (!origin) {
        json_decref(body);
        goto out;
      }
      json_object_del(body, "origin"); /* long; verified above */
      json_t *line = json_pack("{s:I, s:s, s:o, s:o}", "cursor", (json_int_t)items[i].cursor,
                               "kind", items[i].entry.kind, "body", body, "origin", origin);
      char *s = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
      if (s) printf("%s\n", s);
      free(s);
      json_decref(line);
    }
    free(items);
    items = NULL;
    free(buf);
    buf = NULL;
    if (n == 0 || next <= after) break;
    after = next;
  }
  status = 0;
out:
  free(items);
  free(buf);
  proto_keypair_wipe(&kp);
  return status;
}
