from django.core.management.base import BaseCommand

from minutes.tasks import minutes_tick


class Command(BaseCommand):
    help = "Run the periodic minutes rules now: three-week auto-final and action-item reminders (Celery beat runs it hourly)."

    def handle(self, *args, **options):
        minutes_tick()
        self.stdout.write("Done.")
