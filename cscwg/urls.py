from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path

from minutes.tokens import api_tokens


def favicon(request):
    # No icon: answered without a 404 so that browsers log no error on every page.
    return HttpResponse(status=204)


urlpatterns = [
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("ballots/", include("ballots.urls")),
    path("api/", include("cscwg.api_urls")),
    path("me/api-tokens/", api_tokens, name="api_tokens"),
    path("", include("transcription.urls")),
    path("", include("minutes.urls")),
]
