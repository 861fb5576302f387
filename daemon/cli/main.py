"""The `parcelwatch` command. Each subcommand is a small function; errors of the
ConfigError tier end the command with a one-line message and exit status 2."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from daemon.app import App, build
from daemon.cli import display
from daemon.config.imap import ImapAccount
from daemon.config.notify import NotifyTarget
from daemon.config.paths import default_state_dir
from daemon.config.secrets import Secret
from daemon.config.settings import Settings, defaults, load_settings
from daemon.errors import ConfigError, ParcelwatchError
from daemon.mail import local
from daemon.mail.accounts import Mailboxes
from daemon.notify.notifier import register_console
from daemon.notify.render import carrier_label
from daemon.notify.sample import sample_photo, sample_snapshot
from daemon.service import logs, status
from daemon.service import runner as service
from daemon.service.systemd import SystemdNotifier
from parsers.model import Milestone
from parsers.registry import default_registry
from parsers.tracking_numbers import identify

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_CONFIG = 2

SAMPLE_MAILBOX = Path(__file__).resolve().parents[2] / "examples" / "maildir"

Handler = Callable[[argparse.Namespace, Mapping[str, str]], int]


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    env = os.environ if env is None else env
    parser = _parser()
    args = parser.parse_args(argv)
    logs.configure(args.log_level or "info", env, sys.stderr)
    handler: Handler = args.handler
    try:
        return handler(args, env)
    except ConfigError as exc:
        print(f"parcelwatch: config error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except ParcelwatchError as exc:
        print(f"parcelwatch: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130


def _settings(args: argparse.Namespace, env: Mapping[str, str]) -> Settings:
    path = Path(args.config).expanduser() if args.config else None
    settings = load_settings(path, env, required=path is not None)
    if args.demo:
        settings = _demo_settings(settings, env)
    if not args.log_level and settings.log_level != "info":
        logs.configure(settings.log_level, env, sys.stderr)
    for warning in settings.warnings:
        logging.getLogger("parcelwatch").warning("%s", warning)
    return settings


def _with_app(args: argparse.Namespace, env: Mapping[str, str], work: Callable[[App], int]) -> int:
    app = build(_settings(args, env))
    try:
        return work(app)
    finally:
        app.close()


# --- commands -----------------------------------------------------------------


def cmd_parse(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    registry = default_registry()
    status = EXIT_OK
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
            line = {"file": name, **registry.parse(data).to_json()}
        if args.json:
            print(json.dumps(line, ensure_ascii=False))
        else:
            print(_parse_summary(line))
    return status


def _parse_summary(line: Mapping[str, object]) -> str:
    head = f"{line['file']}: "
    if line["error"]:
        return head + f"error: {line['error']}"
    events = line["events"]
    assert isinstance(events, list)
    if line["parser"] is None:
        return head + "not an order email"
    parts = []
    for event in events:
        text = f"{event['milestone']} {','.join(event['order_ids'])}"
        if event["tracking_number"]:
            text += f" {event['carrier']} {event['tracking_number']}"
        if event["eta"]:
            text += f" eta {event['eta']['start']}..{event['eta']['end']}"
        parts.append(text)
    return head + ("; ".join(parts) if parts else "claimed, no events")


def cmd_import(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    def work(app: App) -> int:
        for name in args.paths:
            tally = app.pipeline.process_all(local.read(Path(name).expanduser()))
            print(f"{name}: {tally.summary()}")
        if not args.no_notify:
            _deliver(app)
        return EXIT_OK

    return _with_app(args, env, work)


def cmd_sync(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    def work(app: App) -> int:
        settings = app.settings
        if not settings.mailboxes and not settings.imap:
            print(
                "No mail sources configured: add an [[imap]] or a [[mailbox]] section "
                "(see config.example.toml)."
            )
        for box in settings.mailboxes:
            tally = app.pipeline.process_all(local.read(box.path, box.name))
            print(f"{box.name}: {tally.summary()}")
        status = EXIT_OK
        for result in Mailboxes(app).sync(settings.imap):
            if result.error:
                print(f"{result.account}: failed: {result.error}", file=sys.stderr)
                status = EXIT_FAILURE
            for report in result.reports:
                print(f"{result.account}/{report}")
            if not result.error:
                print(f"{result.account}: checked in {result.seconds:.1f} s")
        if settings.carriers.backends:
            _refresh(app, None)
        else:
            _deliver(app)
        return status

    return _with_app(args, env, work)


def cmd_track(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    def work(app: App) -> int:
        found = identify(args.number, carrier_hint=args.carrier)
        number = found.number if found else "".join(args.number.split()).upper()
        carrier = args.carrier or (found.carrier if found else None)
        pk, created = app.store.add_tracked(number, carrier, args.label, app.clock())
        verb = "Tracking" if created else "Already tracking"
        print(f"{verb} {number} ({carrier_label(carrier) if carrier else 'carrier unknown'})")
        _refresh(app, [pk])
        for ship in app.store.find_shipments(number):
            print(display.shipment_block(ship, app.zone))
        return EXIT_OK

    return _with_app(args, env, work)


def cmd_refresh(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    def work(app: App) -> int:
        pks: list[int] | None = None
        if args.reference:
            order = app.store.find_order(args.reference)
            ships = order.shipments if order else tuple(app.store.find_shipments(args.reference))
            if not ships:
                print(f"No order or tracking number {args.reference!r} is known.", file=sys.stderr)
                return EXIT_FAILURE
            pks = [ship.pk for ship in ships]
        _refresh(app, pks)
        return EXIT_OK

    return _with_app(args, env, work)


def _refresh(app: App, pks: list[int] | None) -> None:
    report = app.refresher.run_due(pks)
    print(
        f"carriers: {report.checked} checked, {report.notifications} notifications queued"
        + (f", {report.email_only} email-only" if report.email_only else "")
        + (f", {report.rejected} rejected" if report.rejected else "")
        + (f", {report.failed} failed (see the log)" if report.failed else "")
    )
    _deliver(app)


def cmd_run(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    def load() -> tuple[App, Sequence[ImapAccount]]:
        settings = _settings(args, env)
        accounts = _selected_accounts(settings, args.account)
        return build(settings), accounts

    signals = service.Signals()
    restore = signals.install()  # first: a stop asked for during start-up is a clean stop too
    try:
        app, accounts = load()  # a broken config stops here, before any work
        if not accounts:
            app.close()
            print("No IMAP accounts configured: add an [[imap]] section (see config.example.toml).")
            return EXIT_FAILURE
        systemd = SystemdNotifier.from_env(env, os.getpid())
        try:
            ok = service.run(load, signals, systemd, first=(app, accounts))
        finally:
            systemd.close()
        return EXIT_OK if ok else EXIT_FAILURE
    finally:
        restore()


def _selected_accounts(settings: Settings, names: Sequence[str] | None) -> tuple[ImapAccount, ...]:
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


def _deliver(app: App) -> None:
    run = app.deliver()
    if run.sent or run.failed or run.gave_up:
        print(f"notifications: {run.sent} sent, {run.failed} to retry, {run.gave_up} given up")


def cmd_list(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    def work(app: App) -> int:
        shipments = app.store.shipments(include_finished=args.all)
        orders = app.store.unshipped_orders(include_finished=args.all)
        if args.json:
            rows = [display.shipment_json(s) for s in shipments]
            rows += [display.order_json(o) for o in orders]
            print(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            print(display.table(shipments, orders))
        return EXIT_OK

    return _with_app(args, env, work)


def cmd_show(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    def work(app: App) -> int:
        order = app.store.find_order(args.reference)
        if order is not None:
            print(display.order_block(order, app.zone))
            return EXIT_OK
        shipments = app.store.find_shipments(args.reference)
        if not shipments:
            print(f"No order or tracking number {args.reference!r} is known.", file=sys.stderr)
            return EXIT_FAILURE
        for ship in shipments:
            for order_id in ship.order_ids:
                print(f"Order {order_id}")
            print(display.shipment_block(ship, app.zone))
        return EXIT_OK

    return _with_app(args, env, work)


def cmd_check_config(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    settings = _settings(args, env)
    app = build(settings)  # also proves the database and Apprise URLs are usable
    try:
        targets = len(app.notifier.target_names)
        for tag in app.pipeline.routing.unused_tags():
            logging.getLogger("parcelwatch").warning(
                "notify.route: no target has the tag %r; what is routed to it goes nowhere", tag
            )
    finally:
        app.close()
    engine = "sqlite" if settings.database_url.reveal().startswith("sqlite") else "external"
    print(
        f"config OK: {settings.source} ({len(settings.imap)} IMAP accounts, "
        f"{len(settings.mailboxes)} mailboxes, {targets} notification targets, "
        f"database {engine})"
    )
    return EXIT_OK


def cmd_notify_test(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    milestone = Milestone(args.milestone)

    def work(app: App) -> int:
        if not app.notifier.target_names:
            print(
                "No notification targets configured: add a [[notify.target]] section "
                "or [notify] apprise_config."
            )
            return EXIT_FAILURE
        today = app.clock().astimezone(app.zone).date()
        photo = sample_photo() if milestone is Milestone.DELIVERED else None
        results = app.notifier.send_test(sample_snapshot(milestone, today), photo)
        width = max(len(r.target) for r in results)
        for result in results:
            word = "ok" if result.ok else result.status.upper()
            print(f"{result.target:<{width}}  {word:<8} {result.detail}")
        return EXIT_OK if all(r.ok for r in results) else EXIT_FAILURE

    return _with_app(args, env, work)


def cmd_status(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    def work(app: App) -> int:
        snap = status.gather(app.store, app.outbox)
        print(status.render(snap, [a.name for a in app.settings.imap], app.zone))
        return EXIT_OK

    return _with_app(args, env, work)


def cmd_demo(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    mailbox = Path(args.mailbox) if args.mailbox else SAMPLE_MAILBOX
    if not mailbox.exists():
        raise ConfigError(
            "demo", "--mailbox", f"sample mailbox {mailbox} not found; run from a source checkout"
        )
    settings = _demo_settings(defaults(env), env)
    database = settings.state_dir / "demo.db"
    if args.reset:
        for path in settings.state_dir.glob("demo.db*"):
            path.unlink()
    console = NotifyTarget("console", Secret("inline", register_console()))
    app = build(replace(settings, notify=replace(settings.notify, targets=(console,))))
    try:
        print(f"Reading the sample mailbox {mailbox}\ninto the demo database {database}\n")
        tally = app.pipeline.process_all(local.read(mailbox, "sample"))
        run = app.deliver()
        if not run.sent:
            print("No new notifications: every sample email was already processed.")
            print("(Run `parcelwatch demo --reset` to start over.)")
        print(f"\n{tally.summary()}\n")
        shipments = app.store.shipments(include_finished=True)
        print(display.table(shipments, app.store.unshipped_orders(include_finished=True)))
        if shipments and shipments[-1].order_ids:
            print(f"\nTry: parcelwatch --demo show {shipments[-1].order_ids[0]}")
    finally:
        app.close()
    return EXIT_OK


def _demo_settings(base: Settings, env: Mapping[str, str]) -> Settings:
    """The demo's own database, apart from the user's, with no real targets."""
    state_dir = default_state_dir(env) / "demo"
    return replace(
        base,
        state_dir=state_dir,
        database_url=Secret("inline", f"sqlite:///{state_dir / 'demo.db'}"),
        notify=replace(base.notify, targets=()),
        mailboxes=(),
        imap=(),
        carriers=replace(base.carriers, order=(), backends=()),
    )


# --- argument parsing -------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="parcelwatch",
        description="Track Amazon orders and parcels from your mailbox, with push notifications.",
    )
    parser.add_argument("--config", metavar="PATH", help="config file (default: "
                        "$XDG_CONFIG_HOME/parcelwatch/config.toml)")  # fmt: skip
    parser.add_argument("--log-level", choices=("debug", "info", "warning", "error"))
    parser.add_argument("--demo", action="store_true",
                        help="use the database of `parcelwatch demo` instead of yours")  # fmt: skip
    sub = parser.add_subparsers(required=True, metavar="COMMAND")
    for name, handler, summary, configure in _COMMANDS:
        command = sub.add_parser(name, help=summary, description=summary)
        command.set_defaults(handler=handler)
        configure(command)
    return parser


def _configure_parse(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("files", nargs="+", metavar="FILE", help="raw email files (.eml)")
    cmd.add_argument(
        "--json", action="store_true", help="one JSON object per file (DESIGN.md's interface)"
    )


def _configure_import(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument(
        "paths", nargs="+", metavar="PATH", help="Maildir, mbox file, .eml folder or file"
    )
    cmd.add_argument("--no-notify", action="store_true", help="queue notifications, send none now")


def _configure_run(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument(
        "--account",
        action="append",
        metavar="NAME",
        help="watch only this [[imap]] account (repeatable; default: all)",
    )


def _configure_track(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("number", metavar="NUMBER", help="the tracking number")
    cmd.add_argument("--carrier", metavar="SLUG", help="e.g. ups, dhl, royal_mail (default: "
                     "detected from the number)")  # fmt: skip
    cmd.add_argument("--label", metavar="TEXT", help="what it is, for notifications")


def _configure_refresh(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument(
        "reference",
        nargs="?",
        metavar="ORDER_OR_NUMBER",
        help="check this order's or number's shipments now (default: all that are due)",
    )


def _configure_list(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--all", action="store_true", help="include delivered and cancelled")
    cmd.add_argument("--json", action="store_true", help="machine-readable output")


def _configure_show(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("reference", metavar="ORDER_ID_OR_TRACKING_NUMBER")


def _configure_demo(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--reset", action="store_true", help="forget the previous demo run first")
    cmd.add_argument("--mailbox", metavar="PATH", help="another sample Maildir to use")


def _notify_test_arguments(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument(
        "--milestone",
        choices=[m.value for m in Milestone],
        default=Milestone.OUT_FOR_DELIVERY.value,
        help="which milestone the sample announces (default: out_for_delivery)",
    )


def _no_arguments(cmd: argparse.ArgumentParser) -> None:
    return None


_COMMANDS: tuple[tuple[str, Handler, str, Callable[[argparse.ArgumentParser], None]], ...] = (
    ("demo", cmd_demo, "Run the whole pipeline on the bundled sample mailbox (no account needed).",
     _configure_demo),
    ("import", cmd_import, "Read a Maildir, mbox or .eml files into the database, idempotently.",
     _configure_import),
    ("sync", cmd_sync, "One pass over the configured mail sources, then send due notifications.",
     _no_arguments),
    ("run", cmd_run, "Watch the configured IMAP accounts (IDLE or polling) until stopped.",
     _configure_run),
    ("track", cmd_track, "Track a parcel by hand (any retailer), with its carrier's updates.",
     _configure_track),
    ("refresh", cmd_refresh, "Ask the carriers now about an order or number (or all due).",
     _configure_refresh),
    ("list", cmd_list, "Show active shipments as a table.", _configure_list),
    ("show", cmd_show, "Show an order (or tracking number): its shipments and their timelines.",
     _configure_show),
    ("parse", cmd_parse, "Parse email files and print what parcelwatch finds, without storing it.",
     _configure_parse),
    ("check-config", cmd_check_config, "Validate the config file; say what is wrong, if anything.",
     _no_arguments),
    ("status", cmd_status,
     "Mail accounts' last check and error, outbox backlog, next carrier checks, database size.",
     _no_arguments),
    ("notify-test", cmd_notify_test, "Send a sample notification to every configured target.",
     _notify_test_arguments),
)  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
