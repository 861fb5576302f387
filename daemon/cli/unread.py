"""`parcelwatch unrecognised` and `parcelwatch report`: the Amazon emails that
parcelwatch could not read, and an anonymised copy of one for a bug report."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from datetime import datetime, tzinfo
from pathlib import Path

from daemon.cli.context import Reader, with_reader
from daemon.cli.statuses import EXIT_FAILURE, EXIT_OK
from daemon.store.unread import UnreadEmails
from daemon.store.views import UnreadView
from parsers.anonymise import Anonymiser, is_personal
from parsers.message import parse_message


def configure_unrecognised(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--limit", type=int, default=50, help="show at most this many (default 50)")


def run_unrecognised(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    def work(reader: Reader) -> int:
        unread = UnreadEmails(reader.store)
        emails = unread.listed(limit=args.limit)
        if not emails:
            print("parcelwatch has read every Amazon email it was given.")
            return EXIT_OK
        print(listing(emails, reader.zone))
        print(
            f"\n{unread.count()} in all. `parcelwatch report ID` writes an anonymised "
            "copy of one for a bug report."
        )
        return EXIT_OK

    return with_reader(args, env, work)


def listing(emails: list[UnreadView], zone: tzinfo | None) -> str:
    """One line per email: id, date, sender, subject, the orders it names."""
    rows = [("ID", "DATE", "FROM", "SUBJECT", "ORDER")]
    for email in emails:
        when = email.sent_at or email.recorded_at
        rows.append(
            (
                str(email.pk),
                _when(when, zone),
                email.sender or "-",
                _cut(email.subject or "-", 60),
                ", ".join(email.order_ids) or "-",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def configure_report(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument(
        "message",
        metavar="MESSAGE",
        help="an ID from `parcelwatch unrecognised`, or the path of an email file (.eml)",
    )
    cmd.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="where to write the copy ('-': standard output; default: "
        "parcelwatch-report-ID.eml in the current directory)",
    )


def run_report(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    path = Path(args.message).expanduser()
    if path.is_file():
        return _report(path.read_bytes(), args.output or f"parcelwatch-report-{path.stem}.eml")
    if not args.message.isdigit():
        print(
            f"parcelwatch: {args.message!r} is neither an ID from `parcelwatch unrecognised` "
            "nor an email file",
            file=sys.stderr,
        )
        return EXIT_FAILURE

    def work(reader: Reader) -> int:
        found = UnreadEmails(reader.store).raw(int(args.message))
        if found is None:
            print(
                f"parcelwatch: no unrecognised email has the ID {args.message} "
                "(`parcelwatch unrecognised` lists them)",
                file=sys.stderr,
            )
            return EXIT_FAILURE
        email, raw = found
        if raw is None:
            print(
                f"parcelwatch: email {email.pk} was too large to keep; find it in "
                f"{email.source} at {email.location} and run `parcelwatch report FILE`",
                file=sys.stderr,
            )
            return EXIT_FAILURE
        return _report(raw, args.output or f"parcelwatch-report-{email.pk}.eml")

    return with_reader(args, env, work)


def _report(raw: bytes, output: str) -> int:
    anonymiser = Anonymiser()
    copy = anonymiser.anonymise(raw)
    if output == "-":
        sys.stdout.buffer.write(copy)
        return EXIT_OK
    Path(output).write_bytes(copy)
    print(
        f"Wrote {output}: names, addresses, order ids, tracking numbers, shipment ids and "
        "link tokens are replaced; read it before you attach it to a bug report."
    )
    sender = parse_message(raw).sender
    if sender is not None and is_personal(sender.address):
        print(
            f"It was forwarded by {sender.address}, written as "
            f"{anonymiser.address(sender.address)}: parse it with that address in "
            "[amazon] forwarding_addresses."
        )
    return EXIT_OK


def _when(moment: datetime, zone: tzinfo | None) -> str:
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M}"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
