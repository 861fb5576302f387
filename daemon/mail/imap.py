"""Reading Amazon mail out of IMAP folders, incrementally and read-only.

Per (account, folder) the store keeps a cursor: the folder's UIDVALIDITY and the
highest UID already looked at. A check with no new mail is one STATUS round trip,
however large the folder. New mail is found with a server-side SEARCH by sender
(the Amazon domains of the enabled marketplaces and the user's forwarding
addresses), never by subject: Amazon changes subjects, and a subject filter loses
mail silently. The first scan of a folder, and a re-scan after its UIDVALIDITY
changed, go back `backfill_days` only.

Messages are fetched in batches: first their size and Message-ID, so mail
recorded before (a re-scanned folder, the same message in two folders) and mail
over the size limit is never downloaded; then the bodies, with BODY.PEEK. The
cursor moves after each batch has been recorded, so a crash repeats at most one
batch, and the store's content hash and Message-ID checks make that repeat
harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from daemon.config.imap import ImapAccount
from daemon.errors import ParcelwatchError
from daemon.mail.imap_connect import FolderStatus, ImapConnection
from daemon.mail.progress import Progress, Silent
from daemon.mail.raw import RawMessage
from daemon.store.database import Store
from daemon.store.views import Cursor
from parsers.amazon.marketplaces import by_domain

log = logging.getLogger(__name__)

# Records a batch of new messages in their order (Pipeline.process_all), reading
# the next while one is recorded.
Handler = Callable[[Iterable[RawMessage]], object]


@dataclass(frozen=True)
class FolderReport:
    """What one check of one folder did."""

    folder: str
    fetched: int = 0
    known: int = 0
    too_large: int = 0
    rescanned: bool = False

    def __str__(self) -> str:
        parts = [f"{self.fetched} new"]
        if self.known:
            parts.append(f"{self.known} already recorded")
        if self.too_large:
            parts.append(f"{self.too_large} too large, skipped")
        if self.rescanned:
            parts.append("re-scanned after a UIDVALIDITY change")
        return f"{self.folder}: " + ", ".join(parts)


def sender_criteria(
    marketplaces: Iterable[str], forwarding: Iterable[str], carriers: Iterable[str] = ()
) -> list[str]:
    """IMAP SEARCH keys matching mail from any of these senders.

    FROM matches a substring of the From header, so "amazon.com" also covers
    "amazon.com.mx" and "shipment-tracking@marketplace.amazon.com"; names covered
    by a shorter one are dropped to keep the query small. IMAP's OR takes two
    keys, so n senders become a chain of n-1 ORs in prefix form.
    """
    names: list[str] = []
    for domain in marketplaces:
        market = by_domain(domain)
        names.extend(market.mail_domains if market else (domain,))
    names.extend(forwarding)
    names.extend(carriers)  # carriers that mail about Amazon parcels themselves (Dragonfly)
    kept: list[str] = []
    for name in sorted(set(names), key=lambda n: (len(n), n)):
        if not any(shorter in name for shorter in kept):
            kept.append(name)
    keys: list[str] = []
    for index, name in enumerate(kept):
        if index < len(kept) - 1:
            keys.append("OR")
        keys.extend(["FROM", name])
    return keys


class FolderReader:
    """Brings the store up to date with one folder of one account."""

    def __init__(
        self,
        account: ImapAccount,
        folder: str,
        store: Store,
        senders: Sequence[str],
        handle: Handler,
        clock: Callable[[], datetime],
        progress: Progress | None = None,
    ) -> None:
        self.account = account
        self.folder = folder
        self.store = store
        self.senders = list(senders)
        self.handle = handle
        self.clock = clock
        self.progress = progress or Silent()
        self.source = f"imap:{account.name}/{folder}"
        # What progress reports call it: the account, or account/folder beside INBOX.
        self.label = account.name if folder == "INBOX" else f"{account.name}/{folder}"

    def has_news(self, connection: ImapConnection) -> bool:
        """One STATUS round trip: is there anything past the cursor? (The folder
        must not be selected: STATUS on the selected folder is discouraged.)"""
        status = connection.status(self.folder)
        cursor = self.store.cursor(self.account.name, self.folder)
        return _needs_scan(cursor, status)

    def catch_up(self, connection: ImapConnection) -> FolderReport:
        """Select the folder read-only and read everything past the cursor."""
        status = connection.examine(self.folder)
        cursor = self.store.cursor(self.account.name, self.folder)
        rescan = cursor is not None and cursor.uidvalidity != status.uidvalidity
        if rescan:
            log.warning(
                "%s: UIDVALIDITY changed (%s -> %s); re-scanning, already recorded mail is "
                "recognised and skipped",
                self.source,
                cursor.uidvalidity if cursor else None,
                status.uidvalidity,
            )
        if cursor is None or rescan:
            cursor = Cursor(status.uidvalidity, 0)
            criteria = ["SINCE", self._backfill_start(), *self.senders]
        else:
            criteria = ["UID", f"{cursor.last_uid + 1}:*", *self.senders]
        # "UID n:*" always matches the last message, even below n.
        uids = [uid for uid in connection.search(criteria) if uid > cursor.last_uid]
        log.debug("%s: %s, cursor %s: %d to read", self.source, status, cursor, len(uids))
        report = self._read(connection, status, cursor, uids)
        return FolderReport(
            self.folder, report.fetched, report.known, report.too_large, rescanned=rescan
        )

    def _read(
        self, connection: ImapConnection, status: FolderStatus, cursor: Cursor, uids: list[int]
    ) -> FolderReport:
        fetched = known = too_large = 0
        size = self.account.batch_size
        task = self.progress.task(self.label, len(uids)) if uids else None
        try:
            for start in range(0, len(uids), size):
                batch = uids[start : start + size]
                counts = self._read_batch(connection, status.uidvalidity, batch)
                fetched, known, too_large = (
                    fetched + counts[0],
                    known + counts[1],
                    too_large + counts[2],
                )
                cursor = Cursor(status.uidvalidity, batch[-1])
                self.store.save_cursor(self.account.name, self.folder, cursor, self.clock())
                if task is not None:
                    task.advance(len(batch), counts[0])
        finally:
            if task is not None:
                task.finish()
        # Everything below UIDNEXT has now been looked at, matching or not.
        last = max(cursor.last_uid, status.uidnext - 1)
        self.store.save_cursor(
            self.account.name, self.folder, Cursor(status.uidvalidity, last), self.clock()
        )
        return FolderReport(self.folder, fetched, known, too_large)

    def _read_batch(
        self, connection: ImapConnection, uidvalidity: int, batch: list[int]
    ) -> tuple[int, int, int]:
        heads = connection.heads(batch)
        ids = [h.message_id for h in heads.values() if h.message_id]
        recorded = self.store.known_message_ids(ids)
        wanted: list[int] = []
        known = too_large = 0
        for uid in batch:
            head = heads.get(uid)
            if head is None:
                continue  # expunged meanwhile
            if head.message_id in recorded:
                known += 1
            elif head.size > self.account.max_message_bytes:
                too_large += self._skip(uidvalidity, uid, head.size, head.message_id)
            else:
                wanted.append(uid)
        bodies = connection.bodies(wanted) if wanted else {}
        self.handle(
            RawMessage(body.data, self.source, f"{uidvalidity}:{uid}", body.received_at)
            for uid, body in ((uid, bodies.get(uid)) for uid in wanted)
            if body and body.data
        )
        return len(bodies), known, too_large

    def _skip(self, uidvalidity: int, uid: int, size: int, message_id: str | None) -> int:
        limit = self.account.max_message_bytes
        reason = f"skipped: {size:,} bytes is over the limit of {limit:,} (imap.max_message_bytes)"
        location = f"{uidvalidity}:{uid}"
        if self.store.record_skipped(self.source, location, message_id, reason, self.clock()):
            log.warning("%s uid %d: %s", self.source, uid, reason)
        return 1

    def _backfill_start(self) -> date:
        return (self.clock() - timedelta(days=self.account.backfill_days)).date()


def _needs_scan(cursor: Cursor | None, status: FolderStatus) -> bool:
    if cursor is None or cursor.uidvalidity != status.uidvalidity:
        return True
    return status.uidnext - 1 > cursor.last_uid


def check_folders(
    connection: ImapConnection, readers: Sequence[FolderReader]
) -> list[FolderReport]:
    """Check each folder (one STATUS each) and catch up where there is news."""
    reports: list[FolderReport] = []
    for reader in readers:
        if reader.has_news(connection):
            reports.append(reader.catch_up(connection))
            connection.unselect()
        else:
            reports.append(FolderReport(reader.folder))
    return reports


def sync_account(
    account: ImapAccount,
    connect: Callable[[], ImapConnection],
    readers: Sequence[FolderReader],
    store: Store,
    clock: Callable[[], datetime],
) -> list[FolderReport]:
    """One pass over every folder of an account, for `parcelwatch sync`. The
    outcome is recorded for `status`; an error is recorded and raised."""
    try:
        connection = connect()
        try:
            reports = check_folders(connection, readers)
        finally:
            connection.close()
    except ParcelwatchError as exc:
        store.account_failed(account.name, str(exc), clock())
        raise
    store.account_succeeded(account.name, clock())
    return reports
