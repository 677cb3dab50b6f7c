"""The builder API under /api/v1/surveys/: same rules and permissions as the pages; bad input
answers 4xx JSON {"code", "message", "errors"} with the fields to blame."""

import pytest
from django.test import Client

from gongzhi.accounts.services import create_api_token
from gongzhi.core.models import AuditEntry
from gongzhi.surveys.models import Question, Response, Section, Survey
from gongzhi.surveys.tests.factories import SectionFactory, english_client, make_survey

API = "/api/v1/surveys"
MANAGERS = {"community_admin", "community_worker"}
OTHERS = [
    "subdistrict_official",
    "grid_worker",
    "party_secretary",
    "owners_committee",
    "property_manager",
    "resident",
    "outsider",
    "far_admin",
]


@pytest.fixture
def api(world):
    return english_client(world.users["community_admin"])


def _json(client, method, url, body=None):
    if body is None:
        return getattr(client, method)(API + url)
    return getattr(client, method)(API + url, body, content_type="application/json")


def _survey_body(**extra):
    return {"title": "文艺舞台使用意见", "unit": "household", "audience": "community", **extra}


# --- surveys ---------------------------------------------------------------------------


def test_it_creates_and_returns_a_survey(world, api):
    response = _json(
        api,
        "post",
        f"/communities/{world.community.pk}",
        _survey_body(
            audience="compounds",
            compound_ids=[world.compound.pk],
            audience_min_age=60,
            anonymous=True,
        ),
    )
    assert response.status_code == 201
    body = response.json()
    survey = Survey.objects.get()
    assert body["id"] == survey.pk
    assert body["status"] == "draft"
    assert body["compound_ids"] == [world.compound.pk]
    assert (survey.audience_min_age, survey.anonymous) == (60, True)
    assert body["questions"] == [] and body["sections"] == []
    assert AuditEntry.objects.filter(action="survey.create", target_id=str(survey.pk)).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"unit": "building"}, "unit"),
        ({"audience": "compounds"}, "compound_ids"),
        ({"audience": "buildings", "building_ids": [999999]}, "building_ids"),
        ({"audience_min_age": 300}, "audience_min_age"),
        (
            {"opens_at": "2030-05-02T08:00:00+08:00", "closes_at": "2030-05-01T08:00:00+08:00"},
            "closes_at",
        ),
        ({"opens_at": "tomorrow"}, "opens_at"),
    ],
)
def test_bad_survey_input_answers_422_with_field_errors(world, api, body, field):
    response = _json(api, "post", f"/communities/{world.community.pk}", _survey_body(**body))
    assert response.status_code == 422
    data = response.json()
    assert data["code"] == "invalid"
    assert data["message"]
    assert field in data["errors"], data
    assert not Survey.objects.exists()


def test_a_building_of_another_community_is_a_field_error(world, api):
    response = _json(
        api,
        "post",
        f"/communities/{world.community.pk}",
        _survey_body(audience="buildings", building_ids=[world.far_building.pk]),
    )
    assert response.status_code == 422
    assert "building_ids" in response.json()["errors"]


