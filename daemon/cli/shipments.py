"""`parcelwatch list` and `parcelwatch show`: the shipments and orders on the
terminal (daemon.cli.listing and daemon.cli.display lay them out). Both only
read the database: no secret is needed, so an administrator can run them beside
the service."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Mapping

from daemon.cli import display, listing
from daemon.cli.context import Viewer, with_viewer
from daemon.cli.statuses import EXIT_FAILURE, EXIT_OK
from daemon.cli.terminal import Terminal
from daemon.store.export import order_json, shipment_json
from parsers.model import Milestone


def configure_list(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument(
        "--all", action="store_true", help="include delivered, cancelled and stale ones"
    )
    cmd.add_argument(
        "--archived", action="store_true", help="only the archived ones (`parcelwatch unarchive`)"
    )
    cmd.add_argument("--json", action="store_true", help="machine-readable output")


def run_list(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    def work(viewer: Viewer) -> int:
        store = viewer.views
        if args.archived:
            shipments = [
                s
                for s in store.shipments(include_finished=True, include_archived=True)
                if s.archived_at is not None
            ]
            orders = [
                o
                for o in store.unshipped_orders(include_finished=True, include_archived=True)
                if o.archived_at is not None
            ]
        else:
            # The table shows no timelines: they are read only for --json.
            shipments = store.shipments(include_finished=args.all, details=args.json)
            orders = store.unshipped_orders(include_finished=args.all)
        if args.json:
            rows = [shipment_json(s) for s in shipments]
            rows += [order_json(o) for o in orders]
            print(json.dumps(rows, ensure_ascii=False, indent=2))
        elif not shipments and not orders:
            if args.archived:
                print("Nothing is archived.")
            else:
                finished, archived = _ended(viewer)
                print(listing.nothing_active(finished, _all_command(args), archived))
        else:
            late_after = viewer.settings.late_after_days
            table = listing.rows(shipments, orders, viewer.clock(), viewer.zone, late_after)
            print(listing.render(table, Terminal.of(sys.stdout, env)))
        return EXIT_OK

    return with_viewer(args, env, work)


def _ended(viewer: Viewer) -> tuple[Counter[str], int]:
    """How many parcels (and orders never shipped) ended, by how they ended
    ("stale" for those gone quiet), and how many were archived. Reads every
    row, but only when nothing is on its way (to say why the list is empty)."""
    store = viewer.views
    shipments = store.shipments(include_finished=True, include_archived=True)
    orders = store.unshipped_orders(include_finished=True, include_archived=True)
    archived = sum(s.archived_at is not None for s in shipments)
    archived += sum(o.archived_at is not None for o in orders)
    ended = [s.status for s in shipments if not s.current and s.archived_at is None]
    ended += [
        o.status
        for o in orders
        if o.status not in (None, Milestone.ORDERED) and o.archived_at is None
    ]
    return Counter(_ended_label(status) for status in ended if status is not None), archived


def _ended_label(status: Milestone) -> str:
    return "stale" if status is Milestone.STALE else status.label


def _all_command(args: argparse.Namespace) -> str:
    return "parcelwatch --demo list --all" if args.demo else "parcelwatch list --all"


def configure_show(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("reference", metavar="ORDER_ID_OR_TRACKING_NUMBER")
    cmd.add_argument(
        "--json",
        action="store_true",
        help="machine-readable output: the order (as /api/orders/ID), or one shipment "
        "per line (as /api/shipments/KEY)",
    )


def run_show(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    def work(viewer: Viewer) -> int:
        order = viewer.views.find_order(args.reference)
        if order is not None:
            if args.json:
                print(json.dumps(order_json(order), ensure_ascii=False))
            else:
                print(display.order_block(order, viewer.zone))
            return EXIT_OK
        shipments = viewer.views.find_shipments(args.reference)
        if not shipments:
            print(f"No order or tracking number {args.reference!r} is known.", file=sys.stderr)
            return EXIT_FAILURE
        if args.json:
            for ship in shipments:
                print(json.dumps(shipment_json(ship), ensure_ascii=False))
            return EXIT_OK
        for ship in shipments:
            for order_id in ship.order_ids:
                print(f"Order {order_id}")
            print(display.shipment_block(ship, viewer.zone))
        return EXIT_OK

    return with_viewer(args, env, work)
