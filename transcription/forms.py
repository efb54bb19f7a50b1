import datetime as dt

from django import forms

from minutes.models import MinutesApproval

from .models import DraftItem


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Recording or transcript",
        help_text="WebEx MP4, M4A, MP3, WAV, OGG/Opus or WebM; or a WebVTT, SRT or plain-text transcript.",
    )


class DraftItemForm(forms.Form):
    """The reviewer's corrections to one drafted item; which fields apply depends on its kind."""

    name = forms.CharField(max_length=200, required=False)
    organization = forms.CharField(max_length=200, required=False)
    read_by = forms.CharField(max_length=200, required=False)
    meeting_date = forms.DateField(required=False)
    outcome = forms.ChoiceField(choices=MinutesApproval.Outcome.choices, required=False)
    note = forms.CharField(max_length=2000, required=False)
    title = forms.CharField(max_length=300, required=False)
    summary = forms.CharField(required=False, widget=forms.Textarea, help_text="One point per line.")
    text = forms.CharField(max_length=5000, required=False)
    owner = forms.CharField(max_length=200, required=False)
    due = forms.DateField(required=False)
    topic = forms.CharField(max_length=300, required=False)
    id = forms.CharField(max_length=40, required=False)
    date = forms.DateField(required=False)

    REQUIRED = {
        DraftItem.Kind.ATTENDEE: ["name"],
        DraftItem.Kind.CHAIR: ["name"],
        DraftItem.Kind.MINUTE_TAKER: ["name"],
        DraftItem.Kind.APPROVAL: ["outcome"],
        DraftItem.Kind.TOPIC: ["title"],
        DraftItem.Kind.DECISION: ["text"],
        DraftItem.Kind.ACTION_ITEM: ["text"],
        DraftItem.Kind.BALLOT: ["id"],
        DraftItem.Kind.NEXT_MEETING: ["date"],
    }
    FIELDS = {
        DraftItem.Kind.ATTENDEE: ["name", "organization"],
        DraftItem.Kind.CHAIR: ["name"],
        DraftItem.Kind.MINUTE_TAKER: ["name"],
        DraftItem.Kind.ANTITRUST: ["read_by"],
        DraftItem.Kind.APPROVAL: ["meeting_date", "outcome", "note"],
        DraftItem.Kind.TOPIC: ["title", "summary"],
        DraftItem.Kind.DECISION: ["text", "topic"],
        DraftItem.Kind.ACTION_ITEM: ["owner", "text", "due", "topic"],
        DraftItem.Kind.BALLOT: ["id", "note"],
        DraftItem.Kind.NEXT_MEETING: ["date"],
        DraftItem.Kind.ADJOURNED: [],
    }

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind

    def clean(self):
        data = super().clean()
        for name in self.REQUIRED.get(self.kind, []):
            if not data.get(name):
                self.add_error(name, f"{name.replace('_', ' ').capitalize()} is required.")
        return data

    def payload(self) -> dict:
        out = {}
        for name in self.FIELDS[self.kind]:
            value = self.cleaned_data.get(name)
            if name == "summary":
                value = [line.strip().lstrip("-*• ").strip() for line in (value or "").splitlines() if line.strip()]
            elif isinstance(value, dt.date):
                value = value.isoformat()
            out[name] = value or ([] if name == "summary" else None)
        return out
