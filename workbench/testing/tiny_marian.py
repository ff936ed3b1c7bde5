"""Build a tiny, real de->en Marian model from a small parallel fixture.

The real opus-mt weights cannot be fetched everywhere the workbench is tested, so the tests
and the offline demo use a model built here: a SentencePiece vocabulary trained on the fixture,
a MarianMTModel shaped like opus-mt-de-en but tiny, trained until it reproduces the fixture,
saved with `save_pretrained`. Loading, tokenizing, generating, aligning and caching then run
exactly the code that runs with the real model.
"""

from __future__ import annotations

import io
import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sentencepiece as spm
import torch
from sacrebleu.metrics import CHRF
from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

from workbench.engines.alignment import word_ids
from workbench.engines.alignment_eval import GoldLine, Links
from workbench.testing.tiny_training import deterministic, train_epochs

TINY_SHAPE = {
    "d_model": 128,
    "encoder_layers": 2,
    "decoder_layers": 2,
    "encoder_attention_heads": 4,
    "decoder_attention_heads": 4,
    "encoder_ffn_dim": 512,
    "decoder_ffn_dim": 512,
    "dropout": 0.0,
    "attention_dropout": 0.0,
    "activation_dropout": 0.0,
}
EPOCHS = 160
"""The fixed recipe's length. With guided alignment the 123-pair fixture reaches chrF 98.2 after
120 epochs, too thin a margin for int8 (whole words garbled), and 99.7 after 160."""
_DROPPED_KEYS = ("_num_labels", "id2label", "label2id", "transformers_version", "architectures")


HELD_OUT_EVERY = 6
"""Every sixth gold-aligned pair is kept out of the guided-alignment loss, for evaluation."""


@dataclass(frozen=True)
class BuildReport:
    chrf: float
    epochs: int
    seconds: float
    vocab_size: int
    alignment_held_out: tuple[int, ...] = ()
    """Fixture lines (0-based) with gold alignments the guided loss never saw."""


def read_pairs(path: Path) -> list[tuple[str, str]]:
    """Tab-separated source/target pairs, one per line."""
    pairs = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 2:
            raise ValueError(f"{path}:{number}: expected 'source<TAB>target'")
        pairs.append((parts[0].strip(), parts[1].strip()))
    return pairs


def build_tiny_marian(
    pairs: list[tuple[str, str]],
    out_dir: Path,
    reference_dir: Path | None = None,
    vocab_size: int = 600,
    epochs: int = EPOCHS,
    seed: int = 0,
    log: Callable[[str], None] = print,
    languages: tuple[str, str] = ("de", "en"),
    gold: list[GoldLine] | None = None,
) -> BuildReport:
    """Train by the fixed recipe and save; the report's chrF is the caller's quality gate.

    With `gold` alignments (one entry per pair), the model is trained like opus-mt: guided
    alignment on head 0 of its last decoder layer, except for the held-out pairs.
    """
    started = time.monotonic()
    out_dir.mkdir(parents=True, exist_ok=True)
    held_out = held_out_lines(gold) if gold else ()
    with deterministic(seed):
        tokenizer = _train_tokenizer(pairs, out_dir, vocab_size, languages=languages)
        model = MarianMTModel(_config(reference_dir, len(tokenizer)))
        _zero_start_embedding(model)
        guide = None
        if gold:
            guide = [
                None if line is None or index in held_out else gold_matrix(tokenizer, *pairs[index], line[0])
                for index, line in enumerate(gold)
            ]
        # Post-norm Marian with scaled embeddings collapses into a decoder-only language model
        # (one output for every input) at 1e-3 and above; 5e-4 learns the fixture reliably.
        train_epochs(model, tokenizer, pairs, lr=5e-4, epochs=epochs, log=log, guide=guide)
    model.generation_config = _generation_config(reference_dir, model.config)
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    chrf = evaluate_chrf(out_dir, pairs)
    report = BuildReport(chrf, epochs, time.monotonic() - started, len(tokenizer), held_out)
    (out_dir / "training.json").write_text(json.dumps(report.__dict__, indent=2), encoding="utf-8")
    log(f"built {out_dir}: chrF {chrf:.1f} after {epochs} epochs in {report.seconds:.0f} s")
    return report


def held_out_lines(gold: list[GoldLine]) -> tuple[int, ...]:
    """Every HELD_OUT_EVERY-th gold-aligned line, counted over aligned lines only."""
    aligned = [index for index, line in enumerate(gold) if line is not None]
    return tuple(aligned[::HELD_OUT_EVERY])


def gold_matrix(tokenizer: MarianTokenizer, source: str, target: str, sure: Links) -> np.ndarray:
    """Gold word links as a (target tokens x source tokens) distribution, as guided alignment reads it.

    Each target piece gets a uniform distribution over the pieces of the source words its word is
    surely linked to; pieces of words without a sure link and </s> get an empty row (no guidance).
    Guiding possible links too (articles, auxiliaries) was measured and aligned held-out pairs
    worse (AER 0.50 against 0.45).
    """
    source_ids = tokenizer(source)["input_ids"]
    target_ids = tokenizer(text_target=target)["input_ids"]
    source_words = word_ids(tokenizer.convert_ids_to_tokens(source_ids[:-1]))
    target_words = word_ids(tokenizer.convert_ids_to_tokens(target_ids[:-1]))
    matrix = np.zeros((len(target_ids), len(source_ids)), dtype=np.float32)
    for row, word in enumerate(target_words):
        linked = {i for i, j in sure if j == word}
        columns = [col for col, source_word in enumerate(source_words) if source_word in linked]
        if columns:
            matrix[row, columns] = 1.0 / len(columns)
    return matrix


