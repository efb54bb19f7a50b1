from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
BALLOT_VOTES = SHARED / "eval" / "ballot-votes.jsonl"
BALLOT_POSTS = SHARED / "corpus" / "cabforum" / "ballots"
BALLOT_SCHEMA = SHARED / "schemas" / "ballot.schema.json"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared (schemas, corpus, eval) is not beside the checkout")
