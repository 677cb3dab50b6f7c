"""Builder writes: create and edit surveys, their sections and questions; open, close, copy.

Every function is keyword-only, atomic and audited. A refused change raises BuilderError with
a message for the user (and field errors when a field is to blame); nothing is written then.

Question order: `Question.position` numbers the whole questionnaire 0..n-1. Sections are
headings over contiguous blocks: questions without a section come first, then each section's
questions in section order. Every change renumbers to keep that true, so "earlier" (for
show-if conditions) always means a smaller position.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.audit import record
from gongzhi.registry.models import Community

from .models import Option, Question, Section, Survey

# The state machine: which status may follow which.
TRANSITIONS: dict[str, set[str]] = {
    Survey.Status.DRAFT: {Survey.Status.OPEN},
    Survey.Status.OPEN: {Survey.Status.CLOSED},
    Survey.Status.CLOSED: set(),
}
CHOICE_KINDS = {Question.Kind.SINGLE, Question.Kind.MULTIPLE}
# Kinds a show-if condition may point at: their answers are a few known values.
CONDITION_KINDS = {*CHOICE_KINDS, Question.Kind.YES_NO, Question.Kind.RATING}
YES_NO_VALUES = ("yes", "no")
RATING_VALUES = tuple(str(n) for n in range(1, 6))
MAX_OPTIONS = 50
SURVEY_FIELDS = (
    "title",
    "description",
    "unit",
    "anonymous",
    "audience",
    "audience_min_age",
    "opens_at",
    "closes_at",
)
# Who is asked, how and under what promise may not change once people have been asked.
FIXED_ONCE_OPEN = ("unit", "anonymous", "audience", "audience_min_age", "opens_at")
QUESTION_FIELDS = (
    "kind",
    "text",
    "help_text",
    "required",
    "max_choices",
    "min_value",
    "max_value",
    "section",
    "show_if_question",
    "show_if_values",
)
WORDING_FIELDS = ("text", "help_text")


class BuilderError(Exception):
    """A change the builder's rules refuse; message (and field errors) are shown to the user."""

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


def _field_error(field: str, message: str) -> BuilderError:
    return BuilderError(message, {field: [message]})


def _from_validation_error(exc: ValidationError) -> BuilderError:
    errors = {
        ("__all__" if field == "__all__" else field): [str(m) for m in messages]
        for field, messages in exc.message_dict.items()
    }
    return BuilderError(_("Some fields are not valid."), errors)


def _lock(survey: Survey) -> Survey:
    """Lock the survey row for this transaction and return it fresh."""
    return Survey.objects.select_for_update().get(pk=survey.pk)


def _audit(actor, action: str, survey: Survey, target=None, **data) -> None:
    record(
        actor=actor,
        action=action,
        target=target if target is not None else survey,
        community_id=survey.community_id,
        data={"survey": survey.pk, **data} if target is not None else data,
    )


# --- surveys ---------------------------------------------------------------------------


def _check_places(survey: Survey, compounds, buildings) -> None:
    """The chosen places belong to the survey's community and fit its audience."""
    compounds = list(compounds or [])
    buildings = list(buildings or [])
    if any(c.community_id != survey.community_id for c in compounds):
        raise _field_error("audience_compounds", _("Choose compounds of this community."))
    if any(b.community_id != survey.community_id for b in buildings):
        raise _field_error("audience_buildings", _("Choose buildings of this community."))
    if survey.audience == Survey.Audience.COMPOUNDS and not compounds:
        raise _field_error("audience_compounds", _("Choose at least one compound."))
    if survey.audience == Survey.Audience.BUILDINGS and not buildings:
        raise _field_error("audience_buildings", _("Choose at least one building."))


def _check_survey(survey: Survey) -> None:
    if survey.opens_at and survey.closes_at and survey.closes_at <= survey.opens_at:
        raise _field_error("closes_at", _("The closing time must be after the opening time."))
    if survey.audience_min_age is not None and survey.audience_min_age > 120:
        raise _field_error("audience_min_age", _("Enter an age of at most 120."))
    try:
        survey.full_clean(exclude=["community", "created_by", "copied_from"])
    except ValidationError as exc:
        raise _from_validation_error(exc) from exc


