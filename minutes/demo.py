"""Demo data: the CSCWG meeting of 2022-02-10 (shared/seed) in full, and the meetings around it.

Kept as structured minutes forms so that it enters the records through the same mapper as imports
and drafts. Only ``load_demo`` uses this module.
"""

from __future__ import annotations

SEED_POST = """## Attendees

Andrea Holland – SecureTrust, Atsushi Inaba – GlobalSign, Bruce Morton – Entrust, Corey Bonnell – DigiCert, \
Dean Coclin – DigiCert, Dimitris Zacharopoulos – HARICA, Ian McMillan – Microsoft, Inigo Barreira – Sectigo, \
Roberto Quinones – Intel, Tim Crawford – WebTrust

## Minutes

Chris Kemmerer “volunteered” by Dean Coclin as minute taker.

Antitrust statement: read by Corey.

Minutes: discussion regarding minutes from Jan 27 2022 call:

Dimitris observed that the minutes submitted are perhaps too detailed, easier to digest if summarized.

Dean agreed that high level of detail is not necessary.

General discussion of WebEx’s transliteration capability and level of detail expected/required.

Dimitris requested more time to review minutes, Dean concurs, minute approval deferred to next session.

### CSC-6: Subscriber Private Key Protection (Ian)

Latest feedback from Tim H incorporated into draft, changes reviewed:

Effective date set to Nov 15 2022

“Hardware Crypto Module” definition revised to clarify

Discussion: general consensus on the above two items.

CSP (Cryptographic Service Provider) noted as Microsoft-specific term, found in Sections 5 and 16.3.2.

Discussion: Ian suggested “crypto library” as a broader term, supported by Inigo and others. Adopted.

Existing language (regarding subscriber CSR counter-signing w/manufacturer cert) noted as capable of abuse.

Discussion: Hint suggested by Tim H (“commonly known as ‘key attestation'”) as guidance for CAs/auditors \
generally favored, added to language effective Nov 15 2022.

and typo correction noted (“The CA relies on a report…”).

Ian: with these changes, Tim H endorsed CSC-6 and another endorser sought. Bruce agreed to endorse.

### Face to Face 55 discussion

Dean: discussion of presentation of 2021 accomplishments, 2022 goals.

Bruce agreed to review ballots, assemble slides for status/goals.

Dean: goals should include: Subscriber key protection, Format changes, Signing services.

Ian: would like to include: High risk applicants/high risk sections generally; addressing open source \
verification projects/community.

Dimitris raised: Timestamping, discussion agrees that this would be scoped to *code signing-related* timestamping.

Dean noted scheduling of CSCWG session in F2F (1015am MST Feb 24 2022), possible issues for European/Asian participants.

Dean confirms no other business.

Meeting adjourned.
"""

ORGANIZATIONS = [
    # name, member class in the Forum, aliases
    ("SecureTrust", "certificate_issuer", ["Trustwave SecureTrust"]),
    ("GlobalSign", "certificate_issuer", ["Globalsign", "GMO GlobalSign"]),
    ("Entrust", "certificate_issuer", ["Entrust Datacard"]),
    ("DigiCert", "certificate_issuer", ["Digicert"]),
    ("HARICA", "certificate_issuer", []),
    ("Sectigo", "certificate_issuer", []),
    ("SSL.com", "certificate_issuer", ["SSL com"]),
    ("Microsoft", "certificate_consumer", []),
    ("Intel", "certificate_consumer", []),
    ("Mozilla", "certificate_consumer", []),
    ("Google", "certificate_consumer", ["Google Chrome"]),
    ("WebTrust", "associate_member", ["CPA Canada/WebTrust", "CPA Canada"]),
    ("Observer Example Org", "interested_party", []),
]

