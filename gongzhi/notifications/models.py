"""The in-app inbox: one Message per recipient per event."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_listing(self):
        """Rows for the inbox page, newest first."""
        return self.order_by("-created_at", "-id")


class Message(models.Model):
    """Something a user should know: a status change, a reply, a deadline."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages"
    )
    # What kind of event, e.g. "need.replied", "case.dispatched": for filtering and icons.
    kind = models.CharField(max_length=64)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True, max_length=2000)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="message_inbox")
        ]

    def __str__(self) -> str:
        return self.title
