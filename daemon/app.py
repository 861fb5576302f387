"""Wiring: builds the objects a command needs from settings, once, and passes
them in. There are no module-level singletons anywhere else."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from importlib import metadata
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from daemon.carriers.base import Usage
from daemon.carriers.ledger import Checks
from daemon.carriers.refresher import Refresher
from daemon.carriers.routing import Router
from daemon.carriers.schedule import Policy
from daemon.config.imap import ImapAccount
from daemon.config.mqtt import MqttSettings
from daemon.config.notify import NotifySettings
from daemon.config.parsing import registry_options
from daemon.config.settings import Settings
from daemon.mail.accounts import Mailboxes
from daemon.mail.backoff import Backoff
from daemon.mail.imap import sender_criteria
from daemon.mail.imap_connect import ImapConnection
from daemon.notify.digest import Digests
from daemon.notify.hand_raise import HandRaise
from daemon.notify.hello import Hellos
from daemon.notify.links import shipment_page
from daemon.notify.notifier import Notifier, OutboxRun
from daemon.notify.outbox import Outbox
from daemon.notify.photo import PhotoError, fetch_photo
from daemon.notify.photo_net import Network
from daemon.notify.reminder import Reminders
from daemon.notify.routing import Announcements
from daemon.parsing.budget import Budget, BudgetedReader
from daemon.pipeline import Pipeline
from daemon.store.database import Store
from daemon.store.opening import open_store
from daemon.store.stories import Quiet, end_quiet_stories
from daemon.store.unread import UnreadEmails
from parsers.dragonfly_senders import DOMAINS as CARRIER_DOMAINS

if TYPE_CHECKING:
    from daemon.mqtt.bridge import Bridge
    from daemon.web.site import Site

# A delivery photo as (bytes, MIME type), or None when it could not be had.
PhotoSource = Callable[[str], tuple[bytes, str] | None]

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class App:
    settings: Settings
    store: Store
    pipeline: Pipeline
    notifier: Notifier
    outbox: Outbox
    digests: Digests
    zone: tzinfo | None
    clock: Clock
    checks: Checks
    refresher: Refresher
    routing: Announcements
    unread: UnreadEmails
    hand_raise: HandRaise
    hellos: Hellos
    reminders: Reminders
    reader: BudgetedReader
    photo_network: Network

    def deliver(self) -> OutboxRun:
        """Queue a due digest, the day's pickup reminders and notice about
        unread Amazon emails, then send what the outbox holds that is due."""
        self.digests.run_due(self.clock())
        self.reminders.run_due(self.clock())
        self.hand_raise.run_due(self.clock())
        return self.notifier.deliver_due(self.outbox)

    def greet(self, kind: str, name: str) -> bool:
        """The hello after the first sync of the account or mailbox `name`
        (kind "imap" or "mailbox"), queued once (see daemon.notify.hello)."""
        return self.hellos.greet(kind, name, self.clock())

    def end_stories(self) -> Quiet:
        """Parcels and orders with no news for [carriers] stale_days become stale."""
        stale_after = timedelta(days=self.settings.carriers.stale_days)
        return end_quiet_stories(self.store, self.routing, self.clock(), stale_after)

    def mailboxes(
        self,
        *,
        connect_for: Callable[[ImapAccount], Callable[[], ImapConnection]] | None = None,
        backoff: Callable[[], Backoff] = Backoff,
    ) -> Mailboxes:
        """The configured IMAP accounts, feeding this app's pipeline and outbox."""
        settings = self.settings
        carriers = CARRIER_DOMAINS if "amazon.nl" in settings.marketplaces else ()
        senders = sender_criteria(settings.marketplaces, settings.forwarding_addresses, carriers)
        return Mailboxes(
            senders,
            self.store,
            self.clock,
            functools.partial(self.pipeline.process_all, known_new=True),
            self.deliver,
            connect_for=connect_for,
            backoff=backoff,
            synced=functools.partial(self.greet, "imap"),
        )

    def calendar_feed(self, *, include_archived: bool = False) -> bytes:
        """The iCalendar feed of the parcels not archived (all with
        `include_archived`). daemon.calendar is loaded here, so that other
        commands never import icalendar."""
        from daemon.calendar.feed import feed

        shipments = self.store.shipments(include_finished=True, include_archived=include_archived)
        return feed(shipments, zone=self.zone, link=shipment_page)

    def home_assistant(self, settings: MqttSettings, *, client_id: str) -> Bridge:
        """The MQTT bridge to Home Assistant for these [mqtt] settings. paho is
        loaded here, so that commands that do not publish never import it."""
        from daemon.mqtt.bridge import Bridge
        from daemon.mqtt.publisher import Publisher

        photos = (
            _photo_download(self.settings.notify, self.photo_network)
            if settings.delivery_photo
            else None
        )
        max_age = self.settings.notify.max_age
        if settings.event_max_age_hours is not None:
            max_age = timedelta(hours=settings.event_max_age_hours)
        publisher = Publisher(
            settings,
            self.store,
            self.clock,
            self.zone,
            shipment_page,
            photos,
            _version(),
            max_age,
            self.settings.late_after_days,
        )
        return Bridge(settings, publisher, client_id=client_id)

    def web_site(
        self, delivered: Callable[[], object], *, photos: PhotoSource | None = None
    ) -> Site:
        """The web interface of these settings ([web]), its webhooks sending
        what they queue through `delivered`; `photos` replaces the download of
        delivery photos. daemon.web is loaded here, so that other commands
        never import Jinja2, Waitress or prometheus_client."""
        from daemon.web.assemble import build_site

        settings = self.settings
        if photos is None and settings.web.photos:
            photos = _photo_download(settings.notify, self.photo_network)
        return build_site(
            settings.web,
            settings.carriers,
            store=self.store,
            unread=self.unread,
            checks=self.checks,
            zone=self.zone,
            clock=self.clock,
            usage=self.carrier_usage,
            delivered=delivered,
            photos=photos,
            calendar=self.calendar_feed,
            late_after_days=settings.late_after_days,
        )

    def carrier_usage(self) -> dict[str, Usage]:
        """Requests sent to each carrier API by this process, for the metrics."""
        return {name: b.usage() for name, b in self.refresher.router.backends.items()}

    def close(self) -> None:
        self.reader.close()
        self.refresher.close()
        self.notifier.close()
        self.store.close()


