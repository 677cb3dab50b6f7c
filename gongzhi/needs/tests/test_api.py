"""The needs API: every action of the pages, with the same rules and one error shape."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gongzhi.matters.models import Matter
from gongzhi.needs import indexing
from gongzhi.needs.models import Comment, Follow, Need, NeedPhoto, NeedSettings, Support

from .helpers import category_of, make_need

pytestmark = pytest.mark.django_db
API = "/api/v1/needs"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_resident_raises_a_need_and_gets_it_back(client, world):
    client.force_login(world.users["resident"])

    response = client.post(
        f"{API}/communities/{world.community.pk}/needs",
        {
            "kind": "proposal",
            "title": "建文艺舞台",
            "text": "老年学校的节目需要舞台",
            "category_id": category_of(world.community, "activities").pk,
            "compound_id": world.compound.pk,
        },
        content_type="application/json",
    )

    assert response.status_code == 201
    body = response.json()
    need = Need.objects.get()
    assert body["id"] == need.pk
    assert body["kind"] == "proposal"
    assert body["status"] == "submitted"
    assert body["author"] == "张*"
    assert body["history"][0]["kind"] == "created"
    assert body["following"] is True


def test_a_foreign_category_answers_422_and_nothing_is_made(client, world):
    client.force_login(world.users["resident"])

    response = client.post(
        f"{API}/communities/{world.community.pk}/needs",
        {"title": "x", "text": "y", "category_id": category_of(world.other_community).pk},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["errors"].keys() == {"category_id"}
    assert Need.objects.count() == 0


def test_a_worker_raises_on_behalf_with_consent(client, world):
    client.force_login(world.users["community_worker"])
    url = f"{API}/communities/{world.community.pk}/needs"
    payload = {
        "title": "代办诉求",
        "text": "张三托我反映",
        "category_id": category_of(world.community).pk,
        "on_behalf_of_id": world.resident.pk,
    }

    missing = client.post(url, payload, content_type="application/json")
    assert missing.status_code == 422
    assert Need.objects.count() == 0

    response = client.post(
        url, {**payload, "consent_method": "phone"}, content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["on_behalf_of"] == {
        "resident_id": world.resident.pk,
        "resident": "张*",
        "consent_method": "phone",
    }


def test_the_board_lists_filters_and_pages(client, world):
    for i in range(5):
        make_need(
            world.community, author=world.users["resident"], title=f"诉求{i}", support_count=i
        )
    make_need(world.community, author=world.users["resident"], title="已答", status="answered")
    client.force_login(world.users["resident"])

    page = client.get(f"{API}/communities/{world.community.pk}/needs?limit=2").json()
    answered = client.get(f"{API}/communities/{world.community.pk}/needs?status=answered").json()

    assert page["count"] == 6
    assert [n["title"] for n in page["items"]] == ["诉求4", "诉求3"]
    assert [n["title"] for n in answered["items"]] == ["已答"]


def test_support_withdraw_follow_and_unfollow(client, world, neighbour_user):
    need = make_need(world.community, author=neighbour_user, resident=world.neighbour)
    client.force_login(world.users["resident"])

    supported = client.post(f"{API}/{need.pk}/support")
    again = client.post(f"{API}/{need.pk}/support")
    withdrawn = client.delete(f"{API}/{need.pk}/support")
    followed = client.post(f"{API}/{need.pk}/follow")
    unfollowed = client.delete(f"{API}/{need.pk}/follow")

    assert supported.json() == {"support_count": 1, "supported": True}
    assert again.status_code == 409
    assert again.json()["code"] == "already_supported"
    assert withdrawn.json() == {"support_count": 0, "supported": False}
    assert followed.json() == {"following": True}
    assert unfollowed.json() == {"following": False}
    assert not Support.objects.exists()
    assert not Follow.objects.filter(user=world.users["resident"]).exists()


def test_comments_and_replies_one_level_deep(client, world, screen_passes):
    need = make_need(world.community, author=world.users["resident"])
    client.force_login(world.users["resident"])

    top = client.post(f"{API}/{need.pk}/comments", {"text": "顶"}, content_type="application/json")
    reply = client.post(
        f"{API}/{need.pk}/comments",
        {"text": "同意", "parent_id": top.json()["id"]},
        content_type="application/json",
    )
    deeper = client.post(
        f"{API}/{need.pk}/comments",
        {"text": "再回复", "parent_id": reply.json()["id"]},
        content_type="application/json",
    )
    thread = client.get(f"{API}/{need.pk}/comments").json()

    assert top.status_code == reply.status_code == 201
    assert deeper.status_code == 422
    assert deeper.json()["code"] == "too_deep"
    assert [c["text"] for c in thread] == ["顶"]
    assert [r["text"] for r in thread[0]["replies"]] == ["同意"]
    assert Comment.objects.count() == 2


def test_transitions_and_replies(client, world):
    need = make_need(world.community, author=world.users["resident"])
    client.force_login(world.users["community_admin"])

    accepted = client.post(
        f"{API}/{need.pk}/transitions",
        {"to_status": "accepted", "reply": "受理"},
        content_type="application/json",
    )
    backwards = client.post(
        f"{API}/{need.pk}/transitions",
        {"to_status": "accepted", "reply": "再受理"},
        content_type="application/json",
    )
    replied = client.post(
        f"{API}/{need.pk}/replies", {"text": "进展：已派单"}, content_type="application/json"
    )
    adopted = client.post(
        f"{API}/{need.pk}/transitions",
        {"to_status": "adopted", "reply": "立项"},
        content_type="application/json",
    )
    detail = client.get(f"{API}/{need.pk}").json()

    assert accepted.status_code == 201
    assert accepted.json()["to_status"] == "accepted"
    assert backwards.status_code == 409
    assert backwards.json()["code"] == "bad_transition"
    assert replied.status_code == 201
    assert adopted.status_code == 201
    assert detail["status"] == "adopted"
    assert detail["matter_id"] == Matter.objects.get().pk
    assert [e["kind"] for e in detail["history"]] == ["created", "accepted", "replied", "adopted"]


def test_merge_needs_a_target_on_the_same_board(client, world):
    duplicate = make_need(world.community, author=world.users["resident"])
    far = make_need(world.far_community, author=world.users["far_admin"])
    target = make_need(world.community, author=world.users["resident"])
    client.force_login(world.users["community_worker"])
    url = f"{API}/{duplicate.pk}/transitions"

    no_target = client.post(
        url, {"to_status": "merged", "reply": "合并"}, content_type="application/json"
    )
    foreign = client.post(
        url,
        {"to_status": "merged", "reply": "合并", "merge_into_id": far.pk},
        content_type="application/json",
    )
    merged = client.post(
        url,
        {"to_status": "merged", "reply": "合并", "merge_into_id": target.pk},
        content_type="application/json",
    )

    assert no_target.status_code == foreign.status_code == 422
    assert merged.status_code == 201
    duplicate.refresh_from_db()
    assert duplicate.merged_into == target


def test_search_and_similar(client, world):
    need = make_need(world.community, author=world.users["resident"], title="路灯不亮")
    indexing.index_need(need)
    client.force_login(world.users["resident"])

    found = client.get(f"{API}/communities/{world.community.pk}/search?q=路灯").json()
    similar = client.get(f"{API}/communities/{world.community.pk}/similar?text=路灯不亮了").json()

    assert found["count"] == 1
    assert found["items"][0]["need"]["id"] == need.pk
    assert "<mark>路灯</mark>" in found["items"][0]["title_html"]
    assert [n["id"] for n in similar] == [need.pk]


def test_settings_categories_and_overdue_for_the_admin(client, world):
    client.force_login(world.users["community_admin"])
    base = f"{API}/communities/{world.community.pk}"

    put = client.put(
        f"{base}/settings",
        {"support_threshold": 30, "response_working_days": 3},
        content_type="application/json",
    )
    added = client.post(f"{base}/categories", {"name": "停车"}, content_type="application/json")
    off = client.patch(
        f"{API}/categories/{added.json()['id']}",
        {"is_active": False},
        content_type="application/json",
    )
    overdue = client.get(f"{base}/overdue")

    assert put.json() == {"support_threshold": 30, "response_working_days": 3}
    assert NeedSettings.objects.get().support_threshold == 30
    assert added.status_code == 201
    assert off.json()["is_active"] is False
    assert overdue.json() == {"count": 0, "items": []}


def test_the_author_edits_and_adds_photos(client, world):
    need = make_need(world.community, author=world.users["resident"], resident=world.resident)
    client.force_login(world.users["resident"])
    out = io.BytesIO()
    Image.new("RGB", (10, 10), "blue").save(out, format="PNG")

    edited = client.patch(
        f"{API}/{need.pk}",
        {"title": "改后的标题", "text": "改后", "category_id": need.category_id},
        content_type="application/json",
    )
    photos = client.post(
        f"{API}/{need.pk}/photos",
        {"photos": [SimpleUploadedFile("a.png", out.getvalue(), content_type="image/png")]},
    )

    assert edited.status_code == 200
    assert edited.json()["title"] == "改后的标题"
    assert photos.status_code == 201
    assert NeedPhoto.objects.filter(need=need).count() == 1
    photo = client.get(photos.json()[0]["url"])
    assert photo.status_code == 200
    assert photo["Content-Type"] == "image/jpeg"
