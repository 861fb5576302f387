"""`parcelwatch check-config`: is everything set up? Errors end it with
status 2; advice is logged as warnings and the check still passes.

Warned about: a config file others can read that holds secrets inline, no mail
source, no notification target, route tags no target carries, and (outside
the service) secrets kept as systemd credentials, which only the service can
read. `--connect` also logs in to each [[imap]] account, read-only, and says
in one line per account how it went (exit status 1 if one failed); where
[amazon] authserv_id is unset, it suggests one from the newest Amazon email.
"""

from __future__ import annotations

import argparse
import logging
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from daemon.app import system_clock
from daemon.cli.context import settings
from daemon.cli.statuses import EXIT_FAILURE, EXIT_OK
from daemon.config.imap import ImapAccount
from daemon.config.secrets import resolve_all, secrets_in
from daemon.config.settings import Settings
from daemon.config.web import WebSettings
from daemon.errors import ConfigError, ParcelwatchError
from daemon.mail.authserv import LOOK_BACK_DAYS, suggest_authserv_id
from daemon.mail.imap import sender_criteria
from daemon.mail.imap_auth import token_source
from daemon.mail.imap_connect import connector
from daemon.mail.login_check import check_login
from daemon.notify.notifier import Notifier
from daemon.notify.routing import Announcements
from daemon.store.location import sqlite_path
from daemon.store.opening import open_store

log = logging.getLogger("parcelwatch")


