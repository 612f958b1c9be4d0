"""Similarity backends: how a segment and a code's material become comparable vectors.

The default is lemma TF-IDF (word uni- and bigrams plus character n-grams of the lemmas, which
also bridge Dutch and English cognates such as "organisatie"/"organisation"). An embedding
backend can replace it when an optional package that ships its own weights is installed (the
``embeddings`` extra); nothing is ever downloaded at run time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize


class Backend(Protocol):
    name: str

    def fit(self, lemma_texts: Sequence[str], *, raw: Sequence[str]) -> None: ...

    def transform(self, lemma_texts: Sequence[str], *, raw: Sequence[str]) -> Any:
        """Rows of unit length (sparse or dense), one per text."""
        ...


class LemmaTfidf:
    """Word and character n-grams of the lemmas, each TF-IDF weighted, joined, unit length."""

    name = "tfidf"

    def __init__(self, char_weight: float = 0.6) -> None:
        self.char_weight = char_weight
        self.words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\S+")  # noqa: S106
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        self._fitted = False

    def fit(self, lemma_texts: Sequence[str], *, raw: Sequence[str]) -> None:
        texts = [t for t in lemma_texts if t.strip()] or ["leeg"]
        self.words.fit(texts)
        self.chars.fit(texts)
        self._fitted = True

    def transform(self, lemma_texts: Sequence[str], *, raw: Sequence[str]) -> Any:
        words = self.words.transform(lemma_texts)
        chars = self.chars.transform(lemma_texts) * self.char_weight
        return normalize(sparse.hstack([words, chars], format="csr"))


class Embeddings:
    """Dense vectors from an installed static-embedding model (the ``embeddings`` extra)."""

    name = "embeddings"

    def __init__(self, model: Any) -> None:
        self.model = model

    def fit(self, lemma_texts: Sequence[str], *, raw: Sequence[str]) -> None:
        return None

    def transform(self, lemma_texts: Sequence[str], *, raw: Sequence[str]) -> Any:
        vectors = np.asarray(self.model.embed(list(raw)), dtype=np.float64)
        return normalize(vectors)


def embedding_model() -> Any | None:
    """The bundled model of the optional embeddings package, or None when it is not installed."""
    try:
        from wordllama import WordLlama
    except ImportError:
        return None
    try:
        return WordLlama.load()  # weights ship inside the wheel; no download
    except Exception:
        return None


def default_backend() -> Backend:
    return LemmaTfidf()
