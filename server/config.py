"""Configuration from environment variables; TestConfig for pytest."""
import os
import secrets
from pathlib import Path

INSTANCE_DIR = Path(os.environ.get("KENTTA_INSTANCE", Path(__file__).resolve().parent.parent / "instance"))


def _secret_key() -> str:
    """Read SECRET_KEY from the environment, else a key file kept in instance/ (never in the repo)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _env_list(name: str) -> list[str] | None:
    """A comma-separated environment variable as a list (None when unset or empty)."""
    items = [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]
    return items or None


def _env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    return default if value is None or not value.strip() else value.strip().lower() not in ("0", "false", "no", "off")


def web_concurrency(database_url: str) -> int:
    """Gunicorn's worker count: WEB_CONCURRENCY, else 2 on SQLite and 2 per CPU core on PostgreSQL."""
    if os.environ.get("WEB_CONCURRENCY", "").strip():
        return max(1, int(os.environ["WEB_CONCURRENCY"]))
    if database_url.startswith("sqlite"):
        return 2  # SQLite writes one at a time: more processes only queue on its lock (WAL lets readers on)
    return 2 * (os.cpu_count() or 1)


def org_timezone_name() -> str:
    """The organisation's IANA time zone: ORG_TIMEZONE of the running app, else Europe/Helsinki."""
    from flask import current_app, has_app_context

    return (current_app.config.get("ORG_TIMEZONE") if has_app_context() else None) or "Europe/Helsinki"


class Config:
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'kentta.db'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024  # every route, announced or chunked (SPEC §4; api/json_body.py)
    SYNC_MAX_OPS = 500
    PULL_DEFAULT_LIMIT = 500
    PULL_MAX_LIMIT = 1000
    LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))  # per e-mail and client address in the window
    LOGIN_MAX_CLIENT_FAILURES = 30  # per client address across e-mails (password spraying)
    LOGIN_WINDOW_SECONDS = 15 * 60
    TOKEN_IDLE_DAYS = int(os.environ.get("TOKEN_IDLE_DAYS", "90"))
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are believed (werkzeug ProxyFix).
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL")  # origin of calendar and reminder links
    DEMO = os.environ.get("DEMO", "1") != "0"  # as scripts/serve reads it; DEMO=0 needs PUBLIC_BASE_URL
    TRUSTED_HOSTS = _env_list("TRUSTED_HOSTS")  # Host headers served; see server/security.py for the default
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_flag("SESSION_COOKIE_SECURE")  # also on when PUBLIC_BASE_URL is https
    BABEL_DEFAULT_LOCALE = "fi"
    PUSH_ALLOWED_HOSTS = os.environ.get("PUSH_ALLOWED_HOSTS")  # comma-separated; replaces the known push services
    # VAPID keys from the environment (PEM or raw base64url private key), else the file that
    # `flask --app server vapid-keys` writes; VAPID_SUBJECT defaults to mailto:admin@<host>.
    VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY")
    VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY")
    VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT")
    VAPID_FILE = os.environ.get("VAPID_FILE", str(INSTANCE_DIR / "vapid.json"))
    ORG_TIMEZONE = os.environ.get("ORG_TIMEZONE", "Europe/Helsinki")
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")  # "json": the request log as JSON lines (observe/logs.py)
    # GET /metrics; PROMETHEUS_MULTIPROC_DIR (several worker processes) turns it on too (observe/metrics.py)
    METRICS_ENABLED = _env_flag("METRICS_ENABLED") or bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
    # Bounded growth (server/maintenance/prune.py; README "Bounded growth"). The ledger only has to
    # outlive a phone's retries: a phone idle past TOKEN_IDLE_DAYS must log in before it sends again.
    LEDGER_RETENTION_DAYS = int(os.environ.get("LEDGER_RETENTION_DAYS", "90"))
    REJECTED_RETENTION_DAYS = int(os.environ.get("REJECTED_RETENTION_DAYS", "180"))  # resolved ones only
    TOMBSTONE_RETENTION_DAYS = int(os.environ.get("TOMBSTONE_RETENTION_DAYS", "180"))
    # Brotli or gzip answers as the client accepts (server/compression.py); 0 when a proxy in front compresses.
    COMPRESS_RESPONSES = _env_flag("COMPRESS_RESPONSES", True)
    # Customers' coordinates (`flask --app server geocode`; README "Geocoding"): a Nominatim-compatible
    # /search endpoint, unset = no geocoder. The public Nominatim wants a User-Agent naming the service
    # and a contact, and at most one request a second.
    GEOCODER_URL = os.environ.get("GEOCODER_URL")
    GEOCODER_USER_AGENT = os.environ.get("GEOCODER_USER_AGENT")
    GEOCODER_MIN_INTERVAL = float(os.environ.get("GEOCODER_MIN_INTERVAL") or "1.0")  # seconds between requests
    GEOCODER_TIMEOUT = float(os.environ.get("GEOCODER_TIMEOUT") or "10")  # seconds per request

    def __init__(self):
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)  # the default SQLite file lives there
        self.SECRET_KEY = _secret_key()


class TestConfig(Config):
    __test__ = False  # not a pytest test class, despite the name
    TESTING = True
    WTF_CSRF_ENABLED = False
    LOGIN_MAX_FAILURES = 3
    LOGIN_MAX_CLIENT_FAILURES = 8
    DEMO = True  # whatever the developer's shell says
    TRUSTED_PROXIES = 0
    TRUSTED_HOSTS = None
    METRICS_ENABLED = False  # a test turns them on for its own app
    GEOCODER_URL = None  # whatever the shell says: a test starts its own stand-in geocoder
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"

    def __init__(self, database_url: str):
        self.SECRET_KEY = "test-secret-key"
        self.SQLALCHEMY_DATABASE_URI = database_url
