"""The cases of the Zhouji demo (SCENARIO.md stories 2, 3 and 4, and a year of ordinary work).

- Leitan village's clean-up campaign (专项行动) of 8 sanitation dead spots in April and May,
  at realistic stages: most cleared, called back and closed, one awaiting its call-back, the
  removal of long-unclaimed items still in progress.
- Jixie community's three long-standing demands (兴隆河道环境整治, 江钻厂区大门北面道路硬化,
  未就业帮扶人员技能培训), closed and rated by call-back.
- Aimin Road's illegal sheds (爱民路违建拆除, 01-01), closed with the residents' agreement
  recorded on the timeline.
- A few hundred ordinary cases over the past year in the three places, so the three rates
  have data: most closed after a call-back, a few reopened by a dissatisfied answer, some
  late, a few returned, merged or redirected, the recent ones still open.

load_cases_demo() runs after the registry demo (gongzhi/core/demo.py). It is idempotent (a
second run finds the campaign and changes nothing) and deterministic (one seeded Random, times
relative to today). Each case's timeline is played forward as the services would and stops
at "now", so the most recent cases are still open; rows are written with bulk_create.

Loaded after the needs demo, it also puts the stories on their matters' timelines
(link_to_matters()): the cases of the two demands Jixie adopted on its needs board join the
matter the adoption opens. The skills training was only accepted on the board and Aimin
Road's sheds never were a need, so those cases have no matter to join.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from gongzhi.accounts.models import Role, RoleAssignment, User
from gongzhi.core.audit import record
from gongzhi.core.demo import AIMIN, JIXIE, LEITAN, RESIDENT_PHONE, SUBDISTRICT_CODE
from gongzhi.core.workdays import WorkCalendar
from gongzhi.registry.models import Building, Community, Compound, Grid, Resident

from .models import (
    Action,
    CallBack,
    Campaign,
    Case,
    CaseEvent,
    Category,
    HandlingUnit,
    Status,
)
from .services import deadlines_for

SEED = 20260405
ZONE = ZoneInfo(settings.TIME_ZONE)
CAMPAIGN_TITLE = "雷潭村卫生死角清理专项行动"
ORDINARY = {JIXIE: 200, AIMIN: 70, LEITAN: 70}
# A caller whose registry record was not found.
NOBODY: dict = {"id": None, "name": "", "phone": ""}
H = timedelta(hours=1)
D = timedelta(days=1)
MINUTE = timedelta(minutes=1)

# --- What ordinary cases are about ---------------------------------------------------------

# (kind, code, weight per place kind, texts). Weights: (urban, village).
TOPICS = [
    (
        "event",
        "0102",
        (14, 14),
        ("楼栋旁垃圾桶外堆满生活垃圾，有异味", "单元门口有人丢弃旧沙发", "绿化带里倒了装修垃圾"),
    ),
    (
        "event",
        "0103",
        (4, 12),
        ("空地上积存的建筑渣土很久没人清", "屋后堆了一冬的秸秆和杂物", "巷子里堆着废旧木料"),
    ),
    ("event", "0104", (6, 4), ("小区主干道有一大片油污", "路面泥土多，下雨很滑")),
    ("event", "0105", (2, 8), ("沟渠里漂着塑料袋和杂草", "池塘边有人倒垃圾，水发臭")),
    ("event", "0106", (4, 3), ("绿地被人开荒种菜", "草坪上堆放杂物")),
    ("event", "0101", (3, 2), ("一楼住户在院子里搭建彩钢棚", "楼顶有人加盖小房子")),
    ("event", "0201", (5, 1), ("楼道墙上贴满开锁小广告", "单元门上喷涂了办证广告")),
    ("event", "0301", (3, 1), ("晚上十点后还在装修，电钻声很吵",)),
    ("event", "0501", (4, 1), ("小区门口有流动摊贩占道经营",)),
    ("event", "0502", (8, 2), ("消防通道被私家车堵住", "电动车停在楼道里充电，很危险")),
    ("event", "0503", (4, 1), ("广场舞音响声音太大，影响休息",)),
    ("component", "0102", (8, 5), ("楼道灯不亮，老人上下楼看不清", "路灯坏了，晚上很黑")),
    ("component", "0101", (3, 2), ("井盖松动，走上去咣当响", "井盖缺了一块，有安全隐患")),
    ("component", "0201", (4, 5), ("路面有坑，雨天积水", "村道塌了一块")),
    ("component", "0301", (5, 4), ("垃圾桶破了，垃圾漏一地", "垃圾桶满了两天没清运")),
    ("component", "0502", (5, 1), ("单元门门禁坏了", "楼梯扶手松动")),
    ("component", "0601", (2, 1), ("健身器材螺丝松动，老人用着不放心",)),
    ("event", "9901", (4, 3), ("想咨询老年食堂什么时候开放", "希望小区里多放几把休息座椅")),
]
REPLIES = (
    "已安排人员到现场处理，现已清理干净。",
    "已到现场核实并处理完毕，请居民监督。",
    "已联系责任方整改到位，后续纳入日常巡查。",
    "已维修完成，经现场测试恢复正常。",
)
DISSATISFIED = ("只处理了一半，还有没清完的", "过两天又堆起来了", "没人联系过我就说处理好了")
RETURN_REASONS = (
    "该问题属于物业管理范围，请转物业公司处理。",
    "不在本网格范围，请重新派给所在网格。",
)


# --- Units -------------------------------------------------------------------------------


@dataclass
class Place:
    """What a community's cases need: its units, buildings, staff logins and residents."""

    community: Community
    grid_units: dict = field(default_factory=dict)  # grid id -> unit
    property_units: dict = field(default_factory=dict)  # compound id -> unit
    department: HandlingUnit | None = None
    team: HandlingUnit | None = None
    buildings: list = field(default_factory=list)  # (id, compound id, grid id, label)
    dispatchers: list = field(default_factory=list)
    resident_ids: tuple[int, int] = (0, -1)


