"""Where Amazon serves delivery photos from: the only hosts a photo is taken from.

A delivery photo is linked from an email, and anyone can write an email. A link that
merely mentions Amazon ("https://evil.example/amazon/photo.jpg"), or that sits on a
CDN anyone can rent (cloudfront.net), would make parcelwatch fetch from wherever a
stranger points, the user's own network included. So a photo's URL must be https
and its host one of these, compared exactly: a whole domain only where Amazon owns
every name under it, single hosts where others can make names beside Amazon's
(any AWS customer can create an S3 bucket). The notifier checks every redirect
against the same list (daemon.notify.photo).
"""

from __future__ import annotations

from urllib.parse import urlsplit

PHOTO_DOMAINS = ("media-amazon.com", "ssl-images-amazon.com", "images-amazon.com")
"""Amazon's image domains: the host is one of them or a name under one."""

PHOTO_HOSTS = (
    "us-prod-temp.s3.amazonaws.com",
    "gb-prod-temp.s3.eu-west-1.amazonaws.com",
)
"""The S3 buckets Amazon serves signed delivery-photo links from: these hosts only."""


def is_photo_host(host: str) -> bool:
    """Whether `host` (a DNS name, any case, optionally ending in a dot) is one of
    Amazon's photo hosts."""
    name = host.lower().removesuffix(".")
    if not name.isascii():
        return False
    if name in PHOTO_HOSTS:
        return True
    return any(name == domain or name.endswith("." + domain) for domain in PHOTO_DOMAINS)


def is_photo_url(url: str) -> bool:
    """Whether `url` is an https URL on a photo host, on the standard port and
    without credentials."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return False
    if parts.scheme != "https" or port not in (None, 443) or "@" in parts.netloc:
        return False
    return is_photo_host(parts.hostname or "")
