"""Which server checked the user's mail: a suggestion for `[amazon] authserv_id`.

The user's mail server writes its verdicts on each incoming email in an
Authentication-Results header that starts with its own name, above the headers
the email came with. The newest Amazon email in the user's IMAP folders shows
that name at the top: one SEARCH and one header fetch per folder, read-only, so
`check-config` can suggest it where it is not set.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from daemon.config.imap import ImapAccount
from daemon.mail.imap_connect import ImapConnection
from parsers.auth_results import authserv_id_of

LOOK_BACK_DAYS = 90


@dataclass(frozen=True)
class Suggestion:
    """The id at the top of the newest Amazon email's headers, and where it was."""

    authserv_id: str
    folder: str


def suggest_authserv_id(
    account: ImapAccount,
    connect: Callable[[], ImapConnection],
    senders: Sequence[str],
    today: date,
) -> Suggestion | None:
    """The topmost authserv-id of the newest Amazon email (from `senders`, the
    IMAP search keys the daemon uses) in the account's folders, or None."""
    since = today - timedelta(days=LOOK_BACK_DAYS)
    connection = connect()
    try:
        for folder in account.folders:
            connection.examine(folder)
            uids = connection.search(["SINCE", since, *senders])
            results = connection.authentication_results(uids[-1]) if uids else []
            connection.unselect()
            if results and authserv_id_of(results[0]):
                return Suggestion(authserv_id_of(results[0]), f"{account.name}/{folder}")
    finally:
        connection.close()
    return None