def _unit(community, kind, name, members=(), **place) -> HandlingUnit:
    unit = HandlingUnit.objects.create(community=community, kind=kind, name=name, **place)
    if members:
        unit.members.add(*members)
    return unit


def _place(community: Community) -> Place:
    """Create the community's handling units and gather what the cases draw on."""
    place = Place(community=community)
    for grid in Grid.objects.filter(community=community).order_by("code"):
        members = [grid.worker] if grid.worker_id else []
        place.grid_units[grid.pk] = _unit(
            community, HandlingUnit.Kind.GRID, f"{grid.name}服务组", members, grid=grid
        )
    managers = RoleAssignment.objects.filter(role=Role.PROPERTY_MANAGER).select_related("user")
    by_compound: dict[int | None, list] = {}
    for row in managers.filter(compound__community=community):
        by_compound.setdefault(row.compound_id, []).append(row.user)
    if community.kind == Community.Kind.URBAN:
        for compound in Compound.objects.filter(community=community).order_by("name"):
            place.property_units[compound.pk] = _unit(
                community,
                HandlingUnit.Kind.PROPERTY_COMPANY,
                f"{compound.name}物业服务中心",
                by_compound.get(compound.pk, ()),
                compound=compound,
                phone="0728-6" + f"{compound.pk % 1000000:06d}",
            )
    staff = list(
        User.objects.filter(
            roles__community=community,
            roles__role__in=(Role.COMMUNITY_ADMIN, Role.COMMUNITY_WORKER),
        )
        .distinct()
        .order_by("phone")
    )
    place.dispatchers = staff
    if community.kind == Community.Kind.VILLAGE:
        place.department = _unit(
            community, HandlingUnit.Kind.DEPARTMENT, "村两委环境整治专班", staff
        )
        place.team = _unit(community, HandlingUnit.Kind.TEAM, "村保洁队")
    else:
        place.department = _unit(community, HandlingUnit.Kind.DEPARTMENT, "社区环境整治专班", staff)
        place.team = _unit(community, HandlingUnit.Kind.TEAM, "红色志愿服务队")
    place.buildings = [
        (b.pk, b.compound_id, b.grid_id, f"{b.compound.name}{b.name}")
        for b in Building.objects.filter(community=community)
        .select_related("compound")
        .order_by("id")
    ]
    ids = Resident.objects.filter(community=community).aggregate(lo=Min("id"), hi=Max("id"))
    place.resident_ids = (ids["lo"] or 0, ids["hi"] or -1)
    return place


def _unit_for(place: Place, rng, kind: str, code: str, compound_id, grid_id):
    """The unit that handles this class of problem at this place."""
    property_unit = place.property_units.get(compound_id)
    grid_unit = place.grid_units.get(grid_id) or next(iter(place.grid_units.values()))
    if kind == "component":
        return property_unit or place.department
    if code in ("0501", "0503", "0101", "0301"):
        return place.department
    if code in ("0102", "0103", "0106") and property_unit and rng.random() < 0.5:
        return property_unit
    if code == "0105":
        return place.team
    return grid_unit


# --- Timelines ---------------------------------------------------------------------------


@dataclass
class Step:
    at: datetime
    action: str
    unit: HandlingUnit | None = None
    actor: User | None = None
    text: str = ""
    data: dict = field(default_factory=dict)
    answers: tuple | None = None  # (contacted_in_time, solved, satisfied, method, by)


