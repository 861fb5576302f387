"""Fixtures for the IMAP tests: a real Dovecot on loopback, a way to put mail in
it the way a mail server would (APPEND), and apps configured against it.

Dovecot must be installed (Debian's dovecot-imapd; `.ci/run` installs it). Under
CI a missing Dovecot fails the run instead of skipping these tests silently.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from imapclient import IMAPClient

from daemon.app import App, build
from daemon.config.settings import load_settings
from tests.support import dovecot
from tests.support.receiver import Receiver
from tests.support.replay import freshened

SAMPLE = Path(__file__).resolve().parents[3] / "daemon" / "cli" / "sample_mailbox" / "cur"
# A shipping email identified by its order id alone: each copy about a new
# order (tests/support/replay.another_order) is a new parcel.
SHIPPED_BY_ORDER = (
    SAMPLE.parents[3] / "tests" / "emails" / "amazon_au" / "dispatched_amazon_text.eml"
)
USER, PASSWORD = "alice@example.test", "correct horse battery"
OTHER_USER, OTHER_PASSWORD = "bob@example.test", "staple"


def sample_messages() -> list[bytes]:
    """The 16 sample emails (15 order emails and one Amazon marketing mail), oldest
    first, dated a minute apart up to now: these tests run the real clock, and
    the story is news (see tests/support/replay.py)."""
    return freshened(original_samples(), datetime.now(UTC))


def original_samples() -> list[bytes]:
    """The same emails as written, dated March and April 2026: history."""
    return [path.read_bytes() for path in sorted(SAMPLE.iterdir())]


NOT_AMAZON = (
    b"From: Carol <carol@example.org>\r\nTo: alice@example.test\r\n"
    b"Subject: Shipped: the photos you asked for\r\nMessage-ID: <carol-1@example.org>\r\n"
    b"Date: Mon, 23 Mar 2026 10:00:00 +0000\r\n\r\nHere they are.\r\n"
)


@pytest.fixture(scope="session")
def tls() -> dovecot.Tls:
    directory = Path(tempfile.mkdtemp(prefix="parcelwatch-tls-"))
    directory.chmod(0o755)
    return dovecot.make_tls(directory)


@pytest.fixture
def server(tls: dovecot.Tls) -> Iterator[dovecot.Dovecot]:
    if not dovecot.available():
        if os.environ.get("CI") == "true":
            pytest.fail("dovecot is not installed; .ci/run must apt-get install dovecot-imapd")
        pytest.skip("dovecot is not installed (apt-get install dovecot-imapd)")
    with dovecot.running(tls, {USER: PASSWORD, OTHER_USER: OTHER_PASSWORD}) as running:
        yield running


@dataclass
class Mailbox:
    """Puts mail into a user's folders over IMAP, as a delivering server would."""

    server: dovecot.Dovecot
    user: str = USER
    password: str = PASSWORD

    def client(self) -> Any:
        client = IMAPClient("127.0.0.1", port=self.server.port, ssl=False, timeout=10)
        client.login(self.user, self.password)
        return client

    def append(
        self,
        messages: list[bytes],
        folder: str = "INBOX",
        flags: tuple[bytes, ...] = (),
        when: datetime | None = None,
    ) -> None:
        client = self.client()
        try:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            for data in messages:
                client.append(folder, data, flags=flags, msg_time=when)
        finally:
            client.logout()

    def flags(self, folder: str = "INBOX") -> dict[int, tuple[bytes, ...]]:
        client = self.client()
        try:
            client.select_folder(folder, readonly=True)
            data = client.fetch(client.search("ALL"), ["FLAGS"])
            return {uid: tuple(sorted(item[b"FLAGS"])) for uid, item in data.items()}
        finally:
            client.logout()

    def recreate(self, folder: str) -> None:
        """Delete and re-create a folder: it comes back with a new UIDVALIDITY."""
        client = self.client()
        try:
            client.delete_folder(folder)
            client.create_folder(folder)
        finally:
            client.logout()


@pytest.fixture
def mailbox(server: dovecot.Dovecot) -> Mailbox:
    return Mailbox(server)


AppFactory = Callable[..., App]


@pytest.fixture
def make_app(tmp_path: Path, server: dovecot.Dovecot, tls: dovecot.Tls) -> Iterator[AppFactory]:
    """Builds an app from a real config file with one [[imap]] account pointing at
    the test server; keyword arguments override the account's keys."""
    apps: list[App] = []

    def factory(receiver: Receiver | None = None, **account: object) -> App:
        config = write_config(tmp_path, server, receiver, **account)
        env = {"HOME": str(tmp_path), "IMAP_PASSWORD": PASSWORD}
        app = build(load_settings(config, env, required=True))
        apps.append(app)
        return app

    yield factory
    for app in apps:
        app.close()


def write_config(
    tmp_path: Path, server: dovecot.Dovecot, receiver: Receiver | None, **account: object
) -> Path:
    """A config file with one [[imap]] account on the test server (keyword
    arguments override its keys; None removes one) and the receiver as target."""
    values: dict[str, object] = {
        "name": "home",
        "host": "127.0.0.1",
        "port": server.port,
        "security": "plain",
        "username": USER,
        "password": {"env": "IMAP_PASSWORD"},
    }
    values.update(account)
    lines = [f'[general]\nstate_dir = "{tmp_path / "state"}"\n', "[[imap]]"]
    lines += [f"{key} = {toml_value(value)}" for key, value in values.items() if value is not None]
    if receiver is not None:
        # photos = false: the corpus links photos on Amazon's servers, not fetched here
        lines.append("[notify]\nphotos = false")
        lines.append(f'[[notify.target]]\nname = "hook"\nurl = "{receiver.url()}"')
    config = tmp_path / "config.toml"
    config.write_text("\n".join(lines) + "\n")
    return config


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict):
        inner = ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def now() -> datetime:
    return datetime.now(UTC)
