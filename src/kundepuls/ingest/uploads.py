"""Files uploaded on the data page, imported one at a time in a background thread.

The request only stores the upload and queues it; a single worker thread runs
:func:`kundepuls.ingest.service.import_file` in its own transaction and reports progress
here, where the page polls it. One worker, because the store takes one writer at a time
(SQLite) and an import is all or nothing anyway. Uploads live in their own temp directory:
the uploaded file is deleted as soon as its import ends, the rejects file (for download)
when the upload is forgotten, a day later.
"""

import csv
import logging
import re
import secrets
import shutil
import tempfile
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from kundepuls.db import session_scope
from kundepuls.ingest import repository
from kundepuls.ingest.columns import KINDS
from kundepuls.ingest.readers import FORMATS
from kundepuls.ingest.schemas import ImportReport
from kundepuls.ingest.service import import_file
from kundepuls.kit.errors import KundepulsError, UsageError

log = logging.getLogger(__name__)
KEEP = timedelta(days=1)
SHOWN_REJECTS = 200
_BLOCK = 1 << 20
_SAFE_NAME = re.compile(r"[^\w.\-]+")


class UploadTooLarge(UsageError):
    status_code = 413


@dataclass
class Reject:
    """One refused row: its number in the file, the field and the reason."""

    row: str
    field: str
    reason: str


@dataclass
class Upload:
    """One uploaded file and how its import is going."""

    id: str
    kind: str
    filename: str
    dry_run: bool
    user: str
    directory: Path
    state: str = "queued"  # queued, running, done, failed
    rows: int = 0
    fraction: float = 0.0
    size: int = 0
    report: ImportReport | None = None
    error: str | None = None
    created: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished: datetime | None = None

    @property
    def path(self) -> Path:
        return self.directory / self.filename

    @property
    def rejects_file(self) -> Path | None:
        found = self.report.rejects_path if self.report else None
        return found if found is not None and found.exists() else None

    @property
    def finished_ok(self) -> bool:
        return self.state == "done"

    def status(self) -> dict[str, Any]:
        """What the progress page polls."""
        report = self.report
        return {
            "id": self.id,
            "kind": self.kind,
            "file": self.filename,
            "dry_run": self.dry_run,
            "state": self.state,
            "rows": self.rows,
            "progress": 1.0 if self.state in ("done", "failed") else round(self.fraction, 3),
            "error": self.error,
            "result": None
            if report is None
            else report.model_dump(
                include={"rows", "inserted", "updated", "unchanged", "rejected", "duplicates"}
            ),
            "rejects_url": f"/data/imports/{self.id}/rejects.csv" if self.rejects_file else None,
        }


def safe_filename(name: str | None) -> str:
    """The uploaded file's own name reduced to a harmless one that keeps its ending."""
    base = Path((name or "").replace("\\", "/")).name
    cleaned = _SAFE_NAME.sub("_", base).strip("._") or "upload"
    return cleaned[-120:]


def check_upload(kind: str, filename: str) -> None:
    """A kind and a file ending kundepuls can import, before any byte is stored."""
    if kind not in KINDS:
        raise UsageError(f"kind: unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    suffix = Path(filename).suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(
            f"file: {filename} is not a file kundepuls can import (use {', '.join(FORMATS)})"
        )