class Story:
    """One case and the steps that happen to it; play() applies those before `now`."""

    def __init__(self, case: Case, calendar: WorkCalendar):
        self.case = case
        self.calendar = calendar
        self.steps: list[Step] = []
        self.events: list[CaseEvent] = []
        self.callbacks: list[CallBack] = []
        self.merge_target: Case | None = None

    def add(self, at: datetime, action: str, **kwargs) -> datetime:
        self.steps.append(Step(at=at, action=action, **kwargs))
        return at

    def play(self, now: datetime) -> None:
        case = self.case
        deadlines = deadlines_for(case.category, case.created_at, self.calendar)
        case.due_at, case.warn_at, case.escalate_at = (
            deadlines.due_at,
            deadlines.warn_at,
            deadlines.escalate_at,
        )
        case.status = Status.RECEIVED
        self._event(
            case.created_at,
            Action.RECEIVE,
            "",
            Status.RECEIVED,
            text=case.text,
            data={"channel": case.channel},
            actor=case.created_by,
        )
        for step in sorted(self.steps, key=lambda s: s.at):
            if step.at > now:
                break
            self._apply(step)
        case.updated_at = max([case.created_at] + [e.at for e in self.events])

    def _event(self, at, action, from_status, to_status, **kwargs) -> None:
        self.events.append(
            CaseEvent(at=at, action=action, from_status=from_status, to_status=to_status, **kwargs)
        )

    def _apply(self, step: Step) -> None:
        case = self.case
        before = case.status
        after = before
        if step.action == Action.DISPATCH:
            after = Status.DISPATCHED
            case.current_unit = step.unit
            case.owner_unit = case.owner_unit or step.unit
            case.dispatched_at = step.at
        elif step.action == Action.ACCEPT:
            after, case.accepted_at = Status.ACCEPTED, step.at
        elif step.action == Action.RETURN:
            after = Status.RETURNED
            if case.owner_unit == case.current_unit:
                case.owner_unit = None
            case.current_unit = None
        elif step.action == Action.START:
            after = Status.IN_PROGRESS
        elif step.action == Action.REPLY:
            after, case.replied_at, case.reply_text = Status.REPLIED, step.at, step.text
        elif step.action == Action.CALLBACK and step.answers is None:
            self.callbacks.append(
                CallBack(
                    community_id=case.community_id,
                    round=case.callback_round,
                    at=step.at,
                    by=step.actor,
                    method="phone",
                    answered=False,
                    comment=step.text,
                )
            )
            step.data = {"answered": False, "method": "phone", "round": case.callback_round}
        elif step.action == Action.CALLBACK and step.answers is not None:
            contacted, solved, satisfied, method, by = step.answers
            for old in self.callbacks:
                old.is_latest = False
            self.callbacks.append(
                CallBack(
                    community_id=case.community_id,
                    round=case.callback_round,
                    at=step.at,
                    by=by,
                    method=method,
                    answered=True,
                    contacted_in_time=contacted,
                    solved=solved,
                    satisfied=satisfied,
                    comment=step.text,
                    is_latest=True,
                )
            )
            step.data = {
                "answered": True,
                "method": method,
                "round": case.callback_round,
                "contacted_in_time": contacted,
                "solved": solved,
                "satisfied": satisfied,
            }
            if solved and satisfied:
                after = Status.CALLBACK_DONE
            else:
                after = Status.REOPENED
                case.callback_round += 1
                self._renew_deadlines(step.at)
        elif step.action == Action.CLOSE:
            after, case.closed_at = Status.CLOSED, step.at
        elif step.action == Action.MERGE:
            after, case.closed_at = Status.MERGED, step.at
        elif step.action == Action.REDIRECT:
            after, case.closed_at = Status.REDIRECTED_EMERGENCY, step.at
            case.emergency_number = step.data["number"]
        case.status = after
        unit = step.unit or (case.current_unit if step.action != Action.RETURN else None)
        self._event(
            step.at,
            step.action,
            "" if step.action == Action.NOTE else before,
            "" if step.action == Action.NOTE else after,
            unit=unit,
            actor=step.actor,
            text=step.text,
            data=step.data,
        )

    def _renew_deadlines(self, start: datetime) -> None:
        deadlines = deadlines_for(self.case.category, start, self.calendar)
        self.case.due_at = deadlines.due_at
        self.case.warn_at = deadlines.warn_at
        self.case.escalate_at = deadlines.escalate_at


def _first_member(unit: HandlingUnit | None):
    if unit is None:
        return None
    members = list(unit.members.all()[:1])
    return members[0] if members else None


# --- Ordinary cases ------------------------------------------------------------------------


def _moment(rng, day: date) -> datetime:
    minutes = rng.randint(7 * 60, 21 * 60)
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=ZONE)


def _reporters(place: Place, rng, count: int) -> list[dict]:
    """Residents who called or came in: sampled by id, never the whole table."""
    lo, hi = place.resident_ids
    if hi < lo:
        return []
    wanted = {rng.randint(lo, hi) for _ in range(count * 2)}
    rows = (
        Resident.objects.filter(community=place.community, pk__in=wanted)
        .order_by("id")
        .values("id", "name", "phone")[:count]
    )
    return [dict(row) for row in rows]


