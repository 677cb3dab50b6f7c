from django.core.management.base import BaseCommand

from gongzhi.core.db import analyze


class Command(BaseCommand):
    help = "Refresh the database's query-planner statistics (run daily, and after big imports)."

    def handle(self, *args, **options):
        analyze()
        self.stdout.write("Statistics refreshed.")
