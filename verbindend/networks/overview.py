"""What the networks app adds to the shared seams: its tabs, its tasks and its notice kinds."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from verbindend.core import home, navigation
from verbindend.core.navigation import Tab


def connect() -> None:
    for tab in (
        Tab(
            "profile",
            gettext_lazy("Profile"),
            "networks:detail",
            "network.view",
            (
                "networks:detail",
                "networks:edit",
                "networks:delete",
                "networks:welcome",
                "networks:welcome_links",
            ),
            order=10,
        ),
        Tab(
            "organisations",
            gettext_lazy("Organisations"),
            "networks:organisations",
            "network.view",
            (
                "networks:organisations",
                "networks:organisation_add",
                "networks:organisation_edit",
                "networks:organisation",
            ),
            order=20,
        ),
        Tab(
            "people",
            gettext_lazy("People"),
            "networks:people",
            "people.view",
            (
                "networks:people",
                "networks:person_add",
                "networks:people_import",
                "networks:person_edit",
                "networks:person_delete",
                "networks:consent_add",
                "networks:consent_withdraw",
            ),
            order=30,
        ),
        Tab(
            "roles",
            gettext_lazy("Roles"),
            "networks:roles",
            "network.view",
            ("networks:roles",),
            order=35,
        ),
        Tab(
            "team",
            gettext_lazy("Team and invitations"),
            "networks:team",
            "roles.manage",
            ("networks:team", "networks:role_remove"),
            order=90,
        ),
    ):
        navigation.register(tab)
    home.register("networks.cases", case_requests)
    from verbindend.notices import kinds

    kinds.register("case.proposed", gettext_lazy("A study asks to include your network"), order=10)
    kinds.register(
        "case.decided", gettext_lazy("A network decided on your study's request"), order=11
    )


def case_requests(user: Any) -> Iterator[home.Task]:
    """A study asked to use a network the user coordinates: agree or decline, right here."""
    from verbindend.core import policy
    from verbindend.studies.models import Case, CaseStatus

    proposed = (
        Case.objects.visible_to(user)
        .filter(status=CaseStatus.PROPOSED)
        .select_related("network", "study")
    )
    for case in proposed:
        if not policy.can(user, "cases.decide", case.network):
            continue
        url = reverse("networks:case_decide", args=[case.network.slug, case.pk])
        yield home.Task(
            kind="case",
            title=_("The study “%(study)s” asks to include your network as a case")
            % {"study": case.study.name},
            where=case.network.name,
            url=url,
            action=_("Agree to take part"),
            detail=_("Its researchers then read the network's material for this study only."),
            order=10,
            method="post",
            extra=((_("Decline"), url, "decline"),),
        )
