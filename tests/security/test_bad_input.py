"""Hostile input, generated here: each bad file or text gets a 4xx or a failed job with a clear message,
never a 5xx, and nothing stored before it is changed. Good-but-odd input (right-to-left and combining
names, Markdown with scripts) is stored as given and shown escaped."""

from __future__ import annotations

import datetime as dt
import io
import time
import wave
import zipfile
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from minutes.models import Attendance, Meeting, Minutes, MinutesComment, Person, TopicPoint
from tests.conftest import make_meeting
from transcription.models import Recording, Segment, TranscriptionJob

from .conftest import snapshot

# -- the upload page --------------------------------------------------------------------------------


@pytest.fixture
def meeting(group, cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return make_meeting(group, dt.date(2024, 5, 16), minute_taker=cast["taker"].person)


def wav(seconds: float, rate: int = 16_000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(b"\x00\x00" * int(seconds * rate))
    return out.getvalue()


def zip_archive() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("minutes.txt", "not a recording " * 100)
    return out.getvalue()


def truncated_mp4() -> bytes | None:
    """Two seconds of AAC in MP4 written with PyAV, cut in half (the index at the end is lost)."""
    import av
    import numpy as np

    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        stream = container.add_stream("aac", rate=16_000)
        stream.layout = "mono"
        tone = (np.sin(np.arange(32_000) / 8) * 8000).astype("<i2").reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(tone, format="s16", layout="mono")
        frame.sample_rate = 16_000
        resampler = av.AudioResampler(format="fltp", layout="mono", rate=16_000, frame_size=stream.codec_context.frame_size or None)
        for chunk in [*resampler.resample(frame), *resampler.resample(None)]:
            for packet in stream.encode(chunk):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    whole = out.getvalue()
    return whole[: len(whole) // 2]


def vtt_with_cues(count: int) -> bytes:
    lines = ["WEBVTT", ""]
    for n in range(count):
        start = n * 2
        lines += [
            f"{start // 3600:02d}:{start // 60 % 60:02d}:{start % 60:02d}.000 --> "
            f"{(start + 1) // 3600:02d}:{(start + 1) // 60 % 60:02d}:{(start + 1) % 60:02d}.500",
            f"<v Speaker {n % 7}>Line {n} of a very long call about nothing in particular.",
            "",
        ]
    return "\n".join(lines).encode()


def post_upload(client, meeting, content: bytes, name: str, capture):
    with capture(execute=True):  # the job (eager in tests) runs once the upload is committed
        return client.post(reverse("transcription:upload", args=[meeting.pk]), {"file": _file(name, content)})


def _file(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


REFUSED = [
    ("empty.vtt", b"", "empty"),
    ("random.mp4", bytes(range(256)) * 256, "not an audio or video file"),
    ("archive.wav", zip_archive(), "not an audio or video file"),
    ("binary.vtt", b"\x00\x01\x02\xff" * 1000, "not an audio or video file"),
]
# Accepted as files, then failed by the worker with a message that says why.
FAILED_JOBS = [
    ("silent-zero.wav", wav(0), ("empty", "no speech", "not an audio")),
    ("broken.vtt", b"WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nTime runs backwards\n", ("ends", "before it starts")),
    ("garbled.vtt", b"WEBVTT\n\n00:00:aa.000 --> 00:00:01.000\nBad timing\n", ("timing", "not a readable")),
    ("no-header.vtt", b"00:00:01.000 --> 00:00:02.000\nHello\n", ("webvtt", "no spoken text", "not a readable")),
]


@pytest.mark.parametrize("name, content, message", REFUSED, ids=[r[0] for r in REFUSED])
def test_unreadable_upload_is_refused_with_a_reason_and_nothing_is_stored(
    client, cast, meeting, name, content, message, django_capture_on_commit_callbacks
):
    client.force_login(cast["taker"])
    before = snapshot()
    response = post_upload(client, meeting, content, name, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert snapshot() == before


def _accepted_or_failed(response, meeting, reasons):
    """A 4xx with a reason, or a stored upload whose job failed with a reason; never a 5xx."""
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:
        body = response.content.decode().lower()
        assert any(r in body for r in reasons), body[:2000]
        assert not Recording.objects.filter(meeting=meeting).exists()
        return None
    job = TranscriptionJob.objects.get(recording__meeting=meeting)
    assert job.status == TranscriptionJob.Status.FAILED, (job.status, job.message)
    assert any(r in job.message.lower() for r in reasons), job.message
    assert not Minutes.objects.filter(meeting=meeting, version__gt=1).exists()
    return job


@pytest.mark.parametrize("name, content, reasons", FAILED_JOBS, ids=[r[0] for r in FAILED_JOBS])
def test_a_file_that_cannot_be_transcribed_fails_its_job_with_a_reason(
    client, cast, meeting, name, content, reasons, django_capture_on_commit_callbacks
):
    client.force_login(cast["taker"])
    records = {"minutes": meeting.minutes.version, "topics": meeting.topics.count(), "items": meeting.action_items.count()}
    response = post_upload(client, meeting, content, name, django_capture_on_commit_callbacks)
    job = _accepted_or_failed(response, meeting, reasons)
    meeting.minutes.refresh_from_db()
    assert {"minutes": meeting.minutes.version, "topics": meeting.topics.count(), "items": meeting.action_items.count()} == records
    if job is not None:
        page = client.get(job.get_absolute_url())
        assert page.status_code == 200 and escape(job.message) in page.content.decode()


def test_a_failed_job_names_the_file_as_it_was_uploaded(client, cast, meeting, django_capture_on_commit_callbacks):
    client.force_login(cast["taker"])
    post_upload(
        client, meeting, b"WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nBackwards\n", "June call.vtt", django_capture_on_commit_callbacks
    )
    job = TranscriptionJob.objects.get(recording__meeting=meeting)
    assert job.status == TranscriptionJob.Status.FAILED
    assert job.recording.token not in job.message
    assert "June call.vtt" in job.message


def test_a_truncated_mp4_is_refused_or_fails_with_a_reason(client, cast, meeting, django_capture_on_commit_callbacks):
    client.force_login(cast["taker"])
    response = post_upload(client, meeting, truncated_mp4(), "cut.mp4", django_capture_on_commit_callbacks)
    _accepted_or_failed(response, meeting, ("truncated", "damaged", "not an audio", "no speech"))


@pytest.mark.parametrize("size", [200_000, 1_500], ids=["refused-from-its-length", "refused-while-streaming"])
def test_an_upload_over_the_limit_gets_413_and_nothing_is_stored(
    client, cast, meeting, settings, tmp_path, size, django_capture_on_commit_callbacks
):
    settings.UPLOAD_MAX_BYTES = 1_000
    client.force_login(cast["taker"])
    before = snapshot()
    response = post_upload(client, meeting, b"WEBVTT\n\n" + b"x" * size, "big.vtt", django_capture_on_commit_callbacks)
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert snapshot() == before
    assert not list((tmp_path / "media").rglob("*.vtt"))


def test_a_transcript_of_50000_cues_is_read_in_bounded_time(client, cast, meeting, django_capture_on_commit_callbacks):
    client.force_login(cast["taker"])
    started = time.monotonic()
    response = post_upload(client, meeting, vtt_with_cues(50_000), "long.vtt", django_capture_on_commit_callbacks)
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    job = TranscriptionJob.objects.get(recording__meeting=meeting)
    assert job.status in (TranscriptionJob.Status.DONE, TranscriptionJob.Status.FAILED), job.status
    if job.status == TranscriptionJob.Status.DONE:
        assert Segment.objects.filter(transcript__recording=job.recording).count() == 50_000
    else:
        assert job.message
    # About 0.6 ms a cue (mostly the draft builder's summaries), so 50,000 cues take ~30 s on a busy 2-core machine.
    assert elapsed < 120, f"50,000 cues took {elapsed:.0f} s"
    assert client.get(reverse("transcription:job_status", args=[job.pk])).status_code == 200


# -- Markdown and text in the draft editor and comments ---------------------------------------------

HOSTILE_POINTS = [
    "<script>alert('point')</script>",
    "[click me](javascript:alert('link'))",
    "<img src=x onerror=alert('img')>",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "1. " * 2_000 + "deep ordered list",
    "> " * 2_000 + "deep quote",
    "[" * 5_000 + "brackets" + "]" * 5_000,
]


def editor_data(minutes, *, points: list[str], decision: str = "", action: str = "") -> dict:
    data = {
        "version": str(minutes.version),
        "topics-TOTAL_FORMS": "1",
        "topics-INITIAL_FORMS": "0",
        "topics-0-title": "Hostile",
        "topics-0-points": "\n".join(points),
        "decisions-TOTAL_FORMS": "1" if decision else "0",
        "decisions-INITIAL_FORMS": "0",
        "actions-TOTAL_FORMS": "1" if action else "0",
        "actions-INITIAL_FORMS": "0",
    }
    if decision:
        data["decisions-0-text"] = decision
    if action:
        data["actions-0-text"] = action
    return data


class _Tags(HTMLParser):
    """Collects what a browser would act on: tags, their attributes and the text of scripts."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def assert_no_active_content(html: str) -> None:
    """No tag, attribute or script that came from the hostile text (shown as text, it is harmless)."""
    parser = _Tags()
    parser.feed(html)
    assert not any("alert" in script for script in parser.scripts), "a script from the input"
    assert not any(tag == "img" for tag, _ in parser.tags), "an <img> from the input"
    for tag, attrs in parser.tags:
        for name, value in attrs.items():
            assert not value.strip().lower().startswith(("javascript:", "data:")), f"<{tag} {name}={value!r}>"
            assert not (name.startswith("on") and "alert" in value), f"<{tag} {name}={value!r}>"


def test_markdown_with_scripts_links_and_deep_nesting_is_stored_and_shown_inert(client, cast, draft_meeting):
    client.force_login(cast["taker"])
    minutes = draft_meeting.minutes
    started = time.monotonic()
    response = client.post(
        reverse("minutes:minutes_edit", args=[draft_meeting.pk]),
        editor_data(minutes, points=HOSTILE_POINTS, decision="<script>alert('decision')</script>", action="[x](javascript:alert(1))"),
    )
    assert response.status_code == 302
    stored = list(TopicPoint.objects.filter(topic__meeting=draft_meeting).order_by("order").values_list("text", flat=True))
    assert stored[:4] == HOSTILE_POINTS[:4]
    for url in (
        draft_meeting.get_absolute_url(),
        reverse("minutes:minutes_edit", args=[draft_meeting.pk]),
        reverse("minutes:minutes_history", args=[draft_meeting.pk]) + "?a=1&b=2",
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert_no_active_content(page.content.decode())
    preview = client.post(
        reverse("minutes:minutes_edit", args=[draft_meeting.pk]),
        {**editor_data(Minutes.objects.get(pk=minutes.pk), points=HOSTILE_POINTS), "preview": "1"},
    )
    assert preview.status_code == 200
    assert_no_active_content(preview.content.decode())
    assert time.monotonic() - started < 30


def test_a_10_mb_draft_is_refused_with_4xx_and_nothing_is_stored(client, cast, draft_meeting):
    client.force_login(cast["taker"])
    before = snapshot()
    nested = "\n".join("  " * (n % 50) + "- item" for n in range(1_200_000))  # about 10 MB of nested list
    response = client.post(reverse("minutes:minutes_edit", args=[draft_meeting.pk]), editor_data(draft_meeting.minutes, points=[nested]))
    assert 400 <= response.status_code < 500
    assert snapshot() == before


def test_comments_with_scripts_are_shown_escaped_and_oversized_ones_are_refused(client, cast, group):
    meeting = make_meeting(group, dt.date(2024, 2, 1), status=Minutes.Status.CIRCULATED)
    client.force_login(cast["member"])
    url = reverse("minutes:minutes_comment", args=[meeting.pk])
    assert client.post(url, {"text": "<script>alert('c')</script> [x](javascript:alert(2))"}).status_code == 302
    assert MinutesComment.objects.get().text.startswith("<script>")
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert" in page
    assert_no_active_content(page)
    before = snapshot()
    response = client.post(url, {"text": "- " * 50_000})
    assert response.status_code in (302, 400)
    assert snapshot() == before


# -- attendance: names from anywhere ----------------------------------------------------------------

NAMES = [
    ("مريم العلي", "شركة الشهادات"),  # Arabic, right to left
    ("דוד כהן", "Example CA"),  # Hebrew
    ("Zoe\u0308 Nguye\u0302\u0303n", "Ac\u0327me"),  # combining diaeresis, circumflex + tilde, cedilla
    ("Eve \u202emaerts", "Mirror\u202c Org"),  # a right-to-left override inside a name
]


def test_attendance_guests_with_rtl_and_combining_names_are_stored_as_given_and_shown_escaped(client, cast, draft_meeting):
    client.force_login(cast["taker"])
    guests = "\n".join(f"{name} – {org}" for name, org in NAMES)
    response = client.post(reverse("minutes:meeting_attendance", args=[draft_meeting.pk]), {"guests": guests})
    assert response.status_code == 302
    stored = set(Attendance.objects.filter(meeting=draft_meeting).values_list("person__full_name", "organization__name"))
    assert stored == set(NAMES)
    page = client.get(draft_meeting.get_absolute_url())
    assert page.status_code == 200
    body = page.content.decode()
    for name, _org in NAMES:
        assert name in body
    # Saving the same guests again finds them instead of creating them twice.
    client.post(reverse("minutes:meeting_attendance", args=[draft_meeting.pk]), {"guests": guests})
    assert Person.objects.filter(full_name__in=[n for n, _ in NAMES]).count() == len(NAMES)


ONLY_MARKS = pytest.param(
    "\u0301\u0301 – Org",
    id="only-marks",
)


@pytest.mark.parametrize("guests", [pytest.param("x", id="too-short"), pytest.param("A" * 5_000 + " – Org", id="too-long"), ONLY_MARKS])
def test_attendance_guest_lines_that_are_not_names_are_refused(client, cast, draft_meeting, guests):
    client.force_login(cast["taker"])
    before = snapshot()
    response = client.post(reverse("minutes:meeting_attendance", args=[draft_meeting.pk]), {"guests": guests})
    assert response.status_code in (200, 400)
    assert "Full Name" in response.content.decode()
    assert snapshot() == before


# -- the importer -----------------------------------------------------------------------------------

NOT_YAML = """---
title: [unclosed
date: : :
\t- tabs are not YAML indentation
---

## Attendees

Someone (Somewhere)
"""


def test_import_of_a_post_whose_front_matter_is_not_yaml_fails_cleanly(db, tmp_path, cast, group):
    post = tmp_path / "bad.md"
    post.write_text(NOT_YAML)
    before = snapshot()
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_minutes", str(post), "--group", group.slug, stdout=out, stderr=err)
    except Exception as exc:  # a CommandError is a clean refusal; anything else is a crash
        from django.core.management import CommandError

        assert isinstance(exc, CommandError), repr(exc)
    assert "Traceback" not in out.getvalue() + err.getvalue()
    assert "bad.md" in out.getvalue() + err.getvalue()
    assert snapshot() == before
    assert not Meeting.objects.exists()


def test_api_import_of_a_post_whose_front_matter_is_not_yaml_is_a_400(cast, group):
    client = Client()
    client.force_login(cast["chair"])
    before = snapshot()
    response = client.post(f"/api/meetings/import/?group={group.slug}", NOT_YAML, content_type="text/markdown")
    assert response.status_code == 400, response.content[:500]
    assert snapshot() == before
