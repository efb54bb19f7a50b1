import json
import sys
from io import StringIO
from pathlib import Path

import jsonschema
import pytest
from django.core.management import CommandError, call_command

from minutes.models import Organization, Person, Role
from tests.conftest import make_meeting

SCHEMA_PATH = Path(__file__).resolve().parents[2].parent / "shared" / "schemas" / "minutes.schema.json"

TRANSCRIPT = """WEBVTT

1 "Dean Coclin" (1)
00:00:03.400 --> 00:00:11.661
Dean Coclin: Okay, let's start. Inigo, can you introduce yourself for the record?

2 "Inigo Barreira" (2)
00:00:12.303 --> 00:00:17.036
Inigo Barreira: Hi, Inigo here. I'll send the redline to the list by Friday.

3 "Dean Coclin" (1)
00:00:18.000 --> 00:00:22.000
Dean Coclin: Thanks. Our next meeting is January twenty-fifth. The meeting is adjourned.
"""


def run(*args) -> str:
    out = StringIO()
    call_command("draft_minutes", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def transcript(tmp_path):
    path = tmp_path / "2024-01-11-cscwg.vtt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    return path


def test_json_output_is_exactly_the_schema_with_the_date_from_the_file_name(transcript):
    form = json.loads(run(str(transcript), "--format", "json"))
    if SCHEMA_PATH.is_file():
        jsonschema.validate(form, json.loads(SCHEMA_PATH.read_text()))
    assert form["meeting"]["date"] == "2024-01-11"
    assert form["next_meeting"] == "2024-01-25"
    assert form["action_items"] == [
        {
            "owner": "Inigo Barreira",
            "text": "Send the redline to the list by Friday",
            "due": "2024-01-12",
            "topic": None,
            "start_seconds": 12.303,
        }
    ]


def test_date_option_overrides_the_file_name(transcript):
    form = json.loads(run(str(transcript), "--date", "2024-01-18"))
    assert form["meeting"]["date"] == "2024-01-18"
    assert form["action_items"][0]["due"] == "2024-01-19"


def test_markdown_output_is_a_post(transcript):
    text = run(str(transcript), "--format", "markdown")
    assert text.startswith("---\n")
    assert "## Attendees" in text and "Dean Coclin, Inigo Barreira" in text
    action = next(line for line in text.splitlines() if "Send the redline to the list by Friday" in line)
    assert "Inigo Barreira" in action and "January 12, 2024" in action


@pytest.mark.django_db
def test_group_people_normalise_names_and_give_organizations(transcript, group):
    sectigo = Organization.objects.create(name="Sectigo")
    person = Person.objects.create(full_name="Iñigo Barreira", organization=sectigo)
    Role.objects.create(person=person, group=group, kind=Role.Kind.MEMBER)
    form = json.loads(run(str(transcript), "--group", group.slug))
    assert {"name": "Iñigo Barreira", "organization": "Sectigo"} in form["attendees"]
    assert form["action_items"][0]["owner"] == "Iñigo Barreira"
    assert form["meeting"]["working_group"] == group.name


@pytest.mark.django_db
def test_meeting_gives_group_date_and_title(transcript, group):
    import datetime as dt

    meeting = make_meeting(group, dt.date(2024, 2, 1), status=None, title="Feb call")
    form = json.loads(run(str(transcript), "--meeting", str(meeting.pk)))
    assert form["meeting"]["title"] == "Feb call"
    assert form["meeting"]["date"] == "2024-02-01"
    assert form["meeting"]["kind"] == "teleconference"


@pytest.mark.django_db
def test_unknown_meeting_or_group_is_a_clear_error(transcript):
    with pytest.raises(CommandError, match="No meeting with id 999"):
        run(str(transcript), "--meeting", "999")
    with pytest.raises(CommandError, match="No working group with slug 'nope'"):
        run(str(transcript), "--group", "nope")


def test_malformed_transcript_and_missing_file_are_clear_errors(tmp_path):
    bad = tmp_path / "call.vtt"
    bad.write_text("WEBVTT\n\n00:00:01.000 --> later\nhi\n")
    with pytest.raises(CommandError, match="cue timing cannot be read"):
        run(str(bad))
    with pytest.raises(CommandError, match="No such file"):
        run(str(tmp_path / "missing.vtt"))


def test_audio_without_speech_to_text_is_a_clear_error(tmp_path, monkeypatch):
    audio = tmp_path / "call.m4a"
    audio.write_bytes(b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00")
    monkeypatch.setitem(sys.modules, "transcription.asr", None)  # as if the module were not installed
    with pytest.raises(CommandError, match="not a transcript, and speech-to-text is not available"):
        run(str(audio))


def test_audio_goes_through_speech_to_text(tmp_path, monkeypatch):
    import types

    from transcription.transcripts import Utterance

    audio = tmp_path / "2024-01-11-call.mp3"
    audio.write_bytes(b"ID3\x00\x00\x00\x00binary")
    fake = types.ModuleType("transcription.asr")
    fake.transcribe_path = lambda path, progress=None: [
        Utterance(None, 1.5, 4.0, "Hello, our next meeting is January twenty-fifth."),
        {"start": 4.5, "end": 6.0, "text": " I'll send the agenda to the list by Friday. "},
    ]
    monkeypatch.setitem(sys.modules, "transcription.asr", fake)
    form = json.loads(run(str(audio)))
    assert form["next_meeting"] == "2024-01-25"
    assert form["action_items"][0]["text"] == "Send the agenda to the list by Friday"
    assert form["action_items"][0]["start_seconds"] == 4.5
