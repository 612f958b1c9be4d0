"""`{% research_nav study %}`: the study's shared-ground links, only those the reader may open."""

from __future__ import annotations

from typing import Any

from django import template

from verbindend.core import policy

register = template.Library()


@register.inclusion_tag("research/_nav.html", takes_context=True)
def research_nav(context: template.Context, study: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    can_run = user is not None and policy.can(user, "sessions.run", study)
    can_interview = user is not None and policy.can(user, "interviews.view", study)
    return {"study": study, "can_run": can_run, "can_interview": can_interview}


def _study_of(context: template.Context, obj: Any) -> Any:
    """The page's study when the object belongs to it (no query per object), else its own."""
    study = context.get("study")
    return study if study is not None and study.pk == obj.study_id else obj.study


def _may_read_glossary(context: template.Context, study: Any) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return user is not None and policy.can(user, "glossary.view", study)


@register.inclusion_tag("research/_code_terms.html", takes_context=True)
def code_terms(context: template.Context, code: Any) -> dict[str, Any]:
    """The glossary's definitions of a code's concept (linked, same method key or same name)."""
    from verbindend.research.models import Term

    study = _study_of(context, code)
    if not _may_read_glossary(context, study):
        return {"terms": []}
    return {"terms": list(Term.objects.for_code(code)), "study": study}


@register.inclusion_tag("research/_memo_terms.html", takes_context=True)
def memo_terms(context: template.Context, memo: Any) -> dict[str, Any]:
    """The glossary terms a memo is linked to or names, each with its definition."""
    from verbindend.research.models import Term

    study = _study_of(context, memo)
    if not _may_read_glossary(context, study):
        return {"terms": []}
    key = f"research_terms_{study.pk}"  # one query per page, however many memos it shows
    terms = context.render_context.get(key)
    if terms is None:
        terms = Term.objects.filter(study=study).prefetch_related("memos")
        context.render_context[key] = terms
    return {"terms": terms.mentioned_in(memo), "study": study}
