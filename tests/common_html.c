/* common_html.c - unit tests of the pages' HTML writer and glossary
 * (common/html.c, common/i18n.c): escaping as part of the format, URL
 * encoding, form fields that keep typed values, times as people read them,
 * language halves of bilingual messages, labels; the Traditional ->
 * Simplified table against every message the records layer, the sync and the
 * rules write; and every word people read in the programs' sources is plain
 * Simplified Chinese. */
#include <dirent.h>
#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/attach.h"
#include "common/html.h"
#include "common/i18n.h"

static void test_escape(void **state) {
  cm_html h;
  (void)state;
  cm_html_init(&h, 1 << 20, CM_LANG_ZH);
  cm_html_esc(&h, "<script>alert('x')</script> & \"q\" 夕阳红");
  assert_int_equal(h.rc, CM_OK);
  assert_string_equal(cm_html_str(&h),
                      "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot; 夕阳红");
  cm_html_free(&h);
}

static void test_escape_plain_and_null(void **state) {
  cm_html h;
  (void)state;
  cm_html_init(&h, 1 << 20, CM_LANG_ZH);
  cm_html_esc(&h, NULL);
  cm_html_esc(&h, "");
  cm_html_esc(&h, "abc");
  assert_string_equal(cm_html_str(&h), "abc");
  cm_html_free(&h);
}

/* A page may be printed to a terminal (a dossier on standard output): no
 * control character but tab and newline ever leaves the writer, escaped or
 * raw; each becomes U+FFFD. */
static void test_no_control_characters(void **state) {
  cm_html h;
  (void)state;
  cm_html_init(&h, 1 << 20, CM_LANG_ZH);
  cm_html_esc(&h, "海河\x1b]0;pwned\x07\x1b[2J社区\t\r\n\x7f\xc2\x9b\r");
  cm_html_printf(&h, "|%h|%r|", "a\x01" "b", "c\x1b" "d");
  cm_html_raw(&h, "\x08");
  assert_int_equal(h.rc, CM_OK);
  assert_string_equal(cm_html_str(&h),
                      "海河\xEF\xBF\xBD]0;pwned\xEF\xBF\xBD\xEF\xBF\xBD[2J社区\t\r\n"
                      "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD|a\xEF\xBF\xBD" "b|c\xEF\xBF\xBD" "d|\xEF\xBF\xBD");
  cm_html_free(&h);
}

/* %h escapes, %r is the explicit raw, %U encodes, %w translates; %s is refused. */
static void test_printf_directives(void **state) {
  cm_html h;
  (void)state;
  cm_html_init(&h, 1 << 20, CM_LANG_ZH);
  cm_html_printf(&h, "<td class=\"%r\">%h</td><a href=\"/o/%U\">%w</a> %d%% %lld %zu %u",
                 "n", "<b>&", "a b/社", "nav.orgs", -3, 1234567890123LL, (size_t)7, 9u);
  assert_int_equal(h.rc, CM_OK);
  assert_string_equal(cm_html_str(&h), "<td class=\"n\">&lt;b&gt;&amp;</td>"
                                       "<a href=\"/o/a%20b%2F%E7%A4%BE\">组织名录</a> -3% "
                                       "1234567890123 7 9");
  /* A precision cuts on a character boundary: 4 bytes hold one 3-byte character. */
  cm_html_reset(&h);
  cm_html_printf(&h, "[%.4h][%.2r]", "社区<", "abc");
  assert_string_equal(cm_html_str(&h), "[社][ab]");
  cm_html_reset(&h);
  cm_html_printf(&h, "x%sy", "<i>");
  assert_int_equal(h.rc, CM_ERR_INVALID);
  cm_html_printf(&h, "more");
  assert_int_equal(h.rc, CM_ERR_INVALID);
  cm_html_free(&h);
}

static void test_url(void **state) {
  cm_html h;
  (void)state;
  cm_html_init(&h, 1 << 20, CM_LANG_ZH);
  cm_html_url(&h, "120105001001-0001 a&b=c/社");
  assert_string_equal(cm_html_str(&h), "120105001001-0001%20a%26b%3Dc%2F%E7%A4%BE");
  cm_html_free(&h);
}

