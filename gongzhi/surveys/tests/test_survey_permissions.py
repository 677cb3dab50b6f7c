"""Every role in the `world` fixture against every builder action, and visible_to() against
can_view_survey().

Only the admins and workers of a survey's community may manage it; everyone else gets 404
with nothing changed (DESIGN.md: where a 403 would reveal existence, answer 404).
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongzhi.core.models import AuditEntry
from gongzhi.surveys.models import Option, Question, Section, Survey
from gongzhi.surveys.permissions import can_manage_surveys, can_view_survey
from gongzhi.surveys.querysets import surveys
from gongzhi.surveys.tests.factories import SectionFactory, SurveyFactory, make_survey

ROLES = [
    "subdistrict_official",
    "community_admin",
    "community_worker",
    "grid_worker",
    "party_secretary",
    "owners_committee",
    "property_manager",
    "resident",
    "outsider",
    "far_admin",
]
MANAGERS = {"community_admin", "community_worker"}


def _snapshot(survey: Survey) -> dict:
    """What a refused action must leave untouched."""
    survey.refresh_from_db()
    return {
        "status": survey.status,
        "title": survey.title,
        "surveys": Survey.objects.count(),
        "sections": list(Section.objects.order_by("pk").values_list("pk", "title", "position")),
        "questions": list(
            Question.objects.order_by("pk").values_list("pk", "text", "position", "section_id")
        ),
        "options": Option.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


@pytest.fixture
def draft(world):
    survey = make_survey(world.community, kinds=["single", "yes_no", "short_text"])
    SectionFactory(survey=survey, title="基本情况", position=0)
    return survey


def _actions(survey: Survey) -> list[tuple[str, str, dict]]:
    """(method, url, data) of every builder page and button, for one survey."""
    section = survey.sections.first()
    assert section is not None
    first, second, _third = survey.questions.order_by("position")
    community = survey.community_id
    return [
        ("get", reverse("surveys:list", args=[community]), {}),
        ("get", reverse("surveys:create", args=[community]), {}),
        (
            "post",
            reverse("surveys:create", args=[community]),
            {"title": "新问卷", "unit": "household", "audience": "community"},
        ),
        ("get", reverse("surveys:edit", args=[survey.pk]), {}),
        ("get", reverse("surveys:settings", args=[survey.pk]), {}),
        (
            "post",
            reverse("surveys:settings", args=[survey.pk]),
            {"title": "改名", "unit": "household", "audience": "community"},
        ),
        ("get", reverse("surveys:preview", args=[survey.pk]), {}),
        ("post", reverse("surveys:section-add", args=[survey.pk]), {"title": "新部分"}),
        (
            "post",
            reverse("surveys:section-rename", args=[survey.pk, section.pk]),
            {"title": "改名"},
        ),
        (
            "post",
            reverse("surveys:section-move", args=[survey.pk, section.pk]),
            {"direction": "up"},
        ),
        ("post", reverse("surveys:section-delete", args=[survey.pk, section.pk]), {}),
        ("get", reverse("surveys:question-add", args=[survey.pk]), {}),
        (
            "post",
            reverse("surveys:question-add", args=[survey.pk]),
            {"kind": "short_text", "text": "新问题", "required": "on"},
        ),
        ("get", reverse("surveys:question-edit", args=[survey.pk, second.pk]), {}),
        (
            "post",
            reverse("surveys:question-edit", args=[survey.pk, second.pk]),
            {"kind": "yes_no", "text": "改过的问题"},
        ),
        (
            "post",
            reverse("surveys:question-move", args=[survey.pk, second.pk]),
            {"direction": "up"},
        ),
        ("post", reverse("surveys:question-delete", args=[survey.pk, first.pk]), {}),
        ("post", reverse("surveys:duplicate", args=[survey.pk]), {}),
        ("post", reverse("surveys:open", args=[survey.pk]), {}),
        ("post", reverse("surveys:close", args=[survey.pk]), {}),
        ("post", reverse("surveys:delete", args=[survey.pk]), {}),
    ]


@pytest.mark.parametrize("role", sorted(set(ROLES) - MANAGERS))
def test_others_get_404_for_every_builder_action_and_nothing_changes(world, draft, role):
    client = Client()
    client.force_login(world.users[role])
    before = _snapshot(draft)
    for method, url, data in _actions(draft):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (role, method, url)
    assert _snapshot(draft) == before


def test_anonymous_visitors_are_sent_to_log_in_and_nothing_changes(world, draft):
    before = _snapshot(draft)
    for method, url, data in _actions(draft):
        response = getattr(Client(), method)(url, data)
        assert response.status_code == 302, (method, url)
        assert reverse("accounts:login") in response["Location"]
    assert _snapshot(draft) == before


@pytest.mark.parametrize("role", sorted(MANAGERS))
def test_managers_may_use_every_builder_action(world, draft, role):
    client = Client()
    client.force_login(world.users[role])
    for method, url, data in _actions(draft):
        response = getattr(client, method)(url, data)
        assert response.status_code in (200, 302), (role, method, url)
    # The last actions opened, closed and tried to delete the survey; the refusal to
    # delete a closed survey is a message, not an error page.
    draft.refresh_from_db()
    assert draft.status == Survey.Status.CLOSED
    assert draft.title == "改名"


def test_a_far_communitys_admin_cannot_manage_this_communitys_survey(world, draft):
    assert can_manage_surveys(world.users["far_admin"], world.community) is False
    assert can_manage_surveys(world.users["far_admin"], world.far_community) is True


# --- who sees which survey: visible_to() and can_view_survey() agree -------------------


@pytest.fixture
def survey_set(world):
    """Surveys of every kind of visibility, named."""
    now = timezone.now()
    named = {
        "draft": SurveyFactory(community=world.community),
        "open": SurveyFactory(community=world.community, status="open"),
        "open_other_compound": SurveyFactory(
            community=world.community, status="open", audience="compounds"
        ),
        "open_own_building": SurveyFactory(
            community=world.community, status="open", audience="buildings"
        ),
        "open_60_plus": SurveyFactory(
            community=world.community, status="open", audience_min_age=60, unit="resident"
        ),
        "open_90_plus": SurveyFactory(
            community=world.community, status="open", audience_min_age=90
        ),
        "closed": SurveyFactory(community=world.community, status="closed"),
        "closed_published": SurveyFactory(
            community=world.community, status="closed", results_published_at=now - timedelta(1)
        ),
        "other_community_open": SurveyFactory(community=world.other_community, status="open"),
        "far_open": SurveyFactory(community=world.far_community, status="open"),
    }
    named["open_other_compound"].audience_compounds.set([world.other_compound])
    named["open_own_building"].audience_buildings.set([world.building])
    return named


ZHOUJI = {
    "draft",
    "open",
    "open_other_compound",
    "open_own_building",
    "open_60_plus",
    "open_90_plus",
    "closed",
    "closed_published",
}
# The resident (born 1950, living in `building`) sees open or published surveys they are
# asked in: not the other compound's, not the 90+ one, not drafts or unpublished closed ones.
VISIBLE = {
    "subdistrict_official": ZHOUJI | {"other_community_open"},
    "community_admin": ZHOUJI,
    "community_worker": ZHOUJI,
    "party_secretary": ZHOUJI,
    "grid_worker": ZHOUJI,
    "owners_committee": set(),
    "property_manager": set(),
    "resident": {"open", "open_own_building", "open_60_plus", "closed_published"},
    "outsider": set(),
    "far_admin": {"far_open"},
}


@pytest.mark.parametrize("role", ROLES)
def test_visible_to_lists_what_each_role_may_see(world, survey_set, role):
    user = world.users[role]
    names = {pk: name for name, s in survey_set.items() for pk in [s.pk]}
    listed = {names[pk] for pk in surveys().visible_to(user).values_list("pk", flat=True)}
    assert listed == VISIBLE[role]


@pytest.mark.parametrize("role", ROLES)
def test_visible_to_agrees_with_can_view_survey(world, survey_set, role):
    user = world.users[role]
    listed = set(surveys().visible_to(user).values_list("pk", flat=True))
    for name, survey in survey_set.items():
        survey = Survey.objects.select_related("community").get(pk=survey.pk)
        assert can_view_survey(user, survey) == (survey.pk in listed), (role, name)


def test_a_resident_who_moved_out_sees_no_surveys(world, survey_set):
    world.resident.status = "moved_out"
    world.resident.save()
    user = world.users["resident"]
    assert not surveys().visible_to(user).exists()
    assert can_view_survey(user, survey_set["open"]) is False
