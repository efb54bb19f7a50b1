"""/api/ for recordings, transcription jobs and drafted items: upload, progress, review."""

from django.db.models import Q
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from minutes import access
from minutes.api import ERRORS, BadRequest, ServiceErrors
from minutes.models import Meeting

from . import services
from .models import DraftItem, Recording, TranscriptionJob
from .views import job_status_data


def _visible_meetings(user):
    """Meetings whose recordings the user may see (members of the group, the minute taker, staff)."""
    if not user.is_authenticated:
        return Meeting.objects.none()
    if user.is_staff:
        return Meeting.objects.all()
    groups = [g for g, kind in access.roles_of(user).items() if kind in access.READING_ROLES]
    return Meeting.objects.filter(Q(group__in=groups) | Q(minute_taker__user=user))


class JobSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = TranscriptionJob
        fields = ["id", "recording", "status", "stage", "percent", "progress_done", "progress_total", "message", "attempts",
                  "created_at", "started_at", "finished_at"]


class RecordingSerializer(serializers.ModelSerializer):
    jobs = JobSerializer(many=True, read_only=True)

    class Meta:
        model = Recording
        fields = ["id", "meeting", "original_name", "size", "kind", "content_type", "uploaded_at", "jobs"]


class DraftItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = DraftItem
        fields = ["id", "kind", "order", "payload", "evidence_start", "status", "decided_at"]


class UploadSerializer(serializers.Serializer):
    meeting = serializers.IntegerField()
    file = serializers.FileField()


class AcceptSerializer(serializers.Serializer):
    payload = serializers.DictField(required=False, help_text="Corrected fields of the item; omitted: accept as drafted.")


class RecordingViewSet(ServiceErrors, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Recordings and transcripts of the meetings you may see; upload one to start a job."""

    permission_classes = [IsAuthenticated]
    serializer_class = RecordingSerializer
    parser_classes = [parsers.MultiPartParser, parsers.FormParser]
    domain_errors = (*ServiceErrors.domain_errors, (services.UploadError, BadRequest))

    def get_queryset(self):
        return (
            Recording.objects.filter(meeting__in=_visible_meetings(self.request.user))
            .prefetch_related("jobs")
            .order_by("-uploaded_at", "-id")
        )

    @extend_schema(request={"multipart/form-data": UploadSerializer}, responses={201: JobSerializer, **ERRORS}, summary="Upload")
    def create(self, request):
        form = UploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        meeting = get_object_or_404(Meeting.objects.select_related("group"), pk=form.validated_data["meeting"])
        self.require(access.can_upload_recording(request.user, meeting), "Only the minute taker and the chairs upload recordings.")
        job = services.recording_upload(meeting=meeting, upload=form.validated_data["file"], user=request.user)
        return Response(JobSerializer(job).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: DraftItemSerializer(many=True), **ERRORS}, summary="Drafted items")
    @action(detail=True, methods=["get"])
    def draft(self, request, pk=None):
        recording = self.get_object()
        items = DraftItem.objects.filter(draft__recording=recording).order_by("order", "id")
        return Response(DraftItemSerializer(items, many=True).data)


class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Transcription jobs and their progress (stage, percent, estimate)."""

    permission_classes = [IsAuthenticated]
    serializer_class = JobSerializer

    def get_queryset(self):
        return TranscriptionJob.objects.filter(recording__meeting__in=_visible_meetings(self.request.user)).order_by("-created_at", "-id")

    @extend_schema(responses={200: inline_serializer("JobProgress", {"status": serializers.CharField()}), **ERRORS})
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        return Response(job_status_data(self.get_object()))


class DraftItemViewSet(ServiceErrors, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Accept (as drafted or with a corrected payload) or reject a drafted item."""

    permission_classes = [IsAuthenticated]
    serializer_class = DraftItemSerializer
    domain_errors = (*ServiceErrors.domain_errors, (services.UploadError, BadRequest))

    def get_queryset(self):
        return DraftItem.objects.filter(draft__recording__meeting__in=_visible_meetings(self.request.user)).select_related(
            "draft__recording__meeting"
        )

    def _reviewable(self) -> DraftItem:
        item = self.get_object()
        meeting = item.draft.recording.meeting
        self.require(access.can_upload_recording(self.request.user, meeting), "Only the minute taker and the chairs review drafts.")
        return item

    @extend_schema(request=AcceptSerializer, responses={200: DraftItemSerializer, **ERRORS}, summary="Accept into the minutes")
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        item = self._reviewable()
        form = AcceptSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        payload = form.validated_data.get("payload")
        if payload is not None and not isinstance(payload, dict):
            raise BadRequest("payload must be an object.")
        try:
            item = services.draft_item_accept(item=item, user=request.user, payload=payload)
        except (KeyError, TypeError, ValueError) as exc:
            raise BadRequest(f"The corrected item is incomplete or malformed: {exc}.") from None
        return Response(DraftItemSerializer(item).data)

    @extend_schema(request=None, responses={200: DraftItemSerializer, **ERRORS}, summary="Reject")
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        item = services.draft_item_reject(item=self._reviewable(), user=request.user)
        return Response(DraftItemSerializer(item).data)



