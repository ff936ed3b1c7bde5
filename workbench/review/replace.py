"""Search and replace over an article's translations: what would change, before anything does.

Pure functions over segments, so the preview the reviewer sees and the change the service makes
come from the same plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from workbench.records import BlockKind, Segment


@dataclass(frozen=True)
class Replacement:
    segment_id: int
    number: int
    """The segment's number as `show` prints it (1-based, reading order)."""
    old: str
    new: str


def plan_replacements(segments: Sequence[Segment], find: str, replace: str) -> list[Replacement]:
    """Every body translation holding `find` (as typed, case kept) with it replaced."""
    if not find:
        return []
    return [
        Replacement(s.id, number, s.target, s.target.replace(find, replace))
        for number, s in enumerate(segments, 1)
        if s.kind is BlockKind.BODY and s.target and find in s.target
    ]


def matches(segments: Sequence[Segment], needle: str, in_source: bool) -> list[int]:
    """Indices of the segments whose source (or translation) holds `needle`, ignoring case."""
    wanted = needle.casefold()
    if not wanted:
        return []
    return [
        index
        for index, s in enumerate(segments)
        if wanted in ((s.source if in_source else s.target) or "").casefold()
    ]