def _set_places(survey: Survey, compounds, buildings) -> None:
    """Keep only the places the audience uses, so a later audience change leaves no residue."""
    is_compounds = survey.audience == Survey.Audience.COMPOUNDS
    is_buildings = survey.audience == Survey.Audience.BUILDINGS
    survey.audience_compounds.set(list(compounds or []) if is_compounds else [])
    survey.audience_buildings.set(list(buildings or []) if is_buildings else [])


def create_survey(*, community: Community, actor, compounds=(), buildings=(), **fields) -> Survey:
    """Create a draft survey in the community."""
    unknown = set(fields) - set(SURVEY_FIELDS)
    if unknown:
        raise TypeError(f"unknown survey fields: {sorted(unknown)}")
    survey = Survey(community=community, created_by=actor, status=Survey.Status.DRAFT, **fields)
    _check_survey(survey)
    _check_places(survey, compounds, buildings)
    with transaction.atomic():
        survey.save()
        _set_places(survey, compounds, buildings)
        _audit(actor, "survey.create", survey, title=survey.title)
    return survey


def update_survey(
    *, survey: Survey, actor, changes: dict, compounds=None, buildings=None
) -> list[str]:
    """Change a survey's settings; return the names of the fields that changed.

    compounds/buildings None means "unchanged". Once open, who is asked, the unit and
    anonymity are fixed: people have answered under those terms.
    """
    unknown = set(changes) - set(SURVEY_FIELDS)
    if unknown:
        raise TypeError(f"unknown survey fields: {sorted(unknown)}")
    with transaction.atomic():
        survey = _lock(survey)
        changed = [f for f in SURVEY_FIELDS if f in changes and getattr(survey, f) != changes[f]]
        old_compounds = list(survey.audience_compounds.all())
        old_buildings = list(survey.audience_buildings.all())
        new_compounds = old_compounds if compounds is None else list(compounds)
        new_buildings = old_buildings if buildings is None else list(buildings)
        if {c.pk for c in new_compounds} != {c.pk for c in old_compounds}:
            changed.append("audience_compounds")
        if {b.pk for b in new_buildings} != {b.pk for b in old_buildings}:
            changed.append("audience_buildings")
        if survey.status != Survey.Status.DRAFT:
            fixed = [
                f
                for f in changed
                if f in FIXED_ONCE_OPEN or f in ("audience_compounds", "audience_buildings")
            ]
            if fixed:
                message = _(
                    "Once a survey has been opened, its audience, unit of response, "
                    "anonymity and opening time cannot change."
                )
                raise BuilderError(message, {f: [message] for f in fixed})
        if not changed:
            return []
        for field in changed:
            if field in changes:
                setattr(survey, field, changes[field])
        _check_survey(survey)
        _check_places(survey, new_compounds, new_buildings)
        survey.save()
        _set_places(survey, new_compounds, new_buildings)
        _audit(actor, "survey.update", survey, fields=changed)
    return changed


def delete_survey(*, survey: Survey, actor) -> None:
    """Delete a draft survey (opened ones are kept: people have seen them)."""
    with transaction.atomic():
        survey = _lock(survey)
        if survey.status != Survey.Status.DRAFT:
            raise BuilderError(_("Only a draft survey can be deleted; close it instead."))
        _audit(actor, "survey.delete", survey, title=survey.title)
        survey.delete()


def _open_problems(survey: Survey) -> list[str]:
    """What stops the survey from opening, in words for the worker."""
    problems = []
    questions = list(survey.questions.all().prefetch_related("options"))
    if not questions:
        problems.append(_("Add at least one question before opening the survey."))
    for question in questions:
        if question.kind in CHOICE_KINDS and len(question.options.all()) < 2:
            problems.append(
                _("Question “%(text)s” needs at least two options.") % {"text": question.text}
            )
    if survey.closes_at and survey.closes_at <= timezone.now():
        problems.append(_("The closing time has already passed; set a later one."))
    return problems


