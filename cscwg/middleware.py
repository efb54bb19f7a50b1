"""A database connection lost in the middle of a request (the server restarted or failed over, the
connection was killed, a lock could not be had) is answered 503 "temporarily unavailable, nothing was
saved, try again": an HTML page, or JSON under /api/ and for .json endpoints, instead of a 500.

The transaction the request was in has been rolled back by then (or died with its connection), so nothing
of the request was stored. The broken connection is closed here so that the next request opens a new one
(Django also does this when the request ends, except under the test client).
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

MESSAGE = "The database is temporarily unavailable. Nothing was saved: please try again in a moment."
RETRY_AFTER_SECONDS = 5


def wants_json(request) -> bool:
    return request.path.startswith("/api/") or request.path.endswith(".json") or "application/json" in request.headers.get("Accept", "")


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.warning("Database unavailable during %s %s: %s", request.method, request.path, exception)
        for connection in connections.all(initialized_only=True):
            # Inside a transaction that is not the request's own (ATOMIC_REQUESTS, a test), its owner cleans up.
            if not connection.in_atomic_block:
                connection.close_if_unusable_or_obsolete()
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
        if wants_json(request):
            return JsonResponse({"detail": MESSAGE}, status=503, headers=headers)
        # Rendered without the request: context processors would read the session and user from the database.
        return HttpResponse(render_to_string("503.html", {"message": MESSAGE}), status=503, headers=headers)
