/* setting_text.c - see setting_text.h. */
#include "setting_text.h"

#include <stdio.h>
#include <string.h>

#include "attach.h"
#include "records.h"

void cm_setting_due_text(cm_lang lang, const char *what, int64_t year, const char *date, char *out,
                         size_t cap) {
  const char *w = cm_i18n_word(lang, "due.", what);
  if (lang == CM_LANG_EN)
    snprintf(out, cap, "Due date of the %s of %lld: %s", w, (long long)year, date);
  else /* "2027年度工作计划", not "2027年度年度工作计划" */
    snprintf(out, cap, "%lld%s%s的截止日期：%s", (long long)year,
             strncmp(w, "年度", strlen("年度")) == 0 ? "" : "年度", w, date);
}

void cm_setting_feedback_text(cm_lang lang, int64_t days, char *out, size_t cap) {
  if (lang == CM_LANG_EN)
    snprintf(out, cap, "Feedback not reported to the street %lld days after it came in is overdue",
             (long long)days);
  else
    snprintf(out, cap, "群众意见收到 %lld 天后还没报街道的算超期", (long long)days);
}

void cm_setting_limits_text(cm_lang lang, int64_t file_mb, int64_t org_year_mb, char *out,
                            size_t cap) {
  if (lang == CM_LANG_EN)
    snprintf(out, cap, "One attachment at most %lld MB; one organisation's attachments in a year "
             "at most %lld MB", (long long)file_mb, (long long)org_year_mb);
  else
    cm_att_caps_text(file_mb, org_year_mb, out, cap);
}

int cm_setting_text(cm_lang lang, const char *kind, const json_t *body, char *out, size_t cap) {
  const cm_rec_def *def = cm_rec_find(kind);
  cm_rec_body b;
  cm_err e;
  if (cap) out[0] = '\0';
  cm_err_clear(&e);
  if (!def || !body || cm_rec_read_json(def, body, &b, &e)) return 0;
  switch (b.kind) {
  case CM_REC_DUE:
    cm_setting_due_text(lang, b.u.due.what, b.u.due.year, b.u.due.date, out, cap);
    return 1;
  case CM_REC_FEEDBACK_DUE:
    cm_setting_feedback_text(lang, b.u.feedback_due.days, out, cap);
    return 1;
  case CM_REC_LIMITS:
    cm_setting_limits_text(lang, b.u.limits.file_mb, b.u.limits.org_year_mb, out, cap);
    return 1;
  default:
    return 0;
  }
}
