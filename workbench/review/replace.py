"""Search and replace over an article's translations: what would change, before anything does.

Pure functions over segments, so the preview the reviewer sees and the change the service makes
come from the same plan.
"""

from __future__ import annotations

import re
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


def needle_pattern(needle: str) -> re.Pattern[str]:
    """`needle` as typed, ignoring case unless it holds a capital ("smart case", as in vim and
    ripgrep): `north korean` finds and replaces `North Korean`, `Kursk` only `Kursk`. Search and
    replace share it, so what the search counts is what a replace changes."""
    flags = 0 if any(c.isupper() for c in needle) else re.IGNORECASE
    return re.compile(re.escape(needle), flags)


def plan_replacements(segments: Sequence[Segment], find: str, replace: str) -> list[Replacement]:
    """Every body translation holding `find` (see `needle_pattern`) with it replaced."""
    if not find:
        return []
    pattern = needle_pattern(find)
    plan = []
    for number, s in enumerate(segments, 1):
        if s.kind is BlockKind.BODY and s.target and pattern.search(s.target):
            plan.append(Replacement(s.id, number, s.target, pattern.sub(lambda _: replace, s.target)))
    return plan


def matches(segments: Sequence[Segment], needle: str, in_source: bool) -> list[int]:
    """Indices of the segments whose source (or translation) holds `needle` (see `needle_pattern`)."""
    if not needle:
        return []
    pattern = needle_pattern(needle)
    return [
        index
        for index, s in enumerate(segments)
        if pattern.search((s.source if in_source else s.target) or "")
    ]
