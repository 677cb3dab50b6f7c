"""The call-back (DOMAIN.md §3): contacted in time? solved? satisfied? A dissatisfied answer
(not solved or not satisfied) reopens the case and starts a new call-back round."""

import pytest
from django.db import IntegrityError

from gongzhi.cases import services
from gongzhi.cases.models import CallBack, Status
from gongzhi.cases.services import CaseError

from .factories import case_in


def answer(cw, case, **answers):
    values = {"contacted_in_time": True, "solved": True, "satisfied": True, **answers}
    return services.record_callback(
        case=case, actor=cw.users["community_admin"], method="phone", **values
    )


def test_a_satisfied_answer_completes_the_call_back(cw):
    case = case_in(cw, Status.REPLIED)

    callback = answer(cw, case)

    case.refresh_from_db()
    assert case.status == Status.CALLBACK_DONE
    assert (callback.round, callback.is_latest, callback.community_id) == (
        1,
        True,
        cw.community.pk,
    )


@pytest.mark.parametrize("answers", [{"solved": False}, {"satisfied": False}])
def test_a_dissatisfied_answer_reopens_for_re_handling(cw, answers):
    case = case_in(cw, Status.REPLIED)
    old_due = case.due_at

    answer(cw, case, **answers)

    case.refresh_from_db()
    assert case.status == Status.REOPENED
    assert case.callback_round == 2
    assert case.due_at > old_due  # a new deadline from the reopening
    assert case.current_unit == cw.unit  # back to the same unit
    event = case.events.order_by("-id").first()
    assert (event.action, event.to_status) == ("callback", "reopened")


def test_not_contacted_in_time_alone_does_not_reopen(cw):
    case = case_in(cw, Status.REPLIED)

    answer(cw, case, contacted_in_time=False)

    case.refresh_from_db()
    assert case.status == Status.CALLBACK_DONE


def test_after_re_handling_the_latest_answer_is_the_one_that_counts(cw):
    case = case_in(cw, Status.REPLIED)
    answer(cw, case, satisfied=False)
    services.start_case(case=case, actor=cw.unit_member)
    services.reply_case(case=case, actor=cw.unit_member, text="重新清理")

    answer(cw, case)

    rows = list(
        CallBack.objects.filter(case=case)
        .order_by("round")
        .values_list("round", "satisfied", "is_latest")
    )
    assert rows == [(1, False, False), (2, True, True)]
    case.refresh_from_db()
    assert case.status == Status.CALLBACK_DONE


def test_an_unanswered_attempt_is_kept_and_changes_no_status(cw):
    case = case_in(cw, Status.REPLIED)

    services.record_callback(
        case=case, actor=cw.users["community_admin"], method="phone", answered=False
    )

    case.refresh_from_db()
    assert case.status == Status.REPLIED
    attempt = CallBack.objects.get(case=case)
    assert (attempt.answered, attempt.is_latest, attempt.solved) == (False, False, None)


def test_a_partial_answer_is_refused_and_nothing_is_written(cw):
    case = case_in(cw, Status.REPLIED)

    with pytest.raises(CaseError) as refused:
        answer(cw, case, solved=None)

    assert refused.value.field == "satisfied"
    assert not CallBack.objects.filter(case=case).exists()
    case.refresh_from_db()
    assert case.status == Status.REPLIED


def test_the_reporter_answers_online(cw):
    case = case_in(cw, Status.REPLIED)

    services.record_callback(
        case=case,
        actor=cw.users["resident"],
        method="online",
        contacted_in_time=True,
        solved=True,
        satisfied=True,
    )

    callback = CallBack.objects.get(case=case)
    assert (callback.method, callback.by) == ("online", cw.users["resident"])


def test_the_database_keeps_one_answer_per_round(cw):
    case = case_in(cw, Status.CALLBACK_DONE)

    with pytest.raises(IntegrityError):
        CallBack.objects.create(
            case=case,
            community=cw.community,
            round=1,
            at=case.updated_at,
            method="sms",
            contacted_in_time=True,
            solved=True,
            satisfied=True,
        )
