from django import forms

from minutes.models import ActionItem, Organization, Person, WorkingGroup

from .models import Ballot, Choice, Goal


def _people():
    return Person.objects.filter(organization__isnull=False).select_related("organization").order_by("full_name")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.organization})" if obj.organization_id else obj.full_name


class BallotCreateForm(forms.Form):
    group = forms.ModelChoiceField(queryset=WorkingGroup.objects.none())
    identifier = forms.CharField(max_length=40, help_text="e.g. CSC-30")
    title = forms.CharField(max_length=300)
    kind = forms.ChoiceField(choices=Ballot.Kind.choices, initial=Ballot.Kind.GUIDELINE)
    guideline_type = forms.ChoiceField(
        choices=Ballot.GuidelineType.choices, initial=Ballot.GuidelineType.MAINTENANCE, help_text="For guideline ballots."
    )
    proposer = PersonChoiceField(queryset=Person.objects.none())
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 12}), help_text="The ballot text (version 1).")
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
        self.fields["proposer"].queryset = _people()


class VersionForm(forms.Form):
    label = forms.CharField(max_length=20, required=False, help_text="Leave empty for the next number (v2, v3...).")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 12}))


class EndorsementForm(forms.Form):
    person = PersonChoiceField(queryset=Person.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _people()


class OpenVotingForm(forms.Form):
    quorum_required = forms.IntegerField(
        min_value=1, required=False, help_text="Only to set the quorum by hand, e.g. when attendance history is missing."
    )
    quorum_reason = forms.CharField(max_length=500, required=False, label="Reason for setting the quorum by hand")


class VoteForm(forms.Form):
    choice = forms.ChoiceField(choices=Choice.choices, widget=forms.RadioSelect)


class VoteEntryForm(VoteForm):
    organization = forms.ModelChoiceField(queryset=Organization.objects.order_by("name"))

    field_order = ["organization", "choice"]


class IPRExclusionForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=Organization.objects.order_by("name"))
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class WithdrawForm(forms.Form):
    reason = forms.CharField(max_length=250, required=False)


class GoalForm(forms.ModelForm):
    owner = PersonChoiceField(queryset=Person.objects.none(), required=False)

    class Meta:
        model = Goal
        fields = ["group", "title", "owner", "status", "year", "notes", "ballots", "action_items"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
        self.fields["owner"].queryset = _people()
        self.fields["ballots"].queryset = Ballot.objects.filter(group__in=groups).order_by("identifier")
        self.fields["ballots"].required = False
        self.fields["action_items"].queryset = ActionItem.objects.filter(meeting__group__in=groups).select_related("meeting")
        self.fields["action_items"].required = False

    def clean(self):
        data = super().clean()
        group = data.get("group")
        if group:
            if any(ballot.group_id != group.pk for ballot in data.get("ballots") or []):
                self.add_error("ballots", "Link ballots of the goal's own group.")
            if any(item.meeting.group_id != group.pk for item in data.get("action_items") or []):
                self.add_error("action_items", "Link action items of the goal's own group.")
        return data
