"""/api/: the REST API, its OpenAPI 3 schema (/api/schema/) and browsable docs (/api/docs/)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from ballots.api import BallotJSONView, BallotViewSet
from minutes.api import (
    ActionItemViewSet,
    MeetingMinutesJSONView,
    MeetingViewSet,
    MinutesViewSet,
    OrganizationViewSet,
    PersonViewSet,
    WorkingGroupViewSet,
)
from transcription.api import DraftItemViewSet, JobViewSet, RecordingViewSet

router = DefaultRouter()
router.register("groups", WorkingGroupViewSet, basename="group")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("people", PersonViewSet, basename="person")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("minutes", MinutesViewSet, basename="minutes")
router.register("action-items", ActionItemViewSet, basename="action-item")
router.register("ballots", BallotViewSet, basename="ballot")
router.register("recordings", RecordingViewSet, basename="recording")
router.register("jobs", JobViewSet, basename="job")
router.register("draft-items", DraftItemViewSet, basename="draft-item")

app_name = "api"

urlpatterns = [
    path("meetings/<int:pk>/minutes.json", MeetingMinutesJSONView.as_view(), name="meeting-minutes-json"),
    path("ballots/<str:identifier>/ballot.json", BallotJSONView.as_view(), name="ballot-json"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]
