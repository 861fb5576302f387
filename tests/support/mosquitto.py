"""A real Mosquitto MQTT broker on loopback, for tests and benchmarks.

Debian's `mosquitto`, configured from scratch in a temporary directory: one
listener on 127.0.0.1 (plain, or TLS with a certificate of the throw-away CA of
tests/support/dovecot.py), anonymous or with users in a password file made by
`mosquitto_passwd`, and no persistence, so a restart forgets every retained
message as a real broker without a store would: what parcelwatch shows after
one is what it published again.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.dovecot import Tls, free_port
from tests.support.process import LoggedProcess

MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
PASSWD = shutil.which("mosquitto_passwd") or "/usr/bin/mosquitto_passwd"
_READY = " running"  # "mosquitto version 2.0.11 running"


def available() -> bool:
    return Path(MOSQUITTO).exists()


class Mosquitto:
    """One broker. `start()`/`stop()` may be called repeatedly; the port stays."""

    def __init__(self, *, users: dict[str, str] | None = None, tls: Tls | None = None) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="parcelwatch-mosquitto-"))
        self.port = free_port()
        self.users = dict(users or {})
        self.tls = tls
        self.process: LoggedProcess | None = None
        self._write_config()

    def start(self) -> None:
        assert self.process is None, "already running"
        argv = [MOSQUITTO, "-c", str(self.root / "mosquitto.conf")]
        self.process = LoggedProcess("mosquitto", argv, _READY)

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
            self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"{'mqtts' if self.tls else 'mqtt'}://127.0.0.1:{self.port}"

    def _write_config(self) -> None:
        me = pwd.getpwuid(os.getuid()).pw_name
        lines = [
            f"user {me}",
            "persistence false",
            "log_dest stderr",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "log_type information",
            f"listener {self.port} 127.0.0.1",
        ]
        if self.users:
            passwords = self.root / "passwords"
            passwords.touch(mode=0o600)
            for user, password in self.users.items():
                subprocess.run([PASSWD, "-b", str(passwords), user, password], check=True,
                               capture_output=True)  # fmt: skip
            lines += ["allow_anonymous false", f"password_file {passwords}"]
        else:
            lines.append("allow_anonymous true")
        if self.tls is not None:
            lines += [f"certfile {self.tls.cert_file}", f"keyfile {self.tls.key_file}"]
        (self.root / "mosquitto.conf").write_text("\n".join(lines) + "\n")


@contextmanager
def running(*, users: dict[str, str] | None = None, tls: Tls | None = None) -> Iterator[Mosquitto]:
    broker = Mosquitto(users=users, tls=tls)
    try:
        broker.start()
        yield broker
    finally:
        broker.close()
