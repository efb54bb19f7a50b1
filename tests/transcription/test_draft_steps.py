"""Each step of the draft builder on a few lines of transcript."""

import datetime as dt

from transcription.draft import KnownPerson, build_form
from transcription.draft.cues import make_cues, shorten, tidy
from transcription.draft.people import build_roster, normalise_speakers
from transcription.draft.phases import find_chair, segment
from transcription.transcripts import Utterance

MEETING = dt.date(2024, 3, 14)  # a Thursday


def say(*lines: str) -> list[Utterance]:
    out = []
    for n, line in enumerate(lines):
        speaker, _, text = line.partition(": ")
        out.append(Utterance(speaker=speaker or None, start=10.0 * n, end=10.0 * n + 8, text=text))
    return out


OPENING = (
    "Dean Coclin: Okay, let's get started. Roll call, please say your name and company.",
    "Bruce Morton: Bruce Morton, Entrust.",
    "Corey Bonnell: Hi, this is Corey Bonnell from DigiCert.",
    "Dean Coclin: And on the participant list I also have Janet Hines, VikingCloud. And myself, Dean Coclin, DigiCert.",
)


def form_of(*lines, **options):
    return build_form(say(*lines), meeting_date=MEETING, **options)


def test_cues_join_a_sentence_split_over_two_cues_and_write_numbers():
    cues = make_cues(say("Dean Coclin: goals are key protection,", "Dean Coclin: and CSC twenty-five.", "Ian McMillan: Yes."))
    assert [(c.speaker, c.start, c.text) for c in cues] == [
        ("Dean Coclin", 0.0, "goals are key protection, and CSC-25."),
        ("Ian McMillan", 20.0, "Yes."),
    ]


def test_tidy_drops_filler_and_false_starts_and_shorten_keeps_a_whole_clause():
    assert tidy("Okay, so, um, the the ballot is, uh, you know, final.") == "The ballot is, final"
    long = "We spent most of the call going over changes to the profiles ballot, because there were many comments on it from members"
    assert shorten(long, 14) == "We spent most of the call going over changes to the profiles ballot"


def test_speaker_labels_are_normalised_to_known_people():
    known = [
        KnownPerson("Iñigo Barreira", "Sectigo"),
        KnownPerson("Dimitris Zacharopoulos", "HARICA"),
        KnownPerson("Inaba Atsushi", "GlobalSign"),
    ]
    cues = make_cues(say("Inigo Barreira: Hi.", "Dimitri Zacharopolous: Hello.", "Atsushi Inaba: Good morning.", "Someone New: Hi all."))
    normalise_speakers(cues, known)
    assert [c.speaker for c in cues] == ["Iñigo Barreira", "Dimitris Zacharopoulos", "Inaba Atsushi", "Someone New"]


def test_attendees_come_from_speakers_introductions_and_the_roll_call_but_not_from_mentions():
    form = form_of(
        *OPENING,
        "Dean Coclin: Next item is the signing service ballot. Tim Hollebeek couldn't make it today but sent comments.",
        "Bruce Morton: Tim Hollebeek's comments look fine to me, I support the ballot as it stands now.",
    )
    assert form["attendees"] == [
        {"name": "Dean Coclin", "organization": "DigiCert"},
        {"name": "Bruce Morton", "organization": "Entrust"},
        {"name": "Corey Bonnell", "organization": "DigiCert"},
        {"name": "Janet Hines", "organization": "VikingCloud"},
    ]


def test_known_people_give_organizations_nobody_said():
    form = form_of("Dean Coclin: Hello everyone.", "Ian McMillan: Hi Dean.", people=[KnownPerson("Ian McMillan", "Microsoft")])
    assert {"name": "Ian McMillan", "organization": "Microsoft"} in form["attendees"]
    assert form["attendees"][0] == {"name": "Dean Coclin", "organization": None}


