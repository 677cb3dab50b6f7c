"""Survey results, computed by the database.

The results page runs a fixed set of queries whatever the number of responses: questions,
options, the survey's tallies (models.Tally: counts kept up to date as each response is
stored, so the page reads a few dozen rows, not every answer), and for the frequent terms
the latest responses' keys and their written answers. Python only arranges the few rows
the database returns.

Frequent terms are cached under the question's number of text answers, counted over the
written answers of the latest TERMS_SAMPLE responses: an unchanged question costs no query
and no segmentation, and any new text answer changes the key, so results stay live.

Anonymous surveys: breakdown groups with fewer than MIN_GROUP respondents are suppressed,
since staff can see who took part (coverage) and a group of one would give an answer away.
"""

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import rjieba
from django.core.cache import cache
from django.db.models import Count, F, Sum
from django.utils.translation import gettext as _

from gongzhi.registry.models import Building, Compound

from .models import AgeGroup, Answer, Channel, Question, Response, Survey, Tally
from .querysets import questions_for

Kind = Question.Kind
CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE)
NUMERIC_KINDS = (Kind.RATING, Kind.NUMBER)
TEXT_KINDS = (Kind.SHORT_TEXT, Kind.LONG_TEXT)
# How a yes/no answer is stored (logic.py): Answer.number 1 for yes, 0 for no.
YES, NO = 1, 0
RATING_VALUES = (1, 2, 3, 4, 5)

TERMS_SAMPLE = 2000  # latest responses whose written answers the frequent terms count
TERMS_SHOWN = 20
TERMS_MIN_ANSWERS = 2  # a term written in one answer only is not "frequent"
TERMS_CACHE_SECONDS = 3600
MIN_GROUP = 5  # smallest breakdown group shown for an anonymous survey

# Words too common in answers to say anything; single characters are dropped anyway.
_STOP_WORDS = """
    我们 你们 他们 她们 它们 自己 大家 这个 那个 这些 那些 这样 那样 这里 那里 什么 怎么 怎样
    为什么 因为 所以 但是 而且 并且 或者 还是 如果 虽然 然后 就是 还有 以及 可以 可能 应该 需要
    已经 没有 不是 一个 一些 一下 一点 有点 比较 非常 特别 觉得 认为 希望 建议 意见 问题 情况
    方面 现在 目前 以后 之后 之前 时候 其他 其实 只是 不过 而是 能够 不能 不要 不会 进行 通过
    对于 关于 由于 以上 以下 这么 那么 多少 很多 个人 本人 谢谢 没什么 暂无 没意见 同上
    the and for with that this are was not you
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())


def _round(value, places: str = "0.01") -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _share(count: int, total: int) -> float:
    return count / total if total else 0.0


# --- The results page ------------------------------------------------------------------------


def survey_questions(survey: Survey) -> list[Question]:
    """Return the survey's questions in order, their options prefetched (`options.all()`)."""
    return list(questions_for(survey))


def _channel_rows(counts: dict[str, int]) -> tuple[int, list[dict]]:
    """Return the number of responses and, per channel, how many came in that way."""
    total = sum(counts.values())
    rows = [
        {
            "channel": value,
            "label": str(label),
            "count": counts.get(value, 0),
            "share": _share(counts.get(value, 0), total),
        }
        for value, label in Channel.choices
    ]
    return total, rows


def _options(labelled_counts, answered: int) -> list[dict]:
    return [
        {"id": key, "label": label, "count": n, "share": _share(n, answered)}
        for key, label, n in labelled_counts
    ]


def _choice_item(question, choices, people) -> dict:
    counts = [choices.get((question.pk, o.pk), 0) for o in question.options.all()]
    # Shares are of the people who answered: a multiple choice counts each chosen option.
    answered = people.get(question.pk, 0)
    labelled = [(o.pk, o.label, n) for o, n in zip(question.options.all(), counts, strict=True)]
    return {"answered": answered, "options": _options(labelled, answered)}


def _yes_no_item(question, scales) -> dict:
    yes, no = scales.get((question.pk, YES), 0), scales.get((question.pk, NO), 0)
    labelled = [(YES, _("Yes"), yes), (NO, _("No"), no)]
    return {"answered": yes + no, "options": _options(labelled, yes + no)}


