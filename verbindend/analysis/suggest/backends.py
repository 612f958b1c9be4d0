"""Similarity backends: how a segment and a code's material become comparable vectors.

The default is lemma TF-IDF (word uni- and bigrams plus character n-grams of the lemmas, which
also bridge Dutch and English cognates such as "organisatie"/"organisation"). An embedding
backend can replace it when an optional package that ships its own weights is installed (the
``embeddings`` extra); nothing is ever downloaded at run time.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol


class Backend(Protocol):
    name: str

    def fit(self, lemma_texts: Sequence[str], *, raw: Sequence[str]) -> None: ...

    def transform(self, lemma_texts: Sequence[str], *, raw: Sequence[str]) -> Any:
        """Rows of unit length (sparse or dense), one per text."""
        ...


@lru_cache(maxsize=200_000)
def _word_grams(word: str) -> tuple[str, ...]:
    """scikit-learn's ``char_wb`` 3–5-grams of one word, computed once per distinct word."""
    padded = f" {word} "
    grams: list[str] = []
    for n in range(3, 6):
        offset = 0
        grams.append(padded[offset : offset + n])
        while offset + n < len(padded):
            offset += 1
            grams.append(padded[offset : offset + n])
        if offset == 0:  # a short word counts once
            break
    return tuple(grams)


def char_grams(lemma_text: str) -> list[str]:
    return [g for word in lemma_text.split() for g in _word_grams(word)]


class LemmaTfidf:
    """Word and character n-grams of the lemmas, each TF-IDF weighted, joined, unit length."""

    name = "tfidf"

    def __init__(self, char_weight: float = 0.6) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.char_weight = char_weight
        self.words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\S+")  # noqa: S106
        # the same features as analyzer="char_wb", ngram_range=(3, 5), with a cache per word
        self.chars = TfidfVectorizer(analyzer=char_grams, sublinear_tf=True)
        self._fitted = False

    def fit(self, lemma_texts: Sequence[str], *, raw: Sequence[str]) -> None:
        texts = [t for t in lemma_texts if t.strip()] or ["leeg"]
        self.words.fit(texts)
        self.chars.fit(texts)
        self._fitted = True

    def transform(self, lemma_texts: Sequence[str], *, raw: Sequence[str]) -> Any:
        from scipy import sparse
        from sklearn.preprocessing import normalize

        words = self.words.transform(lemma_texts)
        chars = self.chars.transform(lemma_texts) * self.char_weight
        return normalize(sparse.hstack([words, chars], format="csr"))


class WithEmbeddings:
    """Lemma TF-IDF joined with dense vectors of an installed static-embedding model."""

    name = "tfidf+embeddings"

    def __init__(self, model: Any, weight: float = 0.6) -> None:
        self.model = model
        self.weight = weight
        self.tfidf = LemmaTfidf()

    def fit(self, lemma_texts: Sequence[str], *, raw: Sequence[str]) -> None:
        self.tfidf.fit(lemma_texts, raw=raw)

    def transform(self, lemma_texts: Sequence[str], *, raw: Sequence[str]) -> Any:
        import numpy as np
        from scipy import sparse
        from sklearn.preprocessing import normalize

        dense = normalize(np.asarray(self.model.embed(list(raw)), dtype=np.float64))
        words = self.tfidf.transform(lemma_texts, raw=raw)
        return normalize(sparse.hstack([words, sparse.csr_matrix(dense * self.weight)], "csr"))

    def __getstate__(self) -> dict[str, Any]:  # the model is loaded again, never pickled
        return {"weight": self.weight, "tfidf": self.tfidf}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.weight = state["weight"]
        self.tfidf = state["tfidf"]
        self.model = embedding_model()
        if self.model is None:
            raise RuntimeError("the embeddings extra is no longer installed: retrain the model")


def embedding_model() -> Any | None:
    """The bundled model of the optional ``wordllama`` package, or None when not installed.

    Its wheel carries the weights and the tokenizer; pointing its cache at the package's own
    folder makes it load them from there instead of trying to download.
    """
    try:
        import wordllama
    except ImportError:
        return None
    try:
        return wordllama.WordLlama.load(cache_dir=Path(wordllama.__file__).parent)
    except Exception:
        return None


def default_backend() -> Backend:
    """TF-IDF of the lemmas, joined with embeddings when enabled and installed."""
    from django.conf import settings

    if getattr(settings, "SUGGEST_EMBEDDINGS", True):
        model = embedding_model()
        if model is not None:
            return WithEmbeddings(model)
    return LemmaTfidf()
