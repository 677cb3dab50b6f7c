"""Moderation test fixtures: a content model of its own, registered for moderation.

Why not a test app? An app must be in INSTALLED_APPS before django.setup(), which
pytest-django runs before any conftest below the root is read. So SamplePost is an unmanaged
model (tests/content.py) whose table this conftest creates once per test session, right
after the test database is built, on SQLite and PostgreSQL alike.
"""

import pytest
from django.db import connection

from gongzhi.core.testing import factories as f
from gongzhi.moderation import registry
from gongzhi.moderation.models import ModerationStatus

from .content import SamplePost


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Create SamplePost's table, and its content type, in the test database."""
    from django.contrib.contenttypes.models import ContentType

    with django_db_blocker.unblock():
        if SamplePost._meta.db_table not in connection.introspection.table_names():
            with connection.schema_editor() as editor:
                editor.create_model(SamplePost)
        # Committed now: one made inside a test would be rolled back but stay in the cache.
        ContentType.objects.clear_cache()
        ContentType.objects.get_for_model(SamplePost)


@pytest.fixture(autouse=True)
def moderated_posts():
    """Register SamplePost for moderation for the length of a test."""
    entry = registry.register(
        SamplePost, text_fields=("title", "text"), url_for=lambda post: post.get_absolute_url()
    )
    yield entry
    registry.unregister(SamplePost)


@pytest.fixture
def make_post(world):
    """Return a function that writes a post in the world's community."""

    def make(author=None, status=ModerationStatus.PUBLISHED, community=None, **fields):
        fields.setdefault("title", "3号楼电梯又坏了")
        fields.setdefault("text", "楼里老人多，上下楼很不方便，请物业尽快派人来修。")
        return SamplePost.objects.create(
            community=community or world.community,
            author=author if author is not None else world.users["resident"],
            moderation_status=status,
            **fields,
        )

    return make


@pytest.fixture
def reporters(world):
    """Five residents of the world's community, each able to report."""
    from gongzhi.accounts.models import Role

    users = []
    for _ in range(5):
        user = f.UserFactory()
        f.give_role(user, Role.RESIDENT, world.community)
        users.append(user)
    return users
