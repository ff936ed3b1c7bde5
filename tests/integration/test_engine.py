"""The Marian engine with the tiny model: real output, alignment, scores, batching, long input."""

from __future__ import annotations

import numpy as np
from sacrebleu.metrics import CHRF

from workbench.engines.batching import split_to_fit
from workbench.engines.model_files import resolve_model


def test_tiny_model_reproduces_the_fixture(translator, pairs) -> None:
    outputs = translator.translate([source for source, _ in pairs])
    chrf = CHRF().corpus_score([t.text for t in outputs], [[target for _, target in pairs]]).score
    assert chrf >= 90
    assert outputs[0].text == pairs[0][1]


def test_generation_uses_the_models_own_config(translator) -> None:
    assert translator.generation_config.num_beams == 4
    assert translator.max_source_tokens == 511


def test_alignment_indices_are_in_range_and_cover_every_target_word(translator, pairs) -> None:
    sources = [source for source, _ in pairs[:40]]
    for source, translation in zip(sources, translator.translate(sources), strict=True):
        n_source, n_target = len(source.split()), len(translation.text.split())
        assert translation.alignment, source
        assert all(0 <= s < n_source and 0 <= t < n_target for s, t in translation.alignment)
        assert {t for _, t in translation.alignment} == set(range(n_target))


def test_alignment_is_roughly_monotone_on_fixture_sentences(translator, pairs) -> None:
    """German and English news word order mostly agree: positions should correlate."""
    correlations = []
    for translation in translator.translate([s for s, _ in pairs]):
        if len(translation.alignment) < 4:
            continue
        s_pos, t_pos = np.array(translation.alignment, dtype=float).T
        if s_pos.std() and t_pos.std():
            correlations.append(np.corrcoef(s_pos, t_pos)[0, 1])
    assert len(correlations) > 50
    assert float(np.mean(correlations)) > 0.3


def test_scores_are_log_probabilities_higher_for_known_sentences(translator, pairs) -> None:
    known = translator.translate([pairs[5][0]])[0]
    unknown = translator.translate(["Quantenchromodynamik erklärt Gluonen vollständig unvorhersehbar."])[0]
    assert known.score < 0 and unknown.score < 0
    assert known.score > unknown.score
    assert known.tokens >= len(known.text.split())


def test_batches_stream_every_text_once(translator, pairs) -> None:
    sources = [source for source, _ in pairs[:30]]
    translator_budget = translator.batch_tokens
    translator.batch_tokens = 64  # force several batches
    try:
        batches = list(translator.translate_batches(sources))
    finally:
        translator.batch_tokens = translator_budget
    indices = [i for batch in batches for i, _ in batch]
    assert len(batches) > 1
    assert sorted(indices) == list(range(len(sources)))


def test_long_sentence_is_split_at_clauses_not_truncated(translator, pairs) -> None:
    clause = pairs[3][0].rstrip(".")  # "11.000 nordkoreanische Soldaten seien in Kursk"
    long_sentence = ", ".join([clause] * 80) + "."
    assert translator.count_tokens(long_sentence) > translator.max_source_tokens
    pieces = split_to_fit(long_sentence, translator.count_tokens, translator.max_source_tokens)
    assert len(pieces) > 1
    assert all(translator.count_tokens(p) <= translator.max_source_tokens for p in pieces)
    assert " ".join(pieces).split() == long_sentence.split()
    translation = translator.translate([long_sentence])[0]
    assert translation.pieces == len(pieces)
    assert translation.text == " ".join(t.text for t in translator.translate(pieces))
    assert max(s for s, _ in translation.alignment) >= len(" ".join(pieces[:-1]).split())


def test_local_models_dir_is_searched(tmp_path, tiny_model) -> None:
    import shutil

    shutil.copytree(tiny_model, tmp_path / "models" / "acme" / "tiny-de-en")
    found = resolve_model("acme/tiny-de-en", tmp_path / "models", offline=True)
    assert found == tmp_path / "models" / "acme" / "tiny-de-en"


def test_ctranslate2_greedy_float32_matches_transformers_token_for_token(tiny_model, pairs, tmp_path) -> None:
    from workbench.engines.ctranslate2_marian import CTranslate2Translator
    from workbench.engines.marian import MarianTranslator

    sources = [s for s, _ in pairs] + ["Die Regierung in Kiew sprach am Montag über neue Waffen."]
    reference = MarianTranslator(tiny_model, beam_size=1).translate(sources)
    fast = CTranslate2Translator(tiny_model, tmp_path / "ct2", beam_size=1, compute_type="float32").translate(
        sources
    )
    assert [t.text for t in fast] == [t.text for t in reference]
    assert [t.alignment for t in fast] == [t.alignment for t in reference]
    assert all(abs(a.score - b.score) < 0.01 for a, b in zip(fast, reference, strict=True))


def test_ctranslate2_int8_default_reproduces_the_fixture(tiny_model, pairs, tmp_path) -> None:
    from workbench.engines.translator import load_translator, resolve_backend

    assert resolve_backend("auto") == "ctranslate2"
    translator = load_translator(tiny_model, converted_dir=tmp_path / "ct2")
    assert translator.backend == "ctranslate2"
    assert (tmp_path / "ct2" / "model.bin").is_file()  # converted once, on first use
    outputs = translator.translate([s for s, _ in pairs])
    assert CHRF().corpus_score([t.text for t in outputs], [[t for _, t in pairs]]).score >= 90
    long_sentence = ", ".join([pairs[3][0].rstrip(".")] * 80) + "."
    assert translator.translate([long_sentence])[0].pieces > 1


def test_transformers_dynamic_int8_still_translates(tiny_model, pairs) -> None:
    from workbench.engines.translator import load_translator

    translator = load_translator(tiny_model, backend="transformers-int8")
    assert translator.backend == "transformers-int8"
    assert translator.translate([pairs[0][0]])[0].text == pairs[0][1]
