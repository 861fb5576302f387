"""Telling systemd how the daemon is doing: the sd_notify protocol, by hand.

The protocol is small enough not to justify a dependency: one datagram of
newline-separated `KEY=value` lines to the AF_UNIX socket named in
$NOTIFY_SOCKET. systemd uses it for `Type=notify` readiness, the STATUS line of
`systemctl status`, the watchdog, and reload/stop bookkeeping.

A daemon must work the same outside systemd (a terminal, a container, the
tests), so without $NOTIFY_SOCKET every method does nothing, and a failure to
send is never allowed to take the daemon down: it is logged once, at debug.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Mapping
from types import TracebackType

log = logging.getLogger(__name__)

_USEC_PER_SECOND = 1_000_000


class SystemdNotifier:
    """Sends state changes to the service manager; a no-op when not under one.

    Build it with `from_env`, once, in the command that runs the daemon, and
    pass it to whatever reports progress. Safe to share between threads.
    """

    def __init__(self, address: str | bytes | None, watchdog_usec: int | None = None) -> None:
        """`address` is what `socket.sendto` takes (a path, or bytes starting with
        NUL for an abstract socket); None disables sending. `watchdog_usec` is
        the watchdog timeout systemd expects pings within, if it is ours."""
        self._address = address
        self._watchdog_usec = watchdog_usec
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None
        self._failed = False

    @classmethod
    def from_env(cls, env: Mapping[str, str], pid: int) -> SystemdNotifier:
        """The notifier systemd asked for through `env`, for the process `pid`.

        $WATCHDOG_USEC counts only when $WATCHDOG_PID is unset or names `pid`:
        a child that inherited the variables must not ping for its parent.
        """
        address = _socket_address(env.get("NOTIFY_SOCKET", ""))
        if address is None:
            return cls(None)
        return cls(address, _watchdog_usec(env, pid))

    @property
    def enabled(self) -> bool:
        """True when messages go somewhere (the daemon runs under systemd)."""
        return self._address is not None

    def watchdog_interval(self) -> float | None:
        """Seconds between `watchdog()` pings, or None when no watchdog is armed.

        Half the timeout, as sd_watchdog_enabled(3) advises, so one late wake-up
        does not get the service killed.
        """
        if self._address is None or self._watchdog_usec is None:
            return None
        return self._watchdog_usec / 2 / _USEC_PER_SECOND

    def ready(self, status: str) -> None:
        """Start-up is over: `systemctl start` returns, dependent units start."""
        self._send(("READY=1", _status_line(status)))

    def status(self, text: str) -> None:
        """The one-line state shown by `systemctl status` ("watching 2 folders")."""
        self._send((_status_line(text),))

    def watchdog(self) -> None:
        """Still alive; must come within every `watchdog_interval()` seconds."""
        self._send(("WATCHDOG=1",))

    def reloading(self, monotonic_usec: int) -> None:
        """A reload (SIGHUP) has begun; follow it with `reloaded()`.

        `monotonic_usec` is CLOCK_MONOTONIC in microseconds at the start of the
        reload (`time.monotonic_ns() // 1000`): systemd 253+ (Type=notify-reload)
        uses it to tell this reload from an earlier one; older versions ignore it.
        """
        self._send(("RELOADING=1", f"MONOTONIC_USEC={monotonic_usec}"))

    def reloaded(self, status: str) -> None:
        """The reload is done and the daemon serves again."""
        self.ready(status)

    def stopping(self) -> None:
        """Shutdown has begun, so systemd does not read a slow stop as a hang."""
        self._send(("STOPPING=1",))

    def close(self) -> None:
        """Release the socket; later messages open a new one."""
        with self._lock:
            if self._socket is not None:
                self._socket.close()
                self._socket = None

    def __enter__(self) -> SystemdNotifier:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SystemdNotifier(address={self._address!r}, watchdog_usec={self._watchdog_usec})"

    def _send(self, lines: tuple[str, ...]) -> None:
        if self._address is None:
            return
        payload = "\n".join(lines).encode("utf-8")
        with self._lock:
            try:
                if self._socket is None:
                    self._socket = socket.socket(
                        socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC
                    )
                self._socket.sendto(payload, self._address)
            except OSError as exc:
                # Once: a vanished socket would otherwise log at every ping.
                if not self._failed:
                    self._failed = True
                    log.debug("cannot notify systemd at %r: %s", self._address, exc)


def _socket_address(raw: str) -> str | bytes | None:
    """$NOTIFY_SOCKET as a sendto() address: "@name" is the abstract socket
    "\\0name", an absolute path is itself; anything else (unset, or a vsock
    address this daemon's sandbox cannot reach) disables notifications."""
    if raw.startswith("@") and len(raw) > 1:
        return b"\0" + raw[1:].encode("utf-8")
    if raw.startswith("/"):
        return raw
    if raw:
        log.warning("NOTIFY_SOCKET=%r is not a path or an abstract socket; not notifying", raw)
    return None


def _watchdog_usec(env: Mapping[str, str], pid: int) -> int | None:
    owner = env.get("WATCHDOG_PID", "")
    if owner and (not owner.isdigit() or int(owner) != pid):
        return None
    raw = env.get("WATCHDOG_USEC", "")
    if not raw.isdigit() or int(raw) == 0:
        return None
    return int(raw)


def _status_line(text: str) -> str:
    # A newline would end STATUS= and start a line systemd reads as another
    # assignment: an error message could otherwise send READY=1 or worse.
    return "STATUS=" + " ".join(text.splitlines())


def reload_command(env: Mapping[str, str], pid: int, cgroup: str) -> str:
    """What the user types to make this daemon read its configuration again:
    `systemctl reload parcelwatch` (or `systemctl --user reload ...`) when
    systemd runs it as a service, named after the unit found in `cgroup` (the
    text of /proc/self/cgroup), else `kill -HUP <pid>`."""
    if env.get("NOTIFY_SOCKET"):
        for line in cgroup.splitlines():
            path = line.split(":", 2)[-1].rstrip("/")
            unit = path.rpartition("/")[2]
            if unit.endswith(".service"):
                user = "--user " if "/user@" in path else ""
                return f"systemctl {user}reload {unit.removesuffix('.service')}"
    return f"kill -HUP {pid}"
