"""The chairs' dashboard of a group: minutes waiting on someone, overdue action items, attendance, next meetings.

Its query count is fixed: each panel is one query whatever the number of meetings or items, and the
grouping and chart geometry are done in Python.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import access
from .models import ActionItem, Attendance, Meeting, Minutes, Person, WorkingGroup

ATTENDANCE_MEETINGS = 12
NEXT_MEETINGS = 5


# Selectors


@dataclass(frozen=True)
class Waiting:
    minutes: Minutes
    since: dt.datetime
    days: int

    @property
    def meeting(self) -> Meeting:
        return self.minutes.meeting


def minutes_waiting(group: WorkingGroup, *, now: dt.datetime) -> tuple[list[Waiting], list[Waiting]]:
    """(drafts of past meetings not yet circulated, circulated minutes not yet approved), longest waiting first.

    A draft waits from its meeting's start; circulated minutes from their circulation.
    """
    rows = (
        Minutes.objects.filter(meeting__group=group, meeting__starts_at__lt=now)
        .filter(status__in=[Minutes.Status.DRAFT, Minutes.Status.CIRCULATED])
        .select_related("meeting")
        .order_by("meeting__starts_at")
    )
    drafts, circulated = [], []
    for minutes in rows:
        if minutes.status == Minutes.Status.DRAFT:
            since = minutes.meeting.starts_at
            drafts.append(Waiting(minutes, since, (now - since).days))
        else:
            since = minutes.circulated_at or minutes.meeting.starts_at
            circulated.append(Waiting(minutes, since, (now - since).days))
    circulated.sort(key=lambda w: w.since)
    return drafts, circulated


@dataclass(frozen=True)
class OverdueItem:
    item: ActionItem
    days_overdue: int


def overdue_by_owner(group: WorkingGroup, *, today: dt.date) -> list[tuple[Person | None, list[OverdueItem]]]:
    """Open action items of the group past their due date, grouped by owner (unassigned last)."""
    items = (
        ActionItem.objects.overdue(today)
        .filter(meeting__group=group)
        .select_related("owner__organization", "meeting")
        .order_by(F("owner__full_name").asc(nulls_last=True), "owner_id", "due", "pk")
    )
    return [
        (owner, [OverdueItem(item, (today - item.due).days) for item in rows])
        for owner, rows in groupby(items, key=lambda item: item.owner)
    ]


@dataclass(frozen=True)
class OrganizationAttendance:
    name: str
    meetings: int  # of the meetings counted, how many the organization had someone present at
    people: int  # person-attendances over those meetings


def attendance_by_organization(group: WorkingGroup, *, now: dt.datetime) -> tuple[list[Meeting], list[OrganizationAttendance]]:
    """The group's last meetings (up to 12, oldest first) and each organization's presence at them."""
    meetings = list(group.meetings.filter(starts_at__lt=now).order_by("-starts_at")[:ATTENDANCE_MEETINGS])[::-1]
    rows = (
        Attendance.objects.filter(meeting__in=[m.pk for m in meetings], status=Attendance.Status.PRESENT)
        .values("organization_id", "organization__name")
        .annotate(meetings=Count("meeting", distinct=True), people=Count("pk"))
        .order_by()
    )
    counts = [OrganizationAttendance(row["organization__name"] or "(no organization)", row["meetings"], row["people"]) for row in rows]
    counts.sort(key=lambda row: (-row.meetings, -row.people, row.name.lower()))
    return meetings, counts


# Pure rules


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    people: int
    y: float
    width: float
    text_y: float
    value_x: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: list[Bar]
    axis_max: int
    ticks: list[tuple[int, float]]


def bar_chart(rows: list[OrganizationAttendance], meeting_count: int, *, width: int = 640, label_width: int = 220,
              bar_height: int = 18, gap: int = 8) -> BarChart:
    """Geometry of a horizontal bar chart: one bar per organization, its length the meetings attended."""
    axis_max = max(meeting_count, 1)
    plot_width = width - label_width - 40  # room for the value after the longest bar
    top = 24  # room for the tick labels
    bars = []
    for index, row in enumerate(rows):
        y = top + index * (bar_height + gap)
        label = row.name if len(row.name) <= 32 else row.name[:31] + "…"
        bar_width = round(plot_width * row.meetings / axis_max, 1)
        bars.append(Bar(label, row.meetings, row.people, y, bar_width, y + bar_height * 0.75, label_width + bar_width + 4))
    step = max(1, -(-axis_max // 4))
    ticks = [(value, label_width + round(plot_width * value / axis_max, 1)) for value in range(0, axis_max + 1, step)]
    height = top + len(rows) * (bar_height + gap) + 4
    return BarChart(width, height, label_width, bar_height, bars, axis_max, ticks)


# Views


@login_required
@require_GET
def group_dashboard(request, slug):
    group = get_object_or_404(WorkingGroup, slug=slug)
    if not access.can_manage_group(request.user, group):
        raise PermissionDenied("The dashboard is for the group's chairs and staff.")
    now = timezone.now()
    today = timezone.localdate(now, zoneinfo.ZoneInfo(group.time_zone))
    drafts, circulated = minutes_waiting(group, now=now)
    meetings, attendance = attendance_by_organization(group, now=now)
    context = {
        "group": group,
        "drafts": drafts,
        "circulated": circulated,
        "overdue": overdue_by_owner(group, today=today),
        "attendance_meetings": meetings,
        "attendance_span": (meetings[0].date, meetings[-1].date) if meetings else None,
        "attendance": attendance,
        "chart": bar_chart(attendance, len(meetings)),
        "upcoming": list(group.meetings.upcoming()[:NEXT_MEETINGS]),
        "today": today,
    }
    return render(request, "minutes/dashboard.html", context)
