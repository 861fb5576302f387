"""The pages over HTTP on loopback: what each shows, that everything from an
email is shown as text, the headers every answer carries, and links behind a
reverse proxy's path prefix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from daemon.app import App
from daemon.mail.raw import RawMessage
from daemon.web.access import CONTENT_SECURITY_POLICY
from tests.daemon.web.conftest import (
    HOSTILE_TITLE,
    LATE,
    OUT,
    PICKUP,
    TODAY_NUMBER,
    TRANSIT,
    AppFactory,
    ServeFactory,
    household,
    with_web,
)


def sections_of(page: str) -> dict[str, str]:
    """Section key -> its HTML, as the dashboard groups them."""
    found = re.findall(r'<section class="group g-(\w+)".*?</section>', page, re.S)
    bodies = re.split(r'<section class="group g-\w+"', page)[1:]
    return dict(zip(found, bodies, strict=True))


def test_the_dashboard_puts_each_parcel_where_a_person_looks(
    make_app: AppFactory, serve: ServeFactory
) -> None:
    app = make_app()
    household(app)
    page = serve(app).get("/").text
    sections = sections_of(page)
    assert list(sections) == ["out", "pickup", "late", "today", "transit", "delivered"]
    assert OUT in sections["out"] and "Anker USB-C cable" in sections["out"]
    assert PICKUP in sections["pickup"]
    assert '<strong class="code-value">482913</strong>' in sections["pickup"]
    assert LATE in sections["late"] and "Desk lamp" in sections["late"]
    assert TODAY_NUMBER in sections["today"]
    assert TRANSIT in sections["transit"]
    assert "Water filter" in sections["delivered"]
    assert "Thu 02 Apr 2026, 11:00" in page  # 09:00 UTC shown in Europe/Berlin


def test_markup_in_an_item_title_is_shown_as_text(
    make_app: AppFactory, serve: ServeFactory
) -> None:
    app = make_app()
    household(app)
    served = serve(app)
    [ship] = app.store.find_shipments(TRANSIT)
    for path in ("/", f"/parcel/{ship.pk}", "/search?q=lamp", "/order/302-7777777-8888888"):
        body = served.get(path).text
        assert "<script>alert" not in body and "<b>bold</b>" not in body, path
        assert "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt; Lamp &amp; &lt;b&gt;" in body
    api = served.get(f"/api/shipments/{ship.pk}").json()
    assert api["items"] == [HOSTILE_TITLE]  # JSON carries the text as it is
    found = served.get("/search", params={"q": "<script>"}).text
    assert "<script>alert" not in found and "&lt;script&gt;" in found


def test_every_answer_carries_the_security_headers(
    make_app: AppFactory, serve: ServeFactory
) -> None:
    app = make_app()
    household(app)
    served = serve(app)
    paths = ["/", "/parcel/1", "/search?q=x", "/nowhere", "/api/shipments", "/metrics",
             "/static/style.css", "/api/shipments/999"]  # fmt: skip
    for path in paths:
        response = served.get(path)
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["x-frame-options"] == "DENY", path
        assert response.headers["referrer-policy"] == "no-referrer", path
    assert served.get("/").headers["cache-control"] == "no-store"
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert served.client.post("/").status_code == 405
    head = served.client.head("/")
    assert head.status_code == 200 and head.content == b""


def test_the_parcel_page_shows_the_whole_timeline_in_the_users_zone(
    make_app: AppFactory, serve: ServeFactory
) -> None:
    app = make_app()
    household(app)
    [ship] = app.store.find_shipments(OUT)
    page = serve(app).get(f"/parcel/{ship.pk}").text
    assert "<h2>Timeline</h2>" in page
    assert "Out for delivery" in page and "Thu 02 Apr 2026, 09:00" in page  # 07:00 UTC
    assert 'href="https://www.ups.com/track?tracknum=1Z999AA10123456784"' in page
    assert 'href="/order/113-4829105-7730624"' in page


def test_search_finds_orders_numbers_and_items(make_app: AppFactory, serve: ServeFactory) -> None:
    app = make_app()
    household(app)
    served = serve(app)

    def found(query: str) -> set[str]:
        page = served.get("/search", params={"q": query}).text
        return set(re.findall(r"1Z[0-9A-Z]{16}", page))

    assert found("302-3333333-4444444") == {LATE}
    assert found("1za6 w684 0396 542128") == {PICKUP}  # spaces and case ignored
    assert found("garden HOSE") == {PICKUP}
    assert found("nothing like it") == set()
    assert "Nothing matches" in served.get("/search?q=zzz").text


def test_unknown_pages_are_404_and_the_page_says_so(
    make_app: AppFactory, serve: ServeFactory
) -> None:
    served = serve(make_app())
    for path in ("/parcel/42", "/order/999-0000000-0000000", "/nowhere", "/static/x.css",
                 "/photo/1"):  # fmt: skip
        response = served.get(path)
        assert response.status_code == 404, path
        assert "<h1>Not found</h1>" in response.text
    assert served.get("/api/orders/999-0000000-0000000").status_code == 404


@pytest.mark.parametrize("proxy_keeps_prefix", [True, False])
def test_links_work_behind_a_reverse_proxy_with_a_path_prefix(
    make_app: AppFactory, serve: ServeFactory, proxy_keeps_prefix: bool
) -> None:
    app = with_web(make_app(), base_path="/parcels")
    household(app)
    served = serve(app)
    prefix = "/parcels" if proxy_keeps_prefix else ""
    page = served.get(f"{prefix}/").text
    links = re.findall(r'(?:href|src|action)="(/[^"]*)"', page)
    assert links and all(link.startswith("/parcels/") for link in links), links
    for link in {*links}:
        assert served.get(link).status_code == 200, link


def test_the_change_stamp_moves_only_with_news(make_app: AppFactory, serve: ServeFactory) -> None:
    app = make_app()
    household(app)
    served = serve(app)
    first = served.get("/api/stamp").text
    assert served.get("/api/stamp").text == first
    assert f'data-stamp="{first}"' in served.get("/").text
    from parsers.model import Milestone
    from tests.daemon.web.conftest import event, record

    record(app, event(Milestone.DELIVERED, OUT))
    assert served.get("/api/stamp").text != first


def test_a_delivery_photo_is_fetched_by_the_server_and_cached_by_the_browser(
    make_app: AppFactory, serve: ServeFactory
) -> None:
    app = make_app()
    household(app)
    asked: list[str] = []

    def photos(url: str) -> tuple[bytes, str] | None:
        asked.append(url)
        return (b"\xff\xd8\xff\xe0 a jpeg", "image/jpeg") if len(asked) == 1 else None

    served = serve(app, photos=photos)
    [ship] = [s for s in app.store.shipments(include_finished=True) if s.delivery_photo_url]
    assert f'src="/photo/{ship.pk}"' in served.get("/").text
    photo = served.get(f"/photo/{ship.pk}")
    assert photo.headers["content-type"] == "image/jpeg" and photo.content.startswith(b"\xff\xd8")
    assert photo.headers["cache-control"] == "private, max-age=86400"
    assert asked == ["https://photos.example.com/delivered.jpg"]
    missing = served.get(f"/photo/{ship.pk}")  # the host failed: a stand-in, not cached
    assert missing.headers["content-type"] == "image/svg+xml"
    assert missing.headers["cache-control"] == "no-store"


EMAILS = Path(__file__).resolve().parents[2] / "emails" / "amazon_com"


def read_email(app: App, name: str) -> None:
    app.pipeline.process(RawMessage((EMAILS / name).read_bytes(), "test", name))


def test_the_codes_and_the_pickup_place_are_large_and_plain(
    make_app: AppFactory, serve: ServeFactory
) -> None:
    app = make_app()
    read_email(app, "delivery_otp.eml")
    read_email(app, "hub_pickup_thehub.eml")
    served = serve(app)
    sections = sections_of(served.get("/").text)
    assert (
        '<span class="code-label">Delivery code, tell the driver</span> '
        '<strong class="code-value">615207</strong>' in sections["out"]
    )
    assert '<strong class="code-value">482017</strong>' in sections["pickup"]
    assert "Pick up at Amazon Hub Locker - Juniper, by Tue 31 Mar" in sections["pickup"]
    [locker] = served.get("/api/shipments").json()[1:]  # newest first: the locker is older
    assert (locker["pickup_location"], locker["pickup_deadline"]) == (
        "Amazon Hub Locker - Juniper", "2026-03-31")  # fmt: skip


def test_emails_no_rule_reads_are_listed_and_announced_on_the_dashboard(
    make_app: AppFactory, serve: ServeFactory
) -> None:
    app = make_app()
    served = serve(app)
    assert "could not read" not in served.get("/").text
    assert "read every Amazon email" in served.get("/unrecognised").text
    read_email(app, "unrecognised_new_template.eml")
    assert "1 Amazon email parcelwatch could not read</a>" in served.get("/").text
    page = served.get("/unrecognised").text
    assert "Good news: order 112-6630158-2047719 is on the move" in page
    assert 'href="/order/112-6630158-2047719"' in page
    order = served.get("/order/112-6630158-2047719").text  # noted on the order's timeline
    assert '<li class="s-note">' in order
    assert "<strong>Amazon sent an email parcelwatch could not read</strong>" in order
