"""Comments one level deep: a comment, a reply to it, never a reply to a reply."""

import pytest
from django.urls import reverse

from gongzhi.moderation.models import ModerationCase, ModerationStatus
from gongzhi.needs import services
from gongzhi.needs.models import Comment
from gongzhi.notifications.models import Message
from gongzhi.search.models import SearchEntry

from .helpers import make_need

pytestmark = pytest.mark.django_db


@pytest.fixture
def need(world):
    return make_need(world.community, author=world.users["resident"], resident=world.resident)


def test_a_neighbour_comments_and_the_author_is_told(
    client, world, need, neighbour_user, django_capture_on_commit_callbacks
):
    client.force_login(neighbour_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("needs:comment", args=[need.pk]), {"text": "我家门口也是"})

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert (comment.author, comment.parent, comment.community) == (
        neighbour_user,
        None,
        world.community,
    )
    assert Message.objects.filter(recipient=world.users["resident"], kind="need.commented")
    assert SearchEntry.objects.filter(kind="need_comment", object_id=comment.pk).exists()


def test_a_reply_to_a_comment_is_kept_under_it(
    client, world, need, neighbour_user, django_capture_on_commit_callbacks
):
    top = services.comment_on_need(need=need, actor=neighbour_user, text="顶一下")
    client.force_login(world.users["resident"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("needs:comment", args=[need.pk]), {"text": "谢谢支持", "parent": top.pk}
        )

    assert response.status_code == 302
    reply = Comment.objects.get(parent=top)
    assert reply.text == "谢谢支持"
    assert Message.objects.filter(recipient=neighbour_user, kind="need.comment_reply")
    page = client.get(reverse("needs:detail", args=[need.pk]))
    assert [c.pk for c in page.context["comments"]] == [top.pk]
    assert [r.pk for r in page.context["comments"][0].replies.all()] == [reply.pk]


def test_a_reply_to_a_reply_is_refused(world, need, neighbour_user):
    top = services.comment_on_need(need=need, actor=neighbour_user, text="顶")
    reply = services.comment_on_need(
        need=need, actor=world.users["resident"], text="谢谢", parent=top
    )

    with pytest.raises(services.NeedError) as refused:
        services.comment_on_need(need=need, actor=neighbour_user, text="不客气", parent=reply)

    assert refused.value.code == "too_deep"
    assert Comment.objects.count() == 2


def test_a_parent_from_another_need_is_404_on_the_page(client, world, need, neighbour_user):
    other = make_need(world.community, author=world.users["resident"])
    foreign = services.comment_on_need(need=other, actor=neighbour_user, text="别处")
    client.force_login(neighbour_user)

    response = client.post(
        reverse("needs:comment", args=[need.pk]), {"text": "回复", "parent": foreign.pk}
    )

    assert response.status_code == 404
    assert Comment.objects.count() == 1


def test_a_held_comment_waits_in_the_moderators_queue(world, need, neighbour_user, screen_holds):
    comment = services.comment_on_need(need=need, actor=neighbour_user, text="加微信领红包")

    assert comment.moderation_status == ModerationStatus.HELD
    assert ModerationCase.objects.filter(object_id=comment.pk).exists()
    assert SearchEntry.objects.get(kind="need_comment", object_id=comment.pk).visible is False


def test_a_held_comment_is_shown_only_to_its_author(
    client, world, need, neighbour_user, screen_holds
):
    services.comment_on_need(need=need, actor=neighbour_user, text="待审评论")

    client.force_login(world.users["resident"])
    assert client.get(reverse("needs:detail", args=[need.pk])).context["comments"] == []
    client.force_login(neighbour_user)
    assert len(client.get(reverse("needs:detail", args=[need.pk])).context["comments"]) == 1


def test_an_empty_comment_is_refused(client, world, need, neighbour_user):
    client.force_login(neighbour_user)

    response = client.post(reverse("needs:comment", args=[need.pk]), {"text": ""})

    assert response.status_code == 302
    assert Comment.objects.count() == 0
