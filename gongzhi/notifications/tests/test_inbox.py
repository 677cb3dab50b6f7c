"""The inbox: messages are written on commit, listed newest first, marked read."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongzhi.notifications.models import Message
from gongzhi.notifications.services import notify


def test_notify_writes_one_message_per_distinct_recipient_on_commit(
    world, django_capture_on_commit_callbacks
):
    worker, resident = world.users["community_worker"], world.users["resident"]
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=[resident, resident, None, worker], kind="test", title="回复", exclude=worker
        )
    assert list(Message.objects.values_list("recipient_id", "title")) == [(resident.pk, "回复")]


def test_nothing_is_written_if_the_transaction_rolls_back(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        notify(recipients=[world.users["resident"]], kind="test", title="x")
    assert not Message.objects.exists()


def test_inbox_lists_own_messages_only_and_marks_read(client, world):
    me, other = world.users["resident"], world.users["community_worker"]
    Message.objects.create(recipient=me, kind="k", title="mine", link="/registry/me/")
    Message.objects.create(recipient=other, kind="k", title="theirs")
    client.force_login(me)
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 200
    assert [m.title for m in response.context["page"].object_list] == ["mine"]
    mine = Message.objects.get(title="mine")
    opened = client.post(reverse("notifications:open", args=[mine.pk]))
    assert opened.status_code == 302 and opened["Location"] == "/registry/me/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    # Someone else's message id does nothing.
    theirs = Message.objects.get(title="theirs")
    client.post(reverse("notifications:open", args=[theirs.pk]))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_open_never_redirects_off_site(client, world):
    me = world.users["resident"]
    message = Message.objects.create(recipient=me, kind="k", title="x", link="//evil.example/")
    client.force_login(me)
    response = client.post(reverse("notifications:open", args=[message.pk]))
    assert response["Location"] == reverse("notifications:inbox")


def test_inbox_api_counts_unread_and_marks_read(client, world):
    me = world.users["resident"]
    for n in range(3):
        Message.objects.create(recipient=me, kind="k", title=f"m{n}")
    client.force_login(me)
    body = client.get("/api/v1/inbox/").json()
    assert body["count"] == 3 and body["unread"] == 3
    assert [m["title"] for m in body["items"]] == ["m2", "m1", "m0"]
    assert client.post("/api/v1/inbox/read", {}, content_type="application/json").json() == {
        "marked": 3
    }
    assert client.get("/api/v1/inbox/").json()["unread"] == 0


def test_inbox_page_query_count_does_not_grow(client, world):
    me = world.users["resident"]
    client.force_login(me)
    url = reverse("notifications:inbox")
    Message.objects.create(recipient=me, kind="k", title="one")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(20):
        Message.objects.create(recipient=me, kind="k", title=f"m{n}")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