def _ordinary(place, categories, rng, now, count, resident_user, members) -> list[Story]:
    urban = place.community.kind == Community.Kind.URBAN
    weights = [topic[2][0 if urban else 1] for topic in TOPICS]
    people = _reporters(place, rng, count) or [NOBODY]
    patrollers = {
        grid_id: unit for grid_id, unit in place.grid_units.items() if members.get(unit.pk)
    }
    stories = []
    calendar = WorkCalendar()
    for _i in range(count):
        kind, code, _w, texts = rng.choices(TOPICS, weights=weights)[0]
        category = categories[(kind, code)]
        building_id, compound_id, grid_id, label = rng.choice(place.buildings)
        # A steady flow over the year, and the last fortnight's cases still being handled.
        back = rng.randint(0, 13) if rng.random() < 0.12 else rng.randint(0, 364)
        created = _moment(rng, (now - timedelta(days=back)).date())
        if created > now:
            created = now - timedelta(minutes=rng.randint(10, 600))
        person = rng.choice(people)
        channel = rng.choices(
            [Case.Channel.PHONE, Case.Channel.WALK_IN, Case.Channel.PATROL, Case.Channel.WEB],
            weights=[40, 15, 35, 10],
        )[0]
        reporter = None
        creator = rng.choice(place.dispatchers) if place.dispatchers else None
        if channel == Case.Channel.WEB:
            if resident_user is not None and rng.random() < 0.3:
                reporter = creator = resident_user
            else:
                channel = Case.Channel.PHONE
        if channel == Case.Channel.PATROL:
            unit = patrollers.get(grid_id)
            creator = members[unit.pk][0] if unit else creator
        text = rng.choice(texts)
        case = Case(
            community=place.community,
            category=category,
            title=f"{category.name} · {label}",
            text=text,
            building_id=building_id,
            compound_id=compound_id,
            grid_id=grid_id,
            channel=channel,
            created_by=creator,
            reporter=reporter,
            reporter_resident_id=person["id"] if channel != Case.Channel.PATROL else None,
            reporter_name=(reporter.name if reporter else person["name"])
            if channel != Case.Channel.PATROL
            else "",
            reporter_phone=(reporter.phone if reporter else person["phone"])
            if channel != Case.Channel.PATROL
            else "",
            created_at=created,
        )
        story = Story(case, calendar)
        _ordinary_steps(story, place, rng, members, kind, code, compound_id, grid_id)
        stories.append(story)
    return stories


def _ordinary_steps(story, place, rng, members, kind, code, compound_id, grid_id) -> None:
    """The usual path with its usual detours; times follow each other from the report."""
    case = story.case
    dispatcher = rng.choice(place.dispatchers) if place.dispatchers else None
    t = case.created_at + timedelta(minutes=rng.randint(20, 600))
    if case.category.time_unit == "calendar_hours" and rng.random() < 0.3:
        story.add(
            t, Action.REDIRECT, actor=dispatcher, data={"number": rng.choice(["110", "119", "120"])}
        )
        return
    unit = _unit_for(place, rng, kind, code, compound_id, grid_id)
    story.add(t, Action.DISPATCH, unit=unit, actor=dispatcher)
    worker = (members.get(unit.pk) or [None])[0]
    if rng.random() < 0.05:
        t += timedelta(hours=rng.randint(1, 20))
        story.add(t, Action.RETURN, unit=unit, actor=worker, text=rng.choice(RETURN_REASONS))
        unit = (
            place.grid_units.get(grid_id)
            if unit != place.grid_units.get(grid_id)
            else place.department
        )
        worker = (members.get(unit.pk) or [None])[0]
        t += timedelta(hours=rng.randint(1, 8))
        story.add(t, Action.DISPATCH, unit=unit, actor=dispatcher)
    t += timedelta(minutes=rng.randint(10, 240))
    story.add(t, Action.ACCEPT, actor=worker)
    due = deadlines_for(case.category, case.created_at, story.calendar).due_at
    caller = dispatcher
    for round_ in (1, 2, 3):
        t += timedelta(minutes=rng.randint(20, 600))
        story.add(t, Action.START, actor=worker)
        late = rng.random() < 0.12
        if late:
            t = max(t, due) + timedelta(hours=rng.randint(4, 96))
        else:
            t += max((due - t) * rng.uniform(0.1, 0.8), timedelta(minutes=30))
        story.add(t, Action.REPLY, actor=worker, text=rng.choice(REPLIES))
        t += timedelta(hours=rng.randint(2, 40))
        contacted = rng.random() < (0.62 if late else 0.95)
        solved = rng.random() < 0.9
        satisfied = solved and rng.random() < (0.75 if late else 0.95)
        by_reporter = case.reporter is not None
        method = "online" if by_reporter else rng.choices(["phone", "sms"], weights=[4, 1])[0]
        if round_ == 3:
            solved = satisfied = True
        comment = "" if (solved and satisfied) else rng.choice(DISSATISFIED)
        if case.channel == Case.Channel.PATROL and not case.reporter_phone:
            # Nobody to call back: the community checks on site and closes.
            story.add(t, Action.CLOSE, actor=caller, text="网格员现场复核，已整改到位。")
            return
        if round_ > 1 and rng.random() < 0.5:
            # After re-handling the reporter no longer answers: tried, then closed. Their
            # last answer (dissatisfied) is the one the rates count.
            story.add(t, Action.CALLBACK, actor=caller, text="多次联系未接通。")
            story.add(t + timedelta(hours=rng.randint(2, 30)), Action.CLOSE, actor=caller)
            return
        story.add(
            t,
            Action.CALLBACK,
            actor=case.reporter if by_reporter else caller,
            text=comment,
            answers=(
                contacted,
                solved,
                satisfied,
                method,
                case.reporter if by_reporter else caller,
            ),
        )
        if solved and satisfied:
            break
        due = deadlines_for(case.category, t, story.calendar).due_at
    t += timedelta(hours=rng.randint(1, 30))
    story.add(t, Action.CLOSE, actor=caller)


