"""link_to_matter: what later apps call to put something on a matter's timeline."""

import pytest

from gongzhi.core.models import AuditEntry
from gongzhi.matters.models import Matter, MatterLink
from gongzhi.matters.services import MatterError, link_to_matter, open_matter
from gongzhi.needs.tests.helpers import make_need

pytestmark = pytest.mark.django_db


@pytest.fixture
def matter(world):
    need = make_need(world.community, author=world.users["resident"], status="adopted")
    return open_matter(need=need, actor=world.users["community_admin"])


def test_opening_a_matter_twice_returns_the_same_one(world, matter):
    again = open_matter(need=matter.opened_from, actor=world.users["community_admin"])

    assert again == matter
    assert Matter.objects.count() == 1
    assert MatterLink.objects.filter(matter=matter, kind="need").count() == 1


def test_a_link_is_added_once_per_object_and_kind(world, matter):
    obj = make_need(world.community, author=world.users["resident"], title="问卷占位")

    first = link_to_matter(
        matter=matter,
        obj=obj,
        kind="survey",
        title="意见征询问卷",
        actor=world.users["community_admin"],
    )
    second = link_to_matter(
        matter=matter, obj=obj, kind="survey", title="再次", actor=world.users["community_admin"]
    )

    assert first == second
    assert MatterLink.objects.filter(matter=matter, kind="survey").count() == 1
    assert first.url == obj.get_absolute_url()
    assert AuditEntry.objects.filter(action="matter.linked").count() == 2  # need, survey


def test_a_link_moves_the_stage_forward_never_back(world, matter):
    admin = world.users["community_admin"]
    project = make_need(world.community, author=admin, title="项目占位")
    later_survey = make_need(world.community, author=admin, title="问卷占位")

    link_to_matter(matter=matter, obj=project, kind="project", title="文艺大舞台", actor=admin)
    matter.refresh_from_db()
    assert matter.stage == "build"

    link_to_matter(matter=matter, obj=later_survey, kind="survey", title="满意度", actor=admin)
    matter.refresh_from_db()
    assert matter.stage == "build"

    link_to_matter(
        matter=matter, obj=later_survey, kind="review", title="评价", actor=admin, stage="evaluate"
    )
    matter.refresh_from_db()
    assert matter.stage == "evaluate"
    assert matter.stage_number == 4


def test_an_object_of_another_community_is_refused(world, matter):
    foreign = make_need(world.far_community, author=world.users["far_admin"])

    with pytest.raises(MatterError):
        link_to_matter(
            matter=matter, obj=foreign, kind="case", title="x", actor=world.users["community_admin"]
        )

    assert not MatterLink.objects.filter(kind="case").exists()


def test_an_unknown_kind_is_refused(world, matter):
    with pytest.raises(MatterError):
        link_to_matter(
            matter=matter,
            obj=matter.opened_from,
            kind="poem",
            title="x",
            actor=world.users["community_admin"],
        )