PEOPLE = [
    # full name, organization, aliases
    ("Andrea Holland", "SecureTrust", []),
    ("Atsushi Inaba", "GlobalSign", []),
    ("Bruce Morton", "Entrust", []),
    ("Corey Bonnell", "DigiCert", []),
    ("Dean Coclin", "DigiCert", []),
    ("Dimitris Zacharopoulos", "HARICA", []),
    ("Ian McMillan", "Microsoft", []),
    ("Inigo Barreira", "Sectigo", ["Iñigo Barreira"]),
    ("Roberto Quinones", "Intel", []),
    ("Tim Crawford", "WebTrust", ["Tim C"]),
    ("Tim Hollebeek", "DigiCert", ["Tim H"]),
    ("Chris Kemmerer", "SSL.com", []),
    ("Ben Wilson", "Mozilla", []),
    ("Ryan Dickson", "Google", []),
    ("Sam Okafor", "Observer Example Org", []),
]

GROUPS = [
    # name, slug, short name, ballot prefix, time zone, post tags
    ("Code Signing Certificate Working Group", "cscwg", "CSCWG", "CSC", "America/New_York", ["Code Signing"]),
    ("Server Certificate Working Group", "scwg", "SCWG", "SC", "America/New_York", ["Server Certificate"]),
    ("S/MIME Certificate Working Group", "smcwg", "SMCWG", "SMC", "America/New_York", ["S/MIME"]),
    ("Network Security Working Group", "netsec", "NetSec", "NS", "America/New_York", ["Network Security"]),
    ("Forum", "forum", "Forum", "FORUM", "America/New_York", ["Forum"]),
]

CSCWG_ROLES = {
    "Dean Coclin": "chair",
    "Bruce Morton": "vice_chair",
    "Sam Okafor": "observer",
}
CSCWG_MEMBERS = [
    "Andrea Holland", "Atsushi Inaba", "Bruce Morton", "Corey Bonnell", "Dean Coclin", "Dimitris Zacharopoulos",
    "Ian McMillan", "Inigo Barreira", "Roberto Quinones", "Tim Crawford", "Tim Hollebeek", "Chris Kemmerer",
]

# username -> person (None for staff without a person record); every demo password is "demo".
DEMO_USERS = {
    "chair": "Dean Coclin",
    "taker": "Chris Kemmerer",
    "member": "Bruce Morton",
    "observer": "Sam Okafor",
    "admin": None,
}

ATTENDEES_SEED = [
    {"name": "Andrea Holland", "organization": "SecureTrust"},
    {"name": "Atsushi Inaba", "organization": "GlobalSign"},
    {"name": "Bruce Morton", "organization": "Entrust"},
    {"name": "Corey Bonnell", "organization": "DigiCert"},
    {"name": "Dean Coclin", "organization": "DigiCert"},
    {"name": "Dimitris Zacharopoulos", "organization": "HARICA"},
    {"name": "Ian McMillan", "organization": "Microsoft"},
    {"name": "Inigo Barreira", "organization": "Sectigo"},
    {"name": "Roberto Quinones", "organization": "Intel"},
    {"name": "Tim Crawford", "organization": "WebTrust"},
]

CSC6 = "CSC-6: Subscriber Private Key Protection"
F2F55 = "Face to Face 55 discussion"
APPROVAL_TOPIC = "Approval of the January 27 minutes and their level of detail"