# --- The stories of SCENARIO.md ------------------------------------------------------------


def _campaign_year(today: date) -> int:
    """The latest April–May that has begun."""
    return today.year if today >= date(today.year, 4, 1) else today.year - 1


SPOTS = [
    # (group, address, category, text, stage)
    ("一组", "一组活动广场东侧", "0103", "广场东侧堆放废旧家具和杂物，长期无人清理", "closed"),
    ("二组", "二组雷家屋后", "0103", "屋后堆放大量秸秆和柴草，影响环境也有火灾隐患", "closed"),
    ("三组", "三组村道边沟渠", "0105", "沟渠淤积，漂浮塑料袋和生活垃圾，雨天排水不畅", "closed"),
    ("四组", "四组村民屋前空地", "0102", "屋前空地堆着建房剩下的砖块和建筑垃圾", "closed"),
    ("五组", "五组池塘边", "0102", "池塘边有人倾倒生活垃圾，夏天有异味", "closed"),
    ("六组", "六组废弃猪圈旁", "0103", "废弃猪圈旁堆满杂物和旧农具", "callback_done"),
    ("三组", "三组晒谷场边", "0102", "晒谷场边散落废旧农膜和农药瓶", "replied"),
    ("一组", "一组村委会后空地", "0103", "村委会后空地堆放的旧物件多年无人认领", "in_progress"),
]
SPOT_REPLIES = {
    "0103": "组织村民和保洁队清理，杂物已全部清运，现场平整。",
    "0105": "村干部带头下沟清淤，清出垃圾两车，沟渠恢复畅通。",
    "0102": "垃圾已清运，设置了垃圾收集点并落实专人保洁。",
}


def _leitan_campaign(place, categories, members, today, calendar) -> tuple[Campaign, list]:
    year = _campaign_year(today)
    campaign = Campaign.objects.create(
        community=place.community,
        title=CAMPAIGN_TITLE,
        description=(
            "四月至五月，村里发动村民清理房前屋后的杂物、垃圾和秸秆，共排查出8处卫生死角。"
            "村干部带头清理沟渠；长期无人认领的物品，公示后由统一组织的清理队清走。"
        ),
        starts_on=date(year, 4, 1),
        ends_on=date(year, 5, 31),
        created_by=place.dispatchers[0] if place.dispatchers else None,
    )
    admin = place.dispatchers[0] if place.dispatchers else None
    groups = {c.name: c.pk for c in Compound.objects.filter(community=place.community)}
    stories = []
    for index, (group, address, code, text, stage) in enumerate(SPOTS):
        start = datetime.combine(date(year, 4, 3 + index * 3), time(9, 0), tzinfo=ZONE)
        unit = place.department if code == "0105" else place.team
        grid_unit = next(iter(place.grid_units.values()))
        worker = (members.get(grid_unit.pk) or [admin])[0]
        case = Case(
            community=place.community,
            category=categories[("event", code)],
            title=f"卫生死角：{address}",
            text=text,
            address=address,
            compound_id=groups.get(group),
            grid_id=grid_unit.grid_id,
            channel=Case.Channel.PATROL,
            created_by=worker,
            campaign=campaign,
            created_at=start,
        )
        story = Story(case, calendar)
        t = story.add(start + 2 * H, Action.DISPATCH, unit=unit, actor=admin)
        t = story.add(t + H, Action.ACCEPT, actor=admin)
        t = story.add(t + 3 * H, Action.START, actor=admin)
        if stage == "in_progress":
            story.add(
                t + 2 * D,
                Action.NOTE,
                actor=admin,
                text="已在村务公开栏公示认领期限三十天，期满无人认领的由清理队统一清走。",
            )
            stories.append(story)
            continue
        t = story.add(t + 2 * D, Action.REPLY, actor=admin, text=SPOT_REPLIES[code])
        if stage == "replied":
            stories.append(story)  # the call-back is still to come
            continue
        t = story.add(
            t + D,
            Action.CALLBACK,
            actor=admin,
            answers=(True, True, True, "phone", admin),
            text="村民反映清理得很干净。",
        )
        if stage == "closed":
            story.add(t + 2 * H, Action.CLOSE, actor=admin)
        stories.append(story)
    return campaign, stories


