"""The minutes cycle: schedule → agenda → attendance → draft → conflict → circulate → comment →
approve at the next meeting → final → public page without the redacted passage."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from minutes import services
from minutes.models import ActionItem, AgendaItem, Meeting, Minutes, MinutesEvent, Person, Role
from tests.conftest import NEW_YORK, make_meeting


def editor_post(meeting, *, version, topics=(), decisions=(), actions=(), extra=None):
    """POST data for the draft editor's three formsets."""
    data = {"version": str(version), "save": "1"}
    for prefix, rows in (("topics", topics), ("decisions", decisions), ("actions", actions)):
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = str(sum(1 for r in rows if r.get("id")))
        for i, row in enumerate(rows):
            for key, value in row.items():
                data[f"{prefix}-{i}-{key}"] = "" if value is None else str(value)
    data.update(extra or {})
    return data


@pytest.fixture
def people(cast, org):
    for user in cast.values():
        if getattr(user, "person", None):
            user.email = f"{user.username}@example.org"
            user.save()
    return {name: user.person for name, user in cast.items() if name != "staff"}


@pytest.mark.django_db(transaction=True)
def test_the_whole_minutes_cycle(client, cast, group, people, django_capture_on_commit_callbacks):
    chair, taker, member = cast["chair"], cast["taker"], cast["member"]

    # An earlier meeting with circulated minutes and an open action item, to be carried over.
    earlier = make_meeting(group, dt.date(2024, 1, 4), status=Minutes.Status.CIRCULATED)
    carried = ActionItem.objects.create(meeting=earlier, owner=people["member"], text="Send the redline")

    # 1. The chair schedules a meeting; its agenda proposes the pending approval and the carried item.
    client.force_login(chair)
    response = client.post(
        reverse("minutes:meeting_new", args=[group.slug]),
        {"title": "2024-01-18 CSCWG call", "date": "2024-01-18", "time": "11:00", "time_zone": "America/New_York",
         "kind": "teleconference", "location": "", "chair": people["chair"].pk, "minute_taker": people["taker"].pk},
    )
    meeting = Meeting.objects.get(title="2024-01-18 CSCWG call")
    assert response.status_code == 302
    assert meeting.starts_at == dt.datetime(2024, 1, 18, 16, 0, tzinfo=dt.UTC)
    agenda = list(meeting.agenda_items.values_list("kind", "title"))
    assert agenda[0] == ("roll_call", "Roll call") and agenda[-1] == ("adjourn", "Adjourn")
    assert AgendaItem.objects.get(meeting=meeting, approval_of=earlier).kind == "approval"
    assert AgendaItem.objects.get(meeting=meeting, action_item=carried).kind == "action_item"
    assert "Send the redline" in client.get(reverse("minutes:meeting_agenda", args=[meeting.pk])).content.decode()

    # 2. Attendance, with a guest and regrets; the antitrust statement read by the chair.
    response = client.post(
        reverse("minutes:meeting_attendance", args=[meeting.pk]),
        {"present": [people["chair"].pk, people["taker"].pk, people["member"].pk], "regrets": [people["observer"].pk],
         "guests": "Grace Guest – Guest Org", "antitrust_kind": "antitrust", "antitrust_read_by": people["chair"].pk},
    )
    assert response.status_code == 302
    assert meeting.attendances.filter(status="present").count() == 4
    assert meeting.attendances.get(person__full_name="Grace Guest").organization.name == "Guest Org"
    assert meeting.antitrust_reading.read_by == people["chair"]

    # 3. The minute taker drafts the minutes; a second, stale save is refused with a conflict.
    client.force_login(taker)
    minutes = meeting.minutes
    data = editor_post(
        meeting, version=minutes.version,
        topics=[{"title": "Ballot CSC-30", "points": "Redline reviewed\nVoting next week"},
                {"title": "Confidential matter", "points": "Vendor X incident details"}],
        decisions=[{"text": "Start voting on CSC-30", "topic": "Ballot CSC-30"}],
        actions=[{"owner": people["member"].pk, "text": "Post the final redline", "due": "2024-01-25", "topic": "Ballot CSC-30"}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("minutes:minutes_edit", args=[meeting.pk]), data).status_code == 302
    minutes.refresh_from_db()
    assert minutes.version == 2
    assert meeting.topics.count() == 2 and meeting.decisions.count() == 1
    assert [m.to for m in mail.outbox] == [["member@example.org"]]  # action item assigned, sent after commit
    stale = editor_post(meeting, version=1, topics=[{"title": "Overwritten?", "points": ""}])
    response = client.post(reverse("minutes:minutes_edit", args=[meeting.pk]), stale)
    assert response.status_code == 409
    assert "Someone else saved these minutes" in response.content.decode()
    assert "Overwritten?" in response.content.decode()  # the stale text is still on the page
    assert not meeting.topics.filter(title="Overwritten?").exists()
    assert minutes.revisions.count() == 1

    # 4. Circulate: mail to the group after commit.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("minutes:minutes_circulate", args=[meeting.pk]))
    minutes.refresh_from_db()
    assert minutes.status == "circulated"
    assert len(mail.outbox) == 1 and "member@example.org" in mail.outbox[0].to and "for review" in mail.outbox[0].subject

    # 5. A member comments on a section.
    client.force_login(member)
    topic = meeting.topics.get(title="Ballot CSC-30")
    response = client.post(reverse("minutes:minutes_comment", args=[meeting.pk]), {"topic": topic.pk, "text": "Add the date"})
    assert response.status_code == 302
    assert minutes.comments.get().section == "Ballot CSC-30"

    # 6. The chair redacts a passage and records the approval at the next meeting: the minutes become final.
    client.force_login(chair)
    secret = meeting.topics.get(title="Confidential matter")
    client.post(reverse("minutes:meeting_redact", args=[meeting.pk]), {"kind": "topic", "id": secret.pk, "private": "1"})
    nxt = make_meeting(group, dt.date(2024, 2, 1), status=Minutes.Status.DRAFT)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("minutes:meeting_record_approval", args=[nxt.pk]),
            {"of_meeting": meeting.pk, "outcome": "approved_with_changes", "note": "Date added to CSC-30"},
        )
    assert response.status_code == 302
    minutes.refresh_from_db()
    assert minutes.status == "final"
    assert nxt.approvals_made.get().note == "Date added to CSC-30"
    assert "approved" in mail.outbox[0].subject

    # 7. The public page shows the final minutes without the redacted topic; members still see it.
    client.logout()
    public = client.get(meeting.get_absolute_url()).content.decode()
    assert "Ballot CSC-30" in public and "Start voting on CSC-30" in public
    assert "Vendor X" not in public, public[public.find("Vendor X") - 300:]
    assert "Confidential matter" not in public, public[public.find("Confidential matter") - 300:]
    client.force_login(member)
    assert "Confidential matter" in client.get(meeting.get_absolute_url()).content.decode()
    assert "Confidential matter" not in services.minutes_to_form(
        services.meeting_with_records().get(pk=meeting.pk), include_private=False
    )["topics"]


