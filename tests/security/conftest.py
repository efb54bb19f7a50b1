"""A world with something private of each kind (draft minutes, a redacted passage, an action item, a
recording with its transcript and draft), something for every write to act on, and helpers that
prove a refused request stored nothing."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ballots.models import Ballot, BallotVersion, Endorsement, F2FMeeting, Goal
from cscwg.celery import app as celery_app
from minutes import services
from minutes.models import ActionItem, Minutes, Organization, Person, Role, TopicPoint, WorkingGroup
from tests.ballots.factories import make_members
from tests.conftest import make_meeting, make_user
from transcription import services as transcription_services
from transcription.models import DraftItem, TranscriptionJob

ROLES = ("anonymous", "observer", "outsider", "member", "taker", "chair", "staff")
# Roles that may read nothing private of the group: anything they are shown must be free of these.
NOT_MEMBERS = ("anonymous", "observer", "outsider")
# One word in each private thing of the world; none may reach a page or API answer shown to NOT_MEMBERS.
SECRETS = {
    "zircon": "a topic of draft minutes",
    "garnet": "an action item of draft minutes",
    "basalt": "a passage redacted from final minutes",
    "quartz": "a line of a transcript",
}
TRANSCRIPT = """WEBVTT

00:00:01.000 --> 00:00:06.000
<v Chair Person>Good morning, the quartz budget is confidential. Member Person, can you take an action to send the redline by Friday?

00:00:07.000 --> 00:00:10.000
<v Member Person>Yes, I will send the redline by Friday.
"""
APPS = ("minutes", "ballots", "transcription", "authtoken")


def snapshot() -> dict[str, list[tuple]]:
    """Every stored row of the project's apps, to compare before and after a request."""
    rows = {}
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            rows[model._meta.label] = list(model.objects.order_by("pk").values_list())
    return rows


WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
# Logging in and out writes these; they hold no record of the groups.
BOOKKEEPING = {"django_session", "auth_user"}


@contextlib.contextmanager
def tables_written() -> Iterator[list[str]]:
    """The tables a block wrote to (INSERT, UPDATE or DELETE), read from the SQL it ran."""
    written: list[str] = []
    with CaptureQueriesContext(connection) as queries:
        yield written
    for query in queries.captured_queries:
        match = WRITE.match(query["sql"])
        if match and match.group(1) not in BOOKKEEPING and match.group(1) not in written:
            written.append(match.group(1))


