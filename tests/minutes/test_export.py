"""export_minutes: the schema's JSON and the Forum's post format."""

import importlib.util
import io
import json
from pathlib import Path

import frontmatter
import jsonschema
import pytest
from django.core.management import CommandError, call_command

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared (schemas and eval) is not beside the checkout")


def export(*args: str) -> str:
    out = io.StringIO()
    call_command("export_minutes", *args, stdout=out)
    return out.getvalue()


def load_scorer():
    spec = importlib.util.spec_from_file_location("score_minutes", SHARED / "eval" / "score_minutes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@needs_shared
def test_json_export_validates_against_the_schema(demo):
    schema = json.loads((SHARED / "schemas" / "minutes.schema.json").read_text())
    form = json.loads(export("--group", "cscwg", "--date", "2022-02-10", "--format", "json"))
    jsonschema.validate(form, schema, format_checker=jsonschema.FormatChecker())
    assert form["meeting"]["date"] == "2022-02-10"


@needs_shared
def test_seed_export_scores_at_least_095_against_the_reference(demo):
    scorer = load_scorer()
    gold = json.loads((SHARED / "eval" / "seed" / "000_43b92a7b2a8b2b4d.json").read_text())
    pred = json.loads(export("--group", "cscwg", "--date", "2022-02-10", "--format", "json"))
    assert scorer.score(gold, pred)["overall"] >= 0.95


def test_markdown_export_is_a_forum_post(demo):
    post = frontmatter.loads(export("--group", "cscwg", "--date", "2022-02-10", "--format", "markdown"))
    assert list(post.metadata) == ["title", "date", "author", "tags"]
    assert post["title"] == "2022-02-10 Minutes of the Code Signing Certificate Working Group"
    assert post["tags"] == ["Code Signing"]
    assert "## Attendees" in post.content and "## Minutes" in post.content
    assert "Andrea Holland – SecureTrust" in post.content
    assert "### CSC-6: Subscriber Private Key Protection" in post.content
    assert post.content.index("## Attendees") < post.content.index("## Minutes")


def test_export_by_meeting_id(demo):
    from minutes.models import Meeting

    meeting = Meeting.objects.get(title__startswith="2022-02-10")
    assert json.loads(export("--meeting", str(meeting.pk)))["meeting"]["title"] == meeting.title


@pytest.mark.parametrize(
    "args, message",
    [
        (["--meeting", "999999"], "No meeting with id 999999"),
        (["--group", "nope", "--date", "2022-02-10"], "No working group"),
        (["--group", "cscwg", "--date", "10/02/2022"], "YYYY-MM-DD"),
        (["--group", "cscwg", "--date", "2019-01-01"], "no meeting on 2019-01-01"),
        (["--group", "cscwg"], "Give --meeting ID"),
    ],
)
def test_export_reports_bad_arguments_clearly(demo, args, message):
    with pytest.raises(CommandError, match=message):
        export(*args)