def test_illegal_transitions_are_refused_with_a_clear_message(group, cast):
    draft = make_meeting(group, dt.date(2024, 1, 4))
    later = make_meeting(group, dt.date(2024, 1, 18))
    with pytest.raises(services.WorkflowError, match="never circulated"):
        services.minutes_record_approval(minutes=draft.minutes, acted_at=later, outcome="approved")
    final = make_meeting(group, dt.date(2023, 12, 1), status=Minutes.Status.FINAL)
    with pytest.raises(services.WorkflowError, match="can no longer be edited"):
        services.minutes_save(minutes=final.minutes, sections={}, expected_version=1)
    with pytest.raises(services.WorkflowError, match="Only a draft"):
        services.minutes_circulate(minutes=final.minutes)
    circulated = make_meeting(group, dt.date(2024, 1, 11), status=Minutes.Status.CIRCULATED)
    with pytest.raises(services.WorkflowError, match="later meeting"):
        services.minutes_record_approval(minutes=circulated.minutes, acted_at=draft, outcome="approved")
    with pytest.raises(services.WorkflowError, match="which changes"):
        services.minutes_record_approval(minutes=circulated.minutes, acted_at=later, outcome="approved_with_changes")


def test_deferred_approval_keeps_minutes_circulated(group):
    earlier = make_meeting(group, dt.date(2024, 1, 4), status=Minutes.Status.CIRCULATED)
    later = make_meeting(group, dt.date(2024, 1, 18))
    services.minutes_record_approval(minutes=earlier.minutes, acted_at=later, outcome="deferred", note="More time to review")
    earlier.minutes.refresh_from_db()
    assert earlier.minutes.status == "circulated"
    assert earlier.minutes.events.filter(kind="deferred").exists()


