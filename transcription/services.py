"""Recording → transcript → draft → reviewed records.

The worker's flow (``job_run``) claims its job with a conditional update, keeps decoding and
inference outside transactions, saves segments window by window with the job's progress, and is
safe to run twice: one transcript, one draft. Accepting a draft item goes through minutes.services.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import secrets
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from minutes.models import Meeting, Person, Role
from minutes.services import WorkflowError, meeting_add_records, minutes_regenerate

from .models import Draft, DraftItem, Recording, Segment, Transcript, TranscriptionJob, WorkerPing

logger = logging.getLogger(__name__)

# A queued job that no worker took this long after being handed to the broker is handed over again.
REQUEUE_AFTER = dt.timedelta(minutes=5)


def stale_after() -> dt.timedelta:
    """A running job whose worker has not reported for this long is taken to be dead and run again
    (TRANSCRIPTION_STALE_SECONDS). A live worker reports after decoding, every 30 s of audio and after each
    window, so this must exceed the time one window (WHISPER_WINDOW_SECONDS of audio) can take."""
    return dt.timedelta(seconds=float(getattr(settings, "TRANSCRIPTION_STALE_SECONDS", 600)))


class UploadError(Exception):
    """An upload or review step that is refused; the message is shown to the user."""


__all__ = ["UploadError", "WorkflowError"]


# -- worker ping ------------------------------------------------------------------------------


def ping_send() -> WorkerPing:
    """Store a ping and queue it for a worker once the row is committed."""
    from .tasks import worker_ping

    with transaction.atomic():
        ping = WorkerPing.objects.create()
        transaction.on_commit(lambda: worker_ping.delay(ping.pk))
    return ping


def ping_answer(*, ping_id: int) -> bool:
    """Mark a ping answered; a redelivered task finds it answered and does nothing."""
    updated = WorkerPing.objects.filter(pk=ping_id, answered_at__isnull=True).update(
        answered_at=timezone.now(), worker=socket.gethostname()
    )
    return bool(updated)


# -- upload -----------------------------------------------------------------------------------


def upload_max_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_BYTES", 1024**3))


def recording_upload(*, meeting: Meeting, upload: UploadedFile, user) -> TranscriptionJob:
    """Store an uploaded recording or transcript and queue its job. The content decides what the file
    is, not its name; the file is streamed to storage, never read whole into memory."""
    from .audio import FileKind, sniff_file

    if upload.size is not None and upload.size > upload_max_bytes():
        raise UploadError(f"The file is too large ({upload.size / 1e6:,.0f} MB; the limit is {upload_max_bytes() / 1e6:,.0f} MB).")
    sniffed = sniff_file(upload.file)
    if sniffed.kind == FileKind.EMPTY:
        raise UploadError("The file is empty.")
    if sniffed.kind == FileKind.UNKNOWN:
        raise UploadError("This is not an audio or video file or a transcript (WebVTT, SRT or plain text) that we can read.")
    kind = Recording.Kind.MEDIA if sniffed.is_media else Recording.Kind.TRANSCRIPT
    with transaction.atomic():
        recording = Recording(
            meeting=meeting,
            token=secrets.token_hex(16),
            original_name=(upload.name or "upload")[:255],
            size=upload.size or 0,
            kind=kind,
            content_type=sniffed.format,
            uploaded_by=user if user and user.is_authenticated else None,
        )
        recording.file.save(upload.name or "upload", upload, save=False)
        recording.save()
        job = TranscriptionJob.objects.create(recording=recording)
        job_enqueue_on_commit(job)
    return job


def job_enqueue_on_commit(job: TranscriptionJob) -> None:
    from .tasks import transcribe

    job_id = job.pk

    def send() -> None:
        try:
            transcribe.delay(job_id)
        except Exception:  # the broker is down: the job stays queued and the sweep hands it over later
            logger.warning("Could not queue transcription job %s; the periodic sweep will retry", job_id, exc_info=True)
            return
        TranscriptionJob.objects.filter(pk=job_id).update(enqueued_at=timezone.now())

    transaction.on_commit(send)


def job_retry(*, job: TranscriptionJob) -> TranscriptionJob:
    """Queue a failed job's recording again (a new job; the failed one stays in the history)."""
    if job.status != TranscriptionJob.Status.FAILED:
        raise UploadError("Only a failed job can be retried.")
    with transaction.atomic():
        if job.recording.jobs.active().exists():
            raise UploadError("This recording is already being processed.")
        new = TranscriptionJob.objects.create(recording=job.recording)
        job_enqueue_on_commit(new)
    return new


