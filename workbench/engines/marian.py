"""MarianMT through transformers: the reference backend.

One `generate()` per length-sorted batch with the model's own generation config, then one
teacher-forced pass over the output that yields both the score (mean log-probability) and the
cross-attention the word alignment is read from.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from transformers import GenerationConfig, MarianMTModel, MarianTokenizer
from transformers.utils import logging as transformers_logging

from workbench.engines.alignment import align_words
from workbench.engines.batching import plan_batches, split_to_fit
from workbench.engines.model_files import ModelError, check_model_dir
from workbench.records import Translation


@dataclass(frozen=True)
class _Piece:
    text_index: int
    piece_index: int
    text: str


class MarianTranslator:
    backend = "transformers"

    def __init__(self, model_dir: Path, beam_size: int | None = None, batch_tokens: int = 4096) -> None:
        self.model_dir = check_model_dir(model_dir)
        transformers_logging.disable_progress_bar()  # a TUI and a batch log have their own progress
        try:
            self.tokenizer = MarianTokenizer.from_pretrained(model_dir)
            # Eager attention: the scaled-dot-product kernels do not return attention weights.
            self.model = MarianMTModel.from_pretrained(
                model_dir, use_safetensors=True, attn_implementation="eager"
            ).eval()
        except (OSError, ValueError, KeyError) as error:
            raise ModelError(
                f"{model_dir}: cannot load a Marian model ({str(error).splitlines()[0]})"
            ) from None
        self.generation_config = GenerationConfig.from_model_config(self.model.config)
        if (model_dir / "generation_config.json").is_file():
            self.generation_config = GenerationConfig.from_pretrained(model_dir)
        if beam_size:
            self.generation_config.num_beams = beam_size
        self.batch_tokens = batch_tokens
        self.special_ids = frozenset(self.tokenizer.all_special_ids)
        self.alignment_layer = alignment_layer(self.model.config.decoder_layers)
        limit = min(self.tokenizer.model_max_length, self.model.config.max_position_embeddings)
        self.max_source_tokens = limit - 1  # room for </s>

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer.tokenize(text))

    def translate(self, texts: Sequence[str]) -> list[Translation]:
        results: dict[int, Translation] = {}
        for batch in self.translate_batches(texts):
            results.update(batch)
        return [results[i] for i in range(len(texts))]

    def translate_batches(self, texts: Sequence[str]) -> Iterator[list[tuple[int, Translation]]]:
        pieces = [
            _Piece(i, j, piece)
            for i, text in enumerate(texts)
            for j, piece in enumerate(split_to_fit(text, self.count_tokens, self.max_source_tokens))
        ]
        expected = defaultdict(int)
        for piece in pieces:
            expected[piece.text_index] += 1
        done: dict[int, dict[int, tuple[str, Translation]]] = defaultdict(dict)
        lengths = [self.count_tokens(piece.text) + 1 for piece in pieces]
        for batch in plan_batches(lengths, self.batch_tokens):
            finished = []
            for piece, translation in zip(
                (pieces[i] for i in batch),
                self._translate_batch([pieces[i].text for i in batch]),
                strict=True,
            ):
                done[piece.text_index][piece.piece_index] = (piece.text, translation)
                if len(done[piece.text_index]) == expected[piece.text_index]:
                    parts = done.pop(piece.text_index)
                    finished.append((piece.text_index, _join([parts[k] for k in sorted(parts)])))
            if finished:
                yield finished

    @torch.inference_mode()
    def _translate_batch(self, texts: list[str]) -> list[Translation]:
        encoded = self.tokenizer(texts, return_tensors="pt", padding=True)
        generated = self.model.generate(**encoded, generation_config=self.generation_config)
        decoder_input = generated[:, :-1]
        labels = generated[:, 1:]
        output = self.model(**encoded, decoder_input_ids=decoder_input, output_attentions=True)
        log_probs = output.logits.log_softmax(-1).gather(-1, labels.unsqueeze(-1)).squeeze(-1)
        # (batch, target, source): one layer's cross-attention, averaged over its heads.
        attention = output.cross_attentions[self.alignment_layer].mean(dim=1)
        return [
            self._one(texts[row], encoded["input_ids"][row], labels[row], log_probs[row], attention[row])
            for row in range(len(texts))
        ]

    def _one(
        self,
        source: str,
        input_ids: torch.Tensor,
        labels: torch.Tensor,
        log_probs: torch.Tensor,
        attention: torch.Tensor,
    ) -> Translation:
        special = self.special_ids
        pad, eos = self.tokenizer.pad_token_id, self.tokenizer.eos_token_id
        scored = (labels != pad).nonzero().flatten()  # generated tokens up to and including </s>
        length = int(scored.max()) + 1 if len(scored) else 0
        score = float(log_probs[:length].mean()) if length else 0.0
        target_ids = [int(t) for t in labels[:length] if int(t) not in special]
        text = self.tokenizer.decode(target_ids, skip_special_tokens=True)
        source_positions = [i for i, t in enumerate(input_ids.tolist()) if t not in special]
        target_positions = [i for i, t in enumerate(labels[:length].tolist()) if t not in (pad, eos)]
        matrix = attention[target_positions][:, source_positions].float().numpy().astype(np.float64)
        alignment = align_words(
            matrix,
            self.tokenizer.convert_ids_to_tokens([int(labels[i]) for i in target_positions]),
            self.tokenizer.convert_ids_to_tokens([int(input_ids[i]) for i in source_positions]),
            len(text.split()),
            len(source.split()),
        )
        return Translation(text=text, alignment=alignment, score=score, tokens=max(length, 1))


def alignment_layer(decoder_layers: int) -> int:
    """The decoder layer whose cross-attention aligns words best.

    The penultimate layer in deep decoders (Garg et al., 2019, for 6-layer transformers); the
    last in shallow ones. Measured on the tiny 2-layer test model over the fixture: mean
    source/target position correlation 0.39 for the last layer, 0.21 for the all-layer mean,
    -0.25 for the first.
    """
    return -2 if decoder_layers >= 4 else -1


def _join(pieces: list[tuple[str, Translation]]) -> Translation:
    """One Translation from the (source piece, translation) pairs of a long text, in order."""
    if len(pieces) == 1:
        return pieces[0][1]
    parts = [translation for _, translation in pieces]
    pairs = []
    source_offset = target_offset = 0
    for source, part in pieces:
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
    )
