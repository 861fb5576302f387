"""How items, a carrier and a day are named wherever parcelwatch shows them:
notifications (daemon.notify.render), the terminal's `list`, `show` and
`status`, the web pages. Apart from the notification renderer, so that a
command that only prints what it read does not load the notification
machinery (the templates' configuration, links, escaping) to name a carrier
or a date.
"""

from __future__ import annotations

from datetime import date, timedelta

from parsers.model import Eta

# Items are named by their first title, cut to this many characters.
_TITLE_CHARS = 60


def describe(titles: tuple[str, ...], label: str | None, order_ids: tuple[str, ...]) -> str:
    """ "USB-C cable (+1 more)", else the label, else the order id."""
    if titles:
        first = titles[0]
        if len(first) > _TITLE_CHARS:
            first = first[: _TITLE_CHARS - 1].rstrip() + "…"
        more = len(titles) - 1
        return f"{first} (+{more} more)" if more else first
    if label:
        return label
    if order_ids:
        return f"order {order_ids[0]}"
    return "a parcel"


def carrier_label(slug: str) -> str:
    """ "ups" -> "UPS", "royal_mail" -> "Royal Mail": how people write carriers."""
    if len(slug) <= 4 and "_" not in slug:
        return slug.upper()
    return slug.replace("_", " ").title()


def relative_day(day: date, today: date) -> str:
    """ "today", "tomorrow", else "Sat 21 Nov"."""
    if day == today:
        return f"today ({format_date(day)})"
    if day == today + timedelta(days=1):
        return f"tomorrow ({format_date(day)})"
    return format_date(day)


def format_date(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def format_eta(eta: Eta) -> str:
    if eta.start == eta.end:
        return format_date(eta.start)
    return f"{format_date(eta.start)} – {format_date(eta.end)}"