def _refuse_transition(survey: Survey, to: str) -> None:
    if to in TRANSITIONS[survey.status]:
        return
    messages: dict[tuple[str, str], str] = {
        (Survey.Status.OPEN, Survey.Status.OPEN): _("This survey is already open."),
        (Survey.Status.CLOSED, Survey.Status.OPEN): _(
            "A closed survey cannot be opened again; duplicate it to ask again."
        ),
        (Survey.Status.DRAFT, Survey.Status.CLOSED): _(
            "A draft survey cannot be closed; open it first or delete it."
        ),
        (Survey.Status.CLOSED, Survey.Status.CLOSED): _("This survey is already closed."),
    }
    raise BuilderError(
        messages.get((survey.status, to), _("This change of status is not allowed."))
    )


def open_survey(*, survey: Survey, actor) -> Survey:
    """Open a draft survey for answers (it needs questions, and choices need options)."""
    with transaction.atomic():
        survey = _lock(survey)
        _refuse_transition(survey, Survey.Status.OPEN)
        problems = _open_problems(survey)
        if problems:
            raise BuilderError(" ".join(problems), {"__all__": problems})
        survey.status = Survey.Status.OPEN
        survey.save(update_fields=["status", "updated_at"])
        _audit(actor, "survey.open", survey)
    return survey


def close_survey(*, survey: Survey, actor) -> Survey:
    """Close an open survey: no more answers by any channel."""
    with transaction.atomic():
        survey = _lock(survey)
        _refuse_transition(survey, Survey.Status.CLOSED)
        survey.status = Survey.Status.CLOSED
        survey.save(update_fields=["status", "updated_at"])
        _audit(actor, "survey.close", survey)
    return survey


def duplicate_survey(*, survey: Survey, actor) -> Survey:
    """Copy a survey as a new draft: settings, places, sections, questions, options, show-if."""
    with transaction.atomic():
        title = _("%(title)s (copy)") % {"title": survey.title}
        copy = Survey.objects.create(
            community_id=survey.community_id,
            title=title[:200],
            description=survey.description,
            unit=survey.unit,
            anonymous=survey.anonymous,
            audience=survey.audience,
            audience_min_age=survey.audience_min_age,
            created_by=actor,
            copied_from=survey,
        )
        copy.audience_compounds.set(survey.audience_compounds.all())
        copy.audience_buildings.set(survey.audience_buildings.all())
        section_map: dict[int | None, Section] = {}
        for section in survey.sections.order_by("position", "id"):
            section_map[section.pk] = Section.objects.create(
                survey=copy, title=section.title, position=section.position
            )
        questions = list(survey.questions.order_by("position", "id").prefetch_related("options"))
        question_map, option_map = {}, {}
        for question in questions:
            new = Question.objects.create(
                survey=copy,
                section=section_map.get(question.section_id),
                position=question.position,
                kind=question.kind,
                text=question.text,
                help_text=question.help_text,
                required=question.required,
                max_choices=question.max_choices,
                min_value=question.min_value,
                max_value=question.max_value,
            )
            question_map[question.pk] = new
            new_options = Option.objects.bulk_create(
                Option(question=new, position=o.position, label=o.label)
                for o in question.options.all()
            )
            for old, fresh in zip(question.options.all(), new_options, strict=True):
                option_map[str(old.pk)] = str(fresh.pk)
        linked = []
        for question in questions:
            if question.show_if_question_id not in question_map:
                continue
            new = question_map[question.pk]
            condition = question_map[question.show_if_question_id]
            new.show_if_question = condition
            if condition.kind in CHOICE_KINDS:
                new.show_if_values = [
                    option_map[str(v)] for v in question.show_if_values if str(v) in option_map
                ]
            else:
                new.show_if_values = list(question.show_if_values)
            linked.append(new)
        Question.objects.bulk_update(linked, ["show_if_question", "show_if_values"])
        _audit(actor, "survey.duplicate", copy, copied_from=survey.pk)
    return copy


# --- order -----------------------------------------------------------------------------


def _ordered(survey: Survey) -> tuple[list[Section], list[Question]]:
    """The survey's sections and questions in questionnaire order (see the module docstring)."""
    sections = list(Section.objects.filter(survey=survey).order_by("position", "id"))
    rank: dict[int | None, int] = {s.pk: i for i, s in enumerate(sections)}
    questions = list(Question.objects.filter(survey=survey).prefetch_related("options"))
    questions.sort(key=lambda q: (rank.get(q.section_id, -1), q.position, q.pk))
    return sections, questions


