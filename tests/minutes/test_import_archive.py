"""minutes.archive: reading the Forum's minutes posts, one style at a time (pure, no database)."""

import pytest

from minutes.archive import ArchiveError, attendees_from_text, body_parse, date_mentions, group_of, post_parse


def read(body: str, title: str = "2024-01-25 Minutes of the Code Signing Certificate Working Group", tags=("Minutes", "Code Signing")):
    form, _ = body_parse(body, title=title, tags=list(tags))
    return form


def post(body: str, front: str = "title: 2024-01-25 Minutes of the Code Signing Certificate Working Group\nauthor: Ann\n") -> bytes:
    return f"---\n{front}---\n\n{body}".encode()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ben Wilson (Mozilla), Dean Coclin (Digicert)", [("Ben Wilson", "Mozilla"), ("Dean Coclin", "Digicert")]),
        ("Ben Wilson – Mozilla, Don Sheehy – WebTrust", [("Ben Wilson", "Mozilla"), ("Don Sheehy", "WebTrust")]),
        ("Aaron Gable - (Let's Encrypt), Adam Jones - (Microsoft)", [("Aaron Gable", "Let's Encrypt"), ("Adam Jones", "Microsoft")]),
        (
            "Jeff Ward (Jeff Ward (private person)), Russ Housley (Vigil Security, LLC)",
            [("Jeff Ward", "Jeff Ward (private person)"), ("Russ Housley", "Vigil Security, LLC")],
        ),
        ("Vijayakumar (Vijay) Manjunatha – (eMudhra)", [("Vijayakumar (Vijay) Manjunatha", "eMudhra")]),
        ("Andrea Holland, Atsushi Inaba, and Tim Hollebeek", [("Andrea Holland", None), ("Atsushi Inaba", None), ("Tim Hollebeek", None)]),
        ("Mohit Kumar (GlobalSign), Corey Bonnell DigiCert", [("Mohit Kumar", "GlobalSign"), ("Corey Bonnell", "DigiCert")]),
    ],
)
def test_attendee_lists_in_each_written_style(text, expected):
    assert [(row["name"], row["organization"]) for row in attendees_from_text(text)] == expected


@pytest.mark.parametrize(
    "body",
    [
        "## Attendees\n\nBen Wilson (Mozilla), Clint Wilson (Apple), Dean Coclin (DigiCert)\n\n## Minutes\n\nText.",
        "**Attendees:** Ben Wilson (Mozilla), Clint Wilson (Apple), Dean Coclin (DigiCert)\n\nText.",
        "**Present:**  Ben Wilson – Mozilla, Clint Wilson – Apple, Dean Coclin – DigiCert\n\nText.",
        "_Present:_\n\n- Ben Wilson – (Mozilla)\n- Clint Wilson – (Apple)\n- Dean Coclin – (DigiCert)\n\n1. **Introductory**\n\nText.",
        "**Roll Call:**  Ben Wilson (Mozilla), Clint Wilson (Apple), Dean Coclin (DigiCert)\n\nText.",
        "# Attendees\n\nAttendance: IN THE ROOM (FROM SIGN UP SHEET) Ben Wilson (Mozilla), Clint Wilson (Apple), Dean Coclin (DigiCert)\n",
        "## Minutes\n\nText of the meeting.\n\n## Attendees\n\nBen Wilson (Mozilla), Clint Wilson (Apple), Dean Coclin (DigiCert)\n",
    ],
)
def test_attendees_are_found_wherever_the_post_lists_them(body):
    assert [a["name"] for a in read(body)["attendees"]] == ["Ben Wilson", "Clint Wilson", "Dean Coclin"]


ATTENDEES = "## Attendees\n\nBrianca Martin (Amazon), Dean Coclin (DigiCert), Martijn Katerbarg (Sectigo), Stephen Davidson (DigiCert)\n\n"


