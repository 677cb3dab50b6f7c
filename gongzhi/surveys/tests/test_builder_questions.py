"""Adding, editing and deleting questions of every kind through the builder pages."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from gongzhi.core.models import AuditEntry
from gongzhi.surveys import builder_services as services
from gongzhi.surveys.models import Question, Response
from gongzhi.surveys.tests.factories import SurveyFactory, english_client, make_survey


@pytest.fixture
def admin(world):
    return world.users["community_admin"]


@pytest.fixture
def client(admin):
    return english_client(admin)


@pytest.fixture
def survey(world):
    return SurveyFactory(community=world.community, title="文艺舞台")


def _add(client, survey, **data):
    data.setdefault("required", "on")
    return client.post(reverse("surveys:question-add", args=[survey.pk]), data)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"kind": "single", "options": "常去\n偶尔\n\n 没去过 \n"}, {}),
        ({"kind": "multiple", "options": "太远\n太吵\n没时间", "max_choices": "2"}, {}),
        ({"kind": "yes_no"}, {}),
        ({"kind": "rating"}, {}),
        (
            {"kind": "number", "min_value": "0", "max_value": "120"},
            {"min_value": Decimal("0"), "max_value": Decimal("120")},
        ),
        ({"kind": "short_text"}, {}),
        ({"kind": "long_text"}, {}),
    ],
)
def test_it_adds_a_question_of_every_kind(world, client, survey, data, expected):
    response = _add(client, survey, text="您的看法？", help_text="请如实填写", **data)
    assert response.status_code == 302
    question = survey.questions.get()
    assert response["Location"].endswith(f"#q-{question.pk}")
    assert (question.kind, question.text, question.help_text) == (
        data["kind"],
        "您的看法？",
        "请如实填写",
    )
    assert question.required is True
    assert question.position == 0
    for field, value in expected.items():
        assert getattr(question, field) == value
    labels = list(question.options.order_by("position").values_list("label", flat=True))
    if data["kind"] == "single":
        assert labels == ["常去", "偶尔", "没去过"]
    elif data["kind"] == "multiple":
        assert labels == ["太远", "太吵", "没时间"]
        assert question.max_choices == 2
    else:
        assert labels == []
    entry = AuditEntry.objects.get(action="survey.question.add")
    assert entry.community_id == world.community.pk
    assert entry.data["survey"] == survey.pk


def test_fields_a_kind_does_not_use_are_dropped(world, client, survey):
    response = _add(client, survey, kind="yes_no", text="同意吗？", options="a\nb", max_choices="1")
    assert response.status_code == 302
    question = survey.questions.get()
    assert question.max_choices is None
    assert not question.options.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "single", "options": "只有一个"}, "options"),
        ({"kind": "single", "options": "重复\n重复"}, "options"),
        ({"kind": "multiple", "options": "a\nb", "max_choices": "3"}, "max_choices"),
        ({"kind": "number", "min_value": "10", "max_value": "1"}, "max_value"),
        ({"kind": "number", "min_value": "abc"}, "min_value"),
        ({"kind": "essay"}, "kind"),
        ({"kind": "yes_no", "text": ""}, "text"),
    ],
)
def test_it_refuses_bad_questions_and_keeps_what_was_typed(world, client, survey, data, field):
    data = {"text": "问题", **data}
    response = _add(client, survey, **data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert form["text"].value() == data["text"]
    assert not survey.questions.exists()
    assert not AuditEntry.objects.filter(action="survey.question.add").exists()


def test_save_and_add_another_returns_to_the_form_in_the_same_section(world, client, admin):
    survey = SurveyFactory(community=world.community)
    section = services.add_section(survey=survey, actor=admin, title="A")
    response = _add(client, survey, kind="yes_no", text="一", section=section.pk, add_another="1")
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("surveys:question-add", args=[survey.pk]) + f"?section={section.pk}"
    )
    assert survey.questions.get().section == section


def test_it_edits_a_question_and_its_options_keep_their_ids(world, client, survey, admin):
    question = services.add_question(
        survey=survey, actor=admin, kind="single", text="旧", options=["甲", "乙", "丙"]
    )
    ids = dict(question.options.values_list("label", "pk"))
    url = reverse("surveys:question-edit", args=[survey.pk, question.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"]["options"].value() == "甲\n乙\n丙"
    response = client.post(
        url, {"kind": "multiple", "text": "新", "options": "丙\n甲\n乙\n丁", "max_choices": "2"}
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.kind, question.text, question.required, question.max_choices) == (
        "multiple",
        "新",
        False,
        2,
    )
    rows = list(question.options.order_by("position").values_list("label", "pk"))
    assert [label for label, _pk in rows] == ["丙", "甲", "乙", "丁"]
    assert {label: pk for label, pk in rows if label in ids} == ids
    entry = AuditEntry.objects.get(action="survey.question.update")
    assert set(entry.data["fields"]) >= {"kind", "text", "required", "max_choices", "options"}


def test_once_responses_exist_only_wording_may_change(world, client, admin):
    survey = make_survey(world.community, kinds=["single", "yes_no"], status="open")
    Response.objects.create(survey=survey, channel="online")
    single = survey.questions.get(kind="single")
    ids = list(single.options.order_by("position").values_list("pk", flat=True))
    url = reverse("surveys:question-edit", args=[survey.pk, single.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["wording_only"] is True
    assert page.context["form"].fields["kind"].disabled

    # A typo fix in the text and the option labels is allowed.
    response = client.post(url, {"text": "改正后的问题", "options": "一\n二\n三"})
    assert response.status_code == 302
    single.refresh_from_db()
    assert single.text == "改正后的问题"
    assert list(single.options.order_by("position").values_list("pk", "label")) == list(
        zip(ids, ["一", "二", "三"], strict=True)
    )

    # Adding an option is structural: refused, nothing changed.
    response = client.post(url, {"text": "又改", "options": "一\n二\n三\n四"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    single.refresh_from_db()
    assert single.text == "改正后的问题"
    assert single.options.count() == 3


def test_a_structural_change_by_service_is_refused_once_responses_exist(world, admin):
    survey = make_survey(world.community, kinds=["yes_no"], status="open")
    Response.objects.create(survey=survey, channel="online")
    question = survey.questions.get()
    with translation.override("en"), pytest.raises(services.BuilderError) as exc:
        services.update_question(question=question, actor=admin, changes={"required": False})
    assert "already has responses" in exc.value.message
    with pytest.raises(services.BuilderError):
        services.add_question(survey=survey, actor=admin, kind="yes_no", text="再问")
    with pytest.raises(services.BuilderError):
        services.delete_question(question=question, actor=admin)
    question.refresh_from_db()
    assert question.required is True
    assert survey.questions.count() == 1


def test_an_open_survey_without_responses_may_still_change(world, admin):
    survey = make_survey(world.community, kinds=["yes_no"], status="open")
    services.add_question(survey=survey, actor=admin, kind="rating", text="打分")
    assert survey.questions.count() == 2


def test_it_deletes_a_question_after_asking(world, client):
    survey = make_survey(world.community, kinds=["yes_no", "rating", "short_text"])
    rating = survey.questions.get(kind="rating")
    url = reverse("surveys:question-delete", args=[survey.pk, rating.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert Question.objects.filter(pk=rating.pk).exists()
    response = client.post(url)
    assert response.status_code == 302
    assert not Question.objects.filter(pk=rating.pk).exists()
    assert list(survey.questions.order_by("position").values_list("kind", "position")) == [
        ("yes_no", 0),
        ("short_text", 1),
    ]
    assert AuditEntry.objects.filter(
        action="survey.question.delete", target_id=str(rating.pk)
    ).exists()


def test_questions_of_another_survey_answer_404(world, client):
    survey = make_survey(world.community, kinds=["yes_no"])
    other = make_survey(world.community, kinds=["rating"])
    foreign = other.questions.get()
    url = reverse("surveys:question-edit", args=[survey.pk, foreign.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"kind": "rating", "text": "x"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.text != "x"
