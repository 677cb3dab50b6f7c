"""GET /api/v1/cases/rates/table and /rates/cases: the same figures and scope as the page.

Figures come from the hand-computed fixture in rates_fixture (March 2025).
"""

import pytest

from gongzhi.accounts.models import ApiToken, hash_token

from .rates_fixture import build_rated

RATES = "/api/v1/cases/rates/table"
CASES = "/api/v1/cases/rates/cases"


@pytest.fixture
def rated(world):
    return build_rated(world)


def bearer(user) -> dict:
    raw = ApiToken.new_raw_token()
    ApiToken.objects.create(user=user, name="t", prefix=raw[:8], token_hash=hash_token(raw))
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.django_db
def test_the_rates_by_unit_with_numerators_and_denominators(client, rated):
    headers = bearer(rated.world.users["subdistrict_official"])

    response = client.get(RATES, {"period": "2025-03", "group": "unit"}, **headers)

    assert response.status_code == 200
    data = response.json()
    rows = {row["key"]: row for row in data["rows"]}
    u1 = rows[str(rated.units["U1"].pk)]
    assert (u1["answered"], u1["contacted_in_time"], u1["solved"], u1["satisfied"]) == (5, 4, 3, 2)
    assert u1["resolution_rate"] == {"numerator": 3, "denominator": 5, "percent": "60.0%"}
    assert u1["on_time_closure_rate"] == {"numerator": 2, "denominator": 3, "percent": "66.7%"}
    assert data["total"]["response_rate"] == {"numerator": 7, "denominator": 9, "percent": "77.8%"}
    assert data["start"] == "2025-03-01T00:00:00+08:00"
    assert sorted(data["communities"]) == sorted(rated.subdistrict_ids)


@pytest.mark.django_db
def test_the_cases_behind_a_number(client, rated):
    headers = bearer(rated.world.users["community_admin"])

    response = client.get(
        CASES,
        {
            "period": "2025-03",
            "group": "unit",
            "key": rated.units["U1"].pk,
            "measure": "not_solved",
        },
        **headers,
    )

    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2
    assert {item["id"] for item in data["items"]} == {rated.cases[3].pk, rated.cases[6].pk}


@pytest.mark.django_db
def test_another_community_is_a_404_and_a_bad_period_a_400(client, rated):
    headers = bearer(rated.world.users["community_worker"])

    other = client.get(RATES, {"community": rated.world.other_community.pk}, **headers)
    bad = client.get(RATES, {"period": "soon"}, **headers)
    measure = client.get(CASES, {"measure": "everything"}, **headers)

    assert other.status_code == 404
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid"
    assert measure.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["grid_worker", "resident", "outsider"])
def test_roles_without_rates_get_a_404(client, world, role):
    response = client.get(RATES, **bearer(world.users[role]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_anonymous_callers_get_a_401(client):
    response = client.get(RATES)

    assert response.status_code == 401
