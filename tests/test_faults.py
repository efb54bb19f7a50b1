"""Faults: a worker killed mid-job, the broker down at upload, the database connection lost during a
request, and two people saving or voting at the same moment.

The worker tests start real `celery worker` processes on the test database and broker (the filesystem
broker by default, Redis with CELERY_BROKER_URL); the concurrency tests use one thread, and so one
database connection, per request. They are meant for PostgreSQL + Redis and also run on SQLite.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import signal
import threading
import time

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ballots.models import Ballot, Vote, VoteHistory
from cscwg.celery import app as celery_app
from minutes.models import Minutes, MinutesRevision, Topic
from tests.conftest import make_meeting
from tests.transcription.audio_fixtures import RATE, require_espeak, speak_script, write_wav
from transcription.models import Draft, Recording, Segment, Transcript, TranscriptionJob, WorkerPing
from transcription.services import ping_send
from transcription.tasks import transcribe

# -- helpers ------------------------------------------------------------------------------------


def wait_for(check, *, timeout: float, interval: float = 0.2, what: str):
    """Call ``check`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"no {what} within {timeout:.0f} s")


def job_status(client, job) -> dict:
    response = client.get(reverse("transcription:job_status", args=[job.pk]))
    assert response.status_code == 200
    return response.json()


def wait_until_finished(client, job, workers, *, timeout: float) -> dict:
    def finished():
        for proc in workers:
            assert proc.poll() is None, f"a worker exited (code {proc.returncode}); its log is printed below"
        status = job_status(client, job)
        return status if status["status"] in ("done", "failed") else None

    status = wait_for(finished, timeout=timeout, interval=0.5, what="finished job")
    assert status["status"] == "done", status
    return status


def sweep_as_beat_does() -> None:
    """Publish the periodic sweep the way celery beat does (by task name, through the broker), for a worker to run
    now rather than at the next beat tick (CELERY_BEAT_SCHEDULE runs it every 120 s)."""
    celery_app.send_task(django_settings.CELERY_BEAT_SCHEDULE["transcription-sweep"]["task"])


LOCK_HOLD_SECONDS = 0.5


def run_together(*calls, hold: str = r"\bFOR UPDATE\b"):
    """Run each call in its own thread (so on its own database connection), all released at once by a barrier.

    Each thread pauses for LOCK_HOLD_SECONDS after its first query matching ``hold`` (the row lock taken by the
    services), so that on PostgreSQL the other request surely arrives while the lock is held and has to wait.
    Returns [(result, seconds taken)] in the order of the calls."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        held: list[str] = []

        def pause_after_lock(execute, sql, params, many, context):
            result = execute(sql, params, many, context)
            if not held and re.search(hold, sql):
                held.append(sql)
                time.sleep(LOCK_HOLD_SECONDS)
            return result

        try:
            barrier.wait(timeout=30)
            started = time.monotonic()
            with connection.execute_wrapper(pause_after_lock):
                results[index] = (call(), time.monotonic() - started)
        except BaseException as exc:  # re-raised in the test's thread below
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive(), "a concurrent request did not finish within 120 s"
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


def editor_post(*, version: int, title: str, points: str = "") -> dict:
    """POST data of the draft editor with one new topic."""
    data = {"version": str(version), "save": "1", "topics-TOTAL_FORMS": "1", "topics-INITIAL_FORMS": "0"}
    data.update({"topics-0-title": title, "topics-0-points": points})
    for prefix in ("decisions", "actions"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return data


# -- 1. a worker killed in the middle of a transcription ------------------------------------------

# About a minute of speech: six or more 10-second windows.
LONG_SCRIPT = [
    ("chair", "Good morning everyone. This is the meeting of the code signing certificate working group."),
    ("chair", "The first topic is the key protection proposal. The draft requires hardware modules for subscriber keys."),
    ("member", "We reviewed the draft of the proposal and we have two comments on the cloud signing services."),
    ("member", "The first comment is about remote key attestation. The second is about the timeline for the change."),
    ("chair", "Thank you. Please send both comments to the mailing list before the next meeting."),
    ("taker", "The second topic is the revocation reason codes ballot. The redline was posted last week."),
    ("member", "We support the ballot. The working group should start the discussion period on Thursday."),
    ("chair", "The working group agreed to extend the discussion period by one week."),
    ("taker", "The next meeting is in two weeks. There is no other business."),
    ("chair", "Thank you all. The meeting is adjourned."),
]
WINDOW_SECONDS = 10
STALE_SECONDS = 4


@pytest.mark.worker
def test_a_worker_killed_mid_transcription_is_replaced_and_the_job_finishes_once(client, cast, group, start_worker, tmp_path, settings):
    """Kill -9 the worker after its first window is saved. Its task message does not come back soon: the filesystem
    broker dropped it on delivery; Redis keeps it unacknowledged (acks_late) for its visibility timeout, an hour.
    The periodic sweep brings the job back: a running job whose heartbeat is older than TRANSCRIPTION_STALE_SECONDS
    is published again, job_claim's conditional update lets one worker take it, and that worker goes on after the
    last saved window (resume_after). One transcript, one draft, progress back to 100%."""
    require_espeak()
    audio, _lines = speak_script(LONG_SCRIPT)
    assert len(audio) / RATE > 5 * WINDOW_SECONDS
    wav = write_wav(tmp_path / "meeting.wav", audio)
    env = {"WHISPER_MODEL": "tiny.en", "WHISPER_WINDOW_SECONDS": str(WINDOW_SECONDS), "TRANSCRIPTION_STALE_SECONDS": str(STALE_SECONDS)}
    settings.TRANSCRIPTION_STALE_SECONDS = STALE_SECONDS
    meeting = make_meeting(group, dt.date(2024, 6, 6), minute_taker=cast["taker"].person)
    client.force_login(cast["taker"])

    first = start_worker(env)
    response = client.post(reverse("transcription:upload", args=[meeting.pk]), {"file": SimpleUploadedFile("call.wav", wav.read_bytes())})
    assert response.status_code == 302
    job = TranscriptionJob.objects.get()

    def first_window_saved():
        job.refresh_from_db()
        assert first.poll() is None, "the first worker exited on its own"
        assert job.status not in ("done", "failed"), f"the job ended ({job.status}) before the worker could be killed"
        return job.resume_after > 0

    wait_for(first_window_saved, timeout=240, interval=0.05, what="saved first window")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)

    job.refresh_from_db()
    assert job.status == TranscriptionJob.Status.RUNNING and job.attempts == 1
    resume_point, total = job.resume_after, job.progress_total
    assert 0 < resume_point < total - 1, (resume_point, total)
    saved = set(Segment.objects.filter(transcript__recording=job.recording).values_list("pk", flat=True))
    assert saved, "the first window's segments were saved with the resume point"
    interrupted = job_status(client, job)
    assert interrupted["status"] == "running" and 0 < interrupted["percent"] < 100

    # Nobody reports for the job any more. Once its heartbeat is older than TRANSCRIPTION_STALE_SECONDS, the sweep
    # (celery beat's periodic task, run by a worker) hands it over again and the new worker's claim takes it.
    wait_for(
        lambda: timezone.now() - TranscriptionJob.objects.get(pk=job.pk).heartbeat_at > dt.timedelta(seconds=STALE_SECONDS + 0.5),
        timeout=30,
        what="stale heartbeat",
    )
    second = start_worker(env)
    sweep_as_beat_does()
    status = wait_until_finished(client, job, [second], timeout=300)

    assert status["percent"] == 100 and status["stage"] == "done" and status["review_url"]
    job.refresh_from_db()
    assert job.attempts == 2 and job.resume_after >= total - 0.5
    recording = job.recording
    assert Transcript.objects.filter(recording=recording).count() == 1
    assert Draft.objects.filter(recording=recording).count() == 1
    assert TranscriptionJob.objects.filter(recording=recording).count() == 1
    segments = list(Segment.objects.filter(transcript__recording=recording).order_by("start", "id"))
    # The new worker went on after the resume point: the first worker's segments are the same rows ...
    assert saved <= {s.pk for s in segments}
    # ... and no window was transcribed twice.
    starts = [s.start for s in segments]
    assert starts == sorted(set(starts)), starts
    assert any(s.start >= resume_point for s in segments)
    assert "adjourned" in " ".join(s.text for s in segments).lower()

    # The dead worker's message comes back one day (Redis redelivers an unacknowledged task after its visibility
    # timeout, an hour by default): the job is done, so it does nothing. A ping sent after it marks it handled.
    transcribe.delay(job.pk)
    ping = ping_send()
    wait_for(lambda: WorkerPing.objects.get(pk=ping.pk).answered_at, timeout=60, what="answer to the ping sent after the redelivery")
    job.refresh_from_db()
    assert job.attempts == 2 and job.status == "done"
    assert Transcript.objects.filter(recording=recording).count() == Draft.objects.filter(recording=recording).count() == 1
    assert Segment.objects.filter(transcript__recording=recording).count() == len(segments)


# -- 2. the broker unreachable at upload time ------------------------------------------------------

VTT = """WEBVTT

00:00:01.000 --> 00:00:06.000
Chair Person: Good morning everyone, the first topic is the key protection proposal.

00:00:07.000 --> 00:00:12.000
Member Person: We reviewed the draft. The meeting is adjourned.
"""


@contextlib.contextmanager
def broker_at(url: str, monkeypatch):
    """Point this process's Celery app (the web side) at ``url``, dropping the connections it holds to the
    broker it had; both are put back afterwards. CELERY_BROKER_URL in the environment wins over the app's
    configuration, so it is changed too."""

    def forget_connections():
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    conf = celery_app.conf
    saved = conf.broker_url, conf.broker_transport_options
    with monkeypatch.context() as patch:
        forget_connections()
        if "CELERY_BROKER_URL" in os.environ:
            patch.setenv("CELERY_BROKER_URL", url)
        conf.broker_url = url
        conf.broker_transport_options = {"socket_connect_timeout": 2, "socket_timeout": 2}
        try:
            yield
        finally:
            forget_connections()
            conf.broker_url, conf.broker_transport_options = saved


@pytest.mark.worker
def test_an_upload_while_the_broker_is_down_is_kept_and_the_sweep_hands_it_to_a_worker(client, cast, group, start_worker, monkeypatch):
    meeting = make_meeting(group, dt.date(2024, 6, 6), minute_taker=cast["taker"].person)
    client.force_login(cast["taker"])
    celery_app.conf.task_always_eager = False

    with broker_at("redis://127.0.0.1:1/0", monkeypatch):  # nothing listens on port 1
        started = time.monotonic()
        response = client.post(reverse("transcription:upload", args=[meeting.pk]), {"file": SimpleUploadedFile("call.vtt", VTT.encode())})
        took = time.monotonic() - started
    assert response.status_code == 302
    assert took < 10, f"the upload waited {took:.1f} s for the broker"
    job = TranscriptionJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.status == "pending" and job.enqueued_at is None
    assert Recording.objects.get().file.size == len(VTT.encode())

    page = client.get(job.get_absolute_url()).content.decode()
    assert "Uploaded and saved, but the job queue cannot be reached right now" in page
    assert "Waiting for a worker" in page and "handed to a worker automatically" in page
    status = job_status(client, job)
    assert status["status"] == "pending" and status["status_label"] == "Queued"
    assert "handed to a worker automatically" in status["note"]

    # The broker is back: the next sweep hands the job over and a worker finishes it.
    worker = start_worker()
    sweep_as_beat_does()
    status = wait_until_finished(client, job, [worker], timeout=120)
    assert status["percent"] == 100 and status["note"] == ""
    job.refresh_from_db()
    assert job.enqueued_at is not None and job.attempts == 1
    assert Segment.objects.filter(transcript__recording=job.recording).count() == 2
    assert Draft.objects.filter(recording=job.recording).count() == 1


# -- 3. the database connection lost during a request ----------------------------------------------


@contextlib.contextmanager
def connection_lost_at(pattern: str):
    """The first query of this thread whose SQL matches ``pattern`` finds its database connection gone.

    On PostgreSQL the server really ends the connection's backend (pg_terminate_backend from a second
    connection) just before the query is sent. SQLite has no server to lose: there the query raises the
    OperationalError a lost connection raises."""
    hits: list[str] = []

    def wrapper(execute, sql, params, many, context):
        if not hits and re.search(pattern, sql):
            hits.append(sql)
            db = context["connection"]
            if db.vendor != "postgresql":
                raise OperationalError("simulated: the connection to the database server was lost")
            pid = db.connection.info.backend_pid
            other = connections.create_connection(db.alias)
            try:
                with other.cursor() as cursor:
                    cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
                    assert cursor.fetchone()[0] is True
            finally:
                other.close()
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield hits


@pytest.mark.django_db(transaction=True)
def test_a_connection_lost_during_a_save_is_a_503_page_and_the_next_request_works(client, cast, draft_meeting):
    client.force_login(cast["taker"])
    url = reverse("minutes:minutes_edit", args=[draft_meeting.pk])
    data = editor_post(version=1, title="Key protection", points="Hardware modules required")

    with connection_lost_at(r'^UPDATE "minutes_minutes"') as hits:  # after the topic rows were written
        response = client.post(url, data)
    assert hits
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html") and response["Retry-After"]
    body = response.content.decode()
    assert "Temporarily unavailable" in body and "Nothing was saved" in body and "Traceback" not in body
    minutes = Minutes.objects.get(meeting=draft_meeting)
    assert minutes.version == 1 and minutes.body == "Draft text"
    assert not Topic.objects.filter(meeting=draft_meeting).exists()

    assert client.get(url).status_code == 200
    assert client.post(url, data).status_code == 302
    assert list(Topic.objects.filter(meeting=draft_meeting).values_list("title", flat=True)) == ["Key protection"]
    assert Minutes.objects.get(pk=minutes.pk).version == 2


@pytest.mark.django_db(transaction=True)
def test_a_connection_lost_during_an_api_save_is_a_503_json_error_and_the_next_request_works(client, cast, draft_meeting):
    client.force_login(cast["taker"])
    url = f"/api/minutes/{draft_meeting.minutes.pk}/sections/"
    body = {"version": 1, "topics": [{"title": "Key protection"}], "decisions": [], "action_items": []}

    with connection_lost_at(r'^UPDATE "minutes_minutes"') as hits:
        response = client.put(url, body, content_type="application/json")
    assert hits
    assert response.status_code == 503
    assert response.json() == {"detail": "The database is temporarily unavailable. Nothing was saved: please try again in a moment."}
    assert Minutes.objects.get(meeting=draft_meeting).version == 1
    assert not Topic.objects.filter(meeting=draft_meeting).exists()

    assert client.get(url).json()["version"] == 1
    response = client.put(url, body, content_type="application/json")
    assert response.status_code == 200 and response.json()["version"] == 2


# -- 4. two saves or two votes at the same moment --------------------------------------------------


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_of_one_draft_one_wins_and_the_other_gets_a_conflict(cast, draft_meeting):
    """Two tabs save the same version at once. The second waits for the first's lock (a row lock on PostgreSQL,
    the database's write lock on SQLite, taken when the transaction begins), then finds a newer version: 409."""
    url = reverse("minutes:minutes_edit", args=[draft_meeting.pk])
    tabs = [logged_in(cast["taker"]), logged_in(cast["chair"])]
    posts = [editor_post(version=1, title=f"Topic from tab {n}", points=f"Point from tab {n}") for n in (1, 2)]

    results = run_together(*(lambda tab=tab, post=post: tab.post(url, post) for tab, post in zip(tabs, posts, strict=True)))

    responses = [response for response, _seconds in results]
    codes = [r.status_code for r in responses]
    assert codes.count(302) == 1, codes
    winner = codes.index(302)
    loser = 1 - winner
    assert codes[loser] == 409, codes
    if connection.vendor == "postgresql":  # SQLite has no FOR UPDATE to pause after
        assert results[loser][1] >= 2 * LOCK_HOLD_SECONDS, "the loser did not wait for the winner's lock"
    conflict = responses[loser]
    page = conflict.content.decode()
    assert "Someone else saved these minutes" in page
    assert f"Topic from tab {loser + 1}" in page  # the loser's text is still in the form: nothing lost

    minutes = Minutes.objects.get(meeting=draft_meeting)
    assert minutes.version == 2
    assert list(Topic.objects.filter(meeting=draft_meeting).values_list("title", flat=True)) == [f"Topic from tab {winner + 1}"]
    assert f"Point from tab {winner + 1}" in minutes.body and f"tab {loser + 1}" not in minutes.body
    assert list(MinutesRevision.objects.filter(minutes=minutes).values_list("version", flat=True)) == [2]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_votes_of_one_organization_leave_one_counted_vote(cast, group):
    """Two representatives of one organization vote at once. The rule: one vote per organization, the last one
    cast counts, every vote stays in the history. Both are recorded in turn (the ballot row is locked on
    PostgreSQL, the database on SQLite)."""
    now = timezone.now()
    ballot = Ballot.objects.create(
        identifier="CSC-40", group=group, title="Update revocation", proposer=cast["chair"].person, status="voting",
        last_version_at=now - dt.timedelta(days=9), voting_started_at=now - dt.timedelta(days=1),
        voting_ends_at=now + dt.timedelta(days=6), quorum_required=1,
    )
    organization = cast["member"].person.organization
    assert cast["taker"].person.organization == organization
    url = reverse("ballots:vote", args=[ballot.identifier])
    voters = [logged_in(cast["member"]), logged_in(cast["taker"])]

    results = run_together(lambda: voters[0].post(url, {"choice": "yes"}), lambda: voters[1].post(url, {"choice": "no"}))

    codes = [response.status_code for response, _seconds in results]
    assert codes == [302, 302], codes
    if connection.vendor == "postgresql":  # SQLite has no FOR UPDATE to pause after
        assert max(seconds for _response, seconds in results) >= 2 * LOCK_HOLD_SECONDS, "no vote waited for the other's lock"
    history = list(VoteHistory.objects.filter(ballot=ballot, organization=organization).order_by("cast_at", "id"))
    assert len(history) == 2
    assert [h.previous_choice for h in history] == ["", history[0].choice]  # the second saw the first
    vote = Vote.objects.get(ballot=ballot, organization=organization)  # exactly one counted vote
    assert vote.choice == history[-1].choice
    assert {h.choice for h in history} == {"yes", "no"}
