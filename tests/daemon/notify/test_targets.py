"""Apprise targets and their secrets: what reaches the log when Apprise talks
about a URL of ours, and that building notifiers leaves the libraries'
loggers as it found them."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from daemon.config.notify import NotifyTarget
from daemon.config.secrets import Secret
from daemon.config.settings import load_settings
from daemon.errors import ConfigError
from daemon.notify.notifier import Notifier

TOKEN = "110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
GOOD = f"tgram://{TOKEN}/12345678"
BAD = "tgram://sEcReTtOkEn/"  # no chat: Apprise cannot parse it


BASE = load_settings(None, {"HOME": "/nonexistent"}).notify


def notifier(*urls: str, apprise_config: Path | None = None) -> Notifier:
    targets = tuple(NotifyTarget(f"t{i}", Secret("inline", url)) for i, url in enumerate(urls))
    chosen = replace(BASE, targets=targets, apprise_config=apprise_config)
    return Notifier(chosen, clock=lambda: datetime(2026, 4, 2, tzinfo=UTC))


def filters() -> list[list[object]]:
    names = ("apprise", "urllib3.connectionpool")
    return [list(logging.getLogger(n).filters) for n in names]


def test_notifiers_leave_no_filter_behind_even_when_a_url_is_refused() -> None:
    before = filters()
    for _ in range(3):
        notifier(GOOD).close()
    with pytest.raises(ConfigError):
        notifier(GOOD, BAD)
    assert filters() == before


def test_apprise_logs_about_our_urls_never_show_their_tokens(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="apprise")
    made = notifier(GOOD)
    try:
        logging.getLogger("apprise").warning("Failed to send to %s", GOOD)
        logging.getLogger("apprise").error("Something else went wrong")
    finally:
        made.close()
    assert TOKEN not in caplog.text
    assert "Failed to send to ***" in caplog.text
    assert "Something else went wrong" in caplog.text  # others' records pass untouched


def test_a_url_apprise_cannot_parse_is_one_config_error_and_no_token(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="apprise")
    level = logging.getLogger("apprise").level
    with pytest.raises(ConfigError, match=r"notify\.target\[1\]\.url") as raised:
        notifier(GOOD, BAD)
    assert "sEcReTtOkEn" not in str(raised.value) + caplog.text
    assert "Unparseable" not in caplog.text  # the config error says it, naming the key
    assert logging.getLogger("apprise").level == level


def test_urls_in_an_apprise_config_file_are_masked_too(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = tmp_path / "apprise.yml"
    config.write_text(f"urls:\n  - {GOOD}:\n      tag: phone\n")
    caplog.set_level(logging.DEBUG, logger="apprise")
    made = notifier(apprise_config=config)
    try:
        assert made.target_names
        logging.getLogger("apprise").info("loaded %s", GOOD)
    finally:
        made.close()
    assert TOKEN not in caplog.text
