"""One answer per household or resident, also when submissions arrive at the same moment.

Each submission runs in its own thread with its own database connection, all released by a
barrier, so the database's unique constraints (not a check in Python) must refuse all but
one. Django's SQLite test database lives in memory with a shared cache, whose table locks
fail at once instead of waiting; so on SQLite the same scenarios run in a child process
against a SQLite file with the production settings (WAL, BEGIN IMMEDIATE, busy_timeout),
and on PostgreSQL they run right here against the test database. A last test checks the
constraint path on its own.
"""

from pathlib import Path
from typing import cast

import pytest
from django.db import connection

from gongzhi.core.testing import factories as f
from gongzhi.core.testing.concurrency import migrate_and_print, run_in_sqlite_file
from gongzhi.core.testing.concurrency import run_together as race_threads
from gongzhi.registry.models import Resident
from gongzhi.surveys.models import (
    Answer,
    HouseholdCode,
    Participation,
    Response,
    Survey,
    Tally,
)
from gongzhi.surveys.respond_services import (
    ResponseError,
    issue_household_codes,
    rebuild_tallies,
    redeem_code,
    submit_response,
)
from gongzhi.surveys.tests.respond_helpers import households_in, open_survey, valid_answers

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 6
SCENARIOS = ("household", "resident", "code", "many")
ROOT = Path(__file__).resolve().parents[3]


def run_together(target, count: int = THREADS) -> list:
    """Run target(i) in THREADS threads released at once."""
    return race_threads(target, count)


def tally_rows(survey) -> list:
    rows = Tally.objects.filter(survey=survey).values_list(
        "channel", "question_id", "option_id", "value", "count", "total", "low", "high"
    )
    return sorted(repr(row) for row in rows)


def run_many() -> dict:
    """THREADS households answer one survey at once: every answer is counted exactly once."""
    building = f.BuildingFactory()
    households = households_in(building, THREADS)
    survey = open_survey(building.community, kinds=["single", "multiple", "rating", "number"])
    answers = valid_answers(survey)

    def target(i):
        return submit_response(
            survey=survey, channel="online", answers=answers, household=households[i]
        )

    results = run_together(target)
    kept = tally_rows(survey)
    rebuild_tallies(survey)
    return {
        "answered": sum(isinstance(r, Response) for r in results),
        "other": [repr(r) for r in results if not isinstance(r, Response)],
        "online": Tally.objects.get(survey=survey, question=None, channel="online").count,
        "tallies_equal_recount": kept == tally_rows(survey),
    }


def run_scenario(kind: str) -> dict:
    """Answer one survey THREADS times at once for one respondent; summarise what happened."""
    if kind == "many":
        return run_many()
    building = f.BuildingFactory()
    resident = cast(Resident, f.ResidentFactory(household__dwelling__building=building))
    unit = Survey.Unit.RESIDENT if kind == "resident" else Survey.Unit.HOUSEHOLD
    survey = open_survey(building.community, kinds=["single", "rating"], unit=unit)
    answers = valid_answers(survey)
    household = resident.household
    if kind == "household":

        def target(i):
            return submit_response(
                survey=survey, channel="online", answers=answers, household=household
            )

    elif kind == "resident":

        def target(i):
            return submit_response(
                survey=survey, channel="online", answers=answers, resident=resident
            )

    else:
        issue_household_codes(survey=survey, actor=None)
        code = HouseholdCode.objects.get(survey=survey, household=household).code

        def target(i):
            return redeem_code(survey=survey, code=code, answers=answers)

    results = run_together(target)
    return {
        "answered": sum(isinstance(r, Response) for r in results),
        "refused": sorted({r.code for r in results if isinstance(r, ResponseError)}),
        "refused_count": sum(isinstance(r, ResponseError) for r in results),
        "other": [repr(r) for r in results if not isinstance(r, Response | ResponseError)],
        "participations": Participation.objects.filter(survey=survey).count(),
        "responses": Response.objects.filter(survey=survey).count(),
        "answers": Answer.objects.filter(response__survey=survey).count(),
        "codes_used": HouseholdCode.objects.filter(survey=survey, used_at__isnull=False).count(),
    }


def main() -> None:
    """Child process entry: run every scenario on a fresh SQLite file, print JSON."""
    migrate_and_print(lambda: {kind: run_scenario(kind) for kind in SCENARIOS})


@pytest.fixture(scope="module")
def sqlite_file_runs() -> dict:
    return run_in_sqlite_file("gongzhi.surveys.tests.test_concurrency", timeout=180)


@pytest.fixture
def scenario(request):
    """Run a scenario where threads can really race: here on PostgreSQL, a file on SQLite."""
    if connection.vendor == "sqlite":
        runs = request.getfixturevalue("sqlite_file_runs")
        return runs.__getitem__
    return run_scenario


def test_concurrent_answers_from_one_household_keep_one(scenario):
    summary = scenario("household")

    assert summary["other"] == []
    assert summary["answered"] == 1
    assert summary["refused"] == ["already_answered"]
    assert summary["refused_count"] == THREADS - 1
    assert summary["participations"] == summary["responses"] == 1
    assert summary["answers"] == 2


def test_concurrent_answers_from_one_resident_keep_one(scenario):
    summary = scenario("resident")

    assert summary["other"] == []
    assert summary["answered"] == 1
    assert summary["refused"] == ["already_answered"]
    assert summary["participations"] == summary["responses"] == 1


def test_a_household_code_used_at_the_same_moment_counts_once(scenario):
    summary = scenario("code")

    assert summary["other"] == []
    assert summary["answered"] == 1
    assert set(summary["refused"]) <= {"used_code", "already_answered"}
    assert summary["refused_count"] == THREADS - 1
    assert summary["responses"] == summary["codes_used"] == 1


def test_answers_arriving_together_are_each_counted_once_in_the_tallies(scenario):
    summary = scenario("many")

    assert summary["other"] == []
    assert summary["answered"] == THREADS
    assert summary["online"] == THREADS
    assert summary["tallies_equal_recount"] is True


def test_the_database_itself_refuses_a_second_participation(world):
    """The constraint path on its own: a participation already there, no check beforehand."""
    survey = open_survey(world.community)
    Participation.objects.create(survey=survey, household=world.resident.household, channel="visit")

    with pytest.raises(ResponseError) as refused:
        submit_response(
            survey=survey,
            channel="online",
            answers=valid_answers(survey),
            household=world.resident.household,
        )

    assert refused.value.code == "already_answered"
    assert Response.objects.filter(survey=survey).count() == 0
    assert Answer.objects.filter(response__survey=survey).count() == 0
