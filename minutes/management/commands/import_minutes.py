"""manage.py import_minutes PATH... [--dry-run] [--json-out DIR] [--group SLUG]

Reads minutes posts of the Forum's website (files, or folders of them) and creates or updates the
meetings they describe. A post whose records already say what the post says is left alone, so
importing the same files twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction

from minutes import matching
from minutes.archive import Archived, ArchiveError, GroupInfo, OrganizationNames, forms_match, posts_read
from minutes.models import Meeting, Minutes, Organization, WorkingGroup
from minutes.names import fold
from minutes.services import meeting_save_form, meeting_with_records, minutes_to_form, person_resolve

GROUP_TIME_ZONE = "America/New_York"  # the Forum's calls are scheduled in Eastern Time


class _Rollback(Exception):
    pass


@dataclass
class Imported:
    status: str  # created | updated | unchanged
    meeting: Meeting
    archived: Archived

    def stored_form(self) -> dict[str, Any]:
        return minutes_to_form(meeting_with_records().get(pk=self.meeting.pk))


@dataclass
class Summary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    groups_created: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what a post lacked, e.g. an attendee list


def post_files(paths: list[str]) -> list[Path]:
    """The posts named: files as given, and in folders every .md file or file without a suffix."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(p for p in sorted(path.rglob("*")) if p.is_file() and p.suffix in ("", ".md", ".markdown"))
        elif path.is_file():
            files.append(path)
        else:
            raise CommandError(f"{raw}: no such file or folder")
    return files


def group_for(info: GroupInfo, summary: Summary | None = None) -> WorkingGroup:
    """The working group a post names; created (with the Forum's usual settings) when unknown."""
    group = (
        WorkingGroup.objects.filter(slug=info.slug).first()
        or WorkingGroup.objects.filter(name__iexact=info.name).first()
        or WorkingGroup.objects.filter(short_name__iexact=info.short_name).first()
    )
    if group is None:
        group = WorkingGroup.objects.create(
            name=info.name,
            slug=info.slug,
            short_name=info.short_name,
            ballot_prefix=info.ballot_prefix,
            time_zone=GROUP_TIME_ZONE,
            tags=list(info.tags),
        )
        if summary is not None:
            summary.groups_created.append(group.name)
    return group


def _existing_meeting(group: WorkingGroup, day: dt.date, title: str) -> Meeting | None:
    meetings = list(Meeting.objects.on_date(group, day).select_related("minutes"))
    same_title = [m for m in meetings if fold(m.title) == fold(title)]
    if same_title:
        return same_title[0]
    return meetings[0] if len(meetings) == 1 else None


def _posted_at(posted: dt.date | dt.datetime | None, time_zone: str) -> dt.datetime | None:
    if posted is None:
        return None
    if not isinstance(posted, dt.datetime):
        posted = dt.datetime.combine(posted, dt.time(0, 0))
    return posted if posted.tzinfo else posted.replace(tzinfo=zoneinfo.ZoneInfo(time_zone))


def _stored_spelling(directory: matching.Directory):
    def person(name: str) -> str:
        found = person_resolve(name, create=False)
        return found.full_name if found else name

    def organization(name: str) -> str:
        same = directory.organizations.same(name) if directory.organizations is not None else []
        return same[0].name if same else name

    return person, organization


def known_organizations(directory: matching.Directory) -> tuple[str, ...]:
    if directory.organizations is not None:
        return tuple(name for name, _ in directory.organizations.names.values())
    return tuple(Organization.objects.values_list("name", flat=True))


def stored_organization_names() -> OrganizationNames:
    """The stored organizations, to read a batch of posts with (``posts_read``)."""
    rows = list(Organization.objects.values_list("name", "aliases"))
    return OrganizationNames([name for name, _ in rows], [alias for _, aliases in rows for alias in aliases or ()])


# Below this many posts, starting a reader process costs more than it saves.
BACKGROUND_READ_FROM = 20


def read_in_background(count: int) -> bool:
    return count >= BACKGROUND_READ_FROM and (os.cpu_count() or 1) > 1


