"""The ballot endpoints: reading, casting a vote and recording an endorsement through the services."""

from ballots.models import Ballot, Endorsement, Vote, VoteHistory
from minutes.models import Organization
from tests.api.conftest import client_for


def test_ballot_detail_shows_votes_and_the_computed_result(world):
    client = client_for("member", world["cast"])
    assert client.post("/api/ballots/CSC-30/votes/", {"choice": "yes"}, format="json").status_code == 201
    body = client_for("anonymous", world["cast"]).get("/api/ballots/CSC-30/").json()
    assert body["status"] == "voting"
    assert [(v["organization_name"], v["choice"]) for v in body["votes"]] == [("Example CA", "yes")]
    assert body["result"]["outcome"] == "pending"


def test_a_later_vote_replaces_the_earlier_one_and_both_are_in_the_history(world):
    client = client_for("member", world["cast"])
    client.post("/api/ballots/CSC-30/votes/", {"choice": "yes"}, format="json")
    response = client.post("/api/ballots/CSC-30/votes/", {"choice": "no"}, format="json")
    assert response.status_code == 201
    vote = Vote.objects.get(ballot=world["voting"])
    assert (vote.organization.name, vote.choice, vote.cast_by) == ("Example CA", "no", world["cast"]["member"].person)
    assert list(VoteHistory.objects.values_list("choice", "previous_choice")) == [("yes", ""), ("no", "yes")]


def test_a_chair_enters_another_organizations_vote(world):
    other = world["endorser"].organization
    response = client_for("chair", world["cast"]).post(
        "/api/ballots/CSC-30/votes/", {"choice": "abstain", "organization": other.pk}, format="json"
    )
    assert response.status_code == 201
    assert Vote.objects.get(organization=other).choice == "abstain"


def test_a_member_cannot_enter_another_organizations_vote(world):
    other = world["endorser"].organization
    response = client_for("member", world["cast"]).post(
        "/api/ballots/CSC-30/votes/", {"choice": "yes", "organization": other.pk}, format="json"
    )
    assert response.status_code == 403
    assert not Vote.objects.exists()


def test_a_vote_on_a_ballot_that_is_not_in_its_vote_is_a_400(world):
    response = client_for("member", world["cast"]).post("/api/ballots/CSC-31/votes/", {"choice": "yes"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": "Voting on CSC-31 is not open."}
    assert not Vote.objects.exists()


def test_a_non_voting_organization_cannot_vote(world):
    Organization.objects.filter(name="Example CA").update(member_class="interested_party")
    response = client_for("member", world["cast"]).post("/api/ballots/CSC-30/votes/", {"choice": "yes"}, format="json")
    assert response.status_code == 400
    assert "not a Certificate Issuer or Certificate Consumer" in response.json()["detail"]


def test_the_chair_records_an_endorsement(world):
    response = client_for("chair", world["cast"]).post(
        "/api/ballots/CSC-31/endorsements/", {"person": world["endorser"].pk}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["organization_name"] == "Other CA"
    assert Endorsement.objects.get(ballot=world["draft_ballot"]).person == world["endorser"]
    again = client_for("chair", world["cast"]).post("/api/ballots/CSC-31/endorsements/", {"person": world["endorser"].pk}, format="json")
    assert again.status_code == 400
    assert again.json() == {"detail": "Other CA has already endorsed CSC-31."}


def test_ballots_filter_by_status_and_group(world):
    client = client_for("anonymous", world["cast"])
    assert [b["identifier"] for b in client.get("/api/ballots/", {"status": "voting"}).json()["results"]] == ["CSC-30"]
    assert client.get("/api/ballots/", {"group": "scwg"}).json()["results"] == []


def test_identifiers_with_dots_and_spaces_are_addressable(world):
    Ballot.objects.create(identifier="Ballot 185", group=world["group"])
    Ballot.objects.create(identifier="SC-54.1", group=world["group"])
    client = client_for("anonymous", world["cast"])
    assert client.get("/api/ballots/Ballot%20185/").json()["identifier"] == "Ballot 185"
    assert client.get("/api/ballots/SC-54.1/").json()["identifier"] == "SC-54.1"
    assert client.get("/api/ballots/SC-54.1/ballot.json").json()["id"] == "SC-54.1"