def jobs_sweep(*, now: dt.datetime | None = None) -> list[int]:
    """Hand over again the jobs the broker lost (never enqueued, or queued long ago and not taken) and
    those whose worker died. Returns the ids handed over."""
    from .tasks import transcribe

    now = now or timezone.now()
    pending = TranscriptionJob.objects.filter(
        Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - REQUEUE_AFTER), status=TranscriptionJob.Status.PENDING
    )
    stale = TranscriptionJob.objects.filter(status=TranscriptionJob.Status.RUNNING, heartbeat_at__lt=now - stale_after())
    ids = list(pending.values_list("pk", flat=True)) + list(stale.values_list("pk", flat=True))
    handed = []
    for job_id in ids:
        try:
            transcribe.delay(job_id)
        except Exception:
            logger.warning("Broker still unreachable; job %s stays queued", job_id, exc_info=True)
            break
        TranscriptionJob.objects.filter(pk=job_id).update(enqueued_at=now)
        handed.append(job_id)
    return handed


# -- the worker's flow ------------------------------------------------------------------------


def job_claim(*, job_id: int, now: dt.datetime | None = None) -> bool:
    """Take the job: a queued one, or a running one whose worker stopped reporting. Conditional
    updates, so two workers never both win."""
    now = now or timezone.now()
    fields = {"status": TranscriptionJob.Status.RUNNING, "heartbeat_at": now, "attempts": F("attempts") + 1, "worker": socket.gethostname()}
    claimed = TranscriptionJob.objects.filter(pk=job_id, status=TranscriptionJob.Status.PENDING).update(started_at=now, **fields)
    if not claimed:
        claimed = TranscriptionJob.objects.filter(
            pk=job_id, status=TranscriptionJob.Status.RUNNING, heartbeat_at__lt=now - stale_after()
        ).update(**fields)
    return bool(claimed)


def _report(job_id: int, stage: str, done: float, total: float) -> None:
    TranscriptionJob.objects.filter(pk=job_id, status=TranscriptionJob.Status.RUNNING).update(
        stage=stage, progress_done=done, progress_total=total, heartbeat_at=timezone.now()
    )


def _fail(job_id: int, message: str) -> None:
    TranscriptionJob.objects.filter(pk=job_id).update(
        status=TranscriptionJob.Status.FAILED, message=message, finished_at=timezone.now()
    )


@contextlib.contextmanager
def local_copy(recording: Recording) -> Iterator[Path]:
    """A path on this machine for the stored file (a temporary copy when storage is remote)."""
    try:
        yield Path(recording.file.path)
        return
    except NotImplementedError:
        pass
    suffix = Path(recording.file.name).suffix
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp, recording.file.open("rb") as source:
        shutil.copyfileobj(source, tmp, 1024 * 1024)
        tmp.flush()
        yield Path(tmp.name)


def group_vocabulary(meeting: Meeting) -> tuple[list[Any], list[str]]:
    """The group's known people (for the draft builder) and words worth hinting to Whisper."""
    from .draft.people import KnownPerson

    people = (
        Person.objects.filter(roles__group=meeting.group)
        .exclude(roles__kind=Role.Kind.OBSERVER)
        .select_related("organization")
        .distinct()
    )
    chairs = set(
        Role.objects.filter(group=meeting.group, kind__in=[Role.Kind.CHAIR, Role.Kind.VICE_CHAIR]).values_list("person_id", flat=True)
    )
    known = [
        KnownPerson(
            name=p.full_name,
            organization=p.organization.name if p.organization else None,
            aliases=tuple(p.aliases),
            chair=p.pk in chairs,
        )
        for p in people
    ]
    # Whisper keeps only the first few hint terms (asr caps them at 48 tokens): most likely first, i.e.
    # people who came to the group's latest meetings, then their organizations, then ballots in flight.
    recent = (
        Person.objects.filter(attendances__meeting__group=meeting.group, attendances__meeting__starts_at__lte=meeting.starts_at)
        .values_list("full_name", flat=True)
        .order_by("-attendances__meeting__starts_at")[:200]
    )
    names = list(dict.fromkeys([*recent, *(p.full_name for p in people)]))
    by_name = {p.full_name: p for p in people}
    orgs = list(dict.fromkeys(by_name[n].organization.name for n in names if n in by_name and by_name[n].organization))
    ballots = meeting.group.ballots.filter(status__in=["discussion", "voting"]).values_list("identifier", flat=True)[:20]
    return known, names + orgs + list(ballots)


