"""An account's status row: written by every folder watcher of the account,
from several threads at once (two folders refused by the same server in the
same second is the ordinary case, not a rare one)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from daemon.store.database import Store

pytestmark = pytest.mark.storage

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


def test_many_folders_of_a_new_account_record_at_once(database_url: str) -> None:
    store = Store(database_url)
    errors: list[BaseException] = []
    try:
        for account in (f"account{n}" for n in range(10)):
            barrier = threading.Barrier(6)

            def fail(
                folder: int, account: str = account, barrier: threading.Barrier = barrier
            ) -> None:
                barrier.wait(10)
                try:
                    store.account_failed(account, f"folder {folder}: refused", NOW,
                                         waiting=("login refused", "fix the password"))  # fmt: skip
                except BaseException as exc:
                    errors.append(exc)

            threads = [threading.Thread(target=fail, args=(n,)) for n in range(6)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)
        assert errors == []
        statuses = {view.account: view for view in store.account_statuses()}
        assert sorted(statuses) == [f"account{n}" for n in range(10)]
        assert all(view.waiting == "login refused" for view in statuses.values())
    finally:
        store.close()


def test_success_clears_what_waited(database_url: str) -> None:
    store = Store(database_url)
    try:
        store.account_failed("home", "refused", NOW, waiting=("login refused", "fix it"))
        store.account_succeeded("home", NOW)
        [view] = store.account_statuses()
        assert (view.waiting, view.last_success_at, view.last_error) == (None, NOW, "refused")
    finally:
        store.close()
