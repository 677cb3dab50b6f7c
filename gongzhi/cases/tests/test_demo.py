"""The cases of the demo: SCENARIO.md stories 2-4 and a year of ordinary cases for the rates."""

import pytest
from django.db.models import Count, F, Q
from django.utils import timezone

from gongzhi.cases.demo import CAMPAIGN_TITLE, load_cases_demo
from gongzhi.cases.models import CallBack, Campaign, Case, CaseEvent, HandlingUnit, Status
from gongzhi.core.demo import RESIDENT_PHONE, load_demo


@pytest.fixture
def demo(db):
    load_demo()
    return load_cases_demo()


def test_the_demo_carries_the_stories_and_a_year_of_cases(demo):
    # load_demo() loads the cases story itself; the fixture's second call finds it there.
    assert demo["created"] is False
    assert Case.objects.count() > 300

    campaign = Campaign.objects.get(title=CAMPAIGN_TITLE, community__name="雷潭村")
    spots = Case.objects.filter(campaign=campaign)
    assert spots.count() == 8
    assert set(spots.values_list("category__major_code", "category__minor_code")) <= {
        ("01", "02"),
        ("01", "03"),
        ("01", "05"),
    }
    stages = set(spots.values_list("status", flat=True))
    assert {Status.CLOSED, Status.IN_PROGRESS} <= stages and len(stages) >= 3

    for title in ("兴隆河道环境整治", "江钻厂区大门北面道路硬化", "未就业帮扶人员技能培训"):
        case = Case.objects.get(title=title, community__name="机械社区")
        assert case.status == Status.CLOSED
        latest = case.callbacks.get(is_latest=True)
        assert latest.solved and latest.satisfied
    assert Case.objects.get(title="兴隆河道环境整治").reporter.phone == RESIDENT_PHONE

    sheds = Case.objects.get(title="爱民路违建拆除", community__name="爱民社区")
    assert sheds.status == Status.CLOSED and sheds.category.code == "0101"
    assert sheds.events.filter(action="note", text__contains="同意").exists()

    per_community = dict(
        Case.objects.values_list("community__name").annotate(n=Count("id")).order_by()
    )
    assert all(per_community[name] >= 60 for name in ("机械社区", "爱民社区", "雷潭村"))
    assert Case.objects.open().exists() and Case.objects.filter(status=Status.MERGED).exists()
    assert HandlingUnit.objects.filter(community__name="机械社区", kind="property_company").exists()


def test_the_rates_have_data_that_looks_real(demo):
    latest = CallBack.objects.filter(is_latest=True).aggregate(
        n=Count("id"),
        contacted=Count("id", filter=Q(contacted_in_time=True)),
        solved=Count("id", filter=Q(solved=True)),
        satisfied=Count("id", filter=Q(satisfied=True)),
    )
    assert latest["n"] > 150
    for key in ("contacted", "solved", "satisfied"):
        assert 0.8 < latest[key] / latest["n"] < 1.0, key
    # One latest answer per case at most, and only for answered call-backs.
    assert not CallBack.objects.filter(is_latest=True, answered=False).exists()
    assert CallBack.objects.filter(is_latest=True).values("case").distinct().count() == latest["n"]
    # Every event lies between its case's report and now.
    assert not CaseEvent.objects.filter(at__lt=F("case__created_at")).exists()
    assert not CaseEvent.objects.filter(at__gt=timezone.now()).exists()


def test_loading_again_changes_nothing(demo):
    before = (Case.objects.count(), CallBack.objects.count(), HandlingUnit.objects.count())

    again = load_cases_demo()

    assert again == {"created": False, "campaign_id": demo["campaign_id"]}
    assert (Case.objects.count(), CallBack.objects.count(), HandlingUnit.objects.count()) == before
