"""minutes.matching and the resolve services: same names merge, similar names are reported, not merged."""

import pytest

from minutes import matching
from minutes.models import Organization, Person
from minutes.services import organization_resolve, person_resolve


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("Iñigo Barreira", "Inigo  Barreira", True),
        ("DEAN COCLIN", "Dean Coclin", True),
        ("Inigo Barriera", "Inigo Barreira", False),
        ("Inaba Atsushi", "Atsushi Inaba", False),
    ],
)
def test_people_are_the_same_only_when_equal_once_case_accents_and_spacing_are_set_aside(a, b, same):
    index = matching.people_index()
    index.add(b, "payload")
    assert (index.same(a) == ["payload"]) is same


@pytest.mark.parametrize(
    "a, b, alike",
    [
        ("Inigo Barriera", "Inigo Barreira", True),
        ("Inaba Atsushi", "Atsushi Inaba", True),
        ("Martijn Katerbard", "Martijn Katerbarg", True),
        ("Ben Wilson", "Clint Wilson", False),
        ("Tim Hollebeek", "Tim Crawford", False),
    ],
)
def test_similar_names_are_reported_as_alike(a, b, alike):
    index = matching.people_index()
    index.add(b, "payload")
    assert bool(index.alike(a)) is alike


@pytest.mark.parametrize("a, b", [("Globalsign", "GlobalSign"), ("Google, Inc.", "Google"), ("Vigil Security LLC", "Vigil Security, LLC")])
def test_organizations_compare_without_case_punctuation_and_legal_suffixes(a, b):
    index = matching.organizations_index()
    index.add(b, "payload")
    assert index.same(a) == ["payload"]


def test_organization_resolve_merges_spellings_and_aliases(db):
    globalsign = Organization.objects.create(name="GlobalSign", aliases=["GMO GlobalSign"])
    assert organization_resolve("Globalsign") == globalsign
    assert organization_resolve("gmo globalsign") == globalsign
    assert Organization.objects.count() == 1


def test_person_resolve_reports_an_uncertain_match_and_keeps_the_people_apart(db):
    known = Person.objects.create(full_name="Inigo Barreira")
    with matching.directory_scope() as directory:
        found = person_resolve("Inigo Barriera")
        same = person_resolve("Iñigo Barreira")
    assert found != known and found.full_name == "Inigo Barriera"
    assert same == known
    assert [(u.name, u.candidate) for u in directory.uncertain] == [("Inigo Barriera", "Inigo Barreira")]
    assert directory.people_created == 1
    assert Person.objects.count() == 2


def test_person_resolve_uses_known_aliases_and_fills_a_missing_organization(db):
    tim = Person.objects.create(full_name="Tim Hollebeek", aliases=["Tim H"])
    digicert = Organization.objects.create(name="DigiCert")
    assert person_resolve("tim h", organization=digicert) == tim
    tim.refresh_from_db()
    assert tim.organization == digicert


def test_person_resolve_reads_a_short_form_among_candidates_and_a_shared_name_as_its_first_person(db):
    dean = Person.objects.create(full_name="Dean Coclin")
    brianca = Person.objects.create(full_name="Brianca Martin")
    assert person_resolve("Dean", candidates=[dean, brianca]) == dean
    assert person_resolve("Brianca Martin/Roberto Quinones") == brianca
    assert person_resolve("Nobody Known", create=False) is None
