"""The arts-stage questionnaire (文艺大舞台, SCENARIO.md story 1) for Jixie community.

In early April the community drew up a questionnaire and its grid workers visited every
household door to door; a few answered online, with a poster code or on paper. Most were
reached on the first visit, some only on a second one, some were still not at home when
the survey closed, a few declined. Most households, the elderly above all, want the stage;
the objections are about noise and money.

load_survey_demo() runs after the registry demo (gongzhi/core/demo.py). It is idempotent (a
second run finds the survey and changes nothing) and deterministic (one seeded Random; the
response and answer keys and the household codes come from it too), and writes with
bulk_create.

The published results belong on the timeline of the arts-stage matter, which the needs demo
opens after this one has run: core.demo.load_stories() calls link_results_to_matter() after
the needs demo, and it does nothing the second time.
"""

import random
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone, translation

from gongzhi.accounts.models import Role, RoleAssignment
from gongzhi.core.audit import record
from gongzhi.core.demo import JIXIE, SUBDISTRICT_CODE
from gongzhi.registry.models import Community, Grid, Resident
from gongzhi.registry.querysets import elderly_cutoff

from .models import (
    AgeGroup,
    Answer,
    Channel,
    HouseholdCode,
    Option,
    Participation,
    Question,
    Response,
    Section,
    Survey,
    Visit,
)
from .respond_services import rebuild_tallies

SEED = 20260403
BATCH = 1000
TITLE = "文艺大舞台建设意见征询问卷"
DESCRIPTION = (
    "社区老年学校的学员和文艺队盼望有一个演出的舞台。社区党委联合小区党支部、业委会、"
    "物业公司和居民代表，就是否建设文艺大舞台、建在哪里、怎么出资出力征求每一户的意见。"
    "网格员将入户走访，也可以在线或扫描楼栋海报上的二维码填写。"
)
K = Question.Kind

# How each audience household was reached (shares add up to 1).
REACH = (
    ("online", 0.05),
    ("code", 0.03),
    ("paper", 0.02),
    ("visit", 0.72),
    ("visit_second", 0.06),  # not at home, answered on the second visit
    ("not_home", 0.08),  # not at home, revisit planned when the survey closed
    ("declined", 0.04),
)
DECLINE_NOTES = ("不同意建舞台，不愿填写", "家里老人身体不好，不方便", "", "")

COMMENTS = {
    "支持": (
        "老年学校排练的节目终于有地方演了，希望早点建成",
        "希望舞台旁边多放些座椅，方便老人看演出",
        "建议舞台加个顶棚，下雨天也能活动",
        "资金要公开透明，捐了多少钱、花在哪里都要公示",
        "希望晚上九点以后不要再用音响，以免影响休息",
        "可以请物业帮忙做好日常保洁和管护",
        "希望舞台能安排党课宣讲和电影放映",
        "愿意参加义务劳动，有活动请通知我",
    ),
    "不支持": (
        "我家就在广场边上，噪音太大，影响休息",
        "资金从哪里来？不要让居民摊钱",
        "广场本来车位就紧张，再建舞台停车更难",
        "建成以后没人管护，过两年就坏了",
        "晚上跳舞的音响太吵，先把噪音问题解决",
    ),
    "无所谓": (
        "只要不影响休息就行",
        "资金要公开透明",
        "建议先把路灯修好",
    ),
}


def _survey_dates(today: date) -> tuple[datetime, datetime, datetime]:
    """Opening, closing and publishing times in early April of the latest April past."""
    year = today.year if today >= date(today.year, 5, 1) else today.year - 1
    tz = timezone.get_default_timezone()
    opens = datetime.combine(date(year, 4, 2), time(9, 0), tzinfo=tz)
    closes = datetime.combine(date(year, 4, 20), time(18, 0), tzinfo=tz)
    published = datetime.combine(date(year, 4, 22), time(10, 0), tzinfo=tz)
    return opens, closes, published


