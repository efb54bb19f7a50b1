"""Ballots and Face-to-Face meetings. The full ballot lifecycle (versions, votes, tally) comes later;
here a ballot carries what minutes refer to: identifier, title, proposer and endorsers."""

from __future__ import annotations

import re

from django.db import models
from django.db.models import Q
from django.urls import reverse

from minutes.models import Meeting, Organization, Person, WorkingGroup

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


class Ballot(models.Model):
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

    class Meta:
        ordering = ["group", "identifier"]
        constraints = [
            models.CheckConstraint(condition=~Q(identifier=""), name="ballot_identifier_not_empty"),
            models.CheckConstraint(condition=Q(kind__in=["guideline", "election", "other"]), name="ballot_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.identifier}: {self.title}" if self.title else self.identifier

    def get_absolute_url(self) -> str:
        return reverse("ballots:detail", args=[self.identifier])


class Endorsement(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="endorsements")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="endorsements")
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["ballot", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["ballot", "person"], name="endorsement_once_per_person")]

    def __str__(self) -> str:
        return f"{self.person} endorses {self.ballot.identifier}"


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

    class Meta:
        ordering = ["group", "f2f", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["proposed", "active", "done", "dropped"]), name="goal_status_valid"),
            models.CheckConstraint(condition=~Q(title=""), name="goal_title_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title
