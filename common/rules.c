/* rules.c - naming norms and the party-station rule (common/rules.h). */
#include "rules.h"

#include <string.h>

/* Traditional -> Simplified pairs for the characters that appear in
 * organisation names and the norms (each 3 bytes of UTF-8). */
static const char *const fold_pairs[][2] = {
    {"區", "区"}, {"會", "会"}, {"黨", "党"}, {"員", "员"}, {"動", "动"}, {"務", "务"},
    {"協", "协"}, {"體", "体"}, {"組", "组"}, {"織", "织"}, {"團", "团"}, {"愛", "爱"},
    {"樂", "乐"}, {"藝", "艺"}, {"鄰", "邻"}, {"裡", "里"}, {"衛", "卫"}, {"環", "环"},
    {"聯", "联"}, {"誌", "志"}, {"願", "愿"}, {"義", "义"}, {"為", "为"}, {"書", "书"},
    {"華", "华"}, {"門", "门"}, {"東", "东"}, {"長", "长"}, {"發", "发"}, {"術", "术"},
    {"紅", "红"}, {"興", "兴"}, {"關", "关"}, {"陽", "阳"}, {"學", "学"}, {"醫", "医"},
    {"療", "疗"}, {"護", "护"}, {"養", "养"}, {"兒", "儿"}, {"婦", "妇"}, {"園", "园"},
    {"圖", "图"}, {"館", "馆"}, {"廣", "广"}, {"場", "场"}, {"劇", "剧"}, {"隊", "队"},
    {"讀", "读"}, {"詩", "诗"}, {"畫", "画"}, {"詠", "咏"}, {"類", "类"}, {"運", "运"},
    {"氣", "气"}, {"說", "说"}, {"話", "话"}, {"調", "调"}, {"綜", "综"}, {"勞", "劳"},
    {"導", "导"}, {"師", "师"}, {"統", "统"}, {"與", "与"}, {"點", "点"}, {"對", "对"},
    {"來", "来"}, {"們", "们"}, {"個", "个"}, {"處", "处"}, {"應", "应"}, {"經", "经"},
    {"濟", "济"}, {"設", "设"}, {"龍", "龙"}, {"車", "车"}, {"號", "号"}, {"電", "电"},
    {"腦", "脑"}, {"歡", "欢"}, {"戲", "戏"}, {"鄉", "乡"}, {"親", "亲"},
};

void cm_rules_fold(const char *in, char *out, size_t cap) {
  size_t o = 0;
  if (cap == 0) return;
  while (*in) {
    const char *rep = NULL;
    size_t in_len = 1;
    unsigned char c = (unsigned char)*in;
    if (c >= 0xE0 && c < 0xF0 && in[1] && in[2]) {
      in_len = 3;
      for (size_t i = 0; i < sizeof fold_pairs / sizeof fold_pairs[0]; i++)
        if (memcmp(in, fold_pairs[i][0], 3) == 0) {
          rep = fold_pairs[i][1];
          break;
        }
    } else if (c >= 0xC0 && c < 0xE0 && in[1]) {
      in_len = 2;
    } else if (c >= 0xF0 && in[1] && in[2] && in[3]) {
      in_len = 4;
    }
    const char *src = rep ? rep : in;
    size_t n = rep ? strlen(rep) : in_len;
    if (o + n >= cap) break;
    memcpy(out + o, src, n);
    o += n;
    in += in_len;
  }
  out[o] = 0;
}

/* 1 when folded name f is <something><mid><something><tail>. */
static int shaped(char *f, const char *mid, const char *tail) {
  size_t len = strlen(f), tl = strlen(tail), ml = strlen(mid);
  if (len <= tl || strcmp(f + len - tl, tail) != 0) return 0;
  f[len - tl] = 0;
  for (const char *p = strstr(f, mid); p; p = strstr(p + 1, mid))
    if (p > f && p[ml] != 0) return 1;
  return 0;
}

int cm_rules_name_ok(const char *name, const char *founded_by, cm_rules_level level) {
  char f[1024];
  if (!name) return 0;
  if (!founded_by || strcmp(founded_by, "self") == 0) return 1;
  cm_rules_fold(name, f, sizeof f);
  if (level == CM_RULES_STREET)
    return strcmp(founded_by, "district-unit") != 0 || shaped(f, "街", "分会");
  return shaped(f, "社区", "工作站");
}

int cm_rules_station_ok(int64_t party_members, int party_station) {
  return party_members < 3 || party_station;
}

json_t *cm_rules_flags(const char *name, const char *founded_by, cm_rules_level level,
                       int64_t party_members, int party_station) {
  json_t *a = json_array();
  if (!a) return NULL;
  if (!cm_rules_name_ok(name, founded_by, level))
    json_array_append_new(a, json_string("name_norm"));
  if (!cm_rules_station_ok(party_members, party_station))
    json_array_append_new(a, json_string("party_station"));
  return a;
}

int cm_rules_deadline_ok(const char *deadline, const char *today) {
  return deadline && today && strcmp(deadline, today) > 0;
}

int cm_rules_commend_ok(const char *org_status) {
  return !org_status || (strcmp(org_status, "rejected") != 0 && strcmp(org_status, "revoked") != 0);
}
