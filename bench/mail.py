"""Mail for the IMAP benchmarks: copies of the golden corpus's Amazon emails made
unique (new order ids and Message-IDs, so each one is a new order to record),
filler mail from other senders, and a Dovecot to put it in.
"""

from __future__ import annotations

import random
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from imapclient import IMAPClient

from tests.support import dovecot

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "emails"
USER, PASSWORD = "bench@example.test", "bench-password"
_ORDER_ID = re.compile(rb"(?<!\d)\d{3}-\d{7}-\d{7}(?!\d)")
_MESSAGE_ID = re.compile(rb"^Message-ID:[^\r\n]*", re.IGNORECASE | re.MULTILINE)


def amazon_templates() -> list[bytes]:
    """Every corpus email that yields events (not the negatives)."""
    templates = []
    for path in sorted(CORPUS.rglob("*.eml")):
        expected = path.with_name(path.stem + ".expected.json").read_text()
        if '"parser": "amazon"' in expected and '"milestone"' in expected:
            templates.append(path.read_bytes())
    return templates


def unique_copy(template: bytes, number: int, rng: random.Random) -> bytes:
    """`template` about new orders, with a new Message-ID. (Order ids inside
    base64 bodies stay as they are: such copies repeat the template's orders.)"""
    mapping: dict[bytes, bytes] = {}

    def new_id(match: re.Match[bytes]) -> bytes:
        old = match.group(0)
        if old not in mapping:
            prefix = old[:3]
            mapping[old] = b"%s-%07d-%07d" % (prefix, rng.randrange(10**7), rng.randrange(10**7))
        return mapping[old]

    if b"quoted-printable" in template.lower() and b"base64" not in template.lower():
        # Join soft line breaks, which can split an order id in a link; a
        # quoted-printable decoder accepts the longer lines.
        template = template.replace(b"=\r\n", b"").replace(b"=\n", b"")
    data = _ORDER_ID.sub(new_id, template)
    header = b"Message-ID: <bench-%d-%d@amazon.example>" % (number, rng.randrange(10**9))
    if _MESSAGE_ID.search(data):
        return _MESSAGE_ID.sub(header, data, count=1)
    return header + b"\r\n" + data


def filler(number: int) -> bytes:
    """A plain personal email of about 2 KB, from someone who is not Amazon."""
    body = (b"Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 35).strip()
    return (
        b"From: Friend %d <friend%d@example.org>\r\nTo: bench@example.test\r\n"
        b"Subject: Note number %d\r\nMessage-ID: <filler-%d@example.org>\r\n"
        b"Date: Mon, 16 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n"
    ) % (number % 97, number % 97, number, number, body)


def client(server: dovecot.Dovecot) -> Any:
    imap = IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=60)
    imap.login(USER, PASSWORD)
    return imap


def fill(server: dovecot.Dovecot, messages: list[bytes], folder: str = "INBOX") -> None:
    """APPEND in batches with MULTIAPPEND: one command per thousand messages."""
    imap = client(server)
    try:
        if not imap.folder_exists(folder):
            imap.create_folder(folder)
        for start in range(0, len(messages), 1000):
            imap.multiappend(folder, messages[start : start + 1000])
    finally:
        imap.logout()


@contextmanager
def running_dovecot() -> Iterator[dovecot.Dovecot]:
    directory = Path(tempfile.mkdtemp(prefix="parcelwatch-bench-tls-"))
    directory.chmod(0o755)
    with dovecot.running(dovecot.make_tls(directory), {USER: PASSWORD}) as server:
        yield server


def config_text(server: dovecot.Dovecot, state_dir: Path, hook_url: str | None) -> str:
    lines = [
        f'[general]\nstate_dir = "{state_dir}"\nlog_level = "warning"\n',
        "[[imap]]",
        'name = "bench"\nhost = "127.0.0.1"\nsecurity = "plain"',
        f'port = {server.port}\nusername = "{USER}"\npassword = {{ env = "BENCH_IMAP_PASSWORD" }}',
    ]
    if hook_url:
        lines.append(f'[[notify.target]]\nname = "hook"\nurl = "{hook_url}"')
    return "\n".join(lines) + "\n"
