"""Jixie's 共谋 board in the demo: the arts stage adopted as a matter, loaded once."""

import pytest

from gongzhi.core.demo import RESIDENT_PHONE, load_demo
from gongzhi.matters.models import Matter, MatterLink
from gongzhi.needs.demo import STAGE_TITLE, load_needs_demo
from gongzhi.needs.models import Need, NeedEvent, Support
from gongzhi.notifications.models import Message
from gongzhi.surveys.demo import load_survey_demo


@pytest.fixture
def demo(db):
    load_demo()
    load_survey_demo()


def test_the_arts_stage_is_a_matter_opened_from_the_elderly_residents_proposal(demo):
    loaded = load_needs_demo()

    stage = Need.objects.get(pk=loaded["need_id"])
    assert stage.title == STAGE_TITLE
    assert stage.kind == Need.Kind.PROPOSAL
    assert stage.status == Need.Status.ADOPTED
    assert stage.on_behalf and stage.consent_method == "verbal"
    assert stage.resident.phone == RESIDENT_PHONE
    assert stage.flagged_for_agenda_at is not None
    assert stage.support_count == Support.objects.filter(need=stage).count() > 80
    kinds = list(stage.events.order_by("created_at").values_list("kind", flat=True))
    assert kinds[0] == "created" and kinds[-1] == "adopted"
    assert {"replied", "accepted", "flagged", "merged_in"} <= set(kinds)
    matter = Matter.objects.get(opened_from=stage)
    assert set(MatterLink.objects.filter(matter=matter).values_list("kind", flat=True)) == {
        "need",
        "survey",
    }
    assert Message.objects.filter(recipient=stage.resident.user, kind="need.status").exists()


def test_the_board_has_needs_in_every_state_and_one_overdue(demo):
    load_needs_demo()

    community = Need.objects.get(title=STAGE_TITLE).community
    statuses = set(Need.objects.filter(community=community).values_list("status", flat=True))
    assert statuses == set(Need.Status.values)
    assert [n.title for n in Need.objects.filter(community=community) if n.is_overdue] == [
        "单元门禁经常失灵"
    ]
    merged = Need.objects.get(community=community, status="merged")
    assert merged.merged_into.title == STAGE_TITLE
    assert merged.support_count == 0
    assert NeedEvent.objects.filter(need=merged, kind="merged").exists()


def test_the_demo_loads_once(demo):
    # The registry demo (the `demo` fixture) has loaded the needs story already.
    stage = Need.objects.get(title=STAGE_TITLE)
    counts = (Need.objects.count(), Support.objects.count(), Matter.objects.count())

    again = load_needs_demo()

    assert again == {"created": False, "need_id": stage.pk}
    assert (Need.objects.count(), Support.objects.count(), Matter.objects.count()) == counts


def test_without_the_registry_demo_nothing_is_loaded(db):
    assert load_needs_demo() == {"created": False}
    assert not Need.objects.exists()