SEED_FORM = {
    "schema_version": 1,
    "meeting": {
        "title": "2022-02-10 Minutes of the Code Signing Certificate Working Group",
        "date": "2022-02-10",
        "working_group": "Code Signing Certificate Working Group",
        "kind": "teleconference",
        "f2f_number": None,
        "location": None,
    },
    "attendees": ATTENDEES_SEED,
    "chair": "Dean Coclin",
    "minute_taker": "Chris Kemmerer",
    "antitrust_statement": {"read": True, "read_by": "Corey Bonnell"},
    "minutes_approvals": [
        {
            "meeting_date": "2022-01-27",
            "outcome": "deferred",
            "note": "Dimitris requested more time to review; approval deferred to the next session",
        }
    ],
    "topics": [
        {
            "title": APPROVAL_TOPIC,
            "summary": [
                "The Jan 27 minutes were seen as too detailed; a summary is easier to digest",
                "Discussion of WebEx transcription and the level of detail expected",
                "Approval deferred to the next session",
            ],
        },
        {
            "title": CSC6,
            "summary": [
                "Latest feedback from Tim H incorporated; effective date set to Nov 15 2022",
                "Hardware Crypto Module definition revised to clarify",
                "'Crypto library' adopted as a broader term in place of the Microsoft-specific CSP",
                "Key attestation hint added as guidance for CAs and auditors; typo corrected",
                "Tim H endorsed CSC-6; Bruce agreed to be the second endorser",
            ],
        },
        {
            "title": F2F55,
            "summary": [
                "Presentation of 2021 accomplishments and 2022 goals at the F2F",
                "Goals: subscriber key protection, format changes, signing services, high risk applicants, "
                "open source verification, code signing timestamping",
                "Signing services to be redefined from zero, tied to subscriber key protection",
                "CSCWG F2F session at 10:15am MST on Feb 24 2022",
            ],
        },
    ],
    "decisions": [
        {"text": "Effective date of CSC-6 set to Nov 15 2022", "topic": CSC6},
        {"text": "Adopt 'crypto library' as the broader term in place of CSP", "topic": CSC6},
        {"text": "Add the key attestation hint as guidance for CAs and auditors", "topic": CSC6},
        {"text": "Bruce Morton endorses CSC-6 as the second endorser", "topic": CSC6},
    ],
    "action_items": [
        {
            "owner": "Bruce Morton",
            "text": "Review ballots and assemble slides for status and goals for the F2F",
            "due": "2022-02-24",
            "topic": F2F55,
        },
        {
            "owner": "Dimitris Zacharopoulos",
            "text": "Review the Jan 27 minutes before the next session",
            "due": None,
            "topic": APPROVAL_TOPIC,
        },
    ],
    "ballots": [{"id": "CSC-6", "note": "Subscriber Private Key Protection; endorsed by Tim Hollebeek and Bruce Morton"}],
    "next_meeting": None,
    "adjourned": True,
}


def _form(title, date, *, kind="teleconference", f2f=None, location=None, **rest):
    form = {
        "schema_version": 1,
        "meeting": {
            "title": title, "date": date, "working_group": rest.pop("group_name", None),
            "kind": kind, "f2f_number": f2f, "location": location,
        },
        "attendees": [],
        "chair": "Dean Coclin",
        "minute_taker": "Chris Kemmerer",
        "antitrust_statement": {"read": False, "read_by": None},
        "minutes_approvals": [],
        "topics": [],
        "decisions": [],
        "action_items": [],
        "ballots": [],
        "next_meeting": None,
        "adjourned": False,
    }
    form.update(rest)
    return form


JAN27_FORM = _form(
    "2022-01-27 Minutes of the Code Signing Certificate Working Group",
    "2022-01-27",
    attendees=[a for a in ATTENDEES_SEED if a["name"] not in {"Roberto Quinones", "Atsushi Inaba"}]
    + [{"name": "Tim Hollebeek", "organization": "DigiCert"}],
    antitrust_statement={"read": True, "read_by": "Dean Coclin"},
    topics=[
        {
            "title": CSC6,
            "summary": [
                "Ian walked through the redline; comments from Tim H to be incorporated",
                "Effective date still open; November 2022 proposed",
            ],
        },
        {"title": "F2F 55 planning", "summary": ["CSCWG session to be scheduled on Feb 24"]},
    ],
    action_items=[
        {"owner": "Ian McMillan", "text": "Post an updated CSC-6 draft with Tim's feedback", "due": "2022-02-09", "topic": CSC6},
    ],
    ballots=[{"id": "CSC-6", "note": "Subscriber Private Key Protection"}],
    next_meeting="2022-02-10",
    adjourned=True,
)

