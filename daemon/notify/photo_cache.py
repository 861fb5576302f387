"""Delivery photos fetched ahead of sending, shared by the threads that deliver.

A photo is fetched before the notifier's sending lock is taken, so a slow photo
server delays only the notification it belongs to. Threads delivering at once
share what is fetched: a photo another thread is fetching is not fetched twice,
and its notification waits for that thread, while everything else goes out. A
photo is kept only while its notification is due, so memory holds at most the
photos of the deliveries waiting at that moment.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from daemon.notify.photo import Photo
from daemon.store.views import DueDelivery

Fetch = Callable[[DueDelivery], Photo | None]


class PhotoCache:
    """Photos by notification, fetched at most once while they are needed."""

    def __init__(self, fetch: Fetch) -> None:
        self._fetch = fetch
        self._lock = threading.Lock()
        self._photos: dict[int, Photo | None] = {}
        self._fetching: set[int] = set()

    def prepare(self, due: Iterable[DueDelivery]) -> None:
        """Fetch the photos of these deliveries that nobody has or is fetching,
        and forget those of notifications no longer due. No lock is held while
        a photo is fetched."""
        wanted = {d.notification_pk: d for d in due}
        with self._lock:
            for pk in set(self._photos) - set(wanted):
                del self._photos[pk]
            mine = [
                d for pk, d in wanted.items() if pk not in self._photos and pk not in self._fetching
            ]
            self._fetching.update(d.notification_pk for d in mine)
        for delivery in mine:
            try:
                photo = self._fetch(delivery)
            finally:
                with self._lock:
                    self._fetching.discard(delivery.notification_pk)
            with self._lock:
                self._photos[delivery.notification_pk] = photo

    def ready(self, notification_pk: int) -> bool:
        """Whether the photo (or the knowledge that there is none) is in."""
        with self._lock:
            return notification_pk in self._photos

    def get(self, notification_pk: int) -> Photo | None:
        with self._lock:
            return self._photos.get(notification_pk)
