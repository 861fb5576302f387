"""The path of one email: raw bytes -> parse (pure) -> record (one transaction).

Parsing happens outside the database transaction, so a slow or broken email
never holds a lock, and in a worker process within a budget (daemon.parsing), so
a hostile one cannot stall the daemon; recording is all-or-nothing, so a killed
daemon resumes without losing or repeating anything.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from daemon.mail.raw import RawMessage
from daemon.parsing.reading import Parsed
from daemon.store.database import Recorded, Store, content_hash
from daemon.store.recorder import Announcer
from daemon.store.views import MessageRecord
from parsers.model import ParseResult

log = logging.getLogger(__name__)

# An email no rule could read is kept for `parcelwatch report` up to this size
# (Amazon's run to about 100 kB; a larger one is counted and listed, not kept).
KEEP_UNREAD_BYTES = 2_000_000
# Messages of a stream (an import) looked up in one query before they are read.
LOOKUP_BATCH = 32


@dataclass(frozen=True)
class Outcome:
    """What happened to one message."""

    raw: RawMessage
    duplicate: bool
    result: ParseResult | None
    notifications: int
    history: int = 0  # milestones recorded but too old to push


@dataclass
class Tally:
    """Counts over a run, for the one summary line a person reads."""

    seen: int = 0
    duplicates: int = 0
    claimed: int = 0
    errors: int = 0
    unrecognised: int = 0
    events: int = 0
    notifications: int = 0
    history: int = 0

    def add(self, outcome: Outcome) -> None:
        self.seen += 1
        if outcome.duplicate:
            self.duplicates += 1
            return
        result = outcome.result
        if result is not None:
            self.claimed += result.parser is not None
            self.unrecognised += result.unread is not None
            self.errors += result.error is not None and result.unread is None
            self.events += len(result.events)
        self.notifications += outcome.notifications
        self.history += outcome.history

    def summary(self) -> str:
        return (
            f"{self.seen} messages: {self.seen - self.duplicates} new, "
            f"{self.duplicates} already seen, {self.claimed} order emails, "
            f"{self.events} events, {self.errors} errors, "
            + (f"{self.unrecognised} unrecognised, " if self.unrecognised else "")
            + f"{self.notifications} notifications queued"
            + (f", {self.history} milestones too old to push" if self.history else "")
        )


@dataclass(frozen=True)
class _Read:
    """One email as its parse worker read it, and how long that took."""

    parsed: Parsed
    seconds: float
    sha256: str  # of the raw bytes: hashed once, in the thread that reads


class Reader(Protocol):
    """Reads one email: daemon.parsing.budget.BudgetedReader, in a worker process.
    Called from more than one thread (Pipeline.process_stream reads ahead)."""

    def read(self, raw: bytes) -> Parsed: ...


class Pipeline:
    def __init__(
        self,
        reader: Reader,
        store: Store,
        announcer: Announcer,
        clock: Callable[[], datetime],
        timer: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.reader = reader
        self.store = store
        self.announcer = announcer
        self.clock = clock
        self.timer = timer  # measures decoding and parsing, for the metrics

    def with_announcer(self, announcer: Announcer) -> Pipeline:
        """The same pipeline asking another announcer (`import --no-notify`
        records with one that announces nothing)."""
        return Pipeline(self.reader, self.store, announcer, self.clock, self.timer)

    def process(self, raw: RawMessage) -> Outcome:
        """Parse and record one message; a message that cannot be read at all is
        still recorded, with the reason, so it is not retried forever. A message
        seen before (the same bytes) is not read again; one with a known
        Message-ID is caught when it is recorded."""
        return self._finish(raw, self._look_up_and_read(raw))

    def process_stream(
        self,
        messages: Iterable[RawMessage],
        ahead: int = 2,
        *,
        known_new: bool = False,
        batch: int = LOOKUP_BATCH,
    ) -> Iterator[Outcome]:
        """`process` over many messages, in their order, each one's outcome as it
        is recorded. The next `ahead` messages are read (in their parse workers)
        while one is recorded, so a long import uses a second core instead of
        waiting for each email's parse and then its transaction. A message read
        ahead may turn out to repeat one recorded meanwhile: the recording
        transaction looks up its content and Message-ID again and records it
        once. Messages are looked up `batch` at a time before reading (one
        query, not one per email), so at most that many and `ahead` + 1 are
        held in memory.

        `known_new`: the source already knows the messages to be unrecorded (an
        IMAP source checks Message-IDs before downloading), so they are not
        looked up before reading; a duplicate is still caught when recorded."""
        looked_up = _unlooked(messages) if known_new else self._looked_up(messages, batch)
        with ThreadPoolExecutor(max_workers=ahead, thread_name_prefix="read-ahead") as pool:
            pending: deque[tuple[RawMessage, Future[_Read | None]]] = deque()
            try:
                for raw, digest, known in looked_up:
                    pending.append(
                        (raw, _recorded() if known else pool.submit(self._read, raw, digest))
                    )
                    if len(pending) > ahead:
                        yield self._finish_pending(pending.popleft())
                while pending:
                    yield self._finish_pending(pending.popleft())
            finally:  # stopped early (an error, an interrupt): read no further
                for _, future in pending:
                    future.cancel()

    def _looked_up(self, messages: Iterable[RawMessage], size: int) -> Iterator[_LookedUp]:
        """Each message, its content's digest, and whether that was recorded."""
        batch: list[RawMessage] = []
        for raw in messages:
            batch.append(raw)
            if len(batch) == size:
                yield from self._look_up(batch)
                batch = []
        yield from self._look_up(batch)

    def _look_up(self, batch: list[RawMessage]) -> Iterator[_LookedUp]:
        digests = [content_hash(raw.data) for raw in batch]
        known = self.store.known_contents(digests) if batch else set()
        for raw, digest in zip(batch, digests, strict=True):
            yield raw, digest, digest in known

    def _finish_pending(self, item: tuple[RawMessage, Future[_Read | None]]) -> Outcome:
        raw, future = item
        return self._finish(raw, future.result())

    def _look_up_and_read(self, raw: RawMessage) -> _Read | None:
        """The message read, or None if the same bytes were recorded before."""
        digest = content_hash(raw.data)
        if self.store.is_processed(digest, None):
            return None
        return self._read(raw, digest)

    def _read(self, raw: RawMessage, digest: str | None = None) -> _Read:
        digest = digest or content_hash(raw.data)
        started = self.timer()
        parsed = self.reader.read(raw.data)
        seconds = max(self.timer() - started, 0.0)  # in the worker, and the way there
        return _Read(parsed, seconds, digest)

    def _finish(self, raw: RawMessage, read: _Read | None) -> Outcome:
        if read is None:
            return Outcome(raw, duplicate=True, result=None, notifications=0)
        parsed = read.parsed
        result = _dated(parsed.result, raw.received_at)
        if result.error:
            log.warning("could not parse %s %s: %s", raw.source, raw.location, result.error)
        record = _record_of(raw, read)
        if result.unread is not None and len(raw.data) <= KEEP_UNREAD_BYTES:
            record = replace(record, raw=raw.data)  # for `parcelwatch report`
        try:
            recorded = self._record(record, result)
        except _UNRECORDABLE as exc:
            # What the email says cannot be stored (a number too large for the
            # database, text UTF-8 cannot encode): keep the message with the
            # reason, so it is neither lost silently nor read again forever.
            log.error("could not record %s %s", raw.source, raw.location, exc_info=True)
            reason = _storable(f"could not record: {type(exc).__name__}: {exc}")
            result = ParseResult(parser=result.parser, error=reason)
            safe = replace(
                record,
                message_id=_storable(record.message_id) if record.message_id else None,
                subject=_storable(record.subject),
                sender=_storable(record.sender),
            )
            recorded = self._record(safe, result)
        return Outcome(raw, recorded.duplicate, result, recorded.notifications, recorded.history)

    def _record(self, record: MessageRecord, result: ParseResult) -> Recorded:
        # The look-up before reading was by content alone: the Message-ID is
        # checked in the recording transaction.
        return self.store.record_message(record, result, self.announcer, self.clock())

    def process_all(self, messages: Iterable[RawMessage], *, known_new: bool = False) -> Tally:
        """`process_stream` to the end; the tally of all of them."""
        tally = Tally()
        for outcome in self.process_stream(messages, known_new=known_new):
            tally.add(outcome)
        return tally


