"""The REST API of groups, people, meetings, minutes and action items (mounted at /api/ by cscwg.api_urls).

Reading is open where the pages are open; every rule about who may see or change something is asked of
``minutes.access``, as the pages do. Domain verbs (circulate, record an approval, save sections,
complete an action item, import a post) are their own endpoints and call ``minutes.services``;
a ``WorkflowError`` becomes 400 and a ``MinutesConflict`` 409, both as ``{"detail": message}``.
"""

from __future__ import annotations

from django.core.paginator import Paginator as DjangoPaginator
from django.db import DatabaseError, transaction
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.permissions import AllowAny, IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from . import access, matching, pagecache, services
from .archive import ArchiveError, post_parse
from .management.commands.import_minutes import group_for, known_organizations, post_import
from .models import ActionItem, Meeting, Minutes, Organization, Person, WorkingGroup
from .serializers import (
    ActionItemSerializer,
    ApprovalInputSerializer,
    CompleteInputSerializer,
    ImportInputSerializer,
    ImportResultSerializer,
    MeetingDetailSerializer,
    MeetingSerializer,
    MinutesApprovalSerializer,
    MinutesDetailSerializer,
    MinutesSectionsSerializer,
    MinutesSerializer,
    OrganizationSerializer,
    PersonSerializer,
    WorkingGroupSerializer,
)

# -- errors -------------------------------------------------------------------------------------


class BadRequest(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "This request cannot be carried out."
    default_code = "bad_request"


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Someone else changed this since you read it."
    default_code = "conflict"


ErrorSerializer = inline_serializer("Error", {"detail": serializers.CharField()})
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Not allowed in the current state, or malformed input."),
    401: OpenApiResponse(ErrorSerializer, description="Log in or send a token."),
    403: OpenApiResponse(ErrorSerializer, description="Your role does not allow this."),
    404: OpenApiResponse(ErrorSerializer, description="Unknown, or not visible to you."),
}


class ServiceErrors:
    """Turns the services' errors into API errors; subclasses add their own (``domain_errors``)."""

    domain_errors: tuple[tuple[type[Exception], type[APIException]], ...] = (
        (services.MinutesConflict, Conflict),
        (services.WorkflowError, BadRequest),
    )

    def handle_exception(self, exc):
        for error, api_error in self.domain_errors:
            if isinstance(exc, error):
                exc = api_error(str(exc))
                break
        return super().handle_exception(exc)

    def require(self, allowed: bool, message: str = "Your role does not allow this.") -> None:
        """401 for anonymous requests, 403 for a user whose role does not allow it."""
        if not allowed:
            self.permission_denied(self.request, message=message)


class CachedList:
    """A list endpoint whose pages are kept per viewer and query string until anything changes
    (minutes.pagecache): the serialized rows and the count are stored, the links are built for each request.
    Permissions are checked before ``list`` runs, cached or not."""

    def list(self, request, *args, **kwargs):
        snap = pagecache.snapshot()
        key = ("api-list", self.basename, pagecache.viewer(request.user), tuple(sorted(request.query_params.lists())))
        cached = snap.get(*key)
        paginator = self.paginator
        if cached is None:
            response = super().list(request, *args, **kwargs)
            page = getattr(paginator, "page", None)
            if response.status_code == 200 and page is not None:
                snap.put({"count": page.paginator.count, "number": page.number, "results": response.data["results"]}, *key)
            return response
        paginator.request = request
        paginator.page = DjangoPaginator(range(cached["count"]), paginator.get_page_size(request)).page(cached["number"])
        paginator.display_page_controls = paginator.template is not None and paginator.page.paginator.num_pages > 1
        return paginator.get_paginated_response(cached["results"])


# -- groups, organizations, people --------------------------------------------------------------


class WorkingGroupViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = WorkingGroup.objects.order_by("name")
    serializer_class = WorkingGroupSerializer
    permission_classes = [AllowAny]
    lookup_field = "slug"


class OrganizationFilter(filters.FilterSet):
    name = filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Organization
        fields = ["name", "member_class", "status"]


class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Organization.objects.order_by("name")
    serializer_class = OrganizationSerializer
    permission_classes = [AllowAny]
    filterset_class = OrganizationFilter


class PersonFilter(filters.FilterSet):
    name = filters.CharFilter(field_name="full_name", lookup_expr="icontains")
    group = filters.CharFilter(field_name="roles__group__slug", help_text="People with a role in this group (slug).", distinct=True)

    class Meta:
        model = Person
        fields = ["name", "organization", "group"]


class PersonViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Person.objects.select_related("organization").order_by("full_name", "id")
    serializer_class = PersonSerializer
    permission_classes = [AllowAny]
    filterset_class = PersonFilter


# -- meetings -----------------------------------------------------------------------------------


MEETING_LIST_FIELDS = [
    *(f.name for f in Meeting._meta.concrete_fields),
    "group__slug",
    "minutes__id",
    "minutes__status",
    "chair__full_name",
    "minute_taker__full_name",
]


class MeetingFilter(filters.FilterSet):
    group = filters.CharFilter(field_name="group__slug", help_text="Working group slug.")
    starts_after = filters.DateFilter(field_name="starts_at", lookup_expr="date__gte", help_text="On or after this day (UTC).")
    starts_before = filters.DateFilter(field_name="starts_at", lookup_expr="date__lte", help_text="On or before this day (UTC).")
    minutes_status = filters.ChoiceFilter(field_name="minutes__status", choices=Minutes.Status.choices)

    class Meta:
        model = Meeting
        fields = ["group", "kind", "starts_after", "starts_before", "minutes_status"]


class MarkdownParser(parsers.BaseParser):
    """A post sent as it is (``Content-Type: text/markdown``), e.g. ``curl --data-binary @post.md``."""

    media_type = "text/markdown"

    def parse(self, stream, media_type=None, parser_context=None) -> str:
        encoding = (parser_context or {}).get("encoding") or "utf-8"
        try:
            return stream.read().decode(encoding) if stream is not None else ""
        except UnicodeDecodeError as exc:
            raise parsers.ParseError(f"The post is not {encoding} text.") from exc


class ImportNotAllowed(Exception):
    """The post belongs to a group the user may not import into."""


def meeting_import_post(*, text: str, group: WorkingGroup | None, user) -> tuple[str, Meeting, list[str]]:
    """Read one archive post and store it as the importer does. Creating a group named by the post
    and storing the meeting happen in one transaction, undone when the user may not manage that group.
    Returns (created | updated | unchanged, meeting, warnings)."""
    with transaction.atomic(), matching.directory_scope() as directory:
        archived = post_parse(text, known_organizations=known_organizations(directory))
        if group is None:
            if archived.group is None:
                raise ArchiveError("the title and tags name no known working group; give the group")
            group = group_for(archived.group)
        if not access.can_manage_group(user, group):
            raise ImportNotAllowed(f"Only the chairs of {group} may import its minutes.")
        imported = post_import(archived=archived, directory=directory, group=group)
    warnings = [*archived.warnings, *(f"uncertain name: {item}" for item in directory.uncertain)]
    return imported.status, imported.meeting, warnings


def _manages_some_group(user) -> bool:
    return user.is_authenticated and (user.is_staff or any(access.can_manage_group(user, g) for g in access.roles_of(user)))


