"""`parcelwatch list` and `parcelwatch show`: the shipments and orders on the
terminal (daemon.cli.display lays them out)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping

from daemon.app import App
from daemon.cli import display
from daemon.cli.context import with_app
from daemon.cli.statuses import EXIT_FAILURE, EXIT_OK
from daemon.store.export import order_json, shipment_json


def configure_list(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--all", action="store_true", help="include delivered and cancelled")
    cmd.add_argument("--json", action="store_true", help="machine-readable output")


def run_list(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    def work(app: App) -> int:
        shipments = app.store.shipments(include_finished=args.all)
        orders = app.store.unshipped_orders(include_finished=args.all)
        if args.json:
            rows = [shipment_json(s) for s in shipments]
            rows += [order_json(o) for o in orders]
            print(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            print(display.table(shipments, orders))
        return EXIT_OK

    return with_app(args, env, work)


def configure_show(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("reference", metavar="ORDER_ID_OR_TRACKING_NUMBER")
    cmd.add_argument(
        "--json",
        action="store_true",
        help="machine-readable output: the order (as /api/orders/ID), or one shipment "
        "per line (as /api/shipments/KEY)",
    )


def run_show(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    def work(app: App) -> int:
        order = app.store.find_order(args.reference)
        if order is not None:
            if args.json:
                print(json.dumps(order_json(order), ensure_ascii=False))
            else:
                print(display.order_block(order, app.zone))
            return EXIT_OK
        shipments = app.store.find_shipments(args.reference)
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
            print(display.shipment_block(ship, app.zone))
        return EXIT_OK

    return with_app(args, env, work)
