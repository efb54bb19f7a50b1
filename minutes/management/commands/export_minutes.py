import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minutes import matching
from minutes.archive import body_parse, body_style, forms_match
from minutes.models import Meeting, Minutes, Organization, WorkingGroup
from minutes.post import HOUSE_STYLE, BodyStyle, form_to_post
from minutes.services import meeting_with_records, minutes_to_form, organization_resolve, person_resolve


def _stored_name(name: str) -> str:
    person = person_resolve(name, create=False)
    return person.full_name if person else name


def _stored_org(name: str) -> str:
    org = organization_resolve(name, create=False)
    return org.name if org else name


def _post_tags(meeting: Meeting) -> list[str]:
    tags = ["Minutes", *[t for t in meeting.group.tags if t != "Minutes"]]
    if meeting.kind == Meeting.Kind.FACE_TO_FACE:
        tags.append("Face-to-Face")
    return tags


def body_is_faithful(meeting: Meeting, form: dict[str, Any]) -> bool:
    """Whether the meeting's Markdown body (kept from an imported post) still says what its records say,
    so that publishing it again can reuse the original text."""
    minutes = getattr(meeting, "minutes", None)
    if minutes is None or not minutes.body.strip():
        return False
    posted = minutes.finalized_at.astimezone(meeting.tz).date() if minutes.finalized_at else meeting.date
    known = tuple(Organization.objects.values_list("name", flat=True))
    parsed, _ = body_parse(minutes.body, title=meeting.title, tags=_post_tags(meeting), posted=posted, known_organizations=known)
    return forms_match(parsed, form, person=_stored_name, organization=_stored_org)


def house_style(group: WorkingGroup, *, exclude: int | None = None) -> BodyStyle:
    """The group's house style: the habits of its latest post imported unchanged, else the default."""
    recent = meeting_with_records(
        Meeting.objects.filter(group=group, minutes__status=Minutes.Status.FINAL).exclude(minutes__body="").exclude(pk=exclude)
    ).order_by("-starts_at")[:10]
    for meeting in recent:
        if body_is_faithful(meeting, minutes_to_form(meeting)):
            return body_style(meeting.minutes.body)
    return HOUSE_STYLE


def meeting_post(meeting: Meeting) -> str:
    """The meeting as a post for the Forum's website. An imported post whose records are unchanged is
    published with its own text; other minutes are written in the group's house style."""
    with matching.directory_in_use():
        return _meeting_post(meeting)


def _meeting_post(meeting: Meeting) -> str:
    form = minutes_to_form(meeting)
    minutes = getattr(meeting, "minutes", None)
    author = (minutes.author if minutes else "") or (meeting.minute_taker.full_name if meeting.minute_taker else "")
    if body_is_faithful(meeting, form):
        posted = minutes.finalized_at.astimezone(meeting.tz).replace(tzinfo=None, microsecond=0) if minutes.finalized_at else meeting.date
        return form_to_post(form, date=posted, author=author, tags=_post_tags(meeting), body=minutes.body, extra={"type": "post"})
    local = meeting.local_start
    # Naive values make YAML write the unquoted timestamps the website's posts use.
    date = local.replace(tzinfo=None, microsecond=0) if meeting.start_time_known else local.date()
    # An imported post edited since keeps the look of its own text; other minutes take the group's.
    own = minutes.body if minutes is not None else ""
    style = body_style(own) if own.strip() and minutes.author else house_style(meeting.group, exclude=meeting.pk)
    return form_to_post(form, date=date, author=author, tags=meeting.group.tags, style=style)


class Command(BaseCommand):
    help = "Print one meeting's minutes as structured JSON (minutes.schema.json) or as a Forum website post."

    def add_arguments(self, parser):
        parser.add_argument("--meeting", type=int, help="meeting id")
        parser.add_argument("--group", help="working group slug, with --date")
        parser.add_argument("--date", help="meeting date YYYY-MM-DD, with --group")
        parser.add_argument("--format", choices=["json", "markdown"], default="json")

    def handle(self, *args, **options):
        meeting = self._meeting(options)
        form = minutes_to_form(meeting)
        if options["format"] == "json":
            self.stdout.write(json.dumps(form, indent=2, ensure_ascii=False))
            return
        self.stdout.write(meeting_post(meeting), ending="")

    def _meeting(self, options) -> Meeting:
        queryset = meeting_with_records()
        if options["meeting"] is not None:
            try:
                return queryset.get(pk=options["meeting"])
            except Meeting.DoesNotExist:
                raise CommandError(f"No meeting with id {options['meeting']}.") from None
        if not (options["group"] and options["date"]):
            raise CommandError("Give --meeting ID, or --group SLUG with --date YYYY-MM-DD.")
        try:
            group = WorkingGroup.objects.get(slug=options["group"])
        except WorkingGroup.DoesNotExist:
            raise CommandError(f"No working group with slug {options['group']!r}.") from None
        try:
            day = dt.date.fromisoformat(options["date"])
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, not {options['date']!r}.") from None
        meetings = list(queryset.on_date(group, day))
        if not meetings:
            raise CommandError(f"{group.short_name or group.name} held no meeting on {day}.")
        if len(meetings) > 1:
            ids = ", ".join(str(m.pk) for m in meetings)
            raise CommandError(f"Several meetings on {day} (ids {ids}); pick one with --meeting.")
        return meetings[0]
