"""Lemmas of Dutch and English text (simplemma), for the suggestion features.

Each segment's language is guessed from its function words, so that an English "learned" and a
Dutch "geleerd" both reduce to their own dictionary form; the lemma cache keeps repeated words
cheap (interviews repeat their vocabulary a lot).
"""

from __future__ import annotations

import re
from functools import lru_cache

_TOKEN = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)

# function words: used both to guess the language and to leave them out of the features
_NL_WORDS = """
    de het een en of maar dat die dit deze wat wie waar hoe wanneer waarom van voor naar met
    op in aan bij uit over onder tot door als dan ook nog al wel niet geen is zijn was waren ben
    bent heb hebt heeft hebben had hadden wordt worden werd werden zal zullen zou zouden kan
    kunnen kon konden moet moeten moest mag mogen wil willen ik je jij u hij zij ze we wij mij me
    ons onze jullie hen hun er daar hier dus omdat want zo om te nu toen even echt gewoon heel
    veel meer erg eigenlijk soms vaak altijd nooit iets niets iemand niemand elk elke alle allemaal
    zich zelf mijn jouw zijn haar men eens wel toch nog"""
_EN_WORDS = """
    the a an and or but that this these those what who where how when why of for to with on in
    at by from about into over under as than then also still not no is are was were be been
    being am have has had do does did will would shall should can could may might must i you he
    she it we they me us our your their them my his her its there here so because just really
    very much more some any every all each nobody someone something nothing now only even
    sometimes often always never too which while if"""
NL_STOP = frozenset(_NL_WORDS.split())
EN_STOP = frozenset(_EN_WORDS.split())
STOP = NL_STOP | EN_STOP


def tokens(text: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(text)]


def language(words: list[str]) -> str:
    """'nl' or 'en' by function-word count; Dutch on a tie (most material is Dutch)."""
    nl = sum(1 for w in words if w in NL_STOP)
    en = sum(1 for w in words if w in EN_STOP)
    return "en" if en > nl else "nl"


@lru_cache(maxsize=200_000)
def lemma(word: str, lang: str) -> str:
    import simplemma  # its dictionaries load when text is first lemmatised, not at start-up

    return simplemma.lemmatize(word, lang=lang).lower()


def lemmas(text: str) -> list[str]:
    """Content lemmas of a text, in order (function words and one-letter tokens left out)."""
    words = tokens(text)
    lang = language(words)
    return [lemma(w, lang) for w in words if w not in STOP and len(w) > 1]


def lemma_text(text: str) -> str:
    return " ".join(lemmas(text))


# -- small talk ------------------------------------------------------------------------------
# Words that say nothing about the work itself in an interview: back-channel, greetings, thanks,
# apologies, the recording and the call, the room, coffee, time and travel, the consent form.
# With the function words left out, a sentence made of these (and at most one other word) has
# nothing to code.
_CHATTER_WORDS = """
    ja jaja jawel nee neen nou mm mmm mhm hm hmm hmhm mm-hm mm-hmm euh eh ehm uhm uh um ah aha oh
    oei oeps okay oké ok oke goed goede prima juist klopt precies inderdaad zeker natuurlijk
    tuurlijk absoluut uiteraard sorry pardon excuus excuseer dank danku bedankt merci alsjeblieft
    alstublieft graag gerust hoor hè he ha haha hallo dag daag hoi hey goeiemorgen goedemorgen
    goeiemiddag goedemiddag goeienavond goedenavond welkom straks ziens weekend fijn leuk mooi tof
    top begin beginnen starten start stoppen stop afronden pauze moment momentje seconde minuutje
    minuut minuten uur uurtje kwartier koffie thee water melk suiker koekje koekjes glas opname
    opnemen toestel recorder microfoon micro geluid scherm delen camera verbinding internet link
    telefoon gsm batterij deur raam stoel tafel bril jas parking trein bus verkeer file weer regen
    zon warm koud verslag transcript transcriptie nalezen lezen toesturen doorsturen mailen mail
    formulier toestemming anoniem tekenen handtekening vraag vragen volgende laatste binnen zitten
    kom komen ga gaan zie zien hoor horen laat laten maak maken doe doen denk denken weet weten
    snap snappen begrijp begrijpen vind vinden zeg zeggen even eventjes tijd vandaag morgen gisteren
    yes yeah yep yup nope nah right okay ok sure exactly indeed absolutely totally fine great good
    lovely nice cool wow hello hi hey morning afternoon evening welcome thanks thank please sorry
    pardon excuse bye goodbye cheers uh-huh uh-uh umm er erm well alright course ha haha
    time minute minutes second seconds moment hour hours break coffee tea milk sugar biscuit
    biscuits cookie cookies glass recording record recorder microphone mic sound audio screen
    share camera connection internet phone battery door window chair table glasses coat parking
    train bus traffic weather rain sun warm cold hot notes note transcript email form consent
    anonymous anonymised anonymized sign question questions next last start begin stop finish wrap
    continue go going come sit let let's i'm i'll i've i'd you're you'll that's it's isn't don't
    doesn't didn't can't we're we'll there's what's here's think know see hear get got okay today
    tomorrow yesterday week bit little lot things thing way kind sort
"""
# the interviewer's prompts: in a question these ask for more, they do not say anything
_PROMPT_WORDS = """
    vertellen vertel vertelt zeggen zeg uitleggen leg voorbeeld voorbeelden bedoel bedoelt bedoelen
    beschrijven beschrijf gebeurde gebeurd gebeuren herhalen verder gebleven meer iets beetje eens
    tell say explain elaborate example examples mean meant describe happened happen repeat again
    more further else anything something were add toevoegen
"""
CHATTER = frozenset(_CHATTER_WORDS.split())
PROMPT = frozenset(_PROMPT_WORDS.split())


def small_talk(text: str) -> bool:
    """True for a sentence with nothing to code: greetings, thanks, back-channel ("ja", "mm"),
    the recording or the coffee, and the interviewer's prompts ("Can you say more?").

    At most one word may be left once function words and such words are set aside (in a
    question, the words of a prompt too)."""
    words = tokens(text)
    question = text.rstrip().rstrip("\"'”’»)").endswith("?")
    lang = language(words)
    rest = [
        w
        for w in words
        if len(w) > 1
        and w not in STOP
        and w not in CHATTER
        and not (question and w in PROMPT)
        and lemma(w, lang) not in CHATTER
    ]
    return len(rest) <= 1
