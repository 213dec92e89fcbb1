"""Serve the rep's PWA: the app shell at /, the service worker at /sw.js, the manifest.

The service worker's precache list and cache version are computed from the files on disk, so
any change to the shell gives a new cache name and `activate` drops the old one: no version to
bump by hand, and no stale shell after a deploy.
"""
import hashlib
import json
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template

PWA_DIR = Path(__file__).resolve().parent.parent / "pwa"
STATIC_DIR = PWA_DIR / "static"
TEMPLATE_DIR = PWA_DIR / "templates"
# Only the app's own files (the back office keeps its own in server/office/static); the service
# worker itself stays out of the cache.
SHELL_SUFFIXES = {".js", ".css", ".json", ".png", ".svg", ".webmanifest"}
SHELL_SKIP = {"sw.js"}

bp = Blueprint("pwa", __name__)


@lru_cache(maxsize=1)
def _shell(static_dir: str, debug_stamp: float = 0.0, salt: str = "") -> tuple[str, list]:
    """Return (version, urls) of the app shell: a hash over every shell file's path and bytes."""
    digest = hashlib.sha256(salt.encode())
    urls = ["/", "/manifest.webmanifest"]
    for path in sorted(Path(static_dir).rglob("*")):
        if path.is_file() and path.suffix in SHELL_SUFFIXES and path.name not in SHELL_SKIP:
            rel = path.relative_to(static_dir).as_posix()
            digest.update(rel.encode())
            digest.update(path.read_bytes())
            urls.append(f"/static/{rel}")
    digest.update((TEMPLATE_DIR / "app.html").read_bytes())
    return digest.hexdigest()[:12], urls


def shell():
    stamp = 0.0
    if current_app.debug:  # while developing, notice edits without a restart
        stamp = max(p.stat().st_mtime for p in STATIC_DIR.rglob("*") if p.is_file())
    # PWA_VERSION_SALT forces a new version without a file change (a deploy of the same shell
    # under a new name, and the test that a new version replaces the old cache).
    return _shell(str(STATIC_DIR), stamp, current_app.config.get("PWA_VERSION_SALT", ""))


@bp.get("/")
def app_shell():
    version, _ = shell()
    response = Response(render_template("app.html", version=version))
    response.headers["Cache-Control"] = "no-cache"  # the security headers come from security.py
    return response


@bp.get("/sw.js")
def service_worker():
    version, urls = shell()
    source = (STATIC_DIR / "sw.js").read_text(encoding="utf-8")
    source = source.replace('"__VERSION__"', json.dumps(version)).replace('["__PRECACHE__"]', json.dumps(urls))
    response = Response(source, mimetype="text/javascript")
    # The browser must always see a new worker at once; the worker itself caches the shell.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/manifest.webmanifest")
def manifest():
    response = current_app.send_static_file("manifest.webmanifest")
    response.mimetype = "application/manifest+json"
    return response
