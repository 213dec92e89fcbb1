"""Which push endpoints may be contacted: the known push services, or PUSH_ALLOWED_HOSTS.

Pure: checked when a subscription is stored and again before every send, so a changed list
takes effect at once and no request ever goes to an address nobody allowed.
"""
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


def allowed_hosts(config_value) -> tuple[tuple, bool]:
    """(host patterns, from_config) for a PUSH_ALLOWED_HOSTS value (str, list or None)."""
    if isinstance(config_value, str):
        config_value = config_value.split(",")
    patterns = tuple(p.strip().lower().rstrip(".") for p in (config_value or ()) if p and p.strip())
    return (patterns, True) if patterns else (KNOWN_PUSH_HOSTS, False)


def host_matches(host: str, pattern: str, port) -> bool:
    """Match "host", "host:port" or "*.domain" (any sub-domain, not the bare domain)."""
    if pattern.startswith("*."):
        return host.endswith(pattern[1:])
    name, _, want_port = pattern.partition(":")
    if want_port and (port is None or str(port) != want_port):
        return False
    return host == name


def endpoint_problem(endpoint, config_value) -> str | None:
    """Why this endpoint may not be used, or None when it is allowed."""
    if not isinstance(endpoint, str) or not endpoint:
        return "Give the push subscription's endpoint URL."
    if len(endpoint) > MAX_ENDPOINT_LENGTH:
        return f"The endpoint is longer than {MAX_ENDPOINT_LENGTH} characters."
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        return "The endpoint is not a valid URL."
    host = (parts.hostname or "").lower().rstrip(".")
    if not host or parts.username is not None or parts.password is not None or parts.fragment:
        return "The endpoint is not a valid push service URL."
    patterns, from_config = allowed_hosts(config_value)
    if not any(host_matches(host, p, port) for p in patterns):
        return f"Push endpoints on {host} are not allowed; allowed hosts: {', '.join(patterns)}."
    # Plain http only where an operator allowed the host explicitly (a local test receiver).
    if parts.scheme != "https" and not (parts.scheme == "http" and from_config):
        return "The endpoint must use https."
    return None


def endpoint_host(endpoint: str) -> str:
    return (urlsplit(endpoint).hostname or "").lower()