def test_it_lists_a_communitys_surveys(world, api):
    make_survey(world.community, kinds=["yes_no", "rating"], title="一")
    make_survey(world.other_community, kinds=["yes_no"], title="别处")
    response = _json(api, "get", f"/communities/{world.community.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert [(s["title"], s["question_count"]) for s in body["items"]] == [("一", 2)]


def test_it_returns_the_questionnaire_in_order(world, api):
    survey = make_survey(world.community, kinds=["single", "yes_no"])
    response = _json(api, "get", f"/{survey.pk}")
    assert response.status_code == 200
    questions = response.json()["questions"]
    assert [q["kind"] for q in questions] == ["single", "yes_no"]
    assert [o["label"] for o in questions[0]["options"]] == ["选项1", "选项2", "选项3"]


def test_it_updates_settings_and_refuses_fixed_ones_once_open(world, api):
    survey = make_survey(world.community, kinds=["yes_no"])
    response = _json(api, "patch", f"/{survey.pk}", {"title": "新标题"})
    assert response.status_code == 200
    assert response.json()["title"] == "新标题"
    survey.status = "open"
    survey.save()
    response = _json(api, "patch", f"/{survey.pk}", {"anonymous": True})
    assert response.status_code == 422
    assert "anonymous" in response.json()["errors"]
    survey.refresh_from_db()
    assert survey.anonymous is False
    response = _json(api, "patch", f"/{survey.pk}", {"title": None})
    assert response.status_code == 422
    assert "title" in response.json()["errors"]


def test_the_state_machine_answers_409_for_illegal_transitions(world, api):
    survey = make_survey(world.community, kinds=[])
    response = _json(api, "post", f"/{survey.pk}/open")
    assert response.status_code == 422  # no questions: the survey itself is to blame
    assert response.json()["errors"]["__all__"]
    response = _json(api, "post", f"/{survey.pk}/close")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert "cannot be closed" in response.json()["message"]
    survey.refresh_from_db()
    assert survey.status == "draft"

    make = _json(api, "post", f"/{survey.pk}/questions", {"kind": "yes_no", "text": "同意吗？"})
    assert make.status_code == 201
    assert _json(api, "post", f"/{survey.pk}/open").json()["status"] == "open"
    assert _json(api, "post", f"/{survey.pk}/open").status_code == 409
    assert _json(api, "post", f"/{survey.pk}/close").json()["status"] == "closed"
    assert _json(api, "delete", f"/{survey.pk}").status_code == 409
    survey.refresh_from_db()
    assert survey.status == "closed"


def test_it_duplicates_a_survey(world, api):
    survey = make_survey(world.community, kinds=["single", "yes_no"], status="closed")
    response = _json(api, "post", f"/{survey.pk}/duplicate")
    assert response.status_code == 201
    body = response.json()
    assert body["copied_from_id"] == survey.pk
    assert body["status"] == "draft"
    assert len(body["questions"]) == 2


def test_it_deletes_a_draft(world, api):
    survey = make_survey(world.community, kinds=["yes_no"])
    response = _json(api, "delete", f"/{survey.pk}")
    assert response.status_code == 204
    assert not Survey.objects.filter(pk=survey.pk).exists()


# --- sections and questions ------------------------------------------------------------


def test_it_manages_sections(world, api):
    survey = make_survey(world.community, kinds=[])
    assert _json(api, "post", f"/{survey.pk}/sections", {"title": "A"}).status_code == 201
    response = _json(api, "post", f"/{survey.pk}/sections", {"title": "B"})
    sections = response.json()["sections"]
    assert [s["title"] for s in sections] == ["A", "B"]
    b = sections[1]["id"]
    response = _json(api, "post", f"/{survey.pk}/sections/{b}/move", {"direction": "up"})
    assert [s["title"] for s in response.json()["sections"]] == ["B", "A"]
    response = _json(api, "patch", f"/{survey.pk}/sections/{b}", {"title": "乙"})
    assert response.json()["sections"][0]["title"] == "乙"
    assert _json(api, "post", f"/{survey.pk}/sections", {"title": ""}).status_code == 422
    response = _json(api, "post", f"/{survey.pk}/sections/{b}/move", {"direction": "left"})
    assert response.status_code == 422
    assert "direction" in response.json()["errors"]
    assert _json(api, "delete", f"/{survey.pk}/sections/{b}").status_code == 200
    assert list(Section.objects.values_list("title", flat=True)) == ["A"]


def test_it_adds_updates_and_deletes_questions(world, api):
    survey = make_survey(world.community, kinds=["yes_no"])
    section = SectionFactory(survey=survey, title="A", position=0)
    yes_no = survey.questions.get()
    response = _json(
        api,
        "post",
        f"/{survey.pk}/questions",
        {
            "kind": "multiple",
            "text": "为什么？",
            "options": ["太远", "太吵", "没时间"],
            "max_choices": 2,
            "section_id": section.pk,
            "show_if_question_id": yes_no.pk,
            "show_if_values": ["no"],
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["show_if_question_id"] == yes_no.pk
    assert body["show_if_values"] == ["no"]
    assert [o["label"] for o in body["options"]] == ["太远", "太吵", "没时间"]
    question_id = body["id"]

    response = _json(
        api, "patch", f"/{survey.pk}/questions/{question_id}", {"text": "为什么不去？"}
    )
    assert response.status_code == 200
    assert response.json()["text"] == "为什么不去？"
    assert response.json()["max_choices"] == 2

    response = _json(api, "delete", f"/{survey.pk}/questions/{yes_no.pk}")
    assert response.status_code == 409  # the new question depends on it
    assert Question.objects.filter(pk=yes_no.pk).exists()
    assert _json(api, "delete", f"/{survey.pk}/questions/{question_id}").status_code == 204


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "essay", "text": "x"}, "kind"),
        ({"kind": "single", "text": ""}, "text"),
        ({"kind": "single", "text": "x", "options": ["only one"]}, "options"),
        ({"kind": "multiple", "text": "x", "options": ["a", "b"], "max_choices": 3}, "max_choices"),
        ({"kind": "number", "text": "x", "min_value": 5, "max_value": 1}, "max_value"),
        ({"kind": "number", "text": "x", "min_value": "1e20"}, "min_value"),
        ({"kind": "yes_no", "text": "x", "section_id": 999999}, "section_id"),
        ({"kind": "yes_no", "text": "x", "show_if_question_id": 999999}, "show_if_question_id"),
        ({"kind": "yes_no", "text": "x", "show_if_values": ["yes"]}, "show_if_values"),
    ],
)
def test_bad_question_input_answers_422_with_field_errors(world, api, body, field):
    survey = make_survey(world.community, kinds=["short_text"])
    if field == "show_if_values":
        body["show_if_question_id"] = survey.questions.get().pk  # a text question: refused
        field = "show_if_question_id"
    response = _json(api, "post", f"/{survey.pk}/questions", body)
    assert response.status_code == 422
    assert field in response.json()["errors"], response.json()
    assert survey.questions.count() == 1


