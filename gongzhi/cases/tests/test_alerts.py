"""Deadline alerts (escalation.py): nearly due, overdue, escalated, each sent once."""

import datetime as dt
import io

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongzhi.accounts.models import Role
from gongzhi.cases import services
from gongzhi.cases.escalation import send_deadline_alerts
from gongzhi.cases.models import AlertLevel, Case, Status
from gongzhi.core.models import AuditEntry
from gongzhi.core.testing import factories as f
from gongzhi.notifications.models import Message

from .factories import case_in

HOUR = dt.timedelta(hours=1)
NOTHING = {"nearly_due": 0, "overdue": 0, "escalated": 0}


def with_deadlines(case: Case, *, warn, due, escalate) -> Case:
    Case.objects.filter(pk=case.pk).update(warn_at=warn, due_at=due, escalate_at=escalate)
    return Case.objects.get(pk=case.pk)


def nearly_due(case: Case, now) -> Case:
    return with_deadlines(case, warn=now - HOUR, due=now + 2 * HOUR, escalate=now + 30 * HOUR)


def overdue(case: Case, now) -> Case:
    return with_deadlines(case, warn=now - 5 * HOUR, due=now - HOUR, escalate=now + 20 * HOUR)


def escalated(case: Case, now) -> Case:
    return with_deadlines(case, warn=now - 40 * HOUR, due=now - 30 * HOUR, escalate=now - HOUR)


def sweep(capture, now) -> dict:
    """Run the sweep and write the messages it queues (they are written on commit)."""
    with capture(execute=True):
        return send_deadline_alerts(now=now)


def told(case: Case) -> dict:
    """Recipient -> titles of the messages about this case."""
    out: dict = {}
    for message in Message.objects.filter(link=f"/cases/{case.pk}/").order_by("id"):
        out.setdefault(message.recipient_id, []).append(message.title)
    return out


def ids(*users) -> set[int]:
    return {u.pk for u in users}


def test_nearly_due_tells_the_units_members_once(cw, django_capture_on_commit_callbacks):
    now = timezone.now()
    case = nearly_due(case_in(cw, Status.DISPATCHED), now)

    first = sweep(django_capture_on_commit_callbacks, now)
    second = sweep(django_capture_on_commit_callbacks, now + HOUR / 2)

    assert first == {**NOTHING, "nearly_due": 1} and second == NOTHING
    messages = told(case)
    assert set(messages) == ids(cw.unit_member, cw.users["grid_worker"])
    assert messages[cw.unit_member.pk] == [f"Case #{case.pk} is nearly due " + _due(case) + "."]
    kinds = set(Message.objects.filter(link=f"/cases/{case.pk}/").values_list("kind", flat=True))
    assert kinds == {"case.nearly_due"}
    case.refresh_from_db()
    assert case.alert_level == AlertLevel.NEARLY_DUE
    assert (
        AuditEntry.objects.filter(action="case.alert_nearly_due", target_id=str(case.pk)).count()
        == 1
    )


def _due(case: Case) -> str:
    return "(" + timezone.localtime(case.due_at).strftime("%Y-%m-%d %H:%M") + ")"


def test_nearly_due_without_a_unit_tells_the_community_managers(
    cw, django_capture_on_commit_callbacks
):
    now = timezone.now()
    case = nearly_due(case_in(cw, Status.RECEIVED), now)

    sweep(django_capture_on_commit_callbacks, now)

    assert set(told(case)) == ids(cw.users["community_admin"], cw.users["community_worker"])


def test_overdue_tells_the_managers_and_the_unit_once(cw, django_capture_on_commit_callbacks):
    now = timezone.now()
    case = overdue(case_in(cw, Status.IN_PROGRESS), now)

    first = sweep(django_capture_on_commit_callbacks, now)
    second = sweep(django_capture_on_commit_callbacks, now)

    assert first == {**NOTHING, "overdue": 1} and second == NOTHING
    users = cw.users
    expected = ids(users["community_admin"], users["community_worker"], cw.unit_member)
    assert set(told(case)) == expected | ids(users["grid_worker"])
    assert all(len(titles) == 1 and "is overdue" in titles[0] for titles in told(case).values())
    assert users["subdistrict_official"].pk not in told(case)
    case.refresh_from_db()
    assert case.alert_level == AlertLevel.OVERDUE


def test_escalation_reaches_this_subdistrict_only(cw, django_capture_on_commit_callbacks):
    now = timezone.now()
    elsewhere = f.UserFactory(name="far_official")
    f.give_role(elsewhere, Role.SUBDISTRICT_OFFICIAL, cw.world.far_community.subdistrict)
    case = escalated(case_in(cw, Status.ACCEPTED), now)

    first = sweep(django_capture_on_commit_callbacks, now)
    second = sweep(django_capture_on_commit_callbacks, now + 24 * HOUR)

    assert first == {**NOTHING, "escalated": 1} and second == NOTHING
    messages = told(case)
    assert messages[cw.users["subdistrict_official"].pk] == [
        f"Case #{case.pk} is overdue and escalated to the subdistrict (it was due "
        + _due(case)[1:]
        + "."
    ]
    assert cw.users["community_admin"].pk in messages and cw.unit_member.pk in messages
    assert elsewhere.pk not in messages and cw.users["far_admin"].pk not in messages
    assert AuditEntry.objects.filter(action="case.alert_escalated", target_id=str(case.pk)).exists()