def test_the_chair_is_who_moves_the_agenda_on_and_items_are_segmented():
    cues = make_cues(
        say(
            "Bruce Morton: Dean can't make it, so I'll be running the call.",
            "Bruce Morton: Next, the antitrust statement. We don't discuss pricing; consult your counsel.",
            "Bruce Morton: Okay, approval of prior meeting minutes. Any comments?",
            "Ian McMillan: None.",
            "Bruce Morton: Next is ballot CSC twenty-one, the signing service ballot. Ian?",
            "Ian McMillan: We could use the STAR certification as the audit scheme instead.",
            "Bruce Morton: Alright, other business. Anyone?",
        )
    )
    chair = find_chair(cues, [])
    assert chair == "Bruce Morton"
    segments = segment(cues, chair)
    assert [(s.kind, s.title) for s in segments] == [
        ("opening", "Opening"),
        ("antitrust", "Antitrust statement"),
        ("approvals", "Approval of prior meeting minutes"),
        ("topic", "Ballot CSC-21, the signing service ballot"),
        ("other_business", "Other business"),
    ]
    assert segments[3].lead == "Ian"


def test_minute_taker_antitrust_reader_approval_next_meeting_and_close():
    form = form_of(
        *OPENING,
        "Dean Coclin: Corey, are you okay taking the minutes today?",
        "Corey Bonnell: Sure, I'll take them.",
        "Dean Coclin: Bruce, could you read the antitrust statement?",
        "Bruce Morton: We don't discuss pricing or allocate markets, and consult your own counsel.",
        "Dean Coclin: Next, approval of the minutes from February twenty-ninth. Any comments? Hearing none, the minutes are approved.",
        "Dean Coclin: Okay, our next meeting is March twenty-eighth. The meeting is adjourned.",
    )
    assert form["minute_taker"] == "Corey Bonnell"
    assert form["antitrust_statement"] == {"read": True, "read_by": "Bruce Morton"}
    assert form["minutes_approvals"] == [{"meeting_date": "2024-02-29", "outcome": "approved", "note": None}]
    assert form["decisions"][0]["text"] == "Minutes of the February 29, 2024 meeting approved"
    assert form["next_meeting"] == "2024-03-28"
    assert form["adjourned"] is True


def test_deferred_approval():
    form = form_of(
        "Dean Coclin: Next item, minutes from March seventh. Any comments?",
        "Dimitris Zacharopoulos: I need more time to review them.",
        "Dean Coclin: Okay, let's defer approval of the March seventh minutes to the next meeting.",
    )
    assert form["minutes_approvals"] == [{"meeting_date": "2024-03-07", "outcome": "deferred", "note": None}]


def test_decisions_from_calls_for_objections_and_endorsements_with_evidence_times():
    form = form_of(
        *OPENING,
        "Dean Coclin: Next item is CSC six, the key protection ballot. Ian?",
        "Ian McMillan: I'd suggest we use something broader, like crypto library, instead of CSP.",
        "Bruce Morton: I support that.",
        "Dean Coclin: Any objection to crypto library? Hearing none, we'll go with crypto library.",
        "Bruce Morton: Yeah, I'll endorse it.",
        "Dean Coclin: Next item is the F2F agenda. I propose that we cancel the April fourth meeting. Any objections?",
        "Corey Bonnell: No, makes sense.",
        "Dean Coclin: Okay, so the April fourth meeting is cancelled.",
    )
    assert [(d["text"], d["start_seconds"], d["topic"]) for d in form["decisions"]] == [
        ("Use something broader, like crypto library, instead of CSP", 70.0, "CSC-6, the key protection ballot"),
        ("Bruce Morton endorses CSC-6", 80.0, "CSC-6, the key protection ballot"),
        # A one-line item is not a topic of its own, so the decision stands alone.
        ("The April 4th meeting is cancelled", 110.0, None),
    ]
    assert form["ballots"] == [{"id": "CSC-6", "note": "Key protection ballot"}]


def test_no_decision_from_agenda_review_or_questions():
    form = form_of(
        "Dean Coclin: Next, review of the agenda. Any changes? Hearing none, the agenda is accepted.",
        "Dean Coclin: Next item is the profiles ballot. Is everybody okay with waiting a week?",
        "Corey Bonnell: Can we talk about it next week instead, when more people are here to discuss it?",
    )
    assert form["decisions"] == []


