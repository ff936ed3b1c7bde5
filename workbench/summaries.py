"""Summary plumbing shared by the service and the faces: lengths, JSON, dates, the digest merge.

Pure functions over records; the ranking itself is engines/extractive.py.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict

from workbench.engines.extractive import similarity
from workbench.records import DigestItem, DigestSource, Summary, SummarySentence

DEFAULT_SENTENCES = 3
DUPLICATE_FACT = 0.5
"""Cosine similarity above which two digest sentences state the same fact."""

_MONTHS = (
    "Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember|"
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
_DATE = re.compile(rf"\b(\d{{1,2}})\.?\s+({_MONTHS})\s+(\d{{4}})\b")


def summary_length(available: int, sentences: int | None, ratio: float | None) -> int:
    """How many sentences: `sentences`, else `ratio` of the article, else 3; never more than there are."""
    if sentences is not None:
        wanted = sentences
    elif ratio is not None:
        wanted = math.ceil(ratio * available)
    else:
        wanted = DEFAULT_SENTENCES
    return max(0, min(wanted, available))


def summary_to_json(summary: Summary) -> str:
    return json.dumps(asdict(summary), ensure_ascii=False)


def summary_from_json(text: str, from_cache: bool = False) -> Summary:
    data = json.loads(text)
    sentences = tuple(SummarySentence(s["text"], tuple(s["segment_ids"])) for s in data.pop("sentences"))
    data["from_cache"] = from_cache
    return Summary(sentences=sentences, **data)


def find_date(text: str) -> str | None:
    """The first full date the text gives ("17. Oktober 2024"), as written."""
    match = _DATE.search(text)
    return match.group(0) if match else None


def merge_facts(candidates: list[tuple[str, DigestSource]]) -> list[DigestItem]:
    """Digest items in order; a sentence that repeats an earlier one joins that item's sources."""
    if not candidates:
        return []
    similar = similarity([text for text, _ in candidates])
    items: list[tuple[int, list[DigestSource]]] = []
    for index, (_, source) in enumerate(candidates):
        home = next((item for item in items if similar[index, item[0]] >= DUPLICATE_FACT), None)
        if home is None:
            items.append((index, [source]))
        elif all(s.article_id != source.article_id for s in home[1]):
            home[1].append(source)
    return [DigestItem(candidates[first][0], tuple(sources)) for first, sources in items]
