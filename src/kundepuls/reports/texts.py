"""Every user-facing text of the reports, in Bokmål (default) and English."""
# ruff: noqa: E501 (a table of sentences reads better with one sentence per line)

from __future__ import annotations

from typing import Any

LANGUAGES = ("nb", "en")

TEXTS: dict[str, dict[str, str]] = {
    "title": {"nb": "Kundeopplevelsen", "en": "Customer experience"},
    "report_for": {"nb": "Kundeopplevelsen – rapport", "en": "Customer experience report"},
    "made": {"nb": "Laget {date} av kundepuls", "en": "Made on {date} by kundepuls"},
    "so_far": {"nb": "perioden er ikke over: tall til og med {date}",
               "en": "the period is not over: figures up to {date}"},
    "headline": {"nb": "Nøkkeltall", "en": "Key figures"},
    "kpi": {"nb": "Nøkkeltall", "en": "KPI"},
    "value": {"nb": "Verdi", "en": "Value"},
    "interval": {"nb": "95 %-intervall", "en": "95 % interval"},
    "n": {"nb": "n", "en": "n"},
    "target": {"nb": "Mål", "en": "Target"},
    "status": {"nb": "Mot mål", "en": "Vs target"},
    "change": {"nb": "Endring fra {period}", "en": "Change from {period}"},
    "on_track": {"nb": "i rute", "en": "on track"},
    "off_track": {"nb": "ikke i rute", "en": "off track"},
    "uncertain": {"nb": "usikkert", "en": "uncertain"},
    "no_data": {"nb": "–", "en": "–"},
    "significant": {"nb": "sikker endring", "en": "significant"},
    "not_significant": {"nb": "innenfor tilfeldig variasjon", "en": "within noise"},
    "trends": {"nb": "Utvikling", "en": "Trends"},
    "trends_note": {
        "nb": "Per {grain} med 95 %-intervall (blått bånd); stiplet linje er målet; grå punkter er særlig usikre (lite utvalg).",
        "en": "Per {grain} with 95 % interval (blue band); the dashed line is the target; grey points have a small sample.",
    },
    "grain_month": {"nb": "måned", "en": "month"},
    "grain_week": {"nb": "uke", "en": "week"},
    "findings": {"nb": "Viktigste funn", "en": "Top findings"},
    "no_findings": {
        "nb": "Ingen region eller kanal endret seg sikkert fra forrige periode.",
        "en": "No region or channel changed significantly from the previous period.",
    },
    "segment_change": {
        "nb": "{kpi} i {segment} ({dimension}): {value} mot {previous} i {period_before} ({diff}, 95 %: {low} til {high}; q = {q}).",
        "en": "{kpi} in {segment} ({dimension}): {value} against {previous} in {period_before} ({diff}, 95 %: {low} to {high}; q = {q}).",
    },
    "kpi_change": {
        "nb": "{kpi} {direction} fra {previous} i {period_before} til {value} ({diff}, 95 %: {low} til {high}).",
        "en": "{kpi} {direction} from {previous} in {period_before} to {value} ({diff}, 95 %: {low} to {high}).",
    },
    "rose": {"nb": "steg", "en": "rose"},
    "fell": {"nb": "falt", "en": "fell"},
    "dim_region": {"nb": "region", "en": "region"},
    "dim_channel": {"nb": "kanal", "en": "channel"},
    "weekend": {
        "nb": "Første svar tar {ratio} ganger så lang tid i helgen som på hverdager ({weekend} mot {weekday} timer; 95 %: {low}–{high}; n = {n_weekend} og {n_weekday} saker).",
        "en": "First responses take {ratio} times as long at weekends as on weekdays ({weekend} against {weekday} hours; 95 %: {low}–{high}; n = {n_weekend} and {n_weekday} tickets).",
    },
    "weekend_same": {
        "nb": "Første svar i helgen: ingen sikker forskjell fra hverdager (forhold {ratio}; 95 %: {low}–{high}; n = {n_weekend} og {n_weekday} saker).",
        "en": "First responses at weekends: no clear difference from weekdays (ratio {ratio}; 95 %: {low}–{high}; n = {n_weekend} and {n_weekday} tickets).",
    },
    "themes": {"nb": "Hva kundene skriver om", "en": "What customers write about"},
    "themes_note": {
        "nb": "{comments} kommentarer i perioden. Andel negativ med 95 %-intervall.",
        "en": "{comments} comments in the period. Share negative with 95 % interval.",
    },
    "no_comments": {"nb": "Ingen analyserte kommentarer i perioden.",
                    "en": "No analysed comments in the period."},
    "theme": {"nb": "Tema", "en": "Theme"},
    "mentions": {"nb": "Omtaler", "en": "Mentions"},
    "negative": {"nb": "Negativ", "en": "Negative"},
    "positive": {"nb": "Positiv", "en": "Positive"},
    "fix_first": {"nb": "Hva bør fikses først", "en": "What to fix first"},
    "fix_note": {
        "nb": "Temaene med flest negative omtaler (antall omtaler × andel negative).",
        "en": "The themes with the most negative mentions (mentions × share negative).",
    },
    "fix_line": {
        "nb": "{theme}: {negative} negative av {mentions} omtaler ({share}).",
        "en": "{theme}: {negative} negative of {mentions} mentions ({share}).",
    },
    "nothing_to_fix": {"nb": "Ingen tema har negative omtaler i perioden.",
                       "en": "No theme has negative mentions in the period."},
    "low_sample": {"nb": "lite utvalg", "en": "small sample"},
    "low_sample_note": {
        "nb": "† Lite utvalg (n under {min}): tallet er usikkert og vises i grått.",
        "en": "† Small sample (n below {min}): the figure is uncertain and shown in grey.",
    },
    "method_note": {
        "nb": "Endringer er sikre når p < 0,05; funn per region og kanal er korrigert for mange tester (Benjamini–Hochberg, q < 0,05).",
        "en": "Changes are significant when p < 0.05; findings per region and channel are corrected for many tests (Benjamini–Hochberg, q < 0.05).",
    },
    "quarter": {"nb": "{q}. kvartal {year}", "en": "Q{q} {year}"},
    "week": {"nb": "uke {week} {year}", "en": "week {week}, {year}"},
    "year": {"nb": "året {year}", "en": "the year {year}"},
    # The weekly email
    "mail_subject": {"nb": "Kundepuls uke {week}: {headline}", "en": "Kundepuls week {week}: {headline}"},
    "mail_intro": {
        "nb": "Hei {name}! Her er nøkkeltallene for {period} ({dates}).",
        "en": "Hi {name}! Here are the key figures for {period} ({dates}).",
    },
    "mail_link": {"nb": "Åpne dashbordet", "en": "Open the dashboard"},
    "mail_report": {"nb": "Hele rapporten for uken (PDF)", "en": "The full report of the week (PDF)"},
    "mail_footer": {
        "nb": "Du får denne e-posten fordi du er {role} i kundepuls. Slå den av med: kundepuls report subscribe {email} --no-weekly",
        "en": "You get this email because you are {role} in kundepuls. Turn it off with: kundepuls report subscribe {email} --no-weekly",
    },
    "no_change": {"nb": "ingen sammenligning", "en": "no comparison"},
    "page_period": {"nb": "Periode", "en": "Period"},
    "page_show": {"nb": "Vis rapport", "en": "Show report"},
    "page_download": {"nb": "Last ned PDF", "en": "Download PDF"},
    "page_help": {"nb": "2026, 2026-Q3, 2026-09 eller 2026-W36", "en": "2026, 2026-Q3, 2026-09 or 2026-W36"},
    "nav_reports": {"nb": "Rapporter", "en": "Reports"},
    "role_owner": {"nb": "eier", "en": "owner"},
    "role_admin": {"nb": "administrator", "en": "admin"},
    "role_analyst": {"nb": "analytiker", "en": "analyst"},
    "role_viewer": {"nb": "leser", "en": "viewer"},
}  # fmt: skip


def text(key: str, lang: str, **values: Any) -> str:
    """The text ``key`` in ``lang`` (Bokmål for any other language), filled with ``values``."""
    entry = TEXTS[key]
    template = entry.get(lang) or entry["nb"]
    return template.format(**values) if values else template


def page_texts() -> dict[str, dict[str, str]]:
    """The texts of the report page for the layout (``tx``), per language."""
    keys = ("title", "nav_reports")
    return {lang: {key: TEXTS[key][lang] for key in keys} for lang in LANGUAGES}


def language(lang: str | None) -> str:
    """``en`` stays English; everything else (nb, nn, none) reads Bokmål."""
    return "en" if (lang or "").lower().startswith("en") else "nb"
