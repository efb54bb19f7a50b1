"""Ballots (versions, endorsements, votes, IPR review) and Face-to-Face meetings with their goals.

The lifecycle moves through ``ballots.services``; the rules are in ``ballots.tally`` (pure)."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from minutes.models import ActionItem, Meeting, MemberClass, Organization, Person, WorkingGroup

BALLOT_ID_RE = re.compile(r"^(?:[A-Z][A-Z/]*-\d+[A-Za-z0-9.]*|Ballot \d+)$")


def normalize_ballot_identifier(raw: str) -> str:
    """'csc 06' -> 'CSC-6', 'SC54' -> 'SC-54', 'ballot 185' -> 'Ballot 185'."""
    text = raw.strip()
    m = re.match(r"(?i)^ballot\s+(\d+)$", text)
    if m:
        return f"Ballot {int(m.group(1))}"
    m = re.match(r"(?i)^(?:ballot\s+)?([A-Z]+)[\s\-_]*0*(\d+)(.*)$", text)
    if m:
        return f"{m.group(1).upper()}-{int(m.group(2))}{m.group(3).strip()}"
    return text


DISCUSSION_DAYS = 7
VOTING_DAYS = 7
EXPIRY_DAYS = 90
IPR_REVIEW_DAYS = {"new": 60, "maintenance": 30}


class BallotQuerySet(models.QuerySet):
    def in_flight(self):
        return self.filter(status__in=["draft", "discussion", "voting", "ipr_review"])


class Ballot(models.Model):
    class GuidelineType(models.TextChoices):
        NEW = "new", "Final Guideline (60-day IPR review)"
        MAINTENANCE = "maintenance", "Final Maintenance Guideline (30-day IPR review)"

    class PublishedResult(models.TextChoices):
        PASSED = "passed", "Passed"
        FAILED = "failed", "Failed"

    class Kind(models.TextChoices):
        GUIDELINE = "guideline", "Guideline"
        ELECTION = "election", "Election"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        DISCUSSION = "discussion", "Discussion"
        VOTING = "voting", "Voting"
        IPR_REVIEW = "ipr_review", "IPR review"
        PASSED = "passed", "Passed"
        FAILED = "failed", "Failed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    identifier = models.CharField(max_length=40, unique=True, help_text="As the group writes it, e.g. CSC-6.")
    title = models.CharField(max_length=300, blank=True)
    group = models.ForeignKey(WorkingGroup, on_delete=models.PROTECT, related_name="ballots")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.GUIDELINE)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    proposer = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="ballots_proposed")
    summary = models.TextField(blank=True)
    guideline_type = models.CharField(
        max_length=12, choices=GuidelineType.choices, blank=True, help_text="Sets the IPR review: 60 days new, 30 days redline."
    )

    # The clock. Discussion restarts with each version; voting lasts exactly 7 days.
    last_version_at = models.DateTimeField(null=True, blank=True)
    discussion_started_at = models.DateTimeField(null=True, blank=True)
    voting_started_at = models.DateTimeField(null=True, blank=True)
    voting_ends_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, help_text="When voting closed (or the ballot failed or was withdrawn).")
    ipr_review_started_at = models.DateTimeField(null=True, blank=True)
    ipr_review_ends_at = models.DateTimeField(null=True, blank=True)
    effective_date = models.DateField(null=True, blank=True)
    status_note = models.CharField(max_length=300, blank=True, help_text="Why the ballot failed, was rescinded or withdrawn.")

    # Quorum, snapshotted when voting opens.
    quorum_required = models.PositiveIntegerField(null=True, blank=True)
    quorum_basis = models.JSONField(default=list, blank=True, help_text="Attendance of the meetings the quorum came from.")
    quorum_override_reason = models.TextField(blank=True)
    quorum_overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    result = models.JSONField(null=True, blank=True, help_text="The computed result when voting closed.")

    # Imported archive posts: what the post said, kept beside what the app computes.
    published_result = models.CharField(max_length=8, choices=PublishedResult.choices, blank=True)
    published_counts = models.JSONField(
        null=True, blank=True, help_text="Counts per class as the post states them; the tally of an imported ballot uses them."
    )
    source = models.CharField(max_length=300, blank=True, help_text="File the ballot was imported from.")

    objects = BallotQuerySet.as_manager()

    class Meta:
        ordering = ["group", "identifier"]
        constraints = [
            models.CheckConstraint(condition=~Q(identifier=""), name="ballot_identifier_not_empty"),
            models.CheckConstraint(condition=Q(kind__in=["guideline", "election", "other"]), name="ballot_kind_valid"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "discussion", "voting", "ipr_review", "passed", "failed", "withdrawn"]),
                name="ballot_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(voting_ends_at__isnull=True) | Q(voting_ends_at__gt=models.F("voting_started_at")),
                name="ballot_voting_ends_after_start",
            ),
            models.CheckConstraint(condition=~Q(status="voting") | Q(voting_ends_at__isnull=False), name="ballot_voting_has_end"),
            models.CheckConstraint(
                condition=~Q(status="ipr_review") | Q(ipr_review_ends_at__isnull=False), name="ballot_review_has_end"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.identifier}: {self.title}" if self.title else self.identifier

    def get_absolute_url(self) -> str:
        return reverse("ballots:detail", args=[self.identifier])

    # The clock, for pages: each is None when it does not apply.

    @property
    def discussion_ends_at(self) -> dt.datetime | None:
        if self.status != self.Status.DISCUSSION or self.discussion_started_at is None:
            return None
        return self.discussion_started_at + dt.timedelta(days=DISCUSSION_DAYS)

    @property
    def auto_fail_at(self) -> dt.datetime | None:
        if self.status not in (self.Status.DRAFT, self.Status.DISCUSSION) or self.last_version_at is None:
            return None
        return self.last_version_at + dt.timedelta(days=EXPIRY_DAYS)

    @property
    def ipr_review_days(self) -> int | None:
        return IPR_REVIEW_DAYS.get(self.guideline_type) if self.kind == self.Kind.GUIDELINE else None

    @property
    def is_imported(self) -> bool:
        return bool(self.source)


class BallotVersion(models.Model):
    """One posted text of a ballot. A new version restarts the discussion period."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    label = models.CharField(max_length=20, help_text="As the group names it, e.g. v2.")
    text = models.TextField(blank=True)
    posted_at = models.DateTimeField()
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["ballot", "number"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "number"], name="ballot_version_number_unique"),
            models.UniqueConstraint(fields=["ballot", "label"], name="ballot_version_label_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="ballot_version_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.ballot.identifier} {self.label}"


