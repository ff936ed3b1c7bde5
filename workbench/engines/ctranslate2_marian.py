"""MarianMT through CTranslate2 int8: the fast backend, the default when ctranslate2 is installed.

The transformers model is converted once, on first use, into a directory keyed by the source
model's content hash (so a changed model is converted again, never served stale). Batching,
clause splitting and alignment are the shared pipeline; the alignment is read from the same
source as in the reference backend (by default head 0 of the last decoder layer), built into
the converted copy. Tokens come from the
model's SentencePiece files (`marian_pieces`), so with a converted copy neither transformers nor
torch is imported: a first translation starts in well under a second.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import ctranslate2

from workbench.engines.marian_pieces import MarianPieces, load_marian_pieces
from workbench.engines.model_files import check_model_dir, read_json
from workbench.engines.pipeline import BatchedTranslator
from workbench.records import GUIDED_HEAD, AlignmentSource, Translation


def ensure_converted(
    model_dir: Path, target: Path, quantization: str = "int8", alignment: AlignmentSource | None = None
) -> Path:
    """The CTranslate2 copy of a model in `target`, converted first when there is none.

    Only a conversion imports the converter, and with it transformers and torch; a converted
    copy is used without them. `alignment` is built into a translation model's copy (see
    `ctranslate2_convert.convert_model`); `target` must therefore be keyed by it.
    """
    if (target / "model.bin").is_file():
        return target
    from workbench.engines.ctranslate2_convert import convert_model

    return convert_model(model_dir, target, quantization, alignment)


class CTranslate2Translator(BatchedTranslator[MarianPieces]):
    backend = "ctranslate2"

    def __init__(
        self,
        model_dir: Path,
        converted_dir: Path,
        beam_size: int | None = None,
        batch_tokens: int = 4096,
        compute_type: str = "int8",
        target_prefix: str | None = None,
        alignment: AlignmentSource = GUIDED_HEAD,
    ) -> None:
        check_model_dir(model_dir)
        config = read_json(model_dir / "config.json")
        super().__init__(
            model_dir,
            load_marian_pieces(model_dir),
            int(config.get("max_position_embeddings", 512)),
            batch_tokens,
            target_prefix,
        )
        generation = read_json(model_dir / "generation_config.json")
        self.beam_size = beam_size or int(generation.get("num_beams") or 1)
        self.max_decoding_length = int(generation.get("max_length") or 512)
        self.min_decoding_length = 1
        self.converted_dir = ensure_converted(model_dir, converted_dir, compute_type, alignment)
        # One single-threaded worker per core, each taking part of every batch: on 2 cores this
        # translates 1.5x faster than one worker with 2 threads (measured with the opus-mt shape:
        # 754 against 506 tokens/s), since small matrices spend much of their time synchronising.
        self.workers = int(os.environ.get("OMP_NUM_THREADS") or os.cpu_count() or 1)
        self.engine = ctranslate2.Translator(
            str(self.converted_dir),
            device="cpu",
            compute_type=compute_type,
            intra_threads=1,
            inter_threads=self.workers,
        )

    def _translate_batch(self, texts: list[str]) -> list[Translation]:
        source_ids = [self.tokenizer(self.with_prefix(text)).input_ids for text in texts]
        results = self.engine.translate_batch(
            [self.tokenizer.convert_ids_to_tokens(ids) for ids in source_ids],
            max_batch_size=self._share(len(texts)),
            beam_size=self.beam_size,
            max_decoding_length=self.max_decoding_length,
            min_decoding_length=self.min_decoding_length,
            return_scores=True,
            return_attention=True,
            max_input_length=0,  # the pipeline already cut long inputs; never truncate here
        )
        return [
            self._one(text, ids, result) for text, ids, result in zip(texts, source_ids, results, strict=True)
        ]

    def _force_batch(self, sources: list[str], targets: list[str]) -> list[Translation]:
        """The targets as a decoding prefix give the attention; `score_batch` gives their score."""
        source_ids = [self.tokenizer(self.with_prefix(text)).input_ids for text in sources]
        source_tokens = [self.tokenizer.convert_ids_to_tokens(ids) for ids in source_ids]
        target_ids = [self.tokenizer(text_target=text).input_ids[:-1] for text in targets]  # no </s>
        prefixes = [self.tokenizer.convert_ids_to_tokens(ids) for ids in target_ids]
        forced = self.engine.translate_batch(
            source_tokens,
            target_prefix=prefixes,
            beam_size=1,
            max_decoding_length=max(len(prefix) for prefix in prefixes) + 1,
            return_attention=True,
            max_input_length=0,
        )
        scored = self.engine.score_batch(source_tokens, prefixes, max_input_length=0)
        return [
            Translation(
                text=target,
                alignment=self._align(
                    source, target, ids, prefix_ids, result.attention[0][: len(prefix_ids)]
                ),
                score=sum(score.log_probs) / len(score.log_probs),  # with </s>, as for generation
                tokens=len(score.log_probs),
            )
            for source, target, ids, prefix_ids, result, score in zip(
                sources, targets, source_ids, target_ids, forced, scored, strict=True
            )
        ]

    def _share(self, count: int) -> int:
        """Sub-batch size: two per worker keeps both busy to the end (0: one batch, one worker)."""
        return math.ceil(count / (2 * self.workers)) if self.workers > 1 else 0

    def _one(self, source: str, source_ids: list[int], result) -> Translation:
        target_ids = self.tokenizer.convert_tokens_to_ids(result.hypotheses[0])
        text = self.tokenizer.decode(target_ids, skip_special_tokens=True)
        return Translation(
            text=text,
            alignment=self._align(source, text, source_ids, target_ids, result.attention[0]),
            score=float(result.scores[0]),  # log-probability normalised by length
            tokens=len(target_ids) + 1,  # and </s>
        )
