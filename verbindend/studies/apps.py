from typing import Any

from django.apps import AppConfig


def _demo_base() -> tuple[Any, Any]:
    from verbindend.studies import demo_base

    return demo_base.find_or_create()


class StudiesConfig(AppConfig):
    name = "verbindend.studies"
    label = "studies"

    def ready(self) -> None:
        from verbindend.core import demo, scopes
        from verbindend.studies import signals  # noqa: F401 — connects the receivers
        from verbindend.studies.models import Study, StudyRole, case_researcher_roles

        scopes.register(scopes.ScopeKind("study", Study, StudyRole))
        scopes.derive_roles(case_researcher_roles)
        demo.register_base(_demo_base)
