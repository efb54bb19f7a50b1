from django.urls import path

from . import views

app_name = "ballots"

urlpatterns = [
    path("", views.ballot_list, name="list"),
    path("new/", views.ballot_create, name="create"),
    path("f2f/", views.f2f_list, name="f2f_list"),
    path("f2f/<int:number>/", views.f2f_detail, name="f2f_detail"),
    path("f2f/<int:number>/goals/new/", views.goal_create, name="goal_create"),
    path("f2f/<int:number>/<slug:slug>/carry-forward/", views.goals_carry_forward, name="goals_carry_forward"),
    path("f2f/<int:number>/<slug:slug>/deck.<str:fmt>", views.f2f_deck, name="f2f_deck"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("<str:identifier>/", views.ballot_detail, name="detail"),
    path("<str:identifier>/versions/new/", views.version_add, name="version_add"),
    path("<str:identifier>/endorsements/", views.endorsement_add, name="endorsement_add"),
    path("<str:identifier>/open-voting/", views.voting_open, name="voting_open"),
    path("<str:identifier>/votes/", views.vote_enter, name="vote_enter"),
    path("<str:identifier>/vote/", views.vote, name="vote"),
    path("<str:identifier>/ipr-exclusion/", views.ipr_exclusion_record, name="ipr_exclusion"),
    path("<str:identifier>/withdraw/", views.ballot_withdraw, name="withdraw"),
]
