"""Upload → job → transcript → draft → review → accepted records, with transcript uploads (no ASR).
The recording path with a real worker and synthesised speech is in test_audio_pipeline.py."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from minutes.models import ActionItem, Attendance, Minutes
from tests.conftest import make_meeting
from transcription import services
from transcription.models import Draft, DraftItem, Recording, Segment, TranscriptionJob

VTT = """WEBVTT

1 "Dean Coclin" (1)
00:00:01.000 --> 00:00:06.000
Dean Coclin: Good morning everyone, let's get started. Chair Person here, I'll take attendance.

2 "Taker Person" (2)
00:00:07.000 --> 00:00:12.000
Taker Person: Taker Person from Example CA, I'll take the minutes today.

3 "Dean Coclin" (1)
00:00:13.000 --> 00:00:20.000
Dean Coclin: Member Person, can you take an action to send the redline of ballot CSC twenty-five by Friday?

4 "Member Person" (3)
00:00:21.000 --> 00:00:25.000
Member Person: Yes, I will send the redline of CSC-25 by Friday.

5 "Dean Coclin" (1)
00:00:26.000 --> 00:00:30.000
Dean Coclin: Thanks. No other business, the meeting is adjourned.
"""


def upload(client, meeting, content: bytes, name: str):
    return client.post(reverse("transcription:upload", args=[meeting.pk]), {"file": SimpleUploadedFile(name, content)})


@pytest.fixture
def meeting(group, cast):
    return make_meeting(group, dt.date(2024, 5, 16), minute_taker=cast["taker"].person)


@pytest.mark.django_db(transaction=True)
def test_transcript_upload_drafts_minutes_and_accepting_items_writes_records(client, cast, meeting):
    client.force_login(cast["taker"])
    response = upload(client, meeting, VTT.encode(), "meeting.txt")  # the content says VTT, whatever the name
    job = TranscriptionJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == "done" and job.percent == 100  # eager tasks ran on commit
    recording = job.recording
    assert recording.kind == "transcript" and recording.content_type == "vtt"
    assert Segment.objects.filter(transcript__recording=recording).count() == 5
    status = client.get(reverse("transcription:job_status", args=[job.pk])).json()
    assert status["status"] == "done" and status["review_url"]

    # Nothing is written to the meeting until an item is accepted.
    assert not ActionItem.objects.filter(meeting=meeting).exists()
    draft = Draft.objects.get(recording=recording)
    action = draft.items.filter(kind="action_item").first()
    assert action is not None and action.evidence_start is not None
    page = client.get(reverse("transcription:review", args=[recording.pk])).content.decode()
    assert action.payload["text"][:20] in page and f"#t={action.evidence_start:.1f}" in page

    response = client.post(reverse("transcription:review_item", args=[action.pk]), {"action": "accept"})
    assert response.status_code == 302
    item = ActionItem.objects.get(meeting=meeting)
    assert item.text == action.payload["text"] and item.start_seconds == action.evidence_start
    assert item.owner is not None and item.owner.full_name == "Member Person"
    minutes = Minutes.objects.get(meeting=meeting)
    assert item.text in minutes.body and minutes.revisions.exists()

    # Reject one, edit-and-accept another.
    attendees = list(draft.items.filter(kind="attendee"))
    assert len(attendees) >= 2
    client.post(reverse("transcription:review_item", args=[attendees[0].pk]), {"action": "reject"})
    client.post(
        reverse("transcription:review_item", args=[attendees[1].pk]),
        {"action": "edit", "name": "Grace Corrected", "organization": "Fixed Org"},
    )
    assert Attendance.objects.filter(meeting=meeting, person__full_name="Grace Corrected").exists()
    assert DraftItem.objects.get(pk=attendees[0].pk).status == "rejected"
    # A second accept of the same item is refused and changes nothing.
    client.post(reverse("transcription:review_item", args=[action.pk]), {"action": "accept"})
    assert ActionItem.objects.filter(meeting=meeting).count() == 1


@pytest.mark.django_db(transaction=True)
def test_running_a_job_twice_makes_one_transcript_and_one_draft(client, cast, meeting):
    client.force_login(cast["taker"])
    upload(client, meeting, VTT.encode(), "meeting.vtt")
    job = TranscriptionJob.objects.get()
    items = DraftItem.objects.count()
    assert services.job_run(job_id=job.pk) is False  # done already: nothing to claim
    TranscriptionJob.objects.filter(pk=job.pk).update(status="pending")  # a redelivered message
    assert services.job_run(job_id=job.pk) is True
    assert Draft.objects.count() == 1 and DraftItem.objects.count() == items
    assert Segment.objects.count() == 5


@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"", "empty.vtt", "empty"),
        (bytes(range(256)) * 64, "random.mp4", "not an audio or video file"),
        (b"PK\x03\x04" + bytes(300) + b"\x00\xff" * 500, "archive.wav", "not an audio or video file"),
    ],
)
def test_unreadable_uploads_are_refused_and_nothing_is_stored(client, cast, meeting, content, name, message):
    client.force_login(cast["taker"])
    response = upload(client, meeting, content, name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Recording.objects.exists() and not TranscriptionJob.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_malformed_transcript_fails_the_job_with_a_clear_message_and_keeps_the_upload(client, cast, meeting):
    client.force_login(cast["taker"])
    upload(client, meeting, b"WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nTime runs backwards\n\nnot a cue --> at all\n", "bad.vtt")
    job = TranscriptionJob.objects.get()
    assert job.status == "failed" and job.message
    assert Recording.objects.count() == 1
    assert "failed" in client.get(job.get_absolute_url()).content.decode().lower()


def test_an_upload_over_the_limit_is_refused_before_it_is_read(client, cast, meeting, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    client.force_login(cast["taker"])
    response = upload(client, meeting, b"WEBVTT\n\n" + b"x" * 200_000, "big.vtt")
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert not Recording.objects.exists()


@pytest.mark.parametrize("role, status", [
    ("anonymous", 302), ("observer", 403), ("outsider", 403), ("member", 403), ("taker", 200), ("chair", 200), ("staff", 200),
])
def test_who_may_upload(client, cast, meeting, role, status):
    if role != "anonymous":
        client.force_login(cast[role])
    assert client.get(reverse("transcription:upload", args=[meeting.pk])).status_code == status


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role, can_see, can_review", [
    ("observer", False, False), ("outsider", False, False), ("member", True, False), ("taker", True, True), ("chair", True, True),
])
def test_recordings_transcripts_and_drafts_are_private_to_the_group(client, cast, meeting, role, can_see, can_review):
    client.force_login(cast["taker"])
    upload(client, meeting, VTT.encode(), "meeting.vtt")
    job = TranscriptionJob.objects.get()
    item = DraftItem.objects.filter(kind="attendee").first()
    client.force_login(cast[role])
    urls = [
        job.get_absolute_url(),
        reverse("transcription:job_status", args=[job.pk]),
        reverse("transcription:recording_media", args=[job.recording_id]),
        reverse("transcription:review", args=[job.recording_id]),
    ]
    for url in urls:
        assert client.get(url).status_code == (200 if can_see else 404), url
    response = client.post(reverse("transcription:review_item", args=[item.pk]), {"action": "accept"})
    assert response.status_code == (302 if can_review else 403 if can_see else 404)
    item.refresh_from_db()
    assert (item.status == "accepted") is can_review


@pytest.mark.django_db(transaction=True)
def test_media_is_served_with_byte_ranges(client, cast, meeting):
    client.force_login(cast["taker"])
    upload(client, meeting, VTT.encode(), "meeting.vtt")
    recording = Recording.objects.get()
    response = client.get(reverse("transcription:recording_media", args=[recording.pk]), HTTP_RANGE="bytes=0-5")
    assert response.status_code == 206 and response.content == b"WEBVTT"
    assert response["Content-Range"].startswith("bytes 0-5/")
    assert client.get(reverse("transcription:recording_media", args=[recording.pk]), HTTP_RANGE="bytes=999999-").status_code == 416


def test_sweep_hands_over_lost_and_dead_jobs(db, meeting, settings):
    import datetime

    from django.utils import timezone

    recording = Recording.objects.create(meeting=meeting, token="t1", file="x.vtt", original_name="x.vtt", size=1, kind="transcript")
    lost = TranscriptionJob.objects.create(recording=recording)  # never reached the broker
    other = Recording.objects.create(meeting=meeting, token="t2", file="y.vtt", original_name="y.vtt", size=1, kind="transcript")
    dead = TranscriptionJob.objects.create(
        recording=other, status="running", heartbeat_at=timezone.now() - datetime.timedelta(hours=1)
    )
    handed = services.jobs_sweep()
    assert set(handed) == {lost.pk, dead.pk}
