"""API permission matrix: the same roles may do the same things as on the pages.

Reads the user may not make answer 404; writes on a need they see but may not act on
answer 403; a refused request changes nothing.
"""

import pytest

from gongzhi.needs.models import Need, Support

from .helpers import category_of
from .test_permissions import ALLOWED, EVERYONE, snapshot

pytestmark = pytest.mark.django_db
API = "/api/v1/needs"
READS = {"view_board", "view_need", "view_matter", "overdue", "search", "similar"}
API_ALLOWED = {
    **ALLOWED,
    "search": ALLOWED["view_board"],
    "similar": ALLOWED["view_board"],
    "add_category": ALLOWED["settings"],
}


def call(client, action, world, need, matter):
    c = world.community.pk
    category = category_of(world.community).pk
    new_need = {"title": "新诉求", "text": "内容", "category_id": category}
    json = "application/json"
    reads = {
        "view_board": f"{API}/communities/{c}/needs",
        "view_need": f"{API}/{need.pk}",
        "view_matter": f"/api/v1/matters/{matter.pk}",
        "overdue": f"{API}/communities/{c}/overdue",
        "search": f"{API}/communities/{c}/search?q=路灯",
        "similar": f"{API}/communities/{c}/similar?text=路灯不亮",
    }
    if action in reads:
        return client.get(reads[action])
    if action == "raise":
        return client.post(f"{API}/communities/{c}/needs", new_need, content_type=json)
    if action == "raise_for_resident":
        payload = {**new_need, "on_behalf_of_id": world.resident.pk, "consent_method": "verbal"}
        return client.post(f"{API}/communities/{c}/needs", payload, content_type=json)
    if action == "settings":
        return client.put(
            f"{API}/communities/{c}/settings",
            {"support_threshold": 7, "response_working_days": 3},
            content_type=json,
        )
    if action == "add_category":
        return client.post(f"{API}/communities/{c}/categories", {"name": "停车"}, content_type=json)
    if action == "withdraw":
        return client.delete(f"{API}/{need.pk}/support")
    if action == "edit":
        payload = {"title": "改", "text": "改", "category_id": category}
        return client.patch(f"{API}/{need.pk}", payload, content_type=json)
    path, payload = {
        "support": ("support", None),
        "follow": ("follow", None),
        "comment": ("comments", {"text": "我也是"}),
        "triage": ("transitions", {"to_status": "accepted", "reply": "受理"}),
        "reply": ("replies", {"text": "回复"}),
    }[action]
    if payload is None:
        return client.post(f"{API}/{need.pk}/{path}")
    return client.post(f"{API}/{need.pk}/{path}", payload, content_type=json)


@pytest.mark.parametrize("action", sorted(API_ALLOWED))
@pytest.mark.parametrize("role", EVERYONE)
def test_api_permission_matrix(client, world, users, matrix_need, matrix_matter, role, action):
    need, matter = matrix_need, matrix_matter
    if action == "support":
        Support.objects.filter(need=need).delete()
        Need.objects.filter(pk=need.pk).update(support_count=0)
    client.force_login(users[role])
    before = snapshot()

    response = call(client, action, world, need, matter)

    allowed = role in API_ALLOWED[action]
    if action in READS:
        assert response.status_code == (200 if allowed else 404), (role, action)
    elif allowed:
        assert response.status_code in (200, 201), (role, action, response.content)
        assert snapshot() != before or action == "add_category"
    else:
        assert response.status_code in (403, 404, 409, 422), (role, action, response.status_code)
        assert set(response.json()) == {"code", "message", "errors"}
        assert snapshot() == before, (role, action)


def test_an_api_request_without_login_answers_401(client, matrix_need):
    response = client.get(f"{API}/{matrix_need.pk}")

    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
