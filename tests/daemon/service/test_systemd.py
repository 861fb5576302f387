"""The sd_notify client against real datagram sockets, and the unit files
against systemd's own checker (systemd-analyze)."""

from __future__ import annotations

import logging
import os
import re
import shutil
import socket
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from daemon.cli.statuses import EXIT_CONFIG, EXIT_DATABASE, EXIT_FAILURE, EXIT_IN_USE
from daemon.service.systemd import SystemdNotifier

ROOT = Path(__file__).resolve().parents[3]
SYSTEM_UNIT = ROOT / "systemd" / "parcelwatch.service"
USER_UNIT = ROOT / "systemd" / "parcelwatch-user.service"
SYNC_UNIT = ROOT / "systemd" / "parcelwatch-sync.service"
SYNC_TIMER = ROOT / "systemd" / "parcelwatch-sync.timer"
SYSTEM_EXEC = "/opt/parcelwatch/venv/bin/parcelwatch"
USER_EXEC = "%h/.local/bin/parcelwatch"
MAX_EXPOSURE = 1.5
MAX_USER_EXPOSURE = 2.0
RECEIVE_TIMEOUT = 5.0

PID = 4242
ANALYZE = shutil.which("systemd-analyze")
# Under CI a missing systemd-analyze fails these tests instead of skipping them.
needs_analyze = pytest.mark.skipif(
    ANALYZE is None and os.environ.get("CI") != "true",
    reason="systemd-analyze is not installed (Debian: apt-get install systemd)",
)


class Listener:
    """The service manager's end: a bound AF_UNIX datagram socket."""

    def __init__(self, sock: socket.socket, env_value: str) -> None:
        self.sock = sock
        self.env_value = env_value

    def env(self, **extra: str) -> dict[str, str]:
        return {"NOTIFY_SOCKET": self.env_value, **extra}

    def receive(self) -> bytes:
        self.sock.settimeout(RECEIVE_TIMEOUT)
        return self.sock.recv(4096)

    def nothing_waiting(self) -> bool:
        self.sock.setblocking(False)
        try:
            self.sock.recv(4096)
        except BlockingIOError:
            return True
        return False


@pytest.fixture
def path_listener(tmp_path: Path) -> Iterator[Listener]:
    path = tmp_path / "notify"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(path))
        yield Listener(sock, str(path))


@pytest.fixture
def abstract_listener() -> Iterator[Listener]:
    name = f"parcelwatch-test-{uuid.uuid4().hex}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(b"\0" + name.encode())
        yield Listener(sock, "@" + name)


# --- messages ------------------------------------------------------------------


def test_ready_sends_ready_and_status_in_one_datagram(path_listener: Listener) -> None:
    with SystemdNotifier.from_env(path_listener.env(), PID) as notifier:
        notifier.ready("watching 2 folders")
    assert path_listener.receive() == b"READY=1\nSTATUS=watching 2 folders"
    assert path_listener.nothing_waiting()


def test_each_message_is_sent_exactly_as_systemd_reads_it(path_listener: Listener) -> None:
    with SystemdNotifier.from_env(path_listener.env(), PID) as notifier:
        notifier.status("checking home/INBOX")
        notifier.watchdog()
        notifier.reloading(123456789)
        notifier.reloaded("watching 3 folders")
        notifier.stopping()
    received = [path_listener.receive() for _ in range(5)]
    assert received == [
        b"STATUS=checking home/INBOX",
        b"WATCHDOG=1",
        b"RELOADING=1\nMONOTONIC_USEC=123456789",
        b"READY=1\nSTATUS=watching 3 folders",
        b"STOPPING=1",
    ]


def test_abstract_socket_address_gets_its_leading_nul(abstract_listener: Listener) -> None:
    with SystemdNotifier.from_env(abstract_listener.env(), PID) as notifier:
        assert notifier.enabled
        notifier.ready("up")
    assert abstract_listener.receive() == b"READY=1\nSTATUS=up"


