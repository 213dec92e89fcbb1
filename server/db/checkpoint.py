"""Checkpoint SQLite's write-ahead log in a background thread instead of inside a request.

In WAL mode a commit appends the changed pages to the log; now and then the pages must be copied
back into the database file (a checkpoint). By default the commit that pushes the log past 1000
pages does that copy itself, so every second sync push paid for it: measured, checkpoints were
two thirds of a push's commit time. Here commits only wake a checkpointer thread, which copies
the log back while the next request is being worked on (SQLite runs it outside Python's GIL).

The thread checkpoints PASSIVE (it never waits for or blocks a reader or writer), INTERVAL
seconds after a commit, on a connection of its own that is closed after each run, and it ends
after IDLE seconds without commits (the next commit starts a new one). The interval is short on
purpose: the log starts again from its beginning (rewriting a file in place is much cheaper than
growing it) only once a checkpoint has copied all of it, so under a steady stream of pushes,
copied back in longer batches, it never did, and pushes stalled now and then on BACKSTOP. If
the thread falls behind anyway, the log reaching BACKSTOP pages makes a commit checkpoint as
before, so the log stays bounded.
It only works while the app has the database open: once the engine's last connection is closed
(engine.dispose(), before a database file is removed) it waits for a running checkpoint and then
leaves the file alone, so it never races whoever deletes the file.
"""
import logging
import signal
import sqlite3
import threading
import time

INTERVAL = 0.01
IDLE = 30.0
BACKSTOP = 10000  # pages (40 MB at 4 KiB): wal_autocheckpoint of every connection

log = logging.getLogger(__name__)


class Checkpointer:
    def __init__(self, path: str):
        self.path = path
        self.wake = threading.Event()
        self.lock = threading.Lock()
        self.thread = None
        self.runs = 0  # checkpoints done, for tests and diagnostics
        self.connections = 0  # the engine's open connections (pool events)
        self.running = threading.Lock()  # held while a checkpoint has the file open

    def opened(self) -> None:
        with self.lock:
            self.connections += 1

    def closed(self) -> None:
        with self.lock:
            self.connections = max(0, self.connections - 1)
            last = self.connections == 0
        if last:
            with self.running:  # wait for a checkpoint in progress; later ones see no connections
                pass

    def poke(self) -> None:
        """Called after a commit: make sure a checkpoint follows soon."""
        self.wake.set()
        if self.thread is None or not self.thread.is_alive():
            with self.lock:
                if self.thread is None or not self.thread.is_alive():
                    self.thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)
                    self.thread.start()

    def _run(self) -> None:
        _leave_signals_to_the_main_thread()
        while self.wake.wait(IDLE):
            time.sleep(INTERVAL)  # the poking commit is done by then; later ones are copied back together
            self.wake.clear()
            self.checkpoint()

    def checkpoint(self) -> None:
        with self.running:
            if self.connections:
                self._checkpoint()

    def _checkpoint(self) -> None:
        try:
            # mode=rw: never create a database file that has been removed meanwhile
            conn = sqlite3.connect(f"file:{self.path}?mode=rw", uri=True, timeout=0)
            try:
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                self.runs += 1
            finally:
                conn.close()
        except sqlite3.Error as err:  # a busy or vanished file: the next commit pokes again
            log.debug("background checkpoint of %s skipped: %s", self.path, err)


# Signals a server or a command's loop asks for (stop, reload, ...), not faults of this thread.
_ASYNC_SIGNALS = {getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2",
                                                      "SIGALRM", "SIGCHLD", "SIGWINCH") if hasattr(signal, name)}


def _leave_signals_to_the_main_thread() -> None:
    """Block the process's signals in this thread: the kernel may deliver a signal to any thread
    that does not block it, and when this one took it, the main thread's wait (send-reminders
    --loop sleeping in select, a server waiting for requests) was not interrupted, so a SIGTERM
    went unanswered until that wait ended by itself."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, _ASYNC_SIGNALS)