JIXIE_DEMANDS = [
    (
        "兴隆河道环境整治",
        ("event", "0105"),
        "兴隆河道多年淤积，岸边堆满垃圾，夏天蚊虫多、气味重，居民反映多年未解决。",
        "兴隆河道沿岸",
        [
            (3, "社区联合街道、水务部门现场踏勘，制定清淤和岸线整治方案。"),
            (20, "党员志愿者和红色队伍分三批参与清理岸边垃圾。"),
        ],
        "河道清淤完成，岸边垃圾清运，新设垃圾收集点3处，落实河道保洁员。",
        75,
    ),
    (
        "江钻厂区大门北面道路硬化",
        ("component", "0201"),
        "江钻厂区大门北面的土路坑洼不平，雨天泥泞，老人和孩子出行不便。",
        "江钻厂区大门北面",
        [
            (5, "社区召集小区党支部、业委会、物业和居民代表商议，居民同意让出部分空地。"),
            (30, "道路硬化工程开工，施工期间设置临时通道。"),
        ],
        "道路硬化完成，铺设混凝土路面约400平方米并增设排水沟。",
        60,
    ),
    (
        "未就业帮扶人员技能培训",
        ("event", "9901"),
        "小区里有不少未就业人员希望学一门技能，请社区帮忙联系培训。",
        "社区党群服务中心",
        [
            (7, "社区摸排未就业人员32人，了解培训意向。"),
            (25, "联系人社部门开设家政服务和电工两期培训班。"),
        ],
        "两期技能培训结业，32人参训，其中19人实现就业。",
        90,
    ),
]


def _jixie_demands(place, categories, members, today, calendar, resident_user) -> list:
    admin = place.dispatchers[0] if place.dispatchers else None
    people: list[dict] = _reporters(place, random.Random(SEED + 1), 3) or [NOBODY]
    stories = []
    for index, (title, key, text, address, notes, reply, days) in enumerate(JIXIE_DEMANDS):
        created = datetime.combine(
            today - timedelta(days=days + 60 + index * 20), time(9, 30), tzinfo=ZONE
        )
        reporter = resident_user if index == 0 else None
        person = people[index % len(people)]
        case = Case(
            community=place.community,
            category=categories[key],
            title=title,
            text=text,
            address=address,
            channel=Case.Channel.WEB if reporter else Case.Channel.WALK_IN,
            created_by=reporter or admin,
            reporter=reporter,
            reporter_resident_id=None if reporter else person["id"],
            reporter_name=reporter.name if reporter else person["name"],
            reporter_phone=reporter.phone if reporter else person["phone"],
            created_at=created,
        )
        story = Story(case, calendar)
        unit = place.department
        t = story.add(created + 3 * H, Action.DISPATCH, unit=unit, actor=admin)
        t = story.add(t + 2 * H, Action.ACCEPT, actor=admin)
        t = story.add(t + H, Action.START, actor=admin)
        for day, note in notes:
            story.add(created + day * D, Action.NOTE, actor=admin, text=note)
        t = story.add(created + days * D, Action.REPLY, actor=admin, text=reply)
        by = reporter or admin
        t = story.add(
            t + 2 * D,
            Action.CALLBACK,
            actor=by,
            answers=(True, True, True, "online" if reporter else "phone", by),
            text="多年的老问题终于解决了，感谢社区。",
        )
        story.add(t + 3 * H, Action.CLOSE, actor=admin)
        stories.append(story)
    return stories


AIMIN_NOTES = [
    (2, "社区干部入户走访路口12户居民，讲解违建隐患和拓宽道路的方案，逐户征求意见。"),
    (6, "召开小区议事会，居民代表、业委会、物业共同商议，居民提出自行清理棚内物品。"),
    (
        9,
        "居民签字同意：12户全部同意拆除，11户自行清理个人物品，1户独居老人由志愿者协助搬运。同意书已存档。",
    ),
]


