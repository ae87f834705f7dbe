#!/usr/bin/env python3
"""gen_community.py - write a realistic year of one community's records in
Chinese through the real `linli-node` command line (so that every record is a
signed entry in the node's log, exactly as staff would have typed it).

  gen_community.py --node BIN --dir NODEDIR --community 建昌道社区 --index 0 \
                   [--months 12] [--late-month YYYY-MM] [--seed N]

What it writes, in the order a real year would have happened (each command runs
with LINLI_FAKE_NOW_MS set to the day it would have been typed, so author times
are realistic and the hub can judge reports on time or late):
  - 6 to 9 organisations filed 13 months ago, with realistic names and
    categories; one set up by a district unit whose name breaks the
    "XXX社区XXX工作站" norm (flagged), one with 3+ party members and no station;
  - a monthly report per organisation per month for the last `--months` whole
    months (a few missing, one organisation quiet for the last four months),
    imported month by month with `import reports`, mostly by the 3rd of the
    next month, some late; `--late-month` makes that month's reports arrive a
    month late (a community that was offline for a month);
  - one or two major activities in the next 30 days (declared now).

Prints one JSON line: what it wrote (organisations, reports, activities,
participants, party_participants, good_deeds, per month), for demo.sh --check.
"""
import argparse
import csv
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time

SHANGHAI = 8 * 3600 * 1000

# (name pattern, category, founded_by) - {c} is the community's short name.
ORGS = [
    ("{c}夕阳红志愿服务队", "志愿服务", "self"),
    ("{c}书画协会", "文体活动", "self"),
    ("{c}太极拳健身队", "文体活动", "self"),
    ("{c}邻里互助会", "邻里互助", "self"),
    ("{c}社区老年协会", "养老助老", "self"),
    ("{c}社区青少年课外辅导工作站", "教育辅导", "district-unit"),
    ("{c}环保志愿队", "环境保护", "self"),
    ("{c}社区法律援助工作站", "法律服务", "district-unit"),
    ("{c}平安巡逻队", "治安巡逻", "self"),
    ("{c}人民调解小组", "矛盾调解", "district-unit"),  # breaks the naming norm
]
LEADERS = ["张桂兰", "李秀英", "王建国", "刘淑珍", "陈志强", "杨玉梅", "赵德明", "黄丽华", "周文斌", "吴凤英"]
CONTENT = {
    "志愿服务": ["为独居老人送餐、打扫卫生", "社区环境清洁日", "爱心义剪进社区"],
    "文体活动": ["书画作品交流展", "广场舞排练与展演", "太极拳晨练教学"],
    "邻里互助": ["邻里互助修理家电", "楼道议事会", "帮助新住户熟悉社区"],
    "养老助老": ["老年人健康讲座", "重阳节慰问高龄老人", "智能手机使用培训"],
    "教育辅导": ["小学生课后作业辅导", "暑期读书会", "青少年安全教育"],
    "环境保护": ["垃圾分类宣传", "绿地认养与浇灌", "废旧电池回收"],
    "法律服务": ["法律咨询进社区", "防范电信诈骗宣传", "婚姻家庭法律讲座"],
    "治安巡逻": ["夜间治安巡逻", "消防安全检查", "节日期间安全巡查"],
    "矛盾调解": ["调解邻里纠纷", "物业矛盾协调会", "家庭矛盾调解"],
}
DEEDS = ["帮助邻居修理水管", "拾金不昧归还钱包", "雨天护送小学生回家", "照顾生病的独居老人",
         "义务为居民理发", "帮助残疾人出行", ""]
ACTIVITIES = [("重阳节敬老文艺汇演", "社区文化广场", 200), ("社区邻里节", "社区服务中心", 300),
              ("迎新春书画义写春联", "社区活动室", 120), ("消防安全演练", "小区中心广场", 150)]


def month_index(s):
    y, m = s.split("-")
    return int(y) * 12 + int(m) - 1


