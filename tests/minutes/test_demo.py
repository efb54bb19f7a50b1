"""The seed meeting (shared/seed, CSCWG 2022-02-10) as structured records."""

import datetime as dt

from django.apps import apps
from django.core.management import call_command

from ballots.models import Ballot, F2FMeeting
from minutes.models import ActionItem, Meeting, MinutesApproval, Organization, Person


def row_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label in {"minutes", "ballots", "auth"}}


def seed_meeting() -> Meeting:
    return Meeting.objects.get(group__slug="cscwg", title="2022-02-10 Minutes of the Code Signing Certificate Working Group")


def test_load_demo_twice_changes_nothing(demo):
    before = row_counts()
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert row_counts() == before


def test_seed_attendees_are_people_of_organizations(demo):
    meeting = seed_meeting()
    rows = {(a.person.full_name, a.organization.name) for a in meeting.attendances.select_related("person", "organization")}
    assert len(rows) == 10
    assert ("Andrea Holland", "SecureTrust") in rows
    assert ("Tim Crawford", "WebTrust") in rows
    assert ("Dean Coclin", "DigiCert") in rows and ("Corey Bonnell", "DigiCert") in rows
    assert Organization.objects.get(name="DigiCert").people.count() >= 3  # Dean, Corey, Tim Hollebeek


def test_seed_roles_antitrust_and_deferred_approval(demo):
    meeting = seed_meeting()
    assert meeting.minute_taker.full_name == "Chris Kemmerer"
    assert meeting.chair.full_name == "Dean Coclin"
    assert meeting.antitrust_reading.read_by.full_name == "Corey Bonnell"
    approval = MinutesApproval.objects.get(acted_at=meeting)
    assert approval.outcome == "deferred"
    assert approval.of_meeting.date == dt.date(2022, 1, 27)
    assert meeting.adjourned


def test_seed_topics_decisions_and_action_items(demo):
    meeting = seed_meeting()
    titles = [t.title for t in meeting.topics.all()]
    assert "CSC-6: Subscriber Private Key Protection" in titles
    assert "Face to Face 55 discussion" in titles
    csc6 = meeting.topics.get(title__startswith="CSC-6")
    assert csc6.points.filter(text__icontains="crypto library").exists()
    assert meeting.decisions.filter(text__icontains="Nov 15 2022").exists()
    item = ActionItem.objects.get(meeting=meeting, owner__full_name="Bruce Morton")
    assert "slides" in item.text and item.due == dt.date(2022, 2, 24) and item.status == "open"


def test_seed_ballot_csc6_with_proposer_endorsers_and_link(demo):
    ballot = Ballot.objects.get(identifier="CSC-6")
    assert ballot.proposer.full_name == "Ian McMillan"
    assert [e.person.full_name for e in ballot.endorsements.all()] == ["Tim Hollebeek", "Bruce Morton"]
    assert ballot.mentions.filter(meeting=seed_meeting()).exists()


def test_planned_f2f55_session_at_1015_mst(demo):
    f2f = F2FMeeting.objects.get(number=55)
    session = f2f.sessions.get()
    assert session.kind == "face-to-face" and session.f2f_number == 55
    assert session.starts_at == dt.datetime(2022, 2, 24, 17, 15, tzinfo=dt.UTC)  # 10:15 MST
    assert f2f.goals.filter(title="Subscriber key protection").exists()
    assert f2f.goals.count() == 6


def test_demo_users_exist_for_each_role(demo):
    from django.contrib.auth import authenticate

    for username in ["chair", "taker", "member", "observer", "admin"]:
        assert authenticate(username=username, password="demo") is not None, username
    assert Person.objects.get(user__username="taker").full_name == "Chris Kemmerer"
    assert authenticate(username="admin", password="demo").is_staff
