"""What every backend does the same way: clause splitting, token-budget batches, streaming, joining.

A backend subclasses `BatchedTranslator` and implements `_translate_batch` (a list of texts that
fit the model in, `Translation`s out); everything else, and so every behaviour the tests pin
down, is shared.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

import numpy as np

from workbench.engines.alignment import align_words
from workbench.engines.batching import plan_batches, split_marked
from workbench.engines.marian_pieces import MARIAN_TYPES
from workbench.engines.model_files import ModelError, check_model_type
from workbench.records import Translation

if TYPE_CHECKING:
    from transformers import MarianTokenizer

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Piece:
    text_index: int
    piece_index: int
    text: str
    continues: bool = False
    """Starts inside the previous piece's last word (an overlong word cut to fit)."""


class Tokenizer(Protocol):
    """What the pipeline asks of a tokenizer: `MarianTokenizer`, or the torch-free `MarianPieces`."""

    @property
    def model_max_length(self) -> int: ...

    @property
    def all_special_ids(self) -> list[int]: ...

    def tokenize(self, text: str) -> list[str]: ...

    def __call__(self, text: str | None = None, text_target: str | None = None) -> Any: ...

    # transformers declares `(str | list[str]) -> int | list[int]`: a list in gives a list out.
    def convert_tokens_to_ids(self, tokens: list[str]) -> int | list[int]: ...

    def convert_ids_to_tokens(self, ids: list[int]) -> list[str]: ...


TokenizerT = TypeVar("TokenizerT", bound=Tokenizer)
"""A backend's own tokenizer type, so that it may use more of it than the pipeline does."""


def load_tokenizer(model_dir: Path) -> MarianTokenizer:
    """transformers' tokenizer, for the transformers backend (imports transformers, and torch)."""
    from transformers import MarianTokenizer
    from transformers.utils import logging as transformers_logging

    check_model_type(model_dir, MARIAN_TYPES, "translation")
    transformers_logging.disable_progress_bar()  # a TUI and a batch log have their own progress
    try:
        return MarianTokenizer.from_pretrained(model_dir)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ModelError(
            f"{model_dir}: cannot load a Marian tokenizer ({str(error).splitlines()[0]})"
        ) from None


