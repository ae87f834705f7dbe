/* clock.c - Unix milliseconds and Asia/Shanghai calendar arithmetic.  Shanghai
 * has been UTC+8 without daylight saving since 1991, so dates are computed with
 * integer arithmetic on a fixed offset and never depend on the machine's TZ. */
#include "clock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SHANGHAI_OFFSET_MS (8LL * 3600 * 1000)
#define DAY_MS (86400LL * 1000)

/* Wall clock in Unix ms; LINLI_FAKE_NOW_MS (decimal) overrides it, read on
 * every call so that tests can change it. */
uint64_t cm_now_ms(void) {
  const char *fake = getenv("LINLI_FAKE_NOW_MS");
  if (fake && *fake) {
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(fake, &end, 10);
    if (!errno && end && *end == '\0' && fake[0] != '-') return (uint64_t)v;
  }
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Monotonic ms for timeouts: unaffected by clock changes or the fake clock. */
uint64_t cm_mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* Inverse of days_from_civil. */
static void civil_from_days(int64_t z, int *y_out, int *m_out, int *d_out) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp + (mp < 10 ? 3 : -9);
  *y_out = (int)(y + (m <= 2));
  *m_out = (int)m;
  *d_out = (int)d;
}

/* Shanghai-local fields of t. */
static void shanghai_fields(uint64_t t_ms, int *y, int *mo, int *d, int *h, int *mi, int *s) {
  int64_t local = (int64_t)(t_ms / 1000u) + SHANGHAI_OFFSET_MS / 1000;
  int64_t days = local / 86400;
  int64_t secs = local % 86400;
  civil_from_days(days, y, mo, d);
  *h = (int)(secs / 3600);
  *mi = (int)(secs / 60 % 60);
  *s = (int)(secs % 60);
}

static int days_in_month(int y, int m) {
  static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return dim[m - 1];
}

/* Read exactly n ASCII digits. */
static int read_digits(const char *s, int n, int *out) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 0;
}

/* Write v as exactly n decimal digits (zero-padded); returns the end. */
static char *put_digits(char *p, int v, int n) {
  for (int i = n - 1; i >= 0; i--) {
    p[i] = (char)('0' + v % 10);
    v /= 10;
  }
  return p + n;
}

/* "2026-11-27" in Shanghai. */
void cm_date_of(uint64_t t_ms, char out[11]) {
  int y, mo, d, h, mi, s;
  shanghai_fields(t_ms, &y, &mo, &d, &h, &mi, &s);
  char *p = put_digits(out, y % 10000, 4);
  *p++ = '-';
  p = put_digits(p, mo, 2);
  *p++ = '-';
  p = put_digits(p, d, 2);
  *p = '\0';
}

/* "2026-11" in Shanghai. */
void cm_month_of(uint64_t t_ms, char out[8]) {
  int y, mo, d, h, mi, s;
  shanghai_fields(t_ms, &y, &mo, &d, &h, &mi, &s);
  char *p = put_digits(out, y % 10000, 4);
  *p++ = '-';
  p = put_digits(p, mo, 2);
  *p = '\0';
}

/* Parse a real calendar date; *t_out is its Shanghai midnight (dates before
 * 1970-01-02 would be negative and are refused). */
cm_rc cm_date_parse(const char *s, uint64_t *t_out) {
  int y, m, d;
  if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-') return CM_ERR_INVALID;
  if (read_digits(s, 4, &y) || read_digits(s + 5, 2, &m) || read_digits(s + 8, 2, &d))
    return CM_ERR_INVALID;
  if (y < 1970 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return CM_ERR_INVALID;
  int64_t ms = days_from_civil(y, m, d) * DAY_MS - SHANGHAI_OFFSET_MS;
  if (ms < 0) return CM_ERR_INVALID;
  if (t_out) *t_out = (uint64_t)ms;
  return CM_OK;
}

/* Parse "YYYY-MM" into a month index year*12 + month-1. */
cm_rc cm_month_parse(const char *s, int *index_out) {
  int y, m;
  if (!s || strlen(s) != 7 || s[4] != '-') return CM_ERR_INVALID;
  if (read_digits(s, 4, &y) || read_digits(s + 5, 2, &m)) return CM_ERR_INVALID;
  if (y < 1900 || m < 1 || m > 12) return CM_ERR_INVALID;
  if (index_out) *index_out = y * 12 + m - 1;
  return CM_OK;
}

void cm_month_text(int idx, char out[8]) {
  unsigned u = idx > 0 ? (unsigned)idx : 0u;
  snprintf(out, 8, "%04u-%02u", (u / 12u) % 10000u, u % 12u + 1u);
}

/* "2026-11-27T12:00:00+08:00". */
void cm_time_iso(uint64_t t_ms, char out[26]) {
  int y, mo, d, h, mi, s;
  shanghai_fields(t_ms, &y, &mo, &d, &h, &mi, &s);
  cm_date_of(t_ms, out);
  char *p = out + 10;
  *p++ = 'T';
  p = put_digits(p, h, 2);
  *p++ = ':';
  p = put_digits(p, mi, 2);
  *p++ = ':';
  p = put_digits(p, s, 2);
  memcpy(p, "+08:00", 7);
}
