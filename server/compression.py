"""Compressed responses (issue 18): brotli or gzip, as the client's Accept-Encoding asks.

Flask-Compress negotiates (q-values, `*`, `identity`) and compresses; this module adds what it
leaves to the app:
- ETags. A compressed body is another representation, so it may not carry the identity body's
  strong ETag (RFC 9110 8.8.3): Flask-Compress suffixes it ("tag" -> "tag:br"). A client then
  revalidates with the suffixed tag, so before any view runs the suffix is taken off
  If-None-Match (the views compare their own tags: the calendar feed, /api/rules, static files
  answer 304 themselves, before building a body), and a 304 names the tag the client holds.
- A cache of compressed bytes for responses whose strong ETag names their content (static
  files, the manifest, /api/rules, a calendar feed): those compress once (files at the best
  level), not at every request. Pulls carry no ETag and compress at the levels measured by
  scripts/bench_wire.py (README "Compression").
- A record's version ETag (REST, `"12"`) is an If-Match token, not a cache validator; those
  answers (one record, ~1 KB) stay identity so the token keeps its documented form.
Off with COMPRESS_RESPONSES=0, for a proxy in front that compresses itself.
"""
import re
import threading
from collections import OrderedDict

import zlib

import brotli
from flask import Flask, current_app, request
from flask_compress import Compress

ALGORITHMS = ("br", "gzip")  # br first: on equal q the first listed wins; every browser since 2017 has it
_SUFFIX = re.compile(r':(?:br|gzip)"')
_VERSION_TAG = re.compile(r'^"[0-9]+"$')
_ORIGINAL_INM = "kentta.if_none_match"
_ACCEPT_ENCODING = "HTTP_ACCEPT_ENCODING"  # a request header, not a setting (tests/test_deploy.py)

# Files change only with a deploy, so they take the slow best levels (brotli 11 is ~200x slower
# than 5 and 15 % smaller); a calendar feed changes with every visit, so it takes the served ones.
_FILE_LEVELS = {"br": 11, "gzip": 9}
_CACHEABLE_MAX = 4 * 1024 * 1024

MIMETYPES = ["text/html", "text/css", "text/plain", "text/javascript", "application/javascript",
             "application/json", "application/manifest+json", "image/svg+xml", "text/calendar",
             "application/xml", "text/xml", "text/csv"]


def install(app: Flask) -> None:
    """Register last, so compression runs first among the after-request hooks and the request
    log and metrics see the bytes that go on the wire."""
    if not app.config.get("COMPRESS_RESPONSES", True):
        return
    app.config.setdefault("COMPRESS_MIMETYPES", MIMETYPES)
    app.config.setdefault("COMPRESS_ALGORITHM", list(ALGORITHMS))
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", list(ALGORITHMS))
    app.config.setdefault("COMPRESS_LEVEL", 6)      # gzip; measured in README "Compression"
    app.config.setdefault("COMPRESS_BR_LEVEL", 5)   # brotli: 4 -> 5 is 6 % fewer bytes for +2 ms a page; 9+ costs 10x
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)  # below a packet, compression only adds a header
    app.config["COMPRESS_REGISTER"] = False  # our hook calls it, with the ETag handling around it
    compress = Compress()
    compress.init_app(app)
    cache = _BytesCache(app.config.get("COMPRESS_CACHE_BYTES", 32 * 1024 * 1024))
    app.extensions["kentta.compression"] = cache
    app.before_request(_unsuffix_validators)
    app.after_request(lambda response: _compress(app, compress, cache, response))


def _unsuffix_validators() -> None:
    """Let views match the tags they made: "tag:br" in If-None-Match (and If-Match) -> "tag"."""
    environ = request.environ
    for key in ("HTTP_IF_NONE_MATCH", "HTTP_IF_MATCH"):
        value = environ.get(key)
        if value and ":" in value:
            if key == "HTTP_IF_NONE_MATCH":
                environ[_ORIGINAL_INM] = value
            environ[key] = _SUFFIX.sub('"', value)


