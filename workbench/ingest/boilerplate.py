"""Tell article text from the page furniture that scrapers and aggregators leave around it.

Every decision carries a human-readable reason, so a reviewer can see why a block is dimmed and
flip it. The rules are conservative: a block is body unless a rule recognises it. Three kinds of
rule exist:

- line rules: one block on its own is furniture (photo credit, agency signature, "Siehe auch");
- zone openers: a heading that starts a run of furniture ("Kommentare", "MEHR IN NEWS");
  a comment or aggregator zone lasts to the end of the file, a link-list zone lasts while
  blocks are short link-like lines;
- repetition: a block that repeats an earlier one (captions and bylines are often doubled).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

KNOWN_OUTLETS = (
    "AFP",
    "AP",
    "APA",
    "BBC",
    "CNN",
    "DW",
    "dpa",
    "epd",
    "KNA",
    "Keystone-SDA",
    "n-tv",
    "ntv",
    "Reuters",
    "SDA",
    "SeaPRwire",
    "Tagesschau",
    "Yonhap",
)
_OUTLET_LINE = re.compile(
    r"^\(?(" + "|".join(re.escape(name) for name in KNOWN_OUTLETS) + r")\)?$", re.IGNORECASE
)
_OUTLET_PREFIX = re.compile(r"^\((?P<outlet>[A-Z][\w.\- ]{1,30})\)\s*[–—-]?\s*")

_LINE_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), reason)
    for pattern, reason in (
        (r"^[a-z]{2,4}(/[a-z]{2,4})+$", "agency signature"),
        (r"^(Bildquelle|Foto|Fotos|Bild|Quelle|Photo|Credit)\s*:", "photo credit"),
        (r"^©|\s©\s", "photo credit"),
        (r"\s[-–]\s[^.]{0,80}\b(via AP|via Reuters|Photo|Foto|Keystone|dpa|AFP)\s*$", "photo credit"),
        (r"^(Siehe auch|Lesen Sie auch|Auch interessant|Mehr dazu)\b", "cross-reference link"),
        (r"^\d+\s+(Interaktionen|Kommentare?|Reaktionen|Shares)$", "engagement counter"),
        (
            r"^(\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}|\d{4}-\d{2}-\d{2})([,\s]+\d{1,2}[:.]\d{2}(\s*Uhr)?)?$",
            "date line",
        ),
        (r"^[^.!?|·]{1,40}(\s[|·]\s[^.!?|·]{1,40}){2,}$", "link bar"),
        (r"^«?\s*Zurück( zur Übersicht| zur Startseite)?$", "navigation link"),
        (r"^(Von|By)\s+(?-i:[A-ZÄÖÜ][\w.'-]*)(\s+(und|and|&)?\s*(?-i:[A-ZÄÖÜ][\w.'-]*)){1,4}$", "byline"),
        (r"^(Branchen|Tags|Schlagwörter|Themen|Kategorien?)\s*:", "category tags"),
        (r"von einem Drittanbieter bereitgestellt|keine Zusicherungen", "press-release disclaimer"),
        (r"Pressemitteilungsverteilung|Verteilung von Pressemitteilungen", "press-release disclaimer"),
        (r"^User #\d+", "comment thread"),
        (r"^Deine E-Mail-Adresse wird nicht veröffentlicht", "comment form"),
        (r"Read more\s*Expand$|news aggregator", "aggregator blurb"),
    )
)

# Headings that open a zone of furniture, and whether the zone lasts to the end of the file.
_ZONE_OPENERS: tuple[tuple[re.Pattern[str], str, bool], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), reason, to_end)
    for pattern, reason, to_end in (
        (r"^Kommentare\s*(\(\d+\))?\s*:?$", "comment thread", True),
        (r"^(Schreibe|Schreiben Sie) einen Kommentar", "comment form", True),
        (r"^Welcome!?$", "aggregator blurb", True),
        (r"^MEHR (IN|AUS|ZU|VON)\b", "link list", False),
        (r"^Mehr zum Thema\s*:?$", "link list", False),
        (r"^Weiterlesen$", "link list", False),
        (r"^Für Sie ausgewählt$", "link list", False),
        (r"^Das könnte Sie (auch )?interessieren", "link list", False),
        (r"^(Weitere|Ähnliche) (Artikel|Nachrichten|Themen)\s*:?$", "link list", False),
    )
)
_SENTENCE_END = re.compile(r"[.!?…][\"“”»«')]*$")
_LINK_LIST_MAX_WORDS = 10
_PARAGRAPH_MIN_WORDS = 8
_LINK_LIST_MIN_WORDS = 3  # a kicker like "Strände & Co." is link-like even with a period


@dataclass(frozen=True)
class Verdict:
    boilerplate: bool
    reason: str


BODY = Verdict(False, "article text")


def classify_blocks(texts: Sequence[str]) -> list[Verdict]:
    """Classify each block of one article, in reading order.

    A zone that lasts to the end (comments) opens only after some article text: above the
    article a "Kommentare" is a menu item or a link to the thread, and taking everything after
    it would lose the whole article.
    """
    verdicts: list[Verdict] = []
    zone: tuple[str, bool] | None = None  # (reason, lasts to end)
    seen: set[str] = set()
    article_seen = False
    for text in texts:
        opener = _zone_opener(text)
        if opener and opener[1] and not article_seen:
            verdicts.append(Verdict(True, f"{opener[0]} link: '{text}'"))
        elif opener:
            zone = opener
            verdicts.append(Verdict(True, f"{opener[0]}: '{text}'"))
        elif zone and (zone[1] or _is_link_like(text)):
            verdicts.append(Verdict(True, zone[0]))
        else:
            zone = None
            verdicts.append(_classify_line(text, seen))
            article_seen = article_seen or (verdicts[-1] is BODY and _is_paragraph(text))
        seen.add(_normalise(text))
    return verdicts


def _is_paragraph(text: str) -> bool:
    """Article prose: a sentence end and more words than a teaser or a menu line has."""
    return len(text.split()) >= _PARAGRAPH_MIN_WORDS and bool(_SENTENCE_END.search(text.strip()))


def outlet_of(text: str) -> str | None:
    """The outlet a line names: a known agency on its own, or a '(AFP)' style prefix."""
    stripped = text.strip()
    if match := _OUTLET_LINE.match(stripped):
        return next(name for name in KNOWN_OUTLETS if name.lower() == match.group(1).lower())
    if match := _OUTLET_PREFIX.match(stripped):
        return match.group("outlet").strip()
    return None


def is_outlet_line(text: str) -> bool:
    return bool(_OUTLET_LINE.match(text.strip()))


def _classify_line(text: str, seen: set[str]) -> Verdict:
    stripped = text.strip()
    if is_outlet_line(stripped):
        return Verdict(True, "source line")
    for pattern, reason in _LINE_RULES:
        if pattern.search(stripped):
            return Verdict(True, reason)
    if _normalise(stripped) in seen:
        return Verdict(True, "repeats an earlier block")
    return BODY


def _zone_opener(text: str) -> tuple[str, bool] | None:
    stripped = text.strip()
    for pattern, reason, to_end in _ZONE_OPENERS:
        if pattern.search(stripped):
            return reason, to_end
    return None


def _is_link_like(text: str) -> bool:
    """Short lines without a sentence end (teaser headlines, kickers, counters), or very short."""
    words = len(text.split())
    return words <= _LINK_LIST_MIN_WORDS or (
        words <= _LINK_LIST_MAX_WORDS and not _SENTENCE_END.search(text.strip())
    )


def _normalise(text: str) -> str:
    return " ".join(text.split()).casefold()
