"""Staff add a survey's published results or a case to a matter's timeline (page and API)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.cases import services as case_services
from gongzhi.cases.models import Case
from gongzhi.cases.tests.factories import seeded
from gongzhi.core.models import AuditEntry
from gongzhi.matters.models import Matter, MatterLink
from gongzhi.matters.services import (
    MatterError,
    link_case,
    link_survey_results,
    link_to_matter,
    open_matter,
)
from gongzhi.needs.tests.helpers import make_need
from gongzhi.surveys.models import Survey
from gongzhi.surveys.results_services import unpublish_results
from gongzhi.surveys.tests.factories import make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def matter(world):
    need = make_need(world.community, author=world.users["resident"], title="建一个文艺舞台")
    return open_matter(need=need, actor=world.users["community_admin"])


def published_survey(community, title="文艺舞台意见问卷") -> Survey:
    return make_survey(
        community,
        title=title,
        status=Survey.Status.CLOSED,
        results_published_at=timezone.now() - timedelta(days=3),
    )


def make_case(community, actor, title="爱民路违建拆除", **extra) -> Case:
    return case_services.report_case(
        community=community,
        category=seeded("0101"),
        title=title,
        text="路口棚屋占道，通行困难。",
        address="爱民路入口弯道处",
        channel=Case.Channel.WALK_IN,
        actor=actor,
        **extra,
    )


def add(client, matter, **data):
    return client.post(reverse("matters:add-link", args=[matter.pk]), data)


def api_add(client, matter, body):
    return client.post(f"/api/v1/matters/{matter.pk}/links", body, content_type="application/json")


def survey_links(matter):
    return MatterLink.objects.filter(matter=matter, kind="survey")


# --- survey results ----------------------------------------------------------------------


def test_published_results_go_on_the_timeline_with_the_residents_results_page(
    client, world, matter
):
    survey = published_survey(world.community)
    client.force_login(world.users["community_admin"])

    response = add(client, matter, kind="survey", survey=survey.pk)

    link = survey_links(matter).get()
    assert response.status_code == 302
    assert response["Location"] == f"{matter.get_absolute_url()}#link-{link.pk}"
    results_url = reverse("surveys:results", args=[survey.pk])
    assert link.url == results_url
    assert link.title == "文艺舞台意见问卷: results"
    assert link.at == survey.results_published_at
    assert link.actor == world.users["community_admin"]
    assert AuditEntry.objects.filter(
        action="matter.linked", target_id=str(matter.pk), data__kind="survey"
    ).exists()
    client.force_login(world.users["resident"])
    page = client.get(matter.get_absolute_url())
    entry = next(e for e in page.context["entries"] if e.kind == "survey")
    assert entry.url == results_url
    assert f'href="{results_url}"' in page.content.decode()
    assert client.get(results_url).status_code == 200  # the link leads residents somewhere


def test_unpublished_results_are_refused_and_the_choice_kept(client, world, matter):
    draft = make_survey(world.community, title="还没公布的问卷", status=Survey.Status.CLOSED)
    client.force_login(world.users["community_worker"])

    response = add(client, matter, kind="survey", survey=draft.pk)

    assert response.status_code == 400
    assert response.context["link_form"].errors["survey"] == ["Publish the results first."]
    assert response.context["link_form"]["survey"].value() == str(draft.pk)
    assert not survey_links(matter).exists()
    assert not AuditEntry.objects.filter(action="matter.linked", data__kind="survey").exists()


def test_the_pick_list_offers_only_the_communitys_published_surveys(client, world, matter):
    mine = published_survey(world.community, title="已公布的问卷")
    make_survey(world.community, title="未公布的问卷", status=Survey.Status.CLOSED)
    published_survey(world.other_community, title="别的社区的问卷")
    client.force_login(world.users["community_admin"])

    form = client.get(matter.get_absolute_url()).context["link_form"]

    assert [label for _, label in form.fields["survey"].widget.choices][1:] == [mine.title]


def test_another_communitys_survey_is_refused_as_unknown(client, world, matter):
    foreign = published_survey(world.other_community)
    client.force_login(world.users["community_admin"])

    response = add(client, matter, kind="survey", survey=foreign.pk)

    assert response.status_code == 400
    assert response.context["link_form"].errors["survey"] == [
        "There is no such survey in this community."
    ]
    assert not survey_links(matter).exists()
    with pytest.raises(MatterError) as refused:
        link_survey_results(matter=matter, survey=foreign, actor=world.users["community_admin"])
    assert refused.value.code == "other_community"


def test_results_already_on_the_timeline_are_refused(client, world, matter):
    survey = published_survey(world.community)
    client.force_login(world.users["community_admin"])
    add(client, matter, kind="survey", survey=survey.pk)

    response = add(client, matter, kind="survey", survey=survey.pk)

    assert response.status_code == 400
    assert response.context["link_form"].errors["survey"] == [
        "These results are already on the timeline."
    ]
    assert survey_links(matter).count() == 1
    assert AuditEntry.objects.filter(action="matter.linked", data__kind="survey").count() == 1


def test_a_survey_entry_without_a_page_becomes_its_results_entry(world, matter):
    # As the needs demo does when the questionnaire opens: a plain survey link, no page.
    survey = published_survey(world.community)
    admin = world.users["community_admin"]
    plain = link_to_matter(
        matter=matter, obj=survey, kind="survey", title=survey.title, actor=admin
    )
    assert plain.url == ""

    link = link_survey_results(matter=matter, survey=survey, actor=admin)

    plain.refresh_from_db()
    assert link.pk == plain.pk and survey_links(matter).count() == 1
    assert plain.url == reverse("surveys:results", args=[survey.pk])
    assert plain.title == f"{survey.title}: results"
    assert plain.at == survey.results_published_at
    assert AuditEntry.objects.filter(action="matter.linked", data__completed=True).exists()


def test_residents_get_no_link_to_results_that_were_unpublished(client, world, matter):
    survey = published_survey(world.community)
    admin = world.users["community_admin"]
    link_survey_results(matter=matter, survey=survey, actor=admin)
    unpublish_results(survey=survey, actor=admin)
    results_url = reverse("surveys:results", args=[survey.pk])
    client.force_login(world.users["resident"])

    page = client.get(matter.get_absolute_url())
    api = client.get(f"/api/v1/matters/{matter.pk}").json()

    entry = next(e for e in page.context["entries"] if e.kind == "survey")
    assert entry.url == "" and entry.title == f"{survey.title}: results"
    assert entry.text == "The results are not published at the moment."
    assert results_url not in page.content.decode()
    assert [e["url"] for e in api["timeline"] if e["kind"] == "survey"] == [""]
    assert client.get(results_url).status_code == 404  # what the link would have led to
    assert survey_links(matter).get().url == results_url  # back when published again


# --- cases -------------------------------------------------------------------------------


def test_a_case_is_linked_by_its_number_and_moves_the_matter_on(client, world, matter):
    case = make_case(world.community, world.users["community_admin"])
    client.force_login(world.users["community_worker"])

    response = add(client, matter, kind="case", case=f" ＃{case.pk} ")

    assert response.status_code == 302
    link = MatterLink.objects.get(matter=matter, kind="case")
    assert link.title == f"#{case.pk} 爱民路违建拆除"
    assert link.url == reverse("cases:detail", args=[case.pk])
    assert link.at == case.created_at
    matter.refresh_from_db()
    assert matter.stage == "manage"
    page = client.get(matter.get_absolute_url())
    assert f'href="{link.url}"' in page.content.decode()
    assert client.get(link.url).status_code == 200


def test_residents_follow_links_only_to_the_cases_they_reported(client, world, matter):
    admin, resident = world.users["community_admin"], world.users["resident"]
    others = link_case(matter=matter, case=make_case(world.community, admin), actor=admin)
    theirs = link_case(
        matter=matter,
        case=make_case(world.community, admin, title="楼道堆物", reporter=resident),
        actor=admin,
    )
    client.force_login(resident)

    page = client.get(matter.get_absolute_url())

    urls = {e.title: e.url for e in page.context["entries"] if e.kind == "case"}
    assert urls == {others.title: "", theirs.title: theirs.url}
    assert client.get(others.url).status_code == 404  # what the link would have led to
    assert client.get(theirs.url).status_code == 200


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter a case number, such as #123."),
        ("案件12", "Enter a case number, such as #123."),
        ("#99999999", "There is no case #99999999 in this community."),
    ],
)
def test_a_bad_or_unknown_case_number_is_refused_and_kept(client, world, matter, typed, message):
    client.force_login(world.users["community_admin"])

    response = add(client, matter, kind="case", case=typed)

    assert response.status_code == 400
    form = response.context["link_form"]
    assert form.errors["case"] == [message]
    assert form["case"].value() == typed
    assert not MatterLink.objects.filter(kind="case").exists()


def test_another_communitys_case_is_refused_as_unknown(client, world, matter):
    foreign = make_case(world.other_community, world.users["subdistrict_official"])
    client.force_login(world.users["community_admin"])

    response = add(client, matter, kind="case", case=f"#{foreign.pk}")

    assert response.status_code == 400
    assert response.context["link_form"].errors["case"] == [
        f"There is no case #{foreign.pk} in this community."
    ]
    assert f'value="#{foreign.pk}"' in response.content.decode()
    assert not MatterLink.objects.filter(kind="case").exists()


def test_a_case_already_on_the_timeline_is_refused(client, world, matter):
    case = make_case(world.community, world.users["community_admin"])
    client.force_login(world.users["community_admin"])
    add(client, matter, kind="case", case=str(case.pk))

    response = add(client, matter, kind="case", case=f"#{case.pk}")

    assert response.status_code == 400
    assert response.context["link_form"].errors["case"] == [
        f"Case #{case.pk} is already on the timeline."
    ]
    assert MatterLink.objects.filter(matter=matter, kind="case").count() == 1


# --- who may link ------------------------------------------------------------------------

# Role -> (sees the form, answer to a POST): the community's admins and workers link; others
# who see the matter are refused; those who do not see it get 404.
WHO = {
    "community_admin": (True, 302),
    "community_worker": (True, 302),
    "party_secretary": (False, 403),
    "grid_worker": (False, 403),
    "owners_committee": (False, 403),
    "property_manager": (False, 403),
    "resident": (False, 403),
    "subdistrict_official": (False, 403),
    "far_admin": (False, 404),
    "outsider": (False, 404),
}


@pytest.mark.parametrize(("role", "expected"), WHO.items())
def test_only_the_communitys_admins_and_workers_may_link(client, world, matter, role, expected):
    sees_form, status = expected
    case = make_case(world.community, world.users["community_admin"])
    client.force_login(world.users[role])

    page = client.get(matter.get_absolute_url())
    response = add(client, matter, kind="case", case=str(case.pk))

    if status == 404:
        assert page.status_code == 404
    else:
        assert (page.context["link_form"] is not None) == sees_form
        assert ("Add to the timeline" in page.content.decode()) == sees_form
    assert response.status_code == status
    assert MatterLink.objects.filter(kind="case").exists() == (status == 302)


# --- API ---------------------------------------------------------------------------------


def test_the_api_links_survey_results_and_cases(client, world, matter):
    survey = published_survey(world.community)
    case = make_case(world.community, world.users["community_admin"])
    client.force_login(world.users["community_admin"])

    first = api_add(client, matter, {"kind": "survey", "id": survey.pk})
    second = api_add(client, matter, {"kind": "case", "id": case.pk})

    assert first.status_code == 201
    body = first.json()
    assert body["kind"] == "survey" and body["object_id"] == survey.pk
    assert body["url"] == reverse("surveys:results", args=[survey.pk])
    assert body["matter_stage"] == "plan"
    assert second.status_code == 201
    assert second.json()["title"] == f"#{case.pk} 爱民路违建拆除"
    assert second.json()["matter_stage"] == "manage"
    assert Matter.objects.get(pk=matter.pk).stage == "manage"
    kinds = [e["kind"] for e in client.get(f"/api/v1/matters/{matter.pk}").json()["timeline"]]
    assert kinds.count("survey") == 1 and kinds.count("case") == 1


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"kind": "survey", "id": 99999999}, 422, "unknown_survey", "id"),
        ({"kind": "case", "id": 99999999}, 422, "unknown_case", "id"),
        ({"kind": "poem", "id": 1}, 422, "invalid", "kind"),
        ({"kind": "case", "id": 0}, 422, "invalid", "id"),
        ({"kind": "case", "id": 2**70}, 422, "invalid", "id"),
        ({"kind": "case"}, 422, "invalid", "id"),
    ],
)
def test_the_api_answers_bad_input_with_field_errors(
    client, world, matter, body, status, code, field
):
    client.force_login(world.users["community_admin"])

    response = api_add(client, matter, body)

    assert response.status_code == status
    assert response.json()["code"] == code
    assert field in response.json()["errors"]
    assert MatterLink.objects.filter(matter=matter).count() == 1  # the need only


def test_the_api_refuses_unpublished_results_and_duplicates_with_409(client, world, matter):
    draft = make_survey(world.community, status=Survey.Status.CLOSED)
    case = make_case(world.community, world.users["community_admin"])
    client.force_login(world.users["community_admin"])
    api_add(client, matter, {"kind": "case", "id": case.pk})

    unpublished = api_add(client, matter, {"kind": "survey", "id": draft.pk})
    again = api_add(client, matter, {"kind": "case", "id": case.pk})

    assert unpublished.status_code == 409
    assert unpublished.json()["errors"] == {"id": ["Publish the results first."]}
    assert again.status_code == 409 and again.json()["code"] == "already_linked"
    assert MatterLink.objects.filter(matter=matter).count() == 2  # the need and the case


def test_the_api_answers_403_to_viewers_and_404_to_outsiders(client, world, matter):
    case = make_case(world.community, world.users["community_admin"])
    body = {"kind": "case", "id": case.pk}

    client.force_login(world.users["resident"])
    forbidden = api_add(client, matter, body)
    client.force_login(world.users["far_admin"])
    hidden = api_add(client, matter, body)

    assert forbidden.status_code == 403 and forbidden.json()["code"] == "forbidden"
    assert hidden.status_code == 404 and hidden.json()["code"] == "not_found"
    assert not MatterLink.objects.filter(kind="case").exists()
