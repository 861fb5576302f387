"""Mail for the IMAP benchmarks: copies of the golden corpus's Amazon emails made
unique (new order ids and Message-IDs, so each one is a new order to record),
filler mail from other senders, and a Dovecot to put it in.
"""

from __future__ import annotations

import json
import random
import re
import string
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from imapclient import IMAPClient

from parsers.registry import default_registry
from parsers.tracking_numbers import readings
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
        # Join the body's soft line breaks, which can split an order id in a link
        # (a quoted-printable decoder accepts the longer lines); not the headers',
        # where "?=" ends a folded encoded word.
        head, separator, body = template.partition(b"\r\n\r\n")
        if not separator:
            head, separator, body = template.partition(b"\n\n")
        template = head + separator + body.replace(b"=\r\n", b"").replace(b"=\n", b"")
    data = _ORDER_ID.sub(new_id, template)
    header = b"Message-ID: <bench-%d-%d@amazon.example>" % (number, rng.randrange(10**9))
    if _MESSAGE_ID.search(data):
        return _MESSAGE_ID.sub(header, data, count=1)
    return header + b"\r\n" + data


@dataclass(frozen=True)
class Template:
    """A corpus email and the identities of the parcels it names."""

    raw: bytes
    identities: tuple[bytes, ...]  # tracking numbers and Amazon shipment ids, as written


def distinct_templates() -> list[Template]:
    """The corpus emails whose every order id, tracking number and shipment id
    is written out plainly (not inside base64), so that a copy can be given
    new ones: copies of these are distinct shipments, as a real mailbox's are.
    (Forwarded ones, which need a configured forwarder, are left out.)"""
    registry = default_registry()
    found = []
    for path in sorted(CORPUS.rglob("*.eml")):
        expected = json.loads(path.with_name(path.stem + ".expected.json").read_text())
        if expected.get("parser") != "amazon" or not expected["events"]:
            continue
        raw = path.read_bytes()
        if b"base64" in raw.lower():
            continue
        names = {e[k] for e in expected["events"] for k in ("tracking_number", "shipment_id")
                 if e.get(k)}  # fmt: skip
        orders = {o for e in expected["events"] for o in e["order_ids"]}
        if all(n.encode() in raw for n in names | orders) and registry.parse(raw).events:
            found.append(Template(raw, tuple(sorted(n.encode() for n in names))))
    return found


def distinct_copy(template: Template, number: int, rng: random.Random) -> bytes:
    """A copy of `template` about new orders and new parcels: new order ids,
    Message-ID, tracking numbers (valid ones of the same carrier: their check
    digits hold) and Amazon shipment ids."""
    data = unique_copy(template.raw, number, rng)
    for old in template.identities:
        data = data.replace(old, _fresh_identity(old.decode(), rng).encode())
    return data


def _fresh_identity(old: str, rng: random.Random) -> str:
    """Another identity of the same shape: a tracking number that validates for
    the same carriers (digits after its prefix drawn until its check holds), or
    a shipment id with new letters and digits."""
    carriers = {reading.carrier for reading in readings(old)}
    keep = min(4, len(old) // 3)
    for _ in range(10_000):
        new = old[:keep] + "".join(_like(c, rng, letters=not carriers) for c in old[keep:])
        if not carriers or {reading.carrier for reading in readings(new)} == carriers:
            return new
    raise ValueError(f"no fresh number like {old}")


def _like(character: str, rng: random.Random, *, letters: bool) -> str:
    if character.isdigit():
        return str(rng.randrange(10))
    if letters and character.isalpha():
        pool = string.ascii_uppercase if character.isupper() else string.ascii_lowercase
        return rng.choice(pool)
    return character


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
