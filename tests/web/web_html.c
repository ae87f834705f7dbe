/* web_html.c - unit tests of the staff page's HTML writer and words
 * (node/web_html.c, node/web_i18n.c): escaping, URL encoding, form fields that
 * keep typed values, language halves of bilingual messages, and labels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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
  assert_string_equal(out, "黨員人數不能多於成員人數");
  node_web_msg_part(NODE_WEB_EN, "黨員人數不能多於成員人數 / party members cannot exceed members",
                    out, sizeof out);
  assert_string_equal(out, "party members cannot exceed members");
  node_web_msg_part(NODE_WEB_EN, "plain message", out, sizeof out);
  assert_string_equal(out, "plain message");
  /* Cut on a character boundary: 4 bytes of room hold one 3-byte character. */
  node_web_msg_part(NODE_WEB_ZH, "社区名称", out, 5);
  assert_string_equal(out, "社");
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
      cmocka_unit_test(test_assets_embedded),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