def _questions(survey: Survey) -> tuple[dict[str, Question], dict[str, dict[str, Option]]]:
    """Create the sections, questions and options; return them by short name and label."""
    about, stage = Section.objects.bulk_create(
        [
            Section(survey=survey, title="基本情况", position=0),
            Section(survey=survey, title="对文艺大舞台的意见", position=1),
        ]
    )
    specs = [
        ("school", about, K.YES_NO, "您家是否有人参加社区老年学校或文艺队？", True, {}),
        ("support", stage, K.SINGLE, "您是否支持在社区建设文艺大舞台？", True, {}),
        ("place", stage, K.SINGLE, "您认为舞台建在哪里更合适？", True, {}),
        ("uses", stage, K.MULTIPLE, "您希望舞台主要用于哪些活动？（最多选3项）", True, {}),
        ("worries", stage, K.MULTIPLE, "您对建设舞台有哪些顾虑？（可多选）", True, {}),
        ("help", stage, K.SINGLE, "您愿意为舞台建设出一份力吗？", True, {}),
        (
            "amount",
            stage,
            K.NUMBER,
            "如愿意捐款，您打算捐多少元？",
            False,
            {"min_value": 0, "max_value": 5000},
        ),
        ("venue", stage, K.RATING, "您对社区现有文化活动场地的满意程度（1–5分）", True, {}),
        ("comment", stage, K.LONG_TEXT, "您对舞台建设还有什么意见和建议？", False, {}),
    ]
    questions = {}
    for position, (name, section, kind, text, required, extra) in enumerate(specs):
        questions[name] = Question(
            survey=survey,
            section=section,
            position=position,
            kind=kind,
            text=text,
            required=required,
            max_choices=3 if name == "uses" else None,
            **extra,
        )
    Question.objects.bulk_create(questions.values())
    labels = {
        "support": ("支持", "不支持", "无所谓"),
        "place": ("机械厂小区中心广场", "江钻小区篮球场旁", "兴隆河边空地"),
        "uses": (
            "文艺演出",
            "广场舞",
            "老年学校汇报演出",
            "党课和政策宣讲",
            "露天电影",
            "节日庆典",
        ),
        "worries": ("噪音扰民", "资金来源", "占用停车位或绿地", "建成后无人管护", "没有顾虑"),
        "help": ("愿意捐款", "愿意出工出力", "捐款和出力都愿意", "暂不参与"),
    }
    options = [
        Option(question=questions[name], position=i, label=label)
        for name, names in labels.items()
        for i, label in enumerate(names)
    ]
    Option.objects.bulk_create(options)
    choices = {
        name: {o.label: o for o in options if o.question is questions[name]} for name in labels
    }
    # Where and what for: asked of those who do not oppose; how much: of those who give money.
    support = choices["support"]
    for name in ("place", "uses"):
        questions[name].show_if_question = questions["support"]
        questions[name].show_if_values = [str(support["支持"].pk), str(support["无所谓"].pk)]
    helping = choices["help"]
    questions["amount"].show_if_question = questions["help"]
    questions["amount"].show_if_values = [
        str(helping["愿意捐款"].pk),
        str(helping["捐款和出力都愿意"].pk),
    ]
    Question.objects.bulk_update(
        [questions[n] for n in ("place", "uses", "amount")],
        ["show_if_question", "show_if_values"],
    )
    return questions, choices


def _weighted(rng: random.Random, pairs):
    names = [name for name, _ in pairs]
    return rng.choices(names, weights=[weight for _, weight in pairs])[0]


def _opinion(rng: random.Random, elderly: bool, near_square: bool) -> str:
    pairs: tuple[tuple[str, float], ...]
    if elderly:
        pairs = (("支持", 0.80), ("不支持", 0.10), ("无所谓", 0.10))
    else:
        pairs = (("支持", 0.58), ("不支持", 0.25), ("无所谓", 0.17))
    if near_square:  # neighbours of the square hear every rehearsal
        pairs = tuple((name, w * (1.6 if name == "不支持" else 1.0)) for name, w in pairs)
    return _weighted(rng, pairs)


