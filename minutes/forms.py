import datetime as dt
import unicodedata
import zoneinfo

from django import forms
from django.forms import formset_factory

from .models import AntitrustReading, Meeting, MinutesApproval, Person

COMMON_ZONES = [
    "UTC", "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
    "Europe/London", "Europe/Berlin", "Europe/Athens", "Asia/Tokyo", "Asia/Kolkata", "Australia/Sydney",
]


class MeetingScheduleForm(forms.Form):
    title = forms.CharField(max_length=300)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    time_zone = forms.CharField(max_length=64, help_text="An IANA zone, e.g. America/New_York or America/Denver (MST).")
    kind = forms.ChoiceField(choices=Meeting.Kind.choices)
    f2f_number = forms.IntegerField(required=False, min_value=1, label="F2F number")
    location = forms.CharField(max_length=200, required=False)
    chair = forms.ModelChoiceField(queryset=Person.objects.none(), required=False)
    minute_taker = forms.ModelChoiceField(queryset=Person.objects.none(), required=False)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = people
        self.fields["minute_taker"].queryset = people

    def clean_time_zone(self):
        value = self.cleaned_data["time_zone"].strip()
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise forms.ValidationError(f"{value!r} is not a time zone we know. Try e.g. {', '.join(COMMON_ZONES[1:4])}.") from None
        return value

    def clean(self):
        data = super().clean()
        if data.get("kind") == Meeting.Kind.FACE_TO_FACE and not data.get("f2f_number"):
            self.add_error("f2f_number", "A face-to-face meeting needs its F2F number.")
        if data.get("kind") != Meeting.Kind.FACE_TO_FACE:
            data["f2f_number"] = None
        return data

    def starts_at(self) -> dt.datetime:
        data = self.cleaned_data
        return dt.datetime.combine(data["date"], data["time"], tzinfo=zoneinfo.ZoneInfo(data["time_zone"]))


class AttendanceForm(forms.Form):
    present = forms.ModelMultipleChoiceField(queryset=Person.objects.none(), required=False, widget=forms.CheckboxSelectMultiple)
    regrets = forms.ModelMultipleChoiceField(queryset=Person.objects.none(), required=False, widget=forms.CheckboxSelectMultiple)
    guests = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One guest per line: Full Name – Organization",
    )
    antitrust_kind = forms.ChoiceField(
        choices=[("", "Not read")] + list(AntitrustReading.Kind.choices), required=False, label="Statement read"
    )
    antitrust_read_by = forms.ModelChoiceField(queryset=Person.objects.none(), required=False, label="Read by")

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("present", "regrets", "antitrust_read_by"):
            self.fields[name].queryset = people
        self.fields["present"].label_from_instance = self.fields["regrets"].label_from_instance = (
            lambda p: f"{p.full_name} ({p.organization})" if p.organization else p.full_name
        )

    def clean_guests(self):
        guests = []
        for n, line in enumerate(self.cleaned_data["guests"].splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            for sep in (" – ", " — ", " - ", ","):
                if sep in line:
                    name, org = line.split(sep, 1)
                    break
            else:
                name, org = line, ""
            if len(name.strip()) < 2 or len(name) > 200 or not any(unicodedata.category(c).startswith("L") for c in name):
                raise forms.ValidationError(f"Line {n}: write the guest as 'Full Name – Organization'.")
            guests.append((name.strip(), org.strip()))
        return guests

    def clean(self):
        data = super().clean()
        both = set(data.get("present") or []) & set(data.get("regrets") or [])
        if both:
            raise forms.ValidationError("Someone cannot be both present and sending regrets: " + ", ".join(p.full_name for p in both))
        return data


class TopicForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(max_length=300)
    points = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text="One short point per line.")

    def clean_points(self):
        return [line.strip().lstrip("-*• ").strip() for line in self.cleaned_data["points"].splitlines() if line.strip()]


class DecisionForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    topic = forms.CharField(max_length=300, required=False, help_text="Title of the topic it belongs to (optional).")


class ActionItemForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    owner = forms.ModelChoiceField(queryset=Person.objects.none(), required=False)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    due = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    topic = forms.CharField(max_length=300, required=False)

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners if owners is not None else Person.objects.none()


TopicFormSet = formset_factory(TopicForm, extra=1, can_delete=True)
DecisionFormSet = formset_factory(DecisionForm, extra=1, can_delete=True)
ActionItemFormSet = formset_factory(ActionItemForm, extra=1, can_delete=True)


def kept_rows(formset) -> list[dict]:
    """Rows of a valid formset minus blank extra forms and rows marked for deletion."""
    return [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


class CommentForm(forms.Form):
    topic = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Section")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, label="Comment")

    def __init__(self, *args, topics=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", "General")] + [(t.pk, t.title) for t in topics]


class ApprovalForm(forms.Form):
    of_meeting = forms.TypedChoiceField(coerce=int, label="Minutes of")
    outcome = forms.ChoiceField(choices=MinutesApproval.Outcome.choices)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="Required for 'approved with changes'.")

    def __init__(self, *args, pending=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["of_meeting"].choices = [(m.pk, f"{m.date:%Y-%m-%d} — {m.title}") for m in pending]


class CompleteForm(forms.Form):
    status = forms.ChoiceField(choices=[("done", "Done"), ("dropped", "Dropped")], initial="done")
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
