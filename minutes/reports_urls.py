"""Calendar feeds, search and the chairs' dashboard; included into the "minutes" namespace by minutes/urls.py."""

from django.urls import path

from . import dashboard, feeds, search

urlpatterns = [
    path("groups/<slug:slug>/calendar.ics", feeds.group_calendar, name="group_calendar"),
    path("calendar/<str:token>.ics", feeds.person_calendar, name="person_calendar"),
    path("me/calendar/", feeds.my_calendar, name="my_calendar"),
    path("search/", search.search, name="search"),
    path("groups/<slug:slug>/dashboard/", dashboard.group_dashboard, name="group_dashboard"),
]
