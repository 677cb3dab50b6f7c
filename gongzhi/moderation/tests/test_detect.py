"""Text checks without a database: stuffing, spliced phrases, teasers, fingerprints."""

from django.utils import translation

from gongzhi.moderation import detect
from gongzhi.moderation.screening import screen_text

NEED = (
    "3号楼2单元的电梯又坏了，这已经是这个月第三次了。楼里老人多，上下楼很不方便，"
    "请物业尽快派人来修。我家住在7楼，每天买菜都要爬楼梯，腿脚不好真的很辛苦。"
)
FILLERS = [
    "春天到了，万物复苏，很多人喜欢在周末出去踏青。",
    "早上起来喝一杯温水，对身体有很大的好处。",
    "现在的年轻人工作压力大，经常熬夜加班。",
    "随着生活水平的提高，人们越来越重视居住环境。",
    "孩子的教育问题一直是家长们最关心的话题。",
    "周末和家人一起去超市购物，是一件很幸福的事情。",
]


def codes(text: str) -> list[str]:
    return [f.code for f in detect.text_findings(text)]


def test_it_passes_an_ordinary_need():
    assert codes(NEED) == []


def test_it_catches_a_keyword_stuffed_page():
    kw = "潜江开锁公司"
    text = f"{kw}哪家好？选择{kw}就选顺达。{kw}电话多少？本公司专业{kw}十余年，{kw}价格实惠。"
    assert codes(text) == ["repeated_phrase"]


def test_it_catches_a_phrase_spliced_into_ordinary_sentences():
    kw = "武汉白癜风医院"
    text = FILLERS[0] + kw + FILLERS[1] + FILLERS[2][:5] + kw + FILLERS[2][5:] + FILLERS[3]
    text += FILLERS[4] + kw + "，" + FILLERS[5]
    findings = detect.text_findings(text)
    assert [f.code for f in findings] == ["repeated_phrase"]
    assert kw in findings[0].params["phrase"]
    assert findings[0].params["count"] == 3


def test_a_phrase_spliced_twice_is_not_enough():
    kw = "武汉白癜风医院"
    text = FILLERS[0] + kw + "".join(FILLERS[1:4]) + kw + "".join(FILLERS[4:])
    assert codes(text) == []


def test_honest_repetition_of_the_subject_passes():
    text = (
        "电梯！电梯！又是电梯！这个月电梯已经坏了三次了，每次电梯一坏就要等好几天才修。"
        "我们楼二十层，电梯坏了老人根本下不了楼。物业收的电梯费到底用到哪去了？"
    )
    assert codes(text) == []


def test_cheering_and_laughing_are_not_stuffing():
    assert codes("加油加油加油加油加油！机械社区加油加油加油加油！文艺大舞台早日建成！" * 2) == []
    assert codes("哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈，我家孩子也天天在那玩。") == []


def test_repeated_addresses_and_dates_are_not_stuffing():
    lines = [f"{n}号楼：6月{n * 3}日至6月{n * 3 + 2}日" for n in range(1, 7)]
    text = "各位业主：小区外墙维修，施工期间请不要在楼下停车。\n" + "\n".join(lines)
    assert codes(text) == []


def test_few_distinct_words_are_stuffing_by_segmented_terms():
    words = ["开锁", "换锁", "修锁", "锁芯", "上门"]
    text = "，".join(words[n % len(words)] + words[(n * 2) % len(words)] for n in range(40))
    findings = detect.term_findings(text)
    assert [f.code for f in findings] == ["repetitive_terms"]
    assert findings[0].params["distinct"] < findings[0].params["total"]


def test_it_catches_a_teaser_list_with_links():
    text = "\n".join(
        f"{title} >> http://t.cn/abc{n}"
        for n, title in enumerate(
            ["这三种食物千万不要一起吃", "医保卡的钱可以取出来了", "在家就能做的副业"]
        )
    )
    assert codes(text) == ["links"]


def test_it_catches_a_one_line_ad_with_a_wechat_id():
    assert codes("兼职日结三百，宝妈学生都可以，加V：abc12345") == ["links"]


def test_one_phone_number_is_a_neighbour_not_an_ad():
    text = "家里有一辆儿童自行车，九成新，50元，需要的邻居可以联系我 13972801234。"
    assert codes(text) == []


def test_a_phone_with_many_sales_calls_is_an_ad():
    assert codes("扫码进群，每天领红包，限时免费领取，13021561551") == ["links"]


def test_an_anti_fraud_notice_quoting_sales_words_passes():
    text = (
        "重要提醒：凡是让你加陌生人微信、点击不明链接领取补贴的，都是诈骗！"
        "凡是说免费领取、日赚几百、刷单返利的，都是诈骗！请大家互相提醒。"
    )
    assert codes(text) == []


def test_one_link_in_a_notice_passes():
    text = "老年学校报名可以到社区服务站，也可以在手机上报名：https://jixie.example.cn/school"
    assert codes(text) == []


def test_full_width_and_invisible_characters_do_not_hide_a_link():
    text = "ｈｔｔｐ://ｔ.ｃｎ/ａｂｃ 免费领取\nhttp://d\u200bwz.cn/x 点击\nhttp://t.cn/y"
    assert "links" in codes(text)


def test_near_copies_have_close_fingerprints_and_others_do_not():
    text = "自家散养的土鸡和土鸡蛋，纯粮食喂养，需要的邻居可以找我，送货上门，6栋的王姐。"
    copy = "【转】" + text + "[玫瑰]"
    other = "小区西门的铁门坏了关不上，晚上风一吹哐哐响，住在旁边的几户都反映睡不好觉。"
    a, b, c = detect.simhash(text), detect.simhash(copy), detect.simhash(other)
    assert a is not None and b is not None and c is not None
    assert detect.distance(a, b) <= 7
    assert detect.distance(a, c) > 7


def test_fingerprints_are_stable_and_short_texts_have_none():
    assert detect.simhash(NEED) == detect.simhash(NEED)
    assert detect.simhash("支持！") is None


def test_near_fingerprints_share_a_probed_band():
    value = detect.simhash(NEED)
    near = value ^ 0b1 ^ (1 << 17) ^ (1 << 33) ^ (1 << 49) ^ (1 << 50) ^ (1 << 5) ^ (1 << 20)
    assert detect.distance(value, near) == 7
    probes = detect.band_probes(value)
    assert any(band in probes[n] for n, band in enumerate(detect.bands(near)))


def test_signed_storage_keeps_the_distance():
    value = (1 << 63) | 12345
    assert detect.distance(detect.to_signed(value), value) == 0


def test_review_words_match_across_inserted_spaces():
    findings = screen_text("可以代 开 发 票，价格优惠", blocked_words=("代开发票",))
    assert [f.code for f in findings] == ["blocked_word"]


def test_reasons_are_sentences_in_the_users_language():
    finding = detect.Finding("flood", {"count": 6, "minutes": 10})
    with translation.override("en"):
        assert detect.describe(finding) == "Flood: 6 posts from this account in 10 minutes."
    assert detect.describe(finding.as_dict()) == detect.describe(finding)
