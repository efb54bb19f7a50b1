"""The group's record: organizations, people, working groups, meetings and what their minutes say."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(f"{value!r} is not a known time zone.") from exc


class MemberClass(models.TextChoices):
    CERTIFICATE_ISSUER = "certificate_issuer", "Certificate Issuer"
    CERTIFICATE_CONSUMER = "certificate_consumer", "Certificate Consumer"
    ASSOCIATE_MEMBER = "associate_member", "Associate Member"
    INTERESTED_PARTY = "interested_party", "Interested Party"


VOTING_CLASSES = (MemberClass.CERTIFICATE_ISSUER, MemberClass.CERTIFICATE_CONSUMER)


class Organization(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PROBATIONARY = "probationary", "Probationary"
        SUSPENDED = "suspended", "Suspended"

    name = models.CharField(max_length=200, unique=True)
    aliases = models.JSONField(default=list, blank=True, help_text="Other spellings, e.g. short names.")
    member_class = models.CharField(max_length=32, choices=MemberClass.choices, default=MemberClass.INTERESTED_PARTY)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(member_class__in=MemberClass.values), name="organization_member_class_valid"),
            models.CheckConstraint(condition=Q(status__in=["active", "probationary", "suspended"]), name="organization_status_valid"),
            models.CheckConstraint(condition=~Q(name=""), name="organization_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    full_name = models.CharField(max_length=200)
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="people")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    email = models.EmailField(blank=True)
    aliases = models.JSONField(default=list, blank=True, help_text="Other spellings or short forms, e.g. 'Tim H'.")
    calendar_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["full_name"]
        verbose_name_plural = "people"
        constraints = [
            models.CheckConstraint(condition=~Q(full_name=""), name="person_full_name_not_empty"),
            models.UniqueConstraint(fields=["full_name", "organization"], name="person_unique_name_per_organization"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("minutes:person_action_items", args=[self.pk])


class WorkingGroup(models.Model):
    class ConsumerRule(models.TextChoices):
        MORE_THAN_HALF = "more_than_half", "More than 50% of Certificate Consumers"
        HALF_PLUS_ONE = "half_plus_one", "50% plus one of Certificate Consumers"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=40, unique=True)
    short_name = models.CharField(max_length=40, blank=True, help_text="e.g. CSCWG")
    ballot_prefix = models.CharField(max_length=16, blank=True, help_text="e.g. CSC for CSC-6")
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    consumer_rule = models.CharField(max_length=20, choices=ConsumerRule.choices, default=ConsumerRule.MORE_THAN_HALF)
    description = models.TextField(blank=True)
    tags = models.JSONField(default=list, blank=True, help_text="Tags of the group's posts on the Forum's website.")
    organizations = models.ManyToManyField(Organization, through="Membership", related_name="working_groups")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("minutes:group_detail", args=[self.slug])


class Membership(models.Model):
    """An organization's membership of a working group, with the class it votes in there."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    voting_class = models.CharField(max_length=32, choices=MemberClass.choices)
    joined_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["group", "organization"]
        constraints = [
            models.UniqueConstraint(fields=["group", "organization"], name="membership_unique_per_group"),
            models.CheckConstraint(condition=Q(voting_class__in=MemberClass.values), name="membership_voting_class_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} in {self.group} ({self.get_voting_class_display()})"


class Role(models.Model):
    class Kind(models.TextChoices):
        CHAIR = "chair", "Chair"
        VICE_CHAIR = "vice_chair", "Vice-chair"
        MEMBER = "member", "Member"
        OBSERVER = "observer", "Observer"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles")
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(max_length=16, choices=Kind.choices)

    class Meta:
        ordering = ["group", "kind", "person"]
        constraints = [
            models.UniqueConstraint(fields=["person", "group"], name="role_one_per_person_and_group"),
            models.CheckConstraint(condition=Q(kind__in=["chair", "vice_chair", "member", "observer"]), name="role_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_kind_display()} of {self.group}"


class MeetingQuerySet(models.QuerySet):
    def upcoming(self):
        return self.filter(starts_at__gte=timezone.now()).order_by("starts_at")

    def past(self):
        return self.filter(starts_at__lt=timezone.now()).order_by("-starts_at")

    def on_date(self, group: WorkingGroup, day) -> MeetingQuerySet:
        """Meetings of ``group`` whose start falls on ``day`` in the group's time zone."""
        tz = zoneinfo.ZoneInfo(group.time_zone)
        start = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()), tz)
        return self.filter(group=group, starts_at__gte=start, starts_at__lt=start + timezone.timedelta(days=1))


class Meeting(models.Model):
    class Kind(models.TextChoices):
        TELECONFERENCE = "teleconference", "Teleconference"
        FACE_TO_FACE = "face-to-face", "Face-to-face"

    group = models.ForeignKey(WorkingGroup, on_delete=models.PROTECT, related_name="meetings")
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.TELECONFERENCE)
    f2f_number = models.PositiveIntegerField(null=True, blank=True, verbose_name="F2F number")
    starts_at = models.DateTimeField(help_text="Start, stored in UTC.")
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    start_time_known = models.BooleanField(default=True, help_text="False when only the date is known (imports).")
    location = models.CharField(max_length=200, blank=True)
    chair = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings_chaired")
    minute_taker = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings_minuted"
    )
    next_meeting_date = models.DateField(null=True, blank=True)
    adjourned = models.BooleanField(default=False)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["group", "starts_at"]),
            # The calendar across groups, newest first (the API's meeting list): read backwards, then stop.
            models.Index(fields=["starts_at", "id"], name="minutes_meeting_starts_id"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["teleconference", "face-to-face"]), name="meeting_kind_valid"),
            models.CheckConstraint(
                condition=Q(kind="face-to-face") | Q(f2f_number__isnull=True),
                name="meeting_f2f_number_only_for_face_to_face",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="meeting_title_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("minutes:meeting_detail", args=[self.pk])

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_start(self):
        return self.starts_at.astimezone(self.tz)

    @property
    def date(self):
        return self.local_start.date()


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        REGRETS = "regrets", "Regrets"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendances")
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, help_text="Organization at the time."
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PRESENT)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["meeting", "order", "person__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="attendance_once_per_meeting"),
            models.CheckConstraint(condition=Q(status__in=["present", "regrets"]), name="attendance_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.person} at {self.meeting} ({self.status})"


class AntitrustReading(models.Model):
    class Kind(models.TextChoices):
        ANTITRUST = "antitrust", "Antitrust statement"
        NOTE_WELL = "note_well", "Note Well"

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="antitrust_reading")
    read_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="antitrust_readings")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.ANTITRUST)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["antitrust", "note_well"]), name="antitrust_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} read by {self.read_by or 'someone'}"


