"""Delete screening fingerprints older than any duplicate or flood check looks back.

    .venv/bin/python manage.py prune_fingerprints            # older than 91 days
    .venv/bin/python manage.py prune_fingerprints --days 30

Run it daily (cron): the table otherwise grows by one row per submission.
"""

from django.core.management.base import BaseCommand

from gongzhi.moderation.services import FINGERPRINT_DAYS, prune_fingerprints


class Command(BaseCommand):
    help = "Delete screening fingerprints that no check looks at any more."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=FINGERPRINT_DAYS)

    def handle(self, *args, days: int, **options):
        deleted = prune_fingerprints(older_than_days=max(days, 1))
        self.stdout.write(f"Deleted {deleted} fingerprints older than {days} days.")
