"""The `list` table, fitted to the terminal: one row per shipment (and per
order not shipped yet) with its status, ETA and last news.

Wide terminals get columns, the item titles cut to what fits; under 80 columns
each parcel gets three short lines instead. A parcel whose estimate passed more
than [general] late_after_days ago is marked late (daemon.store.outlook). Pure
formatting: the moment and zone are passed in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from daemon.cli.terminal import Terminal, cells, fit, pad
from daemon.cli.when import ago
from daemon.notify.wording import carrier_label, describe, format_eta
from daemon.store.outlook import late
from daemon.store.views import OrderView, ShipmentView, TimelineLine
from parsers.model import Milestone

NARROW = 80
_HEADINGS = ("ORDER", "ITEMS", "STATUS", "ETA", "CARRIER", "TRACKING", "UPDATED")
_ITEMS = 1  # the column that gives way when the table is too wide
_MIN_ITEMS = 12
_GAP = "  "
_COLOURS: dict[Milestone, tuple[str, ...]] = {
    Milestone.OUT_FOR_DELIVERY: ("cyan", "bold"),
    Milestone.AVAILABLE_FOR_PICKUP: ("cyan", "bold"),
    Milestone.DELIVERED: ("green",),
    Milestone.DELAYED: ("yellow",),
    Milestone.DELIVERY_ATTEMPTED: ("yellow",),
    Milestone.STALE: ("yellow",),
    Milestone.EXCEPTION: ("red",),
    Milestone.CANCELLED: ("dim",),
    Milestone.RETURNED: ("dim",),
}


@dataclass(frozen=True)
class Row:
    order: str
    items: str
    status: str
    milestone: Milestone | None
    late: bool
    eta: str
    carrier: str
    tracking: str
    updated: str

    def cells(self) -> tuple[str, ...]:
        status = f"{self.status} (late)" if self.late else self.status
        return (self.order, self.items, status, self.eta, self.carrier, self.tracking,
                self.updated)  # fmt: skip


def rows(
    shipments: Sequence[ShipmentView],
    orders: Sequence[OrderView],
    now: datetime,
    zone: tzinfo | None,
    late_after_days: int,
) -> list[Row]:
    """`late_after_days`: [general] late_after_days (daemon.store.outlook)."""
    today = now.astimezone(zone).date()
    out = [
        Row(
            order=", ".join(ship.order_ids) or "-",
            items=describe(ship.item_titles, ship.label, ()) or "-",
            status=ship.status.label if ship.status else "-",
            milestone=ship.status,
            late=ship.current and late(ship.eta, today, late_after_days),
            eta=format_eta(ship.eta) if ship.eta else "-",
            carrier=carrier_label(ship.carrier) if ship.carrier else "-",
            tracking=ship.tracking_number or "-",
            updated=ago(ship.last_news, now, zone),
        )
        for ship in shipments
    ]
    out += [
        Row(
            order=order.order_id,
            items=describe(order.item_titles, None, ()) or "-",
            status=order.status.label if order.status else "-",
            milestone=order.status,
            late=order.status in (None, Milestone.ORDERED)
            and late(order.eta, today, late_after_days),
            eta=format_eta(order.eta) if order.eta else "-",
            carrier="-",
            tracking="-",
            updated=ago(_last_news(order.timeline, order.placed_at), now, zone)
            if order.timeline or order.placed_at
            else "-",
        )
        for order in orders
    ]
    return out


def _last_news(timeline: Sequence[TimelineLine], fallback: datetime | None) -> datetime:
    times = [line.occurred_at for line in timeline]
    latest = max(times) if times else fallback
    assert latest is not None
    return latest


def render(table: Sequence[Row], terminal: Terminal) -> str:
    if terminal.width is not None and terminal.width < NARROW:
        return _narrow(table, terminal, terminal.width)
    return _wide(table, terminal, terminal.width)


def _wide(table: Sequence[Row], terminal: Terminal, width: int | None) -> str:
    grid = [row.cells() for row in table]
    widths = [max(cells(line[i]) for line in (*grid, _HEADINGS)) for i in range(len(_HEADINGS))]
    if width is not None:
        over = sum(widths) + len(_GAP) * (len(widths) - 1) - width
        if over > 0:
            widths[_ITEMS] = max(_MIN_ITEMS, widths[_ITEMS] - over)
    lines = [_GAP.join(pad(h, w) for h, w in zip(_HEADINGS, widths, strict=True)).rstrip()]
    for row, line in zip(table, grid, strict=True):
        texts = [pad(fit(text, w), w) for text, w in zip(line, widths, strict=True)]
        texts[2] = _status(row, texts[2], terminal)
        lines.append(_GAP.join(texts).rstrip())
    lines[0] = terminal.paint(lines[0], "bold")
    return "\n".join(lines)


def _narrow(table: Sequence[Row], terminal: Terminal, width: int) -> str:
    blocks = []
    for row in table:
        head = " · ".join(part for part in (row.cells()[2], row.eta, row.updated) if part != "-")
        parcel = " ".join(part for part in (row.carrier, row.tracking) if part != "-")
        lines = [
            _status(row, fit(head, width), terminal),
            "  " + fit(row.items, width - 2),
            "  " + fit(" · ".join(p for p in (row.order, parcel) if p and p != "-"), width - 2),
        ]
        blocks.append("\n".join(line.rstrip() for line in lines))
    return "\n\n".join(blocks)


def _status(row: Row, text: str, terminal: Terminal) -> str:
    if row.late:
        return terminal.paint(text, "red", "bold")
    return terminal.paint(text, *_COLOURS.get(row.milestone, ())) if row.milestone else text


def nothing_active(finished: Counter[str], all_command: str, archived: int = 0) -> str:
    """What `list` says when no parcel is on its way: "No active shipments
    (4 delivered: parcelwatch list --all; 1 archived: parcelwatch list
    --archived)", or "No shipments yet."."""
    if not finished and not archived:
        return "No shipments yet."
    parts = []
    if finished:
        counts = ", ".join(f"{count} {label.lower()}" for label, count in finished.most_common())
        parts.append(f"{counts}: {all_command}")
    if archived:
        parts.append(f"{archived} archived: {all_command.replace('--all', '--archived')}")
    return f"No active shipments ({'; '.join(parts)})"
