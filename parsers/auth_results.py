"""The Authentication-Results header that the user's own mail server wrote.

A receiving server records its SPF, DKIM and DMARC verdicts in an
Authentication-Results header (RFC 8601) that starts with its own name, the
authserv-id ("mx.example.org; dkim=pass header.d=amazon.com; ..."), and puts it
above the headers the message arrived with. Anyone can write such a header into
the mail they send, so only one is believed:

- with `authserv_id` configured, the topmost header that carries it: the server
  writes its own above anything the sender wrote (and RFC 8601 asks it to remove
  forged ones with its id);
- without it, the topmost header, whoever wrote it: good enough to believe a
  failure (a forged failure only hurts the forger), never a pass (where the user's
  server writes none, the topmost header is the sender's own).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the daemon reads authserv-ids without the HTML decoder
    from parsers.message import MailMessage

_CLAUSE = re.compile(r"^\s*([a-z]+)\s*=\s*([a-z]+)(.*)", re.IGNORECASE | re.DOTALL)
# The domain a DKIM or DMARC result is about: header.d=, header.i=@... or header.from=.
_DOMAIN = re.compile(r"\bheader\.(?:d|i|from)\s*=\s*(?:[^\s;@]*@)?([a-z0-9.-]+)", re.IGNORECASE)
_AUTHSERV = re.compile(r"\s*([^\s;]+)")


@dataclass(frozen=True)
class Result:
    """One method's verdict: "dkim" "pass" about "amazon.com"; `domain` is None
    when the clause names none; `detail` is the rest of the clause, lower-cased."""

    method: str
    outcome: str
    domain: str | None
    detail: str


@dataclass(frozen=True)
class ServerResults:
    """The verdicts of the one header believed, and whether its passes count
    (only when it carries the configured authserv-id)."""

    results: tuple[Result, ...]
    verified: bool


def authserv_id_of(value: str) -> str:
    """The authserv-id a header value starts with, lower-cased ("" if none)."""
    match = _AUTHSERV.match(value)
    return match.group(1).lower() if match else ""


def server_results(message: MailMessage, authserv_id: str | None) -> ServerResults:
    """The verdicts of the user's server, chosen as the module docstring says."""
    values = message.header("Authentication-Results")
    if authserv_id:
        wanted = authserv_id.lower()
        chosen = next((v for v in values if authserv_id_of(v) == wanted), None)
    else:
        chosen = values[0] if values else None
    if chosen is None:
        return ServerResults((), verified=False)
    return ServerResults(_results(chosen), verified=bool(authserv_id))


def _results(value: str) -> tuple[Result, ...]:
    found: list[Result] = []
    for clause in value.split(";")[1:]:
        match = _CLAUSE.match(clause)
        if match is None:
            continue
        method, outcome, rest = match.group(1).lower(), match.group(2).lower(), match.group(3)
        domain = _DOMAIN.search(rest)
        named = domain.group(1).lower().strip(".") if domain else None
        found.append(Result(method, outcome, named, rest.lower()))
    return tuple(found)
