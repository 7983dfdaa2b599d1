"""The data page: what is in the store, the import history, and imports of uploaded files.

An upload is stored and queued by the request and imported by one background thread
(:mod:`kundepuls.ingest.uploads`); its page polls ``/data/imports/{id}`` (JSON when asked
for it) until the import is done, then shows the counts and the rejected rows.
"""

import threading
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from kundepuls.accounts.schemas import Principal
from kundepuls.accounts.web import Forbidden
from kundepuls.deps import Permission, SessionDep, ViewerUser, require
from kundepuls.facts import service as facts
from kundepuls.ingest import texts
from kundepuls.ingest.columns import KINDS, spec_for
from kundepuls.ingest.readers import FORMATS
from kundepuls.ingest.uploads import SHOWN_REJECTS, Upload, Uploads, UploadTooLarge, read_rejects
from kundepuls.kit.errors import NotFoundError, UsageError
from kundepuls.kit.i18n import language_or_default
from kundepuls.quality import service as quality
from kundepuls.web.export import check_format, table_response
from kundepuls.web.pages import render

router = APIRouter(include_in_schema=False)
Importer = Annotated[Principal, Depends(require(Permission.IMPORT))]
# Room for the multipart envelope and the form's other fields around the file itself.
_ENVELOPE = 1 << 16
HISTORY_ROWS = 1000
_MAKING = threading.Lock()


def uploads_of(request: Request) -> Uploads:
    """The app's upload registry and import thread, made on first use."""
    found: Uploads | None = getattr(request.app.state, "uploads", None)
    if found is None:
        with _MAKING:  # sync routes run in threads: two first requests make one registry
            found = getattr(request.app.state, "uploads", None)
            if found is None:
                settings = request.app.state.settings
                found = request.app.state.uploads = Uploads(
                    request.app.state.engine, settings.upload_dir, settings.upload_max_mb << 20
                )
    return found


async def _upload_guard(request: Request) -> AsyncIterator[None]:
    """Refuse a too large upload by its Content-Length before its body is read, and close
    the parsed form (its spooled file) however the request ends, a refusal included."""
    limit = uploads_of(request).max_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + _ENVELOPE:
        raise UploadTooLarge(
            f"file: larger than the limit of {limit >> 20} MB (KUNDEPULS_UPLOAD_MAX_MB)"
        )
    try:
        yield
    finally:
        # Starlette keeps the form it parsed (for the CSRF check) on the request.
        form: FormData | None = getattr(request, "_form", None)
        if form is not None:
            await form.close()


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _data_page(
    request: Request,
    user: Principal,
    session: Any,
    *,
    error: str | None = None,
    chosen: str = "",
    status: int = 200,
) -> HTMLResponse:
    registry = uploads_of(request)
    lang = language_or_default(user.language)
    mine = [u for u in registry.recent() if u.user == user.email][:10]
    return render(
        request,
        "ingest/data.html",
        user,
        texts.TEXTS,
        active="data",
        status=status,
        summary=facts.store_summary(session),
        findings=quality.report(session, request.app.state.settings),
        kinds=texts.KINDS[lang],
        statuses=texts.STATUSES[lang],
        can_import=user.can(Permission.IMPORT),
        can_export=user.can(Permission.EXPORT),
        formats=", ".join(FORMATS),
        accept=",".join(FORMATS),
        max_mb=registry.max_bytes >> 20,
        uploads=mine,
        columns=[
            (
                kind,
                spec_for(kind).required,
                [f.name for f in spec_for(kind).fields if not f.required],
            )
            for kind in KINDS
        ],
        error=error,
        chosen=chosen,
    )


@router.get("/data", response_class=HTMLResponse)
def data_page(request: Request, user: ViewerUser, session: SessionDep) -> Response:
    """What is in the store, its data-quality warnings, the latest imports and (for
    importers) the upload form; ``?format=csv|xlsx`` downloads the import history."""
    export = check_format(request.query_params.get("format"))
    if export:
        if not user.can(Permission.EXPORT):
            raise Forbidden(f"your role may not do this ({Permission.EXPORT.value})")
        return _history_download(session, user, export)
    return _data_page(request, user, session)


def _history_download(session: Any, user: Principal, export: str) -> Response:
    lang = language_or_default(user.language)
    tx, kinds, statuses = texts.TEXTS[lang], texts.KINDS[lang], texts.STATUSES[lang]
    labels = [tx["col_kind"], tx["col_file"], tx["col_status"], tx["col_inserted"]]
    labels += [tx["col_updated"], tx["col_rejected"], tx["col_started"], tx["col_by"]]
    rows = [
        [
            kinds.get(b.kind, b.kind),
            b.file,
            statuses.get(b.status, b.status),
            b.inserted,
            b.updated,
            b.rejected,
            b.started_at,
            b.started_by,
        ]
        for b in facts.store_summary(session, imports=HISTORY_ROWS).imports
    ]
    return table_response(rows, labels, export, "importer", lang)


@router.post("/data/imports", dependencies=[Depends(_upload_guard)])
async def upload(request: Request, user: Importer, session: SessionDep) -> Response:
    """Store an uploaded file and queue its import; the page of the import follows."""
    form = await request.form()
    kind = str(form.get("kind") or "")
    file = form.get("file")
    try:
        if kind not in KINDS:
            raise UsageError(f"kind: choose one of {', '.join(KINDS)}")
        if not isinstance(file, UploadFile) or not file.filename:
            raise UsageError("file: choose a file to import")
        made = await run_in_threadpool(
            uploads_of(request).receive,
            kind,
            file.filename,
            file.file,
            user.email,
            form.get("dry_run") in ("1", "on", "true"),
        )
    except UsageError as problem:
        if _wants_json(request):
            return JSONResponse({"detail": str(problem)}, problem.status_code)
        return _data_page(
            request, user, session, error=str(problem), chosen=kind, status=problem.status_code
        )
    target = f"/data/imports/{made.id}"
    if _wants_json(request):
        return JSONResponse({"id": made.id, "url": target, **made.status()}, 202)
    return RedirectResponse(target, 303)


def _upload(request: Request, upload_id: str) -> Upload:
    found = uploads_of(request).get(upload_id)
    if found is None:
        raise NotFoundError("no such upload")
    return found


@router.get("/data/imports/{upload_id}")
def import_page(request: Request, upload_id: str, user: Importer) -> Response:
    """How an import is going (JSON for the page's script), and its result when done."""
    lang = language_or_default(user.language)
    found = uploads_of(request).get(upload_id)
    if _wants_json(request) or request.query_params.get("format") == "json":
        if found is None:
            return JSONResponse({"detail": "no such upload"}, 404)
        return JSONResponse(found.status())
    rejects = read_rejects(found.rejects_file) if found and found.rejects_file else []
    return render(
        request,
        "ingest/import.html",
        user,
        texts.TEXTS,
        active="data",
        status=200 if found else 404,
        upload=found,
        kinds=texts.KINDS[lang],
        rejects=rejects,
        shown_rejects=SHOWN_REJECTS,
    )


@router.get("/data/imports/{upload_id}/rejects.csv")
def rejects_file(request: Request, upload_id: str, _user: Importer) -> FileResponse:
    """The rejected rows of an import with their reasons, as the CSV file the CLI writes."""
    found = _upload(request, upload_id)
    path = found.rejects_file
    if path is None:
        raise NotFoundError("this import rejected no rows")
    name = found.filename + ".rejects.csv"
    return FileResponse(path, media_type="text/csv; charset=utf-8", filename=name)
