"""The Marian engine with the tiny model: real output, alignment, scores, batching, long input."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.engines.alignment import align_words, word_ids
from workbench.engines.batching import plan_batches, split_to_fit
from workbench.engines.model_files import ModelError, check_model_dir, resolve_model


def test_plan_batches_respects_the_budget() -> None:
    lengths = [5, 50, 7, 48, 30, 3, 100]
    batches = plan_batches(lengths, budget=100)
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))
    for batch in batches:
        assert len(batch) == 1 or len(batch) * max(lengths[i] for i in batch) <= 100
        assert [lengths[i] for i in batch] == sorted((lengths[i] for i in batch), reverse=True)


def test_split_to_fit_keeps_every_word() -> None:
    text = "eins zwei drei, vier fünf sechs; sieben acht neun zehn elf zwölf dreizehn"
    pieces = split_to_fit(text, lambda t: len(t.split()), limit=4)
    assert all(len(p.split()) <= 4 for p in pieces)
    assert " ".join(pieces).split() == text.split()
    assert pieces[0] == "eins zwei drei,"


def test_word_ids_follow_sentencepiece_word_starts() -> None:
    assert word_ids(["▁Russ", "land", "▁lehnt", "▁", "„", "ab", "“"]) == [0, 0, 1, 2, 2, 2, 2]


def test_align_words_merges_subwords() -> None:
    attention = np.array([[0.9, 0.1, 0.0], [0.1, 0.1, 0.8], [0.0, 0.2, 0.8]])
    pairs = align_words(attention, ["▁Russia", "▁decl", "ines"], ["▁Russ", "land", "▁lehnt"], 2, 2)
    assert pairs == ((0, 0), (1, 1))


def test_missing_model_is_a_one_line_error_naming_the_pull_command(tmp_path) -> None:
    with pytest.raises(ModelError) as error:
        resolve_model("Helsinki-NLP/opus-mt-xx-yy", tmp_path / "models", offline=True)
    message = str(error.value)
    assert "\n" not in message
    assert "Helsinki-NLP/opus-mt-xx-yy" in message
    assert "workbench models pull Helsinki-NLP/opus-mt-xx-yy" in message


def test_pickle_only_checkpoint_is_refused(tmp_path) -> None:
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / "pytorch_model.bin").write_bytes(b"not really")
    with pytest.raises(ModelError, match="pickle"):
        check_model_dir(tmp_path)
