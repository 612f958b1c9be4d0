"""Signals of the studies app.

A document's original file goes when the document goes, however it is deleted; and when an
instrument replaces a document's text, ``text_replaced`` lets the analysis move its codings.
(A new study's steps are planned by ``services.plan_steps``, connected in ``apps``.)
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import Signal, receiver

from verbindend.studies.models import Document

#: sent with ``document`` (text already replaced and saved) and ``old_text``
text_replaced = Signal()


@receiver(post_delete, sender=Document)
def remove_original(sender: type[Document], instance: Document, **kwargs: Any) -> None:
    """Delete the file only once the deletion is committed, so a rollback keeps both."""
    storage, name = instance.original.storage, instance.original.name
    if not name:
        return
    transaction.on_commit(lambda: storage.delete(name))
