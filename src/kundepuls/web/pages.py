"""Rendering of signed-in pages: one layout, the user's language, locale formats.

A domain's page route calls :func:`render` with its template (under
``web/templates/<domain>/``) and its own texts; the layout's texts are merged underneath,
so ``tx.nav_overview`` and ``tx.<page text>`` both work in the template. ``fmt`` formats
numbers, intervals and dates for the user's language (:class:`kundepuls.kit.i18n.Formats`).
"""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates

from kundepuls.accounts.schemas import Principal
from kundepuls.accounts.web import add_template_globals
from kundepuls.config import Settings
from kundepuls.kit.i18n import Formats, language_or_default
from kundepuls.web.texts import TEXTS

WEB = Path(__file__).parent
templates = Jinja2Templates(directory=WEB / "templates")
add_template_globals(templates)

router = APIRouter(include_in_schema=False)


def page_texts(lang: str, *domain_texts: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """The layout's texts for ``lang`` with each domain's texts on top."""
    lang = language_or_default(lang)
    merged = dict(TEXTS[lang])
    for texts in domain_texts:
        merged.update(texts[lang])
    return merged


def formats_for(request: Request, user: Principal) -> Formats:
    settings: Settings = request.app.state.settings
    return Formats(language_or_default(user.language), settings.tz)


def render(
    request: Request,
    name: str,
    user: Principal,
    *domain_texts: Mapping[str, Mapping[str, str]],
    active: str = "",
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A page in the signed-in layout, in ``user``'s language."""
    lang = language_or_default(user.language)
    context.update(
        user=user,
        lang=lang,
        tx=page_texts(lang, *domain_texts),
        fmt=formats_for(request, user),
        active=active,
    )
    return templates.TemplateResponse(request, name, context, status)


def _plotly_js() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


@router.get("/vendor/plotly.min.js")
def plotly_js() -> FileResponse:
    """Plotly.js from the installed plotly package: charts work without any CDN."""
    return FileResponse(
        _plotly_js(),
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )
