"""Run an uploaded import job: plan it, import it in one transaction, and keep its progress readable.

Where the progress lives while the import runs: the import holds one open write transaction until
its end (nothing half-imported). On SQLite that transaction holds the database's only write lock,
so a progress write from another connection would wait for it (busy_timeout) and the bar would
never move. So the progress is kept in this process's memory (`_progress`, keyed by job id), which
works on both databases; on PostgreSQL, whose row locks do not collide here, it is also written to
the job row through its own short connection, so another worker process can show it too. The job
row gets its final status, counts and result in a short transaction after the import has finished,
and loses the file's bytes and sample rows (see _finish).

A job runs once: `claim` moves it from "uploaded" to "running" in one UPDATE, so two clicks (or two
workers) cannot both start it.
"""
import logging
import threading
from datetime import datetime, timezone

from sqlalchemy import update

from ..extensions import db
from ..imports.plan import plan
from ..imports.read import read_table
from ..imports.run import run
from ..models import ImportJob, User
from ..permissions import Actor

log = logging.getLogger(__name__)
INVALID_SHOWN = 500  # invalid rows kept in a job's result (the counts say how many there were)
_progress: dict[str, tuple[int, int]] = {}  # job id -> (done, total) while it runs in this process
_lock = threading.Lock()


def mapping_of(job: ImportJob) -> dict[int, str]:
    """The job's saved column mapping with column numbers as ints (JSON keys are strings)."""
    return {int(col): field for col, field in (job.options.get("mapping") or {}).items()}


def plan_of(job: ImportJob):
    """The job's file read and planned with its saved mapping and duplicates mode."""
    table = read_table(job.filename, job.data)
    return table, plan(table, mapping_of(job), duplicates=job.options.get("duplicates", "skip"))


def claim(job_id: str, user_id: str) -> bool:
    """Mark an uploaded job running for `user_id`; False when it was started already."""
    job = db.session.get(ImportJob, job_id)
    options = dict(job.options, run_by=user_id)
    claimed = db.session.execute(update(ImportJob).where(ImportJob.id == job_id, ImportJob.status == "uploaded")
                                 .values(status="running", done=0, options=options)).rowcount == 1
    db.session.commit()
    if claimed:
        with _lock:
            _progress[job_id] = (0, 0)
    return claimed


def start(app, job_id: str) -> threading.Thread:
    """Run a claimed job in a background thread with its own app context (and so its own session)."""
    def work():
        with app.app_context():
            try:
                execute(job_id)
            finally:
                db.session.remove()
    thread = threading.Thread(target=work, name=f"import-{job_id}", daemon=True)
    thread.start()
    return thread


def execute(job_id: str) -> None:
    """Import a claimed job and record how it ended (the thread's body; tests call it directly)."""
    job = db.session.get(ImportJob, job_id)
    try:
        user = db.session.get(User, job.options["run_by"])
        _, the_plan = plan_of(job)
        _note(job_id, 0, len(the_plan.rows))
        counts = run(the_plan, Actor(id=user.id, role=user.role), progress=lambda done, total: _note(job_id, done, total),
                     **_run_options(job))
    except Exception as err:  # noqa: BLE001  (any failure: the import rolled back; say so on the job)
        db.session.rollback()
        log.exception("import job %s failed", job_id)
        _finish(job_id, "failed", error=str(err)[:500] or type(err).__name__)
    else:
        _finish(job_id, "done", result=summary(the_plan, counts))
    finally:
        with _lock:
            _progress.pop(job_id, None)


def _run_options(job: ImportJob) -> dict:
    return {"job_id": job.id, "filename": job.filename}


def summary(the_plan, counts: dict) -> dict:
    """What the job page shows afterwards: the counts and the invalid rows with line and reason."""
    invalid = [{"line": row.line, "reason": row.reason, "problems": row.problems}
               for row in the_plan.rows if row.action == "invalid"]
    return {"counts": {key: int(counts.get(key, 0)) for key in ("created", "updated", "skipped", "invalid")},
            "invalid": invalid[:INVALID_SHOWN]}


def _note(job_id: str, done: int, total: int) -> None:
    with _lock:
        _progress[job_id] = (done, total)
    if db.engine.dialect.name == "postgresql":  # see the module's docstring: SQLite would wait here
        with db.engine.begin() as conn:
            conn.execute(update(ImportJob).where(ImportJob.id == job_id).values(done=done, total=total))


def _finish(job_id: str, status: str, result: dict | None = None, error: str | None = None) -> None:
    done, total = _progress.get(job_id, (0, 0))
    job = db.session.get(ImportJob, job_id)
    job.status, job.result, job.error = status, result, error
    job.done, job.total = (total, total) if status == "done" else (done, total)
    job.finished_at = datetime.now(timezone.utc).replace(tzinfo=None)
    # A job runs once, so its file is not needed again; kept, it would hold people's data past a GDPR
    # erasure. The counts and the invalid rows' reasons stay for the summary.
    job.data, job.options = b"", dict(job.options, sample=[])
    db.session.commit()


def status_of(job: ImportJob) -> dict:
    """{status, done, total, result}: this process's live progress while it runs here, else the row's."""
    with _lock:
        live = _progress.get(job.id)
    done, total = live if live and job.status == "running" else (job.done, job.total)
    return {"status": job.status, "done": done, "total": total, "result": job.result, "error": job.error}
