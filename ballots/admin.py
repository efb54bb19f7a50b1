from django.contrib import admin

from . import models


class EndorsementInline(admin.TabularInline):
    model = models.Endorsement
    extra = 0
    autocomplete_fields = ["person"]


class VersionInline(admin.StackedInline):
    model = models.BallotVersion
    extra = 0


class VoteInline(admin.TabularInline):
    model = models.Vote
    extra = 0
    fields = ["organization", "voting_class", "choice", "cast_by", "cast_at"]
    readonly_fields = fields  # votes change only through the services (history, voting period)
    can_delete = False


@admin.register(models.Ballot)
class BallotAdmin(admin.ModelAdmin):
    list_display = ["identifier", "title", "group", "kind", "status"]
    list_filter = ["group", "kind", "status"]
    list_select_related = ["group"]
    search_fields = ["identifier", "title"]
    autocomplete_fields = ["proposer"]
    readonly_fields = ["result", "quorum_basis"]
    inlines = [VersionInline, EndorsementInline, VoteInline]


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
    filter_horizontal = ["ballots", "action_items"]


@admin.register(models.VoteHistory)
class VoteHistoryAdmin(admin.ModelAdmin):
    list_display = ["ballot", "organization", "previous_choice", "choice", "cast_at"]
    list_select_related = ["ballot", "organization"]


@admin.register(models.IPRExclusion)
class IPRExclusionAdmin(admin.ModelAdmin):
    list_display = ["ballot", "organization", "filed_at"]
    list_select_related = ["ballot", "organization"]
