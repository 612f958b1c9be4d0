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
