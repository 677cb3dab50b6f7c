"""Review words and moderation settings: a community admin's page."""

import pytest
from django.urls import reverse

from gongzhi.core.models import AuditEntry
from gongzhi.moderation.models import BlockedWord, ModerationSettings
from gongzhi.moderation.screening import limits_for, screen


def url(world):
    return reverse("moderation:words", args=[world.community.pk])


def test_the_admin_adds_a_word_that_then_holds_posts(client, world):
    client.force_login(world.users["community_admin"])
    response = client.post(url(world), {"word": "代开发票"})
    assert response.status_code == 302
    assert BlockedWord.objects.filter(community=world.community, word="代开发票").exists()
    assert AuditEntry.objects.filter(action="moderation.blocked_word.add").count() == 1
    result = screen(
        author=world.users["resident"],
        community=world.community,
        text="本店可以代开发票，价格优惠",
        kind="comment",
    )
    assert result.held is True


def test_a_word_twice_is_refused_on_the_form(client, world):
    client.force_login(world.users["community_admin"])
    client.post(url(world), {"word": "代开发票"})
    response = client.post(url(world), {"word": "代开发票"})
    assert response.status_code == 422
    assert BlockedWord.objects.count() == 1


def test_the_admin_removes_a_word(client, world):
    word = BlockedWord.objects.create(community=world.community, word="博彩")
    client.force_login(world.users["community_admin"])
    response = client.post(reverse("moderation:word-delete", args=[world.community.pk, word.pk]))
    assert response.status_code == 302
    assert not BlockedWord.objects.exists()
    assert AuditEntry.objects.filter(action="moderation.blocked_word.remove").count() == 1


def test_the_page_lists_global_words_read_only(client, world):
    BlockedWord.objects.create(community=None, word="六合彩")
    client.force_login(world.users["community_admin"])
    response = client.get(url(world))
    assert response.status_code == 200
    assert "六合彩" in response.content.decode()


def test_a_global_word_cannot_be_removed_from_a_community_page(client, world):
    word = BlockedWord.objects.create(community=None, word="六合彩")
    client.force_login(world.users["community_admin"])
    response = client.post(reverse("moderation:word-delete", args=[world.community.pk, word.pk]))
    assert response.status_code == 404
    assert BlockedWord.objects.count() == 1


def test_the_admin_changes_the_report_threshold(client, world):
    client.force_login(world.users["community_admin"])
    data = {
        "report_threshold": 5,
        "flood_max_posts": 8,
        "flood_window_minutes": 15,
        "duplicate_window_days": 3,
    }
    response = client.post(reverse("moderation:settings", args=[world.community.pk]), data)
    assert response.status_code == 302
    row = ModerationSettings.objects.get(community=world.community)
    assert (row.report_threshold, row.flood_max_posts) == (5, 8)
    assert limits_for(world.community).duplicate_window_days == 3
    assert AuditEntry.objects.get(action="moderation.settings").data["changes"][
        "report_threshold"
    ] == [3, 5]


def test_bad_settings_are_sent_back_and_change_nothing(client, world):
    client.force_login(world.users["community_admin"])
    data = {
        "report_threshold": 0,
        "flood_max_posts": 8,
        "flood_window_minutes": 15,
        "duplicate_window_days": 3,
    }
    response = client.post(reverse("moderation:settings", args=[world.community.pk]), data)
    assert response.status_code == 422
    assert not ModerationSettings.objects.exists()


@pytest.mark.parametrize(
    "role", ["community_worker", "resident", "grid_worker", "subdistrict_official", "far_admin"]
)
def test_only_the_community_admin_keeps_the_list(client, world, role):
    word = BlockedWord.objects.create(community=world.community, word="博彩")
    client.force_login(world.users[role])
    assert client.get(url(world)).status_code == 404
    assert client.post(url(world), {"word": "赌球"}).status_code == 404
    delete = reverse("moderation:word-delete", args=[world.community.pk, word.pk])
    assert client.post(delete).status_code == 404
    assert list(BlockedWord.objects.values_list("word", flat=True)) == ["博彩"]