def _aimin_sheds(place, categories, today, calendar) -> Story:
    admin = place.dispatchers[0] if place.dispatchers else None
    created = datetime.combine(today - timedelta(days=150), time(10, 0), tzinfo=ZONE)
    person = (_reporters(place, random.Random(SEED + 2), 1) or [NOBODY])[0]
    case = Case(
        community=place.community,
        category=categories[("event", "0101")],
        title="爱民路违建拆除",
        text="爱民路入口弯道处多年前搭建的棚屋占用道路，路口变窄，车辆和行人通行困难。",
        address="爱民路入口弯道处",
        channel=Case.Channel.WALK_IN,
        created_by=admin,
        reporter_resident_id=person["id"],
        reporter_name=person["name"],
        reporter_phone=person["phone"],
        created_at=created,
    )
    story = Story(case, calendar)
    t = story.add(created + 2 * H, Action.DISPATCH, unit=place.department, actor=admin)
    t = story.add(t + H, Action.ACCEPT, actor=admin)
    t = story.add(t + H, Action.START, actor=admin)
    for day, note in AIMIN_NOTES:
        story.add(created + day * D, Action.NOTE, actor=admin, text=note)
    t = story.add(
        created + 14 * D,
        Action.REPLY,
        actor=admin,
        text="路口违建棚屋全部拆除，居民让出空间并自行清理物品，道路已拓宽。",
    )
    t = story.add(
        t + D,
        Action.CALLBACK,
        actor=admin,
        answers=(True, True, True, "phone", admin),
        text="干部上门来解答问题、听取意见，居民都很满意。",
    )
    story.add(t + 2 * H, Action.CLOSE, actor=admin)
    return story


# --- Writing -------------------------------------------------------------------------------


def _write(stories: list[Story]) -> None:
    """Insert the cases, then their events and call-backs, keeping the backdated times."""
    cases = [s.case for s in stories]
    created = {id(c): c.created_at for c in cases}
    Case.objects.bulk_create(cases, batch_size=500)
    # created_at is auto_now_add: bulk_create stamped "now"; put the story's times back.
    for case in cases:
        case.created_at = created[id(case)]
    Case.objects.bulk_update(cases, ["created_at", "updated_at"], batch_size=500)
    events, callbacks = [], []
    for story in stories:
        for event in story.events:
            event.case = story.case
            events.append(event)
        for callback in story.callbacks:
            callback.case = story.case
            callback.copy_case(story.case)
            callbacks.append(callback)
    CaseEvent.objects.bulk_create(events, batch_size=1000)
    CallBack.objects.bulk_create(callbacks, batch_size=1000)


def _mark_duplicates(stories: list[Story], rng) -> int:
    """Make a few reports duplicates: same place and class within two days of an earlier one.

    A duplicate is merged half an hour after it came in; its reporter follows the main case.
    """
    merged = 0
    last: dict = {}
    for story in sorted(stories, key=lambda s: s.case.created_at):
        case = story.case
        key = (case.community_id, case.category_id, case.grid_id)
        main = last.get(key)
        if (
            main is not None
            and main.merge_target is None
            and main.steps
            and main.steps[0].action != Action.REDIRECT
            and case.created_at - main.case.created_at < 2 * D
            and rng.random() < 0.6
        ):
            story.steps = [
                Step(
                    at=case.created_at + 30 * MINUTE,
                    action=Action.MERGE,
                    text="同一问题，合并处理。",
                )
            ]
            story.merge_target = main.case
            merged += 1
            continue
        last[key] = story
    return merged