static void test_times(void **state) {
  cm_html h;
  char t[32];
  (void)state;
  cm_html_init(&h, 1 << 20, CM_LANG_ZH);
  cm_html_iso(&h, "2026-12-03T23:40:01+08:00");
  cm_html_raw(&h, "|");
  cm_html_iso(&h, "2026-12-03");
  cm_html_raw(&h, "|");
  cm_html_time(&h, 0);
  assert_string_equal(cm_html_str(&h), "<span class=\"nw\">2026-12-03 23:40</span>|"
                                       "<span class=\"nw\">2026-12-03</span>|-");
  cm_html_iso_text("2026-11", t, sizeof t);
  assert_string_equal(t, "2026-11");
  cm_html_free(&h);
}

static void test_input_keeps_value_escaped(void **state) {
  cm_html h;
  (void)state;
  cm_html_init(&h, 1 << 20, CM_LANG_ZH);
  cm_html_input(&h, "text", "name", "org.name", "\"><b>x", 1, NULL, NULL);
  assert_int_equal(h.rc, CM_OK);
  assert_non_null(strstr(cm_html_str(&h), "value=\"&quot;&gt;&lt;b&gt;x\" required"));
  assert_non_null(strstr(cm_html_str(&h), "组织名称"));
  assert_null(strstr(cm_html_str(&h), "<b>"));
  cm_html_free(&h);
}

static void test_textarea_and_select(void **state) {
  cm_html h;
  (void)state;
  cm_html_init(&h, 1 << 20, CM_LANG_EN);
  cm_html_textarea(&h, "content", "rep.content", "</textarea><i>", 1, 2000, NULL);
  cm_html_select_begin(&h, "founded_by", "org.founded_by", 0);
  cm_html_option(&h, "self", "self-organised", 0);
  cm_html_option(&h, "street", "<street>", 1);
  cm_html_select_end(&h, NULL);
  assert_non_null(strstr(cm_html_str(&h), "maxlength=\"2000\" required>&lt;/textarea&gt;&lt;i&gt;</textarea>"));
  assert_non_null(strstr(cm_html_str(&h), "<option value=\"street\" selected>&lt;street&gt;</option>"));
  assert_non_null(strstr(cm_html_str(&h), ">Content</label>"));
  cm_html_free(&h);
}

static void test_error_box(void **state) {
  cm_html h;
  (void)state;
  cm_html_init(&h, 1 << 20, CM_LANG_ZH);
  cm_html_error_box(&h, NULL, "err.too_large", "內容過長 / too long <x>", "err.next", "/orgs/new");
  assert_int_equal(h.rc, CM_OK);
  assert_non_null(strstr(cm_html_str(&h), "内容太长，未保存"));
  assert_non_null(strstr(cm_html_str(&h), "<small>内容过长</small>"));
  assert_non_null(strstr(cm_html_str(&h), "请修改后重新提交。"));
  assert_non_null(strstr(cm_html_str(&h), "<a href=\"/orgs/new\">返回</a>"));
  assert_null(strstr(cm_html_str(&h), "too long"));
  cm_html_free(&h);
}

static void test_words(void **state) {
  (void)state;
  assert_string_equal(cm_i18n_t(CM_LANG_ZH, "print.title"), "社区公益性民间组织活动情况月报表");
  assert_string_equal(cm_i18n_t(CM_LANG_EN, "nav.orgs"), "Organisations");
  assert_string_equal(cm_i18n_t(CM_LANG_ZH, "no.such.key"), "no.such.key");
  assert_true(cm_i18n_has("org.file_title"));
  assert_false(cm_i18n_has("no.such.key"));
  assert_string_equal(cm_i18n_word(CM_LANG_ZH, "flag.", "name_norm"), "名称不符合规范");
  assert_string_equal(cm_i18n_word(CM_LANG_EN, "flag.", "party_station"), "no party-member station");
  assert_string_equal(cm_i18n_word(CM_LANG_EN, "flag.", "new_flag"), "new_flag");
  assert_string_equal(cm_i18n_word(CM_LANG_ZH, "status.", "revoked"), "已撤销备案");
  assert_string_equal(cm_i18n_word(CM_LANG_ZH, "found.", "district-unit"), "区属单位设立");
  assert_string_equal(cm_i18n_kind(CM_LANG_ZH, "decision.criticize"), "批评（限期整改）");
  assert_string_equal(cm_i18n_kind(CM_LANG_EN, "decision.commend"), "commendation");
  assert_string_equal(cm_i18n_kind(CM_LANG_EN, "decision.revoke"), "revocation");
  assert_string_equal(cm_i18n_kind(CM_LANG_EN, "x.unknown"), "x.unknown");
}

/* Every key of the glossary is defined once: a second definition would be
 * silently shadowed by the first (the lookup takes the first match), so a
 * word changed in one place would not change on the pages. */
