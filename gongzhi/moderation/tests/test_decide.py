"""Deciding a case: publish or remove with a reason; the author is told."""

import pytest
from django.urls import reverse

from gongzhi.core.models import AuditEntry
from gongzhi.moderation import services
from gongzhi.moderation.models import CaseEvent, ModerationCase, ModerationStatus, Report
from gongzhi.notifications.models import Message

from .helpers import held_case

MODERATORS = ["community_admin", "community_worker"]
OTHERS = [
    "subdistrict_official",
    "grid_worker",
    "party_secretary",
    "owners_committee",
    "property_manager",
    "resident",
    "outsider",
    "far_admin",
]


@pytest.fixture
def case(world, make_post):
    return held_case(world, make_post)


def test_restoring_publishes_the_post_and_tells_the_author(
    world, case, django_capture_on_commit_callbacks
):
    admin = world.users["community_admin"]
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_case(case=case, actor=admin, outcome="restored", reason="不是广告")
    case.refresh_from_db()
    post = case.content_object
    assert post.moderation_status == ModerationStatus.PUBLISHED
    assert (case.state, case.outcome, case.decided_by, case.decision_reason) == (
        "closed",
        "restored",
        admin,
        "不是广告",
    )
    message = Message.objects.get(kind="moderation.restored")
    assert message.recipient == world.users["resident"]
    assert "不是广告" in message.body
    assert AuditEntry.objects.filter(action="moderation.restored", actor=admin).count() == 1


def test_removing_tells_the_author_how_to_appeal(world, case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_case(
            case=case, actor=world.users["community_worker"], outcome="removed", reason="广告"
        )
    case.refresh_from_db()
    assert case.content_object.moderation_status == ModerationStatus.REMOVED
    message = Message.objects.get(kind="moderation.removed")
    assert message.link == reverse("moderation:appeal", args=[case.pk])
    assert CaseEvent.objects.filter(case=case, action="removed").count() == 1


def test_a_decision_resolves_the_pending_reports(world, make_post, reporters):
    post = make_post(author=world.users["community_worker"])
    for user in reporters[:3]:
        services.report_item(obj=post, reporter=user, reason="spam")
    case = ModerationCase.objects.get(object_id=post.pk)
    services.decide_case(
        case=case, actor=world.users["community_admin"], outcome="removed", reason="广告"
    )
    assert Report.objects.filter(resolved_at__isnull=True).count() == 0


def test_a_decision_needs_a_reason_and_changes_nothing_without_one(world, case):
    with pytest.raises(services.ModerationError):
        services.decide_case(
            case=case, actor=world.users["community_admin"], outcome="removed", reason="  "
        )
    case.refresh_from_db()
    assert case.state == "open"
    assert case.content_object.moderation_status == ModerationStatus.HELD


def test_a_decided_case_cannot_be_decided_again(world, case):
    admin = world.users["community_admin"]
    services.decide_case(case=case, actor=admin, outcome="restored", reason="好")
    with pytest.raises(services.ModerationError):
        services.decide_case(case=case, actor=admin, outcome="removed", reason="改主意")
    case.refresh_from_db()
    assert case.outcome == "restored"


# --- The page -------------------------------------------------------------------------------


def url(case):
    return reverse("moderation:case", args=[case.pk])


def test_the_page_shows_the_post_its_reasons_and_the_form(client, world, case):
    client.force_login(world.users["community_worker"])
    response = client.get(url(case))
    body = response.content.decode()
    assert response.status_code == 200
    assert "潜江开锁公司" in body
    assert "Keyword stuffing" in body or "关键词" in body
    assert 'name="outcome"' in body


@pytest.mark.parametrize("role", MODERATORS)
def test_moderators_decide_on_the_page(client, world, case, role):
    client.force_login(world.users[role])
    response = client.post(url(case), {"outcome": "restored", "reason": "误判"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.outcome == "restored"


@pytest.mark.parametrize("role", OTHERS)
def test_others_get_404_and_change_nothing(client, world, case, role):
    client.force_login(world.users[role])
    assert client.get(url(case)).status_code == 404
    assert client.post(url(case), {"outcome": "restored", "reason": "x"}).status_code == 404
    case.refresh_from_db()
    assert case.state == "open"
    assert not AuditEntry.objects.filter(action__in=["moderation.restored"]).exists()


def test_a_form_without_a_reason_is_sent_back(client, world, case):
    client.force_login(world.users["community_admin"])
    response = client.post(url(case), {"outcome": "removed", "reason": ""})
    assert response.status_code == 422
    case.refresh_from_db()
    assert case.state == "open"
