"""Find the guide's questions in a transcript's turns, in order.

A question is found in an interviewer's turn when one sentence of the turn says nearly the same
words (difflib's ratio over lower-cased words, in any of the question's languages). The guide's
order is kept: the alignment is the ordered matching with the highest total similarity, so a
question asked out of turn or not at all is left out rather than dragging the others along. A
found question's section runs from its turn up to the turn of the next found question (or the
end of the text).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

#: how alike a sentence and a question must be (0–1) to count as the question asked
THRESHOLD = 0.6
SENTENCE = re.compile(r"[^.?!…]+[.?!…]*")
WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def similarity(question: list[str], turn: str) -> float:
    """The best ratio between the question (in any language) and one sentence of the turn."""
    best = 0.0
    sentences = [s for s in SENTENCE.findall(turn) if s.strip()] or [turn]
    for text in question:
        wanted = _words(text)
        for sentence in sentences:
            said = _words(sentence)
            if said and wanted:
                best = max(best, SequenceMatcher(None, wanted, said, autojunk=False).ratio())
    return best


def interviewer_turns(turns: list[dict], speakers: dict[str, str]) -> list[int]:
    """Indexes of the interviewer's turns: as mapped on the document, else by the speaker's name,
    else every turn."""
    mapped = {name for name, who in speakers.items() if who == "interviewer"}
    if mapped:
        return [i for i, t in enumerate(turns) if t["speaker"] in mapped]
    named = [i for i, t in enumerate(turns) if t["speaker"].lower().startswith("interview")]
    return named or list(range(len(turns)))


def align(
    questions: list[list[str]], text: str, turns: list[dict], speakers: dict[str, str]
) -> dict[int, tuple[int, int]]:
    """Question index → (start, end) of its section in ``text``, for the questions found."""
    candidates = interviewer_turns(turns, speakers)
    said = [text[turns[j]["body"] : turns[j]["end"]] for j in candidates]
    n, m = len(questions), len(candidates)
    score = [[similarity(questions[i], said[j]) for j in range(m)] for i in range(n)]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            take = score[i - 1][j - 1]
            options = [best[i - 1][j], best[i][j - 1]]
            if take >= THRESHOLD:
                options.append(best[i - 1][j - 1] + take)
            best[i][j] = max(options)
    found: list[tuple[int, int]] = []  # (question index, turn index)
    i, j = n, m
    while i > 0 and j > 0:
        take = score[i - 1][j - 1]
        if take >= THRESHOLD and best[i][j] == best[i - 1][j - 1] + take:
            found.append((i - 1, candidates[j - 1]))
            i, j = i - 1, j - 1
        elif best[i][j] == best[i - 1][j]:
            i -= 1
        else:
            j -= 1
    found.reverse()
    spans: dict[int, tuple[int, int]] = {}
    for k, (index, turn) in enumerate(found):
        start = turns[turn]["start"]
        end = turns[found[k + 1][1]]["start"] if k + 1 < len(found) else len(text)
        while end > start + 1 and text[end - 1].isspace():
            end -= 1
        spans[index] = (start, end)
    return spans
