"""Build labelled_posts.jsonl: hand-written community posts and generated spam of each kind.

    .venv/bin/python gongzhi/moderation/tests/data/make_labelled_posts.py

Ham comes from ham_posts.txt (written by hand). Spam is generated the way content farms and
spammers make it: keywords stuffed into template sentences, a keyword phrase spliced into
otherwise ordinary sentences, lists of teaser lines with links and contact ids, one text
posted again and again, bursts of posts from one account. The holdout part is generated from
pools of keywords, sentences, headlines and domains that the tune part never uses, and one
third of the hand-written posts are held out; screening was tuned on the tune part only.

Each line: {"id", "split" ("tune"|"holdout"), "label" ("ham"|"spam"), "kind", "post"
("need"|"proposal"|"notice"|"comment"), "author", "author_role" ("resident"|"worker"),
"t" (minutes since the start of the stream), "text"}. Order is the order of posting.
"""

import json
import random
import string
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20240405

# --- Pools: tune and holdout never share an entry -----------------------------------------

KEYWORDS = {
    "tune": [
        "潜江开锁公司",
        "潜江搬家公司",
        "武汉白癜风医院",
        "潜江疏通下水道",
        "潜江家电维修",
        "潜江装修公司",
        "天门空调清洗",
        "潜江驾校报名",
        "武汉正规代孕",
        "潜江二手房急售",
        "潜江网站优化",
        "武汉无痛人流",
    ],
    "holdout": [
        "荆州管道疏通",
        "仙桃换锁芯",
        "武汉男科医院",
        "潜江防水补漏",
        "甲醛检测治理",
        "武汉考研培训",
        "荆门保洁公司",
        "潜江婚纱摄影",
    ],
}
SUFFIXES = {
    "tune": ["电话", "哪家好", "价格", "多少钱", "排名", "推荐", "上门服务"],
    "holdout": ["官网", "收费标准", "联系方式", "哪里好", "24小时", "口碑"],
}
BRANDS = {
    "tune": ["鑫诚", "顺达", "金牌", "恒信"],
    "holdout": ["安居", "华康", "诚信达"],
}
STUFF_SENTENCES = {
    "tune": [
        "{kw}哪家好？选择{kw}就选{brand}。",
        "{brand}{kw}，专业{kw}十余年，{kw}价格实惠。",
        "{kw}{suf}是多少？很多人都在搜{kw}{suf}。",
        "本公司提供{kw}服务，{kw}团队经验丰富，{kw}随叫随到。",
        "想找{kw}的朋友，{kw}认准{brand}，{kw}{suf}透明。",
        "{kw}，{kw}{suf}，{kw}哪里便宜？",
        "关于{kw}，小编为大家整理了{kw}的相关知识。",
    ],
    "holdout": [
        "{kw}{suf}查询，{kw}就找{brand}！",
        "为什么大家都选{brand}{kw}？因为{kw}品质有保障。",
        "{kw}行业中，{brand}的{kw}{suf}一直领先。",
        "今天给大家说说{kw}，{kw}{suf}怎么选，{kw}要注意什么。",
        "{kw}|{kw}{suf}|{brand}{kw}",
    ],
}
FILLERS = {
    "tune": [
        "春天到了，万物复苏，很多人喜欢在周末出去踏青。",
        "早上起来喝一杯温水，对身体有很大的好处。",
        "现在的年轻人工作压力大，经常熬夜加班。",
        "随着生活水平的提高，人们越来越重视居住环境。",
        "夏天天气炎热，要注意防暑降温，多喝水少吃冷饮。",
        "很多家庭在装修的时候都会遇到各种各样的问题。",
        "孩子的教育问题一直是家长们最关心的话题。",
        "老人上了年纪，身体机能下降，更需要子女的关心。",
        "周末和家人一起去超市购物，是一件很幸福的事情。",
        "最近天气变化比较大，早晚温差大，注意及时添加衣物。",
        "我们的生活离不开水和电，节约用水用电人人有责。",
        "城市的发展日新月异，高楼大厦拔地而起。",
        "运动是保持健康最好的方式，每天坚持走一万步。",
        "饮食要清淡，少油少盐，多吃蔬菜水果。",
        "家里的卫生间容易潮湿，时间长了会发霉。",
        "很多人都有过钥匙丢了进不了门的经历。",
        "搬家是一件很累的事情，东西多的时候更是如此。",
        "家里的电器用久了难免会出现一些小毛病。",
        "冬天的时候，家里的水管容易冻裂。",
        "买房是人生中的一件大事，需要慎重考虑。",
        "好的睡眠质量对人体健康非常重要。",
        "阅读可以开阔眼界，增长知识。",
        "养成良好的生活习惯，受益终身。",
        "中秋节是中国人的传统节日，家家户户团团圆圆。",
        "现在网购非常方便，足不出户就能买到需要的东西。",
        "皮肤问题困扰着很多人，尤其是夏天。",
        "学车已经成为很多年轻人的必修课。",
        "天气晴朗的日子，适合晾晒被褥。",
    ],
    "holdout": [
        "秋高气爽，正是出游的好时节，不少市民选择自驾游。",
        "下雨天路滑，开车的朋友要减速慢行。",
        "现代人久坐不动，颈椎腰椎问题越来越普遍。",
        "厨房是家里油烟最重的地方，要经常清洁。",
        "新房装修完不要急着入住，最好通风几个月。",
        "考试季到了，很多学生都在紧张地复习。",
        "婚礼是两个人一生中最重要的时刻之一。",
        "每年的梅雨季节，很多老房子都会出现渗水的情况。",
        "下水道堵塞是很多家庭都会遇到的烦恼。",
        "保持室内空气流通，可以减少疾病的传播。",
        "男人到了中年，身体的各项指标都需要注意。",
        "家政服务行业近年来发展很快。",
        "很多人喜欢在早上锻炼身体，比如跑步、打太极。",
        "过年回家，一家人围坐在一起吃年夜饭。",
        "手机已经成为我们生活中不可缺少的工具。",
        "小区里的绿化越来越好，空气也越来越清新。",
        "煮饭的时候加几滴油，米饭会更香。",
        "夏季用电高峰，要注意用电安全。",
    ],
}
HEADLINES = {
    "tune": [
        "【震惊】这三种食物千万不要一起吃",
        "月入过万的副业，在家就能做",
        "刷单兼职日结三百，宝妈学生都可以",
        "免费领取价值998元的护肤套装",
        "医保卡里的钱可以取出来了，速看",
        "2024最新养老金调整，点击查看",
        "一招教你三天瘦十斤",
        "限时特价，全场一折起",
        "扫码进群，每天领红包",
        "老中医祖传秘方，专治风湿骨痛",
        "内部消息：这只股票下周必涨",
        "无抵押贷款，当天放款",
    ],
    "holdout": [
        "惊呆了！原来手机还有这个隐藏功能",
        "足不出户，手机打字一天赚两百",
        "0元领取品牌电饭煲，仅限今天",
        "独家揭秘：银行不会告诉你的秘密",
        "高血压的克星找到了，赶紧转给家人",
        "特价机票低至一折，抢完即止",
        "重磅！这类人可以领补贴啦",
        "私人借款，不看征信，秒到账",
    ],
}
DOMAINS = {
    "tune": ["t.cn", "dwz.cn", "xx-hao.com", "shouyi88.top", "fl666.xyz"],
    "holdout": ["url.cn", "qian-duo.vip", "bit.ly", "lingqu.site"],
}
CTAS = {
    "tune": ["点击链接", "加微信", "免费领取", "详情私聊", "扫码进群", "名额有限"],
    "holdout": ["戳这里", "加V咨询", "速来领取", "手慢无", "私信我"],
}
REPEAT_TEXTS = {
    "tune": [
        "自家散养的土鸡和土鸡蛋，纯粮食喂养，需要的邻居可以找我，送货上门，6栋的王姐。",
        "紧急扩散！明天全市停水三天，大家赶紧储水！请转发给更多的人！",
        "寻人：我家孩子今天下午在公园走失，穿红色上衣，请看到的人速联系，拜托大家转发！",
        "本人承接各种家电维修、水电安装，价格公道，随叫随到，有需要的朋友请留言。",
    ],
    "holdout": [
        "出售自家做的手工腊肉香肠，干净卫生，过年送礼自吃都好，需要的在群里说一声。",
        "通知：社区明天发放免费大米，每户一袋，带身份证到广场领取，先到先得。",
        "求助！我家老人走丢了，穿灰色外套，说话有潜江口音，见到的好心人请联系我们。",
    ],
}
FLOOD_TEXTS = [
    "顶",
    "沙发",
    "路过",
    "支持一下",
    "看看",
    "哈哈",
    "来了",
    "好",
    "不错",
    "赞",
    "已阅",
    "mark",
]


