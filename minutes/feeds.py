"""iCalendar feeds: a public one per group (its meetings) and a private one per person behind a secret token.

The person's feed holds the meetings of every group they have a role in and the due dates of their own
open action items as all-day events. Its address is the only secret, so regenerating the token is how a
leaked address is revoked.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable

import icalendar
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from . import access
from .models import ActionItem, Meeting, Person, Role, WorkingGroup

# Meetings store a start but no end; an hour is what the groups' calls take and keeps the event visible in
# calendar apps, which show a zero-length event as a sliver or not at all.
MEETING_DURATION = dt.timedelta(hours=1)
PRODID = "-//Working-group minutes desk//Calendar feed//EN"
TOKEN_BYTES = 32  # token_urlsafe(32) is 43 characters, within Person.calendar_token's 64.


# Selectors


def group_feed_meetings(group: WorkingGroup) -> QuerySet[Meeting]:
    return group.meetings.select_related("group").order_by("starts_at")


def person_feed_meetings(person: Person) -> QuerySet[Meeting]:
    """Meetings of the groups the person has a role in: the meeting calendar is public, so every role counts."""
    groups = Role.objects.filter(person=person).values("group_id")
    return Meeting.objects.filter(group_id__in=groups).select_related("group").order_by("starts_at")


def person_feed_action_items(person: Person) -> QuerySet[ActionItem]:
    items = ActionItem.objects.open_for(person).filter(due__isnull=False).select_related("meeting__group")
    # The token stands in for the person's login: show no more than they would see logged in.
    if person.user is not None:
        items = access.action_items_visible_to(person.user, items)
    return items.order_by("due", "pk")


# Builders


def _uid(kind: str, pk: int, host: str) -> str:
    """Stable across fetches so that calendar apps update an event instead of duplicating it."""
    return f"{kind}-{pk}@{host}"


def _summary(meeting: Meeting, *, with_group: bool) -> str:
    group = meeting.group
    label = group.short_name or group.name
    if with_group and label.lower() not in meeting.title.lower():
        return f"{label}: {meeting.title}"
    return meeting.title


def meeting_event(meeting: Meeting, *, host: str, url: str, stamp: dt.datetime, with_group: bool = False) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", _uid("meeting", meeting.pk, host))
    event.add("dtstamp", stamp)
    if meeting.start_time_known:
        start = meeting.starts_at.astimezone(dt.UTC)
        event.add("dtstart", start)
        event.add("dtend", start + MEETING_DURATION)
    else:
        # Only the date is known (imports): an all-day event on the meeting's own date.
        event.add("dtstart", meeting.date)
        event.add("dtend", meeting.date + dt.timedelta(days=1))
    event.add("summary", _summary(meeting, with_group=with_group))
    if meeting.location:
        event.add("location", meeting.location)
    event.add("url", url)
    event.add("description", f"{meeting.get_kind_display()} of the {meeting.group.name}\n{url}")
    event.add("categories", [meeting.group.short_name or meeting.group.name])
    return event


def action_item_event(item: ActionItem, *, host: str, url: str, stamp: dt.datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", _uid("action-item", item.pk, host))
    event.add("dtstamp", stamp)
    event.add("dtstart", item.due)
    event.add("dtend", item.due + dt.timedelta(days=1))
    first_line = item.text.strip().splitlines()[0] if item.text.strip() else item.text
    event.add("summary", f"Action item due: {first_line[:120]}")
    event.add("description", f"{item.text}\n\nRaised at {item.meeting.title} ({item.meeting.group.name}).\n{url}")
    event.add("url", url)
    event.add("transp", "TRANSPARENT")  # a due date does not make the person busy
    return event


def calendar_build(*, name: str, meetings: Iterable[Meeting], action_items: Iterable[ActionItem] = (), request,
                   with_group: bool = False) -> bytes:
    host = request.get_host().split(":")[0]
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for meeting in meetings:
        url = request.build_absolute_uri(meeting.get_absolute_url())
        calendar.add_component(meeting_event(meeting, host=host, url=url, stamp=stamp, with_group=with_group))
    for item in action_items:
        url = request.build_absolute_uri(reverse("minutes:person_action_items", args=[item.owner_id]))
        calendar.add_component(action_item_event(item, host=host, url=url, stamp=stamp))
    return calendar.to_ical()


def calendar_token_regenerate(*, person: Person) -> str:
    """Give the person a new feed token; the old address stops working at once."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    Person.objects.filter(pk=person.pk).update(calendar_token=token)
    person.calendar_token = token
    return token


def _ics_response(content: bytes, filename: str, *, private: bool) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    if private:
        # The address is a secret: keep it out of shared caches, search engines and Referer headers.
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
    return response


# Views


@require_GET
def group_calendar(request, slug):
    group = get_object_or_404(WorkingGroup, slug=slug)
    content = calendar_build(name=group.short_name or group.name, meetings=group_feed_meetings(group), request=request)
    return _ics_response(content, f"{group.slug}.ics", private=False)


@require_GET
def person_calendar(request, token):
    if not token:
        raise Http404
    person = Person.objects.select_related("user").filter(calendar_token=token).first()
    if person is None:
        raise Http404("No calendar at this address.")
    content = calendar_build(
        name=f"Working groups: {person.full_name}",
        meetings=person_feed_meetings(person),
        action_items=person_feed_action_items(person),
        request=request,
        with_group=True,
    )
    return _ics_response(content, "calendar.ics", private=True)


@login_required
@require_http_methods(["GET", "POST"])
def my_calendar(request):
    person = access.person_of(request.user)
    if request.method == "POST":
        if person is None:
            messages.error(request, "Your account is not linked to a person in the group's records, so it has no calendar feed.")
            return redirect("minutes:my_calendar")
        had_token = bool(person.calendar_token)
        calendar_token_regenerate(person=person)
        if had_token:
            messages.success(request, "New calendar address created. The old address no longer works: update your calendar app.")
        else:
            messages.success(request, "Your calendar address is ready.")
        return redirect("minutes:my_calendar")
    feed_url = None
    if person is not None and person.calendar_token:
        feed_url = request.build_absolute_uri(reverse("minutes:person_calendar", args=[person.calendar_token]))
    group_feeds = []
    if person is not None:
        groups = WorkingGroup.objects.filter(roles__person=person).order_by("name")
        group_feeds = [(g, request.build_absolute_uri(reverse("minutes:group_calendar", args=[g.slug]))) for g in groups]
    return render(request, "minutes/calendar_me.html", {"person": person, "feed_url": feed_url, "group_feeds": group_feeds})
