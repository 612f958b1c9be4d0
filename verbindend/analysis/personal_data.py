"""The analysis workbench's part in people's data rights: codings and memos.

Codings by an erased researcher stay (the research record keeps who coded what, under the
account's pseudonym); their memos are their own free text and go. Names in other people's memos
are replaced by the pseudonym by the privacy app's final sweep, and coded fragments follow the
studies app's redaction of the document text.
"""

from __future__ import annotations

from typing import Any

from verbindend.privacy.personal_data import DataSubject


def export(subject: DataSubject) -> dict[str, list[dict[str, Any]]]:
    from verbindend.analysis.models import Coding, Memo

    if subject.user is None:
        return {"codings": [], "memos": []}
    codings = Coding.objects.filter(coder=subject.user).select_related("document", "code", "study")
    memos = Memo.objects.filter(author=subject.user).select_related("study")
    return {
        "codings": [
            {
                "study": str(c.study),
                "document": c.document.title,
                "code": c.code.label,
                "start": c.start,
                "end": c.end,
            }
            for c in codings
        ],
        "memos": [
            {"study": str(m.study), "text": m.text, "written": m.created_at.isoformat()}
            for m in memos
        ],
    }


def fragments(subject: DataSubject) -> list[str]:
    from verbindend.analysis.models import Memo

    if subject.user is None:
        return []
    return list(Memo.objects.filter(author=subject.user).values_list("text", flat=True))


def erase(subject: DataSubject, *, pseudonym: str) -> None:
    from verbindend.analysis.models import Memo

    if subject.user is not None:
        Memo.objects.filter(author=subject.user).delete()