def random_id(rng: random.Random, n: int = 7) -> str:
    return rng.choice(string.ascii_lowercase) + "".join(
        rng.choice(string.ascii_lowercase + string.digits) for _ in range(n - 1)
    )


def random_phone(rng: random.Random) -> str:
    return rng.choice(["13", "15", "17", "18", "19"]) + "".join(
        rng.choice(string.digits) for _ in range(9)
    )


def stuffed(rng: random.Random, pool: str) -> str:
    """A keyword-stuffed page: template sentences dense with one keyword and its variants."""
    kw = rng.choice(KEYWORDS[pool])
    parts = []
    # Some pages are dense, others dilute the keyword with ordinary sentences.
    filler_rate = rng.choice([0.2, 0.5, 1.0])
    for _ in range(rng.randint(2, 8)):
        template = rng.choice(STUFF_SENTENCES[pool])
        parts.append(
            template.format(kw=kw, suf=rng.choice(SUFFIXES[pool]), brand=rng.choice(BRANDS[pool]))
        )
        if rng.random() < filler_rate:
            parts.append(rng.choice(FILLERS[pool]))
    if rng.random() < 0.4:
        parts.append(f"咨询热线：{random_phone(rng)}")
    return "".join(parts)


def spliced(rng: random.Random, pool: str) -> str:
    """Ordinary sentences with one keyword phrase spliced in a few times."""
    kw = rng.choice(KEYWORDS[pool])
    if rng.random() < 0.5:
        kw = kw + rng.choice(SUFFIXES[pool])
    sentences = rng.sample(FILLERS[pool], rng.randint(5, 10))
    inserts = rng.randint(3, min(6, len(sentences)))
    for index in rng.sample(range(len(sentences)), inserts):
        sentence = sentences[index]
        where = rng.random()
        if where < 0.3:
            sentences[index] = kw + "，" + sentence
        elif where < 0.6:
            sentences[index] = sentence[:-1] + "，" + kw + sentence[-1]
        else:
            cut = rng.randint(2, max(2, len(sentence) - 3))
            sentences[index] = sentence[:cut] + kw + sentence[cut:]
    return "".join(sentences)


