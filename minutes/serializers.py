"""API representations of groups, people, meetings, minutes and action items.

Serializers only shape data: who may see a meeting's records, and whether private (redacted) records
are shown, is decided by ``minutes.access`` in the views, which pass ``show_records`` and
``show_private`` in the serializer context.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import (
    ActionItem,
    AntitrustReading,
    Attendance,
    Decision,
    Meeting,
    Minutes,
    MinutesApproval,
    Organization,
    Person,
    Topic,
    TopicPoint,
    WorkingGroup,
)


class WorkingGroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkingGroup
        fields = ["slug", "name", "short_name", "ballot_prefix", "time_zone", "consumer_rule", "description", "tags"]


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "aliases", "member_class", "status", "website"]


class PersonSerializer(serializers.ModelSerializer):
    """Names and organizations appear in public minutes; e-mail addresses are not published."""

    organization_name = serializers.CharField(source="organization.name", default=None, read_only=True)

    class Meta:
        model = Person
        fields = ["id", "full_name", "organization", "organization_name", "aliases"]


# -- a meeting's records ------------------------------------------------------------------------


class AttendanceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.full_name", read_only=True)
    organization_name = serializers.CharField(source="organization.name", default=None, read_only=True)

    class Meta:
        model = Attendance
        fields = ["person", "name", "organization", "organization_name", "status"]


class AntitrustReadingSerializer(serializers.ModelSerializer):
    read_by_name = serializers.CharField(source="read_by.full_name", default=None, read_only=True)

    class Meta:
        model = AntitrustReading
        fields = ["kind", "read_by", "read_by_name"]


class MinutesApprovalSerializer(serializers.ModelSerializer):
    class Meta:
        model = MinutesApproval
        fields = ["id", "acted_at", "of_meeting", "of_date", "outcome", "note"]


class TopicPointSerializer(serializers.ModelSerializer):
    class Meta:
        model = TopicPoint
        fields = ["id", "text", "start_seconds", "is_private"]


class TopicSerializer(serializers.ModelSerializer):
    points = serializers.SerializerMethodField()

    class Meta:
        model = Topic
        fields = ["id", "title", "start_seconds", "is_private", "points"]

    @extend_schema_field(TopicPointSerializer(many=True))
    def get_points(self, topic: Topic) -> list[dict]:
        show_private = self.context.get("show_private", False)
        return TopicPointSerializer([p for p in topic.points.all() if show_private or not p.is_private], many=True).data


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = ["id", "text", "topic", "start_seconds", "is_private"]


class ActionItemSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.full_name", default=None, read_only=True)

    class Meta:
        model = ActionItem
        fields = [
            "id", "meeting", "topic", "owner", "owner_name", "text", "due", "status", "closed_at", "closing_note",
            "start_seconds", "is_private",
        ]


class MeetingRecordsSerializer(serializers.Serializer):
    """What the minutes of one meeting record; built from a meeting loaded with ``meeting_with_records``."""

    attendance = AttendanceSerializer(many=True)
    antitrust_reading = AntitrustReadingSerializer(allow_null=True)
    approvals = MinutesApprovalSerializer(many=True)
    topics = TopicSerializer(many=True)
    decisions = DecisionSerializer(many=True)
    action_items = ActionItemSerializer(many=True)


# -- meetings and minutes -----------------------------------------------------------------------


class MeetingSerializer(serializers.ModelSerializer):
    group = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    chair_name = serializers.CharField(source="chair.full_name", default=None, read_only=True)
    minute_taker_name = serializers.CharField(source="minute_taker.full_name", default=None, read_only=True)
    minutes = serializers.SerializerMethodField()
    minutes_status = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id", "group", "title", "kind", "f2f_number", "starts_at", "time_zone", "start_time_known", "location",
            "chair", "chair_name", "minute_taker", "minute_taker_name", "next_meeting_date", "adjourned",
            "minutes", "minutes_status",
        ]

    @staticmethod
    def _minutes(meeting: Meeting) -> Minutes | None:
        # A missing reverse one-to-one raises RelatedObjectDoesNotExist, an AttributeError.
        return getattr(meeting, "minutes", None)

    def get_minutes(self, meeting: Meeting) -> int | None:
        minutes = self._minutes(meeting)
        return minutes.pk if minutes else None

    @extend_schema_field(serializers.ChoiceField(choices=Minutes.Status.choices, allow_null=True))
    def get_minutes_status(self, meeting: Meeting) -> str | None:
        minutes = self._minutes(meeting)
        return minutes.status if minutes else None


class MeetingDetailSerializer(MeetingSerializer):
    records = serializers.SerializerMethodField(help_text="Null for those who may not see the records of these minutes yet.")

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "records"]

    @extend_schema_field(MeetingRecordsSerializer(allow_null=True))
    def get_records(self, meeting: Meeting) -> dict | None:
        if not self.context.get("show_records"):
            return None
        show_private = self.context.get("show_private", False)

        def shown(records):
            return [r for r in records if show_private or not r.is_private]

        # A missing reverse one-to-one raises RelatedObjectDoesNotExist, an AttributeError.
        antitrust = getattr(meeting, "antitrust_reading", None)
        return {
            "attendance": AttendanceSerializer(meeting.attendances.all(), many=True).data,
            "antitrust_reading": AntitrustReadingSerializer(antitrust).data if antitrust else None,
            "approvals": MinutesApprovalSerializer(meeting.approvals_made.all(), many=True).data,
            "topics": TopicSerializer(shown(meeting.topics.all()), many=True, context=self.context).data,
            "decisions": DecisionSerializer(shown(meeting.decisions.all()), many=True).data,
            "action_items": ActionItemSerializer(shown(meeting.action_items.all()), many=True).data,
        }


class MinutesSerializer(serializers.ModelSerializer):
    group = serializers.CharField(source="meeting.group.slug", read_only=True)

    class Meta:
        model = Minutes
        fields = ["id", "meeting", "group", "status", "version", "author", "circulated_at", "finalized_at", "updated_at"]


class MinutesDetailSerializer(MinutesSerializer):
    body = serializers.SerializerMethodField(help_text="Markdown; without redacted passages for those who may not see them.")

    class Meta(MinutesSerializer.Meta):
        fields = [*MinutesSerializer.Meta.fields, "body"]

    def get_body(self, minutes: Minutes) -> str:
        return self.context.get("body", minutes.body)


# -- input of the domain actions ----------------------------------------------------------------


class ApprovalInputSerializer(serializers.Serializer):
    acted_at = serializers.PrimaryKeyRelatedField(
        queryset=Meeting.objects.select_related("group"), help_text="The later meeting at which the minutes were acted on."
    )
    outcome = serializers.ChoiceField(choices=MinutesApproval.Outcome.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class TopicRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False, help_text="A topic of these minutes to update; left out for a new one.")
    title = serializers.CharField(max_length=300)
    points = serializers.ListField(child=serializers.CharField(allow_blank=True, max_length=10000), required=False, default=list)
    is_private = serializers.BooleanField(required=False)


class DecisionRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False)
    text = serializers.CharField(max_length=10000)
    topic = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=300, help_text="Title of its topic.")
    is_private = serializers.BooleanField(required=False)


class ActionItemRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False)
    text = serializers.CharField(max_length=10000)
    owner = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all(), required=False, allow_null=True)
    due = serializers.DateField(required=False, allow_null=True)
    topic = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=300)
    is_private = serializers.BooleanField(required=False)


class MinutesSectionsSerializer(serializers.Serializer):
    """The editable sections of a draft. ``version`` is the version they were read at: a save based on
    an older version than the stored one is refused with 409 and changes nothing."""

    version = serializers.IntegerField(min_value=1)
    topics = TopicRowSerializer(many=True, required=False, default=list)
    decisions = DecisionRowSerializer(many=True, required=False, default=list)
    action_items = ActionItemRowSerializer(many=True, required=False, default=list)


class CompleteInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[ActionItem.Status.DONE, ActionItem.Status.DROPPED], default=ActionItem.Status.DONE)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class ImportInputSerializer(serializers.Serializer):
    post = serializers.CharField(help_text="The post: YAML front matter, then Markdown.", trim_whitespace=False, max_length=1_000_000)
    group = serializers.SlugRelatedField(
        slug_field="slug", queryset=WorkingGroup.objects.all(), required=False, allow_null=True,
        help_text="The working group, instead of reading it from the post's title and tags.",
    )


class ImportResultSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["created", "updated", "unchanged"])
    meeting = MeetingDetailSerializer()
    warnings = serializers.ListField(child=serializers.CharField())
