"""The author changes a need's wording before the community responds, and not after."""

import pytest
from django.urls import reverse

from gongzhi.needs import services
from gongzhi.needs.models import NeedEvent

from .helpers import category_of, make_need

pytestmark = pytest.mark.django_db


def edit(client, need, **data):
    payload = {"title": "改后的标题", "text": "改后的内容", "category": need.category_id}
    payload.update(data)
    return client.post(reverse("needs:edit", args=[need.pk]), payload)


def test_the_author_edits_before_any_response(client, world):
    need = make_need(world.community, author=world.users["resident"], resident=world.resident)
    client.force_login(world.users["resident"])

    response = edit(client, need, category=category_of(world.community, "safety").pk)

    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.title, need.category.code) == ("改后的标题", "safety")
    assert NeedEvent.objects.filter(need=need, kind=NeedEvent.Kind.EDITED).exists()


def test_after_a_response_the_need_cannot_be_changed(client, world):
    need = make_need(world.community, author=world.users["resident"], resident=world.resident)
    services.reply_to_need(need=need, actor=world.users["community_worker"], text="收到")
    client.force_login(world.users["resident"])

    response = edit(client, need)

    assert response.status_code == 403
    need.refresh_from_db()
    assert need.title == "小区路灯不亮"


def test_someone_else_cannot_edit(client, world, neighbour_user):
    need = make_need(world.community, author=world.users["resident"], resident=world.resident)
    client.force_login(neighbour_user)

    assert edit(client, need).status_code == 403
    need.refresh_from_db()
    assert need.title == "小区路灯不亮"