class MeetingViewSet(CachedList, ServiceErrors, viewsets.ReadOnlyModelViewSet):
    """The meeting calendar is public; a meeting's records are shown to those who may see its minutes,
    without private (redacted) records for those who may not see them."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    filterset_class = MeetingFilter

    def get_queryset(self):
        if self.action == "retrieve":
            return services.meeting_with_records()
        # The columns MeetingSerializer reads (a minutes body can be long, and is not one of them).
        return (
            Meeting.objects.select_related("group", "minutes", "chair", "minute_taker")
            .only(*MEETING_LIST_FIELDS)
            .order_by("-starts_at", "-id")
        )

    def get_serializer_class(self):
        # Per action, so that the browsable API offers the right form.
        return {"retrieve": MeetingDetailSerializer, "import_post": ImportInputSerializer}.get(self.action, MeetingSerializer)

    def _detail_context(self, meeting: Meeting) -> dict:
        user = self.request.user
        return {
            "request": self.request,
            "show_records": access.can_view_records(user, meeting, getattr(meeting, "minutes", None)),
            "show_private": access.can_see_private(user, meeting),
        }

    def retrieve(self, request, *args, **kwargs):
        meeting = self.get_object()
        return Response(MeetingDetailSerializer(meeting, context=self._detail_context(meeting)).data)

    @extend_schema(
        summary="Import an archive post",
        description=(
            "The post (YAML front matter, then Markdown) as JSON `{\"post\": ..., \"group\": slug}` or sent as it is with "
            "`Content-Type: text/markdown` (the group then as `?group=`). The working group comes from the post's title and "
            "tags unless given. Chairs of the group and staff may import; importing the same post again changes nothing."
        ),
        parameters=[OpenApiParameter("group", str, description="Working group slug, for a post sent as text/markdown.")],
        request={"application/json": ImportInputSerializer, "text/markdown": OpenApiTypes.STR},
        responses={201: ImportResultSerializer, 200: ImportResultSerializer, **ERRORS},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        permission_classes=[IsAuthenticated],
        parser_classes=[parsers.JSONParser, MarkdownParser],
    )
    def import_post(self, request):
        self.require(_manages_some_group(request.user), "Only chairs and staff may import minutes.")
        if isinstance(request.data, str):
            data = {"post": request.data, "group": request.query_params.get("group") or None}
        else:
            data = request.data
        form = ImportInputSerializer(data=data)
        form.is_valid(raise_exception=True)
        try:
            result, meeting, warnings = meeting_import_post(
                text=form.validated_data["post"], group=form.validated_data.get("group"), user=request.user
            )
        except ArchiveError as exc:
            raise BadRequest(f"The post could not be read: {exc}.") from exc
        except ImportNotAllowed as exc:
            self.require(False, str(exc))
        except (ValueError, DatabaseError) as exc:
            # e.g. a title longer than the records allow: the post's records were rolled back.
            raise BadRequest(f"The post could not be stored: {exc}") from exc
        meeting = services.meeting_with_records().get(pk=meeting.pk)
        body = {
            "status": result,
            "meeting": MeetingDetailSerializer(meeting, context=self._detail_context(meeting)).data,
            "warnings": warnings,
        }
        return Response(body, status=status.HTTP_201_CREATED if result == "created" else status.HTTP_200_OK)


class MeetingMinutesJSONView(APIView):
    """The meeting's records in the structured minutes form (minutes.schema.json); the public copy
    (without private records) for those who may not see them."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="meetings_minutes_json",
        summary="The minutes as minutes.schema.json",
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="minutes.schema.json"), 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        meeting = get_object_or_404(services.meeting_with_records(), pk=pk)
        if not access.can_view_records(request.user, meeting, getattr(meeting, "minutes", None)):
            return Response({"detail": "These minutes are not public."}, status=status.HTTP_404_NOT_FOUND)
        return Response(services.minutes_to_form(meeting, include_private=access.can_see_private(request.user, meeting)))


# -- minutes ------------------------------------------------------------------------------------


class MinutesFilter(filters.FilterSet):
    group = filters.CharFilter(field_name="meeting__group__slug", help_text="Working group slug.")

    class Meta:
        model = Minutes
        fields = ["status", "group", "meeting"]


def _sections_of(meeting: Meeting, *, show_private: bool) -> dict:
    records = services.meeting_with_records().get(pk=meeting.pk)

    def shown(rows):
        return [r for r in rows if show_private or not r.is_private]

    return {
        "topics": [
            {"id": t.pk, "title": t.title, "points": [p.text for p in shown(t.points.all())], "is_private": t.is_private}
            for t in shown(records.topics.all())
        ],
        "decisions": [
            {"id": d.pk, "text": d.text, "topic": d.topic.title if d.topic else None, "is_private": d.is_private}
            for d in shown(records.decisions.all())
        ],
        "action_items": [
            {
                "id": i.pk, "text": i.text, "owner": i.owner, "due": i.due, "topic": i.topic.title if i.topic else None,
                "is_private": i.is_private,
            }
            for i in shown(records.action_items.all())
        ],
    }


NOT_EDITABLE = "Only the minute taker and the group's chairs change a draft; final minutes do not change."