def test_status_text_cannot_smuggle_another_assignment(path_listener: Listener) -> None:
    with SystemdNotifier.from_env(path_listener.env(), PID) as notifier:
        notifier.status("login refused\nREADY=1\r\nSTOPPING=1")
    assert path_listener.receive() == b"STATUS=login refused READY=1 STOPPING=1"


def test_utf8_status_is_sent_as_utf8(path_listener: Listener) -> None:
    with SystemdNotifier.from_env(path_listener.env(), PID) as notifier:
        notifier.status("Zustellung läuft")
    assert path_listener.receive() == "STATUS=Zustellung läuft".encode()


def test_a_closed_notifier_opens_a_new_socket_when_used_again(path_listener: Listener) -> None:
    notifier = SystemdNotifier.from_env(path_listener.env(), PID)
    notifier.watchdog()
    notifier.close()
    notifier.watchdog()
    notifier.close()
    assert [path_listener.receive(), path_listener.receive()] == [b"WATCHDOG=1", b"WATCHDOG=1"]


# --- outside systemd, and failures -------------------------------------------------


def test_without_notify_socket_nothing_is_sent_and_no_watchdog() -> None:
    env = {"WATCHDOG_USEC": "120000000", "WATCHDOG_PID": str(PID)}
    notifier = SystemdNotifier.from_env(env, PID)
    assert not notifier.enabled
    assert notifier.watchdog_interval() is None
    notifier.ready("up")
    notifier.status("x")
    notifier.watchdog()
    notifier.reloading(1)
    notifier.reloaded("up")
    notifier.stopping()
    notifier.close()


@pytest.mark.parametrize("value", ["", "@", "relative/path", "vsock:2:1234"])
def test_unusable_notify_socket_values_disable_notifications(value: str) -> None:
    assert not SystemdNotifier.from_env({"NOTIFY_SOCKET": value}, PID).enabled


def test_a_vanished_socket_is_logged_once_at_debug_and_never_raises(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="daemon.service.systemd")
    with SystemdNotifier.from_env({"NOTIFY_SOCKET": str(tmp_path / "gone")}, PID) as notifier:
        for _ in range(3):
            notifier.watchdog()
        notifier.ready("up")
    records = [r for r in caplog.records if r.name == "daemon.service.systemd"]
    assert len(records) == 1
    assert records[0].levelno == logging.DEBUG
    assert "gone" in records[0].getMessage()


# --- watchdog ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"WATCHDOG_USEC": "120000000"}, 60.0),
        ({"WATCHDOG_USEC": "120000000", "WATCHDOG_PID": str(PID)}, 60.0),
        ({"WATCHDOG_USEC": "3000000", "WATCHDOG_PID": str(PID)}, 1.5),
        ({"WATCHDOG_USEC": "120000000", "WATCHDOG_PID": str(PID + 1)}, None),
        ({"WATCHDOG_USEC": "120000000", "WATCHDOG_PID": "not-a-pid"}, None),
        ({"WATCHDOG_USEC": "0"}, None),
        ({"WATCHDOG_USEC": "-5"}, None),
        ({"WATCHDOG_USEC": "soon"}, None),
        ({}, None),
    ],
)
def test_watchdog_interval_is_half_the_timeout_when_the_watchdog_is_ours(
    path_listener: Listener, extra: dict[str, str], expected: float | None
) -> None:
    notifier = SystemdNotifier.from_env(path_listener.env(**extra), PID)
    assert notifier.watchdog_interval() == expected


# --- unit files --------------------------------------------------------------------