def test_action_items_have_owners_due_dates_and_evidence():
    form = form_of(
        *OPENING,
        "Dean Coclin: Next item is the validation subcommittee update. Corey?",
        "Corey Bonnell: The minutes from that call, I'll get them out by Friday.",
        "Dean Coclin: And Bruce will send the slides to the list next Thursday.",
        "Dean Coclin: Janet, can you take an action to review the audit section?",
        "Janet Hines: Yes, will do.",
        "Bruce Morton: If I drop off, I will come back.",
        "Corey Bonnell: I'll check again.",
    )
    assert [(a["owner"], a["text"], a["due"], a["start_seconds"]) for a in form["action_items"]] == [
        ("Corey Bonnell", "Get the minutes from that call out by Friday", "2024-03-15", 50.0),
        ("Bruce Morton", "Send the slides to the list next Thursday", "2024-03-21", 60.0),
        ("Janet Hines", "Review the audit section", None, 70.0),
    ]
    assert all(a["topic"] == "Validation subcommittee update" for a in form["action_items"])


def test_joint_and_reported_commitments():
    form = form_of(
        *OPENING,
        "Dean Coclin: Next item is the CSC twenty-one ballot.",
        "Bruce Morton: Okay, so Corey and I will work on an update to the ballot.",
        "Dean Coclin: I got an email from Ian. He says he'll have a proposal before April first.",
    )
    assert [(a["owner"], a["text"], a["due"]) for a in form["action_items"]] == [
        ("Bruce Morton", "Work on an update to the CSC-21 ballot (with Corey)", None),
        ("Corey Bonnell", "Work on an update to the CSC-21 ballot (with Bruce)", None),
        ("Ian", "Have a proposal before April 1st", "2024-04-01"),
    ]


def test_topics_are_short_and_skip_small_talk():
    chatter = [
        "Dean Coclin: Can you hear me okay? I'm on a new headset today and the audio seems bad.",
        "Bruce Morton: The weather here is terrible, snow all week long again.",
    ]
    body = [
        "Dean Coclin: Next item is the timestamping clean-up ballot. Bruce?",
        "Bruce Morton: The timestamping section has several definitions that do not line up with the rest of the document.",
        "Bruce Morton: The offline requirement for the timestamping CA is read two different ways by auditors.",
        "Ian McMillan: Microsoft would support a comprehensive timestamping clean-up ballot rather than piecemeal fixes.",
        "Bruce Morton: Yeah.",
    ]
    form = form_of(*OPENING, *chatter, *body)
    assert [t["title"] for t in form["topics"]] == ["Timestamping clean-up ballot"]
    points = form["topics"][0]["summary"]
    assert 1 <= len(points) <= 4
    assert not any("weather" in p or "headset" in p for p in points)
    assert all(len(p.split()) <= 19 for p in points)


def test_roster_keeps_absent_people_out_of_attendees_but_can_name_them():
    cues = make_cues(say(*OPENING, "Dean Coclin: Tim Hollebeek sent comments by email."))
    segment(cues, "Dean Coclin")
    roster = build_roster(cues, [])
    assert "Tim Hollebeek" not in roster.attendees
    assert roster.canonical("Tim", everyone=True) == "Tim Hollebeek"
    assert roster.canonical("Bruce") == "Bruce Morton"


def test_empty_transcript_gives_an_empty_form():
    form = build_form([], meeting_date=MEETING, working_group="Code Signing Certificate Working Group")
    assert form["attendees"] == [] and form["topics"] == [] and form["chair"] is None
    assert form["meeting"]["title"] == "2024-03-14 Minutes of the Code Signing Certificate Working Group"


def test_without_speaker_labels_a_commitment_keeps_no_owner_but_a_named_one_does():
    form = form_of(
        ": Next item is the profiles ballot.",
        ": I'll circulate the revised profiles text to the list by Friday.",
        ": And Corey Bonnell will send the test vectors next Thursday.",
    )
    assert [(a["owner"], a["text"], a["due"]) for a in form["action_items"]] == [
        (None, "Circulate the revised profiles text to the list by Friday", "2024-03-15"),
        ("Corey Bonnell", "Send the test vectors next Thursday", "2024-03-21"),
    ]
