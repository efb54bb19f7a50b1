import datetime as dt

import pytest

from transcription.draft.spoken import ballot_ids, find_date, normalise_numbers, write_ballot_ids

THURSDAY = dt.date(2022, 2, 10)


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ("CSC twenty-five is in voting", "CSC 25 is in voting"),
        ("the January twenty-seventh call", "the January 27th call"),
        ("November fifteenth, twenty twenty-two", "November 15th, 2022"),
        ("before the first of February", "before the 1st of February"),
        ("version two point eight", "version 2.8"),
        ("section sixteen point three point two", "section 16.3.2"),
        ("one hundred and five people, ninety days", "105 people, 90 days"),
        ("ten fifteen AM Mountain time", "10:15 AM Mountain time"),
        ("RFC thirty-six forty-seven", "RFC 3647"),
        ("one more endorser and two weeks", "one more endorser and two weeks"),
        ("the second is the onion cleanup", "the second is the onion cleanup"),
    ],
)
def test_spoken_numbers_become_digits_where_a_reader_expects_them(said, written):
    assert normalise_numbers(said) == written


@pytest.mark.parametrize(
    ("said", "ids"),
    [
        ("CSC twenty-five", ["CSC-25"]),
        ("ballot SC fifty-four and SC-51", ["SC-54", "SC-51"]),
        ("SMC three and NS one", ["SMC-03", "NS-001"]),
        ("Forum ballot FORUM eighteen", ["FORUM-18"]),
        ("Ballot 45 passed", ["Ballot 45"]),
        ("the sc prefix and CSCWG alone", []),
        ("version 2.8 of the doc", []),
    ],
)
def test_spoken_ballot_ids(said, ids):
    assert [b for b, _ in ballot_ids(normalise_numbers(said))] == ids


def test_ballot_ids_are_written_with_a_hyphen():
    assert write_ballot_ids(normalise_numbers("so CSC twenty-one is on hold")) == "so CSC-21 is on hold"


@pytest.mark.parametrize(
    ("said", "future", "day"),
    [
        ("by Friday", True, dt.date(2022, 2, 11)),
        ("next Thursday", True, dt.date(2022, 2, 17)),
        ("by the end of this week", True, dt.date(2022, 2, 11)),
        ("before the F2F on the twenty-fourth", True, dt.date(2022, 2, 24)),
        ("January ninth", True, dt.date(2023, 1, 9)),
        ("January ninth", False, dt.date(2022, 1, 9)),
        ("the minutes of January twenty-seventh", False, dt.date(2022, 1, 27)),
        ("December twelfth, twenty twenty-four", False, dt.date(2024, 12, 12)),
        ("fifteenth June twenty twenty-five", True, dt.date(2025, 6, 15)),
        ("by the end of March", True, dt.date(2022, 3, 31)),
        ("in two weeks", True, dt.date(2022, 2, 24)),
    ],
)
def test_dates_are_resolved_against_the_meeting_date(said, future, day):
    found = find_date(normalise_numbers(said), THURSDAY, future=future)
    assert found is not None and found[0] == day


def test_no_date_without_one_said_or_without_an_anchor_for_relative_words():
    assert find_date("we will do it soon", THURSDAY) is None
    assert find_date("by Friday", None) is None
    assert find_date("on 2024-05-02", None)[0] == dt.date(2024, 5, 2)