def _check_conditions_point_back(questions: list[Question]) -> None:
    """Every show-if condition points at an earlier question."""
    index = {q.pk: i for i, q in enumerate(questions)}
    for i, question in enumerate(questions):
        target = question.show_if_question_id
        if target is not None and index.get(target, len(questions)) >= i:
            raise BuilderError(
                _(
                    "Question “%(text)s” is shown depending on an answer to an earlier question; "
                    "it cannot come before that question."
                )
                % {"text": question.text}
            )


def _arrange(sections: list[Section], questions: list[Question]) -> list[Question]:
    """Group the questions into section blocks in section order, keeping order within each."""
    rank: dict[int | None, int] = {s.pk: i for i, s in enumerate(sections)}
    return sorted(questions, key=lambda q: rank.get(q.section_id, -1))  # sorted() is stable


def _save_order(sections: list[Section], questions: list[Question]) -> list[Question]:
    """Number sections and questions 0..n-1 in this order, writing only what changed."""
    moved_sections = [s for i, s in enumerate(sections) if s.position != i]
    for i, section in enumerate(sections):
        section.position = i
    Section.objects.bulk_update(moved_sections, ["position"])
    questions = _arrange(sections, questions)
    _check_conditions_point_back(questions)
    moved = [q for i, q in enumerate(questions) if q.position != i]
    for i, question in enumerate(questions):
        question.position = i
    Question.objects.bulk_update(moved, ["position"])
    return questions


# --- sections --------------------------------------------------------------------------


def _refuse_structure_change(survey: Survey) -> None:
    """Adding, removing or moving questions is refused once answers exist or when closed."""
    if survey.status == Survey.Status.CLOSED:
        raise BuilderError(
            _("This survey is closed and cannot be changed; duplicate it to make a new one.")
        )
    if survey.responses.exists():
        raise BuilderError(
            _(
                "This survey already has responses: only the wording of questions and options "
                "can be changed. Duplicate it to change its questions."
            )
        )


def _clean_title(title: str, field: str = "title") -> str:
    title = (title or "").strip()
    if not title:
        raise _field_error(field, _("Enter a title."))
    if len(title) > 200:
        raise _field_error(field, _("Keep the title to 200 characters."))
    return title


def add_section(*, survey: Survey, actor, title: str) -> Section:
    """Add a section at the end of the survey."""
    title = _clean_title(title)
    with transaction.atomic():
        survey = _lock(survey)
        _refuse_structure_change(survey)
        sections, questions = _ordered(survey)
        section = Section.objects.create(survey=survey, title=title, position=len(sections))
        _audit(actor, "survey.section.add", survey, target=section)
    return section


def rename_section(*, section: Section, actor, title: str) -> Section:
    """Rename a section (wording only, so allowed at any time)."""
    title = _clean_title(title)
    with transaction.atomic():
        old = section.title
        section.title = title
        section.save(update_fields=["title"])
        _audit(actor, "survey.section.rename", section.survey, target=section, old=old)
    return section


def move_section(*, section: Section, actor, direction: str) -> None:
    """Move a section (with its questions) one place up or down."""
    with transaction.atomic():
        survey = _lock(section.survey)
        _refuse_structure_change(survey)
        sections, questions = _ordered(survey)
        i = next(i for i, s in enumerate(sections) if s.pk == section.pk)
        j = i - 1 if direction == "up" else i + 1
        if j < 0 or j >= len(sections):
            raise BuilderError(_("This section cannot move further."))
        sections[i], sections[j] = sections[j], sections[i]
        _save_order(sections, questions)
        _audit(actor, "survey.section.move", survey, target=section, direction=direction)


