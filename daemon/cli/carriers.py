"""`parcelwatch track` and `parcelwatch refresh`: asking the carriers by hand."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Mapping

from daemon.app import App
from daemon.cli import display
from daemon.cli.context import refresh, with_app
from daemon.cli.statuses import EXIT_FAILURE, EXIT_OK
from daemon.notify.wording import carrier_label
from parsers.carrier_names import carrier_slug
from parsers.tracking_numbers import TrackingNumber, identify, normalise

# What any carrier's number looks like, once spaces and dashes are gone.
_SHAPE = re.compile(r"[A-Z0-9]{6,40}")


def configure_track(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("number", metavar="NUMBER", help="the tracking number")
    cmd.add_argument("--carrier", metavar="SLUG", help="e.g. ups, dhl, royal_mail (default: "
                     "detected from the number)")  # fmt: skip
    cmd.add_argument("--label", metavar="TEXT", help="what it is, for notifications")


def run_track(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    """A number is tracked only when a carrier's format (and check digit, where
    it has one) says it is one, or the user names its carrier: "hello world"
    typed by mistake must not become a parcel that is polled for ever."""
    found = identify(args.number, carrier_hint=args.carrier)
    problem = _unusable(args.number, args.carrier, found)
    if problem is not None:
        print(f"parcelwatch: {problem}", file=sys.stderr)
        return EXIT_FAILURE

    def work(app: App) -> int:
        number = found.number if found else normalise(args.number)
        carrier = carrier_slug(args.carrier) if args.carrier else None
        carrier = carrier or (found.carrier if found else None)
        pk, created = app.store.add_tracked(number, carrier, args.label, app.clock())
        verb = "Tracking" if created else "Already tracking"
        print(f"{verb} {number} ({carrier_label(carrier) if carrier else 'carrier unknown'})")
        refresh(app, [pk])
        for ship in app.store.find_shipments(number):
            print(display.shipment_block(ship, app.zone))
        return EXIT_OK

    return with_app(args, env, work)


def _unusable(raw: str, carrier: str | None, found: TrackingNumber | None) -> str | None:
    """Why `raw` (with `carrier`, if given) cannot be tracked, in one line; None
    when it can."""
    if carrier is not None and carrier_slug(carrier) is None:
        return (
            f"unknown carrier {carrier!r}; give its name or slug (e.g. ups, dhl, usps, "
            "royal_mail, dpd)"
        )
    if found is not None:
        return None
    number = normalise(raw)
    if carrier is None:
        return (
            f"{raw!r} is not a tracking number parcelwatch knows (no carrier's format and "
            "check digit match it); if it is one, name its carrier: "
            f"parcelwatch track {number or 'NUMBER'} --carrier SLUG"
        )
    if not (_SHAPE.fullmatch(number) and any(c.isdigit() for c in number)):
        return (
            f"{raw!r} is not a tracking number: 6 to 40 letters and digits, with at least one digit"
        )
    return None


def configure_refresh(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument(
        "reference",
        nargs="?",
        metavar="ORDER_OR_NUMBER",
        help="check this order's or number's shipments now (default: all that are due)",
    )


def run_refresh(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    def work(app: App) -> int:
        pks: list[int] | None = None
        if args.reference:
            order = app.store.find_order(args.reference)
            ships = order.shipments if order else tuple(app.store.find_shipments(args.reference))
            if not ships:
                print(f"No order or tracking number {args.reference!r} is known.", file=sys.stderr)
                return EXIT_FAILURE
            pks = [ship.pk for ship in ships]
        refresh(app, pks)
        return EXIT_OK

    return with_app(args, env, work)
