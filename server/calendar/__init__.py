"""Calendar feeds (SPEC §6): ical.py and content.py are pure, query.py reads, cache.py keeps, feed.py serves."""
from .links import feed_links

__all__ = ["feed_links"]
