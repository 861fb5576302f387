"""`parcelwatch track` and `parcelwatch refresh`: asking the carriers by hand."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping

from daemon.app import App
from daemon.cli import display
from daemon.cli.context import refresh, with_app
from daemon.cli.statuses import EXIT_FAILURE, EXIT_OK
from daemon.notify.render import carrier_label
from parsers.tracking_numbers import identify


def configure_track(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("number", metavar="NUMBER", help="the tracking number")
    cmd.add_argument("--carrier", metavar="SLUG", help="e.g. ups, dhl, royal_mail (default: "
                     "detected from the number)")  # fmt: skip
    cmd.add_argument("--label", metavar="TEXT", help="what it is, for notifications")


def run_track(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    def work(app: App) -> int:
        found = identify(args.number, carrier_hint=args.carrier)
        number = found.number if found else "".join(args.number.split()).upper()
        carrier = args.carrier or (found.carrier if found else None)
        pk, created = app.store.add_tracked(number, carrier, args.label, app.clock())
        verb = "Tracking" if created else "Already tracking"
        print(f"{verb} {number} ({carrier_label(carrier) if carrier else 'carrier unknown'})")
        refresh(app, [pk])
        for ship in app.store.find_shipments(number):
            print(display.shipment_block(ship, app.zone))
        return EXIT_OK

    return with_app(args, env, work)


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
