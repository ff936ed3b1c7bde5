"""Word alignment from decoder cross-attention: subwords merged to words, then argmax.

Attention is read from a teacher-forced pass over the final output (not from beam search
internals), so the same code aligns machine output and, later, a reviewer's edited text.
Which attention is read is a property of the model (`records.AlignmentSource`).
"""

from __future__ import annotations

import numpy as np

from workbench.records import WordPair

WORD_START = "▁"  # SentencePiece's marker for a piece that begins a new word


def word_ids(pieces: list[str]) -> list[int]:
    """Index of the word each SentencePiece piece belongs to."""
    ids: list[int] = []
    word = -1
    for index, piece in enumerate(pieces):
        starts_word = piece.startswith(WORD_START) and not (index and pieces[index - 1] == WORD_START)
        if starts_word or word < 0:
            word += 1
        ids.append(word)
    return ids


def merge_to_words(attention: np.ndarray, target_words: list[int], source_words: list[int]) -> np.ndarray:
    """Sum a (target pieces x source pieces) attention matrix into (target words x source words)."""
    rows = max(target_words, default=-1) + 1
    cols = max(source_words, default=-1) + 1
    merged = np.zeros((rows, cols), dtype=np.float64)
    np.add.at(merged, (np.asarray(target_words)[:, None], np.asarray(source_words)[None, :]), attention)
    return merged


def align_words(
    attention: np.ndarray,
    target_pieces: list[str],
    source_pieces: list[str],
    n_target_words: int,
    n_source_words: int,
) -> tuple[WordPair, ...]:
    """(source word, target word) pairs: each target word linked to its most attended source word.

    Word indices are clamped to the whitespace-split word counts of the two texts, which the
    pieces' word boundaries follow except in rare normalisation corner cases.
    """
    if not target_pieces or not source_pieces or not n_target_words or not n_source_words:
        return ()
    merged = merge_to_words(attention, word_ids(target_pieces), word_ids(source_pieces))
    pairs = {
        (min(int(merged[t].argmax()), n_source_words - 1), min(t, n_target_words - 1))
        for t in range(merged.shape[0])
    }
    return tuple(sorted(pairs, key=lambda pair: (pair[1], pair[0])))
