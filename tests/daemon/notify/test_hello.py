"""The hello after an account's first sync: what it says (pure), and who gets
it (routing). That it is sent once, after the first sync's own news, is
tested where the mail is read (tests/daemon/mail/test_sync.py, test_news.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from daemon.config.notify import Route
from daemon.notify.hello import compose
from daemon.notify.routing import Recipient, Routing
from daemon.store.views import OrderView, ShipmentView
from parsers.model import Eta, Milestone

NOW = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)
TODAY = date(2026, 4, 2)


def parcel(
    pk: int, status: Milestone, eta: Eta | None = None, code: str | None = None
) -> ShipmentView:
    return ShipmentView(
        pk=pk, order_ids=(), marketplace="amazon.de", status=status, carrier=None,
        tracking_number=None, amazon_shipment_id=None, package_index=None, eta=eta,
        item_titles=(f"Item {pk}",), label=None, pickup_code=code, delivery_photo_url=None,
        delivered_at=None, updated_at=NOW, timeline=(), account="home",
    )  # fmt: skip


def order(order_id: str) -> OrderView:
    return OrderView(order_id, "amazon.de", Milestone.ORDERED, NOW, None, (), (), (), "home")


def test_the_hello_counts_what_is_on_the_way_today_and_waiting() -> None:
    parcels = [
        parcel(1, Milestone.SHIPPED, Eta.day(TODAY)),
        parcel(2, Milestone.IN_TRANSIT, Eta.day(date(2026, 4, 4))),
        parcel(3, Milestone.SHIPPED),
        parcel(4, Milestone.AVAILABLE_FOR_PICKUP, code="482913"),
    ]
    title, body = compose("home", parcels, [], NOW, UTC)
    assert f"{title}: {body}" == (
        "Watching home: 3 parcels on the way (1 arriving today), 1 waiting for pickup (code 482913)"
    )


def test_the_hello_names_orders_not_shipped_and_says_when_nothing_is_on_the_way() -> None:
    one = [parcel(1, Milestone.OUT_FOR_DELIVERY, Eta.day(date(2026, 4, 1)))]  # due yesterday
    assert compose("work", one, [order("1"), order("2")], NOW, UTC) == (
        "Watching work", "1 parcel on the way, 2 orders not shipped yet",
    )  # fmt: skip
    two_codes = [parcel(1, Milestone.AVAILABLE_FOR_PICKUP, code="1111"),
                 parcel(2, Milestone.AVAILABLE_FOR_PICKUP, code="2222")]  # fmt: skip
    assert compose("home", two_codes, [], NOW, UTC)[1] == "2 waiting for pickup (codes 1111, 2222)"
    assert compose("home", [], [], NOW, UTC) == ("Watching home", "nothing on the way right now")


def test_the_hello_goes_to_the_targets_that_hear_of_the_account() -> None:
    recipients = (Recipient("phone", frozenset({"me"})), Recipient("chat", frozenset({"work"})))
    assert Routing(frozenset(), recipients).targets_for_account("home") == ("phone", "chat")
    routes = (
        Route(frozenset({"me"}), frozenset({Milestone.DELIVERED})),  # any account
        Route(frozenset({"work"}), accounts=frozenset({"work"})),
    )
    routing = Routing(frozenset(), recipients, routes)
    assert routing.targets_for_account("home") == ("phone",)
    assert routing.targets_for_account("work") == ("phone", "chat")
