"""`parcelwatch run` as an operator lives with it, against a real Dovecot and a
real process: a refused login waits for a reload instead of looping, the daemon
stays up with nothing to read and says why (in the log, on systemd's STATUS
line and in `parcelwatch status`), a second `run` on the same database is
refused, and a database file deleted under the daemon ends it cleanly.

No test sleeps: each waits for a log line, a datagram or a notification, with
a deadline.
"""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from daemon.cli.statuses import EXIT_FAILURE, EXIT_IN_USE
from daemon.service.runner import Service
from tests.daemon.mail.conftest import (
    PASSWORD,
    AppFactory,
    Mailbox,
    sample_messages,
    write_config,
)
from tests.daemon.service.faults.daemon_process import IDLE_PATTERN, DaemonProcess
from tests.support import dovecot
from tests.support.notify_socket import NotifySocket
from tests.support.receiver import Receiver

REPO = Path(__file__).resolve().parents[3]
WAIT = 30.0
REFUSED = r"login refused for 'alice@example\.test'"
WAITING = "waits until the configuration is reloaded"


@pytest.fixture
def daemons() -> Iterator[list[DaemonProcess]]:
    started: list[DaemonProcess] = []
    yield started
    for daemon in started:
        daemon.close()


def password_file(tmp_path: Path, password: str) -> Path:
    path = tmp_path / "imap-password"
    path.write_text(password + "\n")
    return path


def watching(config: Path, env: dict[str, str], daemons: list[DaemonProcess]) -> DaemonProcess:
    """A `run` process, once it waits in IDLE."""
    daemon = DaemonProcess(config, env)
    daemons.append(daemon)
    daemon.wait_for_line(IDLE_PATTERN, WAIT)
    return daemon


def cli(config: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "daemon.cli", "--config", str(config), *args],
        cwd=REPO,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_refused_login_waits_for_a_reload_and_the_daemon_stays_up(
    tmp_path: Path,
    server: dovecot.Dovecot,
    mailbox: Mailbox,
    receiver: Receiver,
    notify_socket: NotifySocket,
    daemons: list[DaemonProcess],
) -> None:
    mailbox.append(sample_messages()[:2])  # order A confirmed and shipped
    secret = password_file(tmp_path, "wrong")
    config = write_config(tmp_path, server, receiver, password={"file": str(secret)})
    env = {"HOME": str(tmp_path), "NOTIFY_SOCKET": str(notify_socket.path)}
    daemon = DaemonProcess(config, env)
    daemons.append(daemon)
    pid = daemon.process.pid

    waiting = daemon.wait_for_line(WAITING, WAIT)
    daemon.wait_for_line("no mail account can be read until the configuration is reloaded", WAIT)
    fix = f"fix the password, then `kill -HUP {pid}`"
    notify_socket.wait_for("no mail account can be read: home: login refused at ", timeout=WAIT)
    status_line = notify_socket.messages[-1]
    assert re.search(r"home: login refused at \d\d:\d\d \S+; " + re.escape(fix), status_line)

    shown = cli(config, {"HOME": str(tmp_path)}, "status")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0].startswith("Daemon: running since today ") and f"(pid {pid} on " in lines[0]
    [home] = [line for line in lines if line.startswith("  home  ")]
    assert re.fullmatch(
        r"  home  login refused at \d\d:\d\d \S+; " + re.escape(fix) + r" \(last checked never\)",
        home,
    ), home

    # A reload with the password still wrong: one more try, then it waits again.
    mark = daemon.mark()
    daemon.process.send_signal(1)  # SIGHUP
    daemon.wait_for_line(WAITING, WAIT, since=mark)
    assert daemon.process.poll() is None

    # Fixed, and reloaded: the account is read and the parcel notified.
    secret.write_text(PASSWORD + "\n")
    mark = daemon.mark()
    daemon.process.send_signal(1)
    daemon.wait_for_line(IDLE_PATTERN, WAIT, since=mark)
    assert receiver.wait_for(1, WAIT)
    assert daemon.terminate() == 0
    # One refused login per start or reload, never a retry loop.
    assert sum(bool(re.search(REFUSED, line)) for line in daemon.lines) == 2
    assert waiting < mark
    assert "wrong" not in "\n".join(daemon.lines)


def test_a_second_run_on_the_same_database_says_who_holds_it(
    tmp_path: Path,
    server: dovecot.Dovecot,
    mailbox: Mailbox,
    receiver: Receiver,
    daemons: list[DaemonProcess],
) -> None:
    config = write_config(tmp_path, server, receiver)
    env = {"HOME": str(tmp_path), "IMAP_PASSWORD": PASSWORD}
    first = watching(config, env, daemons)

    second = cli(config, env, "run")

    assert second.returncode == EXIT_IN_USE
    assert "Traceback" not in second.stderr
    [line] = [x for x in second.stderr.splitlines() if x.startswith("parcelwatch:")]
    assert line.startswith(
        f"parcelwatch: database {tmp_path / 'state' / 'parcelwatch.db'} is in use"
    )
    assert f"parcelwatch run (pid {first.process.pid} on " in line
    assert "stop that one first" in line
    assert first.process.poll() is None
    assert first.terminate() == 0

    # Stopped cleanly: the next one starts, and status says the first stopped.
    shown = cli(config, env, "status")
    assert shown.stdout.startswith("Daemon: not running (stopped today ")