struct keys {
  const char *k[4096];
  size_t n;
};

static void collect_key(void *arg, const char *rest, const char *text) {
  struct keys *ks = arg;
  (void)text;
  assert_true(ks->n < sizeof ks->k / sizeof ks->k[0]);
  ks->k[ks->n++] = rest;
}

static int cmp_key(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void test_words_defined_once(void **state) {
  (void)state;
  static struct keys ks;
  ks.n = 0;
  cm_i18n_each(CM_LANG_ZH, "", collect_key, &ks);
  assert_true(ks.n > 100);
  qsort(ks.k, ks.n, sizeof ks.k[0], cmp_key);
  for (size_t i = 1; i < ks.n; i++) {
    if (!strcmp(ks.k[i - 1], ks.k[i])) fail_msg("common/i18n.c defines \"%s\" twice", ks.k[i]);
  }
}

static void test_msg_part(void **state) {
  char out[64];
  (void)state;
  cm_i18n_msg_part(CM_LANG_ZH, "黨員人數不能多於成員人數 / party members cannot exceed members",
                    out, sizeof out);
  assert_string_equal(out, "党员人数不能多于成员人数");
  cm_i18n_msg_part(CM_LANG_EN, "黨員人數不能多於成員人數 / party members cannot exceed members",
                    out, sizeof out);
  assert_string_equal(out, "party members cannot exceed members");
  cm_i18n_msg_part(CM_LANG_EN, "plain message", out, sizeof out);
  assert_string_equal(out, "plain message");
  /* Cut on a character boundary: 4 bytes of room hold one 3-byte character. */
  cm_i18n_msg_part(CM_LANG_ZH, "社区名称", out, 5);
  assert_string_equal(out, "社");
}

static void test_words_review(void **state) {
  (void)state;
  assert_string_equal(cm_i18n_word(CM_LANG_ZH, "review.", "pending"), "待审核");
  assert_string_equal(cm_i18n_word(CM_LANG_ZH, "review.", "accepted"), "已通过");
  assert_string_equal(cm_i18n_word(CM_LANG_ZH, "review.", "rejected"), "已退回");
  assert_string_equal(cm_i18n_word(CM_LANG_EN, "review.", "rejected"), "rejected");
  assert_string_equal(cm_i18n_word(CM_LANG_ZH, "origin.", "street"), "街道");
  assert_string_equal(cm_i18n_word(CM_LANG_ZH, "origin.", "district"), "区协会");
  assert_string_equal(cm_i18n_word(CM_LANG_ZH, "crit.", "overdue"), "已逾期");
  assert_string_equal(cm_i18n_word(CM_LANG_ZH, "esc.", "returned"), "已退回");
  assert_string_equal(cm_i18n_word(CM_LANG_EN, "esc.", "new_state"), "new_state");
  assert_string_equal(cm_i18n_kind(CM_LANG_ZH, "review.batch"), "审核结果");
  assert_string_equal(cm_i18n_kind(CM_LANG_ZH, "activity.ack"), "确认收到");
  assert_string_equal(cm_i18n_kind(CM_LANG_ZH, "rectification.accepted"), "整改报告已通过");
  /* what the district sets for every level reaches the node's inbox in words
   * (feedback.due is no acknowledgement, though "feedback" holds "ack") */
  assert_string_equal(cm_i18n_kind(CM_LANG_ZH, "due.set"), "区协会设定截止日期");
  assert_string_equal(cm_i18n_kind(CM_LANG_ZH, "limits.set"), "区协会设定附件上限");
  assert_string_equal(cm_i18n_kind(CM_LANG_ZH, "feedback.due"), "群众意见办理期限");
}

static void test_simplify(void **state) {
  char s[128];
  (void)state;
  snprintf(s, sizeof s, "組織已被撤銷備案「%s」，不能填報月報", "夕陽紅鬱");
  cm_i18n_simplify(s);
  /* Characters in the table change, others (鬱) stay as they are. */
  assert_string_equal(s, "组织已被撤销备案“夕阳红鬱”，不能填报月报");
  snprintf(s, sizeof s, "abc 區協會 \xE4"); /* a cut character at the end is left alone */
  cm_i18n_simplify(s);
  assert_string_equal(s, "abc 区协会 \xE4");
  cm_i18n_simplify(NULL);
}

/* Checks the Chinese text of every string literal on line: the part before
 * " / " of a bilingual message, or a whole literal with Chinese in it (field
 * names and words that messages quote).  Simplified, each must be plain
 * GB2312.  Returns the number of literals that are not; *n counts those seen. */
static size_t check_line(iconv_t cd, const char *file, const char *line, size_t *n) {
  const char *q = strchr(line, '"'), *end, *c;
  size_t bad = 0;
  while (q) {
    char zh[2048], gb[4096], *in, *o;
    size_t len, in_left, out_left;
    int wide = 0;
    end = q + 1;
    while (*end && *end != '"') end += (*end == '\\' && end[1]) ? 2 : 1;
    if (!*end) break;
    len = (size_t)(end - q - 1);
    if (len < sizeof zh) {
      memcpy(zh, q + 1, len);
      zh[len] = '\0';
      if ((c = strstr(zh, " / ")) != NULL) zh[c - zh] = '\0';
      for (c = zh; *c; c++) wide |= (unsigned char)*c >= 0x80;
    }
    if (wide) {
      cm_i18n_simplify(zh);
      in = zh;
      o = gb;
      in_left = strlen(zh);
      out_left = sizeof gb;
      (*n)++;
      iconv(cd, NULL, NULL, NULL, NULL);
      if (iconv(cd, &in, &in_left, &o, &out_left) == (size_t)-1) {
        fprintf(stderr, "not Simplified after the table: %s: %s\n", file, zh);
        bad++;
      }
    }
    q = strchr(end + 1, '"');
  }
  return bad;
}

/* Every Chinese literal of the records layer, the sync and the rules (the
 * messages and the words they quote), once simplified, is plain GB2312: a
 * Traditional-only character missing from the table shows up here. */
static void test_simplify_covers_messages(void **state) {
  static const char *const dirs[] = {LINLI_SOURCE_DIR "/node", LINLI_SOURCE_DIR "/common",
                                     LINLI_SOURCE_DIR "/hub"};
  size_t d, n_lits = 0, n_bad = 0;
  iconv_t cd = iconv_open("GB2312", "UTF-8");
  (void)state;
  assert_true(cd != (iconv_t)-1);
  for (d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
    DIR *dir = opendir(dirs[d]);
    struct dirent *de;
    assert_non_null(dir);
    while ((de = readdir(dir)) != NULL) {
      char path[2048], line[4096];
      size_t len = strlen(de->d_name);
      FILE *f;
      if (len < 3 || strcmp(de->d_name + len - 2, ".c") != 0) continue;
      /* The pages and the glossary: test_people_words_simplified checks them. */
      if (strncmp(de->d_name, "web", 3) == 0 || strcmp(de->d_name, "i18n.c") == 0) continue;
      snprintf(path, sizeof path, "%s/%s", dirs[d], de->d_name);
      f = fopen(path, "r");
      assert_non_null(f);
      while (fgets(line, sizeof line, f)) n_bad += check_line(cd, de->d_name, line, &n_lits);
      fclose(f);
    }
    closedir(dir);
  }
  iconv_close(cd);
  assert_true(n_lits > 100);
  assert_int_equal(n_bad, 0);
}

static void test_sticky_error(void **state) {
  cm_html h;
  (void)state;
  cm_html_init(&h, 8, CM_LANG_ZH);
  cm_html_raw(&h, "12345678");
  assert_int_equal(h.rc, CM_OK);
  cm_html_esc(&h, "9");
  assert_int_equal(h.rc, CM_ERR_TOO_LARGE);
  cm_html_raw(&h, "x");
  assert_int_equal(h.out.len, 8);
  cm_html_free(&h);
}

/* The ideographs of s that are not plain GB2312 (Traditional-only, for what
 * we write), printed with where they are. */
static size_t not_simplified(iconv_t cd, const char *where, unsigned line, const char *s) {
  size_t bad = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p;) {
    if ((p[0] & 0xF0) == 0xE0 && p[1] && p[2]) {
      unsigned cp = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
      if (cp >= 0x4E00 && cp <= 0x9FFF) {
        char in[4] = {(char)p[0], (char)p[1], (char)p[2], 0}, gb[8];
        char *ip = in, *op = gb;
        size_t il = 3, ol = sizeof gb;
        iconv(cd, NULL, NULL, NULL, NULL);
        if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
          fprintf(stderr, "Traditional or rare character %.3s at %s:%u\n", (const char *)p, where,
                  line);
          bad++;
        }
      }
      p += 3;
    } else {
      p++;
    }
  }
  return bad;
}

