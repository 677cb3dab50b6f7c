"""Full-text search and similar-need suggestions at city scale, against a pk fetch.

Generates 100,000 community texts (needs, proposals, replies: places, facilities, problems,
wishes, in varied Chinese phrasing, from a fixed seed) over the 20 communities of a bench
city, with 10,000 open needs in the first community, and indexes them with
gongzhi.core.search.bulk_index. Then times, in turns with `SearchEntry.objects.get(pk=…)`:

- search(): 20 varied queries as a community worker (one community) and across the whole
  subdistrict (20 communities); target p95 <= 50 ms;
- similar(): 20 drafts of new needs in the first community (10,000 open needs); target
  p95 <= 100 ms; and how often its first suggestion is about the same facility, and how
  often a draft about something nobody has raised gets no suggestion at all.

    .venv/bin/python bench/bench_search_text.py
    .venv/bin/python bench/bench_search_text.py --docs 20000 --iterations 50
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gz_search_bench \\
        .venv/bin/python bench/bench_search_text.py

SQLite: bench/results/search-<communities>x<docs>-seed<seed>.sqlite3, kept between runs.
PostgreSQL: DATABASE_URL, a throwaway database. A city already there is reused, whatever
its size; otherwise a small one is made (residents do not matter here).
"""

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import RESULTS, SETTINGS, time_interleaved

SEARCH_TARGET = 0.050
SIMILAR_TARGET = 0.100
KINDS = ("bench_need", "bench_proposal", "bench_reply")
OPEN_KINDS = ["bench_need", "bench_proposal"]
OPEN_NEEDS = 10_000  # open needs and proposals in the first community

QUERIES = [
    "路灯",
    "东门 路灯",
    "路灯不亮",
    "电梯故障",
    "电梯 困人",
    "健身器材",
    "垃圾分类",
    "停车位",
    "漏水",
    "噪音 扰民",
    "充电桩",
    "飞线充电",
    "3号楼",
    "老人 助餐",
    "加装电梯",
    "下水道 堵塞",
    "快递柜",
    "物业",
    "小区",
    "消防通道 堆物",
]


def _words(text: str) -> list[str]:
    return text.split()


