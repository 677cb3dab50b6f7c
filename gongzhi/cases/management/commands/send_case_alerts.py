"""Send the deadline alerts of cases awaiting a reply (nearly due, overdue, escalated).

    .venv/bin/python manage.py send_case_alerts

Run it from cron every 10-15 minutes; each alert goes out once, however often it runs.
"""

from django.core.management.base import BaseCommand

from gongzhi.cases.escalation import send_deadline_alerts


class Command(BaseCommand):
    help = "Tell the inboxes about nearly-due, overdue and escalated cases (each alert once)."

    def handle(self, *args, **options):
        counts = send_deadline_alerts()
        self.stdout.write(
            f"Nearly due: {counts['nearly_due']}, overdue: {counts['overdue']}, "
            f"escalated: {counts['escalated']}."
        )
