"""Run the whole product in the foreground: the web server and the reminder loop, started and stopped together.

`python -m server.serve` (what scripts/serve runs). The web server is gunicorn with
gunicorn.conf.py, or with DEV=1 Flask's development server with its reloader. Ctrl-C or SIGTERM
stops both children (SIGTERM, a grace period, then SIGKILL) and exits 0. If either child dies on its
own, the other is stopped too and the exit status is 1: half a product (pages without reminders,
or reminders without pages) should not look healthy, and a process manager restarts the whole.
"""
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .config import _env_flag

ROOT = Path(__file__).resolve().parent.parent
GRACE = 30  # seconds a child gets after SIGTERM: more than gunicorn's graceful_timeout


def commands(env: dict) -> dict:
    """The children to run, by name: the web server and the reminder loop."""
    python = sys.executable
    if _env_flag("DEV"):
        web = [python, "-m", "flask", "--app", "server", "run", "--debug",
               "--host", env.get("HOST", "127.0.0.1"), "--port", env.get("PORT", "5000")]
    else:
        web = [python, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")]
    loop = [python, "-m", "flask", "--app", "server", "send-reminders", "--loop",
            "--interval", env.get("REMINDER_INTERVAL", "60")]
    return {"web server": web, "reminder loop": loop}


def metrics_dir(env: dict) -> str | None:
    """Prepare prometheus_client's multiprocess folder; return it when it is ours to remove at the end."""
    folder = env.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        # Counts left by a previous run would be added to this one's (their pids may even be reused).
        Path(folder).mkdir(parents=True, exist_ok=True)
        for stale in Path(folder).glob("*.db"):
            stale.unlink()
        return None
    if _env_flag("METRICS_ENABLED"):
        # Several processes count: without a shared folder each scrape would see one worker's share.
        env["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="kentta-metrics-")
        return env["PROMETHEUS_MULTIPROC_DIR"]
    return None


class Supervisor:
    def __init__(self, env: dict):
        self.env = env
        self.children: dict[str, subprocess.Popen] = {}
        self.stop_asked = False
        self._read, self._write = os.pipe()
        os.set_blocking(self._read, False)
        os.set_blocking(self._write, False)

    def run(self) -> int:
        """Start the children, wait for a signal or a death, stop the rest; return the exit status."""
        signal.set_wakeup_fd(self._write, warn_on_full_buffer=False)  # a signal ends the select below
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._asked_to_stop)
        signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler, so a child's death wakes us too
        for name, argv in commands(self.env).items():
            # Each child leads its own process group: a terminal's Ctrl-C reaches only us, so the
            # children stop in order, and stopping a group also stops the reloader's or gunicorn's own children.
            self.children[name] = subprocess.Popen(argv, cwd=ROOT, env=self.env, start_new_session=True)
        dead = None
        while not self.stop_asked and dead is None:
            dead = next((name for name, child in self.children.items() if child.poll() is not None), None)
            if dead is None and not self.stop_asked:
                if select.select([self._read], [], [], 1.0)[0]:
                    self._drain()
        if dead is not None:
            code = self.children[dead].returncode
            print(f"kentta: the {dead} exited (status {code}); stopping the rest.", file=sys.stderr, flush=True)
        self.stop_all()
        return 0 if dead is None else 1

    def stop_all(self) -> None:
        """SIGTERM every live child's process group, wait up to GRACE seconds, then SIGKILL."""
        for child in self.children.values():
            _signal_group(child, signal.SIGTERM)
        deadline = time.monotonic() + GRACE
        for child in self.children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(child, signal.SIGKILL)
                child.wait()
            _signal_group(child, signal.SIGKILL)  # a grandchild that outlived its parent (reloader)

    def _asked_to_stop(self, *_args) -> None:
        self.stop_asked = True

    def _drain(self) -> None:
        try:
            os.read(self._read, 512)
        except BlockingIOError:
            pass


def _signal_group(child: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(child.pid, signum)
    except (ProcessLookupError, PermissionError):
        pass  # already gone


def main() -> int:
    env = dict(os.environ)
    ours = metrics_dir(env)
    try:
        return Supervisor(env).run()
    finally:
        if ours:
            shutil.rmtree(ours, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