def configure_check_config(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument(
        "--connect",
        action="store_true",
        help="also log in to each [[imap]] account (read-only) and report one line per account",
    )


def run_check_config(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    loaded = settings(args, env)
    unreadable = _unreadable_secrets(loaded)
    targets = _check_targets(loaded, unreadable)
    database = _check_database(loaded, unreadable)
    _warn_exposed(loaded)
    _warn_empty(loaded, targets)
    if loaded.imap and loaded.authserv_id is None and not args.connect:
        log.warning(
            "amazon.authserv_id is not set: a sender's own Authentication-Results cannot be told "
            "from your mail server's; `parcelwatch check-config --connect` suggests it"
        )
    print(
        f"config OK: {loaded.source} ({len(loaded.imap)} IMAP accounts, "
        f"{len(loaded.mailboxes)} mailboxes, {targets} notification targets, database {database})"
    )
    print(_web_line(loaded.web, loaded.carriers.pushed))
    if not args.connect:
        return EXIT_OK
    return _connect(loaded, unreadable)


def _unreadable_secrets(loaded: Settings) -> set[str]:
    """Read every secret once. A credential outside the service is a warning
    (the keys are returned); any other secret that cannot be read is an error."""
    unreadable: set[str] = set()
    for secret in secrets_in(loaded):
        try:
            secret.resolve()
        except ConfigError:
            if secret.where is None or not secret.where.outside_service:
                raise
            log.warning(
                "%s: not checked: %s is a systemd credential, which only the service can read",
                secret.key, secret.source,
            )  # fmt: skip
            unreadable.add(secret.key)
    return unreadable


def _check_targets(loaded: Settings, unreadable: set[str]) -> int:
    """Load every target whose URL can be read (an unusable URL or Apprise
    file is a ConfigError); warn about route tags no target carries."""
    notify = loaded.notify
    readable = tuple(t for t in notify.targets if t.url.key not in unreadable)
    notifier = Notifier(
        resolve_all(replace(notify, targets=readable)), clock=system_clock, source=loaded.source
    )
    try:
        routing = Announcements(notify.milestones, notifier.recipients, notify.routes)
        if len(readable) == len(notify.targets):
            for tag in routing.unused_tags():
                log.warning(
                    "notify.route: no target has the tag %r; what is routed to it goes nowhere",
                    tag,
                )
        return len(notifier.target_names) + len(notify.targets) - len(readable)
    finally:
        notifier.close()


def _check_database(loaded: Settings, unreadable: set[str]) -> str:
    """Open the database if it exists (a damaged one is an error); no new
    database is made."""
    if loaded.database_url.key in unreadable:
        return "(URL not readable here)"
    url = loaded.database_url.reveal()
    path = sqlite_path(url)
    if path is not None and not path.exists():
        _check_creatable(loaded, path.parent)
        return f"sqlite, not created yet ({path})"
    open_store(
        replace(loaded, database_url=loaded.database_url.resolve()), create=False, pauses=()
    ).close()
    return "sqlite" if url.startswith("sqlite") else "external"


def _check_creatable(loaded: Settings, directory: Path) -> None:
    """That the database's directory exists or can be made (tried with a
    temporary directory beside it, removed at once)."""
    key = "general.state_dir" if loaded.database_url.source == "default" else "general.database_url"
    ancestor = directory
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise ConfigError(loaded.source, key, f"{ancestor} is a file, not a directory")
    try:
        Path(tempfile.mkdtemp(prefix=".parcelwatch-check-", dir=ancestor)).rmdir()
    except OSError as exc:
        problem = f"cannot create the database's directory {directory} ({exc.strerror})"
        raise ConfigError(loaded.source, key, problem) from None


def _warn_exposed(loaded: Settings) -> None:
    """A config file that holds secrets inline should be readable by its owner only."""
    try:
        mode = Path(loaded.source).stat().st_mode
    except OSError:
        return
    inline = [
        s.key
        for s in secrets_in(loaded)
        if s.inline and (s.key != "general.database_url" or urlsplit(s.reveal()).password)
    ]
    if inline and mode & (stat.S_IRGRP | stat.S_IROTH):
        log.warning(
            "%s: readable by other users (mode %03o) and holds secrets (%s); `chmod 600 %s`, "
            'or keep them out of it with { credential = "..." } or { env = "..." }',
            loaded.source, stat.S_IMODE(mode), ", ".join(inline), loaded.source,
        )  # fmt: skip


def _warn_empty(loaded: Settings, targets: int) -> None:
    if not loaded.imap and not loaded.mailboxes:
        log.warning(
            "no mail source: add an [[imap]] account (or a [[mailbox]]) so that parcelwatch has "
            "mail to read (see config.example.toml)"
        )
    if not targets:
        log.warning(
            "no notification target: add a [[notify.target]] (or [notify] apprise_config), or "
            "parcelwatch records parcels but tells no one"
        )


def _connect(loaded: Settings, unreadable: set[str]) -> int:
    status = EXIT_OK
    logged_in: list[ImapAccount] = []
    for account in loaded.imap:
        keys = {s.key for s in secrets_in(account)} & unreadable
        if keys:
            print(f"{account.name}: not tried: {', '.join(sorted(keys))} is readable only by "
                  "the service")  # fmt: skip
            continue
        resolved = resolve_all(account)
        result = check_login(resolved, system_clock)
        print(result)
        if result.ok:
            logged_in.append(resolved)
        else:
            status = EXIT_FAILURE
    if not loaded.imap:
        print("no [[imap]] account to connect to")
    elif loaded.authserv_id is None and logged_in:
        print(authserv_hint(loaded, logged_in))
    return status


def authserv_hint(loaded: Settings, accounts: list[ImapAccount]) -> str:
    """What the newest Amazon email in `accounts` (those that logged in) says
    about amazon.authserv_id, which is unset."""
    senders = sender_criteria(loaded.marketplaces, loaded.forwarding_addresses)
    today = system_clock().date()
    problems = []
    for account in accounts:
        try:
            found = suggest_authserv_id(
                account, connector(account, token_source(account, system_clock)), senders, today
            )
        except ParcelwatchError as exc:
            problems.append(f"{account.name}: {exc}")
            continue
        if found is not None:
            return (
                f"hint: amazon.authserv_id is not set; the newest Amazon email in {found.folder} "
                f"was checked by {found.authserv_id!r} (the first word of its topmost "
                f"Authentication-Results): if that is your mail server, set "
                f'authserv_id = "{found.authserv_id}" in [amazon]'
            )
    tried = f" (could not look in {'; '.join(problems)})" if problems else ""
    return (
        "hint: amazon.authserv_id is not set, and no Amazon email of the last "
        f"{LOOK_BACK_DAYS} days with Authentication-Results was found to suggest it{tried}; "
        "see config.example.toml"
    )


def _web_line(web: WebSettings, pushed: frozenset[str]) -> str:
    """Where `run` serves the pages and who may open them."""
    if web.listen is None:
        line = "web: not served by `parcelwatch run` (set [web] listen, or run `parcelwatch web`)"
    else:
        host = f"[{web.listen.host}]" if ":" in web.listen.host else web.listen.host
        who = "token required" if web.token else "loopback only, no token"
        line = f"web: http://{host}:{web.listen.port}{web.base_path}/ with `parcelwatch run`, {who}"
    if pushed:
        line += f"; webhooks: {', '.join(f'/hooks/{name}' for name in sorted(pushed))}"
    return line
