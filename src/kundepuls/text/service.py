"""Use cases of the text domain: analyse one comment, and analyse the stored responses."""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from kundepuls.text import repository
from kundepuls.text.cx import load_comment_model
from kundepuls.text.discovery import Cluster, discover
from kundepuls.text.language import detect_language
from kundepuls.text.learn import InstallationModel
from kundepuls.text.lexicon import Label, default_lexicon, to_label
from kundepuls.text.masking import mask
from kundepuls.text.themes import ThemeMention, default_taxonomy

# Control characters (NUL cannot be stored in PostgreSQL) and lone surrogates (not UTF-8).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
MAX_CHARS = 20_000  # analysed prefix of a very long comment; the masked text is kept whole
LEXICON_VERSION = "lexicon-4"
# The NoReC model decides only Norwegian comments in which the lexicon finds nothing (not even
# a lukewarm "veit ikkje"), that have a few words to go on, and only when it puts nearly all
# its probability on one pole: |P(positive) − P(negative)| ≥ NOREC_CONFIDENCE. It learnt from
# reviews, where half the sentences are polar; a CX comment without any sentiment cue is
# nearly always a plain fact ("Eg handla litt mat i dag"), so the bar to call it polar is
# high (at 0.5 it was wrong on every such development comment it decided).
NOREC_CONFIDENCE = 0.8
NOREC_MIN_WORDS = 4


@dataclass
class CommentResult:
    """What kundepuls reads in one comment."""

    language: str
    sentiment: Label
    score: float
    themes: list[ThemeMention] = field(default_factory=list)
    masked: str = ""
    model_version: str = LEXICON_VERSION

    def as_dict(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "sentiment": self.sentiment,
            "score": round(self.score, 3),
            "themes": [m.as_dict() for m in self.themes],
            "masked": self.masked,
        }


def clean(comment: object) -> str:
    """A comment as text: None becomes "", control characters (NUL …) become spaces."""
    text = "" if comment is None else str(comment)
    return _CONTROL.sub(" ", text)


def analyze(
    comment: object,
    known_language: str | None = None,
    customer_name: str | None = None,
    model: InstallationModel | None = None,
    learnt: bool = True,
) -> CommentResult:
    """Language, sentiment, themes (each with its own sentiment) and masked text of a comment.

    The rules (lexicon and taxonomy) are blended with the comment model (``cx.py``) unless
    ``learnt`` is false; ``model``, when fitted on this installation's scored comments, is
    blended in last.

    Examples
    --------
    >>> r = analyze("Leveringen var ikke rask, men kundeservice var kjempehyggelig")
    >>> r.language, [(m.theme, m.sentiment) for m in r.themes]
    ('nb', [('delivery', 'negative'), ('customer_service', 'positive')])
    """
    text = clean(comment)
    masked = mask(text, customer_name)
    head = text[:MAX_CHARS]
    if not head.strip():
        return CommentResult(detect_language("", known_language), "neutral", 0.0, [], masked)
    language = detect_language(head, known_language)
    reading = default_lexicon().analyze(head, language if language != "other" else None)
    score, version = reading.score, LEXICON_VERSION
    words = sum(token[:1].isalpha() for token in reading.tokens)
    if reading.hits == 0 and language in ("nb", "nn") and words >= NOREC_MIN_WORDS:
        score, version = _norec_score(head, score, version)
    label = to_label(score)
    comment_model = load_comment_model()
    probabilities = comment_model.read_one(head) if learnt else None
    if probabilities is not None:
        label, score = comment_model.blend_sentiment(probabilities, label, score)
        version = f"{version}+{comment_model.version}"
    if model is not None and model.fitted:
        (label, score), version = model.blend_reading(head, score), f"{version}+installation"
    taxonomy = default_taxonomy()
    found = {m.theme: m for m in taxonomy.mentions(reading, score)}
    keys = list(found)
    if probabilities is not None:
        keys = comment_model.themes(probabilities, keys, set(taxonomy.themes))
    themes = [found.get(t) or ThemeMention(t, label, score) for t in keys]
    return CommentResult(language, label, score, themes, masked, version)


def _norec_score(text: str, score: float, version: str) -> tuple[float, str]:
    from kundepuls.text.norec import load_norec_model

    try:
        model = load_norec_model()
    except FileNotFoundError:  # pragma: no cover - the artefact ships with kundepuls
        return score, version
    polarity = float(model.polarity([text])[0])
    if abs(polarity) >= NOREC_CONFIDENCE:
        return polarity, f"{version}+{model.meta.get('version', 'norec')}"
    return score, version


def analyze_responses(
    session: Session, *, pending_only: bool = True, model: InstallationModel | None = None
) -> int:
    """Analyse stored responses with comments (only those not yet analysed, or all); flushes.

    Safe to run twice: an analysis is replaced, never duplicated. Returns how many were
    analysed.
    """
    count = 0
    rows = list(repository.responses_with_comments(session, pending_only=pending_only))
    for response_id, comment, language, customer_language, name in rows:
        result = analyze(comment, language or customer_language, name, model)
        repository.save_analysis(
            session,
            response_id,
            {
                "language": result.language,
                "sentiment": result.sentiment,
                "score": result.score,
                "themes": [m.as_dict() for m in result.themes],
                "masked_comment": result.masked,
                "model_version": result.model_version,
                "analysed_at": datetime.now(UTC),
            },
        )
        count += 1
        if count % 500 == 0:
            session.flush()
    session.flush()
    return count


def analyze_pending(session: Session) -> int:
    """The background job's use case: analyse responses whose comment has no analysis yet."""
    return analyze_responses(session, pending_only=True)


def discover_themes(session: Session, n_clusters: int | None = None) -> list[Cluster]:
    """Clusters of the stored comments that matched no theme, to name as new themes."""
    return discover(repository.masked_comments_without_themes(session), n_clusters)
