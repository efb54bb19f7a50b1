import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from minutes.models import Meeting, WorkingGroup
from minutes.publish import meeting_post
from minutes.services import meeting_with_records, minutes_to_form


class Command(BaseCommand):
    help = "Print one meeting's minutes as structured JSON (minutes.schema.json) or as a Forum website post."

    def add_arguments(self, parser):
        parser.add_argument("--meeting", type=int, help="meeting id")
        parser.add_argument("--group", help="working group slug, with --date")
        parser.add_argument("--date", help="meeting date YYYY-MM-DD, with --group")
        parser.add_argument("--format", choices=["json", "markdown"], default="json")
        parser.add_argument(
            "--include-private", action="store_true", help="include passages marked private (left out of the public copy by default)"
        )

    def handle(self, *args, **options):
        meeting = self._meeting(options)
        private = options["include_private"]
        if options["format"] == "json":
            form = minutes_to_form(meeting, include_private=private)
            self.stdout.write(json.dumps(form, indent=2, ensure_ascii=False))
            return
        self.stdout.write(meeting_post(meeting, include_private=private), ending="")

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
