"""The "status and goals" deck of a group's F2F session, as HTML, Markdown and PDF."""

import datetime as dt
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from weasyprint import HTML

from ballots import services
from ballots.models import Ballot, F2FMeeting, Goal

from .factories import at, make_members


@pytest.fixture
def f2f55(group):
    members = make_members(group)
    proposer = members["consumer_m"][1]
    f54 = F2FMeeting.objects.create(number=54, title="F2F 54", starts_on=dt.date(2021, 10, 5), ends_on=dt.date(2021, 10, 7))
    f55 = F2FMeeting.objects.create(
        number=55, title="F2F 55 (virtual)", starts_on=dt.date(2022, 2, 22), ends_on=dt.date(2022, 2, 24), location="Virtual"
    )
    csc6 = Ballot.objects.create(identifier="CSC-6", group=group, title="Subscriber Private Key Protection", status="discussion",
                                 proposer=proposer)
    Ballot.objects.create(identifier="CSC-5", group=group, title="Timestamp clarifications", status="passed",
                          closed_at=at("2021-12-01"), effective_date=dt.date(2022, 1, 15))
    Ballot.objects.create(identifier="CSC-3", group=group, title="Before F2F 54", status="passed", closed_at=at("2021-06-01"))
    Goal.objects.create(group=group, f2f=f54, title="Merge EV and non-EV", status="done")
    key = Goal.objects.create(group=group, f2f=f55, title="Subscriber key protection", status="active", owner=proposer)
    key.ballots.add(csc6)
    Goal.objects.create(group=group, f2f=f55, title="Time-stamping", status="proposed")
    Goal.objects.create(group=group, f2f=f55, title="Dropped idea", status="dropped")
    return f55


def deck_url(group, fmt, number=55):
    return reverse("ballots:f2f_deck", args=[number, group.slug, fmt])


def test_deck_selects_accomplishments_goals_and_ballots_in_flight(group, f2f55):
    deck = services.f2f_deck(f2f=f2f55, group=group)
    assert [b.identifier for b in deck["ballots_passed"]] == ["CSC-5"]  # since F2F 54 only
    assert [g.title for g in deck["goals_done"]] == ["Merge EV and non-EV"]
    assert [g.title for g in deck["goals_ahead"]] == ["Subscriber key protection", "Time-stamping"]
    assert [b.identifier for b in deck["ballots_in_flight"]] == ["CSC-6"]


def test_html_deck_is_self_contained_and_lists_csc6(client, group, f2f55):
    response = client.get(deck_url(group, "html"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('<section class="slide') == 4
    assert "<strong>CSC-6</strong>: Subscriber Private Key Protection" in body
    assert "Subscriber key protection" in body and "(CSC-6)" in body
    assert "<strong>CSC-5</strong>: Timestamp clarifications" in body and "effective 2022-01-15" in body
    assert "Accomplishments since F2F 54" in body
    assert "Dropped idea" not in body
    assert not re.search(r'<(link|script)\b|src="http', body)  # nothing fetched from elsewhere


def test_markdown_deck(client, group, f2f55):
    response = client.get(deck_url(group, "md"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/markdown")
    text = response.content.decode()
    assert "## Ballots in flight\n\n- **CSC-6**: Subscriber Private Key Protection (Discussion)" in text
    assert "- **Subscriber key protection** (Active, Consumer M Rep): CSC-6" in text
    assert "&" not in text.replace("&amp;", "")  # not HTML-escaped


def test_pdf_deck_has_a_page_per_slide(client, group, f2f55):
    response = client.get(deck_url(group, "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    html = render_to_string("ballots/deck.html", {**services.f2f_deck(f2f=f2f55, group=group), "for_pdf": True})
    assert len(HTML(string=html).render().pages) == 4


def test_unknown_deck_format_is_404(client, group, f2f55):
    assert client.get(deck_url(group, "pptx")).status_code == 404


def test_demo_f2f55_deck_lists_csc6(client, demo):
    from minutes.models import WorkingGroup

    group = WorkingGroup.objects.get(slug="cscwg")
    html = client.get(deck_url(group, "html")).content.decode()
    assert "<strong>CSC-6</strong>: Subscriber Private Key Protection" in html
    for goal in ["Subscriber key protection", "Signing services", "Format changes"]:
        assert goal in html
    pdf = client.get(deck_url(group, "pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_demo_versions_of_csc6_show_a_diff_and_export(client, demo):
    import io
    import json

    from django.core.management import call_command

    from ballots import demo as ballots_demo

    assert ballots_demo.load() == 0  # load_demo added both versions already, once
    assert Ballot.objects.get(identifier="CSC-6").versions.count() == 2
    body = client.get(reverse("ballots:detail", args=["CSC-6"])).content.decode()
    assert "Changes from v1 to v2" in body
    out = io.StringIO()
    call_command("export_ballot", "CSC-6", "--format", "json", "--version", "v2", stdout=out)
    form = json.loads(out.getvalue())
    assert (form["version"], form["proposer"]["name"], len(form["endorsers"])) == ("v2", "Ian McMillan", 2)
    assert Ballot.objects.get(identifier="CSC-6").status == "discussion"
    services.ballots_tick()
    assert Ballot.objects.get(identifier="CSC-6").status == "discussion"  # the demo is not on the clock
