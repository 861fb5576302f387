"""What the idle `parcelwatch run` daemon costs: resident memory and CPU time.

Run: .venv/bin/python -m bench.idle [--seconds 300] [--accounts 2] [--mqtt] [--web]
     [--history N] [--json]

A self-hosted daemon spends almost all of its life waiting in IDLE, so its
steady cost (memory it keeps, CPU it burns while nothing happens) matters more
than its speed. This starts a real Dovecot on loopback with `accounts` users,
each with an INBOX of a few hundred emails (some of them unique copies of the
golden corpus's Amazon emails, so the first start has a backfill to do and
notifications to send), a loopback json:// receiver as the Apprise target, and
the real `parcelwatch run` as a subprocess. Start-up ends when every watcher has
logged that it waits in IDLE (it logs that only after its backfill, and the
notifications of that backfill, are done) and each account's hello (sent after
its first sync) has arrived (with --history, also the first carrier check of
the backfill's new parcels). Then /proc/<pid> is read at the start
and at the end of a window of `seconds` in which nothing happens.

With --mqtt a real Mosquitto runs on loopback too and the config points `[mqtt]`
at it (delivery photos off: the corpus links them on Amazon's servers), so the
same figures include Home Assistant's publishing: the difference is paho-mqtt's
cost.

With --web the daemon also serves the web interface (`[web] listen`), and
before the window the benchmark opens the dashboard, a parcel page, a search,
the JSON API and /metrics once each, so the figures include what serving them
loads (templates compiled, the metrics collector, the server's threads).

With --history N the database already holds N shipments of a long-running
install (tests/support/history.py: 1% on their way, the rest delivered over
five years) and a carrier backend is configured (17TRACK, pointed at a closed
loopback port, so none could reach the internet), so the figures include the
carrier-check query the daemon runs every minute over that history. The parcels
the start-up backfill records are due at once: their first check, refused, is
part of start-up, and backs the backend off for 15 minutes, past the window.

Everything is measured from outside the daemon (/proc), so the benchmark adds
nothing to the daemon's own figures. The parse workers (daemon.parsing: child
processes that read each email and leave after a minute without mail) are counted
apart, at both ends of the window.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from imapclient import IMAPClient

from bench.mail import PASSWORD, amazon_templates, filler, unique_copy
from daemon.store.database import Store
from tests.support import dovecot, mosquitto
from tests.support.history import fill
from tests.support.receiver import Receiver, ReceiverServer

REPO = Path(__file__).resolve().parent.parent
MESSAGES_PER_ACCOUNT = 300
AMAZON_PER_ACCOUNT = 40
STARTUP_TIMEOUT = 180.0
STOP_TIMEOUT = 20.0
PASSWORD_ENV = "BENCH_IMAP_PASSWORD"
HOOK_ENV = "BENCH_HOOK_URL"
CARRIER_ENV = "BENCH_17TRACK_KEY"  # secrets from the environment, as the config's warning asks
# The log line this benchmark depends on (daemon/sources/imap_watch.py): a
# watcher writes it once its folder is caught up, just before it enters IDLE.
IDLE_LINE = "{name}: waiting for new mail (IDLE)"
# The carrier backend's first answer (a refused connection: its port is closed).
FIRST_CHECK_LINE = "17track: cannot reach"
# Written instead when the server offers no IDLE: the run would measure polling.
POLL_LINE = ": checking for new mail every"
# Informational only: a folder report after a check that read mail ("INBOX: 40 new").
_NEW_MAIL = re.compile(r": \S+: (\d+) new")
_KIB = 1024.0


# --- reading /proc -------------------------------------------------------------------


@dataclass(frozen=True)
class ProcSample:
    """One reading of a process's memory and CPU counters, and when it was taken."""

    rss_kib: int
    hwm_kib: int
    threads: int
    cpu_ticks: int
    at: float

    def cpu_seconds(self, ticks_per_second: int) -> float:
        return self.cpu_ticks / ticks_per_second


