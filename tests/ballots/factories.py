"""Small scenario builders for ballot tests: voting members of ``group`` and meetings with attendance."""

import datetime as dt

from minutes.models import Attendance, Membership, Organization, Person
from tests.conftest import make_meeting


def make_org(group, name, voting_class="certificate_issuer", *, status="active"):
    org = Organization.objects.create(name=name, member_class=voting_class, status=status)
    Membership.objects.create(group=group, organization=org, voting_class=voting_class)
    return org


def make_person(name, org):
    return Person.objects.create(full_name=name, organization=org)


def make_members(group):
    """{key: (organization, person)}: three issuers, two consumers, an associate and a probationary issuer."""
    rows = {
        "issuer_a": ("Issuer A", "certificate_issuer", "active"),
        "issuer_b": ("Issuer B", "certificate_issuer", "active"),
        "issuer_c": ("Issuer C", "certificate_issuer", "active"),
        "consumer_m": ("Consumer M", "certificate_consumer", "active"),
        "consumer_n": ("Consumer N", "certificate_consumer", "active"),
        "associate": ("Audit Associate", "associate_member", "active"),
        "probation": ("Probation CA", "certificate_issuer", "probationary"),
    }
    members = {}
    for key, (name, voting_class, status) in rows.items():
        org = make_org(group, name, voting_class, status=status)
        members[key] = (org, make_person(f"{name} Rep", org))
    return members


def make_attended_meetings(group, members, days, present_keys):
    """Meetings of ``group`` on ``days`` attended by the representatives of ``present_keys``."""
    meetings = []
    for day in days:
        meeting = make_meeting(group, day, status=None)
        for order, key in enumerate(present_keys):
            org, person = members[key]
            Attendance.objects.create(meeting=meeting, person=person, organization=org, order=order)
        meetings.append(meeting)
    return meetings


def at(day: str, hour: int = 12) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=dt.UTC)
