"""Database plumbing below the models: per-connection settings and SQLite's background checkpoints."""
from .events import install

__all__ = ["install"]
