/* i18n.h - the one glossary of both programs' pages: every word a page shows,
 * in Simplified Chinese (the default) and English, keyed by short ASCII names
 * ("nav.orgs", "status.accepted").  One table, so that one concept has one
 * word everywhere (docs/glossary.md); a missing entry shows up as its key, not
 * as a crash, and the tests check that every key a page uses is here.
 *
 * Also the helpers that turn machine words into people's words: enum labels,
 * the language half of a bilingual message "中文 / English", and the folding of
 * the Traditional characters the records layer's messages may carry. */
#ifndef LINLI_COMMON_I18N_H
#define LINLI_COMMON_I18N_H

#include <stddef.h>

/* Page languages. */
typedef enum cm_lang {
  CM_LANG_ZH = 0, /* Simplified Chinese: the default */
  CM_LANG_EN = 1,
} cm_lang;

/* The text of key in lang (static); the key itself when the table lacks it.
 * Never NULL ("" for NULL). */
const char *cm_i18n_t(cm_lang lang, const char *key);

/* 1 when the table has key. */
int cm_i18n_has(const char *key);

/* "zh" / "en" into *lang_out: 1; anything else: 0 and *lang_out unchanged. */
int cm_i18n_parse(const char *s, cm_lang *lang_out);

/* The label of word under prefix ("review.", "status.", "found.", "flag.",
 * "origin.", "esc.", "result.", "crit.", "field."), e.g. ("review.",
 * "rejected") -> "已退回"; an unknown word comes back as given. */
const char *cm_i18n_word(cm_lang lang, const char *prefix, const char *word);

/* Label of a decision or feed kind ("decision.criticize" -> "批评（限期整改）"),
 * matched by the stem it contains so that new sub-kinds still read sensibly;
 * unknown kinds come back as given. */
const char *cm_i18n_kind(cm_lang lang, const char *kind);

/* Label of an entry kind ("report.monthly" -> "月报"); unknown kinds come back
 * as given. */
const char *cm_i18n_entry_kind(cm_lang lang, const char *kind);

/* Call fn(arg, rest, text) for every word whose key starts with prefix
 * ("col."), with rest the key after the prefix and text its words in lang;
 * in table order.  For handing a set of words to a page's script. */
void cm_i18n_each(cm_lang lang, const char *prefix,
                  void (*fn)(void *arg, const char *rest, const char *text), void *arg);

/* Rewrite in place the Traditional characters of a fixed table (those of the
 * records layer's and the sync's messages, and common ones) into Simplified;
 * the byte length does not change.  Not a converter for what people type:
 * that is shown and stored as typed. */
void cm_i18n_simplify(char *s);

/* The part of a bilingual message "中文 / English" for lang, written into out
 * (cap bytes, cut on a character boundary); a message without " / " is copied
 * whole.  The Chinese part comes out Simplified (cm_i18n_simplify). */
void cm_i18n_msg_part(cm_lang lang, const char *msg, char *out, size_t cap);

#endif