def delete_section(*, section: Section, actor) -> None:
    """Delete a section; its questions join the section before it, keeping their order."""
    with transaction.atomic():
        survey = _lock(section.survey)
        _refuse_structure_change(survey)
        sections, questions = _ordered(survey)
        i = next(i for i, s in enumerate(sections) if s.pk == section.pk)
        before = sections[i - 1] if i > 0 else None
        moved = [q for q in questions if q.section_id == section.pk]
        for question in moved:
            question.section = before
        Question.objects.bulk_update(moved, ["section"])
        _audit(actor, "survey.section.delete", survey, target=section, title=section.title)
        section.delete()
        _save_order(sections[:i] + sections[i + 1 :], questions)


# --- questions -------------------------------------------------------------------------


def _clean_options(labels) -> list[str]:
    """Options as typed, one per line: trimmed, blank lines dropped, no repeats."""
    out: list[str] = []
    for label in labels or []:
        label = str(label).strip()
        if not label:
            continue
        if len(label) > 200:
            raise _field_error("options", _("Keep each option to 200 characters."))
        if label in out:
            raise _field_error(
                "options", _("Option “%(label)s” is listed twice.") % {"label": label}
            )
        out.append(label)
    if len(out) > MAX_OPTIONS:
        raise _field_error("options", _("Use at most %(n)d options.") % {"n": MAX_OPTIONS})
    return out


def _normalise(question: Question, options: list[str]) -> list[str]:
    """Check the fields for the question's kind; clear those the kind does not use."""
    if question.kind not in Question.Kind.values:
        raise _field_error("kind", _("Choose a question type."))
    question.text = (question.text or "").strip()
    if not question.text:
        raise _field_error("text", _("Enter the question."))
    if question.kind in CHOICE_KINDS:
        if len(options) < 2:
            raise _field_error("options", _("Enter at least two options, one per line."))
    else:
        options = []
    if question.kind == Question.Kind.MULTIPLE:
        if question.max_choices is not None and not 1 <= question.max_choices <= len(options):
            raise _field_error(
                "max_choices",
                _("The maximum must be between 1 and the number of options (%(n)d).")
                % {"n": len(options)},
            )
    else:
        question.max_choices = None
    if question.kind == Question.Kind.NUMBER:
        low, high = question.min_value, question.max_value
        if low is not None and high is not None and low > high:
            raise _field_error("max_value", _("The maximum must not be below the minimum."))
        for field, value in (("min_value", low), ("max_value", high)):
            if value is not None and abs(Decimal(value)) >= Decimal("10000000000"):
                raise _field_error(field, _("Enter a smaller number."))
    else:
        question.min_value = question.max_value = None
    return options


def condition_values(question: Question) -> list[tuple[str, str]]:
    """The (value, label) pairs a show-if condition on this question may use."""
    if question.kind in CHOICE_KINDS:
        return [(str(o.pk), o.label) for o in question.options.all()]
    if question.kind == Question.Kind.YES_NO:
        return [("yes", _("Yes")), ("no", _("No"))]
    if question.kind == Question.Kind.RATING:
        return [(v, v) for v in RATING_VALUES]
    return []


def _check_condition(question: Question, questions: list[Question]) -> None:
    """The show-if condition points back to a choice, yes/no or rating question, with values
    that question can give. `questions` is the questionnaire in its new order."""
    condition = question.show_if_question
    if condition is None:
        question.show_if_values = []
        return
    index = {q.pk: i for i, q in enumerate(questions)}
    if condition.survey_id != question.survey_id or condition.pk not in index:
        raise _field_error("show_if_question", _("Choose a question of this survey."))
    if index[condition.pk] >= index[question.pk]:
        raise _field_error(
            "show_if_question", _("A question can only depend on an earlier question.")
        )
    if condition.kind not in CONDITION_KINDS:
        raise _field_error(
            "show_if_question",
            _("A question can only depend on a choice, yes/no or rating question."),
        )
    allowed = {value for value, _label in condition_values(condition)}
    values = [str(v) for v in question.show_if_values or []]
    if not values:
        raise _field_error("show_if_values", _("Choose the answers that show this question."))
    if any(v not in allowed for v in values):
        raise _field_error("show_if_values", _("Choose answers that the earlier question offers."))
    question.show_if_values = list(dict.fromkeys(values))