def _rating_item(question, scales) -> dict:
    counts = {v: scales.get((question.pk, v), 0) for v in RATING_VALUES}
    answered = sum(counts.values())
    item = {
        "answered": answered,
        "options": _options([(v, str(v), n) for v, n in counts.items()], answered),
    }
    if answered:
        given = [v for v, n in counts.items() if n]
        points = sum(v * n for v, n in counts.items())
        item.update(
            average=_round(Decimal(points) / answered), minimum=min(given), maximum=max(given)
        )
    return item


def _as_typed(number: Decimal) -> Decimal:
    """A stored number (two places) as people write it: 42, 42.5."""
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


def _number_item(question, answered, numbers) -> dict:
    count = answered.get(question.pk, 0)
    if not count:
        return {"answered": 0}
    total, low, high = numbers[question.pk]
    return {
        "answered": count,
        "average": _round(total / count),
        "minimum": _as_typed(low),
        "maximum": _as_typed(high),
    }


def survey_tallies(survey: Survey) -> dict:
    """Return the survey's tallies (models.Tally), read in one query, arranged by kind.

    channels {channel: responses}; answered {question: people}; choices {(question, option):
    n}; scales {(question, value): n}; numbers {question: (sum, lowest, highest)}.
    """
    tallies: dict[str, dict] = {
        "channels": {},
        "answered": {},
        "choices": {},
        "scales": {},
        "numbers": {},
    }
    rows = Tally.objects.filter(survey=survey).values_list(
        "channel", "question_id", "option_id", "value", "count", "total", "low", "high"
    )
    for channel, question, option, value, count, total, low, high in rows:
        if question is None:
            tallies["channels"][channel] = count
        elif option is not None:
            tallies["choices"][question, option] = count
        elif value is not None:
            tallies["scales"][question, value] = count
        else:
            tallies["answered"][question] = count
            tallies["numbers"][question] = (total, low, high)
    return tallies


def survey_results(survey: Survey) -> dict:
    """Return every question's aggregates, the response count and the channels."""
    questions = survey_questions(survey)
    tallies = survey_tallies(survey)
    total, channels = _channel_rows(tallies["channels"])
    answered, choices = tallies["answered"], tallies["choices"]
    numbers, scales = tallies["numbers"], tallies["scales"]
    terms = frequent_terms_for(
        survey, {q.pk: answered.get(q.pk, 0) for q in questions if _is_text(q)}
    )

    out = []
    for question in questions:
        if question.kind in CHOICE_KINDS:
            item = _choice_item(question, choices, answered)
        elif question.kind == Kind.YES_NO:
            item = _yes_no_item(question, scales)
        elif question.kind == Kind.RATING:
            item = _rating_item(question, scales)
        elif question.kind == Kind.NUMBER:
            item = _number_item(question, answered, numbers)
        else:
            item = {
                "answered": answered.get(question.pk, 0),
                "terms": terms.get(question.pk, []),
            }
        item.update(
            question=question,
            kind=question.kind,
            share_answered=_share(item["answered"], total),
        )
        out.append(item)
    return {"survey": survey, "total": total, "channels": channels, "questions": out}


def _is_text(question: Question) -> bool:
    return question.kind in TEXT_KINDS


# --- Frequent terms --------------------------------------------------------------------------


def _is_term(word: str) -> bool:
    # Two characters or more, not a stop word, with a letter (not punctuation or a number).
    return (
        len(word) > 1
        and word not in STOP_WORDS
        and (word.isalpha() or any(c.isalpha() for c in word))
    )


