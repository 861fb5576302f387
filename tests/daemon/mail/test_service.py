"""`parcelwatch run` as systemd runs it: a real subprocess against real Dovecot,
a real notify socket (NOTIFY_SOCKET) receiving READY/STATUS/WATCHDOG/RELOADING/
STOPPING datagrams, SIGHUP reloads, and polling driven by the scheduler."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from daemon.cli.main import main
from tests.daemon.mail.conftest import PASSWORD, Mailbox, sample_messages, write_config
from tests.support import dovecot
from tests.support.notify_socket import NotifySocket
from tests.support.receiver import Receiver

REPO = Path(__file__).resolve().parents[3]


def start(config: Path, tmp_path: Path, **extra_env: str) -> subprocess.Popen[str]:
    env = {**os.environ, "HOME": str(tmp_path), "IMAP_PASSWORD": PASSWORD, **extra_env}
    env["PYTHONFAULTHANDLER"] = "1"  # a hang at stop shows where (see stop())
    return subprocess.Popen(
        [sys.executable, "-m", "daemon.cli.main", "--config", str(config), "run"],
        cwd=REPO,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop(process: subprocess.Popen[str]) -> str:
    """SIGTERM, then its log; it must have exited 0 within 10 s."""
    assert process.stderr is not None
    code: int | None = None
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGABRT)  # PYTHONFAULTHANDLER: every thread's stack
            process.wait()
    log = process.stderr.read()
    assert code == 0, f"exit {code}; log:\n{log}"
    return log


def test_systemd_is_told_ready_status_watchdog_reload_and_stopping(
    tmp_path: Path,
    server: dovecot.Dovecot,
    mailbox: Mailbox,
    receiver: Receiver,
    notify_socket: NotifySocket,
) -> None:
    messages = sample_messages()
    mailbox.append(messages[:2])  # order A confirmed and shipped
    config = write_config(tmp_path, server, receiver)
    process = start(
        config, tmp_path, NOTIFY_SOCKET=str(notify_socket.path), WATCHDOG_USEC="1000000"
    )
    try:
        ready = notify_socket.wait_for("READY=1")
        assert "STATUS=" in notify_socket.messages[ready]
        notify_socket.wait_for("WATCHDOG=1", after=ready)
        notify_socket.wait_for("STATUS=1 active shipment, last mail check", after=ready)
        assert receiver.wait_for(2)  # shipped, and the hello after the first sync

        # A second target appears in the config; SIGHUP makes it count.
        text = config.read_text()
        two = receiver.url("json", "/two")
        config.write_text(text + f'[[notify.target]]\nname = "two"\nurl = "{two}"\n')
        mark = len(notify_socket.messages)
        process.send_signal(signal.SIGHUP)
        reloading = notify_socket.wait_for("RELOADING=1", after=mark)
        assert "MONOTONIC_USEC=" in notify_socket.messages[reloading]
        notify_socket.wait_for("READY=1", after=reloading)
        mailbox.append([messages[4]])  # out for delivery (no second hello after the reload)
        assert receiver.wait_for(4)
        assert sorted(r.path for r in receiver.requests[2:]) == ["/hook", "/two"]

        # A broken config on reload: said, and the daemon goes on as it was.
        config.write_text(text.replace("[[imap]]", "[[imap]]\nprot = 1"))
        mark = len(notify_socket.messages)
        process.send_signal(signal.SIGHUP)
        notify_socket.wait_for("READY=1", after=mark)
        mailbox.append([messages[5]])
        assert receiver.wait_for(6)
        assert process.poll() is None
    finally:
        log = stop(process)
    notify_socket.wait_for("STOPPING=1")
    assert "configuration reloaded" in log
    assert "configuration not reloaded" in log and "imap[0].prot: unknown key 'prot'" in log
    assert PASSWORD not in log


def test_an_account_without_idle_is_polled_by_the_scheduler(
    tmp_path: Path, server: dovecot.Dovecot, mailbox: Mailbox, receiver: Receiver
) -> None:
    messages = sample_messages()
    config = write_config(tmp_path, server, receiver, idle=False, poll_interval=10)
    mailbox.append(messages[:2])
    process = start(config, tmp_path)
    try:
        assert receiver.wait_for(2)  # the first poll, at start, and its hello
        mailbox.append([messages[4]])
        assert receiver.wait_for(3)  # the next poll, 10 s later (the shortest allowed)
    finally:
        log = stop(process)
    assert "polling 1 account(s)" in log
    assert "waiting for new mail (IDLE)" not in log
    titles = ["Shipped", "Watching home", "Out for delivery"]
    assert [t.split(":")[0] for t in receiver.titles()] == titles


def test_status_reports_accounts_outbox_and_database(
    tmp_path: Path,
    server: dovecot.Dovecot,
    mailbox: Mailbox,
    receiver: Receiver,
    capsys: pytest.CaptureFixture[str],
) -> None:
    mailbox.append(sample_messages()[:2])
    config = write_config(tmp_path, server, receiver)
    env = {"HOME": str(tmp_path), "IMAP_PASSWORD": PASSWORD}
    receiver.fail_next = 1
    assert main(["--config", str(config), "sync"], env) == 0
    capsys.readouterr()
    assert main(["--config", str(config), "status"], env) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Daemon: not running (never started on this database)"
    assert out[1].startswith(f"Database: {tmp_path / 'state' / 'parcelwatch.db'} (")
    assert out[2] == "Mail accounts:"
    zone = datetime.now().astimezone().strftime("%Z")
    assert re.fullmatch(rf"  home  last checked today \d\d:\d\d {zone}", out[3]), out[3]
    assert out[4] == "Shipments: 1 active, 0 finished, 0 archived"
    assert out[5] == "Outbox: 1 waiting, 1 sent, 0 failed, 0 no match"  # the hello went
    assert out[6] == "Next carrier checks: none due"
