/* web_i18n.h - the words of the hub's web pages in Simplified Chinese (the
 * default) and English.  One table for every page (hub/web_i18n.c), so that the
 * same word reads the same everywhere; a page that needs a new word adds a row
 * there. */
#ifndef LINLI_HUB_WEB_I18N_H
#define LINLI_HUB_WEB_I18N_H

typedef enum hub_lang {
  HUB_LANG_ZH = 0, /* Simplified Chinese: the default */
  HUB_LANG_EN = 1,
} hub_lang;

/* The text of key in lang; the key itself when the table lacks it (so a
 * missing word shows up in the page instead of crashing it).  Never NULL. */
const char *hub_i18n(hub_lang lang, const char *key);

/* 1 when the table has key (the tests check every key the pages use). */
int hub_i18n_has(const char *key);

/* "zh" / "en" into *lang_out: 1; anything else: 0 and *lang_out unchanged. */
int hub_i18n_parse(const char *s, hub_lang *lang_out);

#endif
