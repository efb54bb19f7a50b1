from django.contrib import admin

from . import models


class AttendanceInline(admin.TabularInline):
    model = models.Attendance
    extra = 0
    autocomplete_fields = ["person", "organization"]


class TopicPointInline(admin.TabularInline):
    model = models.TopicPoint
    extra = 0


@admin.register(models.Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "member_class", "status"]
    list_filter = ["member_class", "status"]
    search_fields = ["name"]


@admin.register(models.Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "organization", "user"]
    list_select_related = ["organization", "user"]
    search_fields = ["full_name", "organization__name"]
    autocomplete_fields = ["organization"]


@admin.register(models.WorkingGroup)
class WorkingGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "short_name", "time_zone"]
    prepopulated_fields = {"slug": ["short_name"]}
    search_fields = ["name"]


@admin.register(models.Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["organization", "group", "voting_class"]
    list_filter = ["group", "voting_class"]
    list_select_related = ["organization", "group"]


@admin.register(models.Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["person", "group", "kind"]
    list_filter = ["group", "kind"]
    list_select_related = ["person", "group"]
    autocomplete_fields = ["person"]


@admin.register(models.Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "kind", "starts_at"]
    list_filter = ["group", "kind"]
    list_select_related = ["group"]
    search_fields = ["title"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["chair", "minute_taker"]
    inlines = [AttendanceInline]


@admin.register(models.Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["person", "meeting", "organization", "status"]
    list_select_related = ["person", "meeting", "organization"]


@admin.register(models.AntitrustReading)
class AntitrustReadingAdmin(admin.ModelAdmin):
    list_display = ["meeting", "kind", "read_by"]
    list_select_related = ["meeting", "read_by"]


@admin.register(models.Minutes)
class MinutesAdmin(admin.ModelAdmin):
    list_display = ["meeting", "status", "version", "updated_at"]
    list_filter = ["status"]
    list_select_related = ["meeting"]
    readonly_fields = ["version", "updated_at", "updated_by"]


@admin.register(models.MinutesApproval)
class MinutesApprovalAdmin(admin.ModelAdmin):
    list_display = ["acted_at", "of_meeting", "of_date", "outcome"]
    list_select_related = ["acted_at", "of_meeting"]


@admin.register(models.Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["title", "meeting", "order"]
    list_select_related = ["meeting"]
    inlines = [TopicPointInline]


@admin.register(models.TopicPoint)
class TopicPointAdmin(admin.ModelAdmin):
    list_display = ["text", "topic", "order"]
    list_select_related = ["topic"]


@admin.register(models.Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["text", "meeting", "topic"]
    list_select_related = ["meeting", "topic"]


@admin.register(models.ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["text", "owner", "due", "status", "meeting"]
    list_filter = ["status"]
    list_select_related = ["owner", "meeting"]
    autocomplete_fields = ["owner"]
