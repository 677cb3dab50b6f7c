"""Show-if evaluation and answer validation, shared by every channel (online, code, visit, paper).

Values are what was typed, keyed by question id, each a list of strings as a form posts them:
single "<option id>", multiple ["<option id>", ...], yes_no "yes" or "no", rating "1".."5",
number "12.5", short and long text the text. `normalize_values` turns a POST, a JSON body or
a saved visit draft into that shape.

How answers are stored (Answer rows), which the results read:
- single, multiple: one row per chosen option (`option`);
- yes_no: `number` 1 for yes, 0 for no (so the share of yes is an average);
- rating: `number` 1–5; number: `number` (2 decimal places);
- short_text, long_text: `text`.
"""

import unicodedata
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from .models import Answer, Question, Response, Survey
from .querysets import questions_for

K = Question.Kind
YES, NO = "yes", "no"
RATING_VALUES = ("1", "2", "3", "4", "5")
SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 2000
# Answer.number is DecimalField(max_digits=12, decimal_places=2).
NUMBER_LIMIT = Decimal("9999999999.99")
CENT = Decimal("0.01")


def field_name(question: Question) -> str:
    """Return the form field name of a question ("q<id>")."""
    return f"q{question.pk}"


def load_questions(survey: Survey) -> list[Question]:
    """Return the survey's questions in answering order (the builder's), options loaded."""
    return list(questions_for(survey))


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return YES if value else NO
    return str(value)


def normalize_values(raw: Mapping | None, questions: Iterable[Question]) -> dict[int, list[str]]:
    """Return {question id: [strings]} from a POST (q<id> keys), a JSON body or a draft.

    Keys may be "q12", "12" or 12; values a string, number, boolean or a list of them.
    Empty strings are dropped, so an untouched field counts as not answered.
    """
    out: dict[int, list[str]] = {}
    if not raw:
        return out
    getlist = getattr(raw, "getlist", None)
    for question in questions:
        found: Any = None
        for key in (field_name(question), str(question.pk), question.pk):
            if key in raw:
                found = getlist(key) if getlist is not None else raw[key]
                break
        if found is None:
            continue
        items = found if isinstance(found, list | tuple) else [found]
        texts = [_as_text(item).strip() for item in items if item is not None]
        texts = [t for t in texts if t]
        if texts:
            out[question.pk] = texts
    return out


def _condition_met(question: Question, values: dict[int, list[str]]) -> bool:
    ref = question.show_if_question_id
    if ref is None:
        return True
    wanted = {_as_text(v) for v in (question.show_if_values or [])}
    return bool(wanted.intersection(values.get(ref, [])))


def visible_question_ids(questions: Iterable[Question], values: dict[int, list[str]]) -> set[int]:
    """Return the ids of the questions to be answered, given the answers so far.

    A question with a show-if condition is shown when the question it depends on is itself
    shown and its answer is one of the condition's values. A condition on a question that is
    missing, or a loop of conditions, hides the question.
    """
    by_id = {q.pk: q for q in questions}
    memo: dict[int, bool] = {}

    def shown(qid: int, seen: frozenset[int]) -> bool:
        if qid in memo:
            return memo[qid]
        question = by_id.get(qid)
        if question is None or qid in seen:
            return False
        ref = question.show_if_question_id
        result = ref is None or (shown(ref, seen | {qid}) and _condition_met(question, values))
        memo[qid] = result
        return result

    return {qid for qid in by_id if shown(qid, frozenset())}


def visible_questions(questions: Iterable[Question], values: Mapping) -> list[Question]:
    """Return the questions to be answered, in order, given what was typed so far."""
    questions = list(questions)
    if not all(isinstance(k, int) for k in values):
        values = normalize_values(values, questions)
    ids = visible_question_ids(questions, values)  # type: ignore[arg-type]
    return [q for q in questions if q.pk in ids]


def _option_ids(question: Question) -> dict[str, int]:
    return {str(option.pk): option.pk for option in question.options.all()}