def load_cases_demo(stdout=None) -> dict:
    """Load the demo's cases once; later runs find the Leitan campaign and change nothing."""
    communities = {
        c.code: c
        for c in Community.objects.filter(
            subdistrict__code=SUBDISTRICT_CODE, code__in=(JIXIE, AIMIN, LEITAN)
        )
    }
    if len(communities) < 3:
        _say(stdout, "The registry demo is not loaded: no cases.")
        return {"created": False}
    existing = Campaign.objects.filter(community=communities[LEITAN], title=CAMPAIGN_TITLE).first()
    if existing is not None:
        _say(stdout, f"{CAMPAIGN_TITLE} is loaded.")
        link_to_matters(communities[JIXIE], stdout)
        return {"created": False, "campaign_id": existing.pk}
    rng = random.Random(SEED)
    now = timezone.now()
    today = timezone.localdate()
    categories = {
        (c.kind, c.code): c
        for c in Category.objects.filter(community__isnull=True)
        .exclude(minor_code="")
        .select_related("parent")
    }
    resident_user = User.objects.filter(phone=RESIDENT_PHONE).first()
    with transaction.atomic():
        places = {code: _place(c) for code, c in communities.items()}
        members = {
            unit_id: list(users)
            for unit_id, users in _members_by_unit(
                [u for p in places.values() for u in _units_of(p)]
            ).items()
        }
        calendar = WorkCalendar()
        campaign, spots = _leitan_campaign(places[LEITAN], categories, members, today, calendar)
        stories = spots
        stories += _jixie_demands(
            places[JIXIE], categories, members, today, calendar, resident_user
        )
        stories.append(_aimin_sheds(places[AIMIN], categories, today, calendar))
        ordinary = []
        for code, count in ORDINARY.items():
            ordinary += _ordinary(
                places[code],
                categories,
                rng,
                now,
                count,
                resident_user if code == JIXIE else None,
                members,
            )
        merged = _mark_duplicates(ordinary, rng)
        for story in stories + ordinary:
            story.play(now)
        all_stories = stories + ordinary
        _write_with_merges(all_stories)
        counts = {
            "cases": len(all_stories),
            "closed": sum(s.case.status == Status.CLOSED for s in all_stories),
            "open": sum(s.case.is_open for s in all_stories),
            "callbacks": sum(len(s.callbacks) for s in all_stories),
            "merged": merged,
        }
        record(actor=None, action="demo.cases_loaded", target=campaign, data=counts)
        link_to_matters(communities[JIXIE], stdout)
    _say(
        stdout,
        f"Cases: {counts['cases']} ({counts['closed']} closed, {counts['open']} open, "
        f"{counts['callbacks']} call-backs, {counts['merged']} merged); {CAMPAIGN_TITLE}.",
    )
    return {"created": True, "campaign_id": campaign.pk, **counts}


def _units_of(place: Place) -> list[HandlingUnit]:
    units = [*place.grid_units.values(), *place.property_units.values()]
    return units + [u for u in (place.department, place.team) if u is not None]


def _members_by_unit(units) -> dict:
    """Unit id -> its members, in one query."""
    out: dict = {u.pk: [] for u in units}
    through = (
        HandlingUnit.members.through.objects.filter(handlingunit_id__in=list(out))
        .select_related("user")
        .order_by("id")
    )
    for row in through:
        out[row.handlingunit_id].append(row.user)
    return out


def _write_with_merges(stories: list[Story]) -> None:
    """Write everything; merged cases point at their main case, written first."""
    targets = [s for s in stories if s.merge_target is None]
    duplicates = [s for s in stories if s.merge_target is not None]
    _write(targets)
    for story in duplicates:
        main = story.merge_target
        assert main is not None
        story.case.merged_into = main
        for event in story.events:
            if event.action == Action.MERGE:
                event.data = {"into": main.pk}
        if story.case.status != Status.MERGED:
            # The merge lies in the future (a report of the last half hour): not a duplicate yet.
            story.case.merged_into = None
    _write(duplicates)
    follows = [
        Case.followers.through(case_id=main.pk, user_id=s.case.reporter_id)
        for s in duplicates
        if (main := s.merge_target) is not None
        and s.case.status == Status.MERGED
        and s.case.reporter_id
        and s.case.reporter_id != main.reporter_id
    ]
    Case.followers.through.objects.bulk_create(follows, ignore_conflicts=True)


# --- Matters -------------------------------------------------------------------------------


def link_to_matters(jixie: Community, stdout=None) -> int:
    """Link the adopted demands' cases and the arts-stage results to their matters, once.

    A demand's matter is opened from its adopted need, as adopting it on the board does; the
    needs demo writes its rows directly, so it opens only the arts stage's. Returns how many
    cases were linked (0 on a second run).
    """
    from gongzhi.matters.models import Matter
    from gongzhi.matters.services import MatterError, link_case, open_matter
    from gongzhi.needs.models import Need, NeedEvent

    admin = (
        RoleAssignment.objects.filter(community=jixie, role=Role.COMMUNITY_ADMIN)
        .select_related("user")
        .order_by("id")
        .first()
    )
    actor = admin.user if admin else None
    linked = 0
    for title, *_rest in JIXIE_DEMANDS:
        need = Need.objects.filter(community=jixie, title=title, status=Need.Status.ADOPTED).first()
        case = Case.objects.filter(community=jixie, title=title).order_by("id").first()
        if need is None or case is None:
            continue
        matter = Matter.objects.filter(opened_from=need).first()
        if matter is None:
            matter = open_matter(need=need, actor=actor)
            adopted = (
                NeedEvent.objects.filter(need=need, kind=NeedEvent.Kind.ADOPTED)
                .order_by("created_at")
                .values_list("created_at", flat=True)
                .first()
            )
            if adopted is not None:
                Matter.objects.filter(pk=matter.pk).update(created_at=adopted)
        try:
            link_case(matter=matter, case=case, actor=actor)
        except MatterError as exc:
            if exc.code != "already_linked":
                raise
            continue
        linked += 1
    if linked:
        _say(stdout, f"Cases linked to their matters: {linked}.")
    return linked


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")