class Uploads:
    """The uploads of this process and the one thread that imports them."""

    def __init__(self, engine: Engine, root: Path | None = None, max_bytes: int = 200 << 20):
        self.engine = engine
        base = root or Path(tempfile.gettempdir())
        base.mkdir(parents=True, exist_ok=True)
        self.root = Path(tempfile.mkdtemp(prefix="kundepuls-uploads-", dir=base))
        self.max_bytes = max_bytes
        self._uploads: dict[str, Upload] = {}
        self._lock = threading.Lock()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kundepuls-import")
        # The temp dir goes when the registry does, at the latest when the process exits.
        weakref.finalize(self, shutil.rmtree, str(self.root), True)

    def receive(
        self, kind: str, filename: str | None, stream: IO[bytes], user: str, dry_run: bool
    ) -> Upload:
        """Store an uploaded file (refusing one above the size limit) and queue its import."""
        self.sweep()
        name = safe_filename(filename)
        check_upload(kind, name)
        upload = Upload(secrets.token_urlsafe(12), kind, name, dry_run, user, self._new_dir())
        try:
            upload.size = self._copy(stream, upload.path)
        except BaseException:
            shutil.rmtree(upload.directory, ignore_errors=True)
            raise
        if upload.size == 0:
            shutil.rmtree(upload.directory, ignore_errors=True)
            raise UsageError(f"file: {name} is empty")
        with self._lock:
            self._uploads[upload.id] = upload
        self._worker.submit(self._run, upload)
        return upload

    def get(self, upload_id: str) -> Upload | None:
        with self._lock:
            return self._uploads.get(upload_id)

    def recent(self) -> list[Upload]:
        """Uploads of the last day, newest first."""
        with self._lock:
            uploads = list(self._uploads.values())
        return sorted(uploads, key=lambda u: u.created, reverse=True)

    def sweep(self, now: datetime | None = None) -> None:
        """Forget finished uploads older than a day and delete their files."""
        limit = (now or datetime.now(UTC)) - KEEP
        with self._lock:
            old = [
                u for u in self._uploads.values() if u.finished is not None and u.finished < limit
            ]
            for upload in old:
                del self._uploads[upload.id]
        for upload in old:
            shutil.rmtree(upload.directory, ignore_errors=True)

    def close(self) -> None:
        """Wait for the running import, then remove every upload's files."""
        self._worker.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self.root, ignore_errors=True)

    def _new_dir(self) -> Path:
        return Path(tempfile.mkdtemp(dir=self.root))

    def _copy(self, stream: IO[bytes], target: Path) -> int:
        size = 0
        with target.open("wb") as out:
            while block := stream.read(_BLOCK):
                size += len(block)
                if size > self.max_bytes:
                    raise UploadTooLarge(
                        f"file: larger than the limit of {self.max_bytes // (1 << 20)} MB "
                        "(KUNDEPULS_UPLOAD_MAX_MB)"
                    )
                out.write(block)
        return size

    def _run(self, upload: Upload) -> None:
        upload.state = "running"
        try:
            upload.report = run_import(self.engine, upload, _progress(upload))
            upload.rows = upload.report.rows
            upload.state = "done"
        except KundepulsError as error:
            upload.error = str(error).replace(str(upload.path), upload.filename)
            upload.state = "failed"
        except SQLAlchemyError as error:
            reason = str(getattr(error, "orig", None) or error).splitlines()[0]
            upload.error = f"{upload.filename}: the store refused the import: {reason}"
            upload.state = "failed"
        except Exception as error:  # the thread must report, never die silently
            log.exception("import of upload %s failed", upload.id)
            upload.error = f"{upload.filename}: the import failed ({type(error).__name__})"
            upload.state = "failed"
        finally:
            upload.finished = datetime.now(UTC)
            upload.path.unlink(missing_ok=True)


def _progress(upload: Upload) -> Callable[[int, float], None]:
    def report(rows: int, fraction: float) -> None:
        upload.rows = rows
        upload.fraction = min(max(fraction, 0.0), 0.99)

    return report


def run_import(
    engine: Engine, upload: Upload, progress: Callable[[int, float], None] | None = None
) -> ImportReport:
    """Import the uploaded file in its own transaction; the batch is labelled as an upload."""
    with session_scope(engine) as session:
        report = import_file(
            session, upload.kind, upload.path, dry_run=upload.dry_run, progress=progress
        )
        if report.batch_id is not None:
            repository.label_batch(
                session, report.batch_id, f"{upload.filename} (upload)", upload.user
            )
    return report


def read_rejects(path: Path, limit: int = SHOWN_REJECTS) -> list[Reject]:
    """The first ``limit`` problems of a rejects file, one per row and field."""
    found: list[Reject] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        sample = handle.readline()
        handle.seek(0)
        delimiter = max(",;\t", key=sample.count)
        for line in csv.DictReader(handle, delimiter=delimiter):
            found.extend(split_reason(line.get("reason") or ""))
            if len(found) >= limit:
                break
    return found[:limit]


def split_reason(reason: str) -> list[Reject]:
    """``row 3: amount: not a number; ordered_at: missing`` as one reject per field."""
    match = re.match(r"row (\d+): (.*)", reason, re.S)
    row, rest = (match.group(1), match.group(2)) if match else ("", reason)
    rejects = []
    for part in rest.split("; "):
        name, sep, why = part.partition(": ")
        if sep and re.fullmatch(r"[\w .\-]{1,60}", name):
            rejects.append(Reject(row, name.removeprefix("field ").strip(), why))
        else:
            rejects.append(Reject(row, "", part))
    return rejects
