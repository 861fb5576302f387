"""`parcelwatch run`'s running parts: IDLE watchers and the scheduler.

IDLE watchers (one thread per folder) read mail the moment it arrives, record
it and hand over: the notifications are sent by a worker thread of their own
(the "courier"), woken by every recorded change, so that a target that takes
seconds per message (Apprise paces ntfy and Pushover) never keeps the next
email waiting. One worker sends everything, oldest first, so the order of a
parcel's notifications is kept. APScheduler (3.x, a background thread) drives
everything periodic: polling the accounts configured without IDLE, waking the
courier (retries, quiet hours, the digest), carrier checks, the stories that
end (stale parcels) and the nightly housekeeping. daemon.service.loop runs a
Service and replaces it on SIGHUP.

An account whose login is refused (or whose folder is missing) waits for the
user: it is not tried again until the configuration is reloaded, and the rest
goes on; with nothing left to read the daemon still runs (carrier checks, the
outbox) and its status line says why.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.exc import OperationalError

from daemon.app import App
from daemon.calendar.file import FeedFile
from daemon.config.imap import ImapAccount
from daemon.config.web import WebSettings
from daemon.errors import PermanentError
from daemon.mail.accounts import Mailboxes
from daemon.mail.imap_watch import FolderWatcher
from daemon.mail.progress import Progress
from daemon.service.followers import Follower
from daemon.service.status import one_line
from daemon.store import housekeeping
from daemon.store.alive import scope_of

if TYPE_CHECKING:
    from daemon.mqtt.bridge import Bridge
    from daemon.web.server import WebServer

log = logging.getLogger(__name__)

# The outbox is delivered the moment mail or a carrier scan queues something, and a
# retry gets a run of its own when it is due (_retry_soon); this periodic run is the
# safety net (and releases quiet hours), so it can be rare: an idle daemon's CPU.
OUTBOX_SECONDS = 300.0
CARRIER_SECONDS = 60.0
STORIES_SECONDS = 3600.0
HOUSEKEEPING_AT = (3, 30)  # local time: a quiet hour for a home server
STATUS_SECONDS = 60.0

# Builds the app and picks the accounts from the configuration as it is now;
# raises ConfigError when the file is wrong.
Loader = Callable[[], tuple[App, Sequence[ImapAccount]]]


class Service:
    """One configuration's worth of running parts: watchers and scheduler."""

    def __init__(
        self,
        app: App,
        accounts: Sequence[ImapAccount],
        *,
        mailboxes: Mailboxes | None = None,
        outbox_seconds: float = OUTBOX_SECONDS,
        reload_command: str = "",
        on_waiting: Callable[[], None] = lambda: None,
        progress: Progress | None = None,
    ) -> None:
        self.app = app
        self.accounts = tuple(accounts)
        # Its sends are claimed in the name of its accounts (as its heartbeat
        # row is): a restart takes back only its own unfinished ones.
        app.outbox.act_for(scope_of(account.name for account in self.accounts))
        self.boxes = mailboxes or app.mailboxes()
        self.outbox_seconds = outbox_seconds
        self.reload_command = reload_command
        self.on_waiting = on_waiting
        self.boxes.on_waiting = on_waiting
        if progress is not None:
            self.boxes.progress = progress
        self._polls_waiting: set[str] = set()
        self.scheduler = BackgroundScheduler(
            timezone=app.zone or UTC,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
        )
        self.watchers: list[FolderWatcher] = []
        self.web: WebServer | None = None
        self.boxes.after_deliver = self._retry_soon
        # The one thread that sends notifications; everyone else only wakes it.
        self.courier = Follower("notifications", self.boxes.deliver_and_log)
        self.boxes.on_news = self.courier.poke
        # A job must not ask the scheduler anything once shutdown() holds its
        # locks while waiting for that very job: scheduling and stopping take turns.
        self._scheduling = threading.Lock()
        self._stopping = False
        # Home Assistant and the calendar file follow the store in threads of their own.
        self.bridge: Bridge | None = None
        self.followers: dict[str, Follower] = {}
        self._unlisten: list[Callable[[], None]] = []

    def start(self, *, recover: bool = True) -> None:
        """Start watchers and jobs; `recover` (at process start only, not on a
        reload) re-queues sends a killed predecessor left unfinished."""
        if recover:
            self.app.notifier.recover(self.app.outbox)
        watched = [a for a in self.accounts if a.idle]
        polled = [a for a in self.accounts if not a.idle]
        self.courier.start()
        self._unlisten.append(self.app.store.listen(self.courier.poke))
        self._follow()
        self.watchers = self.boxes.start(watched)
        self._schedule(polled)
        self.scheduler.start()
        self._serve_web()
        log.info(
            "watching %d folder(s) with IDLE, polling %d account(s)",
            len(self.watchers), len(polled),
        )  # fmt: skip

    def _serve_web(self) -> None:
        """The web interface, when `[web] listen` asks for it. An address that
        cannot be had (a port in use) is said once and the daemon goes on
        without pages: tracking mail matters more than showing it."""
        web = self.app.settings.web
        if web.listen is None:
            return
        try:
            self.web = web_server(self.app, web, self.courier.poke)
        except PermanentError as exc:
            log.error("%s; running without the web interface (fix [web] listen, then reload)", exc)
            return
        self.web.start()

    def _schedule(self, polled: Sequence[ImapAccount]) -> None:
        now = datetime.now(UTC)
        add = self.scheduler.add_job
        add(self.courier.poke, "interval", seconds=self.outbox_seconds, id="outbox",
            next_run_time=now)  # fmt: skip
        for account in polled:
            add(guarded(f"poll {account.name}", functools.partial(self._poll, account)),
                "interval", seconds=account.poll_interval, id=f"poll:{account.name}",
                next_run_time=now)  # fmt: skip
        if self.app.settings.carriers.backends:
            add(guarded("carrier checks", self._check_carriers), "interval",
                seconds=CARRIER_SECONDS, id="carriers", next_run_time=now)  # fmt: skip
        digest = self.app.settings.notify.digest
        if digest is not None:
            add(self.courier.poke, "cron", hour=digest.at.hour, minute=digest.at.minute,
                id="digest")  # fmt: skip
        # Stale parcels: an hour after the start (the first catch-up of the mail
        # has read what news there was), then every hour.
        add(guarded("stale parcels", self._end_stories), "interval", seconds=STORIES_SECONDS,
            id="stories", next_run_time=now + timedelta(seconds=STORIES_SECONDS))  # fmt: skip
        hour, minute = HOUSEKEEPING_AT
        add(guarded("housekeeping", self._housekeeping), "cron", hour=hour, minute=minute,
            id="housekeeping")  # fmt: skip
        if "home assistant" in self.followers:  # "arriving today" becomes "late" at midnight
            add(self.followers["home assistant"].poke, "cron", hour=0, minute=0, second=5,
                id="midnight")  # fmt: skip

    def _follow(self) -> None:
        """Start what keeps Home Assistant ([mqtt]) and the calendar file
        ([calendar] path) current: each pass runs after the store changed, in a
        thread of its own, so mail and carrier checks never wait for them."""
        settings = self.app.settings
        if settings.mqtt is not None:
            bridge = self.app.home_assistant(settings.mqtt, client_id=settings.mqtt.client_id)
            follower = self._add_follower(Follower("home assistant", bridge.run_pass))
            bridge.start(follower.poke)  # connecting asks for the first pass
            self.bridge = bridge
        if settings.calendar.path is not None:
            feed = FeedFile(settings.calendar.path, self.app.calendar_feed)
            self._add_follower(Follower("calendar", feed.refresh)).poke()

    def _add_follower(self, follower: Follower) -> Follower:
        follower.start()
        self.followers[follower.name] = follower
        self._unlisten.append(self.app.store.listen(follower.poke))
        return follower

    def _retry_soon(self) -> None:
        """A failed delivery due before the next outbox run gets a run of its
        own at that moment, so a retry after `retry_seconds` is not minutes late."""
        due = self.app.outbox.next_due(self.app.notifier.target_names)
        if due is None:
            return
        with self._scheduling:
            if self._stopping or not self.scheduler.running:
                return
            regular = self.scheduler.get_job("outbox")
            if regular is None or (regular.next_run_time and due >= regular.next_run_time):
                return
            self.scheduler.add_job(self.courier.poke, "date",
                                   run_date=max(due, datetime.now(UTC)), id="outbox-retry",
                                   replace_existing=True)  # fmt: skip

    def nudge_outbox(self) -> None:
        """Deliver now what is due now but was not scheduled by this process
        (deliveries re-queued by `parcelwatch outbox retry`)."""
        due = self.app.outbox.next_due(self.app.notifier.target_names)
        now = datetime.now(UTC)
        if due is None or due > now:
            return
        with self._scheduling:
            if self._stopping or not self.scheduler.running:
                return
            if self.scheduler.get_job("outbox") is not None:
                self.scheduler.modify_job("outbox", next_run_time=now)

    def _check_carriers(self) -> None:
        self.app.refresher.run_due()
        self.courier.poke()

    def _poll(self, account: ImapAccount) -> None:
        [result] = self.boxes.sync([account])
        if result.waiting is not None:
            # Polling again would only be refused again: wait for a reload.
            log.error("%s waits until the configuration is reloaded", account.name)
            self._polls_waiting.add(account.name)
            with self._scheduling:
                if not self._stopping and self.scheduler.get_job(f"poll:{account.name}"):
                    self.scheduler.remove_job(f"poll:{account.name}")
            self.on_waiting()
        self.courier.poke()

    def _end_stories(self) -> None:
        if self.app.end_stories().notifications:
            self.courier.poke()

    def _housekeeping(self) -> None:
        housekeeping.run(self.app.store, self.app.clock(), self.app.settings.archive_after_days)

    @property
    def nothing_to_read(self) -> bool:
        """No account is read: none is configured, or each waits for the user."""
        polled = [a for a in self.accounts if not a.idle]
        return all(w.gave_up for w in self.watchers) and all(
            a.name in self._polls_waiting for a in polled
        )

    def status(self) -> str:
        try:
            line = one_line(
                self.app.store,
                self.app.zone,
                accounts=[a.name for a in self.accounts],
                reload_command=self.reload_command,
            )
        except OperationalError:
            return "database busy"
        if not self.accounts:
            return "no [[imap]] account configured; " + line
        if self.nothing_to_read:
            return "no mail account can be read: " + line
        return line

    def stop(self) -> None:
        """Finish the running job, stop the watchers, close connections."""
        self.app.notifier.halt()
        with self._scheduling:
            self._stopping = True
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        if self.web is not None:
            self.web.stop()
        self.boxes.stop()
        for unlisten in self._unlisten:
            unlisten()
        self.courier.stop()  # after the send at hand (halted above)
        for follower in self.followers.values():
            follower.stop()
        if self.bridge is not None:
            self.bridge.stop()  # "offline" for Home Assistant, then disconnect


def web_server(app: App, web: WebSettings, delivered: Callable[[], object]) -> WebServer:
    """The web interface of `app` on `web.listen`, bound but not yet serving;
    a PermanentError when the address cannot be had. daemon.web is imported
    here, so a daemon without [web] never loads it."""
    from daemon.web.server import WebServer

    assert web.listen is not None
    site = app.web_site(delivered)
    try:
        return WebServer(site, web.listen)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise PermanentError(f"web: cannot listen on {web.listen}: {reason}") from None


def guarded(name: str, job: Callable[[], object]) -> Callable[[], None]:
    """A scheduled job that never lets an error escape into the scheduler: a
    locked database is retried at the next run; anything else is logged with
    its traceback and also retried then."""

    def run() -> None:
        try:
            job()
        except OperationalError as exc:
            log.warning("%s: database busy (%s); trying again at the next run", name, exc.orig)
        except Exception:
            log.exception("%s failed; trying again at the next run", name)

    return run
