"""Who may see and change what: the one place pages and the API ask.

Anonymous users and observers read final minutes, the meeting calendar and ballots. Members of a
group (role member, vice-chair or chair) also read its drafts and action items. A meeting's minute
taker edits that meeting's minutes while they are not final. Chairs and vice-chairs manage everything
in their group; staff manage everything.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import ActionItem, Meeting, Minutes, Person, Role, WorkingGroup
from .sql import InSubquery

READING_ROLES = {Role.Kind.CHAIR, Role.Kind.VICE_CHAIR, Role.Kind.MEMBER}
MANAGING_ROLES = {Role.Kind.CHAIR, Role.Kind.VICE_CHAIR}


def person_of(user):
    if not user.is_authenticated:
        return None
    # A user with no person record raises RelatedObjectDoesNotExist, an AttributeError.
    return getattr(user, "person", None)


def roles_of(user) -> dict[int, str]:
    """{group id: role kind} for the user, computed once per user object (i.e. once per request)."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_group_roles", None)
    if cached is None:
        cached = dict(Role.objects.filter(person__user=user).values_list("group_id", "kind"))
        user._group_roles = cached
    return cached


def is_member(user, group: WorkingGroup | int) -> bool:
    group_id = group if isinstance(group, int) else group.pk
    return user.is_authenticated and (user.is_staff or roles_of(user).get(group_id) in READING_ROLES)


def can_manage_group(user, group: WorkingGroup | int) -> bool:
    group_id = group if isinstance(group, int) else group.pk
    return user.is_authenticated and (user.is_staff or roles_of(user).get(group_id) in MANAGING_ROLES)


def is_minute_taker(user, meeting: Meeting) -> bool:
    person = person_of(user)
    return person is not None and meeting.minute_taker_id == person.pk


# Meetings: the calendar is public; what the minutes say is not until they are final.


def can_view_meeting(user, meeting: Meeting) -> bool:
    return True


def can_view_records(user, meeting: Meeting, minutes: Minutes | None) -> bool:
    """Attendance, topics, decisions, action items and approvals recorded for a meeting."""
    if minutes is not None and minutes.status == Minutes.Status.FINAL:
        return True
    return is_member(user, meeting.group_id) or is_minute_taker(user, meeting)


def can_edit_minutes(user, minutes: Minutes) -> bool:
    if minutes.status == Minutes.Status.FINAL:
        return False
    meeting = minutes.meeting
    return can_manage_group(user, meeting.group_id) or is_minute_taker(user, meeting)


def minutes_visible_to(user, queryset: QuerySet[Minutes] | None = None) -> QuerySet[Minutes]:
    queryset = Minutes.objects.all() if queryset is None else queryset
    if user.is_authenticated and user.is_staff:
        return queryset
    public = Q(status=Minutes.Status.FINAL)
    if not user.is_authenticated:
        return queryset.filter(public)
    member_groups = [g for g, kind in roles_of(user).items() if kind in READING_ROLES]
    return queryset.filter(public | Q(meeting__group__in=member_groups) | Q(meeting__minute_taker__user=user))


# Action items: members of the group and the owner themself.


def can_view_action_item(user, item: ActionItem) -> bool:
    person = person_of(user)
    return is_member(user, item.meeting.group_id) or (person is not None and item.owner_id == person.pk)


def action_items_visible_to(user, queryset: QuerySet[ActionItem] | None = None) -> QuerySet[ActionItem]:
    queryset = ActionItem.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if user.is_staff:
        return queryset
    member_groups = [g for g, kind in roles_of(user).items() if kind in READING_ROLES]
    # Written on the item's own columns (see InSubquery): the same rule, with indexes usable under the OR.
    return queryset.filter(
        InSubquery("meeting_id", Meeting.objects.filter(group__in=member_groups).values("pk"))
        | InSubquery("owner_id", Person.objects.filter(user=user).values("pk"))
    )


# Ballots are public.


def can_view_ballot(user, ballot) -> bool:
    return True


def can_manage_meeting(user, meeting: Meeting) -> bool:
    """Schedule, agenda, approvals and redaction: the group's chairs and staff."""
    return can_manage_group(user, meeting.group_id)


def can_record_attendance(user, meeting: Meeting) -> bool:
    return can_manage_group(user, meeting.group_id) or is_minute_taker(user, meeting)


def can_comment(user, minutes: Minutes) -> bool:
    meeting = minutes.meeting
    return minutes.status == Minutes.Status.CIRCULATED and (is_member(user, meeting.group_id) or is_minute_taker(user, meeting))


def can_see_private(user, meeting: Meeting) -> bool:
    """Redacted passages are left out of the public copy; members still see them."""
    return is_member(user, meeting.group_id) or is_minute_taker(user, meeting)


def can_complete_action_item(user, item: ActionItem) -> bool:
    person = person_of(user)
    return (person is not None and item.owner_id == person.pk) or can_manage_group(user, item.meeting.group_id)


# Recordings, transcripts and drafts: the group's members read them; the minute taker and chairs
# upload and review.


def can_view_recordings(user, meeting: Meeting) -> bool:
    return is_member(user, meeting.group_id) or is_minute_taker(user, meeting)


def can_upload_recording(user, meeting: Meeting) -> bool:
    return can_manage_group(user, meeting.group_id) or is_minute_taker(user, meeting)
