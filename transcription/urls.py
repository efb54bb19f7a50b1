from django.urls import path

from . import views

app_name = "transcription"

urlpatterns = [
    path("meetings/<int:pk>/recordings/", views.recording_upload, name="upload"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/status.json", views.job_status, name="job_status"),
    path("jobs/<int:pk>/retry/", views.job_retry, name="job_retry"),
    path("recordings/<int:pk>/media", views.recording_media, name="recording_media"),
    path("recordings/<int:pk>/review/", views.review, name="review"),
    path("draft-items/<int:pk>/", views.review_item, name="review_item"),
]