def teaser(rng: random.Random, pool: str) -> str:
    """A list of unrelated teaser lines with links, contact ids and calls to act."""
    style = rng.random()
    titles = rng.sample(HEADLINES[pool], rng.randint(3, 6))
    domain = rng.choice(DOMAINS[pool])
    if style < 0.15:
        # A one-line ad, as left under other people's posts.
        contact = rng.choice([f"微信{random_id(rng)}", f"V：{random_id(rng)}", random_phone(rng)])
        return f"{titles[0]}，{rng.choice(CTAS[pool])}，{contact}"
    if style < 0.45:
        lines = [f"{t} >> http://{domain}/{random_id(rng, 6)}" for t in titles]
        return "\n".join(lines)
    if style < 0.75:
        lines = [f"{i}. {t}" for i, t in enumerate(titles, 1)]
        lines.append(f"{rng.choice(CTAS[pool])}：微信 {random_id(rng)}")
        lines.append(f"{rng.choice(CTAS[pool])} {domain}/{random_id(rng, 5)}")
        return "\n".join(lines)
    # One paragraph of run-together ads.
    bits = []
    for title in titles[:3]:
        contact = rng.choice(
            [f"V：{random_id(rng)}", f"QQ {rng.randint(10**7, 10**10)}", random_phone(rng)]
        )
        bits.append(f"{title}，{rng.choice(CTAS[pool])}，{contact}")
    return "！".join(bits) + "！"


