"""Score text segments against codes: the framework's material plus the study's own codings.

Per group of codes (e.g. the five principles), a logistic regression learns from two kinds of
labelled sentences: the **framework's material** of each code (the method's summary,
explanation, examples and reflection questions in Dutch and English, or a researcher's own
definition) and the **study's codings** (the coded fragments). With no codings at all the
material alone trains it, so a fresh study gets suggestions from the first document on; as
codings grow they take over. A group with only one suggestible code (nothing to tell apart) falls
back to plain similarity with that code's material and examples.

Similarity goes through a :class:`~verbindend.analysis.suggest.backends.Backend`: lemma TF-IDF
by default, an optional embedding model when installed. Nothing here touches the database, so
the benchmark and the tests run the engine on plain lists.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from verbindend.analysis.suggest import text as textmod
from verbindend.analysis.suggest.backends import Backend, default_backend

if TYPE_CHECKING:  # numpy and scikit-learn load when a model is trained or used, not at start-up
    from sklearn.linear_model import LogisticRegression

ENGINE_VERSION = 4  # 4: material in the respondent's voice
#: the "nothing to code" outcome, learned from uncoded sentences; never stored as a suggestion
NONE = "∅"
C = 4.0  # inverse regularisation of the classifier
MATERIAL_WEIGHT = 1.0  # one sentence of the framework's material counts as much as one coding
MAX_ITER = 300


@dataclass(frozen=True)
class CodeSpec:
    """A code as the engine sees it: a stable key, its group, and its own material."""

    key: str
    group: str
    material: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scored:
    key: str
    group: str
    confidence: float
    source: str  # "framework" (material only) or "study" (the study's codings too)


@dataclass
class _Group:
    keys: list[str]
    model: LogisticRegression | None = None
    #: one-class fallback: unit rows of the code's material and examples
    single: Any = None


@dataclass
class Engine:
    codes: list[CodeSpec]
    backend: Backend = field(default_factory=default_backend)
    examples_per_code: dict[str, int] = field(default_factory=dict)
    _groups: dict[str, _Group] = field(default_factory=dict)

    def fit(self, examples: Sequence[tuple[str, str]], uncoded: Sequence[str] = ()) -> Engine:
        """Learn from ``(text, code key)`` pairs; codes unknown to the engine are ignored.

        ``uncoded`` are sentences that were read and left uncoded: in every group they teach a
        "nothing to code" outcome (:data:`NONE`), so small talk can win over every code.
        """
        by_key = {c.key: c for c in self.codes}
        examples = [(t, k) for t, k in examples if k in by_key and t.strip()]
        material = [(m, c.key) for c in self.codes for m in c.material if m.strip()]
        labelled = [*examples, *material]
        weights = [1.0] * len(examples) + [MATERIAL_WEIGHT] * len(material)
        nothing = [t for t in uncoded if t.strip()]
        raw = [t for t, _k in labelled] + nothing
        lemma_texts = [textmod.lemma_text(t) for t in raw]
        self.backend.fit(lemma_texts, raw=raw)
        self.examples_per_code = defaultdict(int)
        for _t, key in examples:
            self.examples_per_code[key] += 1
        self._groups = {}
        if not labelled:
            return self
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.linear_model import LogisticRegression

        x = self.backend.transform(lemma_texts, raw=raw)
        rows: dict[str, list[int]] = defaultdict(list)
        for i, (_t, key) in enumerate(labelled):
            rows[by_key[key].group].append(i)
        none_rows = list(range(len(labelled), len(labelled) + len(nothing)))
        for group, idx in rows.items():
            labels = [labelled[i][1] for i in idx]
            keys = list(dict.fromkeys(labels))
            if len(keys) == 1 and not none_rows:
                self._groups[group] = _Group(keys, single=x[idx])
                continue
            every = idx + none_rows
            model = LogisticRegression(C=C, solver="saga", max_iter=MAX_ITER, random_state=0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model.fit(
                    x[every],
                    labels + [NONE] * len(none_rows),
                    sample_weight=[weights[i] for i in idx] + [1.0] * len(none_rows),
                )
            self._groups[group] = _Group(keys, model=model)
        return self

    def groups(self) -> list[str]:
        return list(self._groups)

    def suggestible(self) -> set[str]:
        """Codes the engine can suggest: those with material or examples."""
        return {k for g in self._groups.values() for k in g.keys if k != NONE}

    def score(self, texts: Sequence[str]) -> list[dict[str, list[Scored]]]:
        """For each text: group → its codes scored, best first.

        A text without a single known word gets nothing: no honest suggestion is possible.
        """
        if not texts or not self._groups:
            return [{} for _ in texts]
        import numpy as np

        lemma_texts = [textmod.lemma_text(t) for t in texts]
        x = self.backend.transform(lemma_texts, raw=list(texts))
        known = np.asarray(abs(x).sum(axis=1)).ravel() > 0
        results: list[dict[str, list[Scored]]] = [{} for _ in texts]
        for name, group in self._groups.items():
            if group.model is not None:
                proba = group.model.predict_proba(x)
                classes = list(group.model.classes_)
            else:
                sims = x @ group.single.T
                sims = sims.toarray() if hasattr(sims, "toarray") else np.asarray(sims)
                proba = np.clip(sims.max(axis=1), 0.0, 1.0).reshape(-1, 1)
                classes = group.keys
            sources = [
                "study" if self.examples_per_code.get(k, 0) else "framework" for k in classes
            ]
            order = np.argsort(-proba, axis=1)
            for i in np.flatnonzero(known):
                results[i][name] = [
                    Scored(str(classes[j]), name, float(proba[i, j]), sources[j]) for j in order[i]
                ]
        return results

    def best(self, texts: Sequence[str], group: str) -> list[str | None]:
        """The best code of one group for each text, "nothing to code" aside (None when nothing
        can be said)."""
        out: list[str | None] = []
        for result in self.score(texts):
            codes = [s for s in result.get(group, []) if s.key != NONE]
            out.append(codes[0].key if codes else None)
        return out
