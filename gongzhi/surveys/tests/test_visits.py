"""Door-to-door visits: recording outcomes, partial visit drafts, the visit list and page."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from gongzhi.core.models import AuditEntry
from gongzhi.core.testing import factories as f
from gongzhi.surveys.models import Participation, Response, Survey, Visit, VisitDraft
from gongzhi.surveys.respond_services import (
    ResponseError,
    record_visit,
    save_visit_draft,
)
from gongzhi.surveys.tests.respond_helpers import (
    households_in,
    in_english,
    open_survey,
    valid_answers,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def survey(world):
    return open_survey(world.community, kinds=["single", "yes_no", "short_text"])


@pytest.fixture
def worker(world):
    return world.users["grid_worker"]


@pytest.fixture
def worker_client(client, worker):
    client.force_login(worker)
    return in_english(client)


def list_url(survey, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("surveys:visits", args=[survey.pk]) + (f"?{query}" if query else "")


def visit_url(survey, household):
    return reverse("surveys:visit", args=[survey.pk, household.pk])


# ---------- the services ----------


def test_not_at_home_is_recorded_with_a_revisit_date(world, survey, worker):
    household = world.resident.household
    revisit = timezone.localdate() + timedelta(days=2)

    visit = record_visit(
        survey=survey, household=household, worker=worker, outcome="not_home", revisit_on=revisit
    )

    visit.refresh_from_db()
    assert (visit.outcome, visit.revisit_on, visit.worker) == ("not_home", revisit, worker)
    assert not Participation.objects.exists() and not Response.objects.exists()
    entry = AuditEntry.objects.get(action="survey.visit")
    assert entry.data["outcome"] == "not_home" and entry.community_id == world.community.pk


def test_an_answered_visit_records_the_questionnaire_and_drops_the_draft(world, survey, worker):
    household = world.resident.household
    save_visit_draft(survey=survey, household=household, worker=worker, data={"q1": ["x"]})

    record_visit(
        survey=survey,
        household=household,
        worker=worker,
        outcome="answered",
        answers=valid_answers(survey),
    )

    response = Response.objects.get(survey=survey)
    assert response.channel == "visit" and response.entered_by == worker
    assert response.household == household
    assert Participation.objects.get(survey=survey).channel == "visit"
    assert Visit.objects.get(survey=survey).outcome == "answered"
    assert not VisitDraft.objects.exists()


def test_an_answered_visit_with_wrong_answers_records_nothing(world, survey, worker):
    answers = valid_answers(survey)
    answers.pop(next(iter(answers)))

    with pytest.raises(ResponseError) as refused:
        record_visit(
            survey=survey,
            household=world.resident.household,
            worker=worker,
            outcome="answered",
            answers=answers,
        )

    assert refused.value.code == "invalid"
    assert not Visit.objects.exists() and not Response.objects.exists()


def test_a_revisit_date_in_the_past_is_refused(world, survey, worker):
    with pytest.raises(ResponseError):
        record_visit(
            survey=survey,
            household=world.resident.household,
            worker=worker,
            outcome="not_home",
            revisit_on=date(2020, 1, 1),
        )

    assert not Visit.objects.exists()


def test_an_answered_household_cannot_be_marked_not_at_home(world, survey, worker):
    household = world.resident.household
    record_visit(
        survey=survey,
        household=household,
        worker=worker,
        outcome="answered",
        answers=valid_answers(survey),
    )

    with pytest.raises(ResponseError) as refused:
        record_visit(survey=survey, household=household, worker=worker, outcome="not_home")

    assert refused.value.code == "already_answered"
    assert Visit.objects.count() == 1


def test_a_closed_survey_takes_no_visits(world, worker):
    survey = open_survey(world.community, status=Survey.Status.CLOSED)

    with pytest.raises(ResponseError) as refused:
        record_visit(
            survey=survey, household=world.resident.household, worker=worker, outcome="declined"
        )

    assert refused.value.code == "closed"
    assert not Visit.objects.exists()


def test_a_partial_draft_is_kept_and_replaced(world, survey, worker):
    household = world.resident.household
    first = survey.questions.order_by("position").first()

    save_visit_draft(
        survey=survey,
        household=household,
        worker=worker,
        data={f"q{first.pk}": ["1"], "csrfmiddlewaretoken": ["x"], "evil": "y"},
    )
    save_visit_draft(survey=survey, household=household, worker=worker, data={f"q{first.pk}": "2"})

    draft = VisitDraft.objects.get()
    assert draft.data == {f"q{first.pk}": ["2"]}
    assert not AuditEntry.objects.exists()  # drafts are scratch, not records


# ---------- the visit list ----------


def test_the_grid_worker_sees_only_their_grid_buildings(worker_client, world, survey):
    households_in(world.other_building, 2)

    response = worker_client.get(list_url(survey))

    assert response.status_code == 200
    tallies = response.context["tallies"]
    assert [t.key for t in tallies] == [world.building.pk]
    other = worker_client.get(list_url(survey, building=world.other_building.pk))
    assert other.status_code == 404


def test_the_list_has_one_row_per_household_with_masked_names(worker_client, world, survey):
    households_in(world.building, 2)
    visited = households_in(world.building, 1)[0]
    record_visit(
        survey=survey, household=visited, worker=world.users["grid_worker"], outcome="declined"
    )

    response = worker_client.get(list_url(survey, building=world.building.pk))

    assert response.status_code == 200
    rows = list(response.context["page"])
    assert len(rows) == 4
    body = response.content.decode()
    assert "张*" in body and "张三" not in body
    assert body.count('class="visit-row') == 4
    assert "Declined" in body and "Not visited yet" in body


@pytest.mark.parametrize("user", ["resident", "outsider", "far_admin", "owners_committee"])
def test_people_without_visits_to_make_get_404(client, world, survey, user):
    client.force_login(world.users[user])

    assert client.get(list_url(survey)).status_code == 404


def test_the_visit_list_makes_the_same_queries_whatever_the_households(
    worker_client, world, survey
):
    households_in(world.building, 3)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert (
                worker_client.get(list_url(survey, building=world.building.pk)).status_code == 200
            )
        return len(queries)

    few = count()
    more = households_in(world.building, 12)
    record_visit(
        survey=survey, household=more[0], worker=world.users["grid_worker"], outcome="not_home"
    )
    assert count() == few
    assert few <= 12


# ---------- the visit page ----------


def test_the_visit_page_records_not_at_home(worker_client, world, survey):
    household = world.resident.household
    day = (timezone.localdate() + timedelta(days=3)).isoformat()

    response = worker_client.post(
        visit_url(survey, household), {"outcome": "not_home", "revisit_on": day}
    )

    assert response.status_code == 302
    assert f"done={household.pk}" in response["Location"]
    assert Visit.objects.get().revisit_on.isoformat() == day


def test_the_visit_page_records_answers(worker_client, world, survey):
    household = world.resident.household

    response = worker_client.post(
        visit_url(survey, household), {"outcome": "answered", **valid_answers(survey)}
    )

    assert response.status_code == 302
    assert Response.objects.get().entered_by == world.users["grid_worker"]
    page = worker_client.get(visit_url(survey, household)).content.decode()
    assert "This household has answered this survey." in page


def test_the_visit_page_keeps_what_was_typed_on_errors(worker_client, world, survey):
    household = world.resident.household
    answers = valid_answers(survey)
    text_q = survey.questions.get(kind="short_text")
    yes_no = survey.questions.get(kind="yes_no")
    del answers[f"q{yes_no.pk}"]

    response = worker_client.post(visit_url(survey, household), {"outcome": "answered", **answers})

    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="门口的路"' in body and f'id="q{text_q.pk}"' in body
    assert "Please answer this question." in body
    assert not Response.objects.exists()


def test_a_half_filled_visit_comes_back_after_a_reload(worker_client, world, survey):
    household = world.resident.household
    text_q = survey.questions.get(kind="short_text")
    draft_url = reverse("surveys:visit-draft", args=[survey.pk, household.pk])

    saved = worker_client.post(draft_url, {f"q{text_q.pk}": "舞台太吵"})
    page = worker_client.get(visit_url(survey, household))

    assert saved.status_code == 200 and "saved_at" in saved.json()
    assert VisitDraft.objects.get().data == {f"q{text_q.pk}": ["舞台太吵"]}
    assert 'value="舞台太吵"' in page.content.decode()


def test_without_javascript_the_worker_can_save_a_half_filled_visit(worker_client, world, survey):
    household = world.resident.household
    text_q = survey.questions.get(kind="short_text")

    response = worker_client.post(
        visit_url(survey, household), {"outcome": "draft", f"q{text_q.pk}": "一半"}
    )

    assert response.status_code == 302
    assert VisitDraft.objects.get().data == {f"q{text_q.pk}": ["一半"]}
    assert not Visit.objects.exists()


def test_a_grid_worker_cannot_visit_another_grid(worker_client, world, survey):
    household = world.neighbour.household
    draft_url = reverse("surveys:visit-draft", args=[survey.pk, household.pk])

    assert worker_client.get(visit_url(survey, household)).status_code == 404
    assert worker_client.post(draft_url, {"q1": "x"}).status_code == 404
    assert not VisitDraft.objects.exists()


def test_a_resident_survey_visit_asks_who_answered(worker_client, world):
    survey = open_survey(world.community, kinds=["yes_no"], unit=Survey.Unit.RESIDENT)
    household = world.resident.household
    housemate = f.ResidentFactory(household=household, name="张小花")

    missing = worker_client.post(
        visit_url(survey, household), {"outcome": "answered", **valid_answers(survey)}
    )
    done = worker_client.post(
        visit_url(survey, household),
        {"outcome": "answered", "respondent": housemate.pk, **valid_answers(survey)},
    )

    assert missing.status_code == 200 and "Choose the resident who answers." in (
        missing.content.decode()
    )
    assert done.status_code == 302
    assert Participation.objects.get(survey=survey).resident == housemate
