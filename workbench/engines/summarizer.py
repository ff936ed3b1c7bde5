"""Summarizers: extractive (no weights, any language) and abstractive (a seq2seq model).

Both take an article as paragraphs of sentences and return summary sentences, each with the
indices of the input sentences it comes from (extractive: exactly one) or is closest to
(abstractive: by TF-IDF cosine). Articles longer than the abstractive model's input limit are
summarised map-reduce style: paragraphs are packed into chunks that fit, each chunk is
summarised, and the chunk summaries are summarised again while they are longer than asked for.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from workbench.engines import extractive
from workbench.engines.batching import pack, split_to_fit
from workbench.engines.model_files import ModelError, check_model_dir, check_model_type, read_json

Splitter = Callable[[str], list[str]]
SUMMARY_TYPES = ("bart", "pegasus", "t5", "led", "mbart")
"""Seq2seq summarization model families AutoModelForSeq2SeqLM loads (and CTranslate2 converts)."""
MAX_REDUCE_ROUNDS = 4
PROVENANCE_MIN = 0.3
"""TF-IDF cosine a second source sentence needs to be named beside the closest one."""


@dataclass(frozen=True)
class SummaryPiece:
    text: str
    sources: tuple[int, ...]
    """Indices into the article's sentences (paragraphs flattened in order)."""


class Summarizer(Protocol):
    mode: str

    def summarize(
        self, paragraphs: Sequence[Sequence[str]], count: int, split: Splitter
    ) -> list[SummaryPiece]:
        """At most `count` summary sentences; `split` cuts generated text into sentences."""
        ...


class ExtractiveSummarizer:
    mode = "extractive"

    def summarize(
        self, paragraphs: Sequence[Sequence[str]], count: int, split: Splitter
    ) -> list[SummaryPiece]:
        sentences = [s for paragraph in paragraphs for s in paragraph]
        return [SummaryPiece(sentences[i], (i,)) for i in extractive.select(sentences, count)]


def provenance(summary: str, sentences: list[str], keep: int = 2) -> tuple[int, ...]:
    """The input sentences most similar to a generated one: the closest, and a runner-up if close."""
    if not sentences:
        return ()
    vectors = extractive.tfidf_matrix([*sentences, summary])
    scores = vectors[:-1] @ vectors[-1]
    order = [int(i) for i in np.argsort(-scores, kind="stable")]
    best = scores[order[0]]
    chosen = [order[0]] + [i for i in order[1:keep] if scores[i] >= max(PROVENANCE_MIN, 0.75 * best)]
    return tuple(sorted(chosen))


class AbstractiveSummarizer:
    """A transformers seq2seq summarization model (BART family), run by CTranslate2 or transformers."""

    mode = "abstractive"

    def __init__(
        self, model_dir: Path, backend: str = "ctranslate2", converted_dir: Path | None = None
    ) -> None:
        check_model_type(check_model_dir(model_dir), SUMMARY_TYPES, "summarization")
        self.model_dir = model_dir
        self.backend = backend
        generation = read_json(model_dir / "generation_config.json")
        self._generate: _CTranslate2Generator | _TransformersGenerator
        if backend == "ctranslate2":
            self._generate = _CTranslate2Generator(model_dir, converted_dir, generation)
        else:
            self._generate = _TransformersGenerator(model_dir, quantize=backend.endswith("int8"))
        positions = int(read_json(model_dir / "config.json").get("max_position_embeddings", 1024))
        self.limit = min(self._generate.model_max_length, positions) - 2  # room for <s> and </s>
        self.chunks_summarised = 0
        """Chunks sent to the model so far (map and reduce steps), for tests and diagnostics."""

    def count_tokens(self, text: str) -> int:
        """Tokens without specials, as the model's tokenizer counts them."""
        return self._generate.count_tokens(text)

    def summarize(
        self, paragraphs: Sequence[Sequence[str]], count: int, split: Splitter
    ) -> list[SummaryPiece]:
        sentences = [s for paragraph in paragraphs for s in paragraph]
        texts = [" ".join(paragraph) for paragraph in paragraphs if paragraph]
        generated: list[str] = []
        for _ in range(MAX_REDUCE_ROUNDS):
            chunks = self.chunks(texts)
            summaries = self._generate(chunks)
            self.chunks_summarised += len(chunks)
            generated = [s.strip() for text in summaries for s in split(text) if s.strip()]
            if len(chunks) == 1 or len(generated) <= count:
                break
            texts = summaries  # reduce: the chunk summaries become the next round's paragraphs
        return [SummaryPiece(text, provenance(text, sentences)) for text in generated[:count]]

    def chunks(self, texts: Sequence[str]) -> list[str]:
        """Paragraphs packed in order into chunks that fit the model; a long one is cut at clauses."""
        pieces = [piece for text in texts for piece in split_to_fit(text, self.count_tokens, self.limit)]
        return pack([(piece, self.count_tokens(piece) + 1) for piece in pieces], self.limit)


