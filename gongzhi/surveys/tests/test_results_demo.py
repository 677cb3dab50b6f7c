"""The arts-stage questionnaire in the demo: realistic door-to-door coverage and results."""

import hashlib

import pytest
from django.db import transaction
from django.db.models import Count

from gongzhi.core.demo import load_demo
from gongzhi.surveys.demo import TITLE, load_survey_demo
from gongzhi.surveys.models import Answer, Channel, Participation, Response, Survey, Visit
from gongzhi.surveys.results import survey_results


class _Rollback(Exception):
    pass


def _fingerprint(survey) -> str:
    digest = hashlib.sha256()
    for row in (
        Answer.objects.filter(response__survey=survey)
        .order_by("id")
        .values_list("id", "response_id", "question__position", "option__label", "number", "text")
    ):
        digest.update(repr(row).encode())
    for visit in (
        Visit.objects.filter(survey=survey)
        .order_by("id")
        .values_list("household_id", "outcome", "at")
    ):
        digest.update(repr(visit).encode())
    return digest.hexdigest()


def _load_and_fingerprint() -> str:
    try:
        with transaction.atomic():
            load_survey_demo()
            found = _fingerprint(Survey.objects.get(title=TITLE))
            raise _Rollback
    except _Rollback:
        return found


@pytest.fixture
def demo(db):
    load_demo()


def test_demo_survey_has_realistic_coverage_and_results(demo):
    loaded = load_survey_demo()

    survey = Survey.objects.get(pk=loaded["survey_id"])
    assert survey.status == Survey.Status.CLOSED
    assert survey.results_published_at is not None
    audience = survey.community.households.filter(is_active=True, dwelling__isnull=False).count()
    responses = Response.objects.filter(survey=survey)
    by_channel = dict(responses.values_list("channel").annotate(n=Count("id")).order_by())
    total = sum(by_channel.values())
    assert 0.75 * audience < total < 0.95 * audience
    assert by_channel[Channel.VISIT] > 0.8 * total  # mostly door to door
    assert all(by_channel.get(c) for c in Channel.values)
    assert Participation.objects.filter(survey=survey).count() == total
    outcomes = dict(
        Visit.objects.filter(survey=survey)
        .values_list("outcome")
        .annotate(n=Count("id"))
        .order_by()
    )
    assert outcomes[Visit.Outcome.ANSWERED] == by_channel[Channel.VISIT]
    assert outcomes[Visit.Outcome.NOT_HOME] > 0
    assert outcomes[Visit.Outcome.DECLINED] > 0
    assert not responses.filter(household__isnull=True).exists()  # a named survey

    results = {item["question"].text: item for item in survey_results(survey)["questions"]}
    support = {
        o["label"]: o["share"] for o in results["您是否支持在社区建设文艺大舞台？"]["options"]
    }
    assert support["支持"] > 0.5 > support["不支持"] > 0.05
    worries = {
        o["label"]: o["count"] for o in results["您对建设舞台有哪些顾虑？（可多选）"]["options"]
    }
    assert worries["噪音扰民"] > 0 and worries["资金来源"] > 0


def test_demo_survey_loads_once(demo):
    # The registry demo (the `demo` fixture) loads the survey story too.
    assert Survey.objects.filter(title=TITLE).count() == 1
    counts = (Response.objects.count(), Answer.objects.count(), Visit.objects.count())
    assert counts[0] > 1000

    second = load_survey_demo()

    assert second["created"] is False
    assert second["survey_id"] == Survey.objects.get(title=TITLE).pk
    assert (Response.objects.count(), Answer.objects.count(), Visit.objects.count()) == counts
    assert Survey.objects.filter(title=TITLE).count() == 1


def test_demo_survey_is_the_same_every_time(demo):
    assert _load_and_fingerprint() == _load_and_fingerprint()


def test_demo_survey_needs_the_registry_demo(db):
    assert load_survey_demo() == {"created": False, "survey_id": None}
    assert not Survey.objects.exists()
