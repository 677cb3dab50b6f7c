"""The audit viewer's page: what each row shows, the filter form and pagination."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongzhi.core.audit import record


def audit_url(world):
    return reverse("core:audit-log", args=[world.community.pk])


def test_rows_show_time_actor_action_target_and_data(client, world):
    worker = world.users["community_worker"]
    record(actor=worker, action="resident.unmask", target=world.resident, data={"field": "phone"})
    client.force_login(world.users["community_admin"])

    response = client.get(audit_url(world))

    assert response.status_code == 200
    content = response.content.decode()
    assert worker.name in content
    assert "<code>resident.unmask</code>" in content
    # The target is named masked: the log is read by more eyes than the record.
    assert "张*" in content and "张三" not in content
    assert "<dt>field</dt><dd>phone</dd>" in content
    assert '<time datetime="' in content


def test_filter_form_keeps_the_action(client, world):
    client.force_login(world.users["community_admin"])

    response = client.get(audit_url(world), {"action": "resident.update"})

    assert response.status_code == 200
    assert 'name="action" type="text" value="resident.update"' in response.content.decode()


def test_pagination_links_keep_the_filter(client, world):
    for _ in range(51):
        record(actor=None, action="resident.update", target=world.resident)
    client.force_login(world.users["community_admin"])

    response = client.get(audit_url(world), {"action": "resident.update"})

    assert response.status_code == 200
    assert 'href="?action=resident.update&amp;page=2"' in response.content.decode()


def test_page_query_count_does_not_grow_with_entries(client, world, django_assert_num_queries):
    client.force_login(world.users["community_admin"])
    record(actor=world.users["community_admin"], action="resident.update", target=world.resident)
    with CaptureQueriesContext(connection) as few:
        client.get(audit_url(world))
    for user in world.users.values():
        record(actor=user, action="resident.update", target=world.resident)

    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(audit_url(world))

    assert len(response.context["page"].object_list) == 1 + len(world.users)