def job_run(*, job_id: int) -> bool:
    """Run one job to its end. Returns False when there was nothing to do (taken by another worker,
    already done). Raises only for transient trouble, after putting the job back in the queue."""
    from .asr import transcribe_path
    from .audio import MediaError
    from .transcripts import TranscriptError, read_transcript
    from .whisper_models import ModelError

    if not job_claim(job_id=job_id):
        return False
    job = TranscriptionJob.objects.select_related("recording__meeting__group").get(pk=job_id)
    recording = job.recording
    try:
        transcript, _ = Transcript.objects.get_or_create(
            recording=recording, defaults={"source": "asr" if recording.kind == Recording.Kind.MEDIA else recording.content_type}
        )
        if not (recording.kind == Recording.Kind.TRANSCRIPT and transcript.segments.exists()):
            with local_copy(recording) as path:
                if recording.kind == Recording.Kind.TRANSCRIPT:
                    _report(job_id, TranscriptionJob.Stage.READING, 0, 1)
                    utterances = read_transcript(path, name=recording.original_name)
                    with transaction.atomic():
                        transcript.segments.all().delete()
                        Segment.objects.bulk_create(
                            Segment(transcript=transcript, start=u.start, end=max(u.end, u.start), speaker=u.speaker or "", text=u.text)
                            for u in utterances
                        )
                else:
                    _transcribe(job, transcript, path, transcribe_path)
        _report(job_id, TranscriptionJob.Stage.DRAFTING, 0, 1)
        draft_build(recording=recording)
    except (MediaError, TranscriptError) as exc:
        message = getattr(exc, "user_message", None) or str(exc)
        _fail(job_id, message[:1].upper() + message[1:] + ("" if message.endswith(".") else "."))
        return True
    except SoftTimeLimitExceeded:
        _fail(job_id, "The recording took longer to transcribe than the time limit allows. Try a shorter file or a faster model.")
        return True
    except ModelError as exc:
        _fail(job_id, f"The transcription model could not be loaded: {exc}. Ask an administrator to check WHISPER_MODEL.")
        return True
    except Exception:
        # Transient or unexpected: hand the job back so a retry (or the sweep) picks it up.
        TranscriptionJob.objects.filter(pk=job_id, status=TranscriptionJob.Status.RUNNING).update(status=TranscriptionJob.Status.PENDING)
        raise
    TranscriptionJob.objects.filter(pk=job_id).update(
        status=TranscriptionJob.Status.DONE, stage=TranscriptionJob.Stage.DONE, finished_at=timezone.now(), message=""
    )
    return True


def _transcribe(job: TranscriptionJob, transcript: Transcript, path: Path, transcribe_path) -> None:
    """Transcribe window by window; each window's segments and the resume point are saved together,
    so a job taken over after a crash goes on where the dead worker stopped."""
    job_id = job.pk
    # Segments past the saved resume point belong to a window that did not finish: drop them.
    transcript.segments.filter(start__gte=job.resume_after).delete()
    _known, vocabulary = group_vocabulary(job.recording.meeting)

    def progress(stage: str, done: float, total: float) -> None:
        _report(job_id, stage, done, total)

    def on_window(index: int, start: float, end: float, segments) -> None:
        with transaction.atomic():
            Segment.objects.bulk_create(
                Segment(transcript=transcript, start=max(0.0, s.start), end=max(s.end, s.start, 0.0), text=s.text) for s in segments
            )
            TranscriptionJob.objects.filter(pk=job_id).update(resume_after=end, heartbeat_at=timezone.now())

    transcribe_path(path, vocabulary=vocabulary, progress=progress, on_window=on_window, resume_after=job.resume_after)
    if job.resume_after == 0 and not transcript.segments.exists():
        from .audio import NoSpeechError

        raise NoSpeechError("no segments")


# -- drafts -----------------------------------------------------------------------------------


def utterances_of(transcript: Transcript) -> list[Any]:
    from .transcripts import Utterance

    return [Utterance(speaker=s.speaker or None, start=s.start, end=s.end, text=s.text) for s in transcript.segments.all()]