class _TransformersGenerator:
    """`generate()` with the model's own generation config, a batch of chunks at a time."""

    def __init__(self, model_dir: Path, quantize: bool = False) -> None:
        import torch
        from safetensors import SafetensorError
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(model_dir)
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ModelError(f"{model_dir}: cannot load a tokenizer ({str(error).splitlines()[0]})") from None
        try:
            model = AutoModelForSeq2SeqLM.from_pretrained(model_dir, use_safetensors=True)
        except (OSError, ValueError, KeyError, SafetensorError) as error:
            raise ModelError(
                f"{model_dir}: cannot load a summarization model ({str(error).splitlines()[0]})"
            ) from None
        if quantize:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        self.model = model.eval()
        self.model_max_length = self.tokenizer.model_max_length

    def count_tokens(self, text: str) -> int:
        """Long texts are measured here to be cut, so no length warning."""
        return len(self.tokenizer(text, add_special_tokens=False, verbose=False).input_ids)

    def __call__(self, chunks: list[str]) -> list[str]:
        import torch

        outputs = []
        with torch.inference_mode():
            for start in range(0, len(chunks), 8):
                encoded = self.tokenizer(chunks[start : start + 8], return_tensors="pt", padding=True)
                generated = self.model.generate(**encoded)
                outputs.extend(self.tokenizer.batch_decode(generated, skip_special_tokens=True))
        return [" ".join(text.split()) for text in outputs]


class _CTranslate2Generator:
    """The same model converted to CTranslate2 int8, decoded with the same generation settings.

    Tokens come from the `tokenizers` library (`BartPieces`): with a converted copy this path
    imports neither transformers nor torch.
    """

    def __init__(self, model_dir: Path, converted_dir: Path | None, generation: dict) -> None:
        import ctranslate2

        from workbench.engines.bart_pieces import BartPieces
        from workbench.engines.ctranslate2_marian import ensure_converted

        target = converted_dir or model_dir.parent / f"{model_dir.name}-ctranslate2-int8"
        self.converted_dir = ensure_converted(model_dir, target, "int8")
        threads = int(os.environ.get("OMP_NUM_THREADS") or os.cpu_count() or 1)
        self.engine = ctranslate2.Translator(
            str(self.converted_dir), device="cpu", compute_type="int8", intra_threads=threads
        )
        self.tokenizer = BartPieces(model_dir)
        self.model_max_length = self.tokenizer.model_max_length
        self.count_tokens = self.tokenizer.count_tokens
        self.options = {
            "beam_size": int(generation.get("num_beams") or 1),
            "length_penalty": float(generation.get("length_penalty", 1.0)),
            "no_repeat_ngram_size": int(generation.get("no_repeat_ngram_size") or 0),
            "min_decoding_length": int(generation.get("min_length") or 0),
            "max_decoding_length": int(generation.get("max_length") or 256),
            "max_input_length": 0,  # chunks already fit the model
        }

    def __call__(self, chunks: list[str]) -> list[str]:
        results = self.engine.translate_batch(
            [self.tokenizer.tokens(chunk) for chunk in chunks], **self.options
        )
        return [" ".join(self.tokenizer.text(result.hypotheses[0]).split()) for result in results]


def load_summarizer(
    model_dir: Path, backend: str = "auto", converted_dir: Path | None = None
) -> AbstractiveSummarizer:
    from workbench.engines.translator import resolve_backend

    return AbstractiveSummarizer(model_dir, resolve_backend(backend), converted_dir)
