"""`check-config --connect`: log in to one account, look at its folders
(STATUS only: nothing is selected, let alone changed), log out, and say how it
went in one line a person acts on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from daemon.config.imap import ImapAccount
from daemon.errors import ActionNeededError, ParcelwatchError
from daemon.mail.imap_auth import token_source
from daemon.mail.imap_connect import open_connection

_SECURITY = {"tls": "TLS", "starttls": "STARTTLS", "plain": "no encryption"}


@dataclass(frozen=True)
class LoginCheck:
    account: str
    ok: bool
    text: str  # "home: logged in ...", or what is wrong and what to do

    def __str__(self) -> str:
        return self.text


def check_login(account: ImapAccount, clock: Callable[[], datetime]) -> LoginCheck:
    try:
        connection = open_connection(account, token_source(account, clock))
        try:
            folders = [(folder, connection.status(folder).messages) for folder in account.folders]
        finally:
            connection.close()
    except ActionNeededError as exc:
        fix = f"; {exc.fix}" if exc.fix else ""
        return LoginCheck(account.name, False, f"{account.name}: {exc.short}{fix}")
    except ParcelwatchError as exc:
        return LoginCheck(account.name, False, f"{account.name}: {exc}")
    counted = ", ".join(f"{folder} {count:,} messages" for folder, count in folders)
    security = _SECURITY[account.security]
    return LoginCheck(
        account.name,
        True,
        f"{account.name}: logged in to {account.host}:{account.port} ({security}) as "
        f"{account.username}; {counted}",
    )
