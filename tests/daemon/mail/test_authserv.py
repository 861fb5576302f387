"""`check-config` suggests `[amazon] authserv_id` from the newest Amazon email in
the user's IMAP folders (a real Dovecot), and says why when it cannot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from daemon.cli.main import main
from tests.daemon.mail.conftest import PASSWORD, Mailbox, write_config
from tests.support import dovecot, hostile

ENV = {"IMAP_PASSWORD": PASSWORD}


def amazon_email(results: str, message_id: str) -> bytes:
    raw = hostile.email(
        "Your package has shipped!", headers=(f"Authentication-Results: {results}",)
    )
    return raw.replace(b"<hostile@example.com>", message_id.encode())


def check_config(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], status: int = 0
) -> list[str]:
    """What check-config --connect printed: "config OK ..." first, then any hint."""
    argv = ["--config", str(config), "check-config", "--connect"]
    assert main(argv, {**ENV, "HOME": str(tmp_path)}) == status
    lines = capsys.readouterr().out.splitlines()
    return [lines[0], *(line for line in lines[1:] if line.startswith("hint:"))]


def test_the_newest_amazon_emails_server_is_suggested(
    tmp_path: Path, server: dovecot.Dovecot, mailbox: Mailbox, capsys: pytest.CaptureFixture[str]
) -> None:
    recent = datetime.now(UTC) - timedelta(days=2)
    mailbox.append([amazon_email("old-mx.example.test; dkim=pass", "<a@x>")], when=recent)
    mailbox.append(
        [amazon_email("mx.example.test; dkim=pass header.d=amazon.com", "<b@x>")],
        when=recent + timedelta(hours=1),
    )
    lines = check_config(write_config(tmp_path, server, None), tmp_path, capsys)
    assert lines[0].startswith("config OK")
    assert lines[1] == (
        "hint: amazon.authserv_id is not set; the newest Amazon email in home/INBOX was checked "
        "by 'mx.example.test' (the first word of its topmost Authentication-Results): if that "
        'is your mail server, set authserv_id = "mx.example.test" in [amazon]'
    )
    flags = mailbox.flags()
    assert len(flags) == 2 and not [f for f in flags.values() if b"\\Seen" in f]  # unread


def test_without_amazon_mail_the_hint_says_so(
    tmp_path: Path, server: dovecot.Dovecot, mailbox: Mailbox, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = check_config(write_config(tmp_path, server, None), tmp_path, capsys)
    assert lines[1].startswith("hint: amazon.authserv_id is not set, and no Amazon email of the")
    assert "could not look" not in lines[1]


def test_no_hint_where_no_account_logged_in(
    tmp_path: Path, server: dovecot.Dovecot, capsys: pytest.CaptureFixture[str]
) -> None:
    """The login line already says what is wrong; the hint would only repeat it."""
    config = write_config(tmp_path, server, None, port=dovecot.free_port())
    lines = check_config(config, tmp_path, capsys, status=1)
    assert lines == lines[:1]


def test_no_hint_once_it_is_set(
    tmp_path: Path, server: dovecot.Dovecot, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, server, None)
    config.write_text(config.read_text() + '[amazon]\nauthserv_id = "mx.example.test"\n')
    lines = check_config(config, tmp_path, capsys)
    assert len(lines) == 1 and lines[0].startswith("config OK")


def test_without_connect_check_config_points_at_it(
    tmp_path: Path, server: dovecot.Dovecot, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, server, None)
    assert main(["--config", str(config), "check-config"], {**ENV, "HOME": str(tmp_path)}) == 0
    captured = capsys.readouterr()
    assert not [line for line in captured.out.splitlines() if line.startswith("hint:")]
    assert "amazon.authserv_id is not set" in captured.err
    assert "`parcelwatch check-config --connect` suggests it" in captured.err
