"""A need (诉求) turned into a case: the need's author follows it as its reporter."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gongzhi.cases import services
from gongzhi.cases.models import Case, Status
from gongzhi.cases.services import CaseError
from gongzhi.needs.categories import ensure_categories
from gongzhi.needs.models import Need

from .factories import seeded


def need_of(cw, **fields) -> Need:
    defaults = {
        "title": "1栋楼道灯不亮",
        "text": "1栋三楼楼道灯坏了一个月，老人晚上上下楼看不清。",
        "category": ensure_categories(cw.community)[0],
        "response_due_at": timezone.now() + timedelta(days=7),
        "author": cw.users["resident"],
        "resident": cw.world.resident,
        "building": cw.world.building,
        "compound": cw.world.compound,
    }
    defaults.update(fields)
    return Need.objects.create(community=cw.community, **defaults)


def test_a_need_becomes_a_case_with_its_author_as_reporter(cw):
    need = need_of(cw)

    case = services.create_case_from_need(
        need=need, actor=cw.users["community_worker"], category=seeded("0102", kind="component")
    )

    case.refresh_from_db()
    assert (case.status, case.channel, case.need) == (Status.RECEIVED, Case.Channel.NEED, need)
    assert case.title == need.title and case.text == need.text
    assert case.reporter == cw.users["resident"]
    assert case.reporter_resident == cw.world.resident
    assert case.building == cw.world.building and case.grid == cw.world.grid
    assert list(need.cases.all()) == [case]


def test_a_need_without_a_place_is_placed_in_its_community(cw):
    need = need_of(cw, building=None, compound=None)

    case = services.create_case_from_need(
        need=need, actor=cw.users["community_admin"], category=seeded("9901")
    )

    assert case.address == cw.community.name


def test_a_major_class_is_refused(cw):
    need = need_of(cw)
    major = seeded("01")  # the major class 01 市容环境

    with pytest.raises(CaseError):
        services.create_case_from_need(need=need, actor=cw.users["community_admin"], category=major)

    assert not Case.objects.exists()
