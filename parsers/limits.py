"""How much of one email the parsers read: every bound in one place.

Any stranger can send the user an email, so each structure an email can repeat
(links, orders, parts, headers) is read only up to a bound far above what Amazon's
mail holds, and an email beyond a bound that decides what it says is refused with
the reason rather than read in part. The bounds, with what real mail holds:
"""

from __future__ import annotations

MAX_EVENTS = 20
"""Shipments or orders one email may announce: one notification each. Amazon's
mail names one shipment, a confirmation a few orders; 300 Track package links in
one email are an attack on the user's phone, not a delivery."""

MAX_TRACK_LINKS = 4 * MAX_EVENTS
"""Distinct "Track package" links read before an email counts as naming too many
shipments (a full link and its partial repeats are merged after reading)."""

MAX_LINKS = 500
"""Anchors read from the HTML part (Amazon's templates have 20 to 150)."""

MAX_IMAGES = 200
"""Images read from the HTML part."""

MAX_PRODUCTS = 50
"""Distinct products (by ASIN) whose titles are looked for in the text."""

MAX_ITEMS = 50
"""Items one event lists."""

MAX_HEADER_CHARS = 16_000
"""Characters of one header kept and decoded (a DKIM signature has about 1,000)."""

MAX_MIME_CONTAINERS = 50
"""multipart/* and message/* parts in one email (Amazon's have 1 to 3; a forward
as an attachment adds its own). More is refused as unreadable: the standard
library's MIME parser recurses once per level and would fail at about 1,000."""
