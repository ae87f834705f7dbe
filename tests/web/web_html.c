/* web_html.c - unit tests of the staff page's HTML writer and words
 * (node/web_html.c, node/web_i18n.c): escaping, URL encoding, form fields that
 * keep typed values, language halves of bilingual messages, and labels; the
 * Traditional -> Simplified table against every message the records layer,
 * the sync and the rules write. */
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

#include "node/web_app.h"
#include "node/web_assets.h"
#include "node/web_i18n.h"

static node_web_app g_app;

static void rq_init(node_web_rq *rq, node_web_lang lang) {
  memset(rq, 0, sizeof *rq);
  rq->app = &g_app;
  rq->lang = lang;
  cm_buf_init(&rq->out, 1 << 20);
}

static const char *rq_text(node_web_rq *rq) { return rq->out.p ? (const char *)rq->out.p : ""; }

static void test_escape(void **state) {
  node_web_rq rq;
  (void)state;
  rq_init(&rq, NODE_WEB_ZH);
  node_web_esc(&rq, "<script>alert('x')</script> & \"q\" 夕阳红");
  assert_int_equal(rq.out_rc, CM_OK);
  assert_string_equal(rq_text(&rq),
                      "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot; 夕阳红");
  cm_buf_free(&rq.out);
}

static void test_escape_plain_and_null(void **state) {
  node_web_rq rq;
  (void)state;
  rq_init(&rq, NODE_WEB_ZH);
  node_web_esc(&rq, NULL);
  node_web_esc(&rq, "");
  node_web_esc(&rq, "abc");
  assert_string_equal(rq_text(&rq), "abc");
  cm_buf_free(&rq.out);
}

static void test_url(void **state) {
  node_web_rq rq;
  (void)state;
  rq_init(&rq, NODE_WEB_ZH);
  node_web_url(&rq, "120105001001-0001 a&b=c/社");
  assert_string_equal(rq_text(&rq), "120105001001-0001%20a%26b%3Dc%2F%E7%A4%BE");
  cm_buf_free(&rq.out);
}

static void test_input_keeps_value_escaped(void **state) {
  node_web_rq rq;
  (void)state;
  strcpy(g_app.csrf, "00ff");
  rq_init(&rq, NODE_WEB_ZH);
  node_web_form_begin(&rq, "/orgs", NULL);
  node_web_input(&rq, "text", "name", "org.name", "\"><b>x", 1, NULL, NULL);
  node_web_form_end(&rq, "form.submit");
  assert_int_equal(rq.out_rc, CM_OK);
  assert_non_null(strstr(rq_text(&rq), "name=\"csrf\" value=\"00ff\""));
  assert_non_null(strstr(rq_text(&rq), "value=\"&quot;&gt;&lt;b&gt;x\" required"));
  assert_non_null(strstr(rq_text(&rq), "组织名称"));
  assert_null(strstr(rq_text(&rq), "<b>"));
  cm_buf_free(&rq.out);
}

static void test_textarea_and_select(void **state) {
  node_web_rq rq;
  (void)state;
  rq_init(&rq, NODE_WEB_EN);
  node_web_textarea(&rq, "content", "rep.content", "</textarea><i>", 1, NULL);
  node_web_select_begin(&rq, "founded_by", "org.founded_by", 0);
  node_web_option(&rq, "self", "self-organised", 0);
  node_web_option(&rq, "street", "<street>", 1);
  node_web_select_end(&rq, NULL);
  assert_non_null(strstr(rq_text(&rq), "&lt;/textarea&gt;&lt;i&gt;</textarea>"));
  assert_non_null(strstr(rq_text(&rq), "<option value=\"street\" selected>&lt;street&gt;</option>"));
  assert_non_null(strstr(rq_text(&rq), ">Content</label>"));
  cm_buf_free(&rq.out);
}

static void test_words(void **state) {
  (void)state;
  assert_string_equal(node_web_t(NODE_WEB_ZH, "print.title"), "社区公益性民间组织活动情况月报表");
  assert_string_equal(node_web_t(NODE_WEB_EN, "nav.orgs"), "Organisations");
  assert_string_equal(node_web_t(NODE_WEB_ZH, "no.such.key"), "no.such.key");
  assert_true(node_web_has("org.file_title"));
  assert_false(node_web_has("no.such.key"));
  assert_string_equal(node_web_flag_label(NODE_WEB_ZH, "name_norm"), "名称不符合规范");
  assert_string_equal(node_web_flag_label(NODE_WEB_EN, "party_station"), "no party-member station");
  assert_string_equal(node_web_flag_label(NODE_WEB_EN, "new_flag"), "new_flag");
  assert_string_equal(node_web_status_label(NODE_WEB_ZH, "revoked"), "已撤销备案");
  assert_string_equal(node_web_founded_label(NODE_WEB_ZH, "district-unit"), "区属单位设立");
  assert_string_equal(node_web_kind_label(NODE_WEB_ZH, "decision.criticize"), "批评（限期整改）");
  assert_string_equal(node_web_kind_label(NODE_WEB_EN, "decision.commend"), "commendation");
  assert_string_equal(node_web_kind_label(NODE_WEB_EN, "decision.revoke"), "revocation");
  assert_string_equal(node_web_kind_label(NODE_WEB_EN, "x.unknown"), "x.unknown");
}