def _photo_download(settings: NotifySettings, network: Network) -> PhotoSource:
    """Delivery photos for Home Assistant and the web pages, downloaded as the
    notifications download them (daemon.notify.photo: Amazon's hosts, public
    addresses) within the same limits ([notify] photo_max_bytes, photo_timeout)."""

    def download(url: str) -> tuple[bytes, str] | None:
        try:
            photo = fetch_photo(url, max_bytes=settings.photo_max_bytes,
                                timeout=settings.photo_timeout, network=network)  # fmt: skip
        except PhotoError as exc:
            log.warning("no delivery photo: %s", exc)
            return None
        return photo.content, photo.mime_type

    return download


def _version() -> str:
    try:
        return metadata.version("parcelwatch")
    except metadata.PackageNotFoundError:
        return "unknown"


def build(
    settings: Settings, clock: Clock = system_clock, *, photo_network: Network | None = None
) -> App:
    """Every part, built once. `photo_network` is for tests that serve photos on
    loopback (tests/support/photo_server.py); the commands pass none: public only."""
    zone = ZoneInfo(settings.timezone) if settings.timezone else None
    network = photo_network or Network.public()
    # Targets first: an unusable Apprise URL or file is a config error, found
    # before the database is touched.
    notifier = Notifier(
        settings.notify, clock=clock, zone=zone, source=settings.source, photo_network=network
    )
    try:
        store = open_store(settings)
    except BaseException:
        notifier.close()
        raise
    routing = Announcements(
        settings.notify.milestones,
        notifier.recipients,
        settings.notify.routes,
        max_age=settings.notify.max_age,
    )
    outbox = Outbox(store)
    digests = Digests(
        settings.notify.digest,
        routing,
        store.shipments,
        outbox.add_digest,
        zone,
        settings.late_after_days,
    )
    hellos = Hellos(routing, store.shipments, store.unshipped_orders, outbox.add_once, zone)
    reminders = Reminders(routing, store.pickups_ending, outbox.add_once, zone)
    reader = BudgetedReader(registry_options(settings), Budget(seconds=settings.parse_budget))
    pipeline = Pipeline(reader, store, routing, clock)
    unread = UnreadEmails(store)
    hand_raise = HandRaise(settings.notify_unrecognised, unread, routing, outbox.add_notice, zone)
    checks = Checks(store, routing)
    router = Router.from_settings(settings.carriers, clock, checks.answered_by)
    refresher = Refresher(checks, router, clock, Policy(), pushed=settings.carriers.pushed)
    return App(
        settings,
        store,
        pipeline,
        notifier,
        outbox,
        digests,
        zone,
        clock,
        checks,
        refresher,
        routing,
        unread,
        hand_raise,
        hellos,
        reminders,
        reader,
        network,
    )