def test_restore_makes_an_old_version_current_and_keeps_history(group, cast):
    meeting = make_meeting(group, dt.date(2024, 1, 4))
    minutes = meeting.minutes
    services.minutes_save(minutes=minutes, sections={"topics": [{"title": "First", "points": ["a"]}]}, expected_version=1)
    services.minutes_save(minutes=minutes, sections={"topics": [{"title": "Second", "points": []}]}, expected_version=2)
    services.minutes_restore(minutes=minutes, version=2, expected_version=3)
    minutes.refresh_from_db()
    assert minutes.version == 4
    assert list(meeting.topics.values_list("title", flat=True)) == ["First"]
    assert list(minutes.revisions.values_list("version", flat=True)) == [4, 3, 2]
    client_diff = services.MinutesRevision.objects.get(minutes=minutes, version=3).body
    assert "Second" in client_diff


def test_agenda_build_is_idempotent(group):
    earlier = make_meeting(group, dt.date(2024, 1, 4), status=Minutes.Status.CIRCULATED)
    ActionItem.objects.create(meeting=earlier, text="Carry me")
    meeting = services.meeting_schedule(
        group=group, title="Next", starts_at=dt.datetime(2024, 1, 18, 11, tzinfo=NEW_YORK), time_zone="America/New_York"
    )
    count = meeting.agenda_items.count()
    services.agenda_build(meeting=meeting)
    assert meeting.agenda_items.count() == count == 10


# -- the three-week rule and reminders, with a frozen clock


def circulated_on(group, day: dt.date) -> Minutes:
    meeting = make_meeting(group, day - dt.timedelta(days=1), status=Minutes.Status.DRAFT)
    with time_machine.travel(dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC), tick=False):
        return services.minutes_circulate(minutes=meeting.minutes)


def test_minutes_become_final_after_three_weeks_without_a_meeting(group):
    minutes = circulated_on(group, dt.date(2024, 3, 1))
    with time_machine.travel(dt.datetime(2024, 3, 21, 12, tzinfo=dt.UTC), tick=False):
        assert services.minutes_auto_finalize() == []
    with time_machine.travel(dt.datetime(2024, 3, 22, 13, tzinfo=dt.UTC), tick=False):
        assert services.minutes_auto_finalize() == [minutes.pk]
        assert services.minutes_auto_finalize() == []  # running twice has one effect
    minutes.refresh_from_db()
    assert minutes.status == "final"
    assert "Bylaws 5.1(1)" in minutes.events.get(kind=MinutesEvent.Kind.FINALIZED).note


def test_minutes_do_not_become_final_when_a_meeting_was_held_in_the_three_weeks(group):
    minutes = circulated_on(group, dt.date(2024, 3, 1))
    make_meeting(group, dt.date(2024, 3, 14), status=None)
    with time_machine.travel(dt.datetime(2024, 3, 25, tzinfo=dt.UTC), tick=False):
        assert services.minutes_auto_finalize() == []
    minutes.refresh_from_db()
    assert minutes.status == "circulated"


def test_reminders_are_sent_once_for_due_soon_and_overdue_items(group, cast):
    from minutes.tasks import minutes_tick

    cast["member"].email = "member@example.org"
    cast["member"].save()
    meeting = make_meeting(group, dt.date(2024, 3, 1))
    owner = cast["member"].person
    ActionItem.objects.create(meeting=meeting, owner=owner, text="Due soon", due=dt.date(2024, 3, 12))
    ActionItem.objects.create(meeting=meeting, owner=owner, text="Late", due=dt.date(2024, 3, 5))
    ActionItem.objects.create(meeting=meeting, owner=owner, text="Later", due=dt.date(2024, 4, 5))
    with time_machine.travel(dt.datetime(2024, 3, 10, 12, tzinfo=dt.UTC), tick=False):
        minutes_tick()
        minutes_tick()
    subjects = sorted(m.subject for m in mail.outbox)
    assert len(subjects) == 2
    assert "due in 2 days: Due soon" in subjects[0] and "overdue: Late" in subjects[1]


