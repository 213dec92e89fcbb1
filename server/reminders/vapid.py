"""VAPID keys (RFC 8292): from the environment, else instance/vapid.json; never in the repository."""
import json
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid
from py_vapid.utils import b64urlencode

SETUP_COMMAND = "flask --app server vapid-keys"


class VapidError(Exception):
    """The keys are missing or unusable; the message tells the operator what to do."""


@dataclass(frozen=True)
class VapidKeys:
    signer: Vapid
    public_key: str   # base64url of the uncompressed P-256 point: the browser's applicationServerKey
    source: str       # "environment" or the key file's path


def public_key_of(signer: Vapid) -> str:
    raw = signer.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return b64urlencode(raw)


def _signer(private_key: str) -> Vapid:
    text = private_key.strip()
    if "-----BEGIN" in text:
        return Vapid.from_pem(text.encode())
    return Vapid.from_string(text)  # raw 32-byte key or DER, base64url


def load_keys(config) -> VapidKeys:
    """The keys from VAPID_PRIVATE_KEY (+ VAPID_PUBLIC_KEY) or the key file; raise VapidError if none."""
    private = config.get("VAPID_PRIVATE_KEY")
    source = "environment"
    if not private:
        path = Path(config.get("VAPID_FILE") or "")
        if not config.get("VAPID_FILE") or not path.is_file():
            raise VapidError(f"Web Push is not set up: no VAPID keys. Run `{SETUP_COMMAND}` on the server "
                             "(or set VAPID_PRIVATE_KEY and VAPID_PUBLIC_KEY).")
        try:
            private = json.loads(path.read_text())["private_key"]
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise VapidError(f"The VAPID key file {path} is unreadable ({err}); "
                             f"run `{SETUP_COMMAND} --force` to make new keys.") from err
        source = str(path)
    try:
        signer = _signer(private)
    except Exception as err:  # py_vapid raises assorted errors for a malformed key
        raise VapidError(f"The VAPID private key from {source} is not a valid P-256 key: {err}") from err
    public = public_key_of(signer)
    given = config.get("VAPID_PUBLIC_KEY") if source == "environment" else None
    if given and given.strip().rstrip("=") != public:
        raise VapidError("VAPID_PUBLIC_KEY does not belong to VAPID_PRIVATE_KEY.")
    return VapidKeys(signer, public, source)


def generate_file(path: Path, force: bool = False) -> str:
    """Write a new key pair to `path` (mode 0600); return the public key. Refuse to overwrite."""
    if path.exists() and not force:
        raise FileExistsError(str(path))
    signer = Vapid()
    signer.generate_keys()
    public = public_key_of(signer)
    body = json.dumps({"private_key": signer.private_pem().decode(), "public_key": public}, indent=1)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(body + "\n")
    os.chmod(tmp, 0o600)  # whatever the umask or an old file's mode
    os.replace(tmp, path)
    return public


def subject(config, base_url: str | None = None) -> str:
    """The JWT `sub`: VAPID_SUBJECT, else mailto:admin@<host of PUBLIC_BASE_URL>."""
    if config.get("VAPID_SUBJECT"):
        return config["VAPID_SUBJECT"]
    host = urlsplit(config.get("PUBLIC_BASE_URL") or base_url or "").hostname or "localhost"
    if host in ("localhost", "127.0.0.1") or "." not in host:
        host = "localhost.localdomain"  # push services want a plausible address to contact
    return f"mailto:admin@{host}"


def auth_headers(keys: VapidKeys, endpoint: str, sub: str, now_ts: int, lifetime: int = 12 * 3600) -> dict:
    """The Authorization header for one push service (aud = its origin), valid `lifetime` seconds."""
    parts = urlsplit(endpoint)
    claims = {"aud": f"{parts.scheme}://{parts.netloc}", "exp": now_ts + lifetime, "sub": sub}
    return keys.signer.sign(claims)
