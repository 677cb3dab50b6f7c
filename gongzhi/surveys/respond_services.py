"""Survey writes for the four answering channels: online, household code, visit, paper.

Every answer goes through submit_response(), which creates the Participation row first, inside
the transaction, and lets the database's unique constraints refuse a second answer from the
same household or resident: that holds under concurrent submissions on SQLite (writes are
serialised by BEGIN IMMEDIATE) and on PostgreSQL (the second insert waits on the unique index,
then fails).

Age group of a response: for a resident survey, the resident's; for a household survey, that
of the household's oldest active member, which is "60+" exactly when any member is 60 or over
(so the two readings of "household age group" agree). Unknown when no birth date is known.

Each response is added to its survey's tallies (models.Tally) in the same transaction, so the
results page reads counts kept up to date instead of counting every answer.
"""

import re
import unicodedata
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Count, DecimalField, F, Max, Min, Q, Sum, Value
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from gongzhi.core.audit import record
from gongzhi.registry.models import Building, Dwelling, Household, Resident
from gongzhi.registry.querysets import elderly_cutoff

from .audience import audience_households, audience_residents
from .logic import answer_rows, clean_answers, load_questions
from .models import (
    AgeGroup,
    Answer,
    Channel,
    HouseholdCode,
    Participation,
    Question,
    Response,
    Survey,
    Tally,
    Visit,
    VisitDraft,
)

# A draft holds form values only: "q<id>" keys and the chosen respondent.
DRAFT_KEY = re.compile(r"^(q\d{1,18}|respondent)$")
DRAFT_MAX_KEYS = 300
DRAFT_MAX_CHARS = 5000
CODE_BATCH = 500


