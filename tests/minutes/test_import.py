"""manage.py import_minutes: posts of the Forum's website into meetings and their records."""

import importlib.util
import io
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ballots.models import Ballot
from minutes.models import Attendance, Meeting, Minutes, Organization, Person, WorkingGroup
from minutes.services import meeting_with_records, minutes_to_form

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
CORPUS = SHARED / "corpus" / "cabforum" / "minutes"
GOLD = SHARED / "eval" / "import-gold"
needs_shared = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared (corpus and eval) is not beside the checkout")

POST = """---
author: Ann Author
date: 2022-08-18 21:27:00
tags:
- Minutes
- Server Certificates
title: 2022-08-18 Minutes of the Server Certificate Working Group
type: post
---

## Attendees

Ben Wilson (Mozilla), Clint Wilson (Apple), Corey Bonnell (Digicert), Inigo Barriera (Sectigo)

## Minutes

### 1. Read Antitrust Statement

Clint Wilson read the antitrust statement.

### 2. Approval of Minutes from Last Teleconference

The minutes from the 4-August call were approved without changes.

### 3. Ballot Status

Ballot SC54: Onion Cleanup is in review. Corey will send the redline to the list.

### 4. Next call

1-September 2022 at 11AM Eastern
"""


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_minutes", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def post_file(tmp_path):
    path = tmp_path / "2022-08-18-minutes.md"
    path.write_text(POST, encoding="utf-8")
    return path


def test_import_creates_the_meeting_with_its_records(db, post_file):
    out, err = run(str(post_file))
    assert "Meetings: 1 created, 0 updated, 0 unchanged." in out and err == ""
    meeting = meeting_with_records().get()
    assert meeting.group.slug == "scwg" and meeting.group.name == "Server Certificate Working Group"
    assert str(meeting.date) == "2022-08-18" and not meeting.start_time_known
    form = minutes_to_form(meeting)
    assert [(a["name"], a["organization"]) for a in form["attendees"]][:2] == [("Ben Wilson", "Mozilla"), ("Clint Wilson", "Apple")]
    assert form["antitrust_statement"] == {"read": True, "read_by": "Clint Wilson"}
    assert [(a["meeting_date"], a["outcome"]) for a in form["minutes_approvals"]] == [("2022-08-04", "approved")]
    assert form["next_meeting"] == "2022-09-01"
    assert [(a["owner"], a["text"]) for a in form["action_items"]] == [("Corey Bonnell", "Send the redline to the list")]
    minutes = Minutes.objects.get()
    assert minutes.status == Minutes.Status.FINAL and minutes.author == "Ann Author"
    assert minutes.body.startswith("## Attendees")
    assert str(minutes.finalized_at.astimezone(meeting.tz)) == "2022-08-18 21:27:00-04:00"
    assert Ballot.objects.filter(identifier="SC-54").exists()


def test_importing_the_same_file_twice_changes_nothing(db, post_file):
    run(str(post_file))
    before = (Minutes.objects.get().updated_at, list(Attendance.objects.values_list("pk", flat=True)), Person.objects.count())
    out, _ = run(str(post_file))
    assert "Meetings: 0 created, 0 updated, 1 unchanged." in out
    assert (Minutes.objects.get().updated_at, list(Attendance.objects.values_list("pk", flat=True)), Person.objects.count()) == before


def test_a_changed_file_updates_its_meeting(db, post_file):
    run(str(post_file))
    post_file.write_text(POST.replace("Ben Wilson (Mozilla), ", ""), encoding="utf-8")
    out, _ = run(str(post_file))
    assert "Meetings: 0 created, 1 updated, 0 unchanged." in out
    assert Meeting.objects.count() == 1
    assert "Ben Wilson" not in [a["name"] for a in minutes_to_form(meeting_with_records().get())["attendees"]]


def test_malformed_files_are_reported_and_the_batch_continues(db, tmp_path, post_file):
    (tmp_path / "bad-yaml.md").write_text("---\ntitle: [oops\n---\nBody\n")
    (tmp_path / "latin1.md").write_bytes("---\ntitle: Caf\xe9\n---\n".encode("latin-1"))
    (tmp_path / "untitled.md").write_text("---\nauthor: Ann\n---\nBody\n")
    (tmp_path / "notes.txt").write_text("not a post")
    out, err = run(str(tmp_path))
    assert "bad-yaml.md: bad YAML front matter" in err
    assert "latin1.md: not UTF-8" in err
    assert "untitled.md: no title" in err
    assert "Read 1 post(s), 3 failed." in out
    assert Meeting.objects.count() == 1


def test_uncertain_names_are_reported_and_kept_apart(db, post_file):
    barreira = Person.objects.create(full_name="Inigo Barreira")
    Organization.objects.create(name="DigiCert")
    out, _ = run(str(post_file))
    assert "uncertain name: 'Inigo Barriera' may be 'Inigo Barreira'" in out
    assert "Warnings: 1 uncertain name match(es), 0 note(s) on missing parts." in out
    assert Person.objects.filter(full_name="Inigo Barriera").exists() and Person.objects.get(pk=barreira.pk)
    # "Digicert" is the known DigiCert, not a new organization.
    assert Organization.objects.filter(name__iexact="digicert").count() == 1


def test_dry_run_stores_nothing_and_json_out_writes_the_form(db, tmp_path, post_file):
    out, _ = run(str(post_file), "--dry-run", "--json-out", str(tmp_path / "json"))
    assert out.startswith("Dry run, nothing stored.") and "1 created" in out
    assert Meeting.objects.count() == 0 and WorkingGroup.objects.count() == 0
    form = json.loads((tmp_path / "json" / "2022-08-18-minutes.json").read_text())
    assert form["meeting"]["date"] == "2022-08-18" and len(form["attendees"]) == 4


def test_group_option_overrides_title_and_tags(db, post_file):
    other = WorkingGroup.objects.create(name="Test Group", slug="test", short_name="TG")
    run(str(post_file), "--group", "test")
    assert Meeting.objects.get().group == other
    with pytest.raises(CommandError, match="No working group with slug 'nope'"):
        run(str(post_file), "--group", "nope")


def load_scorer():
    spec = importlib.util.spec_from_file_location("score_minutes", SHARED / "eval" / "score_minutes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@needs_shared
def test_import_gold_scores_at_least_085_through_the_database(db, tmp_path):
    """The 20 hand-made references, scored on what the records say after the import."""
    sources = tmp_path / "posts"
    sources.mkdir()
    for gold in GOLD.glob("*.json"):
        source = next(p for p in (CORPUS / f"{gold.stem}.md", CORPUS / gold.stem) if p.is_file())
        shutil.copy(source, sources / source.name)
    run(str(sources), "--json-out", str(tmp_path / "out"))
    scorer = load_scorer()
    rows = [
        scorer.score(json.loads(gold.read_text()), json.loads((tmp_path / "out" / gold.name).read_text())) for gold in GOLD.glob("*.json")
    ]
    mean = {key: sum(r[key] for r in rows) / len(rows) for key in ("overall", "attendees_f1")}
    assert len(rows) == 20
    assert mean["overall"] >= 0.85, mean
    assert mean["attendees_f1"] >= 0.95, mean
