"""Keep serialised feeds, so that polling a calendar that has not changed costs a look-up.

Two maps, both bounded, least recently used first out:
- validators: (feed identity, sync counter, ...) -> (ETag, Last-Modified). The counter moves on
  every committed change anywhere, so a hit means nothing at all has changed since.
- bodies: ETag -> bytes. The ETag digests every row version and setting the bytes are made of,
  so after someone else's change only the narrow key read runs, and the same ETag finds the bytes.

The cache lives in the process (one per app): several gunicorn workers each keep their own and
each builds a feed once per change. Correct only while versions never go back: restoring a
database backup under a running server needs a restart.
"""
import threading
from collections import OrderedDict

from flask import current_app

EXTENSION = "kentta.calendar_cache"
MAX_BYTES = 64 * 1024 * 1024   # default of CALENDAR_CACHE_BYTES: ~30 feeds of 2 000 events
MAX_VALIDATORS = 4096          # entries of a few hundred bytes each


class LRU:
    """A thread-safe least-recently-used map bounded by entry count and by total size."""

    def __init__(self, max_entries: int, max_size: int | None = None, size=lambda _value: 1):
        self.max_entries, self.max_size, self.size_of = max_entries, max_size, size
        self.items: OrderedDict = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        size = self.size_of(value)
        if self.max_size is not None and size > self.max_size:
            return  # larger than the whole budget: keeping it would push out everything else
        with self.lock:
            old = self.items.pop(key, None)
            if old is not None:
                self.size -= self.size_of(old)
            self.items[key] = value
            self.size += size
            while len(self.items) > self.max_entries or (self.max_size is not None and self.size > self.max_size):
                _key, dropped = self.items.popitem(last=False)
                self.size -= self.size_of(dropped)

    def __len__(self) -> int:
        return len(self.items)


class FeedCache:
    def __init__(self, max_bytes: int = MAX_BYTES):
        self.validators = LRU(MAX_VALIDATORS)
        self.bodies = LRU(MAX_VALIDATORS, max_bytes, len)

    def clear(self) -> None:
        for lru in (self.validators, self.bodies):
            with lru.lock:
                lru.items.clear()
                lru.size = 0


def feed_cache() -> FeedCache:
    """Return the running app's cache, made on first use."""
    ext = current_app.extensions
    if EXTENSION not in ext:
        ext.setdefault(EXTENSION, FeedCache(int(current_app.config.get("CALENDAR_CACHE_BYTES", MAX_BYTES))))
    return ext[EXTENSION]
