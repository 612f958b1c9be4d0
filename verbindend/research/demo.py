"""Demo data: a guidance-committee member, a glossary with history, literature, open comments."""

from __future__ import annotations

from typing import Any

from verbindend.accounts.models import User
from verbindend.accounts.services import grant_study_role
from verbindend.core.roles import StudyRoles
from verbindend.research import services
from verbindend.research.models import Comment, Reference, Term
from verbindend.studies.models import StudyRole

COMMITTEE_EMAIL = "committee@verbindend.demo"

LITERATURE = r"""
@techreport{opstaele2021,
  author = {Opstaele, Veerle and Bonn{\'e}, Karijn and Naert, Linda},
  title = {Verbindend leren: collectief leren in netwerken van organisaties},
  institution = {Arteveldehogeschool},
  year = {2021},
  keywords = {netwerken, collectief leren},
  annote = {Het onderzoeksrapport waarop de methode steunt.}
}
@book{luther2011,
  author = {Luther, Michael},
  title = {Leren in organisaties},
  publisher = {Academia Press},
  year = {2011},
  keywords = {leren}
}
@article{provan2008,
  author = {Provan, Keith G. and Kenis, Patrick},
  title = {Modes of Network Governance: Structure, Management, and Effectiveness},
  journal = {Journal of Public Administration Research and Theory},
  volume = {18},
  number = {2},
  pages = {229--252},
  year = {2008},
  doi = {10.1093/jopart/mum015},
  keywords = {governance, netwerken}
}
"""


def extend_demo(*, network: Any, study: Any) -> None:
    from verbindend.core.demo import DEMO_PASSWORD

    member, created = User.objects.get_or_create(
        username=COMMITTEE_EMAIL,
        defaults={"email": COMMITTEE_EMAIL, "first_name": "Bea", "last_name": "Begeleiding"},
    )
    if created:
        member.set_password(DEMO_PASSWORD)
        member.save()
    if not StudyRole.objects.filter(study=study, user=member).exists():
        grant_study_role(user=member, study=study, role=StudyRoles.OBSERVER)
    researcher = StudyRole.objects.filter(study=study, role=StudyRoles.RESEARCHER).first()
    by = researcher.user if researcher else None
    if not Term.objects.filter(study=study).exists():
        services.seed_glossary(study=study, by=by, language="nl")
        term = Term.objects.filter(study=study, method_key="condition.anchored").first()
        if term is not None:
            services.agree(term=term, by=member)
            services.revise_term(
                term=term,
                by=by,
                name=term.term,
                definition=term.definition
                + " In deze studie: zichtbaar in een afspraak, een systeem of een vaste werkwijze.",
                note="Afgesproken op het teamoverleg",
            )
            if by is not None:
                services.agree(term=term, by=by)
    if not Reference.objects.filter(study=study).exists():
        services.import_references(study=study, data=LITERATURE.encode(), fmt="bibtex")
    if not Comment.objects.filter(study=study).exists():
        thread = services.post_comment(
            study=study,
            by=member,
            target="plan",
            text="Plan je de focusgroep pas na de eerste analyse van de interviews?",
        )
        if by is not None:
            services.post_comment(
                study=study,
                by=by,
                target="plan",
                parent=thread,
                text="Ja, de thema's komen uit de eerste codering.",
            )
        services.post_comment(
            study=study,
            by=member,
            target="codebook",
            text="Kunnen jullie 'verankeren' scherper afbakenen tegenover 'delen'?",
        )
