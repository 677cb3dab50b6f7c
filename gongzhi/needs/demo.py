"""The 共谋 board of Jixie community in the demo, with the arts stage (文艺大舞台) as a matter.

SCENARIO.md story 1: the elderly residents of the elderly school asked for a stage to perform
on; it stalled for lack of money and because some residents objected; in early April the
community convened the compound's party branch, owners' committee, property company and
resident representatives, adopted it, and drew up a questionnaire. Here the request is a
proposal a grid worker raised for an elderly resident (代办, consent given in person), backed
by many elderly neighbours, answered, then adopted: the matter it opened links the
questionnaire of the surveys demo when that is loaded. A handful of other needs fill the
board: story 2's long-standing demands, a duplicate merged into the stage, and ordinary
requests in every state, one of them overdue.

load_needs_demo() runs after the registry demo (and best after the survey demo). It is
idempotent (a second run finds the stage proposal and changes nothing) and deterministic
(residents are picked in id order), and writes rows directly with their historical dates.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gongzhi.accounts.models import Role, RoleAssignment
from gongzhi.core.audit import record
from gongzhi.core.demo import JIXIE, RESIDENT_PHONE, SUBDISTRICT_CODE, grid_worker_phone
from gongzhi.core.workdays import add_working_days
from gongzhi.matters.models import MatterLink
from gongzhi.matters.services import link_to_matter, open_matter
from gongzhi.notifications.models import Message
from gongzhi.registry.models import Community, Compound, Resident
from gongzhi.registry.querysets import elderly_cutoff

from . import indexing
from .categories import ensure_categories
from .models import Comment, Follow, Need, NeedEvent, NeedSettings, Support

STAGE_TITLE = "希望在社区建一个文艺大舞台"
STAGE_TEXT = (
    "社区老年学校开办一年了，合唱队、舞蹈队、戏曲班排练了不少节目，可是没有地方演出。"
    "我们这些老人希望在小区广场建一个文艺大舞台，逢年过节能给街坊邻居演一演，"
    "平时也能开展党课宣讲、电影放映。资金方面，大家愿意出一份力。"
)
SURVEY_TITLE = "文艺大舞台建设意见征询问卷"


@dataclass
class Plan:
    """One demo need: what it says, when, and what happened to it."""

    title: str
    text: str
    category: str
    kind: str = Need.Kind.NEED
    day: tuple[int, int] = (3, 1)  # month, day in the demo year
    supports: int = 0
    status: str = Need.Status.SUBMITTED
    # (month, day, kind, text): replies and moves by the community worker, in order.
    steps: list[tuple] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    days_ago: int | None = None  # a recent need: raised this many days before today


OTHERS = [
    Plan(
        "兴隆河道环境整治",
        "兴隆河道常年有垃圾和淤泥，夏天气味很大，蚊虫也多，希望社区牵头整治。",
        "environment",
        day=(3, 3),
        supports=46,
        status=Need.Status.ADOPTED,
        steps=[
            (3, 6, "accepted", "已受理，社区将会同街道城管和河道管理部门现场查看。"),
            (3, 20, "adopted", "列入社区共同缔造项目，组织志愿者和居民共同清理河道。"),
        ],
        comments=["每天散步都经过这里，真希望早点治理", "我可以参加义务清理"],
    ),
    Plan(
        "江钻厂区大门北面道路硬化",
        "厂区大门北面这段路一下雨就是泥巴路，老人小孩走路容易摔倒，电动车也过不去。",
        "facilities",
        day=(3, 4),
        supports=38,
        status=Need.Status.ADOPTED,
        steps=[(3, 10, "adopted", "社区协调产权单位和物业，列入道路硬化项目，居民让工让利。")],
        comments=["下雨天真的没法走"],
    ),
    Plan(
        "为未就业居民开展技能培训",
        "小区里有些年轻人和下岗职工还没找到工作，希望社区联系培训机构办技能培训班。",
        "other",
        kind=Need.Kind.PROPOSAL,
        day=(3, 12),
        supports=14,
        status=Need.Status.ACCEPTED,
        steps=[(3, 16, "accepted", "已联系人社部门，计划开设家政、电工两期培训班。")],
    ),
    Plan(
        "三号楼楼道灯不亮",
        "三号楼二单元楼道的声控灯坏了一个多月，晚上上下楼看不清台阶。",
        "safety",
        day=(4, 8),
        supports=6,
        status=Need.Status.ANSWERED,
        steps=[(4, 9, "answered", "已通知物业，4月10日已更换声控开关和灯泡，请大家留意。")],
        comments=["已经修好了，谢谢物业"],
    ),
    Plan(
        "想有个地方演节目",
        "老年学校的节目排好了没地方演，能不能搭个台子。",
        "activities",
        day=(3, 14),
        supports=9,
        status=Need.Status.MERGED,
        steps=[
            (3, 15, "merged", "与“希望在社区建一个文艺大舞台”是同一件事，已合并，附议一并计入。")
        ],
    ),
    Plan(
        "把中心绿地改成停车场",
        "小区车位太紧张，晚上回来没地方停，建议把中心绿地改成停车场。",
        "facilities",
        day=(4, 12),
        supports=3,
        status=Need.Status.DECLINED,
        steps=[
            (
                4,
                15,
                "declined",
                "中心绿地是规划确定的公共绿地，不能改作停车场。"
                "社区正在协调周边单位夜间错时共享车位，有进展会在这里告诉大家。",
            )
        ],
        comments=["绿地是老人孩子活动的地方，不同意改"],
    ),
    Plan(
        "希望增设老年助餐点",
        "小区独居老人多，做饭不方便，希望社区办一个老年食堂或者助餐点。",
        "elderly-care",
        days_ago=2,
        supports=11,
    ),
    Plan(
        "单元门禁经常失灵",
        "五号楼一单元的门禁坏了好几次，陌生人随便进出，老人担心安全。",
        "safety",
        days_ago=12,
        supports=4,
    ),
]


def _year(today: date) -> int:
    """The spring of the story: this year's once May has come, else last year's."""
    return today.year if today >= date(today.year, 5, 1) else today.year - 1


def _at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime.combine(
        date(year, month, day), time(hour, 0), tzinfo=timezone.get_default_timezone()
    )


def _user(phone: str):
    from gongzhi.accounts.models import User

    return User.objects.filter(phone=phone).first()


def _first(community, role):
    row = RoleAssignment.objects.filter(community=community, role=role).order_by("id").first()
    return row.user if row else None


def _elderly(community, today: date):
    return Resident.objects.filter(
        community=community, status=Resident.Status.ACTIVE, birth_date__lte=elderly_cutoff(today)
    ).order_by("id")


class _Writer:
    """Writes the demo rows with their historical dates."""

    def __init__(self, community, year: int, worker, grid_worker):
        self.community = community
        self.year = year
        self.worker = worker
        self.grid_worker = grid_worker
        self.categories = {c.code: c for c in ensure_categories(community)}
        self.compound = Compound.objects.filter(community=community).order_by("name").first()

    def need(self, plan: Plan, resident, when: datetime, author=None) -> Need:
        """A need raised at `when`: by the resident's own login, or by the grid worker (代办)."""
        on_behalf = author is None
        need = Need.objects.create(
            community=self.community,
            kind=plan.kind,
            title=plan.title,
            text=plan.text,
            category=self.categories[plan.category],
            compound=self.compound,
            author=author or self.grid_worker,
            resident=resident,
            on_behalf=on_behalf,
            consent_method=Need.ConsentMethod.VERBAL if on_behalf else "",
            response_due_at=add_working_days(when, 5),
        )
        Need.objects.filter(pk=need.pk).update(created_at=when, updated_at=when)
        need.created_at = when
        NeedEvent.objects.create(
            need=need,
            community=self.community,
            kind=NeedEvent.Kind.CREATED,
            actor=need.author,
            to_status=Need.Status.SUBMITTED,
            created_at=when,
        )
        for user in {need.author, resident.user}:
            if user is not None:
                Follow.objects.get_or_create(need=need, user=user)
        return need

    def supports(self, need: Need, residents, start: datetime, days: int = 20) -> None:
        rows = [
            Support(
                need=need,
                resident=r,
                created_at=start + timedelta(hours=6 + i * days * 24 // max(1, len(residents))),
            )
            for i, r in enumerate(residents)
            if r.pk != need.resident_id
        ]
        Support.objects.bulk_create(rows)
        Need.objects.filter(pk=need.pk).update(support_count=len(rows))
        need.support_count = len(rows)

    def step(self, need: Need, when: datetime, kind: str, text: str, actor=None, other=None):
        """A reply or a move of status, by the community worker."""
        actor = actor or self.worker
        before = need.status
        to_status = "" if kind == NeedEvent.Kind.REPLIED else kind
        event = NeedEvent.objects.create(
            need=need,
            community=self.community,
            kind=kind,
            actor=actor,
            from_status=before if to_status else "",
            to_status=to_status,
            text=text,
            other_need=other,
            created_at=when,
        )
        updates: dict[str, object] = {"last_response_at": when}
        if need.first_response_at is None:
            updates["first_response_at"] = when
            need.first_response_at = when
        if to_status:
            updates["status"] = to_status
            need.status = to_status
        if to_status == Need.Status.MERGED:
            updates["merged_into"] = other
        Need.objects.filter(pk=need.pk).update(**updates)
        need.last_response_at = when
        return event

    def comments(self, need: Need, texts, residents, start: datetime) -> None:
        authors = [r.user for r in residents if r.user_id] or [self.grid_worker]
        rows = [
            Comment(
                need=need,
                community=self.community,
                author=authors[i % len(authors)],
                text=text,
                created_at=start + timedelta(days=1 + i, hours=i),
            )
            for i, text in enumerate(texts)
        ]
        for comment in Comment.objects.bulk_create(rows):
            indexing.index_comment(comment)


def _stage(writer: _Writer, elderly: list, resident_login, admin, today: date) -> tuple:
    """The arts-stage proposal, its supports, replies and adoption, and its matter."""
    year = writer.year
    asker = resident_login or elderly[0]
    stage = writer.need(
        Plan(STAGE_TITLE, STAGE_TEXT, "activities", kind=Need.Kind.PROPOSAL),
        asker,
        _at(year, 3, 2, 9),
    )
    writer.supports(stage, elderly[1:87], _at(year, 3, 2))
    threshold = NeedSettings.for_community(writer.community).support_threshold
    Need.objects.filter(pk=stage.pk).update(flagged_for_agenda_at=_at(year, 3, 5, 16))
    NeedEvent.objects.create(
        need=stage, community=writer.community, kind=NeedEvent.Kind.FLAGGED,
        created_at=_at(year, 3, 5, 16),
    )  # fmt: skip
    writer.step(
        stage,
        _at(year, 3, 4, 15),
        NeedEvent.Kind.REPLIED,
        "已收到大家的心愿。舞台选址和资金还需要研究，社区会尽快征求各方意见。",
    )
    writer.step(
        stage,
        _at(year, 3, 9, 11),
        Need.Status.ACCEPTED,
        f"附议已超过{threshold}人，列入小区议事会议题。有居民担心噪音和资金，社区将一并商议。",
    )
    writer.comments(
        stage,
        [
            "老年学校的节目终于有地方演了，支持！",
            "我家就在广场边上，担心晚上太吵，希望规定演出时间。",
            "资金要公开透明，捐了多少钱、花在哪里都要公示。",
            "愿意出工出力，搭台子需要人手请通知我。",
        ],
        elderly[1:6],
        _at(year, 3, 3),
    )
    writer.step(
        stage,
        _at(year, 4, 1, 16),
        Need.Status.ADOPTED,
        "4月1日，社区召集小区党支部、业委会、物业公司和居民代表共同商议，决定立项建设文艺大舞台。"
        "下一步将发放意见征询问卷，网格员入户走访，征求每一户的意见。",
        actor=admin or writer.worker,
    )
    stage.refresh_from_db()
    matter = open_matter(need=stage, actor=admin or writer.worker)
    MatterLink.objects.filter(matter=matter).update(at=stage.created_at)
    from gongzhi.matters.models import Matter

    Matter.objects.filter(pk=matter.pk).update(created_at=_at(year, 4, 1, 16))
    _link_survey(matter, writer.community, admin or writer.worker)
    return stage, matter


def _link_survey(matter, community, actor) -> None:
    """Link the surveys demo's questionnaire to the matter, when that demo is loaded."""
    try:
        from gongzhi.surveys.models import Survey
    except ImportError:  # pragma: no cover - the surveys app is part of the project
        return
    survey = Survey.objects.filter(community=community, title=SURVEY_TITLE).first()
    if survey is None:
        return
    opened = getattr(survey, "opens_at", None) or timezone.now()
    link_to_matter(
        matter=matter, obj=survey, kind=MatterLink.Kind.SURVEY, title=survey.title,
        actor=actor, at=opened,
    )  # fmt: skip


def _others(writer: _Writer, elderly: list, everyone: list, stage: Need, today: date) -> list:
    """The rest of the board, from story 2 to this week's requests."""
    made = []
    offset = 90
    for index, plan in enumerate(OTHERS):
        if plan.days_ago is not None:
            when = timezone.now() - timedelta(days=plan.days_ago, hours=3)
        else:
            when = _at(writer.year, *plan.day, 9 + index % 5)
        asker = everyone[index * 7 % len(everyone)]
        need = writer.need(plan, asker, when)
        supporters = (elderly if plan.category == "elderly-care" else everyone)[
            offset : offset + plan.supports
        ]
        offset += plan.supports
        writer.supports(need, supporters, when, days=5)
        for month, day, kind, text in plan.steps:
            other = stage if kind == Need.Status.MERGED else None
            writer.step(need, _at(writer.year, month, day, 15), kind, text, other=other)
        if plan.comments:
            writer.comments(need, plan.comments, everyone[3:8], when)
        made.append(need)
    return made


def _merge_supports(duplicate: Need, stage: Need) -> None:
    """The duplicate's supports went to the stage, none counted twice (as a merge does)."""
    already = Support.objects.filter(need=stage).values("resident_id")
    Support.objects.filter(need=duplicate, resident_id__in=already).delete()
    Support.objects.filter(need=duplicate).update(need=stage)
    if (
        duplicate.resident_id
        and not Support.objects.filter(need=stage, resident_id=duplicate.resident_id).exists()
        and duplicate.resident_id != stage.resident_id
    ):
        Support.objects.create(need=stage, resident_id=duplicate.resident_id)
    Need.objects.filter(pk=stage.pk).update(
        support_count=Support.objects.filter(need=stage).count()
    )
    Need.objects.filter(pk=duplicate.pk).update(support_count=0)
    NeedEvent.objects.create(
        need=stage,
        community=stage.community,
        kind=NeedEvent.Kind.MERGED_IN,
        other_need=duplicate,
        text="与本提议是同一件事，已合并。",
        created_at=duplicate.last_response_at or timezone.now(),
    )


def _inbox(resident_login, stage: Need, matter) -> int:
    """What the resident login was told about the stage: the replies and the adoption."""
    user = resident_login.user if resident_login else None
    if user is None:
        return 0
    events = NeedEvent.objects.filter(need=stage).exclude(text="").order_by("created_at")
    rows = []
    for event in events:
        title = (
            "您关注的诉求有了新回复"
            if event.kind == NeedEvent.Kind.REPLIED
            else f"您关注的诉求状态更新：{event.get_kind_display()}"
        )
        rows.append(
            Message(
                recipient=user,
                kind="need.replied" if event.kind == NeedEvent.Kind.REPLIED else "need.status",
                title=title[:200],
                body=f"{stage.title}\n{event.text}"[:2000],
                link=f"{stage.get_absolute_url()}#event-{event.pk}",
            )
        )
    created = Message.objects.bulk_create(rows)
    for message, event in zip(created, events, strict=True):
        Message.objects.filter(pk=message.pk).update(created_at=event.created_at)
    return len(created)


def load_needs_demo(stdout=None) -> dict:
    """Load Jixie's 共谋 board once; later runs find the stage proposal and change nothing."""
    community = Community.objects.filter(subdistrict__code=SUBDISTRICT_CODE, code=JIXIE).first()
    if community is None:
        _say(stdout, "The registry demo is not loaded: no needs board.")
        return {"created": False}
    existing = Need.objects.filter(community=community, title=STAGE_TITLE).first()
    if existing is not None:
        _say(stdout, f"{STAGE_TITLE} is loaded.")
        return {"created": False, "need_id": existing.pk}
    worker = _first(community, Role.COMMUNITY_WORKER)
    admin = _first(community, Role.COMMUNITY_ADMIN)
    grid_worker = _user(grid_worker_phone(JIXIE, "001")) or worker
    if worker is None or grid_worker is None:
        _say(stdout, "Jixie has no worker login to answer needs: no needs board.")
        return {"created": False}
    today = date.today()
    with transaction.atomic():
        writer = _Writer(community, _year(today), worker, grid_worker)
        elderly = list(_elderly(community, today)[:200])
        everyone = list(
            Resident.objects.filter(community=community, status=Resident.Status.ACTIVE)
            .filter(~Q(pk__in=[r.pk for r in elderly]))
            .order_by("id")[:200]
        )
        resident_login = (
            Resident.objects.filter(community=community, phone=RESIDENT_PHONE)
            .select_related("user")
            .first()
        )
        stage, matter = _stage(writer, elderly, resident_login, admin, today)
        others = _others(writer, elderly, everyone, stage, today)
        duplicate = next(n for n in others if n.status == Need.Status.MERGED)
        _merge_supports(duplicate, stage)
        for need in (stage, *others):
            need.refresh_from_db()
            indexing.index_need(need)
        messages = _inbox(resident_login, stage, matter)
        stage.refresh_from_db()
        counts = {
            "needs": 1 + len(others),
            "stage_supports": stage.support_count,
            "matter": matter.pk,
            "messages": messages,
        }
        record(actor=None, action="demo.needs_loaded", target=stage, data=counts)
    _say(
        stdout,
        f"{STAGE_TITLE}: {stage.support_count} supports, adopted as matter {matter.pk}; "
        f"{len(others)} other needs on Jixie's board.",
    )
    return {"created": True, "need_id": stage.pk, **counts}


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")
