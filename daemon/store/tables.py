"""The writers' row classes (sqlmodel), mapped onto the Core tables of
daemon.store.schema, which declares the columns, their types and indexes.

Each field names its column (`_column`); a field without one, or a column
without a field, fails at import (tests/daemon/store/test_schema.py checks the
second), so the two cannot drift apart. Datetimes are stored as UTC and read
back timezone-aware (schema.UTCDateTime). Only the Home Assistant event log
(daemon.mqtt.events) and tests load these classes; reading and recording go
through the Core tables, without the ORM (daemon.store.rows says why). Orders
and shipments have no class here: daemon.store.rows holds their typed rows.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from daemon.store import schema


def _column(table: sa.Table, name: str, default: Any = None, **kwargs: Any) -> Any:
    return Field(default=default, sa_column=table.c[name], **kwargs)


def _list(table: sa.Table, name: str) -> Any:
    return Field(default_factory=list, sa_column=table.c[name])


class MailboxCursor(SQLModel, table=True):
    """How far a mail source has been read: per (account, folder)."""

    __table__ = schema.mailboxcursor
    id: int | None = _column(__table__, "id")
    account: str = _column(__table__, "account", ...)
    folder: str = _column(__table__, "folder", ...)
    uidvalidity: int | None = _column(__table__, "uidvalidity")
    last_uid: int = _column(__table__, "last_uid", 0)
    updated_at: datetime = _column(__table__, "updated_at", ...)


class AccountStatus(SQLModel, table=True):
    """The last outcome of reading each mail account, for `status` and for
    giving up on an account whose login keeps being refused."""

    __table__ = schema.accountstatus
    id: int | None = _column(__table__, "id")
    account: str = _column(__table__, "account", ...)
    last_success_at: datetime | None = _column(__table__, "last_success_at")
    last_error: str | None = _column(__table__, "last_error")
    last_error_at: datetime | None = _column(__table__, "last_error_at")
    # Set while the account waits for the user (a refused login): what
    # happened in a few words, and what to do; cleared by the next success.
    waiting: str | None = _column(__table__, "waiting")
    waiting_fix: str | None = _column(__table__, "waiting_fix")


class DaemonRecord(SQLModel, table=True):
    """A `parcelwatch run` using this database for one set of mail accounts
    (`scope`): who it is, and a heartbeat it renews while it runs, so that
    `status` can tell whether it is running and a second `run` for the same
    accounts can say who holds them."""

    __table__ = schema.daemonrecord
    id: int | None = _column(__table__, "id")
    pid: int = _column(__table__, "pid", ...)
    host: str = _column(__table__, "host", ...)
    started_at: datetime = _column(__table__, "started_at", ...)
    heartbeat_at: datetime = _column(__table__, "heartbeat_at", ...)
    stopped_at: datetime | None = _column(__table__, "stopped_at")
    reload_command: str = _column(__table__, "reload_command", "")
    scope: str = _column(__table__, "scope", "")


class ProcessedMessage(SQLModel, table=True):
    """Every email the pipeline has seen: idempotency and an audit trail."""

    __table__ = schema.processedmessage
    id: int | None = _column(__table__, "id")
    sha256: str = _column(__table__, "sha256", ...)
    message_id: str | None = _column(__table__, "message_id")
    source: str = _column(__table__, "source", ...)
    location: str = _column(__table__, "location", ...)
    subject: str = _column(__table__, "subject", "")
    sender: str = _column(__table__, "sender", "")
    sent_at: datetime | None = _column(__table__, "sent_at")
    parser: str | None = _column(__table__, "parser")
    error: str | None = _column(__table__, "error")
    event_count: int = _column(__table__, "event_count", 0)
    # How long decoding and parsing took (the metrics' histogram); None for
    # mail recorded before it was measured, or skipped unread.
    parse_seconds: float | None = _column(__table__, "parse_seconds")
    processed_at: datetime = _column(__table__, "processed_at", ...)


class UnreadEmail(SQLModel, table=True):
    """An email from an Amazon (or carrier) sender about an order that no rule could
    read: counted by `status`, listed by `unrecognised`, announced once a day, and
    kept (up to a size) so that `report` can write an anonymised copy of it."""

    __table__ = schema.unreademail
    id: int | None = _column(__table__, "id")
    message_pk: int = _column(__table__, "message_pk", ...)
    parser: str | None = _column(__table__, "parser")
    marketplace: str | None = _column(__table__, "marketplace")
    order_ids: list[str] = _list(__table__, "order_ids")
    raw: bytes | None = _column(__table__, "raw")
    announced_at: datetime | None = _column(__table__, "announced_at")
    recorded_at: datetime = _column(__table__, "recorded_at", ...)


class CarrierCheck(SQLModel, table=True):
    """The carrier-status schedule of one shipment: when to ask next, what the
    last answer was, and why it is not asked (email only, rejected number)."""

    __table__ = schema.carriercheck
    id: int | None = _column(__table__, "id")
    shipment_pk: int = _column(__table__, "shipment_pk", ...)
    next_check_at: datetime | None = _column(__table__, "next_check_at")
    last_checked_at: datetime | None = _column(__table__, "last_checked_at")
    backend: str | None = _column(__table__, "backend")
    status_text: str | None = _column(__table__, "status_text")
    note: str | None = _column(__table__, "note")
    done: bool = _column(__table__, "done", False)
    # No longer used (stale parcels are one pass over all of them: daemon.store.
    # stories), kept because databases made before have it NOT NULL: a new row
    # without it would be refused there. Columns are only ever added.
    stale_notified: bool = _column(__table__, "stale_notified", False)


class ShipmentOrder(SQLModel, table=True):
    __table__ = schema.shipmentorder
    shipment_pk: int = _column(__table__, "shipment_pk", ...)
    order_pk: int = _column(__table__, "order_pk", ...)


class TimelineEvent(SQLModel, table=True):
    """One line of a shipment's (or an unshipped order's) history."""

    __table__ = schema.timelineevent
    id: int | None = _column(__table__, "id")
    shipment_pk: int | None = _column(__table__, "shipment_pk")
    order_pk: int | None = _column(__table__, "order_pk")
    milestone: str = _column(__table__, "milestone", ...)
    source: str = _column(__table__, "source", ...)
    description: str | None = _column(__table__, "description")
    eta_start: date | None = _column(__table__, "eta_start")
    eta_end: date | None = _column(__table__, "eta_end")
    message_pk: int | None = _column(__table__, "message_pk")
    occurred_at: datetime = _column(__table__, "occurred_at", ...)
    recorded_at: datetime = _column(__table__, "recorded_at", ...)


class Notification(SQLModel, table=True):
    """A milestone to tell the user about; `dedupe_key` makes it unique per
    (shipment or order, milestone, occurrence)."""

    __table__ = schema.notification
    id: int | None = _column(__table__, "id")
    dedupe_key: str = _column(__table__, "dedupe_key", ...)
    shipment_pk: int | None = _column(__table__, "shipment_pk")
    order_pk: int | None = _column(__table__, "order_pk")
    milestone: str = _column(__table__, "milestone", ...)
    occurrence: int = _column(__table__, "occurrence", ...)
    account: str | None = _column(__table__, "account")
    title: str = _column(__table__, "title", ...)
    body: str = _column(__table__, "body", ...)
    # What the notification is about (notify_text.Facts as JSON): rendered per
    # target at sending time, in its format, with the templates then in force.
    facts: dict[str, Any] | None = _column(__table__, "facts")
    created_at: datetime = _column(__table__, "created_at", ...)


class Delivery(SQLModel, table=True):
    """One notification for one target: the outbox row the notifier works on.

    status: pending (due at next_attempt_at), sending (claimed by claimed_by;
    found by that daemon at its start-up it means it died mid-send), sent, failed
    (gave up, last_error says why), no_match (routing found no target; target is
    "-")."""

    __table__ = schema.delivery
    id: int | None = _column(__table__, "id")
    notification_pk: int = _column(__table__, "notification_pk", ...)
    target: str = _column(__table__, "target", ...)
    status: str = _column(__table__, "status", "pending")
    attempts: int = _column(__table__, "attempts", 0)
    next_attempt_at: datetime = _column(__table__, "next_attempt_at", ...)
    last_error: str | None = _column(__table__, "last_error")
    sent_at: datetime | None = _column(__table__, "sent_at")
    claimed_by: str | None = _column(__table__, "claimed_by")


class HomeAssistantEvent(SQLModel, table=True):
    """A milestone entered by a shipment, as told to Home Assistant (daemon.mqtt):
    unique per (shipment, milestone, occurrence), so a restart never fires it
    again. `fired` is false for one that was history when first seen (older than
    [mqtt] event_max_age, or superseded by a later occurrence): recorded, not fired."""

    __table__ = schema.homeassistant_event
    id: int | None = _column(__table__, "id")
    shipment_pk: int = _column(__table__, "shipment_pk", ...)
    milestone: str = _column(__table__, "milestone", ...)
    occurrence: int = _column(__table__, "occurrence", ...)
    fired: bool = _column(__table__, "fired", ...)
    recorded_at: datetime = _column(__table__, "recorded_at", ...)
