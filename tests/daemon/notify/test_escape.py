"""What an email says reaches a chat as words (issue 13): no live link, no markup,
nobody pinged, in titles, bodies, the user's templates and the digest.

The attack: an item title `@everyone [Verify your account](https://evil.example/login)`
became a bold live link on Telegram and pinged everyone on Discord.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from daemon.config.notify import Template
from daemon.notify.digest import render_digest
from daemon.notify.escape import inert
from daemon.notify.render import Renderer
from daemon.store.views import Snapshot
from parsers.model import Eta, Milestone

NOW = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)
ORDER = "113-4829105-7730624"
PHISH = "@everyone [Verify your account](https://evil.example/login)"
HOSTILE_TITLES = (
    PHISH,
    "<@123456789012345678> <@&42> <#77> <!channel> <!here> @here @channel",
    "<a href='https://evil.example'>click</a> www.evil.example/login",
    "**URGENT** `code` ~~x~~ __y__ | # heading",
    "https://evil.example http://192.168.1.1/x evil.example/pay",
    "line one\n[Delivered](https://evil.example)\rtwo",
)
# What a chat app would turn into a link, a mention or markup. The zero-width
# space the escaping inserts is what breaks each of them.
LIVE = (
    re.compile(r"https?://"),  # a URL
    re.compile(r"\b[a-z0-9-]+\.(?:example|com|org)\b"),  # a bare domain (Telegram links them)
    re.compile(r"@(?:everyone|here|channel)\b"),  # Discord, Slack, Matrix
    re.compile(r"<[@#!&]"),  # Discord's and Slack's mention syntax
    re.compile(r"<a\b|</a>"),  # an HTML tag (Markdown passes HTML through)
)


def snapshot(title: str, milestone: Milestone = Milestone.SHIPPED) -> Snapshot:
    return Snapshot(
        milestone=milestone,
        item_titles=(title, "Second item"),
        order_ids=(ORDER,),
        marketplace="amazon.com",
        carrier="ups",
        tracking_number="1Z999AA10123456784",
        eta=Eta.day(date(2026, 4, 3)),
    )


def live_parts(text: str) -> list[str]:
    return [m.group() for pattern in LIVE for m in pattern.finditer(text)]


def unescaped_markdown(text: str) -> list[str]:
    """Markdown syntax characters not preceded by a backslash."""
    return re.findall(r"(?<!\\)[\[\]()*_`~|#]", text)


@pytest.mark.parametrize("title", HOSTILE_TITLES)
@pytest.mark.parametrize("fmt", ["markdown", "html", "text"])
def test_an_email_title_is_inert_in_every_format(title: str, fmt: str) -> None:
    rendered = Renderer().render(snapshot(title), fmt, NOW)
    ours = f"https://www.amazon.com/gp/your-account/order-details?orderID={ORDER}"
    body = rendered.body.replace(f"[Track on amazon.com]({ours})", "").replace(ours, "")
    for text in (rendered.title, body):
        assert live_parts(text) == [], text
        assert "\n" not in rendered.title
    if fmt != "text":
        assert unescaped_markdown(rendered.title.removeprefix("Shipped: ")) == []
        items = next(line for line in body.splitlines() if line.startswith("**Items:**"))
        assert unescaped_markdown(items.removeprefix("**Items:**")) == []


def test_the_only_link_is_the_orders_page_on_its_marketplace() -> None:
    rendered = Renderer().render(snapshot(PHISH), "markdown", NOW)
    links = re.findall(r"\]\((https?://[^)\s]+)\)", rendered.title + rendered.body)
    assert links == [f"https://www.amazon.com/gp/your-account/order-details?orderID={ORDER}"]


def test_the_phishing_title_reads_as_written() -> None:
    """Inert, not mangled: the zero-width spaces are invisible, the words all there."""
    title = Renderer().render(snapshot(PHISH), "text", NOW).title
    assert title.replace("\u200b", "") == f"Shipped: {PHISH} (+1 more)"
    markdown = Renderer().render(snapshot(PHISH), "markdown", NOW).title
    assert markdown.replace("\u200b", "").replace("\\", "") == title.replace("\u200b", "")


def test_templates_get_their_placeholders_escaped() -> None:
    templates = {"default": Template(title="📦 {items}", body="{milestone} — {items}\n{link}")}
    rendered = Renderer(templates).render(snapshot(PHISH), "markdown", NOW)
    assert live_parts(rendered.title) == []
    assert unescaped_markdown(rendered.title) == []
    first, link = rendered.body.splitlines()
    assert live_parts(first) == []
    # The user's own text and the link built here stay as they are.
    assert first.startswith("Shipped — @\u200beveryone \\[Verify")
    assert link == f"https://www.amazon.com/gp/your-account/order-details?orderID={ORDER}"


def test_the_digest_lists_titles_inert() -> None:
    facts = {"day": "2026-04-02", "arriving": [snapshot(PHISH).to_json()], "pickup": [], "late": []}
    for fmt in ("markdown", "text"):
        rendered = render_digest(facts, Renderer(), fmt, NOW)
        assert live_parts(rendered.body) == [], rendered.body


@pytest.mark.parametrize(
    ("text", "markdown", "expected"),
    [
        ("@everyone", False, "@\u200beveryone"),
        ("<@123>", False, "\u2039@\u200b123\u203a"),
        ("https://evil.example/x", False, "https:\u200b//evil.\u200bexample/x"),
        ("Ver. 2.0 USB-C, 6.6 ft", False, "Ver. 2.0 USB-C, 6.6 ft"),
        ("Cable [2 m] *braided*", True, "Cable \\[2 m\\] \\*braided\\*"),
        ("a\nb", True, "a b"),
    ],
)
def test_inert(text: str, markdown: bool, expected: str) -> None:
    assert inert(text, markdown=markdown) == expected