def test_each_level_is_sent_once_as_time_passes(cw, django_capture_on_commit_callbacks):
    now = timezone.now()
    case = case_in(cw, Status.DISPATCHED)
    case = with_deadlines(case, warn=now + HOUR, due=now + 3 * HOUR, escalate=now + 10 * HOUR)

    runs = [
        sweep(django_capture_on_commit_callbacks, now + step * HOUR)
        for step in (0, 2, 2.5, 4, 11, 12)
    ]

    assert [sum(run.values()) for run in runs] == [0, 1, 0, 1, 1, 0]
    titles = told(case)[cw.unit_member.pk]
    assert len(titles) == 3
    assert "nearly due" in titles[0] and "is overdue (" in titles[1] and "escalated" in titles[2]


def test_a_case_that_skipped_ahead_gets_one_message(cw, django_capture_on_commit_callbacks):
    now = timezone.now()
    case = escalated(case_in(cw, Status.DISPATCHED), now)

    counts = sweep(django_capture_on_commit_callbacks, now)

    assert counts == {**NOTHING, "escalated": 1}
    assert all(len(titles) == 1 for titles in told(case).values())
    assert (
        AuditEntry.objects.filter(action__startswith="case.alert_", target_id=str(case.pk)).count()
        == 1
    )


def test_replied_and_closed_cases_get_no_alert(cw, django_capture_on_commit_callbacks):
    now = timezone.now()
    replied = escalated(case_in(cw, Status.REPLIED), now)
    closed = escalated(case_in(cw, Status.CLOSED), now)

    counts = sweep(django_capture_on_commit_callbacks, now)

    assert counts == NOTHING
    assert told(replied) == {} and told(closed) == {}
    assert Case.objects.get(pk=replied.pk).alert_level == AlertLevel.NONE


def test_a_reopened_case_is_alerted_again(cw, django_capture_on_commit_callbacks):
    now = timezone.now()
    admin, member = cw.users["community_admin"], cw.unit_member
    case = escalated(case_in(cw, Status.IN_PROGRESS), now)
    sweep(django_capture_on_commit_callbacks, now)
    services.reply_case(case=case, actor=member, text="已处理")
    services.record_callback(
        case=case,
        actor=admin,
        method="phone",
        contacted_in_time=True,
        solved=False,
        satisfied=False,
    )
    case.refresh_from_db()
    assert case.status == Status.REOPENED and case.alert_level == AlertLevel.NONE
    case = overdue(case, now)

    counts = sweep(django_capture_on_commit_callbacks, now)

    assert counts == {**NOTHING, "overdue": 1}
    titles = told(case)[member.pk]
    assert len(titles) == 2 and "escalated" in titles[0] and "is overdue (" in titles[1]


def test_a_claim_taken_by_another_sweep_is_not_sent_again(cw, django_capture_on_commit_callbacks):
    now = timezone.now()
    case = overdue(case_in(cw, Status.DISPATCHED), now)
    # Another sweep claimed the level between this one's read and its write.
    Case.objects.filter(pk=case.pk).update(alert_level=AlertLevel.OVERDUE)

    assert sweep(django_capture_on_commit_callbacks, now) == NOTHING
    assert told(case) == {}


def test_the_command_prints_the_counts(cw, django_capture_on_commit_callbacks):
    overdue(case_in(cw, Status.DISPATCHED), timezone.now())
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_case_alerts", stdout=out)

    assert out.getvalue().strip() == "Nearly due: 0, overdue: 1, escalated: 0."


def _count_queries(now) -> int:
    with CaptureQueriesContext(connection) as ctx:
        send_deadline_alerts(now=now)
    return len(ctx.captured_queries)


def test_the_sweep_reads_one_query_per_community_whatever_the_cases(cw):
    now = timezone.now()
    communities = 3  # the world's: community, other_community, far_community
    assert _count_queries(now) == 1 + communities
    # Untouched cases: not yet nearly due, already alerted, replied, closed.
    for status in (Status.RECEIVED, Status.DISPATCHED, Status.IN_PROGRESS):
        with_deadlines(
            case_in(cw, status), warn=now + HOUR, due=now + 2 * HOUR, escalate=now + 9 * HOUR
        )
        Case.objects.filter(pk=overdue(case_in(cw, status), now).pk).update(
            alert_level=AlertLevel.OVERDUE
        )
    escalated(case_in(cw, Status.REPLIED), now)
    escalated(case_in(cw, Status.CLOSED), now)

    assert _count_queries(now) == 1 + communities


def test_the_sweep_costs_the_same_for_each_alert_however_many_cases_wait(cw):
    now = timezone.now()
    first = overdue(case_in(cw, Status.DISPATCHED), now)
    few = _count_queries(now)
    for status in (Status.RECEIVED, Status.DISPATCHED, Status.CLOSED):
        for _n in range(3):
            with_deadlines(
                case_in(cw, status), warn=now + HOUR, due=now + 2 * HOUR, escalate=now + 9 * HOUR
            )
    second = overdue(case_in(cw, Status.DISPATCHED), now)

    many = _count_queries(now)

    assert many == few
    assert Case.objects.get(pk=first.pk).alert_level == AlertLevel.OVERDUE
    assert Case.objects.get(pk=second.pk).alert_level == AlertLevel.OVERDUE
