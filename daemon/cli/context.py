"""What every command needs: its settings from the arguments, the app built
from them (with every secret read), or for the commands that only read the
database a Reader (no secret but the database URL, and none of the app's
imports: Apprise, the scheduler, the carriers) or, for `list`, `show` and
`status`, a Viewer (on a SQLite file not even SQLAlchemy), and the few steps
several commands share."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from daemon.config.imap import ImapAccount
from daemon.config.mqtt import CalendarSettings
from daemon.config.paths import default_state_dir
from daemon.config.secrets import Secret, resolve_all
from daemon.config.settings import Settings, load_settings
from daemon.errors import ConfigError
from daemon.service import logs
from daemon.store.reads import Views

if TYPE_CHECKING:
    from daemon.app import App
    from daemon.store.database import Store


def settings(args: argparse.Namespace, env: Mapping[str, str]) -> Settings:
    """The settings of the file named by --config (or the default one), with
    the demo's database under --demo; warnings are logged once."""
    path = Path(args.config).expanduser() if args.config else None
    loaded = load_settings(path, env, required=path is not None)
    if args.demo:
        loaded = demo_settings(loaded, env)
    if not args.log_level and loaded.log_level != "info":
        logs.configure(loaded.log_level, env, sys.stderr)
    for warning in loaded.warnings:
        logging.getLogger("parcelwatch").warning("%s", warning)
    return loaded


@dataclass(frozen=True)
class Reader:
    """What the commands that only read need (list, show, status, outbox): the
    settings, the database and the zone; no notification targets, so no secret
    but the database URL is read."""

    settings: Settings
    store: Store
    zone: tzinfo | None

    def clock(self) -> datetime:
        return datetime.now(UTC)

    def close(self) -> None:
        self.store.close()


@dataclass(frozen=True)
class Viewer:
    """What `list`, `show` and `status` need: the settings, the views of the
    database and the zone."""

    settings: Settings
    views: Views
    zone: tzinfo | None

    def clock(self) -> datetime:
        return datetime.now(UTC)


def build_app(loaded: Settings) -> App:
    """The app of these settings, every secret read now (a ConfigError names
    the first that cannot be)."""
    from daemon.app import build  # here: the reading commands never load it

    return build(resolve_all(loaded))


def with_app(args: argparse.Namespace, env: Mapping[str, str], work: Callable[[App], int]) -> int:
    """Run `work` with the app of these arguments, closing it afterwards."""
    app = build_app(settings(args, env))
    try:
        return work(app)
    finally:
        app.close()


def with_reader(
    args: argparse.Namespace, env: Mapping[str, str], work: Callable[[Reader], int]
) -> int:
    """Run `work` with the database of these arguments, read-only in spirit:
    no secret is read but the database URL, and no new database is made."""
    from daemon.store.opening import open_store

    loaded = settings(args, env)
    reader = Reader(loaded, open_store(loaded, create=False), _zone(loaded))
    try:
        return work(reader)
    finally:
        reader.close()


def with_viewer(
    args: argparse.Namespace, env: Mapping[str, str], work: Callable[[Viewer], int]
) -> int:
    """Run `work` with the views of the database of these arguments: read
    with sqlite3 or psycopg alone where that is exact (daemon.store.lite), else through
    the Store. As with_reader, no secret but the database URL is read."""
    loaded = settings(args, env)
    views = open_views(loaded)
    try:
        return work(Viewer(loaded, views, _zone(loaded)))
    finally:
        views.close()


def open_views(loaded: Settings) -> Views:
    """The views of an up-to-date database of a plain URL without SQLAlchemy;
    of any other (or an older one, which the Store migrates) the Store's."""
    from daemon.store.lite.store import open_views as open_lite
    from daemon.store.opening import open_store, with_retries

    url = loaded.database_url.reveal()
    lite = with_retries(lambda: open_lite(url, loaded.busy_timeout))
    if lite is not None:
        return lite
    from daemon.service.status import StoreViews

    return StoreViews(open_store(loaded, create=False))


def _zone(loaded: Settings) -> tzinfo | None:
    return ZoneInfo(loaded.timezone) if loaded.timezone else None


def demo_settings(base: Settings, env: Mapping[str, str]) -> Settings:
    """The demo's own database, apart from the user's, with no real targets
    (nor Home Assistant, nor the calendar file)."""
    state_dir = default_state_dir(env) / "demo"
    return replace(
        base,
        state_dir=state_dir,
        database_url=Secret("default", f"sqlite:///{state_dir / 'demo.db'}"),
        notify=replace(base.notify, targets=()),
        mailboxes=(),
        imap=(),
        carriers=replace(base.carriers, order=(), backends=()),
        mqtt=None,
        calendar=CalendarSettings(),
    )


def deliver(app: App) -> None:
    """Send what the outbox holds that is due, and say what happened."""
    run = app.deliver()
    if run.sent or run.failed or run.gave_up:
        print(f"notifications: {run.sent} sent, {run.failed} to retry, {run.gave_up} given up")


def refresh(app: App, pks: list[int] | None) -> None:
    """Ask the carriers about these shipments (None: all that are due), then deliver."""
    report = app.refresher.run_due(pks)
    print(
        f"carriers: {report.checked} checked, {report.notifications} notifications queued"
        + (f", {report.email_only} email-only" if report.email_only else "")
        + (f", {report.rejected} rejected" if report.rejected else "")
        + (f", {report.failed} failed (see the log)" if report.failed else "")
    )
    deliver(app)


def selected_accounts(settings: Settings, names: Sequence[str] | None) -> tuple[ImapAccount, ...]:
    """The [[imap]] accounts named (all when none are), or a ConfigError."""
    accounts = settings.imap
    if names:
        accounts = tuple(a for a in accounts if a.name in names)
        unknown = sorted(set(names) - {a.name for a in accounts})
        if unknown:
            known = ", ".join(a.name for a in settings.imap) or "none"
            raise ConfigError(
                settings.source, "imap", f"no account named {unknown[0]!r} (known: {known})"
            )
    return accounts
