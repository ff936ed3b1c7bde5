"""The torch-free Marian tokenizer against transformers' MarianTokenizer, token for token.

Texts: every fixture sentence (both sides), every line of the seeds, and the varied German of
tests/fixtures/de_tokenizer_sentences.txt (quotes, numbers, dates, URLs, emoji, compounds,
other scripts, literal special tokens and >>xx<< codes, odd whitespace). Models: the tiny
de-en and fr-en models, and a copy of the de-en files shaped like a hub opus-mt download
(old-style tokenizer_config.json without added tokens, >>xx<< target tokens in the vocabulary).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.paths import FIXTURES, SEEDS
from workbench.engines.marian_pieces import MarianPieces, load_marian_pieces
from workbench.engines.model_files import ModelError
from workbench.testing.tiny_marian import read_pairs

VARIED = FIXTURES / "de_tokenizer_sentences.txt"


def _texts() -> list[str]:
    pairs = read_pairs(FIXTURES / "de_en_news.tsv") + read_pairs(FIXTURES / "fr_en_news.tsv")
    seeds = [line for path in sorted(SEEDS.glob("*.txt")) for line in path.read_text("utf-8").splitlines()]
    varied = [line for line in VARIED.read_text("utf-8").splitlines() if line]
    return [text for pair in pairs for text in pair] + [line for line in seeds if line.strip()] + varied


TEXTS = _texts()


def _opus_shaped(model: Path, out: Path) -> Path:
    """The tokenizer files as an opus-mt hub repository has them: no added tokens, language codes."""
    out.mkdir()
    for name in ("source.spm", "target.spm", "config.json"):
        shutil.copy(model / name, out / name)
    vocab = json.loads((model / "vocab.json").read_text("utf-8"))
    for code in (">>fr<<", ">>es<<", ">>pt_BR<<"):
        vocab[code] = len(vocab)
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), "utf-8")
    (out / "tokenizer_config.json").write_text('{"source_lang": "de", "target_lang": "en"}', "utf-8")
    return out


@pytest.fixture(params=["de_en", "fr_en", "opus_shaped"])
def model_dir(request, tmp_path) -> Path:
    if request.param == "fr_en":
        return request.getfixturevalue("tiny_fr_en")
    tiny = request.getfixturevalue("tiny_model")
    return _opus_shaped(tiny, tmp_path / "opus-shaped") if request.param == "opus_shaped" else tiny


def test_varied_fixture_is_large_and_varied() -> None:
    varied = VARIED.read_text("utf-8").splitlines()
    assert len(varied) >= 300 and len(set(varied)) == len(varied)
    for sample in ("„", "«", "11.000", "https://", "😀", "</s>", ">>en<<", "\t", "Москва"):
        assert any(sample in line for line in varied), sample


def test_special_tokens_and_limits_are_the_same(model_dir) -> None:
    from transformers import MarianTokenizer

    reference, pieces = MarianTokenizer.from_pretrained(model_dir), MarianPieces(model_dir)
    assert pieces.all_special_tokens == reference.all_special_tokens
    assert pieces.all_special_ids == reference.all_special_ids
    assert pieces.model_max_length == reference.model_max_length
    assert (pieces.eos_token_id, pieces.pad_token_id) == (reference.eos_token_id, reference.pad_token_id)


def test_encoding_is_the_same_token_for_token(model_dir) -> None:
    from transformers import MarianTokenizer

    reference, pieces = MarianTokenizer.from_pretrained(model_dir), MarianPieces(model_dir)
    unknown = 0
    for text in TEXTS:
        assert pieces.tokenize(text) == reference.tokenize(text), text
        ids = pieces(text).input_ids
        assert ids == reference(text).input_ids, text
        assert pieces(text_target=text).input_ids == reference(text_target=text).input_ids, text
        assert pieces.convert_ids_to_tokens(ids) == reference.convert_ids_to_tokens(ids), text
        unknown += pieces.unk_token_id in ids[:-1]
    assert unknown > 10  # emoji and other scripts reach the <unk> path


def test_decoding_is_the_same(model_dir) -> None:
    from transformers import MarianTokenizer

    reference, pieces = MarianTokenizer.from_pretrained(model_dir), MarianPieces(model_dir)
    for text in TEXTS:
        ids = reference(text_target=text).input_ids
        for skip in (True, False):
            assert pieces.decode(ids, skip_special_tokens=skip) == reference.decode(
                ids, skip_special_tokens=skip
            ), text


def test_language_codes_are_single_tokens(tiny_model, tmp_path) -> None:
    from transformers import MarianTokenizer

    model = _opus_shaped(tiny_model, tmp_path / "opus-shaped")
    reference, pieces = MarianTokenizer.from_pretrained(model), MarianPieces(model)
    for text in (">>fr<< Die Lage in Kursk", ">>pt_BR<<Kursk", ">>xx<< unbekannt", "Kursk >>fr<<"):
        assert pieces.tokenize(text) == reference.tokenize(text), text
        assert pieces(text).input_ids == reference(text).input_ids, text
    assert pieces.tokenize(">>fr<< Kursk")[0] == ">>fr<<"
    assert pieces.convert_tokens_to_ids([">>fr<<"]) == [
        json.loads((model / "vocab.json").read_text())[">>fr<<"]
    ]


def test_broken_tokenizer_files_are_one_line_errors(tiny_model, tmp_path) -> None:
    model = tmp_path / "broken"
    shutil.copytree(tiny_model, model)
    (model / "source.spm").write_bytes(b"not a sentencepiece model")
    with pytest.raises(ModelError, match=r"source\.spm"):
        load_marian_pieces(model)
    (model / "vocab.json").unlink()
    shutil.copy(tiny_model / "source.spm", model / "source.spm")
    with pytest.raises(ModelError, match=r"vocab\.json"):
        load_marian_pieces(model)
