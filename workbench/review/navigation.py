"""Where the reviewer goes next and how far the article is: pure functions over segments.

The article screen asks these (next untranslated / unreviewed / flagged / needing work, counts
by state, words) so the rules live in one place that a unit test can reach without a terminal.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from workbench.records import BlockKind, Flag, Segment, Status

Flags = Mapping[int, Sequence[Flag]]
Wanted = Callable[[Segment, Sequence[Flag]], bool]

_WORD = re.compile(r"\S+")


def _body(segment: Segment) -> bool:
    return segment.kind is BlockKind.BODY


def untranslated(segment: Segment, flags: Sequence[Flag]) -> bool:
    return _body(segment) and segment.status is Status.UNTRANSLATED


def unreviewed(segment: Segment, flags: Sequence[Flag]) -> bool:
    """Body text nobody has approved yet."""
    return _body(segment) and segment.status is not Status.APPROVED


def flagged(segment: Segment, flags: Sequence[Flag]) -> bool:
    return bool(flags)


def needs_work(segment: Segment, flags: Sequence[Flag]) -> bool:
    """What confirm-and-next stops at: body text no human has written or one that is flagged or
    marked needs-work. An edited or approved text without flags is done."""
    if not _body(segment):
        return False
    return segment.status in (Status.UNTRANSLATED, Status.MT, Status.NEEDS_WORK) or bool(flags)


WANTED: dict[str, Wanted] = {
    "untranslated": untranslated,
    "unreviewed": unreviewed,
    "flagged": flagged,
    "needing work": needs_work,
}


def find(
    segments: Sequence[Segment],
    flags: Flags,
    start: int,
    step: int,
    wanted: Wanted,
    shown: Callable[[int], bool] = lambda index: True,
) -> int | None:
    """The index of the next (step 1) or previous (step -1) wanted and shown segment after
    `start`, wrapping around the article once; None when there is none but `start` itself."""
    count = len(segments)
    for distance in range(1, count):
        index = (start + step * distance) % count
        segment = segments[index]
        if shown(index) and wanted(segment, flags.get(segment.id, ())):
            return index
    return None


@dataclass(frozen=True)
class Progress:
    """How far an article's body is: segments by state, words, and flags."""

    segments: int
    states: Mapping[str, int]
    flagged: int
    words: int
    """Source words of the body."""
    words_done: int
    """Source words of body segments a human has edited or approved."""

    def line(self) -> str:
        order = ("approved", "edited", "tm", "needs-work", "mt", "untranslated")
        counts = [f"{self.states[name]} {name}" for name in order if self.states.get(name)]
        if self.flagged:
            counts.append(f"{self.flagged} flagged")
        return " · ".join([*counts, f"{self.words_done}/{self.words} words reviewed"])


def progress(segments: Sequence[Segment], flags: Flags) -> Progress:
    body = [s for s in segments if _body(s)]
    states = Counter(s.state for s in body)
    words = [len(_WORD.findall(s.source)) for s in body]
    done = sum(n for s, n in zip(body, words, strict=True) if s.status in (Status.EDITED, Status.APPROVED))
    return Progress(len(body), dict(states), sum(bool(flags.get(s.id)) for s in body), sum(words), done)
