"""Closing after the call-back, closing without one, and reopening a closed case."""

import pytest

from gongzhi.cases import services
from gongzhi.cases.models import Case, Status
from gongzhi.cases.services import CaseError

from .factories import case_in, report


def test_a_replied_case_cannot_close_before_the_reporter_is_called(cw):
    case = case_in(cw, Status.REPLIED)

    with pytest.raises(CaseError) as refused:
        services.close_case(case=case, actor=cw.users["community_admin"])

    assert refused.value.code == "callback_needed"
    case.refresh_from_db()
    assert case.status == Status.REPLIED and case.closed_at is None


def test_it_closes_after_an_unanswered_attempt(cw):
    case = case_in(cw, Status.REPLIED)
    services.record_callback(
        case=case, actor=cw.users["community_admin"], method="phone", answered=False
    )

    services.close_case(case=case, actor=cw.users["community_admin"])

    case.refresh_from_db()
    assert case.status == Status.CLOSED


def test_a_patrol_case_with_nobody_to_call_closes_after_the_reply(cw):
    case = report(
        cw,
        channel=Case.Channel.PATROL,
        actor=cw.users["grid_worker"],
        reporter=None,
        reporter_resident=None,
    )
    admin, member = cw.users["community_admin"], cw.unit_member
    services.dispatch_case(case=case, actor=admin, unit=cw.unit)
    services.accept_case(case=case, actor=member)
    services.start_case(case=case, actor=member)
    services.reply_case(case=case, actor=member, text="已清理")

    services.close_case(case=case, actor=admin)

    case.refresh_from_db()
    assert case.status == Status.CLOSED


def test_reopening_a_closed_case_starts_a_new_round_and_deadline(cw):
    case = case_in(cw, Status.CLOSED)

    services.reopen_case(case=case, actor=cw.users["community_admin"], reason="又堆起来了")

    case.refresh_from_db()
    assert case.status == Status.REOPENED
    assert case.closed_at is None and case.callback_round == 2
    assert case.due_at > case.replied_at


def test_a_reopening_needs_a_reason(cw):
    case = case_in(cw, Status.CLOSED)

    with pytest.raises(CaseError):
        services.reopen_case(case=case, actor=cw.users["community_admin"], reason="")

    case.refresh_from_db()
    assert case.status == Status.CLOSED
