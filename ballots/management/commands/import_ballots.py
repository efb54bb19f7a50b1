from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ballots.post import parse_post
from ballots.services import BallotError, ballot_group_for, ballot_save_form
from minutes.models import Organization, WorkingGroup


class Command(BaseCommand):
    help = (
        "Import the Forum's ballot posts (Markdown with front matter): store each ballot with its votes, compute the "
        "outcome, keep the published result beside it, and report where they disagree."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Post files or folders of posts (*.md).")

    def handle(self, *args, paths, **options):
        files = []
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                files += sorted(p for p in path.rglob("*.md") if p.is_file())
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"{raw}: no such file or folder")
        texts = {path: path.read_text(encoding="utf-8") for path in files}

        # First pass: names from cleanly labelled lists, to split names that ran together elsewhere.
        prefixes = [p for p in WorkingGroup.objects.values_list("ballot_prefix", flat=True) if p]
        known = [name for org in Organization.objects.all() for name in [org.name, *org.aliases]]
        for path, text in texts.items():
            known += parse_post(text, filename=path.name, prefixes=prefixes).listed_names

        stored = disagreements = failures = 0
        for path, text in texts.items():
            parsed = parse_post(text, filename=path.name, known_names=known, prefixes=prefixes)
            if not parsed.form["id"]:
                failures += 1
                self.stdout.write(f"{path.name}: no ballot identifier found, skipped")
                continue
            try:
                ballot = ballot_save_form(
                    form=parsed.form,
                    group=ballot_group_for(prefix=parsed.prefix, tags=parsed.tags),
                    counts=parsed.counts if parsed.has_votes else None,
                    quorum_required=parsed.quorum_required,
                    source=path.name,
                    text=parsed.body,
                    posted_at=parsed.post_date,
                )
            except BallotError as error:
                failures += 1
                self.stdout.write(f"{path.name}: {error.message}")
                continue
            stored += 1
            computed = ballot.result["outcome"] if ballot.result else "not_applicable"
            published = ballot.published_result or "none"
            line = f"{ballot.identifier}: computed {computed}, published {published}"
            if computed in ("passed", "failed") and published in ("passed", "failed") and computed != published:
                disagreements += 1
                line = f"DISAGREES {line}: " + "; ".join(ballot.result["reasons"])
            self.stdout.write(line)
            for problem in parsed.problems:
                self.stdout.write(f"  note: {problem}")
        summary = f"{len(files)} posts, {stored} ballots stored, {disagreements} disagreements, {failures} not stored"
        self.stdout.write(self.style.SUCCESS(summary) if not (disagreements or failures) else self.style.WARNING(summary))
