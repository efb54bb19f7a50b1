"""The app's URLs plus /__floor__/: a bare Django view returning a constant page, served through the same
middleware as every other page. It is the framework floor the load test compares pages with; only the
benchmark's WSGI entry point (floor_wsgi.py) uses this module, the app's own URLs stay unchanged.

/__floor__/session/ is the least any logged-in page of the app does: it reads the session and the user
(two queries) and renders the site's shell (base.html) with an empty content block."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from cscwg.urls import urlpatterns as app_urlpatterns

FLOOR_BODY = "<!doctype html><title>floor</title><p>ok</p>"


def floor(request):
    return HttpResponse(FLOOR_BODY)


def floor_session(request):
    return render(request, "base.html", {})


urlpatterns = [path("__floor__/", floor), path("__floor__/session/", floor_session), *app_urlpatterns]
