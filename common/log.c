/* log.c - leveled logging to standard error, one write(2) per line. */
#include "log.h"
#include "term.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static int log_level = -1; /* -1: not yet read from LINLI_LOG */
static const char *log_program = "linli";

static cm_log_level level_from_env(void) {
  const char *v = getenv("LINLI_LOG");
  if (!v) return CM_LOG_INFO;
  if (!strcasecmp(v, "debug")) return CM_LOG_DEBUG;
  if (!strcasecmp(v, "warn")) return CM_LOG_WARN;
  if (!strcasecmp(v, "error")) return CM_LOG_ERROR;
  return CM_LOG_INFO;
}

void cm_log_set_level(cm_log_level level) {
  log_level = (int)level;
}

void cm_log_set_program(const char *name) {
  if (name) log_program = name;
}

void cm_log(cm_log_level level, const char *fmt, ...) {
  static const char *const names[] = {"DEBUG", "INFO", "WARN", "ERROR"};
  if (log_level < 0) log_level = (int)level_from_env();
  if ((int)level < log_level) return;

  /* Shanghai local time regardless of TZ: UTC + 8 h. */
  time_t now = time(NULL) + 8 * 3600;
  struct tm tm;
  gmtime_r(&now, &tm);

  char line[2048];
  int n = snprintf(line, sizeof line, "%04d-%02d-%02dT%02d:%02d:%02d+08:00 %s %s ",
                   tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                   tm.tm_sec, log_program, names[level]);
  if (n < 0) return;
  char msg[2048];
  va_list ap;
  va_start(ap, fmt);
  int m = vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (m < 0) msg[0] = '\0';
  /* Messages carry outside bytes (a Host header, a name from a community):
   * through the terminal cleaner, so a log line on the operator's terminal can
   * never hold a raw control character; a newline would forge a second line,
   * so it is shown as \n too.  What does not fit is cut. */
  cm_buf clean;
  cm_buf_init(&clean, 4 * sizeof msg);
  (void)cm_term_clean(msg, strlen(msg), &clean);
  size_t len = (size_t)n;
  for (size_t i = 0; i < clean.len && len < sizeof line - 3; i++) {
    if (clean.p[i] == '\n') {
      line[len++] = '\\';
      line[len++] = 'n';
    } else {
      line[len++] = (char)clean.p[i];
    }
  }
  cm_buf_free(&clean);
  line[len++] = '\n';
  ssize_t w = write(STDERR_FILENO, line, len);
  (void)w;
}
