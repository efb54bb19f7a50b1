"""The app's URLs plus /__floor__/: a bare Django view returning a constant page, served through the same
middleware as every other page. It is the framework floor the load test compares pages with; only the
benchmark's WSGI entry point (floor_wsgi.py) uses this module, the app's own URLs stay unchanged."""

from django.http import HttpResponse
from django.urls import path

from cscwg.urls import urlpatterns as app_urlpatterns

FLOOR_BODY = "<!doctype html><title>floor</title><p>ok</p>"


def floor(request):
    return HttpResponse(FLOOR_BODY)


urlpatterns = [path("__floor__/", floor), *app_urlpatterns]
