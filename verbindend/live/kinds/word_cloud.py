"""A word cloud: a few short words per person, lemmatised lightly, stop words left out."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from django.utils.translation import gettext_lazy as _

from verbindend.live.kinds import register
from verbindend.live.kinds.base import Kind, refuse

WORD_MAX = 40
WORDS_PER_PERSON = 3

STOP_WORDS = frozenset(
    [
        "de",
        "het",
        "een",
        "en",
        "of",
        "maar",
        "want",
        "dus",
        "dat",
        "die",
        "dit",
        "deze",
        "van",
        "in",
        "op",
        "aan",
        "met",
        "voor",
        "naar",
        "bij",
        "uit",
        "over",
        "door",
        "om",
        "tot",
        "als",
        "ook",
        "niet",
        "geen",
        "wel",
        "nog",
        "al",
        "zo",
        "er",
        "hier",
        "daar",
        "wat",
        "wie",
        "waar",
        "hoe",
        "ik",
        "je",
        "jij",
        "u",
        "we",
        "wij",
        "ze",
        "zij",
        "hij",
        "zijn",
        "haar",
        "hun",
        "ons",
        "onze",
        "mijn",
        "is",
        "was",
        "ben",
        "bent",
        "zijn",
        "wordt",
        "worden",
        "werd",
        "kan",
        "kunnen",
        "zal",
        "zullen",
        "moet",
        "moeten",
        "heeft",
        "hebben",
        "had",
        "te",
        "meer",
        "veel",
        "heel",
        "erg",
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "so",
        "that",
        "this",
        "these",
        "those",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "with",
        "by",
        "about",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "its",
        "we",
        "our",
        "you",
        "your",
        "they",
        "their",
        "he",
        "she",
        "his",
        "her",
        "i",
        "my",
        "me",
        "not",
        "no",
        "yes",
        "very",
        "much",
        "more",
        "can",
        "will",
        "would",
        "should",
        "have",
        "has",
        "had",
        "do",
        "does",
        "did",
    ]
)

# Light Dutch and English suffixes, longest first: "samenwerking"/"samenwerkingen" and
# "network"/"networks" count as one word; the word shown is the one typed most.
SUFFIXES = ("ingen", "heden", "eren", "ing", "en", "es", "s", "e")


def stem(word: str) -> str:
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def words(text: str) -> list[str]:
    return [w for w in re.findall(r"[^\W\d_][\w'-]*", text.lower()) if w not in STOP_WORDS]


def cloud(texts: list[str], limit: int = 40) -> list[tuple[str, int]]:
    """(word, count) for the most frequent stems, each shown as its most typed form."""
    stems: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    for text in texts:
        for word in words(text):
            key = stem(word)
            stems[key] += 1
            forms.setdefault(key, Counter())[word] += 1
    return [(forms[key].most_common(1)[0][0], n) for key, n in stems.most_common(limit)]


class WordCloud(Kind):
    key = "word_cloud"
    label = _("Word cloud")

    def check(self, step: Any, text: str, value: dict[str, Any], prepared: Any) -> tuple[str, dict]:
        text = " ".join(text.split())
        if not text:
            raise refuse("live.empty", _("Type a word first."))
        if len(text) > WORD_MAX:
            raise refuse(
                "live.too_long",
                _("A word cloud takes short words: at most %(n)s characters.") % {"n": WORD_MAX},
            )
        slot = value.get("slot", 0)
        if type(slot) is not int or not 0 <= slot < WORDS_PER_PERSON:
            raise refuse("live.bad_request", _("This answer could not be read."))
        return text, {"slot": slot}

    def voice(self, step: Any, value: dict[str, Any]) -> str | None:
        return f"slot{value.get('slot', 0)}"

    def results(self, step: Any, contributions: list[Any], lang: str | None = None) -> list:
        return cloud([c.text for c in contributions])

    def phone_context(self, step: Any, participant: Any, mine: list[Any]) -> dict:
        typed = {c.value.get("slot", 0): c.text for c in mine}
        return {"slots": [{"slot": i, "mine": typed.get(i, "")} for i in range(WORDS_PER_PERSON)]}


register(WordCloud())
