"""Facts about the record are database constraints, not only form validation."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from minutes.models import ActionItem, Attendance, Meeting, Membership, MinutesApproval, Organization, Person, Role
from tests.conftest import make_meeting


def refused(create) -> bool:
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


def test_f2f_number_is_refused_on_a_teleconference(group):
    assert refused(
        lambda: Meeting.objects.create(group=group, title="Call", starts_at=timezone.now(), kind="teleconference", f2f_number=55)
    )
    Meeting.objects.create(group=group, title="F2F", starts_at=timezone.now(), kind="face-to-face", f2f_number=55)
    assert Meeting.objects.filter(f2f_number=55).count() == 1


def test_a_person_attends_a_meeting_once(group, org):
    meeting = make_meeting(group, dt.date(2024, 1, 4))
    person = Person.objects.create(full_name="Ada Example", organization=org)
    Attendance.objects.create(meeting=meeting, person=person, organization=org)
    assert refused(lambda: Attendance.objects.create(meeting=meeting, person=person, organization=org, status="regrets"))
    assert meeting.attendances.count() == 1


def test_unknown_states_are_refused_by_the_database(group, org):
    meeting = make_meeting(group, dt.date(2024, 1, 4))
    person = Person.objects.create(full_name="Ada Example", organization=org)
    assert refused(lambda: Attendance.objects.create(meeting=meeting, person=person, status="maybe"))
    assert refused(lambda: Organization.objects.create(name="Odd", member_class="friend"))
    assert refused(lambda: Role.objects.create(person=person, group=group, kind="king"))


def test_an_action_item_is_closed_exactly_when_it_is_not_open(group):
    meeting = make_meeting(group, dt.date(2024, 1, 4))
    assert refused(lambda: ActionItem.objects.create(meeting=meeting, text="Send slides", status="done"))
    assert refused(lambda: ActionItem.objects.create(meeting=meeting, text="Send slides", closed_at=timezone.now()))
    ActionItem.objects.create(meeting=meeting, text="Send slides", status="done", closed_at=timezone.now())
    assert ActionItem.objects.open().count() == 0


def test_minutes_cannot_approve_themselves(group):
    meeting = make_meeting(group, dt.date(2024, 1, 4))
    assert refused(lambda: MinutesApproval.objects.create(acted_at=meeting, of_meeting=meeting, outcome="approved"))
    assert refused(lambda: MinutesApproval.objects.create(acted_at=meeting, outcome="rubber-stamped"))


def test_one_membership_and_one_role_per_group(group, org):
    Membership.objects.create(group=group, organization=org, voting_class="certificate_issuer")
    assert refused(lambda: Membership.objects.create(group=group, organization=org, voting_class="certificate_consumer"))
    person = Person.objects.create(full_name="Ada Example", organization=org)
    Role.objects.create(person=person, group=group, kind="member")
    assert refused(lambda: Role.objects.create(person=person, group=group, kind="chair"))


def test_minutes_leave_draft_only_once_circulated(group):
    meeting = make_meeting(group, dt.date(2024, 1, 4), status=None)
    from minutes.models import Minutes

    assert refused(lambda: Minutes.objects.create(meeting=meeting, status="final"))
    assert refused(lambda: Minutes.objects.create(meeting=meeting, version=0))


def test_meetings_on_a_date_are_found_in_the_groups_time_zone(group):
    group.time_zone = "America/New_York"
    group.save()
    late = make_meeting(group, dt.date(2024, 1, 4), status=None)
    late.starts_at = dt.datetime(2024, 1, 5, 3, 30, tzinfo=dt.UTC)  # 22:30 on the 4th in New York
    late.save()
    assert list(Meeting.objects.on_date(group, dt.date(2024, 1, 4))) == [late]
    assert not Meeting.objects.on_date(group, dt.date(2024, 1, 5)).exists()
