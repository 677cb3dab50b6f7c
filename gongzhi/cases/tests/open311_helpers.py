"""Cases in known states for the Open311 tests, made through the case services."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from gongzhi.accounts.models import ApiToken, hash_token
from gongzhi.cases import services
from gongzhi.cases.models import Case, Category, HandlingUnit
from gongzhi.core.testing.factories import UserFactory


@dataclass
class Open311World:
    world: object
    jurisdiction: str
    api_key: str
    app_user: object
    unit: HandlingUnit
    received: Case
    dispatched: Case
    closed: Case
    merged: Case
    old: Case
    elsewhere: Case


def seeded(code: str, kind: str = "event") -> Category:
    return Category.objects.get(
        community__isnull=True, kind=kind, major_code=code[:2], minor_code=code[2:]
    )


def new_api_key(user) -> str:
    raw = ApiToken.new_raw_token()
    ApiToken.objects.create(user=user, name="app", prefix=raw[:8], token_hash=hash_token(raw))
    return raw


def report(world, community=None, *, text="楼下垃圾堆了三天", code="0102", **extra) -> Case:
    return services.report_case(
        community=community or world.community,
        category=seeded(code),
        text=text,
        channel=Case.Channel.WEB,
        actor=world.users["resident"],
        reporter=world.users["resident"],
        address=extra.pop("address", "机械小区1栋旁"),
        **extra,
    )


def build(world) -> Open311World:
    admin = world.users["community_admin"]
    unit = HandlingUnit.objects.create(community=world.community, kind="grid", name="第一网格组")
    unit.members.add(world.users["grid_worker"])
    old = report(world, text="很久以前的问题")
    Case.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=120))
    received = report(
        world, text="路灯不亮", latitude=Decimal("30.123456"), longitude=Decimal("113.654321")
    )
    dispatched = services.dispatch_case(
        case=report(world, text="绿地里有垃圾", code="0106"), actor=admin, unit=unit
    )
    closed = report(world, text="通道被杂物堵住")
    services.dispatch_case(case=closed, actor=admin, unit=unit)
    worker = world.users["grid_worker"]
    services.accept_case(case=closed, actor=worker)
    services.start_case(case=closed, actor=worker)
    services.reply_case(case=closed, actor=worker, text="杂物已清运，通道恢复畅通。")
    services.record_callback(
        case=closed,
        actor=admin,
        method="phone",
        contacted_in_time=True,
        solved=True,
        satisfied=True,
    )
    services.close_case(case=closed, actor=admin)
    merged = services.merge_case(case=report(world, text="同一堆垃圾"), into=received, actor=admin)
    elsewhere = report(world, world.other_community, text="别的社区的问题")
    app_user = UserFactory(name="app")
    for case in (received, dispatched, closed, merged, old, elsewhere):
        case.refresh_from_db()
    return Open311World(
        world=world,
        jurisdiction=world.community.full_code,
        api_key=new_api_key(app_user),
        app_user=app_user,
        unit=unit,
        received=received,
        dispatched=dispatched,
        closed=closed,
        merged=merged,
        old=old,
        elsewhere=elsewhere,
    )
