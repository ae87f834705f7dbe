/* protocol_fixtures.c - fixed keys and logs for the protocol vectors. */
#include "protocol_fixtures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <zlib.h>

#include "protocol/changeset.h"
#include "protocol/wire.h"

static int key_from_name(const char *name, proto_keypair *kp) {
  uint8_t seed[PROTO_SEED_BYTES];
  char label[64];
  int n = snprintf(label, sizeof label, "linli vector key %s", name);
  proto_hash((const uint8_t *)label, (size_t)n, seed);
  return proto_keypair_from_seed(seed, kp) == CM_OK ? 0 : -1;
}

int fx_make_keys(fx_keys *k) {
  if (key_from_name("community", &k->community)) return -1;
  if (key_from_name("hub", &k->hub)) return -1;
  return key_from_name("other", &k->other);
}

/* Fill entry i (seq i+1) of log from its body; chains from entry i-1. */
static int fx_set(fx_log *log, size_t i, const uint8_t author[PROTO_KEY_BYTES], const char *kind,
                  uint64_t time_ms) {
  proto_entry *e = &log->e[i];
  memset(e, 0, sizeof *e);
  memcpy(e->author, author, PROTO_KEY_BYTES);
  e->seq = i + 1;
  if (i > 0) memcpy(e->prev, log->hash[i - 1], PROTO_HASH_BYTES);
  e->time_ms = time_ms;
  snprintf(e->kind, sizeof e->kind, "%s", kind);
  e->body = (const uint8_t *)log->body[i];
  e->body_len = strlen(log->body[i]);
  return proto_entry_hash(e, log->hash[i]) == CM_OK ? 0 : -1;
}

static const char *const fx_content[] = {
    "組織居民清掃樓道和小區綠地", "看望社區孤寡老人並送去米麵油", "開展垃圾分類宣傳進樓門",
    "舉辦少兒書法公益課堂", "為轄區居民義務理髮", "組織老年合唱團排練迎新年節目",
    "協助社區開展防詐騙講座", "冬季為困難家庭送溫暖", "志願者巡邏維護小區治安",
    "開展家電義務維修", "組織黨員參加社區環境整治", "舉辦鄰里節百家宴"};
static const char *const fx_scope[] = {"環境衛生", "助老扶弱", "文化體育", "治安巡邏",
                                       "便民服務", "青少年教育"};
static const char *const fx_deeds[] = {"", "王阿姨拾金不昧歸還失主錢包", "志願者李師傅連續三年義務修車",
                                       "", "張大爺勸阻一起電信詐騙", ""};

int fx_community_log(const fx_keys *k, fx_log *log) {
  memset(log, 0, sizeof *log);
  log->n = FX_LOG_N;
  snprintf(log->body[0], FX_BODY_CAP,
           "{\"id\":\"120105001001-0001\",\"name\":\"建昌道街金鐘社區夕陽紅志願服務隊\","
           "\"category\":\"志願服務\",\"leader\":\"王淑蘭\",\"phone\":\"13800000001\","
           "\"members\":25,\"party_members\":3,\"party_station\":true,\"founded_by\":\"self\","
           "\"scope\":\"助老扶弱\",\"venue\":\"社區活動室\",\"filed\":\"2026-03-01\",\"flags\":[]}");
  if (fx_set(log, 0, k->community.pk, "org.filed", FX_T0 - 86400000ull * 200)) return -1;
  for (size_t i = 1; i < FX_LOG_N; i++) {
    unsigned org = (unsigned)(i - 1) % 25 + 1, month = 9 + (unsigned)(i - 1) / 25;
    unsigned acts = (unsigned)(i * 7 % 9) + 1, people = (unsigned)(i * 37 % 180) + 12;
    snprintf(log->body[i], FX_BODY_CAP,
             "{\"org\":\"120105001001-%04u\",\"month\":\"2026-%02u\",\"activities\":%u,"
             "\"participants\":%u,\"party_participants\":%u,\"content\":\"%s，%s\","
             "\"scope\":\"%s\",\"good_deeds\":\"%s\"}",
             org, month, acts, people, (unsigned)(i * 3 % 11), fx_content[i % 12],
             fx_content[(i * 5 + 3) % 12], fx_scope[i % 6], fx_deeds[i % 6]);
    if (fx_set(log, i, k->community.pk, "report.monthly", FX_T0 + 3600000ull * i)) return -1;
  }
  return 0;
}

