"""Import quality on real-shaped files: a web page with its chrome, PDFs laid out in two columns
or with hyphenated lines (made here with WeasyPrint), a Teams WebVTT and Word transcripts."""

from __future__ import annotations

import io

import docx
import pytest
from weasyprint import HTML

from verbindend.studies import extract

ARTICLE = [
    "Het lerend netwerk van de Gentse buurtcentra kwam dit voorjaar vier keer samen om te "
    "bespreken hoe vrijwilligers beter ondersteund kunnen worden.",
    "De deelnemers merkten dat elke organisatie haar eigen manier had ontwikkeld om nieuwe "
    "vrijwilligers op te vangen, en dat niemand van de andere wist hoe zij dat deden.",
    "Door die verschillen samen te leggen ontstond een gedeelde onthaalmap, die nu in alle "
    "centra gebruikt wordt en die elk jaar samen wordt bijgewerkt.",
]

PAGE = f"""<!doctype html><html lang="nl"><head><meta charset="utf-8">
<title>Samen leren in de buurtcentra | Netwerk Gent</title></head><body>
<div id="cookie-banner" class="cookie-consent"><p>Wij gebruiken cookies om deze website te
verbeteren. <button>Alles aanvaarden</button><button>Weigeren</button></p></div>
<header><nav><ul><li><a href="/">Menu</a></li><li><a href="/">Home</a></li>
<li><a href="/contact">Contact</a></li>
<li><a href="/over">Over ons netwerk</a></li></ul></nav></header>
<main><article><h1>Samen leren in de buurtcentra</h1>
<p>{ARTICLE[0]}</p><p>{ARTICLE[1]}</p><p>{ARTICLE[2]}</p></article></main>
<footer><p>© 2026 Netwerk Gent · Privacyverklaring · Nieuwsbrief</p>
<ul><li>Volg ons op sociale media</li></ul></footer></body></html>"""


def test_html_keeps_only_the_article_and_takes_its_title() -> None:
    material = extract.extract_material(PAGE.encode(), "pagina.html")
    for paragraph in ARTICLE:
        assert paragraph in material.text
    for chrome in ("cookies", "Alles aanvaarden", "Over ons netwerk", "Privacyverklaring", "Menu"):
        assert chrome not in material.text
    assert "ContactOver" not in material.text
    assert material.title == "Samen leren in de buurtcentra"


LONG = (
    "Samenwerkingsverbanden tussen organisaties ontstaan zelden vanzelf; zij vragen om "
    "uitdrukkelijke afspraken over verwachtingen, verantwoordelijkheden en de manier waarop "
    "beslissingen worden genomen in het netwerk. "
)


def _pdf(body: str, css: str, title: str = "") -> bytes:
    head = f"<title>{title}</title>" if title else ""
    html = f"<html lang='nl'><head>{head}<style>{css}</style></head><body>{body}</body></html>"
    return HTML(string=html).write_pdf()


def test_two_column_pdf_is_read_column_by_column_in_paragraphs() -> None:
    first = "Eerste alinea. " + LONG * 3
    second = "Tweede alinea. " + LONG * 3
    third = "Derde alinea. " + LONG * 3
    data = _pdf(
        f"<p>{first}</p><p>{second}</p><p>{third}</p>",
        "@page { size: A4; margin: 2cm } body { columns: 2; column-gap: 1cm; font: 11pt serif }"
        " p { margin: 0 0 1em; text-align: left }",
        title="Verslag van het netwerk",
    )
    material = extract.extract_material(data, "verslag.pdf")
    paragraphs = material.text.split("\n")
    assert [p.split(".")[0] for p in paragraphs] == [
        "Eerste alinea",
        "Tweede alinea",
        "Derde alinea",
    ]
    for paragraph, original in zip(paragraphs, (first, second, third), strict=True):
        assert paragraph == " ".join(original.split())
    assert material.title == "Verslag van het netwerk"


def test_hyphenated_pdf_lines_are_mended() -> None:
    data = _pdf(
        f"<p lang='nl'>{LONG * 4}</p><p>Slotzin van de tweede alinea.</p>",
        "@page { size: A5; margin: 1.5cm } p { hyphens: auto; text-align: justify;"
        " font: 12pt serif; margin: 0 0 1em }",
    )
    raw = extract._pdf(data, lambda _p: None)[0]
    material = extract.extract_material(data, "afgebroken.pdf")
    assert material.text.split("\n") == [
        " ".join((LONG * 4).split()),
        "Slotzin van de tweede alinea.",
    ]
    assert "-\n" not in material.text
    assert raw  # the text came from the PDF itself
    assert material.title == ""


