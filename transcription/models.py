"""Recordings and transcripts of meetings, the jobs that turn them into draft minutes, and the drafts
a minute taker reviews item by item. Nothing here writes a meeting's records: accepting a draft item
goes through minutes.services."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from minutes.models import Meeting


def recording_path(instance: Recording, filename: str) -> str:
    # The stored name never comes from the user (the original name is kept in a field).
    suffix = "".join(c for c in "." + filename.rsplit(".", 1)[-1].lower() if c.isalnum() or c == ".")[:8] if "." in filename else ""
    return f"recordings/{instance.meeting_id}/{instance.token}{suffix}"


class Recording(models.Model):
    class Kind(models.TextChoices):
        MEDIA = "media", "Audio or video"
        TRANSCRIPT = "transcript", "Transcript"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="recordings")
    token = models.CharField(max_length=32, unique=True, editable=False)
    file = models.FileField(upload_to=recording_path, max_length=300)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    content_type = models.CharField(max_length=100, blank=True, help_text="Sniffed from the content.")
    duration_seconds = models.FloatField(null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=["media", "transcript"]), name="recording_kind_valid")]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("transcription:recording_media", args=[self.pk])


class JobQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=[TranscriptionJob.Status.PENDING, TranscriptionJob.Status.RUNNING])


class TranscriptionJob(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    class Stage(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        READING = "reading", "Reading the transcript"
        DECODING = "decoding", "Decoding the audio"
        TRANSCRIBING = "transcribing", "Transcribing"
        DRAFTING = "drafting", "Drafting the minutes"
        DONE = "done", "Done"

    recording = models.ForeignKey(Recording, on_delete=models.CASCADE, related_name="jobs")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.QUEUED)
    progress_done = models.FloatField(default=0, help_text="Seconds of audio done in this stage.")
    progress_total = models.FloatField(default=0, help_text="Seconds of audio in this stage.")
    resume_after = models.FloatField(default=0, help_text="Audio up to here is transcribed and saved.")
    message = models.TextField(blank=True, help_text="Why the job failed, in words for the user.")
    attempts = models.PositiveIntegerField(default=0)
    worker = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True, help_text="Last time the job was handed to the broker.")

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["pending", "running", "done", "failed"]), name="job_status_valid"),
            models.UniqueConstraint(
                fields=["recording"], condition=Q(status__in=["pending", "running"]), name="job_one_active_per_recording"
            ),
        ]

    def __str__(self) -> str:
        return f"Job {self.pk} for {self.recording}: {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("transcription:job_detail", args=[self.pk])

    @property
    def percent(self) -> int:
        """Overall progress: reading/decoding 0-10, transcribing 10-90, drafting 90-100."""
        if self.status == self.Status.DONE:
            return 100
        fraction = (self.progress_done / self.progress_total) if self.progress_total else 0.0
        fraction = max(0.0, min(1.0, fraction))
        if self.stage in (self.Stage.DECODING, self.Stage.READING):
            return int(10 * fraction)
        if self.stage == self.Stage.TRANSCRIBING:
            return 10 + int(80 * fraction)
        if self.stage == self.Stage.DRAFTING:
            return 90
        return 0


class Transcript(models.Model):
    recording = models.OneToOneField(Recording, on_delete=models.CASCADE, related_name="transcript")
    created_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=20, help_text="'asr:<model>' or the transcript file's format.")

    def __str__(self) -> str:
        return f"Transcript of {self.recording}"


class Segment(models.Model):
    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="segments")
    start = models.FloatField()
    end = models.FloatField()
    speaker = models.CharField(max_length=200, blank=True)
    text = models.TextField()

    class Meta:
        ordering = ["transcript", "start", "id"]
        indexes = [models.Index(fields=["transcript", "start"])]
        constraints = [
            models.CheckConstraint(condition=Q(start__gte=0) & Q(end__gte=models.F("start")), name="segment_times_valid"),
        ]

    def __str__(self) -> str:
        return f"[{self.start:.1f}] {self.speaker}: {self.text[:40]}"


class Draft(models.Model):
    recording = models.OneToOneField(Recording, on_delete=models.CASCADE, related_name="draft")
    form = models.JSONField(help_text="The draft in the structured minutes form.")
    backend = models.CharField(max_length=20, default="rules")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Draft from {self.recording}"


class DraftItem(models.Model):
    class Kind(models.TextChoices):
        ATTENDEE = "attendee", "Attendee"
        CHAIR = "chair", "Chair"
        MINUTE_TAKER = "minute_taker", "Minute taker"
        ANTITRUST = "antitrust", "Antitrust statement"
        APPROVAL = "approval", "Approval of prior minutes"
        TOPIC = "topic", "Topic"
        DECISION = "decision", "Decision"
        ACTION_ITEM = "action_item", "Action item"
        BALLOT = "ballot", "Ballot"
        NEXT_MEETING = "next_meeting", "Next meeting"
        ADJOURNED = "adjourned", "Adjourned"

    class Status(models.TextChoices):
        PENDING = "pending", "To review"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    order = models.PositiveIntegerField(default=0)
    payload = models.JSONField(help_text="The item as a fragment of the structured minutes form.")
    evidence_start = models.FloatField(null=True, blank=True, help_text="Second of the recording where it was said.")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["draft", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["pending", "accepted", "rejected"]), name="draft_item_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.summary}"

    @property
    def summary(self) -> str:
        p = self.payload
        if self.kind == self.Kind.ATTENDEE:
            return f"{p['name']}" + (f" ({p['organization']})" if p.get("organization") else "")
        if self.kind in (self.Kind.CHAIR, self.Kind.MINUTE_TAKER):
            return p.get("name") or ""
        if self.kind == self.Kind.ANTITRUST:
            return f"read by {p['read_by']}" if p.get("read_by") else "read"
        if self.kind == self.Kind.APPROVAL:
            return f"minutes of {p.get('meeting_date') or 'an earlier meeting'}: {p['outcome'].replace('_', ' ')}"
        if self.kind == self.Kind.TOPIC:
            return p["title"]
        if self.kind in (self.Kind.DECISION, self.Kind.ACTION_ITEM):
            return p["text"]
        if self.kind == self.Kind.BALLOT:
            return p["id"]
        if self.kind == self.Kind.NEXT_MEETING:
            return p.get("date") or ""
        return "Meeting adjourned"


class WorkerPing(models.Model):
    """Proof that a real worker consumes the queue (tests, status)."""

    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=200, blank=True, help_text="Host name of the worker that answered.")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Ping {self.pk} ({'answered by ' + self.worker if self.answered_at else 'waiting'})"
