/* web_i18n.h - the staff page's words in Simplified Chinese (the default) and
 * English.  One table keyed by short ASCII names, so that a page's code reads
 * like the page and a missing translation shows up as its key, not as a crash. */
#ifndef LINLI_NODE_WEB_I18N_H
#define LINLI_NODE_WEB_I18N_H

/* Page languages. */
typedef enum node_web_lang { NODE_WEB_ZH = 0, NODE_WEB_EN = 1 } node_web_lang;

/* The text for key in lang (static).  An unknown key returns the key itself. */
const char *node_web_t(node_web_lang lang, const char *key);

/* 1 when key has an entry in the table (tests check every key a page uses). */
int node_web_has(const char *key);

/* Label of an organisation flag ("name_norm" -> "名称不符合规范"); unknown flags
 * come back as given. */
const char *node_web_flag_label(node_web_lang lang, const char *flag);

/* Label of an organisation status ("active", "dissolved", "revoked"). */
const char *node_web_status_label(node_web_lang lang, const char *status);

/* Label of a decision kind from the hub ("decision.commend" -> "表彰"), matched by
 * the word it contains so that new sub-kinds still read sensibly; unknown kinds
 * come back as given. */
const char *node_web_kind_label(node_web_lang lang, const char *kind);

/* Label of a founding type ("self", "district-unit", "street"). */
const char *node_web_founded_label(node_web_lang lang, const char *founded_by);

/* The label of word under prefix ("review.", "origin.", "esc.", "result.",
 * "crit."), e.g. ("review.", "rejected") -> "已退回"; unknown words come back as
 * given. */
const char *node_web_word(node_web_lang lang, const char *prefix, const char *word);

/* Rewrite in place the Traditional characters that occur in the records
 * layer's messages ("黨員人數不能多於成員人數") into Simplified ("党员人数不能
 * 多于成员人数"); the byte length does not change.  Other text is left alone. */
void node_web_simplify(char *s);

/* The part of a bilingual message "中文 / English" for lang (written into out,
 * cap bytes); a message without " / " is copied whole.  The Chinese part is
 * given in Simplified (node_web_simplify). */
void node_web_msg_part(node_web_lang lang, const char *msg, char *out, unsigned cap);

#endif
