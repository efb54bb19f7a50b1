"""Importing the Forum's ballot archive, and exporting ballots as ballot.schema.json."""

import io
import json

import jsonschema
import pytest
from django.core.management import CommandError, call_command

from ballots import services
from ballots.models import Ballot, Vote
from ballots.post import parse_identifier, parse_post, parse_when, split_names
from minutes import demo
from minutes.models import WorkingGroup
from minutes.names import org_key

from .conftest import BALLOT_POSTS, BALLOT_SCHEMA, BALLOT_VOTES, needs_shared
from .factories import make_members


@pytest.fixture
def forum_groups(db):
    for name, slug, short, prefix, tz, tags in demo.GROUPS:
        WorkingGroup.objects.create(name=name, slug=slug, short_name=short, ballot_prefix=prefix, time_zone=tz, tags=tags)


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@needs_shared
def test_importing_the_archive_matches_the_hand_checked_votes(forum_groups):
    report = run("import_ballots", str(BALLOT_POSTS))
    assert "29 posts, 29 ballots stored, 0 disagreements, 0 not stored" in report
    assert "CSC-2: computed passed, published passed\n  note: issuers yes: the post states 10 but names 9" in report
    reference = [json.loads(line) for line in BALLOT_VOTES.read_text().splitlines() if line.strip()]
    assert Ballot.objects.count() == len(reference) == 29
    for row in reference:
        ballot = Ballot.objects.select_related("group").get(identifier=row["ballot_id"])
        assert (ballot.published_result or None) == row["published_result"], row["ballot_id"]
        has_votes = row["counts"]["issuers"]["yes"] is not None
        if not has_votes:
            assert ballot.result is None and ballot.votes.count() == 0
            continue
        counts = services.vote_counts(ballot)
        assert {cls: counts[cls].__dict__ for cls in counts} == row["counts"], row["ballot_id"]
        if row["kind"] == "election":
            assert ballot.kind == "election" and ballot.result["outcome"] == "not_applicable"
            assert ballot.status == "passed"
        else:
            assert ballot.result["outcome"] == row["published_result"], row["ballot_id"]
            assert ballot.status == row["published_result"]
        for cls, key in services.KEY_CLASSES.items():
            for choice in ("yes", "no", "abstain"):
                stored = Vote.objects.filter(ballot=ballot, voting_class=key, choice=choice).values_list("organization__name", flat=True)
                assert sorted(map(org_key, stored)) == sorted(map(org_key, row["votes"][cls][choice])), (row["ballot_id"], cls, choice)


@needs_shared
def test_reimporting_replaces_rather_than_duplicates(forum_groups):
    path = str(BALLOT_POSTS / "2023-02-01-ballot-sc60-membership-of-zt-browser.md")
    run("import_ballots", path)
    run("import_ballots", path)
    ballot = Ballot.objects.get(identifier="SC-60")
    assert (ballot.votes.count(), ballot.versions.count(), ballot.endorsements.count()) == (16, 1, 2)
    assert ballot.status == "failed"
    assert "Certificate Consumers: 0 of 4 yes (0.0%) > 50%: not met" in ballot.result["reasons"]


def test_import_does_not_overwrite_a_ballot_run_in_the_app(forum_groups, tmp_path):
    group = WorkingGroup.objects.get(slug="cscwg")
    members = make_members(group)
    services.ballot_create(group=group, identifier="CSC-40", title="Live", proposer=members["issuer_a"][1], text="x")
    post = tmp_path / "csc-40.md"
    post.write_text("---\ntitle: 'Ballot CSC-40: Live'\ndate: 2024-01-01\n---\n\nCAs voting in favor: DigiCert\n\nThe ballot has passed.\n")
    report = run("import_ballots", str(post))
    assert "CSC-40 is run in this app; the import does not overwrite it." in report
    assert Ballot.objects.get(identifier="CSC-40").status == "draft"


def test_missing_path_is_an_error(db):
    with pytest.raises(CommandError, match="no such file"):
        run("import_ballots", "/nonexistent/ballots")


