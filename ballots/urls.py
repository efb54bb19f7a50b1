from django.urls import path

from . import views

app_name = "ballots"

urlpatterns = [
    path("", views.ballot_list, name="list"),
    path("<str:identifier>/", views.ballot_detail, name="detail"),
]
