"""The site's URLs with minutes/reports_urls.py inside the "minutes" namespace, until minutes/urls.py includes it.

Listed first so that its "minutes" namespace is the one ``reverse`` uses; harmless once the include exists.
"""

from django.urls import include, path

from cscwg.urls import urlpatterns as site_urlpatterns
from minutes import reports_urls
from minutes import urls as minutes_urls

urlpatterns = [
    path("", include(([*minutes_urls.urlpatterns, *reports_urls.urlpatterns], "minutes"))),
    *site_urlpatterns,
]
