"""The scan links a principle to coded fragments, for the study's researchers only."""

from __future__ import annotations

from django.utils import translation

from verbindend.analysis import services
from verbindend.analysis.integrations import connect
from verbindend.scan import links
from verbindend.studies.services import add_material
from verbindend.testing.personas import Personas


def test_coded_fragments_are_linked_for_the_studys_researchers_only(personas: Personas) -> None:
    connect()
    document = add_material(
        study=personas.study, kind="transcript", title="Interview", text="We doen het samen."
    )
    services.import_codings(
        study=personas.study,
        document=document,
        items=[(0, 5, "principle.p1")],
        coder=personas.researcher,
    )
    found = links.links_for(personas.network, "principle.p1", personas.researcher)
    assert [link.kind for link in found] == ["Coded fragments"]
    assert found[0].title == "1 coded fragment in Studie A"
    with translation.override("nl"):
        dutch = links.links_for(personas.network, "principle.p1", personas.researcher)
    assert dutch[0].title == "1 gecodeerd fragment in Studie A"
    for user in (personas.member, personas.coordinator, personas.study_observer, None):
        shown = [link.kind for link in links.links_for(personas.network, "principle.p1", user)]
        if user is personas.study_observer:
            assert shown == ["Coded fragments"]  # the guidance committee reads the analysis
        else:
            assert shown == []
    assert links.links_for(personas.network, "principle.p2", personas.researcher) == []
