"""screen(): review words, floods, repeated texts, and the fingerprint it records."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gongzhi.accounts.models import Role
from gongzhi.core.testing import factories as f
from gongzhi.moderation import services
from gongzhi.moderation.models import BlockedWord, ScreenedText
from gongzhi.moderation.screening import screen

NEED = "3号楼2单元的电梯又坏了，这已经是这个月第三次了。楼里老人多，请物业尽快派人来修。"
OTHER = "小区西门的铁门坏了关不上，晚上风一吹哐哐响，住在旁边的几户都反映睡不好觉。"
# Different posts, so that floods are not also repeated texts.
POSTS = [
    "楼道里的声控灯全坏了，晚上上楼要打手电，老人眼睛不好，很容易踩空。",
    "自来水这几天水压特别低，早上六七点的时候六楼基本没水，洗漱都困难。",
    "小区健身器材有一个扶手断了，露出锋利的铁皮，小孩在那里玩很危险。",
    "快递柜太少了，每天快递都堆在门卫室门口，丢过好几次，希望增加快递柜。",
    "小区监控有好几个坏了，上周6栋有人电动车被偷，调监控发现摄像头早就不亮了。",
    "我们单元门口的台阶太高了，我老伴坐轮椅出不去，能不能修个无障碍坡道？",
    "冬天暖气不热，屋里只有十四五度，老人冻得受不了，打了热力公司电话也没人来。",
    "小区绿化带被人开垦种菜了，还浇大粪，味道很大，请物业管一下这件事情。",
    "公交站离小区太远了，走过去要二十分钟，老人去医院很不方便，希望增加站点。",
]


@pytest.fixture
def resident(world):
    return world.users["resident"]


def run(world, author, text=NEED, **kwargs):
    return screen(author=author, community=world.community, text=text, kind="need", **kwargs)


def test_an_ordinary_post_passes_and_leaves_its_fingerprint(world, resident):
    result = run(world, resident)
    assert result.held is False
    assert result.reasons == []
    row = ScreenedText.objects.get(pk=result.fingerprint_id)
    assert (row.author, row.community, row.kind, row.held) == (
        resident,
        world.community,
        "need",
        False,
    )
    assert row.simhash is not None and row.band0 is not None


def test_a_stuffed_post_is_held_with_a_readable_reason(world, resident):
    kw = "潜江开锁公司"
    result = run(
        world, resident, f"{kw}哪家好？选择{kw}就选顺达。{kw}电话多少？{kw}价格实惠，{kw}上门。"
    )
    assert result.held is True
    assert kw in result.reasons[0]
    assert ScreenedText.objects.get(pk=result.fingerprint_id).held is True


def test_a_community_review_word_holds_the_post(world, resident):
    services.add_blocked_word(
        community=world.community, word="物业", actor=world.users["community_admin"]
    )
    result = run(world, resident)
    assert result.held is True
    assert [f.code for f in result.findings] == ["blocked_word"]


def test_a_global_review_word_holds_posts_in_every_community(world, resident):
    BlockedWord.objects.create(community=None, word="电梯")
    assert run(world, resident).held is True


def test_another_communitys_word_does_not_apply(world, resident):
    services.add_blocked_word(
        community=world.far_community, word="电梯", actor=world.users["far_admin"]
    )
    assert run(world, resident).held is False


def test_a_removed_word_no_longer_holds(world, resident):
    admin = world.users["community_admin"]
    word = services.add_blocked_word(community=world.community, word="电梯", actor=admin)
    services.remove_blocked_word(blocked_word=word, actor=admin)
    assert run(world, resident).held is False


def test_the_post_after_the_flood_limit_is_held(world, resident):
    now = timezone.now()
    results = [
        run(world, resident, text, now=now + timedelta(minutes=n))
        for n, text in enumerate(POSTS[:5])
    ]
    assert [r.held for r in results] == [False] * 5
    sixth = run(world, resident, POSTS[5], now=now + timedelta(minutes=6))
    assert sixth.held is True
    assert [f.code for f in sixth.findings] == ["flood"]
    assert sixth.findings[0].params == {"count": 6, "minutes": 10}


def test_posts_spread_beyond_the_window_are_no_flood(world, resident):
    now = timezone.now()
    for n, text in enumerate(POSTS):
        result = run(world, resident, text, now=now + timedelta(minutes=3 * n))
        assert result.held is False


def test_the_flood_limit_is_set_per_community(world, resident):
    services.update_settings(
        community=world.community, actor=world.users["community_admin"], flood_max_posts=2
    )
    now = timezone.now()
    held = [
        run(world, resident, text, now=now + timedelta(minutes=n)).held
        for n, text in enumerate(POSTS[:3])
    ]
    assert held == [False, False, True]


def test_a_worker_entering_forms_for_residents_is_no_flood(world):
    worker = world.users["community_worker"]
    now = timezone.now()
    held = [
        run(world, worker, "代居民反映：" + text, now=now + timedelta(minutes=n)).held
        for n, text in enumerate(POSTS)
    ]
    assert held == [False] * len(POSTS)


def test_the_same_text_again_from_the_same_account_is_held(world, resident):
    now = timezone.now()
    assert run(world, resident, OTHER, now=now).held is False
    again = run(world, resident, "【转】" + OTHER + "[玫瑰]", now=now + timedelta(hours=3))
    assert again.held is True
    assert again.findings[0].code == "duplicate"
    assert again.findings[0].params["own"] is True


def test_the_same_text_from_another_account_is_held(world, resident):
    neighbour = f.UserFactory()
    f.give_role(neighbour, Role.RESIDENT, world.community)
    now = timezone.now()
    run(world, resident, OTHER, now=now)
    again = run(world, neighbour, OTHER, now=now + timedelta(days=1))
    assert again.held is True
    assert again.findings[0].params["own"] is False


def test_copies_older_than_the_window_or_elsewhere_do_not_count(world, resident):
    now = timezone.now()
    screen(author=resident, community=world.far_community, text=OTHER, kind="need", now=now)
    run(world, resident, OTHER, now=now - timedelta(days=8))
    assert run(world, resident, OTHER, now=now).held is False


def test_an_edit_is_no_duplicate_of_its_own_earlier_text(world, resident, make_post):
    post = make_post()
    now = timezone.now()
    run(world, resident, OTHER, now=now, source=post)
    assert (
        run(world, resident, OTHER + "谢谢", now=now + timedelta(minutes=30), source=post).held
        is False
    )


def test_short_replies_repeated_by_many_are_fine(world, resident):
    for _ in range(3):
        assert run(world, resident, "支持！希望早日解决。", now=timezone.now()).held is False


def test_unrelated_texts_are_not_duplicates(world, resident):
    now = timezone.now()
    run(world, resident, NEED, now=now)
    assert run(world, resident, OTHER, now=now + timedelta(hours=1)).held is False


def test_screen_takes_a_fixed_number_of_queries(world, resident, django_assert_num_queries):
    run(world, resident, OTHER)  # fills the caches: settings and review words
    author = type(resident).objects.get(pk=resident.pk)  # as in a new request
    with django_assert_num_queries(4):  # roles, flood count, duplicate candidates, insert
        run(world, author, NEED)