def upload_file(content: bytes = TRANSCRIPT.encode(), name: str = "call.vtt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def build_world(cast: dict, group: WorkingGroup, other_group: WorkingGroup) -> dict:
    """The private things, and one target for each write; returns the ids the URLs need."""
    members = make_members(group)
    taker = cast["taker"].person

    final = make_meeting(group, dt.date(2023, 12, 14), minute_taker=taker, title="December call")
    services.minutes_save(
        minutes=final.minutes,
        sections={
            "topics": [{"title": "Roadmap", "points": ["Public point on the roadmap.", "Basalt vendor pricing was read out."]}],
            "decisions": [],
            "action_items": [],
        },
        expected_version=final.minutes.version,
    )
    Minutes.objects.filter(meeting=final).update(status=Minutes.Status.FINAL, circulated_at=final.starts_at)
    TopicPoint.objects.filter(text__startswith="Basalt").update(is_private=True)

    draft = make_meeting(group, dt.date(2024, 1, 11), minute_taker=taker, title="January call")
    services.minutes_save(
        minutes=draft.minutes,
        sections={
            "topics": [{"title": "Zircon pricing", "points": ["Not public yet."]}],
            "decisions": [],
            "action_items": [{"text": "Garnet: send the pricing redline", "owner": cast["member"].person, "due": None}],
        },
        expected_version=draft.minutes.version,
    )
    services.minutes_save(
        minutes=Minutes.objects.get(meeting=draft),
        sections={
            "topics": [{"title": "Zircon pricing", "points": ["Not public yet.", "Second version."]}],
            "decisions": [],
            "action_items": [
                {
                    "text": "Garnet: send the pricing redline",
                    "owner": cast["member"].person,
                    "due": None,
                    "id": ActionItem.objects.get(meeting=draft).pk,
                }
            ],
        },
        expected_version=Minutes.objects.get(meeting=draft).version,
    )
    circulated = make_meeting(group, dt.date(2024, 1, 25), status=Minutes.Status.CIRCULATED, minute_taker=taker, title="Late January call")
    later = services.meeting_schedule(
        group=group,
        title="February call",
        starts_at=dt.datetime(2024, 2, 8, 16, tzinfo=dt.UTC),
        time_zone="America/New_York",
    )
    other = make_meeting(other_group, dt.date(2024, 1, 18), title="Other group's call")

    with TestCase.captureOnCommitCallbacks(execute=True):  # the (eager) jobs run as their rows are committed
        recording_job = transcription_services.recording_upload(meeting=draft, upload=upload_file(), user=cast["taker"])
        failed_job = transcription_services.recording_upload(
            meeting=draft, upload=upload_file(b"WEBVTT\n\nnot a cue --> at all\n", "bad.vtt"), user=cast["taker"]
        )
    recording_job = TranscriptionJob.objects.select_related("recording").get(pk=recording_job.pk)
    failed_job = TranscriptionJob.objects.get(pk=failed_job.pk)
    assert recording_job.status == "done" and failed_job.status == "failed"
    draft_item = DraftItem.objects.filter(draft__recording=recording_job.recording, status="pending").first()

    now = timezone.now()
    proposer = members["issuer_a"][1]

    def ballot(identifier, status, **fields):
        b = Ballot.objects.create(
            identifier=identifier,
            group=group,
            title=f"Ballot {identifier}",
            proposer=proposer,
            status=status,
            last_version_at=now - dt.timedelta(days=8),
            **fields,
        )
        BallotVersion.objects.create(ballot=b, number=1, label="v1", text="Text", posted_at=now - dt.timedelta(days=8))
        return b

    draft_ballot = ballot("CSC-40", "draft")
    discussion = ballot("CSC-41", "discussion", discussion_started_at=now - dt.timedelta(days=8))
    for key in ("issuer_b", "consumer_m"):
        Endorsement.objects.create(ballot=discussion, person=members[key][1], organization=members[key][0])
    voting = ballot(
        "CSC-42", "voting", voting_started_at=now - dt.timedelta(days=1), voting_ends_at=now + dt.timedelta(days=6), quorum_required=1
    )
    review = ballot(
        "CSC-43", "ipr_review", ipr_review_started_at=now - dt.timedelta(days=1), ipr_review_ends_at=now + dt.timedelta(days=29)
    )
    f2f_before = F2FMeeting.objects.create(number=60, title="F2F 60", starts_on=dt.date(2023, 6, 1), ends_on=dt.date(2023, 6, 2))
    f2f = F2FMeeting.objects.create(number=61, title="F2F 61", starts_on=dt.date(2024, 3, 1), ends_on=dt.date(2024, 3, 2))
    goal = Goal.objects.create(group=group, f2f=f2f_before, title="Carry me", status=Goal.Status.ACTIVE)
    member_person = cast["member"].person
    member_person.calendar_token = "t" * 40
    member_person.save(update_fields=["calendar_token"])
    return {
        "slug": group.slug,
        "other_slug": other_group.slug,
        "final": final.pk,
        "draft": draft.pk,
        "circulated": circulated.pk,
        "later": later.pk,
        "other": other.pk,
        "draft_version": Minutes.objects.get(meeting=draft).version,
        "action_item": ActionItem.objects.get(meeting=draft).pk,
        "private_point": TopicPoint.objects.get(text__startswith="Basalt").pk,
        "job": recording_job.pk,
        "failed_job": failed_job.pk,
        "recording": recording_job.recording_id,
        "draft_item": draft_item.pk,
        "media_path": recording_job.recording.file.name,
        "draft_ballot": draft_ballot.identifier,
        "discussion": discussion.identifier,
        "voting": voting.identifier,
        "review": review.identifier,
        "f2f_before": f2f_before.number,
        "f2f": f2f.number,
        "goal": goal.pk,
        "calendar_token": member_person.calendar_token,
        "endorser": members["issuer_c"][1].pk,
        "org": members["issuer_a"][0].pk,
        "owner": cast["member"].person.pk,
        "member_person": member_person.pk,
        "group": group.pk,
        "proposer": proposer.pk,
    }


def build_cast() -> tuple[dict, WorkingGroup, WorkingGroup]:
    """tests/conftest.py's cast, for a world that outlives one test."""
    group = WorkingGroup.objects.create(name="Code Signing Certificate Working Group", slug="cscwg", short_name="CSCWG")
    other_group = WorkingGroup.objects.create(name="Server Certificate Working Group", slug="scwg", short_name="SCWG")
    org = Organization.objects.create(name="Example CA", member_class="certificate_issuer")
    cast = {}
    for name, kind, in_group in [
        ("chair", Role.Kind.CHAIR, group),
        ("taker", Role.Kind.MEMBER, group),
        ("member", Role.Kind.MEMBER, group),
        ("observer", Role.Kind.OBSERVER, group),
        ("outsider", Role.Kind.MEMBER, other_group),
    ]:
        person = Person.objects.create(full_name=f"{name.title()} Person", organization=org)
        Role.objects.create(person=person, group=in_group, kind=kind)
        cast[name] = make_user(name, person=person)
    cast["staff"] = make_user("staff", is_staff=True)
    return cast, group, other_group


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One world for a whole module (built once: it takes a while), in a transaction rolled back at the
    module's end. Tests that use it are marked django_db, so each runs in a savepoint rolled back after it."""
    media = tmp_path_factory.mktemp("media")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=fast), transaction.atomic():
        celery_app.conf.task_always_eager = True
        cast, group, other_group = build_cast()
        world = build_world(cast, group, other_group)
        celery_app.conf.task_always_eager = False
        yield {"world": world, "cast": cast}
        transaction.set_rollback(True)
