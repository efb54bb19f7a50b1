"""Reading a batch of posts (minutes.archive.posts_read): in this process or in a background process,
with the organizations known so far, and the batched ballot links of an imported meeting."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ballots.models import Ballot, BallotMention
from minutes import matching
from minutes.archive import Archived, ArchiveError, OrganizationNames, posts_read
from minutes.management.commands.import_minutes import post_import, stored_organization_names
from minutes.models import Organization, WorkingGroup
from minutes.services import meeting_with_records, minutes_to_form

from .test_import import CORPUS, POST, needs_shared

ROOT = Path(__file__).resolve().parents[2]


def post(title: str, attendees: str) -> bytes:
    return f"---\ntitle: {title}\ntags: [Minutes, Code Signing]\n---\n\n## Attendees\n\n{attendees}\n".encode()


def test_a_later_post_knows_the_organizations_named_before_it():
    first = post("2024-01-04 Minutes of the Code Signing Certificate Working Group", "Ann Example (Example Trust), Bo Other (Other CA)")
    # "Cy Third Person Example Trust" cannot be split without knowing the organization.
    second = post("2024-01-11 Minutes of the Code Signing Certificate Working Group", "Cy Third Person ExampleTrust, Di Fourth (Other CA)")
    known = OrganizationNames(["Other CA"])
    a, b = posts_read([first, second], known)
    assert isinstance(a, Archived) and isinstance(b, Archived)
    assert {"name": "Cy Third Person", "organization": "Example Trust"} in [
        {"name": r["name"], "organization": r["organization"]} for r in b.form["attendees"]
    ]
    assert known() == ("Other CA", "Example Trust")  # learnt once, in the order met


def test_organization_names_count_aliases_and_spellings_as_known():
    known = OrganizationNames(["GlobalSign"], aliases=["GMO GlobalSign"])
    first = post("2024-01-04 Minutes of the Code Signing Certificate Working Group", "Ann Example (GMO  GlobalSign), Bo Other (Globalsign)")
    list(posts_read([first], known))
    assert known() == ("GlobalSign",)


def test_unreadable_posts_come_back_as_errors_in_their_place(tmp_path):
    missing = tmp_path / "gone.md"
    results = list(posts_read([b"no front matter", missing, POST.encode()], OrganizationNames()))
    assert isinstance(results[0], ArchiveError) and "front matter" in str(results[0])
    assert isinstance(results[1], ArchiveError) and "cannot be read" in str(results[1])
    assert isinstance(results[2], Archived)


@needs_shared
def test_reading_in_a_background_process_gives_what_reading_here_gives(tmp_path):
    files = sorted(p for p in CORPUS.iterdir() if p.is_file())
    files.insert(3, tmp_path / "missing.md")  # an error in the stream keeps its place
    here = list(posts_read(files, OrganizationNames(["DigiCert"])))
    known = OrganizationNames(["DigiCert"])
    there = list(posts_read(files, known, background=True, ahead=4))
    assert len(here) == len(there) == len(files)
    for a, b in zip(here, there, strict=True):
        if isinstance(a, ArchiveError):
            assert type(a) is type(b) and str(a) == str(b)
        else:
            assert (a.form, a.warnings, a.front_matter, a.body) == (b.form, b.warnings, b.front_matter, b.body)
    learnt_here = OrganizationNames(["DigiCert"])
    list(posts_read(files, learnt_here))
    assert known() == learnt_here() and len(known()) > 1  # the caller's copy learnt what the reader learnt


def test_ballot_links_of_an_imported_post_are_stored_with_stubs_for_unknown_ballots(db):
    text = POST.replace("Ballot SC54: Onion Cleanup is in review.", "Ballot SC54: Onion Cleanup is in review. Ballot SC-99 is new.")
    scwg = WorkingGroup.objects.create(name="Server Certificate Working Group", slug="scwg")
    Ballot.objects.create(identifier="SC-54", title="Onion Cleanup", group=scwg)
    with matching.directory_scope() as directory:
        (archived,) = posts_read([text.encode()], stored_organization_names())
        meeting = post_import(archived=archived, directory=directory).meeting
    mentions = list(BallotMention.objects.filter(meeting=meeting).order_by("order").select_related("ballot"))
    assert [(m.ballot.identifier, m.note, m.order) for m in mentions] == [("SC-54", "Onion Cleanup is in review", 0), ("SC-99", "", 1)]
    assert Ballot.objects.get(identifier="SC-54").title == "Onion Cleanup"  # the known ballot, not a new stub
    assert Ballot.objects.get(identifier="SC-99").group == meeting.group
    form = minutes_to_form(meeting_with_records().get(pk=meeting.pk))
    assert [b["id"] for b in form["ballots"]] == ["SC-54", "SC-99"]


def test_one_ballot_named_twice_in_a_form_is_linked_once_with_the_later_note(db, group):
    from ballots.services import ballot_mentions_save
    from tests.conftest import make_meeting

    meeting = make_meeting(group, dt.date(2024, 3, 7))
    rows = [{"id": "CSC 25"}, {"id": "CSC-26", "note": "new"}, {"id": "csc-25", "note": "passed"}]
    ballot_mentions_save(meeting=meeting, rows=rows, empty=True)
    rows = list(BallotMention.objects.filter(meeting=meeting).order_by("order").values_list("ballot__identifier", "note", "order"))
    assert rows == [("CSC-26", "new", 1), ("CSC-25", "passed", 2)]
    # Added to a meeting that has links: after them, one save per row.
    ballot_mentions_save(meeting=meeting, rows=[{"id": "CSC-27"}])
    assert BallotMention.objects.get(meeting=meeting, ballot__identifier="CSC-27").order == 2


def test_stored_organization_names_include_aliases(db):
    Organization.objects.create(name="GlobalSign", aliases=["GMO GlobalSign"])
    known = stored_organization_names()
    assert known() == ("GlobalSign",)
    assert known.keys == {"globalsign", "gmoglobalsign"}


@pytest.mark.parametrize("count", [1, 19])
def test_small_batches_are_read_in_this_process(count):
    from minutes.management.commands.import_minutes import read_in_background

    assert read_in_background(count) is False


class KillsTheReader(bytes):
    """A post whose copy kills the process that unpickles it: the background reader dies on it."""

    def __reduce__(self):
        return (os._exit, (1,))


def test_when_the_background_reader_dies_the_rest_is_read_here_in_order():
    titles = [f"2024-0{month}-04 Minutes of the Code Signing Certificate Working Group" for month in range(1, 8)]
    batch = [post(title, "Ann Example (Example Trust)") for title in titles]
    batch[4] = KillsTheReader(batch[4])
    results = list(posts_read(batch, OrganizationNames(), background=True, ahead=2))
    assert [r.form["meeting"]["date"] for r in results] == [f"2024-0{month}-04" for month in range(1, 8)]


@needs_shared
def test_an_import_started_from_a_script_without_a_main_guard_runs_once(tmp_path):
    """The background reader must not run the caller's main script again (as a spawned process would)."""
    script = tmp_path / "import_all.py"
    script.write_text(
        "import io, os, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'cscwg.settings'\n"
        "os.environ.pop('DATABASE_URL', None)\n"
        f"os.environ['VAR_DIR'] = {str(tmp_path / 'var')!r}\n"
        "import django\n"
        "django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        "print('script ran')\n"
        "out = io.StringIO()\n"
        f"call_command('import_minutes', {str(CORPUS)!r}, stdout=out, stderr=out)\n"
        "print(out.getvalue())\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.count("script ran") == 1
    assert "Meetings: 60 created" in done.stdout