int fx_hub_log(const fx_keys *k, fx_log *log) {
  char hex[PROTO_KEY_HEX];
  static const char *const kinds[FX_HUB_N] = {"hub.enrolled", "decision.commend",
                                              "review.accepted"};
  memset(log, 0, sizeof *log);
  log->n = FX_HUB_N;
  proto_key_hex(k->community.pk, hex);
  snprintf(log->body[0], FX_BODY_CAP,
           "{\"key\":\"%s\",\"name\":\"金鐘社區\",\"code\":\"120105001001\","
           "\"role\":\"community\",\"street\":\"建昌道街\"}",
           hex);
  snprintf(log->body[1], FX_BODY_CAP,
           "{\"org\":\"120105001001-0001\",\"reason\":\"全年開展助老活動四十八次，表現突出\"}");
  snprintf(log->body[2], FX_BODY_CAP, "{\"record\":\"%s/2\",\"result\":\"accepted\"}", hex);
  for (size_t i = 0; i < FX_HUB_N; i++) {
    if (fx_set(log, i, k->hub.pk, kinds[i], FX_T0 + 86400000ull * (i + 1))) return -1;
    if (proto_entry_sign(&log->e[i], &k->hub) != CM_OK) return -1;
  }
  return 0;
}

int fx_fork_log(fx_log *log, size_t from, const char *alt_body) {
  snprintf(log->body[from], FX_BODY_CAP, "%s", alt_body);
  for (size_t i = from; i < log->n; i++) {
    proto_entry *e = &log->e[i];
    if (i > 0) memcpy(e->prev, log->hash[i - 1], PROTO_HASH_BYTES);
    e->body = (const uint8_t *)log->body[i];
    e->body_len = strlen(log->body[i]);
    if (proto_entry_hash(e, log->hash[i]) != CM_OK) return -1;
  }
  return 0;
}

int fx_read_vector(const char *name, uint8_t **p, size_t *len) {
  char path[1024];
  uint8_t *buf = NULL;
  long sz = 0;
  int rc = -1;
  snprintf(path, sizeof path, "%s/%s", LINLI_VECTORS_DIR, name);
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  if (fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) goto out;
  buf = malloc((size_t)sz + 1);
  if (!buf || fread(buf, 1, (size_t)sz, f) != (size_t)sz) goto out;
  buf[sz] = 0;
  *p = buf;
  *len = (size_t)sz;
  buf = NULL;
  rc = 0;
out:
  free(buf);
  fclose(f);
  return rc;
}

static int fx_hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int fx_unhex(const char *hex, size_t hex_len, uint8_t *out, size_t n) {
  if (hex_len != 2 * n) return -1;
  for (size_t i = 0; i < n; i++) {
    int hi = fx_hexval(hex[2 * i]), lo = fx_hexval(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return -1;
    out[i] = (uint8_t)(hi << 4 | lo);
  }
  return 0;
}

/* header offsets used here (docs/protocol.md, "Changeset") */
#define FX_O_PLEN 120
#define FX_O_RLEN 124
#define FX_O_PHASH 128
#define FX_O_SIG 168

void fx_cs_resign(uint8_t *cs, const proto_keypair *kp) {
  proto_hash(cs + PROTO_CS_HEADER_BYTES, wire_get_u32(cs + FX_O_PLEN), cs + FX_O_PHASH);
  crypto_sign_detached(cs + FX_O_SIG, NULL, cs, FX_O_SIG, kp->sk);
}

int fx_cs_with_payload(const uint8_t *cs, const uint8_t *z, size_t zlen, uint32_t raw_len,
                       const proto_keypair *kp, uint8_t **out, size_t *len_out) {
  uint8_t *c = malloc(PROTO_CS_HEADER_BYTES + zlen);
  if (!c) return -1;
  memcpy(c, cs, PROTO_CS_HEADER_BYTES);
  memcpy(c + PROTO_CS_HEADER_BYTES, z, zlen);
  wire_put_u32(c + FX_O_PLEN, (uint32_t)zlen);
  wire_put_u32(c + FX_O_RLEN, raw_len);
  fx_cs_resign(c, kp);
  *out = c;
  *len_out = PROTO_CS_HEADER_BYTES + zlen;
  return 0;
}

int fx_cs_with_raw(const uint8_t *cs, const uint8_t *raw, size_t raw_len, int level,
                   const proto_keypair *kp, uint8_t **out, size_t *len_out) {
  uLongf zlen = compressBound((uLong)raw_len);
  uint8_t *z = malloc(zlen);
  int rc = -1;
  if (z && compress2(z, &zlen, raw, (uLong)raw_len, level) == Z_OK)
    rc = fx_cs_with_payload(cs, z, zlen, (uint32_t)raw_len, kp, out, len_out);
  free(z);
  return rc;
}
