from typing import Any

from django.apps import AppConfig


def _demo_base() -> tuple[Any, Any]:
    from verbindend.studies import demo_base

    return demo_base.find_or_create()


class StudiesConfig(AppConfig):
    name = "verbindend.studies"
    label = "studies"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from verbindend.core import demo, scopes
        from verbindend.studies import services, signals  # noqa: F401 — connects the receivers
        from verbindend.studies.models import Study, StudyRole, case_researcher_roles

        post_save.connect(services.plan_steps, sender=Study, dispatch_uid="studies.plan_steps")

        scopes.register(scopes.ScopeKind("study", Study, StudyRole))
        scopes.derive_roles(case_researcher_roles)
        demo.register_base(_demo_base)
