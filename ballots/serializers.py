"""API representations of ballots, their versions, endorsements and votes."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from minutes.models import Organization, Person

from . import services
from .models import Ballot, BallotMention, BallotVersion, Choice, Endorsement, Vote


class BallotSerializer(serializers.ModelSerializer):
    group = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    proposer_name = serializers.CharField(source="proposer.full_name", default=None, read_only=True)

    class Meta:
        model = Ballot
        fields = [
            "identifier", "title", "group", "kind", "status", "proposer", "proposer_name", "guideline_type",
            "last_version_at", "discussion_started_at", "discussion_ends_at", "auto_fail_at", "voting_started_at", "voting_ends_at",
            "closed_at", "ipr_review_started_at", "ipr_review_ends_at", "effective_date", "status_note", "published_result",
        ]

    # The clock properties are computed; declared so the schema knows their type.
    discussion_ends_at = serializers.DateTimeField(read_only=True, allow_null=True)
    auto_fail_at = serializers.DateTimeField(read_only=True, allow_null=True, help_text="When it fails unless it goes to a vote.")


class BallotVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = BallotVersion
        fields = ["number", "label", "text", "posted_at"]


class EndorsementSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.full_name", read_only=True)
    organization_name = serializers.CharField(source="organization.name", default=None, read_only=True)

    class Meta:
        model = Endorsement
        fields = ["person", "person_name", "organization", "organization_name", "endorsed_at"]


class VoteSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Vote
        fields = ["organization", "organization_name", "voting_class", "choice", "cast_at"]


class BallotMentionSerializer(serializers.ModelSerializer):
    class Meta:
        model = BallotMention
        fields = ["meeting", "note"]


class BallotResultSerializer(serializers.Serializer):
    """The ``result`` object of ballot.schema.json."""

    outcome = serializers.CharField(allow_null=True)
    issuers_yes_percent = serializers.FloatField(allow_null=True)
    consumers_yes_percent = serializers.FloatField(allow_null=True)
    quorum_required = serializers.IntegerField(allow_null=True)
    quorum_met = serializers.BooleanField(allow_null=True)
    reasons = serializers.ListField(child=serializers.CharField())


class BallotDetailSerializer(BallotSerializer):
    versions = BallotVersionSerializer(many=True, read_only=True)
    endorsements = EndorsementSerializer(many=True, read_only=True)
    votes = VoteSerializer(many=True, read_only=True)
    mentions = BallotMentionSerializer(many=True, read_only=True)
    result = serializers.SerializerMethodField(help_text="Recorded when voting closed; computed from the votes until then.")

    class Meta(BallotSerializer.Meta):
        fields = [*BallotSerializer.Meta.fields, "summary", "quorum_required", "versions", "endorsements", "votes", "mentions", "result"]

    @extend_schema_field(BallotResultSerializer)
    def get_result(self, ballot: Ballot) -> dict:
        return ballot.result or services.ballot_result(ballot).as_form()


class VoteInputSerializer(serializers.Serializer):
    choice = serializers.ChoiceField(choices=Choice.choices)
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(),
        required=False,
        allow_null=True,
        help_text="Chairs enter the vote of another organization; left out, the vote is your own organization's.",
    )


class EndorsementInputSerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.select_related("organization"))