def _answers(rng, asked, response, elderly: bool, near_square: bool) -> list[Answer]:
    """One household's answers, in line with its opinion of the stage."""
    opinion = _opinion(rng, elderly, near_square)
    q, c = asked
    rows = [
        Answer(
            response=response,
            question=q["school"],
            number=1 if rng.random() < (0.45 if elderly else 0.15) else 0,
        ),
        Answer(response=response, question=q["support"], option=c["support"][opinion]),
    ]
    if opinion != "不支持":
        place = _weighted(
            rng, (("机械厂小区中心广场", 0.6), ("江钻小区篮球场旁", 0.25), ("兴隆河边空地", 0.15))
        )
        rows.append(Answer(response=response, question=q["place"], option=c["place"][place]))
        uses = rng.sample(list(c["uses"]), rng.randint(1, 3))
        if elderly and "老年学校汇报演出" not in uses and rng.random() < 0.6:
            uses[-1] = "老年学校汇报演出"
        rows += [
            Answer(response=response, question=q["uses"], option=c["uses"][u])
            for u in dict.fromkeys(uses)
        ]
    if opinion == "不支持":
        worries = [w for w, p in (("噪音扰民", 0.7), ("资金来源", 0.6)) if rng.random() < p]
        worries += [w for w in ("占用停车位或绿地", "建成后无人管护") if rng.random() < 0.3]
        worries = worries or ["噪音扰民"]
    else:
        noise = 0.3 if near_square else 0.12
        chances = (("噪音扰民", noise), ("资金来源", 0.25), ("建成后无人管护", 0.18))
        worries = [w for w, p in chances if rng.random() < p] or ["没有顾虑"]
    rows += [
        Answer(response=response, question=q["worries"], option=c["worries"][w]) for w in worries
    ]
    if opinion == "不支持":
        helping = "暂不参与"
    else:
        helping = _weighted(
            rng,
            (
                ("愿意捐款", 0.2),
                ("愿意出工出力", 0.3),
                ("捐款和出力都愿意", 0.2),
                ("暂不参与", 0.3),
            ),
        )
    rows.append(Answer(response=response, question=q["help"], option=c["help"][helping]))
    if helping in ("愿意捐款", "捐款和出力都愿意") and rng.random() < 0.85:
        amount = rng.choice((50, 100, 100, 100, 200, 200, 300, 500, 1000))
        rows.append(Answer(response=response, question=q["amount"], number=amount))
    venue = _weighted(rng, ((1, 0.15), (2, 0.35), (3, 0.30), (4, 0.15), (5, 0.05)))
    rows.append(Answer(response=response, question=q["venue"], number=venue))
    if rng.random() < 0.25:
        rows.append(
            Answer(response=response, question=q["comment"], text=rng.choice(COMMENTS[opinion]))
        )
    return rows


def _moment(rng: random.Random, day: date) -> datetime:
    """A time of day when workers visit: mornings, and evenings when people are home."""
    hour = rng.choice((9, 10, 11, 15, 16, 17, 19, 19, 20))
    return datetime.combine(
        day, time(hour, rng.randrange(60)), tzinfo=timezone.get_default_timezone()
    )


def _households(community: Community) -> list[Any]:
    """Active households with their place and oldest active member, in a fixed order."""
    return list(
        community.households.filter(is_active=True, dwelling__isnull=False)
        .annotate(
            oldest=Min("residents__birth_date", filter=Q(residents__status=Resident.Status.ACTIVE))
        )
        .order_by("id")
        .values(
            "id",
            "oldest",
            "dwelling__building_id",
            "dwelling__building__compound_id",
            "dwelling__building__compound__name",
            "dwelling__building__grid_id",
        )
    )


def _staff(community: Community):
    """The community's first admin and worker logins, and each grid's worker (user ids)."""
    firsts = {}
    for role in (Role.COMMUNITY_ADMIN, Role.COMMUNITY_WORKER):
        row = (
            RoleAssignment.objects.filter(community=community, role=role)
            .select_related("user")
            .order_by("id")
            .first()
        )
        firsts[role] = row.user if row else None
    grid_workers = dict(
        Grid.objects.filter(community=community, worker__isnull=False).values_list("id", "worker")
    )
    return firsts[Role.COMMUNITY_ADMIN], firsts[Role.COMMUNITY_WORKER], grid_workers


def _key(rng: random.Random) -> uuid.UUID:
    """A random-looking key from the seeded Random, so that two loads are identical."""
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _code(rng: random.Random) -> str:
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return "".join(rng.choice(alphabet) for _ in range(8))