def _check_dependants(question: Question, questions: list[Question]) -> None:
    """Questions that depend on this one still have a valid condition after the change."""
    by_pk = {q.pk: q for q in questions}
    for dependant in questions:
        if dependant.show_if_question_id != question.pk:
            continue
        dependant.show_if_question = by_pk[question.pk]
        try:
            _check_condition(dependant, questions)
        except BuilderError as exc:
            raise BuilderError(
                _(
                    "Question “%(text)s” is shown depending on this question's answer; "
                    "change or remove that condition first."
                )
                % {"text": dependant.text}
            ) from exc


def _sync_options(question: Question, labels: list[str]) -> None:
    """Make the question's options these labels, keeping option ids where it makes sense.

    An unchanged label keeps its option; the remaining old options are renamed, in order, to
    the remaining new labels (a typo fix keeps its id, so show-if conditions on it survive);
    what is left over is deleted or created.
    """
    old = list(question.options.all())
    by_label = {o.label: o for o in old}
    kept = {label: by_label[label] for label in labels if label in by_label}
    spare = [o for o in old if o.label not in kept]
    update, create = [], []
    for position, label in enumerate(labels):
        option = kept.get(label) or (spare.pop(0) if spare else None)
        if option is None:
            create.append(Option(question=question, position=position, label=label))
            continue
        option.position, option.label = position, label
        update.append(option)
    Option.objects.filter(pk__in=[o.pk for o in spare]).delete()
    Option.objects.bulk_update(update, ["position", "label"])
    Option.objects.bulk_create(create)
    # Later checks read the options again, fresh.
    getattr(question, "_prefetched_objects_cache", {}).pop("options", None)


def add_question(
    *,
    survey: Survey,
    actor,
    kind: str,
    text: str,
    options=(),
    section: Section | None = None,
    **fields,
) -> Question:
    """Add a question at the end of its section (or of the questions without a section)."""
    unknown = set(fields) - set(QUESTION_FIELDS)
    if unknown:
        raise TypeError(f"unknown question fields: {sorted(unknown)}")
    with transaction.atomic():
        survey = _lock(survey)
        _refuse_structure_change(survey)
        if section is not None and section.survey_id != survey.pk:
            raise _field_error("section", _("Choose a section of this survey."))
        question = Question(survey=survey, kind=kind, text=text, section=section, **fields)
        labels = _normalise(question, _clean_options(options))
        condition = question.show_if_question
        values = [str(v) for v in question.show_if_values or []]
        question.show_if_question, question.show_if_values = None, []
        question.position = 32767  # last within its block until renumbered
        question.save()
        Option.objects.bulk_create(
            Option(question=question, position=i, label=label) for i, label in enumerate(labels)
        )
        sections, questions = _ordered(survey)
        questions = _save_order(sections, questions)
        question = next(q for q in questions if q.pk == question.pk)
        if condition is not None:
            question.show_if_question, question.show_if_values = condition, values
            _check_condition(question, questions)
            question.save(update_fields=["show_if_question", "show_if_values"])
        _audit(actor, "survey.question.add", survey, target=question, kind=question.kind)
    return question


def update_question(*, question: Question, actor, changes: dict, options=None) -> list[str]:
    """Change a question; return the fields that changed ("options" for the option list).

    Once answers exist (or the survey is closed) only the wording may change: the question
    text, its help text, and option labels with the same number of options.
    """
    unknown = set(changes) - set(QUESTION_FIELDS)
    if unknown:
        raise TypeError(f"unknown question fields: {sorted(unknown)}")
    with transaction.atomic():
        survey = _lock(question.survey)
        sections, questions = _ordered(survey)
        current = next(q for q in questions if q.pk == question.pk)
        old_labels = [o.label for o in current.options.all()]
        labels = old_labels if options is None else _clean_options(options)
        changed = [f for f in QUESTION_FIELDS if f in changes and _differs(current, f, changes)]
        if labels != old_labels:
            changed.append("options")
        if not changed:
            return []
        structural = [f for f in changed if f not in WORDING_FIELDS and f != "options"]
        relabel_only = len(labels) == len(old_labels)
        try:
            _refuse_structure_change(survey)
        except BuilderError:
            if structural or ("options" in changed and not relabel_only):
                raise
            return _reword(current, actor, changes, changed, labels)
        for field in changed:
            if field in changes:
                setattr(current, field, changes[field])
        if current.section is not None and current.section.survey_id != survey.pk:
            raise _field_error("section", _("Choose a section of this survey."))
        labels = _normalise(current, labels)
        if "section" in changed:
            # To the end of its new section: last in the list, then grouped by section.
            questions.remove(current)
            questions.append(current)
        questions = _arrange(sections, questions)
        _check_condition(current, questions)
        current.save()
        _sync_options(current, labels)
        _check_dependants(current, questions)
        _save_order(sections, questions)
        _audit(actor, "survey.question.update", survey, target=current, fields=changed)
    return changed