# -- every page and action as each role

ROLES = ["anonymous", "observer", "outsider", "member", "taker", "chair", "staff"]


def login(client, cast, role):
    if role != "anonymous":
        client.force_login(cast[role])
    return client


def expected(role, allowed: set[str]) -> int:
    if role == "anonymous":
        return 302  # sent to log in
    return 200 if role in allowed else 403


@pytest.mark.parametrize("role", ROLES)
def test_pages_of_the_workflow_by_role(client, cast, group, draft_meeting, role):
    login(client, cast, role)
    managers = {"chair", "staff"}
    assert client.get(reverse("minutes:meeting_new", args=[group.slug])).status_code == expected(role, managers)
    assert client.get(reverse("minutes:meeting_attendance", args=[draft_meeting.pk])).status_code == expected(role, managers | {"taker"})
    assert client.get(reverse("minutes:minutes_edit", args=[draft_meeting.pk])).status_code == expected(role, managers | {"taker"})
    assert client.get(reverse("minutes:meeting_agenda", args=[draft_meeting.pk])).status_code == 200
    history = client.get(reverse("minutes:minutes_history", args=[draft_meeting.pk])).status_code
    assert history == (200 if role in {"member", "taker", "chair", "staff"} else 404)


@pytest.mark.parametrize("role", ROLES)
def test_forged_posts_are_refused_for_read_only_roles(client, cast, group, draft_meeting, role):
    login(client, cast, role)
    allowed = role in {"taker", "chair", "staff"}
    response = client.post(reverse("minutes:minutes_circulate", args=[draft_meeting.pk]))
    assert response.status_code == (302 if allowed or role == "anonymous" else 403)
    draft_meeting.minutes.refresh_from_db()
    assert (draft_meeting.minutes.status == "circulated") is allowed
    topic = draft_meeting.topics.create(title="T")
    response = client.post(reverse("minutes:meeting_redact", args=[draft_meeting.pk]), {"kind": "topic", "id": topic.pk, "private": "1"})
    topic.refresh_from_db()
    assert topic.is_private is (role in {"chair", "staff"})


@pytest.mark.parametrize("role, can_close", [("member", True), ("chair", True), ("taker", False), ("observer", False)])
def test_only_the_owner_or_a_chair_closes_an_action_item(client, cast, draft_meeting, role, can_close):
    item = ActionItem.objects.create(meeting=draft_meeting, owner=cast["member"].person, text="Do it")
    login(client, cast, role).post(reverse("minutes:action_item_complete", args=[item.pk]), {"status": "done", "note": "ok"})
    item.refresh_from_db()
    assert (item.status == "done") is can_close


def test_my_action_items_shows_overdue_due_soon_and_review_queue(client, cast, group):
    meeting = make_meeting(group, dt.date(2024, 1, 4), status=Minutes.Status.CIRCULATED)
    owner = cast["member"].person
    ActionItem.objects.create(meeting=meeting, owner=owner, text="Old one", due=dt.date(2000, 1, 1))
    client.force_login(cast["member"])
    body = client.get(reverse("minutes:my_action_items"), follow=True).content.decode()
    assert "Old one" in body and "overdue" in body
    assert "My review queue" in body and meeting.title in body


def test_script_typed_into_the_draft_never_runs(client, cast, draft_meeting):
    client.force_login(cast["taker"])
    data = editor_post(draft_meeting, version=1, topics=[{"title": "<script>alert(1)</script>", "points": "<img src=x onerror=alert(2)>"}])
    assert client.post(reverse("minutes:minutes_edit", args=[draft_meeting.pk]), data).status_code == 302
    for url in (draft_meeting.get_absolute_url(), reverse("minutes:minutes_history", args=[draft_meeting.pk])):
        body = client.get(url).content.decode()
        assert "<script>alert(1)" not in body and "<img src=x" not in body


def test_guest_lines_that_are_not_names_are_rejected(client, cast, draft_meeting):
    client.force_login(cast["chair"])
    response = client.post(reverse("minutes:meeting_attendance", args=[draft_meeting.pk]), {"guests": "x"})
    assert response.status_code == 400 and "Full Name" in response.content.decode()
    assert not Person.objects.filter(full_name="x").exists()
    assert Role.objects.count() == 5
