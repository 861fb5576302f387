"""The language tables load on demand: every marketplace's languages resolve,
and reading an amazon.com email (as a parse worker reads it: the default
registry) imports English alone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from parsers.amazon.languages import BY_MARKETPLACE, of_marketplace
from parsers.amazon.marketplaces import MARKETPLACE_DOMAINS

ROOT = Path(__file__).resolve().parents[2]
EMAIL = ROOT / "tests" / "emails" / "amazon_com" / "order1_shipped_pkg0.eml"
TABLES = ("de", "en", "es", "fr", "it", "ja", "nl", "pl", "pt", "sv")


def test_every_marketplace_has_its_languages_with_english_among_them() -> None:
    assert set(BY_MARKETPLACE) == set(MARKETPLACE_DOMAINS)
    for domain in MARKETPLACE_DOMAINS:
        languages = of_marketplace(domain)
        assert [language.code for language in languages] == list(BY_MARKETPLACE[domain])
        assert "en" in BY_MARKETPLACE[domain]
    assert of_marketplace("amazon.example") == ()


def test_belgium_reads_french_then_dutch_then_english() -> None:
    assert [language.code for language in of_marketplace("amazon.com.be")] == ["fr", "nl", "en"]


def test_parsing_an_american_email_loads_only_the_english_tables() -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from parsers.registry import default_registry\n"
        f"assert default_registry().parse(Path({str(EMAIL)!r}).read_bytes()).events\n"
        f"print([c for c in {TABLES!r} if 'parsers.amazon.' + c in sys.modules], file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
        check=False,
    )  # fmt: skip
    assert (done.returncode, done.stderr.strip().splitlines()[-1]) == (0, "['en']"), done.stderr
