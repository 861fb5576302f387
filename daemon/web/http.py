"""Requests and responses as frozen values, and the WSGI edge.

The site needs a dozen routes, query strings, a cookie, a bounded body and
headers: about a hundred lines over WSGI, where a framework would add
several megabytes to a daemon that lives within a memory budget. Waitress
parses HTTP itself (and bounds headers and bodies); this reads its environ.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
Environ = Mapping[str, Any]
MAX_BODY = 1_000_000
_REASONS = {
    200: "OK",
    204: "No Content",
    303: "See Other",
    304: "Not Modified",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Content Too Large",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class BodyTooLargeError(Exception):
    """The request announced a body larger than MAX_BODY."""


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # without the base path: "/parcel/3"
    query: Mapping[str, str]  # the first value of each name
    headers: Mapping[str, str]  # lower-case names
    cookies: Mapping[str, str]
    body: bytes = b""

    def without_query(self, name: str) -> str:
        """The query string with `name` left out ("" or "?a=b")."""
        kept = {k: v for k, v in self.query.items() if k != name}
        return "?" + urlencode(kept) if kept else ""


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = field(default=())

    def with_header(self, name: str, value: str) -> Response:
        return replace(self, headers=(*self.headers, (name, value)))

    def has_header(self, name: str) -> bool:
        return any(key.lower() == name.lower() for key, _ in self.headers)


def html(text: str, status: int = 200) -> Response:
    return Response(status, text.encode("utf-8"), "text/html; charset=utf-8")


def as_json(value: Any, status: int = 200) -> Response:
    body = json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8")
    return Response(status, body, "application/json; charset=utf-8")


def plain(text: str, status: int = 200) -> Response:
    return Response(status, text.encode("utf-8"))


def redirect(location: str) -> Response:
    return Response(303, b"", headers=(("Location", location),))


def read_request(environ: Environ, base_path: str) -> Request:
    """The request in `environ`, its path relative to `base_path` whether the
    reverse proxy kept the prefix or stripped it. Raises BodyTooLargeError."""
    path = environ.get("PATH_INFO") or "/"
    if base_path and (path == base_path or path.startswith(base_path + "/")):
        path = path[len(base_path) :] or "/"
    headers = {
        key[5:].replace("_", "-").lower(): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = str(environ["CONTENT_TYPE"])
    query: dict[str, str] = {}
    for name, value in parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True):
        query.setdefault(name, value)
    return Request(
        method=str(environ.get("REQUEST_METHOD", "GET")).upper(),
        path=path,
        query=query,
        headers=headers,
        cookies=_cookies(headers.get("cookie", "")),
        body=_body(environ),
    )


def _cookies(header: str) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


def _body(environ: Environ) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY:
        raise BodyTooLargeError
    if length <= 0:
        return b""
    data: bytes = environ["wsgi.input"].read(length)
    return data


def send(response: Response, start_response: StartResponse, *, head: bool) -> Iterable[bytes]:
    reason = _REASONS.get(response.status, "Unknown")
    headers = [("Content-Type", response.content_type), *response.headers]
    headers.append(("Content-Length", str(len(response.body))))
    start_response(f"{response.status} {reason}", headers)
    return [b""] if head else [response.body]