def sample(pid: int, now: float) -> ProcSample:
    """VmRSS, VmHWM and Threads from /proc/<pid>/status; utime + stime (user and
    system CPU, in clock ticks) from /proc/<pid>/stat."""
    fields: dict[str, str] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    stat = Path(f"/proc/{pid}/stat").read_text()
    # The command name (field 2) is in parentheses and may hold spaces: count
    # the fields after its closing parenthesis. utime and stime are fields 14, 15.
    after = stat[stat.rindex(")") + 2 :].split()
    utime, stime = int(after[11]), int(after[12])
    return ProcSample(
        rss_kib=_kib(fields["VmRSS"]),
        hwm_kib=_kib(fields["VmHWM"]),
        threads=int(fields["Threads"]),
        cpu_ticks=utime + stime,
        at=now,
    )


def children_rss_kib(pid: int) -> int:
    """The resident memory of `pid`'s children (its parse workers), summed."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.partition(":")[::2] for line in status.splitlines())
        if fields.get("PPid", "").strip() == str(pid) and "VmRSS" in fields:
            total += _kib(fields["VmRSS"].strip())
    return total


def _kib(value: str) -> int:
    number, unit = value.split()
    assert unit == "kB", value  # /proc reports these in KiB, spelt "kB"
    return int(number)


# --- the daemon's log ------------------------------------------------------------------


class DaemonLog:
    """Drains the daemon's stderr (a full pipe would block it) and tells when
    every named watcher has logged that it waits in IDLE."""

    def __init__(self, stream: IO[str], watchers: Sequence[str]) -> None:
        self.lines: list[str] = []
        self._stream = stream
        self._waiting = set(watchers)
        self._idle: set[str] = set()
        self._new_mail: int | None = None
        self._polling = False
        self._ended = False
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._read, name="daemon-log", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        for raw in self._stream:
            line = raw.rstrip("\n")
            with self._changed:
                self.lines.append(line)
                for name in self._waiting - self._idle:
                    if IDLE_LINE.format(name=name) in line:
                        self._idle.add(name)
                self._polling = self._polling or POLL_LINE in line
                found = _NEW_MAIL.search(line)
                if found:
                    self._new_mail = (self._new_mail or 0) + int(found.group(1))
                self._changed.notify_all()
        with self._changed:
            self._ended = True
            self._changed.notify_all()

    def wait_idle(self, timeout: float) -> None:
        """Return once every watcher is in IDLE; raise when the daemon ended,
        fell back to polling, or `timeout` passed first."""
        with self._changed:
            done = self._changed.wait_for(
                lambda: self._idle == self._waiting or self._ended or self._polling, timeout
            )
            if self._idle == self._waiting:
                return
            if not done:
                reason = f"not every watcher was in IDLE after {timeout:g} s"
            elif self._polling:
                reason = "a watcher polls instead of IDLE (the server offers no IDLE?)"
            else:
                reason = "parcelwatch run ended during start-up"
            raise RuntimeError(f"{reason}; its log ends with:\n{self.tail()}")

    def wait_for_text(self, text: str, timeout: float) -> None:
        """Return once a line containing `text` was logged; raise when the
        daemon ended or `timeout` passed first."""
        with self._changed:
            seen = self._changed.wait_for(
                lambda: self._ended or any(text in line for line in self.lines), timeout
            )
            if not seen or not any(text in line for line in self.lines):
                raise RuntimeError(f"no line with {text!r}; the log ends with:\n{self.tail()}")

    def wait_ended(self, timeout: float) -> bool:
        """True when the daemon closed its stderr (it ended) within `timeout`.
        Waiting on the pipe needs no polling, so the benchmark itself stays idle
        during the window instead of competing for the CPU it measures."""
        with self._changed:
            return self._changed.wait_for(lambda: self._ended, timeout)

    def tail(self, count: int = 20) -> str:
        with self._changed:
            return "\n".join(self.lines[-count:])

    @property
    def new_mail(self) -> int | None:
        """Emails read as the daemon reported them (None: no report was logged)."""
        with self._changed:
            return self._new_mail

    def close(self) -> None:
        """Call once the daemon has ended: its stderr reaches its end."""
        self._thread.join(STOP_TIMEOUT)
        if not self._thread.is_alive():
            self._stream.close()


# --- the mailboxes and the config ------------------------------------------------------


def user(index: int) -> str:
    return f"bench{index}@example.test"


def account_name(index: int) -> str:
    return f"bench{index}"


def inbox(index: int, rng: random.Random) -> list[bytes]:
    """A shuffled INBOX of personal mail and Amazon emails. Every message has
    its own Message-ID, so each account's backfill reads and records all of its
    Amazon mail (a Message-ID recorded before would be skipped). Tracking numbers
    stay those of the templates, so copies share shipments and there are fewer
    notifications than Amazon emails; with several accounts, which copy of a
    shipment is read first varies, and so does the count by one or two."""
    templates = amazon_templates()
    base = index * 100_000
    mail = [
        unique_copy(templates[n % len(templates)], base + n, rng) for n in range(AMAZON_PER_ACCOUNT)
    ]
    mail += [filler(base + n) for n in range(MESSAGES_PER_ACCOUNT - AMAZON_PER_ACCOUNT)]
    rng.shuffle(mail)
    return mail


def append(server: dovecot.Dovecot, login: str, messages: list[bytes]) -> None:
    """APPEND `messages` to the user's INBOX in one MULTIAPPEND."""
    imap = IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=60)
    try:
        imap.login(login, PASSWORD)
        imap.multiappend("INBOX", messages)
    finally:
        with suppress(Exception):
            imap.logout()


