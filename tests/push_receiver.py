"""A real Web Push receiver on 127.0.0.1 for tests: it stands in for the push service and the browser.

It accepts POSTs like a push service (answering 201, or the statuses a test scripts per path),
and `Browser` holds a subscription's private key and auth secret, so a test can decrypt the
aes128gcm body (RFC 8291) and verify the VAPID JWT (RFC 8292) exactly as a real browser and
push service would.
"""
import base64
import json
import os
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes


class Browser:
    """One browser's push subscription: its keys stay here, only the public parts are sent."""

    def __init__(self, receiver: "PushReceiver", name: str):
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = os.urandom(16)
        self.endpoint = f"{receiver.base_url}/push/{name}"
        public = self.private_key.public_key().public_bytes(serialization.Encoding.X962,
                                                            serialization.PublicFormat.UncompressedPoint)
        self.subscription = {"endpoint": self.endpoint, "expirationTime": None,
                             "keys": {"p256dh": b64url(public), "auth": b64url(self.auth_secret)}}

    def decrypt(self, body: bytes) -> dict:
        """Decrypt an aes128gcm message with this subscription's private key; return its JSON."""
        plain = http_ece.decrypt(body, private_key=self.private_key, auth_secret=self.auth_secret,
                                 version="aes128gcm")
        return json.loads(plain)


def verify_vapid(authorization: str) -> tuple[dict, str]:
    """Check a `vapid t=<jwt>,k=<key>` header's ES256 signature; return (claims, public key)."""
    scheme, _, params = authorization.partition(" ")
    assert scheme == "vapid", authorization
    parts = dict(item.strip().split("=", 1) for item in params.split(","))
    token, key = parts["t"], parts["k"]
    header_b64, claims_b64, sig_b64 = token.split(".")
    assert json.loads(unb64url(header_b64)) == {"typ": "JWT", "alg": "ES256"}
    signature = unb64url(sig_b64)
    assert len(signature) == 64
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
    public.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))  # raises if forged
    return json.loads(unb64url(claims_b64)), key


@dataclass
class PushReceiver:
    """Start with `with PushReceiver() as r:`; r.received lists every POST in arrival order."""
    received: list = field(default_factory=list)
    script: dict = field(default_factory=dict)   # path -> [status, ...] answered in turn, then 201
    rendezvous: int = 0                          # hold the first requests until this many are in flight
    rendezvous_timeout: float = 60.0

    def __post_init__(self):
        self._lock = threading.Lock()
        self._barrier = threading.Barrier(self.rendezvous) if self.rendezvous > 1 else None
        self.met = False  # True once `rendezvous` requests were in flight at the same moment
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if receiver._barrier is not None and not receiver.met:
                    try:
                        receiver._barrier.wait(receiver.rendezvous_timeout)
                        receiver.met = True
                    except threading.BrokenBarrierError:
                        pass
                with receiver._lock:
                    receiver.received.append(Received(self.path, dict(self.headers), body))
                    queue = receiver.script.get(self.path) or []
                    status = queue.pop(0) if queue else 201
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", "120")
                if 300 <= status < 400:  # a redirect a sender must not follow
                    self.send_header("Location", receiver.base_url + "/redirected")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_exc):
        self._server.shutdown()
        self._server.server_close()

    def browser(self, name: str) -> Browser:
        return Browser(self, name)

    def to(self, browser: Browser) -> list:
        return [r for r in self.received if self.base_url + r.path == browser.endpoint]


def configure_app(app, tmp_path, subject: str = "mailto:ops@kentta.example") -> None:
    """Give the app fresh VAPID keys in tmp_path and allow pushes to 127.0.0.1 only."""
    from server.reminders.vapid import generate_file

    generate_file(tmp_path / "vapid.json")
    app.config.update(VAPID_FILE=str(tmp_path / "vapid.json"), VAPID_PRIVATE_KEY=None, VAPID_PUBLIC_KEY=None,
                      VAPID_SUBJECT=subject, PUSH_ALLOWED_HOSTS="127.0.0.1")
