"""Which push endpoints may be contacted: the known push services, or PUSH_ALLOWED_HOSTS.

Pure: checked when a subscription is stored and again before every send, so a changed list
takes effect at once and no request ever goes to an address nobody allowed.
"""
import ipaddress
import re
from urllib.parse import urlsplit

# The push services of Chrome/Edge/Android (FCM), Firefox, Windows (WNS) and Safari/iOS.
KNOWN_PUSH_HOSTS = (
    "fcm.googleapis.com",
    "updates.push.services.mozilla.com",
    "*.push.services.mozilla.com",
    "*.notify.windows.com",
    "web.push.apple.com",
    "*.push.apple.com",
)
MAX_ENDPOINT_LENGTH = 1000
NOT_IN_URL = re.compile(r"[\x00-\x20\x7f-\x9f]")


def allowed_hosts(config_value) -> tuple[tuple, bool]:
    """(host patterns, from_config) for a PUSH_ALLOWED_HOSTS value (str, list or None)."""
    if isinstance(config_value, str):
        config_value = config_value.split(",")
    patterns = tuple(p.strip().lower().rstrip(".") for p in (config_value or ()) if p and p.strip())
    return (patterns, True) if patterns else (KNOWN_PUSH_HOSTS, False)


DEFAULT_PORTS = {"https": 443, "http": 80}


def _parse_pattern(pattern: str) -> tuple[str, int | None] | None:
    """(host, port or None) of an entry "host", "host:port", "[v6]:port", "v6" or "*.domain"; None if malformed."""
    if pattern.count(":") > 1 and not pattern.startswith("["):
        return pattern, None  # a bare IPv6 address
    try:
        parts = urlsplit("//" + pattern)
        return (parts.hostname or "").rstrip("."), parts.port
    except ValueError:
        return None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_matches(host: str, port: int, default_port: int, pattern: str, from_config: bool) -> bool:
    """Whether host:port (the port made explicit) is what the entry allows.

    A push service listens on its scheme's default port; any other port of the same host is some
    other service, so an entry allows only that port, or the one it names ("host:8443"). An
    operator's loopback entry (a local test receiver, SPEC §7) allows any port of it.
    """
    parsed = _parse_pattern(pattern)
    if parsed is None:
        return False
    name, want_port = parsed
    if name.startswith("*."):
        if not host.endswith(name[1:]):
            return False
    elif host != name:
        return False
    if want_port is not None:
        return port == want_port
    return port == default_port or (from_config and _is_loopback(name))


def endpoint_problem(endpoint, config_value) -> str | None:
    """Why this endpoint may not be used, or None when it is allowed."""
    if not isinstance(endpoint, str) or not endpoint:
        return "Give the push subscription's endpoint URL."
    if len(endpoint) > MAX_ENDPOINT_LENGTH:
        return f"The endpoint is longer than {MAX_ENDPOINT_LENGTH} characters."
    if NOT_IN_URL.search(endpoint):  # urlsplit lets them through; a URL never has them
        return "The endpoint must not contain spaces or control characters."
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        return "The endpoint is not a valid URL."
    host = (parts.hostname or "").lower().rstrip(".")
    if not host or parts.username is not None or parts.password is not None or parts.fragment:
        return "The endpoint is not a valid push service URL."
    if parts.scheme not in DEFAULT_PORTS:
        return "The endpoint must use https."
    patterns, from_config = allowed_hosts(config_value)
    default_port = DEFAULT_PORTS[parts.scheme]
    port = default_port if port is None else port
    if not any(host_matches(host, port, default_port, p, from_config) for p in patterns):
        where = host if port == default_port else f"{host} port {port}"
        return f"Push endpoints on {where} are not allowed; allowed hosts: {', '.join(patterns)} (on their usual port)."
    # Plain http only where an operator allowed the host explicitly (a local test receiver).
    if parts.scheme != "https" and not from_config:
        return "The endpoint must use https."
    return None


def endpoint_host(endpoint: str) -> str:
    return (urlsplit(endpoint).hostname or "").lower()