def _compress(app, compress: Compress, cache: "_BytesCache", response):
    if response.status_code == 304:
        return _name_held_tag(response)
    if response.status_code == 206 or "Content-Range" in response.headers:
        return response  # a byte range of the identity body: compressing it would make no sense
    etag, weak = response.get_etag()
    if etag and not weak and _VERSION_TAG.match(f'"{etag}"') and request.path.startswith("/api/"):
        return response  # a record's version: see the module docstring
    if etag and not weak and response.status_code == 200 and "Content-Encoding" not in response.headers \
            and response.mimetype in compress.compress_mimetypes_set \
            and (response.content_length or 0) <= _CACHEABLE_MAX:
        algorithm = response.content_length is None or response.content_length >= app.config["COMPRESS_MIN_SIZE"]
        algorithm = algorithm and request.accept_encodings.best_match(ALGORITHMS)
        if algorithm:
            return _from_cache(cache, response, etag, algorithm)
    # Flask-Compress 1.25 takes "br;q=0" as a choice of br; werkzeug's parser reads q=0 as "not
    # this", so werkzeug negotiates and Flask-Compress is told the outcome.
    chosen = request.accept_encodings.best_match(ALGORITHMS)
    if chosen is None:
        response.vary.add("Accept-Encoding")
        return response
    environ, sent = request.environ, request.environ.get(_ACCEPT_ENCODING)
    environ[_ACCEPT_ENCODING] = chosen
    try:
        return compress.after_request(response)
    finally:
        if sent is None:
            environ.pop(_ACCEPT_ENCODING, None)
        else:
            environ[_ACCEPT_ENCODING] = sent


def _from_cache(cache, response, etag: str, algorithm: str):
    """A response named by its strong ETag: its compressed bytes compressed once, kept by tag."""
    key = (request.path, etag, algorithm)
    body = cache.get(key)
    if body is None:
        is_file = response.is_streamed  # a static file's body is a file wrapper until read
        config = current_app.config
        level = _FILE_LEVELS[algorithm] if is_file else config["COMPRESS_BR_LEVEL" if algorithm == "br" else "COMPRESS_LEVEL"]
        response.direct_passthrough = False
        raw = response.get_data()
        body = brotli.compress(raw, quality=level) if algorithm == "br" else _gzip(raw, level)
        cache.put(key, body)
    elif hasattr(response.response, "close"):
        response.response.close()  # the unread file of a static response
    response.direct_passthrough = False
    response.set_data(body)
    response.headers["Content-Encoding"] = algorithm
    response.set_etag(f"{etag}:{algorithm}")
    response.vary.add("Accept-Encoding")
    return response


def _gzip(raw: bytes, level: int) -> bytes:
    # mtime=0 (zlib with a gzip header): the same input gives the same bytes, whatever the clock
    packer = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    return packer.compress(raw) + packer.flush()


def _name_held_tag(response):
    """A view's 304 names its own tag; the client holds the suffixed one, so name that."""
    response.vary.add("Accept-Encoding")
    etag, weak = response.get_etag()
    sent = request.environ.get(_ORIGINAL_INM, "")
    if etag and not weak:
        for algorithm in ALGORITHMS:
            if f'"{etag}:{algorithm}"' in sent:
                response.set_etag(f"{etag}:{algorithm}")
                break
    return response


class _BytesCache:
    """A least-recently-used map bounded by the bytes it holds (one per worker process)."""

    def __init__(self, limit: int):
        self.limit, self.size, self.items, self.lock = limit, 0, OrderedDict(), threading.Lock()

    def get(self, key):
        with self.lock:
            body = self.items.get(key)
            if body is not None:
                self.items.move_to_end(key)
            return body

    def put(self, key, body: bytes) -> None:
        if len(body) > self.limit:
            return
        with self.lock:
            old = self.items.pop(key, None)
            self.size += len(body) - (len(old) if old is not None else 0)
            self.items[key] = body
            while self.size > self.limit:
                _key, dropped = self.items.popitem(last=False)
                self.size -= len(dropped)
