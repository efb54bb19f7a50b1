"""The REST API of ballots (mounted at /api/ by cscwg.api_urls). Ballots are public; casting a vote and
recording an endorsement are their own endpoints calling ``ballots.services``, with the same rules as
the ballot page: a representative of a member organization of the group votes for it, a chair enters
another organization's vote and records endorsements. A ``BallotError`` becomes 400."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from minutes import access
from minutes.api import ERRORS, BadRequest, CachedList, ServiceErrors

from . import services
from .models import Ballot
from .serializers import (
    BallotDetailSerializer,
    BallotSerializer,
    EndorsementInputSerializer,
    EndorsementSerializer,
    VoteInputSerializer,
    VoteSerializer,
)

# The columns BallotSerializer reads: not the summary, the quorum's basis or the stored result.
BALLOT_LIST_UNREAD = ("summary", "quorum_basis", "quorum_override_reason", "quorum_overridden_by", "result", "published_counts", "source")
BALLOT_LIST_FIELDS = [
    *(f.name for f in Ballot._meta.concrete_fields if f.name not in BALLOT_LIST_UNREAD),
    "group__slug",
    "proposer__full_name",
]


class BallotFilter(filters.FilterSet):
    group = filters.CharFilter(field_name="group__slug", help_text="Working group slug.")

    class Meta:
        model = Ballot
        fields = ["group", "status", "kind"]


def voter_organization(user, ballot: Ballot):
    """The organization a user votes for: their own, when they are a member of the ballot's group
    (the rule of the ballot page)."""
    person = access.person_of(user)
    if person is None or person.organization_id is None or not access.is_member(user, ballot.group_id):
        return None
    return person.organization


class BallotViewSet(CachedList, ServiceErrors, viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsAuthenticatedOrReadOnly]
    filterset_class = BallotFilter
    lookup_field = "identifier"
    # Identifiers such as "SC-54.1" or "Ballot 185" hold dots and spaces.
    lookup_value_regex = "[^/]+"
    domain_errors = ((services.BallotError, BadRequest), *ServiceErrors.domain_errors)

    def get_queryset(self):
        queryset = Ballot.objects.select_related("group", "proposer").order_by("group__name", "identifier")
        if self.action == "list":
            queryset = queryset.only(*BALLOT_LIST_FIELDS)
        elif self.action == "retrieve":
            queryset = queryset.prefetch_related(
                "versions", "endorsements__person", "endorsements__organization", "votes__organization", "mentions"
            )
        return queryset

    def get_serializer_class(self):
        # Per action, so that the browsable API offers the right form.
        return {
            "retrieve": BallotDetailSerializer, "votes": VoteInputSerializer, "endorsements": EndorsementInputSerializer,
        }.get(self.action, BallotSerializer)

    @extend_schema(
        request=VoteInputSerializer,
        responses={201: VoteSerializer, **ERRORS},
        summary="Cast a vote",
        description=(
            "Casts the vote of your own organization; a chair of the group may instead name the `organization` whose vote "
            "they enter. A later vote while voting is open replaces the earlier one."
        ),
    )
    @action(detail=True, methods=["post"])
    def votes(self, request, identifier=None):
        ballot = self.get_object()
        form = VoteInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        organization = form.validated_data.get("organization")
        person = None
        if organization is not None:
            self.require(
                access.can_manage_group(request.user, ballot.group_id), "Only the group's chairs enter another organization's vote."
            )
        else:
            organization = voter_organization(request.user, ballot)
            self.require(organization is not None, "Only representatives of the group's voting members may vote.")
            person = access.person_of(request.user)
        vote = services.vote_cast(
            ballot=ballot, organization=organization, choice=form.validated_data["choice"], person=person, by=request.user
        )
        return Response(VoteSerializer(vote).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=EndorsementInputSerializer,
        responses={201: EndorsementSerializer, **ERRORS},
        summary="Record an endorsement",
        description="A chair records that `person` endorses the ballot for their organization.",
    )
    @action(detail=True, methods=["post"])
    def endorsements(self, request, identifier=None):
        ballot = self.get_object()
        self.require(access.can_manage_group(request.user, ballot.group_id), "Only the group's chairs record endorsements.")
        form = EndorsementInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        endorsement = services.endorsement_add(ballot=ballot, person=form.validated_data["person"], by=request.user)
        return Response(EndorsementSerializer(endorsement).data, status=status.HTTP_201_CREATED)


class BallotJSONView(ServiceErrors, APIView):
    """The ballot as ballot.schema.json (its latest version)."""

    permission_classes = [AllowAny]
    domain_errors = BallotViewSet.domain_errors

    @extend_schema(
        operation_id="ballots_ballot_json",
        summary="The ballot as ballot.schema.json",
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="ballot.schema.json"), 404: ERRORS[404]},
    )
    def get(self, request, identifier: str):
        ballot = get_object_or_404(Ballot.objects.select_related("group", "proposer__organization"), identifier=identifier)
        return Response(services.ballot_to_form(ballot))