def post_import(
    *, archived: Archived, directory: matching.Directory, group: WorkingGroup | None = None, summary: Summary | None = None
) -> Imported:
    """Store one read post: create its meeting, update it when the post says something else than the
    records, or leave it alone. Minutes are stored final, with the post's Markdown body and author,
    finalized at the posting date. (A candidate for minutes/services.py: the API's import endpoint
    needs the same flow.)"""
    form = archived.form
    if group is None:
        if archived.group is None:
            raise ArchiveError("the title and tags name no known working group; give --group")
        group = directory.groups.get(archived.group)
        if group is None:
            group = directory.groups[archived.group] = group_for(archived.group, summary)
    if not form["meeting"].get("date"):
        raise ArchiveError("no meeting date in the title, body or front matter")
    day = dt.date.fromisoformat(form["meeting"]["date"])
    meeting = _existing_meeting(group, day, form["meeting"]["title"])
    if meeting is not None:
        minutes = getattr(meeting, "minutes", None)
        person, organization = _stored_spelling(directory)
        stored = minutes_to_form(meeting_with_records().get(pk=meeting.pk))
        if (
            minutes is not None
            and minutes.body == archived.body
            and minutes.author == archived.author
            and minutes.front_matter == archived.front_matter
            and forms_match(form, stored, person=person, organization=organization)
        ):
            return Imported("unchanged", meeting, archived)
    status = "updated" if meeting is not None else "created"
    meeting = meeting_save_form(
        group=group,
        form=form,
        time_zone=group.time_zone,
        minutes_status=Minutes.Status.FINAL,
        body=archived.body,
        author=archived.author,
        front_matter=archived.front_matter,
        meeting=meeting,
        # The posting date is when these minutes were published as final.
        finalized_at=_posted_at(archived.posted, group.time_zone),
    )
    return Imported(status, meeting, archived)


class Command(BaseCommand):
    help = "Import minutes posts of the Forum's website (YAML front matter + Markdown) as meetings and their records."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="post files, or folders of them")
        parser.add_argument("--dry-run", action="store_true", help="read and report, store nothing")
        parser.add_argument("--json-out", metavar="DIR", help="write each post's form (minutes.schema.json) as DIR/<file stem>.json")
        parser.add_argument("--group", metavar="SLUG", help="the working group of every post, instead of reading it from title and tags")

    def handle(self, *args, **options):
        files = post_files(options["paths"])
        override = None
        if options["group"]:
            override = WorkingGroup.objects.filter(slug=options["group"]).first()
            if override is None:
                raise CommandError(f"No working group with slug {options['group']!r}.")
        json_out = Path(options["json_out"]) if options["json_out"] else None
        if json_out is not None:
            json_out.mkdir(parents=True, exist_ok=True)
        summary = Summary()
        with matching.directory_scope() as directory:
            try:
                with transaction.atomic():
                    self._import_all(files, override, json_out, summary, directory, options["verbosity"])
                    if options["dry_run"]:
                        raise _Rollback
            except _Rollback:
                pass
            self._report(summary, directory, dry_run=options["dry_run"])

    def _import_all(self, files, override, json_out, summary, directory, verbosity):
        read = posts_read(files, stored_organization_names(), background=read_in_background(len(files)))
        for path, archived in zip(files, read, strict=True):
            try:
                if isinstance(archived, ArchiveError):
                    raise archived
                with transaction.atomic():
                    result = post_import(archived=archived, directory=directory, group=override, summary=summary)
            except ArchiveError as exc:
                summary.failed.append((str(path), str(exc)))
                continue
            except (DatabaseError, ValueError) as exc:
                # The post's records were rolled back: names indexed meanwhile may not exist.
                directory.people = directory.organizations = None
                directory.groups.clear()
                summary.failed.append((str(path), f"could not be stored: {exc}"))
                continue
            setattr(summary, result.status, getattr(summary, result.status) + 1)
            summary.notes.extend(f"{path.name}: {note}" for note in archived.warnings)
            if verbosity >= 2:
                self.stdout.write(f"{result.status}: {result.meeting.date} {result.meeting.title} ({path.name})")
            if json_out is not None:
                stem = path.name[: -len(path.suffix)] if path.suffix else path.name
                (json_out / f"{stem}.json").write_text(
                    json.dumps(result.stored_form(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
                )

    def _report(self, summary: Summary, directory: matching.Directory, *, dry_run: bool):
        for name, reason in summary.failed:
            self.stderr.write(f"{name}: {reason}")
        for note in summary.notes:
            self.stdout.write(note)
        for item in directory.uncertain:
            self.stdout.write(f"uncertain name: {item}")
        read = summary.created + summary.updated + summary.unchanged
        prefix = "Dry run, nothing stored. " if dry_run else ""
        lines = [
            f"{prefix}Read {read} post(s), {len(summary.failed)} failed.",
            f"Meetings: {summary.created} created, {summary.updated} updated, {summary.unchanged} unchanged.",
            f"People: {directory.people_created} created, {directory.people_updated} updated.",
            f"Organizations: {directory.organizations_created} created.",
            f"Working groups created: {', '.join(summary.groups_created) or 'none'}.",
            f"Warnings: {len(directory.uncertain)} uncertain name match(es), {len(summary.notes)} note(s) on missing parts.",
        ]
        self.stdout.write("\n".join(lines))
