"""Suggested codes: agreement with a fixed labelled set, and the speed on 10,000 segments.

Quality, on ``bench/data/suggest_eval.jsonl`` (210 interview and focus-group fragments, 42 per
design principle, Dutch and English, written before any tuning and kept fixed; a test guards its
checksum): stratified 5-fold cross-validation, so the classifier never sees the fragment it is
scored on; the framework's material is always available.
- ``kappa``: Cohen's κ of the suggested principle (the best of the five) against the labels;
  ``precision`` and ``recall``: macro averages; ``p1_kappa`` … ``p5_kappa``: κ of "is this
  principle" against "is not", per principle.
- ``framework_only_kappa``: the same with no codings at all (a fresh study).
- Baselines from the same run: ``baseline_kappa`` (plain TF-IDF of the words, no lemmas, nearest
  principle definition: summary and explanation in both languages) and ``majority_kappa`` (always
  the most frequent label: 0 by construction).

Speed: ``suggest_s`` is the time to store suggestions for 10,000 uncoded sentences in 100
documents through the app's service (segmenting, lemmas, scoring, storing; 20 documents a pass),
with a model trained on the study's codings; ``baseline_suggest_s`` the plain TF-IDF nearest
definition over the same segments, in memory only.
Held out, on ``bench/data/suggest_eval_interviews.jsonl`` (50 interview-style fragments, 10 per
principle, and 20 small-talk sentences; written after the first set and frozen before the model
changed, never used for tuning): see :func:`held_out`. The same figures, prefixed ``fresh_``, on
``bench/data/suggest_eval_fresh.jsonl`` (a third set of the same shape, 50 + 20, written by another
hand and frozen before the next change to the model; also never tuned on).
Targets (ARCHITECTURE §6): suggest_s ≤ 10, kappa ≥ 0.6; held_out_kappa ≥ 0.75,
small_talk_no_suggestion ≥ 0.9 (the same on the third set).
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from pathlib import Path

from bench._common import emit, fresh_database, setup_django, size

DATA = Path(__file__).resolve().parent / "data" / "suggest_eval.jsonl"
#: the second set (interview-style fragments and small talk); never trained or tuned on
HELD_OUT = DATA.with_name("suggest_eval_interviews.jsonl")
#: the third set (written the same way, by another hand, frozen before the next model change)
FRESH = DATA.with_name("suggest_eval_fresh.jsonl")
PRINCIPLES = ["p1", "p2", "p3", "p4", "p5"]
FOLDS = 5
FILLER = [
    "Ja, dat klopt.",
    "Mm, ik denk het wel, maar ik weet het niet zeker meer.",
    "Dat was in het voorjaar, als ik me goed herinner.",
    "Can you say a bit more about that?",
    "Ik werk daar nu een jaar of zes als begeleider.",
    "That was before the summer, I think.",
]


def load(path: Path = DATA) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def held_out(
    train: list[dict[str, str]], test: list[dict[str, str]], prefix: str = ""
) -> dict[str, float]:
    """The model a study would have after coding the whole first set, on fragments it never saw.

    ``held_out_kappa``: κ of the suggested principle (what the app would propose, else "none")
    against the intended one, over the principle fragments; ``small_talk_no_suggestion``: the
    share of small-talk sentences that get no suggestion at the default threshold."""
    from sklearn.metrics import cohen_kappa_score

    from verbindend.analysis.suggest import framework
    from verbindend.analysis.suggest.engine import Engine
    from verbindend.analysis.suggest.services import propose

    engine = Engine(framework.principle_specs()).fit(
        [(i["text"], i["label"]) for i in train], uncoded=[*framework.NOTHING, *FILLER]
    )
    principled = [i for i in test if i["label"] != "none"]
    small_talk = [i for i in test if i["label"] == "none"]

    def picked(items: list[dict[str, str]]) -> list[str]:
        out = []
        for picks in propose(engine, [i["text"] for i in items]):
            keys = [k for k, _c, _s in picks if k in PRINCIPLES]
            out.append(keys[0] if keys else "none")
        return out

    gold = [i["label"] for i in principled]
    predicted = picked(principled)
    best = [p or "none" for p in engine.best([i["text"] for i in principled], "principle")]
    quiet = [p == "none" for p in picked(small_talk)]
    result = {
        "held_out_items": len(test),
        "held_out_kappa": round(cohen_kappa_score(gold, predicted), 3),
        "held_out_best_kappa": round(cohen_kappa_score(gold, best), 3),
        "held_out_suggested_share": round(sum(p != "none" for p in predicted) / len(gold), 3),
        "small_talk_items": len(small_talk),
        "small_talk_no_suggestion": round(sum(quiet) / max(len(quiet), 1), 3),
    }
    return {f"{prefix}{k}": v for k, v in result.items()}


def quality(items: list[dict[str, str]]) -> dict[str, float]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import cohen_kappa_score, precision_score, recall_score
    from sklearn.model_selection import StratifiedKFold

    from verbindend.analysis.suggest import framework
    from verbindend.analysis.suggest.engine import Engine
    from verbindend.method import content

    texts = [i["text"] for i in items]
    gold = [i["label"] for i in items]
    specs = framework.principle_specs()
    predicted: list[str] = [""] * len(items)
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=1)
    for train, test in folds.split(texts, gold):
        engine = Engine(specs).fit([(texts[i], gold[i]) for i in train])
        for i, label in zip(test, engine.best([texts[i] for i in test], "principle"), strict=True):
            predicted[i] = label or "none"
    framework_only = [p or "none" for p in Engine(specs).fit([]).best(texts, "principle")]

    definitions = [
        " ".join(
            content.get(f"principle.{p}").text(field, lang)
            for field in ("title", "summary", "body")
            for lang in ("nl", "en")
        )
        for p in PRINCIPLES
    ]
    plain = TfidfVectorizer().fit(definitions + texts)
    sims = plain.transform(texts) @ plain.transform(definitions).T
    baseline = [PRINCIPLES[int(row.argmax())] for row in sims.toarray()]
    result = {
        "kappa": round(cohen_kappa_score(gold, predicted), 3),
        "precision": round(
            precision_score(gold, predicted, labels=PRINCIPLES, average="macro", zero_division=0),
            3,
        ),
        "recall": round(
            recall_score(gold, predicted, labels=PRINCIPLES, average="macro", zero_division=0), 3
        ),
        "framework_only_kappa": round(cohen_kappa_score(gold, framework_only), 3),
        "baseline_kappa": round(cohen_kappa_score(gold, baseline), 3),
        "majority_kappa": round(cohen_kappa_score(gold, [gold[0]] * len(gold)), 3),
    }
    for p in PRINCIPLES:
        result[f"{p}_kappa"] = round(
            cohen_kappa_score([g == p for g in gold], [x == p for x in predicted]), 3
        )
    return result


def speed(items: list[dict[str, str]], segments: int) -> dict[str, float]:
    from django.db import transaction
    from sklearn.feature_extraction.text import TfidfVectorizer

    from verbindend.accounts.models import User
    from verbindend.analysis import services as analysis_services
    from verbindend.analysis.models import Suggestion
    from verbindend.analysis.suggest import segment
    from verbindend.analysis.suggest import services as suggest
    from verbindend.method import content
    from verbindend.studies.models import Document, Study

    rng = random.Random(3)
    study = Study.objects.create(name="Bench", slug=f"bench-suggest-{time.time_ns()}")
    coder = User.objects.create_user(username=f"bench-{time.time_ns()}@example.org")
    analysis_services.seed_codebook(study=study)
    per_document = 100
    pool = [i["text"] for i in items] + FILLER
    with transaction.atomic():
        documents = Document.objects.bulk_create(
            Document(
                study=study,
                kind="transcript",
                title=f"Gesprek {n}",
                text=" ".join(rng.choice(pool) for _ in range(per_document)),
                length=0,
            )
            for n in range(max(1, segments // per_document) + 1)
        )
        for document in documents:
            document.length = len(document.text)
        Document.objects.bulk_update(documents, ["length"])
    # the first document is coded (a principle per labelled sentence), the rest get suggestions
    labelled = {i["text"]: i["label"] for i in items}
    coded = documents[0]
    for piece in segment.split(coded.text):
        label = labelled.get(piece.text)
        if label:
            analysis_services.apply_code(
                document=coded,
                code=analysis_services.code_for_key(study, f"principle.{label}"),
                coder=coder,
                start=piece.start,
                end=piece.end,
            )
    suggest.train(study)
    engine = suggest.engine_for(study)
    rest = documents[1:]
    count = sum(len(segment.split(d.text)) for d in rest)

    started = time.perf_counter()
    for chunk in range(0, len(rest), 20):  # 20 documents (about 2,000 segments) per pass
        suggest.suggest_for_documents(rest[chunk : chunk + 20], engine=engine)
    suggest_s = time.perf_counter() - started
    stored = Suggestion.objects.filter(study=study).count()

    definitions = [content.get(f"principle.{p}").summary for p in PRINCIPLES]
    started = time.perf_counter()
    texts = [s.text for d in rest for s in segment.split(d.text)]
    plain = TfidfVectorizer().fit(definitions)
    (plain.transform(texts) @ plain.transform(definitions).T).toarray().argmax(axis=1)
    baseline_s = time.perf_counter() - started
    return {
        "segments": count,
        "suggest_s": round(suggest_s, 3),
        "suggestions_stored": stored,
        "baseline_suggest_s": round(baseline_s, 3),
        "codings_trained_on": len(suggest.training_examples(study)),
    }


def main() -> None:
    items = load()
    digest = hashlib.sha256(DATA.read_bytes()).hexdigest()[:16]
    segments = size(10_000, 400)
    with fresh_database() as url:
        setup_django(url)
        from verbindend.analysis.suggest.backends import default_backend

        result = {
            "eval_items": len(items),
            "eval_sha256": digest,
            "backend": default_backend().name,
        }
        result.update(quality(items))
        second = load(HELD_OUT)
        result["held_out_sha256"] = hashlib.sha256(HELD_OUT.read_bytes()).hexdigest()[:16]
        result.update(held_out(items, second))
        result["fresh_sha256"] = hashlib.sha256(FRESH.read_bytes()).hexdigest()[:16]
        result.update(held_out(items, load(FRESH), prefix="fresh_"))
        result.update(speed(items, segments))
    emit(result)


if __name__ == "__main__":
    main()