PLACES = _words(
    "东门 西门 南门 北门 地下车库 小区广场 活动中心 幼儿园门口 菜市场旁边 垃圾站 篮球场 "
    "小花园 主干道 一楼大厅 后门 停车场 凉亭 老年活动室 围墙边 单元门口"
)
COMPOUNDS = _words(
    "幸福小区 和平小区 建设小区 东方花园 阳光新城 锦绣家园 翠湖苑 金桥小区 育才小区 人民新村 "
    "滨江花园 银河小区 丽景苑 长江小区 汉江新村 园丁小区 文化小区 光明小区 春晓苑 华庭小区"
)
# facility: (ways of naming it, problems it has)
FACILITIES = {
    "路灯": (["路灯", "照明灯", "路边的灯"], ["坏了", "不亮", "一闪一闪的", "晚上不亮"]),
    "楼道灯": (["楼道灯", "声控灯", "楼梯灯"], ["不亮", "坏了好久", "时亮时不亮"]),
    "电梯": (["电梯", "电梯"], ["经常故障", "又坏了", "困人", "运行有异响", "停运好几天"]),
    "健身器材": (["健身器材", "健身设施", "运动器械"], ["生锈了", "损坏", "太少", "松动"]),
    "垃圾": (["垃圾桶", "垃圾分类点", "垃圾站"], ["太少", "满了没人清", "味道很大", "分类不规范"]),
    "充电": (["充电桩", "电动车充电点", "充电车棚"], ["不够用", "经常坏", "收费太贵"]),
    "下水道": (["下水道", "排水管", "化粪池"], ["堵塞", "反味", "冒水", "满溢"]),
    "漏水": (["屋顶", "外墙", "楼顶防水层"], ["漏水", "渗水", "墙皮脱落", "开裂"]),
    "停车": (["停车位", "车位", "地下车位"], ["不够", "被占用", "乱停乱放", "收费不合理"]),
    "监控": (["监控", "摄像头", "监控探头"], ["坏了", "没有覆盖", "画面不清楚"]),
    "门禁": (["门禁", "门禁卡", "单元门"], ["失灵", "坏了", "关不上"]),
    "井盖": (["井盖", "窨井盖"], ["松动", "缺失", "破损"]),
    "绿化": (["绿化带", "树枝", "草坪"], ["杂草太多", "太长挡住窗户", "没人修剪", "被踩坏"]),
    "快递": (["快递柜", "快递点"], ["太少", "总是满的", "位置太远"]),
    "供水": (["水压", "自来水", "二次供水"], ["太低", "经常停水", "水质发黄"]),
    "噪音": (["广场舞", "装修", "夜市"], ["噪音太大", "太吵", "扰民"]),
    "消防": (["消防通道", "楼道", "安全出口"], ["堆满杂物", "被占", "堵塞"]),
    "宠物": (["宠物粪便", "流浪狗", "遛狗不牵绳"], ["随处可见", "吓到小孩", "没人管"]),
}
WISHES = {
    "助餐": ["建议开设老年助餐点", "希望办个社区老人食堂", "希望给老人提供助餐服务"],
    "加装电梯": ["希望老楼加装电梯", "建议给多层住宅加装电梯", "申请加装电梯"],
    "座椅": ["建议在小区里多放些休息座椅", "希望增加休息长椅"],
    "无障碍": ["希望修建无障碍坡道", "建议安装楼梯扶手", "希望做适老化改造"],
    "活动": ["希望多组织文艺活动", "建议办个周末读书会", "希望组织亲子活动"],
    "托管": ["希望开办四点半课堂", "建议办暑期托管班"],
}
TIMES = _words("最近 这几天 已经一个多月了 上周开始 每天晚上 入冬以来 这段时间 一直以来")
EFFECTS = [
    "老人出门不方便",
    "孩子上学不安全",
    "晚上走路看不清",
    "影响居民休息",
    "存在安全隐患",
    "大家意见很大",
    "住户反映了好多次",
    "给生活带来很多不便",
]
ASKS = [
    "希望尽快维修",
    "请物业尽快处理",
    "希望社区协调解决",
    "麻烦网格员来看一下",
    "盼早日解决",
    "希望有关部门重视",
]
# Drafts about something nobody has raised: similar() should suggest nothing for them.
UNRELATED = [
    "下周六组织居民义务献血，欢迎报名",
    "捡到一把黑色雨伞，失主请到物业领取",
    "谁家的猫咪走丢了，橘色的，很胖",
    "推荐一家好吃的包子铺，就在学校对面",
    "请问社区医院周末上班吗，想打疫苗",
    "出售九成新婴儿推车一辆，价格面议",
    "寻找一起打乒乓球的球友，每周三晚上",
    "感谢志愿者帮忙搬家，特此表扬",
    "想学太极拳，有没有人一起",
    "孩子的数学作业不会做，求助",
]


def place(rng: random.Random) -> str:
    if rng.random() < 0.35:
        return f"{rng.randint(1, 30)}号楼" + (
            f"{rng.randint(1, 6)}单元" if rng.random() < 0.4 else ""
        )
    return rng.choice(PLACES)


def need_text(rng: random.Random) -> tuple[str, str, str]:
    """Return (topic, title, text) of a problem someone reports."""
    topic = rng.choice(list(FACILITIES))
    names, problems = FACILITIES[topic]
    where, name, problem = place(rng), rng.choice(names), rng.choice(problems)
    title = rng.choice([f"{where}{name}{problem}", f"{name}{problem}", f"关于{where}{name}的问题"])
    sentences = [
        f"{rng.choice(TIMES)}，{rng.choice(COMPOUNDS)}{where}的{name}{problem}",
        rng.choice(EFFECTS),
    ]
    if rng.random() < 0.5:
        sentences.append(rng.choice(EFFECTS))
    sentences.append(rng.choice(ASKS))
    return topic, title, "，".join(sentences) + "。"


def wish_text(rng: random.Random) -> tuple[str, str, str]:
    """Return (topic, title, text) of a proposal."""
    topic = rng.choice(list(WISHES))
    wish = rng.choice(WISHES[topic])
    text = f"{rng.choice(COMPOUNDS)}{rng.choice(EFFECTS)}，{wish}，{rng.choice(ASKS)}。"
    return topic, wish, text


