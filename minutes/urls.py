from django.urls import include, path

from . import views

app_name = "minutes"

urlpatterns = [
    path("", views.group_list, name="group_list"),
    path("groups/<slug:slug>/", views.group_detail, name="group_detail"),
    path("groups/<slug:slug>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/agenda/", views.meeting_agenda, name="meeting_agenda"),
    path("meetings/<int:pk>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/approvals/", views.meeting_record_approval, name="meeting_record_approval"),
    path("meetings/<int:pk>/redact/", views.meeting_redact, name="meeting_redact"),
    path("meetings/<int:pk>/minutes/edit/", views.minutes_edit, name="minutes_edit"),
    path("meetings/<int:pk>/minutes/history/", views.minutes_history, name="minutes_history"),
    path("meetings/<int:pk>/minutes/restore/", views.minutes_restore, name="minutes_restore"),
    path("meetings/<int:pk>/minutes/circulate/", views.minutes_circulate, name="minutes_circulate"),
    path("meetings/<int:pk>/minutes/comments/", views.minutes_comment, name="minutes_comment"),
    path("meetings/<int:pk>/minutes/post.md", views.minutes_post, name="minutes_post"),
    path("meetings/<int:pk>/minutes/publish/", views.minutes_publish, name="minutes_publish"),
    path("action-items/<int:pk>/complete/", views.action_item_complete, name="action_item_complete"),
    path("me/action-items/", views.my_action_items, name="my_action_items"),
    path("people/<int:pk>/action-items/", views.person_action_items, name="person_action_items"),
    path("", include("minutes.reports_urls")),  # calendar feeds, search, dashboard
]