class BatchedTranslator(Generic[TokenizerT]):
    backend = ""

    def __init__(
        self,
        model_dir: Path,
        tokenizer: TokenizerT,
        max_positions: int,
        batch_tokens: int,
        target_prefix: str | None = None,
    ) -> None:
        self.model_dir = model_dir
        self.tokenizer = tokenizer
        self.batch_tokens = batch_tokens
        self.target_prefix = target_prefix
        prefix = tokenizer.convert_tokens_to_ids([target_prefix]) if target_prefix else []
        prefix_ids = [prefix] if isinstance(prefix, int) else prefix
        # Never aligned: </s>, padding, and a multilingual model's >>xx<< target token.
        self.special_ids = frozenset(tokenizer.all_special_ids) | frozenset(prefix_ids)
        room = 2 if target_prefix else 1  # </s>, and the target token
        self.max_source_tokens = min(tokenizer.model_max_length, max_positions) - room

    def with_prefix(self, text: str) -> str:
        """The text as the model reads it: a multilingual-target model wants its >>xx<< first."""
        return f"{self.target_prefix} {text}" if self.target_prefix else text

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer.tokenize(text))

    def translate(self, texts: Sequence[str]) -> list[Translation]:
        results: dict[int, Translation] = {}
        for batch in self.translate_batches(texts):
            results.update(batch)
        return [results[i] for i in range(len(texts))]

    def translate_batches(
        self, texts: Sequence[str], first: int = 0
    ) -> Iterator[list[tuple[int, Translation]]]:
        """Texts too long for the model are cut into clause pieces and put back together.

        The first `first` texts (what a reader sees on opening an article) go out in batches of
        their own before the rest, so they show up after a small batch, not after the whole text.
        """
        count = cache(self.count_tokens)  # each text is measured for splitting and for batching
        pieces = [
            _Piece(i, j, piece.text, piece.continues)
            for i, text in enumerate(texts)
            for j, piece in enumerate(split_marked(text, count, self.max_source_tokens))
        ]
        expected: dict[int, int] = defaultdict(int)
        for piece in pieces:
            expected[piece.text_index] += 1
        done: dict[int, dict[int, tuple[_Piece, Translation]]] = defaultdict(dict)
        lengths = [count(piece.text) + 1 for piece in pieces]
        for batch in self._plan(pieces, lengths, first):
            finished = []
            batch_pieces = [pieces[i] for i in batch]
            translations = self._translate_batch([piece.text for piece in batch_pieces])
            for piece, translation in zip(batch_pieces, translations, strict=True):
                done[piece.text_index][piece.piece_index] = (piece, translation)
                if len(done[piece.text_index]) == expected[piece.text_index]:
                    parts = done.pop(piece.text_index)
                    finished.append((piece.text_index, _joined([parts[k] for k in sorted(parts)])))
            if finished:
                yield finished

    def _plan(self, pieces: list[_Piece], lengths: list[int], first: int) -> list[list[int]]:
        """Token-budget batches of piece indices: those of the first `first` texts, then the rest."""
        batches: list[list[int]] = []
        for part in ([i for i, p in enumerate(pieces) if p.text_index < first],
                     [i for i, p in enumerate(pieces) if p.text_index >= first]):  # fmt: skip
            planned = plan_batches([lengths[i] for i in part], self.batch_tokens)
            batches.extend([part[j] for j in batch] for batch in planned)
        return batches

    def align(self, pairs: Sequence[tuple[str, str]]) -> list[Translation | None]:
        """Score and word-align given (source, target) pairs by forced decoding.

        The target (a reviewer's text) is fed to the decoder with teacher forcing; the
        cross-attention gives its alignment as for machine output. A pair longer than the
        model's input limit gets None: it stays without an alignment.
        """
        results: list[Translation | None] = [None] * len(pairs)
        lengths = [
            max(self.count_tokens(source), len(self.tokenizer(text_target=target).input_ids)) + 1
            for source, target in pairs
        ]
        fits = [i for i, length in enumerate(lengths) if length <= self.max_source_tokens]
        for batch in plan_batches([lengths[i] for i in fits], self.batch_tokens):
            chosen = [fits[i] for i in batch]
            aligned = self._force_batch([pairs[i][0] for i in chosen], [pairs[i][1] for i in chosen])
            for index, translation in zip(chosen, aligned, strict=True):
                results[index] = translation
        return results

    def _translate_batch(self, texts: list[str]) -> list[Translation]:
        raise NotImplementedError

    def _force_batch(self, sources: list[str], targets: list[str]) -> list[Translation]:
        raise NotImplementedError

    def _align(
        self, source: str, target: str, source_ids: list[int], target_ids: list[int], attention: np.ndarray
    ) -> tuple[tuple[int, int], ...]:
        """Word alignment from a (target tokens x source tokens) attention matrix over token ids.

        Rows and columns of special tokens (</s>, padding) are dropped before subwords are merged.
        """
        rows = [i for i, t in enumerate(target_ids) if t not in self.special_ids]
        cols = [i for i, t in enumerate(source_ids) if t not in self.special_ids]
        matrix = np.asarray(attention, dtype=np.float64)[np.ix_(rows, cols)]
        return align_words(
            matrix,
            self.tokenizer.convert_ids_to_tokens([target_ids[i] for i in rows]),
            self.tokenizer.convert_ids_to_tokens([source_ids[i] for i in cols]),
            len(target.split()),
            len(source.split()),
        )


def _joined(parts: list[tuple[_Piece, Translation]]) -> Translation:
    """A long text's pieces put back together; a word cut to fit is logged, never dropped."""
    continues = [piece.continues for piece, _ in parts]
    if any(continues):
        logger.warning(
            "a word of %d characters is longer than the model's input; translated in %d pieces",
            sum(len(piece.text) for piece, _ in parts),
            len(parts),
        )
    return join_pieces([(piece.text, translation) for piece, translation in parts], continues)


def join_pieces(pieces: list[tuple[str, Translation]], continues: Sequence[bool] = ()) -> Translation:
    """One Translation from the (source piece, translation) pairs of a long text, in order.

    `continues[k]`: piece k starts inside piece k-1's last word, so source word numbers (for
    the alignment) go on from that word; `cut_words` counts such cuts.
    """
    if len(pieces) == 1:
        return pieces[0][1]
    continues = list(continues) or [False] * len(pieces)
    parts = [translation for _, translation in pieces]
    pairs: list[tuple[int, int]] = []
    source_offset = target_offset = 0
    for (source, part), cut in zip(pieces, continues, strict=True):
        source_offset -= int(cut)
        pairs.extend((s + source_offset, t + target_offset) for s, t in part.alignment)
        source_offset += len(source.split())
        target_offset += len(part.text.split())
    tokens = sum(p.tokens for p in parts)
    return Translation(
        text=" ".join(p.text for p in parts),
        alignment=tuple(pairs),
        score=sum(p.score * p.tokens for p in parts) / tokens,
        tokens=tokens,
        pieces=len(parts),
        cut_words=sum(continues),
    )
