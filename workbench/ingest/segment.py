"""Sentence splitting for news text: sentencex plus the German rules it misses.

sentencex (Wikimedia) knows German abbreviations, dates with month names, numbers and quotes.
What it gets wrong in news text is an ordinal before a noun ("im 20. Jahrhundert",
"der 3. Platz"), which it takes for a sentence end; `_join_ordinals` puts those back together.
It also misses sentences that open with a number ("... in Kursk. 11.000 Soldaten ..."), common
in news; `_split_before_numbers` cuts there when the word before the period is a real word and
not an abbreviation. Segments keep their trailing whitespace, so joining them restores the paragraph exactly.
"""

from __future__ import annotations

import re

from sentencex import segment as _sentencex_segment

# A segment that ends in a one- to three-digit number and a period is probably an ordinal ...
_ORDINAL_END = re.compile(r"(?:^|\s)\d{1,3}\.\s*$")
# ... unless the next segment opens like a new sentence.
_SENTENCE_OPENERS = frozenset(
    """der die das den dem des ein eine einer eines er sie es wir ich ihr man dann doch aber
    und oder denn so da dort hier nun jetzt auch nach vor bei im am in an auf aus mit seit
    zuvor danach damals heute gestern morgen später wie was wer wo warum wann ob dies diese
    dieser dieses jedoch trotzdem außerdem deshalb daher zudem""".split()
)


# A word of four or more letters, a sentence end, whitespace, then a digit.
_NUMBER_OPENER = re.compile(r"\b(?P<word>[A-Za-zÄÖÜäöüß]{4,})[.!?]\s+(?=\d)")
_ABBREVIATIONS_BEFORE_NUMBERS = frozenset("inkl zzgl bzgl evtl insb ziff abschn spalte".split())


def split_sentences(text: str, language: str = "de") -> list[str]:
    """Split a paragraph into sentences; `"".join(result) == text`."""
    if not text.strip():
        return [text] if text else []
    pieces = [piece for piece in _sentencex_segment(language, text) if piece]
    pieces = _restore_gaps(text, pieces)
    if language == "de":
        pieces = [part for piece in _join_ordinals(pieces) for part in _split_before_numbers(piece)]
    return pieces


def _restore_gaps(text: str, pieces: list[str]) -> list[str]:
    """Re-attach whitespace the splitter dropped between pieces, so nothing is lost."""
    restored: list[str] = []
    cursor = 0
    for piece in pieces:
        start = text.find(piece, cursor)
        if start < 0:  # the splitter changed the text: keep the original, unsplit
            return [text]
        gap = text[cursor:start]
        if restored:
            restored[-1] += gap
            restored.append(piece)
        else:
            restored.append(gap + piece)
        cursor = start + len(piece)
    if restored:
        restored[-1] += text[cursor:]
    return restored


def _split_before_numbers(piece: str) -> list[str]:
    parts: list[str] = []
    start = 0
    for match in _NUMBER_OPENER.finditer(piece):
        word = match.group("word").lower()
        if word in _ABBREVIATIONS_BEFORE_NUMBERS or word.endswith("str"):  # "Hauptstr. 5"
            continue
        parts.append(piece[start : match.end()])
        start = match.end()
    parts.append(piece[start:])
    return [part for part in parts if part]


def _join_ordinals(pieces: list[str]) -> list[str]:
    joined: list[str] = []
    for piece in pieces:
        if joined and _ORDINAL_END.search(joined[-1]) and not _opens_sentence(piece):
            joined[-1] += piece
        else:
            joined.append(piece)
    return joined


def _opens_sentence(piece: str) -> bool:
    words = piece.split()
    if not words:
        return False
    first = words[0].strip("\"„“«»'(")
    return not first[:1].isupper() or first.lower() in _SENTENCE_OPENERS
