/* clock.h - time as linli sees it: Unix milliseconds, and calendar dates and
 * months in Asia/Shanghai (UTC+8, no daylight saving since 1991) regardless of
 * the machine's TZ. */
#ifndef LINLI_COMMON_CLOCK_H
#define LINLI_COMMON_CLOCK_H

#include <stdint.h>

#include "rc.h"

/* Wall clock, Unix ms.  LINLI_FAKE_NOW_MS in the environment overrides it (tests
 * of wrong clocks). */
uint64_t cm_now_ms(void);

/* Monotonic ms, for timeouts and backoff. */
uint64_t cm_mono_ms(void);

/* Shanghai calendar date of t ("2026-11-27", 11 bytes with NUL). */
void cm_date_of(uint64_t t_ms, char out[11]);

/* Shanghai month of t ("2026-11", 8 bytes with NUL). */
void cm_month_of(uint64_t t_ms, char out[8]);

/* Parse "YYYY-MM-DD" (a real calendar date); *t_out = its Shanghai midnight in Unix ms. */
cm_rc cm_date_parse(const char *s, uint64_t *t_out);

/* Parse "YYYY-MM" (month 01..12, year 1900..9999); *index_out = year*12 + month-1. */
cm_rc cm_month_parse(const char *s, int *index_out);

/* "YYYY-MM" of month index idx (year*12 + month-1, as cm_month_parse gives);
 * a negative index reads as 0 ("0000-01"). */
void cm_month_text(int idx, char out[8]);

/* ISO 8601 with +08:00 ("2026-11-27T12:00:00+08:00", 26 bytes with NUL). */
void cm_time_iso(uint64_t t_ms, char out[26]);

#endif
