"""BibTeX and RIS round trips: accents, LaTeX escapes, odd fields, one citation style."""

from __future__ import annotations

import pytest

from verbindend.core.errors import DomainError
from verbindend.research import bibliography, services
from verbindend.research.models import Reference
from verbindend.testing.personas import Personas

BIBTEX = r"""
% exported by a reference manager, with the quirks they have
@Article{opstaele2020,
  author    = {Opstaele, Veerle and Bonn{\'e}, Karijn and Naert, Linda},
  title     = {Verbindend leren: {C}ollectief leren in netwerken van organisaties},
  journal   = {Tijdschrift voor Sociaal Werk},
  year      = 2020,
  volume    = {12},
  number    = {3},
  pages     = {45--67},
  doi       = {10.1234/tsw.2020.003},
  keywords  = {netwerken; collectief leren, organisaties},
  annote    = {Kernbron voor de vier voorwaarden — “geankerd” gedrag.},
  x-zotero-key = {ABCD1234},
  abstract = {Een café-gesprek over {\"u}bung en øvelse}
}
@book{luther2011,
  author = {Luther, Günter},
  title = {Lernen in Organisationen},
  publisher = {Verlag für Ärzte \& Pflege},
  year = {2011},
  edition = {2.}
}
@misc{noauthor,
  title = {Een bron zonder auteur},
  howpublished = {Intern document}
}
"""

RIS = """TY  - JOUR
AU  - Opstaele, Veerle
AU  - Bonné, Karijn
TI  - Verbindend leren in Gent: een casus
T2  - Alert
PY  - 2019
VL  - 45
IS  - 2
SP  - 10
EP  - 20
DO  - 10.5555/alert.45.2
KW  - netwerk
KW  - leren
N1  - Besproken op het teamoverleg (ë, ß, ø).
LB  - opstaele2019
M3  - Interview-gebaseerd
C1  - Een eigen veld
ER  -
TY  - RPRT
AU  - Naert, Linda
TI  - Eindrapport
PB  - Arteveldehogeschool
PY  - 2021
ER  -
""".replace("ER  -\n", "ER  - \n")  # the end tag carries a trailing space in RIS


def _fields(record: bibliography.Record) -> tuple[object, ...]:
    return (
        record.key, record.kind, record.title, tuple(record.authors), record.year,
        record.container, record.publisher, record.volume, record.issue, record.pages,
        record.doi, record.url, record.notes, tuple(record.tags),
    )  # fmt: skip


def test_bibtex_reads_accents_escapes_and_keeps_odd_fields() -> None:
    records = {r.key: r for r in bibliography.read_bibtex(BIBTEX)}
    paper = records["opstaele2020"]
    assert paper.authors == ["Opstaele, Veerle", "Bonné, Karijn", "Naert, Linda"]
    assert paper.title == "Verbindend leren: Collectief leren in netwerken van organisaties"
    assert paper.container == "Tijdschrift voor Sociaal Werk" and paper.year == "2020"
    assert paper.tags == ["netwerken", "collectief leren", "organisaties"]
    assert "“geankerd”" in paper.notes
    assert paper.extra["bibtex"]["x-zotero-key"] == "ABCD1234"
    assert "übung" in paper.extra["bibtex"]["abstract"]
    assert records["luther2011"].publisher == "Verlag für Ärzte & Pflege"
    assert records["luther2011"].extra["bibtex"]["edition"] == "2."
    assert records["noauthor"].authors == []


def test_bibtex_round_trip_gives_the_same_records() -> None:
    first = bibliography.read_bibtex(BIBTEX)
    again = bibliography.read_bibtex(bibliography.write_bibtex(first))
    assert [_fields(r) for r in again] == [_fields(r) for r in first]
    assert [r.extra for r in again] == [r.extra for r in first]


def test_ris_round_trip_gives_the_same_records() -> None:
    first = bibliography.read_ris(RIS)
    assert first[0].key == "opstaele2019" and first[0].pages == "10–20"
    assert first[0].authors == ["Opstaele, Veerle", "Bonné, Karijn"]
    assert first[0].notes == "Besproken op het teamoverleg (ë, ß, ø)."
    assert first[1].kind == "techreport" and first[1].key.startswith("naert2021")
    again = bibliography.read_ris(bibliography.write_ris(first))
    assert [_fields(r) for r in again] == [_fields(r) for r in first]
    assert [r.extra for r in again] == [r.extra for r in first]


def test_a_study_imports_and_exports_both_formats_through_the_database(
    personas: Personas,
) -> None:
    study = personas.study
    assert services.import_references(study=study, data=BIBTEX.encode(), fmt="bibtex") == (3, 0)
    assert services.import_references(study=study, data=RIS.encode(), fmt="ris") == (2, 0)
    # the same file again adds nothing
    assert services.import_references(study=study, data=RIS.encode(), fmt="ris") == (0, 2)
    before = {r.key: _fields(services._to_record(r)) for r in Reference.objects.filter(study=study)}
    bib = services.export_references(study, "bibtex")
    ris = services.export_references(study, "ris")
    Reference.objects.filter(study=study).delete()
    services.import_references(study=study, data=bib.encode(), fmt="bibtex")
    after_bib = {r.key: r for r in Reference.objects.filter(study=study)}
    for key in ("opstaele2020", "luther2011"):
        assert _fields(services._to_record(after_bib[key])) == before[key]
    assert after_bib["opstaele2020"].extra["bibtex"]["x-zotero-key"] == "ABCD1234"
    Reference.objects.filter(study=study).delete()
    services.import_references(study=study, data=ris.encode(), fmt="ris")
    after_ris = {r.key: r for r in Reference.objects.filter(study=study)}
    assert _fields(services._to_record(after_ris["opstaele2019"])) == before["opstaele2019"]
    assert after_ris["opstaele2019"].extra["ris"]["custom1"] == "Een eigen veld"


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        (b"this is not a bibliography", "ris"),
        (b"@article{broken, title = {no end", "bibtex"),
        (b"", "bibtex"),
        (b"TY  - JOUR\nTI  - x\nER  - \n", "endnote"),
    ],
)
def test_an_unreadable_file_changes_nothing(personas: Personas, data: bytes, fmt: str) -> None:
    with pytest.raises(DomainError):
        services.import_references(study=personas.study, data=data, fmt=fmt)
    assert not Reference.objects.exists()


def test_one_citation_style() -> None:
    paper = bibliography.read_bibtex(BIBTEX)[0]
    assert bibliography.cite(paper) == (
        "Opstaele, V., Bonné, K., & Naert, L. (2020). Verbindend leren: Collectief leren in "
        "netwerken van organisaties. Tijdschrift voor Sociaal Werk, 12(3), 45–67. "
        "https://doi.org/10.1234/tsw.2020.003"
    )
    assert bibliography.in_text(paper) == "(Opstaele et al., 2020)"
    book = bibliography.read_bibtex(BIBTEX)[1]
    assert bibliography.cite(book) == (
        "Luther, G. (2011). Lernen in Organisationen. Verlag für Ärzte & Pflege."
    )
    assert bibliography.in_text(book) == "(Luther, 2011)"