@pytest.mark.parametrize(
    "line, taker",
    [
        ("Minute taker: Martijn Katerbarg", "Martijn Katerbarg"),
        ("**Minute Taker:** Martijn Katerbarg", "Martijn Katerbarg"),
        ("Minute-taker: Martijn. Next minute taker: Dean", "Martijn Katerbarg"),
        ("Minutes taken by Stephen Davidson.", "Stephen Davidson"),
        ("Minutes were prepared by Stephen Davidson.", "Stephen Davidson"),
        ("Prepared by Tom Zermeno (SSL.com).", "Tom Zermeno"),
        ("Brianca is taking minutes", "Brianca Martin"),
        ("Minute-taker for the next call will be Dean.", None),
    ],
)
def test_minute_taker_in_each_written_style(line, taker):
    assert read(ATTENDEES + "## Minutes\n\n" + line + "\n")["minute_taker"] == taker


@pytest.mark.parametrize(
    "text, read_by",
    [
        ("Dean read the anti-trust statement.", "Dean Coclin"),
        ("**Antitrust Statement:** Read by Dean", "Dean Coclin"),
        ("### Read Antitrust Statement- Jos Purvis\n\nReview Agenda", "Jos Purvis"),
        ("Dean reminded all participants that they must comply with the CA/Browser Forum anti-trust policy.", "Dean Coclin"),
        ("## Note Well\n\nMartijn read the Note Well.", "Martijn Katerbarg"),
        ("The Antitrust Statement was read.", None),
    ],
)
def test_antitrust_statement_and_its_reader(text, read_by):
    assert read(ATTENDEES + text + "\n")["antitrust_statement"] == {"read": True, "read_by": read_by}


def test_no_antitrust_statement_mentioned_means_not_read():
    assert read(ATTENDEES + "### Ballots\n\nDiscussed.\n")["antitrust_statement"] == {"read": False, "read_by": None}


@pytest.mark.parametrize(
    "text, approvals",
    [
        ("The minutes of the 20 July meeting were reviewed and approved by the group.", [("2023-07-20", "approved")]),
        (
            "Minutes of the February 24th (F2F) and March 10th meetings were approved",
            [("2023-02-24", "approved"), ("2023-03-10", "approved")],
        ),
        ("### Approval of minutes\n\nMeeting Minutes from 2023/07/11 sent out on 2023/07/12, Approved", [("2023-07-11", "approved")]),
        ("### Approval of minutes\n\nDimitris asked for more time to review, so approval was deferred.", [(None, "deferred")]),
        ("### Approval of prior meeting minutes\n\nNo minutes to approve at this time.", []),
    ],
)
def test_approvals_of_prior_minutes_with_dates_and_outcomes(text, approvals):
    form = read(text + "\n", title="2023-08-03 Minutes of the Server Certificate Working Group")
    assert [(a["meeting_date"], a["outcome"]) for a in form["minutes_approvals"]] == approvals


@pytest.mark.parametrize(
    "text, day",
    [
        ("### Next call\n\nThe next call will take place on July 23, 2020 at 11:00am Eastern Time.", "2020-07-23"),
        ("Next Meeting is December 2nd, Meeting is adjourned", "2020-12-02"),
        ("## Next call\n\nNext call: Tokyo F2F and then April 9, 2021 at 1100 Eastern time.", "2021-04-09"),
        ("Next call: TBD (after the F2F) at 11AM Eastern", None),
    ],
)
def test_next_meeting_date(text, day):
    assert read(text + "\n", title="2020-07-09 Minutes of the Server Certificate Working Group")["next_meeting"] == day


def test_ballots_mentioned_are_normalised():
    form = read("_SC28 (Logging and Log Retention)_ and Ballot SC54: Onion Cleanup; CSC 18 and SMC011; SCXX is a draft.\n")
    assert [b["id"] for b in form["ballots"]] == ["SC-28", "SC-54", "CSC-18", "SMC-11"]
    assert form["ballots"][0]["note"] == "Logging and Log Retention"