class MinutesViewSet(ServiceErrors, viewsets.ReadOnlyModelViewSet):
    """Minutes documents. Final minutes are public; drafts and circulated minutes are seen by the
    group's members and the minute taker. Changes go through the action endpoints."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    filterset_class = MinutesFilter

    def get_queryset(self):
        queryset = Minutes.objects.select_related("meeting__group", "meeting__minute_taker").order_by("-meeting__starts_at", "-id")
        return access.minutes_visible_to(self.request.user, queryset)

    def get_serializer_class(self):
        return {
            "retrieve": MinutesDetailSerializer,
            "circulate": MinutesDetailSerializer,
            "approvals": ApprovalInputSerializer,
            "sections": MinutesSectionsSerializer,
        }.get(self.action, MinutesSerializer)

    def _detail(self, minutes: Minutes, **kwargs) -> Response:
        meeting = minutes.meeting
        body = minutes.body if access.can_see_private(self.request.user, meeting) else services.public_body(meeting, minutes.body)
        return Response(MinutesDetailSerializer(minutes, context={"request": self.request, "body": body}).data, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    @extend_schema(request=None, responses={200: MinutesDetailSerializer, **ERRORS}, summary="Circulate the draft for review")
    @action(detail=True, methods=["post"])
    def circulate(self, request, pk=None):
        minutes = self.get_object()
        self.require(access.can_edit_minutes(request.user, minutes), NOT_EDITABLE)
        services.minutes_circulate(minutes=minutes, user=request.user)
        minutes.refresh_from_db()
        return self._detail(minutes)

    @extend_schema(
        request=ApprovalInputSerializer,
        responses={201: MinutesApprovalSerializer, **ERRORS},
        summary="Record what a later meeting did with these minutes",
        description="Approval (with or without changes) makes circulated minutes final; deferral keeps them circulated.",
    )
    @action(detail=True, methods=["post"])
    def approvals(self, request, pk=None):
        minutes = self.get_object()
        form = ApprovalInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        acted_at = form.validated_data["acted_at"]
        self.require(access.can_manage_meeting(request.user, acted_at), "Only the group's chairs record approvals.")
        approval = services.minutes_record_approval(
            minutes=minutes, acted_at=acted_at, outcome=form.validated_data["outcome"], note=form.validated_data["note"], user=request.user
        )
        return Response(MinutesApprovalSerializer(approval).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses={200: MinutesSectionsSerializer, **ERRORS}, summary="The editable sections")
    @extend_schema(
        methods=["PUT"],
        request=MinutesSectionsSerializer,
        responses={200: MinutesSectionsSerializer, 409: OpenApiResponse(ErrorSerializer, description="Stale version."), **ERRORS},
        summary="Save the sections of the draft",
        description=(
            "Replaces topics (with their points), decisions and action items. A row with the `id` of an existing record "
            "updates it; rows left out are deleted. `version` is the version read: a stale one is answered 409."
        ),
    )
    @action(detail=True, methods=["get", "put"])
    def sections(self, request, pk=None):
        minutes = self.get_object()
        user = request.user
        if request.method == "PUT":
            self.require(access.can_edit_minutes(user, minutes), NOT_EDITABLE)
            form = MinutesSectionsSerializer(data=request.data)
            form.is_valid(raise_exception=True)
            data = form.validated_data
            minutes = services.minutes_save(
                minutes=minutes,
                sections={key: [dict(row) for row in data[key]] for key in ("topics", "decisions", "action_items")},
                expected_version=data["version"],
                user=user,
                note="saved through the API",
            )
        sections = _sections_of(minutes.meeting, show_private=access.can_see_private(user, minutes.meeting))
        return Response(MinutesSectionsSerializer({"version": minutes.version, **sections}).data)


# -- action items -------------------------------------------------------------------------------


ACTION_ITEM_LIST_FIELDS = [
    *(f.name for f in ActionItem._meta.concrete_fields if f.name not in ("due_reminder_sent_on", "overdue_reminder_sent_on")),
    "owner__full_name",
]


class ActionItemFilter(filters.FilterSet):
    group = filters.CharFilter(field_name="meeting__group__slug", help_text="Working group slug.")
    due_after = filters.DateFilter(field_name="due", lookup_expr="gte", help_text="Due on or after this day.")
    due_before = filters.DateFilter(field_name="due", lookup_expr="lte", help_text="Due on or before this day.")

    class Meta:
        model = ActionItem
        fields = ["owner", "status", "meeting", "group", "due_after", "due_before"]


class ActionItemViewSet(CachedList, ServiceErrors, viewsets.ReadOnlyModelViewSet):
    """Action items of the groups you are a member of, and those you own."""

    permission_classes = [IsAuthenticated]
    filterset_class = ActionItemFilter

    def get_serializer_class(self):
        return CompleteInputSerializer if self.action == "complete" else ActionItemSerializer

    def get_queryset(self):
        queryset = ActionItem.objects.order_by("due", "meeting__starts_at", "order", "id")
        if self.action == "list":
            # ActionItemSerializer reads the item's columns and its owner's name, nothing of the meeting.
            queryset = queryset.select_related("owner").only(*ACTION_ITEM_LIST_FIELDS)
        else:
            queryset = queryset.select_related("owner", "meeting")
        return access.action_items_visible_to(self.request.user, queryset)

    @extend_schema(request=CompleteInputSerializer, responses={200: ActionItemSerializer, **ERRORS}, summary="Close an action item")
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        item = self.get_object()
        self.require(access.can_complete_action_item(request.user, item), "Only the owner and the group's chairs close an action item.")
        form = CompleteInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        item = services.action_item_complete(item=item, user=request.user, **form.validated_data)
        return Response(ActionItemSerializer(item).data)
