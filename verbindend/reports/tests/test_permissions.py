"""Every report view × every persona, in both scopes; another scope's version by its id.

The table is the spec: ALLOWED → 200 (or a redirect after a POST), VISIBLE → 403, anyone else
→ 404, anonymous → the login page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from verbindend.reports.models import ReportStatus, ReportVersion
from verbindend.reports.tests.builders import finished_version
from verbindend.testing.personas import PERSONAS, Personas, expected_status

NETWORK_READERS = frozenset({"coordinator", "facilitator", "member", "observer", "researcher"})
NETWORK_MAKERS = frozenset({"coordinator", "facilitator"})
STUDY_READERS = frozenset({"researcher", "study_observer"})
STUDY_MAKERS = frozenset({"researcher"})


@dataclass(frozen=True)
class Row:
    name: str
    url: Callable[[Personas, ReportVersion], str]
    allowed: frozenset[str]
    visible: frozenset[str]
    method: str = "get"
    data: dict[str, object] | None = None


def page(scope: str, name: str = "") -> Callable[[Personas, ReportVersion], str]:
    def url(p: Personas, v: ReportVersion) -> str:
        owner = p.network if scope == "network" else p.study
        if not name:
            return reverse(f"reports:{scope}", args=[owner.slug])
        return reverse(f"reports:{scope}_{name}", args=[owner.slug, v.pk])

    return url


ROWS = [
    Row("network list", page("network"), NETWORK_READERS, NETWORK_READERS),
    Row(
        "network make",
        page("network"),
        NETWORK_MAKERS,
        NETWORK_READERS,
        "post",
        {"sections": ["profile"], "language": "en"},
    ),
    Row("network version", page("network", "version"), NETWORK_READERS, NETWORK_READERS),
    Row("network html", page("network", "html"), NETWORK_READERS, NETWORK_READERS),
    Row("network pdf", page("network", "pdf"), NETWORK_READERS, NETWORK_READERS),
    Row(
        "network delete form",
        page("network", "delete"),
        frozenset({"coordinator"}),
        NETWORK_READERS,
    ),
    Row(
        "network delete",
        page("network", "delete"),
        frozenset({"coordinator"}),
        NETWORK_READERS,
        "post",
    ),
    Row("network retry", page("network", "retry"), NETWORK_MAKERS, NETWORK_READERS, "post"),
    Row("study list", page("study"), STUDY_READERS, STUDY_READERS),
    Row(
        "study make",
        page("study"),
        STUDY_MAKERS,
        STUDY_READERS,
        "post",
        {"sections": ["codebook"], "language": "nl"},
    ),
    Row("study version", page("study", "version"), STUDY_READERS, STUDY_READERS),
    Row("study html", page("study", "html"), STUDY_READERS, STUDY_READERS),
    Row("study pdf", page("study", "pdf"), STUDY_READERS, STUDY_READERS),
    Row("study delete form", page("study", "delete"), STUDY_MAKERS, STUDY_READERS),
    Row("study delete", page("study", "delete"), STUDY_MAKERS, STUDY_READERS, "post"),
    Row("study retry", page("study", "retry"), STUDY_MAKERS, STUDY_READERS, "post"),
]


def version_for(p: Personas, row: Row) -> ReportVersion:
    version = finished_version(p.network if row.name.startswith("network") else p.study)
    if row.name.endswith("retry"):  # only a failed (or stalled) version is tried again
        ReportVersion.objects.filter(pk=version.pk).update(status=ReportStatus.FAILED)
    return version


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
@pytest.mark.parametrize("who", PERSONAS)
def test_each_persona_gets_what_the_table_says(personas: Personas, row: Row, who: str) -> None:
    version = version_for(personas, row)
    client = Client()
    client.force_login(personas.everyone()[who])
    response = getattr(client, row.method)(row.url(personas, version), row.data or {})
    expected = expected_status(who, allowed=row.allowed, visible=row.visible, method=row.method)
    assert response.status_code in expected, (who, row.name, response.status_code)
    if row.name.endswith("delete") and response.status_code not in {302}:
        assert ReportVersion.objects.filter(pk=version.pk).exists()


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_anonymous_is_sent_to_log_in(personas: Personas, row: Row) -> None:
    version = version_for(personas, row)
    response = getattr(Client(), row.method)(row.url(personas, version), row.data or {})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert ReportVersion.objects.filter(pk=version.pk).exists()


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_site_administrator_may_do_everything(personas: Personas, row: Row) -> None:
    version = version_for(personas, row)
    client = Client()
    client.force_login(personas.admin)
    response = getattr(client, row.method)(row.url(personas, version), row.data or {})
    assert response.status_code in {200, 302}


@pytest.mark.parametrize("name", ["version", "html", "pdf", "delete"])
@pytest.mark.parametrize("who", ["coordinator", "other_coordinator", "admin"])
def test_another_networks_version_is_not_found_under_this_network(
    personas: Personas, name: str, who: str
) -> None:
    """Putting another network's version id into my network's address finds nothing."""
    theirs = finished_version(personas.other_network)
    client = Client()
    client.force_login(personas.admin if who == "admin" else personas.everyone()[who])
    url = reverse(f"reports:network_{name}", args=[personas.network.slug, theirs.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code in {404, 405}
    assert ReportVersion.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("name", ["version", "html", "pdf", "delete"])
def test_another_networks_coordinator_cannot_reach_our_version(
    personas: Personas, name: str
) -> None:
    ours = finished_version(personas.network)
    client = Client()
    client.force_login(personas.other_coordinator)
    for slug in (personas.network.slug, personas.other_network.slug):
        url = reverse(f"reports:network_{name}", args=[slug, ours.pk])
        assert client.get(url).status_code == 404
    assert ReportVersion.objects.filter(pk=ours.pk).exists()


@pytest.mark.parametrize("name", ["version", "html", "pdf"])
def test_a_study_version_is_not_found_under_another_study(personas: Personas, name: str) -> None:
    theirs = finished_version(personas.other_study)
    client = Client()
    client.force_login(personas.researcher)
    url = reverse(f"reports:study_{name}", args=[personas.study.slug, theirs.pk])
    assert client.get(url).status_code == 404
    url = reverse(f"reports:study_{name}", args=[personas.other_study.slug, theirs.pk])
    assert client.get(url).status_code == 404
