from django.contrib import admin

from . import models


class EndorsementInline(admin.TabularInline):
    model = models.Endorsement
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(models.Ballot)
class BallotAdmin(admin.ModelAdmin):
    list_display = ["identifier", "title", "group", "kind", "status"]
    list_filter = ["group", "kind", "status"]
    list_select_related = ["group"]
    search_fields = ["identifier", "title"]
    autocomplete_fields = ["proposer"]
    inlines = [EndorsementInline]


@admin.register(models.Endorsement)
class EndorsementAdmin(admin.ModelAdmin):
    list_display = ["ballot", "person", "organization"]
    list_select_related = ["ballot", "person", "organization"]


@admin.register(models.BallotMention)
class BallotMentionAdmin(admin.ModelAdmin):
    list_display = ["ballot", "meeting", "note"]
    list_select_related = ["ballot", "meeting"]


@admin.register(models.F2FMeeting)
class F2FMeetingAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "starts_on", "ends_on", "location"]
    filter_horizontal = ["sessions"]


@admin.register(models.Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "f2f", "owner", "status"]
    list_filter = ["group", "status"]
    list_select_related = ["group", "f2f", "owner"]
    filter_horizontal = ["ballots"]
