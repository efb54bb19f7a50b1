from django.contrib import admin
from django.urls import include, path

from minutes.tokens import api_tokens

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("ballots/", include("ballots.urls")),
    path("api/", include("cscwg.api_urls")),
    path("me/api-tokens/", api_tokens, name="api_tokens"),
    path("", include("transcription.urls")),
    path("", include("minutes.urls")),
]
