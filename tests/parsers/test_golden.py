"""The golden corpus: every tests/emails/<family>/<case>.eml parses to exactly its
<case>.expected.json. Expectations were written by hand from each email; run with
--regen-golden only on purpose, and read the diff."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from parsers.registry import default_registry

CORPUS = Path(__file__).resolve().parent.parent / "emails"
CASES = sorted(CORPUS.rglob("*.eml"))
REGISTRY = default_registry()


def _expected_path(email: Path) -> Path:
    return email.with_name(email.stem + ".expected.json")


def test_corpus_is_not_empty() -> None:
    assert len(CASES) >= 10


@pytest.mark.parametrize("email", CASES, ids=[str(p.relative_to(CORPUS)) for p in CASES])
def test_golden(email: Path, request: pytest.FixtureRequest) -> None:
    actual: dict[str, Any] = REGISTRY.parse(email.read_bytes()).to_json()
    expected_path = _expected_path(email)
    if request.config.getoption("--regen-golden"):
        expected_path.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n")
    expected = json.loads(expected_path.read_text())
    assert actual == expected


def test_every_case_has_an_expectation() -> None:
    missing = [str(p.relative_to(CORPUS)) for p in CASES if not _expected_path(p).exists()]
    assert missing == []
