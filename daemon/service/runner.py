"""`parcelwatch run`: the long-running daemon.

IDLE watchers (one thread per folder) read mail the moment it arrives and
deliver its notifications at once. APScheduler (3.x, a background thread)
drives everything periodic: polling the accounts configured without IDLE, the
outbox (retries, quiet hours, the digest), carrier checks, and the nightly
housekeeping. The main thread only waits for signals and talks to systemd:
READY once started, a STATUS line and a WATCHDOG ping on every wake-up.

SIGTERM/SIGINT: the scheduler finishes the job at hand (each job is a series of
short transactions), the watchers leave IDLE and close their connections, and
`run` returns. SIGHUP: the configuration is read again; if it is valid the
daemon restarts its parts with it, otherwise it says why and keeps going with
the configuration it has.
"""

from __future__ import annotations

import functools
import logging
import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import FrameType
from typing import TYPE_CHECKING

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.exc import OperationalError

from daemon.app import App
from daemon.calendar.file import FeedFile
from daemon.config.imap import ImapAccount
from daemon.config.web import WebSettings
from daemon.errors import ConfigError, PermanentError
from daemon.mail.accounts import Mailboxes
from daemon.mail.imap_watch import FolderWatcher
from daemon.service.followers import Follower
from daemon.service.status import one_line
from daemon.service.systemd import SystemdNotifier
from daemon.store import housekeeping

if TYPE_CHECKING:
    from daemon.mqtt.bridge import Bridge
    from daemon.web.server import WebServer

log = logging.getLogger(__name__)

# The outbox is delivered the moment mail or a carrier scan queues something, and a
# retry gets a run of its own when it is due (_retry_soon); this periodic run is the
# safety net (and releases quiet hours), so it can be rare: an idle daemon's CPU.
OUTBOX_SECONDS = 300.0
CARRIER_SECONDS = 60.0
HOUSEKEEPING_AT = (3, 30)  # local time: a quiet hour for a home server
STATUS_SECONDS = 60.0

# Builds the app and picks the accounts from the configuration as it is now;
# raises ConfigError when the file is wrong.
Loader = Callable[[], tuple[App, Sequence[ImapAccount]]]


@dataclass
class Signals:
    """What the signal handlers tell the main loop; `wake` ends its wait."""

    stop: threading.Event = field(default_factory=threading.Event)
    reload: threading.Event = field(default_factory=threading.Event)
    wake: threading.Event = field(default_factory=threading.Event)

    def request_stop(self) -> None:
        self.stop.set()
        self.wake.set()

    def request_reload(self) -> None:
        self.reload.set()
        self.wake.set()

    def install(self) -> Callable[[], None]:
        """SIGTERM (systemd stop) and SIGINT (Ctrl-C) stop; SIGHUP reloads.
        Returns what puts the previous handlers back."""

        def on_stop(signum: int, frame: FrameType | None) -> None:
            log.info("%s received, stopping", signal.Signals(signum).name)
            self.request_stop()

        def on_reload(signum: int, frame: FrameType | None) -> None:
            log.info("SIGHUP received, reading the configuration again")
            self.request_reload()

        handlers = {signal.SIGTERM: on_stop, signal.SIGINT: on_stop, signal.SIGHUP: on_reload}
        previous = {signum: signal.signal(signum, handler) for signum, handler in handlers.items()}

        def restore() -> None:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

        return restore


