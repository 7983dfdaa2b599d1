"""The web application: public survey pages, the dashboard and the REST API in one app."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from kundepuls import __version__
from kundepuls.accounts import web as accounts_web
from kundepuls.accounts.endpoints import router as accounts_router
from kundepuls.actions.endpoints import router as actions_router
from kundepuls.actions.pages import router as actions_pages
from kundepuls.alerts.endpoints import router as alerts_router
from kundepuls.alerts.pages import router as alerts_pages
from kundepuls.benchmarks.endpoints import router as benchmarks_router
from kundepuls.benchmarks.pages import router as benchmarks_pages
from kundepuls.cases.endpoints import router as cases_router
from kundepuls.cases.pages import router as cases_pages
from kundepuls.config import Settings, get_settings
from kundepuls.dashboard.live import router as live_router
from kundepuls.dashboard.pages import router as dashboard_router
from kundepuls.db import engine_for
from kundepuls.facts.endpoints import router as facts_router
from kundepuls.ingest.pages import router as ingest_pages_router
from kundepuls.insights.endpoints import router as insights_router
from kundepuls.insights.pages import router as insights_pages
from kundepuls.kit.errors import KundepulsError
from kundepuls.kpis.endpoints import router as kpis_router
from kundepuls.kpis.pages import router as kpis_pages_router
from kundepuls.predict.endpoints import router as predict_router
from kundepuls.predict.pages import router as predict_pages
from kundepuls.quality.endpoints import router as quality_router
from kundepuls.reports.endpoints import router as reports_router
from kundepuls.surveys.admin import router as surveys_admin_router
from kundepuls.surveys.endpoints import router as surveys_router
from kundepuls.text.pages import router as text_pages_router
from kundepuls.web.pages import WEB, templates
from kundepuls.web.pages import router as pages_router


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; the engine for ``settings.database_url`` lives on ``app.state``."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.engine = engine_for(settings.database_url)
        yield

    app = FastAPI(
        title="kundepuls",
        version=__version__,
        description="Customer-experience KPIs with honest intervals.",
        lifespan=lifespan,
    )
    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")
    app.include_router(surveys_router)
    app.include_router(accounts_router)
    accounts_web.install(app, templates)
    app.include_router(predict_router)
    app.include_router(kpis_router)
    app.include_router(insights_router)

    @app.exception_handler(KundepulsError)
    async def _user_error(request: Request, error: KundepulsError) -> Response:
        if accounts_web.wants_page(request):
            return accounts_web.problem_page(request, error.status_code, str(error))
        return JSONResponse({"detail": str(error)}, status_code=error.status_code)

    app.include_router(pages_router)
    app.include_router(kpis_pages_router)
    app.include_router(facts_router)
    app.include_router(ingest_pages_router)
    app.include_router(text_pages_router)
    app.include_router(surveys_admin_router)
    app.include_router(actions_router)
    app.include_router(cases_router)
    app.include_router(alerts_router)
    app.include_router(benchmarks_router)
    app.include_router(quality_router)
    app.include_router(reports_router)
    app.include_router(insights_pages)
    app.include_router(benchmarks_pages)
    app.include_router(alerts_pages)
    app.include_router(cases_pages)
    app.include_router(dashboard_router)
    app.include_router(actions_pages)
    app.include_router(live_router)
    app.include_router(predict_pages)

    @app.get("/health", tags=["system"])
    def health() -> dict[str, str]:
        """Liveness check."""
        return {"status": "ok", "version": __version__}

    return app