def test_a_killed_daemon_does_not_block_its_restart(
    tmp_path: Path,
    server: dovecot.Dovecot,
    mailbox: Mailbox,
    receiver: Receiver,
    daemons: list[DaemonProcess],
) -> None:
    config = write_config(tmp_path, server, receiver)
    env = {"HOME": str(tmp_path), "IMAP_PASSWORD": PASSWORD}
    watching(config, env, daemons).kill()  # its heartbeat is fresh, its process gone

    shown = cli(config, env, "status")
    assert "it did not stop cleanly" in shown.stdout.splitlines()[0]
    assert watching(config, env, daemons).terminate() == 0


def test_a_database_deleted_under_the_daemon_ends_it_and_the_restart_is_clean(
    tmp_path: Path,
    server: dovecot.Dovecot,
    mailbox: Mailbox,
    receiver: Receiver,
    notify_socket: NotifySocket,
    daemons: list[DaemonProcess],
) -> None:
    mailbox.append(sample_messages()[:2])
    config = write_config(tmp_path, server, receiver)
    # A watchdog of one second makes the daemon wake every half second.
    env = {
        "HOME": str(tmp_path),
        "IMAP_PASSWORD": PASSWORD,
        "NOTIFY_SOCKET": str(notify_socket.path),
        "WATCHDOG_USEC": "1000000",
    }
    daemon = watching(config, env, daemons)
    assert receiver.wait_for(1, WAIT)
    database = tmp_path / "state" / "parcelwatch.db"

    database.unlink()

    assert daemon.process.wait(WAIT) == EXIT_FAILURE
    errors = [line for line in daemon.lines if " ERROR " in line]
    assert len(errors) == 1, daemon.tail()
    assert f"the database file {database} was deleted while parcelwatch ran" in errors[0]

    # The restart opens a new file and reads the mail into it again. (Whether
    # that old news is pushed again is the news-not-history rule's to decide.)
    assert watching(config, env, daemons).terminate() == 0
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM processedmessage").fetchone() == (2,)


def test_the_database_and_its_wal_files_are_private_whatever_the_umask(
    tmp_path: Path,
    server: dovecot.Dovecot,
    mailbox: Mailbox,
    receiver: Receiver,
    daemons: list[DaemonProcess],
) -> None:
    config = write_config(tmp_path, server, receiver)
    env = {"HOME": str(tmp_path), "IMAP_PASSWORD": PASSWORD}
    old = os.umask(0o022)  # the child inherits it
    try:
        daemon = DaemonProcess(config, env)
    finally:
        os.umask(old)
    daemons.append(daemon)
    daemon.wait_for_line(IDLE_PATTERN, WAIT)
    state = tmp_path / "state"
    modes = {
        path.name: stat.S_IMODE(path.stat().st_mode)
        for path in (state, *(state / f"parcelwatch.db{s}" for s in ("", "-wal", "-shm")))
    }
    assert modes == {
        "state": 0o700,
        "parcelwatch.db": 0o600,
        "parcelwatch.db-wal": 0o600,
        "parcelwatch.db-shm": 0o600,
    }
    assert daemon.terminate() == 0


def test_with_no_account_configured_the_daemon_stays_up_and_says_why(
    tmp_path: Path, receiver: Receiver, daemons: list[DaemonProcess]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[general]\nstate_dir = "{tmp_path / "state"}"\n'
        f'[[notify.target]]\nname = "hook"\nurl = "{receiver.url()}"\n'
    )
    daemon = DaemonProcess(config, {"HOME": str(tmp_path)})
    daemons.append(daemon)
    daemon.wait_for_line(r"no \[\[imap\]\] account is configured: only carrier checks", WAIT)
    assert daemon.process.poll() is None
    assert daemon.terminate() == 0


def test_a_polled_account_whose_login_is_refused_is_not_polled_again(
    make_app: AppFactory, mailbox: Mailbox
) -> None:
    app = make_app(idle=False, poll_interval=10, password="wrong")
    waiting = threading.Event()
    service = Service(app, app.settings.imap, on_waiting=waiting.set)
    service.start()
    try:
        assert waiting.wait(WAIT)
        assert service.scheduler.get_job("poll:home") is None
        assert service.nothing_to_read
        assert service.status().startswith("no mail account can be read: home: login refused")
    finally:
        service.stop()
