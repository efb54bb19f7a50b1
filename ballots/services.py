from __future__ import annotations

from django.db import transaction

from minutes.models import Meeting

from .models import Ballot, BallotMention, normalize_ballot_identifier


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
