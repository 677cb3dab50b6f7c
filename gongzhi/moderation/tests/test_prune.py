"""prune_fingerprints: old screening fingerprints go, recent ones stay."""

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from gongzhi.moderation.models import ScreenedText


def test_old_fingerprints_are_deleted_and_recent_ones_kept(world):
    now = timezone.now()
    old = ScreenedText.objects.create(
        community=world.community, kind="need", created_at=now - timedelta(days=100)
    )
    recent = ScreenedText.objects.create(
        community=world.community, kind="need", created_at=now - timedelta(days=10)
    )
    out = StringIO()
    call_command("prune_fingerprints", stdout=out)
    assert "Deleted 1" in out.getvalue()
    assert not ScreenedText.objects.filter(pk=old.pk).exists()
    assert ScreenedText.objects.filter(pk=recent.pk).exists()