def read_ham() -> list[dict]:
    posts = []
    block: list[str] = []
    header = ""
    for line in (HERE / "ham_posts.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        if line.strip() == "---":
            posts.append(_ham(header, block))
            header, block = "", []
        elif line.startswith("@"):
            header = line[1:]
        else:
            block.append(line)
    if block:
        posts.append(_ham(header, block))
    return posts


def _ham(header: str, lines: list[str]) -> dict:
    kind, post = header.split()
    return {"kind": kind, "post": post, "text": "\n".join(lines).strip()}


def build() -> list[dict]:
    rng = random.Random(SEED)
    rows: list[dict] = []
    ham = read_ham()
    for index, item in enumerate(ham):
        split = "holdout" if index % 3 == 2 else "tune"
        rows.append({**item, "label": "ham", "split": split, "author": f"r{rng.randint(1, 160)}"})
    counts = {"tune": 2, "holdout": 1}
    for pool, factor in counts.items():
        for _ in range(20 * factor):
            rows.append(_spam("stuffed", stuffed(rng, pool), pool, rng))
        for _ in range(22 * factor):
            rows.append(_spam("spliced", spliced(rng, pool), pool, rng))
        for _ in range(22 * factor):
            rows.append(_spam("teaser", teaser(rng, pool), pool, rng))
    rng.shuffle(rows)
    # Spread single posts over about a week, 10 to 40 minutes apart.
    t = 0
    for row in rows:
        t += rng.randint(10, 40)
        row["t"] = t
        row.setdefault("author_role", "resident")
    rows.extend(_sequences(rng, t))
    rows.sort(key=lambda r: r["t"])
    for number, row in enumerate(rows, 1):
        row["id"] = f"p{number:04d}"
    return rows


def _spam(kind: str, text: str, pool: str, rng: random.Random) -> dict:
    post = "comment" if kind == "teaser" and rng.random() < 0.5 else "need"
    return {
        "kind": kind,
        "post": post,
        "text": text,
        "label": "spam",
        "split": pool,
        "author": f"s{rng.randint(1, 60)}",
    }


def _vary(rng: random.Random, text: str) -> str:
    """A lightly edited copy, as spammers make to slip past exact matching."""
    choice = rng.random()
    if choice < 0.3:
        return text
    if choice < 0.55:
        return text.replace("，", ",", rng.randint(1, 2))
    if choice < 0.8:
        return text + rng.choice(["!!", "～", "。", "[玫瑰]", "谢谢"])
    return rng.choice(["【转】", "扩散：", ""]) + text


def _sequences(rng: random.Random, horizon: int) -> list[dict]:
    """Repeated texts and floods, each sequence wholly in one split."""
    rows = []
    author_no = 0
    for pool in ("tune", "holdout"):
        for text in REPEAT_TEXTS[pool]:
            author_no += 1
            start = rng.randint(60, horizon - 3000)
            many_accounts = rng.random() < 0.4
            for copy in range(rng.randint(4, 6)):
                start += rng.randint(20, 600)
                author = f"q{author_no}-{copy}" if many_accounts else f"q{author_no}"
                rows.append(
                    {
                        "kind": "repeat" if copy else "repeat_first",
                        "post": "need",
                        "text": _vary(rng, text) if copy else text,
                        "label": "spam" if copy else "ham",
                        "split": pool,
                        "author": author,
                        "author_role": "resident",
                        "t": start,
                    }
                )
    for pool, bursts in (("tune", 2), ("holdout", 1)):
        for _ in range(bursts):
            author_no += 1
            start = rng.randint(60, horizon - 60)
            texts = rng.sample(FLOOD_TEXTS, 10)
            for number, text in enumerate(texts):
                rows.append(
                    {
                        "kind": "flood" if number >= 5 else "flood_early",
                        "post": "comment",
                        "text": text,
                        "label": "spam" if number >= 5 else "ham",
                        "split": pool,
                        "author": f"f{author_no}",
                        "author_role": "resident",
                        "t": start + number,
                    }
                )
    # A worker entering paper forms for residents (代办): a burst that is not a flood.
    for pool, start in (("tune", horizon // 3), ("holdout", 2 * horizon // 3)):
        for number, text in enumerate(_worker_forms(pool)):
            rows.append(
                {
                    "kind": "proxy_burst",
                    "post": "need",
                    "text": text,
                    "label": "ham",
                    "split": pool,
                    "author": f"w-{pool}",
                    "author_role": "worker",
                    "t": start + number,
                }
            )
    return rows


def _worker_forms(pool: str) -> list[str]:
    if pool == "tune":
        return [
            "代王奶奶反映：8栋2单元楼道灯不亮，老人晚上出门不便。",
            "代李大爷反映：希望社区食堂能送餐上门，本人独居，腿脚不便。",
            "代赵阿姨反映：5栋楼顶漏水，家里墙面发霉。",
            "代刘爷爷反映：申请高龄补贴，已满80周岁，材料已收齐。",
            "代陈奶奶反映：单元门口台阶高，希望修无障碍坡道。",
            "代周大爷反映：家中燃气灶打不着火，请求帮忙联系维修。",
            "代吴阿姨反映：小区路面坑洼，买菜推车不便。",
        ]
    return [
        "代孙奶奶反映：家里自来水管漏水，儿女不在身边。",
        "代郑大爷反映：想报名老年学校书法班。",
        "代冯阿姨反映：楼下烧烤店油烟大，晚上无法开窗。",
        "代何爷爷反映：电梯经常故障，上下楼困难。",
        "代许奶奶反映：希望增加小区长椅，走路累了没地方歇。",
        "代韩大爷反映：医保报销材料不会准备，请网格员上门指导。",
    ]


def main() -> None:
    rows = build()
    out = HERE / "labelled_posts.jsonl"
    fields = ("id", "split", "label", "kind", "post", "author", "author_role", "t", "text")
    with out.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps({k: row[k] for k in fields}, ensure_ascii=False) + "\n")
    spam = sum(r["label"] == "spam" for r in rows)
    print(f"{len(rows)} posts ({spam} spam) -> {out}")


if __name__ == "__main__":
    main()
