import json

from django.core.management.base import BaseCommand, CommandError

from ballots.models import Ballot, normalize_ballot_identifier
from ballots.services import BallotError, ballot_to_form


class Command(BaseCommand):
    help = "Print a ballot as the structured form of shared/schemas/ballot.schema.json."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # --version names the ballot's version here, in place of Django's own --version.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("identifier", help="e.g. CSC-6")
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument("--version", dest="ballot_version", help="A version label such as v2 (default: the latest).")

    def handle(self, *args, identifier, ballot_version=None, **options):
        ballot = Ballot.objects.select_related("group", "proposer__organization").filter(
            identifier=normalize_ballot_identifier(identifier)
        ).first()
        if ballot is None:
            raise CommandError(f"No ballot {identifier}.")
        try:
            form = ballot_to_form(ballot, version=ballot_version)
        except BallotError as error:
            raise CommandError(error.message) from error
        self.stdout.write(json.dumps(form, indent=2, ensure_ascii=False))