F2F55_FORM = _form(
    "F2F 55: Code Signing Certificate Working Group session",
    "2022-02-24",
    kind="face-to-face",
    f2f=55,
    location="Virtual",
    attendees=[a for a in ATTENDEES_SEED if a["name"] not in {"Andrea Holland"}],
    antitrust_statement={"read": True, "read_by": "Dean Coclin"},
    minutes_approvals=[{"meeting_date": "2022-01-27", "outcome": "approved", "note": None}],
    topics=[
        {
            "title": "Status and goals",
            "summary": [
                "Bruce presented 2021 accomplishments and the 2022 goals",
                "Signing services to be redefined before any ballot",
            ],
        },
        {"title": CSC6, "summary": ["Discussion period extended; voting expected in March"]},
    ],
    decisions=[{"text": "Adopt the 2022 goals as presented", "topic": "Status and goals"}],
    action_items=[
        {
            "owner": "Dean Coclin",
            "text": "Circulate a proposal for a signing service definition",
            "due": "2022-03-24",
            "topic": "Status and goals",
        },
    ],
    ballots=[{"id": "CSC-6", "note": "Discussion period extended"}],
    next_meeting="2022-03-10",
    adjourned=True,
)

MAR10_FORM = _form(
    "2022-03-10 Minutes of the Code Signing Certificate Working Group",
    "2022-03-10",
    attendees=[a for a in ATTENDEES_SEED if a["name"] not in {"Tim Crawford"}],
    antitrust_statement={"read": True, "read_by": "Bruce Morton"},
    minutes_approvals=[
        {"meeting_date": "2022-02-10", "outcome": "approved", "note": None},
        {"meeting_date": "2022-02-24", "outcome": "approved_with_changes", "note": "Attendee list corrected"},
    ],
    topics=[{"title": CSC6, "summary": ["Voting period to start after the discussion period ends"]}],
    action_items=[
        {"owner": "Corey Bonnell", "text": "Prepare the redline of the format changes", "due": "2022-03-24", "topic": None},
    ],
    ballots=[{"id": "CSC-6", "note": None}],
    next_meeting="2022-03-24",
    adjourned=True,
)

SCWG_FORM = _form(
    "2022-04-14 Minutes of the Server Certificate Working Group",
    "2022-04-14",
    chair=None,
    minute_taker=None,
    attendees=[
        {"name": "Dean Coclin", "organization": "DigiCert"},
        {"name": "Ben Wilson", "organization": "Mozilla"},
        {"name": "Ryan Dickson", "organization": "Google"},
        {"name": "Dimitris Zacharopoulos", "organization": "HARICA"},
    ],
    antitrust_statement={"read": True, "read_by": "Dimitris Zacharopoulos"},
    topics=[{"title": "Ballot updates", "summary": ["Status of ballots in discussion reviewed"]}],
    adjourned=True,
)

# (form, group slug, local start "HH:MM", time zone, minutes status, post body)
MEETINGS = [
    (JAN27_FORM, "cscwg", "11:00", "America/New_York", "final", ""),
    (SEED_FORM, "cscwg", "11:00", "America/New_York", "final", SEED_POST),
    (F2F55_FORM, "cscwg", "10:15", "America/Denver", "final", ""),
    (MAR10_FORM, "cscwg", "11:00", "America/New_York", "circulated", ""),
    (SCWG_FORM, "scwg", "11:00", "America/New_York", "final", ""),
]

F2F55_GOALS = [
    ("Subscriber key protection", "active"),
    ("Format changes", "active"),
    ("Signing services", "proposed"),
    ("High risk applicants", "proposed"),
    ("Open source verification projects", "proposed"),
    ("Code signing-related time-stamping", "proposed"),
]
