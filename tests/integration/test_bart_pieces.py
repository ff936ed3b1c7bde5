"""The torch-free BART tokenizer against transformers' AutoTokenizer, token for token.

On the tiny BART as it is (tokenizer.json) and as an older hub repository ships it (only
vocab.json and merges.txt), over the fixture's English, the seeds and the varied German fixture.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.paths import FIXTURES, SEEDS
from workbench.engines.bart_pieces import BartPieces
from workbench.testing.tiny_marian import read_pairs


def _texts() -> list[str]:
    english = [target for _, target in read_pairs(FIXTURES / "de_en_news.tsv")]
    seeds = [line for path in sorted(SEEDS.glob("*.txt")) for line in path.read_text("utf-8").splitlines()]
    varied = (FIXTURES / "de_tokenizer_sentences.txt").read_text("utf-8").splitlines()
    return english + [" ".join(english[:12])] + [line for line in seeds + varied if line.strip()]


@pytest.fixture(params=["tokenizer.json", "vocab and merges"])
def bart_dir(request, tiny_bart, tmp_path) -> Path:
    if request.param == "tokenizer.json":
        return tiny_bart
    copy = tmp_path / "bart"
    shutil.copytree(tiny_bart, copy)
    (copy / "tokenizer.json").unlink()
    return copy


def test_tokens_counts_and_text_are_the_same(bart_dir) -> None:
    from transformers import AutoTokenizer

    reference, pieces = AutoTokenizer.from_pretrained(bart_dir), BartPieces(bart_dir)
    assert pieces.model_max_length == reference.model_max_length
    for text in _texts():
        ids = reference(text).input_ids
        tokens = reference.convert_ids_to_tokens(ids)
        assert pieces.tokens(text) == tokens, text
        assert pieces.count_tokens(text) == len(reference(text, add_special_tokens=False).input_ids), text
        assert pieces.text(tokens) == reference.decode(ids, skip_special_tokens=True), text
