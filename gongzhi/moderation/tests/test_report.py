"""Reporting: once per user, hidden pending review at the community's threshold."""

import pytest
from django.urls import reverse

from gongzhi.core.models import AuditEntry
from gongzhi.moderation import services
from gongzhi.moderation.models import ModerationCase, ModerationStatus, Report
from gongzhi.notifications.models import Message


@pytest.fixture
def post(world, make_post):
    return make_post(author=world.users["community_worker"])


def report(post, user, reason="spam", text=""):
    return services.report_item(obj=post, reporter=user, reason=reason, text=text)


def test_a_report_is_recorded_and_audited(post, reporters):
    row = report(post, reporters[0], "abuse", "骂人")
    assert (row.reason, row.text, row.object_id) == ("abuse", "骂人", post.pk)
    post.refresh_from_db()
    assert post.moderation_status == ModerationStatus.PUBLISHED
    assert AuditEntry.objects.filter(action="moderation.report", actor=reporters[0]).count() == 1


def test_a_second_report_by_the_same_user_is_refused(post, reporters):
    report(post, reporters[0])
    with pytest.raises(services.ModerationError):
        report(post, reporters[0], "abuse")
    assert Report.objects.count() == 1


def test_other_needs_details(post, reporters):
    with pytest.raises(services.ModerationError) as exc:
        report(post, reporters[0], "other")
    assert exc.value.field == "text"
    assert Report.objects.count() == 0


def test_the_third_report_hides_the_post_and_tells_the_author(
    post, reporters, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report(post, reporters[0])
        report(post, reporters[1])
        post.refresh_from_db()
        assert post.moderation_status == ModerationStatus.PUBLISHED
        report(post, reporters[2])
    post.refresh_from_db()
    assert post.moderation_status == ModerationStatus.HIDDEN
    case = ModerationCase.objects.get(object_id=post.pk)
    assert (case.state, case.trigger) == ("open", "reports")
    message = Message.objects.get(kind="moderation.hidden")
    assert message.recipient_id == post.author_id
    assert AuditEntry.objects.filter(action="moderation.hide").count() == 1


def test_the_threshold_is_set_per_community(world, post, reporters):
    services.update_settings(
        community=world.community, actor=world.users["community_admin"], report_threshold=1
    )
    report(post, reporters[0])
    post.refresh_from_db()
    assert post.moderation_status == ModerationStatus.HIDDEN


def test_a_hidden_post_takes_no_more_reports(post, reporters):
    for user in reporters[:3]:
        report(post, user)
    with pytest.raises(services.ModerationError):
        report(post, reporters[3])
    assert Report.objects.count() == 3


def test_only_reports_since_the_last_decision_count(world, post, reporters):
    for user in reporters[:3]:
        report(post, user)
    case = ModerationCase.objects.get(object_id=post.pk)
    services.decide_case(
        case=case, actor=world.users["community_admin"], outcome="restored", reason="没有问题"
    )
    report(post, reporters[3])
    post.refresh_from_db()
    assert post.moderation_status == ModerationStatus.PUBLISHED
    assert Report.objects.filter(resolved_at__isnull=True).count() == 1


# --- The page -------------------------------------------------------------------------------


def url(post):
    return reverse("moderation:report", args=["moderation.samplepost", post.pk])


def test_the_form_shows_the_post_and_the_reasons(client, post, reporters):
    client.force_login(reporters[0])
    response = client.get(url(post))
    assert response.status_code == 200
    assert post.title in response.content.decode()
    assert 'name="reason"' in response.content.decode()


def test_posting_the_form_reports_and_goes_back(client, post, reporters):
    client.force_login(reporters[0])
    response = client.post(url(post), {"reason": "spam", "next": "/somewhere/"})
    assert response.status_code == 302
    assert response["Location"] == "/somewhere/"
    assert Report.objects.filter(reporter=reporters[0], object_id=post.pk).exists()


def test_a_foreign_next_is_ignored(client, post, reporters):
    client.force_login(reporters[0])
    response = client.post(url(post), {"reason": "spam", "next": "https://evil.example/"})
    assert response["Location"] == post.get_absolute_url()


def test_the_page_says_when_you_already_reported(client, post, reporters):
    report(post, reporters[0])
    client.force_login(reporters[0])
    response = client.post(url(post), {"reason": "abuse"})
    assert response.status_code == 200
    assert "already reported" in response.content.decode()
    assert Report.objects.count() == 1


def test_a_bad_form_keeps_what_was_typed(client, post, reporters):
    client.force_login(reporters[0])
    response = client.post(url(post), {"reason": "other", "text": ""})
    assert response.status_code == 422
    assert Report.objects.count() == 0


def test_the_author_cannot_report_their_own_post(client, post):
    client.force_login(post.author)
    assert client.post(url(post), {"reason": "spam"}).status_code == 404
    assert Report.objects.count() == 0


def test_a_held_post_cannot_be_reported(client, world, make_post, reporters):
    held = make_post(author=world.users["community_worker"], status=ModerationStatus.HELD)
    client.force_login(reporters[0])
    assert client.get(url(held)).status_code == 404


def test_an_unknown_kind_of_item_is_404(client, post, reporters):
    client.force_login(reporters[0])
    response = client.get(reverse("moderation:report", args=["auth.user", post.pk]))
    assert response.status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, post):
    response = client.get(url(post))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
