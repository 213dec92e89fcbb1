"""The app's outer fence: who the client is behind proxies, which Host names are served, session
cookie flags and the security headers every response carries."""
from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

# The PWA and the back office run only their own files: no inline script or style, no other origin,
# and no page may frame them. The screens build HTML from synced data, so this is the second fence
# behind escaping every value.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    "X-Content-Type-Options": "nosniff",
    # Page URLs may hold secrets (calendar links), so no other site gets one; our own pages still send
    # it, because Flask-WTF refuses an https form post without a same-origin Referer.
    "Referrer-Policy": "same-origin",
}
# Without PUBLIC_BASE_URL (the demo and tests) links are built from the request's Host, so only
# these names are served unless TRUSTED_HOSTS says otherwise.
LOOPBACK_HOSTS = ["localhost", "127.0.0.1"]


def install(app: Flask) -> None:
    """Check the configuration, trust the configured proxies and add the headers to every response."""
    config = app.config
    public = (config.get("PUBLIC_BASE_URL") or "").strip()
    if not public and not config.get("DEMO", True):
        raise RuntimeError("PUBLIC_BASE_URL is required when DEMO=0 (e.g. https://crm.example.fi): calendar "
                           "links must not be built from whatever Host a request names.")
    proxies = int(config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    if config.get("TRUSTED_HOSTS") is None and not public:
        config["TRUSTED_HOSTS"] = LOOPBACK_HOSTS
    if public.lower().startswith("https://"):
        config["SESSION_COOKIE_SECURE"] = True
    config["SESSION_COOKIE_SAMESITE"] = config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    config["REMEMBER_COOKIE_SECURE"] = config["SESSION_COOKIE_SECURE"]
    config["REMEMBER_COOKIE_SAMESITE"] = config["SESSION_COOKIE_SAMESITE"]
    app.after_request(_add_headers)


def _add_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response
