"""Triage: every move in the table is allowed, every other refused; each has a public reply."""

import itertools

import pytest
from django.urls import reverse

from gongzhi.core.models import AuditEntry
from gongzhi.matters.models import Matter, MatterLink
from gongzhi.needs import services
from gongzhi.needs.models import Need, NeedEvent
from gongzhi.needs.transitions import TRANSITIONS
from gongzhi.notifications.models import Message
from gongzhi.search.models import SearchEntry

from .helpers import make_need

pytestmark = pytest.mark.django_db
S = Need.Status
MOVES = [S.ACCEPTED, S.DECLINED, S.ANSWERED, S.ADOPTED]  # merge has its own tests


def test_the_table_is_the_one_the_issue_describes():
    assert TRANSITIONS[S.SUBMITTED] == {S.ACCEPTED, S.MERGED, S.DECLINED, S.ANSWERED, S.ADOPTED}
    assert TRANSITIONS[S.ACCEPTED] == {S.MERGED, S.DECLINED, S.ANSWERED, S.ADOPTED}
    assert TRANSITIONS[S.MERGED] == set()
    assert TRANSITIONS[S.ADOPTED] == set()
    assert set(TRANSITIONS) == set(S.values)


@pytest.mark.parametrize(("from_status", "to_status"), list(itertools.product(S.values, MOVES)))
def test_each_move_is_allowed_exactly_when_the_table_says(world, from_status, to_status):
    need = make_need(world.community, author=world.users["resident"])
    if from_status == S.MERGED:
        target = make_need(world.community, author=world.users["resident"])
        Need.objects.filter(pk=need.pk).update(status=S.MERGED, merged_into=target)
    else:
        Need.objects.filter(pk=need.pk).update(status=from_status)
    need.refresh_from_db()
    worker = world.users["community_worker"]

    if to_status in TRANSITIONS[from_status]:
        event = services.transition_need(
            need=need, actor=worker, to_status=to_status, reply="社区的答复"
        )
        need.refresh_from_db()
        assert need.status == to_status
        assert (event.from_status, event.to_status) == (from_status, to_status)
    else:
        with pytest.raises(services.NeedError) as refused:
            services.transition_need(need=need, actor=worker, to_status=to_status, reply="答复")
        assert refused.value.code == "bad_transition"
        need.refresh_from_db()
        assert need.status == from_status
        assert not NeedEvent.objects.exclude(kind=NeedEvent.Kind.CREATED).exists()


def test_a_move_without_a_reply_is_refused(world):
    need = make_need(world.community, author=world.users["resident"])

    with pytest.raises(services.NeedError) as refused:
        services.transition_need(
            need=need, actor=world.users["community_worker"], to_status=S.ACCEPTED, reply="  "
        )

    assert refused.value.code == "no_reply"
    need.refresh_from_db()
    assert need.status == S.SUBMITTED
    assert need.first_response_at is None


def test_a_worker_accepts_from_the_page_and_the_author_and_followers_are_told(
    client, world, neighbour_user, django_capture_on_commit_callbacks
):
    need = make_need(world.community, author=world.users["resident"], resident=world.resident)
    services.follow_need(need=need, actor=neighbour_user)
    worker = world.users["community_worker"]
    client.force_login(worker)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("needs:triage", args=[need.pk]),
            {"to_status": "accepted", "reply": "已转交物业，本周内修好。"},
        )

    assert response.status_code == 302
    need.refresh_from_db()
    assert need.status == S.ACCEPTED
    assert need.first_response_at is not None
    assert need.last_response_at == need.first_response_at
    event = NeedEvent.objects.get(kind=NeedEvent.Kind.ACCEPTED)
    assert event.text == "已转交物业，本周内修好。"
    assert event.actor == worker
    told = set(Message.objects.filter(kind="need.status").values_list("recipient", flat=True))
    assert told == {world.users["resident"].pk, neighbour_user.pk}
    assert AuditEntry.objects.filter(action="need.accepted", target_id=str(need.pk)).exists()
    assert SearchEntry.objects.filter(kind="need_reply", object_id=event.pk).exists()


def test_a_page_move_without_a_reply_shows_the_error_and_changes_nothing(client, world):
    need = make_need(world.community, author=world.users["resident"])
    client.force_login(world.users["community_worker"])

    response = client.post(reverse("needs:triage", args=[need.pk]), {"to_status": "declined"})

    assert response.status_code == 400
    assert "reply" in response.context["triage_form"].errors
    need.refresh_from_db()
    assert need.status == S.SUBMITTED


def test_adopting_opens_a_matter_with_the_need_on_its_timeline(client, world):
    need = make_need(world.community, author=world.users["resident"], kind="proposal")
    client.force_login(world.users["community_admin"])

    response = client.post(
        reverse("needs:triage", args=[need.pk]),
        {"to_status": "adopted", "reply": "社区立项，下周召开议事会。"},
    )

    matter = Matter.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("matters:detail", args=[matter.pk])
    need.refresh_from_db()
    assert need.status == S.ADOPTED
    assert matter.opened_from == need
    assert matter.title == need.title
    assert matter.stage == "plan"
    link = MatterLink.objects.get(matter=matter)
    assert (link.kind, link.object_id, link.url) == ("need", need.pk, need.get_absolute_url())
    assert AuditEntry.objects.filter(action="matter.opened").exists()


def test_a_reply_without_a_status_change_counts_as_a_response(
    client, world, django_capture_on_commit_callbacks
):
    need = make_need(world.community, author=world.users["resident"])
    client.force_login(world.users["community_worker"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("needs:reply", args=[need.pk]), {"text": "我们已记录。"})

    assert response.status_code == 302
    need.refresh_from_db()
    assert need.status == S.SUBMITTED
    assert need.first_response_at is not None
    assert NeedEvent.objects.filter(kind=NeedEvent.Kind.REPLIED, text="我们已记录。").exists()
    assert Message.objects.filter(recipient=world.users["resident"], kind="need.replied").exists()


def test_the_acting_worker_is_not_told_of_their_own_move(world, django_capture_on_commit_callbacks):
    worker = world.users["community_worker"]
    need = make_need(world.community, author=world.users["resident"])
    services.follow_need(need=need, actor=worker)

    with django_capture_on_commit_callbacks(execute=True):
        services.transition_need(need=need, actor=worker, to_status=S.ANSWERED, reply="答复")

    assert not Message.objects.filter(recipient=worker).exists()
    assert Message.objects.filter(recipient=world.users["resident"]).count() == 1
