"""Demo texts for CSC-6 (two versions, so that the page shows a diff and `export_ballot CSC-6 --version v2`
has something to print). Meant to be called by ``load_demo`` after it has created CSC-6."""

from __future__ import annotations

import datetime as dt

from .models import Ballot, BallotVersion

CSC6_V1 = """Ballot CSC-6: Subscriber Private Key Protection

16.3 Subscriber Private Key Protection
Effective November 15, 2022, the CA MUST ensure that the Subscriber's Private Key is generated, stored
and used in a Hardware Crypto Module that conforms to FIPS 140-2 Level 2 or Common Criteria EAL 4+.
The CA MUST verify this through a CSP-specific attestation.
"""

CSC6_V2 = """Ballot CSC-6: Subscriber Private Key Protection

16.3 Subscriber Private Key Protection
Effective November 15, 2022, the CA MUST ensure that the Subscriber's Private Key is generated, stored
and used in a Hardware Crypto Module that conforms to FIPS 140-2 Level 2 or Common Criteria EAL 4+.
The CA MUST verify this through the crypto library's attestation (commonly known as "key attestation").
The CA relies on a report from the Hardware Crypto Module to verify this.
"""


def load() -> int:
    """Add the two demo versions of CSC-6 once. The clock fields stay empty: the demo's dates are in
    the past, and the 90-day expiry would otherwise fail the ballot at the first tick."""
    ballot = Ballot.objects.filter(identifier="CSC-6").first()
    if ballot is None or ballot.versions.exists():
        return 0
    for number, (text, day) in enumerate([(CSC6_V1, dt.date(2022, 1, 27)), (CSC6_V2, dt.date(2022, 2, 10))], start=1):
        BallotVersion.objects.create(
            ballot=ballot, number=number, label=f"v{number}", text=text, posted_at=dt.datetime.combine(day, dt.time(16), tzinfo=dt.UTC)
        )
    return 2
