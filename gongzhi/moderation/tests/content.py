"""A tiny moderatable model for moderation's own tests: tests must not need the needs app.

It is unmanaged, so no migration ever creates it; conftest.py creates its table in the test
database once per session. It carries the three fields every moderated model has. Its
foreign keys have no database constraint: transactional tests of every app end with a
TRUNCATE of all managed tables, which PostgreSQL refuses while this table points at them.
"""

from django.conf import settings
from django.db import models

from gongzhi.moderation.models import ModerationStatus


class SamplePost(models.Model):
    """A post in a community, as the needs app has them."""

    community = models.ForeignKey(
        "registry.Community", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    title = models.CharField(max_length=200)
    text = models.TextField(blank=True)
    moderation_status = models.CharField(
        max_length=10, choices=ModerationStatus.choices, default=ModerationStatus.PUBLISHED
    )

    class Meta:
        app_label = "moderation"
        db_table = "moderation_test_post"
        managed = False

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/test-posts/{self.pk}/"