/* Everything people read that the programs and the docs write themselves -
 * the glossary, pages, --help, command-line and CSV messages, README and the
 * glossary document - is Simplified as written, not only after folding.  The
 * folding table of common/i18n.c is the one exception (it holds Traditional
 * on purpose). */
static void test_people_words_simplified(void **state) {
  static const char *const files[] = {
      "common/i18n.c", "common/html.c",    "node/main.c",   "node/csvimport.c", "node/web.c",
      "node/web_pages.c", "hub/main.c",    "hub/opcli.h",   "hub/web.c",        "hub/web_admin.c",
      "hub/web_decide.c", "hub/web_review.c", "hub/web_dashboard.c", "README.md",
      "docs/glossary.md"};
  iconv_t cd = iconv_open("GB2312", "UTF-8");
  size_t bad = 0, lines = 0;
  (void)state;
  assert_true(cd != (iconv_t)-1);
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    char path[2048], line[8192];
    unsigned n = 0;
    int in_table = 0;
    snprintf(path, sizeof path, "%s/%s", LINLI_SOURCE_DIR, files[i]);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    while (fgets(line, sizeof line, f)) {
      n++;
      if (strstr(line, "static const char k_t2s[]")) in_table = 1;
      if (!in_table) {
        bad += not_simplified(cd, files[i], n, line);
        lines++;
      }
      if (in_table && strchr(line, ';')) in_table = 0;
    }
    fclose(f);
  }
  iconv_close(cd);
  assert_true(lines > 1000);
  assert_int_equal(bad, 0);
}