class ResponseError(Exception):
    """An answer or visit the survey's rules refuse; the message is shown to the user.

    code: "closed", "not_open", "already_answered", "invalid" (errors holds the field errors,
    by question id), "not_in_audience", "no_respondent", "bad_code", "used_code".
    """

    def __init__(self, message: str, code: str = "refused", errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.errors = errors or {}


def check_accepting(survey: Survey, now=None) -> None:
    """Raise ResponseError with a clear message unless the survey takes answers now."""
    now = now or timezone.now()
    if survey.is_accepting(now):
        return
    if survey.status == Survey.Status.CLOSED or (survey.closes_at and now >= survey.closes_at):
        raise ResponseError(_("This survey is closed and no longer takes answers."), "closed")
    if survey.status == Survey.Status.OPEN and survey.opens_at:
        when = formats.date_format(timezone.localtime(survey.opens_at), "DATETIME_FORMAT")
        raise ResponseError(
            _("This survey is not open yet. It opens on %(when)s.") % {"when": when}, "not_open"
        )
    raise ResponseError(_("This survey is not open yet."), "not_open")


def age_group_of(birth_date: date | None, today: date | None = None) -> str:
    """Return the age group ("60+", "under60", "unknown") of someone born on birth_date."""
    if birth_date is None:
        return AgeGroup.UNKNOWN
    return AgeGroup.ELDERLY if birth_date <= elderly_cutoff(today) else AgeGroup.UNDER_60


def _place_of(household_id: int | None) -> tuple[int | None, int | None]:
    """Return (building id, compound id) of a household's dwelling, or (None, None)."""
    if household_id is None:
        return None, None
    row = (
        Dwelling.objects.filter(households__id=household_id)
        .values_list("building_id", "building__compound_id")
        .first()
    )
    return row if row else (None, None)


def _household_age_group(household_id: int) -> str:
    oldest = Resident.objects.filter(
        household_id=household_id, status=Resident.Status.ACTIVE
    ).aggregate(oldest=Min("birth_date"))["oldest"]
    return age_group_of(oldest)


def _respondent(
    survey: Survey, channel: str, household: Household | None, resident: Resident | None
) -> tuple[Household | None, Resident | None]:
    """Return who answers, as the survey's unit wants it (household, or resident)."""
    if survey.unit == Survey.Unit.RESIDENT:
        if resident is None:
            raise ResponseError(_("Choose the resident who answers."), "no_respondent")
        return None, resident
    if household is None and resident is not None and resident.household_id:
        household = resident.household
    if household is None and not (survey.anonymous and channel == Channel.PAPER):
        raise ResponseError(_("Choose the household that answers."), "no_respondent")
    return household, None


def _check_audience(survey: Survey, household: Household | None, resident: Resident | None):
    if resident is not None:
        asked = audience_residents(survey).filter(pk=resident.pk).exists()
    elif household is not None:
        asked = audience_households(survey).filter(pk=household.pk).exists()
    else:
        return
    if not asked:
        raise ResponseError(_("This survey is not meant for this respondent."), "not_in_audience")


def _already_answered_error(survey: Survey) -> ResponseError:
    if survey.unit == Survey.Unit.RESIDENT:
        return ResponseError(
            _("This resident has already answered this survey."), "already_answered"
        )
    return ResponseError(_("This household has already answered this survey."), "already_answered")


def has_answered(survey: Survey, *, household=None, resident=None) -> bool:
    """Whether this household or resident has taken part already."""
    if survey.unit == Survey.Unit.RESIDENT:
        return resident is not None and (
            Participation.objects.filter(survey=survey, resident=resident).exists()
        )
    household_id = household.pk if household else getattr(resident, "household_id", None)
    return household_id is not None and (
        Participation.objects.filter(survey=survey, household_id=household_id).exists()
    )


def submit_response(
    *,
    survey: Survey,
    channel: str,
    answers,
    household: Household | None = None,
    resident: Resident | None = None,
    actor=None,
    entered_by=None,
) -> Response:
    """Record one questionnaire, refusing closed surveys, bad answers and second answers.

    answers: what was typed (see logic.normalize_values). Anonymous surveys store the response
    without household or resident and with the day only; Participation still says who answered.
    """
    check_accepting(survey)
    household, resident = _respondent(survey, channel, household, resident)
    _check_audience(survey, household, resident)
    questions = load_questions(survey)
    cleaned, errors = clean_answers(survey, questions, answers)
    if errors:
        raise ResponseError(_("Some answers need attention."), "invalid", errors)

    place_household_id = household.pk if household else getattr(resident, "household_id", None)
    building_id, compound_id = _place_of(place_household_id)
    if resident is not None:
        age_group = age_group_of(resident.birth_date)
    elif household is not None:
        age_group = _household_age_group(household.pk)
    else:
        age_group = AgeGroup.UNKNOWN
    now = timezone.now()

    with transaction.atomic():
        if household is not None or resident is not None:
            try:
                # Its own savepoint: a unique violation must not spoil the outer transaction.
                with transaction.atomic():
                    Participation.objects.create(
                        survey=survey,
                        household=household,
                        resident=resident,
                        channel=channel,
                        at=_day_of(now) if survey.anonymous else now,
                    )
            except IntegrityError:
                raise _already_answered_error(survey) from None
        response = Response.objects.create(
            survey=survey,
            channel=channel,
            submitted_at=_day_of(now) if survey.anonymous else now,
            household=None if survey.anonymous else household,
            resident=None if survey.anonymous else resident,
            compound_id=compound_id,
            building_id=building_id,
            age_group=age_group,
            entered_by=entered_by,
        )
        rows = Answer.objects.bulk_create(answer_rows(response, questions, cleaned))
        add_to_tallies(response, rows)
        data: dict[str, str | int | None] = {"channel": channel}
        if not survey.anonymous:
            # Named surveys may link the entry to the answers; anonymous ones never do.
            data.update(
                response=str(response.pk),
                household=household.pk if household else None,
                resident=resident.pk if resident else None,
            )
        record(actor=actor or entered_by, action="survey.answer", target=survey, data=data)
    return response


# ---------- tallies (see models.Tally) ----------

SCALE_KINDS = (Question.Kind.YES_NO, Question.Kind.RATING)


def _tally_key(tally: Tally) -> tuple:
    """What one tally row counts: (channel, question, option, value)."""
    return (tally.channel, tally.question_id, tally.option_id, tally.value)


def _tally_ids(survey_id: int, keys: set[tuple]) -> dict[tuple, int]:
    """Return {key: id} of the survey's tally rows with these keys (a few dozen rows read)."""
    rows = Tally.objects.filter(survey_id=survey_id).values_list(
        "channel", "question_id", "option_id", "value", "id"
    )
    return {row[:4]: row[4] for row in rows if row[:4] in keys}


def add_to_tallies(response: Response, answers: list[Answer]) -> None:
    """Count one stored response and its answers in its survey's tallies.

    Call it in the transaction that stores them. One UPDATE adds 1 to every row the response
    touches, and number questions add their number to the sum, lowest and highest. Rows not
    there yet are created first (a clash with one created at the same moment is ignored),
    always in the same order, so that two answers arriving together never each wait for a
    row the other holds.
    """
    survey_id = response.survey_id
    asked = sorted({a.question_id for a in answers})
    chosen = sorted({(a.question_id, a.option_id) for a in answers if a.option_id})
    scaled = sorted(
        {
            (a.question_id, int(a.number))
            for a in answers
            if a.question.kind in SCALE_KINDS and a.number is not None
        }
    )
    wanted = (
        [Tally(survey_id=survey_id, channel=response.channel)]
        + [Tally(survey_id=survey_id, question_id=q) for q in asked]
        + [Tally(survey_id=survey_id, question_id=q, option_id=o) for q, o in chosen]
        + [Tally(survey_id=survey_id, question_id=q, value=v) for q, v in scaled]
    )
    keys = {_tally_key(t) for t in wanted}
    ids = _tally_ids(survey_id, keys)
    if len(ids) < len(keys):
        missing = [t for t in wanted if _tally_key(t) not in ids]
        Tally.objects.bulk_create(missing, ignore_conflicts=True)
        ids = _tally_ids(survey_id, keys)
    Tally.objects.filter(pk__in=sorted(ids.values())).update(count=F("count") + 1)
    for answer in answers:
        if answer.question.kind == Question.Kind.NUMBER and answer.number is not None:
            number = Value(answer.number, output_field=DecimalField())
            Tally.objects.filter(pk=ids["", answer.question_id, None, None]).update(
                total=F("total") + number,
                low=Least(Coalesce(F("low"), number), number),
                high=Greatest(Coalesce(F("high"), number), number),
            )


def rebuild_tallies(survey: Survey) -> None:
    """Recount a survey's tallies from its answers: after answers were written in bulk.

    Run it while no answers come in (a loader, a migration): a response stored meanwhile
    could be counted twice or not at all.
    """
    answers = Answer.objects.filter(question__survey=survey).order_by()
    channels = Response.objects.filter(survey=survey).values_list("channel").annotate(n=Count("*"))
    is_number = Q(question__kind=Question.Kind.NUMBER)
    asked = answers.values_list("question_id").annotate(
        n=Count("response_id", distinct=True),
        total=Sum("number", filter=is_number),
        low=Min("number", filter=is_number),
        high=Max("number", filter=is_number),
    )
    chosen = (
        answers.filter(option__isnull=False)
        .values_list("question_id", "option_id")
        .annotate(n=Count("*"))
    )
    scaled = (
        answers.filter(question__kind__in=SCALE_KINDS, number__isnull=False)
        .values_list("question_id", "number")
        .annotate(n=Count("*"))
    )
    rows = [Tally(survey=survey, channel=c, count=n) for c, n in channels.order_by()]
    rows += [
        Tally(survey=survey, question_id=q, count=n, total=total or 0, low=low, high=high)
        for q, n, total, low, high in asked
    ]
    rows += [Tally(survey=survey, question_id=q, option_id=o, count=n) for q, o, n in chosen]
    rows += [Tally(survey=survey, question_id=q, value=int(v), count=n) for q, v, n in scaled]
    with transaction.atomic():
        Tally.objects.filter(survey=survey).delete()
        Tally.objects.bulk_create(rows, batch_size=500)


def _day_of(moment):
    """Midnight (Asia/Shanghai) of the day of moment: anonymous rows keep only the day."""
    local = timezone.localtime(moment, timezone.get_default_timezone())
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


# ---------- household codes (posters and slips) ----------


def normalize_code(text: str) -> str:
    """Return a typed code in its stored form: full-width to ASCII, upper case, no dashes."""
    text = unicodedata.normalize("NFKC", text or "").upper()
    return re.sub(r"[^0-9A-Z]", "", text)[:16]


def format_code(code: str) -> str:
    """Return a code as printed on a slip: ABCD-EFGH."""
    return f"{code[:4]}-{code[4:]}" if len(code) == 8 else code


def issue_household_codes(*, survey: Survey, actor, building: Building | None = None) -> int:
    """Give every audience household (of the building) a one-time code; return how many new."""
    if survey.unit != Survey.Unit.HOUSEHOLD:
        raise ResponseError(_("Household codes are for surveys with one answer per household."))
    if survey.status == Survey.Status.CLOSED:
        raise ResponseError(_("This survey is closed and no longer takes answers."), "closed")
    for attempt in range(3):
        households = audience_households(survey)
        if building is not None:
            households = households.filter(dwelling__building=building)
        missing = households.exclude(
            pk__in=HouseholdCode.objects.filter(survey=survey).values("household_id")
        ).values_list("pk", flat=True)
        try:
            with transaction.atomic():
                ids = list(missing)
                HouseholdCode.objects.bulk_create(
                    [HouseholdCode(survey=survey, household_id=pk) for pk in ids],
                    batch_size=CODE_BATCH,
                )
                record(
                    actor=actor,
                    action="survey.codes_issued",
                    target=survey,
                    data={"count": len(ids), "building": building.pk if building else None},
                )
            return len(ids)
        except IntegrityError:
            # A random code clashed, or someone issued the same codes at the same moment.
            if attempt == 2:
                raise
    return 0


def find_code(survey: Survey, code: str) -> HouseholdCode:
    """Return the unused code of this survey, or raise ResponseError saying what is wrong."""
    row = (
        HouseholdCode.objects.select_related("household")
        .filter(survey=survey, code=normalize_code(code))
        .first()
    )
    if row is None:
        raise ResponseError(
            _("This code is not right for this survey. Check the slip and try again."), "bad_code"
        )
    if row.used_at is not None:
        raise ResponseError(
            _("This code has already been used: your household has answered. Thank you."),
            "used_code",
        )
    return row


def redeem_code(*, survey: Survey, code: str, answers) -> Response:
    """Answer with a household's one-time code; the code is spent in the same transaction."""
    check_accepting(survey)
    row = find_code(survey, code)
    with transaction.atomic():
        spent = HouseholdCode.objects.filter(pk=row.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if not spent:
            raise ResponseError(
                _("This code has already been used: your household has answered. Thank you."),
                "used_code",
            )
        return submit_response(
            survey=survey, channel=Channel.CODE, household=row.household, answers=answers
        )


# ---------- door-to-door visits ----------


def record_visit(
    *,
    survey: Survey,
    household: Household,
    worker,
    outcome: str,
    revisit_on: date | None = None,
    note: str = "",
    answers=None,
    resident: Resident | None = None,
) -> Visit:
    """Record a door-to-door visit; "answered" also records the questionnaire and drops drafts.

    resident: who answered, for surveys with one answer per resident.
    """
    check_accepting(survey)
    if outcome not in Visit.Outcome.values:
        raise ResponseError(_("Choose what happened at the door."), "invalid")
    if outcome == Visit.Outcome.NOT_HOME and revisit_on and revisit_on < timezone.localdate():
        raise ResponseError(_("The revisit date is in the past."), "invalid")
    if resident is not None and resident.household_id != household.pk:
        raise ResponseError(_("Choose someone who lives in this household."), "no_respondent")
    with transaction.atomic():
        if outcome == Visit.Outcome.ANSWERED:
            submit_response(
                survey=survey,
                channel=Channel.VISIT,
                household=household,
                resident=resident,
                actor=worker,
                entered_by=worker,
                answers=answers or {},
            )
        else:
            _check_audience(survey, household, None)
            if survey.unit == Survey.Unit.HOUSEHOLD and has_answered(survey, household=household):
                raise _already_answered_error(survey)
        visit = Visit.objects.create(
            survey=survey,
            household=household,
            worker=worker,
            outcome=outcome,
            revisit_on=revisit_on if outcome == Visit.Outcome.NOT_HOME else None,
            note=(note or "").strip()[:300],
        )
        if outcome == Visit.Outcome.ANSWERED:
            VisitDraft.objects.filter(survey=survey, household=household).delete()
        record(
            actor=worker,
            action="survey.visit",
            target=visit,
            community_id=survey.community_id,
            data={"survey": survey.pk, "household": household.pk, "outcome": outcome},
        )
    return visit


def _clean_draft(data) -> dict:
    out: dict = {}
    if not isinstance(data, dict):
        return out
    for key, value in list(data.items())[:DRAFT_MAX_KEYS]:
        if not isinstance(key, str) or not DRAFT_KEY.match(key):
            continue
        items = value if isinstance(value, list) else [value]
        texts = [str(v)[:DRAFT_MAX_CHARS] for v in items[:50] if isinstance(v, str | int | float)]
        if texts:
            out[key] = texts
    return out


def save_visit_draft(*, survey: Survey, household: Household, worker, data) -> VisitDraft:
    """Keep a half-filled visit questionnaire on the server, replacing the previous draft.

    Not audited: a draft is the worker's scratch pad, saved on every change; the visit that
    ends it is.
    """
    check_accepting(survey)
    clean = _clean_draft(data)
    now = timezone.now()
    keys = {"survey": survey, "household": household, "worker": worker}
    with transaction.atomic():
        if not VisitDraft.objects.filter(**keys).update(data=clean, updated_at=now):
            try:
                with transaction.atomic():
                    return VisitDraft.objects.create(data=clean, **keys)
            except IntegrityError:
                # Two saves crossed (two tabs): the other one created it; update it instead.
                VisitDraft.objects.filter(**keys).update(data=clean, updated_at=now)
    return VisitDraft.objects.get(**keys)


def get_visit_draft(*, survey: Survey, household: Household, worker) -> VisitDraft | None:
    """Return the worker's draft for this household, if any."""
    return VisitDraft.objects.filter(survey=survey, household=household, worker=worker).first()


def draft_values(draft: VisitDraft | None) -> dict:
    """Return a draft's form values (q<id> keys), ready for logic.normalize_values."""
    return dict(draft.data) if draft else {}