def test_topics_decisions_and_action_items_from_headed_sections():
    form = read(
        ATTENDEES + "## Minutes\n\n### Review Agenda\n\nNo changes.\n\n### Malware proposal\n\n"
        "Martijn Katerbarg is finishing the text and will send out the latest changes. It was agreed to discuss it at the F2F.\n\n"
        "### Any Other Business\n\nNone\n"
    )
    assert [t["title"] for t in form["topics"]] == ["Malware proposal"]
    assert form["decisions"] == [{"text": "It was agreed to discuss it at the F2F", "topic": "Malware proposal"}]
    assert [(a["owner"], a["text"]) for a in form["action_items"]] == [("Martijn Katerbarg", "Send out the latest changes")]


def test_flat_bullet_lists_are_split_at_title_like_items():
    form = read(
        ATTENDEES + "# Minutes\n\n- The Antitrust statement was read\n- Ballot: CSC 18 – Malware revocation (Martijn)\n"
        "- In discussion period, voting period ending before meeting is over\n- Removing SSL BR References\n"
        "- Martijn: About half the documents reviewed for missing definitions, two removed.\n"
    )
    assert [t["title"] for t in form["topics"]] == ["Ballot: CSC 18 – Malware revocation (Martijn)", "Removing SSL BR References"]


@pytest.mark.parametrize(
    "title, tags, slug",
    [
        ("2020-07-09 Minutes of the Server Certificate Working Group", ["Minutes", "Server Certificates"], "scwg"),
        ("Minutes of SMCWG", ["Minutes", "S/MIME"], "smcwg"),
        (
            "Minutes of the F2F 59 Meeting in Redmond, WA, USA, 6-8 June 2023 – CSCWG (6 June)",
            ["Code Signing", "Server Certificates"],
            "cscwg",
        ),
        ("2021-12-09 Minutes of CA/B Forum Teleconference", ["Minutes", "Forum"], "forum"),
        ("2023-01-03 Minutes of the Network Security Working Group", [], "netsec"),
        ("Meeting notes", ["Minutes"], None),
    ],
)
def test_group_from_title_then_tags(title, tags, slug):
    group = group_of(title, tags)
    assert (group.slug if group else None) == slug


def test_face_to_face_session_date_number_and_place_come_from_the_title():
    form = read("Text.\n", title="Minutes of the F2F 59 Meeting in Redmond, WA, USA, 6-8 June 2023 – CSCWG (6 June)", tags=["Face-to-Face"])
    assert form["meeting"] | {"title": None} == {
        "title": None,
        "date": "2023-06-06",
        "working_group": "Code Signing Certificate Working Group",
        "kind": "face-to-face",
        "f2f_number": 59,
        "location": "Redmond, WA, USA",
    }


def test_a_dated_line_in_the_body_wins_over_a_copied_title():
    form = read("## Minutes of SMCWG\n\nMarch 12, 2025\n\nText.\n", title="2025-02-26 Minutes of the S/MIME Certificate Working Group")
    assert form["meeting"]["date"] == "2025-03-12"


def test_dates_in_many_spellings():
    days = [d.day for d in date_mentions("2024/01/11, March 12, 2025, 4-August 2022, 20 July 2023, Feb-15th 2022")]
    assert [d.isoformat() for d in days] == ["2024-01-11", "2025-03-12", "2022-08-04", "2023-07-20", "2022-02-15"]


@pytest.mark.parametrize(
    "raw, reason",
    [
        (b"---\ntitle: [unclosed\n---\nBody", "bad YAML"),
        (b"---\ntitle: Minutes\n---\n\xff\xfe body", "not UTF-8"),
        (b"---\nauthor: Ann\n---\nBody", "no title"),
        (b"Just text", "no YAML front matter"),
    ],
)
def test_malformed_posts_raise_with_a_reason(raw, reason):
    with pytest.raises(ArchiveError, match=reason):
        post_parse(raw)


def test_front_matter_gives_author_and_posting_date_and_crlf_is_read():
    archived = post_parse(post("## Attendees\r\n\r\nBen Wilson (Mozilla)\r\n").replace(b"\n", b"\r\n"))
    assert archived.author == "Ann"
    assert archived.form["attendees"] == [{"name": "Ben Wilson", "organization": "Mozilla"}]
