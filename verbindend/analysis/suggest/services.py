"""Suggested codes in a study: training its model, proposing codes, and the researcher's decisions.

Nothing is coded silently: a suggestion only becomes a coding when a researcher accepts it, and
that coding is theirs. Rejected suggestions stay recorded, so they are not offered again.
"""

from __future__ import annotations

import pickle
import uuid as uuid_module
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from verbindend.analysis import services as analysis_services
from verbindend.analysis.models import (
    Code,
    Coding,
    ModelStatus,
    Suggestion,
    SuggestionModel,
    SuggestionStatus,
)
from verbindend.analysis.suggest import framework, segment
from verbindend.analysis.suggest import text as textmod
from verbindend.analysis.suggest.engine import ENGINE_VERSION, NONE, Engine
from verbindend.core.errors import DomainError
from verbindend.studies.models import Study

if TYPE_CHECKING:
    from verbindend.accounts.models import User
    from verbindend.studies.models import Document

MIN_EXAMPLES = 5  # fewer codings of a code than this: its quality cannot be judged yet
MIN_HELD_OUT = 5  # precision and recall are shown only from this many held-out codings on
HOLD_OUT = 0.25  # share of the codings kept aside to measure the model
# Chosen by 5-fold cross-validation on the first evaluation set (Cohen's κ over the principles
# plus "nothing to code", with small-talk sentences written for development); see bench/suggest.py
NOTHING_FROM = 0.3  # "nothing to code" wins from this probability on, whatever comes first
MIN_CONFIDENCE = 0.2  # never suggest below this
CHANCE_FACTOR = 1.0  # ...nor below chance in the code's group (one code: against "nothing")
RETRAIN_AFTER = 10  # retrain once this many codings were added
RETRAIN_SHARE = 0.2  # ...and at least this share more than at the last training
MAX_EXAMPLE_CHARS = 1000

_cache: dict[tuple[int, Any], Engine] = {}  # (study, trained at or codebook) → engine


# -- training --------------------------------------------------------------------------------


def codebook_specs(study: Study) -> list[framework.CodeSpec]:
    return framework.specs(Code.objects.filter(study=study).order_by("order", "pk"))


def training_examples(study: Study) -> list[tuple[str, str]]:
    """One (fragment, code UUID) per coded span and code, whoever coded it."""
    seen: set[tuple[int, int, int, int]] = set()
    texts: dict[int, str] = {}
    out = []
    rows = Coding.objects.filter(study=study).values_list(
        "document_id", "start", "end", "code_id", "code__uuid"
    )
    for document_id, start, end, code_id, code_uuid in rows.order_by("document_id", "start"):
        key = (document_id, start, end, code_id)
        if key in seen:
            continue
        seen.add(key)
        if document_id not in texts:
            from verbindend.studies.models import Document

            texts[document_id] = Document.objects.values_list("text", flat=True).get(pk=document_id)
        out.append((texts[document_id][start:end][:MAX_EXAMPLE_CHARS], str(code_uuid)))
    return out


MAX_UNCODED = 2000


def uncoded_sentences(study: Study) -> list[str]:
    """Sentences that were read and judged not worth a code: those no coding touches, before a
    document's last coding (what follows it may simply not have been read yet)."""
    from verbindend.studies.models import Document

    spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for document_id, start, end in Coding.objects.filter(study=study).values_list(
        "document_id", "start", "end"
    ):
        spans[document_id].append((start, end))
    out: list[str] = []
    for document_id, text in Document.objects.filter(pk__in=list(spans)).values_list("pk", "text"):
        read_up_to = max(end for _start, end in spans[document_id])
        for piece in segment.split(text):
            if piece.end > read_up_to:
                break
            if not _overlaps(spans[document_id], piece.start, piece.end):
                out.append(piece.text[:MAX_EXAMPLE_CHARS])
                if len(out) >= MAX_UNCODED:
                    return out
    return out


