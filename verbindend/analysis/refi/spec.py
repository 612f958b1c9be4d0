"""The parts of REFI-QDA (QDA-XML 1.0) that Verbindend writes and reads, and the import limits."""

from __future__ import annotations

from dataclasses import dataclass

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
ORIGIN = "Verbindend"


def p(tag: str) -> str:
    """A project element's qualified name."""
    return f"{{{PROJECT_NS}}}{tag}"


def c(tag: str) -> str:
    """A codebook element's qualified name."""
    return f"{{{CODEBOOK_NS}}}{tag}"


@dataclass(frozen=True)
class Variable:
    """One variable we write: ``name`` is stable (the import matches it); ``label`` describes it."""

    name: str
    type: str  # typeOfVariable: Text or Date here
    label: str


#: variables on text sources (the document's case and kind)
SOURCE_VARIABLES = (
    Variable("network", "Text", "Network (case of the study) the document belongs to"),
    Variable("document_kind", "Text", "Kind of document"),
    Variable("document_date", "Date", "Date of the document"),
)
#: variables on REFI cases, which are the study's respondents (attributes of the person)
CASE_VARIABLES = (
    Variable("network", "Text", "Network (case of the study) the document belongs to"),
    Variable("organisation", "Text", "Organisation"),
    Variable("lead_role", "Text", "Role in the network"),
    Variable("engagement", "Text", "Professional or volunteer"),
    Variable("tenure", "Text", "Tenure"),
    Variable("gender", "Text", "Gender (self-described)"),
    Variable("involved_since", "Date", "Involved since"),
)
VARIABLES = {v.name: v for v in (*SOURCE_VARIABLES, *CASE_VARIABLES)}
#: person attributes with fixed choices (a value from elsewhere must be one of them)
CHOICE_ATTRIBUTES = ("lead_role", "engagement", "tenure")


@dataclass(frozen=True)
class Limits:
    """What an upload may unpack to; a file beyond these is refused before anything is read."""

    max_upload: int = 200 * 1024 * 1024
    max_entries: int = 20_000
    max_total: int = 500 * 1024 * 1024
    max_entry: int = 200 * 1024 * 1024
    max_ratio: int = 200  # uncompressed / compressed, per entry of more than 1 MiB


LIMITS = Limits()
