"""Who sees and does what with a case: every role against every action, pages and predicates.

The case: reported by `resident` in building 1 (grid 1), dispatched to the grid's unit, whose
members are the grid worker and `unit_member`. Cases stay private: a resident sees only
their own. Refusals answer 404, so nothing reveals that a case exists.
"""

import datetime as dt

import pytest
from django.urls import reverse

from gongzhi.cases import permissions as perms
from gongzhi.cases.models import Campaign, Case, Status

from .factories import case_in

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
    "unit_member",
]
SEES = {
    "subdistrict_official",
    "community_admin",
    "community_worker",
    "grid_worker",
    "party_secretary",
    "resident",
    "unit_member",
}
MANAGERS = {"community_admin", "community_worker"}
UNIT = {"grid_worker", "unit_member"}
# action: (status the case is brought to, roles that may take it, POST data)
ACTIONS = {
    "dispatch": (Status.RECEIVED, MANAGERS, "unit"),
    "accept": (Status.DISPATCHED, MANAGERS | UNIT, {}),
    "return": (Status.DISPATCHED, MANAGERS | UNIT, {"return-reason": "不归我们"}),
    "start": (Status.ACCEPTED, MANAGERS | UNIT, {}),
    "reply": (Status.IN_PROGRESS, MANAGERS | UNIT, {"reply-text": "已处理"}),
    "callback": (
        Status.REPLIED,
        MANAGERS,
        {
            "callback-method": "phone",
            "callback-answered": "yes",
            "callback-contacted_in_time": "yes",
            "callback-solved": "yes",
            "callback-satisfied": "yes",
        },
    ),
    "answer": (
        Status.REPLIED,
        {"resident"},
        {"answer-contacted_in_time": "yes", "answer-solved": "yes", "answer-satisfied": "yes"},
    ),
    "close": (Status.CALLBACK_DONE, MANAGERS, {}),
    "reopen": (Status.CLOSED, MANAGERS, {"reopen-reason": "复发"}),
    "redirect": (Status.RECEIVED, MANAGERS, {"redirect-number": "120"}),
    "note": (Status.ACCEPTED, MANAGERS | UNIT, {"note-text": "已上门"}),
    "merge": (Status.RECEIVED, MANAGERS, "main case"),
    "campaign": (Status.RECEIVED, MANAGERS, "a campaign"),
}


def user_for(cw, role):
    return cw.unit_member if role == "unit_member" else cw.users[role]


@pytest.mark.parametrize("role", ROLES)
def test_viewing_a_case(client, cw, role):
    case = case_in(cw, Status.DISPATCHED)
    user = user_for(cw, role)
    client.force_login(user)

    response = client.get(reverse("cases:detail", args=[case.pk]))

    assert response.status_code == (200 if role in SEES else 404)
    assert perms.can_view_case(user, case) == (role in SEES)
    assert Case.objects.visible_to(user).filter(pk=case.pk).exists() == (role in SEES)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_taking_an_action(client, cw, role, action):
    status, allowed, data = ACTIONS[action]
    case = case_in(cw, status)
    if data == "unit":
        data = {"dispatch-unit": cw.unit.pk, "dispatch-category": case.category_id}
    elif data == "main case":
        data = {"merge-into": case_in(cw, Status.RECEIVED).pk}
    elif data == "a campaign":
        campaign = Campaign.objects.create(
            community=cw.community, title="清理", starts_on=dt.date(2025, 4, 1)
        )
        data = {"campaign-campaign": campaign.pk}
    user = user_for(cw, role)
    client.force_login(user)

    response = client.post(reverse("cases:action", args=[case.pk, action]), data)

    expected = 302 if role in allowed else 404
    assert response.status_code == expected, response.content[:2000]
    case.refresh_from_db()
    if role not in allowed:
        assert case.status == status
    elif action == "campaign":
        assert case.campaign_id == data["campaign-campaign"]
    else:
        assert case.status != status or action == "note"
    assert perms.is_offered(user, case_in(cw, status), action) == (role in allowed)


def test_the_list_and_visible_to_agree_with_the_predicate(cw):
    cases = [case_in(cw, s) for s in (Status.RECEIVED, Status.DISPATCHED, Status.CLOSED)]
    for role in ROLES:
        user = user_for(cw, role)
        visible = set(Case.objects.visible_to(user).values_list("pk", flat=True))
        assert visible == {c.pk for c in cases if perms.can_view_case(user, c)}, role
        handled = set(Case.objects.handled_by(user).values_list("pk", flat=True))
        assert handled <= visible


def test_a_resident_does_not_see_a_neighbours_case(client, cw):
    case = case_in(cw, Status.RECEIVED)
    Case.objects.filter(pk=case.pk).update(reporter=None, created_by=None)
    client.force_login(cw.users["resident"])

    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404


def test_the_subdistrict_official_reads_but_acts_on_nothing(cw):
    official = cw.users["subdistrict_official"]
    case = case_in(cw, Status.RECEIVED)

    assert perms.can_view_case(official, case)
    assert perms.available_actions(official, case) == []
