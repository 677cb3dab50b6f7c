"""Response deadlines in working days, and the community admin's overdue list."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.core.workdays import DayOverride
from gongzhi.needs import services
from gongzhi.needs.models import Need, NeedSettings

from .helpers import category_of, make_need

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def test_the_deadline_is_five_working_days_skipping_the_weekend(world):
    friday = at(date(2026, 3, 6))

    assert services.response_due(world.community, friday) == at(date(2026, 3, 13))


def test_the_deadline_skips_holidays_and_counts_adjusted_working_days(world):
    # 2026 National Day: 1-7 October off, Saturday 10 October worked (调休), as in the
    # published schedule the core migration loads (made sure of here: a transactional test
    # run before this one may have emptied the table).
    for day in range(1, 8):
        DayOverride.objects.update_or_create(
            date=date(2026, 10, day), defaults={"is_workday": False, "name": "国庆节"}
        )
    DayOverride.objects.update_or_create(
        date=date(2026, 10, 10), defaults={"is_workday": True, "name": "国庆节调休上班"}
    )

    due = services.response_due(world.community, at(date(2026, 9, 30)))

    # 8, 9 (Thu, Fri), 10 (Saturday worked), 12, 13 October.
    assert due == at(date(2026, 10, 13))


def test_a_community_sets_its_own_response_time(world):
    NeedSettings.objects.create(community=world.community, response_working_days=2)

    assert services.response_due(world.community, at(date(2026, 3, 6))) == at(date(2026, 3, 10))


def test_a_raised_need_gets_the_deadline(world, screen_passes):
    need = services.raise_need(
        community=world.community,
        actor=world.users["resident"],
        title="路灯",
        text="坏了",
        category=category_of(world.community),
    )

    expected = services.response_due(world.community, need.created_at)
    assert abs(need.response_due_at - expected) < timedelta(seconds=1)
    assert need.response_due_at >= need.created_at + timedelta(days=5)


def test_the_overdue_list_shows_needs_without_a_response_past_their_deadline(client, world):
    past = timezone.now() - timedelta(days=1)
    late = make_need(world.community, author=world.users["resident"], response_due_at=past)
    make_need(world.community, author=world.users["resident"], title="未到期")
    answered = make_need(world.community, author=world.users["resident"], response_due_at=past)
    services.reply_to_need(need=answered, actor=world.users["community_worker"], text="已答复")
    make_need(
        world.community,
        author=world.users["resident"],
        response_due_at=past,
        moderation_status="held",
    )
    make_need(world.other_community, author=world.users["resident"], response_due_at=past)
    client.force_login(world.users["community_admin"])

    response = client.get(reverse("needs:overdue", args=[world.community.pk]))

    assert response.status_code == 200
    assert [n.pk for n in response.context["page"].object_list] == [late.pk]
    assert late.is_overdue
    answered.refresh_from_db()
    assert not answered.is_overdue


def test_the_overdue_entry_leads_the_admin_to_their_community(client, world):
    client.force_login(world.users["community_admin"])

    response = client.get(reverse("needs:overdue-index"))

    assert response.status_code == 302
    assert response["Location"] == reverse("needs:overdue", args=[world.community.pk])


def test_workers_do_not_get_the_overdue_list(client, world):
    client.force_login(world.users["community_worker"])

    assert client.get(reverse("needs:overdue", args=[world.community.pk])).status_code == 404
    assert client.get(reverse("needs:overdue-index")).status_code == 404


def test_the_nav_offers_the_board_to_everyone_with_a_role_and_overdue_to_admins(client, world):
    client.force_login(world.users["community_admin"])
    admin_nav = client.get(reverse("needs:board", args=[world.community.pk])).content.decode()
    client.force_login(world.users["property_manager"])
    manager_nav = client.get(reverse("needs:board", args=[world.community.pk])).content.decode()

    assert reverse("needs:overdue-index") in admin_nav
    assert reverse("needs:index") in manager_nav
    assert reverse("needs:overdue-index") not in manager_nav


def test_need_is_overdue_only_without_a_response():
    need = Need(response_due_at=timezone.now() - timedelta(hours=1))
    assert need.is_overdue
    need.first_response_at = timezone.now()
    assert not need.is_overdue
