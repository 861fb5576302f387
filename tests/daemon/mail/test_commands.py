"""`parcelwatch sync` and `parcelwatch run` against a real Dovecot, as a user runs them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from daemon.cli.main import main
from tests.daemon.mail.conftest import PASSWORD, Mailbox, sample_messages, write_config
from tests.support import dovecot
from tests.support.receiver import Receiver

REPO = Path(__file__).resolve().parents[3]


def test_sync_reads_the_account_and_notifies(
    tmp_path: Path,
    server: dovecot.Dovecot,
    mailbox: Mailbox,
    receiver: Receiver,
    capsys: pytest.CaptureFixture[str],
) -> None:
    mailbox.append(sample_messages())
    config = write_config(tmp_path, server, receiver)
    env = {"HOME": str(tmp_path), "IMAP_PASSWORD": PASSWORD}

    assert main(["--config", str(config), "sync"], env) == 0

    out = capsys.readouterr().out
    assert "home/INBOX: 16 new" in out
    assert "notifications: 13 sent" in out  # the story's twelve and the hello
    assert len(receiver.requests) == 13


def test_sync_with_a_wrong_password_fails_with_one_line(
    tmp_path: Path,
    server: dovecot.Dovecot,
    receiver: Receiver,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = write_config(tmp_path, server, receiver)
    env = {"HOME": str(tmp_path), "IMAP_PASSWORD": "not-the-password"}

    assert main(["--config", str(config), "sync"], env) == 1

    err = capsys.readouterr().err
    [line] = [x for x in err.splitlines() if x.startswith("home: failed")]
    assert "login refused for 'alice@example.test'" in line
    assert "not-the-password" not in err


def test_run_watches_until_sigterm_and_exits_cleanly(
    tmp_path: Path, server: dovecot.Dovecot, mailbox: Mailbox, receiver: Receiver
) -> None:
    messages = sample_messages()
    mailbox.append(messages[:2])  # order A confirmed and shipped
    config = write_config(tmp_path, server, receiver)
    env = {**os.environ, "HOME": str(tmp_path), "IMAP_PASSWORD": PASSWORD}
    process = subprocess.Popen(
        [sys.executable, "-m", "daemon.cli.main", "--config", str(config), "run"],
        cwd=REPO,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert receiver.wait_for(2, 30)  # shipped, and the hello after the first sync
        mailbox.append([messages[4]])  # out for delivery, pushed by IDLE
        assert receiver.wait_for(3, 30)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.stderr is not None
    log = process.stderr.read()
    assert "waiting for new mail (IDLE)" in log and "SIGTERM received" in log
    assert PASSWORD not in log
    titles = ["Shipped", "Watching home", "Out for delivery"]
    assert [t.split(":")[0] for t in receiver.titles()] == titles