# -- the post parser, piece by piece --------------------------------------------------------------


@pytest.mark.parametrize(
    "title, expected",
    [
        ("Ballot 185 – Limiting the Lifetime of Certificates", ("Ballot 185", None, None, "Limiting the Lifetime of Certificates")),
        ("Ballot CSC-7v2: Update to merge EV and Non-EV clauses", ("CSC-7", "CSC", "v2", "Update to merge EV and Non-EV clauses")),
        ("Ballot SC22 – Reduce Certificate Lifetimes (v2)", ("SC-22", "SC", "v2", "Reduce Certificate Lifetimes")),
        ("Ballot FORUM 20v2 – Amend Charter", ("FORUM-20", "FORUM", "v2", "Amend Charter")),
        ("Ballot SMC01 – Adopt S/MIME Baseline Requirements v1.0.0", ("SMC-1", "SMC", None, "Adopt S/MIME Baseline Requirements v1.0.0")),
        ("Ballot NS-001: Adopt Requirements", ("NS-1", "NS", None, "Adopt Requirements")),
    ],
)
def test_identifiers_from_post_titles(title, expected):
    assert parse_identifier(title) == expected


@pytest.mark.parametrize(
    "text, names",
    [
        (
            "Certum (Asseco)DigiCertEntrustE-TUGRAGlobalSignHARICA",
            ["Certum (Asseco)", "DigiCert", "Entrust", "E-TUGRA", "GlobalSign", "HARICA"],
        ),
        ("DigiCert Entrust GlobalSign", ["DigiCert", "Entrust", "GlobalSign"]),
        ("Chunghwa Telecom", ["Chunghwa Telecom"]),
        ("Some New CA", ["Some New CA"]),
        ("", []),
    ],
)
def test_run_together_names_are_split_on_known_names(text, names):
    known = ["Certum (Asseco)", "DigiCert", "Entrust", "GlobalSign", "HARICA", "Chunghwa Telecom"]
    assert split_names(text, known) == names


@pytest.mark.parametrize(
    "text, iso",
    [
        ("17-January 2020 09:00 Eastern", "2020-01-17T09:00:00-05:00"),
        ("Not before 24-January 2020 09:00 Eastern", "2020-01-24T09:00:00-05:00"),
        ("2022-01-10 15:00:00 UTC", "2022-01-10T15:00:00+00:00"),
        ("October 14, 2020 at 11:00 am Eastern Time", "2020-10-14T11:00:00-04:00"),
        ("2025 Jan 16, 04:00 UTC", "2025-01-16T04:00:00+00:00"),
        ("2359 UTC on January 1, 2023", "2023-01-01T23:59:00+00:00"),
        ("soon", None),
    ],
)
def test_dates_as_posts_write_them(text, iso):
    moment = parse_when(text)
    assert (moment.isoformat() if moment else None) == iso


VOTE_FORMATS = {
    "labelled lists": """**Voting by CAs – 4 votes total including abstentions**

2 Yes votes: Alpha CA, Beta CA

1 No votes: Gamma CA

1 Abstain: Delta CA

**Voting by browsers – 2 votes total including abstentions**

1 Yes vote: Browser One

1 No votes: Browser Two
""",
    "sentences per class": """Three CAs voted in favor: Alpha CA, Beta CA, Gamma CA

One CA Abstained: Delta CA

Certificate Consumers voting in Favor: Browser One
Against: Browser Two
Abstaining: None
""",
    "markdown table": """| | Yes | No | Abstain |
| --- | --- | --- | --- |
| Certificate Issuers | Alpha CA, Beta CA | Gamma CA | |
| Certificate Consumers | Browser One | Browser Two | |
""",
}


