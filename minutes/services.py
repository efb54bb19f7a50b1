"""Flows over several models. The structured minutes form (shared/schemas/minutes.schema.json) enters
the records through ``meeting_save_form`` and leaves them through ``minutes_to_form``: import, AI
drafts, demo data and export all use these two."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from .models import (
    ActionItem,
    AgendaItem,
    AntitrustReading,
    Attendance,
    Decision,
    Meeting,
    Minutes,
    MinutesApproval,
    MinutesComment,
    MinutesEvent,
    MinutesRevision,
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
    """The organization called ``name`` or known by it as an alias (case, accents, punctuation and
    legal suffixes aside); created when unknown. A similar but different name is not merged: it is
    reported on the active ``matching.Directory`` as an uncertain match."""
    from . import matching

    if not name or not org_key(name):
        return None
    name = " ".join(name.split())
    directory = matching.active_directory() or matching.Directory()
    if directory.organizations is None:
        index = matching.organizations_index()
        for org in Organization.objects.all():
            index.add(org.name, org, org.aliases)
        directory.organizations = index
    same = directory.organizations.same(name)
    if same:
        return same[0]
    if not create:
        return None
    directory.report(name, directory.organizations.alike(name))
    org = Organization.objects.create(name=name)
    directory.organizations.add(name, org)
    directory.organizations_created += 1
    return org


def person_resolve(
    name: str | None,
    *,
    organization: Organization | None = None,
    candidates: list[Person] | None = None,
    create: bool = True,
) -> Person | None:
    """The person called ``name`` (case, accents and spacing aside, or by a known alias). A short form
    ('Corey', 'Tim H') is resolved among ``candidates`` (e.g. the meeting's attendees) when exactly
    one fits; a lone first or last name with no candidates, among everyone. Otherwise the person is
    created; a similar known name ('Inigo Barriera' ~ 'Inigo Barreira') is reported on the active
    ``matching.Directory`` as an uncertain match rather than merged. 'A/B' names two people: the
    first is returned."""
    from . import matching

    if not name or not name.strip():
        return None
    name = matching.first_of(" ".join(name.split()))
    directory = matching.active_directory() or matching.Directory()
    if directory.people is None:
        index = matching.people_index()
        for person in Person.objects.select_related("organization"):
            index.add(person.full_name, person, person.aliases)
        directory.people = index
    same = directory.people.same(name)
    if organization is not None and len(same) > 1:
        same = [p for p in same if p.organization_id == organization.pk] or same
    if same:
        person = same[0]
        if organization is not None and person.organization_id is None:
            person.organization = organization
            person.save(update_fields=["organization"])
            directory.people_updated += 1
        return person
    if candidates is not None:
        fits = [p for p in candidates if name_matches(name, p.full_name)]
        if len(fits) == 1:
            return fits[0]
    elif len(name.split()) == 1:
        fits = [p for _, p in directory.people.names.values() if name_matches(name, p.full_name)]
        if organization is not None and len(fits) > 1:
            fits = [p for p in fits if p.organization_id == organization.pk]
        if len(fits) == 1:
            return fits[0]
    if not create:
        return None
    directory.report(name, directory.people.alike(name))
    person = Person.objects.create(full_name=name, organization=organization)
    directory.people.add(name, person)
    directory.people_created += 1
    return person


# -- form -> records ---------------------------------------------------------------------------


def _parse_date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@transaction.atomic(savepoint=False)
def meeting_save_form(
    *,
    group: WorkingGroup,
    form: dict[str, Any],
    starts_at: dt.datetime | None = None,
    time_zone: str | None = None,
    minutes_status: str = Minutes.Status.DRAFT,
    body: str = "",
    author: str = "",
    front_matter: str = "",
    meeting: Meeting | None = None,
    finalized_at: dt.datetime | None = None,
) -> Meeting:
    """Create (or replace the records of) a meeting from the structured minutes form. Final minutes are
    finalized at ``finalized_at`` (e.g. an imported post's publication), else at the meeting's start."""

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
        "chair": None,
        "minute_taker": None,
    }
    created = meeting is None
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

    meeting_add_records(meeting=meeting, form=form, empty=True)
    minutes_fields = {
        "body": body,
        "status": minutes_status,
        "author": author,
        "front_matter": front_matter,
        "circulated_at": None if minutes_status == Minutes.Status.DRAFT else starts_at,
        "finalized_at": (finalized_at or starts_at) if minutes_status == Minutes.Status.FINAL else None,
    }
    if created:
        Minutes.objects.create(meeting=meeting, **minutes_fields)
    else:
        Minutes.objects.update_or_create(meeting=meeting, defaults=minutes_fields)
    return meeting


@transaction.atomic(savepoint=False)
def meeting_add_records(*, meeting: Meeting, form: dict[str, Any], empty: bool = False) -> None:
    """Add what a (partial) structured form holds to a meeting's records, keeping what is there:
    attendees not yet listed, chair / minute taker / antitrust reading when given, approvals, topics
    with their points, decisions, action items, ballot links, next meeting and adjournment. Keys that
    are absent from ``form`` are left alone, so one accepted draft item can be added at a time.
    ``empty``: the meeting is known to have no records yet (saves reading them: an import stores
    thousands of meetings)."""
    from ballots.services import ballot_mentions_save

    group = meeting.group
    attendances = [] if empty else list(meeting.attendances.select_related("person"))
    attendees: list[Person] = [a.person for a in attendances]
    listed = {p.pk for p in attendees}
    next_order = max((a.order for a in attendances), default=-1) + 1
    # Rows are written with bulk_create: an imported post has dozens of them.
    new_attendances: list[Attendance] = []
    for row in form.get("attendees") or []:
        org = organization_resolve(row.get("organization"))
        person = person_resolve(row["name"], organization=org)
        if person.pk in listed:
            continue
        listed.add(person.pk)
        attendees.append(person)
        new_attendances.append(Attendance(meeting=meeting, person=person, organization=org or person.organization, order=next_order))
        next_order += 1
    Attendance.objects.bulk_create(new_attendances)

    def who(name: str | None) -> Person | None:
        return person_resolve(name, candidates=attendees)

    changed = []
    for key in ("chair", "minute_taker"):
        if form.get(key):
            person = who(form[key])
            if getattr(meeting, f"{key}_id") != (person.pk if person else None):
                setattr(meeting, key, person)
                changed.append(key)
    if form.get("next_meeting") and meeting.next_meeting_date != _parse_date(form["next_meeting"]):
        meeting.next_meeting_date = _parse_date(form["next_meeting"])
        changed.append("next_meeting_date")
    if form.get("adjourned") and not meeting.adjourned:
        meeting.adjourned = True
        changed.append("adjourned")
    if changed:
        meeting.save(update_fields=changed)

    antitrust = form.get("antitrust_statement") or {}
    if antitrust.get("read"):
        reading = {"read_by": who(antitrust.get("read_by")), "kind": antitrust.get("kind") or AntitrustReading.Kind.ANTITRUST}
        if empty:
            AntitrustReading.objects.create(meeting=meeting, **reading)
        else:
            AntitrustReading.objects.update_or_create(meeting=meeting, defaults=reading)

    if form.get("minutes_approvals"):
        base = 0 if empty else meeting.approvals_made.count()
        approvals = []
        for order, row in enumerate(form["minutes_approvals"], start=base):
            of_date = _parse_date(row.get("meeting_date"))
            of_meeting = Meeting.objects.on_date(group, of_date).exclude(pk=meeting.pk).first() if of_date else None
            approvals.append(
                MinutesApproval(
                    acted_at=meeting, of_meeting=of_meeting, of_date=of_date, outcome=row["outcome"], note=row.get("note") or "",
                    order=order,
                )
            )
        MinutesApproval.objects.bulk_create(approvals)

    # Points for a topic the meeting already has are added to it; topics of this form are new even
    # when two share a title (an imported post may repeat a heading).
    existing: dict[str, Topic] = {} if empty else {fold(t.title): t for t in meeting.topics.all()}
    topics = dict(existing)
    rows = form.get("topics") or []
    created = Topic.objects.bulk_create(
        Topic(meeting=meeting, order=len(existing) + i, title=row["title"], start_seconds=row.get("start_seconds"))
        for i, row in enumerate(rows)
        if fold(row["title"]) not in existing
    )
    fresh = iter(created)
    points: list[TopicPoint] = []
    for row in rows:
        topic = existing.get(fold(row["title"]))
        first = topic.points.count() if topic is not None else 0
        if topic is None:
            topic = next(fresh)
            topics[fold(topic.title)] = topic
        points += [
            TopicPoint(topic=topic, order=first + i, text=text.strip()) for i, text in enumerate(row.get("summary") or []) if text.strip()
        ]
    TopicPoint.objects.bulk_create(points)

    def topic_of(title: str | None) -> Topic | None:
        return topics.get(fold(title)) if title else None

    if form.get("decisions"):
        base = 0 if empty else meeting.decisions.count()
        Decision.objects.bulk_create(
            Decision(
                meeting=meeting, topic=topic_of(row.get("topic")), order=order, text=row["text"], start_seconds=row.get("start_seconds")
            )
            for order, row in enumerate(form["decisions"], start=base)
        )
    if form.get("action_items"):
        base = 0 if empty else meeting.action_items.count()
        ActionItem.objects.bulk_create(
            ActionItem(
                meeting=meeting,
                topic=topic_of(row.get("topic")),
                owner=who(row.get("owner")),
                text=row["text"],
                due=_parse_date(row.get("due")),
                order=order,
                start_seconds=row.get("start_seconds"),
            )
            for order, row in enumerate(form["action_items"], start=base)
        )
    if form.get("ballots"):
        ballot_mentions_save(meeting=meeting, rows=form["ballots"], empty=empty)


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


def minutes_to_form(meeting: Meeting, *, include_private: bool = True) -> dict[str, Any]:
    """The meeting's records in the structured minutes form; without the private (redacted) records
    when ``include_private`` is false, as the public copy shows them."""

    def shown(records):
        return [r for r in records if include_private or not r.is_private]

    antitrust = _antitrust_of(meeting)
    present = [a for a in meeting.attendances.all() if a.status == Attendance.Status.PRESENT]
    topics = shown(meeting.topics.all())
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
            {"title": t.title, "summary": [p.text for p in shown(t.points.all())], "start_seconds": t.start_seconds} for t in topics
        ],
        "decisions": [
            {"text": d.text, "topic": d.topic.title if d.topic else None, "start_seconds": d.start_seconds}
            for d in shown(meeting.decisions.all())
        ],
        "action_items": [
            {
                "owner": i.owner.full_name if i.owner else None,
                "text": i.text,
                "due": i.due.isoformat() if i.due else None,
                "topic": i.topic.title if i.topic else None,
                "start_seconds": i.start_seconds,
            }
            for i in shown(meeting.action_items.all())
        ],
        "ballots": [{"id": m.ballot.identifier, "note": m.note or None} for m in meeting.ballot_mentions.all()],
        "next_meeting": meeting.next_meeting_date.isoformat() if meeting.next_meeting_date else None,
        "adjourned": meeting.adjourned,
    }


# -- the minutes workflow ----------------------------------------------------------------------


class WorkflowError(Exception):
    """A state change that the rules do not allow; the message is shown to the user as it is."""


class MinutesConflict(WorkflowError):
    """Someone else saved the draft since this editor loaded it."""


AUTO_FINAL_AFTER = dt.timedelta(weeks=3)

AGENDA_TEMPLATE = [
    (AgendaItem.Kind.ROLL_CALL, "Roll call"),
    (AgendaItem.Kind.ANTITRUST, "Antitrust statement"),
    (AgendaItem.Kind.APPROVAL, "Approval of prior minutes"),
    (AgendaItem.Kind.BALLOTS, "Ballots"),
    (AgendaItem.Kind.TOPIC, "Topics"),
    (AgendaItem.Kind.OTHER_BUSINESS, "Other business"),
    (AgendaItem.Kind.NEXT_MEETING, "Next meeting"),
    (AgendaItem.Kind.ADJOURN, "Adjourn"),
]


def _event(minutes: Minutes, kind: str, user=None, note: str = "") -> MinutesEvent:
    return MinutesEvent.objects.create(minutes=minutes, kind=kind, actor=user if user and user.is_authenticated else None, note=note)


def _locked_minutes(minutes: Minutes) -> Minutes:
    return Minutes.objects.select_for_update().select_related("meeting__group").get(pk=minutes.pk)


@transaction.atomic
def meeting_schedule(
    *,
    group: WorkingGroup,
    title: str,
    starts_at: dt.datetime,
    time_zone: str,
    kind: str = Meeting.Kind.TELECONFERENCE,
    f2f_number: int | None = None,
    location: str = "",
    chair: Person | None = None,
    minute_taker: Person | None = None,
    user=None,
) -> Meeting:
    """Schedule a meeting with an empty draft and the agenda built from the template."""
    meeting = Meeting.objects.create(
        group=group,
        title=title,
        starts_at=starts_at,
        time_zone=time_zone,
        kind=kind,
        f2f_number=f2f_number if kind == Meeting.Kind.FACE_TO_FACE else None,
        location=location,
        chair=chair,
        minute_taker=minute_taker,
    )
    minutes = Minutes.objects.create(meeting=meeting, updated_by=user if user and user.is_authenticated else None)
    _event(minutes, MinutesEvent.Kind.CREATED, user)
    agenda_build(meeting=meeting)
    return meeting


def pending_approvals(meeting: Meeting):
    """Earlier meetings of the group whose minutes are circulated but not yet approved."""
    return (
        Meeting.objects.filter(group_id=meeting.group_id, starts_at__lt=meeting.starts_at, minutes__status=Minutes.Status.CIRCULATED)
        .select_related("minutes")
        .order_by("starts_at")
    )


def carried_action_items(meeting: Meeting):
    """Open action items raised at earlier meetings of the group: carried until done or dropped."""
    return (
        ActionItem.objects.open()
        .filter(meeting__group_id=meeting.group_id, meeting__starts_at__lt=meeting.starts_at)
        .select_related("owner", "meeting")
        .order_by("meeting__starts_at", "order")
    )


@transaction.atomic
def agenda_build(*, meeting: Meeting) -> list[AgendaItem]:
    """Lay out the template (once) and propose pending approvals and carried-over action items.
    Running it again adds only what is new."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    items = list(meeting.agenda_items.all())
    if not items:
        items = AgendaItem.objects.bulk_create(
            AgendaItem(meeting=meeting, order=(i + 1) * 100, kind=kind, title=title) for i, (kind, title) in enumerate(AGENDA_TEMPLATE)
        )
    anchor = {item.kind: item.order for item in items}
    have_approvals = {item.approval_of_id for item in items if item.approval_of_id}
    for n, earlier in enumerate(pending_approvals(meeting)):
        if earlier.pk not in have_approvals:
            AgendaItem.objects.create(
                meeting=meeting,
                order=anchor.get(AgendaItem.Kind.APPROVAL, 300) + 1 + n,
                kind=AgendaItem.Kind.APPROVAL,
                title=f"Approve the minutes of {earlier.date:%Y-%m-%d}",
                approval_of=earlier,
            )
    have_items = {item.action_item_id for item in items if item.action_item_id}
    for n, action in enumerate(carried_action_items(meeting)):
        if action.pk not in have_items:
            owner = action.owner.full_name if action.owner else "unassigned"
            AgendaItem.objects.create(
                meeting=meeting,
                order=anchor.get(AgendaItem.Kind.OTHER_BUSINESS, 600) - 50 + n,
                kind=AgendaItem.Kind.ACTION_ITEM,
                title=f"Action item ({owner}, from {action.meeting.date:%Y-%m-%d}): {action.text}"[:300],
                action_item=action,
            )
    return list(meeting.agenda_items.all())


@transaction.atomic
def attendance_record(
    *,
    meeting: Meeting,
    present: list[Person],
    regrets: list[Person] = (),
    guests: list[tuple[str, str]] = (),
    antitrust_read_by: Person | None = None,
    antitrust_kind: str | None = None,
) -> None:
    """Replace the meeting's attendance; guests are (name, organization) pairs, created when unknown."""
    people = list(present)
    for name, org_name in guests:
        if name.strip():
            people.append(person_resolve(name, organization=organization_resolve(org_name)))
    meeting.attendances.all().delete()
    seen: set[int] = set()
    for order, person in enumerate(people):
        if person.pk not in seen:
            seen.add(person.pk)
            Attendance.objects.create(meeting=meeting, person=person, organization=person.organization, order=order)
    for person in regrets:
        if person.pk not in seen:
            seen.add(person.pk)
            Attendance.objects.create(
                meeting=meeting, person=person, organization=person.organization, status=Attendance.Status.REGRETS, order=len(seen)
            )
    AntitrustReading.objects.filter(meeting=meeting).delete()
    if antitrust_kind:
        AntitrustReading.objects.create(meeting=meeting, read_by=antitrust_read_by, kind=antitrust_kind)


def minutes_body(meeting: Meeting, *, include_private: bool = True) -> str:
    from .post import form_to_markdown_body

    return form_to_markdown_body(minutes_to_form(meeting_with_records().get(pk=meeting.pk), include_private=include_private))


def _apply_rows(model, meeting: Meeting, rows: list[dict], build) -> dict[int, Any]:
    """Update rows by id, create rows without one, delete the meeting's rows that are gone."""
    existing = {obj.pk: obj for obj in model.objects.filter(meeting=meeting)}
    kept: dict[int, Any] = {}
    for order, row in enumerate(rows):
        # pop: an id given twice updates one record and creates another, never the same one twice
        obj = existing.pop(row.get("id"), None) or model(meeting=meeting)
        build(obj, row, order)
        obj.save()
        kept[obj.pk] = obj
    model.objects.filter(meeting=meeting).exclude(pk__in=kept).delete()
    return kept


@transaction.atomic
def minutes_save(*, minutes: Minutes, sections: dict[str, list[dict]], expected_version: int, user=None, note: str = "") -> Minutes:
    """Save the edited sections of a draft (topics with points, decisions, action items).

    ``sections`` holds lists of rows; a row with an ``id`` updates that record. A save based on an
    older version than the stored one is refused with MinutesConflict and changes nothing.
    """
    minutes = _locked_minutes(minutes)
    if minutes.status not in (Minutes.Status.DRAFT, Minutes.Status.CIRCULATED):
        raise WorkflowError(f"These minutes are {minutes.get_status_display().lower()} and can no longer be edited.")
    if minutes.version != expected_version:
        raise MinutesConflict(
            f"Someone else saved these minutes (version {minutes.version}) after you opened version {expected_version}. "
            "Your changes were not saved: reload the draft, then apply them again."
        )
    meeting = minutes.meeting

    def build_topic(topic: Topic, row: dict, order: int) -> None:
        topic.title, topic.order = row["title"], order
        topic.is_private = bool(row.get("is_private", topic.is_private))

    topics = _apply_rows(Topic, meeting, sections.get("topics", []), build_topic)
    for topic, row in zip(topics.values(), sections.get("topics", []), strict=True):
        topic.points.all().delete()
        TopicPoint.objects.bulk_create(
            TopicPoint(topic=topic, order=i, text=text.strip()) for i, text in enumerate(row.get("points", [])) if text.strip()
        )
    by_title = {fold(t.title): t for t in topics.values()}

    def build_decision(decision: Decision, row: dict, order: int) -> None:
        decision.text, decision.order = row["text"], order
        decision.topic = by_title.get(fold(row.get("topic") or ""))
        decision.is_private = bool(row.get("is_private", decision.is_private))

    _apply_rows(Decision, meeting, sections.get("decisions", []), build_decision)

    newly_assigned: list[int] = []

    def build_action(item: ActionItem, row: dict, order: int) -> None:
        owner = row.get("owner")
        if item.pk is None or item.owner_id != (owner.pk if owner else None):
            newly_assigned.append(order)
        item.text, item.order, item.owner, item.due = row["text"], order, owner, row.get("due")
        item.topic = by_title.get(fold(row.get("topic") or ""))
        item.is_private = bool(row.get("is_private", item.is_private))

    actions = _apply_rows(ActionItem, meeting, sections.get("action_items", []), build_action)
    assigned_ids = [item.pk for order, item in enumerate(actions.values()) if order in newly_assigned and item.owner_id]

    minutes.version += 1
    _store_version(minutes, meeting, user, note)
    _event(minutes, MinutesEvent.Kind.SAVED, user, note or f"version {minutes.version}")
    if assigned_ids:
        from .tasks import mail_action_items_assigned

        transaction.on_commit(lambda: mail_action_items_assigned.delay(assigned_ids))
    return minutes


def sections_from_form(form: dict[str, Any], meeting: Meeting) -> dict[str, list[dict]]:
    """The editable sections of a stored revision's form, ready for ``minutes_save``."""
    attendees = [a.person for a in meeting.attendances.select_related("person")]
    return {
        "topics": [{"title": t["title"], "points": t.get("summary") or []} for t in form.get("topics", [])],
        "decisions": [{"text": d["text"], "topic": d.get("topic")} for d in form.get("decisions", [])],
        "action_items": [
            {
                "text": i["text"],
                "owner": person_resolve(i.get("owner"), candidates=attendees, create=False),
                "due": _parse_date(i.get("due")),
                "topic": i.get("topic"),
            }
            for i in form.get("action_items", [])
        ],
    }


def minutes_restore(*, minutes: Minutes, version: int, expected_version: int, user=None) -> Minutes:
    """Make an earlier version the current one (as a new version; nothing is lost)."""
    try:
        revision = minutes.revisions.get(version=version)
    except MinutesRevision.DoesNotExist:
        raise WorkflowError(f"There is no version {version} of these minutes.") from None
    sections = sections_from_form(revision.form, minutes.meeting)
    saved = minutes_save(
        minutes=minutes, sections=sections, expected_version=expected_version, user=user, note=f"restored version {version}"
    )
    _event(saved, MinutesEvent.Kind.RESTORED, user, f"version {version}")
    return saved


@transaction.atomic
def minutes_circulate(*, minutes: Minutes, user=None) -> Minutes:
    minutes = _locked_minutes(minutes)
    if minutes.status != Minutes.Status.DRAFT:
        raise WorkflowError(f"Only a draft can be circulated; these minutes are {minutes.get_status_display().lower()}.")
    minutes.status = Minutes.Status.CIRCULATED
    minutes.circulated_at = timezone.now()
    minutes.save(update_fields=["status", "circulated_at", "updated_at"])
    _event(minutes, MinutesEvent.Kind.CIRCULATED, user)
    from .tasks import mail_minutes_circulated

    minutes_id = minutes.pk
    transaction.on_commit(lambda: mail_minutes_circulated.delay(minutes_id))
    return minutes


@transaction.atomic
def comment_add(*, minutes: Minutes, user, text: str, topic: Topic | None = None) -> MinutesComment:
    if minutes.status != Minutes.Status.CIRCULATED:
        raise WorkflowError("Comments are taken while the draft is circulated for review.")
    if not text.strip():
        raise WorkflowError("A comment needs some text.")
    if topic is not None and topic.meeting_id != minutes.meeting_id:
        raise WorkflowError("That section is not part of these minutes.")
    return MinutesComment.objects.create(
        minutes=minutes, topic=topic, section=topic.title if topic else "General", author=user, text=text.strip()
    )


def _finalize(minutes: Minutes, user, note: str) -> None:
    minutes.status = Minutes.Status.FINAL
    minutes.finalized_at = timezone.now()
    minutes.save(update_fields=["status", "finalized_at", "updated_at"])
    _event(minutes, MinutesEvent.Kind.FINALIZED, user, note)


@transaction.atomic
def minutes_record_approval(*, minutes: Minutes, acted_at: Meeting, outcome: str, note: str = "", user=None) -> MinutesApproval:
    """Record what a later meeting did with circulated minutes. Approval makes them final."""
    minutes = _locked_minutes(minutes)
    of_meeting = minutes.meeting
    if outcome not in MinutesApproval.Outcome.values:
        raise WorkflowError(f"Unknown outcome {outcome!r}.")
    if minutes.status == Minutes.Status.DRAFT:
        raise WorkflowError("These minutes were never circulated; circulate the draft before it can be approved.")
    if minutes.status != Minutes.Status.CIRCULATED:
        raise WorkflowError(f"These minutes are already {minutes.get_status_display().lower()}.")
    if acted_at.group_id != of_meeting.group_id or acted_at.starts_at <= of_meeting.starts_at:
        raise WorkflowError("Minutes are approved at a later meeting of the same group.")
    if outcome == MinutesApproval.Outcome.APPROVED_WITH_CHANGES and not note.strip():
        raise WorkflowError("Say which changes were made when minutes are approved with changes.")
    approval = MinutesApproval.objects.create(
        acted_at=acted_at, of_meeting=of_meeting, of_date=of_meeting.date, outcome=outcome, note=note.strip(),
        order=acted_at.approvals_made.count(),
    )
    _event(minutes, outcome, user, f"at the meeting of {acted_at.date:%Y-%m-%d}" + (f": {note.strip()}" if note.strip() else ""))
    if outcome != MinutesApproval.Outcome.DEFERRED:
        _finalize(minutes, user, f"approved at the meeting of {acted_at.date:%Y-%m-%d}")
        from .tasks import mail_minutes_approved

        minutes_id = minutes.pk
        transaction.on_commit(lambda: mail_minutes_approved.delay(minutes_id))
    return approval


def minutes_auto_finalize(*, now: dt.datetime | None = None) -> list[int]:
    """Bylaws 5.1(1): circulated minutes become final after three weeks when the group held no
    meeting in that time. Returns the ids of the minutes made final."""
    now = now or timezone.now()
    done: list[int] = []
    due = Minutes.objects.filter(status=Minutes.Status.CIRCULATED, circulated_at__lte=now - AUTO_FINAL_AFTER)
    for minutes_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            minutes = Minutes.objects.select_for_update().select_related("meeting").get(pk=minutes_id)
            if minutes.status != Minutes.Status.CIRCULATED:
                continue
            held = Meeting.objects.filter(
                group_id=minutes.meeting.group_id, starts_at__gt=minutes.circulated_at, starts_at__lte=now
            ).exists()
            if held:
                continue
            _finalize(minutes, None, "Final under Bylaws 5.1(1): circulated for three weeks and no meeting of the group was held.")
            done.append(minutes_id)
    return done


@transaction.atomic
def action_item_complete(*, item: ActionItem, user, note: str = "", status: str = ActionItem.Status.DONE) -> ActionItem:
    item = ActionItem.objects.select_for_update().get(pk=item.pk)
    if item.status != ActionItem.Status.OPEN:
        raise WorkflowError(f"This action item is already {item.get_status_display().lower()}.")
    if status not in (ActionItem.Status.DONE, ActionItem.Status.DROPPED):
        raise WorkflowError(f"Unknown status {status!r}.")
    item.status, item.closed_at, item.closing_note = status, timezone.now(), note.strip()
    item.save(update_fields=["status", "closed_at", "closing_note"])
    return item


@transaction.atomic
def record_set_private(*, record, private: bool) -> None:
    """Mark a topic, topic point, decision or action item as left out of (or back in) the public copy."""
    type(record).objects.filter(pk=record.pk).update(is_private=private)


def reminders_due(*, today: dt.date) -> tuple[list[int], list[int]]:
    """Ids of open, owned action items due in two days and overdue that have not been reminded yet;
    marks them as reminded."""
    open_owned = ActionItem.objects.open().filter(owner__isnull=False)
    soon = list(open_owned.filter(due=today + dt.timedelta(days=2), due_reminder_sent_on__isnull=True).values_list("pk", flat=True))
    late = list(open_owned.filter(due__lt=today, overdue_reminder_sent_on__isnull=True).values_list("pk", flat=True))
    ActionItem.objects.filter(pk__in=soon, due_reminder_sent_on__isnull=True).update(due_reminder_sent_on=today)
    ActionItem.objects.filter(pk__in=late, overdue_reminder_sent_on__isnull=True).update(overdue_reminder_sent_on=today)
    return soon, late


PRIVATE_BLOCK = re.compile(r"<!--\s*private\s*-->.*?<!--\s*/private\s*-->", re.DOTALL | re.IGNORECASE)


def public_body(meeting: Meeting, body: str) -> str:
    """The published Markdown without redacted passages: blocks marked ``<!-- private -->`` …
    ``<!-- /private -->`` and every line that carries the text of a record marked private."""
    body = PRIVATE_BLOCK.sub("", body)
    private_texts = [
        *Topic.objects.filter(meeting=meeting, is_private=True).values_list("title", flat=True),
        *TopicPoint.objects.filter(Q(is_private=True) | Q(topic__is_private=True), topic__meeting=meeting).values_list("text", flat=True),
        *Decision.objects.filter(meeting=meeting, is_private=True).values_list("text", flat=True),
        *ActionItem.objects.filter(meeting=meeting, is_private=True).values_list("text", flat=True),
    ]
    needles = [fold(text) for text in private_texts if fold(text)]
    if not needles:
        return body
    return "\n".join(line for line in body.splitlines() if not any(n in fold(line) for n in needles))


@transaction.atomic
def minutes_regenerate(*, meeting: Meeting, user=None, note: str = "") -> Minutes:
    """After records were added (e.g. an accepted draft item): write the Markdown in the group's house
    style from the records, as a new version with its revision."""
    minutes, created = Minutes.objects.get_or_create(meeting=meeting)
    minutes = _locked_minutes(minutes)
    if minutes.status not in (Minutes.Status.DRAFT, Minutes.Status.CIRCULATED):
        raise WorkflowError(f"These minutes are {minutes.get_status_display().lower()} and can no longer be edited.")
    if created:
        _event(minutes, MinutesEvent.Kind.CREATED, user)
    else:
        minutes.version += 1
    _store_version(minutes, meeting, user, note)
    return minutes


def _store_version(minutes: Minutes, meeting: Meeting, user, note: str) -> None:
    """Write the Markdown from the records and keep this version (body and form) as a revision."""
    minutes.body = minutes_body(meeting)
    minutes.updated_by = user if user and user.is_authenticated else None
    minutes.save()
    MinutesRevision.objects.create(
        minutes=minutes,
        version=minutes.version,
        body=minutes.body,
        form=minutes_to_form(meeting_with_records().get(pk=meeting.pk)),
        author=minutes.updated_by,
        note=note,
    )