def month_str(i):
    return "%04d-%02d" % (i // 12, i % 12 + 1)


def ms_of(month_i, day, hour=10):
    """Unix ms of day `day` of month index month_i at hour, Asia/Shanghai."""
    import calendar
    y, m = month_i // 12, month_i % 12 + 1
    return (calendar.timegm((y, m, day, hour, 0, 0)) * 1000) - SHANGHAI


class Node:
    def __init__(self, binary, directory):
        self.bin, self.dir = binary, directory

    def run(self, args, at_ms=None):
        # at_ms writes a record as of that time; otherwise the node runs on the
        # clock the generator was given (a test's fixed clock, or the wall clock).
        env = dict(os.environ)
        if at_ms is not None:
            env["LINLI_FAKE_NOW_MS"] = str(int(at_ms))
        p = subprocess.run([self.bin, "--dir", self.dir] + args, env=env, capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit("gen_community: %s failed: %s" % (" ".join(args[:3]), p.stderr.strip()))
        return p.stdout.strip().splitlines()[-1] if p.stdout.strip() else ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--node", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--community", required=True)
    ap.add_argument("--index", type=int, default=0)
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--late-month", default="")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rnd = random.Random(a.seed * 1000 + a.index)
    node = Node(a.node, a.dir)
    short = a.community[:-2] if a.community.endswith(("社区", "社區")) else a.community
    # The nodes' clock: LINLI_FAKE_NOW_MS when a test fixes it, else the wall clock.
    now_ms = int(os.environ.get("LINLI_FAKE_NOW_MS") or time.time() * 1000)
    cur = month_index(time.strftime("%Y-%m", time.gmtime((now_ms + SHANGHAI) / 1000)))
    first = cur - a.months
    filed_at = first - 1

    picks = [0, 1, 3, 5] + rnd.sample([2, 4, 6, 7, 8, 9], rnd.randint(2, 5))
    if a.index % 3 == 0 and 9 not in picks:
        picks.append(9)
    orgs = []
    for n, k in enumerate(sorted(picks)):
        pattern, category, founded = ORGS[k]
        party = rnd.choice([0, 1, 2, 2, 3, 4]) if k != 4 else 5
        station = "yes" if party >= 3 and k != 4 else "no"
        members = rnd.randint(8, 60)
        filed_day = 3 + n
        oid = node.run(["org", "file", "--name", pattern.format(c=short), "--category", category,
                        "--leader", rnd.choice(LEADERS), "--phone", "139%08d" % rnd.randint(0, 99999999),
                        "--members", str(members), "--party-members", str(party),
                        "--party-station", station, "--founded-by", founded,
                        "--scope", "本社区居民", "--venue", "社区服务中心",
                        "--filed", "%s-%02d" % (month_str(filed_at), filed_day)],
                       at_ms=ms_of(filed_at, filed_day))
        orgs.append({"id": oid, "category": category, "quiet": False})
    # One organisation falls quiet for the last four months: the attention list flags it.
    orgs[-1]["quiet"] = True

    totals = {"organisations": len(orgs), "reports": 0, "activities": 0, "participants": 0,
              "party_participants": 0, "good_deeds": 0, "months": {}}
    late = month_index(a.late_month) if a.late_month else -1
    for m in range(first, cur):
        rows = []
        for o in orgs:
            # The last month is not complete everywhere yet: a few are missing.
            if rnd.random() < (0.25 if m == cur - 1 else 0.04):
                continue
            quiet = o["quiet"] and m >= cur - 4
            acts = 0 if quiet else rnd.randint(1, 6)
            parts = 0 if quiet else acts * rnd.randint(8, 40)
            party = 0 if quiet else rnd.randint(0, min(acts * 3, 12))
            deed = "" if quiet else rnd.choice(DEEDS)
            content = "本月无活动" if quiet else rnd.choice(CONTENT[o["category"]])
            rows.append([o["id"], month_str(m), acts, parts, party, content, "本社区居民", deed])
            totals["reports"] += 1
            totals["activities"] += acts
            totals["participants"] += parts
            totals["party_participants"] += party
            totals["good_deeds"] += 1 if deed else 0
            mt = totals["months"].setdefault(month_str(m), [0, 0, 0, 0])
            mt[0] += 1
            mt[1] += acts
            mt[2] += parts
            mt[3] += party
        if not rows:
            continue
        # Typed on the 1st to 4th of the next month, a few communities late;
        # the offline month arrives a month later still.
        day = rnd.choice([1, 2, 2, 3, 3, 4, 4, 9]) if m != late else 6
        when = ms_of(m + 2 if m == late else m + 1, day, 9 + rnd.randint(0, 8))
        if when >= now_ms:
            when = now_ms - 3600 * 1000
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["org", "month", "activities", "participants", "party_participants", "content", "scope", "good_deeds"])
        w.writerows(rows)
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8") as f:
            f.write(buf.getvalue())
            path = f.name
        try:
            node.run(["import", "reports", path], at_ms=when)
        finally:
            os.unlink(path)

    for k in range(1 + a.index % 2):
        title, place, expected = ACTIVITIES[(a.index + k) % len(ACTIVITIES)]
        day_ms = now_ms + (5 + 9 * k + a.index) * 86400 * 1000
        date = time.strftime("%Y-%m-%d", time.gmtime((day_ms + SHANGHAI) / 1000))
        node.run(["activity", "declare", "--org", orgs[k]["id"], "--date", date, "--title", title,
                  "--place", place, "--expected", str(expected), "--description", "居民自愿参加"])
    print(json.dumps(totals, ensure_ascii=False))


if __name__ == "__main__":
    main()
