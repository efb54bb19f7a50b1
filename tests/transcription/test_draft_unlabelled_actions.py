"""Action items from speech without speaker labels (what Whisper gives for a recording): requests that
name their owner, the reply that accepts them, and actions said as the minutes would write them."""

import datetime as dt

import pytest

from transcription.draft import KnownPerson, build_form
from transcription.transcripts import Utterance

MEETING = dt.date(2024, 3, 14)  # a Thursday
GROUP = [
    KnownPerson("Helen Clark", "Example CA", chair=True),
    KnownPerson("Peter Brown", "Example CA"),
    KnownPerson("Maria Lopez", "Other CA"),
]
OPENING = ("Good morning everyone, this is the March call.", "The first topic is key protection.")


def unlabelled(*texts: str) -> list[Utterance]:
    return [Utterance(speaker=None, start=5.0 * n, end=5.0 * n + 4, text=text) for n, text in enumerate(texts)]


def actions(*texts: str, people=GROUP) -> list[tuple]:
    form = build_form(unlabelled(*OPENING, *texts), meeting_date=MEETING, people=people)
    return [(a["owner"], a["text"], a["due"], a["start_seconds"]) for a in form["action_items"]]


def test_a_request_and_the_reply_that_accepts_it_are_one_item_for_the_person_asked():
    assert actions(
        "Maria Lopez, can you take an action to send the new draft to the list by Friday?",
        "Yes, I will send it by Friday.",
        "Peter, please take an action to update the wiki page next week.",
        "Sure, I will do that.",
    ) == [
        ("Maria Lopez", "Send the new draft to the list by Friday", "2024-03-15", 10.0),
        ("Peter Brown", "Update the wiki page next week", None, 20.0),
    ]


def test_the_request_and_its_answer_can_share_one_segment():
    # Whisper's segments do not follow turns: the question and its answer often come as one.
    assert actions("Maria, could you review the audit section before Monday? Yes, I can review it.") == [
        ("Maria Lopez", "Review the audit section before Monday", "2024-03-18", 10.0),
    ]


def test_a_bare_yes_hands_the_request_to_the_commitment_that_follows_it():
    # A vague request, a bare yes, then the task in the addressee's own words: one item, theirs, in their words.
    assert actions(
        "Bruce Morton, I was hoping you could take on putting together the slides.",
        "Yeah, I can do that.",
        "I'll go back through last year's ballots and put together slides for status and goals before the F2F on the 24th.",
        people=[*GROUP, KnownPerson("Bruce Morton", "Entrust")],
    ) == [
        (
            "Bruce Morton",
            "Go back through last year's ballots and put together slides for status and goals before the F2F on the 24th",
            "2024-03-24",
            10.0,
        ),
    ]


def test_an_action_taken_on_needs_no_reply_but_a_refusal_drops_it():
    assert actions("Peter Brown, please take an action to update the wiki page.", "Thank you all, the meeting is adjourned.") == [
        ("Peter Brown", "Update the wiki page", None, 10.0),
    ]
    assert actions("Peter Brown, please take an action to update the wiki page.", "Sorry, I cannot do that this month.") == []


def test_a_plain_request_without_an_answer_is_not_an_action():
    assert actions("Maria, can you hear me?", "Maria, could you say more about the audit section.", "The audit section is long.") == []


@pytest.mark.parametrize(
    "said",
    [
        "Action item for Helen Clark: ask the other group about the glossary by Monday.",
        "Action item for Helen Clark, ask the other group about the glossary by Monday.",
        "Okay, an action for Helen to ask the other group about the glossary by Monday.",
        "Action: Helen Clark to ask the other group about the glossary by Monday.",
        "So Helen has an action to ask the other group about the glossary by Monday.",
        "And one more action item for Helen Clark, to ask the other group about the glossary by Monday.",
        "Next action is for Helen Clark: ask the other group about the glossary by Monday.",
    ],
)
def test_an_action_said_with_its_owner(said):
    assert actions(said) == [("Helen Clark", "Ask the other group about the glossary by Monday", "2024-03-18", 10.0)]


def test_the_task_may_follow_the_owner_in_the_next_sentence():
    assert actions("Action item for Peter Brown.", "Update the wiki page on key protection next week.") == [
        ("Peter Brown", "Update the wiki page on key protection next week", None, 10.0),
    ]


def test_actions_for_no_one_in_particular_or_for_a_day_are_not_assigned():
    assert actions("The action items for this week are on the wiki.", "Action item for Friday: check the wiki.") == []


def test_an_unanswered_commitment_still_has_no_owner_and_taking_an_action_is_a_commitment():
    assert actions("I'll take an action to circulate the revised profiles text to the list.") == [
        (None, "Circulate the revised profiles text to the list", None, 10.0),
    ]


def test_with_speaker_labels_the_addressee_must_not_decline_a_taken_action():
    form = build_form(
        [
            Utterance(speaker="Helen Clark", start=0.0, end=4.0, text="The first topic is key protection."),
            Utterance(speaker="Helen Clark", start=5.0, end=9.0, text="Peter, can you take an action to update the wiki page?"),
            Utterance(speaker="Peter Brown", start=10.0, end=14.0, text="No, I am away until June."),
            Utterance(speaker="Helen Clark", start=15.0, end=19.0, text="Maria, can you take an action to draft the glossary?"),
            Utterance(speaker="Helen Clark", start=20.0, end=24.0, text="Let's move on."),
        ],
        meeting_date=MEETING,
        people=GROUP,
    )
    assert [(a["owner"], a["text"]) for a in form["action_items"]] == [("Maria Lopez", "Draft the glossary")]


def test_a_known_name_misspelt_by_speech_to_text_still_finds_its_owner():
    assert actions("Marie Lopez, can you take an action to send the new draft to the list?", "Yes.")[0][0] == "Maria Lopez"
    # ... but only a close spelling of one known person: another name stays as said.
    assert actions("Mario Lopes, can you take an action to send the new draft to the list?", "Yes.")[0][0] == "Mario Lopes"