def _build(community: Community, today: date, staff) -> Survey:
    rng = random.Random(SEED)
    opens, closes, published = _survey_dates(today)
    admin, worker, grid_workers = staff
    fallback = (worker or admin).pk
    survey = Survey.objects.create(
        community=community,
        title=TITLE,
        description=DESCRIPTION,
        status=Survey.Status.CLOSED,
        unit=Survey.Unit.HOUSEHOLD,
        anonymous=False,
        audience=Survey.Audience.COMMUNITY,
        opens_at=opens,
        closes_at=closes,
        results_published_at=published,
        created_by=admin,
    )
    asked = _questions(survey)
    cutoff = elderly_cutoff(today)
    first_day = opens.date() + timedelta(days=1)

    responses, answers, participations, visits, codes = [], [], [], [], []
    for household in _households(community):
        how = _weighted(rng, REACH)
        visitor = grid_workers.get(household["dwelling__building__grid_id"]) or fallback
        day = first_day + timedelta(days=rng.randint(0, 11))
        at = _moment(rng, day)
        base = {"survey": survey, "household_id": household["id"]}
        if how in ("visit_second", "not_home"):
            revisit = day + timedelta(days=rng.randint(1, 3))
            visits.append(
                Visit(
                    **base,
                    worker_id=visitor,
                    outcome=Visit.Outcome.NOT_HOME,
                    revisit_on=revisit,
                    at=at,
                )
            )
            if how == "not_home":
                continue
            at = _moment(rng, revisit)
        if how == "declined":
            visits.append(
                Visit(
                    **base,
                    worker_id=visitor,
                    outcome=Visit.Outcome.DECLINED,
                    note=rng.choice(DECLINE_NOTES),
                    at=at,
                )
            )
            continue
        channel = {"online": Channel.ONLINE, "code": Channel.CODE, "paper": Channel.PAPER}.get(
            how, Channel.VISIT
        )
        entered_by = None
        if channel == Channel.VISIT:
            entered_by = visitor
            visits.append(Visit(**base, worker_id=visitor, outcome=Visit.Outcome.ANSWERED, at=at))
        elif channel == Channel.PAPER:
            entered_by = fallback
        elif channel == Channel.CODE:
            codes.append(HouseholdCode(**base, code=_code(rng), used_at=at))
        oldest = household["oldest"]
        elderly = oldest is not None and oldest <= cutoff
        if oldest is None:
            age_group = AgeGroup.UNKNOWN
        else:
            age_group = AgeGroup.ELDERLY if elderly else AgeGroup.UNDER_60
        response = Response(
            id=_key(rng),
            survey=survey,
            channel=channel,
            submitted_at=at,
            household_id=household["id"],
            compound_id=household["dwelling__building__compound_id"],
            building_id=household["dwelling__building_id"],
            age_group=age_group,
            entered_by_id=entered_by,
        )
        responses.append(response)
        participations.append(Participation(**base, channel=channel, at=at))
        near_square = household["dwelling__building__compound__name"] == "机械厂小区"
        for answer in _answers(rng, asked, response, elderly, near_square):
            answer.id = _key(rng)
            answers.append(answer)

    written: tuple[tuple[Any, list], ...] = (
        (Response, responses),
        (Participation, participations),
        (Visit, visits),
        (HouseholdCode, codes),
        (Answer, answers),
    )
    for model, rows in written:
        model.objects.bulk_create(rows, batch_size=BATCH)
    rebuild_tallies(survey)  # the answers were written in bulk, not through submit_response
    return survey


def load_survey_demo(stdout=None) -> dict:
    """Load the arts-stage questionnaire once; later runs find it and change nothing."""
    community = Community.objects.filter(subdistrict__code=SUBDISTRICT_CODE, code=JIXIE).first()
    if community is None:
        _say(stdout, "The registry demo is not loaded: no arts-stage questionnaire.")
        return {"created": False, "survey_id": None}
    existing = Survey.objects.filter(community=community, title=TITLE).first()
    if existing is not None:
        _say(stdout, f"{TITLE} is loaded.")
        return {"created": False, "survey_id": existing.pk}
    staff = _staff(community)
    if staff[0] is None and staff[1] is None:
        _say(stdout, "Jixie has no admin or worker login to run the visits: no questionnaire.")
        return {"created": False, "survey_id": None}
    with transaction.atomic():
        survey = _build(community, date.today(), staff)
        counts = {
            "responses": survey.responses.count(),
            "not_home": survey.visits.filter(outcome=Visit.Outcome.NOT_HOME).count(),
            "declined": survey.visits.filter(outcome=Visit.Outcome.DECLINED).count(),
        }
        record(actor=None, action="demo.survey_loaded", target=survey, data=counts)
    _say(
        stdout,
        f"{TITLE}: {counts['responses']} households answered, {counts['not_home']} not-at-home "
        f"visits, {counts['declined']} declined.",
    )
    return {"created": True, "survey_id": survey.pk, **counts}


def link_results_to_matter(stdout=None) -> bool:
    """Put the questionnaire's published results on the arts-stage matter's timeline, once.

    Returns whether a link was made; False when the survey, its published results or the
    matter (opened by the needs demo) are not there, or the link already is.
    """
    from gongzhi.matters.models import Matter
    from gongzhi.matters.services import MatterError, link_survey_results
    from gongzhi.needs.demo import STAGE_TITLE

    survey = Survey.objects.filter(
        community__subdistrict__code=SUBDISTRICT_CODE, community__code=JIXIE, title=TITLE
    ).first()
    if survey is None or survey.results_published_at is None:
        return False
    matter = Matter.objects.filter(
        community_id=survey.community_id, opened_from__title=STAGE_TITLE
    ).first()
    if matter is None:
        return False
    admin = _staff(survey.community)[0] or survey.created_by
    try:
        # Demo rows are written in Chinese, whatever the language of the shell.
        with translation.override("zh-hans"):
            link_survey_results(matter=matter, survey=survey, actor=admin)
    except MatterError as exc:
        if exc.code != "already_linked":
            raise
        return False
    _say(stdout, f"{TITLE}: results linked to the matter {matter.pk}.")
    return True


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")
