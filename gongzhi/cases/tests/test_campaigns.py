"""Campaigns (专项行动): a batch of cases handled together, with its own progress."""

import datetime as dt

from django.urls import reverse

from gongzhi.cases import services
from gongzhi.cases.models import Campaign, Status

from .factories import case_in


def campaign_with_spots(cw) -> Campaign:
    campaign = Campaign.objects.create(
        community=cw.community, title="卫生死角清理", starts_on=dt.date(2025, 4, 1)
    )
    for status in (Status.CLOSED, Status.CLOSED, Status.IN_PROGRESS, Status.RECEIVED):
        case = case_in(cw, status)
        services.set_campaign(case=case, actor=cw.users["community_admin"], campaign=campaign)
    return campaign


def test_the_campaign_page_shows_progress_and_spots(client, cw):
    campaign = campaign_with_spots(cw)
    client.force_login(cw.users["subdistrict_official"])

    response = client.get(reverse("cases:campaign", args=[campaign.pk]))

    assert response.status_code == 200
    progress = response.context["progress"]
    assert (progress["total"], progress["closed"], progress["open"]) == (4, 2, 2)
    assert progress["percent_closed"] == 50
    assert {r["status"]: r["count"] for r in progress["by_status"]} == {
        "received": 1,
        "in_progress": 1,
        "closed": 2,
    }
    assert len(response.context["rows"]) == 4
    assert not response.context["can_edit"]


def test_the_list_counts_in_one_query_per_page(client, cw):
    campaign = campaign_with_spots(cw)
    client.force_login(cw.users["community_admin"])

    response = client.get(reverse("cases:campaigns"))

    row = response.context["page"].object_list[0]
    assert row == campaign and (row.case_total, row.case_closed) == (4, 2)


def test_a_manager_creates_a_campaign(client, cw):
    client.force_login(cw.users["community_worker"])

    response = client.post(
        reverse("cases:campaign-add", args=[cw.community.pk]),
        {"title": "爱民路违建整治", "starts_on": "2025-05-01", "ends_on": "2025-04-01"},
    )
    assert response.status_code == 200  # ends before it starts
    assert not Campaign.objects.exists()

    response = client.post(
        reverse("cases:campaign-add", args=[cw.community.pk]),
        {"title": "爱民路违建整治", "starts_on": "2025-05-01"},
    )
    assert response.status_code == 302
    assert Campaign.objects.get().created_by == cw.users["community_worker"]


def test_campaigns_of_other_communities_are_hidden(client, cw):
    campaign = campaign_with_spots(cw)
    for role in ("far_admin", "resident", "outsider"):
        client.force_login(cw.users[role])
        assert client.get(reverse("cases:campaign", args=[campaign.pk])).status_code == 404
    client.force_login(cw.users["grid_worker"])
    assert client.get(reverse("cases:campaign-add", args=[cw.community.pk])).status_code == 404