def reply_text(rng: random.Random) -> tuple[str, str, str]:
    topic, title, _ = need_text(rng)
    names, _ = FACILITIES[topic]
    text = f"已联系物业，{place(rng)}的{rng.choice(names)}将在{rng.randint(2, 7)}个工作日内处理。"
    return topic, title, text


def documents(community_ids: list[int], total: int, seed: int):
    """Yield the rows to index: OPEN_NEEDS open ones in the first community, then the rest."""
    rng = random.Random(seed)
    first, others = community_ids[0], community_ids[1:] or community_ids
    for object_id in range(1, total + 1):
        if object_id <= min(OPEN_NEEDS, total):
            community_id, roll = first, rng.random() * 0.9  # needs and proposals only
        else:
            community_id, roll = rng.choice(others), rng.random()
        if roll < 0.8:
            kind, (_, title, text) = "bench_need", need_text(rng)
        elif roll < 0.9:
            kind, (_, title, text) = "bench_proposal", wish_text(rng)
        else:
            kind, (_, title, text) = "bench_reply", reply_text(rng)
        first_batch = object_id <= OPEN_NEEDS
        yield {
            "kind": kind,
            "object_id": object_id,
            "community_id": community_id,
            "title": title,
            "text": text,
            "visible": first_batch or rng.random() < 0.95,
            "is_open": first_batch or (kind != "bench_reply" and rng.random() < 0.5),
        }


def setup_django(args) -> str:
    """Point Django at this bench's database, migrate it, describe it."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("DATABASE_URL"):
        name = f"search-{args.communities}x{args.docs}-seed{args.seed}.sqlite3"
        os.environ["SQLITE_PATH"] = str(RESULTS / name)
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    # Only the search tables and what they need: other apps' migrations play no part here.
    call_command("migrate", "search", verbosity=0, interactive=False)
    return f"Database: {connection.vendor} {connection.settings_dict['NAME']}"


def community_ids(args) -> list[int]:
    """Return the ids of the bench city's communities, making a small city if there is none."""
    from bench.generate import CITY_CODE, ensure_city
    from gongzhi.registry.models import Community, Subdistrict

    city = Subdistrict.objects.filter(code=CITY_CODE).first()
    if city is None:
        # Residents play no part here: a small city is enough, and quick to make.
        city = ensure_city(args.communities, max(1000, 50 * args.communities), args.seed)
    ids = list(
        Community.objects.filter(subdistrict=city).order_by("code").values_list("id", flat=True)
    )
    return ids[: args.communities]


def ensure_documents(args, ids: list[int]) -> None:
    """Index the generated texts unless this database already holds exactly them."""
    from django.db import connection

    from gongzhi.core.search import bulk_index, remove_document
    from gongzhi.search.models import SearchEntry

    bench = SearchEntry.objects.filter(kind__in=KINDS)
    first = bench.filter(object_id=1).values_list("community_id", flat=True).first()
    if bench.count() == args.docs and first == ids[0]:
        print(f"Reusing {args.docs:,} indexed texts")
        return
    for kind, object_id in bench.filter(object_id__gt=args.docs).values_list("kind", "object_id"):
        remove_document(kind=kind, object_id=object_id)
    print(f"Indexing {args.docs:,} texts over {len(ids)} communities…", flush=True)
    start = time.perf_counter()
    done = bulk_index(documents(ids, args.docs, args.seed), batch_size=2000)
    elapsed = time.perf_counter() - start
    print(f"Indexed {done:,} in {elapsed:.1f} s ({done / elapsed:,.0f} texts/s)")
    if connection.vendor == "postgresql":
        # What autovacuum does soon after a load: statistics for the planner.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE search_searchentry")
            cursor.execute("VACUUM ANALYZE search_searchterm")


def drafts(seed: int, n: int) -> list[tuple[str, str]]:
    """Return (topic, text) of new needs a resident might type."""
    rng = random.Random(seed + 1)
    out = []
    for _ in range(n):
        topic, title, text = need_text(rng) if rng.random() < 0.8 else wish_text(rng)
        out.append((topic, f"{title} {text}"))
    return out


