"""The hand-raise, end to end: emails in templates no rule knows are recorded as
unrecognised (on their orders' timelines too), `status` counts them,
`parcelwatch unrecognised` lists them, one notice a day reaches the targets (real
Apprise to a local receiver), and `parcelwatch report` writes an anonymised copy
that parses the same way."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from daemon.app import App, build
from daemon.cli.main import main
from daemon.config.settings import load_settings
from daemon.mail.raw import RawMessage
from parsers.message import parse_message
from parsers.registry import default_registry
from tests.parsers.test_unrecognised import INVENTED, mail
from tests.support.receiver import Receiver

CORPUS = Path(__file__).resolve().parents[1] / "emails"
UNKNOWN = CORPUS / "amazon_com" / "unrecognised_new_template.eml"
UNKNOWN_ORDER = "112-6630158-2047719"


class Clock:
    """Time that moves only when a test says so. Wed 1 Apr 2026, 09:00 UTC."""

    def __init__(self) -> None:
        self.now = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def write_config(tmp_path: Path, receiver: Receiver, *, enabled: bool = True) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[general]\nstate_dir = "{tmp_path / "state"}"\ntimezone = "UTC"\n'
        f"[amazon]\nnotify_unrecognised = {str(enabled).lower()}\n"
        f'[notify]\nphotos = false\n[[notify.target]]\nname = "hook"\nurl = "{receiver.url()}"\n'
    )
    return config


def make_app(config: Path, clock: Clock) -> App:
    return build(load_settings(config, {"HOME": str(config.parent)}, required=True), clock)


def feed(app: App, *emails: bytes) -> None:
    for number, data in enumerate(emails):
        app.pipeline.process(RawMessage(data, "maildir:inbox", f"cur/{number}-{len(data)}"))


def invented(count: int) -> list[bytes]:
    """Emails in invented templates, each with a Message-ID of its own."""
    return [
        mail(sender, subject, text).replace(b"<invented@", f"<invented-{case}@".encode())
        for case, sender, subject, text, _ in INVENTED[:count]
    ]


def test_unread_emails_are_recorded_counted_listed_and_on_the_orders_timeline(
    tmp_path: Path, receiver: Receiver, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, receiver, enabled=False)
    app = make_app(config, Clock())
    feed(app, UNKNOWN.read_bytes(), *invented(3))
    assert app.unread.count() == 4
    assert app.store.message_errors()[0][2] == (
        "unrecognised: Good news: order 112-6630158-2047719 is on the move"
    )
    order = app.store.find_order(UNKNOWN_ORDER)
    assert order is not None
    assert [(line.milestone, line.label) for line in order.timeline] == [
        (None, "Amazon sent an email parcelwatch could not read")
    ]
    app.close()

    env = {"HOME": str(tmp_path)}
    assert main(["--config", str(config), "status"], env) == 0
    assert "Unrecognised Amazon emails: 4 (`parcelwatch unrecognised`" in capsys.readouterr().out
    assert main(["--config", str(config), "unrecognised"], env) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[0].split() == ["ID", "DATE", "FROM", "SUBJECT", "ORDER"]
    first = listed[-3]  # oldest last: the corpus email
    assert first.split()[:4] == ["1", "2026-04-04", "18:45", "shipment-tracking@amazon.com"]
    assert first.endswith(UNKNOWN_ORDER)
    assert listed[-1].startswith("4 in all.")
    assert main(["--config", str(config), "show", UNKNOWN_ORDER], env) == 0
    assert "Amazon sent an email parcelwatch could not read  [email]" in capsys.readouterr().out


def test_the_daily_notice_is_sent_once_a_day_and_only_for_news(
    tmp_path: Path, receiver: Receiver
) -> None:
    clock = Clock()
    app = make_app(write_config(tmp_path, receiver), clock)
    feed(app, *invented(2))  # sent Wed 1 Apr 16:00 UTC, read at 09:00 (the clock)
    clock.now += timedelta(days=2)  # Fri 3 Apr
    assert app.deliver().sent == 1
    assert app.deliver().sent == 0  # the same day: once
    (notice,) = [r.json() for r in receiver.requests]
    assert notice["title"] == "parcelwatch could not read 2 Amazon emails"
    assert notice["message"] == (
        "parcelwatch could not read 2 Amazon emails since Wednesday: Amazon may have changed "
        "a template. Run `parcelwatch report 2` and attach the file it writes to a bug "
        "report; `parcelwatch unrecognised` lists them all."
    )

    feed(app, *invented(4)[2:])  # two more the same day: told tomorrow, not today
    clock.now += timedelta(hours=12)
    assert app.deliver().sent == 0
    clock.now += timedelta(days=1)
    assert app.deliver().sent == 1
    assert receiver.requests[-1].json()["title"] == "parcelwatch could not read 2 Amazon emails"
    clock.now += timedelta(days=1)
    assert app.deliver().sent == 0  # nothing new: nothing said
    assert len(receiver.requests) == 2
    app.close()


def test_no_notice_when_it_is_turned_off(tmp_path: Path, receiver: Receiver) -> None:
    app = make_app(write_config(tmp_path, receiver, enabled=False), Clock())
    feed(app, *invented(2))
    assert app.deliver().sent == 0
    assert receiver.requests == []
    assert app.unread.count() == 2  # still counted and listed
    app.close()


def test_report_writes_an_anonymised_copy_that_parses_the_same(
    tmp_path: Path, receiver: Receiver, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, receiver, enabled=False)
    app = make_app(config, Clock())
    feed(app, UNKNOWN.read_bytes())
    app.close()
    output = tmp_path / "report.eml"
    env = {"HOME": str(tmp_path)}
    assert main(["--config", str(config), "report", "1", "-o", str(output)], env) == 0
    assert capsys.readouterr().out.startswith(f"Wrote {output}: names, addresses, order ids")
    copy = output.read_bytes()
    assert UNKNOWN_ORDER.encode() not in copy and b"jane" not in copy.lower()
    result = default_registry().parse(copy)
    assert result.error is not None and result.error.startswith("unrecognised: Good news: order ")
    assert result.unread is not None and len(result.unread.order_ids) == 1
    assert parse_message(copy).subject != parse_message(UNKNOWN.read_bytes()).subject

    assert main(["--config", str(config), "report", "7"], env) == 1
    assert "no unrecognised email has the ID 7" in capsys.readouterr().err


def test_report_takes_an_email_file_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["report", str(CORPUS / "amazon_com" / "forwarded_apple_mail.eml")], {}) == 0
    out = capsys.readouterr().out
    assert "Wrote parcelwatch-report-forwarded_apple_mail.eml" in out
    assert "It was forwarded by tom.doe@example.com, written as person" in out
    assert b"tom.doe" not in (tmp_path / "parcelwatch-report-forwarded_apple_mail.eml").read_bytes()


def test_parse_json_reports_an_unknown_template_as_unrecognised(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["parse", "--json", str(UNKNOWN)], {}) == 0
    assert json.loads(capsys.readouterr().out) == {
        "file": str(UNKNOWN),
        "parser": "amazon",
        "error": "unrecognised: Good news: order 112-6630158-2047719 is on the move",
        "events": [],
    }
