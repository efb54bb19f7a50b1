"""A scenario around the conftest cast: a draft, a circulated and a final meeting of the group with
records (some private), an action item owned by the member, a meeting of another group, and two
ballots (one in its vote, one awaiting endorsements)."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.test import APIClient

from ballots.models import Ballot
from minutes.models import ActionItem, Decision, Minutes, Organization, Person, Topic, TopicPoint
from tests.conftest import make_meeting

ROLES = ["anonymous", "observer", "member", "taker", "chair", "staff", "outsider"]

POST = """---
title: Minutes of the Code Signing Certificate Working Group – 1 February 2024
date: 2024-02-05 10:00:00
author: Taker Person
tags:
- Code Signing
- Minutes
---

## Attendees

Dean Coclin (DigiCert), Inigo Barreira (Sectigo), Ben Wilson (Mozilla)

## 1. Roll call and antitrust statement

Dean Coclin read the antitrust statement.

## 2. Code signing key protection

- The group discussed hardware key storage.
- Inigo Barreira will draft a ballot on key protection.
"""


@pytest.fixture
def world(group, other_group, cast):
    taker = cast["taker"].person
    final = make_meeting(group, dt.date(2023, 12, 14), status=Minutes.Status.FINAL, minute_taker=taker)
    circulated = make_meeting(group, dt.date(2024, 1, 4), status=Minutes.Status.CIRCULATED, minute_taker=taker)
    draft = make_meeting(group, dt.date(2024, 1, 11), minute_taker=taker, chair=cast["chair"].person)
    elsewhere = make_meeting(other_group, dt.date(2024, 1, 11))
    for meeting in (final, draft):
        public = Topic.objects.create(meeting=meeting, order=0, title="Key protection")
        TopicPoint.objects.create(topic=public, order=0, text="Hardware storage discussed")
        TopicPoint.objects.create(topic=public, order=1, text="Vendor names mentioned", is_private=True)
        Topic.objects.create(meeting=meeting, order=1, title="Membership application", is_private=True)
        Decision.objects.create(meeting=meeting, topic=public, text="Ballot to be drafted")
    item = ActionItem.objects.create(meeting=draft, owner=cast["member"].person, text="Draft the key protection ballot")
    now = timezone.now()
    voting = Ballot.objects.create(
        identifier="CSC-30", title="Key protection", group=group, status=Ballot.Status.VOTING,
        voting_started_at=now - dt.timedelta(days=1), voting_ends_at=now + dt.timedelta(days=6),
    )
    other_ca = Organization.objects.create(name="Other CA", member_class="certificate_issuer")
    proposer = Person.objects.create(full_name="Proposer Person", organization=Organization.objects.create(
        name="Proposer CA", member_class="certificate_issuer"))
    endorser = Person.objects.create(full_name="Endorser Person", organization=other_ca)
    draft_ballot = Ballot.objects.create(
        identifier="CSC-31", title="Revocation", group=group, proposer=proposer, last_version_at=now
    )
    return {
        "final": final, "circulated": circulated, "draft": draft, "elsewhere": elsewhere, "item": item,
        "voting": voting, "draft_ballot": draft_ballot, "endorser": endorser, "cast": cast, "group": group,
    }


def client_for(role: str, cast) -> APIClient:
    client = APIClient()
    if role != "anonymous":
        # A fresh user object, as a real request would load: access caches roles on the user it is given.
        client.force_authenticate(get_user_model().objects.get(pk=cast[role].pk))
    return client
