"""Web Push itself (RFC 8030/8291/8292): one encrypted, VAPID-signed message to one push service."""
import time as clock

import requests
from pywebpush import WebPusher, WebPushException

from .messages import encode
from .vapid import VapidKeys, auth_headers

ACCEPTED = {200, 201, 202}  # the push service took the message (RFC 8030 answers 201)
GONE = {404, 410}           # the subscription no longer exists
HTTP_TIMEOUT = 10  # seconds per request by default; a batch of 20 stays far inside the sender's CLAIM_TIMEOUT


class NoRedirects(requests.Session):
    """A push service's redirect is a failure, never a request to wherever it points."""

    def request(self, *args, **kwargs):
        kwargs["allow_redirects"] = False
        return super().request(*args, **kwargs)


def send(http, keys: VapidKeys, row: dict, subject: str, timeout: float = HTTP_TIMEOUT):
    """POST one encrypted message; return (status code or None, Retry-After header, error text)."""
    headers = {**auth_headers(keys, row["endpoint"], subject, int(clock.time())),
               "Urgency": row["urgency"], "Topic": row["topic"]}
    info = {"endpoint": row["endpoint"], "keys": {"p256dh": row["p256dh"], "auth": row["auth"]}}
    try:
        response = WebPusher(info, requests_session=http).send(
            encode(row["payload"]), headers, ttl=row["ttl"], content_encoding="aes128gcm", timeout=timeout)
    except (requests.RequestException, WebPushException, ValueError) as err:
        return None, None, f"{type(err).__name__}: {err}"[:500]
    error = None if response.status_code in ACCEPTED else \
        f"{response.status_code} {response.reason}: {response.text[:300]}"[:500]
    return response.status_code, response.headers.get("Retry-After"), error
