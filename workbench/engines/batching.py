"""Length-sorted batches under a padded-token budget, and clause splitting for long inputs.

Pure functions over token counts, so they are shared by every backend and tested without a
model.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

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

    See `split_marked`; `" ".join(pieces)` has the same words as `text` unless a single word was
    longer than the limit, which is then cut inside (and nothing is dropped).
    """
    return [piece.text for piece in split_marked(text, count_tokens, limit)]


@dataclass(frozen=True)
class Piece:
    text: str
    continues: bool = False
    """The piece starts inside the previous piece's last word: a word longer than the model's
    input (a 1,500-character URL) cut into fragments."""


def split_marked(text: str, count_tokens: Callable[[str], int], limit: int) -> list[Piece]:
    """Cut `text` into pieces of at most `limit` tokens: at clause ends, else between words, and
    a word that alone exceeds the limit inside the word.

    `count_tokens` counts subwords without special tokens; SentencePiece never lets a subword
    span a space, so counts add up across words and packing stays linear in the text length.
    Never drops text: the pieces joined (without a space where a piece `continues`) give the
    words of `text`.
    """
    if count_tokens(text) <= limit:
        return [Piece(text)]
    units: list[tuple[str, int, bool]] = []
    for clause in _CLAUSE_END.split(text):
        size = count_tokens(clause)
        if size <= limit:
            units.append((clause, size, False))
            continue
        for word in clause.split():
            units.extend(_fragments(word, count_tokens, limit))
    return _pack_marked(units, limit)


def _fragments(word: str, count_tokens: Callable[[str], int], limit: int) -> list[tuple[str, int, bool]]:
    """A word as (text, size, continues) units; an overlong one cut into the longest prefixes
    that fit. All but its last fragment claim the whole limit, so packing never glues another
    word onto a cut with a space."""
    size = count_tokens(word)
    if size <= limit:
        return [(word, size, False)]
    fragments: list[tuple[str, int, bool]] = []
    while word:
        low, high = 1, len(word)  # the longest prefix within the limit, by bisection
        while low < high:
            middle = (low + high + 1) // 2
            if count_tokens(word[:middle]) <= limit:
                low = middle
            else:
                high = middle - 1
        fragment, word = word[:low], word[low:]
        fragments.append((fragment, limit if word else count_tokens(fragment), bool(fragments)))
    return fragments


def pack(units: list[tuple[str, int]], limit: int) -> list[str]:
    """Join (text, size) units in order into pieces whose sizes add up to at most `limit`."""
    return [piece.text for piece in _pack_marked([(t, n, False) for t, n in units], limit)]


def _pack_marked(units: list[tuple[str, int, bool]], limit: int) -> list[Piece]:
    pieces: list[Piece] = []
    size = 0
    for unit, unit_size, continues in units:
        if pieces and not continues and size + unit_size <= limit:
            pieces[-1] = Piece(f"{pieces[-1].text} {unit}", pieces[-1].continues)
            size += unit_size
        else:
            pieces.append(Piece(unit, continues))
            size = unit_size
    return pieces