def _parse_number(text: str) -> Decimal | None:
    # NFKC turns full-width digits from a Chinese keyboard (１２．５) into ASCII ones.
    text = unicodedata.normalize("NFKC", text).replace(",", "").replace(" ", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def _number_error(question: Question) -> str:
    low, high = question.min_value, question.max_value
    if low is not None and high is not None:
        return _("Enter a number from %(min)s to %(max)s.") % {
            "min": _plain(low),
            "max": _plain(high),
        }
    if low is not None:
        return _("Enter a number of at least %(min)s.") % {"min": _plain(low)}
    if high is not None:
        return _("Enter a number of at most %(max)s.") % {"max": _plain(high)}
    return _("Enter a number.")


def _plain(number: Decimal) -> str:
    """Show 12.00 as 12 and 12.50 as 12.5."""
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _clean_one(question: Question, given: list[str]) -> tuple[Any, str | None]:
    """Return (cleaned value, error message or None) for one answered question."""
    kind = question.kind
    if kind == K.MULTIPLE:
        options = _option_ids(question)
        chosen: list[int] = []
        for value in given:
            if value not in options:
                return None, _("Choose among the options shown.")
            if options[value] not in chosen:
                chosen.append(options[value])
        if question.max_choices and len(chosen) > question.max_choices:
            return None, _("Choose at most %(count)d options.") % {"count": question.max_choices}
        return chosen, None
    if len(given) > 1:
        return None, _("Give one answer only.")
    value = given[0]
    if kind == K.SINGLE:
        options = _option_ids(question)
        if value not in options:
            return None, _("Choose one of the options.")
        return options[value], None
    if kind == K.YES_NO:
        if value not in (YES, NO):
            return None, _("Answer yes or no.")
        return value == YES, None
    if kind == K.RATING:
        if value not in RATING_VALUES:
            return None, _("Choose a rating from 1 to 5.")
        return int(value), None
    if kind == K.NUMBER:
        number = _parse_number(value)
        if (
            number is None
            or abs(number) > NUMBER_LIMIT
            or (question.min_value is not None and number < question.min_value)
            or (question.max_value is not None and number > question.max_value)
        ):
            return None, _number_error(question)
        return number, None
    limit = SHORT_TEXT_MAX if kind == K.SHORT_TEXT else LONG_TEXT_MAX
    if len(value) > limit:
        return None, _("Keep the answer to %(count)d characters or fewer.") % {"count": limit}
    return value, None


def clean_answers(
    survey: Survey, questions: Iterable[Question], raw: Mapping | None
) -> tuple[dict[int, Any], dict[int, list[str]]]:
    """Validate what was typed; return (cleaned answers, errors), both keyed by question id.

    Only visible questions are checked: a required question counts only when shown, and the
    answers to hidden questions are dropped. Cleaned values: single an option id, multiple a
    list of option ids, yes_no a bool, rating an int, number a Decimal, texts a string.
    """
    questions = [q for q in questions if q.survey_id == survey.pk]
    values = normalize_values(raw, questions)
    visible = visible_question_ids(questions, values)
    cleaned: dict[int, Any] = {}
    errors: dict[int, list[str]] = {}
    for question in questions:
        if question.pk not in visible:
            continue
        given = values.get(question.pk)
        if not given:
            if question.required:
                errors[question.pk] = [_("Please answer this question.")]
            continue
        value, error = _clean_one(question, given)
        if error:
            errors[question.pk] = [error]
        else:
            cleaned[question.pk] = value
    return cleaned, errors


def answer_rows(response: Response, questions: Iterable[Question], cleaned: dict) -> list[Answer]:
    """Return the unsaved Answer rows for cleaned answers (see the storage table above)."""
    rows: list[Answer] = []
    for question in questions:
        if question.pk not in cleaned:
            continue
        value = cleaned[question.pk]
        kind = question.kind
        base = {"response": response, "question": question}
        if kind == K.MULTIPLE:
            rows.extend(Answer(option_id=option_id, **base) for option_id in value)
        elif kind == K.SINGLE:
            rows.append(Answer(option_id=value, **base))
        elif kind == K.YES_NO:
            rows.append(Answer(number=Decimal(1 if value else 0), **base))
        elif kind in (K.RATING, K.NUMBER):
            rows.append(Answer(number=Decimal(value), **base))
        else:
            rows.append(Answer(text=value, **base))
    return rows
