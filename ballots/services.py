"""Ballot lifecycle flows. Each transition locks the ballot row (select_for_update), re-checks its state,
and raises ``BallotError`` with a sentence a chair can read when the Bylaws do not allow it.

    draft --2 endorsements--> discussion --7 days, voting_open--> voting --7 days, tick--> ipr_review | passed | failed
    ipr_review --end of review, tick--> passed ; --exclusion notice--> failed (approval rescinded)
    draft | discussion --90 days after the last version, tick--> failed ; --withdraw--> withdrawn
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from minutes.models import VOTING_CLASSES, Attendance, Meeting, MemberClass, Membership, Organization, Person, WorkingGroup

from . import tally
from .models import (
    DISCUSSION_DAYS,
    EXPIRY_DAYS,
    IPR_REVIEW_DAYS,
    VOTING_DAYS,
    Ballot,
    BallotMention,
    BallotVersion,
    Choice,
    Endorsement,
    F2FMeeting,
    Goal,
    IPRExclusion,
    Vote,
    VoteHistory,
    normalize_ballot_identifier,
)

CLASS_KEYS = {MemberClass.CERTIFICATE_ISSUER: tally.ISSUERS, MemberClass.CERTIFICATE_CONSUMER: tally.CONSUMERS}
KEY_CLASSES = {key: cls for cls, key in CLASS_KEYS.items()}
ENDORSEMENTS_NEEDED = 2


class BallotError(ValidationError):
    """A transition the Bylaws (or the ballot's state) do not allow; ``message`` is shown to the user."""

    def __str__(self) -> str:
        return self.message


def _local(moment: dt.datetime, group: WorkingGroup) -> str:
    return f"{moment.astimezone(zoneinfo.ZoneInfo(group.time_zone)):%Y-%m-%d %H:%M %Z}"


def _locked(ballot: Ballot) -> Ballot:
    return Ballot.objects.select_for_update(of=("self",)).select_related("group", "proposer__organization").get(pk=ballot.pk)


# -- who may take part ------------------------------------------------------------------------


def voting_class_of(*, group: WorkingGroup, organization: Organization | None) -> str | None:
    """The class ``organization`` votes in within ``group``; None when it may not propose, endorse or vote
    (not an issuer or consumer there, or probationary or suspended)."""
    if organization is None or organization.status != Organization.Status.ACTIVE:
        return None
    membership = Membership.objects.filter(group=group, organization=organization).values_list("voting_class", flat=True).first()
    member_class = membership or organization.member_class
    return member_class if member_class in VOTING_CLASSES else None


def _not_voting_member(organization: Organization | None, group: WorkingGroup, what: str) -> BallotError:
    if organization is None:
        return BallotError(f"No organization is on record for this person, so they may not {what}.")
    if organization.status != Organization.Status.ACTIVE:
        return BallotError(f"{organization} is {organization.get_status_display().lower()}, so it may not {what}.")
    return BallotError(f"{organization} is not a Certificate Issuer or Certificate Consumer of {group}, so it may not {what}.")


# -- quorum -------------------------------------------------------------------------------------


def quorum_attendance(*, group: WorkingGroup, before: dt.datetime) -> list[dict[str, Any]]:
    """Voting member organizations present at each of the group's last three meetings with attendance."""
    meetings = list(
        Meeting.objects.filter(group=group, starts_at__lt=before, attendances__status=Attendance.Status.PRESENT)
        .distinct()
        .order_by("-starts_at")[: tally.QUORUM_MEETINGS]
    )
    present = Attendance.objects.filter(
        meeting__in=meetings, status=Attendance.Status.PRESENT, organization__isnull=False
    ).values_list("meeting_id", "organization_id", "organization__member_class")
    group_classes = dict(Membership.objects.filter(group=group).values_list("organization_id", "voting_class"))
    orgs: dict[int, set[int]] = {m.pk: set() for m in meetings}
    for meeting_id, org_id, member_class in present:
        if group_classes.get(org_id, member_class) in VOTING_CLASSES:
            orgs[meeting_id].add(org_id)
    return [{"meeting": m.pk, "date": m.date.isoformat(), "title": m.title, "organizations": len(orgs[m.pk])} for m in meetings]


# -- results ------------------------------------------------------------------------------------


def vote_counts(ballot: Ballot) -> dict[str, tally.ClassCount]:
    """Counts per class: the post's stated counts for an imported ballot, else the recorded votes."""
    if ballot.published_counts:
        return {key: tally.ClassCount.from_mapping(ballot.published_counts.get(key)) for key in (tally.ISSUERS, tally.CONSUMERS)}
    counts: Counter = Counter((vote.voting_class, vote.choice) for vote in ballot.votes.all())
    return {
        key: tally.ClassCount(**{choice: counts[(cls, choice)] for choice in tally.CHOICES}) for cls, key in CLASS_KEYS.items()
    }


def ballot_result(ballot: Ballot, *, closed: bool | None = None) -> tally.Result:
    """The tally of ``ballot``; ``pending`` until its vote has closed."""
    counts = vote_counts(ballot)
    if closed is None:
        # An archive post is a closed record even when it announces a vote and shows none.
        closed = ballot.is_imported or ballot.status not in (Ballot.Status.DRAFT, Ballot.Status.DISCUSSION, Ballot.Status.VOTING)
    return tally.tally(
        counts[tally.ISSUERS],
        counts[tally.CONSUMERS],
        kind=ballot.kind,
        consumer_rule=ballot.group.consumer_rule,
        quorum=ballot.quorum_required,
        closed=closed,
    )


# -- lifecycle ----------------------------------------------------------------------------------


@transaction.atomic
def ballot_create(
    *,
    group: WorkingGroup,
    identifier: str,
    title: str,
    proposer: Person,
    text: str,
    kind: str = Ballot.Kind.GUIDELINE,
    guideline_type: str = Ballot.GuidelineType.MAINTENANCE,
    summary: str = "",
    version_label: str = "v1",
    by=None,
) -> Ballot:
    """A draft ballot with its first version. A stub created by a mention in minutes is completed instead."""
    identifier = normalize_ballot_identifier(identifier)
    if not identifier:
        raise BallotError("A ballot needs an identifier, e.g. CSC-30.")
    if voting_class_of(group=group, organization=proposer.organization) is None:
        raise _not_voting_member(proposer.organization, group, "propose a ballot")
    now = timezone.now()
    ballot = Ballot.objects.select_for_update().filter(identifier=identifier).first()
    if ballot is not None and (
        ballot.group_id != group.pk or ballot.status != Ballot.Status.DRAFT or ballot.proposer_id or ballot.versions.exists()
    ):
        raise BallotError(f"Ballot {identifier} already exists.")
    if ballot is None:
        ballot = Ballot(identifier=identifier, group=group)
    ballot.title = title
    ballot.kind = kind
    ballot.guideline_type = guideline_type if kind == Ballot.Kind.GUIDELINE else ""
    ballot.proposer = proposer
    ballot.summary = summary
    ballot.last_version_at = now
    ballot.save()
    BallotVersion.objects.create(ballot=ballot, number=1, label=version_label or "v1", text=text, posted_at=now, posted_by=by)
    return ballot


def _other_endorsing_orgs(ballot: Ballot) -> set[int]:
    proposer_org = ballot.proposer.organization_id if ballot.proposer else None
    return {org for org in ballot.endorsements.values_list("organization_id", flat=True) if org and org != proposer_org}


@transaction.atomic
def endorsement_add(*, ballot: Ballot, person: Person, by=None) -> Endorsement:
    """Record ``person``'s endorsement for their organization. With the second endorsement from another
    voting member organization, the draft is formally proposed and its discussion period starts."""
    ballot = _locked(ballot)
    if ballot.status not in (Ballot.Status.DRAFT, Ballot.Status.DISCUSSION):
        raise BallotError(f"{ballot.identifier} is {ballot.get_status_display().lower()}; endorsements are taken before voting.")
    organization = person.organization
    if voting_class_of(group=ballot.group, organization=organization) is None:
        raise _not_voting_member(organization, ballot.group, "endorse a ballot")
    if ballot.proposer and ballot.proposer.organization_id == organization.pk:
        raise BallotError(
            f"{person} is from {organization}, the proposer's organization; endorsements must come from two other organizations."
        )
    if ballot.endorsements.filter(organization=organization).exists():
        raise BallotError(f"{organization} has already endorsed {ballot.identifier}.")
    if ballot.endorsements.filter(person=person).exists():
        raise BallotError(f"{person} has already endorsed {ballot.identifier}.")
    now = timezone.now()
    order = (ballot.endorsements.aggregate(m=Max("order"))["m"] or 0) + 1
    endorsement = Endorsement.objects.create(ballot=ballot, person=person, organization=organization, order=order, endorsed_at=now)
    if ballot.status == Ballot.Status.DRAFT and len(_other_endorsing_orgs(ballot)) >= ENDORSEMENTS_NEEDED:
        ballot.status = Ballot.Status.DISCUSSION
        ballot.discussion_started_at = now
        ballot.save(update_fields=["status", "discussion_started_at"])
    return endorsement


@transaction.atomic
def ballot_version_add(*, ballot: Ballot, text: str, label: str = "", by=None) -> BallotVersion:
    """Post a new text; during discussion the 7-day discussion period starts again."""
    ballot = _locked(ballot)
    if ballot.status not in (Ballot.Status.DRAFT, Ballot.Status.DISCUSSION):
        raise BallotError(f"{ballot.identifier} is {ballot.get_status_display().lower()}; its text can no longer change.")
    number = (ballot.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    label = (label or f"v{number}").strip()
    if ballot.versions.filter(label=label).exists():
        raise BallotError(f"{ballot.identifier} already has a version {label}.")
    now = timezone.now()
    version = BallotVersion.objects.create(ballot=ballot, number=number, label=label, text=text, posted_at=now, posted_by=by)
    ballot.last_version_at = now
    fields = ["last_version_at"]
    if ballot.status == Ballot.Status.DISCUSSION:
        ballot.discussion_started_at = now
        fields.append("discussion_started_at")
    ballot.save(update_fields=fields)
    return version


@transaction.atomic
def voting_open(*, ballot: Ballot, by=None, quorum_required: int | None = None, quorum_reason: str = "") -> Ballot:
    """Open the 7-day vote and snapshot the quorum from recorded attendance (or the chair's override)."""
    ballot = _locked(ballot)
    now = timezone.now()
    if ballot.status != Ballot.Status.DISCUSSION:
        raise BallotError(f"{ballot.identifier} is {ballot.get_status_display().lower()}; voting opens only after discussion.")
    if len(_other_endorsing_orgs(ballot)) < ENDORSEMENTS_NEEDED:
        raise BallotError(f"{ballot.identifier} needs endorsements from two voting member organizations other than the proposer's.")
    if ballot.last_version_at is None or not ballot.versions.exists():
        raise BallotError(f"{ballot.identifier} has no text yet: add a version first.")
    discussion_ends = (ballot.discussion_started_at or ballot.last_version_at) + dt.timedelta(days=DISCUSSION_DAYS)
    if now < discussion_ends:
        raise BallotError(
            f"The discussion period of {ballot.identifier} runs until {_local(discussion_ends, ballot.group)} "
            f"({DISCUSSION_DAYS} days after the last version); voting can open then."
        )
    if now >= ballot.last_version_at + dt.timedelta(days=EXPIRY_DAYS):
        raise BallotError(f"{ballot.identifier} expired {EXPIRY_DAYS} days after its last version; it can no longer go to a vote.")
    basis = quorum_attendance(group=ballot.group, before=now)
    computed = tally.quorum_required([row["organizations"] for row in basis])
    if quorum_required is not None:
        if quorum_required < 1:
            raise BallotError("The quorum must be at least 1 vote.")
        if not quorum_reason.strip():
            raise BallotError("Give a reason for setting the quorum by hand.")
        ballot.quorum_override_reason = quorum_reason.strip()
        ballot.quorum_overridden_by = by
    elif computed is None:
        raise BallotError(
            f"Fewer than {tally.QUORUM_MEETINGS} earlier meetings of {ballot.group} have recorded attendance, so the quorum "
            "cannot be computed: set it by hand and give a reason."
        )
    ballot.quorum_required = quorum_required if quorum_required is not None else computed
    ballot.quorum_basis = basis
    ballot.status = Ballot.Status.VOTING
    ballot.voting_started_at = now
    ballot.voting_ends_at = now + dt.timedelta(days=VOTING_DAYS)
    ballot.save()
    return ballot


@transaction.atomic
def vote_cast(*, ballot: Ballot, organization: Organization, choice: str, person: Person | None = None, by=None) -> Vote:
    """One vote per organization; a later vote while voting is open replaces the earlier one (kept in history)."""
    ballot = _locked(ballot)
    now = timezone.now()
    if ballot.status != Ballot.Status.VOTING:
        raise BallotError(f"Voting on {ballot.identifier} is not open.")
    if now >= ballot.voting_ends_at:
        raise BallotError(f"Voting on {ballot.identifier} closed at {_local(ballot.voting_ends_at, ballot.group)}.")
    if choice not in Choice.values:
        raise BallotError("A vote is yes, no or abstain.")
    voting_class = voting_class_of(group=ballot.group, organization=organization)
    if voting_class is None:
        raise _not_voting_member(organization, ballot.group, "vote")
    vote = Vote.objects.select_for_update().filter(ballot=ballot, organization=organization).first()
    previous = vote.choice if vote else ""
    if vote is None:
        vote = Vote(ballot=ballot, organization=organization)
    vote.voting_class = voting_class
    vote.choice = choice
    vote.cast_by = person
    vote.entered_by = by
    vote.cast_at = now
    vote.save()
    VoteHistory.objects.create(
        ballot=ballot, organization=organization, choice=choice, previous_choice=previous, cast_by=person, entered_by=by, cast_at=now
    )
    return vote


@transaction.atomic
def voting_close(*, ballot: Ballot) -> Ballot:
    """Close the vote at the end of its 7 days and record the computed result."""
    ballot = _locked(ballot)
    now = timezone.now()
    if ballot.status != Ballot.Status.VOTING:
        raise BallotError(f"{ballot.identifier} is not in its voting period.")
    if now < ballot.voting_ends_at:
        raise BallotError(f"Voting on {ballot.identifier} runs until {_local(ballot.voting_ends_at, ballot.group)}.")
    result = ballot_result(ballot, closed=True)
    ballot.result = result.as_form()
    ballot.closed_at = now
    if not result.adopted:
        ballot.status = Ballot.Status.FAILED
        ballot.status_note = "Failed: " + "; ".join(rule.reason for rule in result.rules if rule.met is False)
    elif ballot.kind == Ballot.Kind.GUIDELINE:
        ballot.status = Ballot.Status.IPR_REVIEW
        ballot.ipr_review_started_at = now
        ballot.ipr_review_ends_at = now + dt.timedelta(days=ballot.ipr_review_days or IPR_REVIEW_DAYS["maintenance"])
    else:
        ballot.status = Ballot.Status.PASSED
        ballot.effective_date = timezone.localdate(now, zoneinfo.ZoneInfo(ballot.group.time_zone))
    ballot.save()
    return ballot


@transaction.atomic
def ipr_exclusion_record(
    *, ballot: Ballot, organization: Organization, person: Person | None = None, note: str = "", by=None
) -> IPRExclusion:
    """An exclusion notice filed during review rescinds the ballot's approval."""
    ballot = _locked(ballot)
    now = timezone.now()
    if ballot.status != Ballot.Status.IPR_REVIEW:
        raise BallotError(f"{ballot.identifier} is not in IPR review.")
    if now >= ballot.ipr_review_ends_at:
        raise BallotError(f"The review period of {ballot.identifier} ended at {_local(ballot.ipr_review_ends_at, ballot.group)}.")
    exclusion = IPRExclusion.objects.create(
        ballot=ballot, organization=organization, filed_by=person, filed_at=now, note=note, recorded_by=by
    )
    ballot.status = Ballot.Status.FAILED
    ballot.status_note = f"Approval rescinded: exclusion notice filed by {organization} on {now:%Y-%m-%d}."
    ballot.save(update_fields=["status", "status_note"])
    return exclusion


@transaction.atomic
def ipr_review_end(*, ballot: Ballot) -> Ballot:
    """No exclusion notice by the end of review: the guideline is final and effective."""
    ballot = _locked(ballot)
    if ballot.status != Ballot.Status.IPR_REVIEW:
        raise BallotError(f"{ballot.identifier} is not in IPR review.")
    if timezone.now() < ballot.ipr_review_ends_at:
        raise BallotError(f"The review period of {ballot.identifier} runs until {_local(ballot.ipr_review_ends_at, ballot.group)}.")
    ballot.status = Ballot.Status.PASSED
    ballot.effective_date = timezone.localdate(ballot.ipr_review_ends_at, zoneinfo.ZoneInfo(ballot.group.time_zone))
    ballot.save(update_fields=["status", "effective_date"])
    return ballot


@transaction.atomic
def ballot_expire(*, ballot: Ballot) -> Ballot:
    """Fail a ballot that did not reach a vote within 90 days of its last version."""
    ballot = _locked(ballot)
    now = timezone.now()
    if ballot.status not in (Ballot.Status.DRAFT, Ballot.Status.DISCUSSION) or ballot.auto_fail_at is None:
        raise BallotError(f"{ballot.identifier} is not waiting for a vote.")
    if now < ballot.auto_fail_at:
        raise BallotError(f"{ballot.identifier} fails automatically only at {_local(ballot.auto_fail_at, ballot.group)}.")
    ballot.status = Ballot.Status.FAILED
    ballot.closed_at = now
    ballot.status_note = (
        f"Failed automatically: {EXPIRY_DAYS} days passed after the last version ({ballot.last_version_at:%Y-%m-%d}) without a vote."
    )
    ballot.save(update_fields=["status", "closed_at", "status_note"])
    return ballot


@transaction.atomic
def ballot_withdraw(*, ballot: Ballot, reason: str = "", by=None) -> Ballot:
    ballot = _locked(ballot)
    if ballot.status not in (Ballot.Status.DRAFT, Ballot.Status.DISCUSSION):
        raise BallotError(f"{ballot.identifier} is {ballot.get_status_display().lower()}; only a ballot before its vote can be withdrawn.")
    ballot.status = Ballot.Status.WITHDRAWN
    ballot.closed_at = timezone.now()
    ballot.status_note = f"Withdrawn: {reason.strip()}" if reason.strip() else "Withdrawn."
    ballot.save(update_fields=["status", "closed_at", "status_note"])
    return ballot


def ballots_tick() -> dict[str, int]:
    """Run the clock: close votes whose 7 days are over, end IPR reviews, fail ballots 90 days after their
    last version. Each ballot is handled in its own transaction and re-checked under lock, so running
    this twice (or from two workers) has one effect."""
    now = timezone.now()
    done = {"voting_closed": 0, "review_ended": 0, "expired": 0}
    steps = [
        ("voting_closed", voting_close, Ballot.objects.filter(status=Ballot.Status.VOTING, voting_ends_at__lte=now)),
        ("review_ended", ipr_review_end, Ballot.objects.filter(status=Ballot.Status.IPR_REVIEW, ipr_review_ends_at__lte=now)),
        (
            "expired",
            ballot_expire,
            Ballot.objects.filter(
                status__in=[Ballot.Status.DRAFT, Ballot.Status.DISCUSSION],
                last_version_at__lte=now - dt.timedelta(days=EXPIRY_DAYS),
            ),
        ),
    ]
    for key, step, due in steps:
        for ballot in due.only("pk"):
            try:
                step(ballot=ballot)
            except BallotError:
                continue  # another run got there first
            done[key] += 1
    return done


# -- minutes ------------------------------------------------------------------------------------


@transaction.atomic
def ballot_mention_save(*, meeting: Meeting, identifier: str, note: str = "", order: int = 0) -> BallotMention:
    """Link a ballot discussed at ``meeting``; an unknown ballot is created as a stub of the group."""
    ballot, _ = Ballot.objects.get_or_create(
        identifier=normalize_ballot_identifier(identifier), defaults={"group": meeting.group}
    )
    mention, _ = BallotMention.objects.update_or_create(
        ballot=ballot, meeting=meeting, defaults={"note": note, "order": order}
    )
    return mention


def ballot_mentions_save(*, meeting: Meeting, rows: list[dict[str, Any]], empty: bool = False) -> None:
    """Link the ballots of ``rows`` ({"id", "note"}) to ``meeting`` after those it has, in a few queries
    (stubs for unknown ballots). ``empty``: the meeting has no links yet."""
    if not empty:
        base = meeting.ballot_mentions.count()
        for order, row in enumerate(rows, start=base):
            ballot_mention_save(meeting=meeting, identifier=row["id"], note=row.get("note") or "", order=order)
        return
    identifiers = [normalize_ballot_identifier(row["id"]) for row in rows]
    known = {b.identifier: b for b in Ballot.objects.filter(identifier__in=identifiers)}
    for identifier in dict.fromkeys(identifiers):
        if identifier not in known:
            known[identifier], _ = Ballot.objects.get_or_create(identifier=identifier, defaults={"group": meeting.group})
    mentions: dict[str, BallotMention] = {}
    for order, (identifier, row) in enumerate(zip(identifiers, rows, strict=True)):
        if identifier in mentions:  # named twice: the later note and place win, as with one save per row
            mentions[identifier].note, mentions[identifier].order = row.get("note") or "", order
        else:
            mentions[identifier] = BallotMention(ballot=known[identifier], meeting=meeting, note=row.get("note") or "", order=order)
    BallotMention.objects.bulk_create(mentions.values())


# -- F2F goals ----------------------------------------------------------------------------------


@transaction.atomic
def goals_carry_forward(*, source: F2FMeeting, target: F2FMeeting, group: WorkingGroup) -> list[Goal]:
    """Copy the group's open goals (proposed, active) of ``source`` into ``target``, with owner, status,
    notes and links; a goal already carried is not copied again."""
    if target.pk == source.pk:
        raise BallotError("Goals are carried to another F2F meeting.")
    carried = set(Goal.objects.filter(f2f=target, carried_from__isnull=False).values_list("carried_from_id", flat=True))
    created = []
    for goal in Goal.objects.filter(group=group, f2f=source, status__in=Goal.OPEN_STATUSES).prefetch_related("ballots", "action_items"):
        if goal.pk in carried:
            continue
        copy = Goal.objects.create(
            group=group,
            f2f=target,
            year=target.starts_on.year,
            title=goal.title,
            owner=goal.owner,
            status=goal.status,
            notes=goal.notes,
            carried_from=goal,
        )
        copy.ballots.set(goal.ballots.all())
        copy.action_items.set(goal.action_items.all())
        created.append(copy)
    return created


def f2f_previous(f2f: F2FMeeting) -> F2FMeeting | None:
    return F2FMeeting.objects.filter(number__lt=f2f.number).order_by("-number").first()


def f2f_deck(*, f2f: F2FMeeting, group: WorkingGroup) -> dict[str, Any]:
    """What the "status and goals" slides of ``group``'s session at ``f2f`` say: accomplishments since the
    previous F2F (ballots passed, goals done), goals ahead and ballots in flight."""
    previous = f2f_previous(f2f)
    passed = Ballot.objects.filter(group=group, status__in=[Ballot.Status.PASSED, Ballot.Status.IPR_REVIEW], closed_at__isnull=False)
    passed = passed.filter(closed_at__date__lte=f2f.starts_on)
    if previous is not None:
        passed = passed.filter(closed_at__date__gt=previous.ends_on)
    goals = Goal.objects.filter(group=group).select_related("owner__organization", "f2f").prefetch_related("ballots")
    done_at = [f2f.pk] + ([previous.pk] if previous else [])
    return {
        "f2f": f2f,
        "group": group,
        "previous": previous,
        "ballots_passed": list(passed.order_by("closed_at", "identifier")),
        "goals_done": list(goals.filter(f2f__in=done_at, status=Goal.Status.DONE).order_by("f2f__number", "id")),
        "goals_ahead": list(goals.filter(f2f=f2f, status__in=Goal.OPEN_STATUSES).order_by("status", "id")),
        "ballots_in_flight": list(
            Ballot.objects.filter(group=group).in_flight().select_related("proposer__organization").order_by("identifier")
        ),
    }


# -- the structured ballot form (shared/schemas/ballot.schema.json): import and export -------------


def _when(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


class OrganizationIndex:
    """Organizations by name or alias (``minutes.names.org_key``), loaded once for a whole import:
    the same matching as ``minutes.services.organization_resolve`` without a query per name."""

    def __init__(self):
        from minutes.names import org_key

        self._key = org_key
        self._orgs: dict[str, Organization] = {}
        for org in Organization.objects.order_by("-pk"):  # the oldest wins a shared alias
            for name in [*org.aliases, org.name]:
                self._orgs[org_key(name)] = org

    def get(self, name: str | None, voting_class: str | None = None) -> Organization | None:
        """The organization called ``name``; created (in ``voting_class``) when unknown."""
        if not name or not name.strip():
            return None
        key = self._key(name)
        if key not in self._orgs:
            self._orgs[key] = Organization.objects.create(
                name=name.strip()[:200], member_class=voting_class or MemberClass.INTERESTED_PARTY
            )
        return self._orgs[key]


def _person(row: dict | None, organizations: OrganizationIndex) -> Person | None:
    from minutes.services import person_resolve

    if not row or not row.get("name"):
        return None
    return person_resolve(row["name"], organization=organizations.get(row.get("organization")))


def ballot_group_for(*, prefix: str | None, tags: list[str]) -> WorkingGroup:
    """The group a post belongs to: by ballot prefix, else by the post's tags (a Forum ballot is tagged
    'Forum'); a prefix no group has yet gets a group of its own."""
    from minutes.names import fold

    if prefix:
        group = WorkingGroup.objects.filter(ballot_prefix__iexact=prefix).first()
        if group:
            return group
    keys = {fold(tag).rstrip("s") for tag in tags} - {"ballot"}
    if "forum" in keys:
        group = WorkingGroup.objects.filter(ballot_prefix__iexact="FORUM").first() or WorkingGroup.objects.filter(slug="forum").first()
        if group:
            return group
    for group in WorkingGroup.objects.order_by("pk"):
        if keys & {fold(tag).rstrip("s") for tag in group.tags}:
            return group
    name = prefix or "Forum"
    group, _ = WorkingGroup.objects.get_or_create(
        slug=name.lower()[:40], defaults={"name": f"{name} ballots", "short_name": name, "ballot_prefix": name}
    )
    return group


@transaction.atomic
def ballot_save_form(
    *,
    form: dict[str, Any],
    group: WorkingGroup,
    counts: dict[str, dict[str, int]] | None = None,
    quorum_required: int | None = None,
    source: str = "",
    text: str = "",
    posted_at: dt.datetime | None = None,
) -> Ballot:
    """Store an archive ballot (its form) with its votes and the outcome computed by ``tally``.

    ``counts``: the counts per class as the post states them (they may exceed the names it lists).
    Re-importing the same ballot replaces what an earlier import stored; a ballot run in this app is
    never overwritten."""
    identifier = normalize_ballot_identifier(form["id"])
    ballot = Ballot.objects.select_for_update().filter(identifier=identifier).first()
    if ballot is not None and not ballot.source and (
        ballot.proposer_id or ballot.versions.exists() or ballot.votes.exists() or ballot.status != Ballot.Status.DRAFT
    ):
        raise BallotError(f"{identifier} is run in this app; the import does not overwrite it.")
    if ballot is None:
        ballot = Ballot(identifier=identifier)
    has_votes = any(form["votes"][cls][choice] for cls in form["votes"] for choice in form["votes"][cls]) or any(
        n for cls in (counts or {}).values() for n in cls.values()
    )
    organizations = OrganizationIndex()
    ipr = form.get("ipr_review") or {}
    voting = form.get("voting_period") or {}
    discussion = form.get("discussion_period") or {}
    ballot.group = group
    ballot.title = form.get("title") or ""
    ballot.kind = form["kind"]
    ballot.guideline_type = {"30-day": "maintenance", "60-day": "new"}.get(ipr.get("kind"), "") if form["kind"] == "guideline" else ""
    ballot.proposer = _person(form.get("proposer"), organizations)
    ballot.source = source or "import"
    ballot.published_result = form.get("published_result") or ""
    ballot.published_counts = counts if has_votes else None
    ballot.quorum_required = quorum_required
    ballot.discussion_started_at = _when(discussion.get("start"))
    ballot.voting_started_at = _when(voting.get("start"))
    ballot.voting_ends_at = _when(voting.get("end"))
    ballot.ipr_review_started_at = _when(ipr.get("start"))
    ballot.ipr_review_ends_at = _when(ipr.get("end"))
    ballot.effective_date = dt.date.fromisoformat(form["effective_date"]) if form.get("effective_date") else None
    ballot.last_version_at = None  # archive ballots are not on the 90-day clock
    ballot.closed_at = (ballot.voting_ends_at or posted_at) if has_votes else None
    ballot.status = Ballot.Status.DISCUSSION
    ballot.save()
    ballot.endorsements.all().delete()
    ballot.votes.all().delete()
    ballot.versions.all().delete()

    BallotVersion.objects.create(
        ballot=ballot,
        number=1,
        label=form.get("version") or "v1",
        text=text,
        posted_at=ballot.discussion_started_at or posted_at or timezone.now(),
    )
    for order, row in enumerate(form.get("endorsers") or []):
        person = _person(row, organizations)
        if person and not ballot.endorsements.filter(person=person).exists():
            organization = person.organization if not ballot.endorsements.filter(organization=person.organization).exists() else None
            Endorsement.objects.create(ballot=ballot, person=person, organization=organization, order=order)
    votes: dict[int, Vote] = {}
    for key, cls in KEY_CLASSES.items():
        for choice in tally.CHOICES:
            for name in form["votes"].get(key, {}).get(choice) or []:
                organization = organizations.get(name, cls)
                # The same organization listed twice: its first vote stands.
                votes.setdefault(organization.pk, Vote(ballot=ballot, organization=organization, voting_class=cls, choice=choice))
    Vote.objects.bulk_create(votes.values())

    if has_votes:
        result = ballot_result(ballot, closed=True)
        ballot.result = result.as_form()
        in_review = form["kind"] == "guideline" and ballot.ipr_review_ends_at and ballot.ipr_review_ends_at > timezone.now()
        if result.adopted:
            ballot.status = Ballot.Status.IPR_REVIEW if in_review else Ballot.Status.PASSED
        else:
            ballot.status = Ballot.Status.FAILED
    else:
        ballot.result = None
    ballot.save(update_fields=["status", "result"])
    return ballot


def ballot_to_form(ballot: Ballot, *, version: str | None = None) -> dict[str, Any]:
    """A stored ballot as ballot.schema.json; ``version`` (a label such as 'v2') picks the text's version."""
    versions = list(ballot.versions.order_by("number"))
    chosen = versions[-1] if versions else None
    if version is not None:
        chosen = next((v for v in versions if v.label == version), None)
        if chosen is None:
            labels = ", ".join(v.label for v in versions) or "none"
            raise BallotError(f"{ballot.identifier} has no version {version} (versions: {labels}).")
    later = [v for v in versions if chosen and v.number > chosen.number]

    def person(p: Person | None, organization: Organization | None = None) -> dict | None:
        if p is None:
            return None
        organization = organization or p.organization
        return {"name": p.full_name, "organization": organization.name if organization else None}

    def iso(value) -> str | None:
        return value.isoformat() if value else None

    discussion_start = chosen.posted_at if chosen and not ballot.is_imported else ballot.discussion_started_at
    discussion_end = later[0].posted_at if later else ballot.voting_started_at
    if discussion_end is None and discussion_start and ballot.status == Ballot.Status.DISCUSSION:
        discussion_end = discussion_start + dt.timedelta(days=DISCUSSION_DAYS)
    votes: dict[str, dict[str, list[str]]] = {key: {choice: [] for choice in tally.CHOICES} for key in KEY_CLASSES}
    for vote in ballot.votes.select_related("organization").order_by("pk"):
        votes[CLASS_KEYS[vote.voting_class]][vote.choice].append(vote.organization.name)
    review_kind = {"maintenance": "30-day", "new": "60-day"}.get(ballot.guideline_type)
    has_review = bool(ballot.ipr_review_started_at or ballot.ipr_review_ends_at) or (
        review_kind is not None and ballot.status in (Ballot.Status.IPR_REVIEW, Ballot.Status.PASSED)
    )
    return {
        "schema_version": 1,
        "id": ballot.identifier,
        "version": chosen.label if chosen else None,
        "title": ballot.title,
        "working_group": ballot.group.name,
        "kind": ballot.kind,
        "proposer": person(ballot.proposer),
        "endorsers": [person(e.person, e.organization) for e in ballot.endorsements.select_related("person__organization", "organization")],
        "discussion_period": {"start": iso(discussion_start), "end": iso(discussion_end)} if discussion_start else None,
        "voting_period": {"start": iso(ballot.voting_started_at), "end": iso(ballot.voting_ends_at)}
        if ballot.voting_started_at or ballot.voting_ends_at
        else None,
        "votes": votes,
        "result": ballot_result(ballot).as_form(),
        "published_result": ballot.published_result or None,
        "ipr_review": {"kind": review_kind, "start": iso(ballot.ipr_review_started_at), "end": iso(ballot.ipr_review_ends_at)}
        if has_review
        else None,
        "effective_date": iso(ballot.effective_date),
    }
