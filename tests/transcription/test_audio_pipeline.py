"""A synthesised recording goes through upload → a real worker (speech-to-text, drafting) → progress →
review → accepted records. Uses the small tiny.en model; skipped where espeak-ng is missing."""

import datetime as dt
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from minutes.models import Topic
from tests.conftest import make_meeting
from transcription.models import DraftItem, Segment, TranscriptionJob

from .audio_fixtures import require_espeak, speak_script, write_wav

SCRIPT = [
    ("en-us", "Good morning everyone. The first topic is the key protection proposal for code signing."),
    ("en-gb", "We reviewed the draft of the proposal. Hardware crypto modules remain required for subscriber keys."),
    ("en-us", "The working group agreed to extend the discussion period by one week."),
    ("en-us", "Thank you. The meeting is adjourned."),
]


@pytest.fixture
def tiny_model(monkeypatch, settings):
    """The worker process reads the model from its environment; tiny.en keeps the test fast."""
    monkeypatch.setenv("WHISPER_MODEL", "tiny.en")
    settings.WHISPER_MODEL = "tiny.en"


@pytest.mark.worker
def test_a_recording_becomes_reviewed_minutes_through_a_real_worker(client, cast, group, tiny_model, worker, tmp_path):
    require_espeak()
    audio, _lines = speak_script(SCRIPT)
    wav = write_wav(tmp_path / "meeting.wav", audio)
    meeting = make_meeting(group, dt.date(2024, 6, 6), minute_taker=cast["taker"].person)
    client.force_login(cast["taker"])

    response = client.post(
        reverse("transcription:upload", args=[meeting.pk]),
        {"file": SimpleUploadedFile("call.mp4", wav.read_bytes())},  # the content is WAV, whatever the name says
    )
    assert response.status_code == 302
    job = TranscriptionJob.objects.get()
    seen = set()
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        status = client.get(reverse("transcription:job_status", args=[job.pk])).json()
        seen.add(status["stage"])
        if status["status"] in ("done", "failed"):
            break
        time.sleep(0.5)
    assert status["status"] == "done", status
    assert status["percent"] == 100 and status["review_url"]
    segments = " ".join(Segment.objects.filter(transcript__recording=job.recording).values_list("text", flat=True)).lower()
    assert "working group" in segments and "adjourned" in segments

    topic = DraftItem.objects.filter(draft__recording=job.recording, kind="topic").first()
    assert topic is not None and topic.evidence_start is not None
    review = client.get(status["review_url"]).content.decode()
    assert "<audio" in review
    client.post(reverse("transcription:review_item", args=[topic.pk]), {"action": "accept"})
    stored = Topic.objects.get(meeting=meeting)
    assert stored.title == topic.payload["title"] and stored.start_seconds == topic.evidence_start


def test_silence_fails_the_job_with_no_speech_found(db, client, cast, group, tmp_path, settings, django_capture_on_commit_callbacks):
    from .audio_fixtures import silence

    settings.WHISPER_MODEL = "tiny.en"
    wav = write_wav(tmp_path / "quiet.wav", silence(3.0))
    meeting = make_meeting(group, dt.date(2024, 6, 6), minute_taker=cast["taker"].person)
    client.force_login(cast["taker"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("transcription:upload", args=[meeting.pk]), {"file": SimpleUploadedFile("q.wav", wav.read_bytes())})
    job = TranscriptionJob.objects.get()
    assert job.status == "failed" and "no speech" in job.message.lower()
    assert job.recording.file.size > 0  # the upload is kept
