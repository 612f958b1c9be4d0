"""Document import: 100 text documents of 3,000 words, and one 100-page PDF.

Measures the import as the background worker runs it (store the uploads, then the task body:
extract, normalise, index paragraphs, insert in one transaction per document). Baselines from
the same run: the raw bulk insert of the same 100 texts (the database's floor), and pypdf's bare
text extraction of the same PDF (the extractor's floor).

Targets (ARCHITECTURE §6): docs_s ≤ 3, pdf_s ≤ 5.
"""

from __future__ import annotations

import time

from bench._common import emit, fresh_database, setup_django, size


def main() -> None:
    doc_count = size(100, 5)
    words_per_doc = size(3000, 300)
    pdf_pages = size(100, 5)
    with fresh_database() as url:
        setup_django(url)
        import io
        import tempfile

        from django.conf import settings
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.db import transaction
        from pypdf import PdfReader

        from verbindend.accounts.models import User
        from verbindend.studies import samples, services
        from verbindend.studies.models import Document, ImportItem, ItemStatus, Study
        from verbindend.studies.tasks import import_batch

        media = tempfile.TemporaryDirectory(prefix="verbindend-bench-media-")
        settings.MEDIA_ROOT = media.name
        tag = str(time.time_ns())
        user = User.objects.create_user(username=f"bench-{tag}@example.org", password=None)
        study = Study.objects.create(name="Bench", slug=f"bench-{tag}")
        texts = [samples.words(words_per_doc, seed=n) for n in range(doc_count)]

        # baseline: the same texts written straight into the table, in one transaction
        started = time.perf_counter()
        with transaction.atomic():
            Document.objects.bulk_create(
                Document(study=study, kind="other", title=f"raw {n}", text=t, length=len(t))
                for n, t in enumerate(texts)
            )
        baseline_docs_s = time.perf_counter() - started
        Document.objects.filter(study=study).delete()

        uploads = [
            SimpleUploadedFile(f"doc-{n:03}.txt", t.encode("utf-8")) for n, t in enumerate(texts)
        ]
        started = time.perf_counter()
        with transaction.atomic():
            batch = services.start_import(study=study, files=uploads, user=user, kind="other")
        import_batch.call(batch_id=batch.pk)  # what `manage.py db_worker` runs
        docs_s = time.perf_counter() - started
        docs_ok = ImportItem.objects.filter(batch=batch, status=ItemStatus.DONE).count()
        words = sum(
            len(d.split())
            for d in Document.objects.filter(study=study).values_list("text", flat=True)
        )

        pdf = samples.pdf_of_words(pdf_pages)
        started = time.perf_counter()
        reader = PdfReader(io.BytesIO(pdf))
        raw_pdf_text = "\n".join(page.extract_text() for page in reader.pages)
        baseline_pdf_s = time.perf_counter() - started

        started = time.perf_counter()
        with transaction.atomic():
            pdf_batch = services.start_import(
                study=study,
                files=[SimpleUploadedFile("report.pdf", pdf)],
                user=user,
                kind="network_document",
            )
        import_batch.call(batch_id=pdf_batch.pk)
        pdf_s = time.perf_counter() - started
        pdf_item = ImportItem.objects.get(batch=pdf_batch)
        media.cleanup()
        emit(
            {
                "bench": "import_docs",
                "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
                "docs": doc_count,
                "docs_imported": docs_ok,
                "words_per_doc": words_per_doc,
                "words_imported": words,
                "docs_s": round(docs_s, 3),
                "baseline_docs_bulk_insert_s": round(baseline_docs_s, 3),
                "docs_ratio": round(docs_s / max(baseline_docs_s, 1e-9), 1),
                "pdf_pages": pdf_pages,
                "pdf_bytes": len(pdf),
                "pdf_imported": pdf_item.status == ItemStatus.DONE,
                "pdf_s": round(pdf_s, 3),
                "baseline_pdf_pypdf_extract_s": round(baseline_pdf_s, 3),
                "pdf_ratio": round(pdf_s / max(baseline_pdf_s, 1e-9), 2),
                "pdf_chars": len(raw_pdf_text),
                "targets": {"docs_s": 3, "pdf_s": 5},
            }
        )


if __name__ == "__main__":
    main()