def topic_of(title: str, text: str) -> str:
    """Return the facility or wish a generated text is about (the first name found in it)."""
    for topic, wishes in WISHES.items():
        if title in wishes:
            return topic
    for topic, (names, _) in FACILITIES.items():
        if any(name in title or name in text for name in names):
            return topic
    return ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communities", type=int, default=20, help="communities in the city")
    parser.add_argument("--seed", type=int, default=7, help="seed of the text generator")
    parser.add_argument("--docs", type=int, default=100_000, help="texts to index")
    parser.add_argument("--iterations", type=int, default=200, help="timed calls per query")
    # run_all.py passes every option to every bench: ignore the ones meant for others.
    args, _ = parser.parse_known_args()
    print(setup_django(args))

    from gongzhi.core.search import search, similar
    from gongzhi.search.models import SearchEntry

    ids = community_ids(args)
    ensure_documents(args, ids)
    first = ids[0]
    in_first = SearchEntry.objects.filter(community_id=first, kind__in=OPEN_KINDS)
    open_first = in_first.filter(is_open=True, visible=True).count()
    print(
        f"{SearchEntry.objects.count():,} indexed; {open_first:,} open needs in community {first}"
    )

    entry_ids = list(
        SearchEntry.objects.filter(community_id=first).values_list("id", flat=True)[:5000]
    )
    rng = random.Random(args.seed)
    baseline_label = "SearchEntry.objects.get(pk=…)"

    def baseline(_: int) -> None:
        SearchEntry.objects.get(pk=rng.choice(entry_ids))

    def searching(communities) -> Callable[[int], object]:
        return lambda i: search(QUERIES[i % len(QUERIES)], community_ids=communities, kinds=KINDS)

    draft_texts = drafts(args.seed, 20)

    def suggesting(i: int) -> None:
        similar(draft_texts[i % len(draft_texts)][1], community_id=first, kinds=OPEN_KINDS)

    calls = {
        baseline_label: baseline,
        "search, one community": searching([first]),
        "search, 20 communities": searching(ids),
        "similar, 10,000 open needs": suggesting,
    }
    base, one, every, suggest = time_interleaved(calls, n=args.iterations)

    print(f"\nTimed {args.iterations} calls each, in turns, cycling through the queries")
    print(base.line())
    for timing in (one, every, suggest):
        print(timing.line(base))

    print("\nPer query, one community (p95 of 20 calls; hits; relaxed):")
    for query in QUERIES:
        samples = []
        for _ in range(20):
            start = time.perf_counter()
            page = search(query, community_ids=[first], kinds=KINDS)
            samples.append(time.perf_counter() - start)
        samples.sort()
        relaxed = " relaxed" if page.relaxed else ""
        more = "+" if page.more else " "
        print(f"  {query:<12} {samples[18] * 1000:7.2f} ms  {page.count:>6,}{more} hits{relaxed}")

    # Quality of the suggestions on the same data.
    same_topic = offered = 0
    for topic, text in draft_texts:
        hits = similar(text, community_id=first, kinds=OPEN_KINDS)
        if hits:
            offered += 1
            top = SearchEntry.objects.get(kind=hits[0].kind, object_id=hits[0].object_id)
            same_topic += topic_of(top.title, top.body) == topic
    quiet = sum(not similar(text, community_id=first, kinds=OPEN_KINDS) for text in UNRELATED)
    print(
        f"\nsimilar(): {offered}/{len(draft_texts)} drafts got suggestions,"
        f" the first about the same thing for {same_topic}/{offered};"
        f" {quiet}/{len(UNRELATED)} unrelated drafts got none"
    )

    search_p95 = max(one.p95, every.p95)
    for label, p95, target in (
        ("search p95", search_p95, SEARCH_TARGET),
        ("similar p95", suggest.p95, SIMILAR_TARGET),
    ):
        verdict = "PASS" if p95 <= target else "UNDER TARGET"
        print(f"{label}: {p95 * 1000:.2f} ms (target <= {target * 1000:.0f} ms): {verdict}")


if __name__ == "__main__":
    main()
