/* enrol_flood.c - sends signed enrolment requests from fresh keys over a
 * socket bound to a chosen source address (another loopback address stands for
 * another machine), and prints how many got each HTTP status, one
 * "STATUS COUNT" line each, sorted by status.
 * Usage: enrol_flood SRC_ADDR PORT COUNT NAME CODE */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/codec.h"
#include "protocol/keys.h"
#include "protocol/request.h"

static int send_one(const char *src, int port, const char *name, const char *code) {
  proto_keypair kp;
  if (proto_keypair_generate(&kp) != CM_OK) return -1;
  char body[512];
  snprintf(body, sizeof body,
           "{\"name\":\"%s\",\"street\":\"望海楼街\",\"code\":\"%s\",\"role\":\"community\"}", name,
           code);
  proto_request rq;
  memset(&rq, 0, sizeof rq);
  rq.method = "POST";
  rq.path = "/api/v1/enroll";
  rq.time_ms = cm_now_ms();
  if (proto_request_sign(&rq, &kp, (const uint8_t *)body, strlen(body)) != CM_OK) return -1;
  char keyhex[PROTO_KEY_HEX], sighex[PROTO_SIG_HEX], req[2048];
  proto_key_hex(rq.key, keyhex);
  cm_hex_encode(rq.sig, PROTO_SIG_BYTES, sighex);
  int n = snprintf(req, sizeof req,
                   "POST /api/v1/enroll HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n"
                   "Content-Type: application/json\r\nContent-Length: %zu\r\nX-Linli-Key: %s\r\n"
                   "X-Linli-Time: %llu\r\nX-Linli-Signature: %s\r\n\r\n%s",
                   port, strlen(body), keyhex, (unsigned long long)rq.time_ms, sighex, body);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  inet_pton(AF_INET, src, &a.sin_addr);
  if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0) return -1;
  a.sin_port = htons((uint16_t)port);
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0 || write(fd, req, (size_t)n) != n) {
    close(fd);
    return -1;
  }
  char ans[4096];
  size_t got = 0;
  ssize_t r;
  while (got < sizeof ans - 1 && (r = read(fd, ans + got, sizeof ans - 1 - got)) > 0)
    got += (size_t)r;
  ans[got] = '\0';
  close(fd);
  int status = 0;
  return sscanf(ans, "HTTP/1.1 %d", &status) == 1 ? status : -1;
}

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: enrol_flood SRC_ADDR PORT COUNT NAME CODE\n");
    return 2;
  }
  int port = atoi(argv[2]), count = atoi(argv[3]);
  int tally[600] = {0}, failed = 0;
  for (int i = 0; i < count; i++) {
    int s = send_one(argv[1], port, argv[4], argv[5]);
    if (s >= 100 && s < 600)
      tally[s]++;
    else
      failed++;
  }
  for (int s = 100; s < 600; s++)
    if (tally[s]) printf("%d %d\n", s, tally[s]);
  if (failed) printf("0 %d\n", failed);
  return 0;
}
