"""The handling units admin page: kinds, places, members."""

from django.urls import reverse

from gongzhi.cases.models import HandlingUnit


def test_the_admin_creates_a_property_company_unit_with_a_member(client, cw):
    client.force_login(cw.users["community_admin"])
    page = client.get(reverse("cases:unit-add", args=[cw.community.pk]))
    assert page.status_code == 200
    choices = {u.pk for u in page.context["form"].fields["members"].queryset}
    assert cw.users["property_manager"].pk in choices
    assert cw.users["resident"].pk not in choices  # staff roles only

    response = client.post(
        reverse("cases:unit-add", args=[cw.community.pk]),
        {
            "kind": "property_company",
            "name": "兴隆小区物业",
            "compound": cw.world.other_compound.pk,
            "members": [cw.users["property_manager"].pk],
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    unit = HandlingUnit.objects.get(name="兴隆小区物业")
    assert unit.compound == cw.world.other_compound
    assert list(unit.members.all()) == [cw.users["property_manager"]]


def test_the_list_counts_members(client, cw):
    client.force_login(cw.users["community_admin"])

    response = client.get(reverse("cases:units", args=[cw.community.pk]))

    counts = {u.name: u.member_count for u in response.context["units"]}
    assert counts == {"第一网格组": 2, "机械小区物业": 1}


def test_editing_a_unit_and_a_duplicate_name(client, cw):
    client.force_login(cw.users["community_admin"])
    url = reverse("cases:unit-edit", args=[cw.community.pk, cw.unit.pk])

    refused = client.post(url, {"kind": "grid", "name": "机械小区物业", "is_active": "on"})
    assert refused.status_code == 200 and "already exists" in refused.content.decode()

    client.post(url, {"kind": "grid", "name": "第一网格", "is_active": ""})
    cw.unit.refresh_from_db()
    assert (cw.unit.name, cw.unit.is_active) == ("第一网格", False)
    assert not cw.unit.members.exists()  # the form sets members: none ticked


def test_others_get_404(client, cw):
    for role in ("community_worker", "far_admin", "property_manager"):
        client.force_login(cw.users[role])
        assert client.get(reverse("cases:units", args=[cw.community.pk])).status_code == 404
        assert (
            client.get(reverse("cases:unit-edit", args=[cw.community.pk, cw.unit.pk])).status_code
            == 404
        )
