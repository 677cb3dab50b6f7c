"""Send inbox messages. Call notify() inside a service; messages are written on commit."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from .models import Message


def notify(
    *, recipients: Iterable, kind: str, title: str, body: str = "", link: str = "", exclude=None
) -> None:
    """Queue one message to each distinct recipient (users; None and `exclude` are skipped).

    Written when the surrounding transaction commits, so a rolled-back action tells no one.
    Titles and bodies are stored as given: pass text already in the recipient's language,
    or a short neutral text (the inbox shows them as they are).
    """
    user_ids = {getattr(u, "pk", u) for u in recipients if u is not None}
    if exclude is not None:
        user_ids.discard(getattr(exclude, "pk", exclude))
    if not user_ids:
        return

    def write() -> None:
        Message.objects.bulk_create(
            [
                Message(
                    recipient_id=uid,
                    kind=kind,
                    title=str(title)[:200],
                    body=str(body)[:2000],
                    link=link,
                )
                for uid in sorted(user_ids)
            ]
        )

    transaction.on_commit(write)


def mark_read(*, user, message_ids: Iterable[int] | None = None) -> int:
    """Mark the user's messages (all, or the given ones) read; return how many changed."""
    qs = Message.objects.filter(recipient=user, read_at__isnull=True)
    if message_ids is not None:
        qs = qs.filter(pk__in=list(message_ids))
    return qs.update(read_at=timezone.now())
