"""Discovery of new themes: comments that match no theme, clustered by their words.

TF-IDF over word uni- and bigrams (without common function words) and k-means (Lloyd, as in
scikit-learn); each cluster is described by its highest-weighted terms at the centroid and
a few example comments, so that a person can name it and add it to the theme file.
"""

import math
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np
import yaml

STOP_WORDS = frozenset(
    yaml.safe_load(
        resources.files("kundepuls.text").joinpath("data", "function_words.yaml").read_text("utf-8")
    )["stop"].split()
)


@dataclass
class Cluster:
    """A group of similar unthemed comments."""

    size: int
    top_terms: list[str]
    examples: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"size": self.size, "top_terms": self.top_terms, "examples": self.examples}


def discover(
    comments: list[str],
    n_clusters: int | None = None,
    top_terms: int = 8,
    examples: int = 3,
    seed: int = 0,
) -> list[Cluster]:
    """Cluster ``comments`` and describe each cluster, largest first.

    Examples
    --------
    >>> parking = ["parkeringen er full", "fant ikke parkering", "parkeringen koster mye"]
    >>> music = ["musikken var for høy", "høy musikk i butikken", "musikken var bråkete"]
    >>> clusters = discover(parking + music, n_clusters=2)
    >>> sorted(c.size for c in clusters)
    [3, 3]
    """
    texts = [c for c in comments if c and c.strip()]
    if len(texts) < 2:
        return [Cluster(len(texts), [], texts[:examples])] if texts else []
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        ngram_range=(1, 2), sublinear_tf=True, stop_words=list(STOP_WORDS), min_df=1
    )
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # only stop words: nothing to cluster on
        return [Cluster(len(texts), [], texts[:examples])]
    k = n_clusters or max(2, min(12, round(math.sqrt(len(texts) / 2))))
    k = min(k, len(texts))
    model = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(matrix)
    terms = vectorizer.get_feature_names_out()
    clusters = []
    for label in range(k):
        members = np.flatnonzero(model.labels_ == label)
        if members.size == 0:
            continue
        centroid = model.cluster_centers_[label]
        best = [str(terms[i]) for i in np.argsort(centroid)[::-1][:top_terms] if centroid[i] > 0]
        distance = np.square(matrix[members].toarray() - centroid).sum(axis=1)
        chosen = [texts[members[i]] for i in np.argsort(distance)[:examples]]
        clusters.append(Cluster(int(members.size), best, chosen))
    clusters.sort(key=lambda c: -c.size)
    return clusters
