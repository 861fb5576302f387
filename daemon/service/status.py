"""What the daemon is doing, from the database alone: for `parcelwatch
status` (any time, also while the service runs) and for systemd's STATUS line.

Read-only and cheap (counts and small ordered queries), because the service
asks for the one-line summary every half minute.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path

import sqlalchemy as sa

from daemon.notify.outbox import Outbox, Unsent
from daemon.notify.wording import describe
from daemon.store import schema
from daemon.store.database import Store
from daemon.store.heartbeat import Heartbeat
from daemon.store.unread import UnreadEmails
from daemon.store.views import AccountView, DaemonView


@dataclass(frozen=True)
class NextCheck:
    at: datetime
    carrier: str | None
    tracking_number: str | None
    what: str


@dataclass(frozen=True)
class Snapshot:
    accounts: tuple[AccountView, ...]
    active: int
    finished: int
    archived: int
    outbox: dict[str, int]
    problems: tuple[Unsent, ...]
    next_checks: tuple[NextCheck, ...]
    database: str
    database_bytes: int | None
    # Every daemon that used the database (one per set of mail accounts),
    # most recently heard from first.
    daemons: tuple[DaemonView, ...]
    unrecognised: int = 0

    @property
    def last_mail_check(self) -> datetime | None:
        times = [a.last_success_at for a in self.accounts if a.last_success_at]
        return max(times) if times else None

    @property
    def backlog(self) -> int:
        return self.outbox.get("pending", 0) + self.outbox.get("sending", 0)


def gather(store: Store, outbox: Outbox, *, checks: int = 5) -> Snapshot:
    counts = _shipment_counts(store)
    size, where = database_size(store.url)
    return Snapshot(
        accounts=tuple(store.account_statuses()),
        active=counts["active"],
        finished=counts["finished"],
        archived=counts["archived"],
        outbox=outbox.counts(),
        problems=tuple(outbox.problems(5)),
        next_checks=tuple(_next_checks(store, checks)),
        database=where,
        database_bytes=size,
        daemons=tuple(Heartbeat(store).read_all()),
        unrecognised=UnreadEmails(store).count(),
    )


def one_line(
    store: Store,
    zone: tzinfo | None,
    *,
    accounts: Sequence[str] = (),
    reload_command: str = "",
) -> str:
    """systemd's STATUS line: first what waits for the user ("home: login
    refused at 12:04; fix the password, then `systemctl reload parcelwatch`"),
    then "3 active shipments, last mail check 12:04, 2 notifications waiting"."""
    counts = _shipment_counts(store)
    delivery = schema.delivery
    with store.reading() as connection:
        last = connection.execute(
            sa.select(sa.func.max(schema.accountstatus.c.last_success_at))
        ).scalar()
        backlog = connection.execute(
            sa.select(sa.func.count())
            .select_from(delivery)
            .where(delivery.c.status.in_(["pending", "sending"]))
        ).scalar_one()
    waiting = [
        waiting_line(view, zone, reload_command)
        for view in store.account_statuses()
        if view.waiting and (not accounts or view.account in accounts)
    ]
    parts = [_plural(counts["active"], "active shipment")]
    unread = UnreadEmails(store).count()
    if unread:
        parts.append(_plural(unread, "unrecognised Amazon email"))
    if last is not None:
        when = _aware(last).astimezone(zone)
        parts.append(f"last mail check {when:%H:%M}")
    if backlog:
        parts.append(_plural(int(backlog), "notification") + " waiting")
    return "; ".join([*waiting, ", ".join(parts)])


def waiting_line(view: AccountView, zone: tzinfo | None, reload_command: str) -> str:
    """ "home: login refused at 12:04; fix the password, then `systemctl reload
    parcelwatch`" """
    text = f"{view.account}: {view.waiting}"
    if view.last_error_at is not None:
        text += f" at {_aware(view.last_error_at).astimezone(zone):%H:%M %Z}".rstrip()
    then = f"`{reload_command}`" if reload_command else "reload parcelwatch"
    fix = f"{view.waiting_fix}, then {then}" if view.waiting_fix else f"then {then}"
    return f"{text}; {fix}"


def database_size(url: str) -> tuple[int | None, str]:
    """Bytes on disk of a SQLite database (with its write-ahead log), else None."""
    parsed = sa.engine.make_url(url)
    if not parsed.drivername.startswith("sqlite") or not parsed.database:
        return None, f"{parsed.drivername} (size not measured)"
    path = Path(parsed.database)
    files = [path, path.with_name(path.name + "-wal")]
    return sum(f.stat().st_size for f in files if f.exists()), str(path)


def _shipment_counts(store: Store) -> dict[str, int]:
    """Active, finished and archived shipments. The first two are counted on
    the partial indexes of the shipments not archived; archived ones are what
    remains of the total (one count, no row read)."""
    ship, count = schema.shipment, sa.func.count()
    waiting = ship.c.after_sale.is_(None)
    with store.reading() as connection:
        active, travelling = connection.execute(
            sa.select(count.filter(waiting), count).where(schema.TRAVELLING)
        ).one()
        ended = connection.execute(sa.select(count).where(schema.ENDED)).scalar_one()
        total = connection.execute(sa.select(count).select_from(ship)).scalar_one()
    finished = ended + travelling - active  # after-sale ones have finished their journey
    return {"archived": total - travelling - ended, "finished": finished, "active": active}


def _next_checks(store: Store, limit: int) -> list[NextCheck]:
    check, ship = schema.carriercheck, schema.shipment
    query = (
        sa.select(check.c.next_check_at, ship.c.carrier, ship.c.tracking_number,
                  ship.c["items"], ship.c.label)
        .join(ship, ship.c.id == check.c.shipment_pk)
        .where(check.c.done == sa.false(), check.c.next_check_at.is_not(None))
        .order_by(check.c.next_check_at)
        .limit(limit)
    )  # fmt: skip
    with store.reading() as connection:
        rows = connection.execute(query).all()
    return [
        NextCheck(
            _aware(at),
            carrier,
            number,
            describe(tuple(str(i["title"]) for i in items or ()), label, ()),
        )
        for at, carrier, number, items, label in rows
    ]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
