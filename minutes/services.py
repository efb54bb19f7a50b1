"""Flows over several models. The structured minutes form (shared/schemas/minutes.schema.json) enters
the records through ``meeting_save_form`` and leaves them through ``minutes_to_form``: import, AI
drafts, demo data and export all use these two."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.db import transaction
from django.db.models import Prefetch

from .models import (
    ActionItem,
    AntitrustReading,
    Attendance,
    Decision,
    Meeting,
    Minutes,
    MinutesApproval,
    Organization,
    Person,
    Topic,
    TopicPoint,
    WorkingGroup,
)
from .names import fold, name_matches, org_key

SCHEMA_VERSION = 1


# -- names -> records -------------------------------------------------------------------------


def organization_resolve(name: str | None, *, create: bool = True) -> Organization | None:
    """The organization called ``name`` or known by it as an alias; created when unknown."""
    if not name or not name.strip():
        return None
    key = org_key(name)
    for org in Organization.objects.all():
        if org_key(org.name) == key or any(org_key(alias) == key for alias in org.aliases):
            return org
    if not create:
        return None
    return Organization.objects.create(name=name.strip())


def person_resolve(
    name: str | None,
    *,
    organization: Organization | None = None,
    candidates: list[Person] | None = None,
    create: bool = True,
) -> Person | None:
    """The person called ``name``. A short form ('Corey', 'Tim H') is resolved among ``candidates``
    (e.g. the meeting's attendees) when exactly one fits; a full name is looked up everywhere and
    created when unknown."""
    if not name or not name.strip():
        return None
    name = name.strip()
    key = fold(name)
    people = list(Person.objects.select_related("organization"))
    exact = [p for p in people if fold(p.full_name) == key or any(fold(a) == key for a in p.aliases)]
    if organization is not None and len(exact) > 1:
        exact = [p for p in exact if p.organization_id == organization.pk] or exact
    if exact:
        person = exact[0]
        if organization is not None and person.organization_id is None:
            person.organization = organization
            person.save(update_fields=["organization"])
        return person
    pool = candidates if candidates is not None else people
    fits = [p for p in pool if name_matches(name, p.full_name)]
    if len(fits) == 1:
        return fits[0]
    if not create:
        return None
    return Person.objects.create(full_name=name, organization=organization)


# -- form -> records ---------------------------------------------------------------------------


def _parse_date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@transaction.atomic
def meeting_save_form(
    *,
    group: WorkingGroup,
    form: dict[str, Any],
    starts_at: dt.datetime | None = None,
    time_zone: str | None = None,
    minutes_status: str = Minutes.Status.DRAFT,
    body: str = "",
    author: str = "",
    meeting: Meeting | None = None,
) -> Meeting:
    """Create (or replace the records of) a meeting from the structured minutes form."""
    from ballots.services import ballot_mention_save

    info = form["meeting"]
    time_zone = time_zone or group.time_zone
    day = _parse_date(info.get("date"))
    if starts_at is None:
        if day is None:
            raise ValueError("A meeting needs a date or a start time.")
        starts_at = dt.datetime.combine(day, dt.time(0, 0), tzinfo=zoneinfo.ZoneInfo(time_zone))
        time_known = False
    else:
        time_known = True

    fields = {
        "group": group,
        "title": info.get("title") or f"Meeting of {group.name}",
        "kind": info.get("kind") or Meeting.Kind.TELECONFERENCE,
        "f2f_number": info.get("f2f_number") if info.get("kind") == Meeting.Kind.FACE_TO_FACE else None,
        "location": info.get("location") or "",
        "starts_at": starts_at,
        "time_zone": time_zone,
        "start_time_known": time_known,
        "next_meeting_date": _parse_date(form.get("next_meeting")),
        "adjourned": bool(form.get("adjourned")),
    }
    if meeting is None:
        meeting = Meeting.objects.create(**fields)
    else:
        for key, value in fields.items():
            setattr(meeting, key, value)
        meeting.save()
        for related in (meeting.attendances, meeting.topics, meeting.decisions, meeting.action_items, meeting.approvals_made):
            related.all().delete()
        AntitrustReading.objects.filter(meeting=meeting).delete()
        meeting.ballot_mentions.all().delete()

    attendees: list[Person] = []
    for order, row in enumerate(form.get("attendees") or []):
        org = organization_resolve(row.get("organization"))
        person = person_resolve(row["name"], organization=org)
        if any(p.pk == person.pk for p in attendees):
            continue
        attendees.append(person)
        Attendance.objects.create(meeting=meeting, person=person, organization=org or person.organization, order=order)

    def who(name: str | None) -> Person | None:
        return person_resolve(name, candidates=attendees)

    meeting.chair = who(form.get("chair"))
    meeting.minute_taker = who(form.get("minute_taker"))
    meeting.save(update_fields=["chair", "minute_taker"])

    antitrust = form.get("antitrust_statement") or {}
    if antitrust.get("read"):
        AntitrustReading.objects.create(
            meeting=meeting, read_by=who(antitrust.get("read_by")), kind=antitrust.get("kind") or AntitrustReading.Kind.ANTITRUST
        )

    for order, row in enumerate(form.get("minutes_approvals") or []):
        of_date = _parse_date(row.get("meeting_date"))
        of_meeting = Meeting.objects.on_date(group, of_date).exclude(pk=meeting.pk).first() if of_date else None
        MinutesApproval.objects.create(
            acted_at=meeting, of_meeting=of_meeting, of_date=of_date, outcome=row["outcome"], note=row.get("note") or "", order=order
        )

    topics: dict[str, Topic] = {}
    for order, row in enumerate(form.get("topics") or []):
        topic = Topic.objects.create(meeting=meeting, order=order, title=row["title"], start_seconds=row.get("start_seconds"))
        topics[fold(topic.title)] = topic
        TopicPoint.objects.bulk_create(
            TopicPoint(topic=topic, order=i, text=text) for i, text in enumerate(row.get("summary") or []) if text.strip()
        )

    def topic_of(title: str | None) -> Topic | None:
        return topics.get(fold(title)) if title else None

    for order, row in enumerate(form.get("decisions") or []):
        Decision.objects.create(
            meeting=meeting, topic=topic_of(row.get("topic")), order=order, text=row["text"], start_seconds=row.get("start_seconds")
        )
    for order, row in enumerate(form.get("action_items") or []):
        ActionItem.objects.create(
            meeting=meeting,
            topic=topic_of(row.get("topic")),
            owner=who(row.get("owner")),
            text=row["text"],
            due=_parse_date(row.get("due")),
            order=order,
            start_seconds=row.get("start_seconds"),
        )
    for order, row in enumerate(form.get("ballots") or []):
        ballot_mention_save(meeting=meeting, identifier=row["id"], note=row.get("note") or "", order=order)

    Minutes.objects.update_or_create(
        meeting=meeting,
        defaults={
            "body": body,
            "status": minutes_status,
            "author": author,
            "circulated_at": None if minutes_status == Minutes.Status.DRAFT else starts_at,
            "finalized_at": starts_at if minutes_status == Minutes.Status.FINAL else None,
        },
    )
    return meeting


# -- records -> form ---------------------------------------------------------------------------


def meeting_with_records(queryset=None):
    """Meetings with everything ``minutes_to_form`` and the meeting page read, in a fixed number of queries."""
    queryset = Meeting.objects.all() if queryset is None else queryset
    return queryset.select_related(
        "group", "chair", "minute_taker", "antitrust_reading__read_by", "minutes"
    ).prefetch_related(
        Prefetch("attendances", queryset=Attendance.objects.select_related("person", "organization")),
        Prefetch("approvals_made", queryset=MinutesApproval.objects.select_related("of_meeting")),
        Prefetch("topics", queryset=Topic.objects.prefetch_related("points")),
        Prefetch("decisions", queryset=Decision.objects.select_related("topic")),
        Prefetch("action_items", queryset=ActionItem.objects.select_related("owner", "topic")),
        "ballot_mentions__ballot",
    )


def _antitrust_of(meeting: Meeting) -> AntitrustReading | None:
    try:
        return meeting.antitrust_reading
    except AntitrustReading.DoesNotExist:
        return None


def minutes_to_form(meeting: Meeting) -> dict[str, Any]:
    """The meeting's records in the structured minutes form."""
    antitrust = _antitrust_of(meeting)
    present = [a for a in meeting.attendances.all() if a.status == Attendance.Status.PRESENT]
    return {
        "schema_version": SCHEMA_VERSION,
        "meeting": {
            "title": meeting.title,
            "date": meeting.date.isoformat(),
            "working_group": meeting.group.name,
            "kind": meeting.kind,
            "f2f_number": meeting.f2f_number,
            "location": meeting.location or None,
        },
        "attendees": [
            {"name": a.person.full_name, "organization": a.organization.name if a.organization else None} for a in present
        ],
        "chair": meeting.chair.full_name if meeting.chair else None,
        "minute_taker": meeting.minute_taker.full_name if meeting.minute_taker else None,
        "antitrust_statement": {
            "read": antitrust is not None,
            "read_by": antitrust.read_by.full_name if antitrust and antitrust.read_by else None,
        },
        "minutes_approvals": [
            {
                "meeting_date": (a.of_meeting.date if a.of_meeting else a.of_date).isoformat()
                if (a.of_meeting or a.of_date)
                else None,
                "outcome": a.outcome,
                "note": a.note or None,
            }
            for a in meeting.approvals_made.all()
        ],
        "topics": [
            {"title": t.title, "summary": [p.text for p in t.points.all()], "start_seconds": t.start_seconds}
            for t in meeting.topics.all()
        ],
        "decisions": [
            {"text": d.text, "topic": d.topic.title if d.topic else None, "start_seconds": d.start_seconds}
            for d in meeting.decisions.all()
        ],
        "action_items": [
            {
                "owner": i.owner.full_name if i.owner else None,
                "text": i.text,
                "due": i.due.isoformat() if i.due else None,
                "topic": i.topic.title if i.topic else None,
                "start_seconds": i.start_seconds,
            }
            for i in meeting.action_items.all()
        ],
        "ballots": [{"id": m.ballot.identifier, "note": m.note or None} for m in meeting.ballot_mentions.all()],
        "next_meeting": meeting.next_meeting_date.isoformat() if meeting.next_meeting_date else None,
        "adjourned": meeting.adjourned,
    }