TEAMS_VTT = """WEBVTT

b5f0c3d1-1/12-0
00:00:03.120 --> 00:00:06.480
<v Sarah De Smet>Welkom, en fijn dat jullie er allebei zijn.</v>

b5f0c3d1-1/18-0
00:00:06.480 --> 00:00:09.900
<v Sarah De Smet>We beginnen met een korte voorstelronde.</v>

c7a2e9f4-2/4-0
00:00:10.200 --> 00:00:16.050
<v Ahmed El Amrani>Ik werk sinds twee jaar bij het buurtcentrum en trek de werkgroep.</v>

d1b8f6a0-3/2-0
00:00:16.400 --> 00:00:21.700
<v Lien Vermeulen>En ik ben coördinator van het netwerk, sinds het begin.</v>
"""


def test_teams_vtt_becomes_turns_with_speakers_and_times() -> None:
    material = extract.extract_material(TEAMS_VTT.encode(), "Vergadering.vtt")
    assert [t["speaker"] for t in material.turns] == [
        "Sarah De Smet",
        "Ahmed El Amrani",
        "Lien Vermeulen",
    ]
    first = material.turns[0]
    assert material.text[first["body"] : first["end"]] == (
        "Welkom, en fijn dat jullie er allebei zijn. We beginnen met een korte voorstelronde."
    )
    assert material.text[first["start"] : first["body"]] == "Sarah De Smet: "
    assert [t["time"] for t in material.turns] == [3.12, 10.2, 16.4]
    assert "-->" not in material.text and "b5f0c3d1" not in material.text


def _docx(paragraphs: list[str], title: str = "") -> bytes:
    document = docx.Document()
    if title:
        document.core_properties.title = title
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_zoom_style_docx_transcript_keeps_speakers_and_times() -> None:
    data = _docx(
        [
            "00:00:02 Interviewer: Kun je vertellen hoe het netwerk begon?",
            "00:00:07 Ahmed El Amrani: Het begon met een vraag van de stad.",
            "00:00:12 Ahmed El Amrani: Daarna kwamen de buurtcentra zelf samen.",
            "00:01:05 Interviewer: En wat heeft dat opgeleverd?",
        ],
        title="Interview Ahmed",
    )
    material = extract.extract_material(data, "zoom-transcript.docx")
    assert [t["speaker"] for t in material.turns] == [
        "Interviewer",
        "Ahmed El Amrani",
        "Interviewer",
    ]
    assert [t["time"] for t in material.turns] == [2, 7, 65]
    second = material.turns[1]
    assert material.text[second["body"] : second["end"]] == (
        "Het begon met een vraag van de stad. Daarna kwamen de buurtcentra zelf samen."
    )
    assert material.title == "Interview Ahmed"


def test_teams_docx_with_name_and_time_lines() -> None:
    data = _docx(
        [
            "Sarah De Smet   0:03",
            "Welkom allemaal.",
            "Lien Vermeulen   0:15",
            "Dank je.",
            "Fijn om hier te zijn.",
        ]
    )
    material = extract.extract_material(data, "teams.docx")
    assert [(t["speaker"], t["time"]) for t in material.turns] == [
        ("Sarah De Smet", 3),
        ("Lien Vermeulen", 15),
    ]
    assert (
        material.text
        == "Sarah De Smet: Welkom allemaal.\nLien Vermeulen: Dank je. Fijn om hier te zijn."
    )


def test_srt_with_speaker_prefixes() -> None:
    data = (
        b"1\n00:00:01,000 --> 00:00:03,000\nAnna: Goedemorgen.\n\n"
        b"2\n00:00:03,500 --> 00:00:06,000\nBram: Dag Anna, fijn je te zien.\n"
    )
    material = extract.extract_material(data, "opname.srt")
    assert material.text == "Anna: Goedemorgen.\nBram: Dag Anna, fijn je te zien."
    assert [t["speaker"] for t in material.turns] == ["Anna", "Bram"]


def test_ordinary_word_file_is_no_transcript() -> None:
    data = _docx(
        ["Een verslag.", "Opmerking: dit is geen gesprek, maar een gewone tekst met veel zinnen."]
    )
    material = extract.extract_material(data, "verslag.docx")
    assert material.turns == []


@pytest.mark.parametrize("data", [b"WEBVTT\n\nnot a cue", b"no header at all"])
def test_broken_vtt_gets_a_clear_message(data: bytes) -> None:
    from verbindend.core.errors import DomainError

    with pytest.raises(DomainError):
        extract.extract_material(data, "kapot.vtt")
