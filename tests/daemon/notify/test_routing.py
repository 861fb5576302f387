"""Routing and the age rule as pure rules: who receives a milestone, who hears
an account's hello, what a notification routed nowhere says, and which evidence
is still news. Every expectation is read off the route table at the top."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from daemon.config.notify import Route
from daemon.notify.routing import Announcements, Recipient, Routing
from parsers.model import Milestone

M = Milestone
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)

PHONE = Recipient("phone", frozenset({"family", "urgent"}))
CHAT = Recipient("chat", frozenset({"family"}))
DESK = Recipient("desk", frozenset({"work"}))
BARE = Recipient("bare")
RECIPIENTS = (PHONE, CHAT, DESK, BARE)

ROUTES = (
    Route(frozenset({"urgent"}), milestones=frozenset({M.DELIVERED, M.EXCEPTION})),
    Route(frozenset({"family"}), accounts=frozenset({"home"})),
    Route(frozenset({"work"}), milestones=frozenset({M.SHIPPED}), accounts=frozenset({"office"})),
    Route(frozenset({"nobody-has-this"}), milestones=frozenset({M.DELAYED})),
)
ROUTED = Routing(frozenset(M), RECIPIENTS, ROUTES)


@pytest.mark.parametrize(
    ("milestone", "account", "targets"),
    [
        (M.DELIVERED, "home", ("phone", "chat")),  # urgent + family
        (M.DELIVERED, "office", ("phone",)),  # urgent only: family is home's
        (M.DELIVERED, None, ("phone",)),
        (M.SHIPPED, "office", ("desk",)),
        (M.SHIPPED, "home", ("phone", "chat")),  # family: any milestone of home
        (M.SHIPPED, None, ()),
        (M.OUT_FOR_DELIVERY, "office", ()),
        (M.DELAYED, "office", ()),  # routed to a tag no target carries
    ],
)
def test_a_milestone_goes_to_the_targets_of_every_route_that_matches(
    milestone: Milestone, account: str | None, targets: tuple[str, ...]
) -> None:
    assert ROUTED.targets_for(milestone, account) == targets


def test_without_routes_every_target_receives_everything() -> None:
    plain = Routing(frozenset(M), RECIPIENTS)
    assert plain.targets_for(M.SHIPPED, None) == ("phone", "chat", "desk", "bare")
    assert plain.targets_for_account("office") == ("phone", "chat", "desk", "bare")


@pytest.mark.parametrize(
    ("tags", "targets"),
    [
        ((), ("phone", "chat", "desk", "bare")),
        (("all",), ("phone", "chat", "desk", "bare")),
        (("work", "all"), ("phone", "chat", "desk", "bare")),
        (("family",), ("phone", "chat")),
        (("urgent", "work"), ("phone", "desk")),
        (("unknown",), ()),
    ],
)
def test_targets_with_tags(tags: tuple[str, ...], targets: tuple[str, ...]) -> None:
    assert ROUTED.targets_with(tags) == targets


@pytest.mark.parametrize(
    ("account", "targets"),
    [
        ("home", ("phone", "chat")),  # urgent (any account) + family
        ("office", ("phone", "desk")),  # urgent + work, whatever their milestones
    ],
)
def test_an_accounts_hello_goes_to_every_route_covering_the_account(
    account: str, targets: tuple[str, ...]
) -> None:
    assert ROUTED.targets_for_account(account) == targets


def test_an_account_no_route_covers_has_no_hello_target() -> None:
    only_home = Routing(frozenset(M), RECIPIENTS, (ROUTES[1],))
    assert only_home.targets_for_account("office") == ()


@pytest.mark.parametrize(
    ("milestone", "account", "reason"),
    [
        (
            M.OUT_FOR_DELIVERY,
            "office",
            "no [[notify.route]] covers out_for_delivery from account office",
        ),
        (M.OUT_FOR_DELIVERY, None, "no [[notify.route]] covers out_for_delivery"),
        (
            M.DELAYED,
            "office",
            "no target has the tag(s) nobody-has-this routed for delayed from account office",
        ),
        (
            M.DELAYED,
            "home",
            "no target has the tag(s) family, nobody-has-this routed for delayed from account home",
        ),
    ],
)
def test_a_notification_routed_nowhere_says_why(
    milestone: Milestone, account: str | None, reason: str
) -> None:
    assert ROUTED.no_match_reason(milestone, account) == reason


def test_route_tags_no_target_carries_are_reported() -> None:
    routes = (*ROUTES, Route(frozenset({"all", "famly"})))
    assert Routing(frozenset(M), RECIPIENTS, routes).unused_tags() == ["famly", "nobody-has-this"]


def test_only_chosen_milestones_notify() -> None:
    some = Routing(frozenset({M.DELIVERED}), RECIPIENTS)
    assert some.notifies(M.DELIVERED) and not some.notifies(M.SHIPPED)
    assert some.has_targets and not Routing(frozenset(M)).has_targets


# --- news, not history ------------------------------------------------------------


@pytest.mark.parametrize(
    ("evidence", "news"),
    [
        (NOW, True),
        (NOW - timedelta(hours=23, minutes=59), True),
        (NOW - timedelta(hours=24), True),  # exactly max_age old: still news
        (NOW - timedelta(hours=24, seconds=1), False),
        (NOW - timedelta(days=90), False),
        (NOW + timedelta(minutes=5), True),  # a clock a little ahead
        (None, False),  # no evidence of when: not news
    ],
)
def test_evidence_is_news_up_to_max_age(evidence: datetime | None, news: bool) -> None:
    rule = Announcements(frozenset(M), RECIPIENTS, max_age=timedelta(hours=24))
    assert rule.is_news(evidence, NOW) is news


def test_the_default_max_age_is_one_day() -> None:
    rule = Announcements(frozenset(M))
    assert rule.is_news(NOW - timedelta(days=1), NOW)
    assert not rule.is_news(NOW - timedelta(days=1, seconds=1), NOW)