class Service:
    """One configuration's worth of running parts: watchers and scheduler."""

    def __init__(
        self,
        app: App,
        accounts: Sequence[ImapAccount],
        *,
        mailboxes: Mailboxes | None = None,
        outbox_seconds: float = OUTBOX_SECONDS,
    ) -> None:
        self.app = app
        self.accounts = tuple(accounts)
        self.boxes = mailboxes or app.mailboxes()
        self.outbox_seconds = outbox_seconds
        self.scheduler = BackgroundScheduler(
            timezone=app.zone or UTC,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
        )
        self.watchers: list[FolderWatcher] = []
        self.web: WebServer | None = None
        self.boxes.after_deliver = self._retry_soon
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
            self.web = web_server(self.app, web, self.boxes.deliver)
        except PermanentError as exc:
            log.error("%s; running without the web interface (fix [web] listen, then reload)", exc)
            return
        self.web.start()

    def _schedule(self, polled: Sequence[ImapAccount]) -> None:
        now = datetime.now(UTC)
        add = self.scheduler.add_job
        add(guarded("outbox", self.boxes.deliver), "interval", seconds=self.outbox_seconds,
            id="outbox", next_run_time=now)  # fmt: skip
        for account in polled:
            add(guarded(f"poll {account.name}", functools.partial(self._poll, account)),
                "interval", seconds=account.poll_interval, id=f"poll:{account.name}",
                next_run_time=now)  # fmt: skip
        if self.app.settings.carriers.backends:
            add(guarded("carrier checks", self._check_carriers), "interval",
                seconds=CARRIER_SECONDS, id="carriers", next_run_time=now)  # fmt: skip
        digest = self.app.settings.notify.digest
        if digest is not None:
            add(guarded("digest", self.boxes.deliver), "cron", hour=digest.at.hour,
                minute=digest.at.minute, id="digest")  # fmt: skip
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
            self.scheduler.add_job(guarded("outbox retry", self.boxes.deliver), "date",
                                   run_date=max(due, datetime.now(UTC)), id="outbox-retry",
                                   replace_existing=True)  # fmt: skip

    def _check_carriers(self) -> None:
        self.app.refresher.run_due()
        self.boxes.deliver()

    def _poll(self, account: ImapAccount) -> None:
        self.boxes.sync([account])
        self.boxes.deliver()

    def _housekeeping(self) -> None:
        housekeeping.run(self.app.store, self.app.clock(), self.app.settings.archive_after_days)

    @property
    def gave_up(self) -> bool:
        """Every watched folder gave up and nothing is polled: nothing left to do."""
        polled = any(not a.idle for a in self.accounts)
        return bool(self.watchers) and not polled and all(w.gave_up for w in self.watchers)

    def status(self) -> str:
        try:
            return one_line(self.app.store, self.app.zone)
        except OperationalError:
            return "database busy"

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


def run(
    load: Loader,
    signals: Signals,
    systemd: SystemdNotifier,
    *,
    first: tuple[App, Sequence[ImapAccount]] | None = None,
) -> bool:
    """Run until stopped; False when every account gave up (each said why)."""
    app, accounts = first or load()
    service = Service(app, accounts)
    service.start()
    systemd.ready(service.status() if systemd.enabled else "")
    wait = min(systemd.watchdog_interval() or STATUS_SECONDS, STATUS_SECONDS)
    try:
        while not signals.stop.is_set():
            signals.wake.wait(wait)
            signals.wake.clear()
            if signals.reload.is_set() and not signals.stop.is_set():
                signals.reload.clear()
                service = _reload(service, load, systemd)
            if service.gave_up:
                log.error("every mail account failed; stopping (see the errors above)")
                return False
            if systemd.enabled:
                systemd.watchdog()
                systemd.status(service.status())
    finally:
        systemd.stopping()
        service.stop()
        service.app.close()
    log.info("stopped")
    return True


def _reload(service: Service, load: Loader, systemd: SystemdNotifier) -> Service:
    systemd.reloading(time.monotonic_ns() // 1000)
    try:
        app, accounts = load()
    except ConfigError as exc:
        log.error("configuration not reloaded: %s; still running with the previous one", exc)
        systemd.reloaded(service.status())
        return service
    service.stop()
    service.app.close()
    fresh = Service(app, accounts)
    fresh.start(recover=False)
    log.info("configuration reloaded")
    systemd.reloaded(fresh.status())
    return fresh
