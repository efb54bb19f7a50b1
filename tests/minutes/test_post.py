"""Publishing minutes as Forum website posts: imported posts as they were, other minutes in the group's
house style, and every post read back into the same records."""

import datetime as dt
import io
import re
from pathlib import Path

import frontmatter
import pytest
from django.core.management import call_command

from minutes import matching
from minutes.archive import body_parse, forms_match, post_parse
from minutes.management.commands.export_minutes import meeting_post
from minutes.models import Meeting, Minutes, TopicPoint, WorkingGroup
from minutes.post import BodyStyle, form_to_markdown_body
from minutes.services import meeting_save_form, meeting_with_records, minutes_to_form

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
CORPUS = SHARED / "corpus" / "cabforum" / "minutes"
POSTS = sorted(p for p in CORPUS.glob("*") if p.suffix in ("", ".md")) if CORPUS.is_dir() else []
needs_shared = pytest.mark.skipif(not POSTS, reason="../shared (corpus) is not beside the checkout")


def import_paths(*paths) -> str:
    out = io.StringIO()
    call_command("import_minutes", *map(str, paths), stdout=out, stderr=io.StringIO())
    return out.getvalue()


@needs_shared
@pytest.mark.parametrize("path", POSTS, ids=[p.name[:40] for p in POSTS])
def test_house_style_reads_back_into_the_same_form(path):
    archived = post_parse(path.read_bytes())
    body = form_to_markdown_body(archived.form)
    tags = [str(t) for t in archived.metadata.get("tags") or []]
    again, _ = body_parse(body, title=archived.form["meeting"]["title"], tags=tags, posted=archived.posted, group=archived.group)
    assert forms_match(archived.form, again)


@needs_shared
def test_every_corpus_post_round_trips_import_export_import(db, tmp_path):
    assert "Meetings: 60 created" in import_paths(CORPUS)
    before = {m.pk: minutes_to_form(m) for m in meeting_with_records()}
    exported = tmp_path / "exported"
    exported.mkdir()
    with matching.directory_scope():
        for meeting in meeting_with_records():
            (exported / f"{meeting.pk}.md").write_text(meeting_post(meeting), encoding="utf-8")
    out = import_paths(exported)
    assert "Meetings: 0 created, 0 updated, 60 unchanged." in out
    assert {m.pk: minutes_to_form(m) for m in meeting_with_records()} == before


@needs_shared
def test_an_imported_post_is_published_as_it_was(db):
    source = CORPUS / "2023-01-03-2023-01-03-minutes-of-netsec-wg-meeting.md"
    import_paths(source)
    published = frontmatter.loads(meeting_post(meeting_with_records().get()))
    original = frontmatter.loads(source.read_text(encoding="utf-8"))
    assert published.content.strip() == original.content.strip()
    for key in ("title", "author", "date", "tags", "type"):
        assert published[key] == original[key], key


@needs_shared
def test_edited_records_are_published_in_house_style_and_read_back(db, tmp_path):
    import_paths(CORPUS / "2022-03-24-2022-03-24-minutes-of-the-code-signing-certificate-working-group.md")
    meeting = meeting_with_records().get()
    TopicPoint.objects.create(topic=meeting.topics.first(), order=99, text="Added in the app after the import.")
    meeting = meeting_with_records().get()
    expected = minutes_to_form(meeting)
    text = meeting_post(meeting)
    post = frontmatter.loads(text)
    assert list(post.metadata) == ["title", "date", "author", "tags"]
    assert "- Added in the app after the import." in post.content
    # The group's house style comes from its posts: "Name (Org)".
    assert "Atsushi Inaba (GlobalSign)" in post.content

    Meeting.objects.all().delete()
    path = tmp_path / "edited.md"
    path.write_text(text, encoding="utf-8")
    import_paths(path)
    assert forms_match(expected, minutes_to_form(meeting_with_records().get()))


