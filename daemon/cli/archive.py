"""`parcelwatch archive` and `parcelwatch unarchive`: ending a parcel's story
by the user's own judgement (a parcel that came without a "delivered" email,
an order given up on), and bringing it back.

An archived parcel leaves `list`, `list --all`, the digest and the counts, and
its carrier is no longer asked; `show` still finds it. Only the database is
touched, so no secret is read (as `list` and `show`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping

from daemon.cli.context import Reader, with_reader
from daemon.cli.statuses import EXIT_FAILURE, EXIT_OK
from daemon.store.stories import Archived, set_archived

_REFERENCE_HELP = "an order id, a tracking number or an Amazon shipment id"


def configure_archive(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("reference", metavar="ORDER_OR_NUMBER", help=_REFERENCE_HELP)


def configure_unarchive(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("reference", metavar="ORDER_OR_NUMBER", help=_REFERENCE_HELP)


def run_archive(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    def work(reader: Reader) -> int:
        changed = set_archived(reader.store, args.reference, reader.clock())
        return _said(args.reference, changed, "Archived", "`parcelwatch unarchive` brings it back")

    return with_reader(args, env, work)


def run_unarchive(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    def work(reader: Reader) -> int:
        changed = set_archived(reader.store, args.reference, None)
        return _said(args.reference, changed, "Brought back", "`parcelwatch list` shows it again")

    return with_reader(args, env, work)


def _said(reference: str, changed: Archived | None, done: str, next_step: str) -> int:
    if changed is None:
        print(
            f"No order or tracking number {reference!r} is known "
            "(`parcelwatch list --all` shows them).",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    parcels = f"{changed.shipments} parcel{'' if changed.shipments == 1 else 's'}"
    what = f"order {reference} ({parcels})" if changed.orders else parcels
    print(f"{done} {what}; {next_step}.")
    return EXIT_OK
