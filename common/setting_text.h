/* setting_text.h - what a setting the district sends down says, in the words
 * staff read: the due date of the year's self-reports, plans or summaries
 * (due.set), the days before residents' feedback is overdue (feedback.due)
 * and the caps on attachments (limits.set).  One sentence per kind, written
 * here once: the hub's command line prints it and the node's inbox shows it. */
#ifndef LINLI_COMMON_SETTING_TEXT_H
#define LINLI_COMMON_SETTING_TEXT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "i18n.h"

/* The sentence of a due date of year for what ("inspection", "plan",
 * "summary"): "2027年度年度工作计划的截止日期：2027-01-31". */
void cm_setting_due_text(cm_lang lang, const char *what, int64_t year, const char *date, char *out,
                         size_t cap);

/* The sentence of days before feedback is overdue. */
void cm_setting_feedback_text(cm_lang lang, int64_t days, char *out, size_t cap);

/* The sentence of the caps: one file, one organisation's files in a year,
 * in MiB. */
void cm_setting_limits_text(cm_lang lang, int64_t file_mb, int64_t org_year_mb, char *out,
                            size_t cap);

/* The sentence of a setting entry of kind with body: 1 and out written when
 * kind is one of the three and its body reads as the domain core says; 0
 * (out "") otherwise. */
int cm_setting_text(cm_lang lang, const char *kind, const json_t *body, char *out, size_t cap);

#endif
