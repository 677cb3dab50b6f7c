"""The categories admin page: the community admin edits limits, criteria, default units and
adds minor classes; a shared class is copied for the community, others keep the seed."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from gongzhi.cases.models import Category, TimeUnit
from gongzhi.cases.services import deadlines_for
from gongzhi.core.models import AuditEntry

from .factories import report, seeded


def test_the_page_lists_the_seeded_two_level_table(client, cw):
    client.force_login(cw.users["community_admin"])

    response = client.get(reverse("cases:categories", args=[cw.community.pk]))

    assert response.status_code == 200
    majors = [g["major"].code for g in response.context["groups"]]
    assert majors[:6] == ["01", "02", "03", "04", "05", "99"]
    first = response.context["groups"][0]
    assert [c.name for c in first["minors"]] == [
        "私搭乱建",
        "暴露垃圾",
        "积存垃圾渣土",
        "道路不洁",
        "水域不洁",
        "绿地脏乱",
    ]


@pytest.mark.parametrize(
    "role", ["community_worker", "grid_worker", "subdistrict_official", "resident", "far_admin"]
)
def test_only_the_community_admin_opens_it(client, cw, role):
    client.force_login(cw.users[role])

    assert client.get(reverse("cases:categories", args=[cw.community.pk])).status_code == 404


def test_editing_a_shared_class_copies_it_for_this_community_only(client, cw):
    shared = seeded("0102")
    client.force_login(cw.users["community_admin"])

    response = client.post(
        reverse("cases:category-edit", args=[cw.community.pk, shared.pk]),
        {
            "name": "暴露垃圾",
            "time_limit": "8",
            "time_unit": TimeUnit.WORKING_HOURS,
            "closing_criteria": "当日清运",
            "default_unit": cw.unit.pk,
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    own = Category.objects.get(community=cw.community, major_code="01", minor_code="02")
    assert (own.time_limit, own.time_unit, own.default_unit, own.based_on) == (
        8,
        TimeUnit.WORKING_HOURS,
        cw.unit,
        shared,
    )
    shared.refresh_from_db()
    assert shared.time_limit == 2  # the seed is untouched
    in_use = Category.objects.for_community(cw.community).filter(
        kind="event", major_code="01", minor_code="02"
    )
    assert list(in_use) == [own]
    elsewhere = Category.objects.for_community(cw.world.other_community)
    assert list(elsewhere.filter(major_code="01", minor_code="02", kind="event")) == [shared]
    assert AuditEntry.objects.filter(action="case.category_update").exists()
    # New reports use the community's limit, which is shorter than the seed's (compared from
    # a Monday morning: from a weekend night both deadlines fall on the next working day).
    case = report(cw, category=own)
    assert case.due_at == deadlines_for(own, case.created_at).due_at
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert deadlines_for(own, monday).due_at < deadlines_for(shared, monday).due_at


def test_adding_a_minor_class(client, cw):
    client.force_login(cw.users["community_admin"])
    major = Category.objects.get(
        community__isnull=True, kind="event", major_code="99", minor_code=""
    )

    response = client.post(
        reverse("cases:category-add", args=[cw.community.pk]),
        {
            "major": major.pk,
            "minor_code": "02",
            "name": "楼道堆物",
            "time_limit": "3",
            "time_unit": TimeUnit.WORKING_DAYS,
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    added = Category.objects.get(community=cw.community, major_code="99", minor_code="02")
    assert added.parent == major and added.name == "楼道堆物"


def test_a_taken_code_is_refused_and_the_form_kept(client, cw):
    client.force_login(cw.users["community_admin"])
    major = Category.objects.get(
        community__isnull=True, kind="event", major_code="01", minor_code=""
    )

    response = client.post(
        reverse("cases:category-add", args=[cw.community.pk]),
        {
            "major": major.pk,
            "minor_code": "02",
            "name": "重复",
            "time_limit": "3",
            "time_unit": TimeUnit.WORKING_DAYS,
        },
    )

    assert response.status_code == 200
    assert "already used" in response.content.decode()
    assert not Category.objects.filter(community=cw.community).exists()
