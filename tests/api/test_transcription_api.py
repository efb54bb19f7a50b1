"""/api/recordings/, /api/jobs/, /api/draft-items/: upload, progress, review, as each role."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from minutes.models import ActionItem
from tests.conftest import make_meeting
from tests.transcription.test_jobs import VTT
from transcription.models import DraftItem, Recording, TranscriptionJob


@pytest.fixture
def meeting(group, cast):
    return make_meeting(group, dt.date(2024, 5, 16), minute_taker=cast["taker"].person)


def api_as(cast, role) -> APIClient:
    client = APIClient()
    if role != "anonymous":
        client.force_authenticate(cast[role])
    return client


def upload(client, meeting):
    return client.post("/api/recordings/", {"meeting": meeting.pk, "file": SimpleUploadedFile("m.vtt", VTT.encode())}, format="multipart")


@pytest.mark.django_db(transaction=True)
def test_upload_progress_and_review_through_the_api(cast, meeting):
    client = api_as(cast, "taker")
    response = upload(client, meeting)
    assert response.status_code == 201
    job = TranscriptionJob.objects.get(pk=response.json()["id"])
    progress = client.get(f"/api/jobs/{job.pk}/progress/").json()
    assert progress["status"] == "done" and progress["percent"] == 100
    items = client.get(f"/api/recordings/{job.recording_id}/draft/").json()
    action = next(i for i in items if i["kind"] == "action_item")
    accepted = client.post(f"/api/draft-items/{action['id']}/accept/", {"payload": {"due": "2024-05-24"}}, format="json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert ActionItem.objects.get(meeting=meeting).due == dt.date(2024, 5, 24)
    again = client.post(f"/api/draft-items/{action['id']}/accept/", {}, format="json")
    assert again.status_code == 400 and "already" in again.json()["detail"]
    other = next(i for i in items if i["kind"] == "attendee")
    assert client.post(f"/api/draft-items/{other['id']}/reject/").json()["status"] == "rejected"


def test_a_file_that_is_not_media_or_a_transcript_is_a_400(cast, meeting):
    response = api_as(cast, "taker").post(
        "/api/recordings/", {"meeting": meeting.pk, "file": SimpleUploadedFile("x.mp4", bytes(range(256)) * 40)}, format="multipart"
    )
    assert response.status_code == 400 and "not an audio or video file" in response.json()["detail"]
    assert not Recording.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "role, upload_status, sees, review_status",
    [
        ("anonymous", 401, False, 401),
        ("observer", 403, False, 404),
        ("outsider", 403, False, 404),
        ("member", 403, True, 403),
        ("taker", 201, True, 200),
        ("chair", 201, True, 200),
        ("staff", 201, True, 200),
    ],
)
def test_recording_endpoints_by_role(cast, meeting, role, upload_status, sees, review_status):
    upload(api_as(cast, "taker"), meeting)
    item = DraftItem.objects.filter(kind="attendee").first()
    client = api_as(cast, role)
    assert upload(client, meeting).status_code == upload_status
    listed = client.get("/api/recordings/")
    if role == "anonymous":
        assert listed.status_code == 401
    else:
        assert (listed.json()["count"] > 0) is sees
    assert client.post(f"/api/draft-items/{item.pk}/reject/").status_code == review_status
