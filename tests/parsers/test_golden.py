"""The golden corpus: every tests/emails/<family>/<case>.eml parses to exactly its
<case>.expected.json. Expectations are written by hand from each email.
--regen-golden rewrites every expectation that differs from the parsers' output
and then fails the run, so that a regeneration is read as a diff (git diff
tests/emails) and never shows green; run again without the flag once it is."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from parsers.amazon.marketplaces import MARKETPLACE_DOMAINS
from parsers.registry import default_registry

CORPUS = Path(__file__).resolve().parent.parent / "emails"
CASES = sorted(CORPUS.rglob("*.eml"))
# The corpus's household: Jane reads the mailbox, Tom forwards his Amazon mail to it
# (amazon_com/forwarded_apple_mail.eml).
FORWARDERS = ("tom.doe@example.com",)
REGISTRY = default_registry(forwarders=FORWARDERS)


def _expected_path(email: Path) -> Path:
    return email.with_name(email.stem + ".expected.json")


def test_corpus_is_not_empty() -> None:
    assert len(CASES) >= 10


@pytest.mark.parametrize("email", CASES, ids=[str(p.relative_to(CORPUS)) for p in CASES])
def test_golden(email: Path, request: pytest.FixtureRequest) -> None:
    actual: dict[str, Any] = REGISTRY.parse(email.read_bytes()).to_json()
    expected_path = _expected_path(email)
    expected = json.loads(expected_path.read_text()) if expected_path.exists() else None
    if request.config.getoption("--regen-golden") and actual != expected:
        expected_path.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n")
        pytest.fail(f"rewrote {expected_path.relative_to(CORPUS)}: review the diff, then rerun")
    assert actual == expected


def test_every_case_has_an_expectation() -> None:
    missing = [str(p.relative_to(CORPUS)) for p in CASES if not _expected_path(p).exists()]
    assert missing == []


def _expected(email: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_expected_path(email).read_text())
    return data


NEGATIVES = [p for p in CASES if _expected(p)["parser"] is None]


def test_corpus_size() -> None:
    assert len(CASES) >= 80
    assert len(NEGATIVES) >= 15


# The lifecycle every marketplace's corpus shows at least, and what the corpus as a
# whole covers.
BASICS = {"ordered", "shipped", "out_for_delivery", "delivered"}
LIFECYCLE = BASICS | {
    "delayed", "delivery_attempted", "available_for_pickup", "in_transit", "cancelled",
    "return_started", "return_received", "refunded",
}  # fmt: skip


def test_every_marketplace_has_its_basic_emails() -> None:
    seen: dict[str, set[str]] = {domain: set() for domain in MARKETPLACE_DOMAINS}
    for email in CASES:
        for event in _expected(email)["events"]:
            if event["marketplace"] is not None:  # a carrier's own notice names none
                seen[event["marketplace"]].add(event["milestone"])
    missing = {domain: sorted(BASICS - found) for domain, found in seen.items() if BASICS - found}
    assert missing == {}


def test_the_corpus_covers_the_whole_lifecycle() -> None:
    seen = {e["milestone"] for p in CASES for e in _expected(p)["events"]}
    assert LIFECYCLE - seen == set()
    events = [e for p in CASES for e in _expected(p)["events"]]
    for key in ("pickup_code", "pickup_location", "pickup_deadline", "delivery_code",
                "delivery_location", "delivery_photo_url"):  # fmt: skip
        assert any(e[key] for e in events), key
    # The two codes are never the same field: a pickup code only where a parcel waits.
    assert all(e["milestone"] == "available_for_pickup" for e in events if e["pickup_code"])
    assert not any(e["pickup_code"] and e["delivery_code"] for e in events)


def test_the_corpus_holds_unrecognised_and_eventless_amazon_mail() -> None:
    """An unknown template is reported, not dropped; a known non-milestone (a delayed
    refund) is read and yields nothing."""
    results = [_expected(p) for p in CASES]
    assert any((r["error"] or "").startswith("unrecognised: ") for r in results)
    assert any(r["parser"] == "amazon" and not r["error"] and not r["events"] for r in results)