def frequent_terms(texts, limit: int = TERMS_SHOWN) -> list[tuple[str, int]]:
    """Return the terms written in the most answers (segmented Chinese), with their counts."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update({w for w in rjieba.cut(text.lower()) if _is_term(w)})
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [(word, n) for word, n in ranked if n >= TERMS_MIN_ANSWERS][:limit]


def _terms_key(question_id: int, count: int) -> str:
    return f"surveys:terms:v1:{question_id}:{count}:{TERMS_SAMPLE}"


def _latest_texts(survey: Survey) -> list[tuple[int, str]]:
    """The written answers of the survey's latest TERMS_SAMPLE responses, in two queries.

    First the keys of the latest responses, from their (survey, time) index, newest first;
    then their answers, by key, through the response index: no answer is sorted and only
    those answers are read, whatever the survey's size. (As one query, with the responses
    in a subquery, PostgreSQL chose to read the whole answer table; filtering on the
    questions as well would lead the database to read every answer to them.)
    """
    latest = list(
        Response.objects.filter(survey=survey)
        .order_by("-submitted_at")
        .values_list("id", flat=True)[:TERMS_SAMPLE]
    )
    return list(
        Answer.objects.filter(response_id__in=latest)
        .exclude(text="")
        .values_list("question_id", "text")
    )


def frequent_terms_for(
    survey: Survey, text_counts: dict[int, int]
) -> dict[int, list[tuple[str, int]]]:
    """Return frequent terms per text question, from the cache or from one query."""
    keys = {qid: _terms_key(qid, n) for qid, n in text_counts.items() if n}
    cached = cache.get_many(list(keys.values()))
    out = {qid: cached[key] for qid, key in keys.items() if key in cached}
    missing = [qid for qid in keys if qid not in out]
    if not missing:
        return out
    texts: dict[int, list[str]] = {qid: [] for qid in missing}
    for qid, text in _latest_texts(survey):
        if qid in texts:
            texts[qid].append(text)
    fresh = {qid: frequent_terms(texts[qid]) for qid in missing}
    cache.set_many({keys[qid]: terms for qid, terms in fresh.items()}, TERMS_CACHE_SECONDS)
    return {**out, **fresh}


def text_answers(question: Question):
    """Return a question's non-empty text answers, newest day first, for paging.

    Anonymous responses keep only their day and a random key, so this order reveals nothing
    about who wrote what.
    """
    return (
        Answer.objects.filter(question=question)
        .exclude(text="")
        .order_by("-response__submitted_at", "response_id", "id")
        .values("text", "response__submitted_at")
    )


# --- Breakdown by compound, building and age group -------------------------------------------


def _breakdown_columns(question: Question) -> list[dict]:
    if question.kind in CHOICE_KINDS:
        return [{"key": o.pk, "label": o.label} for o in question.options.all()]
    if question.kind == Kind.YES_NO:
        return [{"key": YES, "label": _("Yes")}, {"key": NO, "label": _("No")}]
    if question.kind == Kind.RATING:
        return [{"key": v, "label": str(v)} for v in RATING_VALUES]
    return []


def _breakdown_cells(question: Question) -> list[dict]:
    """Counts per (building, compound, age group, answer): each response sits in one cell."""
    place = ("response__building_id", "response__compound_id", "response__age_group")
    answers = Answer.objects.filter(question=question).order_by()
    if question.kind in CHOICE_KINDS:
        answers = answers.filter(option__isnull=False).annotate(key=F("option_id"))
    elif question.kind in (Kind.YES_NO, Kind.RATING):
        answers = answers.filter(number__isnull=False).annotate(key=F("number"))
    else:
        answers = answers.filter(number__isnull=False)
        return list(answers.values(*place).annotate(n=Count("id"), total=Sum("number")))
    return list(answers.values(*place, "key").annotate(n=Count("id")))


def _multiple_cell_respondents(question: Question) -> dict[tuple, int]:
    place = ("response__building_id", "response__compound_id", "response__age_group")
    rows = (
        Answer.objects.filter(question=question)
        .order_by()
        .values_list(*place)
        .annotate(n=Count("response_id", distinct=True))
    )
    return {tuple(row[:3]): row[3] for row in rows}


def _group_labels(survey: Survey, building_ids) -> dict[str, dict]:
    compounds = dict(
        Compound.objects.filter(community_id=survey.community_id).values_list("id", "name")
    )
    buildings = {
        b.pk: f"{b.compound.name} {b.name}"
        for b in Building.objects.filter(pk__in=building_ids).select_related("compound")
    }
    return {
        "compound": compounds,
        "building": buildings,
        "age_group": {value: str(label) for value, label in AgeGroup.choices},
    }


def breakdown(survey: Survey, question: Question) -> dict:
    """Tally one question by compound, building and age group (60+ / under 60).

    The database counts per (building, compound, age group, answer); those few hundred rows
    are summed up here into the three views. Rows with no building or compound are shown
    as "Not recorded".
    """
    cells = _breakdown_cells(question)
    respondents = _multiple_cell_respondents(question) if question.kind == Kind.MULTIPLE else None
    columns = _breakdown_columns(question)
    labels = _group_labels(survey, {c["response__building_id"] for c in cells} - {None})
    dims = (
        ("compound", _("Compound"), _("By compound"), "response__compound_id"),
        ("building", _("Building"), _("By building"), "response__building_id"),
        ("age_group", _("Age group"), _("By age group"), "response__age_group"),
    )
    views = []
    for name, title, caption, field in dims:
        groups: dict = {}
        for cell in cells:
            group = groups.setdefault(cell[field], {"counts": Counter(), "n": 0, "total": 0})
            if columns:
                key = cell["key"] if question.kind in CHOICE_KINDS else int(cell["key"])
                group["counts"][key] += cell["n"]
            else:
                group["total"] += cell["total"]
            group["n"] += cell["n"]
        if respondents is not None:
            for group in groups.values():
                group["n"] = 0
            for place, n in respondents.items():
                index = {"building": 0, "compound": 1, "age_group": 2}[name]
                if place[index] in groups:
                    groups[place[index]]["n"] += n
        rows = [
            _breakdown_row(survey, question, labels[name].get(key), group, columns)
            for key, group in groups.items()
        ]
        rows.sort(key=lambda row: (row["label"] is None, str(row["label"])))
        for row in rows:
            row["label"] = row["label"] or _("Not recorded")
        views.append({"name": name, "title": title, "caption": caption, "rows": rows})
    return {"question": question, "columns": columns, "views": views}


def _breakdown_row(survey, question, label, group, columns) -> dict:
    answered = group["n"]
    row = {"label": label, "answered": answered, "suppressed": False}
    if survey.anonymous and answered < MIN_GROUP:
        row["suppressed"] = True
        row["cells"] = []
        return row
    if columns:
        row["cells"] = [
            {
                "count": group["counts"][c["key"]],
                "share": _share(group["counts"][c["key"]], answered),
            }
            for c in columns
        ]
        if question.kind == Kind.RATING and answered:
            points = sum(int(k) * n for k, n in group["counts"].items())
            row["average"] = _round(Decimal(points) / answered)
    else:
        row["cells"] = []
        row["average"] = _round(Decimal(group["total"]) / answered) if answered else None
    return row


# --- Cross-tabulation ------------------------------------------------------------------------


def crosstab(question_a: Question, question_b: Question) -> dict:
    """Count respondents per pair of options of two choice questions (one self-join query).

    For a multiple-choice question one respondent can fall in several cells, so row totals
    count pairs of choices, not people.
    """
    options_a = list(question_a.options.order_by("position", "id"))
    options_b = list(question_b.options.order_by("position", "id"))
    pairs = (
        Answer.objects.filter(
            question=question_a,
            option__isnull=False,
            response__answers__question=question_b,
            response__answers__option__isnull=False,
        )
        .order_by()
        .values_list("option_id", "response__answers__option_id")
        .annotate(n=Count("id"))
    )
    counts = {(a, b): n for a, b, n in pairs}
    rows = []
    for a in options_a:
        cells = [counts.get((a.pk, b.pk), 0) for b in options_b]
        total = sum(cells)
        rows.append(
            {
                "label": a.label,
                "total": total,
                "cells": [{"count": n, "share": _share(n, total)} for n in cells],
            }
        )
    column_totals = [sum(counts.get((a.pk, b.pk), 0) for a in options_a) for b in options_b]
    return {
        "a": question_a,
        "b": question_b,
        "columns": [b.label for b in options_b],
        "rows": rows,
        "column_totals": column_totals,
        "total": sum(column_totals),
        "counts_pairs": Kind.MULTIPLE in (question_a.kind, question_b.kind),
    }


# --- Charts ----------------------------------------------------------------------------------


def chart_data(results: dict) -> list[dict]:
    """Return the bars to draw: one chart per question with options (choice, yes/no, rating)."""
    return [
        {
            "id": f"chart-q{item['question'].pk}",
            "title": item["question"].text,
            "labels": [o["label"] for o in item["options"]],
            "values": [o["count"] for o in item["options"]],
        }
        for item in results["questions"]
        if item.get("options") and item["answered"]
    ]
