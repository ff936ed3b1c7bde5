"""Length-sorted batches under a padded-token budget, and clause splitting for long inputs.

Pure functions over token counts, so they are shared by every backend and tested without a
model.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# After a comma, semicolon, colon or dash followed by a space: where a long sentence can be cut
# with the least harm to its translation.
_CLAUSE_END = re.compile(r"(?<=[,;:–—])\s+")


def plan_batches(lengths: list[int], budget: int, max_batch: int = 64) -> list[list[int]]:
    """Group item indices, longest first, so that items x longest item <= budget per batch.

    Sorting by length keeps padding small; the budget bounds memory whatever the lengths.
    An item longer than the budget gets a batch of its own.
    """
    order = sorted(range(len(lengths)), key=lambda i: lengths[i], reverse=True)
    batches: list[list[int]] = []
    current: list[int] = []
    for index in order:
        longest = lengths[current[0]] if current else lengths[index]
        if current and ((len(current) + 1) * longest > budget or len(current) >= max_batch):
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches


def split_to_fit(text: str, count_tokens: Callable[[str], int], limit: int) -> list[str]:
    """Cut `text` into pieces of at most `limit` tokens: at clause ends, else between words.

    `count_tokens` counts subwords without special tokens; SentencePiece never lets a subword
    span a space, so counts add up across words and packing stays linear in the text length.
    Never drops text: `" ".join(pieces)` has the same words as `text`.
    """
    if count_tokens(text) <= limit:
        return [text]
    units: list[tuple[str, int]] = []
    for clause in _CLAUSE_END.split(text):
        size = count_tokens(clause)
        units.extend([(clause, size)] if size <= limit else [(w, count_tokens(w)) for w in clause.split()])
    return pack(units, limit)


def pack(units: list[tuple[str, int]], limit: int) -> list[str]:
    """Join (text, size) units in order into pieces whose sizes add up to at most `limit`."""
    pieces: list[str] = []
    size = 0
    for unit, unit_size in units:
        if pieces and size + unit_size <= limit:
            pieces[-1] += " " + unit
            size += unit_size
        else:
            pieces.append(unit)
            size = unit_size
    return pieces
