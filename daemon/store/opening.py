"""Opening the database a command names: with a few tries at start-up for a
passing failure, and a ConfigError naming the key for a URL or directory that
cannot work. (daemon.store.database.Store does the opening itself.)"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from daemon.config.settings import Settings
from daemon.errors import ConfigError, TransientError

if TYPE_CHECKING:
    from daemon.store.database import Store

log = logging.getLogger(__name__)

# A database that cannot be opened at start-up for a passing reason (locked by
# another process, a server restarting, two processes creating it at once) is
# tried again after these pauses, then the command fails (and systemd restarts).
OPEN_RETRY_SECONDS = (0.5, 1.0, 2.0, 4.0, 8.0)


def open_store(
    settings: Settings,
    *,
    create: bool = True,
    sleep: Callable[[float], None] = time.sleep,
    pauses: tuple[float, ...] = OPEN_RETRY_SECONDS,
) -> Store:
    """The database (see Store for `create`). A passing failure is tried again
    after each of `pauses`; a URL or directory that cannot work is a ConfigError
    naming its key; a damaged file is a DatabaseUnusableError."""
    return with_retries(lambda: _open_store(settings, create), sleep, pauses)


Opened = TypeVar("Opened")


def with_retries(
    opening: Callable[[], Opened],
    sleep: Callable[[float], None] = time.sleep,
    pauses: tuple[float, ...] = OPEN_RETRY_SECONDS,
) -> Opened:
    """What `opening` returns, tried again after each of `pauses` while it
    raises a TransientError (the last one is raised)."""
    for pause in (*pauses, None):
        try:
            return opening()
        except TransientError as exc:
            if pause is None:
                raise
            log.warning("%s; trying again in %g s", exc, pause)
            sleep(pause)
    raise AssertionError("unreachable")


def _open_store(settings: Settings, create: bool) -> Store:
    from sqlalchemy import exc as sa_exc

    from daemon.store.database import Store

    url = settings.database_url
    key = "general.state_dir" if url.source == "default" else "general.database_url"
    try:
        return Store(url.reveal(), busy_timeout=settings.busy_timeout, create=create)
    except (OSError, ValueError, ImportError, sa_exc.ArgumentError,
            sa_exc.NoSuchModuleError) as exc:  # fmt: skip
        reason = getattr(exc, "strerror", None) or str(exc)
        problem = f"cannot open the database ({type(exc).__name__}: {reason})"
        raise ConfigError(settings.source, key, problem.replace(url.reveal(), "***")) from None
