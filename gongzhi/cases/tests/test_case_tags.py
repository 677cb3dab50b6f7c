"""The status badge and the deadline shown on the case page and in every case list."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from gongzhi.cases.models import Case, Status

NOW = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
HOUR = dt.timedelta(hours=1)


def rendered(case: Case, language: str = "en") -> tuple[str, str]:
    template = Template("{% load case_tags %}{% case_status case %}|{% case_due case now %}")
    with translation.override(language):
        status, due = template.render(Context({"case": case, "now": NOW})).split("|")
    return status, due


def test_an_awaited_reply_past_its_deadline_is_flagged_overdue():
    status, due = rendered(Case(status=Status.DISPATCHED, due_at=NOW - HOUR))

    assert status == '<span class="case-status case-status-dispatched">Dispatched</span>'
    assert due == '<span class="due-overdue">⚠ Overdue: 2026-03-02 09:00</span>'


def test_the_last_part_of_the_time_limit_is_flagged_nearly_due():
    case = Case(status=Status.ACCEPTED, due_at=NOW + 2 * HOUR, warn_at=NOW - HOUR)

    assert rendered(case)[1] == '<span class="due-nearly">⏰ Nearly due: 2026-03-02 12:00</span>'


@pytest.mark.parametrize(
    ("status", "due_at", "shown"),
    [
        (Status.RECEIVED, NOW + 48 * HOUR, "Due: 2026-03-04 10:00"),  # not near yet
        (Status.REPLIED, NOW - 72 * HOUR, "Due: 2026-02-27 10:00"),  # answered: not overdue
        (Status.CLOSED, NOW - HOUR, "Due: 2026-03-02 09:00"),
    ],
)
def test_other_deadlines_are_shown_plainly(status, due_at, shown):
    case = Case(status=status, due_at=due_at, warn_at=NOW + 24 * HOUR)

    assert rendered(case)[1] == shown


def test_a_case_without_a_deadline_shows_none():
    assert rendered(Case(status=Status.MERGED, due_at=None))[1] == ""


def test_both_speak_chinese():
    status, due = rendered(Case(status=Status.CLOSED, due_at=NOW - HOUR), language="zh-hans")
    overdue = rendered(Case(status=Status.RECEIVED, due_at=NOW - HOUR), language="zh-hans")[1]

    assert status == '<span class="case-status case-status-closed">已关闭</span>'
    assert due == "期限: 2026-03-02 09:00"
    assert overdue == '<span class="due-overdue">⚠ 已超期: 2026-03-02 09:00</span>'