static void test_msg_part(void **state) {
  char out[64];
  (void)state;
  node_web_msg_part(NODE_WEB_ZH, "黨員人數不能多於成員人數 / party members cannot exceed members",
                    out, sizeof out);
  assert_string_equal(out, "党员人数不能多于成员人数");
  node_web_msg_part(NODE_WEB_EN, "黨員人數不能多於成員人數 / party members cannot exceed members",
                    out, sizeof out);
  assert_string_equal(out, "party members cannot exceed members");
  node_web_msg_part(NODE_WEB_EN, "plain message", out, sizeof out);
  assert_string_equal(out, "plain message");
  /* Cut on a character boundary: 4 bytes of room hold one 3-byte character. */
  node_web_msg_part(NODE_WEB_ZH, "社区名称", out, 5);
  assert_string_equal(out, "社");
}

static void test_words_review(void **state) {
  (void)state;
  assert_string_equal(node_web_word(NODE_WEB_ZH, "review.", "pending"), "待审核");
  assert_string_equal(node_web_word(NODE_WEB_ZH, "review.", "accepted"), "已通过");
  assert_string_equal(node_web_word(NODE_WEB_ZH, "review.", "rejected"), "已退回");
  assert_string_equal(node_web_word(NODE_WEB_EN, "review.", "rejected"), "rejected");
  assert_string_equal(node_web_word(NODE_WEB_ZH, "origin.", "street"), "街道");
  assert_string_equal(node_web_word(NODE_WEB_ZH, "origin.", "district"), "区协会");
  assert_string_equal(node_web_word(NODE_WEB_ZH, "crit.", "overdue"), "已逾期");
  assert_string_equal(node_web_word(NODE_WEB_ZH, "esc.", "returned"), "已退回");
  assert_string_equal(node_web_word(NODE_WEB_EN, "esc.", "new_state"), "new_state");
  assert_string_equal(node_web_kind_label(NODE_WEB_ZH, "review.batch"), "审核结果");
  assert_string_equal(node_web_kind_label(NODE_WEB_ZH, "activity.ack"), "确认收到");
  assert_string_equal(node_web_kind_label(NODE_WEB_ZH, "rectification.accepted"), "整改报告已通过");
}

static void test_simplify(void **state) {
  char s[128];
  (void)state;
  snprintf(s, sizeof s, "組織已被撤銷備案「%s」，不能填報月報", "夕陽紅鬱");
  node_web_simplify(s);
  /* Characters in the table change, others (鬱) stay as they are. */
  assert_string_equal(s, "组织已被撤销备案“夕阳红鬱”，不能填报月报");
  snprintf(s, sizeof s, "abc 區協會 \xE4"); /* a cut character at the end is left alone */
  node_web_simplify(s);
  assert_string_equal(s, "abc 区协会 \xE4");
  node_web_simplify(NULL);
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
      node_web_simplify(zh);
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
  static const char *const dirs[] = {LINLI_SOURCE_DIR "/node", LINLI_SOURCE_DIR "/common"};
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
      if (strncmp(de->d_name, "web", 3) == 0) continue; /* the page's own words */
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
  node_web_rq rq;
  (void)state;
  memset(&rq, 0, sizeof rq);
  rq.app = &g_app;
  cm_buf_init(&rq.out, 8);
  node_web_raw(&rq, "12345678");
  assert_int_equal(rq.out_rc, CM_OK);
  node_web_esc(&rq, "9");
  assert_int_equal(rq.out_rc, CM_ERR_TOO_LARGE);
  node_web_raw(&rq, "x");
  assert_int_equal(rq.out.len, 8);
  cm_buf_free(&rq.out);
}

static void test_assets_embedded(void **state) {
  size_t i;
  int css = 0, js = 0;
  (void)state;
  assert_true(node_web_n_assets >= 2);
  for (i = 0; i < node_web_n_assets; i++) {
    assert_true(node_web_assets[i].len > 0);
    assert_int_equal(node_web_assets[i].data[node_web_assets[i].len], 0);
    if (strcmp(node_web_assets[i].name, "style.css") == 0) {
      css = 1;
      assert_non_null(strstr((const char *)node_web_assets[i].data, "@media print"));
    }
    if (strcmp(node_web_assets[i].name, "app.js") == 0) js = 1;
  }
  assert_true(css);
  assert_true(js);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_escape),          cmocka_unit_test(test_escape_plain_and_null),
      cmocka_unit_test(test_url),             cmocka_unit_test(test_input_keeps_value_escaped),
      cmocka_unit_test(test_textarea_and_select), cmocka_unit_test(test_words),
      cmocka_unit_test(test_msg_part),        cmocka_unit_test(test_sticky_error),
      cmocka_unit_test(test_assets_embedded), cmocka_unit_test(test_words_review),
      cmocka_unit_test(test_simplify),        cmocka_unit_test(test_simplify_covers_messages),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
