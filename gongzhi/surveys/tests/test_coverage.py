"""Coverage: households reached, answered, not at home, declined; the ones still to visit."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gongzhi.core.testing import factories as f
from gongzhi.surveys.coverage import (
    building_tallies,
    coverage,
    households_to_visit,
    state_by_lists,
    state_by_lookups,
    visit_columns,
)
from gongzhi.surveys.models import Survey, Visit
from gongzhi.surveys.respond_services import record_visit, submit_response
from gongzhi.surveys.tests.respond_helpers import (
    households_in,
    in_english,
    open_survey,
    valid_answers,
)

pytestmark = pytest.mark.django_db


def answer(survey, household, channel="online"):
    submit_response(
        survey=survey, channel=channel, answers=valid_answers(survey), household=household
    )


def visit(survey, household, worker, outcome, **kwargs):
    return record_visit(
        survey=survey, household=household, worker=worker, outcome=outcome, **kwargs
    )


@pytest.fixture
def scene(world):
    """Five households in `building` (grid 1), two in `other_building` (grid 2).

    building: A answered online; B not at home; C declined; D not at home, then answered on
    a second visit; E (张三's) never visited. other_building: F declined after a not-at-home;
    G never visited.
    """
    survey = open_survey(world.community)
    worker = world.users["grid_worker"]
    a, b, c, d = households_in(world.building, 4)
    e = world.resident.household
    (f_,) = households_in(world.other_building, 1)
    g = world.neighbour.household
    answer(survey, a)
    visit(survey, b, worker, "not_home")
    visit(survey, c, worker, "declined")
    first = visit(survey, d, worker, "not_home")
    Visit.objects.filter(pk=first.pk).update(at=timezone.now() - timedelta(days=1))
    visit(survey, d, worker, "answered", answers=valid_answers(survey))
    older = visit(survey, f_, worker, "not_home")
    Visit.objects.filter(pk=older.pk).update(at=timezone.now() - timedelta(days=1))
    visit(survey, f_, worker, "declined")
    homes = {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f_, "g": g}
    return {"survey": survey, "homes": homes}


def counts(tally):
    return (tally.total, tally.reached, tally.answered, tally.not_home, tally.declined)


def test_coverage_counts_each_building(world, scene):
    figures = coverage(scene["survey"])

    by_building = {t.key: counts(t) for t in figures["buildings"]}
    assert by_building == {
        world.building.pk: (5, 4, 2, 1, 1),
        world.other_building.pk: (2, 1, 0, 0, 1),
    }


@pytest.mark.parametrize("state", [state_by_lookups, state_by_lists], ids=["lookups", "lists"])
def test_both_spellings_of_a_household_state_count_alike(world, scene, state):
    resident_survey = open_survey(world.community, unit=Survey.Unit.RESIDENT)
    submit_response(
        survey=resident_survey,
        channel="online",
        answers=valid_answers(resident_survey),
        resident=world.resident,
    )

    tallies = {t.key: counts(t) for t in building_tallies(scene["survey"], state=state)}
    by_resident = {t.key: counts(t) for t in building_tallies(resident_survey, state=state)}

    assert tallies == {
        world.building.pk: (5, 4, 2, 1, 1),
        world.other_building.pk: (2, 1, 0, 0, 1),
    }
    assert by_resident[world.building.pk] == (5, 1, 1, 0, 0)


def test_coverage_adds_up_compounds_grids_and_the_total(world, scene):
    figures = coverage(scene["survey"])

    assert {t.key: counts(t) for t in figures["compounds"]} == {
        world.compound.pk: (5, 4, 2, 1, 1),
        world.other_compound.pk: (2, 1, 0, 0, 1),
    }
    assert {t.key: counts(t) for t in figures["grids"]} == {
        world.grid.pk: (5, 4, 2, 1, 1),
        world.other_grid.pk: (2, 1, 0, 0, 1),
    }
    total = figures["total"]
    assert counts(total) == (7, 5, 2, 1, 2)
    assert total.to_visit == 3
    assert total.answered_share == pytest.approx(2 / 7)
    assert total.reached_share == pytest.approx(5 / 7)


def test_the_households_still_to_visit_are_the_unanswered_not_declined_ones(world, scene):
    homes = scene["homes"]

    ids = list(households_to_visit(scene["survey"]).values_list("pk", flat=True))
    rows = visit_columns(scene["survey"], ids)

    assert {h.pk for h in rows} == {homes["b"].pk, homes["e"].pk, homes["g"].pk}
    not_home = next(h for h in rows if h.pk == homes["b"].pk)
    assert not_home.last_outcome == "not_home"
    e_row = next(h for h in rows if h.pk == homes["e"].pk)
    assert e_row.head_name == "张三" and e_row.last_outcome is None


def test_coverage_follows_the_survey_audience(world, scene):
    survey = open_survey(world.community, audience=Survey.Audience.BUILDINGS)
    survey.audience_buildings.set([world.other_building])

    figures = coverage(survey)

    assert [t.key for t in figures["buildings"]] == [world.other_building.pk]
    assert figures["total"].total == 2


def test_a_resident_survey_counts_a_household_once_any_member_answered(world):
    survey = open_survey(world.community, unit=Survey.Unit.RESIDENT)
    housemate = f.ResidentFactory(household=world.resident.household)
    submit_response(
        survey=survey, channel="online", answers=valid_answers(survey), resident=housemate
    )

    figures = coverage(survey)

    assert figures["total"].answered == 1
    assert figures["total"].total == 2


# ---------- the coverage page ----------


def url(survey):
    return reverse("surveys:coverage", args=[survey.pk])


@pytest.mark.parametrize(
    "user",
    [
        "community_admin",
        "community_worker",
        "party_secretary",
        "grid_worker",
        "subdistrict_official",
    ],
)
def test_staff_see_the_coverage_page(client, world, scene, user):
    client.force_login(world.users[user])

    response = in_english(client).get(url(scene["survey"]))

    assert response.status_code == 200
    assert counts(response.context["figures"]["total"]) == (7, 5, 2, 1, 2)
    assert "Households still to visit" in response.content.decode()


@pytest.mark.parametrize("user", ["resident", "outsider", "far_admin", "owners_committee"])
def test_others_get_404_on_the_coverage_page(client, world, scene, user):
    client.force_login(world.users[user])

    assert client.get(url(scene["survey"])).status_code == 404


def test_the_page_prints_each_building_row_with_escaped_names(client, world, scene):
    world.building.name = "<b>1栋</b>"
    world.building.save()
    client.force_login(world.users["community_admin"])

    body = in_english(client).get(url(scene["survey"])).content.decode()

    buildings = body[body.index("Coverage by building") :]
    row = buildings[buildings.index(f'<tr data-key="{world.building.pk}">') :]
    row = row[: row.index("</tr>")]
    assert "&lt;b&gt;1栋&lt;/b&gt;" in row and "<b>" not in row
    # households 5, reached 4 (80.0%), answered 2 (40.0%), not at home 1, declined 1, to visit 2
    cells = [c.split("<")[0].strip() for c in row.split('<td class="num">')[1:]]
    assert cells == ["5", "4", "2", "1", "1", "2"]
    assert "80.0%" in row and "40.0%" in row


def test_the_page_lists_households_to_visit_with_masked_names(client, world, scene):
    client.force_login(world.users["community_admin"])

    body = client.get(url(scene["survey"])).content.decode()

    assert "张*" in body and "张三" not in body
    visit_link = reverse("surveys:visit", args=[scene["survey"].pk, scene["homes"]["e"].pk])
    assert visit_link in body


def test_the_coverage_page_makes_the_same_queries_whatever_the_households(client, world, scene):
    client.force_login(world.users["grid_worker"])
    survey = scene["survey"]

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(survey)).status_code == 200
        return len(queries)

    few = count()
    more = households_in(world.building, 10) + households_in(world.other_building, 10)
    answer(survey, more[0])
    visit(survey, more[1], world.users["grid_worker"], "not_home")
    assert count() == few
    assert few <= 12


def test_a_household_that_declined_then_was_not_home_is_still_to_visit(world):
    survey = open_survey(world.community)
    worker = world.users["grid_worker"]
    household = world.resident.household
    first = visit(survey, household, worker, "declined")
    Visit.objects.filter(pk=first.pk).update(at=timezone.now() - timedelta(days=1))
    visit(survey, household, worker, "not_home")

    ids = set(households_to_visit(survey).values_list("pk", flat=True))

    assert household.pk in ids
    assert coverage(survey)["total"].not_home == 1


def test_to_visit_in_a_resident_survey_leaves_out_households_with_an_answer(world):
    survey = open_survey(world.community, unit=Survey.Unit.RESIDENT)
    submit_response(
        survey=survey, channel="online", answers=valid_answers(survey), resident=world.resident
    )

    ids = set(households_to_visit(survey).values_list("pk", flat=True))

    assert ids == {world.neighbour.household.pk}


def test_the_page_count_of_households_to_visit_matches_the_list(client, world, scene):
    households_in(world.building, 3)
    client.force_login(world.users["grid_worker"])

    response = client.get(url(scene["survey"]))

    page = response.context["page"]
    # The grid worker sees their own grid's buildings: B, E and the three new ones.
    assert page.paginator.count == len(list(page)) == 5


def test_the_page_shows_a_new_visit_at_once_and_reuses_its_tables_until_then(client, world, scene):
    client.force_login(world.users["community_admin"])
    survey = scene["survey"]

    def view():
        with CaptureQueriesContext(connection) as queries:
            response = in_english(client).get(url(survey))
        return counts(response.context["figures"]["total"]), len(queries)

    first, cold = view()
    again, warm = view()
    visit(survey, scene["homes"]["g"], world.users["grid_worker"], "not_home")
    after_visit, _ = view()
    answer(survey, scene["homes"]["e"])
    after_answer, _ = view()

    assert first == again == (7, 5, 2, 1, 2)
    assert warm < cold  # the grouped count was not run again
    assert after_visit == (7, 6, 2, 2, 2)
    assert after_answer == (7, 7, 3, 2, 2)
