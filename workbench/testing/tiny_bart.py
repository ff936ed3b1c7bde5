"""Build a tiny, real BART summarizer from the English side of the fixture.

Like the tiny Marian model, it stands in for weights these machines cannot download
(`sshleifer/distilbart-cnn-12-6`): a byte-level BPE vocabulary and a BartForConditionalGeneration
shaped like distilbart-cnn but tiny, trained to do what news summarizers learn first: write the
lead. Each training document is a run of consecutive fixture sentences, its summary the first
of them. Its input limit is small (128 positions), so a long article takes the map-reduce path.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from tokenizers import ByteLevelBPETokenizer
from transformers import BartConfig, BartForConditionalGeneration, BartTokenizer, GenerationConfig

from workbench.testing.tiny_marian import TINY_SHAPE
from workbench.testing.tiny_training import deterministic, greedy_chrf, train_epochs

SPECIAL = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]  # BART's ids 0-4
EPOCHS = 25
"""The fixed recipe's length: lead chrF reaches 100 at about 15."""
TINY_BART = {**TINY_SHAPE, "max_position_embeddings": 128}
TOKEN_IDS = {
    "pad_token_id": 1,
    "bos_token_id": 0,
    "eos_token_id": 2,
    "decoder_start_token_id": 2,
    "forced_bos_token_id": 0,
    "forced_eos_token_id": 2,
}
"""Where BART's special tokens are, for the model config and the generation config alike."""


def lead_documents(sentences: list[str], sizes: tuple[int, ...] = (2, 3, 4)) -> list[tuple[str, str]]:
    """(document, summary) pairs: runs of consecutive sentences, summarised by their first."""
    return [
        (" ".join(sentences[start : start + size]), sentences[start])
        for size in sizes
        for start in range(len(sentences) - size + 1)
    ]


def build_tiny_bart(
    sentences: list[str],
    out_dir: Path,
    epochs: int = EPOCHS,
    seed: int = 0,
    log: Callable[[str], None] = print,
) -> float:
    """Train by the fixed recipe and save; returns the greedy chrF of its leads (the quality gate)."""
    started = time.monotonic()
    out_dir.mkdir(parents=True, exist_ok=True)
    documents = lead_documents(sentences)
    with deterministic(seed):
        tokenizer = _train_tokenizer(sentences, out_dir)
        model = BartForConditionalGeneration(_config(len(tokenizer)))
        train_epochs(
            model, tokenizer, documents, lr=1e-3, epochs=epochs, log=log, log_every=5, truncation=True
        )
        chrf = greedy_chrf(model, tokenizer, documents, truncation=True)
    model.generation_config = _generation_config()
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    log(f"built {out_dir}: lead chrF {chrf:.1f} after {epochs} epochs in {time.monotonic() - started:.0f} s")
    return chrf


def _train_tokenizer(sentences: list[str], out_dir: Path) -> BartTokenizer:
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(sentences, vocab_size=1000, min_frequency=1, special_tokens=SPECIAL)
    bpe.save_model(str(out_dir))  # vocab.json and merges.txt, as the real BART has
    return BartTokenizer(
        str(out_dir / "vocab.json"),
        str(out_dir / "merges.txt"),
        model_max_length=TINY_BART["max_position_embeddings"],
    )


def _config(vocab_size: int) -> BartConfig:
    """distilbart-cnn's special-token layout and options, at a tiny size.

    Built from a dict, as from a config.json: BartConfig's typed fields do not name the keys
    transformers no longer reads, and the shape and token dicts mix value types.
    """
    return BartConfig.from_dict(
        {
            "vocab_size": vocab_size,
            "scale_embedding": False,
            "activation_function": "gelu",
            # Keys distilbart-cnn's config.json carries (transformers 5 no longer reads them,
            # CTranslate2's converter does).
            "normalize_before": False,
            "add_final_layer_norm": False,
            "normalize_embedding": True,
            **TINY_BART,
            **TOKEN_IDS,
        }
    )


def _generation_config() -> GenerationConfig:
    """The shape of distilbart-cnn-12-6's own generation config, with lengths for short leads."""
    return GenerationConfig(
        num_beams=4,
        length_penalty=2.0,
        no_repeat_ngram_size=3,
        early_stopping=True,
        min_length=5,
        max_length=64,
        **TOKEN_IDS,
    )