class Minutes(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        CIRCULATED = "circulated", "Circulated"
        APPROVED = "approved", "Approved"
        FINAL = "final", "Final"

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    body = models.TextField(blank=True, help_text="Markdown.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1, help_text="Raised on every save; a stale save is refused.")
    author = models.CharField(max_length=200, blank=True, help_text="Author as published (front matter).")
    front_matter = models.TextField(blank=True, help_text="Front matter of the imported post, verbatim YAML.")
    circulated_at = models.DateTimeField(null=True, blank=True)
    finalized_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name_plural = "minutes"
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["draft", "circulated", "approved", "final"]), name="minutes_status_valid"),
            models.CheckConstraint(condition=Q(version__gte=1), name="minutes_version_positive"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(circulated_at__isnull=False),
                name="minutes_circulated_before_leaving_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"Minutes of {self.meeting}"

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.FINAL


class MinutesApproval(models.Model):
    """Minutes of one meeting acted on at a later meeting."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", "Approved"
        APPROVED_WITH_CHANGES = "approved_with_changes", "Approved with changes"
        DEFERRED = "deferred", "Deferred"

    acted_at = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="approvals_made")
    of_meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="approvals_received"
    )
    of_date = models.DateField(null=True, blank=True, help_text="Date of the meeting whose minutes were acted on.")
    outcome = models.CharField(max_length=24, choices=Outcome.choices)
    note = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["acted_at", "order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=["approved", "approved_with_changes", "deferred"]), name="approval_outcome_valid"
            ),
            models.CheckConstraint(condition=~Q(of_meeting=models.F("acted_at")), name="approval_of_another_meeting"),
        ]

    def __str__(self) -> str:
        return f"Minutes of {self.of_date or 'an earlier meeting'}: {self.get_outcome_display()}"


class Topic(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="topics")
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=300)
    start_seconds = models.FloatField(null=True, blank=True)
    is_private = models.BooleanField(default=False, help_text="Left out of the public copy (redacted).")

    class Meta:
        ordering = ["meeting", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="topic_title_not_empty"),
            models.CheckConstraint(condition=Q(start_seconds__isnull=True) | Q(start_seconds__gte=0), name="topic_start_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title


class TopicPoint(models.Model):
    """One short summary point of a topic."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="points")
    order = models.PositiveIntegerField(default=0)
    text = models.TextField()
    start_seconds = models.FloatField(null=True, blank=True)
    is_private = models.BooleanField(default=False, help_text="Left out of the public copy (redacted).")

    class Meta:
        ordering = ["topic", "order", "id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="topic_point_text_not_empty")]

    def __str__(self) -> str:
        return self.text


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions")
    order = models.PositiveIntegerField(default=0)
    text = models.TextField()
    start_seconds = models.FloatField(null=True, blank=True)
    is_private = models.BooleanField(default=False, help_text="Left out of the public copy (redacted).")

    class Meta:
        ordering = ["meeting", "order", "id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="decision_text_not_empty")]

    def __str__(self) -> str:
        return self.text


class ActionItemQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=ActionItem.Status.OPEN)

    def open_for(self, person: Person):
        return self.open().filter(owner=person)

    def overdue(self, today=None):
        return self.open().filter(due__lt=today or timezone.localdate())


class ActionItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items", help_text="Raised at.")
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items")
    owner = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="action_items")
    text = models.TextField()
    due = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closing_note = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    start_seconds = models.FloatField(null=True, blank=True)
    is_private = models.BooleanField(default=False, help_text="Left out of the public copy (redacted).")
    due_reminder_sent_on = models.DateField(null=True, blank=True)
    overdue_reminder_sent_on = models.DateField(null=True, blank=True)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "order", "id"]
        indexes = [models.Index(fields=["owner", "status"])]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="action_item_text_not_empty"),
            models.CheckConstraint(condition=Q(status__in=["open", "done", "dropped"]), name="action_item_status_valid"),
            models.CheckConstraint(
                condition=(Q(status="open") & Q(closed_at__isnull=True)) | (~Q(status="open") & Q(closed_at__isnull=False)),
                name="action_item_closed_iff_not_open",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        ROLL_CALL = "roll_call", "Roll call"
        ANTITRUST = "antitrust", "Antitrust statement"
        APPROVAL = "approval", "Approval of prior minutes"
        BALLOTS = "ballots", "Ballots"
        ACTION_ITEM = "action_item", "Open action item"
        TOPIC = "topic", "Topic"
        OTHER_BUSINESS = "other_business", "Other business"
        NEXT_MEETING = "next_meeting", "Next meeting"
        ADJOURN = "adjourn", "Adjourn"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.TOPIC)
    title = models.CharField(max_length=300)
    notes = models.TextField(blank=True)
    approval_of = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    action_item = models.ForeignKey(ActionItem, null=True, blank=True, on_delete=models.CASCADE, related_name="agenda_items")

    class Meta:
        ordering = ["meeting", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="agenda_item_title_not_empty"),
            models.UniqueConstraint(fields=["meeting", "approval_of"], name="agenda_approval_once"),
            models.UniqueConstraint(fields=["meeting", "action_item"], name="agenda_action_item_once"),
        ]

    def __str__(self) -> str:
        return self.title


class MinutesRevision(models.Model):
    """Every saved version of a draft: who, when, the Markdown and the structured form."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    body = models.TextField(blank=True)
    form = models.JSONField(default=dict)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["minutes", "-version"]
        constraints = [models.UniqueConstraint(fields=["minutes", "version"], name="revision_once_per_version")]

    def __str__(self) -> str:
        return f"{self.minutes} v{self.version}"


class MinutesEvent(models.Model):
    """The history of a minutes document: circulation, approvals, finalisation, restores."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        SAVED = "saved", "Saved"
        RESTORED = "restored", "Restored an earlier version"
        CIRCULATED = "circulated", "Circulated for review"
        APPROVED = "approved", "Approved"
        APPROVED_WITH_CHANGES = "approved_with_changes", "Approved with changes"
        DEFERRED = "deferred", "Approval deferred"
        FINALIZED = "finalized", "Became final"

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["minutes", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d})"


class MinutesComment(models.Model):
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="comments")
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments")
    section = models.CharField(max_length=300, help_text="Section commented on, as shown when the comment was made.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="minutes_comments")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["minutes", "created_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="comment_text_not_empty")]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.section}"
