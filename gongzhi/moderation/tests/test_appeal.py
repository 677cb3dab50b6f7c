"""Appeals: the author of a removed post asks once for another look."""

import pytest
from django.urls import reverse

from gongzhi.core.models import AuditEntry
from gongzhi.moderation import services
from gongzhi.moderation.models import ModerationStatus
from gongzhi.notifications.models import Message

from .helpers import held_case, removed_case


@pytest.fixture
def case(world, make_post):
    return removed_case(world, make_post)


def test_an_appeal_reopens_the_case_marked_appealed(world, case):
    services.appeal_case(case=case, actor=world.users["resident"], text="这是我家的开锁经历")
    case.refresh_from_db()
    assert case.state == "open"
    assert case.appealed is True
    assert case.appeal_text == "这是我家的开锁经历"
    assert case.content_object.moderation_status == ModerationStatus.REMOVED
    assert AuditEntry.objects.filter(action="moderation.appeal").count() == 1


def test_a_second_appeal_is_refused(world, case):
    author = world.users["resident"]
    services.appeal_case(case=case, actor=author, text="请再看看")
    services.decide_case(
        case=case, actor=world.users["community_admin"], outcome="removed", reason="仍是广告"
    )
    with pytest.raises(services.ModerationError):
        services.appeal_case(case=case, actor=author, text="再申诉")
    case.refresh_from_db()
    assert case.state == "closed"


def test_restoring_after_an_appeal_publishes(world, case):
    services.appeal_case(case=case, actor=world.users["resident"], text="请再看看")
    services.decide_case(
        case=case, actor=world.users["community_worker"], outcome="restored", reason="有道理"
    )
    case.refresh_from_db()
    assert case.content_object.moderation_status == ModerationStatus.PUBLISHED


def test_keeping_a_removal_after_appeal_says_it_is_final(
    world, case, django_capture_on_commit_callbacks
):
    services.appeal_case(case=case, actor=world.users["resident"], text="请再看看")
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_case(
            case=case, actor=world.users["community_admin"], outcome="removed", reason="广告"
        )
    assert "appeal" in Message.objects.get(kind="moderation.removed").body


def test_a_post_still_waiting_cannot_be_appealed(world, make_post):
    case = held_case(world, make_post)
    with pytest.raises(services.ModerationError):
        services.appeal_case(case=case, actor=world.users["resident"], text="为什么")


def test_only_the_author_can_appeal(world, case):
    with pytest.raises(services.ModerationError):
        services.appeal_case(case=case, actor=world.users["community_worker"], text="x")
    case.refresh_from_db()
    assert case.appealed is False


# --- The page -------------------------------------------------------------------------------


def url(case):
    return reverse("moderation:appeal", args=[case.pk])


def test_the_author_sees_the_reason_and_the_form(client, world, case):
    client.force_login(world.users["resident"])
    response = client.get(url(case))
    assert response.status_code == 200
    assert "广告" in response.content.decode()
    assert 'name="text"' in response.content.decode()


def test_the_author_appeals_on_the_page_once(client, world, case):
    client.force_login(world.users["resident"])
    assert client.post(url(case), {"text": "请再看看"}).status_code == 302
    case.refresh_from_db()
    assert case.appealed is True
    response = client.get(url(case))
    assert 'name="text"' not in response.content.decode()


@pytest.mark.parametrize("role", ["community_admin", "neighbour", "outsider"])
def test_anyone_else_gets_404(client, world, case, role):
    user = world.users.get(role)
    if user is None:
        from gongzhi.core.testing import factories as f

        user = f.UserFactory()
    client.force_login(user)
    assert client.post(url(case), {"text": "x"}).status_code == 404
    case.refresh_from_db()
    assert case.appealed is False