def test_a_show_if_pointing_forward_is_refused(world, api):
    survey = make_survey(world.community, kinds=["yes_no", "rating"])
    yes_no, rating = survey.questions.order_by("position")
    response = _json(
        api,
        "patch",
        f"/{survey.pk}/questions/{yes_no.pk}",
        {"show_if_question_id": rating.pk, "show_if_values": ["5"]},
    )
    assert response.status_code == 422
    assert "show_if_question_id" in response.json()["errors"]
    yes_no.refresh_from_db()
    assert yes_no.show_if_question is None


def test_it_reorders_and_moves_questions(world, api):
    survey = make_survey(world.community, kinds=["yes_no", "rating", "short_text"])
    ids = list(survey.questions.order_by("position").values_list("pk", flat=True))
    response = _json(api, "post", f"/{survey.pk}/questions/reorder", {"order": ids[::-1]})
    assert response.status_code == 200
    assert [q["id"] for q in response.json()] == ids[::-1]
    response = _json(api, "post", f"/{survey.pk}/questions/reorder", {"order": ids[:2]})
    assert response.status_code == 422
    assert "order" in response.json()["errors"]
    response = _json(api, "post", f"/{survey.pk}/questions/{ids[0]}/move", {"direction": "up"})
    assert [q["id"] for q in response.json()] == [ids[2], ids[0], ids[1]]


def test_structural_edits_answer_409_once_responses_exist(world, api):
    survey = make_survey(world.community, kinds=["yes_no"], status="open")
    Response.objects.create(survey=survey, channel="online")
    question = survey.questions.get()
    response = _json(api, "post", f"/{survey.pk}/questions", {"kind": "rating", "text": "再问"})
    assert response.status_code == 409
    assert "already has responses" in response.json()["message"]
    response = _json(api, "patch", f"/{survey.pk}/questions/{question.pk}", {"text": "改字"})
    assert response.status_code == 200
    assert survey.questions.count() == 1


def test_writes_work_with_a_bearer_token_without_csrf(world):
    _token, raw = create_api_token(user=world.users["community_worker"], name="脚本")
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(
        f"{API}/communities/{world.community.pk}",
        _survey_body(),
        content_type="application/json",
        headers={"authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 201


# --- permissions -----------------------------------------------------------------------


def _calls(survey, question, section) -> list[tuple[str, str, dict | None]]:
    return [
        ("get", f"/communities/{survey.community_id}", None),
        ("post", f"/communities/{survey.community_id}", _survey_body()),
        ("get", f"/{survey.pk}", None),
        ("patch", f"/{survey.pk}", {"title": "改"}),
        ("post", f"/{survey.pk}/sections", {"title": "新"}),
        ("patch", f"/{survey.pk}/sections/{section.pk}", {"title": "改"}),
        ("post", f"/{survey.pk}/sections/{section.pk}/move", {"direction": "down"}),
        ("delete", f"/{survey.pk}/sections/{section.pk}", None),
        ("post", f"/{survey.pk}/questions", {"kind": "yes_no", "text": "新"}),
        ("patch", f"/{survey.pk}/questions/{question.pk}", {"text": "改"}),
        ("post", f"/{survey.pk}/questions/{question.pk}/move", {"direction": "down"}),
        ("post", f"/{survey.pk}/questions/reorder", {"order": [question.pk]}),
        ("delete", f"/{survey.pk}/questions/{question.pk}", None),
        ("post", f"/{survey.pk}/duplicate", None),
        ("post", f"/{survey.pk}/open", None),
        ("post", f"/{survey.pk}/close", None),
        ("delete", f"/{survey.pk}", None),
    ]


@pytest.mark.parametrize("role", OTHERS)
def test_others_get_404_from_every_endpoint_and_nothing_changes(world, role):
    survey = make_survey(world.community, kinds=["yes_no"])
    section = SectionFactory(survey=survey, title="A", position=0)
    question = survey.questions.get()
    client = english_client(world.users[role])
    before = (Survey.objects.count(), Section.objects.count(), Question.objects.count())
    audit = AuditEntry.objects.count()
    for method, url, body in _calls(survey, question, section):
        response = _json(client, method, url, body)
        assert response.status_code == 404, (role, method, url)
        assert response.json()["code"] == "not_found"
    assert (Survey.objects.count(), Section.objects.count(), Question.objects.count()) == before
    assert AuditEntry.objects.count() == audit
    survey.refresh_from_db()
    assert (survey.title, survey.status) != ("改", "open")


@pytest.mark.parametrize("role", sorted(MANAGERS))
def test_managers_reach_every_endpoint(world, role):
    survey = make_survey(world.community, kinds=["yes_no"])
    section = SectionFactory(survey=survey, title="A", position=0)
    question = survey.questions.get()
    client = english_client(world.users[role])
    for method, url, body in _calls(survey, question, section):
        response = _json(client, method, url, body)
        assert response.status_code in (200, 201, 204, 409, 422), (role, method, url)


def test_the_api_needs_a_login(world):
    survey = make_survey(world.community, kinds=["yes_no"])
    response = Client().get(f"{API}/{survey.pk}")
    assert response.status_code == 401
