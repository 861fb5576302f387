"""The daemon row: one `run` holds the database, a second is told who; a
stopped, silent or dead holder gives way; the STATUS line and the reload hint
name what the user must do."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from daemon.service.systemd import reload_command
from daemon.store.alive import STALE, Alive, running
from daemon.store.database import Store
from daemon.store.heartbeat import Heartbeat
from daemon.store.views import DaemonView

pytestmark = pytest.mark.storage

T0 = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)


def me(pid: int, at: datetime = T0, host: str = "pi") -> DaemonView:
    return DaemonView(pid, host, at, at, None, "systemctl reload parcelwatch")


def alive(*pids: int) -> Alive:
    return lambda pid: pid in pids


@pytest.fixture
def beat(database_url: str) -> Iterator[Heartbeat]:
    store = Store(database_url)
    yield Heartbeat(store)
    store.close()


def test_the_first_daemon_claims_and_a_second_is_told_who(beat: Heartbeat) -> None:
    assert beat.claim(me(100), alive(100)) is None
    holder = beat.claim(me(200, T0 + timedelta(minutes=1)), alive(100, 200))
    assert holder is not None and (holder.pid, holder.host) == (100, "pi")
    assert beat.read() == me(100)  # unchanged


def test_a_stopped_daemon_gives_way(beat: Heartbeat) -> None:
    beat.claim(me(100), alive(100))
    beat.release(100, T0 + timedelta(minutes=1))
    view = beat.read()
    assert view is not None and view.stopped_at == T0 + timedelta(minutes=1)
    assert beat.claim(me(200, T0 + timedelta(minutes=2)), alive(100, 200)) is None
    assert beat.read() == me(200, T0 + timedelta(minutes=2))


def test_a_killed_daemon_on_this_host_gives_way_at_once(beat: Heartbeat) -> None:
    beat.claim(me(100), alive(100))
    assert beat.claim(me(200, T0 + timedelta(seconds=40)), alive(200)) is None


def test_a_daemon_on_another_host_holds_until_its_heartbeat_is_stale(beat: Heartbeat) -> None:
    beat.claim(me(100, host="nas"), alive())
    beat.beat(100, T0 + timedelta(minutes=3))
    soon = T0 + timedelta(minutes=3) + STALE - timedelta(seconds=1)
    assert beat.claim(me(200, soon), alive(200)) is not None
    later = T0 + timedelta(minutes=3) + STALE + timedelta(seconds=1)
    assert beat.claim(me(200, later), alive(200)) is None


def test_only_the_holder_renews_the_heartbeat(beat: Heartbeat) -> None:
    beat.claim(me(100), alive(100))
    beat.beat(999, T0 + timedelta(minutes=1))
    view = beat.read()
    assert view is not None and view.heartbeat_at == T0
    beat.beat(100, T0 + timedelta(minutes=1))
    view = beat.read()
    assert view is not None and view.heartbeat_at == T0 + timedelta(minutes=1)


def test_running_as_status_sees_it() -> None:
    view = me(100)
    assert running(view, T0 + timedelta(minutes=1), "pi", lambda pid: True)
    assert not running(view, T0 + timedelta(minutes=1), "pi", lambda pid: False)
    assert not running(view, T0 + STALE + timedelta(seconds=1), "pi", lambda pid: True)
    assert not running(None, T0, "pi", lambda pid: True)


@pytest.mark.parametrize(
    ("env", "cgroup", "expected"),
    [
        ({"NOTIFY_SOCKET": "/run/systemd/notify"}, "0::/system.slice/parcelwatch.service\n",
         "systemctl reload parcelwatch"),
        ({"NOTIFY_SOCKET": "/run/user/1000/systemd/notify"},
         "0::/user.slice/user-1000.slice/user@1000.service/app.slice/parcelwatch.service\n",
         "systemctl --user reload parcelwatch"),
        ({"NOTIFY_SOCKET": "/run/systemd/notify"}, "12:pids:/system.slice/pw-home.service\n"
         "0::/system.slice/pw-home.service\n", "systemctl reload pw-home"),
        ({}, "0::/user.slice/user-1000.slice/session-3.scope\n", "kill -HUP 4242"),
        ({}, "0::/system.slice/parcelwatch.service\n", "kill -HUP 4242"),  # not notifying
        ({"NOTIFY_SOCKET": "/run/systemd/notify"}, "", "kill -HUP 4242"),
    ],
)  # fmt: skip
def test_the_reload_command_names_the_unit(env: dict[str, str], cgroup: str, expected: str) -> None:
    assert reload_command(env, 4242, cgroup) == expected