@pytest.mark.parametrize("fmt", VOTE_FORMATS)
def test_vote_formats(fmt):
    parsed = parse_post("---\ntitle: 'Ballot XY-3: Test'\ndate: 2024-01-01\n---\n\n" + VOTE_FORMATS[fmt] + "\nThe ballot has passed.\n")
    votes = parsed.form["votes"]
    assert votes["issuers"]["yes"][:2] == ["Alpha CA", "Beta CA"]
    assert votes["consumers"] == {"yes": ["Browser One"], "no": ["Browser Two"], "abstain": []}
    assert parsed.form["published_result"] == "passed"
    assert parsed.form["id"] == "XY-3"


def test_missing_comma_is_split_when_the_post_counts_one_more():
    post = "---\ntitle: 'Ballot XY-4: Test'\n---\n\n- 3 Issuers voting YES: Alpha CA, Buypass Chunghwa Telecom\n"
    parsed = parse_post(post, known_names=["Buypass", "Chunghwa Telecom"])
    assert parsed.form["votes"]["issuers"]["yes"] == ["Alpha CA", "Buypass", "Chunghwa Telecom"]
    assert parsed.problems == []


def test_met_statements_give_the_result_when_no_sentence_does():
    post = (
        "---\ntitle: 'Ballot XY-5: Test'\n---\n\n- 1 Issuers voting YES: A\n\n"
        "This requirement was **MET** for Issuers and **NOT MET** for Consumers."
    )
    assert parse_post(post).form["published_result"] == "failed"


# -- export -------------------------------------------------------------------------------------


@pytest.fixture
def schema():
    return json.loads(BALLOT_SCHEMA.read_text())


@needs_shared
def test_export_prints_the_ballot_schema_for_a_live_ballot_and_a_version(group, schema):
    import time_machine

    from .factories import at

    members = make_members(group)
    with time_machine.travel(at("2022-01-10"), tick=False) as clock:
        ballot = services.ballot_create(group=group, identifier="CSC-6", title="Subscriber Private Key Protection",
                                        proposer=members["consumer_m"][1], text="v1 text")
        services.endorsement_add(ballot=ballot, person=members["issuer_a"][1])
        services.endorsement_add(ballot=ballot, person=members["issuer_b"][1])
        clock.move_to(at("2022-02-10"))
        services.ballot_version_add(ballot=ballot, text="v2 text")
    latest = json.loads(run("export_ballot", "CSC-6", "--format", "json"))
    jsonschema.Draft202012Validator(schema).validate(latest)
    assert set(latest) == set(schema["properties"])
    assert (latest["id"], latest["version"], latest["working_group"]) == ("CSC-6", "v2", group.name)
    assert latest["endorsers"] == [
        {"name": "Issuer A Rep", "organization": "Issuer A"},
        {"name": "Issuer B Rep", "organization": "Issuer B"},
    ]
    assert latest["discussion_period"]["start"] == "2022-02-10T12:00:00+00:00"
    assert latest["result"]["outcome"] == "pending"
    first = json.loads(run("export_ballot", "csc 6", "--version", "v1"))
    jsonschema.Draft202012Validator(schema).validate(first)
    assert first["version"] == "v1"
    assert first["discussion_period"] == {"start": "2022-01-10T12:00:00+00:00", "end": "2022-02-10T12:00:00+00:00"}
    with pytest.raises(CommandError, match="CSC-6 has no version v9 \\(versions: v1, v2\\)"):
        run("export_ballot", "CSC-6", "--version", "v9")
    with pytest.raises(CommandError, match="No ballot CSC-99"):
        run("export_ballot", "CSC-99")


@needs_shared
def test_every_imported_ballot_exports_valid_json(forum_groups, schema):
    run("import_ballots", str(BALLOT_POSTS))
    validator = jsonschema.Draft202012Validator(schema)
    for identifier in Ballot.objects.values_list("identifier", flat=True):
        form = json.loads(run("export_ballot", identifier))
        validator.validate(form)
    smc1 = json.loads(run("export_ballot", "SMC-1"))
    assert smc1["ipr_review"] == {"kind": "60-day", "start": None, "end": "2023-01-01T23:59:00+00:00"}
    assert (smc1["published_result"], smc1["result"]["outcome"], smc1["result"]["quorum_required"]) == ("passed", "passed", 10)
