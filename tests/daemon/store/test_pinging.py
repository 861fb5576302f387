"""A pooled connection to PostgreSQL is asked before use only once it sat
idle (daemon.store.pinging): one left from before a server restart is then
replaced, while one used moments ago goes out without a round trip."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from daemon.store.pinging import IDLE_SECONDS, ping_when_idle
from tests.support import postgres


@pytest.fixture
def server() -> Iterator[postgres.Postgres]:
    """A PostgreSQL of this test's own: it is restarted."""
    if not postgres.available():
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is not installed; .ci/run must apt-get install postgresql")
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    with postgres.running() as running:
        yield running


def test_a_connection_idle_across_a_restart_is_replaced(server: postgres.Postgres) -> None:
    now = [0.0]
    engine = sa.create_engine(server.create_database("pinged"))
    ping_when_idle(engine, lambda: now[0])
    asked: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: asked.append(a[2]))

    def answer() -> object:
        with engine.connect() as connection:
            return connection.execute(sa.text("SELECT 41 + 1")).scalar()

    assert answer() == 42
    server.stop()
    server.start()
    now[0] += IDLE_SECONDS / 2  # used moments ago: trusted, and the server is another
    with pytest.raises(sa_exc.OperationalError):
        answer()
    assert answer() == 42  # the failure emptied the pool: a new connection
    server.stop()
    server.start()
    now[0] += IDLE_SECONDS * 2  # idle: asked first, found dead, replaced
    assert answer() == 42
    assert asked == ["SELECT 41 + 1"] * 4  # the pings are the dialect's own, not statements
    engine.dispose()
