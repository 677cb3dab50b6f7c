"""Emergencies are redirected to 110/119/120, not handled as cases (DOMAIN.md §3)."""

import pytest

from gongzhi.cases import services
from gongzhi.cases.models import Case, Status
from gongzhi.cases.services import CaseError
from gongzhi.notifications.models import Message

from .factories import report


def test_an_emergency_is_closed_as_redirected_with_its_number(
    cw, django_capture_on_commit_callbacks
):
    case = report(cw, code="0404", text="楼道里有烟，闻到焦味")

    with django_capture_on_commit_callbacks(execute=True):
        services.redirect_emergency(case=case, actor=cw.users["community_worker"], number="119")

    case.refresh_from_db()
    assert case.status == Status.REDIRECTED_EMERGENCY
    assert case.emergency_number == "119" and case.closed_at is not None
    assert case.current_unit is None
    assert case.events.get(action="redirect").data == {"number": "119"}
    message = Message.objects.get(recipient=cw.users["resident"], kind="case.redirected_emergency")
    assert "119" in message.title
    assert not Case.objects.awaiting_reply().filter(pk=case.pk).exists()


def test_only_the_three_numbers_are_accepted(cw):
    case = report(cw)

    with pytest.raises(CaseError) as refused:
        services.redirect_emergency(case=case, actor=cw.users["community_admin"], number="12345")

    assert refused.value.field == "number"
    case.refresh_from_db()
    assert case.status == Status.RECEIVED
