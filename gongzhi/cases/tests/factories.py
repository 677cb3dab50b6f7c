"""Cases in every status, made through the services, for the case tests.

`CaseWorld` adds to the shared `world` a handling unit (the grid's unit, with the grid worker
and a second member) and a property company unit. `case_in(cw, status)` walks a fresh case
through the state machine to the status asked for.
"""

import importlib
import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gongzhi.accounts.models import User
from gongzhi.cases import services
from gongzhi.cases.models import Case, Category, HandlingUnit, Status
from gongzhi.core.testing import factories as f


def ensure_seeded_categories() -> None:
    """Put the shared categories back if a flush took them (transactional and browser tests).

    They come from a data migration, which a flush between transactional tests empties;
    this runs the same seed function again when none are there.
    """
    if Category.objects.filter(community__isnull=True).exists():
        return
    from django.apps import apps

    migration = importlib.import_module("gongzhi.cases.migrations.0002_seed_categories")
    migration.seed(apps, None)


def seeded(code: str, kind: str = "event") -> Category:
    """A shared seed class by its 4-digit code, e.g. "0102" 暴露垃圾."""
    return Category.objects.get(
        community__isnull=True, kind=kind, major_code=code[:2], minor_code=code[2:]
    )


def png(name: str = "spot.png", colour=(200, 40, 40)) -> SimpleUploadedFile:
    """A small real PNG upload."""
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@dataclass
class CaseWorld:
    world: Any
    unit: HandlingUnit
    property_unit: HandlingUnit
    unit_member: object

    @property
    def users(self) -> dict:
        return self.world.users

    @property
    def community(self):
        return self.world.community


def make_case_world(world) -> CaseWorld:
    member: User = f.UserFactory(name="unit_member")  # type: ignore[assignment]
    unit = HandlingUnit.objects.create(
        community=world.community, kind=HandlingUnit.Kind.GRID, name="第一网格组", grid=world.grid
    )
    unit.members.add(world.users["grid_worker"], member)
    property_unit = HandlingUnit.objects.create(
        community=world.community,
        kind=HandlingUnit.Kind.PROPERTY_COMPANY,
        name="机械小区物业",
        compound=world.compound,
    )
    property_unit.members.add(world.users["property_manager"])
    return CaseWorld(world=world, unit=unit, property_unit=property_unit, unit_member=member)


@pytest.fixture
def cw(world) -> CaseWorld:
    return make_case_world(world)


def report(cw: CaseWorld, *, code: str = "0102", text: str = "楼下垃圾堆了三天", **extra) -> Case:
    """A resident's web report in the grid worker's grid (building 1)."""
    resident = cw.world.resident
    fields = {
        "community": cw.community,
        "category": seeded(code),
        "text": text,
        "channel": Case.Channel.WEB,
        "actor": cw.users["resident"],
        "reporter": cw.users["resident"],
        "reporter_resident": resident,
        "building": cw.world.building,
    }
    fields.update(extra)
    return services.report_case(**fields)


# The path through the state machine to each status, as (service, extra arguments).
def _steps(cw: CaseWorld):
    admin, member = cw.users["community_admin"], cw.unit_member
    return {
        Status.DISPATCHED: lambda c: services.dispatch_case(case=c, actor=admin, unit=cw.unit),
        Status.ACCEPTED: lambda c: services.accept_case(case=c, actor=member),
        Status.IN_PROGRESS: lambda c: services.start_case(case=c, actor=member),
        Status.REPLIED: lambda c: services.reply_case(case=c, actor=member, text="已清运"),
        Status.CALLBACK_DONE: lambda c: services.record_callback(
            case=c,
            actor=admin,
            method="phone",
            contacted_in_time=True,
            solved=True,
            satisfied=True,
        ),
        Status.CLOSED: lambda c: services.close_case(case=c, actor=admin),
    }


PATH = [
    Status.DISPATCHED,
    Status.ACCEPTED,
    Status.IN_PROGRESS,
    Status.REPLIED,
    Status.CALLBACK_DONE,
    Status.CLOSED,
]


def case_in(cw: CaseWorld, status: str, **report_extra) -> Case:
    """A fresh case brought to `status` through the services."""
    case = report(cw, **report_extra)
    admin = cw.users["community_admin"]
    if status == Status.RECEIVED:
        return case
    if status == Status.MERGED:
        main = report(cw, text="同一处垃圾")
        services.merge_case(case=case, into=main, actor=admin)
        return Case.objects.get(pk=case.pk)
    if status == Status.REDIRECTED_EMERGENCY:
        services.redirect_emergency(case=case, actor=admin, number="119")
        return Case.objects.get(pk=case.pk)
    if status == Status.RETURNED:
        services.dispatch_case(case=case, actor=admin, unit=cw.unit)
        services.return_case(case=case, actor=cw.unit_member, reason="不属于本网格")
        return Case.objects.get(pk=case.pk)
    if status == Status.REOPENED:
        case = case_in(cw, Status.CLOSED, **report_extra)
        services.reopen_case(case=case, actor=admin, reason="又堆起来了")
        return Case.objects.get(pk=case.pk)
    steps = _steps(cw)
    for step in PATH:
        steps[step](case)
        if step == status:
            break
    return Case.objects.get(pk=case.pk)
