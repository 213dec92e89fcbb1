"""Gunicorn settings for Kenttä: `gunicorn -c gunicorn.conf.py` (scripts/serve's supervisor, deploy/).

Everything comes from the environment, with the defaults of scripts/serve: HOST, PORT,
WEB_CONCURRENCY (server/config.py web_concurrency), WEB_THREADS, WEB_TIMEOUT.
"""
import os

from server.config import web_concurrency  # settings only: no app, no database connection

wsgi_app = "server:create_app()"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = web_concurrency(os.environ.get("DATABASE_URL", "sqlite"))
# Threads let a worker answer reads while another request waits on the database (PostgreSQL's
# network round trips, SQLite's write lock, whose wait releases the GIL); more than a few only
# add contention for the GIL.
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
# Each worker builds its own app after the fork: a database connection opened in the master and
# inherited by several workers would interleave their traffic on one socket (or one SQLite handle).
preload_app = False
# A 500-op push or a large pull page takes well under this; a worker silent for longer is stuck.
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 20  # in-flight requests may finish after SIGTERM; scripts/serve waits longer than this
# The app's request log (server/observe/logs.py) replaces gunicorn's access log; errors go to stderr.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Which proxies to believe is the app's decision (TRUSTED_PROXIES, werkzeug ProxyFix), not gunicorn's:
# by default gunicorn would also take X-Forwarded-Proto from any local process.
forwarded_allow_ips = ""
# Gunicorn 23+ opens a control socket at one path in $HOME: two servers on one machine (tests, a
# blue/green switch) would take it from each other. Older versions ignore the unknown name.
control_socket_disable = True


def child_exit(_server, worker):
    """Tell prometheus_client a worker is gone, so its live-only series are dropped from scrapes."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