def form_to_items(form: dict[str, Any]) -> list[tuple[str, dict[str, Any], float | None]]:
    """Split a drafted form into reviewable items: (kind, payload, evidence second)."""
    items: list[tuple[str, dict[str, Any], float | None]] = []
    for row in form.get("attendees") or []:
        items.append((DraftItem.Kind.ATTENDEE, {"name": row["name"], "organization": row.get("organization")}, None))
    for key, kind in (("chair", DraftItem.Kind.CHAIR), ("minute_taker", DraftItem.Kind.MINUTE_TAKER)):
        if form.get(key):
            items.append((kind, {"name": form[key]}, None))
    antitrust = form.get("antitrust_statement") or {}
    if antitrust.get("read"):
        items.append((DraftItem.Kind.ANTITRUST, {"read": True, "read_by": antitrust.get("read_by")}, antitrust.get("start_seconds")))
    for row in form.get("minutes_approvals") or []:
        payload = {"meeting_date": row.get("meeting_date"), "outcome": row["outcome"], "note": row.get("note")}
        items.append((DraftItem.Kind.APPROVAL, payload, row.get("start_seconds")))
    for row in form.get("topics") or []:
        items.append((DraftItem.Kind.TOPIC, {"title": row["title"], "summary": list(row.get("summary") or [])}, row.get("start_seconds")))
    for row in form.get("decisions") or []:
        items.append((DraftItem.Kind.DECISION, {"text": row["text"], "topic": row.get("topic")}, row.get("start_seconds")))
    for row in form.get("action_items") or []:
        payload = {"owner": row.get("owner"), "text": row["text"], "due": row.get("due"), "topic": row.get("topic")}
        items.append((DraftItem.Kind.ACTION_ITEM, payload, row.get("start_seconds")))
    for row in form.get("ballots") or []:
        items.append((DraftItem.Kind.BALLOT, {"id": row["id"], "note": row.get("note")}, None))
    if form.get("next_meeting"):
        items.append((DraftItem.Kind.NEXT_MEETING, {"date": form["next_meeting"]}, None))
    if form.get("adjourned"):
        items.append((DraftItem.Kind.ADJOURNED, {}, None))
    return items


def draft_build(*, recording: Recording) -> Draft:
    """Draft the minutes from the recording's transcript (once: a second call returns the same draft)."""
    from .draft import draft_form

    existing = Draft.objects.filter(recording=recording).first()
    if existing is not None:
        return existing
    meeting = recording.meeting
    known, _words = group_vocabulary(meeting)
    form = draft_form(
        utterances_of(recording.transcript),
        meeting_date=meeting.date,
        people=known,
        working_group=meeting.group.name,
        title=meeting.title,
        kind=meeting.kind,
    )
    with transaction.atomic():
        # The one-to-one makes a concurrent second draft fail here instead of existing twice.
        draft, created = Draft.objects.get_or_create(recording=recording, defaults={"form": form})
        if created:
            DraftItem.objects.bulk_create(
                DraftItem(draft=draft, kind=kind, order=i, payload=payload, evidence_start=start)
                for i, (kind, payload, start) in enumerate(form_to_items(form))
            )
    return draft


ITEM_FORM_KEYS = {
    DraftItem.Kind.ATTENDEE: lambda p: {"attendees": [p]},
    DraftItem.Kind.CHAIR: lambda p: {"chair": p["name"]},
    DraftItem.Kind.MINUTE_TAKER: lambda p: {"minute_taker": p["name"]},
    DraftItem.Kind.ANTITRUST: lambda p: {"antitrust_statement": {"read": True, "read_by": p.get("read_by")}},
    DraftItem.Kind.APPROVAL: lambda p: {"minutes_approvals": [p]},
    DraftItem.Kind.TOPIC: lambda p: {"topics": [p]},
    DraftItem.Kind.DECISION: lambda p: {"decisions": [p]},
    DraftItem.Kind.ACTION_ITEM: lambda p: {"action_items": [p]},
    DraftItem.Kind.BALLOT: lambda p: {"ballots": [p]},
    DraftItem.Kind.NEXT_MEETING: lambda p: {"next_meeting": p["date"]},
    DraftItem.Kind.ADJOURNED: lambda p: {"adjourned": True},
}


def draft_item_accept(*, item: DraftItem, user, payload: dict[str, Any] | None = None) -> DraftItem:
    """Make a drafted item (as drafted, or as edited by the reviewer) a real record of the meeting."""
    with transaction.atomic():
        item = DraftItem.objects.select_for_update().select_related("draft__recording__meeting__group").get(pk=item.pk)
        if item.status != DraftItem.Status.PENDING:
            raise UploadError(f"This item was already {item.get_status_display().lower()}.")
        if payload is not None:
            item.payload = {**item.payload, **payload}
        meeting = item.draft.recording.meeting
        evidence = {"start_seconds": item.evidence_start} if item.kind in ("topic", "decision", "action_item") else {}
        fragment = ITEM_FORM_KEYS[item.kind]({**item.payload, **evidence})
        meeting_add_records(meeting=meeting, form=fragment)
        item.status, item.decided_by, item.decided_at = DraftItem.Status.ACCEPTED, user, timezone.now()
        item.save(update_fields=["payload", "status", "decided_by", "decided_at"])
        minutes_regenerate(meeting=meeting, user=user, note=f"accepted drafted {item.get_kind_display().lower()}")
    return item


def draft_item_reject(*, item: DraftItem, user) -> DraftItem:
    updated = DraftItem.objects.filter(pk=item.pk, status=DraftItem.Status.PENDING).update(
        status=DraftItem.Status.REJECTED, decided_by=user, decided_at=timezone.now()
    )
    if not updated:
        raise UploadError("This item was already reviewed.")
    item.refresh_from_db()
    return item