def config_text(
    server: dovecot.Dovecot,
    state_dir: Path,
    accounts: int,
    mqtt_url: str | None = None,
    web_port: int | None = None,
    carriers: bool = False,
) -> str:
    """A config with one [[imap]] section per account (INBOX only, IDLE on)
    and one notification target, whose URL `daemon()` passes in the environment."""
    parts = [f'[general]\nstate_dir = "{state_dir}"\nlog_level = "info"\n']
    for index in range(accounts):
        parts.append(
            f'[[imap]]\nname = "{account_name(index)}"\nhost = "127.0.0.1"\n'
            f'security = "plain"\nport = {server.port}\nusername = "{user(index)}"\n'
            f'password = {{ env = "{PASSWORD_ENV}" }}\nfolders = ["INBOX"]\nidle = true\n'
        )
    parts.append(f'[[notify.target]]\nname = "hook"\nurl = {{ env = "{HOOK_ENV}" }}\n')
    if mqtt_url is not None:
        parts.append(f'[mqtt]\nurl = "{mqtt_url}"\ndelivery_photo = false\n')
    if web_port is not None:
        parts.append(f'[web]\nlisten = "127.0.0.1:{web_port}"\nphotos = false\n')
    if carriers:  # a closed port: nothing may leave the machine
        parts.append(f'[carriers.17track]\napi_key = {{ env = "{CARRIER_ENV}" }}\n'
                     'base_url = "http://127.0.0.1:9"\n')  # fmt: skip
    return "\n".join(parts)


@contextmanager
def running_dovecot(accounts: int) -> Iterator[dovecot.Dovecot]:
    """A Dovecot with one user per account; stopped and removed on exit."""
    with tempfile.TemporaryDirectory(prefix="parcelwatch-bench-tls-") as name:
        directory = Path(name)
        directory.chmod(0o755)  # Dovecot's login processes read the certificate
        users = {user(index): PASSWORD for index in range(accounts)}
        with dovecot.running(dovecot.make_tls(directory), users) as server:
            yield server