/* The dashboard's script reads col.* and dash.* as one set of words
 * (data-words): a key in both would give one of them the other's word (the
 * roster's "current" once read 当前月报, a word of the monthly reports). */
static void collect(void *arg, const char *rest, const char *text) {
  char (*keys)[96] = arg;
  (void)text;
  for (size_t i = 0; i < 1024; i++)
    if (!keys[i][0]) {
      snprintf(keys[i], sizeof keys[i], "%s", rest);
      return;
    }
  fail_msg("more than 1024 dash.* words");
}

static void test_dash_words_distinct(void **state) {
  static char keys[1024][96];
  (void)state;
  memset(keys, 0, sizeof keys);
  cm_i18n_each(CM_LANG_ZH, "dash.", collect, keys);
  assert_true(keys[10][0] != '\0');
  for (size_t i = 0; i < 1024 && keys[i][0]; i++) {
    const char *w = cm_i18n_word(CM_LANG_ZH, "col.", keys[i]);
    if (w != keys[i]) fail_msg("col.%s and dash.%s both exist", keys[i], keys[i]);
  }
  /* the roster's own word for a member still on it */
  assert_string_equal(cm_i18n_word(CM_LANG_ZH, "col.", "roster.current"), "在册");
}

/* One size formatter for every page: the hub's file page, the node's list and
 * the printed dossier show the same words for the same file. */
static void test_att_size_text(void **state) {
  (void)state;
  char s[32];
  cm_att_size_text(0, s, sizeof s);
  assert_string_equal(s, "0 字节");
  cm_att_size_text(125, s, sizeof s);
  assert_string_equal(s, "125 字节");
  cm_att_size_text(1024, s, sizeof s);
  assert_string_equal(s, "1 KB");
  cm_att_size_text(1025, s, sizeof s);
  assert_string_equal(s, "2 KB");
  cm_att_size_text(1024u * 1024u - 1u, s, sizeof s);
  assert_string_equal(s, "1024 KB");
  cm_att_size_text(1024u * 1024u, s, sizeof s);
  assert_string_equal(s, "1.0 MB");
  cm_att_size_text(2516582, s, sizeof s);
  assert_string_equal(s, "2.4 MB");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_escape),          cmocka_unit_test(test_escape_plain_and_null),
      cmocka_unit_test(test_no_control_characters),
      cmocka_unit_test(test_printf_directives), cmocka_unit_test(test_times),
      cmocka_unit_test(test_error_box),
      cmocka_unit_test(test_url),             cmocka_unit_test(test_input_keeps_value_escaped),
      cmocka_unit_test(test_textarea_and_select), cmocka_unit_test(test_words),
      cmocka_unit_test(test_words_defined_once),
      cmocka_unit_test(test_msg_part),        cmocka_unit_test(test_sticky_error),
      cmocka_unit_test(test_words_review),    cmocka_unit_test(test_people_words_simplified),
      cmocka_unit_test(test_simplify),        cmocka_unit_test(test_simplify_covers_messages),
      cmocka_unit_test(test_dash_words_distinct),
      cmocka_unit_test(test_att_size_text),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