def _differs(question: Question, field: str, changes: dict) -> bool:
    new = changes[field]
    if field == "show_if_values":
        return [str(v) for v in question.show_if_values] != [str(v) for v in new or []]
    if field in ("section", "show_if_question"):
        return getattr(question, f"{field}_id") != (new.pk if new is not None else None)
    if field in ("min_value", "max_value") and new is not None:
        old = getattr(question, field)
        return old is None or Decimal(old) != Decimal(new)
    return getattr(question, field) != new


def _reword(question: Question, actor, changes: dict, changed: list[str], labels) -> list[str]:
    """Change only wording: question text, help text, option labels in place."""
    for field in WORDING_FIELDS:
        if field in changes:
            setattr(question, field, changes[field])
    question.text = (question.text or "").strip()
    if not question.text:
        raise _field_error("text", _("Enter the question."))
    question.save(update_fields=list(WORDING_FIELDS))
    options = list(question.options.all())
    for option, label in zip(options, labels, strict=True):
        option.label = label
    Option.objects.bulk_update(options, ["label"])
    _audit(actor, "survey.question.update", question.survey, target=question, fields=changed)
    return changed


def delete_question(*, question: Question, actor) -> None:
    """Delete a question that no other question depends on."""
    with transaction.atomic():
        survey = _lock(question.survey)
        _refuse_structure_change(survey)
        dependant = Question.objects.filter(show_if_question=question).first()
        if dependant is not None:
            raise BuilderError(
                _(
                    "Question “%(text)s” is shown depending on this question's answer; "
                    "change or remove that condition first."
                )
                % {"text": dependant.text}
            )
        _audit(actor, "survey.question.delete", survey, target=question, text=question.text)
        question.delete()
        sections, questions = _ordered(survey)
        _save_order(sections, questions)


def move_question(*, question: Question, actor, direction: str) -> None:
    """Move a question one place up or down; past its section's edge it joins the next one."""
    if direction not in ("up", "down"):
        raise BuilderError(_("Move a question up or down."))
    with transaction.atomic():
        survey = _lock(question.survey)
        _refuse_structure_change(survey)
        sections, questions = _ordered(survey)
        i = next(i for i, q in enumerate(questions) if q.pk == question.pk)
        current = questions[i]
        blocks = [None, *(s.pk for s in sections)]
        block = blocks.index(current.section_id)
        step = -1 if direction == "up" else 1
        j = i + step
        if 0 <= j < len(questions) and questions[j].section_id == current.section_id:
            questions[i], questions[j] = questions[j], questions[i]
        elif 1 <= block + step < len(blocks):
            # Cross into the neighbouring section: last of the one above, first of the one
            # below. Never into "no section" at the top: that is done from the edit form.
            current.section_id = blocks[block + step]
            current.save(update_fields=["section"])
        else:
            raise BuilderError(_("This question cannot move further."))
        _save_order(sections, questions)
        _audit(actor, "survey.question.move", survey, target=current, direction=direction)


def reorder_questions(*, survey: Survey, actor, order: list[int]) -> None:
    """Put the questions in this order of ids (each section's questions stay together)."""
    with transaction.atomic():
        survey = _lock(survey)
        _refuse_structure_change(survey)
        sections, questions = _ordered(survey)
        by_pk = {q.pk: q for q in questions}
        if len(order) != len(set(order)) or set(order) != set(by_pk):
            raise _field_error("order", _("List every question of the survey exactly once."))
        _save_order(sections, [by_pk[pk] for pk in order])
        _audit(actor, "survey.questions.reorder", survey, order=list(order))
