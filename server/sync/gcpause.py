"""Hold off Python's cycle collector while a push runs.

A 500-op push keeps ~15 container objects per op alive until it ends (records, stamps, results,
ledger rows). Every one of them survives the young collections, is promoted, and later costs a
walk in a full collection: measured, that was a fifth of a push's time. They are freed by
reference counting when the push ends, so pausing the collector for one push loses nothing;
cycles made meanwhile are collected after. Threads may push at once: the collector comes back
when the last of them ends, and never if someone else had switched it off.
"""
import gc
import threading
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_resume = False


@contextmanager
def paused():
    """Run the body without cyclic garbage collection (reference counting still frees)."""
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _resume:
                gc.enable()