# A message, its content's digest (None: not computed yet), whether it was recorded.
_LookedUp = tuple[RawMessage, str | None, bool]


def _unlooked(messages: Iterable[RawMessage]) -> Iterator[_LookedUp]:
    return ((raw, None, False) for raw in messages)


def _recorded() -> Future[_Read | None]:
    """The outcome of reading a message recorded before: nothing to read."""
    done: Future[_Read | None] = Future()
    done.set_result(None)
    return done


# Errors that the content of one message causes while it is recorded. Database
# failures (SQLAlchemy's errors) are not among them: they propagate, and the
# message is read again on the next pass.
_UNRECORDABLE = (ValueError, TypeError, LookupError, ArithmeticError)


def _dated(result: ParseResult, received_at: datetime | None) -> ParseResult:
    """Every event dated: an email without a readable Date is as old as the
    server says it is (IMAP's INTERNALDATE). A local file's time is no evidence
    (a copy has a new one), so without either an event stays undated, and an
    undated event is never pushed (daemon.notify.routing)."""
    if received_at is None or all(e.occurred_at is not None for e in result.events):
        return result
    events = [e if e.occurred_at else replace(e, occurred_at=received_at) for e in result.events]
    return replace(result, events=tuple(events))


def _record_of(raw: RawMessage, read: _Read) -> MessageRecord:
    """What the audit trail keeps of this message."""
    parsed = read.parsed
    return MessageRecord(
        raw.source,
        raw.location,
        read.sha256,
        account=raw.account,
        message_id=parsed.message_id,
        subject=parsed.subject,
        sender=parsed.sender,
        sent_at=parsed.sent_at,
        parse_seconds=read.seconds,
    )


def _storable(text: str) -> str:
    """`text` with whatever UTF-8 cannot encode (lone surrogates) replaced."""
    return text.encode("utf-8", errors="replace").decode("utf-8")
