"""What the daemon is doing, from the database alone, for `parcelwatch status`
(any time, also while the service runs): gathered from any store that answers
daemon.store.reads.Views, so the command can read a SQLite file without
SQLAlchemy. Read-only and cheap: counts and small ordered queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from daemon.notify.wording import describe
from daemon.store.location import sqlite_path
from daemon.store.reads import Views
from daemon.store.views import AccountView, DaemonView, Unsent, UpcomingCheck


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


def gather(views: Views, *, checks: int = 5) -> Snapshot:
    counts = views.shipment_counts()
    size, where = database_size(views.url)
    return Snapshot(
        accounts=tuple(views.account_statuses()),
        active=counts["active"],
        finished=counts["finished"],
        archived=counts["archived"],
        outbox=views.outbox_counts(),
        problems=tuple(views.outbox_problems(5)),
        next_checks=tuple(_next_check(due) for due in views.next_checks(checks)),
        database=where,
        database_bytes=size,
        daemons=tuple(views.daemons()),
        unrecognised=views.unrecognised(),
    )


def _next_check(due: UpcomingCheck) -> NextCheck:
    what = describe(due.item_titles, due.label, ())
    return NextCheck(aware(due.at), due.carrier, due.tracking_number, what)


def waiting_line(view: AccountView, zone: tzinfo | None, reload_command: str) -> str:
    """ "home: login refused at 12:04; fix the password, then `systemctl reload
    parcelwatch`" """
    text = f"{view.account}: {view.waiting}"
    if view.last_error_at is not None:
        text += f" at {aware(view.last_error_at).astimezone(zone):%H:%M %Z}".rstrip()
    then = f"`{reload_command}`" if reload_command else "reload parcelwatch"
    fix = f"{view.waiting_fix}, then {then}" if view.waiting_fix else f"then {then}"
    return f"{text}; {fix}"


def database_size(url: str) -> tuple[int | None, str]:
    """Bytes on disk of a SQLite database (with its write-ahead log), else None
    and the kind of database (never its URL: it may hold a password)."""
    path = sqlite_path(url)
    if path is None:
        return None, f"{url.partition('://')[0]} (size not measured)"
    files = [path, path.with_name(path.name + "-wal")]
    return sum(f.stat().st_size for f in files if f.exists()), str(Path(path))


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
