"""Merging a duplicate: supports and followers carry over, nobody is counted twice."""

import pytest
from django.urls import reverse

from gongzhi.needs import services
from gongzhi.needs.models import Follow, Need, NeedEvent, NeedSettings, Support

from .helpers import add_supports, make_need, resident_user

pytestmark = pytest.mark.django_db
S = Need.Status


@pytest.fixture
def pair(world):
    """A target need by 张三 and a duplicate by 赵六, with overlapping supporters."""
    author_user, author = resident_user(world.community, name="赵六")
    target = make_need(world.community, author=world.users["resident"], resident=world.resident)
    duplicate = make_need(world.community, author=author_user, resident=author, title="路灯坏了")
    both = [resident_user(world.community, name=f"两边{i}")[1] for i in range(2)]
    only_dup = [resident_user(world.community, name=f"副本{i}")[1] for i in range(3)]
    only_target = [resident_user(world.community, name=f"目标{i}")[1] for i in range(1)]
    add_supports(target, both + only_target)
    add_supports(duplicate, both + only_dup)
    return target, duplicate, author_user, author, both, only_dup, only_target


def test_supports_move_without_double_counting(world, pair):
    target, duplicate, _author_user, author, both, only_dup, only_target = pair

    services.transition_need(
        need=duplicate,
        actor=world.users["community_worker"],
        to_status=S.MERGED,
        reply="与另一条诉求相同，已合并。",
        merge_into=target,
    )

    duplicate.refresh_from_db()
    target.refresh_from_db()
    assert duplicate.status == S.MERGED
    assert duplicate.merged_into == target
    assert duplicate.support_count == 0
    expected = {r.pk for r in both + only_dup + only_target} | {author.pk}
    supporters = set(Support.objects.filter(need=target).values_list("resident_id", flat=True))
    assert supporters == expected
    assert target.support_count == len(expected) == 7
    assert not Support.objects.filter(need=duplicate).exists()
    assert NeedEvent.objects.filter(need=target, kind=NeedEvent.Kind.MERGED_IN).exists()


def test_followers_move_once(world, pair, neighbour_user):
    target, duplicate, author_user, *_rest = pair
    services.follow_need(need=target, actor=neighbour_user)
    services.follow_need(need=duplicate, actor=neighbour_user)
    services.follow_need(need=duplicate, actor=author_user)

    services.transition_need(
        need=duplicate,
        actor=world.users["community_worker"],
        to_status=S.MERGED,
        reply="合并",
        merge_into=target,
    )

    followers = list(Follow.objects.filter(need=target).values_list("user_id", flat=True))
    assert sorted(followers) == sorted({neighbour_user.pk, author_user.pk})
    assert not Follow.objects.filter(need=duplicate).exists()


def test_the_targets_own_resident_is_not_made_a_supporter(world):
    target = make_need(world.community, author=world.users["resident"], resident=world.resident)
    duplicate = make_need(world.community, author=world.users["community_worker"])
    add_supports(duplicate, [world.resident])

    services.transition_need(
        need=duplicate,
        actor=world.users["community_worker"],
        to_status=S.MERGED,
        reply="合并",
        merge_into=target,
    )

    target.refresh_from_db()
    assert target.support_count == 0
    assert not Support.objects.exists()


def test_a_merge_that_reaches_the_threshold_flags_the_target(world, pair):
    target, duplicate, *_rest = pair
    Need.objects.filter(pk=target.pk).update(kind="proposal")
    target.refresh_from_db()
    NeedSettings.objects.create(community=world.community, support_threshold=6)

    services.transition_need(
        need=duplicate,
        actor=world.users["community_worker"],
        to_status=S.MERGED,
        reply="合并",
        merge_into=target,
    )

    target.refresh_from_db()
    assert target.flagged_for_agenda_at is not None


@pytest.mark.parametrize("case", ["itself", "other_community", "merged_target"])
def test_a_bad_target_is_refused_and_nothing_moves(world, pair, case):
    target, duplicate, *_rest = pair
    if case == "itself":
        target = duplicate
    elif case == "other_community":
        target = make_need(world.other_community, author=world.users["resident"])
    else:
        third = make_need(world.community, author=world.users["resident"])
        Need.objects.filter(pk=target.pk).update(status=S.MERGED, merged_into=third)
        target.refresh_from_db()

    with pytest.raises(services.NeedError) as refused:
        services.transition_need(
            need=duplicate,
            actor=world.users["community_worker"],
            to_status=S.MERGED,
            reply="合并",
            merge_into=target,
        )

    assert refused.value.code == "bad_target"
    duplicate.refresh_from_db()
    assert duplicate.status == S.SUBMITTED
    assert duplicate.support_count == 5
    assert Support.objects.filter(need=duplicate).count() == 5


def test_merging_from_the_page_takes_the_target_number(client, world, pair):
    target, duplicate, *_rest = pair
    client.force_login(world.users["community_worker"])

    response = client.post(
        reverse("needs:triage", args=[duplicate.pk]),
        {"to_status": "merged", "reply": "合并到另一条", "merge_into": target.pk},
    )

    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == target


def test_merging_into_a_need_of_another_board_is_refused_on_the_page(client, world, pair):
    _target, duplicate, *_rest = pair
    far = make_need(world.far_community, author=world.users["far_admin"])
    client.force_login(world.users["community_worker"])

    response = client.post(
        reverse("needs:triage", args=[duplicate.pk]),
        {"to_status": "merged", "reply": "合并", "merge_into": far.pk},
    )

    assert response.status_code == 400
    assert "merge_into" in response.context["triage_form"].errors
    duplicate.refresh_from_db()
    assert duplicate.status == S.SUBMITTED
