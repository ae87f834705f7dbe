/* failpoint.c - named crash points for the fault tests.  LINLI_FAILPOINT holds
 * "name", "name:N" (fire on the Nth pass) or a comma list of those. */
#include "failpoint.h"

#ifdef LINLI_FAILPOINTS

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FP_MAX 16
#define FP_NAME_MAX 64

struct fp_slot {
  char name[FP_NAME_MAX];
  unsigned long fire_on; /* 1-based pass number */
  unsigned long passes;
};

static pthread_mutex_t fp_lock = PTHREAD_MUTEX_INITIALIZER;
static struct fp_slot fp_slots[FP_MAX];
static size_t fp_count;
static int fp_loaded;

/* Parse the environment once; malformed items are ignored rather than
 * fatal, since a typo must not crash a production process. */
static void fp_load(void) {
  const char *env = getenv("LINLI_FAILPOINT");
  fp_loaded = 1;
  if (!env) return;
  const char *p = env;
  while (*p && fp_count < FP_MAX) {
    const char *end = strchr(p, ',');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    const char *colon = memchr(p, ':', len);
    size_t name_len = colon ? (size_t)(colon - p) : len;
    unsigned long n = 1;
    if (colon) {
      char num[24];
      size_t nl = len - name_len - 1;
      if (nl == 0 || nl >= sizeof num) goto next;
      memcpy(num, colon + 1, nl);
      num[nl] = '\0';
      char *e = NULL;
      n = strtoul(num, &e, 10);
      if (!e || *e || n == 0) goto next;
    }
    if (name_len == 0 || name_len >= FP_NAME_MAX) goto next;
    memcpy(fp_slots[fp_count].name, p, name_len);
    fp_slots[fp_count].name[name_len] = '\0';
    fp_slots[fp_count].fire_on = n;
    fp_slots[fp_count].passes = 0;
    fp_count++;
  next:
    if (!end) break;
    p = end + 1;
  }
}

/* Count a pass through name; die with status 137 (as kill -9 would look to a
 * shell) when it is the configured pass. */
void cm_failpoint(const char *name) {
  int fire = 0;
  pthread_mutex_lock(&fp_lock);
  if (!fp_loaded) fp_load();
  for (size_t i = 0; i < fp_count; i++) {
    if (strcmp(fp_slots[i].name, name) != 0) continue;
    if (++fp_slots[i].passes == fp_slots[i].fire_on) fire = 1;
  }
  pthread_mutex_unlock(&fp_lock);
  if (fire) {
    static const char pre[] = "failpoint ";
    static const char post[] = " fired\n";
    ssize_t w;
    w = write(STDERR_FILENO, pre, sizeof pre - 1);
    w = write(STDERR_FILENO, name, strlen(name));
    w = write(STDERR_FILENO, post, sizeof post - 1);
    (void)w;
    _exit(137);
  }
}

#else
/* ISO C forbids an empty translation unit. */
typedef int cm_failpoint_compiled_out;
#endif
