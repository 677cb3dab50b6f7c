"""Supporting (附议) and withdrawing: one per resident, counted exactly, threshold flagged."""

import pytest
from django.urls import reverse

from gongzhi.core.models import AuditEntry
from gongzhi.needs import services
from gongzhi.needs.models import Follow, Need, NeedEvent, NeedSettings, Support
from gongzhi.notifications.models import Message

from .helpers import add_supports, make_need, resident_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def need(world):
    return make_need(world.community, author=world.users["resident"], resident=world.resident)


def test_a_neighbour_supports_a_need(client, world, need, neighbour_user):
    client.force_login(neighbour_user)

    response = client.post(reverse("needs:support", args=[need.pk]))

    assert response.status_code == 302
    need.refresh_from_db()
    assert need.support_count == 1
    assert Support.objects.filter(need=need, resident=world.neighbour).exists()
    assert Follow.objects.filter(need=need, user=neighbour_user).exists()
    assert AuditEntry.objects.filter(action="need.supported").count() == 1


def test_supporting_with_htmx_answers_the_updated_box(client, need, neighbour_user):
    client.force_login(neighbour_user)

    response = client.post(reverse("needs:support", args=[need.pk]), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert 'id="support"' in response.content.decode()
    assert response.context["supported"] is True
    assert response.context["need"].support_count == 1


def test_it_rejects_a_second_support(world, need, neighbour_user):
    services.support_need(need=need, actor=neighbour_user)

    with pytest.raises(services.NeedError) as refused:
        services.support_need(need=need, actor=neighbour_user)

    assert refused.value.code == "already_supported"
    need.refresh_from_db()
    assert need.support_count == 1
    assert Support.objects.filter(need=need).count() == 1


def test_a_resident_cannot_support_their_own_need(client, world, need):
    client.force_login(world.users["resident"])

    response = client.post(reverse("needs:support", args=[need.pk]))

    assert response.status_code == 403
    need.refresh_from_db()
    assert need.support_count == 0


def test_a_need_raised_on_a_residents_behalf_is_theirs_too(client, world, neighbour_user):
    need = make_need(
        world.community,
        author=world.users["community_worker"],
        resident=world.neighbour,
        on_behalf=True,
        consent_method="phone",
    )
    client.force_login(neighbour_user)

    response = client.post(reverse("needs:support", args=[need.pk]))

    assert response.status_code == 403
    assert Support.objects.count() == 0


def test_a_closed_need_cannot_be_supported(client, world, neighbour_user):
    need = make_need(world.community, author=world.users["resident"], status="declined")
    client.force_login(neighbour_user)

    response = client.post(reverse("needs:support", args=[need.pk]))

    assert response.status_code == 403
    assert Support.objects.count() == 0


def test_withdrawing_takes_the_support_back(client, world, need, neighbour_user):
    services.support_need(need=need, actor=neighbour_user)
    client.force_login(neighbour_user)

    response = client.post(reverse("needs:withdraw", args=[need.pk]))

    assert response.status_code == 302
    need.refresh_from_db()
    assert need.support_count == 0
    assert not Support.objects.exists()
    assert AuditEntry.objects.filter(action="need.support_withdrawn").count() == 1


def test_withdrawing_twice_does_not_go_below_zero(world, need, neighbour_user):
    services.support_need(need=need, actor=neighbour_user)
    services.withdraw_support(need=need, actor=neighbour_user)

    with pytest.raises(services.NeedError) as refused:
        services.withdraw_support(need=need, actor=neighbour_user)

    assert refused.value.code == "not_supported"
    need.refresh_from_db()
    assert need.support_count == 0


def test_support_can_be_given_again_after_withdrawing(world, need, neighbour_user):
    services.support_need(need=need, actor=neighbour_user)
    services.withdraw_support(need=need, actor=neighbour_user)

    services.support_need(need=need, actor=neighbour_user)

    need.refresh_from_db()
    assert need.support_count == 1


def test_a_proposal_reaching_the_threshold_is_flagged_once(
    world, neighbour_user, django_capture_on_commit_callbacks
):
    NeedSettings.objects.create(community=world.community, support_threshold=3)
    proposal = make_need(
        world.community, author=world.users["resident"], resident=world.resident, kind="proposal"
    )
    add_supports(proposal, [resident_user(world.community, name=f"居民{i}")[1] for i in range(2)])

    with django_capture_on_commit_callbacks(execute=True):
        services.support_need(need=proposal, actor=neighbour_user)

    proposal.refresh_from_db()
    assert proposal.support_count == 3
    assert proposal.flagged_for_agenda_at is not None
    assert NeedEvent.objects.filter(need=proposal, kind=NeedEvent.Kind.FLAGGED).count() == 1
    assert Message.objects.filter(recipient=world.users["community_admin"], kind="need.flagged")
    assert Message.objects.filter(recipient=world.users["resident"], kind="need.flagged")

    # Going under and over the threshold again does not flag it a second time.
    services.withdraw_support(need=proposal, actor=neighbour_user)
    services.support_need(need=proposal, actor=neighbour_user)
    assert NeedEvent.objects.filter(need=proposal, kind=NeedEvent.Kind.FLAGGED).count() == 1


def test_a_need_is_not_flagged_for_the_agenda(world, neighbour_user):
    NeedSettings.objects.create(community=world.community, support_threshold=1)
    need = make_need(world.community, author=world.users["resident"], kind="need")

    services.support_need(need=need, actor=neighbour_user)

    need.refresh_from_db()
    assert need.support_count == 1
    assert need.flagged_for_agenda_at is None


def test_the_threshold_defaults_to_twenty(world):
    proposal = make_need(world.community, author=world.users["resident"], kind="proposal")
    supporters = [resident_user(world.community, name=f"居民{i}") for i in range(20)]
    add_supports(proposal, [resident for _user, resident in supporters[:18]])

    services.support_need(need=proposal, actor=supporters[18][0])
    proposal.refresh_from_db()
    assert proposal.flagged_for_agenda_at is None

    services.support_need(need=proposal, actor=supporters[19][0])
    proposal.refresh_from_db()
    assert proposal.support_count == 20
    assert proposal.flagged_for_agenda_at is not None


def test_raising_the_threshold_flags_nothing_under_it_and_lowering_flags_those_over(client, world):
    proposal = make_need(world.community, author=world.users["resident"], kind="proposal")
    add_supports(proposal, [resident_user(world.community, name=f"居民{i}")[1] for i in range(4)])
    client.force_login(world.users["community_admin"])
    url = reverse("needs:settings", args=[world.community.pk])

    client.post(url, {"form": "settings", "support_threshold": 5, "response_working_days": 5})
    proposal.refresh_from_db()
    assert proposal.flagged_for_agenda_at is None

    client.post(url, {"form": "settings", "support_threshold": 4, "response_working_days": 5})
    proposal.refresh_from_db()
    assert proposal.flagged_for_agenda_at is not None
    assert Need.objects.filter(flagged_for_agenda_at__isnull=False).count() == 1