def _quality(
    specs: list[framework.CodeSpec], examples: list[tuple[str, str]]
) -> dict[str, dict[str, Any]]:
    """Per code: precision and recall on held-out codings, support, examples, too few."""
    counts: dict[str, int] = defaultdict(int)
    for _text, key in examples:
        counts[key] += 1
    group_of = {s.key: s.group for s in specs}
    quality: dict[str, dict[str, Any]] = {
        s.key: {
            "examples": counts.get(s.key, 0),
            "too_few": counts.get(s.key, 0) < MIN_EXAMPLES,
            "precision": None,
            "recall": None,
            "support": 0,
        }
        for s in specs
    }
    # per code with at least two codings, every fourth one (at least one) is held out
    by_code: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for item in examples:
        by_code[item[1]].append(item)
    train: list[tuple[str, str]] = []
    test: list[tuple[str, str]] = []
    for key, items in by_code.items():
        if counts[key] < 2 or key not in group_of:
            train.extend(items)
            continue
        held = max(1, round(len(items) * HOLD_OUT))
        test.extend(items[-held:])
        train.extend(items[:-held])
    if not test:
        return quality
    engine = Engine(specs).fit(train, uncoded=framework.NOTHING)
    scored = engine.score([t for t, _k in test])
    hits: dict[str, int] = defaultdict(int)
    predicted: dict[str, int] = defaultdict(int)
    support: dict[str, int] = defaultdict(int)
    for (_text, gold), result in zip(test, scored, strict=True):
        support[gold] += 1
        ranked = result.get(group_of[gold])
        if ranked:
            predicted[ranked[0].key] += 1
            hits[gold] += ranked[0].key == gold
    for key, q in quality.items():
        q["support"] = support.get(key, 0)
        if predicted.get(key):
            q["precision"] = round(hits[key] / predicted[key], 3)
        if support.get(key):
            q["recall"] = round(hits[key] / support[key], 3)
    return quality


def train(study: Study, *, progress: Callable[[int], None] | None = None) -> SuggestionModel:
    """Train the study's model on all its codings and measure it on held-out ones."""
    row, _created = SuggestionModel.objects.get_or_create(study=study)

    def step(percent: int, status: str = ModelStatus.TRAINING) -> None:
        SuggestionModel.objects.filter(pk=row.pk).update(status=status, progress=percent)
        if progress is not None:
            progress(percent)

    step(5)
    try:
        codings = Coding.objects.filter(study=study).count()
        specs = codebook_specs(study)
        examples = training_examples(study)
        step(20)
        quality = _quality(specs, examples)
        step(60)
        engine = Engine(specs).fit(
            examples, uncoded=[*framework.NOTHING, *uncoded_sentences(study)]
        )
        step(90)
    except Exception as error:
        SuggestionModel.objects.filter(pk=row.pk).update(
            status=ModelStatus.FAILED, progress=0, error=str(error)[:500]
        )
        raise
    row.refresh_from_db()
    row.status = ModelStatus.READY
    row.progress = 100
    row.trained_at = timezone.now()
    row.codings_at_training = codings
    row.examples = len(examples)
    row.quality = quality
    row.backend = engine.backend.name
    row.engine_version = ENGINE_VERSION
    row.blob = pickle.dumps(engine, protocol=pickle.HIGHEST_PROTOCOL)
    row.error = ""
    row.save()
    return row


@task
def train_model(study_id: int) -> None:
    """Run by ``manage.py db_worker`` (or at once with the immediate backend)."""
    study = Study.objects.filter(pk=study_id).first()
    if study is not None:
        train(study)


def queue_training(study: Study) -> SuggestionModel:
    """Ask the background worker to (re)train; a model already waiting or training is left be."""
    row, _created = SuggestionModel.objects.get_or_create(study=study)
    if row.busy:
        return row
    SuggestionModel.objects.filter(pk=row.pk).update(status=ModelStatus.QUEUED, progress=0)
    row.refresh_from_db()

    transaction.on_commit(lambda: train_model.enqueue(study_id=study.pk))
    return row


def needs_training(study: Study) -> bool:
    row = SuggestionModel.objects.filter(study=study).first()
    codings = Coding.objects.filter(study=study).count()
    if row is None or row.status in {ModelStatus.NONE, ModelStatus.FAILED}:
        return codings > 0
    if row.busy:
        return False
    grown = codings - row.codings_at_training
    return grown >= RETRAIN_AFTER and grown >= RETRAIN_SHARE * max(1, row.codings_at_training)


def maybe_retrain(study: Study) -> bool:
    """Retrain in the background when the codings grew enough since the last training."""
    if needs_training(study):
        queue_training(study)
        return True
    return False


