"""Links as they may be shown: a signed link's query is its credential.

Apart from daemon.notify.photo (which fetches the links) so that a command that
only shows a link (`show`) does not load the HTTP stack to do so.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_url(url: str) -> str:
    """A URL as it may appear in messages and logs: scheme, host, port and path.

    Credentials, query and fragment are dropped, because a signed link's query is
    what grants access to the photo.
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return "an unreadable link"
    if not parts.scheme:
        return "a link without a scheme"
    if not parts.netloc:
        return f"a {parts.scheme}: link"
    host = parts.netloc.rpartition("@")[2]
    return f"{parts.scheme}://{host}{parts.path}"
