"""Dispatch and 首接负责: the first unit dispatched owns the case until it is returned."""

import pytest

from gongzhi.cases import services
from gongzhi.cases.models import HandlingUnit, Status
from gongzhi.cases.services import CaseError
from gongzhi.notifications.models import Message

from .factories import case_in, report, seeded


def test_the_first_unit_dispatched_owns_the_case(cw, django_capture_on_commit_callbacks):
    case = report(cw)
    with django_capture_on_commit_callbacks(execute=True):
        services.dispatch_case(case=case, actor=cw.users["community_admin"], unit=cw.unit)

    case.refresh_from_db()
    assert case.status == Status.DISPATCHED
    assert case.owner_unit == case.current_unit == cw.unit
    assert case.dispatched_at is not None
    assert Message.objects.filter(recipient=cw.unit_member, kind="case.dispatched").exists()
    assert Message.objects.filter(recipient=cw.users["resident"], kind="case.dispatched").exists()
    # The one who dispatched is not told what they did.
    assert not Message.objects.filter(recipient=cw.users["community_admin"]).exists()


def test_returning_with_a_reason_ends_ownership_and_the_next_unit_owns_it(cw):
    case = case_in(cw, Status.RETURNED)
    assert case.owner_unit is None and case.current_unit is None
    assert case.events.get(action="return").text == "不属于本网格"

    services.dispatch_case(case=case, actor=cw.users["community_admin"], unit=cw.property_unit)

    case.refresh_from_db()
    assert case.owner_unit == case.current_unit == cw.property_unit


def test_a_return_without_a_reason_is_refused(cw):
    case = case_in(cw, Status.DISPATCHED)

    with pytest.raises(CaseError) as refused:
        services.return_case(case=case, actor=cw.unit_member, reason="  ")

    assert refused.value.field == "reason"
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED and case.owner_unit == cw.unit


def test_a_unit_of_another_community_is_refused(cw):
    case = report(cw)
    elsewhere = HandlingUnit.objects.create(
        community=cw.world.other_community, kind="team", name="爱民志愿队"
    )

    with pytest.raises(CaseError):
        services.dispatch_case(case=case, actor=cw.users["community_admin"], unit=elsewhere)

    case.refresh_from_db()
    assert case.status == Status.RECEIVED and case.current_unit is None


def test_recategorising_at_dispatch_recomputes_the_deadline_from_the_report(cw):
    case = report(cw, code="0102")
    old_due = case.due_at

    services.dispatch_case(
        case=case, actor=cw.users["community_admin"], unit=cw.unit, category=seeded("0101")
    )

    case.refresh_from_db()
    assert case.category == seeded("0101")
    assert case.due_at > old_due  # 15 working days instead of 2
    assert case.events.get(action="dispatch").data["category"] == "0101"