def engine_for(study: Study) -> Engine:
    """The study's trained engine, or one that knows only the framework while there is none."""
    row = (
        SuggestionModel.objects.filter(study=study, status=ModelStatus.READY)
        .only("pk", "trained_at", "engine_version")
        .first()
    )
    if row is not None and row.engine_version == ENGINE_VERSION:
        key: tuple[int, Any] = (study.pk, (row.pk, row.trained_at))
        if key not in _cache:
            blob = SuggestionModel.objects.values_list("blob", flat=True).get(pk=row.pk)
            _cache.clear()
            _cache[key] = pickle.loads(bytes(blob or b""))  # noqa: S301 — written by train() above
        return _cache[key]
    codebook = Code.objects.filter(study=study)
    signature = tuple(codebook.values_list("uuid", "parent_id", "name", "definition"))
    key = (study.pk, ("framework", hash(signature)))  # the codebook as it is now
    if key not in _cache:
        _cache.clear()
        _cache[key] = Engine(codebook_specs(study)).fit([], uncoded=framework.NOTHING)
    return _cache[key]


# -- suggesting ------------------------------------------------------------------------------


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and e > start for s, e in spans)


def threshold(group_size: int) -> float:
    return max(MIN_CONFIDENCE, CHANCE_FACTOR / max(2, group_size))


def propose(engine: Engine, texts: list[str]) -> list[list[tuple[str, float, str]]]:
    """For each text the codes worth proposing: (code key, confidence, source), best first."""
    out = []
    for sentence, result in zip(texts, engine.score(texts), strict=True):
        picks: list[tuple[str, float, str]] = []
        if textmod.small_talk(sentence):  # greetings, back-channel, the interviewer's prompts
            out.append(picks)
            continue
        for ranked in result.values():
            if any(s.key == NONE and s.confidence >= NOTHING_FROM for s in ranked):
                continue  # "nothing to code" is likely enough
            codes = [s for s in ranked if s.key != NONE]
            best = codes[0]
            if best.confidence >= threshold(len(codes)):
                picks.append((best.key, best.confidence, best.source))
        out.append(sorted(picks, key=lambda p: -p[1]))
    return out


def suggest_for_document(
    document: Document, *, unit: str = "sentence", engine: Engine | None = None
) -> int:
    """Store open suggestions for the document's uncoded segments; returns how many are new.

    A code already suggested for a span (open, accepted or rejected) is not suggested again.
    """
    return suggest_for_documents([document], unit=unit, engine=engine)


@transaction.atomic
def suggest_for_documents(
    documents: list[Document], *, unit: str = "sentence", engine: Engine | None = None
) -> int:
    """The same for several documents of one study at once: one scoring pass, one write."""
    if not documents:
        return 0
    study = documents[0].study
    if any(d.study_id != study.pk for d in documents):
        raise DomainError("analysis.document", _("That document belongs to another study."))
    engine = engine or engine_for(study)
    by_key = {str(k): v for k, v in Code.objects.filter(study=study).values_list("uuid", "pk")}
    ids = [d.pk for d in documents]
    coded: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for document_id, start, end in Coding.objects.filter(document_id__in=ids).values_list(
        "document_id", "start", "end"
    ):
        coded[document_id].append((start, end))
    known = set(
        Suggestion.objects.filter(document_id__in=ids).values_list(
            "document_id", "code_id", "start", "end"
        )
    )
    pieces = [
        (document, piece)
        for document in documents
        for piece in segment.split(document.text, unit)
        if not _overlaps(coded[document.pk], piece.start, piece.end)
    ]
    new = []
    for (document, seg), picks in zip(
        pieces, propose(engine, [p.text for _d, p in pieces]), strict=True
    ):
        for key, confidence, source in picks:
            code_id = by_key.get(key)
            if code_id is None or (document.pk, code_id, seg.start, seg.end) in known:
                continue
            new.append(
                Suggestion(
                    study=study,
                    document=document,
                    code_id=code_id,
                    start=seg.start,
                    end=seg.end,
                    confidence=round(confidence, 4),
                    source=source,
                )
            )
    Suggestion.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
    return len(new)


def open_suggestions(document: Document) -> Any:
    """Open suggestions whose span nobody has coded since (coded text gets none)."""
    coded = Coding.objects.filter(
        document=document, start__lt=OuterRef("end"), end__gt=OuterRef("start")
    )
    return (
        Suggestion.objects.filter(document=document)
        .pending()
        .exclude(Exists(coded))
        .select_related("code")
        .order_by("start", "-confidence", "pk")
    )


def by_segment(suggestions: list[Suggestion]) -> dict[tuple[int, int], list[Suggestion]]:
    """Suggestions grouped by their span, in text order, each span's codes best first."""
    out: dict[tuple[int, int], list[Suggestion]] = defaultdict(list)
    for suggestion in sorted(suggestions, key=lambda s: (s.start, s.end, -s.confidence, s.pk)):
        out[(suggestion.start, suggestion.end)].append(suggestion)
    return dict(out)