def test_minutes_written_in_the_app_follow_the_house_style_of_the_groups_posts(db, tmp_path):
    post = tmp_path / "post.md"
    post.write_text(
        "---\ntitle: 2024-01-11 Minutes of the Code Signing Certificate Working Group\nauthor: Ann\ndate: 2024-01-12\n---\n\n"
        "# Attendees\n\n* Bruce Morton - (Entrust)\n* Dean Coclin - (DigiCert)\n\n# Minutes\n\n## Ballots\n\n* CSC-21 is in voting.\n",
        encoding="utf-8",
    )
    import_paths(post)
    group = WorkingGroup.objects.get(slug="cscwg")
    form = {
        "meeting": {"title": "2024-01-25 Minutes of the CSCWG", "date": "2024-01-25"},
        "attendees": [{"name": "Bruce Morton", "organization": "Entrust"}],
        "topics": [{"title": "Ballots", "summary": ["CSC-22 is in discussion."]}],
    }
    meeting = meeting_save_form(
        group=group, form=form, starts_at=dt.datetime(2024, 1, 25, 16, tzinfo=dt.UTC), minutes_status=Minutes.Status.FINAL
    )
    content = frontmatter.loads(meeting_post(meeting_with_records().get(pk=meeting.pk))).content
    assert "# Attendees\n\n* Bruce Morton - (Entrust)" in content
    assert "## Ballots\n\n* CSC-22 is in discussion." in content


def test_house_style_escapes_markdown_in_text():
    form = {
        "meeting": {"title": "t", "date": "2024-01-25"},
        "attendees": [{"name": "Ann Smith", "organization": "TrustAsia Technologies, Inc."}],
        "topics": [{"title": "Ballots", "summary": ["1. not a list", "*stars* and _underscores_"]}],
    }
    body = form_to_markdown_body(form, style=BodyStyle())
    again, _ = body_parse(body, title="2024-01-25 Minutes of the Code Signing Certificate Working Group")
    assert again["attendees"] == [{"name": "Ann Smith", "organization": "TrustAsia Technologies, Inc."}]
    assert again["topics"][0]["summary"] == ["1. not a list", "*stars* and _underscores_"]


def test_publish_writes_the_public_post_into_the_website_repository(client, cast, final_meeting, settings, tmp_path):
    from django.urls import reverse

    from minutes.models import Topic

    settings.PUBLISH_REPO_DIR = str(tmp_path)
    Topic.objects.create(meeting=final_meeting, title="Open topic")
    Topic.objects.create(meeting=final_meeting, title="Secret topic", is_private=True)
    client.force_login(cast["member"])
    assert client.post(reverse("minutes:minutes_publish", args=[final_meeting.pk])).status_code == 403
    client.force_login(cast["chair"])
    assert client.post(reverse("minutes:minutes_publish", args=[final_meeting.pk])).status_code == 302
    written = list((tmp_path / "content" / "posts" / "2023").glob("*.md"))
    assert [p.name for p in written] == ["2023-12-14-meeting-of-cscwg.md"]
    text = written[0].read_text()
    assert text.startswith("---\ntitle:") and "Open topic" in text and "Secret topic" not in text
    client.logout()
    download = client.get(reverse("minutes:minutes_post", args=[final_meeting.pk]))
    assert download.status_code == 200 and download.content.decode() == text


def test_drafts_are_not_published(client, cast, draft_meeting, settings, tmp_path):
    from django.urls import reverse

    settings.PUBLISH_REPO_DIR = str(tmp_path)
    client.force_login(cast["chair"])
    client.post(reverse("minutes:minutes_publish", args=[draft_meeting.pk]))
    assert not list(tmp_path.rglob("*.md"))
    assert client.get(reverse("minutes:minutes_post", args=[draft_meeting.pk])).status_code == 404


def _normalised(text: str) -> str:
    text = text.replace("\r\n", "\n").strip()
    return re.sub(r"\n{3,}", "\n\n", text)


@pytest.mark.skipif(not POSTS, reason="../shared corpus not beside the checkout")
def test_an_imported_post_is_published_back_as_it_was(db):
    """Same front matter (keys, order, values), same body: a reader cannot tell the two apart."""
    call_command("import_minutes", *map(str, POSTS), stdout=io.StringIO())
    for path in POSTS:
        original = path.read_text(encoding="utf-8-sig")
        title = " ".join(str(frontmatter.loads(original)["title"]).split())
        meeting = meeting_with_records().get(pk=Meeting.objects.filter(title=title).values_list("pk", flat=True)[0])
        assert _normalised(meeting_post(meeting)) == _normalised(original), path.name
