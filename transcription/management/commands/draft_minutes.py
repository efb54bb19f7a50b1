import datetime as dt
import json
import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from minutes.models import Meeting, Person, WorkingGroup
from minutes.post import form_to_post
from transcription.draft import KnownPerson, draft_form
from transcription.transcripts import TRANSCRIPT_SUFFIXES, TranscriptError, Utterance, read_transcript


def known_people(group: WorkingGroup) -> list[KnownPerson]:
    people = Person.objects.filter(roles__group=group).select_related("organization").prefetch_related("roles")
    return [
        KnownPerson(
            name=p.full_name,
            organization=p.organization.name if p.organization else None,
            aliases=tuple(p.aliases or ()),
            chair=any(r.group_id == group.pk and r.kind == "chair" for r in p.roles.all()),
        )
        for p in people
    ]


def _is_transcript(path: Path) -> bool:
    if path.suffix.lower() in TRANSCRIPT_SUFFIXES:
        return True
    head = path.read_bytes()[:4096]
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return head[:4].startswith(b"\xef\xbb\xbf")  # a cut multi-byte character at the end is not binary
    return True


def _audio_utterances(path: Path):
    try:
        from transcription.asr import transcribe_path
    except ImportError as error:
        raise CommandError(f"{path.name} is not a transcript, and speech-to-text is not available here ({error}).") from None
    try:
        segments = transcribe_path(str(path))
    except Exception as error:  # noqa: BLE001 - any decoding failure is the user's file, said plainly
        raise CommandError(f"{path.name}: could not transcribe: {error}") from None
    return [_utterance(segment) for segment in segments]


def _utterance(segment) -> Utterance:
    """Speech-to-text segments (objects or dicts with start, end, text, maybe speaker) as utterances."""

    def field(name, default=None):
        return segment.get(name, default) if isinstance(segment, dict) else getattr(segment, name, default)

    start = float(field("start", 0.0))
    return Utterance(speaker=field("speaker"), start=start, end=float(field("end", start)), text=str(field("text", "")).strip())


class Command(BaseCommand):
    help = "Draft minutes from a meeting transcript (WebVTT, SRT, text) or recording; print JSON (minutes.schema.json) or Markdown."

    def add_arguments(self, parser):
        parser.add_argument("file", help="transcript (.vtt, .srt, .txt) or recording (mp4, m4a, mp3, wav, ogg, webm)")
        parser.add_argument("--meeting", type=int, help="meeting id: its group's people and date guide the draft")
        parser.add_argument("--group", help="working group slug: its people guide the draft")
        parser.add_argument("--date", help="meeting date YYYY-MM-DD; said dates are resolved against it (default: a date in the file name)")
        parser.add_argument("--format", choices=["json", "markdown"], default="json")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        meeting, group = self._meeting_and_group(options)
        date = self._date(options, meeting, path)
        if _is_transcript(path):
            try:
                utterances = read_transcript(path)
            except TranscriptError as error:
                raise CommandError(str(error)) from None
        else:
            utterances = _audio_utterances(path)
        form = draft_form(
            utterances,
            meeting_date=date,
            people=known_people(group) if group else (),
            working_group=group.name if group else None,
            title=meeting.title if meeting else None,
            kind=meeting.kind if meeting else None,
        )
        if options["format"] == "json":
            self.stdout.write(json.dumps(form, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(form_to_post(form, date=date or dt.date.today(), tags=group.tags if group else []), ending="")

    def _meeting_and_group(self, options):
        meeting = group = None
        if options["meeting"] is not None:
            try:
                meeting = Meeting.objects.select_related("group").get(pk=options["meeting"])
            except Meeting.DoesNotExist:
                raise CommandError(f"No meeting with id {options['meeting']}.") from None
            group = meeting.group
        if options["group"]:
            try:
                group = WorkingGroup.objects.get(slug=options["group"])
            except WorkingGroup.DoesNotExist:
                raise CommandError(f"No working group with slug {options['group']!r}.") from None
        return meeting, group

    def _date(self, options, meeting, path: Path) -> dt.date | None:
        if options["date"]:
            try:
                return dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"--date must be YYYY-MM-DD, not {options['date']!r}.") from None
        if meeting is not None:
            return meeting.local_start.date()
        # Recordings and transcripts are often named by date ("2025-01-09-minutes-cscwg.vtt"); when a
        # name carries a posting date and the meeting date, the meeting's comes last.
        found = re.findall(r"(\d{4}-\d{2}-\d{2})", path.stem)
        for value in reversed(found):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                continue
        return None