def _analyze(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    assert ANALYZE is not None, "systemd-analyze is missing; .ci/run must apt-get install systemd"
    return subprocess.run(
        [ANALYZE, *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, **(env or {})},
    )


def _exposure(output: str) -> float:
    found = re.search(r"Overall exposure level for \S+: (\d+(?:\.\d+)?)", output)
    assert found, f"no exposure line in systemd-analyze output:\n{output}"
    return float(found.group(1))


@needs_analyze
def test_system_unit_exposure_is_at_most_one_and_a_half() -> None:
    result = _analyze("security", "--offline=true", "--no-pager", str(SYSTEM_UNIT))
    assert _exposure(result.stdout) <= MAX_EXPOSURE, result.stdout


def _with_executable(unit: Path, placeholder: str, tmp_path: Path) -> Path:
    """A copy of `unit` in tmp_path whose ExecStart program exists, so that
    `verify` checks the unit and not the machine's installation."""
    program = tmp_path / "parcelwatch"
    program.write_text("#!/bin/sh\nexit 0\n")
    program.chmod(0o755)
    text = unit.read_text()
    assert placeholder in text
    copy = tmp_path / unit.name
    copy.write_text(text.replace(placeholder, str(program)))
    return copy


@needs_analyze
def test_system_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    unit = _with_executable(SYSTEM_UNIT, SYSTEM_EXEC, tmp_path)
    result = _analyze("verify", str(unit))
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


@needs_analyze
@pytest.mark.parametrize("unit", [USER_UNIT, SYNC_UNIT], ids=lambda u: u.name)
def test_user_units_pass_systemd_analyze_verify(unit: Path, tmp_path: Path) -> None:
    copy = _with_executable(unit, USER_EXEC, tmp_path)
    if unit == SYNC_UNIT:
        shutil.copy(SYNC_TIMER, tmp_path / SYNC_TIMER.name)
        copy = tmp_path / SYNC_TIMER.name  # verifying the timer verifies the service it starts
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    result = _analyze("--user", "verify", str(copy), env={"XDG_RUNTIME_DIR": str(runtime)})
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


@needs_analyze
@pytest.mark.parametrize("unit", [USER_UNIT, SYNC_UNIT], ids=lambda u: u.name)
def test_user_units_exposure_is_at_most_two(unit: Path, tmp_path: Path) -> None:
    """Scored as what they are, units of a per-user systemd (whose sandbox
    leaves out what systemd.exec(5) reserves for system services)."""
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    result = _analyze("--user", "security", "--offline=true", "--no-pager", str(unit),
                      env={"XDG_RUNTIME_DIR": str(runtime)})  # fmt: skip
    assert _exposure(result.stdout) <= MAX_USER_EXPOSURE, result.stdout


def test_user_units_use_no_option_reserved_for_system_services() -> None:
    """systemd.exec(5): these are "only available for system services and not
    supported for services running in per-user instances"."""
    system_only = ("ProtectProc=", "ProcSubset=", "ProtectControlGroups=", "RemoveIPC=",
                   "DynamicUser=", "LoadCredential", "RootImage=")  # fmt: skip
    for unit in (USER_UNIT, SYNC_UNIT):
        lines = [line for line in unit.read_text().splitlines() if not line.startswith("#")]
        assert [line for line in lines if line.startswith(system_only)] == [], unit.name
        assert "PrivateUsers=yes" in lines, unit.name  # what makes the rest possible


def test_units_run_the_daemon_as_a_notify_service_with_a_watchdog() -> None:
    for unit in (SYSTEM_UNIT, USER_UNIT):
        lines = set(unit.read_text().splitlines())
        assert {"Type=notify", "NotifyAccess=main", "WatchdogSec=120s"} <= lines, unit.name
        assert "ExecReload=/bin/kill -HUP $MAINPID" in lines, unit.name


def test_units_restart_on_what_a_restart_can_fix_and_only_that() -> None:
    """Exit 1 (a crash, a database file replaced) restarts; the statuses a
    restart cannot fix do not."""
    never = {EXIT_CONFIG, EXIT_DATABASE, EXIT_IN_USE}
    for unit in (SYSTEM_UNIT, USER_UNIT):
        lines = unit.read_text().splitlines()
        assert "Restart=on-failure" in lines, unit.name
        [prevent] = [line for line in lines if line.startswith("RestartPreventExitStatus=")]
        assert {int(n) for n in prevent.split("=", 1)[1].split()} == never, unit.name
        assert EXIT_FAILURE not in never