# -- deciding --------------------------------------------------------------------------------


def _locked(suggestion: Suggestion) -> Suggestion:
    locked = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if locked.status != SuggestionStatus.PENDING:
        raise DomainError(
            "analysis.suggestion_decided",
            _("This suggestion was already decided on."),
            status=409,
        )
    return locked


@transaction.atomic
def accept(*, suggestion: Suggestion, user: User, batch: uuid_module.UUID | None = None) -> Coding:
    """Make the suggested coding, by this researcher."""
    suggestion = _locked(suggestion)
    coding = analysis_services.apply_code(
        document=suggestion.document,
        code=suggestion.code,
        coder=user,
        start=suggestion.start,
        end=suggestion.end,
    )
    suggestion.status = SuggestionStatus.ACCEPTED
    suggestion.decided_by = user
    suggestion.decided_at = timezone.now()
    suggestion.coding = coding
    suggestion.batch = batch
    suggestion.save(update_fields=["status", "decided_by", "decided_at", "coding", "batch"])
    return coding


@transaction.atomic
def reject(*, suggestion: Suggestion, user: User) -> Suggestion:
    suggestion = _locked(suggestion)
    suggestion.status = SuggestionStatus.REJECTED
    suggestion.decided_by = user
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["status", "decided_by", "decided_at"])
    return suggestion


def parse_threshold(value: Any) -> float:
    try:
        number = float(str(value).replace(",", "."))
    except ValueError:
        number = -1.0
    if not 0.0 <= number <= 1.0:  # also rejects NaN
        raise DomainError(
            "analysis.threshold", _("Give a confidence between 0 and 1, for example 0.6.")
        )
    return number


@transaction.atomic
def accept_many(
    *, document: Document, user: User, min_confidence: float
) -> tuple[uuid_module.UUID, int]:
    """Accept every open suggestion of the document at or above a confidence, as one batch."""
    batch = uuid_module.uuid4()
    chosen = list(open_suggestions(document).filter(confidence__gte=min_confidence))
    for suggestion in chosen:
        accept(suggestion=suggestion, user=user, batch=batch)
    return batch, len(chosen)


@transaction.atomic
def undo_batch(*, study: Study, batch: uuid_module.UUID, user: User) -> int:
    """Take back a bulk accept: its codings go, its suggestions are open again."""
    rows = list(
        Suggestion.objects.select_for_update().filter(
            study=study, batch=batch, status=SuggestionStatus.ACCEPTED, decided_by=user
        )
    )
    if not rows:
        raise DomainError("analysis.undo", _("There is nothing to undo."), status=404)
    Coding.objects.filter(pk__in=[s.coding_id for s in rows if s.coding_id]).delete()
    Suggestion.objects.filter(pk__in=[s.pk for s in rows]).update(
        status=SuggestionStatus.PENDING, decided_by=None, decided_at=None, coding=None, batch=None
    )
    return len(rows)


def quality_rows(study: Study) -> list[dict[str, Any]]:
    """The model page's table: one row per suggestible code, in codebook order."""
    row = SuggestionModel.objects.filter(study=study).first()
    quality = row.quality if row is not None else {}
    codes = list(Code.objects.filter(study=study).order_by("order", "pk"))
    suggestible = {s.key for s in framework.specs(codes)}
    counts = dict(
        Coding.objects.filter(study=study)
        .values("code_id")
        .annotate(n=Count("pk"))
        .values_list("code_id", "n")
    )
    out = []
    for code in codes:
        key = str(code.uuid)
        if key not in suggestible:
            continue
        q = quality.get(key, {})
        codings = counts.get(code.pk, 0)
        out.append(
            {
                "code": code,
                "codings": codings,
                "examples": q.get("examples"),
                "precision": q.get("precision"),
                "recall": q.get("recall"),
                "support": q.get("support", 0),
                "judged": q.get("support", 0) >= MIN_HELD_OUT,
                "too_few": q["too_few"] if q else codings < MIN_EXAMPLES,
            }
        )
    return out


def suggest_text(study: Study, text: str, unit: str = "sentence") -> list[Any]:
    """Suggestions for a piece of text outside any document (the command line)."""
    engine = engine_for(study)
    segments = segment.split(text, unit) or [segment.Segment(0, len(text), text)]
    labels = {str(c.uuid): c for c in Code.objects.filter(study=study)}
    out = []
    for seg, picks in zip(segments, propose(engine, [s.text for s in segments]), strict=True):
        out.append((seg, [(labels[k], conf, src) for k, conf, src in picks if k in labels]))
    return out
