from django.urls import path

from . import views

app_name = "minutes"

urlpatterns = [
    path("", views.group_list, name="group_list"),
    path("groups/<slug:slug>/", views.group_detail, name="group_detail"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("me/action-items/", views.my_action_items, name="my_action_items"),
    path("people/<int:pk>/action-items/", views.person_action_items, name="person_action_items"),
]
