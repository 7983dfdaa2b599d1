"""The shareable link, its QR code and the embeddable widget of a survey."""

import io
from datetime import datetime
from html import escape

import qrcode
import qrcode.image.svg
from sqlalchemy.orm import Session

from kundepuls.config import Settings
from kundepuls.kit.errors import NotFoundError
from kundepuls.surveys import repository
from kundepuls.surveys.distribution import invite
from kundepuls.surveys.models import Survey
from kundepuls.surveys.schemas import SurveyOut
from kundepuls.surveys.service import definition_of
from kundepuls.surveys.triggers import describe

CHANNELS = ("link", "qr", "widget")


def share_link(survey: Survey, settings: Settings, via: str = "link") -> str:
    base = settings.base_url.rstrip("/")
    return f"{base}/l/{survey.link_key}" + ("" if via == "link" else f"?via={via}")


def embed_snippet(survey: Survey, settings: Settings) -> str:
    """The HTML a site owner pastes: an iframe, or the script that adds one."""
    src = escape(share_link(survey, settings, "widget"))
    script = escape(settings.base_url.rstrip("/") + "/static/surveys/widget.js")
    return (
        f'<iframe src="{src}" title="Survey" style="width:100%;max-width:560px;height:540px;'
        f'border:0" loading="lazy"></iframe>\n'
        f'<!-- or -->\n<script src="{script}" data-kundepuls-survey="{src}" async></script>'
    )


def qr_svg(url: str) -> str:
    """An SVG QR code for ``url`` (error correction M, for print)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(url)
    image = code.make_image(image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode("utf-8")


def open_shared(
    session: Session, link_key: str, via: str, settings: Settings, now: datetime
) -> str:
    """A fresh anonymous invitation for a visit of the shared link; returns its token."""
    survey = repository.survey_by_link(session, link_key)
    if survey is None:
        raise NotFoundError("no survey at this link")
    channel = via if via in CHANNELS else "link"
    made = invite(session, survey, None, settings=settings, now=now, channel=channel)
    assert made.token is not None
    return made.token


def survey_out(survey: Survey, settings: Settings) -> SurveyOut:
    definition = definition_of(survey)
    return SurveyOut(
        key=survey.key,
        version=survey.version,
        title=definition.title_in(definition.default_language),
        touchpoint=definition.touchpoint,
        anonymous=definition.anonymous,
        sent=describe(definition),
        link=share_link(survey, settings),
        qr_code=share_link(survey, settings) + "/qr.svg",
        embed=embed_snippet(survey, settings),
        created_at=survey.created_at,
        definition=survey.definition,
    )
