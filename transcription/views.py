import mimetypes
import os
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from minutes import access
from minutes.models import Meeting

from . import services
from .forms import DraftItemForm, UploadForm
from .models import DraftItem, Recording, TranscriptionJob
from .uploads import SizeLimitedUploadHandler

MEDIA_TYPES = {
    "mp4": "video/mp4", "m4a": "audio/mp4", "mov": "video/quicktime", "webm": "video/webm", "mkv": "video/x-matroska",
    "ogg": "audio/ogg", "opus": "audio/ogg", "mp3": "audio/mpeg", "wav": "audio/wav", "flac": "audio/flac", "aac": "audio/aac",
    "vtt": "text/vtt", "srt": "text/plain", "text": "text/plain",
}


def _meeting(pk: int) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("group", "minute_taker"), pk=pk)


def _job(pk: int, user) -> TranscriptionJob:
    job = get_object_or_404(TranscriptionJob.objects.select_related("recording__meeting__group"), pk=pk)
    if not access.can_view_recordings(user, job.recording.meeting):
        raise Http404("No such job.")
    return job


@csrf_exempt  # the token is checked below, once the size-limited upload handler is in place
def recording_upload(request, pk):
    meeting = _meeting(pk)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    if not access.can_upload_recording(request.user, meeting):
        raise PermissionDenied("Only the minute taker and the chairs upload recordings.")
    limit = services.upload_max_bytes()
    if request.method == "POST":
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit + 64 * 1024:
            return _upload_page(request, meeting, UploadForm(), status=413, error=_too_large(declared, limit))
        handler = SizeLimitedUploadHandler(request, max_bytes=limit)
        request.upload_handlers = [handler]
    return _recording_upload(request, meeting, limit)


@csrf_protect
def _recording_upload(request, meeting, limit):
    if request.method != "POST":
        return _upload_page(request, meeting, UploadForm())
    handler = request.upload_handlers[0]
    form = UploadForm(request.POST, request.FILES)
    if getattr(handler, "too_large", False):
        return _upload_page(request, meeting, UploadForm(), status=413, error=_too_large(handler.received, limit))
    if not form.is_valid():
        return _upload_page(request, meeting, form, status=400)
    try:
        job = services.recording_upload(meeting=meeting, upload=form.cleaned_data["file"], user=request.user)
    except services.UploadError as exc:
        return _upload_page(request, meeting, UploadForm(), status=400, error=str(exc))
    job.refresh_from_db(fields=["status", "enqueued_at"])
    if _waits_for_queue(job):
        messages.warning(request, "Uploaded and saved, but the job queue cannot be reached right now: see below.")
    else:
        messages.success(request, "Uploaded. It is queued for a worker; this page shows its progress.")
    return redirect(job.get_absolute_url())


QUEUE_UNREACHABLE = (
    "The job queue cannot be reached right now, so the job waits here: it is handed to a worker automatically "
    "within a few minutes of the queue being back. Nothing needs to be uploaded again."
)


def _waits_for_queue(job: TranscriptionJob) -> bool:
    """Queued, but never handed to the broker (it was unreachable): the periodic sweep will hand it over."""
    return job.status == TranscriptionJob.Status.PENDING and job.enqueued_at is None


def _too_large(size: int, limit: int) -> str:
    return f"The file is too large ({size / 1e6:,.0f} MB or more; the limit is {limit / 1e6:,.0f} MB). Nothing was stored."


def _upload_page(request, meeting, form, *, status=200, error=None):
    if error:
        messages.error(request, error)
    recordings = meeting.recordings.prefetch_related("jobs").select_related("uploaded_by")
    return render(
        request,
        "transcription/upload.html",
        {"meeting": meeting, "form": form, "recordings": recordings, "limit_mb": services.upload_max_bytes() // 10**6},
        status=status,
    )


@login_required
def job_detail(request, pk):
    job = _job(pk, request.user)
    return render(request, "transcription/job_detail.html", {"job": job, "meeting": job.recording.meeting, "status": job_status_data(job)})


def job_status_data(job: TranscriptionJob) -> dict:
    data = {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "stage": job.stage,
        "stage_label": job.get_stage_display(),
        "percent": job.percent,
        "message": job.message,
        "done_seconds": round(job.progress_done, 1),
        "total_seconds": round(job.progress_total, 1),
        "eta_seconds": None,
        "review_url": reverse("transcription:review", args=[job.recording_id]) if job.status == job.Status.DONE else None,
        "note": QUEUE_UNREACHABLE if _waits_for_queue(job) else "",
    }
    if job.stage == job.Stage.TRANSCRIBING and job.started_at and job.heartbeat_at and job.progress_done > 0:
        elapsed = (job.heartbeat_at - job.started_at).total_seconds()
        rate = job.progress_done / elapsed if elapsed > 0 else 0
        if rate > 0:
            data["eta_seconds"] = round((job.progress_total - job.progress_done) / rate)
    return data


@login_required
def job_status(request, pk):
    return JsonResponse(job_status_data(_job(pk, request.user)), headers={"Cache-Control": "no-store"})


@login_required
@require_POST
def job_retry(request, pk):
    job = _job(pk, request.user)
    if not access.can_upload_recording(request.user, job.recording.meeting):
        raise PermissionDenied("Only the minute taker and the chairs retry jobs.")
    try:
        job = services.job_retry(job=job)
    except services.UploadError as exc:
        messages.error(request, str(exc))
    return redirect(job.get_absolute_url())


_RANGE = re.compile(r"bytes=(\d*)-(\d*)$")


@login_required
def recording_media(request, pk):
    """The uploaded file, only to those allowed, with byte ranges so players can seek."""
    recording = get_object_or_404(Recording.objects.select_related("meeting__group"), pk=pk)
    if not access.can_view_recordings(request.user, recording.meeting):
        raise Http404("No such recording.")
    content_type = MEDIA_TYPES.get(recording.content_type) or mimetypes.guess_type(recording.original_name)[0] or "application/octet-stream"
    size = recording.file.size
    match = _RANGE.match(request.headers.get("Range", ""))
    if match and (match.group(1) or match.group(2)):
        first, last = match.group(1), match.group(2)
        start = int(first) if first else max(0, size - int(last))
        end = min(int(last), size - 1) if first and last else size - 1
        if start >= size or start > end:
            return HttpResponse(status=416, headers={"Content-Range": f"bytes */{size}"})
        handle = recording.file.open("rb")
        handle.seek(start)
        length = end - start + 1
        response = HttpResponse(handle.read(min(length, 8 * 1024 * 1024)), status=206, content_type=content_type)
        handle.close()
        sent = len(response.content)
        response.headers["Content-Range"] = f"bytes {start}-{start + sent - 1}/{size}"
    else:
        response = FileResponse(recording.file.open("rb"), content_type=content_type)
        response.headers["Content-Length"] = str(size)
    response.headers["Accept-Ranges"] = "bytes"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = f'inline; filename="recording{os.path.splitext(recording.file.name)[1]}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def review(request, pk):
    """The draft beside the transcript and the recording, each item with its evidence."""
    recording = get_object_or_404(Recording.objects.select_related("meeting__group", "meeting__minute_taker"), pk=pk)
    meeting = recording.meeting
    if not access.can_view_recordings(request.user, meeting):
        raise Http404("No such recording.")
    draft = getattr(recording, "draft", None)
    if draft is None:
        messages.info(request, "The draft is not ready yet.")
        job = recording.jobs.first()
        return redirect(job.get_absolute_url() if job else meeting.get_absolute_url())
    items = list(draft.items.select_related("decided_by"))
    segments = list(recording.transcript.segments.all()) if hasattr(recording, "transcript") else []
    return render(
        request,
        "transcription/review.html",
        {
            "meeting": meeting,
            "recording": recording,
            "draft": draft,
            "items": items,
            "segments": segments,
            "can_review": access.can_upload_recording(request.user, meeting),
            "is_video": recording.content_type in {"mp4", "webm", "mov", "mkv"},
            "pending": sum(1 for i in items if i.status == DraftItem.Status.PENDING),
        },
    )


@login_required
@require_POST
def review_item(request, pk):
    item = get_object_or_404(DraftItem.objects.select_related("draft__recording__meeting__group"), pk=pk)
    meeting = item.draft.recording.meeting
    if not access.can_view_recordings(request.user, meeting):
        raise Http404("No such item.")
    if not access.can_upload_recording(request.user, meeting):
        raise PermissionDenied("Only the minute taker and the chairs review drafts.")
    action = request.POST.get("action")
    back = reverse("transcription:review", args=[item.draft.recording_id]) + f"#item-{item.pk}"
    try:
        if action == "reject":
            services.draft_item_reject(item=item, user=request.user)
            messages.success(request, "Rejected; nothing was added to the minutes.")
        elif action in ("accept", "edit"):
            payload = None
            if action == "edit":
                form = DraftItemForm(request.POST, kind=item.kind)
                if not form.is_valid():
                    messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
                    return redirect(back)
                payload = form.payload()
            services.draft_item_accept(item=item, user=request.user, payload=payload)
            messages.success(request, "Added to the minutes.")
        else:
            return HttpResponse("Unknown action.", status=400)
    except (services.UploadError, services.WorkflowError) as exc:
        messages.error(request, str(exc))
    return redirect(back)