def evaluate_chrf(model_dir: Path, pairs: list[tuple[str, str]]) -> float:
    """chrF of the saved model on its pairs, through the workbench's own translators: the lower of
    transformers float32 (the reference) and CTranslate2 int8 (the default backend, whose
    quantisation costs a model with thin margins whole words). Tests use both."""
    from workbench.engines.ctranslate2_marian import CTranslate2Translator
    from workbench.engines.marian import MarianTranslator

    sources, references = [s for s, _ in pairs], [[t for _, t in pairs]]
    with tempfile.TemporaryDirectory() as scratch:
        translators = (MarianTranslator(model_dir), CTranslate2Translator(model_dir, Path(scratch) / "int8"))
        return min(
            CHRF().corpus_score([t.text for t in translator.translate(sources)], references).score
            for translator in translators
        )


def build_reference_shaped_marian(pairs: list[tuple[str, str]], out_dir: Path, reference_dir: Path) -> Path:
    """A model exactly shaped like the reference (opus-mt-de-en: 74M parameters), random weights.

    For benchmarks: its speed and memory are the real model's; its output is noise. The
    SentencePiece model is trained on the fixture and the vocabulary padded with unused entries
    up to the reference size, so embedding and output layers have the real dimensions.
    """
    torch.manual_seed(0)
    out_dir.mkdir(parents=True, exist_ok=True)
    reference = _reference(reference_dir, "config.json")
    tokenizer = _train_tokenizer(pairs, out_dir, 600, pad_to=int(reference["vocab_size"]))
    values = {k: v for k, v in reference.items() if k not in _DROPPED_KEYS}
    model = MarianMTModel(MarianConfig(**values))
    _zero_start_embedding(model)
    model.generation_config = _generation_config(reference_dir, model.config)
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return out_dir


def _train_tokenizer(
    pairs: list[tuple[str, str]],
    out_dir: Path,
    vocab_size: int,
    pad_to: int | None = None,
    languages: tuple[str, str] = ("de", "en"),
) -> MarianTokenizer:
    """One shared SentencePiece model for both sides, as opus-mt-de-en has.

    `pad_to` fills the vocabulary with unused entries so <pad> lands at `pad_to - 1`.
    """
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter([text for pair in pairs for text in pair]),
        model_writer=model,
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        hard_vocab_limit=False,
        unk_id=0,
        bos_id=-1,
        eos_id=-1,
        pad_id=-1,
        num_threads=1,
        minloglevel=2,
    )
    for name in ("source.spm", "target.spm"):
        (out_dir / name).write_bytes(model.getvalue())
    processor = spm.SentencePieceProcessor(model_proto=model.getvalue())
    pieces = [
        processor.id_to_piece(i) for i in range(processor.get_piece_size()) if not processor.is_unknown(i)
    ]
    vocab = {"</s>": 0, "<unk>": 1, **{piece: i + 2 for i, piece in enumerate(pieces)}}
    for filler in range(len(vocab), (pad_to or 0) - 1):
        vocab[f"<unused{filler}>"] = filler
    vocab["<pad>"] = len(vocab)
    (out_dir / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    return MarianTokenizer(
        source_spm=str(out_dir / "source.spm"),
        target_spm=str(out_dir / "target.spm"),
        vocab=str(out_dir / "vocab.json"),
        source_lang=languages[0],
        target_lang=languages[1],
        model_max_length=512,
    )


def _reference(reference_dir: Path | None, name: str) -> dict:
    if reference_dir and (reference_dir / name).is_file():
        return json.loads((reference_dir / name).read_text(encoding="utf-8"))
    return {}


def _config(reference_dir: Path | None, vocab_size: int) -> MarianConfig:
    """The reference (opus-mt-de-en) config, shrunk, with ids moved to the tiny vocabulary."""
    values = {k: v for k, v in _reference(reference_dir, "config.json").items() if k not in _DROPPED_KEYS}
    pad = vocab_size - 1
    values.update(TINY_SHAPE)
    values.update(
        vocab_size=vocab_size,
        decoder_vocab_size=vocab_size,
        pad_token_id=pad,
        decoder_start_token_id=pad,
        eos_token_id=0,
        bos_token_id=0,
        forced_eos_token_id=0,
        max_position_embeddings=values.get("max_position_embeddings", 512),
    )
    config = MarianConfig(**values)
    config._attn_implementation = "eager"  # guided alignment reads the attention weights
    return config


def _zero_start_embedding(model: MarianMTModel) -> None:
    """Marian decoders start from the <pad> embedding, which is all zeros in opus-mt models.

    transformers 5 leaves that row random at init, and the output projection, tied to the
    embeddings, would train it; CTranslate2 assumes zeros (`start_from_zero_embedding`), so
    without this the two backends disagree. The row is zeroed and its gradient masked.
    """
    pad = model.config.pad_token_id
    embeddings = model.get_input_embeddings()  # typed as any Module
    assert isinstance(embeddings, torch.nn.Embedding), type(embeddings)
    weight = embeddings.weight
    with torch.no_grad():
        weight[pad].zero_()
    weight.register_hook(lambda grad: grad.index_fill(0, torch.tensor([pad]), 0.0))


def _generation_config(reference_dir: Path | None, config: MarianConfig) -> GenerationConfig:
    values = {
        k: v
        for k, v in _reference(reference_dir, "generation_config.json").items()
        if k != "transformers_version"
    }
    pad = config.pad_token_id
    values.update(
        bad_words_ids=[[pad]],
        decoder_start_token_id=pad,
        pad_token_id=pad,
        eos_token_id=0,
        bos_token_id=0,
        forced_eos_token_id=0,
    )
    values.setdefault("num_beams", 4)
    values.setdefault("max_length", 512)
    return GenerationConfig(**values)
