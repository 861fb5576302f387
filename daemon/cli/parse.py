"""`parcelwatch parse`: what the parsers find in email files, stored nowhere.

It reads the same configuration as the daemon (--config, else the default file),
so forwarding addresses, marketplaces and the authentication rule apply: a file
parses here exactly as the daemon would read it: in a parse worker, within the
configured parse budget (daemon.parsing), so a hostile file answers within
seconds too."""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Mapping
from pathlib import Path

from daemon.cli.statuses import EXIT_FAILURE, EXIT_OK
from daemon.config.parsing import registry_options
from daemon.config.settings import load_settings
from daemon.parsing.budget import Budget, BudgetedReader


def configure_parse(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("files", nargs="+", metavar="FILE", help="raw email files (.eml)")
    cmd.add_argument(
        "--json", action="store_true", help="one JSON object per file (DESIGN.md's interface)"
    )


def run_parse(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    path = Path(args.config).expanduser() if args.config else None
    settings = load_settings(path, env, required=path is not None)
    for warning in settings.warnings:
        logging.getLogger("parcelwatch").warning("%s", warning)
    reader = BudgetedReader(registry_options(settings), Budget(seconds=settings.parse_budget))
    status = EXIT_OK
    try:
        for name in args.files:
            path = Path(name)
            try:
                data = path.read_bytes()
            except OSError as exc:
                line = {
                    "file": name,
                    "parser": None,
                    "error": f"cannot read: {exc.strerror}",
                    "events": [],
                }
                status = EXIT_FAILURE
            else:
                line = {"file": name, **reader.read(data).result.to_json()}
            if args.json:
                print(json.dumps(line, ensure_ascii=False), flush=True)
            else:
                print(summary(line), flush=True)
    finally:
        reader.close()
    return status


def summary(line: Mapping[str, object]) -> str:
    """One line a person reads: the milestones, orders, numbers and ETAs found."""
    head = f"{line['file']}: "
    if line["error"]:
        return head + f"error: {line['error']}"
    events = line["events"]
    assert isinstance(events, list)
    if line["parser"] is None:
        return head + "not an order email"
    if not events:
        return head + "read: nothing to record (no milestone)"
    parts = []
    for event in events:
        text = f"{event['milestone']} {','.join(event['order_ids'])}"
        if event["tracking_number"]:
            text += f" {event['carrier']} {event['tracking_number']}"
        if event["eta"]:
            text += f" eta {event['eta']['start']}..{event['eta']['end']}"
        parts.append(text)
    return head + ("; ".join(parts) if parts else "claimed, no events")
