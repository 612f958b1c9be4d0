"""The framework prior's material: what the method (and the researcher) says each code means.

For a code seeded from the method this is the node's title, summary and explanation, and its
children's texts (a principle's reflection questions and suggested exercise), in Dutch and in
English, cut into sentences, with the same said in a respondent's voice (``voices``). A
researcher's own code contributes its name and definition.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from verbindend.analysis.suggest.engine import CodeSpec
from verbindend.analysis.suggest.segment import sentences
from verbindend.analysis.suggest.voices import VOICES
from verbindend.method import content

if TYPE_CHECKING:
    from verbindend.analysis.models import Code

LANGUAGES = ("nl", "en")
FIELDS = ("title", "label", "summary", "body", "question", "text")
OWN_GROUP = "own"  # top-level codes of the researcher's own, suggested side by side


def _texts(node: content.Node) -> Iterable[str]:
    for name in FIELDS:
        if node.has(name):
            for lang in LANGUAGES:
                yield node.text(name, lang)


def method_material(key: str) -> tuple[str, ...]:
    """Sentences about one method node and its children, both languages, and how the node
    sounds in an interview (:mod:`~verbindend.analysis.suggest.voices`)."""
    if not content.exists(key):
        return ()
    node = content.get(key)
    out: list[str] = list(VOICES.get(key, ()))
    for block in [*_texts(node), *(t for child in node.children() for t in _texts(child))]:
        out.extend(s.text for s in sentences(block)) if len(block) > 80 else out.append(block)
    return tuple(dict.fromkeys(s.strip() for s in out if s.strip()))


def code_material(code: Code) -> tuple[str, ...]:
    own = [code.name] if code.name else []
    if code.definition:
        own.extend(s.text for s in sentences(code.definition))
    material = method_material(code.method_key) if code.method_key else ()
    return tuple(dict.fromkeys([*own, *material]))


def specs(codes: Iterable[Code]) -> list[CodeSpec]:
    """The codes that can be suggested, each with its group (its top-level ancestor).

    A top-level code that has sub-codes is a heading (e.g. "Design principles"), not suggested
    itself; top-level codes without sub-codes form one group of their own.
    """
    codes = list(codes)
    by_pk = {c.pk: c for c in codes}
    parents = {c.parent_id for c in codes if c.parent_id}
    out = []
    for code in codes:
        if code.parent_id is None and code.pk in parents:
            continue
        root = code
        while root.parent_id is not None and root.parent_id in by_pk:
            root = by_pk[root.parent_id]
        group = OWN_GROUP if root.pk == code.pk else (root.method_key or str(root.uuid))
        out.append(CodeSpec(str(code.uuid), group, code_material(code)))
    return out


def principle_specs() -> list[CodeSpec]:
    """The five design principles as the seeded codebook has them (for the benchmark)."""
    return [
        CodeSpec(node.key.split(".")[-1], "principle", method_material(node.key))
        for node in content.of_kind("principle")
    ]


#: sentences that are never worth a code (greetings, the recorder, the coffee), both languages;
#: with a study's own uncoded sentences they teach the engine its "nothing to code" outcome
NOTHING = (
    "Dag, kom binnen, ga zitten.",
    "Zal ik de deur even dichtdoen?",
    "Ik start nu de opname, is dat goed voor jou?",
    "Neem gerust een koekje.",
    "Ja, inderdaad.",
    "Nee, nee.",
    "Euh, even kijken.",
    "Wacht, ik moet even mijn bril pakken.",
    "Dat is alles wat ik wilde vragen, bedankt.",
    "Heb je nog iets toe te voegen?",
    "Ik stuur je het verslag nog door.",
    "Het regent weer, hè.",
    "Hello, come in, have a seat.",
    "Let me just start the recorder.",
    "Do you want a cup of tea first?",
    "Yes, indeed.",
    "No, no.",
    "Hmm, let me see.",
    "Sorry, I lost my train of thought.",
    "Is there anything else you want to add?",
    "I'll send you the notes afterwards.",
    "Thank you, that was very helpful.",
    "Can you repeat the question?",
    "Lovely weather today, isn't it?",
    # the interview's frame: consent, anonymity, time, the recording and the call
    "Alles wat je zegt, wordt anoniem verwerkt in het rapport.",
    "Je kan op elk moment zeggen dat je een vraag liever niet beantwoordt.",
    "Mag ik je vragen om eerst dit toestemmingsformulier te ondertekenen?",
    "We hebben ongeveer drie kwartier, past dat nog in je agenda?",
    "Ik hoor je even niet meer, je microfoon staat op stil denk ik.",
    "De verbinding hapert een beetje, zal ik mijn camera uitzetten?",
    "Ik zie dat het al bijna vijf uur is, we ronden af.",
    "Sorry voor de vertraging, ik stond in de file op de ring.",
    "De parking was vol, dus ik heb wat verder moeten stappen.",
    "Ik maak af en toe een notitie, trek je daar niets van aan.",
    "Goed, dan ga ik over naar het volgende blok vragen.",
    "Ik lees de vraag nog even voor zoals ze op mijn blad staat.",
    "Wil je de uitgeschreven tekst nog nalezen voor we hem gebruiken?",
    "Ik laat je nog weten wanneer het rapport klaar is.",
    "Zal ik je straks nog naar het station brengen?",
    "Ja, ja, dat herken ik wel, ga gerust door.",
    "Haha, ja, zo gaat dat.",
    "Ok, dus als ik het goed begrijp, bedoel je dat.",
    "Wat bedoel je daar precies mee?",
    "Kan je een voorbeeld geven?",
    "Vertel eens, hoe ging dat dan verder?",
    "Nog eens bedankt om hierover te willen praten.",
    "Everything you tell me will be anonymised in the report.",
    "You can skip any question you would rather not answer.",
    "Could you sign the consent form before we start?",
    "We have about forty-five minutes, does that still work for you?",
    "I can't hear you, I think you're on mute.",
    "The connection keeps freezing, shall I turn off my video?",
    "It's nearly five o'clock, so let's wrap up here.",
    "Sorry I'm late, the train was delayed again.",
    "I couldn't find a parking spot, so I had to walk a bit.",
    "I'll jot down a few notes now and then, don't mind me.",
    "Right, let's move on to the next set of questions.",
    "Let me read the question exactly as it is written here.",
    "Would you like to check the transcript before we use it?",
    "I'll let you know when the report is finished.",
    "Can I give you a lift to the station afterwards?",
    "Yes, yes, I recognise that, please go on.",
    "Ha, yes, that's how it goes.",
    "Okay, so if I understand you correctly, that's what you mean.",
    "What do you mean by that?",
    "Could you give an example?",
    "Go on, what happened after that?",
    "Thanks again for being willing to talk about this.",
)
