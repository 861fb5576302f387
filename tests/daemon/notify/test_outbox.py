"""The outbox's rules, one by one, on a SQLite file: what is due, who may claim
a row, what a failure, a deferral or a retry does to it, and what the listings
show. These are the rules a second process and a crash rely on (DESIGN: the
claim), so each is stated here on its own rather than only through a send.

Times are whole minutes from T0 so every expectation can be checked by eye."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from daemon.notify.outbox import DIGEST, UNRECOGNISED, Outbox
from daemon.store.database import Store
from parsers.model import Milestone

T0 = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)


def minutes(n: int) -> datetime:
    return T0 + timedelta(minutes=n)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(f"sqlite:///{tmp_path / 'outbox.db'}")
    yield opened
    opened.close()


@pytest.fixture
def outbox(store: Store) -> Outbox:
    return Outbox(store)


def queue(outbox: Outbox, key: str, targets: list[str], at: datetime = T0) -> None:
    assert outbox.add_notice(key, (f"title {key}", f"body {key}"), targets, at)


def pks(outbox: Outbox, now: datetime, targets: list[str]) -> list[tuple[str, str]]:
    return [(row.title, row.target) for row in outbox.due(now, targets)]


def only_pk(outbox: Outbox, target: str, now: datetime = T0) -> int:
    (row,) = outbox.due(now, [target])
    return row.pk


# --- due / next_due ---------------------------------------------------------


def test_due_is_pending_rows_of_the_given_targets_whose_time_has_come(outbox: Outbox) -> None:
    queue(outbox, "a", ["phone", "chat"], at=minutes(0))
    queue(outbox, "b", ["phone"], at=minutes(5))
    assert pks(outbox, minutes(0), ["phone"]) == [("title a", "phone")]
    # exactly at its time a row is due (<=, not <)
    assert pks(outbox, minutes(5), ["phone"]) == [("title a", "phone"), ("title b", "phone")]
    assert pks(outbox, minutes(5), ["chat"]) == [("title a", "chat")]
    assert pks(outbox, minutes(5), ["elsewhere"]) == []


def test_due_rows_are_in_the_order_they_were_queued(outbox: Outbox) -> None:
    for key in ("first", "second", "third"):
        queue(outbox, key, ["phone"])
    assert [title for title, _ in pks(outbox, T0, ["phone"])] == [
        "title first",
        "title second",
        "title third",
    ]


def test_a_due_row_carries_the_notifications_words_and_no_milestone_for_a_notice(
    outbox: Outbox,
) -> None:
    queue(outbox, "k", ["phone"])
    (row,) = outbox.due(T0, ["phone"])
    assert (row.title, row.body, row.attempts, row.milestone, row.facts) == (
        "title k",
        "body k",
        0,
        None,
        None,
    )


def test_next_due_is_the_earliest_pending_time_of_the_given_targets(outbox: Outbox) -> None:
    assert outbox.next_due(["phone"]) is None
    queue(outbox, "late", ["phone"], at=minutes(30))
    queue(outbox, "early", ["chat"], at=minutes(10))
    queue(outbox, "middle", ["phone"], at=minutes(20))
    assert outbox.next_due(["phone"]) == minutes(20)
    assert outbox.next_due(["phone", "chat"]) == minutes(10)
    assert outbox.next_due(["nobody"]) is None


def test_next_due_ignores_rows_that_are_not_waiting(outbox: Outbox) -> None:
    queue(outbox, "sent", ["phone"], at=minutes(1))
    queue(outbox, "waiting", ["phone"], at=minutes(9))
    first = outbox.due(minutes(1), ["phone"])[0].pk
    assert outbox.claim(first)
    assert outbox.next_due(["phone"]) == minutes(9)  # sending is not waiting
    outbox.sent(first, minutes(2))
    assert outbox.next_due(["phone"]) == minutes(9)


# --- claim ------------------------------------------------------------------


def test_a_row_is_claimed_once(outbox: Outbox) -> None:
    queue(outbox, "k", ["phone"])
    pk = only_pk(outbox, "phone")
    assert outbox.claim(pk) is True
    assert outbox.claim(pk) is False
    assert outbox.due(T0, ["phone"]) == []  # a claimed row is no longer due


def test_sent_and_given_up_rows_cannot_be_claimed(outbox: Outbox) -> None:
    queue(outbox, "sent", ["phone"])
    queue(outbox, "failed", ["chat"])
    sent, failed = only_pk(outbox, "phone"), only_pk(outbox, "chat")
    assert outbox.claim(sent) and outbox.claim(failed)
    outbox.sent(sent, T0)
    outbox.failed(failed, "gone", retry_at=None)
    assert outbox.claim(sent) is False
    assert outbox.claim(failed) is False


def test_claiming_one_row_leaves_the_others_alone(outbox: Outbox) -> None:
    queue(outbox, "k", ["phone", "chat"])
    assert outbox.claim(only_pk(outbox, "phone"))
    assert pks(outbox, T0, ["phone", "chat"]) == [("title k", "chat")]


def test_an_unknown_row_cannot_be_claimed(outbox: Outbox) -> None:
    assert outbox.claim(12345) is False


# --- sent / failed / defer --------------------------------------------------


def test_sent_counts_the_attempt_and_forgets_the_last_error(outbox: Outbox) -> None:
    queue(outbox, "k", ["phone"])
    pk = only_pk(outbox, "phone")
    outbox.claim(pk)
    outbox.failed(pk, "timeout", retry_at=minutes(1))
    outbox.claim(pk)
    outbox.sent(pk, minutes(1))
    assert outbox.counts() == {"sent": 1}
    assert outbox.unsent() == []
    assert outbox.problems() == []


def test_a_failure_with_a_retry_time_waits_until_then_with_the_attempt_counted(
    outbox: Outbox,
) -> None:
    queue(outbox, "k", ["phone"])
    pk = only_pk(outbox, "phone")
    outbox.claim(pk)
    outbox.failed(pk, "HTTP 503", retry_at=minutes(7))
    assert outbox.due(minutes(6), ["phone"]) == []
    (row,) = outbox.due(minutes(7), ["phone"])
    assert (row.pk, row.attempts) == (pk, 1)
    (waiting,) = outbox.unsent()
    assert (waiting.status, waiting.next_attempt_at, waiting.last_error) == (
        "pending",
        minutes(7),
        "HTTP 503",
    )


def test_a_failure_without_a_retry_time_gives_the_row_up(outbox: Outbox) -> None:
    queue(outbox, "k", ["phone"])
    pk = only_pk(outbox, "phone")
    outbox.claim(pk)
    outbox.failed(pk, "401 unauthorized", retry_at=None)
    assert outbox.due(minutes(60 * 24), ["phone"]) == []
    assert outbox.next_due(["phone"]) is None
    (problem,) = outbox.problems()
    assert (problem.target, problem.status, problem.attempts, problem.last_error) == (
        "phone",
        "failed",
        1,
        "401 unauthorized",
    )


def test_a_long_error_is_kept_to_500_characters(outbox: Outbox) -> None:
    queue(outbox, "k", ["phone"])
    pk = only_pk(outbox, "phone")
    outbox.failed(pk, "x" * 499 + "yz" + "z" * 1000, retry_at=None)
    (problem,) = outbox.problems()
    assert problem.last_error == "x" * 499 + "y"


def test_attempts_add_up_over_failures(outbox: Outbox) -> None:
    queue(outbox, "k", ["phone"])
    pk = only_pk(outbox, "phone")
    for n in range(1, 4):
        outbox.failed(pk, f"try {n}", retry_at=minutes(n))
    (row,) = outbox.due(minutes(3), ["phone"])
    assert row.attempts == 3


def test_deferring_moves_the_time_and_spends_no_attempt(outbox: Outbox) -> None:
    queue(outbox, "k", ["phone"])
    pk = only_pk(outbox, "phone")
    outbox.claim(pk)
    outbox.defer(pk, minutes(8 * 60))
    assert outbox.due(minutes(8 * 60 - 1), ["phone"]) == []
    (row,) = outbox.due(minutes(8 * 60), ["phone"])
    assert row.attempts == 0
    assert outbox.next_due(["phone"]) == minutes(8 * 60)


# --- interrupted sends ------------------------------------------------------


def test_rows_left_sending_go_back_to_pending_and_are_reported(outbox: Outbox) -> None:
    queue(outbox, "interrupted", ["phone"])
    queue(outbox, "untouched", ["chat"])
    pk = only_pk(outbox, "phone")
    outbox.claim(pk)
    (found,) = outbox.recover_interrupted()
    assert (found.target, found.status, found.title) == ("phone", "sending", "title interrupted")
    assert pks(outbox, T0, ["phone", "chat"]) == [
        ("title interrupted", "phone"),
        ("title untouched", "chat"),
    ]
    assert outbox.recover_interrupted() == []


def test_recovery_leaves_sent_and_given_up_rows_alone(outbox: Outbox) -> None:
    queue(outbox, "sent", ["phone"])
    queue(outbox, "failed", ["chat"])
    sent, failed = only_pk(outbox, "phone"), only_pk(outbox, "chat")
    outbox.sent(sent, T0)
    outbox.failed(failed, "gone", retry_at=None)
    assert outbox.recover_interrupted() == []
    assert outbox.counts() == {"sent": 1, "failed": 1}


# --- listings ---------------------------------------------------------------


def test_problems_are_given_up_and_unrouted_rows_newest_first_and_limited(
    outbox: Outbox,
) -> None:
    for key in ("one", "two", "three"):
        queue(outbox, key, ["phone"])
        outbox.failed(only_pk(outbox, "phone"), f"error {key}", retry_at=None)
    assert outbox.add_notice("nowhere", ("title nowhere", "body"), [], T0)
    queue(outbox, "fine", ["phone"])  # pending: not a problem
    assert [p.title for p in outbox.problems()] == [
        "title nowhere",
        "title three",
        "title two",
        "title one",
    ]
    assert [p.title for p in outbox.problems(limit=2)] == ["title nowhere", "title three"]
    unrouted = outbox.problems()[0]
    assert (unrouted.target, unrouted.status, unrouted.last_error) == ("-", "no_match", "no target")


def test_unsent_lists_waiting_sending_and_given_up_rows_oldest_first(outbox: Outbox) -> None:
    queue(outbox, "pending", ["phone"])
    queue(outbox, "sending", ["chat"])
    queue(outbox, "failed", ["mail"])
    queue(outbox, "sent", ["pager"])
    queue(outbox, "later", ["phone"], at=minutes(5))
    assert outbox.claim(only_pk(outbox, "chat"))
    outbox.failed(only_pk(outbox, "mail"), "gone", retry_at=None)
    outbox.sent(only_pk(outbox, "pager"), T0)
    assert outbox.add_notice("nowhere", ("title nowhere", "body"), [], T0)
    listed = [(u.title, u.status) for u in outbox.unsent()]
    assert listed == [
        ("title pending", "pending"),
        ("title sending", "sending"),
        ("title failed", "failed"),
        ("title later", "pending"),
    ]
    assert [u.title for u in outbox.unsent(limit=2)] == ["title pending", "title sending"]


def test_counts_by_status(outbox: Outbox) -> None:
    assert outbox.counts() == {}
    queue(outbox, "a", ["phone", "chat", "mail"])
    outbox.sent(only_pk(outbox, "phone"), T0)
    outbox.failed(only_pk(outbox, "chat"), "gone", retry_at=None)
    assert outbox.counts() == {"sent": 1, "failed": 1, "pending": 1}


def test_targets_are_every_target_ever_queued_for(outbox: Outbox) -> None:
    assert outbox.targets() == set()
    queue(outbox, "a", ["phone", "chat"])
    queue(outbox, "b", ["phone"])
    assert outbox.targets() == {"phone", "chat"}


# --- retry ------------------------------------------------------------------


def test_retry_queues_given_up_rows_again_due_now_with_attempts_afresh(outbox: Outbox) -> None:
    queue(outbox, "k", ["phone"])
    pk = only_pk(outbox, "phone")
    outbox.failed(pk, "one", retry_at=minutes(1))
    outbox.failed(pk, "two", retry_at=None)
    assert outbox.retry_failed(minutes(90)) == 1
    assert outbox.due(minutes(89), ["phone"]) == []
    (row,) = outbox.due(minutes(90), ["phone"])
    assert (row.pk, row.attempts) == (pk, 0)


def test_retry_touches_only_given_up_rows(outbox: Outbox) -> None:
    queue(outbox, "sent", ["phone"])
    queue(outbox, "waiting", ["chat"], at=minutes(30))
    outbox.sent(only_pk(outbox, "phone"), T0)
    assert outbox.retry_failed(minutes(1)) == 0
    assert outbox.counts() == {"sent": 1, "pending": 1}
    assert outbox.next_due(["chat"]) == minutes(30)


def test_retry_of_one_target_leaves_the_others_given_up(outbox: Outbox) -> None:
    queue(outbox, "k", ["phone", "chat"])
    outbox.failed(only_pk(outbox, "phone"), "gone", retry_at=None)
    outbox.failed(only_pk(outbox, "chat"), "gone", retry_at=None)
    assert outbox.retry_failed(minutes(1), target="chat") == 1
    assert [(p.target, p.status) for p in outbox.problems()] == [("phone", "failed")]
    assert pks(outbox, minutes(1), ["phone", "chat"]) == [("title k", "chat")]


# --- digests and notices ----------------------------------------------------


def test_a_notice_is_queued_once_per_key(outbox: Outbox) -> None:
    assert outbox.add_notice("day-1", ("t", "b"), ["phone"], T0) is True
    assert outbox.add_notice("day-1", ("other", "words"), ["phone", "chat"], T0) is False
    assert pks(outbox, T0, ["phone", "chat"]) == [("t", "phone")]
    assert outbox.add_notice("day-2", ("t2", "b2"), ["phone"], T0) is True


def test_a_digest_is_queued_once_per_key_with_its_facts(outbox: Outbox) -> None:
    facts: dict[str, object] = {"arriving": 2}
    assert outbox.add_digest("2026-04-02", ("Today", "2 parcels"), facts, ["phone"], T0)
    assert not outbox.add_digest("2026-04-02", ("Again", "x"), facts, ["phone"], T0)
    (row,) = outbox.due(T0, ["phone"])
    assert (row.title, row.body, row.facts, row.milestone) == ("Today", "2 parcels", facts, None)


def test_a_digest_no_target_takes_says_so(outbox: Outbox) -> None:
    assert outbox.add_digest("2026-04-02", ("Today", "x"), {}, [], T0)
    (problem,) = outbox.problems()
    assert (problem.status, problem.last_error) == ("no_match", "no target has the digest's tags")


def test_digest_and_notice_kinds_are_distinct_names() -> None:
    # The kinds are stored in the milestone column: they must never read as a milestone.
    assert {DIGEST, UNRECOGNISED}.isdisjoint({m.value for m in Milestone})
    assert DIGEST != UNRECOGNISED


# --- two daemons on one database ------------------------------------------------------


def test_a_restart_takes_back_only_its_own_interrupted_sends(store: Store, outbox: Outbox) -> None:
    home, office = Outbox(store), Outbox(store)
    home.act_for("home")
    office.act_for("office")
    queue(outbox, "mine", ["phone"])
    queue(outbox, "theirs", ["chat"])
    queue(outbox, "anonymous", ["desk"])
    assert home.claim(only_pk(outbox, "phone"))
    assert office.claim(only_pk(outbox, "chat"))
    assert outbox.claim(only_pk(outbox, "desk"))  # a version that named no claimant
    recovered = sorted(u.title for u in home.recover_interrupted())
    assert recovered == ["title anonymous", "title mine"]
    assert [(u.title, u.status) for u in outbox.unsent()] == [
        ("title mine", "pending"),
        ("title theirs", "sending"),  # office is sending it right now
        ("title anonymous", "pending"),
    ]
    assert [u.title for u in office.recover_interrupted()] == ["title theirs"]


def test_unsent_lists_at_most_200_by_default(outbox: Outbox) -> None:
    for n in range(201):
        queue(outbox, f"n{n:03}", ["phone"])
    listed = outbox.unsent()
    assert (len(listed), listed[0].title, listed[-1].title) == (200, "title n000", "title n199")
