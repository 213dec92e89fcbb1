"""Customers' coordinates from a Nominatim-compatible geocoder (`flask --app server geocode`).

Pure parts (an address, its query, the answer's coordinates) and a small client: the only URL it
ever asks is GEOCODER_URL, checked here (https, unless the host is this machine), one request at a
time and at least GEOCODER_MIN_INTERVAL seconds apart, redirects not followed, the answer capped in
size. The run over the customers is server/geocode_run.py.
"""
import hashlib
import json
import math
import time
from urllib.parse import urlsplit

import requests

PUBLIC_NOMINATIM = "nominatim.openstreetmap.org"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
MAX_ANSWER_BYTES = 256 * 1024  # limit=1 answers are ~1 kB; a bigger one is not a geocoder's answer
CONFIGURE = ("No geocoder is configured. Set GEOCODER_URL to a Nominatim-compatible search endpoint, e.g. "
             "GEOCODER_URL=https://nominatim.openstreetmap.org/search with GEOCODER_USER_AGENT naming this "
             "service and a contact (see README, \"Geocoding\").")


class GeocoderError(Exception):
    """A request that got no usable answer, in words for the admin (never a traceback).

    fatal: the geocoder itself is out of order (unreachable, overloaded, refusing us): asking it about
    the next address would not help, so the run stops. Otherwise the fault lies with this one answer.
    """

    def __init__(self, message: str, fatal: bool = False):
        super().__init__(message)
        self.fatal = fatal


def address_of(values: dict) -> dict | None:
    """The address parts of a customer (model or wire values), or None without a city."""
    def clean(name):
        return " ".join(str(values.get(name) or "").split())
    if not clean("city"):
        return None  # a street or postal code alone would place the customer almost anywhere
    return {"street": clean("street"), "postalcode": clean("postal_code"), "city": clean("city"),
            "country": (clean("country") or "FI").upper()}


def address_key(address: dict) -> str:
    """A short fingerprint of an address: a remembered miss holds only while the address is the same."""
    text = json.dumps({k: v.casefold() for k, v in address.items()}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def query(address: dict) -> dict:
    """The structured Nominatim query for one address.

    The country goes as `countrycodes` (an ISO code filter), not as the free-text `country` field,
    which Nominatim matches against country names.
    """
    params = {"street": address["street"], "postalcode": address["postalcode"], "city": address["city"],
              "countrycodes": address["country"].lower(), "format": "jsonv2", "limit": "1"}
    return {k: v for k, v in params.items() if v}


def parse(body: bytes) -> tuple[float, float] | None:
    """(latitude, longitude) of the first place in a jsonv2 answer; None when nothing was found."""
    try:
        places = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise GeocoderError("the geocoder's answer is not JSON") from None
    if isinstance(places, dict) and "error" in places:  # Nominatim's own error document
        raise GeocoderError(f"the geocoder answered an error: {str(places['error'])[:200]}")
    if not isinstance(places, list):
        raise GeocoderError("the geocoder's answer is not a list of places")
    if not places:
        return None
    first = places[0]
    try:
        lat, lon = float(first["lat"]), float(first["lon"])
    except (TypeError, KeyError, ValueError):
        raise GeocoderError("the geocoder's answer has no usable lat/lon") from None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise GeocoderError(f"the geocoder's answer has coordinates out of range ({lat}, {lon})")
    return round(lat, 7), round(lon, 7)  # ~1 cm: more digits are noise on the wire


def check_url(url: str) -> str:
    """The configured URL if it may be asked: https, or http to this machine (tests, a local server)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise GeocoderError(f"GEOCODER_URL must be an https:// URL, not {url!r}.", fatal=True)
    if parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS:
        raise GeocoderError(f"GEOCODER_URL must use https (plain http only to localhost): {url}", fatal=True)
    if parts.username or parts.password:
        raise GeocoderError("GEOCODER_URL must not carry a user name or password.", fatal=True)
    return url


class Geocoder:
    """One configured geocoder. `sleep` and `clock` are the test's to replace (no real waiting)."""

    def __init__(self, url: str, user_agent: str, min_interval: float = 1.0, timeout: float = 10.0,
                 sleep=time.sleep, clock=time.monotonic):
        self.url = check_url(url)
        if urlsplit(url).hostname == PUBLIC_NOMINATIM:
            min_interval = max(min_interval, 1.0)  # the public service's policy: at most one request a second
        self.user_agent, self.min_interval, self.timeout = user_agent, max(0.0, min_interval), timeout
        self.sleep, self.clock = sleep, clock
        self.last = None
        self.http = requests.Session()
        self.http.trust_env = False  # no proxy or .netrc credentials picked up from the environment

    @classmethod
    def from_config(cls, config, **kw) -> "Geocoder":
        url = (config.get("GEOCODER_URL") or "").strip()
        if not url:
            raise GeocoderError(CONFIGURE, fatal=True)
        agent = (config.get("GEOCODER_USER_AGENT") or "").strip()
        if not agent and urlsplit(url).hostname == PUBLIC_NOMINATIM:
            raise GeocoderError("The public Nominatim service requires GEOCODER_USER_AGENT naming this service "
                                "and a contact, e.g. \"Kentta-CRM/1.0 (it@example.fi)\".", fatal=True)
        return cls(url, agent or "Kentta-CRM/1.0", float(config.get("GEOCODER_MIN_INTERVAL", 1.0)),
                   float(config.get("GEOCODER_TIMEOUT", 10.0)), **kw)

    def lookup(self, address: dict) -> tuple[float, float] | None:
        """Ask about one address: (lat, lon), None (not found), or GeocoderError."""
        if self.last is not None:
            wait = self.last + self.min_interval - self.clock()
            if wait > 0:
                self.sleep(wait)
        self.last = self.clock()
        try:
            with self.http.get(self.url, params=query(address), timeout=self.timeout, stream=True,
                               allow_redirects=False,
                               headers={"User-Agent": self.user_agent, "Accept": "application/json"}) as answer:
                status = answer.status_code
                body = b"" if status != 200 else self._read(answer)
        except requests.Timeout:
            raise GeocoderError(f"the geocoder did not answer within {self.timeout:g} s", fatal=True) from None
        except requests.RequestException as err:
            raise GeocoderError(f"the geocoder at {self.url} is unreachable ({type(err).__name__})",
                                fatal=True) from None
        finally:
            self.last = self.clock()  # the interval counts from the end of a slow answer too
        if status != 200:
            # 429, 5xx, 401/403 (blocked) and redirects concern every address alike: stop asking
            fatal = status in (401, 403, 429) or status >= 500 or 300 <= status < 400
            raise GeocoderError(f"the geocoder answered HTTP {status}", fatal=fatal)
        return parse(body)

    def _read(self, answer) -> bytes:
        chunks, size = [], 0
        for chunk in answer.iter_content(16384):
            size += len(chunk)
            if size > MAX_ANSWER_BYTES:
                raise GeocoderError(f"the geocoder's answer is larger than {MAX_ANSWER_BYTES // 1024} kB")
            chunks.append(chunk)
        return b"".join(chunks)