class Endorsement(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="endorsements")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="endorsements")
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT)
    order = models.PositiveIntegerField(default=0)
    endorsed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["ballot", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "person"], name="endorsement_once_per_person"),
            models.UniqueConstraint(
                fields=["ballot", "organization"], condition=Q(organization__isnull=False), name="endorsement_once_per_organization"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} endorses {self.ballot.identifier}"


VOTING_CLASS_CHOICES = [(c.value, c.label) for c in (MemberClass.CERTIFICATE_ISSUER, MemberClass.CERTIFICATE_CONSUMER)]


class Choice(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    ABSTAIN = "abstain", "Abstain"


class Vote(models.Model):
    """The vote of one member organization; the last one cast while voting is open counts."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="votes")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="ballot_votes")
    voting_class = models.CharField(max_length=32, choices=VOTING_CLASS_CHOICES, help_text="The class it voted in, at the time.")
    choice = models.CharField(max_length=8, choices=Choice.choices)
    cast_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="ballot_votes")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    cast_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["ballot", "voting_class", "organization__name"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "organization"], name="vote_once_per_organization"),
            models.CheckConstraint(condition=Q(choice__in=["yes", "no", "abstain"]), name="vote_choice_valid"),
            models.CheckConstraint(
                condition=Q(voting_class__in=["certificate_issuer", "certificate_consumer"]), name="vote_voting_class_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization}: {self.choice} on {self.ballot.identifier}"


class VoteHistory(models.Model):
    """Every vote cast, including those a later vote replaced."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="vote_history")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=8, choices=Choice.choices)
    previous_choice = models.CharField(max_length=8, choices=Choice.choices, blank=True)
    cast_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    cast_at = models.DateTimeField()

    class Meta:
        ordering = ["ballot", "cast_at", "id"]
        verbose_name_plural = "vote history"

    def __str__(self) -> str:
        return f"{self.organization}: {self.previous_choice or '-'} -> {self.choice}"


class IPRExclusion(models.Model):
    """An exclusion notice filed during IPR review: it rescinds the ballot's approval."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="ipr_exclusions")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    filed_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    filed_at = models.DateTimeField()
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["ballot", "filed_at"]
        verbose_name = "IPR exclusion notice"

    def __str__(self) -> str:
        return f"Exclusion notice by {self.organization} on {self.ballot.identifier}"


class BallotMention(models.Model):
    """A ballot discussed at a meeting: the link both ways between ballots and minutes."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="mentions")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="ballot_mentions")
    note = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["meeting", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["ballot", "meeting"], name="ballot_mention_once_per_meeting")]

    def __str__(self) -> str:
        return f"{self.ballot.identifier} at {self.meeting}"


class F2FMeeting(models.Model):
    number = models.PositiveIntegerField(unique=True, verbose_name="F2F number")
    title = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    location = models.CharField(max_length=200, blank=True, help_text="City, or 'Virtual'.")
    sessions = models.ManyToManyField(Meeting, blank=True, related_name="f2f_meetings")

    class Meta:
        ordering = ["-number"]
        verbose_name = "F2F meeting"
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="f2f_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"F2F {self.number}: {self.title}"


class Goal(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACTIVE = "active", "Active"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="goals")
    f2f = models.ForeignKey(F2FMeeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="goals")
    year = models.PositiveIntegerField(null=True, blank=True)
    title = models.CharField(max_length=300)
    owner = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="goals")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    notes = models.TextField(blank=True)
    ballots = models.ManyToManyField(Ballot, blank=True, related_name="goals")
    action_items = models.ManyToManyField(ActionItem, blank=True, related_name="goals")
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to", help_text="The same goal at an earlier F2F."
    )

    OPEN_STATUSES = ("proposed", "active")

    class Meta:
        ordering = ["group", "f2f", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["proposed", "active", "done", "dropped"]), name="goal_status_valid"),
            models.CheckConstraint(condition=~Q(title=""), name="goal_title_not_empty"),
            models.UniqueConstraint(fields=["carried_from", "f2f"], name="goal_carried_once_per_f2f"),
        ]

    def __str__(self) -> str:
        return self.title
