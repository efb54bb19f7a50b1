from django.core.management.base import BaseCommand

from ballots.services import ballots_tick


class Command(BaseCommand):
    help = "Run the ballot clock once: close votes, end IPR reviews, fail ballots 90 days after their last version."

    def handle(self, *args, **options):
        done = ballots_tick()
        self.stdout.write(", ".join(f"{key.replace('_', ' ')}: {count}" for key, count in done.items()))
