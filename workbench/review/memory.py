"""Translation memory helpers: fuzzy matching (rapidfuzz) and reading TMX files (lxml)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from rapidfuzz import fuzz, process, utils

from workbench.errors import WorkbenchError
from workbench.ingest.article import IngestError, read_bytes

FUZZY_THRESHOLD = 75
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def fuzzy_matches(
    source: str, candidates: list[str], limit: int = 5, threshold: float = FUZZY_THRESHOLD
) -> list[tuple[str, float]]:
    """Memory sources similar to `source` (score 0-100, at least `threshold`), best first.

    The score is rapidfuzz's normalised Indel similarity on case-folded text, the usual
    "fuzzy match %" of CAT tools; an identical text is an exact match, not a fuzzy one.
    """
    found = process.extract(
        source,
        candidates,
        scorer=fuzz.ratio,
        processor=utils.default_process,
        score_cutoff=threshold,
        limit=limit + 1,
    )
    return [(text, round(score, 1)) for text, score, _ in found if text != source][:limit]


def _language(code: str) -> str:
    return code.split("-")[0].split("_")[0].lower()


@dataclass(frozen=True)
class TmxPairs:
    """What a TMX file holds for one language pair, and what it holds besides."""

    pairs: list[tuple[str, str]]
    skipped: int = 0
    """Units without text in both languages of the pair (another pair, or one language only)."""
    other_languages: tuple[str, ...] = ()
    """The languages of the skipped units, so the reader sees why they were skipped."""

    def skipped_note(self, source: str, target: str) -> str:
        if not self.skipped:
            return ""
        units = "unit" if self.skipped == 1 else "units"
        return (
            f"; {self.skipped} {units} skipped (no {source}-{target} pair; {', '.join(self.other_languages)})"
        )


def read_tmx(path: Path, source_language: str, target_language: str) -> TmxPairs:
    """(source, target) pairs of a TMX file for one language pair; region subtags are ignored."""
    try:
        data = read_bytes(path)  # a regular file within the import limit: a FIFO cannot hang this
    except IngestError as error:
        raise WorkbenchError(f"{path}: cannot read ({error})") from None
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as error:
        raise WorkbenchError(f"{path}: not a TMX file ({error.msg})") from None
    if root.tag != "tmx":
        raise WorkbenchError(f"{path}: not a TMX file (root element <{etree.QName(root).text}>)")
    pairs: list[tuple[str, str]] = []
    skipped, others = 0, set[str]()
    for unit in root.iter("tu"):
        texts = {}
        for variant in unit.iter("tuv"):
            segment = variant.find("seg")
            language = variant.get(XML_LANG) or variant.get("lang") or ""
            if segment is not None:
                texts[_language(language)] = " ".join("".join(segment.itertext()).split())
        source, target = texts.get(source_language), texts.get(target_language)
        if source and target:
            pairs.append((source, target))
        else:
            skipped += 1
            others.update(language or "no language" for language in texts)
    if not pairs:
        raise WorkbenchError(f"{path}: no {source_language}-{target_language} translation units")
    return TmxPairs(pairs, skipped, tuple(sorted(others)))
