"""Print jobs: idempotent by job id, queued while the printer cannot print, kept on disk.

The POS gives every print a job id. Sending the same id again (a retry after a timeout, a
double click) returns the first job instead of printing twice, also after a proxy restart:
the journal is saved in ``state_dir/jobs.json``. Queued jobs keep their bytes until printed.
"""

import base64
import json
import logging
import os
import threading
import time
from dataclasses import asdict, dataclass

_logger = logging.getLogger(__name__)

QUEUED, PRINTING, PRINTED, FAILED, EXPIRED = "queued", "printing", "printed", "failed", "expired"
FINAL_STATES = (PRINTED, FAILED, EXPIRED)
MAX_JOB_ID = 128


@dataclass
class Job:
    id: str
    printer: str
    state: str
    created: float
    updated: float
    data: bytes = None
    blocked_by: str = None

    def as_dict(self, duplicate=False):
        """The job as the API shows it (never its bytes)."""
        return {
            "job_id": self.id,
            "printer": self.printer,
            "state": self.state,
            "printer_status": self.blocked_by,
            "created": self.created,
            "updated": self.updated,
            "duplicate": duplicate,
        }


def valid_job_id(job_id):
    return (
        isinstance(job_id, str)
        and 0 < len(job_id) <= MAX_JOB_ID
        and job_id.isprintable()
        and job_id.strip() == job_id
    )


class JobStore:
    def __init__(self, path, expiry=3600.0, keep=500):
        self.path = path
        self.expiry = expiry
        self.keep = keep
        self._jobs = {}
        self._cond = threading.Condition()
        self._load()

    # -- public API ------------------------------------------------------------------------
    def submit(self, job_id, printer, render):
        """Return ``(job, duplicate)``; ``render()`` gives the bytes of a new job."""
        with self._cond:
            job = self._jobs.get(job_id)
            if job:
                return job, True
            now = time.time()
            job = Job(job_id, printer, QUEUED, now, now, data=render())
            self._jobs[job_id] = job
            self._save()
            return job, False

    def get(self, job_id):
        with self._cond:
            return self._jobs.get(job_id)

    def next_queued(self, printer):
        """The oldest job waiting for ``printer`` (expiring the ones too old to print)."""
        with self._cond:
            for job in sorted(self._jobs.values(), key=lambda job: job.created):
                if job.printer != printer or job.state != QUEUED:
                    continue
                if time.time() - job.created > self.expiry:
                    _logger.warning("job %s waited more than %ss: not printed", job.id, self.expiry)
                    self._set(job, EXPIRED)
                    continue
                return job
            return None

    def pending_count(self, printer):
        with self._cond:
            return sum(1 for j in self._jobs.values() if j.printer == printer and j.state == QUEUED)

    def mark(self, job, state, blocked_by=None):
        with self._cond:
            self._set(job, state, blocked_by)

    def block_queued(self, printer, status):
        """The printer cannot print (``status``): say so on every job waiting for it."""
        with self._cond:
            for job in self._jobs.values():
                if job.printer == printer and job.state == QUEUED:
                    job.blocked_by = status
            self._save()
            self._cond.notify_all()

    def wait_settled(self, job, timeout):
        """Wait until ``job`` is final or blocked by the printer's status; return it as a dict."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while job.state not in FINAL_STATES and not job.blocked_by:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            return job.as_dict()

    # -- private -----------------------------------------------------------------------------
    def _set(self, job, state, blocked_by=None):
        job.state, job.blocked_by, job.updated = state, blocked_by, time.time()
        if state in FINAL_STATES:
            job.data = None
        self._save()
        self._cond.notify_all()

    def _load(self):
        try:
            with open(self.path, encoding="utf-8") as handle:
                saved = json.load(handle)
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            _logger.error("cannot read the job journal %s (%s): starting empty", self.path, exc)
            return
        for item in saved:
            try:
                data = item.pop("data", None)
                job = Job(**item, data=base64.b64decode(data) if data else None)
            except (TypeError, ValueError) as exc:
                _logger.error("skipping a damaged entry of the job journal: %s", exc)
                continue
            if job.state == PRINTING:
                # The proxy stopped while sending it: it may have printed. Never print twice.
                job.state, job.blocked_by = FAILED, "interrupted"
            self._jobs[job.id] = job

    def _save(self):
        self._forget_old()
        rows = []
        for job in self._jobs.values():
            row = asdict(job)
            row["data"] = base64.b64encode(job.data).decode() if job.data else None
            rows.append(row)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(rows, handle)
        os.replace(temporary, self.path)

    def _forget_old(self):
        finished = [job for job in self._jobs.values() if job.state in FINAL_STATES]
        if len(finished) <= self.keep:
            return
        finished.sort(key=lambda job: job.updated)
        for job in finished[: len(finished) - self.keep]:
            del self._jobs[job.id]
