from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("ballots/", include("ballots.urls")),
    path("", include("transcription.urls")),
    path("", include("minutes.urls")),
]
