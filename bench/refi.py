"""REFI-QDA exchange: export and import of a study of 100 documents (3,000 words each) with
10,000 codings by two coders, 100 memos and 20 respondents with attributes.

- ``export_s``: the whole .qdpx written through the streamed exporter (bytes counted, not kept
  on disk), with ``peak_chunk_kb`` the largest piece handed to the server at once.
- ``import_s``: that file read, checked and written into an empty instance (the study, its
  GUIDs and its coders deleted first, as on another machine).
Baselines from the same run: ``baseline_export_s`` dumps the same rows (texts and codings) as
plain JSON into a zip — the floor of reading and compressing them at all; ``baseline_import_s``
bulk-inserts the same documents and codings straight through the ORM — the database's floor.

Target (ARCHITECTURE §6): export_s ≤ 3.
"""

from __future__ import annotations

import io
import json
import random
import time
import zipfile

from bench._common import emit, fresh_database, setup_django, size


def main() -> None:
    doc_count = size(100, 5)
    coding_count = size(10_000, 300)
    words = size(3000, 300)
    with fresh_database() as url:
        setup_django(url)
        from django.db import transaction

        from verbindend.accounts.models import User
        from verbindend.accounts.services import grant_study_role
        from verbindend.analysis import services
        from verbindend.analysis.models import Code, Coding, ExchangeId, Memo
        from verbindend.analysis.refi import export, importer
        from verbindend.core.roles import StudyRoles
        from verbindend.networks.models import Network, Person
        from verbindend.studies import samples
        from verbindend.studies.models import Case, CaseStatus, Document, Respondent, Study

        rng = random.Random(11)
        study = Study.objects.create(name="Bench REFI", slug="bench-refi")
        coders = []
        for n in range(2):
            user = User.objects.create_user(username=f"coder{n}@example.org", password=None)
            grant_study_role(user=user, study=study, role=StudyRoles.RESEARCHER)
            coders.append(user)
        network = Network.objects.create(name="Netwerk één", slug="bench-refi-net")
        case = Case.objects.create(study=study, network=network, status=CaseStatus.AGREED)
        respondents = [
            Respondent.objects.create(
                study=study,
                case=case,
                person=Person.objects.create(
                    network=network, name=f"Persoon {n} 😀", lead_role="follower", gender="x"
                ),
            )
            for n in range(size(20, 3))
        ]
        with transaction.atomic():
            documents = Document.objects.bulk_create(
                Document(
                    study=study,
                    case=case,
                    respondent=respondents[n % len(respondents)],
                    kind="transcript",
                    title=f"Interview {n:03} — café",
                    text=(text := samples.words(words, seed=n) + " Één 😀 🇧🇪."),
                    length=len(text),
                )
                for n in range(doc_count)
            )
        services.seed_codebook(study=study, with_findings=True)
        codes = list(Code.objects.filter(study=study))
        seen = set()
        rows: list[tuple[Document, Code, User, int]] = []
        while len(rows) < coding_count:
            document = documents[len(rows) % doc_count]
            start = rng.randrange(0, document.length - 200)
            row = (document, codes[rng.randrange(len(codes))], coders[len(rows) % 2], start)
            key = (row[0].pk, row[1].pk, row[2].pk, start)
            if key not in seen:
                seen.add(key)
                rows.append(row)
        with transaction.atomic():
            codings = Coding.objects.bulk_create(
                Coding(study=study, document=d, code=c, coder=u, start=s, end=s + 80)
                for d, c, u, s in rows
            )
            Memo.objects.bulk_create(
                Memo(study=study, author=coders[0], coding=codings[n * 50], text=f"Memo {n} ✍️")
                for n in range(size(100, 3))
            )

        # the exporter
        started = time.perf_counter()
        pieces = []
        peak = 0
        for chunk in export.project_chunks(study):
            pieces.append(chunk)
            peak = max(peak, len(chunk))
        export_s = time.perf_counter() - started
        qdpx = b"".join(pieces)

        # baseline: the same rows as plain JSON in a zip
        started = time.perf_counter()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for pk, text in Document.objects.filter(study=study).values_list("pk", "text"):
                archive.writestr(f"sources/{pk}.txt", text)
            archive.writestr(
                "codings.json",
                json.dumps(
                    list(
                        Coding.objects.filter(study=study).values_list(
                            "document_id", "code_id", "coder_id", "start", "end"
                        )
                    )
                ),
            )
        baseline_export_s = time.perf_counter() - started

        # an empty instance: nothing of the study, its GUIDs or its coders is left
        Code.objects.filter(study=study).update(parent=None)
        study.delete()
        ExchangeId.objects.all().delete()
        User.objects.filter(pk__in=[u.pk for u in coders]).delete()

        started = time.perf_counter()
        plan = importer.read(io.BytesIO(qdpx), "bench.qdpx")
        read_s = time.perf_counter() - started
        report = importer.apply(plan)
        import_s = time.perf_counter() - started
        assert report.created["codings"] == coding_count, report.created
        assert report.created["sources"] == doc_count

        # baseline: the same documents and codings inserted straight through the ORM
        target = Study.objects.create(name="Baseline", slug="bench-refi-baseline")
        code = Code.objects.create(study=target, name="x")
        texts = [(s.name, s.text) for s in plan.sources.values()]
        started = time.perf_counter()
        with transaction.atomic():
            docs = Document.objects.bulk_create(
                [Document(study=target, title=t, text=x, length=len(x)) for t, x in texts],
                batch_size=200,
            )
            coder = User.objects.filter(username__startswith="refi-").first()
            Coding.objects.bulk_create(
                [
                    Coding(
                        study=target,
                        document=docs[n % len(docs)],
                        code=code,
                        coder=coder,
                        start=n,
                        end=n + 80,
                    )
                    for n in range(coding_count)
                ],
                batch_size=1000,
            )
        baseline_import_s = time.perf_counter() - started

        emit(
            {
                "documents": doc_count,
                "codings": coding_count,
                "qdpx_kb": round(len(qdpx) / 1024),
                "export_s": round(export_s, 3),
                "peak_chunk_kb": round(peak / 1024),
                "baseline_export_s": round(baseline_export_s, 3),
                "export_ratio": round(export_s / max(baseline_export_s, 1e-9), 2),
                "import_read_s": round(read_s, 3),
                "import_s": round(import_s, 3),
                "baseline_import_s": round(baseline_import_s, 3),
                "import_ratio": round(import_s / max(baseline_import_s, 1e-9), 2),
                "target_export_s": 3,
            }
        )


if __name__ == "__main__":
    main()
