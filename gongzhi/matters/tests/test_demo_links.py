"""The demo's matters carry their stories: the arts-stage results and the adopted demands' cases."""

import pytest
from django.urls import reverse

from gongzhi.cases.models import Case
from gongzhi.core.demo import load_demo
from gongzhi.core.models import AuditEntry
from gongzhi.matters.models import Matter, MatterLink
from gongzhi.needs.demo import STAGE_TITLE
from gongzhi.surveys.demo import TITLE

pytestmark = pytest.mark.django_db


def test_the_demo_links_the_stories_to_their_matters_once():
    load_demo()
    counts = (Matter.objects.count(), MatterLink.objects.count(), AuditEntry.objects.count())

    stage = Matter.objects.get(opened_from__title=STAGE_TITLE)
    results = MatterLink.objects.get(matter=stage, kind="survey")
    assert results.title.startswith(TITLE) and results.title != TITLE  # "…：结果"
    assert results.url == reverse("surveys:results", args=[results.object_id])
    assert results.target.results_published_at == results.at
    for title in ("兴隆河道环境整治", "江钻厂区大门北面道路硬化"):
        matter = Matter.objects.get(opened_from__title=title)
        case = Case.objects.get(title=title)
        link = MatterLink.objects.get(matter=matter, kind="case")
        assert (link.object_id, link.url) == (case.pk, reverse("cases:detail", args=[case.pk]))
        assert matter.stage == "manage"
    # Neither was a matter on the board: the skills training was only accepted, the Aimin
    # Road sheds never were a need.
    for title in ("未就业帮扶人员技能培训", "爱民路违建拆除"):
        case = Case.objects.get(title=title)
        assert not MatterLink.objects.filter(kind="case", object_id=case.pk).exists()

    load_demo()

    assert (
        Matter.objects.count(),
        MatterLink.objects.count(),
        AuditEntry.objects.count(),
    ) == counts