@contextmanager
def daemon(config: Path, home: Path, hook_url: str) -> Iterator[subprocess.Popen[str]]:
    """`parcelwatch run` as a subprocess, ended on exit whatever happened:
    SIGTERM (a clean stop), then SIGKILL if it does not stop in time."""
    env = {**os.environ, PASSWORD_ENV: PASSWORD, HOOK_ENV: hook_url, "HOME": str(home),
           CARRIER_ENV: "bench-key"}  # fmt: skip
    command = [sys.executable, "-m", "daemon.cli", "--config", str(config)]
    command += ["--log-level", "info", "run"]
    process = subprocess.Popen(
        command,
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# --- the measurement -------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """The figures of one run; sizes in MB of 1024 KiB, times in seconds."""

    accounts: int
    mqtt: bool
    web: bool
    messages_per_account: int
    amazon_per_account: int
    startup_wall_s: float
    startup_cpu_s: float
    startup_emails_read: int | None
    startup_notifications: int
    window_s: float
    rss_start_mb: float
    rss_end_mb: float
    peak_rss_mb: float
    workers_start_mb: float
    workers_end_mb: float
    window_cpu_s: float
    cpu_s_per_hour: float
    cpu_tick_s: float
    threads: int
    notifications_in_window: int
    python: str
    nproc: int | None
    history: int = 0

    def lines(self) -> list[str]:
        read = "?" if self.startup_emails_read is None else str(self.startup_emails_read)
        return [
            f"python {self.python}, {self.nproc} CPUs; {self.accounts} account(s), "
            f"{'with' if self.mqtt else 'without'} [mqtt], "
            f"{'with' if self.web else 'without'} [web], "
            f"{self.messages_per_account} emails each ({self.amazon_per_account} from Amazon)"
            + (f"; {self.history} shipments before, a carrier backend" if self.history else ""),
            f"start-up until every watcher is in IDLE: {self.startup_wall_s:.2f} s wall, "
            f"{self.startup_cpu_s:.2f} s CPU ({read} emails read, "
            f"{self.startup_notifications} notifications delivered)",
            f"idle window: {self.window_s:.1f} s, {self.threads} threads, "
            f"{self.notifications_in_window} notifications",
            f"RSS: {self.rss_start_mb:.1f} MB at the start, {self.rss_end_mb:.1f} MB at the end, "
            f"peak (VmHWM) {self.peak_rss_mb:.1f} MB",
            f"parse workers (child processes, gone once idle): {self.workers_start_mb:.1f} MB "
            f"at the start, {self.workers_end_mb:.1f} MB at the end",
            f"CPU in the window: {self.window_cpu_s:.2f} s (counted in ticks of "
            f"{self.cpu_tick_s:.3f} s) = {self.cpu_s_per_hour:.2f} CPU s per hour",
        ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def open_pages(port: int) -> None:
    """Each kind of page once, as a person and Prometheus would."""
    for path in ("/", "/parcel/1", "/search?q=cable", "/api/shipments", "/metrics"):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as answer:
            answer.read()


def measure(
    seconds: float, accounts: int, mqtt: bool = False, web: bool = False, history: int = 0
) -> Result:
    rng = random.Random(11)
    with (
        running_dovecot(accounts) as server,
        ReceiverServer() as receiver,
        tempfile.TemporaryDirectory(prefix="parcelwatch-bench-") as name,
        ExitStack() as stack,
    ):
        broker = stack.enter_context(mosquitto.running()) if mqtt else None
        for index in range(accounts):
            append(server, user(index), inbox(index, rng))
        home = Path(name)
        config = home / "config.toml"
        mqtt_url = broker.url if broker is not None else None
        web_port = free_port() if web else None
        config.write_text(config_text(server, home / "state", accounts, mqtt_url, web_port,
                                      carriers=history > 0))  # fmt: skip
        if history:
            store = Store(f"sqlite:///{home / 'state' / 'parcelwatch.db'}")
            fill(store, history, first=10**6, now=datetime.now(UTC), due=False)
            store.close()
        watchers = [f"{account_name(index)}/INBOX" for index in range(accounts)]
        started = time.monotonic()
        with daemon(config, home, receiver.url()) as process:
            assert process.stderr is not None
            log = DaemonLog(process.stderr, watchers)
            result = observe(
                process, log, receiver, started, seconds, accounts, mqtt, web_port, history
            )
        log.close()  # the daemon has ended: its stderr is at its end
    return replace(result, history=history)


def observe(
    process: subprocess.Popen[str],
    log: DaemonLog,
    receiver: Receiver,
    started: float,
    seconds: float,
    accounts: int,
    mqtt: bool,
    web_port: int | None = None,
    history: int = 0,
) -> Result:
    """Wait for the end of start-up (and open the pages), then read /proc at
    both ends of the idle window."""
    ticks = os.sysconf("SC_CLK_TCK")
    log.wait_idle(STARTUP_TIMEOUT)
    wait_for_hellos(receiver, [account_name(n) for n in range(accounts)], STARTUP_TIMEOUT)
    if history:
        # The backfill's new parcels are due at once; their first check (at the
        # carrier job's next minute, against the closed port) builds the HTTP
        # client and backs off for 15 minutes: start-up, not idling.
        log.wait_for_text(FIRST_CHECK_LINE, STARTUP_TIMEOUT + 60)
    if web_port is not None:
        open_pages(web_port)
    first = sample(process.pid, time.monotonic())
    workers_first = children_rss_kib(process.pid)
    sent_at_idle = _count(receiver)
    # Wait for the window to pass, or for the daemon to die within it.
    if log.wait_ended(seconds):
        raise RuntimeError(f"parcelwatch run ended while idle; its log ends with:\n{log.tail()}")
    last = sample(process.pid, time.monotonic())
    workers_last = children_rss_kib(process.pid)
    window = last.at - first.at
    window_cpu = (last.cpu_ticks - first.cpu_ticks) / ticks
    return Result(
        accounts=accounts,
        mqtt=mqtt,
        web=web_port is not None,
        messages_per_account=MESSAGES_PER_ACCOUNT,
        amazon_per_account=AMAZON_PER_ACCOUNT,
        startup_wall_s=first.at - started,
        startup_cpu_s=first.cpu_seconds(ticks),
        startup_emails_read=log.new_mail,
        startup_notifications=sent_at_idle,
        window_s=window,
        rss_start_mb=first.rss_kib / _KIB,
        rss_end_mb=last.rss_kib / _KIB,
        peak_rss_mb=last.hwm_kib / _KIB,
        workers_start_mb=workers_first / _KIB,
        workers_end_mb=workers_last / _KIB,
        window_cpu_s=window_cpu,
        cpu_s_per_hour=window_cpu / window * 3600,
        cpu_tick_s=1 / ticks,
        threads=last.threads,
        notifications_in_window=_count(receiver) - sent_at_idle,
        python=platform.python_version(),
        nproc=os.cpu_count(),
    )


def wait_for_hellos(receiver: Receiver, names: list[str], timeout: float) -> None:
    """Each account's hello is queued after its first sync, and may go out just
    after its watcher entered IDLE: start-up ends when it has arrived, so that
    the window measures the waiting, not the first send (Apprise's loading)."""

    def arrived() -> bool:
        titles = receiver.titles()
        return all(any(t.startswith(f"Watching {name}") for t in titles) for name in names)

    with receiver.changed:
        if not receiver.changed.wait_for(arrived, timeout):
            raise RuntimeError(f"not every account's hello arrived within {timeout:g} s")


def _count(receiver: Receiver) -> int:
    with receiver.lock:
        return len(receiver.requests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=300.0, help="idle window (300)")
    parser.add_argument("--accounts", type=int, default=2, help="IMAP accounts (2)")
    parser.add_argument("--mqtt", action="store_true", help="also publish to a local Mosquitto")
    parser.add_argument("--web", action="store_true", help="serve and open the web pages too")
    parser.add_argument("--history", type=int, default=0,
                        help="shipments in the database before, and a carrier backend")  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if args.seconds <= 0 or args.accounts < 1:
        parser.error("--seconds must be positive and --accounts at least 1")
    result = measure(args.seconds, args.accounts, args.mqtt, args.web, args.history)
    if args.json:
        print(json.dumps(asdict(result)))
    else:
        print("\n".join(result.lines()))


if __name__ == "__main__":
    main()
